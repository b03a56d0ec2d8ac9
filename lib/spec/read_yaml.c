/*
 * lib/spec/read_yaml.c - YAML stream reader: walks libyaml's events and
 * builds one pl_node tree per document in a scratch arena, with 1-based
 * positions.  Scalars resolve as go-yaml v2 (which sigs.k8s.io/yaml and so
 * Kubernetes use) does for the parts the decoder cannot see: YAML 1.1 null,
 * tags, aliases and merge keys.  Hostile input is bounded by the limits
 * (bytes, nesting, nodes after alias expansion).
 */
#include <string.h>

#include <yaml.h>

#include "node.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* A map or sequence under construction. */
typedef struct yframe {
	pl_node *node;
	size_t base;        /* first child in the scratch stack */
	size_t count_start; /* node count when the container began */
	unsigned int height; /* tallest child container, in levels */
	long anchor;        /* index in the anchor table, -1 when none */
	bool has_merge;
} yframe;

typedef struct yanchor {
	char *name; /* in the document arena */
	size_t hash;
	pl_node *node;
	size_t count;       /* nodes of the subtree, aliases expanded */
	unsigned int height; /* container levels of the subtree */
	bool done;          /* false while its container is still open */
} yanchor;

typedef struct yreader {
	const pl_alloc *a;
	const char *data;
	size_t len;
	pl_read_limits lim;
	podlife_diag *diag;
	pl_arena ar;
	bool arena_live;

	pl_node **stack; /* children of open containers (key, value, ...) */
	size_t sn, scap;
	yframe *frames;
	size_t fn, fcap;
	yanchor *anchors;
	size_t an, acap;
	/*
	 * Index of the anchors by name (latest definition wins): open
	 * addressing, a slot is live when its generation is the document's.
	 */
	struct yslot {
		uint32_t gen;
		uint32_t idx;
	} *slots;
	size_t nslots; /* a power of two, or 0 */
	uint32_t gen;

	size_t count; /* nodes of the current document, aliases expanded */
	pl_node *root;
	unsigned int doc;
} yreader;

/* ---- errors ---------------------------------------------------------------- */

#define ERR(r, code, line, col, ...)                                                    \
	pl_diag_plain((r)->diag, PODLIFE_SEVERITY_ERROR, (code), (line), (col), __VA_ARGS__)

/* 1-based line and column (in characters) of a byte offset. */
static void offset_position(const char *data, size_t len, size_t off, unsigned int *line,
                            unsigned int *col)
{
	unsigned int l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch == '\n' || (ch == '\r' && (i + 1 >= len || data[i + 1] != '\n'))) {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80 && ch != '\r') {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static unsigned int mark_line(yaml_mark_t m)
{
	return m.line + 1 > UINT32_MAX ? UINT32_MAX : (unsigned int)(m.line + 1);
}

static unsigned int mark_col(yaml_mark_t m)
{
	return m.column + 1 > UINT32_MAX ? UINT32_MAX : (unsigned int)(m.column + 1);
}

static int libyaml_error(yreader *r, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown problem parsing YAML";
	unsigned int line, col;
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		ERR(r, PODLIFE_ENOMEM, 0, 0, "out of memory while parsing YAML");
		return PODLIFE_ENOMEM;
	case YAML_READER_ERROR:
		offset_position(r->data, r->len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			ERR(r, PODLIFE_EPARSE, line, col, "invalid input: %s (#%X at byte %zu)", problem,
			    (unsigned int)p->problem_value, p->problem_offset);
		else
			ERR(r, PODLIFE_EPARSE, line, col, "invalid input: %s (at byte %zu)", problem,
			    p->problem_offset);
		return PODLIFE_EPARSE;
	default:
		line = mark_line(p->problem_mark);
		col = mark_col(p->problem_mark);
		if (p->context)
			ERR(r, PODLIFE_EPARSE, line, col, "%s %s", problem, p->context);
		else
			ERR(r, PODLIFE_EPARSE, line, col, "%s", problem);
		return PODLIFE_EPARSE;
	}
}

/* ---- scratch stacks -------------------------------------------------------- */

static bool grow(const pl_alloc *a, void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap : 64;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elem)
			return false;
		nc *= 2;
	}
	void *np = pl_realloc(a, *p, nc * elem);
	if (!np)
		return false;
	*p = np;
	*cap = nc;
	return true;
}

static int oom(yreader *r)
{
	ERR(r, PODLIFE_ENOMEM, 0, 0, "out of memory while reading YAML");
	return PODLIFE_ENOMEM;
}

static int push_child(yreader *r, pl_node *n)
{
	if (!grow(r->a, (void **)&r->stack, &r->scap, r->sn + 1, sizeof(*r->stack)))
		return oom(r);
	r->stack[r->sn++] = n;
	return PODLIFE_OK;
}

/* ---- node bookkeeping ------------------------------------------------------ */

static int count_nodes(yreader *r, size_t add, yaml_mark_t m, const char *what)
{
	if (add > r->lim.max_nodes || r->count > r->lim.max_nodes - add) {
		ERR(r, PODLIFE_ETOOBIG, mark_line(m), mark_col(m),
		    "document has more than %zu nodes%s (limit reached at %s)", r->lim.max_nodes,
		    " after alias expansion", what);
		return PODLIFE_ETOOBIG;
	}
	r->count += add;
	return PODLIFE_OK;
}

/*
 * Adds a finished node to its parent (or makes it the root).  Checks the
 * key rule of maps: keys must be scalars (or null).
 */
static int attach(yreader *r, pl_node *n, unsigned int height, yaml_mark_t m)
{
	if (r->fn == 0) {
		r->root = n;
		return PODLIFE_OK;
	}
	yframe *f = &r->frames[r->fn - 1];
	if (height + 1 > f->height)
		f->height = height + 1;
	if (f->node->kind == PL_N_MAP && ((r->sn - f->base) % 2) == 0) {
		if (n->kind == PL_N_MAP || n->kind == PL_N_SEQ) {
			ERR(r, PODLIFE_EPARSE, mark_line(m), mark_col(m),
			    "mapping key must be a scalar, found a %s",
			    n->kind == PL_N_MAP ? "mapping" : "sequence");
			return PODLIFE_EPARSE;
		}
		if (n->kind == PL_N_NULL) {
			/* sigs.k8s.io/yaml: "unsupported map key of type" for a nil key */
			ERR(r, PODLIFE_EPARSE, mark_line(m), mark_col(m),
			    "mapping key must be a string, number or boolean, found null");
			return PODLIFE_EPARSE;
		}
		if (n->style == PL_SC_PLAIN && n->n == 2 && n->u.text && memcmp(n->u.text, "<<", 2) == 0)
			f->has_merge = true;
	}
	return push_child(r, n);
}

static size_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211u;
	}
	return (size_t)h;
}

static void slot_put(yreader *r, size_t hash, const char *name, uint32_t idx)
{
	size_t mask = r->nslots - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct yslot *sl = &r->slots[i];
		if (sl->gen != r->gen) {
			sl->gen = r->gen;
			sl->idx = idx;
			return;
		}
		const yanchor *an = &r->anchors[sl->idx];
		if (an->hash == hash && strcmp(an->name, name) == 0) {
			sl->idx = idx;
			return;
		}
	}
}

/* Keeps the slots at most half full; rebuilds them from the anchor list. */
static bool slots_reserve(yreader *r, size_t n)
{
	if (n <= r->nslots / 2)
		return true;
	size_t ns = r->nslots ? r->nslots * 2 : 64;
	while (n > ns / 2)
		ns *= 2;
	struct yslot *sl = pl_calloc(r->a, ns, sizeof(*sl));
	if (!sl)
		return false;
	pl_free(r->a, r->slots);
	r->slots = sl;
	r->nslots = ns;
	r->gen = 1;
	for (size_t i = 0; i + 1 < n; i++)
		slot_put(r, r->anchors[i].hash, r->anchors[i].name, (uint32_t)i);
	return true;
}

static long anchor_begin(yreader *r, const yaml_char_t *name, pl_node *n)
{
	if (r->an >= UINT32_MAX)
		return -2;
	if (!grow(r->a, (void **)&r->anchors, &r->acap, r->an + 1, sizeof(*r->anchors)))
		return -2;
	if (!slots_reserve(r, r->an + 1))
		return -2;
	size_t len = strlen((const char *)name);
	char *nm = pl_arena_strndup(&r->ar, (const char *)name, len);
	if (!nm)
		return -2;
	yanchor *an = &r->anchors[r->an];
	an->name = nm;
	an->hash = hash_bytes(nm, len);
	an->node = n;
	an->count = 0;
	an->height = 0;
	an->done = false;
	slot_put(r, an->hash, nm, (uint32_t)r->an);
	return (long)r->an++;
}

static const yanchor *anchor_find(const yreader *r, const yaml_char_t *name)
{
	if (!r->nslots)
		return NULL;
	const char *nm = (const char *)name;
	size_t hash = hash_bytes(nm, strlen(nm)), mask = r->nslots - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		const struct yslot *sl = &r->slots[i];
		if (sl->gen != r->gen)
			return NULL;
		const yanchor *an = &r->anchors[sl->idx];
		if (an->hash == hash && strcmp(an->name, nm) == 0)
			return an;
	}
}

/* Forgets the anchors of the last document. */
static void anchors_reset(yreader *r)
{
	r->an = 0;
	if (++r->gen == 0) {
		if (r->slots)
			memset(r->slots, 0, r->nslots * sizeof(*r->slots));
		r->gen = 1;
	}
}

/* ---- tags ------------------------------------------------------------------ */

typedef enum {
	TAG_NONE,
	TAG_BANG, /* "!": a string when on a scalar */
	TAG_STR,
	TAG_NULL,
	TAG_PLAIN, /* int, float, bool, timestamp: the decoder reads the text */
	TAG_MAP,
	TAG_SEQ,
	TAG_MERGE,
	TAG_BAD
} tag_kind;

static tag_kind classify_tag(const yaml_char_t *tag)
{
	if (!tag)
		return TAG_NONE;
	const char *t = (const char *)tag;
	if (strcmp(t, "!") == 0)
		return TAG_BANG;
	if (strncmp(t, TAG_PREFIX, sizeof(TAG_PREFIX) - 1) != 0)
		return TAG_BAD;
	t += sizeof(TAG_PREFIX) - 1;
	if (strcmp(t, "str") == 0)
		return TAG_STR;
	if (strcmp(t, "null") == 0)
		return TAG_NULL;
	if (strcmp(t, "int") == 0 || strcmp(t, "float") == 0 || strcmp(t, "bool") == 0 ||
	    strcmp(t, "timestamp") == 0)
		return TAG_PLAIN;
	if (strcmp(t, "map") == 0)
		return TAG_MAP;
	if (strcmp(t, "seq") == 0)
		return TAG_SEQ;
	if (strcmp(t, "merge") == 0)
		return TAG_MERGE;
	return TAG_BAD;
}

static const char *tag_shown(const yaml_char_t *tag)
{
	const char *t = (const char *)tag;
	static const char prefix[] = TAG_PREFIX;
	return strncmp(t, prefix, sizeof(prefix) - 1) == 0 ? t + sizeof(prefix) - 3 : t;
}

static int bad_tag(yreader *r, const yaml_char_t *tag, const char *on, yaml_mark_t m)
{
	const char *shown = tag_shown(tag);
	if (strncmp((const char *)tag, TAG_PREFIX, sizeof(TAG_PREFIX) - 1) == 0)
		ERR(r, PODLIFE_EPARSE, mark_line(m), mark_col(m), "unsupported tag !!%s on a %s",
		    shown + 2, on);
	else
		ERR(r, PODLIFE_EPARSE, mark_line(m), mark_col(m), "unsupported tag %s on a %s",
		    shown, on);
	return PODLIFE_EPARSE;
}

/* ---- events ---------------------------------------------------------------- */

/* YAML 1.1 null as go-yaml v2 resolves a plain scalar. */
static bool plain_is_null(const char *s, size_t n)
{
	switch (n) {
	case 0: return true;
	case 1: return s[0] == '~';
	case 4:
		return memcmp(s, "null", 4) == 0 || memcmp(s, "Null", 4) == 0 ||
		       memcmp(s, "NULL", 4) == 0;
	default: return false;
	}
}

static int on_scalar(yreader *r, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t vn = ev->data.scalar.length;
	tag_kind tk = classify_tag(ev->data.scalar.tag);
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (tk == TAG_BAD || tk == TAG_MAP || tk == TAG_SEQ)
		return bad_tag(r, ev->data.scalar.tag, "scalar", ev->start_mark);
	if (tk == TAG_BANG)
		tk = TAG_STR;
	if (tk == TAG_MERGE && !(vn == 2 && memcmp(v, "<<", 2) == 0)) {
		ERR(r, PODLIFE_EPARSE, mark_line(ev->start_mark), mark_col(ev->start_mark),
		    "tag !!merge on a scalar other than <<");
		return PODLIFE_EPARSE;
	}
	int rc = count_nodes(r, 1, ev->start_mark, "a scalar");
	if (rc != PODLIFE_OK)
		return rc;
	bool text = !(tk == TAG_NULL || (tk == TAG_NONE && plain && plain_is_null(v, vn)));
	if (vn > SIZE_MAX - sizeof(pl_node) - 1)
		return oom(r);
	/* the node and its text in one piece of the arena */
	pl_node *n = pl_arena_alloc(&r->ar, sizeof(*n) + (text ? vn + 1 : 0));
	if (!n)
		return oom(r);
	n->line = mark_line(ev->start_mark);
	n->col = mark_col(ev->start_mark);
	if (!text) {
		n->kind = PL_N_NULL;
	} else {
		n->kind = PL_N_SCALAR;
		n->style = (tk == TAG_STR || (tk == TAG_NONE && !plain)) ? PL_SC_QUOTED : PL_SC_PLAIN;
		n->n = vn;
		n->u.text = (char *)(n + 1);
		memcpy(n->u.text, v, vn);
	}
	if (ev->data.scalar.anchor) {
		long ai = anchor_begin(r, ev->data.scalar.anchor, n);
		if (ai < 0)
			return oom(r);
		r->anchors[ai].count = 1;
		r->anchors[ai].done = true;
	}
	return attach(r, n, 0, ev->start_mark);
}

static int on_alias(yreader *r, const yaml_event_t *ev)
{
	const yaml_char_t *name = ev->data.alias.anchor;
	const yanchor *an = anchor_find(r, name);
	unsigned int line = mark_line(ev->start_mark), col = mark_col(ev->start_mark);
	if (!an) {
		ERR(r, PODLIFE_EPARSE, line, col, "unknown anchor '%s' referenced", (const char *)name);
		return PODLIFE_EPARSE;
	}
	if (!an->done) {
		ERR(r, PODLIFE_EPARSE, line, col, "anchor '%s' value contains itself",
		    (const char *)name);
		return PODLIFE_EPARSE;
	}
	if (an->height > 0 && r->fn + an->height > r->lim.max_depth) {
		ERR(r, PODLIFE_ETOOBIG, line, col,
		    "alias *%s nests deeper than the limit of %u levels", (const char *)name,
		    r->lim.max_depth);
		return PODLIFE_ETOOBIG;
	}
	if (an->count > r->lim.max_nodes || r->count > r->lim.max_nodes - an->count) {
		ERR(r, PODLIFE_ETOOBIG, line, col,
		    "document has more than %zu nodes after alias expansion (alias *%s)",
		    r->lim.max_nodes, (const char *)name);
		return PODLIFE_ETOOBIG;
	}
	r->count += an->count;
	return attach(r, an->node, an->height, ev->start_mark);
}

static int on_container_start(yreader *r, const yaml_event_t *ev, bool map)
{
	const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	const yaml_char_t *anchor =
		map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	tag_kind tk = classify_tag(tag);
	if (tk != TAG_NONE && tk != TAG_BANG && tk != (map ? TAG_MAP : TAG_SEQ))
		return bad_tag(r, tag, map ? "mapping" : "sequence", ev->start_mark);
	if (r->fn >= r->lim.max_depth) {
		ERR(r, PODLIFE_ETOOBIG, mark_line(ev->start_mark), mark_col(ev->start_mark),
		    "nesting deeper than the limit of %u levels", r->lim.max_depth);
		return PODLIFE_ETOOBIG;
	}
	if (r->fn > 0) {
		const yframe *pf = &r->frames[r->fn - 1];
		if (pf->node->kind == PL_N_MAP && ((r->sn - pf->base) % 2) == 0) {
			ERR(r, PODLIFE_EPARSE, mark_line(ev->start_mark), mark_col(ev->start_mark),
			    "mapping key must be a scalar, found a %s", map ? "mapping" : "sequence");
			return PODLIFE_EPARSE;
		}
	}
	int rc = count_nodes(r, 1, ev->start_mark, map ? "a mapping" : "a sequence");
	if (rc != PODLIFE_OK)
		return rc;
	pl_node *n = pl_arena_alloc(&r->ar, sizeof(*n));
	if (!n)
		return oom(r);
	n->kind = map ? PL_N_MAP : PL_N_SEQ;
	n->line = mark_line(ev->start_mark);
	n->col = mark_col(ev->start_mark);
	if (!grow(r->a, (void **)&r->frames, &r->fcap, r->fn + 1, sizeof(*r->frames)))
		return oom(r);
	yframe *f = &r->frames[r->fn++];
	f->node = n;
	f->base = r->sn;
	f->count_start = r->count - 1;
	f->height = 1;
	f->anchor = -1;
	f->has_merge = false;
	if (anchor) {
		f->anchor = anchor_begin(r, anchor, n);
		if (f->anchor < 0)
			return oom(r);
	}
	return PODLIFE_OK;
}

static bool same_key(const pl_node *a, const pl_node *b)
{
	return a->kind == b->kind && a->n == b->n &&
	       (a->n == 0 || memcmp(a->u.text, b->u.text, a->n) == 0);
}

/*
 * Merge keys as go-yaml v2 decodes them into a map: the pairs of the map
 * are applied in order, a `<<` value (a map, or a sequence of maps applied
 * last to first so that the first wins) assigns its pairs over what is
 * already there, and a later explicit key assigns over a merged one.
 * Explicit duplicates stay (the decoder reports them).  `index` finds the
 * latest pair of a key in linear time overall.
 */
typedef struct mpair {
	pl_node *key, *value;
	bool merged;
} mpair;

typedef struct mstate {
	mpair *out;
	size_t n;
	size_t *index; /* pair number + 1, 0 when empty */
	size_t mask;
} mstate;

static void merge_assign(mstate *m, pl_node *k, pl_node *v, bool merged)
{
	size_t i = hash_bytes(k->u.text, k->n) & m->mask;
	for (; m->index[i]; i = (i + 1) & m->mask) {
		mpair *p = &m->out[m->index[i] - 1];
		if (!same_key(p->key, k))
			continue;
		if (merged || p->merged) {
			/* assignment over an existing key; an explicit key keeps its node */
			if (!merged)
				p->key = k;
			p->value = v;
			p->merged = merged;
			return;
		}
		break; /* an explicit duplicate: kept as a pair of its own */
	}
	m->out[m->n].key = k;
	m->out[m->n].value = v;
	m->out[m->n].merged = merged;
	m->n++;
	m->index[i] = m->n; /* the key's slot names its latest pair */
}

static int merge_source_error(yreader *r, const pl_node *v)
{
	ERR(r, PODLIFE_EPARSE, v->line, v->col,
	    "map merge requires map or sequence of maps as the value");
	return PODLIFE_EPARSE;
}

static int resolve_merges(yreader *r, yframe *f, pl_pair **pairs_out, size_t *np_out)
{
	pl_node **kv = r->stack + f->base;
	size_t nkv = (r->sn - f->base) / 2;
	/* upper bound of the result */
	size_t cap = 0;
	for (size_t i = 0; i < nkv; i++) {
		pl_node *k = kv[2 * i], *v = kv[2 * i + 1];
		bool merge = k->kind == PL_N_SCALAR && k->style == PL_SC_PLAIN && k->n == 2 &&
		             memcmp(k->u.text, "<<", 2) == 0;
		if (!merge) {
			cap++;
		} else if (v->kind == PL_N_MAP) {
			cap += v->n;
		} else if (v->kind == PL_N_SEQ) {
			for (size_t j = 0; j < v->n; j++) {
				if (v->u.items[j]->kind != PL_N_MAP)
					return merge_source_error(r, v->u.items[j]);
				cap += v->u.items[j]->n;
			}
		} else {
			return merge_source_error(r, v);
		}
	}
	size_t slots = 16;
	while (slots < 2 * cap)
		slots *= 2;
	mstate ms = {pl_malloc(r->a, (cap ? cap : 1) * sizeof(mpair)), 0,
	             pl_calloc(r->a, slots, sizeof(size_t)), slots - 1};
	if (!ms.out || !ms.index) {
		pl_free(r->a, ms.out);
		pl_free(r->a, ms.index);
		return oom(r);
	}
	for (size_t i = 0; i < nkv; i++) {
		pl_node *k = kv[2 * i], *v = kv[2 * i + 1];
		bool merge = k->kind == PL_N_SCALAR && k->style == PL_SC_PLAIN && k->n == 2 &&
		             memcmp(k->u.text, "<<", 2) == 0;
		if (!merge) {
			merge_assign(&ms, k, v, false);
		} else if (v->kind == PL_N_MAP) {
			for (size_t p = 0; p < v->n; p++)
				merge_assign(&ms, v->u.pairs[p].key, v->u.pairs[p].value, true);
		} else {
			for (size_t j = v->n; j-- > 0;) {
				const pl_node *m = v->u.items[j];
				for (size_t p = 0; p < m->n; p++)
					merge_assign(&ms, m->u.pairs[p].key, m->u.pairs[p].value, true);
			}
		}
	}
	pl_pair *pairs = NULL;
	if (ms.n) {
		pairs = pl_arena_alloc(&r->ar, ms.n * sizeof(*pairs));
		for (size_t i = 0; pairs && i < ms.n; i++) {
			pairs[i].key = ms.out[i].key;
			pairs[i].value = ms.out[i].value;
		}
	}
	size_t n = ms.n;
	pl_free(r->a, ms.out);
	pl_free(r->a, ms.index);
	if (n && !pairs)
		return oom(r);
	*pairs_out = pairs;
	*np_out = n;
	return PODLIFE_OK;
}

static int on_container_end(yreader *r, const yaml_event_t *ev)
{
	yframe *f = &r->frames[r->fn - 1];
	pl_node *n = f->node;
	size_t nchild = r->sn - f->base;
	if (n->kind == PL_N_MAP) {
		if (f->has_merge) {
			int rc = resolve_merges(r, f, &n->u.pairs, &n->n);
			if (rc != PODLIFE_OK)
				return rc;
		} else if (nchild) {
			size_t np = nchild / 2;
			if (np > SIZE_MAX / sizeof(pl_pair))
				return oom(r);
			pl_pair *pairs = pl_arena_alloc(&r->ar, np * sizeof(*pairs));
			if (!pairs)
				return oom(r);
			/* pl_pair is two pointers: the key/value stack has its layout */
			memcpy(pairs, r->stack + f->base, np * sizeof(*pairs));
			n->u.pairs = pairs;
			n->n = np;
		}
	} else if (nchild) {
		pl_node **items = pl_arena_alloc(&r->ar, nchild * sizeof(*items));
		if (!items)
			return oom(r);
		memcpy(items, r->stack + f->base, nchild * sizeof(*items));
		n->u.items = items;
		n->n = nchild;
	}
	r->sn = f->base;
	unsigned int height = f->height;
	if (f->anchor >= 0) {
		yanchor *an = &r->anchors[f->anchor];
		an->count = r->count - f->count_start;
		an->height = height;
		an->done = true;
	}
	r->fn--;
	return attach(r, n, height, ev->start_mark);
}

_Static_assert(sizeof(pl_pair) == 2 * sizeof(pl_node *), "pl_pair is a key/value pair");

/* ---- the stream ------------------------------------------------------------ */

static void doc_reset(yreader *r)
{
	if (r->arena_live)
		pl_arena_free(&r->ar);
	r->arena_live = false;
	r->sn = r->fn = 0;
	anchors_reset(r);
	r->count = 0;
	r->root = NULL;
}

static int check_nul(yreader *r)
{
	const unsigned char *d = (const unsigned char *)r->data;
	/* UTF-16 (with its BOM) holds NUL bytes; libyaml rejects U+0000 there */
	if (r->len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF)))
		return PODLIFE_OK;
	const char *z = memchr(r->data, '\0', r->len);
	if (!z)
		return PODLIFE_OK;
	unsigned int line, col;
	size_t off = (size_t)(z - r->data);
	offset_position(r->data, r->len, off, &line, &col);
	ERR(r, PODLIFE_EPARSE, line, col, "invalid input: NUL byte at byte %zu", off);
	return PODLIFE_EPARSE;
}

int pl_read_yaml(const pl_alloc *a, const char *data, size_t len, const pl_read_limits *lim,
                 podlife_diag *diag, pl_doc_cb cb, void *ud)
{
	if (!a || (!data && len) || !cb)
		return PODLIFE_EINVAL;
	yreader r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.data = data ? data : "";
	r.len = len;
	r.diag = diag;
	pl_read_limits_resolve(&r.lim, lim);
	if (len > r.lim.max_bytes) {
		ERR(&r, PODLIFE_ETOOBIG, 0, 0, "input is %zu bytes, more than the limit of %zu", len,
		    r.lim.max_bytes);
		return PODLIFE_ETOOBIG;
	}
	int rc = check_nul(&r);
	if (rc != PODLIFE_OK)
		return rc;

	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return oom(&r);
	yaml_parser_set_input_string(&p, (const unsigned char *)r.data, len);
	bool done = false;
	while (!done && rc == PODLIFE_OK) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			rc = libyaml_error(&r, &p);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			doc_reset(&r);
			pl_arena_init(&r.ar, a);
			r.arena_live = true;
			if (diag)
				diag->document = r.doc;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (r.root) {
				rc = cb(ud, r.doc, r.root);
			}
			r.doc++;
			doc_reset(&r);
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(&r, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = on_alias(&r, &ev);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = on_container_start(&r, &ev, true);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = on_container_start(&r, &ev, false);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			rc = on_container_end(&r, &ev);
			break;
		default:
			break;
		}
		if (rc == PODLIFE_OK && r.arena_live && r.ar.oom)
			rc = oom(&r);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	doc_reset(&r);
	pl_free(a, r.stack);
	pl_free(a, r.frames);
	pl_free(a, r.anchors);
	pl_free(a, r.slots);
	return rc;
}
