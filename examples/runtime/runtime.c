/*
 * examples/runtime/runtime.c - the rt object: libpodlife's backend vtable
 * on top of a driver (process.c, or the OCI driver).  It owns the sandbox
 * and container tables and their ids, the state directory (layout in
 * runtime.h), the stop-then-SIGKILL timers, execs, the image pull thread
 * and the one epoll descriptor the host polls (rt_fd): SIGCHLD through a
 * signalfd, a timerfd, the pull thread's pipe, the output pipes of execs
 * and pidfds of adopted monitors.  rt_dispatch turns what is ready into
 * podlife_engine_notify_* calls; a slot never notifies.
 *
 * Children: the runtime is a child subreaper and reaps with
 * waitpid(-1, WNOHANG) when SIGCHLD comes, so a driver that forks a
 * helper (crun create, ...) must wait for it before its slot returns.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt_int.h"

/* Until the OCI driver and the image store are built in, they are absent
 * (weak: NULL then; the static library is linked whole, so they are there
 * whenever their files are built). */
extern const rt_driver rt_driver_oci __attribute__((weak));
extern int store_open(const store_options *o, store **out, char *err, size_t errlen)
	__attribute__((weak));
extern void store_close(store *s) __attribute__((weak));

enum { TAG_SIGNAL = 1, TAG_TIMER, TAG_PULL, TAG_EXEC, TAG_PIDFD };

typedef struct tag {
	int kind;
	void *obj;
} tag;

typedef struct ctr_ent {
	rt_ctr c;              /* first: drivers see the rt_ctr */
	int64_t kill_at;       /* monotonic ms of the SIGKILL, 0 none */
	int exit_read;         /* c.exit holds the exit file, the driver's exited hook ran */
	int pidfd;             /* adopted: the monitor's pidfd, -1 none */
	tag t;
} ctr_ent;

typedef struct rt_exec {
	tag t;
	uint64_t token;
	int orphan;            /* already reported (timed out): only reap it */
	pid_t pid;
	int fd;                /* combined stdout+stderr, -1 at EOF */
	int reaped, status;
	int64_t deadline;      /* monotonic ms, 0 none */
	char out[sizeof(((podlife_result *)0)->message)];
	size_t n;
} rt_exec;

typedef struct pull_job {
	struct pull_job *next;
	uint64_t token;
	char *image;
	podlife_auth *auth;
	char **strs; /* the auth strings, 3 per entry */
	size_t n_auth;
	int always;
	int rc;
	podlife_result res;
} pull_job;

struct rt {
	rt_options o;
	char *state_dir, *runtime_path;
	char **insecure;
	const rt_driver *drv;
	void *drv_data;
	store *st;
	podlife_engine *e;
	podlife_backend be;
	podlife_probe_backend pb;
	int epfd, sigfd, tfd, pull_rd, pull_wr;
	tag sig_tag, timer_tag, pull_tag;
	sigset_t old_mask;
	rt_sandbox **sbs;
	size_t n_sbs;
	ctr_ent **ctrs;
	size_t n_ctrs;
	rt_exec **execs;
	size_t n_execs;
	/* the pull thread */
	pthread_t pull_thread;
	int pull_started, stopping;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pull_job *q_head, *q_tail;
};

/* ---- small helpers ------------------------------------------------------------ */

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Unix ms to the engine's clock (the real clock is CLOCK_MONOTONIC). */
static int64_t engine_ms(int64_t unix_ms)
{
	int64_t d = rt_unix_ms() - unix_ms;
	return mono_ms() - (d > 0 ? d : 0);
}

static void new_id(char *buf, size_t len)
{
	unsigned char b[16];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		uint64_t x = (uint64_t)rt_unix_ms() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)buf;
		static uint64_t n;
		x += ++n * 0x9e3779b97f4a7c15ull;
		memcpy(b, &x, 8);
		x *= 0xbf58476d1ce4e5b9ull;
		memcpy(b + 8, &x, 8);
	}
	for (size_t i = 0; i < sizeof b && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
}

void rt_strv_free(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static int write_json(const char *path, json_t *o)
{
	char *txt = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc = txt ? rt_write_file(path, txt, strlen(txt)) : -1;
	free(txt);
	json_decref(o);
	return rc;
}

static int64_t read_num(const char *dir, const char *name)
{
	char path[PATH_MAX];
	rt_pathf(path, sizeof path, "%s/%s", dir, name);
	char *t = rt_read_file(path, NULL);
	int64_t v = t ? strtoll(t, NULL, 10) : 0;
	free(t);
	return v;
}

static void epoll_add(rt *r, int fd, tag *t)
{
	struct epoll_event ev = {.events = EPOLLIN};
	ev.data.ptr = t;
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* ---- what drivers use ----------------------------------------------------------- */

const rt_options *rt_opts(const rt *r)
{
	return &r->o;
}

const char *rt_state_dir(const rt *r)
{
	return r->state_dir;
}

store *rt_store(rt *r)
{
	return r->st;
}

void *rt_driver_data(rt *r)
{
	return r->drv_data;
}

void rt_set_driver_data(rt *r, void *d)
{
	r->drv_data = d;
}

/* A zeroed sandbox, with room for it in r->sbs (not added yet); NULL
 * when out of memory. */
static rt_sandbox *sandbox_alloc(rt *r)
{
	rt_sandbox *sb = calloc(1, sizeof *sb);
	rt_sandbox **v = realloc(r->sbs, (r->n_sbs + 1) * sizeof *v);
	if (v)
		r->sbs = v;
	if (!sb || !v) {
		free(sb);
		return NULL;
	}
	return sb;
}

/* A zeroed container entry (no pidfd), with room for it in r->ctrs (not
 * added yet); NULL when out of memory. */
static ctr_ent *ctr_alloc(rt *r)
{
	ctr_ent *ce = calloc(1, sizeof *ce);
	ctr_ent **v = realloc(r->ctrs, (r->n_ctrs + 1) * sizeof *v);
	if (v)
		r->ctrs = v;
	if (!ce || !v) {
		free(ce);
		return NULL;
	}
	ce->pidfd = -1;
	return ce;
}

static rt_sandbox *sandbox_load(rt *r, const char *id)
{
	char path[PATH_MAX];
	rt_pathf(path, sizeof path, "%s/sandboxes/%s/meta.json", r->state_dir, id);
	json_t *o = json_load_file(path, 0, NULL);
	if (!o)
		return NULL;
	rt_sandbox *sb = sandbox_alloc(r);
	if (!sb) {
		json_decref(o);
		return NULL;
	}
	const char *s;
	snprintf(sb->id, sizeof sb->id, "%s", id);
	snprintf(sb->dir, sizeof sb->dir, "%s/sandboxes/%s", r->state_dir, id);
	if ((s = json_string_value(json_object_get(o, "namespace"))))
		snprintf(sb->ns, sizeof sb->ns, "%s", s);
	if ((s = json_string_value(json_object_get(o, "pod"))))
		snprintf(sb->pod, sizeof sb->pod, "%s", s);
	if ((s = json_string_value(json_object_get(o, "uid"))))
		snprintf(sb->uid, sizeof sb->uid, "%s", s);
	if ((s = json_string_value(json_object_get(o, "netns_path"))))
		snprintf(sb->netns_path, sizeof sb->netns_path, "%s", s);
	if ((s = json_string_value(json_object_get(o, "pod_ip"))))
		snprintf(sb->pod_ip, sizeof sb->pod_ip, "%s", s);
	sb->running = true;
	json_decref(o);
	r->sbs[r->n_sbs++] = sb;
	return sb;
}

rt_sandbox *rt_sandbox_find(rt *r, const char *id)
{
	if (!id || !*id)
		return NULL;
	for (size_t i = 0; i < r->n_sbs; i++)
		if (strcmp(r->sbs[i]->id, id) == 0)
			return r->sbs[i];
	return sandbox_load(r, id); /* made by an earlier process */
}

static ctr_ent *ctr_find(rt *r, const char *id)
{
	for (size_t i = 0; i < r->n_ctrs; i++)
		if (strcmp(r->ctrs[i]->c.id, id) == 0)
			return r->ctrs[i];
	return NULL;
}

static void ctr_free(rt *r, ctr_ent *ce)
{
	if (ce->pidfd >= 0) {
		epoll_ctl(r->epfd, EPOLL_CTL_DEL, ce->pidfd, NULL);
		close(ce->pidfd);
	}
	rt_strv_free(ce->c.argv);
	rt_strv_free(ce->c.envp);
	free(ce->c.cwd);
	free(ce);
}

static void ctr_drop(rt *r, ctr_ent *ce)
{
	for (size_t i = 0; i < r->n_ctrs; i++) {
		if (r->ctrs[i] == ce) {
			r->ctrs[i] = r->ctrs[--r->n_ctrs];
			break;
		}
	}
	ctr_free(r, ce);
}

static void sandbox_drop(rt *r, rt_sandbox *sb)
{
	for (size_t i = 0; i < r->n_sbs; i++) {
		if (r->sbs[i] == sb) {
			r->sbs[i] = r->sbs[--r->n_sbs];
			break;
		}
	}
	free(sb);
}

/* The SIGKILL deadlines and exec timeouts on one timerfd; at most 1 s
 * while monitors or execs run, as a sweep should a SIGCHLD be missed. */
static void arm_timer(rt *r)
{
	int64_t next = 0, now = mono_ms();
	int live = r->n_execs > 0;
	for (size_t i = 0; i < r->n_ctrs; i++) {
		ctr_ent *ce = r->ctrs[i];
		if (ce->c.state == 1 && ce->c.monitor > 0 && ce->pidfd < 0)
			live = 1;
		if (ce->kill_at && (!next || ce->kill_at < next))
			next = ce->kill_at;
	}
	for (size_t i = 0; i < r->n_execs; i++)
		if (r->execs[i]->deadline && (!next || r->execs[i]->deadline < next))
			next = r->execs[i]->deadline;
	if (live && (!next || next > now + 1000))
		next = now + 1000;
	struct itimerspec its;
	memset(&its, 0, sizeof its);
	if (next) {
		if (next <= now)
			next = now + 1; /* 0 would disarm */
		its.it_value.tv_sec = next / 1000;
		its.it_value.tv_nsec = (next % 1000) * 1000000;
	}
	timerfd_settime(r->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* ---- the backend slots ------------------------------------------------------------ */

static int sb_run(void *ud, const podlife_sandbox_config *cfg, uint64_t token, podlife_result *res)
{
	rt *r = ud;
	(void)token;
	rt_sandbox *sb = sandbox_alloc(r);
	if (!sb) {
		snprintf(res->message, sizeof res->message, "out of memory");
		return PODLIFE_ENOMEM;
	}
	new_id(sb->id, sizeof sb->id);
	snprintf(sb->ns, sizeof sb->ns, "%s", cfg->pod_namespace ? cfg->pod_namespace : "default");
	snprintf(sb->pod, sizeof sb->pod, "%s", cfg->pod_name ? cfg->pod_name : "");
	snprintf(sb->uid, sizeof sb->uid, "%s", cfg->pod_uid ? cfg->pod_uid : "");
	snprintf(sb->dir, sizeof sb->dir, "%s/sandboxes/%s", r->state_dir, sb->id);
	sb->host_network = cfg->host_network;
	if (rt_mkdir_p(sb->dir, 0755) != 0) {
		snprintf(res->message, sizeof res->message, "%.400s: %s", sb->dir, strerror(errno));
		free(sb);
		return PODLIFE_EBACKEND;
	}
	char err[512] = "";
	if (r->drv->sandbox_run && r->drv->sandbox_run(r, cfg, sb, err, sizeof err) != 0) {
		snprintf(res->message, sizeof res->message, "%s", err[0] ? err : "sandbox failed");
		rt_rm_rf(sb->dir);
		free(sb);
		return PODLIFE_EBACKEND;
	}
	sb->running = true;
	char path[PATH_MAX];
	rt_pathf(path, sizeof path, "%s/meta.json", sb->dir);
	write_json(path, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", sb->id, "namespace", sb->ns,
	                           "pod", sb->pod, "uid", sb->uid, "netns_path", sb->netns_path,
	                           "pod_ip", sb->pod_ip));
	r->sbs[r->n_sbs++] = sb;
	snprintf(res->id, sizeof res->id, "%s", sb->id);
	snprintf(res->pod_ip, sizeof res->pod_ip, "%s", sb->pod_ip);
	snprintf(res->netns_path, sizeof res->netns_path, "%s", sb->netns_path);
	return PODLIFE_OK;
}

static int sb_stop(void *ud, const char *id)
{
	rt *r = ud;
	rt_sandbox *sb = rt_sandbox_find(r, id);
	if (!sb)
		return PODLIFE_ENOTFOUND;
	for (size_t i = 0; i < r->n_ctrs; i++) {
		ctr_ent *ce = r->ctrs[i];
		if (ce->c.state == 1 && strcmp(ce->c.sandbox_id, id) == 0)
			r->drv->kill(r, &ce->c, SIGKILL);
	}
	if (sb->running && r->drv->sandbox_stop)
		r->drv->sandbox_stop(r, sb);
	sb->running = false;
	return PODLIFE_OK;
}

static int sb_remove(void *ud, const char *id)
{
	rt *r = ud;
	rt_sandbox *sb = rt_sandbox_find(r, id);
	if (!sb)
		return PODLIFE_ENOTFOUND;
	if (sb->running)
		sb_stop(r, id);
	if (r->drv->sandbox_remove)
		r->drv->sandbox_remove(r, sb);
	rt_rm_rf(sb->dir);
	sandbox_drop(r, sb);
	return PODLIFE_OK;
}

static int img_status(void *ud, const char *image, podlife_result *res)
{
	rt *r = ud;
	if (!r->drv->image_status) {
		res->present = 1;
		return PODLIFE_OK;
	}
	return r->drv->image_status(r, image, res) == 0 ? PODLIFE_OK : PODLIFE_EBACKEND;
}

static void *pull_main(void *arg)
{
	rt *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->q_head && !r->stopping)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stopping)
			break;
		pull_job *j = r->q_head;
		r->q_head = j->next;
		if (!r->q_head)
			r->q_tail = NULL;
		pthread_mutex_unlock(&r->mu);
		j->rc = r->drv->image_pull(r, j->image, j->auth, j->n_auth, j->always, &j->res);
		ssize_t w;
		do
			w = write(r->pull_wr, &j, sizeof j);
		while (w < 0 && errno == EINTR);
		pthread_mutex_lock(&r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void pull_job_free(pull_job *j)
{
	if (!j)
		return;
	for (size_t i = 0; j->strs && i < 3 * j->n_auth; i++) {
		if (j->strs[i]) {
			/* do not leave a password in freed memory */
			explicit_bzero(j->strs[i], strlen(j->strs[i]));
			free(j->strs[i]);
		}
	}
	free(j->strs);
	free(j->auth);
	free(j->image);
	free(j);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int img_pull(void *ud, const char *image, const podlife_auth *auth, size_t n_auth,
                    uint64_t token, podlife_result *res)
{
	rt *r = ud;
	if (!r->drv->image_pull) {
		snprintf(res->message, sizeof res->message, "the %s runtime does not pull images",
		         r->drv->name);
		return PODLIFE_EBACKEND;
	}
	pull_job *j = calloc(1, sizeof *j);
	if (!j)
		return PODLIFE_ENOMEM;
	j->token = token;
	j->image = strdup(image);
	j->auth = n_auth ? calloc(n_auth, sizeof *j->auth) : NULL;
	j->strs = n_auth ? calloc(3 * n_auth, sizeof *j->strs) : NULL;
	int bad = !j->image || (n_auth && (!j->auth || !j->strs));
	for (size_t i = 0; !bad && i < n_auth; i++) {
		char **s3 = j->strs + 3 * i;
		s3[0] = dup_or_empty(auth[i].registry);
		s3[1] = dup_or_empty(auth[i].username);
		s3[2] = dup_or_empty(auth[i].password);
		j->n_auth = i + 1;
		bad = !s3[0] || !s3[1] || !s3[2];
		j->auth[i].registry = s3[0];
		j->auth[i].username = s3[1];
		j->auth[i].password = s3[2];
	}
	if (bad) {
		pull_job_free(j);
		return PODLIFE_ENOMEM;
	}
	/* A pull of an image already present is an Always pull: the registry
	 * is asked for the digest and nothing is downloaded when it is stored. */
	podlife_result st;
	memset(&st, 0, sizeof st);
	j->always = r->drv->image_status && r->drv->image_status(r, image, &st) == 0 && st.present;
	pthread_mutex_lock(&r->mu);
	if (!r->pull_started) {
		if (pthread_create(&r->pull_thread, NULL, pull_main, r) != 0) {
			pthread_mutex_unlock(&r->mu);
			pull_job_free(j);
			snprintf(res->message, sizeof res->message, "cannot start the pull thread");
			return PODLIFE_EBACKEND;
		}
		r->pull_started = 1;
	}
	if (r->q_tail)
		r->q_tail->next = j;
	else
		r->q_head = j;
	r->q_tail = j;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return PODLIFE_PENDING;
}

static int ctr_create(void *ud, const podlife_container_config *cfg, podlife_result *res)
{
	rt *r = ud;
	ctr_ent *ce = ctr_alloc(r);
	if (!ce) {
		snprintf(res->message, sizeof res->message, "out of memory");
		return PODLIFE_ENOMEM;
	}
	rt_ctr *c = &ce->c;
	new_id(c->id, sizeof c->id);
	snprintf(c->dir, sizeof c->dir, "%s/containers/%s", r->state_dir, c->id);
	snprintf(c->sandbox_id, sizeof c->sandbox_id, "%s", cfg->sandbox_id ? cfg->sandbox_id : "");
	snprintf(c->ns, sizeof c->ns, "%s",
	         cfg->pod_namespace && *cfg->pod_namespace ? cfg->pod_namespace : "default");
	snprintf(c->pod, sizeof c->pod, "%s", cfg->pod_name);
	snprintf(c->name, sizeof c->name, "%s", cfg->name);
	c->attempt = cfg->attempt;
	c->token = cfg->token;
	rt_log_path(r->state_dir, c->ns, c->pod, c->name, c->attempt, c->log_path,
	            sizeof c->log_path);
	char logdir[PATH_MAX];
	snprintf(logdir, sizeof logdir, "%s", c->log_path);
	char *slash = strrchr(logdir, '/');
	if (slash)
		*slash = 0;
	if (rt_mkdir_p(c->dir, 0755) != 0 || rt_mkdir_p(logdir, 0755) != 0) {
		snprintf(res->message, sizeof res->message, "%.400s: %s", c->dir, strerror(errno));
		free(ce);
		return PODLIFE_EBACKEND;
	}
	/* A log of the same attempt left by an earlier run starts over. */
	int lfd = open(c->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (lfd >= 0)
		close(lfd);
	rt_sandbox *sb = rt_sandbox_find(r, c->sandbox_id);
	char err[512] = "";
	if (r->drv->create(r, cfg, sb, c, err, sizeof err) != 0) {
		snprintf(res->message, sizeof res->message, "%s", err[0] ? err : "create failed");
		rt_rm_rf(c->dir);
		ctr_free(r, ce);
		return PODLIFE_EBACKEND;
	}
	char path[PATH_MAX];
	rt_pathf(path, sizeof path, "%s/meta.json", c->dir);
	write_json(path, json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:I}", "id", c->id, "sandbox_id",
	                           c->sandbox_id, "namespace", c->ns, "pod", c->pod, "name", c->name,
	                           "attempt", (int)c->attempt, "log_path", c->log_path, "created_ms",
	                           (json_int_t)rt_unix_ms()));
	r->ctrs[r->n_ctrs++] = ce;
	snprintf(res->id, sizeof res->id, "%s", c->id);
	return PODLIFE_OK;
}

static int ctr_start(void *ud, const char *id, podlife_result *res)
{
	rt *r = ud;
	ctr_ent *ce = ctr_find(r, id);
	if (!ce)
		return PODLIFE_ENOTFOUND;
	if (ce->c.state != 0) {
		snprintf(res->message, sizeof res->message, "container %s was already started", id);
		return PODLIFE_ESTATE;
	}
	char err[512] = "";
	rt_sandbox *sb = rt_sandbox_find(r, ce->c.sandbox_id);
	if (r->drv->start(r, sb, &ce->c, err, sizeof err) != 0) {
		ce->c.state = 2; /* StartError: the engine counts it as exited (128) */
		ce->c.exit.exit_code = 128;
		snprintf(res->message, sizeof res->message, "%s", err[0] ? err : "start failed");
		return PODLIFE_EBACKEND;
	}
	ce->c.state = 1;
	arm_timer(r);
	return PODLIFE_OK;
}

static int ctr_stop(void *ud, const char *id, int sig, int64_t grace_s)
{
	rt *r = ud;
	ctr_ent *ce = ctr_find(r, id);
	if (!ce) {
		char dir[PATH_MAX];
		struct stat st;
		rt_pathf(dir, sizeof dir, "%s/containers/%s", r->state_dir, id);
		return stat(dir, &st) == 0 ? PODLIFE_OK : PODLIFE_ENOTFOUND;
	}
	if (ce->c.state != 1)
		return PODLIFE_OK;
	int64_t at = mono_ms() + (grace_s > 0 ? grace_s * 1000 : 0);
	if (sig > 0 && sig != SIGKILL)
		r->drv->kill(r, &ce->c, sig);
	if (sig == SIGKILL || grace_s <= 0) {
		r->drv->kill(r, &ce->c, SIGKILL);
		ce->kill_at = 0;
	} else if (!ce->kill_at || at < ce->kill_at) {
		ce->kill_at = at;
	}
	arm_timer(r);
	return PODLIFE_OK;
}

static int ctr_remove(void *ud, const char *id)
{
	rt *r = ud;
	ctr_ent *ce = ctr_find(r, id);
	if (!ce) {
		char dir[PATH_MAX];
		struct stat st;
		rt_pathf(dir, sizeof dir, "%s/containers/%s", r->state_dir, id);
		if (stat(dir, &st) != 0)
			return PODLIFE_ENOTFOUND;
		rt_rm_rf(dir);
		return PODLIFE_OK;
	}
	if (ce->c.state == 1)
		r->drv->kill(r, &ce->c, SIGKILL);
	if (r->drv->remove)
		r->drv->remove(r, &ce->c);
	rt_rm_rf(ce->c.dir);
	ctr_drop(r, ce);
	return PODLIFE_OK;
}

static void exec_child(char **argv, int out)
{
	setsid(); /* its own group, so that a timeout kills all of it */
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(out, 1);
	dup2(out, 2);
	if (out > 2)
		close(out);
	rt_reset_signals();
	execvp(argv[0], argv);
	dprintf(1, "exec: \"%s\": %s\n", argv[0],
	        errno == ENOENT ? "executable file not found in $PATH" : strerror(errno));
	_exit(126);
}

static int ctr_exec(void *ud, const char *id, const char *const *argv, size_t argc,
                    int64_t timeout_s, uint64_t token, podlife_result *res)
{
	rt *r = ud;
	ctr_ent *ce = ctr_find(r, id);
	if (!ce)
		return PODLIFE_ENOTFOUND;
	if (ce->c.state != 1 || !r->drv->exec_argv) {
		snprintf(res->message, sizeof res->message, "container %s is not running", id);
		return PODLIFE_ESTATE;
	}
	if (argc == 0) {
		snprintf(res->message, sizeof res->message, "no command");
		return PODLIFE_EINVAL;
	}
	char **cmd = NULL;
	if (r->drv->exec_argv(r, &ce->c, argv, argc, &cmd) != 0 || !cmd || !cmd[0]) {
		rt_strv_free(cmd);
		snprintf(res->message, sizeof res->message, "cannot exec in container %s", id);
		return PODLIFE_EBACKEND;
	}
	rt_exec *x = calloc(1, sizeof *x);
	rt_exec **v = realloc(r->execs, (r->n_execs + 1) * sizeof *v);
	int p[2] = {-1, -1};
	if (!x || !v || pipe2(p, O_CLOEXEC) != 0) {
		free(x);
		if (v)
			r->execs = v;
		rt_strv_free(cmd);
		snprintf(res->message, sizeof res->message, "exec: %s", strerror(errno));
		return PODLIFE_EBACKEND;
	}
	r->execs = v;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		exec_child(cmd, p[1]);
	}
	rt_strv_free(cmd);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		free(x);
		snprintf(res->message, sizeof res->message, "fork: %s", strerror(errno));
		return PODLIFE_EBACKEND;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	x->t.kind = TAG_EXEC;
	x->t.obj = x;
	x->token = token;
	x->pid = pid;
	x->fd = p[0];
	x->deadline = timeout_s > 0 ? mono_ms() + timeout_s * 1000 : 0;
	epoll_add(r, x->fd, &x->t);
	r->execs[r->n_execs++] = x;
	arm_timer(r);
	return PODLIFE_PENDING;
}

/* The exit file of a container, through the driver's exited hook once. */
static int read_exit(rt *r, ctr_ent *ce, const char *dir, podlife_exit *ex)
{
	if (ce && ce->exit_read) {
		*ex = ce->c.exit;
		return 1;
	}
	int rc = rt_read_exit(dir, ex);
	if (rc == 1 && ce) {
		if (r->drv->exited)
			r->drv->exited(r, &ce->c, ex);
		ce->c.exit = *ex;
		ce->exit_read = 1;
	}
	return rc;
}

static int list_one(rt *r, const char *id, podlife_container_list_fn cb, void *cb_ud)
{
	char dir[PATH_MAX], path[PATH_MAX];
	rt_pathf(dir, sizeof dir, "%s/containers/%s", r->state_dir, id);
	rt_pathf(path, sizeof path, "%s/meta.json", dir);
	json_t *o = json_load_file(path, 0, NULL);
	if (!o)
		return 0;
	podlife_container_entry e;
	memset(&e, 0, sizeof e);
	e.id = json_string_value(json_object_get(o, "id"));
	e.sandbox_id = json_string_value(json_object_get(o, "sandbox_id"));
	e.pod_namespace = json_string_value(json_object_get(o, "namespace"));
	e.pod_name = json_string_value(json_object_get(o, "pod"));
	e.name = json_string_value(json_object_get(o, "name"));
	e.attempt = (unsigned int)json_integer_value(json_object_get(o, "attempt"));
	if (!e.id || !e.name || !e.pod_name) {
		json_decref(o);
		return 0;
	}
	if (!e.sandbox_id)
		e.sandbox_id = "";
	int64_t started = read_num(dir, "started");
	e.started_at_ms = started ? engine_ms(started) : 0;
	podlife_exit ex = PODLIFE_EXIT_INIT;
	ctr_ent *ce = ctr_find(r, id);
	int show = 1;
	if (read_exit(r, ce, dir, &ex) == 1) {
		e.running = 0;
		e.exit_code = ex.exit_code;
		e.oom = ex.oom;
		e.finished_at_ms = engine_ms(ex.finished_at_ms);
	} else if (ce && ce->c.state == 0) {
		e.running = -1;
	} else {
		pid_t mon = (pid_t)read_num(dir, "monitor.pid");
		if (mon > 0 && kill(mon, 0) == 0)
			e.running = 1;
		else if (mon <= 0 && !ce && !read_num(dir, "pid"))
			e.running = -1; /* created, never started */
		else
			show = 0; /* its monitor is gone without a word: unknown */
	}
	if (show)
		cb(cb_ud, &e);
	json_decref(o);
	return 0;
}

static int ctr_list(void *ud, podlife_container_list_fn cb, void *cb_ud)
{
	rt *r = ud;
	char path[PATH_MAX];
	rt_pathf(path, sizeof path, "%s/containers", r->state_dir);
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? PODLIFE_OK : PODLIFE_EBACKEND;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		list_one(r, de->d_name, cb, cb_ud);
	}
	closedir(d);
	return PODLIFE_OK;
}

static int ctr_adopt(void *ud, const char *id, uint64_t token)
{
	rt *r = ud;
	ctr_ent *ce = ctr_find(r, id);
	if (ce) {
		ce->c.token = token;
		return PODLIFE_OK;
	}
	char dir[PATH_MAX], path[PATH_MAX];
	rt_pathf(dir, sizeof dir, "%s/containers/%s", r->state_dir, id);
	rt_pathf(path, sizeof path, "%s/meta.json", dir);
	json_t *o = json_load_file(path, 0, NULL);
	if (!o)
		return PODLIFE_ENOTFOUND;
	ce = ctr_alloc(r);
	if (!ce) {
		json_decref(o);
		return PODLIFE_ENOMEM;
	}
	rt_ctr *c = &ce->c;
	const char *s;
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->dir, sizeof c->dir, "%s", dir);
#define COPY(field, key)                                                   \
	if ((s = json_string_value(json_object_get(o, key))))                 \
		snprintf(c->field, sizeof c->field, "%s", s);
	COPY(sandbox_id, "sandbox_id")
	COPY(ns, "namespace")
	COPY(pod, "pod")
	COPY(name, "name")
	COPY(log_path, "log_path")
#undef COPY
	c->attempt = (unsigned int)json_integer_value(json_object_get(o, "attempt"));
	json_decref(o);
	c->token = token;
	c->monitor = (pid_t)read_num(dir, "monitor.pid");
	podlife_exit ex = PODLIFE_EXIT_INIT;
	if (read_exit(r, ce, dir, &ex) == 1) {
		c->state = 2;
	} else if (c->monitor > 0) {
		c->state = 1;
		/* Not our child any more: its end shows on a pidfd. */
		ce->pidfd = (int)syscall(SYS_pidfd_open, c->monitor, 0);
		if (ce->pidfd >= 0) {
			ce->t.kind = TAG_PIDFD;
			ce->t.obj = ce;
			epoll_add(r, ce->pidfd, &ce->t);
		}
	}
	r->ctrs[r->n_ctrs++] = ce;
	return PODLIFE_OK;
}

/* ---- the object ----------------------------------------------------------------- */

int rt_available(rt_kind kind, const char *runtime_path, char *why, size_t len)
{
	if (kind == RT_PROCESS)
		return 1;
	const char *bin = kind == RT_CRUN ? "crun" : "runc";
	if (!&rt_driver_oci) {
		snprintf(why, len, "crun/runc backend not built");
		return 0;
	}
	if (geteuid() != 0) {
		snprintf(why, len, "%s needs root", bin);
		return 0;
	}
	if (runtime_path && *runtime_path) {
		if (access(runtime_path, X_OK) != 0) {
			snprintf(why, len, "%s: %s", runtime_path, strerror(errno));
			return 0;
		}
		return 1;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char buf[PATH_MAX];
	for (const char *p = path;;) {
		const char *end = strchrnul(p, ':');
		snprintf(buf, sizeof buf, "%.*s/%s", (int)(end - p), p, bin);
		if (end > p && access(buf, X_OK) == 0)
			return 1;
		if (!*end)
			break;
		p = end + 1;
	}
	/* root's PATH may lack the sbin directories (runc is in /usr/sbin) */
	static const char *const extra[] = {"/usr/sbin", "/sbin", "/usr/local/sbin"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(buf, sizeof buf, "%s/%s", extra[i], bin);
		if (access(buf, X_OK) == 0)
			return 1;
	}
	snprintf(why, len, "%s not found in PATH", bin);
	return 0;
}

static void store_progress(void *ud, const char *ref, uint64_t done, uint64_t total)
{
	rt *r = ud;
	if (!r->o.progress)
		return;
	if (total)
		fprintf(r->o.progress, "Pulling %s: %.1f MB / %.1f MB\n", ref, done / 1e6, total / 1e6);
	else
		fprintf(r->o.progress, "Pulling %s: %.1f MB\n", ref, done / 1e6);
	fflush(r->o.progress);
}

int rt_new(const rt_options *o, rt **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!o || !o->state_dir || !*o->state_dir) {
		snprintf(err, errlen, "no state directory");
		return -1;
	}
	const rt_driver *drv = NULL;
	if (o->kind == RT_PROCESS)
		drv = &rt_driver_process;
	else if (o->kind == RT_CRUN || o->kind == RT_RUNC)
		drv = &rt_driver_oci;
	if (!drv) { /* the OCI driver not built in, or an unknown kind */
		snprintf(err, errlen, "crun/runc backend not built");
		return -1;
	}
	rt *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->epfd = r->sigfd = r->tfd = r->pull_rd = r->pull_wr = -1;
	r->o = *o;
	r->drv = drv;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->state_dir = strdup(o->state_dir);
	r->runtime_path = o->runtime_path ? strdup(o->runtime_path) : NULL;
	r->insecure = calloc(o->n_insecure + 1, sizeof *r->insecure);
	int bad = !r->state_dir || (o->runtime_path && !r->runtime_path) || !r->insecure;
	for (size_t i = 0; !bad && i < o->n_insecure; i++)
		bad = !(r->insecure[i] = strdup(o->insecure_registries[i]));
	r->o.state_dir = r->state_dir;
	r->o.runtime_path = r->runtime_path;
	r->o.insecure_registries = (const char *const *)r->insecure;
	if (bad) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	char path[PATH_MAX];
	int mk = rt_mkdir_p(r->state_dir, 0700);
	for (size_t i = 0; mk == 0 && i < 3; i++) {
		static const char *const sub[] = {"containers", "sandboxes", "logs"};
		rt_pathf(path, sizeof path, "%s/%s", r->state_dir, sub[i]);
		mk = rt_mkdir_p(path, 0755);
	}
	if (mk != 0) {
		snprintf(err, errlen, "%s: %s", r->state_dir, strerror(errno));
		goto fail;
	}
	/* Absolute from here on: bundles, pid files and mounts name paths
	 * under it that the OCI runtime resolves from its own directory. */
	char *abs = realpath(r->state_dir, NULL);
	if (!abs) {
		snprintf(err, errlen, "%s: %s", r->state_dir, strerror(errno));
		goto fail;
	}
	free(r->state_dir);
	r->state_dir = abs;
	r->o.state_dir = r->state_dir;
	/* Monitors and what the OCI runtime leaves behind report to us. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, &r->old_mask);
	int pp[2] = {-1, -1};
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	r->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (r->epfd < 0 || r->sigfd < 0 || r->tfd < 0 || pipe2(pp, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "event descriptors: %s", strerror(errno));
		goto fail;
	}
	r->pull_rd = pp[0];
	r->pull_wr = pp[1];
	fcntl(r->pull_rd, F_SETFL, O_NONBLOCK);
	r->sig_tag = (tag){TAG_SIGNAL, NULL};
	r->timer_tag = (tag){TAG_TIMER, NULL};
	r->pull_tag = (tag){TAG_PULL, NULL};
	epoll_add(r, r->sigfd, &r->sig_tag);
	epoll_add(r, r->tfd, &r->timer_tag);
	epoll_add(r, r->pull_rd, &r->pull_tag);

	if (!(drv->caps & PODLIFE_CAP_NO_IMAGES)) {
		if (!store_open) {
			snprintf(err, errlen, "the image store is not built");
			goto fail;
		}
		store_options so;
		memset(&so, 0, sizeof so);
		rt_pathf(path, sizeof path, "%s/images", r->state_dir);
		so.dir = path;
		so.insecure = r->o.insecure_registries;
		so.n_insecure = o->n_insecure;
		so.progress = store_progress;
		so.progress_ud = r;
		if (store_open(&so, &r->st, err, errlen) != 0)
			goto fail;
	}

	podlife_backend be = PODLIFE_BACKEND_INIT;
	be.caps = drv->caps;
	be.ud = r;
	be.sandbox_run = sb_run;
	be.sandbox_stop = sb_stop;
	be.sandbox_remove = sb_remove;
	if (!(drv->caps & PODLIFE_CAP_NO_IMAGES)) {
		be.image_status = img_status;
		be.image_pull = img_pull;
	}
	be.container_create = ctr_create;
	be.container_start = ctr_start;
	be.container_stop = ctr_stop;
	be.container_remove = ctr_remove;
	if (!(drv->caps & PODLIFE_CAP_NO_EXEC))
		be.exec_sync = ctr_exec;
	be.container_list = ctr_list;
	be.container_adopt = ctr_adopt;
	r->be = be;
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.ud = r;
	pb.open_socket = rt_netns_socket; /* netns.c */
	r->pb = pb;

	if (drv->init && drv->init(r, err, errlen) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	r->drv = NULL; /* no fini: init did not run or failed */
	rt_free(r);
	return -1;
}

void rt_free(rt *r)
{
	if (!r)
		return;
	if (r->pull_started) {
		pthread_mutex_lock(&r->mu);
		r->stopping = 1;
		pthread_cond_signal(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->pull_thread, NULL);
	}
	while (r->q_head) {
		pull_job *j = r->q_head;
		r->q_head = j->next;
		pull_job_free(j);
	}
	if (r->pull_rd >= 0) {
		pull_job *j;
		while (read(r->pull_rd, &j, sizeof j) == (ssize_t)sizeof j)
			pull_job_free(j);
	}
	if (r->drv && r->drv->fini)
		r->drv->fini(r);
	if (r->st && store_close)
		store_close(r->st);
	for (size_t i = 0; i < r->n_execs; i++) {
		if (r->execs[i]->fd >= 0)
			close(r->execs[i]->fd);
		free(r->execs[i]);
	}
	free(r->execs);
	for (size_t i = 0; i < r->n_ctrs; i++)
		ctr_free(r, r->ctrs[i]);
	free(r->ctrs);
	for (size_t i = 0; i < r->n_sbs; i++)
		free(r->sbs[i]);
	free(r->sbs);
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->sigfd >= 0) {
		close(r->sigfd);
		pthread_sigmask(SIG_SETMASK, &r->old_mask, NULL);
	}
	if (r->tfd >= 0)
		close(r->tfd);
	if (r->pull_rd >= 0)
		close(r->pull_rd);
	if (r->pull_wr >= 0)
		close(r->pull_wr);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	rt_strv_free(r->insecure);
	free(r->state_dir);
	free(r->runtime_path);
	free(r);
}

const podlife_backend *rt_backend(rt *r)
{
	return &r->be;
}

const podlife_probe_backend *rt_probes(rt *r)
{
	return r->drv->caps & PODLIFE_CAP_NO_SANDBOX || r->o.kind == RT_PROCESS ? NULL : &r->pb;
}

void rt_attach(rt *r, podlife_engine *e)
{
	r->e = e;
}

int rt_fd(const rt *r)
{
	return r->epfd;
}

void rt_kill_all(rt *r)
{
	for (size_t i = 0; i < r->n_ctrs; i++)
		if (r->ctrs[i]->c.state == 1)
			r->drv->kill(r, &r->ctrs[i]->c, SIGKILL);
	for (size_t i = 0; i < r->n_execs; i++)
		if (!r->execs[i]->reaped)
			kill(-r->execs[i]->pid, SIGKILL);
}

void rt_remove_exited(rt *r)
{
	for (size_t i = r->n_ctrs; i-- > 0;) {
		ctr_ent *ce = r->ctrs[i];
		if (ce->c.state == 1)
			continue;
		if (r->drv->remove)
			r->drv->remove(r, &ce->c);
		rt_rm_rf(ce->c.dir);
		ctr_drop(r, ce);
	}
	for (size_t i = r->n_sbs; i-- > 0;) {
		rt_sandbox *sb = r->sbs[i];
		int busy = 0;
		for (size_t j = 0; j < r->n_ctrs; j++)
			busy |= strcmp(r->ctrs[j]->c.sandbox_id, sb->id) == 0;
		if (busy)
			continue;
		if (sb->running && r->drv->sandbox_stop)
			r->drv->sandbox_stop(r, sb);
		if (r->drv->sandbox_remove)
			r->drv->sandbox_remove(r, sb);
		rt_rm_rf(sb->dir);
		sandbox_drop(r, sb);
	}
}

/* ---- dispatch ------------------------------------------------------------------- */

typedef struct done {
	int what; /* 0 exit, 1 exec, 2 pull */
	uint64_t token;
	int rc;
	podlife_exit ex;
	podlife_result res;
} done;

typedef struct done_list {
	done *v;
	size_t n, cap;
} done_list;

static done *done_add(done_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		done *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	done *d = &l->v[l->n++];
	memset(d, 0, sizeof *d);
	return d;
}

/* A monitor ended: the container's exit from its `exit` file. */
static void monitor_ended(rt *r, ctr_ent *ce, done_list *dl)
{
	if (ce->c.state != 1)
		return;
	podlife_exit ex = PODLIFE_EXIT_INIT;
	if (read_exit(r, ce, ce->c.dir, &ex) != 1) {
		ex = (podlife_exit)PODLIFE_EXIT_INIT;
		ex.exit_code = 137;
		ex.finished_at_ms = rt_unix_ms();
		ex.message = "the container's monitor ended without recording an exit";
	}
	ce->c.state = 2;
	ce->kill_at = 0;
	ce->c.exit = ex;
	if (ce->pidfd >= 0) {
		epoll_ctl(r->epfd, EPOLL_CTL_DEL, ce->pidfd, NULL);
		close(ce->pidfd);
		ce->pidfd = -1;
	}
	done *d = done_add(dl);
	if (!d)
		return;
	d->what = 0;
	d->token = ce->c.token;
	d->ex = ex;
	d->ex.finished_at_ms = engine_ms(ex.finished_at_ms);
}

static void exec_read(rt_exec *x)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(x->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(x->fd);
			x->fd = -1;
			return;
		}
		size_t room = sizeof x->out - 1 - x->n;
		size_t k = (size_t)n < room ? (size_t)n : room;
		memcpy(x->out + x->n, buf, k);
		x->n += k;
	}
}

/* Finished execs (reaped, output read) are reported and dropped. */
static void execs_collect(rt *r, done_list *dl)
{
	for (size_t i = 0; i < r->n_execs;) {
		rt_exec *x = r->execs[i];
		if (x->reaped && x->fd >= 0) {
			exec_read(x); /* what is there; a left-behind child may keep it open */
			if (x->fd >= 0) {
				epoll_ctl(r->epfd, EPOLL_CTL_DEL, x->fd, NULL);
				close(x->fd);
				x->fd = -1;
			}
		}
		if (!x->reaped || x->fd >= 0) {
			i++;
			continue;
		}
		if (!x->orphan) {
			done *d = done_add(dl);
			if (d) {
				d->what = 1;
				d->token = x->token;
				d->rc = PODLIFE_OK;
				d->res.exit_code = WIFEXITED(x->status) ? WEXITSTATUS(x->status)
				                                        : 128 + WTERMSIG(x->status);
				memcpy(d->res.message, x->out, x->n);
				d->res.message[x->n] = 0;
			}
		}
		r->execs[i] = r->execs[--r->n_execs];
		free(x);
	}
}

static void reap(rt *r, done_list *dl)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid <= 0)
			break;
		for (size_t i = 0; i < r->n_ctrs; i++) {
			if (r->ctrs[i]->c.monitor == pid) {
				monitor_ended(r, r->ctrs[i], dl);
				r->ctrs[i]->c.monitor = -pid; /* reaped */
				break;
			}
		}
		for (size_t i = 0; i < r->n_execs; i++) {
			if (r->execs[i]->pid == pid) {
				r->execs[i]->reaped = 1;
				r->execs[i]->status = st;
			}
		}
	}
}

static void timers(rt *r, done_list *dl)
{
	uint64_t n;
	while (read(r->tfd, &n, sizeof n) == (ssize_t)sizeof n)
		;
	int64_t now = mono_ms();
	for (size_t i = 0; i < r->n_ctrs; i++) {
		ctr_ent *ce = r->ctrs[i];
		if (ce->kill_at && ce->kill_at <= now) {
			ce->kill_at = 0;
			if (ce->c.state == 1)
				r->drv->kill(r, &ce->c, SIGKILL);
		}
	}
	for (size_t i = 0; i < r->n_execs; i++) {
		rt_exec *x = r->execs[i];
		if (x->deadline && x->deadline <= now && !x->orphan) {
			x->deadline = 0;
			x->orphan = 1;
			if (!x->reaped)
				kill(-x->pid, SIGKILL);
			done *d = done_add(dl);
			if (d) {
				d->what = 1;
				d->token = x->token;
				d->rc = PODLIFE_ETIMEDOUT;
				snprintf(d->res.message, sizeof d->res.message, "command timed out");
			}
		}
	}
	reap(r, dl); /* the sweep */
}

void rt_dispatch(rt *r)
{
	done_list dl = {NULL, 0, 0};
	struct epoll_event evs[32];
	int n = epoll_wait(r->epfd, evs, 32, 0);
	for (int i = 0; i < n; i++) {
		tag *t = evs[i].data.ptr;
		switch (t->kind) {
		case TAG_SIGNAL: {
			struct signalfd_siginfo si;
			while (read(r->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
				;
			reap(r, &dl);
			break;
		}
		case TAG_TIMER:
			timers(r, &dl);
			break;
		case TAG_PULL: {
			pull_job *j;
			while (read(r->pull_rd, &j, sizeof j) == (ssize_t)sizeof j) {
				done *d = done_add(&dl);
				if (d) {
					d->what = 2;
					d->token = j->token;
					d->rc = j->rc == 0 ? PODLIFE_OK : PODLIFE_EBACKEND;
					d->res = j->res;
				}
				pull_job_free(j);
			}
			break;
		}
		case TAG_EXEC: {
			rt_exec *x = t->obj;
			exec_read(x); /* at EOF the descriptor is closed, which takes it off the set */
			break;
		}
		case TAG_PIDFD: {
			ctr_ent *ce = t->obj;
			monitor_ended(r, ce, &dl);
			break;
		}
		}
	}
	execs_collect(r, &dl);
	/* Notify last: the engine calls slots from inside, which change the tables. */
	for (size_t i = 0; i < dl.n; i++) {
		done *d = &dl.v[i];
		if (!r->e)
			continue;
		if (d->what == 0)
			podlife_engine_notify_exited(r->e, d->token, &d->ex);
		else if (d->what == 1)
			podlife_engine_notify_exec(r->e, d->token, d->rc, &d->res);
		else
			podlife_engine_notify_pull(r->e, d->token, d->rc, &d->res);
	}
	free(dl.v);
	arm_timer(r);
}
