"""Loading libpodlife and declaring the C prototypes (internal).

The shared library is looked for, in order:

1. the file named by the ``PODLIFE_LIBRARY`` environment variable;
2. the build tree of the checkout this package lives in
   (``build/lib``, then ``build-ci/lib``), when run from a checkout;
3. the system, through :func:`ctypes.util.find_library` and then the
   plain SONAME ``libpodlife.so.<major>``.

The library's run-time version is checked at import: a different major
version is refused with :class:`ImportError`.

Every C function of the public headers is declared here with its
argument and result types, so that ctypes converts arguments correctly on
every platform (64-bit pointers, ``size_t``, ``int64_t``).  ctypes
releases the GIL for the duration of every call made through a
:class:`ctypes.CDLL`, so long C calls do not block other Python threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pathlib
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char,
    c_char_p,
    c_int,
    c_int64,
    c_size_t,
    c_uint,
    c_uint64,
    c_void_p,
)
from typing import Any, Callable, Dict, List, Optional, Tuple

#: The major version of the C library these bindings are written for.
SUPPORTED_MAJOR = 0
#: The oldest minor version (within SUPPORTED_MAJOR) that has every function
#: declared here.
MINIMUM_MINOR = 1

SONAME = "libpodlife.so.%d" % SUPPORTED_MAJOR


def _checkout_root() -> Optional[pathlib.Path]:
    """The top of the source checkout when this package runs from one."""
    here = pathlib.Path(__file__).resolve()
    # <root>/bindings/python/podlife/_lib.py
    if len(here.parents) < 4:
        return None
    root = here.parents[3]
    if (root / "include" / "podlife" / "common.h").is_file():
        return root
    return None


def candidate_paths() -> List[str]:
    """The places the library is looked for, in order (for messages)."""
    out: List[str] = []
    env = os.environ.get("PODLIFE_LIBRARY")
    if env:
        out.append(env)
    root = _checkout_root()
    if root is not None:
        for build in ("build", "build-ci"):
            out.append(str(root / build / "lib" / SONAME))
    found = ctypes.util.find_library("podlife")
    if found:
        out.append(found)
    out.append(SONAME)
    return out


def _open() -> Tuple[ctypes.CDLL, str]:
    errors: List[str] = []
    env = os.environ.get("PODLIFE_LIBRARY")
    for i, path in enumerate(candidate_paths()):
        is_env = bool(env) and i == 0
        if not is_env and os.sep in path and not os.path.exists(path):
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as exc:
            if is_env:
                # An explicit choice that does not load is an error, not a
                # reason to pick another library silently.
                raise ImportError(
                    "podlife: cannot load PODLIFE_LIBRARY=%s: %s" % (path, exc)
                ) from exc
            errors.append("%s: %s" % (path, exc))
    raise ImportError(
        "podlife: cannot find %s; set PODLIFE_LIBRARY to its path, build the "
        "checkout (meson setup build && ninja -C build) or install the library. "
        "Tried: %s" % (SONAME, "; ".join(errors) or ", ".join(candidate_paths()))
    )


lib, path = _open()

# ---- version ----------------------------------------------------------------

lib.podlife_version.argtypes = [POINTER(c_uint)]
lib.podlife_version.restype = c_char_p


def _check_version() -> Tuple[str, int]:
    number = c_uint(0)
    text = lib.podlife_version(ctypes.byref(number)).decode("ascii", "replace")
    major, minor = number.value >> 16, (number.value >> 8) & 0xFF
    if major != SUPPORTED_MAJOR or minor < MINIMUM_MINOR:
        raise ImportError(
            "podlife: %s is version %s, but these bindings need %d.x with x >= %d "
            "(an incompatible major version changes the C ABI); point "
            "PODLIFE_LIBRARY to a matching libpodlife"
            % (path, text, SUPPORTED_MAJOR, MINIMUM_MINOR)
        )
    return text, number.value


version_string, version_number = _check_version()

# ---- declarations -----------------------------------------------------------

#: Every function declared, name -> ctypes function object.
declared: Dict[str, Any] = {"podlife_version": lib.podlife_version}
#: Functions the bindings know that the loaded library lacks (an older
#: minor version); calling one raises NotImplementedError.
missing: List[str] = []


def fn(name: str, restype: Any, *argtypes: Any) -> Any:
    """Declares ``name`` and returns the ctypes function (None when the
    loaded library lacks it, so that an older minor version still loads)."""
    try:
        f = getattr(lib, name)
    except AttributeError:
        missing.append(name)

        def absent(*_args: Any) -> Any:
            raise NotImplementedError(
                "%s is not in the loaded library %s (version %s); it needs a newer "
                "libpodlife" % (name, path, version_string))

        absent.__name__ = name
        setattr(lib, name, absent)
        return None
    f.restype = restype
    f.argtypes = list(argtypes)
    declared[name] = f
    return f


c_void_pp = POINTER(c_void_p)
c_char_pp = POINTER(c_char_p)

# common.h
fn("podlife_strerror", c_char_p, c_int)
fn("podlife_free", None, c_void_p)
fn("podlife_error_type_name", c_char_p, c_int)
fn("podlife_error_code", c_int, c_void_p)
fn("podlife_error_severity", c_int, c_void_p)
fn("podlife_error_type_of", c_int, c_void_p)
fn("podlife_error_path", c_char_p, c_void_p)
fn("podlife_error_detail", c_char_p, c_void_p)
fn("podlife_error_message", c_char_p, c_void_p)
fn("podlife_error_line", c_uint, c_void_p)
fn("podlife_error_column", c_uint, c_void_p)
fn("podlife_error_document", c_uint, c_void_p)
fn("podlife_error_free", None, c_void_p)
fn("podlife_diag_count", c_size_t, c_void_p)
fn("podlife_diag_error_count", c_size_t, c_void_p)
fn("podlife_diag_get", c_void_p, c_void_p, c_size_t)
fn("podlife_diag_free", None, c_void_p)

# Allocator hooks.
MALLOC_FN = CFUNCTYPE(c_void_p, c_void_p, c_size_t)
REALLOC_FN = CFUNCTYPE(c_void_p, c_void_p, c_void_p, c_size_t)
FREE_FN = CFUNCTYPE(None, c_void_p, c_void_p)


class podlife_allocator(Structure):
    _fields_ = [
        ("version", c_uint),
        ("malloc", MALLOC_FN),
        ("realloc", REALLOC_FN),
        ("free", FREE_FN),
        ("ud", c_void_p),
    ]


PODLIFE_ALLOCATOR_VERSION = 1


# pod.h
class podlife_parse_options(Structure):
    _fields_ = [
        ("version", c_uint),
        ("flags", c_uint),
        ("max_bytes", c_size_t),
        ("max_depth", c_uint),
        ("max_nodes", c_size_t),
        ("allocator", POINTER(podlife_allocator)),
        ("source_name", c_char_p),
    ]


PODLIFE_PARSE_OPTIONS_VERSION = 1

fn("podlife_pod_parse", c_int, c_char_p, c_size_t, POINTER(podlife_parse_options),
   c_void_pp, c_void_pp)
fn("podlife_pod_parse_file", c_int, c_char_p, POINTER(podlife_parse_options),
   c_void_pp, c_void_pp)
fn("podlife_pod_list_count", c_size_t, c_void_p)
fn("podlife_pod_list_get", c_void_p, c_void_p, c_size_t)
fn("podlife_pod_list_free", None, c_void_p)
fn("podlife_pod_retain", c_void_p, c_void_p)
fn("podlife_pod_release", None, c_void_p)
fn("podlife_pod_name", c_char_p, c_void_p)
fn("podlife_pod_namespace", c_char_p, c_void_p)
fn("podlife_pod_source_kind", c_char_p, c_void_p)
fn("podlife_pod_document", c_uint, c_void_p)
fn("podlife_pod_get_type", c_int, c_void_p, c_char_p, POINTER(c_int))
fn("podlife_pod_get_string", c_int, c_void_p, c_char_p, c_char_pp)
fn("podlife_pod_get_int", c_int, c_void_p, c_char_p, POINTER(c_int64))
fn("podlife_pod_get_bool", c_int, c_void_p, c_char_p, POINTER(c_int))
fn("podlife_pod_get_count", c_int, c_void_p, c_char_p, POINTER(c_size_t))
fn("podlife_pod_get_key", c_int, c_void_p, c_char_p, c_size_t, c_char_pp)
fn("podlife_pod_is_defaulted", c_int, c_void_p, c_char_p, POINTER(c_int))
fn("podlife_pod_get_position", c_int, c_void_p, c_char_p, POINTER(c_uint), POINTER(c_uint))
fn("podlife_pod_to_json", c_int, c_void_p, c_uint, c_void_pp)
fn("podlife_pod_to_yaml", c_int, c_void_p, c_uint, c_void_pp)
fn("podlife_pods_to_json", c_int, c_void_pp, c_size_t, c_uint, c_void_pp)
fn("podlife_pods_to_yaml", c_int, c_void_pp, c_size_t, c_uint, c_void_pp)
fn("podlife_quantity_parse_milli", c_int, c_char_p, POINTER(c_int64), c_void_pp)

# image.h
fn("podlife_image_ref_parse", c_int, c_char_p, c_void_pp, c_void_pp)
fn("podlife_image_ref_free", None, c_void_p)
for _name in ("domain", "path", "tag", "digest", "familiar", "canonical", "name"):
    fn("podlife_image_ref_" + _name, c_char_p, c_void_p)
fn("podlife_pull_policy_name", c_char_p, c_int)
fn("podlife_pull_policy_from_name", c_int, c_char_p)
fn("podlife_image_default_pull_policy", c_int, c_char_p)
fn("podlife_image_pull_decision", c_int, c_int, c_int)
fn("podlife_image_never_pull_message", c_void_p, c_char_p)
fn("podlife_keyring_new", c_int, POINTER(podlife_allocator), c_void_pp)
fn("podlife_keyring_free", None, c_void_p)
fn("podlife_keyring_add_config", c_int, c_void_p, c_char_p, c_size_t, c_void_pp)
fn("podlife_keyring_add_config_file", c_int, c_void_p, c_char_p, c_void_pp)
fn("podlife_keyring_add_secret", c_int, c_void_p, c_char_p, c_size_t, c_void_pp, c_void_pp)
fn("podlife_keyring_count", c_size_t, c_void_p)
fn("podlife_keyring_lookup", c_int, c_void_p, c_char_p, c_void_pp)
fn("podlife_keyring_lookup_image", c_int, c_void_p, c_char_p, c_void_pp)
fn("podlife_credentials_count", c_size_t, c_void_p)
fn("podlife_credential_registry", c_char_p, c_void_p, c_size_t)
fn("podlife_credential_username", c_char_p, c_void_p, c_size_t)
fn("podlife_credential_password", c_char_p, c_void_p, c_size_t)
fn("podlife_credentials_free", None, c_void_p)


def take_string(ptr: Optional[int]) -> str:
    """Copies an owned C string into Python and frees it with podlife_free."""
    if not ptr:
        return ""
    try:
        return ctypes.string_at(ptr).decode("utf-8", "replace")
    finally:
        lib.podlife_free(ptr)


def text(b: Optional[bytes]) -> str:
    """A borrowed C string as str ("" for NULL)."""
    return b.decode("utf-8", "replace") if b is not None else ""


def opt_text(b: Optional[bytes]) -> Optional[str]:
    """A borrowed C string as str, None for NULL."""
    return b.decode("utf-8", "replace") if b is not None else None


def encode(s: Any, what: str = "argument") -> bytes:
    """str/bytes/PathLike -> bytes for a ``const char *`` argument."""
    if isinstance(s, bytes):
        out = s
    elif isinstance(s, str):
        out = s.encode("utf-8")
    elif isinstance(s, os.PathLike):
        out = os.fsencode(s)
    else:
        raise TypeError("%s must be str or bytes, not %s" % (what, type(s).__name__))
    if b"\0" in out:
        raise ValueError("%s contains a NUL character" % what)
    return out


__all__ = ["lib", "path", "fn", "declared", "version_string", "version_number"]
