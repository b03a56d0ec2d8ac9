/*
 * lib/engine/engine_int.h - the engine's internal structures: the pod
 * table, per-pod and per-container state, timers, back-off entries, and
 * the functions the engine files share.
 */
#ifndef PL_ENGINE_INT_H
#define PL_ENGINE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podlife/backend.h"
#include "podlife/clock.h"
#include "podlife/engine.h"
#include "podlife/image.h"

#include "../common/common.h"
#include "../spec/model.h"
#include "../spec/pod_internal.h"
#include "net.h"
#include "status.h"
#include "timers.h"

/* ---- back-off (backoff.c): flowcontrol.Backoff without jitter ------------- */

#define PL_BACKOFF_EXPIRY_MS (600 * 1000) /* HasExpiredFunc: 10 minutes */

typedef struct pl_backoff {
	pl_ms delay;       /* 0: no entry */
	pl_ms last_update;
} pl_backoff;

/* IsInBackOffSince(key, ts): the crash-loop check, measured from ts. */
bool pl_backoff_in_since(const pl_backoff *b, pl_ms ts, pl_ms now);
/* IsInBackOffSinceUpdate(key, now): the image pull check. */
bool pl_backoff_in_since_update(const pl_backoff *b, pl_ms now);
/* Next(key, event_time): initial on no entry / expiry, else doubled to max. */
void pl_backoff_next(pl_backoff *b, pl_ms event_time, pl_ms now, pl_ms initial, pl_ms max);

/* ---- containers and pods ------------------------------------------------- */

enum pl_rt { /* what the backend holds for the current container instance */
	PL_RT_NONE = 0, /* no instance */
	PL_RT_CREATED,
	PL_RT_RUNNING,
	PL_RT_EXITED,
	PL_RT_UNKNOWN
};

enum pl_op { /* the asynchronous operation a container waits for */
	PL_OP_NONE = 0,
	PL_OP_PULL,
	PL_OP_POSTSTART,
	PL_OP_PRESTOP
};

enum { /* pl_ctr.flags */
	PL_CF_STARTED = 1u << 0,     /* running and postStart finished */
	PL_CF_KILLING = 1u << 1,     /* kill requested (Killing event sent) */
	PL_CF_STOP_SENT = 1u << 2,   /* backend stop called */
	PL_CF_BACKOFF_EV = 1u << 3,  /* BackOff event sent for this window */
	PL_CF_OOM = 1u << 4,         /* last exit was an OOM kill */
	PL_CF_HOOK_FAILED = 1u << 5, /* the instance was killed for postStart */
	PL_CF_EVER = 1u << 6,        /* an instance was created at least once */
	PL_CF_IMAGE_OK = 1u << 7,    /* image ensured for the current attempt */
	PL_CF_FORCE = 1u << 8        /* restart whatever the policy (definition changed) */
};

typedef struct pl_ctr {
	const pl_container *spec;
	pl_cstatus *st;        /* in the pod's status arrays */
	char *rid;             /* backend id of the current instance, owned */
	uint32_t crash_hash;   /* image hash the crash-loop entry was made for */
	uint32_t run_hash;     /* image hash of the running instance */
	pl_backoff crash;      /* crash-loop back-off (key: name + image) */
	pl_ms finished_at;     /* last exit, PL_NEVER when none */
	pl_ms started_at;      /* of the current instance */
	pl_ms wake;            /* wants a sync at this time, PL_NEVER none */
	pl_ms op_deadline;     /* sleep hook end, preStop bound */
	pl_ms kill_start;      /* when the kill began */
	pl_ms pull_start;      /* when the current pull began */
	int64_t kill_grace_s;  /* grace period of the kill */
	const char *kill_msg;  /* static Killing message, NULL: "Stopping container" */
	uint32_t inst;         /* token seq of the current instance */
	uint32_t op_tok;       /* token seq of the pending operation */
	int last_exit;
	uint16_t index;        /* index in the spec list */
	uint8_t kind;          /* pl_ckind */
	uint8_t rt;            /* pl_rt */
	uint8_t op;            /* pl_op */
	uint16_t flags;        /* PL_CF_* */
	uint8_t pull_failed;   /* last pull failed (ErrImagePull shown) */
	uint8_t seen;          /* relist generation that last listed the instance */
	int16_t prb[3];        /* probe worker per podlife_probe_kind, -1 none */
} pl_ctr;

typedef struct pl_img_backoff {
	uint32_t hash; /* of the image as written (key: pod + image) */
	pl_backoff b;
} pl_img_backoff;

enum pl_pstate {
	PL_POD_ACTIVE = 0,
	PL_POD_TERMINATING,
	PL_POD_DONE,        /* finished: nothing left to do */
	PL_POD_REJECTED     /* admission failed: nothing ever started */
};

enum pl_sb {
	PL_SB_NONE = 0,
	PL_SB_CREATING,
	PL_SB_READY,
	PL_SB_FAILED,
	PL_SB_STOPPED
};

enum { /* pl_pod.flags */
	PL_PF_INITIALIZED = 1u << 0, /* every init container done in this sandbox */
	PL_PF_DEADLINE = 1u << 1,    /* activeDeadlineSeconds exceeded */
	PL_PF_UNKNOWN = 1u << 2,     /* the backend cannot report the containers */
	PL_PF_NATURAL_END = 1u << 3, /* terminating because nothing will run again */
	PL_PF_DELETED = 1u << 4,     /* deletion requested */
	PL_PF_QUEUED = 1u << 5,      /* in the engine's sync queue */
	PL_PF_RESTART_SB = 1u << 6,  /* kill everything and recreate the sandbox */
	PL_PF_ADOPT = 1u << 7,       /* restored: containers not adopted yet (with UNKNOWN) */
	PL_PF_PROBING = 1u << 8      /* the probe workers started (probes.c) */
};

typedef struct pl_pod {
	podlife_pod *pod;         /* retained */
	const pl_pod_model *m;
	const char *ns, *name, *uid; /* ns/name in key; uid from the model or uid_buf */
	char *key;                /* "ns\0name\0", owned; ns and name point into it */
	char uid_buf[40];         /* generated UID when metadata.uid is unset */
	uint32_t slot;
	uint8_t state;            /* pl_pstate */
	uint8_t sb;               /* pl_sb */
	uint16_t flags;           /* PL_PF_* */
	unsigned int sb_attempt;
	char *sandbox_id;         /* owned */
	char *netns;              /* network namespace path from sandbox_run, owned, or NULL */
	uint32_t sb_tok;
	pl_ms sb_retry;           /* retry sandbox creation / stop at */
	int64_t grace_s;          /* effective termination grace */
	pl_ms unknown_since;
	pl_timer wake;
	pl_pod_status st;
	size_t nc;                /* n_init + n_regular */
	pl_ctr *c;                /* init containers first, then regular */
	size_t n_imgb;
	pl_img_backoff *imgb;
	size_t n_garbage;
	char **garbage;           /* container ids whose removal failed; retried */
	uint32_t cols_hash;       /* of the columns last notified (on_pod_changed) */
	struct pl_event_log *events; /* with PODLIFE_ENGINE_KEEP_EVENTS, else NULL */
	pl_phase last_phase;
	struct pl_prb *prb;       /* probe workers (probes.c), NULL when none */
	uint16_t n_prb;
} pl_pod;

/* ---- engine -------------------------------------------------------------- */

struct json_t;
typedef struct pl_preset { /* a PodPreset (settings.k8s.io/v1alpha1) */
	char *ns, *name, *rv;
	struct json_t *spec; /* the PodPreset's spec, jansson reference */
} pl_preset;

typedef struct pl_secret {
	char *name;
	podlife_keyring *kr;
} pl_secret;

struct podlife_engine {
	pl_alloc a;
	podlife_backend be;       /* copy; slots beyond the host's version are NULL */
	const podlife_clock *clock;
	podlife_event_fn on_event;
	void *event_ud;
	podlife_pod_changed_fn on_changed;
	void *changed_ud;
	char *node_name;
	size_t n_labels;
	char **labels;            /* 2 * n_labels strings */
	pl_ms crash_initial, crash_max, img_initial, img_max;
	podlife_pod_security pss;
	const podlife_keyring *node_keyring;
	unsigned int flags;

	pl_pod **pods;            /* by slot; NULL when free */
	size_t n_slots, cap_slots, count;
	uint32_t *free_slots;
	size_t n_free;
	uint32_t *ht;             /* open addressing: slot + 1, 0 empty, UINT32_MAX tombstone */
	size_t ht_cap, ht_used;

	pl_heap heap;
	pl_ms adopt_at;           /* next container_list retry while restored pods are Unknown */
	pl_timer relist;          /* PL_TIMER_RELIST, armed while relisting is on */
	pl_ms relist_period;      /* 0: off */
	uint8_t relist_gen;       /* generation of the current listing, never 0 */
	bool adopt_pending;       /* some pods are PL_PF_ADOPT (restored, not adopted yet) */
	struct pl_http *http;     /* the engine's network client (hooks.c), NULL until used */
	podlife_probe_backend pb; /* copy; slots beyond the host's version are NULL */
	uint32_t seq;             /* token sequence */
	pl_ms now;                /* time of the current call */
	int depth;                /* > 0 while syncing */
	uint32_t *queue;          /* pods to sync when depth returns to 0 */
	size_t n_queue, cap_queue;

	size_t n_secrets;
	pl_secret *secrets;
	size_t n_presets;
	pl_preset *presets;

	/* scratch for podlife_pod_info strings */
	char *scratch;
};

/* clock.c: the simulated clock behind a vtable, or NULL */
podlife_simclock *pl_simclock_of(const podlife_clock *c);

/* engine.c */
pl_ms pl_eng_now(podlife_engine *e);
/* Wall time (Unix ms) minus engine time, for timestamps. */
pl_ms pl_wall_offset(podlife_engine *e);
pl_pod *pl_eng_find(const podlife_engine *e, const char *ns, const char *name);
uint32_t pl_eng_seq(podlife_engine *e);
uint64_t pl_token(const pl_pod *p, unsigned int cidx, uint32_t seq);
void pl_emit(podlife_engine *e, pl_pod *p, const pl_ctr *c, bool warning,
             const char *reason, const char *fmt, ...) PL_PRINTF(6, 7);
/* Requests a sync of p (immediately, or after the current one). */
void pl_eng_sync(podlife_engine *e, pl_pod *p);
/* Runs the syncs queued while nothing was syncing (outside engine calls
 * that drain themselves). */
void pl_eng_drain(podlife_engine *e);
void pl_pod_destroy(podlife_engine *e, pl_pod *p);
/* Builds a pod record for `pod` (no admission, no sync); ns/name
 * override the pod's own when not NULL. */
int pl_pod_create(podlife_engine *e, podlife_pod *pod, const char *ns, const char *name,
                  pl_pod **out);
int pl_eng_insert(podlife_engine *e, pl_pod *p);
/* Points container records and borrowed status strings at p->m. */
void pl_pod_bind_spec(pl_pod *p);
/* Lists the backend's containers and adopts them into pods marked
 * PL_PF_ADOPT (snapshot.c); false when the list failed. */
bool pl_try_adopt(podlife_engine *e);
/* The periodic relist (snapshot.c, PLEG-style): compares the backend's
 * listing with what the engine believes; see podlife_engine_config. */
void pl_relist(podlife_engine *e);
bool pl_backend_has(const podlife_engine *e, size_t slot_offset);

/* cstate helpers (worker.c) */
void pl_cstate_clear(const pl_alloc *a, pl_cstate *s);
void pl_cstate_waiting(const pl_alloc *a, pl_cstate *s, const char *reason, const char *msg);
void pl_set_msg(const pl_alloc *a, char **dst, const char *msg);

/* worker.c */
void pl_pod_sync(podlife_engine *e, pl_pod *p);
void pl_ctr_exited(podlife_engine *e, pl_pod *p, pl_ctr *c, const podlife_exit *ex);
void pl_begin_termination(podlife_engine *e, pl_pod *p, int64_t grace_s);
int pl_start_container(podlife_engine *e, pl_pod *p, pl_ctr *c);
void pl_kill_container(podlife_engine *e, pl_pod *p, pl_ctr *c, int64_t grace_s, const char *msg);
void pl_send_stop(podlife_engine *e, pl_pod *p, pl_ctr *c);
void pl_hook_done(podlife_engine *e, pl_pod *p, pl_ctr *c, bool ok);
int64_t pl_pod_grace(const pl_pod *p);
bool pl_ctr_should_restart(const podlife_engine *e, const pl_pod *p, const pl_ctr *c, int exit_code);
const char *pl_default_waiting(const pl_pod *p);

/* FNV-1a of an image string (back-off keys, definition changes). */
uint32_t pl_image_hash(const char *image);
pl_img_backoff *pl_img_backoff_get(podlife_engine *e, pl_pod *p, uint32_t hash, bool create);

/* images.c */
enum { PL_IMG_READY = 0, PL_IMG_WAIT = 1, PL_IMG_ERROR = 2 };
int pl_ensure_image(podlife_engine *e, pl_pod *p, pl_ctr *c);
void pl_pull_done(podlife_engine *e, pl_pod *p, pl_ctr *c, int rc, const podlife_result *r);

/* hooks.c */
/*
 * Runs a lifecycle handler; returns 1 done ok, 0 failed, PL_HOOK_WAIT
 * pending.  On failure `msg` (len bytes) receives the kubelet's event
 * message when one is known, else "".
 */
#define PL_HOOK_WAIT 2
int pl_run_hook(podlife_engine *e, pl_pod *p, pl_ctr *c, const pl_handler *h, const char *which,
                char *msg, size_t len);
/*
 * The kubelet's message for a failed exec hook (handlers.go
 * runner.Run): Exec lifecycle hook ([argv]) for Container "c" in Pod
 * "name_ns(uid)" failed - error: ..., message: "output".
 */
void pl_exec_hook_message(const pl_pod *p, const pl_ctr *c, const pl_exec_action *x, int rc,
                          const podlife_result *r, char *msg, size_t len);
/* httpGet hooks through libcurl (hooks.c): the deadline curl asks for
 * (PL_NEVER when idle), progress on every transfer (finished ones end
 * their hook), and teardown. */
pl_ms pl_http_deadline(const podlife_engine *e);
bool pl_http_busy(const podlife_engine *e); /* transfers in flight */
void pl_http_perform(podlife_engine *e);
void pl_http_free(podlife_engine *e);
/* The engine's network client (pl_net), made on first use; NULL when it
 * cannot be made.  Its completions with PL_NET_TAG_PROBE in the tag go to
 * pl_probe_net_done, the others end httpGet hooks. */
struct pl_net *pl_eng_net(podlife_engine *e);
#define PL_NET_TAG_PROBE (UINT64_C(1) << 63)
/* pl_hook_done with the FailedPostStartHook / FailedPreStopHook event
 * message (NULL: the generic one). */
void pl_hook_done_msg(podlife_engine *e, pl_pod *p, pl_ctr *c, bool ok, const char *msg);
int pl_signal_number(const char *name);

/* probes.c: the kubelet's prober workers */
/* Allocates the pod's probe workers (at pod creation); ENOMEM. */
int pl_probes_create(podlife_engine *e, pl_pod *p);
/* Disarms the workers' timers and drops their runs in flight. */
void pl_probes_destroy(podlife_engine *e, pl_pod *p);
/* At the top of a sync: starts the workers at the pod's first sync
 * (prober_manager AddPod: the first run is at once, before any container
 * exists, then every periodSeconds). */
void pl_probes_start(podlife_engine *e, pl_pod *p);
/* At the end of a sync: runs readiness now for started-but-not-ready
 * containers (UpdatePodStatus's manual trigger) and stops liveness and
 * startup once the pod terminates (StopLivenessAndStartup). */
void pl_probes_sync(podlife_engine *e, pl_pod *p);
/* A probe timer fired. */
void pl_probe_timer(podlife_engine *e, pl_pod *p, uint16_t sub);
/* started/ready of a running container from its probes' results. */
void pl_probes_status(const pl_pod *p, pl_ctr *c);
/* Whether a liveness or startup failure asks to kill the running
 * container: the Killing message (computePodActions /
 * computeInitContainerActions) into msg and the grace period
 * (setTerminationGracePeriod); false when not. */
bool pl_probes_kill(const podlife_engine *e, const pl_pod *p, const pl_ctr *c, char *msg,
                    size_t len, int64_t *grace_s);
/* explain.c: a time as "12s" or "1.500s". */
void pl_explain_secs(pl_buf *b, pl_ms ms);
/* The probes' state for podlife_engine_explain. */
void pl_probes_explain(const pl_pod *p, const pl_ctr *c, pl_buf *b);
/* A sidecar's startup probe has not succeeded yet (gates the next init container). */
bool pl_probes_startup_pending(const pl_pod *p, const pl_ctr *c);
/* The identity part of a probe request (pod, container, sandbox, netns);
 * the hook's httpGet requests use it too (kind PODLIFE_PROBE_LIFECYCLE_HOOK). */
void pl_probe_request_init(podlife_probe_request *r, const pl_pod *p, const pl_ctr *c,
                           podlife_probe_kind kind, podlife_probe_handler handler);
/* formatURL (pkg/probe/http NewRequestForHTTPGetAction, probes and hooks):
 * appends scheme://host:port and the path with its query ("/" put in front
 * of a path starting with neither "/" nor "?"); returns the path's offset. */
size_t pl_http_url(pl_buf *b, const pl_http_get *g, const char *host, int port);
/* The httpHeaders with a name, as two arrays (owned, pl_free; NULL when none). */
int pl_http_headers(const pl_alloc *a, const pl_http_get *g, const char ***names,
                    const char ***values, size_t *n);
/* Completions: the network client, exec_sync (token with PL_NET_TAG_PROBE). */
void pl_probe_net_done(podlife_engine *e, uint64_t tag, const pl_net_result *r);
int pl_probe_exec_done(podlife_engine *e, uint64_t token, int rc, const podlife_result *r);

/* admission.c */
/* 0: admitted; 1: rejected (phase Failed, reason and message set); -1: out of memory. */
int pl_admit(podlife_engine *e, pl_pod *p);
/*
 * Applies the matching presets to `pod` as the PodPreset admission plugin
 * did: *out is a new pod (a reference the caller releases) or `pod`
 * itself retained when nothing applies.  On a conflict the pod is left
 * unchanged and *conflict receives the message (static buffer of the
 * caller, may be empty).
 */
int pl_apply_presets(podlife_engine *e, podlife_pod *pod, const char *ns, podlife_pod **out,
                     char *conflict, size_t conflict_len);
void pl_presets_free(podlife_engine *e);

#endif
