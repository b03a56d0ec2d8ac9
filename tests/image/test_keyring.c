/*
 * tests/image/test_keyring.c - the credential keyring: the vectors of
 * pkg/credentialprovider keyring_test.go (TestUrlsMatch,
 * TestDockerKeyringForGlob, TestKeyringMiss, TestDockerKeyringLookup,
 * TestIssue3797, the Docker Hub tests, TestIsDefaultRegistryMatch) and
 * config_test.go (auth decoding), pull Secrets in YAML and JSON, the seed
 * manifests, and that no diagnostic ever quotes a password.
 */
#include <string.h>

#include "harness.h"
#include "image/image_internal.h"

static podlife_keyring *ring_from(const char *cfg)
{
	podlife_keyring *kr = NULL;
	if (podlife_keyring_new(NULL, &kr) != PODLIFE_OK)
		return NULL;
	podlife_diag *d = NULL;
	int rc = podlife_keyring_add_config(kr, cfg, strlen(cfg), &d);
	if (rc != PODLIFE_OK) {
		for (size_t i = 0; i < podlife_diag_count(d); i++)
			fprintf(stderr, "  diag: %s\n", podlife_error_message(podlife_diag_get(d, i)));
		podlife_keyring_free(kr);
		kr = NULL;
	}
	podlife_diag_free(d);
	return kr;
}

/* Lookup result as "user:pass,user:pass" (or "" when none). */
static void lookup_str(podlife_keyring *kr, const char *image, char *out, size_t cap)
{
	podlife_credentials *c = NULL;
	out[0] = '\0';
	if (podlife_keyring_lookup(kr, image, &c) != PODLIFE_OK) {
		snprintf(out, cap, "<error>");
		return;
	}
	for (size_t i = 0; i < podlife_credentials_count(c); i++) {
		size_t l = strlen(out);
		snprintf(out + l, cap - l, "%s%s:%s", i ? "," : "", podlife_credential_username(c, i),
		         podlife_credential_password(c, i));
	}
	podlife_credentials_free(c);
}

/* keyring_test.go TestUrlsMatch */
static void test_urls_match(void)
{
	static const struct {
		const char *glob, *target;
		bool match;
	} cases[] = {
		{"*.kubernetes.io", "prefix.kubernetes.io", true},
		{"prefix.*.io", "prefix.kubernetes.io", true},
		{"prefix.kubernetes.*", "prefix.kubernetes.io", true},
		{"*-good.kubernetes.io", "prefix-good.kubernetes.io", true},
		{"*.kubernetes.io/blah", "prefix.kubernetes.io/blah", true},
		{"prefix.*.io/foo", "prefix.kubernetes.io/foo/bar", true},
		{"*.kubernetes.io:1111/blah", "prefix.kubernetes.io:1111/blah", true},
		{"prefix.*.io:1111/foo", "prefix.kubernetes.io:1111/foo/bar", true},
		{"*.kubernetes.io", "kubernetes.io", false},
		{"*.*.kubernetes.io", "prefix.kubernetes.io", false},
		{"*.*.kubernetes.io", "kubernetes.io", false},
		{"kubernetes.io", "kubernetes.com", false},
		{"k*.io", "quay.io", false},
		{"*.kubernetes.io:1234/blah", "prefix.kubernetes.io:1111/blah", false},
		{"prefix.*.io/foo", "prefix.kubernetes.io:1111/foo/bar", false},
		/* glob classes and escapes within one label (filepath.Match) */
		{"reg[0-9].example.com", "reg7.example.com", true},
		{"reg[^0-9].example.com", "reg7.example.com", false},
		{"re[a-h].example.com", "reg.example.com", true},
		/* '?' starts a URL query in url.Parse, so it never acts as a glob */
		{"re?.example.com", "reg.example.com", false},
		{"reg[.example.com", "reg[.example.com", false}, /* bad pattern */
		{"bar.example.com/pong", "bar.example.com/pongz", true},
		{"a.b:1/x", "a.b/x", false},
	};
	const pl_alloc *a = pl_alloc_default();
	for (size_t i = 0; i < PL_ARRAY_LEN(cases); i++) {
		bool got = pl_urls_match_str(a, cases[i].glob, cases[i].target);
		if (got != cases[i].match)
			fprintf(stderr, "  glob %s target %s\n", cases[i].glob, cases[i].target);
		CHECK(got == cases[i].match);
	}
}

static void test_glob(void)
{
	CHECK(pl_glob_match("*", 1, "abc", 3));
	CHECK(pl_glob_match("a*c", 3, "abbbc", 5));
	CHECK(!pl_glob_match("a*c", 3, "abbbd", 5));
	CHECK(pl_glob_match("\\*", 2, "*", 1));
	CHECK(!pl_glob_match("\\", 1, "\\", 1));
	CHECK(pl_glob_match("[a-c]x", 6, "bx", 2));
	CHECK(!pl_glob_match("[]a]", 4, "a", 1));
	CHECK(pl_glob_match("?", 1, "\xc3\xa4", 2)); /* one rune */
	CHECK(!pl_glob_match("a*/b", 4, "ax/y/b", 6));
	CHECK(pl_glob_match("", 0, "", 0));
	CHECK(!pl_glob_match("", 0, "a", 1));
}

/* keyring_test.go TestDockerKeyringForGlob and TestKeyringMiss */
static void test_glob_keys(void)
{
	static const struct {
		const char *key, *target;
		bool hit;
	} cases[] = {
		{"https://hello.kubernetes.io", "hello.kubernetes.io", true},
		{"https://*.docker.io", "prefix.docker.io", true},
		{"https://prefix.*.io", "prefix.docker.io", true},
		{"https://prefix.docker.*", "prefix.docker.io", true},
		{"https://*.docker.io/path", "prefix.docker.io/path", true},
		{"https://prefix.*.io/path", "prefix.docker.io/path/subpath", true},
		{"https://prefix.docker.*/path", "prefix.docker.io/path", true},
		{"https://*.docker.io:8888", "prefix.docker.io:8888", true},
		{"https://prefix.*.io:8888", "prefix.docker.io:8888", true},
		{"https://prefix.docker.*:8888", "prefix.docker.io:8888", true},
		{"https://*.docker.io/path:1111", "prefix.docker.io/path:1111", true},
		{"https://*.docker.io/v1/", "prefix.docker.io/path:1111", true},
		{"https://*.docker.io/v2/", "prefix.docker.io/path:1111", true},
		{"https://prefix.docker.*/path:1111", "prefix.docker.io/path:1111", true},
		{"prefix.docker.io:1111", "prefix.docker.io:1111/path", true},
		{"*.docker.io:1111", "prefix.docker.io:1111/path", true},
		{"https://hello.kubernetes.io", "world.mesos.org", false},
		{"https://*.docker.com", "prefix.docker.io", false},
		{"https://suffix.*.io", "prefix.docker.io", false},
		{"https://prefix.docker.c*", "prefix.docker.io", false},
		{"https://prefix.*.io/path:1111", "prefix.docker.io/path/subpath:1111", false},
		{"suffix.*.io", "prefix.docker.io", false},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(cases); i++) {
		char cfg[512], img[256], got[256];
		snprintf(cfg, sizeof(cfg),
		         "{\"%s\": {\"email\": \"foo@bar.baz\", \"auth\": \"Zm9vOmJhcg==\"}}",
		         cases[i].key);
		podlife_keyring *kr = ring_from(cfg);
		REQUIRE(kr);
		snprintf(img, sizeof(img), "%s/foo/bar", cases[i].target);
		lookup_str(kr, img, got, sizeof(got));
		if (strcmp(got, cases[i].hit ? "foo:bar" : "") != 0)
			fprintf(stderr, "  key %s target %s\n", cases[i].key, img);
		CHECK_STR(got, cases[i].hit ? "foo:bar" : "");
		podlife_keyring_free(kr);
	}
}

/* TestDockerKeyringLookup: reverse-lexicographic keys, all matches returned */
static void test_keyring_lookup_order(void)
{
	podlife_keyring *kr = ring_from(
		"{\"bar.example.com/pong\": {\"username\": \"grace\", \"password\": \"squash\"},"
		" \"bar.example.com\": {\"username\": \"ada\", \"password\": \"smash\"}}");
	REQUIRE(kr);
	CHECK_INT(podlife_keyring_count(kr), 2);
	static const struct {
		const char *image, *want;
	} cases[] = {
		{"bar.example.com", "ada:smash"},
		{"bar.example.com/pong", "grace:squash,ada:smash"},
		{"bar.example.com/ping", "ada:smash"},
		{"bar.example.com/pongz", "grace:squash,ada:smash"},
		{"bar.example.com/pong/pang", "grace:squash,ada:smash"},
		{"example.com", ""},
		{"foo.example.com", ""},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(cases); i++) {
		char got[256];
		lookup_str(kr, cases[i].image, got, sizeof(got));
		CHECK_STR(got, cases[i].want);
	}
	podlife_credentials *c = NULL;
	REQUIRE(podlife_keyring_lookup(kr, "bar.example.com/pong", &c) == PODLIFE_OK);
	CHECK_STR(podlife_credential_registry(c, 0), "bar.example.com/pong");
	CHECK_STR(podlife_credential_registry(c, 1), "bar.example.com");
	CHECK(podlife_credential_registry(c, 2) == NULL);
	CHECK(podlife_credential_password(c, 2) == NULL);
	podlife_credentials_free(c);
	podlife_keyring_free(kr);
}

/* TestIssue3797 and key normalisation (BasicDockerKeyring.Add) */
static void test_issue_3797(void)
{
	podlife_keyring *kr = ring_from(
		"{\"https://quay.io/v1/\": {\"email\": \"r@k.io\", \"auth\": \"cmV4OnBhc3N3b3Jk\"}}");
	REQUIRE(kr);
	char got[128];
	lookup_str(kr, "quay.io", got, sizeof(got));
	CHECK_STR(got, "rex:password");
	lookup_str(kr, "quay.io/foo", got, sizeof(got));
	CHECK_STR(got, "rex:password");
	lookup_str(kr, "quay.io/foo/bar", got, sizeof(got));
	CHECK_STR(got, "rex:password");
	podlife_keyring_free(kr);

	static const struct {
		const char *in, *key;
	} keys[] = {
		{"https://quay.io/v1/", "quay.io"}, {"http://quay.io", "quay.io"},
		{"quay.io", "quay.io"}, {"https://*.docker.io/v2/", "*.docker.io"},
		{"bar.example.com/pong", "bar.example.com/pong"},
		{"https://index.docker.io/v1/", "index.docker.io"},
		{"registry:5000/v2/team", "registry:5000/team"},
		{"https://user:pw@host.io/x", "host.io/x"},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(keys); i++) {
		char *k = NULL;
		CHECK_INT(pl_keyring_normalize_key(pl_alloc_default(), keys[i].in, &k), PODLIFE_OK);
		CHECK_STR(k, keys[i].key);
		free(k);
	}
	char *k = NULL;
	CHECK_INT(pl_keyring_normalize_key(pl_alloc_default(), "host:port/x", &k), PODLIFE_EINVAL);
	CHECK_INT(pl_keyring_normalize_key(pl_alloc_default(), "bad host/x", &k), PODLIFE_EINVAL);
	CHECK_INT(pl_keyring_normalize_key(pl_alloc_default(), "[::1/x", &k), PODLIFE_EINVAL);
	CHECK_INT(pl_keyring_normalize_key(pl_alloc_default(), "h.io/%zz", &k), PODLIFE_EINVAL);
}

/* TestKeyringHitWith{Unqualified,Library,Qualified}DockerHub, TestKeyringMissWithDockerHubCredentials */
static void test_docker_hub(void)
{
	podlife_keyring *kr = ring_from(
		"{\"https://index.docker.io/v1/\": {\"email\": \"foo@bar.baz\", \"auth\": \"Zm9vOmJhcg==\"}}");
	REQUIRE(kr);
	char got[128];
	lookup_str(kr, "google/docker-registry", got, sizeof(got));
	CHECK_STR(got, "foo:bar");
	lookup_str(kr, "jenkins", got, sizeof(got));
	CHECK_STR(got, "foo:bar");
	lookup_str(kr, "index.docker.io/v1//google/docker-registry", got, sizeof(got));
	CHECK_STR(got, "foo:bar");
	lookup_str(kr, "world.mesos.org/foo/bar", got, sizeof(got));
	CHECK_STR(got, "");
	/* the normalised repository of "busybox" is docker.io/library/busybox */
	podlife_credentials *c = NULL;
	REQUIRE(podlife_keyring_lookup_image(kr, "busybox:1.36", &c) == PODLIFE_OK);
	CHECK_INT(podlife_credentials_count(c), 1);
	CHECK_STR(podlife_credential_registry(c, 0), "index.docker.io");
	podlife_credentials_free(c);
	c = NULL;
	CHECK_INT(podlife_keyring_lookup_image(kr, "Foo:1", &c), PODLIFE_EINVAL);
	CHECK(c == NULL);
	podlife_keyring_free(kr);
}

/* TestIsDefaultRegistryMatch */
static void test_is_default_registry_match(void)
{
	CHECK(pl_is_default_registry_match("foo/bar"));
	CHECK(pl_is_default_registry_match("docker.io/foo/bar"));
	CHECK(pl_is_default_registry_match("index.docker.io/foo/bar"));
	CHECK(pl_is_default_registry_match("foo"));
	CHECK(!pl_is_default_registry_match(""));
	CHECK(!pl_is_default_registry_match("registry.tld/foo/bar"));
	CHECK(!pl_is_default_registry_match("registry:5000/foo/bar"));
	CHECK(!pl_is_default_registry_match("myhostdocker.io/foo/bar"));
	CHECK(!pl_is_default_registry_match("/foo"));
}

/* config_test.go TestDockerConfigEntryJSONDecode / TestDecodeDockerConfigFieldAuth */
static void test_config_entries(void)
{
	char got[128];
	podlife_keyring *kr = ring_from("{\"r.io\": {\"auth\":\"Zm9vOmJhcg==\",\"email\":\"foo@example.com\"}}");
	REQUIRE(kr);
	lookup_str(kr, "r.io/x", got, sizeof(got));
	CHECK_STR(got, "foo:bar");
	podlife_keyring_free(kr);
	/* auth wins over username/password */
	kr = ring_from("{\"r.io\": {\"username\":\"foo\",\"password\":\"bar\",\"auth\":\"cGluZzpwb25n\"}}");
	REQUIRE(kr);
	lookup_str(kr, "r.io/x", got, sizeof(got));
	CHECK_STR(got, "ping:pong");
	podlife_keyring_free(kr);
	/* trailing newline kept; password split at the first ':' */
	kr = ring_from("{\"auths\": {\"r.io\": {\"auth\":\"Zm9vOmJhcgo=\"}, \"s.io\": {\"Auth\":\"dTpwOnE\"}}}");
	REQUIRE(kr);
	lookup_str(kr, "r.io/x", got, sizeof(got));
	CHECK_STR(got, "foo:bar\n");
	lookup_str(kr, "s.io/x", got, sizeof(got));
	CHECK_STR(got, "u:p:q");
	CHECK_INT(podlife_keyring_count(kr), 2);
	podlife_keyring_free(kr);

	static const char *const bad[] = {
		"{\"r.io\": {\"auth\":\"pants\"}}",     /* bad base64 */
		"{\"r.io\": {\"auth\":\"cGFudHM=\"}}",  /* "pants": no ':' */
		"{\"r.io\": {\"email\": false}}",
		"{\"r.io\": \"x\"}",
		"{\"auths\": {\"r.io\": {\"password\": 1}}}",
		"[1]",
		"{\"r.io\": {}",
		"{\"r.io\": {}} x",
		"",
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(bad); i++) {
		podlife_keyring *k2 = NULL;
		REQUIRE(podlife_keyring_new(NULL, &k2) == PODLIFE_OK);
		podlife_diag *d = NULL;
		/* a valid entry next to a bad one is not added either */
		CHECK_INT(podlife_keyring_add_config(k2, bad[i], strlen(bad[i]), &d), PODLIFE_EPARSE);
		CHECK(podlife_diag_error_count(d) >= 1);
		CHECK_INT(podlife_keyring_count(k2), 0);
		podlife_diag_free(d);
		podlife_keyring_free(k2);
	}
	/* an unparseable key is skipped with a warning */
	podlife_keyring *k3 = NULL;
	REQUIRE(podlife_keyring_new(NULL, &k3) == PODLIFE_OK);
	const char *cfg = "{\"auths\": {\"bad host\": {\"auth\":\"Zm9vOmJhcg==\"}, \"ok.io\": {\"auth\":\"Zm9vOmJhcg==\"}}}";
	podlife_diag *d = NULL;
	CHECK_INT(podlife_keyring_add_config(k3, cfg, strlen(cfg), &d), PODLIFE_OK);
	CHECK_INT(podlife_diag_count(d), 1);
	CHECK_INT(podlife_error_severity(podlife_diag_get(d, 0)), PODLIFE_SEVERITY_WARNING);
	CHECK_INT(podlife_keyring_count(k3), 1);
	podlife_diag_free(d);
	/* several configs accumulate; the same key keeps every credential in order */
	const char *more = "{\"ok.io\": {\"username\":\"b\",\"password\":\"c\"}}";
	CHECK_INT(podlife_keyring_add_config(k3, more, strlen(more), NULL), PODLIFE_OK);
	lookup_str(k3, "ok.io/app", got, sizeof(got));
	CHECK_STR(got, "foo:bar,b:c");
	podlife_keyring_free(k3);
}

static char *data_path(const char *name)
{
	const char *dir = getenv("PODLIFE_TEST_DATA");
	static char buf[1024];
	snprintf(buf, sizeof(buf), "%s/image/data/%s", dir ? dir : "tests", name);
	return buf;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = malloc(65536);
	*len = fread(b, 1, 65535, f);
	b[*len] = '\0';
	fclose(f);
	return b;
}

/* The seed docker config: globs are per label, paths are raw prefixes. */
static void test_seed_glob_config(void)
{
	podlife_keyring *kr = NULL;
	REQUIRE(podlife_keyring_new(NULL, &kr) == PODLIFE_OK);
	podlife_diag *d = NULL;
	CHECK_INT(podlife_keyring_add_config_file(kr, data_path("dockerconfig-glob.json"), &d),
	          PODLIFE_OK);
	CHECK_INT(podlife_diag_count(d), 0);
	podlife_diag_free(d);
	CHECK_INT(podlife_keyring_count(kr), 3);
	char got[256];
	lookup_str(kr, "my-registry.io/images/app", got, sizeof(got));
	CHECK_STR(got, "user1:pass1");
	lookup_str(kr, "my-registry.io/images/subpath/app", got, sizeof(got));
	CHECK_STR(got, "user3:pass3,user1:pass1");
	lookup_str(kr, "a.my-registry.io/images/app", got, sizeof(got));
	CHECK_STR(got, "user2:pass2");
	/* the kubelet requires the same number of labels */
	lookup_str(kr, "a.sub.my-registry.io/images/app", got, sizeof(got));
	CHECK_STR(got, "");
	lookup_str(kr, "my-registry.io/other", got, sizeof(got));
	CHECK_STR(got, "");
	podlife_credentials *c = NULL;
	REQUIRE(podlife_keyring_lookup_image(kr, "my-registry.io/images/subpath/app:1.0", &c) ==
	        PODLIFE_OK);
	CHECK_INT(podlife_credentials_count(c), 2);
	CHECK_STR(podlife_credential_registry(c, 0), "my-registry.io/images/subpath");
	podlife_credentials_free(c);
	CHECK_INT(podlife_keyring_add_config_file(kr, data_path("no-such-file.json"), NULL),
	          PODLIFE_EIO);
	podlife_keyring_free(kr);
}

static void test_seed_secret(void)
{
	size_t len = 0;
	char *yaml = slurp(data_path("registry-pull-secret.yaml"), &len);
	REQUIRE(yaml);
	podlife_keyring *kr = NULL;
	REQUIRE(podlife_keyring_new(NULL, &kr) == PODLIFE_OK);
	char *name = NULL;
	podlife_diag *d = NULL;
	CHECK_INT(podlife_keyring_add_secret(kr, yaml, len, &name, &d), PODLIFE_OK);
	CHECK_STR(name, "registry-pull-secret");
	CHECK_INT(podlife_diag_count(d), 0);
	podlife_free(name);
	podlife_diag_free(d);
	char got[128];
	lookup_str(kr, "192.168.48.10/library/nginx", got, sizeof(got));
	CHECK_STR(got, "admin:Harbor12345");
	podlife_credentials *c = NULL;
	REQUIRE(podlife_keyring_lookup_image(kr, "192.168.48.10/app:1", &c) == PODLIFE_OK);
	CHECK_INT(podlife_credentials_count(c), 1);
	podlife_credentials_free(c);
	podlife_keyring_free(kr);
	free(yaml);
}

static int add_secret(podlife_keyring *kr, const char *s, char **name)
{
	podlife_diag *d = NULL;
	int rc = podlife_keyring_add_secret(kr, s, strlen(s), name, &d);
	podlife_diag_free(d);
	return rc;
}

static void test_secrets(void)
{
	podlife_keyring *kr = NULL;
	REQUIRE(podlife_keyring_new(NULL, &kr) == PODLIFE_OK);
	char *name = NULL;
	/* JSON, dockercfg (legacy form), stringData */
	const char *json =
		"{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"legacy\"},"
		"\"type\":\"kubernetes.io/dockercfg\","
		"\"stringData\":{\".dockercfg\":\"{\\\"old.io\\\":{\\\"auth\\\":\\\"Zm9vOmJhcg==\\\"}}\"}}";
	CHECK_INT(add_secret(kr, json, &name), PODLIFE_OK);
	CHECK_STR(name, "legacy");
	podlife_free(name);
	name = NULL;
	char got[128];
	lookup_str(kr, "old.io/app", got, sizeof(got));
	CHECK_STR(got, "foo:bar");
	/* YAML stringData with config.json form; a stream whose first object is a Pod */
	const char *yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n---\n"
	                   "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s2\n"
	                   "type: kubernetes.io/dockerconfigjson\nstringData:\n"
	                   "  .dockerconfigjson: '{\"auths\":{\"new.io\":{\"username\":\"u\",\"password\":\"p\"}}}'\n";
	CHECK_INT(add_secret(kr, yaml, &name), PODLIFE_OK);
	CHECK_STR(name, "s2");
	podlife_free(name);
	name = NULL;
	lookup_str(kr, "new.io/app", got, sizeof(got));
	CHECK_STR(got, "u:p");
	CHECK_INT(podlife_keyring_count(kr), 2);

	/* not such a Secret -> ENOTFOUND, nothing added */
	static const char *const notfound[] = {
		("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ntype: Opaque\n"
		 "data:\n  .dockerconfigjson: e30=\n"),
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
		"{\"kind\":\"Secret\",\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":{}}",
		"{\"kind\":\"Secret\",\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":{\".dockercfg\":\"e30=\"}}",
		"apiVersion: v2\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\n",
		"",
		"---\n",
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(notfound); i++) {
		CHECK_INT(add_secret(kr, notfound[i], &name), PODLIFE_ENOTFOUND);
		CHECK(name == NULL);
	}
	static const char *const malformed[] = {
		"kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: '!!!'\n",
		"kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30\n",
		"kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: 'nope'\n",
		"kind: [Secret\n",
		/* scalars holding NUL: the copies stop there */
		"kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  \".dockerconfigjson\": \"{\\0}\"\n",
		"kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  \".docker\\0\": x\n  .dockerconfigjson: \"[\\0\"\n",
		"{\"kind\": \"Secret\"",
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(malformed); i++) {
		CHECK_INT(add_secret(kr, malformed[i], &name), PODLIFE_EPARSE);
		CHECK(name == NULL);
	}
	CHECK_INT(podlife_keyring_count(kr), 2);
	CHECK_INT(podlife_keyring_add_secret(NULL, "", 0, NULL, NULL), PODLIFE_EINVAL);
	podlife_keyring_free(kr);
}

/* No message of any diagnostic may contain a password. */
static void check_no_secret(const char *input, bool secret_form, const char *secret)
{
	podlife_keyring *kr = NULL;
	REQUIRE(podlife_keyring_new(NULL, &kr) == PODLIFE_OK);
	podlife_diag *d = NULL;
	int rc = secret_form ? podlife_keyring_add_secret(kr, input, strlen(input), NULL, &d)
	                     : podlife_keyring_add_config(kr, input, strlen(input), &d);
	CHECK(rc != PODLIFE_OK || podlife_diag_count(d) > 0);
	CHECK(podlife_diag_count(d) > 0);
	for (size_t i = 0; i < podlife_diag_count(d); i++) {
		const podlife_error *e = podlife_diag_get(d, i);
		if (strstr(podlife_error_message(e), secret) || strstr(podlife_error_detail(e), secret) ||
		    strstr(podlife_error_path(e), secret)) {
			fprintf(stderr, "  leaked in: %s\n", podlife_error_message(e));
			CHECK(!"password in a diagnostic");
		}
	}
	podlife_diag_free(d);
	podlife_keyring_free(kr);
}

static void test_password_never_in_diagnostics(void)
{
	const char *pw = "TopSecret42";
	/* base64 of "admin:TopSecret42" with one symbol broken */
	check_no_secret("{\"r.io\": {\"auth\": \"YWRtaW46VG9wU2VjcmV0NDI!\"}}", false, pw);
	check_no_secret("{\"r.io\": {\"auth\": \"TopSecret42\"}}", false, pw);
	check_no_secret("{\"r.io\": {\"auth\": \"VG9wU2VjcmV0NDI=\"}}", false, pw); /* no ':' */
	check_no_secret("{\"r.io\": {\"password\": \"TopSecret42\" \"x\"}}", false, pw);
	check_no_secret("{\"r.io\": {\"password\": \"TopSecret42\", \"email\": 7}}", false, pw);
	check_no_secret("{\"r.io\": {\"password\": TopSecret42}}", false, pw);
	check_no_secret("{\"https://admin:TopSecret42@bad host\": {\"password\": \"TopSecret42\"}}",
	                false, pw);
	check_no_secret("{\"https://admin:TopSecret42@h:x\": {}}", false, pw);
	check_no_secret("kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n"
	                "  .dockerconfigjson: '{\"auths\":{\"r.io\":{\"password\":\"TopSecret42\"]}}'\n",
	                true, pw);
	check_no_secret("kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n"
	                "  .dockerconfigjson: '{\"auths\":{\"r.io\":{\"auth\":\"TopSecret42\"}}}'\n",
	                true, pw);
	check_no_secret("kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n"
	                "  .dockerconfigjson: TopSecret42!\n",
	                true, pw);
	check_no_secret("{\"kind\":\"Secret\",\"type\":\"kubernetes.io/dockerconfigjson\","
	                "\"stringData\":{\".dockerconfigjson\":\"{\\\"auths\\\":{\\\"r.io\\\":"
	                "{\\\"auth\\\":\\\"TopSecret42:\\\"}}}\"}}",
	                true, pw);
}

static void test_base64(void)
{
	const pl_alloc *a = pl_alloc_default();
	char *out;
	size_t n, bad;
	CHECK_INT(pl_base64_decode(a, "Zm9vOmJhcg==", 12, true, &out, &n, &bad), PODLIFE_OK);
	CHECK_STR(out, "foo:bar");
	free(out);
	CHECK_INT(pl_base64_decode(a, "Zm9vOmJhcg", 10, false, &out, &n, &bad), PODLIFE_OK);
	CHECK_STR(out, "foo:bar");
	free(out);
	CHECK_INT(pl_base64_decode(a, "Zm9v\nOmJh\r\ncg==\n", 16, true, &out, &n, &bad), PODLIFE_OK);
	CHECK_STR(out, "foo:bar");
	free(out);
	CHECK_INT(pl_base64_decode(a, "Zm9vOmJhcg", 10, true, &out, &n, &bad), PODLIFE_EPARSE);
	CHECK_INT(pl_base64_decode(a, "Zm9vOmJhcg==", 12, false, &out, &n, &bad), PODLIFE_EPARSE);
	CHECK_INT(bad, 10);
	CHECK_INT(pl_base64_decode(a, "Zg==Zg==", 8, true, &out, &n, &bad), PODLIFE_EPARSE);
	CHECK_INT(pl_base64_decode(a, "Z", 1, false, &out, &n, &bad), PODLIFE_EPARSE);
	CHECK_INT(pl_base64_decode(a, "Zm9=", 4, true, &out, &n, &bad), PODLIFE_OK);
	CHECK_INT(n, 2);
	free(out);
	CHECK_INT(pl_base64_decode(a, "", 0, true, &out, &n, &bad), PODLIFE_OK);
	CHECK_INT(n, 0);
	free(out);
}

/* A host allocator that fails its n-th allocation. */
typedef struct failing {
	long left; /* allocations before the failing one; -1: never fail */
	long live;
} failing;

static void *f_malloc(void *ud, size_t n)
{
	failing *f = ud;
	if (f->left == 0)
		return NULL;
	if (f->left > 0)
		f->left--;
	void *p = malloc(n);
	if (p)
		f->live++;
	return p;
}

static void *f_realloc(void *ud, void *p, size_t n)
{
	failing *f = ud;
	if (f->left == 0)
		return NULL;
	if (f->left > 0)
		f->left--;
	void *q = realloc(p, n);
	if (q && !p)
		f->live++;
	return q;
}

static void f_free(void *ud, void *p)
{
	failing *f = ud;
	if (p)
		f->live--;
	free(p);
}

/* Every allocation failure leaves the keyring as it was and leaks nothing. */
static void test_allocation_failures(void)
{
	const char *cfg = "{\"auths\": {\"a.io\": {\"auth\": \"Zm9vOmJhcg==\"},"
	                  " \"https://b.io/v1/\": {\"username\": \"u\", \"password\": \"p\"},"
	                  " \"a.io\": {\"username\": \"x\", \"password\": \"y\"},"
	                  " \"c.io/x\": {\"auth\": \"dTpwOnE\"}, \"bad host\": {}}}";
	const char *secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
	                     "type: kubernetes.io/dockerconfigjson\ndata:\n"
	                     "  .dockerconfigjson: eyJhdXRocyI6eyJkLmlvIjp7ImF1dGgiOiJabTl2T21KaGNnPT0ifX19\n";
	bool completed = false;
	for (long n = 0; n < 5000 && !completed; n++) {
		failing f = {n, 0};
		podlife_allocator al = {PODLIFE_ALLOCATOR_VERSION, f_malloc, f_realloc, f_free, &f};
		podlife_keyring *kr = NULL;
		if (podlife_keyring_new(&al, &kr) != PODLIFE_OK) {
			CHECK_INT(f.live, 0);
			continue;
		}
		podlife_diag *d = NULL;
		int rc = podlife_keyring_add_config(kr, cfg, strlen(cfg), &d);
		podlife_diag_free(d);
		if (rc != PODLIFE_OK) {
			CHECK_INT(rc, PODLIFE_ENOMEM);
			CHECK_INT(podlife_keyring_count(kr), 0);
		} else {
			CHECK_INT(podlife_keyring_count(kr), 3);
			char *name = NULL;
			d = NULL;
			rc = podlife_keyring_add_secret(kr, secret, strlen(secret), &name, &d);
			podlife_diag_free(d);
			if (rc == PODLIFE_OK) {
				CHECK_STR(name, "s");
				podlife_free(name);
			} else {
				CHECK_INT(rc, PODLIFE_ENOMEM);
				CHECK(name == NULL);
			}
			CHECK_INT(podlife_keyring_count(kr), rc == PODLIFE_OK ? 4 : 3);
			podlife_credentials *c = NULL;
			int lr = podlife_keyring_lookup(kr, "a.io/app", &c);
			if (lr == PODLIFE_OK) {
				/* the repeated key "a.io" replaced the earlier entry (encoding/json) */
				CHECK_INT(podlife_credentials_count(c), 1);
				CHECK_STR(podlife_credential_username(c, 0), "x");
				podlife_credentials_free(c);
			} else {
				CHECK_INT(lr, PODLIFE_ENOMEM);
			}
			completed = rc == PODLIFE_OK && lr == PODLIFE_OK && f.left > 0;
		}
		podlife_keyring_free(kr);
		CHECK_INT(f.live, 0);
	}
	CHECK(completed);
}

int main(void)
{
	RUN(test_urls_match);
	RUN(test_glob);
	RUN(test_glob_keys);
	RUN(test_keyring_lookup_order);
	RUN(test_issue_3797);
	RUN(test_docker_hub);
	RUN(test_is_default_registry_match);
	RUN(test_config_entries);
	RUN(test_seed_glob_config);
	RUN(test_seed_secret);
	RUN(test_secrets);
	RUN(test_password_never_in_diagnostics);
	RUN(test_base64);
	RUN(test_allocation_failures);
	DONE();
}
