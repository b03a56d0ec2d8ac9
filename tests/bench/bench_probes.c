/*
 * tests/bench/bench_probes.c - the probe benchmark (run by hand, not by
 * CI): N pods on one engine, each with an httpGet liveness probe every
 * second, against a small HTTP server of the benchmark's own on
 * 127.0.0.1 (a second thread, epoll, several listening ports so that the
 * closed connections' TIME_WAIT entries do not run out of ports).  The
 * engine runs on the real clock in podlife_engine_run on one thread: its
 * built-in handler (libcurl multi interface behind one epoll descriptor).
 *
 * The pods are added evenly over the first period, as pods arrive on a
 * node, so that the schedule asks for the same number of probes every
 * millisecond (pods added in one burst probe in one burst: add "burst"
 * as a fourth argument to see that).
 *
 * The probes never kill (a huge failureThreshold), so an overloaded
 * run measures the overload and not the restarts it would cause.
 *
 * Prints the probes answered per second and the lateness of each probe's
 * start against its schedule: the worker ticks at the pod's first sync
 * plus whole periods, and the lateness is the time the request reached
 * the server minus that tick (so it includes connecting on loopback).
 *
 *   build-x/tests/bench/bench_probes [PODS] [SECONDS] [PERIOD_S] [burst]
 *   (defaults: 10000 pods, 20 s measured after 3 s of warm-up, 1 s)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <podlife.h>

#define PORTS 16

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the server ----------------------------------------------------------------- */

typedef struct arrival {
	int32_t pod;
	int64_t t_us;
} arrival;

typedef struct server {
	int ep;
	int lfd[PORTS];
	int port[PORTS];
	atomic_int stop;
	arrival *arr;
	size_t n_arr, cap_arr;
	atomic_long requests;
	pthread_t th;
} server;

typedef struct conn {
	int fd;
	size_t len;
	char buf[512];
} conn;

/* Answers one request on c; 1 when the connection is done (answered or
 * broken), 0 when more bytes are needed. */
static int answer(server *s, conn *c)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
	ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
	if (r < 0 && errno == EAGAIN)
		return 0;
	if (r <= 0)
		return 1;
	c->len += (size_t)r;
	c->buf[c->len] = '\0';
	if (!strstr(c->buf, "\r\n\r\n") && c->len < sizeof c->buf - 1)
		return 0;
	int64_t t = now_us();
	const char *p = strstr(c->buf, "GET /p/");
	if (p && s->n_arr < s->cap_arr) {
		s->arr[s->n_arr].pod = atoi(p + 7);
		s->arr[s->n_arr].t_us = t;
		s->n_arr++;
	}
	atomic_fetch_add(&s->requests, 1);
	if (write(c->fd, resp, sizeof resp - 1) < 0) {
		/* the client went away */
	}
	return 1;
}

static void *serve(void *ud)
{
	server *s = ud;
	struct epoll_event evs[256];
	conn direct;
	while (!atomic_load(&s->stop)) {
		int n = epoll_wait(s->ep, evs, 256, 50);
		for (int i = 0; i < n; i++) {
			conn *c = evs[i].data.ptr;
			if (c->fd < 0) { /* a listening socket: c->len is its index */
				for (;;) {
					int fd = accept4(s->lfd[c->len], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
					if (fd < 0)
						break;
					/* the request is usually there already: answer at once */
					direct.fd = fd;
					direct.len = 0;
					if (answer(s, &direct)) {
						close(fd);
						continue;
					}
					conn *k = malloc(sizeof *k);
					*k = direct;
					struct epoll_event ev = {.events = EPOLLIN, .data.ptr = k};
					epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			if (!answer(s, c))
				continue;
			epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
			close(c->fd);
			free(c);
		}
	}
	return NULL;
}

static int server_start(server *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->cap_arr = cap;
	s->arr = malloc(cap * sizeof *s->arr);
	if (s->ep < 0 || !s->arr)
		return -1;
	for (int i = 0; i < PORTS; i++) {
		s->lfd[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		int one = 1;
		setsockopt(s->lfd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		struct sockaddr_in a;
		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t al = sizeof a;
		if (bind(s->lfd[i], (struct sockaddr *)&a, sizeof a) || listen(s->lfd[i], 4096) ||
		    getsockname(s->lfd[i], (struct sockaddr *)&a, &al))
			return -1;
		s->port[i] = ntohs(a.sin_port);
		conn *lc = calloc(1, sizeof *lc);
		lc->fd = -1;
		lc->len = (size_t)i;
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = lc};
		epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd[i], &ev);
	}
	return pthread_create(&s->th, NULL, serve, s);
}

/* ---- the engine ----------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static double cpu_thread_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long pods = argc > 1 ? atol(argv[1]) : 10000;
	long seconds = argc > 2 ? atol(argv[2]) : 20;
	long period = argc > 3 ? atol(argv[3]) : 1;
	const long warm = 3;
	int burst = argc > 4 && strcmp(argv[4], "burst") == 0;
	if (pods <= 0 || seconds <= 0 || period <= 0)
		return 2;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	size_t cap = (size_t)(pods * (seconds + warm + 2) / period + 1000);
	server s;
	if (server_start(&s, cap)) {
		fprintf(stderr, "bench_probes: server: %s\n", strerror(errno));
		return 1;
	}

	const podlife_clock *clock = podlife_clock_real();
	podlife_fake *fake = NULL;
	if (podlife_fake_new(clock, NULL, &fake))
		return 1;
	podlife_backend be = *podlife_fake_backend(fake);
	be.caps |= PODLIFE_CAP_NO_SANDBOX; /* pods on 127.0.0.1 */
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = &be;
	cfg.clock = clock;
	cfg.relist_period_ms = 0;
	podlife_engine *e = NULL;
	if (podlife_engine_new(&cfg, &e))
		return 1;
	podlife_fake_attach(fake, e);

	/* One spec per listening port; pods differ by name and by the path
	 * the server sees (/p/<index> through the pod's own spec would need
	 * one spec per pod: the path carries the index instead). */
	int64_t *origin = malloc((size_t)pods * sizeof *origin);
	podlife_pod_list **lists = calloc((size_t)pods, sizeof *lists);
	if (!origin || !lists)
		return 1;
	double t_add = cpu_thread_s();
	int64_t add0 = clock->now_ms(NULL);
	for (long i = 0; i < pods; i++) {
		if (!burst) /* evenly over one period, the engine running meanwhile */
			podlife_engine_run(e, add0 + i * period * 1000 / pods, NULL, 0, NULL, NULL);
		char y[640];
		snprintf(y, sizeof y,
		         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p-%ld\nspec:\n"
		         "  containers:\n  - name: app\n    image: app:1\n"
		         "    livenessProbe:\n      httpGet: {path: /p/%ld, port: %d}\n"
		         "      periodSeconds: %ld\n      timeoutSeconds: 1\n"
		         "      failureThreshold: 1000000\n", /* an overload never kills */
		         i, i, s.port[i % PORTS], period);
		podlife_diag *d = NULL;
		if (podlife_pod_parse(y, strlen(y), NULL, &lists[i], &d)) {
			fprintf(stderr, "bench_probes: parse failed\n");
			return 1;
		}
		podlife_diag_free(d);
		int64_t before = clock->now_ms(NULL);
		if (podlife_engine_add_pod(e, podlife_pod_list_get(lists[i], 0)))
			return 1;
		origin[i] = before;
	}
	t_add = cpu_thread_s() - t_add;

	/* warm-up, then the measured window */
	int64_t start = clock->now_ms(NULL);
	podlife_engine_run(e, start + warm * 1000, NULL, 0, NULL, NULL);
	long req0 = atomic_load(&s.requests);
	size_t arr0 = s.n_arr;
	int64_t m0 = now_us();
	double cpu0 = cpu_thread_s();
	podlife_engine_run(e, start + (warm + seconds) * 1000, NULL, 0, NULL, NULL);
	double cpu = cpu_thread_s() - cpu0;
	int64_t m1 = now_us();
	long req1 = atomic_load(&s.requests);
	size_t arr1 = s.n_arr;
	atomic_store(&s.stop, 1);
	pthread_join(s.th, NULL);

	/* lateness of every request that arrived in the window */
	size_t n = arr1 - arr0;
	int64_t *late = malloc((n + 1) * sizeof *late);
	size_t k = 0;
	for (size_t i = arr0; i < arr1; i++) {
		int32_t pod = s.arr[i].pod;
		if (pod < 0 || pod >= pods)
			continue;
		int64_t o_us = origin[pod] * 1000, p_us = period * 1000000;
		int64_t since = s.arr[i].t_us - o_us;
		int64_t tick = (since / p_us) * p_us; /* the tick at or before the arrival */
		late[k++] = since - tick;
	}
	qsort(late, k, sizeof *late, cmp_i64);
	double secs = (double)(m1 - m0) / 1e6;
	printf("pods %ld, period %lds, measured %.1fs after %lds of warm-up\n", pods, period, secs, warm);
	printf("probes answered: %ld (%.0f/s; schedule asks for %.0f/s)\n", req1 - req0,
	       (double)(req1 - req0) / secs, (double)pods / (double)period);
	if (k)
		printf("lateness of probe start: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu probes)\n",
		       (double)late[k / 2] / 1000.0, (double)late[(k * 99) / 100] / 1000.0,
		       (double)late[k - 1] / 1000.0, k);
	printf("engine thread CPU: %.2f s in the window (%.1f us per probe); adding the pods %.2f s (%s)\n", cpu,
	       req1 > req0 ? cpu * 1e6 / (double)(req1 - req0) : 0.0, t_add,
	       burst ? "in one burst" : "spread over the first period");
	podlife_engine_free(e);
	podlife_fake_free(fake);
	for (long i = 0; i < pods; i++)
		podlife_pod_list_free(lists[i]);
	free(lists);
	free(origin);
	free(late);
	free(s.arr);
	return 0;
}
