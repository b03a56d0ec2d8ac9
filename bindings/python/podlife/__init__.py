"""podlife: the kubelet's Pod lifecycle semantics, from Python.

Python bindings over ctypes for libpodlife (the C library).  Nothing but
the standard library is needed; the shared library ``libpodlife.so.0`` is
found through ``PODLIFE_LIBRARY``, the build tree of a checkout, or the
system (see :mod:`podlife._lib`).

Quick tour::

    import podlife
    pods = podlife.load("pod.yaml")            # -> PodList of Pod
    pod = pods[0]
    pod.spec.init_containers[0].image           # every field by attribute
    pod.is_defaulted("spec.restartPolicy")      # defaulting provenance
    pod.to_dict(); pod.to_json(); pod.to_yaml()

    ref = podlife.ImageReference.parse("busybox:1.36")
    ref.canonical                               # docker.io/library/busybox:1.36

    with podlife.Keyring() as kr:
        kr.add_config_file("config.json")
        kr.lookup_image("registry.example.com/app:1")

Errors raise :class:`PodlifeError` subclasses; a manifest that fails
validation raises :class:`ValidationError` whose ``errors`` lists every
field error.
"""

from __future__ import annotations

from . import _lib
from .alloc import CountingAllocator
from .errors import (
    BackendError,
    Code,
    DiagnosticError,
    ErrorType,
    ExistsError,
    FieldError,
    InvalidArgumentError,
    NotFoundError,
    OutOfMemoryError,
    ParseError,
    PodlifeError,
    PodlifeIOError,
    PodlifeWarning,
    Severity,
    StateError,
    TooBigError,
    TimedOutError,
    TypeMismatchError,
    ValidationError,
    VersionError,
    error_type_name,
    strerror,
)
from .engine import (
    PENDING,
    REAL_CLOCK,
    Backend,
    Caps,
    ContainerConfig,
    ContainerEntry,
    ContainerInfo,
    ContainerKind,
    Engine,
    Event,
    FakeAction,
    FakeBackend,
    FakeStats,
    FakeStep,
    HttpRequest,
    PodInfo,
    PodSecurity,
    ProbeBackend,
    ProbeHandler,
    ProbeKind,
    ProbeOutcome,
    ProbeRequest,
    PyClock,
    RealClock,
    Result,
    SandboxConfig,
    SimClock,
    parse_duration,
    parse_steps,
    probe_kind_name,
)
from .image import (
    Credential,
    ImageReference,
    Keyring,
    PullAction,
    PullPolicy,
    default_pull_policy,
    never_pull_message,
    pull_decision,
)
from .pod import (
    ListView,
    MapView,
    ObjectView,
    ParseFlags,
    Pod,
    PodList,
    ValueType,
    load,
    load_file,
    loads,
    loads_json,
    loads_yaml,
    parse_quantity_milli,
    pods_to_json,
    pods_to_yaml,
)

#: Version of these bindings.
__version__ = "0.1.0"
#: Version of the loaded C library ("0.1.0").
library_version: str = _lib.version_string
#: PODLIFE_VERSION_NUMBER of the loaded library (0xMMmmpp).
library_version_number: int = _lib.version_number
#: Path of the loaded shared library.
library_path: str = _lib.path


def version() -> str:
    """The loaded C library's version, "MAJOR.MINOR.PATCH" (asked from
    the library: podlife_version)."""
    return _lib.text(_lib.lib.podlife_version(None))


__all__ = [
    "__version__", "library_version", "library_version_number", "library_path", "version",
    "CountingAllocator",
    "Code", "Severity", "ErrorType", "FieldError", "strerror", "error_type_name",
    "PodlifeError", "InvalidArgumentError", "OutOfMemoryError", "DiagnosticError",
    "ParseError", "ValidationError", "NotFoundError", "TooBigError", "PodlifeIOError",
    "VersionError", "StateError", "BackendError", "ExistsError", "TypeMismatchError",
    "TimedOutError", "PodlifeWarning",
    "ValueType", "ParseFlags", "Pod", "PodList", "ObjectView", "MapView", "ListView",
    "load", "load_file", "loads", "loads_yaml", "loads_json", "parse_quantity_milli",
    "pods_to_json", "pods_to_yaml",
    "PullPolicy", "PullAction", "ImageReference", "Credential", "Keyring",
    "default_pull_policy", "pull_decision", "never_pull_message",
    "PENDING", "REAL_CLOCK", "Backend", "Caps", "ContainerConfig", "ContainerEntry",
    "ContainerInfo", "ContainerKind", "Engine", "Event", "FakeAction", "FakeBackend",
    "FakeStats", "FakeStep", "HttpRequest", "PodInfo", "PodSecurity", "PyClock", "RealClock",
    "Result", "SandboxConfig", "SimClock", "parse_duration", "parse_steps",
    "ProbeKind", "ProbeHandler", "ProbeOutcome", "ProbeRequest", "ProbeBackend",
    "probe_kind_name",
]
