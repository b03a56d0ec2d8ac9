/*
 * lib/engine/snapshot.c - the engine's state as JSON (jansson) and back:
 * per pod its spec, sandbox, init progress, container ids, restart counts,
 * states and back-off entries.  A restored engine adopts what the
 * backend still runs (container_list) without restarting it; while the
 * backend cannot list, the restored pods are Unknown.  Also the periodic
 * relist (the kubelet's PLEG relist): containers that vanished or exited
 * unreported, and phase Unknown while the backend cannot list.
 */
#include <jansson.h>
#include <string.h>

#include "engine_int.h"

#define SNAP_VERSION 1

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *cstate_json(const pl_cstate *s)
{
	return json_pack("{s:i, s:o, s:o, s:i, s:i, s:I, s:I, s:o}", "kind", (int)s->kind, "reason",
	                 jstr_or_null(s->reason), "message", jstr_or_null(s->message), "exitCode",
	                 s->exit_code, "signal", s->signal, "startedAt", (json_int_t)s->started_at,
	                 "finishedAt", (json_int_t)s->finished_at, "containerID",
	                 jstr_or_null(s->container_id));
}

static json_t *pod_json(podlife_engine *e, const pl_pod *p)
{
	char *spec = NULL;
	if (podlife_pod_to_json(p->pod, 0, &spec) != PODLIFE_OK)
		return NULL;
	json_t *jpod = json_loads(spec, 0, NULL);
	podlife_free(spec);
	if (!jpod)
		return NULL;
	json_t *cs = json_array(), *ib = json_array();
	for (size_t i = 0; i < p->nc; i++) {
		const pl_ctr *c = &p->c[i];
		const pl_cstatus *st = c->st;
		json_array_append_new(
		        cs, json_pack("{s:s, s:o, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:i, s:i, s:i, s:i, "
		                      "s:o, s:o, s:o, s:o, s:i, s:i}",
		                      "name", c->spec->name ? c->spec->name : "", "id", jstr_or_null(c->rid),
		                      "rt", (int)c->rt, "flags", (int)(c->flags & ~PL_CF_IMAGE_OK), "lastExit",
		                      c->last_exit, "finishedAt", (json_int_t)c->finished_at, "startedAt",
		                      (json_int_t)c->started_at, "crashDelay", (json_int_t)c->crash.delay,
		                      "crashUpdate", (json_int_t)c->crash.last_update, "crashHash",
		                      (int)c->crash_hash, "runHash", (int)c->run_hash, "restartCount",
		                      st->restart_count, "hasStatus", (int)st->has_status, "state",
		                      cstate_json(&st->state), "lastState", cstate_json(&st->last_state),
		                      "imageID", jstr_or_null(st->image_id), "containerID",
		                      jstr_or_null(st->container_id), "started", st->started, "ready",
		                      (int)st->ready));
	}
	for (size_t i = 0; i < p->n_imgb; i++)
		json_array_append_new(ib, json_pack("[i, I, I]", (int)p->imgb[i].hash,
		                                    (json_int_t)p->imgb[i].b.delay,
		                                    (json_int_t)p->imgb[i].b.last_update));
	PL_UNUSED(e);
	return json_pack("{s:s, s:s, s:o, s:i, s:i, s:i, s:i, s:o, s:o, s:I, s:I, s:i, s:o, s:o, s:o, s:o}",
	                 "namespace", p->ns, "name", p->name, "pod", jpod, "state", (int)p->state, "sandbox", (int)p->sb, "sandboxAttempt",
	                 (int)p->sb_attempt, "flags", (int)(p->flags & ~PL_PF_QUEUED), "sandboxID",
	                 jstr_or_null(p->sandbox_id), "podIP", jstr_or_null(p->st.pod_ip), "graceSeconds",
	                 (json_int_t)p->grace_s, "startTime", (json_int_t)p->st.start_time, "phase",
	                 (int)p->last_phase, "reason", jstr_or_null(p->st.reason), "message",
	                 jstr_or_null(p->st.message), "containers", cs, "imageBackOff", ib);
}

int podlife_engine_snapshot(podlife_engine *e, char **out)
{
	if (!e || !out)
		return PODLIFE_EINVAL;
	json_t *pods = json_array();
	json_t *root = json_pack("{s:i, s:I, s:o}", "version", SNAP_VERSION, "now",
	                         (json_int_t)pl_eng_now(e), "pods", pods);
	if (!root)
		return PODLIFE_ENOMEM;
	for (size_t i = 0; i < e->n_slots; i++) {
		if (!e->pods[i])
			continue;
		json_t *pj = pod_json(e, e->pods[i]);
		if (!pj || json_array_append_new(pods, pj)) {
			json_decref(root);
			return PODLIFE_ENOMEM;
		}
	}
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return PODLIFE_ENOMEM;
	*out = pl_strdup(pl_alloc_default(), s);
	free(s);
	return *out ? PODLIFE_OK : PODLIFE_ENOMEM;
}

/* ---- restore ------------------------------------------------------------------------- */

static const char *const known_reasons[] = {
	"ContainerCreating", "PodInitializing", "CrashLoopBackOff", "ErrImagePull",
	"ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName", "ImageInspectError",
	"CreateContainerError", "RunContainerError", "PostStartHookError", "Completed", "Error",
	"OOMKilled", "StartError", "ContainerStatusUnknown", "DeadlineExceeded", "NodeAffinity",
	"PodSecurity", "BackendUnavailable"};

/* Reasons are static strings in the status: map back to them. */
static const char *static_reason(const char *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < PL_ARRAY_LEN(known_reasons); i++)
		if (strcmp(r, known_reasons[i]) == 0)
			return known_reasons[i];
	return "Error";
}

static const char *jget_str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jget_int(json_t *o, const char *k, int64_t dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static void cstate_load(podlife_engine *e, pl_cstate *s, json_t *j)
{
	pl_cstate_clear(&e->a, s);
	if (!json_is_object(j))
		return;
	int64_t k = jget_int(j, "kind", 0);
	s->kind = k >= 0 && k <= PL_CSTATE_TERMINATED ? (pl_cstate_kind)k : PL_CSTATE_NONE;
	s->reason = static_reason(jget_str(j, "reason"));
	const char *m = jget_str(j, "message");
	s->message = m ? pl_strdup(&e->a, m) : NULL;
	s->exit_code = (int)jget_int(j, "exitCode", 0);
	s->signal = (int)jget_int(j, "signal", 0);
	s->started_at = jget_int(j, "startedAt", 0);
	s->finished_at = jget_int(j, "finishedAt", 0);
	const char *id = jget_str(j, "containerID");
	s->container_id = id ? pl_strdup(&e->a, id) : NULL;
}

static int load_pod(podlife_engine *e, json_t *pj, podlife_error **err)
{
	json_t *spec = json_object_get(pj, "pod");
	char *text = spec ? json_dumps(spec, JSON_COMPACT) : NULL;
	if (!text)
		return PODLIFE_EPARSE;
	podlife_parse_options po = PODLIFE_PARSE_OPTIONS_INIT;
	po.flags = PODLIFE_PARSE_JSON | PODLIFE_PARSE_NO_TEMPLATES;
	podlife_allocator al = {PODLIFE_ALLOCATOR_VERSION, e->a.malloc, e->a.realloc, e->a.free, e->a.ud};
	po.allocator = &al;
	podlife_pod_list *list = NULL;
	int rc = podlife_pod_parse(text, strlen(text), &po, &list, NULL);
	free(text);
	if (rc || podlife_pod_list_count(list) != 1) {
		podlife_pod_list_free(list);
		if (err)
			*err = pl_error_new(pl_alloc_default(), PODLIFE_EPARSE,
			                    "snapshot: a pod spec does not parse");
		return PODLIFE_EPARSE;
	}
	podlife_pod *pod = podlife_pod_list_get(list, 0);
	const pl_pod_model *m = pl_pod_model_of(pod);
	const char *jns = jget_str(pj, "namespace"), *jname = jget_str(pj, "name");
	if (pl_eng_find(e, jns ? jns : m->metadata->namespace_, jname ? jname : m->metadata->name)) {
		podlife_pod_list_free(list);
		return PODLIFE_EEXISTS;
	}
	pl_pod *p;
	rc = pl_pod_create(e, pod, jget_str(pj, "namespace"), jget_str(pj, "name"), &p);
	podlife_pod_list_free(list); /* p holds its own reference */
	if (rc)
		return rc;
	json_t *cs = json_object_get(pj, "containers");
	if (!json_is_array(cs) || json_array_size(cs) != p->nc) {
		pl_pod_destroy(e, p);
		return PODLIFE_EPARSE;
	}
	int64_t state = jget_int(pj, "state", 0);
	p->state = state >= 0 && state <= PL_POD_REJECTED ? (uint8_t)state : PL_POD_ACTIVE;
	int64_t sb = jget_int(pj, "sandbox", 0);
	p->sb = sb >= 0 && sb <= PL_SB_STOPPED ? (uint8_t)sb : PL_SB_NONE;
	if (p->sb == PL_SB_CREATING || p->sb == PL_SB_FAILED)
		p->sb = PL_SB_NONE; /* a pending sandbox is asked for again */
	p->sb_attempt = (unsigned int)jget_int(pj, "sandboxAttempt", 0);
	p->flags = (uint16_t)(jget_int(pj, "flags", 0) & ~(PL_PF_QUEUED | PL_PF_UNKNOWN | PL_PF_ADOPT));
	const char *sid = jget_str(pj, "sandboxID");
	p->sandbox_id = sid ? pl_strdup(&e->a, sid) : NULL;
	const char *ip = jget_str(pj, "podIP");
	p->st.pod_ip = ip ? pl_strdup(&e->a, ip) : NULL;
	p->grace_s = jget_int(pj, "graceSeconds", 30);
	p->st.start_time = jget_int(pj, "startTime", PL_NEVER);
	int64_t ph = jget_int(pj, "phase", 0);
	p->last_phase = ph >= 0 && ph <= PL_PHASE_UNKNOWN ? (pl_phase)ph : PL_PHASE_PENDING;
	p->st.phase = p->last_phase;
	p->st.reason = static_reason(jget_str(pj, "reason"));
	const char *msg = jget_str(pj, "message");
	p->st.message = msg ? pl_strdup(&e->a, msg) : NULL;
	p->st.terminating = (p->flags & PL_PF_DELETED) != 0;
	p->st.pod_is_terminal = p->state == PL_POD_DONE;
	for (size_t i = 0; i < p->nc; i++) {
		json_t *cj = json_array_get(cs, i);
		pl_ctr *c = &p->c[i];
		const char *name = jget_str(cj, "name");
		if (!name || !c->spec->name || strcmp(name, c->spec->name) != 0) {
			pl_pod_destroy(e, p);
			return PODLIFE_EPARSE;
		}
		const char *id = jget_str(cj, "id");
		c->rid = id ? pl_strdup(&e->a, id) : NULL;
		int64_t rt = jget_int(cj, "rt", 0);
		c->rt = rt >= 0 && rt <= PL_RT_UNKNOWN ? (uint8_t)rt : PL_RT_NONE;
		c->flags = (uint16_t)jget_int(cj, "flags", 0);
		c->last_exit = (int)jget_int(cj, "lastExit", 0);
		c->finished_at = jget_int(cj, "finishedAt", PL_NEVER);
		c->started_at = jget_int(cj, "startedAt", 0);
		c->crash.delay = jget_int(cj, "crashDelay", 0);
		c->crash.last_update = jget_int(cj, "crashUpdate", 0);
		c->crash_hash = (uint32_t)jget_int(cj, "crashHash", 0);
		c->run_hash = (uint32_t)jget_int(cj, "runHash", 0);
		pl_cstatus *st = c->st;
		st->restart_count = (int)jget_int(cj, "restartCount", 0);
		st->has_status = jget_int(cj, "hasStatus", 0) != 0;
		cstate_load(e, &st->state, json_object_get(cj, "state"));
		cstate_load(e, &st->last_state, json_object_get(cj, "lastState"));
		if (st->last_state.kind == PL_CSTATE_TERMINATED)
			st->last_restart_at = st->last_state.finished_at;
		const char *iid = jget_str(cj, "imageID");
		st->image_id = iid ? pl_strdup(&e->a, iid) : NULL;
		const char *cid = jget_str(cj, "containerID");
		st->container_id = cid ? pl_strdup(&e->a, cid) : NULL;
		st->started = (int)jget_int(cj, "started", -1);
		st->ready = jget_int(cj, "ready", 0) != 0;
		if (c->op != PL_OP_NONE)
			c->op = PL_OP_NONE;
	}
	json_t *ib = json_object_get(pj, "imageBackOff");
	for (size_t i = 0; json_is_array(ib) && i < json_array_size(ib); i++) {
		json_t *t = json_array_get(ib, i);
		pl_img_backoff *b = pl_img_backoff_get(e, p, (uint32_t)json_integer_value(json_array_get(t, 0)),
		                                       true);
		if (b) {
			b->b.delay = json_integer_value(json_array_get(t, 1));
			b->b.last_update = json_integer_value(json_array_get(t, 2));
		}
	}
	/* Whatever ran before is unconfirmed until the backend lists it. */
	bool needs = false;
	for (size_t i = 0; i < p->nc; i++)
		needs = needs || p->c[i].rid;
	if (needs && p->state != PL_POD_DONE && p->state != PL_POD_REJECTED)
		p->flags |= PL_PF_UNKNOWN | PL_PF_ADOPT;
	rc = pl_eng_insert(e, p);
	if (rc) {
		pl_pod_destroy(e, p);
		return rc;
	}
	return PODLIFE_OK;
}

typedef struct adopt_ctx {
	podlife_engine *e;
	uint32_t pass; /* marks containers seen in this listing */
	uint8_t *seen; /* per slot * per container: laid out by slot offset */
} adopt_ctx;

static void adopt_one(void *ud, const podlife_container_entry *en)
{
	adopt_ctx *x = ud;
	podlife_engine *e = x->e;
	if (!en || !en->id || !en->name)
		return;
	pl_pod *p = pl_eng_find(e, en->pod_namespace, en->pod_name);
	if (!p || !(p->flags & PL_PF_ADOPT))
		return;
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (!c->rid || strcmp(c->rid, en->id) != 0)
			continue;
		c->flags |= PL_CF_IMAGE_OK; /* reused as "seen" during adoption */
		uint32_t inst = pl_eng_seq(e);
		c->inst = inst;
		if (e->be.container_adopt)
			e->be.container_adopt(e->be.ud, c->rid, pl_token(p, (unsigned int)i, inst));
		if (en->running == 1 && c->rt == PL_RT_RUNNING) {
			/* adopted as is: no restart, no second start */
		} else if (en->running == 0 && (c->rt == PL_RT_RUNNING || c->rt == PL_RT_CREATED)) {
			podlife_exit ex = PODLIFE_EXIT_INIT;
			ex.exit_code = en->exit_code;
			ex.oom = en->oom;
			ex.finished_at_ms = en->finished_at_ms;
			pl_ctr_exited(e, p, c, &ex);
		}
	}
}

bool pl_try_adopt(podlife_engine *e)
{
	if (!e->be.container_list)
		return false;
	adopt_ctx x = {e, 0, NULL};
	for (size_t s = 0; s < e->n_slots; s++) {
		pl_pod *p = e->pods[s];
		for (size_t i = 0; p && (p->flags & PL_PF_ADOPT) && i < p->nc; i++)
			p->c[i].flags &= (uint16_t)~PL_CF_IMAGE_OK;
	}
	if (e->be.container_list(e->be.ud, adopt_one, &x) != PODLIFE_OK)
		return false;
	e->adopt_pending = false; /* every PL_PF_ADOPT pod is handled below */
	for (size_t s = 0; s < e->n_slots; s++) {
		pl_pod *p = e->pods[s];
		if (!p || !(p->flags & PL_PF_ADOPT))
			continue;
		for (size_t i = 0; i < p->nc; i++) {
			pl_ctr *c = &p->c[i];
			bool seen = (c->flags & PL_CF_IMAGE_OK) != 0;
			c->flags &= (uint16_t)~PL_CF_IMAGE_OK;
			if (seen || !c->rid)
				continue;
			/* The runtime no longer knows it. */
			pl_free(&e->a, c->rid);
			c->rid = NULL;
			if (c->rt == PL_RT_RUNNING || c->rt == PL_RT_CREATED) {
				podlife_exit ex = PODLIFE_EXIT_INIT;
				ex.exit_code = 137;
				ex.reason = "ContainerStatusUnknown";
				ex.message = "The container could not be located when the pod was deleted.  "
				             "The container used to be Running";
				pl_ctr_exited(e, p, c, &ex);
			}
		}
		p->flags &= (uint16_t)~(PL_PF_UNKNOWN | PL_PF_ADOPT);
		if (p->st.reason == known_reasons[19]) {
			p->st.reason = NULL;
			pl_set_msg(&e->a, &p->st.message, NULL);
		}
		pl_eng_sync(e, p);
	}
	return true;
}

/* ---- relist ---------------------------------------------------------------------- */

static const char unknown_msg[] = "The container runtime did not report the pod's containers";

typedef struct relist_ctx {
	podlife_engine *e;
	pl_pod *last;   /* the backend often lists a pod's containers together */
	bool exited;    /* second pass: exited entries */
} relist_ctx;

/*
 * First pass: only entries that run (or are created) are looked up and
 * mark their container seen, so exited entries, most of a crash-looping
 * node's listing, cost no look-up.  Second pass, only when a container
 * the engine believes alive was not seen: the exited entries, whose exit
 * is then handled as a notified one (PLEG: ContainerDied).
 */
static void relist_one(void *ud, const podlife_container_entry *en)
{
	relist_ctx *x = ud;
	podlife_engine *e = x->e;
	if (!en || !en->id || !en->pod_name || (en->running == 0) != x->exited)
		return;
	const char *ns = en->pod_namespace && *en->pod_namespace ? en->pod_namespace : "default";
	pl_pod *p = x->last;
	if (!p || strcmp(p->name, en->pod_name) != 0 || strcmp(p->ns, ns) != 0)
		p = x->last = pl_eng_find(e, ns, en->pod_name);
	if (!p || (p->flags & PL_PF_ADOPT))
		return;
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (!c->rid || strcmp(c->rid, en->id) != 0)
			continue;
		if (!x->exited) {
			c->seen = e->relist_gen;
		} else if (c->seen != e->relist_gen &&
		           (c->rt == PL_RT_RUNNING || c->rt == PL_RT_CREATED)) {
			c->seen = e->relist_gen;
			podlife_exit ex = PODLIFE_EXIT_INIT;
			ex.exit_code = en->exit_code;
			ex.oom = en->oom;
			ex.finished_at_ms = en->finished_at_ms;
			pl_ctr_exited(e, p, c, &ex);
			pl_eng_sync(e, p);
		}
		return;
	}
}

static bool alive_unseen(const podlife_engine *e, const pl_ctr *c)
{
	return c->rid && c->seen != e->relist_gen &&
	       (c->rt == PL_RT_RUNNING || c->rt == PL_RT_CREATED);
}

/* Whether the backend should be able to report something for this pod. */
static bool pod_has_runtime_state(const pl_pod *p)
{
	if (p->state == PL_POD_DONE || p->state == PL_POD_REJECTED)
		return false;
	if (p->sb == PL_SB_READY)
		return true;
	for (size_t i = 0; i < p->nc; i++)
		if (p->c[i].rid)
			return true;
	return false;
}

void pl_relist(podlife_engine *e)
{
	if (!e->be.container_list)
		return;
	bool ok, adopting = e->adopt_pending, judge = true;
	if (adopting) {
		/* restored pods first: they are adopted under new tokens; the
		 * others are checked at the next relist */
		ok = pl_try_adopt(e);
		judge = false;
	} else {
		if (++e->relist_gen == 0)
			e->relist_gen = 1;
		relist_ctx x = {e, NULL, false};
		ok = e->be.container_list(e->be.ud, relist_one, &x) == PODLIFE_OK;
		/* one pass over the pods: anything unseen or Unknown to act on? */
		bool unseen = false, unknown = false;
		for (size_t s = 0; ok && s < e->n_slots && !unseen; s++) {
			const pl_pod *p = e->pods[s];
			if (!p)
				continue;
			unknown = unknown || (p->flags & PL_PF_UNKNOWN);
			for (size_t i = 0; !(p->flags & PL_PF_ADOPT) && i < p->nc && !unseen; i++)
				unseen = alive_unseen(e, &p->c[i]);
		}
		if (ok && !unseen && !unknown)
			return; /* the listing matches what the engine believes */
		if (unseen) {
			x.last = NULL;
			x.exited = true;
			/* if this second call fails, nothing is judged missing now */
			judge = e->be.container_list(e->be.ud, relist_one, &x) == PODLIFE_OK;
		}
	}
	for (size_t s = 0; s < e->n_slots; s++) {
		pl_pod *p = e->pods[s];
		if (!p || (p->flags & PL_PF_ADOPT))
			continue;
		if (!ok) {
			if (!(p->flags & PL_PF_UNKNOWN) && pod_has_runtime_state(p)) {
				p->flags |= PL_PF_UNKNOWN;
				p->st.reason = known_reasons[19];
				pl_set_msg(&e->a, &p->st.message, unknown_msg);
				pl_eng_sync(e, p);
			}
			continue;
		}
		if (!judge)
			continue;
		bool changed = false;
		for (size_t i = 0; i < p->nc; i++) {
			pl_ctr *c = &p->c[i];
			if (!alive_unseen(e, c))
				continue;
			/* The runtime no longer knows it (convertToAPIContainerStatuses). */
			pl_free(&e->a, c->rid);
			c->rid = NULL;
			podlife_exit ex = PODLIFE_EXIT_INIT;
			ex.exit_code = 137;
			ex.reason = "ContainerStatusUnknown";
			ex.message = "The container could not be located when the pod was deleted.  "
			             "The container used to be Running";
			pl_ctr_exited(e, p, c, &ex);
			changed = true;
		}
		if (p->flags & PL_PF_UNKNOWN) {
			p->flags &= (uint16_t)~PL_PF_UNKNOWN;
			if (p->st.reason == known_reasons[19]) {
				p->st.reason = NULL;
				pl_set_msg(&e->a, &p->st.message, NULL);
			}
			changed = true;
		}
		if (changed)
			pl_eng_sync(e, p);
	}
}

int podlife_engine_restore(podlife_engine *e, const char *json, size_t len, podlife_error **err)
{
	if (err)
		*err = NULL;
	if (!e || !json)
		return PODLIFE_EINVAL;
	if (e->count)
		return PODLIFE_ESTATE;
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je);
	if (!root || jget_int(root, "version", 0) != SNAP_VERSION ||
	    !json_is_array(json_object_get(root, "pods"))) {
		if (err)
			*err = pl_error_new(pl_alloc_default(), PODLIFE_EPARSE, "snapshot: %s",
			                    root ? "not a version 1 engine snapshot" : je.text);
		json_decref(root);
		return PODLIFE_EPARSE;
	}
	json_t *pods = json_object_get(root, "pods");
	int rc = PODLIFE_OK;
	for (size_t i = 0; i < json_array_size(pods) && rc == PODLIFE_OK; i++)
		rc = load_pod(e, json_array_get(pods, i), err);
	json_decref(root);
	if (rc) {
		/* all or nothing */
		for (size_t s = 0; s < e->n_slots; s++) {
			if (e->pods[s]) {
				pl_pod *p = e->pods[s];
				podlife_engine_remove_pod(e, p->ns, p->name);
			}
		}
		if (err && !*err)
			*err = pl_error_new(pl_alloc_default(), rc, "snapshot: %s", podlife_strerror(rc));
		return rc;
	}
	pl_eng_now(e);
	e->depth++;
	bool listed = pl_try_adopt(e);
	e->adopt_at = e->now + 10000;
	if (!listed)
		for (size_t s = 0; s < e->n_slots && !e->adopt_pending; s++)
			e->adopt_pending = e->pods[s] && (e->pods[s]->flags & PL_PF_ADOPT);
	for (size_t s = 0; s < e->n_slots; s++) {
		pl_pod *p = e->pods[s];
		if (!p)
			continue;
		if (!listed && (p->flags & PL_PF_ADOPT)) {
			p->st.reason = known_reasons[19];
			pl_set_msg(&e->a, &p->st.message,
			           "The container runtime did not report the pod's containers");
		}
		pl_eng_sync(e, p);
	}
	e->depth--;
	for (size_t s = 0; s < e->n_slots; s++) {
		pl_pod *p = e->pods[s];
		if (p && (p->flags & PL_PF_QUEUED)) {
			p->flags &= (uint16_t)~PL_PF_QUEUED;
			pl_eng_sync(e, p);
		}
	}
	e->n_queue = 0;
	return PODLIFE_OK;
}
