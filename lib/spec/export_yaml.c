/*
 * lib/spec/export_yaml.c - a JSON value written as block-style YAML with
 * libyaml's emitter, the way kubectl -o yaml prints objects.  Strings that
 * a YAML 1.1 reader would take for a number, a bool or null are quoted so
 * the output reads back as the same value.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "export.h"
#include "pod_internal.h"

static bool needs_quotes(const char *s)
{
	static const char *const special[] = {
		"", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
		"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
		"y", "Y", "n", "N", ".inf", ".Inf", ".INF", "-.inf", ".nan", ".NaN", "<<"};
	for (size_t i = 0; i < PL_ARRAY_LEN(special); i++)
		if (strcmp(s, special[i]) == 0)
			return true;
	/* anything that starts like a number */
	const char *p = s;
	if (*p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p >= '0' && *p <= '9')
		return true;
	return false;
}

static int emit(yaml_emitter_t *em, yaml_event_t *ev)
{
	return yaml_emitter_emit(em, ev) ? 0 : -1;
}

static int emit_scalar(yaml_emitter_t *em, const char *s, size_t n, bool quote)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = quote ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)n, 1,
	                                  1, style))
		return -1;
	return emit(em, &ev);
}

static int emit_json(yaml_emitter_t *em, json_t *v)
{
	yaml_event_t ev;
	char buf[64];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE))
			return -1;
		if (json_object_size(v) == 0)
			ev.data.mapping_start.style = YAML_FLOW_MAPPING_STYLE;
		if (emit(em, &ev))
			return -1;
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			if (emit_scalar(em, k, strlen(k), needs_quotes(k)) || emit_json(em, x))
				return -1;
		}
		yaml_mapping_end_event_initialize(&ev);
		return emit(em, &ev);
	}
	case JSON_ARRAY: {
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		                                          json_array_size(v) ? YAML_BLOCK_SEQUENCE_STYLE
		                                                             : YAML_FLOW_SEQUENCE_STYLE))
			return -1;
		if (emit(em, &ev))
			return -1;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (emit_json(em, x))
				return -1;
		}
		yaml_sequence_end_event_initialize(&ev);
		return emit(em, &ev);
	}
	case JSON_STRING:
		return emit_scalar(em, json_string_value(v), json_string_length(v),
		                   needs_quotes(json_string_value(v)));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(em, buf, strlen(buf), false);
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		return emit_scalar(em, buf, strlen(buf), false);
	case JSON_TRUE:
		return emit_scalar(em, "true", 4, false);
	case JSON_FALSE:
		return emit_scalar(em, "false", 5, false);
	case JSON_NULL:
		return emit_scalar(em, "null", 4, false);
	}
	return -1;
}

static int write_cb(void *data, unsigned char *buffer, size_t size)
{
	pl_buf *b = data;
	pl_buf_append(b, (const char *)buffer, size);
	return b->oom ? 0 : 1;
}

int pl_json_to_yaml(json_t *v, bool explicit_start, char **out)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	if (!yaml_emitter_initialize(&em))
		return PODLIFE_ENOMEM;
	yaml_emitter_set_output(&em, write_cb, &b);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	int rc = -1;
	if (yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && !emit(&em, &ev) &&
	    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, !explicit_start) &&
	    !emit(&em, &ev) && !emit_json(&em, v) && yaml_document_end_event_initialize(&ev, 1) &&
	    !emit(&em, &ev) && yaml_stream_end_event_initialize(&ev) && !emit(&em, &ev))
		rc = 0;
	yaml_emitter_delete(&em);
	if (rc != 0 || b.oom) {
		pl_buf_free(&b);
		return PODLIFE_ENOMEM;
	}
	*out = pl_buf_take(&b);
	return *out ? PODLIFE_OK : PODLIFE_ENOMEM;
}

int podlife_pod_to_yaml(const podlife_pod *pod, unsigned int flags, char **out)
{
	(void)flags;
	if (!pod || !out)
		return PODLIFE_EINVAL;
	json_t *j = pl_obj_to_json(pod->m);
	if (!j)
		return PODLIFE_ENOMEM;
	int rc = pl_json_to_yaml(j, false, out);
	json_decref(j);
	return rc;
}

/* A kind: List holding every pod of the list. */
static json_t *list_json(podlife_pod *const *pods, size_t n)
{
	json_t *items = json_array();
	json_t *o = json_object();
	if (!items || !o)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (!pods[i])
			goto fail;
		json_t *p = pl_obj_to_json(pods[i]->m);
		if (!p || json_array_append_new(items, p) != 0)
			goto fail;
	}
	if (json_object_set_new(o, "apiVersion", json_string("v1")) ||
	    json_object_set_new(o, "kind", json_string("List")) ||
	    json_object_set_new(o, "items", items))
		goto fail_o;
	return o;
fail:
	json_decref(items);
fail_o:
	json_decref(o);
	return NULL;
}

int podlife_pods_to_json(podlife_pod *const *pods, size_t n, unsigned int flags, char **out)
{
	if ((!pods && n) || !out)
		return PODLIFE_EINVAL;
	json_t *j = list_json(pods, n);
	if (!j)
		return PODLIFE_ENOMEM;
	char *s = json_dumps(j, (flags & PODLIFE_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT);
	json_decref(j);
	if (!s)
		return PODLIFE_ENOMEM;
	*out = s;
	return PODLIFE_OK;
}

int podlife_pods_to_yaml(podlife_pod *const *pods, size_t n, unsigned int flags, char **out)
{
	(void)flags;
	if ((!pods && n) || !out)
		return PODLIFE_EINVAL;
	json_t *j = list_json(pods, n);
	if (!j)
		return PODLIFE_ENOMEM;
	int rc = pl_json_to_yaml(j, false, out);
	json_decref(j);
	return rc;
}
