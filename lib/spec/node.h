/*
 * lib/spec/node.h - the document tree that the YAML and JSON readers
 * produce: maps, sequences and scalars with their source positions.  The
 * decoder turns it into the typed model (model.h); fields the model keeps
 * verbatim (affinity, tolerations, ...) keep a copy of their subtree.
 */
#ifndef PL_NODE_H
#define PL_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"

typedef enum pl_nkind {
	PL_N_NULL = 0,
	PL_N_SCALAR,
	PL_N_MAP,
	PL_N_SEQ
} pl_nkind;

/* How a scalar was written; decides how it may be read. */
typedef enum pl_scalar_style {
	PL_SC_PLAIN = 0, /* YAML plain scalar: may be a number or bool */
	PL_SC_QUOTED,    /* YAML quoted/block scalar or JSON string: text */
	PL_SC_JSON_NUMBER,
	PL_SC_JSON_BOOL
} pl_scalar_style;

typedef struct pl_node pl_node;
typedef struct pl_pair {
	pl_node *key; /* always a scalar */
	pl_node *value;
} pl_pair;

struct pl_node {
	uint8_t kind;  /* pl_nkind */
	uint8_t style; /* pl_scalar_style, scalars only */
	uint32_t line, col; /* 1-based; 0 when unknown */
	size_t n;      /* pairs (map), items (seq), bytes (scalar) */
	union {
		char *text;     /* scalar, NUL-terminated (may hold NULs: use n) */
		pl_pair *pairs; /* map */
		pl_node **items; /* seq */
	} u;
};

/*
 * Limits that keep hostile input bounded.  A zero field (or a NULL limits
 * pointer) takes the default of pl_read_limits_resolve.
 */
typedef struct pl_read_limits {
	size_t max_bytes;      /* whole input */
	unsigned int max_depth; /* nesting of maps and sequences */
	size_t max_nodes;      /* after alias expansion, per document */
} pl_read_limits;

#define PL_READ_DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define PL_READ_DEFAULT_MAX_DEPTH 512u
#define PL_READ_DEFAULT_MAX_NODES ((size_t)4 << 20)

/* Copies `in` to `out`, with defaults for NULL or zero fields. */
void pl_read_limits_resolve(pl_read_limits *out, const pl_read_limits *in);

/*
 * One document of a stream.  Nodes live in `arena` (owned by the caller of
 * the reader).  The callback returns PODLIFE_OK to go on; anything else
 * stops the reader, which returns that code.
 */
typedef int (*pl_doc_cb)(void *ud, unsigned int index, pl_node *root);

/*
 * Reads every document of a YAML stream (or JSON text, which the JSON
 * reader handles) and calls cb for each, with a 0-based index.  Syntax
 * errors, limit violations and invalid UTF-8 go to diag (may be NULL) with
 * their position and make the reader return EPARSE or ETOOBIG (ENOMEM when
 * memory runs out); documents before the error have been handed to cb
 * already.  Each document gets a fresh scratch arena that the reader frees
 * after cb returns: cb must copy (pl_node_copy) what it keeps.  Before
 * each document the reader sets diag->document to its index.
 *
 * YAML: an empty stream yields no document, an empty document (`---`
 * alone) a PL_N_NULL root.  Plain null/Null/NULL/~/empty scalars become
 * PL_N_NULL (map keys stay scalars).  Aliases share the anchored node (the
 * tree is a DAG; it is never cyclic), merge keys are resolved as go-yaml
 * v2 does, duplicate keys stay in the map.
 *
 * JSON: one document (an object or an array at the top, as jansson reads
 * it), checked by jansson, whose messages and positions the errors carry.
 * Every node has its position.  Numbers keep their text as written
 * (PL_SC_JSON_NUMBER), booleans are "true"/"false" (PL_SC_JSON_BOOL),
 * strings and keys PL_SC_QUOTED, null PL_N_NULL.  Duplicate object keys
 * stay in the map, as in YAML.
 *
 * Not thread-safe on a shared diag; otherwise reentrant.
 */
int pl_read_yaml(const pl_alloc *a, const char *data, size_t len, const pl_read_limits *lim,
                 podlife_diag *diag, pl_doc_cb cb, void *ud);
int pl_read_json(const pl_alloc *a, const char *data, size_t len, const pl_read_limits *lim,
                 podlife_diag *diag, pl_doc_cb cb, void *ud);

/*
 * Map lookup by key; NULL when absent or when n is not a map.  With
 * duplicate keys the last pair wins (as go-yaml assigns into a map).
 */
pl_node *pl_node_get(const pl_node *map, const char *key);
/* Scalar text or NULL (also for PL_N_NULL and containers). */
const char *pl_node_text(const pl_node *n);
/*
 * Deep copy into another arena (positions kept); shared (aliased) subtrees
 * become separate copies.  Only for trees from the readers, whose size
 * after alias expansion is bounded by max_nodes.  NULL when n is NULL or
 * the arena runs out of memory (ar->oom is then set).
 */
pl_node *pl_node_copy(pl_arena *ar, const pl_node *n);
/*
 * True for a PL_N_NULL node and for a plain scalar that YAML 1.1 reads as
 * null (null, Null, NULL, ~ or empty), as a map key may be.
 */
bool pl_node_is_null_scalar(const pl_node *n);

#endif
