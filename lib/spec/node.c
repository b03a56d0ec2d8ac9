/*
 * lib/spec/node.c - helpers on the document tree of the readers: map
 * lookup, scalar text, deep copy into another arena, null test, limits.
 */
#include <string.h>

#include "node.h"

void pl_read_limits_resolve(pl_read_limits *out, const pl_read_limits *in)
{
	out->max_bytes = in && in->max_bytes ? in->max_bytes : PL_READ_DEFAULT_MAX_BYTES;
	out->max_depth = in && in->max_depth ? in->max_depth : PL_READ_DEFAULT_MAX_DEPTH;
	out->max_nodes = in && in->max_nodes ? in->max_nodes : PL_READ_DEFAULT_MAX_NODES;
}

pl_node *pl_node_get(const pl_node *map, const char *key)
{
	if (!map || !key || map->kind != PL_N_MAP)
		return NULL;
	size_t kn = strlen(key);
	for (size_t i = map->n; i-- > 0;) {
		const pl_node *k = map->u.pairs[i].key;
		if (k->kind == PL_N_SCALAR && k->n == kn && memcmp(k->u.text, key, kn) == 0)
			return map->u.pairs[i].value;
	}
	return NULL;
}

const char *pl_node_text(const pl_node *n)
{
	return n && n->kind == PL_N_SCALAR ? n->u.text : NULL;
}

pl_node *pl_node_copy(pl_arena *ar, const pl_node *n)
{
	if (!n)
		return NULL;
	pl_node *c = pl_arena_alloc(ar, sizeof(*c));
	if (!c)
		return NULL;
	c->kind = n->kind;
	c->style = n->style;
	c->line = n->line;
	c->col = n->col;
	c->n = n->n;
	switch (n->kind) {
	case PL_N_SCALAR:
		c->u.text = pl_arena_alloc(ar, n->n + 1);
		if (!c->u.text)
			return NULL;
		memcpy(c->u.text, n->u.text, n->n);
		break;
	case PL_N_MAP:
		if (!n->n)
			break;
		if (n->n > SIZE_MAX / sizeof(pl_pair)) {
			ar->oom = true;
			return NULL;
		}
		c->u.pairs = pl_arena_alloc(ar, n->n * sizeof(pl_pair));
		if (!c->u.pairs)
			return NULL;
		for (size_t i = 0; i < n->n; i++) {
			c->u.pairs[i].key = pl_node_copy(ar, n->u.pairs[i].key);
			c->u.pairs[i].value = pl_node_copy(ar, n->u.pairs[i].value);
			if (!c->u.pairs[i].key || !c->u.pairs[i].value)
				return NULL;
		}
		break;
	case PL_N_SEQ:
		if (!n->n)
			break;
		if (n->n > SIZE_MAX / sizeof(pl_node *)) {
			ar->oom = true;
			return NULL;
		}
		c->u.items = pl_arena_alloc(ar, n->n * sizeof(pl_node *));
		if (!c->u.items)
			return NULL;
		for (size_t i = 0; i < n->n; i++) {
			c->u.items[i] = pl_node_copy(ar, n->u.items[i]);
			if (!c->u.items[i])
				return NULL;
		}
		break;
	default:
		c->u.text = NULL;
		c->n = 0;
		break;
	}
	return c;
}

bool pl_node_is_null_scalar(const pl_node *n)
{
	if (!n)
		return false;
	if (n->kind == PL_N_NULL)
		return true;
	if (n->kind != PL_N_SCALAR || n->style != PL_SC_PLAIN)
		return false;
	const char *s = n->u.text;
	switch (n->n) {
	case 0: return true;
	case 1: return s[0] == '~';
	case 4:
		return memcmp(s, "null", 4) == 0 || memcmp(s, "Null", 4) == 0 ||
		       memcmp(s, "NULL", 4) == 0;
	default: return false;
	}
}
