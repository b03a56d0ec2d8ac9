/*
 * examples/podlife/cmd_run.c - `podlife run`: runs the pods of a manifest
 * on this host with the example mini-runtime (examples/runtime: host
 * processes, or crun/runc containers) and the real clock, in the
 * foreground.  It prints what `podlife simulate` prints - the `kubectl
 * get pods -w` columns whenever they change and every event, as a table
 * or as JSON lines (which also name the pod) - and returns when every pod
 * is finished.  SIGINT or SIGTERM deletes the pods gracefully (preStop,
 * stop signal, grace period, SIGKILL); a second one cuts the grace period
 * to 0, a third kills every container at once.
 *
 * Exit status: 0 when every pod Succeeded, 1 when one Failed (or could not
 * be run), 2 for usage errors and manifests that do not validate, 3 when
 * interrupted.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <podlife.h>

#include "cli.h"
#include "runtime.h"
#include "timeline.h"

typedef struct prow {
	podlife_pod *pod; /* borrowed from the list */
	const char *ns, *name;
	tl_row row;
	int added;
} prow;

typedef struct runctx {
	podlife_engine *e;
	rt *r;
	int json, quiet;
	int64_t t0;
	prow *pods;
	size_t n_pods;
	int sigfd;
	int n_signals;
} runctx;

static void usage_run(FILE *f)
{
	fprintf(f,
	        "usage: podlife run [options] FILE|-\n"
	        "  --runtime process|crun|runc   the container backend (default: crun or runc\n"
	        "                                as root when available, else process)\n"
	        "  --state-dir DIR               runtime state (default /run/podlife as root,\n"
	        "                                $XDG_RUNTIME_DIR/podlife or /tmp/podlife-UID)\n"
	        "  --docker-config FILE          node registry credentials (repeatable)\n"
	        "  --insecure-registry HOST:PORT a registry spoken to over plain HTTP (repeatable)\n"
	        "  --quiet                       print nothing but errors; the exit status tells\n"
	        "  -o json                       one JSON object per line\n"
	        "Ctrl-C deletes the pods gracefully; again, without grace period.\n"
	        "Exit status: 0 all pods Succeeded, 1 one Failed, 2 usage, 3 interrupted.\n");
}

/* ---- output: the timeline of cmd_simulate.c, JSON lines naming the pod ------------ */

static const char *ns_or_default(const char *ns)
{
	return ns && *ns ? ns : "default";
}

static void on_event(void *ud, const podlife_event *ev)
{
	runctx *c = ud;
	if (!c->quiet)
		tl_event(stdout, ev, ev->time_ms - c->t0, c->json, 1);
}

static void print_row(runctx *c, prow *p, int64_t now)
{
	if (!c->quiet)
		tl_row_print(stdout, &p->row, c->e, p->ns, p->name, now - c->t0, c->json, 1, 0);
}

static prow *find_pod(runctx *c, const char *ns, const char *name)
{
	for (size_t i = 0; i < c->n_pods; i++)
		if (strcmp(c->pods[i].name, name) == 0 &&
		    strcmp(ns_or_default(c->pods[i].ns), ns_or_default(ns)) == 0)
			return &c->pods[i];
	return NULL;
}

static void on_changed(void *ud, const char *ns, const char *name)
{
	runctx *c = ud;
	prow *p = find_pod(c, ns, name);
	if (p && p->added)
		print_row(c, p, cli_mono_ms());
}

/* ---- the loop -------------------------------------------------------------------- */

static void delete_all(runctx *c, int64_t grace_s)
{
	for (size_t i = 0; i < c->n_pods; i++)
		if (c->pods[i].added)
			podlife_engine_delete_pod(c->e, c->pods[i].ns, c->pods[i].name, grace_s);
}

static int on_wake(void *ud, podlife_engine *e, struct pollfd *fds, size_t nfds)
{
	runctx *c = ud;
	(void)e;
	(void)nfds;
	if (fds[0].revents)
		rt_dispatch(c->r);
	if (fds[1].revents & POLLIN) {
		struct signalfd_siginfo si;
		while (read(c->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
			c->n_signals++;
			if (c->n_signals == 1) {
				if (!c->quiet)
					fprintf(stderr, "podlife run: %s: deleting the pods (again to skip the "
					                "grace period)\n",
					        strsignal((int)si.ssi_signo));
				delete_all(c, -1);
			} else if (c->n_signals == 2) {
				if (!c->quiet)
					fprintf(stderr, "podlife run: deleting the pods without grace period\n");
				delete_all(c, 0);
			} else {
				if (!c->quiet)
					fprintf(stderr, "podlife run: killing every container\n");
				rt_kill_all(c->r);
			}
		}
	}
	return 0;
}

/* ---- Secrets in the stream ---------------------------------------------------------- */

static int is_secret_doc(const char *doc, size_t len)
{
	for (size_t i = 0; i + 5 < len; i++) {
		if ((i == 0 || doc[i - 1] == '\n') && strncmp(doc + i, "kind:", 5) == 0) {
			size_t j = i + 5;
			while (j < len && (doc[j] == ' ' || doc[j] == '\t'))
				j++;
			if (j + 6 <= len && strncmp(doc + j, "Secret", 6) == 0 &&
			    (j + 6 == len || doc[j + 6] == '\n' || doc[j + 6] == ' ' ||
			     doc[j + 6] == '\r' || doc[j + 6] == '#'))
				return 1;
		}
	}
	return 0;
}

static void add_secret(runctx *c, const char *doc, size_t len, size_t n, int *added)
{
	int rc = podlife_engine_add_pull_secret(c->e, doc, len);
	if (rc == PODLIFE_OK)
		(*added)++;
	else if (!c->quiet)
		fprintf(stderr, "podlife run: Secret in document %zu: not a registry credential Secret "
		                "(kubernetes.io/dockerconfigjson): ignored\n", n + 1);
}

/* Every Secret of the stream (YAML documents, or JSON objects and Lists)
 * goes to the engine for spec.imagePullSecrets. */
static void add_secrets(runctx *c, const char *data, size_t len)
{
	int added = 0;
	size_t k = 0;
	while (k < len && (data[k] == ' ' || data[k] == '\n' || data[k] == '\t' || data[k] == '\r'))
		k++;
	if (k < len && (data[k] == '{' || data[k] == '[')) {
		json_t *root = json_loadb(data, len, 0, NULL);
		json_t *items = json_is_object(root) ? json_object_get(root, "items") : root;
		size_t n = json_is_array(items) ? json_array_size(items) : 1;
		for (size_t i = 0; root && i < n; i++) {
			json_t *o = json_is_array(items) ? json_array_get(items, i) : root;
			const char *kind = json_string_value(json_object_get(o, "kind"));
			if (!kind || strcmp(kind, "Secret") != 0)
				continue;
			char *txt = json_dumps(o, JSON_COMPACT);
			if (txt)
				add_secret(c, txt, strlen(txt), i, &added);
			free(txt);
		}
		json_decref(root);
		return;
	}
	size_t start = 0, doc = 0;
	for (size_t i = 0; i <= len; i++) {
		int sep = i == len || ((i == 0 || data[i - 1] == '\n') && len - i >= 3 &&
		                       strncmp(data + i, "---", 3) == 0 &&
		                       (len - i == 3 || data[i + 3] == '\n' || data[i + 3] == ' ' ||
		                        data[i + 3] == '\r'));
		if (!sep)
			continue;
		if (i > start && is_secret_doc(data + start, i - start))
			add_secret(c, data + start, i - start, doc, &added);
		if (i > 0)
			doc++;
		while (i < len && data[i] != '\n')
			i++;
		start = i + 1;
	}
}

/* ---- the command -------------------------------------------------------------------- */

int cmd_run(int argc, char **argv)
{
	const char *file = NULL, *output = NULL, *runtime = NULL, *state_dir = NULL;
	const char **configs = calloc((size_t)argc + 1, sizeof *configs);
	const char **insecure = calloc((size_t)argc + 1, sizeof *insecure);
	size_t n_configs = 0, n_insecure = 0;
	int64_t crash_initial = 0, crash_max = 0;
	int quiet = 0, rc = 2;
	char *data = NULL;
	podlife_pod_list *list = NULL;
	podlife_keyring *kr = NULL;
	rt *r = NULL;
	runctx c;
	memset(&c, 0, sizeof c);
	c.sigfd = -1;

	if (!configs || !insecure)
		goto out;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_val = i + 1 < argc;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage_run(stdout);
			rc = 0;
			goto out;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (!has_val)
				goto usage;
			output = argv[++i];
		} else if (strncmp(a, "-o", 2) == 0 && a[2]) {
			output = a + 2;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			quiet = 1;
		} else if (strcmp(a, "--runtime") == 0 && has_val) {
			runtime = argv[++i];
		} else if (strcmp(a, "--state-dir") == 0 && has_val) {
			state_dir = argv[++i];
		} else if (strcmp(a, "--docker-config") == 0 && has_val) {
			configs[n_configs++] = argv[++i];
		} else if (strcmp(a, "--insecure-registry") == 0 && has_val) {
			insecure[n_insecure++] = argv[++i];
		} else if ((strcmp(a, "--crashloop-initial") == 0 || strcmp(a, "--crashloop-max") == 0) &&
		           has_val) {
			/* hidden: the KEP-4603 back-off knobs, for tests */
			int64_t v;
			if (podlife_duration_parse(argv[i + 1], &v) != PODLIFE_OK || v <= 0) {
				fprintf(stderr, "podlife run: %s: invalid duration \"%s\"\n", a, argv[i + 1]);
				goto out;
			}
			if (a[12] == 'i')
				crash_initial = v;
			else
				crash_max = v;
			i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "podlife run: unknown option or missing value: %s\n", a);
			goto usage;
		} else if (!file) {
			file = a;
		} else {
			goto usage;
		}
	}
	if (!file || (output && strcmp(output, "json") != 0))
		goto usage;

	rt_kind kind = RT_PROCESS;
	char why[256] = "";
	const char *chosen_because = "";
	if (runtime) {
		if (strcmp(runtime, "process") == 0)
			kind = RT_PROCESS;
		else if (strcmp(runtime, "crun") == 0)
			kind = RT_CRUN;
		else if (strcmp(runtime, "runc") == 0)
			kind = RT_RUNC;
		else
			goto usage;
		if (!rt_available(kind, NULL, why, sizeof why)) {
			fprintf(stderr, "podlife run: --runtime %s: %s\n", runtime, why);
			rc = 1;
			goto out;
		}
	} else if (geteuid() != 0) {
		chosen_because = " (not root)";
	} else if (rt_available(RT_CRUN, NULL, why, sizeof why)) {
		kind = RT_CRUN;
	} else if (rt_available(RT_RUNC, NULL, why, sizeof why)) {
		kind = RT_RUNC;
	} else {
		chosen_because = " (crun and runc unavailable)";
	}

	/* Input first: a manifest that does not validate runs nothing. */
	size_t len = 0;
	data = cli_read_input(file, &len);
	if (!data) {
		rc = 2;
		goto out;
	}
	podlife_parse_options po = PODLIFE_PARSE_OPTIONS_INIT;
	po.source_name = file;
	podlife_diag *diag = NULL;
	int prc = podlife_pod_parse(data, len, &po, &list, &diag);
	for (size_t i = 0; diag && i < podlife_diag_count(diag); i++) {
		const podlife_error *de = podlife_diag_get(diag, i);
		if (prc != PODLIFE_OK)
			fprintf(stderr, "%s: %s\n", file, podlife_error_message(de));
	}
	podlife_diag_free(diag);
	if (prc != PODLIFE_OK || podlife_pod_list_count(list) == 0) {
		if (prc == PODLIFE_OK)
			fprintf(stderr, "podlife run: %s: no pod found\n", file);
		rc = 2;
		goto out;
	}

	/* Signals: blocked before any thread exists (the runtime blocks SIGCHLD). */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	c.sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);

	char sdbuf[4096];
	if (cli_state_dir(state_dir, sdbuf, sizeof sdbuf) != 0) {
		fprintf(stderr, "podlife run: --state-dir: %s\n", strerror(errno));
		rc = 2;
		goto out;
	}
	state_dir = sdbuf;
	rt_options ro;
	memset(&ro, 0, sizeof ro);
	ro.kind = kind;
	ro.state_dir = state_dir;
	ro.insecure_registries = insecure;
	ro.n_insecure = n_insecure;
	ro.progress = quiet ? NULL : stderr;
	if (podlife_keyring_new(NULL, &kr) != PODLIFE_OK) {
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < n_configs; i++) {
		if (podlife_keyring_add_config_file(kr, configs[i], NULL) != PODLIFE_OK) {
			fprintf(stderr, "podlife run: --docker-config %s: cannot read it\n", configs[i]);
			rc = 2;
			goto out;
		}
	}
	ro.keyring = kr;
	if (!quiet)
		fprintf(stderr, "podlife run: runtime %s%s, state in %s\n",
		        kind == RT_PROCESS ? "process" : kind == RT_CRUN ? "crun" : "runc", chosen_because,
		        state_dir);
	char err[512];
	if (rt_new(&ro, &r, err, sizeof err) != 0) {
		fprintf(stderr, "podlife run: %s\n", err);
		rc = 1;
		goto out;
	}

	c.r = r;
	c.json = output != NULL;
	c.quiet = quiet;
	c.n_pods = podlife_pod_list_count(list);
	c.pods = calloc(c.n_pods, sizeof *c.pods);
	if (!c.pods) {
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < c.n_pods; i++) {
		c.pods[i].pod = podlife_pod_list_get(list, i);
		c.pods[i].ns = podlife_pod_namespace(c.pods[i].pod);
		c.pods[i].name = podlife_pod_name(c.pods[i].pod);
	}
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	char host[256];
	cli_hostname(host, sizeof host);
	cfg.node_name = host;
	cfg.backend = rt_backend(r);
	cfg.probes = rt_probes(r);
	cfg.on_event = on_event;
	cfg.event_ud = &c;
	cfg.on_pod_changed = on_changed;
	cfg.changed_ud = &c;
	cfg.node_keyring = kr;
	cfg.crashloop_initial_ms = crash_initial;
	cfg.crashloop_max_ms = crash_max;
	cfg.flags = PODLIFE_ENGINE_KEEP_EVENTS;
	int erc = podlife_engine_new(&cfg, &c.e);
	if (erc != PODLIFE_OK) {
		fprintf(stderr, "podlife run: engine: %s\n", podlife_strerror(erc));
		rc = 1;
		goto out;
	}
	rt_attach(r, c.e);
	add_secrets(&c, data, len);

	c.t0 = cli_mono_ms();
	if (!quiet && !c.json)
		tl_header(stdout);
	int failed = 0;
	for (size_t i = 0; i < c.n_pods; i++) {
		prow *p = &c.pods[i];
		p->added = 1;
		erc = podlife_engine_add_pod(c.e, p->pod);
		if (erc != PODLIFE_OK) {
			p->added = 0;
			fprintf(stderr, "podlife run: pod %s: %s\n", p->name, podlife_strerror(erc));
			failed = 1;
			continue;
		}
		print_row(&c, p, cli_mono_ms());
	}

	struct pollfd fds[2] = {{rt_fd(r), POLLIN, 0}, {c.sigfd, POLLIN, 0}};
	if (podlife_engine_pod_count(c.e) > 0) {
		erc = podlife_engine_run(c.e, INT64_MAX, fds, 2, on_wake, &c);
		if (erc != PODLIFE_OK)
			fprintf(stderr, "podlife run: %s\n", podlife_strerror(erc));
	}

	int64_t now = cli_mono_ms();
	for (size_t i = 0; i < c.n_pods; i++) {
		prow *p = &c.pods[i];
		if (!p->added)
			continue;
		print_row(&c, p, now);
		podlife_pod_info info = PODLIFE_POD_INFO_INIT;
		if (podlife_engine_pod_info(c.e, p->ns, p->name, &info) == PODLIFE_OK &&
		    strcmp(info.phase, "Succeeded") != 0)
			failed = 1;
		char *final = NULL;
		if (c.json && !quiet &&
		    podlife_engine_status_json(c.e, p->ns, p->name, &final) == PODLIFE_OK) {
			char tb[32];
			tl_fmt_t(tb, sizeof tb, now - c.t0);
			printf("{\"t\": %s, \"pod\": ", tb);
			tl_json_str(stdout, p->name);
			printf(", \"final\": %s}\n", final);
		}
		podlife_free(final);
	}
	fflush(stdout);
	rt_remove_exited(r);
	rc = c.n_signals ? 3 : failed ? 1 : 0;
	goto out;
usage:
	usage_run(stderr);
	rc = 2;
out:
	podlife_engine_free(c.e);
	rt_free(r);
	podlife_keyring_free(kr);
	free(c.pods);
	podlife_pod_list_free(list);
	free(data);
	free(configs);
	free(insecure);
	if (c.sigfd >= 0)
		close(c.sigfd);
	return rc;
}
