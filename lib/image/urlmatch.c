/*
 * lib/image/urlmatch.c - the URL handling of pkg/credentialprovider: the
 * key BasicDockerKeyring.Add files an entry under, URLsMatchStr with
 * ParseSchemelessURL and SplitURL, isDefaultRegistryMatch, and the two Go
 * library functions they rest on (net/url.Parse as far as Host and Path
 * go, path/filepath.Match).
 *
 * Thread-safety: pure functions.
 */
#include <string.h>

#include "image_internal.h"

/* ---- path/filepath.Match (Unix) -------------------------------------------------- */

/* utf8.DecodeRuneInString: invalid input -> (0xFFFD, 1). */
static size_t decode_rune(const char *str, size_t n, long *r)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	*r = 0xfffd;
	if (c < 0x80) {
		*r = c;
		return 1;
	}
	size_t need;
	long v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4, v = c & 0x07, min = 0x10000;
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

typedef struct span {
	const char *s;
	size_t n;
} span;

/* scanChunk: leading stars, then the chunk up to the next unbracketed '*'. */
static void scan_chunk(span *pat, bool *star, span *chunk)
{
	*star = false;
	while (pat->n > 0 && pat->s[0] == '*') {
		pat->s++;
		pat->n--;
		*star = true;
	}
	bool inrange = false;
	size_t i;
	for (i = 0; i < pat->n; i++) {
		char c = pat->s[i];
		if (c == '\\') {
			if (i + 1 < pat->n)
				i++;
		} else if (c == '[') {
			inrange = true;
		} else if (c == ']') {
			inrange = false;
		} else if (c == '*' && !inrange) {
			break;
		}
	}
	chunk->s = pat->s;
	chunk->n = i;
	pat->s += i;
	pat->n -= i;
}

/* getEsc; false on a bad pattern. */
static bool get_esc(span *chunk, long *r)
{
	if (chunk->n == 0 || chunk->s[0] == '-' || chunk->s[0] == ']')
		return false;
	if (chunk->s[0] == '\\') {
		chunk->s++;
		chunk->n--;
		if (chunk->n == 0)
			return false;
	}
	size_t w = decode_rune(chunk->s, chunk->n, r);
	bool ok = !(*r == 0xfffd && w == 1 && (unsigned char)chunk->s[0] >= 0x80);
	chunk->s += w;
	chunk->n -= w;
	if (chunk->n == 0)
		ok = false;
	return ok;
}

/* matchChunk: 1 match (rest in *rest), 0 no match, -1 bad pattern. */
static int match_chunk(span chunk, span s, span *rest)
{
	bool failed = false;
	while (chunk.n > 0) {
		if (!failed && s.n == 0)
			failed = true;
		char c = chunk.s[0];
		if (c == '[') {
			long r = 0;
			if (!failed) {
				size_t w = decode_rune(s.s, s.n, &r);
				s.s += w;
				s.n -= w;
			}
			chunk.s++;
			chunk.n--;
			bool negated = false;
			if (chunk.n > 0 && chunk.s[0] == '^') {
				negated = true;
				chunk.s++;
				chunk.n--;
			}
			bool match = false;
			int nrange = 0;
			for (;;) {
				if (chunk.n > 0 && chunk.s[0] == ']' && nrange > 0) {
					chunk.s++;
					chunk.n--;
					break;
				}
				long lo, hi;
				if (!get_esc(&chunk, &lo))
					return -1;
				hi = lo;
				if (chunk.s[0] == '-') {
					chunk.s++;
					chunk.n--;
					if (!get_esc(&chunk, &hi))
						return -1;
				}
				if (lo <= r && r <= hi)
					match = true;
				nrange++;
			}
			if (match == negated)
				failed = true;
			continue;
		}
		if (c == '?') {
			if (!failed) {
				if (s.s[0] == '/')
					failed = true;
				long r;
				size_t w = decode_rune(s.s, s.n, &r);
				s.s += w;
				s.n -= w;
			}
			chunk.s++;
			chunk.n--;
			continue;
		}
		if (c == '\\') {
			chunk.s++;
			chunk.n--;
			if (chunk.n == 0)
				return -1;
		}
		if (!failed) {
			if (chunk.s[0] != s.s[0])
				failed = true;
			s.s++;
			s.n--;
		}
		chunk.s++;
		chunk.n--;
	}
	if (failed)
		return 0;
	*rest = s;
	return 1;
}

bool pl_glob_match(const char *pattern, size_t plen, const char *name_s, size_t nlen)
{
	span pat = {pattern, plen};
	span name = {name_s, nlen};
	while (pat.n > 0) {
		bool star;
		span chunk;
		scan_chunk(&pat, &star, &chunk);
		if (star && chunk.n == 0)
			return memchr(name.s, '/', name.n) == NULL;
		span t;
		int ok = match_chunk(chunk, name, &t);
		if (ok == 1 && (t.n == 0 || pat.n > 0)) {
			name = t;
			continue;
		}
		if (ok < 0)
			return false;
		if (star) {
			bool found = false;
			for (size_t i = 0; i < name.n && name.s[i] != '/'; i++) {
				span sub = {name.s + i + 1, name.n - i - 1};
				ok = match_chunk(chunk, sub, &t);
				if (ok == 1) {
					if (pat.n == 0 && t.n > 0)
						continue;
					name = t;
					found = true;
					break;
				}
				if (ok < 0)
					return false;
			}
			if (found)
				continue;
		}
		return false;
	}
	return name.n == 0;
}

/* ---- net/url.Parse (Host and Path only) ------------------------------------------- */

typedef enum { ENC_PATH, ENC_HOST, ENC_ZONE, ENC_USERPASS, ENC_FRAGMENT } enc_mode;

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* shouldEscape for the host and zone modes. */
static bool should_escape_host(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return false;
	return strchr("!$&'()*+,;=:[]<>\"-_.~", c) == NULL || c == '\0';
}

/* unescape(s, mode) appending the result to b; false on an error. */
static bool url_unescape(pl_buf *b, const char *s, size_t n, enc_mode mode)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0)
				return false;
			unsigned char v = (unsigned char)(unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
			bool is25 = s[i + 1] == '2' && s[i + 2] == '5';
			if (mode == ENC_HOST && unhex(s[i + 1]) < 8 && !is25)
				return false;
			if (mode == ENC_ZONE && !is25 && v != ' ' && should_escape_host(v))
				return false;
			pl_buf_putc(b, (char)v);
			i += 2;
			continue;
		}
		if ((mode == ENC_HOST || mode == ENC_ZONE) && c < 0x80 && should_escape_host(c))
			return false;
		pl_buf_putc(b, (char)c);
	}
	return true;
}

static bool valid_optional_port(const char *s, size_t n)
{
	if (n == 0)
		return true;
	if (s[0] != ':')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool parse_host(pl_buf *b, const char *h, size_t n)
{
	if (n > 0 && h[0] == '[') {
		size_t i = n;
		while (i > 0 && h[i - 1] != ']')
			i--;
		if (i == 0)
			return false; /* missing ']' in host */
		size_t rb = i - 1;
		if (!valid_optional_port(h + rb + 1, n - rb - 1))
			return false;
		const char *zone = NULL;
		for (size_t k = 0; k + 2 < rb; k++)
			if (h[k] == '%' && h[k + 1] == '2' && h[k + 2] == '5') {
				zone = h + k;
				break;
			}
		if (zone) {
			size_t z = (size_t)(zone - h);
			return url_unescape(b, h, z, ENC_HOST) &&
			       url_unescape(b, zone, rb - z, ENC_ZONE) &&
			       url_unescape(b, h + rb, n - rb, ENC_HOST);
		}
	} else {
		size_t i = n;
		while (i > 0 && h[i - 1] != ':')
			i--;
		if (i > 0 && !valid_optional_port(h + i - 1, n - i + 1))
			return false;
	}
	return url_unescape(b, h, n, ENC_HOST);
}

static bool valid_userinfo(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (!strchr("-._:~!$&'()*+,;=%@", c) || c == '\0')
			return false;
	}
	return true;
}

typedef struct go_url {
	char *host; /* unescaped, with port */
	char *path; /* unescaped */
} go_url;

static void go_url_free(const pl_alloc *a, go_url *u)
{
	pl_free(a, u->host);
	pl_free(a, u->path);
	u->host = u->path = NULL;
}

/*
 * url.Parse for a string that starts with "<scheme>://" (the only shape
 * the keyring produces).  EINVAL when Go would return an error.
 */
static int go_url_parse(const pl_alloc *a, const char *s, size_t n, go_url *out)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return PODLIFE_EINVAL; /* invalid control character in URL */
	const char *hash = memchr(s, '#', n);
	if (hash) {
		pl_buf fb;
		pl_buf_init(&fb, a);
		bool ok = url_unescape(&fb, hash + 1, n - (size_t)(hash - s) - 1, ENC_FRAGMENT);
		pl_buf_free(&fb);
		if (!ok)
			return PODLIFE_EINVAL;
		n = (size_t)(hash - s);
	}
	const char *sep = memchr(s, ':', n);
	if (!sep)
		return PODLIFE_EINVAL;
	const char *rest = sep + 1;
	size_t rn = n - (size_t)(rest - s);
	size_t qcount = 0;
	for (size_t i = 0; i < rn; i++)
		qcount += rest[i] == '?';
	if (rn > 0 && rest[rn - 1] == '?' && qcount == 1) {
		rn--;
	} else {
		const char *q = memchr(rest, '?', rn);
		if (q)
			rn = (size_t)(q - rest);
	}
	if (rn < 2 || rest[0] != '/' || rest[1] != '/')
		return PODLIFE_EINVAL;
	const char *auth = rest + 2;
	size_t an = rn - 2;
	const char *slash = memchr(auth, '/', an);
	const char *path = slash ? slash : auth + an;
	size_t pn = slash ? an - (size_t)(slash - auth) : 0;
	if (slash)
		an = (size_t)(slash - auth);
	/* parseAuthority: userinfo before the last '@' */
	const char *hoststart = auth;
	size_t hn = an;
	for (size_t i = an; i > 0; i--) {
		if (auth[i - 1] == '@') {
			hoststart = auth + i;
			hn = an - i;
			break;
		}
	}
	pl_buf hb, pb;
	pl_buf_init(&hb, a);
	pl_buf_init(&pb, a);
	bool ok = parse_host(&hb, hoststart, hn);
	if (ok && hoststart != auth) {
		size_t un = (size_t)(hoststart - auth) - 1;
		ok = valid_userinfo(auth, un);
		if (ok) {
			pl_buf ub;
			pl_buf_init(&ub, a);
			ok = url_unescape(&ub, auth, un, ENC_USERPASS);
			pl_wipe(ub.data, ub.len);
			pl_buf_free(&ub);
		}
	}
	ok = ok && url_unescape(&pb, path, pn, ENC_PATH);
	if (!ok) {
		pl_buf_free(&hb);
		pl_buf_free(&pb);
		return PODLIFE_EINVAL;
	}
	out->host = pl_buf_take(&hb);
	out->path = pl_buf_take(&pb);
	if (!out->host || !out->path) {
		go_url_free(a, out);
		return PODLIFE_ENOMEM;
	}
	return PODLIFE_OK;
}

int pl_keyring_normalize_key(const pl_alloc *a, const char *registry, char **key)
{
	pl_buf v;
	pl_buf_init(&v, a);
	if (strncmp(registry, "https://", 8) != 0 && strncmp(registry, "http://", 7) != 0)
		pl_buf_puts(&v, "https://");
	pl_buf_puts(&v, registry);
	if (v.oom) {
		pl_buf_free(&v);
		return PODLIFE_ENOMEM;
	}
	go_url u;
	int rc = go_url_parse(a, pl_buf_cstr(&v), v.len, &u);
	pl_buf_free(&v);
	if (rc != PODLIFE_OK)
		return rc;
	const char *ep = u.path;
	if (strncmp(ep, "/v2/", 4) == 0 || strncmp(ep, "/v1/", 4) == 0)
		ep += 3;
	pl_buf k;
	pl_buf_init(&k, a);
	pl_buf_puts(&k, u.host);
	if (*ep && strcmp(ep, "/") != 0)
		pl_buf_puts(&k, ep);
	go_url_free(a, &u);
	*key = pl_buf_take(&k);
	return *key ? PODLIFE_OK : PODLIFE_ENOMEM;
}

/* ---- URLsMatch ------------------------------------------------------------------------ */

/* net.SplitHostPort; false on error. */
static bool split_host_port(const char *hp, size_t n, span *host, span *port)
{
	size_t i = n;
	while (i > 0 && hp[i - 1] != ':')
		i--;
	if (i == 0)
		return false; /* missing port */
	size_t colon = i - 1;
	size_t j = 0, k = 0;
	if (n > 0 && hp[0] == '[') {
		const char *rb = memchr(hp, ']', n);
		if (!rb)
			return false;
		size_t end = (size_t)(rb - hp);
		if (end + 1 != colon)
			return false;
		host->s = hp + 1;
		host->n = end - 1;
		j = 1;
		k = end + 1;
	} else {
		if (memchr(hp, ':', colon))
			return false; /* too many colons */
		host->s = hp;
		host->n = colon;
	}
	if (memchr(hp + j, '[', n - j))
		return false;
	if (memchr(hp + k, ']', n - k))
		return false;
	port->s = hp + colon + 1;
	port->n = n - colon - 1;
	return true;
}

typedef struct split_url {
	go_url u;
	span host, port;
	size_t labels;
} split_url;

static int parse_schemeless(const pl_alloc *a, const char *s, split_url *out)
{
	pl_buf v;
	pl_buf_init(&v, a);
	pl_buf_puts(&v, "https://");
	pl_buf_puts(&v, s);
	if (v.oom) {
		pl_buf_free(&v);
		return PODLIFE_ENOMEM;
	}
	int rc = go_url_parse(a, pl_buf_cstr(&v), v.len, &out->u);
	pl_buf_free(&v);
	if (rc != PODLIFE_OK)
		return rc;
	size_t hn = strlen(out->u.host);
	if (!split_host_port(out->u.host, hn, &out->host, &out->port)) {
		out->host.s = out->u.host;
		out->host.n = hn;
		out->port.s = "";
		out->port.n = 0;
	}
	out->labels = 1;
	for (size_t i = 0; i < out->host.n; i++)
		out->labels += out->host.s[i] == '.';
	return PODLIFE_OK;
}

static bool urls_match(const split_url *g, const split_url *t)
{
	if (g->port.n != t->port.n || memcmp(g->port.s, t->port.s, g->port.n) != 0)
		return false;
	if (g->labels != t->labels)
		return false;
	size_t gp = strlen(g->u.path);
	if (strncmp(t->u.path, g->u.path, gp) != 0)
		return false;
	const char *gs = g->host.s, *ts = t->host.s;
	const char *ge = gs + g->host.n, *te = ts + t->host.n;
	for (size_t l = 0; l < g->labels; l++) {
		const char *gd = memchr(gs, '.', (size_t)(ge - gs));
		const char *td = memchr(ts, '.', (size_t)(te - ts));
		size_t gl = gd ? (size_t)(gd - gs) : (size_t)(ge - gs);
		size_t tl = td ? (size_t)(td - ts) : (size_t)(te - ts);
		if (!pl_glob_match(gs, gl, ts, tl))
			return false;
		gs += gl + (gd ? 1 : 0);
		ts += tl + (td ? 1 : 0);
	}
	return true;
}

int pl_urls_match(const pl_alloc *a, const char *glob, const char *target, bool *match)
{
	split_url g, t;
	*match = false;
	int rc = parse_schemeless(a, glob, &g);
	if (rc != PODLIFE_OK)
		return rc == PODLIFE_ENOMEM ? rc : PODLIFE_OK;
	rc = parse_schemeless(a, target, &t);
	if (rc != PODLIFE_OK) {
		go_url_free(a, &g.u);
		return rc == PODLIFE_ENOMEM ? rc : PODLIFE_OK;
	}
	*match = urls_match(&g, &t);
	go_url_free(a, &g.u);
	go_url_free(a, &t.u);
	return PODLIFE_OK;
}

bool pl_urls_match_str(const pl_alloc *a, const char *glob, const char *target)
{
	bool m = false;
	return pl_urls_match(a, glob, target, &m) == PODLIFE_OK && m;
}

bool pl_is_default_registry_match(const char *image)
{
	const char *slash = strchr(image, '/');
	size_t first = slash ? (size_t)(slash - image) : strlen(image);
	if (first == 0)
		return false;
	if (!slash)
		return true;
	if ((first == 9 && strncmp(image, "docker.io", 9) == 0) ||
	    (first == 15 && strncmp(image, "index.docker.io", 15) == 0))
		return true;
	for (size_t i = 0; i < first; i++)
		if (image[i] == '.' || image[i] == ':')
			return false;
	return true;
}
