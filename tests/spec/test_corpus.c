/*
 * tests/spec/test_corpus.c - every manifest of the corpus under
 * tests/manifests parses; every Pod and pod template validates with no
 * error and no unknown-field warning; the few files that are not valid
 * YAML are rejected cleanly with a position; every pod survives a JSON
 * round trip unchanged.
 */
#include <dirent.h>
#include <sys/stat.h>

#include <podlife.h>

#include "harness.h"

/* Files of k8s-examples that are not valid YAML (see its SOURCES.md). */
static const char *const known_bad[] = {
	"pods/inject/pod-multiple-secret-env-variable.yaml",
	"controllers/job-pod-failure-policy-ignore.yaml",
	"pods/inject/envars-file-container.yaml",
};

static char root[4096];
static size_t files_ok, files_bad, pods_total, round_trips;

static bool is_known_bad(const char *rel)
{
	for (size_t i = 0; i < sizeof(known_bad) / sizeof(known_bad[0]); i++)
		if (strstr(rel, known_bad[i]))
			return true;
	return false;
}

/*
 * parse -> JSON -> parse gives the same pod.  A pod made from a workload
 * template becomes a Pod of its own once exported, so it picks up the
 * Pod-only defaults on the second parse: for those the check is that the
 * second and third generations agree.
 */
static void round_trip(podlife_pod *pod, const char *file)
{
	char *j1 = NULL, *j2 = NULL;
	podlife_pod_list *again = NULL, *first = NULL;
	if (podlife_pod_to_json(pod, 0, &j1) != PODLIFE_OK) {
		fprintf(stderr, "  %s: to_json failed\n", file);
		h_failed_checks++;
		return;
	}
	if (strcmp(podlife_pod_source_kind(pod), "Pod") != 0) {
		const char *name = podlife_pod_name(pod), *gen = NULL;
		if (!*name && podlife_pod_get_string(pod, "metadata.generateName", &gen) != PODLIFE_OK) {
			round_trips++; /* a template with no name cannot stand alone */
			podlife_free(j1);
			return;
		}
		if (podlife_pod_parse(j1, strlen(j1), NULL, &first, NULL) != PODLIFE_OK) {
			fprintf(stderr, "  %s: template exported as a Pod does not parse\n", file);
			h_failed_checks++;
			podlife_free(j1);
			return;
		}
		podlife_free(j1);
		j1 = NULL;
		podlife_pod_to_json(podlife_pod_list_get(first, 0), 0, &j1);
		podlife_pod_list_free(first);
		if (!j1) {
			h_failed_checks++;
			return;
		}
	}
	int rc = podlife_pod_parse(j1, strlen(j1), NULL, &again, NULL);
	if (rc != PODLIFE_OK || podlife_pod_list_count(again) != 1) {
		fprintf(stderr, "  %s: JSON output does not parse back (%s)\n", file,
		        podlife_strerror(rc));
		h_failed_checks++;
	} else if (podlife_pod_to_json(podlife_pod_list_get(again, 0), 0, &j2) != PODLIFE_OK ||
	           strcmp(j1, j2) != 0) {
		fprintf(stderr, "  %s: round trip changed the pod\n    %s\n    %s\n", file, j1,
		        j2 ? j2 : "(null)");
		h_failed_checks++;
	} else {
		round_trips++;
	}
	podlife_free(j1);
	podlife_free(j2);
	podlife_pod_list_free(again);
}

static void check_file(const char *path, const char *rel)
{
	podlife_pod_list *list = NULL;
	podlife_diag *diag = NULL;
	int rc = podlife_pod_parse_file(path, NULL, &list, &diag);
	if (is_known_bad(rel)) {
		CHECK(rc == PODLIFE_EPARSE);
		CHECK(list == NULL);
		CHECK(podlife_diag_error_count(diag) >= 1);
		const podlife_error *e = podlife_diag_get(diag, 0);
		CHECK(e && podlife_error_line(e) > 0);
		files_bad++;
		podlife_diag_free(diag);
		return;
	}
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "  %s: %s\n", rel, podlife_strerror(rc));
		h_failed_checks++;
	}
	for (size_t i = 0; i < podlife_diag_count(diag); i++) {
		const podlife_error *e = podlife_diag_get(diag, i);
		if (podlife_error_severity(e) == PODLIFE_SEVERITY_NOTE)
			continue; /* "skipping Service ..." */
		fprintf(stderr, "  %s:%u:%u: %s\n", rel, podlife_error_line(e), podlife_error_column(e),
		        podlife_error_message(e));
		/* errors, unknown fields and duplicate keys fail; other warnings are shown */
		if (podlife_error_severity(e) == PODLIFE_SEVERITY_ERROR ||
		    podlife_error_type_of(e) == PODLIFE_ERRTYPE_UNKNOWN_FIELD ||
		    strstr(podlife_error_message(e), "duplicate field"))
			h_failed_checks++;
	}
	podlife_diag_free(diag);
	if (rc == PODLIFE_OK) {
		files_ok++;
		for (size_t i = 0; i < podlife_pod_list_count(list); i++) {
			pods_total++;
			round_trip(podlife_pod_list_get(list, i), rel);
		}
	}
	podlife_pod_list_free(list);
}

static void walk(const char *dir, size_t root_len)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "  cannot open %s\n", dir);
		h_failed_checks++;
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, root_len);
			continue;
		}
		size_t n = strlen(de->d_name);
		bool yaml = (n > 5 && strcmp(de->d_name + n - 5, ".yaml") == 0) ||
		            (n > 4 && strcmp(de->d_name + n - 4, ".yml") == 0);
		if (yaml)
			check_file(path, path + root_len + 1);
	}
	closedir(d);
}

static void test_seed_manifests(void)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/manifests/seed", root);
	files_ok = files_bad = pods_total = round_trips = 0;
	walk(dir, strlen(dir));
	printf("  seed: %zu files, %zu pods\n", files_ok, pods_total);
	CHECK(files_ok >= 14);
	CHECK_INT(pods_total, 12);
	CHECK_INT(round_trips, pods_total);
}

static void test_kubernetes_website_examples(void)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/manifests/k8s-examples", root);
	files_ok = files_bad = pods_total = round_trips = 0;
	walk(dir, strlen(dir));
	printf("  k8s-examples: %zu files valid, %zu rejected, %zu pods\n", files_ok, files_bad,
	       pods_total);
	CHECK_INT(files_bad, 3);
	CHECK(files_ok >= 200);
	CHECK(pods_total >= 150);
	CHECK_INT(round_trips, pods_total);
}

int main(void)
{
	const char *data = getenv("PODLIFE_TEST_DATA");
	snprintf(root, sizeof(root), "%s", data ? data : "tests");
	RUN(test_seed_manifests);
	RUN(test_kubernetes_website_examples);
	DONE();
}
