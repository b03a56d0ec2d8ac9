"""A container backend written in Python: its methods become the C vtable
through ctypes callbacks; PENDING operations finish through the notify
calls; exceptions inside a method become backend errors, never a crash;
restore adopts the containers the backend lists."""

from __future__ import annotations

import gc
import itertools

import pytest

import podlife
from podlife import PENDING, Engine

SEC = 1000

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: py
spec:
  initContainers:
  - name: init
    image: busybox:1.36
  containers:
  - name: app
    image: registry.example/app:1
    lifecycle:
      postStart:
        exec: {command: ["sh", "-c", "echo hi"]}
      preStop:
        httpGet: {path: /stop, port: 8080, httpHeaders: [{name: X-A, value: b}]}
"""


class MemoryBackend(podlife.Backend):
    """An in-memory runtime: containers run until the test reports their
    exit through engine.notify_exited."""

    def __init__(self, pending_pulls=False):
        super().__init__()
        self.ids = itertools.count(1)
        self.calls = []
        self.sandboxes = {}
        self.containers = {}  # id -> dict
        self.images = {"busybox:1.36"}
        self.pending_pulls = pending_pulls
        self.pulls = []
        self.stops = []
        self.fail_start = None

    def sandbox_run(self, config, token, result):
        self.calls.append("sandbox_run")
        assert isinstance(config, podlife.SandboxConfig)
        assert config.pod.name == config.pod_name
        sid = "sb-%d" % next(self.ids)
        self.sandboxes[sid] = config
        result.id = sid
        result.pod_ip = "10.0.0.7"
        result.netns_path = "/run/netns/" + sid

    def sandbox_stop(self, sandbox_id):
        self.calls.append("sandbox_stop")

    def sandbox_remove(self, sandbox_id):
        self.calls.append("sandbox_remove")
        self.sandboxes.pop(sandbox_id, None)

    def image_status(self, image, result):
        self.calls.append("image_status")
        result.present = image in self.images
        if result.present:
            result.id = "sha256:" + "a" * 64
            result.size = 1234

    def image_pull(self, image, auths, token, result):
        self.calls.append("image_pull")
        self.pulls.append((image, list(auths), token))
        if self.pending_pulls:
            return PENDING
        self.images.add(image)
        result.id = "sha256:" + "b" * 64

    def container_create(self, config, result):
        self.calls.append("container_create")
        assert isinstance(config.kind, podlife.ContainerKind)
        cid = "ctr-%d" % next(self.ids)
        self.containers[cid] = {"config": config, "running": -1}
        result.id = cid

    def container_start(self, container_id, result):
        self.calls.append("container_start")
        c = self.containers[container_id]
        if self.fail_start == c["config"].name:
            raise RuntimeError("cannot start " + c["config"].name)
        c["running"] = 1

    def container_stop(self, container_id, signal, grace_s):
        self.calls.append("container_stop")
        self.stops.append((container_id, signal, grace_s))

    def container_remove(self, container_id):
        self.calls.append("container_remove")
        if container_id not in self.containers:
            return podlife.Code.ENOTFOUND
        del self.containers[container_id]

    def exec_sync(self, container_id, argv, timeout_s, token, result):
        self.calls.append(("exec_sync", tuple(argv)))
        result.exit_code = 0
        result.message = "hi\n"

    def http_get(self, request, token, result):
        self.calls.append(("http_get", request.path, request.port, tuple(request.headers)))
        assert request.host == "10.0.0.7"
        result.exit_code = 200

    def container_list(self):
        self.calls.append("container_list")
        for cid, c in self.containers.items():
            cfg = c["config"]
            yield podlife.ContainerEntry(cid, cfg.sandbox_id, cfg.pod_namespace, cfg.pod_name,
                                         cfg.name, cfg.attempt, c["running"])

    def container_adopt(self, container_id, token):
        self.calls.append("container_adopt")
        self.containers[container_id]["token"] = token

    # helpers for the test
    def token_of(self, name):
        for c in self.containers.values():
            if c["config"].name == name and c["running"] == 1:
                return c.get("token", c["config"].token)
        raise KeyError(name)

    def exit(self, engine, name, code=0):
        tok = self.token_of(name)
        for c in self.containers.values():
            if c["config"].name == name and c["running"] == 1:
                c["running"] = 0
        return engine.notify_exited(tok, code)


def test_python_backend_lifecycle():
    be = MemoryBackend()
    with Engine(be) as eng:
        eng.add_pod(POD)
        assert be.calls[:2] == ["sandbox_run", "image_status"]
        assert eng.pod_info("py").status == "Init:0/1"
        assert be.exit(eng, "init", 0)
        assert eng.pod_info("py").phase == "Running"
        assert be.pulls and be.pulls[0][0] == "registry.example/app:1"
        assert ("exec_sync", ("sh", "-c", "echo hi")) in be.calls
        st = eng.status("py")
        assert st["podIP"] == "10.0.0.7"
        app = eng.container_info("py", "app")
        assert app.state == "running" and app.container_id.endswith("ctr-4") or app.container_id
        # graceful delete: preStop httpGet, then the stop signal
        eng.delete_pod("py")
        assert ("http_get", "/stop", 8080, (("X-A", "b"),)) in be.calls
        assert be.stops and be.stops[-1][1] == 15
        be.exit(eng, "app", 0)
        eng.run_for("1m")
        assert eng.pod_info("py").finished
        assert not be.errors
        # a stale report is harmless
        assert eng.notify_exited(0xdead) is False


def test_pending_pull_finishes_through_notify():
    be = MemoryBackend(pending_pulls=True)
    with Engine(be) as eng:
        eng.add_pod(POD)
        be.exit(eng, "init", 0)
        assert eng.container_info("py", "app").state == "waiting"
        assert eng.pod_info("py").phase == "Pending"
        image, auths, token = be.pulls[-1]
        eng.notify_pull(token, 0, id="sha256:" + "c" * 64, size=10)
        assert eng.pod_info("py").phase == "Running"


def test_pending_pull_failure():
    be = MemoryBackend(pending_pulls=True)
    with Engine(be) as eng:
        eng.add_pod(POD)
        be.exit(eng, "init", 0)
        _, _, token = be.pulls[-1]
        eng.notify_pull(token, podlife.Code.EBACKEND, message="manifest unknown")
        ci = eng.container_info("py", "app")
        assert ci.reason in ("ErrImagePull", "ImagePullBackOff")
        failed = [e for e in eng.events if e.reason == "Failed" and e.container == "app"]
        assert any("manifest unknown" in e.message for e in failed), failed


def test_pull_gets_credentials():
    be = MemoryBackend()
    with podlife.Keyring() as kr:
        kr.add_config({"auths": {"registry.example": {"username": "u", "password": "pw"}}})
        with Engine(be, node_keyring=kr) as eng:
            eng.add_pod(POD)
            be.exit(eng, "init", 0)
            auths = be.pulls[0][1]
            assert [(a.registry, a.username, a.password) for a in auths] == \
                [("registry.example", "u", "pw")]


def test_exception_in_a_method_is_a_backend_error():
    be = MemoryBackend()
    be.fail_start = "app"
    with Engine(be) as eng:
        eng.add_pod(POD)
        be.exit(eng, "init", 0)
        assert be.errors and isinstance(be.errors[0], RuntimeError)
        ci = eng.container_info("py", "app")
        assert ci.reason in ("RunContainerError", "StartError", "CrashLoopBackOff")
        failed = [e for e in eng.events if e.reason == "Failed" and e.container == "app"]
        assert failed and "RuntimeError: cannot start app" in failed[0].message
        # the engine keeps working and retries after the back-off
        be.fail_start = None
        eng.run_for("30s")
        assert eng.container_info("py", "app").state == "running"


def test_every_slot_raising_never_crashes():
    class Broken(podlife.Backend):
        def __getattr__(self, name):
            if name in podlife.engine.SLOTS:
                def fail(*args):
                    raise ValueError(name)
                return fail
            raise AttributeError(name)

    be = Broken()
    with Engine(be) as eng:
        eng.add_pod(POD)
        eng.run_for("5m")
        eng.delete_pod("py", grace=0)
        eng.run_for("1m")
        assert eng.pod_info("py").phase in ("Pending", "Failed", "Running")
    assert be.errors and all(isinstance(e, ValueError) for e in be.errors)


def test_method_returning_a_code():
    class NoSandbox(MemoryBackend):
        def sandbox_run(self, config, token, result):
            result.message = "no network"
            return podlife.Code.EBACKEND

    be = NoSandbox()
    with Engine(be, relist_period=0) as eng:
        eng.add_pod(POD)
        ev = [e for e in eng.events if e.reason == "FailedCreatePodSandBox"]
        assert ev and "no network" in ev[0].message
        assert eng.next_deadline() == eng.now + 10 * SEC


def test_pending_sandbox_and_exec():
    class Slow(MemoryBackend):
        def sandbox_run(self, config, token, result):
            self.sandbox_token = token
            return PENDING

        def exec_sync(self, container_id, argv, timeout_s, token, result):
            self.exec_token = token
            return PENDING

    be = Slow()
    with Engine(be) as eng:
        eng.add_pod(POD)
        assert eng.pod_info("py").phase == "Pending"
        eng.notify_sandbox(be.sandbox_token, 0, id="sb-x", pod_ip="10.0.0.7",
                           netns_path="/run/netns/x")
        be.exit(eng, "init", 0)
        eng.notify_exec(be.exec_token, 0, exit_code=0, message="ok")
        assert eng.pod_info("py").phase == "Running"
        eng.notify_sandbox_lost(be.sandbox_token)


def test_minimal_backend_caps():
    class Minimal(podlife.Backend):
        def __init__(self):
            super().__init__()
            self.n = 0

        def container_create(self, config, result):
            self.n += 1
            result.id = "c%d" % self.n

        def container_start(self, container_id, result):
            pass

        def container_stop(self, container_id, signal, grace_s):
            pass

        def container_remove(self, container_id):
            pass

    be = Minimal()
    vt = be._vtable()
    assert vt.caps == int(podlife.Caps.NO_SANDBOX | podlife.Caps.NO_IMAGES |
                          podlife.Caps.NO_EXEC)
    with Engine(be) as eng:
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n"
                    "  containers:\n  - name: app\n    image: nginx:1.25\n")
        assert eng.pod_info("m").phase == "Running"
        assert eng.status("m").get("podIP") in (None, "")


def test_restore_adopts_python_containers():
    be = MemoryBackend()
    clock = podlife.SimClock()
    eng = Engine(be, clock)
    eng.add_pod(POD)
    be.exit(eng, "init", 0)
    snap = eng.snapshot()
    eng.close()
    starts = be.calls.count("container_start")
    with Engine(be, clock) as again:
        again.restore(snap)
        assert "container_list" in be.calls and "container_adopt" in be.calls
        assert be.calls.count("container_start") == starts
        assert again.pod_info("py").phase == "Running"
        # the adopted container's exit reaches the new engine under its new token
        assert be.exit(again, "app", 1)
        assert again.container_info("py", "app").last_exit_code == 1


def test_result_truncates_long_text():
    class Verbose(MemoryBackend):
        def exec_sync(self, container_id, argv, timeout_s, token, result):
            result.message = "é" * 1000  # 2000 bytes into a 512-byte buffer
            assert len(result.message.encode()) <= 511
            result.exit_code = 0

    be = Verbose()
    with Engine(be) as eng:
        eng.add_pod(POD)
        be.exit(eng, "init", 0)
        assert not be.errors


def test_python_clock_and_real_run_loop():
    t = [0]
    be = MemoryBackend()
    with Engine(be, podlife.PyClock(lambda: t[0])) as eng:
        eng.add_pod(POD.replace("  initContainers:\n  - name: init\n    image: busybox:1.36\n",
                                "  activeDeadlineSeconds: 5\n"))
        assert eng.pod_info("py").phase == "Running"
        t[0] = 6 * SEC
        eng.tick()
        assert eng.pod_info("py").reason == "DeadlineExceeded"


def test_callbacks_stay_alive_without_references():
    eng = Engine(MemoryBackend())
    gc.collect()
    eng.add_pod(POD)
    gc.collect()
    eng.backend.exit(eng, "init", 0)
    assert eng.pod_info("py").phase == "Running"
    eng.close()


def test_run_loop_with_a_completion_pipe():
    # The host pattern of engine.h: completions arrive on a pipe watched by
    # podlife_engine_run's poll(); on_wake reads it and notifies.
    import os
    import select

    be = MemoryBackend()
    r, w = os.pipe()
    try:
        with Engine(be, podlife.PyClock(lambda: 0)) as eng:
            eng.add_pod(POD)
            os.write(w, b"init\n")
            seen = []

            def on_wake(engine, fds):
                seen.append(fds)
                fd, _events, revents = fds[0]
                if revents & select.POLLIN:
                    name = os.read(fd, 64).decode().strip()
                    be.exit(engine, name, 0)
                    return True
                return False

            eng.run(fds=[(r, select.POLLIN)], on_wake=on_wake)
            assert seen and seen[-1][0][2] & select.POLLIN
            assert eng.pod_info("py").phase == "Running"
    finally:
        os.close(r)
        os.close(w)


def test_run_loop_reraises_on_wake_errors():
    import os
    import select

    r, w = os.pipe()
    os.write(w, b"x")
    try:
        with Engine(MemoryBackend(), podlife.PyClock(lambda: 0)) as eng:
            eng.add_pod(POD)
            with pytest.raises(KeyError):
                eng.run(fds=[(r, select.POLLIN)], on_wake=lambda e, fds: {}["x"])
    finally:
        os.close(r)
        os.close(w)


def test_relist_finds_exits_nobody_reported():
    # the PLEG-like relist: container_list every period
    be = MemoryBackend()
    with Engine(be, relist_period="2s") as eng:
        eng.add_pod(POD)
        assert eng.next_deadline() == 2 * SEC
        for c in be.containers.values():
            if c["config"].name == "init":
                c["running"] = 0  # exited, never notified
        eng.tick(2 * SEC)
        assert eng.container_info("py", "init").state == "terminated"
        assert eng.pod_info("py").phase == "Running"
        before = be.calls.count("container_list")
        eng.tick(4 * SEC)
        assert be.calls.count("container_list") == before + 1


def test_engine_runs_http_hooks_itself_and_exposes_its_fds():
    # No http_get slot: the engine makes the httpGet hook request itself
    # (libcurl) and hands its sockets to the host through fds().  Port 1 on
    # the loopback refuses the connection at once.
    import select

    class NoHttp(MemoryBackend):
        http_get = None  # type: ignore[assignment]

        def sandbox_run(self, config, token, result):
            super().sandbox_run(config, token, result)
            result.pod_ip = "127.0.0.1"

    be = NoHttp()
    y = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: h\nspec:\n"
         "  containers:\n  - name: app\n    image: busybox:1.36\n"
         "    lifecycle:\n      postStart:\n        httpGet: {path: /hook, port: 1}\n")
    with Engine(be, podlife.REAL_CLOCK, relist_period=0) as eng:
        assert not be._vtable().caps & podlife.Caps.NO_HTTP
        eng.add_pod(y)
        assert isinstance(eng.fds(), list)
        saw_fds = False
        for _ in range(2000):
            if any(e.reason == "FailedPostStartHook" for e in eng.events):
                break
            fds = eng.fds()
            saw_fds = saw_fds or bool(fds)
            p = select.poll()
            for fd, ev in fds:
                p.register(fd, ev)
            d = eng.next_deadline()
            wait = 50 if d is None else max(0, min(50, d - eng.now))
            p.poll(wait)
            eng.tick()
        failed = [e for e in eng.events if e.reason == "FailedPostStartHook"]
        assert failed, [str(e) for e in eng.events]
        assert failed[0].field_path == "spec.containers{app}"
        # runHTTPHandler's message (pkg/kubelet/lifecycle/handlers.go)
        assert 'HTTP lifecycle hook (/hook) for Container "app" in Pod "h_default(' in \
            failed[0].message
        assert 'Get "http://127.0.0.1:1/hook"' in failed[0].message
        assert eng.fds() == []  # nothing in flight any more


def test_no_http_cap_fails_http_hooks():
    class NoHttp(MemoryBackend):
        http_get = None  # type: ignore[assignment]
        caps = podlife.Caps.NO_HTTP

    be = NoHttp()
    with Engine(be, relist_period=0) as eng:
        eng.add_pod(POD)
        be.exit(eng, "init", 0)
        eng.delete_pod("py")
        assert any(e.reason == "FailedPreStopHook" for e in eng.events)
        assert eng.fds() == []
