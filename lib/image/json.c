/*
 * lib/image/json.c - the small JSON reader used for docker configs and
 * JSON Secrets, Go-compatible base64 decoding, and memory wiping.
 *
 * Docker configs carry passwords, so this reader (unlike a general JSON
 * library) allocates every string once at its final size, never quotes
 * the input in an error, and wipes every string when the tree is freed.
 *
 * Thread-safety: no shared state.
 */
#include <string.h>

#include "image_internal.h"

#define JSON_MAX_DEPTH 128

void pl_wipe(void *p, size_t n)
{
	if (!p || n == 0)
		return;
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PL_WIPE_INSTRUMENTED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PL_WIPE_INSTRUMENTED 1
#endif
#if (defined(__GLIBC__) || defined(__OpenBSD__) || defined(__FreeBSD__)) && \
	!defined(PL_WIPE_INSTRUMENTED)
	explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
#endif
}

void pl_free_secret(const pl_alloc *a, char *s)
{
	if (!s)
		return;
	pl_wipe(s, strlen(s));
	pl_free(a, s);
}

/* ---- base64 (encoding/base64 StdEncoding / RawStdEncoding) --------------------------- */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int pl_base64_decode(const pl_alloc *a, const char *in, size_t n, bool padded, char **out,
                     size_t *outlen, size_t *bad_at)
{
	size_t cap = n / 4 * 3 + 4;
	unsigned char *buf = pl_malloc(a, cap);
	if (!buf)
		return PODLIFE_ENOMEM;
	size_t o = 0, got = 0, i = 0;
	unsigned long q = 0;
	*bad_at = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			/* padding ends the data: "xx==" or "xxx=" */
			if (!padded || got < 2)
				goto bad;
			if (got == 2) {
				do
					i++;
				while (i < n && (in[i] == '\r' || in[i] == '\n'));
				if (i >= n || in[i] != '=')
					goto bad;
			}
			q <<= 6 * (4 - got);
			buf[o++] = (unsigned char)(q >> 16);
			if (got == 3)
				buf[o++] = (unsigned char)(q >> 8);
			for (i++; i < n; i++)
				if (in[i] != '\r' && in[i] != '\n')
					goto bad;
			got = 0;
			break;
		}
		int d = b64_value(c);
		if (d < 0)
			goto bad;
		q = (q << 6) | (unsigned long)d;
		if (++got == 4) {
			buf[o++] = (unsigned char)(q >> 16);
			buf[o++] = (unsigned char)(q >> 8);
			buf[o++] = (unsigned char)q;
			got = 0;
			q = 0;
		}
	}
	if (got != 0) {
		/* an incomplete final quantum: RawStdEncoding only, 2 or 3 symbols */
		if (padded || got == 1)
			goto bad;
		q <<= 6 * (4 - got);
		buf[o++] = (unsigned char)(q >> 16);
		if (got == 3)
			buf[o++] = (unsigned char)(q >> 8);
	}
	buf[o] = '\0';
	*out = (char *)buf;
	*outlen = o;
	return PODLIFE_OK;
bad:
	*bad_at = i;
	pl_wipe(buf, cap);
	pl_free(a, buf);
	return PODLIFE_EPARSE;
}

/* ---- JSON ------------------------------------------------------------------------------ */

typedef struct jparser {
	const pl_alloc *a;
	const char *s;
	size_t n, i;
	const char *err;
	size_t err_at;
	bool oom;
} jparser;

static void jskip_ws(jparser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
	                       p->s[p->i] == '\r'))
		p->i++;
}

static void jfail(jparser *p, const char *msg)
{
	if (!p->err) {
		p->err = msg;
		p->err_at = p->i;
	}
}

void pl_json_free(const pl_alloc *a, pl_jnode *n)
{
	if (!n)
		return;
	if (n->str) {
		pl_wipe(n->str, n->len);
		pl_free(a, n->str);
	}
	if (n->kind == PL_J_ARRAY) {
		for (size_t i = 0; i < n->n; i++)
			pl_json_free(a, n->items[i]);
		pl_free(a, n->items);
	} else if (n->kind == PL_J_OBJECT) {
		for (size_t i = 0; i < n->n; i++) {
			pl_wipe(n->members[i].key, n->members[i].klen);
			pl_free(a, n->members[i].key);
			pl_json_free(a, n->members[i].val);
		}
		pl_free(a, n->members);
	}
	pl_free(a, n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long read_u4(const char *s)
{
	long v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hexval(s[k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t put_utf8(char *o, long r)
{
	if (r < 0x80) {
		o[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		o[0] = (char)(0xc0 | (r >> 6));
		o[1] = (char)(0x80 | (r & 0x3f));
		return 2;
	}
	if (r < 0x10000) {
		o[0] = (char)(0xe0 | (r >> 12));
		o[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		o[2] = (char)(0x80 | (r & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (r >> 18));
	o[1] = (char)(0x80 | ((r >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((r >> 6) & 0x3f));
	o[3] = (char)(0x80 | (r & 0x3f));
	return 4;
}

/* Parses a string at p->i (which is '"'); the result is allocated once. */
static char *jstring(jparser *p, size_t *len)
{
	size_t start = ++p->i;
	size_t end = start;
	/* find the closing quote and validate */
	while (end < p->n) {
		unsigned char c = (unsigned char)p->s[end];
		if (c == '"')
			break;
		if (c < 0x20) {
			p->i = end;
			jfail(p, "invalid character in string literal");
			return NULL;
		}
		if (c == '\\') {
			if (end + 1 >= p->n)
				break;
			char e = p->s[end + 1];
			if (e == 'u') {
				if (end + 6 > p->n || read_u4(p->s + end + 2) < 0) {
					p->i = end;
					jfail(p, "invalid character in string escape code");
					return NULL;
				}
				end += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e) || e == '\0') {
				p->i = end;
				jfail(p, "invalid character in string escape code");
				return NULL;
			}
			end += 2;
			continue;
		}
		end++;
	}
	if (end >= p->n) {
		p->i = p->n;
		jfail(p, "unexpected end of JSON input");
		return NULL;
	}
	/* decoded length never exceeds the raw length (\uXXXX: 6 raw -> at most 3,
	 * a surrogate pair 12 -> 4, a lone surrogate 6 -> 3) */
	char *o = pl_malloc(p->a, end - start + 1);
	if (!o) {
		p->oom = true;
		return NULL;
	}
	size_t k = 0;
	for (size_t j = start; j < end;) {
		char c = p->s[j];
		if (c != '\\') {
			o[k++] = c;
			j++;
			continue;
		}
		char e = p->s[j + 1];
		j += 2;
		switch (e) {
		case 'b': o[k++] = '\b'; break;
		case 'f': o[k++] = '\f'; break;
		case 'n': o[k++] = '\n'; break;
		case 'r': o[k++] = '\r'; break;
		case 't': o[k++] = '\t'; break;
		case 'u': {
			long r = read_u4(p->s + j);
			j += 4;
			if (r >= 0xd800 && r < 0xdc00) {
				long lo = -1;
				if (j + 6 <= end && p->s[j] == '\\' && p->s[j + 1] == 'u')
					lo = read_u4(p->s + j + 2);
				if (lo >= 0xdc00 && lo < 0xe000) {
					r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
					j += 6;
				} else {
					r = 0xfffd;
				}
			} else if (r >= 0xdc00 && r < 0xe000) {
				r = 0xfffd;
			}
			k += put_utf8(o + k, r);
			break;
		}
		default: o[k++] = e; break;
		}
	}
	o[k] = '\0';
	*len = k;
	p->i = end + 1;
	return o;
}

static bool jnumber(jparser *p)
{
	size_t i = p->i;
	const char *s = p->s;
	if (i < p->n && s[i] == '-')
		i++;
	if (i >= p->n)
		goto bad;
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		goto bad;
	}
	if (i < p->n && s[i] == '.') {
		i++;
		if (i >= p->n || s[i] < '0' || s[i] > '9')
			goto bad;
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < p->n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= p->n || s[i] < '0' || s[i] > '9')
			goto bad;
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	p->i = i;
	return true;
bad:
	p->i = i;
	jfail(p, "invalid character in numeric literal");
	return false;
}

static void pos_of(const char *s, size_t at, unsigned int *line, unsigned int *col)
{
	unsigned int l = 1, c = 1;
	for (size_t i = 0; i < at; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static pl_jnode *jvalue(jparser *p, int depth)
{
	jskip_ws(p);
	if (p->i >= p->n) {
		jfail(p, "unexpected end of JSON input");
		return NULL;
	}
	if (depth > JSON_MAX_DEPTH) {
		jfail(p, "exceeded max depth");
		return NULL;
	}
	pl_jnode *node = pl_calloc(p->a, 1, sizeof(*node));
	if (!node) {
		p->oom = true;
		return NULL;
	}
	node->column = (unsigned int)p->i; /* offset; converted by the caller when needed */
	char c = p->s[p->i];
	if (c == '{') {
		node->kind = PL_J_OBJECT;
		p->i++;
		size_t cap = 0;
		jskip_ws(p);
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			return node;
		}
		for (;;) {
			jskip_ws(p);
			if (p->i >= p->n) {
				jfail(p, "unexpected end of JSON input");
				goto fail;
			}
			if (p->s[p->i] != '"') {
				jfail(p, "invalid character looking for beginning of object key string");
				goto fail;
			}
			size_t klen = 0;
			char *key = jstring(p, &klen);
			if (!key)
				goto fail;
			if (node->n == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				pl_jmember *m = pl_realloc(p->a, node->members, ncap * sizeof(*m));
				if (!m) {
					pl_wipe(key, klen);
					pl_free(p->a, key);
					p->oom = true;
					goto fail;
				}
				node->members = m;
				cap = ncap;
			}
			pl_jmember *m = &node->members[node->n++];
			m->key = key;
			m->klen = klen;
			m->val = NULL;
			jskip_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				jfail(p, p->i >= p->n ? "unexpected end of JSON input"
				                      : "invalid character after object key");
				goto fail;
			}
			p->i++;
			m->val = jvalue(p, depth + 1);
			if (!m->val)
				goto fail;
			jskip_ws(p);
			if (p->i >= p->n) {
				jfail(p, "unexpected end of JSON input");
				goto fail;
			}
			if (p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->s[p->i] == '}') {
				p->i++;
				return node;
			}
			jfail(p, "invalid character after object key:value pair");
			goto fail;
		}
	}
	if (c == '[') {
		node->kind = PL_J_ARRAY;
		p->i++;
		size_t cap = 0;
		jskip_ws(p);
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			return node;
		}
		for (;;) {
			pl_jnode *v = jvalue(p, depth + 1);
			if (!v)
				goto fail;
			if (node->n == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				pl_jnode **it = pl_realloc(p->a, node->items, ncap * sizeof(*it));
				if (!it) {
					pl_json_free(p->a, v);
					p->oom = true;
					goto fail;
				}
				node->items = it;
				cap = ncap;
			}
			node->items[node->n++] = v;
			jskip_ws(p);
			if (p->i >= p->n) {
				jfail(p, "unexpected end of JSON input");
				goto fail;
			}
			if (p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->s[p->i] == ']') {
				p->i++;
				return node;
			}
			jfail(p, "invalid character after array element");
			goto fail;
		}
	}
	if (c == '"') {
		node->kind = PL_J_STRING;
		node->str = jstring(p, &node->len);
		if (!node->str)
			goto fail;
		return node;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		size_t st = p->i;
		node->kind = PL_J_NUMBER;
		if (!jnumber(p))
			goto fail;
		node->str = pl_strndup(p->a, p->s + st, p->i - st);
		node->len = p->i - st;
		if (!node->str) {
			p->oom = true;
			goto fail;
		}
		return node;
	}
	static const struct {
		const char *lit;
		pl_jkind kind;
		bool b;
	} lits[] = {{"true", PL_J_BOOL, true}, {"false", PL_J_BOOL, false}, {"null", PL_J_NULL, false}};
	for (size_t k = 0; k < PL_ARRAY_LEN(lits); k++) {
		size_t l = strlen(lits[k].lit);
		if (p->n - p->i >= l && memcmp(p->s + p->i, lits[k].lit, l) == 0) {
			node->kind = lits[k].kind;
			node->b = lits[k].b;
			p->i += l;
			return node;
		}
	}
	jfail(p, "invalid character looking for beginning of value");
fail:
	pl_json_free(p->a, node);
	return NULL;
}

static void fix_positions(const char *s, pl_jnode *n)
{
	if (!n)
		return;
	pos_of(s, n->column, &n->line, &n->column);
	if (n->kind == PL_J_ARRAY)
		for (size_t i = 0; i < n->n; i++)
			fix_positions(s, n->items[i]);
	else if (n->kind == PL_J_OBJECT)
		for (size_t i = 0; i < n->n; i++)
			fix_positions(s, n->members[i].val);
}

int pl_json_parse(const pl_alloc *a, const char *data, size_t len, pl_jnode **out,
                  unsigned int *line, unsigned int *col, const char **errmsg)
{
	jparser p = {.a = a, .s = data, .n = len};
	*line = *col = 0;
	*errmsg = NULL;
	pl_jnode *root = jvalue(&p, 0);
	if (root) {
		jskip_ws(&p);
		if (p.i < p.n) {
			jfail(&p, "invalid character after top-level value");
			pl_json_free(a, root);
			root = NULL;
		}
	}
	if (!root) {
		if (p.oom)
			return PODLIFE_ENOMEM;
		*errmsg = p.err ? p.err : "invalid JSON";
		pos_of(data, p.err_at, line, col);
		return PODLIFE_EPARSE;
	}
	fix_positions(data, root);
	*out = root;
	return PODLIFE_OK;
}

pl_jnode *pl_json_get(const pl_jnode *obj, const char *key)
{
	if (!obj || obj->kind != PL_J_OBJECT)
		return NULL;
	size_t kl = strlen(key);
	pl_jnode *found = NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (obj->members[i].klen == kl && memcmp(obj->members[i].key, key, kl) == 0)
			found = obj->members[i].val;
	return found;
}

bool pl_json_key_fold_eq(const pl_jmember *m, const char *key)
{
	size_t kl = strlen(key);
	if (m->klen != kl)
		return false;
	for (size_t i = 0; i < kl; i++) {
		char x = m->key[i], y = key[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}
