/*
 * tests/fuzz/fuzz_pod.h - the body shared by the YAML and JSON libFuzzer
 * targets: parse the input as a pod stream with small limits, read every
 * pod back through the public API, export it to JSON and YAML and parse the
 * JSON again, then free everything.  Memory errors, leaks and undefined
 * behaviour are what the sanitizers catch; the only contract asserted here
 * is that a failed parse leaves the output list untouched.
 */
#ifndef PODLIFE_FUZZ_POD_H
#define PODLIFE_FUZZ_POD_H

#include <podlife.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Limits small enough that one input stays fast, large enough for seeds. */
#define FUZZ_MAX_BYTES (64u * 1024u)
#define FUZZ_MAX_NODES 20000u
#define FUZZ_MAX_DEPTH 32u

static void fuzz_read_diag(podlife_diag *diag)
{
	size_t n = podlife_diag_count(diag);

	for (size_t i = 0; i < n; i++) {
		const podlife_error *e = podlife_diag_get(diag, i);
		volatile size_t sink = 0;
		const char *s;

		if (!e)
			abort();
		s = podlife_error_message(e);
		sink += s ? s[0] : 0;
		s = podlife_error_path(e);
		sink += s ? s[0] : 0;
		s = podlife_error_detail(e);
		sink += s ? s[0] : 0;
		sink += podlife_error_line(e) + podlife_error_column(e);
		(void)sink;
	}
	podlife_diag_free(diag);
}

static void fuzz_read_pod(const podlife_pod *pod)
{
	static const char *const paths[] = {
		"metadata.name", "metadata.namespace", "spec.restartPolicy",
		"spec.containers[0].image", "spec.containers[0].imagePullPolicy",
		"spec.containers[0].livenessProbe.httpGet.port",
		"spec.initContainers[0].restartPolicy", "spec.volumes[0].name",
	};
	volatile size_t sink = 0;
	podlife_pod_list *again = NULL;
	char *text = NULL;
	size_t count = 0;

	sink += podlife_pod_name(pod)[0];
	sink += podlife_pod_namespace(pod)[0];
	sink += podlife_pod_source_kind(pod)[0];
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		podlife_value_type type;
		const char *s = NULL;
		int64_t v = 0;
		unsigned int line = 0, col = 0;
		int defaulted = 0;

		if (podlife_pod_get_type(pod, paths[i], &type) != PODLIFE_OK)
			continue;
		if (podlife_pod_get_string(pod, paths[i], &s) == PODLIFE_OK && s)
			sink += s[0];
		if (podlife_pod_get_int(pod, paths[i], &v) == PODLIFE_OK)
			sink += (size_t)v;
		(void)podlife_pod_is_defaulted(pod, paths[i], &defaulted);
		(void)podlife_pod_get_position(pod, paths[i], &line, &col);
		sink += (size_t)defaulted + line + col;
	}
	if (podlife_pod_get_count(pod, "spec.containers", &count) == PODLIFE_OK) {
		for (size_t i = 0; i < count && i < 4; i++) {
			char path[64];
			const char *s = NULL;

			snprintf(path, sizeof path, "spec.containers[%zu].name", i);
			if (podlife_pod_get_string(pod, path, &s) == PODLIFE_OK && s)
				sink += s[0];
		}
	}

	if (podlife_pod_to_yaml(pod, 0, &text) == PODLIFE_OK)
		podlife_free(text);
	text = NULL;
	if (podlife_pod_to_json(pod, 0, &text) == PODLIFE_OK && text) {
		podlife_parse_options opts = PODLIFE_PARSE_OPTIONS_INIT;
		podlife_diag *diag = NULL;
		size_t len = 0;

		while (text[len])
			len++;
		opts.flags = PODLIFE_PARSE_JSON | PODLIFE_PARSE_NO_VALIDATE;
		if (podlife_pod_parse(text, len, &opts, &again, &diag) == PODLIFE_OK)
			podlife_pod_list_free(again);
		fuzz_read_diag(diag);
		podlife_free(text);
	}
	(void)sink;
}

/* Parses data with `format` (PODLIFE_PARSE_YAML or PODLIFE_PARSE_JSON). */
static int fuzz_pod_input(const uint8_t *data, size_t size, unsigned int format)
{
	/* The length picks a flag set, so seeds keep their bytes intact. */
	static const unsigned int extra[4] = {
		0,
		PODLIFE_PARSE_STRICT,
		PODLIFE_PARSE_NO_DEFAULTS | PODLIFE_PARSE_NO_VALIDATE,
		PODLIFE_PARSE_STRICT | PODLIFE_PARSE_NO_TEMPLATES,
	};
	podlife_parse_options opts = PODLIFE_PARSE_OPTIONS_INIT;
	podlife_pod_list *list = NULL;
	podlife_diag *diag = NULL;
	int rc;

	opts.flags = format | extra[size % 4];
	opts.max_bytes = FUZZ_MAX_BYTES;
	opts.max_nodes = FUZZ_MAX_NODES;
	opts.max_depth = FUZZ_MAX_DEPTH;
	opts.source_name = "fuzz";

	rc = podlife_pod_parse((const char *)data, size, &opts, &list, &diag);
	if (rc == PODLIFE_OK) {
		size_t n = podlife_pod_list_count(list);
		podlife_pod **pods = NULL;
		char *text = NULL;

		if (!list)
			abort();
		for (size_t i = 0; i < n; i++)
			fuzz_read_pod(podlife_pod_list_get(list, i));
		if (n > 0 && (pods = malloc(n * sizeof *pods)) != NULL) {
			for (size_t i = 0; i < n; i++)
				pods[i] = podlife_pod_list_get(list, i);
			if (podlife_pods_to_json(pods, n, 0, &text) == PODLIFE_OK)
				podlife_free(text);
			free(pods);
		}
		podlife_pod_list_free(list);
	} else if (list != NULL) {
		/* pod.h: on failure *out is left untouched. */
		abort();
	}
	fuzz_read_diag(diag);
	return 0;
}

#endif
