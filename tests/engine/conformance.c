/*
 * tests/engine/conformance.c - the backend conformance program: checks
 * that a podlife_backend keeps the contract written in podlife/backend.h
 * (idempotent stop and remove, ENOTFOUND for unknown ids, exits reported
 * through podlife_engine_notify_exited, sandboxes and images).
 *
 * The backend under test and the way time passes come from a driver
 * (struct driver below).  This build drives the library's fake backend on
 * the simulated clock; a host plugs in its own backend by writing another
 * driver (make_driver) and keeps the checks.
 */
#include <podlife.h>

#include "harness.h"

typedef struct driver {
	const podlife_backend *be;
	podlife_engine *e;
	/* lets `ms` of time pass, delivering the backend's completions */
	void (*advance)(struct driver *d, int64_t ms);
	void (*attach)(struct driver *d, podlife_engine *e);
	const podlife_clock *clock;
	void *ud[2];
} driver;

/* ---- the fake's driver ----------------------------------------------------------- */

static void fake_advance(driver *d, int64_t ms)
{
	podlife_simclock *sc = d->ud[1];
	int64_t until = podlife_simclock_now(sc) + ms;
	if (d->e) {
		podlife_fake_run(d->ud[0], d->e, sc, until, NULL, NULL);
		return;
	}
	podlife_simclock_set(sc, until);
	podlife_fake_advance(d->ud[0], until);
}

static void fake_attach(driver *d, podlife_engine *e)
{
	d->e = e;
	podlife_fake_attach(d->ud[0], e);
}

static int make_driver(driver *d)
{
	podlife_simclock *sc = NULL;
	podlife_fake *f = NULL;
	memset(d, 0, sizeof *d);
	if (podlife_simclock_new(0, 0, NULL, &sc) ||
	    podlife_fake_new(podlife_simclock_clock(sc), NULL, &f))
		return -1;
	d->be = podlife_fake_backend(f);
	d->clock = podlife_simclock_clock(sc);
	d->advance = fake_advance;
	d->attach = fake_attach;
	d->ud[0] = f;
	d->ud[1] = sc;
	return 0;
}

static void free_driver(driver *d)
{
	podlife_engine_free(d->e);
	podlife_fake_free(d->ud[0]);
	podlife_simclock_free(d->ud[1]);
}

/* ---- checks ---------------------------------------------------------------------- */

static driver D;

static void check_version_and_caps(void)
{
	CHECK(D.be->version >= 1 && D.be->version <= PODLIFE_BACKEND_VERSION);
	CHECK_INT(D.be->caps & ~(unsigned int)(PODLIFE_CAP_NO_SANDBOX | PODLIFE_CAP_NO_IMAGES |
	                                       PODLIFE_CAP_NO_EXEC | PODLIFE_CAP_NO_HTTP),
	          0);
	CHECK(D.be->container_create && D.be->container_start && D.be->container_stop &&
	      D.be->container_remove);
	if (!(D.be->caps & PODLIFE_CAP_NO_SANDBOX))
		CHECK(D.be->sandbox_run && D.be->sandbox_stop && D.be->sandbox_remove);
	if (!(D.be->caps & PODLIFE_CAP_NO_IMAGES))
		CHECK(D.be->image_status && D.be->image_pull);
	if (!(D.be->caps & PODLIFE_CAP_NO_EXEC))
		CHECK(D.be->exec_sync != NULL);
}

static void check_sandbox_idempotent(void)
{
	if (D.be->caps & PODLIFE_CAP_NO_SANDBOX)
		return;
	podlife_sandbox_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.pod_name = "conf";
	cfg.pod_namespace = "default";
	cfg.pod_uid = "conf-uid";
	podlife_result r;
	memset(&r, 0, sizeof r);
	int rc = D.be->sandbox_run(D.be->ud, &cfg, 1, &r);
	REQUIRE(rc == PODLIFE_OK); /* this program does not drive PENDING sandboxes */
	CHECK(r.id[0] != 0);
	CHECK_INT(D.be->sandbox_stop(D.be->ud, r.id), PODLIFE_OK);
	CHECK_INT(D.be->sandbox_stop(D.be->ud, r.id), PODLIFE_OK); /* idempotent */
	CHECK_INT(D.be->sandbox_remove(D.be->ud, r.id), PODLIFE_OK);
	rc = D.be->sandbox_remove(D.be->ud, r.id);
	CHECK(rc == PODLIFE_OK || rc == PODLIFE_ENOTFOUND);
	CHECK_INT(D.be->sandbox_stop(D.be->ud, "no-such-sandbox"), PODLIFE_ENOTFOUND);
	CHECK_INT(D.be->sandbox_remove(D.be->ud, "no-such-sandbox"), PODLIFE_ENOTFOUND);
}

static void check_images(void)
{
	if (D.be->caps & PODLIFE_CAP_NO_IMAGES)
		return;
	podlife_result r;
	memset(&r, 0, sizeof r);
	CHECK_INT(D.be->image_status(D.be->ud, "busybox:1.36", &r), PODLIFE_OK);
	CHECK(r.present == 0 || r.present == 1);
	memset(&r, 0, sizeof r);
	int rc = D.be->image_pull(D.be->ud, "busybox:1.36", NULL, 0, 7, &r);
	CHECK(rc == PODLIFE_OK || rc == PODLIFE_PENDING);
	if (rc == PODLIFE_OK)
		CHECK(r.id[0] != 0);
}

static void check_container_not_found(void)
{
	podlife_result r;
	memset(&r, 0, sizeof r);
	CHECK_INT(D.be->container_start(D.be->ud, "no-such-container", &r), PODLIFE_ENOTFOUND);
	CHECK_INT(D.be->container_stop(D.be->ud, "no-such-container", 15, 2), PODLIFE_ENOTFOUND);
	CHECK_INT(D.be->container_remove(D.be->ud, "no-such-container"), PODLIFE_ENOTFOUND);
}

static void check_container_idempotent(void)
{
	podlife_container_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.sandbox_id = "";
	cfg.pod_name = "conf";
	cfg.pod_namespace = "default";
	cfg.pod_uid = "conf-uid";
	cfg.name = "c";
	cfg.image = "busybox:1.36";
	cfg.image_id = "";
	cfg.kind = PODLIFE_CONTAINER_REGULAR;
	cfg.token = 99; /* no engine owns it: its exit report is ignored */
	podlife_result r;
	memset(&r, 0, sizeof r);
	REQUIRE(D.be->container_create(D.be->ud, &cfg, &r) == PODLIFE_OK);
	char id[PODLIFE_ID_MAX];
	memcpy(id, r.id, sizeof id);
	CHECK(id[0] != 0);
	CHECK_INT(D.be->container_start(D.be->ud, id, &r), PODLIFE_OK);
	CHECK_INT(D.be->container_stop(D.be->ud, id, 15, 2), PODLIFE_OK);
	D.advance(&D, 5000);
	CHECK_INT(D.be->container_stop(D.be->ud, id, 15, 2), PODLIFE_OK); /* exited: still OK */
	CHECK_INT(D.be->container_remove(D.be->ud, id), PODLIFE_OK);
	int rc = D.be->container_remove(D.be->ud, id);
	CHECK(rc == PODLIFE_OK || rc == PODLIFE_ENOTFOUND);
	CHECK_INT(D.be->container_stop(D.be->ud, id, 15, 2), PODLIFE_ENOTFOUND);
}

static size_t n_exits_seen;

static void count_events(void *ud, const podlife_event *ev)
{
	(void)ud;
	if (strcmp(ev->reason, "Killing") == 0)
		n_exits_seen++;
}

/* Exits reach the engine: a deleted pod finishes, with exit codes. */
static void check_exit_reporting(void)
{
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = D.be;
	cfg.clock = D.clock;
	cfg.on_event = count_events;
	podlife_engine *e = NULL;
	REQUIRE(podlife_engine_new(&cfg, &e) == 0);
	D.attach(&D, e);
	static const char y[] = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: conf-pod\nspec:\n"
	                        "  terminationGracePeriodSeconds: 3\n"
	                        "  containers:\n  - name: a\n    image: busybox:1.36\n"
	                        "  - name: b\n    image: busybox:1.36\n";
	podlife_pod_list *l = NULL;
	REQUIRE(podlife_pod_parse(y, sizeof y - 1, NULL, &l, NULL) == 0);
	REQUIRE(podlife_engine_add_pod(e, podlife_pod_list_get(l, 0)) == 0);
	D.advance(&D, 10000);
	podlife_pod_info i = PODLIFE_POD_INFO_INIT;
	REQUIRE(podlife_engine_pod_info(e, NULL, "conf-pod", &i) == 0);
	CHECK_STR(i.phase, "Running");
	REQUIRE(podlife_engine_delete_pod(e, NULL, "conf-pod", -1) == 0);
	D.advance(&D, 60000);
	REQUIRE(podlife_engine_pod_info(e, NULL, "conf-pod", &i) == 0);
	CHECK_INT(i.finished, 1);
	CHECK_INT(n_exits_seen, 2);
	podlife_container_info c = PODLIFE_CONTAINER_INFO_INIT;
	REQUIRE(podlife_engine_container_info(e, NULL, "conf-pod", "a", &c) == 0);
	CHECK_STR(c.state, "terminated");
	podlife_pod_list_free(l);
}

static size_t n_listed, n_bad;

static void list_cb(void *ud, const podlife_container_entry *en)
{
	(void)ud;
	n_listed++;
	if (!en->id || !en->name || !en->pod_name || en->running < -1 || en->running > 1)
		n_bad++;
}

/* container_list (optional) reports well-formed entries of live containers. */
static void check_list(void)
{
	if (!D.be->container_list)
		return;
	podlife_container_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.sandbox_id = "";
	cfg.pod_name = "conf-list";
	cfg.pod_namespace = "default";
	cfg.pod_uid = "u";
	cfg.name = "l";
	cfg.image = "busybox:1.36";
	cfg.image_id = "";
	podlife_result r;
	memset(&r, 0, sizeof r);
	REQUIRE(D.be->container_create(D.be->ud, &cfg, &r) == PODLIFE_OK);
	n_listed = n_bad = 0;
	CHECK_INT(D.be->container_list(D.be->ud, list_cb, NULL), PODLIFE_OK);
	CHECK(n_listed >= 1);
	CHECK_INT(n_bad, 0);
	CHECK_INT(D.be->container_remove(D.be->ud, r.id), PODLIFE_OK);
}

int main(void)
{
	if (make_driver(&D)) {
		fprintf(stderr, "cannot set up the backend under test\n");
		return 1;
	}
	RUN(check_version_and_caps);
	RUN(check_sandbox_idempotent);
	RUN(check_images);
	RUN(check_container_not_found);
	RUN(check_container_idempotent);
	RUN(check_exit_reporting);
	RUN(check_list);
	free_driver(&D);
	DONE();
}
