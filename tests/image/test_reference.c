/*
 * tests/image/test_reference.c - image references: the vectors of
 * distribution/reference reference_test.go (TestReferenceParse),
 * normalize_test.go (ParseNormalizedNamed, familiar strings),
 * regexp_test.go (TestDomainRegexp) and Kubernetes parsers_test.go
 * (TestParseImageName).
 */
#include <string.h>

#include "harness.h"
#include "image/image_internal.h"

#define F64 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define E3B0 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static char *repeat(const char *s, int n, const char *tail)
{
	size_t l = strlen(s), t = strlen(tail);
	char *r = malloc(l * (size_t)n + t + 1);
	for (int i = 0; i < n; i++)
		memcpy(r + l * (size_t)i, s, l);
	memcpy(r + l * (size_t)n, tail, t + 1);
	return r;
}

typedef struct plain_case {
	const char *input;
	const char *err;    /* NULL: valid */
	const char *domain; /* "" when none */
	const char *name;
	const char *tag;
	const char *digest;
} plain_case;

static void check_plain(const plain_case *c)
{
	const pl_alloc *a = pl_alloc_default();
	pl_ref_parts p;
	const char *err = NULL;
	int rc = pl_ref_parse_plain(a, c->input, strlen(c->input), &p, &err);
	if (c->err) {
		CHECK_INT(rc, PODLIFE_EINVAL);
		CHECK_STR(err, c->err);
		if (rc == PODLIFE_OK)
			pl_ref_parts_free(a, &p);
		return;
	}
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "  input %s: %s\n", c->input, err ? err : "?");
		CHECK_INT(rc, PODLIFE_OK);
		return;
	}
	CHECK_STR(p.domain, c->domain);
	char name[1024];
	snprintf(name, sizeof(name), "%s%s%s", p.domain, *p.domain ? "/" : "", p.path);
	CHECK_STR(name, c->name);
	if (c->tag)
		CHECK_STR(p.tag, c->tag);
	else
		CHECK(p.tag == NULL);
	if (c->digest)
		CHECK_STR(p.digest, c->digest);
	else
		CHECK(p.digest == NULL);
	pl_ref_parts_free(a, &p);
}

/* reference_test.go TestReferenceParse (plain Parse) */
static void test_reference_parse(void)
{
	static const plain_case cases[] = {
		{"test_com", NULL, "", "test_com", NULL, NULL},
		{"test.com:tag", NULL, "", "test.com", "tag", NULL},
		{"test.com:5000", NULL, "", "test.com", "5000", NULL},
		{"test.com/repo:tag", NULL, "test.com", "test.com/repo", "tag", NULL},
		{"test:5000/repo", NULL, "test:5000", "test:5000/repo", NULL, NULL},
		{"test:5000/repo:tag", NULL, "test:5000", "test:5000/repo", "tag", NULL},
		{"test:5000/repo@sha256:" F64, NULL, "test:5000", "test:5000/repo", NULL, "sha256:" F64},
		{"test:5000/repo:tag@sha256:" F64, NULL, "test:5000", "test:5000/repo", "tag",
		 "sha256:" F64},
		{"", "repository name must have at least one component", 0, 0, 0, 0},
		{":justtag", "invalid reference format", 0, 0, 0, 0},
		{"@sha256:" F64, "invalid reference format", 0, 0, 0, 0},
		{"repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid checksum digest length", 0, 0,
		 0, 0},
		{"validname@invaliddigest:" F64, "unsupported digest algorithm", 0, 0, 0, 0},
		{"Uppercase:tag", "repository name must be lowercase", 0, 0, 0, 0},
		{"test:5000/Uppercase/lowercase:tag", "repository name must be lowercase", 0, 0, 0, 0},
		{"lowercase:Uppercase", NULL, "", "lowercase", "Uppercase", NULL},
		{"aa/asdf$$^/aa", "invalid reference format", 0, 0, 0, 0},
		{"sub-dom1.foo.com/bar/baz/quux", NULL, "sub-dom1.foo.com",
		 "sub-dom1.foo.com/bar/baz/quux", NULL, NULL},
		{"sub-dom1.foo.com/bar/baz/quux:some-long-tag", NULL, "sub-dom1.foo.com",
		 "sub-dom1.foo.com/bar/baz/quux", "some-long-tag", NULL},
		{"b.gcr.io/test.example.com/my-app:test.example.com", NULL, "b.gcr.io",
		 "b.gcr.io/test.example.com/my-app", "test.example.com", NULL},
		{"xn--n3h.com/myimage:xn--n3h.com", NULL, "xn--n3h.com", "xn--n3h.com/myimage",
		 "xn--n3h.com", NULL},
		{"xn--7o8h.com/myimage:xn--7o8h.com@sha512:" F64 F64, NULL, "xn--7o8h.com",
		 "xn--7o8h.com/myimage", "xn--7o8h.com", "sha512:" F64 F64},
		{"foo_bar.com:8080", NULL, "", "foo_bar.com", "8080", NULL},
		{"foo/foo_bar.com:8080", NULL, "foo", "foo/foo_bar.com", "8080", NULL},
		{"192.168.1.1", NULL, "", "192.168.1.1", NULL, NULL},
		{"192.168.1.1:tag", NULL, "", "192.168.1.1", "tag", NULL},
		{"192.168.1.1:5000", NULL, "", "192.168.1.1", "5000", NULL},
		{"192.168.1.1/repo", NULL, "192.168.1.1", "192.168.1.1/repo", NULL, NULL},
		{"192.168.1.1:5000/repo", NULL, "192.168.1.1:5000", "192.168.1.1:5000/repo", NULL, NULL},
		{"192.168.1.1:5000/repo:5050", NULL, "192.168.1.1:5000", "192.168.1.1:5000/repo", "5050",
		 NULL},
		{"[2001:db8::1]", "invalid reference format", 0, 0, 0, 0},
		{"[2001:db8::1]:5000", "invalid reference format", 0, 0, 0, 0},
		{"[2001:db8::1]:tag", "invalid reference format", 0, 0, 0, 0},
		{"[2001:db8::1]/repo", NULL, "[2001:db8::1]", "[2001:db8::1]/repo", NULL, NULL},
		{"[2001:db8:1:2:3:4:5:6]/repo:tag", NULL, "[2001:db8:1:2:3:4:5:6]",
		 "[2001:db8:1:2:3:4:5:6]/repo", "tag", NULL},
		{"[2001:db8::1]:5000/repo", NULL, "[2001:db8::1]:5000", "[2001:db8::1]:5000/repo", NULL,
		 NULL},
		{"[2001:db8::1]:5000/repo:tag", NULL, "[2001:db8::1]:5000", "[2001:db8::1]:5000/repo",
		 "tag", NULL},
		{"[2001:db8::1]:5000/repo@sha256:" F64, NULL, "[2001:db8::1]:5000",
		 "[2001:db8::1]:5000/repo", NULL, "sha256:" F64},
		{"[2001:db8::1]:5000/repo:tag@sha256:" F64, NULL, "[2001:db8::1]:5000",
		 "[2001:db8::1]:5000/repo", "tag", "sha256:" F64},
		{"[2001:db8::]:5000/repo", NULL, "[2001:db8::]:5000", "[2001:db8::]:5000/repo", NULL,
		 NULL},
		{"[::1]:5000/repo", NULL, "[::1]:5000", "[::1]:5000/repo", NULL, NULL},
		{"[fe80::1%eth0]:5000/repo", "invalid reference format", 0, 0, 0, 0},
		{"[fe80::1%@invalidzone]:5000/repo", "invalid reference format", 0, 0, 0, 0},
		/* go-digest: uppercase hex passes the grammar, fails validation */
		{"repo@sha256:" "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
		 "invalid checksum digest format", 0, 0, 0, 0},
		{"repo@sha384:" F64, "invalid checksum digest length", 0, 0, 0, 0},
		{"repo@SHA256:" F64, "invalid checksum digest format", 0, 0, 0, 0},
		/* tag length: 128 allowed, 129 not */
		{"repo:-tag", "invalid reference format", 0, 0, 0, 0},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(cases); i++)
		check_plain(&cases[i]);
}

/* Name length: v0.6.0 limits the path alone to 255 characters. */
static void test_name_length(void)
{
	char *ok = repeat("a/", 127, "a:tag-puts-this-over-max");
	plain_case c1 = {ok, NULL, "a", NULL, "tag-puts-this-over-max", NULL};
	char *name = repeat("a/", 127, "a");
	c1.name = name;
	check_plain(&c1);
	char *long_path = repeat("a", 255, ":tag");
	char *in2 = malloc(strlen(long_path) + 20);
	sprintf(in2, "example.com/%s", long_path);
	char *n2 = malloc(strlen(in2) + 1);
	strcpy(n2, in2);
	*strrchr(n2, ':') = '\0';
	plain_case c2 = {in2, NULL, "example.com", n2, "tag", NULL};
	check_plain(&c2);
	char *too = repeat("a", 256, ":tag");
	char *in3 = malloc(strlen(too) + 20);
	sprintf(in3, "domain/%s", too);
	plain_case c3 = {in3, "repository name must not be more than 255 characters", 0, 0, 0, 0};
	check_plain(&c3);
	char *tag128 = repeat("t", 128, "");
	char *in4 = malloc(200);
	sprintf(in4, "repo:%s", tag128);
	plain_case c4 = {in4, NULL, "", "repo", tag128, NULL};
	check_plain(&c4);
	strcat(in4, "t");
	plain_case c5 = {in4, "invalid reference format", 0, 0, 0, 0};
	check_plain(&c5);
	free(ok);
	free(name);
	free(long_path);
	free(in2);
	free(n2);
	free(too);
	free(in3);
	free(tag128);
	free(in4);
}

typedef struct norm_case {
	const char *input;
	const char *err; /* exact message, NULL when valid */
	const char *domain, *path, *tag, *digest, *familiar, *canonical;
} norm_case;

static void check_norm(const norm_case *c)
{
	podlife_image_ref *r = NULL;
	podlife_error *e = NULL;
	int rc = podlife_image_ref_parse(c->input, &r, &e);
	if (c->err) {
		CHECK_INT(rc, PODLIFE_EINVAL);
		REQUIRE(e);
		CHECK_STR(podlife_error_message(e), c->err);
		CHECK(r == NULL);
		podlife_error_free(e);
		return;
	}
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "  input %s: %s\n", c->input, e ? podlife_error_message(e) : "?");
		podlife_error_free(e);
		CHECK_INT(rc, PODLIFE_OK);
		return;
	}
	CHECK(e == NULL);
	if (c->domain)
		CHECK_STR(podlife_image_ref_domain(r), c->domain);
	if (c->path)
		CHECK_STR(podlife_image_ref_path(r), c->path);
	if (c->tag)
		CHECK_STR(podlife_image_ref_tag(r), c->tag);
	else
		CHECK(podlife_image_ref_tag(r) == NULL);
	if (c->digest)
		CHECK_STR(podlife_image_ref_digest(r), c->digest);
	else
		CHECK(podlife_image_ref_digest(r) == NULL);
	if (c->familiar)
		CHECK_STR(podlife_image_ref_familiar(r), c->familiar);
	if (c->canonical)
		CHECK_STR(podlife_image_ref_canonical(r), c->canonical);
	podlife_image_ref_free(r);
}

/* normalize_test.go and parsers_test.go (ParseNormalizedNamed) */
static void test_normalized(void)
{
	static const norm_case cases[] = {
		{"foo", NULL, "docker.io", "library/foo", NULL, NULL, "foo", "docker.io/library/foo"},
		{"docker.io/foo", NULL, "docker.io", "library/foo", NULL, NULL, "foo",
		 "docker.io/library/foo"},
		{"docker.io/library/foo/bar", NULL, "docker.io", "library/foo/bar", NULL, NULL,
		 "library/foo/bar", "docker.io/library/foo/bar"},
		{"test_com/foo", NULL, "docker.io", "test_com/foo", NULL, NULL, "test_com/foo",
		 "docker.io/test_com/foo"},
		{"test-com:8080/foo", NULL, "test-com:8080", "foo", NULL, NULL, "test-com:8080/foo",
		 "test-com:8080/foo"},
		{"index.docker.io/fooo/bar", NULL, "docker.io", "fooo/bar", NULL, NULL, "fooo/bar",
		 "docker.io/fooo/bar"},
		{"localhost/fooo/bar", NULL, "localhost", "fooo/bar", NULL, NULL, "localhost/fooo/bar",
		 "localhost/fooo/bar"},
		{"LOCALDOMAIN/fooo", NULL, "LOCALDOMAIN", "fooo", NULL, NULL, "LOCALDOMAIN/fooo", NULL},
		{"FOO/bar", NULL, "FOO", "bar", NULL, NULL, NULL, NULL},
		{"127.0.0.1:8000/private/moonbase", NULL, "127.0.0.1:8000", "private/moonbase", NULL,
		 NULL, NULL, NULL},
		{"docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", NULL,
		 "docker.io", "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
		 NULL, NULL, "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", NULL},
		{"busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
		 NULL, "docker.io", "library/busybox", "latest",
		 "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
		 "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
		 "docker.io/library/busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"},
		{"busybox:1.36", NULL, "docker.io", "library/busybox", "1.36", NULL, "busybox:1.36",
		 "docker.io/library/busybox:1.36"},
		{"quay.io/x/y@sha256:" F64, NULL, "quay.io", "x/y", NULL, "sha256:" F64,
		 "quay.io/x/y@sha256:" F64, "quay.io/x/y@sha256:" F64},
		/* parsers_test.go TestParseImageName */
		{"root", NULL, "docker.io", "library/root", NULL, NULL, "root", "docker.io/library/root"},
		{"user/repo:tag", NULL, "docker.io", "user/repo", "tag", NULL, "user/repo:tag",
		 "docker.io/user/repo:tag"},
		{"url:5000/repo", NULL, "url:5000", "repo", NULL, NULL, "url:5000/repo", "url:5000/repo"},
		{"url:5000/repo@sha256:" E3B0, NULL, "url:5000", "repo", NULL, "sha256:" E3B0, NULL, NULL},
		{"url:5000/repo:latest@sha256:" E3B0, NULL, "url:5000", "repo", "latest",
		 "sha256:" E3B0, NULL, "url:5000/repo:latest@sha256:" E3B0},
		/* valid but surprising (TestValidateRemoteName, TestFullNameRegexp) */
		{"docker---rules/docker", NULL, "docker.io", "docker---rules/docker", NULL, NULL, NULL,
		 NULL},
		{"dock__er/docker", NULL, "docker.io", "dock__er/docker", NULL, NULL, NULL, NULL},
		{"d/docker", NULL, "docker.io", "d/docker", NULL, NULL, NULL, NULL},
		{"a", NULL, "docker.io", "library/a", NULL, NULL, "a", NULL},
		{"thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", NULL, "docker.io",
		 "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", NULL,
		 NULL, NULL, NULL},
		{"192.168.0.1:80", NULL, "docker.io", "library/192.168.0.1", "80", NULL,
		 "192.168.0.1:80", "docker.io/library/192.168.0.1:80"},
		{"Asdf.com/foo/bar", NULL, "Asdf.com", "foo/bar", NULL, NULL, NULL, NULL},
		{"example.com", NULL, "docker.io", "library/example.com", NULL, NULL, "example.com", NULL},
		{"localhost:5000/app", NULL, "localhost:5000", "app", NULL, NULL, "localhost:5000/app",
		 NULL},
		/* a first part with '.' that is no domain becomes part of the path (Parse) */
		{"a_b.c/foo", NULL, "", "a_b.c/foo", NULL, NULL, "a_b.c/foo", "a_b.c/foo"},
		/* errors */
		{"", "invalid reference format", 0, 0, 0, 0, 0, 0},
		{"ROOT", "invalid reference format: repository name (library/ROOT) must be lowercase", 0,
		 0, 0, 0, 0, 0},
		{"http://root", "invalid reference format", 0, 0, 0, 0, 0, 0},
		{E3B0,
		 "invalid repository name (" E3B0 "), cannot specify 64-byte hexadecimal strings", 0, 0,
		 0, 0, 0, 0},
		{"Foo/FarB", "invalid reference format: repository name (FarB) must be lowercase", 0, 0,
		 0, 0, 0, 0},
		{"docker/Docker",
		 "invalid reference format: repository name (docker/Docker) must be lowercase", 0, 0, 0,
		 0, 0, 0},
		{"foo.com:http/bar", "invalid reference format", 0, 0, 0, 0, 0, 0},
		{"repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid checksum digest length", 0, 0,
		 0, 0, 0, 0},
		{"validname@invaliddigest:" F64, "unsupported digest algorithm", 0, 0, 0, 0, 0, 0},
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(cases); i++)
		check_norm(&cases[i]);
}

/* normalize_test.go TestValidateReferenceName / TestParseRepositoryInfo: invalid */
static void test_normalized_invalid(void)
{
	static const char *const bad[] = {
		"https://github.com/docker/docker", "docker/Docker", "-docker", "-docker/docker",
		"-docker.io/docker/docker", "docker///docker", "docker.io/docker/Docker",
		"[fc00::1]", "[fc00::1]:5000", "fc00::1:5000/debian",
		"[2001:db8:3:4::192.0.2.33]:5000/debian", "docker-/docker", "____/____",
		"_docker/_docker", "dock..er/docker", "dock_.er/docker", "dock-.er/docker", "docker/",
		"foo_bar.com:8080/app", "example.com/__underscore/myimage", "example.com/.dots/myimage",
		"Foo/FarB", "aa/asdf$$^/aa", "repo@", "repo:", "repo:tag@", ("a@b@sha256:" F64),
		"docker.io/library/", "ubuntu ", " ubuntu", "ubuntu\n",
	};
	for (size_t i = 0; i < PL_ARRAY_LEN(bad); i++) {
		podlife_image_ref *r = NULL;
		podlife_error *e = NULL;
		int rc = podlife_image_ref_parse(bad[i], &r, &e);
		if (rc != PODLIFE_EINVAL)
			fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
		CHECK_INT(rc, PODLIFE_EINVAL);
		CHECK(r == NULL);
		CHECK(e != NULL);
		podlife_error_free(e);
	}
	/* a namespace longer than 255 characters */
	char *ns = repeat("a", 256, "/foo");
	podlife_image_ref *r = NULL;
	CHECK_INT(podlife_image_ref_parse(ns, &r, NULL), PODLIFE_EINVAL);
	free(ns);
	CHECK_INT(podlife_image_ref_parse(NULL, &r, NULL), PODLIFE_EINVAL);
}

/* Go's strings.ToLower is Unicode-aware: U+212A KELVIN SIGN lower-cases to 'k'. */
static void test_unicode_case(void)
{
	const pl_alloc *a = pl_alloc_default();
	pl_ref_parts p;
	const char *err = NULL;
	const char *kelvin = "\xe2\x84\xaaube:tag";
	CHECK_INT(pl_ref_parse_plain(a, kelvin, strlen(kelvin), &p, &err), PODLIFE_EINVAL);
	CHECK_STR(err, "repository name must be lowercase");
	const char *umlaut = "\xc3\xa4pfel";
	CHECK_INT(pl_ref_parse_plain(a, umlaut, strlen(umlaut), &p, &err), PODLIFE_EINVAL);
	CHECK_STR(err, "invalid reference format");
	CHECK(pl_ref_has_upper("\xc3\x84pfel", 6));     /* U+00C4 */
	CHECK(!pl_ref_has_upper("\xc3\xa4pfel", 6));    /* U+00E4 */
	CHECK(pl_ref_has_upper("\xff", 1));             /* invalid UTF-8 */
	CHECK(!pl_ref_has_upper("abc-_.", 6));
	podlife_error *e = NULL;
	podlife_image_ref *r = NULL;
	CHECK_INT(podlife_image_ref_parse("\xc3\x84pfel", &r, &e), PODLIFE_EINVAL);
	CHECK_STR(podlife_error_message(e),
	          "invalid reference format: repository name (library/\xc3\x84pfel) must be lowercase");
	podlife_error_free(e);
}

/* regexp_test.go TestDomainRegexp, checked through Parse's domain split */
static void test_domain_regexp(void)
{
	static const char *const good[] = {
		"test.com", "test.com:10304", "localhost", "localhost:8080", "a", "a.b", "a-b.com",
		"ab.c-om", "0101.com", "001a.com", "b.gbc.io:443", "xn--n3h.com", "Asdf.com",
		"192.168.1.1:75050", "192.168.1.1:750050", "[fd00:1:2::3]:75050", "[fd00123123123]:75050",
		"[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050",
	};
	static const char *const bad[] = {
		"test.com:http", "-ab.com", "ab-.com", "ab.-com", "ab.com-", "[fd00:1:2::3]75050",
		"[fd00:1:2::3]::75050", "[fd00:1:2::3%eth0]:75050", "fd00:1:2::3:75050",
	};
	const pl_alloc *a = pl_alloc_default();
	char buf[256];
	for (size_t i = 0; i < PL_ARRAY_LEN(good); i++) {
		snprintf(buf, sizeof(buf), "%s/repo", good[i]);
		pl_ref_parts p;
		const char *err;
		int rc = pl_ref_parse_plain(a, buf, strlen(buf), &p, &err);
		CHECK_INT(rc, PODLIFE_OK);
		if (rc == PODLIFE_OK) {
			CHECK_STR(p.domain, good[i]);
			pl_ref_parts_free(a, &p);
		}
	}
	for (size_t i = 0; i < PL_ARRAY_LEN(bad); i++) {
		snprintf(buf, sizeof(buf), "%s/repo", bad[i]);
		pl_ref_parts p;
		const char *err;
		int rc = pl_ref_parse_plain(a, buf, strlen(buf), &p, &err);
		if (rc == PODLIFE_OK) {
			/* may only parse as a path, never with this domain */
			CHECK_STR(p.domain, "");
			pl_ref_parts_free(a, &p);
		}
	}
}

int main(void)
{
	RUN(test_reference_parse);
	RUN(test_name_length);
	RUN(test_normalized);
	RUN(test_normalized_invalid);
	RUN(test_unicode_case);
	RUN(test_domain_regexp);
	DONE();
}
