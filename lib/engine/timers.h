/*
 * lib/engine/timers.h - the engine's timers: a binary min-heap keyed on
 * the deadline (timers.c), used by the pod workers, the probes, the relist
 * and the network client's connect deadlines.
 */
#ifndef PL_ENGINE_TIMERS_H
#define PL_ENGINE_TIMERS_H

#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"

typedef int64_t pl_ms; /* milliseconds on the engine clock */
#define PL_NEVER INT64_MAX

enum {
	PL_TIMER_POD = 0,    /* a pod's wake-up */
	PL_TIMER_RELIST = 1, /* the engine-wide container relist (owner unused) */
	PL_TIMER_PROBE = 2,  /* a probe worker (owner: pod slot, sub: worker index) */
	PL_TIMER_NET = 3     /* a TCP connect's deadline in the network client (net.c) */
};

typedef struct pl_timer {
	pl_ms deadline;
	uint32_t idx;   /* position in the heap, UINT32_MAX when not armed */
	uint32_t owner; /* pod slot */
	uint16_t sub;   /* PL_TIMER_PROBE: index in the pod's probe workers */
	uint8_t kind;   /* PL_TIMER_* */
} pl_timer;

typedef struct pl_heap {
	const pl_alloc *a;
	pl_timer **v;
	size_t n, cap;
} pl_heap;

void pl_timer_init(pl_timer *t, uint8_t kind, uint32_t owner);
/* Arms or re-arms t at `deadline` (PL_NEVER disarms).  ENOMEM possible. */
int pl_heap_arm(pl_heap *h, pl_timer *t, pl_ms deadline);
void pl_heap_disarm(pl_heap *h, pl_timer *t);
/* Earliest timer or NULL. */
pl_timer *pl_heap_top(const pl_heap *h);
/* Earliest deadline among the timers other than `skip` (PL_NEVER if none); O(1). */
pl_ms pl_heap_top_except(const pl_heap *h, const pl_timer *skip);
void pl_heap_free(pl_heap *h);

#endif
