/*
 * lib/spec/export.c - the typed model back to Kubernetes JSON (jansson),
 * fields in Go struct order, map keys sorted as Go's encoder sorts them,
 * unset fields omitted.  Parsing the output gives the same model.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "export.h"

/* Resolves a plain YAML scalar as go-yaml v2 would for JSON output. */
static json_t *scalar_to_json(const pl_node *n)
{
	const char *s = n->u.text;
	if (n->style == PL_SC_QUOTED)
		return json_stringn(s, n->n);
	if (n->style == PL_SC_JSON_BOOL)
		return json_boolean(strcmp(s, "true") == 0);
	static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
	static const char *const f[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
	for (size_t i = 0; i < PL_ARRAY_LEN(t); i++) {
		if (strcmp(s, t[i]) == 0)
			return json_true();
		if (strcmp(s, f[i]) == 0)
			return json_false();
	}
	if (*s && strlen(s) == n->n) {
		char *end = NULL;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (end && !*end && errno == 0)
			return json_integer(v);
		errno = 0;
		bool numeric = strspn(s, "+-0123456789.eE") == n->n;
		double d = strtod(s, &end);
		if (numeric && end && !*end && errno == 0)
			return json_real(d);
	}
	return json_stringn(s, n->n);
}

json_t *pl_node_to_json(const pl_node *n)
{
	if (!n)
		return json_null();
	switch (n->kind) {
	case PL_N_NULL:
		return json_null();
	case PL_N_SCALAR:
		return scalar_to_json(n);
	case PL_N_SEQ: {
		json_t *a = json_array();
		for (size_t i = 0; a && i < n->n; i++)
			if (json_array_append_new(a, pl_node_to_json(n->u.items[i])) != 0) {
				json_decref(a);
				return NULL;
			}
		return a;
	}
	case PL_N_MAP: {
		json_t *o = json_object();
		for (size_t i = 0; o && i < n->n; i++) {
			const pl_node *k = n->u.pairs[i].key;
			if (json_object_setn_new(o, k->u.text, k->n,
			                         pl_node_to_json(n->u.pairs[i].value)) != 0) {
				json_decref(o);
				return NULL;
			}
		}
		return o;
	}
	}
	return NULL;
}

static int kv_cmp(const void *a, const void *b)
{
	const pl_kv *x = *(const pl_kv *const *)a, *y = *(const pl_kv *const *)b;
	return strcmp(x->key, y->key);
}

static json_t *map_to_json(const pl_map *m)
{
	json_t *o = json_object();
	if (!o || m->n == 0)
		return o;
	const pl_kv **sorted = malloc(m->n * sizeof(*sorted));
	if (!sorted) {
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < m->n; i++)
		sorted[i] = &m->v[i];
	qsort(sorted, m->n, sizeof(*sorted), kv_cmp);
	for (size_t i = 0; i < m->n; i++)
		if (json_object_set_new(o, sorted[i]->key, json_string(sorted[i]->value)) != 0) {
			json_decref(o);
			o = NULL;
			break;
		}
	free(sorted);
	return o;
}

/* A quantity as the API server would print it: numbers stay strings. */
static json_t *qty_to_json(const char *s)
{
	return json_string(s);
}

static json_t *qtymap_to_json(const pl_map *m)
{
	json_t *o = map_to_json(m);
	return o;
}

json_t *pl_field_to_json(const void *obj, const pl_field *f)
{
	const char *base = (const char *)obj + f->offset;
	switch ((pl_ftype)f->type) {
	case PL_F_STR:
		return json_string(*(char *const *)base);
	case PL_F_QTY:
		return qty_to_json(*(char *const *)base);
	case PL_F_INT:
		return json_integer(*(const int64_t *)(const void *)base);
	case PL_F_BOOL:
		return json_boolean(*(const bool *)base);
	case PL_F_STRV: {
		const pl_strv *v = (const pl_strv *)(const void *)base;
		json_t *a = json_array();
		for (size_t i = 0; a && i < v->n; i++)
			json_array_append_new(a, json_string(v->v[i]));
		return a;
	}
	case PL_F_INTV: {
		const pl_intv *v = (const pl_intv *)(const void *)base;
		json_t *a = json_array();
		for (size_t i = 0; a && i < v->n; i++)
			json_array_append_new(a, json_integer(v->v[i]));
		return a;
	}
	case PL_F_MAP:
		return map_to_json((const pl_map *)(const void *)base);
	case PL_F_QTYMAP:
		return qtymap_to_json((const pl_map *)(const void *)base);
	case PL_F_OBJ:
		return pl_obj_to_json(*(void *const *)base);
	case PL_F_LIST: {
		const pl_list *l = (const pl_list *)(const void *)base;
		json_t *a = json_array();
		for (size_t i = 0; a && i < l->n; i++)
			json_array_append_new(a, pl_obj_to_json(l->v[i]));
		return a;
	}
	case PL_F_INTSTR: {
		const pl_intstr *is = (const pl_intstr *)(const void *)base;
		return is->is_str ? json_string(is->s) : json_integer(is->i);
	}
	case PL_F_RAW:
		return pl_node_to_json(*(pl_node *const *)base);
	}
	return NULL;
}

json_t *pl_obj_to_json(const void *obj)
{
	const pl_obj *h = obj;
	if (!h)
		return json_null();
	json_t *o = json_object();
	if (!o)
		return NULL;
	const pl_schema *s = h->schema;
	for (size_t i = 0; i < s->nfields; i++) {
		if (!((h->present >> i) & 1u))
			continue;
		json_t *v = pl_field_to_json(obj, &s->fields[i]);
		if (!v || json_object_set_new(o, s->fields[i].name, v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}
