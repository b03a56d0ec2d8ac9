/*
 * lib/engine/hooks.c - lifecycle handlers (pkg/kubelet/lifecycle/
 * handlers.go): exec through the backend's exec_sync, httpGet through the
 * backend's http_get slot when it has one and otherwise with the libcurl
 * multi interface (never blocking: the engine's deadline, tick and
 * podlife_engine_fds drive it), and sleep on the engine's timers.  Also
 * the stop-signal names of lifecycle.stopSignal.
 */
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>

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

/* ---- httpGet through libcurl ---------------------------------------------------- */

typedef struct pl_xfer {
	CURL *easy;
	struct curl_slist *hdrs;
	uint32_t slot;     /* pod slot */
	uint32_t cidx;     /* container index */
	uint32_t op_tok;   /* the hook operation */
	char *url;
	char *path;        /* httpGet.path as written, for the failure message */
	char err[CURL_ERROR_SIZE];
} pl_xfer;

struct pl_http {
	CURLM *multi;
	pl_xfer **v;
	size_t n, cap;
};

static size_t discard_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	PL_UNUSED(ptr);
	PL_UNUSED(ud);
	return size * nmemb;
}

static void xfer_free(podlife_engine *e, pl_xfer *x)
{
	if (!x)
		return;
	if (x->easy) {
		if (e->http && e->http->multi)
			curl_multi_remove_handle(e->http->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->hdrs);
	pl_free(&e->a, x->url);
	pl_free(&e->a, x->path);
	pl_free(&e->a, x);
}

void pl_http_free(podlife_engine *e)
{
	struct pl_http *h = e->http;
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		xfer_free(e, h->v[i]);
	pl_free(&e->a, h->v);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	pl_free(&e->a, h);
	e->http = NULL;
}

static struct pl_http *http_state(podlife_engine *e)
{
	if (e->http)
		return e->http;
	struct pl_http *h = pl_calloc(&e->a, 1, sizeof *h);
	if (!h)
		return NULL;
	h->multi = curl_multi_init();
	if (!h->multi) {
		pl_free(&e->a, h);
		return NULL;
	}
	e->http = h;
	return h;
}

/*
 * NewRequestForHTTPGetAction: scheme (lower case), host (the pod IP when
 * the spec gives none; IPv6 in brackets), port, path (with a leading
 * "/"), the httpHeaders, User-Agent kube-lifecycle/1.33 and an Accept
 * header for any media type unless the headers set them.  Returns PL_HOOK_WAIT, or 0 when the
 * request cannot be made (the hook fails).
 */
static int http_start(podlife_engine *e, pl_pod *p, pl_ctr *c, const pl_http_get *g,
                      const char *which)
{
	const char *host = g->host && *g->host ? g->host : p->st.pod_ip;
	int port = hook_port(c->spec, &g->port);
	if (!host || !*host || port <= 0 || port > 65535)
		return 0;
	struct pl_http *h = http_state(e);
	if (!h)
		return 0;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		pl_xfer **v = pl_realloc(&e->a, h->v, cap * sizeof *v);
		if (!v)
			return 0;
		h->v = v;
		h->cap = cap;
	}
	pl_xfer *x = pl_calloc(&e->a, 1, sizeof *x);
	if (!x)
		return 0;
	x->slot = p->slot;
	x->cidx = (uint32_t)(c - p->c);
	x->op_tok = c->op_tok;
	x->path = pl_strdup(&e->a, g->path ? g->path : "");
	const char *scheme = g->scheme && strcmp(g->scheme, "HTTPS") == 0 ? "https" : "http";
	const char *path = g->path ? g->path : "";
	pl_buf u;
	pl_buf_init(&u, &e->a);
	bool v6 = strchr(host, ':') != NULL;
	pl_buf_printf(&u, "%s://%s%s%s:%d%s%s", scheme, v6 ? "[" : "", host, v6 ? "]" : "", port,
	              path[0] == '/' ? "" : "/", path);
	x->url = pl_buf_take(&u);
	x->easy = curl_easy_init();
	bool ok = x->url && x->path && x->easy;
	bool have_ua = false;
	for (size_t i = 0; ok && i < g->http_headers.n; i++) {
		const pl_http_header *hh = PL_ITEM(g->http_headers, pl_http_header, i);
		const char *name = hh->name ? hh->name : "", *value = hh->value ? hh->value : "";
		if (!*name)
			continue;
		have_ua = have_ua || strcasecmp(name, "User-Agent") == 0;
		pl_buf hb;
		pl_buf_init(&hb, &e->a);
		/* "Name;" sends a header with an empty value */
		if (*value)
			pl_buf_printf(&hb, "%s: %s", name, value);
		else
			pl_buf_printf(&hb, "%s;", name);
		struct curl_slist *l = hb.oom ? NULL : curl_slist_append(x->hdrs, pl_buf_cstr(&hb));
		pl_buf_free(&hb);
		if (!l)
			ok = false;
		else
			x->hdrs = l;
	}
	if (ok) {
		CURL *k = x->easy;
		ok = curl_easy_setopt(k, CURLOPT_URL, x->url) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_HTTPGET, 1L) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_ERRORBUFFER, x->err) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, discard_body) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_MAXREDIRS, 10L) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_SSL_VERIFYPEER, 0L) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_SSL_VERIFYHOST, 0L) == CURLE_OK &&
		     curl_easy_setopt(k, CURLOPT_PROXY, "") == CURLE_OK &&
		     (have_ua || curl_easy_setopt(k, CURLOPT_USERAGENT, "kube-lifecycle/1.33") ==
		                         CURLE_OK) &&
		     (!x->hdrs || curl_easy_setopt(k, CURLOPT_HTTPHEADER, x->hdrs) == CURLE_OK);
		/* preStop: bounded by what is left of the grace period */
		if (ok && strcmp(which, "PreStop") == 0) {
			int64_t left = c->kill_grace_s * 1000 - (e->now - c->kill_start);
			curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, (long)(left > 1 ? left : 1));
		}
	}
	if (!ok || curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		xfer_free(e, x);
		return 0;
	}
	h->v[h->n++] = x;
	return PL_HOOK_WAIT;
}

bool pl_http_busy(const podlife_engine *e)
{
	return e->http && e->http->n;
}

pl_ms pl_http_deadline(const podlife_engine *e)
{
	if (!e->http || !e->http->n)
		return PL_NEVER;
	long t = -1;
	if (curl_multi_timeout(e->http->multi, &t) != CURLM_OK)
		return e->now;
	if (t < 0)
		return PL_NEVER; /* waiting on sockets only */
	/* curl counts on the real clock; the engine's is the host's */
	return e->clock->now_ms(e->clock->ud) + t;
}

/* The hook's container if the hook still waits for this transfer. */
static pl_ctr *xfer_owner(podlife_engine *e, const pl_xfer *x, pl_pod **pp)
{
	pl_pod *p = x->slot < e->n_slots ? e->pods[x->slot] : NULL;
	if (!p || x->cidx >= p->nc)
		return NULL;
	pl_ctr *c = &p->c[x->cidx];
	if (c->op_tok != x->op_tok || (c->op != PL_OP_POSTSTART && c->op != PL_OP_PRESTOP))
		return NULL;
	*pp = p;
	return c;
}

void pl_http_perform(podlife_engine *e)
{
	struct pl_http *h = e->http;
	if (!h || !h->n)
		return;
	int running = 0;
	curl_multi_perform(h->multi, &running);
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		size_t i = 0;
		while (i < h->n && h->v[i]->easy != m->easy_handle)
			i++;
		if (i == h->n)
			continue;
		pl_xfer *x = h->v[i];
		h->v[i] = h->v[--h->n];
		CURLcode res = m->data.result;
		pl_pod *p = NULL;
		pl_ctr *c = xfer_owner(e, x, &p);
		if (c) {
			/* runHTTPHandler: any HTTP response counts as success; only a
			 * request that got none fails the hook */
			if (res == CURLE_OK) {
				pl_hook_done_msg(e, p, c, true, NULL);
			} else {
				char msg[900];
				snprintf(msg, sizeof msg,
				         "HTTP lifecycle hook (%s) for Container \"%s\" in Pod \"%s_%s(%s)\" "
				         "failed - error: Get \"%s\": %s",
				         x->path, c->spec->name ? c->spec->name : "", p->name, p->ns, p->uid,
				         x->url, x->err[0] ? x->err : curl_easy_strerror(res));
				pl_hook_done_msg(e, p, c, false, msg);
			}
			pl_eng_sync(e, p);
		}
		xfer_free(e, x);
	}
}

int podlife_engine_fds(podlife_engine *e, struct pollfd *fds, size_t cap, size_t *n)
{
	if (!e || !n || (cap && !fds))
		return PODLIFE_EINVAL;
	*n = 0;
	if (!e->http || !e->http->n)
		return PODLIFE_OK;
	fd_set r, w, x;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&x);
	int maxfd = -1;
	if (curl_multi_fdset(e->http->multi, &r, &w, &x, &maxfd) != CURLM_OK)
		return PODLIFE_EIO;
	size_t k = 0;
	int rc = PODLIFE_OK;
	for (int fd = 0; fd <= maxfd; fd++) {
		short ev = (short)((FD_ISSET(fd, &r) ? POLLIN : 0) | (FD_ISSET(fd, &w) ? POLLOUT : 0) |
		                   (FD_ISSET(fd, &x) ? POLLPRI : 0));
		if (!ev)
			continue;
		if (k < cap) {
			fds[k].fd = fd;
			fds[k].events = ev;
			fds[k].revents = 0;
		} else {
			rc = PODLIFE_ETOOBIG;
		}
		k++;
	}
	*n = k;
	return rc;
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
