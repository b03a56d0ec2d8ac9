"""The ctypes structures match the C headers: a small C program compiled
against include/ prints sizeof and offsetof of every struct the bindings
declare, and the ctypes layout must agree (skipped without a C compiler)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from podlife import _lib, engine
from conftest import CHECKOUT

STRUCTS = {
    "podlife_allocator": _lib.podlife_allocator,
    "podlife_parse_options": _lib.podlife_parse_options,
    "podlife_event": engine.podlife_event,
    "podlife_clock": engine.podlife_clock,
    "podlife_result": engine.podlife_result,
    "podlife_sandbox_config": engine.podlife_sandbox_config,
    "podlife_container_config": engine.podlife_container_config,
    "podlife_auth": engine.podlife_auth,
    "podlife_http_request": engine.podlife_http_request,
    "podlife_container_entry": engine.podlife_container_entry,
    "podlife_backend": engine.podlife_backend,
    "podlife_engine_config": engine.podlife_engine_config,
    "podlife_pod_info": engine.podlife_pod_info,
    "podlife_container_info": engine.podlife_container_info,
    "podlife_exit": engine.podlife_exit,
    "podlife_fake_step": engine.podlife_fake_step,
    "podlife_fake_stats": engine.podlife_fake_stats,
    "podlife_probe_request": engine.podlife_probe_request,
    "podlife_probe_result": engine.podlife_probe_result,
    "podlife_probe_backend": engine.podlife_probe_backend,
}

CONSTANTS = {
    "PODLIFE_ALLOCATOR_VERSION": _lib.PODLIFE_ALLOCATOR_VERSION,
    "PODLIFE_PARSE_OPTIONS_VERSION": _lib.PODLIFE_PARSE_OPTIONS_VERSION,
    "PODLIFE_BACKEND_VERSION": engine.PODLIFE_BACKEND_VERSION,
    "PODLIFE_CLOCK_VERSION": engine.PODLIFE_CLOCK_VERSION,
    "PODLIFE_ENGINE_CONFIG_VERSION": engine.PODLIFE_ENGINE_CONFIG_VERSION,
    "PODLIFE_POD_INFO_VERSION": engine.PODLIFE_POD_INFO_VERSION,
    "PODLIFE_CONTAINER_INFO_VERSION": engine.PODLIFE_CONTAINER_INFO_VERSION,
    "PODLIFE_EXIT_VERSION": engine.PODLIFE_EXIT_VERSION,
    "PODLIFE_PENDING": engine.PENDING,
    "PODLIFE_ID_MAX": engine.PODLIFE_ID_MAX,
    "PODLIFE_ENGINE_RESTART_RULES": engine.ENGINE_RESTART_RULES,
    "PODLIFE_ENGINE_KEEP_EVENTS": engine.ENGINE_KEEP_EVENTS,
    "PODLIFE_PROBE_REQUEST_VERSION": engine.PODLIFE_PROBE_REQUEST_VERSION,
    "PODLIFE_PROBE_OUTPUT_MAX": engine.PODLIFE_PROBE_OUTPUT_MAX,
    "PODLIFE_PROBE_BACKEND_VERSION": engine.PODLIFE_PROBE_BACKEND_VERSION,
}


import podlife  # noqa: E402

ENUMS = [
    (podlife.Code, "PODLIFE_%s", {"OK": "PODLIFE_OK"}),
    (podlife.Severity, "PODLIFE_SEVERITY_%s", {}),
    (podlife.ErrorType, "PODLIFE_ERRTYPE_%s", {}),
    (podlife.ValueType, "PODLIFE_VALUE_%s", {}),
    (podlife.ParseFlags, "PODLIFE_PARSE_%s", {}),
    (podlife.PullPolicy, "PODLIFE_PULL_%s", {}),
    (podlife.PullAction, "PODLIFE_PULL_ACTION_%s", {}),
    (podlife.ContainerKind, "PODLIFE_CONTAINER_%s", {}),
    (podlife.PodSecurity, "PODLIFE_PSS_%s", {}),
    (podlife.Caps, "PODLIFE_CAP_%s", {"NONE": None}),
    (podlife.FakeAction, "PODLIFE_FAKE_%s", {}),
    (podlife.ProbeKind, "PODLIFE_PROBE_%s", {}),
    (podlife.ProbeHandler, "PODLIFE_PROBE_%s", {}),
    (podlife.ProbeOutcome, "PODLIFE_PROBE_%s", {}),
]
for _enum, _fmt, _special in ENUMS:
    for _m in _enum:
        _c = _special.get(_m.name, _fmt % _m.name)
        if _c:
            CONSTANTS[_c] = int(_m)


def _program() -> str:
    lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <podlife.h>",
             "#include <podlife/engine.h>", "#include <podlife/fake.h>",
             "int main(void) {"]
    for name, cls in STRUCTS.items():
        lines.append('printf("%s %%zu\\n", sizeof(%s));' % (name, name))
        for fname, _ in cls._fields_:
            lines.append('printf("%s.%s %%zu\\n", offsetof(%s, %s));'
                         % (name, fname, name, fname))
    for c in CONSTANTS:
        lines.append('printf("%s %%lld\\n", (long long)(%s));' % (c, c))
    lines += ["return 0;", "}"]
    return "\n".join(lines)


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_struct_layouts_match_the_headers(tmp_path):
    src = tmp_path / "layout.c"
    src.write_text(_program())
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-std=c11", "-I", str(CHECKOUT / "include"), "-o", str(exe),
                    str(src)], check=True, capture_output=True, text=True)
    out = dict(line.rsplit(" ", 1) for line in
               subprocess.run([str(exe)], check=True, capture_output=True,
                              text=True).stdout.splitlines())
    bad = []
    for name, cls in STRUCTS.items():
        if int(out[name]) != __import__("ctypes").sizeof(cls):
            bad.append("sizeof %s: C %s, ctypes %d" % (name, out[name],
                                                       __import__("ctypes").sizeof(cls)))
        for fname, _ in cls._fields_:
            off = getattr(cls, fname).offset
            if int(out["%s.%s" % (name, fname)]) != off:
                bad.append("%s.%s: C %s, ctypes %d" % (name, fname,
                                                      out["%s.%s" % (name, fname)], off))
    for c, v in CONSTANTS.items():
        if int(out[c]) != int(v):
            bad.append("%s: C %s, Python %d" % (c, out[c], v))
    assert not bad, bad


def test_slots_are_the_backend_fields_in_order():
    names = [f for f, _ in engine.podlife_backend._fields_]
    assert names[:3] == ["version", "caps", "ud"]
    assert names[3:] == engine.SLOTS


def test_probe_slots_are_the_probe_backend_fields_in_order():
    names = [f for f, _ in engine.podlife_probe_backend._fields_]
    assert names == ["version", "ud"] + engine.PROBE_SLOTS + ["open_socket"]


def _c_enums():
    import re
    out = {}
    for h in (CHECKOUT / "include" / "podlife").glob("*.h"):
        text = re.sub(r"/\*.*?\*/", "", h.read_text(), flags=re.S)
        for body, name in re.findall(r"typedef enum \w+ \{(.*?)\} (\w+);", text, flags=re.S):
            out[name] = re.findall(r"\b(PODLIFE_[A-Z0-9_]+)\b\s*(?:=|,|$)", body.strip() + ",")
    return out


def test_every_c_enum_member_is_known():
    enums = _c_enums()
    bound = {"podlife_code", "podlife_severity", "podlife_error_type", "podlife_value_type",
             "podlife_parse_flags", "podlife_pull_policy", "podlife_pull_action",
             "podlife_container_kind", "podlife_pod_security", "podlife_backend_caps",
             "podlife_fake_action", "podlife_engine_flags", "podlife_probe_kind",
             "podlife_probe_handler", "podlife_probe_outcome"}
    assert bound <= set(enums), set(enums)
    missing = [m for e in bound for m in enums[e] if m not in CONSTANTS]
    assert not missing, "C enum members without a Python counterpart: %s" % missing
    # the rest are flag words the bindings pass as keyword arguments
    assert set(enums) - bound <= {"podlife_json_flags"}, set(enums) - bound
