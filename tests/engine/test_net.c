/*
 * tests/engine/test_net.c - the engine's network client (lib/engine/net.c)
 * against real servers on 127.0.0.1 that the test starts itself: an HTTP
 * server thread (routes for bodies, statuses, redirects of every kind, a
 * slow answer, a large body, and an echo of the request head), plain TCP
 * listeners, and the gRPC health servers of grpc_health_server.py (run
 * with /usr/bin/python3 and grpcio; a missing grpcio fails the test).
 * The client is driven as a host would: poll on pl_net_fd until
 * pl_net_deadline, then pl_net_perform, bounded by a count and 10 s of
 * wall time.  Nothing asserts on how fast anything is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "engine/net.h"

/* ---- completions ------------------------------------------------------------- */

#define MAX_TAGS 1024

typedef struct got {
	int count;
	int outcome;
	bool responded;
	int http_status;
	char *output;
} got;

static got results[MAX_TAGS];
static int n_done;
static uint64_t order[MAX_TAGS]; /* tags in delivery order */

static void on_done(void *ud, uint64_t tag, const pl_net_result *r)
{
	(void)ud;
	if (tag >= MAX_TAGS)
		return;
	got *g = &results[tag];
	g->count++;
	g->outcome = r->outcome;
	g->responded = r->responded;
	g->http_status = r->http_status;
	free(g->output);
	g->output = strdup(r->output);
	if (n_done < MAX_TAGS)
		order[n_done] = tag;
	n_done++;
}

static void reset_results(void)
{
	for (size_t i = 0; i < MAX_TAGS; i++) {
		free(results[i].output);
		memset(&results[i], 0, sizeof results[i]);
	}
	n_done = 0;
}

/* Runs the client as a host would until `want` completions arrived, at
 * most `limit_ms`; true when they did. */
static bool drive_for(pl_net *n, int want, int64_t limit_ms)
{
	int64_t end = pl_net_now() + limit_ms;
	for (int i = 0; i < 100000 && n_done < want && pl_net_now() < end; i++) {
		int64_t d = pl_net_deadline(n), now = pl_net_now();
		int timeout = d == INT64_MAX ? 50 : d <= now ? 0 : d - now > 50 ? 50 : (int)(d - now);
		struct pollfd p = {pl_net_fd(n), POLLIN, 0};
		poll(&p, p.fd >= 0 ? 1 : 0, timeout);
		pl_net_perform(n);
	}
	return n_done >= want;
}

static bool drive(pl_net *n, int want)
{
	return drive_for(n, want, 10000);
}

static pl_net *client(void)
{
	pl_net *n = NULL;
	reset_results();
	if (pl_net_new(pl_alloc_default(), on_done, NULL, &n) != PODLIFE_OK)
		return NULL;
	return n;
}

/* ---- the HTTP server ----------------------------------------------------------- */

typedef struct server {
	int lfd;
	int port;
	int other_port;      /* /other redirects there */
	const char *tag;     /* in the /ok body */
	atomic_int stop;
	atomic_int n_req;
	pthread_t th;
} server;

static int listen_local(int *port, int backlog)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
	    getsockname(fd, (struct sockaddr *)&a, &al) || (backlog >= 0 && listen(fd, backlog))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* A port nobody listens on. */
static int closed_port(void)
{
	int port = 0;
	int fd = listen_local(&port, -1);
	if (fd < 0)
		return -1;
	close(fd);
	return port;
}

static void send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

static void respond(int fd, int status, const char *extra, const char *body, size_t blen)
{
	char head[512];
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
	                 status, blen, extra ? extra : "");
	send_all(fd, head, (size_t)n);
	send_all(fd, body, blen);
}

static void handle(server *s, int fd)
{
	char buf[4096];
	size_t len = 0;
	while (len < sizeof buf - 1) {
		struct pollfd cp = {fd, POLLIN, 0};
		if (poll(&cp, 1, 2000) <= 0)
			break;
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	buf[len] = '\0';
	char path[256] = "";
	sscanf(buf, "GET %255s ", path);
	atomic_fetch_add(&s->n_req, 1); /* before the client can see an answer */
	char extra[256], body[256];
	if (strcmp(path, "/ok") == 0) {
		snprintf(body, sizeof body, "ok-body-%s", s->tag);
		respond(fd, 200, NULL, body, strlen(body));
	} else if (strcmp(path, "/fail") == 0) {
		respond(fd, 500, NULL, "boom", 4);
	} else if (strcmp(path, "/moved") == 0) {
		respond(fd, 301, "Location: /ok\r\n", "moved", 5);
	} else if (strcmp(path, "/other") == 0) {
		snprintf(extra, sizeof extra, "Location: http://127.0.0.1:%d/ok\r\n", s->other_port);
		respond(fd, 302, extra, "", 0);
	} else if (strcmp(path, "/away") == 0) {
		snprintf(extra, sizeof extra, "Location: http://0.0.0.0:%d/ok\r\n", s->port);
		respond(fd, 302, extra, "gone away", 9);
	} else if (strcmp(path, "/loop") == 0) {
		respond(fd, 302, "Location: /loop\r\n", "", 0);
	} else if (strncmp(path, "/chain/", 7) == 0) {
		int k = atoi(path + 7);
		if (k <= 0) {
			respond(fd, 200, NULL, "end", 3);
		} else {
			snprintf(extra, sizeof extra, "Location: /chain/%d\r\n", k - 1);
			respond(fd, 307, extra, "", 0);
		}
	} else if (strcmp(path, "/to-echo") == 0) {
		respond(fd, 302, "Location: /echo\r\n", "", 0);
	} else if (strcmp(path, "/to-echo-abs") == 0) {
		snprintf(extra, sizeof extra, "Location: http://127.0.0.1:%d/echo\r\n", s->port);
		respond(fd, 302, extra, "", 0);
	} else if (strcmp(path, "/echo") == 0) {
		respond(fd, 200, NULL, buf, len);
	} else if (strcmp(path, "/big") == 0) {
		static char big[20000];
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (char)('a' + i % 26);
		respond(fd, 200, NULL, big, sizeof big);
	} else if (strcmp(path, "/slow") == 0) {
		/* no answer until the client gives up (or 5 s) */
		struct pollfd cp = {fd, POLLIN, 0};
		poll(&cp, 1, 5000);
	} else if (strcmp(path, "/notmod") == 0) {
		respond(fd, 304, NULL, "", 0);
	} else {
		respond(fd, 404, NULL, "no", 2);
	}
	close(fd);
}

static void *serve(void *ud)
{
	server *s = ud;
	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = {s->lfd, POLLIN, 0};
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			handle(s, fd);
	}
	return NULL;
}

static int server_start(server *s, const char *tag)
{
	memset(s, 0, sizeof *s);
	s->tag = tag;
	s->lfd = listen_local(&s->port, 512);
	if (s->lfd < 0 || pthread_create(&s->th, NULL, serve, s)) {
		s->lfd = -1;
		return -1;
	}
	return 0;
}

static void server_stop(server *s)
{
	if (s->lfd < 0)
		return;
	atomic_store(&s->stop, 1);
	pthread_join(s->th, NULL);
	close(s->lfd);
	s->lfd = -1;
}

/* ---- helpers -------------------------------------------------------------------- */

static char url_buf[256];

static const char *url(const server *s, const char *path)
{
	snprintf(url_buf, sizeof url_buf, "http://127.0.0.1:%d%s", s->port, path);
	return url_buf;
}

static pl_net_http probe_req(const char *u)
{
	pl_net_http h;
	memset(&h, 0, sizeof h);
	h.url = u;
	h.user_agent = "kube-probe/" PODLIFE_KUBERNETES_VERSION;
	h.timeout_ms = 5000;
	h.redirects = PL_NET_REDIRECT_LOCAL;
	h.max_body = 10240;
	return h;
}

/* One HTTP request to completion; its result in results[1]. */
static bool http_once(const pl_net_http *h)
{
	pl_net *n = client();
	if (!n)
		return false;
	bool ok = pl_net_http_get(n, h, NULL, 1) == PODLIFE_OK && drive(n, 1);
	ok = ok && pl_net_busy(n) == 0;
	pl_net_free(n);
	return ok;
}

/* ---- HTTP tests ------------------------------------------------------------------ */

static server srv, srv2;

static void test_http_ok(void)
{
	pl_net *n = client();
	REQUIRE(n != NULL);
	CHECK_INT(pl_net_fd(n), -1);
	CHECK_INT((long long)pl_net_busy(n), 0);
	CHECK(pl_net_deadline(n) == INT64_MAX);
	pl_net_http h = probe_req(url(&srv, "/ok"));
	CHECK_INT(pl_net_http_get(n, &h, NULL, 7), PODLIFE_OK);
	CHECK(pl_net_fd(n) >= 0);
	CHECK_INT((long long)pl_net_busy(n), 1);
	CHECK_INT(results[7].count, 0); /* never from the start call */
	CHECK(drive(n, 1));
	CHECK_INT(results[7].count, 1);
	CHECK_INT(results[7].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK(results[7].responded);
	CHECK_INT(results[7].http_status, 200);
	CHECK_STR(results[7].output, "ok-body-a");
	CHECK_INT((long long)pl_net_busy(n), 0);
	CHECK(pl_net_deadline(n) == INT64_MAX);
	pl_net_free(n);
}

static void test_http_status(void)
{
	pl_net_http h = probe_req(url(&srv, "/fail"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_FAILURE);
	CHECK(results[1].responded);
	CHECK_INT(results[1].http_status, 500);
	CHECK_STR(results[1].output, "HTTP probe failed with statuscode: 500");
	h = probe_req(url(&srv, "/nothing"));
	REQUIRE(http_once(&h));
	CHECK_STR(results[1].output, "HTTP probe failed with statuscode: 404");
	/* a 3xx that is no redirect: a warning */
	h = probe_req(url(&srv, "/notmod"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_WARNING);
	CHECK_STR(results[1].output, "Probe terminated redirects, Response body: ");
}

static void test_http_redirects(void)
{
	/* same host: followed */
	pl_net_http h = probe_req(url(&srv, "/moved"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK_INT(results[1].http_status, 200);
	CHECK_STR(results[1].output, "ok-body-a");
	/* same host name, other port: followed */
	h = probe_req(url(&srv, "/other"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK_STR(results[1].output, "ok-body-b");
	/* another host name: not followed, a warning with the body */
	int before = atomic_load(&srv.n_req);
	h = probe_req(url(&srv, "/away"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_WARNING);
	CHECK(results[1].responded);
	CHECK_INT(results[1].http_status, 302);
	CHECK_STR(results[1].output, "Probe terminated redirects, Response body: gone away");
	CHECK_INT(atomic_load(&srv.n_req) - before, 1);
	/* ... which a lifecycle hook follows */
	h.redirects = PL_NET_REDIRECT_ANY;
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK_STR(results[1].output, "ok-body-a");
}

static void test_http_redirect_limit(void)
{
	/* Go's client makes at most 10 requests: 9 redirects are followed */
	pl_net_http h = probe_req(url(&srv, "/chain/9"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK_STR(results[1].output, "end");
	h = probe_req(url(&srv, "/chain/10"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_FAILURE);
	CHECK(!results[1].responded);
	CHECK_STR(results[1].output, "Get \"/chain/0\": stopped after 10 redirects");
	int before = atomic_load(&srv.n_req);
	h = probe_req(url(&srv, "/loop"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_FAILURE);
	CHECK_STR(results[1].output, "Get \"/loop\": stopped after 10 redirects");
	CHECK_INT(atomic_load(&srv.n_req) - before, 10);
	/* the same in the hooks' mode */
	h.redirects = PL_NET_REDIRECT_ANY;
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_FAILURE);
	CHECK(!results[1].responded);
}

static void test_http_headers(void)
{
	int failed_before = h_failed_checks;
	const char *names[] = {"x-custom-HEADER", "X-Multi", "x-multi", "Accept-encoding-x", "HOST",
	                       "bad name"};
	const char *values[] = {"v1", "a", "b", "z", "probe.example", "kept"};
	pl_net_http h = probe_req(url(&srv, "/echo"));
	h.n_headers = 5;
	h.header_names = names;
	h.header_values = values;
	REQUIRE(http_once(&h));
	const char *o = results[1].output;
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK(strncmp(o, "GET /echo HTTP/1.1\r\n", 20) == 0);
	CHECK(strstr(o, "\r\nUser-Agent: kube-probe/1.33\r\n") != NULL);
	CHECK(strstr(o, "\r\nAccept: */*\r\n") != NULL);
	CHECK(strstr(o, "\r\nX-Custom-Header: v1\r\n") != NULL);
	CHECK(strstr(o, "\r\nX-Multi: a\r\nX-Multi: b\r\n") != NULL);
	CHECK(strstr(o, "\r\nAccept-Encoding-X: z\r\n") != NULL);
	CHECK(strstr(o, "\r\nHost: probe.example\r\n") != NULL);
	CHECK(strstr(o, "Accept-Encoding:") == NULL);
	CHECK(strstr(o, "\r\nConnection: close\r\n") != NULL);
	CHECK(strstr(o, "HOST") == NULL);
	if (h_failed_checks != failed_before)
		fprintf(stderr, "  request was:\n%s\n", o);

	/* a name that is no token is kept as written (and refused, as
	 * net/http does) */
	h.n_headers = 6;
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_FAILURE);
	char want[512];
	snprintf(want, sizeof want, "Get \"%s\": net/http: invalid header field name \"bad name\"",
	         url(&srv, "/echo"));
	CHECK_STR(results[1].output, want);

	/* User-Agent and Accept given: used; an empty Accept removes it */
	const char *n2[] = {"user-agent", "accept"};
	const char *v2[] = {"mine/1", ""};
	h = probe_req(url(&srv, "/echo"));
	h.n_headers = 2;
	h.header_names = n2;
	h.header_values = v2;
	REQUIRE(http_once(&h));
	o = results[1].output;
	CHECK(strstr(o, "\r\nUser-Agent: mine/1\r\n") != NULL);
	CHECK(strstr(o, "kube-probe") == NULL);
	CHECK(strstr(o, "Accept") == NULL);
	const char *v3[] = {"mine/1", "text/plain"};
	h.header_values = v3;
	REQUIRE(http_once(&h));
	o = results[1].output;
	CHECK(strstr(o, "\r\nAccept: text/plain\r\n") != NULL);
	CHECK(strstr(o, "*/*") == NULL);
}

/* The Host header survives a same-host redirect with a relative
 * Location; an absolute one gets the URL's host (Go's Client.Do). */
static void test_http_host_redirect(void)
{
	const char *names[] = {"Host"};
	const char *values[] = {"www.success.com"};
	pl_net_http h = probe_req(url(&srv, "/to-echo"));
	h.n_headers = 1;
	h.header_names = names;
	h.header_values = values;
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK(strstr(results[1].output, "\r\nHost: www.success.com\r\n") != NULL);
	/* net/http names the previous URL */
	char ref[128];
	snprintf(ref, sizeof ref, "\r\nReferer: http://127.0.0.1:%d/to-echo\r\n", srv.port);
	CHECK(strstr(results[1].output, ref) != NULL);
	h.url = url(&srv, "/to-echo-abs");
	REQUIRE(http_once(&h));
	char host[64];
	snprintf(host, sizeof host, "\r\nHost: 127.0.0.1:%d\r\n", srv.port);
	CHECK(strstr(results[1].output, host) != NULL);
}

static void test_http_big_body(void)
{
	pl_net_http h = probe_req(url(&srv, "/big"));
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK_INT((long long)strlen(results[1].output), 10240);
	CHECK(strncmp(results[1].output, "abcdefghijklmnopqrstuvwxyzabc", 29) == 0);
	/* a smaller limit */
	h.max_body = 5;
	REQUIRE(http_once(&h));
	CHECK_STR(results[1].output, "abcde");
}

static void test_http_errors(void)
{
	int port = closed_port();
	REQUIRE(port > 0);
	char u[128], want[512];
	snprintf(u, sizeof u, "http://127.0.0.1:%d/", port);
	pl_net_http h = probe_req(u);
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_FAILURE);
	CHECK(!results[1].responded);
	CHECK_INT(results[1].http_status, 0);
	snprintf(want, sizeof want,
	         "Get \"http://127.0.0.1:%d/\": dial tcp 127.0.0.1:%d: connect: connection refused",
	         port, port);
	CHECK_STR(results[1].output, want);

	/* no answer within the timeout */
	h = probe_req(url(&srv, "/slow"));
	h.timeout_ms = 300;
	REQUIRE(http_once(&h));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_FAILURE);
	CHECK(!results[1].responded);
	snprintf(want, sizeof want,
	         "Get \"%s\": context deadline exceeded (Client.Timeout exceeded while awaiting "
	         "headers)",
	         url(&srv, "/slow"));
	CHECK_STR(results[1].output, want);
}

/* ---- TCP tests --------------------------------------------------------------------- */

static void test_tcp(void)
{
	int port = 0;
	int lfd = listen_local(&port, 64);
	REQUIRE(lfd >= 0);
	int dead = closed_port();
	pl_net *n = client();
	REQUIRE(n != NULL);
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", port, 1000, NULL, 1), PODLIFE_OK);
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", dead, 1000, NULL, 2), PODLIFE_OK);
	CHECK_INT(pl_net_tcp(n, "localhost", port, 1000, NULL, 3), PODLIFE_OK);
	CHECK_INT(pl_net_tcp(n, "[127.0.0.1]", port, 1000, NULL, 4), PODLIFE_OK);
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", 0, 1000, NULL, 5), PODLIFE_EINVAL);
	CHECK_INT(results[1].count + results[2].count, 0);
	CHECK(drive(n, 4));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK_STR(results[1].output, "");
	CHECK_INT(results[2].outcome, PODLIFE_PROBE_FAILURE);
	char want[128];
	snprintf(want, sizeof want, "dial tcp 127.0.0.1:%d: connect: connection refused", dead);
	CHECK_STR(results[2].output, want);
	CHECK_INT(results[3].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK_INT(results[4].outcome, PODLIFE_PROBE_SUCCESS);
	CHECK_INT((long long)pl_net_busy(n), 0);
	pl_net_free(n);
	close(lfd);
}

/*
 * A socket that drops everything it receives: its SYN-ACK never arrives,
 * so its connect never completes (a blackholed peer, on loopback).
 */
static int deaf_socket(int domain, int type, int protocol)
{
	int fd = socket(domain, type, protocol);
	struct sock_filter drop[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_fprog prog = {1, drop};
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

typedef struct sock_counter {
	atomic_int calls;
	bool deaf;             /* make deaf sockets */
	char last_pod[64];
	char last_container[64];
	int last_kind;
	int last_handler;
	int last_port;
} sock_counter;

static int count_open(void *ud, const podlife_probe_request *req, int domain, int type,
                      int protocol)
{
	sock_counter *c = ud;
	atomic_fetch_add(&c->calls, 1);
	snprintf(c->last_pod, sizeof c->last_pod, "%s/%s/%s", req->pod_namespace, req->pod_name,
	         req->pod_uid);
	snprintf(c->last_container, sizeof c->last_container, "%s", req->container);
	c->last_kind = (int)req->kind;
	c->last_handler = (int)req->handler;
	c->last_port = req->port;
	/* a plain blocking socket: the client makes it non-blocking */
	return c->deaf ? deaf_socket(domain, type, protocol) : socket(domain, type, protocol);
}

/* Connects that never complete time out in deadline order, mixed with
 * hundreds that succeed: the deadline heap. */
static void test_tcp_deadlines(void)
{
	int port = 0;
	int lfd = listen_local(&port, 1024); /* never accepts: the kernel does */
	REQUIRE(lfd >= 0);
	sock_counter deaf;
	memset(&deaf, 0, sizeof deaf);
	deaf.deaf = true;
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.ud = &deaf;
	pb.open_socket = count_open;
	podlife_probe_request rq;
	memset(&rq, 0, sizeof rq);
	rq.version = PODLIFE_PROBE_REQUEST_VERSION;
	pl_net_origin o = {&pb, &rq};
	pl_net *n = client();
	REQUIRE(n != NULL);
	/* tags 1..8 deaf, deadlines 800, 100, 700, 200, 600, 300, 500, 400 ms */
	static const int ms[8] = {800, 100, 700, 200, 600, 300, 500, 400};
	for (int i = 0; i < 8; i++)
		CHECK_INT(pl_net_tcp(n, "127.0.0.1", port, ms[i], &o, (uint64_t)(1 + i)), PODLIFE_OK);
	/* tags 100..399 succeed long before their (30 s) deadline */
	for (int i = 0; i < 300; i++)
		CHECK_INT(pl_net_tcp(n, "127.0.0.1", port, 30000, NULL, (uint64_t)(100 + i)),
		          PODLIFE_OK);
	CHECK_INT((long long)pl_net_busy(n), 308);
	CHECK(pl_net_deadline(n) != INT64_MAX);
	CHECK(drive(n, 308));
	CHECK_INT(atomic_load(&deaf.calls), 8);
	int ok = 0;
	for (int i = 0; i < 300; i++)
		ok += results[100 + i].count == 1 && results[100 + i].outcome == PODLIFE_PROBE_SUCCESS;
	CHECK_INT(ok, 300);
	char want[128];
	snprintf(want, sizeof want, "dial tcp 127.0.0.1:%d: i/o timeout", port);
	for (int i = 0; i < 8; i++) {
		CHECK_INT(results[1 + i].count, 1);
		CHECK_INT(results[1 + i].outcome, PODLIFE_PROBE_FAILURE);
		CHECK_STR(results[1 + i].output, want);
	}
	/* the timeouts came in deadline order */
	int last = 0;
	for (int i = 0; i < n_done && i < MAX_TAGS; i++) {
		uint64_t t = order[i];
		if (t < 1 || t > 8)
			continue;
		CHECK(ms[t - 1] > last);
		last = ms[t - 1];
	}
	CHECK_INT((long long)pl_net_busy(n), 0);
	CHECK(pl_net_deadline(n) == INT64_MAX);
	pl_net_free(n);
	close(lfd);
}

/* Cancelled requests never complete and leave nothing behind. */
static void test_cancel(void)
{
	int port = 0;
	int lfd = listen_local(&port, 16);
	REQUIRE(lfd >= 0);
	sock_counter deaf;
	memset(&deaf, 0, sizeof deaf);
	deaf.deaf = true;
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.ud = &deaf;
	pb.open_socket = count_open;
	pl_net_origin o = {&pb, NULL};
	pl_net *n = client();
	REQUIRE(n != NULL);
	pl_net_http h = probe_req(url(&srv, "/slow"));
	CHECK_INT(pl_net_http_get(n, &h, NULL, 5), PODLIFE_OK);
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", port, 200, &o, 5), PODLIFE_OK);
	for (int i = 0; i < 5; i++)
		pl_net_perform(n);
	/* also one that may have ended already, waiting for delivery */
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", closed_port(), 1000, NULL, 5), PODLIFE_OK);
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", port, 1000, NULL, 6), PODLIFE_OK);
	CHECK_INT((long long)pl_net_busy(n), 4);
	pl_net_cancel(n, 5);
	CHECK_INT((long long)pl_net_busy(n), 1);
	CHECK(drive(n, 1));
	CHECK_INT(results[6].count, 1);
	CHECK_INT(results[5].count, 0);
	CHECK_INT((long long)pl_net_busy(n), 0);
	/* a little longer: nothing else arrives */
	int64_t end = pl_net_now() + 300;
	while (pl_net_now() < end) {
		struct pollfd p = {pl_net_fd(n), POLLIN, 0};
		poll(&p, 1, 20);
		pl_net_perform(n);
	}
	CHECK_INT(results[5].count, 0);
	CHECK_INT(n_done, 1);
	/* in flight at free: freed without callbacks */
	CHECK_INT(pl_net_http_get(n, &h, NULL, 9), PODLIFE_OK);
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", port, 200, &o, 9), PODLIFE_OK);
	pl_net_perform(n);
	pl_net_free(n);
	CHECK_INT(results[9].count, 0);
	pl_net_cancel(NULL, 1);
	pl_net_free(NULL);
	close(lfd);
}

/* Many HTTP requests at once (the server answers one at a time: slow
 * under valgrind, hence the long bounds). */
static void test_http_many(void)
{
	pl_net *n = client();
	REQUIRE(n != NULL);
	enum { N = 120 };
	for (int i = 0; i < N; i++) {
		pl_net_http h = probe_req(url(&srv, i % 2 ? "/ok" : "/moved"));
		h.timeout_ms = 60000;
		CHECK_INT(pl_net_http_get(n, &h, NULL, (uint64_t)(1 + i)), PODLIFE_OK);
	}
	CHECK(drive_for(n, N, 60000));
	int ok = 0;
	for (int i = 0; i < N; i++)
		ok += results[1 + i].count == 1 && results[1 + i].outcome == PODLIFE_PROBE_SUCCESS &&
		      strcmp(results[1 + i].output, "ok-body-a") == 0;
	CHECK_INT(ok, N);
	pl_net_free(n);
}

/* ---- gRPC ---------------------------------------------------------------------------- */

typedef struct grpc_servers {
	pid_t pid;
	int port, port_bare;
} grpc_servers;

static int grpc_start(grpc_servers *g)
{
	memset(g, 0, sizeof *g);
	g->pid = -1;
	const char *dir = getenv("PODLIFE_TEST_DATA");
	char script[1024];
	snprintf(script, sizeof script, "%s/engine/grpc_health_server.py", dir ? dir : "tests");
	int out[2];
	if (pipe2(out, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out[1], 1);
		execl("/usr/bin/python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	g->pid = pid;
	char line[128];
	size_t len = 0;
	int64_t end = pl_net_now() + 10000;
	while (len < sizeof line - 1 && !memchr(line, '\n', len) && pl_net_now() < end) {
		struct pollfd p = {out[0], POLLIN, 0};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t r = read(out[0], line + len, sizeof line - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	line[len] = '\0';
	close(out[0]);
	if (sscanf(line, "%d %d", &g->port, &g->port_bare) != 2) {
		fprintf(stderr, "  grpc_health_server.py did not start (is python3-grpcio installed?)\n");
		return -1;
	}
	return 0;
}

static void grpc_stop(grpc_servers *g)
{
	if (g->pid > 0) {
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
	}
	g->pid = -1;
}

static void test_grpc(void)
{
	CHECK(pl_net_grpc_supported());
	grpc_servers g;
	int started = grpc_start(&g);
	CHECK_INT(started, 0);
	if (started != 0) {
		grpc_stop(&g);
		return;
	}
	int dead = closed_port();
	int port = 0;
	int lfd = listen_local(&port, 16);
	sock_counter deaf;
	memset(&deaf, 0, sizeof deaf);
	deaf.deaf = true;
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.ud = &deaf;
	pb.open_socket = count_open;
	pl_net_origin o = {&pb, NULL};
	pl_net *n = client();
	const char *ua = "kube-probe/" PODLIFE_KUBERNETES_VERSION;
	if (n && lfd >= 0) {
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", g.port, "", ua, 20000, NULL, 1), PODLIFE_OK);
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", g.port, "down", ua, 20000, NULL, 2), PODLIFE_OK);
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", g.port, "unknown-status", ua, 20000, NULL, 3),
		          PODLIFE_OK);
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", g.port, "other", ua, 20000, NULL, 4), PODLIFE_OK);
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", g.port, "slow", ua, 500, NULL, 5), PODLIFE_OK);
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", g.port_bare, "", ua, 20000, NULL, 6), PODLIFE_OK);
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", dead, "", ua, 20000, NULL, 7), PODLIFE_OK);
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", port, "", ua, 300, &o, 8), PODLIFE_OK);
		CHECK_INT(pl_net_grpc(n, "127.0.0.1", 0, "", ua, 300, NULL, 9), PODLIFE_EINVAL);
		CHECK(drive_for(n, 8, 30000));
		CHECK_INT(results[1].outcome, PODLIFE_PROBE_SUCCESS);
		CHECK(results[1].responded);
		CHECK_STR(results[1].output, "service healthy");
		CHECK_INT(results[2].outcome, PODLIFE_PROBE_FAILURE);
		CHECK_STR(results[2].output, "service unhealthy (responded with \"NOT_SERVING\")");
		CHECK_STR(results[3].output, "service unhealthy (responded with \"UNKNOWN\")");
		CHECK_INT(results[4].outcome, PODLIFE_PROBE_FAILURE);
		CHECK_STR(results[4].output,
		          "error: health rpc probe failed: rpc error: code = NotFound desc = unknown "
		          "service");
		CHECK_INT(results[5].outcome, PODLIFE_PROBE_FAILURE);
		CHECK_STR(results[5].output, "timeout: health rpc did not complete within 500ms");
		CHECK_INT(results[6].outcome, PODLIFE_PROBE_FAILURE);
		CHECK_STR(results[6].output,
		          "error: this server does not implement the grpc health protocol "
		          "(grpc.health.v1.Health): Method not found!");
		char want[256];
		snprintf(want, sizeof want,
		         "error: failed to connect service at \"127.0.0.1:%d\": dial tcp 127.0.0.1:%d: "
		         "connect: connection refused",
		         dead, dead);
		CHECK_INT(results[7].outcome, PODLIFE_PROBE_FAILURE);
		CHECK(!results[7].responded);
		CHECK_STR(results[7].output, want);
		snprintf(want, sizeof want,
		         "timeout: failed to connect service \"127.0.0.1:%d\" within 300ms: context "
		         "deadline exceeded",
		         port);
		CHECK_STR(results[8].output, want);
		CHECK(atomic_load(&deaf.calls) >= 1);
		CHECK_INT((long long)pl_net_busy(n), 0);
	} else {
		CHECK(n != NULL);
		CHECK(lfd >= 0);
	}
	pl_net_free(n);
	if (lfd >= 0)
		close(lfd);
	grpc_stop(&g);
}

/* ---- open_socket --------------------------------------------------------------------- */

/* Every built-in handler takes its sockets from open_socket, with the
 * client's own copy of the request (the caller's is gone by then). */
static void test_open_socket(void)
{
	grpc_servers g;
	int started = grpc_start(&g);
	CHECK_INT(started, 0);
	int port = 0;
	int lfd = listen_local(&port, 16);
	sock_counter sc;
	memset(&sc, 0, sizeof sc);
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.ud = &sc;
	pb.open_socket = count_open;
	pl_net *n = client();
	if (!n || lfd < 0) {
		CHECK(n != NULL);
		CHECK(lfd >= 0);
		goto out;
	}
	char ns[16], name[16], uid[16], ctr[16];
	podlife_probe_request rq;
	memset(&rq, 0, sizeof rq);
	rq.version = PODLIFE_PROBE_REQUEST_VERSION;
	rq.kind = PODLIFE_PROBE_READINESS;
	rq.pod_namespace = ns;
	rq.pod_name = name;
	rq.pod_uid = uid;
	rq.container = ctr;
	pl_net_origin o = {&pb, &rq};
	const int kinds[3] = {PODLIFE_PROBE_HTTP_GET, PODLIFE_PROBE_TCP_SOCKET, PODLIFE_PROBE_GRPC};
	for (int i = 0; i < 3; i++) {
		snprintf(ns, sizeof ns, "ns%d", i);
		snprintf(name, sizeof name, "pod%d", i);
		snprintf(uid, sizeof uid, "uid%d", i);
		snprintf(ctr, sizeof ctr, "ctr%d", i);
		rq.handler = (podlife_probe_handler)kinds[i];
		int before = atomic_load(&sc.calls);
		if (i == 0) {
			rq.port = srv.port;
			pl_net_http h = probe_req(url(&srv, "/ok"));
			CHECK_INT(pl_net_http_get(n, &h, &o, 1), PODLIFE_OK);
		} else if (i == 1) {
			rq.port = port;
			CHECK_INT(pl_net_tcp(n, "127.0.0.1", port, 2000, &o, 2), PODLIFE_OK);
		} else if (started == 0) {
			rq.port = g.port;
			CHECK_INT(pl_net_grpc(n, "127.0.0.1", g.port, "", "kube-probe/1.33", 20000, &o, 3),
			          PODLIFE_OK);
		} else {
			continue;
		}
		/* the caller's strings change at once */
		memset(ns, 'X', sizeof ns - 1);
		memset(name, 'X', sizeof name - 1);
		CHECK(drive_for(n, i + 1, 30000));
		CHECK_INT(results[i + 1].outcome, PODLIFE_PROBE_SUCCESS);
		CHECK(atomic_load(&sc.calls) > before);
		char want[64];
		snprintf(want, sizeof want, "ns%d/pod%d/uid%d", i, i, i);
		CHECK_STR(sc.last_pod, want);
		snprintf(want, sizeof want, "ctr%d", i);
		CHECK_STR(sc.last_container, want);
		CHECK_INT(sc.last_kind, PODLIFE_PROBE_READINESS);
		CHECK_INT(sc.last_handler, kinds[i]);
		CHECK_INT(sc.last_port, rq.port);
	}
out:
	pl_net_free(n);
	if (lfd >= 0)
		close(lfd);
	grpc_stop(&g);
}

static int fail_open(void *ud, const podlife_probe_request *req, int domain, int type,
                     int protocol)
{
	(void)ud;
	(void)req;
	(void)domain;
	(void)type;
	(void)protocol;
	errno = EMFILE;
	return -1;
}

static void test_open_socket_fails(void)
{
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.open_socket = fail_open;
	podlife_probe_request rq;
	memset(&rq, 0, sizeof rq);
	pl_net_origin o = {&pb, &rq};
	pl_net *n = client();
	REQUIRE(n != NULL);
	pl_net_http h = probe_req(url(&srv, "/ok"));
	CHECK_INT(pl_net_http_get(n, &h, &o, 1), PODLIFE_OK);
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", srv.port, 1000, &o, 2), PODLIFE_OK);
	CHECK(drive(n, 2));
	CHECK_INT(results[1].outcome, PODLIFE_PROBE_FAILURE);
	CHECK(!results[1].responded);
	CHECK(strncmp(results[1].output, "Get \"http://127.0.0.1:", 22) == 0);
	CHECK_INT(results[2].outcome, PODLIFE_PROBE_FAILURE);
	char want[128];
	snprintf(want, sizeof want, "dial tcp 127.0.0.1:%d: socket: too many open files", srv.port);
	CHECK_STR(results[2].output, want);
	pl_net_free(n);
}

static void test_arguments(void)
{
	pl_net *n = NULL;
	CHECK_INT(pl_net_new(NULL, on_done, NULL, &n), PODLIFE_EINVAL);
	CHECK_INT(pl_net_new(pl_alloc_default(), on_done, NULL, NULL), PODLIFE_EINVAL);
	CHECK_INT(pl_net_fd(NULL), -1);
	CHECK_INT((long long)pl_net_busy(NULL), 0);
	CHECK(pl_net_deadline(NULL) == INT64_MAX);
	pl_net_perform(NULL);
	n = client();
	REQUIRE(n != NULL);
	pl_net_http h;
	memset(&h, 0, sizeof h);
	CHECK_INT(pl_net_http_get(n, &h, NULL, 1), PODLIFE_EINVAL);
	CHECK_INT(pl_net_http_get(n, NULL, NULL, 1), PODLIFE_EINVAL);
	CHECK_INT(pl_net_tcp(n, NULL, 80, 0, NULL, 1), PODLIFE_EINVAL);
	CHECK_INT(pl_net_tcp(n, "127.0.0.1", 70000, 0, NULL, 1), PODLIFE_EINVAL);
	CHECK_INT(pl_net_grpc(n, "", 80, "", "", 0, NULL, 1), PODLIFE_EINVAL);
	CHECK_INT((long long)pl_net_busy(n), 0);
	pl_net_free(n);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (server_start(&srv, "a") || server_start(&srv2, "b")) {
		fprintf(stderr, "cannot start the HTTP servers\n");
		return 1;
	}
	srv.other_port = srv2.port;
	RUN(test_arguments);
	RUN(test_http_ok);
	RUN(test_http_status);
	RUN(test_http_redirects);
	RUN(test_http_redirect_limit);
	RUN(test_http_headers);
	RUN(test_http_host_redirect);
	RUN(test_http_big_body);
	RUN(test_http_errors);
	RUN(test_http_many);
	RUN(test_tcp);
	RUN(test_tcp_deadlines);
	RUN(test_cancel);
	RUN(test_grpc);
	RUN(test_open_socket);
	RUN(test_open_socket_fails);
	server_stop(&srv);
	server_stop(&srv2);
	reset_results();
	DONE();
}
