/*
 * examples/runtime/monitor.c - the per-container monitor: a fork of the
 * runtime that leaves the runtime's session, starts the container process
 * with its stdout and stderr on pipes, copies its output into the CRI log
 * file, waits for it and writes `exit` (atomically) when it ends.  The
 * runtime learns of the end through SIGCHLD of the monitor, or, after a
 * restart, from the `exit` file (container_list) and a pidfd.
 *
 * Start protocol: the monitor reports to the runtime on a pipe, "O" when
 * the container process was exec'ed, "E<message>" when it could not be
 * (the setup callback failed, the command was not found): the container
 * then counts as exited with code 128 and the monitor writes `exit` too.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_int.h"

#define LINE_MAX_BYTES 16384 /* containerd's default max line size */

static void close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned int)lowfd, ~0u, 0u) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	for (int fd = lowfd; fd < (max > 0 ? max : 1024); fd++)
		close(fd);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void rt_reset_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL); /* EINVAL for SIGKILL/SIGSTOP and the RT ones glibc keeps */
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* PATH lookup as Go's exec.LookPath with the container's PATH. */
static int resolve(const char *cmd, char *const *envp, char *out, size_t len)
{
	if (strchr(cmd, '/')) {
		snprintf(out, len, "%s", cmd);
		return access(out, X_OK) == 0 ? 0 : -1;
	}
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	const char *p = path;
	for (;;) {
		const char *end = strchrnul(p, ':');
		int n = (int)(end - p);
		if (n == 0)
			snprintf(out, len, "./%s", cmd);
		else
			snprintf(out, len, "%.*s/%s", n, p, cmd);
		struct stat st;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		if (!*end)
			break;
		p = end + 1;
	}
	return -1;
}

/* The container process, after fork in the monitor: never returns. */
static void container_child(const rt_spawn *s, int out_w, int err_w, int status_w)
{
	char msg[1024];
	setpgid(0, 0); /* its own process group: the runtime signals the group */
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(out_w, 1);
	dup2(err_w, 2);
	if (out_w > 2)
		close(out_w);
	if (err_w > 2)
		close(err_w);
	rt_reset_signals();
	if (s->setup) {
		msg[0] = 0;
		if (s->setup(s->setup_ud, msg, sizeof msg) != 0) {
			if (!msg[0])
				snprintf(msg, sizeof msg, "container setup failed");
			write_all(status_w, msg, strlen(msg));
			_exit(128);
		}
	}
	const char *cwd = s->cwd && *s->cwd ? s->cwd : "/";
	if (chdir(cwd) != 0) {
		snprintf(msg, sizeof msg, "chdir to cwd (\"%s\") set in config.json failed: %s", cwd,
		         strerror(errno));
		write_all(status_w, msg, strlen(msg));
		_exit(128);
	}
	char path[PATH_MAX];
	if (!s->argv || !s->argv[0] || resolve(s->argv[0], s->envp, path, sizeof path) != 0) {
		snprintf(msg, sizeof msg, "exec: \"%s\": executable file not found in $PATH",
		         s->argv && s->argv[0] ? s->argv[0] : "");
		write_all(status_w, msg, strlen(msg));
		_exit(128);
	}
	static char *const empty_env[] = {NULL};
	execve(path, s->argv, s->envp ? s->envp : empty_env);
	snprintf(msg, sizeof msg, "exec: \"%s\": %s", s->argv[0], strerror(errno));
	write_all(status_w, msg, strlen(msg));
	_exit(128);
}

static void write_exit(const char *dir, int code, int sig)
{
	char path[PATH_MAX];
	json_t *o = json_pack("{s:i,s:i,s:i,s:I}", "exit_code", code, "signal", sig, "oom", 0,
	                      "finished_ms", (json_int_t)rt_unix_ms());
	char *txt = o ? json_dumps(o, JSON_COMPACT) : NULL;
	rt_pathf(path, sizeof path, "%s/exit", dir);
	if (txt)
		rt_write_file(path, txt, strlen(txt));
	free(txt);
	json_decref(o);
}

static void write_num(const char *dir, const char *name, int64_t v)
{
	char path[PATH_MAX], buf[32];
	rt_pathf(path, sizeof path, "%s/%s", dir, name);
	int n = snprintf(buf, sizeof buf, "%" PRId64 "\n", v);
	rt_write_file(path, buf, (size_t)n);
}

typedef struct stream {
	int fd;
	const char *name;
	char buf[LINE_MAX_BYTES];
	size_t n;
} stream;

/* Writes the complete lines of the buffer (and a full buffer as a partial line). */
static void flush_lines(stream *st, int log, int eof)
{
	size_t start = 0;
	for (size_t i = 0; i < st->n; i++) {
		if (st->buf[i] == '\n') {
			rt_log_line(log, st->name, st->buf + start, i - start, 0);
			start = i + 1;
		}
	}
	if (start < st->n && (eof || (start == 0 && st->n == sizeof st->buf))) {
		rt_log_line(log, st->name, st->buf + start, st->n - start, !eof);
		start = st->n;
	}
	memmove(st->buf, st->buf + start, st->n - start);
	st->n -= start;
}

/* Reads what is there; 0 at EOF or error. */
static int pump(stream *st, int log)
{
	ssize_t r = read(st->fd, st->buf + st->n, sizeof st->buf - st->n);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r <= 0) {
		flush_lines(st, log, 1);
		close(st->fd);
		st->fd = -1;
		return 0;
	}
	st->n += (size_t)r;
	flush_lines(st, log, 0);
	return 1;
}

/* The monitor, after the first fork: never returns. */
static void monitor_main(const rt_spawn *s, int report)
{
	static stream out, err;
	char msg[1024];
	size_t mlen = 0;

	setsid();
	if (report != 3) {
		dup2(report, 3);
		close(report);
	}
	fcntl(3, F_SETFD, FD_CLOEXEC);
	report = 3;
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	close_from(4);
	rt_reset_signals();
	signal(SIGPIPE, SIG_IGN);

	int log = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	int po[2], pe[2], ps[2];
	if (log < 0 || pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0 ||
	    pipe2(ps, O_CLOEXEC) != 0) {
		mlen = (size_t)snprintf(msg, sizeof msg, "E%s: %s", log < 0 ? s->log_path : "pipe",
		                        strerror(errno));
		write_all(report, msg, mlen);
		write_exit(s->dir, 128, 0);
		_exit(1);
	}
	write_num(s->dir, "monitor.pid", getpid());
	pid_t child = fork();
	if (child == 0)
		container_child(s, po[1], pe[1], ps[1]);
	close(po[1]);
	close(pe[1]);
	close(ps[1]);
	if (child < 0) {
		mlen = (size_t)snprintf(msg, sizeof msg, "Efork: %s", strerror(errno));
		write_all(report, msg, mlen);
		write_exit(s->dir, 128, 0);
		_exit(1);
	}
	/* EOF on the status pipe: exec'ed (close-on-exec); data: it failed. */
	msg[0] = 'E';
	mlen = 1;
	for (;;) {
		ssize_t r = read(ps[0], msg + mlen, sizeof msg - 1 - mlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		mlen += (size_t)r;
	}
	close(ps[0]);
	if (mlen > 1) {
		int st;
		while (waitpid(child, &st, 0) < 0 && errno == EINTR)
			;
		write_exit(s->dir, 128, 0);
		write_all(report, msg, mlen);
		_exit(0);
	}
	write_num(s->dir, "pid", child);
	write_num(s->dir, "started", rt_unix_ms());
	write_all(report, "O", 1);
	close(report);

	out.fd = po[0];
	out.name = "stdout";
	err.fd = pe[0];
	err.name = "stderr";
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	int status = 0, reaped = 0;
	while (!reaped) {
		struct pollfd p[3];
		int n = 0;
		if (out.fd >= 0)
			p[n++] = (struct pollfd){out.fd, POLLIN, 0};
		if (err.fd >= 0)
			p[n++] = (struct pollfd){err.fd, POLLIN, 0};
		if (pidfd >= 0)
			p[n++] = (struct pollfd){pidfd, POLLIN, 0};
		if (n == 0)
			break;
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == out.fd)
				pump(&out, log);
			else if (p[i].fd == err.fd)
				pump(&err, log);
			else if (p[i].fd == pidfd && waitpid(child, &status, WNOHANG) == child)
				reaped = 1;
		}
	}
	if (!reaped)
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	/* The container ends with its main process: what it left behind in its
	 * process group goes too, then the output still in the pipes is copied. */
	kill(-child, SIGKILL);
	for (stream *st = &out; st; st = st == &out ? &err : NULL) {
		if (st->fd < 0)
			continue;
		fcntl(st->fd, F_SETFL, O_NONBLOCK);
		for (;;) {
			ssize_t r = read(st->fd, st->buf + st->n, sizeof st->buf - st->n);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			st->n += (size_t)r;
			flush_lines(st, log, 0);
		}
		flush_lines(st, log, 1);
		close(st->fd);
	}
	close(log);
	if (WIFSIGNALED(status))
		write_exit(s->dir, 128 + WTERMSIG(status), WTERMSIG(status));
	else
		write_exit(s->dir, WEXITSTATUS(status), 0);
	_exit(0);
}

int rt_monitor_start(const rt_spawn *s, pid_t *monitor_pid, char *err, size_t len)
{
	int rep[2];
	if (pipe2(rep, O_CLOEXEC) != 0) {
		snprintf(err, len, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, len, "fork: %s", strerror(errno));
		close(rep[0]);
		close(rep[1]);
		return -1;
	}
	if (pid == 0) {
		close(rep[0]);
		monitor_main(s, rep[1]);
	}
	close(rep[1]);
	char buf[1100];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(rep[0], buf + n, sizeof buf - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == 1 && buf[0] == 'O')
			break; /* started: the monitor closes its end right after */
	}
	close(rep[0]);
	buf[n] = 0;
	*monitor_pid = pid;
	if (n >= 1 && buf[0] == 'O')
		return 0;
	if (n > 1 && buf[0] == 'E')
		snprintf(err, len, "%s", buf + 1);
	else
		snprintf(err, len, "the container's monitor ended before starting it");
	return -1;
}

int rt_read_exit(const char *dir, podlife_exit *ex)
{
	char path[PATH_MAX];
	rt_pathf(path, sizeof path, "%s/exit", dir);
	char *txt = rt_read_file(path, NULL);
	if (!txt)
		return errno == ENOENT ? 0 : -1;
	json_t *o = json_loads(txt, 0, NULL);
	free(txt);
	if (!o || !json_is_integer(json_object_get(o, "exit_code"))) {
		json_decref(o);
		return -1;
	}
	podlife_exit e = PODLIFE_EXIT_INIT;
	e.exit_code = (int)json_integer_value(json_object_get(o, "exit_code"));
	e.signal = (int)json_integer_value(json_object_get(o, "signal"));
	e.oom = (int)json_integer_value(json_object_get(o, "oom"));
	e.finished_at_ms = (int64_t)json_integer_value(json_object_get(o, "finished_ms"));
	json_decref(o);
	*ex = e;
	return 1;
}
