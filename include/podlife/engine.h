/*
 * podlife/engine.h - the pod lifecycle engine: the kubelet's pod workers
 * as a host-driven state machine.
 *
 * The engine never blocks and starts no thread.  The host:
 *   1. creates an engine with a node, a backend (backend.h), a clock
 *      (clock.h) and an event sink;
 *   2. adds, updates and deletes pods;
 *   3. asks podlife_engine_next_deadline() and calls podlife_engine_tick()
 *      when that time comes;
 *   4. reports what its backend finished later (container exits, pulls,
 *      execs, sandboxes) with the podlife_engine_notify_* calls.
 * podlife_engine_run() is a small blocking loop on top, for simple hosts.
 *
 * Threads: an engine is used by one thread at a time, and that includes
 * the notify calls: there is no internal queue or lock.  A backend whose
 * work completes on other threads hands the completion to the engine's
 * thread (e.g. through a pipe watched by its loop) and calls notify there.
 * Different engines are independent.  Backend slots, the clock and the
 * event sink are called on the engine's thread, from inside engine calls.
 *
 * Pods are named by namespace and name (namespace NULL or "" means
 * "default").  Times are engine milliseconds on the engine's clock.
 */
#ifndef PODLIFE_ENGINE_H
#define PODLIFE_ENGINE_H

#include "backend.h"
#include "clock.h"
#include "common.h"
#include "image.h"
#include "pod.h"
#include "probe.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct podlife_engine podlife_engine;

/* ---- events ------------------------------------------------------------- */

#define PODLIFE_EVENT_VERSION 1

/* One event, as the kubelet records it (pkg/kubelet/events/event.go). */
typedef struct podlife_event {
	unsigned int version;     /* PODLIFE_EVENT_VERSION */
	int64_t time_ms;          /* engine clock */
	const char *type;         /* "Normal" or "Warning" */
	const char *reason;       /* "Pulling", "BackOff", ... */
	const char *message;
	const char *pod_namespace;
	const char *pod_name;
	const char *container;    /* container name, NULL for pod events */
	const char *field_path;   /* "spec.containers{app}", NULL for pod events */
} podlife_event;

/* Called for every event; strings are borrowed for the call only. */
typedef void (*podlife_event_fn)(void *ud, const podlife_event *ev);
/* Called when a pod's status (phase, container states, columns) changed. */
typedef void (*podlife_pod_changed_fn)(void *ud, const char *pod_namespace, const char *pod_name);

/* ---- configuration ------------------------------------------------------- */

/* Pod Security Standards level enforced at admission. */
typedef enum podlife_pod_security {
	PODLIFE_PSS_NONE = 0,  /* no check */
	PODLIFE_PSS_PRIVILEGED,
	PODLIFE_PSS_BASELINE,
	PODLIFE_PSS_RESTRICTED
} podlife_pod_security;

typedef enum podlife_engine_flags {
	/* Honour container-level restartPolicy and restartPolicyRules on
	 * exit codes (KEP-5307, gate ContainerRestartRules). */
	PODLIFE_ENGINE_RESTART_RULES = 1u << 0,
	/* Keep each pod's events, counted and aggregated as the kubelet's
	 * recorder does, for podlife_engine_describe_events (costs memory
	 * per pod: at most 256 rows). */
	PODLIFE_ENGINE_KEEP_EVENTS = 1u << 1
} podlife_engine_flags;

/* Version 2 added relist_period_ms, version 3 `probes`; older structs are
 * still accepted (version 1 gets the default relist period, 1 s; versions
 * 1 and 2 the built-in probe handlers). */
#define PODLIFE_ENGINE_CONFIG_VERSION 3

/*
 * Engine configuration; initialise with PODLIFE_ENGINE_CONFIG_INIT.
 * Everything pointed to is copied by podlife_engine_new except
 * `allocator`, `backend`, `clock` and `node_keyring`, which must outlive
 * the engine.
 */
typedef struct podlife_engine_config {
	unsigned int version;      /* PODLIFE_ENGINE_CONFIG_VERSION */
	const char *node_name;     /* NULL: "node" */
	/* Node labels as key/value pairs: node_labels[2i] = key,
	 * node_labels[2i+1] = value, n_node_labels pairs. */
	const char *const *node_labels;
	size_t n_node_labels;
	const podlife_allocator *allocator; /* NULL: libc */
	const podlife_backend *backend;     /* required */
	const podlife_clock *clock;         /* NULL: podlife_clock_real() */
	podlife_event_fn on_event;          /* may be NULL */
	void *event_ud;
	podlife_pod_changed_fn on_pod_changed; /* may be NULL */
	void *changed_ud;
	/* Crash-loop back-off (KEP-4603 knobs): 0 means 10 s / 300 s.
	 * The initial value is capped at the maximum. */
	int64_t crashloop_initial_ms;
	int64_t crashloop_max_ms;
	/* Image pull back-off: 0 means 10 s / 300 s. */
	int64_t image_backoff_initial_ms;
	int64_t image_backoff_max_ms;
	podlife_pod_security pod_security;
	const podlife_keyring *node_keyring; /* node credentials, may be NULL */
	unsigned int flags;                  /* podlife_engine_flags */
	/*
	 * (Version 2.)  Period of the container relist, in ms, like the
	 * kubelet's PLEG relist (1 s); 0 turns it off, a negative value is
	 * EINVAL.  Only used when the backend has `container_list`.
	 *
	 * Every period the engine lists the backend's containers once (one
	 * call for all pods, O(containers)) and compares the listing with
	 * what it believes:
	 *  - a container it believes created or running that is not listed
	 *    any more is reported exited with exit code 137, reason
	 *    "ContainerStatusUnknown" and message "The container could not
	 *    be located when the pod was deleted.  The container used to be
	 *    Running" (convertToAPIContainerStatuses); the restart policy
	 *    then applies as for any exit;
	 *  - a container listed as exited that the engine believes running
	 *    is handled as if podlife_engine_notify_exited had reported it
	 *    (exit code, OOM and finish time from the listing); a later
	 *    notification of the same exit is ENOTFOUND;
	 *  - when the listing call fails, every pod that has a sandbox or a
	 *    container and has not finished goes to phase "Unknown" with
	 *    reason "BackendUnavailable" and message "The container runtime
	 *    did not report the pod's containers"; nothing is started,
	 *    restarted or killed for it meanwhile.  The next listing that
	 *    succeeds applies the two rules above, clears the reason and
	 *    message and the pod resumes.  Terminal phases (Succeeded,
	 *    Failed) never become Unknown.
	 * The relist timer is armed while the engine has pods and counts in
	 * podlife_engine_next_deadline (an engine with pods always has a
	 * next deadline); with no pods it is off.  Cost: one container_list
	 * call and O(pods + containers) per period; exited entries are only
	 * looked at when a container believed alive was not listed running.
	 */
	int64_t relist_period_ms;
	/*
	 * (Version 3.)  Probe handlers (probe.h); NULL, or a NULL slot, uses
	 * the built-in handler: httpGet, tcpSocket and grpc on the engine's
	 * own network client (sockets from `open_socket` when given), exec
	 * through the backend's exec_sync.  Borrowed: must outlive the
	 * engine.  See "Probes" in doc/guide.md for the scheduling rules.
	 */
	const podlife_probe_backend *probes;
} podlife_engine_config;

#define PODLIFE_ENGINE_CONFIG_INIT                                                     \
	{PODLIFE_ENGINE_CONFIG_VERSION, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, \
	 NULL, 0, 0, 0, 0, PODLIFE_PSS_NONE, NULL, 0, 1000, NULL}

/*
 * A new engine.  EVERSION when a struct version is unknown, EINVAL when
 * no backend is given.
 */
PODLIFE_EXTERN int podlife_engine_new(const podlife_engine_config *cfg, podlife_engine **out);
/* Frees the engine and its pods without calling the backend. */
PODLIFE_EXTERN void podlife_engine_free(podlife_engine *e);

/*
 * Registers an image pull Secret (kubernetes.io/dockerconfigjson or
 * dockercfg manifest, YAML or JSON) under its metadata.name; pods name it
 * in spec.imagePullSecrets.  Registering a name again replaces it.
 */
PODLIFE_EXTERN int podlife_engine_add_pull_secret(podlife_engine *e, const char *data,
                                                  size_t len);

/*
 * Registers a PodPreset (settings.k8s.io/v1alpha1 manifest, YAML or JSON):
 * pods added later in its namespace whose labels its spec.selector
 * matches get its env, envFrom, volumes and volumeMounts merged in (all
 * containers and init containers) and the annotation
 * podpreset.admission.kubernetes.io/podpreset-<name>: <resourceVersion>,
 * as the PodPreset admission plugin did.  A conflict (same env name or
 * volume with another value, two mounts on one path) leaves the pod
 * unchanged and emits a Warning event PodPresetConflict.  Pods annotated
 * podpreset.admission.kubernetes.io/exclude: "true" are skipped.
 * EINVALID (with *err) when the text is not a PodPreset.
 */
PODLIFE_EXTERN int podlife_engine_add_preset(podlife_engine *e, const char *data, size_t len,
                                             podlife_error **err);

/* ---- pods --------------------------------------------------------------- */

/*
 * Adds a pod and runs admission (nodeSelector, Pod Security level).  The
 * engine retains `pod` (podlife_pod_retain); the caller keeps its own
 * reference.  EEXISTS when a pod of that namespace/name is present.  A pod
 * that fails admission is still added, in phase Failed with the reason
 * (NodeAffinity, PodSecurity) and nothing started.  The first sync runs
 * at once, inside this call.
 */
PODLIFE_EXTERN int podlife_engine_add_pod(podlife_engine *e, podlife_pod *pod);

/*
 * As podlife_engine_add_pod, under another namespace and name (either may
 * be NULL for the pod's own).  This is how many pods share one immutable
 * spec (replicas of a template): the spec is retained, never copied.
 * Such a pod is updated with podlife_engine_update_pod only when its
 * name is the spec's.
 */
PODLIFE_EXTERN int podlife_engine_add_pod_named(podlife_engine *e, podlife_pod *pod,
                                                const char *pod_namespace, const char *name);

/*
 * Replaces the spec of a present pod, following the API server's update
 * rules (ValidatePodUpdate): only container and init container images,
 * activeDeadlineSeconds (set, or lowered) and added tolerations may change.
 * Anything else fails with EINVALID and, when `err` is not NULL, an error
 * whose message is the API server's ("Pod updates may not change fields
 * other than ...").  A regular container whose image changed is killed
 * and restarted; a changed init container image restarts the pod (new
 * sandbox, every init container again).  ENOTFOUND for an unknown pod.
 */
PODLIFE_EXTERN int podlife_engine_update_pod(podlife_engine *e, podlife_pod *pod,
                                             podlife_error **err);

/*
 * Deletes a pod gracefully: preStop hooks, the stop signal, SIGKILL after
 * the grace period.  `grace_s` < 0 uses terminationGracePeriodSeconds;
 * otherwise it is the delete's gracePeriodSeconds (0 still gives each
 * container 2 s before SIGKILL).  A second delete may only shorten the
 * grace period.  The pod stays queryable (Terminating, then its final
 * phase) until podlife_engine_remove_pod.
 */
PODLIFE_EXTERN int podlife_engine_delete_pod(podlife_engine *e, const char *pod_namespace,
                                             const char *name, int64_t grace_s);

/*
 * Forgets a pod.  Containers still running are left to the backend
 * (stop them first with podlife_engine_delete_pod).
 */
PODLIFE_EXTERN int podlife_engine_remove_pod(podlife_engine *e, const char *pod_namespace,
                                             const char *name);

PODLIFE_EXTERN size_t podlife_engine_pod_count(const podlife_engine *e);

/* ---- status ------------------------------------------------------------- */

#define PODLIFE_POD_INFO_VERSION 1

/* A pod's status summary.  Strings are borrowed until the next engine call. */
typedef struct podlife_pod_info {
	unsigned int version;   /* PODLIFE_POD_INFO_VERSION */
	const char *phase;      /* "Pending", "Running", "Succeeded", "Failed", "Unknown" */
	const char *reason;     /* "" when none */
	const char *message;    /* "" when none */
	/* The kubectl get pods columns. */
	char status[96];
	char ready[24];
	int restarts;
	char restarts_text[48];
	int terminating;        /* deletion requested */
	int finished;           /* nothing left to do for this pod */
	size_t n_init_containers;
	size_t n_containers;
} podlife_pod_info;

#define PODLIFE_POD_INFO_INIT {PODLIFE_POD_INFO_VERSION, NULL, NULL, NULL, {0}, {0}, 0, {0}, 0, 0, 0, 0}

PODLIFE_EXTERN int podlife_engine_pod_info(podlife_engine *e, const char *pod_namespace,
                                           const char *name, podlife_pod_info *out);

#define PODLIFE_CONTAINER_INFO_VERSION 1

typedef struct podlife_container_info {
	unsigned int version;   /* PODLIFE_CONTAINER_INFO_VERSION */
	const char *name;
	podlife_container_kind kind;
	const char *state;      /* "waiting", "running", "terminated", "" (none) */
	const char *reason;     /* waiting/terminated reason, "" when none */
	const char *message;    /* "" when none */
	int exit_code;          /* terminated */
	const char *last_state; /* "terminated" or "" */
	const char *last_reason;
	int last_exit_code;
	int restart_count;
	int ready;
	int started;            /* -1 unset */
	const char *container_id; /* "podlife://<id>" or "" */
} podlife_container_info;

#define PODLIFE_CONTAINER_INFO_INIT {PODLIFE_CONTAINER_INFO_VERSION, NULL, 0, NULL, NULL, NULL, \
	0, NULL, NULL, 0, 0, 0, -1, NULL}

/* The status of container `container` (an init or regular container name). */
PODLIFE_EXTERN int podlife_engine_container_info(podlife_engine *e, const char *pod_namespace,
                                                 const char *name, const char *container,
                                                 podlife_container_info *out);

/*
 * The pod's status as Kubernetes PodStatus JSON (owned, podlife_free).
 * ENOTFOUND for an unknown pod.
 */
PODLIFE_EXTERN int podlife_engine_status_json(podlife_engine *e, const char *pod_namespace,
                                              const char *name, char **out);

/*
 * The pod's events as `kubectl describe pod` prints its Events section
 * (Type, Reason, Age, From, Message; repeated events counted "x5 over
 * 2m").  Owned, podlife_free.  ESTATE unless the engine was made with
 * PODLIFE_ENGINE_KEEP_EVENTS.
 */
PODLIFE_EXTERN int podlife_engine_describe_events(podlife_engine *e, const char *pod_namespace,
                                                  const char *name, char **out);

/*
 * Why the pod or one of its containers (container may be NULL) is in its
 * state: a few lines of text naming the rule that applies, the back-off
 * step and the time of the next restart or pull.  Owned, podlife_free.
 */
PODLIFE_EXTERN int podlife_engine_explain(podlife_engine *e, const char *pod_namespace,
                                          const char *name, const char *container, char **out);

/* ---- driving -------------------------------------------------------------- */

/*
 * The earliest time at which podlife_engine_tick must be called, or
 * INT64_MAX when the engine waits only for notifications.
 */
PODLIFE_EXTERN int64_t podlife_engine_next_deadline(const podlife_engine *e);

/* Runs every timer due at or before `now_ms`, and moves the engine's own
 * httpGet hook requests on (see podlife_engine_fds). */
PODLIFE_EXTERN int podlife_engine_tick(podlife_engine *e, int64_t now_ms);

/*
 * The descriptors the engine itself waits on, for the host's poll():
 * one epoll descriptor (POLLIN) holding every socket of the engine's own
 * network requests, the httpGet lifecycle hooks it runs itself (when the
 * backend has no `http_get` slot) and the built-in httpGet, tcpSocket and
 * grpc probe handlers.  Fills up to `cap` entries of `fds` (fd, events;
 * revents zeroed) and sets *n to the number there are: 1 while a request
 * is in flight, 0 otherwise; ETOOBIG when *n > cap (ask again with more
 * room), EINVAL for a NULL e or n, or NULL fds with cap > 0.  Ask again
 * before every poll.  When the descriptor is ready, or at
 * podlife_engine_next_deadline (which includes the requests' own
 * timeouts), call podlife_engine_tick.  podlife_engine_run does all of
 * this itself.  Same thread rules as every engine call; O(1), whatever
 * the number of requests in flight.
 *
 * httpGet hooks without a backend slot, as the kubelet's runHTTPHandler
 * (pkg/kubelet/lifecycle/handlers.go) makes them: GET
 * scheme://host:port/path with host the handler's or else the pod IP
 * from sandbox_run, port a number or the name of one of the container's
 * ports, the httpHeaders, User-Agent "kube-lifecycle/1.33" and an Accept
 * header for any media type unless the headers set them; redirects
 * followed (at most 10 requests, as Go's client); HTTPS without
 * certificate verification; no proxy.  Any HTTP response, whatever its status, counts as success; a request that got
 * no response fails the hook with event message
 * `HTTP lifecycle hook (PATH) for Container "NAME" in Pod
 * "PODNAME_NAMESPACE(UID)" failed - error: Get "URL": <error>` with Go's
 * error text (`dial tcp 10.0.0.5:8080: connect: connection refused`)
 * (reasons FailedPostStartHook / FailedPreStopHook).  A preStop request
 * is bounded by what is left of the grace period; postStart has no
 * bound.  Never blocks (libcurl's multi interface on its socket
 * callbacks); the hook's completion is seen by podlife_engine_tick.
 */
struct pollfd;
PODLIFE_EXTERN int podlife_engine_fds(podlife_engine *e, struct pollfd *fds, size_t cap,
                                      size_t *n);

/* Exit report for podlife_engine_notify_exited. */
typedef struct podlife_exit {
	unsigned int version;  /* PODLIFE_EXIT_VERSION */
	int exit_code;
	int signal;            /* signal that ended it, 0 if none */
	int oom;               /* 1 when killed by the OOM killer (reason OOMKilled) */
	int64_t finished_at_ms;
	const char *reason;    /* NULL: Completed / Error / OOMKilled from the above */
	const char *message;   /* may be NULL */
} podlife_exit;

#define PODLIFE_EXIT_VERSION 1
#define PODLIFE_EXIT_INIT {PODLIFE_EXIT_VERSION, 0, 0, 0, 0, NULL, NULL}

/*
 * A container ended; `token` is podlife_container_config.token.
 * ENOTFOUND when the token names no live container (stale reports are
 * harmless).  The pod is synced inside the call.
 */
PODLIFE_EXTERN int podlife_engine_notify_exited(podlife_engine *e, uint64_t token,
                                                const podlife_exit *ex);
/* A PENDING sandbox_run finished: rc PODLIFE_OK with `result`, or an error. */
PODLIFE_EXTERN int podlife_engine_notify_sandbox(podlife_engine *e, uint64_t token, int rc,
                                                 const podlife_result *result);
/*
 * The sandbox created with `token` (its sandbox_run token) is gone (node
 * reboot, lost network): its containers count as exited (137,
 * ContainerStatusUnknown), a new sandbox is made and every init
 * container runs again (SandboxChanged); under restartPolicy Never the
 * pod is not restarted and ends.
 */
PODLIFE_EXTERN int podlife_engine_notify_sandbox_lost(podlife_engine *e, uint64_t token);
/* A PENDING image_pull finished. */
PODLIFE_EXTERN int podlife_engine_notify_pull(podlife_engine *e, uint64_t token, int rc,
                                              const podlife_result *result);
/* A PENDING exec_sync or http_get finished (hooks, and exec probes run
 * through exec_sync: exit code 0 is success, another a failure with
 * result->message as output; rc PODLIFE_ETIMEDOUT a timeout). */
PODLIFE_EXTERN int podlife_engine_notify_exec(podlife_engine *e, uint64_t token, int rc,
                                              const podlife_result *result);

/*
 * A probe slot (probe.h) that returned PODLIFE_PENDING finished: rc
 * PODLIFE_OK with `result` (required then), or a negative code for a
 * probe error (the run is thrown away; result may be NULL or carry the
 * error text in output).  ENOTFOUND when the token names no run in
 * flight: the run timed out (its timeoutSeconds passed and it counted as
 * a failure), the container or pod is gone, or the report came twice.
 * EINVAL for a NULL e, or rc OK with a NULL result.  The pod is synced
 * inside the call when the probe's cached result changed.
 */
PODLIFE_EXTERN int podlife_engine_notify_probe(podlife_engine *e, uint64_t token, int rc,
                                               const podlife_probe_result *result);

/*
 * Blocking loop for simple hosts: ticks at each deadline, sleeping in
 * poll() on `fds` (may be NULL) and on the engine's own descriptors
 * (podlife_engine_fds) in between; calls `on_wake` (may be
 * NULL) after each wake-up with the poll results, so the host can read
 * its completion pipe and notify.  Returns when `until_ms` is reached,
 * when every pod is finished (if until_ms is INT64_MAX), or when on_wake
 * returns non-zero.  Uses the engine's clock; with a simulated clock it
 * advances the clock to each deadline instead of sleeping (ESTATE when
 * nothing is pending and no descriptor is watched; the relist timer
 * alone does not count), and while httpGet hooks of the engine's own
 * are in flight it polls for them in real time, 10 ms at a time, before
 * the simulated clock moves on.  The fake backend's exits are not
 * engine deadlines: drive the fake with podlife_fake_run.
 */
struct pollfd;
typedef int (*podlife_wake_fn)(void *ud, podlife_engine *e, struct pollfd *fds, size_t nfds);
PODLIFE_EXTERN int podlife_engine_run(podlife_engine *e, int64_t until_ms, struct pollfd *fds,
                                      size_t nfds, podlife_wake_fn on_wake, void *ud);

/* ---- snapshot -------------------------------------------------------------- */

/*
 * The engine's state as JSON (owned, podlife_free): per pod its spec,
 * sandbox, init progress, container ids, attempts and back-off entries.
 */
PODLIFE_EXTERN int podlife_engine_snapshot(podlife_engine *e, char **out);

/*
 * Loads a snapshot into an engine that has no pods.  The pods are rebuilt
 * from the JSON; then the backend's container_list is asked which
 * containers still exist: running ones are adopted without a restart,
 * exited ones are reported as exits, missing ones become
 * ContainerStatusUnknown and follow the restart policy.  When the list
 * fails (or the backend has none) the pods are Unknown until a later list
 * succeeds (retried every 10 s).  EPARSE on bad JSON.
 */
PODLIFE_EXTERN int podlife_engine_restore(podlife_engine *e, const char *json, size_t len,
                                          podlife_error **err);

#ifdef __cplusplus
}
#endif
#endif
