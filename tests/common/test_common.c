/* tests/common/test_common.c - errors, diagnostics, strings and arenas. */
#include "common/common.h"
#include "harness.h"

static void test_field_error_format(void)
{
	podlife_diag *d = pl_diag_new(pl_alloc_default());
	REQUIRE(d);
	pl_diag_field(d, PODLIFE_SEVERITY_ERROR, PODLIFE_ERRTYPE_DUPLICATE,
	              "spec.initContainers[1].name", "\"init\"", NULL, 7, 11);
	pl_diag_field(d, PODLIFE_SEVERITY_ERROR, PODLIFE_ERRTYPE_REQUIRED,
	              "spec.containers[0].image", "\"x\"", NULL, 3, 5);
	pl_diag_field(d, PODLIFE_SEVERITY_ERROR, PODLIFE_ERRTYPE_NOT_SUPPORTED,
	              "spec.restartPolicy", "\"Sometimes\"",
	              "supported values: \"Always\", \"OnFailure\", \"Never\"", 0, 0);
	pl_diag_field(d, PODLIFE_SEVERITY_WARNING, PODLIFE_ERRTYPE_UNKNOWN_FIELD,
	              "spec.foo", NULL, NULL, 2, 3);
	CHECK_INT(podlife_diag_count(d), 4);
	CHECK_INT(podlife_diag_error_count(d), 3);
	CHECK_STR(podlife_error_message(podlife_diag_get(d, 0)),
	          "spec.initContainers[1].name: Duplicate value: \"init\"");
	CHECK_INT(podlife_error_line(podlife_diag_get(d, 0)), 7);
	CHECK_INT(podlife_error_column(podlife_diag_get(d, 0)), 11);
	/* Required shows no value (field/errors.go ErrorBody) */
	CHECK_STR(podlife_error_message(podlife_diag_get(d, 1)), "spec.containers[0].image: Required value");
	CHECK_STR(podlife_error_message(podlife_diag_get(d, 2)),
	          "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: "
	          "\"Always\", \"OnFailure\", \"Never\"");
	CHECK_STR(podlife_error_message(podlife_diag_get(d, 3)), "unknown field \"spec.foo\"");
	CHECK(podlife_diag_get(d, 4) == NULL);
	podlife_diag_free(d);
}

static void test_quote(void)
{
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	pl_buf_quote(&b, "a\"b\\c\n\x01");
	CHECK_STR(pl_buf_cstr(&b), "\"a\\\"b\\\\c\\n\\x01\"");
	pl_buf_free(&b);
}

static void test_arena(void)
{
	pl_arena ar;
	pl_arena_init(&ar, pl_alloc_default());
	for (int i = 0; i < 10000; i++) {
		char *s = pl_arena_printf(&ar, "item-%d", i);
		REQUIRE(s);
		CHECK(((uintptr_t)s & 15u) == 0);
	}
	char *big = pl_arena_alloc(&ar, 100000);
	REQUIRE(big);
	CHECK(big[99999] == 0);
	pl_arena_free(&ar);
}

static void test_version_and_codes(void)
{
	unsigned int n = 0;
	CHECK_STR(podlife_version(&n), PODLIFE_VERSION_STRING);
	CHECK_INT(n, PODLIFE_VERSION_NUMBER);
	CHECK_STR(podlife_strerror(PODLIFE_EINVALID), "validation failed");
	CHECK_STR(podlife_strerror(12345), "unknown error");
}

static int custom_calls;
static void *c_malloc(void *ud, size_t n) { custom_calls++; (void)ud; return malloc(n); }
static void *c_realloc(void *ud, void *p, size_t n) { custom_calls++; (void)ud; return realloc(p, n); }
static void c_free(void *ud, void *p) { (void)ud; free(p); }

static void test_allocator_hooks(void)
{
	podlife_allocator hooks = PODLIFE_ALLOCATOR_INIT;
	pl_alloc a;
	CHECK_INT(pl_alloc_resolve(&a, &hooks), PODLIFE_OK); /* all NULL: libc */
	hooks.malloc = c_malloc;
	hooks.realloc = c_realloc;
	hooks.free = c_free;
	CHECK_INT(pl_alloc_resolve(&a, &hooks), PODLIFE_OK);
	char *s = pl_strdup(&a, "hello");
	CHECK(custom_calls == 1);
	pl_free(&a, s);
	hooks.version = 99;
	CHECK_INT(pl_alloc_resolve(&a, &hooks), PODLIFE_EVERSION);
	hooks.version = PODLIFE_ALLOCATOR_VERSION;
	hooks.free = NULL;
	CHECK_INT(pl_alloc_resolve(&a, &hooks), PODLIFE_EINVAL);
}

int main(void)
{
	RUN(test_field_error_format);
	RUN(test_quote);
	RUN(test_arena);
	RUN(test_version_and_codes);
	RUN(test_allocator_hooks);
	DONE();
}
