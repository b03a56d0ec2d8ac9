/*
 * podlife/probe.h - liveness, readiness and startup probes: the handler
 * vtable a host may plug in next to its backend, and the result a handler
 * reports.
 *
 * The engine schedules every probe itself (the kubelet's prober workers:
 * periodSeconds, initialDelaySeconds, timeoutSeconds, success and failure
 * thresholds, startup gating, see doc/guide.md "Probes").  Each run is
 * handed to a handler:
 *
 *   handler     built in (used when the slot below is NULL)
 *   httpGet     GET with libcurl's multi interface on the engine's thread
 *   tcpSocket   a non-blocking connect
 *   grpc        grpc.health.v1.Health/Check over HTTP/2 cleartext (libcurl)
 *   exec        the backend's exec_sync with the probe's timeout
 *
 * A host replaces a handler by filling its slot, or keeps the built-in
 * network handlers and only says where their sockets come from with
 * `open_socket` (for example a socket made inside the pod's network
 * namespace: a socket keeps the namespace it was created in, so the
 * built-in handlers then reach 127.0.0.1 of the pod).
 *
 * Versioning as every vtable of the library: the first member is
 * `version`, set with PODLIFE_PROBE_BACKEND_INIT; slots are only appended.
 */
#ifndef PODLIFE_PROBE_H
#define PODLIFE_PROBE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The probe kinds, in the kubelet's order (prober_manager.go probeType). */
typedef enum podlife_probe_kind {
	PODLIFE_PROBE_LIVENESS = 0,
	PODLIFE_PROBE_READINESS = 1,
	PODLIFE_PROBE_STARTUP = 2,
	/* Not a probe: an httpGet lifecycle hook run by the engine, as
	 * open_socket sees it. */
	PODLIFE_PROBE_LIFECYCLE_HOOK = 3
} podlife_probe_kind;

/* The handler a probe uses. */
typedef enum podlife_probe_handler {
	PODLIFE_PROBE_EXEC = 0,
	PODLIFE_PROBE_HTTP_GET = 1,
	PODLIFE_PROBE_TCP_SOCKET = 2,
	PODLIFE_PROBE_GRPC = 3
} podlife_probe_handler;

/* What one run found (pkg/probe/probe.go Result). */
typedef enum podlife_probe_outcome {
	PODLIFE_PROBE_SUCCESS = 0,
	/* Success with something to say (an HTTP redirect to another host
	 * that was not followed): counts as success, event ProbeWarning. */
	PODLIFE_PROBE_WARNING = 1,
	PODLIFE_PROBE_FAILURE = 2,
	/* No verdict and no error: counts as failure, without an event. */
	PODLIFE_PROBE_UNKNOWN = 3
} podlife_probe_outcome;

#define PODLIFE_PROBE_REQUEST_VERSION 1

/*
 * One probe run, as the engine resolved it.  Every pointer is borrowed
 * for the duration of the slot call (copy what a PENDING run needs).
 */
typedef struct podlife_probe_request {
	unsigned int version;          /* PODLIFE_PROBE_REQUEST_VERSION */
	podlife_probe_kind kind;
	podlife_probe_handler handler;
	const char *pod_namespace;
	const char *pod_name;
	const char *pod_uid;
	const char *container;         /* container name */
	const char *container_id;      /* backend id of the running instance */
	const char *sandbox_id;        /* "" without a sandbox */
	const char *netns_path;        /* from sandbox_run, "" when none */
	int64_t timeout_ms;            /* timeoutSeconds */
	/* httpGet, tcpSocket, grpc: host is the handler's host or else the
	 * pod IP (127.0.0.1 when the backend gave none); port resolved from
	 * a number or the container's named port. */
	const char *host;
	int port;
	/* httpGet: scheme "http" or "https", path with its query, the
	 * whole URL, and the httpHeaders as written (names not yet
	 * canonicalised). */
	const char *scheme;
	const char *path;
	const char *url;
	size_t n_headers;
	const char *const *header_names;
	const char *const *header_values;
	/* grpc: the service name ("" by default). */
	const char *service;
	/* exec: the command (not through a shell). */
	const char *const *argv;
	size_t argc;
} podlife_probe_request;

/* Output kept per run: the kubelet reads at most 10 KiB (maxReadLength). */
#define PODLIFE_PROBE_OUTPUT_MAX 10240

/* Where a handler writes its verdict; zeroed by the engine before a call. */
typedef struct podlife_probe_result {
	podlife_probe_outcome outcome;
	/* The handler's output: the body or the command's output on success,
	 * the failure text otherwise ("HTTP probe failed with statuscode:
	 * 500").  NUL-terminated; longer output is cut. */
	char output[PODLIFE_PROBE_OUTPUT_MAX + 1];
} podlife_probe_result;

#define PODLIFE_PROBE_BACKEND_VERSION 1

/*
 * A probe handler slot.  Returns PODLIFE_OK with `result` filled,
 * PODLIFE_PENDING when it answers later with podlife_engine_notify_probe
 * (token), or a negative code when the probe could not be run at all (a
 * probe error: the run is thrown away and the cached result is left as
 * it was, as the kubelet does; result->output may carry the error text
 * for the Unhealthy event).  Called on the engine's thread, from inside
 * engine calls; must not call back into the engine.  A run that has not
 * answered when timeoutSeconds is over counts as a failure and its late
 * answer is ignored (ENOTFOUND from the notify call).
 */
typedef int (*podlife_probe_fn)(void *ud, const podlife_probe_request *req, uint64_t token,
                                podlife_probe_result *result);

typedef struct podlife_probe_backend {
	unsigned int version; /* PODLIFE_PROBE_BACKEND_VERSION */
	void *ud;
	/* Each NULL slot uses the built-in handler. */
	podlife_probe_fn http_get;
	podlife_probe_fn tcp_socket;
	podlife_probe_fn grpc;
	podlife_probe_fn exec;
	/*
	 * Optional: makes the socket a built-in network handler (httpGet,
	 * tcpSocket, grpc; also the engine's own httpGet lifecycle hooks,
	 * with req->kind PODLIFE_PROBE_LIFECYCLE_HOOK) connects with, as socket(2) would with
	 * these arguments.  Returns the descriptor, which the engine owns and
	 * closes, or -1.  NULL: socket(2) in the engine's own namespaces.
	 */
	int (*open_socket)(void *ud, const podlife_probe_request *req, int domain, int type,
	                   int protocol);
} podlife_probe_backend;

#define PODLIFE_PROBE_BACKEND_INIT {PODLIFE_PROBE_BACKEND_VERSION, NULL, NULL, NULL, NULL, NULL, NULL}

/* "Liveness", "Readiness", "Startup" (as events print them), or NULL. */
PODLIFE_EXTERN const char *podlife_probe_kind_name(podlife_probe_kind kind);

#ifdef __cplusplus
}
#endif
#endif
