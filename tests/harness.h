/*
 * tests/harness.h - the suite's small test harness.  A test program
 * defines test functions, lists them in main with RUN(), and prints one
 * "ok"/"FAIL" line per test and a closing "N passed, N failed" line.
 * CHECK records a failure and goes on; REQUIRE returns from the test.
 */
#ifndef PODLIFE_TEST_HARNESS_H
#define PODLIFE_TEST_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int h_failed_checks;
static int h_passed, h_failed;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, \
			        __LINE__, #cond);                               \
			h_failed_checks++;                                       \
		}                                                                \
	} while (0)

#define REQUIRE(cond)                                                            \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "  %s:%d: REQUIRE(%s) failed\n",         \
			        __FILE__, __LINE__, #cond);                      \
			h_failed_checks++;                                       \
			return;                                                  \
		}                                                                \
	} while (0)

#define CHECK_STR(a, b)                                                          \
	do {                                                                     \
		const char *h_a = (a), *h_b = (b);                               \
		if (!h_a || !h_b || strcmp(h_a, h_b) != 0) {                     \
			fprintf(stderr, "  %s:%d: %s == %s\n    got:  %s%s%s\n    want: %s%s%s\n", \
			        __FILE__, __LINE__, #a, #b, h_a ? "\"" : "",     \
			        h_a ? h_a : "(null)", h_a ? "\"" : "",           \
			        h_b ? "\"" : "", h_b ? h_b : "(null)",           \
			        h_b ? "\"" : "");                                \
			h_failed_checks++;                                       \
		}                                                                \
	} while (0)

#define CHECK_INT(a, b)                                                          \
	do {                                                                     \
		long long h_a = (long long)(a), h_b = (long long)(b);            \
		if (h_a != h_b) {                                                \
			fprintf(stderr, "  %s:%d: %s == %s: got %lld, want %lld\n", \
			        __FILE__, __LINE__, #a, #b, h_a, h_b);           \
			h_failed_checks++;                                       \
		}                                                                \
	} while (0)

#define RUN(fn)                                                                  \
	do {                                                                     \
		int h_before = h_failed_checks;                                  \
		fn();                                                            \
		if (h_failed_checks == h_before) {                               \
			h_passed++;                                              \
			printf("ok %s\n", #fn);                                  \
		} else {                                                         \
			h_failed++;                                              \
			printf("FAIL %s\n", #fn);                                \
		}                                                                \
	} while (0)

#define DONE()                                                                   \
	do {                                                                     \
		printf("%d passed, %d failed\n", h_passed, h_failed);            \
		return h_failed ? 1 : 0;                                         \
	} while (0)

#endif
