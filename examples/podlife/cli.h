/*
 * examples/podlife/cli.h - the podlife command's subcommands.  Each takes
 * the arguments after its own name (argv[0] is the subcommand) and returns
 * the process exit code.
 */
#ifndef PODLIFE_CLI_H
#define PODLIFE_CLI_H

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

/* Reads a file, or standard input for "-"; malloc'ed, NULL on error (printed). */
char *cli_read_input(const char *path, size_t *len);

#endif
