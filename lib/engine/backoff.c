/*
 * lib/engine/backoff.c - the kubelet's back-off entries
 * (client-go util/flowcontrol Backoff, no jitter): crash-loop back-off
 * measured from the previous exit (IsInBackOffSince) and image pull
 * back-off measured from the last failure (IsInBackOffSinceUpdate).  An
 * entry expires 600 s after its last update (HasExpiredFunc).
 */
#include "engine_int.h"

static bool expired(const pl_backoff *b, pl_ms event_time)
{
	return event_time - b->last_update > PL_BACKOFF_EXPIRY_MS;
}

bool pl_backoff_in_since(const pl_backoff *b, pl_ms ts, pl_ms now)
{
	if (b->delay == 0 || expired(b, ts))
		return false;
	return now - ts < b->delay;
}

bool pl_backoff_in_since_update(const pl_backoff *b, pl_ms now)
{
	if (b->delay == 0 || expired(b, now))
		return false;
	return now - b->last_update < b->delay;
}

void pl_backoff_next(pl_backoff *b, pl_ms event_time, pl_ms now, pl_ms initial, pl_ms max)
{
	if (b->delay == 0 || expired(b, event_time))
		b->delay = initial < max ? initial : max;
	else
		b->delay = b->delay > max / 2 ? max : b->delay * 2;
	b->last_update = now;
}
