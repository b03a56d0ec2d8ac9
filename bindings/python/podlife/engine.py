"""The pod lifecycle engine, clocks, the fake backend and Python backends.

An :class:`Engine` runs pods with the kubelet's semantics (init
containers in order, sidecars, restart policies with crash-loop back-off,
image pull back-off, hooks, deadlines, graceful deletion).  It reads time
from a clock (:class:`SimClock`, the real clock, or a Python callable)
and drives containers through a backend: the scriptable
:class:`FakeBackend` (as ``podlife simulate`` uses it) or a
:class:`Backend` subclass written in Python, whose methods become the C
vtable through ctypes callbacks.

Ownership: every Python object here owns exactly one C object and frees
it in ``close()``, at the end of a ``with`` block or when garbage
collected.  An engine keeps its backend, clock, node keyring, allocator
and callbacks alive, and is freed before them.

Exceptions: an exception raised by a method of a Python backend never
crosses into C; it becomes a backend error return (EBACKEND, or the
code of a :class:`~podlife.PodlifeError`) with its text as the result
message, and is recorded in :attr:`Backend.errors`.  An exception raised
by an ``on_event`` or ``on_pod_changed`` callback is re-raised from the
engine call during which it happened, after that call returned.
"""

from __future__ import annotations

import ctypes
import enum
import errno as _errno
import json
import weakref
from collections import deque
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    byref,
    c_char,
    c_char_p,
    c_int,
    c_int64,
    c_short,
    c_size_t,
    c_uint,
    c_uint64,
    c_ulong,
    c_void_p,
)
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Deque,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _lib, errors
from ._lib import fn, lib
from .alloc import CountingAllocator, as_pointer
from .errors import Code, FieldError, PodlifeError
from .image import Credential, Keyring
from .pod import Pod, loads

#: Returned by a backend method that completes later through a notify call.
PENDING = 1
INT64_MAX = (1 << 63) - 1

Duration = Union[int, float, str]

# ---- C declarations ------------------------------------------------------------------


class podlife_event(Structure):
    _fields_ = [
        ("version", c_uint), ("time_ms", c_int64), ("type", c_char_p), ("reason", c_char_p),
        ("message", c_char_p), ("pod_namespace", c_char_p), ("pod_name", c_char_p),
        ("container", c_char_p), ("field_path", c_char_p),
    ]


EVENT_FN = CFUNCTYPE(None, c_void_p, POINTER(podlife_event))
POD_CHANGED_FN = CFUNCTYPE(None, c_void_p, c_char_p, c_char_p)

CLOCK_NOW_FN = CFUNCTYPE(c_int64, c_void_p)


class podlife_clock(Structure):
    _fields_ = [("version", c_uint), ("now_ms", CLOCK_NOW_FN), ("wall_ms", CLOCK_NOW_FN),
                ("ud", c_void_p)]


PODLIFE_CLOCK_VERSION = 1
PODLIFE_BACKEND_VERSION = 1
PODLIFE_ENGINE_CONFIG_VERSION = 3
#: The library's default relist period (PODLIFE_ENGINE_CONFIG_INIT).
DEFAULT_RELIST_PERIOD_MS = 1000
PODLIFE_POD_INFO_VERSION = 1
PODLIFE_CONTAINER_INFO_VERSION = 1
PODLIFE_EXIT_VERSION = 1
PODLIFE_ID_MAX = 128
#: podlife_engine_flags
ENGINE_RESTART_RULES = 1 << 0
ENGINE_KEEP_EVENTS = 1 << 1


class podlife_result(Structure):
    _fields_ = [
        ("id", c_char * PODLIFE_ID_MAX), ("pod_ip", c_char * 64), ("netns_path", c_char * 256),
        ("message", c_char * 512), ("present", c_int), ("exit_code", c_int), ("size", c_uint64),
    ]


class podlife_sandbox_config(Structure):
    _fields_ = [
        ("pod_name", c_char_p), ("pod_namespace", c_char_p), ("pod_uid", c_char_p),
        ("attempt", c_uint), ("host_network", c_int), ("pod", c_void_p),
    ]


class podlife_container_config(Structure):
    _fields_ = [
        ("sandbox_id", c_char_p), ("pod_name", c_char_p), ("pod_namespace", c_char_p),
        ("pod_uid", c_char_p), ("name", c_char_p), ("image", c_char_p), ("image_id", c_char_p),
        ("kind", c_int), ("index", c_size_t), ("attempt", c_uint), ("pod", c_void_p),
        ("token", c_uint64),
    ]


class podlife_auth(Structure):
    _fields_ = [("registry", c_char_p), ("username", c_char_p), ("password", c_char_p)]


class podlife_http_request(Structure):
    _fields_ = [
        ("scheme", c_char_p), ("host", c_char_p), ("port", c_int), ("path", c_char_p),
        ("n_headers", c_size_t), ("header_names", POINTER(c_char_p)),
        ("header_values", POINTER(c_char_p)), ("timeout_ms", c_int64),
        ("container_id", c_char_p),
    ]


class podlife_container_entry(Structure):
    _fields_ = [
        ("id", c_char_p), ("sandbox_id", c_char_p), ("pod_namespace", c_char_p),
        ("pod_name", c_char_p), ("name", c_char_p), ("attempt", c_uint), ("running", c_int),
        ("exit_code", c_int), ("oom", c_int), ("started_at_ms", c_int64),
        ("finished_at_ms", c_int64),
    ]


LIST_CB_FN = CFUNCTYPE(None, c_void_p, POINTER(podlife_container_entry))
R = POINTER(podlife_result)
SLOT_TYPES: Dict[str, Any] = {
    "sandbox_run": CFUNCTYPE(c_int, c_void_p, POINTER(podlife_sandbox_config), c_uint64, R),
    "sandbox_stop": CFUNCTYPE(c_int, c_void_p, c_char_p),
    "sandbox_remove": CFUNCTYPE(c_int, c_void_p, c_char_p),
    "image_status": CFUNCTYPE(c_int, c_void_p, c_char_p, R),
    "image_pull": CFUNCTYPE(c_int, c_void_p, c_char_p, POINTER(podlife_auth), c_size_t,
                            c_uint64, R),
    "container_create": CFUNCTYPE(c_int, c_void_p, POINTER(podlife_container_config), R),
    "container_start": CFUNCTYPE(c_int, c_void_p, c_char_p, R),
    "container_stop": CFUNCTYPE(c_int, c_void_p, c_char_p, c_int, c_int64),
    "container_remove": CFUNCTYPE(c_int, c_void_p, c_char_p),
    "exec_sync": CFUNCTYPE(c_int, c_void_p, c_char_p, POINTER(c_char_p), c_size_t, c_int64,
                           c_uint64, R),
    "http_get": CFUNCTYPE(c_int, c_void_p, POINTER(podlife_http_request), c_uint64, R),
    "container_list": CFUNCTYPE(c_int, c_void_p, LIST_CB_FN, c_void_p),
    "container_adopt": CFUNCTYPE(c_int, c_void_p, c_char_p, c_uint64),
}
SLOTS = list(SLOT_TYPES)


class podlife_backend(Structure):
    _fields_ = [("version", c_uint), ("caps", c_uint), ("ud", c_void_p)] + [
        (name, SLOT_TYPES[name]) for name in SLOTS]


# probe.h
PODLIFE_PROBE_REQUEST_VERSION = 1
PODLIFE_PROBE_OUTPUT_MAX = 10240
PODLIFE_PROBE_BACKEND_VERSION = 1


class podlife_probe_request(Structure):
    _fields_ = [
        ("version", c_uint), ("kind", c_int), ("handler", c_int), ("pod_namespace", c_char_p),
        ("pod_name", c_char_p), ("pod_uid", c_char_p), ("container", c_char_p),
        ("container_id", c_char_p), ("sandbox_id", c_char_p), ("netns_path", c_char_p),
        ("timeout_ms", c_int64), ("host", c_char_p), ("port", c_int), ("scheme", c_char_p),
        ("path", c_char_p), ("url", c_char_p), ("n_headers", c_size_t),
        ("header_names", POINTER(c_char_p)), ("header_values", POINTER(c_char_p)),
        ("service", c_char_p), ("argv", POINTER(c_char_p)), ("argc", c_size_t),
    ]


class podlife_probe_result(Structure):
    _fields_ = [("outcome", c_int), ("output", c_char * (PODLIFE_PROBE_OUTPUT_MAX + 1))]


PROBE_FN = CFUNCTYPE(c_int, c_void_p, POINTER(podlife_probe_request), c_uint64,
                     POINTER(podlife_probe_result))
# use_errno: a failing open_socket leaves errno set, as socket(2) does.
OPEN_SOCKET_FN = CFUNCTYPE(c_int, c_void_p, POINTER(podlife_probe_request), c_int, c_int, c_int,
                           use_errno=True)
#: The handler slots of podlife_probe_backend, in order (open_socket follows).
PROBE_SLOTS = ["http_get", "tcp_socket", "grpc", "exec"]


class podlife_probe_backend(Structure):
    _fields_ = [("version", c_uint), ("ud", c_void_p)] + [
        (name, PROBE_FN) for name in PROBE_SLOTS] + [("open_socket", OPEN_SOCKET_FN)]


class podlife_engine_config(Structure):
    _fields_ = [
        ("version", c_uint), ("node_name", c_char_p), ("node_labels", POINTER(c_char_p)),
        ("n_node_labels", c_size_t), ("allocator", c_void_p), ("backend", c_void_p),
        ("clock", c_void_p), ("on_event", EVENT_FN), ("event_ud", c_void_p),
        ("on_pod_changed", POD_CHANGED_FN), ("changed_ud", c_void_p),
        ("crashloop_initial_ms", c_int64), ("crashloop_max_ms", c_int64),
        ("image_backoff_initial_ms", c_int64), ("image_backoff_max_ms", c_int64),
        ("pod_security", c_int), ("node_keyring", c_void_p), ("flags", c_uint),
        # version 2
        ("relist_period_ms", c_int64),
        # version 3
        ("probes", c_void_p),
    ]


class podlife_pod_info(Structure):
    _fields_ = [
        ("version", c_uint), ("phase", c_char_p), ("reason", c_char_p), ("message", c_char_p),
        ("status", c_char * 96), ("ready", c_char * 24), ("restarts", c_int),
        ("restarts_text", c_char * 48), ("terminating", c_int), ("finished", c_int),
        ("n_init_containers", c_size_t), ("n_containers", c_size_t),
    ]


class podlife_container_info(Structure):
    _fields_ = [
        ("version", c_uint), ("name", c_char_p), ("kind", c_int), ("state", c_char_p),
        ("reason", c_char_p), ("message", c_char_p), ("exit_code", c_int),
        ("last_state", c_char_p), ("last_reason", c_char_p), ("last_exit_code", c_int),
        ("restart_count", c_int), ("ready", c_int), ("started", c_int),
        ("container_id", c_char_p),
    ]


class podlife_exit(Structure):
    _fields_ = [
        ("version", c_uint), ("exit_code", c_int), ("signal", c_int), ("oom", c_int),
        ("finished_at_ms", c_int64), ("reason", c_char_p), ("message", c_char_p),
    ]


class pollfd(Structure):
    _fields_ = [("fd", c_int), ("events", c_short), ("revents", c_short)]


WAKE_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, POINTER(pollfd), c_size_t)


class podlife_fake_step(Structure):
    _fields_ = [("action", c_int), ("exit_code", c_int), ("duration_ms", c_int64)]


class podlife_fake_stats(Structure):
    _fields_ = [(n, c_ulong) for n in ("starts", "stops", "creates", "removes", "pulls",
                                       "execs", "live_containers", "live_sandboxes")]


FAKE_STEP_FN = CFUNCTYPE(c_int, c_void_p, c_int64)

_A = POINTER(_lib.podlife_allocator)
_vpp = POINTER(c_void_p)
# clock.h
fn("podlife_clock_real", c_void_p)
fn("podlife_simclock_new", c_int, c_int64, c_int64, _A, _vpp)
fn("podlife_simclock_free", None, c_void_p)
fn("podlife_simclock_clock", c_void_p, c_void_p)
fn("podlife_simclock_now", c_int64, c_void_p)
fn("podlife_simclock_set", c_int, c_void_p, c_int64)
fn("podlife_simclock_advance", c_int, c_void_p, c_int64)
# engine.h
fn("podlife_engine_new", c_int, POINTER(podlife_engine_config), _vpp)
fn("podlife_engine_free", None, c_void_p)
fn("podlife_engine_add_pull_secret", c_int, c_void_p, c_char_p, c_size_t)
fn("podlife_engine_add_preset", c_int, c_void_p, c_char_p, c_size_t, _vpp)
fn("podlife_engine_add_pod", c_int, c_void_p, c_void_p)
fn("podlife_engine_add_pod_named", c_int, c_void_p, c_void_p, c_char_p, c_char_p)
fn("podlife_engine_update_pod", c_int, c_void_p, c_void_p, _vpp)
fn("podlife_engine_delete_pod", c_int, c_void_p, c_char_p, c_char_p, c_int64)
fn("podlife_engine_remove_pod", c_int, c_void_p, c_char_p, c_char_p)
fn("podlife_engine_pod_count", c_size_t, c_void_p)
fn("podlife_engine_pod_info", c_int, c_void_p, c_char_p, c_char_p, POINTER(podlife_pod_info))
fn("podlife_engine_container_info", c_int, c_void_p, c_char_p, c_char_p, c_char_p,
   POINTER(podlife_container_info))
fn("podlife_engine_status_json", c_int, c_void_p, c_char_p, c_char_p, _vpp)
fn("podlife_engine_describe_events", c_int, c_void_p, c_char_p, c_char_p, _vpp)
fn("podlife_engine_explain", c_int, c_void_p, c_char_p, c_char_p, c_char_p, _vpp)
fn("podlife_engine_next_deadline", c_int64, c_void_p)
fn("podlife_engine_tick", c_int, c_void_p, c_int64)
fn("podlife_engine_fds", c_int, c_void_p, POINTER(pollfd), c_size_t, POINTER(c_size_t))
fn("podlife_engine_notify_exited", c_int, c_void_p, c_uint64, POINTER(podlife_exit))
fn("podlife_engine_notify_sandbox", c_int, c_void_p, c_uint64, c_int, POINTER(podlife_result))
fn("podlife_engine_notify_sandbox_lost", c_int, c_void_p, c_uint64)
fn("podlife_engine_notify_pull", c_int, c_void_p, c_uint64, c_int, POINTER(podlife_result))
fn("podlife_engine_notify_exec", c_int, c_void_p, c_uint64, c_int, POINTER(podlife_result))
fn("podlife_engine_notify_probe", c_int, c_void_p, c_uint64, c_int,
   POINTER(podlife_probe_result))
fn("podlife_engine_run", c_int, c_void_p, c_int64, POINTER(pollfd), c_size_t, WAKE_FN, c_void_p)
fn("podlife_engine_snapshot", c_int, c_void_p, _vpp)
fn("podlife_engine_restore", c_int, c_void_p, c_char_p, c_size_t, _vpp)
# fake.h
fn("podlife_duration_parse", c_int, c_char_p, POINTER(c_int64))
fn("podlife_fake_steps_parse", c_int, c_char_p, _vpp, POINTER(c_size_t), _vpp)
fn("podlife_fake_new", c_int, c_void_p, _A, _vpp)
fn("podlife_fake_free", None, c_void_p)
fn("podlife_fake_backend", c_void_p, c_void_p)
fn("podlife_fake_attach", None, c_void_p, c_void_p)
fn("podlife_fake_script", c_int, c_void_p, c_char_p, POINTER(podlife_fake_step), c_size_t)
fn("podlife_fake_behave", c_int, c_void_p, c_char_p, c_char_p, _vpp)
fn("podlife_fake_behave_arg", c_int, c_void_p, c_char_p, _vpp)
fn("podlife_fake_image_missing", c_int, c_void_p, c_char_p)
fn("podlife_fake_pull_time", None, c_void_p, c_int64)
fn("podlife_fake_pull_fail", c_int, c_void_p, c_char_p, c_uint)
fn("podlife_fake_start_fail", c_int, c_void_p, c_char_p, c_uint, c_char_p)
fn("podlife_fake_fail_call", None, c_void_p, c_ulong)
fn("podlife_fake_calls", c_ulong, c_void_p)
fn("podlife_fake_hook_result", None, c_void_p, c_int, c_int)
fn("podlife_fake_list_fails", None, c_void_p, c_int)
fn("podlife_fake_lose_sandbox", c_int, c_void_p, c_char_p, c_char_p)
fn("podlife_fake_lose_container", c_int, c_void_p, c_char_p, c_char_p, c_char_p, c_int)
fn("podlife_fake_get_stats", None, c_void_p, POINTER(podlife_fake_stats))
fn("podlife_fake_next_deadline", c_int64, c_void_p)
fn("podlife_fake_advance", c_int, c_void_p, c_int64)
fn("podlife_fake_run", c_int, c_void_p, c_void_p, c_void_p, c_int64, FAKE_STEP_FN, c_void_p)
fn("podlife_fake_probe", c_int, c_void_p, c_char_p, c_int, c_char_p, _vpp)
fn("podlife_fake_probe_arg", c_int, c_void_p, c_char_p, _vpp)
fn("podlife_fake_probes", c_void_p, c_void_p)
# probe.h
fn("podlife_probe_kind_name", c_char_p, c_int)


# ---- helpers ----------------------------------------------------------------------------


def _opt(s: Optional[str]) -> Optional[bytes]:
    return None if s is None else _lib.encode(s)


def _ns(namespace: Optional[str]) -> Optional[bytes]:
    return _opt(namespace or None)


def _error_call(rc: int, err: c_void_p, context: str) -> None:
    fe = errors.take_error(err.value)
    if rc != 0:
        cls = errors.exception_for(rc)
        msg = fe.message if fe else errors.strerror(rc)
        if context:
            msg = "%s: %s" % (context, msg)
        raise cls(msg, rc, [fe] if fe else [])


def parse_duration(text: Duration) -> int:
    """Milliseconds in a Go-like duration ("90s", "1m30s", "250ms") or a
    bare number of seconds; ints and floats are seconds too... except
    that an ``int`` is taken as milliseconds when given to the engine's
    time arguments (see :func:`to_ms`)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return int(text * 1000)
    out = c_int64(0)
    rc = lib.podlife_duration_parse(_lib.encode(text, "duration"), byref(out))
    if rc != 0:
        raise errors.InvalidArgumentError("invalid duration %r" % (text,), rc)
    return out.value


def to_ms(value: Duration) -> int:
    """A time span for the engine: ``int`` milliseconds as they are,
    ``float`` seconds, or a duration string ("10m")."""
    if isinstance(value, bool):
        raise TypeError("a duration, not a bool")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value * 1000)
    return parse_duration(value)


def _put(buf: Any, name: str, value: str) -> None:
    """Writes ``value`` into a fixed char array field, truncated on a
    UTF-8 character boundary and NUL-terminated."""
    size = type(buf).__dict__[name].size
    raw = value.encode("utf-8")
    if len(raw) >= size:
        raw = raw[:size - 1]
        raw = raw.decode("utf-8", "ignore").encode("utf-8")
    setattr(buf, name, raw)


# ---- clocks -----------------------------------------------------------------------------


class _ClockBase:
    """Something an engine or fake reads time from."""

    def _clock_ptr(self) -> int:
        raise NotImplementedError

    def now(self) -> int:
        """Current reading in engine milliseconds."""
        raise NotImplementedError


class RealClock(_ClockBase):
    """The library's real clock (CLOCK_MONOTONIC; static, never freed)."""

    def _clock_ptr(self) -> int:
        return lib.podlife_clock_real()

    def now(self) -> int:
        vt = ctypes.cast(self._clock_ptr(), POINTER(podlife_clock)).contents
        return vt.now_ms(vt.ud)

    def __repr__(self) -> str:
        return "<podlife.RealClock>"


#: The real monotonic clock.
REAL_CLOCK = RealClock()


def _free_simclock(ptr: int, _keep: Any) -> None:
    lib.podlife_simclock_free(ptr)


class SimClock(_ClockBase):
    """A simulated clock that only moves when told: an hour of back-off
    runs in milliseconds.  ``wall_start_ms`` is the Unix time (ms) shown
    for ``start_ms`` in JSON timestamps (0: 2026-01-01T00:00:00Z)."""

    def __init__(self, start_ms: int = 0, wall_start_ms: int = 0,
                 allocator: Optional[CountingAllocator] = None) -> None:
        out = c_void_p()
        errors.check(lib.podlife_simclock_new(start_ms, wall_start_ms, as_pointer(allocator),
                                              byref(out)), "simclock")
        self._ptr: Optional[int] = out.value
        self._finalizer = weakref.finalize(self, _free_simclock, out.value, allocator)

    def _handle(self) -> int:
        if self._ptr is None:
            raise ValueError("the clock is closed")
        return self._ptr

    def _clock_ptr(self) -> int:
        return lib.podlife_simclock_clock(self._handle())

    def close(self) -> None:
        """Frees the clock; engines and fakes using it must be closed first."""
        if self._ptr is not None:
            self._ptr = None
            self._finalizer()

    def __enter__(self) -> "SimClock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> int:
        return lib.podlife_simclock_now(self._handle())

    def set(self, now_ms: int) -> None:
        """Sets the reading; :class:`~podlife.StateError` when in the past."""
        errors.check(lib.podlife_simclock_set(self._handle(), now_ms), "simclock set")

    def advance(self, delta: Duration) -> int:
        """Moves the clock forward (ms, float seconds or "90s"); returns now."""
        errors.check(lib.podlife_simclock_advance(self._handle(), to_ms(delta)),
                     "simclock advance")
        return self.now()

    def __repr__(self) -> str:
        return "<podlife.SimClock now=%s>" % (self.now() if self._ptr else "closed")


class PyClock(_ClockBase):
    """A clock written in Python: ``now_ms()`` (never going backwards) and
    optionally ``wall_ms()`` (Unix ms for the current reading).  An
    exception inside them makes the clock read its last good value."""

    def __init__(self, now_ms: Callable[[], int],
                 wall_ms: Optional[Callable[[], int]] = None) -> None:
        self._now = now_ms
        self._wall = wall_ms
        self._last = 0
        self.errors: List[BaseException] = []

        def now_cb(_ud: Optional[int]) -> int:
            try:
                v = int(self._now())
                if v > self._last:
                    self._last = v
            except BaseException as exc:  # never into C
                self.errors.append(exc)
            return self._last

        def wall_cb(_ud: Optional[int]) -> int:
            try:
                return int(self._wall()) if self._wall else 0
            except BaseException as exc:
                self.errors.append(exc)
                return 0

        self._now_cb = CLOCK_NOW_FN(now_cb)
        self._wall_cb = CLOCK_NOW_FN(wall_cb) if wall_ms else CLOCK_NOW_FN()
        self._struct = podlife_clock(PODLIFE_CLOCK_VERSION, self._now_cb, self._wall_cb, None)

    def _clock_ptr(self) -> int:
        return ctypes.addressof(self._struct)

    def now(self) -> int:
        return self._now_cb(None)


def _clock_of(clock: Any) -> _ClockBase:
    if clock is None:
        return SimClock()
    if isinstance(clock, _ClockBase):
        return clock
    if clock == "real":
        return REAL_CLOCK
    if callable(clock):
        return PyClock(clock)
    raise TypeError("clock must be a SimClock, RealClock, PyClock, 'real', a callable or None")


# ---- probes -----------------------------------------------------------------------------


class ProbeKind(enum.IntEnum):
    """``podlife_probe_kind``: which probe a run is for, in the kubelet's
    order.  ``LIFECYCLE_HOOK`` is not a probe: an httpGet lifecycle hook
    the engine runs itself, as ``open_socket`` sees it."""

    LIVENESS = 0
    READINESS = 1
    STARTUP = 2
    LIFECYCLE_HOOK = 3

    @property
    def text(self) -> Optional[str]:
        """"Liveness", "Readiness", "Startup" as events print them (None
        for LIFECYCLE_HOOK); see :func:`probe_kind_name`."""
        return probe_kind_name(self)


class ProbeHandler(enum.IntEnum):
    """``podlife_probe_handler``: the handler a probe uses."""

    EXEC = 0
    HTTP_GET = 1
    TCP_SOCKET = 2
    GRPC = 3


class ProbeOutcome(enum.IntEnum):
    """``podlife_probe_outcome``: what one run found.  WARNING counts as
    success with a ProbeWarning event; UNKNOWN as a failure without an
    event."""

    SUCCESS = 0
    WARNING = 1
    FAILURE = 2
    UNKNOWN = 3


def probe_kind_name(kind: int) -> Optional[str]:
    """"Liveness", "Readiness" or "Startup" (podlife_probe_kind_name), None
    for a value that names no probe."""
    return _lib.opt_text(lib.podlife_probe_kind_name(int(kind)))


def _probe_kind(kind: Union[ProbeKind, int, str]) -> int:
    if isinstance(kind, str):
        try:
            return int(ProbeKind[kind.upper()])
        except KeyError:
            raise errors.InvalidArgumentError(
                "invalid probe kind %r: liveness, readiness or startup" % kind,
                Code.EINVAL) from None
    if isinstance(kind, bool) or not isinstance(kind, int):
        raise TypeError("a probe kind is a ProbeKind, an int or a name, not %s"
                        % type(kind).__name__)
    return int(kind)


def _enum_or_int(cls: Any, value: int) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class ProbeRequest:
    """One probe run as the engine resolved it (a copy of the C
    ``podlife_probe_request``).  ``token`` is the value to pass to
    :meth:`Engine.notify_probe` when the handler answers later.

    ``host``/``port``: httpGet, tcpSocket and grpc (the handler's host or
    the pod IP; a named port resolved).  ``scheme``, ``path`` (with its
    query), ``url`` and ``headers`` (as written): httpGet.  ``service``:
    grpc.  ``argv``: exec (not through a shell).  Strings the handler does
    not use are ""."""

    kind: ProbeKind
    handler: ProbeHandler
    token: int
    pod_namespace: str
    pod_name: str
    pod_uid: str
    container: str
    container_id: str
    sandbox_id: str
    netns_path: str
    timeout_ms: int
    host: str = ""
    port: int = 0
    scheme: str = ""
    path: str = ""
    url: str = ""
    headers: List[Tuple[str, str]] = field(default_factory=list)
    service: str = ""
    argv: List[str] = field(default_factory=list)

    @classmethod
    def _from_c(cls, r: podlife_probe_request, token: int) -> "ProbeRequest":
        headers = [(_s(r.header_names[i]), _s(r.header_values[i])) for i in range(r.n_headers)]
        argv = [_s(r.argv[i]) for i in range(r.argc)] if r.argv else []
        return cls(_enum_or_int(ProbeKind, r.kind), _enum_or_int(ProbeHandler, r.handler), token,
                   _s(r.pod_namespace), _s(r.pod_name), _s(r.pod_uid), _s(r.container),
                   _s(r.container_id), _s(r.sandbox_id), _s(r.netns_path), r.timeout_ms,
                   _s(r.host), r.port, _s(r.scheme), _s(r.path), _s(r.url), headers,
                   _s(r.service), argv)


def _outcome(value: Any) -> int:
    """A handler's verdict: a ProbeOutcome (or its int), True (SUCCESS)
    or False (FAILURE)."""
    if isinstance(value, bool):
        return int(ProbeOutcome.SUCCESS if value else ProbeOutcome.FAILURE)
    if isinstance(value, int) and 0 <= value <= int(ProbeOutcome.UNKNOWN):
        return int(value)
    raise TypeError("a probe outcome is a podlife.ProbeOutcome or a bool, not %r" % (value,))


def _output_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    raise TypeError("probe output must be str or bytes, not %s" % type(value).__name__)


class ProbeBackend:
    """Optional base class of probe handlers written in Python (any object
    with some of these methods works as ``Engine(probes=...)``).

    Each method present becomes a slot of the C ``podlife_probe_backend``
    through a ctypes callback; a missing one keeps the engine's built-in
    handler (httpGet, tcpSocket and grpc on its own network client, exec
    through the backend's exec_sync):

    ``http_get(request: ProbeRequest)``, ``tcp_socket(request)``,
    ``grpc(request)``, ``exec(request)`` return

    - a :class:`ProbeOutcome`, True (success) or False (failure), or an
      ``(outcome, output)`` pair: the run's verdict now (``output`` is the
      body, the command's output or the failure text; longer than
      ``PODLIFE_PROBE_OUTPUT_MAX`` bytes is cut);
    - None: the answer comes later, through
      :meth:`Engine.notify_probe` with ``request.token`` (a run still
      unanswered after timeoutSeconds counts as a failure);
    - a negative ``podlife.Code``: a probe error.

    Raising an exception is a probe error too (EBACKEND, or the code of a
    :class:`~podlife.PodlifeError`): the engine retries the run, then
    throws it away with the event "<Kind> probe errored and resulted in
    unknown state: Type: text"; the exception is kept in ``errors``.

    ``open_socket(request, domain, type, protocol)`` (optional) makes the
    sockets of the built-in network handlers (and of the engine's own
    httpGet lifecycle hooks, ``request.kind`` LIFECYCLE_HOOK), for example
    inside the pod's network namespace: return a descriptor the engine
    then owns and closes (or a ``socket.socket``, which is detached), or
    None; an ``OSError`` raised gives its errno to the engine's message.

    Methods are called on the engine's thread, from inside engine calls,
    and must not call back into the engine.
    """

    def __init__(self) -> None:
        self.errors: List[BaseException] = []


def _record(obj: Any, exc: BaseException) -> None:
    errs = getattr(obj, "errors", None)
    if isinstance(errs, list):
        errs.append(exc)


def _run_probe(obj: Any, name: str, req: Any, token: int, result: Any) -> int:
    res = result.contents
    try:
        rv = getattr(obj, name)(ProbeRequest._from_c(req.contents, token))
        if rv is None:
            return PENDING
        if isinstance(rv, int) and not isinstance(rv, bool) and rv < 0:
            return int(rv)
        output = ""
        if isinstance(rv, tuple):
            if len(rv) != 2:
                raise TypeError("%s returned a tuple of %d, not (outcome, output)"
                                % (name, len(rv)))
            rv, output = rv[0], _output_text(rv[1])
        res.outcome = _outcome(rv)
        _put(res, "output", output)
        return 0
    except PodlifeError as exc:
        _record(obj, exc)
        _put(res, "output", str(exc))
        return int(exc.code) if exc.code < 0 else int(Code.EBACKEND)
    except BaseException as exc:  # never let it unwind into C
        _record(obj, exc)
        try:
            _put(res, "output", "%s: %s" % (type(exc).__name__, exc))
        except BaseException:
            pass
        return int(Code.EBACKEND)


def _open_socket(obj: Any, req: Any, domain: int, type_: int, protocol: int) -> int:
    try:
        rv = obj.open_socket(ProbeRequest._from_c(req.contents, 0), domain, type_, protocol)
        if rv is None or (isinstance(rv, int) and rv < 0):
            ctypes.set_errno(_errno.EPERM)
            return -1
        if hasattr(rv, "detach"):
            rv = rv.detach()
        return int(rv)
    except BaseException as exc:
        _record(obj, exc)
        # an OSError's errno becomes the C errno (the engine's error text)
        code = getattr(exc, "errno", None)
        ctypes.set_errno(code if isinstance(code, int) and code > 0 else _errno.EIO)
        return -1


def _probe_vtable(obj: Any) -> Tuple[podlife_probe_backend, Dict[str, Any]]:
    """The C vtable of a Python probe handler object, and the ctypes
    callback objects it points to (both must outlive the engine).  The
    callbacks reach the object through a weak reference when it has one,
    so the engine's finaliser does not keep it alive."""
    try:
        ref: Callable[[], Any] = weakref.ref(obj)
    except TypeError:
        ref = lambda: obj  # noqa: E731  (objects without weak references)

    def handler(name: str) -> Any:
        def thunk(_ud: Any, req: Any, token: int, result: Any) -> int:
            o = ref()
            if o is None:
                return int(Code.EBACKEND)
            return _run_probe(o, name, req, token, result)
        return PROBE_FN(thunk)

    def sock(_ud: Any, req: Any, domain: int, type_: int, protocol: int) -> int:
        o = ref()
        return -1 if o is None else _open_socket(o, req, domain, type_, protocol)

    thunks: Dict[str, Any] = {name: handler(name) for name in PROBE_SLOTS
                              if callable(getattr(obj, name, None))}
    if callable(getattr(obj, "open_socket", None)):
        thunks["open_socket"] = OPEN_SOCKET_FN(sock)
    if not thunks:
        raise TypeError("probes: %r has none of http_get, tcp_socket, grpc, exec, open_socket"
                        % (obj,))
    vt = podlife_probe_backend(PODLIFE_PROBE_BACKEND_VERSION, None, **thunks)
    return vt, thunks


# ---- the fake backend -------------------------------------------------------------------


class FakeAction(enum.IntEnum):
    """``podlife_fake_action``."""

    EXIT = 0
    RUN = 1
    HANG = 2
    OOM = 3


@dataclass(frozen=True)
class FakeStep:
    """One run of a scripted container: ``exit:CODE@DUR``, ``run``,
    ``hang`` or ``oom@DUR``."""

    action: FakeAction
    exit_code: int = 0
    duration_ms: int = 0

    def __str__(self) -> str:
        if self.action == FakeAction.EXIT:
            return "exit:%d@%dms" % (self.exit_code, self.duration_ms)
        if self.action == FakeAction.OOM:
            return "oom@%dms" % self.duration_ms
        return self.action.name.lower()


def parse_steps(text: str) -> List[FakeStep]:
    """Parses "STEP[,STEP...]" ("exit:1@5s,run")."""
    steps = c_void_p()
    n = c_size_t(0)
    err = c_void_p()
    rc = lib.podlife_fake_steps_parse(_lib.encode(text, "steps"), byref(steps), byref(n),
                                      byref(err))
    _error_call(rc, err, "")
    try:
        arr = ctypes.cast(steps, POINTER(podlife_fake_step))
        return [FakeStep(FakeAction(arr[i].action), arr[i].exit_code, arr[i].duration_ms)
                for i in range(n.value)]
    finally:
        lib.podlife_free(steps)


@dataclass(frozen=True)
class FakeStats:
    """Counters of a :class:`FakeBackend`."""

    starts: int
    stops: int
    creates: int
    removes: int
    pulls: int
    execs: int
    live_containers: int
    live_sandboxes: int


def _free_fake(ptr: int, _keep: Any) -> None:
    lib.podlife_fake_free(ptr)


class FakeBackend:
    """The scriptable in-memory backend (``podlife simulate``'s).

    Scripts say what each run of a container does; unscripted containers
    run until stopped.  Images are present unless marked missing.  Owns one
    ``podlife_fake``; it must outlive the engines using it (engines keep a
    reference to it).
    """

    def __init__(self, clock: _ClockBase, allocator: Optional[CountingAllocator] = None) -> None:
        out = c_void_p()
        errors.check(lib.podlife_fake_new(clock._clock_ptr(), as_pointer(allocator), byref(out)),
                     "fake backend")
        self._ptr: Optional[int] = out.value
        self.clock = clock
        self._finalizer = weakref.finalize(self, _free_fake, out.value, (clock, allocator))

    def _handle(self) -> int:
        if self._ptr is None:
            raise ValueError("the fake backend is closed")
        return self._ptr

    def _backend_ptr(self) -> int:
        return lib.podlife_fake_backend(self._handle())

    def close(self) -> None:
        """Frees the fake; close its engines first."""
        if self._ptr is not None:
            self._ptr = None
            self._finalizer()

    def __enter__(self) -> "FakeBackend":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def attach(self, engine: Optional["Engine"]) -> None:
        """Sets the engine that receives exit reports (done by Engine)."""
        lib.podlife_fake_attach(self._handle(), engine._handle() if engine is not None else None)

    def behave(self, container: str, steps: Union[str, Sequence[FakeStep]]) -> None:
        """Scripts every container called ``container``: a step string
        ("exit:1@5s,run") or a list of :class:`FakeStep`."""
        if isinstance(steps, str):
            err = c_void_p()
            rc = lib.podlife_fake_behave(self._handle(), _lib.encode(container),
                                         _lib.encode(steps), byref(err))
            _error_call(rc, err, "behave %s" % container)
            return
        self.script(container, steps)

    def script(self, container: str, steps: Sequence[FakeStep]) -> None:
        """Scripts ``container`` with a list of :class:`FakeStep`."""
        steps = list(steps)
        arr = (podlife_fake_step * max(len(steps), 1))(
            *[podlife_fake_step(int(s.action), s.exit_code, s.duration_ms) for s in steps])
        errors.check(lib.podlife_fake_script(self._handle(), _lib.encode(container), arr,
                                             len(steps)), "script %s" % container)

    def behave_arg(self, arg: str) -> None:
        """"NAME=STEP[,STEP...]", as ``podlife simulate --behave`` takes it."""
        err = c_void_p()
        rc = lib.podlife_fake_behave_arg(self._handle(), _lib.encode(arg), byref(err))
        _error_call(rc, err, "behave")

    def image_missing(self, image: str) -> None:
        """Marks an image (as written in specs) as not present locally."""
        errors.check(lib.podlife_fake_image_missing(self._handle(), _lib.encode(image)), image)

    def pull_time(self, duration: Duration) -> None:
        """Every pull from now on takes ``duration`` (ms, float seconds or
        "30s") of the fake's clock; 0 (the default) finishes pulls at once."""
        lib.podlife_fake_pull_time(self._handle(), to_ms(duration))

    def pull_fail(self, image: str, times: int) -> None:
        """The first ``times`` pulls of ``image`` fail."""
        errors.check(lib.podlife_fake_pull_fail(self._handle(), _lib.encode(image), times), image)

    def start_fail(self, container: str, times: int, message: str) -> None:
        """The next ``times`` starts of containers called ``container`` fail
        with ``message`` (RunContainerError, exit 128); the script stays."""
        errors.check(lib.podlife_fake_start_fail(self._handle(), _lib.encode(container), times,
                                                 _lib.encode(message)), container)

    def fail_call(self, n: int) -> None:
        """Backend call number ``n`` (from 1, over every slot) fails with
        EBACKEND; 0 disables."""
        lib.podlife_fake_fail_call(self._handle(), n)

    @property
    def calls(self) -> int:
        """Number of backend calls so far."""
        return lib.podlife_fake_calls(self._handle())

    def hook_result(self, exec_exit_code: int = 0, http_status: int = 200) -> None:
        """What the next exec / httpGet hooks return."""
        lib.podlife_fake_hook_result(self._handle(), exec_exit_code, http_status)

    def lose_sandbox(self, pod_name: str, pod_namespace: Optional[str] = None) -> None:
        """The pod's sandbox dies with its containers (a node reboot); the
        engine is told.  :class:`~podlife.NotFoundError` when the pod has no
        running sandbox."""
        errors.check(lib.podlife_fake_lose_sandbox(self._handle(), _ns(pod_namespace),
                                                   _lib.encode(pod_name)),
                     "lose sandbox %s" % pod_name)

    def lose_container(self, pod_name: str, container: str, exit_code: int = -1,
                       pod_namespace: Optional[str] = None) -> None:
        """The running ``container`` stops without an exit report, so only
        the engine's relist finds out: listed as exited with ``exit_code``
        (>= 0), or forgotten by the runtime (< 0: ContainerStatusUnknown,
        137).  :class:`~podlife.NotFoundError` when not running."""
        errors.check(lib.podlife_fake_lose_container(self._handle(), _ns(pod_namespace),
                                                     _lib.encode(pod_name),
                                                     _lib.encode(container), exit_code),
                     "lose container %s/%s" % (pod_name, container))

    def probe(self, container: str, kind: Union[ProbeKind, int, str],
              results: Union[str, Sequence[str]]) -> None:
        """Scripts the probe ``kind`` (a :class:`ProbeKind` or "liveness",
        "readiness", "startup") of every container called ``container``:
        one result per run, the last repeating, starting over for each new
        instance of the container.  ``results`` is "ok,fail,..." or a list
        of words: ``ok`` (success), ``fail`` (failure with the output the
        kubelet's handler would give), ``error`` (the probe cannot run:
        thrown away), ``timeout`` (no answer: a failure after
        timeoutSeconds).  Unscripted probes succeed.  Engines built on this
        fake answer probes from these scripts (``Engine(probes=None)``)."""
        text = results if isinstance(results, str) else ",".join(results)
        err = c_void_p()
        rc = lib.podlife_fake_probe(self._handle(), _lib.encode(container), _probe_kind(kind),
                                    _lib.encode(text, "results"), byref(err))
        _error_call(rc, err, "probe %s" % container)

    def probe_arg(self, arg: str) -> None:
        """"NAME.KIND=RESULTS", as ``podlife simulate --probe`` takes it
        ("app.readiness=fail,ok")."""
        err = c_void_p()
        rc = lib.podlife_fake_probe_arg(self._handle(), _lib.encode(arg), byref(err))
        _error_call(rc, err, "probe")

    def _probes_ptr(self) -> int:
        """The fake's probe vtable (podlife_fake_probes), valid as long as
        the fake."""
        return lib.podlife_fake_probes(self._handle())

    def list_fails(self, fail: bool = True) -> None:
        """Makes container_list fail (or work again)."""
        lib.podlife_fake_list_fails(self._handle(), 1 if fail else 0)

    def stats(self) -> FakeStats:
        """Counters: starts, stops, creates, removes, pulls, execs, live
        containers and sandboxes."""
        s = podlife_fake_stats()
        lib.podlife_fake_get_stats(self._handle(), byref(s))
        return FakeStats(*(getattr(s, n) for n, _ in podlife_fake_stats._fields_))

    def next_deadline(self) -> Optional[int]:
        """Earliest scripted exit or pending pull (engine ms), None when
        there is none."""
        d = lib.podlife_fake_next_deadline(self._handle())
        return None if d == INT64_MAX else d

    def advance(self, now_ms: int) -> None:
        """Reports every scripted exit and pull due at or before ``now_ms``."""
        errors.check(lib.podlife_fake_advance(self._handle(), now_ms), "fake advance")

    def __repr__(self) -> str:
        return "<podlife.FakeBackend%s>" % (" (closed)" if self._ptr is None else "")


# ---- Python backends ----------------------------------------------------------------------


class ContainerKind(enum.IntEnum):
    """``podlife_container_kind``."""

    INIT = 0
    SIDECAR = 1
    REGULAR = 2


class PodSecurity(enum.IntEnum):
    """Pod Security Standards level enforced at admission."""

    NONE = 0
    PRIVILEGED = 1
    BASELINE = 2
    RESTRICTED = 3


class Caps(enum.IntFlag):
    """What a backend lacks (``podlife_backend_caps``)."""

    NONE = 0
    NO_SANDBOX = 1 << 0
    NO_IMAGES = 1 << 1
    NO_EXEC = 1 << 2
    NO_HTTP = 1 << 3


class Result:
    """Where a backend method writes its results (a ``podlife_result``;
    valid during the call only).  Strings are truncated to the C buffers."""

    __slots__ = ("_r",)

    def __init__(self, r: podlife_result) -> None:
        self._r = r

    def _get(self, name: str) -> str:
        return getattr(self._r, name).decode("utf-8", "replace")

    id = property(lambda self: self._get("id"),
                  lambda self, v: _put(self._r, "id", v),
                  doc="Sandbox id, container id or image id.")
    pod_ip = property(lambda self: self._get("pod_ip"),
                      lambda self, v: _put(self._r, "pod_ip", v), doc="sandbox_run: pod IP.")
    netns_path = property(lambda self: self._get("netns_path"),
                          lambda self, v: _put(self._r, "netns_path", v),
                          doc="sandbox_run: network namespace path.")
    message = property(lambda self: self._get("message"),
                       lambda self, v: _put(self._r, "message", v),
                       doc="Error text on failure; exec/http output.")
    present = property(lambda self: bool(self._r.present),
                       lambda self, v: setattr(self._r, "present", 1 if v else 0),
                       doc="image_status: whether the image is present.")
    exit_code = property(lambda self: self._r.exit_code,
                         lambda self, v: setattr(self._r, "exit_code", int(v)),
                         doc="exec_sync: exit code; http_get: HTTP status.")
    size = property(lambda self: self._r.size,
                    lambda self, v: setattr(self._r, "size", int(v)),
                    doc="image_status/image_pull: image size in bytes.")


def _s(b: Optional[bytes]) -> str:
    return _lib.text(b)


@dataclass(frozen=True)
class SandboxConfig:
    """What ``sandbox_run`` gets (CRI PodSandboxConfig, reduced)."""

    pod_name: str
    pod_namespace: str
    pod_uid: str
    attempt: int
    host_network: bool
    pod: Optional[Pod] = field(repr=False, compare=False)


@dataclass(frozen=True)
class ContainerConfig:
    """What ``container_create`` gets (CRI ContainerConfig, reduced);
    ``token`` is the value to pass to :meth:`Engine.notify_exited`."""

    sandbox_id: str
    pod_name: str
    pod_namespace: str
    pod_uid: str
    name: str
    image: str
    image_id: str
    kind: ContainerKind
    index: int
    attempt: int
    token: int
    pod: Optional[Pod] = field(repr=False, compare=False)


@dataclass(frozen=True)
class HttpRequest:
    """An httpGet hook request, as ``http_get`` gets it."""

    scheme: str
    host: str
    port: int
    path: str
    headers: List[Tuple[str, str]]
    timeout_ms: int
    container_id: str


@dataclass
class ContainerEntry:
    """One container as the backend knows it, returned by
    ``container_list`` for adoption after a restore.  ``running`` is 1
    (running), 0 (exited) or -1 (created)."""

    id: str
    sandbox_id: str
    pod_namespace: str
    pod_name: str
    name: str
    attempt: int = 0
    running: int = 1
    exit_code: int = 0
    oom: bool = False
    started_at_ms: int = 0
    finished_at_ms: int = 0


def _weak_thunk(ref: Any, method: str) -> Callable[..., int]:
    def thunk(*args: Any) -> int:
        backend = ref()
        if backend is None:  # the backend is gone: fail, never crash
            return int(Code.EBACKEND)
        return getattr(backend, method)(*args)
    return thunk


class Backend:
    """Base class of a container backend written in Python.

    Define any of these methods; each one becomes a slot of the C vtable
    (``podlife_backend``), and a missing one is a NULL slot (the matching
    capability bit is set when a whole group is missing: no sandbox, no
    images, no exec; without ``http_get`` the engine makes httpGet hook
    requests itself unless ``caps`` has ``Caps.NO_HTTP``).  A method
    returns None (or 0) for success, :data:`PENDING` when it will finish
    later through the engine's notify call with the ``token`` it got, or a
    negative ``podlife.Code``; raising an exception reports a backend
    error (the text goes to ``result.message``), never a crash.

    ``sandbox_run(config: SandboxConfig, token, result)`` -> result.id, pod_ip, netns_path
    ``sandbox_stop(sandbox_id)`` / ``sandbox_remove(sandbox_id)``
    ``image_status(image, result)`` -> result.present, id, size
    ``image_pull(image, auths: list[Credential], token, result)`` -> result.id, size
    ``container_create(config: ContainerConfig, result)`` -> result.id
    ``container_start(container_id, result)``
    ``container_stop(container_id, signal, grace_s)`` (report the exit later
    with :meth:`Engine.notify_exited`, never from inside the call)
    ``container_remove(container_id)``
    ``exec_sync(container_id, argv: list[str], timeout_s, token, result)`` -> result.exit_code
    ``http_get(request: HttpRequest, token, result)`` -> result.exit_code (HTTP status)
    ``container_list()`` -> iterable of :class:`ContainerEntry`
    ``container_adopt(container_id, token)``

    ``caps`` (a :class:`Caps`) may be set on the class or instance.
    ``errors`` collects the exceptions raised by the methods.  Methods are
    called on the engine's thread, from inside engine calls, and must not
    call back into the engine.
    """

    caps: int = 0

    def __init__(self) -> None:
        self.errors: List[BaseException] = []

    # The vtable, built on first use and kept alive with the object.
    def _vtable(self) -> podlife_backend:
        vt = getattr(self, "_podlife_vt", None)
        if vt is not None:
            return vt
        if not hasattr(self, "errors"):
            self.errors = []
        thunks: Dict[str, Any] = {}
        # The thunks reach the backend through a weak reference, so that an
        # engine's finaliser (which keeps the thunks alive) never keeps the
        # backend, and whatever the backend refers to (often the engine),
        # alive.
        me = weakref.ref(self)
        for name in SLOTS:
            if callable(getattr(self, name, None)):
                thunks[name] = SLOT_TYPES[name](_weak_thunk(me, "_t_" + name))
        caps = int(getattr(self, "caps", 0))
        if "sandbox_run" not in thunks:
            caps |= Caps.NO_SANDBOX
        if "image_status" not in thunks and "image_pull" not in thunks:
            caps |= Caps.NO_IMAGES
        if "exec_sync" not in thunks:
            caps |= Caps.NO_EXEC
        # No http_get: the engine makes httpGet hook requests itself
        # (libcurl); set Caps.NO_HTTP to make them fail instead.
        vt = podlife_backend(PODLIFE_BACKEND_VERSION, caps, None, **thunks)
        self._podlife_thunks = thunks  # the CFUNCTYPE objects must stay alive
        self._podlife_vt = vt
        return vt

    def _backend_ptr(self) -> int:
        return ctypes.addressof(self._vtable())

    # -- exception barrier

    def _guard(self, name: str, call: Callable[[], Any], result: Any = None) -> int:
        try:
            rv = call()
        except PodlifeError as exc:
            self.errors.append(exc)
            if result:
                _put(result.contents, "message", str(exc))
            return int(exc.code) if exc.code < 0 else int(Code.EBACKEND)
        except BaseException as exc:  # never let it unwind into C
            self.errors.append(exc)
            if result:
                try:
                    _put(result.contents, "message", "%s: %s" % (type(exc).__name__, exc))
                except BaseException:
                    pass
            return int(Code.EBACKEND)
        if rv is None or rv is True:
            return 0
        if rv is False:
            return int(Code.EBACKEND)
        if isinstance(rv, int) and (rv <= 0 or rv == PENDING):
            return int(rv)
        self.errors.append(TypeError("%s returned %r" % (name, rv)))
        return int(Code.EBACKEND)

    @staticmethod
    def _pod(ptr: Optional[int]) -> Optional[Pod]:
        return Pod.from_borrowed(ptr) if ptr else None

    # -- thunks: C arguments -> Python arguments

    def _t_sandbox_run(self, _ud: Any, cfg: Any, token: int, result: Any) -> int:
        def call() -> Any:
            c = cfg.contents
            conf = SandboxConfig(_s(c.pod_name), _s(c.pod_namespace), _s(c.pod_uid), c.attempt,
                                 bool(c.host_network), self._pod(c.pod))
            return self.sandbox_run(conf, token, Result(result.contents))  # type: ignore[attr-defined]
        return self._guard("sandbox_run", call, result)

    def _t_sandbox_stop(self, _ud: Any, sid: bytes) -> int:
        return self._guard("sandbox_stop", lambda: self.sandbox_stop(_s(sid)))  # type: ignore[attr-defined]

    def _t_sandbox_remove(self, _ud: Any, sid: bytes) -> int:
        return self._guard("sandbox_remove", lambda: self.sandbox_remove(_s(sid)))  # type: ignore[attr-defined]

    def _t_image_status(self, _ud: Any, image: bytes, result: Any) -> int:
        return self._guard("image_status", lambda: self.image_status(  # type: ignore[attr-defined]
            _s(image), Result(result.contents)), result)

    def _t_image_pull(self, _ud: Any, image: bytes, auth: Any, n: int, token: int,
                      result: Any) -> int:
        def call() -> Any:
            auths = [Credential(_s(auth[i].registry), _s(auth[i].username), _s(auth[i].password))
                     for i in range(n)]
            return self.image_pull(_s(image), auths, token, Result(result.contents))  # type: ignore[attr-defined]
        return self._guard("image_pull", call, result)

    def _t_container_create(self, _ud: Any, cfg: Any, result: Any) -> int:
        def call() -> Any:
            c = cfg.contents
            conf = ContainerConfig(
                _s(c.sandbox_id), _s(c.pod_name), _s(c.pod_namespace), _s(c.pod_uid), _s(c.name),
                _s(c.image), _s(c.image_id), ContainerKind(c.kind), c.index, c.attempt, c.token,
                self._pod(c.pod))
            return self.container_create(conf, Result(result.contents))  # type: ignore[attr-defined]
        return self._guard("container_create", call, result)

    def _t_container_start(self, _ud: Any, cid: bytes, result: Any) -> int:
        return self._guard("container_start", lambda: self.container_start(  # type: ignore[attr-defined]
            _s(cid), Result(result.contents)), result)

    def _t_container_stop(self, _ud: Any, cid: bytes, signal: int, grace_s: int) -> int:
        return self._guard("container_stop", lambda: self.container_stop(  # type: ignore[attr-defined]
            _s(cid), signal, grace_s))

    def _t_container_remove(self, _ud: Any, cid: bytes) -> int:
        return self._guard("container_remove", lambda: self.container_remove(_s(cid)))  # type: ignore[attr-defined]

    def _t_exec_sync(self, _ud: Any, cid: bytes, argv: Any, argc: int, timeout_s: int,
                     token: int, result: Any) -> int:
        def call() -> Any:
            args = [_s(argv[i]) for i in range(argc)]
            return self.exec_sync(_s(cid), args, timeout_s, token, Result(result.contents))  # type: ignore[attr-defined]
        return self._guard("exec_sync", call, result)

    def _t_http_get(self, _ud: Any, req: Any, token: int, result: Any) -> int:
        def call() -> Any:
            r = req.contents
            headers = [(_s(r.header_names[i]), _s(r.header_values[i]))
                       for i in range(r.n_headers)]
            hr = HttpRequest(_s(r.scheme), _s(r.host), r.port, _s(r.path), headers, r.timeout_ms,
                             _s(r.container_id))
            return self.http_get(hr, token, Result(result.contents))  # type: ignore[attr-defined]
        return self._guard("http_get", call, result)

    def _t_container_list(self, _ud: Any, cb: Any, cb_ud: Any) -> int:
        def call() -> Any:
            for e in self.container_list():  # type: ignore[attr-defined]
                keep = [_lib.encode(x) for x in (e.id, e.sandbox_id, e.pod_namespace,
                                                 e.pod_name, e.name)]
                entry = podlife_container_entry(*keep, e.attempt, int(e.running), e.exit_code,
                                                1 if e.oom else 0, e.started_at_ms,
                                                e.finished_at_ms)
                cb(cb_ud, byref(entry))
            return None
        return self._guard("container_list", call)

    def _t_container_adopt(self, _ud: Any, cid: bytes, token: int) -> int:
        return self._guard("container_adopt", lambda: self.container_adopt(_s(cid), token))  # type: ignore[attr-defined]


# ---- the engine -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One event as the kubelet records it."""

    time_ms: int
    type: str
    reason: str
    message: str
    pod_namespace: str
    pod_name: str
    container: Optional[str]
    field_path: Optional[str]

    def __str__(self) -> str:
        where = (self.field_path + ": ") if self.field_path else ""
        return "%s %s %s %s%s" % (self.time_ms, self.type, self.reason, where, self.message)


@dataclass(frozen=True)
class PodInfo:
    """A pod's status summary and its ``kubectl get pods`` columns."""

    name: str
    namespace: str
    phase: str
    reason: str
    message: str
    status: str
    ready: str
    restarts: int
    restarts_text: str
    terminating: bool
    finished: bool
    n_init_containers: int
    n_containers: int

    @property
    def columns(self) -> Dict[str, str]:
        """NAME, READY, STATUS, RESTARTS as ``kubectl get pods`` prints them."""
        return {"NAME": self.name, "READY": self.ready, "STATUS": self.status,
                "RESTARTS": self.restarts_text}


@dataclass(frozen=True)
class ContainerInfo:
    """The status of one container."""

    name: str
    kind: ContainerKind
    state: str
    reason: str
    message: str
    exit_code: int
    last_state: str
    last_reason: str
    last_exit_code: int
    restart_count: int
    ready: bool
    started: Optional[bool]
    container_id: str


def _free_engine(ptr: int, fake: Optional[FakeBackend], _keep: Any) -> None:
    if fake is not None and fake._finalizer.alive:
        lib.podlife_fake_attach(fake._ptr, None)
    lib.podlife_engine_free(ptr)


class Engine:
    """The kubelet's pod workers as a host-driven state machine.

    ``backend``: a :class:`FakeBackend`, a :class:`Backend` subclass
    instance, or None for a new fake backend.  ``clock``: a
    :class:`SimClock` (None: a new one at 0), :data:`REAL_CLOCK`,
    a :class:`PyClock` or a callable returning milliseconds.  Time
    arguments are int milliseconds, float seconds or duration strings.

    Events go to ``on_event(event)`` when given, and are kept in
    :attr:`events` (and :meth:`drain_events`) unless ``keep_events`` is
    False.  ``on_pod_changed(namespace, name)`` is called when a pod's
    status changed.  ``restart_rules`` honours container-level
    restartPolicy rules (gate ContainerRestartRules); ``describe_events``
    keeps each pod's events aggregated for :meth:`describe_events`.
    ``relist_period`` is the period of the container relist (the PLEG's,
    default 1 s; 0 turns it off), used when the backend has
    ``container_list``.

    ``probes`` says who runs liveness, readiness and startup probes (the
    engine schedules them): None (the default) answers them from the fake
    backend's scripts (:meth:`FakeBackend.probe`; unscripted probes
    succeed) on a :class:`FakeBackend`, and uses the built-in handlers
    with a :class:`Backend`; a :class:`FakeBackend` answers from its
    scripts; ``"builtin"`` forces the built-in handlers (real httpGet,
    tcpSocket and grpc requests, exec through the backend's exec_sync);
    an object with ``http_get``/``tcp_socket``/``grpc``/``exec`` methods
    (see :class:`ProbeBackend`) runs them in Python.  One thread at a
    time.
    """

    def __init__(self, backend: Union[FakeBackend, Backend, None] = None, clock: Any = None, *,
                 node_name: Optional[str] = None,
                 node_labels: Optional[Mapping[str, str]] = None,
                 on_event: Optional[Callable[[Event], None]] = None,
                 on_pod_changed: Optional[Callable[[str, str], None]] = None,
                 keep_events: bool = True,
                 crashloop_initial: Duration = 0, crashloop_max: Duration = 0,
                 image_backoff_initial: Duration = 0, image_backoff_max: Duration = 0,
                 pod_security: Union[PodSecurity, str, int] = PodSecurity.NONE,
                 node_keyring: Optional[Keyring] = None, restart_rules: bool = False,
                 describe_events: bool = False,
                 relist_period: Optional[Duration] = None,
                 probes: Any = None,
                 allocator: Optional[CountingAllocator] = None) -> None:
        self.clock = _clock_of(clock)
        if backend is None:
            backend = FakeBackend(self.clock, allocator)
        if not isinstance(backend, (FakeBackend, Backend)):
            raise TypeError("backend must be a podlife.FakeBackend or podlife.Backend")
        self.backend = backend
        self.fake: Optional[FakeBackend] = backend if isinstance(backend, FakeBackend) else None
        #: What runs the probes: the ``probes`` argument as given.
        self.probes = probes
        probes_ptr, probes_keep = self._probes_of(probes)
        self.events: List[Event] = []
        self._queue: Deque[Event] = deque()
        self._keep = keep_events
        self._on_event = on_event
        self._on_changed = on_pod_changed
        self._pending: Optional[BaseException] = None
        if isinstance(pod_security, str):
            pod_security = PodSecurity[pod_security.upper()]
        labels = list((node_labels or {}).items())
        flat = [_lib.encode(x) for kv in labels for x in kv]
        self._labels = (c_char_p * max(len(flat), 1))(*flat)
        self._node_name = _opt(node_name)
        # The callbacks reach the engine through a weak reference: the
        # finaliser keeps them alive, and must not keep the engine alive.
        me = weakref.ref(self)

        def on_ev(ud: Any, ev: Any) -> None:
            eng = me()
            if eng is not None:
                eng._event_thunk(ud, ev)

        def on_ch(ud: Any, ns: bytes, name: bytes) -> None:
            eng = me()
            if eng is not None:
                eng._changed_thunk(ud, ns, name)

        self._event_cb = EVENT_FN(on_ev)
        self._changed_cb = POD_CHANGED_FN(on_ch)
        cfg = podlife_engine_config(
            PODLIFE_ENGINE_CONFIG_VERSION, self._node_name, self._labels, len(labels),
            ctypes.cast(as_pointer(allocator), c_void_p) if allocator else None,
            backend._backend_ptr(), self.clock._clock_ptr(), self._event_cb, None,
            self._changed_cb, None, to_ms(crashloop_initial), to_ms(crashloop_max),
            to_ms(image_backoff_initial), to_ms(image_backoff_max), int(pod_security),
            node_keyring._handle() if node_keyring is not None else None,
            (ENGINE_RESTART_RULES if restart_rules else 0) |
            (ENGINE_KEEP_EVENTS if describe_events else 0),
            DEFAULT_RELIST_PERIOD_MS if relist_period is None else to_ms(relist_period),
            probes_ptr)
        out = c_void_p()
        rc = lib.podlife_engine_new(byref(cfg), byref(out))
        if rc == Code.EVERSION and (probes is None or isinstance(probes, str)):
            # A library without version 3 (and without probe handlers to
            # plug in): the fields before `probes` are the same.
            cfg.version = 2
            cfg.probes = None
            probes_keep = None
            rc = lib.podlife_engine_new(byref(cfg), byref(out))
            if rc == Code.EVERSION and relist_period is None:
                # A library that knows only version 1 of the struct: the
                # fields before relist_period_ms are the same.
                cfg.version = 1
                rc = lib.podlife_engine_new(byref(cfg), byref(out))
        errors.check(rc, "engine")
        self._ptr: Optional[int] = out.value
        # What C points to must outlive the C engine: the finaliser holds it.
        # A Python backend is held through its vtable and thunks only (they
        # refer to it weakly), so a backend that refers to its engine does
        # not keep the engine from being collected.
        backend_keep: Any = backend if isinstance(backend, FakeBackend) else (
            backend._vtable(), backend._podlife_thunks)
        keep = (backend_keep, self.clock, node_keyring, allocator, self._event_cb,
                self._changed_cb, self._labels, self._node_name, probes_keep)
        self._finalizer = weakref.finalize(self, _free_engine, out.value, self.fake, keep)
        if self.fake is not None:
            self.fake.attach(self)

    def _probes_of(self, probes: Any) -> Tuple[Optional[int], Any]:
        """The podlife_probe_backend pointer for ``probes`` and what must
        outlive the engine for it."""
        if probes is None:
            if self.fake is None or "podlife_fake_probes" in _lib.missing:
                return None, None
            return self.fake._probes_ptr(), None
        if isinstance(probes, FakeBackend):
            return probes._probes_ptr(), probes
        if isinstance(probes, str):
            if probes != "builtin":
                raise ValueError("probes: %r; use 'builtin', None, a FakeBackend or an object "
                                 "with probe handler methods" % probes)
            return None, None
        vt, thunks = _probe_vtable(probes)
        return ctypes.addressof(vt), (vt, thunks)

    # -- lifetime

    def _handle(self) -> int:
        if self._ptr is None:
            raise ValueError("the engine is closed")
        return self._ptr

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._ptr is None

    def close(self) -> None:
        """Frees the engine and its pods (without calling the backend)."""
        if self._ptr is not None:
            self._ptr = None
            self._finalizer()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- callbacks

    def _event_thunk(self, _ud: Any, ev: Any) -> None:
        try:
            e = ev.contents
            event = Event(e.time_ms, _s(e.type), _s(e.reason), _s(e.message), _s(e.pod_namespace),
                          _s(e.pod_name), _lib.opt_text(e.container),
                          _lib.opt_text(e.field_path))
            if self._keep:
                self.events.append(event)
                self._queue.append(event)
            if self._on_event is not None:
                self._on_event(event)
        except BaseException as exc:
            if self._pending is None:
                self._pending = exc

    def _changed_thunk(self, _ud: Any, ns: bytes, name: bytes) -> None:
        try:
            if self._on_changed is not None:
                self._on_changed(_s(ns), _s(name))
        except BaseException as exc:
            if self._pending is None:
                self._pending = exc

    def _done(self, rc: int, context: str, errs: Sequence[FieldError] = ()) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            raise pending
        errors.check(rc, context, errs)

    def drain_events(self) -> List[Event]:
        """The events recorded since the last drain."""
        out = list(self._queue)
        self._queue.clear()
        return out

    def iter_events(self) -> Iterator[Event]:
        """Iterates over (and consumes) the events recorded so far."""
        while self._queue:
            yield self._queue.popleft()

    @property
    def now(self) -> int:
        """The engine clock's reading (ms)."""
        return self.clock.now()

    # -- pods

    def add_pull_secret(self, data: Union[str, bytes, Mapping[str, Any]]) -> None:
        """Registers an image pull Secret (manifest text or dict) under its
        metadata.name, for pods naming it in spec.imagePullSecrets."""
        raw = json.dumps(data).encode() if isinstance(data, Mapping) else (
            data.encode() if isinstance(data, str) else bytes(data))
        rc = lib.podlife_engine_add_pull_secret(self._handle(), raw, len(raw))
        self._done(rc, "pull secret")

    def _pod_of(self, pod: Union[Pod, str, bytes]) -> Tuple[Pod, bool]:
        if isinstance(pod, Pod):
            return pod, False
        pods = loads(pod)
        if len(pods) != 1:
            pods.close()
            raise ValueError("expected one pod, got %d" % len(pods))
        return pods[0], True

    def add_preset(self, data: Union[str, bytes, Mapping[str, Any]]) -> None:
        """Registers a PodPreset (settings.k8s.io/v1alpha1 manifest text or
        dict) merged into matching pods added later.
        :class:`~podlife.ValidationError` when the text is not a PodPreset."""
        raw = json.dumps(data).encode() if isinstance(data, Mapping) else (
            data.encode() if isinstance(data, str) else bytes(data))
        err = c_void_p()
        rc = lib.podlife_engine_add_preset(self._handle(), raw, len(raw), byref(err))
        fe = errors.take_error(err.value)
        pending, self._pending = self._pending, None
        if pending is not None:
            raise pending
        if rc != 0:
            msg = fe.message if fe else errors.strerror(rc)
            raise errors.exception_for(rc)(msg, rc, [fe] if fe else [])

    def add_pod(self, pod: Union[Pod, str, bytes], name: Optional[str] = None,
                namespace: Optional[str] = None) -> Tuple[str, str]:
        """Adds a pod (a :class:`~podlife.Pod`, or manifest text with one
        pod) and runs admission and the first sync.  With ``name`` and/or
        ``namespace`` the pod is added under them, sharing the immutable
        spec (replicas of one template).  Returns (namespace, name).
        :class:`~podlife.ExistsError` when present."""
        p, own = self._pod_of(pod)
        try:
            if name is None and namespace is None:
                rc = lib.podlife_engine_add_pod(self._handle(), p._handle())
            else:
                rc = lib.podlife_engine_add_pod_named(self._handle(), p._handle(),
                                                      _ns(namespace), _opt(name))
            key = (namespace or p.namespace, name or p.name)
        finally:
            if own:
                p.close()
        self._done(rc, "add pod %s/%s" % key)
        return key

    def update_pod(self, pod: Union[Pod, str, bytes]) -> None:
        """Replaces a present pod's spec under the API server's update
        rules; :class:`~podlife.ValidationError` with the API server's
        message for a forbidden change."""
        p, own = self._pod_of(pod)
        err = c_void_p()
        try:
            rc = lib.podlife_engine_update_pod(self._handle(), p._handle(), byref(err))
        finally:
            if own:
                p.close()
        fe = errors.take_error(err.value)
        pending, self._pending = self._pending, None
        if pending is not None:
            raise pending
        if rc != 0:
            msg = fe.message if fe else errors.strerror(rc)
            raise errors.exception_for(rc)(msg, rc, [fe] if fe else [])

    def delete_pod(self, name: str, namespace: Optional[str] = None,
                   grace: Optional[Duration] = None) -> None:
        """Deletes a pod gracefully; ``grace`` None uses
        terminationGracePeriodSeconds, otherwise seconds (int) as the
        delete's gracePeriodSeconds."""
        grace_s = -1 if grace is None else (grace if isinstance(grace, int)
                                            else to_ms(grace) // 1000)
        rc = lib.podlife_engine_delete_pod(self._handle(), _ns(namespace), _lib.encode(name),
                                           grace_s)
        self._done(rc, "delete pod %s" % name)

    def remove_pod(self, name: str, namespace: Optional[str] = None) -> None:
        """Forgets a pod (running containers are left to the backend)."""
        rc = lib.podlife_engine_remove_pod(self._handle(), _ns(namespace), _lib.encode(name))
        self._done(rc, "remove pod %s" % name)

    def __len__(self) -> int:
        return lib.podlife_engine_pod_count(self._handle())

    @property
    def pod_count(self) -> int:
        """Number of pods in the engine."""
        return len(self)

    # -- status

    def pod_info(self, name: str, namespace: Optional[str] = None) -> PodInfo:
        """Phase, reason, message and the kubectl columns of a pod."""
        i = podlife_pod_info()
        i.version = PODLIFE_POD_INFO_VERSION
        rc = lib.podlife_engine_pod_info(self._handle(), _ns(namespace), _lib.encode(name),
                                         byref(i))
        self._done(rc, "pod %s" % name)
        return PodInfo(name, namespace or "default", _s(i.phase), _s(i.reason), _s(i.message),
                       _s(i.status), _s(i.ready), i.restarts, _s(i.restarts_text),
                       bool(i.terminating), bool(i.finished), i.n_init_containers,
                       i.n_containers)

    def columns(self, name: str, namespace: Optional[str] = None) -> Dict[str, str]:
        """The ``kubectl get pods`` columns (NAME, READY, STATUS, RESTARTS)."""
        return self.pod_info(name, namespace).columns

    def container_info(self, name: str, container: str,
                       namespace: Optional[str] = None) -> ContainerInfo:
        """The status of one (init or regular) container of a pod."""
        i = podlife_container_info()
        i.version = PODLIFE_CONTAINER_INFO_VERSION
        i.started = -1
        rc = lib.podlife_engine_container_info(self._handle(), _ns(namespace), _lib.encode(name),
                                               _lib.encode(container), byref(i))
        self._done(rc, "container %s/%s" % (name, container))
        return ContainerInfo(_s(i.name), ContainerKind(i.kind), _s(i.state), _s(i.reason),
                             _s(i.message), i.exit_code, _s(i.last_state), _s(i.last_reason),
                             i.last_exit_code, i.restart_count, bool(i.ready),
                             None if i.started < 0 else bool(i.started), _s(i.container_id))

    def status_json(self, name: str, namespace: Optional[str] = None) -> str:
        """The pod's status as Kubernetes PodStatus JSON text."""
        out = c_void_p()
        rc = lib.podlife_engine_status_json(self._handle(), _ns(namespace), _lib.encode(name),
                                            byref(out))
        text = _lib.take_string(out.value)
        self._done(rc, "status %s" % name)
        return text

    def status(self, name: str, namespace: Optional[str] = None) -> Dict[str, Any]:
        """The pod's status as a Kubernetes PodStatus dict."""
        return json.loads(self.status_json(name, namespace))

    def describe_events(self, name: str, namespace: Optional[str] = None) -> str:
        """The pod's events as ``kubectl describe pod`` prints its Events
        section (repeated events counted).  Needs ``describe_events=True``
        at construction (:class:`~podlife.StateError` otherwise)."""
        out = c_void_p()
        rc = lib.podlife_engine_describe_events(self._handle(), _ns(namespace),
                                                _lib.encode(name), byref(out))
        text = _lib.take_string(out.value)
        self._done(rc, "describe events %s" % name)
        return text

    def explain(self, name: str, container: Optional[str] = None,
                namespace: Optional[str] = None) -> str:
        """Why the pod (or one container) is in its state: the rule that
        applies, the back-off step and the next restart or pull."""
        out = c_void_p()
        rc = lib.podlife_engine_explain(self._handle(), _ns(namespace), _lib.encode(name),
                                        _opt(container), byref(out))
        text = _lib.take_string(out.value)
        self._done(rc, "explain %s" % name)
        return text

    # -- driving

    def next_deadline(self) -> Optional[int]:
        """When :meth:`tick` must be called next (ms), None when the engine
        only waits for notifications."""
        d = lib.podlife_engine_next_deadline(self._handle())
        return None if d == INT64_MAX else d

    def tick(self, now_ms: Optional[int] = None) -> None:
        """Runs every timer due at or before ``now_ms`` (default: now)."""
        rc = lib.podlife_engine_tick(self._handle(), self.now if now_ms is None else now_ms)
        self._done(rc, "tick")

    def fds(self) -> List[Tuple[int, int]]:
        """The descriptors the engine itself waits on, as (fd, events) for
        ``select.poll``: the sockets of httpGet hooks it runs with libcurl
        when the backend has no ``http_get``.  Ask again before every poll;
        call :meth:`tick` when one is ready or at :meth:`next_deadline`.
        (:meth:`run` does all of this itself.)"""
        cap = 16
        while True:
            arr = (pollfd * cap)()
            n = c_size_t(0)
            rc = lib.podlife_engine_fds(self._handle(), arr, cap, byref(n))
            if rc == Code.ETOOBIG and n.value > cap:
                cap = n.value
                continue
            self._done(rc, "engine fds")
            return [(arr[i].fd, arr[i].events) for i in range(n.value)]

    def notify_exited(self, token: int, exit_code: int = 0, *, signal: int = 0,
                      oom: bool = False, finished_at_ms: Optional[int] = None,
                      reason: Optional[str] = None, message: Optional[str] = None) -> bool:
        """A container ended.  Returns False when the token names no live
        container (a stale report, harmless)."""
        r, m = _opt(reason), _opt(message)
        ex = podlife_exit(PODLIFE_EXIT_VERSION, exit_code, signal, 1 if oom else 0,
                          self.now if finished_at_ms is None else finished_at_ms, r, m)
        rc = lib.podlife_engine_notify_exited(self._handle(), token, byref(ex))
        if rc == Code.ENOTFOUND:
            self._done(0, "")
            return False
        self._done(rc, "notify exited")
        return True

    def _notify(self, func: Any, what: str, token: int, rc: int, fields: Dict[str, Any]) -> None:
        res = podlife_result()
        for k, v in fields.items():
            if v is None:
                continue
            if k in ("id", "pod_ip", "netns_path", "message"):
                _put(res, k, str(v))
            elif k == "present":
                res.present = 1 if v else 0
            else:
                setattr(res, k, int(v))
        code = func(self._handle(), token, rc, byref(res))
        self._done(code, "notify " + what)

    def notify_sandbox(self, token: int, rc: int = 0, *, id: Optional[str] = None,
                       pod_ip: Optional[str] = None, netns_path: Optional[str] = None,
                       message: Optional[str] = None) -> None:
        """A PENDING sandbox_run finished (rc 0, or a negative code)."""
        self._notify(lib.podlife_engine_notify_sandbox, "sandbox", token, rc,
                     dict(id=id, pod_ip=pod_ip, netns_path=netns_path, message=message))

    def notify_sandbox_lost(self, token: int) -> None:
        """The sandbox made with ``token`` (its sandbox_run token) is gone:
        its containers count as exited and a new sandbox is made."""
        self._done(lib.podlife_engine_notify_sandbox_lost(self._handle(), token),
                   "notify sandbox lost")

    def notify_pull(self, token: int, rc: int = 0, *, id: Optional[str] = None,
                    size: Optional[int] = None, message: Optional[str] = None) -> None:
        """A PENDING image_pull finished."""
        self._notify(lib.podlife_engine_notify_pull, "pull", token, rc,
                     dict(id=id, size=size, message=message))

    def notify_exec(self, token: int, rc: int = 0, *, exit_code: Optional[int] = None,
                    message: Optional[str] = None) -> None:
        """A PENDING exec_sync or http_get finished (exit_code: the exit
        code or HTTP status).  Exec probes run through exec_sync (with the
        built-in handlers) finish here too: exit code 0 is success, another
        a failure with ``message`` as output, ``rc=Code.ETIMEDOUT`` a
        timeout."""
        self._notify(lib.podlife_engine_notify_exec, "exec", token, rc,
                     dict(exit_code=exit_code, message=message))

    def notify_probe(self, token: int,
                     outcome: Union[ProbeOutcome, bool, int] = ProbeOutcome.SUCCESS,
                     output: Union[str, bytes] = "", *, rc: int = 0) -> bool:
        """A probe run whose handler returned None (pending) finished:
        ``outcome`` (a :class:`ProbeOutcome`, True for SUCCESS, False for
        FAILURE) with ``output`` (the body, the command's output or the
        failure text), or, with a negative ``rc``, a probe error whose text
        is ``output``.  The pod is synced inside the call when the result
        changed.  Returns False when the token names no run in flight (the
        run timed out and already counted as a failure, the container is
        gone, or the answer came twice): a late answer, harmless."""
        res = podlife_probe_result()
        res.outcome = _outcome(outcome)
        _put(res, "output", _output_text(output))
        code = lib.podlife_engine_notify_probe(self._handle(), token, int(rc), byref(res))
        if code == Code.ENOTFOUND:
            self._done(0, "")
            return False
        self._done(code, "notify probe")
        return True

    def run(self, until: Optional[Duration] = None, *,
            fds: Sequence[Tuple[int, int]] = (),
            on_wake: Optional[Callable[["Engine", List[Tuple[int, int, int]]], bool]] = None
            ) -> None:
        """The library's blocking loop (podlife_engine_run): ticks at each
        deadline until the absolute time ``until`` (engine ms; None: until
        every pod is finished), sleeping in poll() on ``fds`` ((fd, events)
        pairs) in between, or jumping a simulated clock.  ``on_wake(engine,
        [(fd, events, revents), ...])`` runs after each wake-up; returning
        True stops.  With a fake backend use :meth:`run_for` /
        :meth:`run_until`, which also deliver the fake's scripted exits."""
        arr = (pollfd * max(len(fds), 1))(*[pollfd(fd, ev, 0) for fd, ev in fds])

        def wake(_ud: Any, _e: Any, p: Any, n: int) -> int:
            try:
                if on_wake is None:
                    return 0
                return 1 if on_wake(self, [(p[i].fd, p[i].events, p[i].revents)
                                           for i in range(n)]) else 0
            except BaseException as exc:
                if self._pending is None:
                    self._pending = exc
                return 1

        cb = WAKE_FN(wake) if on_wake is not None else WAKE_FN()
        until_ms = INT64_MAX if until is None else to_ms(until)
        rc = lib.podlife_engine_run(self._handle(), until_ms, arr if fds else None, len(fds),
                                    cb, None)
        self._done(rc, "run")

    def run_until(self, until_ms: int,
                  on_step: Optional[Callable[[int], Optional[bool]]] = None) -> None:
        """Runs to the absolute engine time ``until_ms`` on a simulated
        clock: with the fake backend through podlife_fake_run (scripted
        exits delivered), otherwise through :meth:`run`.  ``on_step(now)``
        after each step; returning True stops."""
        if self.fake is not None and isinstance(self.clock, SimClock):
            def step(_ud: Any, now: int) -> int:
                try:
                    return 1 if on_step is not None and on_step(now) else 0
                except BaseException as exc:
                    if self._pending is None:
                        self._pending = exc
                    return 1
            cb = FAKE_STEP_FN(step)
            rc = lib.podlife_fake_run(self.fake._handle(), self._handle(), self.clock._handle(),
                                      until_ms, cb, None)
            self._done(rc, "run")
            return
        if on_step is None:
            self.run(until_ms)
        else:
            self.run(until_ms, on_wake=lambda eng, _fds: bool(on_step(eng.now)))

    def run_for(self, duration: Duration,
                on_step: Optional[Callable[[int], Optional[bool]]] = None) -> None:
        """:meth:`run_until` ``now + duration`` ("10m", ms or seconds)."""
        self.run_until(self.now + to_ms(duration), on_step)

    # -- snapshot

    def snapshot(self) -> str:
        """The engine's state as JSON text."""
        out = c_void_p()
        rc = lib.podlife_engine_snapshot(self._handle(), byref(out))
        text = _lib.take_string(out.value)
        self._done(rc, "snapshot")
        return text

    def restore(self, snapshot: Union[str, bytes, Mapping[str, Any]]) -> None:
        """Loads a snapshot into an engine with no pods; running containers
        are adopted through the backend's container_list."""
        raw = json.dumps(snapshot).encode() if isinstance(snapshot, Mapping) else (
            snapshot.encode() if isinstance(snapshot, str) else bytes(snapshot))
        err = c_void_p()
        rc = lib.podlife_engine_restore(self._handle(), raw, len(raw), byref(err))
        fe = errors.take_error(err.value)
        pending, self._pending = self._pending, None
        if pending is not None:
            raise pending
        if rc != 0:
            msg = fe.message if fe else errors.strerror(rc)
            raise errors.exception_for(rc)(msg, rc, [fe] if fe else [])

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<podlife.Engine (closed)>"
        return "<podlife.Engine %d pods at %d ms>" % (len(self), self.now)


__all__ = [
    "PENDING", "Engine", "Event", "PodInfo", "ContainerInfo", "Backend", "Result",
    "SandboxConfig", "ContainerConfig", "HttpRequest", "ContainerEntry", "ContainerKind",
    "PodSecurity", "Caps", "FakeBackend", "FakeStep", "FakeAction", "FakeStats", "SimClock",
    "RealClock", "PyClock", "REAL_CLOCK", "parse_duration", "parse_steps", "to_ms",
    "ProbeKind", "ProbeHandler", "ProbeOutcome", "ProbeRequest", "ProbeBackend",
    "probe_kind_name",
]
