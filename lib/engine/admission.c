/*
 * lib/engine/admission.c - what the kubelet checks before it runs a pod:
 * the nodeSelector against the node's labels (predicate NodeAffinity,
 * pkg/kubelet/lifecycle/predicate.go) and, when the host sets a level,
 * the Pod Security Standards as Pod Security Admission checks them
 * (k8s.io/pod-security-admission/policy), each violation named.
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"

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
