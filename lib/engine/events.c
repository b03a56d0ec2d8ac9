/*
 * lib/engine/events.c - per-pod event log with the kubelet recorder's
 * de-duplication and similar-event aggregation (client-go
 * tools/record/events_cache.go: eventObserve, EventAggregate), the
 * `kubectl describe` Events table (DescribeEvents, translateTimestampSince)
 * and a Go text/tabwriter work-alike for the aligned text.
 */
#include "engine/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GROUPS 64
#define COMBINED_PREFIX "(combined from similar events): "

const char *pl_event_type_name(pl_event_type t)
{
	return t == PL_EVENT_WARNING ? "Warning" : "Normal";
}

void pl_event_log_init(pl_event_log *log, const pl_alloc *a, size_t max_rows)
{
	if (!log)
		return;
	memset(log, 0, sizeof(*log));
	log->a = a ? a : pl_alloc_default();
	log->max_rows = max_rows ? max_rows : PL_EVENT_LOG_DEFAULT_ROWS;
	log->spam_filter = true;
	log->spam_tokens = -1; /* full bucket at the first event */
}

/* rate.Limiter.Allow with burst 25 and 1/300 s, in exact integer units:
 * one unit per millisecond, PL_EVENT_SPAM_REFILL_MS units per token. */
static bool spam_allow(pl_event_log *log, pl_ms at)
{
	const int64_t cap = (int64_t)PL_EVENT_SPAM_BURST * PL_EVENT_SPAM_REFILL_MS;
	if (!log->spam_filter)
		return true;
	int64_t tokens = log->spam_tokens;
	if (tokens < 0) {
		tokens = cap;
		log->spam_at = at;
	} else if (at > log->spam_at) {
		pl_ms dt = at - log->spam_at;
		tokens = dt >= cap - tokens ? cap : tokens + dt;
	}
	if (tokens < PL_EVENT_SPAM_REFILL_MS)
		return false; /* the limiter's state is only updated on success */
	log->spam_tokens = tokens - PL_EVENT_SPAM_REFILL_MS;
	if (at > log->spam_at)
		log->spam_at = at;
	return true;
}

static void row_free(const pl_alloc *a, pl_event_row *r)
{
	pl_free(a, r->reason);
	pl_free(a, r->message);
	pl_free(a, r->field_path);
}

void pl_event_log_free(pl_event_log *log)
{
	if (!log || !log->a)
		return;
	for (size_t i = 0; i < log->n; i++)
		row_free(log->a, &log->rows[i]);
	for (size_t i = 0; i < log->n_groups; i++)
		pl_free(log->a, log->groups[i].reason);
	pl_free(log->a, log->rows);
	pl_free(log->a, log->groups);
	memset(log, 0, sizeof(*log));
}

/* FNV-1a: the aggregator's local keys (messages) kept as hashes. */
static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static pl_event_group *find_group(pl_event_log *log, const char *source, pl_event_type type,
                                  const char *reason)
{
	for (size_t i = 0; i < log->n_groups; i++)
		if (log->groups[i].type == type && strcmp(log->groups[i].reason, reason) == 0 &&
		    strcmp(log->groups[i].source, source) == 0)
			return &log->groups[i];
	return NULL;
}

static pl_event_row *find_row(pl_event_log *log, const char *source, pl_event_type type,
                              const char *reason, const char *message, const char *field_path,
                              bool combined)
{
	for (size_t i = 0; i < log->n; i++) {
		pl_event_row *r = &log->rows[i];
		if (r->type != type || r->combined != combined || strcmp(r->reason, reason) != 0 ||
		    strcmp(r->source, source) != 0)
			continue;
		if (combined)
			return r; /* the aggregate key has no message or field path */
		if (strcmp(r->message, message) == 0 && pl_streq(r->field_path, field_path))
			return r;
	}
	return NULL;
}

static bool keys_have(const pl_event_group *g, uint64_t k)
{
	for (size_t i = 0; i < g->n_keys; i++)
		if (g->keys[i] == k)
			return true;
	return false;
}

int pl_event_log_record(pl_event_log *log, pl_event_type type, const char *reason,
                        const char *message, const char *field_path, pl_ms at)
{
	return pl_event_log_record_from(log, NULL, type, reason, message, field_path, at);
}

int pl_event_log_record_from(pl_event_log *log, const char *source, pl_event_type type,
                             const char *reason, const char *message, const char *field_path,
                             pl_ms at)
{
	if (!log || !log->a || !reason || !message ||
	    (type != PL_EVENT_NORMAL && type != PL_EVENT_WARNING))
		return PODLIFE_EINVAL;
	const pl_alloc *a = log->a;
	if (!source || !*source)
		source = "kubelet";
	bool kubelet = strcmp(source, "kubelet") == 0;

	/* EventAggregate: decide without changing anything yet. */
	pl_event_group *g = find_group(log, source, type, reason);
	uint64_t key = hash_str(message);
	bool reset = !g || at - g->last > PL_EVENT_AGGREGATE_WINDOW_MS;
	size_t n_keys = reset ? 0 : g->n_keys;
	bool have = !reset && keys_have(g, key);
	size_t n_after = n_keys + (have ? 0 : 1);
	bool combined = n_after >= PL_EVENT_AGGREGATE_MAX;

	char *combined_msg = NULL;
	if (combined) {
		pl_buf b;
		pl_buf_init(&b, a);
		pl_buf_puts(&b, COMBINED_PREFIX);
		pl_buf_puts(&b, message);
		combined_msg = b.oom ? NULL : pl_buf_take(&b);
		pl_buf_free(&b);
		if (!combined_msg)
			return PODLIFE_ENOMEM;
	}
	const char *msg = combined ? combined_msg : message;

	/* eventObserve: an existing row, or the strings of a new one. */
	pl_event_row *row = find_row(log, source, type, reason, msg, field_path, combined);
	char *nr_reason = NULL, *nr_message = NULL, *nr_path = NULL;
	if (!row) {
		nr_reason = pl_strdup(a, reason);
		nr_message = combined ? combined_msg : pl_strdup(a, message);
		nr_path = field_path ? pl_strdup(a, field_path) : NULL;
		if (!nr_reason || !nr_message || (field_path && !nr_path))
			goto oom;
		if (log->n == log->cap && log->n < log->max_rows) {
			size_t cap = log->cap ? log->cap * 2 : 8;
			if (cap > log->max_rows)
				cap = log->max_rows;
			pl_event_row *nr = pl_realloc(a, log->rows, cap * sizeof(*nr));
			if (!nr)
				goto oom;
			log->rows = nr;
			log->cap = cap;
		}
	}
	char *ng_reason = NULL;
	if (!g) {
		ng_reason = pl_strdup(a, reason);
		if (!ng_reason)
			goto oom;
		if (log->n_groups == log->cap_groups && log->n_groups < MAX_GROUPS) {
			size_t cap = log->cap_groups ? log->cap_groups * 2 : 4;
			if (cap > MAX_GROUPS)
				cap = MAX_GROUPS;
			pl_event_group *ng = pl_realloc(a, log->groups, cap * sizeof(*ng));
			if (!ng) {
				pl_free(a, ng_reason);
				goto oom;
			}
			log->groups = ng;
			log->cap_groups = cap;
		}
	}

	/* Commit: aggregation state. */
	if (!g) {
		if (log->n_groups == MAX_GROUPS) {
			/* Drop the group idle the longest (an LRU, as the recorder's). */
			size_t old = 0;
			for (size_t i = 1; i < log->n_groups; i++)
				if (log->groups[i].last < log->groups[old].last)
					old = i;
			pl_free(a, log->groups[old].reason);
			log->groups[old] = log->groups[--log->n_groups];
		}
		g = &log->groups[log->n_groups++];
		memset(g, 0, sizeof(*g));
		g->type = type;
		g->source = source;
		g->reason = ng_reason;
	}
	if (reset)
		g->n_keys = 0;
	if (!keys_have(g, key))
		g->keys[g->n_keys++] = key;
	g->last = at;
	if (g->n_keys >= PL_EVENT_AGGREGATE_MAX) {
		/* Keep the set below the maximum; upstream pops an arbitrary
		 * key, this drops the oldest so runs are reproducible. */
		memmove(&g->keys[0], &g->keys[1], (size_t)(g->n_keys - 1) * sizeof(g->keys[0]));
		g->n_keys--;
	}

	/* Commit: the row (eventObserve), then the spam filter, which only
	 * decides whether this occurrence reaches the API. */
	log->recorded++;
	if (row) {
		if (row->observed < UINT32_MAX)
			row->observed++;
		row->seen = at;
	} else {
		if (log->n == log->max_rows) {
			size_t old = 0;
			for (size_t i = 1; i < log->n; i++) {
				const pl_event_row *r = &log->rows[i], *o = &log->rows[old];
				if (r->seen < o->seen || (r->seen == o->seen && r->seq < o->seq))
					old = i;
			}
			row_free(a, &log->rows[old]);
			log->rows[old] = log->rows[--log->n];
			log->dropped++;
		}
		row = &log->rows[log->n++];
		memset(row, 0, sizeof(*row));
		row->type = type;
		row->source = source;
		row->reason = nr_reason;
		row->message = nr_message;
		row->field_path = nr_path;
		row->combined = combined;
		row->observed = 1;
		row->first = row->seen = at;
		row->seq = log->next_seq++;
		combined_msg = NULL; /* now the row's */
	}
	if (kubelet && !spam_allow(log, at)) {
		log->filtered++;
		pl_free(a, combined_msg);
		return PODLIFE_OK;
	}
	row->published = true;
	row->count = row->observed;
	row->last = at;
	if (combined_msg) {
		/* The recorder patches the message of the aggregate event. */
		pl_free(a, row->message);
		row->message = combined_msg;
	}
	return PODLIFE_OK;

oom:
	pl_free(a, nr_reason);
	if (nr_message != combined_msg)
		pl_free(a, nr_message);
	pl_free(a, nr_path);
	pl_free(a, combined_msg);
	return PODLIFE_ENOMEM;
}

static int row_cmp(const void *pa, const void *pb)
{
	const pl_event_row *a = *(const pl_event_row *const *)pa;
	const pl_event_row *b = *(const pl_event_row *const *)pb;
	if (a->last != b->last)
		return a->last < b->last ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int pl_event_log_sorted(const pl_event_log *log, const pl_event_row ***out, size_t *n)
{
	if (!log || !out || !n)
		return PODLIFE_EINVAL;
	*out = NULL;
	*n = 0;
	if (log->n == 0)
		return PODLIFE_OK;
	const pl_event_row **v = pl_malloc(log->a, log->n * sizeof(*v));
	if (!v)
		return PODLIFE_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < log->n; i++)
		if (log->rows[i].published)
			v[k++] = &log->rows[i];
	if (k == 0) {
		pl_free(log->a, v);
		return PODLIFE_OK;
	}
	qsort(v, k, sizeof(*v), row_cmp);
	*out = v;
	*n = k;
	return PODLIFE_OK;
}

/* translateTimestampSince: HumanDuration(now - t), t at whole seconds. */
static void age_since(pl_ms t, pl_ms now, pl_ms off, char *buf, size_t len)
{
	pl_ms wall = t + off;
	pl_ms sec = wall / 1000;
	if (wall % 1000 < 0)
		sec--;
	pl_human_duration(now + off - sec * 1000, buf, len);
}

void pl_event_age(const pl_event_row *row, pl_ms now, pl_ms wall_offset_ms, char *buf,
                  size_t len)
{
	if (!buf || len == 0)
		return;
	if (!row) {
		snprintf(buf, len, "<unknown>");
		return;
	}
	char first[32];
	age_since(row->first, now, wall_offset_ms, first, sizeof(first));
	if (row->count > 1) {
		char last[32];
		age_since(row->last, now, wall_offset_ms, last, sizeof(last));
		snprintf(buf, len, "%s (x%u over %s)", last, (unsigned)row->count, first);
	} else {
		snprintf(buf, len, "%s", first);
	}
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int pl_event_log_describe_cells(const pl_event_log *log, pl_ms now, pl_ms wall_offset_ms,
                                pl_buf *out)
{
	if (!log || !out)
		return PODLIFE_EINVAL;
	const pl_event_row **rows;
	size_t n;
	int rc = pl_event_log_sorted(log, &rows, &n);
	if (rc != PODLIFE_OK)
		return rc;
	if (n == 0) {
		pl_buf_puts(out, "Events:\t<none>\n");
		return out->oom ? PODLIFE_ENOMEM : PODLIFE_OK;
	}
	pl_buf_puts(out, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
	pl_buf_puts(out, "  ----\t------\t----\t----\t-------\n");
	for (size_t i = 0; i < n; i++) {
		const pl_event_row *r = rows[i];
		char age[96];
		pl_event_age(r, now, wall_offset_ms, age, sizeof(age));
		/* strings.TrimSpace(message) */
		const char *m = r->message;
		size_t mlen = strlen(m);
		while (mlen && is_space(*m)) {
			m++;
			mlen--;
		}
		while (mlen && is_space(m[mlen - 1]))
			mlen--;
		pl_buf_printf(out, "  %s\t%s\t%s\t%s\t", pl_event_type_name(r->type), r->reason,
		              age, r->source);
		if (r->field_path && *r->field_path)
			pl_buf_printf(out, "%s: ", r->field_path);
		pl_buf_append(out, m, mlen);
		pl_buf_putc(out, '\n');
	}
	pl_free(log->a, rows);
	return out->oom ? PODLIFE_ENOMEM : PODLIFE_OK;
}

int pl_event_log_describe(const pl_event_log *log, pl_ms now, pl_ms wall_offset_ms,
                          pl_buf *out)
{
	if (!log || !out)
		return PODLIFE_EINVAL;
	pl_buf cells;
	pl_buf_init(&cells, log->a);
	int rc = pl_event_log_describe_cells(log, now, wall_offset_ms, &cells);
	if (rc == PODLIFE_OK)
		pl_tabwrite(cells.data, cells.len, out);
	pl_buf_free(&cells);
	if (rc == PODLIFE_OK && out->oom)
		rc = PODLIFE_ENOMEM;
	return rc;
}

/* ---- text/tabwriter ------------------------------------------------------- */

typedef struct tw_cell {
	size_t off, size;
	size_t width; /* in runes */
} tw_cell;

typedef struct tw_line {
	size_t first, n; /* cells */
	bool newline;    /* ended by '\n' */
} tw_line;

typedef struct tw {
	const char *text;
	tw_cell *cells;
	tw_line *lines;
	size_t n_lines;
	size_t *widths;
	size_t n_widths;
	pl_buf *out;
} tw;

#define TW_PADDING 2

static size_t rune_count(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

static void tw_pad(pl_buf *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pl_buf_putc(out, ' ');
}

static void tw_write_lines(tw *t, size_t line0, size_t line1)
{
	for (size_t i = line0; i < line1; i++) {
		const tw_line *l = &t->lines[i];
		for (size_t j = 0; j < l->n; j++) {
			const tw_cell *c = &t->cells[l->first + j];
			pl_buf_append(t->out, t->text + c->off, c->size);
			if (j < t->n_widths && t->widths[j] > c->width)
				tw_pad(t->out, t->widths[j] - c->width);
		}
		if (l->newline)
			pl_buf_putc(t->out, '\n');
	}
}

/* Go's (*Writer).format: column blocks, recursively. */
static void tw_format(tw *t, size_t line0, size_t line1)
{
	size_t column = t->n_widths;
	for (size_t this = line0; this < line1; this++) {
		const tw_line *l = &t->lines[this];
		if (l->n == 0 || column >= l->n - 1)
			continue;
		tw_write_lines(t, line0, this);
		line0 = this;
		size_t width = 0;
		for (; this < line1; this++) {
			l = &t->lines[this];
			if (l->n == 0 || column >= l->n - 1)
				break;
			size_t w = t->cells[l->first + column].width + TW_PADDING;
			if (w > width)
				width = w;
		}
		t->widths[t->n_widths++] = width;
		tw_format(t, line0, this);
		t->n_widths--;
		line0 = this;
		/* the line that ended the block has no cell in this column:
		 * the loop's increment may pass over it, as upstream's does */
	}
	tw_write_lines(t, line0, line1);
}

void pl_tabwrite(const char *text, size_t len, pl_buf *out)
{
	if (!out || !text || len == 0)
		return;
	const pl_alloc *a = out->a;
	size_t n_tabs = 0, n_nl = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\t')
			n_tabs++;
		else if (text[i] == '\n')
			n_nl++;
	}
	tw t;
	memset(&t, 0, sizeof(t));
	t.text = text;
	t.out = out;
	t.cells = pl_calloc(a, n_tabs + n_nl + 1, sizeof(*t.cells));
	t.lines = pl_calloc(a, n_nl + 1, sizeof(*t.lines));
	t.widths = pl_calloc(a, n_tabs + 1, sizeof(*t.widths));
	if (!t.cells || !t.lines || !t.widths) {
		out->oom = true;
		goto done;
	}
	size_t nc = 0, start = 0;
	tw_line *cur = &t.lines[0];
	cur->first = 0;
	for (size_t i = 0; i <= len; i++) {
		char ch = i < len ? text[i] : '\0';
		if (i < len && ch != '\t' && ch != '\n')
			continue;
		if (i == len && i == start)
			break; /* nothing after the last newline */
		tw_cell *c = &t.cells[nc++];
		c->off = start;
		c->size = i - start;
		c->width = rune_count(text + start, c->size);
		cur->n++;
		start = i + 1;
		if (ch == '\n') {
			cur->newline = true;
			t.n_lines++;
			cur = &t.lines[t.n_lines];
			cur->first = nc;
		}
	}
	if (cur->n > 0)
		t.n_lines++;
	tw_format(&t, 0, t.n_lines);
done:
	pl_free(a, t.cells);
	pl_free(a, t.lines);
	pl_free(a, t.widths);
}
