/*
 * tests/engine/test_http_hooks.c - httpGet lifecycle hooks run by the
 * engine itself with libcurl (no http_get backend slot), against a tiny
 * HTTP server on 127.0.0.1 that this test runs in a thread: the request
 * (path, named port, headers, User-Agent), success on any HTTP status,
 * FailedPostStartHook with the kubelet's message when nothing answers,
 * preStop on deletion, and podlife_engine_fds.  The engine runs on the
 * real clock inside podlife_engine_run, bounded by a deadline; nothing
 * asserts on wall-clock time.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine_env.h"
#include "http_server.h"

/* ---- an engine on the real clock ------------------------------------------- */

static int rt_init(env *x)
{
	memset(x, 0, sizeof *x);
	if (podlife_fake_new(podlife_clock_real(), NULL, &x->f))
		return -1;
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = podlife_fake_backend(x->f); /* the fake has http_get: override below */
	static podlife_backend be;
	be = *podlife_fake_backend(x->f);
	be.http_get = NULL; /* the engine runs httpGet hooks itself */
	cfg.backend = &be;
	cfg.clock = podlife_clock_real();
	cfg.on_event = env_on_event;
	cfg.event_ud = x;
	cfg.relist_period_ms = 0;
	if (podlife_engine_new(&cfg, &x->e))
		return -1;
	podlife_fake_attach(x->f, x->e);
	return 0;
}

typedef struct wait_ctx {
	env *x;
	const char *reason; /* until an event with this reason */
	size_t n;           /* ... has been seen this many times */
	server *s;
	int n_req;          /* or until the server saw this many requests (0: ignore) */
} wait_ctx;

static int on_wake(void *ud, podlife_engine *e, struct pollfd *fds, size_t nfds)
{
	(void)e;
	(void)fds;
	(void)nfds;
	wait_ctx *w = ud;
	if (w->s && w->n_req && atomic_load(&w->s->n_req) < w->n_req)
		return 0;
	return env_count(w->x, w->reason, NULL) >= w->n;
}

/* Runs the engine until the condition holds; false after 20 s. */
static bool run_until(env *x, wait_ctx *w)
{
	int64_t until = podlife_clock_real()->now_ms(NULL) + 20000;
	podlife_engine_run(x->e, until, NULL, 0, on_wake, w);
	return on_wake(w, x->e, NULL, 0) != 0;
}

static void rt_free(env *x)
{
	podlife_engine_free(x->e);
	podlife_fake_free(x->f);
	for (size_t i = 0; i < x->n_lists; i++)
		podlife_pod_list_free(x->lists[i]);
	free(x->ev);
}

static char *pod_yaml(char *buf, size_t n, const char *hook, int port, const char *path)
{
	snprintf(buf, n,
	         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  uid: u-1\nspec:\n"
	         "  terminationGracePeriodSeconds: 20\n"
	         "  containers:\n  - name: app\n    image: nginx:1.25\n"
	         "    ports:\n    - name: web\n      containerPort: %d\n"
	         "    lifecycle:\n      %s:\n        httpGet:\n          host: 127.0.0.1\n"
	         "          port: web\n          path: %s\n"
	         "          httpHeaders:\n          - name: X-Test\n            value: yes-1\n",
	         port, hook, path);
	return buf;
}

/* postStart: the request as the kubelet makes it; the container is
 * running only after it; a 500 answer is still a success */
static void test_post_start_ok(void)
{
	server s;
	REQUIRE(server_start(&s, 500, true) == 0);
	env x;
	REQUIRE(rt_init(&x) == 0);
	char y[1024];
	REQUIRE(env_add(&x, pod_yaml(y, sizeof y, "postStart", s.port, "/started")) == 0);
	/* the hook is in flight: not running yet, a socket to watch */
	CHECK_STR(env_ctr(&x, "p", "app").state, "waiting");
	size_t n = 99;
	struct pollfd fds[8];
	CHECK_INT(podlife_engine_fds(x.e, fds, 8, &n), PODLIFE_OK);
	CHECK(n <= 8);
	CHECK(podlife_engine_next_deadline(x.e) != INT64_MAX);
	wait_ctx w = {&x, "Started", 1, &s, 1};
	CHECK(run_until(&x, &w));
	/* one more turn so the completion is seen */
	for (int i = 0; i < 200 && strcmp(env_ctr(&x, "p", "app").state, "running") != 0; i++) {
		struct pollfd none;
		podlife_engine_run(x.e, podlife_clock_real()->now_ms(NULL) + 20, &none, 0, NULL, NULL);
	}
	CHECK_STR(env_ctr(&x, "p", "app").state, "running");
	CHECK_INT(atomic_load(&s.n_req), 1);
	CHECK(strncmp(s.req[0], "GET /started HTTP/1.1\r\n", 23) == 0);
	CHECK(strstr(s.req[0], "\r\nUser-Agent: kube-lifecycle/1.33\r\n") != NULL);
	CHECK(strstr(s.req[0], "\r\nX-Test: yes-1\r\n") != NULL);
	char host[64];
	snprintf(host, sizeof host, "\r\nHost: 127.0.0.1:%d\r\n", s.port);
	CHECK(strstr(s.req[0], host) != NULL);
	CHECK_INT((long long)env_count(&x, "FailedPostStartHook", NULL), 0);
	CHECK_INT(podlife_engine_fds(x.e, fds, 8, &n), PODLIFE_OK);
	CHECK_INT((long long)n, 0);
	rt_free(&x);
	server_stop(&s);
}

/* nothing listens: FailedPostStartHook with the kubelet's message, the
 * container is killed */
static void test_post_start_refused(void)
{
	server s;
	REQUIRE(server_start(&s, 200, false) == 0);
	env x;
	REQUIRE(rt_init(&x) == 0);
	char y[1024];
	REQUIRE(env_add(&x, pod_yaml(y, sizeof y, "postStart", s.port, "/started")) == 0);
	wait_ctx w = {&x, "FailedPostStartHook", 1, NULL, 0};
	CHECK(run_until(&x, &w));
	const ev_rec *ev = env_last(&x, "FailedPostStartHook");
	REQUIRE(ev != NULL);
	CHECK_STR(ev->type, "Warning");
	CHECK_STR(ev->container, "app");
	char want[256];
	snprintf(want, sizeof want,
	         "HTTP lifecycle hook (/started) for Container \"app\" in Pod \"p_default(u-1)\" "
	         "failed - error: Get \"http://127.0.0.1:%d/started\": ",
	         s.port);
	if (strncmp(ev->message, want, strlen(want)) != 0)
		fprintf(stderr, "  got: %s\n", ev->message);
	CHECK(strncmp(ev->message, want, strlen(want)) == 0);
	CHECK(strlen(ev->message) > strlen(want)); /* libcurl's reason */
	CHECK(env_count(&x, "Killing", "app") >= 1);
	rt_free(&x);
}

/* preStop on deletion: the request is made before the stop */
static void test_pre_stop(void)
{
	server s;
	REQUIRE(server_start(&s, 200, true) == 0);
	env x;
	REQUIRE(rt_init(&x) == 0);
	char y[1024];
	REQUIRE(env_add(&x, pod_yaml(y, sizeof y, "preStop", s.port, "stop")) == 0);
	CHECK_STR(env_ctr(&x, "p", "app").state, "running");
	CHECK_INT(podlife_engine_delete_pod(x.e, NULL, "p", -1), PODLIFE_OK);
	wait_ctx w = {&x, "Killing", 1, &s, 1};
	CHECK(run_until(&x, &w));
	/* path without a leading slash gets one */
	CHECK(strncmp(s.req[0], "GET /stop HTTP/1.1\r\n", 20) == 0);
	/* the stop signal follows the hook: the fake's container exits */
	for (int i = 0; i < 500 && !env_info(&x, "p").finished; i++) {
		podlife_fake_advance(x.f, podlife_clock_real()->now_ms(NULL));
		podlife_engine_run(x.e, podlife_clock_real()->now_ms(NULL) + 10, NULL, 0, NULL, NULL);
	}
	CHECK(env_info(&x, "p").finished);
	CHECK_INT((long long)env_count(&x, "FailedPreStopHook", NULL), 0);
	rt_free(&x);
	server_stop(&s);
}

static void test_fds_arguments(void)
{
	env x;
	REQUIRE(rt_init(&x) == 0);
	size_t n = 5;
	CHECK_INT(podlife_engine_fds(NULL, NULL, 0, &n), PODLIFE_EINVAL);
	CHECK_INT(podlife_engine_fds(x.e, NULL, 1, &n), PODLIFE_EINVAL);
	CHECK_INT(podlife_engine_fds(x.e, NULL, 0, NULL), PODLIFE_EINVAL);
	CHECK_INT(podlife_engine_fds(x.e, NULL, 0, &n), PODLIFE_OK);
	CHECK_INT((long long)n, 0);
	rt_free(&x);
}

int main(void)
{
	RUN(test_post_start_ok);
	RUN(test_post_start_refused);
	RUN(test_pre_stop);
	RUN(test_fds_arguments);
	DONE();
}
