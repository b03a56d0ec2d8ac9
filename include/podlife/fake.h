/*
 * podlife/fake.h - a scriptable in-memory container backend for tests,
 * dry runs and `podlife simulate`.
 *
 * Each container name gets a script of steps, one per run of the
 * container, the last one repeating:
 *   exit:CODE@DUR  runs DUR (default 0s), then exits with CODE
 *   run            runs until stopped; exits 0 on the stop signal
 *   hang           ignores the stop signal; killed (137) when the grace
 *                  period ends
 *   oom@DUR        runs DUR, then is OOM-killed (137, OOMKilled)
 * Unscripted containers `run`.  Durations are Go-like: "90s", "10m",
 * "1h30m", "500ms", or a bare number of seconds.
 *
 * Images are present unless marked missing; pulls of a missing image
 * succeed unless set to fail N times.  Fault injection makes the Nth
 * backend call (counted from 1 across every slot) fail with EBACKEND.
 *
 * Everything the fake does is synchronous except container exits, which
 * it reports to its engine from podlife_fake_advance() at the scripted
 * time.  One thread at a time, with its engine.
 */
#ifndef PODLIFE_FAKE_H
#define PODLIFE_FAKE_H

#include "backend.h"
#include "clock.h"
#include "common.h"
#include "engine.h"
#include "probe.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct podlife_fake podlife_fake;

/* ---- step scripts ---------------------------------------------------------- */

typedef enum podlife_fake_action {
	PODLIFE_FAKE_EXIT = 0,
	PODLIFE_FAKE_RUN,
	PODLIFE_FAKE_HANG,
	PODLIFE_FAKE_OOM
} podlife_fake_action;

typedef struct podlife_fake_step {
	podlife_fake_action action;
	int exit_code;       /* EXIT */
	int64_t duration_ms; /* EXIT, OOM */
} podlife_fake_step;

/*
 * Parses a Go-like duration ("90s", "10m", "1h", "1m30s", "250ms", "2h0m")
 * or a bare number of seconds into milliseconds.  EINVAL on bad text.
 */
PODLIFE_EXTERN int podlife_duration_parse(const char *text, int64_t *out_ms);

/*
 * Parses "STEP[,STEP...]" (the steps above) into *steps (owned,
 * podlife_free) and *n.  EINVAL with a message in *err (may be NULL)
 * naming the bad step.
 */
PODLIFE_EXTERN int podlife_fake_steps_parse(const char *text, podlife_fake_step **steps,
                                            size_t *n, podlife_error **err);

/* ---- the fake ------------------------------------------------------------- */

/* A new fake reading time from `clock` (required, must outlive it). */
PODLIFE_EXTERN int podlife_fake_new(const podlife_clock *clock, const podlife_allocator *allocator,
                                    podlife_fake **out);
PODLIFE_EXTERN void podlife_fake_free(podlife_fake *f);

/* The backend vtable (borrowed, valid as long as the fake). */
PODLIFE_EXTERN const podlife_backend *podlife_fake_backend(podlife_fake *f);

/* The engine that receives exit reports (set after podlife_engine_new). */
PODLIFE_EXTERN void podlife_fake_attach(podlife_fake *f, podlife_engine *e);

/* Script for every container called `container` (any pod); replaces. */
PODLIFE_EXTERN int podlife_fake_script(podlife_fake *f, const char *container,
                                       const podlife_fake_step *steps, size_t n);
/* Same, from the step syntax. */
PODLIFE_EXTERN int podlife_fake_behave(podlife_fake *f, const char *container, const char *steps,
                                       podlife_error **err);
/* "NAME=STEP[,STEP...]" as the CLI's --behave takes it. */
PODLIFE_EXTERN int podlife_fake_behave_arg(podlife_fake *f, const char *arg, podlife_error **err);

/*
 * The next n starts of containers called `container` fail with `message`
 * (e.g. a command that does not exist: containerd's StartError, exit
 * 128), as RunContainerError.  Keeps the container's script.
 */
PODLIFE_EXTERN int podlife_fake_start_fail(podlife_fake *f, const char *container, unsigned int n,
                                           const char *message);

/* Marks an image (as written in specs) not present locally. */
PODLIFE_EXTERN int podlife_fake_image_missing(podlife_fake *f, const char *image);
/*
 * Every pull from now on takes `ms` milliseconds of the fake's clock: the
 * pull slot returns PODLIFE_PENDING and podlife_fake_advance() reports
 * the outcome with podlife_engine_notify_pull().  0 (the default): pulls
 * finish at once.
 */
PODLIFE_EXTERN void podlife_fake_pull_time(podlife_fake *f, int64_t ms);
/* The first n pulls of `image` fail ("rpc error: ... not found"). */
PODLIFE_EXTERN int podlife_fake_pull_fail(podlife_fake *f, const char *image, unsigned int n);
/* Backend call number n (from 1, counted over every slot since the fake
 * was made) fails with EBACKEND; 0 disables. */
PODLIFE_EXTERN void podlife_fake_fail_call(podlife_fake *f, unsigned long n);
/* Number of backend calls so far. */
PODLIFE_EXTERN unsigned long podlife_fake_calls(const podlife_fake *f);
/* The next exec or http hook calls return this exit code / status
 * (default 0 for exec, 200 for http). */
PODLIFE_EXTERN void podlife_fake_hook_result(podlife_fake *f, int exec_exit_code, int http_status);
/* The pod's sandbox dies with its containers (a node reboot); the engine
 * is told with podlife_engine_notify_sandbox_lost.  ENOTFOUND when the
 * pod has no running sandbox. */
PODLIFE_EXTERN int podlife_fake_lose_sandbox(podlife_fake *f, const char *pod_namespace,
                                             const char *pod_name);
/* Makes container_list fail (1) or work (0). */
PODLIFE_EXTERN void podlife_fake_list_fails(podlife_fake *f, int fail);
/*
 * The running container `container` of the pod stops without any exit
 * report to the engine, so that only the engine's relist (container_list,
 * see podlife_engine_config.relist_period_ms) can find out:
 *  - exit_code >= 0: it is listed as exited with that code from now on;
 *  - exit_code < 0: the runtime forgets it; container_list no longer
 *    lists it (the engine then reports ContainerStatusUnknown, exit 137).
 * pod_namespace NULL or "" means "default".  EINVAL for a NULL f,
 * pod_name or container; ENOTFOUND when no such container is running.
 * Not thread-safe (like every podlife_fake call).
 */
PODLIFE_EXTERN int podlife_fake_lose_container(podlife_fake *f, const char *pod_namespace,
                                               const char *pod_name, const char *container,
                                               int exit_code);

/*
 * Probe results for every container called `container` (any pod):
 * `results` is a comma list of
 *   ok       success
 *   fail     failure, with the output the kubelet's handler would give
 *            ("HTTP probe failed with statuscode: 500", "dial tcp ...:
 *            connect: connection refused", `service unhealthy (responded
 *            with "NOT_SERVING")`, or none for exec)
 *   error    the probe cannot run (EBACKEND): the result is thrown away
 *   timeout  no answer: the engine counts a failure after timeoutSeconds
 * one per run of that probe, the last repeating, starting over for each
 * new instance of the container.  Unscripted probes succeed.  Replaces
 * an earlier script of the same container and kind.  The results are
 * used by engines configured with podlife_fake_probes().  EINVAL (with
 * *err, may be NULL) on a bad word or kind.
 */
PODLIFE_EXTERN int podlife_fake_probe(podlife_fake *f, const char *container,
                                      podlife_probe_kind kind, const char *results,
                                      podlife_error **err);
/* "NAME.KIND=RESULTS" as the CLI's --probe takes it (KIND liveness,
 * readiness or startup). */
PODLIFE_EXTERN int podlife_fake_probe_arg(podlife_fake *f, const char *arg, podlife_error **err);
/*
 * The fake's probe vtable (borrowed, valid as long as the fake): every
 * handler slot answers from the scripts above.  Pass it as
 * podlife_engine_config.probes.
 */
PODLIFE_EXTERN const podlife_probe_backend *podlife_fake_probes(podlife_fake *f);

/* Counters for tests: containers started, stopped, existing now; sandboxes
 * existing now; pulls made. */
typedef struct podlife_fake_stats {
	unsigned long starts, stops, creates, removes, pulls, execs;
	unsigned long live_containers, live_sandboxes;
} podlife_fake_stats;
PODLIFE_EXTERN void podlife_fake_get_stats(const podlife_fake *f, podlife_fake_stats *out);

/* Earliest scripted exit or pending pull, or INT64_MAX. */
PODLIFE_EXTERN int64_t podlife_fake_next_deadline(const podlife_fake *f);
/* Reports every scripted exit and pull due at or before now_ms to the engine. */
PODLIFE_EXTERN int podlife_fake_advance(podlife_fake *f, int64_t now_ms);

/*
 * Runs fake and engine on a simulated clock until `until_ms`: moves the
 * clock to the next engine or fake deadline, reports exits, ticks.  Calls
 * `on_step` (may be NULL) after each step; a non-zero return stops.
 */
typedef int (*podlife_fake_step_fn)(void *ud, int64_t now_ms);
PODLIFE_EXTERN int podlife_fake_run(podlife_fake *f, podlife_engine *e, podlife_simclock *sc,
                                    int64_t until_ms, podlife_fake_step_fn on_step, void *ud);

#ifdef __cplusplus
}
#endif
#endif
