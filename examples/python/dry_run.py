#!/usr/bin/env python3
"""examples/python/dry_run.py - dry-runs a Pod manifest on the simulated
clock with scripted container behaviour and prints the timeline: every
event and every change of the ``kubectl get pods`` columns, then why the
pod ended where it did.

    dry_run.py pod.yaml --behave app=exit:1@3s --for 10m
    dry_run.py tests/manifests/seed/initpod02.yaml --behave initc=exit:0@5s
    dry_run.py pod.yaml --image-missing nginx:1.25 --pull-fail nginx:1.25=3 -o json
    dry_run.py pod.yaml --image-missing nginx:1.25 --pull-time 20s --describe
    dry_run.py pod.yaml --probe app.readiness=fail,fail,ok --probe app.liveness=ok,fail

Steps (``--behave NAME=STEP[,STEP...]``, one per run of the container, the
last repeating): exit:CODE@DUR, run, hang, oom@DUR.  Probe results
(``--probe NAME.KIND=RESULTS``, KIND liveness, readiness or startup, one
per run of that probe, the last repeating): ok, fail, error, timeout;
unscripted probes succeed.  Needs the podlife package (bindings/python)
and libpodlife (PODLIFE_LIBRARY or a build).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Dict, List, Optional, Tuple

try:
    import podlife
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "bindings", "python"))
    import podlife


def fmt_time(ms: int) -> str:
    """Elapsed time as kubectl prints ages: 45s, 3m20s, 1h2m."""
    s = ms // 1000
    if s < 60:
        return "%ds" % s if ms % 1000 == 0 else "%.1fs" % (ms / 1000)
    if s < 3600:
        return "%dm%ds" % (s // 60, s % 60) if s % 60 else "%dm" % (s // 60)
    return "%dh%dm" % (s // 3600, (s % 3600) // 60)


class Timeline:
    """Prints events and column changes of one pod as they happen."""

    def __init__(self, engine: podlife.Engine, namespace: str, name: str, as_json: bool) -> None:
        self.engine = engine
        self.namespace = namespace
        self.name = name
        self.json = as_json
        self.t0 = engine.now
        self.last: Optional[Tuple[str, str, str, int]] = None
        self.header = False

    def event(self, ev: podlife.Event) -> None:
        t = ev.time_ms - self.t0
        if self.json:
            print(json.dumps({"t": t / 1000, "event": {
                "type": ev.type, "reason": ev.reason, "container": ev.container,
                "message": ev.message}}))
            return
        where = (ev.field_path + ": ") if ev.field_path else ""
        print("%-8s  event  %-7s  %-20s  %s%s" % (fmt_time(t), ev.type, ev.reason, where,
                                                 ev.message))

    def row(self, force: bool = False) -> None:
        try:
            info = self.engine.pod_info(self.name, self.namespace)
        except podlife.NotFoundError:
            return
        key = (info.phase, info.status, info.ready, info.restarts)
        if key == self.last and not force:
            return
        self.last = key
        t = self.engine.now - self.t0
        if self.json:
            print(json.dumps({"t": t / 1000, "phase": info.phase, "status": info.status,
                              "ready": info.ready, "restarts": info.restarts}))
            return
        if not self.header:
            print("%-8s  %-5s  %-24s  %-6s  %-24s  %-12s  %s" % (
                "TIME", "KIND", "NAME", "READY", "STATUS", "RESTARTS", "PHASE"))
            self.header = True
        print("%-8s  %-5s  %-24s  %-6s  %-24s  %-12s  %s" % (
            fmt_time(t), "pod", self.name, info.ready, info.status, info.restarts_text,
            info.phase))


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("manifest", help="Pod manifest (or a workload with a pod template)")
    p.add_argument("--for", dest="duration", default="10m", help="simulated time (default 10m)")
    p.add_argument("--behave", action="append", default=[], metavar="NAME=STEPS",
                   help="runs of container NAME, the last repeating")
    p.add_argument("--image-missing", action="append", default=[], metavar="REF",
                   help="image not present locally (others are)")
    p.add_argument("--pull-fail", action="append", default=[], metavar="REF=N",
                   help="the first N pulls of REF fail")
    p.add_argument("--pull-time", metavar="DURATION", help="how long each pull takes")
    p.add_argument("--start-fail", action="append", default=[], metavar="NAME=N",
                   help="the next N starts of container NAME fail (command not found)")
    p.add_argument("--probe", action="append", default=[], metavar="NAME.KIND=RESULTS",
                   help="results of a probe of container NAME (KIND liveness, readiness or "
                        "startup), one per run, the last repeating: ok, fail, error, timeout")
    p.add_argument("--describe", action="store_true",
                   help="print the Events table of `kubectl describe pod` at the end")
    p.add_argument("--node-label", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--delete-at", metavar="DURATION", help="delete the pod at that time")
    p.add_argument("-o", "--output", choices=["table", "json"], default="table")
    return p.parse_args(argv)


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    try:
        pods = podlife.load(args.manifest)
    except podlife.PodlifeError as e:
        print("dry_run: %s" % e, file=sys.stderr)
        for fe in getattr(e, "errors", []):
            print("  %s" % fe, file=sys.stderr)
        return 1
    if not pods:
        print("dry_run: no pod in %s" % args.manifest, file=sys.stderr)
        return 1
    pod = pods[0]
    labels: Dict[str, str] = dict(kv.split("=", 1) for kv in args.node_label)
    timeline: Optional[Timeline] = None

    def on_event(ev: podlife.Event) -> None:
        if timeline is not None:
            timeline.event(ev)

    def on_changed(_ns: str, _name: str) -> None:
        if timeline is not None:
            timeline.row()

    with podlife.Engine(node_name="node-1", node_labels=labels, on_event=on_event,
                        on_pod_changed=on_changed, keep_events=False,
                        describe_events=args.describe) as engine:
        fake = engine.fake
        try:
            for b in args.behave:
                fake.behave_arg(b)
            for pr in args.probe:
                fake.probe_arg(pr)
            for ref in args.image_missing:
                fake.image_missing(ref)
            for pf in args.pull_fail:
                ref, _, n = pf.rpartition("=")
                fake.pull_fail(ref, int(n))
            if args.pull_time:
                fake.pull_time(args.pull_time)
            for sf in args.start_fail:
                name, _, n = sf.rpartition("=")
                fake.start_fail(name, int(n), 'exec: "%s": executable file not found in $PATH'
                                % name)
            duration = podlife.parse_duration(args.duration)
            delete_at = podlife.parse_duration(args.delete_at) if args.delete_at else None
        except (podlife.PodlifeError, ValueError) as e:
            print("dry_run: %s" % e, file=sys.stderr)
            return 2
        timeline = Timeline(engine, pod.namespace, pod.name, args.output == "json")
        engine.add_pod(pod)
        timeline.row()
        t0 = timeline.t0
        if delete_at is not None and delete_at < duration:
            engine.run_until(t0 + delete_at)
            engine.delete_pod(pod.name, pod.namespace)
            timeline.row()
        engine.run_until(t0 + duration)
        timeline.row()
        if args.output == "json":
            print(json.dumps({"t": (engine.now - t0) / 1000,
                              "final": engine.status(pod.name, pod.namespace)}))
        else:
            print("\nat the end:")
            print(engine.explain(pod.name, namespace=pod.namespace), end="")
            if args.describe:
                print()
                print(engine.describe_events(pod.name, pod.namespace), end="")
    pods.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
