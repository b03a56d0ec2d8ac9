/*
 * lib/spec/pod_internal.h - what a podlife_pod is inside the library.
 * Other modules (engine, image) read the typed model through this.
 */
#ifndef PL_POD_INTERNAL_H
#define PL_POD_INTERNAL_H

#include <stdatomic.h>

#include "podlife/pod.h"
#include "model.h"

struct podlife_pod {
	atomic_int refs;
	pl_alloc a;          /* allocator of the pod (copied from the options) */
	pl_arena arena;      /* every model object and string */
	pl_pod_model *m;     /* defaulted, validated model */
	unsigned int document;
	const char *source_kind; /* "Pod", "Deployment", ... (in the arena) */
	const char *path_prefix; /* "" or "spec.template." ... for messages */
};

struct podlife_pod_list {
	pl_alloc a;
	size_t n;
	podlife_pod **pods;
};

/* The typed model of a pod (never NULL for a parsed pod). */
static inline const pl_pod_model *pl_pod_model_of(const podlife_pod *pod)
{
	return pod->m;
}

#endif
