/*
 * lib/engine/status.h - the pod status as the engine keeps it, and the pure
 * functions that derive the API view from it: the phase (getPhase), the
 * conditions, the kubectl columns (printPod) and PodStatus JSON.
 *
 * The engine (engine.c) owns and updates these structs; status.c and
 * printer.c only read them.  Times are engine times in milliseconds on
 * the engine's clock (pl_ms); wall times for JSON are derived by adding
 * pl_status_view.wall_offset_ms.
 */
#ifndef PL_ENGINE_STATUS_H
#define PL_ENGINE_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"
#include "timers.h" /* pl_ms, PL_NEVER */

typedef enum pl_phase {
	PL_PHASE_PENDING = 0,
	PL_PHASE_RUNNING,
	PL_PHASE_SUCCEEDED,
	PL_PHASE_FAILED,
	PL_PHASE_UNKNOWN
} pl_phase;

const char *pl_phase_name(pl_phase p); /* "Pending", ... */

typedef enum pl_cstate_kind {
	PL_CSTATE_NONE = 0, /* no state known (no status entry) */
	PL_CSTATE_WAITING,
	PL_CSTATE_RUNNING,
	PL_CSTATE_TERMINATED
} pl_cstate_kind;

/* ContainerState: one of waiting / running / terminated. */
typedef struct pl_cstate {
	pl_cstate_kind kind;
	/* waiting: reason ("ContainerCreating", "PodInitializing",
	 * "CrashLoopBackOff", "ErrImagePull", ...) and message.
	 * terminated: reason ("Completed", "Error", "OOMKilled", ...). */
	const char *reason;  /* static string or owned by the container status */
	char *message;       /* owned (pl_free with the engine's allocator), may be NULL */
	int exit_code;       /* terminated */
	int signal;          /* terminated, 0 if none */
	pl_ms started_at;    /* running, terminated */
	pl_ms finished_at;   /* terminated */
	char *container_id;  /* terminated: id of the container that ended; owned */
} pl_cstate;

typedef enum pl_ckind {
	PL_CKIND_INIT = 0,    /* regular init container */
	PL_CKIND_SIDECAR,     /* init container with restartPolicy: Always */
	PL_CKIND_REGULAR
} pl_ckind;

struct pl_container; /* lib/spec/model.h */

/* ContainerStatus */
typedef struct pl_cstatus {
	const char *name;   /* borrowed from the pod spec */
	const char *image;  /* borrowed from the pod spec */
	pl_ckind kind;
	bool has_status;    /* false: no status entry yet (counts as "no status") */
	pl_cstate state;
	pl_cstate last_state; /* kind NONE when there was no previous termination */
	bool ready;
	int started;        /* -1 unset (nil), 0 false, 1 true */
	int restart_count;
	char *container_id; /* "podlife://<id>" of the current container; owned */
	char *image_id;     /* owned, may be NULL */
	pl_ms last_restart_at; /* for RESTARTS "(40s ago)"; PL_NEVER if none */
	/*
	 * Added by status.c: the container's spec (borrowed, may be NULL),
	 * read for its restartPolicy / restartPolicyRules when
	 * pl_pod_status.container_restart_rules is set.
	 */
	const struct pl_container *spec;
} pl_cstatus;

typedef enum pl_cond_type {
	PL_COND_READY_TO_START = 0, /* PodReadyToStartContainers */
	PL_COND_INITIALIZED,
	PL_COND_READY,
	PL_COND_CONTAINERS_READY,
	PL_COND_SCHEDULED,
	PL_COND_COUNT
} pl_cond_type;

const char *pl_cond_name(pl_cond_type t);

typedef struct pl_condition {
	bool present;
	bool status;        /* True / False */
	const char *reason; /* static, NULL when none */
	char *message;      /* owned, NULL when none */
	pl_ms last_transition;
} pl_condition;

/* Everything the status functions read for one pod. */
typedef struct pl_pod_status {
	pl_phase phase;
	const char *reason;  /* pod-level: "DeadlineExceeded", "NodeAffinity", ... static */
	char *message;       /* owned */
	bool terminating;    /* deletion requested (deletionTimestamp set) */
	bool pod_is_terminal; /* SyncTerminatingPod finished */
	bool has_initialized; /* HasAnyActiveRegularContainerStarted */
	bool sandbox_ready;
	bool is_static;
	const char *restart_policy; /* "Always" | "OnFailure" | "Never", borrowed */
	char *pod_ip;        /* owned, may be NULL */
	pl_ms start_time;    /* PL_NEVER until the pod was admitted */
	pl_condition conditions[PL_COND_COUNT];
	size_t n_init, n_regular;
	pl_cstatus *init;    /* n_init entries, spec order (sidecars included) */
	pl_cstatus *regular; /* n_regular entries, spec order */
	size_t n_readiness_gates;
	const char *const *readiness_gates; /* borrowed condition types */
	/*
	 * Added by status.c: per readiness gate, the status of the pod
	 * condition of that type as the host reports it: -1 absent, 0 False,
	 * 1 True.  NULL means every gate's condition is absent.  Borrowed.
	 */
	const signed char *readiness_gate_values;
	/* Added by status.c: the ContainerRestartRules gate (KEP-5307) is on;
	 * getPhase then asks pl_container_should_restart per container. */
	bool container_restart_rules;
} pl_pod_status;

/* getPhase (pkg/kubelet/kubelet_pods.go), newest behaviour. */
pl_phase pl_compute_phase(const pl_pod_status *st);

/*
 * Recomputes the kubelet-owned conditions at time `now`, keeping
 * lastTransitionTime when a condition's status did not change
 * (pkg/kubelet/status/generate.go).
 */
void pl_update_conditions(pl_pod_status *st, const pl_alloc *a, pl_ms now);

/* The kubectl get pods columns (printPod in pkg/printers/internalversion). */
typedef struct pl_columns {
	char status[96]; /* STATUS */
	char ready[24];  /* READY, "n/m" */
	int restarts;    /* RESTARTS number */
	char restarts_text[48]; /* "3 (40s ago)" */
} pl_columns;

void pl_compute_columns(const pl_pod_status *st, pl_ms now, pl_columns *out);

/* kubectl's short duration ("40s", "5m2s", "3h", "2d") (duration.HumanDuration). */
void pl_human_duration(pl_ms d, char *buf, size_t len);

/* ---- added by status.c / printer.c / status_json.c ------------------------ */

/*
 * The ContainerStatus.ready the API reports: for a regular init container
 * the prober manager's rule (terminated with exit code 0), for every other
 * container the `ready` field.
 */
bool pl_cstatus_ready(const pl_cstatus *c);

/*
 * ContainerShouldRestart (pkg/api/v1/pod/util.go, KEP-5307): with a
 * container-level restartPolicy, the first restartPolicyRules entry whose
 * exitCodes match (In / NotIn) with action Restart restarts; otherwise the
 * container's policy decides (Always: yes, OnFailure: exit != 0, Never:
 * no); without one, the pod's policy does (NULL or "" counts as Always).
 */
struct pl_container;
bool pl_container_should_restart(const struct pl_container *c, const char *pod_policy,
                                 int exit_code);

/* The status entry (init or regular) of a container name; NULL if none. */
const pl_cstatus *pl_status_find(const pl_pod_status *st, const char *name);

/* "Guaranteed" | "Burstable" | "BestEffort" for a pod spec (GetPodQOS,
 * pkg/apis/core/v1/helper/qos).  NULL spec: "BestEffort".  Static string. */
struct pl_pod_spec;
const char *pl_pod_qos_class(const struct pl_pod_spec *spec);

/*
 * Parses a resource quantity into thousandths of a unit, rounded up
 * (resource.Quantity.MilliValue).  false on bad syntax or overflow.
 */
bool pl_qty_text_milli(const char *text, int64_t *milli);

/* Engine milliseconds plus the wall offset as RFC 3339 UTC with whole
 * seconds ("2026-11-24T07:48:18Z", as metav1.Time marshals).  false when
 * the time is out of range. */
bool pl_format_rfc3339(pl_ms engine_ms, pl_ms wall_offset_ms, char *buf, size_t len);

/* What the PodStatus JSON is built from.  All pointers borrowed. */
typedef struct pl_status_view {
	const pl_pod_status *st;
	const struct pl_pod_model *model; /* may be NULL: no qosClass */
	pl_ms wall_offset_ms; /* wall time (Unix ms) = engine time + this */
	const char *host_ip;  /* node address; NULL or "" to omit hostIP(s) */
} pl_status_view;

/*
 * PodStatus as Kubernetes JSON (k8s.io/api/core/v1 field order): phase,
 * conditions, message, reason, hostIP(s), podIP(s), startTime,
 * initContainerStatuses (spec order), containerStatuses (sorted by name as
 * the kubelet sorts them), qosClass.  *out is a new jansson reference
 * (json_decref).  EINVAL on NULL arguments, ENOMEM when an allocation
 * fails (nothing is returned then).
 */
struct json_t;
int pl_status_to_json(const pl_status_view *v, struct json_t **out);

/* Same, serialised compactly; *out owned, freed with pl_free(a, ...). */
int pl_status_to_json_text(const pl_status_view *v, const pl_alloc *a, char **out);

#endif
