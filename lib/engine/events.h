/*
 * lib/engine/events.h - a pod's event log, counted and aggregated as the
 * kubelet's event recorder (client-go tools/record EventCorrelator) and
 * shown as `kubectl describe` shows it (DescribeEvents in
 * staging/src/k8s.io/kubectl/pkg/describe/describe.go).
 *
 * Recording an event that matches an existing row on (type, reason, field
 * path, message) increments that row's count and moves its last-seen time;
 * otherwise a new row is added.  Like the recorder's EventAggregator, once
 * 10 distinct messages with the same (type, reason) were seen within 10
 * minutes, further ones are recorded as "(combined from similar events):
 * <message>" on one row.  Like the recorder's source+object spam filter
 * (a token bucket of 25 events per pod, refilled with one every 300 s,
 * applied after counting), an event over the budget is counted but not
 * published: the row keeps the count and last-seen time of its last
 * published occurrence, and a row never published is not shown.  The log
 * is bounded: at most `max_rows` rows; the row seen least recently is
 * dropped to make room, so memory stays flat.
 *
 * A log is used from one thread at a time; it holds no global state.
 */
#ifndef PL_ENGINE_EVENTS_H
#define PL_ENGINE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"
#include "status.h"

typedef enum pl_event_type {
	PL_EVENT_NORMAL = 0,
	PL_EVENT_WARNING
} pl_event_type;

/* "Normal" / "Warning" */
const char *pl_event_type_name(pl_event_type t);

#define PL_EVENT_LOG_DEFAULT_ROWS 256
/* EventAggregator defaults (events_cache.go). */
#define PL_EVENT_AGGREGATE_MAX 10
#define PL_EVENT_AGGREGATE_WINDOW_MS (600 * 1000)
/* EventSourceObjectSpamFilter defaults: burst 25, one more every 300 s. */
#define PL_EVENT_SPAM_BURST 25
#define PL_EVENT_SPAM_REFILL_MS (300 * 1000)

/* One row of the describe table (one API Event object). */
typedef struct pl_event_row {
	pl_event_type type;
	const char *source; /* Source.Component: static, "kubelet" by default */
	char *reason;     /* owned */
	char *message;    /* owned */
	char *field_path; /* owned; NULL for the pod itself */
	uint32_t count;    /* as published (Event.count) */
	bool combined;     /* "(combined from similar events)" row of a group */
	bool published;    /* at least one occurrence passed the spam filter */
	pl_ms first, last; /* firstTimestamp / lastTimestamp as published */
	uint32_t observed; /* occurrences counted, published or not */
	pl_ms seen;        /* last occurrence, published or not */
	uint64_t seq;      /* creation order, for stable ordering */
} pl_event_row;

/* Aggregation state of one (type, reason) group. */
typedef struct pl_event_group {
	pl_event_type type;
	const char *source; /* static */
	char *reason; /* owned */
	pl_ms last;   /* last event of the group */
	uint8_t n_keys;
	uint64_t keys[PL_EVENT_AGGREGATE_MAX]; /* message hashes, oldest first */
} pl_event_group;

typedef struct pl_event_log {
	const pl_alloc *a;
	size_t max_rows;
	pl_event_row *rows; /* unordered; see pl_event_log_sorted */
	size_t n, cap;
	pl_event_group *groups;
	size_t n_groups, cap_groups;
	uint64_t next_seq;
	uint64_t recorded; /* events recorded, dropped rows included */
	uint64_t dropped;  /* rows dropped to keep the bound */
	uint64_t filtered; /* occurrences held back by the spam filter */
	bool spam_filter;  /* true after init; set false to publish everything */
	int64_t spam_tokens; /* bucket, in 1/PL_EVENT_SPAM_REFILL_MS tokens */
	pl_ms spam_at;       /* time of spam_tokens */
} pl_event_log;

/* max_rows 0 means PL_EVENT_LOG_DEFAULT_ROWS.  `a` must outlive the log
 * (NULL: libc). */
void pl_event_log_init(pl_event_log *log, const pl_alloc *a, size_t max_rows);
void pl_event_log_free(pl_event_log *log);

/*
 * Records one event at engine time `at`.  reason and message must be
 * non-NULL; field_path (e.g. "spec.containers{app}") may be NULL.  The
 * strings are copied.  EINVAL on bad arguments, ENOMEM when a copy fails
 * (the log is unchanged then).
 */
int pl_event_log_record(pl_event_log *log, pl_event_type type, const char *reason,
                        const char *message, const char *field_path, pl_ms at);

/*
 * Same, for an event of another component (the From column), e.g.
 * "default-scheduler" for Scheduled.  `source` must outlive the log (a
 * string literal); NULL means "kubelet".  The source is part of the
 * de-duplication and aggregation keys; the spam filter, being the
 * kubelet's, only applies to kubelet events.
 */
int pl_event_log_record_from(pl_event_log *log, const char *source, pl_event_type type,
                             const char *reason, const char *message, const char *field_path,
                             pl_ms at);

/*
 * The published rows in describe order (lastTimestamp ascending, then
 * creation order),
 * as pointers into the log valid until the next record or free.  *out is
 * allocated with the log's allocator (pl_free); NULL with *n 0 when empty.
 */
int pl_event_log_sorted(const pl_event_log *log, const pl_event_row ***out, size_t *n);

/*
 * kubectl's Age cell: "<age of last> (x<count> over <age of first>)" when
 * count > 1, else "<age of first>"; ages are HumanDuration of now minus
 * the wall time truncated to whole seconds (metav1.Time precision).
 */
void pl_event_age(const pl_event_row *row, pl_ms now, pl_ms wall_offset_ms, char *buf,
                  size_t len);

/*
 * Appends the `kubectl describe` Events section to out, without column
 * alignment: "Events:\t<none>\n", or "Events:\n  Type\tReason\tAge\tFrom\tMessage\n",
 * "  ----\t------\t----\t----\t-------\n" and one tab-separated line per
 * row (From the row's source; the message prefixed with "<fieldPath>: " as
 * newer kubectl prints it).  Pass the text through pl_tabwrite for the
 * aligned form; pl_event_log_describe does both.
 */
int pl_event_log_describe_cells(const pl_event_log *log, pl_ms now, pl_ms wall_offset_ms,
                                pl_buf *out);

/* The aligned Events section, as `kubectl describe` prints it. */
int pl_event_log_describe(const pl_event_log *log, pl_ms now, pl_ms wall_offset_ms,
                          pl_buf *out);

/* What `kubectl describe pod` is built from.  All pointers borrowed. */
struct pl_pod_model;
typedef struct pl_describe_input {
	const struct pl_pod_model *model; /* required, with metadata and spec */
	const pl_pod_status *st;          /* required */
	const pl_event_log *events;       /* NULL: no Events section */
	const char *node_name;            /* NULL: spec.nodeName, else "<none>" */
	const char *host_ip;              /* NULL: "" */
	pl_ms now;                        /* engine time of the report */
	pl_ms wall_offset_ms;             /* wall time = engine time + this */
	pl_ms deletion_at;    /* when st->terminating: when deletion was asked */
	int64_t grace_seconds; /* when st->terminating: the grace period */
} pl_describe_input;

/*
 * Appends the `kubectl describe pod` text (describePod in kubectl's
 * describe.go, aligned with pl_tabwrite; times as RFC 1123 with numeric
 * zone, in UTC): Name, Namespace, Priority, Service Account, Node, Start
 * Time, Labels, Annotations, Status, Reason, Message, IP(s), Init
 * Containers and Containers (ids, image, ports, command, State, Last
 * State, Ready, Restart Count, resources, probes, environment, mounts),
 * Readiness Gates, Conditions, Volumes, QoS Class, Node-Selectors,
 * Tolerations and Events.  EINVAL on missing input, ENOMEM.
 */
int pl_describe_pod(const pl_describe_input *in, pl_buf *out);

/*
 * Go text/tabwriter as kubectl configures it (minwidth 0, tabwidth 8,
 * padding 2, pad with spaces, no flags): aligns tab-terminated cells of
 * consecutive lines into columns.  Appends the result to out.
 */
void pl_tabwrite(const char *text, size_t len, pl_buf *out);

#endif
