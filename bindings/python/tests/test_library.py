"""Library loading, the version check and the error code mapping."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import podlife
from podlife import _lib
from conftest import PKG_ROOT


def test_version_matches_header(checkout):
    header = (checkout / "include" / "podlife" / "common.h").read_text()
    major = int(header.split("#define PODLIFE_VERSION_MAJOR")[1].split()[0])
    minor = int(header.split("#define PODLIFE_VERSION_MINOR")[1].split()[0])
    assert podlife.library_version_number >> 16 == major
    assert (podlife.library_version_number >> 8) & 0xFF == minor
    assert podlife.version() == podlife.library_version
    assert podlife.library_version.startswith("%d.%d." % (major, minor))
    assert os.path.exists(podlife.library_path) or podlife.library_path == _lib.SONAME


def _import_with(env_updates):
    env = dict(os.environ)
    env.update(env_updates)
    env["PYTHONPATH"] = str(PKG_ROOT)
    return subprocess.run([sys.executable, "-c", "import podlife; print(podlife.library_path)"],
                          env=env, capture_output=True, text=True, timeout=60)


def test_podlife_library_env_is_used():
    r = _import_with({"PODLIFE_LIBRARY": podlife.library_path})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == podlife.library_path


def test_bad_podlife_library_is_a_clear_error(tmp_path):
    missing = tmp_path / "nope.so"
    r = _import_with({"PODLIFE_LIBRARY": str(missing)})
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert "PODLIFE_LIBRARY=%s" % missing in r.stderr


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_incompatible_major_is_refused(tmp_path):
    # A stand-in library that reports version 1.0.0.
    src = tmp_path / "fake.c"
    src.write_text(textwrap.dedent("""
        const char *podlife_version(unsigned int *number)
        {
            if (number)
                *number = 1u << 16;
            return "1.0.0";
        }
    """))
    so = tmp_path / "libpodlife.so.1"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(so), str(src)], check=True)
    r = _import_with({"PODLIFE_LIBRARY": str(so)})
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert "is version 1.0.0" in r.stderr
    assert "need 0.x" in r.stderr


def test_strerror_and_codes():
    assert podlife.strerror(0)
    for code in podlife.Code:
        assert isinstance(podlife.strerror(code), str)
        if code != podlife.Code.OK:
            cls = podlife.errors.exception_for(code)
            assert cls.code == code
            exc = podlife.errors.make_error(code, "ctx")
            assert isinstance(exc, podlife.PodlifeError)
            assert exc.code == code
            assert str(exc).startswith("ctx: ")
    assert issubclass(podlife.NotFoundError, LookupError)
    assert issubclass(podlife.OutOfMemoryError, MemoryError)
    assert issubclass(podlife.InvalidArgumentError, ValueError)
    assert issubclass(podlife.TypeMismatchError, TypeError)
    assert issubclass(podlife.PodlifeIOError, OSError)
    assert issubclass(podlife.ValidationError, podlife.DiagnosticError)


def test_error_type_names():
    # field.ErrorType's strings
    assert podlife.ErrorType.REQUIRED.text == "Required value"
    assert podlife.ErrorType.INVALID.text == "Invalid value"
    assert podlife.ErrorType.DUPLICATE.text == "Duplicate value"
    assert podlife.ErrorType.NOT_SUPPORTED.text == "Unsupported value"
    assert podlife.ErrorType.NOT_FOUND.text == "Not found"
    assert podlife.ErrorType.FORBIDDEN.text == "Forbidden"
    assert podlife.ErrorType.TOO_LONG.text == "Too long"
    assert podlife.ErrorType.INTERNAL.text == "Internal error"
    assert podlife.error_type_name(podlife.ErrorType.TYPE_INVALID) == "Invalid value"
