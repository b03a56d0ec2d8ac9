"""Exceptions, field errors and warnings of the podlife bindings.

Every failing C call becomes an exception of the :class:`PodlifeError`
hierarchy, chosen by the C error code (``PODLIFE_E*``).  Errors that come
with diagnostics (:class:`ParseError`, :class:`ValidationError`,
:class:`TooBigError`) carry them as a list of :class:`FieldError` in
``.errors``.  Diagnostics of severity *warning* that come with a success
are issued as Python warnings of category :class:`PodlifeWarning`.
"""

from __future__ import annotations

import enum
import os
import sys
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Type

from . import _lib
from ._lib import lib


class Code(enum.IntEnum):
    """The C library's error codes (``podlife_code``)."""

    OK = 0
    EINVAL = -1
    ENOMEM = -2
    EPARSE = -3
    EINVALID = -4
    ENOTFOUND = -5
    ETOOBIG = -6
    EIO = -7
    EVERSION = -8
    ESTATE = -9
    EBACKEND = -10
    EEXISTS = -11
    ETYPE = -12
    ETIMEDOUT = -13


class Severity(enum.IntEnum):
    """How serious a diagnostic is (``podlife_severity``)."""

    ERROR = 0
    WARNING = 1
    NOTE = 2


class ErrorType(enum.IntEnum):
    """The kind of a field error (``podlife_error_type``), as the API
    server's ``field.ErrorType``."""

    NONE = 0
    REQUIRED = 1
    INVALID = 2
    DUPLICATE = 3
    NOT_SUPPORTED = 4
    NOT_FOUND = 5
    FORBIDDEN = 6
    TOO_LONG = 7
    TYPE_INVALID = 8
    UNKNOWN_FIELD = 9
    INTERNAL = 10
    TOO_MANY = 11

    @property
    def text(self) -> str:
        """The API server's name: "Required value", "Invalid value", ..."""
        return error_type_name(self)


def strerror(code: int) -> str:
    """The C library's text for an error code ("invalid argument", ...)."""
    return _lib.text(lib.podlife_strerror(int(code)))


def error_type_name(kind: int) -> str:
    """The API server's text for a field error type."""
    return _lib.text(lib.podlife_error_type_name(int(kind)))


@dataclass(frozen=True)
class FieldError:
    """One diagnostic: an error, a warning or a note.

    ``path`` is the Kubernetes field path ("spec.containers[0].name", ""
    when the diagnostic is not about a field), ``type`` the
    :class:`ErrorType`, ``detail`` the detail text alone, ``message`` the
    whole message in the API server's format, ``line``/``column`` the
    1-based source position (0 when unknown) and ``document`` the index of
    the document in a multi-document stream.
    """

    code: int
    severity: Severity
    type: ErrorType
    path: str
    detail: str
    message: str
    line: int
    column: int
    document: int

    @property
    def type_name(self) -> str:
        """"Required value", "Invalid value", ... ("" for ErrorType.NONE)."""
        return error_type_name(self.type) if self.type != ErrorType.NONE else ""

    def __str__(self) -> str:
        if self.line:
            return "%d:%d: %s" % (self.line, self.column, self.message)
        return self.message

    @classmethod
    def _from_c(cls, e: int) -> "FieldError":
        try:
            sev = Severity(lib.podlife_error_severity(e))
        except ValueError:
            sev = Severity.ERROR
        try:
            kind = ErrorType(lib.podlife_error_type_of(e))
        except ValueError:
            kind = ErrorType.NONE
        return cls(
            code=lib.podlife_error_code(e),
            severity=sev,
            type=kind,
            path=_lib.text(lib.podlife_error_path(e)),
            detail=_lib.text(lib.podlife_error_detail(e)),
            message=_lib.text(lib.podlife_error_message(e)),
            line=lib.podlife_error_line(e),
            column=lib.podlife_error_column(e),
            document=lib.podlife_error_document(e),
        )


def take_error(ptr: Optional[int]) -> Optional[FieldError]:
    """Copies an owned ``podlife_error *`` and frees it."""
    if not ptr:
        return None
    try:
        return FieldError._from_c(ptr)
    finally:
        lib.podlife_error_free(ptr)


def take_diag(ptr: Optional[int]) -> List[FieldError]:
    """Copies an owned ``podlife_diag *`` into a list and frees it."""
    if not ptr:
        return []
    try:
        n = lib.podlife_diag_count(ptr)
        out = []
        for i in range(n):
            e = lib.podlife_diag_get(ptr, i)
            if e:
                out.append(FieldError._from_c(e))
        assert lib.podlife_diag_error_count(ptr) == sum(
            1 for d in out if d.severity == Severity.ERROR
        )
        return out
    finally:
        lib.podlife_diag_free(ptr)


# ---- exceptions ----------------------------------------------------------------


class PodlifeError(Exception):
    """Base of every error the bindings raise for a failing C call.

    ``code`` is the C error code (:class:`Code`), ``errors`` the
    diagnostics that came with it (possibly empty), ``message`` the text.
    """

    code: int = Code.EINVAL

    def __init__(self, message: str = "", code: Optional[int] = None,
                 errors: Sequence[FieldError] = ()) -> None:
        if code is not None:
            self.code = code
        self.errors: List[FieldError] = list(errors)
        self.message = message or strerror(self.code)
        super().__init__(self.message)

    @property
    def warnings(self) -> List[FieldError]:
        """Diagnostics of severity warning that came with the error."""
        return [e for e in self.errors if e.severity == Severity.WARNING]


class InvalidArgumentError(PodlifeError, ValueError):
    """PODLIFE_EINVAL: a bad argument."""

    code = Code.EINVAL


class OutOfMemoryError(PodlifeError, MemoryError):
    """PODLIFE_ENOMEM: an allocation failed."""

    code = Code.ENOMEM


class DiagnosticError(PodlifeError):
    """An error that comes with field errors; ``str()`` lists them."""

    def __init__(self, message: str = "", code: Optional[int] = None,
                 errors: Sequence[FieldError] = ()) -> None:
        errs = [e for e in errors if e.severity == Severity.ERROR]
        if not message:
            message = strerror(code if code is not None else self.code)
            if errs:
                message += ": " + "; ".join(str(e) for e in errs[:20])
                if len(errs) > 20:
                    message += "; ... (%d more)" % (len(errs) - 20)
        super().__init__(message, code, errors)

    @property
    def field_errors(self) -> List[FieldError]:
        """Diagnostics of severity error only."""
        return [e for e in self.errors if e.severity == Severity.ERROR]


class ParseError(DiagnosticError):
    """PODLIFE_EPARSE: malformed YAML or JSON, or values of the wrong type."""

    code = Code.EPARSE


class ValidationError(DiagnosticError):
    """PODLIFE_EINVALID: the object failed validation.  ``errors`` holds
    every field error (path, type, detail, line, column, message)."""

    code = Code.EINVALID


class NotFoundError(PodlifeError, LookupError):
    """PODLIFE_ENOTFOUND: no such object, field or entry."""

    code = Code.ENOTFOUND


class TooBigError(DiagnosticError):
    """PODLIFE_ETOOBIG: input exceeds a configured limit (or overflow)."""

    code = Code.ETOOBIG


class PodlifeIOError(PodlifeError, OSError):
    """PODLIFE_EIO: reading a file failed."""

    code = Code.EIO


class VersionError(PodlifeError):
    """PODLIFE_EVERSION: a struct's version field is not supported."""

    code = Code.EVERSION


class StateError(PodlifeError):
    """PODLIFE_ESTATE: the call is not allowed in this state."""

    code = Code.ESTATE


class BackendError(PodlifeError):
    """PODLIFE_EBACKEND: a backend callback reported failure."""

    code = Code.EBACKEND


class ExistsError(PodlifeError):
    """PODLIFE_EEXISTS: the object already exists."""

    code = Code.EEXISTS


class TypeMismatchError(PodlifeError, TypeError):
    """PODLIFE_ETYPE: a value has another type than asked for."""

    code = Code.ETYPE


class TimedOutError(PodlifeError, TimeoutError):
    """PODLIFE_ETIMEDOUT: an operation ran out of time (an exec probe's
    command past its timeoutSeconds)."""

    code = Code.ETIMEDOUT


_BY_CODE: Dict[int, Type[PodlifeError]] = {
    Code.EINVAL: InvalidArgumentError,
    Code.ENOMEM: OutOfMemoryError,
    Code.EPARSE: ParseError,
    Code.EINVALID: ValidationError,
    Code.ENOTFOUND: NotFoundError,
    Code.ETOOBIG: TooBigError,
    Code.EIO: PodlifeIOError,
    Code.EVERSION: VersionError,
    Code.ESTATE: StateError,
    Code.EBACKEND: BackendError,
    Code.EEXISTS: ExistsError,
    Code.ETYPE: TypeMismatchError,
    Code.ETIMEDOUT: TimedOutError,
}


def exception_for(code: int) -> Type[PodlifeError]:
    """The exception class for a C error code."""
    return _BY_CODE.get(code, PodlifeError)


def make_error(code: int, context: str = "", errors: Sequence[FieldError] = ()) -> PodlifeError:
    """An exception instance for ``code``; ``context`` prefixes the message."""
    cls = exception_for(code)
    if issubclass(cls, DiagnosticError):
        exc: PodlifeError = cls("", code, errors)
        if context:
            exc.message = "%s: %s" % (context, exc.message)
            exc.args = (exc.message,)
        return exc
    errs = [e for e in errors if e.severity == Severity.ERROR]
    msg = strerror(code)
    if errs:
        msg += ": " + "; ".join(str(e) for e in errs[:20])
    if context:
        msg = "%s: %s" % (context, msg)
    return cls(msg, code, errors)


def check(code: int, context: str = "", errors: Sequence[FieldError] = ()) -> None:
    """Raises the exception for a non-zero C return code."""
    if code != 0:
        raise make_error(code, context, errors)


# ---- warnings -----------------------------------------------------------------


class PodlifeWarning(UserWarning):
    """A warning from the library (unknown field, deprecated volume type,
    a docker config entry skipped, ...).  ``.diagnostic`` is the
    :class:`FieldError`."""

    def __init__(self, diagnostic: FieldError) -> None:
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


_PKG_DIR = os.path.dirname(os.path.abspath(__file__))


def _caller_stacklevel() -> int:
    """The stacklevel that names the first frame outside this package."""
    level = 1
    f = sys._getframe(1)
    while f is not None and os.path.dirname(os.path.abspath(f.f_code.co_filename)) == _PKG_DIR:
        f = f.f_back  # type: ignore[assignment]
        level += 1
    return level


def emit_warnings(diags: Sequence[FieldError]) -> None:
    """Issues a :class:`PodlifeWarning` for every warning in ``diags``,
    attributed to the caller's line outside the package."""
    level = None
    for d in diags:
        if d.severity == Severity.WARNING:
            if level is None:
                level = _caller_stacklevel()
            warnings.warn(PodlifeWarning(d), stacklevel=level)


__all__ = [
    "Code", "Severity", "ErrorType", "FieldError", "strerror", "error_type_name",
    "PodlifeError", "InvalidArgumentError", "OutOfMemoryError", "DiagnosticError",
    "ParseError", "ValidationError", "NotFoundError", "TooBigError",
    "PodlifeIOError", "VersionError", "StateError", "BackendError", "ExistsError",
    "TypeMismatchError", "TimedOutError", "PodlifeWarning", "exception_for", "check",
]
