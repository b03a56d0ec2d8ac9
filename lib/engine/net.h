/*
 * lib/engine/net.h - the engine's own network client: httpGet probes and
 * hooks, tcpSocket probes and gRPC health checks, all on one thread and
 * never blocking.  libcurl's multi interface runs the HTTP and gRPC
 * requests through its socket and timer callbacks; every socket (curl's
 * and the plain TCP connects) is registered in one epoll instance, so the
 * host polls a single descriptor (pl_net_fd) and each pl_net_perform costs
 * O(ready sockets + expired timers), whatever the number of requests in
 * flight.
 *
 * Time: deadlines are CLOCK_MONOTONIC milliseconds (pl_net_now), the
 * network's own clock; the engine converts them to its clock.
 */
#ifndef PL_ENGINE_NET_H
#define PL_ENGINE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podlife/probe.h"

#include "../common/common.h"

typedef struct pl_net pl_net;

/* How a request ended, handed to the completion callback. */
typedef struct pl_net_result {
	/* The probe verdict (podlife_probe_outcome) with the kubelet's output
	 * text in `output`: for an HTTP request that got a response, the
	 * rules of DoHTTPProbe (2xx success with the body, 3xx warning,
	 * other failure "HTTP probe failed with statuscode: N"); for a
	 * transport error or timeout, failure with the error text. */
	int outcome;
	/* true when the request ended with a response (any HTTP status;
	 * gRPC: a status); false for transport errors, timeouts and the
	 * redirect limit. */
	bool responded;
	int http_status;  /* last HTTP status, 0 when none */
	char output[PODLIFE_PROBE_OUTPUT_MAX + 1];
} pl_net_result;

/* Called from pl_net_perform (never from the start calls) once per
 * request, with the tag it was started with. */
typedef void (*pl_net_done_fn)(void *ud, uint64_t tag, const pl_net_result *r);

/*
 * Where a request's sockets come from.  With `pb` NULL or its open_socket
 * NULL, socket(2).  Otherwise pb->open_socket(pb->ud, req, ...) whenever
 * the request needs a socket (curl may open several: redirects); the
 * client keeps its own copy of `*req` (identity strings: namespace, name,
 * uid, container, container id, sandbox id, netns path; kind, handler,
 * host, port) for the request's lifetime, so the caller's copy is only
 * borrowed for the start call.  `pb` itself must outlive the client.
 */
typedef struct pl_net_origin {
	const podlife_probe_backend *pb;
	const podlife_probe_request *req;
} pl_net_origin;

/* Redirect rules of an HTTP request. */
enum pl_net_redirects {
	/* the prober's (followNonLocalRedirects = false): follow a redirect
	 * only to the same host name (port ignored), at most 10; a redirect
	 * elsewhere is not followed and gives PODLIFE_PROBE_WARNING with
	 * output "Probe terminated redirects, Response body: <body>".
	 * At most 10 requests in all, as Go's http.Client: a redirect
	 * answering the 10th gives failure `Get "<Location>": stopped
	 * after 10 redirects` */
	PL_NET_REDIRECT_LOCAL = 0,
	/* lifecycle hooks: follow any redirect, the same limit */
	PL_NET_REDIRECT_ANY = 1
};

typedef struct pl_net_http {
	const char *url;          /* scheme://host:port/path?query, built by the caller */
	size_t n_headers;         /* httpHeaders as written */
	const char *const *header_names;
	const char *const *header_values;
	const char *user_agent;   /* used unless the headers set User-Agent */
	int64_t timeout_ms;       /* whole request; 0: none */
	int redirects;            /* enum pl_net_redirects */
	size_t max_body;          /* bytes of the body kept (10240 for probes) */
} pl_net_http;

/* A new client using allocator `a` (must outlive it).  ENOMEM, EIO. */
int pl_net_new(const pl_alloc *a, pl_net_done_fn done, void *done_ud, pl_net **out);
/* Cancels everything in flight (no callbacks) and frees. NULL is fine. */
void pl_net_free(pl_net *n);

/* The epoll descriptor to wait on for reading; -1 before the first request. */
int pl_net_fd(const pl_net *n);
/* Requests in flight. */
size_t pl_net_busy(const pl_net *n);
/* CLOCK_MONOTONIC in ms. */
int64_t pl_net_now(void);
/* Earliest deadline (curl's timer, connect timeouts) in pl_net_now ms,
 * INT64_MAX when none. */
int64_t pl_net_deadline(const pl_net *n);
/* Handles ready sockets and expired deadlines without waiting; calls the
 * completion callback for every request that ended. */
void pl_net_perform(pl_net *n);
/* Drops every request started with `tag` (no callback). */
void pl_net_cancel(pl_net *n, uint64_t tag);

/*
 * Starts an HTTP GET as the kubelet's prober makes it (pkg/probe/http):
 * headers canonicalised (FOO-bAR -> Foo-Bar), repeated names all sent,
 * a Host header sets the request's Host (kept across same-host
 * redirects), User-Agent `user_agent` and "Accept: * / *" (no spaces)
 * unless given, an Accept given with an empty value removed; no
 * Accept-Encoding, no keep-alive, no proxy; https without certificate
 * verification.  0 or a negative code (the request was not started).
 */
int pl_net_http_get(pl_net *n, const pl_net_http *req, const pl_net_origin *origin,
                    uint64_t tag);

/*
 * Starts a TCP connect to host:port (an IP address literal, v4 or v6, or
 * a name resolved with getaddrinfo) bounded by timeout_ms: success with
 * empty output when it connects (the socket is closed at once), failure
 * with "dial tcp HOST:PORT: connect: connection refused" or
 * "dial tcp HOST:PORT: i/o timeout" otherwise.
 */
int pl_net_tcp(pl_net *n, const char *host, int port, int64_t timeout_ms,
               const pl_net_origin *origin, uint64_t tag);

/*
 * Starts grpc.health.v1.Health/Check on host:port with `service` over
 * HTTP/2 cleartext (prior knowledge), bounded by timeout_ms, with the
 * texts of pkg/probe/grpc: success "service healthy" for SERVING, failure
 * `service unhealthy (responded with "NOT_SERVING")` and the error texts
 * otherwise.  PODLIFE_ESTATE when the linked libcurl has no HTTP/2
 * (pl_net_grpc_supported).
 */
int pl_net_grpc(pl_net *n, const char *host, int port, const char *service, const char *user_agent,
                int64_t timeout_ms, const pl_net_origin *origin, uint64_t tag);
bool pl_net_grpc_supported(void);

#endif
