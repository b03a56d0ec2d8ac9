/*
 * tests/spec/test_spec.c - decoding, defaulting (SetDefaults_* in
 * pkg/apis/core/v1/defaults.go), field access by path, provenance, JSON
 * and YAML export, workload templates, lists, and bad input through the
 * public parse API.
 */
#include <podlife.h>

#include "spec/model.h"

#include "harness.h"

static podlife_pod_list *parse_ok(const char *text, unsigned int flags, podlife_diag **diag)
{
	podlife_parse_options o = PODLIFE_PARSE_OPTIONS_INIT;
	o.flags = flags;
	podlife_pod_list *l = NULL;
	int rc = podlife_pod_parse(text, strlen(text), &o, &l, diag);
	if (rc != PODLIFE_OK) {
		fprintf(stderr, "  parse failed: %s\n", podlife_strerror(rc));
		if (diag && *diag)
			for (size_t i = 0; i < podlife_diag_count(*diag); i++)
				fprintf(stderr, "    %s\n", podlife_error_message(podlife_diag_get(*diag, i)));
	}
	return l;
}

/* Parses text expecting failure; returns the diagnostics. */
static podlife_diag *parse_fail(const char *text, unsigned int flags, int want_rc)
{
	podlife_parse_options o = PODLIFE_PARSE_OPTIONS_INIT;
	o.flags = flags;
	podlife_pod_list *l = NULL;
	podlife_diag *d = NULL;
	int rc = podlife_pod_parse(text, strlen(text), &o, &l, &d);
	CHECK_INT(rc, want_rc);
	CHECK(l == NULL);
	podlife_pod_list_free(l);
	return d;
}

static bool diag_has(const podlife_diag *d, const char *msg, unsigned int line)
{
	for (size_t i = 0; i < podlife_diag_count(d); i++) {
		const podlife_error *e = podlife_diag_get(d, i);
		if (strcmp(podlife_error_message(e), msg) == 0 &&
		    (line == 0 || podlife_error_line(e) == line))
			return true;
	}
	fprintf(stderr, "  missing diagnostic (line %u): %s\n  have:\n", line, msg);
	for (size_t i = 0; i < podlife_diag_count(d); i++)
		fprintf(stderr, "    %u:%u %s\n", podlife_error_line(podlife_diag_get(d, i)),
		        podlife_error_column(podlife_diag_get(d, i)),
		        podlife_error_message(podlife_diag_get(d, i)));
	return false;
}

static const char *minimal =
	"apiVersion: v1\n"
	"kind: Pod\n"
	"metadata:\n"
	"  name: web\n"
	"  labels:\n"
	"    app.kubernetes.io/name: web\n"
	"spec:\n"
	"  containers:\n"
	"  - name: app\n"
	"    image: nginx\n"
	"    ports:\n"
	"    - containerPort: 80\n"
	"      name: http\n"
	"    readinessProbe:\n"
	"      httpGet:\n"
	"        port: http\n"
	"  - name: side\n"
	"    image: busybox:1.36\n"
	"    command: [sh, -c, 'sleep 1']\n";

/* The look-ups binary-search the field tables: their order must hold. */
static void test_schema_tables_are_sound(void)
{
	CHECK_INT(pl_schema_check(&pl_schema_pod, 0), 0);
	CHECK_INT(pl_schema_check(&pl_schema_volume, 0), 0);
	pl_probe probe;
	memset(&probe, 0, sizeof probe);
	probe.obj.schema = &pl_schema_probe;
	CHECK_INT(pl_schema_field_index(&pl_schema_probe, offsetof(pl_probe, failure_threshold)), 8);
	CHECK_INT(pl_schema_field_index(&pl_schema_probe, offsetof(pl_probe, exec)), 0);
	CHECK_INT(pl_schema_field_index(&pl_schema_probe, 3), -1);
	CHECK_INT(pl_schema_field_index(&pl_schema_volume, offsetof(pl_volume, config_map)), 19);
}

static void test_SetDefaults_PodSpec(void)
{
	podlife_pod_list *l = parse_ok(minimal, 0, NULL);
	REQUIRE(l);
	CHECK_INT(podlife_pod_list_count(l), 1);
	podlife_pod *p = podlife_pod_list_get(l, 0);
	const char *s = NULL;
	int64_t i = 0;
	int b = 0, dflt = 0;
	CHECK_STR(podlife_pod_name(p), "web");
	CHECK_STR(podlife_pod_namespace(p), "default");
	CHECK(podlife_pod_get_string(p, "spec.restartPolicy", &s) == PODLIFE_OK);
	CHECK_STR(s, "Always");
	CHECK(podlife_pod_get_string(p, "spec.dnsPolicy", &s) == PODLIFE_OK);
	CHECK_STR(s, "ClusterFirst");
	CHECK(podlife_pod_get_string(p, "spec.schedulerName", &s) == PODLIFE_OK);
	CHECK_STR(s, "default-scheduler");
	CHECK(podlife_pod_get_int(p, "spec.terminationGracePeriodSeconds", &i) == PODLIFE_OK);
	CHECK_INT(i, 30);
	CHECK(podlife_pod_get_bool(p, "spec.enableServiceLinks", &b) == PODLIFE_OK);
	CHECK_INT(b, 1);
	CHECK(podlife_pod_is_defaulted(p, "spec.restartPolicy", &dflt) == PODLIFE_OK);
	CHECK_INT(dflt, 1);
	CHECK(podlife_pod_is_defaulted(p, "metadata.name", &dflt) == PODLIFE_OK);
	CHECK_INT(dflt, 0);
	podlife_value_type t;
	CHECK(podlife_pod_get_type(p, "spec.securityContext", &t) == PODLIFE_OK);
	CHECK_INT(t, PODLIFE_VALUE_OBJECT);
	podlife_pod_list_free(l);
}

static void test_SetDefaults_Container_and_Probe(void)
{
	podlife_pod_list *l = parse_ok(minimal, 0, NULL);
	REQUIRE(l);
	podlife_pod *p = podlife_pod_list_get(l, 0);
	const char *s = NULL;
	int64_t i = 0;
	int dflt = 0;
	/* nginx has no tag: Always; busybox:1.36: IfNotPresent */
	CHECK(podlife_pod_get_string(p, "spec.containers[0].imagePullPolicy", &s) == PODLIFE_OK);
	CHECK_STR(s, "Always");
	CHECK(podlife_pod_get_string(p, "spec.containers[1].imagePullPolicy", &s) == PODLIFE_OK);
	CHECK_STR(s, "IfNotPresent");
	CHECK(podlife_pod_get_string(p, "spec.containers[0].terminationMessagePath", &s) == PODLIFE_OK);
	CHECK_STR(s, "/dev/termination-log");
	CHECK(podlife_pod_get_string(p, "spec.containers[0].terminationMessagePolicy", &s) == PODLIFE_OK);
	CHECK_STR(s, "File");
	CHECK(podlife_pod_get_string(p, "spec.containers[0].ports[0].protocol", &s) == PODLIFE_OK);
	CHECK_STR(s, "TCP");
	CHECK(podlife_pod_get_int(p, "spec.containers[0].readinessProbe.timeoutSeconds", &i) == PODLIFE_OK);
	CHECK_INT(i, 1);
	CHECK(podlife_pod_get_int(p, "spec.containers[0].readinessProbe.periodSeconds", &i) == PODLIFE_OK);
	CHECK_INT(i, 10);
	CHECK(podlife_pod_get_int(p, "spec.containers[0].readinessProbe.successThreshold", &i) == PODLIFE_OK);
	CHECK_INT(i, 1);
	CHECK(podlife_pod_get_int(p, "spec.containers[0].readinessProbe.failureThreshold", &i) == PODLIFE_OK);
	CHECK_INT(i, 3);
	CHECK(podlife_pod_get_string(p, "spec.containers[0].readinessProbe.httpGet.path", &s) == PODLIFE_OK);
	CHECK_STR(s, "/");
	CHECK(podlife_pod_get_string(p, "spec.containers[0].readinessProbe.httpGet.scheme", &s) == PODLIFE_OK);
	CHECK_STR(s, "HTTP");
	CHECK(podlife_pod_is_defaulted(p, "spec.containers[0].readinessProbe.httpGet.scheme", &dflt) == PODLIFE_OK);
	CHECK_INT(dflt, 1);
	/* a named port stays a string */
	CHECK(podlife_pod_get_string(p, "spec.containers[0].readinessProbe.httpGet.port", &s) == PODLIFE_OK);
	CHECK_STR(s, "http");
	CHECK(podlife_pod_get_int(p, "spec.containers[0].readinessProbe.httpGet.port", &i) == PODLIFE_ETYPE);
	podlife_pod_list_free(l);
}

static void test_negative_grace_becomes_1(void)
{
	podlife_pod_list *l = parse_ok("kind: Pod\nmetadata: {name: a}\nspec:\n"
	                               "  terminationGracePeriodSeconds: -5\n"
	                               "  containers: [{name: c, image: 'nginx:LATEST'}]\n",
	                               0, NULL);
	REQUIRE(l);
	podlife_pod *p = podlife_pod_list_get(l, 0);
	int64_t i = 0;
	const char *s;
	CHECK(podlife_pod_get_int(p, "spec.terminationGracePeriodSeconds", &i) == PODLIFE_OK);
	CHECK_INT(i, 1);
	/* the tag is compared case-sensitively */
	CHECK(podlife_pod_get_string(p, "spec.containers[0].imagePullPolicy", &s) == PODLIFE_OK);
	CHECK_STR(s, "IfNotPresent");
	podlife_pod_list_free(l);
}

static void test_volume_defaults(void)
{
	podlife_pod_list *l = parse_ok("kind: Pod\nmetadata: {name: a}\nspec:\n"
	                               "  volumes:\n"
	                               "  - name: scratch\n"
	                               "  - name: cfg\n"
	                               "    configMap: {name: cm}\n"
	                               "  containers:\n"
	                               "  - name: c\n    image: busybox:1\n"
	                               "    env:\n    - name: NODE\n"
	                               "      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}\n"
	                               "    resources:\n"
	                               "      limits: {cpu: '0.0001', memory: 64Mi}\n",
	                               0, NULL);
	REQUIRE(l);
	podlife_pod *p = podlife_pod_list_get(l, 0);
	podlife_value_type t;
	int64_t i = 0;
	const char *s;
	int d = 0;
	CHECK(podlife_pod_get_type(p, "spec.volumes[0].emptyDir", &t) == PODLIFE_OK);
	CHECK_INT(t, PODLIFE_VALUE_OBJECT);
	CHECK(podlife_pod_is_defaulted(p, "spec.volumes[0].emptyDir", &d) == PODLIFE_OK);
	CHECK_INT(d, 1);
	CHECK(podlife_pod_get_int(p, "spec.volumes[1].configMap.defaultMode", &i) == PODLIFE_OK);
	CHECK_INT(i, 420);
	CHECK(podlife_pod_get_string(p, "spec.containers[0].env[0].valueFrom.fieldRef.apiVersion", &s) == PODLIFE_OK);
	CHECK_STR(s, "v1");
	/* requests default to limits, quantities rounded up to milli */
	CHECK(podlife_pod_get_string(p, "spec.containers[0].resources.limits[cpu]", &s) == PODLIFE_OK);
	CHECK_STR(s, "1m");
	CHECK(podlife_pod_get_string(p, "spec.containers[0].resources.requests[memory]", &s) == PODLIFE_OK);
	CHECK_STR(s, "64Mi");
	CHECK(podlife_pod_is_defaulted(p, "spec.containers[0].resources.requests", &d) == PODLIFE_OK);
	CHECK_INT(d, 1);
	podlife_pod_list_free(l);
}

static void test_verbatim_volume_defaults(void)
{
	podlife_pod_list *l = parse_ok("kind: Pod\nmetadata: {name: a}\nspec:\n"
	                               "  containers: [{name: c, image: 'busybox:1'}]\n"
	                               "  volumes:\n"
	                               "  - name: info\n"
	                               "    downwardAPI:\n"
	                               "      items:\n"
	                               "      - path: labels\n"
	                               "        fieldRef: {fieldPath: metadata.labels}\n"
	                               "  - name: tok\n"
	                               "    projected:\n"
	                               "      sources:\n"
	                               "      - serviceAccountToken: {path: token}\n",
	                               0, NULL);
	REQUIRE(l);
	podlife_pod *p = podlife_pod_list_get(l, 0);
	int64_t i = 0;
	const char *s;
	CHECK(podlife_pod_get_int(p, "spec.volumes[0].downwardAPI.defaultMode", &i) == PODLIFE_OK);
	CHECK_INT(i, 420);
	CHECK(podlife_pod_get_string(p, "spec.volumes[0].downwardAPI.items[0].fieldRef.apiVersion", &s) == PODLIFE_OK);
	CHECK_STR(s, "v1");
	CHECK(podlife_pod_get_int(p, "spec.volumes[1].projected.defaultMode", &i) == PODLIFE_OK);
	CHECK_INT(i, 420);
	CHECK(podlife_pod_get_int(p, "spec.volumes[1].projected.sources[0].serviceAccountToken.expirationSeconds", &i) == PODLIFE_OK);
	CHECK_INT(i, 3600);
	podlife_pod_list_free(l);
}

static void test_access_paths(void)
{
	podlife_pod_list *l = parse_ok(minimal, 0, NULL);
	REQUIRE(l);
	podlife_pod *p = podlife_pod_list_get(l, 0);
	const char *s = NULL;
	size_t n = 0;
	int64_t i = 0;
	unsigned int line = 0, col = 0;
	CHECK(podlife_pod_get_string(p, "metadata.labels[app.kubernetes.io/name]", &s) == PODLIFE_OK);
	CHECK_STR(s, "web");
	CHECK(podlife_pod_get_count(p, "spec.containers", &n) == PODLIFE_OK);
	CHECK_INT(n, 2);
	CHECK(podlife_pod_get_count(p, "spec.containers[1].command", &n) == PODLIFE_OK);
	CHECK_INT(n, 3);
	CHECK(podlife_pod_get_string(p, "spec.containers[1].command[2]", &s) == PODLIFE_OK);
	CHECK_STR(s, "sleep 1");
	CHECK(podlife_pod_get_int(p, "spec.containers[0].ports[0].containerPort", &i) == PODLIFE_OK);
	CHECK_INT(i, 80);
	CHECK(podlife_pod_get_position(p, "spec.containers[0].ports[0].containerPort", &line, &col) == PODLIFE_OK);
	CHECK_INT(line, 12);
	CHECK_INT(col, 22);
	CHECK(podlife_pod_get_key(p, "metadata.labels", 0, &s) == PODLIFE_OK);
	CHECK_STR(s, "app.kubernetes.io/name");
	CHECK(podlife_pod_get_key(p, "metadata", 0, &s) == PODLIFE_OK);
	CHECK_STR(s, "name");
	/* unknown names and out-of-range indexes */
	CHECK(podlife_pod_get_string(p, "spec.nosuch", &s) == PODLIFE_ENOTFOUND);
	CHECK(podlife_pod_get_string(p, "spec.containers[7].name", &s) == PODLIFE_ENOTFOUND);
	CHECK(podlife_pod_get_string(p, "spec.containers[0", &s) == PODLIFE_EINVAL);
	CHECK(podlife_pod_get_int(p, "spec.containers[0].name", &i) == PODLIFE_ETYPE);
	/* a known field that is unset */
	podlife_value_type t;
	CHECK(podlife_pod_get_type(p, "spec.activeDeadlineSeconds", &t) == PODLIFE_OK);
	CHECK_INT(t, PODLIFE_VALUE_NULL);
	CHECK(podlife_pod_get_int(p, "spec.activeDeadlineSeconds", &i) == PODLIFE_ENOTFOUND);
	podlife_pod_list_free(l);
}

static void test_verbatim_fields(void)
{
	podlife_pod_list *l = parse_ok(
		"kind: Pod\nmetadata: {name: a}\nspec:\n"
		"  containers: [{name: c, image: busybox:1}]\n"
		"  tolerations:\n  - key: k\n    operator: Exists\n    effect: NoExecute\n    tolerationSeconds: 300\n"
		"  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
		"        nodeSelectorTerms:\n        - matchExpressions:\n"
		"          - {key: disk, operator: In, values: [ssd]}\n",
		0, NULL);
	REQUIRE(l);
	podlife_pod *p = podlife_pod_list_get(l, 0);
	const char *s;
	int64_t i = 0;
	CHECK(podlife_pod_get_string(p, "spec.tolerations[0].operator", &s) == PODLIFE_OK);
	CHECK_STR(s, "Exists");
	CHECK(podlife_pod_get_int(p, "spec.tolerations[0].tolerationSeconds", &i) == PODLIFE_OK);
	CHECK_INT(i, 300);
	CHECK(podlife_pod_get_string(p, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
	                                ".nodeSelectorTerms[0].matchExpressions[0].values[0]", &s) == PODLIFE_OK);
	CHECK_STR(s, "ssd");
	podlife_pod_list_free(l);
}

static void test_json_and_yaml_export_round_trip(void)
{
	podlife_pod_list *l = parse_ok(minimal, 0, NULL);
	REQUIRE(l);
	podlife_pod *p = podlife_pod_list_get(l, 0);
	char *json = NULL, *yaml = NULL, *json2 = NULL, *json3 = NULL;
	REQUIRE(podlife_pod_to_json(p, 0, &json) == PODLIFE_OK);
	CHECK(strstr(json, "\"restartPolicy\":\"Always\"") != NULL);
	CHECK(strncmp(json, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\"", 40) == 0);
	REQUIRE(podlife_pod_to_yaml(p, 0, &yaml) == PODLIFE_OK);
	CHECK(strstr(yaml, "restartPolicy: Always") != NULL);
	podlife_pod_list *l2 = parse_ok(json, 0, NULL), *l3 = parse_ok(yaml, 0, NULL);
	REQUIRE(l2 && l3);
	CHECK(podlife_pod_to_json(podlife_pod_list_get(l2, 0), 0, &json2) == PODLIFE_OK);
	CHECK(podlife_pod_to_json(podlife_pod_list_get(l3, 0), 0, &json3) == PODLIFE_OK);
	CHECK_STR(json2, json);
	CHECK_STR(json3, json);
	podlife_free(json);
	podlife_free(json2);
	podlife_free(json3);
	podlife_free(yaml);
	podlife_pod_list_free(l2);
	podlife_pod_list_free(l3);
	podlife_pod_list_free(l);
}

static void test_multi_document_list_and_workloads(void)
{
	const char *text =
		"apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec: {ports: [{port: 80}]}\n"
		"---\n"
		"apiVersion: v1\nkind: List\nitems:\n"
		"- {apiVersion: v1, kind: Pod, metadata: {name: one}, spec: {containers: [{name: c, image: x:1}]}}\n"
		"- {apiVersion: v1, kind: Pod, metadata: {name: two}, spec: {containers: [{name: c, image: x:1}]}}\n"
		"---\n"
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\n"
		"spec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n"
		"  template:\n    metadata: {labels: {app: web}}\n"
		"    spec: {containers: [{name: nginx, image: 'nginx:1.25'}]}\n"
		"---\n"
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tick}\n"
		"spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n"
		"        spec: {restartPolicy: OnFailure, containers: [{name: t, image: 'busybox:1'}]}\n";
	podlife_diag *d = NULL;
	podlife_pod_list *l = parse_ok(text, 0, &d);
	REQUIRE(l);
	CHECK_INT(podlife_pod_list_count(l), 4);
	CHECK_STR(podlife_pod_name(podlife_pod_list_get(l, 0)), "one");
	CHECK_STR(podlife_pod_name(podlife_pod_list_get(l, 1)), "two");
	podlife_pod *dep = podlife_pod_list_get(l, 2);
	CHECK_STR(podlife_pod_source_kind(dep), "Deployment");
	CHECK_STR(podlife_pod_namespace(dep), "prod");
	CHECK_INT(podlife_pod_document(dep), 2);
	const char *s;
	CHECK(podlife_pod_get_string(dep, "metadata.generateName", &s) == PODLIFE_OK);
	CHECK_STR(s, "web-");
	/* templates get no Pod-only defaults */
	podlife_value_type t;
	CHECK(podlife_pod_get_type(dep, "spec.enableServiceLinks", &t) == PODLIFE_OK);
	CHECK_INT(t, PODLIFE_VALUE_NULL);
	CHECK_STR(podlife_pod_source_kind(podlife_pod_list_get(l, 3)), "CronJob");
	CHECK(diag_has(d, "skipping Service \"svc\": not a Pod", 1));
	podlife_diag_free(d);
	podlife_pod_list_free(l);
}

static void test_template_errors_carry_the_template_path(void)
{
	podlife_diag *d = parse_fail("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
	                             "spec:\n  template:\n    spec:\n      containers:\n"
	                             "      - name: a\n        image: x:1\n        bogus: 1\n"
	                             "      - name: a\n        image: x:1\n",
	                             0, PODLIFE_EINVALID);
	CHECK(diag_has(d, "unknown field \"spec.template.spec.containers[0].bogus\"", 10));
	CHECK(diag_has(d, "spec.template.spec.containers[1].name: Duplicate value: \"a\"", 11));
	podlife_diag_free(d);
}

static void test_unknown_fields_warn_or_fail_strict(void)
{
	const char *text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n"
	                   "  containers:\n  - name: c\n    image: x:1\n    imagePullPolicyy: Never\n";
	podlife_diag *d = NULL;
	podlife_pod_list *l = parse_ok(text, 0, &d);
	CHECK(l != NULL);
	CHECK(diag_has(d, "unknown field \"spec.containers[0].imagePullPolicyy\"", 8));
	CHECK(podlife_error_severity(podlife_diag_get(d, 0)) == PODLIFE_SEVERITY_WARNING);
	CHECK_INT(podlife_error_column(podlife_diag_get(d, 0)), 5);
	podlife_diag_free(d);
	podlife_pod_list_free(l);
	d = parse_fail(text, PODLIFE_PARSE_STRICT, PODLIFE_EPARSE);
	CHECK(diag_has(d, "unknown field \"spec.containers[0].imagePullPolicyy\"", 8));
	podlife_diag_free(d);
}

static void test_duplicate_keys(void)
{
	const char *text = "kind: Pod\nmetadata:\n  name: a\n  name: b\nspec:\n"
	                   "  containers: [{name: c, image: 'x:1'}]\n";
	podlife_diag *d = NULL;
	podlife_pod_list *l = parse_ok(text, 0, &d);
	CHECK(l != NULL);
	CHECK(diag_has(d, "duplicate field \"metadata.name\"", 4));
	podlife_diag_free(d);
	podlife_pod_list_free(l);
	d = parse_fail(text, PODLIFE_PARSE_STRICT, PODLIFE_EPARSE);
	CHECK(diag_has(d, "duplicate field \"metadata.name\"", 4));
	podlife_diag_free(d);
}

static void test_wrong_types(void)
{
	podlife_diag *d = parse_fail(
		"kind: Pod\nmetadata: {name: a}\nspec:\n"
		"  containers:\n  - name: c\n    image: x:1\n"
		"    ports:\n    - containerPort: '80'\n    - containerPort: 99999999999\n"
		"    command: sh\n    stdin: maybe\n"
		"  hostNetwork: 1\n",
		0, PODLIFE_EPARSE);
	CHECK(diag_has(d, "spec.containers[0].ports[0].containerPort: Invalid value: \"string\": expected integer", 8));
	CHECK(diag_has(d, "spec.containers[0].ports[1].containerPort: Invalid value: \"99999999999\": out of range for a 32-bit integer", 9));
	CHECK(diag_has(d, "spec.containers[0].command: Invalid value: \"string\": expected array of strings", 10));
	CHECK(diag_has(d, "spec.containers[0].stdin: Invalid value: \"string\": expected boolean", 11));
	CHECK(diag_has(d, "spec.hostNetwork: Invalid value: \"string\": expected boolean", 12));
	podlife_diag_free(d);
	d = parse_fail("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"containers\":\"x\"}}", 0,
	               PODLIFE_EPARSE);
	CHECK(diag_has(d, "spec.containers: Invalid value: \"string\": expected array", 0));
	podlife_diag_free(d);
}

static void test_missing_kind_and_non_objects(void)
{
	podlife_diag *d = parse_fail("metadata: {name: a}\n", 0, PODLIFE_EPARSE);
	CHECK(diag_has(d, "Object 'Kind' is missing", 1));
	podlife_diag_free(d);
	d = parse_fail("just a string\n", 0, PODLIFE_EPARSE);
	CHECK(podlife_diag_error_count(d) == 1);
	podlife_diag_free(d);
	/* empty input: no pods, no error */
	podlife_pod_list *l = parse_ok("# nothing here\n", 0, NULL);
	CHECK(l && podlife_pod_list_count(l) == 0);
	podlife_pod_list_free(l);
}

static void test_bad_input_classes(void)
{
	/* malformed YAML */
	podlife_diag *d = parse_fail("kind: Pod\nmetadata: {name: a\nspec: [\n", 0, PODLIFE_EPARSE);
	CHECK(podlife_diag_error_count(d) >= 1 && podlife_error_line(podlife_diag_get(d, 0)) > 0);
	podlife_diag_free(d);
	/* malformed JSON */
	d = parse_fail("{\"kind\": \"Pod\",,}", 0, PODLIFE_EPARSE);
	CHECK(podlife_diag_error_count(d) >= 1);
	podlife_diag_free(d);
	/* alias bomb */
	const char *bomb =
		"a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nkind: Pod\n";
	d = parse_fail(bomb, 0, PODLIFE_ETOOBIG);
	podlife_diag_free(d);
	/* deep nesting */
	char deep[3000];
	size_t n = 0;
	n += (size_t)snprintf(deep, sizeof(deep), "kind: Pod\nx: ");
	for (int i = 0; i < 500; i++)
		deep[n++] = '[';
	for (int i = 0; i < 500; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	d = parse_fail(deep, 0, PODLIFE_ETOOBIG);
	podlife_diag_free(d);
	/* size limit */
	podlife_parse_options o = PODLIFE_PARSE_OPTIONS_INIT;
	o.max_bytes = 16;
	podlife_pod_list *l = NULL;
	CHECK_INT(podlife_pod_parse(minimal, strlen(minimal), &o, &l, NULL), PODLIFE_ETOOBIG);
	/* invalid UTF-8 and NUL bytes */
	const char bad_utf8[] = "kind: Pod\nmetadata: {name: \"a\xff\"}\n";
	CHECK(podlife_pod_parse(bad_utf8, sizeof(bad_utf8) - 1, NULL, &l, NULL) == PODLIFE_EPARSE);
	const char nul[] = "kind: Pod\nmetadata: {name: a}\0\nspec: {}\n";
	CHECK(podlife_pod_parse(nul, sizeof(nul) - 1, NULL, &l, NULL) == PODLIFE_EPARSE);
	CHECK(l == NULL);
	/* arguments */
	CHECK(podlife_pod_parse(NULL, 5, NULL, &l, NULL) == PODLIFE_EINVAL);
	CHECK(podlife_pod_parse("x", 1, NULL, NULL, NULL) == PODLIFE_EINVAL);
	o.version = 999;
	CHECK(podlife_pod_parse("x", 1, &o, &l, NULL) == PODLIFE_EVERSION);
}

static size_t live_allocs;
static void *t_malloc(void *ud, size_t n) { (void)ud; live_allocs++; return malloc(n); }
static void *t_realloc(void *ud, void *p, size_t n) { (void)ud; if (!p) live_allocs++; return realloc(p, n); }
static void t_free(void *ud, void *p) { (void)ud; if (p) live_allocs--; free(p); }

static void test_allocator_hooks_balance(void)
{
	podlife_allocator al = {PODLIFE_ALLOCATOR_VERSION, t_malloc, t_realloc, t_free, NULL};
	podlife_parse_options o = PODLIFE_PARSE_OPTIONS_INIT;
	o.allocator = &al;
	podlife_pod_list *l = NULL;
	podlife_diag *d = NULL;
	CHECK(podlife_pod_parse(minimal, strlen(minimal), &o, &l, &d) == PODLIFE_OK);
	CHECK(live_allocs > 0);
	podlife_pod *keep = podlife_pod_retain(podlife_pod_list_get(l, 0));
	podlife_pod_list_free(l);
	CHECK_STR(podlife_pod_name(keep), "web"); /* still alive through our reference */
	podlife_pod_release(keep);
	podlife_diag_free(d);
	CHECK_INT(live_allocs, 0);
	/* and on failure */
	CHECK(podlife_pod_parse("kind: Pod\nspec: 3\n", 18, &o, &l, &d) == PODLIFE_EPARSE);
	podlife_diag_free(d);
	CHECK_INT(live_allocs, 0);
}

int main(void)
{
	RUN(test_schema_tables_are_sound);
	RUN(test_SetDefaults_PodSpec);
	RUN(test_SetDefaults_Container_and_Probe);
	RUN(test_negative_grace_becomes_1);
	RUN(test_volume_defaults);
	RUN(test_verbatim_volume_defaults);
	RUN(test_access_paths);
	RUN(test_verbatim_fields);
	RUN(test_json_and_yaml_export_round_trip);
	RUN(test_multi_document_list_and_workloads);
	RUN(test_template_errors_carry_the_template_path);
	RUN(test_unknown_fields_warn_or_fail_strict);
	RUN(test_duplicate_keys);
	RUN(test_wrong_types);
	RUN(test_missing_kind_and_non_objects);
	RUN(test_bad_input_classes);
	RUN(test_allocator_hooks_balance);
	DONE();
}
