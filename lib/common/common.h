/*
 * lib/common/common.h - internal helpers shared by every module:
 * allocation through the host's hooks, growable strings, an arena for
 * objects freed all at once, and diagnostics construction.
 */
#ifndef PL_COMMON_H
#define PL_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podlife/common.h"

#define PL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PL_UNUSED(x) ((void)(x))

#if defined(__GNUC__)
#define PL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PL_PRINTF(f, a)
#endif

/* ---- allocation ------------------------------------------------------ */

/* Resolved allocator; NULL fields never occur after pl_alloc_resolve. */
typedef struct pl_alloc {
	void *(*malloc)(void *ud, size_t size);
	void *(*realloc)(void *ud, void *ptr, size_t size);
	void (*free)(void *ud, void *ptr);
	void *ud;
} pl_alloc;

/* Copies the host's hooks (or libc's when NULL). EVERSION on a bad version. */
int pl_alloc_resolve(pl_alloc *out, const podlife_allocator *in);
/* The libc allocator. */
const pl_alloc *pl_alloc_default(void);

void *pl_malloc(const pl_alloc *a, size_t n);
void *pl_calloc(const pl_alloc *a, size_t n, size_t size);
void *pl_realloc(const pl_alloc *a, void *p, size_t n);
void pl_free(const pl_alloc *a, void *p);
char *pl_strdup(const pl_alloc *a, const char *s);
char *pl_strndup(const pl_alloc *a, const char *s, size_t n);

/* ---- growable string --------------------------------------------------- */

typedef struct pl_buf {
	const pl_alloc *a;
	char *data; /* always NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap;
	bool oom; /* sticky: an append failed */
} pl_buf;

void pl_buf_init(pl_buf *b, const pl_alloc *a);
void pl_buf_append(pl_buf *b, const char *s, size_t n);
void pl_buf_puts(pl_buf *b, const char *s);
void pl_buf_putc(pl_buf *b, char c);
void pl_buf_printf(pl_buf *b, const char *fmt, ...) PL_PRINTF(2, 3);
void pl_buf_vprintf(pl_buf *b, const char *fmt, va_list ap) PL_PRINTF(2, 0);
/* Appends a decimal number. */
void pl_buf_put_size(pl_buf *b, size_t v);
/*
 * A printf for field paths without the C library's printf: only %s and
 * %zu are understood (field names, map keys, list indexes).
 */
void pl_buf_vpath(pl_buf *b, const char *fmt, va_list ap);
/* Appends s as a Go %q quoted string ("..." with escapes). */
void pl_buf_quote(pl_buf *b, const char *s);
/* Returns the string (owned, "" if empty) and resets b; NULL on OOM. */
char *pl_buf_take(pl_buf *b);
const char *pl_buf_cstr(pl_buf *b);
void pl_buf_free(pl_buf *b);

/* ---- arena ------------------------------------------------------------- */

/*
 * Bump allocator: objects of one parse live in one arena and are freed
 * together, so a failure half way leaves nothing behind.
 */
typedef struct pl_arena_block pl_arena_block;
typedef struct pl_arena {
	const pl_alloc *a;
	pl_arena_block *head;
	size_t used_total;
	bool oom;
} pl_arena;

void pl_arena_init(pl_arena *ar, const pl_alloc *a);
void *pl_arena_alloc(pl_arena *ar, size_t n); /* zeroed, 16-byte aligned */
char *pl_arena_strdup(pl_arena *ar, const char *s);
char *pl_arena_strndup(pl_arena *ar, const char *s, size_t n);
char *pl_arena_printf(pl_arena *ar, const char *fmt, ...) PL_PRINTF(2, 3);
void pl_arena_free(pl_arena *ar);

/* ---- diagnostics ------------------------------------------------------- */

struct podlife_error {
	pl_alloc a; /* what frees a standalone error */
	int code;
	podlife_severity severity;
	podlife_error_type type;
	unsigned int line, column, document;
	char *path;    /* "" when none */
	char *detail;  /* "" when none */
	char *message; /* full text */
};

struct podlife_diag {
	pl_alloc a;
	podlife_error *items;
	size_t n, cap;
	size_t errors;
	bool oom;
	unsigned int document; /* stamped on entries added from now on */
};

podlife_diag *pl_diag_new(const pl_alloc *a);
/*
 * Adds a field diagnostic.  `value_repr` is the already formatted bad value
 * (e.g. "\"app\"" or "2") or NULL when the type shows none.  Message is
 * built in the API server's format.
 */
void pl_diag_field(podlife_diag *d, podlife_severity sev, podlife_error_type type,
                   const char *path, const char *value_repr, const char *detail,
                   unsigned int line, unsigned int col);
/* Adds a plain (non-field) diagnostic with a printf message. */
void pl_diag_plain(podlife_diag *d, podlife_severity sev, int code, unsigned int line,
                   unsigned int col, const char *fmt, ...) PL_PRINTF(6, 7);
/* Moves every entry of src to the end of dst; src becomes empty. */
void pl_diag_merge(podlife_diag *dst, podlife_diag *src);

/* Allocates a standalone error (for APIs returning podlife_error **). */
podlife_error *pl_error_new(const pl_alloc *a, int code, const char *fmt, ...) PL_PRINTF(3, 4);

/* Formats "<path>: <Type>[: <value>][: <detail>]" into b. */
void pl_format_field_error(pl_buf *b, podlife_error_type type, const char *path,
                           const char *value_repr, const char *detail);

/* ---- small utilities ------------------------------------------------------ */

bool pl_streq(const char *a, const char *b); /* NULL-safe */
/* Reads a whole file (at most max bytes; ETOOBIG beyond). */
int pl_read_file(const pl_alloc *a, const char *path, size_t max, char **out, size_t *len);

#endif
