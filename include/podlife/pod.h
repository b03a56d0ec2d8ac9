/*
 * podlife/pod.h - parsing, defaulting, validating and reading Pod specs.
 *
 * A podlife_pod is an immutable, reference-counted, fully defaulted and
 * validated Pod.  Because it never changes after parsing, one pod may be
 * read from several threads at once and shared by several engines; the
 * reference count is atomic.
 *
 * Fields are read by their Kubernetes field path, the same path that
 * validation errors name: "metadata.name", "spec.containers[0].image",
 * "spec.containers[1].ports[0].containerPort",
 * "metadata.labels[app]", "spec.containers[0].resources.limits[cpu]".
 * Every field of the model is reachable this way, including the ones the
 * model keeps verbatim (affinity, tolerations, ...).
 */
#ifndef PODLIFE_POD_H
#define PODLIFE_POD_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct podlife_pod podlife_pod;
typedef struct podlife_pod_list podlife_pod_list;

/* ---- parse options ------------------------------------------------------ */

#define PODLIFE_PARSE_OPTIONS_VERSION 1

typedef enum podlife_parse_flags {
	/* Unknown fields and duplicate keys are errors, not warnings. */
	PODLIFE_PARSE_STRICT = 1u << 0,
	/* Skip API-server defaulting (validation then usually fails). */
	PODLIFE_PARSE_NO_DEFAULTS = 1u << 1,
	/* Skip validation: the pods are returned as decoded and defaulted. */
	PODLIFE_PARSE_NO_VALIDATE = 1u << 2,
	/* Input is JSON (otherwise detected: JSON text starts with '{' or '['). */
	PODLIFE_PARSE_JSON = 1u << 3,
	/* Input is YAML even if it starts with '{'. */
	PODLIFE_PARSE_YAML = 1u << 4,
	/* Do not turn workload templates (Deployment, Job, ...) into pods. */
	PODLIFE_PARSE_NO_TEMPLATES = 1u << 5
} podlife_parse_flags;

/*
 * Options for podlife_pod_parse().  Initialise with
 * PODLIFE_PARSE_OPTIONS_INIT so that fields added later get their defaults.
 */
typedef struct podlife_parse_options {
	unsigned int version;  /* PODLIFE_PARSE_OPTIONS_VERSION */
	unsigned int flags;    /* podlife_parse_flags */
	size_t max_bytes;      /* 0: 10 MiB (the kubelet's maxConfigLength) */
	unsigned int max_depth; /* 0: 64 levels of nesting */
	size_t max_nodes;      /* 0: 1,000,000 nodes per document, aliases expanded */
	const podlife_allocator *allocator; /* NULL: libc; must outlive the pods */
	const char *source_name; /* a file name or similar; may be NULL.  Reserved:
	                            0.1 keeps positions (line, column, document)
	                            in diagnostics and leaves naming to the host */
} podlife_parse_options;

#define PODLIFE_PARSE_OPTIONS_INIT {PODLIFE_PARSE_OPTIONS_VERSION, 0, 0, 0, 0, NULL, NULL}

/* ---- parsing ----------------------------------------------------------- */

/*
 * Parses every Pod in `data` (YAML stream or JSON; `len` bytes, need not be
 * NUL-terminated).  Several YAML documents and `kind: List` are read whole;
 * Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob and
 * ReplicationController yield their pod template as a pod; other kinds are
 * skipped with a note.  Each pod is decoded, defaulted as the API server
 * does and validated.
 *
 * On success *out receives a new list (free with podlife_pod_list_free).
 * If any document has an error, nothing is returned: the call fails with
 * EPARSE (syntax or types), EINVALID (validation) or ETOOBIG (limits) and
 * *out is left untouched.
 *
 * When `diag` is not NULL it receives a new diagnostics list, on success
 * (warnings, notes) and on failure (errors with path, line and column);
 * free it with podlife_diag_free.  `opts` may be NULL for the defaults.
 */
PODLIFE_EXTERN int podlife_pod_parse(const char *data, size_t len,
                                     const podlife_parse_options *opts,
                                     podlife_pod_list **out, podlife_diag **diag);

/* As podlife_pod_parse() on the contents of a file. */
PODLIFE_EXTERN int podlife_pod_parse_file(const char *path, const podlife_parse_options *opts,
                                          podlife_pod_list **out, podlife_diag **diag);

PODLIFE_EXTERN size_t podlife_pod_list_count(const podlife_pod_list *list);
/* Borrowed pod i; take your own reference with podlife_pod_retain. */
PODLIFE_EXTERN podlife_pod *podlife_pod_list_get(const podlife_pod_list *list, size_t i);
/* Releases the list and its references to the pods. */
PODLIFE_EXTERN void podlife_pod_list_free(podlife_pod_list *list);

/* Reference counting (thread-safe).  retain returns its argument. */
PODLIFE_EXTERN podlife_pod *podlife_pod_retain(podlife_pod *pod);
PODLIFE_EXTERN void podlife_pod_release(podlife_pod *pod);

/* ---- reading ----------------------------------------------------------- */

/* Shortcuts for common fields; borrowed strings, "" when unset. */
PODLIFE_EXTERN const char *podlife_pod_name(const podlife_pod *pod);
PODLIFE_EXTERN const char *podlife_pod_namespace(const podlife_pod *pod);
/* "Pod", or the workload kind ("Deployment", ...) the template came from. */
PODLIFE_EXTERN const char *podlife_pod_source_kind(const podlife_pod *pod);
/* Index of the document the pod came from in its stream (0-based). */
PODLIFE_EXTERN unsigned int podlife_pod_document(const podlife_pod *pod);

typedef enum podlife_value_type {
	PODLIFE_VALUE_NULL = 0, /* not set */
	PODLIFE_VALUE_STRING,
	PODLIFE_VALUE_INT,
	PODLIFE_VALUE_BOOL,
	PODLIFE_VALUE_LIST,
	PODLIFE_VALUE_MAP,   /* string keys: labels, resources.limits, ... */
	PODLIFE_VALUE_OBJECT, /* a typed object: spec, a container, ... */
	PODLIFE_VALUE_FLOAT  /* only inside fields kept verbatim */
} podlife_value_type;

/*
 * Type of the value at `path`.  ENOTFOUND when the path names no field of
 * the schema or runs past the end of a list; a field of the schema that is
 * simply unset gives PODLIFE_VALUE_NULL and PODLIFE_OK.
 */
PODLIFE_EXTERN int podlife_pod_get_type(const podlife_pod *pod, const char *path,
                                        podlife_value_type *type);
/*
 * Typed reads.  ETYPE when the value has another type, ENOTFOUND when the
 * field is unset or unknown.  Strings are borrowed from the pod.  An
 * int-or-string field (ports) reads as either.  Resource quantities read as
 * strings as written ("500m", "1Gi").
 */
PODLIFE_EXTERN int podlife_pod_get_string(const podlife_pod *pod, const char *path,
                                          const char **out);
PODLIFE_EXTERN int podlife_pod_get_int(const podlife_pod *pod, const char *path, int64_t *out);
PODLIFE_EXTERN int podlife_pod_get_bool(const podlife_pod *pod, const char *path, int *out);
/* Element count of a list, entry count of a map, field count of an object. */
PODLIFE_EXTERN int podlife_pod_get_count(const podlife_pod *pod, const char *path, size_t *out);
/*
 * Key i of a map, or name of field i of an object (set fields only, in
 * Kubernetes order); borrowed.
 */
PODLIFE_EXTERN int podlife_pod_get_key(const podlife_pod *pod, const char *path, size_t i,
                                       const char **out);
/* *out = 1 when the value at path was filled in by defaulting. */
PODLIFE_EXTERN int podlife_pod_is_defaulted(const podlife_pod *pod, const char *path, int *out);
/* Source position (1-based) of the value at path; 0 when not from a file. */
PODLIFE_EXTERN int podlife_pod_get_position(const podlife_pod *pod, const char *path,
                                            unsigned int *line, unsigned int *column);

/* ---- export ------------------------------------------------------------ */

typedef enum podlife_json_flags {
	PODLIFE_JSON_PRETTY = 1u << 0, /* two-space indentation */
	PODLIFE_JSON_SUBTREE = 1u << 1 /* reserved */
} podlife_json_flags;

/*
 * The pod as Kubernetes JSON (apiVersion, kind, metadata, spec), defaulted
 * fields included.  *out is owned: free with podlife_free().  Parsing the
 * result gives the same pod.
 */
PODLIFE_EXTERN int podlife_pod_to_json(const podlife_pod *pod, unsigned int flags, char **out);

/*
 * The pod as YAML, block style, keys in the same order as the JSON; strings
 * that YAML would read as numbers or bools are quoted.  `flags` is reserved
 * (pass 0).  *out is owned: free with podlife_free().
 */
PODLIFE_EXTERN int podlife_pod_to_yaml(const podlife_pod *pod, unsigned int flags, char **out);

/*
 * `n` pods (borrowed) as one `kind: List` object (apiVersion v1, items),
 * as JSON (flags as for podlife_pod_to_json) or YAML.  Owned: podlife_free().
 */
PODLIFE_EXTERN int podlife_pods_to_json(podlife_pod *const *pods, size_t n, unsigned int flags,
                                        char **out);
PODLIFE_EXTERN int podlife_pods_to_yaml(podlife_pod *const *pods, size_t n, unsigned int flags,
                                        char **out);

/* ---- quantities ---------------------------------------------------------- */

/*
 * Parses a Kubernetes resource quantity ("100m", "1.5Gi", "2e3") into
 * thousandths of a unit, rounded up as the API server rounds to milli
 * precision.  EINVAL for bad syntax and ETOOBIG when the value does not
 * fit in an int64 of thousandths; either way *err (optional) receives an
 * error with the API server's message, freed with podlife_error_free.
 */
PODLIFE_EXTERN int podlife_quantity_parse_milli(const char *text, int64_t *milli,
                                                podlife_error **err);

#ifdef __cplusplus
}
#endif
#endif
