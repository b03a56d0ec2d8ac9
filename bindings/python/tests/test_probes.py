"""Liveness, readiness and startup probes from Python: the fake backend's
scripted results on the simulated clock (readiness thresholds, a liveness
kill and restart), probe handlers written in Python (answers now, pending
answers through Engine.notify_probe, late answers, exceptions as probe
errors, the request fields of every handler), the engine configuration's
version fallback, and the probe constants and errors."""

from __future__ import annotations

import gc
import weakref

import pytest

import podlife
from podlife import Engine, ProbeHandler, ProbeKind, ProbeOutcome
from podlife import _lib, engine as engine_mod

SEC = 1000


def app_pod(probes: str, policy: str = "Always", name: str = "p") -> str:
    """A pod with one container `app` (named port http: 8080) and the
    given probe lines (indented for the container)."""
    return ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  uid: u-1\nspec:\n"
            "  restartPolicy: %s\n  terminationGracePeriodSeconds: 30\n"
            "  containers:\n  - name: app\n    image: app:1\n"
            "    ports:\n    - name: http\n      containerPort: 8080\n"
            "%s" % (name, policy, probes))


def ready_at(eng: Engine, t_ms: int, name: str = "p") -> str:
    eng.run_until(t_ms)
    return eng.pod_info(name).ready


def times(eng: Engine, reason: str, container: str = "app"):
    return [e.time_ms for e in eng.events if e.reason == reason and e.container == container]


def last(eng: Engine, reason: str) -> podlife.Event:
    return [e for e in eng.events if e.reason == reason][-1]


# ---- the fake's scripted results ------------------------------------------------------


def test_readiness_follows_scripted_results():
    # worker.go: readiness starts as failure; the first run is at the
    # container's start, then every period; failureThreshold failures in
    # a row turn it back, and a container that turns not ready is probed
    # again at once.
    with Engine() as eng:
        eng.fake.probe("app", ProbeKind.READINESS, "fail,ok,fail,fail,fail,fail,ok")
        eng.add_pod(app_pod("    readinessProbe:\n      httpGet: {path: /ready, port: http}\n"
                            "      periodSeconds: 10\n      failureThreshold: 3\n"))
        assert ready_at(eng, 0) == "0/1"
        ci = eng.container_info("p", "app")
        assert ci.started is True and ci.ready is False
        assert ready_at(eng, 9 * SEC) == "0/1"
        assert ready_at(eng, 10 * SEC) == "1/1"
        assert eng.container_info("p", "app").ready is True
        assert ready_at(eng, 30 * SEC) == "1/1"    # two failures: below the threshold
        assert ready_at(eng, 40 * SEC) == "0/1"
        assert ready_at(eng, 49 * SEC) == "0/1"
        assert ready_at(eng, 50 * SEC) == "1/1"
        assert times(eng, "Unhealthy") == [0, 20 * SEC, 30 * SEC, 40 * SEC, 40 * SEC]
        ev = last(eng, "Unhealthy")
        assert ev.type == "Warning"
        assert ev.message == "Readiness probe failed: HTTP probe failed with statuscode: 500"
        ready = [c for c in eng.status("p")["conditions"] if c["type"] == "Ready"]
        assert ready and ready[0]["status"] == "True"


def test_probe_arg_and_word_lists():
    # "NAME.KIND=RESULTS" as podlife simulate --probe takes it; a list of
    # words and a kind by name do the same.
    with Engine() as eng:
        eng.fake.probe_arg("app.readiness=ok,ok,fail,ok,ok,ok")
        eng.add_pod(app_pod("    readinessProbe:\n      tcpSocket: {port: 8080}\n"
                            "      periodSeconds: 5\n      successThreshold: 3\n"
                            "      failureThreshold: 1\n"))
        assert ready_at(eng, 5 * SEC) == "0/1"     # ok, ok
        assert ready_at(eng, 10 * SEC) == "0/1"    # fail
        assert ready_at(eng, 20 * SEC) == "0/1"    # ok, ok
        assert ready_at(eng, 25 * SEC) == "1/1"    # the third ok in a row
        assert last(eng, "Unhealthy").message == (
            "Readiness probe failed: dial tcp 10.88.0.2:8080: connect: connection refused")
    with Engine() as eng:
        eng.fake.probe("app", "readiness", ["fail", "ok"])
        eng.add_pod(app_pod("    readinessProbe:\n      exec: {command: [ready]}\n"
                            "      periodSeconds: 10\n"))
        assert ready_at(eng, 5 * SEC) == "0/1"
        assert ready_at(eng, 10 * SEC) == "1/1"
        assert last(eng, "Unhealthy").message == "Readiness probe failed: "


def test_liveness_failure_restarts_the_container():
    with Engine() as eng:
        eng.fake.probe("app", ProbeKind.LIVENESS, "fail")
        eng.add_pod(app_pod("    livenessProbe:\n      exec: {command: [cat, /tmp/healthy]}\n"
                            "      initialDelaySeconds: 15\n      periodSeconds: 10\n"
                            "      failureThreshold: 2\n"))
        eng.run_until(100 * SEC)
        # ticks 10 (delay), 20, 30 | restart at 30: 40 (delay), 50, 60 | 70: ...
        assert times(eng, "Unhealthy")[:3] == [20 * SEC, 30 * SEC, 50 * SEC]
        assert times(eng, "Killing") == [30 * SEC, 60 * SEC, 100 * SEC]
        kill = last(eng, "Killing")
        assert kill.message == "Container app failed liveness probe, will be restarted"
        assert kill.type == "Normal"
        assert last(eng, "Unhealthy").message == "Liveness probe failed: "
        assert times(eng, "Started") == [0, 30 * SEC, 70 * SEC]   # then 10 s of back-off
        ci = eng.container_info("p", "app")
        assert ci.restart_count == 2


def test_startup_failure_kills_and_unscripted_probes_succeed():
    with Engine() as eng:
        eng.fake.probe("app", "startup", "fail")
        eng.add_pod(app_pod("    startupProbe:\n      grpc: {port: 9000}\n"
                            "      periodSeconds: 5\n      failureThreshold: 2\n"
                            "    readinessProbe:\n      grpc: {port: 9000}\n"
                            "      periodSeconds: 5\n", policy="OnFailure"))
        eng.run_until(10 * SEC)
        assert times(eng, "Killing") == [10 * SEC]
        assert last(eng, "Killing").message == (
            "Container app failed startup probe, will be restarted")
        assert last(eng, "Unhealthy").message == (
            'Startup probe failed: service unhealthy (responded with "NOT_SERVING")')
        assert eng.container_info("p", "app").ready is False
    with Engine() as eng:    # nothing scripted: every probe succeeds
        eng.add_pod(app_pod("    startupProbe:\n      grpc: {port: 9000}\n"
                            "      periodSeconds: 5\n"
                            "    readinessProbe:\n      grpc: {port: 9000}\n"
                            "      periodSeconds: 5\n"))
        assert ready_at(eng, 5 * SEC) == "1/1"
        assert eng.container_info("p", "app").started is True
        assert times(eng, "Unhealthy") == []


def test_fake_probe_errors():
    with Engine() as eng:
        with pytest.raises(podlife.InvalidArgumentError, match='"ok,maybe"'):
            eng.fake.probe("app", ProbeKind.LIVENESS, "ok,maybe")
        with pytest.raises(podlife.InvalidArgumentError, match="NAME.KIND=RESULTS"):
            eng.fake.probe_arg("app=ok")
        with pytest.raises(podlife.InvalidArgumentError,
                           match="liveness, readiness or startup"):
            eng.fake.probe_arg("app.wellness=ok")
        with pytest.raises(podlife.InvalidArgumentError, match="wellness"):
            eng.fake.probe("app", "wellness", "ok")
        with pytest.raises(podlife.InvalidArgumentError):
            eng.fake.probe("app", 7, "ok")
        with pytest.raises(podlife.InvalidArgumentError):
            eng.fake.probe("app", ProbeKind.LIFECYCLE_HOOK, "ok")
        with pytest.raises(TypeError):
            eng.fake.probe("app", 1.5, "ok")
        eng.fake.probe_arg("my.app.readiness=ok,fail")   # the last dot splits


def test_fake_probes_serve_another_backend_engine():
    # The fake's scripts answer an engine whose containers run elsewhere:
    # Engine(backend, probes=fake); "builtin" turns them off.
    with podlife.SimClock() as clock:
        runner = podlife.FakeBackend(clock)
        scripts = podlife.FakeBackend(clock)
        scripts.probe("app", "readiness", "fail")
        with Engine(runner, clock, probes=scripts) as eng:
            eng.add_pod(app_pod("    readinessProbe:\n      exec: {command: [ready]}\n"
                                "      periodSeconds: 10\n"))
            eng.run_until(10 * SEC)
            assert eng.pod_info("p").ready == "0/1"
            assert len(times(eng, "Unhealthy")) == 2
        runner.probe("app", "readiness", "fail")
        with Engine(runner, clock, probes="builtin") as eng:
            runner.hook_result(exec_exit_code=0)
            eng.add_pod(app_pod("    readinessProbe:\n      exec: {command: [ready]}\n"
                                "      periodSeconds: 10\n"))
            eng.run_until(20 * SEC)
            # exec through the fake's exec_sync (exit 0), not the script
            assert eng.pod_info("p").ready == "1/1"
        with pytest.raises(ValueError):
            Engine(runner, clock, probes="curl")
        runner.close()
        scripts.close()


# ---- probe handlers written in Python --------------------------------------------------


class Recorder(podlife.ProbeBackend):
    """Answers every tcpSocket run with `answer` (None: pending) and keeps
    the requests."""

    def __init__(self, answer=None):
        super().__init__()
        self.answer = answer
        self.requests = []

    def tcp_socket(self, request):
        self.requests.append(request)
        return self.answer


def test_python_probe_pending_then_notify_probe():
    rec = Recorder()
    with Engine(probes=rec) as eng:
        eng.add_pod(app_pod("    readinessProbe:\n      tcpSocket: {port: http}\n"
                            "      periodSeconds: 10\n      timeoutSeconds: 2\n"
                            "      failureThreshold: 1\n"))
        eng.run_until(0)
        assert len(rec.requests) == 1
        req = rec.requests[0]
        assert isinstance(req, podlife.ProbeRequest)
        assert req.kind is ProbeKind.READINESS and req.handler is ProbeHandler.TCP_SOCKET
        assert (req.host, req.port, req.timeout_ms) == ("10.88.0.2", 8080, 2000)
        assert (req.pod_namespace, req.pod_name, req.pod_uid) == ("default", "p", "u-1")
        assert req.container == "app" and req.container_id
        assert eng.container_info("p", "app").container_id.endswith(req.container_id)
        assert eng.pod_info("p").ready == "0/1"
        assert eng.notify_probe(req.token, ProbeOutcome.SUCCESS) is True
        assert eng.pod_info("p").ready == "1/1"
        assert eng.notify_probe(req.token, ProbeOutcome.SUCCESS) is False   # twice
        # the run at 10 s is never answered: at 12 s it is a failure
        eng.run_until(11 * SEC)
        assert len(rec.requests) == 2
        assert eng.pod_info("p").ready == "1/1"
        eng.run_until(12 * SEC)
        assert eng.pod_info("p").ready == "0/1"
        assert last(eng, "Unhealthy").message == (
            "Readiness probe failed: dial tcp 10.88.0.2:8080: i/o timeout")
        assert eng.notify_probe(rec.requests[1].token, True) is False      # too late
        # turning not ready ran it again at once; a failure with its text
        assert len(rec.requests) == 3
        assert eng.notify_probe(rec.requests[2].token, False, "connection reset") is True
        assert last(eng, "Unhealthy").message == "Readiness probe failed: connection reset"
        # a warning counts as success, with a ProbeWarning event
        rec.answer = (ProbeOutcome.WARNING, "Probe terminated redirects, Response body: x")
        eng.run_until(22 * SEC)
        assert eng.pod_info("p").ready == "1/1"
        assert last(eng, "ProbeWarning").message == (
            "Readiness probe warning: Probe terminated redirects, Response body: x")
        # a pending run answered with an error: thrown away, with its text
        rec.answer = None
        eng.run_until(32 * SEC)
        tok = rec.requests[-1].token
        assert eng.notify_probe(tok, rc=podlife.Code.EBACKEND, output="no route") is True
        assert eng.pod_info("p").ready == "1/1"      # the result is left as it was
        with pytest.raises(TypeError):
            eng.notify_probe(tok, "maybe")    # type: ignore[arg-type]
    assert rec.errors == []


def test_python_probe_exception_is_a_probe_error():
    class Broken(podlife.ProbeBackend):
        calls = 0

        def http_get(self, request):
            Broken.calls += 1
            if request.path == "/err":
                raise podlife.TimedOutError("took too long")
            raise RuntimeError("boom")

    probes = Broken()
    with Engine(probes=probes) as eng:
        eng.add_pod(app_pod("    readinessProbe:\n      httpGet: {path: /ready, port: 8080}\n"
                            "      periodSeconds: 10\n"))
        eng.run_until(5 * SEC)
        # retried (maxProbeRetries, 3 tries), then thrown away with one event
        assert Broken.calls == 3
        assert len(probes.errors) == 3
        assert all(isinstance(e, RuntimeError) for e in probes.errors)
        ev = last(eng, "Unhealthy")
        assert ev.type == "Warning"
        assert ev.message == (
            "Readiness probe errored and resulted in unknown state: RuntimeError: boom")
        assert eng.pod_info("p").ready == "0/1"
        assert eng.container_info("p", "app").state == "running"
    with Engine(probes=Broken()) as eng:
        eng.add_pod(app_pod("    livenessProbe:\n      httpGet: {path: /err, port: 8080}\n"
                            "      periodSeconds: 10\n      failureThreshold: 1\n"))
        eng.run_until(30 * SEC)
        # errors never count as failures: no kill
        assert times(eng, "Killing") == []
        assert last(eng, "Unhealthy").message == (
            "Liveness probe errored and resulted in unknown state: took too long")


def test_python_probe_answers_and_request_fields():
    class Probes:
        """A plain object (no base class), without weak references."""

        __slots__ = ("seen", "errors")

        def __init__(self):
            self.seen = {}
            self.errors = []

        def http_get(self, request):
            self.seen[request.kind] = request
            return ProbeOutcome.SUCCESS, b"ok body"

        def grpc(self, request):
            self.seen["grpc"] = request
            return True

        def exec(self, request):
            self.seen["exec"] = request
            return -10 if request.argv[0] == "neg" else ProbeOutcome.FAILURE

    p = Probes()
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: f\n  namespace: ns\nspec:\n"
           "  initContainers:\n  - name: side\n    image: side:1\n    restartPolicy: Always\n"
           "    startupProbe:\n      grpc: {port: 9000, service: health}\n"
           "      periodSeconds: 5\n"
           "  containers:\n  - name: app\n    image: app:1\n"
           "    readinessProbe:\n      httpGet:\n        path: /r?x=1\n        port: 8080\n"
           "        host: 127.0.0.1\n        httpHeaders: [{name: x-a, value: b}]\n"
           "      periodSeconds: 10\n"
           "    livenessProbe:\n      exec: {command: [sh, -c, 'exit 1']}\n"
           "      periodSeconds: 10\n      failureThreshold: 5\n"
           "  - name: other\n    image: app:1\n"
           "    livenessProbe:\n      exec: {command: [neg]}\n      periodSeconds: 10\n")
    with Engine(probes=p) as eng:
        eng.add_pod(pod)
        eng.run_until(20 * SEC)
        g = p.seen["grpc"]
        assert (g.handler, g.kind, g.service, g.port) == (
            ProbeHandler.GRPC, ProbeKind.STARTUP, "health", 9000)
        assert (g.pod_namespace, g.pod_name, g.container) == ("ns", "f", "side")
        h = p.seen[ProbeKind.READINESS]
        assert (h.scheme, h.host, h.port, h.path) == ("http", "127.0.0.1", 8080, "/r?x=1")
        assert h.url == "http://127.0.0.1:8080/r?x=1"
        assert h.headers == [("x-a", "b")]
        assert h.argv == []
        x = p.seen["exec"]
        assert x.handler is ProbeHandler.EXEC and x.timeout_ms == 1000
        assert x.container == "other" and x.argv == ["neg"]
        assert eng.pod_info("f", "ns").ready == "3/3"
        msgs = [e.message for e in eng.events if e.reason == "Unhealthy"]
        assert "Liveness probe failed: " in msgs
        assert ("Liveness probe errored and resulted in unknown state: backend error"
                in msgs)
        assert p.errors == []


def test_python_probe_bad_answers_and_missing_methods():
    class Odd(podlife.ProbeBackend):
        def tcp_socket(self, request):
            return "yes"

    odd = Odd()
    with Engine(probes=odd) as eng:
        eng.add_pod(app_pod("    readinessProbe:\n      tcpSocket: {port: 8080}\n"))
        eng.run_until(0)
        assert odd.errors and isinstance(odd.errors[0], TypeError)
        assert "errored and resulted in unknown state: TypeError:" in last(
            eng, "Unhealthy").message
    with pytest.raises(TypeError, match="none of"):
        Engine(probes=object())


def test_engine_and_callbacks_are_freed():
    rec = Recorder(answer=True)
    eng = Engine(probes=rec)
    eng.add_pod(app_pod("    readinessProbe:\n      tcpSocket: {port: 8080}\n"))
    eng.run_until(0)
    assert eng.pod_info("p").ready == "1/1"
    ref = weakref.ref(eng)
    del eng
    gc.collect()
    assert ref() is None
    assert len(rec.requests) == 1


# ---- configuration, constants, errors --------------------------------------------------


def test_config_version_3_falls_back_on_an_older_library(monkeypatch):
    real = _lib.lib.podlife_engine_new
    seen = []

    def older(cfg, out):       # a library that knows versions 1 and 2 only
        version = cfg._obj.version
        seen.append(version)
        if version > 2:
            return int(podlife.Code.EVERSION)
        return real(cfg, out)

    monkeypatch.setattr(_lib.lib, "podlife_engine_new", older)
    with Engine() as eng:      # the fake's scripts cannot be plugged in: built-in
        eng.fake.probe("app", "readiness", "fail")
        eng.add_pod(app_pod("    readinessProbe:\n      exec: {command: [ready]}\n"
                            "      periodSeconds: 10\n"))
        eng.run_until(10 * SEC)
        assert eng.pod_info("p").ready == "1/1"     # fake exec_sync: exit 0
    assert seen == [3, 2]
    with Engine(relist_period=0) as eng:
        pass
    assert seen == [3, 2, 3, 2]
    # Python handlers need version 3: never dropped silently
    with pytest.raises(podlife.VersionError):
        Engine(probes=Recorder())
    assert seen[-1] == 3


def test_constants_and_kind_names():
    assert podlife.probe_kind_name(ProbeKind.LIVENESS) == "Liveness"
    assert ProbeKind.READINESS.text == "Readiness"
    assert podlife.probe_kind_name(2) == "Startup"
    assert ProbeKind.LIFECYCLE_HOOK.text is None
    assert podlife.probe_kind_name(9) is None
    assert engine_mod.PODLIFE_ENGINE_CONFIG_VERSION == 3
    assert podlife.Code.ETIMEDOUT == -13
    assert podlife.strerror(podlife.Code.ETIMEDOUT) == "timed out"
    exc = podlife.errors.make_error(podlife.Code.ETIMEDOUT, "exec")
    assert isinstance(exc, podlife.TimedOutError) and isinstance(exc, TimeoutError)
    assert str(exc) == "exec: timed out"


def test_open_socket_feeds_the_built_in_tcp_handler():
    # Only open_socket is given: the engine's own tcpSocket handler
    # connects with the socket Python made.
    import select
    import socket

    class Sockets(podlife.ProbeBackend):
        def __init__(self, fail=False):
            super().__init__()
            self.fail = fail
            self.calls = []

        def open_socket(self, request, domain, type_, protocol):
            self.calls.append((request.kind, request.handler, request.host, request.port))
            if self.fail:
                raise PermissionError(13, "not in this namespace")
            return socket.socket(domain, type_, protocol)

    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)
        port = srv.getsockname()[1]
        probe = ("    readinessProbe:\n      tcpSocket: {host: 127.0.0.1, port: %d}\n"
                 "      periodSeconds: 10\n" % port)
        socks = Sockets()
        with Engine(probes=socks) as eng:
            eng.add_pod(app_pod(probe))
            eng.run_until(0)
            for _ in range(50):     # the connect may finish later: poll its socket
                fds = eng.fds()
                if not fds:
                    break
                poller = select.poll()
                for fd, events in fds:
                    poller.register(fd, events)
                poller.poll(100)
                eng.tick()
            assert socks.calls == [(ProbeKind.READINESS, ProbeHandler.TCP_SOCKET,
                                    "127.0.0.1", port)]
            assert eng.pod_info("p").ready == "1/1"
        bad = Sockets(fail=True)
        with Engine(probes=bad) as eng:
            eng.add_pod(app_pod(probe))
            eng.run_until(0)
            assert eng.pod_info("p").ready == "0/1"
            assert isinstance(bad.errors[0], PermissionError)
            assert "permission denied" in last(eng, "Unhealthy").message
