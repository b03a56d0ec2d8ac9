/*
 * lib/engine/worker.c - the per-pod sync, the kubelet's pod worker in one
 * function: sandbox first, init containers strictly in order (sidecars
 * started and kept running), regular containers with the restart policy
 * (computePodActions / computeInitContainerActions), container start
 * (startContainer: crash-loop back-off, image, create, start, postStart),
 * container kill (killContainer: preStop, stop signal, grace, 2 s floor),
 * pod termination (SyncTerminatingPod) and the status the sync publishes.
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"

/* ---- status helpers ---------------------------------------------------------- */

void pl_set_msg(const pl_alloc *a, char **dst, const char *msg)
{
	pl_free(a, *dst);
	*dst = msg ? pl_strdup(a, msg) : NULL;
}

void pl_cstate_clear(const pl_alloc *a, pl_cstate *s)
{
	pl_free(a, s->message);
	pl_free(a, s->container_id);
	memset(s, 0, sizeof *s);
}

void pl_cstate_waiting(const pl_alloc *a, pl_cstate *s, const char *reason, const char *msg)
{
	if (s->kind == PL_CSTATE_WAITING && s->reason == reason &&
	    ((!msg && !s->message) || (msg && s->message && strcmp(msg, s->message) == 0)))
		return;
	pl_cstate_clear(a, s);
	s->kind = PL_CSTATE_WAITING;
	s->reason = reason;
	s->message = msg ? pl_strdup(a, msg) : NULL;
}

/* Moves a terminated state to lastState (the state becomes empty). */
static void retire_state(const pl_alloc *a, pl_cstatus *st)
{
	if (st->state.kind != PL_CSTATE_TERMINATED)
		return;
	pl_cstate_clear(a, &st->last_state);
	st->last_state = st->state;
	st->last_restart_at = st->state.finished_at;
	memset(&st->state, 0, sizeof st->state);
}

static size_t cidx_of(const pl_pod *p, const pl_ctr *c)
{
	return (size_t)(c - p->c);
}

static bool alive(const pl_ctr *c)
{
	return c->rt == PL_RT_RUNNING || c->rt == PL_RT_CREATED;
}

int64_t pl_pod_grace(const pl_pod *p)
{
	const pl_pod_spec *s = p->m->spec;
	if (PL_HAS(s, termination_grace_period_seconds) && s->termination_grace_period_seconds >= 0)
		return s->termination_grace_period_seconds;
	return 30; /* DefaultTerminationGracePeriodSeconds */
}

static const char *pod_restart_policy(const pl_pod *p)
{
	const char *rp = p->m->spec->restart_policy;
	return rp && *rp ? rp : "Always";
}

/* ContainerShouldRestart (pkg/api/v1/pod/util.go, KEP-5307) when the
 * gate is on; otherwise the pod policy (ShouldContainerBeRestarted). */
bool pl_ctr_should_restart(const podlife_engine *e, const pl_pod *p, const pl_ctr *c, int exit_code)
{
	const char *policy = pod_restart_policy(p);
	if ((e->flags & PODLIFE_ENGINE_RESTART_RULES) && c->spec->restart_policy &&
	    c->kind != PL_CKIND_SIDECAR) {
		const pl_list *rules = &c->spec->restart_policy_rules;
		for (size_t i = 0; i < rules->n; i++) {
			const pl_restart_rule *r = PL_ITEM(*rules, pl_restart_rule, i);
			if (!r->exit_codes || !r->exit_codes->operator_)
				continue;
			bool in = false;
			for (size_t k = 0; k < r->exit_codes->values.n; k++)
				in = in || r->exit_codes->values.v[k] == exit_code;
			bool match;
			if (strcmp(r->exit_codes->operator_, "In") == 0)
				match = in;
			else if (strcmp(r->exit_codes->operator_, "NotIn") == 0)
				match = !in;
			else
				continue;
			if (match && r->action && strcmp(r->action, "Restart") == 0)
				return true;
		}
		policy = c->spec->restart_policy;
	}
	if (strcmp(policy, "Never") == 0)
		return false;
	if (strcmp(policy, "OnFailure") == 0)
		return exit_code != 0;
	return true;
}

/* A failed regular init container restarts unless the policy is Never
 * (computeInitContainerActions; container policy under the gate). */
static bool init_restartable(const podlife_engine *e, const pl_pod *p, const pl_ctr *c)
{
	if ((e->flags & PODLIFE_ENGINE_RESTART_RULES) && c->spec->restart_policy)
		return pl_ctr_should_restart(e, p, c, c->last_exit ? c->last_exit : 1);
	return strcmp(pod_restart_policy(p), "Never") != 0;
}

/* ---- exits -------------------------------------------------------------------- */

static const char *static_reason(const char *r, int code, bool oom)
{
	static const char *const known[] = {"Completed", "Error", "OOMKilled", "StartError",
	                                    "ContainerCannotRun", "ContainerStatusUnknown",
	                                    "DeadlineExceeded"};
	if (r) {
		for (size_t i = 0; i < PL_ARRAY_LEN(known); i++)
			if (strcmp(r, known[i]) == 0)
				return known[i];
	}
	if (oom)
		return "OOMKilled";
	return code == 0 ? "Completed" : "Error";
}

static void set_terminated(podlife_engine *e, pl_ctr *c, int code, int sig, const char *reason,
                           const char *msg, pl_ms finished)
{
	pl_cstatus *st = c->st;
	pl_cstate_clear(&e->a, &st->state);
	st->state.kind = PL_CSTATE_TERMINATED;
	st->state.exit_code = code;
	st->state.signal = sig;
	st->state.reason = reason;
	st->state.message = msg ? pl_strdup(&e->a, msg) : NULL;
	st->state.started_at = c->started_at;
	st->state.finished_at = finished;
	st->state.container_id = st->container_id ? pl_strdup(&e->a, st->container_id) : NULL;
	st->started = 0;
	st->ready = c->kind == PL_CKIND_INIT && code == 0;
}

void pl_ctr_exited(podlife_engine *e, pl_pod *p, pl_ctr *c, const podlife_exit *ex)
{
	pl_ms t = ex->finished_at_ms > 0 && ex->finished_at_ms <= e->now ? ex->finished_at_ms : e->now;
	bool oom = ex->oom != 0;
	c->rt = PL_RT_EXITED;
	c->last_exit = ex->exit_code;
	c->finished_at = t;
	c->op = PL_OP_NONE;
	c->op_deadline = PL_NEVER;
	c->flags &= (uint16_t) ~(PL_CF_STARTED | PL_CF_KILLING | PL_CF_STOP_SENT | PL_CF_OOM);
	if (oom)
		c->flags |= PL_CF_OOM;
	set_terminated(e, c, ex->exit_code, ex->signal, static_reason(ex->reason, ex->exit_code, oom),
	               ex->message, t);
	if (c->flags & PL_CF_HOOK_FAILED) {
		/* The reason cache keeps the start failure: PostStartHookError. */
		c->flags &= (uint16_t)~PL_CF_HOOK_FAILED;
		retire_state(&e->a, c->st);
		pl_cstate_waiting(&e->a, &c->st->state, "PostStartHookError", NULL);
	}
	PL_UNUSED(p);
}

/* ---- running ------------------------------------------------------------------- */

static void set_running(podlife_engine *e, pl_pod *p, pl_ctr *c)
{
	pl_cstatus *st = c->st;
	retire_state(&e->a, st);
	pl_cstate_clear(&e->a, &st->state);
	st->state.kind = PL_CSTATE_RUNNING;
	st->state.started_at = c->started_at;
	st->started = 1;                         /* no startup probe yet */
	st->ready = c->kind != PL_CKIND_INIT;    /* no readiness probe yet */
	c->flags |= PL_CF_STARTED;
	pl_probes_status(p, c);                  /* ... unless there are probes */
}

static void post_start_failed(podlife_engine *e, pl_pod *p, pl_ctr *c, const char *msg)
{
	pl_emit(e, p, c, true, "FailedPostStartHook", "%s", msg ? msg : "PostStartHook failed");
	c->flags |= PL_CF_HOOK_FAILED;
	pl_kill_container(e, p, c, pl_pod_grace(p), "FailedPostStartHook");
}

void pl_hook_done(podlife_engine *e, pl_pod *p, pl_ctr *c, bool ok)
{
	pl_hook_done_msg(e, p, c, ok, NULL);
}

void pl_hook_done_msg(podlife_engine *e, pl_pod *p, pl_ctr *c, bool ok, const char *msg)
{
	uint8_t op = c->op;
	c->op = PL_OP_NONE;
	c->op_deadline = PL_NEVER;
	if (op == PL_OP_POSTSTART) {
		if (ok)
			set_running(e, p, c);
		else
			post_start_failed(e, p, c, msg);
	} else if (op == PL_OP_PRESTOP) {
		if (!ok)
			pl_emit(e, p, c, true, "FailedPreStopHook", "%s", msg ? msg : "PreStopHook failed");
		/* the stop itself is sent by the sync (ordering, retries) */
	}
}

/* Removes a container (takes `rid`); a failed removal is retried at teardown. */
static void remove_ctr(podlife_engine *e, pl_pod *p, char *rid)
{
	int rc = e->be.container_remove ? e->be.container_remove(e->be.ud, rid) : PODLIFE_OK;
	if (rc == PODLIFE_OK || rc == PODLIFE_ENOTFOUND) {
		pl_free(&e->a, rid);
		return;
	}
	char **v = pl_realloc(&e->a, p->garbage, (p->n_garbage + 1) * sizeof *v);
	if (!v) {
		pl_free(&e->a, rid);
		return;
	}
	p->garbage = v;
	v[p->n_garbage++] = rid;
}

static int start_failed(podlife_engine *e, pl_pod *p, pl_ctr *c, const char *reason,
                        const char *msg)
{
	pl_emit(e, p, c, true, "Failed", "Error: %s", msg && *msg ? msg : reason);
	pl_cstatus *st = c->st;
	if (st->state.kind == PL_CSTATE_TERMINATED)
		retire_state(&e->a, st);
	pl_cstate_waiting(&e->a, &st->state, reason, msg && *msg ? msg : NULL);
	c->wake = e->now + 10000; /* the worker's failed-sync retry */
	return -1;
}

static void format_dur(char *buf, size_t n, pl_ms ms)
{
	/* Go's time.Duration String for whole seconds: 10s, 1m20s, 5m0s */
	long long s = (long long)(ms / 1000);
	if (s < 60)
		snprintf(buf, n, "%llds", s);
	else if (s < 3600)
		snprintf(buf, n, "%lldm%llds", s / 60, s % 60);
	else
		snprintf(buf, n, "%lldh%lldm%llds", s / 3600, (s / 60) % 60, s % 60);
}

/*
 * startContainer with the crash-loop check of doBackOff in front.
 * Returns 0 when the container runs (postStart done), 1 when waiting
 * (back-off, pull, hook), -1 on a start failure (retried by the sync).
 */
int pl_start_container(podlife_engine *e, pl_pod *p, pl_ctr *c)
{
	pl_ms now = e->now;
	pl_cstatus *st = c->st;
	if (c->op != PL_OP_NONE)
		return 1;
	bool resumed = (c->flags & PL_CF_IMAGE_OK) != 0;
	/* A container stopped by the engine itself (definition changed, pod
	 * restarted by an update) did not crash: no back-off. */
	if (!resumed && c->finished_at != PL_NEVER && !(c->flags & PL_CF_FORCE)) {
		uint32_t h = pl_image_hash(c->spec->image);
		if (c->crash_hash != h) {
			c->crash.delay = 0; /* the key includes the image */
			c->crash_hash = h;
		}
		if (pl_backoff_in_since(&c->crash, c->finished_at, now)) {
			char d[32], msg[512];
			format_dur(d, sizeof d, c->crash.delay);
			if (!(c->flags & PL_CF_BACKOFF_EV)) {
				pl_emit(e, p, c, true, "BackOff",
				        "Back-off restarting failed container %s in pod %s_%s(%s)",
				        c->spec->name, p->name, p->ns, p->uid);
				c->flags |= PL_CF_BACKOFF_EV;
			}
			snprintf(msg, sizeof msg, "back-off %s restarting failed container=%s pod=%s_%s(%s)",
			         d, c->spec->name, p->name, p->ns, p->uid);
			retire_state(&e->a, st);
			pl_cstate_waiting(&e->a, &st->state, "CrashLoopBackOff", msg);
			c->wake = c->finished_at + c->crash.delay;
			return 1;
		}
		c->flags &= (uint16_t)~PL_CF_BACKOFF_EV;
		pl_backoff_next(&c->crash, c->finished_at, now, e->crash_initial, e->crash_max);
	}
	if (!resumed) {
		int r = pl_ensure_image(e, p, c);
		if (r == PL_IMG_WAIT)
			return 1;
		if (r == PL_IMG_ERROR)
			return -1;
	}
	c->flags &= (uint16_t) ~(PL_CF_IMAGE_OK | PL_CF_FORCE);

	/* The previous instance goes (the kubelet keeps one for logs; the
	 * status keeps what matters). */
	if (c->rid) {
		remove_ctr(e, p, c->rid);
		c->rid = NULL;
	}
	c->rt = PL_RT_NONE;

	podlife_result r;
	memset(&r, 0, sizeof r);
	podlife_container_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.sandbox_id = p->sandbox_id ? p->sandbox_id : "";
	cfg.pod_name = p->name;
	cfg.pod_namespace = p->ns;
	cfg.pod_uid = p->uid;
	cfg.name = c->spec->name;
	cfg.image = c->spec->image;
	cfg.image_id = st->image_id ? st->image_id : "";
	cfg.kind = (podlife_container_kind)c->kind;
	cfg.index = c->index;
	cfg.attempt = (unsigned int)st->restart_count + ((c->flags & PL_CF_EVER) ? 1u : 0u);
	cfg.pod = p->pod;
	uint32_t inst = pl_eng_seq(e);
	cfg.token = pl_token(p, (unsigned int)cidx_of(p, c), inst);
	int rc = e->be.container_create ? e->be.container_create(e->be.ud, &cfg, &r) : PODLIFE_EBACKEND;
	if (rc != PODLIFE_OK || !r.id[0])
		return start_failed(e, p, c, "CreateContainerError",
		                    r.message[0] ? r.message : podlife_strerror(rc ? rc : PODLIFE_EBACKEND));
	char *rid = pl_strdup(&e->a, r.id);
	size_t idl = strlen(r.id) + sizeof "podlife://";
	char *cid = pl_malloc(&e->a, idl);
	if (!rid || !cid) {
		pl_free(&e->a, rid);
		pl_free(&e->a, cid);
		if (e->be.container_remove)
			e->be.container_remove(e->be.ud, r.id);
		return start_failed(e, p, c, "CreateContainerError", "out of memory");
	}
	snprintf(cid, idl, "podlife://%s", r.id);
	pl_emit(e, p, c, false, "Created", "Created container: %s", c->spec->name);
	if (c->flags & PL_CF_EVER)
		st->restart_count++;
	c->flags |= PL_CF_EVER;
	c->rid = rid;
	c->inst = inst;
	c->rt = PL_RT_CREATED;
	pl_free(&e->a, st->container_id);
	st->container_id = cid;
	c->run_hash = pl_image_hash(c->spec->image);

	memset(&r, 0, sizeof r);
	rc = e->be.container_start ? e->be.container_start(e->be.ud, c->rid, &r) : PODLIFE_EBACKEND;
	if (rc != PODLIFE_OK) {
		/* containerd: exited 128, StartError; the reason cache shows
		 * RunContainerError */
		c->started_at = now;
		c->rt = PL_RT_EXITED;
		c->last_exit = 128;
		c->finished_at = now;
		set_terminated(e, c, 128, 0, "StartError", r.message[0] ? r.message : NULL, now);
		start_failed(e, p, c, "RunContainerError",
		             r.message[0] ? r.message : podlife_strerror(rc));
		c->wake = PL_NEVER; /* the next sync applies the crash-loop back-off */
		pl_eng_sync(e, p);
		return -1;
	}
	pl_emit(e, p, c, false, "Started", "Started container %s", c->spec->name);
	c->rt = PL_RT_RUNNING;
	c->started_at = now;
	const pl_lifecycle *lc = c->spec->lifecycle;
	if (lc && lc->post_start) {
		c->op = PL_OP_POSTSTART;
		c->op_tok = pl_eng_seq(e);
		char msg[1024];
		int h = pl_run_hook(e, p, c, lc->post_start, "PostStart", msg, sizeof msg);
		if (h == PL_HOOK_WAIT) {
			/* Not reported running before the hook ends. */
			if (st->state.kind == PL_CSTATE_TERMINATED)
				retire_state(&e->a, st);
			if (st->state.kind != PL_CSTATE_WAITING)
				pl_cstate_waiting(&e->a, &st->state, pl_default_waiting(p), NULL);
			return 1;
		}
		pl_hook_done_msg(e, p, c, h == 1, msg[0] ? msg : NULL);
		return h == 1 ? 0 : -1;
	}
	set_running(e, p, c);
	return 0;
}

/* ---- killing ------------------------------------------------------------------- */

static int stop_signal(const pl_ctr *c)
{
	const pl_lifecycle *lc = c->spec->lifecycle;
	if (lc && lc->stop_signal) {
		int s = pl_signal_number(lc->stop_signal);
		if (s > 0)
			return s;
	}
	return 15; /* SIGTERM */
}

void pl_send_stop(podlife_engine *e, pl_pod *p, pl_ctr *c)
{
	int64_t elapsed = (e->now - c->kill_start) / 1000;
	int64_t grace = c->kill_grace_s - elapsed;
	if (grace < 2)
		grace = 2; /* minimumGracePeriodInSeconds */
	int rc = e->be.container_stop ? e->be.container_stop(e->be.ud, c->rid, stop_signal(c), grace)
	                              : PODLIFE_EBACKEND;
	if (rc == PODLIFE_OK) {
		c->flags |= PL_CF_STOP_SENT;
		return;
	}
	if (rc == PODLIFE_ENOTFOUND) {
		/* The runtime lost it: ContainerStatusUnknown, exit 137. */
		podlife_exit ex = PODLIFE_EXIT_INIT;
		ex.exit_code = 137;
		ex.reason = "ContainerStatusUnknown";
		ex.message = "The container could not be located when the pod was terminated";
		pl_ctr_exited(e, p, c, &ex);
		return;
	}
	pl_emit(e, p, NULL, true, "FailedKillPod", "error killing pod: failed to \"KillContainer\" for \"%s\": %s",
	        c->spec->name, podlife_strerror(rc));
	c->wake = e->now + 2000;
}

static bool sidecar_must_wait(const pl_pod *p, const pl_ctr *c);

void pl_kill_container(podlife_engine *e, pl_pod *p, pl_ctr *c, int64_t grace_s, const char *msg)
{
	if (!alive(c))
		return;
	if (c->flags & PL_CF_KILLING) {
		if (grace_s < c->kill_grace_s) {
			c->kill_grace_s = grace_s;
			if (c->flags & PL_CF_STOP_SENT)
				c->flags &= (uint16_t)~PL_CF_STOP_SENT; /* resend with the shorter grace */
		}
		return;
	}
	if (msg)
		pl_emit(e, p, c, false, "Killing", "%s", msg);
	else
		pl_emit(e, p, c, false, "Killing", "Stopping container %s", c->spec->name);
	c->flags |= PL_CF_KILLING;
	c->flags &= (uint16_t)~PL_CF_STOP_SENT;
	c->kill_start = e->now;
	c->kill_grace_s = grace_s;
	c->wake = PL_NEVER;
	if (c->op == PL_OP_POSTSTART) {
		c->op = PL_OP_NONE; /* the hook's result no longer matters */
		c->op_deadline = PL_NEVER;
	}
	const pl_lifecycle *lc = c->spec->lifecycle;
	if (lc && lc->pre_stop && grace_s > 0 && c->rt == PL_RT_RUNNING) {
		c->op = PL_OP_PRESTOP;
		c->op_tok = pl_eng_seq(e);
		char hook_msg[1024];
		int h = pl_run_hook(e, p, c, lc->pre_stop, "PreStop", hook_msg, sizeof hook_msg);
		if (h != PL_HOOK_WAIT)
			pl_hook_done_msg(e, p, c, h == 1, hook_msg[0] ? hook_msg : NULL);
	}
	if (c->op == PL_OP_NONE && !sidecar_must_wait(p, c))
		pl_send_stop(e, p, c);
}

/* A sidecar's stop waits for the regular containers and later sidecars
 * (killContainersWithSyncResult ordering), bounded by its own grace. */
static bool sidecar_must_wait(const pl_pod *p, const pl_ctr *c)
{
	if (c->kind != PL_CKIND_SIDECAR || p->state != PL_POD_TERMINATING)
		return false;
	for (size_t i = cidx_of(p, c) + 1; i < p->nc; i++) {
		const pl_ctr *o = &p->c[i];
		if (o->kind == PL_CKIND_INIT)
			continue;
		if (alive(o))
			return true;
	}
	return false;
}

/* Advances hooks with deadlines and pending stops. */
static void progress_kills(podlife_engine *e, pl_pod *p)
{
	pl_ms now = e->now;
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (c->op == PL_OP_POSTSTART && c->op_deadline != PL_NEVER && now >= c->op_deadline)
			pl_hook_done(e, p, c, true);
		if (c->op == PL_OP_PRESTOP) {
			if (c->op_deadline != PL_NEVER && now >= c->op_deadline)
				pl_hook_done(e, p, c, true);
			else if (now >= c->kill_start + c->kill_grace_s * 1000) {
				c->op = PL_OP_NONE; /* grace used up: stop anyway */
				c->op_deadline = PL_NEVER;
			}
		}
		if ((c->flags & PL_CF_KILLING) && !(c->flags & PL_CF_STOP_SENT) &&
		    c->op == PL_OP_NONE && alive(c) && (c->wake == PL_NEVER || now >= c->wake)) {
			if (sidecar_must_wait(p, c) && now < c->kill_start + c->kill_grace_s * 1000)
				continue;
			c->wake = PL_NEVER;
			pl_send_stop(e, p, c);
		}
	}
}

/* ---- sandbox --------------------------------------------------------------------- */

static bool no_sandbox(const podlife_engine *e)
{
	return (e->be.caps & PODLIFE_CAP_NO_SANDBOX) || !e->be.sandbox_run;
}

static bool ensure_sandbox(podlife_engine *e, pl_pod *p)
{
	if (p->sb == PL_SB_READY)
		return true;
	if (no_sandbox(e)) {
		p->sb = PL_SB_READY;
		return true;
	}
	if (p->sb == PL_SB_CREATING)
		return false;
	if (p->sb == PL_SB_FAILED && e->now < p->sb_retry)
		return false;
	podlife_sandbox_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.pod_name = p->name;
	cfg.pod_namespace = p->ns;
	cfg.pod_uid = p->uid;
	cfg.attempt = p->sb_attempt;
	cfg.host_network = p->m->spec->host_network;
	cfg.pod = p->pod;
	podlife_result r;
	memset(&r, 0, sizeof r);
	p->sb_tok = pl_eng_seq(e);
	p->sb = PL_SB_CREATING;
	int rc = e->be.sandbox_run(e->be.ud, &cfg, pl_token(p, 0xff, p->sb_tok), &r);
	if (rc == PODLIFE_PENDING)
		return false;
	if (rc == PODLIFE_OK && r.id[0]) {
		p->sandbox_id = pl_strdup(&e->a, r.id);
		if (!p->sandbox_id) {
			e->be.sandbox_stop(e->be.ud, r.id);
			if (e->be.sandbox_remove)
				e->be.sandbox_remove(e->be.ud, r.id);
			rc = PODLIFE_ENOMEM;
		} else {
			pl_set_msg(&e->a, &p->st.pod_ip, r.pod_ip[0] ? r.pod_ip : NULL);
			pl_set_msg(&e->a, &p->netns, r.netns_path[0] ? r.netns_path : NULL);
			p->sb = PL_SB_READY;
			return true;
		}
	}
	p->sb = PL_SB_FAILED;
	p->sb_retry = e->now + 10000;
	pl_emit(e, p, NULL, true, "FailedCreatePodSandBox", "Failed to create pod sandbox: %s",
	        r.message[0] ? r.message : podlife_strerror(rc ? rc : PODLIFE_EBACKEND));
	return false;
}

/* Stops and removes the sandbox and every container; false to retry. */
static bool teardown(podlife_engine *e, pl_pod *p)
{
	if (p->sb == PL_SB_CREATING)
		return false; /* wait for the pending sandbox, then stop it */
	if (p->sandbox_id && !no_sandbox(e)) {
		int rc = e->be.sandbox_stop ? e->be.sandbox_stop(e->be.ud, p->sandbox_id) : PODLIFE_OK;
		if (rc != PODLIFE_OK && rc != PODLIFE_ENOTFOUND) {
			if (e->now >= p->sb_retry)
				pl_emit(e, p, NULL, true, "FailedKillPod", "error killing pod: %s",
				        podlife_strerror(rc));
			p->sb_retry = e->now + 2000;
			return false;
		}
	}
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (c->rid)
			remove_ctr(e, p, c->rid);
		c->rid = NULL;
		if (c->op == PL_OP_PULL)
			c->op = PL_OP_NONE;
	}
	size_t keep = 0;
	for (size_t i = 0; i < p->n_garbage; i++) {
		int rc = e->be.container_remove ? e->be.container_remove(e->be.ud, p->garbage[i])
		                                : PODLIFE_OK;
		if (rc == PODLIFE_OK || rc == PODLIFE_ENOTFOUND)
			pl_free(&e->a, p->garbage[i]);
		else
			p->garbage[keep++] = p->garbage[i];
	}
	p->n_garbage = keep;
	if (keep) {
		p->sb_retry = e->now + 2000;
		return false;
	}
	if (p->sandbox_id && !no_sandbox(e) && e->be.sandbox_remove) {
		int rc = e->be.sandbox_remove(e->be.ud, p->sandbox_id);
		if (rc != PODLIFE_OK && rc != PODLIFE_ENOTFOUND) {
			p->sb_retry = e->now + 2000;
			return false;
		}
	}
	pl_free(&e->a, p->sandbox_id);
	p->sandbox_id = NULL;
	p->sb = PL_SB_STOPPED;
	return true;
}

/* ---- the sync ------------------------------------------------------------------ */

enum { INIT_WAIT, INIT_DONE, INIT_FAILED };

/* Kills a running container whose liveness or startup probe failed. */
static bool probe_kill(podlife_engine *e, pl_pod *p, pl_ctr *c)
{
	char msg[300];
	int64_t grace;
	if (!pl_probes_kill(e, p, c, msg, sizeof msg, &grace))
		return false;
	pl_kill_container(e, p, c, grace, msg);
	return true;
}

/* computeInitContainerActions, walked in spec order. */
static int init_sync(podlife_engine *e, pl_pod *p)
{
	for (size_t i = 0; i < p->st.n_init; i++) {
		pl_ctr *c = &p->c[i];
		if (c->flags & PL_CF_KILLING)
			return INIT_WAIT;
		if (c->kind == PL_CKIND_SIDECAR) {
			if (c->rt == PL_RT_RUNNING) {
				if (probe_kill(e, p, c))
					return INIT_WAIT;
				/* a startup probe holds the next init container */
				if ((c->flags & PL_CF_STARTED) && !pl_probes_startup_pending(p, c))
					continue;
				return INIT_WAIT;
			}
			if (pl_start_container(e, p, c) == 0 && !pl_probes_startup_pending(p, c))
				continue; /* started: the next one may start now */
			return INIT_WAIT;
		}
		if (c->rt == PL_RT_EXITED) {
			bool failed = c->last_exit != 0 || (c->flags & PL_CF_OOM);
			if (!failed)
				continue;
			if (!init_restartable(e, p, c))
				return INIT_FAILED;
			pl_start_container(e, p, c);
			return INIT_WAIT;
		}
		if (alive(c))
			return INIT_WAIT;
		pl_start_container(e, p, c);
		return INIT_WAIT;
	}
	return INIT_DONE;
}

static bool should_start(const podlife_engine *e, const pl_pod *p, const pl_ctr *c)
{
	switch (c->rt) {
	case PL_RT_NONE:
	case PL_RT_UNKNOWN:
		return true; /* never ran (or lost): ShouldContainerBeRestarted */
	case PL_RT_EXITED:
		return (c->flags & PL_CF_FORCE) || pl_ctr_should_restart(e, p, c, c->last_exit);
	default:
		return false;
	}
}

static void restart_sandbox(podlife_engine *e, pl_pod *p)
{
	for (size_t i = 0; i < p->nc; i++) {
		if (alive(&p->c[i]) && !(p->c[i].flags & PL_CF_KILLING)) {
			pl_kill_container(e, p, &p->c[i], pl_pod_grace(p), NULL);
			p->c[i].flags |= PL_CF_FORCE; /* killed by the update: runs again */
		}
	}
	progress_kills(e, p);
	for (size_t i = 0; i < p->nc; i++)
		if (alive(&p->c[i]))
			return;
	if (p->sb == PL_SB_READY && !no_sandbox(e))
		pl_emit(e, p, NULL, false, "SandboxChanged",
		        "Pod sandbox changed, it will be killed and re-created.");
	if (!teardown(e, p))
		return;
	p->sb = PL_SB_NONE;
	p->sb_attempt++;
	p->flags &= (uint16_t) ~(PL_PF_RESTART_SB | PL_PF_INITIALIZED);
	/* purgeInitContainers: every init container runs again */
	for (size_t i = 0; i < p->st.n_init; i++) {
		pl_ctr *c = &p->c[i];
		c->rt = PL_RT_NONE;
		pl_cstate_clear(&e->a, &c->st->state);
		pl_cstate_waiting(&e->a, &c->st->state, pl_default_waiting(p), NULL);
		c->st->ready = false;
		c->st->started = -1;
	}
	for (size_t i = p->st.n_init; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (c->rt == PL_RT_EXITED &&
		    ((c->flags & PL_CF_FORCE) || pl_ctr_should_restart(e, p, c, c->last_exit)))
			c->rt = PL_RT_NONE; /* containersToStart: restart at once */
	}
}

static void active_sync(podlife_engine *e, pl_pod *p)
{
	if (p->flags & PL_PF_RESTART_SB) {
		restart_sandbox(e, p);
		if (p->flags & PL_PF_RESTART_SB)
			return;
	}
	progress_kills(e, p);
	if (!ensure_sandbox(e, p))
		return;
	if (!(p->flags & PL_PF_INITIALIZED)) {
		int r = init_sync(e, p);
		if (r == INIT_FAILED) {
			p->flags |= PL_PF_NATURAL_END;
			pl_begin_termination(e, p, pl_pod_grace(p));
			return;
		}
		if (r != INIT_DONE)
			return;
		p->flags |= PL_PF_INITIALIZED;
	} else {
		for (size_t i = 0; i < p->st.n_init; i++) {
			pl_ctr *c = &p->c[i];
			if (c->kind != PL_CKIND_SIDECAR || (c->flags & PL_CF_KILLING))
				continue;
			if (!alive(c))
				pl_start_container(e, p, c);
			else
				probe_kill(e, p, c);
		}
	}
	int keep = 0, starting = 0;
	for (size_t i = p->st.n_init; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (c->flags & PL_CF_KILLING) {
			keep++;
			continue;
		}
		if (alive(c)) {
			if (probe_kill(e, p, c)) {
				keep++;
				continue;
			}
			if (c->run_hash != pl_image_hash(c->spec->image)) {
				char msg[300];
				snprintf(msg, sizeof msg, "Container %s definition changed, will be restarted",
				         c->spec->name);
				pl_kill_container(e, p, c, pl_pod_grace(p), msg);
				c->flags |= PL_CF_FORCE; /* restarted regardless of policy */
			}
			keep++;
			continue;
		}
		if (c->op != PL_OP_NONE || should_start(e, p, c)) {
			starting++;
			pl_start_container(e, p, c);
		}
	}
	if (keep == 0 && starting == 0) {
		/* Nothing will run again: stop the rest (sidecars) and finish. */
		p->flags |= PL_PF_NATURAL_END;
		pl_begin_termination(e, p, pl_pod_grace(p));
	}
}

void pl_begin_termination(podlife_engine *e, pl_pod *p, int64_t grace_s)
{
	if (p->state == PL_POD_DONE || p->state == PL_POD_REJECTED)
		return;
	if (p->state == PL_POD_TERMINATING) {
		if (grace_s < p->grace_s) {
			p->grace_s = grace_s;
			for (size_t i = 0; i < p->nc; i++)
				pl_kill_container(e, p, &p->c[i], grace_s, NULL);
		}
		return;
	}
	p->state = PL_POD_TERMINATING;
	p->grace_s = grace_s;
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (c->op == PL_OP_PULL)
			c->op = PL_OP_NONE;
		c->wake = PL_NEVER;
	}
}

static void term_sync(podlife_engine *e, pl_pod *p)
{
	for (size_t i = 0; i < p->nc; i++)
		if (alive(&p->c[i]) && !(p->c[i].flags & PL_CF_KILLING))
			pl_kill_container(e, p, &p->c[i], p->grace_s, NULL);
	progress_kills(e, p);
	for (size_t i = 0; i < p->nc; i++)
		if (alive(&p->c[i]))
			return;
	if (!teardown(e, p))
		return;
	p->st.pod_is_terminal = true;
	p->state = PL_POD_DONE;
}

/* ---- publishing ------------------------------------------------------------------ */

static pl_ms next_wake(const podlife_engine *e, const pl_pod *p)
{
	pl_ms w = PL_NEVER, now = e->now;
#define CONSIDER(t)                                \
	do {                                       \
		pl_ms t_ = (t);                    \
		if (t_ > now && t_ < w)            \
			w = t_;                    \
	} while (0)
	if (p->state == PL_POD_DONE || p->state == PL_POD_REJECTED)
		return PL_NEVER;
	for (size_t i = 0; i < p->nc; i++) {
		const pl_ctr *c = &p->c[i];
		CONSIDER(c->wake);
		if (c->op != PL_OP_NONE)
			CONSIDER(c->op_deadline);
		if ((c->flags & PL_CF_KILLING) && !(c->flags & PL_CF_STOP_SENT))
			CONSIDER(c->kill_start + c->kill_grace_s * 1000);
	}
	if (p->sb == PL_SB_FAILED || (p->state == PL_POD_TERMINATING && p->sb != PL_SB_STOPPED))
		CONSIDER(p->sb_retry);
	if (p->flags & PL_PF_ADOPT)
		CONSIDER(e->adopt_at);
	const pl_pod_spec *s = p->m->spec;
	if (p->state == PL_POD_ACTIVE && PL_HAS(s, active_deadline_seconds) &&
	    p->st.start_time != PL_NEVER)
		CONSIDER(p->st.start_time + s->active_deadline_seconds * 1000);
#undef CONSIDER
	return w;
}

static bool terminal(pl_phase ph)
{
	return ph == PL_PHASE_SUCCEEDED || ph == PL_PHASE_FAILED;
}

static void compute_phase(podlife_engine *e, pl_pod *p)
{
	pl_pod_status *st = &p->st;
	bool any = false;
	for (size_t i = p->st.n_init; i < p->nc; i++)
		any = any || p->c[i].rt != PL_RT_NONE;
	st->has_initialized = any;
	st->sandbox_ready = p->sb == PL_SB_READY;
	pl_phase ph;
	if (p->state == PL_POD_REJECTED)
		ph = PL_PHASE_FAILED;
	else if (p->flags & PL_PF_DEADLINE)
		ph = PL_PHASE_FAILED;
	else
		ph = pl_compute_phase(st);
	if (terminal(p->last_phase) && ph != p->last_phase)
		ph = p->last_phase; /* terminal phases are sticky */
	if ((p->flags & PL_PF_UNKNOWN) && !terminal(ph))
		ph = PL_PHASE_UNKNOWN;
	st->phase = ph;
	if (ph != PL_PHASE_UNKNOWN)
		p->last_phase = ph;
	PL_UNUSED(e);
}

void pl_pod_sync(podlife_engine *e, pl_pod *p)
{
	pl_ms now = e->now;
	if ((p->flags & PL_PF_ADOPT) && now >= e->adopt_at) {
		e->adopt_at = now + 10000; /* retried every 10 s */
		pl_try_adopt(e);
	}
	if (p->state == PL_POD_ACTIVE && !(p->flags & PL_PF_UNKNOWN)) {
		const pl_pod_spec *s = p->m->spec;
		if (PL_HAS(s, active_deadline_seconds) && p->st.start_time != PL_NEVER &&
		    now - p->st.start_time >= s->active_deadline_seconds * 1000) {
			static const char dl_msg[] =
			        "Pod was active on the node longer than the specified deadline";
			pl_emit(e, p, NULL, false, "DeadlineExceeded", dl_msg);
			p->flags |= PL_PF_DEADLINE;
			p->st.reason = "DeadlineExceeded";
			pl_set_msg(&e->a, &p->st.message, dl_msg);
			pl_begin_termination(e, p, pl_pod_grace(p));
		}
	}
	if (p->state == PL_POD_ACTIVE && !(p->flags & PL_PF_UNKNOWN)) {
		pl_probes_start(e, p);
		active_sync(e, p);
	}
	if (p->state == PL_POD_REJECTED || p->flags & PL_PF_UNKNOWN) {
		compute_phase(e, p);
	} else {
		compute_phase(e, p);
		if (p->state == PL_POD_ACTIVE && terminal(p->st.phase)) {
			/* SyncPod returned isTerminal: SyncTerminatingPod stops
			 * whatever still runs (sidecars). */
			p->flags |= PL_PF_NATURAL_END;
			pl_begin_termination(e, p, pl_pod_grace(p));
		}
		if (p->state == PL_POD_TERMINATING)
			term_sync(e, p);
		compute_phase(e, p);
	}
	if (!(p->flags & PL_PF_UNKNOWN))
		pl_probes_sync(e, p);
	pl_update_conditions(&p->st, &e->a, now);
	pl_heap_arm(&e->heap, &p->wake, next_wake(e, p));
	if (e->on_changed) {
		pl_columns cols;
		memset(&cols, 0, sizeof cols);
		pl_compute_columns(&p->st, now, &cols);
		/* RESTARTS' "(x ago)" changes with time alone: hash the count. */
		uint32_t h = pl_image_hash(cols.status) * 31u + pl_image_hash(cols.ready);
		h = h * 31u + (uint32_t)cols.restarts * 7u + (uint32_t)p->st.phase + 1u;
		if (h != p->cols_hash) {
			p->cols_hash = h;
			e->on_changed(e->changed_ud, p->ns, p->name);
		}
	}
}
