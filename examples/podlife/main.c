/*
 * examples/podlife/main.c - the podlife command: validates manifests,
 * inspects image references, and simulates pods on the fake backend.  It
 * uses only libpodlife's public API.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

char *cli_read_input(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "podlife: %s: cannot open file\n", path);
		return NULL;
	}
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap) {
			if (ferror(f)) {
				fprintf(stderr, "podlife: %s: read error\n", path);
				free(buf);
				buf = NULL;
			}
			break;
		}
		if (cap > ((size_t)64 << 20)) {
			fprintf(stderr, "podlife: %s: file too large\n", path);
			free(buf);
			buf = NULL;
			break;
		}
		char *nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	if (buf)
		*len = n;
	return buf;
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
