/*
 * examples/runtime/rt_int.h - what the runtime's files share: the
 * sandbox and container records, and the driver interface that the
 * process backend (process.c) and the OCI backend (oci.c) implement.
 * runtime.c turns a driver into libpodlife's backend vtable: ids, tokens,
 * the stop-then-SIGKILL timers, execs, the pull thread, the state
 * directory, container_list and container_adopt.
 */
#ifndef PODLIFE_EXAMPLE_RT_INT_H
#define PODLIFE_EXAMPLE_RT_INT_H

#include <limits.h>
#include <stdbool.h>

#include "runtime.h"
#include "store.h"

typedef struct rt_sandbox {
	char id[64];
	char ns[254], pod[254], uid[64];
	char dir[PATH_MAX];           /* <state>/sandboxes/<id> */
	char netns_path[256];         /* "" for host network / none */
	char pod_ip[64];              /* "" when none */
	int host_network;
	pid_t holder;                 /* process holding the namespaces (pause), 0 none */
	bool running;
} rt_sandbox;

typedef struct rt_ctr {
	char id[64];
	char dir[PATH_MAX];           /* <state>/containers/<id> */
	char sandbox_id[64];
	char ns[254], pod[254], name[254];
	unsigned int attempt;
	uint64_t token;               /* for podlife_engine_notify_exited */
	char log_path[PATH_MAX];
	pid_t monitor;                /* 0 before start */
	int state;                    /* 0 created, 1 running, 2 exited */
	podlife_exit exit;
	/* prepared by the driver's create, used by its start (owned, NULL-terminated) */
	char **argv, **envp;
	char *cwd;
	void *drv;
} rt_ctr;

typedef struct rt_driver {
	const char *name;             /* "process", "crun", "runc" */
	unsigned int caps;            /* podlife_backend_caps */
	int (*init)(rt *r, char *err, size_t len);
	void (*fini)(rt *r);
	/* The pod sandbox: fills netns_path and pod_ip. */
	int (*sandbox_run)(rt *r, const podlife_sandbox_config *cfg, rt_sandbox *sb, char *err,
	                   size_t len);
	int (*sandbox_stop)(rt *r, rt_sandbox *sb);
	void (*sandbox_remove)(rt *r, rt_sandbox *sb);
	/* Images (NULL with PODLIFE_CAP_NO_IMAGES).  pull runs on the pull thread. */
	int (*image_status)(rt *r, const char *image, podlife_result *res);
	int (*image_pull)(rt *r, const char *image, const podlife_auth *auth, size_t n_auth,
	                  int always, podlife_result *res);
	/* Prepares the container (argv, envp, cwd, the driver's files). */
	int (*create)(rt *r, const podlife_container_config *cfg, rt_sandbox *sb, rt_ctr *c,
	              char *err, size_t len);
	/* Starts it under a monitor (rt_monitor_start); sets c->monitor. */
	int (*start)(rt *r, rt_sandbox *sb, rt_ctr *c, char *err, size_t len);
	/* Sends a signal to the container's processes. */
	int (*kill)(rt *r, rt_ctr *c, int sig);
	/* Removes what create made. */
	void (*remove)(rt *r, rt_ctr *c);
	/* The command line that runs argv inside the container (owned,
	 * NULL-terminated): e.g. `crun exec ID argv...`. */
	int (*exec_argv)(rt *r, rt_ctr *c, const char *const *argv, size_t argc, char ***out);
	/* Optional (NULL: none): called once a container's exit was read from
	 * its `exit` file, before it is reported or the container removed;
	 * may set ex->oom (the OCI backend reads the OOM kill counters of the
	 * container's cgroup, which the monitor cannot see). */
	void (*exited)(rt *r, rt_ctr *c, podlife_exit *ex);
} rt_driver;

extern const rt_driver rt_driver_process;
extern const rt_driver rt_driver_oci;

/* runtime.c: what drivers may use. */
const rt_options *rt_opts(const rt *r);
const char *rt_state_dir(const rt *r);
store *rt_store(rt *r);                       /* NULL for the process backend */
rt_sandbox *rt_sandbox_find(rt *r, const char *id);
void *rt_driver_data(rt *r);
void rt_set_driver_data(rt *r, void *d);
/* Frees a NULL-terminated string vector. */
void rt_strv_free(char **v);

/* netns.c: the probe vtable's open_socket for pods with a network
 * namespace of their own: socket(2) inside req->netns_path (setns in the
 * calling thread and back), or in the caller's namespace when it is "". */
int rt_netns_socket(void *ud, const podlife_probe_request *req, int domain, int type,
                    int protocol);

/* monitor.c: in a child after fork, before exec: every signal's default
 * action and an empty signal mask. */
void rt_reset_signals(void);

/* logs.c: file helpers for every backend. */
int64_t rt_unix_ms(void);                     /* CLOCK_REALTIME in ms */
/* snprintf for paths: -1 when it did not fit. */
int rt_pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int rt_mkdir_p(const char *path, mode_t mode); /* with parents; 0 when it exists */
/* Replaces `path` atomically (temporary file in the same directory, then
 * rename); -1 with errno. */
int rt_write_file(const char *path, const char *data, size_t len);
/* The whole file, NUL-terminated (malloc'ed), or NULL with errno. */
char *rt_read_file(const char *path, size_t *len);
/* Removes a file or a directory tree (no symlink followed); 0 when gone. */
int rt_rm_rf(const char *path);

#endif
