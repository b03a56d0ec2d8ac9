/*
 * lib/engine/describe.c - `kubectl describe pod` text from the pod model,
 * the engine status and the event log, laid out as kubectl's describePod
 * (staging/src/k8s.io/kubectl/pkg/describe/describe.go) does: a prefix
 * writer with two spaces per level feeding Go's text/tabwriter, flushed
 * before the Events table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/events.h"
#include "engine/status.h"
#include "spec/model.h"
#include "spec/quantity.h"

/* The text of one tabwriter segment, and the final output. */
typedef struct dw {
	pl_buf seg;
	pl_buf *out;
	const pl_describe_input *in;
	const pl_alloc *a;
} dw;

static void w_level(dw *w, int level)
{
	for (int i = 0; i < level; i++)
		pl_buf_puts(&w->seg, "  ");
}

static void wr(dw *w, int level, const char *fmt, ...) PL_PRINTF(3, 4);
static void wr(dw *w, int level, const char *fmt, ...)
{
	w_level(w, level);
	va_list ap;
	va_start(ap, fmt);
	pl_buf_vprintf(&w->seg, fmt, ap);
	va_end(ap);
}

static void w_flush(dw *w)
{
	if (w->seg.len)
		pl_tabwrite(w->seg.data, w->seg.len, w->out);
	if (w->seg.oom)
		w->out->oom = true;
	pl_buf_free(&w->seg);
	pl_buf_init(&w->seg, w->a);
}

static const char *str_or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

/* time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
static void rfc1123z(const dw *w, pl_ms t, char *buf, size_t len)
{
	static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	bool ok = false;
	if (t != PL_NEVER && !(w->in->wall_offset_ms > 0 && t > INT64_MAX - w->in->wall_offset_ms) &&
	    !(w->in->wall_offset_ms < 0 && t < INT64_MIN - w->in->wall_offset_ms)) {
		pl_ms wall = t + w->in->wall_offset_ms;
		int64_t sec = wall / 1000 - (wall % 1000 < 0);
		if (sec >= -62135596800LL && sec <= 253402300799LL) {
			time_t tt = (time_t)sec;
			ok = gmtime_r(&tt, &tm) != NULL;
		}
	}
	if (!ok) {
		/* Go's zero time */
		snprintf(buf, len, "Mon, 01 Jan 0001 00:00:00 +0000");
		return;
	}
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
	         months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- maps ---------------------------------------------------------------- */

static int kv_cmp(const void *a, const void *b)
{
	const pl_kv *x = *(const pl_kv *const *)a, *y = *(const pl_kv *const *)b;
	return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

/* The map's entries sorted by key (sort.Strings); NULL when empty or OOM. */
static const pl_kv **sorted_kv(dw *w, const pl_map *m)
{
	if (!m || m->n == 0)
		return NULL;
	const pl_kv **v = pl_malloc(w->a, m->n * sizeof(*v));
	if (!v) {
		w->out->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < m->n; i++)
		v[i] = &m->v[i];
	qsort(v, m->n, sizeof(*v), kv_cmp);
	return v;
}

/* printLabelsMultiline */
static void labels_multiline(dw *w, const char *title, const pl_map *m)
{
	wr(w, 0, "%s:\t", title);
	const pl_kv **v = sorted_kv(w, m);
	if (!v) {
		pl_buf_puts(&w->seg, "<none>\n");
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		if (i)
			pl_buf_puts(&w->seg, "\t");
		wr(w, 0, "%s=%s\n", str_or(v[i]->key, ""), str_or(v[i]->value, ""));
	}
	pl_free(w->a, v);
}

#define MAX_ANNOTATION_LEN 140

/* printAnnotationsMultiline */
static void annotations_multiline(dw *w, const char *title, const pl_map *m)
{
	wr(w, 0, "%s:\t", title);
	const pl_kv **v = sorted_kv(w, m);
	size_t shown = 0;
	for (size_t i = 0; v && i < m->n; i++) {
		const char *key = str_or(v[i]->key, "");
		if (strcmp(key, "kubectl.kubernetes.io/last-applied-configuration") == 0)
			continue;
		if (shown++)
			pl_buf_puts(&w->seg, "\t");
		const char *val = str_or(v[i]->value, "");
		size_t vlen = strlen(val);
		if (vlen && val[vlen - 1] == '\n')
			vlen--;
		bool multi = memchr(val, '\n', vlen) != NULL;
		if (vlen + strlen(key) + 2 > MAX_ANNOTATION_LEN || multi) {
			wr(w, 0, "%s:\n", key);
			const char *p = val, *end = val + vlen;
			for (;;) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
				pl_buf_puts(&w->seg, "\t  ");
				if (n > MAX_ANNOTATION_LEN - 2) {
					pl_buf_append(&w->seg, p, MAX_ANNOTATION_LEN - 2);
					pl_buf_puts(&w->seg, "...");
				} else {
					pl_buf_append(&w->seg, p, n);
				}
				pl_buf_putc(&w->seg, '\n');
				if (!nl)
					break;
				p = nl + 1;
			}
		} else {
			wr(w, 0, "%s: ", key);
			pl_buf_append(&w->seg, val, vlen);
			pl_buf_putc(&w->seg, '\n');
		}
	}
	if (shown == 0)
		pl_buf_puts(&w->seg, "<none>\n");
	pl_free(w->a, v);
}

/* Quantity.String(): the text as written when the parser keeps it,
 * else the canonical form ("1000m" -> "1", "1.5Gi" -> "1536Mi"). */
static const char *qty_string(const char *s, char *buf, size_t n)
{
	pl_quantity q;
	if (!s || pl_quantity_parse(s, &q, NULL) != PODLIFE_OK)
		return s ? s : "";
	if (q.canonical)
		return s;
	pl_quantity_format(&q, buf, n);
	return buf;
}

/* describeResources */
static void resources(dw *w, const pl_resources *r, int level)
{
	if (!r)
		return;
	const pl_map *maps[2] = {&r->limits, &r->requests};
	static const char *const titles[2] = {"Limits", "Requests"};
	for (int k = 0; k < 2; k++) {
		if (maps[k]->n == 0)
			continue;
		wr(w, level, "%s:\n", titles[k]);
		const pl_kv **v = sorted_kv(w, maps[k]);
		for (size_t i = 0; v && i < maps[k]->n; i++) {
			char buf[96];
			wr(w, level + 1, "%s:\t%s\n", str_or(v[i]->key, ""),
			   qty_string(v[i]->value, buf, sizeof(buf)));
		}
		pl_free(w->a, v);
	}
}

/* ---- raw nodes --------------------------------------------------------------- */

static const pl_node *node_get(const pl_node *m, const char *key)
{
	if (!m || m->kind != PL_N_MAP)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (m->u.pairs[i].key && m->u.pairs[i].key->kind == PL_N_SCALAR &&
		    strcmp(m->u.pairs[i].key->u.text, key) == 0)
			return m->u.pairs[i].value;
	return NULL;
}

static const char *node_str(const pl_node *m, const char *key)
{
	const pl_node *n = node_get(m, key);
	return n && n->kind == PL_N_SCALAR ? n->u.text : NULL;
}

static bool node_true(const pl_node *m, const char *key)
{
	return pl_streq(node_str(m, key), "true");
}

/* ---- containers ------------------------------------------------------------------ */

static void intstr(pl_buf *b, const pl_intstr *v)
{
	if (v->is_str)
		pl_buf_puts(b, str_or(v->s, ""));
	else
		pl_buf_printf(b, "%lld", (long long)v->i);
}

/* DescribeProbe */
static void probe(dw *w, const char *title, const pl_probe *p)
{
	if (!p)
		return;
	wr(w, 2, "%s:\t", title);
	pl_buf *b = &w->seg;
	if (p->exec) {
		pl_buf_puts(b, "exec [");
		for (size_t i = 0; i < p->exec->command.n; i++) {
			if (i)
				pl_buf_putc(b, ' ');
			pl_buf_puts(b, str_or(p->exec->command.v[i], ""));
		}
		pl_buf_puts(b, "] ");
	} else if (p->http_get) {
		char *scheme = pl_strdup(w->a, str_or(p->http_get->scheme, ""));
		for (char *c = scheme; c && *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		pl_buf_puts(b, "http-get ");
		if (scheme && *scheme)
			pl_buf_printf(b, "%s:", scheme);
		pl_free(w->a, scheme);
		pl_buf_puts(b, "//");
		const char *host = str_or(p->http_get->host, "");
		if (strchr(host, ':'))
			pl_buf_printf(b, "[%s]:", host);
		else
			pl_buf_printf(b, "%s:", host);
		intstr(b, &p->http_get->port);
		pl_buf_printf(b, "%s ", str_or(p->http_get->path, ""));
	} else if (p->tcp_socket) {
		pl_buf_printf(b, "tcp-socket %s:", str_or(p->tcp_socket->host, ""));
		intstr(b, &p->tcp_socket->port);
		pl_buf_putc(b, ' ');
	} else if (p->grpc) {
		pl_buf_printf(b, "grpc <pod>:%lld %s ", (long long)p->grpc->port,
		              str_or(p->grpc->service, ""));
	} else {
		pl_buf_puts(b, "unknown ");
	}
	pl_buf_printf(b, "delay=%llds timeout=%llds period=%llds #success=%lld #failure=%lld\n",
	              (long long)p->initial_delay_seconds, (long long)p->timeout_seconds,
	              (long long)p->period_seconds, (long long)p->success_threshold,
	              (long long)p->failure_threshold);
}

static void describe_state(dw *w, const char *name, const pl_cstate *s)
{
	char t[48];
	switch (s->kind) {
	case PL_CSTATE_RUNNING:
		wr(w, 2, "%s:\tRunning\n", name);
		rfc1123z(w, s->started_at, t, sizeof(t));
		wr(w, 3, "Started:\t%s\n", t);
		break;
	case PL_CSTATE_TERMINATED:
		wr(w, 2, "%s:\tTerminated\n", name);
		if (s->reason && *s->reason)
			wr(w, 3, "Reason:\t%s\n", s->reason);
		if (s->message && *s->message)
			wr(w, 3, "Message:\t%s\n", s->message);
		wr(w, 3, "Exit Code:\t%d\n", s->exit_code);
		if (s->signal > 0)
			wr(w, 3, "Signal:\t%d\n", s->signal);
		rfc1123z(w, s->started_at, t, sizeof(t));
		wr(w, 3, "Started:\t%s\n", t);
		rfc1123z(w, s->finished_at, t, sizeof(t));
		wr(w, 3, "Finished:\t%s\n", t);
		break;
	case PL_CSTATE_WAITING:
		wr(w, 2, "%s:\tWaiting\n", name);
		if (s->reason && *s->reason)
			wr(w, 3, "Reason:\t%s\n", s->reason);
		break;
	case PL_CSTATE_NONE:
		wr(w, 2, "%s:\tWaiting\n", name);
		break;
	}
}

/* The downward API values describe resolves (EnvValueRetriever). */
static const char *field_value(dw *w, const char *path)
{
	const pl_pod_model *m = w->in->model;
	if (pl_streq(path, "metadata.name"))
		return m->metadata ? m->metadata->name : NULL;
	if (pl_streq(path, "metadata.namespace"))
		return m->metadata ? str_or(m->metadata->namespace_, "default") : NULL;
	if (pl_streq(path, "metadata.uid"))
		return m->metadata ? m->metadata->uid : NULL;
	if (pl_streq(path, "spec.nodeName"))
		return w->in->node_name ? w->in->node_name : m->spec->node_name;
	if (pl_streq(path, "spec.serviceAccountName"))
		return m->spec->service_account_name;
	if (pl_streq(path, "status.podIP") || pl_streq(path, "status.podIPs"))
		return w->in->st->pod_ip;
	if (pl_streq(path, "status.hostIP") || pl_streq(path, "status.hostIPs"))
		return w->in->host_ip;
	return NULL;
}

/* ExtractContainerResourceValue for a container's own resources. */
static void resource_value(pl_buf *b, const pl_container *c, const pl_resource_field_ref *r)
{
	const char *res = str_or(r->resource, "");
	const char *dot = strchr(res, '.');
	const pl_map *m = NULL;
	if (c->resources && strncmp(res, "limits", 6) == 0 && dot == res + 6)
		m = &c->resources->limits;
	else if (c->resources && strncmp(res, "requests", 8) == 0 && dot == res + 8)
		m = &c->resources->requests;
	const char *val = NULL;
	for (size_t i = 0; m && dot && i < m->n; i++)
		if (pl_streq(m->v[i].key, dot + 1))
			val = m->v[i].value;
	int64_t v = 0, d = 1000;
	if (val && !pl_qty_text_milli(val, &v))
		v = 0;
	if (r->divisor && (!pl_qty_text_milli(r->divisor, &d) || d <= 0))
		d = 1000;
	int64_t q = v / d + (v % d > 0);
	if (q == 0 && (strcmp(res, "limits.cpu") == 0 || strcmp(res, "limits.memory") == 0))
		pl_buf_puts(b, "node allocatable");
	else
		pl_buf_printf(b, "%lld", (long long)q);
}

static int mount_cmp(const void *a, const void *b)
{
	const pl_volume_mount *x = *(const pl_volume_mount *const *)a;
	const pl_volume_mount *y = *(const pl_volume_mount *const *)b;
	return strcmp(str_or(x->mount_path, ""), str_or(y->mount_path, ""));
}

static void container_env(dw *w, const pl_container *c)
{
	if (c->env_from.n > 0) {
		wr(w, 2, "Environment Variables from:\n");
		for (size_t i = 0; i < c->env_from.n; i++) {
			const pl_env_from *e = PL_ITEM(c->env_from, pl_env_from, i);
			const char *from = "", *name = "";
			bool optional = false;
			if (e->config_map_ref) {
				from = "ConfigMap";
				name = str_or(e->config_map_ref->name, "");
				optional = e->config_map_ref->optional;
			} else if (e->secret_ref) {
				from = "Secret";
				name = str_or(e->secret_ref->name, "");
				optional = e->secret_ref->optional;
			}
			if (!e->prefix || !*e->prefix)
				wr(w, 3, "%s\t%s\tOptional: %s\n", name, from, optional ? "true" : "false");
			else
				wr(w, 3, "%s\t%s with prefix '%s'\tOptional: %s\n", name, from, e->prefix,
				   optional ? "true" : "false");
		}
	}
	wr(w, 2, "Environment:%s\n", c->env.n ? "" : "\t<none>");
	for (size_t i = 0; i < c->env.n; i++) {
		const pl_env *e = PL_ITEM(c->env, pl_env, i);
		const char *name = str_or(e->name, "");
		const pl_env_source *f = e->value_from;
		if (!f) {
			const char *v = str_or(e->value, "");
			bool first = true;
			for (;;) {
				const char *nl = strchr(v, '\n');
				size_t n = nl ? (size_t)(nl - v) : strlen(v);
				if (first)
					wr(w, 3, "%s:\t", name);
				else
					wr(w, 3, "\t");
				pl_buf_append(&w->seg, v, n);
				pl_buf_putc(&w->seg, '\n');
				first = false;
				if (!nl)
					break;
				v = nl + 1;
			}
		} else if (f->field_ref) {
			wr(w, 3, "%s:\t%s (%s:%s)\n", name,
			   str_or(field_value(w, f->field_ref->field_path), ""),
			   str_or(f->field_ref->api_version, ""), str_or(f->field_ref->field_path, ""));
		} else if (f->resource_field_ref) {
			wr(w, 3, "%s:\t", name);
			resource_value(&w->seg, c, f->resource_field_ref);
			pl_buf_printf(&w->seg, " (%s)\n", str_or(f->resource_field_ref->resource, ""));
		} else if (f->secret_key_ref) {
			wr(w, 3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %s\n", name,
			   str_or(f->secret_key_ref->key, ""), str_or(f->secret_key_ref->name, ""),
			   f->secret_key_ref->optional ? "true" : "false");
		} else if (f->config_map_key_ref) {
			wr(w, 3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %s\n", name,
			   str_or(f->config_map_key_ref->key, ""), str_or(f->config_map_key_ref->name, ""),
			   f->config_map_key_ref->optional ? "true" : "false");
		}
	}
}

static void container_mounts(dw *w, const pl_container *c)
{
	wr(w, 2, "Mounts:%s\n", c->volume_mounts.n ? "" : "\t<none>");
	if (c->volume_mounts.n == 0)
		return;
	const pl_volume_mount **v = pl_malloc(w->a, c->volume_mounts.n * sizeof(*v));
	if (!v) {
		w->out->oom = true;
		return;
	}
	for (size_t i = 0; i < c->volume_mounts.n; i++)
		v[i] = PL_ITEM(c->volume_mounts, pl_volume_mount, i);
	qsort(v, c->volume_mounts.n, sizeof(*v), mount_cmp);
	for (size_t i = 0; i < c->volume_mounts.n; i++) {
		wr(w, 3, "%s from %s (%s", str_or(v[i]->mount_path, ""), str_or(v[i]->name, ""),
		   v[i]->read_only ? "ro" : "rw");
		if (v[i]->sub_path && *v[i]->sub_path) {
			pl_buf_puts(&w->seg, ",path=");
			pl_buf_quote(&w->seg, v[i]->sub_path);
		}
		pl_buf_puts(&w->seg, ")\n");
	}
	pl_free(w->a, v);
	const pl_node *dev = c->volume_devices;
	if (dev && dev->kind == PL_N_SEQ && dev->n > 0) {
		wr(w, 2, "Devices:\n");
		for (size_t i = 0; i < dev->n; i++)
			wr(w, 3, "%s from %s\n", str_or(node_str(dev->u.items[i], "devicePath"), ""),
			   str_or(node_str(dev->u.items[i], "name"), ""));
	}
}

static void ports(dw *w, const pl_container *c, bool host)
{
	pl_buf b;
	pl_buf_init(&b, w->a);
	for (size_t i = 0; i < c->ports.n; i++) {
		const pl_port *p = PL_ITEM(c->ports, pl_port, i);
		if (i)
			pl_buf_puts(&b, ", ");
		pl_buf_printf(&b, "%lld/%s", (long long)(host ? p->host_port : p->container_port),
		              str_or(p->protocol, ""));
		if (p->name && *p->name)
			pl_buf_printf(&b, " (%s)", p->name);
	}
	const char *s = b.len ? pl_buf_cstr(&b) : "";
	if (strchr(s, ','))
		wr(w, 2, "%s:\t%s\n", host ? "Host Ports" : "Ports", s);
	else
		wr(w, 2, "%s:\t%s\n", host ? "Host Port" : "Port", str_or(s, "<none>"));
	if (b.oom)
		w->out->oom = true;
	pl_buf_free(&b);
}

static void seccomp(dw *w, int level, const pl_profile *p)
{
	if (!p)
		return;
	wr(w, level, "SeccompProfile:\t%s\n", str_or(p->type, ""));
	if (pl_streq(p->type, "Localhost"))
		wr(w, level + 1, "LocalhostProfile:\t%s\n", str_or(p->localhost_profile, ""));
}

static void split_lines(dw *w, int level, const char *s)
{
	s = str_or(s, "");
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		w_level(w, level);
		pl_buf_append(&w->seg, s, n);
		pl_buf_putc(&w->seg, '\n');
		if (!nl)
			break;
		s = nl + 1;
	}
}

/* describeContainers */
static void containers(dw *w, const char *label, const pl_list *list, bool init)
{
	wr(w, 0, "%s:%s\n", label, list->n ? "" : " <none>");
	const pl_pod_status *st = w->in->st;
	for (size_t i = 0; i < list->n; i++) {
		const pl_container *c = PL_ITEM(*list, pl_container, i);
		const pl_cstatus *s = NULL;
		const pl_cstatus *v = init ? st->init : st->regular;
		size_t n = init ? st->n_init : st->n_regular;
		for (size_t k = 0; k < n; k++)
			if (v[k].has_status && pl_streq(v[k].name, c->name))
				s = &v[k];
		wr(w, 1, "%s:\n", str_or(c->name, ""));
		if (s)
			wr(w, 2, "Container ID:\t%s\n", str_or(s->container_id, ""));
		wr(w, 2, "Image:\t%s\n", str_or(c->image, ""));
		if (s)
			wr(w, 2, "Image ID:\t%s\n", str_or(s->image_id, ""));
		ports(w, c, false);
		ports(w, c, true);
		if (c->security_context)
			seccomp(w, 2, c->security_context->seccomp_profile);
		if (c->command.n) {
			wr(w, 2, "Command:\n");
			for (size_t k = 0; k < c->command.n; k++)
				split_lines(w, 3, c->command.v[k]);
		}
		if (c->args.n) {
			wr(w, 2, "Args:\n");
			for (size_t k = 0; k < c->args.n; k++)
				split_lines(w, 3, c->args.v[k]);
		}
		if (s) {
			describe_state(w, "State", &s->state);
			if (s->last_state.kind == PL_CSTATE_TERMINATED)
				describe_state(w, "Last State", &s->last_state);
			wr(w, 2, "Ready:\t%s\n", pl_cstatus_ready(s) ? "True" : "False");
			wr(w, 2, "Restart Count:\t%d\n", s->restart_count);
		}
		resources(w, c->resources, 2);
		probe(w, "Liveness", c->liveness_probe);
		probe(w, "Readiness", c->readiness_probe);
		probe(w, "Startup", c->startup_probe);
		container_env(w, c);
		container_mounts(w, c);
	}
}

/* ---- volumes, tolerations ------------------------------------------------------------ */

static void volumes(dw *w, const pl_list *vols)
{
	if (vols->n == 0) {
		wr(w, 0, "Volumes:\t<none>\n");
		return;
	}
	wr(w, 0, "Volumes:\n");
	for (size_t i = 0; i < vols->n; i++) {
		const pl_volume *v = PL_ITEM(*vols, pl_volume, i);
		wr(w, 1, "%s:\n", str_or(v->name, ""));
		if (v->host_path) {
			wr(w, 2,
			   "Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n"
			   "    HostPathType:\t%s\n",
			   str_or(v->host_path->path, ""), str_or(v->host_path->type, "<none>"));
		} else if (v->empty_dir) {
			int64_t lim = 0;
			char buf[96];
			const char *sl = v->empty_dir->size_limit;
			bool has = sl && pl_qty_text_milli(sl, &lim) && lim > 0;
			wr(w, 2,
			   "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
			   "    Medium:\t%s\n    SizeLimit:\t%s\n",
			   str_or(v->empty_dir->medium, ""),
			   has ? qty_string(sl, buf, sizeof(buf)) : "<unset>");
		} else if (v->secret) {
			wr(w, 2,
			   "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n"
			   "    Optional:\t%s\n",
			   str_or(v->secret->secret_name, ""), v->secret->optional ? "true" : "false");
		} else if (v->config_map) {
			wr(w, 2,
			   "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n"
			   "    Optional:\t%s\n",
			   str_or(v->config_map->name, ""), v->config_map->optional ? "true" : "false");
		} else if (v->other[6]) {
			wr(w, 2,
			   "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the "
			   "same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%s\n",
			   str_or(node_str(v->other[6], "claimName"), ""),
			   node_true(v->other[6], "readOnly") ? "true" : "false");
		} else if (v->other[12]) {
			wr(w, 2,
			   "Type:\tDownwardAPI (a volume populated by information about the pod)\n"
			   "    Items:\n");
			const pl_node *items = node_get(v->other[12], "items");
			for (size_t k = 0; items && items->kind == PL_N_SEQ && k < items->n; k++) {
				const pl_node *it = items->u.items[k];
				const pl_node *fr = node_get(it, "fieldRef");
				const pl_node *rr = node_get(it, "resourceFieldRef");
				if (fr)
					wr(w, 3, "%s -> %s\n", str_or(node_str(fr, "fieldPath"), ""),
					   str_or(node_str(it, "path"), ""));
				if (rr)
					wr(w, 3, "%s -> %s\n", str_or(node_str(rr, "resource"), ""),
					   str_or(node_str(it, "path"), ""));
			}
		} else {
			wr(w, 1, "<unknown>\n");
		}
	}
}

typedef struct tol {
	const char *key, *op, *value, *effect, *seconds;
} tol;

static int tol_cmp(const void *a, const void *b)
{
	const tol *x = a, *y = b;
	return strcmp(x->key, y->key);
}

/* printPodTolerationsMultiline */
static void tolerations(dw *w, const pl_node *seq)
{
	wr(w, 0, "Tolerations:\t");
	size_t n = seq && seq->kind == PL_N_SEQ ? seq->n : 0;
	if (n == 0) {
		pl_buf_puts(&w->seg, "<none>\n");
		return;
	}
	tol *v = pl_calloc(w->a, n, sizeof(*v));
	if (!v) {
		w->out->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const pl_node *t = seq->u.items[i];
		v[i].key = str_or(node_str(t, "key"), "");
		v[i].op = str_or(node_str(t, "operator"), "");
		v[i].value = str_or(node_str(t, "value"), "");
		v[i].effect = str_or(node_str(t, "effect"), "");
		v[i].seconds = node_str(t, "tolerationSeconds");
	}
	qsort(v, n, sizeof(*v), tol_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			pl_buf_puts(&w->seg, "\t");
		pl_buf_puts(&w->seg, v[i].key);
		if (*v[i].value)
			pl_buf_printf(&w->seg, "=%s", v[i].value);
		if (*v[i].effect)
			pl_buf_printf(&w->seg, ":%s", v[i].effect);
		if (strcmp(v[i].op, "Exists") == 0 && !*v[i].value)
			pl_buf_puts(&w->seg, *v[i].key || *v[i].effect ? " op=Exists" : "op=Exists");
		if (v[i].seconds)
			pl_buf_printf(&w->seg, " for %ss", v[i].seconds);
		pl_buf_putc(&w->seg, '\n');
	}
	pl_free(w->a, v);
}

/* ---- the pod ------------------------------------------------------------------------- */

int pl_describe_pod(const pl_describe_input *in, pl_buf *out)
{
	if (!in || !out || !in->model || !in->model->spec || !in->st)
		return PODLIFE_EINVAL;
	const pl_pod_model *m = in->model;
	const pl_pod_spec *spec = m->spec;
	const pl_meta *meta = m->metadata;
	const pl_pod_status *st = in->st;
	static const pl_map no_map = {0, NULL};
	dw w;
	w.out = out;
	w.in = in;
	w.a = out->a ? out->a : pl_alloc_default();
	pl_buf_init(&w.seg, w.a);
	char t[48];

	wr(&w, 0, "Name:\t%s\n", meta ? str_or(meta->name, "") : "");
	wr(&w, 0, "Namespace:\t%s\n", meta ? str_or(meta->namespace_, "default") : "default");
	/* The Priority and ServiceAccount admission plugins always fill these
	 * on a real cluster; show what they would have set. */
	wr(&w, 0, "Priority:\t%lld\n", (long long)spec->priority);
	if (spec->priority_class_name && *spec->priority_class_name)
		wr(&w, 0, "Priority Class Name:\t%s\n", spec->priority_class_name);
	if (spec->runtime_class_name && *spec->runtime_class_name)
		wr(&w, 0, "Runtime Class Name:\t%s\n", spec->runtime_class_name);
	wr(&w, 0, "Service Account:\t%s\n", str_or(spec->service_account_name, "default"));
	const char *node = in->node_name ? in->node_name : spec->node_name;
	if (!node || !*node)
		wr(&w, 0, "Node:\t<none>\n");
	else
		wr(&w, 0, "Node:\t%s/%s\n", node, str_or(in->host_ip, ""));
	if (st->start_time != PL_NEVER) {
		rfc1123z(&w, st->start_time, t, sizeof(t));
		wr(&w, 0, "Start Time:\t%s\n", t);
	}
	labels_multiline(&w, "Labels", meta ? &meta->labels : &no_map);
	annotations_multiline(&w, "Annotations", meta ? &meta->annotations : &no_map);
	if (st->terminating && st->phase != PL_PHASE_FAILED && st->phase != PL_PHASE_SUCCEEDED) {
		char age[32];
		pl_human_duration(in->now - in->deletion_at, age, sizeof(age));
		wr(&w, 0, "Status:\tTerminating (lasts %s)\n", age);
		wr(&w, 0, "Termination Grace Period:\t%llds\n", (long long)in->grace_seconds);
	} else {
		wr(&w, 0, "Status:\t%s\n", pl_phase_name(st->phase));
	}
	if (st->reason && *st->reason)
		wr(&w, 0, "Reason:\t%s\n", st->reason);
	if (st->message && *st->message)
		wr(&w, 0, "Message:\t%s\n", st->message);
	if (spec->security_context)
		seccomp(&w, 0, spec->security_context->seccomp_profile);
	wr(&w, 0, "IP:\t%s\n", str_or(st->pod_ip, ""));
	if (st->pod_ip && *st->pod_ip) {
		wr(&w, 0, "IPs:\n");
		wr(&w, 1, "IP:\t%s\n", st->pod_ip);
	} else {
		wr(&w, 0, "IPs:\t<none>\n");
	}
	if (spec->resources) {
		wr(&w, 0, "Resources:\n");
		resources(&w, spec->resources, 1);
	}
	if (spec->init_containers.n)
		containers(&w, "Init Containers", &spec->init_containers, true);
	containers(&w, "Containers", &spec->containers, false);
	if (spec->readiness_gates.n) {
		wr(&w, 0, "Readiness Gates:\n  Type\tStatus\n");
		for (size_t i = 0; i < spec->readiness_gates.n; i++) {
			const pl_readiness_gate *g = PL_ITEM(spec->readiness_gates, pl_readiness_gate, i);
			const char *status = "<none>";
			for (size_t k = 0; k < st->n_readiness_gates; k++) {
				if (st->readiness_gates && pl_streq(st->readiness_gates[k], g->condition_type) &&
				    st->readiness_gate_values && st->readiness_gate_values[k] >= 0) {
					status = st->readiness_gate_values[k] ? "True" : "False";
					break;
				}
			}
			wr(&w, 1, "%s \t%s \n", str_or(g->condition_type, ""), status);
		}
	}
	bool any = false;
	for (int c = 0; c < PL_COND_COUNT; c++)
		any |= st->conditions[c].present;
	if (any) {
		wr(&w, 0, "Conditions:\n  Type\tStatus\n");
		for (int c = 0; c < PL_COND_COUNT; c++)
			if (st->conditions[c].present)
				wr(&w, 1, "%s \t%s \n", pl_cond_name((pl_cond_type)c),
				   st->conditions[c].status ? "True" : "False");
	}
	volumes(&w, &spec->volumes);
	wr(&w, 0, "QoS Class:\t%s\n", pl_pod_qos_class(spec));
	labels_multiline(&w, "Node-Selectors", &spec->node_selector);
	tolerations(&w, spec->tolerations);
	if (in->events) {
		if (in->events->n > 0)
			w_flush(&w);
		int rc = pl_event_log_describe_cells(in->events, in->now, in->wall_offset_ms, &w.seg);
		if (rc == PODLIFE_ENOMEM)
			w.seg.oom = true;
	}
	w_flush(&w);
	pl_buf_free(&w.seg);
	return out->oom ? PODLIFE_ENOMEM : PODLIFE_OK;
}
