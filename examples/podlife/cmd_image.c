/*
 * examples/podlife/cmd_image.c - `podlife image`: parses an image
 * reference and prints what the kubelet would make of it.
 *
 *   podlife image [--docker-config FILE]... REF
 *
 * Prints one JSON object: domain, path, tag (null if none), digest (null
 * if none), familiar, canonical, defaultPullPolicy and, when docker config
 * files are given, credentials: [{"registry", "username"}] in lookup order.
 * Passwords are never printed.  An invalid REF prints the parser's error
 * on stderr and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <podlife.h>

#include "cli.h"

static int usage(void)
{
	fprintf(stderr, "usage: podlife image [--docker-config FILE]... REF\n");
	return 2;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

int cmd_image(int argc, char **argv)
{
	const char *ref_text = NULL;
	const char **configs = calloc((size_t)argc + 1, sizeof(*configs));
	size_t nconfigs = 0;
	if (!configs)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--docker-config") == 0) {
			if (++i >= argc) {
				free(configs);
				return usage();
			}
			configs[nconfigs++] = argv[i];
		} else if (strncmp(argv[i], "--docker-config=", 16) == 0) {
			configs[nconfigs++] = argv[i] + 16;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "podlife image: unknown option %s\n", argv[i]);
			free(configs);
			return usage();
		} else if (!ref_text) {
			ref_text = argv[i];
		} else {
			free(configs);
			return usage();
		}
	}
	if (!ref_text) {
		free(configs);
		return usage();
	}

	int status = 1;
	podlife_image_ref *ref = NULL;
	podlife_error *err = NULL;
	podlife_keyring *kr = NULL;
	podlife_credentials *creds = NULL;
	json_t *o = NULL;
	if (podlife_image_ref_parse(ref_text, &ref, &err) != PODLIFE_OK) {
		fprintf(stderr, "podlife image: %s\n",
		        err ? podlife_error_message(err) : "invalid reference format");
		goto out;
	}
	o = json_object();
	json_object_set_new(o, "domain", json_string(podlife_image_ref_domain(ref)));
	json_object_set_new(o, "path", json_string(podlife_image_ref_path(ref)));
	json_object_set_new(o, "tag", str_or_null(podlife_image_ref_tag(ref)));
	json_object_set_new(o, "digest", str_or_null(podlife_image_ref_digest(ref)));
	json_object_set_new(o, "familiar", json_string(podlife_image_ref_familiar(ref)));
	json_object_set_new(o, "canonical", json_string(podlife_image_ref_canonical(ref)));
	json_object_set_new(o, "defaultPullPolicy",
	                    json_string(podlife_pull_policy_name(
	                            podlife_image_default_pull_policy(ref_text))));
	if (nconfigs) {
		if (podlife_keyring_new(NULL, &kr) != PODLIFE_OK)
			goto out;
		for (size_t i = 0; i < nconfigs; i++) {
			podlife_diag *d = NULL;
			int rc = podlife_keyring_add_config_file(kr, configs[i], &d);
			for (size_t k = 0; k < podlife_diag_count(d); k++)
				fprintf(stderr, "%s: %s\n", configs[i],
				        podlife_error_message(podlife_diag_get(d, k)));
			podlife_diag_free(d);
			if (rc != PODLIFE_OK) {
				fprintf(stderr, "podlife image: %s: %s\n", configs[i], podlife_strerror(rc));
				goto out;
			}
		}
		if (podlife_keyring_lookup(kr, ref_text, &creds) != PODLIFE_OK)
			goto out;
		json_t *list = json_array();
		for (size_t i = 0; i < podlife_credentials_count(creds); i++) {
			json_t *c = json_object();
			json_object_set_new(c, "registry", json_string(podlife_credential_registry(creds, i)));
			json_object_set_new(c, "username", json_string(podlife_credential_username(creds, i)));
			json_array_append_new(list, c);
		}
		json_object_set_new(o, "credentials", list);
	}
	char *text = json_dumps(o, JSON_INDENT(2));
	if (text) {
		puts(text);
		free(text);
		status = 0;
	}
out:
	json_decref(o);
	podlife_credentials_free(creds);
	podlife_keyring_free(kr);
	podlife_error_free(err);
	podlife_image_ref_free(ref);
	free(configs);
	return status;
}
