"""Every public C function is reachable from Python.

The names come from lib/libpodlife.map (the exported symbols) and the
PODLIFE_EXTERN declarations of include/podlife/*.h.  For each one:
it is declared with its prototype in the bindings, some public Python
code of the package calls it (``lib.<name>`` in podlife/*.py), and the
test session called it at least once through the public Python API
(conftest.py counts every call; this file runs last).
"""

from __future__ import annotations

import pathlib
import re

import pytest

from podlife import _lib
from conftest import CALLS, CHECKOUT, PKG_ROOT, HERE


def _map_names():
    text = (CHECKOUT / "lib" / "libpodlife.map").read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"^\s*(podlife_[a-z0-9_]+)\s*;", text, flags=re.M))


def _header_names():
    names = set()
    for h in list((CHECKOUT / "include" / "podlife").glob("*.h")) + \
            [CHECKOUT / "include" / "podlife.h"]:
        if not h.exists():
            continue
        for decl in re.findall(r"PODLIFE_EXTERN[^;]*?(podlife_[a-z0-9_]+)\s*\(", h.read_text()):
            names.add(decl)
    return names


PUBLIC = sorted(_map_names() | _header_names())


def test_names_found():
    assert len(PUBLIC) > 100
    assert "podlife_pod_parse" in PUBLIC and "podlife_engine_new" in PUBLIC


def test_every_function_is_declared():
    missing = [n for n in PUBLIC if n not in _lib.declared]
    assert not missing, "not bound: %s" % ", ".join(missing)


def test_every_function_is_used_by_the_package():
    src = "\n".join(p.read_text() for p in (PKG_ROOT / "podlife").glob("*.py"))
    unused = [n for n in PUBLIC if not re.search(r"lib\.%s\b" % n, src)]
    assert not unused, "declared but never called by the package: %s" % ", ".join(unused)


def test_every_function_was_called(request):
    files = {p.name for p in HERE.glob("test_*.py")}
    ran = {pathlib.Path(str(item.fspath)).name for item in request.session.items}
    if not files <= ran:
        pytest.skip("only meaningful when the whole suite runs")
    never = [n for n in PUBLIC if CALLS.get(n, 0) == 0]
    assert not never, "never called from Python during the tests: %s" % ", ".join(never)
