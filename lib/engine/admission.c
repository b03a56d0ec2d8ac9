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

/*
 * The checks of k8s.io/pod-security-admission/policy at policy version
 * "latest" of the newest release (v1.35 rules, Kubernetes 1.36), run over
 * the pod as JSON so that "unset" and "false" stay apart as PSA sees them.
 * Each failed check gives "reason (detail)" with PSA's wording; the
 * results are joined with ", " in the order PSA evaluates them (baseline
 * checks in check file order, then the restricted ones, the baseline
 * checks a restricted one overrides left out).  Containers are visited as
 * visitContainers does: init containers, containers, ephemeral containers.
 */

typedef struct pss_ctx {
	const pl_alloc *a;
	json_t *meta, *spec;
	json_t *ctrs[512];
	size_t nc;
	bool windows, userns;
	pl_buf out; /* ", "-joined "reason (detail)" */
	size_t n;
	bool oom;
} pss_ctx;

/* A list of borrowed strings; as a set it is sorted and unique
 * (sets.NewString().List()). */
typedef struct strl {
	const char *v[512];
	size_t n;
} strl;

static void sl_add(strl *l, const char *s)
{
	if (l->n < PL_ARRAY_LEN(l->v))
		l->v[l->n++] = s ? s : "";
}

static int sl_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sl_set(strl *l)
{
	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof l->v[0], sl_cmp);
	size_t k = 1;
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(l->v[i], l->v[k - 1]) != 0)
			l->v[k++] = l->v[i];
	l->n = k;
}

/* joinQuote: "a", "b" */
static void join_quote(pl_buf *b, const strl *l)
{
	for (size_t i = 0; i < l->n; i++)
		pl_buf_printf(b, "%s\"%s\"", i ? ", " : "", l->v[i]);
}

static void join_plain(pl_buf *b, const strl *l, const char *sep)
{
	for (size_t i = 0; i < l->n; i++)
		pl_buf_printf(b, "%s%s", i ? sep : "", l->v[i]);
}

static const char *plural(const char *one, const char *many, size_t n)
{
	return n == 1 ? one : many;
}

/* Appends "reason (detail)"; detail is a finished buffer, freed here. */
static void pss_fail(pss_ctx *x, const char *reason, pl_buf *detail)
{
	pl_buf_printf(&x->out, "%s%s (%s)", x->n++ ? ", " : "", reason, pl_buf_cstr(detail));
	pl_buf_free(detail);
}

static json_t *jget(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);
	return k2 ? json_object_get(v, k2) : v;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char *cname(json_t *c)
{
	const char *s = jstr(c, "name");
	return s ? s : "";
}

/* "pod and containers \"a\", \"b\"" from the pod flag and the container list. */
static void setters(pl_buf *b, bool pod, const strl *ctrs)
{
	if (pod)
		pl_buf_puts(b, "pod");
	if (ctrs->n) {
		pl_buf_printf(b, "%s%s ", pod ? " and " : "", plural("container", "containers", ctrs->n));
		join_quote(b, ctrs);
	}
}

static bool is_true(json_t *v)
{
	return json_is_true(v);
}

/* check_appArmorProfile.go: the fields and the beta annotations. */
static void chk_apparmor(pss_ctx *x)
{
	strl bad_c = {.n = 0}, vals = {.n = 0};
	bool pod = false;
	json_t *pp = jget(jget(x->spec, "securityContext", NULL), "appArmorProfile", NULL);
	if (json_is_object(pp)) {
		const char *t = jstr(pp, "type");
		if (!t || (strcmp(t, "RuntimeDefault") != 0 && strcmp(t, "Localhost") != 0)) {
			pod = true;
			sl_add(&vals, t);
		}
	}
	for (size_t i = 0; i < x->nc; i++) {
		json_t *p = jget(jget(x->ctrs[i], "securityContext", NULL), "appArmorProfile", NULL);
		if (!json_is_object(p))
			continue;
		const char *t = jstr(p, "type");
		if (!t || (strcmp(t, "RuntimeDefault") != 0 && strcmp(t, "Localhost") != 0)) {
			sl_add(&bad_c, cname(x->ctrs[i]));
			sl_add(&vals, t);
		}
	}
	sl_set(&vals);
	/* annotations: key="value" with a value other than empty,
	 * runtime/default or localhost/... */
	static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";
	pl_buf ann;
	pl_buf_init(&ann, x->a);
	strl anns = {.n = 0};
	size_t offs[64], na = 0;
	const char *k;
	json_t *v;
	json_object_foreach(jget(x->meta, "annotations", NULL), k, v)
	{
		const char *s = json_string_value(v);
		if (strncmp(k, prefix, sizeof prefix - 1) != 0 || !s || !*s ||
		    strcmp(s, "runtime/default") == 0 || strncmp(s, "localhost/", 10) == 0 ||
		    na == PL_ARRAY_LEN(offs))
			continue;
		offs[na++] = ann.len;
		pl_buf_printf(&ann, "%s=", k);
		pl_buf_quote(&ann, s); /* %q */
		pl_buf_putc(&ann, '\0');
	}
	for (size_t i = 0; i < na; i++)
		sl_add(&anns, pl_buf_cstr(&ann) + offs[i]);
	sl_set(&anns);
	for (size_t i = 0; i < anns.n; i++)
		sl_add(&vals, anns.v[i]);
	if (pod || bad_c.n || anns.n) {
		pl_buf d;
		pl_buf_init(&d, x->a);
		setters(&d, pod, &bad_c);
		if (anns.n)
			pl_buf_printf(&d, "%s%s", pod || bad_c.n ? " and " : "",
			              plural("annotation", "annotations", anns.n));
		pl_buf_puts(&d, " must not set AppArmor profile type to ");
		join_quote(&d, &vals);
		pss_fail(x, plural("forbidden AppArmor profile", "forbidden AppArmor profiles", vals.n), &d);
	}
	pl_buf_free(&ann);
}

static const char *const base_caps[] = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
                                        "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                                        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};

static bool in_set(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

/* check_capabilities_baseline.go */
static void chk_caps_baseline(pss_ctx *x)
{
	strl bad = {.n = 0}, caps = {.n = 0};
	for (size_t i = 0; i < x->nc; i++) {
		json_t *add = jget(jget(x->ctrs[i], "securityContext", "capabilities"), "add", NULL);
		bool b = false;
		for (size_t k = 0; k < json_array_size(add); k++) {
			const char *c = json_string_value(json_array_get(add, k));
			if (c && !in_set(c, base_caps, PL_ARRAY_LEN(base_caps))) {
				b = true;
				sl_add(&caps, c);
			}
		}
		if (b)
			sl_add(&bad, cname(x->ctrs[i]));
	}
	if (!bad.n)
		return;
	sl_set(&caps);
	pl_buf d;
	pl_buf_init(&d, x->a);
	setters(&d, false, &bad);
	pl_buf_puts(&d, " must not include ");
	join_quote(&d, &caps);
	pl_buf_puts(&d, " in securityContext.capabilities.add");
	pss_fail(x, "non-default capabilities", &d);
}

/* check_hostNamespaces.go */
static void chk_host_ns(pss_ctx *x)
{
	strl l = {.n = 0};
	if (is_true(json_object_get(x->spec, "hostNetwork")))
		sl_add(&l, "hostNetwork=true");
	if (is_true(json_object_get(x->spec, "hostPID")))
		sl_add(&l, "hostPID=true");
	if (is_true(json_object_get(x->spec, "hostIPC")))
		sl_add(&l, "hostIPC=true");
	if (!l.n)
		return;
	pl_buf d;
	pl_buf_init(&d, x->a);
	join_plain(&d, &l, ", ");
	pss_fail(x, "host namespaces", &d);
}

/* check_hostPathVolumes.go */
static void chk_host_path(pss_ctx *x)
{
	strl l = {.n = 0};
	json_t *vols = json_object_get(x->spec, "volumes");
	for (size_t i = 0; i < json_array_size(vols); i++)
		if (json_object_get(json_array_get(vols, i), "hostPath"))
			sl_add(&l, cname(json_array_get(vols, i)));
	if (!l.n)
		return;
	pl_buf d;
	pl_buf_init(&d, x->a);
	pl_buf_printf(&d, "%s ", plural("volume", "volumes", l.n));
	join_quote(&d, &l);
	pss_fail(x, "hostPath volumes", &d);
}

/* check_hostPorts.go: ports as a string set (sorted as text). */
static void chk_host_ports(pss_ctx *x)
{
	strl bad = {.n = 0}, ports = {.n = 0};
	pl_buf pb;
	pl_buf_init(&pb, x->a);
	size_t offs[512], np = 0;
	for (size_t i = 0; i < x->nc; i++) {
		json_t *pl = json_object_get(x->ctrs[i], "ports");
		bool b = false;
		for (size_t k = 0; k < json_array_size(pl); k++) {
			json_int_t hp = json_integer_value(json_object_get(json_array_get(pl, k), "hostPort"));
			if (hp != 0) {
				b = true;
				if (np < PL_ARRAY_LEN(offs)) {
					offs[np++] = pb.len;
					pl_buf_printf(&pb, "%lld", (long long)hp);
					pl_buf_putc(&pb, '\0');
				}
			}
		}
		if (b)
			sl_add(&bad, cname(x->ctrs[i]));
	}
	if (bad.n) {
		for (size_t i = 0; i < np; i++)
			sl_add(&ports, pl_buf_cstr(&pb) + offs[i]);
		sl_set(&ports);
		pl_buf d;
		pl_buf_init(&d, x->a);
		setters(&d, false, &bad);
		pl_buf_printf(&d, " %s %s ", plural("uses", "use", bad.n),
		              plural("hostPort", "hostPorts", ports.n));
		join_plain(&d, &ports, ", ");
		pss_fail(x, "hostPort", &d);
	}
	pl_buf_free(&pb);
}

static void handler_hosts(json_t *h, strl *hosts, bool *bad)
{
	const char *k[] = {"httpGet", "tcpSocket"};
	for (size_t i = 0; i < 2; i++) {
		const char *s = jstr(json_object_get(h, k[i]), "host");
		if (s && *s) {
			sl_add(hosts, s);
			*bad = true;
		}
	}
}

/* check_hostProbesAndhostLifecycle.go (policy 1.34+) */
static void chk_probe_hosts(pss_ctx *x)
{
	strl bad = {.n = 0}, hosts = {.n = 0};
	for (size_t i = 0; i < x->nc; i++) {
		json_t *c = x->ctrs[i];
		bool b = false;
		handler_hosts(json_object_get(c, "livenessProbe"), &hosts, &b);
		handler_hosts(json_object_get(c, "readinessProbe"), &hosts, &b);
		handler_hosts(json_object_get(c, "startupProbe"), &hosts, &b);
		handler_hosts(jget(c, "lifecycle", "postStart"), &hosts, &b);
		handler_hosts(jget(c, "lifecycle", "preStop"), &hosts, &b);
		if (b)
			sl_add(&bad, cname(c));
	}
	if (!bad.n)
		return;
	sl_set(&bad);
	sl_set(&hosts);
	pl_buf d;
	pl_buf_init(&d, x->a);
	setters(&d, false, &bad);
	pl_buf_printf(&d, " %s %s ", plural("uses", "use", bad.n),
	              plural("probe or lifecycle host", "probe or lifecycle hosts", hosts.n));
	join_quote(&d, &hosts);
	pss_fail(x, "probe or lifecycle host", &d);
}

/* check_privileged.go */
static void chk_privileged(pss_ctx *x)
{
	strl bad = {.n = 0};
	for (size_t i = 0; i < x->nc; i++)
		if (is_true(jget(x->ctrs[i], "securityContext", "privileged")))
			sl_add(&bad, cname(x->ctrs[i]));
	if (!bad.n)
		return;
	pl_buf d;
	pl_buf_init(&d, x->a);
	setters(&d, false, &bad);
	pl_buf_puts(&d, " must not set securityContext.privileged=true");
	pss_fail(x, "privileged", &d);
}

/* check_procMount_baseline.go / check_procMount_restricted.go */
static void chk_proc_mount(pss_ctx *x)
{
	strl bad = {.n = 0}, types = {.n = 0};
	for (size_t i = 0; i < x->nc; i++) {
		const char *pm = jstr(json_object_get(x->ctrs[i], "securityContext"), "procMount");
		if (pm && strcmp(pm, "Default") != 0) {
			sl_add(&bad, cname(x->ctrs[i]));
			sl_add(&types, pm);
		}
	}
	if (!bad.n)
		return;
	sl_set(&types);
	pl_buf d;
	pl_buf_init(&d, x->a);
	setters(&d, false, &bad);
	pl_buf_puts(&d, " must not set securityContext.procMount to ");
	join_quote(&d, &types);
	pss_fail(x, "procMount", &d);
}

/* check_seLinuxOptions.go (type set of policy 1.31) */
static bool selinux_ok(json_t *o, strl *types, bool *user, bool *role)
{
	static const char *const ok[] = {"", "container_t", "container_init_t", "container_kvm_t",
	                                 "container_engine_t"};
	bool valid = true;
	const char *t = jstr(o, "type");
	if (!in_set(t ? t : "", ok, PL_ARRAY_LEN(ok))) {
		valid = false;
		sl_add(types, t);
	}
	const char *u = jstr(o, "user"), *r = jstr(o, "role");
	if (u && *u) {
		valid = false;
		*user = true;
	}
	if (r && *r) {
		valid = false;
		*role = true;
	}
	return valid;
}

static void chk_selinux(pss_ctx *x)
{
	strl bad = {.n = 0}, types = {.n = 0};
	bool user = false, role = false, pod = false;
	json_t *po = jget(x->spec, "securityContext", "seLinuxOptions");
	if (json_is_object(po) && !selinux_ok(po, &types, &user, &role))
		pod = true;
	for (size_t i = 0; i < x->nc; i++) {
		json_t *o = jget(x->ctrs[i], "securityContext", "seLinuxOptions");
		if (json_is_object(o) && !selinux_ok(o, &types, &user, &role))
			sl_add(&bad, cname(x->ctrs[i]));
	}
	if (!pod && !bad.n)
		return;
	sl_set(&types);
	pl_buf d;
	pl_buf_init(&d, x->a);
	setters(&d, pod, &bad);
	pl_buf_puts(&d, " set forbidden securityContext.seLinuxOptions: ");
	size_t parts = 0;
	if (types.n) {
		pl_buf_printf(&d, "%s ", plural("type", "types", types.n));
		join_quote(&d, &types);
		parts++;
	}
	if (user)
		pl_buf_printf(&d, "%suser may not be set", parts++ ? "; " : "");
	if (role)
		pl_buf_printf(&d, "%srole may not be set", parts++ ? "; " : "");
	pss_fail(x, "seLinuxOptions", &d);
}

static bool seccomp_valid(const char *t)
{
	return t && (strcmp(t, "RuntimeDefault") == 0 || strcmp(t, "Localhost") == 0);
}

/* check_seccompProfile_baseline.go (1.19) and, restricted,
 * check_seccompProfile_restricted.go (1.25: Windows pods exempt). */
static void chk_seccomp(pss_ctx *x, bool restricted)
{
	if (restricted && x->windows)
		return;
	strl bad = {.n = 0}, implicit = {.n = 0}, vals = {.n = 0};
	bool pod = false, pod_set = false;
	json_t *pp = jget(x->spec, "securityContext", "seccompProfile");
	if (json_is_object(pp)) {
		if (!seccomp_valid(jstr(pp, "type"))) {
			pod = true;
			sl_add(&vals, jstr(pp, "type"));
		} else {
			pod_set = true;
		}
	}
	for (size_t i = 0; i < x->nc; i++) {
		json_t *p = jget(x->ctrs[i], "securityContext", "seccompProfile");
		if (json_is_object(p)) {
			if (!seccomp_valid(jstr(p, "type"))) {
				sl_add(&bad, cname(x->ctrs[i]));
				sl_add(&vals, jstr(p, "type"));
			}
		} else if (!pod_set) {
			sl_add(&implicit, cname(x->ctrs[i]));
		}
	}
	pl_buf d;
	if (pod || bad.n) {
		sl_set(&vals);
		pl_buf_init(&d, x->a);
		setters(&d, pod, &bad);
		pl_buf_puts(&d, " must not set securityContext.seccompProfile.type to ");
		join_quote(&d, &vals);
		pss_fail(x, "seccompProfile", &d);
	} else if (restricted && implicit.n) {
		pl_buf_init(&d, x->a);
		pl_buf_puts(&d, "pod or ");
		setters(&d, false, &implicit);
		pl_buf_puts(&d, " must set securityContext.seccompProfile.type to \"RuntimeDefault\" "
		                "or \"Localhost\"");
		pss_fail(x, "seccompProfile", &d);
	}
}

/* check_sysctls.go: the safe set of policy 1.32. */
static void chk_sysctls(pss_ctx *x)
{
	static const char *const safe[] = {
	        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
	        "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
	        "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports",
	        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
	        "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
	        "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"};
	strl bad = {.n = 0};
	json_t *l = jget(x->spec, "securityContext", "sysctls");
	for (size_t i = 0; i < json_array_size(l); i++) {
		const char *n = jstr(json_array_get(l, i), "name");
		if (!in_set(n ? n : "", safe, PL_ARRAY_LEN(safe)))
			sl_add(&bad, n);
	}
	if (!bad.n)
		return;
	pl_buf d;
	pl_buf_init(&d, x->a);
	join_plain(&d, &bad, ", ");
	pss_fail(x, "forbidden sysctls", &d);
}

/* check_windowsHostProcess.go */
static void chk_host_process(pss_ctx *x)
{
	strl bad = {.n = 0};
	bool pod = is_true(jget(jget(x->spec, "securityContext", "windowsOptions"), "hostProcess", NULL));
	for (size_t i = 0; i < x->nc; i++)
		if (is_true(jget(jget(x->ctrs[i], "securityContext", "windowsOptions"), "hostProcess",
		                 NULL)))
			sl_add(&bad, cname(x->ctrs[i]));
	if (!pod && !bad.n)
		return;
	pl_buf d;
	pl_buf_init(&d, x->a);
	setters(&d, pod, &bad);
	pl_buf_puts(&d, " must not set securityContext.windowsOptions.hostProcess=true");
	pss_fail(x, "hostProcess", &d);
}

/* check_allowPrivilegeEscalation.go (1.25: Windows pods exempt) */
static void chk_priv_esc(pss_ctx *x)
{
	if (x->windows)
		return;
	strl bad = {.n = 0};
	for (size_t i = 0; i < x->nc; i++) {
		json_t *v = jget(x->ctrs[i], "securityContext", "allowPrivilegeEscalation");
		if (!json_is_false(v))
			sl_add(&bad, cname(x->ctrs[i]));
	}
	if (!bad.n)
		return;
	pl_buf d;
	pl_buf_init(&d, x->a);
	setters(&d, false, &bad);
	pl_buf_puts(&d, " must set securityContext.allowPrivilegeEscalation=false");
	pss_fail(x, "allowPrivilegeEscalation != false", &d);
}

/* check_capabilities_restricted.go (1.25: Windows pods exempt) */
static void chk_caps_restricted(pss_ctx *x)
{
	if (x->windows)
		return;
	strl nodrop = {.n = 0}, adding = {.n = 0}, caps = {.n = 0};
	for (size_t i = 0; i < x->nc; i++) {
		json_t *cp = jget(x->ctrs[i], "securityContext", "capabilities");
		if (!json_is_object(cp)) {
			sl_add(&nodrop, cname(x->ctrs[i]));
			continue;
		}
		bool all = false, b = false;
		json_t *drop = json_object_get(cp, "drop"), *add = json_object_get(cp, "add");
		for (size_t k = 0; k < json_array_size(drop); k++) {
			const char *s = json_string_value(json_array_get(drop, k));
			all = all || (s && strcmp(s, "ALL") == 0);
		}
		if (!all)
			sl_add(&nodrop, cname(x->ctrs[i]));
		for (size_t k = 0; k < json_array_size(add); k++) {
			const char *s = json_string_value(json_array_get(add, k));
			if (!s || strcmp(s, "NET_BIND_SERVICE") != 0) {
				b = true;
				sl_add(&caps, s);
			}
		}
		if (b)
			sl_add(&adding, cname(x->ctrs[i]));
	}
	if (!nodrop.n && !adding.n)
		return;
	pl_buf d;
	pl_buf_init(&d, x->a);
	if (nodrop.n) {
		setters(&d, false, &nodrop);
		pl_buf_puts(&d, " must set securityContext.capabilities.drop=[\"ALL\"]");
	}
	if (adding.n) {
		sl_set(&caps);
		if (nodrop.n)
			pl_buf_puts(&d, "; ");
		setters(&d, false, &adding);
		pl_buf_puts(&d, " must not include ");
		join_quote(&d, &caps);
		pl_buf_puts(&d, " in securityContext.capabilities.add");
	}
	pss_fail(x, "unrestricted capabilities", &d);
}

/* check_restrictedVolumes.go: the nine allowed sources (image since 1.33). */
static void chk_volumes(pss_ctx *x)
{
	static const char *const ok[] = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
	                                 "image", "persistentVolumeClaim", "projected", "secret"};
	static const char *const known[] = {
	        "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi",
	        "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
	        "vsphereVolume", "quobyte", "azureDisk", "portworxVolume", "photonPersistentDisk",
	        "scaleIO", "storageos"};
	strl bad = {.n = 0}, types = {.n = 0};
	json_t *vols = json_object_get(x->spec, "volumes");
	for (size_t i = 0; i < json_array_size(vols); i++) {
		json_t *v = json_array_get(vols, i);
		const char *k, *kind = NULL;
		json_t *val;
		bool allowed = false, any = false;
		json_object_foreach(v, k, val)
		{
			if (strcmp(k, "name") == 0 || json_is_null(val))
				continue;
			any = true;
			if (in_set(k, ok, PL_ARRAY_LEN(ok)))
				allowed = true;
			else if (!kind)
				kind = k;
		}
		/* no source at all: the API server defaults it to emptyDir */
		if (allowed || !any)
			continue;
		sl_add(&bad, cname(v));
		sl_add(&types, in_set(kind, known, PL_ARRAY_LEN(known)) ? kind : "unknown");
	}
	if (!bad.n)
		return;
	sl_set(&types);
	pl_buf d;
	pl_buf_init(&d, x->a);
	pl_buf_printf(&d, "%s ", plural("volume", "volumes", bad.n));
	join_quote(&d, &bad);
	pl_buf_printf(&d, " %s %s ", plural("uses", "use", bad.n),
	              plural("restricted volume type", "restricted volume types", types.n));
	join_quote(&d, &types);
	pss_fail(x, "restricted volume types", &d);
}

/* check_runAsNonRoot.go (1.35: pods with hostUsers=false exempt) */
static void chk_non_root(pss_ctx *x)
{
	if (x->userns)
		return;
	strl bad = {.n = 0}, implicit = {.n = 0};
	bool pod = false, pod_ok = false;
	json_t *pv = jget(x->spec, "securityContext", "runAsNonRoot");
	if (json_is_boolean(pv)) {
		if (json_is_false(pv))
			pod = true;
		else
			pod_ok = true;
	}
	for (size_t i = 0; i < x->nc; i++) {
		json_t *v = jget(x->ctrs[i], "securityContext", "runAsNonRoot");
		if (json_is_boolean(v)) {
			if (json_is_false(v))
				sl_add(&bad, cname(x->ctrs[i]));
		} else if (!pod_ok) {
			sl_add(&implicit, cname(x->ctrs[i]));
		}
	}
	pl_buf d;
	if (pod || bad.n) {
		pl_buf_init(&d, x->a);
		setters(&d, pod, &bad);
		pl_buf_puts(&d, " must not set securityContext.runAsNonRoot=false");
		pss_fail(x, "runAsNonRoot != true", &d);
	} else if (implicit.n) {
		pl_buf_init(&d, x->a);
		pl_buf_puts(&d, "pod or ");
		setters(&d, false, &implicit);
		pl_buf_puts(&d, " must set securityContext.runAsNonRoot=true");
		pss_fail(x, "runAsNonRoot != true", &d);
	}
}

static bool is_zero(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) == 0;
}

/* check_runAsUser.go (1.35: pods with hostUsers=false exempt) */
static void chk_run_as_user(pss_ctx *x)
{
	if (x->userns)
		return;
	strl bad = {.n = 0};
	bool pod = is_zero(jget(x->spec, "securityContext", "runAsUser"));
	for (size_t i = 0; i < x->nc; i++)
		if (is_zero(jget(x->ctrs[i], "securityContext", "runAsUser")))
			sl_add(&bad, cname(x->ctrs[i]));
	if (!pod && !bad.n)
		return;
	pl_buf d;
	pl_buf_init(&d, x->a);
	setters(&d, pod, &bad);
	pl_buf_puts(&d, " must not set runAsUser=0");
	pss_fail(x, "runAsUser=0", &d);
}

/*
 * Evaluates the level on the pod; returns the ", "-joined violations in
 * *out (empty when allowed).  ENOMEM when the pod cannot be exported.
 */
static int pss_evaluate(const podlife_engine *e, const pl_pod *p, bool restricted, pss_ctx *x)
{
	json_t *root = pl_obj_to_json(p->m);
	if (!root)
		return PODLIFE_ENOMEM;
	x->a = &e->a;
	x->meta = json_object_get(root, "metadata");
	x->spec = json_object_get(root, "spec");
	x->nc = 0;
	x->n = 0;
	static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
	for (size_t l = 0; l < PL_ARRAY_LEN(lists); l++) {
		json_t *arr = json_object_get(x->spec, lists[l]);
		for (size_t i = 0; i < json_array_size(arr) && x->nc < PL_ARRAY_LEN(x->ctrs); i++)
			if (json_is_object(json_array_get(arr, i)))
				x->ctrs[x->nc++] = json_array_get(arr, i);
	}
	const char *os = jstr(json_object_get(x->spec, "os"), "name");
	x->windows = os && strcmp(os, "windows") == 0;
	x->userns = json_is_false(json_object_get(x->spec, "hostUsers"));
	/* baseline checks, in check file order */
	chk_apparmor(x);
	if (!restricted)
		chk_caps_baseline(x);
	chk_host_ns(x);
	if (!restricted)
		chk_host_path(x); /* overridden by restrictedVolumes */
	chk_host_ports(x);
	chk_probe_hosts(x);
	chk_privileged(x);
	if (!restricted && !x->userns)
		chk_proc_mount(x); /* baseline 1.35: relaxed for user namespaces */
	chk_selinux(x);
	if (!restricted)
		chk_seccomp(x, false);
	chk_sysctls(x);
	chk_host_process(x);
	if (restricted) {
		chk_priv_esc(x);
		chk_caps_restricted(x);
		chk_proc_mount(x); /* procMount_restricted */
		chk_volumes(x);
		chk_non_root(x);
		chk_run_as_user(x);
		chk_seccomp(x, true);
	}
	json_decref(root);
	return PODLIFE_OK;
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
		pss_ctx *x = pl_malloc(&e->a, sizeof *x);
		if (!x)
			return -1;
		pl_buf_init(&x->out, &e->a);
		bool restricted = e->pss == PODLIFE_PSS_RESTRICTED;
		int rc = pss_evaluate(e, p, restricted, x);
		if (rc == PODLIFE_OK && x->n) {
			pl_buf msg;
			pl_buf_init(&msg, &e->a);
			pl_buf_printf(&msg, "pods \"%s\" is forbidden: violates PodSecurity \"%s:latest\": %s",
			              p->name, restricted ? "restricted" : "baseline", pl_buf_cstr(&x->out));
			p->st.reason = "PodSecurity";
			pl_set_msg(&e->a, &p->st.message, pl_buf_cstr(&msg));
			pl_emit(e, p, NULL, true, "PodSecurity", "%s", pl_buf_cstr(&msg));
			pl_buf_free(&msg);
			pl_buf_free(&x->out);
			pl_free(&e->a, x);
			return 1;
		}
		pl_buf_free(&x->out);
		pl_free(&e->a, x);
		if (rc)
			return -1;
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
	if (err)
		*err = NULL;
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
