/*
 * examples/podlife/timeline.h - the timeline that `podlife simulate` and
 * `podlife run` print: the `kubectl get pods -w` columns of a pod whenever
 * they change, and every event, as a table or as JSON lines.  A format
 * other tools read: keep it.
 */
#ifndef PODLIFE_CLI_TIMELINE_H
#define PODLIFE_CLI_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include <podlife.h>

/* The columns last printed for a pod. */
typedef struct tl_row {
	char phase[32], status[96], ready[24];
	int restarts;
	int printed;
} tl_row;

/* A JSON string (or null). */
void tl_json_str(FILE *f, const char *s);
/* Seconds since the start for JSON: "12" or "12.5". */
void tl_fmt_t(char *buf, size_t n, int64_t ms);
/* kubectl-style age for the table: 0s, 45s, 2m30s, 1h5m. */
void tl_fmt_age(char *buf, size_t n, int64_t ms);
/* The table's header line. */
void tl_header(FILE *f);
/* One event at `t_ms` since the start; with_pod adds "pod" to JSON lines. */
void tl_event(FILE *f, const podlife_event *ev, int64_t t_ms, int json, int with_pod);
/* The pod's row when its columns changed since `row` (always when force);
 * 1 when printed, 0 when not (unchanged or an unknown pod). */
int tl_row_print(FILE *f, tl_row *row, podlife_engine *e, const char *ns, const char *name,
                 int64_t t_ms, int json, int with_pod, int force);

#endif
