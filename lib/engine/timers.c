/*
 * lib/engine/timers.c - a binary min-heap of timers keyed on their
 * deadline: O(log n) to arm, re-arm or disarm, O(1) to read the earliest.
 * Timers are embedded in their owners (pods, probe workers, the network
 * client's connects) and know their own heap position.
 */
#include "timers.h"

#define PL_NOT_ARMED UINT32_MAX

void pl_timer_init(pl_timer *t, uint8_t kind, uint32_t owner)
{
	t->deadline = PL_NEVER;
	t->idx = PL_NOT_ARMED;
	t->owner = owner;
	t->kind = kind;
}

static void put(pl_heap *h, size_t i, pl_timer *t)
{
	h->v[i] = t;
	t->idx = (uint32_t)i;
}

static void sift_up(pl_heap *h, size_t i)
{
	pl_timer *t = h->v[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (h->v[parent]->deadline <= t->deadline)
			break;
		put(h, i, h->v[parent]);
		i = parent;
	}
	put(h, i, t);
}

static void sift_down(pl_heap *h, size_t i)
{
	pl_timer *t = h->v[i];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		pl_ms best = t->deadline;
		if (l < h->n && h->v[l]->deadline < best) {
			m = l;
			best = h->v[l]->deadline;
		}
		if (r < h->n && h->v[r]->deadline < best)
			m = r;
		if (m == i)
			break;
		put(h, i, h->v[m]);
		i = m;
	}
	put(h, i, t);
}

void pl_heap_disarm(pl_heap *h, pl_timer *t)
{
	if (t->idx == PL_NOT_ARMED)
		return;
	size_t i = t->idx;
	h->n--;
	t->idx = PL_NOT_ARMED;
	t->deadline = PL_NEVER;
	if (i == h->n)
		return;
	pl_timer *last = h->v[h->n];
	put(h, i, last);
	sift_down(h, i);
	sift_up(h, last->idx);
}

int pl_heap_arm(pl_heap *h, pl_timer *t, pl_ms deadline)
{
	if (deadline == PL_NEVER) {
		pl_heap_disarm(h, t);
		return PODLIFE_OK;
	}
	if (t->idx != PL_NOT_ARMED) {
		pl_ms old = t->deadline;
		t->deadline = deadline;
		if (deadline < old)
			sift_up(h, t->idx);
		else if (deadline > old)
			sift_down(h, t->idx);
		return PODLIFE_OK;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		pl_timer **v = pl_realloc(h->a, h->v, cap * sizeof *v);
		if (!v)
			return PODLIFE_ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	t->deadline = deadline;
	put(h, h->n, t);
	h->n++;
	sift_up(h, t->idx);
	return PODLIFE_OK;
}

pl_timer *pl_heap_top(const pl_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

pl_ms pl_heap_top_except(const pl_heap *h, const pl_timer *skip)
{
	if (!h->n)
		return PL_NEVER;
	if (h->v[0] != skip)
		return h->v[0]->deadline;
	/* the second smallest is one of the root's children */
	pl_ms d = PL_NEVER;
	for (size_t i = 1; i <= 2 && i < h->n; i++)
		if (h->v[i]->deadline < d)
			d = h->v[i]->deadline;
	return d;
}

void pl_heap_free(pl_heap *h)
{
	pl_free(h->a, h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
