/*
 * lib/engine/update.c - pod updates under the API server's rules (in progress).
 */
#include "engine_int.h"

int podlife_engine_update_pod(podlife_engine *e, podlife_pod *pod, podlife_error **err)
{
	PL_UNUSED(err);
	return e && pod ? PODLIFE_ESTATE : PODLIFE_EINVAL;
}
