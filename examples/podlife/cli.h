/*
 * examples/podlife/cli.h - the podlife command's subcommands.  Each takes
 * the arguments after its own name (argv[0] is the subcommand) and returns
 * the process exit code.
 */
#ifndef PODLIFE_CLI_H
#define PODLIFE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int cmd_validate(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_run(int argc, char **argv);     /* cmd_run.c */
int cmd_serve(int argc, char **argv);   /* cmd_serve.c */
int cmd_get(int argc, char **argv);     /* cmd_client.c: talk to a serve through its state dir */
int cmd_describe(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_delete(int argc, char **argv);

/* The state directory of run and serve: `given`, else /run/podlife as
 * root, else $XDG_RUNTIME_DIR/podlife, else /tmp/podlife-<uid>; -1 with
 * errno ENAMETOOLONG when it does not fit. */
int cli_state_dir(const char *given, char *buf, size_t len);
/* snprintf for paths: -1 with errno ENAMETOOLONG when cut. */
int cli_pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reads a file, or standard input for "-"; malloc'ed, NULL on error (printed). */
char *cli_read_input(const char *path, size_t *len);
/* Reads `fd` to its end, or `path` relative to `dirfd` (openat), at most
 * `max` bytes; malloc'ed and NUL-terminated.  NULL with the errno value in
 * *err (EFBIG when larger than `max`), nothing printed. */
char *cli_read_fd(int fd, size_t max, size_t *len, int *err);
char *cli_read_file(int dirfd, const char *path, size_t max, size_t *len, int *err);
/* Writes all of `data` (EINTR retried); -1 on error. */
int cli_write_all(int fd, const void *data, size_t len);
/* Reads up to the first newline (or len - 1 bytes, or the end); the bytes
 * read, NUL-terminated. */
size_t cli_read_line(int fd, char *buf, size_t len);

/* Unix time and the monotonic clock, in ms. */
int64_t cli_wall_ms(void);
int64_t cli_mono_ms(void);
/* This host's name, "node" when it has none. */
void cli_hostname(char *buf, size_t len);
/* The pid in <state>/serve.pid when that process lives, else 0. */
long cli_serve_pid(const char *state);

#endif
