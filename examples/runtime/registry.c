/*
 * examples/runtime/registry.c - the image store's client of the OCI
 * distribution API over libcurl: GET/HEAD of manifests and blobs, the
 * 401 challenge (WWW-Authenticate, Basic or Bearer with a token from the
 * realm), plain HTTP only for loopback and insecure registries.  No
 * credential or token ever reaches an error text: they travel in an
 * Authorization header built here, never in a URL.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "store_int.h"

#define TOKEN_CAP (1u << 20)
#define ERRBODY_CAP 4096

struct st_reg {
	CURL *curl;
	char host[256];           /* API host[:port] */
	char base[600];           /* "https://host/v2/<repo>" */
	char repo[512];
	const podlife_auth *auth;
	size_t n_auth;
	const char *const *insecure;
	size_t n_insecure;
	int plain;
	char *authz;              /* "Authorization: ..." (secret), NULL when anonymous */
	void (*xfer)(void *ud, uint64_t now);
	void *xfer_ud;
};

/* ---- small helpers ------------------------------------------------------------------- */

static void secret_free(char *s)
{
	if (s) {
		volatile char *p = s;
		while (*p)
			*p++ = 0;
		free(s);
	}
}

const char *st_http_status_text(long status, char *buf, size_t len)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {{200, "OK"}, {206, "Partial Content"}, {301, "Moved Permanently"},
	         {302, "Found"}, {307, "Temporary Redirect"}, {400, "Bad Request"},
	         {401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"},
	         {405, "Method Not Allowed"}, {408, "Request Timeout"},
	         {416, "Requested Range Not Satisfiable"}, {429, "Too Many Requests"},
	         {500, "Internal Server Error"}, {502, "Bad Gateway"},
	         {503, "Service Unavailable"}, {504, "Gateway Timeout"}};
	const char *txt = "";
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].code == status)
			txt = t[i].text;
	snprintf(buf, len, "%ld%s%s", status, *txt ? " " : "", txt);
	return buf;
}

/* host part of "host:port", "[::1]:5000" */
static void host_only(const char *domain, char *out, size_t len)
{
	if (domain[0] == '[') {
		const char *e = strchr(domain, ']');
		size_t n = e ? (size_t)(e - domain - 1) : strlen(domain + 1);
		snprintf(out, len, "%.*s", (int)n, domain + 1);
		return;
	}
	const char *c = strchr(domain, ':');
	if (c && strchr(c + 1, ':'))
		c = NULL; /* a bare IPv6 address */
	snprintf(out, len, "%.*s", c ? (int)(c - domain) : (int)strlen(domain), domain);
}

int st_reg_plain_http(const char *domain, const char *const *insecure, size_t n)
{
	char h[256];
	struct in_addr a4;
	struct in6_addr a6;
	for (size_t i = 0; i < n; i++)
		if (insecure[i] && !strcasecmp(insecure[i], domain))
			return 1;
	host_only(domain, h, sizeof h);
	if (!strcasecmp(h, "localhost"))
		return 1;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* "Authorization: Basic base64(user:pass)" (owned, secret) */
static char *basic_header(const podlife_auth *a)
{
	const char *u = a->username ? a->username : "", *p = a->password ? a->password : "";
	size_t n = strlen(u) + 1 + strlen(p);
	char *plain = malloc(n + 1);
	char *out = malloc(32 + (n + 2) / 3 * 4 + 1);
	if (!plain || !out) {
		free(plain);
		free(out);
		return NULL;
	}
	snprintf(plain, n + 1, "%s:%s", u, p);
	size_t o = (size_t)sprintf(out, "Authorization: Basic ");
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)plain[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = 0;
	secret_free(plain);
	return out;
}

/* ---- one transfer --------------------------------------------------------------------- */

typedef struct xfer {
	st_reg *r;
	st_reg_resp *resp;
	char www_auth[2048];
	/* memory sink */
	char *mem;
	size_t mlen, cap;
	/* file sink */
	FILE *file;
	st_sha256 sha;
	uint64_t written;
	/* error bodies are dropped; non-2xx statuses write nowhere */
	int overflow, ioerr;
} xfer;

static size_t on_header(char *b, size_t sz, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = sz * n;
	if (len >= 5 && !strncmp(b, "HTTP/", 5)) {
		/* a new answer (after a redirect or 100): forget the last one's headers */
		x->resp->content_type[0] = 0;
		x->resp->digest[0] = 0;
		x->www_auth[0] = 0;
		return len;
	}
	const char *colon = memchr(b, ':', len);
	if (!colon)
		return len;
	size_t kl = (size_t)(colon - b);
	const char *v = colon + 1, *end = b + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	int vl = (int)(end - v);
#define HDR(name, dst)                                                                        \
	if (kl == strlen(name) && !strncasecmp(b, name, kl)) {                                \
		snprintf(dst, sizeof dst, "%.*s", vl, v);                                     \
		return len;                                                                   \
	}
	HDR("Content-Type", x->resp->content_type)
	HDR("Docker-Content-Digest", x->resp->digest)
	HDR("WWW-Authenticate", x->www_auth)
#undef HDR
	return len;
}

static size_t on_body(char *b, size_t sz, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = sz * n;
	long code = 0;
	curl_easy_getinfo(x->r->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299)
		return len; /* error bodies are not needed */
	if (x->file) {
		if (x->written + len > x->cap) {
			x->overflow = 1;
			return 0;
		}
		if (fwrite(b, 1, len, x->file) != len) {
			x->ioerr = 1;
			return 0;
		}
		st_sha256_update(&x->sha, b, len);
		x->written += len;
		return len;
	}
	if (x->mlen + len > x->cap) {
		x->overflow = 1;
		return 0;
	}
	char *m = realloc(x->mem, x->mlen + len + 1);
	if (!m) {
		x->ioerr = 1;
		return 0;
	}
	x->mem = m;
	memcpy(m + x->mlen, b, len);
	x->mlen += len;
	m[x->mlen] = 0;
	return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)ut, (void)un;
	xfer *x = ud;
	if (x->file && x->r->xfer)
		x->r->xfer(x->r->xfer_ud, (uint64_t)dn);
	return 0;
}

void st_reg_resp_clear(st_reg_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof *r);
}

/* Performs one request with the current Authorization. */
static int perform(st_reg *r, const char *url, int head, const char *accept, xfer *x,
                   const char *authz, char *err, size_t len)
{
	CURL *c = r->curl;
	struct curl_slist *h = NULL, *t;
	char ebuf[CURL_ERROR_SIZE] = "";
	char acc[600];
	int rc = 0;
	curl_easy_reset(c);
	if (accept) {
		snprintf(acc, sizeof acc, "Accept: %s", accept);
		if ((t = curl_slist_append(h, acc)) == NULL)
			goto oom;
		h = t;
	}
	if (authz) {
		if ((t = curl_slist_append(h, authz)) == NULL)
			goto oom;
		h = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "podlife-runtime/0.1");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	/* the Authorization header is not sent on to another host (curl's default) */
	curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, r->plain ? "http,https" : "https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS,
	                 r->plain ? (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS) : (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	if (head)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	CURLcode cr = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->resp->status);
	if (cr != CURLE_OK) {
		if (x->overflow)
			snprintf(err, len, "%s %s: answer larger than %zu bytes", head ? "Head" : "Get",
			         url, x->cap);
		else if (x->ioerr)
			snprintf(err, len, "%s %s: write failed", head ? "Head" : "Get", url);
		else
			snprintf(err, len, "failed to do request: %s \"%s\": %s", head ? "Head" : "Get",
			         url, ebuf[0] ? ebuf : curl_easy_strerror(cr));
		rc = -1;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	return rc;
oom:
	curl_slist_free_all(h);
	snprintf(err, len, "out of memory");
	return -1;
}

/* ---- challenges ----------------------------------------------------------------------- */

typedef struct challenge {
	int bearer;               /* 0 Basic, 1 Bearer, -1 none/unknown */
	char realm[1024], service[1024], scope[1024];
} challenge;

/* Parses `Basic realm="x"` or `Bearer realm="...",service="...",scope="..."`. */
static void parse_challenge(const char *h, challenge *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->bearer = -1;
	while (*h == ' ')
		h++;
	if (!strncasecmp(h, "Bearer", 6) && (h[6] == ' ' || !h[6]))
		ch->bearer = 1, h += 6;
	else if (!strncasecmp(h, "Basic", 5) && (h[5] == ' ' || !h[5]))
		ch->bearer = 0, h += 5;
	else
		return;
	while (*h) {
		while (*h == ' ' || *h == ',')
			h++;
		const char *k = h;
		while (*h && *h != '=' && *h != ' ' && *h != ',')
			h++;
		size_t kl = (size_t)(h - k);
		if (*h != '=') {
			if (!*h)
				break;
			continue;
		}
		h++;
		char val[1024];
		size_t vl = 0;
		if (*h == '"') {
			h++;
			while (*h && *h != '"') {
				if (*h == '\\' && h[1])
					h++;
				if (vl + 1 < sizeof val)
					val[vl++] = *h;
				h++;
			}
			if (*h == '"')
				h++;
		} else {
			while (*h && *h != ',' && *h != ' ') {
				if (vl + 1 < sizeof val)
					val[vl++] = *h;
				h++;
			}
		}
		val[vl] = 0;
		if (kl == 5 && !strncasecmp(k, "realm", 5))
			snprintf(ch->realm, sizeof ch->realm, "%s", val);
		else if (kl == 7 && !strncasecmp(k, "service", 7))
			snprintf(ch->service, sizeof ch->service, "%s", val);
		else if (kl == 5 && !strncasecmp(k, "scope", 5))
			snprintf(ch->scope, sizeof ch->scope, "%s", val);
	}
}

/* 1 when the token realm may be spoken to (https, or http on a plain-HTTP host). */
static int realm_allowed(st_reg *r, const char *realm)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ok = 0;
	if (u && curl_url_set(u, CURLUPART_URL, realm, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (!strcasecmp(scheme, "https"))
			ok = 1;
		else if (!strcasecmp(scheme, "http")) {
			char dom[300];
			if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
				snprintf(dom, sizeof dom, "%s:%s", host, port);
			else
				snprintf(dom, sizeof dom, "%s", host);
			ok = st_reg_plain_http(dom, r->insecure, r->n_insecure);
		}
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/* A Bearer token from the realm with credential `a` (NULL: anonymous).
 * Returns the "Authorization: Bearer ..." header (owned, secret) or NULL. */
static char *fetch_token(st_reg *r, const challenge *ch, const podlife_auth *a, char *err,
                         size_t len)
{
	char *svc = NULL, *scope = NULL, *url = NULL, *basic = NULL, *out = NULL;
	char fallback[600];
	st_reg_resp resp = {0};
	xfer x = {.r = r, .resp = &resp, .cap = TOKEN_CAP};
	json_t *j = NULL;
	if (!ch->realm[0] || !realm_allowed(r, ch->realm)) {
		snprintf(err, len, "failed to authorize: failed to fetch token: realm \"%s\" is not an https URL",
		         ch->realm);
		return NULL;
	}
	snprintf(fallback, sizeof fallback, "repository:%s:pull", r->repo);
	svc = curl_easy_escape(r->curl, ch->service, 0);
	scope = curl_easy_escape(r->curl, ch->scope[0] ? ch->scope : fallback, 0);
	size_t ul = strlen(ch->realm) + (svc ? strlen(svc) : 0) + (scope ? strlen(scope) : 0) + 32;
	url = malloc(ul);
	if (!svc || !scope || !url) {
		snprintf(err, len, "out of memory");
		goto done;
	}
	snprintf(url, ul, "%s%cservice=%s&scope=%s", ch->realm, strchr(ch->realm, '?') ? '&' : '?',
	         svc, scope);
	if (a && !(basic = basic_header(a))) {
		snprintf(err, len, "out of memory");
		goto done;
	}
	if (perform(r, url, 0, "application/json", &x, basic, err, len))
		goto done;
	if (resp.status != 200) {
		char st[64];
		snprintf(err, len, "failed to authorize: failed to fetch %s token: unexpected status from GET request to %s: %s",
		         a ? "oauth" : "anonymous", ch->realm,
		         st_http_status_text(resp.status, st, sizeof st));
		goto done;
	}
	j = x.mem ? json_loadb(x.mem, x.mlen, 0, NULL) : NULL;
	const char *tok = json_string_value(json_object_get(j, "token"));
	if (!tok || !*tok)
		tok = json_string_value(json_object_get(j, "access_token"));
	if (!tok || !*tok || strpbrk(tok, "\r\n") || strlen(tok) > TOKEN_CAP) {
		snprintf(err, len, "failed to authorize: failed to fetch token: no token in the answer of %s", ch->realm);
		goto done;
	}
	size_t ol = strlen(tok) + 32;
	if ((out = malloc(ol)) != NULL)
		snprintf(out, ol, "Authorization: Bearer %s", tok);
	else
		snprintf(err, len, "out of memory");
done:
	if (x.mem) {
		memset(x.mem, 0, x.mlen);
		free(x.mem);
	}
	json_decref(j);
	secret_free(basic);
	curl_free(svc);
	curl_free(scope);
	free(url);
	return out;
}

/* ---- the client ----------------------------------------------------------------------- */

int st_reg_new(const st_reg_target *t, st_reg **out, char *err, size_t len)
{
	static int global;
	if (!global) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global = 1;
	}
	st_reg *r = calloc(1, sizeof *r);
	if (!r || !(r->curl = curl_easy_init())) {
		free(r);
		snprintf(err, len, "out of memory");
		return -1;
	}
	snprintf(r->host, sizeof r->host, "%s",
	         !strcmp(t->domain, "docker.io") ? "registry-1.docker.io" : t->domain);
	snprintf(r->repo, sizeof r->repo, "%s", t->repo);
	r->plain = st_reg_plain_http(t->domain, t->insecure, t->n_insecure);
	snprintf(r->base, sizeof r->base, "%s://%s/v2/%s", r->plain ? "http" : "https", r->host,
	         t->repo);
	r->auth = t->auth;
	r->n_auth = t->n_auth;
	r->insecure = t->insecure;
	r->n_insecure = t->n_insecure;
	r->xfer = t->xfer;
	r->xfer_ud = t->xfer_ud;
	*out = r;
	return 0;
}

void st_reg_free(st_reg *r)
{
	if (!r)
		return;
	curl_easy_cleanup(r->curl);
	secret_free(r->authz);
	free(r);
}

const char *st_reg_host(const st_reg *r)
{
	return r->host;
}

static const char *ACCEPT_MANIFESTS =
	"application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
	"application/vnd.docker.distribution.manifest.list.v2+json, "
	"application/vnd.docker.distribution.manifest.v2+json";

/* One try: sets up the sink, performs, keeps the body of a 2xx answer. */
static int fetch_once(st_reg *r, const char *url, int head, const char *accept, size_t cap,
                      FILE *f, char sha[72], st_reg_resp *resp, char *www, size_t wlen,
                      char *err, size_t len)
{
	xfer x = {.r = r, .resp = resp, .cap = cap, .file = f};
	st_sha256_init(&x.sha);
	if (f && (fseek(f, 0, SEEK_SET) != 0 || ftruncate(fileno(f), 0) != 0)) {
		snprintf(err, len, "truncate: %s", strerror(errno));
		return -1;
	}
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
	int rc = perform(r, url, head, accept, &x, r->authz, err, len);
	snprintf(www, wlen, "%s", x.www_auth);
	if (rc) {
		free(x.mem);
		return -1;
	}
	if (f) {
		char hex[65];
		if (fflush(f) != 0) {
			snprintf(err, len, "write: %s", strerror(errno));
			return -1;
		}
		st_sha256_hex(&x.sha, hex);
		snprintf(sha, 72, "sha256:%s", hex);
	} else {
		resp->body = x.mem;
		resp->len = x.mlen;
		if (!resp->body && !head && resp->status >= 200 && resp->status < 300) {
			resp->body = calloc(1, 1);
			if (!resp->body) {
				snprintf(err, len, "out of memory");
				return -1;
			}
		}
	}
	return 0;
}

int st_reg_fetch(st_reg *r, const char *kind, const char *ref, int head, size_t cap,
                 const char *path, char sha[72], st_reg_resp *resp, char *err, size_t len)
{
	char url[1200], www[2048];
	FILE *f = NULL;
	int rc = -1;
	const char *accept = !strcmp(kind, "manifests") ? ACCEPT_MANIFESTS : NULL;
	memset(resp, 0, sizeof *resp);
	if (snprintf(url, sizeof url, "%s/%s/%s", r->base, kind, ref) >= (int)sizeof url) {
		snprintf(err, len, "reference too long");
		return -1;
	}
	if (path && !(f = fopen(path, "w+b"))) {
		snprintf(err, len, "open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fetch_once(r, url, head, accept, cap, f, sha, resp, www, sizeof www, err, len))
		goto out;
	if (resp->status == 401 && www[0]) {
		challenge ch;
		parse_challenge(www, &ch);
		char terr[1600] = "";
		/* Basic: each credential in order; Bearer: a token with each, or anonymous */
		size_t tries = ch.bearer == 1 ? (r->n_auth ? r->n_auth : 1) : ch.bearer == 0 ? r->n_auth : 0;
		for (size_t i = 0; i < tries && resp->status == 401; i++) {
			const podlife_auth *a = r->n_auth ? &r->auth[i] : NULL;
			char *h = ch.bearer ? fetch_token(r, &ch, a, terr, sizeof terr) : basic_header(a);
			if (!h)
				continue;
			secret_free(r->authz);
			r->authz = h;
			if (fetch_once(r, url, head, accept, cap, f, sha, resp, www, sizeof www, err, len))
				goto out;
		}
		if (resp->status == 401) {
			/* nothing worked: forget the credential so the error is the anonymous one */
			secret_free(r->authz);
			r->authz = NULL;
			if (terr[0] && ch.bearer == 1) {
				snprintf(err, len, "%s", terr);
				goto out;
			}
		}
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	return rc;
}
