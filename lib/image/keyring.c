/*
 * lib/image/keyring.c - the registry credential keyring of
 * pkg/credentialprovider: docker config parsing (config.go
 * DockerConfigJSON, DockerConfig, DockerConfigEntry.UnmarshalJSON,
 * decodeDockerConfigFieldAuth), BasicDockerKeyring.Add and Lookup, and
 * pull Secrets of type kubernetes.io/dockerconfigjson and
 * kubernetes.io/dockercfg (secrets.MakeDockerKeyring).
 *
 * Passwords live only in the keyring's entries and in credential lists;
 * both wipe them when freed, and no diagnostic quotes an entry's values.
 *
 * Thread-safety: a keyring is used from one thread at a time; lookups do
 * not modify it, so concurrent lookups on an unmodified keyring are safe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "image_internal.h"

#define CONFIG_MAX_BYTES (16u * 1024u * 1024u)
#define YAML_MAX_NODES 100000
#define YAML_MAX_DEPTH 128

typedef struct kr_cred {
	char *username;
	char *password;
} kr_cred;

typedef struct kr_entry {
	char *key;
	kr_cred *creds;
	size_t n, cap;
} kr_entry;

struct podlife_keyring {
	pl_alloc a;
	kr_entry *entries; /* sorted by key, reverse lexicographic: the lookup index */
	size_t n, cap;
};

typedef struct pl_cred_item {
	char *registry;
	char *username;
	char *password;
} pl_cred_item;

struct podlife_credentials {
	pl_alloc a;
	pl_cred_item *items;
	size_t n, cap;
};

/* One parsed entry waiting to be added. */
typedef struct pending {
	char *key;
	char *username;
	char *password;
} pending;

typedef struct pending_list {
	pending *items;
	size_t n, cap;
} pending_list;

typedef enum config_form { FORM_AUTO, FORM_JSON, FORM_LEGACY } config_form;

/* ---- keyring storage ------------------------------------------------------------------ */

int podlife_keyring_new(const podlife_allocator *allocator, podlife_keyring **out)
{
	if (!out)
		return PODLIFE_EINVAL;
	pl_alloc a;
	int rc = pl_alloc_resolve(&a, allocator);
	if (rc != PODLIFE_OK)
		return rc;
	podlife_keyring *kr = pl_calloc(&a, 1, sizeof(*kr));
	if (!kr)
		return PODLIFE_ENOMEM;
	kr->a = a;
	*out = kr;
	return PODLIFE_OK;
}

static void cred_wipe(const pl_alloc *a, kr_cred *c)
{
	pl_free_secret(a, c->username);
	pl_free_secret(a, c->password);
	c->username = c->password = NULL;
}

void podlife_keyring_free(podlife_keyring *kr)
{
	if (!kr)
		return;
	pl_alloc a = kr->a;
	for (size_t i = 0; i < kr->n; i++) {
		for (size_t j = 0; j < kr->entries[i].n; j++)
			cred_wipe(&a, &kr->entries[i].creds[j]);
		pl_free(&a, kr->entries[i].creds);
		pl_free(&a, kr->entries[i].key);
	}
	pl_free(&a, kr->entries);
	pl_free(&a, kr);
}

size_t podlife_keyring_count(const podlife_keyring *kr)
{
	return kr ? kr->n : 0;
}

/* Position of key in the index, or where it would go (*found false). */
static size_t kr_find(const podlife_keyring *kr, const char *key, bool *found)
{
	size_t lo = 0, hi = kr->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(kr->entries[mid].key, key);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c > 0) /* reverse order: larger keys first */
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Moves p's strings into the keyring; on ENOMEM nothing changed. */
static int kr_add(podlife_keyring *kr, pending *p, bool *created)
{
	bool found;
	size_t at = kr_find(kr, p->key, &found);
	*created = false;
	if (!found) {
		if (kr->n == kr->cap) {
			size_t cap = kr->cap ? kr->cap * 2 : 8;
			kr_entry *e = pl_realloc(&kr->a, kr->entries, cap * sizeof(*e));
			if (!e)
				return PODLIFE_ENOMEM;
			kr->entries = e;
			kr->cap = cap;
		}
		memmove(&kr->entries[at + 1], &kr->entries[at], (kr->n - at) * sizeof(kr_entry));
		memset(&kr->entries[at], 0, sizeof(kr_entry));
		kr->entries[at].key = p->key;
		p->key = NULL;
		kr->n++;
		*created = true;
	}
	kr_entry *e = &kr->entries[at];
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 2;
		/* grow by copy so no stale copy of a password survives in freed memory */
		kr_cred *c = pl_malloc(&kr->a, cap * sizeof(*c));
		if (!c) {
			if (*created) {
				p->key = e->key;
				memmove(&kr->entries[at], &kr->entries[at + 1],
				        (kr->n - at - 1) * sizeof(kr_entry));
				kr->n--;
				*created = false;
			}
			return PODLIFE_ENOMEM;
		}
		if (e->n)
			memcpy(c, e->creds, e->n * sizeof(*c));
		pl_free(&kr->a, e->creds);
		e->creds = c;
		e->cap = cap;
	}
	e->creds[e->n].username = p->username;
	e->creds[e->n].password = p->password;
	e->n++;
	p->username = p->password = NULL;
	return PODLIFE_OK;
}

/* Undoes the most recent kr_add for key. */
static void kr_undo(podlife_keyring *kr, const char *key, bool created)
{
	bool found;
	size_t at = kr_find(kr, key, &found);
	if (!found)
		return;
	kr_entry *e = &kr->entries[at];
	if (e->n)
		cred_wipe(&kr->a, &e->creds[--e->n]);
	if (created && e->n == 0) {
		pl_free(&kr->a, e->creds);
		pl_free(&kr->a, e->key);
		memmove(&kr->entries[at], &kr->entries[at + 1], (kr->n - at - 1) * sizeof(kr_entry));
		kr->n--;
	}
}

static void pending_free(const pl_alloc *a, pending_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		pl_free(a, l->items[i].key);
		pl_free_secret(a, l->items[i].username);
		pl_free_secret(a, l->items[i].password);
	}
	pl_free(a, l->items);
	memset(l, 0, sizeof(*l));
}

/* Adds every pending entry, all or nothing. */
static int kr_commit(podlife_keyring *kr, pending_list *l)
{
	bool *created = pl_calloc(&kr->a, l->n ? l->n : 1, sizeof(bool));
	char **keys = pl_calloc(&kr->a, l->n ? l->n : 1, sizeof(char *));
	if (!created || !keys) {
		pl_free(&kr->a, created);
		pl_free(&kr->a, keys);
		return PODLIFE_ENOMEM;
	}
	int rc = PODLIFE_OK;
	size_t done;
	for (done = 0; done < l->n; done++) {
		keys[done] = pl_strdup(&kr->a, l->items[done].key);
		if (!keys[done] || kr_add(kr, &l->items[done], &created[done]) != PODLIFE_OK) {
			rc = PODLIFE_ENOMEM;
			break;
		}
	}
	if (rc != PODLIFE_OK) {
		for (size_t i = done; i-- > 0;)
			kr_undo(kr, keys[i], created[i]);
	}
	for (size_t i = 0; i <= done && i < l->n; i++)
		pl_free(&kr->a, keys[i]);
	pl_free(&kr->a, keys);
	pl_free(&kr->a, created);
	return rc;
}

/* ---- docker config parsing ---------------------------------------------------------- */

/* Takes ownership of key/user/pass (freed on failure). */
static int pending_push(const pl_alloc *a, pending_list *l, char *key, char *user, char *pass)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		pending *it = pl_malloc(a, cap * sizeof(*it));
		if (!it) {
			pl_free(a, key);
			pl_free_secret(a, user);
			pl_free_secret(a, pass);
			return PODLIFE_ENOMEM;
		}
		if (l->n)
			memcpy(it, l->items, l->n * sizeof(*it));
		pl_free(a, l->items);
		l->items = it;
		l->cap = cap;
	}
	l->items[l->n].key = key;
	l->items[l->n].username = user;
	l->items[l->n].password = pass;
	l->n++;
	return PODLIFE_OK;
}

static const char *kind_name(pl_jkind k)
{
	switch (k) {
	case PL_J_NULL: return "null";
	case PL_J_BOOL: return "bool";
	case PL_J_NUMBER: return "number";
	case PL_J_STRING: return "string";
	case PL_J_ARRAY: return "array";
	case PL_J_OBJECT: return "object";
	}
	return "value";
}

/* Copies up to the first NUL, so the allocation is exactly what a wipe covers. */
static char *dup_secret(const pl_alloc *a, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	if (nul)
		n = (size_t)(nul - s);
	char *d = pl_malloc(a, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/*
 * DockerConfigEntry.UnmarshalJSON: username/password/email strings (field
 * names matched case-insensitively as encoding/json does); a non-empty
 * "auth" replaces username and password.
 */
static int parse_entry(const pl_alloc *a, const pl_jnode *v, char **user, char **pass,
                       podlife_diag *diag)
{
	const pl_jnode *u = NULL, *p = NULL, *au = NULL;
	*user = *pass = NULL;
	if (v->kind != PL_J_OBJECT && v->kind != PL_J_NULL) {
		pl_diag_plain(diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, v->line, v->column,
		              "docker config: json: cannot unmarshal %s into a registry entry",
		              kind_name(v->kind));
		return PODLIFE_EPARSE;
	}
	for (size_t i = 0; v->kind == PL_J_OBJECT && i < v->n; i++) {
		const pl_jmember *m = &v->members[i];
		const pl_jnode **slot = NULL;
		const char *field = NULL;
		if (pl_json_key_fold_eq(m, "username"))
			slot = &u, field = "username";
		else if (pl_json_key_fold_eq(m, "password"))
			slot = &p, field = "password";
		else if (pl_json_key_fold_eq(m, "auth"))
			slot = &au, field = "auth";
		else if (pl_json_key_fold_eq(m, "email"))
			field = "email";
		if (!field)
			continue;
		if (m->val->kind != PL_J_STRING && m->val->kind != PL_J_NULL) {
			pl_diag_plain(diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, m->val->line,
			              m->val->column,
			              "docker config: json: cannot unmarshal %s into field \"%s\" of type string",
			              kind_name(m->val->kind), field);
			return PODLIFE_EPARSE;
		}
		if (slot && m->val->kind == PL_J_STRING)
			*slot = m->val;
	}
	if (au && au->len > 0) {
		/* decodeDockerConfigFieldAuth: padded when it ends with '=' (spaces trimmed) */
		size_t e = au->len;
		while (e > 0 && strchr(" \t\r\n\v\f", au->str[e - 1]))
			e--;
		bool padded = e > 0 && au->str[e - 1] == '=';
		char *dec = NULL;
		size_t dlen = 0, bad = 0;
		int rc = pl_base64_decode(a, au->str, au->len, padded, &dec, &dlen, &bad);
		if (rc == PODLIFE_ENOMEM)
			return rc;
		if (rc != PODLIFE_OK) {
			pl_diag_plain(diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, au->line,
			              au->column,
			              "docker config: \"auth\" field: illegal base64 data at input byte %zu",
			              bad);
			return PODLIFE_EPARSE;
		}
		char *colon = memchr(dec, ':', dlen);
		if (!colon) {
			pl_wipe(dec, dlen);
			pl_free(a, dec);
			pl_diag_plain(diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, au->line,
			              au->column,
			              "docker config: unable to parse auth field, must be formatted as base64(username:password)");
			return PODLIFE_EPARSE;
		}
		size_t ul = (size_t)(colon - dec);
		*user = dup_secret(a, dec, ul);
		*pass = dup_secret(a, colon + 1, dlen - ul - 1);
		pl_wipe(dec, dlen);
		pl_free(a, dec);
	} else {
		*user = dup_secret(a, u ? u->str : "", u ? u->len : 0);
		*pass = dup_secret(a, p ? p->str : "", p ? p->len : 0);
	}
	if (!*user || !*pass) {
		pl_free_secret(a, *user);
		pl_free_secret(a, *pass);
		*user = *pass = NULL;
		return PODLIFE_ENOMEM;
	}
	return PODLIFE_OK;
}

/* The registry map (DockerConfig) -> pending entries. */
static int parse_registry_map(const pl_alloc *a, const pl_jnode *map, pending_list *out,
                              podlife_diag *diag)
{
	if (map->kind == PL_J_NULL)
		return PODLIFE_OK;
	if (map->kind != PL_J_OBJECT) {
		pl_diag_plain(diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, map->line, map->column,
		              "docker config: json: cannot unmarshal %s into the registry map",
		              kind_name(map->kind));
		return PODLIFE_EPARSE;
	}
	/* encoding/json: a repeated key replaces the earlier value */
	for (size_t i = 0; i < map->n; i++) {
		const pl_jmember *m = &map->members[i];
		bool later = false;
		for (size_t j = i + 1; j < map->n && !later; j++)
			later = map->members[j].klen == m->klen &&
			        memcmp(map->members[j].key, m->key, m->klen) == 0;
		char *user, *pass;
		int rc = parse_entry(a, m->val, &user, &pass, diag);
		if (rc != PODLIFE_OK)
			return rc;
		if (later) {
			pl_free_secret(a, user);
			pl_free_secret(a, pass);
			continue;
		}
		char *key = NULL;
		rc = strlen(m->key) == m->klen ? pl_keyring_normalize_key(a, m->key, &key)
		                                : PODLIFE_EINVAL;
		if (rc == PODLIFE_ENOMEM) {
			pl_free_secret(a, user);
			pl_free_secret(a, pass);
			return rc;
		}
		if (rc != PODLIFE_OK) {
			/* BasicDockerKeyring.Add: "Entry %q in dockercfg invalid (%v), ignoring";
			 * the key is not quoted here since a URL may carry userinfo. */
			pl_diag_plain(diag, PODLIFE_SEVERITY_WARNING, PODLIFE_EINVAL, m->val->line,
			              m->val->column,
			              "docker config: registry entry %zu is not a valid URL, ignoring",
			              i + 1);
			pl_free_secret(a, user);
			pl_free_secret(a, pass);
			continue;
		}
		rc = pending_push(a, out, key, user, pass);
		if (rc != PODLIFE_OK)
			return rc;
	}
	return PODLIFE_OK;
}

static int add_config_tree(podlife_keyring *kr, const pl_jnode *root, config_form form,
                           podlife_diag *diag)
{
	const pl_alloc *a = &kr->a;
	if (root->kind == PL_J_NULL)
		return PODLIFE_OK;
	if (root->kind != PL_J_OBJECT) {
		pl_diag_plain(diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, root->line, root->column,
		              "docker config: json: cannot unmarshal %s into a docker config",
		              kind_name(root->kind));
		return PODLIFE_EPARSE;
	}
	const pl_jnode *auths = NULL;
	bool has_auths = false;
	for (size_t i = 0; i < root->n; i++)
		if (pl_json_key_fold_eq(&root->members[i], "auths")) {
			auths = root->members[i].val;
			has_auths = true;
		}
	if (form == FORM_AUTO)
		form = has_auths && auths->kind == PL_J_OBJECT ? FORM_JSON : FORM_LEGACY;
	pending_list l = {0};
	int rc;
	if (form == FORM_JSON)
		rc = auths ? parse_registry_map(a, auths, &l, diag) : PODLIFE_OK;
	else
		rc = parse_registry_map(a, root, &l, diag);
	if (rc == PODLIFE_OK)
		rc = kr_commit(kr, &l);
	pending_free(a, &l);
	return rc;
}

static int add_config_form(podlife_keyring *kr, const char *data, size_t len,
                           config_form form, podlife_diag *diag)
{
	pl_jnode *root = NULL;
	unsigned int line, col;
	const char *msg;
	int rc = pl_json_parse(&kr->a, data, len, &root, &line, &col, &msg);
	if (rc == PODLIFE_EPARSE) {
		pl_diag_plain(diag, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, line, col,
		              "docker config: %s", msg);
		return rc;
	}
	if (rc != PODLIFE_OK)
		return rc;
	rc = add_config_tree(kr, root, form, diag);
	pl_json_free(&kr->a, root);
	return rc;
}

/* Hands the collected diagnostics to the caller (or drops them). */
static int finish_diag(podlife_diag *d, podlife_diag **out, int rc)
{
	if (d && d->oom && rc == PODLIFE_OK)
		rc = PODLIFE_ENOMEM;
	if (out)
		*out = d;
	else
		podlife_diag_free(d);
	return rc;
}

int podlife_keyring_add_config(podlife_keyring *kr, const char *data, size_t len,
                               podlife_diag **diag)
{
	if (diag)
		*diag = NULL;
	if (!kr || (!data && len))
		return PODLIFE_EINVAL;
	if (len > CONFIG_MAX_BYTES)
		return PODLIFE_ETOOBIG;
	podlife_diag *d = pl_diag_new(&kr->a);
	if (!d)
		return PODLIFE_ENOMEM;
	int rc = add_config_form(kr, data ? data : "", len, FORM_AUTO, d);
	return finish_diag(d, diag, rc);
}

/* Reads a file; growth copies and wipes, so no stale copy of its content is left. */
static int read_secret_file(const pl_alloc *a, const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return PODLIFE_EIO;
	size_t cap = 4096, n = 0;
	char *buf = pl_malloc(a, cap);
	int rc = buf ? PODLIFE_OK : PODLIFE_ENOMEM;
	while (rc == PODLIFE_OK) {
		if (n == cap) {
			if (cap >= CONFIG_MAX_BYTES) {
				rc = PODLIFE_ETOOBIG;
				break;
			}
			char *nb = pl_malloc(a, cap * 2);
			if (!nb) {
				rc = PODLIFE_ENOMEM;
				break;
			}
			memcpy(nb, buf, n);
			pl_wipe(buf, n);
			pl_free(a, buf);
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				rc = PODLIFE_EIO;
			break;
		}
	}
	fclose(f);
	if (rc == PODLIFE_OK && n > CONFIG_MAX_BYTES)
		rc = PODLIFE_ETOOBIG;
	if (rc != PODLIFE_OK) {
		if (buf) {
			pl_wipe(buf, n);
			pl_free(a, buf);
		}
		return rc;
	}
	*out = buf;
	*len = n;
	return PODLIFE_OK;
}

int podlife_keyring_add_config_file(podlife_keyring *kr, const char *path, podlife_diag **diag)
{
	if (diag)
		*diag = NULL;
	if (!kr || !path)
		return PODLIFE_EINVAL;
	podlife_diag *d = pl_diag_new(&kr->a);
	if (!d)
		return PODLIFE_ENOMEM;
	char *buf = NULL;
	size_t len = 0;
	int rc = read_secret_file(&kr->a, path, &buf, &len);
	if (rc == PODLIFE_EIO) {
		int e = errno;
		pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, rc, 0, 0, "cannot read %s: %s", path,
		              strerror(e));
	} else if (rc == PODLIFE_ETOOBIG) {
		pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, rc, 0, 0,
		              "%s: docker config larger than %u bytes", path, CONFIG_MAX_BYTES);
	}
	if (rc == PODLIFE_OK) {
		rc = add_config_form(kr, buf, len, FORM_AUTO, d);
		pl_wipe(buf, len);
		pl_free(&kr->a, buf);
	}
	return finish_diag(d, diag, rc);
}

/* ---- Secrets ---------------------------------------------------------------------------- */

typedef struct yconv {
	const pl_alloc *a;
	yaml_document_t *doc;
	size_t nodes;
	bool oom, too_big;
} yconv;

/* A YAML node as a JSON tree: scalars become strings (plain null -> null). */
static pl_jnode *yaml_to_tree(yconv *c, yaml_node_t *yn, int depth)
{
	if (!yn || depth > YAML_MAX_DEPTH || ++c->nodes > YAML_MAX_NODES) {
		c->too_big = true;
		return NULL;
	}
	pl_jnode *n = pl_calloc(c->a, 1, sizeof(*n));
	if (!n) {
		c->oom = true;
		return NULL;
	}
	n->line = (unsigned int)yn->start_mark.line + 1;
	n->column = (unsigned int)yn->start_mark.column + 1;
	switch (yn->type) {
	case YAML_SCALAR_NODE: {
		const char *v = (const char *)yn->data.scalar.value;
		size_t len = yn->data.scalar.length;
		if (yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    (len == 0 || (len == 1 && v[0] == '~') || (len == 4 && memcmp(v, "null", 4) == 0) ||
		     (len == 4 && memcmp(v, "Null", 4) == 0) || (len == 4 && memcmp(v, "NULL", 4) == 0))) {
			n->kind = PL_J_NULL;
			return n;
		}
		n->kind = PL_J_STRING;
		n->str = dup_secret(c->a, v, len);
		n->len = n->str ? strlen(n->str) : 0; /* dup_secret stops at a NUL */
		if (!n->str) {
			c->oom = true;
			pl_json_free(c->a, n);
			return NULL;
		}
		return n;
	}
	case YAML_SEQUENCE_NODE: {
		n->kind = PL_J_ARRAY;
		size_t cnt = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
		n->items = pl_calloc(c->a, cnt ? cnt : 1, sizeof(*n->items));
		if (!n->items) {
			c->oom = true;
			pl_json_free(c->a, n);
			return NULL;
		}
		for (size_t i = 0; i < cnt; i++) {
			pl_jnode *k = yaml_to_tree(
				c, yaml_document_get_node(c->doc, yn->data.sequence.items.start[i]),
				depth + 1);
			if (!k) {
				pl_json_free(c->a, n);
				return NULL;
			}
			n->items[n->n++] = k;
		}
		return n;
	}
	case YAML_MAPPING_NODE: {
		n->kind = PL_J_OBJECT;
		size_t cnt = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
		n->members = pl_calloc(c->a, cnt ? cnt : 1, sizeof(*n->members));
		if (!n->members) {
			c->oom = true;
			pl_json_free(c->a, n);
			return NULL;
		}
		for (size_t i = 0; i < cnt; i++) {
			yaml_node_pair_t *pr = &yn->data.mapping.pairs.start[i];
			yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
			if (!kn || kn->type != YAML_SCALAR_NODE) {
				c->too_big = true; /* reported as a malformed manifest */
				pl_json_free(c->a, n);
				return NULL;
			}
			pl_jmember *m = &n->members[n->n];
			m->key = dup_secret(c->a, (const char *)kn->data.scalar.value,
			                    kn->data.scalar.length);
			m->klen = m->key ? strlen(m->key) : 0;
			if (!m->key) {
				c->oom = true;
				pl_json_free(c->a, n);
				return NULL;
			}
			n->n++;
			m->val = yaml_to_tree(c, yaml_document_get_node(c->doc, pr->value), depth + 1);
			if (!m->val) {
				pl_json_free(c->a, n);
				return NULL;
			}
		}
		return n;
	}
	case YAML_NO_NODE:
	default:
		n->kind = PL_J_NULL;
		return n;
	}
}

static const char *str_of(const pl_jnode *n)
{
	return n && n->kind == PL_J_STRING ? n->str : NULL;
}

/*
 * One Secret object.  ENOTFOUND when it is not a pull Secret with a
 * non-empty docker config key (MakeDockerKeyring ignores those).
 */
static int add_secret_tree(podlife_keyring *kr, const pl_jnode *root, char **name_out,
                           podlife_diag *d)
{
	const pl_alloc *a = &kr->a;
	const char *kind = str_of(pl_json_get(root, "kind"));
	const char *api = str_of(pl_json_get(root, "apiVersion"));
	if (root->kind != PL_J_OBJECT || !kind || strcmp(kind, "Secret") != 0 ||
	    (api && strcmp(api, "v1") != 0)) {
		pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, PODLIFE_ENOTFOUND, root->line, root->column,
		              "not a v1 Secret");
		return PODLIFE_ENOTFOUND;
	}
	const char *type = str_of(pl_json_get(root, "type"));
	const char *key;
	config_form form;
	if (type && strcmp(type, "kubernetes.io/dockerconfigjson") == 0) {
		key = ".dockerconfigjson";
		form = FORM_JSON;
	} else if (type && strcmp(type, "kubernetes.io/dockercfg") == 0) {
		key = ".dockercfg";
		form = FORM_LEGACY;
	} else {
		pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, PODLIFE_ENOTFOUND, root->line, root->column,
		              "Secret type is not kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg");
		return PODLIFE_ENOTFOUND;
	}
	/* stringData is merged over data by the API server */
	const pl_jnode *sv = pl_json_get(pl_json_get(root, "stringData"), key);
	const pl_jnode *dv = pl_json_get(pl_json_get(root, "data"), key);
	char *content = NULL;
	size_t clen = 0;
	if (sv && sv->kind == PL_J_STRING) {
		content = dup_secret(a, sv->str, sv->len);
		clen = content ? strlen(content) : 0;
		if (!content)
			return PODLIFE_ENOMEM;
	} else if (dv && dv->kind == PL_J_STRING) {
		size_t bad = 0;
		int rc = pl_base64_decode(a, dv->str, dv->len, true, &content, &clen, &bad);
		if (rc == PODLIFE_ENOMEM)
			return rc;
		if (rc != PODLIFE_OK) {
			pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, dv->line, dv->column,
			              "data[%s]: illegal base64 data at input byte %zu", key, bad);
			return PODLIFE_EPARSE;
		}
	} else if ((sv && sv->kind != PL_J_NULL) || (dv && dv->kind != PL_J_NULL)) {
		const pl_jnode *bad = sv && sv->kind != PL_J_NULL ? sv : dv;
		pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, bad->line, bad->column,
		              "%s[%s]: expected a string", bad == sv ? "stringData" : "data", key);
		return PODLIFE_EPARSE;
	}
	if (clen == 0) {
		pl_free_secret(a, content);
		pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, PODLIFE_ENOTFOUND, root->line, root->column,
		              "Secret has no %s data", key);
		return PODLIFE_ENOTFOUND;
	}
	char *name = NULL;
	if (name_out) {
		const char *n = str_of(pl_json_get(pl_json_get(root, "metadata"), "name"));
		name = pl_strdup(pl_alloc_default(), n ? n : "");
		if (!name) {
			pl_wipe(content, clen);
			pl_free(a, content);
			return PODLIFE_ENOMEM;
		}
	}
	int rc = add_config_form(kr, content, clen, form, d);
	pl_wipe(content, clen);
	pl_free(a, content);
	if (rc == PODLIFE_OK && name_out)
		*name_out = name;
	else
		podlife_free(name);
	return rc;
}

static int add_secret_yaml(podlife_keyring *kr, const char *data, size_t len, char **name_out,
                           podlife_diag *d)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return PODLIFE_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	int rc = PODLIFE_ENOTFOUND;
	for (unsigned int docno = 0;; docno++) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE,
			              (unsigned int)parser.problem_mark.line + 1,
			              (unsigned int)parser.problem_mark.column + 1, "YAML: %s",
			              parser.problem ? parser.problem : "malformed input");
			rc = PODLIFE_EPARSE;
			break;
		}
		yaml_node_t *top = yaml_document_get_root_node(&doc);
		if (!top) {
			yaml_document_delete(&doc);
			break; /* end of stream */
		}
		d->document = docno;
		yconv c = {.a = &kr->a, .doc = &doc};
		pl_jnode *root = yaml_to_tree(&c, top, 0);
		yaml_document_delete(&doc);
		if (!root) {
			if (c.oom) {
				rc = PODLIFE_ENOMEM;
			} else {
				pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, PODLIFE_EPARSE, 0, 0,
				              "YAML: manifest too deep, too large or with a non-scalar key");
				rc = PODLIFE_EPARSE;
			}
			break;
		}
		if (root->kind == PL_J_NULL) {
			pl_json_free(&kr->a, root);
			continue;
		}
		const char *kind = str_of(pl_json_get(root, "kind"));
		if (!kind || strcmp(kind, "Secret") != 0) {
			/* another object of the stream */
			pl_json_free(&kr->a, root);
			continue;
		}
		rc = add_secret_tree(kr, root, name_out, d);
		pl_json_free(&kr->a, root);
		break;
	}
	if (rc == PODLIFE_ENOTFOUND && d->n == 0)
		pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, PODLIFE_ENOTFOUND, 0, 0,
		              "no Secret in the manifest");
	yaml_parser_delete(&parser);
	return rc;
}

int podlife_keyring_add_secret(podlife_keyring *kr, const char *data, size_t len,
                               char **name_out, podlife_diag **diag)
{
	if (diag)
		*diag = NULL;
	if (!kr || (!data && len))
		return PODLIFE_EINVAL;
	if (len > CONFIG_MAX_BYTES)
		return PODLIFE_ETOOBIG;
	if (!data)
		data = "";
	podlife_diag *d = pl_diag_new(&kr->a);
	if (!d)
		return PODLIFE_ENOMEM;
	char *name = NULL;
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", data[i]) && data[i])
		i++;
	int rc;
	if (i < len && data[i] == '{') {
		pl_jnode *root = NULL;
		unsigned int line, col;
		const char *msg;
		rc = pl_json_parse(&kr->a, data, len, &root, &line, &col, &msg);
		if (rc == PODLIFE_EPARSE)
			pl_diag_plain(d, PODLIFE_SEVERITY_ERROR, rc, line, col, "JSON: %s", msg);
		if (rc == PODLIFE_OK) {
			rc = add_secret_tree(kr, root, name_out ? &name : NULL, d);
			pl_json_free(&kr->a, root);
		}
	} else {
		rc = add_secret_yaml(kr, data, len, name_out ? &name : NULL, d);
	}
	if (name_out && name) {
		if (rc == PODLIFE_OK)
			*name_out = name;
		else
			podlife_free(name);
	}
	return finish_diag(d, diag, rc);
}

/* ---- lookup ------------------------------------------------------------------------------ */

static int creds_push(podlife_credentials *c, const char *registry, const kr_cred *k)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		pl_cred_item *it = pl_malloc(&c->a, cap * sizeof(*it));
		if (!it)
			return PODLIFE_ENOMEM;
		if (c->n)
			memcpy(it, c->items, c->n * sizeof(*it));
		pl_free(&c->a, c->items);
		c->items = it;
		c->cap = cap;
	}
	pl_cred_item *e = &c->items[c->n];
	e->registry = pl_strdup(&c->a, registry);
	e->username = pl_strdup(&c->a, k->username);
	e->password = pl_strdup(&c->a, k->password);
	if (!e->registry || !e->username || !e->password) {
		pl_free(&c->a, e->registry);
		pl_free_secret(&c->a, e->username);
		pl_free_secret(&c->a, e->password);
		return PODLIFE_ENOMEM;
	}
	c->n++;
	return PODLIFE_OK;
}

static int push_entry(podlife_credentials *c, const kr_entry *e)
{
	for (size_t j = 0; j < e->n; j++) {
		int rc = creds_push(c, e->key, &e->creds[j]);
		if (rc != PODLIFE_OK)
			return rc;
	}
	return PODLIFE_OK;
}

int podlife_keyring_lookup(const podlife_keyring *kr, const char *image,
                           podlife_credentials **out)
{
	if (!kr || !image || !out)
		return PODLIFE_EINVAL;
	podlife_credentials *c = pl_calloc(&kr->a, 1, sizeof(*c));
	if (!c)
		return PODLIFE_ENOMEM;
	c->a = kr->a;
	int rc = PODLIFE_OK;
	for (size_t i = 0; i < kr->n && rc == PODLIFE_OK; i++) {
		bool m = false;
		rc = pl_urls_match(&kr->a, kr->entries[i].key, image, &m);
		if (rc == PODLIFE_OK && m)
			rc = push_entry(c, &kr->entries[i]);
	}
	if (rc == PODLIFE_OK && c->n == 0 && pl_is_default_registry_match(image)) {
		bool found;
		size_t at = kr_find(kr, "index.docker.io", &found);
		if (found)
			rc = push_entry(c, &kr->entries[at]);
	}
	if (rc != PODLIFE_OK) {
		podlife_credentials_free(c);
		return rc;
	}
	*out = c;
	return PODLIFE_OK;
}

int podlife_keyring_lookup_image(const podlife_keyring *kr, const char *image,
                                 podlife_credentials **out)
{
	if (!kr || !image || !out)
		return PODLIFE_EINVAL;
	pl_ref_parts p;
	int rc = pl_ref_parse_normalized(&kr->a, image, strlen(image), &p, NULL);
	if (rc != PODLIFE_OK)
		return rc;
	pl_buf b;
	pl_buf_init(&b, &kr->a);
	if (*p.domain) {
		pl_buf_puts(&b, p.domain);
		pl_buf_putc(&b, '/');
	}
	pl_buf_puts(&b, p.path);
	pl_ref_parts_free(&kr->a, &p);
	char *repo = pl_buf_take(&b);
	if (!repo)
		return PODLIFE_ENOMEM;
	rc = podlife_keyring_lookup(kr, repo, out);
	pl_free(&kr->a, repo);
	return rc;
}

size_t podlife_credentials_count(const podlife_credentials *c)
{
	return c ? c->n : 0;
}

const char *podlife_credential_registry(const podlife_credentials *c, size_t i)
{
	return c && i < c->n ? c->items[i].registry : NULL;
}

const char *podlife_credential_username(const podlife_credentials *c, size_t i)
{
	return c && i < c->n ? c->items[i].username : NULL;
}

const char *podlife_credential_password(const podlife_credentials *c, size_t i)
{
	return c && i < c->n ? c->items[i].password : NULL;
}

void podlife_credentials_free(podlife_credentials *c)
{
	if (!c)
		return;
	pl_alloc a = c->a;
	for (size_t i = 0; i < c->n; i++) {
		pl_free(&a, c->items[i].registry);
		pl_free_secret(&a, c->items[i].username);
		pl_free_secret(&a, c->items[i].password);
	}
	pl_free(&a, c->items);
	pl_free(&a, c);
}
