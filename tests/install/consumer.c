/*
 * tests/install/consumer.c - a program built only against the installed
 * tree (headers, pkg-config file, library): proves that a host can compile
 * and link with `pkg-config --cflags --libs podlife`.  It checks the
 * run-time version against the headers and parses one small pod.
 */
#include <podlife.h>

#include <stdio.h>
#include <string.h>

static const char pod_yaml[] =
	"apiVersion: v1\n"
	"kind: Pod\n"
	"metadata:\n"
	"  name: consumer\n"
	"spec:\n"
	"  containers:\n"
	"  - name: app\n"
	"    image: busybox:1.36\n";

int main(void)
{
	unsigned int number = 0;
	const char *version = podlife_version(&number);
	podlife_pod_list *list = NULL;
	podlife_diag *diag = NULL;
	const char *policy = NULL;
	int rc;

	if (!version || strcmp(version, PODLIFE_VERSION_STRING) != 0 ||
	    number != PODLIFE_VERSION_NUMBER) {
		fprintf(stderr, "version mismatch: library %s (%#x), headers %s (%#x)\n",
		        version ? version : "(null)", number, PODLIFE_VERSION_STRING,
		        (unsigned int)PODLIFE_VERSION_NUMBER);
		return 1;
	}

	rc = podlife_pod_parse(pod_yaml, sizeof pod_yaml - 1, NULL, &list, &diag);
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "parse failed: %s\n", podlife_strerror(rc));
		for (size_t i = 0; i < podlife_diag_count(diag); i++)
			fprintf(stderr, "  %s\n", podlife_error_message(podlife_diag_get(diag, i)));
		podlife_diag_free(diag);
		return 1;
	}
	podlife_diag_free(diag);

	if (podlife_pod_list_count(list) != 1 ||
	    strcmp(podlife_pod_name(podlife_pod_list_get(list, 0)), "consumer") != 0) {
		fprintf(stderr, "unexpected pod list\n");
		podlife_pod_list_free(list);
		return 1;
	}
	/* Defaulting ran: the API server's restartPolicy default. */
	rc = podlife_pod_get_string(podlife_pod_list_get(list, 0), "spec.restartPolicy", &policy);
	if (rc != PODLIFE_OK || strcmp(policy, "Always") != 0) {
		fprintf(stderr, "spec.restartPolicy not defaulted to Always\n");
		podlife_pod_list_free(list);
		return 1;
	}
	printf("consumer: libpodlife %s parsed pod %s\n", version,
	       podlife_pod_name(podlife_pod_list_get(list, 0)));
	podlife_pod_list_free(list);
	return 0;
}
