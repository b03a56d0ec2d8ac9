"""Threads: ctypes releases the GIL for every call (the library is loaded
as a CDLL, not a PyDLL), one pod may be read from several threads at once,
and distinct engines run on distinct threads."""

from __future__ import annotations

import ctypes
import threading

import podlife
from podlife import _lib
from conftest import CHECKOUT

POD = (CHECKOUT / "tests" / "manifests" / "seed" / "probes-demo.yaml").read_text()


def test_library_releases_the_gil():
    assert type(_lib.lib) is ctypes.CDLL  # PyDLL would keep the GIL


def _run_threads(target, n=8):
    errors = []

    def wrap(i):
        try:
            target(i)
        except BaseException as e:  # collected for the main thread
            errors.append(e)

    ts = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors


def test_one_pod_read_from_many_threads():
    with podlife.loads(POD) as pods:
        pod = pods[0]
        want = pod.to_dict()

        def read(_i):
            for _ in range(50):
                assert pod.to_dict() == want
                assert pod.spec.containers[0].name == want["spec"]["containers"][0]["name"]

        _run_threads(read)


def test_parsing_in_parallel():
    def parse(_i):
        for _ in range(50):
            with podlife.loads(POD) as pods:
                assert pods[0].spec.containers

    _run_threads(parse)


def test_engines_on_their_own_threads():
    results = {}

    def run(i):
        with podlife.Engine() as eng:
            eng.fake.behave("app", "exit:1@3s")
            eng.add_pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: t%d\nspec:\n"
                        "  containers:\n  - name: app\n    image: busybox:1.36\n" % i)
            eng.run_for("10m")
            results[i] = eng.pod_info("t%d" % i).restarts

    _run_threads(run, 6)
    assert len(set(results.values())) == 1 and results[0] > 5
