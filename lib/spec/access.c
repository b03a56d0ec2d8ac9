/*
 * lib/spec/access.c - reading any field of a pod by its Kubernetes field
 * path ("spec.containers[0].ports[1].containerPort",
 * "metadata.labels[app.kubernetes.io/name]").  The walk follows the schema
 * tables, then the verbatim document nodes of fields kept as they were
 * written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pod_internal.h"

typedef enum cur_kind {
	CUR_OBJ,   /* a model object */
	CUR_FIELD, /* a field of a model object */
	CUR_NODE,  /* a document node of a verbatim field */
	CUR_STR,   /* an element of a string list or a map value */
	CUR_INT,   /* an element of an integer list */
	CUR_NULL   /* an unset field or object */
} cur_kind;

typedef struct cursor {
	cur_kind k;
	const pl_obj *obj;   /* CUR_OBJ, CUR_FIELD */
	int fi;              /* CUR_FIELD: index in obj's schema */
	const pl_node *node; /* CUR_NODE */
	const char *str;     /* CUR_STR */
	int64_t i;           /* CUR_INT */
	pl_pos pos;
	bool defaulted;
} cursor;

/* One segment of a path: a name (after '.') or a bracket content. */
typedef struct seg {
	bool bracket;
	const char *s;
	size_t n;
} seg;

static const char *next_seg(const char *p, seg *out, bool *err)
{
	*err = false;
	if (*p == '[') {
		const char *e = strchr(p + 1, ']');
		if (!e) {
			*err = true;
			return NULL;
		}
		out->bracket = true;
		out->s = p + 1;
		out->n = (size_t)(e - p - 1);
		return e + 1;
	}
	if (*p == '.')
		p++;
	size_t n = strcspn(p, ".[");
	if (n == 0) {
		*err = true;
		return NULL;
	}
	out->bracket = false;
	out->s = p;
	out->n = n;
	return p + n;
}

static bool seg_index(const seg *sg, size_t *out)
{
	if (sg->n == 0 || sg->n > 18)
		return false;
	size_t v = 0;
	for (size_t i = 0; i < sg->n; i++) {
		if (sg->s[i] < '0' || sg->s[i] > '9')
			return false;
		v = v * 10 + (size_t)(sg->s[i] - '0');
	}
	*out = v;
	return true;
}

static bool seg_eq(const seg *sg, const char *s)
{
	return strlen(s) == sg->n && memcmp(s, sg->s, sg->n) == 0;
}

static int step_node(cursor *c, const seg *sg)
{
	const pl_node *n = c->node;
	if (n->kind == PL_N_MAP) {
		for (size_t i = 0; i < n->n; i++)
			if (seg_eq(sg, n->u.pairs[i].key->u.text)) {
				c->node = n->u.pairs[i].value;
				c->pos.line = c->node->line;
				c->pos.col = c->node->col;
				return PODLIFE_OK;
			}
		return PODLIFE_ENOTFOUND;
	}
	size_t idx;
	if (n->kind == PL_N_SEQ && sg->bracket && seg_index(sg, &idx) && idx < n->n) {
		c->node = n->u.items[idx];
		c->pos.line = c->node->line;
		c->pos.col = c->node->col;
		return PODLIFE_OK;
	}
	return PODLIFE_ENOTFOUND;
}

static bool field_present(const pl_obj *o, int fi)
{
	return (o->present >> fi) & 1u;
}

static int step(cursor *c, const seg *sg)
{
	switch (c->k) {
	case CUR_NULL:
	case CUR_STR:
	case CUR_INT:
		return PODLIFE_ENOTFOUND;
	case CUR_NODE:
		return step_node(c, sg);
	case CUR_OBJ: {
		if (sg->bracket)
			return PODLIFE_ENOTFOUND;
		const pl_schema *s = c->obj->schema;
		for (size_t i = 0; i < s->nfields; i++)
			if (seg_eq(sg, s->fields[i].name)) {
				c->k = CUR_FIELD;
				c->fi = (int)i;
				c->defaulted = (c->obj->defaulted >> i) & 1u;
				if (c->obj->fpos && c->obj->fpos[i].line)
					c->pos = c->obj->fpos[i];
				return PODLIFE_OK;
			}
		return PODLIFE_ENOTFOUND;
	}
	case CUR_FIELD: {
		const pl_field *f = &c->obj->schema->fields[c->fi];
		const char *base = (const char *)c->obj + f->offset;
		bool present = field_present(c->obj, c->fi);
		size_t idx;
		switch ((pl_ftype)f->type) {
		case PL_F_OBJ: {
			const pl_obj *o = *(pl_obj *const *)base;
			if (!present || !o) {
				/* a known field of an unset object is simply unset */
				if (!sg->bracket && pl_schema_field_by_name(f->sub, "") < 0) {
					char name[128];
					if (sg->n >= sizeof(name))
						return PODLIFE_ENOTFOUND;
					memcpy(name, sg->s, sg->n);
					name[sg->n] = '\0';
					if (pl_schema_field_by_name(f->sub, name) >= 0) {
						c->k = CUR_NULL;
						return PODLIFE_OK;
					}
				}
				return PODLIFE_ENOTFOUND;
			}
			c->k = CUR_OBJ;
			c->obj = o;
			c->pos = o->pos;
			c->defaulted = false;
			return step(c, sg);
		}
		case PL_F_LIST: {
			const pl_list *l = (const pl_list *)(const void *)base;
			if (!sg->bracket || !seg_index(sg, &idx) || idx >= l->n)
				return PODLIFE_ENOTFOUND;
			c->k = CUR_OBJ;
			c->obj = l->v[idx];
			c->pos = c->obj->pos;
			c->defaulted = false;
			return PODLIFE_OK;
		}
		case PL_F_STRV: {
			const pl_strv *v = (const pl_strv *)(const void *)base;
			if (!sg->bracket || !seg_index(sg, &idx) || idx >= v->n)
				return PODLIFE_ENOTFOUND;
			c->k = CUR_STR;
			c->str = v->v[idx];
			if (v->pos)
				c->pos = v->pos[idx];
			return PODLIFE_OK;
		}
		case PL_F_INTV: {
			const pl_intv *v = (const pl_intv *)(const void *)base;
			if (!sg->bracket || !seg_index(sg, &idx) || idx >= v->n)
				return PODLIFE_ENOTFOUND;
			c->k = CUR_INT;
			c->i = v->v[idx];
			return PODLIFE_OK;
		}
		case PL_F_MAP:
		case PL_F_QTYMAP: {
			const pl_map *m = (const pl_map *)(const void *)base;
			if (!sg->bracket)
				return PODLIFE_ENOTFOUND;
			for (size_t i = 0; i < m->n; i++)
				if (seg_eq(sg, m->v[i].key)) {
					c->k = CUR_STR;
					c->str = m->v[i].value;
					c->pos = m->v[i].vpos;
					return PODLIFE_OK;
				}
			return PODLIFE_ENOTFOUND;
		}
		case PL_F_RAW: {
			const pl_node *n = *(pl_node *const *)base;
			if (!present || !n)
				return PODLIFE_ENOTFOUND;
			c->k = CUR_NODE;
			c->node = n;
			return step_node(c, sg);
		}
		default:
			return PODLIFE_ENOTFOUND;
		}
	}
	}
	return PODLIFE_ENOTFOUND;
}

static int resolve(const podlife_pod *pod, const char *path, cursor *c)
{
	if (!pod || !path)
		return PODLIFE_EINVAL;
	memset(c, 0, sizeof(*c));
	c->k = CUR_OBJ;
	c->obj = &pod->m->obj;
	c->pos = c->obj->pos;
	const char *p = path;
	while (*p) {
		seg sg;
		bool err;
		p = next_seg(p, &sg, &err);
		if (err)
			return PODLIFE_EINVAL;
		int rc = step(c, &sg);
		if (rc != PODLIFE_OK)
			return rc;
	}
	return PODLIFE_OK;
}

/* Classifies a plain scalar as go-yaml would. */
static podlife_value_type scalar_type(const pl_node *n, int64_t *iv, bool *bv)
{
	const char *s = n->u.text;
	if (n->style == PL_SC_QUOTED)
		return PODLIFE_VALUE_STRING;
	if (n->style == PL_SC_JSON_BOOL || strcmp(s, "true") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "True") == 0 || strcmp(s, "False") == 0 || strcmp(s, "yes") == 0 ||
	    strcmp(s, "no") == 0) {
		if (bv)
			*bv = s[0] == 't' || s[0] == 'T' || s[0] == 'y';
		return PODLIFE_VALUE_BOOL;
	}
	if (*s && strlen(s) == n->n) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (!*end && errno == 0) {
			if (iv)
				*iv = v;
			return PODLIFE_VALUE_INT;
		}
		if (strspn(s, "+-0123456789.eE") == n->n) {
			strtod(s, &end);
			if (!*end)
				return PODLIFE_VALUE_FLOAT;
		}
	}
	return PODLIFE_VALUE_STRING;
}

static podlife_value_type cursor_type(const cursor *c)
{
	switch (c->k) {
	case CUR_NULL: return PODLIFE_VALUE_NULL;
	case CUR_OBJ: return PODLIFE_VALUE_OBJECT;
	case CUR_STR: return PODLIFE_VALUE_STRING;
	case CUR_INT: return PODLIFE_VALUE_INT;
	case CUR_NODE:
		switch (c->node->kind) {
		case PL_N_NULL: return PODLIFE_VALUE_NULL;
		case PL_N_MAP: return PODLIFE_VALUE_MAP;
		case PL_N_SEQ: return PODLIFE_VALUE_LIST;
		default: return scalar_type(c->node, NULL, NULL);
		}
	case CUR_FIELD: {
		const pl_field *f = &c->obj->schema->fields[c->fi];
		if (!field_present(c->obj, c->fi))
			return PODLIFE_VALUE_NULL;
		const char *base = (const char *)c->obj + f->offset;
		switch ((pl_ftype)f->type) {
		case PL_F_STR:
		case PL_F_QTY: return PODLIFE_VALUE_STRING;
		case PL_F_INT: return PODLIFE_VALUE_INT;
		case PL_F_BOOL: return PODLIFE_VALUE_BOOL;
		case PL_F_STRV:
		case PL_F_INTV:
		case PL_F_LIST: return PODLIFE_VALUE_LIST;
		case PL_F_MAP:
		case PL_F_QTYMAP: return PODLIFE_VALUE_MAP;
		case PL_F_OBJ: return PODLIFE_VALUE_OBJECT;
		case PL_F_INTSTR:
			return ((const pl_intstr *)(const void *)base)->is_str ? PODLIFE_VALUE_STRING
			                                                        : PODLIFE_VALUE_INT;
		case PL_F_RAW: {
			cursor n = *c;
			n.k = CUR_NODE;
			n.node = *(pl_node *const *)base;
			return n.node ? cursor_type(&n) : PODLIFE_VALUE_NULL;
		}
		}
	}
	}
	return PODLIFE_VALUE_NULL;
}

int podlife_pod_get_type(const podlife_pod *pod, const char *path, podlife_value_type *type)
{
	cursor c;
	int rc = resolve(pod, path, &c);
	if (rc != PODLIFE_OK)
		return rc;
	if (!type)
		return PODLIFE_EINVAL;
	*type = cursor_type(&c);
	return PODLIFE_OK;
}

/* Moves a present verbatim field's cursor onto its node. */
static void enter_raw(cursor *c)
{
	if (c->k != CUR_FIELD)
		return;
	const pl_field *f = &c->obj->schema->fields[c->fi];
	if (f->type == PL_F_RAW && field_present(c->obj, c->fi)) {
		c->node = *(pl_node *const *)((const char *)c->obj + f->offset);
		c->k = c->node ? CUR_NODE : CUR_NULL;
	} else if (f->type == PL_F_OBJ && field_present(c->obj, c->fi)) {
		c->obj = *(pl_obj *const *)((const char *)c->obj + f->offset);
		c->k = c->obj ? CUR_OBJ : CUR_NULL;
	}
}

/*
 * The common start of the typed reads: the value at path, entered when it
 * is a verbatim field, must exist and have type `want`.
 */
static int resolve_value(const podlife_pod *pod, const char *path, bool has_out,
                         podlife_value_type want, cursor *c)
{
	int rc = resolve(pod, path, c);
	if (rc != PODLIFE_OK)
		return rc;
	if (!has_out)
		return PODLIFE_EINVAL;
	enter_raw(c);
	podlife_value_type t = cursor_type(c);
	if (t == PODLIFE_VALUE_NULL)
		return PODLIFE_ENOTFOUND;
	return t == want ? PODLIFE_OK : PODLIFE_ETYPE;
}

int podlife_pod_get_string(const podlife_pod *pod, const char *path, const char **out)
{
	cursor c;
	int rc = resolve_value(pod, path, out != NULL, PODLIFE_VALUE_STRING, &c);
	if (rc != PODLIFE_OK)
		return rc;
	switch (c.k) {
	case CUR_STR: *out = c.str; return PODLIFE_OK;
	case CUR_NODE: *out = c.node->u.text; return PODLIFE_OK;
	case CUR_FIELD: {
		const pl_field *f = &c.obj->schema->fields[c.fi];
		const char *base = (const char *)c.obj + f->offset;
		if (f->type == PL_F_INTSTR)
			*out = ((const pl_intstr *)(const void *)base)->s;
		else
			*out = *(char *const *)base;
		return PODLIFE_OK;
	}
	default: return PODLIFE_ETYPE;
	}
}

int podlife_pod_get_int(const podlife_pod *pod, const char *path, int64_t *out)
{
	cursor c;
	int rc = resolve_value(pod, path, out != NULL, PODLIFE_VALUE_INT, &c);
	if (rc != PODLIFE_OK)
		return rc;
	switch (c.k) {
	case CUR_INT: *out = c.i; return PODLIFE_OK;
	case CUR_NODE: scalar_type(c.node, out, NULL); return PODLIFE_OK;
	case CUR_FIELD: {
		const pl_field *f = &c.obj->schema->fields[c.fi];
		const char *base = (const char *)c.obj + f->offset;
		if (f->type == PL_F_INTSTR)
			*out = ((const pl_intstr *)(const void *)base)->i;
		else
			*out = *(const int64_t *)(const void *)base;
		return PODLIFE_OK;
	}
	default: return PODLIFE_ETYPE;
	}
}

int podlife_pod_get_bool(const podlife_pod *pod, const char *path, int *out)
{
	cursor c;
	int rc = resolve_value(pod, path, out != NULL, PODLIFE_VALUE_BOOL, &c);
	if (rc != PODLIFE_OK)
		return rc;
	if (c.k == CUR_NODE) {
		bool b = false;
		scalar_type(c.node, NULL, &b);
		*out = b;
		return PODLIFE_OK;
	}
	const pl_field *f = &c.obj->schema->fields[c.fi];
	*out = *(const bool *)((const char *)c.obj + f->offset);
	return PODLIFE_OK;
}

static size_t present_count(const pl_obj *o)
{
	size_t n = 0;
	for (size_t i = 0; i < o->schema->nfields; i++)
		n += field_present(o, (int)i);
	return n;
}

int podlife_pod_get_count(const podlife_pod *pod, const char *path, size_t *out)
{
	cursor c;
	int rc = resolve(pod, path, &c);
	if (rc != PODLIFE_OK)
		return rc;
	if (!out)
		return PODLIFE_EINVAL;
	enter_raw(&c);
	switch (c.k) {
	case CUR_NULL: *out = 0; return PODLIFE_OK;
	case CUR_OBJ: *out = present_count(c.obj); return PODLIFE_OK;
	case CUR_NODE:
		if (c.node->kind != PL_N_MAP && c.node->kind != PL_N_SEQ)
			return PODLIFE_ETYPE;
		*out = c.node->n;
		return PODLIFE_OK;
	case CUR_FIELD: {
		const pl_field *f = &c.obj->schema->fields[c.fi];
		const char *base = (const char *)c.obj + f->offset;
		switch ((pl_ftype)f->type) {
		case PL_F_STRV: *out = ((const pl_strv *)(const void *)base)->n; return PODLIFE_OK;
		case PL_F_INTV: *out = ((const pl_intv *)(const void *)base)->n; return PODLIFE_OK;
		case PL_F_LIST: *out = ((const pl_list *)(const void *)base)->n; return PODLIFE_OK;
		case PL_F_MAP:
		case PL_F_QTYMAP: *out = ((const pl_map *)(const void *)base)->n; return PODLIFE_OK;
		default:
			if (!field_present(c.obj, c.fi)) {
				*out = 0;
				return PODLIFE_OK;
			}
			return PODLIFE_ETYPE;
		}
	}
	default:
		return PODLIFE_ETYPE;
	}
}

int podlife_pod_get_key(const podlife_pod *pod, const char *path, size_t i, const char **out)
{
	cursor c;
	int rc = resolve(pod, path, &c);
	if (rc != PODLIFE_OK)
		return rc;
	if (!out)
		return PODLIFE_EINVAL;
	enter_raw(&c);
	if (c.k == CUR_OBJ) {
		for (size_t f = 0; f < c.obj->schema->nfields; f++)
			if (field_present(c.obj, (int)f) && i-- == 0) {
				*out = c.obj->schema->fields[f].name;
				return PODLIFE_OK;
			}
		return PODLIFE_ENOTFOUND;
	}
	if (c.k == CUR_NODE) {
		if (c.node->kind != PL_N_MAP)
			return PODLIFE_ETYPE;
		if (i >= c.node->n)
			return PODLIFE_ENOTFOUND;
		*out = c.node->u.pairs[i].key->u.text;
		return PODLIFE_OK;
	}
	if (c.k == CUR_FIELD) {
		const pl_field *f = &c.obj->schema->fields[c.fi];
		if (f->type != PL_F_MAP && f->type != PL_F_QTYMAP)
			return PODLIFE_ETYPE;
		const pl_map *m = (const pl_map *)(const void *)((const char *)c.obj + f->offset);
		if (i >= m->n)
			return PODLIFE_ENOTFOUND;
		*out = m->v[i].key;
		return PODLIFE_OK;
	}
	return PODLIFE_ETYPE;
}

int podlife_pod_is_defaulted(const podlife_pod *pod, const char *path, int *out)
{
	cursor c;
	int rc = resolve(pod, path, &c);
	if (rc != PODLIFE_OK)
		return rc;
	if (!out)
		return PODLIFE_EINVAL;
	*out = c.k == CUR_FIELD && c.defaulted;
	return PODLIFE_OK;
}

int podlife_pod_get_position(const podlife_pod *pod, const char *path, unsigned int *line,
                             unsigned int *column)
{
	cursor c;
	int rc = resolve(pod, path, &c);
	if (rc != PODLIFE_OK)
		return rc;
	if (line)
		*line = c.pos.line;
	if (column)
		*column = c.pos.col;
	return PODLIFE_OK;
}
