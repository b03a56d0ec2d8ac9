/*
 * lib/engine/clock.c - the built-in clocks: the real monotonic clock and
 * the simulated clock that tests and `podlife simulate` advance by hand.
 */
#include <time.h>

#include "podlife/clock.h"

#include "../common/common.h"
#include "engine_int.h"

static int64_t real_now(void *ud)
{
	PL_UNUSED(ud);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t real_wall(void *ud)
{
	PL_UNUSED(ud);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const podlife_clock real_clock = {PODLIFE_CLOCK_VERSION, real_now, real_wall, NULL};

const podlife_clock *podlife_clock_real(void)
{
	return &real_clock;
}

struct podlife_simclock {
	pl_alloc a;
	podlife_clock vt;
	int64_t now, start, wall_start;
};

/* 2026-01-01T00:00:00Z */
#define PL_DEFAULT_WALL_START INT64_C(1767225600000)

static int64_t sim_now(void *ud)
{
	return ((podlife_simclock *)ud)->now;
}

static int64_t sim_wall(void *ud)
{
	podlife_simclock *sc = ud;
	return sc->wall_start + (sc->now - sc->start);
}

int podlife_simclock_new(int64_t start_ms, int64_t wall_start_ms,
                         const podlife_allocator *allocator, podlife_simclock **out)
{
	pl_alloc a;
	if (!out)
		return PODLIFE_EINVAL;
	int rc = pl_alloc_resolve(&a, allocator);
	if (rc)
		return rc;
	podlife_simclock *sc = pl_calloc(&a, 1, sizeof *sc);
	if (!sc)
		return PODLIFE_ENOMEM;
	sc->a = a;
	sc->now = sc->start = start_ms;
	sc->wall_start = wall_start_ms ? wall_start_ms : PL_DEFAULT_WALL_START;
	sc->vt.version = PODLIFE_CLOCK_VERSION;
	sc->vt.now_ms = sim_now;
	sc->vt.wall_ms = sim_wall;
	sc->vt.ud = sc;
	*out = sc;
	return PODLIFE_OK;
}

void podlife_simclock_free(podlife_simclock *sc)
{
	if (sc) {
		pl_alloc a = sc->a;
		pl_free(&a, sc);
	}
}

const podlife_clock *podlife_simclock_clock(podlife_simclock *sc)
{
	return sc ? &sc->vt : NULL;
}

podlife_simclock *pl_simclock_of(const podlife_clock *c)
{
	return c && c->now_ms == sim_now ? (podlife_simclock *)c->ud : NULL;
}

int64_t podlife_simclock_now(const podlife_simclock *sc)
{
	return sc ? sc->now : 0;
}

int podlife_simclock_set(podlife_simclock *sc, int64_t now_ms)
{
	if (!sc)
		return PODLIFE_EINVAL;
	if (now_ms < sc->now)
		return PODLIFE_ESTATE;
	sc->now = now_ms;
	return PODLIFE_OK;
}

int podlife_simclock_advance(podlife_simclock *sc, int64_t delta_ms)
{
	if (!sc || delta_ms < 0 || sc->now > INT64_MAX - delta_ms)
		return PODLIFE_EINVAL;
	sc->now += delta_ms;
	return PODLIFE_OK;
}
