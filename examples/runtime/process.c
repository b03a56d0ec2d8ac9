/*
 * examples/runtime/process.c - rt_driver_process: every container is a
 * process on the host, started by a monitor (monitor.c) with the spec's
 * command and args (images are not used: a container needs a command, or
 * at least args), env (literal values, $(VAR) references, fieldRef of
 * metadata.name/namespace/uid/labels/annotations, spec.nodeName,
 * spec.serviceAccountName, status.podIP and status.hostIP) and
 * workingDir.  The sandbox is a directory and the pod has no IP of its
 * own (probes go to 127.0.0.1).
 *
 * Volumes: emptyDir is the directory <sandbox>/volumes/<name>, shared by
 * the pod's containers; hostPath is the host path (DirectoryOrCreate
 * creates it only where mount points may be made, below); other kinds
 * get an empty directory of their own there.  Every container finds each
 * of its volumes in the environment as PODLIFE_VOLUME_<NAME> (upper case,
 * '-' and '.' as '_').  As root, each container also gets its own mount
 * namespace (/ made private) with its volumes bind-mounted at their
 * mountPath, when that directory exists on the host or can be made
 * below /tmp, /run, /var/tmp or the state directory; directories are
 * never made elsewhere on the host, so such a volume is only in the
 * environment (said once per pod and volume).  Without root there are no
 * namespaces: volumes are only in the environment.
 *
 * Stop signals go to the container's process group; the grace period and
 * SIGKILL are runtime.c's.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci_spec.h"
#include "rt_int.h"

typedef struct pmount {
	char *src, *dst;
	int ro;
} pmount;

/* Per container: what the monitor's child needs to set up. */
typedef struct pctr {
	struct pctr *next;
	pmount *m;
	size_t n_m;
	pid_t pid;
} pctr;

typedef struct pdrv {
	int use_ns;
	pctr *ctrs;
	char **told; /* "<sandbox>/<volume>" already reported */
	size_t n_told;
} pdrv;

static pdrv *drv(rt *r)
{
	return rt_driver_data(r);
}

static void pctr_free(pctr *p)
{
	for (size_t i = 0; i < p->n_m; i++) {
		free(p->m[i].src);
		free(p->m[i].dst);
	}
	free(p->m);
	free(p);
}

static int p_init(rt *r, char *err, size_t len)
{
	pdrv *d = calloc(1, sizeof *d);
	if (!d) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	d->use_ns = geteuid() == 0;
	rt_set_driver_data(r, d);
	FILE *f = rt_opts(r)->progress;
	if (f) {
		fprintf(f, "podlife: the process runtime does not use images; running commands on the host\n");
		if (!d->use_ns)
			fprintf(f, "podlife: not root: volumes are not mounted; containers find them in "
			           "$PODLIFE_VOLUME_<NAME>\n");
		fflush(f);
	}
	return 0;
}

static void p_fini(rt *r)
{
	pdrv *d = drv(r);
	if (!d)
		return;
	while (d->ctrs) {
		pctr *p = d->ctrs;
		d->ctrs = p->next;
		pctr_free(p);
	}
	rt_strv_free(d->told);
	free(d);
	rt_set_driver_data(r, NULL);
}

static int p_sandbox_run(rt *r, const podlife_sandbox_config *cfg, rt_sandbox *sb, char *err,
                         size_t len)
{
	(void)r;
	(void)cfg;
	char path[PATH_MAX];
	rt_pathf(path, sizeof path, "%s/volumes", sb->dir);
	if (rt_mkdir_p(path, 0755) != 0) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	sb->netns_path[0] = 0;
	sb->pod_ip[0] = 0;
	return 0;
}

/* ---- string vectors ------------------------------------------------------------- */

typedef struct strv {
	char **v;
	size_t n, cap;
	int oom;
} strv;

static void sv_push(strv *s, char *str)
{
	if (!str) {
		s->oom = 1;
		return;
	}
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			free(str);
			s->oom = 1;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

/* Sets NAME=value, replacing an earlier NAME (the later definition wins). */
static void env_set(strv *env, const char *name, const char *value)
{
	size_t nl = strlen(name);
	char *kv = str_printf("%s=%s", name, value);
	if (!kv) {
		env->oom = 1;
		return;
	}
	for (size_t i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], name, nl) == 0 && env->v[i][nl] == '=') {
			free(env->v[i]);
			env->v[i] = kv;
			return;
		}
	}
	sv_push(env, kv);
}

static const char *pod_str(const podlife_pod *pod, const char *path)
{
	const char *s = NULL;
	return podlife_pod_get_string(pod, path, &s) == PODLIFE_OK ? s : NULL;
}

static size_t pod_count(const podlife_pod *pod, const char *path)
{
	size_t n = 0;
	return podlife_pod_get_count(pod, path, &n) == PODLIFE_OK ? n : 0;
}

static void env_name(char *buf, size_t len, const char *vol)
{
	int n = snprintf(buf, len, "PODLIFE_VOLUME_");
	for (const char *p = vol; *p && (size_t)n + 1 < len; p++)
		buf[n++] = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
	buf[n] = 0;
}

/* A fieldRef's value, or NULL when the field is not one we know. */
static const char *field_ref(const podlife_container_config *cfg, const char *fp, char *buf,
                             size_t len)
{
	const podlife_pod *pod = cfg->pod;
	if (strcmp(fp, "metadata.name") == 0)
		return cfg->pod_name;
	if (strcmp(fp, "metadata.namespace") == 0)
		return cfg->pod_namespace && *cfg->pod_namespace ? cfg->pod_namespace : "default";
	if (strcmp(fp, "metadata.uid") == 0)
		return cfg->pod_uid ? cfg->pod_uid : "";
	if (strcmp(fp, "status.podIP") == 0 || strcmp(fp, "status.hostIP") == 0 ||
	    strcmp(fp, "status.podIPs") == 0 || strcmp(fp, "status.hostIPs") == 0)
		return "127.0.0.1"; /* host processes share the host's network */
	if (strcmp(fp, "spec.nodeName") == 0) {
		if (gethostname(buf, len) != 0)
			snprintf(buf, len, "localhost");
		buf[len - 1] = 0;
		return buf;
	}
	if (strcmp(fp, "spec.serviceAccountName") == 0) {
		const char *s = pod_str(pod, "spec.serviceAccountName");
		return s ? s : "default";
	}
	/* metadata.labels['k'] and metadata.annotations['k'] */
	const char *br = strchr(fp, '[');
	if (br && (strncmp(fp, "metadata.labels[", 16) == 0 ||
	           strncmp(fp, "metadata.annotations[", 21) == 0)) {
		char key[256], path[512];
		const char *k = br + 1;
		size_t kl = strlen(k);
		if (kl && k[kl - 1] == ']')
			kl--;
		if (kl >= 2 && (k[0] == '\'' || k[0] == '"') && k[kl - 1] == k[0]) {
			k++;
			kl -= 2;
		}
		snprintf(key, sizeof key, "%.*s", (int)kl, k);
		rt_pathf(path, sizeof path, "%.*s[%s]", (int)(br - fp), fp, key);
		const char *s = pod_str(pod, path);
		return s ? s : "";
	}
	return NULL;
}

static int allowed_target(rt *r, const char *path)
{
	static const char *const roots[] = {"/tmp/", "/run/", "/var/tmp/"};
	for (size_t i = 0; i < 3; i++)
		if (strncmp(path, roots[i], strlen(roots[i])) == 0)
			return 1;
	const char *st = rt_state_dir(r);
	size_t l = strlen(st);
	return strncmp(path, st, l) == 0 && path[l] == '/';
}

/* Says once per sandbox and volume that a volume is only in the environment. */
static void tell_once(rt *r, rt_sandbox *sb, const char *vol, const char *mount_path,
                      const char *envname, const podlife_container_config *cfg)
{
	pdrv *d = drv(r);
	char key[512];
	snprintf(key, sizeof key, "%s/%s", sb ? sb->id : "", vol);
	for (size_t i = 0; i < d->n_told; i++)
		if (strcmp(d->told[i], key) == 0)
			return;
	char **v = realloc(d->told, (d->n_told + 2) * sizeof *v);
	if (!v)
		return;
	d->told = v;
	d->told[d->n_told] = strdup(key);
	if (d->told[d->n_told])
		d->n_told++;
	d->told[d->n_told] = NULL;
	FILE *f = rt_opts(r)->progress;
	if (f) {
		fprintf(f, "podlife: volume \"%s\" of pod %s: %s does not exist on the host and is not "
		           "below /tmp, /run or /var/tmp: not mounted; the container finds the volume "
		           "in $%s\n",
		        vol, cfg->pod_name, mount_path, envname);
		fflush(f);
	}
}

/* The volumes of the container: env vars, and bind mounts when namespaces are used. */
static int volumes(rt *r, const podlife_container_config *cfg, rt_sandbox *sb, const char *base,
                   strv *env, pctr *pc, char *err, size_t len)
{
	const podlife_pod *pod = cfg->pod;
	char path[512];
	rt_pathf(path, sizeof path, "%s.volumeMounts", base);
	size_t nm = pod_count(pod, path);
	size_t nv = pod_count(pod, "spec.volumes");
	for (size_t i = 0; i < nm; i++) {
		rt_pathf(path, sizeof path, "%s.volumeMounts[%zu].name", base, i);
		const char *vname = pod_str(pod, path);
		rt_pathf(path, sizeof path, "%s.volumeMounts[%zu].mountPath", base, i);
		const char *mpath = pod_str(pod, path);
		rt_pathf(path, sizeof path, "%s.volumeMounts[%zu].subPath", base, i);
		const char *sub = pod_str(pod, path);
		rt_pathf(path, sizeof path, "%s.volumeMounts[%zu].readOnly", base, i);
		int ro = 0;
		podlife_pod_get_bool(pod, path, &ro);
		if (!vname || !mpath)
			continue;
		size_t vi = nv;
		for (size_t j = 0; j < nv; j++) {
			rt_pathf(path, sizeof path, "spec.volumes[%zu].name", j);
			const char *n = pod_str(pod, path);
			if (n && strcmp(n, vname) == 0) {
				vi = j;
				break;
			}
		}
		if (vi == nv) {
			snprintf(err, len, "volume \"%s\" not found in spec.volumes", vname);
			return -1;
		}
		char src[PATH_MAX];
		rt_pathf(path, sizeof path, "spec.volumes[%zu].hostPath.path", vi);
		const char *hp = pod_str(pod, path);
		if (hp) {
			rt_pathf(path, sizeof path, "spec.volumes[%zu].hostPath.type", vi);
			const char *type = pod_str(pod, path);
			struct stat st;
			rt_pathf(src, sizeof src, "%s", hp);
			if (stat(src, &st) != 0) {
				if (type && strcmp(type, "DirectoryOrCreate") == 0 && allowed_target(r, src)) {
					if (rt_mkdir_p(src, 0755) != 0) {
						snprintf(err, len, "hostPath %s: %s", src, strerror(errno));
						return -1;
					}
				} else {
					snprintf(err, len, "hostPath type check failed: %s is not a directory", src);
					return -1;
				}
			}
		} else {
			/* emptyDir, and every other kind as an empty directory */
			if (!sb) {
				snprintf(err, len, "volume \"%s\": no pod sandbox", vname);
				return -1;
			}
			rt_pathf(src, sizeof src, "%s/volumes/%s", sb->dir, vname);
			if (rt_mkdir_p(src, 0777) != 0) {
				snprintf(err, len, "%s: %s", src, strerror(errno));
				return -1;
			}
			chmod(src, 0777); /* as the kubelet's emptyDir */
		}
		if (sub && *sub) {
			if (strstr(sub, "..") || sub[0] == '/') {
				snprintf(err, len, "subPath \"%s\" must be a relative path without '..'", sub);
				return -1;
			}
			size_t l = strlen(src);
			snprintf(src + l, sizeof src - l, "/%s", sub);
			if (!hp)
				rt_mkdir_p(src, 0777);
		}
		char ename[300];
		env_name(ename, sizeof ename, vname);
		env_set(env, ename, src);
		if (!drv(r)->use_ns)
			continue;
		struct stat st;
		if (stat(mpath, &st) != 0) {
			if (!allowed_target(r, mpath) || rt_mkdir_p(mpath, 0755) != 0) {
				tell_once(r, sb, vname, mpath, ename, cfg);
				continue;
			}
		} else if (!S_ISDIR(st.st_mode)) {
			struct stat ss;
			if (stat(src, &ss) != 0 || S_ISDIR(ss.st_mode)) {
				tell_once(r, sb, vname, mpath, ename, cfg);
				continue;
			}
		}
		pmount *m = realloc(pc->m, (pc->n_m + 1) * sizeof *m);
		if (!m)
			return -1;
		pc->m = m;
		m[pc->n_m].src = strdup(src);
		m[pc->n_m].dst = strdup(mpath);
		m[pc->n_m].ro = ro;
		pc->n_m++;
		if (!m[pc->n_m - 1].src || !m[pc->n_m - 1].dst) {
			snprintf(err, len, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int p_create(rt *r, const podlife_container_config *cfg, rt_sandbox *sb, rt_ctr *c,
                    char *err, size_t len)
{
	const podlife_pod *pod = cfg->pod;
	char base[128], path[512], buf[256];
	snprintf(base, sizeof base, "%s[%zu]",
	         cfg->kind == PODLIFE_CONTAINER_REGULAR ? "spec.containers" : "spec.initContainers",
	         cfg->index);
	strv env = {0}, argv = {0};
	pctr *pc = calloc(1, sizeof *pc);
	if (!pc) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	env_set(&env, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env_set(&env, "HOSTNAME", cfg->pod_name);
	struct passwd *pw = getpwuid(geteuid());
	env_set(&env, "HOME", pw && pw->pw_dir ? pw->pw_dir : "/");
	rt_pathf(path, sizeof path, "%s.envFrom", base);
	if (pod_count(pod, path) > 0 && rt_opts(r)->progress)
		fprintf(rt_opts(r)->progress,
		        "podlife: container %s of pod %s: envFrom is not supported by the process "
		        "runtime (no ConfigMaps or Secrets); ignored\n",
		        cfg->name, cfg->pod_name);
	rt_pathf(path, sizeof path, "%s.env", base);
	size_t ne = pod_count(pod, path);
	for (size_t i = 0; i < ne; i++) {
		rt_pathf(path, sizeof path, "%s.env[%zu].name", base, i);
		const char *name = pod_str(pod, path);
		if (!name)
			continue;
		rt_pathf(path, sizeof path, "%s.env[%zu].value", base, i);
		const char *val = pod_str(pod, path);
		if (val) {
			char *x = oci_expand(val, env.v);
			if (x)
				env_set(&env, name, x);
			free(x);
			continue;
		}
		rt_pathf(path, sizeof path, "%s.env[%zu].valueFrom.fieldRef.fieldPath", base, i);
		const char *fp = pod_str(pod, path);
		if (fp) {
			const char *v = field_ref(cfg, fp, buf, sizeof buf);
			if (!v) {
				snprintf(err, len, "env %s: fieldRef %s is not supported by the process runtime",
				         name, fp);
				goto fail;
			}
			env_set(&env, name, v);
			continue;
		}
		rt_pathf(path, sizeof path, "%s.env[%zu].valueFrom", base, i);
		podlife_value_type t = PODLIFE_VALUE_NULL;
		podlife_pod_get_type(pod, path, &t);
		if (t == PODLIFE_VALUE_NULL) {
			env_set(&env, name, "");
			continue;
		}
		int optional = 0;
		rt_pathf(path, sizeof path, "%s.env[%zu].valueFrom.configMapKeyRef.optional", base, i);
		podlife_pod_get_bool(pod, path, &optional);
		rt_pathf(path, sizeof path, "%s.env[%zu].valueFrom.secretKeyRef.optional", base, i);
		if (!optional)
			podlife_pod_get_bool(pod, path, &optional);
		if (!optional) {
			snprintf(err, len,
			         "env %s: the process runtime has no ConfigMaps, Secrets or resource fields",
			         name);
			goto fail;
		}
	}
	if (volumes(r, cfg, sb, base, &env, pc, err, len) != 0)
		goto fail;

	rt_pathf(path, sizeof path, "%s.command", base);
	size_t ncmd = pod_count(pod, path);
	rt_pathf(path, sizeof path, "%s.args", base);
	size_t nargs = pod_count(pod, path);
	if (ncmd + nargs == 0) {
		snprintf(err, len,
		         "container %s has no command: the process runtime does not use images, so "
		         "command (or args) must give the program to run",
		         cfg->name);
		goto fail;
	}
	for (size_t k = 0; k < 2; k++) {
		const char *what = k == 0 ? "command" : "args";
		size_t n = k == 0 ? ncmd : nargs;
		for (size_t i = 0; i < n; i++) {
			rt_pathf(path, sizeof path, "%s.%s[%zu]", base, what, i);
			const char *s = pod_str(pod, path);
			sv_push(&argv, oci_expand(s ? s : "", env.v));
		}
	}
	if (env.oom || argv.oom) {
		snprintf(err, len, "out of memory");
		goto fail;
	}
	rt_pathf(path, sizeof path, "%s.workingDir", base);
	const char *wd = pod_str(pod, path);
	c->cwd = wd && *wd ? strdup(wd) : NULL;
	c->argv = argv.v;
	c->envp = env.v;
	c->drv = pc;
	pdrv *d = drv(r);
	pc->next = d->ctrs;
	d->ctrs = pc;
	return 0;
fail:
	rt_strv_free(env.v);
	rt_strv_free(argv.v);
	pctr_free(pc);
	return -1;
}

/* In the container process, before exec: its own mount namespace with the volumes. */
static int p_setup(void *ud, char *err, size_t len)
{
	pctr *pc = ud;
	if (!pc || pc->n_m == 0)
		return 0;
	if (unshare(CLONE_NEWNS) != 0) {
		snprintf(err, len, "unshare mount namespace: %s", strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		snprintf(err, len, "make / private: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < pc->n_m; i++) {
		pmount *m = &pc->m[i];
		if (mount(m->src, m->dst, NULL, MS_BIND | MS_REC, NULL) != 0) {
			snprintf(err, len, "mount %s at %s: %s", m->src, m->dst, strerror(errno));
			return -1;
		}
		if (m->ro && mount(NULL, m->dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) != 0) {
			snprintf(err, len, "read-only %s: %s", m->dst, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int p_start(rt *r, rt_sandbox *sb, rt_ctr *c, char *err, size_t len)
{
	(void)r;
	(void)sb;
	pctr *pc = c->drv;
	rt_spawn s;
	memset(&s, 0, sizeof s);
	s.dir = c->dir;
	s.log_path = c->log_path;
	s.argv = c->argv;
	s.envp = c->envp;
	s.cwd = c->cwd;
	s.setup = p_setup;
	s.setup_ud = pc;
	return rt_monitor_start(&s, &c->monitor, err, len);
}

static pid_t main_pid(rt_ctr *c)
{
	pctr *pc = c->drv;
	if (pc && pc->pid > 0)
		return pc->pid;
	char path[PATH_MAX];
	rt_pathf(path, sizeof path, "%s/pid", c->dir);
	char *t = rt_read_file(path, NULL);
	pid_t pid = t ? (pid_t)strtol(t, NULL, 10) : 0;
	free(t);
	if (pc)
		pc->pid = pid;
	return pid;
}

static int p_kill(rt *r, rt_ctr *c, int sig)
{
	(void)r;
	pid_t pid = main_pid(c);
	if (pid <= 0)
		return -1;
	if (kill(-pid, sig) != 0 && kill(pid, sig) != 0)
		return errno == ESRCH ? 0 : -1;
	return 0;
}

static void p_remove(rt *r, rt_ctr *c)
{
	pdrv *d = drv(r);
	for (pctr **pp = &d->ctrs; *pp; pp = &(*pp)->next) {
		if (*pp == c->drv) {
			pctr *p = *pp;
			*pp = p->next;
			pctr_free(p);
			break;
		}
	}
	c->drv = NULL;
}

/* `[nsenter -t PID -m --] env -i [-C DIR] -- K=V... argv...`: the
 * container's environment, working directory and mount namespace. */
static int p_exec_argv(rt *r, rt_ctr *c, const char *const *argv, size_t argc, char ***out)
{
	pctr *pc = c->drv;
	strv v = {0};
	pid_t pid = main_pid(c);
	if (drv(r)->use_ns && pc && pc->n_m > 0 && pid > 0) {
		sv_push(&v, strdup("nsenter"));
		sv_push(&v, strdup("-t"));
		sv_push(&v, str_printf("%ld", (long)pid));
		sv_push(&v, strdup("-m"));
		sv_push(&v, strdup("--"));
	}
	sv_push(&v, strdup("env"));
	sv_push(&v, strdup("-i"));
	if (c->cwd) {
		sv_push(&v, strdup("-C"));
		sv_push(&v, strdup(c->cwd));
	}
	sv_push(&v, strdup("--"));
	for (size_t i = 0; c->envp && c->envp[i]; i++)
		sv_push(&v, strdup(c->envp[i]));
	for (size_t i = 0; i < argc; i++)
		sv_push(&v, strdup(argv[i]));
	if (v.oom) {
		rt_strv_free(v.v);
		return -1;
	}
	*out = v.v;
	return 0;
}

const rt_driver rt_driver_process = {
	.name = "process",
	.caps = PODLIFE_CAP_NO_IMAGES,
	.init = p_init,
	.fini = p_fini,
	.sandbox_run = p_sandbox_run,
	.sandbox_stop = NULL,
	.sandbox_remove = NULL,
	.image_status = NULL,
	.image_pull = NULL,
	.create = p_create,
	.start = p_start,
	.kill = p_kill,
	.remove = p_remove,
	.exec_argv = p_exec_argv,
};
