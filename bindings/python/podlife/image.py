"""Image references, pull policies and the registry credential keyring.

:class:`ImageReference` parses and normalises a reference as
distribution/reference's ParseNormalizedNamed does;
:func:`default_pull_policy` and :func:`pull_decision` are the API
server's defaulting and the kubelet's shouldPullImage; :class:`Keyring`
holds credentials from docker config files and image pull Secrets and
looks them up with the kubelet's matching rules.  Passwords never appear
in a ``repr`` or message.
"""

from __future__ import annotations

import ctypes
import enum
import json
import os
import weakref
from ctypes import byref, c_void_p
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional, Tuple, Union

from . import _lib, errors
from ._lib import lib
from .alloc import CountingAllocator, as_pointer
from .errors import FieldError


class PullPolicy(enum.IntEnum):
    """``podlife_pull_policy``; ``str()`` gives the Kubernetes name."""

    UNSET = 0
    ALWAYS = 1
    IF_NOT_PRESENT = 2
    NEVER = 3

    @property
    def k8s_name(self) -> str:
        """"Always", "IfNotPresent", "Never" ("" for UNSET)."""
        return _lib.text(lib.podlife_pull_policy_name(int(self)))

    def __str__(self) -> str:
        return self.k8s_name

    @classmethod
    def from_name(cls, name: str) -> "PullPolicy":
        """Parses "Always", "IfNotPresent" or "Never"; UNSET when unknown."""
        return cls(lib.podlife_pull_policy_from_name(_lib.encode(name, "name")))


class PullAction(enum.IntEnum):
    """``podlife_pull_action``: the kubelet's decision for an image."""

    PULL = 0
    USE_LOCAL = 1
    NEVER_PULL = 2


def default_pull_policy(image: str) -> PullPolicy:
    """The API server's default imagePullPolicy for ``image``
    (SetDefaults_Container): Always for ":latest" or no tag and no digest,
    otherwise IfNotPresent."""
    return PullPolicy(lib.podlife_image_default_pull_policy(_lib.encode(image, "image")))


def pull_decision(policy: Union[PullPolicy, str, int], present: bool) -> PullAction:
    """The kubelet's shouldPullImage: what to do with an image under
    ``policy`` when it is (not) ``present`` on the node."""
    if isinstance(policy, str):
        policy = PullPolicy.from_name(policy)
    return PullAction(lib.podlife_image_pull_decision(int(policy), 1 if present else 0))


def never_pull_message(image: str) -> str:
    """The kubelet's ErrImageNeverPull message for ``image``."""
    ptr = lib.podlife_image_never_pull_message(_lib.encode(image, "image"))
    if not ptr:
        raise errors.OutOfMemoryError()
    return _lib.take_string(ptr)


@dataclass(frozen=True)
class ImageReference:
    """A parsed, normalised image reference.

    The C reference is read once at parse time and freed at once; this is
    a plain value.  ``tag`` and ``digest`` are None when absent (no
    implicit "latest").
    """

    text: str
    domain: str
    path: str
    tag: Optional[str]
    digest: Optional[str]
    familiar: str
    canonical: str
    name: str

    @classmethod
    def parse(cls, text: str) -> "ImageReference":
        """Parses ``text`` ("busybox" -> docker.io/library/busybox).
        :class:`~podlife.InvalidArgumentError` with the parser's message
        ("invalid reference format", ...) when it is not a reference."""
        ref = c_void_p()
        err = c_void_p()
        rc = lib.podlife_image_ref_parse(_lib.encode(text, "image"), byref(ref), byref(err))
        fe = errors.take_error(err.value)
        if rc != 0:
            msg = fe.message if fe else errors.strerror(rc)
            raise errors.exception_for(rc)(msg, rc, [fe] if fe else [])
        try:
            r = ref.value
            return cls(
                text=text,
                domain=_lib.text(lib.podlife_image_ref_domain(r)),
                path=_lib.text(lib.podlife_image_ref_path(r)),
                tag=_lib.opt_text(lib.podlife_image_ref_tag(r)),
                digest=_lib.opt_text(lib.podlife_image_ref_digest(r)),
                familiar=_lib.text(lib.podlife_image_ref_familiar(r)),
                canonical=_lib.text(lib.podlife_image_ref_canonical(r)),
                name=_lib.text(lib.podlife_image_ref_name(r)),
            )
        finally:
            lib.podlife_image_ref_free(ref.value)

    @property
    def default_pull_policy(self) -> PullPolicy:
        """The API server's default pull policy for this image."""
        return default_pull_policy(self.text)

    def __str__(self) -> str:
        return self.canonical


@dataclass(frozen=True)
class Credential:
    """One registry credential found by :meth:`Keyring.lookup`.  The
    password is left out of ``repr``."""

    registry: str
    username: str
    password: str = field(repr=False)


def _take_credentials(ptr: Optional[int]) -> List[Credential]:
    if not ptr:
        return []
    try:
        out = []
        for i in range(lib.podlife_credentials_count(ptr)):
            out.append(Credential(
                registry=_lib.text(lib.podlife_credential_registry(ptr, i)),
                username=_lib.text(lib.podlife_credential_username(ptr, i)),
                password=_lib.text(lib.podlife_credential_password(ptr, i)),
            ))
        return out
    finally:
        lib.podlife_credentials_free(ptr)


def _free_keyring(ptr: int, _allocator: Optional[CountingAllocator]) -> None:
    lib.podlife_keyring_free(ptr)


def _as_bytes(data: Union[str, bytes, Mapping[str, Any]]) -> bytes:
    if isinstance(data, Mapping):
        return json.dumps(data).encode("utf-8")
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError("expected str, bytes or a dict, not %s" % type(data).__name__)


class Keyring:
    """Registry credentials, looked up with the kubelet's rules
    (pkg/credentialprovider/keyring.go).

    Owns one C ``podlife_keyring``, freed by :meth:`close`, a ``with``
    block or garbage collection.  Lookups do not modify the keyring and
    may run from several threads; adding needs exclusive access.
    """

    def __init__(self, allocator: Optional[CountingAllocator] = None) -> None:
        out = c_void_p()
        errors.check(lib.podlife_keyring_new(as_pointer(allocator), byref(out)), "keyring")
        self._ptr: Optional[int] = out.value
        self._allocator = allocator
        # The finaliser holds the allocator too, so that it outlives the keyring.
        self._finalizer = weakref.finalize(self, _free_keyring, out.value, allocator)

    def _handle(self) -> int:
        if self._ptr is None:
            raise ValueError("the keyring is closed")
        return self._ptr

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._ptr is None

    def close(self) -> None:
        """Frees the C keyring (idempotent)."""
        if self._ptr is not None:
            self._ptr = None
            self._finalizer()

    def __enter__(self) -> "Keyring":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_config(self, data: Union[str, bytes, Mapping[str, Any]]) -> List[FieldError]:
        """Adds the entries of docker config content (``{"auths": {...}}``
        or the old ``.dockercfg`` form; a dict is serialised as JSON).
        Entries that cannot be used are skipped with a
        :class:`~podlife.PodlifeWarning`; the diagnostics are returned."""
        raw = _as_bytes(data)
        diag = c_void_p()
        rc = lib.podlife_keyring_add_config(self._handle(), raw, len(raw), byref(diag))
        diags = errors.take_diag(diag.value)
        errors.check(rc, "docker config", diags)
        errors.emit_warnings(diags)
        return diags

    def add_config_file(self, path: Union[str, "os.PathLike[str]"]) -> List[FieldError]:
        """Adds the entries of a docker config file (~/.docker/config.json)."""
        diag = c_void_p()
        rc = lib.podlife_keyring_add_config_file(self._handle(), _lib.encode(os.fspath(path)),
                                                 byref(diag))
        diags = errors.take_diag(diag.value)
        errors.check(rc, str(os.fspath(path)), diags)
        errors.emit_warnings(diags)
        return diags

    def add_secret(self, data: Union[str, bytes, Mapping[str, Any]]) -> str:
        """Adds the credentials of a Secret manifest (YAML or JSON, or a
        dict) of type kubernetes.io/dockerconfigjson or dockercfg and
        returns its metadata.name.  :class:`~podlife.NotFoundError` when
        the object is not such a Secret."""
        raw = _as_bytes(data)
        name = c_void_p()
        diag = c_void_p()
        rc = lib.podlife_keyring_add_secret(self._handle(), raw, len(raw), byref(name),
                                            byref(diag))
        diags = errors.take_diag(diag.value)
        secret_name = _lib.take_string(name.value)
        errors.check(rc, "secret", diags)
        errors.emit_warnings(diags)
        return secret_name

    def __len__(self) -> int:
        """Number of distinct registry keys."""
        return lib.podlife_keyring_count(self._handle())

    def lookup(self, image: str) -> List[Credential]:
        """Credentials for a repository name as written, in lookup order
        (BasicDockerKeyring.Lookup: no normalisation)."""
        out = c_void_p()
        errors.check(lib.podlife_keyring_lookup(self._handle(), _lib.encode(image, "image"),
                                                byref(out)), image)
        return _take_credentials(out.value)

    def lookup_image(self, image: str) -> List[Credential]:
        """Credentials for a container's image as the kubelet looks them up:
        the normalised repository ("busybox:1.36" ->
        "docker.io/library/busybox").  :class:`~podlife.InvalidArgumentError`
        when ``image`` is not a valid reference."""
        out = c_void_p()
        errors.check(lib.podlife_keyring_lookup_image(self._handle(),
                                                      _lib.encode(image, "image"), byref(out)),
                     image)
        return _take_credentials(out.value)

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<podlife.Keyring (closed)>"
        return "<podlife.Keyring %d registries>" % len(self)


__all__ = ["PullPolicy", "PullAction", "default_pull_policy", "pull_decision",
           "never_pull_message", "ImageReference", "Credential", "Keyring"]
