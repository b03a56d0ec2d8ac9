"""ValidationError and ParseError carry every field error with its path,
type, detail, position and message: one case per error type the library
produces."""

from __future__ import annotations

import pytest

import podlife
from podlife import ErrorType

HEAD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"


def ctr(extra: str) -> str:
    return HEAD + "  containers:\n  - name: c\n    image: nginx\n" + extra


CASES = [
    # (error type, yaml, path, whole message, line)
    (ErrorType.REQUIRED, HEAD + "  containers:\n  - image: nginx\n",
     "spec.containers[0].name", "spec.containers[0].name: Required value", 7),
    (ErrorType.INVALID, HEAD + "  containers:\n  - {name: a.b, image: nginx}\n",
     "spec.containers[0].name",
     'spec.containers[0].name: Invalid value: "a.b": must not contain dots', 7),
    (ErrorType.DUPLICATE,
     HEAD + "  containers:\n  - {name: a, image: nginx}\n  - {name: a, image: nginx}\n",
     "spec.containers[1].name", 'spec.containers[1].name: Duplicate value: "a"', 8),
    (ErrorType.NOT_SUPPORTED, ctr("    imagePullPolicy: Sometimes\n"),
     "spec.containers[0].imagePullPolicy",
     'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: '
     '"Always", "IfNotPresent", "Never"', 9),
    (ErrorType.NOT_FOUND, ctr("    volumeMounts:\n    - {name: data, mountPath: /d}\n"),
     "spec.containers[0].volumeMounts[0].name",
     'spec.containers[0].volumeMounts[0].name: Not found: "data"', 10),
    (ErrorType.FORBIDDEN,
     HEAD + "  initContainers:\n  - name: i\n    image: busybox\n    readinessProbe:\n"
     "      exec: {command: [true]}\n  containers:\n  - {name: c, image: nginx}\n",
     "spec.initContainers[0].readinessProbe",
     "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers "
     "without restartPolicy=Always", 10),
    (ErrorType.TOO_MANY,
     ctr("    restartPolicy: Never\n    restartPolicyRules:\n    - action: Restart\n"
         "      exitCodes: {operator: In, values: [%s]}\n" % ",".join(map(str, range(1, 260)))),
     "spec.containers[0].restartPolicyRules[0].exitCodes.values",
     "spec.containers[0].restartPolicyRules[0].exitCodes.values: Too many: 259: "
     "must have at most 255 items", 12),
    (ErrorType.TOO_LONG,
     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: " + "x" * 262145
     + "\nspec:\n  containers:\n  - {name: c, image: nginx}\n",
     "metadata.annotations", None, None),
]


@pytest.mark.parametrize("kind,yaml,path,message,line", CASES,
                         ids=[c[0].name for c in CASES])
def test_validation_error_types(kind, yaml, path, message, line):
    with pytest.raises(podlife.ValidationError) as ei:
        podlife.loads(yaml)
    err = ei.value
    assert err.code == podlife.Code.EINVALID
    assert isinstance(err, podlife.PodlifeError)
    errs = err.field_errors
    assert errs, "no field errors"
    match = [e for e in errs if e.type == kind]
    assert match, [str(e) for e in errs]
    e = match[0]
    assert e.path == path
    assert e.severity == podlife.Severity.ERROR
    assert e.code == podlife.Code.EINVALID
    assert e.document == 0
    assert e.type_name == kind.text
    if message is not None:
        assert e.message == message
        assert e.message in str(err)
    else:
        assert e.message.startswith(path + ": " + kind.text)
    if line is not None:
        assert e.line == line
        assert e.column > 0


def test_every_error_type_is_covered():
    # INTERNAL is never produced by validation; NONE is a syntax error
    # (test_syntax_error_has_position), TYPE_INVALID and UNKNOWN_FIELD are
    # parse errors (below).
    covered = {c[0] for c in CASES} | {ErrorType.NONE, ErrorType.TYPE_INVALID,
                                        ErrorType.UNKNOWN_FIELD, ErrorType.INTERNAL}
    assert covered == set(ErrorType)


def test_detail_is_separate():
    with pytest.raises(podlife.ValidationError) as ei:
        podlife.loads(HEAD + "  containers:\n  - {name: a.b, image: nginx}\n")
    e = ei.value.errors[0]
    assert e.detail == "must not contain dots"
    assert str(e) == "7:5: " + e.message or str(e).endswith(e.message)


def test_every_error_is_reported():
    y = HEAD + "  restartPolicy: Sometimes\n  containers:\n  - {name: A, image: ''}\n" \
        "  - {name: A, image: nginx}\n"
    with pytest.raises(podlife.ValidationError) as ei:
        podlife.loads(y)
    types = {e.type for e in ei.value.errors}
    assert {ErrorType.NOT_SUPPORTED, ErrorType.INVALID, ErrorType.REQUIRED,
            ErrorType.DUPLICATE} <= types
    assert len(ei.value.errors) >= 4


def test_type_invalid_is_a_parse_error():
    with pytest.raises(podlife.ParseError) as ei:
        podlife.loads(HEAD + "  containers: hello\n")
    e = ei.value.errors[0]
    assert e.type == ErrorType.TYPE_INVALID
    assert e.path == "spec.containers"
    assert e.line == 6


def test_unknown_field_strict():
    with pytest.raises(podlife.ParseError) as ei:
        podlife.loads(ctr("    bogus: 1\n"), strict=True)
    e = ei.value.errors[0]
    assert e.type == ErrorType.UNKNOWN_FIELD
    assert e.path == "spec.containers[0].bogus"
    assert (e.line, e.column) == (9, 5)


def test_syntax_error_has_position():
    with pytest.raises(podlife.ParseError) as ei:
        podlife.loads("apiVersion: v1\nkind: Pod\nmetadata: [\n")
    e = ei.value.errors[0]
    assert e.type == ErrorType.NONE
    assert e.path == ""
    assert e.line >= 3
    assert e.type_name == ""


def test_second_document_is_named():
    good = ctr("")
    with pytest.raises(podlife.ValidationError) as ei:
        podlife.loads(good + "---\n" + HEAD + "  containers:\n  - image: nginx\n")
    assert ei.value.errors[0].document == 1


def test_json_errors():
    with pytest.raises(podlife.ParseError) as ei:
        podlife.loads_json('{"apiVersion": "v1", "kind": "Pod",}')
    assert ei.value.errors[0].line == 1
