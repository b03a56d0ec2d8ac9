/*
 * examples/podlife/timeline.c - the timeline output shared by `podlife
 * simulate` and `podlife run` (see timeline.h).
 */
#include <inttypes.h>
#include <string.h>

#include "timeline.h"

void tl_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void tl_fmt_t(char *buf, size_t n, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	if (ms % 1000 == 0)
		snprintf(buf, n, "%" PRId64, ms / 1000);
	else
		snprintf(buf, n, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
	/* drop trailing zeros of a fraction */
	if (strchr(buf, '.')) {
		size_t l = strlen(buf);
		while (l > 0 && buf[l - 1] == '0')
			buf[--l] = 0;
	}
}

void tl_fmt_age(char *buf, size_t n, int64_t ms)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;
	if (s < 120)
		snprintf(buf, n, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, n, "%" PRId64 "m%" PRId64 "s", s / 60, s % 60);
	else
		snprintf(buf, n, "%" PRId64 "h%" PRId64 "m", s / 3600, (s / 60) % 60);
}

void tl_header(FILE *f)
{
	fprintf(f, "%-8s  %-5s  %-24s  %-6s  %-24s  %-10s  %s\n", "TIME", "KIND", "NAME", "READY",
	        "STATUS", "RESTARTS", "PHASE");
}

void tl_event(FILE *f, const podlife_event *ev, int64_t t_ms, int json, int with_pod)
{
	char tb[32];
	if (json) {
		tl_fmt_t(tb, sizeof tb, t_ms);
		fprintf(f, "{\"t\": %s, ", tb);
		if (with_pod) {
			fputs("\"pod\": ", f);
			tl_json_str(f, ev->pod_name);
			fputs(", ", f);
		}
		fputs("\"event\": {\"type\": ", f);
		tl_json_str(f, ev->type);
		fputs(", \"reason\": ", f);
		tl_json_str(f, ev->reason);
		fputs(", \"container\": ", f);
		tl_json_str(f, ev->container);
		fputs(", \"message\": ", f);
		tl_json_str(f, ev->message);
		fputs("}}\n", f);
	} else {
		tl_fmt_age(tb, sizeof tb, t_ms);
		fprintf(f, "%-8s  event  %-7s  %-20s  %s%s%s\n", tb, ev->type, ev->reason,
		        ev->field_path ? ev->field_path : "", ev->field_path ? ": " : "", ev->message);
	}
	fflush(f);
}

int tl_row_print(FILE *f, tl_row *row, podlife_engine *e, const char *ns, const char *name,
                 int64_t t_ms, int json, int with_pod, int force)
{
	podlife_pod_info i = PODLIFE_POD_INFO_INIT;
	if (podlife_engine_pod_info(e, ns, name, &i) != PODLIFE_OK)
		return 0;
	if (!force && row->printed && strcmp(row->phase, i.phase) == 0 &&
	    strcmp(row->status, i.status) == 0 && strcmp(row->ready, i.ready) == 0 &&
	    row->restarts == i.restarts)
		return 0;
	snprintf(row->phase, sizeof row->phase, "%s", i.phase);
	snprintf(row->status, sizeof row->status, "%s", i.status);
	snprintf(row->ready, sizeof row->ready, "%s", i.ready);
	row->restarts = i.restarts;
	row->printed = 1;
	char tb[32];
	if (json) {
		tl_fmt_t(tb, sizeof tb, t_ms);
		fprintf(f, "{\"t\": %s, ", tb);
		if (with_pod) {
			fputs("\"pod\": ", f);
			tl_json_str(f, name);
			fputs(", ", f);
		}
		fputs("\"phase\": ", f);
		tl_json_str(f, i.phase);
		fputs(", \"status\": ", f);
		tl_json_str(f, i.status);
		fputs(", \"ready\": ", f);
		tl_json_str(f, i.ready);
		fprintf(f, ", \"restarts\": %d}\n", i.restarts);
	} else {
		tl_fmt_age(tb, sizeof tb, t_ms);
		fprintf(f, "%-8s  %-5s  %-24s  %-6s  %-24s  %-10s  %s\n", tb, "pod", name, i.ready,
		        i.status, i.restarts_text, i.phase);
	}
	fflush(f);
	return 1;
}
