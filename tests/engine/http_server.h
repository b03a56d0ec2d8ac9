/*
 * tests/engine/http_server.h - a small HTTP server for the engine tests:
 * a thread on an ephemeral port of 127.0.0.1 answering every request with
 * one status (changeable while it runs) and a short body, keeping the
 * heads of the first requests and of the last one.  server_start with
 * run=false only reserves a port that nobody listens on.
 */
#ifndef PODLIFE_TEST_HTTP_SERVER_H
#define PODLIFE_TEST_HTTP_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Reads a request head (up to the blank line) within 2 s; its length. */
static inline size_t http_read_head(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	while (len < cap - 1) {
		struct pollfd cp = {fd, POLLIN, 0};
		if (poll(&cp, 1, 2000) <= 0)
			break;
		ssize_t r = read(fd, buf + len, cap - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	return len;
}

typedef struct server {
	int lfd, port;
	atomic_int status;    /* answered to every request */
	atomic_int stop, n_req;
	char req[4][2048];    /* the first requests, head only */
	char last[2048];      /* the last one (under mu) */
	pthread_mutex_t mu;
	pthread_t th;
} server;

static inline void *server_loop(void *ud)
{
	server *s = ud;
	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = {s->lfd, POLLIN, 0};
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		char buf[2048];
		size_t len = http_read_head(fd, buf, sizeof buf);
		int i = atomic_load(&s->n_req);
		if (i < 4)
			memcpy(s->req[i], buf, len + 1);
		pthread_mutex_lock(&s->mu);
		memcpy(s->last, buf, len + 1);
		pthread_mutex_unlock(&s->mu);
		char resp[160];
		int n = snprintf(resp, sizeof resp,
		                 "HTTP/1.1 %d X\r\nContent-Length: 7\r\nConnection: close\r\n\r\nhealthy",
		                 atomic_load(&s->status));
		if (write(fd, resp, (size_t)n) < 0)
			perror("write");
		close(fd);
		atomic_fetch_add(&s->n_req, 1);
	}
	return NULL;
}

static inline int server_start(server *s, int status, bool run)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	atomic_store(&s->status, status);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof a) ||
	    getsockname(s->lfd, (struct sockaddr *)&a, &al))
		return -1;
	s->port = ntohs(a.sin_port);
	if (!run) {
		close(s->lfd);
		s->lfd = -1;
		return 0;
	}
	if (listen(s->lfd, 64) || pthread_create(&s->th, NULL, server_loop, s))
		return -1;
	return 0;
}

static inline void server_stop(server *s)
{
	if (s->lfd >= 0) {
		atomic_store(&s->stop, 1);
		pthread_join(s->th, NULL);
		close(s->lfd);
		s->lfd = -1;
	}
	pthread_mutex_destroy(&s->mu);
}

#endif
