/*
 * tests/bench/bench_parse.c - parse + default + validate throughput of
 * podlife_pod_parse on a corpus of typical manifests, next to a bare
 * libyaml event scan of the same bytes and a bare jansson load of their
 * JSON form.  Prints MB/s and the ratio; run by hand:
 *
 *   meson setup build-bench -Dbenchmarks=true --buildtype=release
 *   ninja -C build-bench && build-bench/tests/bench/bench_parse [DIR] [SECONDS]
 *
 * On a loaded machine wall-clock figures swing; tests/bench/parse-ratio.sh
 * gives the same ratios from instruction counts (callgrind).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <podlife.h>
#include <yaml.h>

typedef struct doc {
	char *yaml;
	size_t ylen;
	char *json; /* the same pods as JSON (from podlife's export) */
	size_t jlen;
} doc;

static doc *docs;
static size_t ndocs, capdocs;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = '\0';
		*len = (size_t)n;
	}
	return b;
}

static void add_file(const char *path)
{
	size_t len;
	char *y = slurp(path, &len);
	if (!y)
		return;
	podlife_pod_list *l = NULL;
	if (podlife_pod_parse(y, len, NULL, &l, NULL) != PODLIFE_OK || podlife_pod_list_count(l) != 1) {
		podlife_pod_list_free(l);
		free(y);
		return; /* only files holding exactly one valid pod */
	}
	char *j = NULL;
	podlife_pod_to_json(podlife_pod_list_get(l, 0), 0, &j);
	podlife_pod_list_free(l);
	if (ndocs == capdocs) {
		capdocs = capdocs ? capdocs * 2 : 64;
		docs = realloc(docs, capdocs * sizeof(*docs));
	}
	docs[ndocs++] = (doc){y, len, j, strlen(j)};
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			walk(p);
		else if (strstr(de->d_name, ".yaml"))
			add_file(p);
	}
	closedir(d);
}

static size_t yaml_scan(const char *s, size_t n)
{
	yaml_parser_t p;
	yaml_event_t ev;
	size_t events = 0;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)s, n);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev))
			break;
		events++;
		int done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (done)
			break;
	}
	yaml_parser_delete(&p);
	return events;
}

typedef int (*run_fn)(const doc *d, int json);

static int run_scan(const doc *d, int json)
{
	return json ? 0 : (int)yaml_scan(d->yaml, d->ylen);
}

static int run_jansson(const doc *d, int json)
{
	json_error_t e;
	json_t *v = json_loadb(d->json, d->jlen, 0, &e);
	json_decref(v);
	return v != NULL;
}

static int run_podlife(const doc *d, int json)
{
	podlife_pod_list *l = NULL;
	int rc = json ? podlife_pod_parse(d->json, d->jlen, NULL, &l, NULL)
	              : podlife_pod_parse(d->yaml, d->ylen, NULL, &l, NULL);
	podlife_pod_list_free(l);
	return rc == PODLIFE_OK;
}

static double measure(run_fn fn, int json, double seconds, size_t *bytes_out)
{
	size_t bytes = 0;
	double t0 = now(), t;
	do {
		for (size_t i = 0; i < ndocs; i++) {
			fn(&docs[i], json);
			bytes += json ? docs[i].jlen : docs[i].ylen;
		}
		t = now();
	} while (t - t0 < seconds);
	*bytes_out = bytes;
	return (double)bytes / (t - t0) / 1e6;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/manifests";
	double seconds = argc > 2 ? atof(argv[2]) : 3.0;
	walk(dir);
	if (!ndocs) {
		fprintf(stderr, "no single-pod manifests under %s\n", dir);
		return 1;
	}
	size_t ybytes = 0, jbytes = 0, b;
	for (size_t i = 0; i < ndocs; i++) {
		ybytes += docs[i].ylen;
		jbytes += docs[i].jlen;
	}
	printf("corpus: %zu manifests, %zu bytes YAML, %zu bytes JSON\n", ndocs, ybytes, jbytes);
	if (argc > 3) {
		/*
		 * One mode alone, for instruction counts that do not depend on
		 * the machine's load:
		 *   valgrind --tool=callgrind bench_parse DIR 0 MODE
		 * with MODE one of none, scan, podlife, jansson, podlife-json;
		 * a mode's cost is its count minus the count of "none".
		 */
		const char *mode = argv[3];
		if (strcmp(mode, "none") == 0)
			return 0;
		run_fn fn = strcmp(mode, "scan") == 0      ? run_scan
		            : strcmp(mode, "jansson") == 0 ? run_jansson
		                                           : run_podlife;
		int json = strcmp(mode, "jansson") == 0 || strcmp(mode, "podlife-json") == 0;
		printf("%s %8.1f MB/s\n", mode, measure(fn, json, seconds, &b));
		return 0;
	}
	double scan = measure(run_scan, 0, seconds, &b);
	double py = measure(run_podlife, 0, seconds, &b);
	double jl = measure(run_jansson, 1, seconds, &b);
	double pj = measure(run_podlife, 1, seconds, &b);
	printf("YAML  bare libyaml event scan        %8.1f MB/s\n", scan);
	printf("YAML  podlife parse+default+validate %8.1f MB/s   ratio %.2fx\n", py, scan / py);
	printf("JSON  bare jansson load              %8.1f MB/s\n", jl);
	printf("JSON  podlife parse+default+validate %8.1f MB/s   ratio %.2fx\n", pj, jl / pj);
	for (size_t i = 0; i < ndocs; i++) {
		free(docs[i].yaml);
		podlife_free(docs[i].json);
	}
	free(docs);
	return 0;
}
