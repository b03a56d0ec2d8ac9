/*
 * podlife/backend.h - the container runtime an engine drives, as a
 * versioned vtable modelled on the CRI RuntimeService/ImageService.
 *
 * This header is for backend implementors (a host that embeds the engine
 * only fills a podlife_backend and hands it to podlife_engine_new).
 *
 * Versioning: the first member is `version`; set it with
 * PODLIFE_BACKEND_INIT.  New slots are only ever appended and the version
 * bumped; the engine reads a slot only when the host's version is new
 * enough, so an old backend keeps working with a newer library.  A NULL
 * slot means "not supported" (see the capability word).
 *
 * Reserved: probes (liveness/readiness/startup runners for tcpSocket and
 * gRPC checks) will get their own vtable, podlife_probe_backend, passed
 * next to this one in the engine configuration; exec and httpGet probes
 * will reuse exec_sync and http_get below.
 *
 * Calling conventions shared by every slot:
 *  - The first argument is the backend's `ud`.
 *  - A slot returns PODLIFE_OK when the operation completed, a negative
 *    PODLIFE_E* code when it failed (with a human readable text in
 *    result->message when a result is passed), or PODLIFE_PENDING when it
 *    will complete later: the backend then calls the matching
 *    podlife_engine_notify_* function with the `token` it was given.
 *    Only slots that take a token may return PODLIFE_PENDING.
 *  - Slots are called from the engine's thread, from inside engine calls.
 *    A slot must not call back into the engine (no notify call from
 *    inside a slot): report synchronous results by the return value.
 *  - Strings passed in are borrowed for the duration of the call.
 *    Results go into the caller's podlife_result (fixed buffers, so there
 *    is no ownership to manage); long texts are truncated.
 */
#ifndef PODLIFE_BACKEND_H
#define PODLIFE_BACKEND_H

#include "common.h"
#include "pod.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returned by a slot that completes later through a notify call. */
#define PODLIFE_PENDING 1

#define PODLIFE_BACKEND_VERSION 1

/* What a backend lacks. */
typedef enum podlife_backend_caps {
	/* No pod sandbox: sandbox_* are not called; the pod gets no IP. */
	PODLIFE_CAP_NO_SANDBOX = 1u << 0,
	/* No image store: image_status/image_pull are not called and every
	 * image counts as present. */
	PODLIFE_CAP_NO_IMAGES = 1u << 1,
	/* No exec: exec hooks fail with a FailedPostStartHook/FailedPreStopHook. */
	PODLIFE_CAP_NO_EXEC = 1u << 2,
	/* No HTTP: httpGet hooks fail the same way. */
	PODLIFE_CAP_NO_HTTP = 1u << 3
} podlife_backend_caps;

/* Fixed-size identifier buffers. */
#define PODLIFE_ID_MAX 128

/* Where a slot writes its results. Zeroed by the engine before each call. */
typedef struct podlife_result {
	char id[PODLIFE_ID_MAX];  /* sandbox id, container id or image id */
	char pod_ip[64];          /* sandbox_run: "" when none */
	char netns_path[256];     /* sandbox_run: network namespace path or "" */
	char message[512];        /* error text on failure; exec/http output */
	int present;              /* image_status: 1 present, 0 missing */
	int exit_code;            /* exec_sync: exit code; http_get: HTTP status */
	uint64_t size;            /* image_status/image_pull: image size in bytes */
} podlife_result;

/* CRI PodSandboxConfig, reduced. */
typedef struct podlife_sandbox_config {
	const char *pod_name;
	const char *pod_namespace;
	const char *pod_uid;
	unsigned int attempt;  /* 0 for the first sandbox of the pod */
	int host_network;
	const podlife_pod *pod; /* borrowed: everything else (labels, ...) */
} podlife_sandbox_config;

typedef enum podlife_container_kind {
	PODLIFE_CONTAINER_INIT = 0,    /* regular init container */
	PODLIFE_CONTAINER_SIDECAR = 1, /* init container with restartPolicy Always */
	PODLIFE_CONTAINER_REGULAR = 2
} podlife_container_kind;

/* CRI ContainerConfig, reduced: the backend reads the rest from `pod`. */
typedef struct podlife_container_config {
	const char *sandbox_id;   /* "" when the backend has no sandbox */
	const char *pod_name;
	const char *pod_namespace;
	const char *pod_uid;
	const char *name;         /* container name */
	const char *image;        /* as written in the spec */
	const char *image_id;     /* from image_status/image_pull, "" if unknown */
	podlife_container_kind kind;
	size_t index;             /* index in spec.initContainers or spec.containers */
	unsigned int attempt;     /* restart count of this container */
	const podlife_pod *pod;   /* borrowed */
	/* Pass to podlife_engine_notify_exited when this container exits. */
	uint64_t token;
} podlife_container_config;

/* A registry credential, borrowed for the call (never logged). */
typedef struct podlife_auth {
	const char *registry;
	const char *username;
	const char *password;
} podlife_auth;

/* An httpGet hook request (the engine resolves host and port). */
typedef struct podlife_http_request {
	const char *scheme;     /* "HTTP" or "HTTPS" */
	const char *host;       /* pod IP when the spec gives none */
	int port;
	const char *path;
	size_t n_headers;
	const char *const *header_names;
	const char *const *header_values;
	int64_t timeout_ms;     /* 0: none */
	const char *container_id;
} podlife_http_request;

/* One container as the backend knows it (container_list, for adoption). */
typedef struct podlife_container_entry {
	const char *id;
	const char *sandbox_id;
	const char *pod_namespace;
	const char *pod_name;
	const char *name;        /* container name */
	unsigned int attempt;
	int running;             /* 1 running, 0 exited, -1 created */
	int exit_code;           /* exited */
	int oom;                 /* exited by the OOM killer */
	int64_t started_at_ms;   /* engine clock */
	int64_t finished_at_ms;  /* engine clock, exited only */
} podlife_container_entry;

typedef void (*podlife_container_list_fn)(void *cb_ud, const podlife_container_entry *e);

typedef struct podlife_backend {
	unsigned int version; /* PODLIFE_BACKEND_VERSION */
	unsigned int caps;    /* podlife_backend_caps */
	void *ud;

	/*
	 * Creates and starts the pod sandbox (RunPodSandbox).  On OK fills
	 * result->id, pod_ip, netns_path.  May return PENDING and finish
	 * with podlife_engine_notify_sandbox(token).  An error makes the
	 * engine emit FailedCreatePodSandBox and retry 10 s later.
	 */
	int (*sandbox_run)(void *ud, const podlife_sandbox_config *cfg, uint64_t token,
	                   podlife_result *result);
	/* Stops every container of the sandbox and the sandbox.  Idempotent:
	 * stopping a stopped sandbox is OK; an unknown id gives ENOTFOUND,
	 * which the engine treats as already stopped.  Synchronous. */
	int (*sandbox_stop)(void *ud, const char *sandbox_id);
	/* Removes a stopped sandbox.  Idempotent; unknown id: ENOTFOUND. */
	int (*sandbox_remove)(void *ud, const char *sandbox_id);

	/* Whether `image` (as written in the spec) is present: result->present,
	 * result->id (image id or digest), result->size.  Synchronous; an
	 * error gives ImageInspectError. */
	int (*image_status)(void *ud, const char *image, podlife_result *result);
	/*
	 * Pulls `image` with the credentials in lookup order (n_auth may be
	 * 0); the backend tries them in turn.  OK fills result->id and size;
	 * an error's result->message becomes the ErrImagePull message.  May
	 * return PENDING and finish with podlife_engine_notify_pull(token).
	 */
	int (*image_pull)(void *ud, const char *image, const podlife_auth *auth, size_t n_auth,
	                  uint64_t token, podlife_result *result);

	/* Creates a container (not started); fills result->id.  Synchronous.
	 * Error: CreateContainerError with result->message. */
	int (*container_create)(void *ud, const podlife_container_config *cfg,
	                        podlife_result *result);
	/* Starts a created container.  Synchronous.  Error: RunContainerError
	 * (the container counts as exited with code 128, StartError). */
	int (*container_start)(void *ud, const char *container_id, podlife_result *result);
	/*
	 * Sends `signal` (e.g. 15), and SIGKILL if the container still runs
	 * `grace_s` seconds later.  Returns at once; the exit is reported
	 * later with podlife_engine_notify_exited (never from inside this
	 * call).  Idempotent: stopping an exited container is OK (no second
	 * exit report); an unknown id gives ENOTFOUND.
	 */
	int (*container_stop)(void *ud, const char *container_id, int signal, int64_t grace_s);
	/* Removes an exited container.  Idempotent; unknown id: ENOTFOUND. */
	int (*container_remove)(void *ud, const char *container_id);

	/*
	 * Runs argv in the container (exec hooks; exec probes later).  On
	 * OK fills result->exit_code and result->message (output, truncated).
	 * `timeout_s` 0 means none.  May return PENDING and finish with
	 * podlife_engine_notify_exec(token).  An error means the exec could
	 * not run (counts as a failed hook).
	 */
	int (*exec_sync)(void *ud, const char *container_id, const char *const *argv, size_t argc,
	                 int64_t timeout_s, uint64_t token, podlife_result *result);
	/*
	 * Performs an HTTP GET (httpGet hooks; httpGet probes later); OK
	 * fills result->exit_code with the HTTP status.  May return PENDING
	 * and finish with podlife_engine_notify_exec(token).
	 */
	int (*http_get)(void *ud, const podlife_http_request *req, uint64_t token,
	                podlife_result *result);

	/*
	 * Optional: lists every container the backend knows (all pods),
	 * calling `cb` once per container.  Used by podlife_engine_restore
	 * to adopt running containers.  Synchronous.  An error leaves the
	 * restored pods in phase Unknown until a later list succeeds.
	 */
	int (*container_list)(void *ud, podlife_container_list_fn cb, void *cb_ud);
	/*
	 * Optional, with container_list: after a restore the engine tracks an
	 * adopted container under a new token; later exits of `container_id`
	 * are reported with it.  Synchronous; ENOTFOUND for an unknown id.
	 */
	int (*container_adopt)(void *ud, const char *container_id, uint64_t token);
} podlife_backend;

#define PODLIFE_BACKEND_INIT                                                           \
	{PODLIFE_BACKEND_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
	 NULL, NULL, NULL, NULL, NULL}

#ifdef __cplusplus
}
#endif
#endif
