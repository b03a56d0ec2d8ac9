/*
 * tests/bench/bench_readers.c - throughput of the document readers next to
 * the libraries under them: a bare libyaml event scan against pl_read_yaml
 * on the same bytes (every .yaml/.yml file under DIR, joined with "---"),
 * and a bare jansson load against pl_read_json on a JSON document of the
 * same size.  Prints MB/s and the ratio; run by hand:
 *
 *   meson setup build-bench -Dbenchmarks=true --buildtype=release
 *   ninja -C build-bench
 *   build-bench/tests/bench/bench_readers [DIR] [SECONDS] [ONLY]
 *
 * ONLY (scan or yaml) runs just that one, for profilers.
 *
 * DIR defaults to /work/shared/reference/k8s-examples.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <yaml.h>

#include "common/common.h"
#include "spec/node.h"

static char *buf;
static size_t len, cap;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void append(const char *s, size_t n)
{
	if (len + n + 1 > cap) {
		size_t nc = cap ? cap : 1 << 16;
		while (nc < len + n + 1)
			nc *= 2;
		char *nb = realloc(buf, nc);
		if (!nb) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		buf = nb;
		cap = nc;
	}
	memcpy(buf + len, s, n);
	len += n;
	buf[len] = '\0';
}

static bool is_yaml(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

/* Adds one file when libyaml reads it without error. */
static void add_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	char tmp[1 << 16];
	size_t start = len, n;
	append("---\n", 4);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		append(tmp, n);
	fclose(f);
	if (len && buf[len - 1] != '\n')
		append("\n", 1);
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf + start, len - start);
	bool ok = true;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			ok = false;
			break;
		}
		bool end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	if (!ok)
		len = start;
}

static void add_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			add_dir(path);
		else if (is_yaml(e->d_name))
			add_file(path);
	}
	closedir(d);
}

static size_t scan(const char *data, size_t n)
{
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)data, n);
	size_t events = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev))
			break;
		bool end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		events++;
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	return events;
}

static int count_doc(void *ud, unsigned int index, pl_node *root)
{
	(void)index;
	(void)root;
	(*(size_t *)ud)++;
	return PODLIFE_OK;
}

typedef size_t (*bench_fn)(const char *data, size_t n);

/* Best of five rounds of secs/5 each, so that noise does not favour one. */
static double run(const char *name, const char *data, size_t n, double secs, bench_fn fn)
{
	double best = 0;
	size_t sink = 0, total = 0;
	for (int round = 0; round < 5; round++) {
		size_t iters = 0;
		double t0 = now(), t;
		do {
			sink = fn(data, n);
			iters++;
			t = now() - t0;
		} while (t < secs / 5);
		double mbs = (double)n * (double)iters / t / 1e6;
		if (mbs > best)
			best = mbs;
		total += iters;
	}
	printf("%-28s %8.1f MB/s  (%zu runs, %zu)\n", name, best, total, sink);
	return best;
}

static size_t read_yaml(const char *data, size_t n)
{
	size_t docs = 0;
	pl_read_limits lim = {0, 0, 0};
	int rc = pl_read_yaml(pl_alloc_default(), data, n, &lim, NULL, count_doc, &docs);
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "pl_read_yaml: %d\n", rc);
		exit(1);
	}
	return docs;
}

static size_t load_json(const char *data, size_t n)
{
	json_error_t err;
	json_t *j = json_loadb(data, n, 0, &err);
	size_t r = j ? json_array_size(j) : 0;
	json_decref(j);
	return r;
}

static size_t read_json(const char *data, size_t n)
{
	size_t docs = 0;
	int rc = pl_read_json(pl_alloc_default(), data, n, NULL, NULL, count_doc, &docs);
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "pl_read_json: %d\n", rc);
		exit(1);
	}
	return docs;
}

/* The same documents as one JSON array (for the JSON figures). */
static json_t *json_of(const pl_node *n)
{
	switch (n->kind) {
	case PL_N_MAP: {
		json_t *o = json_object();
		for (size_t i = 0; i < n->n; i++)
			json_object_setn_new(o, n->u.pairs[i].key->u.text, n->u.pairs[i].key->n,
			                     json_of(n->u.pairs[i].value));
		return o;
	}
	case PL_N_SEQ: {
		json_t *a = json_array();
		for (size_t i = 0; i < n->n; i++)
			json_array_append_new(a, json_of(n->u.items[i]));
		return a;
	}
	case PL_N_SCALAR: return json_stringn(n->u.text, n->n);
	default: return json_null();
	}
}

static int to_json(void *ud, unsigned int index, pl_node *root)
{
	(void)index;
	json_array_append_new(ud, json_of(root));
	return PODLIFE_OK;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/work/shared/reference/k8s-examples";
	double secs = argc > 2 ? atof(argv[2]) : 2.0;
	add_dir(dir);
	if (!len) {
		fprintf(stderr, "no YAML files under %s\n", dir);
		return 1;
	}
	const char *only = argc > 3 ? argv[3] : NULL;
	if (only) {
		bench_fn fn = strcmp(only, "scan") == 0 ? scan
		              : strcmp(only, "yaml") == 0 ? read_yaml : NULL;
		if (!fn) {
			fprintf(stderr, "ONLY is scan or yaml\n");
			return 2;
		}
		run(only, buf, len, secs, fn);
		free(buf);
		return 0;
	}
	printf("%zu bytes of YAML from %s\n", len, dir);
	double bare = run("libyaml event scan", buf, len, secs, scan);
	double ours = run("pl_read_yaml", buf, len, secs, read_yaml);
	printf("pl_read_yaml costs %.2fx the bare scan\n", bare / ours);

	json_t *all = json_array();
	pl_read_yaml(pl_alloc_default(), buf, len, NULL, NULL, to_json, all);
	char *js = json_dumps(all, JSON_COMPACT);
	json_decref(all);
	if (js) {
		size_t jn = strlen(js);
		printf("%zu bytes of JSON\n", jn);
		double jb = run("jansson json_loadb", js, jn, secs, load_json);
		double jo = run("pl_read_json", js, jn, secs, read_json);
		printf("pl_read_json costs %.2fx the bare load\n", jb / jo);
		free(js);
	}
	free(buf);
	return 0;
}
