/*
 * lib/image/reference.c - image references as distribution/reference
 * parses them: the grammar of reference.go/regexp.go matched by hand,
 * Parse (length rule of v0.6.0: the path alone is limited to 255
 * characters), digest validation as opencontainers/go-digest v1.0.0, and
 * the normalisation of normalize.go (ParseNormalizedNamed,
 * splitDockerDomain, familiarizeName).
 *
 * Thread-safety: no shared state; a parsed reference is immutable.
 */
#include <locale.h>
#include <string.h>
#include <wctype.h>

#include "image_internal.h"

#define REPO_NAME_MAX 255 /* RepositoryNameTotalLengthMax */

static const char ERR_FORMAT[] = "invalid reference format";
static const char ERR_UPPER[] = "repository name must be lowercase";
static const char ERR_EMPTY[] = "repository name must have at least one component";
static const char ERR_TOO_LONG[] = "repository name must not be more than 255 characters";
static const char ERR_DIGEST_FORMAT[] = "invalid checksum digest format";
static const char ERR_DIGEST_LENGTH[] = "invalid checksum digest length";
static const char ERR_DIGEST_UNSUPPORTED[] = "unsupported digest algorithm";

struct podlife_image_ref {
	pl_alloc a;
	pl_ref_parts p;
	char *familiar;
	char *canonical;
	char *name;
};

/* ---- character classes -------------------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
static bool is_word(char c) { return is_alnum(c) || c == '_'; }
static bool is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ---- grammar (regexp.go) -------------------------------------------------------- */

/* path-component: [a-z0-9]+ ((?:[._]|__|[-]+)[a-z0-9]+)* */
static bool match_path_component(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || !is_lower_alnum(s[0]))
		return false;
	while (i < n) {
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		/* separator */
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i == n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

/* remote-name: path-component ('/' path-component)* */
static bool match_path(const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (!match_path_component(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* domain-component: [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static bool match_domain_component(const char *s, size_t n)
{
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* optional port: (?::[0-9]+)? -- s points at ':' or is empty */
static bool match_optional_port(const char *s, size_t n)
{
	if (n == 0)
		return true;
	if (s[0] != ':' || n < 2)
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* domainAndPort: (domain-name | \[[a-fA-F0-9:]+\]) (:[0-9]+)? */
static bool match_domain(const char *s, size_t n)
{
	if (n == 0)
		return false;
	if (s[0] == '[') {
		size_t i = 1;
		while (i < n && (is_xdigit(s[i]) || s[i] == ':'))
			i++;
		if (i == 1 || i == n || s[i] != ']')
			return false;
		return match_optional_port(s + i + 1, n - i - 1);
	}
	const char *colon = memchr(s, ':', n);
	size_t hlen = colon ? (size_t)(colon - s) : n;
	if (!match_optional_port(s + hlen, n - hlen))
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= hlen; i++) {
		if (i == hlen || s[i] == '.') {
			if (!match_domain_component(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* tag: [\w][\w.-]{0,127} */
static bool match_tag(const char *s, size_t n)
{
	if (n == 0 || n > 128 || !is_word(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* digest: [A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,} */
static bool match_digest(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		if (i == n || !is_alpha(s[i]))
			return false;
		i++;
		while (i < n && is_alnum(s[i]))
			i++;
		if (i < n && (s[i] == '-' || s[i] == '_' || s[i] == '+' || s[i] == '.')) {
			i++;
			continue;
		}
		break;
	}
	if (i == n || s[i] != ':')
		return false;
	i++;
	if (n - i < 32)
		return false;
	for (; i < n; i++)
		if (!is_xdigit(s[i]))
			return false;
	return true;
}

typedef struct ref_split {
	size_t dom_off, dom_len; /* dom_len 0: no domain */
	size_t path_off, path_len;
	bool has_tag, has_digest;
	size_t tag_off, tag_len;
	size_t dig_off, dig_len;
} ref_split;

/*
 * The anchored referenceRegexp with its submatches.  The grammar leaves
 * one split only: '@' never occurs before the digest, a tag never holds
 * ':' or '/', and a name holds ':' only in a domain that a '/' follows.
 * The optional domain group is greedy, so a first component that is a
 * valid domain is taken as the domain whenever the rest is a path.
 */
static bool ref_match(const char *s, size_t n, ref_split *out)
{
	memset(out, 0, sizeof(*out));
	size_t pre = n;
	const char *at = memchr(s, '@', n);
	if (at) {
		pre = (size_t)(at - s);
		out->has_digest = true;
		out->dig_off = pre + 1;
		out->dig_len = n - pre - 1;
		if (!match_digest(s + out->dig_off, out->dig_len))
			return false;
	}
	size_t name_len = pre;
	for (size_t i = pre; i > 0; i--) {
		if (s[i - 1] == '/')
			break;
		if (s[i - 1] == ':') {
			out->has_tag = true;
			out->tag_off = i;
			out->tag_len = pre - i;
			name_len = i - 1;
			if (!match_tag(s + out->tag_off, out->tag_len))
				return false;
			break;
		}
	}
	if (name_len == 0)
		return false;
	const char *slash = memchr(s, '/', name_len);
	if (slash) {
		size_t d = (size_t)(slash - s);
		if (match_domain(s, d) && match_path(slash + 1, name_len - d - 1)) {
			out->dom_off = 0;
			out->dom_len = d;
			out->path_off = d + 1;
			out->path_len = name_len - d - 1;
			return true;
		}
	}
	if (!match_path(s, name_len))
		return false;
	out->path_off = 0;
	out->path_len = name_len;
	return true;
}

/* ---- Unicode lower-casing as Go's strings.ToLower --------------------------------- */

/* Decodes one rune as Go's utf8.DecodeRune; *r = -1 on invalid input (width 1). */
static size_t utf8_decode(const unsigned char *s, size_t n, long *r)
{
	unsigned char c = s[0];
	*r = -1;
	if (c < 0x80) {
		*r = c;
		return 1;
	}
	size_t need;
	long v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 1;
	}
	if (n < need)
		return 1;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 1;
	*r = v;
	return need;
}

bool pl_ref_has_upper(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	bool non_ascii = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			return true;
		if (s[i] >= 0x80)
			non_ascii = true;
	}
	if (!non_ascii)
		return false;
	/* Invalid UTF-8 becomes U+FFFD in ToLower, so the string changes. */
	for (size_t i = 0; i < n;) {
		long r;
		i += utf8_decode(s + i, n - i, &r);
		if (r < 0)
			return true;
	}
	locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (loc == (locale_t)0)
		return false;
	bool upper = false;
	for (size_t i = 0; i < n && !upper;) {
		long r;
		i += utf8_decode(s + i, n - i, &r);
		if (r >= 0x80 && (long)towlower_l((wint_t)r, loc) != r)
			upper = true;
	}
	freelocale(loc);
	return upper;
}

/*
 * The ASCII result of strings.ToLower(s) into buf (size n), or false when
 * the lower-cased string keeps a non-ASCII rune (it then cannot match the
 * grammar).  Only U+0130 and U+212A lower-case to ASCII.
 */
static bool lower_to_ascii(const char *str, size_t n, char *buf, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		long r;
		i += utf8_decode(s + i, n - i, &r);
		if (r >= 'A' && r <= 'Z')
			r += 'a' - 'A';
		else if (r == 0x130)
			r = 'i';
		else if (r == 0x212a)
			r = 'k';
		if (r < 0 || r >= 0x80)
			return false;
		buf[o++] = (char)r;
	}
	*outlen = o;
	return true;
}

/* ---- go-digest v1.0.0 ------------------------------------------------------------ */

/* DigestRegexpAnchored: ^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$ */
static bool digest_regexp_anchored(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		size_t st = i;
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == st)
			return false;
		if (i < n && (s[i] == '.' || s[i] == '+' || s[i] == '_' || s[i] == '-')) {
			i++;
			continue;
		}
		break;
	}
	if (i == n || s[i] != ':')
		return false;
	i++;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '=' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* Digest.Validate with sha256, sha384 and sha512 registered. */
static const char *digest_validate(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	if (!colon || colon == s || (size_t)(colon - s) + 1 == n)
		return ERR_DIGEST_FORMAT;
	size_t alen = (size_t)(colon - s);
	const char *enc = colon + 1;
	size_t elen = n - alen - 1;
	size_t size = 0;
	if (alen == 6 && memcmp(s, "sha256", 6) == 0)
		size = 32;
	else if (alen == 6 && memcmp(s, "sha384", 6) == 0)
		size = 48;
	else if (alen == 6 && memcmp(s, "sha512", 6) == 0)
		size = 64;
	if (size == 0)
		return digest_regexp_anchored(s, n) ? ERR_DIGEST_UNSUPPORTED : ERR_DIGEST_FORMAT;
	if (elen != size * 2)
		return ERR_DIGEST_LENGTH;
	for (size_t i = 0; i < elen; i++)
		if (!is_digit(enc[i]) && !(enc[i] >= 'a' && enc[i] <= 'f'))
			return ERR_DIGEST_FORMAT;
	return NULL;
}

/* ---- Parse ------------------------------------------------------------------------ */

void pl_ref_parts_free(const pl_alloc *a, pl_ref_parts *p)
{
	pl_free(a, p->domain);
	pl_free(a, p->path);
	pl_free(a, p->tag);
	pl_free(a, p->digest);
	memset(p, 0, sizeof(*p));
}

int pl_ref_parse_plain(const pl_alloc *a, const char *s, size_t n, pl_ref_parts *out,
                       const char **errmsg)
{
	*errmsg = NULL;
	if (n == 0) {
		*errmsg = ERR_EMPTY;
		return PODLIFE_EINVAL;
	}
	ref_split m;
	if (!ref_match(s, n, &m)) {
		*errmsg = ERR_FORMAT;
		char *low = pl_malloc(a, n + 1);
		if (!low)
			return PODLIFE_ENOMEM;
		size_t ln;
		ref_split lm;
		if (lower_to_ascii(s, n, low, &ln) && (ln != n || memcmp(low, s, n) != 0) &&
		    ref_match(low, ln, &lm))
			*errmsg = ERR_UPPER;
		pl_free(a, low);
		return PODLIFE_EINVAL;
	}
	if (m.path_len > REPO_NAME_MAX) {
		*errmsg = ERR_TOO_LONG;
		return PODLIFE_EINVAL;
	}
	if (m.has_digest) {
		const char *e = digest_validate(s + m.dig_off, m.dig_len);
		if (e) {
			*errmsg = e;
			return PODLIFE_EINVAL;
		}
	}
	pl_ref_parts p = {0};
	p.domain = pl_strndup(a, s + m.dom_off, m.dom_len);
	p.path = pl_strndup(a, s + m.path_off, m.path_len);
	bool oom = !p.domain || !p.path;
	if (m.has_tag) {
		p.tag = pl_strndup(a, s + m.tag_off, m.tag_len);
		oom = oom || !p.tag;
	}
	if (m.has_digest) {
		p.digest = pl_strndup(a, s + m.dig_off, m.dig_len);
		oom = oom || !p.digest;
	}
	if (oom) {
		pl_ref_parts_free(a, &p);
		return PODLIFE_ENOMEM;
	}
	*out = p;
	return PODLIFE_OK;
}

/* anchoredIdentifierRegexp: ^[a-f0-9]{64}$ */
static bool is_identifier(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

static char *msg_with(const pl_alloc *a, const char *pre, const char *s, size_t n,
                      const char *post)
{
	pl_buf b;
	pl_buf_init(&b, a);
	pl_buf_puts(&b, pre);
	pl_buf_append(&b, s, n);
	pl_buf_puts(&b, post);
	return pl_buf_take(&b);
}

int pl_ref_parse_normalized(const pl_alloc *a, const char *s, size_t n, pl_ref_parts *out,
                            char **errmsg)
{
	if (errmsg)
		*errmsg = NULL;
	if (is_identifier(s, n)) {
		if (errmsg)
			*errmsg = msg_with(a, "invalid repository name (", s, n,
			                   "), cannot specify 64-byte hexadecimal strings");
		return PODLIFE_EINVAL;
	}
	/* splitDockerDomain */
	const char *domain = "docker.io";
	size_t dlen = 9;
	const char *rem = s;
	size_t rlen = n;
	bool library = false;
	const char *slash = memchr(s, '/', n);
	if (!slash) {
		library = true;
	} else {
		size_t md = (size_t)(slash - s);
		bool take = false;
		if (md == 9 && memcmp(s, "localhost", 9) == 0) {
			take = true;
		} else if (md == 15 && memcmp(s, "index.docker.io", 15) == 0) {
			rem = slash + 1;
			rlen = n - md - 1;
		} else if (memchr(s, '.', md) || memchr(s, ':', md) || pl_ref_has_upper(s, md)) {
			take = true;
		}
		if (take) {
			domain = s;
			dlen = md;
			rem = slash + 1;
			rlen = n - md - 1;
		}
		if (dlen == 9 && memcmp(domain, "docker.io", 9) == 0 && !memchr(rem, '/', rlen))
			library = true;
	}
	pl_buf b;
	pl_buf_init(&b, a);
	pl_buf_append(&b, domain, dlen);
	pl_buf_putc(&b, '/');
	size_t rem_off = b.len;
	if (library)
		pl_buf_puts(&b, "library/");
	pl_buf_append(&b, rem, rlen);
	if (b.oom) {
		pl_buf_free(&b);
		return PODLIFE_ENOMEM;
	}
	const char *full = pl_buf_cstr(&b);
	const char *remainder = full + rem_off;
	size_t remlen = b.len - rem_off;
	const char *colon = memchr(remainder, ':', remlen);
	size_t remote_len = colon ? (size_t)(colon - remainder) : remlen;
	if (pl_ref_has_upper(remainder, remote_len)) {
		if (errmsg)
			*errmsg = msg_with(a, "invalid reference format: repository name (",
			                   remainder, remote_len, ") must be lowercase");
		pl_buf_free(&b);
		return PODLIFE_EINVAL;
	}
	const char *e = NULL;
	int rc = pl_ref_parse_plain(a, full, b.len, out, &e);
	pl_buf_free(&b);
	if (rc == PODLIFE_EINVAL && errmsg)
		*errmsg = pl_strdup(a, e);
	return rc;
}

/* ---- public API ------------------------------------------------------------------- */

static char *ref_string(const pl_alloc *a, const char *domain, const char *path,
                        const char *tag, const char *digest)
{
	pl_buf b;
	pl_buf_init(&b, a);
	if (domain && *domain) {
		pl_buf_puts(&b, domain);
		pl_buf_putc(&b, '/');
	}
	pl_buf_puts(&b, path);
	if (tag) {
		pl_buf_putc(&b, ':');
		pl_buf_puts(&b, tag);
	}
	if (digest) {
		pl_buf_putc(&b, '@');
		pl_buf_puts(&b, digest);
	}
	return pl_buf_take(&b);
}

void podlife_image_ref_free(podlife_image_ref *ref)
{
	if (!ref)
		return;
	pl_alloc a = ref->a;
	pl_ref_parts_free(&a, &ref->p);
	pl_free(&a, ref->familiar);
	pl_free(&a, ref->canonical);
	pl_free(&a, ref->name);
	pl_free(&a, ref);
}

int podlife_image_ref_parse(const char *text, podlife_image_ref **out, podlife_error **err)
{
	const pl_alloc *a = pl_alloc_default();
	if (err)
		*err = NULL;
	if (!text || !out) {
		if (err)
			*err = pl_error_new(a, PODLIFE_EINVAL, "invalid argument");
		return PODLIFE_EINVAL;
	}
	pl_ref_parts p;
	char *msg = NULL;
	int rc = pl_ref_parse_normalized(a, text, strlen(text), &p, err ? &msg : NULL);
	if (rc != PODLIFE_OK) {
		if (err)
			*err = msg ? pl_error_new(a, rc, "%s", msg)
			           : pl_error_new(a, rc, "%s", podlife_strerror(rc));
		pl_free(a, msg);
		return rc;
	}
	podlife_image_ref *r = pl_calloc(a, 1, sizeof(*r));
	if (!r) {
		pl_ref_parts_free(a, &p);
		return PODLIFE_ENOMEM;
	}
	r->a = *a;
	r->p = p;
	r->canonical = ref_string(a, p.domain, p.path, p.tag, p.digest);
	r->name = ref_string(a, p.domain, p.path, NULL, NULL);
	/* familiarizeName */
	const char *fdom = p.domain;
	const char *fpath = p.path;
	if (strcmp(p.domain, "docker.io") == 0) {
		fdom = "";
		if (strncmp(fpath, "library/", 8) == 0 && !strchr(fpath + 8, '/'))
			fpath += 8;
	}
	r->familiar = ref_string(a, fdom, fpath, p.tag, p.digest);
	if (!r->canonical || !r->name || !r->familiar) {
		podlife_image_ref_free(r);
		return PODLIFE_ENOMEM;
	}
	*out = r;
	return PODLIFE_OK;
}

const char *podlife_image_ref_domain(const podlife_image_ref *ref) { return ref ? ref->p.domain : NULL; }
const char *podlife_image_ref_path(const podlife_image_ref *ref) { return ref ? ref->p.path : NULL; }
const char *podlife_image_ref_tag(const podlife_image_ref *ref) { return ref ? ref->p.tag : NULL; }
const char *podlife_image_ref_digest(const podlife_image_ref *ref) { return ref ? ref->p.digest : NULL; }
const char *podlife_image_ref_familiar(const podlife_image_ref *ref) { return ref ? ref->familiar : NULL; }
const char *podlife_image_ref_canonical(const podlife_image_ref *ref) { return ref ? ref->canonical : NULL; }
const char *podlife_image_ref_name(const podlife_image_ref *ref) { return ref ? ref->name : NULL; }
