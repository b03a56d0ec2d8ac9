/*
 * lib/spec/validate.c - the API server's Pod validation on the typed model.
 *
 * Follows pkg/apis/core/validation/validation.go (ValidatePodCreate,
 * validatePodMetadataAndSpec, ValidatePodSpec, validateContainers,
 * validateInitContainers, validateContainerCommon, ...) and the helpers of
 * k8s.io/apimachinery/pkg/util/validation, in their order and with their
 * messages.  Fields the model keeps verbatim (affinity, tolerations, ...)
 * are not validated.  Go iterates maps in random order; map entries are
 * checked here in document order.
 *
 * Feature gates are taken as in Kubernetes 1.33 defaults
 * (RelaxedEnvironmentVariableValidation, RelaxedDNSSearchValidation,
 * PodLifecycleSleepActionAllowZero and InPlacePodVerticalScaling on), plus
 * ContainerStopSignals and, for Pods, ContainerRestartRules (KEP-5307),
 * which the engine implements.  Admission plugins (ServiceAccount, ...) do
 * not run, so checks that only fail before admission fills fields in are
 * left out.  Warnings follow pkg/api/pod/warnings.go.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantity.h"
#include "validate.h"

/* ---- messages of k8s.io/apimachinery/pkg/util/validation ---------------------- */

#define DNS1123_LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define LABEL_VALUE_FMT "(" QNAME_FMT ")?"
#define CONFIG_KEY_FMT "[-._a-zA-Z0-9]+"
#define HTTP_HEADER_FMT "[-A-Za-z0-9]+"

#define MSG_LABEL                                                                            \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', " \
	"regex used for validation is '" DNS1123_LABEL_FMT "')"
#define MSG_SUBDOMAIN                                                                        \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' " \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "    \
	"regex used for validation is '" DNS1123_SUBDOMAIN_FMT "')"
#define MSG_QNAME_BODY                                                                       \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with " \
	"an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "   \
	"for validation is '" QNAME_FMT "')"
#define MSG_LABEL_VALUE                                                                      \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' " \
	"or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "   \
	"'my_value',  or '12345', regex used for validation is '" LABEL_VALUE_FMT "')"
#define MSG_CONFIG_KEY                                                                       \
	"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "    \
	"'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '"            \
	CONFIG_KEY_FMT "')"
#define MSG_HTTP_HEADER                                                                      \
	"a valid HTTP header must consist of alphanumeric characters or '-' (e.g. "             \
	"'X-Header-Name', regex used for validation is '" HTTP_HEADER_FMT "')"
#define MSG_RELAXED_ENV "a valid environment variable name must consist only of printable ASCII characters other than '='"
#define MSG_NONNEG "must be greater than or equal to 0"
#define MSG_PORT_RANGE "must be between 1 and 65535, inclusive"
#define MSG_ID_RANGE "must be between 0 and 2147483647, inclusive"
#define MSG_FILE_MODE "must be a number between 0 and 0777 (octal), both inclusive"
#define MSG_NO_INIT "may not be set for init containers without restartPolicy=Always"
#define MSG_MORE_HANDLERS "may not specify more than 1 handler type"
#define MSG_MORE_VOLUMES "may not specify more than 1 volume type"

static const char *const pull_policies[] = {"Always", "IfNotPresent", "Never", NULL};

typedef struct msgs {
	const char *m[8];
	int n;
} msgs;

static void add(msgs *ms, const char *m)
{
	if (ms->n < 8)
		ms->m[ms->n++] = m;
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool label_re(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool subdomain_re(const char *s)
{
	size_t n = strlen(s);
	size_t start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == '.') {
			if (!label_re(s + start, i - start))
				return false;
			start = i + 1;
		}
	return true;
}

static bool qname_re(const char *s, size_t n)
{
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* IsDNS1123Label */
static msgs is_dns_label(const char *s)
{
	msgs r = {{0}, 0};
	size_t n = strlen(s);
	if (n > 63)
		add(&r, "must be no more than 63 characters");
	if (!label_re(s, n))
		add(&r, subdomain_re(s) ? "must not contain dots" : MSG_LABEL);
	return r;
}

/* IsDNS1123Subdomain */
static msgs is_dns_subdomain(const char *s)
{
	msgs r = {{0}, 0};
	if (strlen(s) > 253)
		add(&r, "must be no more than 253 characters");
	if (!subdomain_re(s))
		add(&r, MSG_SUBDOMAIN);
	return r;
}

/* IsQualifiedName */
static msgs is_qualified_name(const char *s)
{
	msgs r = {{0}, 0};
	const char *slash = strchr(s, '/');
	const char *name = s;
	if (slash) {
		if (strchr(slash + 1, '/')) {
			add(&r, MSG_QNAME_BODY " with an optional DNS subdomain prefix and '/' (e.g. "
			        "'example.com/MyName')");
			return r;
		}
		size_t plen = (size_t)(slash - s);
		if (plen == 0) {
			add(&r, "prefix part must be non-empty");
		} else {
			char prefix[512];
			bool long_prefix = plen > 253;
			size_t copy = plen < sizeof(prefix) - 1 ? plen : sizeof(prefix) - 1;
			memcpy(prefix, s, copy);
			prefix[copy] = '\0';
			if (long_prefix)
				add(&r, "prefix part must be no more than 253 characters");
			if (!subdomain_re(prefix) || copy < plen)
				add(&r, "prefix part " MSG_SUBDOMAIN);
		}
		name = slash + 1;
	}
	size_t n = strlen(name);
	if (n == 0)
		add(&r, "name part must be non-empty");
	else if (n > 63)
		add(&r, "name part must be no more than 63 characters");
	if (!qname_re(name, n))
		add(&r, "name part " MSG_QNAME_BODY);
	return r;
}

/* IsValidLabelValue */
static msgs is_label_value(const char *s)
{
	msgs r = {{0}, 0};
	size_t n = strlen(s);
	if (n > 63)
		add(&r, "must be no more than 63 characters");
	if (n > 0 && !qname_re(s, n))
		add(&r, MSG_LABEL_VALUE);
	return r;
}

/* IsValidPortName (IANA_SVC_NAME) */
static msgs is_port_name(const char *s)
{
	msgs r = {{0}, 0};
	size_t n = strlen(s);
	if (n > 15)
		add(&r, "must be no more than 15 characters");
	bool charset = n > 0, letter = false;
	for (size_t i = 0; i < n; i++) {
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			charset = false;
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
	}
	if (!charset)
		add(&r, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	if (!letter)
		add(&r, "must contain at least one letter (a-z)");
	if (strstr(s, "--"))
		add(&r, "must not contain consecutive hyphens");
	if (n > 0 && (s[0] == '-' || s[n - 1] == '-'))
		add(&r, "must not begin or end with a hyphen");
	return r;
}

/* IsRelaxedEnvVarName */
static msgs is_relaxed_env_name(const char *s)
{
	msgs r = {{0}, 0};
	if (!*s)
		add(&r, "environment variable name must be non-empty");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '=') {
			add(&r, MSG_RELAXED_ENV);
			break;
		}
	return r;
}

/* hasChDirPrefix */
static void chdir_prefix(msgs *r, const char *s)
{
	if (strcmp(s, ".") == 0)
		add(r, "must not be '.'");
	else if (strcmp(s, "..") == 0)
		add(r, "must not be '..'");
	else if (strncmp(s, "..", 2) == 0)
		add(r, "must not start with '..'");
}

/* IsConfigMapKey */
static msgs is_config_key(const char *s)
{
	msgs r = {{0}, 0};
	size_t n = strlen(s);
	if (n > 253)
		add(&r, "must be no more than 253 characters");
	bool ok = n > 0;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			ok = false;
	if (!ok)
		add(&r, MSG_CONFIG_KEY);
	chdir_prefix(&r, s);
	return r;
}

static bool is_http_header_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_alnum(*s) && *s != '-')
			return false;
	return true;
}

/* ---- a string map, so duplicate checks stay linear on hostile lists ----------------- */

typedef struct smap {
	const char **keys; /* borrowed */
	const void **vals;
	size_t cap, n;
} smap;

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t smap_slot(const smap *m, const char *k)
{
	size_t i = (size_t)(str_hash(k) & (m->cap - 1));
	while (m->keys[i] && strcmp(m->keys[i], k) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool smap_get(const smap *m, const char *k, const void **val)
{
	if (!m->cap)
		return false;
	size_t i = smap_slot(m, k);
	if (!m->keys[i])
		return false;
	if (val)
		*val = m->vals[i];
	return true;
}

static bool smap_has(const smap *m, const char *k)
{
	return smap_get(m, k, NULL);
}

/* Inserts or replaces (the last value wins, as in a Go map).  On OOM the
 * entry is dropped. */
static void smap_put(smap *m, const char *k, const void *val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		const char **keys = pl_calloc(pl_alloc_default(), cap, sizeof(*keys));
		const void **vals = pl_calloc(pl_alloc_default(), cap, sizeof(*vals));
		if (!keys || !vals) {
			pl_free(pl_alloc_default(), (void *)keys);
			pl_free(pl_alloc_default(), (void *)vals);
			return;
		}
		smap old = *m;
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				size_t j = smap_slot(m, old.keys[i]);
				m->keys[j] = old.keys[i];
				m->vals[j] = old.vals[i];
				m->n++;
			}
		pl_free(pl_alloc_default(), (void *)old.keys);
		pl_free(pl_alloc_default(), (void *)old.vals);
	}
	size_t i = smap_slot(m, k);
	if (!m->keys[i]) {
		m->keys[i] = k;
		m->n++;
	}
	m->vals[i] = val;
}

static void smap_free(smap *m)
{
	pl_free(pl_alloc_default(), (void *)m->keys);
	pl_free(pl_alloc_default(), (void *)m->vals);
	memset(m, 0, sizeof(*m));
}

static bool node_set(const pl_node *n);
static pl_pos node_pos(const pl_node *n, pl_pos fallback);
static const char *node_str(const pl_node *map, const char *key);

/* ---- context, paths and error emission ------------------------------------------ */

typedef struct vctx {
	podlife_diag *d;
	bool tmpl;
	const pl_pod_model *m;
	const pl_pod_spec *spec;
	pl_buf path;
	smap vols; /* name -> pl_volume, the volumes that passed validation */
	bool grace_set;
	int64_t grace;
} vctx;

static const char *S(const char *s)
{
	return s ? s : "";
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* Appends to the path; returns the mark to go back to. */
static size_t push(vctx *v, const char *fmt, ...) PL_PRINTF(2, 3);
static size_t push(vctx *v, const char *fmt, ...)
{
	size_t mark = v->path.len;
	va_list ap;
	va_start(ap, fmt);
	pl_buf_vpath(&v->path, fmt, ap);
	va_end(ap);
	return mark;
}

static void pop(vctx *v, size_t mark)
{
	if (v->path.oom)
		return;
	v->path.len = mark;
	if (v->path.data)
		v->path.data[mark] = '\0';
}

static void emit(vctx *v, const char *child, podlife_error_type t, const char *val,
                 const char *detail, pl_pos p)
{
	size_t mark = push(v, "%s", child ? child : "");
	pl_diag_field(v->d, PODLIFE_SEVERITY_ERROR, t, pl_buf_cstr(&v->path), val, detail, p.line,
	              p.col);
	pop(v, mark);
}

static void e_str(vctx *v, const char *child, podlife_error_type t, const char *s,
                  const char *detail, pl_pos p)
{
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	pl_buf_quote(&b, S(s));
	emit(v, child, t, b.oom ? "\"\"" : pl_buf_cstr(&b), detail, p);
	pl_buf_free(&b);
}

static void e_int(vctx *v, const char *child, podlife_error_type t, int64_t i,
                  const char *detail, pl_pos p)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)i);
	emit(v, child, t, buf, detail, p);
}

static void req(vctx *v, const char *child, const char *detail, pl_pos p)
{
	emit(v, child, PODLIFE_ERRTYPE_REQUIRED, NULL, detail, p);
}

static void forbid(vctx *v, const char *child, const char *detail, pl_pos p)
{
	emit(v, child, PODLIFE_ERRTYPE_FORBIDDEN, NULL, detail, p);
}

static void inv_s(vctx *v, const char *child, const char *s, const char *detail, pl_pos p)
{
	e_str(v, child, PODLIFE_ERRTYPE_INVALID, s, detail, p);
}

static void inv_i(vctx *v, const char *child, int64_t i, const char *detail, pl_pos p)
{
	e_int(v, child, PODLIFE_ERRTYPE_INVALID, i, detail, p);
}

static void inv_msgs(vctx *v, const char *child, const char *s, msgs ms, pl_pos p)
{
	for (int i = 0; i < ms.n; i++)
		inv_s(v, child, s, ms.m[i], p);
}

/* field.NotSupported: `supported values: "A", "B"` (list NULL-terminated). */
static void not_supported(vctx *v, const char *child, const char *s, const char *const *list,
                          pl_pos p)
{
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	pl_buf_puts(&b, "supported values: ");
	for (size_t i = 0; list[i]; i++) {
		if (i)
			pl_buf_puts(&b, ", ");
		pl_buf_quote(&b, list[i]);
	}
	e_str(v, child, PODLIFE_ERRTYPE_NOT_SUPPORTED, s, pl_buf_cstr(&b), p);
	pl_buf_free(&b);
}

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* ---- metadata ---------------------------------------------------------------------- */

/* ValidateLabels: errors name the map, not the key. */
static void validate_labels(vctx *v, const pl_map *m, pl_pos where)
{
	for (size_t i = 0; i < m->n; i++) {
		const pl_kv *kv = &m->v[i];
		pl_pos kp = kv->pos.line ? kv->pos : where;
		pl_pos vp = kv->vpos.line ? kv->vpos : kp;
		inv_msgs(v, "", S(kv->key), is_qualified_name(S(kv->key)), kp);
		inv_msgs(v, "", S(kv->value), is_label_value(S(kv->value)), vp);
	}
}

/* apimachinery ValidateAnnotations */
static void validate_annotations(vctx *v, const pl_map *m, pl_pos where)
{
	size_t total = 0;
	for (size_t i = 0; i < m->n; i++) {
		const pl_kv *kv = &m->v[i];
		pl_pos kp = kv->pos.line ? kv->pos : where;
		char lower[600];
		const char *k = S(kv->key);
		size_t n = strlen(k);
		if (n < sizeof(lower)) {
			for (size_t j = 0; j <= n; j++)
				lower[j] = (k[j] >= 'A' && k[j] <= 'Z') ? (char)(k[j] - 'A' + 'a') : k[j];
			inv_msgs(v, "", k, is_qualified_name(lower), kp);
		} else {
			inv_msgs(v, "", k, is_qualified_name(k), kp);
		}
		total += n + strlen(S(kv->value));
	}
	if (total > 256 * 1024)
		emit(v, "", PODLIFE_ERRTYPE_TOO_LONG, NULL, "may not be more than 262144 bytes", where);
}

static const char *map_get(const pl_map *m, const char *key, const pl_kv **kv)
{
	for (size_t i = 0; i < m->n; i++)
		if (pl_streq(m->v[i].key, key)) {
			if (kv)
				*kv = &m->v[i];
			return S(m->v[i].value);
		}
	return NULL;
}

/* GetDeletionCostFromPodAnnotations accepts an int32 without '+' or leading zeros. */
static bool valid_deletion_cost(const char *s)
{
	if (!*s)
		return false;
	if (!(s[0] == '-' || strcmp(s, "0") == 0 || (s[0] >= '1' && s[0] <= '9')))
		return false;
	const char *p = s;
	bool neg = false;
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (!*p)
		return false;
	int64_t val = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		val = val * 10 + (*p - '0');
		if (val > 2147483648LL)
			return false;
	}
	return neg ? val <= 2147483648LL : val <= 2147483647LL;
}

static const char *const std_finalizers[] = {"kubernetes", "orphan", "foregroundDeletion", NULL};

static void validate_meta(vctx *v)
{
	const pl_meta *md = v->m->metadata;
	pl_pos none = {0, 0};
	pl_pos root = md ? md->obj.pos : v->m->obj.pos;
	if (v->tmpl) {
		/* ValidatePodTemplateSpec: labels and annotations of the template */
		if (!md)
			return;
		size_t mark = push(v, "labels");
		validate_labels(v, &md->labels, PL_POS(md, labels));
		pop(v, mark);
		mark = push(v, "annotations");
		validate_annotations(v, &md->annotations, PL_POS(md, annotations));
		pop(v, mark);
		return;
	}
	size_t mark = push(v, "metadata");
	if (md && !empty(md->generate_name)) {
		/* NameIsDNSSubdomain with prefix: a trailing '-' is allowed */
		char buf[300];
		const char *g = md->generate_name;
		size_t n = strlen(g);
		const char *check = g;
		if (n > 0 && g[n - 1] == '-' && n < sizeof(buf)) {
			memcpy(buf, g, n + 1);
			buf[n - 1] = 'a';
			check = buf;
		}
		inv_msgs(v, ".generateName", g, is_dns_subdomain(check), PL_POS(md, generate_name));
	}
	if (!md || empty(md->name)) {
		if (!md || empty(md->generate_name))
			req(v, ".name", "name or generateName is required", md ? PL_POS(md, name) : root);
	} else {
		inv_msgs(v, ".name", md->name, is_dns_subdomain(md->name), PL_POS(md, name));
	}
	if (md && !empty(md->namespace_))
		inv_msgs(v, ".namespace", md->namespace_, is_dns_label(md->namespace_),
		         PL_POS(md, namespace_));
	if (md && PL_HAS(md, generation) && md->generation < 0)
		inv_i(v, ".generation", md->generation, MSG_NONNEG, PL_POS(md, generation));
	if (md) {
		size_t m2 = push(v, ".labels");
		validate_labels(v, &md->labels, PL_POS(md, labels));
		pop(v, m2);
		m2 = push(v, ".annotations");
		validate_annotations(v, &md->annotations, PL_POS(md, annotations));
		pop(v, m2);
		for (size_t i = 0; i < md->finalizers.n; i++) {
			pl_pos p = md->finalizers.pos ? md->finalizers.pos[i] : PL_POS(md, finalizers);
			inv_msgs(v, ".finalizers", md->finalizers.v[i],
			         is_qualified_name(S(md->finalizers.v[i])), p);
		}
		for (size_t i = 0; i < md->finalizers.n; i++) {
			const char *f = S(md->finalizers.v[i]);
			pl_pos p = md->finalizers.pos ? md->finalizers.pos[i] : PL_POS(md, finalizers);
			if (!strchr(f, '/') && !in_list(f, std_finalizers)) {
				char child[48];
				snprintf(child, sizeof(child), ".finalizers[%zu]", i);
				inv_s(v, child, f,
				      "name is neither a standard finalizer name nor is it fully qualified", p);
			}
		}
	}
	pop(v, mark);
	(void)none;
}

static bool has_prefix(const char *s, const char *p);
static bool has_backsteps(const char *s);

/* ValidateSeccompProfile */
static void seccomp_annotation(vctx *v, const char *p, pl_pos pos)
{
	if (!strcmp(p, "runtime/default") || !strcmp(p, "docker/default") || !strcmp(p, "unconfined"))
		return;
	if (has_prefix(p, "localhost/")) {
		const char *rest = p + strlen("localhost/");
		if (rest[0] == '/')
			inv_s(v, "", rest, "must be a relative path", pos);
		if (has_backsteps(rest))
			inv_s(v, "", rest, "must not contain '..'", pos);
		return;
	}
	inv_s(v, "", p, "must be a valid seccomp profile", pos);
}

/* podSpecHasContainer: init, regular and ephemeral containers */
static bool has_container(vctx *v, const char *name)
{
	if (!v->spec)
		return false;
	const pl_list *lists[2] = {&v->spec->init_containers, &v->spec->containers};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n; i++)
			if (pl_streq(PL_ITEM(*lists[k], pl_container, i)->name, name))
				return true;
	const pl_node *eph = v->spec->ephemeral_containers;
	if (eph && eph->kind == PL_N_SEQ)
		for (size_t i = 0; i < eph->n; i++)
			if (!strcmp(node_str(eph->u.items[i], "name"), name))
				return true;
	return false;
}

/* ValidatePodSpecificAnnotations */
static void validate_pod_annotations(vctx *v)
{
	const pl_meta *md = v->m->metadata;
	if (!md)
		return;
	const char *base = v->tmpl ? "annotations" : "metadata.annotations";
	const pl_kv *kv = NULL;
	const char *val = map_get(&md->annotations, "kubernetes.io/config.mirror", &kv);
	if (val && (!v->spec || empty(v->spec->node_name))) {
		size_t mark = push(v, "%s[kubernetes.io/config.mirror]", base);
		inv_s(v, "", val, "must set spec.nodeName if mirror pod annotation is set", kv->vpos);
		pop(v, mark);
	}
	val = map_get(&md->annotations, "controller.kubernetes.io/pod-deletion-cost", &kv);
	if (val && !valid_deletion_cost(val)) {
		size_t mark = push(v, "%s[controller.kubernetes.io/pod-deletion-cost]", base);
		inv_s(v, "", val, "must be a 32bit integer", kv->vpos);
		pop(v, mark);
	}
	/* ValidateSeccompPodAnnotations: these name the annotation as a child */
	static const char pod_seccomp[] = "seccomp.security.alpha.kubernetes.io/pod";
	static const char ctr_seccomp[] = "container.seccomp.security.alpha.kubernetes.io/";
	val = map_get(&md->annotations, pod_seccomp, &kv);
	if (val) {
		size_t mark = push(v, "%s.%s", base, pod_seccomp);
		seccomp_annotation(v, val, kv->vpos);
		pop(v, mark);
	}
	for (size_t i = 0; i < md->annotations.n; i++) {
		const pl_kv *a = &md->annotations.v[i];
		if (!has_prefix(S(a->key), ctr_seccomp))
			continue;
		size_t mark = push(v, "%s.%s", base, a->key);
		seccomp_annotation(v, S(a->value), a->vpos);
		pop(v, mark);
	}
	/* ValidateAppArmorPodAnnotations */
	static const char apparmor[] = "container.apparmor.security.beta.kubernetes.io/";
	for (size_t i = 0; i < md->annotations.n; i++) {
		const pl_kv *a = &md->annotations.v[i];
		if (!has_prefix(S(a->key), apparmor))
			continue;
		const char *ctr = a->key + strlen(apparmor);
		size_t mark = push(v, "%s[%s]", base, a->key);
		if (!has_container(v, ctr))
			inv_s(v, "", ctr, "container not found", a->pos);
		const char *prof = S(a->value);
		if (*prof && strcmp(prof, "runtime/default") != 0 && strcmp(prof, "unconfined") != 0 &&
		    !has_prefix(prof, "localhost/")) {
			pl_buf b;
			pl_buf_init(&b, pl_alloc_default());
			pl_buf_puts(&b, "invalid AppArmor profile name: ");
			pl_buf_quote(&b, prof);
			inv_s(v, "", prof, pl_buf_cstr(&b), a->vpos);
			pl_buf_free(&b);
		}
		pop(v, mark);
	}
}

/* ---- quantities and resources ---------------------------------------------------------- */

/* Parses a quantity (trimmed, as Quantity.UnmarshalJSON does); reports a
 * syntax error at the current path. */
static bool qty(vctx *v, const char *s, pl_quantity *q, pl_pos p)
{
	const char *err = NULL;
	s = S(s);
	char buf[128];
	size_t n = strlen(s), a = 0;
	while (a < n && strchr(" \t\n\v\f\r", s[a]))
		a++;
	while (n > a && strchr(" \t\n\v\f\r", s[n - 1]))
		n--;
	if ((a > 0 || s[n] != '\0') && n - a < sizeof(buf)) {
		memcpy(buf, s + a, n - a);
		buf[n - a] = '\0';
		if (pl_quantity_parse(buf, q, &err) == PODLIFE_OK)
			return true;
	} else if (pl_quantity_parse(s, q, &err) == PODLIFE_OK) {
		return true;
	}
	inv_s(v, "", s, err, p);
	return false;
}

static const char *const std_resources[] = {
	"cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
	"requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
	"pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
	"persistentvolumeclaims", "storage", "requests.storage", "services.nodeports",
	"services.loadbalancers", NULL};

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool is_hugepages(const char *r)
{
	return has_prefix(r, "hugepages-");
}

static bool is_native(const char *r)
{
	return !strchr(r, '/') || strstr(r, "kubernetes.io/") != NULL;
}

static bool is_extended(const char *r)
{
	if (is_native(r) || has_prefix(r, "requests."))
		return false;
	char buf[600];
	if (strlen(r) + 10 >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "requests.%s", r);
	return is_qualified_name(buf).n == 0;
}

static bool overcommit_allowed(const char *r)
{
	return is_native(r) && !is_hugepages(r);
}

/* ValidateContainerResourceName (validateResourceName first) */
static void validate_resource_name(vctx *v, const char *r, pl_pos p)
{
	msgs ms = is_qualified_name(r);
	if (ms.n) {
		inv_msgs(v, "", r, ms, p);
	} else if (!strchr(r, '/') && !in_list(r, std_resources) && !is_hugepages(r) &&
	           !has_prefix(r, "requests.hugepages-")) {
		inv_s(v, "", r, "must be a standard resource type or fully qualified", p);
	}
	if (!strchr(r, '/')) {
		if (strcmp(r, "cpu") != 0 && strcmp(r, "memory") != 0 &&
		    strcmp(r, "ephemeral-storage") != 0 && !is_hugepages(r))
			inv_s(v, "", r, "must be a standard resource for containers", p);
	} else if (!is_native(r) && !is_extended(r)) {
		inv_s(v, "", r, "doesn't follow extended resource name standard", p);
	}
}

/*
 * Go's %#v of a resource.Quantity after SetDefaults_ResourceList's
 * RoundUp(-3), which field.Invalid prints for "must be an integer" (the
 * struct has no value String method).  Quantities that took the inf.Dec
 * path carry a pointer and are shown by their text instead.
 */
static void quantity_gostring(pl_buf *b, const pl_quantity *q, const char *text)
{
	static const char *const formats[] = {"DecimalSI", "BinarySI", "DecimalExponent"};
	if (!q->is_int64) {
		char buf[96];
		pl_quantity_format(q, buf, sizeof(buf));
		pl_buf_quote(b, q->canonical ? text : buf);
		return;
	}
	int64_t amount = q->amount;
	int32_t scale = q->scale;
	bool keep = true;
	if (scale < -3) {
		/* int64Amount.AsScale rounds away from zero */
		uint64_t mag = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
		bool rem = false;
		for (int32_t s = scale; s < -3; s++) {
			if (mag % 10)
				rem = true;
			mag /= 10;
		}
		if (rem)
			mag++;
		amount = amount < 0 ? -(int64_t)mag : (int64_t)mag;
		scale = -3;
		keep = false;
	}
	pl_buf_printf(b,
	              "resource.Quantity{i:resource.int64Amount{value:%lld, scale:%d}, "
	              "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:",
	              (long long)amount, (int)scale);
	pl_buf_quote(b, keep && q->canonical ? text : "");
	pl_buf_printf(b, ", Format:\"%s\"}", formats[q->format < 3 ? q->format : 0]);
}

/* ValidateResourceQuantityValue */
static void validate_quantity_value(vctx *v, const char *r, const char *text, const pl_quantity *q,
                                    pl_pos p)
{
	char buf[96];
	pl_quantity_format(q, buf, sizeof(buf));
	const char *shown = q->canonical ? text : buf;
	if (pl_quantity_is_negative(q))
		inv_s(v, "", shown, MSG_NONNEG, p);
	/* MilliValue() % 1000: rounds away from zero and saturates at the int64
	 * bounds, so whole numbers past 9.2e15 fail too (kubernetes#141349). */
	int64_t milli = 0;
	bool whole = pl_quantity_milli(q, &milli) && milli % 1000 == 0;
	if (is_extended(r) && !whole) {
		pl_buf b;
		pl_buf_init(&b, pl_alloc_default());
		quantity_gostring(&b, q, text);
		if (!b.oom)
			emit(v, "", PODLIFE_ERRTYPE_INVALID, pl_buf_cstr(&b), "must be an integer", p);
		pl_buf_free(&b);
	}
}

static const char *qty_shown(const pl_quantity *q, const char *text, char *buf, size_t n)
{
	pl_quantity_format(q, buf, n);
	return q->canonical ? text : buf;
}

/* IsHugePageResourceValueDivisible, with the message of
 * validateResourceQuantityHugePageValue. */
static void hugepage_value(vctx *v, const char *r, const char *text, const pl_quantity *q, pl_pos p)
{
	if (!is_hugepages(r))
		return;
	pl_quantity page;
	bool ok = false;
	if (pl_quantity_parse(r + strlen("hugepages-"), &page, NULL) == PODLIFE_OK &&
	    !pl_quantity_is_negative(&page) && !pl_quantity_is_zero(&page) &&
	    pl_quantity_is_integer(&page)) {
		int64_t qm, pm;
		if (pl_quantity_milli(q, &qm) && pl_quantity_milli(&page, &pm) && pm > 0)
			ok = qm % pm == 0;
	}
	if (!ok) {
		char buf[96], detail[300];
		snprintf(detail, sizeof(detail), "%s is not positive integer multiple of %s",
		         qty_shown(q, text, buf, sizeof(buf)), r);
		inv_s(v, "", qty_shown(q, text, buf, sizeof(buf)), detail, p);
	}
}

/* ValidateContainerResourceRequirements (limits only for overhead). */
static void validate_resources(vctx *v, const pl_map *limits, const pl_map *requests,
                               pl_pos limits_pos, pl_pos requests_pos)
{
	bool lim_cm = false, req_cm = false, lim_hp = false, req_hp = false;
	smap lims = {0};
	for (size_t i = 0; i < limits->n; i++)
		smap_put(&lims, S(limits->v[i].key), S(limits->v[i].value));
	for (size_t i = 0; i < limits->n; i++) {
		const pl_kv *kv = &limits->v[i];
		const char *r = S(kv->key);
		size_t mark = push(v, ".limits[%s]", r);
		validate_resource_name(v, r, kv->pos.line ? kv->pos : limits_pos);
		pl_quantity q;
		if (qty(v, kv->value, &q, kv->vpos)) {
			validate_quantity_value(v, r, S(kv->value), &q, kv->vpos);
			hugepage_value(v, r, S(kv->value), &q, kv->vpos);
		}
		pop(v, mark);
		if (is_hugepages(r))
			lim_hp = true;
		if (!strcmp(r, "cpu") || !strcmp(r, "memory"))
			lim_cm = true;
	}
	for (size_t i = 0; requests && i < requests->n; i++) {
		const pl_kv *kv = &requests->v[i];
		const char *r = S(kv->key);
		size_t mark = push(v, ".requests[%s]", r);
		validate_resource_name(v, r, kv->pos.line ? kv->pos : requests_pos);
		pl_quantity q;
		bool ok = qty(v, kv->value, &q, kv->vpos);
		if (ok)
			validate_quantity_value(v, r, S(kv->value), &q, kv->vpos);
		pop(v, mark);
		const void *limv = NULL;
		const char *lim = smap_get(&lims, r, &limv) ? limv : NULL;
		pl_quantity lq;
		const char *err;
		if (lim) {
			if (ok && pl_quantity_parse(lim, &lq, &err) == PODLIFE_OK) {
				int c = pl_quantity_cmp(&q, &lq);
				char b1[96], b2[96], detail[300];
				const char *rs = qty_shown(&q, S(kv->value), b1, sizeof(b1));
				const char *ls = qty_shown(&lq, lim, b2, sizeof(b2));
				mark = push(v, ".requests");
				if (c != 0 && !overcommit_allowed(r)) {
					snprintf(detail, sizeof(detail), "must be equal to %s limit of %s", r, ls);
					inv_s(v, "", rs, detail, kv->vpos);
				} else if (c > 0) {
					snprintf(detail, sizeof(detail),
					         "must be less than or equal to %s limit of %s", r, ls);
					inv_s(v, "", rs, detail, kv->vpos);
				}
				pop(v, mark);
			}
		} else if (!overcommit_allowed(r)) {
			req(v, ".limits", "Limit must be set for non overcommitable resources",
			    kv->pos.line ? kv->pos : requests_pos);
		}
		if (ok) {
			mark = push(v, ".requests[%s]", r);
			hugepage_value(v, r, S(kv->value), &q, kv->vpos);
			pop(v, mark);
		}
		if (is_hugepages(r))
			req_hp = true;
		if (!strcmp(r, "cpu") || !strcmp(r, "memory"))
			req_cm = true;
	}
	if (!lim_cm && !req_cm && (req_hp || lim_hp))
		forbid(v, "", "HugePages require cpu or memory", limits_pos);
	smap_free(&lims);
}

/* ---- paths -------------------------------------------------------------------------- */

/* validatePathNoBacksteps */
static bool has_backsteps(const char *s)
{
	const char *p = s;
	for (;;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		if (!e)
			return false;
		p = e + 1;
	}
}

/* validateLocalDescendingPath */
static void local_descending(vctx *v, const char *child, const char *s, pl_pos p)
{
	if (s[0] == '/')
		inv_s(v, child, s, "must be a relative path", p);
	if (has_backsteps(s))
		inv_s(v, child, s, "must not contain '..'", p);
}

/* ---- volumes ------------------------------------------------------------------------- */

/* VolumeSource members in the order validateVolumeSource checks them, with
 * the path it names when a second one is given (two Go typos kept). */
static const struct {
	const char *json;
	const char *forbidden_path;
	int other; /* index in pl_volume.other, or -1 for a typed member */
} vol_sources[] = {
	{"emptyDir", "emptyDir", -1},
	{"hostPath", "hostPath", -1},
	{"gitRepo", "gitRepo", 2},
	{"gcePersistentDisk", "gcePersistentDisk", 0},
	{"awsElasticBlockStore", "awsElasticBlockStore", 1},
	{"secret", "secret", -1},
	{"nfs", "nfs", 3},
	{"iscsi", "iscsi", 4},
	{"glusterfs", "glusterfs", 5},
	{"flocker", "flocker", 11},
	{"persistentVolumeClaim", "persistentVolumeClaim", 6},
	{"rbd", "rbd", 7},
	{"cinder", "cinder", 9},
	{"cephfs", "cephFS", 10},
	{"quobyte", "quobyte", 16},
	{"downwardAPI", "downwarAPI", 12},
	{"fc", "fc", 13},
	{"flexVolume", "flexVolume", 8},
	{"configMap", "configMap", -1},
	{"azureFile", "azureFile", 14},
	{"vsphereVolume", "vsphereVolume", 15},
	{"photonPersistentDisk", "photonPersistentDisk", 18},
	{"portworxVolume", "portworxVolume", 20},
	{"azureDisk", "azureDisk", 17},
	{"storageos", "storageos", 22},
	{"projected", "projected", 19},
	{"scaleIO", "scaleIO", 21},
	{"csi", "csi", 23},
	{"ephemeral", "ephemeral", 24},
	{"image", "image", 25},
};

static bool vol_has(const pl_volume *vol, size_t i, pl_pos *p)
{
	int other = vol_sources[i].other;
	const char *j = vol_sources[i].json;
	if (other >= 0) {
		size_t off = offsetof(pl_volume, other) + (size_t)other * sizeof(pl_node *);
		const pl_node *n = vol->other[other];
		bool has = pl_has(vol, off) || (n && n->kind != PL_N_NULL);
		if (has)
			*p = pl_field_pos(vol, off);
		return has;
	}
	if (!strcmp(j, "emptyDir")) {
		*p = PL_POS(vol, empty_dir);
		return vol->empty_dir != NULL;
	}
	if (!strcmp(j, "hostPath")) {
		*p = PL_POS(vol, host_path);
		return vol->host_path != NULL;
	}
	if (!strcmp(j, "secret")) {
		*p = PL_POS(vol, secret);
		return vol->secret != NULL;
	}
	*p = PL_POS(vol, config_map);
	return vol->config_map != NULL;
}

static const char *const host_path_types[] = {"",          "BlockDevice",       "CharDevice",
                                              "Directory", "DirectoryOrCreate", "File",
                                              "FileOrCreate", "Socket", NULL};

/* validateKeyToPath over the verbatim items of a secret or configMap volume */
static void validate_key_to_paths(vctx *v, const char *child, const pl_node *items, pl_pos where)
{
	if (!items || items->kind != PL_N_SEQ)
		return;
	for (size_t i = 0; i < items->n; i++) {
		const pl_node *it = items->u.items[i];
		pl_pos ip = node_pos(it, where);
		const char *key = node_str(it, "key");
		const char *path = node_str(it, "path");
		pl_pos pp = node_pos(pl_node_get(it, "path"), ip);
		size_t mark = push(v, "%s.items[%zu]", child, i);
		if (!*key)
			req(v, ".key", "", node_pos(pl_node_get(it, "key"), ip));
		if (!*path)
			req(v, ".path", "", pp);
		/* ValidateLocalNonReservedPath */
		local_descending(v, ".path", path, pp);
		if (!strncmp(path, "..", 2) && strncmp(path, "../", 3) != 0)
			inv_s(v, ".path", path, "must not start with '..'", pp);
		const pl_node *mode = pl_node_get(it, "mode");
		if (node_set(mode)) {
			const char *t = pl_node_text(mode);
			char *end = NULL;
			long long m = t ? strtoll(t, &end, 0) : 0;
			if (m > 0777 || m < 0)
				inv_i(v, ".mode", m, MSG_FILE_MODE, node_pos(mode, ip));
		}
		pop(v, mark);
	}
}

static void validate_other_source(vctx *v, const pl_volume *vol, const char *json,
                                  const pl_node *n);

/* validateVolumeSource; returns the number of errors. */
static size_t validate_volume_source(vctx *v, const pl_volume *vol)
{
	size_t before = podlife_diag_count(v->d);
	int nsrc = 0;
	for (size_t i = 0; i < PL_ARRAY_LEN(vol_sources); i++) {
		pl_pos p;
		if (!vol_has(vol, i, &p))
			continue;
		char child[64];
		if (nsrc > 0) {
			snprintf(child, sizeof(child), ".%s", vol_sources[i].forbidden_path);
			forbid(v, child, MSG_MORE_VOLUMES, p);
			continue;
		}
		nsrc++;
		const char *j = vol_sources[i].json;
		if (!strcmp(j, "emptyDir")) {
			const pl_empty_dir *ed = vol->empty_dir;
			if (ed->size_limit) {
				pl_quantity q;
				size_t mark = push(v, ".emptyDir.sizeLimit");
				if (qty(v, ed->size_limit, &q, PL_POS(ed, size_limit)) &&
				    pl_quantity_is_negative(&q))
					forbid(v, "", "SizeLimit field must be a valid resource quantity",
					       PL_POS(ed, size_limit));
				pop(v, mark);
			}
		} else if (!strcmp(j, "hostPath")) {
			const pl_host_path *hp = vol->host_path;
			if (empty(hp->path)) {
				req(v, ".hostPath.path", "", PL_POS(hp, path));
			} else {
				if (has_backsteps(hp->path))
					inv_s(v, ".hostPath.path", hp->path, "must not contain '..'",
					      PL_POS(hp, path));
				if (hp->type && !in_list(hp->type, host_path_types))
					not_supported(v, ".hostPath.type", hp->type, host_path_types,
					              PL_POS(hp, type));
			}
		} else if (!strcmp(j, "secret")) {
			const pl_secret_vol *sv = vol->secret;
			if (empty(sv->secret_name))
				req(v, ".secret.secretName", "", PL_POS(sv, secret_name));
			if (PL_HAS(sv, default_mode) && (sv->default_mode > 0777 || sv->default_mode < 0))
				inv_i(v, ".secret.defaultMode", sv->default_mode, MSG_FILE_MODE,
				      PL_POS(sv, default_mode));
			validate_key_to_paths(v, ".secret", sv->items, PL_POS(sv, items));
		} else if (!strcmp(j, "configMap")) {
			const pl_config_map_vol *cv = vol->config_map;
			if (empty(cv->name))
				req(v, ".configMap.name", "", PL_POS(cv, name));
			if (PL_HAS(cv, default_mode) && (cv->default_mode > 0777 || cv->default_mode < 0))
				inv_i(v, ".configMap.defaultMode", cv->default_mode, MSG_FILE_MODE,
				      PL_POS(cv, default_mode));
			validate_key_to_paths(v, ".configMap", cv->items, PL_POS(cv, items));
		} else {
			validate_other_source(v, vol, j, vol->other[vol_sources[i].other]);
		}
	}
	if (nsrc == 0)
		req(v, "", "must specify a volume type", vol->obj.pos);
	return podlife_diag_count(v->d) - before;
}

/* ValidateVolumes: only volumes without errors can be mounted. */
static void validate_volumes(vctx *v, const pl_list *vols)
{
	for (size_t i = 0; i < vols->n; i++) {
		const pl_volume *vol = PL_ITEM(*vols, pl_volume, i);
		size_t mark = push(v, ".volumes[%zu]", i);
		size_t nerr = validate_volume_source(v, vol);
		if (empty(vol->name)) {
			req(v, ".name", "", PL_POS(vol, name));
			nerr++;
		} else {
			msgs ms = is_dns_label(vol->name);
			inv_msgs(v, ".name", vol->name, ms, PL_POS(vol, name));
			nerr += (size_t)ms.n;
		}
		if (smap_has(&v->vols, S(vol->name))) {
			e_str(v, ".name", PODLIFE_ERRTYPE_DUPLICATE, S(vol->name), NULL,
			      PL_POS(vol, name));
			nerr++;
		}
		if (nerr == 0)
			smap_put(&v->vols, S(vol->name), vol);
		pop(v, mark);
	}
}

static const pl_volume *find_volume(vctx *v, const char *name)
{
	const void *vol = NULL;
	return smap_get(&v->vols, name, &vol) ? vol : NULL;
}

/* ---- containers ------------------------------------------------------------------------ */

static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};

static void validate_ports(vctx *v, const pl_list *ports)
{
	smap names = {0};
	for (size_t i = 0; i < ports->n; i++) {
		const pl_port *pt = PL_ITEM(*ports, pl_port, i);
		size_t mark = push(v, ".ports[%zu]", i);
		if (!empty(pt->name)) {
			msgs ms = is_port_name(pt->name);
			if (ms.n) {
				inv_msgs(v, ".name", pt->name, ms, PL_POS(pt, name));
			} else if (smap_has(&names, pt->name)) {
				e_str(v, ".name", PODLIFE_ERRTYPE_DUPLICATE, pt->name, NULL, PL_POS(pt, name));
			} else {
				smap_put(&names, pt->name, NULL);
			}
		}
		if (pt->container_port == 0)
			req(v, ".containerPort", "", PL_POS(pt, container_port));
		else if (pt->container_port < 1 || pt->container_port > 65535)
			inv_i(v, ".containerPort", pt->container_port, MSG_PORT_RANGE,
			      PL_POS(pt, container_port));
		if (pt->host_port != 0 && (pt->host_port < 1 || pt->host_port > 65535))
			inv_i(v, ".hostPort", pt->host_port, MSG_PORT_RANGE, PL_POS(pt, host_port));
		if (empty(pt->protocol))
			req(v, ".protocol", "", PL_POS(pt, protocol));
		else if (!in_list(pt->protocol, protocols))
			not_supported(v, ".protocol", pt->protocol, protocols, PL_POS(pt, protocol));
		pop(v, mark);
	}
	smap_free(&names);
}

static const char *const env_field_paths[] = {
	"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
	"spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
	"status.podIPs", NULL};

static const char *const downward_labels[] = {
	"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
	"metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
	"spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP",
	"status.podIPs", "spec.host", NULL};

static const char *const resource_field_paths[] = {
	"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
	"requests.ephemeral-storage", "requests.memory", NULL};

/* validateObjectFieldSelector for env (ConvertDownwardAPIFieldLabel first) */
/* validateObjectFieldSelector (ConvertDownwardAPIFieldLabel first), at the
 * fieldRef path already pushed. */
static void validate_field_selector(vctx *v, const char *api, const char *fp_in,
                                    const char *const *exprs, pl_pos papi, pl_pos pfp)
{
	if (empty(api)) {
		req(v, ".apiVersion", "", papi);
		return;
	}
	if (empty(fp_in)) {
		req(v, ".fieldPath", "", pfp);
		return;
	}
	const char *fp = fp_in;
	char detail[600];
	size_t n = strlen(fp);
	/* SplitMaybeSubscriptedPath */
	const char *open = NULL;
	if (n >= 2 && strcmp(fp + n - 2, "']") == 0)
		open = strstr(fp, "['");
	bool subscripted = open && open > fp && open + 2 <= fp + n - 2;
	if (strcmp(api, "v1") != 0) {
		snprintf(detail, sizeof(detail), "error converting fieldPath: unsupported pod version: %s",
		         api);
		inv_s(v, ".fieldPath", fp, detail, pfp);
	} else if (subscripted) {
		size_t plen = (size_t)(open - fp);
		char path[256];
		char sub[512];
		if (plen >= sizeof(path))
			plen = sizeof(path) - 1;
		memcpy(path, fp, plen);
		path[plen] = '\0';
		size_t slen = (size_t)((fp + n - 2) - (open + 2));
		if (slen >= sizeof(sub))
			slen = sizeof(sub) - 1;
		memcpy(sub, open + 2, slen);
		sub[slen] = '\0';
		if (strcmp(path, "metadata.annotations") != 0 && strcmp(path, "metadata.labels") != 0) {
			snprintf(detail, sizeof(detail),
			         "error converting fieldPath: field label does not support subscript: %s", fp);
			inv_s(v, ".fieldPath", fp, detail, pfp);
		} else if (strcmp(path, "metadata.annotations") == 0) {
			for (char *c = sub; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			inv_msgs(v, "", sub, is_qualified_name(sub), pfp);
		} else {
			inv_msgs(v, "", sub, is_qualified_name(sub), pfp);
		}
	} else if (!in_list(fp, downward_labels)) {
		snprintf(detail, sizeof(detail), "error converting fieldPath: field label not supported: %s",
		         fp);
		inv_s(v, ".fieldPath", fp, detail, pfp);
	} else {
		const char *internal = strcmp(fp, "spec.host") == 0 ? "spec.nodeName" : fp;
		if (!in_list(internal, exprs))
			not_supported(v, ".fieldPath", internal, exprs, pfp);
	}
}

static void validate_field_ref(vctx *v, const pl_field_ref *fr)
{
	size_t mark = push(v, ".fieldRef");
	validate_field_selector(v, fr->api_version, fr->field_path, env_field_paths,
	                        PL_POS(fr, api_version), PL_POS(fr, field_path));
	pop(v, mark);
}

static const char *const volume_field_paths[] = {"metadata.annotations", "metadata.labels",
                                                 "metadata.name", "metadata.namespace",
                                                 "metadata.uid", NULL};

/* ValidateLocalNonReservedPath */
static void local_non_reserved(vctx *v, const char *child, const char *path, pl_pos p)
{
	local_descending(v, child, path, p);
	if (!strncmp(path, "..", 2) && strncmp(path, "../", 3) != 0)
		inv_s(v, child, path, "must not start with '..'", p);
}

static void file_mode(vctx *v, const char *child, const pl_node *mode, pl_pos where)
{
	if (!node_set(mode))
		return;
	const char *t = pl_node_text(mode);
	long long m = t ? strtoll(t, NULL, 0) : 0;
	if (m > 0777 || m < 0)
		inv_i(v, child, m, MSG_FILE_MODE, node_pos(mode, where));
}

/* validateDownwardAPIVolumeFile: Go names the source, not the item. */
static void downward_file(vctx *v, const pl_node *it, pl_pos where)
{
	pl_pos ip = node_pos(it, where);
	const char *path = node_str(it, "path");
	pl_pos pp = node_pos(pl_node_get(it, "path"), ip);
	if (!*path)
		req(v, ".path", "", pp);
	local_non_reserved(v, ".path", path, pp);
	const pl_node *fr = pl_node_get(it, "fieldRef");
	const pl_node *rf = pl_node_get(it, "resourceFieldRef");
	if (node_set(fr)) {
		size_t mark = push(v, ".fieldRef");
		const char *api = node_str(fr, "apiVersion");
		validate_field_selector(v, *api ? api : "v1", node_str(fr, "fieldPath"),
		                        volume_field_paths, node_pos(fr, ip),
		                        node_pos(pl_node_get(fr, "fieldPath"), node_pos(fr, ip)));
		pop(v, mark);
		if (node_set(rf))
			inv_s(v, "", "resource",
			      "fieldRef and resourceFieldRef can not be specified simultaneously", ip);
	} else if (node_set(rf)) {
		size_t mark = push(v, ".resourceFieldRef");
		pl_pos rp = node_pos(rf, ip);
		const char *res = node_str(rf, "resource");
		if (!*node_str(rf, "containerName"))
			req(v, ".containerName", "", rp);
		else if (!*res)
			req(v, ".resource", "", rp);
		else if (!in_list(res, resource_field_paths) && !has_prefix(res, "requests.hugepages-") &&
		         !has_prefix(res, "limits.hugepages-"))
			not_supported(v, ".resource", res, resource_field_paths,
			              node_pos(pl_node_get(rf, "resource"), rp));
		pop(v, mark);
	} else {
		req(v, "", "one of fieldRef and resourceFieldRef is required", ip);
	}
	file_mode(v, ".mode", pl_node_get(it, "mode"), ip);
}

/* The volume sources the model keeps verbatim: validatePersistentClaimVolumeSource,
 * validateNFSVolumeSource, validateGitRepoVolumeSource, validateCSIVolumeSource
 * (driver), validateDownwardAPIVolumeSource, validateImageVolumeSource. */
static void validate_other_source(vctx *v, const pl_volume *vol, const char *json,
                                  const pl_node *n)
{
	pl_pos np = node_pos(n, vol->obj.pos);
	if (!n || n->kind != PL_N_MAP)
		return;
	if (!strcmp(json, "persistentVolumeClaim")) {
		if (!*node_str(n, "claimName"))
			req(v, ".persistentVolumeClaim.claimName", "", np);
	} else if (!strcmp(json, "nfs")) {
		const char *path = node_str(n, "path");
		pl_pos pp = node_pos(pl_node_get(n, "path"), np);
		if (!*node_str(n, "server"))
			req(v, ".nfs.server", "", np);
		if (!*path)
			req(v, ".nfs.path", "", pp);
		if (path[0] != '/')
			inv_s(v, ".nfs.path", path, "must be an absolute path", pp);
	} else if (!strcmp(json, "gitRepo")) {
		if (!*node_str(n, "repository"))
			req(v, ".gitRepo.repository", "", np);
		local_descending(v, ".gitRepo.directory", node_str(n, "directory"),
		                 node_pos(pl_node_get(n, "directory"), np));
	} else if (!strcmp(json, "csi")) {
		if (!*node_str(n, "driver"))
			req(v, ".csi.driver", "", np);
	} else if (!strcmp(json, "downwardAPI")) {
		size_t mark = push(v, ".downwardAPI");
		file_mode(v, ".defaultMode", pl_node_get(n, "defaultMode"), np);
		const pl_node *items = pl_node_get(n, "items");
		if (items && items->kind == PL_N_SEQ)
			for (size_t i = 0; i < items->n; i++)
				downward_file(v, items->u.items[i], np);
		pop(v, mark);
	} else if (!strcmp(json, "image")) {
		if (!v->tmpl && !*node_str(n, "reference"))
			req(v, ".image.reference", "", np);
		const char *pp = node_str(n, "pullPolicy");
		if (*pp && !in_list(pp, pull_policies))
			not_supported(v, ".image.pullPolicy", pp, pull_policies,
			              node_pos(pl_node_get(n, "pullPolicy"), np));
	}
}

static bool divisor_ok(const char *res, const pl_quantity *q)
{
	char buf[96];
	pl_quantity_format(q, buf, sizeof(buf));
	if (!strcmp(res, "limits.cpu") || !strcmp(res, "requests.cpu"))
		return !strcmp(buf, "1m") || !strcmp(buf, "1");
	static const char *const mem[] = {"1",   "1k",  "1M",  "1G",  "1T",  "1P", "1E",
	                                  "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei", NULL};
	return in_list(buf, mem);
}

static void validate_resource_field_ref(vctx *v, const pl_resource_field_ref *rf)
{
	size_t mark = push(v, ".resourceFieldRef");
	const char *res = S(rf->resource);
	if (empty(rf->resource)) {
		req(v, ".resource", "", PL_POS(rf, resource));
	} else if (!in_list(res, resource_field_paths) && !has_prefix(res, "requests.hugepages-") &&
	           !has_prefix(res, "limits.hugepages-")) {
		not_supported(v, ".resource", res, resource_field_paths, PL_POS(rf, resource));
	}
	if (rf->divisor) {
		pl_quantity q;
		const char *err;
		if (pl_quantity_parse(rf->divisor, &q, &err) != PODLIFE_OK) {
			inv_s(v, ".divisor", rf->divisor, err, PL_POS(rf, divisor));
		} else if (!pl_quantity_is_zero(&q)) {
			const char *what = NULL;
			if (!strcmp(res, "limits.cpu") || !strcmp(res, "requests.cpu"))
				what = "only divisor's values 1m and 1 are supported with the cpu resource";
			else if (!strcmp(res, "limits.memory") || !strcmp(res, "requests.memory"))
				what = "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource";
			else if (!strcmp(res, "limits.ephemeral-storage") ||
			         !strcmp(res, "requests.ephemeral-storage"))
				what = "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource";
			if (what && !divisor_ok(res, &q))
				inv_s(v, ".divisor", res, what, PL_POS(rf, divisor));
			if ((has_prefix(res, "requests.hugepages-") || has_prefix(res, "limits.hugepages-")) &&
			    !divisor_ok("memory", &q))
				inv_s(v, ".divisor", res,
				      "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource",
				      PL_POS(rf, divisor));
		}
	}
	pop(v, mark);
}

/* validateConfigMapKeySelector / validateSecretKeySelector */
static void validate_key_selector(vctx *v, const char *child, const pl_keyref *k)
{
	size_t mark = push(v, "%s", child);
	inv_msgs(v, ".name", S(k->name), is_dns_subdomain(S(k->name)), PL_POS(k, name));
	if (empty(k->key))
		req(v, ".key", "", PL_POS(k, key));
	else
		inv_msgs(v, ".key", k->key, is_config_key(k->key), PL_POS(k, key));
	pop(v, mark);
}

static void validate_env(vctx *v, const pl_list *env)
{
	for (size_t i = 0; i < env->n; i++) {
		const pl_env *e = PL_ITEM(*env, pl_env, i);
		size_t mark = push(v, ".env[%zu]", i);
		if (empty(e->name))
			req(v, ".name", "", PL_POS(e, name));
		else
			inv_msgs(v, ".name", e->name, is_relaxed_env_name(e->name), PL_POS(e, name));
		const pl_env_source *vf = e->value_from;
		if (vf) {
			size_t m2 = push(v, ".valueFrom");
			int nsrc = 0;
			if (vf->field_ref) {
				nsrc++;
				validate_field_ref(v, vf->field_ref);
			}
			if (vf->resource_field_ref) {
				nsrc++;
				validate_resource_field_ref(v, vf->resource_field_ref);
			}
			if (vf->config_map_key_ref) {
				nsrc++;
				validate_key_selector(v, ".configMapKeyRef", vf->config_map_key_ref);
			}
			if (vf->secret_key_ref) {
				nsrc++;
				validate_key_selector(v, ".secretKeyRef", vf->secret_key_ref);
			}
			if (vf->file_key_ref && vf->file_key_ref->kind != PL_N_NULL)
				nsrc++;
			pl_pos p = PL_POS(e, value_from);
			if (nsrc == 0)
				inv_s(v, "", "",
				      "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
				      p);
			else if (!empty(e->value))
				inv_s(v, "", "", "may not be specified when `value` is not empty", p);
			else if (nsrc > 1)
				inv_s(v, "", "", "may not have more than one field specified at a time", p);
			pop(v, m2);
		}
		pop(v, mark);
	}
}

static void validate_env_from(vctx *v, const pl_list *ef)
{
	for (size_t i = 0; i < ef->n; i++) {
		const pl_env_from *e = PL_ITEM(*ef, pl_env_from, i);
		char child[48];
		snprintf(child, sizeof(child), ".envFrom[%zu]", i);
		size_t mark = push(v, "%s", child);
		if (!empty(e->prefix))
			inv_msgs(v, ".prefix", e->prefix, is_relaxed_env_name(e->prefix), PL_POS(e, prefix));
		int nsrc = 0;
		const pl_keyref *refs[2] = {e->config_map_ref, e->secret_ref};
		const char *names[2] = {".configMapRef", ".secretRef"};
		for (int k = 0; k < 2; k++) {
			if (!refs[k])
				continue;
			nsrc++;
			size_t m2 = push(v, "%s", names[k]);
			if (empty(refs[k]->name)) {
				req(v, ".name", "", PL_POS(refs[k], name));
			} else {
				/* NameIsDNSSubdomain with prefix=true: a trailing '-' is fine */
				char buf[300];
				const char *nm = refs[k]->name;
				size_t n = strlen(nm);
				const char *check = nm;
				if (n && nm[n - 1] == '-' && n < sizeof(buf)) {
					memcpy(buf, nm, n + 1);
					buf[n - 1] = 'a';
					check = buf;
				}
				inv_msgs(v, ".name", nm, is_dns_subdomain(check), PL_POS(refs[k], name));
			}
			pop(v, m2);
		}
		pop(v, mark);
		/* these two name the list, not the entry */
		mark = push(v, ".envFrom");
		if (nsrc == 0)
			inv_s(v, "", "", "must specify one of: `configMapRef` or `secretRef`", e->obj.pos);
		else if (nsrc > 1)
			inv_s(v, "", "", "may not have more than one field specified at a time", e->obj.pos);
		pop(v, mark);
	}
}

/* GetVolumeDeviceMap / GetVolumeMountMap: name -> path (last wins), and
 * the set of the paths kept. */
static void device_maps(const pl_container *c, smap *names, smap *paths)
{
	const pl_node *devs = c->volume_devices;
	if (!devs || devs->kind != PL_N_SEQ)
		return;
	for (size_t i = 0; i < devs->n; i++)
		smap_put(names, node_str(devs->u.items[i], "name"),
		         node_str(devs->u.items[i], "devicePath"));
	for (size_t i = 0; i < names->cap; i++)
		if (names->keys[i])
			smap_put(paths, names->vals[i], NULL);
}

static void mount_maps(const pl_container *c, smap *names, smap *paths)
{
	for (size_t i = 0; i < c->volume_mounts.n; i++) {
		const pl_volume_mount *mt = PL_ITEM(c->volume_mounts, pl_volume_mount, i);
		smap_put(names, S(mt->name), S(mt->mount_path));
	}
	for (size_t i = 0; i < names->cap; i++)
		if (names->keys[i])
			smap_put(paths, names->vals[i], NULL);
}

/* ValidateVolumeDevices */
static void validate_volume_devices(vctx *v, const pl_container *c)
{
	const pl_node *devs = c->volume_devices;
	if (!devs || devs->kind != PL_N_SEQ)
		return;
	pl_pos where = PL_POS(c, volume_devices);
	smap seen_names = {0}, seen_paths = {0}, mnames = {0}, mpaths = {0};
	mount_maps(c, &mnames, &mpaths);
	for (size_t i = 0; i < devs->n; i++) {
		const pl_node *d = devs->u.items[i];
		const char *name = node_str(d, "name");
		const char *path = node_str(d, "devicePath");
		pl_pos np = node_pos(pl_node_get(d, "name"), node_pos(d, where));
		pl_pos pp = node_pos(pl_node_get(d, "devicePath"), node_pos(d, where));
		const pl_volume *vol = find_volume(v, name);
		bool pvc = vol && (node_set(vol->other[6]) || node_set(vol->other[24]));
		size_t mark = push(v, ".volumeDevices[%zu]", i);
		if (!*name)
			req(v, ".name", "", np);
		bool dup_path = smap_has(&seen_paths, path);
		if (smap_has(&seen_names, name))
			inv_s(v, ".name", name, "must be unique", np);
		if (vol && !pvc)
			inv_s(v, ".name", name,
			      "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
			      np);
		if (!vol)
			e_str(v, ".name", PODLIFE_ERRTYPE_NOT_FOUND, name, NULL, np);
		if (!*path)
			req(v, ".devicePath", "", pp);
		if (dup_path)
			inv_s(v, ".devicePath", path, "must be unique", pp);
		if (*path && has_backsteps(path))
			inv_s(v, ".devicePath", path, "can not contain backsteps ('..')", pp);
		else
			smap_put(&seen_paths, path, NULL);
		if (smap_has(&mnames, name))
			inv_s(v, ".name", name, "must not already exist in volumeMounts", np);
		if (smap_has(&mpaths, path))
			inv_s(v, ".devicePath", path, "must not already exist as a path in volumeMounts", pp);
		if (*name)
			smap_put(&seen_names, name, NULL);
		pop(v, mark);
	}
	smap_free(&seen_names);
	smap_free(&seen_paths);
	smap_free(&mnames);
	smap_free(&mpaths);
}

static const char *const propagations[] = {"Bidirectional", "HostToContainer", "None", NULL};
static const char *const rro_values[] = {"Disabled", "Enabled", "IfPossible", NULL};

/* ValidateVolumeMounts */
static void validate_mounts(vctx *v, const pl_container *c)
{
	const pl_list *mounts = &c->volume_mounts;
	smap seen = {0}, dnames = {0}, dpaths = {0};
	device_maps(c, &dnames, &dpaths);
	for (size_t i = 0; i < mounts->n; i++) {
		const pl_volume_mount *mt = PL_ITEM(*mounts, pl_volume_mount, i);
		size_t mark = push(v, ".volumeMounts[%zu]", i);
		pl_pos np = PL_POS(mt, name), pp = PL_POS(mt, mount_path);
		if (empty(mt->name))
			req(v, ".name", "", np);
		const pl_volume *vol = find_volume(v, S(mt->name));
		if (!vol)
			e_str(v, ".name", PODLIFE_ERRTYPE_NOT_FOUND, S(mt->name), NULL, np);
		if (empty(mt->mount_path))
			req(v, ".mountPath", "", pp);
		if (smap_has(&seen, S(mt->mount_path)))
			inv_s(v, ".mountPath", S(mt->mount_path), "must be unique", pp);
		smap_put(&seen, S(mt->mount_path), NULL);
		if (smap_has(&dnames, S(mt->name)))
			inv_s(v, ".name", S(mt->name), "must not already exist in volumeDevices", np);
		if (smap_has(&dpaths, S(mt->mount_path)))
			inv_s(v, ".mountPath", S(mt->mount_path),
			      "must not already exist as a path in volumeDevices", pp);
		if (vol && vol->other[25] && vol->other[25]->kind != PL_N_NULL) {
			/* subPath into image volumes is allowed since 1.33 (KEP-4639) */
			if (!empty(mt->sub_path_expr))
				inv_s(v, ".subPathExpr", mt->sub_path_expr, "not allowed in image volume sources",
				      PL_POS(mt, sub_path_expr));
		}
		pop(v, mark);
		/* Go names the list here, without the index */
		if (!empty(mt->sub_path)) {
			size_t m2 = push(v, ".volumeMounts");
			local_descending(v, ".subPath", mt->sub_path, PL_POS(mt, sub_path));
			pop(v, m2);
		}
		if (!empty(mt->sub_path_expr)) {
			if (!empty(mt->sub_path)) {
				size_t m2 = push(v, ".volumeMounts[%zu]", i);
				inv_s(v, ".subPathExpr", mt->sub_path_expr,
				      "subPathExpr and subPath are mutually exclusive", PL_POS(mt, sub_path_expr));
				pop(v, m2);
			}
			size_t m2 = push(v, ".volumeMounts");
			local_descending(v, ".subPathExpr", mt->sub_path_expr, PL_POS(mt, sub_path_expr));
			pop(v, m2);
		}
		size_t m2 = push(v, ".volumeMounts");
		if (mt->mount_propagation) {
			pl_pos p = PL_POS(mt, mount_propagation);
			if (!in_list(mt->mount_propagation, propagations))
				not_supported(v, ".mountPropagation", mt->mount_propagation, propagations, p);
			bool privileged = c->security_context && PL_HAS(c->security_context, privileged) &&
			                  c->security_context->privileged;
			if (!strcmp(mt->mount_propagation, "Bidirectional") && !privileged)
				forbid(v, ".mountPropagation",
				       "Bidirectional mount propagation is available only to privileged containers",
				       p);
		}
		if (mt->recursive_read_only) {
			const char *r = mt->recursive_read_only;
			pl_pos p = PL_POS(mt, recursive_read_only);
			if (!strcmp(r, "Disabled")) {
			} else if (!strcmp(r, "Enabled") || !strcmp(r, "IfPossible")) {
				if (!mt->read_only)
					forbid(v, ".recursiveReadOnly", "may only be specified when readOnly is true", p);
				if (mt->mount_propagation && strcmp(mt->mount_propagation, "None") != 0)
					forbid(v, ".recursiveReadOnly",
					       "may only be specified when mountPropagation is None or not specified", p);
			} else {
				not_supported(v, ".recursiveReadOnly", r, rro_values, p);
			}
		}
		pop(v, m2);
	}
	smap_free(&seen);
	smap_free(&dnames);
	smap_free(&dpaths);
}

static const char *const tm_policies[] = {"File", "FallbackToLogsOnError", NULL};
static const char *const proc_mounts[] = {"Default", "Unmasked", NULL};
static const char *const seccomp_types[] = {"Localhost", "RuntimeDefault", "Unconfined", NULL};

static void validate_seccomp(vctx *v, const pl_profile *sp)
{
	if (!sp)
		return;
	size_t mark = push(v, ".seccompProfile");
	if (empty(sp->type))
		req(v, ".type", "type is required when seccompProfile is set", PL_POS(sp, type));
	else if (!in_list(sp->type, seccomp_types))
		not_supported(v, ".type", sp->type, seccomp_types, PL_POS(sp, type));
	if (pl_streq(sp->type, "Localhost")) {
		if (!sp->localhost_profile)
			req(v, ".localhostProfile", "must be set when seccomp type is Localhost",
			    PL_POS(sp, localhost_profile));
		else
			local_descending(v, ".localhostProfile", sp->localhost_profile,
			                 PL_POS(sp, localhost_profile));
	} else if (sp->localhost_profile) {
		emit(v, ".localhostProfile", PODLIFE_ERRTYPE_INVALID, NULL,
		     "can only be set when seccomp type is Localhost", PL_POS(sp, localhost_profile));
	}
	pop(v, mark);
}

static void validate_apparmor(vctx *v, const pl_profile *ap)
{
	if (!ap)
		return;
	size_t mark = push(v, ".appArmorProfile");
	const char *t = S(ap->type);
	if (!strcmp(t, "Localhost")) {
		const char *lp = ap->localhost_profile;
		pl_pos p = PL_POS(ap, localhost_profile);
		if (!lp) {
			req(v, ".localhostProfile", "must be set when AppArmor type is Localhost", p);
		} else {
			size_t n = strlen(lp);
			bool padded = n && (lp[0] == ' ' || lp[0] == '\t' || lp[0] == '\n' || lp[0] == '\r' ||
			                    lp[n - 1] == ' ' || lp[n - 1] == '\t' || lp[n - 1] == '\n' ||
			                    lp[n - 1] == '\r');
			if (padded)
				inv_s(v, ".localhostProfile", lp, "must not be padded with whitespace", p);
			else if (n == 0)
				req(v, ".localhostProfile", "must be set when AppArmor type is Localhost", p);
			if (n > 4095)
				emit(v, ".localhostProfile", PODLIFE_ERRTYPE_TOO_LONG, NULL,
				     "may not be more than 4095 bytes", p);
		}
	} else if (!strcmp(t, "RuntimeDefault") || !strcmp(t, "Unconfined")) {
		if (ap->localhost_profile)
			inv_s(v, ".localhostProfile", ap->localhost_profile,
			      "can only be set when AppArmor type is Localhost", PL_POS(ap, localhost_profile));
	} else if (!*t) {
		req(v, ".type", "type is required when appArmorProfile is set", PL_POS(ap, type));
	} else {
		not_supported(v, ".type", t, seccomp_types, PL_POS(ap, type));
	}
	pop(v, mark);
}

static bool host_users(const vctx *v)
{
	return !v->spec || !PL_HAS(v->spec, host_users) || v->spec->host_users;
}

/* ValidateSecurityContext (container) */
static void validate_container_secctx(vctx *v, const pl_security_context *sc)
{
	if (!sc)
		return;
	size_t mark = push(v, ".securityContext");
	if (PL_HAS(sc, run_as_user) && (sc->run_as_user < 0 || sc->run_as_user > 2147483647))
		inv_i(v, ".runAsUser", sc->run_as_user, MSG_ID_RANGE, PL_POS(sc, run_as_user));
	if (PL_HAS(sc, run_as_group) && (sc->run_as_group < 0 || sc->run_as_group > 2147483647))
		inv_i(v, ".runAsGroup", sc->run_as_group, MSG_ID_RANGE, PL_POS(sc, run_as_group));
	if (sc->proc_mount) {
		if (!in_list(sc->proc_mount, proc_mounts))
			not_supported(v, ".procMount", sc->proc_mount, proc_mounts, PL_POS(sc, proc_mount));
		if (host_users(v) && !strcmp(sc->proc_mount, "Unmasked"))
			inv_s(v, ".procMount", sc->proc_mount, "`hostUsers` must be false to use `Unmasked`",
			      PL_POS(sc, proc_mount));
	}
	validate_seccomp(v, sc->seccomp_profile);
	if (PL_HAS(sc, allow_privilege_escalation) && !sc->allow_privilege_escalation) {
		if (PL_HAS(sc, privileged) && sc->privileged)
			emit(v, "", PODLIFE_ERRTYPE_INVALID, NULL,
			     "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
			     sc->obj.pos);
		if (sc->capabilities)
			for (size_t i = 0; i < sc->capabilities->add.n; i++)
				if (pl_streq(sc->capabilities->add.v[i], "CAP_SYS_ADMIN"))
					emit(v, "", PODLIFE_ERRTYPE_INVALID, NULL,
					     "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
					     sc->obj.pos);
	}
	validate_apparmor(v, sc->app_armor_profile);
	pop(v, mark);
}

static const char *const resize_resources[] = {"cpu", "memory", NULL};
static const char *const resize_policies[] = {"NotRequired", "RestartContainer", NULL};

/* validateResizePolicy (InPlacePodVerticalScaling) */
static void validate_resize_policy(vctx *v, const pl_container *c)
{
	const pl_node *list = c->resize_policy;
	if (!list || list->kind != PL_N_SEQ)
		return;
	pl_pos where = PL_POS(c, resize_policy);
	size_t mark = push(v, ".resizePolicy");
	smap names = {0};
	for (size_t i = 0; i < list->n; i++) {
		const pl_node *it = list->u.items[i];
		const char *name = node_str(it, "resourceName");
		const char *rp = node_str(it, "restartPolicy");
		pl_pos ip = node_pos(it, where);
		if (smap_has(&names, name)) {
			char child[32];
			snprintf(child, sizeof(child), "[%zu]", i);
			e_str(v, child, PODLIFE_ERRTYPE_DUPLICATE, name, NULL, ip);
		}
		smap_put(&names, name, NULL);
		if (!*name)
			req(v, "", "", ip);
		else if (!in_list(name, resize_resources))
			not_supported(v, "", name, resize_resources, ip);
		if (!*rp)
			req(v, "", "", ip);
		else if (!in_list(rp, resize_policies))
			not_supported(v, "", rp, resize_policies, ip);
		if (v->spec && pl_streq(v->spec->restart_policy, "Never") && strcmp(rp, "NotRequired") != 0)
			inv_s(v, "", rp, "must be 'NotRequired' when `restartPolicy` is 'Never'", ip);
	}
	smap_free(&names);
	pop(v, mark);
}

/* validateContainerCommon */
static void validate_container_common(vctx *v, const pl_container *c)
{
	if (empty(c->name))
		req(v, ".name", "", PL_POS(c, name));
	else
		inv_msgs(v, ".name", c->name, is_dns_label(c->name), PL_POS(c, name));
	if (empty(c->image))
		req(v, ".image", "", PL_POS(c, image));
	if (empty(c->termination_message_policy))
		req(v, ".terminationMessagePolicy", "", PL_POS(c, termination_message_policy));
	else if (!in_list(c->termination_message_policy, tm_policies))
		not_supported(v, ".terminationMessagePolicy", c->termination_message_policy, tm_policies,
		              PL_POS(c, termination_message_policy));
	validate_ports(v, &c->ports);
	validate_env(v, &c->env);
	validate_env_from(v, &c->env_from);
	validate_mounts(v, c);
	validate_volume_devices(v, c);
	if (empty(c->image_pull_policy))
		req(v, ".imagePullPolicy", "", PL_POS(c, image_pull_policy));
	else if (!in_list(c->image_pull_policy, pull_policies))
		not_supported(v, ".imagePullPolicy", c->image_pull_policy, pull_policies,
		              PL_POS(c, image_pull_policy));
	if (c->resources) {
		size_t mark = push(v, ".resources");
		validate_resources(v, &c->resources->limits, &c->resources->requests,
		                   PL_POS(c->resources, limits), PL_POS(c->resources, requests));
		pop(v, mark);
	}
	validate_resize_policy(v, c);
	validate_container_secctx(v, c->security_context);
}

/* ---- probes and handlers ----------------------------------------------------------------- */

static void port_num_or_name(vctx *v, const char *child, const pl_intstr *p, pl_pos pos)
{
	if (p->is_str)
		inv_msgs(v, child, S(p->s), is_port_name(S(p->s)), pos);
	else if (p->i < 1 || p->i > 65535)
		inv_i(v, child, p->i, MSG_PORT_RANGE, pos);
}

static const char *const schemes[] = {"HTTP", "HTTPS", NULL};

static void validate_http_get(vctx *v, const pl_http_get *h)
{
	size_t mark = push(v, ".httpGet");
	if (empty(h->path))
		req(v, ".path", "", PL_POS(h, path));
	port_num_or_name(v, ".port", &h->port, PL_POS(h, port));
	if (!in_list(S(h->scheme), schemes))
		not_supported(v, ".scheme", S(h->scheme), schemes, PL_POS(h, scheme));
	for (size_t i = 0; i < h->http_headers.n; i++) {
		const pl_http_header *hd = PL_ITEM(h->http_headers, pl_http_header, i);
		if (!is_http_header_name(S(hd->name)))
			inv_s(v, ".httpHeaders", S(hd->name), MSG_HTTP_HEADER, PL_POS(hd, name));
	}
	pop(v, mark);
}

/* validateHandler: probes (exec, httpGet, tcpSocket, grpc) or lifecycle
 * handlers (exec, httpGet, tcpSocket, sleep). */
static void validate_handler(vctx *v, const pl_exec_action *exec, const pl_http_get *http,
                             const pl_tcp_socket *tcp, const pl_grpc_action *grpc,
                             const pl_sleep_action *sleep, const void *owner, pl_pos pos[5])
{
	int n = 0;
	(void)owner;
	if (exec) {
		n++;
		if (exec->command.n == 0)
			req(v, ".exec.command", "", PL_POS(exec, command));
	}
	if (http) {
		if (n++)
			forbid(v, ".httpGet", MSG_MORE_HANDLERS, pos[1]);
		else
			validate_http_get(v, http);
	}
	if (tcp) {
		if (n++)
			forbid(v, ".tcpSocket", MSG_MORE_HANDLERS, pos[2]);
		else
			port_num_or_name(v, ".tcpSocket.port", &tcp->port, PL_POS(tcp, port));
	}
	if (grpc) {
		if (n++) {
			forbid(v, ".grpc", MSG_MORE_HANDLERS, pos[3]);
		} else if (grpc->port < 1 || grpc->port > 65535) {
			inv_i(v, ".grpc.port", grpc->port, MSG_PORT_RANGE, PL_POS(grpc, port));
		}
	}
	if (sleep) {
		if (n++) {
			forbid(v, ".sleep", MSG_MORE_HANDLERS, pos[4]);
		} else if (v->grace_set && (sleep->seconds < 0 || sleep->seconds > v->grace)) {
			/* PodLifecycleSleepActionAllowZero (on by default since 1.33) */
			char detail[128];
			snprintf(detail, sizeof(detail),
			         "must be non-negative and less than terminationGracePeriodSeconds (%lld)",
			         (long long)v->grace);
			inv_i(v, ".sleep", sleep->seconds, detail, PL_POS(sleep, seconds));
		}
	}
	if (n == 0)
		req(v, "", "must specify a handler type", pos[0]);
}

enum { PROBE_LIVENESS, PROBE_READINESS, PROBE_STARTUP };

static void validate_probe(vctx *v, const char *child, const pl_probe *p, int kind)
{
	if (!p)
		return;
	size_t mark = push(v, "%s", child);
	pl_pos pos[5] = {p->obj.pos, PL_POS(p, http_get), PL_POS(p, tcp_socket), PL_POS(p, grpc),
	                 p->obj.pos};
	validate_handler(v, p->exec, p->http_get, p->tcp_socket, p->grpc, NULL, p, pos);
	struct {
		const char *name;
		int64_t val;
		pl_pos pos;
	} nn[] = {
		{".initialDelaySeconds", p->initial_delay_seconds, PL_POS(p, initial_delay_seconds)},
		{".timeoutSeconds", p->timeout_seconds, PL_POS(p, timeout_seconds)},
		{".periodSeconds", p->period_seconds, PL_POS(p, period_seconds)},
		{".successThreshold", p->success_threshold, PL_POS(p, success_threshold)},
		{".failureThreshold", p->failure_threshold, PL_POS(p, failure_threshold)},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(nn); i++)
		if (nn[i].val < 0)
			inv_i(v, nn[i].name, nn[i].val, MSG_NONNEG, nn[i].pos);
	bool tgps = PL_HAS(p, termination_grace_period_seconds);
	if (tgps && p->termination_grace_period_seconds <= 0)
		inv_i(v, ".terminationGracePeriodSeconds", p->termination_grace_period_seconds,
		      "must be greater than 0", PL_POS(p, termination_grace_period_seconds));
	if (kind != PROBE_READINESS && p->success_threshold != 1)
		inv_i(v, ".successThreshold", p->success_threshold, "must be 1",
		      PL_POS(p, success_threshold));
	if (kind == PROBE_READINESS && tgps)
		inv_i(v, ".terminationGracePeriodSeconds", p->termination_grace_period_seconds,
		      "must not be set for readinessProbes", PL_POS(p, termination_grace_period_seconds));
	pop(v, mark);
}

/* Signals of ContainerStopSignals, sorted as sets.List sorts them. */
static const char *const linux_signals[] = {
	"SIGABRT", "SIGALRM", "SIGBUS", "SIGCHLD", "SIGCLD", "SIGCONT", "SIGFPE", "SIGHUP",
	"SIGILL", "SIGINT", "SIGIO", "SIGIOT", "SIGKILL", "SIGPIPE", "SIGPOLL", "SIGPROF",
	"SIGPWR", "SIGQUIT", "SIGRTMAX", "SIGRTMAX-1", "SIGRTMAX-10", "SIGRTMAX-11",
	"SIGRTMAX-12", "SIGRTMAX-13", "SIGRTMAX-14", "SIGRTMAX-2", "SIGRTMAX-3", "SIGRTMAX-4",
	"SIGRTMAX-5", "SIGRTMAX-6", "SIGRTMAX-7", "SIGRTMAX-8", "SIGRTMAX-9", "SIGRTMIN",
	"SIGRTMIN+1", "SIGRTMIN+10", "SIGRTMIN+11", "SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14",
	"SIGRTMIN+15", "SIGRTMIN+2", "SIGRTMIN+3", "SIGRTMIN+4", "SIGRTMIN+5", "SIGRTMIN+6",
	"SIGRTMIN+7", "SIGRTMIN+8", "SIGRTMIN+9", "SIGSEGV", "SIGSTKFLT", "SIGSTOP", "SIGSYS",
	"SIGTERM", "SIGTRAP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGUSR1", "SIGUSR2",
	"SIGVTALRM", "SIGWINCH", "SIGXCPU", "SIGXFSZ", NULL};
static const char *const windows_signals[] = {"SIGKILL", "SIGTERM", NULL};

static void validate_lifecycle(vctx *v, const pl_lifecycle *lc)
{
	size_t mark = push(v, ".lifecycle");
	const pl_handler *hs[2] = {lc->post_start, lc->pre_stop};
	const char *names[2] = {".postStart", ".preStop"};
	for (int k = 0; k < 2; k++) {
		const pl_handler *h = hs[k];
		if (!h)
			continue;
		size_t m2 = push(v, "%s", names[k]);
		pl_pos pos[5] = {h->obj.pos, PL_POS(h, http_get), PL_POS(h, tcp_socket), h->obj.pos,
		                 PL_POS(h, sleep)};
		validate_handler(v, h->exec, h->http_get, h->tcp_socket, NULL, h->sleep, h, pos);
		pop(v, m2);
	}
	if (lc->stop_signal) {
		/* validateStopSignal (ContainerStopSignals) */
		const pl_pod_os *os = v->spec ? v->spec->os : NULL;
		pl_pos p = PL_POS(lc, stop_signal);
		if (!os || empty(os->name))
			forbid(v, ".stopSignal", "may not be set for containers with empty `spec.os.name`", p);
		else if (!strcmp(os->name, "windows") && !in_list(lc->stop_signal, windows_signals))
			not_supported(v, ".stopSignal", lc->stop_signal, windows_signals, p);
		else if (!strcmp(os->name, "linux") && !in_list(lc->stop_signal, linux_signals))
			not_supported(v, ".stopSignal", lc->stop_signal, linux_signals, p);
	}
	pop(v, mark);
}

/* ---- restart policies (KEP-5307) --------------------------------------------------------- */

static const char *const ctr_restart_policies[] = {"Always", "Never", "OnFailure", NULL};
static const char *const rule_actions[] = {"Restart", NULL};
static const char *const rule_operators[] = {"In", "NotIn", NULL};

/* validateContainerRestartPolicy: the container restartPolicy and its rules. */
static void validate_container_restart(vctx *v, const pl_container *c)
{
	pl_pos pp = PL_POS(c, restart_policy);
	if (!c->restart_policy) {
		if (c->restart_policy_rules.n == 0)
			return;
		req(v, ".restartPolicy", "must specify restartPolicy when restart rules are used", pp);
	} else if (!in_list(c->restart_policy, ctr_restart_policies)) {
		not_supported(v, ".restartPolicy", c->restart_policy, ctr_restart_policies, pp);
	}
	for (size_t i = 0; i < c->restart_policy_rules.n; i++) {
		const pl_restart_rule *r = PL_ITEM(c->restart_policy_rules, pl_restart_rule, i);
		size_t mark = push(v, ".restartPolicyRules[%zu]", i);
		if (empty(r->action))
			req(v, ".action", "", PL_POS(r, action));
		else if (!in_list(r->action, rule_actions))
			not_supported(v, ".action", r->action, rule_actions, PL_POS(r, action));
		/* a rule without exitCodes is accepted; it never matches */
		const pl_exit_codes *ec = r->exit_codes;
		if (ec) {
			if (empty(ec->operator_))
				req(v, ".exitCodes.operator", "", PL_POS(ec, operator_));
			else if (!in_list(ec->operator_, rule_operators))
				not_supported(v, ".exitCodes.operator", ec->operator_, rule_operators,
				              PL_POS(ec, operator_));
			if (ec->values.n > 255)
				e_int(v, ".exitCodes.values", PODLIFE_ERRTYPE_TOO_MANY,
				      (int64_t)ec->values.n, "must have at most 255 items",
				      PL_POS(ec, values));
		}
		pop(v, mark);
	}
}

/* ---- container lists ---------------------------------------------------------------------- */

/* AccumulateUniqueHostPorts over containers[from, to) */
static void host_port_conflicts(vctx *v, const pl_list *ctrs, size_t from, size_t to)
{
	size_t cap = 0;
	for (size_t c = from; c < to; c++)
		cap += PL_ITEM(*ctrs, pl_container, c)->ports.n;
	if (cap == 0)
		return;
	char **keys = pl_calloc(pl_alloc_default(), cap, sizeof(char *));
	if (!keys)
		return;
	size_t n = 0;
	smap seen = {0};
	for (size_t c = from; c < to; c++) {
		const pl_container *ct = PL_ITEM(*ctrs, pl_container, c);
		for (size_t i = 0; i < ct->ports.n; i++) {
			const pl_port *pt = PL_ITEM(ct->ports, pl_port, i);
			if (pt->host_port == 0)
				continue;
			pl_buf b;
			pl_buf_init(&b, pl_alloc_default());
			pl_buf_printf(&b, "%s/%s/%lld", S(pt->protocol), S(pt->host_ip),
			              (long long)pt->host_port);
			char *k = pl_buf_take(&b);
			if (!k)
				continue;
			keys[n++] = k;
			if (smap_has(&seen, k)) {
				size_t mark = push(v, "[%zu].ports[%zu]", c, i);
				e_str(v, ".hostPort", PODLIFE_ERRTYPE_DUPLICATE, k, NULL, PL_POS(pt, host_port));
				pop(v, mark);
			} else {
				smap_put(&seen, k, NULL);
			}
		}
	}
	smap_free(&seen);
	for (size_t j = 0; j < n; j++)
		pl_free(pl_alloc_default(), keys[j]);
	pl_free(pl_alloc_default(), keys);
}

static void validate_containers(vctx *v, const pl_list *ctrs)
{
	size_t mark = push(v, ".containers");
	if (ctrs->n == 0) {
		req(v, "", "", v->spec->obj.pos);
		pop(v, mark);
		return;
	}
	smap names = {0};
	for (size_t i = 0; i < ctrs->n; i++) {
		const pl_container *c = PL_ITEM(*ctrs, pl_container, i);
		size_t m2 = push(v, "[%zu]", i);
		validate_container_common(v, c);
		if (smap_has(&names, S(c->name)))
			e_str(v, ".name", PODLIFE_ERRTYPE_DUPLICATE, S(c->name), NULL, PL_POS(c, name));
		else
			smap_put(&names, S(c->name), NULL);
		if (c->lifecycle)
			validate_lifecycle(v, c->lifecycle);
		validate_probe(v, ".livenessProbe", c->liveness_probe, PROBE_LIVENESS);
		validate_probe(v, ".readinessProbe", c->readiness_probe, PROBE_READINESS);
		validate_probe(v, ".startupProbe", c->startup_probe, PROBE_STARTUP);
		if (!v->tmpl)
			validate_container_restart(v, c);
		else if (c->restart_policy)
			forbid(v, ".restartPolicy", "may not be set for non-init containers",
			       PL_POS(c, restart_policy));
		pop(v, m2);
	}
	smap_free(&names);
	host_port_conflicts(v, ctrs, 0, ctrs->n);
	pop(v, mark);
}

static const char *const always_only[] = {"Always", NULL};

static void validate_init_containers(vctx *v, const pl_list *inits, const pl_list *regular)
{
	size_t mark = push(v, ".initContainers");
	smap names = {0};
	for (size_t j = 0; j < regular->n; j++)
		smap_put(&names, S(PL_ITEM(*regular, pl_container, j)->name), NULL);
	for (size_t i = 0; i < inits->n; i++) {
		const pl_container *c = PL_ITEM(*inits, pl_container, i);
		size_t m2 = push(v, "[%zu]", i);
		validate_container_common(v, c);
		bool restart_always = false;
		if (c->restart_policy) {
			if (!v->tmpl && strcmp(c->restart_policy, "Always") != 0)
				validate_container_restart(v, c);
			else if (strcmp(c->restart_policy, "Always") != 0)
				not_supported(v, ".restartPolicy", c->restart_policy, always_only,
				              PL_POS(c, restart_policy));
			restart_always = !strcmp(c->restart_policy, "Always");
		}
		/* unique across regular and earlier init containers */
		if (smap_has(&names, S(c->name)))
			e_str(v, ".name", PODLIFE_ERRTYPE_DUPLICATE, S(c->name), NULL, PL_POS(c, name));
		else if (!empty(c->name))
			smap_put(&names, c->name, NULL);
		pop(v, m2);
		host_port_conflicts(v, inits, i, i + 1);
		m2 = push(v, "[%zu]", i);
		if (restart_always) {
			if (c->lifecycle)
				validate_lifecycle(v, c->lifecycle);
			validate_probe(v, ".livenessProbe", c->liveness_probe, PROBE_LIVENESS);
			validate_probe(v, ".readinessProbe", c->readiness_probe, PROBE_READINESS);
			validate_probe(v, ".startupProbe", c->startup_probe, PROBE_STARTUP);
		} else {
			if (c->lifecycle)
				forbid(v, ".lifecycle", MSG_NO_INIT, PL_POS(c, lifecycle));
			if (c->liveness_probe)
				forbid(v, ".livenessProbe", MSG_NO_INIT, PL_POS(c, liveness_probe));
			if (c->readiness_probe)
				forbid(v, ".readinessProbe", MSG_NO_INIT, PL_POS(c, readiness_probe));
			if (c->startup_probe)
				forbid(v, ".startupProbe", MSG_NO_INIT, PL_POS(c, startup_probe));
		}
		pop(v, m2);
	}
	smap_free(&names);
	pop(v, mark);
}

/* ---- pod spec ----------------------------------------------------------------------------- */

static const char *const restart_policies[] = {"Always", "OnFailure", "Never", NULL};
static const char *const dns_policies[] = {"ClusterFirstWithHostNet", "ClusterFirst", "Default",
                                           "None", NULL};
static const char *const fsgroup_policies[] = {"Always", "OnRootMismatch", NULL};
static const char *const supp_group_policies[] = {"Merge", "Strict", NULL};
static const char *const selinux_change_policies[] = {"MountOption", "Recursive", NULL};
static const char *const preemption_policies[] = {"PreemptLowerPriority", "Never", NULL};
static const char *const os_names[] = {"linux", "windows", NULL};

static bool sysctl_segment_ok(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* IsValidSysctlName */
static bool sysctl_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > 253)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == '.' || s[i] == '/') {
			if (!sysctl_segment_ok(s + start, i - start))
				return false;
			start = i + 1;
		}
	return true;
}

/* validatePodSpecSecurityContext */
static void validate_pod_secctx(vctx *v, const pl_pod_spec *spec)
{
	const pl_pod_security_context *sc = spec->security_context;
	if (!sc)
		return;
	size_t mark = push(v, ".securityContext");
	if (PL_HAS(sc, fs_group) && (sc->fs_group < 0 || sc->fs_group > 2147483647))
		inv_i(v, ".fsGroup", sc->fs_group, MSG_ID_RANGE, PL_POS(sc, fs_group));
	if (PL_HAS(sc, run_as_user) && (sc->run_as_user < 0 || sc->run_as_user > 2147483647))
		inv_i(v, ".runAsUser", sc->run_as_user, MSG_ID_RANGE, PL_POS(sc, run_as_user));
	if (PL_HAS(sc, run_as_group) && (sc->run_as_group < 0 || sc->run_as_group > 2147483647))
		inv_i(v, ".runAsGroup", sc->run_as_group, MSG_ID_RANGE, PL_POS(sc, run_as_group));
	for (size_t i = 0; i < sc->supplemental_groups.n; i++) {
		int64_t g = sc->supplemental_groups.v[i];
		if (g < 0 || g > 2147483647) {
			char child[48];
			snprintf(child, sizeof(child), ".supplementalGroups[%zu]", i);
			inv_i(v, child, g, MSG_ID_RANGE, PL_POS(sc, supplemental_groups));
		}
	}
	/* the internal type keeps shareProcessNamespace in the security context */
	if (PL_HAS(spec, share_process_namespace) && spec->share_process_namespace && spec->host_pid)
		emit(v, ".shareProcessNamespace", PODLIFE_ERRTYPE_INVALID, "true",
		     "ShareProcessNamespace and HostPID cannot both be enabled",
		     PL_POS(spec, share_process_namespace));
	smap sysctl_names = {0};
	for (size_t i = 0; i < sc->sysctls.n; i++) {
		const pl_sysctl *s = PL_ITEM(sc->sysctls, pl_sysctl, i);
		size_t m2 = push(v, ".sysctls[%zu]", i);
		bool dup = smap_has(&sysctl_names, S(s->name));
		smap_put(&sysctl_names, S(s->name), NULL);
		if (empty(s->name))
			req(v, ".name", "", PL_POS(s, name));
		else if (!sysctl_name_ok(s->name))
			inv_s(v, ".name", s->name,
			      "must have at most 253 characters and match regex "
			      "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
			      PL_POS(s, name));
		else if (dup)
			e_str(v, ".name", PODLIFE_ERRTYPE_DUPLICATE, s->name, NULL, PL_POS(s, name));
		pop(v, m2);
	}
	smap_free(&sysctl_names);
	if (sc->fs_group_change_policy && !in_list(sc->fs_group_change_policy, fsgroup_policies))
		not_supported(v, ".fsGroupChangePolicy", sc->fs_group_change_policy, fsgroup_policies,
		              PL_POS(sc, fs_group_change_policy));
	validate_seccomp(v, sc->seccomp_profile);
	validate_apparmor(v, sc->app_armor_profile);
	if (sc->supplemental_groups_policy &&
	    !in_list(sc->supplemental_groups_policy, supp_group_policies))
		not_supported(v, ".supplementalGroupsPolicy", sc->supplemental_groups_policy,
		              supp_group_policies, PL_POS(sc, supplemental_groups_policy));
	if (sc->se_linux_change_policy &&
	    !in_list(sc->se_linux_change_policy, selinux_change_policies))
		not_supported(v, ".seLinuxChangePolicy", sc->se_linux_change_policy,
		              selinux_change_policies, PL_POS(sc, se_linux_change_policy));
	pop(v, mark);
}

/* validatePodDNSConfig, for what the verbatim dnsConfig lets us see. */
static void validate_dns_config_body(vctx *v, const pl_node *dc, pl_pos where);

static void validate_dns_config(vctx *v, const pl_pod_spec *spec)
{
	const pl_node *dc = spec->dns_config;
	bool has = dc && dc->kind != PL_N_NULL;
	if (pl_streq(spec->dns_policy, "None")) {
		if (!has) {
			req(v, ".dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None",
			    PL_POS(spec, dns_policy));
			return;
		}
		const pl_node *ns = pl_node_get(dc, "nameservers");
		if (!ns || ns->kind != PL_N_SEQ || ns->n == 0) {
			req(v, ".dnsConfig.nameservers",
			    "must provide at least one DNS nameserver when `dnsPolicy` is None",
			    PL_POS(spec, dns_config));
			return;
		}
	}
	validate_dns_config_body(v, dc, PL_POS(spec, dns_config));
}

/* ---- fields kept verbatim ------------------------------------------------------------ */

static bool node_set(const pl_node *n)
{
	return n && n->kind != PL_N_NULL && !pl_node_is_null_scalar(n);
}

static pl_pos node_pos(const pl_node *n, pl_pos fallback)
{
	if (n && n->line) {
		pl_pos p = {n->line, n->col};
		return p;
	}
	return fallback;
}

/* Text of a scalar member, "" when absent. */
static const char *node_str(const pl_node *map, const char *key)
{
	const pl_node *n = pl_node_get(map, key);
	const char *t = node_set(n) ? pl_node_text(n) : NULL;
	return t ? t : "";
}

static const char *const toleration_ops[] = {"Equal", "Exists", NULL};
static const char *const taint_effects[] = {"NoSchedule", "PreferNoSchedule", "NoExecute", NULL};

/* ValidateTolerations */
static void validate_tolerations(vctx *v, const pl_node *list, pl_pos where)
{
	if (!list || list->kind != PL_N_SEQ)
		return;
	for (size_t i = 0; i < list->n; i++) {
		const pl_node *t = list->u.items[i];
		if (!t || t->kind != PL_N_MAP)
			continue;
		pl_pos tp = node_pos(t, where);
		const char *key = node_str(t, "key");
		const char *op = node_str(t, "operator");
		const char *value = node_str(t, "value");
		const char *effect = node_str(t, "effect");
		pl_pos kp = node_pos(pl_node_get(t, "key"), tp);
		pl_pos op_pos = node_pos(pl_node_get(t, "operator"), tp);
		pl_pos vp = node_pos(pl_node_get(t, "value"), tp);
		pl_pos ep = node_pos(pl_node_get(t, "effect"), tp);
		size_t mark = push(v, ".tolerations[%zu]", i);
		if (*key)
			inv_msgs(v, ".key", key, is_qualified_name(key), kp);
		if (!*key && strcmp(op, "Exists") != 0)
			inv_s(v, ".operator", op,
			      "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
			      op_pos);
		if (node_set(pl_node_get(t, "tolerationSeconds")) && strcmp(effect, "NoExecute") != 0)
			inv_s(v, ".effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set",
			      ep);
		if (!strcmp(op, "Equal") || !*op) {
			msgs ms = is_label_value(value);
			if (ms.n) {
				char joined[1024] = "";
				for (int k = 0; k < ms.n; k++) {
					if (k)
						strncat(joined, ";", sizeof(joined) - strlen(joined) - 1);
					strncat(joined, ms.m[k], sizeof(joined) - strlen(joined) - 1);
				}
				inv_s(v, ".operator", value, joined, vp);
			}
		} else if (!strcmp(op, "Exists")) {
			if (*value)
				inv_s(v, ".operator", value, "value must be empty when `operator` is 'Exists'", vp);
		} else if (!strcmp(op, "Gt") || !strcmp(op, "Lt")) {
			/* numeric comparison (TaintTolerationComparisonOperators, 1.35+) */
		} else {
			not_supported(v, ".operator", op, toleration_ops, op_pos);
		}
		if (*effect && !in_list(effect, taint_effects))
			not_supported(v, ".effect", effect, taint_effects, ep);
		pop(v, mark);
	}
}

/*
 * validatePodMetadataAndSpec also refuses projected serviceAccountToken
 * sources when serviceAccountName is empty, but the ServiceAccount
 * admission plugin always fills in "default" before validation runs, so
 * that check is not made here.
 */

/* IsValidIP: netutils.ParseIPSloppy (IPv4 may have leading zeros). */
static bool ip_ok(const char *s)
{
	if (strchr(s, ':')) {
		unsigned char buf[16];
		return inet_pton(AF_INET6, s, buf) == 1;
	}
	int parts = 0;
	const char *p = s;
	while (parts < 4) {
		int val = 0, digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 4) {
			val = val * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (digits == 0 || digits > 3 || val > 255)
			return false;
		parts++;
		if (parts < 4) {
			if (*p != '.')
				return false;
			p++;
		}
	}
	return *p == '\0';
}

#define MSG_IP "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"

/* Go's %#v of a []string, the value shown for a whole list. */
static void go_strings(pl_buf *b, const pl_node *seq)
{
	pl_buf_puts(b, "[]string{");
	for (size_t i = 0; i < seq->n; i++) {
		if (i)
			pl_buf_puts(b, ", ");
		const char *t = pl_node_text(seq->u.items[i]);
		pl_buf_quote(b, t ? t : "");
	}
	pl_buf_puts(b, "}");
}

static bool label_us_re(const char *s, size_t n)
{
	if (n > 0 && s[0] == '_') {
		s++;
		n--;
	}
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* IsDNS1123SubdomainWithUnderscore */
static msgs is_dns_subdomain_us(const char *s)
{
	msgs r = {{0}, 0};
	size_t n = strlen(s);
	if (n > 253)
		add(&r, "must be no more than 253 characters");
	bool ok = true;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == '.') {
			if (!label_us_re(s + start, i - start))
				ok = false;
			start = i + 1;
		}
	if (!ok)
		add(&r, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
		        "characters, '-', '_' or '.', and must start and end with an alphanumeric "
		        "character (e.g. 'example.com', regex used for validation is "
		        "'_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')");
	return r;
}

/* the rest of validatePodDNSConfig */
static void validate_dns_config_body(vctx *v, const pl_node *dc, pl_pos where)
{
	if (!node_set(dc) || dc->kind != PL_N_MAP)
		return;
	size_t mark = push(v, ".dnsConfig");
	const pl_node *ns = pl_node_get(dc, "nameservers");
	if (ns && ns->kind == PL_N_SEQ) {
		if (ns->n > 3) {
			pl_buf b;
			pl_buf_init(&b, pl_alloc_default());
			go_strings(&b, ns);
			emit(v, ".nameservers", PODLIFE_ERRTYPE_INVALID, pl_buf_cstr(&b),
			     "must not have more than 3 nameservers", node_pos(ns, where));
			pl_buf_free(&b);
		}
		for (size_t i = 0; i < ns->n; i++) {
			const char *t = pl_node_text(ns->u.items[i]);
			if (!ip_ok(t ? t : "")) {
				char child[48];
				snprintf(child, sizeof(child), ".nameservers[%zu]", i);
				inv_s(v, child, t ? t : "", MSG_IP, node_pos(ns->u.items[i], where));
			}
		}
	}
	const pl_node *se = pl_node_get(dc, "searches");
	if (se && se->kind == PL_N_SEQ) {
		size_t total = 0;
		for (size_t i = 0; i < se->n; i++) {
			const char *t = pl_node_text(se->u.items[i]);
			total += strlen(t ? t : "") + (i ? 1 : 0);
		}
		pl_buf b;
		pl_buf_init(&b, pl_alloc_default());
		go_strings(&b, se);
		if (se->n > 32)
			emit(v, ".searches", PODLIFE_ERRTYPE_INVALID, pl_buf_cstr(&b),
			     "must not have more than 32 search paths", node_pos(se, where));
		if (total > 2048)
			emit(v, ".searches", PODLIFE_ERRTYPE_INVALID, pl_buf_cstr(&b),
			     "must not have more than 2048 characters (including spaces) in the search list",
			     node_pos(se, where));
		pl_buf_free(&b);
		for (size_t i = 0; i < se->n; i++) {
			const char *t = pl_node_text(se->u.items[i]);
			t = t ? t : "";
			if (!strcmp(t, "."))
				continue; /* RelaxedDNSSearchValidation */
			char buf[600];
			size_t n = strlen(t);
			if (n >= sizeof(buf))
				n = sizeof(buf) - 1;
			memcpy(buf, t, n);
			buf[n] = '\0';
			if (n && buf[n - 1] == '.')
				buf[n - 1] = '\0';
			char child[48];
			snprintf(child, sizeof(child), ".searches[%zu]", i);
			inv_msgs(v, child, buf, is_dns_subdomain_us(buf), node_pos(se->u.items[i], where));
		}
	}
	const pl_node *op = pl_node_get(dc, "options");
	if (op && op->kind == PL_N_SEQ)
		for (size_t i = 0; i < op->n; i++)
			if (!*node_str(op->u.items[i], "name")) {
				char child[48];
				snprintf(child, sizeof(child), ".options[%zu]", i);
				req(v, child, "must not be empty", node_pos(op->u.items[i], where));
			}
	pop(v, mark);
}

/* validateSchedulingGates */
static void validate_scheduling_gates(vctx *v, const pl_node *gates, pl_pos where)
{
	if (!gates || gates->kind != PL_N_SEQ)
		return;
	smap seen = {0};
	for (size_t i = 0; i < gates->n; i++) {
		const char *name = node_str(gates->u.items[i], "name");
		pl_pos p = node_pos(gates->u.items[i], where);
		char child[48];
		snprintf(child, sizeof(child), ".schedulingGates[%zu]", i);
		inv_msgs(v, child, name, is_qualified_name(name), p);
		if (smap_has(&seen, name))
			e_str(v, child, PODLIFE_ERRTYPE_DUPLICATE, name, NULL, p);
		smap_put(&seen, name, NULL);
	}
	smap_free(&seen);
}

static const char *const when_unsatisfiable[] = {"DoNotSchedule", "ScheduleAnyway", NULL};

/* validateTopologySpreadConstraints (label selectors are not checked) */
static void validate_topology_spread(vctx *v, const pl_node *list, pl_pos where)
{
	if (!list || list->kind != PL_N_SEQ || list->n == 0)
		return;
	/* ValidateSpreadConstraintNotRepeat: is {topologyKey, whenUnsatisfiable}
	 * repeated by a later constraint?  Found in one pass from the end. */
	char **pairs = pl_calloc(pl_alloc_default(), list->n, sizeof(char *));
	bool *repeated = pl_calloc(pl_alloc_default(), list->n, sizeof(bool));
	if (pairs && repeated) {
		smap later = {0};
		for (size_t i = list->n; i-- > 0;) {
			pl_buf b;
			pl_buf_init(&b, pl_alloc_default());
			pl_buf_printf(&b, "%s\x1f%s", node_str(list->u.items[i], "topologyKey"),
			              node_str(list->u.items[i], "whenUnsatisfiable"));
			pairs[i] = pl_buf_take(&b);
			if (!pairs[i])
				continue;
			repeated[i] = smap_has(&later, pairs[i]);
			smap_put(&later, pairs[i], NULL);
		}
		smap_free(&later);
	}
	for (size_t i = 0; i < list->n; i++) {
		const pl_node *c = list->u.items[i];
		if (!c || c->kind != PL_N_MAP)
			continue;
		pl_pos cp = node_pos(c, where);
		size_t mark = push(v, ".topologySpreadConstraints[%zu]", i);
		const pl_node *ms = pl_node_get(c, "maxSkew");
		const char *mst = node_set(ms) ? pl_node_text(ms) : "0";
		long long skew = mst ? strtoll(mst, NULL, 10) : 0;
		if (skew <= 0)
			inv_i(v, ".maxSkew", skew, "must be greater than zero", node_pos(ms, cp));
		const char *key = node_str(c, "topologyKey");
		if (!*key)
			req(v, ".topologyKey", "can not be empty", node_pos(pl_node_get(c, "topologyKey"), cp));
		const char *wu = node_str(c, "whenUnsatisfiable");
		if (!in_list(wu, when_unsatisfiable))
			not_supported(v, ".whenUnsatisfiable", wu, when_unsatisfiable,
			              node_pos(pl_node_get(c, "whenUnsatisfiable"), cp));
		if (repeated && pairs && repeated[i]) {
			pl_buf b;
			pl_buf_init(&b, pl_alloc_default());
			pl_buf_printf(&b, "{%s, %s}", key, wu);
			e_str(v, ".{topologyKey, whenUnsatisfiable}", PODLIFE_ERRTYPE_DUPLICATE,
			      pl_buf_cstr(&b), NULL, cp);
			pl_buf_free(&b);
		}
		const pl_node *md = pl_node_get(c, "minDomains");
		if (node_set(md)) {
			const char *t = pl_node_text(md);
			long long n = t ? strtoll(t, NULL, 10) : 0;
			if (n <= 0)
				inv_i(v, ".minDomains", n, "must be greater than zero", node_pos(md, cp));
			if (strcmp(wu, "DoNotSchedule") != 0) {
				char detail[160];
				snprintf(detail, sizeof(detail),
				         "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not %s", wu);
				inv_i(v, ".minDomains", n, detail, node_pos(md, cp));
			}
		}
		pop(v, mark);
	}
	if (pairs)
		for (size_t i = 0; i < list->n; i++)
			pl_free(pl_alloc_default(), pairs[i]);
	pl_free(pl_alloc_default(), pairs);
	pl_free(pl_alloc_default(), repeated);
}

/* ValidateHostAliases */
static void validate_host_aliases(vctx *v, const pl_node *list, pl_pos where)
{
	if (!list || list->kind != PL_N_SEQ)
		return;
	for (size_t i = 0; i < list->n; i++) {
		const pl_node *h = list->u.items[i];
		pl_pos hp = node_pos(h, where);
		size_t mark = push(v, ".hostAliases[%zu]", i);
		const char *ip = node_str(h, "ip");
		if (!ip_ok(ip))
			inv_s(v, ".ip", ip, MSG_IP, node_pos(pl_node_get(h, "ip"), hp));
		const pl_node *names = pl_node_get(h, "hostnames");
		if (names && names->kind == PL_N_SEQ)
			for (size_t j = 0; j < names->n; j++) {
				const char *t = pl_node_text(names->u.items[j]);
				char child[48];
				snprintf(child, sizeof(child), ".hostnames[%zu]", j);
				inv_msgs(v, child, t ? t : "", is_dns_subdomain(t ? t : ""),
				         node_pos(names->u.items[j], hp));
			}
		pop(v, mark);
	}
}

/* validateWindows: Linux-only fields are forbidden for a windows pod. */
static void validate_windows(vctx *v, const pl_pod_spec *spec)
{
	const char *msg = "cannot be set for a windows pod";
	const pl_pod_security_context *sc = spec->security_context;
	if (sc) {
		if (sc->app_armor_profile)
			forbid(v, ".securityContext.appArmorProfile", msg, PL_POS(sc, app_armor_profile));
		if (sc->se_linux_options)
			forbid(v, ".securityContext.seLinuxOptions", msg, PL_POS(sc, se_linux_options));
	}
	if (PL_HAS(spec, host_users))
		forbid(v, ".hostUsers", msg, PL_POS(spec, host_users));
	if (spec->host_pid)
		forbid(v, ".hostPID", msg, PL_POS(spec, host_pid));
	if (spec->host_ipc)
		forbid(v, ".hostIPC", msg, PL_POS(spec, host_ipc));
	if (sc) {
		if (sc->seccomp_profile)
			forbid(v, ".securityContext.seccompProfile", msg, PL_POS(sc, seccomp_profile));
		if (PL_HAS(sc, fs_group))
			forbid(v, ".securityContext.fsGroup", msg, PL_POS(sc, fs_group));
		if (sc->fs_group_change_policy)
			forbid(v, ".securityContext.fsGroupChangePolicy", msg,
			       PL_POS(sc, fs_group_change_policy));
		if (sc->sysctls.n)
			forbid(v, ".securityContext.sysctls", msg, PL_POS(sc, sysctls));
	}
	if (PL_HAS(spec, share_process_namespace))
		forbid(v, ".shareProcessNamespace", msg, PL_POS(spec, share_process_namespace));
	if (sc) {
		if (PL_HAS(sc, run_as_user))
			forbid(v, ".securityContext.runAsUser", msg, PL_POS(sc, run_as_user));
		if (PL_HAS(sc, run_as_group))
			forbid(v, ".securityContext.runAsGroup", msg, PL_POS(sc, run_as_group));
		if (sc->supplemental_groups.n)
			forbid(v, ".securityContext.supplementalGroups", msg, PL_POS(sc, supplemental_groups));
		if (sc->supplemental_groups_policy)
			forbid(v, ".securityContext.supplementalGroupsPolicy", msg,
			       PL_POS(sc, supplemental_groups_policy));
		if (sc->se_linux_change_policy)
			forbid(v, ".securityContext.seLinuxChangePolicy", msg,
			       PL_POS(sc, se_linux_change_policy));
	}
	/* VisitContainersWithPath: init containers, then containers */
	const pl_list *lists[2] = {&spec->init_containers, &spec->containers};
	const char *names[2] = {"initContainers", "containers"};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			const pl_container *c = PL_ITEM(*lists[k], pl_container, i);
			const pl_security_context *cs = c->security_context;
			if (!cs)
				continue;
			size_t mark = push(v, ".%s[%zu].securityContext", names[k], i);
			if (cs->app_armor_profile)
				forbid(v, ".appArmorProfile", msg, PL_POS(cs, app_armor_profile));
			if (cs->se_linux_options)
				forbid(v, ".seLinuxOptions", msg, PL_POS(cs, se_linux_options));
			if (cs->seccomp_profile)
				forbid(v, ".seccompProfile", msg, PL_POS(cs, seccomp_profile));
			if (cs->capabilities)
				forbid(v, ".capabilities", msg, PL_POS(cs, capabilities));
			if (PL_HAS(cs, read_only_root_filesystem))
				forbid(v, ".readOnlyRootFilesystem", msg, PL_POS(cs, read_only_root_filesystem));
			if (PL_HAS(cs, privileged))
				forbid(v, ".privileged", msg, PL_POS(cs, privileged));
			if (PL_HAS(cs, allow_privilege_escalation))
				forbid(v, ".allowPrivilegeEscalation", msg, PL_POS(cs, allow_privilege_escalation));
			if (cs->proc_mount)
				forbid(v, ".procMount", msg, PL_POS(cs, proc_mount));
			if (PL_HAS(cs, run_as_user))
				forbid(v, ".runAsUser", msg, PL_POS(cs, run_as_user));
			if (PL_HAS(cs, run_as_group))
				forbid(v, ".runAsGroup", msg, PL_POS(cs, run_as_group));
			pop(v, mark);
		}
}

static void validate_spec(vctx *v)
{
	const pl_pod_spec *spec = v->spec;
	size_t mark = push(v, "spec");
	if (!spec) {
		req(v, ".containers", "", v->m->obj.pos);
		pop(v, mark);
		return;
	}
	if (!PL_HAS(spec, termination_grace_period_seconds))
		req(v, ".terminationGracePeriodSeconds", "", spec->obj.pos);
	validate_volumes(v, &spec->volumes);
	validate_containers(v, &spec->containers);
	validate_init_containers(v, &spec->init_containers, &spec->containers);

	/* validatePodHostNetworkDeps */
	if (PL_HAS(spec, host_network) && spec->host_network) {
		for (size_t i = 0; i < spec->containers.n; i++) {
			const pl_container *c = PL_ITEM(spec->containers, pl_container, i);
			for (size_t j = 0; j < c->ports.n; j++) {
				const pl_port *pt = PL_ITEM(c->ports, pl_port, j);
				if ((!v->tmpl || pt->host_port != 0) && pt->host_port != pt->container_port) {
					size_t m2 = push(v, ".containers[%zu].ports[%zu]", i, j);
					inv_i(v, ".hostPort", pt->host_port,
					      "must match `containerPort` when `hostNetwork` is true",
					      PL_POS(pt, host_port));
					pop(v, m2);
				}
			}
		}
	}
	if (empty(spec->restart_policy))
		req(v, ".restartPolicy", "", PL_POS(spec, restart_policy));
	else if (!in_list(spec->restart_policy, restart_policies))
		not_supported(v, ".restartPolicy", spec->restart_policy, restart_policies,
		              PL_POS(spec, restart_policy));
	if (empty(spec->dns_policy))
		req(v, ".dnsPolicy", "", PL_POS(spec, dns_policy));
	else if (!in_list(spec->dns_policy, dns_policies))
		not_supported(v, ".dnsPolicy", spec->dns_policy, dns_policies, PL_POS(spec, dns_policy));
	{
		size_t m2 = push(v, ".nodeSelector");
		validate_labels(v, &spec->node_selector, PL_POS(spec, node_selector));
		pop(v, m2);
	}
	validate_pod_secctx(v, spec);
	/* validateImagePullSecrets: the model keeps only `name` */
	validate_dns_config(v, spec);
	for (size_t i = 0; i < spec->readiness_gates.n; i++) {
		const pl_readiness_gate *g = PL_ITEM(spec->readiness_gates, pl_readiness_gate, i);
		size_t m2 = push(v, ".readinessGates[%zu]", i);
		inv_msgs(v, ".conditionType", S(g->condition_type),
		         is_qualified_name(S(g->condition_type)), PL_POS(g, condition_type));
		pop(v, m2);
	}
	validate_scheduling_gates(v, spec->scheduling_gates, PL_POS(spec, scheduling_gates));
	validate_topology_spread(v, spec->topology_spread_constraints,
	                         PL_POS(spec, topology_spread_constraints));
	/* validateHostUsers */
	if (PL_HAS(spec, host_users) && !spec->host_users) {
		if (spec->host_network)
			forbid(v, ".hostNetwork", "when `pod.Spec.HostUsers` is false",
			       PL_POS(spec, host_network));
		if (spec->host_pid)
			forbid(v, ".HostPID", "when `pod.Spec.HostUsers` is false", PL_POS(spec, host_pid));
		if (spec->host_ipc)
			forbid(v, ".HostIPC", "when `pod.Spec.HostUsers` is false", PL_POS(spec, host_ipc));
	}
	if (!empty(spec->service_account_name))
		inv_msgs(v, ".serviceAccountName", spec->service_account_name,
		         is_dns_subdomain(spec->service_account_name), PL_POS(spec, service_account_name));
	if (!empty(spec->node_name))
		inv_msgs(v, ".nodeName", spec->node_name, is_dns_subdomain(spec->node_name),
		         PL_POS(spec, node_name));
	if (PL_HAS(spec, active_deadline_seconds) &&
	    (spec->active_deadline_seconds < 1 || spec->active_deadline_seconds > 2147483647))
		inv_i(v, ".activeDeadlineSeconds", spec->active_deadline_seconds,
		      "must be between 1 and 2147483647, inclusive", PL_POS(spec, active_deadline_seconds));
	if (!empty(spec->hostname))
		inv_msgs(v, ".hostname", spec->hostname, is_dns_label(spec->hostname),
		         PL_POS(spec, hostname));
	if (!empty(spec->subdomain))
		inv_msgs(v, ".subdomain", spec->subdomain, is_dns_label(spec->subdomain),
		         PL_POS(spec, subdomain));
	validate_tolerations(v, spec->tolerations, PL_POS(spec, tolerations));
	validate_host_aliases(v, spec->host_aliases, PL_POS(spec, host_aliases));
	if (!empty(spec->priority_class_name))
		inv_msgs(v, ".priorityClassName", spec->priority_class_name,
		         is_dns_subdomain(spec->priority_class_name), PL_POS(spec, priority_class_name));
	if (spec->runtime_class_name)
		inv_msgs(v, ".runtimeClassName", spec->runtime_class_name,
		         is_dns_subdomain(spec->runtime_class_name), PL_POS(spec, runtime_class_name));
	if (spec->preemption_policy) {
		if (!*spec->preemption_policy)
			req(v, ".preemptionPolicy", "", PL_POS(spec, preemption_policy));
		else if (!in_list(spec->preemption_policy, preemption_policies))
			not_supported(v, ".preemptionPolicy", spec->preemption_policy, preemption_policies,
			              PL_POS(spec, preemption_policy));
	}
	if (spec->overhead.n) {
		size_t m2 = push(v, ".overhead");
		validate_resources(v, &spec->overhead, NULL, PL_POS(spec, overhead),
		                   PL_POS(spec, overhead));
		pop(v, m2);
	}
	if (spec->os) {
		const pl_pod_os *os = spec->os;
		if (empty(os->name)) {
			req(v, ".os.name", "cannot be empty", PL_POS(os, name));
		} else if (!in_list(os->name, os_names)) {
			not_supported(v, ".os", os->name, os_names, PL_POS(os, name));
		} else if (!strcmp(os->name, "windows")) {
			validate_windows(v, spec);
		} else if (!strcmp(os->name, "linux")) {
			/* validateLinux */
			if (spec->security_context && spec->security_context->windows_options)
				forbid(v, ".securityContext.windowsOptions",
				       "windows options cannot be set for a linux pod",
				       PL_POS(spec->security_context, windows_options));
			/* VisitContainersWithPath: init containers first */
			const pl_list *lists[2] = {&spec->init_containers, &spec->containers};
			const char *names[2] = {"initContainers", "containers"};
			for (int k = 0; k < 2; k++)
				for (size_t i = 0; i < lists[k]->n; i++) {
					const pl_container *c = PL_ITEM(*lists[k], pl_container, i);
					if (c->security_context && c->security_context->windows_options) {
						size_t m2 = push(v, ".%s[%zu]", names[k], i);
						forbid(v, ".securityContext.windowsOptions",
						       "windows options cannot be set for a linux pod",
						       PL_POS(c->security_context, windows_options));
						pop(v, m2);
					}
				}
		}
	}
	pop(v, mark);
}

/* validateContainersOnlyForPod: image without surrounding whitespace. */
static void image_whitespace(vctx *v, const pl_list *ctrs, const char *list)
{
	for (size_t i = 0; i < ctrs->n; i++) {
		const pl_container *c = PL_ITEM(*ctrs, pl_container, i);
		const char *img = S(c->image);
		size_t n = strlen(img);
		if (n == 0)
			continue;
		/* strings.TrimSpace: ASCII space, \t \n \v \f \r (and Unicode spaces) */
		const char *ws = " \t\n\v\f\r";
		if (strchr(ws, img[0]) || strchr(ws, img[n - 1])) {
			size_t mark = push(v, "spec.%s[%zu]", list, i);
			inv_s(v, ".image", img, "must not have leading or trailing whitespace",
			      PL_POS(c, image));
			pop(v, mark);
		}
	}
}

/* ---- warnings (pkg/api/pod/warnings.go GetWarningsForPod) ------------------------------- */

static void warn(vctx *v, const char *child, pl_pos p, const char *fmt, ...) PL_PRINTF(4, 5);
static void warn(vctx *v, const char *child, pl_pos p, const char *fmt, ...)
{
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	pl_buf_printf(&b, "%s%s: ", pl_buf_cstr(&v->path), child);
	va_list ap;
	va_start(ap, fmt);
	pl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.oom)
		pl_diag_plain(v->d, PODLIFE_SEVERITY_WARNING, PODLIFE_OK, p.line, p.col, "%s",
		              pl_buf_cstr(&b));
	pl_buf_free(&b);
}

static const struct {
	int other;
	const char *json;
	const char *msg;
} deprecated_volumes[] = {
	{18, "photonPersistentDisk", "deprecated in v1.11, non-functional in v1.16+"},
	{2, "gitRepo", "deprecated in v1.11"},
	{21, "scaleIO", "deprecated in v1.16, non-functional in v1.22+"},
	{11, "flocker", "deprecated in v1.22, non-functional in v1.25+"},
	{22, "storageos", "deprecated in v1.22, non-functional in v1.25+"},
	{16, "quobyte", "deprecated in v1.22, non-functional in v1.25+"},
	{5, "glusterfs", "deprecated in v1.25, non-functional in v1.26+"},
	{10, "cephfs", "deprecated in v1.28, non-functional in v1.31+"},
	{7, "rbd", "deprecated in v1.28, non-functional in v1.31+"},
};

static void warn_container(vctx *v, const pl_container *c)
{
	static const char *const bytes[] = {"memory", "ephemeral-storage"};
	if (c->resources) {
		const pl_map *maps[2] = {&c->resources->limits, &c->resources->requests};
		const char *names[2] = {"limits", "requests"};
		for (int k = 0; k < 2; k++)
			for (int r = 0; r < 2; r++) {
				const pl_kv *kv = NULL;
				const char *val = map_get(maps[k], bytes[r], &kv);
				pl_quantity q;
				if (!val || pl_quantity_parse(val, &q, NULL) != PODLIFE_OK ||
				    pl_quantity_is_integer(&q))
					continue;
				char buf[96];
				pl_buf qb;
				pl_buf_init(&qb, pl_alloc_default());
				pl_buf_quote(&qb, qty_shown(&q, val, buf, sizeof(buf)));
				char child[64];
				snprintf(child, sizeof(child), ".resources.%s[%s]", names[k], bytes[r]);
				warn(v, child, kv->vpos, "fractional byte value %s is invalid, must be an integer",
				     pl_buf_cstr(&qb));
				pl_buf_free(&qb);
			}
	}
	/* duplicate env names that drop an earlier definition */
	smap names = {0};
	for (size_t i = 0; i < c->env.n; i++) {
		const pl_env *e = PL_ITEM(c->env, pl_env, i);
		if (!smap_has(&names, S(e->name))) {
			smap_put(&names, S(e->name), NULL);
			continue;
		}
		char ref[300];
		snprintf(ref, sizeof(ref), "$(%s)", S(e->name));
		bool bad = e->value_from != NULL || pl_streq(S(e->value), ref) ||
		           !strstr(S(e->value), ref);
		if (bad) {
			pl_buf qb;
			pl_buf_init(&qb, pl_alloc_default());
			pl_buf_quote(&qb, S(e->name));
			char child[48];
			snprintf(child, sizeof(child), ".env[%zu]", i);
			warn(v, child, e->obj.pos,
			     "hides previous definition of %s, which may be dropped when using apply",
			     pl_buf_cstr(&qb));
			pl_buf_free(&qb);
		}
	}
	smap_free(&names);
}

static void warnings(vctx *v)
{
	const pl_pod_spec *spec = v->spec;
	const pl_meta *md = v->m->metadata;
	if (!v->tmpl && md && !empty(md->name)) {
		msgs ms = is_dns_label(md->name);
		if (ms.n && is_dns_subdomain(md->name).n == 0) {
			pl_buf b;
			pl_buf_init(&b, pl_alloc_default());
			pl_buf_puts(&b, "[");
			for (int i = 0; i < ms.n; i++) {
				if (i)
					pl_buf_puts(&b, " ");
				pl_buf_puts(&b, ms.m[i]);
			}
			pl_buf_puts(&b, "]");
			size_t mark = push(v, "metadata");
			warn(v, ".name", PL_POS(md, name),
			     "this is used in the Pod's hostname, which can result in surprising behavior; "
			     "a DNS label is recommended: %s",
			     pl_buf_cstr(&b));
			pop(v, mark);
			pl_buf_free(&b);
		}
	}
	if (!spec)
		return;
	size_t mark = push(v, "spec");
	for (size_t i = 0; i < spec->volumes.n; i++) {
		const pl_volume *vol = PL_ITEM(spec->volumes, pl_volume, i);
		for (size_t k = 0; k < PL_ARRAY_LEN(deprecated_volumes); k++) {
			const pl_node *n = vol->other[deprecated_volumes[k].other];
			if (!n || n->kind == PL_N_NULL)
				continue;
			char child[64];
			snprintf(child, sizeof(child), ".volumes[%zu].%s", i, deprecated_volumes[k].json);
			warn(v, child, (pl_pos){n->line, n->col}, "%s", deprecated_volumes[k].msg);
		}
	}
	if (PL_HAS(spec, termination_grace_period_seconds) &&
	    spec->termination_grace_period_seconds < 0)
		warn(v, ".terminationGracePeriodSeconds", PL_POS(spec, termination_grace_period_seconds),
		     "must be >= 0; negative values are invalid and will be treated as 1");
	const pl_list *lists[2] = {&spec->init_containers, &spec->containers};
	const char *names[2] = {"initContainers", "containers"};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			size_t m2 = push(v, ".%s[%zu]", names[k], i);
			warn_container(v, PL_ITEM(*lists[k], pl_container, i));
			pop(v, m2);
		}
	pop(v, mark);
}

void pl_validate_pod(const pl_pod_model *m, const pl_validate_opts *o, podlife_diag *d)
{
	if (!m || !d)
		return;
	vctx v;
	memset(&v, 0, sizeof(v));
	v.d = d;
	v.m = m;
	v.spec = m->spec;
	v.tmpl = o && o->is_template;
	pl_buf_init(&v.path, pl_alloc_default());
	pl_buf_puts(&v.path, o && o->prefix ? o->prefix : "");
	if (v.spec && PL_HAS(v.spec, termination_grace_period_seconds)) {
		v.grace_set = true;
		v.grace = v.spec->termination_grace_period_seconds;
	}
	size_t base = v.path.len;

	validate_meta(&v);
	validate_pod_annotations(&v);
	pop(&v, base);
	validate_spec(&v);
	pop(&v, base);
	if (!v.tmpl && v.spec) {
		image_whitespace(&v, &v.spec->containers, "containers");
		image_whitespace(&v, &v.spec->init_containers, "initContainers");
	}
	if (v.spec && v.spec->ephemeral_containers && v.spec->ephemeral_containers->kind == PL_N_SEQ &&
	    v.spec->ephemeral_containers->n > 0) {
		pl_pos p = PL_POS(v.spec, ephemeral_containers);
		size_t mark = push(&v, "spec");
		if (v.tmpl) {
			forbid(&v, ".ephemeralContainers",
			       "ephemeral containers not allowed in pod template", p);
		} else {
			/*
			 * ValidatePodCreate refuses them on create; a manifest read
			 * here may describe a running pod, so it is only a warning.
			 */
			pl_buf_puts(&v.path, ".ephemeralContainers");
			pl_diag_field(v.d, PODLIFE_SEVERITY_WARNING, PODLIFE_ERRTYPE_FORBIDDEN,
			              pl_buf_cstr(&v.path), NULL, "cannot be set on create", p.line,
			              p.col);
		}
		pop(&v, mark);
	}
	/* ValidatePodCreate: a Pod cannot be bound while scheduling gates remain */
	if (!v.tmpl && v.spec && !empty(v.spec->node_name) && v.spec->scheduling_gates &&
	    v.spec->scheduling_gates->kind == PL_N_SEQ && v.spec->scheduling_gates->n > 0) {
		size_t mark = push(&v, "spec");
		forbid(&v, ".nodeName", "cannot be set until all schedulingGates have been cleared",
		       PL_POS(v.spec, node_name));
		pop(&v, mark);
	}
	pop(&v, base);
	warnings(&v);
	smap_free(&v.vols);
	pl_buf_free(&v.path);
}
