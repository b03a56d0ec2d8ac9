/*
 * lib/engine/hooks.c - lifecycle handlers (pkg/kubelet/lifecycle/
 * handlers.go): exec through the backend's exec_sync, httpGet through the
 * backend's http_get slot when it has one and otherwise with the engine's
 * network client (net.c, shared with the probes; never blocking: the
 * engine's deadline, tick and podlife_engine_fds drive it), and sleep on
 * the engine's timers.  Also the stop-signal names of
 * lifecycle.stopSignal.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static const struct {
	const char *name;
	int num;
} signals[] = {
	{"SIGHUP", 1},     {"SIGINT", 2},     {"SIGQUIT", 3},    {"SIGILL", 4},
	{"SIGTRAP", 5},    {"SIGABRT", 6},    {"SIGBUS", 7},     {"SIGFPE", 8},
	{"SIGKILL", 9},    {"SIGUSR1", 10},   {"SIGSEGV", 11},   {"SIGUSR2", 12},
	{"SIGPIPE", 13},   {"SIGALRM", 14},   {"SIGTERM", 15},   {"SIGSTKFLT", 16},
	{"SIGCHLD", 17},   {"SIGCONT", 18},   {"SIGSTOP", 19},   {"SIGTSTP", 20},
	{"SIGTTIN", 21},   {"SIGTTOU", 22},   {"SIGURG", 23},    {"SIGXCPU", 24},
	{"SIGXFSZ", 25},   {"SIGVTALRM", 26}, {"SIGPROF", 27},   {"SIGWINCH", 28},
	{"SIGIO", 29},     {"SIGPWR", 30},    {"SIGSYS", 31},
};

int pl_signal_number(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < PL_ARRAY_LEN(signals); i++)
		if (strcmp(signals[i].name, name) == 0)
			return signals[i].num;
	return -1;
}

/* resolvePort (handlers.go): a number, a numeric string, or the name of
 * one of the container's ports; an empty string means 80.  0: none. */
static int hook_port(const pl_container *c, const pl_intstr *port)
{
	if (!port->is_str)
		return (int)port->i;
	const char *name = port->s ? port->s : "";
	if (!*name)
		return 80;
	char *end;
	long v = strtol(name, &end, 10);
	if (*end == '\0' && v > 0 && v < 65536)
		return (int)v;
	for (size_t i = 0; i < c->ports.n; i++) {
		const pl_port *pt = PL_ITEM(c->ports, pl_port, i);
		if (pt->name && strcmp(pt->name, name) == 0)
			return (int)pt->container_port;
	}
	return 0;
}

/* ---- httpGet through the engine's network client -------------------------------- */

/* e->http: the engine's pl_net (net.c), shared with the probes. */
struct pl_http {
	pl_net *net;
};

/* The hook's container if it still waits for the request `tag`
 * (pl_token of the hook operation). */
static pl_ctr *hook_owner(podlife_engine *e, uint64_t tag, pl_pod **pp)
{
	uint64_t s = tag >> 32;
	if (s == 0 || s > e->n_slots)
		return NULL;
	pl_pod *p = e->pods[s - 1];
	unsigned int cidx = (unsigned int)((tag >> 24) & 0xffu);
	if (!p || cidx >= p->nc)
		return NULL;
	pl_ctr *c = &p->c[cidx];
	if ((c->op_tok & 0xffffffu) != (uint32_t)(tag & 0xffffffu) ||
	    (c->op != PL_OP_POSTSTART && c->op != PL_OP_PRESTOP))
		return NULL;
	*pp = p;
	return c;
}

/* runHTTPHandler: any HTTP response counts as success; only a request
 * that got none fails the hook, with the client's error text. */
static void hook_http_done(podlife_engine *e, uint64_t tag, const pl_net_result *r)
{
	pl_pod *p = NULL;
	pl_ctr *c = hook_owner(e, tag, &p);
	if (!c)
		return;
	if (r->responded) {
		pl_hook_done_msg(e, p, c, true, NULL);
	} else {
		const pl_lifecycle *lc = c->spec->lifecycle;
		const pl_handler *h = !lc                       ? NULL
		                      : c->op == PL_OP_POSTSTART ? lc->post_start
		                                                 : lc->pre_stop;
		const char *path = h && h->http_get && h->http_get->path ? h->http_get->path : "";
		pl_buf b;
		pl_buf_init(&b, &e->a);
		pl_buf_printf(&b,
		              "HTTP lifecycle hook (%s) for Container \"%s\" in Pod \"%s_%s(%s)\" "
		              "failed - error: %s",
		              path, c->spec->name ? c->spec->name : "", p->name, p->ns, p->uid,
		              r->output);
		pl_hook_done_msg(e, p, c, false, b.oom ? NULL : pl_buf_cstr(&b));
		pl_buf_free(&b);
	}
	pl_eng_sync(e, p);
}

static void net_done(void *ud, uint64_t tag, const pl_net_result *r)
{
	podlife_engine *e = ud;
	if (tag & PL_NET_TAG_PROBE)
		pl_probe_net_done(e, tag, r);
	else
		hook_http_done(e, tag, r);
}

struct pl_net *pl_eng_net(podlife_engine *e)
{
	if (e->http)
		return e->http->net;
	struct pl_http *h = pl_calloc(&e->a, 1, sizeof *h);
	if (!h)
		return NULL;
	if (pl_net_new(&e->a, net_done, e, &h->net) != PODLIFE_OK) {
		pl_free(&e->a, h);
		return NULL;
	}
	e->http = h;
	return h->net;
}

void pl_http_free(podlife_engine *e)
{
	if (!e->http)
		return;
	pl_net_free(e->http->net);
	pl_free(&e->a, e->http);
	e->http = NULL;
}

/*
 * NewRequestForHTTPGetAction: scheme (lower case), host (the pod IP when
 * the spec gives none; IPv6 in brackets), port, path (with a leading
 * "/"), the httpHeaders, User-Agent kube-lifecycle/<version> and an
 * Accept header for any media type unless the headers set them; any
 * redirect followed.  Returns PL_HOOK_WAIT, or 0 when the request cannot
 * be made (the hook fails).
 */
static int http_start(podlife_engine *e, pl_pod *p, pl_ctr *c, const pl_http_get *g,
                      const char *which)
{
	const char *host = g->host && *g->host ? g->host : p->st.pod_ip;
	int port = hook_port(c->spec, &g->port);
	if (!host || !*host || port <= 0 || port > 65535)
		return 0;
	pl_net *net = pl_eng_net(e);
	if (!net)
		return 0;
	pl_buf u;
	pl_buf_init(&u, &e->a);
	size_t at = pl_http_url(&u, g, host, port);
	const char **names = NULL, **values = NULL;
	size_t nh = 0;
	int rc = PODLIFE_ENOMEM;
	if (!u.oom && pl_http_headers(&e->a, g, &names, &values, &nh) == PODLIFE_OK) {
		pl_net_http req = {0};
		req.url = pl_buf_cstr(&u);
		req.n_headers = nh;
		req.header_names = names;
		req.header_values = values;
		req.user_agent = "kube-lifecycle/" PODLIFE_KUBERNETES_VERSION;
		req.redirects = PL_NET_REDIRECT_ANY;
		req.max_body = 0;
		/* preStop: bounded by what is left of the grace period */
		if (strcmp(which, "PreStop") == 0) {
			int64_t left = c->kill_grace_s * 1000 - (e->now - c->kill_start);
			req.timeout_ms = left > 1 ? left : 1;
		}
		podlife_probe_request pr;
		pl_probe_request_init(&pr, p, c, PODLIFE_PROBE_LIFECYCLE_HOOK, PODLIFE_PROBE_HTTP_GET);
		pr.timeout_ms = req.timeout_ms;
		pr.host = host;
		pr.port = port;
		pr.scheme = g->scheme && strcmp(g->scheme, "HTTPS") == 0 ? "https" : "http";
		pr.url = req.url;
		pr.path = req.url + at;
		pr.n_headers = nh;
		pr.header_names = names;
		pr.header_values = values;
		pl_net_origin origin = {&e->pb, &pr};
		rc = pl_net_http_get(net, &req, &origin,
		                     pl_token(p, (unsigned int)(c - p->c), c->op_tok));
	}
	pl_free(&e->a, (void *)names);
	pl_free(&e->a, (void *)values);
	pl_buf_free(&u);
	return rc == PODLIFE_OK ? PL_HOOK_WAIT : 0;
}

bool pl_http_busy(const podlife_engine *e)
{
	return e->http && pl_net_busy(e->http->net) > 0;
}

pl_ms pl_http_deadline(const podlife_engine *e)
{
	if (!pl_http_busy(e))
		return PL_NEVER;
	int64_t d = pl_net_deadline(e->http->net);
	if (d == INT64_MAX)
		return PL_NEVER; /* waiting on sockets only */
	/* the network counts on the monotonic clock; the engine's is the host's */
	int64_t left = d - pl_net_now();
	return e->clock->now_ms(e->clock->ud) + (left > 0 ? left : 0);
}

void pl_http_perform(podlife_engine *e)
{
	if (pl_http_busy(e))
		pl_net_perform(e->http->net);
}

int podlife_engine_fds(podlife_engine *e, struct pollfd *fds, size_t cap, size_t *n)
{
	if (!e || !n || (cap && !fds))
		return PODLIFE_EINVAL;
	*n = 0;
	if (!pl_http_busy(e))
		return PODLIFE_OK;
	*n = 1;
	if (!cap)
		return PODLIFE_ETOOBIG;
	fds[0].fd = pl_net_fd(e->http->net);
	fds[0].events = POLLIN;
	fds[0].revents = 0;
	return PODLIFE_OK;
}

void pl_exec_hook_message(const pl_pod *p, const pl_ctr *c, const pl_exec_action *x, int rc,
                          const podlife_result *r, char *msg, size_t len)
{
	pl_buf b, cmd;
	pl_buf_init(&b, pl_alloc_default());
	pl_buf_init(&cmd, pl_alloc_default());
	for (size_t i = 0; x && i < x->command.n; i++) {
		if (i)
			pl_buf_putc(&cmd, ' ');
		pl_buf_puts(&cmd, x->command.v[i]);
	}
	const char *out = r ? r->message : "";
	pl_buf_printf(&b, "Exec lifecycle hook ([%s]) for Container ", pl_buf_cstr(&cmd));
	pl_buf_quote(&b, c->spec->name ? c->spec->name : "");
	pl_buf_printf(&b, " in Pod \"%s_%s(%s)\" failed - error: ", p->name, p->ns, p->uid);
	if (rc == PODLIFE_OK && r)
		/* the runtime's CodeExitError text (kuberuntime ExecSync) */
		pl_buf_printf(&b, "command '%s' exited with %d: %s", pl_buf_cstr(&cmd), r->exit_code, out);
	else
		pl_buf_puts(&b, r && r->message[0] ? r->message : podlife_strerror(rc));
	pl_buf_puts(&b, ", message: ");
	pl_buf_quote(&b, rc == PODLIFE_OK ? out : "");
	snprintf(msg, len, "%s", b.oom ? "Exec lifecycle hook failed" : pl_buf_cstr(&b));
	pl_buf_free(&b);
	pl_buf_free(&cmd);
}

int pl_run_hook(podlife_engine *e, pl_pod *p, pl_ctr *c, const pl_handler *h, const char *which,
                char *msg, size_t len)
{
	if (len)
		msg[0] = '\0';
	uint64_t tok = pl_token(p, (unsigned int)(c - p->c), c->op_tok);
	podlife_result r;
	memset(&r, 0, sizeof r);
	c->op_deadline = PL_NEVER;
	if (h->exec) {
		if ((e->be.caps & PODLIFE_CAP_NO_EXEC) || !e->be.exec_sync || !c->rid)
			return 0;
		int rc = e->be.exec_sync(e->be.ud, c->rid, (const char *const *)h->exec->command.v,
		                         h->exec->command.n, 0 /* hooks have no timeout */, tok, &r);
		if (rc == PODLIFE_PENDING)
			return PL_HOOK_WAIT;
		if (rc == PODLIFE_OK && r.exit_code == 0)
			return 1;
		pl_exec_hook_message(p, c, h->exec, rc, &r, msg, len);
		return 0;
	}
	if (h->http_get) {
		const pl_http_get *g = h->http_get;
		if (e->be.caps & PODLIFE_CAP_NO_HTTP)
			return 0;
		if (!e->be.http_get)
			return http_start(e, p, c, g, which);
		const char *names[32], *values[32];
		size_t nhdr = 0;
		for (size_t i = 0; i < g->http_headers.n && nhdr < 32; i++) {
			const pl_http_header *hh = PL_ITEM(g->http_headers, pl_http_header, i);
			names[nhdr] = hh->name ? hh->name : "";
			values[nhdr] = hh->value ? hh->value : "";
			nhdr++;
		}
		podlife_http_request req;
		memset(&req, 0, sizeof req);
		req.scheme = g->scheme ? g->scheme : "HTTP";
		req.host = g->host && *g->host ? g->host : p->st.pod_ip ? p->st.pod_ip : "";
		req.port = hook_port(c->spec, &g->port);
		req.path = g->path ? g->path : "/";
		req.n_headers = nhdr;
		req.header_names = names;
		req.header_values = values;
		req.container_id = c->rid;
		if (req.port <= 0)
			return 0;
		int rc = e->be.http_get(e->be.ud, &req, tok, &r);
		if (rc == PODLIFE_PENDING)
			return PL_HOOK_WAIT;
		return rc == PODLIFE_OK && r.exit_code >= 200 && r.exit_code < 400 ? 1 : 0;
	}
	if (h->sleep) {
		if (h->sleep->seconds <= 0)
			return 1;
		c->op_deadline = e->now + h->sleep->seconds * 1000;
		return PL_HOOK_WAIT;
	}
	return 0; /* tcpSocket handlers are not supported for hooks */
}
