/*
 * lib/engine/snapshot.c - engine state to JSON and back (in progress).
 */
#include "engine_int.h"

int podlife_engine_snapshot(podlife_engine *e, char **out)
{
	if (!e || !out)
		return PODLIFE_EINVAL;
	return PODLIFE_ESTATE;
}

int podlife_engine_restore(podlife_engine *e, const char *json, size_t len, podlife_error **err)
{
	PL_UNUSED(json);
	PL_UNUSED(len);
	PL_UNUSED(err);
	return e ? PODLIFE_ESTATE : PODLIFE_EINVAL;
}
