"""The public API is documented and typed: every name in podlife.__all__
and every public method or property of its classes has a docstring, and
every public function and method has type hints."""

from __future__ import annotations

import enum
import inspect

import podlife


def _public_members(cls):
    for klass in cls.__mro__:
        if klass.__module__.startswith("podlife"):
            yield from _own_members(klass)


def _own_members(cls):
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if inspect.isfunction(member) or isinstance(member, property):
            yield name, member


def test_docstrings_and_hints():
    undocumented, untyped = [], []
    for name in podlife.__all__:
        obj = getattr(podlife, name)
        if isinstance(obj, (str, int)) or obj is podlife.REAL_CLOCK:
            continue
        if not inspect.getdoc(obj):
            undocumented.append(name)
        if inspect.isfunction(obj) and not obj.__annotations__:
            untyped.append(name)
        if inspect.isclass(obj) and not issubclass(obj, (enum.Enum, BaseException)):
            for mname, m in _public_members(obj):
                if not inspect.getdoc(m):
                    undocumented.append("%s.%s" % (name, mname))
                if inspect.isfunction(m) and "return" not in m.__annotations__:
                    untyped.append("%s.%s" % (name, mname))
    assert not undocumented, undocumented
    assert not untyped, untyped
