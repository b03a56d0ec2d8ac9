/*
 * lib/spec/read_json.c - JSON reader.  jansson checks the text (syntax,
 * UTF-8, escapes, number range, its own depth cap) and supplies the error
 * messages; a scanner over the checked text then builds the pl_node tree
 * in a scratch arena, which gives every node its line and column, keeps
 * numbers as written and keeps duplicate object keys as pairs of their
 * own (as the YAML reader does) for the decoder to report.
 */
#include <string.h>

#include <jansson.h>

#include "node.h"

typedef struct jreader {
	const pl_alloc *a;
	const char *start, *p, *end;
	unsigned int line;
	const char *col_at; /* a point of the current line whose column is known */
	unsigned int col;   /* its column */
	pl_arena ar;
	pl_read_limits lim;
	podlife_diag *diag;
	size_t count;
	pl_node **stack; /* children of open containers (key, value, ...) */
	size_t sn, scap;
	int rc;
} jreader;

#define ERR(r, code, line, col, ...)                                                    \
	pl_diag_plain((r)->diag, PODLIFE_SEVERITY_ERROR, (code), (line), (col), __VA_ARGS__)

/* ---- positions ------------------------------------------------------------- */

/* Column of `at` on the current line; the scanner only moves forward. */
static unsigned int column_of(jreader *r, const char *at)
{
	for (; r->col_at < at; r->col_at++) {
		if (((unsigned char)*r->col_at & 0xC0) != 0x80)
			r->col++;
	}
	return r->col;
}

static void skip_ws(jreader *r)
{
	while (r->p < r->end) {
		char c = *r->p;
		if (c == '\n') {
			r->line++;
			r->col_at = r->p + 1;
			r->col = 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		r->p++;
	}
}

/* The checked text holds something the scanner does not expect. */
static pl_node *unexpected(jreader *r)
{
	if (r->rc == PODLIFE_OK) {
		ERR(r, PODLIFE_EPARSE, r->line, column_of(r, r->p),
		    "unexpected input in JSON text at byte %zu", (size_t)(r->p - r->start));
		r->rc = PODLIFE_EPARSE;
	}
	return NULL;
}

static pl_node *oom(jreader *r)
{
	if (r->rc == PODLIFE_OK) {
		ERR(r, PODLIFE_ENOMEM, 0, 0, "out of memory while reading JSON");
		r->rc = PODLIFE_ENOMEM;
	}
	return NULL;
}

/* ---- nodes ----------------------------------------------------------------- */

static pl_node *new_node(jreader *r, uint8_t kind, size_t extra, unsigned int line,
                         unsigned int col)
{
	if (r->count >= r->lim.max_nodes) {
		ERR(r, PODLIFE_ETOOBIG, line, col, "document has more than %zu nodes",
		    r->lim.max_nodes);
		r->rc = PODLIFE_ETOOBIG;
		return NULL;
	}
	r->count++;
	if (extra > SIZE_MAX - sizeof(pl_node))
		return oom(r);
	pl_node *n = pl_arena_alloc(&r->ar, sizeof(*n) + extra);
	if (!n)
		return oom(r);
	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
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

static bool read_hex4(jreader *r, const char *q, unsigned int *out)
{
	if (r->end - q < 4)
		return false;
	unsigned int v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(q[i]);
		if (h < 0)
			return false;
		v = v * 16 + (unsigned int)h;
	}
	*out = v;
	return true;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* A string at r->p (on its opening quote); decoded text in the node. */
static pl_node *read_string(jreader *r)
{
	unsigned int line = r->line, col = column_of(r, r->p);
	const char *s = ++r->p, *q = s;
	while (q < r->end && *q != '"') {
		if (*q == '\\')
			q++;
		q++;
	}
	if (q >= r->end)
		return unexpected(r);
	/* decoded text is never longer than the escaped one */
	pl_node *n = new_node(r, PL_N_SCALAR, (size_t)(q - s) + 1, line, col);
	if (!n)
		return NULL;
	n->style = PL_SC_QUOTED;
	char *o = (char *)(n + 1);
	n->u.text = o;
	size_t len = 0;
	for (const char *c = s; c < q; c++) {
		if (*c != '\\') {
			o[len++] = *c;
			continue;
		}
		c++;
		switch (*c) {
		case '"': o[len++] = '"'; break;
		case '\\': o[len++] = '\\'; break;
		case '/': o[len++] = '/'; break;
		case 'b': o[len++] = '\b'; break;
		case 'f': o[len++] = '\f'; break;
		case 'n': o[len++] = '\n'; break;
		case 'r': o[len++] = '\r'; break;
		case 't': o[len++] = '\t'; break;
		case 'u': {
			unsigned int cp, lo;
			if (!read_hex4(r, c + 1, &cp))
				return unexpected(r);
			c += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && q - c >= 7 && c[1] == '\\' &&
			    c[2] == 'u' && read_hex4(r, c + 3, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				c += 6;
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				return unexpected(r); /* jansson rejects lone surrogates */
			}
			len += put_utf8(o + len, cp);
			break;
		}
		default: return unexpected(r);
		}
	}
	o[len] = '\0';
	n->n = len;
	r->p = q + 1;
	return n;
}

static pl_node *read_number(jreader *r)
{
	const char *s = r->p, *q = s;
	while (q < r->end && ((*q >= '0' && *q <= '9') || *q == '-' || *q == '+' || *q == '.' ||
	                      *q == 'e' || *q == 'E'))
		q++;
	if (q == s)
		return unexpected(r);
	pl_node *n = new_node(r, PL_N_SCALAR, (size_t)(q - s) + 1, r->line, column_of(r, s));
	if (!n)
		return NULL;
	n->style = PL_SC_JSON_NUMBER;
	n->u.text = (char *)(n + 1);
	memcpy(n->u.text, s, (size_t)(q - s));
	n->n = (size_t)(q - s);
	r->p = q;
	return n;
}

static bool literal(jreader *r, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return true;
}

static bool push(jreader *r, pl_node *n)
{
	if (r->sn == r->scap) {
		size_t nc = r->scap ? r->scap * 2 : 64;
		if (nc > SIZE_MAX / sizeof(*r->stack))
			return false;
		pl_node **ns = pl_realloc(r->a, r->stack, nc * sizeof(*ns));
		if (!ns)
			return false;
		r->stack = ns;
		r->scap = nc;
	}
	r->stack[r->sn++] = n;
	return true;
}

static pl_node *read_value(jreader *r, unsigned int depth);

/* An object or array at r->p; depth counts the containers above it. */
static pl_node *read_container(jreader *r, unsigned int depth)
{
	bool obj = *r->p == '{';
	unsigned int line = r->line, col = column_of(r, r->p);
	if (depth >= r->lim.max_depth) {
		ERR(r, PODLIFE_ETOOBIG, line, col, "nesting deeper than the limit of %u levels",
		    r->lim.max_depth);
		r->rc = PODLIFE_ETOOBIG;
		return NULL;
	}
	pl_node *n = new_node(r, obj ? PL_N_MAP : PL_N_SEQ, 0, line, col);
	if (!n)
		return NULL;
	r->p++;
	size_t base = r->sn;
	skip_ws(r);
	if (r->p < r->end && *r->p == (obj ? '}' : ']')) {
		r->p++;
		return n;
	}
	for (;;) {
		skip_ws(r);
		if (obj) {
			if (r->p >= r->end || *r->p != '"')
				return unexpected(r);
			pl_node *k = read_string(r);
			if (!k)
				return NULL;
			if (!push(r, k))
				return oom(r);
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return unexpected(r);
			r->p++;
		}
		pl_node *v = read_value(r, depth + 1);
		if (!v)
			return NULL;
		if (!push(r, v))
			return oom(r);
		skip_ws(r);
		if (r->p >= r->end)
			return unexpected(r);
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p != (obj ? '}' : ']'))
			return unexpected(r);
		r->p++;
		break;
	}
	size_t nchild = r->sn - base;
	/* pl_pair is two pointers: the key/value stack has its layout */
	void *arr = pl_arena_alloc(&r->ar, nchild * sizeof(pl_node *));
	if (!arr)
		return oom(r);
	memcpy(arr, r->stack + base, nchild * sizeof(pl_node *));
	if (obj) {
		n->u.pairs = arr;
		n->n = nchild / 2;
	} else {
		n->u.items = arr;
		n->n = nchild;
	}
	r->sn = base;
	return n;
}

_Static_assert(sizeof(pl_pair) == 2 * sizeof(pl_node *), "pl_pair is a key/value pair");

static pl_node *read_value(jreader *r, unsigned int depth)
{
	skip_ws(r);
	if (r->p >= r->end)
		return unexpected(r);
	unsigned int line = r->line, col = column_of(r, r->p);
	pl_node *n;
	switch (*r->p) {
	case '{':
	case '[':
		return read_container(r, depth);
	case '"':
		return read_string(r);
	case 't':
	case 'f': {
		bool t = *r->p == 't';
		if (!literal(r, t ? "true" : "false"))
			return unexpected(r);
		n = new_node(r, PL_N_SCALAR, 6, line, col);
		if (!n)
			return NULL;
		n->style = PL_SC_JSON_BOOL;
		n->u.text = (char *)(n + 1);
		n->n = t ? 4 : 5;
		memcpy(n->u.text, t ? "true" : "false", n->n + 1);
		return n;
	}
	case 'n':
		if (!literal(r, "null"))
			return unexpected(r);
		return new_node(r, PL_N_NULL, 0, line, col);
	default:
		return read_number(r);
	}
}

/* 1-based line and column (in characters) of a byte offset. */
static void offset_position(const char *data, size_t off, unsigned int *line, unsigned int *col)
{
	unsigned int l = 1, c = 1;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int pl_read_json(const pl_alloc *a, const char *data, size_t len, const pl_read_limits *lim,
                 podlife_diag *diag, pl_doc_cb cb, void *ud)
{
	if (!a || (!data && len) || !cb)
		return PODLIFE_EINVAL;
	if (!data)
		data = "";
	jreader r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.diag = diag;
	pl_read_limits_resolve(&r.lim, lim);
	if (len > r.lim.max_bytes) {
		ERR(&r, PODLIFE_ETOOBIG, 0, 0, "input is %zu bytes, more than the limit of %zu", len,
		    r.lim.max_bytes);
		return PODLIFE_ETOOBIG;
	}
	if (diag)
		diag->document = 0;
	const char *z = memchr(data, '\0', len);
	if (z) {
		unsigned int line, col;
		size_t off = (size_t)(z - data);
		offset_position(data, off, &line, &col);
		ERR(&r, PODLIFE_EPARSE, line, col, "invalid input: NUL byte at byte %zu", off);
		return PODLIFE_EPARSE;
	}

	/* jansson checks the text and words the errors */
	json_error_t err;
	json_t *checked = json_loadb(data, len, 0, &err);
	if (!checked) {
		int code = PODLIFE_EPARSE;
		if (json_error_code(&err) == json_error_stack_overflow)
			code = PODLIFE_ETOOBIG;
		else if (json_error_code(&err) == json_error_out_of_memory)
			code = PODLIFE_ENOMEM;
		ERR(&r, code, err.line > 0 ? (unsigned int)err.line : 0,
		    err.column > 0 ? (unsigned int)err.column : 0, "%s", err.text);
		return code;
	}
	json_decref(checked);

	r.start = r.p = data;
	r.end = data + len;
	r.line = 1;
	r.col_at = data;
	r.col = 1;
	pl_arena_init(&r.ar, a);
	pl_node *root = read_value(&r, 0);
	if (root) {
		skip_ws(&r);
		if (r.p != r.end)
			root = unexpected(&r);
	}
	int rc = r.rc;
	if (root)
		rc = cb(ud, 0, root);
	else if (rc == PODLIFE_OK)
		rc = PODLIFE_EPARSE;
	pl_arena_free(&r.ar);
	pl_free(a, r.stack);
	return rc;
}
