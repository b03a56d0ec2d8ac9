/*
 * examples/podlife/main.c - the podlife command: validates manifests,
 * inspects image references, and simulates pods on the fake backend.  It
 * uses only libpodlife's public API.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <podlife.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *help;
} commands[] = {
	{"validate", cmd_validate, "validate [--strict] [-o json|yaml] FILE...   check manifests, print defaulted pods"},
	{"image", cmd_image, "image [--docker-config FILE]... REF          parse an image reference, look up credentials"},
#ifndef PODLIFE_CLI_NO_SIMULATE
	{"simulate", cmd_simulate, "simulate FILE [options] [-o json]            run a pod on the fake backend and simulated clock"},
#endif
#ifndef PODLIFE_CLI_NO_RUN
	{"run", cmd_run, "run [--runtime process|crun|runc] FILE|-      run the pods of a manifest on this host"},
#endif
#ifndef PODLIFE_CLI_NO_SERVE
	{"serve", cmd_serve, "serve --manifest-dir DIR [options]           run static pods from a directory"},
#endif
#ifndef PODLIFE_CLI_NO_CLIENT
	{"get", cmd_get, "get pods [-o wide|json]                      list the pods of a running serve"},
	{"describe", cmd_describe, "describe pod NAME                            a pod of a running serve, with events"},
	{"logs", cmd_logs, "logs NAME [-c C] [-f] [--previous]           a container's log"},
	{"delete", cmd_delete, "delete pod NAME [--grace-period N]           delete a pod of a running serve"},
#endif
};

static void usage(FILE *f)
{
	fprintf(f, "usage: podlife COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  podlife %s\n", commands[i].help);
	fprintf(f, "\npodlife --version prints the library version.\n");
}

char *cli_read_fd(int fd, size_t max, size_t *len, int *err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		if (n == cap) {
			char *nb = cap > max ? NULL : realloc(buf, cap * 2 + 1);
			if (!nb) {
				*err = cap > max ? EFBIG : ENOMEM;
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = errno;
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!buf) {
		*err = ENOMEM;
		return NULL;
	}
	if (n > max) {
		free(buf);
		*err = EFBIG;
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

char *cli_read_file(int dirfd, const char *path, size_t max, size_t *len, int *err)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	char *buf = cli_read_fd(fd, max, len, err);
	close(fd);
	return buf;
}

char *cli_read_input(const char *path, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "podlife: %s: cannot open file\n", path);
		return NULL;
	}
	int err = 0;
	char *buf = cli_read_fd(fd, ((size_t)128 << 20) - 1, len, &err);
	if (fd != STDIN_FILENO)
		close(fd);
	if (!buf && err == EFBIG)
		fprintf(stderr, "podlife: %s: file too large\n", path);
	else if (!buf && err != ENOMEM)
		fprintf(stderr, "podlife: %s: read error\n", path);
	return buf;
}

int cli_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

size_t cli_read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (memchr(buf, '\n', n))
			break;
	}
	buf[n] = 0;
	return n;
}

int64_t cli_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cli_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cli_hostname(char *buf, size_t len)
{
	if (gethostname(buf, len) != 0)
		snprintf(buf, len, "node");
	buf[len - 1] = 0;
}

long cli_serve_pid(const char *state)
{
	char path[PATH_MAX];
	cli_pathf(path, sizeof path, "%s/serve.pid", state);
	FILE *f = fopen(path, "r");
	long pid = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
		return pid;
	return 0;
}

/* The state directory: --state-dir, else /run/podlife as root, else
 * $XDG_RUNTIME_DIR/podlife, else /tmp/podlife-<uid>. */
int cli_state_dir(const char *given, char *buf, size_t len)
{
	int n;
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (given && *given)
		n = snprintf(buf, len, "%s", given);
	else if (geteuid() == 0)
		n = snprintf(buf, len, "/run/podlife");
	else if (xdg && *xdg == '/')
		n = snprintf(buf, len, "%s/podlife", xdg);
	else
		n = snprintf(buf, len, "/tmp/podlife-%ld", (long)geteuid());
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (size_t l = strlen(buf); l > 1 && buf[l - 1] == '/'; l--)
		buf[l - 1] = 0;
	return 0;
}

/* snprintf for paths; a path that does not fit is cut and reported as
 * ENAMETOOLONG by the return value (-1). */
int cli_pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("podlife %s (Kubernetes %s semantics)\n", podlife_version(NULL),
		       PODLIFE_KUBERNETES_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "podlife: unknown command \"%s\"\n\n", argv[1]);
	usage(stderr);
	return 2;
}
