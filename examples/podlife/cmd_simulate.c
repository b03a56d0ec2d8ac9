/*
 * examples/podlife/cmd_simulate.c - `podlife simulate`: runs a pod on the
 * fake backend with the simulated clock and prints its timeline: the
 * `kubectl get pods` columns whenever they change and every event, as a
 * table or as JSON lines.  Uses only the public API.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <podlife.h>

#include "cli.h"
#include "timeline.h"

typedef struct sim {
	podlife_engine *e;
	const char *ns, *name;
	int json;
	int64_t t0;
	tl_row row;
	int64_t now; /* simulated time of the current step */
	podlife_simclock *sc;
} sim;

static void usage_simulate(FILE *f)
{
	fprintf(f,
	        "usage: podlife simulate FILE [options] [-o json]\n"
	        "  --for DURATION            simulated time to run (default 10m)\n"
	        "  --behave NAME=STEP[,...]  runs of container NAME, the last repeating:\n"
	        "                            exit:CODE@DUR, run, hang, oom@DUR\n"
	        "  --image-missing REF       image not present locally (others are)\n"
	        "  --pull-fail REF=N         the first N pulls of REF fail\n"
	        "  --pull-time DURATION      how long each pull takes (default 0s)\n"
	        "  --node-label KEY=VALUE    a label of the simulated node\n"
	        "  --delete-at DURATION      delete the pod at that time\n"
	        "  --probe NAME.KIND=RESULTS results of a probe of container NAME (KIND\n"
	        "                            liveness, readiness or startup), one per run,\n"
	        "                            the last repeating: ok, fail, error, timeout\n"
	        "  -o json                   one JSON object per line\n");
}

static void on_event(void *ud, const podlife_event *ev)
{
	sim *s = ud;
	tl_event(stdout, ev, ev->time_ms - s->t0, s->json, 0);
}

static void print_row(sim *s, int64_t now, int force)
{
	tl_row_print(stdout, &s->row, s->e, s->ns, s->name, now - s->t0, s->json, 0, force);
}

/* The engine reports a status change: print a row when a column moved. */
static void on_changed(void *ud, const char *ns, const char *name)
{
	sim *s = ud;
	(void)ns;
	(void)name;
	print_row(s, s->sc ? podlife_simclock_now(s->sc) : s->now, 0);
}

static int step_cb(void *ud, int64_t now)
{
	((sim *)ud)->now = now;
	return 0;
}

static void print_error(const char *what, podlife_error *err, int rc)
{
	fprintf(stderr, "podlife simulate: %s: %s\n", what,
	        err ? podlife_error_message(err) : podlife_strerror(rc));
	podlife_error_free(err);
}

int cmd_simulate(int argc, char **argv)
{
	const char *file = NULL, *output = NULL;
	int64_t dur = 10 * 60 * 1000, delete_at = -1, pull_ms = 0;
	const char *labels[128];
	size_t n_labels = 0;
	int rc = 0;

	/* First pass: options that do not need the fake. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_val = i + 1 < argc;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage_simulate(stdout);
			return 0;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (!has_val)
				goto usage;
			output = argv[++i];
		} else if (strncmp(a, "-o", 2) == 0 && a[2]) {
			output = a + 2;
		} else if (strcmp(a, "--for") == 0 || strcmp(a, "--delete-at") == 0 ||
		           strcmp(a, "--pull-time") == 0) {
			if (!has_val)
				goto usage;
			int64_t v;
			if (podlife_duration_parse(argv[i + 1], &v) != PODLIFE_OK) {
				fprintf(stderr, "podlife simulate: %s: invalid duration \"%s\"\n", a, argv[i + 1]);
				return 2;
			}
			if (a[2] == 'f')
				dur = v;
			else if (a[2] == 'p')
				pull_ms = v;
			else
				delete_at = v;
			i++;
		} else if (strcmp(a, "--node-label") == 0) {
			if (!has_val || !strchr(argv[i + 1], '=') || n_labels + 2 > 128)
				goto usage;
			i++;
			labels[n_labels++] = argv[i];
		} else if (strcmp(a, "--behave") == 0 || strcmp(a, "--image-missing") == 0 ||
		           strcmp(a, "--pull-fail") == 0 || strcmp(a, "--probe") == 0) {
			if (!has_val)
				goto usage;
			i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "podlife simulate: unknown option %s\n", a);
			goto usage;
		} else if (!file) {
			file = a;
		} else {
			goto usage;
		}
	}
	if (!file || (output && strcmp(output, "json") != 0))
		goto usage;

	size_t len = 0;
	char *data = cli_read_input(file, &len);
	if (!data)
		return 1;
	podlife_parse_options po = PODLIFE_PARSE_OPTIONS_INIT;
	po.source_name = file;
	podlife_pod_list *list = NULL;
	podlife_diag *diag = NULL;
	rc = podlife_pod_parse(data, len, &po, &list, &diag);
	free(data);
	if (rc != PODLIFE_OK || podlife_pod_list_count(list) == 0) {
		for (size_t i = 0; diag && i < podlife_diag_count(diag); i++)
			fprintf(stderr, "%s: %s\n", file, podlife_error_message(podlife_diag_get(diag, i)));
		if (rc == PODLIFE_OK)
			fprintf(stderr, "%s: no pod found\n", file);
		podlife_diag_free(diag);
		podlife_pod_list_free(list);
		return 1;
	}
	podlife_diag_free(diag);
	if (podlife_pod_list_count(list) > 1)
		fprintf(stderr, "podlife simulate: %s: simulating the first of %zu pods\n", file,
		        podlife_pod_list_count(list));
	podlife_pod *pod = podlife_pod_list_get(list, 0);

	podlife_simclock *sc = NULL;
	podlife_fake *fake = NULL;
	sim s;
	memset(&s, 0, sizeof s);
	s.json = output != NULL;
	s.ns = podlife_pod_namespace(pod);
	s.name = podlife_pod_name(pod);
	rc = podlife_simclock_new(0, 0, NULL, &sc);
	if (rc == PODLIFE_OK)
		rc = podlife_fake_new(podlife_simclock_clock(sc), NULL, &fake);
	if (rc != PODLIFE_OK) {
		print_error("setup", NULL, rc);
		goto out;
	}
	podlife_fake_pull_time(fake, pull_ms);
	/* Second pass: the fake's script. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		podlife_error *err = NULL;
		if (strcmp(a, "--behave") == 0) {
			rc = podlife_fake_behave_arg(fake, argv[++i], &err);
			if (rc) {
				print_error("--behave", err, rc);
				rc = 2;
				goto out;
			}
		} else if (strcmp(a, "--probe") == 0) {
			rc = podlife_fake_probe_arg(fake, argv[++i], &err);
			if (rc) {
				print_error("--probe", err, rc);
				rc = 2;
				goto out;
			}
		} else if (strcmp(a, "--image-missing") == 0) {
			rc = podlife_fake_image_missing(fake, argv[++i]);
		} else if (strcmp(a, "--pull-fail") == 0) {
			const char *arg = argv[++i];
			const char *eq = strrchr(arg, '=');
			char *end = NULL;
			unsigned long n = eq ? strtoul(eq + 1, &end, 10) : 0;
			if (!eq || eq == arg || !end || *end || end == eq + 1 || n > 1000000) {
				fprintf(stderr, "podlife simulate: --pull-fail \"%s\": want REF=N\n", arg);
				rc = 2;
				goto out;
			}
			char ref[512];
			snprintf(ref, sizeof ref, "%.*s", (int)(eq - arg), arg);
			rc = podlife_fake_pull_fail(fake, ref, (unsigned int)n);
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 || strcmp(a, "--for") == 0 ||
		           strcmp(a, "--delete-at") == 0 || strcmp(a, "--node-label") == 0 ||
		           strcmp(a, "--pull-time") == 0) {
			i++;
		}
		if (rc) {
			print_error(a, NULL, rc);
			goto out;
		}
	}

	const char *pairs[256];
	char *kv = NULL;
	size_t total = 0;
	for (size_t i = 0; i < n_labels; i++)
		total += strlen(labels[i]) + 1;
	kv = malloc(total + 1);
	if (!kv) {
		rc = PODLIFE_ENOMEM;
		goto out;
	}
	char *w = kv;
	for (size_t i = 0; i < n_labels; i++) {
		size_t l = strlen(labels[i]);
		memcpy(w, labels[i], l + 1);
		char *eq = strchr(w, '=');
		*eq = 0;
		pairs[2 * i] = w;
		pairs[2 * i + 1] = eq + 1;
		w += l + 1;
	}
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.node_name = "node-1";
	cfg.node_labels = n_labels ? pairs : NULL;
	cfg.n_node_labels = n_labels;
	cfg.backend = podlife_fake_backend(fake);
	cfg.probes = podlife_fake_probes(fake);
	cfg.clock = podlife_simclock_clock(sc);
	cfg.on_event = on_event;
	cfg.event_ud = &s;
	cfg.on_pod_changed = on_changed;
	if (!s.json)
		cfg.flags |= PODLIFE_ENGINE_KEEP_EVENTS; /* for the closing Events table */
	cfg.changed_ud = &s;
	rc = podlife_engine_new(&cfg, &s.e);
	free(kv);
	if (rc) {
		print_error("engine", NULL, rc);
		goto out;
	}
	podlife_fake_attach(fake, s.e);
	s.sc = sc;
	s.t0 = podlife_simclock_now(sc);
	s.now = s.t0;
	if (!s.json)
		tl_header(stdout);
	rc = podlife_engine_add_pod(s.e, pod);
	if (rc) {
		print_error("add pod", NULL, rc);
		goto out;
	}
	print_row(&s, s.t0, 0);
	if (delete_at >= 0 && delete_at < dur) {
		podlife_fake_run(fake, s.e, sc, s.t0 + delete_at, step_cb, &s);
		s.now = podlife_simclock_now(sc);
		podlife_engine_delete_pod(s.e, s.ns, s.name, -1);
		print_row(&s, s.now, 0);
	}
	podlife_fake_run(fake, s.e, sc, s.t0 + dur, step_cb, &s);
	s.now = podlife_simclock_now(sc);
	print_row(&s, s.now, 0);

	char *final = NULL;
	rc = podlife_engine_status_json(s.e, s.ns, s.name, &final);
	if (rc == PODLIFE_OK) {
		if (s.json) {
			char tb[32];
			tl_fmt_t(tb, sizeof tb, s.now - s.t0);
			printf("{\"t\": %s, \"final\": %s}\n", tb, final);
		} else {
			char *ex = NULL;
			if (podlife_engine_explain(s.e, s.ns, s.name, NULL, &ex) == PODLIFE_OK) {
				printf("\nat the end:\n%s", ex);
				podlife_free(ex);
			}
			char *evs = NULL;
			if (podlife_engine_describe_events(s.e, s.ns, s.name, &evs) == PODLIFE_OK) {
				printf("\n%s", evs);
				podlife_free(evs);
			}
		}
		podlife_free(final);
	}
out:
	podlife_engine_free(s.e);
	podlife_fake_free(fake);
	podlife_simclock_free(sc);
	podlife_pod_list_free(list);
	return rc ? (rc == 2 ? 2 : 1) : 0;
usage:
	usage_simulate(stderr);
	return 2;
}
