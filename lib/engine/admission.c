/*
 * lib/engine/admission.c - what the kubelet checks before it runs a pod:
 * the nodeSelector against the node's labels (predicate NodeAffinity,
 * pkg/kubelet/lifecycle/predicate.go) and, when the host sets a level,
 * the Pod Security Standards as Pod Security Admission checks them
 * (k8s.io/pod-security-admission/policy), each violation named; and
 * PodPreset-style presets merged into pods at admission (the former
 * plugin/pkg/admission/podpreset).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "../spec/export.h"
#include "../spec/node.h"

static const char *node_label(const podlife_engine *e, const char *key)
{
	for (size_t i = 0; i < e->n_labels; i++)
		if (strcmp(e->labels[2 * i], key) == 0)
			return e->labels[2 * i + 1];
	return NULL;
}

/* ---- Pod Security Standards ----------------------------------------------------- */

typedef struct pss_ctx {
	pl_buf out;  /* "; "-joined violations */
	size_t n;
} pss_ctx;

static void violation(pss_ctx *x, const char *fmt, ...) PL_PRINTF(2, 3);
static void violation(pss_ctx *x, const char *fmt, ...)
{
	if (x->n++)
		pl_buf_puts(&x->out, ", ");
	va_list ap;
	va_start(ap, fmt);
	pl_buf_vprintf(&x->out, fmt, ap);
	va_end(ap);
}

typedef struct name_list {
	pl_buf b;
	size_t n;
} name_list;

static void nl_add(name_list *l, const char *name)
{
	pl_buf_puts(&l->b, l->n++ ? ", " : "");
	pl_buf_printf(&l->b, "\"%s\"", name ? name : "");
}

/* "container \"a\" must ..." or "containers \"a\", \"b\" must ..." */
static void nl_flush(pss_ctx *x, name_list *l, const char *title, const char *what)
{
	if (l->n)
		violation(x, "%s (container%s %s must %s)", title, l->n > 1 ? "s" : "",
		          pl_buf_cstr(&l->b), what);
	pl_buf_free(&l->b);
}

static size_t all_containers(const pl_pod_spec *s, const pl_container **v, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < s->init_containers.n && n < max; i++)
		v[n++] = PL_ITEM(s->init_containers, pl_container, i);
	for (size_t i = 0; i < s->containers.n && n < max; i++)
		v[n++] = PL_ITEM(s->containers, pl_container, i);
	return n;
}

static bool cap_in(const char *cap, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cap, set[i]) == 0)
			return true;
	return false;
}

static void check_baseline(const podlife_engine *e, const pl_pod_spec *s, pss_ctx *x)
{
	const pl_alloc *a = &e->a;
	const pl_container *cs[256];
	size_t nc = all_containers(s, cs, 256);
	/* hostNamespaces */
	{
		pl_buf b;
		pl_buf_init(&b, a);
		size_t n = 0;
		if (s->host_network) pl_buf_printf(&b, "%shostNetwork=true", n++ ? ", " : "");
		if (s->host_pid) pl_buf_printf(&b, "%shostPID=true", n++ ? ", " : "");
		if (s->host_ipc) pl_buf_printf(&b, "%shostIPC=true", n++ ? ", " : "");
		if (n)
			violation(x, "host namespaces (%s)", pl_buf_cstr(&b));
		pl_buf_free(&b);
	}
	/* privileged */
	name_list l = {{0}, 0};
	pl_buf_init(&l.b, a);
	for (size_t i = 0; i < nc; i++)
		if (cs[i]->security_context && cs[i]->security_context->privileged)
			nl_add(&l, cs[i]->name);
	nl_flush(x, &l, "privileged", "not set securityContext.privileged=true");
	/* capabilities beyond the baseline set */
	static const char *const base_caps[] = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
	                                        "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
	                                        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};
	pl_buf caps;
	pl_buf_init(&caps, a);
	pl_buf_init(&l.b, a);
	l.n = 0;
	size_t ncaps = 0;
	for (size_t i = 0; i < nc; i++) {
		const pl_security_context *sc = cs[i]->security_context;
		if (!sc || !sc->capabilities)
			continue;
		bool bad = false;
		for (size_t k = 0; k < sc->capabilities->add.n; k++) {
			const char *cap = sc->capabilities->add.v[k];
			if (!cap_in(cap, base_caps, PL_ARRAY_LEN(base_caps))) {
				bad = true;
				pl_buf_printf(&caps, "%s\"%s\"", ncaps++ ? ", " : "", cap);
			}
		}
		if (bad)
			nl_add(&l, cs[i]->name);
	}
	if (l.n)
		violation(x, "non-default capabilities (container%s %s must not include %s in securityContext.capabilities.add)",
		          l.n > 1 ? "s" : "", pl_buf_cstr(&l.b), pl_buf_cstr(&caps));
	pl_buf_free(&l.b);
	pl_buf_free(&caps);
	/* hostPath volumes */
	pl_buf_init(&l.b, a);
	l.n = 0;
	for (size_t i = 0; i < s->volumes.n; i++) {
		const pl_volume *v = PL_ITEM(s->volumes, pl_volume, i);
		if (v->host_path)
			nl_add(&l, v->name);
	}
	if (l.n)
		violation(x, "hostPath volume%s (volume%s %s)", l.n > 1 ? "s" : "", l.n > 1 ? "s" : "",
		          pl_buf_cstr(&l.b));
	pl_buf_free(&l.b);
	/* hostPorts */
	pl_buf_init(&l.b, a);
	l.n = 0;
	pl_buf ports;
	pl_buf_init(&ports, a);
	size_t np = 0;
	for (size_t i = 0; i < nc; i++) {
		bool bad = false;
		for (size_t k = 0; k < cs[i]->ports.n; k++) {
			const pl_port *pt = PL_ITEM(cs[i]->ports, pl_port, k);
			if (pt->host_port) {
				bad = true;
				pl_buf_printf(&ports, "%s%lld", np++ ? ", " : "", (long long)pt->host_port);
			}
		}
		if (bad)
			nl_add(&l, cs[i]->name);
	}
	if (l.n)
		violation(x, "hostPort (container%s %s use%s hostPort%s %s)", l.n > 1 ? "s" : "",
		          pl_buf_cstr(&l.b), l.n > 1 ? "" : "s", np > 1 ? "s" : "", pl_buf_cstr(&ports));
	pl_buf_free(&l.b);
	pl_buf_free(&ports);
	/* seccomp Unconfined */
	const pl_pod_security_context *psc = s->security_context;
	if (psc && psc->seccomp_profile && psc->seccomp_profile->type &&
	    strcmp(psc->seccomp_profile->type, "Unconfined") == 0)
		violation(x, "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")");
	pl_buf_init(&l.b, a);
	l.n = 0;
	for (size_t i = 0; i < nc; i++) {
		const pl_security_context *sc = cs[i]->security_context;
		if (sc && sc->seccomp_profile && sc->seccomp_profile->type &&
		    strcmp(sc->seccomp_profile->type, "Unconfined") == 0)
			nl_add(&l, cs[i]->name);
	}
	nl_flush(x, &l, "seccompProfile", "not set securityContext.seccompProfile.type to \"Unconfined\"");
	/* procMount */
	pl_buf_init(&l.b, a);
	l.n = 0;
	for (size_t i = 0; i < nc; i++) {
		const pl_security_context *sc = cs[i]->security_context;
		if (sc && sc->proc_mount && strcmp(sc->proc_mount, "Default") != 0)
			nl_add(&l, cs[i]->name);
	}
	nl_flush(x, &l, "procMount", "not set securityContext.procMount");
	/* sysctls outside the safe set */
	static const char *const safe_sysctls[] = {
	        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
	        "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
	        "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
	        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
	        "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"};
	if (psc) {
		pl_buf sb;
		pl_buf_init(&sb, a);
		size_t ns = 0;
		for (size_t i = 0; i < psc->sysctls.n; i++) {
			const pl_sysctl *sy = PL_ITEM(psc->sysctls, pl_sysctl, i);
			if (sy->name && !cap_in(sy->name, safe_sysctls, PL_ARRAY_LEN(safe_sysctls)))
				pl_buf_printf(&sb, "%s%s", ns++ ? ", " : "", sy->name);
		}
		if (ns)
			violation(x, "forbidden sysctls (%s)", pl_buf_cstr(&sb));
		pl_buf_free(&sb);
	}
}

static void check_restricted(const podlife_engine *e, const pl_pod_spec *s, pss_ctx *x)
{
	const pl_alloc *a = &e->a;
	const pl_container *cs[256];
	size_t nc = all_containers(s, cs, 256);
	const pl_pod_security_context *psc = s->security_context;
	/* volume types */
	static const char *const ok_vols[] = {"configMap", "csi", "downwardAPI", "emptyDir",
	                                      "ephemeral", "persistentVolumeClaim", "projected",
	                                      "secret", "image"};
	name_list l = {{0}, 0};
	pl_buf_init(&l.b, a);
	pl_buf types;
	pl_buf_init(&types, a);
	size_t nt = 0;
	for (size_t i = 0; i < s->volumes.n; i++) {
		const pl_volume *v = PL_ITEM(s->volumes, pl_volume, i);
		const char *kind = pl_volume_source_kind(v);
		if (kind && !cap_in(kind, ok_vols, PL_ARRAY_LEN(ok_vols)) &&
		    strcmp(kind, "hostPath") != 0) {
			nl_add(&l, v->name);
			pl_buf_printf(&types, "%s\"%s\"", nt++ ? ", " : "", kind);
		}
	}
	if (l.n)
		violation(x, "restricted volume types (volume%s %s use%s restricted volume type%s %s)",
		          l.n > 1 ? "s" : "", pl_buf_cstr(&l.b), l.n > 1 ? "" : "s", nt > 1 ? "s" : "",
		          pl_buf_cstr(&types));
	pl_buf_free(&l.b);
	pl_buf_free(&types);
	/* allowPrivilegeEscalation != false */
	pl_buf_init(&l.b, a);
	l.n = 0;
	for (size_t i = 0; i < nc; i++) {
		const pl_security_context *sc = cs[i]->security_context;
		if (!sc || !PL_HAS(sc, allow_privilege_escalation) || sc->allow_privilege_escalation)
			nl_add(&l, cs[i]->name);
	}
	nl_flush(x, &l, "allowPrivilegeEscalation != false",
	         "set securityContext.allowPrivilegeEscalation=false");
	/* unrestricted capabilities */
	pl_buf_init(&l.b, a);
	l.n = 0;
	for (size_t i = 0; i < nc; i++) {
		const pl_security_context *sc = cs[i]->security_context;
		bool drops_all = false;
		if (sc && sc->capabilities)
			for (size_t k = 0; k < sc->capabilities->drop.n; k++)
				drops_all = drops_all || strcmp(sc->capabilities->drop.v[k], "ALL") == 0;
		if (!drops_all)
			nl_add(&l, cs[i]->name);
	}
	nl_flush(x, &l, "unrestricted capabilities", "set securityContext.capabilities.drop=[\"ALL\"]");
	/* runAsNonRoot != true */
	bool pod_nonroot = psc && PL_HAS(psc, run_as_non_root) && psc->run_as_non_root;
	pl_buf_init(&l.b, a);
	l.n = 0;
	for (size_t i = 0; i < nc; i++) {
		const pl_security_context *sc = cs[i]->security_context;
		bool set = sc && PL_HAS(sc, run_as_non_root);
		if (set ? !sc->run_as_non_root : !pod_nonroot)
			nl_add(&l, cs[i]->name);
	}
	if (l.n)
		violation(x, "runAsNonRoot != true (pod or container%s %s must set securityContext.runAsNonRoot=true)",
		          l.n > 1 ? "s" : "", pl_buf_cstr(&l.b));
	pl_buf_free(&l.b);
	/* runAsUser=0 */
	if (psc && PL_HAS(psc, run_as_user) && psc->run_as_user == 0)
		violation(x, "runAsUser=0 (pod must not set runAsUser=0)");
	/* seccompProfile */
	bool pod_seccomp = psc && psc->seccomp_profile && psc->seccomp_profile->type &&
	                   (strcmp(psc->seccomp_profile->type, "RuntimeDefault") == 0 ||
	                    strcmp(psc->seccomp_profile->type, "Localhost") == 0);
	pl_buf_init(&l.b, a);
	l.n = 0;
	for (size_t i = 0; i < nc; i++) {
		const pl_security_context *sc = cs[i]->security_context;
		bool set = sc && sc->seccomp_profile && sc->seccomp_profile->type;
		bool ok = set ? strcmp(sc->seccomp_profile->type, "RuntimeDefault") == 0 ||
		                        strcmp(sc->seccomp_profile->type, "Localhost") == 0
		              : pod_seccomp;
		if (!ok)
			nl_add(&l, cs[i]->name);
	}
	if (l.n)
		violation(x, "seccompProfile (pod or container%s %s must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
		          l.n > 1 ? "s" : "", pl_buf_cstr(&l.b));
	pl_buf_free(&l.b);
}

/* ---- admission ------------------------------------------------------------------- */

int pl_admit(podlife_engine *e, pl_pod *p)
{
	const pl_pod_spec *s = p->m->spec;
	for (size_t i = 0; i < s->node_selector.n; i++) {
		const pl_kv *kv = &s->node_selector.v[i];
		const char *have = node_label(e, kv->key);
		if (!have || strcmp(have, kv->value ? kv->value : "") != 0) {
			static const char msg[] = "Predicate NodeAffinity failed: node(s) didn't match "
			                          "Pod's node affinity/selector";
			p->st.reason = "NodeAffinity";
			pl_set_msg(&e->a, &p->st.message, msg);
			pl_emit(e, p, NULL, true, "NodeAffinity", "%s", msg);
			return 1;
		}
	}
	if (e->pss == PODLIFE_PSS_BASELINE || e->pss == PODLIFE_PSS_RESTRICTED) {
		pss_ctx x;
		pl_buf_init(&x.out, &e->a);
		x.n = 0;
		check_baseline(e, s, &x);
		if (e->pss == PODLIFE_PSS_RESTRICTED)
			check_restricted(e, s, &x);
		if (x.n) {
			pl_buf msg;
			pl_buf_init(&msg, &e->a);
			pl_buf_printf(&msg, "pods \"%s\" is forbidden: violates PodSecurity \"%s:latest\": %s",
			              p->name, e->pss == PODLIFE_PSS_RESTRICTED ? "restricted" : "baseline",
			              pl_buf_cstr(&x.out));
			p->st.reason = "PodSecurity";
			pl_set_msg(&e->a, &p->st.message, pl_buf_cstr(&msg));
			pl_emit(e, p, NULL, true, "PodSecurity", "%s", pl_buf_cstr(&msg));
			pl_buf_free(&msg);
			pl_buf_free(&x.out);
			return 1;
		}
		pl_buf_free(&x.out);
	}
	return 0;
}

/* ---- PodPreset ------------------------------------------------------------------- */

void pl_presets_free(podlife_engine *e)
{
	for (size_t i = 0; i < e->n_presets; i++) {
		pl_free(&e->a, e->presets[i].ns);
		pl_free(&e->a, e->presets[i].name);
		pl_free(&e->a, e->presets[i].rv);
		json_decref(e->presets[i].spec);
	}
	pl_free(&e->a, e->presets);
	e->presets = NULL;
	e->n_presets = 0;
}

typedef struct preset_doc {
	json_t *root;
} preset_doc;

static int preset_cb(void *ud, unsigned int index, pl_node *root)
{
	preset_doc *d = ud;
	if (index == 0)
		d->root = pl_node_to_json(root);
	return PODLIFE_OK;
}

int podlife_engine_add_preset(podlife_engine *e, const char *data, size_t len, podlife_error **err)
{
	if (!e || !data)
		return PODLIFE_EINVAL;
	preset_doc d = {NULL};
	int rc = pl_read_yaml(&e->a, data, len, NULL, NULL, preset_cb, &d);
	json_t *r = d.root;
	const char *kind = json_string_value(json_object_get(r, "kind"));
	json_t *meta = json_object_get(r, "metadata"), *spec = json_object_get(r, "spec");
	const char *name = json_string_value(json_object_get(meta, "name"));
	if (rc || !json_is_object(r) || !kind || strcmp(kind, "PodPreset") != 0 || !name ||
	    !json_is_object(spec)) {
		if (err)
			*err = pl_error_new(pl_alloc_default(), PODLIFE_EINVALID,
			                    "not a PodPreset with metadata.name and spec");
		json_decref(r);
		return rc ? rc : PODLIFE_EINVALID;
	}
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	const char *rv = json_string_value(json_object_get(meta, "resourceVersion"));
	pl_preset *v = pl_realloc(&e->a, e->presets, (e->n_presets + 1) * sizeof *v);
	if (!v) {
		json_decref(r);
		return PODLIFE_ENOMEM;
	}
	e->presets = v;
	pl_preset *p = &v[e->n_presets];
	p->ns = pl_strdup(&e->a, ns && *ns ? ns : "default");
	p->name = pl_strdup(&e->a, name);
	p->rv = pl_strdup(&e->a, rv ? rv : "");
	p->spec = json_incref(spec);
	json_decref(r);
	if (!p->ns || !p->name || !p->rv) {
		pl_free(&e->a, p->ns);
		pl_free(&e->a, p->name);
		pl_free(&e->a, p->rv);
		json_decref(p->spec);
		return PODLIFE_ENOMEM;
	}
	e->n_presets++;
	return PODLIFE_OK;
}

/* spec.selector.matchLabels (and matchExpressions In/NotIn/Exists/DoesNotExist). */
static bool selector_matches(json_t *sel, json_t *labels)
{
	if (!json_is_object(sel))
		return true; /* an empty selector selects every pod */
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(sel, "matchLabels"), k, v)
	{
		json_t *have = json_object_get(labels, k);
		if (!json_is_string(have) || !json_is_string(v) ||
		    strcmp(json_string_value(have), json_string_value(v)) != 0)
			return false;
	}
	json_t *exprs = json_object_get(sel, "matchExpressions");
	for (size_t i = 0; json_is_array(exprs) && i < json_array_size(exprs); i++) {
		json_t *x = json_array_get(exprs, i);
		const char *key = json_string_value(json_object_get(x, "key"));
		const char *op = json_string_value(json_object_get(x, "operator"));
		json_t *vals = json_object_get(x, "values");
		json_t *have = key ? json_object_get(labels, key) : NULL;
		bool in = false;
		for (size_t j = 0; have && json_is_array(vals) && j < json_array_size(vals); j++)
			in = in || json_equal(json_array_get(vals, j), have);
		if (!op || (strcmp(op, "In") == 0 && !in) || (strcmp(op, "NotIn") == 0 && in) ||
		    (strcmp(op, "Exists") == 0 && !have) || (strcmp(op, "DoesNotExist") == 0 && have))
			return false;
	}
	return true;
}

/* Merges the preset's list into `into` by `key` (env by name, volumes by
 * name); an entry with the same key but another value is a conflict. */
static int merge_by(json_t *into, json_t *add, const char *key, const char *what,
                    const char *where, char *msg, size_t msglen)
{
	for (size_t i = 0; json_is_array(add) && i < json_array_size(add); i++) {
		json_t *a = json_array_get(add, i);
		const char *ka = json_string_value(json_object_get(a, key));
		bool found = false;
		for (size_t j = 0; j < json_array_size(into); j++) {
			json_t *b = json_array_get(into, j);
			const char *kb = json_string_value(json_object_get(b, key));
			if (ka && kb && strcmp(ka, kb) == 0) {
				if (!json_equal(a, b)) {
					snprintf(msg, msglen, "merging %s for %s has a conflict on %s", what, where, ka);
					return -1;
				}
				found = true;
			}
		}
		if (!found)
			json_array_append(into, a);
	}
	return 0;
}

static int merge_mounts(json_t *into, json_t *add, const char *where, char *msg, size_t msglen)
{
	if (merge_by(into, add, "name", "volume mounts", where, msg, msglen))
		return -1;
	/* two mounts on one path with different volumes conflict */
	for (size_t i = 0; i < json_array_size(into); i++)
		for (size_t j = i + 1; j < json_array_size(into); j++) {
			const char *a = json_string_value(json_object_get(json_array_get(into, i), "mountPath"));
			const char *b = json_string_value(json_object_get(json_array_get(into, j), "mountPath"));
			if (a && b && strcmp(a, b) == 0) {
				snprintf(msg, msglen, "merging volume mounts for %s has a conflict on mount path %s",
				         where, a);
				return -1;
			}
		}
	return 0;
}

static json_t *list_of(json_t *obj, const char *key)
{
	json_t *l = json_object_get(obj, key);
	if (!json_is_array(l)) {
		l = json_array();
		json_object_set_new(obj, key, l);
	}
	return l;
}

int pl_apply_presets(podlife_engine *e, podlife_pod *pod, const char *ns, podlife_pod **out,
                     char *conflict, size_t conflict_len)
{
	conflict[0] = 0;
	*out = podlife_pod_retain(pod);
	if (!e->n_presets)
		return PODLIFE_OK;
	const pl_pod_model *m = pl_pod_model_of(pod);
	const char *pns = ns ? ns : m->metadata->namespace_ && *m->metadata->namespace_ ? m->metadata->namespace_ : "default";
	for (size_t i = 0; i < m->metadata->annotations.n; i++) {
		const pl_kv *kv = &m->metadata->annotations.v[i];
		if (kv->key && strcmp(kv->key, "podpreset.admission.kubernetes.io/exclude") == 0 &&
		    kv->value && strcmp(kv->value, "true") == 0)
			return PODLIFE_OK;
	}
	char *text = NULL;
	int rc = podlife_pod_to_json(pod, 0, &text);
	if (rc)
		return rc;
	json_t *j = json_loads(text, 0, NULL);
	podlife_free(text);
	if (!j)
		return PODLIFE_ENOMEM;
	json_t *meta = json_object_get(j, "metadata"), *spec = json_object_get(j, "spec");
	json_t *labels = json_object_get(meta, "labels");
	pl_buf names;
	pl_buf_init(&names, &e->a);
	size_t applied = 0;
	for (size_t k = 0; k < e->n_presets && !conflict[0]; k++) {
		const pl_preset *ps = &e->presets[k];
		if (strcmp(ps->ns, pns) != 0 || !selector_matches(json_object_get(ps->spec, "selector"), labels))
			continue;
		pl_buf_printf(&names, "%s%s", applied ? ", " : "", ps->name);
		applied++;
		if (merge_by(list_of(spec, "volumes"), json_object_get(ps->spec, "volumes"), "name",
		             "volumes", "pod", conflict, conflict_len))
			break;
		static const char *const lists[] = {"initContainers", "containers"};
		for (size_t l = 0; l < 2 && !conflict[0]; l++) {
			json_t *cs = json_object_get(spec, lists[l]);
			for (size_t c = 0; json_is_array(cs) && c < json_array_size(cs) && !conflict[0]; c++) {
				json_t *ct = json_array_get(cs, c);
				char where[300];
				snprintf(where, sizeof where, "container %s",
				         json_string_value(json_object_get(ct, "name")));
				if (merge_by(list_of(ct, "env"), json_object_get(ps->spec, "env"), "name", "env",
				             where, conflict, conflict_len) ||
				    merge_mounts(list_of(ct, "volumeMounts"), json_object_get(ps->spec, "volumeMounts"),
				                 where, conflict, conflict_len))
					break;
				json_t *ef = json_object_get(ps->spec, "envFrom");
				json_t *into = list_of(ct, "envFrom");
				for (size_t x = 0; json_is_array(ef) && x < json_array_size(ef); x++)
					json_array_append(into, json_array_get(ef, x));
			}
		}
		if (conflict[0])
			break;
		json_t *ann = json_object_get(meta, "annotations");
		if (!json_is_object(ann)) {
			ann = json_object();
			json_object_set_new(meta, "annotations", ann);
		}
		char key[300];
		snprintf(key, sizeof key, "podpreset.admission.kubernetes.io/podpreset-%s", ps->name);
		json_object_set_new(ann, key, json_string(ps->rv));
	}
	if (conflict[0]) {
		char detail[512];
		snprintf(detail, sizeof detail, "%s", conflict);
		snprintf(conflict, conflict_len,
		         "conflict occurred while applying podpresets: %s on pod: %s err: %s",
		         pl_buf_cstr(&names), m->metadata->name ? m->metadata->name : "", detail);
	}
	pl_buf_free(&names);
	if (conflict[0] || applied == 0) {
		json_decref(j);
		return PODLIFE_OK; /* unchanged */
	}
	/* Empty lists added for merging are dropped again. */
	char *merged = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!merged)
		return PODLIFE_ENOMEM;
	podlife_parse_options po = PODLIFE_PARSE_OPTIONS_INIT;
	po.flags = PODLIFE_PARSE_JSON | PODLIFE_PARSE_NO_TEMPLATES;
	podlife_allocator al = {PODLIFE_ALLOCATOR_VERSION, e->a.malloc, e->a.realloc, e->a.free, e->a.ud};
	po.allocator = &al;
	podlife_pod_list *list = NULL;
	rc = podlife_pod_parse(merged, strlen(merged), &po, &list, NULL);
	free(merged);
	if (rc || podlife_pod_list_count(list) != 1) {
		podlife_pod_list_free(list);
		snprintf(conflict, conflict_len, "the pod with presets applied is not valid");
		return PODLIFE_OK;
	}
	podlife_pod_release(*out);
	*out = podlife_pod_retain(podlife_pod_list_get(list, 0));
	podlife_pod_list_free(list);
	return PODLIFE_OK;
}
