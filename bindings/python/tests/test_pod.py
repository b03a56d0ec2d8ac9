"""Pods: attribute access over the path API, provenance, positions,
export, the stream wrappers, closing."""

from __future__ import annotations

import json
import warnings

import pytest

import podlife
from podlife.pod import ObjectView, camel_candidates, snake_name

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    tier: front
spec:
  hostIPC: false
  initContainers:
  - name: init
    image: busybox:1.36
    command: ["sh", "-c", "true"]
  containers:
  - name: app
    image: nginx
    ports:
    - containerPort: 80
      name: http
    livenessProbe:
      httpGet: {port: http, path: /}
    resources:
      limits: {cpu: 500m, memory: 1Gi}
  volumes:
  - name: info
    downwardAPI:
      items:
      - path: labels
        fieldRef: {fieldPath: metadata.labels}
  affinity:
    nodeAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 1
        preference:
          matchExpressions: [{key: zone, operator: In, values: ["a"]}]
  tolerations:
  - {key: k, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
"""


@pytest.fixture
def pod():
    with podlife.loads(POD)[0] as p:
        yield p


def test_names(pod):
    assert pod.name == "web"
    assert pod.namespace == "default"
    assert pod.source_kind == "Pod"
    assert pod.document == 0
    assert pod.kind == "Pod"
    assert pod.api_version == "v1"
    assert pod.metadata.name == "web"


def test_attributes(pod):
    spec = pod.spec
    assert isinstance(spec, podlife.ObjectView)
    assert spec.init_containers[0].image == "busybox:1.36"
    assert spec.init_containers[0].command == ["sh", "-c", "true"]
    assert list(spec.init_containers[0].command) == ["sh", "-c", "true"]
    assert spec.containers[-1].name == "app"
    assert spec.containers[0].ports[0].container_port == 80
    assert spec.containers[0].ports[0].protocol == "TCP"  # defaulted
    # int-or-string reads as what was written
    assert spec.containers[0].liveness_probe.http_get.port == "http"
    assert spec.containers[0].resources.limits["cpu"] == "500m"
    assert spec.containers[0].resources.limits.memory == "1Gi"
    # acronyms
    assert spec.host_ipc is False
    assert spec.host_pid is None  # unset field of the schema
    assert spec.volumes[0].downward_api.items[0].field_ref.field_path == "metadata.labels"
    # verbatim fields
    na = spec.affinity.node_affinity
    assert na.preferred_during_scheduling_ignored_during_execution[0].weight == 1
    assert spec.tolerations[0].toleration_seconds == 30
    assert spec.tolerations[0]["operator"] == "Exists"
    # maps
    assert pod.metadata.labels["app.kubernetes.io/name"] == "web"
    assert dict(pod.metadata.labels) == {"app.kubernetes.io/name": "web", "tier": "front"}
    assert "tier" in pod.metadata.labels
    assert len(pod.metadata.labels) == 2
    # unknown names
    with pytest.raises(AttributeError):
        spec.no_such_field
    with pytest.raises(AttributeError):
        na.pod_affinity  # absent from a verbatim map
    with pytest.raises(KeyError):
        pod.metadata.labels["nope"]
    with pytest.raises(IndexError):
        spec.containers[1]
    assert spec.containers[0:1][0].name == "app"


def test_item_access_and_paths(pod):
    assert pod.spec["initContainers"][0]["image"] == "busybox:1.36"
    assert pod["spec.containers[0].image"] == "nginx"
    assert pod.get("spec.containers[0].image") == "nginx"
    assert pod.get("spec.nope", "x") == "x"
    assert pod.get_type("spec") == podlife.ValueType.OBJECT
    assert pod.get_type("spec.containers") == podlife.ValueType.LIST
    assert pod.get_type("metadata.labels") == podlife.ValueType.MAP
    assert pod.get_type("spec.hostPID") == podlife.ValueType.NULL
    assert pod.get_type("spec.containers[0].ports[0].containerPort") == podlife.ValueType.INT
    with pytest.raises(podlife.NotFoundError):
        pod.get_type("spec.nope")
    c = pod.spec.containers[0]
    assert c.path_in_pod == "spec.containers[0]"
    assert c.pod is pod
    assert {"initContainers", "containers", "volumes"} <= set(pod.spec.keys())
    assert dict(pod.metadata.labels)["tier"] == "front"
    assert dict(pod.spec.containers[0].resources.limits.entries()) == {"cpu": "500m",
                                                                        "memory": "1Gi"}
    assert pod.spec.get("hostPID", 7) == 7
    assert "containers" in pod.spec
    assert "hostPID" not in pod.spec
    assert "init_containers" in dir(pod.spec)


def test_provenance_and_positions(pod):
    assert pod.is_defaulted("spec.restartPolicy")
    assert pod.spec.is_defaulted("restartPolicy")
    assert not pod.is_defaulted("spec.containers[0].image")
    assert pod.spec.containers[0].ports[0].is_defaulted("protocol")
    assert pod.position("spec.containers[0].image") == (16, 12)
    assert pod.spec.containers[0].position("image") == (16, 12)
    # fields named like mapping methods stay fields
    assert pod.spec.volumes[0].downward_api.items[0].path == "labels"
    assert pod.spec.affinity.node_affinity.preferred_during_scheduling_ignored_during_execution[
        0].preference.match_expressions[0].values == ["a"]
    assert pod.spec.containers[0].liveness_probe.http_get.path == "/"
    assert pod.spec.containers[0].ports.position("[0]")[0] == 18


def test_export(pod):
    d = pod.to_dict()
    assert d["spec"]["initContainers"][0]["image"] == "busybox:1.36"
    assert d["spec"]["restartPolicy"] == "Always"
    assert json.loads(pod.to_json(pretty=True)) == d
    assert "\n  " in pod.to_json(pretty=True)
    y = pod.to_yaml()
    assert y.startswith("kind: Pod\n") or "kind: Pod" in y
    # YAML and JSON exports parse back to the same pod
    with podlife.loads_yaml(y)[0] as again:
        assert again.to_json() == pod.to_json()
        assert again == pod
    with podlife.loads_json(pod.to_json())[0] as again:
        assert again.to_dict() == d
    # walking every field through the path API gives the export
    assert ObjectView.to_python(pod) == d
    assert pod.spec.containers[0].to_python() == d["spec"]["containers"][0]
    assert pod.spec.containers[0] == d["spec"]["containers"][0]


def test_float_in_verbatim_field():
    y = POD.replace('values: ["a"]', "values: [1.5]").replace("In,", "Gt,")
    # a float can only sit in a verbatim field; read it through the export
    try:
        pods = podlife.loads(y, validate=False)
    except podlife.PodlifeError:
        pytest.skip("float rejected")
    with pods[0] as p:
        path = ("spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
                ".preference.matchExpressions[0].values[0]")
        assert p.get_type(path) == podlife.ValueType.FLOAT
        assert p[path] == 1.5


def test_stream_list_and_notes(manifests):
    text = (manifests / "seed" / "myservice-and-mydb.yaml").read_text()
    pods = podlife.load(manifests / "seed" / "myapp-pod.yaml")
    assert len(pods) == 1
    with podlife.loads(text + "\n---\n" + POD) as pods:
        assert [p.name for p in pods] == ["web"]
        assert pods[0].document >= 1
        assert any("Service" in n.message for n in pods.notes)
        lst = json.loads(pods.to_json())
        assert lst["kind"] == "List" and len(lst["items"]) == 1
        assert "kind: List" in pods.to_yaml()
        assert json.loads(podlife.pods_to_json(list(pods), pretty=True)) == lst
        assert podlife.pods_to_yaml(list(pods)) == pods.to_yaml()
    assert pods[0].closed


def test_templates(manifests):
    pods = podlife.load(manifests / "seed" / "nginx-deploy.yaml")
    assert pods[0].source_kind == "Deployment"
    assert podlife.load(manifests / "seed" / "nginx-deploy.yaml", templates=False) == []


def test_load_forms(tmp_path, manifests):
    f = manifests / "seed" / "myapp-pod.yaml"
    by_path = podlife.load(f)[0]
    by_str = podlife.load(str(f))[0]
    by_text = podlife.load(f.read_text())[0]
    by_bytes = podlife.load(f.read_bytes())[0]
    assert by_path == by_str == by_text == by_bytes
    with pytest.raises(podlife.PodlifeIOError):
        podlife.load(tmp_path / "missing.yaml")
    with pytest.raises(podlife.PodlifeIOError):
        podlife.load(str(tmp_path / "missing.yaml"))
    with pytest.raises(ValueError):
        podlife.loads(POD, format="toml")


def test_options():
    with pytest.raises(podlife.TooBigError):
        podlife.loads(POD, max_bytes=100)
    with pytest.raises(podlife.TooBigError):
        podlife.loads(POD, max_depth=3)
    # without defaults, validation fails (no restartPolicy, dnsPolicy, ...)
    with pytest.raises(podlife.ValidationError):
        podlife.loads(POD, defaults=False)
    p = podlife.loads(POD, defaults=False, validate=False)[0]
    assert p.spec.restart_policy is None
    assert podlife.loads("apiVersion: v1\nkind: Pod\nmetadata: {name: A}\n"
                         "spec: {containers: [{name: c}]}\n", validate=False)[0].name == "A"
    # source names appear in messages
    with pytest.raises(podlife.ParseError) as ei:
        podlife.loads("a: [", source_name="mine.yaml")
    assert "mine.yaml" in str(ei.value)


def test_warnings_are_python_warnings():
    y = POD.replace("  hostIPC: false\n", "  hostIPC: false\n  bogusField: 1\n")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        pods = podlife.loads(y)
    ws = [w for w in rec if issubclass(w.category, podlife.PodlifeWarning)]
    assert ws, "no PodlifeWarning for an unknown field"
    d = ws[0].message.diagnostic
    assert d.type == podlife.ErrorType.UNKNOWN_FIELD
    assert d.severity == podlife.Severity.WARNING
    assert d.path == "spec.bogusField"
    assert d.line == 10
    assert pods.warnings[0] == d
    # the warning is raised from the caller's line, whichever entry point
    assert ws[0].filename == __file__
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        podlife.load(y)
        podlife.loads_yaml(y)
    assert [w.filename for w in rec] == [__file__, __file__]
    with pytest.raises(podlife.ParseError) as ei:
        podlife.loads(y, strict=True)
    assert ei.value.errors[0].type == podlife.ErrorType.UNKNOWN_FIELD


def test_closed_pod():
    p = podlife.loads(POD)[0]
    spec = p.spec
    p.close()
    p.close()
    assert p.closed
    assert "closed" in repr(p)
    with pytest.raises(ValueError):
        p.name
    with pytest.raises(ValueError):
        spec.containers


def test_views_keep_pod_alive():
    spec = podlife.loads(POD)[0].spec
    import gc
    gc.collect()
    assert spec.containers[0].image == "nginx"


def test_repr(pod):
    assert repr(pod) == "<podlife.Pod default/web from Pod>"
    assert "spec.containers" in repr(pod.spec.containers)
    assert "tier" in repr(pod.metadata.labels)
    assert "initContainers" in repr(pod.spec)


def test_name_mapping():
    for camel, snake in [
        ("initContainers", "init_containers"), ("hostIPC", "host_ipc"), ("podIPs", "pod_ips"),
        ("downwardAPI", "downward_api"), ("setHostnameAsFQDN", "set_hostname_as_fqdn"),
        ("apiVersion", "api_version"), ("targetWWNs", "target_wwns"),
        ("storagePolicyID", "storage_policy_id"), ("seLinuxOptions", "se_linux_options"),
        ("terminationGracePeriodSeconds", "termination_grace_period_seconds"),
        ("diskURI", "disk_uri"), ("name", "name"),
    ]:
        assert snake_name(camel) == snake
        assert camel in list(camel_candidates(snake)), camel


def test_quantities():
    assert podlife.parse_quantity_milli("100m") == 100
    assert podlife.parse_quantity_milli("1") == 1000
    assert podlife.parse_quantity_milli("1.5Gi") == 1610612736000
    assert podlife.parse_quantity_milli("0.0001") == 1  # rounded up
    with pytest.raises(podlife.InvalidArgumentError) as ei:
        podlife.parse_quantity_milli("abc")
    assert "quantities must match the regular expression" in str(ei.value)
    with pytest.raises(podlife.TooBigError):
        podlife.parse_quantity_milli("99999999999999999999E")
