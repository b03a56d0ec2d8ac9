/*
 * lib/spec/pod.c - podlife_pod_parse: reads a YAML stream or JSON text,
 * finds the Pods in it (Pods, Lists, workload templates), decodes,
 * defaults and validates each, and hands out immutable reference-counted
 * pods.  Either every pod of the input is returned or none is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "decode.h"
#include "defaults.h"
#include "export.h"
#include "pod_internal.h"
#include "validate.h"

#define DEFAULT_MAX_BYTES ((size_t)10 << 20) /* the kubelet's maxConfigLength */
#define DEFAULT_MAX_DEPTH 64u
#define DEFAULT_MAX_NODES ((size_t)1000000)
#define MAX_LIST_NESTING 8

typedef struct parse_ctx {
	const pl_alloc *a;
	unsigned int flags;
	podlife_diag *diag;
	podlife_pod **pods;
	size_t n, cap;
	bool decode_failed;
	bool invalid;
	bool oom;
	unsigned int document;
} parse_ctx;

/* Where a workload keeps its pod template. */
static const struct {
	const char *kind;
	const char *path[4];
	const char *prefix;
} workloads[] = {
	{"Deployment", {"spec", "template", NULL}, "spec.template."},
	{"ReplicaSet", {"spec", "template", NULL}, "spec.template."},
	{"ReplicationController", {"spec", "template", NULL}, "spec.template."},
	{"StatefulSet", {"spec", "template", NULL}, "spec.template."},
	{"DaemonSet", {"spec", "template", NULL}, "spec.template."},
	{"Job", {"spec", "template", NULL}, "spec.template."},
	{"CronJob", {"spec", "jobTemplate", "spec", "template"}, "spec.jobTemplate.spec.template."},
	{"PodTemplate", {"template", NULL}, "template."},
};

static void pod_free(podlife_pod *pod)
{
	if (!pod)
		return;
	pl_alloc a = pod->a;
	pl_arena_free(&pod->arena);
	pl_free(&a, pod);
}

static podlife_pod *pod_new(const pl_alloc *a)
{
	podlife_pod *pod = pl_calloc(a, 1, sizeof(*pod));
	if (!pod)
		return NULL;
	pod->a = *a;
	pl_arena_init(&pod->arena, &pod->a);
	atomic_init(&pod->refs, 1);
	return pod;
}

static bool push_pod(parse_ctx *c, podlife_pod *pod)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		podlife_pod **v = pl_realloc(c->a, c->pods, cap * sizeof(*v));
		if (!v)
			return false;
		c->pods = v;
		c->cap = cap;
	}
	c->pods[c->n++] = pod;
	return true;
}

static const char *scalar_or(const pl_node *n, const char *dflt)
{
	const char *t = pl_node_text(n);
	return t ? t : dflt;
}

static pl_node *scalar_node(pl_arena *ar, const char *text)
{
	pl_node *n = pl_arena_alloc(ar, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = PL_N_SCALAR;
	n->style = PL_SC_QUOTED;
	n->n = strlen(text);
	n->u.text = pl_arena_strdup(ar, text);
	return n->u.text ? n : NULL;
}

/*
 * The StatefulSet controller gives each pod a volume per
 * volumeClaimTemplate, backed by the claim "<template>-<set>-<ordinal>"
 * (stateful_set_utils.go updateStorage); the template pod gets them for
 * ordinal 0 so that its volumeMounts resolve.
 */
static void add_claim_volumes(pl_arena *ar, pl_pod_spec *spec, const pl_node *claims,
                              const char *set_name)
{
	if (!spec || !claims || claims->kind != PL_N_SEQ)
		return;
	int fi = pl_schema_field_by_name(&pl_schema_volume, "persistentVolumeClaim");
	if (fi < 0)
		return;
	for (size_t i = 0; i < claims->n; i++) {
		const char *name = pl_node_text(pl_node_get(pl_node_get(claims->u.items[i], "metadata"), "name"));
		if (!name || !*name)
			continue;
		bool exists = false;
		for (size_t k = 0; k < spec->volumes.n; k++) {
			const char *vn = PL_ITEM(spec->volumes, pl_volume, k)->name;
			if (vn && strcmp(vn, name) == 0)
				exists = true;
		}
		if (exists)
			continue;
		pl_volume *v = pl_obj_new(ar, &pl_schema_volume);
		pl_node *src = pl_arena_alloc(ar, sizeof(*src));
		pl_pair *pair = pl_arena_alloc(ar, sizeof(*pair));
		char *claim = pl_arena_printf(ar, "%s-%s-0", name, set_name ? set_name : "");
		void **items = pl_arena_alloc(ar, (spec->volumes.n + 1) * sizeof(void *));
		if (!v || !src || !pair || !claim || !items)
			return;
		pair->key = scalar_node(ar, "claimName");
		pair->value = scalar_node(ar, claim);
		if (!pair->key || !pair->value)
			return;
		src->kind = PL_N_MAP;
		src->n = 1;
		src->u.pairs = pair;
		v->name = pl_arena_strdup(ar, name);
		PL_DEFAULTED(v, name);
		*(pl_node **)(void *)((char *)v + pl_schema_volume.fields[fi].offset) = src;
		v->obj.present |= (uint64_t)1 << fi;
		v->obj.defaulted |= (uint64_t)1 << fi;
		if (spec->volumes.n)
			memcpy(items, spec->volumes.v, spec->volumes.n * sizeof(void *));
		items[spec->volumes.n++] = v;
		spec->volumes.v = items;
		pl_set_defaulted(spec, offsetof(pl_pod_spec, volumes));
	}
}

/*
 * Decodes one pod object.  For templates, `meta_from` is the workload's
 * metadata (for the namespace and a generateName).
 */
static void handle_pod(parse_ctx *c, const pl_node *metadata, const pl_node *spec,
                       const pl_node *whole, const char *source_kind, const char *prefix,
                       const pl_node *workload_meta, const pl_node *claims)
{
	bool is_template = whole == NULL;
	podlife_pod *pod = pod_new(c->a);
	if (!pod) {
		c->oom = true;
		return;
	}
	pod->document = c->document;
	pod->source_kind = pl_arena_strdup(&pod->arena, source_kind);
	pod->path_prefix = pl_arena_strdup(&pod->arena, prefix);

	pl_decoder d;
	pl_decoder_init(&d, &pod->arena, c->diag, c->flags & PODLIFE_PARSE_STRICT, prefix);
	pl_pod_model *m = NULL;
	if (whole) {
		m = pl_decode(&d, whole, &pl_schema_pod);
	} else {
		/* A template: a Pod made of template.metadata and template.spec. */
		m = pl_obj_new(&pod->arena, &pl_schema_pod);
		if (m) {
			m->kind = pl_arena_strdup(&pod->arena, "Pod");
			m->api_version = pl_arena_strdup(&pod->arena, "v1");
			PL_DEFAULTED(m, kind);
			PL_DEFAULTED(m, api_version);
			size_t plen = d.path.len;
			if (metadata) {
				pl_buf_puts(&d.path, ".metadata");
				m->metadata = pl_decode(&d, metadata, &pl_schema_meta);
				if (m->metadata)
					pl_set_present(m, offsetof(pl_pod_model, metadata));
				d.path.len = plen;
				d.path.data[plen] = '\0';
			}
			if (spec) {
				const pl_schema *ss = pl_schema_pod.fields[3].sub;
				pl_buf_puts(&d.path, ".spec");
				m->spec = pl_decode(&d, spec, ss);
				if (m->spec)
					pl_set_present(m, offsetof(pl_pod_model, spec));
				d.path.len = plen;
				d.path.data[plen] = '\0';
			}
		}
	}
	bool failed = d.failed || !m || pod->arena.oom;
	bool oom = pod->arena.oom || d.oom || d.path.oom;
	pl_decoder_free(&d);
	if (failed) {
		if (oom)
			c->oom = true; /* out of memory, not bad input: ENOMEM */
		c->decode_failed = true;
		pod_free(pod);
		return;
	}
	pod->m = m;

	if (is_template && workload_meta) {
		/* Controllers name template pods "<owner>-..." in the owner's namespace. */
		if (!m->metadata) {
			m->metadata = pl_obj_new(&pod->arena, &pl_schema_meta);
			if (m->metadata)
				PL_DEFAULTED(m, metadata);
		}
		pl_meta *md = m->metadata;
		const char *wname = scalar_or(pl_node_get(workload_meta, "name"), NULL);
		const char *wns = scalar_or(pl_node_get(workload_meta, "namespace"), NULL);
		if (md && !md->name && !md->generate_name && wname) {
			md->generate_name = pl_arena_printf(&pod->arena, "%s-", wname);
			PL_DEFAULTED(md, generate_name);
		}
		if (md && !md->namespace_ && wns) {
			md->namespace_ = pl_arena_strdup(&pod->arena, wns);
			PL_DEFAULTED(md, namespace_);
		}
	}

	if (claims)
		add_claim_volumes(&pod->arena, m->spec, claims,
		                  scalar_or(pl_node_get(workload_meta, "name"), NULL));
	if (!(c->flags & PODLIFE_PARSE_NO_DEFAULTS))
		pl_default_pod(m, &pod->arena, is_template);
	if (pod->arena.oom) {
		c->oom = true;
		pod_free(pod);
		return;
	}
	if (!(c->flags & PODLIFE_PARSE_NO_VALIDATE)) {
		size_t before = podlife_diag_error_count(c->diag);
		pl_validate_opts vo = {is_template, prefix};
		pl_validate_pod(m, &vo, c->diag);
		if (podlife_diag_error_count(c->diag) > before) {
			c->invalid = true;
			pod_free(pod);
			return;
		}
	}
	if (!push_pod(c, pod)) {
		c->oom = true;
		pod_free(pod);
	}
}

static void handle_object(parse_ctx *c, const pl_node *root, const char *prefix, int depth);

static void handle_list(parse_ctx *c, const pl_node *root, const char *prefix, int depth)
{
	const pl_node *items = pl_node_get(root, "items");
	if (!items || items->kind == PL_N_NULL)
		return;
	if (items->kind != PL_N_SEQ) {
		pl_diag_field(c->diag, PODLIFE_SEVERITY_ERROR, PODLIFE_ERRTYPE_TYPE_INVALID, "items",
		              "\"object\"", "expected array", items->line, items->col);
		c->decode_failed = true;
		return;
	}
	for (size_t i = 0; i < items->n; i++) {
		char p[256];
		snprintf(p, sizeof(p), "%sitems[%zu].", prefix, i);
		handle_object(c, items->u.items[i], p, depth + 1);
	}
}

static void handle_object(parse_ctx *c, const pl_node *root, const char *prefix, int depth)
{
	if (root->kind == PL_N_NULL)
		return; /* an empty document */
	if (root->kind != PL_N_MAP) {
		pl_diag_plain(c->diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, root->line, root->col,
		              "document %u: expected an object with apiVersion and kind",
		              c->document + 1);
		c->decode_failed = true;
		return;
	}
	const pl_node *kn = pl_node_get(root, "kind");
	const char *kind = pl_node_text(kn);
	if (!kind || !*kind) {
		pl_diag_plain(c->diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, root->line, root->col,
		              "%sObject 'Kind' is missing", prefix);
		c->decode_failed = true;
		return;
	}
	if (strcmp(kind, "List") == 0 || (strlen(kind) > 4 && strcmp(kind + strlen(kind) - 4, "List") == 0 &&
	                                  pl_node_get(root, "items"))) {
		if (depth >= MAX_LIST_NESTING) {
			pl_diag_plain(c->diag, PODLIFE_SEVERITY_ERROR, PODLIFE_ETOOBIG, root->line,
			              root->col, "%sLists nested too deeply", prefix);
			c->decode_failed = true;
			return;
		}
		handle_list(c, root, prefix, depth);
		return;
	}
	if (strcmp(kind, "Pod") == 0) {
		handle_pod(c, NULL, NULL, root, "Pod", prefix, NULL, NULL);
		return;
	}
	if (!(c->flags & PODLIFE_PARSE_NO_TEMPLATES)) {
		for (size_t i = 0; i < PL_ARRAY_LEN(workloads); i++) {
			if (strcmp(kind, workloads[i].kind) != 0)
				continue;
			const pl_node *t = root;
			for (size_t j = 0; j < 4 && workloads[i].path[j] && t; j++)
				t = pl_node_get(t, workloads[i].path[j]);
			if (!t || t->kind != PL_N_MAP) {
				pl_diag_plain(c->diag, PODLIFE_SEVERITY_NOTE, PODLIFE_OK, root->line,
				              root->col, "%s \"%s\" has no pod template; skipped", kind,
				              scalar_or(pl_node_get(pl_node_get(root, "metadata"), "name"), ""));
				return;
			}
			char p[300];
			snprintf(p, sizeof(p), "%s%s", prefix, workloads[i].prefix);
			/* A template has no kind of its own: report unknown keys in it. */
			for (size_t k = 0; k < t->n; k++) {
				const char *key = t->u.pairs[k].key->u.text;
				if (strcmp(key, "metadata") != 0 && strcmp(key, "spec") != 0) {
					podlife_severity sev = (c->flags & PODLIFE_PARSE_STRICT)
					                               ? PODLIFE_SEVERITY_ERROR
					                               : PODLIFE_SEVERITY_WARNING;
					char fp[400];
					snprintf(fp, sizeof(fp), "%s%s", p, key);
					pl_diag_field(c->diag, sev, PODLIFE_ERRTYPE_UNKNOWN_FIELD, fp, NULL,
					              NULL, t->u.pairs[k].key->line, t->u.pairs[k].key->col);
					if (sev == PODLIFE_SEVERITY_ERROR)
						c->decode_failed = true;
				}
			}
			const pl_node *claims = strcmp(kind, "StatefulSet") == 0
			                                ? pl_node_get(pl_node_get(root, "spec"), "volumeClaimTemplates")
			                                : NULL;
			handle_pod(c, pl_node_get(t, "metadata"), pl_node_get(t, "spec"), NULL, kind, p,
			           pl_node_get(root, "metadata"), claims);
			return;
		}
	}
	pl_diag_plain(c->diag, PODLIFE_SEVERITY_NOTE, PODLIFE_OK, root->line, root->col,
	              "skipping %s \"%s\": not a Pod", kind,
	              scalar_or(pl_node_get(pl_node_get(root, "metadata"), "name"), ""));
}

static int on_document(void *ud, unsigned int index, pl_node *root)
{
	parse_ctx *c = ud;
	c->document = index;
	c->diag->document = index;
	handle_object(c, root, "", 0);
	return c->oom ? PODLIFE_ENOMEM : PODLIFE_OK;
}

static bool looks_like_json(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
			continue;
		return ch == '{' || ch == '[';
	}
	return false;
}

int podlife_pod_parse(const char *data, size_t len, const podlife_parse_options *opts,
                      podlife_pod_list **out, podlife_diag **diag_out)
{
	podlife_parse_options dflt = PODLIFE_PARSE_OPTIONS_INIT;
	if (!opts)
		opts = &dflt;
	if (diag_out)
		*diag_out = NULL;
	if ((!data && len) || !out)
		return PODLIFE_EINVAL;
	if (opts->version != PODLIFE_PARSE_OPTIONS_VERSION)
		return PODLIFE_EVERSION;
	pl_alloc a;
	int rc = pl_alloc_resolve(&a, opts->allocator);
	if (rc != PODLIFE_OK)
		return rc;

	pl_read_limits lim = {
		opts->max_bytes ? opts->max_bytes : DEFAULT_MAX_BYTES,
		opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH,
		opts->max_nodes ? opts->max_nodes : DEFAULT_MAX_NODES,
	};
	parse_ctx c;
	memset(&c, 0, sizeof(c));
	c.a = &a;
	c.flags = opts->flags;
	c.diag = pl_diag_new(&a);
	if (!c.diag)
		return PODLIFE_ENOMEM;

	if (len > lim.max_bytes) {
		pl_diag_plain(c.diag, PODLIFE_SEVERITY_ERROR, PODLIFE_ETOOBIG, 0, 0,
		              "input is %zu bytes, more than the limit of %zu", len, lim.max_bytes);
		rc = PODLIFE_ETOOBIG;
	} else {
		bool json = (opts->flags & PODLIFE_PARSE_JSON) ||
		            (!(opts->flags & PODLIFE_PARSE_YAML) && looks_like_json(data, len));
		rc = json ? pl_read_json(&a, data ? data : "", len, &lim, c.diag, on_document, &c)
		          : pl_read_yaml(&a, data ? data : "", len, &lim, c.diag, on_document, &c);
	}
	if (rc == PODLIFE_OK) {
		if (c.oom || c.diag->oom)
			rc = PODLIFE_ENOMEM;
		else if (c.decode_failed)
			rc = PODLIFE_EPARSE;
		else if (c.invalid)
			rc = PODLIFE_EINVALID;
	}
	podlife_pod_list *list = NULL;
	if (rc == PODLIFE_OK) {
		list = pl_calloc(&a, 1, sizeof(*list));
		if (!list)
			rc = PODLIFE_ENOMEM;
	}
	if (rc != PODLIFE_OK) {
		for (size_t i = 0; i < c.n; i++)
			pod_free(c.pods[i]);
		pl_free(&a, c.pods);
	} else {
		list->a = a;
		list->n = c.n;
		list->pods = c.pods;
		*out = list;
	}
	if (diag_out)
		*diag_out = c.diag;
	else
		podlife_diag_free(c.diag);
	return rc;
}

int podlife_pod_parse_file(const char *path, const podlife_parse_options *opts,
                           podlife_pod_list **out, podlife_diag **diag_out)
{
	podlife_parse_options dflt = PODLIFE_PARSE_OPTIONS_INIT;
	if (!opts)
		opts = &dflt;
	if (diag_out)
		*diag_out = NULL;
	if (!path || !out)
		return PODLIFE_EINVAL;
	if (opts->version != PODLIFE_PARSE_OPTIONS_VERSION)
		return PODLIFE_EVERSION;
	pl_alloc a;
	int rc = pl_alloc_resolve(&a, opts->allocator);
	if (rc != PODLIFE_OK)
		return rc;
	size_t max = opts->max_bytes ? opts->max_bytes : DEFAULT_MAX_BYTES;
	char *data = NULL;
	size_t len = 0;
	rc = pl_read_file(&a, path, max, &data, &len);
	if (rc != PODLIFE_OK) {
		if (diag_out) {
			*diag_out = pl_diag_new(&a);
			if (*diag_out)
				pl_diag_plain(*diag_out, PODLIFE_SEVERITY_ERROR, rc, 0, 0, "%s: %s", path,
				              rc == PODLIFE_ETOOBIG ? "file larger than the size limit"
				                                    : "cannot read file");
		}
		return rc;
	}
	rc = podlife_pod_parse(data, len, opts, out, diag_out);
	pl_free(&a, data);
	return rc;
}

size_t podlife_pod_list_count(const podlife_pod_list *list)
{
	return list ? list->n : 0;
}

podlife_pod *podlife_pod_list_get(const podlife_pod_list *list, size_t i)
{
	if (!list || i >= list->n)
		return NULL;
	return list->pods[i];
}

void podlife_pod_list_free(podlife_pod_list *list)
{
	if (!list)
		return;
	pl_alloc a = list->a;
	for (size_t i = 0; i < list->n; i++)
		podlife_pod_release(list->pods[i]);
	pl_free(&a, list->pods);
	pl_free(&a, list);
}

podlife_pod *podlife_pod_retain(podlife_pod *pod)
{
	if (pod)
		atomic_fetch_add_explicit(&pod->refs, 1, memory_order_relaxed);
	return pod;
}

void podlife_pod_release(podlife_pod *pod)
{
	if (pod && atomic_fetch_sub_explicit(&pod->refs, 1, memory_order_acq_rel) == 1)
		pod_free(pod);
}

const char *podlife_pod_name(const podlife_pod *pod)
{
	if (!pod || !pod->m->metadata)
		return "";
	const pl_meta *md = pod->m->metadata;
	return md->name ? md->name : "";
}

const char *podlife_pod_namespace(const podlife_pod *pod)
{
	if (!pod || !pod->m->metadata || !pod->m->metadata->namespace_)
		return "";
	return pod->m->metadata->namespace_;
}

const char *podlife_pod_source_kind(const podlife_pod *pod)
{
	return pod ? pod->source_kind : "";
}

unsigned int podlife_pod_document(const podlife_pod *pod)
{
	return pod ? pod->document : 0;
}

int podlife_pod_to_json(const podlife_pod *pod, unsigned int flags, char **out)
{
	if (!pod || !out)
		return PODLIFE_EINVAL;
	json_t *j = pl_obj_to_json(pod->m);
	if (!j)
		return PODLIFE_ENOMEM;
	char *s = json_dumps(j, (flags & PODLIFE_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT);
	json_decref(j);
	if (!s)
		return PODLIFE_ENOMEM;
	*out = s; /* jansson allocates with malloc: podlife_free releases it */
	return PODLIFE_OK;
}
