/*
 * examples/podlife/cmd_client.c - the commands that talk to a running
 * `podlife serve` through its state directory:
 *
 *   podlife get pods [NAME...] [-o wide|json|name] [-A]
 *   podlife describe pod NAME...
 *   podlife logs NAME [-c CONTAINER] [-f] [--previous]
 *   podlife delete pod NAME... [--grace-period N] [--now] [--wait=false]
 *
 * all with [-n NAMESPACE] [--state-dir DIR].  get and describe read
 * <state>/pods.json (rewritten by serve whenever a pod changes), logs
 * reads the CRI log files of the runtime's layout
 * (<state>/logs/<ns>_<pod>/<container>/<attempt>.log), delete writes a
 * line to <state>/serve.sock.  The output follows kubectl's: the same
 * columns, text/tabwriter alignment and error messages.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <podlife.h>

#include "cli.h"

/* ---- growing text and Go's text/tabwriter ---------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *np = realloc(b->p, cap);
		if (!np) {
			fprintf(stderr, "podlife: out of memory\n");
			exit(1);
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		sb_add(b, tmp, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big)
		return;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_add(b, big, (size_t)n);
	free(big);
}

/* Two spaces per level, then the text. */
static void wl(sbuf *b, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void wl(sbuf *b, int level, const char *fmt, ...)
{
	for (int i = 0; i < level; i++)
		sb_add(b, "  ", 2);
	char tmp[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

typedef struct twcell {
	const char *s;
	size_t len, width;
} twcell;

typedef struct twline {
	twcell *c;
	size_t n;
} twline;

typedef struct tw {
	twline *lines;
	size_t n;
	size_t widths[64], nw;
	size_t minwidth, padding;
	FILE *out;
} tw;

static size_t runes(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void tw_write_lines(tw *t, size_t l0, size_t l1)
{
	for (size_t i = l0; i < l1; i++) {
		const twline *L = &t->lines[i];
		for (size_t j = 0; j < L->n; j++) {
			fwrite(L->c[j].s, 1, L->c[j].len, t->out);
			if (j < t->nw && j + 1 < L->n)
				for (size_t k = L->c[j].width; k < t->widths[j]; k++)
					fputc(' ', t->out);
		}
		fputc('\n', t->out);
	}
}

/* text/tabwriter's format(): column blocks, recursively. */
static void tw_format(tw *t, size_t l0, size_t l1)
{
	size_t column = t->nw;
	for (size_t this = l0; this < l1; this++) {
		if (column + 1 >= t->lines[this].n)
			continue;
		tw_write_lines(t, l0, this);
		l0 = this;
		size_t width = t->minwidth;
		for (; this < l1; this++) {
			const twline *L = &t->lines[this];
			if (column + 1 >= L->n)
				break;
			size_t w = L->c[column].width + t->padding;
			if (w > width)
				width = w;
		}
		if (t->nw < sizeof t->widths / sizeof t->widths[0]) {
			t->widths[t->nw++] = width;
			tw_format(t, l0, this);
			t->nw--;
		} else {
			tw_write_lines(t, l0, this);
		}
		l0 = this;
	}
	tw_write_lines(t, l0, l1);
}

/* Prints `text` (lines of tab-separated cells) aligned as Go's tabwriter
 * with padchar ' ' and no flags. */
static void tabwrite(FILE *out, const char *text, size_t minwidth, size_t padding)
{
	tw t;
	memset(&t, 0, sizeof t);
	t.minwidth = minwidth;
	t.padding = padding;
	t.out = out;
	size_t cap = 0;
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		if (t.n == cap) {
			cap = cap ? cap * 2 : 64;
			twline *nl = realloc(t.lines, cap * sizeof *nl);
			if (!nl)
				break;
			t.lines = nl;
		}
		twline *L = &t.lines[t.n++];
		size_t ncells = 1;
		for (const char *q = p; q < eol; q++)
			ncells += *q == '\t';
		L->c = calloc(ncells, sizeof *L->c);
		L->n = 0;
		const char *start = p;
		for (const char *q = p;; q++) {
			if (q == eol || *q == '\t') {
				if (L->c) {
					L->c[L->n].s = start;
					L->c[L->n].len = (size_t)(q - start);
					L->c[L->n].width = runes(start, (size_t)(q - start));
					L->n++;
				}
				start = q + 1;
				if (q == eol)
					break;
			}
		}
		p = *eol ? eol + 1 : eol;
	}
	tw_format(&t, 0, t.n);
	for (size_t i = 0; i < t.n; i++)
		free(t.lines[i].c);
	free(t.lines);
}

/* ---- reading serve's files -------------------------------------------------------- */

typedef struct copts {
	const char *ns;
	const char *state_arg;
	char state[PATH_MAX];
	bool all_ns;
} copts;

static json_t *load_pods(const copts *o, bool need_serve)
{
	if (need_serve && !cli_serve_pid(o->state)) {
		fprintf(stderr,
		        "The connection to the server was refused: no podlife serve is running on %s "
		        "(start one with `podlife serve --manifest-dir DIR --state-dir %s`)\n",
		        o->state, o->state);
		return NULL;
	}
	char path[PATH_MAX];
	cli_pathf(path, sizeof path, "%s/pods.json", o->state);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root && need_serve)
		fprintf(stderr, "podlife: %s: %s\n", path, jerr.text);
	return root;
}

static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static json_t *jpath(json_t *o, const char *a, const char *b)
{
	o = json_object_get(o, a);
	return b ? json_object_get(o, b) : o;
}

static json_t *find_entry(json_t *root, const char *ns, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(root, "pods"), i, v) {
		if (strcmp(jstr(v, "namespace"), ns) == 0 && strcmp(jstr(v, "name"), name) == 0)
			return v;
	}
	return NULL;
}

/* Go's time.Time from RFC 3339 ("2026-01-02T15:04:05Z" or with a
 * fraction), Unix ms; -1 when unset or unreadable. */
static int64_t parse_rfc3339(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!s || !*s)
		return -1;
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -1;
	int64_t ms = 0;
	if (*end == '.') {
		int64_t scale = 100;
		for (end++; *end >= '0' && *end <= '9'; end++) {
			ms += (*end - '0') * scale;
			scale /= 10;
		}
	}
	return (int64_t)timegm(&tm) * 1000 + ms;
}

/* duration.HumanDuration (apimachinery), as kubectl prints AGE. */
static void human_duration(int64_t ms, char *buf, size_t n)
{
	int64_t s = ms / 1000;
	if (s < -1) {
		snprintf(buf, n, "<invalid>");
		return;
	}
	if (s < 0)
		s = 0;
	if (s < 120) {
		snprintf(buf, n, "%" PRId64 "s", s);
		return;
	}
	int64_t m = s / 60;
	if (m < 10) {
		if (s % 60 == 0)
			snprintf(buf, n, "%" PRId64 "m", m);
		else
			snprintf(buf, n, "%" PRId64 "m%" PRId64 "s", m, s % 60);
		return;
	}
	if (m < 180) {
		snprintf(buf, n, "%" PRId64 "m", m);
		return;
	}
	int64_t h = s / 3600;
	if (h < 8) {
		if (m % 60 == 0)
			snprintf(buf, n, "%" PRId64 "h", h);
		else
			snprintf(buf, n, "%" PRId64 "h%" PRId64 "m", h, m % 60);
	} else if (h < 48) {
		snprintf(buf, n, "%" PRId64 "h", h);
	} else if (h < 24 * 8) {
		if (h % 24 == 0)
			snprintf(buf, n, "%" PRId64 "d", h / 24);
		else
			snprintf(buf, n, "%" PRId64 "d%" PRId64 "h", h / 24, h % 24);
	} else if (h < 24 * 365 * 2) {
		snprintf(buf, n, "%" PRId64 "d", h / 24);
	} else if (h < 24 * 365 * 8) {
		int64_t dy = (h / 24) % 365;
		if (dy == 0)
			snprintf(buf, n, "%" PRId64 "y", h / 24 / 365);
		else
			snprintf(buf, n, "%" PRId64 "y%" PRId64 "d", h / 24 / 365, dy);
	} else {
		snprintf(buf, n, "%" PRId64 "y", h / 24 / 365);
	}
}

/* time.RFC1123Z in UTC. */
static void rfc1123z(int64_t ms, char *buf, size_t len)
{
	if (ms < 0) {
		snprintf(buf, len, "Mon, 01 Jan 0001 00:00:00 +0000");
		return;
	}
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* ---- options ---------------------------------------------------------------------------- */

/* -n/--namespace and --state-dir anywhere; the rest left in argv order.
 * Returns the number of positional/other arguments kept, -1 on error. */
static int common_opts(int argc, char **argv, copts *o, char **rest, const char *cmd)
{
	o->ns = "default";
	o->state_arg = NULL;
	o->all_ns = false;
	int n = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-n") == 0 || strcmp(a, "--namespace") == 0 ||
		    strcmp(a, "--state-dir") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "error: flag needs an argument: %s\n", a);
				return -1;
			}
			if (a[1] == 'n' || a[2] == 'n')
				o->ns = argv[++i];
			else
				o->state_arg = argv[++i];
		} else if (strncmp(a, "--namespace=", 12) == 0) {
			o->ns = a + 12;
		} else if (strncmp(a, "--state-dir=", 12) == 0) {
			o->state_arg = a + 12;
		} else if (strncmp(a, "-n", 2) == 0 && a[2]) {
			o->ns = a + 2;
		} else if (strcmp(a, "-A") == 0 || strcmp(a, "--all-namespaces") == 0) {
			o->all_ns = true;
		} else {
			rest[n++] = argv[i];
		}
	}
	if (cli_state_dir(o->state_arg, o->state, sizeof o->state) != 0) {
		fprintf(stderr, "podlife %s: state directory name too long\n", cmd);
		return -1;
	}
	return n;
}

static bool is_pod_resource(const char *r)
{
	return strcmp(r, "pods") == 0 || strcmp(r, "pod") == 0 || strcmp(r, "po") == 0;
}

/* "pod/NAME" or "NAME". */
static const char *pod_arg(const char *a)
{
	if (strncmp(a, "pod/", 4) == 0)
		return a + 4;
	if (strncmp(a, "pods/", 5) == 0)
		return a + 5;
	return a;
}

/* The resource (pods, pod, po, or pod/NAME) and then the names of
 * get, describe and delete; -1 (printed) for another resource. */
static int resource_arg(const char *a, bool *have_resource, const char **names, size_t *n_names)
{
	if (*have_resource) {
		if (*n_names < 256)
			names[(*n_names)++] = pod_arg(a);
		return 0;
	}
	*have_resource = true;
	if (strncmp(a, "pod/", 4) == 0) {
		names[(*n_names)++] = a + 4;
	} else if (!is_pod_resource(a)) {
		fprintf(stderr, "error: the server doesn't have a resource type \"%s\"\n", a);
		return -1;
	}
	return 0;
}

/* ---- get pods ---------------------------------------------------------------------------- */

/* RESTARTS as kubectl prints it: "2 (35s ago)" after the latest restart. */
static void restarts_text(json_t *e, int64_t now, char *buf, size_t n)
{
	int restarts = (int)json_integer_value(json_object_get(e, "restarts"));
	int64_t last = -1;
	const char *lists[] = {"initContainerStatuses", "containerStatuses"};
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *c;
		json_array_foreach(jpath(e, "status_json", lists[k]), i, c) {
			int64_t t = parse_rfc3339(
				json_string_value(json_object_get(jpath(c, "lastState", "terminated"), "finishedAt")));
			if (t > last)
				last = t;
		}
	}
	if (restarts > 0 && last >= 0) {
		char age[32];
		human_duration(now - last, age, sizeof age);
		snprintf(buf, n, "%d (%s ago)", restarts, age);
	} else {
		snprintf(buf, n, "%d", restarts);
	}
}

/* The pod object of an entry: the pod as served with its status. */
static json_t *pod_object(json_t *e)
{
	json_t *pod = json_deep_copy(json_object_get(e, "pod"));
	if (!pod)
		pod = json_pack("{s:s, s:s, s:{s:s, s:s}}", "apiVersion", "v1", "kind", "Pod", "metadata",
		                "name", jstr(e, "name"), "namespace", jstr(e, "namespace"));
	json_t *st = json_object_get(e, "status_json");
	if (st)
		json_object_set(pod, "status", st);
	return pod;
}

int cmd_get(int argc, char **argv)
{
	copts o;
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest)
		return 1;
	int n = common_opts(argc, argv, &o, rest, "get");
	const char *output = NULL;
	const char *names[256];
	size_t n_names = 0;
	int status = 1;
	bool have_resource = false;
	for (int i = 0; i < n; i++) {
		const char *a = rest[i];
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (i + 1 >= n)
				goto usage;
			output = rest[++i];
		} else if (strncmp(a, "-o", 2) == 0 && a[2]) {
			output = a + 2;
		} else if (strncmp(a, "--output=", 9) == 0) {
			output = a + 9;
		} else if (a[0] == '-') {
			fprintf(stderr, "error: unknown flag: %s\n", a);
			goto usage;
		} else if (resource_arg(a, &have_resource, names, &n_names) != 0) {
			goto out;
		}
	}
	if (n < 0 || !have_resource)
		goto usage;
	if (output && strcmp(output, "wide") != 0 && strcmp(output, "json") != 0 &&
	    strcmp(output, "name") != 0) {
		fprintf(stderr, "error: unable to match a printer suitable for the output format \"%s\", "
		                "allowed formats are: json,name,wide\n", output);
		goto out;
	}
	json_t *root = load_pods(&o, true);
	if (!root)
		goto out;
	int64_t now = cli_wall_ms();
	json_t *sel = json_array();
	for (size_t k = 0; k < n_names; k++) {
		json_t *e = find_entry(root, o.ns, names[k]);
		if (!e)
			fprintf(stderr, "Error from server (NotFound): pods \"%s\" not found\n", names[k]);
		else
			json_array_append(sel, e);
	}
	if (!n_names) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(root, "pods"), i, v) {
			if (o.all_ns || strcmp(jstr(v, "namespace"), o.ns) == 0)
				json_array_append(sel, v);
		}
	}
	status = n_names && json_array_size(sel) < n_names ? 1 : 0;
	if (output && strcmp(output, "json") == 0) {
		json_t *out;
		if (n_names == 1 && json_array_size(sel) == 1) {
			out = pod_object(json_array_get(sel, 0));
		} else {
			json_t *items = json_array();
			size_t i;
			json_t *v;
			json_array_foreach(sel, i, v)
				json_array_append_new(items, pod_object(v));
			out = json_pack("{s:s, s:o, s:s, s:{s:s}}", "apiVersion", "v1", "items", items, "kind",
			                "List", "metadata", "resourceVersion", "");
		}
		char *text = json_dumps(out, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		if (text)
			printf("%s\n", text);
		free(text);
		json_decref(out);
	} else if (output && strcmp(output, "name") == 0) {
		size_t i;
		json_t *v;
		json_array_foreach(sel, i, v)
			printf("pod/%s\n", jstr(v, "name"));
	} else if (json_array_size(sel) == 0) {
		if (!n_names) {
			if (o.all_ns)
				fprintf(stderr, "No resources found\n");
			else
				fprintf(stderr, "No resources found in %s namespace.\n", o.ns);
		}
	} else {
		bool wide = output != NULL;
		const char *node = json_string_value(json_object_get(root, "node"));
		sbuf b = {0};
		if (o.all_ns)
			sb_add(&b, "NAMESPACE\t", 10);
		sb_printf(&b, "NAME\tREADY\tSTATUS\tRESTARTS\tAGE%s\n",
		          wide ? "\tIP\tNODE\tNOMINATED NODE\tREADINESS GATES" : "");
		size_t i;
		json_t *v;
		json_array_foreach(sel, i, v) {
			char age[32], rs[64];
			human_duration(now - json_integer_value(json_object_get(v, "created_ms")), age,
			               sizeof age);
			restarts_text(v, now, rs, sizeof rs);
			const char *st = jstr(v, "status");
			if (o.all_ns)
				sb_printf(&b, "%s\t", jstr(v, "namespace"));
			sb_printf(&b, "%s\t%s\t%s\t%s\t%s", jstr(v, "name"), jstr(v, "ready"), st, rs, age);
			if (wide) {
				const char *ip = jstr(json_object_get(v, "status_json"), "podIP");
				sb_printf(&b, "\t%s\t%s\t<none>\t<none>", *ip ? ip : "<none>",
				          node && *node ? node : "<none>");
			}
			sb_add(&b, "\n", 1);
		}
		tabwrite(stdout, b.p, 6, 3);
		free(b.p);
	}
	json_decref(sel);
	json_decref(root);
	goto out;
usage:
	fprintf(stderr, "usage: podlife get pods [NAME...] [-o wide|json|name] [-n NAMESPACE] [-A] "
	                "[--state-dir DIR]\n");
	status = 2;
out:
	free(rest);
	return status;
}

/* ---- describe pod ------------------------------------------------------------------------- */

static void kv_multiline(sbuf *b, const char *title, json_t *map, bool annotations)
{
	wl(b, 0, "%s:\t", title);
	const char *keys[512];
	size_t n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(map, k, v) {
		if (n < 512 && !(annotations && strcmp(k, "kubectl.kubernetes.io/last-applied-configuration") == 0))
			keys[n++] = k;
	}
	if (n == 0) {
		sb_add(b, "<none>\n", 7);
		return;
	}
	for (size_t i = 1; i < n; i++) /* sorted, as kubectl prints them */
		for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			const char *t = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_add(b, "\t", 1);
		sb_printf(b, annotations ? "%s: %s\n" : "%s=%s\n", keys[i],
		          json_string_value(json_object_get(map, keys[i])) ?
		                  json_string_value(json_object_get(map, keys[i])) : "");
	}
}

static void describe_state(sbuf *b, const char *title, json_t *st)
{
	char t[64];
	json_t *x;
	if ((x = json_object_get(st, "running"))) {
		wl(b, 2, "%s:\tRunning\n", title);
		rfc1123z(parse_rfc3339(jstr(x, "startedAt")), t, sizeof t);
		wl(b, 3, "Started:\t%s\n", t);
	} else if ((x = json_object_get(st, "terminated"))) {
		wl(b, 2, "%s:\tTerminated\n", title);
		if (*jstr(x, "reason"))
			wl(b, 3, "Reason:\t%s\n", jstr(x, "reason"));
		if (*jstr(x, "message"))
			wl(b, 3, "Message:\t%s\n", jstr(x, "message"));
		wl(b, 3, "Exit Code:\t%d\n", (int)json_integer_value(json_object_get(x, "exitCode")));
		if (json_integer_value(json_object_get(x, "signal")) > 0)
			wl(b, 3, "Signal:\t%d\n", (int)json_integer_value(json_object_get(x, "signal")));
		rfc1123z(parse_rfc3339(jstr(x, "startedAt")), t, sizeof t);
		wl(b, 3, "Started:\t%s\n", t);
		rfc1123z(parse_rfc3339(jstr(x, "finishedAt")), t, sizeof t);
		wl(b, 3, "Finished:\t%s\n", t);
	} else {
		wl(b, 2, "%s:\tWaiting\n", title);
		x = json_object_get(st, "waiting");
		if (*jstr(x, "reason"))
			wl(b, 3, "Reason:\t%s\n", jstr(x, "reason"));
	}
}

static void int_or_string(json_t *v, char *buf, size_t n)
{
	if (json_is_integer(v))
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		snprintf(buf, n, "%s", json_string_value(v) ? json_string_value(v) : "");
}

/* DescribeProbe */
static void describe_probe(sbuf *b, const char *title, json_t *p)
{
	if (!json_is_object(p))
		return;
	char attrs[200], port[64];
	snprintf(attrs, sizeof attrs, "delay=%ds timeout=%ds period=%ds #success=%d #failure=%d",
	         (int)json_integer_value(json_object_get(p, "initialDelaySeconds")),
	         (int)json_integer_value(json_object_get(p, "timeoutSeconds")),
	         (int)json_integer_value(json_object_get(p, "periodSeconds")),
	         (int)json_integer_value(json_object_get(p, "successThreshold")),
	         (int)json_integer_value(json_object_get(p, "failureThreshold")));
	json_t *x;
	if ((x = json_object_get(p, "exec"))) {
		wl(b, 2, "%s:\texec [", title);
		size_t i;
		json_t *a;
		json_array_foreach(json_object_get(x, "command"), i, a)
			sb_printf(b, "%s%s", i ? " " : "", json_string_value(a) ? json_string_value(a) : "");
		sb_printf(b, "] %s\n", attrs);
	} else if ((x = json_object_get(p, "httpGet"))) {
		char scheme[16];
		snprintf(scheme, sizeof scheme, "%s", *jstr(x, "scheme") ? jstr(x, "scheme") : "http");
		for (char *c = scheme; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		int_or_string(json_object_get(x, "port"), port, sizeof port);
		wl(b, 2, "%s:\thttp-get %s://%s:%s%s %s\n", title, scheme, jstr(x, "host"), port,
		   jstr(x, "path"), attrs);
	} else if ((x = json_object_get(p, "tcpSocket"))) {
		int_or_string(json_object_get(x, "port"), port, sizeof port);
		wl(b, 2, "%s:\ttcp-socket %s:%s %s\n", title, jstr(x, "host"), port, attrs);
	} else if ((x = json_object_get(p, "grpc"))) {
		wl(b, 2, "%s:\tgrpc <pod>:%d %s %s\n", title,
		   (int)json_integer_value(json_object_get(x, "port")), jstr(x, "service"), attrs);
	} else {
		wl(b, 2, "%s:\tunknown %s\n", title, attrs);
	}
}

static void describe_resources(sbuf *b, json_t *res)
{
	const char *kinds[] = {"limits", "requests"};
	const char *titles[] = {"Limits", "Requests"};
	for (int k = 0; k < 2; k++) {
		json_t *m = json_object_get(res, kinds[k]);
		if (!json_object_size(m))
			continue;
		wl(b, 2, "%s:\n", titles[k]);
		const char *key;
		json_t *v;
		json_object_foreach(m, key, v) {
			char val[64];
			int_or_string(v, val, sizeof val);
			wl(b, 3, "%s:\t%s\n", key, val);
		}
	}
}

static void describe_containers(sbuf *b, const char *title, json_t *specs, json_t *statuses)
{
	wl(b, 0, "%s:%s\n", title, json_array_size(specs) ? "" : " <none>");
	size_t i;
	json_t *c;
	json_array_foreach(specs, i, c) {
		const char *name = jstr(c, "name");
		json_t *st = NULL;
		size_t k;
		json_t *s;
		json_array_foreach(statuses, k, s) {
			if (strcmp(jstr(s, "name"), name) == 0)
				st = s;
		}
		wl(b, 1, "%s:\n", name);
		if (st)
			wl(b, 2, "Container ID:\t%s\n", jstr(st, "containerID"));
		wl(b, 2, "Image:\t%s\n", jstr(c, "image"));
		if (st)
			wl(b, 2, "Image ID:\t%s\n", jstr(st, "imageID"));
		for (int host = 0; host < 2; host++) {
			sbuf p = {0};
			json_t *port;
			json_array_foreach(json_object_get(c, "ports"), k, port) {
				sb_printf(&p, "%s%d/%s", k ? ", " : "",
				          (int)json_integer_value(json_object_get(port, host ? "hostPort" : "containerPort")),
				          *jstr(port, "protocol") ? jstr(port, "protocol") : "TCP");
				if (*jstr(port, "name"))
					sb_printf(&p, " (%s)", jstr(port, "name"));
			}
			const char *text = p.p ? p.p : "";
			if (strchr(text, ','))
				wl(b, 2, "%s:\t%s\n", host ? "Host Ports" : "Ports", text);
			else
				wl(b, 2, "%s:\t%s\n", host ? "Host Port" : "Port", *text ? text : "<none>");
			free(p.p);
		}
		const char *lists[] = {"command", "args"};
		const char *ltitles[] = {"Command", "Args"};
		for (int l = 0; l < 2; l++) {
			json_t *arr = json_object_get(c, lists[l]);
			if (!json_array_size(arr))
				continue;
			wl(b, 2, "%s:\n", ltitles[l]);
			json_t *a;
			json_array_foreach(arr, k, a) {
				const char *text = json_string_value(a) ? json_string_value(a) : "";
				for (;;) {
					const char *nl = strchr(text, '\n');
					size_t len = nl ? (size_t)(nl - text) : strlen(text);
					wl(b, 3, "%.*s\n", (int)len, text);
					if (!nl)
						break;
					text = nl + 1;
				}
			}
		}
		if (st) {
			describe_state(b, "State", json_object_get(st, "state"));
			if (json_object_get(json_object_get(st, "lastState"), "terminated"))
				describe_state(b, "Last State", json_object_get(st, "lastState"));
			wl(b, 2, "Ready:\t%s\n", json_is_true(json_object_get(st, "ready")) ? "True" : "False");
			wl(b, 2, "Restart Count:\t%d\n",
			   (int)json_integer_value(json_object_get(st, "restartCount")));
		}
		describe_resources(b, json_object_get(c, "resources"));
		describe_probe(b, "Liveness", json_object_get(c, "livenessProbe"));
		describe_probe(b, "Readiness", json_object_get(c, "readinessProbe"));
		describe_probe(b, "Startup", json_object_get(c, "startupProbe"));
		json_t *env = json_object_get(c, "env");
		wl(b, 2, "Environment:%s\n", json_array_size(env) ? "" : "\t<none>");
		json_t *e;
		json_array_foreach(env, k, e) {
			if (json_object_get(e, "valueFrom"))
				wl(b, 3, "%s:\t<set from valueFrom>\n", jstr(e, "name"));
			else
				wl(b, 3, "%s:\t%s\n", jstr(e, "name"), jstr(e, "value"));
		}
		json_t *mounts = json_object_get(c, "volumeMounts");
		wl(b, 2, "Mounts:%s\n", json_array_size(mounts) ? "" : "\t<none>");
		json_t *m;
		json_array_foreach(mounts, k, m)
			wl(b, 3, "%s from %s (%s)\n", jstr(m, "mountPath"), jstr(m, "name"),
			   json_is_true(json_object_get(m, "readOnly")) ? "ro" : "rw");
	}
}

static void describe_volumes(sbuf *b, json_t *vols)
{
	if (!json_array_size(vols)) {
		wl(b, 0, "Volumes:\t<none>\n");
		return;
	}
	wl(b, 0, "Volumes:\n");
	size_t i;
	json_t *v, *x;
	json_array_foreach(vols, i, v) {
		wl(b, 1, "%s:\n", jstr(v, "name"));
		if ((x = json_object_get(v, "hostPath"))) {
			wl(b, 2, "Type:\tHostPath (bare host directory volume)\n");
			wl(b, 2, "Path:\t%s\n", jstr(x, "path"));
			wl(b, 2, "HostPathType:\t%s\n", *jstr(x, "type") ? jstr(x, "type") : "<none>");
		} else if ((x = json_object_get(v, "emptyDir"))) {
			wl(b, 2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n");
			wl(b, 2, "Medium:\t%s\n", jstr(x, "medium"));
			wl(b, 2, "SizeLimit:\t%s\n", *jstr(x, "sizeLimit") ? jstr(x, "sizeLimit") : "<unset>");
		} else {
			const char *k;
			json_t *val;
			const char *type = "<unknown>";
			json_object_foreach(v, k, val) {
				if (strcmp(k, "name") != 0)
					type = k;
			}
			wl(b, 2, "Type:\t%s\n", type);
		}
	}
}

static void describe_tolerations(sbuf *b, json_t *tols)
{
	wl(b, 0, "Tolerations:\t");
	if (!json_array_size(tols)) {
		sb_add(b, "<none>\n", 7);
		return;
	}
	size_t i;
	json_t *t;
	json_array_foreach(tols, i, t) {
		if (i)
			sb_add(b, "\t", 1);
		sb_printf(b, "%s", jstr(t, "key"));
		if (*jstr(t, "value"))
			sb_printf(b, "=%s", jstr(t, "value"));
		if (*jstr(t, "effect"))
			sb_printf(b, ":%s", jstr(t, "effect"));
		if (strcmp(jstr(t, "operator"), "Exists") == 0 && !*jstr(t, "value"))
			sb_printf(b, "%s", *jstr(t, "key") || *jstr(t, "effect") ? " op=Exists" : "op=Exists");
		json_t *secs = json_object_get(t, "tolerationSeconds");
		if (json_is_integer(secs))
			sb_printf(b, " for %" JSON_INTEGER_FORMAT "s", json_integer_value(secs));
		sb_add(b, "\n", 1);
	}
}

static void describe_one(json_t *root, json_t *e)
{
	json_t *pod = json_object_get(e, "pod");
	json_t *md = json_object_get(pod, "metadata");
	json_t *spec = json_object_get(pod, "spec");
	json_t *st = json_object_get(e, "status_json");
	const char *node = json_string_value(json_object_get(root, "node"));
	sbuf b = {0};
	char t[64];
	wl(&b, 0, "Name:\t%s\n", jstr(e, "name"));
	wl(&b, 0, "Namespace:\t%s\n", jstr(e, "namespace"));
	wl(&b, 0, "Priority:\t%d\n", (int)json_integer_value(json_object_get(spec, "priority")));
	if (*jstr(spec, "priorityClassName"))
		wl(&b, 0, "Priority Class Name:\t%s\n", jstr(spec, "priorityClassName"));
	wl(&b, 0, "Service Account:\t%s\n",
	   *jstr(spec, "serviceAccountName") ? jstr(spec, "serviceAccountName") : "default");
	wl(&b, 0, "Node:\t%s/%s\n", node ? node : "", jstr(st, "hostIP"));
	int64_t start = parse_rfc3339(jstr(st, "startTime"));
	if (start >= 0) {
		rfc1123z(start, t, sizeof t);
		wl(&b, 0, "Start Time:\t%s\n", t);
	}
	kv_multiline(&b, "Labels", json_object_get(md, "labels"), false);
	kv_multiline(&b, "Annotations", json_object_get(md, "annotations"), true);
	const char *phase = jstr(st, "phase");
	if (json_is_true(json_object_get(e, "terminating")) && strcmp(phase, "Succeeded") != 0 &&
	    strcmp(phase, "Failed") != 0) {
		char age[32];
		json_t *del = json_object_get(e, "deletion_ms");
		if (json_is_integer(del))
			human_duration(cli_wall_ms() - json_integer_value(del), age, sizeof age);
		else
			snprintf(age, sizeof age, "<unknown>");
		wl(&b, 0, "Status:\tTerminating (lasts %s)\n", age);
		wl(&b, 0, "Termination Grace Period:\t%ds\n",
		   (int)json_integer_value(json_object_get(spec, "terminationGracePeriodSeconds")));
	} else {
		wl(&b, 0, "Status:\t%s\n", *phase ? phase : jstr(e, "phase"));
	}
	if (*jstr(st, "reason"))
		wl(&b, 0, "Reason:\t%s\n", jstr(st, "reason"));
	if (*jstr(st, "message"))
		wl(&b, 0, "Message:\t%s\n", jstr(st, "message"));
	wl(&b, 0, "IP:\t%s\n", jstr(st, "podIP"));
	if (*jstr(st, "podIP")) {
		wl(&b, 0, "IPs:\n");
		wl(&b, 1, "IP:\t%s\n", jstr(st, "podIP"));
	} else {
		wl(&b, 0, "IPs:\t<none>\n");
	}
	if (node)
		wl(&b, 0, "Controlled By:\tNode/%s\n", node);
	if (json_array_size(json_object_get(spec, "initContainers")))
		describe_containers(&b, "Init Containers", json_object_get(spec, "initContainers"),
		                    json_object_get(st, "initContainerStatuses"));
	describe_containers(&b, "Containers", json_object_get(spec, "containers"),
	                    json_object_get(st, "containerStatuses"));
	json_t *conds = json_object_get(st, "conditions");
	if (json_array_size(conds)) {
		wl(&b, 0, "Conditions:\n  Type\tStatus\n");
		size_t i;
		json_t *c;
		json_array_foreach(conds, i, c)
			wl(&b, 1, "%s \t%s \n", jstr(c, "type"), jstr(c, "status"));
	}
	describe_volumes(&b, json_object_get(spec, "volumes"));
	wl(&b, 0, "QoS Class:\t%s\n", jstr(st, "qosClass"));
	kv_multiline(&b, "Node-Selectors", json_object_get(spec, "nodeSelector"), false);
	describe_tolerations(&b, json_object_get(spec, "tolerations"));
	/* With no events, "Events:\t<none>" is aligned with the lines above
	 * (kubectl flushes its tabwriter before a non-empty Events table only). */
	const char *events = jstr(e, "events");
	const char *eol = strchr(events, '\n');
	if (strncmp(events, "Events:", 7) != 0 || !eol || memmem(events, (size_t)(eol - events), "<none>", 6)) {
		wl(&b, 0, "Events:\t<none>\n");
		events = "";
	}
	tabwrite(stdout, b.p, 0, 2);
	fputs(events, stdout);
	free(b.p);
}

int cmd_describe(int argc, char **argv)
{
	copts o;
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest)
		return 1;
	int n = common_opts(argc, argv, &o, rest, "describe");
	int status = 1;
	const char *names[256];
	size_t n_names = 0;
	bool have_resource = false;
	for (int i = 0; i < n; i++) {
		const char *a = rest[i];
		if (a[0] == '-') {
			fprintf(stderr, "error: unknown flag: %s\n", a);
			goto usage;
		} else if (resource_arg(a, &have_resource, names, &n_names) != 0) {
			goto out;
		}
	}
	if (n < 0 || !have_resource)
		goto usage;
	json_t *root = load_pods(&o, true);
	if (!root)
		goto out;
	status = 0;
	size_t shown = 0;
	if (n_names == 0) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(root, "pods"), i, v) {
			if (!o.all_ns && strcmp(jstr(v, "namespace"), o.ns) != 0)
				continue;
			if (shown++)
				printf("\n\n");
			describe_one(root, v);
		}
		if (!shown)
			fprintf(stderr, "No resources found in %s namespace.\n", o.ns);
	}
	for (size_t k = 0; k < n_names; k++) {
		json_t *e = find_entry(root, o.ns, names[k]);
		if (!e) {
			fprintf(stderr, "Error from server (NotFound): pods \"%s\" not found\n", names[k]);
			status = 1;
			continue;
		}
		if (shown++)
			printf("\n\n");
		describe_one(root, e);
	}
	json_decref(root);
	goto out;
usage:
	fprintf(stderr, "usage: podlife describe pod NAME... [-n NAMESPACE] [--state-dir DIR]\n");
	status = 2;
out:
	free(rest);
	return status;
}

/* ---- logs ------------------------------------------------------------------------------------ */

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

/* The attempts N with a log file N.log in dir, sorted; count in *n. */
static unsigned *log_attempts(const char *dir, size_t *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	size_t cap = 16;
	unsigned *v = malloc(cap * sizeof *v);
	struct dirent *de;
	while (v && (de = readdir(d))) {
		char *end = NULL;
		unsigned long a = strtoul(de->d_name, &end, 10);
		if (end == de->d_name || strcmp(end, ".log") != 0 || a > UINT_MAX)
			continue;
		if (*n == cap) {
			unsigned *nv = realloc(v, cap * 2 * sizeof *nv);
			if (!nv)
				break;
			v = nv;
			cap *= 2;
		}
		v[(*n)++] = (unsigned)a;
	}
	closedir(d);
	if (v)
		qsort(v, *n, sizeof *v, cmp_uint);
	return v;
}

/* The container instance that wrote `log_path` last: its directory and
 * creation time (Unix ms), from <state>/containers/<id>/meta.json. */
static bool find_instance(const copts *o, const char *log_path, char *dir, size_t len,
                          int64_t *created)
{
	char cdir[PATH_MAX];
	cli_pathf(cdir, sizeof cdir, "%s/containers", o->state);
	DIR *d = opendir(cdir);
	if (!d)
		return false;
	bool found = false;
	*created = -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		cli_pathf(path, sizeof path, "%s/%s/meta.json", cdir, de->d_name);
		json_t *m = json_load_file(path, 0, NULL);
		if (!m)
			continue;
		const char *lp = jstr(m, "log_path");
		char real_a[PATH_MAX], real_b[PATH_MAX];
		bool same = strcmp(lp, log_path) == 0 ||
		            (realpath(lp, real_a) && realpath(log_path, real_b) && strcmp(real_a, real_b) == 0);
		int64_t c = json_integer_value(json_object_get(m, "created_ms"));
		if (same && (!found || c > *created)) {
			found = true;
			*created = c;
			cli_pathf(dir, len, "%s/%s", cdir, de->d_name);
		}
		json_decref(m);
	}
	closedir(d);
	return found;
}

/* Prints the text of the complete CRI lines in buf[0..len); returns the
 * bytes used.  Lines stamped before `since_ms` belong to an earlier
 * instance of the same pod and are skipped. */
static size_t print_cri(const char *buf, size_t len, int64_t since_ms, bool timestamps)
{
	size_t used = 0;
	while (used < len) {
		const char *line = buf + used;
		const char *nl = memchr(line, '\n', len - used);
		if (!nl)
			break;
		size_t n = (size_t)(nl - line);
		used += n + 1;
		/* "<time> <stream> <tag> <text>" */
		const char *sp1 = memchr(line, ' ', n);
		const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line)) : NULL;
		const char *sp3 = sp2 ? memchr(sp2 + 1, ' ', n - (size_t)(sp2 + 1 - line)) : NULL;
		if (!sp3 && sp2 && (size_t)(sp2 + 2 - line) == n)
			sp3 = line + n; /* an empty text */
		if (!sp3) {
			fwrite(line, 1, n, stdout);
			fputc('\n', stdout);
			continue;
		}
		if (since_ms >= 0) {
			char ts[64];
			snprintf(ts, sizeof ts, "%.*s", (int)(sp1 - line), line);
			int64_t t = parse_rfc3339(ts);
			if (t >= 0 && t < since_ms)
				continue;
		}
		if (timestamps)
			fwrite(line, 1, (size_t)(sp1 - line + 1), stdout);
		const char *text = sp3 < line + n ? sp3 + 1 : line + n;
		fwrite(text, 1, (size_t)(line + n - text), stdout);
		bool partial = sp3 - sp2 == 2 && sp2[1] == 'P';
		if (!partial)
			fputc('\n', stdout);
	}
	fflush(stdout);
	return used;
}

int cmd_logs(int argc, char **argv)
{
	copts o;
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest)
		return 1;
	int n = common_opts(argc, argv, &o, rest, "logs");
	int status = 1;
	const char *name = NULL, *container = NULL;
	bool follow = false, previous = false, timestamps = false;
	json_t *root = NULL;
	unsigned *att = NULL;
	char *buf = NULL;
	for (int i = 0; i < n; i++) {
		const char *a = rest[i];
		if (strcmp(a, "-c") == 0 || strcmp(a, "--container") == 0) {
			if (i + 1 >= n)
				goto usage;
			container = rest[++i];
		} else if (strncmp(a, "--container=", 12) == 0) {
			container = a + 12;
		} else if (strncmp(a, "-c", 2) == 0 && a[2]) {
			container = a + 2 + (a[2] == '=');
		} else if (strcmp(a, "-f") == 0 || strcmp(a, "--follow") == 0) {
			follow = true;
		} else if (strcmp(a, "-p") == 0 || strcmp(a, "--previous") == 0) {
			previous = true;
		} else if (strcmp(a, "--timestamps") == 0) {
			timestamps = true;
		} else if (a[0] == '-') {
			fprintf(stderr, "error: unknown flag: %s\n", a);
			goto usage;
		} else if (!name) {
			name = pod_arg(a);
		} else if (!container) {
			container = a; /* kubectl logs POD CONTAINER */
		} else {
			goto usage;
		}
	}
	if (n < 0 || !name)
		goto usage;

	char poddir[PATH_MAX];
	cli_pathf(poddir, sizeof poddir, "%s/logs/%s_%s", o.state, o.ns, name);
	root = load_pods(&o, false);
	json_t *e = root ? find_entry(root, o.ns, name) : NULL;
	struct stat st;
	if (!e && stat(poddir, &st) != 0) {
		fprintf(stderr, "Error from server (NotFound): pods \"%s\" not found\n", name);
		goto out;
	}
	if (e) {
		json_t *spec = jpath(e, "pod", "spec");
		json_t *ctrs = json_object_get(spec, "containers");
		json_t *inits = json_object_get(spec, "initContainers");
		bool known = false;
		size_t i;
		json_t *c;
		const char *lists[] = {"containers", "initContainers"};
		for (int l = 0; l < 2 && container; l++)
			json_array_foreach(json_object_get(spec, lists[l]), i, c)
				known |= strcmp(jstr(c, "name"), container) == 0;
		if (!container && json_array_size(ctrs) == 1) {
			container = jstr(json_array_get(ctrs, 0), "name");
		} else if (!container) {
			sbuf b = {0};
			sb_printf(&b, "error: a container name must be specified for pod %s, choose one of: [", name);
			json_array_foreach(ctrs, i, c)
				sb_printf(&b, "%s%s", i ? " " : "", jstr(c, "name"));
			sb_add(&b, "]", 1);
			if (json_array_size(inits)) {
				sb_printf(&b, " or one of the init containers: [");
				json_array_foreach(inits, i, c)
					sb_printf(&b, "%s%s", i ? " " : "", jstr(c, "name"));
				sb_add(&b, "]", 1);
			}
			fprintf(stderr, "%s\n", b.p);
			free(b.p);
			goto out;
		} else if (!known) {
			fprintf(stderr, "error: container %s is not valid for pod %s\n", container, name);
			goto out;
		}
	} else if (!container) {
		/* serve does not know the pod (any more): the containers of its log directory */
		DIR *d = opendir(poddir);
		struct dirent *de;
		sbuf b = {0};
		size_t count = 0;
		const char *only = NULL;
		char onlybuf[NAME_MAX + 1];
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			sb_printf(&b, "%s%s", count++ ? " " : "", de->d_name);
			snprintf(onlybuf, sizeof onlybuf, "%s", de->d_name);
			only = onlybuf;
		}
		if (d)
			closedir(d);
		if (count != 1) {
			fprintf(stderr, "error: a container name must be specified for pod %s, choose one of: [%s]\n",
			        name, b.p ? b.p : "");
			free(b.p);
			goto out;
		}
		free(b.p);
		static char chosen[NAME_MAX + 1];
		snprintf(chosen, sizeof chosen, "%s", only);
		container = chosen;
	}

	char cdir[PATH_MAX];
	cli_pathf(cdir, sizeof cdir, "%s/%s", poddir, container);
	size_t na = 0;
	att = log_attempts(cdir, &na);
	if (previous && na < 2) {
		fprintf(stderr, "Error from server (BadRequest): previous terminated container \"%s\" in pod \"%s\" not found\n",
		        container, name);
		goto out;
	}
	if (na == 0) {
		const char *reason = "ContainerCreating";
		size_t i;
		json_t *c;
		const char *lists[] = {"containerStatuses", "initContainerStatuses"};
		for (int l = 0; e && l < 2; l++)
			json_array_foreach(jpath(e, "status_json", lists[l]), i, c)
				if (strcmp(jstr(c, "name"), container) == 0 &&
				    *jstr(jpath(c, "state", "waiting"), "reason"))
					reason = jstr(jpath(c, "state", "waiting"), "reason");
		fprintf(stderr, "Error from server (BadRequest): container \"%s\" in pod \"%s\" is waiting to start: %s\n",
		        container, name, reason);
		goto out;
	}
	unsigned attempt = att[previous ? na - 2 : na - 1];
	char path[PATH_MAX + 32];
	cli_pathf(path, sizeof path, "%s/%u.log", cdir, attempt);
	char idir[PATH_MAX];
	int64_t created = -1;
	bool have_instance = find_instance(&o, path, idir, sizeof idir, &created);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "error: %s: %s\n", path, strerror(errno));
		goto out;
	}
	size_t cap = 65536, len = 0;
	buf = malloc(cap);
	status = 0;
	for (;;) {
		if (!buf) {
			status = 1;
			break;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0) {
			len += (size_t)r;
			size_t used = print_cri(buf, len, created, timestamps);
			memmove(buf, buf + used, len - used);
			len -= used;
			if (len == cap) { /* a line longer than the buffer */
				fwrite(buf, 1, len, stdout);
				len = 0;
			}
			continue;
		}
		if (r < 0) {
			status = 1;
			break;
		}
		if (!follow || previous)
			break;
		/* at the end: stop once the container ended and the rest is read */
		char exitp[PATH_MAX + 8];
		cli_pathf(exitp, sizeof exitp, "%s/exit", idir);
		if (have_instance && (access(exitp, F_OK) == 0 || access(idir, F_OK) != 0)) {
			/* ended (exit written), or already removed with its pod */
			r = read(fd, buf + len, cap - len);
			if (r > 0) {
				len += (size_t)r;
				continue;
			}
			break;
		}
		if (!have_instance)
			have_instance = find_instance(&o, path, idir, sizeof idir, &created);
		struct timespec ts = {0, 200 * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (len) {
		buf[len < cap ? len : cap - 1] = '\n';
		print_cri(buf, len < cap ? len + 1 : cap, created, timestamps);
	}
	close(fd);
	goto out;
usage:
	fprintf(stderr, "usage: podlife logs NAME [-c CONTAINER] [-f] [--previous] [--timestamps] "
	                "[-n NAMESPACE] [--state-dir DIR]\n");
	status = 2;
out:
	free(buf);
	free(att);
	json_decref(root);
	free(rest);
	return status;
}

/* ---- delete pod --------------------------------------------------------------------------------- */

/* One line to serve.sock, one line back ("ok" or "error TEXT"). */
static int control(const copts *o, const char *line, char *reply, size_t len)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	cli_pathf(sa.sun_path, sizeof sa.sun_path, "%s/serve.sock", o->state);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (cli_write_all(fd, line, strlen(line)) != 0) {
		close(fd);
		return -1;
	}
	size_t n = cli_read_line(fd, reply, len);
	char *nl = strchr(reply, '\n');
	if (nl)
		*nl = 0;
	close(fd);
	return n ? 0 : -1;
}

int cmd_delete(int argc, char **argv)
{
	copts o;
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest)
		return 1;
	int n = common_opts(argc, argv, &o, rest, "delete");
	int status = 1;
	const char *names[256];
	size_t n_names = 0;
	bool have_resource = false, wait = true, force = false;
	long long grace = -1;
	for (int i = 0; i < n; i++) {
		const char *a = rest[i];
		const char *v = NULL;
		if (strcmp(a, "--grace-period") == 0) {
			if (i + 1 >= n)
				goto usage;
			v = rest[++i];
		} else if (strncmp(a, "--grace-period=", 15) == 0) {
			v = a + 15;
		} else if (strcmp(a, "--now") == 0) {
			grace = 1;
			continue;
		} else if (strcmp(a, "--force") == 0) {
			force = true;
			continue;
		} else if (strcmp(a, "--wait=false") == 0) {
			wait = false;
			continue;
		} else if (strcmp(a, "--wait") == 0 || strcmp(a, "--wait=true") == 0) {
			wait = true;
			continue;
		} else if (a[0] == '-') {
			fprintf(stderr, "error: unknown flag: %s\n", a);
			goto usage;
		} else {
			if (resource_arg(a, &have_resource, names, &n_names) != 0)
				goto out;
			continue;
		}
		char *end = NULL;
		grace = strtoll(v, &end, 10);
		if (!*v || *end || grace < -1) {
			fprintf(stderr, "error: invalid argument \"%s\" for \"--grace-period\" flag\n", v);
			goto out;
		}
	}
	if (n < 0 || !have_resource)
		goto usage;
	if (n_names == 0) {
		fprintf(stderr, "error: resource(s) were provided, but no name was specified\n");
		goto out;
	}
	if (force && grace < 0)
		grace = 0;
	if (grace == 0 && !force)
		grace = 1; /* kubectl: --grace-period=0 without --force means 1 */
	if (!cli_serve_pid(o.state)) {
		fprintf(stderr, "The connection to the server was refused: no podlife serve is running on %s\n",
		        o.state);
		goto out;
	}
	if (force)
		fprintf(stderr, "Warning: Immediate deletion does not wait for confirmation that the running "
		                "resource has been terminated. The resource may continue to run on the cluster "
		                "indefinitely.\n");
	status = 0;
	bool *deleted = calloc(n_names, sizeof *deleted);
	for (size_t k = 0; deleted && k < n_names; k++) {
		char line[1200], reply[1024];
		snprintf(line, sizeof line, "delete %s/%s %lld\n", o.ns, names[k], grace);
		if (control(&o, line, reply, sizeof reply) != 0) {
			fprintf(stderr, "error: %s/serve.sock: %s\n", o.state, strerror(errno ? errno : EPROTO));
			status = 1;
			continue;
		}
		if (strcmp(reply, "ok") == 0) {
			printf("pod \"%s\" %sdeleted\n", names[k], force ? "force " : "");
			fflush(stdout);
			deleted[k] = true;
		} else if (strncmp(reply, "error pods ", 11) == 0) {
			fprintf(stderr, "Error from server (NotFound): %s\n", reply + 6);
			status = 1;
		} else {
			fprintf(stderr, "error: %s\n", strncmp(reply, "error ", 6) == 0 ? reply + 6 : reply);
			status = 1;
		}
	}
	/* kubectl waits until the pods are gone (here: removed by serve). */
	for (int tries = 0; wait && !force && deleted && tries < 10 * 600; tries++) {
		json_t *root = load_pods(&o, false);
		bool left = false;
		for (size_t k = 0; root && k < n_names; k++)
			left |= deleted[k] && find_entry(root, o.ns, names[k]) != NULL;
		json_decref(root);
		if (!left || !cli_serve_pid(o.state))
			break;
		struct timespec ts = {0, 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	free(deleted);
	goto out;
usage:
	fprintf(stderr, "usage: podlife delete pod NAME... [--grace-period N] [--now] [--force] "
	                "[--wait=false] [-n NAMESPACE] [--state-dir DIR]\n");
	status = 2;
out:
	free(rest);
	return status;
}
