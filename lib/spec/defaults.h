/*
 * lib/spec/defaults.h - API-server defaulting of the typed model.
 */
#ifndef PL_DEFAULTS_H
#define PL_DEFAULTS_H

#include "model.h"

/* Fills defaults in place; templates skip the Pod-only defaults. */
void pl_default_pod(pl_pod_model *m, pl_arena *ar, bool is_template);

#endif
