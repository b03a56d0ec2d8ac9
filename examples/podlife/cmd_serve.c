/*
 * examples/podlife/cmd_serve.c - `podlife serve`: the kubelet's static pods
 * (pkg/kubelet/config/file.go) on the example mini-runtime.
 *
 *   podlife serve --manifest-dir DIR [--state-dir DIR] [--node-name N]
 *                 [--node-label K=V]... [--runtime process|crun|runc]
 *                 [--docker-config FILE]... [--insecure-registry HOST:PORT]...
 *
 * Every regular file of DIR whose name does not start with "." is read
 * (any extension, at most 10 MiB); each Pod in it runs as
 * `<name>-<node name>`.  A file that appears adds its pods, a changed file
 * (content hash) replaces them (the old pod is deleted gracefully and the
 * new one added once it finished, as the kubelet treats a changed static
 * pod as a new pod), a removed file deletes them; an invalid file is
 * reported once per content and contributes no pod.  inotify drives the
 * rescans, with a periodic one every 20 s.
 *
 * The state directory holds, besides the runtime's own files:
 *   serve.pid      the pid of the serving process
 *   snapshot.json  podlife_engine_snapshot, rewritten after every change
 *   serve.json     which file each pod came from (name, content hash,
 *                  creation time, the pod as served) and the pods deleted
 *                  by `podlife delete pod`
 *   pods.json      what the client commands print (cmd_client.c)
 *   serve.sock     one-line control commands: "delete NS/NAME GRACE"
 * SIGINT and SIGTERM stop serving and leave the containers running, as the
 * kubelet leaves static pods when it stops; the next `serve` restores the
 * snapshot and adopts them.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <podlife.h>

#include "cli.h"
#include "timeline.h"

#ifdef PODLIFE_CLI_NO_RUNTIME

int cmd_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "podlife serve: this podlife was built without the mini-runtime\n");
	return 1;
}

#else

#include "runtime.h"

#define SERVE_RESCAN_MS 20000     /* the kubelet's fileCheckFrequency */
#define SERVE_DEBOUNCE_MS 100     /* inotify events settle before a rescan */
#define SERVE_STATUS_MS 2000      /* pods.json refresh */
#define SERVE_MAX_FILE (10u << 20) /* the kubelet's maxConfigLength */

/* A manifest file as last read. */
typedef struct sfile {
	char *name;                 /* file name inside the manifest directory */
	uint64_t hash;              /* content hash (FNV-1a 64) */
	podlife_pod_list *pods;     /* NULL when the content is invalid */
	uint64_t dup_reported;      /* content whose duplicate names were reported */
	bool seen;
} sfile;

/* A pod serve runs. */
typedef struct spod {
	char *ns, *name;
	char *file;                 /* the manifest it came from, "" when unknown */
	uint64_t hash;              /* that file's content */
	int64_t created_ms;         /* wall clock, for AGE */
	int64_t deletion_ms;        /* wall clock of the delete, 0 before */
	json_t *pod;                /* the pod as served: static name, node, annotations */
	bool deleting;              /* delete requested; removed once finished */
	bool user_deleted;          /* by `podlife delete pod`: not re-added for this content */
	/* last printed columns */
	char status[96], ready[24];
	int restarts;
	bool printed;
	struct spod *next;
} spod;

/* A pod deleted with `podlife delete pod` after it was removed: the same
 * file content does not bring it back. */
typedef struct tomb {
	char *ns, *name, *file;
	uint64_t hash;
	struct tomb *next;
} tomb;

typedef struct serve {
	const char *dir, *state, *node;
	char node_lower[256];
	podlife_engine *e;
	rt *r;
	sfile *files;
	size_t n_files;
	spod *pods;
	tomb *tombs;
	uint64_t *reported;         /* invalid contents reported (file name hash ^ content hash) */
	size_t n_reported, cap_reported;
	bool dir_missing_reported;
	bool scanned;               /* the directory was read once */
	int ino_fd, ino_wd, sock_fd, sig_pipe[2];
	int64_t t0, next_rescan, next_status, rescan_at;
	bool dirty_state, dirty_status, need_reconcile, stop;
} serve;

static volatile sig_atomic_t serve_sig_fd = -1;

/* ---- small helpers ----------------------------------------------------------- */

static uint64_t fnv1a(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

#define FNV_BASIS 0xcbf29ce484222325ull

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d) {
		fprintf(stderr, "podlife serve: out of memory\n");
		exit(1);
	}
	return d;
}

static void rfc3339(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Writes `data` to dir/name through a temporary file and rename(2). */
static int write_atomic(const char *dir, const char *name, const char *data, size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	cli_pathf(path, sizeof path, "%s/%s", dir, name);
	cli_pathf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (cli_write_all(fd, data, len) != 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int write_json_atomic(const char *dir, const char *name, json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	if (!text)
		return -1;
	int rc = write_atomic(dir, name, text, strlen(text));
	free(text);
	return rc;
}

/* ---- output ------------------------------------------------------------------ */

static void stamp(serve *s, char *buf, size_t n)
{
	tl_fmt_age(buf, n, cli_mono_ms() - s->t0);
}

static void say(serve *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(serve *s, const char *fmt, ...)
{
	char tb[32];
	stamp(s, tb, sizeof tb);
	printf("%-8s  serve  ", tb);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static spod *find_pod(serve *s, const char *ns, const char *name)
{
	for (spod *p = s->pods; p; p = p->next)
		if (strcmp(p->ns, ns) == 0 && strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static void print_row(serve *s, spod *p)
{
	podlife_pod_info i = PODLIFE_POD_INFO_INIT;
	if (podlife_engine_pod_info(s->e, p->ns, p->name, &i) != PODLIFE_OK)
		return;
	if (p->printed && strcmp(p->status, i.status) == 0 && strcmp(p->ready, i.ready) == 0 &&
	    p->restarts == i.restarts)
		return;
	snprintf(p->status, sizeof p->status, "%s", i.status);
	snprintf(p->ready, sizeof p->ready, "%s", i.ready);
	p->restarts = i.restarts;
	p->printed = true;
	char tb[32];
	stamp(s, tb, sizeof tb);
	printf("%-8s  %-5s  %-24s  %-6s  %-24s  %-10s  %s\n", tb, "pod", p->name, i.ready, i.status,
	       i.restarts_text, i.phase);
	fflush(stdout);
}

static void on_event(void *ud, const podlife_event *ev)
{
	serve *s = ud;
	char tb[32];
	stamp(s, tb, sizeof tb);
	printf("%-8s  event  %-24s  %-7s  %-20s  %s%s%s\n", tb, ev->pod_name, ev->type, ev->reason,
	       ev->field_path ? ev->field_path : "", ev->field_path ? ": " : "", ev->message);
	fflush(stdout);
	s->dirty_status = true;
}

static void on_changed(void *ud, const char *ns, const char *name)
{
	serve *s = ud;
	spod *p = find_pod(s, ns && *ns ? ns : "default", name);
	if (p)
		print_row(s, p);
	s->dirty_state = s->dirty_status = s->need_reconcile = true;
}

/* ---- state files --------------------------------------------------------------- */

static void hash_hex(uint64_t h, char *buf, size_t len)
{
	snprintf(buf, len, "%016" PRIx64, h);
}

static uint64_t hex_hash(const char *t)
{
	return t ? strtoull(t, NULL, 16) : 0;
}

/* snapshot.json and serve.json. */
static void save_state(serve *s)
{
	json_t *root = json_object(), *pods = json_array(), *dels = json_array();
	char hb[32];
	for (spod *p = s->pods; p; p = p->next) {
		hash_hex(p->hash, hb, sizeof hb);
		json_array_append_new(
			pods, json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:O?}", "namespace", p->ns,
		                        "name", p->name, "file", p->file, "hash", hb,
		                        "created_ms", (json_int_t)p->created_ms, "deleting", p->deleting,
		                        "user_deleted", p->user_deleted, "pod", p->pod));
	}
	for (tomb *t = s->tombs; t; t = t->next) {
		hash_hex(t->hash, hb, sizeof hb);
		json_array_append_new(dels, json_pack("{s:s, s:s, s:s, s:s}", "namespace", t->ns, "name",
		                                      t->name, "file", t->file, "hash", hb));
	}
	json_object_set_new(root, "pods", pods);
	json_object_set_new(root, "deleted", dels);
	if (write_json_atomic(s->state, "serve.json", root) != 0)
		fprintf(stderr, "podlife serve: %s/serve.json: %s\n", s->state, strerror(errno));
	json_decref(root);

	char *snap = NULL;
	int rc = podlife_engine_snapshot(s->e, &snap);
	if (rc != PODLIFE_OK)
		fprintf(stderr, "podlife serve: snapshot: %s\n", podlife_strerror(rc));
	else if (write_atomic(s->state, "snapshot.json", snap, strlen(snap)) != 0)
		fprintf(stderr, "podlife serve: %s/snapshot.json: %s\n", s->state, strerror(errno));
	podlife_free(snap);
	s->dirty_state = false;
}

/* pods.json: per pod the columns, the pod, its status and its events. */
static void save_status(serve *s)
{
	json_t *root = json_object(), *arr = json_array();
	for (spod *p = s->pods; p; p = p->next) {
		podlife_pod_info i = PODLIFE_POD_INFO_INIT;
		if (p->user_deleted && !p->deleting)
			continue;
		if (podlife_engine_pod_info(s->e, p->ns, p->name, &i) != PODLIFE_OK)
			continue;
		json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:i, s:s, s:s, s:b, s:b}",
		                      "namespace", p->ns, "name", p->name, "file", p->file,
		                      "created_ms", (json_int_t)p->created_ms, "phase", i.phase,
		                      "ready", i.ready, "restarts", i.restarts, "restarts_text",
		                      i.restarts_text, "status", i.status, "terminating",
		                      i.terminating, "finished", i.finished);
		if (!o)
			continue;
		char *st = NULL;
		if (podlife_engine_status_json(s->e, p->ns, p->name, &st) == PODLIFE_OK) {
			json_t *sj = json_loads(st, 0, NULL);
			if (sj)
				json_object_set_new(o, "status_json", sj);
		}
		podlife_free(st);
		char *ev = NULL;
		if (podlife_engine_describe_events(s->e, p->ns, p->name, &ev) == PODLIFE_OK)
			json_object_set_new(o, "events", json_string(ev));
		podlife_free(ev);
		if (p->pod)
			json_object_set(o, "pod", p->pod);
		if (p->deletion_ms)
			json_object_set_new(o, "deletion_ms", json_integer(p->deletion_ms));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "node", json_string(s->node));
	json_object_set_new(root, "written_ms", json_integer(cli_wall_ms()));
	json_object_set_new(root, "pid", json_integer(getpid()));
	json_object_set_new(root, "pods", arr);
	if (write_json_atomic(s->state, "pods.json", root) != 0)
		fprintf(stderr, "podlife serve: %s/pods.json: %s\n", s->state, strerror(errno));
	json_decref(root);
	s->dirty_status = false;
	s->next_status = cli_mono_ms() + SERVE_STATUS_MS;
}

/* ---- pods ------------------------------------------------------------------------ */

static spod *new_pod(serve *s, const char *ns, const char *name, const char *file, uint64_t hash)
{
	spod *p = calloc(1, sizeof *p);
	if (!p) {
		fprintf(stderr, "podlife serve: out of memory\n");
		exit(1);
	}
	p->ns = xstrdup(ns);
	p->name = xstrdup(name);
	p->file = xstrdup(file);
	p->hash = hash;
	p->created_ms = cli_wall_ms();
	spod **tail = &s->pods;
	while (*tail)
		tail = &(*tail)->next;
	*tail = p;
	return p;
}

static void free_pod(spod *p)
{
	free(p->ns);
	free(p->name);
	free(p->file);
	json_decref(p->pod);
	free(p);
}

static void unlink_pod(serve *s, spod *p)
{
	for (spod **pp = &s->pods; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	free_pod(p);
}

/* The pod as the kubelet shows a static pod: its name with the node's,
 * the namespace, spec.nodeName and the config annotations. */
static json_t *served_json(serve *s, podlife_pod *pod, const char *ns, const char *name,
                           uint64_t hash)
{
	char *text = NULL;
	if (podlife_pod_to_json(pod, 0, &text) != PODLIFE_OK)
		return NULL;
	json_t *j = json_loads(text, 0, NULL);
	podlife_free(text);
	if (!j)
		return NULL;
	json_t *md = json_object_get(j, "metadata");
	if (!json_is_object(md)) {
		md = json_object();
		json_object_set_new(j, "metadata", md);
	}
	json_object_set_new(md, "name", json_string(name));
	json_object_set_new(md, "namespace", json_string(ns));
	char ts[40], hb[32];
	rfc3339(cli_wall_ms(), ts, sizeof ts);
	json_object_set_new(md, "creationTimestamp", json_string(ts));
	json_t *an = json_object_get(md, "annotations");
	if (!json_is_object(an)) {
		an = json_object();
		json_object_set_new(md, "annotations", an);
	}
	hash_hex(hash, hb, sizeof hb);
	json_object_set_new(an, "kubernetes.io/config.hash", json_string(hb));
	json_object_set_new(an, "kubernetes.io/config.seen", json_string(ts));
	json_object_set_new(an, "kubernetes.io/config.source", json_string("file"));
	json_t *spec = json_object_get(j, "spec");
	if (json_is_object(spec))
		json_object_set_new(spec, "nodeName", json_string(s->node));
	return j;
}

static void add_pod(serve *s, podlife_pod *pod, const char *ns, const char *name,
                    const char *file, uint64_t hash)
{
	int rc = podlife_engine_add_pod_named(s->e, pod, ns, name);
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "podlife serve: %s: pod %s: %s\n", file, name, podlife_strerror(rc));
		return;
	}
	spod *p = find_pod(s, ns, name);
	if (!p)
		p = new_pod(s, ns, name, file, hash);
	p->pod = served_json(s, pod, ns, name, hash);
	say(s, "%s: added pod %s/%s", file, ns, name);
	print_row(s, p);
	s->dirty_state = s->dirty_status = true;
}

static void delete_pod(serve *s, spod *p, int64_t grace, const char *why)
{
	int rc = podlife_engine_delete_pod(s->e, p->ns, p->name, grace);
	if (rc != PODLIFE_OK && rc != PODLIFE_ENOTFOUND) {
		fprintf(stderr, "podlife serve: delete %s/%s: %s\n", p->ns, p->name,
		        podlife_strerror(rc));
		return;
	}
	if (!p->deleting) {
		p->deletion_ms = cli_wall_ms();
		say(s, "%s: deleting pod %s/%s (%s)", *p->file ? p->file : "-", p->ns, p->name, why);
	}
	p->deleting = true;
	s->dirty_state = s->dirty_status = s->need_reconcile = true;
}

/* ---- the manifest directory ------------------------------------------------------- */

static bool reported(serve *s, uint64_t key)
{
	for (size_t i = 0; i < s->n_reported; i++)
		if (s->reported[i] == key)
			return true;
	if (s->n_reported == s->cap_reported) {
		size_t cap = s->cap_reported ? s->cap_reported * 2 : 16;
		uint64_t *n = realloc(s->reported, cap * sizeof *n);
		if (!n)
			return false;
		s->reported = n;
		s->cap_reported = cap;
	}
	s->reported[s->n_reported++] = key;
	return false;
}

static void print_diag(const char *file, const podlife_diag *d, bool errors_only)
{
	for (size_t i = 0; d && i < podlife_diag_count(d); i++) {
		const podlife_error *e = podlife_diag_get(d, i);
		const char *sev = "";
		switch (podlife_error_severity(e)) {
		case PODLIFE_SEVERITY_WARNING: sev = "warning: "; break;
		case PODLIFE_SEVERITY_NOTE: sev = "note: "; break;
		default: break;
		}
		if (errors_only && *sev)
			continue;
		fprintf(stderr, "podlife serve: %s:%u:%u: %s%s\n", file, podlife_error_line(e),
		        podlife_error_column(e), sev, podlife_error_message(e));
	}
	fflush(stderr);
}

/* Parses one file's content; NULL (reported once per content) when invalid. */
static podlife_pod_list *parse_manifest(serve *s, const char *name, const char *data, size_t len,
                                        uint64_t hash)
{
	char path[PATH_MAX];
	cli_pathf(path, sizeof path, "%s/%s", s->dir, name);
	uint64_t key = fnv1a(name, strlen(name), hash);
	podlife_parse_options po = PODLIFE_PARSE_OPTIONS_INIT;
	po.flags = PODLIFE_PARSE_NO_TEMPLATES;
	po.source_name = path;
	podlife_pod_list *list = NULL;
	podlife_diag *diag = NULL;
	int rc = podlife_pod_parse(data, len, &po, &list, &diag);
	const char *why = NULL;
	char msg[600];
	if (rc == PODLIFE_OK && podlife_pod_list_count(list) == 0)
		why = "no pod found (static pods are objects of kind Pod)";
	for (size_t i = 0; rc == PODLIFE_OK && !why && i < podlife_pod_list_count(list); i++) {
		podlife_pod *p = podlife_pod_list_get(list, i);
		size_t nl = strlen(podlife_pod_name(p));
		if (nl == 0) {
			why = "invalid pod: name is needed for the pod";
		} else if (nl + 1 + strlen(s->node_lower) > 253) {
			snprintf(msg, sizeof msg, "invalid pod: metadata.name: \"%s-%s\" is longer than 253 characters",
			         podlife_pod_name(p), s->node_lower);
			why = msg;
		}
	}
	if (rc == PODLIFE_OK && !why) {
		podlife_diag_free(diag);
		return list;
	}
	if (!reported(s, key)) {
		if (rc != PODLIFE_OK) {
			print_diag(path, diag, false);
			if (podlife_diag_error_count(diag) == 0)
				fprintf(stderr, "podlife serve: %s: %s\n", path, podlife_strerror(rc));
		} else {
			fprintf(stderr, "podlife serve: %s: %s\n", path, why);
		}
		fprintf(stderr, "podlife serve: %s: invalid manifest skipped\n", path);
		fflush(stderr);
	}
	podlife_diag_free(diag);
	podlife_pod_list_free(list);
	return NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static sfile *find_file_in(sfile *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (files[i].name && strcmp(files[i].name, name) == 0)
			return &files[i];
	return NULL;
}

static sfile *find_file(serve *s, const char *name)
{
	return find_file_in(s->files, s->n_files, name);
}

static void free_file(sfile *f)
{
	free(f->name);
	podlife_pod_list_free(f->pods);
}

/* Reads the directory: the files sorted by name, re-parsed when changed. */
static void scan(serve *s)
{
	s->next_rescan = cli_mono_ms() + SERVE_RESCAN_MS;
	s->rescan_at = INT64_MAX;
	s->need_reconcile = true;
	int dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **names = NULL;
	size_t n = 0, cap = 0;
	if (dfd < 0) {
		if (!s->dir_missing_reported)
			fprintf(stderr, "podlife serve: %s: path does not exist, ignoring\n", s->dir);
		s->dir_missing_reported = true;
	} else {
		s->dir_missing_reported = false;
		DIR *d = fdopendir(dup(dfd));
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				char **nn = realloc(names, cap * sizeof *nn);
				if (!nn)
					break;
				names = nn;
			}
			names[n++] = xstrdup(de->d_name);
		}
		if (d)
			closedir(d);
		qsort(names, n, sizeof *names, cmp_names);
	}
	for (size_t i = 0; i < s->n_files; i++)
		s->files[i].seen = false;
	sfile *nf = calloc(n ? n : 1, sizeof *nf);
	size_t m = 0;
	for (size_t i = 0; nf && i < n; i++) {
		struct stat st;
		if (fstatat(dfd, names[i], &st, 0) != 0 || !S_ISREG(st.st_mode))
			continue; /* subdirectories are not recursed, other files skipped */
		size_t len = 0;
		int err = 0;
		char *data = cli_read_file(dfd, names[i], SERVE_MAX_FILE, &len, &err);
		if (!data) {
			if (err == ENOENT)
				continue;
			char path[PATH_MAX];
			cli_pathf(path, sizeof path, "%s/%s", s->dir, names[i]);
			uint64_t key = fnv1a(names[i], strlen(names[i]), (uint64_t)err);
			if (!reported(s, key))
				fprintf(stderr, "podlife serve: %s: %s\n", path,
				        err == EFBIG ? "file larger than 10 MiB, skipped" : strerror(err));
			continue;
		}
		uint64_t h = fnv1a(data, len, FNV_BASIS);
		sfile *old = find_file(s, names[i]);
		if (old && old->hash == h) {
			nf[m] = *old;
			old->name = NULL;
			old->pods = NULL;
			old->seen = true;
		} else {
			nf[m].name = xstrdup(names[i]);
			nf[m].hash = h;
			nf[m].pods = parse_manifest(s, names[i], data, len, h);
			if (!old)
				say(s, "%s: %s", names[i], s->scanned ? "new file" : "read");
			else
				say(s, "%s: changed", names[i]);
		}
		free(data);
		m++;
	}
	for (size_t i = 0; i < s->n_files; i++) {
		if (s->files[i].name && !s->files[i].seen && !find_file_in(nf, m, s->files[i].name))
			say(s, "%s: removed", s->files[i].name);
		free_file(&s->files[i]);
	}
	free(s->files);
	s->files = nf;
	s->n_files = m;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (dfd >= 0)
		close(dfd);
	s->scanned = true;
}

/* ---- reconciling the files with the pods ---------------------------------------------- */

/* A pod the files ask for. */
typedef struct want {
	const sfile *f;
	podlife_pod *pod;
	char ns[256], name[512];
} want;

static want *find_want(want *w, size_t n, const char *ns, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i].ns, ns) == 0 && strcmp(w[i].name, name) == 0)
			return &w[i];
	return NULL;
}

static tomb *find_tomb(serve *s, const char *ns, const char *name)
{
	for (tomb *t = s->tombs; t; t = t->next)
		if (strcmp(t->ns, ns) == 0 && strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static void drop_tomb(serve *s, tomb *t)
{
	for (tomb **tp = &s->tombs; *tp; tp = &(*tp)->next)
		if (*tp == t) {
			*tp = t->next;
			break;
		}
	free(t->ns);
	free(t->name);
	free(t->file);
	free(t);
}

static bool add_tomb(serve *s, const char *ns, const char *name, const char *file, uint64_t hash)
{
	tomb *t = calloc(1, sizeof *t);
	if (!t)
		return false;
	t->ns = xstrdup(ns);
	t->name = xstrdup(name);
	t->file = xstrdup(file);
	t->hash = hash;
	t->next = s->tombs;
	s->tombs = t;
	return true;
}

/*
 * The kubelet's static pod rules: the pods of the files in name order
 * (a later duplicate of a namespace/name is ignored); a pod whose file
 * content changed or went away is deleted gracefully and forgotten once
 * finished; then every pod asked for and not present is added.
 */
static void reconcile(serve *s)
{
	s->need_reconcile = false;
	size_t total = 0;
	for (size_t i = 0; i < s->n_files; i++)
		if (s->files[i].pods)
			total += podlife_pod_list_count(s->files[i].pods);
	want *w = calloc(total ? total : 1, sizeof *w);
	if (!w)
		return;
	size_t n = 0;
	for (size_t i = 0; i < s->n_files; i++) {
		sfile *f = &s->files[i];
		for (size_t k = 0; f->pods && k < podlife_pod_list_count(f->pods); k++) {
			podlife_pod *pod = podlife_pod_list_get(f->pods, k);
			const char *ns = podlife_pod_namespace(pod);
			want *x = &w[n];
			snprintf(x->ns, sizeof x->ns, "%s", *ns ? ns : "default");
			snprintf(x->name, sizeof x->name, "%s-%s", podlife_pod_name(pod), s->node_lower);
			want *dup = find_want(w, n, x->ns, x->name);
			if (dup) {
				if (f->dup_reported != f->hash)
					fprintf(stderr,
					        "podlife serve: %s/%s: pod %s/%s is already defined in %s/%s; "
					        "ignored (FailedValidation)\n",
					        s->dir, f->name, x->ns, x->name, s->dir, dup->f->name);
				continue;
			}
			x->f = f;
			x->pod = pod;
			n++;
		}
		f->dup_reported = f->hash;
	}

	for (spod *p = s->pods, *next; p; p = next) {
		next = p->next;
		want *x = find_want(w, n, p->ns, p->name);
		bool same = x && x->f->hash == p->hash && strcmp(x->f->name, p->file) == 0;
		if (!same && !p->deleting)
			delete_pod(s, p, -1, x ? "manifest changed" : "manifest removed");
		if (!p->deleting)
			continue;
		podlife_pod_info info = PODLIFE_POD_INFO_INIT;
		int rc = podlife_engine_pod_info(s->e, p->ns, p->name, &info);
		if (rc == PODLIFE_OK && !info.finished)
			continue;
		podlife_engine_remove_pod(s->e, p->ns, p->name);
		say(s, "removed pod %s/%s", p->ns, p->name);
		if (p->user_deleted && same)
			add_tomb(s, p->ns, p->name, p->file, p->hash);
		unlink_pod(s, p);
		s->dirty_state = s->dirty_status = true;
	}
	for (tomb *t = s->tombs, *next; t; t = next) {
		next = t->next;
		want *x = find_want(w, n, t->ns, t->name);
		if (!x || x->f->hash != t->hash || strcmp(x->f->name, t->file) != 0) {
			drop_tomb(s, t);
			s->dirty_state = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (find_pod(s, w[i].ns, w[i].name) || find_tomb(s, w[i].ns, w[i].name))
			continue;
		add_pod(s, w[i].pod, w[i].ns, w[i].name, w[i].f->name, w[i].f->hash);
	}
	free(w);
}

/* ---- restart: the snapshot and serve.json ---------------------------------------------- */

static void restore(serve *s)
{
	char path[PATH_MAX];
	cli_pathf(path, sizeof path, "%s/snapshot.json", s->state);
	size_t len = 0;
	int err = 0;
	char *snap = cli_read_file(AT_FDCWD, path, (size_t)1 << 30, &len, &err);
	if (!snap)
		return;
	podlife_error *perr = NULL;
	int rc = podlife_engine_restore(s->e, snap, len, &perr);
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "podlife serve: %s: cannot restore: %s\n", path,
		        perr ? podlife_error_message(perr) : podlife_strerror(rc));
		podlife_error_free(perr);
		free(snap);
		return;
	}
	json_t *root = json_loadb(snap, len, 0, NULL);
	free(snap);
	json_t *pods = json_object_get(root, "pods");
	size_t i;
	json_t *v;
	json_array_foreach(pods, i, v) {
		const char *ns = json_string_value(json_object_get(v, "namespace"));
		const char *name = json_string_value(json_object_get(v, "name"));
		if (name && !find_pod(s, ns && *ns ? ns : "default", name))
			new_pod(s, ns && *ns ? ns : "default", name, "", 0);
	}
	json_decref(root);

	cli_pathf(path, sizeof path, "%s/serve.json", s->state);
	root = json_load_file(path, 0, NULL);
	json_array_foreach(json_object_get(root, "pods"), i, v) {
		const char *ns = json_string_value(json_object_get(v, "namespace"));
		const char *name = json_string_value(json_object_get(v, "name"));
		spod *p = ns && name ? find_pod(s, ns, name) : NULL;
		if (!p)
			continue;
		free(p->file);
		p->file = xstrdup(json_string_value(json_object_get(v, "file")));
		p->hash = hex_hash(json_string_value(json_object_get(v, "hash")));
		p->created_ms = json_integer_value(json_object_get(v, "created_ms"));
		p->deleting = json_is_true(json_object_get(v, "deleting"));
		p->user_deleted = json_is_true(json_object_get(v, "user_deleted"));
		json_t *pj = json_object_get(v, "pod");
		if (json_is_object(pj))
			p->pod = json_incref(pj);
	}
	json_array_foreach(json_object_get(root, "deleted"), i, v) {
		const char *ns = json_string_value(json_object_get(v, "namespace"));
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *file = json_string_value(json_object_get(v, "file"));
		if (!ns || !name || !file)
			continue;
		if (!add_tomb(s, ns, name, file, hex_hash(json_string_value(json_object_get(v, "hash")))))
			break;
	}
	json_decref(root);
	size_t count = 0;
	for (spod *p = s->pods; p; p = p->next) {
		count++;
		print_row(s, p);
	}
	say(s, "restored %zu pod%s from %s/snapshot.json", count, count == 1 ? "" : "s", s->state);
}

/* ---- the control socket ---------------------------------------------------------------- */

/* "delete NS/NAME GRACE" (GRACE -1: the pod's own) and "ping". */
static void control_command(serve *s, int fd, char *line)
{
	char reply[700];
	char *save = NULL;
	char *verb = strtok_r(line, " \t\r\n", &save);
	if (verb && strcmp(verb, "ping") == 0) {
		snprintf(reply, sizeof reply, "ok %ld\n", (long)getpid());
	} else if (verb && strcmp(verb, "delete") == 0) {
		char *target = strtok_r(NULL, " \t\r\n", &save);
		char *grace_s = strtok_r(NULL, " \t\r\n", &save);
		char *slash = target ? strchr(target, '/') : NULL;
		char *end = NULL;
		long long grace = grace_s ? strtoll(grace_s, &end, 10) : -1;
		if (!slash || (end && *end) || grace < -1) {
			snprintf(reply, sizeof reply, "error usage: delete NAMESPACE/NAME GRACE\n");
		} else {
			*slash = 0;
			spod *p = find_pod(s, target, slash + 1);
			if (!p || (p->user_deleted && !p->deleting)) {
				snprintf(reply, sizeof reply, "error pods \"%s\" not found\n", slash + 1);
			} else {
				p->user_deleted = true;
				delete_pod(s, p, grace, "podlife delete pod");
				snprintf(reply, sizeof reply, "ok\n");
			}
		}
	} else {
		snprintf(reply, sizeof reply, "error unknown command\n");
	}
	cli_write_all(fd, reply, strlen(reply));
}

static void control_accept(serve *s)
{
	for (;;) {
		int fd = accept4(s->sock_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct timeval tv = {1, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		char line[1024];
		if (cli_read_line(fd, line, sizeof line))
			control_command(s, fd, line);
		close(fd);
	}
}

static int control_listen(serve *s)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (cli_pathf(sa.sun_path, sizeof sa.sun_path, "%s/serve.sock", s->state) != 0) {
		fprintf(stderr, "podlife serve: %s/serve.sock: path too long for a socket\n", s->state);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0) {
		fprintf(stderr, "podlife serve: %s: %s\n", sa.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	chmod(sa.sun_path, 0600);
	return fd;
}

/* ---- inotify and signals ------------------------------------------------------------------ */

static void watch_dir(serve *s)
{
	if (s->ino_fd < 0 || s->ino_wd >= 0)
		return;
	s->ino_wd = inotify_add_watch(s->ino_fd, s->dir,
	                              IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
	                                      IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF);
}

static void inotify_read(serve *s)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(s->ino_fd, buf, sizeof buf);
		if (n <= 0)
			return;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
				if (ev->mask & IN_IGNORED)
					s->ino_wd = -1;
				s->rescan_at = cli_mono_ms() + SERVE_DEBOUNCE_MS;
			} else if (ev->mask & IN_Q_OVERFLOW) {
				s->rescan_at = cli_mono_ms();
			} else if (ev->len == 0 || ev->name[0] != '.') {
				s->rescan_at = cli_mono_ms() + SERVE_DEBOUNCE_MS;
			}
			p += sizeof *ev + ev->len;
		}
	}
}

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	if (serve_sig_fd >= 0 && write(serve_sig_fd, &c, 1) < 0) {
		/* the pipe is full: a stop is already pending */
	}
	errno = saved;
}

static int on_wake(void *ud, podlife_engine *e, struct pollfd *fds, size_t nfds)
{
	serve *s = ud;
	(void)e;
	(void)nfds;
	if (fds[0].revents)
		rt_dispatch(s->r);
	if (fds[1].fd >= 0 && fds[1].revents)
		inotify_read(s);
	if (fds[2].fd >= 0 && fds[2].revents)
		control_accept(s);
	if (fds[3].revents) {
		unsigned char c[16];
		if (read(s->sig_pipe[0], c, sizeof c) > 0)
			s->stop = true;
	}
	for (int i = 0; i < 4; i++)
		fds[i].revents = 0;
	int64_t now = cli_mono_ms();
	return s->stop || s->need_reconcile || s->dirty_state || s->dirty_status ||
	       now >= s->rescan_at || now >= s->next_rescan || now >= s->next_status;
}

/* ---- the command --------------------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr,
	        "usage: podlife serve --manifest-dir DIR [--state-dir DIR] [--node-name N]\n"
	        "                     [--node-label K=V]... [--runtime process|crun|runc]\n"
	        "                     [--docker-config FILE]... [--insecure-registry HOST:PORT]...\n");
	return 2;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	const char *dir = NULL, *state_arg = NULL, *node = NULL, *runtime = NULL;
	const char **labels = calloc((size_t)argc * 2 + 2, sizeof *labels);
	const char **configs = calloc((size_t)argc + 1, sizeof *configs);
	const char **insecure = calloc((size_t)argc + 1, sizeof *insecure);
	char **label_copies = calloc((size_t)argc + 1, sizeof *label_copies);
	size_t n_labels = 0, n_configs = 0, n_insecure = 0;
	int status = 1;
	if (!labels || !configs || !insecure || !label_copies) {
		fprintf(stderr, "podlife serve: out of memory\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage();
			status = 0;
			goto out_args;
		}
		if (!v || a[0] != '-') {
			fprintf(stderr, "podlife serve: %s\n", a[0] == '-' ? "missing value" : "unexpected argument");
			status = usage();
			goto out_args;
		}
		i++;
		if (strcmp(a, "--manifest-dir") == 0) {
			dir = v;
		} else if (strcmp(a, "--state-dir") == 0) {
			state_arg = v;
		} else if (strcmp(a, "--node-name") == 0) {
			node = v;
		} else if (strcmp(a, "--runtime") == 0) {
			runtime = v;
		} else if (strcmp(a, "--docker-config") == 0) {
			configs[n_configs++] = v;
		} else if (strcmp(a, "--insecure-registry") == 0) {
			insecure[n_insecure++] = v;
		} else if (strcmp(a, "--node-label") == 0) {
			char *kv = strchr(v, '=') ? strdup(v) : NULL;
			if (!kv || kv[0] == '=') {
				fprintf(stderr, "podlife serve: --node-label \"%s\": want KEY=VALUE\n", v);
				free(kv);
				status = 2;
				goto out_args;
			}
			char *eq = strchr(kv, '=');
			*eq = 0;
			label_copies[n_labels] = kv;
			labels[2 * n_labels] = kv;
			labels[2 * n_labels + 1] = eq + 1;
			n_labels++;
		} else {
			fprintf(stderr, "podlife serve: unknown option %s\n", a);
			status = usage();
			goto out_args;
		}
	}
	if (!dir) {
		status = usage();
		goto out_args;
	}

	serve sv;
	serve *s = &sv;
	memset(s, 0, sizeof *s);
	s->ino_fd = s->ino_wd = s->sock_fd = s->sig_pipe[0] = s->sig_pipe[1] = -1;
	char dirbuf[PATH_MAX], state[PATH_MAX], host[256];
	snprintf(dirbuf, sizeof dirbuf, "%s", dir);
	for (size_t l = strlen(dirbuf); l > 1 && dirbuf[l - 1] == '/'; l--)
		dirbuf[l - 1] = 0; /* trailing '/' trimmed, as the kubelet does */
	s->dir = dirbuf;
	if (!node) {
		cli_hostname(host, sizeof host);
		node = host;
	}
	s->node = node;
	for (size_t k = 0; k + 1 < sizeof s->node_lower && node[k]; k++)
		s->node_lower[k] = (char)tolower((unsigned char)node[k]);
	if (cli_state_dir(state_arg, state, sizeof state) != 0 || mkdir_p(state) != 0) {
		fprintf(stderr, "podlife serve: state directory %s: %s\n", state, strerror(errno));
		goto out_args;
	}
	s->state = state;
	long other = cli_serve_pid(state);
	if (other && other != (long)getpid()) {
		fprintf(stderr, "podlife serve: already serving from %s (pid %ld)\n", state, other);
		goto out_args;
	}

	rt_kind kind = RT_PROCESS;
	char why[512] = "";
	if (!runtime) {
		if (rt_available(RT_CRUN, NULL, why, sizeof why))
			kind = RT_CRUN;
		else if (rt_available(RT_RUNC, NULL, why, sizeof why))
			kind = RT_RUNC;
	} else if (strcmp(runtime, "process") == 0) {
		kind = RT_PROCESS;
	} else if (strcmp(runtime, "crun") == 0) {
		kind = RT_CRUN;
	} else if (strcmp(runtime, "runc") == 0) {
		kind = RT_RUNC;
	} else {
		fprintf(stderr, "podlife serve: --runtime must be process, crun or runc\n");
		status = 2;
		goto out_args;
	}

	podlife_keyring *kr = NULL;
	if (podlife_keyring_new(NULL, &kr) != PODLIFE_OK)
		goto out_args;
	for (size_t k = 0; k < n_configs; k++) {
		podlife_diag *d = NULL;
		int rc = podlife_keyring_add_config_file(kr, configs[k], &d);
		print_diag(configs[k], d, false);
		podlife_diag_free(d);
		if (rc != PODLIFE_OK) {
			fprintf(stderr, "podlife serve: --docker-config %s: %s\n", configs[k],
			        podlife_strerror(rc));
			podlife_keyring_free(kr);
			goto out_args;
		}
	}

	rt_options ro;
	memset(&ro, 0, sizeof ro);
	ro.kind = kind;
	ro.state_dir = state;
	ro.keyring = kr;
	ro.insecure_registries = insecure;
	ro.n_insecure = n_insecure;
	ro.progress = stderr;
	char err[512] = "";
	if (rt_new(&ro, &s->r, err, sizeof err) != 0) {
		fprintf(stderr, "podlife serve: runtime: %s\n", err);
		podlife_keyring_free(kr);
		goto out_args;
	}

	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.node_name = node;
	cfg.node_labels = n_labels ? labels : NULL;
	cfg.n_node_labels = n_labels;
	cfg.backend = rt_backend(s->r);
	cfg.probes = rt_probes(s->r);
	cfg.on_event = on_event;
	cfg.event_ud = s;
	cfg.on_pod_changed = on_changed;
	cfg.changed_ud = s;
	cfg.node_keyring = kr;
	cfg.flags = PODLIFE_ENGINE_KEEP_EVENTS;
	int rc = podlife_engine_new(&cfg, &s->e);
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "podlife serve: engine: %s\n", podlife_strerror(rc));
		rt_free(s->r);
		podlife_keyring_free(kr);
		goto out_args;
	}
	rt_attach(s->r, s->e);
	s->t0 = cli_mono_ms();

	char pidtext[32];
	snprintf(pidtext, sizeof pidtext, "%ld\n", (long)getpid());
	if (write_atomic(state, "serve.pid", pidtext, strlen(pidtext)) != 0)
		fprintf(stderr, "podlife serve: %s/serve.pid: %s\n", state, strerror(errno));

	if (pipe2(s->sig_pipe, O_NONBLOCK | O_CLOEXEC) == 0) {
		serve_sig_fd = s->sig_pipe[1];
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	s->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	watch_dir(s);
	s->sock_fd = control_listen(s);

	say(s, "serving static pods from %s as node %s (state %s, %s runtime)", s->dir, node, state,
	    kind == RT_PROCESS ? "process" : kind == RT_CRUN ? "crun" : "runc");
	tl_header(stdout);
	restore(s);
	scan(s);
	reconcile(s);
	save_state(s);
	save_status(s);

	struct pollfd fds[4];
	fds[0].fd = rt_fd(s->r);
	fds[1].fd = s->ino_fd;
	fds[2].fd = s->sock_fd;
	fds[3].fd = s->sig_pipe[0];
	for (int i = 0; i < 4; i++) {
		fds[i].events = POLLIN;
		fds[i].revents = 0;
	}
	while (!s->stop) {
		int64_t now = cli_mono_ms();
		int64_t until = s->next_rescan;
		if (s->rescan_at < until)
			until = s->rescan_at;
		if (s->next_status < until)
			until = s->next_status;
		/* The engine's clock is the real monotonic clock, as mono_ms. */
		int64_t eng_now = podlife_clock_real()->now_ms(podlife_clock_real()->ud);
		until = eng_now + (until > now ? until - now : 0);
		if (!(s->need_reconcile || s->dirty_state || s->dirty_status))
			rc = podlife_engine_run(s->e, until, fds, 4, on_wake, s);
		if (rc != PODLIFE_OK) {
			fprintf(stderr, "podlife serve: %s\n", podlife_strerror(rc));
			break;
		}
		if (s->stop)
			break;
		now = cli_mono_ms();
		if (now >= s->rescan_at || now >= s->next_rescan) {
			watch_dir(s);
			scan(s);
		}
		if (s->need_reconcile)
			reconcile(s);
		if (s->dirty_state)
			save_state(s);
		if (s->dirty_status || cli_mono_ms() >= s->next_status)
			save_status(s);
	}
	if (rc == PODLIFE_OK) {
		status = 0;
		say(s, "stopping; the pods keep running and the next serve adopts them");
	}
	save_state(s);
	save_status(s);
	if (s->sock_fd >= 0) {
		char path[PATH_MAX];
		cli_pathf(path, sizeof path, "%s/serve.sock", state);
		unlink(path);
		close(s->sock_fd);
	}
	char pidpath[PATH_MAX];
	cli_pathf(pidpath, sizeof pidpath, "%s/serve.pid", state);
	unlink(pidpath);
	if (s->ino_fd >= 0)
		close(s->ino_fd);
	serve_sig_fd = -1;
	podlife_engine_free(s->e);
	rt_free(s->r);
	podlife_keyring_free(kr);
	for (spod *p = s->pods, *next; p; p = next) {
		next = p->next;
		free_pod(p);
	}
	while (s->tombs)
		drop_tomb(s, s->tombs);
	for (size_t k = 0; k < s->n_files; k++)
		free_file(&s->files[k]);
	free(s->files);
	free(s->reported);
	close(s->sig_pipe[0]);
	close(s->sig_pipe[1]);
out_args:
	for (size_t k = 0; k < n_labels; k++)
		free(label_copies[k]);
	free(label_copies);
	free(labels);
	free(configs);
	free(insecure);
	return status;
}

#endif
