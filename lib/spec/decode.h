/*
 * lib/spec/decode.h - document tree -> typed model, driven by the schema.
 */
#ifndef PL_DECODE_H
#define PL_DECODE_H

#include "model.h"

typedef struct pl_decoder {
	pl_arena *ar;        /* where the model goes */
	podlife_diag *diag;
	bool strict;         /* unknown fields and duplicate keys are errors */
	bool failed;         /* an error was reported */
	bool oom;
	pl_buf path;         /* current field path */
} pl_decoder;

/* `prefix` is put in front of every path ("spec.template." for templates). */
void pl_decoder_init(pl_decoder *d, pl_arena *ar, podlife_diag *diag, bool strict,
                     const char *prefix);
void pl_decoder_free(pl_decoder *d);
/* Decodes map node n as an object of schema s; NULL on a type error. */
void *pl_decode(pl_decoder *d, const pl_node *n, const pl_schema *s);

#endif
