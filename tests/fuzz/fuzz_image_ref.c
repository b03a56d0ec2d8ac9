/*
 * tests/fuzz/fuzz_image_ref.c - libFuzzer target for the image module:
 * the same bytes go to the reference parser (ParseNormalizedNamed), the
 * imagePullPolicy default, a docker config and a pull Secret added to a
 * keyring, and keyring lookups.  Besides crashes and sanitizer reports it
 * checks that a canonical reference parses back to itself.
 * Seed corpus: tests/fuzz/corpus/image_ref/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "podlife/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const podlife_image_ref *ref)
{
	const char *canon = podlife_image_ref_canonical(ref);
	podlife_image_ref *again = NULL;
	if (podlife_image_ref_parse(canon, &again, NULL) != PODLIFE_OK)
		abort();
	if (strcmp(podlife_image_ref_canonical(again), canon) != 0 ||
	    strcmp(podlife_image_ref_name(again), podlife_image_ref_name(ref)) != 0)
		abort();
	podlife_image_ref_free(again);
	/* (the familiar form need not: "docker.io/a.io/b" is familiar "a.io/b",
	 * whose first component then reads as a domain, in Go as here) */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	podlife_image_ref *ref = NULL;
	podlife_error *err = NULL;
	int rc = podlife_image_ref_parse(text, &ref, &err);
	if (rc == PODLIFE_OK) {
		if (err || !ref || !podlife_image_ref_domain(ref) || !podlife_image_ref_path(ref) ||
		    !podlife_image_ref_familiar(ref) || !podlife_image_ref_name(ref))
			abort();
		(void)podlife_image_ref_tag(ref);
		(void)podlife_image_ref_digest(ref);
		check_roundtrip(ref);
		podlife_image_ref_free(ref);
	} else {
		if (ref || !err || !podlife_error_message(err))
			abort();
		podlife_error_free(err);
	}

	podlife_pull_policy p = podlife_image_default_pull_policy(text);
	if (p != PODLIFE_PULL_ALWAYS && p != PODLIFE_PULL_IF_NOT_PRESENT)
		abort();
	char *msg = podlife_image_never_pull_message(text);
	podlife_free(msg);

	podlife_keyring *kr = NULL;
	if (podlife_keyring_new(NULL, &kr) == PODLIFE_OK) {
		podlife_diag *d = NULL;
		(void)podlife_keyring_add_config(kr, (const char *)data, size, &d);
		podlife_diag_free(d);
		d = NULL;
		char *name = NULL;
		if (podlife_keyring_add_secret(kr, (const char *)data, size, &name, &d) == PODLIFE_OK)
			podlife_free(name);
		podlife_diag_free(d);
		podlife_credentials *c = NULL;
		if (podlife_keyring_lookup(kr, text, &c) == PODLIFE_OK) {
			for (size_t i = 0; i < podlife_credentials_count(c); i++)
				if (!podlife_credential_registry(c, i) ||
				    !podlife_credential_username(c, i) ||
				    !podlife_credential_password(c, i))
					abort();
			podlife_credentials_free(c);
		}
		c = NULL;
		if (podlife_keyring_lookup(kr, "docker.io/library/busybox", &c) == PODLIFE_OK)
			podlife_credentials_free(c);
		c = NULL;
		if (podlife_keyring_lookup_image(kr, text, &c) == PODLIFE_OK)
			podlife_credentials_free(c);
		podlife_keyring_free(kr);
	}
	free(text);
	return 0;
}
