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

/* Limits that keep hostile input bounded. */
typedef struct pl_read_limits {
	size_t max_bytes;      /* whole input */
	unsigned int max_depth; /* nesting of maps and sequences */
	size_t max_nodes;      /* after alias expansion, per document */
} pl_read_limits;

/*
 * One document of a stream.  Nodes live in `arena` (owned by the caller of
 * the reader).  The callback returns PODLIFE_OK to go on; anything else
 * stops the reader, which returns that code.
 */
typedef int (*pl_doc_cb)(void *ud, unsigned int index, pl_node *root);

/*
 * Reads every document of a YAML stream (or JSON text, which the JSON
 * reader handles) and calls cb for each.  Syntax errors, limit violations
 * and invalid UTF-8 go to diag with their position and make the reader
 * return EPARSE or ETOOBIG; documents before the error have been handed
 * to cb already.  Each document gets a fresh scratch arena that the
 * reader frees after cb returns.
 */
int pl_read_yaml(const pl_alloc *a, const char *data, size_t len, const pl_read_limits *lim,
                 podlife_diag *diag, pl_doc_cb cb, void *ud);
int pl_read_json(const pl_alloc *a, const char *data, size_t len, const pl_read_limits *lim,
                 podlife_diag *diag, pl_doc_cb cb, void *ud);

/* Map lookup by key; NULL when absent or when n is not a map. */
pl_node *pl_node_get(const pl_node *map, const char *key);
/* Scalar text or NULL. */
const char *pl_node_text(const pl_node *n);
/* Deep copy into another arena (positions kept). */
pl_node *pl_node_copy(pl_arena *ar, const pl_node *n);
/* Builds a node tree from text of a plain scalar meaning (for tests). */
bool pl_node_is_null_scalar(const pl_node *n);

#endif
