/*
 * podlife/clock.h - the clock an engine reads time from: a versioned
 * vtable, the built-in real monotonic clock, and a built-in simulated
 * clock that tests and hosts advance by hand, so that an hour of back-off
 * runs in milliseconds.
 *
 * Engine time is a signed 64-bit count of milliseconds.  Only differences
 * matter; the engine maps it to wall time for JSON output with the
 * `wall_ms` slot (or the real wall clock when that slot is NULL).
 */
#ifndef PODLIFE_CLOCK_H
#define PODLIFE_CLOCK_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PODLIFE_CLOCK_VERSION 1

/*
 * A clock.  `now_ms` must never go backwards.  `wall_ms` (may be NULL)
 * gives the Unix time in milliseconds that corresponds to `now_ms`'s
 * current value; it is only used to print timestamps.  Both are called
 * from the engine's thread only.
 */
typedef struct podlife_clock {
	unsigned int version; /* PODLIFE_CLOCK_VERSION */
	int64_t (*now_ms)(void *ud);
	int64_t (*wall_ms)(void *ud);
	void *ud;
} podlife_clock;

#define PODLIFE_CLOCK_INIT {PODLIFE_CLOCK_VERSION, NULL, NULL, NULL}

/*
 * The built-in real clock: CLOCK_MONOTONIC in milliseconds; wall time from
 * CLOCK_REALTIME.  Static storage, never freed, safe from any thread.
 */
PODLIFE_EXTERN const podlife_clock *podlife_clock_real(void);

/* ---- simulated clock ------------------------------------------------------ */

typedef struct podlife_simclock podlife_simclock;

/*
 * A new simulated clock reading `start_ms`; its wall time is
 * `wall_start_ms` + (now - start) (pass 0 for 2026-01-01T00:00:00Z).
 * `allocator` may be NULL.  Free with podlife_simclock_free after every
 * engine that uses it.  One thread at a time.
 */
PODLIFE_EXTERN int podlife_simclock_new(int64_t start_ms, int64_t wall_start_ms,
                                        const podlife_allocator *allocator,
                                        podlife_simclock **out);
PODLIFE_EXTERN void podlife_simclock_free(podlife_simclock *sc);
/* The clock vtable of `sc` (borrowed, valid as long as sc). */
PODLIFE_EXTERN const podlife_clock *podlife_simclock_clock(podlife_simclock *sc);
/* Current reading. */
PODLIFE_EXTERN int64_t podlife_simclock_now(const podlife_simclock *sc);
/* Sets the reading; ESTATE (and no change) when `now_ms` is in the past. */
PODLIFE_EXTERN int podlife_simclock_set(podlife_simclock *sc, int64_t now_ms);
/* Advances by `delta_ms` (>= 0; EINVAL otherwise). */
PODLIFE_EXTERN int podlife_simclock_advance(podlife_simclock *sc, int64_t delta_ms);

#ifdef __cplusplus
}
#endif
#endif
