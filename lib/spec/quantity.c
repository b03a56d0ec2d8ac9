/*
 * lib/spec/quantity.c - resource quantities as apimachinery's
 * resource.ParseQuantity reads them (parseQuantityString, the suffixer,
 * the int64 fast path and the inf.Dec path with its nano rounding and
 * 2^63-1 cap), their canonical text (CanonicalizeBytes) and the
 * milli rounding of SetDefaults_ResourceList.
 */
#include <string.h>

#include "podlife/pod.h"
#include "quantity.h"

/* ---- a small fixed-size bignum, base 1e9 ------------------------------------ */

#define BN_LIMBS 20 /* 180 decimal digits */
#define BN_BASE 1000000000u

typedef struct bn {
	uint32_t l[BN_LIMBS]; /* little endian */
	int n;                /* limbs in use; 0 for zero */
} bn;

static void bn_mul_small(bn *b, uint32_t m)
{
	uint64_t carry = 0;
	for (int i = 0; i < b->n; i++) {
		uint64_t v = (uint64_t)b->l[i] * m + carry;
		b->l[i] = (uint32_t)(v % BN_BASE);
		carry = v / BN_BASE;
	}
	while (carry && b->n < BN_LIMBS) {
		b->l[b->n++] = (uint32_t)(carry % BN_BASE);
		carry /= BN_BASE;
	}
	/* callers bound the size, so carry never remains */
}

static void bn_add_small(bn *b, uint32_t a)
{
	uint64_t carry = a;
	for (int i = 0; i < b->n && carry; i++) {
		uint64_t v = (uint64_t)b->l[i] + carry;
		b->l[i] = (uint32_t)(v % BN_BASE);
		carry = v / BN_BASE;
	}
	if (carry && b->n < BN_LIMBS)
		b->l[b->n++] = (uint32_t)carry;
}

/* b /= d; returns the remainder. */
static uint32_t bn_div_small(bn *b, uint32_t d)
{
	uint64_t rem = 0;
	for (int i = b->n - 1; i >= 0; i--) {
		uint64_t cur = rem * BN_BASE + b->l[i];
		b->l[i] = (uint32_t)(cur / d);
		rem = cur % d;
	}
	while (b->n > 0 && b->l[b->n - 1] == 0)
		b->n--;
	return (uint32_t)rem;
}

static int bn_cmp(const bn *a, const bn *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->l[i] != b->l[i])
			return a->l[i] < b->l[i] ? -1 : 1;
	return 0;
}

static void bn_from_digits(bn *b, const char *d, size_t n)
{
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < n; i++) {
		if (b->n == 0) {
			if (d[i] != '0') {
				b->l[0] = (uint32_t)(d[i] - '0');
				b->n = 1;
			}
			continue;
		}
		bn_mul_small(b, 10);
		bn_add_small(b, (uint32_t)(d[i] - '0'));
	}
}

/* Decimal digits of b into out (at least 9 * BN_LIMBS + 1 bytes). */
static size_t bn_to_digits(const bn *b, char *out)
{
	if (b->n == 0) {
		out[0] = '\0';
		return 0;
	}
	size_t len = 0;
	char tmp[16];
	for (int i = b->n - 1; i >= 0; i--) {
		uint32_t v = b->l[i];
		int k = 0;
		for (int j = 0; j < 9; j++) {
			tmp[k++] = (char)('0' + v % 10);
			v /= 10;
		}
		/* most significant limb without leading zeros */
		if (i == b->n - 1)
			while (k > 1 && tmp[k - 1] == '0')
				k--;
		while (k > 0)
			out[len++] = tmp[--k];
	}
	out[len] = '\0';
	return len;
}

/* ---- the value form ---------------------------------------------------------- */

/* Sets q from digits (may have leading/trailing zeros) times 10^exp. */
static void q_set(pl_quantity *q, bool neg, const char *d, size_t n, int64_t exp)
{
	while (n > 0 && *d == '0') {
		d++;
		n--;
	}
	while (n > 0 && d[n - 1] == '0') {
		n--;
		exp++;
	}
	if (n > PL_QTY_DIGITS)
		n = PL_QTY_DIGITS; /* never reached: callers bound the digits */
	memcpy(q->digits, d, n);
	q->digits[n] = '\0';
	q->ndigits = (uint8_t)n;
	q->exp = n ? exp : 0;
	q->neg = n ? neg : false;
}

/* 9223372036854775807 units in nanos. */
static const char cap_nanos[] = "9223372036854775807000000000";

/*
 * The inf.Dec path of ParseQuantity: value = d * 10^x * 2^b (magnitude),
 * rounded up to nano precision and capped at 2^63-1.
 */
static void dec_path(pl_quantity *q, bool neg, const char *d, size_t n, int64_t x, int b)
{
	while (n > 0 && *d == '0') {
		d++;
		n--;
	}
	if (n == 0) {
		q_set(q, false, "", 0, 0);
		return;
	}
	/* Keep 60 significant digits; anything below only matters as "not zero". */
	bool sticky = false;
	if (n > 60) {
		for (size_t i = 60; i < n; i++)
			if (d[i] != '0')
				sticky = true;
		x += (int64_t)(n - 60);
		n = 60;
	}
	int64_t order = (int64_t)n + x; /* 10^(order-1) <= d*10^x < 10^order */
	bn cap;
	bn_from_digits(&cap, cap_nanos, sizeof(cap_nanos) - 1);
	bn v;
	if (order >= 20) {
		v = cap; /* >= 1e19 > 2^63-1 */
	} else if (order < -30) {
		bn_from_digits(&v, "1", 1); /* below 1e-10 even times 2^60: one nano */
	} else {
		bn_from_digits(&v, d, n);
		for (int i = 0; i < b / 10; i++)
			bn_mul_small(&v, 1024);
		int64_t shift = x + 9;
		if (shift >= 0) {
			for (int64_t i = 0; i < shift; i++)
				bn_mul_small(&v, 10);
		} else {
			bool rem = sticky;
			for (int64_t i = 0; i < -shift; i++)
				if (bn_div_small(&v, 10))
					rem = true;
			if (rem) {
				if (v.n == 0) {
					v.l[0] = 1;
					v.n = 1;
				} else {
					bn_add_small(&v, 1);
				}
			}
		}
		if (bn_cmp(&v, &cap) > 0)
			v = cap;
	}
	char buf[9 * BN_LIMBS + 1];
	size_t len = bn_to_digits(&v, buf);
	q_set(q, neg, buf, len, -9);
	/* a binary amount between 0 and 1 is kept as DecimalSI */
	if (q->format == PL_QF_BINARY_SI && len > 0 && len <= 9)
		q->format = PL_QF_DECIMAL_SI;
}

/* ---- parsing ------------------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_suffix_char(char c)
{
	return c && strchr("eEinumkKMGTP", c) != NULL;
}

typedef struct qparts {
	bool positive;
	const char *num; /* leading zeros stripped; "0" when empty */
	size_t num_len;
	const char *denom;
	size_t denom_len;
	const char *suffix;
	size_t suffix_len;
} qparts;

/* parseQuantityString */
static bool split_quantity(const char *s, qparts *p)
{
	size_t pos = 0, end = strlen(s);
	p->positive = true;
	p->num = "0";
	p->num_len = 1;
	p->denom = "";
	p->denom_len = 0;
	p->suffix = "";
	p->suffix_len = 0;
	if (pos < end) {
		if (s[0] == '-') {
			p->positive = false;
			pos++;
		} else if (s[0] == '+') {
			pos++;
		}
	}
	while (pos < end && s[pos] == '0')
		pos++;
	if (pos >= end)
		return true; /* zero */
	size_t i = pos;
	while (i < end && is_digit(s[i]))
		i++;
	if (i >= end) {
		p->num = s + pos;
		p->num_len = end - pos;
		return true;
	}
	if (i > pos) {
		p->num = s + pos;
		p->num_len = i - pos;
	}
	pos = i;
	if (pos < end && s[pos] == '.') {
		pos++;
		i = pos;
		while (i < end && is_digit(s[i]))
			i++;
		p->denom = s + pos;
		p->denom_len = i - pos;
		if (i >= end)
			return true;
		pos = i;
	}
	size_t start = pos;
	i = pos;
	while (i < end && is_suffix_char(s[i]))
		i++;
	if (i >= end) {
		p->suffix = s + start;
		p->suffix_len = end - start;
		return true;
	}
	pos = i;
	if (s[pos] == '-' || s[pos] == '+')
		pos++;
	for (i = pos; i < end; i++)
		if (!is_digit(s[i]))
			return false;
	p->suffix = s + start;
	p->suffix_len = end - start;
	return true;
}

static const struct {
	const char *s;
	int32_t exp;
} dec_suffixes[] = {
	{"n", -9}, {"u", -6}, {"m", -3}, {"", 0}, {"k", 3},
	{"M", 6},  {"G", 9},  {"T", 12}, {"P", 15}, {"E", 18},
};

static const struct {
	const char *s;
	int32_t exp;
} bin_suffixes[] = {
	{"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60},
};

static bool suffix_eq(const char *a, size_t n, const char *b)
{
	return strlen(b) == n && memcmp(a, b, n) == 0;
}

/* suffixHandler.interpret: base 10 or 2, exponent, format. */
static bool interpret_suffix(const char *s, size_t n, int *base, int32_t *exp, pl_qformat *fmt)
{
	for (size_t i = 0; i < PL_ARRAY_LEN(dec_suffixes); i++)
		if (suffix_eq(s, n, dec_suffixes[i].s)) {
			*base = 10;
			*exp = dec_suffixes[i].exp;
			*fmt = PL_QF_DECIMAL_SI;
			return true;
		}
	for (size_t i = 0; i < PL_ARRAY_LEN(bin_suffixes); i++)
		if (suffix_eq(s, n, bin_suffixes[i].s)) {
			*base = 2;
			*exp = bin_suffixes[i].exp;
			*fmt = PL_QF_BINARY_SI;
			return true;
		}
	if (n > 1 && (s[0] == 'e' || s[0] == 'E')) {
		/* strconv.ParseInt(s[1:], 10, 64), then int32() of it */
		size_t i = 1;
		bool neg = false;
		if (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-';
			i++;
		}
		if (i >= n)
			return false;
		uint64_t v = 0;
		for (; i < n; i++) {
			if (!is_digit(s[i]))
				return false;
			unsigned dgt = (unsigned)(s[i] - '0');
			uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
			if (v > (lim - dgt) / 10)
				return false; /* out of int64 range */
			v = v * 10 + dgt;
		}
		uint64_t u = neg ? (uint64_t)0 - v : v;
		*exp = (int32_t)(uint32_t)u; /* Go's int32() conversion wraps */
		*base = 10;
		*fmt = PL_QF_DECIMAL_EXP;
		return true;
	}
	return false;
}

static int32_t wrap32(int64_t v)
{
	return (int32_t)(uint32_t)(uint64_t)v;
}

int pl_quantity_parse(const char *s, pl_quantity *out, const char **errmsg)
{
	const char *dummy;
	if (!errmsg)
		errmsg = &dummy;
	if (!s || !out) {
		*errmsg = PL_QTY_ERR_FORMAT;
		return PODLIFE_EINVAL;
	}
	pl_quantity q;
	memset(&q, 0, sizeof(q));
	if (*s == '\0') {
		*errmsg = PL_QTY_ERR_FORMAT;
		return PODLIFE_EINVAL;
	}
	if (strcmp(s, "0") == 0) {
		q_set(&q, false, "", 0, 0);
		q.format = PL_QF_DECIMAL_SI;
		q.canonical = true;
		*out = q;
		return PODLIFE_OK;
	}
	qparts p;
	if (!split_quantity(s, &p)) {
		*errmsg = PL_QTY_ERR_FORMAT;
		return PODLIFE_EINVAL;
	}
	int base;
	int32_t exponent;
	pl_qformat fmt;
	if (!interpret_suffix(p.suffix, p.suffix_len, &base, &exponent, &fmt)) {
		*errmsg = PL_QTY_ERR_SUFFIX;
		return PODLIFE_EINVAL;
	}
	q.format = (uint8_t)fmt;
	bool neg = !p.positive;

	/* num + denom as one digit string */
	char shifted[64];
	size_t sl = p.num_len + p.denom_len;
	if (base == 10) {
		int32_t precision = 18 - (int32_t)sl;
		if (precision >= 0) {
			int32_t scale = wrap32((int64_t)exponent - (int64_t)p.denom_len);
			if (scale >= -9) {
				/* int64Amount fast path: exact */
				memcpy(shifted, p.num, p.num_len);
				memcpy(shifted + p.num_len, p.denom, p.denom_len);
				shifted[sl] = '\0';
				q_set(&q, neg, shifted, sl, scale);
				q.is_int64 = true;
				q.scale = scale;
				for (size_t i = 0; i < sl; i++)
					q.amount = q.amount * 10 + (shifted[i] - '0');
				if (neg)
					q.amount = -q.amount;
				q.canonical = scale % 3 == 0 &&
				              !(sl >= 3 && memcmp(shifted + sl - 3, "000", 3) == 0) &&
				              shifted[0] != '0';
				*out = q;
				return PODLIFE_OK;
			}
		}
		/* inf.Dec: scale = len(denom) + (-exponent), as int32 */
		int32_t dscale = wrap32((int64_t)p.denom_len + (int64_t)wrap32(-(int64_t)exponent));
		/* the digits may be long: feed num and denom separately */
		if (sl < sizeof(shifted)) {
			memcpy(shifted, p.num, p.num_len);
			memcpy(shifted + p.num_len, p.denom, p.denom_len);
			dec_path(&q, neg, shifted, sl, -(int64_t)dscale, 0);
		} else {
			/* Long input: the value only needs its leading digits. */
			char big[128];
			size_t take = 0, extra = 0;
			bool sticky = false;
			const char *parts[2] = {p.num, p.denom};
			size_t lens[2] = {p.num_len, p.denom_len};
			bool leading = true;
			for (int k = 0; k < 2; k++)
				for (size_t i = 0; i < lens[k]; i++) {
					char c = parts[k][i];
					if (leading && c == '0')
						continue; /* does not change the value */
					leading = false;
					if (take < 100)
						big[take++] = c;
					else {
						extra++;
						if (c != '0')
							sticky = true;
					}
				}
			if (sticky && take > 0 && take < sizeof(big) - 1) {
				/* a nonzero digit below: one more nonzero digit keeps "above" */
				big[take++] = '1';
				extra--;
			}
			dec_path(&q, neg, big, take, -(int64_t)dscale + (int64_t)extra, 0);
		}
		*out = q;
		return PODLIFE_OK;
	}

	/* binary */
	if (exponent >= 0 && p.denom_len == 0) {
		int32_t precision = 15 - (int32_t)p.num_len - (int32_t)((float)exponent * 3 / 10) - 1;
		if (precision >= 0) {
			uint64_t v = 0;
			for (size_t i = 0; i < p.num_len; i++)
				v = v * 10 + (uint64_t)(p.num[i] - '0');
			/* int64Multiply(value, 1<<exponent) */
			if (v == 0 || v <= ((uint64_t)INT64_MAX >> exponent)) {
				uint64_t r = v << exponent;
				char buf[32];
				int k = 0;
				char tmp[32];
				do {
					tmp[k++] = (char)('0' + r % 10);
					r /= 10;
				} while (r);
				for (int i = 0; i < k; i++)
					buf[i] = tmp[k - 1 - i];
				q_set(&q, neg, buf, (size_t)k, 0);
				q.is_int64 = true;
				q.amount = neg ? -(int64_t)(v << exponent) : (int64_t)(v << exponent);
				q.scale = 0;
				q.canonical = (v & 7) != 0;
				*out = q;
				return PODLIFE_OK;
			}
		}
	}
	{
		int64_t x = -(int64_t)p.denom_len;
		if (sl < sizeof(shifted)) {
			memcpy(shifted, p.num, p.num_len);
			memcpy(shifted + p.num_len, p.denom, p.denom_len);
			dec_path(&q, neg, shifted, sl, x, exponent);
		} else {
			/* keep 100 leading digits, as above */
			char big[128];
			size_t take = 0, extra = 0;
			bool sticky = false, leading = true;
			const char *parts[2] = {p.num, p.denom};
			size_t lens[2] = {p.num_len, p.denom_len};
			for (int k = 0; k < 2; k++)
				for (size_t i = 0; i < lens[k]; i++) {
					char c = parts[k][i];
					if (leading && c == '0')
						continue;
					leading = false;
					if (take < 100)
						big[take++] = c;
					else {
						extra++;
						if (c != '0')
							sticky = true;
					}
				}
			if (sticky && take > 0) {
				big[take++] = '1';
				extra--;
			}
			dec_path(&q, neg, big, take, x + (int64_t)extra, exponent);
		}
	}
	*out = q;
	return PODLIFE_OK;
}

/* ---- comparisons ------------------------------------------------------------- */

static int cmp_mag(const pl_quantity *a, const pl_quantity *b)
{
	if (a->ndigits == 0 || b->ndigits == 0)
		return (a->ndigits != 0) - (b->ndigits != 0);
	int64_t oa = (int64_t)a->ndigits + a->exp, ob = (int64_t)b->ndigits + b->exp;
	if (oa != ob)
		return oa < ob ? -1 : 1;
	int c = strcmp(a->digits, b->digits);
	return c < 0 ? -1 : c > 0;
}

int pl_quantity_cmp(const pl_quantity *a, const pl_quantity *b)
{
	int sa = a->ndigits ? (a->neg ? -1 : 1) : 0;
	int sb = b->ndigits ? (b->neg ? -1 : 1) : 0;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (sa == 0)
		return 0;
	int m = cmp_mag(a, b);
	return sa < 0 ? -m : m;
}

bool pl_quantity_is_zero(const pl_quantity *q)
{
	return q->ndigits == 0;
}

bool pl_quantity_is_negative(const pl_quantity *q)
{
	return q->ndigits != 0 && q->neg;
}

bool pl_quantity_is_integer(const pl_quantity *q)
{
	return q->ndigits == 0 || q->exp >= 0;
}

/*
 * Magnitude rounded up to 10^-places precision, as an integer digit string
 * (count of 10^-places units) in out (room for 64 bytes).  false when it
 * has more than 40 digits.
 */
static bool scaled_digits(const pl_quantity *q, int places, char *out, size_t *len)
{
	if (q->ndigits == 0) {
		strcpy(out, "0");
		*len = 1;
		return true;
	}
	int64_t e = q->exp + places; /* value = digits * 10^e units */
	if (e >= 0) {
		if ((int64_t)q->ndigits + e > 40)
			return false;
		memcpy(out, q->digits, q->ndigits);
		for (int64_t i = 0; i < e; i++)
			out[q->ndigits + i] = '0';
		*len = q->ndigits + (size_t)e;
		out[*len] = '\0';
		return true;
	}
	/* drop -e digits, round up when any of them is nonzero (they all are
	 * significant, and the last one is nonzero) */
	int64_t keep = (int64_t)q->ndigits + e;
	if (keep <= 0) {
		strcpy(out, "1");
		*len = 1;
		return true;
	}
	memcpy(out, q->digits, (size_t)keep);
	out[keep] = '\0';
	/* increment */
	int64_t i = keep - 1;
	while (i >= 0 && out[i] == '9') {
		out[i] = '0';
		i--;
	}
	if (i >= 0) {
		out[i]++;
		*len = (size_t)keep;
	} else {
		memmove(out + 1, out, (size_t)keep + 1);
		out[0] = '1';
		*len = (size_t)keep + 1;
	}
	return true;
}

bool pl_quantity_milli(const pl_quantity *q, int64_t *outv)
{
	char d[64];
	size_t n;
	if (!scaled_digits(q, 3, d, &n) || n > 19)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned dg = (unsigned)(d[i] - '0');
		if (v > ((uint64_t)INT64_MAX - dg) / 10)
			return false;
		v = v * 10 + dg;
	}
	*outv = q->neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* ---- canonical text ---------------------------------------------------------- */

static size_t put(char *buf, size_t n, size_t at, const char *s)
{
	size_t l = strlen(s);
	for (size_t i = 0; i < l; i++)
		if (at + i + 1 < n)
			buf[at + i] = s[i];
	return at + l;
}

static size_t put_i64(char *buf, size_t n, size_t at, int64_t v)
{
	char tmp[32];
	int k = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[k++] = '-';
	char s[32];
	for (int i = 0; i < k; i++)
		s[i] = tmp[k - 1 - i];
	s[k] = '\0';
	return put(buf, n, at, s);
}

/* AsCanonicalBytes + the decimal suffix */
static size_t format_decimal(const pl_quantity *q, pl_qformat fmt, char *buf, size_t n)
{
	size_t at = 0;
	if (q->neg)
		at = put(buf, n, at, "-");
	int64_t e = q->exp;
	int64_t r = ((e % 3) + 3) % 3; /* digits to append so e becomes a multiple of 3 */
	at = put(buf, n, at, q->digits);
	for (int64_t i = 0; i < r; i++)
		at = put(buf, n, at, "0");
	e -= r;
	if (fmt == PL_QF_DECIMAL_EXP) {
		if (e != 0) {
			at = put(buf, n, at, "e");
			at = put_i64(buf, n, at, e);
		}
		return at;
	}
	for (size_t i = 0; i < PL_ARRAY_LEN(dec_suffixes); i++)
		if (dec_suffixes[i].exp == e)
			return put(buf, n, at, dec_suffixes[i].s);
	at = put(buf, n, at, "e");
	return put_i64(buf, n, at, e);
}

/* Magnitude as a uint64 when it is a whole number that fits. */
static bool whole_u64(const pl_quantity *q, uint64_t *out)
{
	if (q->ndigits == 0) {
		*out = 0;
		return true;
	}
	if (q->exp < 0 || (int64_t)q->ndigits + q->exp > 20)
		return false;
	uint64_t v = 0;
	for (int64_t i = 0; i < (int64_t)q->ndigits + q->exp; i++) {
		unsigned dg = i < q->ndigits ? (unsigned)(q->digits[i] - '0') : 0;
		if (v > (UINT64_MAX - dg) / 10)
			return false;
		v = v * 10 + dg;
	}
	*out = v;
	return true;
}

size_t pl_quantity_format(const pl_quantity *q, char *buf, size_t n)
{
	size_t at;
	uint64_t v;
	if (q->ndigits == 0) {
		at = put(buf, n, 0, "0");
	} else if (q->format == PL_QF_BINARY_SI && whole_u64(q, &v) && v >= 1024) {
		/* AsCanonicalBase1024Bytes */
		int k = 0;
		while (v % 1024 == 0 && k < 6) {
			v /= 1024;
			k++;
		}
		at = 0;
		if (q->neg)
			at = put(buf, n, at, "-");
		at = put_i64(buf, n, at, (int64_t)v);
		if (k > 0)
			at = put(buf, n, at, bin_suffixes[k - 1].s);
	} else {
		/* BinarySI below 1024 or with a fraction is shown as DecimalSI */
		pl_qformat f = q->format == PL_QF_DECIMAL_EXP ? PL_QF_DECIMAL_EXP : PL_QF_DECIMAL_SI;
		at = format_decimal(q, f, buf, n);
	}
	if (n)
		buf[at < n ? at : n - 1] = '\0';
	return at + 1;
}

const char *pl_quantity_string(pl_arena *ar, const char *s)
{
	pl_quantity q;
	if (pl_quantity_parse(s, &q, NULL) != PODLIFE_OK)
		return NULL;
	if (q.canonical)
		return s;
	char buf[96];
	pl_quantity_format(&q, buf, sizeof(buf));
	return pl_arena_strdup(ar, buf);
}

static bool go_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

const char *pl_quantity_trim(pl_arena *ar, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	size_t a = 0;
	while (a < n && go_space(s[a]))
		a++;
	while (n > a && go_space(s[n - 1]))
		n--;
	if (a == 0 && s[n] == '\0')
		return s;
	return pl_arena_strndup(ar, s + a, n - a);
}

const char *pl_quantity_round_milli(pl_arena *ar, const char *s)
{
	pl_quantity q;
	/* Quantity.UnmarshalJSON trims spaces before ParseQuantity */
	s = pl_quantity_trim(ar, s);
	if (!s || pl_quantity_parse(s, &q, NULL) != PODLIFE_OK)
		return NULL;
	if (q.ndigits == 0 || q.exp >= -3)
		return s; /* already milli-precise */
	char d[64];
	size_t len;
	if (!scaled_digits(&q, 3, d, &len))
		return NULL; /* cannot happen: sub-milli values are small */
	pl_quantity r;
	memset(&r, 0, sizeof(r));
	q_set(&r, q.neg, d, len, -3);
	r.format = q.format;
	char buf[96];
	pl_quantity_format(&r, buf, sizeof(buf));
	return pl_arena_strdup(ar, buf);
}

int podlife_quantity_parse_milli(const char *text, int64_t *milli, podlife_error **err)
{
	if (err)
		*err = NULL;
	if (!text || !milli)
		return PODLIFE_EINVAL;
	pl_quantity q;
	const char *msg = NULL;
	if (pl_quantity_parse(text, &q, &msg) != PODLIFE_OK) {
		if (err)
			*err = pl_error_new(pl_alloc_default(), PODLIFE_EINVAL, "%s", msg);
		return PODLIFE_EINVAL;
	}
	int64_t v;
	if (!pl_quantity_milli(&q, &v)) {
		if (err)
			*err = pl_error_new(pl_alloc_default(), PODLIFE_ETOOBIG,
			                    "quantity %s does not fit in int64 thousandths", text);
		return PODLIFE_ETOOBIG;
	}
	*milli = v;
	return PODLIFE_OK;
}
