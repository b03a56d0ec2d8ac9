/*
 * tests/runtime/test_store.c - the mini-runtime's image store
 * (examples/runtime/store.c, registry.c, unpack.c).
 *
 * Without a registry it tests the parts alone: SHA-256 test vectors,
 * digest checks, layer unpacking (whiteouts, opaque directories, and
 * paths escaping the root filesystem through "..", absolute names,
 * symbolic and hard links) on tarballs written here with libarchive,
 * loopback detection, lookups and a refused connection.
 *
 * With tests/run.d/runtime-store.sh's registries it also pulls for real;
 * the script sets:
 *   PODLIFE_TEST_REGISTRY        127.0.0.1:P   docker-registry, no auth
 *   PODLIFE_TEST_AUTH_REGISTRY   127.0.0.1:Q   docker-registry, Basic auth
 *   PODLIFE_TEST_BEARER_REGISTRY 127.0.0.1:R   token_server.py's proxy (Bearer)
 *   PODLIFE_TEST_TOKEN_SERVER    127.0.0.1:S   its token server (/stats, /corrupt)
 *   PODLIFE_TEST_DIGESTS         make-images.sh's digests.txt
 *   PODLIFE_TEST_USER, PODLIFE_TEST_PASS
 */
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "harness.h"
#include "store_int.h"

static char tmp_root[256];

static void path_of(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void path_of(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, len, "%s/", tmp_root);
	va_start(ap, fmt);
	vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
}

/* PODLIFE_TEST_VERBOSE=1 shows the error texts the tests look at. */
static void show(const char *what, const char *err)
{
	if (getenv("PODLIFE_TEST_VERBOSE"))
		fprintf(stderr, "  %s: %s\n", what, err);
}

static int exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

/* ---- SHA-256 -------------------------------------------------------------------------- */

static void test_sha256_vectors(void)
{
	char d[72], hex[65];
	st_sha256_digest("", 0, d);
	CHECK_STR(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	st_sha256_digest("abc", 3, d);
	CHECK_STR(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	st_sha256_digest(m448, strlen(m448), d);
	CHECK_STR(d, "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
	                   "klmnopqrlmnopqrsmnopqrstnopqrstu";
	st_sha256_digest(m896, strlen(m896), d);
	CHECK_STR(d, "sha256:cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	/* one million 'a', fed in uneven pieces */
	static char a[1000];
	memset(a, 'a', sizeof a);
	st_sha256 c;
	st_sha256_init(&c);
	size_t left = 1000000, step = 1;
	while (left) {
		size_t n = step < left ? step : left;
		if (n > sizeof a)
			n = sizeof a;
		st_sha256_update(&c, a, n);
		left -= n;
		step = step * 7 % 997 + 1;
	}
	st_sha256_hex(&c, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* 55, 56 and 64 bytes: the padding edges */
	st_sha256_digest(a, 55, d);
	CHECK_STR(d, "sha256:9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	st_sha256_digest(a, 56, d);
	CHECK_STR(d, "sha256:b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	st_sha256_digest(a, 64, d);
	CHECK_STR(d, "sha256:ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

static void test_digest_valid(void)
{
	CHECK(st_digest_valid("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(!st_digest_valid("sha256:E3B0C44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(!st_digest_valid("sha256:e3b0"));
	CHECK(!st_digest_valid("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(!st_digest_valid("sha256:../../../../etc/passwdxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
	CHECK(!st_digest_valid(NULL));
}

static void write_file(const char *p, const char *data)
{
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(data, f);
		fclose(f);
	}
}

static void test_verify_file(void)
{
	char p[512], err[512];
	path_of(p, sizeof p, "verify");
	write_file(p, "abc");
	const char *good = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	const char *bad = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae";
	CHECK_INT(st_verify_file(p, good, 3, err, sizeof err), 0);
	CHECK_INT(st_verify_file(p, good, -1, err, sizeof err), 0);
	err[0] = 0;
	CHECK_INT(st_verify_file(p, bad, 3, err, sizeof err), -1);
	CHECK(strstr(err, "unexpected commit digest") != NULL);
	CHECK_INT(st_verify_file(p, good, 4, err, sizeof err), -1);
	CHECK(strstr(err, "size validation") != NULL);
	path_of(p, sizeof p, "verify-missing");
	CHECK_INT(st_verify_file(p, good, 3, err, sizeof err), -1);
}

/* ---- layers written here ------------------------------------------------------------- */

typedef struct ent {
	const char *name;
	char type;         /* f file, d dir, l symlink, h hardlink, c char device */
	const char *data;  /* content, or link target */
} ent;

static int make_layer(const char *path, int gz, const ent *e, size_t n)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (gz)
		archive_write_add_filter_gzip(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK) {
		archive_write_free(a);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *x = archive_entry_new();
		archive_entry_set_pathname(x, e[i].name);
		archive_entry_set_mtime(x, 1700000000, 0);
		size_t len = 0;
		switch (e[i].type) {
		case 'd':
			archive_entry_set_filetype(x, AE_IFDIR);
			archive_entry_set_perm(x, 0755);
			break;
		case 'l':
			archive_entry_set_filetype(x, AE_IFLNK);
			archive_entry_set_perm(x, 0777);
			archive_entry_set_symlink(x, e[i].data);
			break;
		case 'h':
			archive_entry_set_filetype(x, AE_IFREG);
			archive_entry_set_perm(x, 0644);
			archive_entry_set_hardlink(x, e[i].data);
			break;
		case 'c':
			archive_entry_set_filetype(x, AE_IFCHR);
			archive_entry_set_perm(x, 0666);
			archive_entry_set_rdev(x, makedev(1, 3));
			break;
		default:
			archive_entry_set_filetype(x, AE_IFREG);
			archive_entry_set_perm(x, 0644);
			len = e[i].data ? strlen(e[i].data) : 0;
			archive_entry_set_size(x, (la_int64_t)len);
		}
		archive_write_header(a, x);
		if (len)
			archive_write_data(a, e[i].data, len);
		archive_entry_free(x);
	}
	archive_write_close(a);
	archive_write_free(a);
	return 0;
}

static void fresh_dir(char *buf, size_t len, const char *name)
{
	path_of(buf, len, "%s", name);
	st_rm_tree(buf);
	mkdir(buf, 0755);
}

static int file_is(const char *root, const char *rel, const char *want)
{
	char p[1024], got[256] = "";
	snprintf(p, sizeof p, "%s/%s", root, rel);
	FILE *f = fopen(p, "r");
	if (!f)
		return 0;
	size_t n = fread(got, 1, sizeof got - 1, f);
	fclose(f);
	got[n] = 0;
	return strcmp(got, want) == 0;
}

static int in_root(const char *root, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	return exists(p);
}

static void test_unpack_layers(void)
{
	char root[512], l1[512], l2[512], err[512] = "";
	fresh_dir(root, sizeof root, "rootfs-basic");
	path_of(l1, sizeof l1, "l1.tar.gz");
	path_of(l2, sizeof l2, "l2.tar");
	const ent one[] = {{"./", 'd', NULL},           {"./bin/", 'd', NULL},
	                   {"./bin/tool", 'f', "v1\n"}, {"./bin/alias", 'l', "/bin/tool"},
	                   {"./bin/hard", 'h', "bin/tool"}, {"etc/", 'd', NULL},
	                   {"etc/conf", 'f', "x=1\n"},  {"dev/null", 'c', NULL}};
	REQUIRE(make_layer(l1, 1, one, sizeof one / sizeof one[0]) == 0);
	/* a plain (uncompressed) tar on top replaces a file */
	const ent two[] = {{"bin/tool", 'f', "v2\n"}, {"etc/alias", 'l', "../bin/tool"}};
	REQUIRE(make_layer(l2, 0, two, 2) == 0);
	CHECK_INT(st_unpack_layer(root, l1, err, sizeof err), 0);
	CHECK_INT(st_unpack_layer(root, l2, err, sizeof err), 0);
	if (err[0])
		fprintf(stderr, "  unpack: %s\n", err);
	CHECK(file_is(root, "bin/tool", "v2\n"));
	CHECK(file_is(root, "bin/hard", "v1\n"));
	CHECK(file_is(root, "etc/conf", "x=1\n"));
	CHECK(file_is(root, "etc/alias", "v2\n"));
	char p[1024], t[64] = "";
	snprintf(p, sizeof p, "%s/bin/alias", root);
	CHECK(readlink(p, t, sizeof t - 1) == 9 && !strcmp(t, "/bin/tool"));
	/* a device node only for root */
	CHECK_INT(in_root(root, "dev/null"), geteuid() == 0);
}

static void test_unpack_whiteouts(void)
{
	char root[512], l1[512], l2[512], err[512] = "";
	fresh_dir(root, sizeof root, "rootfs-wh");
	path_of(l1, sizeof l1, "wh1.tar.gz");
	path_of(l2, sizeof l2, "wh2.tar.gz");
	const ent lower[] = {{"a/", 'd', NULL},      {"a/x", 'f', "x"},  {"a/y", 'f', "y"},
	                     {"b/", 'd', NULL},      {"b/z", 'f', "z"},  {"b/sub/", 'd', NULL},
	                     {"b/sub/deep", 'f', "d"}, {"c/", 'd', NULL}, {"c/gone", 'f', "g"},
	                     {"keep", 'f', "k"}};
	/* the upper layer's own b/new comes before its opaque marker in the tar:
	 * whiteouts apply to the lower layers only */
	const ent upper[] = {{"a/.wh.x", 'f', ""}, {"b/new", 'f', "n"}, {"b/.wh..wh..opq", 'f', ""},
	                     {".wh.c", 'f', ""}};
	REQUIRE(make_layer(l1, 1, lower, sizeof lower / sizeof lower[0]) == 0);
	REQUIRE(make_layer(l2, 1, upper, sizeof upper / sizeof upper[0]) == 0);
	CHECK_INT(st_unpack_layer(root, l1, err, sizeof err), 0);
	CHECK_INT(st_unpack_layer(root, l2, err, sizeof err), 0);
	if (err[0])
		fprintf(stderr, "  unpack: %s\n", err);
	CHECK(!in_root(root, "a/x"));
	CHECK(in_root(root, "a/y"));
	CHECK(!in_root(root, "a/.wh.x"));
	CHECK(in_root(root, "b"));
	CHECK(!in_root(root, "b/z"));
	CHECK(!in_root(root, "b/sub"));
	CHECK(file_is(root, "b/new", "n"));
	CHECK(!in_root(root, "b/.wh..wh..opq"));
	CHECK(!in_root(root, "c"));
	CHECK(in_root(root, "keep"));
}

/* Each layer must be refused and nothing may appear outside the root. */
static void test_unpack_escapes(void)
{
	char root[512], l[512], err[512], outside[512], victim[512];
	path_of(outside, sizeof outside, "outside");
	st_rm_tree(outside);
	mkdir(outside, 0755);
	path_of(victim, sizeof victim, "victim");
	write_file(victim, "untouched");
	char wrel[600];
	snprintf(wrel, sizeof wrel, "%s", victim);
	const ent dotdot[] = {{"../escaped", 'f', "x"}};
	const ent nested[] = {{"a/", 'd', NULL}, {"a/../../escaped", 'f', "x"}};
	const ent absolute[] = {{"/tmp/podlife-test-absolute", 'f', "x"}};
	const ent symdir[] = {{"link", 'l', outside}, {"link/escaped", 'f', "x"}};
	const ent symrel[] = {{"up", 'l', "../.."}, {"up/escaped", 'f', "x"}};
	const ent symfile[] = {{"v", 'l', victim}, {"v", 'f', "replaced"}};
	const ent hard[] = {{"h", 'h', "../victim"}};
	const ent hardabs[] = {{"h", 'h', wrel}};
	/* a lower layer made the symlink; the upper one whites out through it */
	const ent lower[] = {{"link", 'l', outside}};
	const ent whiteout[] = {{"link/.wh.keepme", 'f', ""}};
	const ent whdotdot[] = {{"../.wh.victim", 'f', ""}};
	struct {
		const char *name;
		const ent *e;
		size_t n;
		int must_fail;
	} cases[] = {
		{"dotdot", dotdot, 1, 1},       {"nested", nested, 2, 1},
		{"absolute", absolute, 1, 1},   {"symdir", symdir, 2, 1},
		{"symrel", symrel, 2, 1},       {"symfile", symfile, 2, 0},
		{"hard", hard, 1, 1},           {"hardabs", hardabs, 1, 1},
		{"whiteout", whiteout, 1, 1},   {"whdotdot", whdotdot, 1, 1},
	};
	char keep[600];
	snprintf(keep, sizeof keep, "%s/keepme", outside);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "rootfs-esc-%s", cases[i].name);
		fresh_dir(root, sizeof root, name);
		path_of(l, sizeof l, "esc-%s.tar.gz", cases[i].name);
		write_file(keep, "k");
		if (cases[i].e == whiteout) {
			REQUIRE(make_layer(l, 1, lower, 1) == 0);
			CHECK_INT(st_unpack_layer(root, l, err, sizeof err), 0);
		}
		REQUIRE(make_layer(l, 1, cases[i].e, cases[i].n) == 0);
		err[0] = 0;
		int rc = st_unpack_layer(root, l, err, sizeof err);
		show(cases[i].name, err);
		if (cases[i].must_fail) {
			if (rc != -1)
				fprintf(stderr, "  case %s was not refused\n", cases[i].name);
			CHECK_INT(rc, -1);
			CHECK(err[0] != 0);
		}
		char esc[600];
		path_of(esc, sizeof esc, "escaped");
		CHECK(!exists(esc));
		snprintf(esc, sizeof esc, "%s/escaped", outside);
		CHECK(!exists(esc));
		CHECK(exists(keep));
		CHECK(!exists("/tmp/podlife-test-absolute"));
		CHECK(file_is(tmp_root, "victim", "untouched"));
	}
	/* the file that replaced a symlink is inside the root */
	char p[600];
	path_of(p, sizeof p, "rootfs-esc-symfile/v");
	struct stat st;
	CHECK(lstat(p, &st) == 0 && S_ISREG(st.st_mode));
}

static void test_unpack_garbage(void)
{
	char root[512], l[512], err[512];
	fresh_dir(root, sizeof root, "rootfs-garbage");
	path_of(l, sizeof l, "garbage.tar.gz");
	const ent big[] = {{"f", 'f', "0123456789abcdefghijklmnopqrstuvwxyz0123456789"}};
	REQUIRE(make_layer(l, 1, big, 1) == 0);
	/* truncate the gzip stream */
	CHECK_INT(truncate(l, 40), 0);
	err[0] = 0;
	CHECK_INT(st_unpack_layer(root, l, err, sizeof err), -1);
	CHECK(err[0] != 0);
	write_file(l, "this is not a tarball at all");
	CHECK_INT(st_unpack_layer(root, l, err, sizeof err), -1);
	path_of(l, sizeof l, "no-such-layer");
	CHECK_INT(st_unpack_layer(root, l, err, sizeof err), -1);
}

static void test_plain_http(void)
{
	CHECK(st_reg_plain_http("127.0.0.1:5000", NULL, 0));
	CHECK(st_reg_plain_http("127.1.2.3", NULL, 0));
	CHECK(st_reg_plain_http("localhost:5000", NULL, 0));
	CHECK(st_reg_plain_http("[::1]:5000", NULL, 0));
	CHECK(!st_reg_plain_http("docker.io", NULL, 0));
	CHECK(!st_reg_plain_http("128.0.0.1:5000", NULL, 0));
	CHECK(!st_reg_plain_http("localhost.example.com", NULL, 0));
	const char *ins[] = {"reg.lan:5000"};
	CHECK(st_reg_plain_http("reg.lan:5000", ins, 1));
	CHECK(!st_reg_plain_http("reg.lan:5001", ins, 1));
	/* Docker Hub's API host */
	st_reg *r = NULL;
	char err[256];
	st_reg_target t = {.domain = "docker.io", .repo = "library/busybox"};
	REQUIRE(st_reg_new(&t, &r, err, sizeof err) == 0);
	CHECK_STR(st_reg_host(r), "registry-1.docker.io");
	st_reg_free(r);
	t.domain = "127.0.0.1:5000";
	REQUIRE(st_reg_new(&t, &r, err, sizeof err) == 0);
	CHECK_STR(st_reg_host(r), "127.0.0.1:5000");
	st_reg_free(r);
	char b[64];
	CHECK_STR(st_http_status_text(401, b, sizeof b), "401 Unauthorized");
	CHECK_STR(st_http_status_text(599, b, sizeof b), "599");
}

static store *open_store(const char *name)
{
	char dir[512], err[512];
	store *s = NULL;
	path_of(dir, sizeof dir, "%s", name);
	st_rm_tree(dir);
	store_options o = {.dir = dir};
	if (store_open(&o, &s, err, sizeof err) != 0)
		fprintf(stderr, "  store_open: %s\n", err);
	return s;
}

static void test_lookup_offline(void)
{
	store *s = open_store("store-offline");
	store_image im;
	char err[512];
	REQUIRE(s != NULL);
	CHECK_INT(store_lookup(s, "busybox", &im, err, sizeof err), 0);
	CHECK_INT(store_lookup(s, "Not A Reference!", &im, err, sizeof err), -1);
	CHECK(strstr(err, "invalid reference format") != NULL);
	/* nothing listens on port 1 */
	int dl = 7;
	CHECK_INT(store_pull(s, "127.0.0.1:1/library/busybox:1.36", NULL, 0, 0, &im, &dl, err,
	                     sizeof err),
	          -1);
	show(__func__, err);
	CHECK(strstr(err, "failed to pull and unpack image \"127.0.0.1:1/library/busybox:1.36\": "
	                  "failed to resolve reference") != NULL);
	CHECK_INT(dl, 0);
	store_close(s);
	/* an interrupted pull's leftovers go once a day old; fresh ones stay */
	char old_blob[600], old_dir[600], new_blob[600], dir[512];
	path_of(old_blob, sizeof old_blob, "store-offline/tmp/blob-old");
	path_of(new_blob, sizeof new_blob, "store-offline/tmp/blob-new");
	path_of(old_dir, sizeof old_dir, "store-offline/rootfs/.tmp-0123-old");
	write_file(old_blob, "x");
	write_file(new_blob, "x");
	mkdir(old_dir, 0755);
	struct timespec ts[2] = {{.tv_sec = 1700000000}, {.tv_sec = 1700000000}};
	utimensat(AT_FDCWD, old_blob, ts, AT_SYMLINK_NOFOLLOW);
	utimensat(AT_FDCWD, old_dir, ts, AT_SYMLINK_NOFOLLOW);
	path_of(dir, sizeof dir, "store-offline");
	store_options o = {.dir = dir};
	REQUIRE(store_open(&o, &s, err, sizeof err) == 0);
	CHECK(!exists(old_blob));
	CHECK(!exists(old_dir));
	CHECK(exists(new_blob));
	store_close(s);
}

/* ---- against the registries ------------------------------------------------------------- */

static const char *reg_noauth, *reg_auth, *reg_bearer, *token_srv, *digests_file, *user, *pass;

/* The manifest digest make-images.sh recorded for "name:tag". */
static const char *want_digest(const char *nametag)
{
	static char out[80];
	char line[256];
	FILE *f = fopen(digests_file, "r");
	out[0] = 0;
	while (f && fgets(line, sizeof line, f)) {
		char *sp = strchr(line, ' ');
		if (sp && (size_t)(sp - line) == strlen(nametag) && !strncmp(line, nametag, (size_t)(sp - line)))
			sscanf(sp + 1, "%79s", out);
	}
	if (f)
		fclose(f);
	return out;
}

static void ctl(const char *path, char *out, size_t len)
{
	char url[256], cmd[300];
	snprintf(url, sizeof url, "http://%s%s", token_srv, path);
	snprintf(cmd, sizeof cmd, "curl -sf '%s'", url);
	out[0] = 0;
	FILE *p = popen(cmd, "r");
	if (p) {
		size_t n = fread(out, 1, len - 1, p);
		out[n] = 0;
		pclose(p);
	}
}

static long stat_of(const char *key)
{
	char buf[512];
	ctl("/stats", buf, sizeof buf);
	json_t *j = json_loads(buf, 0, NULL);
	long v = j ? (long)json_integer_value(json_object_get(j, key)) : -1;
	json_decref(j);
	return v;
}

static int strv_is(char **v, const char *a, const char *b)
{
	return v && v[0] && !strcmp(v[0], a) && (b ? v[1] && !strcmp(v[1], b) && !v[2] : !v[1]);
}

static void test_pull_noauth(void)
{
	store *s = open_store("store-noauth");
	store_image im;
	char img[256], err[1024], p[1200];
	int dl = 0;
	REQUIRE(s != NULL);
	snprintf(img, sizeof img, "%s/library/busybox:1.36", reg_noauth);
	CHECK_INT(store_lookup(s, img, &im, err, sizeof err), 0);
	int rc = store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err);
	if (rc)
		fprintf(stderr, "  pull: %s\n", err);
	CHECK_INT(rc, 0);
	CHECK_INT(dl, 1);
	CHECK_STR(im.digest, want_digest("busybox:1.36"));
	snprintf(p, sizeof p, "%s/bin/busybox", im.rootfs);
	CHECK(access(p, X_OK) == 0);
	snprintf(p, sizeof p, "%s/bin/sh", im.rootfs);
	CHECK(exists(p));
	CHECK(file_is(im.rootfs, "etc/group", "root:x:0:\nnogroup:x:65534:\n"));
	CHECK(strv_is(im.cmd, "sh", NULL));
	CHECK(im.entrypoint == NULL);
	CHECK(im.env && !strncmp(im.env[0], "PATH=", 5));
	CHECK(im.working_dir && !strcmp(im.working_dir, "/"));
	CHECK(im.user == NULL);
	CHECK(im.size > 100000);
	char rootfs[1024];
	snprintf(rootfs, sizeof rootfs, "%s", im.rootfs);
	store_image_clear(&im);
	/* lookup after; the canonical spelling finds it too */
	CHECK_INT(store_lookup(s, img, &im, err, sizeof err), 1);
	CHECK_STR(im.rootfs, rootfs);
	CHECK(strv_is(im.cmd, "sh", NULL));
	store_image_clear(&im);
	/* IfNotPresent-style second pull: the digest is stored, nothing downloaded */
	dl = 7;
	CHECK_INT(store_pull(s, img, NULL, 0, 1, &im, &dl, err, sizeof err), 0);
	CHECK_INT(dl, 0);
	store_image_clear(&im);
	/* by digest */
	char bydig[256];
	snprintf(bydig, sizeof bydig, "%s/library/busybox@%s", reg_noauth, want_digest("busybox:1.36"));
	CHECK_INT(store_lookup(s, bydig, &im, err, sizeof err), 1);
	store_image_clear(&im);
	/* an unknown tag */
	snprintf(img, sizeof img, "%s/library/busybox:nope", reg_noauth);
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), -1);
	show(__func__, err);
	char want[1024];
	snprintf(want, sizeof want,
	         "failed to pull and unpack image \"%s\": failed to resolve reference \"%s\": %s: not found",
	         img, img, img);
	CHECK_STR(err, want);
	/* an unknown repository */
	snprintf(img, sizeof img, "%s/library/nothing-here", reg_noauth);
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), -1);
	show(__func__, err);
	CHECK(strstr(err, "nothing-here:latest: not found") != NULL);
	store_close(s);
}

static void test_pull_other_images(void)
{
	store *s = open_store("store-images");
	store_image im;
	char img[256], err[1024];
	int dl = 0;
	REQUIRE(s != NULL);
	snprintf(img, sizeof img, "%s/library/httpd:1", reg_noauth);
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), 0);
	CHECK_STR(im.digest, want_digest("httpd:1"));
	CHECK(file_is(im.rootfs, "www/healthz", "ok\n"));
	CHECK(in_root(im.rootfs, "bin/busybox"));
	CHECK(im.cmd && !strcmp(im.cmd[0], "httpd") && im.cmd[6] && !strcmp(im.cmd[6], "/www"));
	store_image_clear(&im);
	snprintf(img, sizeof img, "%s/library/pause:3.9", reg_noauth);
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), 0);
	CHECK(strv_is(im.entrypoint, "/catatonit", "-P"));
	CHECK(im.cmd == NULL);
	CHECK(in_root(im.rootfs, "catatonit"));
	store_image_clear(&im);
	store_close(s);
}

static void test_index_and_list(void)
{
	store *s = open_store("store-multi");
	store_image im;
	char img[256], err[1024];
	int dl = 0;
	REQUIRE(s != NULL);
	/* OCI index: arm64 comes first, amd64 is chosen */
	snprintf(img, sizeof img, "%s/library/busybox:multi", reg_noauth);
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), 0);
	CHECK_STR(im.digest, want_digest("busybox:1.36"));
	CHECK(in_root(im.rootfs, "bin/busybox"));
	store_image_clear(&im);
	CHECK_INT(store_lookup(s, img, &im, err, sizeof err), 1);
	CHECK_STR(im.digest, want_digest("busybox:1.36"));
	store_image_clear(&im);
	/* again with Always: the index digest is unchanged, nothing downloaded */
	dl = 7;
	CHECK_INT(store_pull(s, img, NULL, 0, 1, &im, &dl, err, sizeof err), 0);
	CHECK_INT(dl, 0);
	store_image_clear(&im);
	/* Docker manifest list -> the Docker schema 2 amd64 manifest */
	snprintf(img, sizeof img, "%s/library/busybox:multi-v2s2", reg_noauth);
	int rc = store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err);
	if (rc)
		fprintf(stderr, "  pull: %s\n", err);
	CHECK_INT(rc, 0);
	CHECK_STR(im.digest, want_digest("busybox:1.36-v2s2"));
	CHECK(strv_is(im.cmd, "sh", NULL));
	store_image_clear(&im);
	/* the index by its digest */
	snprintf(img, sizeof img, "%s/library/busybox@%s", reg_noauth, want_digest("busybox:multi"));
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), 0);
	CHECK_STR(im.digest, want_digest("busybox:1.36"));
	store_image_clear(&im);
	/* an image with only arm64 is still pulled when named directly (no index) */
	store_close(s);
}

static void test_pull_basic_auth(void)
{
	store *s = open_store("store-basic");
	store_image im;
	char img[256], err[1024], want[1024];
	int dl = 0;
	REQUIRE(s != NULL);
	snprintf(img, sizeof img, "%s/library/busybox:1.36", reg_auth);
	/* anonymous */
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), -1);
	show(__func__, err);
	snprintf(want, sizeof want,
	         "failed to pull and unpack image \"%s\": failed to resolve reference \"%s\": pulling "
	         "from host %s failed with status code [manifests 1.36]: 401 Unauthorized",
	         img, img, reg_auth);
	CHECK_STR(err, want);
	/* wrong credentials: 401, and the password nowhere */
	const char *wrong_pw = "Wr0ng-Passw0rd-Xyzzy";
	podlife_auth bad[] = {{reg_auth, user, wrong_pw}};
	CHECK_INT(store_pull(s, img, bad, 1, 0, &im, &dl, err, sizeof err), -1);
	show(__func__, err);
	CHECK_STR(err, want);
	CHECK(strstr(err, wrong_pw) == NULL);
	CHECK(strstr(err, "Xyzzy") == NULL);
	CHECK_INT(store_lookup(s, img, &im, err, sizeof err), 0);
	/* a wrong credential first, then the right one: tried in order */
	podlife_auth two[] = {{reg_auth, "someone", wrong_pw}, {reg_auth, user, pass}};
	int rc = store_pull(s, img, two, 2, 0, &im, &dl, err, sizeof err);
	if (rc)
		fprintf(stderr, "  pull: %s\n", err);
	CHECK_INT(rc, 0);
	CHECK_STR(im.digest, want_digest("busybox:1.36"));
	CHECK(in_root(im.rootfs, "bin/busybox"));
	store_image_clear(&im);
	CHECK_INT(store_lookup(s, img, &im, err, sizeof err), 1);
	store_image_clear(&im);
	store_close(s);
}

static void test_pull_bearer(void)
{
	store *s = open_store("store-bearer");
	store_image im;
	char img[256], err[1024];
	int dl = 0;
	REQUIRE(s != NULL);
	snprintf(img, sizeof img, "%s/library/busybox:1.36", reg_bearer);
	long t0 = stat_of("tokens");
	/* anonymous: the token server refuses */
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), -1);
	show(__func__, err);
	CHECK(strstr(err, "401 Unauthorized") != NULL);
	/* wrong password */
	const char *wrong_pw = "Bearer-Wr0ng-Secret";
	podlife_auth bad[] = {{reg_bearer, user, wrong_pw}};
	CHECK_INT(store_pull(s, img, bad, 1, 0, &im, &dl, err, sizeof err), -1);
	show(__func__, err);
	CHECK(strstr(err, "401 Unauthorized") != NULL);
	CHECK(strstr(err, wrong_pw) == NULL);
	CHECK_INT(stat_of("tokens"), t0);
	/* right credentials: a token, then the pull through the proxy */
	podlife_auth good[] = {{reg_bearer, user, pass}};
	int rc = store_pull(s, img, good, 1, 0, &im, &dl, err, sizeof err);
	if (rc)
		fprintf(stderr, "  pull: %s\n", err);
	CHECK_INT(rc, 0);
	CHECK_INT(dl, 1);
	CHECK(stat_of("tokens") > t0);
	CHECK(stat_of("blob_get") >= 2);
	CHECK_STR(im.digest, want_digest("busybox:1.36"));
	CHECK(in_root(im.rootfs, "bin/busybox"));
	store_image_clear(&im);
	store_close(s);
}

/* Always with an unchanged digest: one HEAD, no GET of a manifest or blob. */
static void test_always_unchanged(void)
{
	store *s = open_store("store-always");
	store_image im;
	char img[256], err[1024];
	int dl = 0;
	REQUIRE(s != NULL);
	podlife_auth good[] = {{reg_bearer, user, pass}};
	snprintf(img, sizeof img, "%s/library/httpd:1", reg_bearer);
	CHECK_INT(store_pull(s, img, good, 1, 1, &im, &dl, err, sizeof err), 0);
	CHECK_INT(dl, 1);
	store_image_clear(&im);
	long mg = stat_of("manifest_get"), bg = stat_of("blob_get"), mh = stat_of("manifest_head");
	dl = 7;
	int rc = store_pull(s, img, good, 1, 1, &im, &dl, err, sizeof err);
	if (rc)
		fprintf(stderr, "  pull: %s\n", err);
	CHECK_INT(rc, 0);
	CHECK_INT(dl, 0);
	CHECK_STR(im.digest, want_digest("httpd:1"));
	CHECK_INT(stat_of("manifest_get"), mg);
	CHECK_INT(stat_of("blob_get"), bg);
	CHECK_INT(stat_of("manifest_head"), mh + 1);
	store_image_clear(&im);
	/* another tag of the same image (httpd:latest): still nothing downloaded */
	snprintf(img, sizeof img, "%s/library/httpd:latest", reg_bearer);
	CHECK_INT(store_pull(s, img, good, 1, 1, &im, &dl, err, sizeof err), 0);
	CHECK_INT(dl, 0);
	CHECK_INT(stat_of("blob_get"), bg);
	store_image_clear(&im);
	store_close(s);
}

/* The proxy changes a byte of every blob: the pull fails, nothing is kept. */
static void test_corrupt_blob(void)
{
	store *s = open_store("store-corrupt");
	store_image im;
	char img[256], err[1024], buf[64];
	int dl = 0;
	REQUIRE(s != NULL);
	podlife_auth good[] = {{reg_bearer, user, pass}};
	snprintf(img, sizeof img, "%s/library/pause:3.9", reg_bearer);
	ctl("/corrupt?on=1", buf, sizeof buf);
	int rc = store_pull(s, img, good, 1, 0, &im, &dl, err, sizeof err);
	ctl("/corrupt?on=0", buf, sizeof buf);
	CHECK_INT(rc, -1);
	CHECK(strstr(err, "failed commit on ref \"config-sha256:") != NULL);
	CHECK(strstr(err, "unexpected commit digest") != NULL);
	CHECK_INT(store_lookup(s, img, &im, err, sizeof err), 0);
	char dir[600];
	path_of(dir, sizeof dir, "store-corrupt/blobs/sha256");
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	CHECK_INT(n, 1); /* the manifest only; the bad config was not kept */
	/* it works once the proxy is honest again */
	CHECK_INT(store_pull(s, img, good, 1, 0, &im, &dl, err, sizeof err), 0);
	CHECK(strv_is(im.entrypoint, "/catatonit", "-P"));
	store_image_clear(&im);
	store_close(s);
}

/* Bad answers of the proxy's test/bogus repository: an error each, no crash, no leak. */
static void test_bad_input(void)
{
	store *s = open_store("store-bogus");
	store_image im;
	char img[256], err[1024];
	int dl = 0;
	REQUIRE(s != NULL);
	podlife_auth good[] = {{reg_bearer, user, pass}};
	struct {
		const char *tag, *want;
	} cases[] = {
		{"invalid-json", "failed to unmarshal manifest"},
		{"huge", "answer larger than 4194304 bytes"},
		{"zstd", "unsupported layer media type \"application/vnd.oci.image.layer.v1.tar+zstd\""},
		{"no-amd64", "no match for platform in manifest"},
		{"wrong-digest", "unexpected commit digest"},
		{"missing-blob", "404 Not Found"},
		{"truncated", "failed size validation"},
		{"not-a-manifest", "invalid config descriptor in manifest"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(img, sizeof img, "%s/test/bogus:%s", reg_bearer, cases[i].tag);
		err[0] = 0;
		CHECK_INT(store_pull(s, img, good, 1, 0, &im, &dl, err, sizeof err), -1);
		show(cases[i].tag, err);
		if (!strstr(err, cases[i].want))
			fprintf(stderr, "  %s: got \"%s\", want \"%s\"\n", cases[i].tag, err, cases[i].want);
		CHECK(strstr(err, cases[i].want) != NULL);
		CHECK(!strncmp(err, "failed to pull and unpack image \"", 33));
		CHECK(strstr(err, pass) == NULL);
		CHECK_INT(store_lookup(s, img, &im, err, sizeof err), 0);
	}
	store_close(s);
}

typedef struct seen {
	int calls;
	uint64_t done, total;
	char ref[256];
} seen;

static void on_progress(void *ud, const char *ref, uint64_t done, uint64_t total)
{
	seen *s = ud;
	s->calls++;
	s->done = done;
	s->total = total;
	snprintf(s->ref, sizeof s->ref, "%s", ref);
}

/* A pull of about 1.6 s reports progress about once a second. */
static void test_progress(void)
{
	char dir[512], err[1024], img[256], buf[64];
	store *s = NULL;
	store_image im;
	seen sn = {0};
	int dl = 0;
	path_of(dir, sizeof dir, "store-progress");
	store_options o = {.dir = dir, .progress = on_progress, .progress_ud = &sn};
	REQUIRE(store_open(&o, &s, err, sizeof err) == 0);
	podlife_auth good[] = {{reg_bearer, user, pass}};
	snprintf(img, sizeof img, "%s/library/busybox:1.36", reg_bearer);
	ctl("/slow?ms=1600", buf, sizeof buf);
	int rc = store_pull(s, img, good, 1, 0, &im, &dl, err, sizeof err);
	ctl("/slow?ms=0", buf, sizeof buf);
	CHECK_INT(rc, 0);
	CHECK(sn.calls >= 1 && sn.calls <= 4);
	CHECK_STR(sn.ref, img);
	CHECK(sn.total > 100000);
	CHECK(sn.done == sn.total);
	store_image_clear(&im);
	/* a quick pull reports nothing */
	sn.calls = 0;
	snprintf(img, sizeof img, "%s/library/pause:3.9", reg_noauth);
	CHECK_INT(store_pull(s, img, NULL, 0, 0, &im, &dl, err, sizeof err), 0);
	CHECK_INT(sn.calls, 0);
	store_image_clear(&im);
	store_close(s);
}

int main(void)
{
	snprintf(tmp_root, sizeof tmp_root, "%s/podlife-store-test.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_sha256_vectors);
	RUN(test_digest_valid);
	RUN(test_verify_file);
	RUN(test_unpack_layers);
	RUN(test_unpack_whiteouts);
	RUN(test_unpack_escapes);
	RUN(test_unpack_garbage);
	RUN(test_plain_http);
	RUN(test_lookup_offline);
	reg_noauth = getenv("PODLIFE_TEST_REGISTRY");
	reg_auth = getenv("PODLIFE_TEST_AUTH_REGISTRY");
	reg_bearer = getenv("PODLIFE_TEST_BEARER_REGISTRY");
	token_srv = getenv("PODLIFE_TEST_TOKEN_SERVER");
	digests_file = getenv("PODLIFE_TEST_DIGESTS");
	user = getenv("PODLIFE_TEST_USER") ? getenv("PODLIFE_TEST_USER") : "podlife";
	pass = getenv("PODLIFE_TEST_PASS") ? getenv("PODLIFE_TEST_PASS") : "podlife-secret";
	if (reg_noauth && reg_auth && reg_bearer && token_srv && digests_file) {
		RUN(test_pull_noauth);
		RUN(test_pull_other_images);
		RUN(test_index_and_list);
		RUN(test_pull_basic_auth);
		RUN(test_pull_bearer);
		RUN(test_always_unchanged);
		RUN(test_corrupt_blob);
		RUN(test_bad_input);
		RUN(test_progress);
	} else {
		printf("note: no registry (tests/run.d/runtime-store.sh sets PODLIFE_TEST_REGISTRY ...): "
		       "offline tests only\n");
	}
	if (!getenv("PODLIFE_TEST_KEEP"))
		st_rm_tree(tmp_root);
	curl_global_cleanup();
	DONE();
}
