/*
 * examples/podlife/cmd_validate.c - `podlife validate`: checks manifests
 * as the API server would and prints the defaulted pods.
 *
 *   podlife validate [--strict] [-o json|yaml] FILE...
 *
 * Exit 0 when every file is valid (warnings go to stderr); otherwise each
 * error goes to stderr as FILE:LINE:COL: <message> and the exit code is 1.
 * Exit 2 for usage errors.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <podlife.h>

#include "cli.h"

static void print_diag(const char *file, const podlife_diag *d)
{
	for (size_t i = 0; i < podlife_diag_count(d); i++) {
		const podlife_error *e = podlife_diag_get(d, i);
		const char *sev = "";
		switch (podlife_error_severity(e)) {
		case PODLIFE_SEVERITY_WARNING: sev = "warning: "; break;
		case PODLIFE_SEVERITY_NOTE: sev = "note: "; break;
		default: break;
		}
		fprintf(stderr, "%s:%u:%u: %s%s\n", file, podlife_error_line(e), podlife_error_column(e),
		        sev, podlife_error_message(e));
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: podlife validate [--strict] [-o json|yaml] FILE...\n");
	return 2;
}

int cmd_validate(int argc, char **argv)
{
	podlife_parse_options opts = PODLIFE_PARSE_OPTIONS_INIT;
	const char *output = NULL;
	int first = 1;
	for (; first < argc; first++) {
		const char *a = argv[first];
		if (strcmp(a, "--strict") == 0 || strcmp(a, "--validate=strict") == 0) {
			opts.flags |= PODLIFE_PARSE_STRICT;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (++first >= argc)
				return usage();
			output = argv[first];
		} else if (strncmp(a, "-o", 2) == 0 && a[2]) {
			output = a + 2;
		} else if (strncmp(a, "--output=", 9) == 0) {
			output = a + 9;
		} else if (strcmp(a, "--") == 0) {
			first++;
			break;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "podlife validate: unknown option %s\n", a);
			return usage();
		} else {
			break;
		}
	}
	if (output && strcmp(output, "json") != 0 && strcmp(output, "yaml") != 0) {
		fprintf(stderr, "podlife validate: -o must be json or yaml\n");
		return 2;
	}
	if (first >= argc)
		return usage();

	int status = 0;
	podlife_pod **all = NULL;
	size_t nall = 0;
	for (int i = first; i < argc; i++) {
		const char *file = argv[i];
		size_t len = 0;
		char *data = cli_read_input(file, &len);
		if (!data) {
			status = 1;
			continue;
		}
		opts.source_name = file;
		podlife_pod_list *list = NULL;
		podlife_diag *diag = NULL;
		int rc = podlife_pod_parse(data, len, &opts, &list, &diag);
		free(data);
		print_diag(file, diag);
		size_t errors = podlife_diag_error_count(diag);
		podlife_diag_free(diag);
		if (rc != PODLIFE_OK) {
			if (errors == 0)
				fprintf(stderr, "%s: %s\n", file, podlife_strerror(rc));
			status = 1;
			continue;
		}
		size_t n = podlife_pod_list_count(list);
		podlife_pod **grown = realloc(all, (nall + n + 1) * sizeof(*all));
		if (!grown) {
			fprintf(stderr, "podlife validate: out of memory\n");
			podlife_pod_list_free(list);
			status = 1;
			break;
		}
		all = grown;
		for (size_t k = 0; k < n; k++)
			all[nall++] = podlife_pod_retain(podlife_pod_list_get(list, k));
		podlife_pod_list_free(list);
	}
	if (output && status == 0) {
		bool json = strcmp(output, "json") == 0;
		char *text = NULL;
		int rc;
		if (nall == 1)
			rc = json ? podlife_pod_to_json(all[0], PODLIFE_JSON_PRETTY, &text)
			          : podlife_pod_to_yaml(all[0], 0, &text);
		else
			rc = json ? podlife_pods_to_json(all, nall, PODLIFE_JSON_PRETTY, &text)
			          : podlife_pods_to_yaml(all, nall, 0, &text);
		if (rc == PODLIFE_OK) {
			fputs(text, stdout);
			if (json)
				fputc('\n', stdout);
		} else {
			fprintf(stderr, "podlife validate: %s\n", podlife_strerror(rc));
			status = 1;
		}
		podlife_free(text);
	}
	for (size_t k = 0; k < nall; k++)
		podlife_pod_release(all[k]);
	free(all);
	return status;
}
