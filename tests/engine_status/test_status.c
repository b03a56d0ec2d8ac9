/*
 * tests/engine_status/test_status.c - pod phase (getPhase), kubelet
 * conditions (status/generate.go), kubectl columns (printPod),
 * HumanDuration, the event log and describe table, PodStatus JSON and the
 * QoS class, all on hand-built statuses and engine times (no clocks).
 */
#include <jansson.h>

#include "common/common.h"
#include "engine/events.h"
#include "engine/status.h"
#include "harness.h"
#include "spec/model.h"

/* ---- builders ------------------------------------------------------------- */

#define S 1000 /* one second in engine ms */

typedef struct pod {
	pl_pod_status st;
	pl_cstatus init[6];
	pl_cstatus reg[6];
} pod;

static void pod_init(pod *p, const char *policy)
{
	memset(p, 0, sizeof(*p));
	p->st.restart_policy = policy;
	p->st.start_time = PL_NEVER;
	p->st.init = p->init;
	p->st.regular = p->reg;
	p->st.sandbox_ready = true;
}

static pl_cstatus *add(pod *p, pl_ckind kind, const char *name)
{
	pl_cstatus *c = kind == PL_CKIND_REGULAR ? &p->reg[p->st.n_regular++]
	                                         : &p->init[p->st.n_init++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->image = "busybox:1.36";
	c->kind = kind;
	c->has_status = true;
	c->started = -1;
	c->last_restart_at = PL_NEVER;
	return c;
}

static void waiting(pl_cstatus *c, const char *reason)
{
	c->state.kind = PL_CSTATE_WAITING;
	c->state.reason = reason;
	c->started = 0;
	c->ready = false;
}

static void running(pl_cstatus *c, bool ready)
{
	c->state.kind = PL_CSTATE_RUNNING;
	c->state.started_at = 1 * S;
	c->started = 1;
	c->ready = ready;
}

static void terminated(pl_cstatus *c, int code, const char *reason)
{
	c->state.kind = PL_CSTATE_TERMINATED;
	c->state.exit_code = code;
	c->state.reason = reason;
	c->state.started_at = 1 * S;
	c->state.finished_at = 2 * S;
	c->started = 0;
	c->ready = false;
}

static void last_exit(pl_cstatus *c, int code, pl_ms finished)
{
	c->last_state.kind = PL_CSTATE_TERMINATED;
	c->last_state.exit_code = code;
	c->last_state.reason = code == 0 ? "Completed" : "Error";
	c->last_state.finished_at = finished;
}

static void free_conditions(pod *p)
{
	for (int i = 0; i < PL_COND_COUNT; i++) {
		pl_free(pl_alloc_default(), p->st.conditions[i].message);
		p->st.conditions[i].message = NULL;
	}
}

static pl_phase phase_of(pod *p)
{
	return pl_compute_phase(&p->st);
}

/* ---- getPhase ------------------------------------------------------------- */

static void test_phase_names(void)
{
	CHECK_STR(pl_phase_name(PL_PHASE_PENDING), "Pending");
	CHECK_STR(pl_phase_name(PL_PHASE_RUNNING), "Running");
	CHECK_STR(pl_phase_name(PL_PHASE_SUCCEEDED), "Succeeded");
	CHECK_STR(pl_phase_name(PL_PHASE_FAILED), "Failed");
	CHECK_STR(pl_phase_name(PL_PHASE_UNKNOWN), "Unknown");
	CHECK_STR(pl_cond_name(PL_COND_READY_TO_START), "PodReadyToStartContainers");
	CHECK_STR(pl_cond_name(PL_COND_INITIALIZED), "Initialized");
	CHECK_STR(pl_cond_name(PL_COND_READY), "Ready");
	CHECK_STR(pl_cond_name(PL_COND_CONTAINERS_READY), "ContainersReady");
	CHECK_STR(pl_cond_name(PL_COND_SCHEDULED), "PodScheduled");
	CHECK_INT(pl_compute_phase(NULL), PL_PHASE_PENDING);
}

/* Decision table of reference §1.4, one regular pair of containers. */
typedef enum rs { R_CREATING, R_RUNNING, R_EXIT0, R_EXIT1, R_BACKOFF1, R_BACKOFF0 } rs;

static void set_regular(pl_cstatus *c, rs s)
{
	switch (s) {
	case R_CREATING:
		waiting(c, "ContainerCreating");
		break;
	case R_RUNNING:
		running(c, true);
		break;
	case R_EXIT0:
		terminated(c, 0, "Completed");
		break;
	case R_EXIT1:
		terminated(c, 1, "Error");
		break;
	case R_BACKOFF1:
		waiting(c, "CrashLoopBackOff");
		last_exit(c, 1, 2 * S);
		break;
	case R_BACKOFF0:
		waiting(c, "CrashLoopBackOff");
		last_exit(c, 0, 2 * S);
		break;
	}
}

static pl_phase two(const char *policy, rs a, rs b, bool terminal)
{
	pod p;
	pod_init(&p, policy);
	set_regular(add(&p, PL_CKIND_REGULAR, "a"), a);
	set_regular(add(&p, PL_CKIND_REGULAR, "b"), b);
	p.st.pod_is_terminal = terminal;
	return phase_of(&p);
}

static void test_phase_decision_table(void)
{
	static const char *const pol[3] = {"Always", "OnFailure", "Never"};
	for (int i = 0; i < 3; i++) {
		/* waiting for a first start: Pending, even with another running */
		CHECK_INT(two(pol[i], R_CREATING, R_CREATING, false), PL_PHASE_PENDING);
		CHECK_INT(two(pol[i], R_RUNNING, R_CREATING, false), PL_PHASE_PENDING);
		/* >= 1 running, others started once */
		CHECK_INT(two(pol[i], R_RUNNING, R_RUNNING, false), PL_PHASE_RUNNING);
		CHECK_INT(two(pol[i], R_RUNNING, R_EXIT1, false), PL_PHASE_RUNNING);
		CHECK_INT(two(pol[i], R_RUNNING, R_EXIT0, false), PL_PHASE_RUNNING);
		/* deletion finished (podIsTerminal) */
		CHECK_INT(two(pol[i], R_EXIT0, R_EXIT0, true), PL_PHASE_SUCCEEDED);
		CHECK_INT(two(pol[i], R_EXIT0, R_EXIT1, true), PL_PHASE_FAILED);
	}
	/* all terminated exit 0 */
	CHECK_INT(two("Always", R_EXIT0, R_EXIT0, false), PL_PHASE_RUNNING);
	CHECK_INT(two("OnFailure", R_EXIT0, R_EXIT0, false), PL_PHASE_SUCCEEDED);
	CHECK_INT(two("Never", R_EXIT0, R_EXIT0, false), PL_PHASE_SUCCEEDED);
	/* all terminated, one non-zero */
	CHECK_INT(two("Always", R_EXIT0, R_EXIT1, false), PL_PHASE_RUNNING);
	CHECK_INT(two("OnFailure", R_EXIT0, R_EXIT1, false), PL_PHASE_RUNNING);
	CHECK_INT(two("Never", R_EXIT0, R_EXIT1, false), PL_PHASE_FAILED);
	/* all stopped, some in CrashLoopBackOff */
	CHECK_INT(two("Always", R_BACKOFF1, R_EXIT0, false), PL_PHASE_RUNNING);
	CHECK_INT(two("OnFailure", R_BACKOFF1, R_EXIT0, false), PL_PHASE_RUNNING);
	/* waiting with a last exit 0 is stopped, never succeeded */
	CHECK_INT(two("OnFailure", R_BACKOFF0, R_EXIT0, false), PL_PHASE_RUNNING);
	CHECK_INT(two("Always", R_BACKOFF0, R_BACKOFF0, false), PL_PHASE_RUNNING);
	/* restartPolicy unset behaves as Always */
	CHECK_INT(two(NULL, R_EXIT0, R_EXIT0, false), PL_PHASE_RUNNING);
}

static void test_phase_unknown_and_static(void)
{
	pod p;
	/* a container without a status entry: unknown -> Pending (row 5) */
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_REGULAR, "a"), true);
	add(&p, PL_CKIND_REGULAR, "b")->has_status = false;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	/* an entry with no state at all also counts as unknown */
	p.reg[1].has_status = true;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	/* unknown blocks the terminal rows too */
	pod_init(&p, "Never");
	terminated(add(&p, PL_CKIND_REGULAR, "a"), 0, "Completed");
	add(&p, PL_CKIND_REGULAR, "b")->has_status = false;
	p.st.pod_is_terminal = true;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	/* nothing started at all */
	pod_init(&p, "Always");
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);

	/* static pods skip the podIsTerminal shortcut (row 4a) */
	CHECK_INT(two("Always", R_EXIT0, R_EXIT1, true), PL_PHASE_FAILED);
	pod_init(&p, "Always");
	terminated(add(&p, PL_CKIND_REGULAR, "a"), 1, "Error");
	p.st.pod_is_terminal = true;
	p.st.is_static = true;
	CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
	p.st.restart_policy = "Never";
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);
	p.st.restart_policy = "OnFailure";
	CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
	p.reg[0].state.exit_code = 0;
	CHECK_INT(phase_of(&p), PL_PHASE_SUCCEEDED);
}

static void test_phase_init_containers(void)
{
	pod p;
	static const char *const pol[3] = {"Always", "OnFailure", "Never"};
	for (int i = 0; i < 3; i++) {
		/* init[0] running, regular in its default waiting state */
		pod_init(&p, pol[i]);
		running(add(&p, PL_CKIND_INIT, "init-a"), false);
		waiting(add(&p, PL_CKIND_INIT, "init-b"), "PodInitializing");
		waiting(add(&p, PL_CKIND_REGULAR, "app"), "PodInitializing");
		CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
		/* no status entry / no state for an init container: pending */
		p.init[0].has_status = false;
		CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
		p.init[0].has_status = true;
		p.init[0].state.kind = PL_CSTATE_NONE;
		CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
		/* init[0] done, init[1] waiting with a successful last run */
		terminated(&p.init[0], 0, "Completed");
		last_exit(&p.init[1], 0, 3 * S);
		running(&p.reg[0], true);
		CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
	}
	/* a failed init container under Never fails the pod (step D) */
	pod_init(&p, "Never");
	terminated(add(&p, PL_CKIND_INIT, "init"), 1, "Error");
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "PodInitializing");
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);
	/* ... and keeps it Pending under Always / OnFailure */
	p.st.restart_policy = "Always";
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	p.st.restart_policy = "OnFailure";
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	/* crash-looping init container: waiting + last exit 1 */
	waiting(&p.init[0], "CrashLoopBackOff");
	last_exit(&p.init[0], 1, 2 * S);
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	p.st.restart_policy = "Never";
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);
	/* newest getPhase: a pending regular init container forces Pending
	 * even when regular containers ran before (sandbox re-created) */
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_INIT, "init"), false);
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "PodInitializing");
	last_exit(&p.reg[0], 0, 2 * S);
	p.st.has_initialized = true;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
}

static void test_phase_sidecars(void)
{
	pod p;
	/* running sidecar not yet started: Pending before initialization */
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_SIDECAR, "proxy"), false);
	p.init[0].started = 0;
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "PodInitializing");
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	/* started = nil counts as not started */
	p.init[0].started = -1;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	/* after initialization a restarting sidecar does not change the phase */
	running(&p.reg[0], true);
	p.st.has_initialized = true;
	CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
	waiting(&p.init[0], "CrashLoopBackOff");
	last_exit(&p.init[0], 1, 2 * S);
	CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
	/* a sidecar waiting for its first start keeps the pod Pending */
	waiting(&p.init[0], "ContainerCreating");
	p.init[0].last_state.kind = PL_CSTATE_NONE;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	/* a sidecar without a status entry is unknown */
	p.init[0].has_status = false;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	/* no state at all: pending sidecar and unknown */
	p.init[0].has_status = true;
	p.init[0].state.kind = PL_CSTATE_NONE;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);

	/* Job pod: main exited 0 under Never while the sidecar runs */
	pod_init(&p, "Never");
	running(add(&p, PL_CKIND_SIDECAR, "proxy"), true);
	terminated(add(&p, PL_CKIND_REGULAR, "job"), 0, "Completed");
	p.st.has_initialized = true;
	CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
	/* sidecar killed afterwards: its exit code never decides */
	terminated(&p.init[0], 137, "Error");
	CHECK_INT(phase_of(&p), PL_PHASE_SUCCEEDED);
	p.st.pod_is_terminal = true;
	CHECK_INT(phase_of(&p), PL_PHASE_SUCCEEDED);
	p.reg[0].state.exit_code = 2;
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);
	/* sidecar exit 1 does not fail an init sequence under Never */
	pod_init(&p, "Never");
	terminated(add(&p, PL_CKIND_SIDECAR, "proxy"), 1, "Error");
	running(add(&p, PL_CKIND_REGULAR, "app"), true);
	CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
}

/* KEP-5307: ContainerShouldRestart and getPhase with ContainerRestartRules */
static void test_restart_rules(void)
{
	int64_t v42[1] = {42}, v0[1] = {0};
	pl_exit_codes in42, notin0, bogus;
	memset(&in42, 0, sizeof(in42));
	in42.operator_ = (char *)(uintptr_t)"In";
	in42.values.n = 1;
	in42.values.v = v42;
	memset(&notin0, 0, sizeof(notin0));
	notin0.operator_ = (char *)(uintptr_t)"NotIn";
	notin0.values.n = 1;
	notin0.values.v = v0;
	memset(&bogus, 0, sizeof(bogus));
	bogus.operator_ = (char *)(uintptr_t)"Around";
	bogus.values.n = 1;
	bogus.values.v = v42;
	pl_restart_rule r_in42, r_notin0, r_other, r_noexit, r_bogus;
	memset(&r_in42, 0, sizeof(r_in42));
	r_in42.action = (char *)(uintptr_t)"Restart";
	r_in42.exit_codes = &in42;
	r_notin0 = r_in42;
	r_notin0.exit_codes = &notin0;
	r_other = r_in42;
	r_other.action = (char *)(uintptr_t)"RestartAllContainers";
	r_noexit = r_in42;
	r_noexit.exit_codes = NULL;
	r_bogus = r_in42;
	r_bogus.exit_codes = &bogus;

	/* pod policy only */
	CHECK(pl_container_should_restart(NULL, "Always", 0));
	CHECK(!pl_container_should_restart(NULL, "OnFailure", 0));
	CHECK(pl_container_should_restart(NULL, "OnFailure", 3));
	CHECK(!pl_container_should_restart(NULL, "Never", 3));
	CHECK(pl_container_should_restart(NULL, NULL, 0));
	CHECK(pl_container_should_restart(NULL, "Sometimes", 0));

	pl_container c;
	memset(&c, 0, sizeof(c));
	c.name = (char *)(uintptr_t)"app";
	CHECK(!pl_container_should_restart(&c, "Never", 42)); /* no container policy */
	c.restart_policy = (char *)(uintptr_t)"Never";
	pl_restart_rule *rules[2] = {&r_in42, NULL};
	c.restart_policy_rules.n = 1;
	c.restart_policy_rules.v = (void **)rules;
	CHECK(pl_container_should_restart(&c, "Never", 42));
	CHECK(!pl_container_should_restart(&c, "Always", 1)); /* container Never wins */
	rules[0] = &r_notin0;
	CHECK(pl_container_should_restart(&c, "Never", 1));
	CHECK(!pl_container_should_restart(&c, "Never", 0));
	/* first match with another action falls back to the container policy */
	rules[0] = &r_other;
	rules[1] = &r_in42;
	c.restart_policy_rules.n = 2;
	CHECK(!pl_container_should_restart(&c, "Always", 42));
	/* rules without exit codes or with unknown operators are passed over */
	rules[0] = &r_noexit;
	CHECK(pl_container_should_restart(&c, "Never", 42));
	rules[0] = &r_bogus;
	CHECK(pl_container_should_restart(&c, "Never", 42));
	c.restart_policy = (char *)(uintptr_t)"OnFailure";
	c.restart_policy_rules.n = 0;
	CHECK(!pl_container_should_restart(&c, "Always", 0));
	CHECK(pl_container_should_restart(&c, "Never", 9));
	/* an unknown container policy falls back to the pod's */
	c.restart_policy = (char *)(uintptr_t)"Sometimes";
	CHECK(pl_container_should_restart(&c, "Always", 0));

	/* getPhase, gate on: pod Never, container Never + Restart on 42 */
	c.restart_policy = (char *)(uintptr_t)"Never";
	rules[0] = &r_in42;
	c.restart_policy_rules.n = 1;
	pod p;
	pod_init(&p, "Never");
	pl_cstatus *a = add(&p, PL_CKIND_REGULAR, "app");
	a->spec = &c;
	terminated(a, 42, "Error");
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED); /* gate off */
	p.st.container_restart_rules = true;
	CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
	waiting(a, "CrashLoopBackOff");
	last_exit(a, 42, 2 * S);
	CHECK_INT(phase_of(&p), PL_PHASE_RUNNING);
	terminated(a, 1, "Error");
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);
	terminated(a, 0, "Completed");
	CHECK_INT(phase_of(&p), PL_PHASE_SUCCEEDED);
	/* the terminal shortcut still comes first */
	terminated(a, 42, "Error");
	p.st.pod_is_terminal = true;
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);

	/* init container restartable by its rule keeps a Never pod Pending */
	pod_init(&p, "Never");
	pl_cstatus *i = add(&p, PL_CKIND_INIT, "init");
	i->spec = &c;
	terminated(i, 42, "Error");
	waiting(add(&p, PL_CKIND_REGULAR, "app2"), "PodInitializing");
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);
	p.st.container_restart_rules = true;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
	terminated(i, 3, "Error");
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);
	/* a pod Always whose init container says Never: Failed with the gate */
	p.st.restart_policy = "Always";
	CHECK_INT(phase_of(&p), PL_PHASE_FAILED);
	p.st.container_restart_rules = false;
	CHECK_INT(phase_of(&p), PL_PHASE_PENDING);
}

/* ---- conditions --------------------------------------------------------------- */

static const pl_condition *cond(pod *p, pl_cond_type t)
{
	return &p->st.conditions[t];
}

static void test_conditions_ready(void)
{
	pod p;
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_REGULAR, "app"), true);
	running(add(&p, PL_CKIND_REGULAR, "web"), true);
	p.st.phase = PL_PHASE_RUNNING;
	pl_update_conditions(&p.st, pl_alloc_default(), 5 * S);
	for (int t = 0; t < PL_COND_COUNT; t++) {
		CHECK(cond(&p, (pl_cond_type)t)->present);
		CHECK(cond(&p, (pl_cond_type)t)->status);
		CHECK(cond(&p, (pl_cond_type)t)->reason == NULL);
		CHECK(cond(&p, (pl_cond_type)t)->message == NULL);
		CHECK_INT(cond(&p, (pl_cond_type)t)->last_transition, 5 * S);
	}
	/* app becomes unready: ContainersReady and Ready flip, others keep
	 * their transition time */
	p.reg[0].ready = false;
	pl_update_conditions(&p.st, pl_alloc_default(), 9 * S);
	CHECK(!cond(&p, PL_COND_CONTAINERS_READY)->status);
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->reason, "ContainersNotReady");
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->message,
	          "containers with unready status: [app]");
	CHECK(!cond(&p, PL_COND_READY)->status);
	CHECK_STR(cond(&p, PL_COND_READY)->reason, "ContainersNotReady");
	CHECK_STR(cond(&p, PL_COND_READY)->message, "containers with unready status: [app]");
	CHECK_INT(cond(&p, PL_COND_READY)->last_transition, 9 * S);
	CHECK_INT(cond(&p, PL_COND_CONTAINERS_READY)->last_transition, 9 * S);
	CHECK_INT(cond(&p, PL_COND_INITIALIZED)->last_transition, 5 * S);
	CHECK_INT(cond(&p, PL_COND_SCHEDULED)->last_transition, 5 * S);
	/* unchanged status keeps its time even when the message changes */
	p.reg[1].ready = false;
	pl_update_conditions(&p.st, pl_alloc_default(), 12 * S);
	CHECK_INT(cond(&p, PL_COND_READY)->last_transition, 9 * S);
	CHECK_STR(cond(&p, PL_COND_READY)->message, "containers with unready status: [app web]");
	/* unknown first, then unready, joined with ", " */
	p.reg[1].has_status = false;
	pl_update_conditions(&p.st, pl_alloc_default(), 13 * S);
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->message,
	          "containers with unknown status: [web], containers with unready status: [app]");
	/* back to ready */
	p.reg[0].ready = true;
	p.reg[1].has_status = true;
	p.reg[1].ready = true;
	pl_update_conditions(&p.st, pl_alloc_default(), 20 * S);
	CHECK(cond(&p, PL_COND_READY)->status);
	CHECK(cond(&p, PL_COND_READY)->reason == NULL);
	CHECK(cond(&p, PL_COND_READY)->message == NULL);
	CHECK_INT(cond(&p, PL_COND_READY)->last_transition, 20 * S);
	/* sandbox gone: PodReadyToStartContainers False */
	p.st.sandbox_ready = false;
	pl_update_conditions(&p.st, pl_alloc_default(), 21 * S);
	CHECK(!cond(&p, PL_COND_READY_TO_START)->status);
	CHECK_INT(cond(&p, PL_COND_READY_TO_START)->last_transition, 21 * S);
	free_conditions(&p);
}

static void test_conditions_terminal_and_unknown(void)
{
	pod p;
	pod_init(&p, "Never");
	terminated(add(&p, PL_CKIND_INIT, "init"), 0, "Completed");
	terminated(add(&p, PL_CKIND_REGULAR, "job"), 0, "Completed");
	p.st.phase = PL_PHASE_SUCCEEDED;
	pl_update_conditions(&p.st, NULL, 1 * S);
	CHECK(!cond(&p, PL_COND_CONTAINERS_READY)->status);
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->reason, "PodCompleted");
	CHECK(cond(&p, PL_COND_CONTAINERS_READY)->message == NULL);
	CHECK_STR(cond(&p, PL_COND_READY)->reason, "PodCompleted");
	CHECK(cond(&p, PL_COND_INITIALIZED)->status);
	CHECK_STR(cond(&p, PL_COND_INITIALIZED)->reason, "PodCompleted");
	/* Failed */
	p.reg[0].state.exit_code = 1;
	p.st.phase = PL_PHASE_FAILED;
	pl_update_conditions(&p.st, NULL, 2 * S);
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->reason, "PodFailed");
	CHECK_STR(cond(&p, PL_COND_READY)->reason, "PodFailed");
	/* no container status at all */
	free_conditions(&p);
	pod_init(&p, "Always");
	add(&p, PL_CKIND_INIT, "init")->has_status = false;
	add(&p, PL_CKIND_REGULAR, "app")->has_status = false;
	pl_update_conditions(&p.st, NULL, 3 * S);
	CHECK(!cond(&p, PL_COND_CONTAINERS_READY)->status);
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->reason, "UnknownContainerStatuses");
	CHECK_STR(cond(&p, PL_COND_INITIALIZED)->reason, "UnknownContainerStatuses");
	CHECK_STR(cond(&p, PL_COND_READY)->reason, "UnknownContainerStatuses");
	/* the kubelet hands init and regular statuses over as one list: with
	 * only the init one known, the app is "unknown", not the list */
	p.init[0].has_status = true;
	running(&p.init[0], false);
	pl_update_conditions(&p.st, NULL, 4 * S);
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->reason, "ContainersNotReady");
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->message,
	          "containers with unknown status: [app]");
	CHECK_STR(cond(&p, PL_COND_INITIALIZED)->reason, "ContainersNotInitialized");
	CHECK_STR(cond(&p, PL_COND_INITIALIZED)->message, "containers with incomplete status: [init]");
	free_conditions(&p);
}

static void test_conditions_initialized(void)
{
	pod p;
	pod_init(&p, "Always");
	terminated(add(&p, PL_CKIND_INIT, "init-a"), 0, "Completed");
	running(add(&p, PL_CKIND_INIT, "init-b"), false);
	running(add(&p, PL_CKIND_SIDECAR, "proxy"), false);
	p.init[2].started = 0;
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "PodInitializing");
	p.st.phase = PL_PHASE_PENDING;
	pl_update_conditions(&p.st, NULL, 1 * S);
	CHECK(!cond(&p, PL_COND_INITIALIZED)->status);
	CHECK_STR(cond(&p, PL_COND_INITIALIZED)->reason, "ContainersNotInitialized");
	CHECK_STR(cond(&p, PL_COND_INITIALIZED)->message,
	          "containers with incomplete status: [init-b proxy]");
	/* a missing status shows as unknown */
	p.init[1].has_status = false;
	pl_update_conditions(&p.st, NULL, 2 * S);
	CHECK_STR(cond(&p, PL_COND_INITIALIZED)->message,
	          "containers with unknown status: [init-b], containers with incomplete status: [proxy]");
	/* ContainersReady counts sidecars, not regular init containers */
	CHECK_STR(cond(&p, PL_COND_CONTAINERS_READY)->message,
	          "containers with unready status: [proxy app]");
	/* all done */
	p.init[1].has_status = true;
	terminated(&p.init[1], 0, "Completed");
	running(&p.init[2], true);
	running(&p.reg[0], true);
	p.st.phase = PL_PHASE_RUNNING;
	pl_update_conditions(&p.st, NULL, 3 * S);
	CHECK(cond(&p, PL_COND_INITIALIZED)->status);
	CHECK(cond(&p, PL_COND_INITIALIZED)->reason == NULL);
	CHECK_INT(cond(&p, PL_COND_INITIALIZED)->last_transition, 3 * S);
	CHECK(cond(&p, PL_COND_READY)->status);
	/* a restarting sidecar after a regular container started: stays True */
	waiting(&p.init[2], "CrashLoopBackOff");
	last_exit(&p.init[2], 1, 4 * S);
	pl_update_conditions(&p.st, NULL, 5 * S);
	CHECK(cond(&p, PL_COND_INITIALIZED)->status);
	CHECK_INT(cond(&p, PL_COND_INITIALIZED)->last_transition, 3 * S);
	CHECK_STR(cond(&p, PL_COND_READY)->message, "containers with unready status: [proxy]");
	/* a pod with no init containers is initialized */
	free_conditions(&p);
	pod_init(&p, "Always");
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "ContainerCreating");
	pl_update_conditions(&p.st, NULL, 1 * S);
	CHECK(cond(&p, PL_COND_INITIALIZED)->status);
	CHECK(cond(&p, PL_COND_SCHEDULED)->status);
	free_conditions(&p);
}

static void test_conditions_readiness_gates(void)
{
	pod p;
	static const char *const gates[2] = {"example.com/lb", "example.com/dns"};
	signed char values[2] = {-1, 0};
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_REGULAR, "app"), true);
	p.st.phase = PL_PHASE_RUNNING;
	p.st.n_readiness_gates = 2;
	p.st.readiness_gates = gates;
	pl_update_conditions(&p.st, NULL, 1 * S);
	CHECK(cond(&p, PL_COND_CONTAINERS_READY)->status);
	CHECK(!cond(&p, PL_COND_READY)->status);
	CHECK_STR(cond(&p, PL_COND_READY)->reason, "ReadinessGatesNotReady");
	CHECK_STR(cond(&p, PL_COND_READY)->message,
	          "corresponding condition of pod readiness gate \"example.com/lb\" does not exist., "
	          "corresponding condition of pod readiness gate \"example.com/dns\" does not exist.");
	p.st.readiness_gate_values = values;
	pl_update_conditions(&p.st, NULL, 2 * S);
	CHECK_STR(cond(&p, PL_COND_READY)->message,
	          "corresponding condition of pod readiness gate \"example.com/lb\" does not exist., "
	          "the status of pod readiness gate \"example.com/dns\" is not \"True\", but False");
	values[0] = 1;
	values[1] = 1;
	pl_update_conditions(&p.st, NULL, 3 * S);
	CHECK(cond(&p, PL_COND_READY)->status);
	CHECK_INT(cond(&p, PL_COND_READY)->last_transition, 3 * S);
	free_conditions(&p);
}

/* ---- kubectl columns -------------------------------------------------------------- */

static pl_columns cols(pod *p, pl_ms now)
{
	pl_columns c;
	pl_compute_columns(&p->st, now, &c);
	return c;
}

static void set_cond(pod *p, pl_cond_type t, bool status, const char *reason)
{
	p->st.conditions[t].present = true;
	p->st.conditions[t].status = status;
	p->st.conditions[t].reason = reason;
}

static void test_columns_init(void)
{
	pod p;
	pl_columns c;
	/* Init:0/2 */
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_INIT, "init-a"), false);
	waiting(add(&p, PL_CKIND_INIT, "init-b"), "PodInitializing");
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "PodInitializing");
	c = cols(&p, 10 * S);
	CHECK_STR(c.status, "Init:0/2");
	CHECK_STR(c.ready, "0/1");
	CHECK_STR(c.restarts_text, "0");
	/* Init:1/2 */
	terminated(&p.init[0], 0, "Completed");
	c = cols(&p, 10 * S);
	CHECK_STR(c.status, "Init:1/2");
	/* Init:1/2 also while init-b runs */
	running(&p.init[1], false);
	CHECK_STR(cols(&p, 10 * S).status, "Init:1/2");
	/* PodInitializing: all init done, app still in its default state */
	terminated(&p.init[1], 0, "Completed");
	CHECK_STR(cols(&p, 10 * S).status, "PodInitializing");
	running(&p.reg[0], true);
	p.st.phase = PL_PHASE_RUNNING;
	c = cols(&p, 10 * S);
	CHECK_STR(c.status, "Running");
	CHECK_STR(c.ready, "1/1");

	/* Init:CrashLoopBackOff with RESTARTS "3 (40s ago)" */
	pod_init(&p, "Always");
	waiting(add(&p, PL_CKIND_INIT, "init"), "CrashLoopBackOff");
	p.init[0].restart_count = 3;
	last_exit(&p.init[0], 1, 60 * S);
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "PodInitializing");
	c = cols(&p, 100 * S);
	CHECK_STR(c.status, "Init:CrashLoopBackOff");
	CHECK_STR(c.ready, "0/1");
	CHECK_INT(c.restarts, 3);
	CHECK_STR(c.restarts_text, "3 (40s ago)");
	/* the finish time counts in whole seconds (metav1.Time) */
	p.init[0].last_state.finished_at = 60 * S + 700;
	CHECK_STR(cols(&p, 100 * S + 500).restarts_text, "3 (40s ago)");
	/* Init:Error (Never, phase Failed) */
	pod_init(&p, "Never");
	terminated(add(&p, PL_CKIND_INIT, "init"), 1, "Error");
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "PodInitializing");
	p.st.phase = PL_PHASE_FAILED;
	CHECK_STR(cols(&p, 0).status, "Init:Error");
	/* Init:ExitCode:N and Init:Signal:N when the runtime gave no reason */
	terminated(&p.init[0], 3, "");
	CHECK_STR(cols(&p, 0).status, "Init:ExitCode:3");
	p.init[0].state.reason = NULL;
	p.init[0].state.signal = 9;
	CHECK_STR(cols(&p, 0).status, "Init:Signal:9");
	/* Init:<waiting reason> other than PodInitializing */
	waiting(&p.init[0], "ImagePullBackOff");
	CHECK_STR(cols(&p, 0).status, "Init:ImagePullBackOff");
	/* Init:OOMKilled */
	terminated(&p.init[0], 137, "OOMKilled");
	CHECK_STR(cols(&p, 0).status, "Init:OOMKilled");
}

static void test_columns_regular(void)
{
	pod p;
	pl_columns c;
	/* ContainerCreating */
	pod_init(&p, "Always");
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "ContainerCreating");
	c = cols(&p, 0);
	CHECK_STR(c.status, "ContainerCreating");
	CHECK_STR(c.ready, "0/1");
	/* CrashLoopBackOff, 5 restarts, last exit 75 s ago */
	waiting(&p.reg[0], "CrashLoopBackOff");
	p.reg[0].restart_count = 5;
	last_exit(&p.reg[0], 1, 25 * S);
	p.st.phase = PL_PHASE_RUNNING;
	c = cols(&p, 100 * S);
	CHECK_STR(c.status, "CrashLoopBackOff");
	CHECK_STR(c.restarts_text, "5 (75s ago)");
	/* between back-off expiry and restart: terminated Error */
	terminated(&p.reg[0], 1, "Error");
	CHECK_STR(cols(&p, 100 * S).status, "Error");
	CHECK_STR(cols(&p, 100 * S).restarts_text, "5 (75s ago)");
	/* OOMKilled, ExitCode:N, Signal:N */
	terminated(&p.reg[0], 137, "OOMKilled");
	CHECK_STR(cols(&p, 0).status, "OOMKilled");
	terminated(&p.reg[0], 2, NULL);
	CHECK_STR(cols(&p, 0).status, "ExitCode:2");
	p.reg[0].state.signal = 15;
	CHECK_STR(cols(&p, 0).status, "Signal:15");
	/* Completed Job pod */
	pod_init(&p, "Never");
	terminated(add(&p, PL_CKIND_REGULAR, "job"), 0, "Completed");
	p.st.phase = PL_PHASE_SUCCEEDED;
	c = cols(&p, 0);
	CHECK_STR(c.status, "Completed");
	CHECK_STR(c.ready, "0/1");
	CHECK_STR(c.restarts_text, "0");
	/* a running + b Completed: NotReady when Ready is False, else Running */
	pod_init(&p, "OnFailure");
	running(add(&p, PL_CKIND_REGULAR, "a"), true);
	terminated(add(&p, PL_CKIND_REGULAR, "b"), 0, "Completed");
	p.st.phase = PL_PHASE_RUNNING;
	set_cond(&p, PL_COND_READY, false, "ContainersNotReady");
	c = cols(&p, 0);
	CHECK_STR(c.status, "NotReady");
	CHECK_STR(c.ready, "1/2");
	set_cond(&p, PL_COND_READY, true, NULL);
	CHECK_STR(cols(&p, 0).status, "Running");
	/* the reason shown comes from the alphabetically first container
	 * (the list is name-sorted and walked backwards), whatever the
	 * engine's spec order */
	pod_init(&p, "Always");
	waiting(add(&p, PL_CKIND_REGULAR, "zeta"), "ImagePullBackOff");
	waiting(add(&p, PL_CKIND_REGULAR, "alpha"), "CrashLoopBackOff");
	CHECK_STR(cols(&p, 0).status, "CrashLoopBackOff");
	p.reg[1].name = "zz";
	CHECK_STR(cols(&p, 0).status, "ImagePullBackOff");
	/* restarts sum over regular containers; age from the latest exit */
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_REGULAR, "a"), true);
	p.reg[0].restart_count = 2;
	last_exit(&p.reg[0], 1, 10 * S);
	running(add(&p, PL_CKIND_REGULAR, "b"), true);
	p.reg[1].restart_count = 1;
	last_exit(&p.reg[1], 1, 50 * S);
	p.st.phase = PL_PHASE_RUNNING;
	c = cols(&p, 200 * S);
	CHECK_STR(c.status, "Running");
	CHECK_STR(c.ready, "2/2");
	CHECK_INT(c.restarts, 3);
	CHECK_STR(c.restarts_text, "3 (2m30s ago)");
	/* a restart count without any last termination shows no age */
	p.reg[0].last_state.kind = PL_CSTATE_NONE;
	p.reg[1].last_state.kind = PL_CSTATE_NONE;
	CHECK_STR(cols(&p, 200 * S).restarts_text, "3");
	/* an exit at engine time 0 is a real date */
	last_exit(&p.reg[0], 1, 0);
	CHECK_STR(cols(&p, 200 * S).restarts_text, "3 (3m20s ago)");
}

static void test_columns_sidecars(void)
{
	pod p;
	pl_columns c;
	/* sidecar started+ready, app running+ready: 2/2 */
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_SIDECAR, "proxy"), true);
	running(add(&p, PL_CKIND_REGULAR, "app"), true);
	p.st.phase = PL_PHASE_RUNNING;
	set_cond(&p, PL_COND_INITIALIZED, true, NULL);
	c = cols(&p, 0);
	CHECK_STR(c.status, "Running");
	CHECK_STR(c.ready, "2/2");
	/* sidecar started but not ready */
	p.init[0].ready = false;
	c = cols(&p, 0);
	CHECK_STR(c.status, "Running");
	CHECK_STR(c.ready, "1/2");
	/* initialized pod whose sidecar crash-loops: Init:CrashLoopBackOff,
	 * restarts of sidecar + main */
	waiting(&p.init[0], "CrashLoopBackOff");
	p.init[0].restart_count = 4;
	last_exit(&p.init[0], 1, 30 * S);
	p.reg[0].restart_count = 1;
	last_exit(&p.reg[0], 1, 10 * S);
	c = cols(&p, 90 * S);
	CHECK_STR(c.status, "Init:CrashLoopBackOff");
	CHECK_STR(c.ready, "1/2");
	CHECK_INT(c.restarts, 5);
	CHECK_STR(c.restarts_text, "5 (60s ago)");
	/* not initialized: only init restarts count, no regular walk */
	p.st.conditions[PL_COND_INITIALIZED].status = false;
	c = cols(&p, 90 * S);
	CHECK_STR(c.status, "Init:CrashLoopBackOff");
	CHECK_STR(c.ready, "0/2");
	CHECK_INT(c.restarts, 4);
	/* regular init containers are never in READY */
	pod_init(&p, "Always");
	terminated(add(&p, PL_CKIND_INIT, "init"), 0, "Completed");
	running(add(&p, PL_CKIND_SIDECAR, "proxy"), true);
	running(add(&p, PL_CKIND_REGULAR, "app"), true);
	p.st.phase = PL_PHASE_RUNNING;
	CHECK_STR(cols(&p, 0).ready, "2/2");
}

static void test_columns_pod_level(void)
{
	pod p;
	/* pod reason overrides the phase (e.g. DeadlineExceeded) */
	pod_init(&p, "Always");
	waiting(add(&p, PL_CKIND_REGULAR, "app"), NULL);
	p.st.phase = PL_PHASE_FAILED;
	p.st.reason = "DeadlineExceeded";
	CHECK_STR(cols(&p, 0).status, "DeadlineExceeded");
	/* ... but a container reason wins over it (Evicted example) */
	p.st.reason = "Evicted";
	terminated(&p.reg[0], 137, "ContainerStatusUnknown");
	CHECK_STR(cols(&p, 0).status, "ContainerStatusUnknown");
	/* NodeAffinity with no container status at all */
	pod_init(&p, "Always");
	add(&p, PL_CKIND_REGULAR, "app")->has_status = false;
	p.st.phase = PL_PHASE_FAILED;
	p.st.reason = "NodeAffinity";
	CHECK_STR(cols(&p, 0).status, "NodeAffinity");
	/* Pending with nothing known */
	p.st.phase = PL_PHASE_PENDING;
	p.st.reason = NULL;
	CHECK_STR(cols(&p, 0).status, "Pending");
	/* SchedulingGated */
	set_cond(&p, PL_COND_SCHEDULED, false, "SchedulingGated");
	CHECK_STR(cols(&p, 0).status, "SchedulingGated");
	/* Terminating: deletion requested, phase not terminal */
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_REGULAR, "app"), true);
	p.st.phase = PL_PHASE_RUNNING;
	p.st.terminating = true;
	pl_columns c = cols(&p, 0);
	CHECK_STR(c.status, "Terminating");
	CHECK_STR(c.ready, "1/1");
	/* terminal phase keeps its own status */
	terminated(&p.reg[0], 143, "Error");
	p.st.phase = PL_PHASE_FAILED;
	CHECK_STR(cols(&p, 0).status, "Error");
	/* Unknown for a NodeLost pod being deleted */
	p.st.reason = "NodeLost";
	running(&p.reg[0], true);
	p.st.phase = PL_PHASE_RUNNING;
	CHECK_STR(cols(&p, 0).status, "Unknown");
	/* NULL status */
	pl_compute_columns(NULL, 0, &c);
	CHECK_STR(c.ready, "0/0");
}

static void test_human_duration(void)
{
	static const struct {
		pl_ms d;
		const char *want;
	} v[] = {
	    {-3 * S, "<invalid>"},
	    {-2 * S, "<invalid>"},
	    {-1999, "0s"}, /* int(d.Seconds()) == -1 */
	    {-1 * S, "0s"},
	    {-1, "0s"},
	    {0, "0s"},
	    {999, "0s"},
	    {59 * S, "59s"},
	    {60 * S, "60s"},
	    {119 * S + 999, "119s"},
	    {120 * S, "2m"},
	    {121 * S, "2m1s"},
	    {5 * 60 * S + 2 * S, "5m2s"},
	    {9 * 60 * S + 59 * S, "9m59s"},
	    {10 * 60 * S, "10m"},
	    {10 * 60 * S + 59 * S, "10m"},
	    {179 * 60 * S, "179m"},
	    {3 * 3600 * S, "3h"},
	    {3 * 3600 * S + 5 * 60 * S, "3h5m"},
	    {7 * 3600 * S + 59 * 60 * S, "7h59m"},
	    {8 * 3600 * S, "8h"},
	    {47 * 3600 * S + 59 * 60 * S, "47h"},
	    {48 * 3600 * S, "2d"},
	    {50 * 3600 * S, "2d2h"},
	    {7 * 24 * 3600 * S + 23 * 3600 * S, "7d23h"},
	    {8 * 24 * 3600 * S, "8d"},
	    {729LL * 24 * 3600 * S, "729d"},
	    {730LL * 24 * 3600 * S, "2y"},
	    {731LL * 24 * 3600 * S, "2y1d"},
	    {3LL * 365 * 24 * 3600 * S, "3y"},
	    {(8LL * 365 - 1) * 24 * 3600 * S, "7y364d"},
	    {8LL * 365 * 24 * 3600 * S, "8y"},
	    {100LL * 365 * 24 * 3600 * S, "100y"},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(v); i++) {
		char buf[32];
		pl_human_duration(v[i].d, buf, sizeof(buf));
		CHECK_STR(buf, v[i].want);
	}
	char small[3];
	pl_human_duration(5 * 60 * S, small, sizeof(small));
	CHECK_STR(small, "5m");
	pl_human_duration(0, NULL, 0); /* harmless */
}

/* ---- events ----------------------------------------------------------------------- */

static void test_events_dedup(void)
{
	pl_event_log log;
	pl_event_log_init(&log, NULL, 0);
	CHECK_INT(log.max_rows, PL_EVENT_LOG_DEFAULT_ROWS);
	const char *f = "spec.containers{app}";
	CHECK_INT(pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled",
	                              "Container image \"busybox\" already present on machine", f,
	                              0),
	          PODLIFE_OK);
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Created", "Created container: app", f, 0);
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Started", "Started container app", f, 1 * S);
	for (int i = 1; i <= 3; i++) {
		pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled",
		                    "Container image \"busybox\" already present on machine", f,
		                    i * 20 * S);
		pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff",
		                    "Back-off restarting failed container app in pod p_default(u)", f,
		                    i * 20 * S + 1);
	}
	/* same reason, other object: its own row */
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled",
	                    "Container image \"busybox\" already present on machine",
	                    "spec.initContainers{init}", 70 * S);
	CHECK_INT(log.n, 5);
	CHECK_INT(log.recorded, 10);
	const pl_event_row **rows;
	size_t n;
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	REQUIRE(n == 5);
	CHECK_STR(rows[0]->reason, "Created");
	CHECK_STR(rows[1]->reason, "Started");
	CHECK_STR(rows[2]->reason, "Pulled");
	CHECK_INT(rows[2]->count, 4);
	CHECK_INT(rows[2]->first, 0);
	CHECK_INT(rows[2]->last, 60 * S);
	CHECK_STR(rows[3]->reason, "BackOff");
	CHECK_INT(rows[3]->count, 3);
	CHECK_STR(rows[4]->field_path, "spec.initContainers{init}");
	char age[64];
	pl_event_age(rows[2], 120 * S, 0, age, sizeof(age));
	CHECK_STR(age, "60s (x4 over 2m)");
	pl_event_age(rows[0], 120 * S, 0, age, sizeof(age));
	CHECK_STR(age, "2m");
	/* timestamps carry whole seconds: a wall offset of .7 s moves ages */
	pl_event_age(rows[1], 10 * S, 700, age, sizeof(age));
	CHECK_STR(age, "9s");
	pl_event_age(rows[1], 10 * S, 300, age, sizeof(age));
	CHECK_STR(age, "9s");
	pl_event_age(rows[1], 10 * S + 400, 700, age, sizeof(age));
	CHECK_STR(age, "10s");
	pl_free(log.a, rows);

	/* bad arguments */
	CHECK_INT(pl_event_log_record(&log, PL_EVENT_NORMAL, NULL, "m", NULL, 0), PODLIFE_EINVAL);
	CHECK_INT(pl_event_log_record(&log, PL_EVENT_NORMAL, "R", NULL, NULL, 0), PODLIFE_EINVAL);
	CHECK_INT(pl_event_log_record(&log, (pl_event_type)7, "R", "m", NULL, 0), PODLIFE_EINVAL);
	CHECK_INT(pl_event_log_record(NULL, PL_EVENT_NORMAL, "R", "m", NULL, 0), PODLIFE_EINVAL);
	CHECK_INT(log.n, 5);
	pl_event_log_free(&log);
	pl_event_log_free(&log); /* twice is harmless */
}

static void test_events_aggregate_similar(void)
{
	pl_event_log log;
	pl_event_log_init(&log, NULL, 0);
	char msg[64];
	/* 9 distinct messages with one reason: 9 rows */
	for (int i = 0; i < 9; i++) {
		snprintf(msg, sizeof(msg), "Successfully pulled image \"img:%d\"", i);
		pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled", msg, "spec.containers{app}",
		                    i * S);
	}
	CHECK_INT(log.n, 9);
	/* the 10th distinct message within 10 minutes is combined */
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled", "Successfully pulled image \"img:9\"",
	                    "spec.containers{app}", 10 * S);
	CHECK_INT(log.n, 10);
	const pl_event_row **rows;
	size_t n;
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	CHECK(rows[9]->combined);
	CHECK_STR(rows[9]->message,
	          "(combined from similar events): Successfully pulled image \"img:9\"");
	pl_free(log.a, rows);
	/* the next new one updates the combined row (count, message) */
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled", "Successfully pulled image \"img:10\"",
	                    "spec.containers{other}", 11 * S);
	CHECK_INT(log.n, 10);
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	CHECK_INT(rows[9]->count, 2);
	CHECK_STR(rows[9]->message,
	          "(combined from similar events): Successfully pulled image \"img:10\"");
	CHECK_STR(rows[9]->field_path, "spec.containers{app}");
	pl_free(log.a, rows);
	/* other reasons are not affected */
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Created", "Created container: app", NULL,
	                    12 * S);
	CHECK_INT(log.n, 11);
	/* after 10 idle minutes the group starts over */
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled", "Successfully pulled image \"img:0\"",
	                    "spec.containers{app}", 11 * S + 600 * S + 1);
	CHECK_INT(log.n, 11);
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	CHECK(!rows[10]->combined);
	CHECK_INT(rows[10]->count, 2);
	CHECK_STR(rows[10]->message, "Successfully pulled image \"img:0\"");
	pl_free(log.a, rows);
	pl_event_log_free(&log);
}

static void test_events_bounded(void)
{
	pl_event_log log;
	pl_event_log_init(&log, NULL, 4);
	log.spam_filter = false;
	char msg[32];
	for (int i = 0; i < 100; i++) {
		snprintf(msg, sizeof(msg), "message %d", i);
		/* distinct reasons so no aggregation */
		char reason[16];
		snprintf(reason, sizeof(reason), "R%d", i);
		CHECK_INT(pl_event_log_record(&log, PL_EVENT_WARNING, reason, msg, NULL, i * S),
		          PODLIFE_OK);
	}
	CHECK_INT(log.n, 4);
	CHECK(log.cap <= 4);
	CHECK_INT(log.dropped, 96);
	CHECK_INT(log.recorded, 100);
	const pl_event_row **rows;
	size_t n;
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	REQUIRE(n == 4);
	CHECK_STR(rows[0]->message, "message 96");
	CHECK_STR(rows[3]->message, "message 99");
	pl_free(log.a, rows);
	/* a row seen again recently survives; the least recent goes */
	pl_event_log_record(&log, PL_EVENT_WARNING, "R96", "message 96", NULL, 200 * S);
	pl_event_log_record(&log, PL_EVENT_WARNING, "new", "fresh", NULL, 201 * S);
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	CHECK_STR(rows[0]->message, "message 98");
	CHECK_STR(rows[2]->message, "message 96");
	CHECK_INT(rows[2]->count, 2);
	pl_free(log.a, rows);
	CHECK(log.n_groups <= 64);
	pl_event_log_free(&log);
}

static void test_events_spam_filter(void)
{
	/* EventSourceObjectSpamFilter: 25 events per pod, then one per 300 s;
	 * held-back occurrences still count (eventObserve runs first) */
	pl_event_log log;
	pl_event_log_init(&log, NULL, 0);
	CHECK(log.spam_filter);
	const char *f = "spec.containers{app}";
	for (int i = 0; i < 25; i++)
		pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff", "Back-off restarting", f,
		                    i * S);
	CHECK_INT(log.filtered, 0);
	/* 26th and 27th within the same 300 s: held back */
	pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff", "Back-off restarting", f, 25 * S);
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled", "already present", f, 26 * S);
	CHECK_INT(log.filtered, 2);
	const pl_event_row **rows;
	size_t n;
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	REQUIRE(n == 1); /* Pulled was never published */
	CHECK_INT(rows[0]->count, 25);
	CHECK_INT(rows[0]->last, 24 * S);
	CHECK_INT(rows[0]->observed, 26);
	pl_free(log.a, rows);
	/* one token 300 s after the first event was taken */
	pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff", "Back-off restarting", f,
	                    299 * S);
	CHECK_INT(log.filtered, 3);
	pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff", "Back-off restarting", f,
	                    300 * S);
	CHECK_INT(log.filtered, 3);
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	REQUIRE(n == 1);
	CHECK_INT(rows[0]->count, 28);
	CHECK_INT(rows[0]->last, 300 * S);
	char age[64];
	pl_event_age(rows[0], 310 * S, 0, age, sizeof(age));
	CHECK_STR(age, "10s (x28 over 5m10s)");
	pl_free(log.a, rows);
	/* the next Pulled gets published with its first time kept */
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled", "already present", f, 900 * S);
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	REQUIRE(n == 2);
	CHECK_STR(rows[1]->reason, "Pulled");
	CHECK_INT(rows[1]->count, 2);
	CHECK_INT(rows[1]->first, 26 * S);
	pl_free(log.a, rows);
	/* the bucket is empty again; another component's events are not the
	 * kubelet's to hold back, and the source is part of the key */
	uint64_t before = log.filtered;
	pl_event_log_record_from(&log, "default-scheduler", PL_EVENT_NORMAL, "Pulled",
	                         "already present", f, 901 * S);
	CHECK_INT(log.filtered, before);
	REQUIRE(pl_event_log_sorted(&log, &rows, &n) == PODLIFE_OK);
	REQUIRE(n == 3);
	CHECK_STR(rows[2]->source, "default-scheduler");
	CHECK_INT(rows[2]->count, 1);
	CHECK_STR(rows[1]->source, "kubelet");
	pl_free(log.a, rows);
	pl_event_log_free(&log);
}

static void test_events_describe(void)
{
	pl_event_log log;
	pl_event_log_init(&log, NULL, 0);
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	CHECK_INT(pl_event_log_describe(&log, 0, 0, &b), PODLIFE_OK);
	CHECK_STR(pl_buf_cstr(&b), "Events:  <none>\n");
	pl_buf_free(&b);

	pl_event_log_record_from(&log, "default-scheduler", PL_EVENT_NORMAL, "Scheduled",
	                         "Successfully assigned default/web to node-1", NULL, 0);
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Pulled",
	                    "Container image \"nginx:1.27\" already present on machine",
	                    "spec.containers{web}", 1 * S);
	pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff",
	                    "Back-off restarting failed container web in pod web_default(uid)  ",
	                    "spec.containers{web}", 30 * S);
	pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff",
	                    "Back-off restarting failed container web in pod web_default(uid)  ",
	                    "spec.containers{web}", 110 * S);
	pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff",
	                    "Back-off restarting failed container web in pod web_default(uid)  ",
	                    "spec.containers{web}", 120 * S);
	pl_buf_init(&b, pl_alloc_default());
	CHECK_INT(pl_event_log_describe(&log, 130 * S, 0, &b), PODLIFE_OK);
	CHECK_STR(pl_buf_cstr(&b),
	          "Events:\n"
	          "  Type     Reason     Age                 From               Message\n"
	          "  ----     ------     ----                ----               -------\n"
	          "  Normal   Scheduled  2m10s               default-scheduler  Successfully assigned "
	          "default/web to node-1\n"
	          "  Normal   Pulled     2m9s                kubelet            spec.containers{web}: "
	          "Container image \"nginx:1.27\" already present on machine\n"
	          "  Warning  BackOff    10s (x3 over 100s)  kubelet            spec.containers{web}: "
	          "Back-off restarting failed container web in pod web_default(uid)\n");
	pl_buf_free(&b);
	pl_event_log_free(&log);
}

static void test_tabwriter(void)
{
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	const char *in = "a\tbbb\tc\naaaa\tb\tc\n";
	pl_tabwrite(in, strlen(in), &b);
	CHECK_STR(pl_buf_cstr(&b), "a     bbb  c\naaaa  b    c\n");
	pl_buf_free(&b);
	/* a line without tabs ends the column block */
	pl_buf_init(&b, pl_alloc_default());
	in = "Name:\tx\nContainers:\n  app:\n    Image:\tbusybox\n    Ready:\tTrue\nIP:\t1.2.3.4\n";
	pl_tabwrite(in, strlen(in), &b);
	CHECK_STR(pl_buf_cstr(&b), "Name:  x\nContainers:\n  app:\n    Image:  busybox\n"
	                           "    Ready:  True\nIP:         1.2.3.4\n");
	pl_buf_free(&b);
	/* nested blocks: the second column spans fewer lines than the first */
	pl_buf_init(&b, pl_alloc_default());
	in = "x\tyy\tz\nxxx\ty\nx\tyyyy\tz\n";
	pl_tabwrite(in, strlen(in), &b);
	CHECK_STR(pl_buf_cstr(&b), "x    yy  z\nxxx  y\nx    yyyy  z\n");
	pl_buf_free(&b);
	/* runes, not bytes, and text after the last newline */
	pl_buf_init(&b, pl_alloc_default());
	in = "\xc3\xa9\tb\nxx\tb";
	pl_tabwrite(in, strlen(in), &b);
	CHECK_STR(pl_buf_cstr(&b), "\xc3\xa9   b\nxx  b");
	pl_buf_free(&b);
}

/* ---- JSON and QoS ---------------------------------------------------------------- */

static pl_container *mk_container(pl_resources *r, const char *name)
{
	static pl_container c[8];
	static size_t next;
	pl_container *x = &c[next++ % 8];
	memset(x, 0, sizeof(*x));
	x->name = (char *)(uintptr_t)name;
	x->resources = r;
	return x;
}

static void set_res(pl_resources *r, pl_kv *req, size_t nreq, pl_kv *lim, size_t nlim)
{
	memset(r, 0, sizeof(*r));
	r->requests.n = nreq;
	r->requests.v = req;
	r->limits.n = nlim;
	r->limits.v = lim;
}

#define KV(k, v)                                                                 \
	{                                                                        \
		(char *)(uintptr_t)(k), (char *)(uintptr_t)(v), {0, 0}, {0, 0}   \
	}

static const char *qos_of(pl_container **cs, size_t n, pl_container **ics, size_t ni)
{
	pl_pod_spec spec;
	memset(&spec, 0, sizeof(spec));
	spec.containers.n = n;
	spec.containers.v = (void **)cs;
	spec.init_containers.n = ni;
	spec.init_containers.v = (void **)ics;
	return pl_pod_qos_class(&spec);
}

static void test_qos(void)
{
	pl_resources r1, r2, r3;
	pl_kv g_req[] = {KV("cpu", "1"), KV("memory", "1Gi")};
	pl_kv g_lim[] = {KV("memory", "1073741824"), KV("cpu", "1000m")};
	pl_kv b_req[] = {KV("cpu", "100m")};
	pl_kv zero[] = {KV("cpu", "0"), KV("memory", "0")};
	pl_kv other[] = {KV("ephemeral-storage", "1Gi"), KV("nvidia.com/gpu", "1")};
	pl_container *cs[2];

	CHECK_STR(pl_pod_qos_class(NULL), "BestEffort");
	/* nothing set */
	cs[0] = mk_container(NULL, "a");
	CHECK_STR(qos_of(cs, 1, NULL, 0), "BestEffort");
	/* only zero or non-compute quantities */
	set_res(&r1, zero, 2, other, 2);
	cs[0] = mk_container(&r1, "a");
	CHECK_STR(qos_of(cs, 1, NULL, 0), "BestEffort");
	/* requests equal limits for cpu and memory, written differently */
	set_res(&r1, g_req, 2, g_lim, 2);
	cs[0] = mk_container(&r1, "a");
	CHECK_STR(qos_of(cs, 1, NULL, 0), "Guaranteed");
	/* a second container without resources: Burstable */
	cs[1] = mk_container(NULL, "b");
	CHECK_STR(qos_of(cs, 2, NULL, 0), "Burstable");
	/* requests only */
	set_res(&r2, b_req, 1, NULL, 0);
	cs[1] = mk_container(&r2, "b");
	CHECK_STR(qos_of(cs + 1, 1, NULL, 0), "Burstable");
	/* limits only (no defaulting here): requests empty -> Burstable */
	set_res(&r3, NULL, 0, g_lim, 2);
	cs[1] = mk_container(&r3, "b");
	CHECK_STR(qos_of(cs + 1, 1, NULL, 0), "Burstable");
	/* init containers count too */
	pl_container *ic[1] = {mk_container(&r2, "init")};
	CHECK_STR(qos_of(cs, 1, ic, 1), "Burstable");
	ic[0] = mk_container(&r1, "init");
	CHECK_STR(qos_of(cs, 1, ic, 1), "Guaranteed");
	/* unequal values */
	pl_kv lim2[] = {KV("cpu", "2"), KV("memory", "1Gi")};
	set_res(&r3, g_req, 2, lim2, 2);
	cs[0] = mk_container(&r3, "a");
	CHECK_STR(qos_of(cs, 1, NULL, 0), "Burstable");
}

static void test_quantity(void)
{
	static const struct {
		const char *in;
		bool ok;
		int64_t milli;
	} v[] = {
	    {"100m", true, 100},       {"1", true, 1000},
	    {"0", true, 0},            {"1.5", true, 1500},
	    {"1Ki", true, 1024000},    {"1.5Gi", true, 1610612736000LL},
	    {"2e3", true, 2000000},    {"2E3", true, 2000000},
	    {"1e-3", true, 1},         {"0.0001", true, 1},
	    {"1u", true, 1},           {"500n", true, 1},
	    {"1k", true, 1000000},     {"1M", true, 1000000000LL},
	    {".5", true, 500},         {"+1", true, 1000},
	    {"-1", true, -1000},       {"m", true, 0}, /* ParseQuantity reads "" as 0 */
	    {"1E", false, 0},          {"8Ei", false, 0},
	    {"", false, 0},            {"abc", false, 0},
	    {"1.2.3", false, 0},       {"1Q", false, 0},
	    {"1e", false, 0},
	    {"99999999999999999999", false, 0},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(v); i++) {
		int64_t m = 42;
		bool ok = pl_qty_text_milli(v[i].in, &m);
		if (ok != v[i].ok)
			fprintf(stderr, "  quantity %s\n", v[i].in);
		CHECK(ok == v[i].ok);
		if (ok && v[i].ok)
			CHECK_INT(m, v[i].milli);
	}
	CHECK(!pl_qty_text_milli(NULL, NULL));
}

static void test_rfc3339(void)
{
	char buf[40];
	/* 2026-11-24T07:48:18Z = 1795506498 */
	CHECK(pl_format_rfc3339(18 * S + 999, 1795506480LL * 1000, buf, sizeof(buf)));
	CHECK_STR(buf, "2026-11-24T07:48:18Z");
	CHECK(pl_format_rfc3339(0, 0, buf, sizeof(buf)));
	CHECK_STR(buf, "1970-01-01T00:00:00Z");
	CHECK(pl_format_rfc3339(-1, 0, buf, sizeof(buf)));
	CHECK_STR(buf, "1969-12-31T23:59:59Z");
	CHECK(!pl_format_rfc3339(PL_NEVER, 0, buf, sizeof(buf)));
	CHECK(!pl_format_rfc3339(INT64_MAX - 5, 10, buf, sizeof(buf)));
	CHECK(!pl_format_rfc3339(0, 0, buf, 4));
}

static void test_status_json(void)
{
	pod p;
	pod_init(&p, "Always");
	terminated(add(&p, PL_CKIND_INIT, "init"), 0, "Completed");
	p.init[0].container_id = "podlife://c1";
	p.init[0].state.container_id = "podlife://c1";
	running(add(&p, PL_CKIND_SIDECAR, "proxy"), true);
	running(add(&p, PL_CKIND_REGULAR, "web"), true);
	p.reg[0].container_id = "podlife://c3";
	p.reg[0].image_id = "sha256:abc";
	p.reg[0].restart_count = 2;
	last_exit(&p.reg[0], 1, 5 * S);
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "CrashLoopBackOff");
	p.reg[1].state.message = "back-off 10s restarting failed container=app pod=x_default(u)";
	p.reg[1].started = -1;
	p.st.phase = PL_PHASE_RUNNING;
	p.st.has_initialized = true;
	p.st.pod_ip = "10.88.0.5";
	p.st.start_time = 0;
	pl_update_conditions(&p.st, NULL, 2 * S);

	pl_resources r;
	pl_kv req[] = {KV("cpu", "250m")};
	set_res(&r, req, 1, NULL, 0);
	pl_container *cs[1] = {mk_container(&r, "web")};
	pl_pod_spec spec;
	memset(&spec, 0, sizeof(spec));
	spec.containers.n = 1;
	spec.containers.v = (void **)cs;
	pl_pod_model model;
	memset(&model, 0, sizeof(model));
	model.spec = &spec;

	pl_status_view v = {&p.st, &model, 1795506480LL * 1000, "192.168.1.10"};
	char *text = NULL;
	REQUIRE(pl_status_to_json_text(&v, NULL, &text) == PODLIFE_OK);
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	pl_free(pl_alloc_default(), text);
	REQUIRE(j);
	CHECK_STR(json_string_value(json_object_get(j, "phase")), "Running");
	CHECK_STR(json_string_value(json_object_get(j, "qosClass")), "Burstable");
	CHECK_STR(json_string_value(json_object_get(j, "podIP")), "10.88.0.5");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "podIPs"), 0),
	                                            "ip")),
	          "10.88.0.5");
	CHECK_STR(json_string_value(json_object_get(j, "hostIP")), "192.168.1.10");
	CHECK(json_is_array(json_object_get(j, "hostIPs")));
	CHECK_STR(json_string_value(json_object_get(j, "startTime")), "2026-11-24T07:48:00Z");
	CHECK(json_object_get(j, "reason") == NULL);
	CHECK(json_object_get(j, "message") == NULL);
	/* conditions in the kubelet's order, with lastProbeTime null */
	json_t *conds = json_object_get(j, "conditions");
	REQUIRE(json_array_size(conds) == 5);
	static const char *const order[5] = {"PodReadyToStartContainers", "Initialized", "Ready",
	                                     "ContainersReady", "PodScheduled"};
	for (size_t i = 0; i < 5; i++) {
		json_t *c = json_array_get(conds, i);
		CHECK_STR(json_string_value(json_object_get(c, "type")), order[i]);
		CHECK(json_is_null(json_object_get(c, "lastProbeTime")));
		CHECK_STR(json_string_value(json_object_get(c, "lastTransitionTime")),
		          "2026-11-24T07:48:02Z");
	}
	json_t *ready = json_array_get(conds, 2);
	CHECK_STR(json_string_value(json_object_get(ready, "status")), "False");
	CHECK_STR(json_string_value(json_object_get(ready, "reason")), "ContainersNotReady");
	CHECK_STR(json_string_value(json_object_get(ready, "message")),
	          "containers with unready status: [app]");
	CHECK(json_object_get(json_array_get(conds, 0), "reason") == NULL);
	/* init statuses in spec order; regular ones sorted by name */
	json_t *ics = json_object_get(j, "initContainerStatuses");
	REQUIRE(json_array_size(ics) == 2);
	json_t *init = json_array_get(ics, 0);
	CHECK_STR(json_string_value(json_object_get(init, "name")), "init");
	CHECK(json_is_true(json_object_get(init, "ready")));
	CHECK_INT(json_integer_value(json_object_get(
	              json_object_get(json_object_get(init, "state"), "terminated"), "exitCode")),
	          0);
	CHECK_STR(json_string_value(json_object_get(
	              json_object_get(json_object_get(init, "state"), "terminated"), "reason")),
	          "Completed");
	CHECK_STR(json_string_value(json_object_get(
	              json_object_get(json_object_get(init, "state"), "terminated"), "finishedAt")),
	          "2026-11-24T07:48:02Z");
	CHECK_STR(json_string_value(json_object_get(init, "containerID")), "podlife://c1");
	CHECK(json_object_size(json_object_get(init, "lastState")) == 0);
	CHECK_STR(json_string_value(json_object_get(json_array_get(ics, 1), "name")), "proxy");
	CHECK(json_is_true(json_object_get(json_array_get(ics, 1), "started")));
	json_t *cs2 = json_object_get(j, "containerStatuses");
	REQUIRE(json_array_size(cs2) == 2);
	json_t *app = json_array_get(cs2, 0), *web = json_array_get(cs2, 1);
	CHECK_STR(json_string_value(json_object_get(app, "name")), "app");
	CHECK_STR(json_string_value(json_object_get(web, "name")), "web");
	CHECK_STR(json_string_value(json_object_get(
	              json_object_get(json_object_get(app, "state"), "waiting"), "reason")),
	          "CrashLoopBackOff");
	CHECK(json_object_get(app, "started") == NULL);
	CHECK(json_object_get(app, "containerID") == NULL);
	CHECK_STR(json_string_value(json_object_get(app, "imageID")), "");
	CHECK(json_is_false(json_object_get(app, "ready")));
	CHECK_STR(json_string_value(json_object_get(web, "image")), "busybox:1.36");
	CHECK_STR(json_string_value(json_object_get(web, "imageID")), "sha256:abc");
	CHECK_INT(json_integer_value(json_object_get(web, "restartCount")), 2);
	CHECK(json_is_true(json_object_get(web, "ready")));
	CHECK(json_is_true(json_object_get(web, "started")));
	CHECK_STR(json_string_value(json_object_get(
	              json_object_get(json_object_get(web, "state"), "running"), "startedAt")),
	          "2026-11-24T07:48:01Z");
	json_t *lt = json_object_get(json_object_get(web, "lastState"), "terminated");
	CHECK_INT(json_integer_value(json_object_get(lt, "exitCode")), 1);
	CHECK_STR(json_string_value(json_object_get(lt, "reason")), "Error");
	CHECK(json_object_get(lt, "signal") == NULL);
	json_decref(j);

	/* pod-level reason and message; no model, no host IP, no start */
	p.st.phase = PL_PHASE_FAILED;
	p.st.reason = "DeadlineExceeded";
	p.st.message = "Pod was active on the node longer than the specified deadline";
	p.st.start_time = PL_NEVER;
	p.st.pod_ip = NULL;
	pl_status_view v2 = {&p.st, NULL, 0, NULL};
	REQUIRE(pl_status_to_json(&v2, &j) == PODLIFE_OK);
	CHECK_STR(json_string_value(json_object_get(j, "reason")), "DeadlineExceeded");
	CHECK_STR(json_string_value(json_object_get(j, "message")),
	          "Pod was active on the node longer than the specified deadline");
	CHECK(json_object_get(j, "qosClass") == NULL);
	CHECK(json_object_get(j, "hostIP") == NULL);
	CHECK(json_object_get(j, "podIP") == NULL);
	CHECK(json_object_get(j, "startTime") == NULL);
	/* key order follows the Go struct */
	const char *key;
	json_t *val;
	const char *want[] = {"phase", "conditions", "message", "reason", "initContainerStatuses",
	                      "containerStatuses"};
	size_t k = 0;
	json_object_foreach(j, key, val)
	{
		(void)val;
		if (k < PL_ARRAY_LEN(want))
			CHECK_STR(key, want[k]);
		k++;
	}
	CHECK_INT(k, PL_ARRAY_LEN(want));
	json_decref(j);
	p.st.message = NULL;

	CHECK_INT(pl_status_to_json(NULL, &j), PODLIFE_EINVAL);
	CHECK_INT(pl_status_to_json_text(&v2, NULL, NULL), PODLIFE_EINVAL);
	free_conditions(&p);
}

/* ---- kubectl describe pod ------------------------------------------------------------ */

static void test_describe_pod(void)
{
	/* the spec */
	pl_kv labels[] = {KV("tier", "web"), KV("app", "nginx")};
	pl_kv annos[] = {KV("example.com/note", "hello")};
	pl_meta meta;
	memset(&meta, 0, sizeof(meta));
	meta.name = (char *)(uintptr_t)"web";
	meta.labels.n = 2;
	meta.labels.v = labels;
	meta.annotations.n = 1;
	meta.annotations.v = annos;

	pl_port port;
	memset(&port, 0, sizeof(port));
	port.container_port = 80;
	port.protocol = (char *)(uintptr_t)"TCP";
	pl_port *ports[1] = {&port};
	pl_env env;
	memset(&env, 0, sizeof(env));
	env.name = (char *)(uintptr_t)"MODE";
	env.value = (char *)(uintptr_t)"prod";
	pl_env *envs[1] = {&env};
	pl_volume_mount vm;
	memset(&vm, 0, sizeof(vm));
	vm.name = (char *)(uintptr_t)"cache";
	vm.mount_path = (char *)(uintptr_t)"/cache";
	pl_volume_mount *vms[1] = {&vm};
	pl_resources res;
	pl_kv req[] = {KV("memory", "64Mi"), KV("cpu", "100m")};
	set_res(&res, req, 2, NULL, 0);

	pl_container app;
	memset(&app, 0, sizeof(app));
	app.name = (char *)(uintptr_t)"app";
	app.image = (char *)(uintptr_t)"nginx:1.27";
	app.ports.n = 1;
	app.ports.v = (void **)ports;
	app.env.n = 1;
	app.env.v = (void **)envs;
	app.volume_mounts.n = 1;
	app.volume_mounts.v = (void **)vms;
	app.resources = &res;
	char *cmd[2] = {(char *)(uintptr_t)"sh", (char *)(uintptr_t)"-c"};
	app.command.n = 2;
	app.command.v = cmd;

	pl_container init;
	memset(&init, 0, sizeof(init));
	init.name = (char *)(uintptr_t)"setup";
	init.image = (char *)(uintptr_t)"busybox:1.36";

	pl_empty_dir ed;
	memset(&ed, 0, sizeof(ed));
	pl_volume vol;
	memset(&vol, 0, sizeof(vol));
	vol.name = (char *)(uintptr_t)"cache";
	vol.empty_dir = &ed;
	pl_volume *vols[1] = {&vol};

	pl_container *cs[1] = {&app}, *ics[1] = {&init};
	pl_pod_spec spec;
	memset(&spec, 0, sizeof(spec));
	spec.containers.n = 1;
	spec.containers.v = (void **)cs;
	spec.init_containers.n = 1;
	spec.init_containers.v = (void **)ics;
	spec.volumes.n = 1;
	spec.volumes.v = (void **)vols;
	pl_pod_model model;
	memset(&model, 0, sizeof(model));
	model.metadata = &meta;
	model.spec = &spec;

	/* the status: init done, app crash-looping */
	pod p;
	pod_init(&p, "Always");
	terminated(add(&p, PL_CKIND_INIT, "setup"), 0, "Completed");
	p.init[0].container_id = (char *)(uintptr_t)"podlife://1";
	p.init[0].image_id = (char *)(uintptr_t)"sha256:b1";
	waiting(add(&p, PL_CKIND_REGULAR, "app"), "CrashLoopBackOff");
	p.reg[0].image = "nginx:1.27";
	p.reg[0].restart_count = 2;
	p.reg[0].container_id = (char *)(uintptr_t)"podlife://3";
	last_exit(&p.reg[0], 1, 40 * S);
	p.reg[0].last_state.started_at = 30 * S;
	p.st.phase = PL_PHASE_RUNNING;
	p.st.start_time = 0;
	p.st.pod_ip = (char *)(uintptr_t)"10.88.0.7";
	p.st.has_initialized = true;
	pl_update_conditions(&p.st, NULL, 1 * S);

	pl_event_log log;
	pl_event_log_init(&log, NULL, 0);
	pl_event_log_record(&log, PL_EVENT_NORMAL, "Started", "Started container app",
	                    "spec.containers{app}", 30 * S);
	pl_event_log_record(&log, PL_EVENT_WARNING, "BackOff",
	                    "Back-off restarting failed container app in pod web_default(u1)",
	                    "spec.containers{app}", 41 * S);

	pl_describe_input in;
	memset(&in, 0, sizeof(in));
	in.model = &model;
	in.st = &p.st;
	in.events = &log;
	in.node_name = "node-1";
	in.host_ip = "192.168.1.10";
	in.now = 60 * S;
	in.wall_offset_ms = 1795506480LL * 1000; /* Tue, 24 Nov 2026 07:48:00 UTC */

	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	REQUIRE(pl_describe_pod(&in, &b) == PODLIFE_OK);
	CHECK_STR(pl_buf_cstr(&b),
	          "Name:             web\n"
	          "Namespace:        default\n"
	          "Priority:         0\n"
	          "Service Account:  default\n"
	          "Node:             node-1/192.168.1.10\n"
	          "Start Time:       Tue, 24 Nov 2026 07:48:00 +0000\n"
	          "Labels:           app=nginx\n"
	          "                  tier=web\n"
	          "Annotations:      example.com/note: hello\n"
	          "Status:           Running\n"
	          "IP:               10.88.0.7\n"
	          "IPs:\n"
	          "  IP:  10.88.0.7\n"
	          "Init Containers:\n"
	          "  setup:\n"
	          "    Container ID:   podlife://1\n"
	          "    Image:          busybox:1.36\n"
	          "    Image ID:       sha256:b1\n"
	          "    Port:           <none>\n"
	          "    Host Port:      <none>\n"
	          "    State:          Terminated\n"
	          "      Reason:       Completed\n"
	          "      Exit Code:    0\n"
	          "      Started:      Tue, 24 Nov 2026 07:48:01 +0000\n"
	          "      Finished:     Tue, 24 Nov 2026 07:48:02 +0000\n"
	          "    Ready:          True\n"
	          "    Restart Count:  0\n"
	          "    Environment:    <none>\n"
	          "    Mounts:         <none>\n"
	          "Containers:\n"
	          "  app:\n"
	          "    Container ID:  podlife://3\n"
	          "    Image:         nginx:1.27\n"
	          "    Image ID:      \n"
	          "    Port:          80/TCP\n"
	          "    Host Port:     0/TCP\n"
	          "    Command:\n"
	          "      sh\n"
	          "      -c\n"
	          "    State:          Waiting\n"
	          "      Reason:       CrashLoopBackOff\n"
	          "    Last State:     Terminated\n"
	          "      Reason:       Error\n"
	          "      Exit Code:    1\n"
	          "      Started:      Tue, 24 Nov 2026 07:48:30 +0000\n"
	          "      Finished:     Tue, 24 Nov 2026 07:48:40 +0000\n"
	          "    Ready:          False\n"
	          "    Restart Count:  2\n"
	          "    Requests:\n"
	          "      cpu:     100m\n"
	          "      memory:  64Mi\n"
	          "    Environment:\n"
	          "      MODE:  prod\n"
	          "    Mounts:\n"
	          "      /cache from cache (rw)\n"
	          "Conditions:\n"
	          "  Type                        Status\n"
	          "  PodReadyToStartContainers   True \n"
	          "  Initialized                 True \n"
	          "  Ready                       False \n"
	          "  ContainersReady             False \n"
	          "  PodScheduled                True \n"
	          "Volumes:\n"
	          "  cache:\n"
	          "    Type:        EmptyDir (a temporary directory that shares a pod's lifetime)\n"
	          "    Medium:      \n"
	          "    SizeLimit:   <unset>\n"
	          "QoS Class:       Burstable\n"
	          "Node-Selectors:  <none>\n"
	          "Tolerations:     <none>\n"
	          "Events:\n"
	          "  Type     Reason   Age   From     Message\n"
	          "  ----     ------   ----  ----     -------\n"
	          "  Normal   Started  30s   kubelet  spec.containers{app}: Started container app\n"
	          "  Warning  BackOff  19s   kubelet  spec.containers{app}: Back-off restarting "
	          "failed container app in pod web_default(u1)\n");
	pl_buf_free(&b);

	/* terminating, no events recorded yet */
	pl_event_log_free(&log);
	pl_event_log_init(&log, NULL, 0);
	p.st.terminating = true;
	in.deletion_at = 50 * S;
	in.grace_seconds = 30;
	pl_buf_init(&b, pl_alloc_default());
	REQUIRE(pl_describe_pod(&in, &b) == PODLIFE_OK);
	const char *text = pl_buf_cstr(&b);
	CHECK(strstr(text, "Status:                    Terminating (lasts 10s)\n") != NULL);
	CHECK(strstr(text, "Termination Grace Period:  30s\n") != NULL);
	/* no events: no flush, the line aligns with the block above it */
	CHECK(strstr(text, "Tolerations:     <none>\nEvents:          <none>\n") != NULL);
	pl_buf_free(&b);
	pl_event_log_free(&log);
	free_conditions(&p);

	CHECK_INT(pl_describe_pod(NULL, &b), PODLIFE_EINVAL);
	in.model = NULL;
	CHECK_INT(pl_describe_pod(&in, &b), PODLIFE_EINVAL);
}

/* Scalar and map nodes for the verbatim parts of the model. */
static pl_node *scalar(pl_node *n, const char *text)
{
	memset(n, 0, sizeof(*n));
	n->kind = PL_N_SCALAR;
	n->u.text = (char *)(uintptr_t)text;
	n->n = strlen(text);
	return n;
}

static void test_describe_details(void)
{
	/* a long and a multi-line annotation, kubectl's own one skipped */
	char longv[200];
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	pl_kv annos[] = {KV("b/long", longv), KV("a/multi", "one\ntwo\n"),
	                 KV("kubectl.kubernetes.io/last-applied-configuration", "{}")};
	pl_meta meta;
	memset(&meta, 0, sizeof(meta));
	meta.name = (char *)(uintptr_t)"p";
	meta.namespace_ = (char *)(uintptr_t)"prod";
	meta.annotations.n = 3;
	meta.annotations.v = annos;

	/* env: multi-line value, secret and config map keys, field and
	 * resource refs; envFrom with a prefix */
	pl_keyref sk, cmk, cmref;
	memset(&sk, 0, sizeof(sk));
	sk.name = (char *)(uintptr_t)"creds";
	sk.key = (char *)(uintptr_t)"password";
	cmk = sk;
	cmk.name = (char *)(uintptr_t)"conf";
	cmk.key = (char *)(uintptr_t)"level";
	cmk.optional = true;
	cmref = cmk;
	pl_field_ref fr;
	memset(&fr, 0, sizeof(fr));
	fr.api_version = (char *)(uintptr_t)"v1";
	fr.field_path = (char *)(uintptr_t)"metadata.name";
	pl_resource_field_ref rr;
	memset(&rr, 0, sizeof(rr));
	rr.resource = (char *)(uintptr_t)"limits.cpu";
	pl_env_source src[4];
	memset(src, 0, sizeof(src));
	src[0].secret_key_ref = &sk;
	src[1].config_map_key_ref = &cmk;
	src[2].field_ref = &fr;
	src[3].resource_field_ref = &rr;
	pl_env env[5];
	memset(env, 0, sizeof(env));
	env[0].name = (char *)(uintptr_t)"TEXT";
	env[0].value = (char *)(uintptr_t)"a\nb";
	const char *names[4] = {"PASS", "LEVEL", "POD", "CPU"};
	for (int i = 0; i < 4; i++) {
		env[i + 1].name = (char *)(uintptr_t)names[i];
		env[i + 1].value_from = &src[i];
	}
	pl_env *envp[5] = {&env[0], &env[1], &env[2], &env[3], &env[4]};
	pl_env_from ef;
	memset(&ef, 0, sizeof(ef));
	ef.prefix = (char *)(uintptr_t)"CFG_";
	ef.config_map_ref = &cmref;
	pl_env_from *efp[1] = {&ef};

	/* probes and mounts */
	pl_http_get hg;
	memset(&hg, 0, sizeof(hg));
	hg.path = (char *)(uintptr_t)"/healthz";
	hg.port.i = 8080;
	hg.scheme = (char *)(uintptr_t)"HTTP";
	pl_probe live;
	memset(&live, 0, sizeof(live));
	live.http_get = &hg;
	live.timeout_seconds = 1;
	live.period_seconds = 10;
	live.success_threshold = 1;
	live.failure_threshold = 3;
	pl_exec_action ex;
	memset(&ex, 0, sizeof(ex));
	char *argv[2] = {(char *)(uintptr_t)"cat", (char *)(uintptr_t)"/tmp/ready"};
	ex.command.n = 2;
	ex.command.v = argv;
	pl_probe ready = live;
	ready.http_get = NULL;
	ready.exec = &ex;
	ready.initial_delay_seconds = 5;
	pl_tcp_socket ts;
	memset(&ts, 0, sizeof(ts));
	ts.port.is_str = true;
	ts.port.s = (char *)(uintptr_t)"http";
	pl_probe startup = live;
	startup.http_get = NULL;
	startup.tcp_socket = &ts;
	pl_volume_mount m1, m2;
	memset(&m1, 0, sizeof(m1));
	m1.name = (char *)(uintptr_t)"data";
	m1.mount_path = (char *)(uintptr_t)"/var/data";
	m1.read_only = true;
	m1.sub_path = (char *)(uintptr_t)"sub";
	m2 = m1;
	m2.name = (char *)(uintptr_t)"cfg";
	m2.mount_path = (char *)(uintptr_t)"/etc/cfg";
	m2.read_only = false;
	m2.sub_path = NULL;
	pl_volume_mount *mp[2] = {&m1, &m2};
	pl_port p1, p2;
	memset(&p1, 0, sizeof(p1));
	p1.name = (char *)(uintptr_t)"http";
	p1.container_port = 8080;
	p1.host_port = 80;
	p1.protocol = (char *)(uintptr_t)"TCP";
	p2 = p1;
	p2.name = NULL;
	p2.container_port = 9090;
	p2.host_port = 0;
	pl_port *pp[2] = {&p1, &p2};

	pl_container c;
	memset(&c, 0, sizeof(c));
	c.name = (char *)(uintptr_t)"app";
	c.image = (char *)(uintptr_t)"app:1";
	c.env.n = 5;
	c.env.v = (void **)envp;
	c.env_from.n = 1;
	c.env_from.v = (void **)efp;
	c.liveness_probe = &live;
	c.readiness_probe = &ready;
	c.startup_probe = &startup;
	c.volume_mounts.n = 2;
	c.volume_mounts.v = (void **)mp;
	c.ports.n = 2;
	c.ports.v = (void **)pp;
	pl_resources res;
	pl_kv lim[] = {KV("cpu", "1500m")};
	pl_kv req2[] = {KV("memory", "1.5Gi"), KV("cpu", "0.5")};
	set_res(&res, req2, 2, lim, 1);
	c.resources = &res;

	/* volumes: hostPath, secret, configMap, PVC (raw), unknown kind */
	pl_host_path hp;
	memset(&hp, 0, sizeof(hp));
	hp.path = (char *)(uintptr_t)"/srv";
	pl_secret_vol sv;
	memset(&sv, 0, sizeof(sv));
	sv.secret_name = (char *)(uintptr_t)"creds";
	pl_config_map_vol cv;
	memset(&cv, 0, sizeof(cv));
	cv.name = (char *)(uintptr_t)"conf";
	cv.optional = true;
	pl_node k1, v1, pvc;
	pl_pair pair = {scalar(&k1, "claimName"), scalar(&v1, "claim-1")};
	memset(&pvc, 0, sizeof(pvc));
	pvc.kind = PL_N_MAP;
	pvc.n = 1;
	pvc.u.pairs = &pair;
	pl_node nfs;
	memset(&nfs, 0, sizeof(nfs));
	nfs.kind = PL_N_MAP;
	pl_volume vols[5];
	memset(vols, 0, sizeof(vols));
	vols[0].name = (char *)(uintptr_t)"host";
	vols[0].host_path = &hp;
	vols[1].name = (char *)(uintptr_t)"sec";
	vols[1].secret = &sv;
	vols[2].name = (char *)(uintptr_t)"cfg";
	vols[2].config_map = &cv;
	vols[3].name = (char *)(uintptr_t)"data";
	vols[3].other[6] = &pvc;
	vols[4].name = (char *)(uintptr_t)"nfs";
	vols[4].other[3] = &nfs;
	pl_volume *vp[5] = {&vols[0], &vols[1], &vols[2], &vols[3], &vols[4]};

	/* tolerations: Exists with key, bare Exists, value + effect + seconds */
	pl_node tk[4], tv[4];
	pl_pair tpfull[4] = {
	    {scalar(&tk[0], "key"), scalar(&tv[0], "node.kubernetes.io/not-ready")},
	    {scalar(&tk[1], "operator"), scalar(&tv[1], "Exists")},
	    {scalar(&tk[2], "effect"), scalar(&tv[2], "NoExecute")},
	    {scalar(&tk[3], "tolerationSeconds"), scalar(&tv[3], "300")},
	};
	pl_node tol1, tol2, tseq;
	memset(&tol1, 0, sizeof(tol1));
	tol1.kind = PL_N_MAP;
	tol1.n = 4;
	tol1.u.pairs = tpfull;
	memset(&tol2, 0, sizeof(tol2));
	tol2.kind = PL_N_MAP;
	tol2.n = 1;
	tol2.u.pairs = &tpfull[1];
	pl_node *titems[2] = {&tol1, &tol2};
	memset(&tseq, 0, sizeof(tseq));
	tseq.kind = PL_N_SEQ;
	tseq.n = 2;
	tseq.u.items = titems;

	pl_kv sel[] = {KV("disk", "ssd")};
	pl_container *cs[1] = {&c};
	pl_pod_spec spec;
	memset(&spec, 0, sizeof(spec));
	spec.containers.n = 1;
	spec.containers.v = (void **)cs;
	spec.volumes.n = 5;
	spec.volumes.v = (void **)vp;
	spec.tolerations = &tseq;
	spec.node_selector.n = 1;
	spec.node_selector.v = sel;
	spec.priority = 1000;
	spec.priority_class_name = (char *)(uintptr_t)"high";
	spec.service_account_name = (char *)(uintptr_t)"builder";
	pl_pod_model model;
	memset(&model, 0, sizeof(model));
	model.metadata = &meta;
	model.spec = &spec;

	pod p;
	pod_init(&p, "Always");
	running(add(&p, PL_CKIND_REGULAR, "app"), true);
	p.st.phase = PL_PHASE_FAILED;
	p.st.reason = "DeadlineExceeded";
	p.st.message = (char *)(uintptr_t)"Pod was active on the node longer than the specified deadline";
	pl_describe_input in;
	memset(&in, 0, sizeof(in));
	in.model = &model;
	in.st = &p.st;
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	REQUIRE(pl_describe_pod(&in, &b) == PODLIFE_OK);
	const char *t = pl_buf_cstr(&b);
	static const char *const want[] = {
	    "Namespace:            prod\n",
	    "Priority:             1000\n",
	    "Priority Class Name:  high\n",
	    "Service Account:      builder\n",
	    "Node:                 <none>\n",
	    "Annotations:          a/multi:\n"
	    "                        one\n"
	    "                        two\n"
	    "                      b/long:\n"
	    "                        ",
	    "xxxx...\n",
	    "Status:               Failed\n"
	    "Reason:               DeadlineExceeded\n"
	    "Message:              Pod was active on the node longer than the specified deadline\n"
	    "IP:                   \n"
	    "IPs:                  <none>\n",
	    "    Ports:          8080/TCP (http), 9090/TCP\n"
	    "    Host Ports:     80/TCP (http), 0/TCP\n",
	    /* a line without a tab ends the column block: "Requests:" starts
	     * one that runs on through the probes */
	    "    Limits:\n      cpu:  1500m\n",
	    /* Quantity.String(): canonical forms */
	    "    Requests:\n      cpu:      500m\n      memory:   1536Mi\n",
	    "    Liveness:   http-get http://:8080/healthz delay=0s timeout=1s period=10s "
	    "#success=1 #failure=3\n"
	    "    Readiness:  exec [cat /tmp/ready] delay=5s timeout=1s period=10s #success=1 "
	    "#failure=3\n"
	    "    Startup:    tcp-socket :http delay=0s timeout=1s period=10s #success=1 "
	    "#failure=3\n"
	    "    Environment Variables from:\n"
	    "      conf  ConfigMap with prefix 'CFG_'  Optional: true\n"
	    "    Environment:\n"
	    "      TEXT:   a\n"
	    "              b\n"
	    "      PASS:   <set to the key 'password' in secret 'creds'>  Optional: false\n"
	    "      LEVEL:  <set to the key 'level' of config map 'conf'>  Optional: true\n"
	    "      POD:    p (v1:metadata.name)\n"
	    "      CPU:    2 (limits.cpu)\n"
	    "    Mounts:\n"
	    "      /etc/cfg from cfg (rw)\n"
	    "      /var/data from data (ro,path=\"sub\")\n",
	    "Volumes:\n"
	    "  host:\n"
	    "    Type:          HostPath (bare host directory volume)\n"
	    "    Path:          /srv\n"
	    "    HostPathType:  <none>\n"
	    "  sec:\n"
	    "    Type:        Secret (a volume populated by a Secret)\n"
	    "    SecretName:  creds\n"
	    "    Optional:    false\n"
	    "  cfg:\n"
	    "    Type:      ConfigMap (a volume populated by a ConfigMap)\n"
	    "    Name:      conf\n"
	    "    Optional:  true\n"
	    "  data:\n"
	    "    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in "
	    "the same namespace)\n"
	    "    ClaimName:  claim-1\n"
	    "    ReadOnly:   false\n"
	    "  nfs:\n"
	    "  <unknown>\n"
	    "QoS Class:       Burstable\n"
	    "Node-Selectors:  disk=ssd\n"
	    "Tolerations:     op=Exists\n"
	    "                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n",
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(want); i++) {
		if (!strstr(t, want[i]))
			fprintf(stderr, "  missing:\n%s\n", want[i]);
		CHECK(strstr(t, want[i]) != NULL);
	}
	CHECK(strstr(t, "last-applied") == NULL);
	CHECK(strstr(t, "Events") == NULL); /* no log given */
	/* shortened to 138 characters plus "..." */
	const char *lx = strstr(t, "  xxxx");
	REQUIRE(lx);
	CHECK(strncmp(lx + 2 + 138, "...\n", 4) == 0);
	pl_buf_free(&b);
	free_conditions(&p);
}

/* ---- allocation failures ---------------------------------------------------------- */

typedef struct failing {
	int left; /* allocations that succeed; then every one fails */
	int live;
} failing;

static void *f_malloc(void *ud, size_t n)
{
	failing *f = ud;
	if (f->left-- <= 0)
		return NULL;
	void *p = malloc(n);
	if (p)
		f->live++;
	return p;
}

static void *f_realloc(void *ud, void *ptr, size_t n)
{
	failing *f = ud;
	if (f->left-- <= 0)
		return NULL;
	void *p = realloc(ptr, n);
	if (p && !ptr)
		f->live++;
	return p;
}

static void f_free(void *ud, void *ptr)
{
	failing *f = ud;
	if (ptr)
		f->live--;
	free(ptr);
}

static void test_allocation_failures(void)
{
	/* every allocation failing in turn: an error or success, no leak */
	for (int k = 0; k < 60; k++) {
		failing f = {k, 0};
		pl_alloc a = {f_malloc, f_realloc, f_free, &f};
		pl_event_log log;
		pl_event_log_init(&log, &a, 3);
		char msg[32];
		int fails = 0;
		for (int i = 0; i < 14; i++) {
			snprintf(msg, sizeof(msg), "m%d", i % 12);
			int rc = pl_event_log_record(&log, PL_EVENT_NORMAL, i % 2 ? "A" : "B", msg,
			                             i % 3 ? "spec.containers{x}" : NULL, i * S);
			CHECK(rc == PODLIFE_OK || rc == PODLIFE_ENOMEM);
			fails += rc != PODLIFE_OK;
			CHECK(log.n <= 3);
		}
		pl_buf b;
		pl_buf_init(&b, &a);
		int rc = pl_event_log_describe(&log, 20 * S, 0, &b);
		CHECK(rc == PODLIFE_OK || rc == PODLIFE_ENOMEM);
		pl_buf_free(&b);

		pod p;
		pod_init(&p, "Always");
		running(add(&p, PL_CKIND_INIT, "init"), false);
		waiting(add(&p, PL_CKIND_REGULAR, "a"), "PodInitializing");
		waiting(add(&p, PL_CKIND_REGULAR, "b"), "PodInitializing");
		pl_update_conditions(&p.st, &a, 1 * S);
		CHECK(p.st.conditions[PL_COND_READY].present);
		CHECK(!p.st.conditions[PL_COND_READY].status);
		for (int c = 0; c < PL_COND_COUNT; c++)
			pl_free(&a, p.st.conditions[c].message);

		pl_event_log_free(&log);
		CHECK_INT(f.live, 0);
		if (k >= 59)
			CHECK_INT(fails, 0);
	}
}

int main(void)
{
	RUN(test_phase_names);
	RUN(test_phase_decision_table);
	RUN(test_phase_unknown_and_static);
	RUN(test_phase_init_containers);
	RUN(test_phase_sidecars);
	RUN(test_restart_rules);
	RUN(test_conditions_ready);
	RUN(test_conditions_terminal_and_unknown);
	RUN(test_conditions_initialized);
	RUN(test_conditions_readiness_gates);
	RUN(test_columns_init);
	RUN(test_columns_regular);
	RUN(test_columns_sidecars);
	RUN(test_columns_pod_level);
	RUN(test_human_duration);
	RUN(test_events_dedup);
	RUN(test_events_aggregate_similar);
	RUN(test_events_bounded);
	RUN(test_events_spam_filter);
	RUN(test_events_describe);
	RUN(test_tabwriter);
	RUN(test_qos);
	RUN(test_quantity);
	RUN(test_rfc3339);
	RUN(test_status_json);
	RUN(test_describe_pod);
	RUN(test_describe_details);
	RUN(test_allocation_failures);
	DONE();
}
