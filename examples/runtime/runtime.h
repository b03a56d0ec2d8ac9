/*
 * examples/runtime/runtime.h - the example mini-runtime behind `podlife run`
 * and `podlife serve`: a container backend for libpodlife's engine that
 * runs real containers on a Linux host, either as host processes (the
 * process backend) or with an OCI runtime (crun or runc) from images pulled
 * into a local store.  It uses only libpodlife's public API.
 *
 * Shape: one `rt` object owns the backend vtables it hands to the engine
 * (podlife_backend, podlife_probe_backend), the per-container monitors,
 * the image store and a descriptor the host's loop polls (rt_fd); when it
 * is readable, rt_dispatch reaps what finished (container exits, pulls,
 * execs) and reports it to the engine with the podlife_engine_notify_*
 * calls.  Everything runs on the engine's thread; pulls run on a worker
 * thread and hand their result over through the same descriptor.
 *
 * On-disk state, under rt_options.state_dir (the layout is a contract:
 * `podlife get/describe/logs/delete` read it from another process):
 *
 *   <state>/containers/<id>/          one directory per container instance
 *       meta.json                      {"id","sandbox_id","namespace","pod","name",
 *                                       "attempt","log_path","created_ms"}
 *       monitor.pid                    pid of the container's monitor
 *       pid                            pid of the container's main process
 *       started                        engine-independent start time (Unix ms)
 *       exit                           written once when it ended:
 *                                       {"exit_code":N,"signal":S,"oom":0|1,"finished_ms":T}
 *   <state>/sandboxes/<id>/meta.json   {"id","namespace","pod","uid","netns_path","pod_ip"}
 *   <state>/logs/<namespace>_<pod>/<container>/<attempt>.log
 *                                      CRI log format, one line per output line:
 *                                      "2026-12-05T23:17:09.669794202Z stdout F text"
 *                                      (P instead of F for a partial line)
 *   <state>/images/                    the image store (OCI backend), see store.h
 *
 * Containers outlive the process that started them: each runs under a
 * small monitor process (a fork of the runtime, then setsid) that copies
 * its output into the log file and writes `exit` when it ends, so a
 * restarted `podlife serve` adopts running containers (container_list and
 * container_adopt read the directories above) and learns of exits that
 * happened while it was away.  The runtime makes itself a child subreaper
 * so the monitors it starts report to it.
 */
#ifndef PODLIFE_EXAMPLE_RUNTIME_H
#define PODLIFE_EXAMPLE_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <podlife.h>

typedef struct rt rt;

typedef enum rt_kind {
	RT_PROCESS = 0, /* host processes; volumes bind-mounted in a mount namespace when allowed */
	RT_CRUN = 1,    /* OCI runtime crun (with the hybrid-cgroup workaround) */
	RT_RUNC = 2     /* OCI runtime runc */
} rt_kind;

typedef struct rt_options {
	rt_kind kind;
	const char *state_dir;        /* required; created when missing */
	const char *runtime_path;     /* crun/runc binary; NULL: looked up in PATH */
	const podlife_keyring *keyring; /* not used by the backend: credentials come with each pull */
	const char *const *insecure_registries; /* "HOST:PORT" served over plain HTTP */
	size_t n_insecure;
	FILE *progress;               /* pull progress and notices ("images are not used"); NULL: none */
	int verbose;
} rt_options;

/* A new runtime; on failure a readable reason in err.  RT_CRUN/RT_RUNC
 * need root and the runtime binary. */
int rt_new(const rt_options *o, rt **out, char *err, size_t errlen);
/* Frees the runtime; containers keep running (their monitors stay). */
void rt_free(rt *r);

/* The vtables for podlife_engine_config (valid as long as the runtime). */
const podlife_backend *rt_backend(rt *r);
/* Probes: the built-in handlers with sockets made in the pod's network
 * namespace (OCI), or NULL for the built-in handlers as they are. */
const podlife_probe_backend *rt_probes(rt *r);
/* The engine that receives the notifications (set after podlife_engine_new). */
void rt_attach(rt *r, podlife_engine *e);

/* Readable when rt_dispatch has work; stays the same for the runtime's life. */
int rt_fd(const rt *r);
/* Reaps finished monitors, execs and pulls and notifies the engine. */
void rt_dispatch(rt *r);

/* Kills every container this runtime started that still runs (SIGKILL),
 * for a last-resort exit. */
void rt_kill_all(rt *r);

/* Removes the state directories of the containers and sandboxes this
 * runtime made that no longer run (logs stay), for a host that exits when
 * its pods are done (`podlife run`). */
void rt_remove_exited(rt *r);

/* The log file of a container attempt (see the layout above). */
int rt_log_path(const char *state_dir, const char *ns, const char *pod, const char *container,
                unsigned int attempt, char *buf, size_t len);

/* Which backends work here: 1 when `kind` can run (binary present, root),
 * else 0 with the reason in why. */
int rt_available(rt_kind kind, const char *runtime_path, char *why, size_t len);

/* ---- shared by the backends (monitor.c, logs.c) ---------------------------------- */

/* What a monitor starts. */
typedef struct rt_spawn {
	const char *dir;              /* the container's state directory (exists) */
	const char *log_path;         /* CRI log file, created/appended */
	char *const *argv;            /* argv[0] is resolved with PATH from envp */
	char *const *envp;
	const char *cwd;              /* NULL: "/" */
	/* Runs in the container process after fork, before exec (namespaces,
	 * mounts); non-zero aborts the start with exit code 128 and the
	 * message it wrote to `err` (as StartError). May be NULL. */
	int (*setup)(void *ud, char *err, size_t len);
	void *setup_ud;
} rt_spawn;

/*
 * Starts a monitor that starts the container process, copies its stdout
 * and stderr into the log in CRI format, and writes `dir`/exit when it
 * ends.  Returns 0 with the monitor's pid once the container process was
 * exec'ed (or -1 with err when it could not start: command not found
 * gives the message containerd would, "exec: \"x\": executable file not
 * found in $PATH").
 */
int rt_monitor_start(const rt_spawn *s, pid_t *monitor_pid, char *err, size_t len);

/* Reads `dir`/exit; 1 with *ex filled when the container ended, 0 when not
 * (yet), -1 on a damaged file.  ex->finished_at_ms is Unix ms (the file's
 * finished_ms), not engine time. */
int rt_read_exit(const char *dir, podlife_exit *ex);

/* Appends one CRI log line ("<RFC3339Nano> <stream> F <text>\n"). */
int rt_log_line(int fd, const char *stream, const char *text, size_t len, int partial);

#endif
