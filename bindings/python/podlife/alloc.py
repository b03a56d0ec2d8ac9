"""Allocator hooks: a ``podlife_allocator`` whose functions are Python.

:class:`CountingAllocator` allocates through the C library's
malloc/realloc/free and counts the live blocks, so a test can check that
every C allocation made for an object was freed when the object was
closed; ``fail_after`` makes the n-th allocation fail, to check that
allocation failures end in :class:`~podlife.OutOfMemoryError` without a
leak.  Pass it as ``allocator=`` to :func:`podlife.loads`,
:class:`podlife.Keyring` or :class:`podlife.Engine`.

The allocator must outlive every object created with it; the objects
created with one keep a reference to it, so this holds as long as the C
objects are owned by Python objects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from ctypes import c_size_t, c_void_p
from typing import Optional, Set

from . import _lib

_libc_name = ctypes.util.find_library("c") or "libc.so.6"
_libc = ctypes.CDLL(_libc_name)
_libc.malloc.restype = c_void_p
_libc.malloc.argtypes = [c_size_t]
_libc.realloc.restype = c_void_p
_libc.realloc.argtypes = [c_void_p, c_size_t]
_libc.free.restype = None
_libc.free.argtypes = [c_void_p]


class CountingAllocator:
    """An allocator for the C library that counts live allocations.

    ``live`` is the number of blocks allocated and not yet freed,
    ``total`` the number of successful allocations so far, ``failed``
    the number of allocations refused because of ``fail_after``.  When
    ``fail_after`` is an integer n, allocations after the first n fail
    (return NULL) until it is set back to None.
    """

    def __init__(self, fail_after: Optional[int] = None) -> None:
        self.fail_after = fail_after
        self.total = 0
        self.failed = 0
        self._blocks: Set[int] = set()
        self._lock = threading.Lock()
        # The CFUNCTYPE objects must stay alive as long as C may call them:
        # they are attributes of this object, and the struct is too.
        self._malloc = _lib.MALLOC_FN(self._do_malloc)
        self._realloc = _lib.REALLOC_FN(self._do_realloc)
        self._free = _lib.FREE_FN(self._do_free)
        self._struct = _lib.podlife_allocator(
            _lib.PODLIFE_ALLOCATOR_VERSION, self._malloc, self._realloc, self._free, None
        )

    @property
    def live(self) -> int:
        """Blocks allocated through this allocator and not freed yet."""
        with self._lock:
            return len(self._blocks)

    def _refuse(self) -> bool:
        if self.fail_after is not None and self.total >= self.fail_after:
            self.failed += 1
            return True
        return False

    def _do_malloc(self, _ud: Optional[int], size: int) -> Optional[int]:
        try:
            with self._lock:
                if self._refuse():
                    return None
                p = _libc.malloc(size or 1)
                if p:
                    self.total += 1
                    self._blocks.add(p)
                return p
        except BaseException:  # never let an exception cross into C
            return None

    def _do_realloc(self, _ud: Optional[int], ptr: Optional[int], size: int) -> Optional[int]:
        try:
            with self._lock:
                if self._refuse():
                    return None
                p = _libc.realloc(ptr, size or 1)
                if p:
                    self.total += 1
                    if ptr:
                        self._blocks.discard(ptr)
                    self._blocks.add(p)
                return p
        except BaseException:
            return None

    def _do_free(self, _ud: Optional[int], ptr: Optional[int]) -> None:
        try:
            if ptr:
                with self._lock:
                    self._blocks.discard(ptr)
                _libc.free(ptr)
        except BaseException:
            pass

    def _as_parameter(self) -> "ctypes._Pointer[_lib.podlife_allocator]":
        """Pointer to the C struct, for the constructors that take one."""
        return ctypes.pointer(self._struct)

    def __repr__(self) -> str:
        return "<podlife.CountingAllocator live=%d total=%d failed=%d>" % (
            self.live, self.total, self.failed)


def as_pointer(allocator: Optional[CountingAllocator]) -> Optional[object]:
    """The ``const podlife_allocator *`` argument for ``allocator``."""
    if allocator is None:
        return None
    if not isinstance(allocator, CountingAllocator):
        raise TypeError("allocator must be a podlife.CountingAllocator or None")
    return allocator._as_parameter()


__all__ = ["CountingAllocator"]
