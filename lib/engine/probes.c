/*
 * lib/engine/probes.c - liveness, readiness and startup probes: the
 * kubelet's prober workers (pkg/kubelet/prober/worker.go doProbe,
 * prober_manager.go AddPod/UpdatePodStatus, prober.go probe/runProbe) on
 * the engine's timer heap, one worker per probe of every regular
 * container and sidecar.  A worker ticks every periodSeconds from the
 * pod's first sync; each tick applies doProbe's rules in order and hands
 * the run to a handler: a slot of the host's probe vtable, the engine's
 * network client (httpGet, tcpSocket, grpc) or the backend's exec_sync.
 * Results are counted into runs against the thresholds; the cached result
 * sets the container's started and ready flags, and a liveness or startup
 * failure asks the pod worker to kill the container (pl_probes_kill).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

enum { PR_UNKNOWN = -1, PR_SUCCESS = 0, PR_FAILURE = 1 };

#define PL_PROBE_RETRIES 3 /* maxProbeRetries: errors are retried */
#define PL_NET_SLACK_MS 2000 /* backstop past a network run's own timeout */

typedef struct pl_prb {
	pl_timer t;       /* PL_TIMER_PROBE */
	pl_ms origin;     /* the worker's ticker started (or was reset) here */
	pl_ms run_start;  /* the current or last tick */
	pl_ms run_end;    /* a run in flight times out here */
	pl_ms manual_at;  /* last manual readiness trigger: one per instant */
	uint32_t inst;    /* container instance the cached result is for, 0 none */
	uint32_t tok;     /* sequence of the run in flight */
	int32_t run;      /* resultRun: consecutive equal results */
	uint16_t cidx;
	uint8_t kind;     /* podlife_probe_kind */
	int8_t cached;    /* PR_* for `inst` */
	int8_t last;      /* lastResult (zero value: success) */
	uint8_t on_hold;
	uint8_t stopped;
	uint8_t pending;  /* a run is in flight */
	uint8_t net;      /* ... on the engine's network client */
	uint8_t tries;    /* attempts of the current run (errors retried) */
	uint8_t handler;  /* podlife_probe_handler of the run in flight */
	uint8_t started;  /* the worker runs (AddPod happened) */
	uint8_t trigger;  /* a manual run asked for while one was in flight */
} pl_prb;

static const char *const kind_names[] = {"Liveness", "Readiness", "Startup"};

const char *podlife_probe_kind_name(podlife_probe_kind kind)
{
	return (unsigned int)kind < 3 ? kind_names[kind] : NULL;
}

static const pl_probe *probe_spec(const pl_ctr *c, unsigned int kind)
{
	const pl_container *s = c->spec;
	return kind == PODLIFE_PROBE_LIVENESS    ? s->liveness_probe
	       : kind == PODLIFE_PROBE_READINESS ? s->readiness_probe
	                                         : s->startup_probe;
}

/* A probe field, or its API default when unset. */
static int64_t or_default(int64_t v, int64_t dflt)
{
	return v > 0 ? v : dflt;
}

static pl_ms period_ms(const pl_probe *ps)
{
	return or_default(ps->period_seconds, 10) * 1000;
}

static pl_ms timeout_ms(const pl_probe *ps)
{
	return or_default(ps->timeout_seconds, 1) * 1000;
}

/* newWorker's initial values: readiness fails, liveness succeeds,
 * startup is unknown until it succeeds. */
static int initial_result(unsigned int kind)
{
	return kind == PODLIFE_PROBE_READINESS ? PR_FAILURE
	       : kind == PODLIFE_PROBE_LIVENESS ? PR_SUCCESS
	                                        : PR_UNKNOWN;
}

static int cached_for(const pl_prb *w, const pl_ctr *c)
{
	return w->inst == c->inst && w->inst ? w->cached : initial_result(w->kind);
}

static pl_prb *worker_of(const pl_pod *p, const pl_ctr *c, unsigned int kind)
{
	return c->prb[kind] >= 0 ? &p->prb[c->prb[kind]] : NULL;
}

/* ---- creation ----------------------------------------------------------------- */

int pl_probes_create(podlife_engine *e, pl_pod *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		c->prb[0] = c->prb[1] = c->prb[2] = -1;
		/* getRestartableInitContainers: sidecars and regular containers */
		if (c->kind == PL_CKIND_INIT)
			continue;
		for (unsigned int k = 0; k < 3; k++)
			n += probe_spec(c, k) != NULL;
	}
	if (!n)
		return PODLIFE_OK;
	p->prb = pl_calloc(&e->a, n, sizeof *p->prb);
	if (!p->prb)
		return PODLIFE_ENOMEM;
	size_t j = 0;
	for (size_t i = 0; i < p->nc; i++) {
		pl_ctr *c = &p->c[i];
		if (c->kind == PL_CKIND_INIT)
			continue;
		for (unsigned int k = 0; k < 3; k++) {
			if (!probe_spec(c, k))
				continue;
			pl_prb *w = &p->prb[j];
			pl_timer_init(&w->t, PL_TIMER_PROBE, p->slot);
			w->t.sub = (uint16_t)j;
			w->cidx = (uint16_t)i;
			w->kind = (uint8_t)k;
			w->cached = (int8_t)initial_result(k);
			w->last = PR_SUCCESS;
			w->origin = PL_NEVER;
			w->manual_at = INT64_MIN;
			c->prb[k] = (int16_t)j;
			j++;
		}
	}
	p->n_prb = (uint16_t)n;
	return PODLIFE_OK;
}

static uint64_t run_token(const pl_pod *p, const pl_prb *w)
{
	return PL_NET_TAG_PROBE | ((uint64_t)(p->slot + 1) << 34) | ((uint64_t)(w->t.sub & 0x3ffu) << 24) |
	       (w->tok & 0xffffffu);
}

static pl_prb *token_worker(podlife_engine *e, uint64_t tok, pl_pod **pp)
{
	if (!(tok & PL_NET_TAG_PROBE))
		return NULL;
	uint64_t slot = (tok & ~PL_NET_TAG_PROBE) >> 34;
	unsigned int sub = (unsigned int)((tok >> 24) & 0x3ffu);
	if (slot == 0 || slot > e->n_slots)
		return NULL;
	pl_pod *p = e->pods[slot - 1];
	if (!p || sub >= p->n_prb)
		return NULL;
	pl_prb *w = &p->prb[sub];
	if (!w->pending || w->tok != (uint32_t)(tok & 0xffffffu))
		return NULL;
	*pp = p;
	return w;
}

static void drop_run(podlife_engine *e, const pl_pod *p, pl_prb *w)
{
	if (w->pending && w->net && e->http)
		pl_net_cancel(pl_eng_net(e), run_token(p, w));
	w->pending = 0;
	w->net = 0;
}

void pl_probes_destroy(podlife_engine *e, pl_pod *p)
{
	for (size_t i = 0; i < p->n_prb; i++) {
		pl_heap_disarm(&e->heap, &p->prb[i].t);
		drop_run(e, p, &p->prb[i]);
	}
	pl_free(&e->a, p->prb);
	p->prb = NULL;
	p->n_prb = 0;
}

/* ---- status --------------------------------------------------------------------- */

static bool ctr_started(const pl_pod *p, const pl_ctr *c)
{
	const pl_prb *su = worker_of(p, c, PODLIFE_PROBE_STARTUP);
	return su ? cached_for(su, c) == PR_SUCCESS : true;
}

void pl_probes_status(const pl_pod *p, pl_ctr *c)
{
	if (c->kind == PL_CKIND_INIT || c->rt != PL_RT_RUNNING || !(c->flags & PL_CF_STARTED))
		return;
	/* isContainerStarted / UpdatePodStatus */
	bool started = ctr_started(p, c);
	const pl_prb *rd = worker_of(p, c, PODLIFE_PROBE_READINESS);
	c->st->started = started ? 1 : 0;
	c->st->ready = started && (rd ? cached_for(rd, c) == PR_SUCCESS : true);
}

bool pl_probes_startup_pending(const pl_pod *p, const pl_ctr *c)
{
	return !ctr_started(p, c);
}

bool pl_probes_kill(const podlife_engine *e, const pl_pod *p, const pl_ctr *c, char *msg,
                    size_t len, int64_t *grace_s)
{
	PL_UNUSED(e);
	if (c->rt != PL_RT_RUNNING || (c->flags & PL_CF_KILLING))
		return false;
	unsigned int kind;
	const pl_prb *lv = worker_of(p, c, PODLIFE_PROBE_LIVENESS);
	const pl_prb *su = worker_of(p, c, PODLIFE_PROBE_STARTUP);
	if (lv && lv->inst == c->inst && lv->cached == PR_FAILURE)
		kind = PODLIFE_PROBE_LIVENESS;
	else if (su && su->inst == c->inst && su->cached == PR_FAILURE)
		kind = PODLIFE_PROBE_STARTUP;
	else
		return false;
	const char *what = kind == PODLIFE_PROBE_LIVENESS ? "liveness" : "startup";
	if (c->kind == PL_CKIND_SIDECAR) {
		/* computeInitContainerActions */
		snprintf(msg, len, "Init container %s failed %s probe", c->spec->name, what);
	} else {
		/* computePodActions: shouldRestartOnFailure */
		const char *rp = p->m->spec->restart_policy;
		bool restart = !(rp && strcmp(rp, "Never") == 0);
		snprintf(msg, len, "Container %s failed %s probe%s", c->spec->name, what,
		         restart ? ", will be restarted" : "");
	}
	/* setTerminationGracePeriod: a deleted pod's grace, else the probe's
	 * terminationGracePeriodSeconds, else the pod's */
	const pl_probe *ps = probe_spec(c, kind);
	if (p->flags & PL_PF_DELETED)
		*grace_s = p->grace_s;
	else if (ps && PL_HAS(ps, termination_grace_period_seconds))
		*grace_s = ps->termination_grace_period_seconds;
	else
		*grace_s = pl_pod_grace(p);
	return true;
}

/* ---- results -------------------------------------------------------------------- */

/* Stores a result for the worker's instance; the pod is synced when it changed. */
static void set_cached(podlife_engine *e, pl_pod *p, pl_prb *w, int r)
{
	if (w->cached == r)
		return;
	w->cached = (int8_t)r;
	pl_ctr *c = &p->c[w->cidx];
	pl_probes_status(p, c);
	pl_eng_sync(e, p);
}

static void schedule(podlife_engine *e, const pl_pod *p, pl_prb *w);
static void do_probe(podlife_engine *e, pl_pod *p, pl_prb *w);
static void start_run(podlife_engine *e, pl_pod *p, pl_prb *w);

/*
 * A run ended.  `error`: the handler could not run the probe (retried up
 * to maxProbeRetries, then thrown away with an Unhealthy event);
 * otherwise doProbe's threshold counting.
 */
static void finish(podlife_engine *e, pl_pod *p, pl_prb *w, bool error, int outcome,
                   const char *output)
{
	pl_ctr *c = &p->c[w->cidx];
	const char *kname = kind_names[w->kind];
	w->pending = 0;
	w->net = 0;
	if (!output)
		output = "";
	if (error) {
		if (++w->tries < PL_PROBE_RETRIES && c->inst == w->inst && c->rt == PL_RT_RUNNING) {
			start_run(e, p, w);
			if (w->pending)
				schedule(e, p, w);
			return;
		}
		w->tries = 0;
		pl_emit(e, p, c, true, "Unhealthy", "%s probe errored and resulted in unknown state: %s",
		        kname, *output ? output : "probe error");
		schedule(e, p, w);
		return;
	}
	w->tries = 0;
	int r;
	switch (outcome) {
	case PODLIFE_PROBE_SUCCESS:
		r = PR_SUCCESS;
		break;
	case PODLIFE_PROBE_WARNING:
		pl_emit(e, p, c, true, "ProbeWarning", "%s probe warning: %s", kname, output);
		r = PR_SUCCESS;
		break;
	case PODLIFE_PROBE_FAILURE:
		pl_emit(e, p, c, true, "Unhealthy", "%s probe failed: %s", kname, output);
		r = PR_FAILURE;
		break;
	default: /* unknown without an error: a failure, no event */
		r = PR_FAILURE;
		break;
	}
	/* The container may have been replaced while the run was in flight. */
	if (c->inst != w->inst) {
		schedule(e, p, w);
		return;
	}
	if (r == w->last) {
		w->run++;
	} else {
		w->last = (int8_t)r;
		w->run = 1;
	}
	const pl_probe *ps = probe_spec(c, w->kind);
	int64_t fth = ps ? or_default(ps->failure_threshold, 3) : 3;
	int64_t sth = ps ? or_default(ps->success_threshold, 1) : 1;
	if ((r == PR_FAILURE && w->run < fth) || (r == PR_SUCCESS && w->run < sth)) {
		schedule(e, p, w);
		return;
	}
	if ((w->kind == PODLIFE_PROBE_LIVENESS && r == PR_FAILURE) || w->kind == PODLIFE_PROBE_STARTUP) {
		/* stop until a new container (worker.go: onHold, #117153) */
		w->on_hold = 1;
		w->run = 0;
	}
	schedule(e, p, w);
	set_cached(e, p, w, r);
}

/* ---- requests (shared with the engine's httpGet hooks) ------------------------------ */

void pl_probe_request_init(podlife_probe_request *r, const pl_pod *p, const pl_ctr *c,
                           podlife_probe_kind kind, podlife_probe_handler handler)
{
	memset(r, 0, sizeof *r);
	r->version = PODLIFE_PROBE_REQUEST_VERSION;
	r->kind = kind;
	r->handler = handler;
	r->pod_namespace = p->ns;
	r->pod_name = p->name;
	r->pod_uid = p->uid;
	r->container = c->spec->name ? c->spec->name : "";
	r->container_id = c->rid ? c->rid : "";
	r->sandbox_id = p->sandbox_id ? p->sandbox_id : "";
	r->netns_path = p->netns ? p->netns : "";
}

size_t pl_http_url(pl_buf *b, const pl_http_get *g, const char *host, int port)
{
	const char *path = g->path ? g->path : "";
	bool v6 = strchr(host, ':') != NULL;
	pl_buf_printf(b, "%s://%s%s%s:%d", g->scheme && strcmp(g->scheme, "HTTPS") == 0 ? "https" : "http",
	              v6 ? "[" : "", host, v6 ? "]" : "", port);
	size_t at = b->len;
	if (path[0] && path[0] != '/' && path[0] != '?')
		pl_buf_putc(b, '/');
	pl_buf_puts(b, path);
	return at;
}

int pl_http_headers(const pl_alloc *a, const pl_http_get *g, const char ***names,
                    const char ***values, size_t *n)
{
	size_t cap = g->http_headers.n;
	*names = cap ? pl_calloc(a, cap, sizeof **names) : NULL;
	*values = cap ? pl_calloc(a, cap, sizeof **values) : NULL;
	*n = 0;
	if (cap && (!*names || !*values)) {
		pl_free(a, (void *)*names);
		pl_free(a, (void *)*values);
		*names = *values = NULL;
		return PODLIFE_ENOMEM;
	}
	for (size_t i = 0; i < cap; i++) {
		const pl_http_header *hh = PL_ITEM(g->http_headers, pl_http_header, i);
		if (!hh->name || !*hh->name)
			continue;
		(*names)[*n] = hh->name;
		(*values)[*n] = hh->value ? hh->value : "";
		(*n)++;
	}
	return PODLIFE_OK;
}

/* ---- running a probe ------------------------------------------------------------ */

/* ResolveContainerPort: a number in (0, 65536) or the name of one of the
 * container's ports; 0 with `err` set otherwise. */
static int resolve_port(const pl_container *c, const pl_intstr *port, char *err, size_t len)
{
	if (!port->is_str) {
		if (port->i > 0 && port->i < 65536)
			return (int)port->i;
		snprintf(err, len, "invalid port number: %lld", (long long)port->i);
		return 0;
	}
	const char *name = port->s ? port->s : "";
	for (size_t i = 0; i < c->ports.n; i++) {
		const pl_port *pt = PL_ITEM(c->ports, pl_port, i);
		if (pt->name && strcmp(pt->name, name) == 0) {
			if (pt->container_port > 0 && pt->container_port < 65536)
				return (int)pt->container_port;
			snprintf(err, len, "invalid port number: %lld", (long long)pt->container_port);
			return 0;
		}
	}
	snprintf(err, len, "port \"%s\" not found", name);
	return 0;
}

/* The pod IP, or loopback when the backend gave the pod none. */
static const char *pod_ip(const pl_pod *p)
{
	return p->st.pod_ip && *p->st.pod_ip ? p->st.pod_ip : "127.0.0.1";
}

/* The output a run gets when its time ran out (the texts of Go's
 * net/http client, net.Dialer, pkg/probe/grpc and the CRI client). */
static void timeout_output(const pl_pod *p, const pl_prb *w, char *out, size_t len)
{
	const pl_ctr *c = &p->c[w->cidx];
	const pl_probe *ps = probe_spec(c, w->kind);
	long long ts = ps ? (long long)(timeout_ms(ps) / 1000) : 1;
	char err[128];
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	if (ps && ps->http_get) {
		const pl_http_get *g = ps->http_get;
		pl_buf_puts(&b, "Get \"");
		pl_http_url(&b, g, g->host && *g->host ? g->host : pod_ip(p),
		            resolve_port(c->spec, &g->port, err, sizeof err));
		pl_buf_puts(&b, "\": context deadline exceeded (Client.Timeout exceeded while awaiting "
		                "headers)");
	} else if (ps && ps->tcp_socket) {
		const pl_tcp_socket *t = ps->tcp_socket;
		const char *host = t->host && *t->host ? t->host : pod_ip(p);
		bool v6 = strchr(host, ':') != NULL;
		pl_buf_printf(&b, "dial tcp %s%s%s:%d: i/o timeout", v6 ? "[" : "", host, v6 ? "]" : "",
		              resolve_port(c->spec, &t->port, err, sizeof err));
	} else if (ps && ps->grpc) {
		pl_buf_printf(&b, "timeout: health rpc did not complete within %llds", ts);
	} else {
		/* the CRI client's ExecSync deadline (exec.NewTimeoutError) */
		pl_buf cmd;
		pl_buf_init(&cmd, pl_alloc_default());
		const pl_exec_action *x = ps ? ps->exec : NULL;
		for (size_t i = 0; x && i < x->command.n; i++) {
			if (i)
				pl_buf_putc(&cmd, ' ');
			pl_buf_puts(&cmd, x->command.v[i]);
		}
		pl_buf_puts(&b, "command ");
		pl_buf_quote(&b, pl_buf_cstr(&cmd));
		pl_buf_puts(&b, " timed out");
		pl_buf_free(&cmd);
	}
	snprintf(out, len, "%s", b.oom ? "probe timed out" : pl_buf_cstr(&b));
	pl_buf_free(&b);
}

/*
 * ExpandContainerCommandOnlyStatic: $(VAR) from the container's env
 * values given literally, $$ for a dollar; anything else stays as
 * written.  Owned result or NULL on ENOMEM.
 */
static char *expand_static(const pl_alloc *a, const pl_container *c, const char *s)
{
	pl_buf b;
	pl_buf_init(&b, a);
	for (const char *q = s; *q;) {
		if (q[0] == '$' && q[1] == '$') {
			pl_buf_putc(&b, '$');
			q += 2;
			continue;
		}
		if (q[0] == '$' && q[1] == '(') {
			const char *end = strchr(q + 2, ')');
			if (end) {
				size_t n = (size_t)(end - q - 2);
				const char *val = NULL;
				for (size_t i = c->env.n; i-- > 0;) {
					const pl_env *ev = PL_ITEM(c->env, pl_env, i);
					if (ev->name && !ev->value_from && strlen(ev->name) == n &&
					    strncmp(ev->name, q + 2, n) == 0) {
						val = ev->value ? ev->value : "";
						break;
					}
				}
				if (val) {
					pl_buf_puts(&b, val);
					q = end + 1;
					continue;
				}
				pl_buf_append(&b, q, (size_t)(end - q + 1));
				q = end + 1;
				continue;
			}
		}
		pl_buf_putc(&b, *q++);
	}
	return pl_buf_take(&b);
}

/* Canonical result of an exec_sync: exit 0 success, else failure. */
static void exec_result(podlife_engine *e, pl_pod *p, pl_prb *w, int rc, const podlife_result *r)
{
	if (rc == PODLIFE_OK && r) {
		finish(e, p, w, false, r->exit_code == 0 ? PODLIFE_PROBE_SUCCESS : PODLIFE_PROBE_FAILURE,
		       r->message);
		return;
	}
	if (rc == PODLIFE_ETIMEDOUT) {
		char out[600];
		timeout_output(p, w, out, sizeof out);
		finish(e, p, w, false, PODLIFE_PROBE_FAILURE, out);
		return;
	}
	finish(e, p, w, true, PODLIFE_PROBE_UNKNOWN,
	       r && r->message[0] ? r->message : podlife_strerror(rc));
}

static void start_run(podlife_engine *e, pl_pod *p, pl_prb *w)
{
	pl_ctr *c = &p->c[w->cidx];
	const pl_probe *ps = probe_spec(c, w->kind);
	if (!ps)
		return;
	w->tok = pl_eng_seq(e);
	uint64_t tok = run_token(p, w);
	podlife_probe_request req;
	pl_probe_request_init(&req, p, c, (podlife_probe_kind)w->kind, PODLIFE_PROBE_EXEC);
	req.timeout_ms = timeout_ms(ps);
	w->run_end = e->now + req.timeout_ms;
	char err[300];
	err[0] = '\0';
	podlife_probe_fn slot = NULL;
	/* the request's strings, owned here until the slot returns */
	pl_buf url;
	pl_buf_init(&url, &e->a);
	char **argv = NULL;
	size_t argc = 0;
	const char **names = NULL, **values = NULL;

	if (ps->exec) {
		slot = e->pb.exec;
		argc = ps->exec->command.n;
		argv = pl_calloc(&e->a, argc + 1, sizeof *argv);
		for (size_t i = 0; argv && i < argc; i++) {
			argv[i] = expand_static(&e->a, c->spec, ps->exec->command.v[i]);
			if (!argv[i])
				snprintf(err, sizeof err, "out of memory");
		}
		if (!argv)
			snprintf(err, sizeof err, "out of memory");
		req.argv = (const char *const *)argv;
		req.argc = argv ? argc : 0;
	} else if (ps->http_get) {
		const pl_http_get *g = ps->http_get;
		req.handler = PODLIFE_PROBE_HTTP_GET;
		slot = e->pb.http_get;
		req.scheme = g->scheme && strcmp(g->scheme, "HTTPS") == 0 ? "https" : "http";
		req.host = g->host && *g->host ? g->host : pod_ip(p);
		req.port = resolve_port(c->spec, &g->port, err, sizeof err);
		size_t at = pl_http_url(&url, g, req.host, req.port);
		req.url = url.oom ? "" : pl_buf_cstr(&url);
		req.path = url.oom ? "" : req.url + at;
		if (pl_http_headers(&e->a, g, &names, &values, &req.n_headers) || url.oom)
			snprintf(err, sizeof err, "out of memory");
		req.header_names = names;
		req.header_values = values;
	} else if (ps->tcp_socket) {
		const pl_tcp_socket *t = ps->tcp_socket;
		req.handler = PODLIFE_PROBE_TCP_SOCKET;
		slot = e->pb.tcp_socket;
		req.host = t->host && *t->host ? t->host : pod_ip(p);
		req.port = resolve_port(c->spec, &t->port, err, sizeof err);
	} else if (ps->grpc) {
		req.handler = PODLIFE_PROBE_GRPC;
		slot = e->pb.grpc;
		req.host = pod_ip(p);
		req.port = ps->grpc->port > 0 && ps->grpc->port < 65536 ? (int)ps->grpc->port : 0;
		if (!req.port)
			snprintf(err, sizeof err, "invalid port number: %lld", (long long)ps->grpc->port);
		req.service = ps->grpc->service ? ps->grpc->service : "";
	} else {
		/* runProbe: no handler - unknown, a failure without an event */
		finish(e, p, w, false, PODLIFE_PROBE_UNKNOWN, NULL);
		return;
	}
	w->handler = (uint8_t)req.handler;

	podlife_probe_result *res = NULL;
	if (err[0]) {
		/* runProbe returned an error: thrown away (no retry helps) */
		w->tries = PL_PROBE_RETRIES;
		finish(e, p, w, true, PODLIFE_PROBE_UNKNOWN, err);
		goto out;
	}
	if (slot) {
		res = pl_calloc(&e->a, 1, sizeof *res);
		if (!res) {
			finish(e, p, w, true, PODLIFE_PROBE_UNKNOWN, "out of memory");
			goto out;
		}
		w->pending = 1;
		int rc = slot(e->pb.ud, &req, tok, res);
		if (rc == PODLIFE_PENDING)
			goto out;
		w->pending = 0;
		if (rc == PODLIFE_OK)
			finish(e, p, w, false, (int)res->outcome, res->output);
		else
			finish(e, p, w, true, PODLIFE_PROBE_UNKNOWN,
			       res->output[0] ? res->output : podlife_strerror(rc));
		goto out;
	}
	if (req.handler == PODLIFE_PROBE_EXEC) {
		if ((e->be.caps & PODLIFE_CAP_NO_EXEC) || !e->be.exec_sync || !c->rid) {
			w->tries = PL_PROBE_RETRIES;
			finish(e, p, w, true, PODLIFE_PROBE_UNKNOWN, "the backend cannot run commands in containers");
			goto out;
		}
		podlife_result r;
		memset(&r, 0, sizeof r);
		w->pending = 1;
		int rc = e->be.exec_sync(e->be.ud, c->rid, req.argv, req.argc, req.timeout_ms / 1000, tok,
		                         &r);
		if (rc == PODLIFE_PENDING)
			goto out;
		w->pending = 0;
		exec_result(e, p, w, rc, &r);
		goto out;
	}
	/* the engine's own network client */
	struct pl_net *net = pl_eng_net(e);
	int rc = PODLIFE_ENOMEM;
	pl_net_origin origin = {&e->pb, &req};
	if (net) {
		if (req.handler == PODLIFE_PROBE_HTTP_GET) {
			pl_net_http h;
			memset(&h, 0, sizeof h);
			h.url = req.url;
			h.n_headers = req.n_headers;
			h.header_names = req.header_names;
			h.header_values = req.header_values;
			h.user_agent = "kube-probe/" PODLIFE_KUBERNETES_VERSION;
			h.timeout_ms = req.timeout_ms;
			h.redirects = PL_NET_REDIRECT_LOCAL;
			h.max_body = PODLIFE_PROBE_OUTPUT_MAX;
			rc = pl_net_http_get(net, &h, &origin, tok);
		} else if (req.handler == PODLIFE_PROBE_TCP_SOCKET) {
			rc = pl_net_tcp(net, req.host, req.port, req.timeout_ms, &origin, tok);
		} else {
			if (!pl_net_grpc_supported()) {
				w->tries = PL_PROBE_RETRIES;
				finish(e, p, w, true, PODLIFE_PROBE_UNKNOWN,
				       "gRPC probes need a libcurl with HTTP/2 support");
				goto out;
			}
			rc = pl_net_grpc(net, req.host, req.port, req.service,
			                 "kube-probe/" PODLIFE_KUBERNETES_VERSION, req.timeout_ms, &origin, tok);
		}
	}
	if (rc < 0) {
		finish(e, p, w, true, PODLIFE_PROBE_UNKNOWN, podlife_strerror(rc));
		goto out;
	}
	w->pending = 1;
	w->net = 1;
	w->run_end += PL_NET_SLACK_MS; /* the client times the run itself */
out:
	pl_free(&e->a, res);
	pl_buf_free(&url);
	pl_free(&e->a, (void *)names);
	pl_free(&e->a, (void *)values);
	for (size_t i = 0; argv && i < argc; i++)
		pl_free(&e->a, argv[i]);
	pl_free(&e->a, argv);
}

/* The next tick of the worker's ticker after `t`. */
static pl_ms next_tick(const pl_prb *w, pl_ms t, pl_ms period)
{
	if (t < w->origin)
		return w->origin;
	return w->origin + ((t - w->origin) / period + 1) * period;
}

/*
 * Arms the worker's timer: the end of the run in flight, else the tick
 * after the last one (a Go ticker keeps one missed tick: a run longer
 * than a period is followed by the next one at once).
 */
static void schedule(podlife_engine *e, const pl_pod *p, pl_prb *w)
{
	if (w->stopped) {
		pl_heap_disarm(&e->heap, &w->t);
		return;
	}
	if (w->pending) {
		pl_heap_arm(&e->heap, &w->t, w->run_end);
		return;
	}
	if (w->trigger) { /* the manual trigger waited for the run to end */
		pl_heap_arm(&e->heap, &w->t, e->now);
		return;
	}
	const pl_probe *ps = probe_spec(&p->c[w->cidx], w->kind);
	pl_ms nt = next_tick(w, w->run_start, ps ? period_ms(ps) : 10000);
	pl_heap_arm(&e->heap, &w->t, nt > e->now ? nt : e->now);
}

static void stop_worker(podlife_engine *e, pl_pod *p, pl_prb *w)
{
	drop_run(e, p, w);
	w->stopped = 1;
	w->trigger = 0;
	pl_heap_disarm(&e->heap, &w->t);
}

static bool pod_terminal(const pl_pod *p)
{
	return p->state == PL_POD_DONE || p->state == PL_POD_REJECTED ||
	       p->st.phase == PL_PHASE_SUCCEEDED || p->st.phase == PL_PHASE_FAILED;
}

/*
 * Stops a worker whose pod is done (Succeeded or Failed: all workers) or
 * terminating (StopLivenessAndStartup: liveness and startup, their result
 * Success; readiness goes on).  True when it stopped.
 */
static bool worker_ends(podlife_engine *e, pl_pod *p, pl_prb *w)
{
	if (pod_terminal(p)) {
		stop_worker(e, p, w);
		return true;
	}
	if (p->state == PL_POD_TERMINATING && w->kind != PODLIFE_PROBE_READINESS) {
		if (w->inst == p->c[w->cidx].inst)
			w->cached = PR_SUCCESS;
		stop_worker(e, p, w);
		return true;
	}
	return false;
}

/* doProbe, in its order; leaves a run in flight or done. */
static void do_probe(podlife_engine *e, pl_pod *p, pl_prb *w)
{
	pl_ms now = e->now;
	w->run_start = now;
	pl_ctr *c = &p->c[w->cidx];
	if (worker_ends(e, p, w))
		return;
	if (!(c->flags & PL_CF_EVER) || !c->inst)
		return; /* no container yet: wait for more information */
	if (w->inst != c->inst) {
		w->inst = c->inst;
		w->cached = (int8_t)initial_result(w->kind);
		w->on_hold = 0;
	}
	if (w->on_hold)
		return;
	if (c->rt != PL_RT_RUNNING) {
		if (c->rt == PL_RT_EXITED || c->rt == PL_RT_UNKNOWN)
			set_cached(e, p, w, PR_FAILURE);
		return;
	}
	if (!(c->flags & PL_CF_STARTED))
		return; /* postStart still running: not reported running yet */
	const pl_probe *ps = probe_spec(c, w->kind);
	if (!ps)
		return;
	if ((now - c->started_at) / 1000 < ps->initial_delay_seconds)
		return;
	bool started = ctr_started(p, c);
	if (w->kind == PODLIFE_PROBE_STARTUP ? started : !started)
		return;
	w->tries = 0;
	start_run(e, p, w);
}

void pl_probe_timer(podlife_engine *e, pl_pod *p, uint16_t sub)
{
	if (sub >= p->n_prb)
		return;
	pl_prb *w = &p->prb[sub];
	if (w->stopped)
		return;
	if (w->pending) {
		if (e->now < w->run_end) {
			schedule(e, p, w);
			return;
		}
		/* timeoutSeconds passed: a failure; a late answer is ignored */
		drop_run(e, p, w);
		char out[600];
		timeout_output(p, w, out, sizeof out);
		finish(e, p, w, false, PODLIFE_PROBE_FAILURE, out);
		return;
	}
	if (w->trigger) {
		w->trigger = 0;
		w->manual_at = e->now;
		w->origin = e->now;
	}
	do_probe(e, p, w);
	schedule(e, p, w);
}

/* ---- pod hooks ------------------------------------------------------------------ */

void pl_probes_start(podlife_engine *e, pl_pod *p)
{
	if (p->flags & PL_PF_PROBING)
		return;
	p->flags |= PL_PF_PROBING;
	for (size_t i = 0; i < p->n_prb; i++) {
		pl_prb *w = &p->prb[i];
		w->started = 1;
		w->origin = e->now;
		w->t.owner = p->slot;
		do_probe(e, p, w);
		schedule(e, p, w);
	}
}

void pl_probes_sync(podlife_engine *e, pl_pod *p)
{
	for (size_t i = 0; i < p->n_prb; i++) {
		pl_prb *w = &p->prb[i];
		if (!w->started || w->stopped || worker_ends(e, p, w))
			continue;
		pl_ctr *c = &p->c[w->cidx];
		/* UpdatePodStatus: a started container that is not ready gets
		 * its readiness probe run now, and the ticker restarts */
		if (w->kind == PODLIFE_PROBE_READINESS && !w->on_hold && c->rt == PL_RT_RUNNING &&
		    (c->flags & PL_CF_STARTED) && c->st->started == 1 && !c->st->ready &&
		    (w->manual_at < e->now || w->inst != c->inst)) {
			if (w->pending) {
				/* the worker takes it when the run in flight ends
				 * (manualTriggerCh holds one) */
				w->trigger = 1;
				continue;
			}
			w->manual_at = e->now;
			w->origin = e->now;
			do_probe(e, p, w);
			schedule(e, p, w);
		}
	}
}

/* ---- explain ------------------------------------------------------------------------ */

void pl_probes_explain(const pl_pod *p, const pl_ctr *c, pl_buf *b)
{
	static const char *const lower[] = {"liveness", "readiness", "startup"};
	static const char *const handlers[] = {"exec", "httpGet", "tcpSocket", "grpc"};
	for (unsigned int k = 0; k < 3; k++) {
		const pl_prb *w = worker_of(p, c, k);
		const pl_probe *ps = probe_spec(c, k);
		if (!w || !ps)
			continue;
		unsigned int h = ps->exec ? 0 : ps->http_get ? 1 : ps->tcp_socket ? 2 : 3;
		int r = cached_for(w, c);
		pl_buf_printf(b, "  %s probe (%s, every %llds): %s", lower[k], handlers[h],
		              (long long)(period_ms(ps) / 1000),
		              r == PR_SUCCESS ? "Success" : r == PR_FAILURE ? "Failure" : "Unknown");
		if (w->inst != c->inst || !w->inst)
			pl_buf_puts(b, " (initial value)");
		if (w->stopped)
			pl_buf_puts(b, ", stopped");
		else if (w->on_hold)
			pl_buf_puts(b, ", on hold until the container is replaced");
		else if (w->pending)
			pl_buf_puts(b, ", a run is in flight");
		if (w->run > 0 && w->inst == c->inst) {
			int64_t need = w->last == PR_SUCCESS ? or_default(ps->success_threshold, 1)
			                                     : or_default(ps->failure_threshold, 3);
			pl_buf_printf(b, "; last %d result%s %s (%lld in a row turn it)", (int)w->run,
			              w->run == 1 ? "" : "s", w->last == PR_SUCCESS ? "succeeded" : "failed",
			              (long long)need);
		}
		if (!w->stopped && w->t.deadline != PL_NEVER) {
			pl_buf_puts(b, "; next at t=");
			pl_explain_secs(b, w->t.deadline);
		}
		pl_buf_puts(b, "\n");
	}
}

/* ---- completions ------------------------------------------------------------------- */

void pl_probe_net_done(podlife_engine *e, uint64_t tag, const pl_net_result *r)
{
	pl_pod *p;
	pl_prb *w = token_worker(e, tag, &p);
	if (!w || !w->net)
		return;
	pl_eng_now(e);
	finish(e, p, w, false, r->outcome, r->output);
}

/*
 * The run in flight that a host's or backend's answer names, with the
 * engine entered (pl_eng_now, depth); NULL when none.  run_answered
 * leaves the engine: the pod is synced only when the cached result
 * changed (set_cached queues it), as the results manager reports changes
 * only - a sync for every answer would run readiness again at once for a
 * container that is not ready (UpdatePodStatus).
 */
static pl_prb *answered_run(podlife_engine *e, uint64_t token, pl_pod **pp)
{
	pl_prb *w = token_worker(e, token, pp);
	if (!w || w->net)
		return NULL;
	pl_eng_now(e);
	e->depth++;
	return w;
}

static int run_answered(podlife_engine *e)
{
	e->depth--;
	pl_eng_drain(e);
	return PODLIFE_OK;
}

int pl_probe_exec_done(podlife_engine *e, uint64_t token, int rc, const podlife_result *r)
{
	pl_pod *p;
	pl_prb *w = answered_run(e, token, &p);
	if (!w)
		return PODLIFE_ENOTFOUND;
	exec_result(e, p, w, rc, r);
	return run_answered(e);
}

int podlife_engine_notify_probe(podlife_engine *e, uint64_t token, int rc,
                                const podlife_probe_result *result)
{
	if (!e || (rc == PODLIFE_OK && !result))
		return PODLIFE_EINVAL;
	pl_pod *p;
	pl_prb *w = answered_run(e, token, &p);
	if (!w)
		return PODLIFE_ENOTFOUND;
	if (rc == PODLIFE_OK)
		finish(e, p, w, false, (int)result->outcome, result->output);
	else
		finish(e, p, w, true, PODLIFE_PROBE_UNKNOWN,
		       result && result->output[0] ? result->output : podlife_strerror(rc));
	return run_answered(e);
}
