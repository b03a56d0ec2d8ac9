/*
 * lib/engine/engine.c - the engine object: configuration, the pod table
 * (slots plus a hash index on "namespace/name"), the public pod calls,
 * notification entry points, timers and the blocking run loop.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "events.h"

#define PL_TOMBSTONE UINT32_MAX

/* ---- small helpers -------------------------------------------------------- */

pl_ms pl_eng_now(podlife_engine *e)
{
	if (e->clock && e->clock->now_ms) {
		pl_ms t = e->clock->now_ms(e->clock->ud);
		if (t > e->now)
			e->now = t;
	}
	return e->now;
}

uint32_t pl_eng_seq(podlife_engine *e)
{
	e->seq = (e->seq + 1) & 0xffffffu;
	if (e->seq == 0)
		e->seq = 1;
	return e->seq;
}

uint64_t pl_token(const pl_pod *p, unsigned int cidx, uint32_t seq)
{
	return ((uint64_t)(p->slot + 1) << 32) | ((uint64_t)(cidx & 0xffu) << 24) |
	       (seq & 0xffffffu);
}

static pl_pod *token_pod(podlife_engine *e, uint64_t tok, unsigned int *cidx, uint32_t *seq)
{
	uint64_t s = tok >> 32;
	if (s == 0 || s > e->n_slots)
		return NULL;
	*cidx = (unsigned int)((tok >> 24) & 0xffu);
	*seq = (uint32_t)(tok & 0xffffffu);
	return e->pods[s - 1];
}

pl_ms pl_wall_offset(podlife_engine *e)
{
	if (e->clock->wall_ms)
		return e->clock->wall_ms(e->clock->ud) - e->clock->now_ms(e->clock->ud);
	return podlife_clock_real()->wall_ms(NULL) - podlife_clock_real()->now_ms(NULL);
}

void pl_emit(podlife_engine *e, pl_pod *p, const pl_ctr *c, bool warning, const char *reason,
             const char *fmt, ...)
{
	bool keep = (e->flags & PODLIFE_ENGINE_KEEP_EVENTS) != 0;
	if (!e->on_event && !keep)
		return;
	char msg[1024], path[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c)
		snprintf(path, sizeof path, "spec.%s{%s}",
		         c->kind == PL_CKIND_REGULAR ? "containers" : "initContainers",
		         c->spec->name ? c->spec->name : "");
	if (keep) {
		if (!p->events) {
			p->events = pl_malloc(&e->a, sizeof *p->events);
			if (p->events)
				pl_event_log_init(p->events, &e->a, 0);
		}
		if (p->events)
			pl_event_log_record(p->events, warning ? PL_EVENT_WARNING : PL_EVENT_NORMAL, reason,
			                    msg, c ? path : NULL, e->now);
	}
	if (!e->on_event)
		return;
	podlife_event ev;
	memset(&ev, 0, sizeof ev);
	ev.version = PODLIFE_EVENT_VERSION;
	ev.time_ms = e->now;
	ev.type = warning ? "Warning" : "Normal";
	ev.reason = reason;
	ev.message = msg;
	ev.pod_namespace = p->ns;
	ev.pod_name = p->name;
	if (c) {
		ev.container = c->spec->name;
		ev.field_path = path;
	}
	e->on_event(e->event_ud, &ev);
}

/* ---- hash index -------------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static const char *ns_or_default(const char *ns)
{
	return ns && *ns ? ns : "default";
}

static bool key_eq(const pl_pod *p, const char *ns, const char *name)
{
	return strcmp(p->ns, ns) == 0 && strcmp(p->name, name) == 0;
}

static uint64_t key_hash(const char *ns, const char *name)
{
	return hash_str(ns) * 31 + hash_str(name);
}

static int ht_grow(podlife_engine *e)
{
	size_t cap = e->ht_cap ? e->ht_cap * 2 : 64;
	uint32_t *ht = pl_calloc(&e->a, cap, sizeof *ht);
	if (!ht)
		return PODLIFE_ENOMEM;
	for (size_t i = 0; i < e->ht_cap; i++) {
		uint32_t v = e->ht[i];
		if (v == 0 || v == PL_TOMBSTONE)
			continue;
		pl_pod *p = e->pods[v - 1];
		size_t j = key_hash(p->ns, p->name) & (cap - 1);
		while (ht[j])
			j = (j + 1) & (cap - 1);
		ht[j] = v;
	}
	pl_free(&e->a, e->ht);
	e->ht = ht;
	e->ht_cap = cap;
	e->ht_used = e->count;
	return PODLIFE_OK;
}

pl_pod *pl_eng_find(const podlife_engine *e, const char *ns, const char *name)
{
	if (!e->ht_cap || !name)
		return NULL;
	ns = ns_or_default(ns);
	size_t j = key_hash(ns, name) & (e->ht_cap - 1);
	while (e->ht[j]) {
		uint32_t v = e->ht[j];
		if (v != PL_TOMBSTONE && key_eq(e->pods[v - 1], ns, name))
			return e->pods[v - 1];
		j = (j + 1) & (e->ht_cap - 1);
	}
	return NULL;
}

static void ht_remove(podlife_engine *e, const pl_pod *p)
{
	size_t j = key_hash(p->ns, p->name) & (e->ht_cap - 1);
	while (e->ht[j]) {
		if (e->ht[j] == p->slot + 1) {
			e->ht[j] = PL_TOMBSTONE;
			return;
		}
		j = (j + 1) & (e->ht_cap - 1);
	}
}

static void eng_unlink(podlife_engine *e, pl_pod *p);

int pl_eng_insert(podlife_engine *e, pl_pod *p)
{
	if ((e->ht_used + 1) * 2 > e->ht_cap && ht_grow(e))
		return PODLIFE_ENOMEM;
	uint32_t slot;
	if (e->n_free) {
		slot = e->free_slots[--e->n_free];
	} else {
		if (e->n_slots == e->cap_slots) {
			size_t cap = e->cap_slots ? e->cap_slots * 2 : 16;
			pl_pod **v = pl_realloc(&e->a, e->pods, cap * sizeof *v);
			if (!v)
				return PODLIFE_ENOMEM;
			e->pods = v;
			uint32_t *f = pl_realloc(&e->a, e->free_slots, cap * sizeof *f);
			if (!f)
				return PODLIFE_ENOMEM;
			e->free_slots = f;
			e->cap_slots = cap;
		}
		slot = (uint32_t)e->n_slots++;
	}
	p->slot = slot;
	p->wake.owner = slot;
	e->pods[slot] = p;
	size_t j = key_hash(p->ns, p->name) & (e->ht_cap - 1);
	while (e->ht[j] && e->ht[j] != PL_TOMBSTONE)
		j = (j + 1) & (e->ht_cap - 1);
	if (e->ht[j] == 0)
		e->ht_used++;
	e->ht[j] = slot + 1;
	e->count++;
	if (e->relist_period && e->relist.deadline == PL_NEVER &&
	    pl_heap_arm(&e->heap, &e->relist, e->now + e->relist_period)) {
		eng_unlink(e, p);
		return PODLIFE_ENOMEM;
	}
	return PODLIFE_OK;
}

static void eng_unlink(podlife_engine *e, pl_pod *p)
{
	ht_remove(e, p);
	pl_heap_disarm(&e->heap, &p->wake);
	e->pods[p->slot] = NULL;
	e->free_slots[e->n_free++] = p->slot;
	e->count--;
}

/* ---- pod records ------------------------------------------------------------ */

const char *pl_default_waiting(const pl_pod *p)
{
	return p->st.n_init ? "PodInitializing" : "ContainerCreating";
}

static void cstatus_free(const pl_alloc *a, pl_cstatus *s)
{
	pl_cstate_clear(a, &s->state);
	pl_cstate_clear(a, &s->last_state);
	pl_free(a, s->container_id);
	pl_free(a, s->image_id);
}

void pl_pod_destroy(podlife_engine *e, pl_pod *p)
{
	if (!p)
		return;
	const pl_alloc *a = &e->a;
	pl_probes_destroy(e, p);
	for (size_t i = 0; i < p->nc; i++)
		pl_free(a, p->c[i].rid);
	for (size_t i = 0; i < p->st.n_init; i++)
		cstatus_free(a, &p->st.init[i]);
	for (size_t i = 0; i < p->st.n_regular; i++)
		cstatus_free(a, &p->st.regular[i]);
	for (int i = 0; i < PL_COND_COUNT; i++)
		pl_free(a, p->st.conditions[i].message);
	pl_free(a, p->st.message);
	pl_free(a, p->st.pod_ip);
	pl_free(a, p->st.init);
	pl_free(a, p->st.regular);
	pl_free(a, p->c);
	pl_free(a, p->imgb);
	for (size_t i = 0; i < p->n_garbage; i++)
		pl_free(a, p->garbage[i]);
	pl_free(a, p->garbage);
	pl_free(a, p->sandbox_id);
	pl_free(a, p->netns);
	pl_free(a, p->key);
	if (p->events) {
		pl_event_log_free(p->events);
		pl_free(a, p->events);
	}
	podlife_pod_release(p->pod);
	pl_free(a, p);
}

static bool is_sidecar(const pl_container *c)
{
	return c->restart_policy && strcmp(c->restart_policy, "Always") == 0;
}

/* Points the container records at the spec of p->m (after create/update). */
void pl_pod_bind_spec(pl_pod *p)
{
	const pl_pod_spec *s = p->m->spec;
	size_t ni = s->init_containers.n;
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		bool init = i < ni;
		c->spec = init ? PL_ITEM(s->init_containers, pl_container, i)
		               : PL_ITEM(s->containers, pl_container, i - ni);
		c->st = init ? &p->st.init[i] : &p->st.regular[i - ni];
		c->st->name = c->spec->name;
		c->st->image = c->spec->image;
	}
	p->st.restart_policy = s->restart_policy ? s->restart_policy : "Always";
	/* A pod added under another name than its spec's gets its own UID. */
	bool has_uid = p->m->metadata->uid && *p->m->metadata->uid &&
	               pl_streq(p->name, p->m->metadata->name);
	p->uid = has_uid ? p->m->metadata->uid : p->uid_buf;
	if (!has_uid) {
		/* Like a static pod's UID: derived from what names the pod. */
		uint64_t a = hash_str(p->ns) * 31 + hash_str(p->name), b = hash_str(p->name) ^ (a >> 7);
		snprintf(p->uid_buf, sizeof p->uid_buf, "%08x-%04x-%04x-%04x-%012llx",
		         (unsigned int)(a >> 32), (unsigned int)(a >> 16) & 0xffffu,
		         ((unsigned int)a & 0x0fffu) | 0x4000u, ((unsigned int)(b >> 48) & 0x3fffu) | 0x8000u,
		         (unsigned long long)(b & 0xffffffffffffull));
	}
	p->st.n_readiness_gates = 0;
	p->st.readiness_gates = NULL;
}

int pl_pod_create(podlife_engine *e, podlife_pod *pod, const char *ns, const char *name,
                  pl_pod **out)
{
	const pl_pod_model *m = pl_pod_model_of(pod);
	if (!m || !m->spec || !m->metadata || (!m->metadata->name && !name))
		return PODLIFE_EINVAL;
	const pl_pod_spec *s = m->spec;
	size_t ni = s->init_containers.n, nr = s->containers.n;
	if (nr == 0 || ni + nr > 250)
		return PODLIFE_EINVAL;
	const pl_alloc *a = &e->a;
	pl_pod *p = pl_calloc(a, 1, sizeof *p);
	if (!p)
		return PODLIFE_ENOMEM;
	p->nc = ni + nr;
	p->c = pl_calloc(a, p->nc, sizeof *p->c);
	p->st.init = ni ? pl_calloc(a, ni, sizeof *p->st.init) : NULL;
	p->st.regular = pl_calloc(a, nr, sizeof *p->st.regular);
	const char *pns = ns_or_default(ns ? ns : m->metadata->namespace_);
	const char *pname = name ? name : m->metadata->name;
	size_t nsl = strlen(pns), kl = nsl + strlen(pname) + 2;
	p->key = pl_malloc(a, kl);
	if (!p->c || (ni && !p->st.init) || !p->st.regular || !p->key) {
		pl_free(a, p->c);
		pl_free(a, p->st.init);
		pl_free(a, p->st.regular);
		pl_free(a, p->key);
		pl_free(a, p);
		return PODLIFE_ENOMEM;
	}
	memcpy(p->key, pns, nsl + 1);
	memcpy(p->key + nsl + 1, pname, kl - nsl - 1);
	p->ns = p->key;
	p->name = p->key + nsl + 1;
	p->pod = podlife_pod_retain(pod);
	p->m = m;
	p->st.n_init = ni;
	p->st.n_regular = nr;
	p->st.phase = PL_PHASE_PENDING;
	p->st.start_time = PL_NEVER;
	p->last_phase = PL_PHASE_PENDING;
	pl_timer_init(&p->wake, PL_TIMER_POD, 0);
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		bool init = i < ni;
		const pl_container *cs = init ? PL_ITEM(s->init_containers, pl_container, i)
		                              : PL_ITEM(s->containers, pl_container, i - ni);
		c->index = (uint16_t)(init ? i : i - ni);
		c->kind = !init ? PL_CKIND_REGULAR : is_sidecar(cs) ? PL_CKIND_SIDECAR : PL_CKIND_INIT;
		c->finished_at = PL_NEVER;
		c->wake = PL_NEVER;
		c->op_deadline = PL_NEVER;
		pl_cstatus *st = init ? &p->st.init[i] : &p->st.regular[i - ni];
		st->kind = (pl_ckind)c->kind;
		st->started = -1;
		st->last_restart_at = PL_NEVER;
	}
	pl_pod_bind_spec(p);
	if (pl_probes_create(e, p)) {
		pl_pod_destroy(e, p);
		return PODLIFE_ENOMEM;
	}
	*out = p;
	return PODLIFE_OK;
}

/* ---- engine ------------------------------------------------------------------ */

static char *dup_or(const pl_alloc *a, const char *s, const char *dflt)
{
	return pl_strdup(a, s ? s : dflt);
}

int podlife_engine_new(const podlife_engine_config *cfg, podlife_engine **out)
{
	if (!cfg || !out)
		return PODLIFE_EINVAL;
	if (cfg->version < 1 || cfg->version > PODLIFE_ENGINE_CONFIG_VERSION)
		return PODLIFE_EVERSION;
	/* fields of version 2 */
	int64_t relist = cfg->version >= 2 ? cfg->relist_period_ms : 1000;
	if (relist < 0)
		return PODLIFE_EINVAL;
	if (!cfg->backend)
		return PODLIFE_EINVAL;
	if (cfg->backend->version < 1 || cfg->backend->version > PODLIFE_BACKEND_VERSION)
		return PODLIFE_EVERSION;
	if (cfg->clock && (cfg->clock->version != PODLIFE_CLOCK_VERSION || !cfg->clock->now_ms))
		return cfg->clock->version != PODLIFE_CLOCK_VERSION ? PODLIFE_EVERSION : PODLIFE_EINVAL;
	if (cfg->n_node_labels && !cfg->node_labels)
		return PODLIFE_EINVAL;
	/* fields of version 3 */
	const podlife_probe_backend *pb = cfg->version >= 3 ? cfg->probes : NULL;
	if (pb && (pb->version < 1 || pb->version > PODLIFE_PROBE_BACKEND_VERSION))
		return PODLIFE_EVERSION;
	pl_alloc a;
	int rc = pl_alloc_resolve(&a, cfg->allocator);
	if (rc)
		return rc;
	podlife_engine *e = pl_calloc(&a, 1, sizeof *e);
	if (!e)
		return PODLIFE_ENOMEM;
	e->a = a;
	e->heap.a = &e->a;
	/* Version 1 is the only layout so far: copy it whole.  Later versions
	 * copy the slots their version has and leave the rest NULL. */
	e->be = *cfg->backend;
	if (pb)
		e->pb = *pb; /* version 1 is the only layout so far */
	e->clock = cfg->clock ? cfg->clock : podlife_clock_real();
	e->on_event = cfg->on_event;
	e->event_ud = cfg->event_ud;
	e->on_changed = cfg->on_pod_changed;
	e->changed_ud = cfg->changed_ud;
	e->node_name = dup_or(&e->a, cfg->node_name, "node");
	e->crash_max = cfg->crashloop_max_ms > 0 ? cfg->crashloop_max_ms : 300000;
	e->crash_initial = cfg->crashloop_initial_ms > 0 ? cfg->crashloop_initial_ms : 10000;
	if (e->crash_initial > e->crash_max)
		e->crash_initial = e->crash_max;
	e->img_max = cfg->image_backoff_max_ms > 0 ? cfg->image_backoff_max_ms : 300000;
	e->img_initial = cfg->image_backoff_initial_ms > 0 ? cfg->image_backoff_initial_ms : 10000;
	if (e->img_initial > e->img_max)
		e->img_initial = e->img_max;
	e->pss = cfg->pod_security;
	e->node_keyring = cfg->node_keyring;
	e->flags = cfg->flags;
	bool oom = !e->node_name;
	if (cfg->n_node_labels) {
		e->labels = pl_calloc(&e->a, 2 * cfg->n_node_labels, sizeof *e->labels);
		oom = oom || !e->labels;
		for (size_t i = 0; !oom && i < 2 * cfg->n_node_labels; i++) {
			e->labels[i] = dup_or(&e->a, cfg->node_labels[i], "");
			oom = !e->labels[i];
			e->n_labels = (i + 2) / 2;
		}
	}
	if (oom) {
		podlife_engine_free(e);
		return PODLIFE_ENOMEM;
	}
	e->n_labels = cfg->n_node_labels;
	e->now = e->clock->now_ms(e->clock->ud);
	pl_timer_init(&e->relist, PL_TIMER_RELIST, 0);
	e->relist_gen = 1;
	if (e->be.container_list)
		e->relist_period = relist; /* armed while the engine has pods */
	*out = e;
	return PODLIFE_OK;
}

void podlife_engine_free(podlife_engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_slots; i++)
		pl_pod_destroy(e, e->pods[i]);
	for (size_t i = 0; i < 2 * e->n_labels; i++)
		pl_free(&e->a, e->labels ? e->labels[i] : NULL);
	for (size_t i = 0; i < e->n_secrets; i++) {
		pl_free(&e->a, e->secrets[i].name);
		podlife_keyring_free(e->secrets[i].kr);
	}
	pl_free(&e->a, e->secrets);
	pl_presets_free(e);
	pl_free(&e->a, e->labels);
	pl_free(&e->a, e->node_name);
	pl_free(&e->a, e->pods);
	pl_free(&e->a, e->free_slots);
	pl_free(&e->a, e->ht);
	pl_free(&e->a, e->queue);
	pl_free(&e->a, e->scratch);
	pl_heap_free(&e->heap);
	pl_http_free(e);
	pl_alloc a = e->a;
	pl_free(&a, e);
}

int podlife_engine_add_pull_secret(podlife_engine *e, const char *data, size_t len)
{
	if (!e || !data)
		return PODLIFE_EINVAL;
	podlife_keyring *kr = NULL;
	podlife_allocator al = {PODLIFE_ALLOCATOR_VERSION, e->a.malloc, e->a.realloc, e->a.free,
	                        e->a.ud};
	int rc = podlife_keyring_new(&al, &kr);
	if (rc)
		return rc;
	char *name = NULL;
	rc = podlife_keyring_add_secret(kr, data, len, &name, NULL);
	if (rc || !name) {
		podlife_free(name);
		podlife_keyring_free(kr);
		return rc ? rc : PODLIFE_EINVAL;
	}
	for (size_t i = 0; i < e->n_secrets; i++) {
		if (strcmp(e->secrets[i].name, name) == 0) {
			podlife_keyring_free(e->secrets[i].kr);
			e->secrets[i].kr = kr;
			podlife_free(name);
			return PODLIFE_OK;
		}
	}
	pl_secret *v = pl_realloc(&e->a, e->secrets, (e->n_secrets + 1) * sizeof *v);
	char *own = pl_strdup(&e->a, name);
	podlife_free(name);
	if (!v || !own) {
		if (v)
			e->secrets = v;
		pl_free(&e->a, own);
		podlife_keyring_free(kr);
		return PODLIFE_ENOMEM;
	}
	e->secrets = v;
	e->secrets[e->n_secrets].name = own;
	e->secrets[e->n_secrets].kr = kr;
	e->n_secrets++;
	return PODLIFE_OK;
}

/* ---- syncing ----------------------------------------------------------------- */

static void drain(podlife_engine *e)
{
	while (e->n_queue) {
		uint32_t slot = e->queue[0];
		memmove(e->queue, e->queue + 1, (e->n_queue - 1) * sizeof *e->queue);
		e->n_queue--;
		pl_pod *p = slot < e->n_slots ? e->pods[slot] : NULL;
		if (p && (p->flags & PL_PF_QUEUED)) {
			p->flags &= (uint16_t)~PL_PF_QUEUED;
			pl_pod_sync(e, p);
		}
	}
}

void pl_eng_drain(podlife_engine *e)
{
	if (e->depth > 0 || !e->n_queue)
		return;
	e->depth++;
	drain(e);
	e->depth--;
}

void pl_eng_sync(podlife_engine *e, pl_pod *p)
{
	if (e->depth > 0) {
		if (p->flags & PL_PF_QUEUED)
			return;
		if (e->n_queue == e->cap_queue) {
			size_t cap = e->cap_queue ? e->cap_queue * 2 : 16;
			uint32_t *q = pl_realloc(&e->a, e->queue, cap * sizeof *q);
			if (!q) {
				/* Sync later through the timer instead. */
				pl_heap_arm(&e->heap, &p->wake, e->now);
				return;
			}
			e->queue = q;
			e->cap_queue = cap;
		}
		p->flags |= PL_PF_QUEUED;
		e->queue[e->n_queue++] = p->slot;
		return;
	}
	e->depth++;
	pl_pod_sync(e, p);
	drain(e);
	e->depth--;
}

/* ---- public pod calls ---------------------------------------------------------- */

int podlife_engine_add_pod(podlife_engine *e, podlife_pod *pod)
{
	return podlife_engine_add_pod_named(e, pod, NULL, NULL);
}

int podlife_engine_add_pod_named(podlife_engine *e, podlife_pod *pod, const char *ns,
                                 const char *name)
{
	if (!e || !pod)
		return PODLIFE_EINVAL;
	const pl_pod_model *m = pl_pod_model_of(pod);
	if (!m || !m->metadata || (!m->metadata->name && !name) || (name && !*name))
		return PODLIFE_EINVAL;
	if (pl_eng_find(e, ns ? ns : m->metadata->namespace_, name ? name : m->metadata->name))
		return PODLIFE_EEXISTS;
	pl_eng_now(e);
	podlife_pod *use = NULL;
	char conflict[1024];
	int rc = pl_apply_presets(e, pod, ns, &use, conflict, sizeof conflict);
	if (rc)
		return rc;
	pl_pod *p;
	rc = pl_pod_create(e, use, ns, name, &p);
	podlife_pod_release(use); /* p holds its own reference */
	if (rc)
		return rc;
	rc = pl_eng_insert(e, p);
	if (rc) {
		pl_pod_destroy(e, p);
		return rc;
	}
	if (conflict[0])
		pl_emit(e, p, NULL, true, "PodPresetConflict", "%s", conflict);
	int adm = pl_admit(e, p);
	if (adm < 0) {
		eng_unlink(e, p);
		pl_pod_destroy(e, p);
		return PODLIFE_ENOMEM;
	}
	if (adm) {
		p->state = PL_POD_REJECTED;
		p->st.phase = PL_PHASE_FAILED;
		p->last_phase = PL_PHASE_FAILED;
		pl_pod_sync(e, p); /* publishes the status */
		return PODLIFE_OK;
	}
	p->st.start_time = e->now;
	for (size_t i = 0; i < p->nc; i++) {
		p->c[i].st->has_status = true;
		pl_cstate_waiting(&e->a, &p->c[i].st->state, pl_default_waiting(p), NULL);
	}
	pl_eng_sync(e, p);
	return PODLIFE_OK;
}

int podlife_engine_delete_pod(podlife_engine *e, const char *ns, const char *name, int64_t grace_s)
{
	if (!e || !name)
		return PODLIFE_EINVAL;
	pl_pod *p = pl_eng_find(e, ns, name);
	if (!p)
		return PODLIFE_ENOTFOUND;
	pl_eng_now(e);
	if (p->state == PL_POD_DONE || p->state == PL_POD_REJECTED) {
		p->flags |= PL_PF_DELETED;
		p->st.terminating = true;
		return PODLIFE_OK;
	}
	int64_t g = grace_s >= 0 ? grace_s : pl_pod_grace(p);
	if (g < 1)
		g = 1; /* calculateEffectiveGracePeriod: at least 1 */
	p->flags |= PL_PF_DELETED;
	p->st.terminating = true;
	pl_begin_termination(e, p, g);
	pl_eng_sync(e, p);
	return PODLIFE_OK;
}

int podlife_engine_remove_pod(podlife_engine *e, const char *ns, const char *name)
{
	if (!e || !name)
		return PODLIFE_EINVAL;
	pl_pod *p = pl_eng_find(e, ns, name);
	if (!p)
		return PODLIFE_ENOTFOUND;
	eng_unlink(e, p);
	pl_pod_destroy(e, p);
	return PODLIFE_OK;
}

size_t podlife_engine_pod_count(const podlife_engine *e)
{
	return e ? e->count : 0;
}

/* ---- status queries ------------------------------------------------------------ */

int podlife_engine_pod_info(podlife_engine *e, const char *ns, const char *name,
                            podlife_pod_info *out)
{
	if (!e || !name || !out)
		return PODLIFE_EINVAL;
	if (out->version != PODLIFE_POD_INFO_VERSION)
		return PODLIFE_EVERSION;
	pl_pod *p = pl_eng_find(e, ns, name);
	if (!p)
		return PODLIFE_ENOTFOUND;
	pl_eng_now(e);
	out->phase = pl_phase_name(p->st.phase);
	out->reason = p->st.reason ? p->st.reason : "";
	out->message = p->st.message ? p->st.message : "";
	pl_columns cols;
	memset(&cols, 0, sizeof cols);
	pl_compute_columns(&p->st, e->now, &cols);
	memcpy(out->status, cols.status, sizeof out->status);
	memcpy(out->ready, cols.ready, sizeof out->ready);
	out->restarts = cols.restarts;
	memcpy(out->restarts_text, cols.restarts_text, sizeof out->restarts_text);
	out->terminating = p->st.terminating;
	out->finished = p->state == PL_POD_DONE || p->state == PL_POD_REJECTED;
	out->n_init_containers = p->st.n_init;
	out->n_containers = p->st.n_regular;
	return PODLIFE_OK;
}

static const char *state_name(pl_cstate_kind k)
{
	switch (k) {
	case PL_CSTATE_WAITING: return "waiting";
	case PL_CSTATE_RUNNING: return "running";
	case PL_CSTATE_TERMINATED: return "terminated";
	default: return "";
	}
}

int podlife_engine_container_info(podlife_engine *e, const char *ns, const char *name,
                                  const char *container, podlife_container_info *out)
{
	if (!e || !name || !container || !out)
		return PODLIFE_EINVAL;
	if (out->version != PODLIFE_CONTAINER_INFO_VERSION)
		return PODLIFE_EVERSION;
	pl_pod *p = pl_eng_find(e, ns, name);
	if (!p)
		return PODLIFE_ENOTFOUND;
	for (size_t i = 0; i < p->nc; i++) {
		const pl_cstatus *s = p->c[i].st;
		if (!s->name || strcmp(s->name, container) != 0)
			continue;
		out->name = s->name;
		out->kind = (podlife_container_kind)s->kind;
		out->state = s->has_status ? state_name(s->state.kind) : "";
		out->reason = s->state.reason ? s->state.reason : "";
		out->message = s->state.message ? s->state.message : "";
		out->exit_code = s->state.exit_code;
		out->last_state = state_name(s->last_state.kind);
		out->last_reason = s->last_state.reason ? s->last_state.reason : "";
		out->last_exit_code = s->last_state.exit_code;
		out->restart_count = s->restart_count;
		out->ready = s->ready;
		out->started = s->started;
		out->container_id = s->container_id ? s->container_id : "";
		return PODLIFE_OK;
	}
	return PODLIFE_ENOTFOUND;
}

/* ---- driving ------------------------------------------------------------------- */

int64_t podlife_engine_next_deadline(const podlife_engine *e)
{
	if (!e)
		return INT64_MAX;
	const pl_timer *t = pl_heap_top(&e->heap);
	pl_ms d = t ? t->deadline : INT64_MAX;
	pl_ms h = pl_http_deadline(e);
	return h < d ? h : d;
}

int podlife_engine_tick(podlife_engine *e, int64_t now_ms)
{
	if (!e)
		return PODLIFE_EINVAL;
	if (now_ms > e->now)
		e->now = now_ms;
	e->depth++;
	pl_http_perform(e); /* httpGet hooks in flight */
	drain(e);
	for (;;) {
		pl_timer *t = pl_heap_top(&e->heap);
		if (!t || t->deadline > e->now)
			break;
		pl_heap_disarm(&e->heap, t);
		if (t->kind == PL_TIMER_POD) {
			pl_pod *p = t->owner < e->n_slots ? e->pods[t->owner] : NULL;
			if (p)
				pl_pod_sync(e, p);
		} else if (t->kind == PL_TIMER_PROBE) {
			pl_pod *p = t->owner < e->n_slots ? e->pods[t->owner] : NULL;
			if (p)
				pl_probe_timer(e, p, t->sub);
		} else if (t->kind == PL_TIMER_RELIST) {
			pl_relist(e);
			/* re-armed while there are pods (pl_eng_insert arms it
			 * again); ENOMEM leaves it off until the next insert */
			if (e->count)
				pl_heap_arm(&e->heap, &e->relist, e->now + e->relist_period);
		}
		drain(e);
	}
	e->depth--;
	return PODLIFE_OK;
}

static pl_ctr *token_ctr(podlife_engine *e, uint64_t tok, pl_pod **pp, uint32_t *seq)
{
	unsigned int cidx;
	pl_pod *p = token_pod(e, tok, &cidx, seq);
	if (!p || cidx >= p->nc)
		return NULL;
	*pp = p;
	return &p->c[cidx];
}

int podlife_engine_notify_exited(podlife_engine *e, uint64_t token, const podlife_exit *ex)
{
	if (!e || !ex)
		return PODLIFE_EINVAL;
	if (ex->version != PODLIFE_EXIT_VERSION)
		return PODLIFE_EVERSION;
	pl_pod *p;
	uint32_t seq;
	pl_ctr *c = token_ctr(e, token, &p, &seq);
	if (!c || c->inst != seq || (c->rt != PL_RT_RUNNING && c->rt != PL_RT_CREATED))
		return PODLIFE_ENOTFOUND;
	pl_eng_now(e);
	e->depth++;
	pl_ctr_exited(e, p, c, ex);
	pl_pod_sync(e, p);
	drain(e);
	e->depth--;
	return PODLIFE_OK;
}

int podlife_engine_notify_sandbox(podlife_engine *e, uint64_t token, int rc,
                                  const podlife_result *r)
{
	if (!e)
		return PODLIFE_EINVAL;
	unsigned int cidx;
	uint32_t seq;
	pl_pod *p = token_pod(e, token, &cidx, &seq);
	if (!p || cidx != 0xff || p->sb != PL_SB_CREATING || p->sb_tok != seq)
		return PODLIFE_ENOTFOUND;
	pl_eng_now(e);
	if (rc == PODLIFE_OK && r) {
		p->sb = PL_SB_READY;
		pl_free(&e->a, p->sandbox_id);
		p->sandbox_id = pl_strdup(&e->a, r->id);
		pl_set_msg(&e->a, &p->st.pod_ip, r->pod_ip[0] ? r->pod_ip : NULL);
		pl_set_msg(&e->a, &p->netns, r->netns_path[0] ? r->netns_path : NULL);
	} else {
		p->sb = PL_SB_FAILED;
		p->sb_retry = e->now + 10000;
		pl_emit(e, p, NULL, true, "FailedCreatePodSandBox", "Failed to create pod sandbox: %s",
		        r && r->message[0] ? r->message : podlife_strerror(rc));
	}
	pl_eng_sync(e, p);
	return PODLIFE_OK;
}

int podlife_engine_notify_sandbox_lost(podlife_engine *e, uint64_t token)
{
	if (!e)
		return PODLIFE_EINVAL;
	unsigned int cidx;
	uint32_t seq;
	pl_pod *p = token_pod(e, token, &cidx, &seq);
	if (!p || cidx != 0xff || p->sb != PL_SB_READY || p->sb_tok != seq)
		return PODLIFE_ENOTFOUND;
	pl_eng_now(e);
	e->depth++;
	/* Its containers went with it. */
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (c->rt != PL_RT_RUNNING && c->rt != PL_RT_CREATED)
			continue;
		podlife_exit ex = PODLIFE_EXIT_INIT;
		ex.exit_code = 137;
		ex.reason = "ContainerStatusUnknown";
		ex.message = "The container could not be located when the pod was terminated";
		pl_ctr_exited(e, p, c, &ex);
	}
	if (p->state == PL_POD_ACTIVE) {
		const char *rp = p->m->spec->restart_policy;
		if (rp && strcmp(rp, "Never") == 0) {
			/* computePodActions: Never and attempt != 0: no new sandbox */
			p->flags |= PL_PF_NATURAL_END;
			pl_begin_termination(e, p, pl_pod_grace(p));
		} else {
			p->flags |= PL_PF_RESTART_SB;
		}
	}
	pl_pod_sync(e, p);
	drain(e);
	e->depth--;
	return PODLIFE_OK;
}

int podlife_engine_notify_pull(podlife_engine *e, uint64_t token, int rc, const podlife_result *r)
{
	if (!e)
		return PODLIFE_EINVAL;
	pl_pod *p;
	uint32_t seq;
	pl_ctr *c = token_ctr(e, token, &p, &seq);
	if (!c || c->op != PL_OP_PULL || c->op_tok != seq)
		return PODLIFE_ENOTFOUND;
	pl_eng_now(e);
	e->depth++;
	pl_pull_done(e, p, c, rc, r);
	pl_pod_sync(e, p);
	drain(e);
	e->depth--;
	return PODLIFE_OK;
}

int podlife_engine_notify_exec(podlife_engine *e, uint64_t token, int rc, const podlife_result *r)
{
	if (!e)
		return PODLIFE_EINVAL;
	if (token & PL_NET_TAG_PROBE)
		return pl_probe_exec_done(e, token, rc, r); /* an exec probe */
	pl_pod *p;
	uint32_t seq;
	pl_ctr *c = token_ctr(e, token, &p, &seq);
	if (!c || (c->op != PL_OP_POSTSTART && c->op != PL_OP_PRESTOP) || c->op_tok != seq)
		return PODLIFE_ENOTFOUND;
	pl_eng_now(e);
	char msg[1024];
	msg[0] = '\0';
	const pl_lifecycle *lc = c->spec->lifecycle;
	const pl_handler *h = !lc ? NULL : c->op == PL_OP_POSTSTART ? lc->post_start : lc->pre_stop;
	/* exec: exit code 0 (runner.Run); httpGet through the backend's
	 * http_get: a status from 200 to 399 */
	bool http = h && h->http_get && !h->exec;
	bool ok = rc == PODLIFE_OK && r &&
	          (http ? r->exit_code >= 200 && r->exit_code < 400 : r->exit_code == 0);
	if (!ok && h && h->exec)
		pl_exec_hook_message(p, c, h->exec, rc, r, msg, sizeof msg);
	e->depth++;
	pl_hook_done_msg(e, p, c, ok, msg[0] ? msg : NULL);
	pl_pod_sync(e, p);
	drain(e);
	e->depth--;
	return PODLIFE_OK;
}

static bool all_finished(const podlife_engine *e)
{
	for (size_t i = 0; i < e->n_slots; i++) {
		const pl_pod *p = e->pods[i];
		if (p && p->state != PL_POD_DONE && p->state != PL_POD_REJECTED)
			return false;
	}
	return true;
}

/*
 * poll() on the host's descriptors and the engine's own (httpGet hooks)
 * together; the host's revents are copied back.
 */
static int poll_all(podlife_engine *e, struct pollfd *fds, size_t nfds, int timeout)
{
	struct pollfd own[64];
	size_t n_own = 0;
	podlife_engine_fds(e, own, PL_ARRAY_LEN(own), &n_own);
	if (n_own > PL_ARRAY_LEN(own))
		n_own = PL_ARRAY_LEN(own);
	if (!n_own)
		return poll(fds, (nfds_t)nfds, timeout);
	if (timeout < 0 || timeout > 100)
		timeout = 100; /* curl may add sockets between calls */
	struct pollfd *all = pl_malloc(&e->a, (nfds + n_own) * sizeof *all);
	if (!all)
		return poll(fds, (nfds_t)nfds, timeout < 0 || timeout > 10 ? 10 : timeout);
	if (nfds)
		memcpy(all, fds, nfds * sizeof *all);
	memcpy(all + nfds, own, n_own * sizeof *all);
	int r = poll(all, (nfds_t)(nfds + n_own), timeout);
	for (size_t i = 0; i < nfds; i++)
		fds[i].revents = all[i].revents;
	pl_free(&e->a, all);
	return r;
}

int podlife_engine_run(podlife_engine *e, int64_t until_ms, struct pollfd *fds, size_t nfds,
                       podlife_wake_fn on_wake, void *ud)
{
	if (!e || (nfds && !fds))
		return PODLIFE_EINVAL;
	podlife_simclock *sim = pl_simclock_of(e->clock);
	for (;;) {
		pl_ms now = pl_eng_now(e);
		if (now >= until_ms)
			return PODLIFE_OK;
		if (until_ms == INT64_MAX && all_finished(e))
			return PODLIFE_OK;
		int64_t d = podlife_engine_next_deadline(e);
		int64_t target = d < until_ms ? d : until_ms;
		if (sim) {
			/* Simulated time: jump to the deadline instead of sleeping;
			 * descriptors are still polled without waiting.  The relist
			 * timer alone never ends the wait. */
			pl_ms other = pl_heap_top_except(&e->heap, &e->relist);
			bool http = pl_http_busy(e);
			if (until_ms == INT64_MAX && other == PL_NEVER && nfds == 0 && !http)
				return PODLIFE_ESTATE; /* nothing will ever happen */
			if (http) {
				/* httpGet hooks run on the network in real time: wait
				 * for them before the simulated clock moves on */
				if (poll_all(e, fds, nfds, 10) < 0 && errno != EINTR)
					return PODLIFE_EIO;
				podlife_engine_tick(e, pl_eng_now(e));
				if (on_wake && on_wake(ud, e, fds, nfds))
					return PODLIFE_OK;
				continue;
			}
			if (nfds && poll(fds, (nfds_t)nfds, 0) < 0 && errno != EINTR)
				return PODLIFE_EIO;
			if (target != INT64_MAX && target > now)
				podlife_simclock_set(sim, target);
			podlife_engine_tick(e, pl_eng_now(e));
			if (on_wake && on_wake(ud, e, fds, nfds))
				return PODLIFE_OK;
			continue;
		}
		int timeout = -1;
		if (target != INT64_MAX) {
			int64_t w = target - now;
			timeout = w < 0 ? 0 : w > 60000 ? 60000 : (int)w;
		}
		int n = poll_all(e, fds, nfds, timeout);
		if (n < 0 && errno != EINTR)
			return PODLIFE_EIO;
		podlife_engine_tick(e, pl_eng_now(e));
		if (on_wake && on_wake(ud, e, fds, nfds))
			return PODLIFE_OK;
	}
}
