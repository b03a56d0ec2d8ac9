/*
 * lib/spec/read_json.c - JSON reader: loads the text with jansson and
 * converts it into a pl_node tree in a scratch arena (one document).
 * Numbers keep a text the decoder can read as Go's encoding/json would;
 * the nesting and node limits are enforced during the conversion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "node.h"

typedef struct jreader {
	pl_arena ar;
	pl_read_limits lim;
	podlife_diag *diag;
	size_t count;
	int rc;
} jreader;

#define ERR(r, code, line, col, ...)                                                    \
	pl_diag_plain((r)->diag, PODLIFE_SEVERITY_ERROR, (code), (line), (col), __VA_ARGS__)

/* A real's shortest "%.Ng" text that reads back to the same double, with a
 * '.' or exponent so that it never reads as an integer. */
static char *real_text(pl_arena *ar, double v, size_t *n)
{
	char buf[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf) - 2, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (!strpbrk(buf, ".eEni"))
		strcat(buf, ".0");
	*n = strlen(buf);
	return pl_arena_strndup(ar, buf, *n);
}

static pl_node *convert(jreader *r, json_t *j, unsigned int depth);

static pl_node *new_node(jreader *r, uint8_t kind)
{
	if (r->count >= r->lim.max_nodes) {
		ERR(r, PODLIFE_ETOOBIG, 0, 0, "document has more than %zu nodes", r->lim.max_nodes);
		r->rc = PODLIFE_ETOOBIG;
		return NULL;
	}
	r->count++;
	pl_node *n = pl_arena_alloc(&r->ar, sizeof(*n));
	if (!n) {
		r->rc = PODLIFE_ENOMEM;
		return NULL;
	}
	n->kind = kind;
	return n;
}

static pl_node *scalar(jreader *r, uint8_t style, const char *s, size_t len)
{
	pl_node *n = new_node(r, PL_N_SCALAR);
	if (!n)
		return NULL;
	n->style = style;
	n->n = len;
	n->u.text = pl_arena_strndup(&r->ar, s, len);
	if (!n->u.text) {
		r->rc = PODLIFE_ENOMEM;
		return NULL;
	}
	return n;
}

static pl_node *convert_object(jreader *r, json_t *j, unsigned int depth)
{
	pl_node *n = new_node(r, PL_N_MAP);
	if (!n)
		return NULL;
	size_t sz = json_object_size(j);
	if (!sz)
		return n;
	n->u.pairs = pl_arena_alloc(&r->ar, sz * sizeof(pl_pair));
	if (!n->u.pairs) {
		r->rc = PODLIFE_ENOMEM;
		return NULL;
	}
	size_t i = 0;
	for (void *it = json_object_iter(j); it && i < sz; it = json_object_iter_next(j, it)) {
		const char *k = json_object_iter_key(it);
		pl_node *kn = scalar(r, PL_SC_QUOTED, k, strlen(k));
		if (!kn)
			return NULL;
		pl_node *vn = convert(r, json_object_iter_value(it), depth + 1);
		if (!vn)
			return NULL;
		n->u.pairs[i].key = kn;
		n->u.pairs[i].value = vn;
		i++;
	}
	n->n = i;
	return n;
}

static pl_node *convert_array(jreader *r, json_t *j, unsigned int depth)
{
	pl_node *n = new_node(r, PL_N_SEQ);
	if (!n)
		return NULL;
	size_t sz = json_array_size(j);
	if (!sz)
		return n;
	n->u.items = pl_arena_alloc(&r->ar, sz * sizeof(pl_node *));
	if (!n->u.items) {
		r->rc = PODLIFE_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < sz; i++) {
		n->u.items[i] = convert(r, json_array_get(j, i), depth + 1);
		if (!n->u.items[i])
			return NULL;
	}
	n->n = sz;
	return n;
}

/* depth: containers above j. */
static pl_node *convert(jreader *r, json_t *j, unsigned int depth)
{
	char buf[32];
	size_t len;
	switch (json_typeof(j)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (depth >= r->lim.max_depth) {
			ERR(r, PODLIFE_ETOOBIG, 0, 0, "nesting deeper than the limit of %u levels",
			    r->lim.max_depth);
			r->rc = PODLIFE_ETOOBIG;
			return NULL;
		}
		return json_is_object(j) ? convert_object(r, j, depth) : convert_array(r, j, depth);
	case JSON_STRING:
		return scalar(r, PL_SC_QUOTED, json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return scalar(r, PL_SC_JSON_NUMBER, buf, strlen(buf));
	case JSON_REAL: {
		pl_node *n = new_node(r, PL_N_SCALAR);
		if (!n)
			return NULL;
		n->style = PL_SC_JSON_NUMBER;
		n->u.text = real_text(&r->ar, json_real_value(j), &len);
		n->n = len;
		if (!n->u.text) {
			r->rc = PODLIFE_ENOMEM;
			return NULL;
		}
		return n;
	}
	case JSON_TRUE:
		return scalar(r, PL_SC_JSON_BOOL, "true", 4);
	case JSON_FALSE:
		return scalar(r, PL_SC_JSON_BOOL, "false", 5);
	case JSON_NULL:
	default:
		return new_node(r, PL_N_NULL);
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
	json_error_t err;
	json_t *root = json_loadb(data, len, 0, &err);
	if (!root) {
		int code = PODLIFE_EPARSE;
		if (json_error_code(&err) == json_error_stack_overflow)
			code = PODLIFE_ETOOBIG;
		else if (json_error_code(&err) == json_error_out_of_memory)
			code = PODLIFE_ENOMEM;
		ERR(&r, code, err.line > 0 ? (unsigned int)err.line : 0,
		    err.column > 0 ? (unsigned int)err.column : 0, "%s", err.text);
		return code;
	}
	pl_arena_init(&r.ar, a);
	pl_node *n = convert(&r, root, 0);
	json_decref(root);
	int rc;
	if (n) {
		/* the root starts at the first character that is not blank */
		size_t off = 0;
		while (off < len && strchr(" \t\r\n", data[off]) && data[off])
			off++;
		unsigned int line, col;
		offset_position(data, off, &line, &col);
		n->line = line;
		n->col = col;
		rc = cb(ud, 0, n);
	} else {
		rc = r.rc ? r.rc : PODLIFE_ENOMEM;
		if (rc == PODLIFE_ENOMEM)
			ERR(&r, PODLIFE_ENOMEM, 0, 0, "out of memory while reading JSON");
	}
	pl_arena_free(&r.ar);
	return rc;
}
