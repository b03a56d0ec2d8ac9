"""Engine scenarios on the simulated clock with the fake backend (init
ordering, crash-loop back-off timings, image pull back-off, deadlines,
sidecars, deletion, updates, snapshot/restore), the status, columns and
explain outputs, and the fake's knobs."""

from __future__ import annotations

import json

import pytest

import podlife
from podlife import Engine

SEC = 1000
MIN = 60 * SEC

POD_CRASH = """\
apiVersion: v1
kind: Pod
metadata:
  name: c
spec:
  restartPolicy: {policy}
  containers:
  - name: app
    image: busybox:1.36
"""

TWO_INIT = """\
apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  initContainers:
  - name: first
    image: busybox:1.36
  - name: second
    image: busybox:1.36
  containers:
  - name: app
    image: nginx:1.25
"""


def times(eng, reason, container=None):
    return [e.time_ms for e in eng.events
            if e.reason == reason and (container is None or e.container == container)]


def test_init_containers_run_in_order():
    with Engine() as eng:
        eng.fake.behave("first", "exit:0@5s")
        eng.fake.behave("second", "exit:0@7s")
        assert eng.add_pod(TWO_INIT) == ("default", "two")
        assert eng.pod_info("two").status == "Init:0/2"
        eng.run_until(6 * SEC)
        assert eng.pod_info("two").status == "Init:1/2"
        eng.run_until(13 * SEC)
        info = eng.pod_info("two")
        assert info.phase == "Running"
        assert info.status == "Running"
        assert info.ready == "1/1"
        assert info.columns == {"NAME": "two", "READY": "1/1", "STATUS": "Running",
                                "RESTARTS": "0"}
        assert eng.columns("two")["STATUS"] == "Running"
        assert times(eng, "Started", "first") == [0]
        assert times(eng, "Started", "second") == [5 * SEC]
        assert times(eng, "Started", "app") == [12 * SEC]
        assert info.n_init_containers == 2 and info.n_containers == 1
        ci = eng.container_info("two", "first")
        assert ci.kind == podlife.ContainerKind.INIT
        assert ci.state == "terminated" and ci.reason == "Completed" and ci.exit_code == 0
        app = eng.container_info("two", "app")
        assert app.kind == podlife.ContainerKind.REGULAR
        assert app.state == "running" and app.ready and app.started
        assert app.container_id.startswith("podlife://")


def test_crash_loop_back_off_timings():
    # kubelet crash-loop back-off: 10 s doubling to 300 s, from each exit
    with Engine() as eng:
        eng.fake.behave("app", "exit:1@3s")
        eng.add_pod(POD_CRASH.format(policy="Always"))
        eng.run_until(3600 * SEC)
        t = times(eng, "Started", "app")
        assert len(t) > 10
        delays = [0, 10, 20, 40, 80, 160, 300, 300, 300]
        for k in range(1, 10):
            assert t[k] - (t[k - 1] + 3 * SEC) == delays[k - 1] * SEC
        info = eng.pod_info("c")
        assert info.phase == "Running"
        assert info.restarts == len(t) - 1
        ex = eng.explain("c", "app")
        assert "crash-loop back-off" in ex
        back = [e for e in eng.events if e.reason == "BackOff"]
        assert back and back[0].type == "Warning"
        assert back[0].field_path == "spec.containers{app}"


@pytest.mark.parametrize("policy,script,phase,status,restarts", [
    ("Never", "exit:0@5s", "Succeeded", "Completed", 0),
    ("Never", "exit:2@5s", "Failed", "Error", 0),
    ("OnFailure", "exit:3@5s,exit:0@5s", "Succeeded", "Completed", 1),
    ("Always", "exit:0@5s,run", "Running", "Running", 1),
    ("Never", "oom@2s", "Failed", "OOMKilled", 0),
])
def test_restart_policies(policy, script, phase, status, restarts):
    with Engine() as eng:
        eng.fake.behave("app", script)
        eng.add_pod(POD_CRASH.format(policy=policy))
        eng.run_for("5m")
        info = eng.pod_info("c")
        assert (info.phase, info.status, info.restarts) == (phase, status, restarts)


def test_image_pull_back_off():
    with Engine() as eng:
        eng.fake.image_missing("registry.example/app:1")
        eng.fake.pull_fail("registry.example/app:1", 4)
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: img\nspec:\n"
                    "  containers:\n  - name: app\n    image: registry.example/app:1\n")
        assert eng.container_info("img", "app").reason == "ErrImagePull"
        eng.run_until(21 * SEC)
        assert eng.container_info("img", "app").reason == "ImagePullBackOff"
        assert eng.pod_info("img").status == "ImagePullBackOff"
        eng.run_until(10 * MIN)
        assert times(eng, "Pulling", "app") == [0, 10 * SEC, 30 * SEC, 70 * SEC, 150 * SEC]
        assert eng.pod_info("img").phase == "Running"
        assert eng.fake.stats().pulls == 5


def test_never_pull():
    with Engine() as eng:
        eng.fake.image_missing("app:1")
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: n\nspec:\n"
                    "  containers:\n  - name: app\n    image: app:1\n"
                    "    imagePullPolicy: Never\n")
        ci = eng.container_info("n", "app")
        assert ci.reason == "ErrImageNeverPull"
        assert ci.message == podlife.never_pull_message("app:1")


def test_active_deadline():
    with Engine() as eng:
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ad\nspec:\n"
                    "  activeDeadlineSeconds: 30\n"
                    "  containers:\n  - name: app\n    image: nginx:1.25\n")
        eng.run_until(29 * SEC)
        assert eng.pod_info("ad").phase == "Running"
        eng.run_until(31 * SEC)
        info = eng.pod_info("ad")
        assert (info.phase, info.reason) == ("Failed", "DeadlineExceeded")
        assert info.message == "Pod was active on the node longer than the specified deadline"
        assert info.finished
        assert times(eng, "DeadlineExceeded") == [30 * SEC]
        st = eng.status("ad")
        assert st["phase"] == "Failed" and st["reason"] == "DeadlineExceeded"


def test_sidecar_order_and_job_completion():
    with Engine() as eng:
        eng.fake.behave("main", "exit:0@30s")
        eng.fake.behave("proxy", "exit:1@5s,run")
        eng.fake.behave("migrate", "exit:0")
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: job\nspec:\n"
                    "  restartPolicy: Never\n"
                    "  initContainers:\n  - name: proxy\n    image: envoy:1\n"
                    "    restartPolicy: Always\n"
                    "  - name: migrate\n    image: busybox:1.36\n"
                    "  containers:\n  - name: main\n    image: busybox:1.36\n")
        assert eng.container_info("job", "proxy").kind == podlife.ContainerKind.SIDECAR
        eng.run_until(1 * SEC)
        assert eng.pod_info("job").ready == "2/2"
        eng.run_until(6 * SEC)
        assert eng.container_info("job", "proxy").restart_count == 1
        eng.run_until(40 * SEC)
        info = eng.pod_info("job")
        assert info.phase == "Succeeded" and info.finished
        assert len(times(eng, "Killing", "proxy")) == 1


def test_delete_graceful_and_remove():
    with Engine() as eng:
        eng.fake.behave("app", "hang")
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: d\nspec:\n"
                    "  terminationGracePeriodSeconds: 20\n"
                    "  containers:\n  - name: app\n    image: nginx:1.25\n")
        eng.run_until(5 * SEC)
        eng.delete_pod("d")
        info = eng.pod_info("d")
        assert info.terminating and info.status == "Terminating"
        eng.run_until(60 * SEC)
        ci = eng.container_info("d", "app")
        assert ci.exit_code == 137
        assert eng.pod_info("d").finished
        assert len(eng) == 1 and eng.pod_count == 1
        eng.remove_pod("d")
        assert len(eng) == 0
        with pytest.raises(podlife.NotFoundError):
            eng.pod_info("d")


def test_update_rules():
    y = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: u\nspec:\n"
         "  containers:\n  - name: app\n    image: nginx:{tag}\n{extra}")
    with Engine() as eng:
        eng.add_pod(y.format(tag="1.25", extra=""))
        eng.update_pod(y.format(tag="1.26", extra=""))
        eng.run_for("1m")
        assert any("nginx:1.26" in e.message for e in eng.events if e.reason == "Pulled")
        with pytest.raises(podlife.ValidationError) as ei:
            eng.update_pod(y.format(tag="1.26", extra="  hostNetwork: true\n"))
        assert "pod updates may not change fields" in str(ei.value)
        assert ei.value.code == podlife.Code.EINVALID
        with pytest.raises(podlife.ExistsError):
            eng.add_pod(y.format(tag="1.26", extra=""))
        with pytest.raises(podlife.NotFoundError):
            eng.update_pod(y.format(tag="1", extra="").replace("name: u", "name: zz"))


def test_pods_sharing_one_spec():
    pod = podlife.loads(POD_CRASH.format(policy="Always"))[0]
    with Engine() as eng:
        for i in range(3):
            assert eng.add_pod(pod, name="web-%d" % i) == ("default", "web-%d" % i)
        eng.add_pod(pod, namespace="other")
        assert len(eng) == 4
        assert eng.pod_info("web-2").phase == "Running"
        assert eng.pod_info("c", "other").phase == "Running"
    pod.close()


def test_status_dict_and_explain():
    with Engine() as eng:
        eng.fake.behave("first", "exit:0@1s")
        eng.fake.behave("second", "exit:0@1s")
        eng.add_pod(TWO_INIT)
        eng.run_for("10s")
        st = eng.status("two")
        assert st["phase"] == "Running"
        assert [c["name"] for c in st["initContainerStatuses"]] == ["first", "second"]
        assert st["containerStatuses"][0]["state"]["running"]
        assert {c["type"] for c in st["conditions"]} >= {"Ready", "Initialized", "PodScheduled"}
        assert json.loads(eng.status_json("two")) == st
        text = eng.explain("two")
        assert "pod default/two" in text
        with pytest.raises(podlife.NotFoundError):
            eng.status("nope")


def test_snapshot_restore_adopts():
    clock = podlife.SimClock()
    fake = podlife.FakeBackend(clock)
    fake.behave("app", "exit:1@5s,exit:1@5s,run")
    eng = Engine(fake, clock)
    eng.add_pod(POD_CRASH.format(policy="Always"))
    eng.run_until(30 * SEC)
    assert eng.container_info("c", "app").restart_count == 2
    snap = eng.snapshot()
    assert json.loads(snap)["pods"][0]["name"] == "c"
    starts = fake.stats().starts
    eng.close()
    with Engine(fake, clock) as again:
        again.restore(snap)
        assert len(again) == 1
        assert fake.stats().starts == starts
        assert again.pod_info("c").phase == "Running"
        assert again.container_info("c", "app").restart_count == 2
    with Engine(fake, clock) as bad:
        with pytest.raises(podlife.ParseError) as ei:
            bad.restore("{")
        assert ei.value.errors
        assert len(bad) == 0


def test_restore_unknown_then_recovers():
    with Engine() as eng:
        eng.add_pod(POD_CRASH.format(policy="Always"))
        eng.run_until(5 * SEC)
        snap = json.loads(eng.snapshot())
    clock, fake = eng.clock, eng.fake
    with Engine(fake, clock) as again:
        fake.list_fails(True)
        again.restore(snap)
        assert again.pod_info("c").phase == "Unknown"
        fake.list_fails(False)
        again.run_for("45s")
        assert again.pod_info("c").phase == "Running"


def test_pull_secrets_and_node_keyring():
    with podlife.Keyring() as kr:
        kr.add_config({"auths": {"registry.example": {"username": "n", "password": "p"}}})
        with Engine(node_keyring=kr) as eng:
            eng.fake.image_missing("registry.example/app:1")
            eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                        "  containers:\n  - name: app\n    image: registry.example/app:1\n")
            assert eng.pod_info("p").phase == "Running"
            eng.add_pull_secret({"apiVersion": "v1", "kind": "Secret",
                                 "metadata": {"name": "s"},
                                 "type": "kubernetes.io/dockerconfigjson",
                                 "stringData": {".dockerconfigjson": json.dumps(
                                     {"auths": {"r.io": {"auth": "dTpw"}}})}})
            with pytest.raises(podlife.PodlifeError):
                eng.add_pull_secret("kind: ConfigMap\n")


def test_presets():
    preset = {"apiVersion": "settings.k8s.io/v1alpha1", "kind": "PodPreset",
              "metadata": {"name": "env", "namespace": "default"},
              "spec": {"selector": {"matchLabels": {"role": "web"}},
                       "env": [{"name": "DB", "value": "db:5432"}]}}
    with Engine() as eng:
        eng.add_preset(preset)
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  labels: {role: web}\n"
                    "spec:\n  containers:\n  - name: app\n    image: nginx:1.25\n")
        assert eng.pod_info("w").phase == "Running"
        with pytest.raises(podlife.PodlifeError):
            eng.add_preset("apiVersion: v1\nkind: Pod\n")


def test_pod_security_and_node_selector():
    priv = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: priv\nspec:\n"
            "  containers:\n  - name: app\n    image: nginx:1.25\n"
            "    securityContext: {privileged: true}\n")
    with Engine(pod_security="baseline") as eng:
        eng.add_pod(priv)
        info = eng.pod_info("priv")
        assert (info.phase, info.reason) == ("Failed", "PodSecurity")
    sel = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: sel\nspec:\n"
           "  nodeSelector: {disk: ssd}\n  containers:\n  - name: app\n    image: nginx:1.25\n")
    with Engine(node_labels={"disk": "hdd"}, node_name="n1") as eng:
        eng.add_pod(sel)
        assert eng.pod_info("sel").reason == "NodeAffinity"
    with Engine(node_labels={"disk": "ssd"}) as eng:
        eng.add_pod(sel)
        assert eng.pod_info("sel").phase == "Running"


def test_backoff_knobs():
    with Engine(crashloop_initial="1s", crashloop_max=4000) as eng:
        eng.fake.behave("app", "exit:1")
        eng.add_pod(POD_CRASH.format(policy="Always"))
        eng.run_until(20 * SEC)
        t = times(eng, "Started", "app")
        # the first restart is immediate, then 1 s doubling, capped at 4 s
        assert t[:7] == [0, 0, 1 * SEC, 3 * SEC, 7 * SEC, 11 * SEC, 15 * SEC]


def test_lose_sandbox():
    with Engine() as eng:
        eng.add_pod(TWO_INIT)
        eng.run_for("5s")
        eng.fake.lose_sandbox("two")
        eng.run_for("5s")
        assert len(times(eng, "Started", "first")) == 2
        with pytest.raises(podlife.NotFoundError):
            eng.fake.lose_sandbox("nope")


def test_fake_knobs_and_fault_injection():
    with Engine() as eng:
        assert eng.fake.calls == 0
        eng.fake.hook_result(exec_exit_code=1)
        eng.fake.fail_call(2)
        eng.add_pod(POD_CRASH.format(policy="Always"))
        eng.run_for("1m")
        assert eng.fake.calls > 2
        assert eng.pod_info("c").phase == "Running"
        assert eng.fake.next_deadline() is None
        eng.fake.advance(eng.now)


def test_steps_and_durations():
    steps = podlife.parse_steps("exit:3@1m30s,oom@500ms,hang,run")
    assert steps == [podlife.FakeStep(podlife.FakeAction.EXIT, 3, 90 * SEC),
                     podlife.FakeStep(podlife.FakeAction.OOM, 137, 500),
                     podlife.FakeStep(podlife.FakeAction.HANG),
                     podlife.FakeStep(podlife.FakeAction.RUN)]
    assert str(steps[0]) == "exit:3@90000ms"
    with pytest.raises(podlife.InvalidArgumentError) as ei:
        podlife.parse_steps("explode")
    assert "explode" in str(ei.value)
    assert podlife.parse_duration("1h30m") == 90 * MIN
    assert podlife.parse_duration("90") == 90 * SEC
    assert podlife.parse_duration(1.5) == 1500
    with pytest.raises(podlife.InvalidArgumentError):
        podlife.parse_duration("soon")
    with Engine() as eng:
        eng.fake.behave("app", steps)
        eng.fake.behave_arg("other=exit:0")
        with pytest.raises(podlife.InvalidArgumentError):
            eng.fake.behave_arg("no-equals")
        with pytest.raises(podlife.InvalidArgumentError):
            eng.fake.behave("app", "bogus@")


def test_clocks():
    with podlife.SimClock(start_ms=1000) as c:
        assert c.now() == 1000
        assert c.advance("2s") == 3000
        c.set(5000)
        with pytest.raises(podlife.StateError):
            c.set(10)
        with pytest.raises(podlife.InvalidArgumentError):
            c.advance(-1)
    assert podlife.REAL_CLOCK.now() > 0
    t = [0]
    clock = podlife.PyClock(lambda: t[0], wall_ms=lambda: 1_700_000_000_000 + t[0])
    assert clock.now() == 0
    t[0] = 500
    assert clock.now() == 500


def test_events_iterator_and_callback():
    seen = []
    changed = []
    with Engine(on_event=seen.append, on_pod_changed=lambda ns, n: changed.append((ns, n))) as eng:
        eng.add_pod(TWO_INIT)
        first = eng.drain_events()
        assert first and first == seen
        assert eng.drain_events() == []
        eng.run_for("5s")
        it = list(eng.iter_events())
        assert it == seen[len(first):]
        assert ("default", "two") in changed
    with Engine(keep_events=False) as eng:
        eng.add_pod(TWO_INIT)
        assert eng.events == []


def test_callback_exceptions_are_reraised_after_the_call():
    def boom(ev):
        raise RuntimeError("from on_event")

    with Engine(on_event=boom) as eng:
        with pytest.raises(RuntimeError, match="from on_event"):
            eng.add_pod(TWO_INIT)
        # the engine is intact: the pod was added
        assert len(eng) == 1
        assert eng.pod_info("two").status.startswith("Init")
    with Engine() as eng:
        eng.add_pod(TWO_INIT)
        with pytest.raises(ZeroDivisionError):
            eng.run_for("1m", on_step=lambda now: 1 / 0)


def test_run_loop_with_simulated_clock():
    with Engine() as eng:
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ad\nspec:\n"
                    "  activeDeadlineSeconds: 30\n"
                    "  containers:\n  - name: app\n    image: nginx:1.25\n")
        wakes = []
        eng.run(60 * SEC, on_wake=lambda e, fds: wakes.append(e.now) and False)
        assert eng.pod_info("ad").phase == "Failed"
        assert eng.now == 60 * SEC or eng.pod_info("ad").finished
        assert eng.next_deadline() is None or eng.next_deadline() >= eng.now
        eng.tick()
        eng.tick(eng.now)


def test_closed_objects():
    eng = Engine()
    eng.close()
    eng.close()
    assert eng.closed and "closed" in repr(eng)
    with pytest.raises(ValueError):
        eng.add_pod(TWO_INIT)
    fake = eng.fake
    fake.close()
    assert "closed" in repr(fake)
    with pytest.raises(ValueError):
        fake.stats()
    eng.clock.close()
    assert "closed" in repr(eng.clock)


def test_describe_events():
    with Engine(describe_events=True) as eng:
        eng.fake.behave("app", "exit:1@3s")
        eng.add_pod(POD_CRASH.format(policy="Always"))
        eng.run_for("5m")
        text = eng.describe_events("c")
        assert "Reason" in text and "BackOff" in text
        assert " over " in text  # repeated events are counted
    with Engine() as eng:
        eng.add_pod(POD_CRASH.format(policy="Always"))
        with pytest.raises(podlife.StateError):
            eng.describe_events("c")


def test_restart_rules_flag():
    y = POD_CRASH.format(policy="Never").replace(
        "    image: busybox:1.36\n",
        "    image: busybox:1.36\n    restartPolicy: Never\n    restartPolicyRules:\n"
        "    - action: Restart\n      exitCodes: {operator: In, values: [42]}\n")
    for rules, want in ((True, 1), (False, 0)):
        with Engine(restart_rules=rules) as eng:
            eng.fake.behave("app", "exit:42@1s,run")
            try:
                eng.add_pod(y)
            except podlife.ValidationError:
                pytest.skip("restartPolicyRules not accepted by this build")
            eng.run_for("1m")
            assert eng.container_info("c", "app").restart_count == want


def test_start_fail():
    with Engine() as eng:
        eng.fake.start_fail("app", 2, 'exec: "nope": executable file not found in $PATH')
        eng.add_pod(POD_CRASH.format(policy="Always"))
        ci = eng.container_info("c", "app")
        assert ci.reason in ("RunContainerError", "StartError", "CrashLoopBackOff")
        failed = [e for e in eng.events if e.reason == "Failed"]
        assert failed and "executable file not found" in failed[0].message
        eng.run_for("2m")
        assert eng.container_info("c", "app").state == "running"
        assert eng.container_info("c", "app").restart_count == 2


def test_pull_time():
    with Engine() as eng:
        eng.fake.image_missing("registry.example/app:1")
        eng.fake.pull_time("30s")
        eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n"
                    "  containers:\n  - name: app\n    image: registry.example/app:1\n")
        assert eng.fake.next_deadline() == 30 * SEC
        eng.run_until(29 * SEC)
        assert eng.pod_info("slow").phase == "Pending"
        eng.run_until(31 * SEC)
        assert eng.pod_info("slow").phase == "Running"
        assert times(eng, "Pulled", "app") == [30 * SEC]


@pytest.mark.parametrize("code,reason,exit_code", [
    (3, "Error", 3),
    (-1, "ContainerStatusUnknown", 137),
])
def test_lose_container_found_by_relist(code, reason, exit_code):
    with Engine(relist_period="1s") as eng:
        eng.fake.behave("app", "run")
        eng.add_pod(POD_CRASH.format(policy="Never"))
        eng.run_until(5 * SEC)
        eng.fake.lose_container("c", "app", code)
        eng.run_until(7 * SEC)
        ci = eng.container_info("c", "app")
        assert ci.state == "terminated"
        assert (ci.reason, ci.exit_code) == (reason, exit_code)
        assert eng.pod_info("c").phase == "Failed"
        with pytest.raises(podlife.NotFoundError):
            eng.fake.lose_container("c", "app")


def test_relist_off():
    with Engine(relist_period=0) as eng:
        eng.add_pod(POD_CRASH.format(policy="Never"))
        assert eng.next_deadline() is None
    with pytest.raises(podlife.InvalidArgumentError):
        Engine(relist_period=-5)
