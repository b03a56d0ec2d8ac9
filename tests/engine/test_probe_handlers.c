/*
 * tests/engine/test_probe_handlers.c - the engine's built-in probe
 * handlers against real servers on 127.0.0.1 that this test starts: an
 * HTTP server thread (status switched by the test, the request recorded),
 * a closed port, and the gRPC health servers of grpc_health_server.py
 * (started with /usr/bin/python3, stopped by PID).  The engine runs on
 * the simulated clock inside podlife_engine_run, which waits in real time
 * for the network before the clock moves on; the pods' IP is 127.0.0.1
 * (a backend without sandboxes).  The host's open_socket makes every
 * socket.  Nothing asserts on wall-clock time.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_env.h"
#include "http_server.h"

/* ---- the engine -------------------------------------------------------------------- */

typedef struct rig {
	env x;
	podlife_backend be;   /* the fake without sandboxes: pods on 127.0.0.1 */
	podlife_probe_backend pb;
	int sockets;          /* made by open_socket */
	char last_container[64];
} rig;

static int open_sock(void *ud, const podlife_probe_request *req, int domain, int type, int protocol)
{
	rig *r = ud;
	r->sockets++;
	snprintf(r->last_container, sizeof r->last_container, "%s", req->container);
	return socket(domain, type, protocol);
}

static int rig_init(rig *r)
{
	memset(r, 0, sizeof *r);
	if (env_init(&r->x))
		return -1;
	podlife_engine_free(r->x.e);
	r->be = *podlife_fake_backend(r->x.f);
	r->be.caps |= PODLIFE_CAP_NO_SANDBOX;
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.ud = r;
	pb.open_socket = open_sock;
	r->pb = pb;
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = &r->be;
	cfg.probes = &r->pb;
	cfg.clock = podlife_simclock_clock(r->x.sc);
	cfg.on_event = env_on_event;
	cfg.event_ud = &r->x;
	cfg.relist_period_ms = 0;
	if (podlife_engine_new(&cfg, &r->x.e))
		return -1;
	podlife_fake_attach(r->x.f, r->x.e);
	return 0;
}

/* The fake reports its containers' exits at each wake-up. */
static int wake(void *ud, podlife_engine *e, struct pollfd *fds, size_t nfds)
{
	rig *r = ud;
	(void)e;
	(void)fds;
	(void)nfds;
	podlife_fake_advance(r->x.f, podlife_simclock_now(r->x.sc));
	return 0;
}

/* Runs the engine (real network, simulated clock) to `t` seconds. */
static void rig_run(rig *r, int64_t t)
{
	podlife_engine_run(r->x.e, t * SEC, NULL, 0, wake, r);
	podlife_fake_advance(r->x.f, podlife_simclock_now(r->x.sc));
}

static int add_pod(rig *r, const char *probes, int port)
{
	char y[4096];
	snprintf(y, sizeof y,
	         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  uid: u-1\nspec:\n"
	         "  containers:\n  - name: app\n    image: app:1\n"
	         "    ports:\n    - name: web\n      containerPort: %d\n%s",
	         port, probes);
	return env_add(&r->x, y);
}

/* httpGet: the request as the kubelet makes it; 2xx ready, 500 not. */
static void test_http_readiness(void)
{
	server s;
	REQUIRE(server_start(&s, 200, true) == 0);
	rig r;
	REQUIRE(rig_init(&r) == 0);
	REQUIRE(add_pod(&r,
	                "    readinessProbe:\n      httpGet:\n        path: /ready?full=1\n"
	                "        port: web\n        httpHeaders:\n        - {name: x-probe-TOKEN, value: t1}\n"
	                "      periodSeconds: 10\n      failureThreshold: 1\n",
	                s.port) == 0);
	rig_run(&r, 1);
	CHECK_STR(env_info(&r.x, "p").ready, "1/1");
	pthread_mutex_lock(&s.mu);
	CHECK(strncmp(s.last, "GET /ready?full=1 HTTP/1.1\r\n", 28) == 0);
	CHECK(strstr(s.last, "\r\nUser-Agent: kube-probe/1.33\r\n") != NULL);
	CHECK(strstr(s.last, "\r\nAccept: */*\r\n") != NULL);
	CHECK(strstr(s.last, "\r\nX-Probe-Token: t1\r\n") != NULL);
	CHECK(strstr(s.last, "Accept-Encoding") == NULL);
	pthread_mutex_unlock(&s.mu);
	CHECK(r.sockets >= 1);
	CHECK_STR(r.last_container, "app");
	atomic_store(&s.status, 500);
	rig_run(&r, 11);
	CHECK_STR(env_info(&r.x, "p").ready, "0/1");
	CHECK_STR(env_last_msg(&r.x, "Unhealthy"),
	          "Readiness probe failed: HTTP probe failed with statuscode: 500");
	atomic_store(&s.status, 204);
	rig_run(&r, 21);
	CHECK_STR(env_info(&r.x, "p").ready, "1/1");
	env_free(&r.x);
	server_stop(&s);
}

/* Liveness against a closed port: refused, killed and restarted. */
static void test_http_liveness_refused(void)
{
	server closed;
	REQUIRE(server_start(&closed, 0, false) == 0);
	rig r;
	REQUIRE(rig_init(&r) == 0);
	char probes[512];
	snprintf(probes, sizeof probes,
	         "    livenessProbe:\n      httpGet: {path: /healthz, port: %d}\n"
	         "      periodSeconds: 10\n      failureThreshold: 2\n",
	         closed.port);
	REQUIRE(add_pod(&r, probes, 8080) == 0);
	rig_run(&r, 21);
	char want[256];
	snprintf(want, sizeof want,
	         "Liveness probe failed: Get \"http://127.0.0.1:%d/healthz\": dial tcp 127.0.0.1:%d: "
	         "connect: connection refused",
	         closed.port, closed.port);
	const ev_rec *ev = env_last(&r.x, "Unhealthy");
	REQUIRE(ev != NULL);
	CHECK_STR(ev->message, want);
	int64_t t[4];
	CHECK_INT(env_times(&r.x, "Killing", "app", t, 4), 1);
	CHECK_INT(t[0], 20 * SEC);
	CHECK_INT(env_ctr(&r.x, "p", "app").restart_count, 1);
	env_free(&r.x);
	server_stop(&closed);
}

/* tcpSocket: an open port is success, a closed one a failure. */
static void test_tcp(void)
{
	server open_s, closed;
	REQUIRE(server_start(&open_s, 200, true) == 0);
	REQUIRE(server_start(&closed, 0, false) == 0);
	rig r;
	REQUIRE(rig_init(&r) == 0);
	char probes[512];
	snprintf(probes, sizeof probes,
	         "    readinessProbe:\n      tcpSocket: {port: web}\n      periodSeconds: 10\n"
	         "    startupProbe:\n      tcpSocket: {port: %d, host: 127.0.0.1}\n"
	         "      periodSeconds: 10\n      failureThreshold: 30\n",
	         closed.port);
	REQUIRE(add_pod(&r, probes, open_s.port) == 0);
	rig_run(&r, 11);
	podlife_container_info ci = env_ctr(&r.x, "p", "app");
	CHECK_INT(ci.started, 0); /* the startup probe holds readiness */
	CHECK_INT(ci.ready, 0);
	char want[160];
	snprintf(want, sizeof want, "Startup probe failed: dial tcp 127.0.0.1:%d: connect: connection refused",
	         closed.port);
	CHECK_STR(env_last_msg(&r.x, "Unhealthy"), want);
	env_free(&r.x);

	/* the startup probe on the open port: started, then ready */
	REQUIRE(rig_init(&r) == 0);
	snprintf(probes, sizeof probes,
	         "    readinessProbe:\n      tcpSocket: {port: web}\n      periodSeconds: 10\n"
	         "    startupProbe:\n      tcpSocket: {port: web}\n      periodSeconds: 10\n");
	REQUIRE(add_pod(&r, probes, open_s.port) == 0);
	rig_run(&r, 11);
	ci = env_ctr(&r.x, "p", "app");
	CHECK_INT(ci.started, 1);
	CHECK_INT(ci.ready, 1);
	CHECK_INT(env_count(&r.x, "Unhealthy", NULL), 0);
	CHECK(r.sockets >= 2);
	env_free(&r.x);
	server_stop(&open_s);
	server_stop(&closed);
}

/* ---- gRPC -------------------------------------------------------------------------- */

/* The servers run until killed or until their stdin closes: *stdin_fd
 * is the write end the test keeps open. */
static pid_t grpc_start(int *port1, int *port2, int *stdin_fd)
{
	int pfd[2], in[2];
	if (pipe(pfd))
		return -1;
	if (pipe(in)) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(in[0], 0);
		close(pfd[0]);
		close(pfd[1]);
		close(in[0]);
		close(in[1]);
		char path[1024];
		const char *dir = getenv("PODLIFE_TEST_DATA");
		snprintf(path, sizeof path, "%s/engine/grpc_health_server.py", dir ? dir : "tests");
		execl("/usr/bin/python3", "python3", path, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	close(in[0]);
	*stdin_fd = in[1];
	char buf[64] = {0};
	size_t len = 0;
	for (int i = 0; i < 300 && len < sizeof buf - 1 && !strchr(buf, '\n'); i++) {
		struct pollfd p = {pfd[0], POLLIN, 0};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = read(pfd[0], buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pfd[0]);
	if (sscanf(buf, "%d %d", port1, port2) != 2) {
		close(in[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void grpc_stop(pid_t pid, int stdin_fd)
{
	close(stdin_fd);
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_grpc(void)
{
	int port, bare, in_fd = -1;
	pid_t pid = grpc_start(&port, &bare, &in_fd);
	REQUIRE(pid > 0); /* /usr/bin/python3 with grpcio (python3-grpcio) */
	rig r;
	if (rig_init(&r) == 0) {
		char probes[512];
		snprintf(probes, sizeof probes,
		         "    readinessProbe:\n      grpc: {port: %d}\n      periodSeconds: 10\n"
		         "    livenessProbe:\n      grpc: {port: %d, service: down}\n"
		         "      periodSeconds: 10\n      failureThreshold: 1\n      timeoutSeconds: 5\n",
		         port, port);
		CHECK(add_pod(&r, probes, port) == 0);
		rig_run(&r, 11);
		CHECK_STR(env_info(&r.x, "p").ready, "1/1");
		const ev_rec *ev = env_last(&r.x, "Unhealthy");
		CHECK(ev != NULL);
		if (ev)
			CHECK_STR(ev->message,
			          "Liveness probe failed: service unhealthy (responded with \"NOT_SERVING\")");
		CHECK_INT(env_count(&r.x, "Killing", "app"), 1);
		env_free(&r.x);
	}
	/* a server without the health service */
	if (rig_init(&r) == 0) {
		char probes[256];
		snprintf(probes, sizeof probes,
		         "    readinessProbe:\n      grpc: {port: %d}\n      periodSeconds: 10\n", bare);
		CHECK(add_pod(&r, probes, bare) == 0);
		rig_run(&r, 1);
		CHECK_STR(env_info(&r.x, "p").ready, "0/1");
		const ev_rec *ev = env_last(&r.x, "Unhealthy");
		CHECK(ev && strstr(ev->message, "Readiness probe failed: error: this server does not "
		                                "implement the grpc health protocol "
		                                "(grpc.health.v1.Health)") == ev->message);
		env_free(&r.x);
	}
	grpc_stop(pid, in_fd);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(test_http_readiness);
	RUN(test_http_liveness_refused);
	RUN(test_tcp);
	RUN(test_grpc);
	DONE();
}
