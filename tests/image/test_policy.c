/*
 * tests/image/test_policy.c - imagePullPolicy defaulting
 * (SetDefaults_Container with parsers.ParseImageName), names, and the
 * kubelet's pull decision (image_manager.go shouldPullImage) and
 * ErrImageNeverPull message.  Public API only.
 */
#include <string.h>

#include "harness.h"
#include "podlife/image.h"

#define E3B0 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* The decision table of SetDefaults_Container. */
static void test_default_pull_policy(void)
{
	static const struct {
		const char *image;
		podlife_pull_policy want;
	} cases[] = {
		{"nginx", PODLIFE_PULL_ALWAYS},
		{"nginx:latest", PODLIFE_PULL_ALWAYS},
		{"nginx:1.25", PODLIFE_PULL_IF_NOT_PRESENT},
		{"nginx:LATEST", PODLIFE_PULL_IF_NOT_PRESENT},
		{"nginx@sha256:" E3B0, PODLIFE_PULL_IF_NOT_PRESENT},
		{"nginx:latest@sha256:" E3B0, PODLIFE_PULL_ALWAYS},
		{"localhost:5000/app", PODLIFE_PULL_ALWAYS},
		{"localhost:5000/app:latest", PODLIFE_PULL_ALWAYS},
		{"registry.example.com/private/app:1.0", PODLIFE_PULL_IF_NOT_PRESENT},
		{"Foo:1", PODLIFE_PULL_IF_NOT_PRESENT},
		{"Foo", PODLIFE_PULL_IF_NOT_PRESENT}, /* unparseable: tag "" */
		{"", PODLIFE_PULL_IF_NOT_PRESENT},
		{E3B0, PODLIFE_PULL_IF_NOT_PRESENT},
		{"busybox:latest ", PODLIFE_PULL_IF_NOT_PRESENT},
		{"url:5000/repo@sha256:" E3B0, PODLIFE_PULL_IF_NOT_PRESENT},
		{"url:5000/repo:latest@sha256:" E3B0, PODLIFE_PULL_ALWAYS},
		{"192.168.0.1:80", PODLIFE_PULL_IF_NOT_PRESENT},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		podlife_pull_policy got = podlife_image_default_pull_policy(cases[i].image);
		if (got != cases[i].want)
			fprintf(stderr, "  image \"%s\"\n", cases[i].image);
		CHECK_INT(got, cases[i].want);
	}
	CHECK_INT(podlife_image_default_pull_policy(NULL), PODLIFE_PULL_IF_NOT_PRESENT);
}

static void test_policy_names(void)
{
	CHECK_STR(podlife_pull_policy_name(PODLIFE_PULL_ALWAYS), "Always");
	CHECK_STR(podlife_pull_policy_name(PODLIFE_PULL_IF_NOT_PRESENT), "IfNotPresent");
	CHECK_STR(podlife_pull_policy_name(PODLIFE_PULL_NEVER), "Never");
	CHECK_STR(podlife_pull_policy_name(PODLIFE_PULL_UNSET), "");
	CHECK_STR(podlife_pull_policy_name((podlife_pull_policy)42), "");
	CHECK_INT(podlife_pull_policy_from_name("Always"), PODLIFE_PULL_ALWAYS);
	CHECK_INT(podlife_pull_policy_from_name("IfNotPresent"), PODLIFE_PULL_IF_NOT_PRESENT);
	CHECK_INT(podlife_pull_policy_from_name("Never"), PODLIFE_PULL_NEVER);
	CHECK_INT(podlife_pull_policy_from_name("always"), PODLIFE_PULL_UNSET);
	CHECK_INT(podlife_pull_policy_from_name(""), PODLIFE_PULL_UNSET);
	CHECK_INT(podlife_pull_policy_from_name(NULL), PODLIFE_PULL_UNSET);
}

/* shouldPullImage */
static void test_pull_decision(void)
{
	CHECK_INT(podlife_image_pull_decision(PODLIFE_PULL_ALWAYS, 1), PODLIFE_PULL_ACTION_PULL);
	CHECK_INT(podlife_image_pull_decision(PODLIFE_PULL_ALWAYS, 0), PODLIFE_PULL_ACTION_PULL);
	CHECK_INT(podlife_image_pull_decision(PODLIFE_PULL_IF_NOT_PRESENT, 1),
	          PODLIFE_PULL_ACTION_USE_LOCAL);
	CHECK_INT(podlife_image_pull_decision(PODLIFE_PULL_IF_NOT_PRESENT, 0),
	          PODLIFE_PULL_ACTION_PULL);
	CHECK_INT(podlife_image_pull_decision(PODLIFE_PULL_NEVER, 1), PODLIFE_PULL_ACTION_USE_LOCAL);
	CHECK_INT(podlife_image_pull_decision(PODLIFE_PULL_NEVER, 0),
	          PODLIFE_PULL_ACTION_NEVER_PULL);
	/* shouldPullImage pulls only for Always and IfNotPresent */
	CHECK_INT(podlife_image_pull_decision(PODLIFE_PULL_UNSET, 0),
	          PODLIFE_PULL_ACTION_NEVER_PULL);
	CHECK_INT(podlife_image_pull_decision(PODLIFE_PULL_UNSET, 1), PODLIFE_PULL_ACTION_USE_LOCAL);
}

static void test_never_pull_message(void)
{
	char *m = podlife_image_never_pull_message("flask-demo:version1");
	CHECK_STR(m, "Container image \"flask-demo:version1\" is not present with pull policy of Never");
	podlife_free(m);
	m = podlife_image_never_pull_message("a\"b");
	CHECK_STR(m, "Container image \"a\\\"b\" is not present with pull policy of Never");
	podlife_free(m);
	m = podlife_image_never_pull_message(NULL);
	CHECK_STR(m, "Container image \"\" is not present with pull policy of Never");
	podlife_free(m);
}

int main(void)
{
	RUN(test_default_pull_policy);
	RUN(test_policy_names);
	RUN(test_pull_decision);
	RUN(test_never_pull_message);
	DONE();
}
