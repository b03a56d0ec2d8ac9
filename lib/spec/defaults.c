/*
 * lib/spec/defaults.c - the API server's defaulting of a Pod
 * (pkg/apis/core/v1/defaults.go SetDefaults_*, in the order of
 * zz_generated.defaults.go SetObjectDefaults_Pod).  Every value filled in
 * is marked in the object's `defaulted` bits, so hosts can show it.
 */
#include <string.h>

#include "defaults.h"
#include "podlife/image.h"
#include "quantity.h"

/* Defaults are string literals; the model's strings are never written. */
static char *lit(const char *s)
{
	return (char *)(uintptr_t)s;
}

#define SET_STR(o, member, value)                                   \
	do {                                                        \
		(o)->member = lit(value);                           \
		PL_DEFAULTED((o), member);                          \
	} while (0)

#define SET_INT(o, member, value)                                   \
	do {                                                        \
		(o)->member = (value);                              \
		PL_DEFAULTED((o), member);                          \
	} while (0)

static bool empty(const char *s)
{
	return !s || !*s;
}

/* SetDefaults_ResourceList: round every quantity up to milli precision. */
static void round_resources(pl_arena *ar, pl_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *r = pl_quantity_round_milli(ar, m->v[i].value);
		if (r)
			m->v[i].value = lit(r); /* invalid ones are left to validation */
	}
}

/* SetDefaults_Pod: requests default to limits (Pod only, not templates). */
static void requests_from_limits(pl_arena *ar, pl_container *c)
{
	pl_resources *r = c->resources;
	if (!r || r->limits.n == 0)
		return;
	size_t missing = 0;
	for (size_t i = 0; i < r->limits.n; i++) {
		bool found = false;
		for (size_t j = 0; j < r->requests.n; j++)
			if (strcmp(r->requests.v[j].key, r->limits.v[i].key) == 0)
				found = true;
		if (!found)
			missing++;
	}
	if (!missing)
		return;
	pl_kv *v = pl_arena_alloc(ar, (r->requests.n + missing) * sizeof(pl_kv));
	if (!v)
		return;
	if (r->requests.n)
		memcpy(v, r->requests.v, r->requests.n * sizeof(pl_kv));
	size_t n = r->requests.n;
	for (size_t i = 0; i < r->limits.n; i++) {
		bool found = false;
		for (size_t j = 0; j < r->requests.n; j++)
			if (strcmp(r->requests.v[j].key, r->limits.v[i].key) == 0)
				found = true;
		if (!found)
			v[n++] = r->limits.v[i];
	}
	r->requests.v = v;
	r->requests.n = n;
	PL_DEFAULTED(r, requests);
}

/* SetDefaults_HTTPGetAction */
static void default_http_get(pl_http_get *h)
{
	if (!h)
		return;
	if (empty(h->path))
		SET_STR(h, path, "/");
	if (empty(h->scheme))
		SET_STR(h, scheme, "HTTP");
}

/* SetDefaults_Probe (0 means unset for these fields) */
static void default_probe(pl_probe *p)
{
	if (!p)
		return;
	if (p->timeout_seconds == 0)
		SET_INT(p, timeout_seconds, 1);
	if (p->period_seconds == 0)
		SET_INT(p, period_seconds, 10);
	if (p->success_threshold == 0)
		SET_INT(p, success_threshold, 1);
	if (p->failure_threshold == 0)
		SET_INT(p, failure_threshold, 3);
	default_http_get(p->http_get);
	if (p->grpc && !p->grpc->service)
		SET_STR(p->grpc, service, "");
}

static void default_handler(pl_handler *h)
{
	if (h)
		default_http_get(h->http_get);
}

/* SetDefaults_Container and the per-container generated calls. */
static void default_container(pl_arena *ar, pl_container *c, bool pod, bool host_network)
{
	if (empty(c->image_pull_policy)) {
		podlife_pull_policy p = podlife_image_default_pull_policy(c->image ? c->image : "");
		SET_STR(c, image_pull_policy, podlife_pull_policy_name(p));
	}
	if (empty(c->termination_message_path))
		SET_STR(c, termination_message_path, "/dev/termination-log");
	if (empty(c->termination_message_policy))
		SET_STR(c, termination_message_policy, "File");
	for (size_t i = 0; i < c->ports.n; i++) {
		pl_port *p = PL_ITEM(c->ports, pl_port, i);
		if (empty(p->protocol))
			SET_STR(p, protocol, "TCP");
		/* SetDefaults_Pod: hostNetwork pods get hostPort = containerPort */
		if (pod && host_network && p->host_port == 0 && p->container_port != 0)
			SET_INT(p, host_port, p->container_port);
	}
	for (size_t i = 0; i < c->env.n; i++) {
		pl_env *e = PL_ITEM(c->env, pl_env, i);
		pl_field_ref *fr = e->value_from ? e->value_from->field_ref : NULL;
		if (fr && empty(fr->api_version))
			SET_STR(fr, api_version, "v1");
	}
	if (c->resources) {
		round_resources(ar, &c->resources->limits);
		round_resources(ar, &c->resources->requests);
	}
	default_probe(c->liveness_probe);
	default_probe(c->readiness_probe);
	default_probe(c->startup_probe);
	if (c->lifecycle) {
		default_handler(c->lifecycle->post_start);
		default_handler(c->lifecycle->pre_stop);
	}
}

/* ---- sources kept verbatim: defaults go into their document nodes ---- */

static pl_node *raw_scalar(pl_arena *ar, const char *text, pl_scalar_style style)
{
	pl_node *n = pl_arena_alloc(ar, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = PL_N_SCALAR;
	n->style = (uint8_t)style;
	n->n = strlen(text);
	n->u.text = pl_arena_strdup(ar, text);
	return n->u.text ? n : NULL;
}

/* Adds key: value to map node m unless the key is there (and not null). */
static void raw_default(pl_arena *ar, pl_node *m, const char *key, const char *value,
                        pl_scalar_style style)
{
	if (!m || m->kind != PL_N_MAP)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->u.pairs[i].key->u.text, key) == 0) {
			if (m->u.pairs[i].value->kind != PL_N_NULL)
				return;
			pl_node *v = raw_scalar(ar, value, style);
			if (v)
				m->u.pairs[i].value = v;
			return;
		}
	pl_pair *pairs = pl_arena_alloc(ar, (m->n + 1) * sizeof(*pairs));
	pl_node *k = raw_scalar(ar, key, PL_SC_QUOTED), *v = raw_scalar(ar, value, style);
	if (!pairs || !k || !v)
		return;
	if (m->n)
		memcpy(pairs, m->u.pairs, m->n * sizeof(*pairs));
	pairs[m->n].key = k;
	pairs[m->n].value = v;
	m->u.pairs = pairs;
	m->n++;
}

/* SetDefaults_ObjectFieldSelector on items[*].fieldRef of a downward API list. */
static void raw_default_items(pl_arena *ar, const pl_node *items)
{
	if (!items || items->kind != PL_N_SEQ)
		return;
	for (size_t i = 0; i < items->n; i++)
		raw_default(ar, pl_node_get(items->u.items[i], "fieldRef"), "apiVersion", "v1",
		            PL_SC_QUOTED);
}

/* SetDefaults_DownwardAPIVolumeSource, SetDefaults_ProjectedVolumeSource,
 * SetDefaults_ServiceAccountTokenProjection. */
static void default_raw_volume(pl_arena *ar, pl_volume *v)
{
	int fi = pl_schema_field_by_name(&pl_schema_volume, "downwardAPI");
	int pi = pl_schema_field_by_name(&pl_schema_volume, "projected");
	if (fi >= 0 && ((v->obj.present >> fi) & 1u)) {
		pl_node *d = *(pl_node **)(void *)((char *)v + pl_schema_volume.fields[fi].offset);
		raw_default(ar, d, "defaultMode", "420", PL_SC_PLAIN);
		raw_default_items(ar, pl_node_get(d, "items"));
	}
	if (pi >= 0 && ((v->obj.present >> pi) & 1u)) {
		pl_node *p = *(pl_node **)(void *)((char *)v + pl_schema_volume.fields[pi].offset);
		raw_default(ar, p, "defaultMode", "420", PL_SC_PLAIN);
		const pl_node *srcs = pl_node_get(p, "sources");
		for (size_t i = 0; srcs && srcs->kind == PL_N_SEQ && i < srcs->n; i++) {
			pl_node *tok = pl_node_get(srcs->u.items[i], "serviceAccountToken");
			raw_default(ar, tok, "expirationSeconds", "3600", PL_SC_PLAIN);
			raw_default_items(ar, pl_node_get(pl_node_get(srcs->u.items[i], "downwardAPI"),
			                                  "items"));
		}
	}
}

/* SetDefaults_Volume and the source-specific functions. */
static void default_volume(pl_arena *ar, pl_volume *v)
{
	if (pl_volume_source_count(v) == 0) {
		v->empty_dir = pl_obj_new(ar, &pl_schema_empty_dir);
		if (v->empty_dir)
			PL_DEFAULTED(v, empty_dir);
	}
	if (v->secret && !PL_HAS(v->secret, default_mode))
		SET_INT(v->secret, default_mode, 0644);
	if (v->config_map && !PL_HAS(v->config_map, default_mode))
		SET_INT(v->config_map, default_mode, 0644);
	default_raw_volume(ar, v);
}

void pl_default_pod(pl_pod_model *m, pl_arena *ar, bool is_template)
{
	bool pod = !is_template;
	if (!m->metadata) {
		m->metadata = pl_obj_new(ar, &pl_schema_meta);
		if (!m->metadata)
			return;
		PL_DEFAULTED(m, metadata);
	}
	if (pod && empty(m->metadata->namespace_))
		SET_STR(m->metadata, namespace_, "default");
	pl_pod_spec *s = m->spec;
	if (!s)
		return; /* validation reports the missing spec */

	/* SetDefaults_Pod */
	if (pod && !PL_HAS(s, enable_service_links)) {
		s->enable_service_links = true;
		PL_DEFAULTED(s, enable_service_links);
	}
	if (pod) {
		for (size_t i = 0; i < s->init_containers.n; i++)
			requests_from_limits(ar, PL_ITEM(s->init_containers, pl_container, i));
		for (size_t i = 0; i < s->containers.n; i++)
			requests_from_limits(ar, PL_ITEM(s->containers, pl_container, i));
	}

	/* SetDefaults_PodSpec */
	if (empty(s->dns_policy))
		SET_STR(s, dns_policy, "ClusterFirst");
	if (empty(s->restart_policy))
		SET_STR(s, restart_policy, "Always");
	if (!s->security_context) {
		s->security_context = pl_obj_new(ar, &pl_schema_pod_secctx);
		if (s->security_context)
			PL_DEFAULTED(s, security_context);
	}
	if (!PL_HAS(s, termination_grace_period_seconds))
		SET_INT(s, termination_grace_period_seconds, 30);
	else if (s->termination_grace_period_seconds < 0)
		SET_INT(s, termination_grace_period_seconds, 1); /* PR #115606 */
	if (empty(s->scheduler_name))
		SET_STR(s, scheduler_name, "default-scheduler");

	for (size_t i = 0; i < s->volumes.n; i++)
		default_volume(ar, PL_ITEM(s->volumes, pl_volume, i));
	for (size_t i = 0; i < s->init_containers.n; i++)
		default_container(ar, PL_ITEM(s->init_containers, pl_container, i), pod,
		                  s->host_network);
	for (size_t i = 0; i < s->containers.n; i++)
		default_container(ar, PL_ITEM(s->containers, pl_container, i), pod, s->host_network);
	round_resources(ar, &s->overhead);
}
