/*
 * lib/common/error.c - error codes, field errors in the API server's
 * format, and diagnostics lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const char *podlife_version(unsigned int *number)
{
	if (number)
		*number = PODLIFE_VERSION_NUMBER;
	return PODLIFE_VERSION_STRING;
}

const char *podlife_strerror(int code)
{
	switch (code) {
	case PODLIFE_OK: return "success";
	case PODLIFE_EINVAL: return "invalid argument";
	case PODLIFE_ENOMEM: return "out of memory";
	case PODLIFE_EPARSE: return "malformed input";
	case PODLIFE_EINVALID: return "validation failed";
	case PODLIFE_ENOTFOUND: return "not found";
	case PODLIFE_ETOOBIG: return "input too large";
	case PODLIFE_EIO: return "input/output error";
	case PODLIFE_EVERSION: return "unsupported struct version";
	case PODLIFE_ESTATE: return "not allowed in this state";
	case PODLIFE_EBACKEND: return "backend error";
	case PODLIFE_EEXISTS: return "already exists";
	case PODLIFE_ETYPE: return "wrong value type";
	case PODLIFE_ETIMEDOUT: return "timed out";
	default: return "unknown error";
	}
}

const char *podlife_error_type_name(podlife_error_type type)
{
	switch (type) {
	case PODLIFE_ERRTYPE_REQUIRED: return "Required value";
	case PODLIFE_ERRTYPE_INVALID: return "Invalid value";
	case PODLIFE_ERRTYPE_TYPE_INVALID: return "Invalid value";
	case PODLIFE_ERRTYPE_DUPLICATE: return "Duplicate value";
	case PODLIFE_ERRTYPE_NOT_SUPPORTED: return "Unsupported value";
	case PODLIFE_ERRTYPE_NOT_FOUND: return "Not found";
	case PODLIFE_ERRTYPE_FORBIDDEN: return "Forbidden";
	case PODLIFE_ERRTYPE_TOO_LONG: return "Too long";
	case PODLIFE_ERRTYPE_UNKNOWN_FIELD: return "unknown field";
	case PODLIFE_ERRTYPE_INTERNAL: return "Internal error";
	case PODLIFE_ERRTYPE_TOO_MANY: return "Too many";
	case PODLIFE_ERRTYPE_NONE:
	default: return "";
	}
}

/* field/errors.go ErrorBody: which types print the bad value. */
static bool type_shows_value(podlife_error_type t)
{
	switch (t) {
	case PODLIFE_ERRTYPE_INVALID:
	case PODLIFE_ERRTYPE_TYPE_INVALID:
	case PODLIFE_ERRTYPE_NOT_SUPPORTED:
	case PODLIFE_ERRTYPE_NOT_FOUND:
	case PODLIFE_ERRTYPE_DUPLICATE:
	case PODLIFE_ERRTYPE_TOO_MANY:
		return true;
	default:
		return false;
	}
}

void pl_format_field_error(pl_buf *b, podlife_error_type type, const char *path,
                           const char *value_repr, const char *detail)
{
	if (type == PODLIFE_ERRTYPE_UNKNOWN_FIELD) {
		/* kubectl --validate: unknown field "spec.foo" */
		pl_buf_printf(b, "unknown field \"%s\"", path ? path : "");
		return;
	}
	if (path && *path)
		pl_buf_printf(b, "%s: ", path);
	pl_buf_puts(b, podlife_error_type_name(type));
	if (type_shows_value(type) && value_repr)
		pl_buf_printf(b, ": %s", value_repr);
	if (detail && *detail)
		pl_buf_printf(b, ": %s", detail);
}

podlife_diag *pl_diag_new(const pl_alloc *a)
{
	podlife_diag *d = pl_calloc(a, 1, sizeof(*d));
	if (d)
		d->a = *a;
	return d;
}

static podlife_error *diag_push(podlife_diag *d)
{
	if (d->oom)
		return NULL;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		podlife_error *it = pl_realloc(&d->a, d->items, cap * sizeof(*it));
		if (!it) {
			d->oom = true;
			return NULL;
		}
		d->items = it;
		d->cap = cap;
	}
	podlife_error *e = &d->items[d->n];
	memset(e, 0, sizeof(*e));
	return e;
}

static void error_clear(const pl_alloc *a, podlife_error *e)
{
	pl_free(a, e->path);
	pl_free(a, e->detail);
	pl_free(a, e->message);
}

static void diag_commit(podlife_diag *d, podlife_error *e)
{
	if (!e->path || !e->detail || !e->message) {
		error_clear(&d->a, e);
		d->oom = true;
		return;
	}
	e->document = d->document;
	d->n++;
	if (e->severity == PODLIFE_SEVERITY_ERROR)
		d->errors++;
}

void pl_diag_field(podlife_diag *d, podlife_severity sev, podlife_error_type type,
                   const char *path, const char *value_repr, const char *detail,
                   unsigned int line, unsigned int col)
{
	if (!d)
		return;
	podlife_error *e = diag_push(d);
	if (!e)
		return;
	e->code = sev == PODLIFE_SEVERITY_ERROR ? PODLIFE_EINVALID : PODLIFE_OK;
	if (type == PODLIFE_ERRTYPE_TYPE_INVALID)
		e->code = PODLIFE_EPARSE;
	e->severity = sev;
	e->type = type;
	e->line = line;
	e->column = col;
	e->path = pl_strdup(&d->a, path ? path : "");
	e->detail = pl_strdup(&d->a, detail ? detail : "");
	pl_buf b;
	pl_buf_init(&b, &d->a);
	pl_format_field_error(&b, type, path, value_repr, detail);
	e->message = pl_buf_take(&b);
	diag_commit(d, e);
}

void pl_diag_plain(podlife_diag *d, podlife_severity sev, int code, unsigned int line,
                   unsigned int col, const char *fmt, ...)
{
	if (!d)
		return;
	podlife_error *e = diag_push(d);
	if (!e)
		return;
	e->code = code;
	e->severity = sev;
	e->type = PODLIFE_ERRTYPE_NONE;
	e->line = line;
	e->column = col;
	pl_buf b;
	pl_buf_init(&b, &d->a);
	va_list ap;
	va_start(ap, fmt);
	pl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->message = pl_buf_take(&b);
	e->path = pl_strdup(&d->a, "");
	e->detail = pl_strdup(&d->a, e->message ? e->message : "");
	diag_commit(d, e);
}

void pl_diag_merge(podlife_diag *dst, podlife_diag *src)
{
	for (size_t i = 0; i < src->n; i++) {
		podlife_error *s = &src->items[i];
		podlife_error *e = diag_push(dst);
		if (!e) {
			error_clear(&src->a, s);
			continue;
		}
		*e = *s;
		dst->n++;
		if (e->severity == PODLIFE_SEVERITY_ERROR)
			dst->errors++;
	}
	src->n = 0;
	src->errors = 0;
	if (src->oom)
		dst->oom = true;
}

podlife_error *pl_error_new(const pl_alloc *a, int code, const char *fmt, ...)
{
	podlife_error *e = pl_calloc(a, 1, sizeof(*e));
	if (!e)
		return NULL;
	e->a = *a;
	e->code = code;
	e->severity = PODLIFE_SEVERITY_ERROR;
	pl_buf b;
	pl_buf_init(&b, a);
	va_list ap;
	va_start(ap, fmt);
	pl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->message = pl_buf_take(&b);
	e->path = pl_strdup(a, "");
	e->detail = pl_strdup(a, e->message ? e->message : "");
	if (!e->message || !e->path || !e->detail) {
		error_clear(a, e);
		pl_free(a, e);
		return NULL;
	}
	return e;
}

void podlife_error_free(podlife_error *e)
{
	if (!e)
		return;
	pl_alloc a = e->a;
	error_clear(&a, e);
	pl_free(&a, e);
}

int podlife_error_code(const podlife_error *e) { return e ? e->code : PODLIFE_EINVAL; }
podlife_severity podlife_error_severity(const podlife_error *e) { return e ? e->severity : PODLIFE_SEVERITY_ERROR; }
podlife_error_type podlife_error_type_of(const podlife_error *e) { return e ? e->type : PODLIFE_ERRTYPE_NONE; }
const char *podlife_error_path(const podlife_error *e) { return e ? e->path : ""; }
const char *podlife_error_detail(const podlife_error *e) { return e ? e->detail : ""; }
const char *podlife_error_message(const podlife_error *e) { return e ? e->message : ""; }
unsigned int podlife_error_line(const podlife_error *e) { return e ? e->line : 0; }
unsigned int podlife_error_column(const podlife_error *e) { return e ? e->column : 0; }
unsigned int podlife_error_document(const podlife_error *e) { return e ? e->document : 0; }

size_t podlife_diag_count(const podlife_diag *d) { return d ? d->n : 0; }
size_t podlife_diag_error_count(const podlife_diag *d) { return d ? d->errors : 0; }

const podlife_error *podlife_diag_get(const podlife_diag *d, size_t i)
{
	if (!d || i >= d->n)
		return NULL;
	return &d->items[i];
}

void podlife_diag_free(podlife_diag *d)
{
	if (!d)
		return;
	pl_alloc a = d->a;
	for (size_t i = 0; i < d->n; i++)
		error_clear(&a, &d->items[i]);
	pl_free(&a, d->items);
	pl_free(&a, d);
}
