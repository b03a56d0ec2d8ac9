/*
 * lib/engine/status.c - the pod phase and the kubelet-owned pod conditions,
 * derived from the engine's container statuses: getPhase
 * (pkg/kubelet/kubelet_pods.go, newest behaviour with sidecars,
 * podIsTerminal and the podHasInitialized guard) and the condition
 * generators of pkg/kubelet/status/generate.go.  Pure functions: they only
 * read the status, except pl_update_conditions which rewrites the
 * condition slots.
 */
#include "engine/status.h"

#include <string.h>

#include "spec/model.h"

const char *pl_phase_name(pl_phase p)
{
	switch (p) {
	case PL_PHASE_PENDING:
		return "Pending";
	case PL_PHASE_RUNNING:
		return "Running";
	case PL_PHASE_SUCCEEDED:
		return "Succeeded";
	case PL_PHASE_FAILED:
		return "Failed";
	case PL_PHASE_UNKNOWN:
		return "Unknown";
	}
	return "Unknown";
}

const char *pl_cond_name(pl_cond_type t)
{
	switch (t) {
	case PL_COND_READY_TO_START:
		return "PodReadyToStartContainers";
	case PL_COND_INITIALIZED:
		return "Initialized";
	case PL_COND_READY:
		return "Ready";
	case PL_COND_CONTAINERS_READY:
		return "ContainersReady";
	case PL_COND_SCHEDULED:
		return "PodScheduled";
	case PL_COND_COUNT:
		break;
	}
	return "";
}

bool pl_cstatus_ready(const pl_cstatus *c)
{
	if (!c || !c->has_status)
		return false;
	if (c->kind == PL_CKIND_INIT)
		return c->state.kind == PL_CSTATE_TERMINATED && c->state.exit_code == 0;
	return c->ready;
}

const pl_cstatus *pl_status_find(const pl_pod_status *st, const char *name)
{
	if (!st || !name)
		return NULL;
	for (size_t i = 0; i < st->n_init; i++)
		if (pl_streq(st->init[i].name, name))
			return &st->init[i];
	for (size_t i = 0; i < st->n_regular; i++)
		if (pl_streq(st->regular[i].name, name))
			return &st->regular[i];
	return NULL;
}

/* ---- restart rules ----------------------------------------------------------- */

/* A restart policy's answer: 1 restart, 0 not, -1 unknown value. */
static int policy_decides(const char *policy, int exit_code)
{
	if (pl_streq(policy, "Always"))
		return 1;
	if (pl_streq(policy, "OnFailure"))
		return exit_code != 0;
	if (pl_streq(policy, "Never"))
		return 0;
	return -1;
}

/* findMatchingContainerRestartRule: the first rule whose exit codes match;
 * rules without exitCodes or with an unknown operator are passed over. */
static const pl_restart_rule *matching_rule(const pl_container *c, int exit_code)
{
	for (size_t i = 0; i < c->restart_policy_rules.n; i++) {
		const pl_restart_rule *r = PL_ITEM(c->restart_policy_rules, pl_restart_rule, i);
		if (!r || !r->exit_codes)
			continue;
		bool in = false;
		for (size_t k = 0; k < r->exit_codes->values.n; k++)
			if (r->exit_codes->values.v[k] == exit_code)
				in = true;
		if (pl_streq(r->exit_codes->operator_, "In") && in)
			return r;
		if (pl_streq(r->exit_codes->operator_, "NotIn") && !in)
			return r;
	}
	return NULL;
}

bool pl_container_should_restart(const struct pl_container *c, const char *pod_policy,
                                 int exit_code)
{
	if (c && c->restart_policy) {
		const pl_restart_rule *r = matching_rule(c, exit_code);
		if (r && pl_streq(r->action, "Restart"))
			return true;
		int d = policy_decides(c->restart_policy, exit_code);
		if (d >= 0)
			return d;
	}
	int d = policy_decides(pod_policy, exit_code);
	return d >= 0 ? d : true; /* the default policy is Always */
}

/* ---- getPhase ------------------------------------------------------------- */

static bool last_terminated(const pl_cstatus *c)
{
	return c->last_state.kind == PL_CSTATE_TERMINATED;
}

pl_phase pl_compute_phase(const pl_pod_status *st)
{
	if (!st)
		return PL_PHASE_PENDING;
	int pending_regular_init = 0, failed_init = 0, failed_init_not_restartable = 0;
	int pending_sidecar = 0;
	int unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
	int stopped_not_restartable = 0;
	const bool rules = st->container_restart_rules;
	const char *pod_policy = st->restart_policy;

	/* Step A: regular init containers; step B: sidecars. */
	for (size_t i = 0; i < st->n_init; i++) {
		const pl_cstatus *c = &st->init[i];
		if (c->kind != PL_CKIND_SIDECAR) {
			if (!c->has_status) {
				pending_regular_init++;
				continue;
			}
			switch (c->state.kind) {
			case PL_CSTATE_RUNNING:
				pending_regular_init++;
				break;
			case PL_CSTATE_TERMINATED:
				if (c->state.exit_code != 0) {
					failed_init++;
					if (!pl_container_should_restart(c->spec, pod_policy,
					                                 c->state.exit_code))
						failed_init_not_restartable++;
				}
				break;
			case PL_CSTATE_WAITING:
				if (last_terminated(c)) {
					if (c->last_state.exit_code != 0) {
						failed_init++;
						if (!pl_container_should_restart(
						        c->spec, pod_policy, c->last_state.exit_code))
							failed_init_not_restartable++;
					}
				} else {
					pending_regular_init++;
				}
				break;
			case PL_CSTATE_NONE:
				pending_regular_init++;
				break;
			}
			continue;
		}
		if (!c->has_status) {
			unknown++;
			continue;
		}
		switch (c->state.kind) {
		case PL_CSTATE_RUNNING:
			if (c->started != 1)
				pending_sidecar++;
			running++;
			break;
		case PL_CSTATE_TERMINATED:
			break; /* sidecar exits never decide the phase */
		case PL_CSTATE_WAITING:
			if (!last_terminated(c)) {
				pending_sidecar++;
				waiting++;
			}
			break;
		case PL_CSTATE_NONE:
			pending_sidecar++;
			unknown++;
			break;
		}
	}

	/* Step C: regular containers. */
	for (size_t i = 0; i < st->n_regular; i++) {
		const pl_cstatus *c = &st->regular[i];
		if (!c->has_status) {
			unknown++;
			continue;
		}
		switch (c->state.kind) {
		case PL_CSTATE_RUNNING:
			running++;
			break;
		case PL_CSTATE_TERMINATED:
			stopped++;
			if (c->state.exit_code == 0)
				succeeded++;
			if (rules &&
			    !pl_container_should_restart(c->spec, pod_policy, c->state.exit_code))
				stopped_not_restartable++;
			break;
		case PL_CSTATE_WAITING:
			if (last_terminated(c)) {
				stopped++; /* a restart is pending: never "succeeded" */
				if (rules && !pl_container_should_restart(c->spec, pod_policy,
				                                          c->last_state.exit_code))
					stopped_not_restartable++;
			} else {
				waiting++;
			}
			break;
		case PL_CSTATE_NONE:
			unknown++;
			break;
		}
	}

	const char *policy = st->restart_policy ? st->restart_policy : "Always";
	bool never = strcmp(policy, "Never") == 0;
	bool always = strcmp(policy, "Always") == 0;

	/* Step D: a failed init container that will not restart fails the pod. */
	if (rules ? failed_init_not_restartable > 0 : (failed_init > 0 && never))
		return PL_PHASE_FAILED;

	/* Step E. */
	if (pending_regular_init > 0 || (pending_sidecar > 0 && !st->has_initialized))
		return PL_PHASE_PENDING;
	if (waiting > 0)
		return PL_PHASE_PENDING;
	if (running > 0 && unknown == 0)
		return PL_PHASE_RUNNING;
	if (running == 0 && stopped > 0 && unknown == 0) {
		/* Static pods skip the terminal shortcut (TODO #116484 upstream). */
		if (st->pod_is_terminal && !st->is_static)
			return stopped == succeeded ? PL_PHASE_SUCCEEDED : PL_PHASE_FAILED;
		if (rules) {
			if (stopped != stopped_not_restartable)
				return PL_PHASE_RUNNING;
			return stopped == succeeded ? PL_PHASE_SUCCEEDED : PL_PHASE_FAILED;
		}
		if (always)
			return PL_PHASE_RUNNING;
		if (stopped == succeeded)
			return PL_PHASE_SUCCEEDED;
		if (never)
			return PL_PHASE_FAILED;
		return PL_PHASE_RUNNING; /* OnFailure: the failed ones restart */
	}
	return PL_PHASE_PENDING;
}

/* ---- conditions ------------------------------------------------------------- */

/* One computed condition before it is stored. */
typedef struct cond_val {
	bool status;
	const char *reason;
	pl_buf msg; /* empty: no message */
} cond_val;

static void cond_init(cond_val *v, const pl_alloc *a)
{
	v->status = true;
	v->reason = NULL;
	pl_buf_init(&v->msg, a);
}

/* How a container counts for a condition message. */
typedef enum cclass {
	CC_SKIP = 0, /* not considered, or fine */
	CC_UNKNOWN,  /* no status entry */
	CC_BAD       /* unready (ContainersReady) / incomplete (Initialized) */
} cclass;

/* ContainersReady looks at sidecars, then regular containers. */
static cclass ready_class(const pl_cstatus *c)
{
	if (c->kind == PL_CKIND_INIT)
		return CC_SKIP;
	if (!c->has_status)
		return CC_UNKNOWN;
	return c->ready ? CC_SKIP : CC_BAD;
}

/* Initialized looks at every init container: a sidecar is done when
 * started, a regular one when the prober would call it ready. */
static cclass init_class(const pl_cstatus *c)
{
	if (!c->has_status)
		return CC_UNKNOWN;
	bool done = c->kind == PL_CKIND_SIDECAR ? c->started == 1 : pl_cstatus_ready(c);
	return done ? CC_SKIP : CC_BAD;
}

/* Counts the containers of class `want` over init then regular entries. */
static size_t count_class(const pl_pod_status *st, bool with_regular,
                          cclass (*fn)(const pl_cstatus *), cclass want)
{
	size_t n = 0;
	for (size_t i = 0; i < st->n_init; i++)
		n += fn(&st->init[i]) == want;
	for (size_t i = 0; with_regular && i < st->n_regular; i++)
		n += fn(&st->regular[i]) == want;
	return n;
}

/* Appends "<prefix>: [a b c]" (Go's %v of a string slice) for the
 * containers of class `want`, ", "-joined to what msg holds. */
static void append_names(pl_buf *msg, const char *prefix, const pl_pod_status *st,
                         bool with_regular, cclass (*fn)(const pl_cstatus *), cclass want)
{
	if (count_class(st, with_regular, fn, want) == 0)
		return;
	if (msg->len > 0)
		pl_buf_puts(msg, ", ");
	pl_buf_puts(msg, prefix);
	pl_buf_puts(msg, ": [");
	bool first = true;
	for (int part = 0; part < 2; part++) {
		const pl_cstatus *v = part == 0 ? st->init : st->regular;
		size_t n = part == 0 ? st->n_init : (with_regular ? st->n_regular : 0);
		for (size_t i = 0; i < n; i++) {
			if (fn(&v[i]) != want)
				continue;
			if (!first)
				pl_buf_putc(msg, ' ');
			pl_buf_puts(msg, v[i].name ? v[i].name : "");
			first = false;
		}
	}
	pl_buf_putc(msg, ']');
}

/*
 * The kubelet passes init and regular statuses together
 * (allContainerStatuses); the list is nil when no container has one.
 */
static bool no_status_at_all(const pl_pod_status *st)
{
	for (size_t i = 0; i < st->n_init; i++)
		if (st->init[i].has_status)
			return false;
	for (size_t i = 0; i < st->n_regular; i++)
		if (st->regular[i].has_status)
			return false;
	return true;
}

/* HasAnyRegularContainerStarted: some regular container's API state is
 * running or terminated. */
static bool any_regular_started(const pl_pod_status *st)
{
	for (size_t i = 0; i < st->n_regular; i++) {
		const pl_cstatus *c = &st->regular[i];
		if (c->has_status &&
		    (c->state.kind == PL_CSTATE_RUNNING || c->state.kind == PL_CSTATE_TERMINATED))
			return true;
	}
	return false;
}

/* GenerateContainersReadyCondition */
static void containers_ready(const pl_pod_status *st, const pl_alloc *a, cond_val *out)
{
	cond_init(out, a);
	if (no_status_at_all(st)) {
		out->status = false;
		out->reason = "UnknownContainerStatuses";
		return;
	}
	size_t unknown = count_class(st, true, ready_class, CC_UNKNOWN);
	size_t unready = count_class(st, true, ready_class, CC_BAD);
	if (st->phase == PL_PHASE_SUCCEEDED && unknown == 0) {
		out->status = false;
		out->reason = "PodCompleted";
	} else if (st->phase == PL_PHASE_FAILED) {
		out->status = false;
		out->reason = "PodFailed";
	} else if (unknown > 0 || unready > 0) {
		out->status = false;
		out->reason = "ContainersNotReady";
		append_names(&out->msg, "containers with unknown status", st, true, ready_class,
		             CC_UNKNOWN);
		append_names(&out->msg, "containers with unready status", st, true, ready_class,
		             CC_BAD);
	}
}

/* GeneratePodReadyCondition, given ContainersReady. */
static void pod_ready(const pl_pod_status *st, const cond_val *cready, cond_val *out)
{
	cond_init(out, cready->msg.a);
	if (!cready->status) {
		out->status = false;
		out->reason = cready->reason;
		if (cready->msg.len)
			pl_buf_append(&out->msg, cready->msg.data, cready->msg.len);
		return;
	}
	for (size_t i = 0; i < st->n_readiness_gates; i++) {
		const char *t = st->readiness_gates ? st->readiness_gates[i] : NULL;
		int v = st->readiness_gate_values ? st->readiness_gate_values[i] : -1;
		if (v == 1)
			continue;
		if (out->msg.len)
			pl_buf_puts(&out->msg, ", ");
		if (v < 0)
			pl_buf_printf(&out->msg,
			              "corresponding condition of pod readiness gate \"%s\" does not exist.",
			              t ? t : "");
		else
			pl_buf_printf(&out->msg,
			              "the status of pod readiness gate \"%s\" is not \"True\", but False",
			              t ? t : "");
		out->status = false;
		out->reason = "ReadinessGatesNotReady";
	}
}

/* GeneratePodInitializedCondition */
static void initialized(const pl_pod_status *st, const pl_alloc *a, cond_val *out)
{
	cond_init(out, a);
	if (st->n_init > 0 && no_status_at_all(st)) {
		out->status = false;
		out->reason = "UnknownContainerStatuses";
		return;
	}
	size_t unknown = count_class(st, false, init_class, CC_UNKNOWN);
	size_t incomplete = count_class(st, false, init_class, CC_BAD);
	if (st->phase == PL_PHASE_SUCCEEDED && unknown == 0) {
		out->status = true;
		out->reason = "PodCompleted";
	} else if (any_regular_started(st)) {
		out->status = true;
	} else if (unknown > 0 || incomplete > 0) {
		out->status = false;
		out->reason = "ContainersNotInitialized";
		append_names(&out->msg, "containers with unknown status", st, false, init_class,
		             CC_UNKNOWN);
		append_names(&out->msg, "containers with incomplete status", st, false, init_class,
		             CC_BAD);
	}
}

/*
 * Stores a computed condition: lastTransitionTime is kept when the status
 * did not change (status manager updateLastTransitionTime).  Takes the
 * message buffer.
 */
static void store(pl_condition *c, cond_val *v, const pl_alloc *a, pl_ms now)
{
	if (!c->present || c->status != v->status)
		c->last_transition = now;
	c->present = true;
	c->status = v->status;
	c->reason = v->reason;
	bool same = v->msg.len > 0 && !v->msg.oom && c->message &&
	            strcmp(c->message, v->msg.data) == 0;
	if (!same) {
		/* On OOM the message is left out rather than kept stale. */
		pl_free(a, c->message);
		c->message = NULL;
		if (v->msg.len > 0 && !v->msg.oom)
			c->message = pl_buf_take(&v->msg);
	}
	pl_buf_free(&v->msg);
}

void pl_update_conditions(pl_pod_status *st, const pl_alloc *a, pl_ms now)
{
	if (!st)
		return;
	if (!a)
		a = pl_alloc_default();
	cond_val v;

	/* PodReadyToStartContainers: true when no new sandbox is needed. */
	cond_init(&v, a);
	v.status = st->sandbox_ready;
	store(&st->conditions[PL_COND_READY_TO_START], &v, a, now);

	initialized(st, a, &v);
	store(&st->conditions[PL_COND_INITIALIZED], &v, a, now);

	cond_val cready, ready;
	containers_ready(st, a, &cready);
	pod_ready(st, &cready, &ready);
	store(&st->conditions[PL_COND_READY], &ready, a, now);
	store(&st->conditions[PL_COND_CONTAINERS_READY], &cready, a, now);

	/* PodScheduled: the kubelet always reports True without a reason. */
	cond_init(&v, a);
	store(&st->conditions[PL_COND_SCHEDULED], &v, a, now);
}
