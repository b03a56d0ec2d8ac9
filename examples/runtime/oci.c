/*
 * examples/runtime/oci.c - the OCI backend of the mini-runtime
 * (rt_driver_oci): pods as a pause container holding the network, IPC and
 * UTS namespaces, containers as OCI bundles run by crun or runc under the
 * runtime's monitors, images from the store (store.h).
 *
 * Choices, and why:
 *  - A container's root filesystem is its image's unpacked rootfs, shared
 *    and read-only, with a writable tmpfs at /tmp and /run: no copy and no
 *    overlay mount to leak when the runtime dies.  Mount points of volumes
 *    missing from the image are made by the OCI runtime before it turns
 *    the root read-only (empty directories in the shared rootfs).
 *  - The pause process is catatonit -P from the host (/usr/bin/catatonit,
 *    static) copied into a minimal rootfs under the state directory, so a
 *    pod runs without any registry-hosted pause image; the store's
 *    pause:3.9 is used only when the host has no catatonit.
 *  - `crun run` / `runc run` in the foreground under the monitor: the
 *    runtime's exit code is the container's and its stdout and stderr are
 *    the monitor's pipes, so logs and exit codes need nothing else.
 *  - crun 1.8 refuses hybrid cgroup hosts whose cgroup2 mount has
 *    controllers.  When that is the case, init moves the runtime's thread
 *    into a private mount namespace with /sys/fs/cgroup/unified unmounted
 *    (once; every crun forked from it sees plain cgroup v1); if that fails
 *    every child does it before exec'ing crun.
 *  - cgroups: absolute paths under the runtime's own cgroup (its memory
 *    cgroup on v1), <own>/podlife/<sandbox>/<container>/c, because crun
 *    puts a relative path at the root of each hierarchy while runc nests
 *    it.  On cgroup v1 the memory limit goes on <container> rather than
 *    the leaf the runtime deletes when the container exits: the limit's
 *    failure counter survives, and an exit by SIGKILL that we did not send
 *    with that counter raised is reported as OOMKilled.  On cgroup v2 the
 *    limit is the leaf's and memory.events of <container> counts oom_kill
 *    hierarchically.  The parents are removed with the container and pod.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oci_spec.h"
#include "rt_int.h"

#define PAUSE_IMAGE "pause:3.9"
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define UNIFIED "/sys/fs/cgroup/unified"

typedef struct oci {
	char runtime[PATH_MAX];      /* absolute path of crun or runc */
	rt_kind kind;
	int crun_per_call;           /* each child hides the cgroup2 mount itself */
	int cg_v2;                   /* a pure cgroup v2 host */
	char cg_base[PATH_MAX];      /* the runtime's own cgroup, "" for the root */
	char pause_rootfs[PATH_MAX];
	char **pause_args;
	uint64_t nofile;             /* RLIMIT_NOFILE hard limit of the host */
	store *st;                   /* runtime.c's (rt_store) */
} oci;

/* ---- small helpers ------------------------------------------------------------ */

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	ssize_t w = write(fd, text, n);
	close(fd);
	return w == (ssize_t)n ? 0 : -1;
}

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* Removes a cgroup directory, with `recursive` the tree of directories
 * below it too (cgroup directories hold only directories and files
 * rmdir does not care about); depth first. */
static void cgroup_rmdir(const char *path, int recursive)
{
	DIR *d = recursive ? opendir(path) : NULL;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			char sub[PATH_MAX];
			if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) < (int)sizeof(sub))
				cgroup_rmdir(sub, 1);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Removes the cgroup `rel` (absolute cgroup path) and what is below it in
 * every hierarchy mounted under /sys/fs/cgroup. */
static void cgroup_remove(const char *rel, int recursive)
{
	if (!rel[0] || strcmp(rel, "/") == 0)
		return;
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "/sys/fs/cgroup%s", rel);
	cgroup_rmdir(p, recursive);
	DIR *d = opendir("/sys/fs/cgroup");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue; /* symlinks (cpu -> cpu,cpuacct) are the same hierarchies */
		if (snprintf(p, sizeof(p), "/sys/fs/cgroup/%s%s", e->d_name, rel) < (int)sizeof(p))
			cgroup_rmdir(p, recursive);
	}
	closedir(d);
}

/* The crun workaround in the current thread: a private mount namespace in
 * which the cgroup2 mount of a hybrid host is gone. */
static int hide_unified(void)
{
	if (unshare(CLONE_NEWNS) != 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) != 0)
		return -1;
	umount2(UNIFIED, MNT_DETACH);
	return 0;
}

static int setup_child(void *ud, char *err, size_t len)
{
	(void)ud;
	if (hide_unified() != 0) {
		snprintf(err, len, "crun: cannot unmount %s in a private mount namespace: %s",
		         UNIFIED, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Runs the OCI runtime with `args` (after the binary), stdin from
 * /dev/null, stdout and stderr into an anonymous file whose tail is copied
 * into out (a file, not a pipe: a detached container inherits the
 * runtime's descriptors and would hold a pipe open).  Returns the exit
 * status (0-255, 128+signal) or -1 when it could not run.
 */
static int run_rt(const oci *o, const char *const *args, char *out, size_t outlen)
{
	const char *argv[32];
	size_t n = 0;
	argv[n++] = o->runtime;
	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (out && outlen)
		out[0] = '\0';
	int mfd = memfd_create("oci-runtime-output", MFD_CLOEXEC);
	pid_t pid = fork();
	if (pid < 0) {
		if (mfd >= 0)
			close(mfd);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (mfd >= 0) {
			dup2(mfd, 1);
			dup2(mfd, 2);
		}
		if (o->crun_per_call && hide_unified() != 0)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			st = -1; /* reaped by someone else */
			break;
		}
	}
	if (mfd >= 0 && out && outlen > 1) {
		off_t size = lseek(mfd, 0, SEEK_END);
		off_t from = size > (off_t)(outlen - 1) ? size - (off_t)(outlen - 1) : 0;
		ssize_t got = pread(mfd, out, outlen - 1, from);
		out[got > 0 ? got : 0] = '\0';
		for (size_t k = strlen(out); k > 0 && (out[k - 1] == '\n' || out[k - 1] == ' ');)
			out[--k] = '\0';
	}
	if (mfd >= 0)
		close(mfd);
	if (st == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static oci *drv(rt *r)
{
	return rt_driver_data(r);
}

static void pause_id(const rt_sandbox *sb, char *buf, size_t len)
{
	snprintf(buf, len, "%s-pause", sb->id);
}

static void pod_cgroup(const oci *o, const char *sandbox_id, char *buf, size_t len)
{
	snprintf(buf, len, "%.3000s/podlife/%.64s", o->cg_base, sandbox_id);
}

/* ---- init ------------------------------------------------------------------- */

static int find_in_path(const char *name, char *out, size_t len)
{
	if (strchr(name, '/')) {
		if (access(name, X_OK) != 0)
			return -1;
		if (name[0] == '/') {
			snprintf(out, len, "%s", name);
		} else if (!realpath(name, out)) {
			return -1;
		}
		return 0;
	}
	const char *path = getenv("PATH");
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s:/usr/local/sbin:/usr/sbin:/sbin",
	         path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char p[PATH_MAX];
		if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
			continue;
		if (dir[0] == '/' && access(p, X_OK) == 0) {
			snprintf(out, len, "%s", p);
			return 0;
		}
	}
	return -1;
}

/* The runtime's own cgroup: the memory controller's path on v1, the
 * unified path on a pure v2 host. */
static void own_cgroup(oci *o)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[1024], v2[PATH_MAX] = "";
	o->cg_base[0] = '\0';
	int have_v1_memory = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		if (!ctrls[0]) {
			snprintf(v2, sizeof(v2), "%s", path);
			continue;
		}
		for (char *save = NULL, *t = strtok_r(c1 + 1, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			if (strcmp(t, "memory") == 0) {
				snprintf(o->cg_base, sizeof(o->cg_base), "%s", path);
				have_v1_memory = 1;
			}
		}
	}
	if (f)
		fclose(f);
	struct stat st;
	o->cg_v2 = !have_v1_memory && stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0;
	if (o->cg_v2)
		snprintf(o->cg_base, sizeof(o->cg_base), "%s", v2);
	if (strcmp(o->cg_base, "/") == 0)
		o->cg_base[0] = '\0';
}

/* A rootfs with only catatonit (static) in it, for the pause container. */
static int host_pause_rootfs(oci *o, const char *state, char *err, size_t len)
{
	char cat[PATH_MAX];
	if (find_in_path("catatonit", cat, sizeof(cat)) != 0)
		return 0;
	char root[PATH_MAX], dst[PATH_MAX + 16], tmp[PATH_MAX + 32];
	snprintf(root, sizeof(root), "%s/pause/rootfs", state);
	static const char *const dirs[] = {"proc", "dev", "sys", "etc", "tmp", NULL};
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(dst, sizeof(dst), "%s/%s", root, dirs[i]);
		if (rt_mkdir_p(dst, 0755) != 0) {
			snprintf(err, len, "cannot create %s: %s", dst, strerror(errno));
			return -1;
		}
	}
	snprintf(dst, sizeof(dst), "%s/catatonit", root);
	struct stat a, b;
	if (stat(cat, &a) != 0)
		return 0;
	if (stat(dst, &b) != 0 || a.st_size != b.st_size || a.st_mtime > b.st_mtime) {
		snprintf(tmp, sizeof(tmp), "%s.%ld", dst, (long)getpid());
		int in = open(cat, O_RDONLY | O_CLOEXEC);
		int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		char buf[65536];
		ssize_t r = -1;
		while (in >= 0 && out >= 0 && (r = read(in, buf, sizeof(buf))) > 0) {
			if (write(out, buf, (size_t)r) != r) {
				r = -1;
				break;
			}
		}
		if (in >= 0)
			close(in);
		if (out >= 0 && close(out) != 0)
			r = -1;
		if (r != 0 || rename(tmp, dst) != 0) {
			unlink(tmp);
			snprintf(err, len, "cannot copy %s into %s", cat, root);
			return -1;
		}
	}
	snprintf(o->pause_rootfs, sizeof(o->pause_rootfs), "%s", root);
	char **args = calloc(3, sizeof(*args));
	if (!args || !(args[0] = strdup("/catatonit")) || !(args[1] = strdup("-P"))) {
		rt_strv_free(args);
		return -1;
	}
	o->pause_args = args;
	return 1;
}

static int needs_crun_workaround(void)
{
	char buf[256];
	return read_text(UNIFIED "/cgroup.controllers", buf, sizeof(buf)) == 0 && buf[0];
}

static void oci_fini(rt *r)
{
	oci *o = drv(r);
	if (!o)
		return;
	rt_strv_free(o->pause_args);
	free(o);
	rt_set_driver_data(r, NULL);
}

static int oci_init(rt *r, char *err, size_t len)
{
	const rt_options *opt = rt_opts(r);
	const char *state = rt_state_dir(r);
	if (geteuid() != 0) {
		snprintf(err, len, "the OCI backend needs root");
		return -1;
	}
	oci *o = calloc(1, sizeof(*o));
	if (!o) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	rt_set_driver_data(r, o);
	o->kind = opt->kind;
	const char *name = o->kind == RT_CRUN ? "crun" : "runc";
	const char *want = opt->runtime_path && *opt->runtime_path ? opt->runtime_path : name;
	if (find_in_path(want, o->runtime, sizeof(o->runtime)) != 0) {
		snprintf(err, len, "%s: executable file not found%s", want,
		         strchr(want, '/') ? "" : " in $PATH");
		goto fail;
	}
	if (access(o->runtime, X_OK) != 0) { /* a failing runtime shows in its calls' errors */
		snprintf(err, len, "%s: %s", o->runtime, strerror(errno));
		goto fail;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		/* no CAP_SYS_RESOURCE on some hosts: never ask above the hard limit */
		o->nofile = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 1048576 ? 1048576
		                                                                 : rl.rlim_max;
	}
	own_cgroup(o);
	if (o->kind == RT_CRUN && needs_crun_workaround()) {
		/* once for this thread and every child it forks; else per child */
		if (hide_unified() != 0)
			o->crun_per_call = 1;
	}

	/* the store runtime.c opened under <state>/images (its pull thread
	 * uses it too) */
	o->st = rt_store(r);
	if (!o->st) {
		snprintf(err, len, "the image store is not open");
		goto fail;
	}
	if (host_pause_rootfs(o, state, err, len) < 0)
		goto fail;
	return 0;
fail:
	oci_fini(r);
	return -1;
}

/* ---- sandboxes ---------------------------------------------------------------- */

static int pause_source(oci *o, char *err, size_t len, const char **rootfs, char ***args,
                        store_image *im)
{
	if (o->pause_rootfs[0]) {
		*rootfs = o->pause_rootfs;
		*args = o->pause_args;
		return 0;
	}
	int rc = store_lookup(o->st, PAUSE_IMAGE, im, err, len);
	if (rc <= 0) {
		if (rc == 0)
			snprintf(err, len,
			         "no pause process: install catatonit or pull " PAUSE_IMAGE);
		return -1;
	}
	*rootfs = im->rootfs;
	*args = oci_process_args(im->entrypoint, im->cmd, NULL, NULL, NULL);
	if (!*args) {
		snprintf(err, len, PAUSE_IMAGE " has no Entrypoint or Cmd");
		return -1;
	}
	return 0;
}

static int oci_sandbox_run(rt *r, const podlife_sandbox_config *cfg, rt_sandbox *sb, char *err,
                           size_t len)
{
	oci *o = drv(r);
	char dir[PATH_MAX + 16], path[PATH_MAX + 32], cg[PATH_MAX], leaf[PATH_MAX + 8], id[96];
	snprintf(dir, sizeof(dir), "%s/pause", sb->dir);
	if (rt_mkdir_p(dir, 0755) != 0) {
		snprintf(err, len, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	pod_cgroup(o, sb->id, cg, sizeof(cg));
	snprintf(path, sizeof(path), "%s/cgroup", dir);
	write_text(path, cg);
	snprintf(leaf, sizeof(leaf), "%s/pause", cg);

	store_image im = {0};
	const char *rootfs = NULL;
	char **args = NULL;
	if (pause_source(o, err, len, &rootfs, &args, &im) != 0) {
		store_image_clear(&im);
		return -1;
	}
	char *env[] = {(char *)(uintptr_t)DEFAULT_PATH, NULL};
	oci_spec_in in = {0};
	in.rootfs = rootfs;
	in.rootfs_readonly = 1;
	in.args = args;
	in.env = env;
	in.cwd = "/";
	in.hostname = cfg->host_network ? NULL : cfg->pod_name;
	in.host_network = cfg->host_network;
	in.cgroups_path = leaf;
	in.nofile = o->nofile;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	int rc = oci_spec_write(&in, path, err, len);
	if (args != o->pause_args)
		rt_strv_free(args);
	store_image_clear(&im);
	if (rc != 0)
		return -1;

	pause_id(sb, id, sizeof(id));
	char pidfile[PATH_MAX + 16], out[400];
	snprintf(pidfile, sizeof(pidfile), "%.4000s/pid", dir); /* absolute: sb->dir is */
	unlink(pidfile);
	rc = run_rt(o, (const char *const[]){"run", "-d", "--pid-file", pidfile, "--bundle", dir, id,
	                                     NULL},
	            out, sizeof(out));
	char pidtxt[32];
	long pid = 0;
	if (rc == 0 && read_text(pidfile, pidtxt, sizeof(pidtxt)) == 0)
		pid = strtol(pidtxt, NULL, 10);
	if (rc != 0 || pid <= 0) {
		snprintf(err, len, "%s run of the pause container failed (rc %d): %s", o->runtime,
		         rc, out);
		run_rt(o, (const char *const[]){"delete", "-f", id, NULL}, NULL, 0);
		cgroup_remove(cg, 1);
		return -1;
	}
	sb->holder = (pid_t)pid;
	sb->host_network = cfg->host_network;
	sb->running = true;
	if (cfg->host_network) {
		sb->netns_path[0] = '\0';
	} else {
		snprintf(sb->netns_path, sizeof(sb->netns_path), "/proc/%ld/ns/net", pid);
	}
	/*
	 * The pod has a network namespace of its own with only loopback: from
	 * inside it the pod is 127.0.0.1, which is what status.podIP and the
	 * probes need (the engine's probe sockets are made inside the
	 * namespace by rt_netns_socket, so 127.0.0.1 there is the pod's own
	 * loopback).  A hostNetwork pod reaches the host's loopback the same.
	 */
	snprintf(sb->pod_ip, sizeof(sb->pod_ip), "127.0.0.1");
	return 0;
}

static int oci_sandbox_stop(rt *r, rt_sandbox *sb)
{
	oci *o = drv(r);
	char id[96];
	pause_id(sb, id, sizeof(id));
	run_rt(o, (const char *const[]){"kill", id, "KILL", NULL}, NULL, 0);
	if (sb->holder > 0) {
		/* the pause was re-parented to us (a subreaper): reap it if
		 * nobody else did, for up to a second */
		for (int i = 0; i < 100 && kill(sb->holder, 0) == 0; i++) {
			if (waitpid(sb->holder, NULL, WNOHANG) != 0)
				break;
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		}
	}
	run_rt(o, (const char *const[]){"delete", "-f", id, NULL}, NULL, 0);
	sb->running = false;
	sb->holder = 0;
	return 0;
}

static void oci_sandbox_remove(rt *r, rt_sandbox *sb)
{
	oci *o = drv(r);
	char id[96], path[PATH_MAX + 32], cg[PATH_MAX];
	pause_id(sb, id, sizeof(id));
	run_rt(o, (const char *const[]){"delete", "-f", id, NULL}, NULL, 0);
	snprintf(path, sizeof(path), "%s/pause/cgroup", sb->dir);
	if (read_text(path, cg, sizeof(cg)) != 0)
		pod_cgroup(o, sb->id, cg, sizeof(cg));
	cgroup_remove(cg, 1);
	char *slash = strrchr(cg, '/');
	if (slash) {
		*slash = '\0';
		cgroup_remove(cg, 0); /* <own>/podlife, when no other pod uses it */
	}
	snprintf(path, sizeof(path), "%s/pause", sb->dir);
	rt_rm_rf(path);
	snprintf(path, sizeof(path), "%s/volumes", sb->dir);
	rt_rm_rf(path); /* the pod's emptyDirs */
}

/* ---- images ------------------------------------------------------------------- */

static int oci_image_status(rt *r, const char *image, podlife_result *res)
{
	oci *o = drv(r);
	store_image im = {0};
	int rc = store_lookup(o->st, image, &im, res->message, sizeof(res->message));
	if (rc < 0)
		return PODLIFE_EBACKEND;
	res->present = rc;
	if (rc) {
		snprintf(res->id, sizeof(res->id), "%s", im.digest);
		res->size = im.size;
	}
	store_image_clear(&im);
	return PODLIFE_OK;
}

static int oci_image_pull(rt *r, const char *image, const podlife_auth *auth, size_t n_auth,
                          int always, podlife_result *res)
{
	oci *o = drv(r);
	store_image im = {0};
	int downloaded = 0;
	if (store_pull(o->st, image, auth, n_auth, always, &im, &downloaded, res->message,
	               sizeof(res->message)) != 0) {
		store_image_clear(&im);
		return PODLIFE_EBACKEND;
	}
	snprintf(res->id, sizeof(res->id), "%s", im.digest);
	res->size = im.size;
	store_image_clear(&im);
	return PODLIFE_OK;
}

/* ---- containers ------------------------------------------------------------------- */

typedef struct spec_reader {
	const podlife_pod *pod;
	char base[96]; /* "spec.containers[3]" */
} spec_reader;

static const char *get_str(const podlife_pod *pod, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *get_str(const podlife_pod *pod, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	const char *s = NULL;
	return podlife_pod_get_string(pod, path, &s) == PODLIFE_OK ? s : NULL;
}

static size_t get_count(const podlife_pod *pod, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static size_t get_count(const podlife_pod *pod, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	size_t n = 0;
	return podlife_pod_get_count(pod, path, &n) == PODLIFE_OK ? n : 0;
}

static int get_int(const podlife_pod *pod, int64_t *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int get_int(const podlife_pod *pod, int64_t *out, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return podlife_pod_get_int(pod, path, out) == PODLIFE_OK ? 0 : -1;
}

/* A string list of the spec, borrowed strings in an owned array; NULL when unset. */
static char **get_strv(const podlife_pod *pod, const char *base, const char *field)
{
	size_t n = get_count(pod, "%s.%s", base, field);
	if (!n)
		return NULL;
	char **v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++) {
		const char *s = get_str(pod, "%s.%s[%zu]", base, field, i);
		v[i] = (char *)(uintptr_t)(s ? s : "");
	}
	return v;
}

static int quantity(const char *text, int64_t *milli)
{
	return text && podlife_quantity_parse_milli(text, milli, NULL) == PODLIFE_OK ? 0 : -1;
}

/* The value of a fieldRef env var, NULL when not supported. */
static const char *field_ref(const podlife_container_config *cfg, const rt_sandbox *sb,
                             const char *path, char *buf, size_t len)
{
	if (strcmp(path, "metadata.name") == 0)
		return cfg->pod_name;
	if (strcmp(path, "metadata.namespace") == 0)
		return cfg->pod_namespace;
	if (strcmp(path, "metadata.uid") == 0)
		return cfg->pod_uid;
	if (strcmp(path, "status.podIP") == 0 || strcmp(path, "status.podIPs") == 0)
		return sb ? sb->pod_ip : "";
	if (strcmp(path, "status.hostIP") == 0 || strcmp(path, "status.hostIPs") == 0)
		return "127.0.0.1";
	if (strcmp(path, "spec.nodeName") == 0) {
		if (gethostname(buf, len) != 0)
			buf[0] = '\0';
		buf[len - 1] = '\0';
		return buf;
	}
	if (strcmp(path, "spec.serviceAccountName") == 0) {
		const char *s = get_str(cfg->pod, "spec.serviceAccountName");
		return s ? s : "default";
	}
	if (strncmp(path, "metadata.labels[", 16) == 0 ||
	    strncmp(path, "metadata.annotations[", 21) == 0) {
		/* metadata.labels['k'] -> metadata.labels[k] */
		char p[512];
		size_t j = 0;
		for (const char *s = path; *s && j + 1 < sizeof(p); s++) {
			if (*s != '\'' && *s != '"')
				p[j++] = *s;
		}
		p[j] = '\0';
		const char *s = get_str(cfg->pod, "%s", p);
		return s ? s : "";
	}
	return NULL;
}

static uint32_t parse_uid(const char *s, uint32_t *gid)
{
	if (!s || !*s)
		return 0;
	char *end;
	unsigned long u = strtoul(s, &end, 10);
	if (*end == ':')
		*gid = (uint32_t)strtoul(end + 1, NULL, 10);
	return (*end == '\0' || *end == ':') ? (uint32_t)u : 0;
}

typedef struct ctr_paths {
	char bundle[PATH_MAX + 16];
	char parent[PATH_MAX];  /* <pod cgroup>/<id> */
} ctr_paths;

static void paths_of(const oci *o, const rt_ctr *c, ctr_paths *p)
{
	snprintf(p->bundle, sizeof(p->bundle), "%s/bundle", c->dir);
	char f[PATH_MAX + 32];
	snprintf(f, sizeof(f), "%s/cgroup", p->bundle);
	if (read_text(f, p->parent, sizeof(p->parent)) != 0) {
		char pod[PATH_MAX];
		pod_cgroup(o, c->sandbox_id, pod, sizeof(pod));
		snprintf(p->parent, sizeof(p->parent), "%.2000s/%s", pod, c->id);
	}
}

static int volume_mounts(const podlife_container_config *cfg, const char *base,
                         const rt_sandbox *sb, oci_mount **out, size_t *n_out, char ***strs,
                         char *err, size_t len)
{
	const podlife_pod *pod = cfg->pod;
	size_t n = get_count(pod, "%s.volumeMounts", base);
	size_t nv = get_count(pod, "spec.volumes");
	*out = calloc(n + 1, sizeof(**out));
	*strs = calloc(n + 1, sizeof(**strs));
	*n_out = 0;
	if (!*out || !*strs)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *name = get_str(pod, "%s.volumeMounts[%zu].name", base, i);
		const char *dst = get_str(pod, "%s.volumeMounts[%zu].mountPath", base, i);
		const char *sub = get_str(pod, "%s.volumeMounts[%zu].subPath", base, i);
		int ro = 0;
		char path[512];
		snprintf(path, sizeof(path), "%s.volumeMounts[%zu].readOnly", base, i);
		podlife_pod_get_bool(pod, path, &ro);
		if (!name || !dst)
			continue;
		size_t j = 0;
		for (; j < nv; j++) {
			const char *vn = get_str(pod, "spec.volumes[%zu].name", j);
			if (vn && strcmp(vn, name) == 0)
				break;
		}
		if (j == nv) {
			snprintf(err, len, "volume \"%s\" not found", name);
			return -1;
		}
		char src[PATH_MAX];
		podlife_value_type t = PODLIFE_VALUE_NULL;
		snprintf(path, sizeof(path), "spec.volumes[%zu].emptyDir", j);
		podlife_pod_get_type(pod, path, &t);
		const char *hp = get_str(pod, "spec.volumes[%zu].hostPath.path", j);
		if (t != PODLIFE_VALUE_NULL) {
			char vdir[PATH_MAX];
			snprintf(vdir, sizeof(vdir), "%.3000s/volumes/%s", sb ? sb->dir : "/nonexistent",
			         name);
			if (rt_mkdir_p(vdir, 0777) != 0) {
				snprintf(err, len, "cannot create the emptyDir %s: %s", vdir,
				         strerror(errno));
				return -1;
			}
			chmod(vdir, 0777); /* emptyDir is world-writable, as the kubelet makes it */
			snprintf(src, sizeof(src), "%s", vdir);
		} else if (hp) {
			const char *type = get_str(pod, "spec.volumes[%zu].hostPath.type", j);
			if (type && strcmp(type, "DirectoryOrCreate") == 0)
				rt_mkdir_p(hp, 0755);
			snprintf(src, sizeof(src), "%s", hp);
		} else {
			snprintf(err, len,
			         "volume \"%s\": only emptyDir and hostPath volumes are supported by "
			         "the mini-runtime",
			         name);
			return -1;
		}
		if (sub && *sub) {
			if (strstr(sub, "..") || sub[0] == '/') {
				snprintf(err, len, "volume \"%s\": invalid subPath \"%s\"", name, sub);
				return -1;
			}
			size_t l = strlen(src);
			snprintf(src + l, sizeof(src) - l, "/%s", sub);
			if (t != PODLIFE_VALUE_NULL)
				rt_mkdir_p(src, 0777);
		}
		char *s = strdup(src);
		if (!s)
			return -1;
		(*strs)[*n_out] = s;
		(*out)[*n_out].dst = dst;
		(*out)[*n_out].src = s;
		(*out)[*n_out].readonly = ro;
		(*n_out)++;
	}
	return 0;
}

static int oci_create(rt *r, const podlife_container_config *cfg, rt_sandbox *sb, rt_ctr *c,
                      char *err, size_t len)
{
	oci *o = drv(r);
	const podlife_pod *pod = cfg->pod;
	char base[96];
	snprintf(base, sizeof(base), "spec.%s[%zu]",
	         cfg->kind == PODLIFE_CONTAINER_REGULAR ? "containers" : "initContainers",
	         cfg->index);
	if (!sb || !sb->running || sb->holder <= 0) {
		snprintf(err, len, "the pod sandbox is not running");
		return -1;
	}

	store_image im = {0};
	int found = store_lookup(o->st, cfg->image, &im, err, len);
	if (found <= 0) {
		if (found == 0)
			snprintf(err, len, "image \"%s\" is not present", cfg->image);
		store_image_clear(&im);
		return -1;
	}

	int rc = -1;
	char **env = NULL, **spec_env = NULL, **command = NULL, **args = NULL, **argv = NULL;
	char **vol_strs = NULL;
	oci_mount *mounts = NULL;
	size_t n_env = 0, n_spec = 0, n_mounts = 0;
	ctr_paths p;
	char buf[300];

	/* env: HOSTNAME, the image's, then the spec's (expanded against the
	 * spec's earlier entries, as the kubelet does) */
	snprintf(buf, sizeof(buf), "HOSTNAME=%s", sb->host_network ? "" : cfg->pod_name);
	if (!sb->host_network && oci_env_set(&env, &n_env, buf) != 0)
		goto oom;
	for (size_t i = 0; im.env && im.env[i]; i++) {
		if (oci_env_set(&env, &n_env, im.env[i]) != 0)
			goto oom;
	}
	size_t ne = get_count(pod, "%s.env", base);
	for (size_t i = 0; i < ne; i++) {
		const char *name = get_str(pod, "%s.env[%zu].name", base, i);
		const char *val = get_str(pod, "%s.env[%zu].value", base, i);
		const char *fp = get_str(pod, "%s.env[%zu].valueFrom.fieldRef.fieldPath", base, i);
		char tmp[256];
		char *v = NULL;
		if (!name)
			continue;
		if (fp) {
			const char *fv = field_ref(cfg, sb, fp, tmp, sizeof(tmp));
			if (!fv) {
				snprintf(err, len, "env %s: fieldRef %s is not supported", name, fp);
				goto done;
			}
			v = strdup(fv);
		} else if (!val && get_count(pod, "%s.env[%zu].valueFrom", base, i)) {
			snprintf(err, len,
			         "env %s: only literal values and fieldRef are supported by the "
			         "mini-runtime",
			         name);
			goto done;
		} else {
			v = oci_expand(val ? val : "", spec_env);
		}
		if (!v)
			goto oom;
		size_t kl = strlen(name) + strlen(v) + 2;
		char *kv = malloc(kl);
		if (!kv) {
			free(v);
			goto oom;
		}
		snprintf(kv, kl, "%s=%s", name, v);
		free(v);
		int e1 = oci_env_set(&spec_env, &n_spec, kv), e2 = oci_env_set(&env, &n_env, kv);
		free(kv);
		if (e1 || e2)
			goto oom;
	}
	int has_path = 0;
	for (size_t i = 0; i < n_env; i++)
		has_path |= strncmp(env[i], "PATH=", 5) == 0;
	if (!has_path && oci_env_set(&env, &n_env, DEFAULT_PATH) != 0)
		goto oom;
	if (!env && oci_env_set(&env, &n_env, DEFAULT_PATH) != 0)
		goto oom;

	command = get_strv(pod, base, "command");
	args = get_strv(pod, base, "args");
	argv = oci_process_args(im.entrypoint, im.cmd, command, args, spec_env);
	if (!argv) {
		snprintf(err, len, "no command specified");
		goto done;
	}

	const char *cwd = get_str(pod, "%s.workingDir", base);
	if (!cwd || !*cwd)
		cwd = im.working_dir && *im.working_dir ? im.working_dir : "/";

	uint32_t gid = 0, uid = parse_uid(im.user, &gid);
	int64_t v;
	if (get_int(pod, &v, "%s.securityContext.runAsUser", base) == 0 ||
	    get_int(pod, &v, "spec.securityContext.runAsUser") == 0)
		uid = (uint32_t)v;
	if (get_int(pod, &v, "%s.securityContext.runAsGroup", base) == 0 ||
	    get_int(pod, &v, "spec.securityContext.runAsGroup") == 0)
		gid = (uint32_t)v;

	if (volume_mounts(cfg, base, sb, &mounts, &n_mounts, &vol_strs, err, len) != 0)
		goto done;

	paths_of(o, c, &p);
	char pod_cg[PATH_MAX];
	pod_cgroup(o, sb->id, pod_cg, sizeof(pod_cg));
	snprintf(p.parent, sizeof(p.parent), "%.2000s/%s", pod_cg, c->id);
	if (rt_mkdir_p(p.bundle, 0755) != 0) {
		snprintf(err, len, "cannot create %s: %s", p.bundle, strerror(errno));
		goto done;
	}
	char f[PATH_MAX + 48], leaf[PATH_MAX + 8];
	snprintf(f, sizeof(f), "%s/cgroup", p.bundle);
	write_text(f, p.parent);
	snprintf(leaf, sizeof(leaf), "%s/c", p.parent);

	oci_spec_in in = {0};
	in.rootfs = im.rootfs;
	in.rootfs_readonly = 1;
	in.args = argv;
	in.env = env;
	in.cwd = cwd;
	in.uid = uid;
	in.gid = gid;
	in.hostname = sb->host_network ? NULL : cfg->pod_name;
	in.join_pid = sb->holder;
	in.host_network = sb->host_network;
	in.cgroups_path = leaf;
	in.nofile = o->nofile;
	in.tmpfs_tmp = 1;
	in.mounts = mounts;
	in.n_mounts = n_mounts;
	int64_t milli;
	int64_t mem = 0;
	if (quantity(get_str(pod, "%s.resources.limits[memory]", base), &milli) == 0)
		mem = milli / 1000;
	if (quantity(get_str(pod, "%s.resources.limits[cpu]", base), &milli) == 0 && milli > 0) {
		in.cpu_period = 100000;
		in.cpu_quota = milli * 100; /* milli * period / 1000 */
		if (in.cpu_quota < 1000)
			in.cpu_quota = 1000;
	}
	if (quantity(get_str(pod, "%s.resources.requests[cpu]", base), &milli) == 0 && milli > 0)
		in.cpu_shares = (uint64_t)(milli * 1024 / 1000) < 2 ? 2 : (uint64_t)(milli * 1024 / 1000);
	if (mem > 0) {
		if (o->cg_v2) {
			in.memory_limit = mem;
		} else {
			/* v1: on the parent, whose failure counter outlives the leaf */
			snprintf(f, sizeof(f), "/sys/fs/cgroup/memory%s", p.parent);
			char num[32];
			snprintf(num, sizeof(num), "%" PRId64, mem);
			if (rt_mkdir_p(f, 0755) != 0) {
				snprintf(err, len, "cannot create the memory cgroup %s: %s", f,
				         strerror(errno));
				goto done;
			}
			size_t fl = strlen(f);
			snprintf(f + fl, sizeof(f) - fl, "/memory.limit_in_bytes");
			if (write_text(f, num) != 0) {
				snprintf(err, len, "cannot set the memory limit %s: %s", num,
				         strerror(errno));
				goto done;
			}
		}
	}
	snprintf(f, sizeof(f), "%s/config.json", p.bundle);
	if (oci_spec_write(&in, f, err, len) != 0)
		goto done;

	/* what start runs under the monitor */
	char **cmd = calloc(8, sizeof(*cmd));
	char **cenv = calloc(2, sizeof(*cenv));
	char pidfile[PATH_MAX + 32];
	snprintf(pidfile, sizeof(pidfile), "%s/init.pid", p.bundle);
	if (!cmd || !cenv || !(cmd[0] = strdup(o->runtime)) || !(cmd[1] = strdup("run")) ||
	    !(cmd[2] = strdup("--pid-file")) || !(cmd[3] = strdup(pidfile)) ||
	    !(cmd[4] = strdup("--bundle")) || !(cmd[5] = strdup(p.bundle)) ||
	    !(cmd[6] = strdup(c->id)) || !(cenv[0] = strdup(DEFAULT_PATH))) {
		rt_strv_free(cmd);
		rt_strv_free(cenv);
		goto oom;
	}
	rt_strv_free(c->argv);
	rt_strv_free(c->envp);
	free(c->cwd);
	c->argv = cmd;
	c->envp = cenv;
	c->cwd = NULL;
	rc = 0;
	goto done;
oom:
	snprintf(err, len, "out of memory");
done:
	if (rc != 0 && mounts) {
		paths_of(o, c, &p);
		cgroup_remove(p.parent, 1);
	}
	rt_strv_free(env);
	rt_strv_free(spec_env);
	rt_strv_free(argv);
	rt_strv_free(vol_strs);
	free(command); /* borrowed strings */
	free(args);
	free(mounts);
	store_image_clear(&im);
	return rc;
}

static int oci_start(rt *r, rt_sandbox *sb, rt_ctr *c, char *err, size_t len)
{
	oci *o = drv(r);
	(void)sb;
	if (!c->argv) {
		snprintf(err, len, "container %s was not created", c->id);
		return -1;
	}
	rt_spawn s = {0};
	s.dir = c->dir;
	s.log_path = c->log_path;
	s.argv = c->argv;
	s.envp = c->envp;
	s.cwd = NULL;
	if (o->crun_per_call)
		s.setup = setup_child;
	ctr_paths p;
	paths_of(o, c, &p);
	char pidfile[PATH_MAX + 32];
	snprintf(pidfile, sizeof(pidfile), "%s/init.pid", p.bundle);
	unlink(pidfile);
	if (rt_monitor_start(&s, &c->monitor, err, len) != 0)
		return -1;
	/* `run` in the foreground returns nothing when the container exists:
	 * wait for its pid file, then for that process to be the container's
	 * command and no longer the runtime's init (runc's is a memfd copy of
	 * runc, crun's crun itself), so that what follows the start
	 * (a postStart exec, a stop) finds the container.  Polled without
	 * running anything; bounded; an early exit ends the wait too. */
	for (int i = 0; i < 20000; i++) {
		if ((i & 63) == 0) {
			podlife_exit ex;
			if (rt_read_exit(c->dir, &ex) == 1)
				return 0; /* ended already: its exit is reported as usual */
		}
		char buf[64];
		if (read_text(pidfile, buf, sizeof(buf)) == 0 && atoi(buf) > 0) {
			char exe[PATH_MAX], lnk[64];
			snprintf(lnk, sizeof(lnk), "/proc/%d/exe", atoi(buf));
			ssize_t n = readlink(lnk, exe, sizeof(exe) - 1);
			if (n < 0)
				return 0; /* gone already */
			exe[n] = '\0';
			if (!strstr(exe, "runc") && !strstr(exe, "crun") && strcmp(exe, o->runtime) != 0)
				return 0;
		}
		usleep(i < 2000 ? 250 : 1000);
	}
	return 0; /* slow to appear: report it started; a later call may fail */
}

static int oci_kill(rt *r, rt_ctr *c, int sig)
{
	oci *o = drv(r);
	char num[16];
	snprintf(num, sizeof(num), "%d", sig);
	if (sig == SIGKILL) {
		ctr_paths p;
		paths_of(o, c, &p);
		char f[PATH_MAX + 32];
		snprintf(f, sizeof(f), "%s/killed", p.bundle);
		write_text(f, "1"); /* not an OOM kill */
	}
	/* fails once the container is gone, which is what stopping wants */
	run_rt(o, (const char *const[]){"kill", c->id, num, NULL}, NULL, 0);
	return 0;
}

static long long counter(const char *file, const char *key)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	char line[256];
	long long v = -1;
	size_t kl = key ? strlen(key) : 0;
	while (fgets(line, sizeof(line), f)) {
		if (!key) {
			v = atoll(line);
			break;
		}
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			v = atoll(line + kl + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

static void oci_exited(rt *r, rt_ctr *c, podlife_exit *ex)
{
	oci *o = drv(r);
	if (ex->oom)
		return;
	ctr_paths p;
	paths_of(o, c, &p);
	char f[PATH_MAX + 64];
	if (o->cg_v2) {
		snprintf(f, sizeof(f), "/sys/fs/cgroup%s/memory.events", p.parent);
		if (counter(f, "oom_kill") > 0)
			ex->oom = 1;
		return;
	}
	int by_kill = ex->signal == SIGKILL || ex->exit_code == 128 + SIGKILL;
	snprintf(f, sizeof(f), "%s/killed", p.bundle);
	if (!by_kill || access(f, F_OK) == 0)
		return;
	snprintf(f, sizeof(f), "/sys/fs/cgroup/memory%s/memory.failcnt", p.parent);
	if (counter(f, NULL) > 0)
		ex->oom = 1;
}

static void oci_remove(rt *r, rt_ctr *c)
{
	oci *o = drv(r);
	ctr_paths p;
	paths_of(o, c, &p);
	run_rt(o, (const char *const[]){"delete", "-f", c->id, NULL}, NULL, 0);
	cgroup_remove(p.parent, 1);
	rt_rm_rf(p.bundle);
}

static int oci_exec_argv(rt *r, rt_ctr *c, const char *const *argv, size_t argc, char ***out)
{
	oci *o = drv(r);
	const char *pre[12];
	size_t np = 0;
	if (o->crun_per_call) {
		pre[np++] = "unshare";
		pre[np++] = "-m";
		pre[np++] = "--propagation";
		pre[np++] = "private";
		pre[np++] = "/bin/sh";
		pre[np++] = "-c";
		pre[np++] = "umount " UNIFIED " 2>/dev/null; exec \"$0\" \"$@\"";
	}
	pre[np++] = o->runtime;
	pre[np++] = "exec";
	pre[np++] = c->id;
	char **v = calloc(np + argc + 1, sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < np + argc; i++) {
		v[i] = strdup(i < np ? pre[i] : argv[i - np]);
		if (!v[i]) {
			rt_strv_free(v);
			return -1;
		}
	}
	*out = v;
	return 0;
}

const rt_driver rt_driver_oci = {
	.name = "oci",
	.caps = 0,
	.init = oci_init,
	.fini = oci_fini,
	.sandbox_run = oci_sandbox_run,
	.sandbox_stop = oci_sandbox_stop,
	.sandbox_remove = oci_sandbox_remove,
	.image_status = oci_image_status,
	.image_pull = oci_image_pull,
	.create = oci_create,
	.start = oci_start,
	.kill = oci_kill,
	.remove = oci_remove,
	.exec_argv = oci_exec_argv,
	.exited = oci_exited,
};
