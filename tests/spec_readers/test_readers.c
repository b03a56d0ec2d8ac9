/*
 * tests/spec_readers/test_readers.c - the YAML and JSON readers
 * (lib/spec/read_yaml.c, read_json.c) and the node helpers (node.c):
 * positions, streams, aliases and merge keys, limits, hostile bytes,
 * syntax errors and scalar kinds.
 */
#include "harness.h"

#include "common/common.h"
#include "spec/node.h"

/* Every document, deep-copied into one arena that outlives the reader. */
typedef struct docs {
	pl_arena ar;
	pl_node *root[16];
	unsigned int index[16];
	unsigned int n;
	int stop_at; /* return EINVAL from the callback for this index, -1: never */
} docs;

static int collect(void *ud, unsigned int index, pl_node *root)
{
	docs *d = ud;
	if ((int)index == d->stop_at)
		return PODLIFE_EINVAL;
	if (d->n < PL_ARRAY_LEN(d->root)) {
		d->root[d->n] = pl_node_copy(&d->ar, root);
		d->index[d->n] = index;
		d->n++;
	}
	return PODLIFE_OK;
}

typedef struct result {
	docs d;
	podlife_diag *diag;
	int rc;
} result;

static const pl_read_limits default_lim = {1 << 20, 64, 10000};

static void run_lim(result *r, const char *text, size_t len, bool json,
                    const pl_read_limits *lim)
{
	memset(r, 0, sizeof(*r));
	pl_arena_init(&r->d.ar, pl_alloc_default());
	r->d.stop_at = -1;
	r->diag = pl_diag_new(pl_alloc_default());
	r->rc = json ? pl_read_json(pl_alloc_default(), text, len, lim, r->diag, collect, &r->d)
	             : pl_read_yaml(pl_alloc_default(), text, len, lim, r->diag, collect, &r->d);
}

static void yaml(result *r, const char *text)
{
	run_lim(r, text, strlen(text), false, &default_lim);
}

static void json(result *r, const char *text)
{
	run_lim(r, text, strlen(text), true, &default_lim);
}

static void done(result *r)
{
	pl_arena_free(&r->d.ar);
	podlife_diag_free(r->diag);
}

static const char *msg0(const result *r)
{
	const podlife_error *e = podlife_diag_get(r->diag, 0);
	return e ? podlife_error_message(e) : "";
}

static unsigned int line0(const result *r)
{
	const podlife_error *e = podlife_diag_get(r->diag, 0);
	return e ? podlife_error_line(e) : 0;
}

static unsigned int col0(const result *r)
{
	const podlife_error *e = podlife_diag_get(r->diag, 0);
	return e ? podlife_error_column(e) : 0;
}

static bool contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* ---- YAML ------------------------------------------------------------------ */

static void yaml_positions(void)
{
	result r;
	yaml(&r, "apiVersion: v1\n"
	         "kind: Pod\n"
	         "metadata:\n"
	         "  name: web\n"
	         "spec:\n"
	         "  containers:\n"
	         "  - name: app\n"
	         "    image: nginx\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *root = r.d.root[0];
	CHECK_INT(root->kind, PL_N_MAP);
	CHECK_INT(root->line, 1);
	CHECK_INT(root->col, 1);
	CHECK_INT(root->n, 4);
	CHECK_INT(root->u.pairs[1].key->line, 2);
	CHECK_INT(root->u.pairs[1].key->col, 1);
	CHECK_INT(root->u.pairs[1].value->col, 7);
	pl_node *name = pl_node_get(pl_node_get(root, "metadata"), "name");
	REQUIRE(name);
	CHECK_STR(pl_node_text(name), "web");
	CHECK_INT(name->line, 4);
	CHECK_INT(name->col, 9);
	pl_node *cs = pl_node_get(pl_node_get(root, "spec"), "containers");
	REQUIRE(cs && cs->kind == PL_N_SEQ && cs->n == 1);
	CHECK_INT(cs->line, 7);
	CHECK_INT(cs->col, 3);
	pl_node *c0 = cs->u.items[0];
	CHECK_INT(c0->kind, PL_N_MAP);
	CHECK_INT(c0->line, 7);
	CHECK_INT(c0->col, 5);
	pl_node *img = pl_node_get(c0, "image");
	REQUIRE(img);
	CHECK_INT(img->line, 8);
	CHECK_INT(img->col, 12);
	CHECK(pl_node_get(root, "nothing") == NULL);
	CHECK(pl_node_get(img, "x") == NULL);
	CHECK(pl_node_text(c0) == NULL);
	CHECK_INT(podlife_diag_count(r.diag), 0);
	done(&r);
}

static void yaml_multi_document(void)
{
	result r;
	yaml(&r, "# leading comment\n"
	         "a: 1\n"
	         "---\n"
	         "b: 2\n"
	         "...\n"
	         "---\n"
	         "---\n"
	         "- x\n"
	         "- y\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 4);
	CHECK_INT(r.d.index[0], 0);
	CHECK_INT(r.d.index[3], 3);
	CHECK_STR(pl_node_text(pl_node_get(r.d.root[0], "a")), "1");
	CHECK_STR(pl_node_text(pl_node_get(r.d.root[1], "b")), "2");
	CHECK_INT(pl_node_get(r.d.root[1], "b")->line, 4);
	CHECK_INT(r.d.root[2]->kind, PL_N_NULL);
	CHECK_INT(r.d.root[3]->kind, PL_N_SEQ);
	CHECK_INT(r.d.root[3]->n, 2);
	CHECK_INT(r.d.root[3]->line, 8);
	done(&r);
}

static void yaml_callback_stops(void)
{
	result r;
	memset(&r, 0, sizeof(r));
	pl_arena_init(&r.d.ar, pl_alloc_default());
	r.d.stop_at = 1;
	const char *t = "a: 1\n---\nb: 2\n---\nc: 3\n";
	r.rc = pl_read_yaml(pl_alloc_default(), t, strlen(t), &default_lim, NULL, collect, &r.d);
	CHECK_INT(r.rc, PODLIFE_EINVAL);
	CHECK_INT(r.d.n, 1);
	pl_arena_free(&r.d.ar);
}

static void yaml_empty_stream(void)
{
	result r;
	yaml(&r, "");
	CHECK_INT(r.rc, PODLIFE_OK);
	CHECK_INT(r.d.n, 0);
	done(&r);
	yaml(&r, "# only a comment\n\n   # another\n");
	CHECK_INT(r.rc, PODLIFE_OK);
	CHECK_INT(r.d.n, 0);
	done(&r);
	run_lim(&r, NULL, 0, false, NULL);
	CHECK_INT(r.rc, PODLIFE_OK);
	CHECK_INT(r.d.n, 0);
	done(&r);
}

static void yaml_empty_document(void)
{
	result r;
	yaml(&r, "---\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	CHECK_INT(r.d.root[0]->kind, PL_N_NULL);
	CHECK(pl_node_is_null_scalar(r.d.root[0]));
	done(&r);
	yaml(&r, "--- # nothing\n...\n");
	REQUIRE(r.rc == PODLIFE_OK);
	CHECK_INT(r.d.n, 1);
	done(&r);
}

static void yaml_scalar_styles(void)
{
	result r;
	yaml(&r, "plain: 10\n"
	         "single: '10'\n"
	         "double: \"10\"\n"
	         "literal: |\n"
	         "  line1\n"
	         "  line2\n"
	         "folded: >-\n"
	         "  a\n"
	         "  b\n"
	         "n1: null\n"
	         "n2: ~\n"
	         "n3: Null\n"
	         "n4: NULL\n"
	         "n5:\n"
	         "q1: 'null'\n"
	         "q2: \"~\"\n"
	         "s1: !!str 12\n"
	         "s2: !!str\n"
	         "i1: !!int \"7\"\n"
	         "z: !!null whatever\n"
	         "b: yes\n"
	         "nul: \"a\\0b\"\n"
	         "nuLL: nULL\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *m = r.d.root[0];
	CHECK_INT(pl_node_get(m, "plain")->style, PL_SC_PLAIN);
	CHECK_INT(pl_node_get(m, "single")->style, PL_SC_QUOTED);
	CHECK_INT(pl_node_get(m, "double")->style, PL_SC_QUOTED);
	CHECK_STR(pl_node_text(pl_node_get(m, "single")), "10");
	CHECK_INT(pl_node_get(m, "literal")->style, PL_SC_QUOTED);
	CHECK_STR(pl_node_text(pl_node_get(m, "literal")), "line1\nline2\n");
	CHECK_STR(pl_node_text(pl_node_get(m, "folded")), "a b");
	CHECK_INT(pl_node_get(m, "folded")->style, PL_SC_QUOTED);
	const char *nulls[] = {"n1", "n2", "n3", "n4", "n5", "z"};
	for (size_t i = 0; i < PL_ARRAY_LEN(nulls); i++) {
		pl_node *v = pl_node_get(m, nulls[i]);
		REQUIRE(v);
		CHECK_INT(v->kind, PL_N_NULL);
		CHECK(pl_node_text(v) == NULL);
		CHECK(pl_node_is_null_scalar(v));
	}
	CHECK_INT(pl_node_get(m, "q1")->kind, PL_N_SCALAR);
	CHECK_INT(pl_node_get(m, "q1")->style, PL_SC_QUOTED);
	CHECK(!pl_node_is_null_scalar(pl_node_get(m, "q1")));
	CHECK_INT(pl_node_get(m, "q2")->kind, PL_N_SCALAR);
	CHECK_INT(pl_node_get(m, "s1")->style, PL_SC_QUOTED);
	CHECK_STR(pl_node_text(pl_node_get(m, "s1")), "12");
	CHECK_INT(pl_node_get(m, "s2")->kind, PL_N_SCALAR);
	CHECK_STR(pl_node_text(pl_node_get(m, "s2")), "");
	CHECK_INT(pl_node_get(m, "i1")->style, PL_SC_PLAIN);
	CHECK_STR(pl_node_text(pl_node_get(m, "b")), "yes");
	CHECK_INT(pl_node_get(m, "b")->style, PL_SC_PLAIN);
	pl_node *nul = pl_node_get(m, "nul");
	REQUIRE(nul);
	CHECK_INT(nul->n, 3);
	CHECK(memcmp(nul->u.text, "a\0b", 4) == 0);
	CHECK_INT(pl_node_get(m, "nuLL")->kind, PL_N_SCALAR);
	done(&r);
}

/* sigs.k8s.io/yaml (convertToJSONableObject) rejects a nil map key. */
static void yaml_null_keys_rejected(void)
{
	const char *cases[] = {"a: 1\n~: a\n", "null: b\n", "? \n: c\n", "!!null x: 1\n",
	                       "a: &n ~\n*n : 2\n"};
	for (size_t i = 0; i < PL_ARRAY_LEN(cases); i++) {
		result r;
		yaml(&r, cases[i]);
		CHECK_INT(r.rc, PODLIFE_EPARSE);
		CHECK(contains(msg0(&r), "mapping key must be a string, number or boolean, found null"));
		CHECK(line0(&r) > 0);
		done(&r);
	}
	result r;
	yaml(&r, "\"null\": a\n'~': b\n!!str null: c\nNULLS: d\n");
	CHECK_INT(r.rc, PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	CHECK_INT(r.d.root[0]->n, 4);
	CHECK_STR(pl_node_text(pl_node_get(r.d.root[0], "null")), "c");
	CHECK_STR(pl_node_text(pl_node_get(r.d.root[0], "~")), "b");
	done(&r);
}

static void yaml_unsupported_tags(void)
{
	result r;
	yaml(&r, "a: !!binary aGVsbG8=\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "unsupported tag !!binary"));
	CHECK_INT(line0(&r), 1);
	CHECK_INT(col0(&r), 4);
	done(&r);
	yaml(&r, "a: b\nc: !custom x\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "unsupported tag !custom"));
	CHECK_INT(line0(&r), 2);
	done(&r);
	yaml(&r, "a: !!map x\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
	yaml(&r, "a: !!seq {b: c}\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
	yaml(&r, "a: !!map {b: c}\nd: !!seq [e]\nf: ! {g: h}\ni: ! 12\n");
	CHECK_INT(r.rc, PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	CHECK_INT(pl_node_get(r.d.root[0], "f")->kind, PL_N_MAP);
	CHECK_INT(pl_node_get(r.d.root[0], "i")->style, PL_SC_QUOTED);
	done(&r);
	yaml(&r, "a: !!omap [{b: c}]\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "unsupported tag !!omap on a sequence"));
	done(&r);
}

static void yaml_duplicate_keys_kept(void)
{
	result r;
	yaml(&r, "a: 1\nb: 2\na: 3\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	CHECK_INT(r.d.root[0]->n, 3);
	/* the last one wins on lookup, as go-yaml assigns into a map */
	CHECK_STR(pl_node_text(pl_node_get(r.d.root[0], "a")), "3");
	done(&r);
}

static void yaml_anchors_aliases(void)
{
	result r;
	yaml(&r, "base: &b\n"
	         "  image: nginx\n"
	         "  ports: [80, 443]\n"
	         "name: &n web\n"
	         "copy: *b\n"
	         "list: [*n, *n]\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *m = r.d.root[0];
	pl_node *copy = pl_node_get(m, "copy");
	REQUIRE(copy && copy->kind == PL_N_MAP);
	CHECK_STR(pl_node_text(pl_node_get(copy, "image")), "nginx");
	CHECK_INT(pl_node_get(copy, "ports")->n, 2);
	/* aliases keep the anchored node's position (a block map starts at its anchor) */
	CHECK_INT(copy->line, 1);
	CHECK_INT(copy->col, 7);
	pl_node *list = pl_node_get(m, "list");
	REQUIRE(list && list->n == 2);
	CHECK_STR(pl_node_text(list->u.items[0]), "web");
	CHECK_STR(pl_node_text(list->u.items[1]), "web");
	/* after pl_node_copy the aliased nodes are separate copies */
	CHECK(list->u.items[0] != list->u.items[1]);
	CHECK(copy != pl_node_get(m, "base"));
	done(&r);
}

/* The reader shares aliased nodes; seen inside the callback. */
static int check_shared(void *ud, unsigned int index, pl_node *root)
{
	int *ok = ud;
	PL_UNUSED(index);
	*ok = pl_node_get(root, "a") == pl_node_get(root, "b");
	return PODLIFE_OK;
}

static void yaml_alias_shares_node(void)
{
	const char *t = "a: &x {k: v}\nb: *x\n";
	int ok = 0;
	int rc = pl_read_yaml(pl_alloc_default(), t, strlen(t), &default_lim, NULL, check_shared, &ok);
	CHECK_INT(rc, PODLIFE_OK);
	CHECK_INT(ok, 1);
}

static void yaml_alias_errors(void)
{
	result r;
	yaml(&r, "a: 1\nb: *nope\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "nope"));
	CHECK_INT(line0(&r), 2);
	CHECK_INT(col0(&r), 4);
	done(&r);
	/* an anchor of one document is unknown in the next */
	yaml(&r, "a: &x 1\n---\nb: *x\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK_INT(r.d.n, 1);
	CHECK_INT(line0(&r), 3);
	done(&r);
	/* a node that contains its own alias */
	yaml(&r, "a: &x\n  b: *x\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "contains itself"));
	done(&r);
	/* an aliased map as a key */
	yaml(&r, "a: &x {k: v}\n*x : 1\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "mapping key must be a scalar"));
	done(&r);
}

static void yaml_anchor_redefined(void)
{
	result r;
	yaml(&r, "a: &x 1\nb: &x 2\nc: *x\n");
	REQUIRE(r.rc == PODLIFE_OK);
	CHECK_STR(pl_node_text(pl_node_get(r.d.root[0], "c")), "2");
	done(&r);
	/* the new anchor applies from its node on: the alias inside is a cycle */
	yaml(&r, "a: &x 1\nb: &x [*x]\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "contains itself"));
	done(&r);
}

/* Many anchors and aliases, a wide merge: linear-time tables. */
static void yaml_many_anchors(void)
{
	enum { N = 20000 };
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	pl_buf_puts(&b, "anchors:\n");
	for (int i = 0; i < N; i++)
		pl_buf_printf(&b, "- &a%d v%d\n", i, i);
	pl_buf_puts(&b, "aliases:\n");
	for (int i = 0; i < N; i++)
		pl_buf_printf(&b, "- *a%d\n", i % 7 == 0 ? 0 : N - 1 - i);
	pl_buf_puts(&b, "wide: &w\n");
	for (int i = 0; i < N; i++)
		pl_buf_printf(&b, "  k%d: %d\n", i, i);
	pl_buf_puts(&b, "merged:\n  k5: five\n  <<: *w\n  k7: seven\n");
	REQUIRE(!b.oom);
	pl_read_limits lim = {1 << 24, 64, 1000000};
	result r;
	run_lim(&r, b.data, b.len, false, &lim);
	pl_buf_free(&b);
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *al = pl_node_get(r.d.root[0], "aliases");
	REQUIRE(al && al->n == N);
	CHECK_STR(pl_node_text(al->u.items[0]), "v0");
	CHECK_STR(pl_node_text(al->u.items[1]), "v19998");
	CHECK_STR(pl_node_text(al->u.items[N - 1]), "v0");
	pl_node *m = pl_node_get(r.d.root[0], "merged");
	REQUIRE(m);
	CHECK_INT(m->n, N);
	CHECK_STR(pl_node_text(pl_node_get(m, "k5")), "5");
	CHECK_STR(pl_node_text(pl_node_get(m, "k7")), "seven");
	CHECK_STR(pl_node_text(pl_node_get(m, "k19999")), "19999");
	done(&r);
}

static void yaml_merge_keys(void)
{
	result r;
	yaml(&r, "defaults: &d\n"
	         "  a: 1\n"
	         "  b: 2\n"
	         "extra: &e\n"
	         "  b: 20\n"
	         "  c: 30\n"
	         "one:\n"
	         "  <<: *d\n"
	         "  b: 3\n"
	         "two:\n"
	         "  b: 4\n"
	         "  <<: *d\n"
	         "three:\n"
	         "  <<: [*e, *d]\n"
	         "quoted:\n"
	         "  \"<<\": *d\n"
	         "inline:\n"
	         "  <<: {x: y}\n"
	         "  z: w\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *m = r.d.root[0];
	pl_node *one = pl_node_get(m, "one");
	REQUIRE(one && one->kind == PL_N_MAP);
	CHECK_INT(one->n, 2);
	CHECK_STR(pl_node_text(pl_node_get(one, "a")), "1");
	CHECK_STR(pl_node_text(pl_node_get(one, "b")), "3");
	/* go-yaml v2 assigns the merged pairs over earlier keys */
	pl_node *two = pl_node_get(m, "two");
	REQUIRE(two);
	CHECK_INT(two->n, 2);
	CHECK_STR(pl_node_text(pl_node_get(two, "b")), "2");
	CHECK_STR(pl_node_text(pl_node_get(two, "a")), "1");
	/* in a sequence of maps the first one wins */
	pl_node *three = pl_node_get(m, "three");
	REQUIRE(three);
	CHECK_INT(three->n, 3);
	CHECK_STR(pl_node_text(pl_node_get(three, "a")), "1");
	CHECK_STR(pl_node_text(pl_node_get(three, "b")), "20");
	CHECK_STR(pl_node_text(pl_node_get(three, "c")), "30");
	/* a quoted "<<" is an ordinary key */
	pl_node *quoted = pl_node_get(m, "quoted");
	REQUIRE(quoted);
	CHECK_INT(quoted->n, 1);
	CHECK(pl_node_get(quoted, "<<") != NULL);
	pl_node *in = pl_node_get(m, "inline");
	REQUIRE(in);
	CHECK_INT(in->n, 2);
	CHECK_STR(pl_node_text(pl_node_get(in, "x")), "y");
	CHECK(pl_node_get(in, "<<") == NULL);
	done(&r);

	yaml(&r, "a: &s text\nb:\n  <<: *s\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "map merge requires map or sequence of maps"));
	done(&r);
	yaml(&r, "b:\n  <<: [{a: 1}, 2]\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK_INT(line0(&r), 2);
	done(&r);
}

static void yaml_billion_laughs(void)
{
	result r;
	yaml(&r, "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	         "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	         "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	         "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	         "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	         "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	         "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	         "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	         "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n");
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	CHECK_INT(r.d.n, 0);
	CHECK(contains(msg0(&r), "alias expansion"));
	CHECK(contains(msg0(&r), "10000"));
	CHECK_INT(line0(&r), 5);
	CHECK(col0(&r) > 0);
	const podlife_error *e = podlife_diag_get(r.diag, 0);
	CHECK(e && podlife_error_code(e) == PODLIFE_ETOOBIG);
	done(&r);
}

static void yaml_node_limit_plain(void)
{
	pl_read_limits lim = {1 << 20, 64, 5};
	result r;
	const char *t = "[1, 2, 3, 4]\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_OK);
	done(&r);
	t = "[1, 2, 3, 4, 5]\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	CHECK_INT(line0(&r), 1);
	CHECK_INT(col0(&r), 14);
	done(&r);
	/* the limit is per document */
	t = "[1, 2, 3, 4]\n---\n[1, 2, 3, 4]\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_OK);
	CHECK_INT(r.d.n, 2);
	done(&r);
}

static void yaml_depth_limit(void)
{
	pl_read_limits lim = {1 << 20, 3, 10000};
	result r;
	const char *t = "a: {b: [c]}\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_OK);
	done(&r);
	t = "a: {b: [c, [d]]}\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	CHECK(contains(msg0(&r), "nesting deeper than the limit of 3 levels"));
	CHECK_INT(line0(&r), 1);
	CHECK_INT(col0(&r), 12);
	done(&r);
	/* an alias cannot sneak past the depth limit */
	t = "a: &x [[1]]\nb: *x\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_OK);
	done(&r);
	t = "a: &x [[1]]\nb: [*x]\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	CHECK_INT(line0(&r), 2);
	done(&r);
	/* deep flow nesting is stopped without recursion trouble */
	size_t n = 100000;
	char *deep = malloc(n + 1);
	REQUIRE(deep);
	memset(deep, '[', n);
	deep[n] = '\0';
	run_lim(&r, deep, n, false, &default_lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	done(&r);
	free(deep);
}

static void yaml_size_limit(void)
{
	pl_read_limits lim = {10, 64, 10000};
	result r;
	const char *t = "a: 123456\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_OK);
	done(&r);
	t = "a: 1234567\n";
	run_lim(&r, t, strlen(t), false, &lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	CHECK(contains(msg0(&r), "11 bytes"));
	CHECK_INT(r.d.n, 0);
	done(&r);
	run_lim(&r, t, strlen(t), true, &lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	done(&r);
}

static void yaml_invalid_utf8(void)
{
	result r;
	yaml(&r, "a: b\nc: d\xff\xfe\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "UTF-8"));
	CHECK_INT(line0(&r), 2);
	CHECK_INT(col0(&r), 5);
	done(&r);
	/* a truncated sequence at the end */
	yaml(&r, "a: \xc3");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "UTF-8"));
	done(&r);
	/* valid multibyte text passes */
	yaml(&r, "a: \xc3\xa9t\xc3\xa9\n");
	CHECK_INT(r.rc, PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	CHECK_STR(pl_node_text(pl_node_get(r.d.root[0], "a")), "\xc3\xa9t\xc3\xa9");
	done(&r);
}

static void yaml_nul_byte(void)
{
	result r;
	static const char t[] = "a: b\nc: d\0e\n";
	run_lim(&r, t, sizeof(t) - 1, false, &default_lim);
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "NUL byte"));
	CHECK_INT(line0(&r), 2);
	CHECK_INT(col0(&r), 5);
	CHECK_INT(r.d.n, 0);
	done(&r);
	run_lim(&r, t, sizeof(t) - 1, true, &default_lim);
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "NUL byte"));
	done(&r);
}

static void yaml_syntax_errors(void)
{
	result r;
	yaml(&r, "a: b: c\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK_STR(msg0(&r), "mapping values are not allowed in this context");
	CHECK_INT(line0(&r), 1);
	CHECK_INT(col0(&r), 5);
	done(&r);
	yaml(&r, "ok: 1\n---\na:\n  b: 1\n c: 2\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK_INT(r.d.n, 1); /* the first document was handed over */
	CHECK(contains(msg0(&r), "did not find expected key"));
	CHECK(contains(msg0(&r), "while parsing a block mapping"));
	CHECK_INT(line0(&r), 5);
	CHECK_INT(col0(&r), 2);
	const podlife_error *e = podlife_diag_get(r.diag, 0);
	CHECK(e && podlife_error_document(e) == 1);
	done(&r);
	yaml(&r, "a: [1, 2\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(line0(&r) > 0);
	done(&r);
	yaml(&r, "a: \"unterminated\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "found unexpected end of stream"));
	done(&r);
	/* a sequence as a key */
	yaml(&r, "? [a, b]\n: c\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK(contains(msg0(&r), "mapping key must be a scalar, found a sequence"));
	CHECK_INT(line0(&r), 1);
	CHECK_INT(col0(&r), 3);
	done(&r);
	yaml(&r, "{a: 1}: 2\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
}

static void yaml_kind_list_deployment(void)
{
	result r;
	yaml(&r, "apiVersion: v1\n"
	         "kind: List\n"
	         "items:\n"
	         "- apiVersion: apps/v1\n"
	         "  kind: Deployment\n"
	         "  metadata: {name: web}\n"
	         "  spec:\n"
	         "    replicas: 2\n"
	         "    template:\n"
	         "      spec:\n"
	         "        containers:\n"
	         "        - name: app\n"
	         "          image: nginx:1.25\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *items = pl_node_get(r.d.root[0], "items");
	REQUIRE(items && items->n == 1);
	pl_node *tpl = pl_node_get(pl_node_get(items->u.items[0], "spec"), "template");
	pl_node *cs = pl_node_get(pl_node_get(tpl, "spec"), "containers");
	REQUIRE(cs && cs->n == 1);
	pl_node *img = pl_node_get(cs->u.items[0], "image");
	CHECK_STR(pl_node_text(img), "nginx:1.25");
	CHECK_INT(img->line, 13);
	CHECK_INT(img->col, 18);
	done(&r);
}

static void yaml_crlf_positions(void)
{
	result r;
	yaml(&r, "a: 1\r\nb:\r\n  c: 2\r\n");
	REQUIRE(r.rc == PODLIFE_OK);
	pl_node *c = pl_node_get(pl_node_get(r.d.root[0], "b"), "c");
	REQUIRE(c);
	CHECK_INT(c->line, 3);
	CHECK_INT(c->col, 6);
	done(&r);
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_scalars(void)
{
	result r;
	json(&r, "{\"i\": 42, \"neg\": -7, \"big\": 9223372036854775807,"
	         " \"r\": 1.5, \"r1\": 1.0, \"e\": 1e3, \"tiny\": 0.1,"
	         " \"t\": true, \"f\": false, \"s\": \"x\\ty\", \"sn\": \"12\","
	         " \"n\": null, \"u\": \"\\u00e9\"}");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *m = r.d.root[0];
	CHECK_INT(m->line, 1);
	CHECK_INT(m->col, 1);
	CHECK_INT(m->n, 13);
	CHECK_STR(pl_node_text(pl_node_get(m, "i")), "42");
	CHECK_INT(pl_node_get(m, "i")->style, PL_SC_JSON_NUMBER);
	CHECK_STR(pl_node_text(pl_node_get(m, "neg")), "-7");
	CHECK_STR(pl_node_text(pl_node_get(m, "big")), "9223372036854775807");
	CHECK_STR(pl_node_text(pl_node_get(m, "r")), "1.5");
	CHECK_STR(pl_node_text(pl_node_get(m, "r1")), "1.0");
	CHECK_STR(pl_node_text(pl_node_get(m, "e")), "1e3");
	CHECK_STR(pl_node_text(pl_node_get(m, "tiny")), "0.1");
	CHECK_INT(pl_node_get(m, "r")->style, PL_SC_JSON_NUMBER);
	CHECK_STR(pl_node_text(pl_node_get(m, "t")), "true");
	CHECK_INT(pl_node_get(m, "t")->style, PL_SC_JSON_BOOL);
	CHECK_STR(pl_node_text(pl_node_get(m, "f")), "false");
	CHECK_INT(pl_node_get(m, "f")->style, PL_SC_JSON_BOOL);
	CHECK_STR(pl_node_text(pl_node_get(m, "s")), "x\ty");
	CHECK_INT(pl_node_get(m, "s")->style, PL_SC_QUOTED);
	CHECK_INT(pl_node_get(m, "sn")->style, PL_SC_QUOTED);
	CHECK_INT(pl_node_get(m, "n")->kind, PL_N_NULL);
	CHECK(pl_node_is_null_scalar(pl_node_get(m, "n")));
	CHECK_STR(pl_node_text(pl_node_get(m, "u")), "\xc3\xa9");
	/* keys are quoted scalars, in document order */
	CHECK_INT(m->u.pairs[0].key->style, PL_SC_QUOTED);
	CHECK_STR(pl_node_text(m->u.pairs[0].key), "i");
	CHECK_STR(pl_node_text(m->u.pairs[12].key), "u");
	done(&r);
}

static void json_positions(void)
{
	result r;
	json(&r, "{\n"
	         "  \"apiVersion\": \"v1\",\n"
	         "  \"spec\": {\"containers\": [{\"name\": \"\\u00e9\xc3\xa9\", \"image\": 7}]},\n"
	         "  \"n\": null, \"t\": true\n"
	         "}\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *m = r.d.root[0];
	CHECK_INT(m->line, 1);
	CHECK_INT(m->col, 1);
	CHECK_INT(m->u.pairs[0].key->line, 2);
	CHECK_INT(m->u.pairs[0].key->col, 3);
	CHECK_INT(m->u.pairs[0].value->col, 17);
	pl_node *spec = pl_node_get(m, "spec");
	REQUIRE(spec);
	CHECK_INT(spec->line, 3);
	CHECK_INT(spec->col, 11);
	pl_node *cs = pl_node_get(spec, "containers");
	REQUIRE(cs && cs->n == 1);
	CHECK_INT(cs->col, 26);
	pl_node *img = pl_node_get(cs->u.items[0], "image");
	REQUIRE(img);
	/* columns count characters: an escape is 6 of them, a raw é one */
	CHECK_INT(img->col, 56);
	CHECK_STR(pl_node_text(pl_node_get(cs->u.items[0], "name")), "\xc3\xa9\xc3\xa9");
	CHECK_STR(pl_node_text(img), "7");
	CHECK_INT(pl_node_get(m, "n")->line, 4);
	CHECK_INT(pl_node_get(m, "n")->col, 8);
	CHECK_INT(pl_node_get(m, "t")->col, 19);
	done(&r);
}

static void json_duplicate_keys_kept(void)
{
	result r;
	json(&r, "{\"a\": 1, \"b\": {\"x\": 1, \"x\": 2}, \"a\": 3}");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *m = r.d.root[0];
	CHECK_INT(m->n, 3);
	CHECK_STR(pl_node_text(pl_node_get(m, "a")), "3");
	CHECK_INT(pl_node_get(m, "b")->n, 2);
	CHECK_STR(pl_node_text(pl_node_get(pl_node_get(m, "b"), "x")), "2");
	done(&r);
}

static void json_strings_escapes(void)
{
	result r;
	json(&r, "[\"\\\"\\/\\b\\f\\n\\r\\t\\\\\", \"\\ud83d\\ude00\", \"\xe2\x98\x83\", \"\"]");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	pl_node *s = r.d.root[0];
	REQUIRE(s->n == 4);
	CHECK_STR(pl_node_text(s->u.items[0]), "\"/\b\f\n\r\t\\");
	CHECK_STR(pl_node_text(s->u.items[1]), "\xf0\x9f\x98\x80");
	CHECK_STR(pl_node_text(s->u.items[2]), "\xe2\x98\x83");
	CHECK_INT(s->u.items[3]->n, 0);
	CHECK_STR(pl_node_text(s->u.items[3]), "");
	done(&r);
	json(&r, "[\"\\ud800\"]");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
}

static void json_array_root(void)
{
	result r;
	json(&r, "\n  [1, {\"a\": [true]}, \"x\"]\n");
	REQUIRE(r.rc == PODLIFE_OK);
	REQUIRE(r.d.n == 1);
	CHECK_INT(r.d.root[0]->kind, PL_N_SEQ);
	CHECK_INT(r.d.root[0]->n, 3);
	CHECK_INT(r.d.root[0]->line, 2);
	CHECK_INT(r.d.root[0]->col, 3);
	done(&r);
	json(&r, "{}");
	REQUIRE(r.rc == PODLIFE_OK);
	CHECK_INT(r.d.root[0]->kind, PL_N_MAP);
	CHECK_INT(r.d.root[0]->n, 0);
	done(&r);
}

static void json_syntax_errors(void)
{
	result r;
	json(&r, "{\n  \"a\": 1,\n  \"b\": }\n");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	CHECK_INT(line0(&r), 3);
	CHECK(col0(&r) > 0);
	CHECK(contains(msg0(&r), "unexpected token"));
	CHECK_INT(r.d.n, 0);
	done(&r);
	json(&r, "");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
	json(&r, "{\"a\": 1} {\"b\": 2}");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
	json(&r, "{\"a\": \"\\u0000\"}");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
	json(&r, "{\"a\": \"\xff\"}");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
	json(&r, "{\"a\": 99999999999999999999}");
	CHECK_INT(r.rc, PODLIFE_EPARSE);
	done(&r);
}

static void json_depth_limit(void)
{
	pl_read_limits lim = {1 << 20, 3, 10000};
	result r;
	const char *t = "{\"a\": [{}]}";
	run_lim(&r, t, strlen(t), true, &lim);
	CHECK_INT(r.rc, PODLIFE_OK);
	done(&r);
	t = "{\"a\": [{\"b\": []}]}";
	run_lim(&r, t, strlen(t), true, &lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	CHECK(contains(msg0(&r), "nesting deeper than the limit of 3 levels"));
	CHECK_INT(r.d.n, 0);
	done(&r);
	/* deeper than jansson's own limit */
	size_t n = 5000;
	char *deep = malloc(2 * n + 1);
	REQUIRE(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	run_lim(&r, deep, 2 * n, true, &default_lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	done(&r);
	free(deep);
}

static void json_node_limit(void)
{
	pl_read_limits lim = {1 << 20, 64, 4};
	result r;
	const char *t = "{\"a\": [1]}";
	run_lim(&r, t, strlen(t), true, &lim);
	CHECK_INT(r.rc, PODLIFE_OK);
	done(&r);
	t = "{\"a\": [1, 2]}";
	run_lim(&r, t, strlen(t), true, &lim);
	CHECK_INT(r.rc, PODLIFE_ETOOBIG);
	done(&r);
}

/* ---- node helpers ---------------------------------------------------------- */

static void node_copy_deep(void)
{
	result r;
	yaml(&r, "a: &x {k: [1, 2]}\nb: *x\n");
	REQUIRE(r.rc == PODLIFE_OK);
	pl_arena ar;
	pl_arena_init(&ar, pl_alloc_default());
	pl_node *c = pl_node_copy(&ar, r.d.root[0]);
	REQUIRE(c);
	done(&r); /* the copy must not depend on the original */
	CHECK_INT(c->n, 2);
	pl_node *k = pl_node_get(pl_node_get(c, "b"), "k");
	REQUIRE(k && k->kind == PL_N_SEQ && k->n == 2);
	CHECK_STR(pl_node_text(k->u.items[1]), "2");
	CHECK_INT(k->u.items[1]->line, 1);
	CHECK_INT(k->u.items[1]->col, 15);
	CHECK(pl_node_copy(&ar, NULL) == NULL);
	pl_arena_free(&ar);
}

static void node_null_scalar(void)
{
	pl_node n;
	memset(&n, 0, sizeof(n));
	n.kind = PL_N_SCALAR;
	n.style = PL_SC_PLAIN;
	n.u.text = (char *)"~";
	n.n = 1;
	CHECK(pl_node_is_null_scalar(&n));
	n.style = PL_SC_QUOTED;
	CHECK(!pl_node_is_null_scalar(&n));
	n.style = PL_SC_PLAIN;
	n.u.text = (char *)"nil";
	n.n = 3;
	CHECK(!pl_node_is_null_scalar(&n));
	CHECK(!pl_node_is_null_scalar(NULL));
	CHECK(pl_node_text(NULL) == NULL);
	CHECK(pl_node_get(NULL, "a") == NULL);
}

/* An allocator that fails from the n-th call on. */
typedef struct failing {
	long left;
} failing;

static void *f_malloc(void *ud, size_t n)
{
	failing *f = ud;
	if (f->left-- <= 0)
		return NULL;
	return malloc(n ? n : 1);
}

static void *f_realloc(void *ud, void *p, size_t n)
{
	failing *f = ud;
	if (f->left-- <= 0)
		return NULL;
	return realloc(p, n ? n : 1);
}

static void f_free(void *ud, void *p)
{
	PL_UNUSED(ud);
	free(p);
}

static int count_only(void *ud, unsigned int index, pl_node *root)
{
	PL_UNUSED(index);
	PL_UNUSED(root);
	(*(int *)ud)++;
	return PODLIFE_OK;
}

/* Every allocation failure ends in ENOMEM, with nothing leaked. */
static void out_of_memory(void)
{
	static const char y[] = "a: &x {b: [1, 2, {c: d}]}\n"
	                        "m: {<<: *x, e: f}\n"
	                        "---\n"
	                        "- x\n";
	static const char j[] = "{\"a\": [1, 2.5, true, null, {\"b\": \"c\"}]}";
	for (int json = 0; json < 2; json++) {
		bool ok = false;
		for (long n = 0; n < 200 && !ok; n++) {
			failing f = {n};
			pl_alloc a = {f_malloc, f_realloc, f_free, &f};
			int ndocs = 0;
			int rc = json ? pl_read_json(&a, j, sizeof(j) - 1, &default_lim, NULL,
			                             count_only, &ndocs)
			              : pl_read_yaml(&a, y, sizeof(y) - 1, &default_lim, NULL,
			                             count_only, &ndocs);
			if (rc == PODLIFE_OK) {
				ok = true;
				CHECK_INT(ndocs, json ? 1 : 2);
			} else {
				CHECK_INT(rc, PODLIFE_ENOMEM);
			}
		}
		CHECK(ok);
	}
}

static void bad_arguments(void)
{
	CHECK_INT(pl_read_yaml(pl_alloc_default(), NULL, 3, NULL, NULL, collect, NULL),
	          PODLIFE_EINVAL);
	CHECK_INT(pl_read_json(pl_alloc_default(), "{}", 2, NULL, NULL, NULL, NULL),
	          PODLIFE_EINVAL);
}

int main(void)
{
	RUN(yaml_positions);
	RUN(yaml_multi_document);
	RUN(yaml_callback_stops);
	RUN(yaml_empty_stream);
	RUN(yaml_empty_document);
	RUN(yaml_scalar_styles);
	RUN(yaml_null_keys_rejected);
	RUN(yaml_unsupported_tags);
	RUN(yaml_duplicate_keys_kept);
	RUN(yaml_anchors_aliases);
	RUN(yaml_alias_shares_node);
	RUN(yaml_alias_errors);
	RUN(yaml_anchor_redefined);
	RUN(yaml_many_anchors);
	RUN(yaml_merge_keys);
	RUN(yaml_billion_laughs);
	RUN(yaml_node_limit_plain);
	RUN(yaml_depth_limit);
	RUN(yaml_size_limit);
	RUN(yaml_invalid_utf8);
	RUN(yaml_nul_byte);
	RUN(yaml_syntax_errors);
	RUN(yaml_kind_list_deployment);
	RUN(yaml_crlf_positions);
	RUN(json_scalars);
	RUN(json_positions);
	RUN(json_duplicate_keys_kept);
	RUN(json_strings_escapes);
	RUN(json_array_root);
	RUN(json_syntax_errors);
	RUN(json_depth_limit);
	RUN(json_node_limit);
	RUN(node_copy_deep);
	RUN(node_null_scalar);
	RUN(out_of_memory);
	RUN(bad_arguments);
	DONE();
}
