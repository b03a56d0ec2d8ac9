"""No leaks over thousands of create/close cycles: C allocations counted
through the allocator hooks (podlife_parse_options.allocator,
podlife_keyring_new), the process's malloc heap through glibc's
mallinfo2 for the calls that take no allocator, Python objects through
tracemalloc; and allocation failures at every step end in
OutOfMemoryError without a leak."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import tracemalloc
import warnings

import pytest

import podlife
from conftest import CHECKOUT

POD = (CHECKOUT / "tests" / "manifests" / "seed" / "probes-demo.yaml").read_text()
CFG = (CHECKOUT / "tests" / "image" / "data" / "dockerconfig-glob.json").read_text()
SECRET = (CHECKOUT / "tests" / "image" / "data" / "registry-pull-secret.yaml").read_text()


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                 "uordblks", "fordblks", "keepcost")]


_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
_mallinfo2 = getattr(_libc, "mallinfo2", None)
if _mallinfo2 is not None:
    _mallinfo2.restype = _Mallinfo2
    _mallinfo2.argtypes = []


def heap_in_use() -> int:
    info = _mallinfo2()
    return info.uordblks + info.hblkhd


def test_parse_cycles_free_every_c_allocation():
    alloc = podlife.CountingAllocator()
    for _ in range(2000):
        pods = podlife.loads(POD, allocator=alloc)
        pod = pods[0]
        assert pod.spec.containers[0].name
        assert alloc.live > 0
        pod.to_json()
        pods.close()
        assert alloc.live == 0
    assert alloc.total > 2000


def test_garbage_collection_frees_pods():
    alloc = podlife.CountingAllocator()
    for _ in range(500):
        spec = podlife.loads(POD, allocator=alloc)[0].spec
        assert spec.containers[0].name
        del spec
    gc.collect()
    assert alloc.live == 0


def test_pod_outlives_allocator_reference():
    # The pod keeps its allocator alive: dropping the caller's reference
    # first is safe.
    alloc = podlife.CountingAllocator()
    pod = podlife.loads(POD, allocator=alloc)[0]
    del alloc
    gc.collect()
    assert pod.spec.containers[0].name
    pod.close()


def test_keyring_cycles():
    alloc = podlife.CountingAllocator()
    for _ in range(1000):
        with podlife.Keyring(allocator=alloc) as kr:
            kr.add_config(CFG)
            kr.add_secret(SECRET)
            assert kr.lookup("my-registry.io/images/app")
            assert kr.lookup_image("192.168.48.10/app:1")
        assert alloc.live == 0


def test_allocation_failures_parse():
    probe = podlife.CountingAllocator()
    podlife.loads(POD, allocator=probe).close()
    n = probe.total
    assert n > 0
    other = []
    for k in range(n):
        alloc = podlife.CountingAllocator(fail_after=k)
        try:
            podlife.loads(POD, allocator=alloc).close()
        except podlife.OutOfMemoryError:
            pass
        except podlife.PodlifeError as e:
            other.append("allocation %d: %s %r" % (k, type(e).__name__, str(e)))
        else:
            pytest.fail("allocation %d of %d failed without an error" % (k, n))
        assert alloc.failed >= 1
        assert alloc.live == 0, "leak after failing allocation %d" % k
    # Running out of memory is never reported as bad input.
    assert not other, "not ENOMEM: " + "; ".join(other)


def test_allocation_failures_keyring():
    probe = podlife.CountingAllocator()
    with podlife.Keyring(allocator=probe) as kr:
        kr.add_config(CFG)
        kr.lookup("my-registry.io/images/subpath/app")
    n = probe.total
    for k in range(n):
        alloc = podlife.CountingAllocator(fail_after=k)
        try:
            with podlife.Keyring(allocator=alloc) as kr:
                kr.add_config(CFG)
                kr.lookup("my-registry.io/images/subpath/app")
        except podlife.OutOfMemoryError:
            pass
        else:
            pytest.fail("allocation %d of %d failed without an error" % (k, n))
        assert alloc.live == 0, "leak after failing allocation %d" % k


def _cycle_everything() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with podlife.loads(POD) as pods:
            pods[0].to_yaml()
            pods.to_json()
        try:
            podlife.loads("apiVersion: v1\nkind: Pod\nmetadata: {name: A}\n"
                          "spec: {containers: [{name: c}]}\n")
        except podlife.ValidationError:
            pass
    podlife.ImageReference.parse("quay.io/x/y:1")
    try:
        podlife.ImageReference.parse("Foo/Bar")
    except podlife.InvalidArgumentError:
        pass
    podlife.never_pull_message("x")
    podlife.parse_quantity_milli("1.5Gi")
    try:
        podlife.parse_quantity_milli("x")
    except podlife.InvalidArgumentError:
        pass
    with podlife.Keyring() as kr:
        kr.add_config(CFG)
        kr.add_secret(SECRET)
        kr.lookup_image("my-registry.io/images/app:1")


@pytest.mark.skipif(_mallinfo2 is None, reason="needs glibc's mallinfo2")
def test_no_heap_growth_without_allocator():
    for _ in range(300):  # warm caches and arenas
        _cycle_everything()
    gc.collect()
    before = heap_in_use()
    for _ in range(3000):
        _cycle_everything()
    gc.collect()
    grown = heap_in_use() - before
    # a leak of 32 bytes per cycle would be 96 KB
    assert grown < 96 * 1024, "heap grew by %d bytes over 3000 cycles" % grown


def test_no_python_object_growth():
    for _ in range(200):
        _cycle_everything()
    gc.collect()
    tracemalloc.start()
    try:
        snap1 = tracemalloc.take_snapshot()
        for _ in range(2000):
            _cycle_everything()
        gc.collect()
        snap2 = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    flt = [tracemalloc.Filter(True, "*podlife*")]
    diff = snap2.filter_traces(flt).compare_to(snap1.filter_traces(flt), "filename")
    grown = sum(d.size_diff for d in diff)
    assert grown < 32 * 1024, diff[:5]


ENGINE_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: e
spec:
  initContainers:
  - name: init
    image: busybox:1.36
  containers:
  - name: app
    image: nginx:1.25
"""


def test_engine_cycles_free_every_c_allocation():
    alloc = podlife.CountingAllocator()
    for i in range(300):
        clock = podlife.SimClock(allocator=alloc)
        fake = podlife.FakeBackend(clock, allocator=alloc)
        fake.behave("init", "exit:0@1s")
        fake.behave("app", "exit:1@2s")
        with podlife.Engine(fake, clock, allocator=alloc, describe_events=True) as eng:
            with podlife.loads(ENGINE_POD, allocator=alloc) as pods:
                eng.add_pod(pods[0])
            eng.run_for("2m")
            eng.status("e")
            eng.explain("e")
            eng.describe_events("e")
            snap = eng.snapshot()
            eng.delete_pod("e")
            eng.run_for("1m")
        with podlife.Engine(fake, clock, allocator=alloc) as again:
            again.restore(snap)
        fake.close()
        clock.close()
        assert alloc.live == 0, "cycle %d" % i


def test_engine_garbage_collected_in_any_order():
    alloc = podlife.CountingAllocator()
    for _ in range(200):
        eng = podlife.Engine(allocator=alloc)
        eng.add_pod(ENGINE_POD)
        eng.run_for("10s")
        del eng  # engine, its fake and its clock go together
    gc.collect()
    assert alloc.live == 0


def test_python_backend_cycles():
    class Tiny(podlife.Backend):
        def container_create(self, config, result):
            result.id = config.name

        def container_start(self, container_id, result):
            pass

        def container_stop(self, container_id, signal, grace_s):
            pass

        def container_remove(self, container_id):
            pass

    for _ in range(300):
        _engine_cycle(Tiny())
    gc.collect()
    before = heap_in_use() if _mallinfo2 else 0
    for _ in range(1500):
        _engine_cycle(Tiny())
    gc.collect()
    if _mallinfo2:
        grown = heap_in_use() - before
        assert grown < 96 * 1024, "heap grew by %d bytes" % grown


def _engine_cycle(backend):
    with podlife.Engine(backend) as eng:
        eng.add_pod(ENGINE_POD)
        eng.status("e")


def test_backend_referring_to_its_engine_is_collected():
    # A real backend keeps its engine to call notify_*; dropping both
    # without close() must still free the C engine.
    class Host(podlife.Backend):
        def container_create(self, config, result):
            result.id = config.name

        def container_start(self, container_id, result):
            pass

        def container_stop(self, container_id, signal, grace_s):
            pass

        def container_remove(self, container_id):
            pass

    alloc = podlife.CountingAllocator()
    for _ in range(100):
        be = Host()
        eng = podlife.Engine(be, allocator=alloc)
        be.engine = eng
        eng.add_pod(ENGINE_POD)
        del be, eng
    gc.collect()
    assert alloc.live == 0
