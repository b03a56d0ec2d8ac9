/*
 * lib/common/alloc.c - allocation through the host's hooks, the arena and
 * growable strings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void *libc_malloc(void *ud, size_t n)
{
	PL_UNUSED(ud);
	return malloc(n ? n : 1);
}

static void *libc_realloc(void *ud, void *p, size_t n)
{
	PL_UNUSED(ud);
	return realloc(p, n ? n : 1);
}

static void libc_free(void *ud, void *p)
{
	PL_UNUSED(ud);
	free(p);
}

static const pl_alloc libc_alloc = {libc_malloc, libc_realloc, libc_free, NULL};

const pl_alloc *pl_alloc_default(void)
{
	return &libc_alloc;
}

int pl_alloc_resolve(pl_alloc *out, const podlife_allocator *in)
{
	if (!in || (!in->malloc && !in->realloc && !in->free)) {
		*out = libc_alloc;
		return PODLIFE_OK;
	}
	if (in->version != PODLIFE_ALLOCATOR_VERSION)
		return PODLIFE_EVERSION;
	if (!in->malloc || !in->realloc || !in->free)
		return PODLIFE_EINVAL;
	out->malloc = in->malloc;
	out->realloc = in->realloc;
	out->free = in->free;
	out->ud = in->ud;
	return PODLIFE_OK;
}

void *pl_malloc(const pl_alloc *a, size_t n)
{
	return a->malloc(a->ud, n);
}

void *pl_calloc(const pl_alloc *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = a->malloc(a->ud, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *pl_realloc(const pl_alloc *a, void *p, size_t n)
{
	return a->realloc(a->ud, p, n);
}

void pl_free(const pl_alloc *a, void *p)
{
	if (p)
		a->free(a->ud, p);
}

char *pl_strndup(const pl_alloc *a, const char *s, size_t n)
{
	char *d = pl_malloc(a, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *pl_strdup(const pl_alloc *a, const char *s)
{
	return s ? pl_strndup(a, s, strlen(s)) : NULL;
}

void podlife_free(void *ptr)
{
	free(ptr);
}

/* ---- arena --------------------------------------------------------------- */

struct pl_arena_block {
	pl_arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 4096u

void pl_arena_init(pl_arena *ar, const pl_alloc *a)
{
	ar->a = a;
	ar->head = NULL;
	ar->used_total = 0;
	ar->oom = false;
}

void *pl_arena_alloc(pl_arena *ar, size_t n)
{
	n = (n + 15u) & ~(size_t)15u;
	if (n == 0)
		n = 16;
	pl_arena_block *b = ar->head;
	if (!b || b->size - b->used < n) {
		size_t sz = n > ARENA_BLOCK / 2 ? n : ARENA_BLOCK;
		if (sz > SIZE_MAX - sizeof(*b)) {
			ar->oom = true;
			return NULL;
		}
		pl_arena_block *nb = pl_malloc(ar->a, sizeof(*nb) + sz);
		if (!nb) {
			ar->oom = true;
			return NULL;
		}
		nb->size = sz;
		nb->used = 0;
		if (b && n > ARENA_BLOCK / 2) {
			/* big object: keep the current block on top for small ones */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			ar->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	ar->used_total += n;
	memset(p, 0, n);
	return p;
}

char *pl_arena_strndup(pl_arena *ar, const char *s, size_t n)
{
	char *d = pl_arena_alloc(ar, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *pl_arena_strdup(pl_arena *ar, const char *s)
{
	return s ? pl_arena_strndup(ar, s, strlen(s)) : NULL;
}

char *pl_arena_printf(pl_arena *ar, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *d = pl_arena_alloc(ar, (size_t)n + 1);
	if (!d)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

void pl_arena_free(pl_arena *ar)
{
	pl_arena_block *b = ar->head;
	while (b) {
		pl_arena_block *n = b->next;
		pl_free(ar->a, b);
		b = n;
	}
	ar->head = NULL;
	ar->used_total = 0;
}

/* ---- growable string -------------------------------------------------------- */

void pl_buf_init(pl_buf *b, const pl_alloc *a)
{
	memset(b, 0, sizeof(*b));
	b->a = a;
}

static bool buf_grow(pl_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *d = pl_realloc(b->a, b->data, cap);
	if (!d) {
		b->oom = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void pl_buf_append(pl_buf *b, const char *s, size_t n)
{
	/* the common case, room enough, without the growth checks */
	if (b->data && !b->oom && n < b->cap - b->len) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	if (!buf_grow(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void pl_buf_puts(pl_buf *b, const char *s)
{
	pl_buf_append(b, s, strlen(s));
}

void pl_buf_putc(pl_buf *b, char c)
{
	if (b->data && !b->oom && b->cap - b->len > 1) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	pl_buf_append(b, &c, 1);
}

void pl_buf_vprintf(pl_buf *b, const char *fmt, va_list ap)
{
	/* Print into the spare room first; most texts fit and print once. */
	if (!buf_grow(b, 63))
		return;
	va_list cp;
	va_copy(cp, ap);
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->data + b->len, room, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		if (!buf_grow(b, (size_t)n)) {
			b->data[b->len] = '\0';
			return;
		}
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void pl_buf_put_size(pl_buf *b, size_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);
	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	pl_buf_append(b, tmp + n, sizeof(tmp) - n);
}

void pl_buf_vpath(pl_buf *b, const char *fmt, va_list ap)
{
	const char *lit = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		pl_buf_append(b, lit, (size_t)(p - lit));
		if (p[1] == 's') {
			const char *s = va_arg(ap, const char *);
			pl_buf_puts(b, s ? s : "");
			p += 1;
		} else if (p[1] == 'z' && p[2] == 'u') {
			pl_buf_put_size(b, va_arg(ap, size_t));
			p += 2;
		} else {
			pl_buf_putc(b, '%'); /* only %s and %zu are meant for paths */
			if (p[1] == '%')
				p++;
		}
		lit = p + 1;
	}
	pl_buf_puts(b, lit);
}

void pl_buf_printf(pl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pl_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void pl_buf_quote(pl_buf *b, const char *s)
{
	pl_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': pl_buf_puts(b, "\\\""); break;
		case '\\': pl_buf_puts(b, "\\\\"); break;
		case '\n': pl_buf_puts(b, "\\n"); break;
		case '\t': pl_buf_puts(b, "\\t"); break;
		case '\r': pl_buf_puts(b, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				pl_buf_printf(b, "\\x%02x", *p);
			else
				pl_buf_putc(b, (char)*p);
		}
	}
	pl_buf_putc(b, '"');
}

const char *pl_buf_cstr(pl_buf *b)
{
	if (!b->data)
		return "";
	return b->data;
}

char *pl_buf_take(pl_buf *b)
{
	if (b->oom) {
		pl_buf_free(b);
		return NULL;
	}
	char *d = b->data;
	if (!d)
		d = pl_strdup(b->a, "");
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

void pl_buf_free(pl_buf *b)
{
	pl_free(b->a, b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

bool pl_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

int pl_read_file(const pl_alloc *a, const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return PODLIFE_EIO;
	pl_buf b;
	pl_buf_init(&b, a);
	char tmp[8192];
	size_t n;
	int rc = PODLIFE_OK;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (b.len + n > max) {
			rc = PODLIFE_ETOOBIG;
			break;
		}
		pl_buf_append(&b, tmp, n);
	}
	if (rc == PODLIFE_OK && ferror(f))
		rc = PODLIFE_EIO;
	fclose(f);
	if (rc == PODLIFE_OK && b.oom)
		rc = PODLIFE_ENOMEM;
	if (rc != PODLIFE_OK) {
		pl_buf_free(&b);
		return rc;
	}
	*len = b.len;
	*out = pl_buf_take(&b);
	return *out ? PODLIFE_OK : PODLIFE_ENOMEM;
}
