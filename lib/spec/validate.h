/*
 * lib/spec/validate.h - the API server's validation of a Pod (or of a
 * workload's pod template) on the typed model: ValidateObjectMeta,
 * ValidatePodSpec, validateContainerCommon and friends from
 * pkg/apis/core/validation/validation.go, with their messages, paths and
 * order.  Thread-safe: reads the model, writes only to the diagnostics.
 */
#ifndef PL_VALIDATE_H
#define PL_VALIDATE_H

#include <stdbool.h>

#include "model.h"

typedef struct pl_validate_opts {
	bool is_template;   /* a pod template inside a workload: no name required, no Pod-only rules */
	const char *prefix; /* path prefix for messages: "" for a Pod, "spec.template." for a Deployment ... */
} pl_validate_opts;

/* Appends every error (severity ERROR) and warning to d, in the API server's order. */
void pl_validate_pod(const pl_pod_model *m, const pl_validate_opts *o, podlife_diag *d);

#endif
