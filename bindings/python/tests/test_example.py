"""examples/python/dry_run.py runs and prints the timeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import podlife
from conftest import CHECKOUT, PKG_ROOT

EXAMPLE = CHECKOUT / "examples" / "python" / "dry_run.py"


def run(*args):
    env = dict(os.environ, PODLIFE_LIBRARY=podlife.library_path, PYTHONPATH=str(PKG_ROOT))
    return subprocess.run([sys.executable, str(EXAMPLE), *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_dry_run_table():
    r = run(str(CHECKOUT / "tests" / "manifests" / "seed" / "initpod02.yaml"),
            "--behave", "initc=exit:1@2s", "--for", "1m")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines.count(next(l for l in lines if l.startswith("TIME"))) == 1
    rows = [l for l in lines if "  pod  " in l]
    assert rows[0].split()[0] == "0s" and "Init:0/1" in rows[0]
    assert any("Init:CrashLoopBackOff" in l and l.startswith("4s") for l in rows)
    assert len(rows) == len(set(rows))  # a row only when a column changed
    assert "at the end:" in r.stdout and "CrashLoopBackOff" in r.stdout.split("at the end:")[1]


def test_dry_run_json_and_delete():
    r = run(str(CHECKOUT / "tests" / "manifests" / "seed" / "myapp-pod.yaml"), "-o", "json",
            "--for", "20s", "--delete-at", "10s", "--image-missing", "busybox:1.28",
            "--pull-fail", "busybox:1.28=1")
    assert r.returncode == 0, r.stderr
    out = [json.loads(l) for l in r.stdout.splitlines()]
    assert any(o.get("event", {}).get("reason") == "Killing" for o in out)
    assert any(o.get("status") == "Terminating" for o in out)
    assert out[-1]["t"] == 20.0 and "phase" in out[-1]["final"]
    assert any(o.get("event", {}).get("reason") == "Pulling" for o in out)


def test_dry_run_errors():
    r = run(str(CHECKOUT / "tests" / "manifests" / "seed" / "initpod02.yaml"), "--behave", "x")
    assert r.returncode == 2 and "dry_run:" in r.stderr
    r = run("/nonexistent.yaml")
    assert r.returncode == 1 and "dry_run:" in r.stderr


def test_dry_run_pull_time_start_fail_describe():
    r = run(str(CHECKOUT / "tests" / "manifests" / "seed" / "initpod02.yaml"),
            "--image-missing", "nginx", "--pull-time", "20s", "--start-fail", "initc=1",
            "--describe", "--for", "2m")
    assert r.returncode == 0, r.stderr
    assert "executable file not found" in r.stdout
    assert "Events:" in r.stdout
    tail = r.stdout.split("Events:")[1]
    assert "Reason" in tail and "Pulled" in tail


PROBED = """\
apiVersion: v1
kind: Pod
metadata:
  name: probed
spec:
  containers:
  - name: app
    image: app:1
    readinessProbe:
      httpGet: {path: /ready, port: 8080}
      periodSeconds: 10
    livenessProbe:
      tcpSocket: {port: 8080}
      periodSeconds: 10
      failureThreshold: 1
"""


def test_dry_run_probes(tmp_path):
    manifest = tmp_path / "probed.yaml"
    manifest.write_text(PROBED)
    r = run(str(manifest), "--probe", "app.readiness=fail,fail,ok",
            "--probe", "app.liveness=ok,ok,ok,fail,ok", "-o", "json", "--for", "45s")
    assert r.returncode == 0, r.stderr
    out = [json.loads(l) for l in r.stdout.splitlines()]
    rows = [o for o in out if "ready" in o]
    assert rows[0]["ready"] == "0/1"
    assert next(o["t"] for o in rows if o["ready"] == "1/1") == 20.0
    events = [o["event"] for o in out if "event" in o]
    assert sum(e["reason"] == "Unhealthy" for e in events) >= 3
    kill = next(e for e in events if e["reason"] == "Killing")
    assert kill["message"] == "Container app failed liveness probe, will be restarted"
    r = run(str(manifest), "--probe", "app.wellness=ok")
    assert r.returncode == 2 and "liveness, readiness or startup" in r.stderr
