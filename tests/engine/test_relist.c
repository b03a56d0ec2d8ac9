/*
 * tests/engine/test_relist.c - the engine's periodic container relist
 * (the kubelet's PLEG relist): phase Unknown while the backend cannot
 * list and recovery after, containers the runtime lost
 * (ContainerStatusUnknown, exit 137) and exits only the listing shows,
 * the period, turning it off, and the config versions.  Simulated clock
 * and fake backend only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_env.h"

static const char RUNNER[] = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                             "  containers:\n  - name: app\n    image: nginx:1.25\n";

static const char UNKNOWN_MSG[] = "The container runtime did not report the pod's containers";
static const char LOST_MSG[] = "The container could not be located when the pod was deleted.  "
                               "The container used to be Running";

/* listing fails: Unknown with reason and message; recovers, nothing restarted */
static void test_list_fails_unknown_then_recovers(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, RUNNER) == 0);
	env_run(&x, 5 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Running");
	podlife_fake_list_fails(x.f, 1);
	env_run(&x, 5 * SEC + 500);
	CHECK_STR(env_info(&x, "p").phase, "Running"); /* not relisted yet */
	env_run(&x, 6 * SEC);
	podlife_pod_info i = env_info(&x, "p");
	CHECK_STR(i.phase, "Unknown");
	CHECK_STR(i.reason, "BackendUnavailable");
	CHECK_STR(i.message, UNKNOWN_MSG);
	env_run(&x, 30 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Unknown");
	podlife_fake_list_fails(x.f, 0);
	env_run(&x, 31 * SEC);
	i = env_info(&x, "p");
	CHECK_STR(i.phase, "Running");
	CHECK_STR(i.reason, "");
	CHECK_STR(i.message, "");
	CHECK_INT(i.restarts, 0);
	CHECK_INT((long long)env_count(&x, "Started", "app"), 1);
	CHECK_STR(env_ctr(&x, "p", "app").state, "running");
	env_free(&x);
}

/* the runtime forgets a running container: ContainerStatusUnknown, exit
 * 137, and the restart policy (Always: restarted at once) */
static void test_lost_container_always(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, RUNNER) == 0);
	env_run(&x, 5 * SEC);
	CHECK_INT(podlife_fake_lose_container(x.f, NULL, "p", "app", -1), PODLIFE_OK);
	CHECK_INT(podlife_fake_lose_container(x.f, NULL, "p", "app", -1), PODLIFE_ENOTFOUND);
	env_run(&x, 5 * SEC + 900);
	CHECK_INT(env_ctr(&x, "p", "app").restart_count, 0);
	env_run(&x, 6 * SEC);
	podlife_container_info c = env_ctr(&x, "p", "app");
	CHECK_INT(c.restart_count, 1);
	CHECK_STR(c.state, "running");
	CHECK_STR(c.last_state, "terminated");
	CHECK_STR(c.last_reason, "ContainerStatusUnknown");
	CHECK_INT(c.last_exit_code, 137);
	CHECK_INT((long long)env_count(&x, "Started", "app"), 2);
	CHECK_STR(env_info(&x, "p").phase, "Running");
	env_free(&x);
}

/* restartPolicy Never: the lost container fails the pod */
static void test_lost_container_never(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	                    "  restartPolicy: Never\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	env_run(&x, 3 * SEC);
	CHECK_INT(podlife_fake_lose_container(x.f, "default", "p", "app", -1), PODLIFE_OK);
	env_run(&x, 10 * SEC);
	podlife_container_info c = env_ctr(&x, "p", "app");
	CHECK_STR(c.state, "terminated");
	CHECK_STR(c.reason, "ContainerStatusUnknown");
	CHECK_STR(c.message, LOST_MSG);
	CHECK_INT(c.exit_code, 137);
	CHECK_INT(c.restart_count, 0);
	CHECK_STR(env_info(&x, "p").phase, "Failed");
	CHECK_INT((long long)env_count(&x, "Started", "app"), 1);
	env_free(&x);
}

/* an exit only the listing shows is handled like a notified one */
static void test_exit_seen_by_listing(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	                    "  restartPolicy: OnFailure\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	env_run(&x, 2 * SEC + 100);
	CHECK_INT(podlife_fake_lose_container(x.f, NULL, "p", "app", 3), PODLIFE_OK);
	env_run(&x, 3 * SEC);
	podlife_container_info c = env_ctr(&x, "p", "app");
	CHECK_INT(c.restart_count, 1);
	CHECK_STR(c.last_reason, "Error");
	CHECK_INT(c.last_exit_code, 3);
	CHECK_STR(c.state, "running");
	env_free(&x);
}

/* lost while the backend cannot list: noticed when it answers again */
static void test_lost_during_outage(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, RUNNER) == 0);
	env_run(&x, 2 * SEC);
	podlife_fake_list_fails(x.f, 1);
	env_run(&x, 4 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Unknown");
	CHECK_INT(podlife_fake_lose_container(x.f, NULL, "p", "app", -1), PODLIFE_OK);
	env_run(&x, 20 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Unknown");
	CHECK_INT(env_ctr(&x, "p", "app").restart_count, 0);
	podlife_fake_list_fails(x.f, 0);
	env_run(&x, 21 * SEC);
	podlife_pod_info i = env_info(&x, "p");
	CHECK_STR(i.phase, "Running");
	CHECK_STR(i.reason, "");
	podlife_container_info c = env_ctr(&x, "p", "app");
	CHECK_INT(c.restart_count, 1);
	CHECK_STR(c.last_reason, "ContainerStatusUnknown");
	CHECK_STR(c.state, "running");
	env_free(&x);
}

/* finished pods never turn Unknown */
static void test_terminal_not_unknown(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:0@1s", NULL) == PODLIFE_OK);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	                    "  restartPolicy: Never\n"
	                    "  containers:\n  - name: app\n    image: busybox\n") == 0);
	env_run(&x, 5 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Succeeded");
	podlife_fake_list_fails(x.f, 1);
	env_run(&x, 10 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Succeeded");
	env_free(&x);
}

/* the period is the configured one */
static void test_period(void)
{
	env x;
	REQUIRE(env_init_full(&x, NULL, PODLIFE_PSS_NONE, 0, 5 * SEC) == 0);
	REQUIRE(env_add(&x, RUNNER) == 0);
	CHECK_INT(podlife_engine_next_deadline(x.e), 5 * SEC);
	env_run(&x, 1 * SEC);
	CHECK_INT(podlife_fake_lose_container(x.f, NULL, "p", "app", -1), PODLIFE_OK);
	env_run(&x, 5 * SEC - 1);
	CHECK_INT(env_ctr(&x, "p", "app").restart_count, 0);
	env_run(&x, 5 * SEC);
	CHECK_INT(env_ctr(&x, "p", "app").restart_count, 1);
	/* no pods: no relist timer */
	CHECK_INT(podlife_engine_remove_pod(x.e, NULL, "p"), PODLIFE_OK);
	env_run(&x, 10 * SEC);
	CHECK_INT(podlife_engine_next_deadline(x.e), INT64_MAX);
	env_free(&x);
}

/* relist off: exact deadlines only, failures and losses go unnoticed */
static void test_off(void)
{
	env x;
	REQUIRE(env_init_full(&x, NULL, PODLIFE_PSS_NONE, 0, 0) == 0);
	REQUIRE(env_add(&x, RUNNER) == 0);
	env_run(&x, 1 * SEC);
	CHECK_INT(podlife_engine_next_deadline(x.e), INT64_MAX);
	podlife_fake_list_fails(x.f, 1);
	CHECK_INT(podlife_fake_lose_container(x.f, NULL, "p", "app", -1), PODLIFE_OK);
	env_run(&x, 60 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Running");
	CHECK_INT(env_ctr(&x, "p", "app").restart_count, 0);
	env_free(&x);
}

/* version 1 config structs still work (relist on, 1 s); bad values */
static void test_config_versions(void)
{
	podlife_simclock *sc = NULL;
	podlife_fake *f = NULL;
	REQUIRE(podlife_simclock_new(0, 0, NULL, &sc) == PODLIFE_OK);
	REQUIRE(podlife_fake_new(podlife_simclock_clock(sc), NULL, &f) == PODLIFE_OK);
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	CHECK_INT(cfg.relist_period_ms, 1000);
	cfg.backend = podlife_fake_backend(f);
	cfg.clock = podlife_simclock_clock(sc);
	podlife_engine *e = NULL;
	cfg.relist_period_ms = -1;
	CHECK_INT(podlife_engine_new(&cfg, &e), PODLIFE_EINVAL);
	cfg.version = PODLIFE_ENGINE_CONFIG_VERSION + 1;
	CHECK_INT(podlife_engine_new(&cfg, &e), PODLIFE_EVERSION);
	cfg.version = 1; /* relist_period_ms is not read */
	CHECK_INT(podlife_engine_new(&cfg, &e), PODLIFE_OK);
	podlife_fake_attach(f, e);
	podlife_pod_list *l = NULL;
	REQUIRE(podlife_pod_parse(RUNNER, strlen(RUNNER), NULL, &l, NULL) == PODLIFE_OK);
	CHECK_INT(podlife_engine_add_pod(e, podlife_pod_list_get(l, 0)), PODLIFE_OK);
	CHECK_INT(podlife_engine_next_deadline(e), 1000);
	CHECK_INT(podlife_fake_lose_container(f, NULL, "none", "app", -1), PODLIFE_ENOTFOUND);
	CHECK_INT(podlife_fake_lose_container(f, NULL, NULL, "app", -1), PODLIFE_EINVAL);
	podlife_engine_free(e);
	podlife_pod_list_free(l);
	podlife_fake_free(f);
	podlife_simclock_free(sc);
}

/* the blocking loop on the simulated clock still ends with nothing to do */
static void test_run_loop_ends(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:0@2s", NULL) == PODLIFE_OK);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	                    "  restartPolicy: Never\n"
	                    "  containers:\n  - name: app\n    image: busybox\n") == 0);
	env_run(&x, 10 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Succeeded");
	CHECK_INT(podlife_engine_run(x.e, INT64_MAX, NULL, 0, NULL, NULL), PODLIFE_OK);
	env_free(&x);
}

/* a restore while the backend cannot list: adopted at the first relist
 * that succeeds (not the 10 s retry), then relisting goes on as usual */
static void test_restore_adopted_by_relist(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, RUNNER) == 0);
	env_run(&x, 5 * SEC);
	char *snap = NULL;
	REQUIRE(podlife_engine_snapshot(x.e, &snap) == 0);
	podlife_engine_free(x.e);
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = podlife_fake_backend(x.f);
	cfg.clock = podlife_simclock_clock(x.sc);
	cfg.on_event = env_on_event;
	cfg.event_ud = &x;
	REQUIRE(podlife_engine_new(&cfg, &x.e) == 0);
	podlife_fake_attach(x.f, x.e);
	podlife_fake_list_fails(x.f, 1);
	REQUIRE(podlife_engine_restore(x.e, snap, strlen(snap), NULL) == 0);
	podlife_free(snap);
	CHECK_STR(env_info(&x, "p").phase, "Unknown");
	env_run(&x, 7 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Unknown");
	podlife_fake_list_fails(x.f, 0);
	env_run(&x, 8 * SEC); /* the relist at 8 s, the 10 s retry would be at 15 s */
	CHECK_STR(env_info(&x, "p").phase, "Running");
	CHECK_INT(env_ctr(&x, "p", "app").restart_count, 0);
	CHECK_INT((long long)env_count(&x, "Started", "app"), 1); /* before the restore only */
	CHECK_INT(podlife_fake_lose_container(x.f, NULL, "p", "app", -1), PODLIFE_OK);
	env_run(&x, 9 * SEC);
	CHECK_STR(env_ctr(&x, "p", "app").last_reason, "ContainerStatusUnknown");
	CHECK_INT(env_ctr(&x, "p", "app").restart_count, 1);
	env_free(&x);
}

int main(void)
{
	RUN(test_list_fails_unknown_then_recovers);
	RUN(test_lost_container_always);
	RUN(test_lost_container_never);
	RUN(test_exit_seen_by_listing);
	RUN(test_lost_during_outage);
	RUN(test_terminal_not_unknown);
	RUN(test_period);
	RUN(test_off);
	RUN(test_config_versions);
	RUN(test_run_loop_ends);
	RUN(test_restore_adopted_by_relist);
	DONE();
}
