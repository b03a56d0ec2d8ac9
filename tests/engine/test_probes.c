/*
 * tests/engine/test_probes.c - the prober workers' rules on the simulated
 * clock (pkg/kubelet/prober/worker.go doProbe, prober_manager.go,
 * kuberuntime computePodActions / computeInitContainerActions): first run
 * and period, initialDelaySeconds, thresholds as runs of results, initial
 * values, startup gating, errors leaving the result alone, timeouts as
 * failures, liveness and startup kills with their messages and grace
 * periods, sidecar startup holding the next init container, termination
 * stopping liveness and startup but not readiness, a terminal pod
 * stopping its workers, the host's probe slots (pending runs, late
 * answers, named ports), exec probes through exec_sync, and many probes
 * on one timer heap.  Every expected time is exact.
 */
#include "engine_env.h"

/* A pod with one container `app` and the given probe lines. */
static int add_app(env *x, const char *policy, const char *behave, const char *probes)
{
	char y[4096];
	snprintf(y, sizeof y,
	         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  uid: u-1\nspec:\n"
	         "  restartPolicy: %s\n  terminationGracePeriodSeconds: 30\n"
	         "  containers:\n  - name: app\n    image: app:1\n"
	         "    ports:\n    - name: http\n      containerPort: 8080\n"
	         "    env:\n    - name: GREETING\n      value: hello\n"
	         "%s",
	         policy, probes);
	if (behave && podlife_fake_behave(x->f, "app", behave, NULL))
		return -1;
	return env_add(x, y);
}

static const char *ready_at(env *x, int64_t t)
{
	static char buf[24];
	env_run(x, t);
	podlife_pod_info i = env_info(x, "p");
	snprintf(buf, sizeof buf, "%s", i.ready);
	return buf;
}

/* worker.go: readiness starts as Failure; the first run is at container
 * start (UpdatePodStatus's manual trigger), then every period;
 * failureThreshold failures in a row are needed to turn it back, and a
 * container that turns not ready is probed again at once (the trigger). */
static void test_readiness_thresholds(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_READINESS,
	                           "fail,ok,fail,fail,fail,fail,ok", NULL) == 0);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    readinessProbe:\n      httpGet: {path: /ready, port: http}\n"
	                "      periodSeconds: 10\n      failureThreshold: 3\n") == 0);
	CHECK_STR(ready_at(&x, 0), "0/1");
	podlife_container_info ci = env_ctr(&x, "p", "app");
	CHECK_INT(ci.started, 1);
	CHECK_INT(ci.ready, 0);
	CHECK_STR(ready_at(&x, 9 * SEC), "0/1");
	CHECK_STR(ready_at(&x, 10 * SEC), "1/1");
	CHECK_STR(ready_at(&x, 30 * SEC), "1/1"); /* two failures: below the threshold */
	CHECK_STR(ready_at(&x, 40 * SEC), "0/1");
	CHECK_STR(ready_at(&x, 49 * SEC), "0/1");
	CHECK_STR(ready_at(&x, 50 * SEC), "1/1");
	int64_t t[8];
	size_t n = env_times(&x, "Unhealthy", "app", t, 8);
	CHECK_INT(n, 5);
	if (n == 5) {
		CHECK_INT(t[0], 0);
		CHECK_INT(t[1], 20 * SEC);
		CHECK_INT(t[3], 40 * SEC);
		CHECK_INT(t[4], 40 * SEC); /* the manual trigger after turning not ready */
	}
	const ev_rec *ev = env_last(&x, "Unhealthy");
	REQUIRE(ev);
	CHECK_STR(ev->type, "Warning");
	CHECK_STR(ev->message, "Readiness probe failed: HTTP probe failed with statuscode: 500");
	/* the pod's Ready condition follows */
	char *js = NULL;
	REQUIRE(podlife_engine_status_json(x.e, NULL, "p", &js) == 0);
	CHECK(strstr(js, "\"type\": \"Ready\", \"status\": \"True\"") ||
	      strstr(js, "\"type\":\"Ready\",\"status\":\"True\""));
	podlife_free(js);
	char *ex = NULL;
	REQUIRE(podlife_engine_explain(x.e, NULL, "p", "app", &ex) == 0);
	CHECK(strstr(ex, "  readiness probe (httpGet, every 10s): Success; last 1 result succeeded "
	                 "(1 in a row turn it); next at t=60s\n") != NULL);
	podlife_free(ex);
	env_free(&x);
}

/* successThreshold: that many successes in a row (TestSuccessThreshold). */
static void test_success_threshold(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_READINESS, "ok,ok,fail,ok,ok,ok", NULL) == 0);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    readinessProbe:\n      tcpSocket: {port: 8080}\n"
	                "      periodSeconds: 5\n      successThreshold: 3\n      failureThreshold: 1\n") == 0);
	CHECK_STR(ready_at(&x, 5 * SEC), "0/1");   /* ok, ok */
	CHECK_STR(ready_at(&x, 10 * SEC), "0/1");  /* fail */
	CHECK_STR(ready_at(&x, 20 * SEC), "0/1");  /* ok, ok */
	CHECK_STR(ready_at(&x, 25 * SEC), "1/1");  /* third ok */
	const ev_rec *ev = env_last(&x, "Unhealthy");
	REQUIRE(ev);
	CHECK_STR(ev->message, "Readiness probe failed: dial tcp 10.88.0.2:8080: connect: connection refused");
	env_free(&x);
}

/* initialDelaySeconds gates each tick (truncated seconds since the
 * start); liveness kills after failureThreshold failures with
 * "failed liveness probe, will be restarted"; the restart follows the
 * crash-loop back-off. */
static void test_liveness_delay_kill_backoff(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_LIVENESS, "fail", NULL) == 0);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    livenessProbe:\n      exec: {command: [cat, /tmp/healthy]}\n"
	                "      initialDelaySeconds: 15\n      periodSeconds: 10\n"
	                "      failureThreshold: 2\n") == 0);
	env_run(&x, 100 * SEC);
	int64_t t[8];
	size_t n = env_times(&x, "Unhealthy", "app", t, 8);
	/* ticks 10 (delay), 20, 30 | restart at 30: 40 (delay), 50, 60 | 70: 80 (delay), 90, 100 */
	CHECK_INT(n, 6);
	if (n == 6) {
		CHECK_INT(t[0], 20 * SEC);
		CHECK_INT(t[1], 30 * SEC);
		CHECK_INT(t[2], 50 * SEC);
		CHECK_INT(t[4], 90 * SEC);
	}
	n = env_times(&x, "Killing", "app", t, 8);
	CHECK_INT(n, 3);
	if (n >= 2) {
		CHECK_INT(t[0], 30 * SEC);
		CHECK_INT(t[1], 60 * SEC);
	}
	CHECK_STR(env_last_msg(&x, "Killing"), "Container app failed liveness probe, will be restarted");
	CHECK_STR(env_last_msg(&x, "Unhealthy"), "Liveness probe failed: ");
	n = env_times(&x, "Started", "app", t, 8);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(t[1], 30 * SEC);  /* first restart at once */
		CHECK_INT(t[2], 70 * SEC);  /* then 10 s of back-off */
	}
	CHECK_INT(env_ctr(&x, "p", "app").restart_count, 2);
	env_free(&x);
}

/* restartPolicy Never: no ", will be restarted"; the probe's
 * terminationGracePeriodSeconds bounds the kill (setTerminationGracePeriod). */
static void test_liveness_never_probe_grace(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_LIVENESS, "fail", NULL) == 0);
	REQUIRE(add_app(&x, "Never", "hang",
	                "    livenessProbe:\n      httpGet: {path: /healthz, port: 8080}\n"
	                "      periodSeconds: 10\n      failureThreshold: 1\n"
	                "      terminationGracePeriodSeconds: 5\n") == 0);
	env_run(&x, 14 * SEC);
	CHECK_STR(env_last_msg(&x, "Killing"), "Container app failed liveness probe");
	CHECK_STR(env_ctr(&x, "p", "app").state, "running");
	env_run(&x, 15 * SEC); /* SIGKILL after the probe's 5 s, not the pod's 30 s */
	podlife_container_info ci = env_ctr(&x, "p", "app");
	CHECK_STR(ci.state, "terminated");
	CHECK_INT(ci.exit_code, 137);
	env_run(&x, 60 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Failed");
	CHECK_INT(env_count(&x, "Started", "app"), 1);
	env_free(&x);
}

/* The startup probe holds liveness and readiness; started turns true on
 * its success, readiness then runs at once. */
static void test_startup_gates(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_STARTUP, "fail,fail,ok", NULL) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_LIVENESS, "fail", NULL) == 0);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    startupProbe:\n      tcpSocket: {port: http}\n"
	                "      periodSeconds: 5\n      failureThreshold: 3\n"
	                "    livenessProbe:\n      tcpSocket: {port: http}\n"
	                "      periodSeconds: 10\n      failureThreshold: 1\n"
	                "    readinessProbe:\n      tcpSocket: {port: http}\n      periodSeconds: 60\n") == 0);
	env_run(&x, 14 * SEC);
	podlife_container_info ci = env_ctr(&x, "p", "app");
	CHECK_INT(ci.started, 0);
	CHECK_INT(ci.ready, 0);
	CHECK_INT(env_count(&x, "Unhealthy", "app"), 2); /* startup at 5 and 10 */
	env_run(&x, 15 * SEC);
	ci = env_ctr(&x, "p", "app");
	CHECK_INT(ci.started, 1);
	CHECK_INT(ci.ready, 1);
	CHECK_INT(env_count(&x, "Killing", "app"), 0);
	env_run(&x, 20 * SEC); /* liveness may run now: its first tick after the start */
	int64_t t[4];
	CHECK_INT(env_times(&x, "Killing", "app", t, 4), 1);
	CHECK_INT(t[0], 20 * SEC);
	env_free(&x);
}

/* A startup failure past the threshold kills the container. */
static void test_startup_failure_kills(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_STARTUP, "fail", NULL) == 0);
	REQUIRE(add_app(&x, "OnFailure", NULL,
	                "    startupProbe:\n      grpc: {port: 9000}\n"
	                "      periodSeconds: 5\n      failureThreshold: 2\n") == 0);
	env_run(&x, 10 * SEC);
	int64_t t[4];
	CHECK_INT(env_times(&x, "Killing", "app", t, 4), 1);
	CHECK_INT(t[0], 10 * SEC);
	CHECK_STR(env_last_msg(&x, "Killing"), "Container app failed startup probe, will be restarted");
	CHECK_STR(env_last_msg(&x, "Unhealthy"),
	          "Startup probe failed: service unhealthy (responded with \"NOT_SERVING\")");
	env_free(&x);
}

/* A probe that errors is retried (maxProbeRetries) and then thrown away:
 * the cached result stays; one Unhealthy "errored" event. */
static void test_error_leaves_result(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_READINESS,
	                           "ok,error,error,error,error,error,error,fail", NULL) == 0);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    readinessProbe:\n      httpGet: {port: 8080}\n"
	                "      periodSeconds: 10\n      failureThreshold: 1\n") == 0);
	CHECK_STR(ready_at(&x, 0), "1/1");
	CHECK_STR(ready_at(&x, 25 * SEC), "1/1"); /* 10 and 20: errors, three tries each */
	CHECK_INT(env_count(&x, "Unhealthy", "app"), 2);
	CHECK_STR(env_last_msg(&x, "Unhealthy"),
	          "Readiness probe errored and resulted in unknown state: fake probe error");
	CHECK_STR(ready_at(&x, 30 * SEC), "0/1");
	env_free(&x);
}

/* A run that does not answer within timeoutSeconds is a failure. */
static void test_timeout_is_failure(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_READINESS, "ok,timeout,fail,ok", NULL) == 0);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    readinessProbe:\n      httpGet: {path: /r, port: 8080}\n"
	                "      periodSeconds: 10\n      timeoutSeconds: 3\n      failureThreshold: 1\n") == 0);
	CHECK_STR(ready_at(&x, 12 * SEC), "1/1");
	CHECK_STR(ready_at(&x, 13 * SEC), "0/1");
	CHECK_INT(env_count(&x, "Unhealthy", "app"), 2); /* the timeout, then the manual run */
	CHECK_STR(x.ev[x.n_ev - 2].message,
	          "Readiness probe failed: Get \"http://10.88.0.2:8080/r\": context deadline exceeded "
	          "(Client.Timeout exceeded while awaiting headers)");
	CHECK_STR(ready_at(&x, 22 * SEC), "0/1"); /* the ticker restarted at 13 */
	CHECK_STR(ready_at(&x, 23 * SEC), "1/1");
	env_free(&x);
}

/* A sidecar's startup probe holds the next init container. */
static void test_sidecar_startup_holds_init(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "side", PODLIFE_PROBE_STARTUP, "fail,ok", NULL) == 0);
	REQUIRE(podlife_fake_behave(x.f, "setup", "exit:0@2s", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	                    "  initContainers:\n"
	                    "  - name: side\n    image: side:1\n    restartPolicy: Always\n"
	                    "    startupProbe:\n      exec: {command: [ready]}\n      periodSeconds: 5\n"
	                    "  - name: setup\n    image: setup:1\n"
	                    "  containers:\n  - name: app\n    image: app:1\n") == 0);
	env_run(&x, 9 * SEC);
	CHECK_STR(env_info(&x, "p").status, "Init:0/2");
	CHECK_INT(env_count(&x, "Started", "setup"), 0);
	env_run(&x, 30 * SEC);
	int64_t t[4];
	CHECK_INT(env_times(&x, "Started", "setup", t, 4), 1);
	CHECK_INT(t[0], 10 * SEC);
	CHECK_INT(env_times(&x, "Started", "app", t, 4), 1);
	CHECK_INT(t[0], 12 * SEC);
	CHECK_STR(env_info(&x, "p").status, "Running");
	env_free(&x);
}

/* A sidecar failing liveness is restarted with the init message. */
static void test_sidecar_liveness(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "side", PODLIFE_PROBE_LIVENESS, "ok,fail", NULL) == 0);
	REQUIRE(env_add(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
	                    "  restartPolicy: Never\n"
	                    "  initContainers:\n"
	                    "  - name: side\n    image: side:1\n    restartPolicy: Always\n"
	                    "    livenessProbe:\n      exec: {command: [ok]}\n      periodSeconds: 10\n"
	                    "      failureThreshold: 1\n"
	                    "  containers:\n  - name: app\n    image: app:1\n") == 0);
	env_run(&x, 25 * SEC);
	int64_t t[4];
	CHECK_INT(env_times(&x, "Killing", "side", t, 4), 1);
	CHECK_INT(t[0], 20 * SEC);
	CHECK_STR(env_last_msg(&x, "Killing"), "Init container side failed liveness probe");
	CHECK_INT(env_ctr(&x, "p", "side").restart_count, 1);
	CHECK_STR(env_ctr(&x, "p", "side").state, "running");
	env_free(&x);
}

/* Pod termination stops liveness and startup; readiness keeps probing. */
static void test_termination(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_LIVENESS, "fail", NULL) == 0);
	REQUIRE(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_READINESS, "ok,ok,fail", NULL) == 0);
	REQUIRE(add_app(&x, "Always", "hang",
	                "    livenessProbe:\n      exec: {command: [live]}\n      periodSeconds: 10\n"
	                "      failureThreshold: 1\n"
	                "    readinessProbe:\n      exec: {command: [ready]}\n      periodSeconds: 10\n"
	                "      failureThreshold: 1\n") == 0);
	env_run(&x, 5 * SEC);
	REQUIRE(podlife_engine_delete_pod(x.e, NULL, "p", 60) == 0);
	env_run(&x, 45 * SEC);
	CHECK_INT(env_count(&x, "Killing", "app"), 1);
	CHECK_STR(env_last_msg(&x, "Killing"), "Stopping container app");
	/* readiness: 20 (and the manual run), 30, 40; never liveness */
	int64_t t[8];
	CHECK_INT(env_times(&x, "Unhealthy", "app", t, 8), 4);
	CHECK_INT(t[0], 20 * SEC);
	CHECK_INT(t[3], 40 * SEC);
	for (size_t i = 0; i < x.n_ev; i++)
		if (strcmp(x.ev[i].reason, "Unhealthy") == 0)
			CHECK_STR(x.ev[i].message, "Readiness probe failed: ");
	CHECK_STR(env_info(&x, "p").ready, "0/1");
	env_free(&x);
}

/* ---- the host's probe slots ---------------------------------------------------- */

typedef struct host_pb {
	int calls;
	uint64_t tok[16];
	char host[64], container_id[128];
	int port;
	int64_t timeout_ms;
	int answer; /* 0: pending, 1: success now, 2: warning now */
} host_pb;

static int host_tcp(void *ud, const podlife_probe_request *req, uint64_t token,
                    podlife_probe_result *res)
{
	host_pb *h = ud;
	if (h->calls < 16)
		h->tok[h->calls] = token;
	h->calls++;
	snprintf(h->host, sizeof h->host, "%s", req->host);
	snprintf(h->container_id, sizeof h->container_id, "%s", req->container_id);
	h->port = req->port;
	h->timeout_ms = req->timeout_ms;
	if (h->answer == 1) {
		res->outcome = PODLIFE_PROBE_SUCCESS;
		return PODLIFE_OK;
	}
	if (h->answer == 2) {
		res->outcome = PODLIFE_PROBE_WARNING;
		snprintf(res->output, sizeof res->output, "Probe terminated redirects, Response body: x");
		return PODLIFE_OK;
	}
	return PODLIFE_PENDING;
}

/* An env whose tcpSocket probes go to the host slot h (pending by default). */
static int host_env(env *x, host_pb *h, podlife_probe_backend *pb)
{
	memset(h, 0, sizeof *h);
	podlife_probe_backend init = PODLIFE_PROBE_BACKEND_INIT;
	*pb = init;
	pb->ud = h;
	pb->tcp_socket = host_tcp;
	return env_init_with(x, NULL, PODLIFE_PSS_NONE, 0, 1000, true, pb);
}

static void test_host_slot_pending_and_late(void)
{
	host_pb h;
	podlife_probe_backend pb;
	env x;
	REQUIRE(host_env(&x, &h, &pb) == 0);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    readinessProbe:\n      tcpSocket: {port: http}\n"
	                "      periodSeconds: 10\n      timeoutSeconds: 2\n      failureThreshold: 1\n") == 0);
	env_run(&x, 0);
	REQUIRE(h.calls == 1);
	CHECK_STR(h.host, "10.88.0.2");
	CHECK_INT(h.port, 8080);
	CHECK_INT(h.timeout_ms, 2000);
	CHECK(h.container_id[0] != '\0');
	podlife_probe_result r;
	memset(&r, 0, sizeof r);
	r.outcome = PODLIFE_PROBE_SUCCESS;
	CHECK_INT(podlife_engine_notify_probe(x.e, h.tok[0], PODLIFE_OK, &r), PODLIFE_OK);
	CHECK_STR(env_info(&x, "p").ready, "1/1");
	CHECK_INT(podlife_engine_notify_probe(x.e, h.tok[0], PODLIFE_OK, &r), PODLIFE_ENOTFOUND);
	CHECK_INT(podlife_engine_notify_probe(x.e, h.tok[0], PODLIFE_OK, NULL), PODLIFE_EINVAL);
	/* the run at 10 s is never answered: at 12 s it is a failure */
	env_run(&x, 11 * SEC);
	CHECK_INT(h.calls, 2);
	CHECK_STR(env_info(&x, "p").ready, "1/1");
	env_run(&x, 12 * SEC);
	CHECK_STR(env_info(&x, "p").ready, "0/1");
	CHECK_STR(env_last_msg(&x, "Unhealthy"),
	          "Readiness probe failed: dial tcp 10.88.0.2:8080: i/o timeout");
	CHECK_INT(podlife_engine_notify_probe(x.e, h.tok[1], PODLIFE_OK, &r), PODLIFE_ENOTFOUND);
	/* turning not ready ran it again at once (pending until 14 s) and
	 * restarted the ticker: the next run is at 22 s */
	CHECK_INT(h.calls, 3);
	h.answer = 2; /* a warning counts as success, with a ProbeWarning event */
	env_run(&x, 21 * SEC);
	CHECK_STR(env_info(&x, "p").ready, "0/1");
	env_run(&x, 22 * SEC);
	CHECK_INT(h.calls, 4);
	CHECK_STR(env_info(&x, "p").ready, "1/1");
	CHECK_STR(env_last_msg(&x, "ProbeWarning"),
	          "Readiness probe warning: Probe terminated redirects, Response body: x");
	env_free(&x);
}

/* A container replaced while its readiness run is in flight: the manual
 * trigger for the new instance waits for that run, then runs at once
 * (manualTriggerCh), instead of waiting for the next tick. */
static void test_trigger_waits_for_run_in_flight(void)
{
	host_pb h;
	podlife_probe_backend pb;
	env x;
	REQUIRE(host_env(&x, &h, &pb) == 0);
	REQUIRE(add_app(&x, "Always", "exit:1@12s,run",
	                "    readinessProbe:\n      tcpSocket: {port: 8080}\n"
	                "      periodSeconds: 10\n      timeoutSeconds: 5\n") == 0);
	podlife_probe_result ok;
	memset(&ok, 0, sizeof ok);
	ok.outcome = PODLIFE_PROBE_SUCCESS;
	env_run(&x, 0);
	REQUIRE(h.calls == 1);
	CHECK_INT(podlife_engine_notify_probe(x.e, h.tok[0], PODLIFE_OK, &ok), PODLIFE_OK);
	CHECK_STR(env_info(&x, "p").ready, "1/1");
	env_run(&x, 12 * SEC); /* the run of 10 s is in flight when the container restarts */
	CHECK_INT(env_count(&x, "Started", "app"), 2);
	CHECK_STR(env_info(&x, "p").ready, "0/1");
	CHECK_INT(h.calls, 2);
	CHECK_INT(podlife_engine_notify_probe(x.e, h.tok[1], PODLIFE_OK, &ok), PODLIFE_OK);
	CHECK_STR(env_info(&x, "p").ready, "0/1"); /* that answer was for the old container */
	env_run(&x, 12 * SEC);
	CHECK_INT(h.calls, 3); /* the new container's run, at once */
	CHECK_INT(podlife_engine_notify_probe(x.e, h.tok[2], PODLIFE_OK, &ok), PODLIFE_OK);
	CHECK_STR(env_info(&x, "p").ready, "1/1");
	env_free(&x);
}

/* An answer that does not change the cached result syncs nothing, so a
 * container that stays not ready is not probed again at once (the
 * results manager reports changes only). */
static void test_unchanged_answer_no_rerun(void)
{
	host_pb h;
	podlife_probe_backend pb;
	env x;
	REQUIRE(host_env(&x, &h, &pb) == 0);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    readinessProbe:\n      tcpSocket: {port: 8080}\n      periodSeconds: 10\n") == 0);
	env_run(&x, 0);
	REQUIRE(h.calls == 1);
	podlife_probe_result fail;
	memset(&fail, 0, sizeof fail);
	fail.outcome = PODLIFE_PROBE_FAILURE;
	podlife_simclock_set(x.sc, 5);
	CHECK_INT(podlife_engine_notify_probe(x.e, h.tok[0], PODLIFE_OK, &fail), PODLIFE_OK);
	CHECK_INT(h.calls, 1);
	env_run(&x, 9 * SEC);
	CHECK_INT(h.calls, 1);
	env_run(&x, 10 * SEC);
	CHECK_INT(h.calls, 2);
	CHECK_STR(env_info(&x, "p").ready, "0/1");
	env_free(&x);
}

/* A named port the container does not have: a probe error, no run. */
static void test_unknown_port_is_error(void)
{
	host_pb h;
	podlife_probe_backend pb;
	env x;
	REQUIRE(host_env(&x, &h, &pb) == 0);
	h.answer = 1;
	REQUIRE(add_app(&x, "Always", NULL,
	                "    readinessProbe:\n      tcpSocket: {port: metrics}\n"
	                "      periodSeconds: 10\n") == 0);
	env_run(&x, 10 * SEC);
	CHECK_INT(h.calls, 0);
	CHECK_STR(env_last_msg(&x, "Unhealthy"),
	          "Readiness probe errored and resulted in unknown state: port \"metrics\" not found");
	CHECK_STR(env_info(&x, "p").ready, "0/1");
	env_free(&x);
}

/* ---- exec probes through exec_sync ------------------------------------------------ */

typedef struct exec_spy {
	const podlife_backend *inner;
	podlife_backend be;
	int calls;
	int rc;          /* returned instead of the fake's answer when not 0 */
	char argv[4][128];
	int64_t timeout_s;
	uint64_t token;
} exec_spy;

static exec_spy *g_spy;

static int spy_exec(void *ud, const char *id, const char *const *argv, size_t argc, int64_t timeout_s,
                    uint64_t token, podlife_result *r)
{
	exec_spy *s = g_spy;
	s->calls++;
	for (size_t i = 0; i < argc && i < 4; i++)
		snprintf(s->argv[i], sizeof s->argv[i], "%s", argv[i]);
	s->timeout_s = timeout_s;
	s->token = token;
	if (s->rc)
		return s->rc;
	return s->inner->exec_sync(ud, id, argv, argc, timeout_s, token, r);
}

/* An env whose engine runs on the fake behind the exec_sync spy, with the
 * built-in probe handlers. */
static int spy_env(env *x, exec_spy *spy)
{
	if (env_init(x))
		return -1;
	memset(spy, 0, sizeof *spy);
	g_spy = spy;
	spy->inner = podlife_fake_backend(x->f);
	spy->be = *spy->inner;
	spy->be.exec_sync = spy_exec;
	podlife_engine_free(x->e);
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = &spy->be;
	cfg.clock = podlife_simclock_clock(x->sc);
	cfg.on_event = env_on_event;
	cfg.event_ud = x;
	if (podlife_engine_new(&cfg, &x->e))
		return -1;
	podlife_fake_attach(x->f, x->e);
	return 0;
}

static void test_exec_probe_exec_sync(void)
{
	env x;
	exec_spy spy;
	REQUIRE(spy_env(&x, &spy) == 0);
	podlife_fake_hook_result(x.f, 1, 200);
	REQUIRE(add_app(&x, "Always", NULL,
	                "    readinessProbe:\n      exec:\n        command: [sh, -c, "
	                "\"test $(GREETING) = $$x$(NOPE)\"]\n"
	                "      periodSeconds: 10\n      timeoutSeconds: 4\n      failureThreshold: 1\n") == 0);
	env_run(&x, 0);
	CHECK_INT(spy.calls, 1);
	CHECK_STR(spy.argv[0], "sh");
	CHECK_STR(spy.argv[2], "test hello = $x$(NOPE)"); /* static env only */
	CHECK_INT(spy.timeout_s, 4);
	CHECK_STR(env_info(&x, "p").ready, "0/1");
	podlife_fake_hook_result(x.f, 0, 200);
	CHECK_STR(ready_at(&x, 10 * SEC), "1/1");
	spy.rc = PODLIFE_ETIMEDOUT; /* the runtime's exec deadline */
	CHECK_STR(ready_at(&x, 20 * SEC), "0/1");
	CHECK_STR(env_last_msg(&x, "Unhealthy"),
	          "Readiness probe failed: command \"sh -c test $(GREETING) = $$x$(NOPE)\" timed out");
	/* an exec_sync that never answers: the engine's timeout (4 s) */
	spy.rc = PODLIFE_PENDING;
	size_t before = env_count(&x, "Unhealthy", "app");
	podlife_fake_hook_result(x.f, 0, 200);
	env_run(&x, 33 * SEC);
	CHECK_INT(env_count(&x, "Unhealthy", "app"), before); /* the run at 30 s is in flight */
	env_run(&x, 34 * SEC);
	CHECK_INT(env_count(&x, "Unhealthy", "app"), before + 1);
	CHECK_STR(env_last_msg(&x, "Unhealthy"),
	          "Readiness probe failed: command \"sh -c test $(GREETING) = $$x$(NOPE)\" timed out");
	env_free(&x);
}

/* An exec hook answered later fails on any exit code but 0 (runner.Run),
 * not only outside 200-399 as an HTTP status would. */
static void test_exec_hook_exit_code_pending(void)
{
	env x;
	exec_spy spy;
	REQUIRE(spy_env(&x, &spy) == 0);
	spy.rc = PODLIFE_PENDING;
	REQUIRE(add_app(&x, "Always", NULL,
	                "    lifecycle:\n      postStart:\n        exec: {command: [warm-up]}\n") == 0);
	env_run(&x, 0);
	REQUIRE(spy.calls == 1);
	podlife_result r;
	memset(&r, 0, sizeof r);
	r.exit_code = 255;
	CHECK_INT(podlife_engine_notify_exec(x.e, spy.token, PODLIFE_OK, &r), PODLIFE_OK);
	CHECK_INT(env_count(&x, "FailedPostStartHook", "app"), 1);
	CHECK(strstr(env_last_msg(&x, "FailedPostStartHook"), "exited with 255") != NULL);
	env_free(&x);
}

/* ---- workers and the heap ----------------------------------------------------------- */

typedef struct counter {
	long runs;
} counter;

static int count_ok(void *ud, const podlife_probe_request *req, uint64_t token,
                    podlife_probe_result *res)
{
	(void)req;
	(void)token;
	((counter *)ud)->runs++;
	res->outcome = PODLIFE_PROBE_SUCCESS;
	return PODLIFE_OK;
}

/* Many workers on one heap; a pod that ends stops its workers. */
static void test_many_workers_and_terminal(void)
{
	counter cnt = {0};
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.ud = &cnt;
	pb.http_get = count_ok;
	env x;
	REQUIRE(env_init_with(&x, NULL, PODLIFE_PSS_NONE, 0, 1000, true, &pb) == 0);
	podlife_pod *pod = env_pod(&x, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tpl\nspec:\n"
	                               "  containers:\n  - name: app\n    image: app:1\n"
	                               "    readinessProbe:\n      httpGet: {port: 80}\n"
	                               "      periodSeconds: 10\n"
	                               "    livenessProbe:\n      httpGet: {port: 80}\n"
	                               "      periodSeconds: 7\n");
	REQUIRE(pod);
	enum { N = 300 };
	for (int i = 0; i < N; i++) {
		char name[32];
		snprintf(name, sizeof name, "p-%d", i);
		REQUIRE(podlife_engine_add_pod_named(x.e, pod, NULL, name) == 0);
	}
	env_run(&x, 60 * SEC);
	/* readiness: at the start, then 10..60 (7); liveness: 7..56 (8) */
	CHECK_INT(cnt.runs, (long)N * 15);
	podlife_pod_info i = PODLIFE_POD_INFO_INIT;
	REQUIRE(podlife_engine_pod_info(x.e, NULL, "p-299", &i) == 0);
	CHECK_STR(i.ready, "1/1");
	env_free(&x);

	/* a pod that finished: its workers stop */
	cnt.runs = 0;
	REQUIRE(env_init_with(&x, NULL, PODLIFE_PSS_NONE, 0, 1000, true, &pb) == 0);
	REQUIRE(add_app(&x, "Never", "exit:0@25s",
	                "    readinessProbe:\n      httpGet: {port: 80}\n      periodSeconds: 10\n") == 0);
	env_run(&x, 120 * SEC);
	CHECK_STR(env_info(&x, "p").phase, "Succeeded");
	CHECK_INT(cnt.runs, 3); /* 0, 10, 20 */
	CHECK_INT(podlife_engine_next_deadline(x.e) > 120 * SEC, 1);
	env_free(&x);
}

static void test_bad_arguments(void)
{
	env x;
	REQUIRE(env_init(&x) == 0);
	podlife_error *err = NULL;
	CHECK_INT(podlife_fake_probe(x.f, "app", PODLIFE_PROBE_LIVENESS, "ok,maybe", &err), PODLIFE_EINVAL);
	REQUIRE(err);
	CHECK(strstr(podlife_error_message(err), "\"ok,maybe\"") != NULL);
	podlife_error_free(err);
	CHECK_INT(podlife_fake_probe_arg(x.f, "app=ok", &err), PODLIFE_EINVAL);
	podlife_error_free(err);
	CHECK_INT(podlife_fake_probe_arg(x.f, "app.wellness=ok", &err), PODLIFE_EINVAL);
	CHECK(err && strstr(podlife_error_message(err), "liveness, readiness or startup"));
	podlife_error_free(err);
	CHECK_INT(podlife_fake_probe_arg(x.f, "my.app.readiness=ok,fail", NULL), PODLIFE_OK);
	CHECK_INT(podlife_fake_probe(x.f, "app", (podlife_probe_kind)7, "ok", NULL), PODLIFE_EINVAL);
	CHECK_STR(podlife_probe_kind_name(PODLIFE_PROBE_STARTUP), "Startup");
	CHECK(podlife_probe_kind_name((podlife_probe_kind)9) == NULL);
	CHECK_INT(podlife_engine_notify_probe(NULL, 1, 0, NULL), PODLIFE_EINVAL);
	CHECK_INT(podlife_engine_notify_probe(x.e, 12345, PODLIFE_EBACKEND, NULL), PODLIFE_ENOTFOUND);
	/* a probe vtable of an unknown version */
	podlife_probe_backend pb = PODLIFE_PROBE_BACKEND_INIT;
	pb.version = 99;
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = podlife_fake_backend(x.f);
	cfg.probes = &pb;
	podlife_engine *e2 = NULL;
	CHECK_INT(podlife_engine_new(&cfg, &e2), PODLIFE_EVERSION);
	CHECK(e2 == NULL);
	/* a version 2 configuration ignores the probes field */
	cfg.version = 2;
	CHECK_INT(podlife_engine_new(&cfg, &e2), PODLIFE_OK);
	podlife_engine_free(e2);
	env_free(&x);
}

int main(void)
{
	RUN(test_readiness_thresholds);
	RUN(test_success_threshold);
	RUN(test_liveness_delay_kill_backoff);
	RUN(test_liveness_never_probe_grace);
	RUN(test_startup_gates);
	RUN(test_startup_failure_kills);
	RUN(test_error_leaves_result);
	RUN(test_timeout_is_failure);
	RUN(test_sidecar_startup_holds_init);
	RUN(test_sidecar_liveness);
	RUN(test_termination);
	RUN(test_host_slot_pending_and_late);
	RUN(test_trigger_waits_for_run_in_flight);
	RUN(test_unchanged_answer_no_rerun);
	RUN(test_unknown_port_is_error);
	RUN(test_exec_probe_exec_sync);
	RUN(test_exec_hook_exit_code_pending);
	RUN(test_many_workers_and_terminal);
	RUN(test_bad_arguments);
	DONE();
}
