/*
 * tests/spec_validate/test_validate.c - the API server's Pod validation
 * (pkg/apis/core/validation ValidatePodCreate / ValidatePodSpec /
 * validateContainerCommon, apimachinery util/validation): one case per
 * rule, each a YAML pod read through podlife_pod_parse, asserting the
 * exact message, the path and a source position.
 */
#include "harness.h"
#include "podlife/pod.h"

#define HEAD "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
/* a pod with one container c whose extra lines follow */
#define CTR(extra) HEAD "  containers:\n  - name: c\n    image: nginx\n" extra
#define POD(spec) HEAD spec

typedef struct vcase {
	const char *name;
	const char *yaml;
	const char *want; /* the whole message */
} vcase;

static const vcase cases[] = {
	/* ---- metadata (ValidateObjectMeta) ---- */
	{"name required", "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {a: b}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.name: Required value: name or generateName is required"},
	{"name subdomain", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Web_1\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
	{"generateName prefix", "apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: Web-\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.generateName: Invalid value: \"Web-\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
	{"namespace label", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a.b\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.namespace: Invalid value: \"a.b\": must not contain dots"},
	{"label key", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {\"-x\": ok}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.labels: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
	{"label key prefix", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {\"/x\": ok}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.labels: Invalid value: \"/x\": prefix part must be non-empty"},
	{"label value", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: \"my app\"}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.labels: Invalid value: \"my app\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
	{"label value length", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.labels: Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must be no more than 63 characters"},
	{"annotation key", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {\"a b\": x}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.annotations: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
	{"mirror annotation", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {kubernetes.io/config.mirror: abc}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.annotations[kubernetes.io/config.mirror]: Invalid value: \"abc\": must set spec.nodeName if mirror pod annotation is set"},
	{"deletion cost", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {controller.kubernetes.io/pod-deletion-cost: \"+10\"}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"+10\": must be a 32bit integer"},
	{"seccomp annotation", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: strict}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.annotations.seccomp.security.alpha.kubernetes.io/pod: Invalid value: \"strict\": must be a valid seccomp profile"},
	{"apparmor container", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {container.apparmor.security.beta.kubernetes.io/web: runtime/default}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]: Invalid value: \"web\": container not found"},
	{"apparmor profile", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {container.apparmor.security.beta.kubernetes.io/c: enforce}\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]: Invalid value: \"enforce\": invalid AppArmor profile name: \"enforce\""},
	{"finalizer", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  finalizers: [custom]\nspec:\n  containers:\n  - {name: c, image: i}\n",
	 "metadata.finalizers[0]: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified"},

	/* ---- containers (validateContainers, validateContainerCommon) ---- */
	{"containers required", POD("  restartPolicy: Always\n"), "spec.containers: Required value"},
	{"container name required", POD("  containers:\n  - image: nginx\n"),
	 "spec.containers[0].name: Required value"},
	{"container name label", POD("  containers:\n  - {name: My-App, image: nginx}\n"),
	 "spec.containers[0].name: Invalid value: \"My-App\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"},
	{"container name dots", POD("  containers:\n  - {name: a.b, image: nginx}\n"),
	 "spec.containers[0].name: Invalid value: \"a.b\": must not contain dots"},
	{"container name length", POD("  containers:\n  - {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, image: nginx}\n"),
	 "spec.containers[0].name: Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must be no more than 63 characters"},
	{"duplicate container", POD("  containers:\n  - {name: a, image: nginx}\n  - {name: a, image: nginx}\n"),
	 "spec.containers[1].name: Duplicate value: \"a\""},
	{"init duplicates regular", POD("  initContainers:\n  - {name: a, image: busybox}\n  containers:\n  - {name: a, image: nginx}\n"),
	 "spec.initContainers[0].name: Duplicate value: \"a\""},
	{"init duplicates init", POD("  initContainers:\n  - {name: i, image: busybox}\n  - {name: i, image: busybox}\n  containers:\n  - {name: a, image: nginx}\n"),
	 "spec.initContainers[1].name: Duplicate value: \"i\""},
	{"image required", POD("  containers:\n  - name: c\n    image: \"\"\n"),
	 "spec.containers[0].image: Required value"},
	{"image whitespace", POD("  containers:\n  - name: c\n    image: \"nginx \"\n"),
	 "spec.containers[0].image: Invalid value: \"nginx \": must not have leading or trailing whitespace"},
	{"image whitespace init", POD("  initContainers:\n  - name: i\n    image: \" busybox\"\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.initContainers[0].image: Invalid value: \" busybox\": must not have leading or trailing whitespace"},
	{"imagePullPolicy", CTR("    imagePullPolicy: Sometimes\n"),
	 "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""},
	{"terminationMessagePolicy", CTR("    terminationMessagePolicy: Logs\n"),
	 "spec.containers[0].terminationMessagePolicy: Unsupported value: \"Logs\": supported values: \"File\", \"FallbackToLogsOnError\""},
	{"init restartPolicy", POD("  initContainers:\n  - {name: i, image: b, restartPolicy: Sometimes}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.initContainers[0].restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\""},
	{"container restartPolicy", CTR("    restartPolicy: Sometimes\n"),
	 "spec.containers[0].restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\""},
	{"restart rules need policy", CTR("    restartPolicyRules:\n    - action: Restart\n      exitCodes: {operator: In, values: [42]}\n"),
	 "spec.containers[0].restartPolicy: Required value: must specify restartPolicy when restart rules are used"},
	{"restart rule action", CTR("    restartPolicy: Never\n    restartPolicyRules:\n    - action: Stop\n      exitCodes: {operator: In, values: [42]}\n"),
	 "spec.containers[0].restartPolicyRules[0].action: Unsupported value: \"Stop\": supported values: \"Restart\""},
	{"restart rule operator", CTR("    restartPolicy: Never\n    restartPolicyRules:\n    - action: Restart\n      exitCodes: {operator: Equals, values: [42]}\n"),
	 "spec.containers[0].restartPolicyRules[0].exitCodes.operator: Unsupported value: \"Equals\": supported values: \"In\", \"NotIn\""},
	{"init lifecycle", POD("  initContainers:\n  - name: i\n    image: b\n    lifecycle:\n      preStop: {exec: {command: [x]}}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always"},
	{"init readiness", POD("  initContainers:\n  - name: i\n    image: b\n    readinessProbe:\n      exec: {command: [x]}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"},
	{"sidecar probe checked", POD("  initContainers:\n  - name: i\n    image: b\n    restartPolicy: Always\n    startupProbe:\n      exec: {command: [x]}\n      successThreshold: 3\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.initContainers[0].startupProbe.successThreshold: Invalid value: 3: must be 1"},

	/* ---- probes and handlers ---- */
	{"handler required", CTR("    livenessProbe:\n      periodSeconds: 5\n"),
	 "spec.containers[0].livenessProbe: Required value: must specify a handler type"},
	{"more than one handler", CTR("    readinessProbe:\n      exec: {command: [x]}\n      tcpSocket: {port: 80}\n"),
	 "spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"},
	{"exec command", CTR("    livenessProbe:\n      exec: {command: []}\n"),
	 "spec.containers[0].livenessProbe.exec.command: Required value"},
	{"liveness successThreshold", CTR("    livenessProbe:\n      exec: {command: [x]}\n      successThreshold: 2\n"),
	 "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"},
	{"negative period", CTR("    readinessProbe:\n      exec: {command: [x]}\n      periodSeconds: -1\n"),
	 "spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"},
	{"negative initial delay", CTR("    readinessProbe:\n      exec: {command: [x]}\n      initialDelaySeconds: -5\n"),
	 "spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -5: must be greater than or equal to 0"},
	{"probe grace zero", CTR("    livenessProbe:\n      exec: {command: [x]}\n      terminationGracePeriodSeconds: 0\n"),
	 "spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"},
	{"readiness grace", CTR("    readinessProbe:\n      exec: {command: [x]}\n      terminationGracePeriodSeconds: 5\n"),
	 "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"},
	{"http scheme", CTR("    livenessProbe:\n      httpGet: {port: 80, scheme: FTP}\n"),
	 "spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""},
	{"http port range", CTR("    livenessProbe:\n      httpGet: {port: 70000}\n"),
	 "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 70000: must be between 1 and 65535, inclusive"},
	{"http port name", CTR("    livenessProbe:\n      httpGet: {port: \"1234\"}\n"),
	 "spec.containers[0].livenessProbe.httpGet.port: Invalid value: \"1234\": must contain at least one letter (a-z)"},
	{"http header", CTR("    livenessProbe:\n      httpGet:\n        port: 80\n        httpHeaders: [{name: \"X Y\", value: z}]\n"),
	 "spec.containers[0].livenessProbe.httpGet.httpHeaders: Invalid value: \"X Y\": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"},
	{"tcp port", CTR("    startupProbe:\n      tcpSocket: {port: 0}\n"),
	 "spec.containers[0].startupProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive"},
	{"grpc port", CTR("    livenessProbe:\n      grpc: {port: -1}\n"),
	 "spec.containers[0].livenessProbe.grpc.port: Invalid value: -1: must be between 1 and 65535, inclusive"},
	{"hook handler required", CTR("    lifecycle:\n      postStart: {}\n"),
	 "spec.containers[0].lifecycle.postStart: Required value: must specify a handler type"},
	{"hook two handlers", CTR("    lifecycle:\n      preStop:\n        exec: {command: [x]}\n        sleep: {seconds: 1}\n"),
	 "spec.containers[0].lifecycle.preStop.sleep: Forbidden: may not specify more than 1 handler type"},
	{"sleep range", POD("  terminationGracePeriodSeconds: 10\n  containers:\n  - name: c\n    image: nginx\n    lifecycle:\n      preStop:\n        sleep: {seconds: 20}\n"),
	 "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 20: must be non-negative and less than terminationGracePeriodSeconds (10)"},
	{"stopSignal needs os", CTR("    lifecycle:\n      stopSignal: SIGUSR1\n"),
	 "spec.containers[0].lifecycle.stopSignal: Forbidden: may not be set for containers with empty `spec.os.name`"},
	{"stopSignal windows", POD("  os: {name: windows}\n  containers:\n  - name: c\n    image: nginx\n    lifecycle:\n      stopSignal: SIGUSR1\n"),
	 "spec.containers[0].lifecycle.stopSignal: Unsupported value: \"SIGUSR1\": supported values: \"SIGKILL\", \"SIGTERM\""},

	/* ---- ports ---- */
	{"containerPort required", CTR("    ports:\n    - {name: web, hostPort: 80}\n"),
	 "spec.containers[0].ports[0].containerPort: Required value"},
	{"containerPort range", CTR("    ports:\n    - containerPort: 65536\n"),
	 "spec.containers[0].ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive"},
	{"hostPort range", CTR("    ports:\n    - {containerPort: 80, hostPort: -1}\n"),
	 "spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive"},
	{"protocol", CTR("    ports:\n    - {containerPort: 80, protocol: HTTP}\n"),
	 "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""},
	{"port name length", CTR("    ports:\n    - {containerPort: 80, name: abcdefghijklmnop}\n"),
	 "spec.containers[0].ports[0].name: Invalid value: \"abcdefghijklmnop\": must be no more than 15 characters"},
	{"port name chars", CTR("    ports:\n    - {containerPort: 80, name: Web}\n"),
	 "spec.containers[0].ports[0].name: Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"},
	{"port name hyphens", CTR("    ports:\n    - {containerPort: 80, name: web-}\n"),
	 "spec.containers[0].ports[0].name: Invalid value: \"web-\": must not begin or end with a hyphen"},
	{"port name duplicate", CTR("    ports:\n    - {containerPort: 80, name: web}\n    - {containerPort: 81, name: web}\n"),
	 "spec.containers[0].ports[1].name: Duplicate value: \"web\""},
	{"hostPort duplicate", POD("  containers:\n  - name: a\n    image: nginx\n    ports: [{containerPort: 80, hostPort: 8080}]\n  - name: b\n    image: nginx\n    ports: [{containerPort: 81, hostPort: 8080}]\n"),
	 "spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//8080\""},
	{"hostNetwork hostPort", POD("  hostNetwork: true\n  containers:\n  - name: c\n    image: nginx\n    ports: [{containerPort: 80, hostPort: 81}]\n"),
	 "spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true"},

	/* ---- volumes and mounts ---- */
	{"volume name required", POD("  volumes:\n  - emptyDir: {}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].name: Required value"},
	{"volume name label", POD("  volumes:\n  - {name: Data, emptyDir: {}}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].name: Invalid value: \"Data\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"},
	{"volume duplicate", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  - {name: d, emptyDir: {}}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[1].name: Duplicate value: \"d\""},
	{"two volume types", POD("  volumes:\n  - name: d\n    emptyDir: {}\n    configMap: {name: x}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"},
	{"downwardAPI typo kept", POD("  volumes:\n  - name: d\n    secret: {secretName: s}\n    downwardAPI: {items: []}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].downwarAPI: Forbidden: may not specify more than 1 volume type"},
	{"hostPath path", POD("  volumes:\n  - name: d\n    hostPath: {path: \"\"}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].hostPath.path: Required value"},
	{"hostPath backsteps", POD("  volumes:\n  - name: d\n    hostPath: {path: /a/../b}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].hostPath.path: Invalid value: \"/a/../b\": must not contain '..'"},
	{"hostPath type", POD("  volumes:\n  - name: d\n    hostPath: {path: /a, type: Dir}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].hostPath.type: Unsupported value: \"Dir\": supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\""},
	{"secret name", POD("  volumes:\n  - name: d\n    secret: {defaultMode: 420}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].secret.secretName: Required value"},
	{"configMap mode", POD("  volumes:\n  - name: d\n    configMap: {name: x, defaultMode: 1000}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive"},
	{"configMap item path", POD("  volumes:\n  - name: d\n    configMap:\n      name: x\n      items: [{key: k, path: /etc/k}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].configMap.items[0].path: Invalid value: \"/etc/k\": must be a relative path"},
	{"secret item key", POD("  volumes:\n  - name: d\n    secret:\n      secretName: x\n      items: [{path: k}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].secret.items[0].key: Required value"},
	{"pvc claimName", POD("  volumes:\n  - name: d\n    persistentVolumeClaim: {readOnly: true}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].persistentVolumeClaim.claimName: Required value"},
	{"nfs path", POD("  volumes:\n  - name: d\n    nfs: {server: nfs.example, path: exports/a}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].nfs.path: Invalid value: \"exports/a\": must be an absolute path"},
	{"downwardAPI path", POD("  volumes:\n  - name: d\n    downwardAPI:\n      items: [{path: ../labels, fieldRef: {fieldPath: metadata.labels}}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].downwardAPI.path: Invalid value: \"../labels\": must not contain '..'"},
	{"downwardAPI fieldRef", POD("  volumes:\n  - name: d\n    downwardAPI:\n      items: [{path: ip, fieldRef: {fieldPath: status.podIP}}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: \"status.podIP\": supported values: \"metadata.annotations\", \"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\""},
	{"image volume reference", POD("  volumes:\n  - name: d\n    image: {pullPolicy: IfNotPresent}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].image.reference: Required value"},
	{"emptyDir negative size", POD("  volumes:\n  - name: d\n    emptyDir: {sizeLimit: -1Gi}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity"},
	{"mount not found", CTR("    volumeMounts:\n    - {name: data, mountPath: /d}\n"),
	 "spec.containers[0].volumeMounts[0].name: Not found: \"data\""},
	{"mount of invalid volume", POD("  volumes:\n  - {name: Data, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: Data, mountPath: /d}\n"),
	 "spec.containers[0].volumeMounts[0].name: Not found: \"Data\""},
	{"mountPath required", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: \"\"}\n"),
	 "spec.containers[0].volumeMounts[0].mountPath: Required value"},
	{"mountPath unique", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  - {name: e, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /x}\n    - {name: e, mountPath: /x}\n"),
	 "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/x\": must be unique"},
	{"subPath absolute", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /x, subPath: /abs}\n"),
	 "spec.containers[0].volumeMounts.subPath: Invalid value: \"/abs\": must be a relative path"},
	{"subPath backsteps", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /x, subPath: a/../..}\n"),
	 "spec.containers[0].volumeMounts.subPath: Invalid value: \"a/../..\": must not contain '..'"},
	{"subPathExpr exclusive", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /x, subPath: a, subPathExpr: b}\n"),
	 "spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: \"b\": subPathExpr and subPath are mutually exclusive"},
	{"mountPropagation", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /x, mountPropagation: Bidirectional}\n"),
	 "spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers"},
	{"recursiveReadOnly", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /x, recursiveReadOnly: Enabled}\n"),
	 "spec.containers[0].volumeMounts.recursiveReadOnly: Forbidden: may only be specified when readOnly is true"},

	/* ---- env ---- */
	{"env name required", CTR("    env:\n    - value: x\n"), "spec.containers[0].env[0].name: Required value"},
	{"env name relaxed", CTR("    env:\n    - name: \"A=B\"\n"),
	 "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"},
	{"valueFrom none", CTR("    env:\n    - name: A\n      valueFrom: {}\n"),
	 "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"},
	{"valueFrom and value", CTR("    env:\n    - name: A\n      value: x\n      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n"),
	 "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"},
	{"valueFrom two", CTR("    env:\n    - name: A\n      valueFrom:\n        fieldRef: {fieldPath: metadata.name}\n        secretKeyRef: {name: s, key: k}\n"),
	 "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"},
	{"fieldRef unsupported", CTR("    env:\n    - name: A\n      valueFrom: {fieldRef: {fieldPath: metadata.labels}}\n"),
	 "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"metadata.labels\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""},
	{"fieldRef unknown", CTR("    env:\n    - name: A\n      valueFrom: {fieldRef: {fieldPath: spec.foo}}\n"),
	 "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.foo\": error converting fieldPath: field label not supported: spec.foo"},
	{"resourceFieldRef", CTR("    env:\n    - name: A\n      valueFrom: {resourceFieldRef: {resource: limits.gpu}}\n"),
	 "spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: Unsupported value: \"limits.gpu\": supported values: \"limits.cpu\", \"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", \"requests.ephemeral-storage\", \"requests.memory\""},
	{"resourceFieldRef divisor", CTR("    env:\n    - name: A\n      valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1k}}\n"),
	 "spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: Invalid value: \"limits.cpu\": only divisor's values 1m and 1 are supported with the cpu resource"},
	{"secretKeyRef key", CTR("    env:\n    - name: A\n      valueFrom: {secretKeyRef: {name: s, key: \"a b\"}}\n"),
	 "spec.containers[0].env[0].valueFrom.secretKeyRef.key: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"},
	{"configMapKeyRef key required", CTR("    env:\n    - name: A\n      valueFrom: {configMapKeyRef: {name: s}}\n"),
	 "spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Required value"},
	{"envFrom prefix", CTR("    envFrom:\n    - prefix: \"A=\"\n      configMapRef: {name: c}\n"),
	 "spec.containers[0].envFrom[0].prefix: Invalid value: \"A=\": a valid environment variable name must consist only of printable ASCII characters other than '='"},
	{"envFrom no source", CTR("    envFrom:\n    - prefix: P_\n"),
	 "spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"},

	/* ---- resources ---- */
	{"request above limit", CTR("    resources:\n      limits: {cpu: \"1\"}\n      requests: {cpu: \"2\"}\n"),
	 "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"},
	{"request above limit canonical", CTR("    resources:\n      limits: {memory: 1Gi}\n      requests: {memory: 2048Mi}\n"),
	 "spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1Gi"},
	{"negative limit", CTR("    resources:\n      limits: {cpu: \"-1\"}\n"),
	 "spec.containers[0].resources.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"},
	{"resource name", CTR("    resources:\n      limits: {gpu: \"1\"}\n"),
	 "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified"},
	{"resource not for containers", CTR("    resources:\n      limits: {pods: \"1\"}\n"),
	 "spec.containers[0].resources.limits[pods]: Invalid value: \"pods\": must be a standard resource for containers"},
	{"extended integer", CTR("    resources:\n      limits: {example.com/gpu: 500m}\n"),
	 "spec.containers[0].resources.limits[example.com/gpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"500m\", Format:\"DecimalSI\"}: must be an integer"},
	{"extended integer decimal", CTR("    resources:\n      limits: {example.com/gpu: \"1.5\"}\n"),
	 "spec.containers[0].resources.limits[example.com/gpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:15, scale:-1}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"\", Format:\"DecimalSI\"}: must be an integer"},
	{"extended integer saturates", CTR("    resources:\n      limits: {example.com/gpu: 10P}\n"),
	 "spec.containers[0].resources.limits[example.com/gpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:10, scale:15}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"10P\", Format:\"DecimalSI\"}: must be an integer"},
	{"extended equal", CTR("    resources:\n      limits: {example.com/gpu: \"2\"}\n      requests: {example.com/gpu: \"1\"}\n"),
	 "spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to example.com/gpu limit of 2"},
	{"hugepages need cpu", CTR("    resources:\n      limits: {hugepages-2Mi: 2Mi}\n"),
	 "spec.containers[0].resources: Forbidden: HugePages require cpu or memory"},
	{"hugepages multiple", CTR("    resources:\n      limits: {memory: 1Gi, hugepages-2Mi: 3Mi}\n"),
	 "spec.containers[0].resources.limits[hugepages-2Mi]: Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi"},
	{"resizePolicy resource", CTR("    resizePolicy:\n    - {resourceName: gpu, restartPolicy: NotRequired}\n"),
	 "spec.containers[0].resizePolicy: Unsupported value: \"gpu\": supported values: \"cpu\", \"memory\""},
	{"resizePolicy with Never", POD("  restartPolicy: Never\n  containers:\n  - name: c\n    image: nginx\n    resizePolicy:\n    - {resourceName: cpu, restartPolicy: RestartContainer}\n"),
	 "spec.containers[0].resizePolicy: Invalid value: \"RestartContainer\": must be 'NotRequired' when `restartPolicy` is 'Never'"},
	{"bad quantity", CTR("    resources:\n      limits: {cpu: 1x}\n"),
	 "spec.containers[0].resources.limits[cpu]: Invalid value: \"1x\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
	{"bad quantity suffix", CTR("    resources:\n      requests: {memory: 1Q3}\n"),
	 "spec.containers[0].resources.requests[memory]: Invalid value: \"1Q3\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
	{"quantity suffix", CTR("    resources:\n      requests: {memory: 1Ki3}\n"),
	 "spec.containers[0].resources.requests[memory]: Invalid value: \"1Ki3\": unable to parse quantity's suffix"},

	/* ---- security context ---- */
	{"runAsUser", CTR("    securityContext: {runAsUser: -1}\n"),
	 "spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive"},
	{"procMount", CTR("    securityContext: {procMount: Other}\n"),
	 "spec.containers[0].securityContext.procMount: Unsupported value: \"Other\": supported values: \"Default\", \"Unmasked\""},
	{"procMount unmasked", CTR("    securityContext: {procMount: Unmasked}\n"),
	 "spec.containers[0].securityContext.procMount: Invalid value: \"Unmasked\": `hostUsers` must be false to use `Unmasked`"},
	{"seccomp type", CTR("    securityContext:\n      seccompProfile: {type: Custom}\n"),
	 "spec.containers[0].securityContext.seccompProfile.type: Unsupported value: \"Custom\": supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\""},
	{"seccomp localhost", CTR("    securityContext:\n      seccompProfile: {type: Localhost}\n"),
	 "spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost"},
	{"pod fsGroup", POD("  securityContext: {fsGroup: -2}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.securityContext.fsGroup: Invalid value: -2: must be between 0 and 2147483647, inclusive"},
	{"pod sysctl", POD("  securityContext:\n    sysctls: [{name: \"Net.X\", value: \"1\"}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.securityContext.sysctls[0].name: Invalid value: \"Net.X\": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"},
	{"fsGroupChangePolicy", POD("  securityContext: {fsGroupChangePolicy: Never}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.securityContext.fsGroupChangePolicy: Unsupported value: \"Never\": supported values: \"Always\", \"OnRootMismatch\""},
	{"shareProcessNamespace", POD("  hostPID: true\n  shareProcessNamespace: true\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled"},
	{"hostUsers", POD("  hostUsers: false\n  hostNetwork: true\n  containers:\n  - {name: c, image: nginx, ports: [{containerPort: 80}]}\n"),
	 "spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false"},

	/* ---- pod-level scalars ---- */
	{"restartPolicy", POD("  restartPolicy: Sometimes\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""},
	{"dnsPolicy", POD("  dnsPolicy: Cluster\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""},
	{"dnsPolicy None", POD("  dnsPolicy: None\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"},
	{"activeDeadlineSeconds", POD("  activeDeadlineSeconds: 0\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"},
	{"nodeSelector value", POD("  nodeSelector: {disk: \"s s\"}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.nodeSelector: Invalid value: \"s s\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
	{"readinessGates", POD("  readinessGates: [{conditionType: \"a b\"}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.readinessGates[0].conditionType: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
	{"hostname", POD("  hostname: My.Host\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.hostname: Invalid value: \"My.Host\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"},
	{"nodeName", POD("  nodeName: Node_1\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
	{"preemptionPolicy", POD("  preemptionPolicy: Always\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.preemptionPolicy: Unsupported value: \"Always\": supported values: \"PreemptLowerPriority\", \"Never\""},
	{"os name", POD("  os: {name: plan9}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.os: Unsupported value: \"plan9\": supported values: \"linux\", \"windows\""},
	{"windows options on linux", POD("  os: {name: linux}\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      windowsOptions: {runAsUserName: x}\n"),
	 "spec.containers[0].securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod"},
	{"overhead", POD("  overhead: {cpu: \"-1\"}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.overhead.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"},
	{"toleration operator", POD("  tolerations:\n  - {key: k, operator: Has}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.tolerations[0].operator: Unsupported value: \"Has\": supported values: \"Equal\", \"Exists\""},
	{"toleration empty key", POD("  tolerations:\n  - {operator: Equal, value: v}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""},
	{"toleration seconds", POD("  tolerations:\n  - {key: k, operator: Exists, effect: NoSchedule, tolerationSeconds: 5}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"},
	{"toleration effect", POD("  tolerations:\n  - {key: k, operator: Exists, effect: Evict}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.tolerations[0].effect: Unsupported value: \"Evict\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""},
	{"toleration exists value", POD("  tolerations:\n  - {key: k, operator: Exists, value: v}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"},
	{"volumeDevice not found", CTR("    volumeDevices:\n    - {name: raw, devicePath: /dev/xvda}\n"),
	 "spec.containers[0].volumeDevices[0].name: Not found: \"raw\""},
	{"volumeDevice not a claim", POD("  volumes:\n  - {name: d, emptyDir: {}}\n  containers:\n  - name: c\n    image: nginx\n    volumeDevices:\n    - {name: d, devicePath: /dev/xvda}\n"),
	 "spec.containers[0].volumeDevices[0].name: Invalid value: \"d\": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"},
	{"volumeDevice and mount", POD("  volumes:\n  - {name: d, persistentVolumeClaim: {claimName: c}}\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /data}\n    volumeDevices:\n    - {name: d, devicePath: /dev/xvda}\n"),
	 "spec.containers[0].volumeMounts[0].name: Invalid value: \"d\": must not already exist in volumeDevices"},
	{"dns nameserver", POD("  dnsConfig: {nameservers: [1.2.3]}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.dnsConfig.nameservers[0]: Invalid value: \"1.2.3\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"},
	{"dns nameserver count", POD("  dnsConfig: {nameservers: [1.1.1.1, 2.2.2.2, 3.3.3.3, \"::1\"]}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.dnsConfig.nameservers: Invalid value: []string{\"1.1.1.1\", \"2.2.2.2\", \"3.3.3.3\", \"::1\"}: must not have more than 3 nameservers"},
	{"dns option name", POD("  dnsConfig: {options: [{value: \"2\"}]}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.dnsConfig.options[0]: Required value: must not be empty"},
	{"scheduling gate duplicate", POD("  schedulingGates: [{name: example.com/a}, {name: example.com/a}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.schedulingGates[1]: Duplicate value: \"example.com/a\""},
	{"topology maxSkew", POD("  topologySpreadConstraints:\n  - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero"},
	{"topology whenUnsatisfiable", POD("  topologySpreadConstraints:\n  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Never}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"Never\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\""},
	{"topology repeated", POD("  topologySpreadConstraints:\n  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n  - {maxSkew: 2, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: \"{zone, DoNotSchedule}\""},
	{"sysctl duplicate", POD("  securityContext:\n    sysctls: [{name: kernel.shm_rmid_forced, value: \"1\"}, {name: kernel.shm_rmid_forced, value: \"0\"}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.securityContext.sysctls[1].name: Duplicate value: \"kernel.shm_rmid_forced\""},
	{"resizePolicy duplicate", CTR("    resizePolicy:\n    - {resourceName: cpu, restartPolicy: NotRequired}\n    - {resourceName: cpu, restartPolicy: NotRequired}\n"),
	 "spec.containers[0].resizePolicy[1]: Duplicate value: \"cpu\""},
	{"volumeDevice path unique", POD("  volumes:\n  - {name: a, persistentVolumeClaim: {claimName: a}}\n  - {name: b, persistentVolumeClaim: {claimName: b}}\n  containers:\n  - name: c\n    image: nginx\n    volumeDevices:\n    - {name: a, devicePath: /dev/x}\n    - {name: b, devicePath: /dev/x}\n"),
	 "spec.containers[0].volumeDevices[1].devicePath: Invalid value: \"/dev/x\": must be unique"},
	{"hostAliases ip", POD("  hostAliases: [{ip: 300.1.1.1, hostnames: [a.example]}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.hostAliases[0].ip: Invalid value: \"300.1.1.1\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"},
	{"hostAliases hostname", POD("  hostAliases: [{ip: 10.0.0.1, hostnames: [A_B]}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.hostAliases[0].hostnames[0]: Invalid value: \"A_B\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
	{"windows pod", POD("  os: {name: windows}\n  hostPID: true\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {runAsUser: 0}\n"),
	 "spec.containers[0].securityContext.runAsUser: Forbidden: cannot be set for a windows pod"},
	{"schedulingGates and nodeName", POD("  nodeName: n1\n  schedulingGates: [{name: example.com/wait}]\n  containers:\n  - {name: c, image: nginx}\n"),
	 "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"},
};

static bool has_message(const podlife_diag *d, const char *want, const podlife_error **found)
{
	for (size_t i = 0; i < podlife_diag_count(d); i++) {
		const podlife_error *e = podlife_diag_get(d, i);
		if (strcmp(podlife_error_message(e), want) == 0) {
			*found = e;
			return true;
		}
	}
	return false;
}

static void dump(const podlife_diag *d)
{
	for (size_t i = 0; i < podlife_diag_count(d); i++)
		fprintf(stderr, "    have: %s\n", podlife_error_message(podlife_diag_get(d, i)));
}

/* One case per rule: the exact message, its path and a position. */
static void test_rules(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const vcase *c = &cases[i];
		podlife_pod_list *list = NULL;
		podlife_diag *d = NULL;
		int rc = podlife_pod_parse(c->yaml, strlen(c->yaml), NULL, &list, &d);
		const podlife_error *e = NULL;
		if (rc != PODLIFE_EINVALID || !has_message(d, c->want, &e)) {
			fprintf(stderr, "  case \"%s\" (rc %d)\n    want: %s\n", c->name, rc, c->want);
			dump(d);
			h_failed_checks++;
		} else {
			const char *colon = strstr(c->want, ": ");
			size_t plen = (size_t)(colon - c->want);
			if (strlen(podlife_error_path(e)) != plen ||
			    strncmp(podlife_error_path(e), c->want, plen) != 0) {
				fprintf(stderr, "  case \"%s\": path %s\n", c->name, podlife_error_path(e));
				h_failed_checks++;
			}
			if (podlife_error_line(e) == 0 || podlife_error_column(e) == 0) {
				fprintf(stderr, "  case \"%s\": no position\n", c->name);
				h_failed_checks++;
			}
			CHECK_INT(podlife_error_severity(e), PODLIFE_SEVERITY_ERROR);
		}
		CHECK(list == NULL);
		podlife_diag_free(d);
	}
}

static int parse(const char *yaml, podlife_diag **d)
{
	podlife_pod_list *list = NULL;
	int rc = podlife_pod_parse(yaml, strlen(yaml), NULL, &list, d);
	podlife_pod_list_free(list);
	return rc;
}

/* A pod without mistakes passes, with every rule's happy path exercised. */
static void test_valid_pod(void)
{
	static const char yaml[] =
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web.example\n  namespace: prod\n"
		"  labels: {app: web, example.com/tier: front, empty: \"\"}\n"
		"  annotations: {Example.com/Note: anything goes}\n"
		"spec:\n"
		"  os: {name: linux}\n"
		"  volumes:\n  - {name: data, emptyDir: {sizeLimit: 1Gi}}\n"
		"  - {name: conf, configMap: {name: conf}}\n"
		"  - {name: info, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}, {path: cpu, resourceFieldRef: {containerName: web, resource: limits.cpu}}]}}\n"
		"  - {name: share, nfs: {server: nfs.example, path: /exports}}\n"
		"  initContainers:\n"
		"  - name: log\n    image: busybox\n    restartPolicy: Always\n"
		"    readinessProbe: {exec: {command: [cat, /tmp/ok]}}\n"
		"  - name: setup\n    image: busybox\n    restartPolicy: Never\n"
		"    restartPolicyRules:\n    - action: Restart\n      exitCodes: {operator: In, values: [42]}\n"
		"  containers:\n"
		"  - name: web\n    image: nginx:1.25\n"
		"    ports:\n    - {name: http, containerPort: 80}\n    - {containerPort: 53, protocol: UDP, hostPort: 5353}\n"
		"    env:\n    - {name: MY_POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n"
		"    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}\n"
		"    - {name: LABEL, valueFrom: {fieldRef: {fieldPath: \"metadata.labels['app']\"}}}\n"
		"    envFrom:\n    - {prefix: CONF_, configMapRef: {name: conf}}\n"
		"    volumeMounts:\n    - {name: data, mountPath: /data, subPath: web}\n    - {name: conf, mountPath: /etc/conf, readOnly: true}\n"
		"    resources:\n      limits: {cpu: 500m, memory: 256Mi, example.com/gpu: 1}\n"
		"      requests: {cpu: 0.25, memory: 128Mi}\n"
		"    livenessProbe: {httpGet: {path: /healthz, port: http}}\n"
		"    startupProbe: {tcpSocket: {port: 80}, failureThreshold: 30}\n"
		"    lifecycle:\n      preStop: {sleep: {seconds: 5}}\n      stopSignal: SIGQUIT\n"
		"    securityContext: {runAsUser: 1000, allowPrivilegeEscalation: false}\n"
		"  nodeSelector: {kubernetes.io/os: linux}\n"
		"  readinessGates: [{conditionType: example.com/ready}]\n"
		"  activeDeadlineSeconds: 600\n"
		"  dnsPolicy: None\n"
		"  dnsConfig: {nameservers: [10.0.0.10, \"fd00::a\"], searches: [svc.cluster.local, _tcp.example.com., .], options: [{name: ndots, value: \"2\"}]}\n"
		"  hostAliases: [{ip: 010.0.0.1, hostnames: [db.local]}]\n"
		"  tolerations: [{key: example.com/gpu, operator: Exists, effect: NoExecute, tolerationSeconds: 30}, {operator: Exists}, {key: example.com/level, operator: Gt, value: \"900\"}]\n"
		"  topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}]\n"
		"  schedulingGates: [{name: example.com/quota}]\n";
	podlife_diag *d = NULL;
	int rc = parse(yaml, &d);
	if (rc != PODLIFE_OK)
		dump(d);
	CHECK_INT(rc, PODLIFE_OK);
	CHECK_INT(podlife_diag_error_count(d), 0);
	podlife_diag_free(d);
}

/* Errors come in ValidatePodSpec order: volumes, containers, init
 * containers, host ports, restartPolicy, ..., then Pod-only image checks. */
static void test_order(void)
{
	static const char yaml[] =
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
		"spec:\n"
		"  restartPolicy: Sometimes\n"
		"  initContainers:\n  - {name: app, image: \" busybox\"}\n"
		"  containers:\n  - {name: app, image: nginx, imagePullPolicy: Maybe}\n"
		"  volumes:\n  - {name: V, emptyDir: {}}\n";
	static const char *const want[] = {
		"spec.volumes[0].name: Invalid value: \"V\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
		"spec.containers[0].imagePullPolicy: Unsupported value: \"Maybe\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
		"spec.initContainers[0].name: Duplicate value: \"app\"",
		"spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
		"spec.initContainers[0].image: Invalid value: \" busybox\": must not have leading or trailing whitespace",
	};
	podlife_diag *d = NULL;
	CHECK_INT(parse(yaml, &d), PODLIFE_EINVALID);
	size_t n = podlife_diag_error_count(d);
	CHECK_INT(n, sizeof(want) / sizeof(want[0]));
	size_t k = 0;
	for (size_t i = 0; i < podlife_diag_count(d) && k < sizeof(want) / sizeof(want[0]); i++) {
		const podlife_error *e = podlife_diag_get(d, i);
		if (podlife_error_severity(e) != PODLIFE_SEVERITY_ERROR)
			continue;
		CHECK_STR(podlife_error_message(e), want[k]);
		k++;
	}
	podlife_diag_free(d);
}

/* A name that breaks several rules gets every message, in order. */
static void test_all_messages(void)
{
	podlife_diag *d = NULL;
	CHECK_INT(parse(CTR("    resources:\n      limits: {foo: \"1\"}\n"), &d), PODLIFE_EINVALID);
	/* SetDefaults_Pod copied the limit into requests, which fails too */
	CHECK_INT(podlife_diag_error_count(d), 4);
	if (podlife_diag_count(d) >= 4) {
		CHECK_STR(podlife_error_message(podlife_diag_get(d, 0)),
		          "spec.containers[0].resources.limits[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified");
		CHECK_STR(podlife_error_message(podlife_diag_get(d, 1)),
		          "spec.containers[0].resources.limits[foo]: Invalid value: \"foo\": must be a standard resource for containers");
		CHECK_STR(podlife_error_message(podlife_diag_get(d, 2)),
		          "spec.containers[0].resources.requests[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified");
		CHECK_STR(podlife_error_message(podlife_diag_get(d, 3)),
		          "spec.containers[0].resources.requests[foo]: Invalid value: \"foo\": must be a standard resource for containers");
	}
	podlife_diag_free(d);
	d = NULL;
	CHECK_INT(parse(CTR("    ports:\n    - {containerPort: 80, name: \"-a--b-\"}\n"), &d),
	          PODLIFE_EINVALID);
	CHECK_INT(podlife_diag_error_count(d), 2);
	podlife_diag_free(d);
}

/* Duplicate checks stay linear: a long list of repeated names is fine. */
static void test_long_lists(void)
{
	size_t n = 20000;
	char *yaml = malloc(128 * n + 512);
	REQUIRE(yaml);
	size_t at = (size_t)sprintf(yaml, "%s", CTR("    env:\n"));
	for (size_t i = 0; i < n; i++)
		at += (size_t)sprintf(yaml + at, "    - {name: E%zu, value: x}\n", i % 100);
	at += (size_t)sprintf(yaml + at, "    ports:\n");
	for (size_t i = 0; i < n; i++)
		at += (size_t)sprintf(yaml + at, "    - {containerPort: %zu, hostPort: %zu}\n", i % 60000 + 1,
		                      i % 60000 + 1);
	podlife_diag *d = NULL;
	CHECK_INT(parse(yaml, &d), PODLIFE_OK);
	size_t warnings = 0;
	for (size_t i = 0; i < podlife_diag_count(d); i++)
		if (podlife_error_severity(podlife_diag_get(d, i)) == PODLIFE_SEVERITY_WARNING)
			warnings++;
	CHECK_INT(warnings, n - 100); /* every repeated env name hides an earlier one */
	podlife_diag_free(d);
	free(yaml);
}

/* Annotations may total 256 KiB. */
static void test_annotation_size(void)
{
	size_t big = 256 * 1024;
	char *yaml = malloc(big + 512);
	REQUIRE(yaml);
	int n = sprintf(yaml, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: \"");
	memset(yaml + n, 'x', big);
	n += (int)big;
	n += sprintf(yaml + n, "\"\nspec:\n  containers:\n  - {name: c, image: i}\n");
	podlife_diag *d = NULL;
	CHECK_INT(parse(yaml, &d), PODLIFE_EINVALID);
	const podlife_error *e = NULL;
	CHECK(has_message(d, "metadata.annotations: Too long: may not be more than 262144 bytes", &e));
	podlife_diag_free(d);
	free(yaml);
}

/* Workload templates: paths under spec.template, no name required, no
 * Pod-only rules (image whitespace), labels named as the template's. */
static void test_template(void)
{
	static const char yaml[] =
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
		"spec:\n  selector: {matchLabels: {app: web}}\n  template:\n"
		"    metadata:\n      labels: {app: \"w w\"}\n"
		"    spec:\n      containers:\n      - name: Web\n        image: \" nginx\"\n"
		"        restartPolicy: Always\n";
	podlife_diag *d = NULL;
	CHECK_INT(parse(yaml, &d), PODLIFE_EINVALID);
	const podlife_error *e = NULL;
	CHECK(has_message(d, "spec.template.labels: Invalid value: \"w w\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", &e));
	CHECK(has_message(d, "spec.template.spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')", &e));
	CHECK(has_message(d, "spec.template.spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers", &e));
	for (size_t i = 0; i < podlife_diag_count(d); i++) {
		const char *m = podlife_error_message(podlife_diag_get(d, i));
		CHECK(strstr(m, "whitespace") == NULL);
		CHECK(strstr(m, "metadata.name") == NULL);
	}
	podlife_diag_free(d);
}

static bool has_warning(const podlife_diag *d, const char *want)
{
	for (size_t i = 0; i < podlife_diag_count(d); i++) {
		const podlife_error *e = podlife_diag_get(d, i);
		if (podlife_error_severity(e) == PODLIFE_SEVERITY_WARNING &&
		    strcmp(podlife_error_message(e), want) == 0)
			return podlife_error_line(e) > 0;
	}
	return false;
}

/* GetWarningsForPod: the pod is accepted, with warnings. */
static void test_warnings(void)
{
	static const char yaml[] =
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web.example\n"
		"spec:\n"
		"  volumes:\n  - {name: repo, gitRepo: {repository: x}}\n"
		"  containers:\n  - name: c\n    image: nginx\n"
		"    env:\n    - {name: A, value: x}\n    - {name: A, value: y}\n    - {name: A, value: \"$(A)z\"}\n"
		"    resources:\n      limits: {memory: 1500m}\n"
		"  ephemeralContainers:\n  - {name: debug, image: busybox}\n";
	podlife_diag *d = NULL;
	int rc = parse(yaml, &d);
	if (rc != PODLIFE_OK)
		dump(d);
	CHECK_INT(rc, PODLIFE_OK);
	CHECK(has_warning(d, "metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]"));
	CHECK(has_warning(d, "spec.volumes[0].gitRepo: deprecated in v1.11"));
	/* ValidatePodCreate refuses these; a manifest may describe a running pod */
	CHECK(has_warning(d, "spec.ephemeralContainers: Forbidden: cannot be set on create"));
	CHECK(has_warning(d, "spec.containers[0].env[1]: hides previous definition of \"A\", which may be dropped when using apply"));
	CHECK(!has_warning(d, "spec.containers[0].env[2]: hides previous definition of \"A\", which may be dropped when using apply"));
	CHECK(has_warning(d, "spec.containers[0].resources.limits[memory]: fractional byte value \"1500m\" is invalid, must be an integer"));
	CHECK(has_warning(d, "spec.containers[0].resources.requests[memory]: fractional byte value \"1500m\" is invalid, must be an integer"));
	podlife_diag_free(d);
}

int main(void)
{
	RUN(test_rules);
	RUN(test_valid_pod);
	RUN(test_order);
	RUN(test_all_messages);
	RUN(test_annotation_size);
	RUN(test_long_lists);
	RUN(test_template);
	RUN(test_warnings);
	DONE();
}
