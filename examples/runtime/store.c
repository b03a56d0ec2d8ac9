/*
 * examples/runtime/store.c - the image store (store.h): references
 * resolved as docker does, manifests and indexes fetched through
 * registry.c with linux/amd64 chosen from an index, every blob verified
 * and kept under blobs/sha256, layers unpacked (unpack.c) into a
 * temporary directory renamed into rootfs/<manifest hex> when complete,
 * tags recorded under refs/, and the image config read back for the OCI
 * backend.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rt_int.h"
#include "store_int.h"

#define MANIFEST_CAP (4u << 20)
#define CONFIG_CAP (8u << 20)

struct store {
	char dir[900];          /* absolute; short enough for every path below */
	char **insecure;
	size_t n_insecure;
	void (*progress)(void *ud, const char *ref, uint64_t done, uint64_t total);
	void *progress_ud;
};

static const char *MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json";
static const char *MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
static const char *MT_DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
static const char *MT_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

/* ---- files ------------------------------------------------------------------------ */

/* A whole file of at most cap bytes (NUL-terminated), or NULL. */
static char *read_capped(const char *path, size_t cap, size_t *len)
{
	size_t n;
	char *b = rt_read_file(path, &n);
	if (b && n > cap) {
		free(b);
		return NULL;
	}
	if (b && len)
		*len = n;
	return b;
}

static void blob_path(const store *s, const char *digest, char *buf, size_t len)
{
	snprintf(buf, len, "%s/blobs/sha256/%s", s->dir, digest + 7);
}

static int blob_exists(const store *s, const char *digest)
{
	char p[PATH_MAX + 128];
	blob_path(s, digest, p, sizeof p);
	return access(p, F_OK) == 0;
}

/* ---- references ------------------------------------------------------------------- */

typedef struct ref {
	podlife_image_ref *pr;
	const char *domain, *repo;
	char key[160];            /* tag or digest */
	int by_digest;
	char canon[1200];         /* "docker.io/library/busybox:latest" */
} ref;

static int ref_parse(const char *image, ref *r, char *err, size_t len)
{
	podlife_error *pe = NULL;
	memset(r, 0, sizeof *r);
	if (!image || podlife_image_ref_parse(image, &r->pr, &pe) != 0) {
		snprintf(err, len, "failed to pull and unpack image \"%s\": %s", image ? image : "",
		         pe && podlife_error_message(pe) ? podlife_error_message(pe)
		                                         : "invalid reference format");
		podlife_error_free(pe);
		return -1;
	}
	r->domain = podlife_image_ref_domain(r->pr);
	r->repo = podlife_image_ref_path(r->pr);
	const char *tag = podlife_image_ref_tag(r->pr), *dig = podlife_image_ref_digest(r->pr);
	if (dig) {
		r->by_digest = 1;
		snprintf(r->key, sizeof r->key, "%s", dig);
		snprintf(r->canon, sizeof r->canon, "%s", podlife_image_ref_canonical(r->pr));
	} else {
		snprintf(r->key, sizeof r->key, "%s", tag ? tag : "latest");
		snprintf(r->canon, sizeof r->canon, "%s:%s", podlife_image_ref_name(r->pr), r->key);
	}
	if (dig && !st_digest_valid(dig)) {
		snprintf(err, len, "failed to pull and unpack image \"%s\": unsupported digest algorithm",
		         r->canon);
		podlife_image_ref_free(r->pr);
		r->pr = NULL;
		return -1;
	}
	return 0;
}

static void ref_free(ref *r)
{
	podlife_image_ref_free(r->pr);
	r->pr = NULL;
}

static int ref_path(const store *s, const ref *r, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/refs/%s/%s/%s", s->dir, r->domain, r->repo, r->key) >=
	               (int)len
	           ? -1
	           : 0;
}

/* The manifest digest a reference names locally: 1 found, 0 not. */
static int ref_read(const store *s, const ref *r, char out[72])
{
	char p[PATH_MAX + 256], *b = NULL;
	if (ref_path(s, r, p, sizeof p) == 0 && (b = read_capped(p, 256, NULL))) {
		b[strcspn(b, "\r\n ")] = 0;
		int ok = st_digest_valid(b);
		if (ok)
			snprintf(out, 72, "%s", b);
		free(b);
		if (ok)
			return 1;
	}
	if (r->by_digest) {
		snprintf(out, 72, "%.71s", r->key);
		return 1;
	}
	return 0;
}

static int ref_write(const store *s, const ref *r, const char *digest)
{
	char p[PATH_MAX + 256], line[80];
	if (ref_path(s, r, p, sizeof p))
		return -1;
	char *slash = strrchr(p, '/');
	*slash = 0;
	int rc = rt_mkdir_p(p, 0755);
	*slash = '/';
	if (rc)
		return -1;
	int n = snprintf(line, sizeof line, "%s\n", digest);
	return rt_write_file(p, line, (size_t)n);
}

/* ---- manifests and configs -------------------------------------------------------- */

static int mt_is(const char *ct, const char *mt)
{
	size_t n = strlen(mt);
	return ct && !strncmp(ct, mt, n) && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

static int is_index_type(const char *mt)
{
	return mt_is(mt, MT_OCI_INDEX) || mt_is(mt, MT_DOCKER_LIST);
}

/* The media type of a manifest document: its own field, the HTTP type, or its shape. */
static const char *doc_type(json_t *doc, const char *content_type)
{
	const char *mt = json_string_value(json_object_get(doc, "mediaType"));
	if (mt)
		return mt;
	if (content_type && (is_index_type(content_type) || mt_is(content_type, MT_OCI_MANIFEST) ||
	                     mt_is(content_type, MT_DOCKER_MANIFEST)))
		return content_type;
	if (json_is_array(json_object_get(doc, "manifests")))
		return MT_OCI_INDEX;
	if (json_is_array(json_object_get(doc, "layers")))
		return MT_OCI_MANIFEST;
	return "";
}

/* A descriptor's digest and size; -1 when malformed. */
static int descriptor(json_t *d, const char **digest, int64_t *size)
{
	*digest = json_string_value(json_object_get(d, "digest"));
	json_t *sz = json_object_get(d, "size");
	*size = json_is_integer(sz) ? json_integer_value(sz) : -1;
	return json_is_object(d) && st_digest_valid(*digest) && *size >= 0 ? 0 : -1;
}

/* The linux/amd64 entry of an index; NULL when none. */
static const char *select_platform(json_t *index)
{
	json_t *ms = json_object_get(index, "manifests"), *m;
	size_t i;
	json_array_foreach(ms, i, m)
	{
		json_t *pl = json_object_get(m, "platform");
		const char *os = json_string_value(json_object_get(pl, "os"));
		const char *arch = json_string_value(json_object_get(pl, "architecture"));
		const char *dig;
		int64_t sz;
		if (os && arch && !strcmp(os, "linux") && !strcmp(arch, "amd64") &&
		    descriptor(m, &dig, &sz) == 0 &&
		    !is_index_type(json_string_value(json_object_get(m, "mediaType"))))
			return dig;
	}
	return NULL;
}

static int layer_type_ok(const char *mt)
{
	static const char *ok[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	};
	for (size_t i = 0; mt && i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(mt, ok[i]))
			return 1;
	return 0;
}

/* Checks an image manifest: config and layers are well-formed descriptors. */
static int manifest_check(json_t *m, char *err, size_t len)
{
	const char *d;
	int64_t sz;
	json_t *layers = json_object_get(m, "layers"), *l;
	size_t i;
	if (json_integer_value(json_object_get(m, "schemaVersion")) != 2) {
		snprintf(err, len, "unsupported manifest schema version");
		return -1;
	}
	if (descriptor(json_object_get(m, "config"), &d, &sz) || sz > CONFIG_CAP) {
		snprintf(err, len, "invalid config descriptor in manifest");
		return -1;
	}
	if (!json_is_array(layers)) {
		snprintf(err, len, "manifest has no layers");
		return -1;
	}
	json_array_foreach(layers, i, l)
	{
		const char *mt = json_string_value(json_object_get(l, "mediaType"));
		if (descriptor(l, &d, &sz)) {
			snprintf(err, len, "invalid layer descriptor in manifest");
			return -1;
		}
		if (!layer_type_ok(mt)) {
			snprintf(err, len, "unsupported layer media type \"%s\"", mt ? mt : "");
			return -1;
		}
	}
	return 0;
}

static json_t *load_json(const char *data, size_t len)
{
	return json_loadb(data, len, 0, NULL);
}

static json_t *load_blob_json(const store *s, const char *digest, size_t cap)
{
	char p[PATH_MAX + 128], *b;
	size_t n;
	blob_path(s, digest, p, sizeof p);
	if (!(b = read_capped(p, cap, &n)))
		return NULL;
	json_t *j = load_json(b, n);
	free(b);
	return j;
}

static char **strv_from_json(json_t *a)
{
	if (!json_is_array(a))
		return NULL;
	size_t n = json_array_size(a), k = 0, i;
	char **v = calloc(n + 1, sizeof *v);
	json_t *e;
	if (!v)
		return NULL;
	json_array_foreach(a, i, e)
	{
		if (json_is_string(e) && !(v[k++] = strdup(json_string_value(e)))) {
			for (size_t j = 0; j < k; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
	}
	return v;
}

void store_image_clear(store_image *im)
{
	if (!im)
		return;
	rt_strv_free(im->entrypoint);
	rt_strv_free(im->cmd);
	rt_strv_free(im->env);
	free(im->working_dir);
	free(im->user);
	memset(im, 0, sizeof *im);
}

static char *str_or_null(json_t *j)
{
	const char *s = json_string_value(j);
	return s && *s ? strdup(s) : NULL;
}

/* Fills `out` from the stored manifest `digest`: 1 when the image is complete, 0 when not. */
static int image_load(const store *s, const char *digest, store_image *out, char *err, size_t len)
{
	char done[PATH_MAX + 128];
	memset(out, 0, sizeof *out);
	snprintf(done, sizeof done, "%s/rootfs/%s.done", s->dir, digest + 7);
	if (access(done, F_OK) != 0)
		return 0;
	json_t *m = load_blob_json(s, digest, MANIFEST_CAP), *cfg = NULL;
	const char *cd;
	int64_t csz;
	if (!m || descriptor(json_object_get(m, "config"), &cd, &csz) ||
	    !(cfg = load_blob_json(s, cd, CONFIG_CAP))) {
		json_decref(m);
		return 0;
	}
	snprintf(out->digest, sizeof out->digest, "%s", digest);
	snprintf(out->rootfs, sizeof out->rootfs, "%s/rootfs/%s", s->dir, digest + 7);
	json_t *l;
	size_t i;
	json_array_foreach(json_object_get(m, "layers"), i, l)
	{
		json_t *sz = json_object_get(l, "size");
		if (json_is_integer(sz) && json_integer_value(sz) > 0)
			out->size += (uint64_t)json_integer_value(sz);
	}
	json_t *c = json_object_get(cfg, "config");
	out->entrypoint = strv_from_json(json_object_get(c, "Entrypoint"));
	out->cmd = strv_from_json(json_object_get(c, "Cmd"));
	out->env = strv_from_json(json_object_get(c, "Env"));
	out->working_dir = str_or_null(json_object_get(c, "WorkingDir"));
	out->user = str_or_null(json_object_get(c, "User"));
	json_decref(m);
	json_decref(cfg);
	(void)err, (void)len;
	return 1;
}

/* The image manifest a stored document names: itself, or its linux/amd64 entry. */
static int local_manifest(const store *s, const char *digest, char out[72])
{
	json_t *j = load_blob_json(s, digest, MANIFEST_CAP);
	if (!j)
		return 0;
	const char *mt = doc_type(j, NULL);
	int rc = 1;
	if (is_index_type(mt)) {
		const char *d = select_platform(j);
		if (d)
			snprintf(out, 72, "%s", d);
		else
			rc = 0;
	} else {
		snprintf(out, 72, "%s", digest);
	}
	json_decref(j);
	return rc;
}

/* ---- the store ------------------------------------------------------------------------ */

/* Removes what an interrupted pull left (tmp/blob-*, rootfs/.tmp-*) once a
 * day old, so a pull running in another process keeps its files. */
static void remove_stale(const store *s)
{
	static const char *dirs[] = {"tmp", "rootfs"};
	time_t now = time(NULL);
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char d[PATH_MAX], p[PATH_MAX + 300];
		snprintf(d, sizeof d, "%s/%s", s->dir, dirs[i]);
		DIR *dh = opendir(d);
		struct dirent *de;
		while (dh && (de = readdir(dh)) != NULL) {
			struct stat st;
			if (strncmp(de->d_name, i ? ".tmp-" : "blob-", 5) != 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", d, de->d_name);
			if (lstat(p, &st) == 0 && now - st.st_mtime > 24 * 3600)
				st_rm_tree(p);
		}
		if (dh)
			closedir(dh);
	}
}

int store_open(const store_options *o, store **out, char *err, size_t errlen)
{
	char p[PATH_MAX + 32];
	*out = NULL;
	if (!o || !o->dir || !*o->dir) {
		snprintf(err, errlen, "image store: no directory");
		return -1;
	}
	store *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char real[PATH_MAX];
	if (rt_mkdir_p(o->dir, 0755) || !realpath(o->dir, real)) {
		snprintf(err, errlen, "image store %s: %s", o->dir, strerror(errno));
		free(s);
		return -1;
	}
	if (strlen(real) >= sizeof s->dir) {
		snprintf(err, errlen, "image store %s: path too long", o->dir);
		free(s);
		return -1;
	}
	memcpy(s->dir, real, strlen(real) + 1);
	static const char *subs[] = {"blobs/sha256", "refs", "rootfs", "tmp"};
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", s->dir, subs[i]);
		if (rt_mkdir_p(p, 0755)) {
			snprintf(err, errlen, "image store %s: %s", p, strerror(errno));
			free(s);
			return -1;
		}
	}
	if (o->n_insecure) {
		s->insecure = calloc(o->n_insecure, sizeof *s->insecure);
		for (size_t i = 0; s->insecure && i < o->n_insecure; i++)
			if (o->insecure[i] && (s->insecure[s->n_insecure] = strdup(o->insecure[i])))
				s->n_insecure++;
		if (!s->insecure) {
			free(s);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	s->progress = o->progress;
	s->progress_ud = o->progress_ud;
	remove_stale(s);
	*out = s;
	return 0;
}

void store_close(store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_insecure; i++)
		free(s->insecure[i]);
	free(s->insecure);
	free(s);
}

int store_lookup(store *s, const char *image, store_image *out, char *err, size_t errlen)
{
	ref r;
	char dig[72], m[72];
	memset(out, 0, sizeof *out);
	if (ref_parse(image, &r, err, errlen))
		return -1;
	int rc = 0;
	if (ref_read(s, &r, dig) && local_manifest(s, dig, m))
		rc = image_load(s, m, out, err, errlen);
	ref_free(&r);
	return rc;
}

/* ---- pulling ------------------------------------------------------------------------- */

typedef struct pull {
	store *s;
	ref r;
	st_reg *reg;
	char *err;
	size_t errlen;
	int downloaded;
	/* progress */
	uint64_t total, done;
	double start, last;
	int reported;
} pull;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_at(pull *p, uint64_t current, int final)
{
	if (!p->s->progress)
		return;
	double t = now_s();
	if (final ? !p->reported : (t - p->start < 1.0 || t - p->last < 1.0))
		return;
	p->last = t;
	p->reported = 1;
	p->s->progress(p->s->progress_ud, p->r.canon, p->done + current, p->total);
}

static void on_xfer(void *ud, uint64_t now)
{
	progress_at(ud, now, 0);
}

static int fail(pull *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(pull *p, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "failed to pull and unpack image \"%s\": %s", p->r.canon, msg);
	return -1;
}

/* The error for a manifest request that got `status`. */
static int resolve_fail(pull *p, long status, const char *key)
{
	char st[64];
	if (status == 404)
		return fail(p, "failed to resolve reference \"%s\": %s: not found", p->r.canon,
		            p->r.canon);
	return fail(p, "failed to resolve reference \"%s\": pulling from host %s failed with status "
	               "code [manifests %s]: %s",
	            p->r.canon, st_reg_host(p->reg), key, st_http_status_text(status, st, sizeof st));
}

/* GETs a manifest (by digest when `want` is set: it must hash to it) and stores it. */
static int get_manifest(pull *p, const char *key, const char *want, json_t **doc, char dig[72],
                        char *ctype, size_t ctlen)
{
	st_reg_resp resp;
	char e[1024];
	if (st_reg_fetch(p->reg, "manifests", key, 0, MANIFEST_CAP, NULL, NULL, &resp, e, sizeof e)) {
		st_reg_resp_clear(&resp);
		return fail(p, "failed to resolve reference \"%s\": %s", p->r.canon, e);
	}
	if (resp.status != 200) {
		long st = resp.status;
		st_reg_resp_clear(&resp);
		return resolve_fail(p, st, key);
	}
	p->downloaded = 1;
	st_sha256_digest(resp.body, resp.len, dig);
	if ((want && strcmp(dig, want) != 0) ||
	    (!want && resp.digest[0] && st_digest_valid(resp.digest) && strcmp(resp.digest, dig))) {
		int rc = fail(p, "failed commit on ref \"manifest-%s\": unexpected commit digest %s, "
		                 "expected %s: failed precondition",
		              want ? want : resp.digest, dig, want ? want : resp.digest);
		st_reg_resp_clear(&resp);
		return rc;
	}
	*doc = load_json(resp.body, resp.len);
	if (!*doc || !json_is_object(*doc)) {
		json_decref(*doc);
		*doc = NULL;
		st_reg_resp_clear(&resp);
		return fail(p, "failed to unmarshal manifest %s: invalid JSON", dig);
	}
	snprintf(ctype, ctlen, "%s", resp.content_type);
	char path[PATH_MAX + 128];
	blob_path(p->s, dig, path, sizeof path);
	int rc = 0;
	if (!blob_exists(p->s, dig) && rt_write_file(path, resp.body, resp.len))
		rc = fail(p, "write %s: %s", path, strerror(errno));
	st_reg_resp_clear(&resp);
	if (rc) {
		json_decref(*doc);
		*doc = NULL;
	}
	return rc;
}

/* Downloads a blob into blobs/sha256 unless present, verifying size and digest. */
static int get_blob(pull *p, const char *kind, const char *digest, int64_t size)
{
	char tmp[PATH_MAX + 64], path[PATH_MAX + 128], sha[72] = "", e[1024];
	if (blob_exists(p->s, digest))
		return 0;
	snprintf(tmp, sizeof tmp, "%s/tmp/blob-XXXXXX", p->s->dir);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return fail(p, "create %s: %s", tmp, strerror(errno));
	close(fd);
	st_reg_resp resp;
	int rc = st_reg_fetch(p->reg, "blobs", digest, 0, (size_t)size, tmp, sha, &resp, e, sizeof e);
	long status = resp.status;
	st_reg_resp_clear(&resp);
	if (rc) {
		unlink(tmp);
		return fail(p, "failed commit on ref \"%s-%s\": %s", kind, digest, e);
	}
	if (status != 200) {
		char st[64];
		unlink(tmp);
		return fail(p, "failed to copy: httpReadSeeker: failed open: unexpected status code "
		               "%s/v2/%s/blobs/%s: %s",
		            st_reg_host(p->reg), p->r.repo, digest,
		            st_http_status_text(status, st, sizeof st));
	}
	p->downloaded = 1;
	if (st_verify_file(tmp, digest, size, e, sizeof e)) {
		unlink(tmp);
		return fail(p, "failed commit on ref \"%s-%s\": %s", kind, digest, e);
	}
	blob_path(p->s, digest, path, sizeof path);
	chmod(tmp, 0644);
	if (rename(tmp, path) != 0) {
		int en = errno;
		unlink(tmp);
		return fail(p, "rename %s: %s", path, strerror(en));
	}
	p->done += (uint64_t)size;
	return 0;
}

/* Unpacks the manifest's layers into rootfs/<hex> (all or nothing). */
static int unpack_image(pull *p, const char *mdig, json_t *m)
{
	char done[PATH_MAX + 64], final[PATH_MAX + 64], tmp[PATH_MAX + 64], e[1024];
	char layer[PATH_MAX + 128];
	snprintf(done, sizeof done, "%s/rootfs/%s.done", p->s->dir, mdig + 7);
	if (access(done, F_OK) == 0)
		return 0;
	snprintf(final, sizeof final, "%s/rootfs/%s", p->s->dir, mdig + 7);
	snprintf(tmp, sizeof tmp, "%s/rootfs/.tmp-%.12s-XXXXXX", p->s->dir, mdig + 7);
	if (!mkdtemp(tmp))
		return fail(p, "create %s: %s", tmp, strerror(errno));
	chmod(tmp, 0755);
	json_t *l;
	size_t i;
	json_array_foreach(json_object_get(m, "layers"), i, l)
	{
		const char *d = json_string_value(json_object_get(l, "digest"));
		blob_path(p->s, d, layer, sizeof layer);
		if (st_unpack_layer(tmp, layer, e, sizeof e)) {
			st_rm_tree(tmp);
			return fail(p, "failed to extract layer %s: %s", d, e);
		}
	}
	st_rm_tree(final); /* a rename that never got its .done */
	if (rename(tmp, final) != 0) {
		int en = errno;
		st_rm_tree(tmp);
		return fail(p, "rename %s: %s", final, strerror(en));
	}
	if (rt_write_file(done, "", 0) != 0)
		return fail(p, "write %s: %s", done, strerror(errno));
	return 0;
}

static int pull_run(pull *p, int always, store_image *out)
{
	char top[72] = "", mdig[72], dig[72], ctype[128], e[1024];
	json_t *doc = NULL, *m = NULL;
	int rc = -1;
	(void)always;
	/* 1. what the reference names now: HEAD the tag (a digest names itself) */
	if (p->r.by_digest) {
		snprintf(top, sizeof top, "%.71s", p->r.key);
	} else {
		st_reg_resp resp;
		int hr = st_reg_fetch(p->reg, "manifests", p->r.key, 1, MANIFEST_CAP, NULL, NULL, &resp,
		                      e, sizeof e);
		long st = resp.status;
		if (!hr && st_digest_valid(resp.digest))
			snprintf(top, sizeof top, "%.71s", resp.digest);
		st_reg_resp_clear(&resp);
		if (hr)
			return fail(p, "failed to resolve reference \"%s\": %s", p->r.canon, e);
		/* registries without HEAD (405, 501): the GET below resolves the tag */
		if (st != 200 && st != 405 && st != 501)
			return resolve_fail(p, st, p->r.key);
	}
	/* 2. already stored and unpacked: nothing to download */
	if (top[0] && local_manifest(p->s, top, mdig) && image_load(p->s, mdig, out, e, sizeof e) == 1) {
		if (ref_write(p->s, &p->r, mdig))
			return fail(p, "write reference: %s", strerror(errno));
		return 0;
	}
	/* 3. the manifest, through an index when it is one */
	if (get_manifest(p, top[0] ? top : p->r.key, top[0] ? top : NULL, &doc, dig, ctype,
	                 sizeof ctype))
		return -1;
	const char *mt = doc_type(doc, ctype);
	if (is_index_type(mt)) {
		const char *child = select_platform(doc);
		if (!child) {
			fail(p, "no match for platform in manifest %s: not found", dig);
			goto out;
		}
		snprintf(mdig, sizeof mdig, "%s", child);
		if (get_manifest(p, mdig, mdig, &m, dig, ctype, sizeof ctype))
			goto out;
		mt = doc_type(m, ctype);
	} else {
		snprintf(mdig, sizeof mdig, "%s", dig);
		m = doc;
		doc = NULL;
	}
	if (!mt_is(mt, MT_OCI_MANIFEST) && !mt_is(mt, MT_DOCKER_MANIFEST)) {
		fail(p, "unsupported manifest media type \"%s\"", mt);
		goto out;
	}
	if (manifest_check(m, e, sizeof e)) {
		fail(p, "manifest %s: %s", mdig, e);
		goto out;
	}
	/* 4. config and layers */
	const char *cd;
	int64_t csz;
	json_t *l;
	size_t i;
	descriptor(json_object_get(m, "config"), &cd, &csz);
	if (!blob_exists(p->s, cd))
		p->total += (uint64_t)csz;
	json_array_foreach(json_object_get(m, "layers"), i, l)
	{
		const char *d;
		int64_t sz;
		descriptor(l, &d, &sz);
		if (!blob_exists(p->s, d))
			p->total += (uint64_t)sz;
	}
	if (get_blob(p, "config", cd, csz))
		goto out;
	json_t *cfg = load_blob_json(p->s, cd, CONFIG_CAP);
	if (!json_is_object(cfg)) {
		json_decref(cfg);
		fail(p, "failed to unmarshal image config %s: invalid JSON", cd);
		goto out;
	}
	json_decref(cfg);
	json_array_foreach(json_object_get(m, "layers"), i, l)
	{
		const char *d;
		int64_t sz;
		descriptor(l, &d, &sz);
		if (get_blob(p, "layer", d, sz))
			goto out;
	}
	progress_at(p, 0, 1);
	/* 5. the root filesystem, the reference, the answer */
	if (unpack_image(p, mdig, m))
		goto out;
	if (ref_write(p->s, &p->r, mdig)) {
		fail(p, "write reference: %s", strerror(errno));
		goto out;
	}
	if (image_load(p->s, mdig, out, e, sizeof e) != 1) {
		fail(p, "image %s is incomplete after the pull", mdig);
		goto out;
	}
	rc = 0;
out:
	json_decref(doc);
	json_decref(m);
	return rc;
}

int store_pull(store *s, const char *image, const podlife_auth *auth, size_t n_auth, int always,
               store_image *out, int *downloaded, char *err, size_t errlen)
{
	pull p = {.s = s, .err = err, .errlen = errlen};
	int dl = 0;
	memset(out, 0, sizeof *out);
	if (downloaded)
		*downloaded = 0;
	if (ref_parse(image, &p.r, err, errlen))
		return -1;
	st_reg_target t = {.domain = p.r.domain,
	                   .repo = p.r.repo,
	                   .insecure = (const char *const *)s->insecure,
	                   .n_insecure = s->n_insecure,
	                   .auth = auth,
	                   .n_auth = auth ? n_auth : 0,
	                   .xfer = on_xfer,
	                   .xfer_ud = &p};
	char e[256];
	if (st_reg_new(&t, &p.reg, e, sizeof e)) {
		fail(&p, "%s", e);
		ref_free(&p.r);
		return -1;
	}
	p.start = p.last = now_s();
	int rc = pull_run(&p, always, out);
	dl = p.downloaded;
	st_reg_free(p.reg);
	ref_free(&p.r);
	if (rc)
		store_image_clear(out);
	if (downloaded)
		*downloaded = rc ? 0 : dl;
	return rc;
}
