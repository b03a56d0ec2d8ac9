/*
 * lib/spec/quantity.h - Kubernetes resource quantities ("500m", "1.5Gi",
 * "2e3") parsed exactly as apimachinery's resource.ParseQuantity accepts
 * them, into a form that compares without overflow.
 *
 * Like ParseQuantity, a value that does not fit its int64 fast path
 * (more than 18 digits, sub-nano digits, fractional or huge binary
 * values) is rounded up (away from zero) to nano precision and capped at
 * 2^63-1 in magnitude, while "1e100" stays exact.  All functions are pure and
 * thread-safe; nothing is allocated except by pl_quantity_round_milli and
 * pl_quantity_string, which allocate in the given arena.
 */
#ifndef PL_QUANTITY_H
#define PL_QUANTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/common.h"

/* Formats as resource.Format. */
typedef enum pl_qformat {
	PL_QF_DECIMAL_SI = 0, /* "", k, M, G, ... and n, u, m */
	PL_QF_BINARY_SI,      /* Ki, Mi, ... */
	PL_QF_DECIMAL_EXP     /* e3, E-2 */
} pl_qformat;

/*
 * value = (neg ? -1 : 1) * digits * 10^exp.  digits holds the significant
 * decimal digits without leading or trailing zeros ("" for zero).  A value
 * kept exactly by ParseQuantity has at most 19 of them; one it rounded has
 * at most 28 (nano precision, magnitude capped at 2^63-1).
 */
#define PL_QTY_DIGITS 40
typedef struct pl_quantity {
	bool neg;        /* never set for zero */
	uint8_t ndigits;
	char digits[PL_QTY_DIGITS + 1];
	int64_t exp;
	uint8_t format;  /* pl_qformat */
	bool canonical;  /* Quantity.String() prints the input back as given */
	/* The int64Amount ParseQuantity kept (value * 10^scale), when it took
	 * the fast path; Go prints it in some messages. */
	bool is_int64;
	int64_t amount;
	int32_t scale;
} pl_quantity;

/* Messages of resource.ErrFormatWrong and resource.ErrSuffix. */
#define PL_QTY_ERR_FORMAT                                                                   \
	"quantities must match the regular expression "                                     \
	"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#define PL_QTY_ERR_SUFFIX "unable to parse quantity's suffix"

/*
 * Parses s (NUL-terminated).  PODLIFE_OK, or PODLIFE_EINVAL with a static
 * message in *errmsg (when errmsg is not NULL); *q is untouched on error.
 */
int pl_quantity_parse(const char *s, pl_quantity *q, const char **errmsg);
/* -1, 0 or 1 as a < b, a == b, a > b. */
int pl_quantity_cmp(const pl_quantity *a, const pl_quantity *b);
bool pl_quantity_is_zero(const pl_quantity *q);
bool pl_quantity_is_negative(const pl_quantity *q);
/* No fractional part (what MilliValue() % 1000 == 0 checks). */
bool pl_quantity_is_integer(const pl_quantity *q);
/*
 * Value in thousandths, rounded up (away from zero) as MilliValue() does.
 * false when it does not fit in an int64.
 */
bool pl_quantity_milli(const pl_quantity *q, int64_t *out);

/*
 * Canonical text of q as Quantity.String() prints a value it did not keep
 * the input of: "1500m", "2Gi", "1e3".  Writes at most n bytes (NUL
 * included); returns the length it needed (64 always suffices).
 */
size_t pl_quantity_format(const pl_quantity *q, char *buf, size_t n);

/*
 * What Quantity.String() prints for the text s: s itself when the parser
 * keeps it, else the canonical form (in the arena).  NULL when s does not
 * parse or on OOM.
 */
const char *pl_quantity_string(pl_arena *ar, const char *s);

/*
 * s without the leading and trailing white space that Quantity.UnmarshalJSON
 * trims before parsing: s itself when there is none, else a copy in the
 * arena (NULL on OOM).
 */
const char *pl_quantity_trim(pl_arena *ar, const char *s);

/*
 * SetDefaults_ResourceList: round up to milli precision.  Returns s itself
 * when already milli-precise, else a new canonical string in the arena
 * (e.g. "0.0001" -> "1m").  Surrounding white space is trimmed first, as
 * the JSON decoder does (the trimmed copy is returned).  NULL on a parse
 * error or OOM.
 */
const char *pl_quantity_round_milli(pl_arena *ar, const char *s);

#endif
