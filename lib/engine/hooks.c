/*
 * lib/engine/hooks.c - lifecycle handlers (pkg/kubelet/lifecycle/
 * handlers.go): exec through the backend's exec_sync, httpGet through the
 * backend's http_get slot (the engine itself never blocks on the
 * network), and sleep on the engine's timers.  Also the stop-signal names
 * of lifecycle.stopSignal.
 */
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

/* The container port a named httpGet port refers to (0 when none). */
static int named_port(const pl_container *c, const char *name)
{
	for (size_t i = 0; i < c->ports.n; i++) {
		const pl_port *pt = PL_ITEM(c->ports, pl_port, i);
		if (pt->name && strcmp(pt->name, name) == 0)
			return (int)pt->container_port;
	}
	return 0;
}

int pl_run_hook(podlife_engine *e, pl_pod *p, pl_ctr *c, const pl_handler *h, const char *which)
{
	PL_UNUSED(which);
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
		return rc == PODLIFE_OK && r.exit_code == 0 ? 1 : 0;
	}
	if (h->http_get) {
		const pl_http_get *g = h->http_get;
		if ((e->be.caps & PODLIFE_CAP_NO_HTTP) || !e->be.http_get)
			return 0;
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
		req.port = g->port.is_str ? named_port(c->spec, g->port.s) : (int)g->port.i;
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
