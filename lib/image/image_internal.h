/*
 * lib/image/image_internal.h - internal pieces of the image module shared
 * between its files and reached by the unit tests: the reference parser
 * in its plain (non-normalising) form, the keyring's URL matcher, Go's
 * filepath.Match, base64 decoding and a small JSON tree whose strings are
 * wiped when freed (docker configs carry passwords).
 */
#ifndef PL_IMAGE_INTERNAL_H
#define PL_IMAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/common.h"
#include "podlife/image.h"

/* ---- references ---------------------------------------------------------- */

/* The parts of a parsed reference; every string owned (pl_alloc). */
typedef struct pl_ref_parts {
	char *domain; /* "" when none (plain Parse only) */
	char *path;
	char *tag;    /* NULL when none */
	char *digest; /* NULL when none */
} pl_ref_parts;

/*
 * distribution/reference Parse (v0.6.0 length rule, go-digest v1.0.0
 * digest validation).  On failure returns EINVAL and *errmsg points to a
 * static message.  `s` need not be NUL-terminated.
 */
int pl_ref_parse_plain(const pl_alloc *a, const char *s, size_t n, pl_ref_parts *out,
                       const char **errmsg);
/*
 * ParseNormalizedNamed.  On failure returns EINVAL (or ENOMEM) and, when
 * errmsg is not NULL, an owned message in *errmsg.
 */
int pl_ref_parse_normalized(const pl_alloc *a, const char *s, size_t n, pl_ref_parts *out,
                            char **errmsg);
void pl_ref_parts_free(const pl_alloc *a, pl_ref_parts *p);

/* Go's strings.ToLower(s) != s, Unicode-aware (invalid UTF-8 counts). */
bool pl_ref_has_upper(const char *s, size_t n);

/* ---- keyring helpers ------------------------------------------------------ */

/* Go's path/filepath.Match on Unix; a bad pattern does not match. */
bool pl_glob_match(const char *pattern, size_t plen, const char *name, size_t nlen);
/* credentialprovider URLsMatchStr: true when `target` matches `glob`. */
bool pl_urls_match_str(const pl_alloc *a, const char *glob, const char *target);
/* The same; ENOMEM when memory ran out (an unparseable URL only does not match). */
int pl_urls_match(const pl_alloc *a, const char *glob, const char *target, bool *match);
/* credentialprovider isDefaultRegistryMatch. */
bool pl_is_default_registry_match(const char *image);
/*
 * The key BasicDockerKeyring.Add files an entry under, owned in *key;
 * EINVAL when the registry string is not a URL Go would parse.
 */
int pl_keyring_normalize_key(const pl_alloc *a, const char *registry, char **key);

/*
 * Base64 as Go's encoding/base64: `padded` selects StdEncoding (padding
 * required) versus RawStdEncoding (no padding).  '\r' and '\n' are
 * skipped.  *out is owned (NUL-terminated, may contain NULs), *outlen its
 * length.  EPARSE on bad input, with *bad_at the offending input offset.
 */
int pl_base64_decode(const pl_alloc *a, const char *in, size_t n, bool padded, char **out,
                     size_t *outlen, size_t *bad_at);

/* Overwrites n bytes so the compiler cannot drop the store. */
void pl_wipe(void *p, size_t n);
/* Wipes a NUL-terminated string and frees it. */
void pl_free_secret(const pl_alloc *a, char *s);

/* ---- JSON tree -------------------------------------------------------------- */

typedef enum pl_jkind {
	PL_J_NULL = 0,
	PL_J_BOOL,
	PL_J_NUMBER,
	PL_J_STRING,
	PL_J_ARRAY,
	PL_J_OBJECT
} pl_jkind;

typedef struct pl_jnode pl_jnode;
typedef struct pl_jmember {
	char *key;
	size_t klen;
	pl_jnode *val;
} pl_jmember;

struct pl_jnode {
	pl_jkind kind;
	bool b;
	char *str; /* STRING (decoded, NUL-terminated) and NUMBER (text) */
	size_t len;
	pl_jnode **items; /* ARRAY */
	pl_jmember *members; /* OBJECT, in document order */
	size_t n;
	unsigned int line, column;
};

/*
 * Parses one JSON value (RFC 8259, as Go's encoding/json accepts it;
 * nesting deeper than 128 is refused).  On failure returns EPARSE and
 * sets *line / *col; the message never quotes the input.
 */
int pl_json_parse(const pl_alloc *a, const char *data, size_t len, pl_jnode **out,
                  unsigned int *line, unsigned int *col, const char **errmsg);
/* Frees the tree, wiping every string in it. */
void pl_json_free(const pl_alloc *a, pl_jnode *n);
/* Last member whose key equals `key` exactly, or NULL. */
pl_jnode *pl_json_get(const pl_jnode *obj, const char *key);
/* Case-insensitive (ASCII) lookup as Go's encoding/json field matching. */
bool pl_json_key_fold_eq(const pl_jmember *m, const char *key);

#endif
