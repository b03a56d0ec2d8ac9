/*
 * lib/engine/net.c - the engine's network client (net.h): HTTP GET and
 * gRPC health checks on libcurl's multi interface driven through its
 * socket and timer callbacks, and plain non-blocking TCP connects, all
 * registered in one epoll instance.
 *
 * Bookkeeping: every request is an `nreq` on one doubly linked list
 * (cancel, free).  A curl request is found from its easy handle through
 * CURLOPT_PRIVATE; a TCP request from its descriptor (epoll data carries
 * the descriptor and a kind bit, `by_fd` maps it back).  TCP deadlines
 * live in a binary min-heap.  A request that ends goes to the `done`
 * queue and its completion is delivered at the end of pl_net_perform,
 * after the request has been freed, so a callback may start or cancel
 * requests freely.
 *
 * The texts are those of the kubelet's probers (pkg/probe/http,
 * pkg/probe/tcp, pkg/probe/grpc) and of Go's net/http and net errors.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "timers.h"

enum { NR_HTTP = 0, NR_TCP = 1, NR_GRPC = 2 };

/* epoll data: the descriptor, and this bit for TCP connects */
#define EV_TCP (UINT64_C(1) << 32)

/* Go's http.Client stops after 10 consecutive requests. */
#define MAX_REQUESTS 10
/* a health check response is a few bytes */
#define GRPC_MAX_BODY 65536

typedef struct nreq nreq;
struct nreq {
	pl_net *n;
	uint64_t tag;
	int kind;
	nreq *prev, *next;   /* every request */
	nreq *dprev, *dnext; /* the done queue */
	bool done;

	/* the verdict, once done */
	int outcome;
	bool responded;
	int http_status;
	char *text;          /* output, owned; NULL: "" */

	/* origin: the backend and the client's copy of the request */
	const podlife_probe_backend *pb;
	podlife_probe_request req;
	char *req_strings;   /* one block behind req's strings */

	/* TCP */
	int fd;
	pl_timer t;          /* TCP connect deadline, in the client's heap */
	int64_t deadline;    /* TCP connect / HTTP whole request; 0: none */
	char *addr;          /* "IP:PORT" (TCP), "HOST:PORT" (gRPC) */

	/* curl */
	CURL *easy;
	struct curl_slist *hdrs;
	char *url;           /* of the current request */
	char *host0;         /* host name of the first URL */
	size_t n_hdr;        /* canonical headers (HTTP) */
	char **hname, **hval;
	const char *host_override; /* into hval, NULL: none */
	bool ua_given, accept_given, accept_drop;
	const char *user_agent_default;
	char *ua_copy;
	int redirects;       /* enum pl_net_redirects */
	int n_req;           /* requests made (HTTP) */
	bool keep_host;      /* send host_override on this request */
	bool cross_host;     /* a redirect left the first host name */
	size_t max_body;
	bool cut;            /* the body went over max_body: reading stopped */
	pl_buf body;
	char *location;      /* Location of the latest response */
	char *referer;       /* of a redirected request, NULL: none */
	bool referer_given;  /* the headers have one */
	int grpc_status;     /* -1: none yet */
	char *grpc_message;
	unsigned char *post; /* gRPC request frame */
	size_t post_len;
	int64_t timeout_ms;
	char errbuf[CURL_ERROR_SIZE];
};

struct pl_net {
	const pl_alloc *a;
	pl_net_done_fn done_fn;
	void *done_ud;
	int epfd;              /* -1 until the first request */
	CURLM *multi;          /* NULL until the first curl request */
	int64_t curl_deadline; /* curl's timer, INT64_MAX when none */
	nreq *all;             /* every request not yet delivered */
	nreq *dhead, *dtail;   /* ended, waiting for delivery */
	size_t busy;
	pl_heap heap;          /* TCP deadlines (timers.c) */
	nreq **by_fd;          /* TCP requests by descriptor */
	size_t cap_fd;
};

int64_t pl_net_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- small helpers ------------------------------------------------------------- */

/* Go's syscall error text: strerror with a lower-case first letter. */
static void errno_text(int err, char *buf, size_t len)
{
	char tmp[128];
	const char *s = strerror_r(err, tmp, sizeof tmp);
	snprintf(buf, len, "%s", s ? s : "unknown error");
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

/* net.JoinHostPort: IPv6 literals in brackets. */
static char *join_host_port(const pl_alloc *a, const char *host, long port)
{
	pl_buf b;
	pl_buf_init(&b, a);
	bool v6 = strchr(host, ':') != NULL && host[0] != '[';
	pl_buf_printf(&b, "%s%s%s:%ld", v6 ? "[" : "", host, v6 ? "]" : "", port);
	return pl_buf_take(&b);
}

/* time.Duration's String for a whole number of milliseconds. */
static void go_duration(int64_t ms, char *buf, size_t len)
{
	if (ms <= 0) {
		snprintf(buf, len, "0s");
		return;
	}
	if (ms < 1000) {
		snprintf(buf, len, "%lldms", (long long)ms);
		return;
	}
	long long h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, f = ms % 1000;
	char sec[32];
	if (f) {
		snprintf(sec, sizeof sec, "%lld.%03lld", s, f);
		size_t l = strlen(sec);
		while (sec[l - 1] == '0')
			sec[--l] = '\0';
	} else {
		snprintf(sec, sizeof sec, "%lld", s);
	}
	if (h)
		snprintf(buf, len, "%lldh%lldm%ss", h, m, sec);
	else if (m)
		snprintf(buf, len, "%lldm%ss", m, sec);
	else
		snprintf(buf, len, "%ss", sec);
}

/* textproto's validHeaderFieldByte: a token character. */
static bool token_char(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", ch);
}

/* textproto.CanonicalMIMEHeaderKey, in place: unchanged when the name
 * has a byte that is not a token character. */
static void canonical_key(char *s)
{
	for (const char *p = s; *p; p++)
		if (!token_char((unsigned char)*p))
			return;
	bool upper = true;
	for (char *p = s; *p; p++) {
		if (upper && *p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		else if (!upper && *p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		upper = *p == '-';
	}
}

/* httpguts.ValidHeaderFieldValue: no control bytes but tab. */
static bool valid_value(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

/* ---- requests -------------------------------------------------------------------- */


static char *copy_str(char **dst, const char *s)
{
	size_t l = strlen(s) + 1;
	memcpy(*dst, s, l);
	char *out = *dst;
	*dst += l;
	return out;
}

/* The client's copy of the origin's request (net.h): identity strings,
 * kind, handler, host, port. */
static int copy_origin(pl_net *n, nreq *r, const pl_net_origin *o)
{
	if (!o || !o->pb || !o->pb->open_socket)
		return PODLIFE_OK;
	r->pb = o->pb;
	const podlife_probe_request *q = o->req;
	if (!q)
		return PODLIFE_OK;
	const char *s[8] = {q->pod_namespace, q->pod_name, q->pod_uid,   q->container,
	                    q->container_id,  q->sandbox_id, q->netns_path, q->host};
	size_t total = 0;
	for (size_t i = 0; i < PL_ARRAY_LEN(s); i++)
		total += strlen(s[i] ? s[i] : "") + 1;
	r->req_strings = pl_malloc(n->a, total);
	if (!r->req_strings)
		return PODLIFE_ENOMEM;
	char *p = r->req_strings;
	char *c[8];
	for (size_t i = 0; i < PL_ARRAY_LEN(s); i++)
		c[i] = copy_str(&p, s[i] ? s[i] : "");
	r->req.version = PODLIFE_PROBE_REQUEST_VERSION;
	r->req.kind = q->kind;
	r->req.handler = q->handler;
	r->req.pod_namespace = c[0];
	r->req.pod_name = c[1];
	r->req.pod_uid = c[2];
	r->req.container = c[3];
	r->req.container_id = c[4];
	r->req.sandbox_id = c[5];
	r->req.netns_path = c[6];
	r->req.host = c[7];
	r->req.port = q->port;
	r->req.timeout_ms = q->timeout_ms;
	return PODLIFE_OK;
}

static nreq *req_new(pl_net *n, int kind, uint64_t tag, const pl_net_origin *o)
{
	nreq *r = pl_calloc(n->a, 1, sizeof *r);
	if (!r)
		return NULL;
	r->n = n;
	r->kind = kind;
	r->tag = tag;
	r->fd = -1;
	pl_timer_init(&r->t, PL_TIMER_NET, 0);
	r->grpc_status = -1;
	pl_buf_init(&r->body, n->a);
	if (copy_origin(n, r, o) != PODLIFE_OK) {
		pl_free(n->a, r);
		return NULL;
	}
	r->next = n->all;
	if (n->all)
		n->all->prev = r;
	n->all = r;
	n->busy++;
	return r;
}

static void close_tcp(pl_net *n, nreq *r)
{
	pl_heap_disarm(&n->heap, &r->t);
	if (r->fd < 0)
		return;
	epoll_ctl(n->epfd, EPOLL_CTL_DEL, r->fd, NULL);
	if ((size_t)r->fd < n->cap_fd && n->by_fd[r->fd] == r)
		n->by_fd[r->fd] = NULL;
	close(r->fd);
	r->fd = -1;
}

static void free_headers(pl_net *n, nreq *r)
{
	for (size_t i = 0; i < r->n_hdr; i++) {
		pl_free(n->a, r->hname[i]);
		pl_free(n->a, r->hval[i]);
	}
	pl_free(n->a, r->hname);
	pl_free(n->a, r->hval);
	r->hname = r->hval = NULL;
	r->n_hdr = 0;
}

/* Releases everything but the verdict (text) and the list links. */
static void release(pl_net *n, nreq *r)
{
	close_tcp(n, r);
	if (r->easy) {
		if (n->multi)
			curl_multi_remove_handle(n->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
	free_headers(n, r);
	pl_free(n->a, r->url);
	pl_free(n->a, r->host0);
	pl_free(n->a, r->ua_copy);
	pl_free(n->a, r->location);
	pl_free(n->a, r->referer);
	pl_free(n->a, r->grpc_message);
	pl_free(n->a, r->post);
	pl_free(n->a, r->addr);
	pl_free(n->a, r->req_strings);
	r->url = r->host0 = r->ua_copy = r->location = r->referer = r->grpc_message = r->addr = NULL;
	r->req_strings = NULL;
	r->post = NULL;
	pl_buf_free(&r->body);
}

/* Unlinks r from every list and frees it. */
static void destroy(pl_net *n, nreq *r)
{
	release(n, r);
	if (r->done) {
		if (r->dprev)
			r->dprev->dnext = r->dnext;
		else
			n->dhead = r->dnext;
		if (r->dnext)
			r->dnext->dprev = r->dprev;
		else
			n->dtail = r->dprev;
	}
	if (r->prev)
		r->prev->next = r->next;
	else
		n->all = r->next;
	if (r->next)
		r->next->prev = r->prev;
	n->busy--;
	pl_free(n->a, r->text);
	pl_free(n->a, r);
}

/* The request ended: its sockets go at once, its verdict waits in the
 * done queue for pl_net_perform.  `text` is copied. */
static void finish(pl_net *n, nreq *r, int outcome, bool responded, const char *text)
{
	if (r->done)
		return;
	r->outcome = outcome;
	r->responded = responded;
	r->text = text && *text ? pl_strdup(n->a, text) : NULL;
	if (text && *text && !r->text) {
		r->outcome = PODLIFE_PROBE_FAILURE;
		r->responded = false;
	}
	release(n, r);
	r->done = true;
	r->dnext = NULL;
	r->dprev = n->dtail;
	if (n->dtail)
		n->dtail->dnext = r;
	else
		n->dhead = r;
	n->dtail = r;
}

static void finishf(pl_net *n, nreq *r, int outcome, bool responded, const char *fmt, ...)
	PL_PRINTF(5, 6);
static void finishf(pl_net *n, nreq *r, int outcome, bool responded, const char *fmt, ...)
{
	char buf[PODLIFE_PROBE_OUTPUT_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	finish(n, r, outcome, responded, buf);
}

/* The request a deadline timer belongs to. */
static nreq *timer_req(pl_timer *t)
{
	return (nreq *)(void *)((char *)t - offsetof(nreq, t));
}

/* ---- the client ------------------------------------------------------------------ */

int pl_net_new(const pl_alloc *a, pl_net_done_fn done, void *done_ud, pl_net **out)
{
	if (!a || !out)
		return PODLIFE_EINVAL;
	pl_net *n = pl_calloc(a, 1, sizeof *n);
	if (!n)
		return PODLIFE_ENOMEM;
	n->a = a;
	n->done_fn = done;
	n->done_ud = done_ud;
	n->epfd = -1;
	n->curl_deadline = INT64_MAX;
	n->heap.a = a;
	*out = n;
	return PODLIFE_OK;
}

void pl_net_free(pl_net *n)
{
	if (!n)
		return;
	while (n->all)
		destroy(n, n->all);
	if (n->multi)
		curl_multi_cleanup(n->multi);
	if (n->epfd >= 0)
		close(n->epfd);
	pl_heap_free(&n->heap);
	pl_free(n->a, n->by_fd);
	pl_free(n->a, n);
}

int pl_net_fd(const pl_net *n)
{
	return n ? n->epfd : -1;
}

size_t pl_net_busy(const pl_net *n)
{
	return n ? n->busy : 0;
}

int64_t pl_net_deadline(const pl_net *n)
{
	if (!n)
		return INT64_MAX;
	if (n->dhead)
		return 0; /* completions to deliver */
	int64_t d = n->curl_deadline;
	const pl_timer *t = pl_heap_top(&n->heap);
	if (t && t->deadline < d)
		d = t->deadline;
	return d;
}

void pl_net_cancel(pl_net *n, uint64_t tag)
{
	if (!n)
		return;
	nreq *r = n->all;
	while (r) {
		nreq *next = r->next;
		if (r->tag == tag)
			destroy(n, r);
		r = next;
	}
}

/* ---- curl's callbacks ---------------------------------------------------------- */

static int on_curl_socket(CURL *easy, curl_socket_t s, int what, void *ud, void *socketp)
{
	PL_UNUSED(easy);
	PL_UNUSED(socketp);
	pl_net *n = ud;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(n->epfd, EPOLL_CTL_DEL, s, NULL);
		return 0;
	}
	struct epoll_event ev;
	memset(&ev, 0, sizeof ev);
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
	ev.data.u64 = (uint64_t)(uint32_t)s;
	if (epoll_ctl(n->epfd, EPOLL_CTL_MOD, s, &ev) < 0 && errno == ENOENT)
		epoll_ctl(n->epfd, EPOLL_CTL_ADD, s, &ev);
	return 0;
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *ud)
{
	PL_UNUSED(multi);
	pl_net *n = ud;
	n->curl_deadline = timeout_ms < 0 ? INT64_MAX : pl_net_now() + timeout_ms;
	return 0;
}

/* A socket as the origin makes it, non-blocking and close-on-exec. */
static int open_sock(nreq *r, int domain, int type, int protocol)
{
	int fd;
	if (r->pb && r->pb->open_socket) {
		fd = r->pb->open_socket(r->pb->ud, &r->req, domain, type, protocol);
		if (fd < 0)
			return -1;
		int fl = fcntl(fd, F_GETFL);
		int fdf = fcntl(fd, F_GETFD);
		if (fl < 0 || fdf < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
		    fcntl(fd, F_SETFD, fdf | FD_CLOEXEC) < 0) {
			int err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		return fd;
	}
	return socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
}

static curl_socket_t on_curl_open(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
	PL_UNUSED(purpose);
	int fd = open_sock(ud, addr->family, addr->socktype, addr->protocol);
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	nreq *r = ud;
	size_t len = size * nmemb;
	size_t room = r->max_body > r->body.len ? r->max_body - r->body.len : 0;
	if (len <= room) {
		pl_buf_append(&r->body, ptr, len);
		return len;
	}
	/* Go's ReadAtMost: keep max_body bytes, stop reading */
	pl_buf_append(&r->body, ptr, room);
	r->cut = true;
	return 0;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
	nreq *r = ud;
	pl_net *n = r->n;
	size_t len = size * nitems;
	if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		pl_free(n->a, r->location); /* a new response */
		r->location = NULL;
		return len;
	}
	const char *colon = memchr(buf, ':', len);
	if (!colon)
		return len;
	size_t nl = (size_t)(colon - buf);
	const char *v = colon + 1, *end = buf + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t vl = (size_t)(end - v);
	if (nl == 8 && strncasecmp(buf, "location", 8) == 0) {
		if (!r->location) /* Header.Get: the first value */
			r->location = pl_strndup(n->a, v, vl);
	} else if (nl == 11 && strncasecmp(buf, "grpc-status", 11) == 0) {
		int st = 0;
		for (size_t i = 0; i < vl && i < 9 && v[i] >= '0' && v[i] <= '9'; i++)
			st = st * 10 + (v[i] - '0');
		r->grpc_status = st;
	} else if (nl == 12 && strncasecmp(buf, "grpc-message", 12) == 0) {
		pl_free(n->a, r->grpc_message);
		r->grpc_message = pl_strndup(n->a, v, vl);
	}
	return len;
}

/* Options every easy handle of the client has. */
static bool easy_common(nreq *r)
{
	CURL *k = r->easy;
	return curl_easy_setopt(k, CURLOPT_PRIVATE, (void *)r) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_ERRORBUFFER, r->errbuf) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_WRITEDATA, (void *)r) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_HEADERDATA, (void *)r) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_OPENSOCKETFUNCTION, on_curl_open) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_OPENSOCKETDATA, (void *)r) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_PROXY, "") == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_SSL_VERIFYPEER, 0L) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_SSL_VERIFYHOST, 0L) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_FORBID_REUSE, 1L) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_FRESH_CONNECT, 1L) == CURLE_OK &&
	       curl_easy_setopt(k, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
}

/* Epoll and the multi handle on first use. */
static int ensure_epoll(pl_net *n)
{
	if (n->epfd >= 0)
		return PODLIFE_OK;
	n->epfd = epoll_create1(EPOLL_CLOEXEC);
	return n->epfd < 0 ? PODLIFE_EIO : PODLIFE_OK;
}

static int ensure_multi(pl_net *n)
{
	int rc = ensure_epoll(n);
	if (rc != PODLIFE_OK || n->multi)
		return rc;
	n->multi = curl_multi_init();
	if (!n->multi)
		return PODLIFE_ENOMEM;
	if (curl_multi_setopt(n->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket) != CURLM_OK ||
	    curl_multi_setopt(n->multi, CURLMOPT_SOCKETDATA, (void *)n) != CURLM_OK ||
	    curl_multi_setopt(n->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer) != CURLM_OK ||
	    curl_multi_setopt(n->multi, CURLMOPT_TIMERDATA, (void *)n) != CURLM_OK) {
		curl_multi_cleanup(n->multi);
		n->multi = NULL;
		return PODLIFE_EIO;
	}
	return PODLIFE_OK;
}

/* ---- HTTP ----------------------------------------------------------------------- */

/* The host name of `url` (no port; IPv6 in brackets), owned; NULL when
 * it does not parse. */
static char *url_host(pl_net *n, const char *url)
{
	CURLU *u = curl_url();
	char *h = NULL, *out = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK)
		out = pl_strdup(n->a, h);
	curl_free(h);
	curl_url_cleanup(u);
	return out;
}

/* url.IsAbs: the reference has a scheme. */
static bool has_scheme(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (s++; *s; s++) {
		if (*s == ':')
			return true;
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '+' || *s == '-' || *s == '.'))
			return false;
	}
	return false;
}

/* Go's shouldCopyHeaderOnRedirect drops these on a redirect to another
 * domain. */
static bool sensitive(const char *name)
{
	return strcmp(name, "Authorization") == 0 || strcmp(name, "Www-Authenticate") == 0 ||
	       strcmp(name, "Cookie") == 0 || strcmp(name, "Cookie2") == 0;
}

static bool add_line(struct curl_slist **l, const char *line)
{
	struct curl_slist *t = curl_slist_append(*l, line);
	if (!t)
		return false;
	*l = t;
	return true;
}

/* The header lines of the current request. */
static bool build_headers(pl_net *n, nreq *r, struct curl_slist **out)
{
	struct curl_slist *l = NULL;
	pl_buf b;
	pl_buf_init(&b, n->a);
	bool ok = true;
	if (r->keep_host && r->host_override && *r->host_override) {
		pl_buf_printf(&b, "Host: %s", r->host_override);
		ok = !b.oom && add_line(&l, pl_buf_cstr(&b));
	}
	const char *ua = NULL;
	for (size_t i = 0; ok && i < r->n_hdr; i++) {
		const char *name = r->hname[i], *value = r->hval[i];
		if (strcmp(name, "Host") == 0)
			continue; /* the request's Host, above */
		if (strcmp(name, "User-Agent") == 0) {
			if (!ua)
				ua = value;
			continue;
		}
		if (strcmp(name, "Accept") == 0 && r->accept_drop)
			continue;
		if (r->cross_host && sensitive(name))
			continue;
		b.len = 0;
		if (*value)
			pl_buf_printf(&b, "%s: %s", name, value);
		else
			pl_buf_printf(&b, "%s;", name); /* curl: a header with no value */
		ok = !b.oom && add_line(&l, pl_buf_cstr(&b));
	}
	if (ok) {
		/* Go sends the first User-Agent value, none when it is empty */
		const char *u = r->ua_given ? ua : r->user_agent_default;
		b.len = 0;
		if (u && *u)
			pl_buf_printf(&b, "User-Agent: %s", u);
		else
			pl_buf_puts(&b, "User-Agent:");
		ok = !b.oom && add_line(&l, pl_buf_cstr(&b));
	}
	if (ok && (!r->accept_given || r->accept_drop))
		ok = add_line(&l, r->accept_drop ? "Accept:" : "Accept: */*");
	ok = ok && add_line(&l, "Connection: close") && add_line(&l, "Expect:");
	pl_buf_free(&b);
	if (!ok) {
		curl_slist_free_all(l);
		return false;
	}
	*out = l;
	return true;
}

static void timeout_text(const nreq *r, char *buf, size_t len);

/* Sends the current request (the first one, or the next after a
 * redirect); on failure the request is finished. */
static void http_issue(pl_net *n, nreq *r)
{
	if (!r->easy) {
		r->easy = curl_easy_init();
		if (!r->easy || !easy_common(r) ||
		    curl_easy_setopt(r->easy, CURLOPT_HTTPGET, 1L) != CURLE_OK) {
			finish(n, r, PODLIFE_PROBE_FAILURE, false, "out of memory");
			return;
		}
	} else {
		curl_multi_remove_handle(n->multi, r->easy);
	}
	long t = 0;
	if (r->deadline) {
		int64_t left = r->deadline - pl_net_now();
		if (left <= 0) {
			char msg[256];
			timeout_text(r, msg, sizeof msg);
			finishf(n, r, PODLIFE_PROBE_FAILURE, false, "Get \"%s\": %s", r->url, msg);
			return;
		}
		t = (long)left;
	}
	struct curl_slist *h = NULL;
	if (!build_headers(n, r, &h)) {
		finish(n, r, PODLIFE_PROBE_FAILURE, false, "out of memory");
		return;
	}
	if (curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, h) != CURLE_OK ||
	    curl_easy_setopt(r->easy, CURLOPT_URL, r->url) != CURLE_OK ||
	    curl_easy_setopt(r->easy, CURLOPT_REFERER, r->referer) != CURLE_OK ||
	    curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, t) != CURLE_OK) {
		curl_slist_free_all(h);
		finish(n, r, PODLIFE_PROBE_FAILURE, false, "out of memory");
		return;
	}
	curl_slist_free_all(r->hdrs);
	r->hdrs = h;
	r->body.len = 0;
	if (r->body.data)
		r->body.data[0] = '\0';
	r->cut = false;
	r->errbuf[0] = '\0';
	pl_free(n->a, r->location);
	r->location = NULL;
	r->n_req++;
	if (curl_multi_add_handle(n->multi, r->easy) != CURLM_OK)
		finish(n, r, PODLIFE_PROBE_FAILURE, false, "out of memory");
}

int pl_net_http_get(pl_net *n, const pl_net_http *q, const pl_net_origin *origin, uint64_t tag)
{
	if (!n || !q || !q->url || (q->n_headers && (!q->header_names || !q->header_values)))
		return PODLIFE_EINVAL;
	int rc = ensure_multi(n);
	if (rc != PODLIFE_OK)
		return rc;
	nreq *r = req_new(n, NR_HTTP, tag, origin);
	if (!r)
		return PODLIFE_ENOMEM;
	r->url = pl_strdup(n->a, q->url);
	r->ua_copy = pl_strdup(n->a, q->user_agent ? q->user_agent : "");
	r->user_agent_default = r->ua_copy;
	r->redirects = q->redirects;
	r->max_body = q->max_body;
	r->timeout_ms = q->timeout_ms > 0 ? q->timeout_ms : 0;
	r->deadline = r->timeout_ms ? pl_net_now() + r->timeout_ms : 0;
	r->keep_host = true;
	if (q->n_headers) {
		r->hname = pl_calloc(n->a, q->n_headers, sizeof *r->hname);
		r->hval = pl_calloc(n->a, q->n_headers, sizeof *r->hval);
	}
	if (!r->url || !r->ua_copy || (q->n_headers && (!r->hname || !r->hval))) {
		destroy(n, r);
		return PODLIFE_ENOMEM;
	}
	for (size_t i = 0; i < q->n_headers; i++) {
		const char *name = q->header_names[i] ? q->header_names[i] : "";
		const char *value = q->header_values[i] ? q->header_values[i] : "";
		r->hname[r->n_hdr] = pl_strdup(n->a, name);
		r->hval[r->n_hdr] = pl_strdup(n->a, value);
		if (!r->hname[r->n_hdr] || !r->hval[r->n_hdr]) {
			pl_free(n->a, r->hname[r->n_hdr]);
			pl_free(n->a, r->hval[r->n_hdr]);
			destroy(n, r);
			return PODLIFE_ENOMEM;
		}
		canonical_key(r->hname[r->n_hdr]);
		r->n_hdr++;
	}
	/* request.go: User-Agent and Accept unless given; an Accept whose
	 * (first) value is empty is removed */
	for (size_t i = 0; i < r->n_hdr; i++) {
		const char *name = r->hname[i];
		if (strcmp(name, "User-Agent") == 0)
			r->ua_given = true;
		if (strcmp(name, "Accept") == 0 && !r->accept_given) {
			r->accept_given = true;
			r->accept_drop = r->hval[i][0] == '\0';
		}
		if (strcmp(name, "Host") == 0 && !r->host_override)
			r->host_override = r->hval[i];
		if (strcmp(name, "Referer") == 0)
			r->referer_given = true;
	}
	r->host0 = url_host(n, r->url);
	if (!r->host0) {
		finishf(n, r, PODLIFE_PROBE_FAILURE, false, "parse \"%s\": invalid URL", r->url);
		return PODLIFE_OK;
	}
	/* net/http refuses what cannot be written on the wire */
	for (size_t i = 0; i < r->n_hdr; i++) {
		const char *name = r->hname[i];
		bool ok = *name != '\0';
		for (const char *p = name; ok && *p; p++)
			ok = token_char((unsigned char)*p);
		if (!ok) {
			finishf(n, r, PODLIFE_PROBE_FAILURE, false,
			        "Get \"%s\": net/http: invalid header field name \"%s\"", r->url, name);
			return PODLIFE_OK;
		}
		if (!valid_value(r->hval[i])) {
			finishf(n, r, PODLIFE_PROBE_FAILURE, false,
			        "Get \"%s\": net/http: invalid header field value for \"%s\"", r->url,
			        name);
			return PODLIFE_OK;
		}
	}
	http_issue(n, r);
	return PODLIFE_OK;
}

/* The Client.Timeout text: before or after the response's headers. */
static void timeout_text(const nreq *r, char *buf, size_t len)
{
	long code = 0;
	if (r->easy)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	snprintf(buf, len, "%s",
	         code ? "context deadline exceeded (Client.Timeout or context cancellation while "
	                "reading body)"
	              : "context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
}

/* "host:port" of a URL, the scheme's port when it has none. */
static void url_addr(const char *url, char *buf, size_t len)
{
	CURLU *u = curl_url();
	char *h = NULL, *p = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK)
		snprintf(buf, len, "%s:%s", h, p);
	else
		snprintf(buf, len, "%s", url);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
}

/* Go's text for a dial or transport error of the current request. */
static void transport_text(const nreq *r, CURLcode res, char *buf, size_t len)
{
	char err[160];
	if (res == CURLE_COULDNT_CONNECT) {
		long os = 0, port = 0;
		char *ip = NULL;
		curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os);
		curl_easy_getinfo(r->easy, CURLINFO_PRIMARY_IP, &ip);
		curl_easy_getinfo(r->easy, CURLINFO_PRIMARY_PORT, &port);
		if (os) {
			errno_text((int)os, err, sizeof err);
			/* the address dialled: curl's when it kept one, else the URL's */
			char addr[300];
			if (!ip || !*ip || port <= 0)
				url_addr(r->url, addr, sizeof addr);
			else
				snprintf(addr, sizeof addr, "%s%s%s:%ld", strchr(ip, ':') ? "[" : "", ip,
				         strchr(ip, ':') ? "]" : "", port);
			snprintf(buf, len, "dial tcp %s: connect: %s", addr, err);
			return;
		}
	} else if (res == CURLE_OPERATION_TIMEDOUT) {
		timeout_text(r, buf, len);
		return;
	} else if (res == CURLE_COULDNT_RESOLVE_HOST) {
		snprintf(buf, len, "dial tcp: lookup %s: no such host", r->host0 ? r->host0 : "");
		return;
	} else if (res == CURLE_GOT_NOTHING) {
		snprintf(buf, len, "EOF");
		return;
	}
	snprintf(buf, len, "%s", r->errbuf[0] ? r->errbuf : curl_easy_strerror(res));
}

/* A URL without its user information, as Go's Referer. */
static char *referer_of(pl_net *n, const char *url)
{
	CURLU *u = curl_url();
	char *out = NULL, *s = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
		out = pl_strdup(n->a, s);
	else
		out = pl_strdup(n->a, url);
	curl_free(s);
	curl_url_cleanup(u);
	return out;
}

static bool is_redirect(long code)
{
	return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

/* An HTTP request's transfer ended: a redirect to follow, or the end. */
static void http_done(pl_net *n, nreq *r, CURLcode res)
{
	long code = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	bool got = res == CURLE_OK || (res == CURLE_WRITE_ERROR && r->cut);
	if (!got) {
		char err[512];
		transport_text(r, res, err, sizeof err);
		if (res == CURLE_OPERATION_TIMEDOUT && code)
			/* the body's read error, as ReadAtMost returns it */
			finish(n, r, PODLIFE_PROBE_FAILURE, false, err);
		else
			finishf(n, r, PODLIFE_PROBE_FAILURE, false, "Get \"%s\": %s", r->url, err);
		return;
	}
	if (r->body.oom) {
		finish(n, r, PODLIFE_PROBE_FAILURE, false, "out of memory");
		return;
	}
	if (is_redirect(code) && r->location && *r->location) {
		CURLU *u = curl_url();
		char *next = NULL, *host = NULL;
		bool ok = u && curl_url_set(u, CURLUPART_URL, r->url, 0) == CURLUE_OK &&
		          curl_url_set(u, CURLUPART_URL, r->location, CURLU_NON_SUPPORT_SCHEME) ==
		                  CURLUE_OK &&
		          curl_url_get(u, CURLUPART_URL, &next, 0) == CURLUE_OK &&
		          curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK;
		curl_url_cleanup(u);
		if (!ok) {
			curl_free(next);
			curl_free(host);
			finishf(n, r, PODLIFE_PROBE_FAILURE, false,
			        "Get \"%s\": failed to parse Location header \"%s\"", r->url, r->location);
			return;
		}
		bool same = strcmp(host, r->host0) == 0;
		curl_free(host);
		if (r->redirects == PL_NET_REDIRECT_LOCAL && !same) {
			curl_free(next);
			goto response; /* http.ErrUseLastResponse */
		}
		if (r->n_req >= MAX_REQUESTS) {
			curl_free(next);
			finishf(n, r, PODLIFE_PROBE_FAILURE, false,
			        "Get \"%s\": stopped after %d redirects", r->location, MAX_REQUESTS);
			return;
		}
		char *url = pl_strdup(n->a, next);
		curl_free(next);
		if (!url) {
			finish(n, r, PODLIFE_PROBE_FAILURE, false, "out of memory");
			return;
		}
		/* Go's refererForURL: the previous URL, not from https to http */
		pl_free(n->a, r->referer);
		r->referer = NULL;
		if (!r->referer_given &&
		    !(strncasecmp(r->url, "https:", 6) == 0 && strncasecmp(url, "http:", 5) == 0)) {
			r->referer = referer_of(n, r->url);
			if (!r->referer) {
				pl_free(n->a, url);
				finish(n, r, PODLIFE_PROBE_FAILURE, false, "out of memory");
				return;
			}
		}
		pl_free(n->a, r->url);
		r->url = url;
		/* Go keeps a Host given in the headers only for a relative
		 * Location (Client.Do), and the credentials only on the host */
		r->keep_host = !has_scheme(r->location);
		r->cross_host = r->cross_host || !same;
		http_issue(n, r);
		return;
	}
response:
	r->http_status = (int)code;
	const char *body = r->body.len ? pl_buf_cstr(&r->body) : "";
	if (code >= 200 && code < 300)
		finish(n, r, PODLIFE_PROBE_SUCCESS, true, body);
	else if (code >= 300 && code < 400)
		finishf(n, r, PODLIFE_PROBE_WARNING, true, "Probe terminated redirects, Response body: %s",
		        body);
	else
		finishf(n, r, PODLIFE_PROBE_FAILURE, true, "HTTP probe failed with statuscode: %ld",
		        code);
}

/* ---- gRPC ------------------------------------------------------------------------ */

bool pl_net_grpc_supported(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	return v && (v->features & CURL_VERSION_HTTP2);
}

static const char *const grpc_codes[] = {
	"OK",       "Canceled",         "Unknown",          "InvalidArgument",  "DeadlineExceeded",
	"NotFound", "AlreadyExists",    "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
	"Aborted",  "OutOfRange",       "Unimplemented",    "Internal",          "Unavailable",
	"DataLoss", "Unauthenticated",
};

static const char *const health_status[] = {"UNKNOWN", "SERVING", "NOT_SERVING",
                                            "SERVICE_UNKNOWN"};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* grpc-message is percent-encoded. */
static void pct_decode(char *s)
{
	char *w = s;
	for (const char *p = s; *p; p++) {
		int hi = *p == '%' ? hexval(p[1]) : -1;
		int lo = hi >= 0 ? hexval(p[2]) : -1;
		if (lo >= 0) {
			*w++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static bool read_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64 && *p < end; shift += 7) {
		unsigned char b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

/* HealthCheckResponse.status from one gRPC frame; -1 when malformed. */
static long health_from_frame(const unsigned char *b, size_t len)
{
	if (len < 5 || b[0] != 0)
		return -1;
	size_t ml = ((size_t)b[1] << 24) | ((size_t)b[2] << 16) | ((size_t)b[3] << 8) | b[4];
	if (ml > len - 5)
		return -1;
	const unsigned char *p = b + 5, *end = p + ml;
	long status = 0; /* a missing field is 0 */
	while (p < end) {
		uint64_t key, v;
		if (!read_varint(&p, end, &key))
			return -1;
		switch (key & 7) {
		case 0:
			if (!read_varint(&p, end, &v))
				return -1;
			if (key >> 3 == 1)
				status = (long)(int32_t)v;
			break;
		case 1:
			if (end - p < 8)
				return -1;
			p += 8;
			break;
		case 2:
			if (!read_varint(&p, end, &v) || v > (uint64_t)(end - p))
				return -1;
			p += v;
			break;
		case 5:
			if (end - p < 4)
				return -1;
			p += 4;
			break;
		default:
			return -1;
		}
	}
	return status;
}

/* grpc-go's codes for an HTTP status without grpc-status. */
static int grpc_code_from_http(long code)
{
	switch (code) {
	case 400:
		return 13;
	case 401:
		return 16;
	case 403:
		return 7;
	case 404:
		return 12;
	case 429:
	case 502:
	case 503:
	case 504:
		return 14;
	default:
		return 2;
	}
}

/*
 * libcurl before 8 fails the stream when the server answers and closes it
 * before the request's body went out (a trailers-only answer such as
 * Unimplemented), without handing over the answer: the call is made
 * again, at most 3 times in all, within the deadline.
 */
static bool grpc_again(pl_net *n, nreq *r, CURLcode res, long code)
{
	if (res != CURLE_HTTP2_STREAM || code || r->grpc_status >= 0 || r->n_req >= 3)
		return false;
	long t = 0;
	if (r->deadline) {
		int64_t left = r->deadline - pl_net_now();
		if (left <= 0)
			return false;
		t = (long)left;
	}
	curl_multi_remove_handle(n->multi, r->easy);
	r->body.len = 0;
	r->cut = false;
	r->errbuf[0] = '\0';
	pl_free(n->a, r->grpc_message);
	r->grpc_message = NULL;
	r->n_req++;
	if (curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, t) != CURLE_OK ||
	    curl_multi_add_handle(n->multi, r->easy) != CURLM_OK)
		return false;
	return true;
}

static void grpc_done(pl_net *n, nreq *r, CURLcode res)
{
	char tmo[64];
	go_duration(r->timeout_ms, tmo, sizeof tmo);
	long code = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	if (grpc_again(n, r, res, code))
		return;
	if (res != CURLE_OK && r->grpc_status < 0) {
		curl_off_t connected = 0;
		curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &connected);
		if (res == CURLE_OPERATION_TIMEDOUT) {
			if (connected > 0 || code)
				finishf(n, r, PODLIFE_PROBE_FAILURE, false,
				        "timeout: health rpc did not complete within %s", tmo);
			else
				finishf(n, r, PODLIFE_PROBE_FAILURE, false,
				        "timeout: failed to connect service \"%s\" within %s: context deadline "
				        "exceeded",
				        r->addr, tmo);
			return;
		}
		char err[512];
		transport_text(r, res, err, sizeof err);
		if (res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST)
			finishf(n, r, PODLIFE_PROBE_FAILURE, false,
			        "error: failed to connect service at \"%s\": %s", r->addr, err);
		else
			finishf(n, r, PODLIFE_PROBE_FAILURE, false,
			        "error: health rpc probe failed: rpc error: code = Unavailable desc = %s",
			        err);
		return;
	}
	r->http_status = (int)code;
	int st = r->grpc_status;
	char desc[512];
	desc[0] = '\0';
	if (st < 0) {
		if (code != 200) {
			st = grpc_code_from_http(code);
			snprintf(desc, sizeof desc,
			         "unexpected HTTP status code received from server: %ld", code);
		} else {
			st = 13;
			snprintf(desc, sizeof desc, "server closed the stream without sending trailers");
		}
	} else if (r->grpc_message) {
		pct_decode(r->grpc_message);
		snprintf(desc, sizeof desc, "%s", r->grpc_message);
	}
	if (st == 0) {
		long hs = r->cut ? -1 : health_from_frame((const unsigned char *)r->body.data,
		                                          r->body.len);
		if (hs < 0)
			finish(n, r, PODLIFE_PROBE_FAILURE, true,
			       "error: health rpc probe failed: rpc error: code = Internal desc = grpc: "
			       "failed to unmarshal the received message");
		else if (hs == 1)
			finish(n, r, PODLIFE_PROBE_SUCCESS, true, "service healthy");
		else if (hs < (long)PL_ARRAY_LEN(health_status))
			finishf(n, r, PODLIFE_PROBE_FAILURE, true, "service unhealthy (responded with \"%s\")",
			        health_status[hs]);
		else
			finishf(n, r, PODLIFE_PROBE_FAILURE, true,
			        "service unhealthy (responded with \"%ld\")", hs);
		return;
	}
	if (st == 12)
		finishf(n, r, PODLIFE_PROBE_FAILURE, true,
		        "error: this server does not implement the grpc health protocol "
		        "(grpc.health.v1.Health): %s",
		        desc);
	else if (st == 4)
		finishf(n, r, PODLIFE_PROBE_FAILURE, true,
		        "timeout: health rpc did not complete within %s", tmo);
	else if (st < (int)PL_ARRAY_LEN(grpc_codes))
		finishf(n, r, PODLIFE_PROBE_FAILURE, true,
		        "error: health rpc probe failed: rpc error: code = %s desc = %s", grpc_codes[st],
		        desc);
	else
		finishf(n, r, PODLIFE_PROBE_FAILURE, true,
		        "error: health rpc probe failed: rpc error: code = Code(%d) desc = %s", st, desc);
}

int pl_net_grpc(pl_net *n, const char *host, int port, const char *service, const char *user_agent,
                int64_t timeout_ms, const pl_net_origin *origin, uint64_t tag)
{
	if (!n || !host || !*host || port <= 0 || port > 65535)
		return PODLIFE_EINVAL;
	if (!pl_net_grpc_supported())
		return PODLIFE_ESTATE;
	int rc = ensure_multi(n);
	if (rc != PODLIFE_OK)
		return rc;
	nreq *r = req_new(n, NR_GRPC, tag, origin);
	if (!r)
		return PODLIFE_ENOMEM;
	if (!service)
		service = "";
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
	r->deadline = r->timeout_ms ? pl_net_now() + r->timeout_ms : 0;
	r->n_req = 1;
	r->max_body = GRPC_MAX_BODY;
	r->addr = join_host_port(n->a, host, port);
	pl_buf u;
	pl_buf_init(&u, n->a);
	pl_buf_printf(&u, "http://%s/grpc.health.v1.Health/Check", r->addr ? r->addr : "");
	r->url = pl_buf_take(&u);
	/* the frame: no compression, length, HealthCheckRequest{service} */
	size_t sl = strlen(service), ml = sl ? 1 + 5 + sl : 0;
	r->post = pl_malloc(n->a, 5 + ml);
	if (!r->addr || !r->url || !r->post) {
		destroy(n, r);
		return PODLIFE_ENOMEM;
	}
	unsigned char *p = r->post + 5;
	if (sl) {
		*p++ = 0x0a; /* field 1, length-delimited */
		for (size_t v = sl; ; v >>= 7) {
			*p++ = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
			if (v <= 0x7f)
				break;
		}
		memcpy(p, service, sl);
		p += sl;
	}
	ml = (size_t)(p - (r->post + 5));
	r->post[0] = 0;
	r->post[1] = (unsigned char)(ml >> 24);
	r->post[2] = (unsigned char)(ml >> 16);
	r->post[3] = (unsigned char)(ml >> 8);
	r->post[4] = (unsigned char)ml;
	r->post_len = 5 + ml;

	pl_buf b;
	pl_buf_init(&b, n->a);
	bool ok = add_line(&r->hdrs, "Content-Type: application/grpc") &&
	          add_line(&r->hdrs, "TE: trailers") && add_line(&r->hdrs, "Accept:") &&
	          add_line(&r->hdrs, "Expect:");
	if (ok && user_agent && *user_agent) {
		pl_buf_printf(&b, "User-Agent: %s", user_agent);
		ok = !b.oom && add_line(&r->hdrs, pl_buf_cstr(&b));
	}
	if (ok && r->timeout_ms) {
		b.len = 0;
		if (r->timeout_ms <= 99999999)
			pl_buf_printf(&b, "grpc-timeout: %lldm", (long long)r->timeout_ms);
		else
			pl_buf_printf(&b, "grpc-timeout: %lldS", (long long)(r->timeout_ms / 1000));
		ok = !b.oom && add_line(&r->hdrs, pl_buf_cstr(&b));
	}
	pl_buf_free(&b);
	r->easy = ok ? curl_easy_init() : NULL;
	CURL *k = r->easy;
	ok = k && easy_common(r) && curl_easy_setopt(k, CURLOPT_URL, r->url) == CURLE_OK &&
	     curl_easy_setopt(k, CURLOPT_POST, 1L) == CURLE_OK &&
	     curl_easy_setopt(k, CURLOPT_POSTFIELDS, (void *)r->post) == CURLE_OK &&
	     curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE, (long)r->post_len) == CURLE_OK &&
	     curl_easy_setopt(k, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE) ==
	             CURLE_OK &&
	     curl_easy_setopt(k, CURLOPT_HTTPHEADER, r->hdrs) == CURLE_OK &&
	     curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, (long)r->timeout_ms) == CURLE_OK;
	if (!ok) {
		destroy(n, r);
		return PODLIFE_ENOMEM;
	}
	if (curl_multi_add_handle(n->multi, k) != CURLM_OK) {
		destroy(n, r);
		return PODLIFE_EIO;
	}
	return PODLIFE_OK;
}

/* ---- TCP ------------------------------------------------------------------------- */

static int by_fd_set(pl_net *n, int fd, nreq *r)
{
	if ((size_t)fd >= n->cap_fd) {
		size_t cap = n->cap_fd ? n->cap_fd : 64;
		while (cap <= (size_t)fd)
			cap *= 2;
		nreq **v = pl_realloc(n->a, n->by_fd, cap * sizeof *v);
		if (!v)
			return PODLIFE_ENOMEM;
		memset(v + n->cap_fd, 0, (cap - n->cap_fd) * sizeof *v);
		n->by_fd = v;
		n->cap_fd = cap;
	}
	n->by_fd[fd] = r;
	return PODLIFE_OK;
}

int pl_net_tcp(pl_net *n, const char *host, int port, int64_t timeout_ms,
               const pl_net_origin *origin, uint64_t tag)
{
	if (!n || !host || !*host || port <= 0 || port > 65535)
		return PODLIFE_EINVAL;
	int rc = ensure_epoll(n);
	if (rc != PODLIFE_OK)
		return rc;
	nreq *r = req_new(n, NR_TCP, tag, origin);
	if (!r)
		return PODLIFE_ENOMEM;
	/* an IP literal (IPv6 perhaps in brackets), else a name */
	char lit[INET6_ADDRSTRLEN + 2];
	snprintf(lit, sizeof lit, "%s", host);
	size_t hl = strlen(lit);
	if (lit[0] == '[' && hl > 2 && lit[hl - 1] == ']') {
		memmove(lit, lit + 1, hl - 2);
		lit[hl - 2] = '\0';
	}
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, lit, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof *s4;
	} else if (inet_pton(AF_INET6, lit, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof *s6;
	} else {
		struct addrinfo hints, *ai = NULL;
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, NULL, &hints, &ai) != 0 || !ai ||
		    ai->ai_addrlen > sizeof ss) {
			if (ai)
				freeaddrinfo(ai);
			finishf(n, r, PODLIFE_PROBE_FAILURE, false, "dial tcp: lookup %s: no such host",
			        host);
			return PODLIFE_OK;
		}
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		sl = (socklen_t)ai->ai_addrlen;
		freeaddrinfo(ai);
		if (ss.ss_family == AF_INET)
			s4->sin_port = htons((uint16_t)port);
		else
			s6->sin6_port = htons((uint16_t)port);
	}
	char ip[INET6_ADDRSTRLEN];
	inet_ntop(ss.ss_family, ss.ss_family == AF_INET ? (void *)&s4->sin_addr : (void *)&s6->sin6_addr,
	          ip, sizeof ip);
	r->addr = join_host_port(n->a, ip, port);
	if (!r->addr) {
		destroy(n, r);
		return PODLIFE_ENOMEM;
	}
	char err[128];
	int fd = open_sock(r, ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0) {
		errno_text(errno, err, sizeof err);
		finishf(n, r, PODLIFE_PROBE_FAILURE, false, "dial tcp %s: socket: %s", r->addr, err);
		return PODLIFE_OK;
	}
	r->fd = fd;
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0) {
		finish(n, r, PODLIFE_PROBE_SUCCESS, false, "");
		return PODLIFE_OK;
	}
	if (errno != EINPROGRESS) {
		errno_text(errno, err, sizeof err);
		finishf(n, r, PODLIFE_PROBE_FAILURE, false, "dial tcp %s: connect: %s", r->addr, err);
		return PODLIFE_OK;
	}
	struct epoll_event ev;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLOUT;
	ev.data.u64 = EV_TCP | (uint32_t)fd;
	r->deadline = timeout_ms > 0 ? pl_net_now() + timeout_ms : 0;
	if (by_fd_set(n, fd, r) != PODLIFE_OK || (r->deadline && pl_heap_arm(&n->heap, &r->t, r->deadline) != PODLIFE_OK)) {
		destroy(n, r);
		return PODLIFE_ENOMEM;
	}
	if (epoll_ctl(n->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		destroy(n, r);
		return PODLIFE_EIO;
	}
	return PODLIFE_OK;
}

/* A TCP connect in flight became writable or failed. */
static void tcp_ready(pl_net *n, int fd)
{
	nreq *r = (size_t)fd < n->cap_fd ? n->by_fd[fd] : NULL;
	if (!r || r->done)
		return;
	int soerr = 0;
	socklen_t l = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &l) < 0)
		soerr = errno;
	if (soerr == 0) {
		finish(n, r, PODLIFE_PROBE_SUCCESS, false, "");
		return;
	}
	char err[128];
	errno_text(soerr, err, sizeof err);
	finishf(n, r, PODLIFE_PROBE_FAILURE, false, "dial tcp %s: connect: %s", r->addr, err);
}

/* ---- driving --------------------------------------------------------------------- */

static void curl_action(pl_net *n, curl_socket_t s, int mask)
{
	int running = 0;
	curl_multi_socket_action(n->multi, s, mask, &running);
}

static void read_curl_done(pl_net *n)
{
	CURLMsg *m;
	int left;
	while (n->multi && (m = curl_multi_info_read(n->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *easy = m->easy_handle;
		CURLcode res = m->data.result; /* m is gone once the handle is removed */
		char *priv = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		nreq *r = (nreq *)(void *)priv;
		if (!r || r->easy != easy || r->done)
			continue;
		if (r->kind == NR_HTTP)
			http_done(n, r, res);
		else
			grpc_done(n, r, res);
	}
}

void pl_net_perform(pl_net *n)
{
	if (!n || n->epfd < 0)
		return;
	struct epoll_event evs[256];
	for (int round = 0; round < 16; round++) {
		int k = epoll_wait(n->epfd, evs, (int)PL_ARRAY_LEN(evs), 0);
		for (int i = 0; i < k; i++) {
			uint64_t d = evs[i].data.u64;
			int fd = (int)(uint32_t)d;
			if (d & EV_TCP) {
				tcp_ready(n, fd);
				continue;
			}
			uint32_t e = evs[i].events;
			int mask = (e & EPOLLIN ? CURL_CSELECT_IN : 0) |
			           (e & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
			           (e & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
			if (n->multi)
				curl_action(n, fd, mask);
		}
		if (k < (int)PL_ARRAY_LEN(evs))
			break;
	}
	int64_t now = pl_net_now();
	/* curl's timer (a redirect's new request arms it again at once) */
	for (int round = 0; round < 4 && n->multi && n->curl_deadline <= now; round++) {
		n->curl_deadline = INT64_MAX;
		curl_action(n, CURL_SOCKET_TIMEOUT, 0);
		read_curl_done(n);
	}
	/* TCP connects past their deadline: Go's dial i/o timeout */
	for (pl_timer *t; (t = pl_heap_top(&n->heap)) != NULL && t->deadline <= now;) {
		nreq *r = timer_req(t);
		pl_heap_disarm(&n->heap, t);
		finishf(n, r, PODLIFE_PROBE_FAILURE, false, "dial tcp %s: i/o timeout", r->addr);
	}
	read_curl_done(n);
	/* deliver: the request is gone before its callback runs */
	while (n->dhead) {
		nreq *r = n->dhead;
		pl_net_result res;
		res.outcome = r->outcome;
		res.responded = r->responded;
		res.http_status = r->http_status;
		snprintf(res.output, sizeof res.output, "%s", r->text ? r->text : "");
		uint64_t tag = r->tag;
		destroy(n, r);
		if (n->done_fn)
			n->done_fn(n->done_ud, tag, &res);
	}
}
