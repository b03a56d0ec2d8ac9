/*
 * tests/engine/engine_env.h - the engine tests' fixture: a simulated
 * clock, the fake backend, an engine recording its events, and helpers
 * to parse pods and run the simulation to a time.
 */
#ifndef PODLIFE_TEST_ENGINE_ENV_H
#define PODLIFE_TEST_ENGINE_ENV_H

#include <podlife.h>

#include "harness.h"

#define SEC 1000LL
#define MIN (60 * SEC)

typedef struct ev_rec {
	int64_t t;
	char type[16];
	char reason[48];
	char container[64];
	char message[512];
} ev_rec;

typedef struct env {
	podlife_simclock *sc;
	podlife_fake *f;
	podlife_engine *e;
	ev_rec *ev;
	size_t n_ev, cap_ev;
	podlife_pod_list *lists[8];
	size_t n_lists;
} env;

static inline void env_on_event(void *ud, const podlife_event *ev)
{
	env *x = ud;
	if (x->n_ev == x->cap_ev) {
		x->cap_ev = x->cap_ev ? x->cap_ev * 2 : 64;
		x->ev = realloc(x->ev, x->cap_ev * sizeof *x->ev);
	}
	ev_rec *r = &x->ev[x->n_ev++];
	memset(r, 0, sizeof *r);
	r->t = ev->time_ms;
	snprintf(r->type, sizeof r->type, "%s", ev->type);
	snprintf(r->reason, sizeof r->reason, "%s", ev->reason);
	snprintf(r->container, sizeof r->container, "%s", ev->container ? ev->container : "");
	snprintf(r->message, sizeof r->message, "%s", ev->message);
}

/* labels: NULL or "k=v" strings, NULL-terminated; relist_ms: the
 * engine's relist period (0 off); own_probes: use `probes` (NULL: the
 * built-in handlers) instead of the fake's scripted probe vtable. */
static inline int env_init_with(env *x, const char *const *labels, podlife_pod_security pss,
                                unsigned int flags, int64_t relist_ms, bool own_probes,
                                const podlife_probe_backend *probes)
{
	memset(x, 0, sizeof *x);
	if (podlife_simclock_new(0, 0, NULL, &x->sc) ||
	    podlife_fake_new(podlife_simclock_clock(x->sc), NULL, &x->f))
		return -1;
	static char kv[16][2][128];
	const char *pairs[32];
	size_t n = 0;
	for (size_t i = 0; labels && labels[i] && i < 16; i++) {
		const char *eq = strchr(labels[i], '=');
		snprintf(kv[i][0], sizeof kv[i][0], "%.*s", (int)(eq - labels[i]), labels[i]);
		snprintf(kv[i][1], sizeof kv[i][1], "%s", eq + 1);
		pairs[2 * i] = kv[i][0];
		pairs[2 * i + 1] = kv[i][1];
		n++;
	}
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.node_name = "node-1";
	cfg.node_labels = n ? pairs : NULL;
	cfg.n_node_labels = n;
	cfg.backend = podlife_fake_backend(x->f);
	cfg.clock = podlife_simclock_clock(x->sc);
	cfg.on_event = env_on_event;
	cfg.event_ud = x;
	cfg.pod_security = pss;
	cfg.flags = flags;
	cfg.relist_period_ms = relist_ms;
	cfg.probes = own_probes ? probes : podlife_fake_probes(x->f);
	if (podlife_engine_new(&cfg, &x->e))
		return -1;
	podlife_fake_attach(x->f, x->e);
	return 0;
}

static inline int env_init_full(env *x, const char *const *labels, podlife_pod_security pss,
                                unsigned int flags, int64_t relist_ms)
{
	return env_init_with(x, labels, pss, flags, relist_ms, false, NULL);
}

static inline int env_init_cfg(env *x, const char *const *labels, podlife_pod_security pss,
                               unsigned int flags)
{
	return env_init_full(x, labels, pss, flags, 1000);
}

static inline int env_init(env *x)
{
	return env_init_cfg(x, NULL, PODLIFE_PSS_NONE, 0);
}

static inline void env_free(env *x)
{
	podlife_engine_free(x->e);
	podlife_fake_free(x->f);
	podlife_simclock_free(x->sc);
	for (size_t i = 0; i < x->n_lists; i++)
		podlife_pod_list_free(x->lists[i]);
	free(x->ev);
}

/* Parses one pod; the list stays alive in the env. */
static inline podlife_pod *env_pod(env *x, const char *yaml)
{
	podlife_pod_list *l = NULL;
	podlife_diag *d = NULL;
	int rc = podlife_pod_parse(yaml, strlen(yaml), NULL, &l, &d);
	if (rc) {
		for (size_t i = 0; d && i < podlife_diag_count(d); i++)
			fprintf(stderr, "  parse: %s\n", podlife_error_message(podlife_diag_get(d, i)));
		podlife_diag_free(d);
		return NULL;
	}
	podlife_diag_free(d);
	x->lists[x->n_lists++] = l;
	return podlife_pod_list_get(l, 0);
}

static inline int env_add(env *x, const char *yaml)
{
	podlife_pod *p = env_pod(x, yaml);
	if (!p)
		return -1;
	return podlife_engine_add_pod(x->e, p);
}

static inline void env_run(env *x, int64_t until)
{
	podlife_fake_run(x->f, x->e, x->sc, until, NULL, NULL);
}

static inline podlife_pod_info env_info(env *x, const char *name)
{
	podlife_pod_info i = PODLIFE_POD_INFO_INIT;
	if (podlife_engine_pod_info(x->e, NULL, name, &i))
		i.phase = "(none)";
	return i;
}

static inline podlife_container_info env_ctr(env *x, const char *pod, const char *c)
{
	podlife_container_info i = PODLIFE_CONTAINER_INFO_INIT;
	if (podlife_engine_container_info(x->e, NULL, pod, c, &i)) {
		i.state = "(none)";
		i.reason = "";
	}
	return i;
}

static inline size_t env_count(const env *x, const char *reason, const char *container)
{
	size_t n = 0;
	for (size_t i = 0; i < x->n_ev; i++)
		if (strcmp(x->ev[i].reason, reason) == 0 &&
		    (!container || strcmp(x->ev[i].container, container) == 0))
			n++;
	return n;
}

/* Times of the events with this reason (up to max). */
static inline size_t env_times(const env *x, const char *reason, const char *container, int64_t *out,
                        size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < x->n_ev && n < max; i++)
		if (strcmp(x->ev[i].reason, reason) == 0 &&
		    (!container || strcmp(x->ev[i].container, container) == 0))
			out[n++] = x->ev[i].t;
	return n;
}

static inline const ev_rec *env_last(const env *x, const char *reason)
{
	for (size_t i = x->n_ev; i > 0; i--)
		if (strcmp(x->ev[i - 1].reason, reason) == 0)
			return &x->ev[i - 1];
	return NULL;
}

/* The message of the last event with this reason, "" when there is none. */
static inline const char *env_last_msg(const env *x, const char *reason)
{
	const ev_rec *r = env_last(x, reason);
	return r ? r->message : "";
}

static inline void env_dump(const env *x)
{
	for (size_t i = 0; i < x->n_ev; i++)
		fprintf(stderr, "    %6.1fs %-7s %-20s %-8s %s\n", x->ev[i].t / 1000.0, x->ev[i].type,
		        x->ev[i].reason, x->ev[i].container, x->ev[i].message);
}

#endif
