/*
 * lib/engine/status_json.c - the engine's pod status as Kubernetes
 * PodStatus JSON (k8s.io/api/core/v1 types, field order and omitempty
 * rules), the pod's QoS class (GetPodQOS in
 * pkg/apis/core/v1/helper/qos) and the small helpers they need: resource
 * quantities in milli-units and RFC 3339 times.
 */
#include "engine/status.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spec/model.h"
#include "spec/quantity.h"

/* ---- quantities ------------------------------------------------------------ */

bool pl_qty_text_milli(const char *text, int64_t *milli)
{
	/* resource.ParseQuantity and MilliValue, as lib/spec/quantity.c has them */
	pl_quantity q;
	if (!text || !milli || pl_quantity_parse(text, &q, NULL) != PODLIFE_OK)
		return false;
	return pl_quantity_milli(&q, milli);
}

/* ---- QoS class ----------------------------------------------------------------- */

typedef struct qos_sum {
	bool req_set[2], lim_set[2];
	int64_t req[2], lim[2]; /* cpu, memory */
} qos_sum;

static int qos_resource(const char *name)
{
	if (pl_streq(name, "cpu"))
		return 0;
	if (pl_streq(name, "memory"))
		return 1;
	return -1;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	return a + b;
}

/* Adds a container's positive cpu/memory quantities; returns whether it
 * has positive limits for both (qosLimitsFound). */
static bool qos_add(qos_sum *s, const pl_container *c)
{
	bool found[2] = {false, false};
	if (!c || !c->resources)
		return false;
	const pl_map *maps[2] = {&c->resources->requests, &c->resources->limits};
	for (int m = 0; m < 2; m++) {
		for (size_t i = 0; i < maps[m]->n; i++) {
			int r = qos_resource(maps[m]->v[i].key);
			int64_t v;
			if (r < 0 || !pl_qty_text_milli(maps[m]->v[i].value, &v) || v <= 0)
				continue;
			if (m == 0) {
				s->req[r] = s->req_set[r] ? sat_add(s->req[r], v) : v;
				s->req_set[r] = true;
			} else {
				s->lim[r] = s->lim_set[r] ? sat_add(s->lim[r], v) : v;
				s->lim_set[r] = true;
				found[r] = true;
			}
		}
	}
	return found[0] && found[1];
}

const char *pl_pod_qos_class(const struct pl_pod_spec *spec)
{
	if (!spec)
		return "BestEffort";
	qos_sum s;
	memset(&s, 0, sizeof(s));
	bool guaranteed = true;
	for (size_t i = 0; i < spec->containers.n; i++)
		if (!qos_add(&s, PL_ITEM(spec->containers, pl_container, i)))
			guaranteed = false;
	for (size_t i = 0; i < spec->init_containers.n; i++)
		if (!qos_add(&s, PL_ITEM(spec->init_containers, pl_container, i)))
			guaranteed = false;
	int n_req = s.req_set[0] + s.req_set[1], n_lim = s.lim_set[0] + s.lim_set[1];
	if (n_req == 0 && n_lim == 0)
		return "BestEffort";
	if (guaranteed) {
		for (int r = 0; r < 2; r++)
			if (s.req_set[r] && (!s.lim_set[r] || s.lim[r] != s.req[r]))
				guaranteed = false;
	}
	if (guaranteed && n_req == n_lim)
		return "Guaranteed";
	return "Burstable";
}

/* ---- times --------------------------------------------------------------------- */

bool pl_format_rfc3339(pl_ms engine_ms, pl_ms wall_offset_ms, char *buf, size_t len)
{
	if (!buf || len == 0)
		return false;
	buf[0] = '\0';
	if (engine_ms == PL_NEVER)
		return false;
	if ((wall_offset_ms > 0 && engine_ms > INT64_MAX - wall_offset_ms) ||
	    (wall_offset_ms < 0 && engine_ms < INT64_MIN - wall_offset_ms))
		return false;
	pl_ms wall = engine_ms + wall_offset_ms;
	int64_t sec = wall / 1000;
	if (wall % 1000 < 0)
		sec--;
	/* Years 0001..9999, as RFC 3339 allows. */
	if (sec < -62135596800LL || sec > 253402300799LL)
		return false;
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return false;
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return n > 0;
}

/* ---- JSON ----------------------------------------------------------------------- */

/* Builder with a sticky failure flag, so every set is checked once. */
typedef struct jb {
	bool oom;
	pl_ms off;
} jb;

static void jset(jb *b, json_t *obj, const char *key, json_t *val)
{
	if (!val || json_object_set_new(obj, key, val) != 0)
		b->oom = true;
}

static json_t *jstr(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *jtime(jb *b, pl_ms t)
{
	char buf[40];
	if (t == PL_NEVER || !pl_format_rfc3339(t, b->off, buf, sizeof(buf)))
		return json_null();
	return json_string(buf);
}

/* ContainerState: {} or one of waiting / running / terminated. */
static json_t *state_json(jb *b, const pl_cstate *s)
{
	json_t *o = json_object();
	if (!o) {
		b->oom = true;
		return NULL;
	}
	json_t *in;
	switch (s->kind) {
	case PL_CSTATE_WAITING:
		in = json_object();
		if (in) {
			if (s->reason && *s->reason)
				jset(b, in, "reason", jstr(s->reason));
			if (s->message && *s->message)
				jset(b, in, "message", jstr(s->message));
		}
		jset(b, o, "waiting", in);
		break;
	case PL_CSTATE_RUNNING:
		in = json_object();
		if (in)
			jset(b, in, "startedAt", jtime(b, s->started_at));
		jset(b, o, "running", in);
		break;
	case PL_CSTATE_TERMINATED:
		in = json_object();
		if (in) {
			jset(b, in, "exitCode", json_integer(s->exit_code));
			if (s->signal)
				jset(b, in, "signal", json_integer(s->signal));
			if (s->reason && *s->reason)
				jset(b, in, "reason", jstr(s->reason));
			if (s->message && *s->message)
				jset(b, in, "message", jstr(s->message));
			jset(b, in, "startedAt", jtime(b, s->started_at));
			jset(b, in, "finishedAt", jtime(b, s->finished_at));
			if (s->container_id && *s->container_id)
				jset(b, in, "containerID", jstr(s->container_id));
		}
		jset(b, o, "terminated", in);
		break;
	case PL_CSTATE_NONE:
		break;
	}
	return o;
}

static json_t *cstatus_json(jb *b, const pl_cstatus *c)
{
	json_t *o = json_object();
	if (!o) {
		b->oom = true;
		return NULL;
	}
	jset(b, o, "name", jstr(c->name));
	jset(b, o, "state", state_json(b, &c->state));
	jset(b, o, "lastState", state_json(b, &c->last_state));
	jset(b, o, "ready", json_boolean(pl_cstatus_ready(c)));
	jset(b, o, "restartCount", json_integer(c->restart_count));
	jset(b, o, "image", jstr(c->image));
	jset(b, o, "imageID", jstr(c->image_id));
	if (c->container_id && *c->container_id)
		jset(b, o, "containerID", jstr(c->container_id));
	if (c->started >= 0)
		jset(b, o, "started", json_boolean(c->started == 1));
	return o;
}

static json_t *ip_list(jb *b, const char *ip)
{
	json_t *a = json_array(), *e = json_object();
	if (!a || !e) {
		json_decref(a);
		json_decref(e);
		b->oom = true;
		return NULL;
	}
	jset(b, e, "ip", jstr(ip));
	if (json_array_append_new(a, e) != 0)
		b->oom = true;
	return a;
}

static int name_order(const pl_cstatus *a, const pl_cstatus *b)
{
	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

int pl_status_to_json(const pl_status_view *v, json_t **out)
{
	if (!v || !v->st || !out)
		return PODLIFE_EINVAL;
	const pl_pod_status *st = v->st;
	jb b = {false, v->wall_offset_ms};
	json_t *o = json_object();
	if (!o)
		return PODLIFE_ENOMEM;

	jset(&b, o, "phase", jstr(pl_phase_name(st->phase)));

	json_t *conds = json_array();
	if (!conds)
		b.oom = true;
	for (int t = 0; conds && t < PL_COND_COUNT; t++) {
		const pl_condition *c = &st->conditions[t];
		if (!c->present)
			continue;
		json_t *co = json_object();
		if (!co) {
			b.oom = true;
			break;
		}
		jset(&b, co, "type", jstr(pl_cond_name((pl_cond_type)t)));
		jset(&b, co, "status", jstr(c->status ? "True" : "False"));
		jset(&b, co, "lastProbeTime", json_null());
		jset(&b, co, "lastTransitionTime", jtime(&b, c->last_transition));
		if (c->reason && *c->reason)
			jset(&b, co, "reason", jstr(c->reason));
		if (c->message && *c->message)
			jset(&b, co, "message", jstr(c->message));
		if (json_array_append_new(conds, co) != 0)
			b.oom = true;
	}
	if (conds && json_array_size(conds) > 0)
		jset(&b, o, "conditions", conds);
	else
		json_decref(conds);

	if (st->message && *st->message)
		jset(&b, o, "message", jstr(st->message));
	if (st->reason && *st->reason)
		jset(&b, o, "reason", jstr(st->reason));
	if (v->host_ip && *v->host_ip) {
		jset(&b, o, "hostIP", jstr(v->host_ip));
		jset(&b, o, "hostIPs", ip_list(&b, v->host_ip));
	}
	if (st->pod_ip && *st->pod_ip) {
		jset(&b, o, "podIP", jstr(st->pod_ip));
		jset(&b, o, "podIPs", ip_list(&b, st->pod_ip));
	}
	if (st->start_time != PL_NEVER)
		jset(&b, o, "startTime", jtime(&b, st->start_time));

	size_t n_init = 0;
	for (size_t i = 0; i < st->n_init; i++)
		n_init += st->init[i].has_status;
	if (n_init > 0) {
		json_t *a = json_array();
		for (size_t i = 0; a && i < st->n_init; i++) {
			if (!st->init[i].has_status)
				continue;
			json_t *e = cstatus_json(&b, &st->init[i]);
			if (!e || json_array_append_new(a, e) != 0)
				b.oom = true;
		}
		jset(&b, o, "initContainerStatuses", a);
	}

	size_t n_reg = 0;
	for (size_t i = 0; i < st->n_regular; i++)
		n_reg += st->regular[i].has_status;
	if (n_reg > 0) {
		json_t *a = json_array();
		/* Name order without allocating: each step takes the least
		 * entry above the previous one (names are unique in a pod). */
		const pl_cstatus *prev = NULL;
		for (size_t k = 0; a && k < n_reg; k++) {
			const pl_cstatus *pick = NULL;
			for (size_t i = 0; i < st->n_regular; i++) {
				const pl_cstatus *c = &st->regular[i];
				if (!c->has_status || c == prev)
					continue;
				if (prev && name_order(c, prev) <= 0)
					continue;
				if (!pick || name_order(c, pick) < 0)
					pick = c;
			}
			if (!pick)
				break;
			prev = pick;
			json_t *e = cstatus_json(&b, pick);
			if (!e || json_array_append_new(a, e) != 0)
				b.oom = true;
		}
		jset(&b, o, "containerStatuses", a);
	}

	if (v->model && v->model->spec)
		jset(&b, o, "qosClass", jstr(pl_pod_qos_class(v->model->spec)));

	if (b.oom) {
		json_decref(o);
		return PODLIFE_ENOMEM;
	}
	*out = o;
	return PODLIFE_OK;
}

int pl_status_to_json_text(const pl_status_view *v, const pl_alloc *a, char **out)
{
	if (!v || !out)
		return PODLIFE_EINVAL;
	if (!a)
		a = pl_alloc_default();
	json_t *j;
	int rc = pl_status_to_json(v, &j);
	if (rc != PODLIFE_OK)
		return rc;
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return PODLIFE_ENOMEM;
	char *copy = pl_strdup(a, s);
	json_malloc_t jm;
	json_free_t jf;
	json_get_alloc_funcs(&jm, &jf);
	(jf ? jf : free)(s);
	if (!copy)
		return PODLIFE_ENOMEM;
	*out = copy;
	return PODLIFE_OK;
}
