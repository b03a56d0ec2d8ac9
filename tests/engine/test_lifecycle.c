/*
 * tests/engine/test_lifecycle.c - the engine's pod lifecycle on the fake
 * backend and the simulated clock: start, init containers (the
 * walkthroughs), sidecars, restart policies, crash-loop and image pull
 * back-off with exact deadlines, hooks, termination, activeDeadlineSeconds
 * and admission.
 */
#include "engine_env.h"

static const char *POD_SIMPLE =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  uid: u1\nspec:\n"
        "  containers:\n  - name: app\n    image: nginx:1.25\n";

static void test_single_container_runs(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, POD_SIMPLE) == 0);
	env_run(&x, 5 * SEC);
	podlife_pod_info i = env_info(&x, "web");
	CHECK_STR(i.phase, "Running");
	CHECK_STR(i.status, "Running");
	CHECK_STR(i.ready, "1/1");
	podlife_container_info c = env_ctr(&x, "web", "app");
	CHECK_STR(c.state, "running");
	CHECK_INT(c.ready, 1);
	CHECK_INT(c.started, 1);
	CHECK_INT(env_count(&x, "Pulled", "app"), 1);
	CHECK_INT(env_count(&x, "Created", "app"), 1);
	CHECK_INT(env_count(&x, "Started", "app"), 1);
	const ev_rec *r = env_last(&x, "Pulled");
	REQUIRE(r);
	CHECK_STR(r->message, "Container image \"nginx:1.25\" already present on machine");
	CHECK_STR(env_last(&x, "Created")->message, "Created container: app");
	CHECK_STR(env_last(&x, "Started")->message, "Started container app");
	CHECK_INT(podlife_engine_add_pod(x.e, env_pod(&x, POD_SIMPLE)), PODLIFE_EEXISTS);
	env_free(&x);
}

static void test_two_init_walkthrough(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "init-a", "exit:0@10s", NULL) == 0);
	REQUIRE(podlife_fake_behave(x.f, "init-b", "exit:0@20s", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	                    "  initContainers:\n  - name: init-a\n    image: busybox:1.36\n"
	                    "  - name: init-b\n    image: busybox:1.36\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	podlife_pod_info i = env_info(&x, "p");
	CHECK_STR(i.phase, "Pending");
	CHECK_STR(i.status, "Init:0/2");
	CHECK_STR(i.ready, "0/1");
	CHECK_STR(env_ctr(&x, "p", "init-b").reason, "PodInitializing");
	env_run(&x, 9 * SEC);
	CHECK_STR(env_info(&x, "p").status, "Init:0/2");
	env_run(&x, 10 * SEC);
	i = env_info(&x, "p");
	CHECK_STR(i.status, "Init:1/2");
	CHECK_STR(env_ctr(&x, "p", "init-a").state, "terminated");
	CHECK_STR(env_ctr(&x, "p", "init-a").reason, "Completed");
	CHECK_STR(env_ctr(&x, "p", "init-b").state, "running");
	CHECK_STR(env_ctr(&x, "p", "app").reason, "PodInitializing");
	env_run(&x, 30 * SEC);
	i = env_info(&x, "p");
	CHECK_STR(i.phase, "Running");
	CHECK_STR(i.status, "Running");
	CHECK_STR(i.ready, "1/1");
	CHECK_INT(i.restarts, 0);
	env_free(&x);
}

/*
 * The kubectl walkthrough: Init:0/2, Init:1/2, PodInitializing while the
 * app's image is pulled (the fake's pulls take 2 s), then Running.
 */
static void test_pod_initializing_while_app_image_pulls(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	podlife_fake_pull_time(x.f, 2 * SEC);
	REQUIRE(podlife_fake_image_missing(x.f, "nginx:1.25") == 0);
	REQUIRE(podlife_fake_behave(x.f, "init-a", "exit:0@10s", NULL) == 0);
	REQUIRE(podlife_fake_behave(x.f, "init-b", "exit:0@20s", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	                    "  initContainers:\n  - name: init-a\n    image: busybox:1.36\n"
	                    "  - name: init-b\n    image: busybox:1.36\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	CHECK_STR(env_info(&x, "p").status, "Init:0/2");
	env_run(&x, 10 * SEC);
	CHECK_STR(env_info(&x, "p").status, "Init:1/2");
	env_run(&x, 30 * SEC);
	podlife_pod_info i = env_info(&x, "p");
	CHECK_STR(i.status, "PodInitializing");
	CHECK_STR(i.phase, "Pending");
	CHECK_STR(env_ctr(&x, "p", "app").reason, "PodInitializing");
	env_run(&x, 31 * SEC);
	CHECK_STR(env_info(&x, "p").status, "PodInitializing");
	env_run(&x, 32 * SEC);
	i = env_info(&x, "p");
	CHECK_STR(i.status, "Running");
	CHECK_STR(i.ready, "1/1");
	podlife_fake_stats st;
	podlife_fake_get_stats(x.f, &st);
	CHECK_INT(st.pulls, 1);
	env_free(&x);
}

#define POD_INIT_FAIL \
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  uid: u-1\nspec:\n" \
        "  restartPolicy: %s\n" \
        "  initContainers:\n  - name: setup\n    image: busybox:1.36\n" \
        "    command: [\"/no/such/cmd\"]\n" \
        "  containers:\n  - name: app\n    image: nginx:1.25\n"

static void test_init_fails_always_backoff(void)
{
	env x;
	char y[1024];
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "setup", "exit:127", NULL) == 0);
	snprintf(y, sizeof y, POD_INIT_FAIL, "Always");
	REQUIRE(env_add(&x, y) == 0);
	env_run(&x, 1);
	/* the first exit restarts at once; the second enters back-off */
	podlife_container_info c = env_ctr(&x, "p", "setup");
	CHECK_INT(c.restart_count, 1);
	CHECK_STR(c.reason, "CrashLoopBackOff");
	CHECK_STR(c.last_state, "terminated");
	CHECK_INT(c.last_exit_code, 127);
	CHECK_STR(c.last_reason, "Error");
	CHECK_STR(c.message, "back-off 10s restarting failed container=setup pod=p_default(u-1)");
	podlife_pod_info i = env_info(&x, "p");
	CHECK_STR(i.phase, "Pending");
	CHECK_STR(i.status, "Init:CrashLoopBackOff");
	const ev_rec *b = env_last(&x, "BackOff");
	REQUIRE(b);
	CHECK_STR(b->type, "Warning");
	CHECK_STR(b->message, "Back-off restarting failed container setup in pod p_default(u-1)");
	/* restarts at 0, 0, 10, 30, 70, 150, 310, 610 (300 cap), 910 */
	env_run(&x, 1000 * SEC);
	int64_t t[16];
	size_t n = env_times(&x, "Started", "setup", t, 16);
	REQUIRE(n >= 9);
	int64_t want[] = {0, 0, 10, 30, 70, 150, 310, 610, 910};
	for (size_t k = 0; k < 9; k++)
		CHECK_INT(t[k], want[k] * SEC);
	CHECK(env_count(&x, "BackOff", "setup") >= 7);
	CHECK_INT(env_ctr(&x, "p", "setup").restart_count, 8);
	CHECK_STR(env_info(&x, "p").phase, "Pending");
	CHECK_STR(env_ctr(&x, "p", "app").reason, "PodInitializing");
	env_free(&x);
}

/* The walkthrough's "command does not exist": the runtime cannot start the
 * process (StartError, exit 128); RunContainerError, then CrashLoopBackOff
 * with growing back-off, until the command exists. */
static void test_init_command_not_found(void)
{
	env x;
	char y[1024];
	REQUIRE(env_init(&x) == 0);
	static const char err[] =
	        "failed to create containerd task: failed to create shim task: OCI runtime create "
	        "failed: exec: \"/no/such/cmd\": stat /no/such/cmd: no such file or directory";
	REQUIRE(podlife_fake_behave(x.f, "setup", "exit:0", NULL) == 0);
	REQUIRE(podlife_fake_start_fail(x.f, "setup", 5, err) == 0);
	snprintf(y, sizeof y, POD_INIT_FAIL, "Always");
	REQUIRE(env_add(&x, y) == 0);
	podlife_container_info c = env_ctr(&x, "p", "setup");
	CHECK_STR(c.reason, "CrashLoopBackOff");
	CHECK_STR(c.last_reason, "StartError");
	CHECK_INT(c.last_exit_code, 128);
	CHECK_STR(env_info(&x, "p").status, "Init:CrashLoopBackOff");
	const ev_rec *f = env_last(&x, "Failed");
	REQUIRE(f);
	CHECK(strncmp(f->message, "Error: failed to create containerd task", 39) == 0);
	env_run(&x, 10 * MIN);
	int64_t t[8];
	size_t n = env_times(&x, "Created", "setup", t, 8);
	REQUIRE(n == 6);
	int64_t want[] = {0, 0, 10, 30, 70, 150}; /* the 6th start works */
	for (size_t k = 0; k < n; k++)
		CHECK_INT(t[k], want[k] * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Running");
	env_free(&x);
}

static void test_init_fails_never(void)
{
	env x;
	char y[1024];
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "setup", "exit:127@1s", NULL) == 0);
	snprintf(y, sizeof y, POD_INIT_FAIL, "Never");
	REQUIRE(env_add(&x, y) == 0);
	env_run(&x, 60 * SEC);
	podlife_pod_info i = env_info(&x, "p");
	CHECK_STR(i.phase, "Failed");
	CHECK_STR(i.status, "Init:Error");
	CHECK_INT(i.finished, 1);
	CHECK_INT(env_ctr(&x, "p", "setup").restart_count, 0);
	CHECK_INT(env_count(&x, "Started", "app"), 0);
	podlife_fake_stats s;
	podlife_fake_get_stats(x.f, &s);
	CHECK_INT(s.live_containers, 0);
	CHECK_INT(s.live_sandboxes, 0);
	env_free(&x);
}

#define POD_CRASH \
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: c\n  uid: u-2\nspec:\n" \
        "  restartPolicy: %s\n" \
        "  containers:\n  - name: app\n    image: busybox:1.36\n"

static void test_crashloop_exact_deadlines(void)
{
	env x;
	char y[512];
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:1@3s", NULL) == 0);
	snprintf(y, sizeof y, POD_CRASH, "Always");
	REQUIRE(env_add(&x, y) == 0);
	env_run(&x, 3600 * SEC);
	int64_t t[64];
	size_t n = env_times(&x, "Started", "app", t, 64);
	REQUIRE(n > 10);
	/* runs 3 s; restart delays from the exit: 0, 10, 20, 40, 80, 160, 300, 300 */
	int64_t delays[] = {0, 10, 20, 40, 80, 160, 300, 300, 300};
	for (size_t k = 1; k < 10; k++)
		CHECK_INT(t[k] - (t[k - 1] + 3 * SEC), delays[k - 1 < 8 ? k - 1 : 8] * SEC);
	podlife_pod_info i = env_info(&x, "c");
	CHECK_STR(i.phase, "Running");
	CHECK_INT(i.restarts, (int)n - 1);
	env_free(&x);
}

static void test_crashloop_reset_after_10_minutes(void)
{
	env x;
	char y[512];
	REQUIRE(env_init(&x) == 0);
	/* three quick crashes, then a run of 11 minutes, then crashes */
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:1,exit:1,exit:1,exit:1@11m,exit:1", NULL) == 0);
	snprintf(y, sizeof y, POD_CRASH, "Always");
	REQUIRE(env_add(&x, y) == 0);
	env_run(&x, 30 * MIN);
	int64_t t[16];
	size_t n = env_times(&x, "Started", "app", t, 16);
	REQUIRE(n >= 6);
	CHECK_INT(t[0], 0);
	CHECK_INT(t[1], 0);
	CHECK_INT(t[2], 10 * SEC);
	CHECK_INT(t[3], 30 * SEC);
	/* ran 11 min: exit at 30 s + 660 s; restarted at once, entry reset */
	CHECK_INT(t[4], 690 * SEC);
	CHECK_INT(t[5], 700 * SEC);
	env_free(&x);
}

static void test_restart_policies(void)
{
	const struct {
		const char *policy, *script, *phase, *status;
		int restarts;
	} cases[] = {
		{"Never", "exit:0@5s", "Succeeded", "Completed", 0},
		{"Never", "exit:2@5s", "Failed", "Error", 0},
		{"OnFailure", "exit:0@5s", "Succeeded", "Completed", 0},
		{"OnFailure", "exit:3@5s,exit:0@5s", "Succeeded", "Completed", 1},
		{"Always", "exit:0@5s,run", "Running", "Running", 1},
		{"Never", "oom@2s", "Failed", "OOMKilled", 0},
	};
	for (size_t k = 0; k < (sizeof cases / sizeof cases[0]); k++) {
		env x;
		char y[512];
		REQUIRE(env_init(&x) == 0);
		REQUIRE(podlife_fake_behave(x.f, "app", cases[k].script, NULL) == 0);
		snprintf(y, sizeof y, POD_CRASH, cases[k].policy);
		REQUIRE(env_add(&x, y) == 0);
		env_run(&x, 5 * MIN);
		podlife_pod_info i = env_info(&x, "c");
		if (strcmp(i.phase, cases[k].phase) || strcmp(i.status, cases[k].status))
			fprintf(stderr, "  case %zu (%s %s)\n", k, cases[k].policy, cases[k].script);
		CHECK_STR(i.phase, cases[k].phase);
		CHECK_STR(i.status, cases[k].status);
		CHECK_INT(i.restarts, cases[k].restarts);
		env_free(&x);
	}
}

static void test_image_pull_backoff(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_image_missing(x.f, "registry.example/app:1") == 0);
	REQUIRE(podlife_fake_pull_fail(x.f, "registry.example/app:1", 4) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: img\nspec:\n"
	                    "  containers:\n  - name: app\n    image: registry.example/app:1\n") == 0);
	podlife_container_info c = env_ctr(&x, "img", "app");
	CHECK_STR(c.reason, "ErrImagePull");
	CHECK_STR(env_info(&x, "img").status, "ErrImagePull");
	CHECK_STR(env_last(&x, "Failed")->message, "Error: ErrImagePull");
	env_run(&x, 15 * SEC);
	/* second pull at 10 s failed (back-off now 20 s) */
	CHECK_STR(env_ctr(&x, "img", "app").reason, "ErrImagePull");
	env_run(&x, 21 * SEC);
	CHECK_STR(env_ctr(&x, "img", "app").reason, "ImagePullBackOff");
	CHECK_STR(env_info(&x, "img").status, "ImagePullBackOff");
	const ev_rec *b = env_last(&x, "BackOff");
	REQUIRE(b);
	CHECK_STR(b->type, "Normal");
	CHECK_STR(b->message, "Back-off pulling image \"registry.example/app:1\"");
	env_run(&x, 10 * MIN);
	int64_t t[8];
	size_t n = env_times(&x, "Pulling", "app", t, 8);
	REQUIRE(n == 5);
	/* pulls at 0, 10, 30, 70, 150 (10 s doubling, from each failure) */
	CHECK_INT(t[0], 0);
	CHECK_INT(t[1], 10 * SEC);
	CHECK_INT(t[2], 30 * SEC);
	CHECK_INT(t[3], 70 * SEC);
	CHECK_INT(t[4], 150 * SEC);
	CHECK_STR(env_info(&x, "img").phase, "Running");
	CHECK_STR(env_last(&x, "Failed") ? "x" : NULL, "x");
	env_free(&x);
}

static void test_image_never_pull_and_invalid(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_image_missing(x.f, "local/only:1") == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: n\nspec:\n"
	                    "  containers:\n  - name: app\n    image: local/only:1\n"
	                    "    imagePullPolicy: Never\n") == 0);
	env_run(&x, 1 * MIN);
	podlife_container_info c = env_ctr(&x, "n", "app");
	CHECK_STR(c.reason, "ErrImageNeverPull");
	CHECK_STR(c.message, "Container image \"local/only:1\" is not present with pull policy of Never");
	CHECK_STR(env_info(&x, "n").phase, "Pending");
	CHECK(env_count(&x, "ErrImageNeverPull", "app") >= 1);
	CHECK_INT(env_count(&x, "Pulling", NULL), 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: inv\nspec:\n"
	                    "  containers:\n  - name: app\n    image: Registry.Example/UPPER:1\n") == 0);
	podlife_container_info ci = env_ctr(&x, "inv", "app");
	CHECK_STR(ci.reason, "InvalidImageName");
	CHECK(strncmp(ci.message, "Failed to apply default image tag \"Registry.Example/UPPER:1\": ", 62) == 0);
	CHECK_STR(env_info(&x, "inv").status, "InvalidImageName");
	CHECK(env_count(&x, "InspectFailed", "app") >= 1);
	env_free(&x);
}

static void test_node_selector_admission(void)
{
	const char *const labels[] = {"disktype=ssd", NULL};
	env x;
	REQUIRE(env_init_cfg(&x, labels, PODLIFE_PSS_NONE, 0) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n"
	                    "  nodeSelector:\n    disktype: ssd\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n"
	                    "  nodeSelector:\n    disktype: hdd\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	env_run(&x, 10 * SEC);
	CHECK_STR(env_info(&x, "ok").phase, "Running");
	podlife_pod_info i = env_info(&x, "bad");
	CHECK_STR(i.phase, "Failed");
	CHECK_STR(i.reason, "NodeAffinity");
	CHECK_STR(i.message, "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector");
	CHECK_STR(i.status, "NodeAffinity");
	podlife_fake_stats s;
	podlife_fake_get_stats(x.f, &s);
	CHECK_INT(s.starts, 1);
	CHECK_INT(s.live_sandboxes, 1);
	env_free(&x);
}

static void test_delete_graceful(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "stubborn", "hang", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: d\nspec:\n"
	                    "  terminationGracePeriodSeconds: 20\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "  - name: stubborn\n    image: nginx:1.25\n") == 0);
	env_run(&x, 10 * SEC);
	CHECK_STR(env_info(&x, "d").phase, "Running");
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "d", -1) == 0);
	podlife_pod_info i = env_info(&x, "d");
	CHECK_STR(i.status, "Terminating");
	CHECK_INT(env_count(&x, "Killing", NULL), 2);
	CHECK_STR(env_last(&x, "Killing")->message, "Stopping container stubborn");
	env_run(&x, 29 * SEC);
	CHECK_STR(env_info(&x, "d").status, "Terminating");
	env_run(&x, 31 * SEC);
	i = env_info(&x, "d");
	CHECK_INT(i.finished, 1);
	CHECK_STR(i.phase, "Failed"); /* 137 from SIGKILL after 20 s */
	podlife_container_info c = env_ctr(&x, "d", "stubborn");
	CHECK_INT(c.exit_code, 137);
	CHECK_INT(env_ctr(&x, "d", "app").exit_code, 0);
	podlife_fake_stats s;
	podlife_fake_get_stats(x.f, &s);
	CHECK_INT(s.live_containers, 0);
	CHECK_INT(s.live_sandboxes, 0);
	env_free(&x);
}

static void test_delete_grace_zero_gets_two_seconds(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "hang", NULL) == 0);
	REQUIRE(env_add(&x, POD_SIMPLE) == 0);
	env_run(&x, 10 * SEC);
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "web", 0) == 0);
	env_run(&x, 11 * SEC);
	CHECK_INT(env_info(&x, "web").finished, 0);
	env_run(&x, 12 * SEC);
	CHECK_INT(env_info(&x, "web").finished, 1);
	env_free(&x);
}

/* lifecycle.stopSignal replaces SIGTERM: the fake's exit step answers a
 * stop signal with 128 + signal. */
static void test_stop_signal(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:0@1h", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sig\nspec:\n  os:\n    name: linux\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "    lifecycle:\n      stopSignal: SIGINT\n") == 0);
	env_run(&x, 5 * SEC);
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "sig", -1) == 0);
	env_run(&x, 10 * SEC);
	CHECK_INT(env_ctr(&x, "sig", "app").exit_code, 130);
	CHECK_STR(env_info(&x, "sig").phase, "Failed");
	env_free(&x);
}

/* A second delete may only shorten the grace period (calculateEffectiveGracePeriod). */
static void test_delete_shortens_grace(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "hang", NULL) == 0);
	REQUIRE(env_add(&x, POD_SIMPLE) == 0);
	env_run(&x, 10 * SEC);
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "web", 60) == 0);
	env_run(&x, 20 * SEC);
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "web", 120) == 0); /* longer: ignored */
	env_run(&x, 21 * SEC);
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "web", 5) == 0);
	env_run(&x, 21 * SEC + 1);
	CHECK_INT(env_info(&x, "web").finished, 0);
	/* 5 s from the kill at 10 s are used up: the 2 s floor applies */
	env_run(&x, 23 * SEC + 1);
	CHECK_INT(env_info(&x, "web").finished, 1);
	CHECK_INT(env_ctr(&x, "web", "app").exit_code, 137);
	env_free(&x);
}

static void test_active_deadline(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ad\nspec:\n"
	                    "  activeDeadlineSeconds: 30\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	env_run(&x, 29 * SEC);
	CHECK_STR(env_info(&x, "ad").phase, "Running");
	env_run(&x, 31 * SEC);
	podlife_pod_info i = env_info(&x, "ad");
	CHECK_STR(i.phase, "Failed");
	CHECK_STR(i.reason, "DeadlineExceeded");
	CHECK_STR(i.message, "Pod was active on the node longer than the specified deadline");
	/* printPod: the container's reason wins over the pod's */
	CHECK_STR(i.status, "Completed");
	const ev_rec *r = env_last(&x, "DeadlineExceeded");
	REQUIRE(r);
	CHECK_STR(r->type, "Normal");
	CHECK_INT(r->t, 30 * SEC);
	CHECK_INT(i.finished, 1);
	CHECK_INT(env_count(&x, "Killing", "app"), 1);
	env_free(&x);
}

static void test_post_start_and_pre_stop(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: h\nspec:\n"
	                    "  terminationGracePeriodSeconds: 30\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "    lifecycle:\n      postStart:\n        sleep:\n          seconds: 5\n"
	                    "      preStop:\n        sleep:\n          seconds: 10\n") == 0);
	env_run(&x, 4 * SEC);
	podlife_container_info c = env_ctr(&x, "h", "app");
	CHECK_STR(c.state, "waiting"); /* not reported running before postStart ends */
	CHECK_INT(c.ready, 0);
	CHECK_STR(env_info(&x, "h").phase, "Pending");
	env_run(&x, 6 * SEC);
	CHECK_STR(env_ctr(&x, "h", "app").state, "running");
	CHECK_STR(env_info(&x, "h").phase, "Running");
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "h", -1) == 0);
	podlife_fake_stats s;
	podlife_fake_get_stats(x.f, &s);
	CHECK_INT(s.stops, 0);
	env_run(&x, 15 * SEC);
	podlife_fake_get_stats(x.f, &s);
	CHECK_INT(s.stops, 0); /* preStop still sleeping */
	env_run(&x, 17 * SEC);
	podlife_fake_get_stats(x.f, &s);
	CHECK_INT(s.stops, 1); /* stop signal at 16 s, after preStop */
	CHECK_INT(env_info(&x, "h").finished, 1);
	env_free(&x);
}

static void test_post_start_failure(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	podlife_fake_hook_result(x.f, 1, 200);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: h\nspec:\n"
	                    "  restartPolicy: Never\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "    lifecycle:\n      postStart:\n        exec:\n          command: [\"false\"]\n") == 0);
	env_run(&x, 1 * MIN);
	CHECK_INT(env_count(&x, "FailedPostStartHook", "app"), 1);
	/* handlers.go runner.Run: the exec hook's failure text */
	const ev_rec *f = env_last(&x, "FailedPostStartHook");
	REQUIRE(f);
	CHECK(strncmp(f->message, "Exec lifecycle hook ([false]) for Container \"app\" in Pod \"h_default(", 68) == 0);
	CHECK(strstr(f->message, ")\" failed - error: command 'false' exited with 1: ") != NULL);
	const ev_rec *k = env_last(&x, "Killing");
	REQUIRE(k);
	CHECK_STR(k->message, "FailedPostStartHook");
	podlife_pod_info i = env_info(&x, "h");
	CHECK_INT(i.finished, 1);
	CHECK_STR(env_ctr(&x, "h", "app").reason, "PostStartHookError");
	env_free(&x);
}

static void test_sidecar_order_and_job_completion(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "main", "exit:0@30s", NULL) == 0);
	REQUIRE(podlife_fake_behave(x.f, "proxy", "exit:1@5s,run", NULL) == 0);
	REQUIRE(podlife_fake_behave(x.f, "migrate", "exit:0", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: job\nspec:\n"
	                    "  restartPolicy: Never\n"
	                    "  initContainers:\n  - name: proxy\n    image: envoy:1\n"
	                    "    restartPolicy: Always\n"
	                    "  - name: migrate\n    image: busybox:1.36\n"
	                    "  containers:\n  - name: main\n    image: busybox:1.36\n") == 0);
	/* proxy started, then migrate (exits 0 at once), then main */
	int64_t t[4];
	CHECK_INT(env_times(&x, "Started", "proxy", t, 4), 1);
	env_run(&x, 1 * SEC);
	CHECK_STR(env_info(&x, "job").phase, "Running");
	CHECK_STR(env_info(&x, "job").ready, "2/2");
	/* proxy crashes at 5 s and is restarted although the pod is Never */
	env_run(&x, 6 * SEC);
	CHECK_INT(env_ctr(&x, "job", "proxy").restart_count, 1);
	CHECK_STR(env_info(&x, "job").phase, "Running");
	/* main exits 0 at 30 s: the sidecar is stopped, the pod Succeeds */
	env_run(&x, 40 * SEC);
	podlife_pod_info i = env_info(&x, "job");
	CHECK_STR(i.phase, "Succeeded");
	CHECK_INT(i.finished, 1);
	CHECK_INT(env_count(&x, "Killing", "proxy"), 1);
	env_free(&x);
}

static const char *const FAULT_PODS[] = {
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: f\nspec:\n"
	"  terminationGracePeriodSeconds: 5\n"
	"  initContainers:\n  - name: init\n    image: busybox:1.36\n"
	"  containers:\n  - name: app\n    image: nginx:1.25\n"
	"    lifecycle:\n      postStart:\n        exec:\n          command: [\"true\"]\n"
	"      preStop:\n        exec:\n          command: [\"true\"]\n",
	/* a sidecar, a pull of a missing image, an httpGet hook */
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: f\nspec:\n"
	"  terminationGracePeriodSeconds: 5\n"
	"  initContainers:\n  - name: init\n    image: busybox:1.36\n"
	"  - name: proxy\n    image: envoy:1\n    restartPolicy: Always\n"
	"  containers:\n  - name: app\n    image: registry.example/missing:1\n"
	"    lifecycle:\n      postStart:\n        httpGet:\n          port: 80\n",
};

static void fault_injection(const char *y)
{
	/* Count the backend calls of a full lifecycle, then fail each in turn. */
	unsigned long total;
	{
		env x;
		REQUIRE(env_init(&x) == 0);
		REQUIRE(podlife_fake_behave(x.f, "init", "exit:0@1s", NULL) == 0);
		REQUIRE(podlife_fake_image_missing(x.f, "registry.example/missing:1") == 0);
		REQUIRE(env_add(&x, y) == 0);
		env_run(&x, 30 * SEC);
		REQUIRE(podlife_engine_delete_pod(x.e, NULL, "f", -1) == 0);
		env_run(&x, 60 * SEC);
		REQUIRE(env_info(&x, "f").finished);
		total = podlife_fake_calls(x.f);
		env_free(&x);
	}
	REQUIRE(total > 10);
	for (unsigned long n = 1; n <= total; n++) {
		env x;
		REQUIRE(env_init(&x) == 0);
		REQUIRE(podlife_fake_behave(x.f, "init", "exit:0@1s", NULL) == 0);
		REQUIRE(podlife_fake_image_missing(x.f, "registry.example/missing:1") == 0);
		podlife_fake_fail_call(x.f, n);
		REQUIRE(env_add(&x, y) == 0);
		env_run(&x, 5 * MIN);
		podlife_pod_info i = env_info(&x, "f");
		if (strcmp(i.phase, "Running") != 0) {
			fprintf(stderr, "  call %lu: phase %s status %s\n", n, i.phase, i.status);
			env_dump(&x);
		}
		CHECK_STR(i.phase, "Running");
		REQUIRE(podlife_engine_delete_pod(x.e, NULL, "f", -1) == 0);
		env_run(&x, 10 * MIN);
		i = env_info(&x, "f");
		if (!i.finished)
			fprintf(stderr, "  call %lu: not finished (%s)\n", n, i.status);
		CHECK_INT(i.finished, 1);
		podlife_fake_stats s;
		podlife_fake_get_stats(x.f, &s);
		if (s.live_containers || s.live_sandboxes)
			fprintf(stderr, "  call %lu: leak %lu containers %lu sandboxes\n", n,
			        s.live_containers, s.live_sandboxes);
		CHECK_INT(s.live_containers, 0);
		CHECK_INT(s.live_sandboxes, 0);
		env_free(&x);
	}
}

static void test_fault_injection_every_call(void)
{
	for (size_t i = 0; i < sizeof FAULT_PODS / sizeof FAULT_PODS[0]; i++)
		fault_injection(FAULT_PODS[i]);
}

/* podlife_engine_run on a simulated clock jumps from deadline to deadline. */
static void test_run_loop_simulated(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r\nspec:\n"
	                    "  activeDeadlineSeconds: 90\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	/* the container relist (every 1 s) comes before the 90 s deadline */
	CHECK_INT(podlife_engine_next_deadline(x.e), 1 * SEC);
	/* the fake delivers exits from inside the loop's wake-ups */
	CHECK_INT(podlife_engine_run(x.e, 60 * SEC, NULL, 0, NULL, NULL), PODLIFE_OK);
	CHECK_INT(podlife_simclock_now(x.sc), 60 * SEC);
	CHECK_STR(env_info(&x, "r").phase, "Running");
	CHECK_INT(podlife_engine_run(x.e, 200 * SEC, NULL, 0, NULL, NULL), PODLIFE_OK);
	CHECK_INT(podlife_simclock_now(x.sc), 200 * SEC);
	podlife_fake_advance(x.f, podlife_simclock_now(x.sc));
	podlife_engine_tick(x.e, podlife_simclock_now(x.sc));
	podlife_pod_info i = env_info(&x, "r");
	CHECK_STR(i.reason, "DeadlineExceeded");
	CHECK_INT(i.finished, 1);
	env_free(&x);
}

int main(void)
{
	RUN(test_single_container_runs);
	RUN(test_two_init_walkthrough);
	RUN(test_pod_initializing_while_app_image_pulls);
	RUN(test_init_fails_always_backoff);
	RUN(test_init_command_not_found);
	RUN(test_init_fails_never);
	RUN(test_crashloop_exact_deadlines);
	RUN(test_crashloop_reset_after_10_minutes);
	RUN(test_restart_policies);
	RUN(test_image_pull_backoff);
	RUN(test_image_never_pull_and_invalid);
	RUN(test_node_selector_admission);
	RUN(test_delete_graceful);
	RUN(test_delete_grace_zero_gets_two_seconds);
	RUN(test_stop_signal);
	RUN(test_delete_shortens_grace);
	RUN(test_active_deadline);
	RUN(test_post_start_and_pre_stop);
	RUN(test_post_start_failure);
	RUN(test_sidecar_order_and_job_completion);
	RUN(test_fault_injection_every_call);
	RUN(test_run_loop_simulated);
	DONE();
}
