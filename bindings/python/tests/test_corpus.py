"""The manifest corpus under tests/manifests: every Pod and pod template
parses, defaults and validates with no error and no unknown-field warning;
the three files of k8s-examples that are not valid YAML (SOURCES.md) are
rejected with a ParseError carrying a position; every field of every pod
is reachable through attribute access (the generic walk over the path API
equals the JSON export); every pod survives a JSON round trip."""

from __future__ import annotations

import pathlib
import warnings

import pytest

import podlife
from podlife.pod import ObjectView
from conftest import CHECKOUT

MANIFESTS = CHECKOUT / "tests" / "manifests"
KNOWN_BAD = {
    "k8s-examples/pods/inject/pod-multiple-secret-env-variable.yaml",
    "k8s-examples/controllers/job-pod-failure-policy-ignore.yaml",
    "k8s-examples/pods/inject/envars-file-container.yaml",
}
FILES = sorted(str(p.relative_to(MANIFESTS)) for p in MANIFESTS.rglob("*")
               if p.suffix in (".yaml", ".yml"))


def test_corpus_is_there():
    assert len(FILES) >= 230
    assert KNOWN_BAD <= set(FILES)
    # SOURCES.md names the same three files
    sources = (MANIFESTS / "k8s-examples" / "SOURCES.md").read_text()
    for bad in KNOWN_BAD:
        assert bad.split("k8s-examples/")[1] in sources


@pytest.mark.parametrize("rel", FILES)
def test_manifest(rel):
    path = MANIFESTS / rel
    if rel in KNOWN_BAD:
        with pytest.raises(podlife.ParseError) as ei:
            podlife.load(path)
        err = ei.value
        assert err.code == podlife.Code.EPARSE
        assert err.field_errors and err.field_errors[0].line > 0
        return
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        pods = podlife.load(path)
    for w in rec:
        if issubclass(w.category, podlife.PodlifeWarning):
            d = w.message.diagnostic
            assert d.type != podlife.ErrorType.UNKNOWN_FIELD, str(d)
            assert "duplicate field" not in d.message, str(d)
    with pods:
        for pod in pods:
            d = pod.to_dict()
            assert d["kind"] == "Pod"
            assert ObjectView.to_python(pod) == d
            assert pod.spec.containers[0].image == d["spec"]["containers"][0]["image"]
            if pod.source_kind == "Pod":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # e.g. ephemeralContainers on create
                    again = podlife.loads_json(pod.to_json())[0]
                with again:
                    assert again.to_json() == pod.to_json()


def test_corpus_counts():
    n_pods = 0
    for rel in FILES:
        if rel in KNOWN_BAD:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with podlife.load(MANIFESTS / rel) as pods:
                n_pods += len(pods)
    assert n_pods >= 160
