"""Pods: parsing manifests and reading every field by attribute.

:func:`loads` (and :func:`load`, :func:`loads_yaml`, :func:`loads_json`)
parse a YAML stream or JSON text into :class:`Pod` objects, defaulted and
validated as the API server does.  A :class:`Pod` owns one reference to
the immutable C pod and releases it in :meth:`Pod.close`, on leaving a
``with`` block, or when garbage collected.

Fields are reached by attribute, in snake_case, mapped to the Kubernetes
camelCase names (``pod.spec.init_containers[0].image``,
``pod.spec.host_ipc``, ``pod.spec.volumes[0].downward_api``), or by item
with the Kubernetes name (``pod.spec["initContainers"]``).  The mapping
is built generically on the C path API (``podlife_pod_get_type`` and
friends), so every field of the model, including the ones kept verbatim
(affinity, tolerations, ...), is reachable.  Objects and maps read as
:class:`ObjectView` / :class:`MapView` (read-only mappings), lists as
:class:`ListView`, scalars as ``str``, ``int``, ``bool``, ``float`` or
``None`` (unset).
"""

from __future__ import annotations

import ctypes
import enum
import itertools
import json
import os
import re
import weakref
from collections.abc import Mapping, Sequence
from ctypes import byref, c_char_p, c_int, c_int64, c_size_t, c_uint, c_void_p
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union, overload

from . import _lib, errors
from ._lib import lib
from .alloc import CountingAllocator, as_pointer
from .errors import Code, FieldError, Severity

PathLike = Union[str, bytes, "os.PathLike[str]"]


class ValueType(enum.IntEnum):
    """Type of a value read by path (``podlife_value_type``)."""

    NULL = 0
    STRING = 1
    INT = 2
    BOOL = 3
    LIST = 4
    MAP = 5
    OBJECT = 6
    FLOAT = 7


class ParseFlags(enum.IntFlag):
    """``podlife_parse_flags``."""

    STRICT = 1 << 0
    NO_DEFAULTS = 1 << 1
    NO_VALIDATE = 1 << 2
    JSON = 1 << 3
    YAML = 1 << 4
    NO_TEMPLATES = 1 << 5


JSON_PRETTY = 1 << 0

# ---- name mapping ---------------------------------------------------------------

_PLURAL_ACRONYM = re.compile(r"([A-Z]{2,})s(?=[A-Z0-9]|$)")
_ACRONYM = re.compile(r"([A-Z]{2,})(?=[A-Z][a-z]|[0-9]|$)")
_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")


def snake_name(name: str) -> str:
    """The snake_case attribute for a Kubernetes field name:
    ``initContainers`` -> ``init_containers``, ``hostIPC`` -> ``host_ipc``,
    ``podIPs`` -> ``pod_ips``, ``downwardAPI`` -> ``downward_api``."""
    s = _PLURAL_ACRONYM.sub(lambda m: m.group(1).capitalize() + "s", name)
    s = _ACRONYM.sub(lambda m: m.group(1).capitalize(), s)
    return _BOUNDARY.sub(r"\1_\2", s).lower()


def camel_candidates(attr: str) -> Iterator[str]:
    """Kubernetes names that ``attr`` may stand for, the plain camelCase
    first, then with short words as acronyms (``host_ipc`` -> ``hostIPC``,
    ``pod_ips`` -> ``podIPs``)."""
    words = attr.split("_")
    if not words or any(w == "" for w in words):
        if attr:
            yield attr
        return
    first, rest = words[0], words[1:]
    options = []
    for w in rest:
        opts = [w.capitalize()]
        if len(w) <= 5:
            opts.append(w.upper())
            if len(w) > 2 and w.endswith("s"):
                opts.append(w[:-1].upper() + "s")
        options.append(opts)
    for combo in itertools.islice(itertools.product(*options), 256):
        yield first + "".join(combo)


def _join(path: str, key: str) -> str:
    return key if not path else path + "." + key


_INDEX = re.compile(r"\[[^\]]*\]")
# (schema path with list indexes and map keys blanked, attribute) -> field name
_attr_cache: Dict[Tuple[str, str], str] = {}


# ---- the pod ----------------------------------------------------------------------


class _Node:
    """Common base of the views: a path inside a pod.

    The helpers of a view have names that no Kubernetes field has
    (``path_in_pod``, ``pod``, ``keys``, ``get``, ``entries``,
    ``to_python``, ``is_defaulted``, ``position``), so that every field
    stays reachable as an attribute: a field such as ``items`` or
    ``path`` is never shadowed.  Views are read-only mappings in
    behaviour (``dict(view)`` works) but do not inherit
    :class:`collections.abc.Mapping`, whose ``items``/``values`` methods
    would hide fields of those names.
    """

    __slots__ = ("_pod", "_path", "__weakref__")

    def __init__(self, pod: "Pod", path: str) -> None:
        self._pod = pod
        self._path = path

    @property
    def path_in_pod(self) -> str:
        """The Kubernetes field path of this value ("spec.containers[0]")."""
        return self._path

    @property
    def pod(self) -> "Pod":
        """The pod this value belongs to."""
        return self._pod

    def is_defaulted(self, field: Optional[str] = None) -> bool:
        """True when this value (or its sub-field ``field``, a Kubernetes
        name or path relative to this one) was filled in by defaulting."""
        return self._pod.is_defaulted(self._sub(field))

    def position(self, field: Optional[str] = None) -> Optional[Tuple[int, int]]:
        """1-based (line, column) in the source of this value (or of
        ``field``), None when unknown; see :meth:`Pod.position`."""
        return self._pod.position(self._sub(field))

    def _sub(self, field: Optional[str]) -> str:
        if not field:
            return self._path
        if field.startswith("["):
            return self._path + field
        return _join(self._path, field)

    def to_python(self) -> Any:
        """The value as plain dicts, lists and scalars."""
        raise NotImplementedError


class _MappingNode(_Node):
    """A value with string keys (a typed object or a map)."""

    __slots__ = ()

    def _keys(self) -> List[str]:
        pod = self._pod
        p = _lib.encode(self._path)
        n = c_size_t(0)
        errors.check(lib.podlife_pod_get_count(pod._handle(), p, byref(n)), self._path)
        out = []
        k = c_char_p()
        for i in range(n.value):
            errors.check(lib.podlife_pod_get_key(pod._handle(), p, i, byref(k)), self._path)
            out.append(_lib.text(k.value))
        return out

    def _key_path(self, key: str) -> str:
        raise NotImplementedError

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def keys(self) -> List[str]:
        """Names of the fields that are set (maps: the keys), in order."""
        return self._keys()

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key`` (Kubernetes name), ``default`` when unset."""
        try:
            v = self[key]
        except KeyError:
            return default
        return default if v is None else v

    def entries(self) -> List[Tuple[str, Any]]:
        """(name, value) pairs of the fields that are set (the ``items()``
        of a dict, under a name that no Kubernetes field has)."""
        return [(k, self[k]) for k in self._keys()]

    def __len__(self) -> int:
        n = c_size_t(0)
        rc = lib.podlife_pod_get_count(self._pod._handle(), _lib.encode(self._path), byref(n))
        errors.check(rc, self._path)
        return n.value

    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str):
            raise KeyError(key)
        try:
            return self._pod._value(self._key_path(key))
        except errors.NotFoundError:
            raise KeyError(key) from None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._keys()

    def __dir__(self) -> List[str]:
        return sorted(set(object.__dir__(self)) | {snake_name(k) for k in self._keys()})

    def to_python(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for k in self._keys():
            v = self[k]
            out[k] = v.to_python() if isinstance(v, _Node) else v
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Node):
            return self.to_python() == other.to_python()
        if isinstance(other, Mapping):
            return self.to_python() == dict(other)
        if isinstance(other, dict):
            return self.to_python() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)
        for k in self._keys():
            if k == attr or snake_name(k) == attr:
                return self[k]
        return self._missing_attr(attr)

    def _missing_attr(self, attr: str) -> Any:
        raise AttributeError("%s has no field %r" % (self._path or "pod", attr))


class ObjectView(_MappingNode):
    """A typed object of the pod model (metadata, spec, a container, ...).

    Attributes are the fields in snake_case; a field of the schema that is
    unset reads as None.  As a mapping its keys are the Kubernetes names
    of the fields that are set, in Kubernetes order.
    """

    __slots__ = ()

    def _key_path(self, key: str) -> str:
        return _join(self._path, key)

    def _missing_attr(self, attr: str) -> Any:
        # Not set: find the schema's name for it (cached per schema path).
        cache_key = (_INDEX.sub("[]", self._path), attr)
        name = _attr_cache.get(cache_key)
        pod = self._pod
        if name is None:
            for cand in camel_candidates(attr):
                t = c_int(0)
                rc = lib.podlife_pod_get_type(pod._handle(), _lib.encode(_join(self._path, cand)),
                                              byref(t))
                if rc == 0:
                    name = cand
                    break
            if name is None:
                raise AttributeError("%s has no field %r" % (self._path or "pod", attr))
            if len(_attr_cache) < 4096:
                _attr_cache[cache_key] = name
        return pod._value(_join(self._path, name))

    def __repr__(self) -> str:
        return "<podlife.ObjectView %s: %s>" % (self._path or "pod", ", ".join(self._keys()))


class MapView(_MappingNode):
    """A map with string keys (labels, annotations, resources.limits, or an
    object kept verbatim such as affinity).  Keys are as written; a key
    can also be read as an attribute through its snake_case form."""

    __slots__ = ()

    def _key_path(self, key: str) -> str:
        if "]" in key:
            raise KeyError("map keys containing ']' cannot be addressed: %r" % key)
        return "%s[%s]" % (self._path, key)

    def __repr__(self) -> str:
        return "<podlife.MapView %s: %r>" % (self._path, self.to_python())


class ListView(_Node, Sequence):
    """A list of the pod (containers, ports, command, ...)."""

    __slots__ = ()

    def __len__(self) -> int:
        n = c_size_t(0)
        errors.check(lib.podlife_pod_get_count(self._pod._handle(), _lib.encode(self._path),
                                               byref(n)), self._path)
        return n.value

    @overload
    def __getitem__(self, i: int) -> Any: ...

    @overload
    def __getitem__(self, i: slice) -> List[Any]: ...

    def __getitem__(self, i: Union[int, slice]) -> Any:
        n = len(self)
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(n))]
        if not isinstance(i, int):
            raise TypeError("list indices must be integers")
        if i < 0:
            i += n
        if i < 0 or i >= n:
            raise IndexError("%s: index out of range" % self._path)
        return self._pod._value("%s[%d]" % (self._path, i))

    def to_python(self) -> List[Any]:
        return [v.to_python() if isinstance(v, _Node) else v for v in self]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (ListView, list, tuple)):
            o = other.to_python() if isinstance(other, ListView) else list(other)
            return self.to_python() == o
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<podlife.ListView %s: %d items>" % (self._path, len(self))


def _release(ptr: int, _allocator: Optional[CountingAllocator]) -> None:
    # The allocator is an argument so that the finaliser keeps it alive
    # until the pod is released.
    lib.podlife_pod_release(ptr)


class Pod(ObjectView):
    """A parsed, defaulted and validated Pod (immutable).

    Owns one reference to the C ``podlife_pod``; :meth:`close` (or the end
    of a ``with`` block, or garbage collection) releases it.  Reading a
    closed pod raises :class:`ValueError`.  The pod is the root object:
    ``pod.api_version``, ``pod.kind``, ``pod.metadata``, ``pod.spec``.
    """

    __slots__ = ("_ptr", "_finalizer", "_allocator", "_json_cache")

    def __init__(self, ptr: int, allocator: Optional[CountingAllocator] = None) -> None:
        """Wraps a ``podlife_pod *`` whose reference is taken over (use
        :meth:`from_borrowed` for a borrowed one)."""
        # The root's pod is itself (a property, not a stored reference, so
        # that no reference cycle delays the release).
        self._path = ""
        if not ptr:
            raise ValueError("NULL pod")
        self._ptr: Optional[int] = ptr
        self._allocator = allocator
        self._json_cache: Optional[Dict[str, Any]] = None
        self._finalizer = weakref.finalize(self, _release, ptr, allocator)

    @classmethod
    def from_borrowed(cls, ptr: int, allocator: Optional[CountingAllocator] = None) -> "Pod":
        """A Pod for a borrowed ``podlife_pod *``: takes a new reference."""
        return cls(lib.podlife_pod_retain(ptr), allocator)

    @property  # type: ignore[override]
    def _pod(self) -> "Pod":
        return self

    def _handle(self) -> int:
        if self._ptr is None:
            raise ValueError("the pod is closed")
        return self._ptr

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._ptr is None

    def close(self) -> None:
        """Releases the C reference (idempotent)."""
        if self._ptr is not None:
            self._ptr = None
            self._finalizer()

    def __enter__(self) -> "Pod":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- shortcuts

    @property
    def name(self) -> str:
        """metadata.name ("" when unset, e.g. a template with generateName)."""
        return _lib.text(lib.podlife_pod_name(self._handle()))

    @property
    def namespace(self) -> str:
        """metadata.namespace as defaulted ("default")."""
        return _lib.text(lib.podlife_pod_namespace(self._handle()))

    @property
    def source_kind(self) -> str:
        """"Pod", or the workload kind ("Deployment", ...) the template came from."""
        return _lib.text(lib.podlife_pod_source_kind(self._handle()))

    @property
    def document(self) -> int:
        """Index of the document the pod came from in its stream (0-based)."""
        return lib.podlife_pod_document(self._handle())

    # -- reading by path

    def get_type(self, path: str) -> ValueType:
        """Type of the value at a Kubernetes field path; raises
        :class:`~podlife.NotFoundError` when the path names no field."""
        t = c_int(0)
        errors.check(lib.podlife_pod_get_type(self._handle(), _lib.encode(path), byref(t)), path)
        return ValueType(t.value)

    def get(self, path: str, default: Any = None) -> Any:  # type: ignore[override]
        """The value at a field path ("spec.containers[0].image"); objects,
        maps and lists come back as views.  ``default`` when the path names
        no field.  (As a mapping, ``pod.get("spec")`` reads the same.)"""
        try:
            return self._value(path)
        except errors.NotFoundError:
            return default

    def __getitem__(self, key: str) -> Any:
        try:
            return self._value(key)
        except errors.NotFoundError:
            raise KeyError(key) from None

    def _value(self, path: str) -> Any:
        h = self._handle()
        p = _lib.encode(path)
        t = c_int(0)
        errors.check(lib.podlife_pod_get_type(h, p, byref(t)), path)
        kind = t.value
        if kind == ValueType.NULL:
            return None
        if kind == ValueType.STRING:
            s = c_char_p()
            errors.check(lib.podlife_pod_get_string(h, p, byref(s)), path)
            return _lib.text(s.value)
        if kind == ValueType.INT:
            i = c_int64()
            errors.check(lib.podlife_pod_get_int(h, p, byref(i)), path)
            return i.value
        if kind == ValueType.BOOL:
            b = c_int()
            errors.check(lib.podlife_pod_get_bool(h, p, byref(b)), path)
            return bool(b.value)
        if kind == ValueType.LIST:
            return ListView(self, path)
        if kind == ValueType.MAP:
            return MapView(self, path)
        if kind == ValueType.OBJECT:
            return ObjectView(self, path)
        if kind == ValueType.FLOAT:
            # The path API has no float getter; read the number from the
            # pod's JSON export instead.
            return self._from_json(path)
        raise errors.PodlifeError("unknown value type %d at %s" % (kind, path))

    def _from_json(self, path: str) -> Any:
        if self._json_cache is None:
            self._json_cache = self.to_dict()
        cur: Any = self._json_cache
        for name, key in re.findall(r"([^.\[\]]+)|\[([^\]]*)\]", path):
            if name:
                cur = cur[name]
            elif isinstance(cur, list):
                cur = cur[int(key)]
            else:
                cur = cur[key]
        return cur

    def is_defaulted(self, path: Optional[str] = None) -> bool:  # type: ignore[override]
        """True when the value at ``path`` was filled in by defaulting
        ("spec.restartPolicy" on a manifest that does not set it)."""
        path = path or ""
        out = c_int(0)
        errors.check(lib.podlife_pod_is_defaulted(self._handle(), _lib.encode(path), byref(out)),
                     path)
        return bool(out.value)

    def position(self, path: Optional[str] = None) -> Optional[Tuple[int, int]]:  # type: ignore[override]
        """1-based (line, column) of the value at ``path`` in its source,
        as the library reports it (for a defaulted value, the position of
        the object it was added to); None when the position is unknown
        (0, e.g. a pod built from a template's export)."""
        path = path or ""
        line, col = c_uint(0), c_uint(0)
        errors.check(lib.podlife_pod_get_position(self._handle(), _lib.encode(path), byref(line),
                                                  byref(col)), path)
        if line.value == 0:
            return None
        return line.value, col.value

    # -- export

    def to_json(self, pretty: bool = False) -> str:
        """The pod as Kubernetes JSON, defaulted fields included."""
        out = c_void_p()
        errors.check(lib.podlife_pod_to_json(self._handle(), JSON_PRETTY if pretty else 0,
                                             byref(out)), "to_json")
        return _lib.take_string(out.value)

    def to_yaml(self) -> str:
        """The pod as block-style YAML, keys in the JSON's order."""
        out = c_void_p()
        errors.check(lib.podlife_pod_to_yaml(self._handle(), 0, byref(out)), "to_yaml")
        return _lib.take_string(out.value)

    def to_dict(self) -> Dict[str, Any]:
        """The pod as a dict (the parsed JSON export)."""
        return json.loads(self.to_json())

    def to_python(self) -> Dict[str, Any]:
        return self.to_dict()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Pod):
            return self.to_json() == other.to_json()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<podlife.Pod (closed)>"
        return "<podlife.Pod %s/%s from %s>" % (self.namespace, self.name, self.source_kind)


class PodList(List[Pod]):
    """The pods of one stream, in order, with the stream's diagnostics
    (warnings and notes such as "skipping Service ...") in ``diagnostics``.
    Closing the list closes every pod."""

    def __init__(self, pods: List[Pod], diagnostics: List[FieldError]) -> None:
        super().__init__(pods)
        self.diagnostics = diagnostics

    @property
    def warnings(self) -> List[FieldError]:
        """The diagnostics of severity warning."""
        return [d for d in self.diagnostics if d.severity == Severity.WARNING]

    @property
    def notes(self) -> List[FieldError]:
        """The diagnostics of severity note."""
        return [d for d in self.diagnostics if d.severity == Severity.NOTE]

    def close(self) -> None:
        """Closes every pod."""
        for p in self:
            p.close()

    def __enter__(self) -> "PodList":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def to_json(self, pretty: bool = False) -> str:
        """The pods as one ``kind: List`` JSON object."""
        return _export_many(self, lib.podlife_pods_to_json, JSON_PRETTY if pretty else 0)

    def to_yaml(self) -> str:
        """The pods as one ``kind: List`` YAML document."""
        return _export_many(self, lib.podlife_pods_to_yaml, 0)


def _export_many(pods: List[Pod], func: Any, flags: int) -> str:
    arr = (c_void_p * max(len(pods), 1))(*[p._handle() for p in pods])
    out = c_void_p()
    errors.check(func(arr, len(pods), flags, byref(out)), "export")
    return _lib.take_string(out.value)


def pods_to_json(pods: List[Pod], pretty: bool = False) -> str:
    """Several pods as one ``kind: List`` JSON object."""
    return _export_many(list(pods), lib.podlife_pods_to_json, JSON_PRETTY if pretty else 0)


def pods_to_yaml(pods: List[Pod]) -> str:
    """Several pods as one ``kind: List`` YAML document."""
    return _export_many(list(pods), lib.podlife_pods_to_yaml, 0)


# ---- parsing --------------------------------------------------------------------------


def _options(fmt: Optional[str], strict: bool, defaults: bool, validate: bool,
             templates: bool, source_name: Optional[str], max_bytes: int, max_depth: int,
             max_nodes: int, allocator: Optional[CountingAllocator]) -> Tuple[Any, Any]:
    flags = 0
    if fmt == "json":
        flags |= ParseFlags.JSON
    elif fmt == "yaml":
        flags |= ParseFlags.YAML
    elif fmt is not None:
        raise ValueError("format must be 'yaml', 'json' or None, not %r" % (fmt,))
    if strict:
        flags |= ParseFlags.STRICT
    if not defaults:
        flags |= ParseFlags.NO_DEFAULTS
    if not validate:
        flags |= ParseFlags.NO_VALIDATE
    if not templates:
        flags |= ParseFlags.NO_TEMPLATES
    name = _lib.encode(source_name, "source_name") if source_name is not None else None
    opts = _lib.podlife_parse_options(
        _lib.PODLIFE_PARSE_OPTIONS_VERSION, int(flags), max_bytes, max_depth, max_nodes,
        as_pointer(allocator), name)
    return opts, name  # keep `name` referenced for the call


def _finish(rc: int, out: c_void_p, diag: c_void_p, context: str,
            allocator: Optional[CountingAllocator]) -> PodList:
    try:
        errs = diag.value and lib.podlife_diag_error_count(diag.value) or 0
    finally:
        diags = errors.take_diag(diag.value)
    if rc != 0:
        if out.value:  # the header promises *out untouched; be safe anyway
            lib.podlife_pod_list_free(out.value)
        raise errors.make_error(rc, context, diags)
    if errs:  # success never carries errors; refuse to hand out a partial result
        raise errors.make_error(Code.EINVALID, context, diags)
    pods: List[Pod] = []
    try:
        n = lib.podlife_pod_list_count(out.value)
        for i in range(n):
            pods.append(Pod.from_borrowed(lib.podlife_pod_list_get(out.value, i), allocator))
    finally:
        lib.podlife_pod_list_free(out.value)
    errors.emit_warnings(diags)
    return PodList(pods, diags)


def loads(data: Union[str, bytes], *, format: Optional[str] = None, strict: bool = False,
          defaults: bool = True, validate: bool = True, templates: bool = True,
          source_name: Optional[str] = None, max_bytes: int = 0, max_depth: int = 0,
          max_nodes: int = 0, allocator: Optional[CountingAllocator] = None) -> PodList:
    """Parses every Pod in ``data`` (a YAML stream or JSON text).

    Several documents and ``kind: List`` are read whole; workload kinds
    (Deployment, Job, ...) yield their pod template unless ``templates``
    is False; other kinds are skipped with a note.  ``format`` forces
    "yaml" or "json" (default: detected).  ``strict`` makes unknown
    fields and duplicate keys errors.  ``defaults=False`` skips
    API-server defaulting and ``validate=False`` validation.  The limits
    are 0 for the library's defaults (10 MiB, 64 levels, 1,000,000 nodes).

    Raises :class:`~podlife.ParseError` (syntax, types),
    :class:`~podlife.ValidationError` (with every field error in
    ``.errors``) or :class:`~podlife.TooBigError`; nothing is returned
    when any document fails.  Warnings are issued as
    :class:`~podlife.PodlifeWarning`.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    opts, _keep = _options(format, strict, defaults, validate, templates, source_name,
                           max_bytes, max_depth, max_nodes, allocator)
    out, diag = c_void_p(), c_void_p()
    rc = lib.podlife_pod_parse(raw, len(raw), byref(opts), byref(out), byref(diag))
    return _finish(rc, out, diag, source_name or "", allocator)


def loads_yaml(data: Union[str, bytes], **kwargs: Any) -> PodList:
    """:func:`loads` with the input read as YAML."""
    return loads(data, format="yaml", **kwargs)


def loads_json(data: Union[str, bytes], **kwargs: Any) -> PodList:
    """:func:`loads` with the input read as JSON."""
    return loads(data, format="json", **kwargs)


def load_file(path: PathLike, **kwargs: Any) -> PodList:
    """:func:`loads` on the contents of a file (read by the library;
    :class:`~podlife.PodlifeIOError` when it cannot be read)."""
    fmt = kwargs.pop("format", None)
    source_name = kwargs.pop("source_name", None)
    allocator = kwargs.get("allocator")
    opts, _keep = _options(fmt, kwargs.pop("strict", False), kwargs.pop("defaults", True),
                           kwargs.pop("validate", True), kwargs.pop("templates", True),
                           source_name, kwargs.pop("max_bytes", 0),
                           kwargs.pop("max_depth", 0), kwargs.pop("max_nodes", 0),
                           kwargs.pop("allocator", None))
    if kwargs:
        raise TypeError("unexpected arguments: %s" % ", ".join(kwargs))
    fspath = os.fspath(path)
    out, diag = c_void_p(), c_void_p()
    rc = lib.podlife_pod_parse_file(_lib.encode(fspath, "path"), byref(opts), byref(out),
                                    byref(diag))
    name = fspath.decode("utf-8", "replace") if isinstance(fspath, bytes) else fspath
    return _finish(rc, out, diag, name, allocator)


def load(path_or_text: Union[PathLike, str, bytes], **kwargs: Any) -> PodList:
    """Parses a manifest file, or manifest text.

    An ``os.PathLike``, or a ``str`` of one line that names an existing
    file, is read as a file (:func:`load_file`); anything else (text with
    a newline, ``bytes``) is parsed as text (:func:`loads`).  Keyword
    arguments as for :func:`loads`.
    """
    if isinstance(path_or_text, os.PathLike):
        return load_file(path_or_text, **kwargs)
    if isinstance(path_or_text, str) and "\n" not in path_or_text and \
            os.path.isfile(path_or_text):
        return load_file(path_or_text, **kwargs)
    if isinstance(path_or_text, str) and "\n" not in path_or_text and \
            path_or_text.endswith((".yaml", ".yml", ".json")) and \
            not path_or_text.lstrip().startswith(("{", "[")):
        # Looks like a file name that does not exist: say so.
        return load_file(path_or_text, **kwargs)
    return loads(path_or_text, **kwargs)  # type: ignore[arg-type]


def parse_quantity_milli(text: str) -> int:
    """A Kubernetes quantity ("100m", "1.5Gi") in thousandths of a unit,
    rounded up as the API server does.  :class:`~podlife.InvalidArgumentError`
    (with the API server's message) on bad syntax,
    :class:`~podlife.TooBigError` on overflow."""
    milli = c_int64(0)
    err = c_void_p()
    rc = lib.podlife_quantity_parse_milli(_lib.encode(text, "quantity"), byref(milli), byref(err))
    fe = errors.take_error(err.value)
    if rc != 0:
        msg = fe.message if fe else errors.strerror(rc)
        raise errors.exception_for(rc)(msg, rc, [fe] if fe else [])
    return milli.value


__all__ = [
    "ValueType", "ParseFlags", "Pod", "PodList", "ObjectView", "MapView", "ListView",
    "loads", "loads_yaml", "loads_json", "load", "load_file", "parse_quantity_milli",
    "pods_to_json", "pods_to_yaml", "snake_name", "camel_candidates",
]
