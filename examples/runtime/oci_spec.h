/*
 * examples/runtime/oci_spec.h - what the OCI backend (oci.c) writes into a
 * bundle: the config.json of a container or of a pod's pause container
 * (runtime-spec 1.0, written with jansson), and the Kubernetes rules that
 * turn a container spec and its image config into a process (command and
 * args against Entrypoint and Cmd, env merged, $(VAR) references).
 */
#ifndef PODLIFE_EXAMPLE_OCI_SPEC_H
#define PODLIFE_EXAMPLE_OCI_SPEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A bind mount of a volume (or a tmpfs when src is NULL). */
typedef struct oci_mount {
	const char *dst;
	const char *src; /* NULL: tmpfs */
	int readonly;
} oci_mount;

typedef struct oci_spec_in {
	const char *rootfs;          /* absolute */
	int rootfs_readonly;
	char *const *args;           /* NULL-terminated, non-empty */
	char *const *env;            /* "K=V", NULL-terminated */
	const char *cwd;             /* absolute */
	uint32_t uid, gid;
	const char *hostname;        /* NULL: not set (the host's UTS namespace) */
	/* Namespaces: join_pid > 0 joins that process's net/ipc/uts by
	 * /proc/PID/ns path (net and uts only when !host_network); 0 makes
	 * new ones (the pause container).  pid and mount are always new. */
	pid_t join_pid;
	int host_network;
	const char *cgroups_path;    /* absolute cgroup path */
	int64_t memory_limit;        /* bytes into linux.resources, 0: none */
	int64_t cpu_quota, cpu_period; /* 0: none */
	uint64_t cpu_shares;         /* 0: none */
	uint64_t nofile;             /* RLIMIT_NOFILE soft = hard; 0: none */
	int tmpfs_tmp;               /* writable tmpfs at /tmp and /run */
	const oci_mount *mounts;     /* volumes, after the standard mounts */
	size_t n_mounts;
} oci_spec_in;

/* Writes the config.json at `path` (atomically); -1 with err on failure. */
int oci_spec_write(const oci_spec_in *in, const char *path, char *err, size_t len);

/*
 * The process's argv by the Kubernetes rules (kuberuntime's
 * `containerArgs`): command replaces the Entrypoint and args replace the
 * Cmd; args alone run after the Entrypoint; command alone runs without the
 * Cmd.  Every vector is NULL-terminated and may be NULL (unset); command
 * and args are expanded with $(VAR) against env.  Owned result, NULL when
 * empty (nothing to run) or out of memory.
 */
char **oci_process_args(char *const *entrypoint, char *const *cmd, char *const *command,
                        char *const *args, char *const *env);

/*
 * Expands $(VAR) references in s against env ("K=V"): a known name is
 * replaced, an unknown one kept as written, $$ stands for $ (Kubernetes'
 * expansion.MappingFuncFor).  Owned result.  The process backend
 * (process.c) expands its env values and command lines with it too.
 */
char *oci_expand(const char *s, char *const *env);

/* Sets K=V in a NULL-terminated owned vector (replacing an earlier K):
 * 0, or -1 out of memory. */
int oci_env_set(char ***env, size_t *n, const char *kv);

#endif
