/*
 * tests/engine/test_features.c - engine features beyond the basic
 * lifecycle: pod updates (API server rules), snapshot and restore with
 * adoption, the Unknown phase, Pod Security admission, explain, the
 * emptyDir walkthrough, restart rules (KEP-5307), KEP-4603 back-off knobs,
 * the step parser and the simulated clock.
 */
#include "engine_env.h"

#define POD_V1 \
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: u\n  uid: u-9\nspec:\n" \
        "  restartPolicy: %s\n" \
        "%s" \
        "  initContainers:\n  - name: init\n    image: %s\n" \
        "  containers:\n  - name: app\n    image: %s\n    ports:\n    - containerPort: %d\n"

static podlife_pod *pod_v(env *x, const char *policy, const char *extra, const char *init_img,
                          const char *app_img, int port)
{
	char y[1024];
	snprintf(y, sizeof y, POD_V1, policy, extra, init_img, app_img, port);
	return env_pod(x, y);
}

static void test_update_rules(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "init", "exit:0", NULL) == 0);
	REQUIRE(podlife_engine_add_pod(x.e, pod_v(&x, "Always", "  activeDeadlineSeconds: 600\n",
	                                          "busybox:1.36", "nginx:1.25", 80)) == 0);
	env_run(&x, 10 * SEC);
	REQUIRE(strcmp(env_info(&x, "u").phase, "Running") == 0);
	podlife_error *err = NULL;
	/* a port change is rejected with the API server's message */
	CHECK_INT(podlife_engine_update_pod(x.e, pod_v(&x, "Always", "  activeDeadlineSeconds: 600\n",
	                                               "busybox:1.36", "nginx:1.25", 81),
	                                    &err),
	          PODLIFE_EINVALID);
	REQUIRE(err);
	CHECK(strstr(podlife_error_message(err),
	             "Pod \"u\" is invalid: spec: Forbidden: pod updates may not change fields other "
	             "than `spec.containers[*].image`") != NULL);
	podlife_error_free(err);
	err = NULL;
	/* raising activeDeadlineSeconds is rejected */
	CHECK_INT(podlife_engine_update_pod(x.e, pod_v(&x, "Always", "  activeDeadlineSeconds: 900\n",
	                                               "busybox:1.36", "nginx:1.25", 80),
	                                    &err),
	          PODLIFE_EINVALID);
	REQUIRE(err);
	CHECK(strstr(podlife_error_message(err), "must be less than or equal to previous value"));
	podlife_error_free(err);
	err = NULL;
	/* an image change restarts the container, without changing the pod */
	CHECK_INT(podlife_engine_update_pod(x.e, pod_v(&x, "Always", "  activeDeadlineSeconds: 600\n",
	                                               "busybox:1.36", "nginx:1.26", 80),
	                                    &err),
	          PODLIFE_OK);
	CHECK(err == NULL);
	const ev_rec *k = env_last(&x, "Killing");
	REQUIRE(k);
	CHECK_STR(k->message, "Container app definition changed, will be restarted");
	env_run(&x, 20 * SEC);
	podlife_container_info c = env_ctr(&x, "u", "app");
	CHECK_STR(c.state, "running");
	CHECK_INT(c.restart_count, 1);
	CHECK_INT(env_count(&x, "Started", "init"), 1);
	/* lowering activeDeadlineSeconds takes effect */
	CHECK_INT(podlife_engine_update_pod(x.e, pod_v(&x, "Always", "  activeDeadlineSeconds: 60\n",
	                                               "busybox:1.36", "nginx:1.26", 80),
	                                    NULL),
	          PODLIFE_OK);
	env_run(&x, 61 * SEC);
	CHECK_STR(env_info(&x, "u").reason, "DeadlineExceeded");
	env_free(&x);
}

static void test_update_image_under_never_and_init_restart(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "init", "exit:0", NULL) == 0);
	REQUIRE(podlife_engine_add_pod(x.e, pod_v(&x, "Never", "", "busybox:1.36", "nginx:1.25", 80)) ==
	        0);
	env_run(&x, 10 * SEC);
	/* a changed image restarts a container even under Never */
	REQUIRE(podlife_engine_update_pod(x.e, pod_v(&x, "Never", "", "busybox:1.36", "nginx:1.26", 80),
	                                  NULL) == 0);
	env_run(&x, 20 * SEC);
	CHECK_INT(env_ctr(&x, "u", "app").restart_count, 1);
	CHECK_STR(env_info(&x, "u").phase, "Running");
	/* a changed init image: new sandbox, init containers again */
	REQUIRE(podlife_engine_update_pod(x.e, pod_v(&x, "Never", "", "busybox:1.37", "nginx:1.26", 80),
	                                  NULL) == 0);
	env_run(&x, 40 * SEC);
	CHECK_INT(env_count(&x, "SandboxChanged", NULL), 1);
	CHECK_INT(env_count(&x, "Started", "init"), 2);
	CHECK_STR(env_ctr(&x, "u", "app").state, "running");
	podlife_fake_stats s;
	podlife_fake_get_stats(x.f, &s);
	CHECK_INT(s.live_sandboxes, 1);
	env_free(&x);
}

static void test_snapshot_restore_adopts(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "init", "exit:0", NULL) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:1@5s,exit:1@5s,run", NULL) == 0);
	REQUIRE(podlife_engine_add_pod(x.e, pod_v(&x, "Always", "", "busybox:1.36", "nginx:1.25", 80)) ==
	        0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n"
	                    "  restartPolicy: Never\n"
	                    "  containers:\n  - name: job\n    image: busybox:1.36\n") == 0);
	env_run(&x, 30 * SEC);
	CHECK_INT(env_ctr(&x, "u", "app").restart_count, 2);
	char *snap = NULL;
	REQUIRE(podlife_engine_snapshot(x.e, &snap) == 0);
	REQUIRE(snap);
	podlife_fake_stats before;
	podlife_fake_get_stats(x.f, &before);
	/* a new engine on the same backend */
	podlife_engine_free(x.e);
	x.e = NULL;
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = podlife_fake_backend(x.f);
	cfg.clock = podlife_simclock_clock(x.sc);
	cfg.on_event = env_on_event;
	cfg.event_ud = &x;
	REQUIRE(podlife_engine_new(&cfg, &x.e) == 0);
	podlife_fake_attach(x.f, x.e);
	podlife_error *err = NULL;
	REQUIRE(podlife_engine_restore(x.e, snap, strlen(snap), &err) == 0);
	podlife_free(snap);
	CHECK_INT(podlife_engine_pod_count(x.e), 2);
	podlife_fake_stats after;
	podlife_fake_get_stats(x.f, &after);
	CHECK_INT(after.starts, before.starts); /* nothing started again */
	CHECK_STR(env_info(&x, "u").phase, "Running");
	CHECK_INT(env_ctr(&x, "u", "app").restart_count, 2);
	CHECK_STR(env_ctr(&x, "once", "job").state, "running");
	/* the adopted container's exit still reaches the new engine */
	env_run(&x, 60 * SEC);
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "once", -1) == 0);
	env_run(&x, 120 * SEC);
	podlife_pod_info i = env_info(&x, "once");
	CHECK_INT(i.finished, 1);
	CHECK_INT(env_count(&x, "Started", "job"), 1); /* Never: one start in all */
	env_free(&x);
}

static void test_restore_unknown_then_recovers(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: k\nspec:\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	env_run(&x, 5 * SEC);
	char *snap = NULL;
	REQUIRE(podlife_engine_snapshot(x.e, &snap) == 0);
	podlife_engine_free(x.e);
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = podlife_fake_backend(x.f);
	cfg.clock = podlife_simclock_clock(x.sc);
	REQUIRE(podlife_engine_new(&cfg, &x.e) == 0);
	podlife_fake_attach(x.f, x.e);
	podlife_fake_list_fails(x.f, 1);
	REQUIRE(podlife_engine_restore(x.e, snap, strlen(snap), NULL) == 0);
	podlife_free(snap);
	podlife_pod_info i = env_info(&x, "k");
	CHECK_STR(i.phase, "Unknown");
	CHECK_STR(i.reason, "BackendUnavailable");
	env_run(&x, 30 * SEC);
	CHECK_STR(env_info(&x, "k").phase, "Unknown");
	podlife_fake_list_fails(x.f, 0);
	env_run(&x, 45 * SEC);
	i = env_info(&x, "k");
	CHECK_STR(i.phase, "Running");
	CHECK_STR(i.reason, "");
	CHECK_INT(env_ctr(&x, "k", "app").restart_count, 0);
	env_free(&x);
}

static void test_restore_bad_json(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	podlife_error *err = NULL;
	CHECK_INT(podlife_engine_restore(x.e, "{", 1, &err), PODLIFE_EPARSE);
	CHECK(err != NULL);
	podlife_error_free(err);
	CHECK_INT(podlife_engine_restore(x.e, "{\"version\":1,\"pods\":[{\"pod\":5}]}", 33, NULL),
	          PODLIFE_EPARSE);
	CHECK_INT(podlife_engine_pod_count(x.e), 0);
	env_free(&x);
}

static void test_pod_security(void)
{
	env x;
	REQUIRE(env_init_cfg(&x, NULL, PODLIFE_PSS_BASELINE, 0) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: priv\nspec:\n"
	                    "  hostNetwork: true\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "    securityContext:\n      privileged: true\n") == 0);
	podlife_pod_info i = env_info(&x, "priv");
	CHECK_STR(i.phase, "Failed");
	CHECK_STR(i.reason, "PodSecurity");
	CHECK(strstr(i.message, "violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), "
	                        "privileged (container \"app\" must not set securityContext.privileged=true)"));
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: fine\nspec:\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	CHECK_STR(env_info(&x, "fine").phase, "Running");
	env_free(&x);

	REQUIRE(env_init_cfg(&x, NULL, PODLIFE_PSS_RESTRICTED, 0) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r\nspec:\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	i = env_info(&x, "r");
	CHECK_STR(i.reason, "PodSecurity");
	CHECK(strstr(i.message, "allowPrivilegeEscalation != false (container \"app\" must set "
	                        "securityContext.allowPrivilegeEscalation=false)"));
	CHECK(strstr(i.message, "unrestricted capabilities"));
	CHECK(strstr(i.message, "runAsNonRoot != true"));
	CHECK(strstr(i.message, "seccompProfile"));
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n"
	                    "  securityContext:\n    runAsNonRoot: true\n"
	                    "    seccompProfile:\n      type: RuntimeDefault\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "    securityContext:\n      allowPrivilegeEscalation: false\n"
	                    "      capabilities:\n        drop: [\"ALL\"]\n") == 0);
	CHECK_STR(env_info(&x, "ok").phase, "Running");
	env_free(&x);
}

static void test_explain(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:1@1s", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: e\nspec:\n"
	                    "  containers:\n  - name: app\n    image: busybox:1.36\n") == 0);
	env_run(&x, 15 * SEC); /* exits at 1, 2 (restart at once), then 13; back-off 20 s */
	char *s = NULL;
	REQUIRE(podlife_engine_explain(x.e, NULL, "e", "app", &s) == 0);
	CHECK(strstr(s, "container app: waiting (CrashLoopBackOff)"));
	CHECK(strstr(s, "crash-loop back-off: step 2, delay 20s"));
	CHECK(strstr(s, "next restart at t=33s"));
	podlife_free(s);
	REQUIRE(podlife_engine_explain(x.e, NULL, "e", NULL, &s) == 0);
	CHECK(strstr(s, "pod default/e: phase Running"));
	podlife_free(s);
	CHECK_INT(podlife_engine_explain(x.e, NULL, "e", "nope", &s), PODLIFE_ENOTFOUND);
	CHECK_INT(podlife_engine_explain(x.e, NULL, "nope", NULL, &s), PODLIFE_ENOTFOUND);
	env_free(&x);
}

/* Records the pods and container indexes the backend was asked to create. */
typedef struct spy {
	const podlife_backend *inner;
	podlife_backend be;
	const podlife_pod *pod[8];
	int kind[8];
	size_t index[8];
	size_t n;
} spy;

static spy *g_spy;

static int spy_create(void *ud, const podlife_container_config *cfg, podlife_result *r)
{
	spy *s = g_spy;
	if (s->n < 8) {
		s->pod[s->n] = cfg->pod;
		s->kind[s->n] = cfg->kind;
		s->index[s->n] = cfg->index;
		s->n++;
	}
	return s->inner->container_create(ud, cfg, r);
}

/* The walkthrough: an init container writes into an emptyDir the app
 * serves.  The engine runs the init container to completion first and
 * hands the backend the same pod (the same volume) for both. */
static void test_emptydir_shared_init_and_app(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	spy s;
	memset(&s, 0, sizeof s);
	s.inner = podlife_fake_backend(x.f);
	s.be = *s.inner;
	s.be.container_create = spy_create;
	g_spy = &s;
	podlife_engine_free(x.e);
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = &s.be;
	cfg.clock = podlife_simclock_clock(x.sc);
	cfg.on_event = env_on_event;
	cfg.event_ud = &x;
	REQUIRE(podlife_engine_new(&cfg, &x.e) == 0);
	podlife_fake_attach(x.f, x.e);
	REQUIRE(podlife_fake_behave(x.f, "install", "exit:0@3s", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: init-demo\nspec:\n"
	                    "  volumes:\n  - name: workdir\n    emptyDir: {}\n"
	                    "  initContainers:\n  - name: install\n    image: busybox:1.36\n"
	                    "    command: [wget, -O, /work-dir/index.html, http://info.cern.ch]\n"
	                    "    volumeMounts:\n    - name: workdir\n      mountPath: /work-dir\n"
	                    "  containers:\n  - name: nginx\n    image: nginx:1.25\n"
	                    "    volumeMounts:\n    - name: workdir\n      mountPath: /usr/share/nginx/html\n") == 0);
	CHECK_STR(env_info(&x, "init-demo").status, "Init:0/1");
	env_run(&x, 10 * SEC);
	CHECK_STR(env_info(&x, "init-demo").status, "Running");
	REQUIRE(s.n == 2);
	CHECK_INT(s.kind[0], PODLIFE_CONTAINER_INIT);
	CHECK_INT(s.kind[1], PODLIFE_CONTAINER_REGULAR);
	CHECK(s.pod[0] == s.pod[1]);
	const char *v1 = NULL, *v2 = NULL, *kind = NULL;
	CHECK_INT(podlife_pod_get_string(s.pod[0], "spec.initContainers[0].volumeMounts[0].name", &v1), 0);
	CHECK_INT(podlife_pod_get_string(s.pod[1], "spec.containers[0].volumeMounts[0].name", &v2), 0);
	CHECK_STR(v1, "workdir");
	CHECK_STR(v2, "workdir");
	podlife_value_type t;
	CHECK_INT(podlife_pod_get_type(s.pod[0], "spec.volumes[0].emptyDir", &t), 0);
	CHECK_INT(t, PODLIFE_VALUE_OBJECT);
	(void)kind;
	int64_t st[2];
	CHECK_INT(env_times(&x, "Started", "nginx", st, 2), 1);
	CHECK_INT(st[0], 3 * SEC); /* after the init container exited */
	env_free(&x);
}

static void test_restart_rules_and_backoff_knobs(void)
{
	env x;
	REQUIRE(env_init_cfg(&x, NULL, PODLIFE_PSS_NONE, PODLIFE_ENGINE_RESTART_RULES) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:42@1s,exit:3@1s", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: rr\nspec:\n"
	                    "  restartPolicy: Never\n"
	                    "  containers:\n  - name: app\n    image: busybox:1.36\n"
	                    "    restartPolicy: Never\n"
	                    "    restartPolicyRules:\n    - action: Restart\n"
	                    "      exitCodes:\n        operator: In\n        values: [42]\n") == 0);
	env_run(&x, 5 * MIN);
	podlife_pod_info i = env_info(&x, "rr");
	CHECK_INT(i.restarts, 1); /* 42 restarts, 3 does not */
	CHECK_STR(i.phase, "Failed");
	env_free(&x);

	/* KEP-4603: initial 1 s, max 60 s */
	memset(&x, 0, sizeof x);
	REQUIRE(podlife_simclock_new(0, 0, NULL, &x.sc) == 0);
	REQUIRE(podlife_fake_new(podlife_simclock_clock(x.sc), NULL, &x.f) == 0);
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = podlife_fake_backend(x.f);
	cfg.clock = podlife_simclock_clock(x.sc);
	cfg.on_event = env_on_event;
	cfg.event_ud = &x;
	cfg.crashloop_initial_ms = 1000;
	cfg.crashloop_max_ms = 60000;
	REQUIRE(podlife_engine_new(&cfg, &x.e) == 0);
	podlife_fake_attach(x.f, x.e);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:1", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: k\nspec:\n"
	                    "  containers:\n  - name: app\n    image: busybox:1.36\n") == 0);
	env_run(&x, 5 * MIN);
	int64_t t[16];
	size_t n = env_times(&x, "Started", "app", t, 16);
	REQUIRE(n >= 10);
	int64_t want[] = {0, 0, 1, 3, 7, 15, 31, 63, 123, 183};
	for (size_t k = 0; k < 10; k++)
		CHECK_INT(t[k], want[k] * SEC);
	env_free(&x);
}

static void test_steps_and_clock(void)
{
	podlife_fake_step *st = NULL;
	size_t n = 0;
	CHECK_INT(podlife_fake_steps_parse("exit:1@30s,run,hang,oom@1m,exit:0", &st, &n, NULL), 0);
	REQUIRE(n == 5);
	CHECK_INT(st[0].action, PODLIFE_FAKE_EXIT);
	CHECK_INT(st[0].exit_code, 1);
	CHECK_INT(st[0].duration_ms, 30000);
	CHECK_INT(st[1].action, PODLIFE_FAKE_RUN);
	CHECK_INT(st[2].action, PODLIFE_FAKE_HANG);
	CHECK_INT(st[3].action, PODLIFE_FAKE_OOM);
	CHECK_INT(st[3].duration_ms, 60000);
	CHECK_INT(st[4].duration_ms, 0);
	podlife_free(st);
	podlife_error *err = NULL;
	CHECK_INT(podlife_fake_steps_parse("exit:1@30s,jump", &st, &n, &err), PODLIFE_EINVAL);
	REQUIRE(err);
	CHECK(strstr(podlife_error_message(err), "\"jump\""));
	podlife_error_free(err);
	CHECK_INT(podlife_fake_steps_parse("exit:x", &st, &n, NULL), PODLIFE_EINVAL);
	CHECK_INT(podlife_fake_steps_parse("run@5s", &st, &n, NULL), PODLIFE_EINVAL);
	CHECK_INT(podlife_fake_steps_parse("", &st, &n, NULL), PODLIFE_EINVAL);
	int64_t ms = 0;
	CHECK_INT(podlife_duration_parse("1h30m", &ms), 0);
	CHECK_INT(ms, 5400000);
	CHECK_INT(podlife_duration_parse("90", &ms), 0);
	CHECK_INT(ms, 90000);
	CHECK_INT(podlife_duration_parse("250ms", &ms), 0);
	CHECK_INT(ms, 250);
	CHECK_INT(podlife_duration_parse("1.5s", &ms), 0);
	CHECK_INT(ms, 1500);
	CHECK_INT(podlife_duration_parse("5x", &ms), PODLIFE_EINVAL);
	CHECK_INT(podlife_duration_parse("-5s", &ms), PODLIFE_EINVAL);

	podlife_simclock *sc;
	REQUIRE(podlife_simclock_new(100, 0, NULL, &sc) == 0);
	const podlife_clock *c = podlife_simclock_clock(sc);
	CHECK_INT(c->now_ms(c->ud), 100);
	CHECK_INT(podlife_simclock_advance(sc, 50), 0);
	CHECK_INT(podlife_simclock_now(sc), 150);
	CHECK_INT(podlife_simclock_set(sc, 10), PODLIFE_ESTATE);
	CHECK_INT(podlife_simclock_advance(sc, -1), PODLIFE_EINVAL);
	CHECK_INT(c->wall_ms(c->ud) - c->now_ms(c->ud), 1767225600000LL - 100);
	podlife_simclock_free(sc);
	const podlife_clock *r = podlife_clock_real();
	int64_t a = r->now_ms(r->ud), b = r->now_ms(r->ud);
	CHECK(b >= a);
}

static void test_bad_arguments(void)
{
	podlife_engine *e = NULL;
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	CHECK_INT(podlife_engine_new(&cfg, &e), PODLIFE_EINVAL); /* no backend */
	podlife_backend be = PODLIFE_BACKEND_INIT;
	be.version = 99;
	cfg.backend = &be;
	CHECK_INT(podlife_engine_new(&cfg, &e), PODLIFE_EVERSION);
	cfg.version = 7;
	CHECK_INT(podlife_engine_new(&cfg, &e), PODLIFE_EVERSION);
	CHECK(e == NULL);
	env x;
	REQUIRE(env_init(&x) == 0);
	CHECK_INT(podlife_engine_delete_pod(x.e, NULL, "none", -1), PODLIFE_ENOTFOUND);
	CHECK_INT(podlife_engine_remove_pod(x.e, NULL, "none"), PODLIFE_ENOTFOUND);
	podlife_exit ex = PODLIFE_EXIT_INIT;
	CHECK_INT(podlife_engine_notify_exited(x.e, 12345, &ex), PODLIFE_ENOTFOUND);
	CHECK_INT(podlife_engine_notify_pull(x.e, (uint64_t)1 << 40, 0, NULL), PODLIFE_ENOTFOUND);
	podlife_pod_info i = {0};
	CHECK_INT(podlife_engine_pod_info(x.e, NULL, "none", &i), PODLIFE_EVERSION);
	CHECK_INT(podlife_engine_next_deadline(x.e), INT64_MAX);
	env_free(&x);
}

static const char PRESET[] =
        "apiVersion: settings.k8s.io/v1alpha1\nkind: PodPreset\nmetadata:\n  name: allow-database\n"
        "  resourceVersion: \"42\"\nspec:\n  selector:\n    matchLabels:\n      role: frontend\n"
        "  env:\n  - name: DB_PORT\n    value: \"6379\"\n"
        "  volumeMounts:\n  - mountPath: /cache\n    name: cache-volume\n"
        "  volumes:\n  - name: cache-volume\n    emptyDir: {}\n";

static void test_pod_presets(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	podlife_error *err = NULL;
	CHECK_INT(podlife_engine_add_preset(x.e, "kind: Pod\n", 10, &err), PODLIFE_EINVALID);
	podlife_error_free(err);
	REQUIRE(podlife_engine_add_preset(x.e, PRESET, sizeof PRESET - 1, NULL) == 0);
	/* matching pod: merged, annotated; the backend sees the merged spec */
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: website\n"
	                    "  labels:\n    role: frontend\nspec:\n"
	                    "  containers:\n  - name: website\n    image: nginx:1.25\n"
	                    "    env:\n    - name: MODE\n      value: prod\n") == 0);
	char *snap = NULL;
	REQUIRE(podlife_engine_snapshot(x.e, &snap) == 0);
	CHECK(strstr(snap, "\"podpreset.admission.kubernetes.io/podpreset-allow-database\":\"42\""));
	CHECK(strstr(snap, "\"DB_PORT\""));
	CHECK(strstr(snap, "\"mountPath\":\"/cache\""));
	CHECK(strstr(snap, "\"cache-volume\""));
	podlife_free(snap);
	CHECK_STR(env_info(&x, "website").phase, "Running");
	/* an update sent as written (without the preset) is accepted */
	CHECK_INT(podlife_engine_update_pod(x.e, env_pod(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: website\n"
	                                                    "  labels:\n    role: frontend\nspec:\n"
	                                                    "  containers:\n  - name: website\n    image: nginx:1.26\n"
	                                                    "    env:\n    - name: MODE\n      value: prod\n"),
	                                    NULL),
	          PODLIFE_OK);
	/* conflict: unchanged, with an event */
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: clash\n"
	                    "  labels:\n    role: frontend\nspec:\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "    env:\n    - name: DB_PORT\n      value: \"5432\"\n") == 0);
	const ev_rec *c = env_last(&x, "PodPresetConflict");
	REQUIRE(c);
	CHECK_STR(c->type, "Warning");
	CHECK_STR(c->message, "conflict occurred while applying podpresets: allow-database on pod: clash "
	                      "err: merging env for container app has a conflict on DB_PORT");
	CHECK_STR(env_info(&x, "clash").phase, "Running");
	/* not selected: unchanged, no event */
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: other\nspec:\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n") == 0);
	CHECK_INT(env_count(&x, "PodPresetConflict", NULL), 1);
	env_free(&x);
}

/* Credentials reach image_pull: the pod's imagePullSecrets first. */
static size_t g_auth_n;
static char g_auth_user[64];
static const podlife_backend *g_inner;

static int spy_pull(void *ud, const char *image, const podlife_auth *auth, size_t n_auth,
                    uint64_t token, podlife_result *r)
{
	g_auth_n = n_auth;
	if (n_auth)
		snprintf(g_auth_user, sizeof g_auth_user, "%s", auth[0].username);
	return g_inner->image_pull(ud, image, auth, n_auth, token, r);
}

static void test_pull_secrets(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	podlife_backend be = *podlife_fake_backend(x.f);
	g_inner = podlife_fake_backend(x.f);
	be.image_pull = spy_pull;
	podlife_engine_free(x.e);
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = &be;
	cfg.clock = podlife_simclock_clock(x.sc);
	REQUIRE(podlife_engine_new(&cfg, &x.e) == 0);
	podlife_fake_attach(x.f, x.e);
	/* {"auths":{"registry.example":{"username":"robot","password":"s3cret"}}} */
	static const char secret[] =
	        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n"
	        "type: kubernetes.io/dockerconfigjson\nstringData:\n"
	        "  .dockerconfigjson: '{\"auths\":{\"registry.example\":{\"username\":\"robot\","
	        "\"password\":\"s3cret\"}}}'\n";
	REQUIRE(podlife_engine_add_pull_secret(x.e, secret, sizeof secret - 1) == 0);
	REQUIRE(podlife_fake_image_missing(x.f, "registry.example/team/app:1") == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: priv\nspec:\n"
	                    "  imagePullSecrets:\n  - name: regcred\n"
	                    "  containers:\n  - name: app\n    image: registry.example/team/app:1\n") == 0);
	CHECK_INT(g_auth_n, 1);
	CHECK_STR(g_auth_user, "robot");
	CHECK_STR(env_info(&x, "priv").phase, "Running");
	env_free(&x);
}

static void test_sidecar_stopped_after_main(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "main", "hang", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sc\nspec:\n"
	                    "  terminationGracePeriodSeconds: 20\n"
	                    "  initContainers:\n  - name: log\n    image: fluent:1\n    restartPolicy: Always\n"
	                    "  - name: proxy\n    image: envoy:1\n    restartPolicy: Always\n"
	                    "  containers:\n  - name: main\n    image: app:1\n") == 0);
	env_run(&x, 5 * SEC);
	CHECK_STR(env_info(&x, "sc").ready, "3/3");
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "sc", -1) == 0);
	podlife_fake_stats st;
	podlife_fake_get_stats(x.f, &st);
	CHECK_INT(st.stops, 1); /* only main; sidecars wait for it */
	env_run(&x, 24 * SEC);  /* main killed at 25 s (20 s grace) */
	podlife_fake_get_stats(x.f, &st);
	CHECK_INT(st.stops, 1);
	CHECK_STR(env_ctr(&x, "sc", "proxy").state, "running");
	env_run(&x, 26 * SEC);
	/* grace used up: the sidecars get their 2 s floor, proxy then log */
	CHECK_STR(env_ctr(&x, "sc", "main").state, "terminated");
	CHECK_INT(env_info(&x, "sc").finished, 1);
	env_free(&x);
}

static void test_hook_failures(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	podlife_fake_hook_result(x.f, 1, 500);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hk\nspec:\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "    ports:\n    - name: http\n      containerPort: 8080\n"
	                    "    lifecycle:\n      preStop:\n        httpGet:\n          path: /quit\n"
	                    "          port: http\n") == 0);
	env_run(&x, 5 * SEC);
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "hk", -1) == 0);
	env_run(&x, 10 * SEC);
	CHECK_INT(env_count(&x, "FailedPreStopHook", "app"), 1);
	CHECK_STR(env_last(&x, "FailedPreStopHook")->message, "PreStopHook failed");
	CHECK_INT(env_info(&x, "hk").finished, 1); /* termination goes on */
	env_free(&x);

	/* postStart httpGet answering 500 kills the container; Always restarts it */
	REQUIRE(env_init(&x) == 0);
	podlife_fake_hook_result(x.f, 0, 500);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ps\nspec:\n"
	                    "  containers:\n  - name: app\n    image: nginx:1.25\n"
	                    "    lifecycle:\n      postStart:\n        httpGet:\n          path: /ready\n"
	                    "          port: 8080\n") == 0);
	env_run(&x, 1 * SEC);
	CHECK(env_count(&x, "FailedPostStartHook", "app") >= 1);
	podlife_fake_hook_result(x.f, 0, 200);
	env_run(&x, 60 * SEC);
	podlife_container_info c = env_ctr(&x, "ps", "app");
	CHECK_STR(c.state, "running");
	CHECK(c.restart_count >= 1);
	env_free(&x);
}

/* A lost sandbox reruns every init container (Always); Never ends the pod. */
static void test_sandbox_lost(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "init", "exit:0", NULL) == 0);
	REQUIRE(podlife_engine_add_pod(x.e, pod_v(&x, "Always", "", "busybox:1.36", "nginx:1.25", 80)) ==
	        0);
	env_run(&x, 10 * SEC);
	REQUIRE(podlife_fake_lose_sandbox(x.f, NULL, "u") == 0);
	CHECK_INT(env_count(&x, "SandboxChanged", NULL), 1);
	env_run(&x, 20 * SEC);
	CHECK_INT(env_count(&x, "Started", "init"), 2);
	podlife_container_info c = env_ctr(&x, "u", "app");
	CHECK_STR(c.state, "running");
	CHECK_INT(c.restart_count, 1);
	CHECK_STR(c.last_reason, "ContainerStatusUnknown");
	CHECK_INT(c.last_exit_code, 137);
	podlife_fake_stats st;
	podlife_fake_get_stats(x.f, &st);
	CHECK_INT(st.live_sandboxes, 1);
	env_free(&x);

	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_behave(x.f, "init", "exit:0", NULL) == 0);
	REQUIRE(podlife_engine_add_pod(x.e, pod_v(&x, "Never", "", "busybox:1.36", "nginx:1.25", 80)) ==
	        0);
	env_run(&x, 10 * SEC);
	REQUIRE(podlife_fake_lose_sandbox(x.f, NULL, "u") == 0);
	env_run(&x, 20 * SEC);
	podlife_pod_info i = env_info(&x, "u");
	CHECK_STR(i.phase, "Failed");
	CHECK_INT(i.finished, 1);
	CHECK_INT(env_count(&x, "Started", "init"), 1);
	env_free(&x);
}

static void test_describe_events(void)
{
	env x;
	REQUIRE(env_init_cfg(&x, NULL, PODLIFE_PSS_NONE, PODLIFE_ENGINE_KEEP_EVENTS) == 0);
	REQUIRE(podlife_fake_behave(x.f, "app", "exit:1@1s", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: dv\nspec:\n"
	                    "  containers:\n  - name: app\n    image: busybox:1.36\n") == 0);
	env_run(&x, 5 * MIN);
	char *s = NULL;
	REQUIRE(podlife_engine_describe_events(x.e, NULL, "dv", &s) == 0);
	CHECK(strncmp(s, "Events:\n", 8) == 0);
	CHECK(strstr(s, "Warning  BackOff") != NULL);
	CHECK(strstr(s, "Back-off restarting failed container app in pod dv_default(") != NULL);
	CHECK(strstr(s, "Started container app") != NULL);
	CHECK(strstr(s, " over ") != NULL); /* counted: "(x7 over 5m)" */
	podlife_free(s);
	env_free(&x);
	REQUIRE(env_init(&x) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: dv\nspec:\n"
	                    "  containers:\n  - name: app\n    image: busybox:1.36\n") == 0);
	CHECK_INT(podlife_engine_describe_events(x.e, NULL, "dv", &s), PODLIFE_ESTATE);
	env_free(&x);
}

int main(void)
{
	RUN(test_update_rules);
	RUN(test_update_image_under_never_and_init_restart);
	RUN(test_snapshot_restore_adopts);
	RUN(test_restore_unknown_then_recovers);
	RUN(test_restore_bad_json);
	RUN(test_pod_security);
	RUN(test_explain);
	RUN(test_emptydir_shared_init_and_app);
	RUN(test_restart_rules_and_backoff_knobs);
	RUN(test_steps_and_clock);
	RUN(test_bad_arguments);
	RUN(test_pod_presets);
	RUN(test_pull_secrets);
	RUN(test_sidecar_stopped_after_main);
	RUN(test_hook_failures);
	RUN(test_sandbox_lost);
	RUN(test_describe_events);
	DONE();
}
