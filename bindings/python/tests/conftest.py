"""pytest set-up for the podlife bindings: the package is imported from
this source tree, and every C function call made through it is counted so
that test_zz_reachable.py can check that the whole public C API was
reached from Python."""

from __future__ import annotations

import collections
import pathlib
import sys
from typing import Callable, Dict

import pytest

HERE = pathlib.Path(__file__).resolve().parent
PKG_ROOT = HERE.parent
CHECKOUT = PKG_ROOT.parent.parent
sys.path.insert(0, str(PKG_ROOT))

from podlife import _lib  # noqa: E402  (after the path set-up)

#: C function name -> number of calls made during this test session.
CALLS: Dict[str, int] = collections.Counter()


def _counting(name: str, f: Callable) -> Callable:
    def call(*args):  # type: ignore[no-untyped-def]
        CALLS[name] += 1
        return f(*args)

    call.__name__ = name
    return call


def _install_counters() -> None:
    # Python code reads lib.<name> at call time, so replacing the
    # attributes of the CDLL object is enough to see every call.
    for name, f in list(_lib.declared.items()):
        setattr(_lib.lib, name, _counting(name, f))


_install_counters()

import podlife  # noqa: E402,F401


@pytest.fixture(scope="session")
def checkout() -> pathlib.Path:
    return CHECKOUT


@pytest.fixture(scope="session")
def manifests() -> pathlib.Path:
    return CHECKOUT / "tests" / "manifests"
