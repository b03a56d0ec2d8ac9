/*
 * lib/spec/decode.c - turns a document tree (node.h) into the typed model
 * (model.h), driven by the schema tables.  Wrong types are errors with the
 * field path and position; unknown fields and duplicate keys are warnings,
 * or errors in strict mode (kubectl --validate=strict).
 *
 * Scalars are read as sigs.k8s.io/yaml reads them into a typed target: a
 * plain YAML scalar goes into a string field as its text, but a quoted one
 * never becomes a number or a bool.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static void path_push_field(pl_decoder *d, const char *name)
{
	if (d->path.len)
		pl_buf_putc(&d->path, '.');
	pl_buf_puts(&d->path, name);
}

static void path_push_index(pl_decoder *d, size_t i)
{
	pl_buf_putc(&d->path, '[');
	pl_buf_put_size(&d->path, i);
	pl_buf_putc(&d->path, ']');
}

static void path_restore(pl_decoder *d, size_t len)
{
	d->path.len = len;
	if (d->path.data)
		d->path.data[len] = '\0';
}

static const char *cur_path(pl_decoder *d)
{
	return pl_buf_cstr(&d->path);
}

static const char *node_type_name(const pl_node *n)
{
	switch (n->kind) {
	case PL_N_MAP: return "object";
	case PL_N_SEQ: return "array";
	case PL_N_NULL: return "null";
	default:
		switch (n->style) {
		case PL_SC_JSON_NUMBER: return "number";
		case PL_SC_JSON_BOOL: return "boolean";
		default: return "string";
		}
	}
}

static void type_error(pl_decoder *d, const pl_node *n, const char *want)
{
	char got[32];
	snprintf(got, sizeof(got), "\"%s\"", node_type_name(n));
	char detail[64];
	snprintf(detail, sizeof(detail), "expected %s", want);
	pl_diag_field(d->diag, PODLIFE_SEVERITY_ERROR, PODLIFE_ERRTYPE_TYPE_INVALID, cur_path(d), got,
	              detail, n->line, n->col);
	d->failed = true;
}

static void value_error(pl_decoder *d, const pl_node *n, const char *detail)
{
	pl_buf v;
	pl_buf_init(&v, d->ar->a);
	pl_buf_quote(&v, n->kind == PL_N_SCALAR ? n->u.text : "");
	pl_diag_field(d->diag, PODLIFE_SEVERITY_ERROR, PODLIFE_ERRTYPE_TYPE_INVALID, cur_path(d),
	              pl_buf_cstr(&v), detail, n->line, n->col);
	pl_buf_free(&v);
	d->failed = true;
}

/* Warning (or error when strict) about a key of a map. */
static void key_problem(pl_decoder *d, const pl_node *key, const char *what)
{
	podlife_severity sev = d->strict ? PODLIFE_SEVERITY_ERROR : PODLIFE_SEVERITY_WARNING;
	size_t saved = d->path.len;
	path_push_field(d, key->u.text);
	if (strcmp(what, "unknown") == 0) {
		pl_diag_field(d->diag, sev, PODLIFE_ERRTYPE_UNKNOWN_FIELD, cur_path(d), NULL, NULL,
		              key->line, key->col);
	} else {
		pl_diag_plain(d->diag, sev, sev == PODLIFE_SEVERITY_ERROR ? PODLIFE_EPARSE : PODLIFE_OK,
		              key->line, key->col, "duplicate field \"%s\"", cur_path(d));
	}
	path_restore(d, saved);
	if (d->strict)
		d->failed = true;
}

/* ---- scalars ------------------------------------------------------------------ */

static bool scalar_is_text_only(const pl_node *n)
{
	return n->style == PL_SC_QUOTED;
}

/* YAML 1.1 booleans as go-yaml v2 resolves them, and JSON's. */
static int parse_bool(const pl_node *n, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
	                                  "on", "On", "ON", "y", "Y"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO",
	                                 "off", "Off", "OFF", "n", "N"};
	if (n->kind != PL_N_SCALAR || scalar_is_text_only(n))
		return -1;
	for (size_t i = 0; i < PL_ARRAY_LEN(yes); i++) {
		if (strcmp(n->u.text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(n->u.text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* 0: ok, -1: not an integer, -2: out of range. */
static int parse_int(const pl_node *n, int64_t *out)
{
	if (n->kind != PL_N_SCALAR || scalar_is_text_only(n) || n->n == 0)
		return -1;
	const char *s = n->u.text;
	if (strlen(s) != n->n)
		return -1;
	char clean[64];
	size_t j = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '_' && n->style == PL_SC_PLAIN)
			continue; /* YAML 1.1 digit separators */
		if (j + 1 >= sizeof(clean))
			return -2;
		clean[j++] = s[i];
	}
	clean[j] = '\0';
	const char *p = clean;
	int base = 10;
	if (p[0] == '+' || p[0] == '-')
		p++;
	if (!*p)
		return -1;
	if (n->style == PL_SC_PLAIN && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	else if (n->style == PL_SC_PLAIN && p[0] == '0' && p[1] == 'o')
		base = 8; /* YAML 1.2 octal */
	else if (n->style == PL_SC_PLAIN && p[0] == '0' && p[1] >= '0' && p[1] <= '7')
		base = 8; /* YAML 1.1 octal, as go-yaml v2 reads 0644 */
	const char *digits = (base == 16 || (base == 8 && p[1] == 'o')) ? p + 2 : p;
	if (!*digits)
		return -1;
	for (const char *q = digits; *q; q++) {
		bool ok = base == 16 ? ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') ||
		                        (*q >= 'A' && *q <= 'F'))
		                     : (*q >= '0' && *q <= (base == 8 ? '7' : '9'));
		if (!ok)
			return -1;
	}
	errno = 0;
	char *end = NULL;
	long long v = strtoll(digits, &end, base);
	if (clean[0] == '-')
		v = -v;
	if (errno == ERANGE)
		return -2;
	if (!end || *end)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static char *scalar_text(pl_decoder *d, const pl_node *n)
{
	return pl_arena_strndup(d->ar, n->u.text, n->n);
}

/* ---- fields ---------------------------------------------------------------------- */

static void *decode_object(pl_decoder *d, const pl_node *n, const pl_schema *s);

static bool decode_strv(pl_decoder *d, const pl_node *n, pl_strv *out)
{
	if (n->kind != PL_N_SEQ) {
		type_error(d, n, "array of strings");
		return false;
	}
	out->n = n->n;
	out->v = pl_arena_alloc(d->ar, (n->n + 1) * sizeof(char *));
	out->pos = pl_arena_alloc(d->ar, (n->n + 1) * sizeof(pl_pos));
	if (!out->v || !out->pos)
		return false;
	size_t saved = d->path.len;
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const pl_node *it = n->u.items[i];
		out->pos[i].line = it->line;
		out->pos[i].col = it->col;
		if (it->kind == PL_N_NULL) {
			out->v[i] = pl_arena_strdup(d->ar, "");
			continue;
		}
		if (it->kind != PL_N_SCALAR) {
			path_push_index(d, i);
			type_error(d, it, "string");
			path_restore(d, saved);
			ok = false;
			continue;
		}
		out->v[i] = scalar_text(d, it);
	}
	return ok;
}

static bool decode_intv(pl_decoder *d, const pl_node *n, pl_intv *out)
{
	if (n->kind != PL_N_SEQ) {
		type_error(d, n, "array of integers");
		return false;
	}
	out->n = n->n;
	out->v = pl_arena_alloc(d->ar, (n->n + 1) * sizeof(int64_t));
	if (!out->v)
		return false;
	size_t saved = d->path.len;
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		int rc = parse_int(n->u.items[i], &out->v[i]);
		if (rc != 0) {
			path_push_index(d, i);
			if (rc == -2)
				value_error(d, n->u.items[i], "integer out of range");
			else
				type_error(d, n->u.items[i], "integer");
			path_restore(d, saved);
			ok = false;
		}
	}
	return ok;
}

static bool decode_map(pl_decoder *d, const pl_node *n, pl_map *out)
{
	if (n->kind != PL_N_MAP) {
		type_error(d, n, "object of strings");
		return false;
	}
	out->n = 0;
	out->v = pl_arena_alloc(d->ar, (n->n + 1) * sizeof(pl_kv));
	if (!out->v)
		return false;
	size_t saved = d->path.len;
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const pl_pair *p = &n->u.pairs[i];
		const char *key = p->key->u.text;
		/* A repeated key: the last value wins, as in Go maps. */
		size_t slot = out->n;
		for (size_t j = 0; j < out->n; j++)
			if (strcmp(out->v[j].key, key) == 0) {
				slot = j;
				pl_buf_printf(&d->path, "[%s]", key);
				podlife_severity sev = d->strict ? PODLIFE_SEVERITY_ERROR
				                                 : PODLIFE_SEVERITY_WARNING;
				pl_diag_plain(d->diag, sev,
				              d->strict ? PODLIFE_EPARSE : PODLIFE_OK, p->key->line,
				              p->key->col, "duplicate field \"%s\"", cur_path(d));
				if (d->strict)
					d->failed = true;
				path_restore(d, saved);
				break;
			}
		pl_kv *kv = &out->v[slot];
		kv->key = pl_arena_strdup(d->ar, key);
		kv->pos.line = p->key->line;
		kv->pos.col = p->key->col;
		kv->vpos.line = p->value->line;
		kv->vpos.col = p->value->col;
		if (p->value->kind == PL_N_NULL) {
			kv->value = pl_arena_strdup(d->ar, "");
		} else if (p->value->kind == PL_N_SCALAR) {
			kv->value = scalar_text(d, p->value);
		} else {
			pl_buf_printf(&d->path, "[%s]", key);
			type_error(d, p->value, "string");
			path_restore(d, saved);
			ok = false;
			continue;
		}
		if (slot == out->n)
			out->n++;
	}
	return ok;
}

static bool decode_list(pl_decoder *d, const pl_node *n, const pl_schema *s, pl_list *out)
{
	if (n->kind != PL_N_SEQ) {
		type_error(d, n, "array");
		return false;
	}
	out->n = 0;
	out->v = pl_arena_alloc(d->ar, (n->n + 1) * sizeof(void *));
	if (!out->v)
		return false;
	size_t saved = d->path.len;
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const pl_node *it = n->u.items[i];
		path_push_index(d, i);
		void *o = NULL;
		if (it->kind == PL_N_NULL) {
			/* a null list item decodes as the zero value */
			o = pl_obj_new(d->ar, s);
			if (o) {
				((pl_obj *)o)->pos.line = it->line;
				((pl_obj *)o)->pos.col = it->col;
			}
		} else {
			o = decode_object(d, it, s);
		}
		path_restore(d, saved);
		if (!o) {
			ok = false;
			continue;
		}
		out->v[out->n++] = o;
	}
	return ok;
}

/* Decodes one field value; returns false when it was not stored. */
static bool decode_field(pl_decoder *d, void *obj, const pl_field *f, const pl_node *v)
{
	char *base = (char *)obj + f->offset;
	if (v->kind == PL_N_NULL)
		return false; /* null leaves the zero value, as in Go */
	switch ((pl_ftype)f->type) {
	case PL_F_STR:
	case PL_F_QTY:
		if (v->kind != PL_N_SCALAR) {
			type_error(d, v, f->type == PL_F_QTY ? "quantity" : "string");
			return false;
		}
		*(char **)base = scalar_text(d, v);
		return true;
	case PL_F_INT: {
		int64_t x = 0;
		int rc = parse_int(v, &x);
		if (rc == -1) {
			type_error(d, v, "integer");
			return false;
		}
		if (rc == -2 || ((f->flags & PL_FF_INT32) && (x < INT32_MIN || x > INT32_MAX))) {
			value_error(d, v, f->flags & PL_FF_INT32 ? "out of range for a 32-bit integer"
			                                         : "out of range for a 64-bit integer");
			return false;
		}
		*(int64_t *)base = x;
		return true;
	}
	case PL_F_BOOL: {
		bool b;
		if (parse_bool(v, &b) != 0) {
			type_error(d, v, "boolean");
			return false;
		}
		*(bool *)base = b;
		return true;
	}
	case PL_F_STRV:
		return decode_strv(d, v, (pl_strv *)(void *)base);
	case PL_F_INTV:
		return decode_intv(d, v, (pl_intv *)(void *)base);
	case PL_F_MAP:
	case PL_F_QTYMAP:
		return decode_map(d, v, (pl_map *)(void *)base);
	case PL_F_OBJ: {
		void *o = decode_object(d, v, f->sub);
		*(void **)base = o;
		return o != NULL;
	}
	case PL_F_LIST:
		return decode_list(d, v, f->sub, (pl_list *)(void *)base);
	case PL_F_INTSTR: {
		pl_intstr *is = (pl_intstr *)(void *)base;
		if (v->kind != PL_N_SCALAR) {
			type_error(d, v, "integer or string");
			return false;
		}
		int64_t x = 0;
		int rc = parse_int(v, &x);
		if (rc == 0 && x >= INT32_MIN && x <= INT32_MAX) {
			is->is_str = false;
			is->i = x;
			return true;
		}
		if (v->style == PL_SC_JSON_NUMBER || (rc != -1 && v->style == PL_SC_PLAIN)) {
			value_error(d, v, "out of range for a 32-bit integer");
			return false;
		}
		is->is_str = true;
		is->s = scalar_text(d, v);
		return true;
	}
	case PL_F_RAW: {
		pl_node *c = pl_node_copy(d->ar, v);
		*(pl_node **)base = c;
		return c != NULL;
	}
	}
	return false;
}

/* Field index by JSON name: first byte and length first, then the bytes. */
static int field_lookup(const pl_schema *s, const char *key, size_t n)
{
	for (size_t i = 0; i < s->nfields; i++) {
		const char *f = s->fields[i].name;
		if (f[0] == key[0] && strncmp(f, key, n) == 0 && f[n] == '\0')
			return (int)i;
	}
	return -1;
}

static void *decode_object(pl_decoder *d, const pl_node *n, const pl_schema *s)
{
	if (n->kind != PL_N_MAP) {
		type_error(d, n, "object");
		return NULL;
	}
	pl_obj *o = pl_obj_new(d->ar, s);
	if (!o) {
		d->oom = true;
		return NULL;
	}
	o->pos.line = n->line;
	o->pos.col = n->col;
	uint64_t seen = 0;
	size_t saved = d->path.len;
	for (size_t i = 0; i < n->n; i++) {
		const pl_pair *p = &n->u.pairs[i];
		int fi = field_lookup(s, p->key->u.text, p->key->n);
		if (fi < 0) {
			key_problem(d, p->key, "unknown");
			continue;
		}
		if ((seen >> fi) & 1u)
			key_problem(d, p->key, "duplicate");
		seen |= (uint64_t)1 << fi;
		const pl_field *f = &s->fields[fi];
		path_push_field(d, f->name);
		o->fpos[fi].line = p->value->line ? p->value->line : p->key->line;
		o->fpos[fi].col = p->value->line ? p->value->col : p->key->col;
		if (decode_field(d, o, f, p->value))
			o->present |= (uint64_t)1 << fi;
		path_restore(d, saved);
	}
	return o;
}

void pl_decoder_init(pl_decoder *d, pl_arena *ar, podlife_diag *diag, bool strict,
                     const char *prefix)
{
	memset(d, 0, sizeof(*d));
	d->ar = ar;
	d->diag = diag;
	d->strict = strict;
	pl_buf_init(&d->path, ar->a);
	if (prefix && *prefix) {
		pl_buf_puts(&d->path, prefix);
		/* the prefix ends with '.', the first field adds its own */
		if (d->path.len && d->path.data[d->path.len - 1] == '.')
			path_restore(d, d->path.len - 1);
	}
}

void pl_decoder_free(pl_decoder *d)
{
	pl_buf_free(&d->path);
}

void *pl_decode(pl_decoder *d, const pl_node *n, const pl_schema *s)
{
	void *o = decode_object(d, n, s);
	if (d->oom || d->ar->oom || d->path.oom)
		d->failed = true;
	return o;
}
