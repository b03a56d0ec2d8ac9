/*
 * tests/engine/test_pss.c - admission under the Pod Security Standards:
 * every baseline and restricted check of Pod Security Admission
 * (k8s.io/pod-security-admission/policy/check_*.go), each passing and
 * failing, with PSA's reason and detail wording, over init, regular and
 * ephemeral containers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_env.h"

#define HDR "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
#define SPEC "spec:\n"
/* a container that satisfies every restricted check by itself */
#define RSC "    securityContext:\n      allowPrivilegeEscalation: false\n" \
            "      runAsNonRoot: true\n      seccompProfile:\n        type: RuntimeDefault\n" \
            "      capabilities:\n        drop: [\"ALL\"]\n"
#define APP "  containers:\n  - name: app\n    image: nginx:1.25\n"

typedef struct pss_case {
	const char *name;
	podlife_pod_security level;
	const char *yaml;
	const char *want; /* violations after "violates PodSecurity ...: ", NULL: admitted */
} pss_case;

static const pss_case cases[] = {
        /* windowsHostProcess */
        {"hostProcess_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC "  securityContext:\n    windowsOptions:\n      hostProcess: false\n" APP, NULL},
        {"hostProcess_fail", PODLIFE_PSS_BASELINE,
         HDR SPEC "  hostNetwork: true\n"
                  "  securityContext:\n    windowsOptions:\n      hostProcess: true\n" APP
                  "    securityContext:\n      windowsOptions:\n        hostProcess: true\n",
         "host namespaces (hostNetwork=true), hostProcess (pod and container \"app\" must not set "
         "securityContext.windowsOptions.hostProcess=true)"},
        /* hostNamespaces */
        {"hostNamespaces_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC "  hostNetwork: false\n  hostPID: false\n" APP, NULL},
        {"hostNamespaces_fail", PODLIFE_PSS_BASELINE,
         HDR SPEC "  hostPID: true\n  hostIPC: true\n" APP,
         "host namespaces (hostPID=true, hostIPC=true)"},
        /* privileged, over init, regular and ephemeral containers */
        {"privileged_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    securityContext:\n      privileged: false\n", NULL},
        {"privileged_fail", PODLIFE_PSS_BASELINE,
         HDR SPEC "  initContainers:\n  - name: init\n    image: busybox\n"
                  "    securityContext:\n      privileged: true\n" APP
                  "    securityContext:\n      privileged: true\n"
                  "  ephemeralContainers:\n  - name: debug\n    image: busybox\n"
                  "    securityContext:\n      privileged: true\n",
         "privileged (containers \"init\", \"app\", \"debug\" must not set "
         "securityContext.privileged=true)"},
        /* capabilities_baseline */
        {"caps_baseline_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    securityContext:\n      capabilities:\n"
                      "        add: [\"NET_BIND_SERVICE\", \"CHOWN\", \"SYS_CHROOT\"]\n", NULL},
        {"caps_baseline_fail", PODLIFE_PSS_BASELINE,
         HDR SPEC "  initContainers:\n  - name: a\n    image: busybox\n"
                  "    securityContext:\n      capabilities:\n        add: [\"SYS_ADMIN\", \"NET_RAW\"]\n"
                  APP "    securityContext:\n      capabilities:\n        add: [\"NET_RAW\", \"KILL\"]\n",
         "non-default capabilities (containers \"a\", \"app\" must not include \"NET_RAW\", "
         "\"SYS_ADMIN\" in securityContext.capabilities.add)"},
        /* hostPathVolumes */
        {"hostPath_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "  volumes:\n  - name: d\n    emptyDir: {}\n", NULL},
        {"hostPath_fail", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "  volumes:\n  - name: h1\n    hostPath:\n      path: /etc\n"
                      "  - name: d\n    emptyDir: {}\n"
                      "  - name: h2\n    hostPath:\n      path: /var\n",
         "hostPath volumes (volumes \"h1\", \"h2\")"},
        /* hostPorts: the ports as a sorted set of strings */
        {"hostPort_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    ports:\n    - containerPort: 80\n", NULL},
        {"hostPort_fail_one", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    ports:\n    - containerPort: 80\n      hostPort: 8080\n",
         "hostPort (container \"app\" uses hostPort 8080)"},
        {"hostPort_fail_many", PODLIFE_PSS_BASELINE,
         HDR SPEC "  containers:\n  - name: a\n    image: nginx\n"
                  "    ports:\n    - containerPort: 80\n      hostPort: 9000\n"
                  "    - containerPort: 81\n      hostPort: 10000\n"
                  "  - name: b\n    image: nginx\n"
                  "    ports:\n    - containerPort: 82\n      hostPort: 9001\n",
         "hostPort (containers \"a\", \"b\" use hostPorts 10000, 9000, 9001)"},
        /* appArmorProfile: fields and annotations */
        {"apparmor_pass", PODLIFE_PSS_BASELINE,
         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
         "    container.apparmor.security.beta.kubernetes.io/app: localhost/prof\n"
         SPEC "  securityContext:\n    appArmorProfile:\n      type: RuntimeDefault\n" APP
         "    securityContext:\n      appArmorProfile:\n        type: Localhost\n"
         "        localhostProfile: prof\n", NULL},
        {"apparmor_fail_fields", PODLIFE_PSS_BASELINE,
         HDR SPEC "  securityContext:\n    appArmorProfile:\n      type: Unconfined\n" APP
                  "    securityContext:\n      appArmorProfile:\n        type: Unconfined\n",
         "forbidden AppArmor profile (pod and container \"app\" must not set AppArmor profile type "
         "to \"Unconfined\")"},
        {"apparmor_fail_annotation", PODLIFE_PSS_BASELINE,
         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
         "    container.apparmor.security.beta.kubernetes.io/app: unconfined\n" SPEC APP
         "    securityContext:\n      appArmorProfile:\n        type: Unconfined\n",
         "forbidden AppArmor profiles (container \"app\" and annotation must not set AppArmor "
         "profile type to \"Unconfined\", "
         "\"container.apparmor.security.beta.kubernetes.io/app=\"unconfined\"\")"},
        /* seLinuxOptions */
        {"selinux_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC "  securityContext:\n    seLinuxOptions:\n      type: container_engine_t\n"
                  "      level: \"s0:c1,c2\"\n" APP
                  "    securityContext:\n      seLinuxOptions:\n        type: container_t\n", NULL},
        {"selinux_fail_type", PODLIFE_PSS_BASELINE,
         HDR SPEC "  securityContext:\n    seLinuxOptions:\n      type: spc_t\n" APP,
         "seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type \"spc_t\")"},
        {"selinux_fail_user_role", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    securityContext:\n      seLinuxOptions:\n        user: sysadm_u\n"
                      "        role: sysadm_r\n",
         "seLinuxOptions (container \"app\" set forbidden securityContext.seLinuxOptions: user may "
         "not be set; role may not be set)"},
        /* procMount: baseline relaxed for hostUsers=false, restricted not */
        {"procMount_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    securityContext:\n      procMount: Default\n", NULL},
        /* (Unmasked needs hostUsers=false to be a valid pod, so the baseline
         * procMount check only fails under restricted, which re-tightens it) */
        {"procMount_userns_baseline_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC "  hostUsers: false\n" APP "    securityContext:\n      procMount: Unmasked\n",
         NULL},
        {"procMount_userns_restricted_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  hostUsers: false\n" APP RSC "      procMount: Unmasked\n",
         "procMount (container \"app\" must not set securityContext.procMount to \"Unmasked\")"},
        /* seccompProfile baseline */
        {"seccomp_baseline_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    securityContext:\n      seccompProfile:\n        type: Localhost\n"
                      "        localhostProfile: p.json\n", NULL},
        {"seccomp_baseline_fail", PODLIFE_PSS_BASELINE,
         HDR SPEC "  securityContext:\n    seccompProfile:\n      type: Unconfined\n" APP
                  "    securityContext:\n      seccompProfile:\n        type: Unconfined\n",
         "seccompProfile (pod and container \"app\" must not set "
         "securityContext.seccompProfile.type to \"Unconfined\")"},
        /* sysctls */
        {"sysctls_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC "  securityContext:\n    sysctls:\n    - name: net.ipv4.tcp_rmem\n"
                  "      value: \"4096 87380 6291456\"\n"
                  "    - name: kernel.shm_rmid_forced\n      value: \"1\"\n" APP, NULL},
        {"sysctls_fail", PODLIFE_PSS_BASELINE,
         HDR SPEC "  securityContext:\n    sysctls:\n    - name: kernel.msgmax\n      value: \"1\"\n"
                  "    - name: net.ipv4.ip_local_port_range\n      value: \"1024 65000\"\n"
                  "    - name: kernel.sem\n      value: \"1\"\n" APP,
         "forbidden sysctls (kernel.msgmax, kernel.sem)"},
        /* hostProbesAndHostLifecycle */
        {"probe_host_pass", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    livenessProbe:\n      httpGet:\n        path: /\n        port: 80\n", NULL},
        {"probe_host_fail", PODLIFE_PSS_BASELINE,
         HDR SPEC APP "    livenessProbe:\n      httpGet:\n        host: 10.0.0.1\n        port: 80\n"
                      "    lifecycle:\n      preStop:\n        httpGet:\n          host: evil.example\n"
                      "          port: 80\n",
         "probe or lifecycle host (container \"app\" uses probe or lifecycle hosts \"10.0.0.1\", "
         "\"evil.example\")"},
        /* restricted: a pod that passes everything */
        {"restricted_pass", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  initContainers:\n  - name: init\n    image: busybox\n" RSC APP RSC
                  "  volumes:\n  - name: d\n    emptyDir: {}\n  - name: c\n    configMap:\n"
                  "      name: cm\n  - name: i\n    image:\n      reference: busybox\n", NULL},
        /* restricted volume types (hostPath included, it overrides hostPathVolumes) */
        {"volumes_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC APP RSC "  volumes:\n  - name: h\n    hostPath:\n      path: /\n"
                          "  - name: n\n    nfs:\n      server: s\n      path: /x\n"
                          "  - name: g\n    gitRepo:\n      repository: r\n",
         "restricted volume types (volumes \"h\", \"n\", \"g\" use restricted volume types "
         "\"gitRepo\", \"hostPath\", \"nfs\")"},
        /* allowPrivilegeEscalation */
        {"ape_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n"
                  "      type: RuntimeDefault\n" APP
                  "    securityContext:\n      allowPrivilegeEscalation: true\n"
                  "      capabilities:\n        drop: [\"ALL\"]\n",
         "allowPrivilegeEscalation != false (container \"app\" must set "
         "securityContext.allowPrivilegeEscalation=false)"},
        /* capabilities restricted: both parts */
        {"caps_restricted_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n"
                  "      type: RuntimeDefault\n"
                  "  containers:\n  - name: a\n    image: nginx\n"
                  "    securityContext:\n      allowPrivilegeEscalation: false\n"
                  "  - name: b\n    image: nginx\n"
                  "    securityContext:\n      allowPrivilegeEscalation: false\n"
                  "      capabilities:\n        drop: [\"ALL\"]\n"
                  "        add: [\"NET_BIND_SERVICE\", \"SYS_TIME\", \"CHOWN\"]\n",
         "unrestricted capabilities (container \"a\" must set securityContext.capabilities.drop="
         "[\"ALL\"]; container \"b\" must not include \"CHOWN\", \"SYS_TIME\" in "
         "securityContext.capabilities.add)"},
        {"caps_restricted_pass_nbs", PODLIFE_PSS_RESTRICTED,
         HDR SPEC APP RSC "        add: [\"NET_BIND_SERVICE\"]\n", NULL},
        /* runAsNonRoot: explicit false, implicit */
        {"nonroot_explicit_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  securityContext:\n    runAsNonRoot: false\n    seccompProfile:\n"
                  "      type: RuntimeDefault\n" APP
                  "    securityContext:\n      allowPrivilegeEscalation: false\n"
                  "      capabilities:\n        drop: [\"ALL\"]\n",
         "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)"},
        {"nonroot_implicit_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n" APP
                  "    securityContext:\n      allowPrivilegeEscalation: false\n"
                  "      capabilities:\n        drop: [\"ALL\"]\n",
         "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true)"},
        {"nonroot_userns_pass", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  hostUsers: false\n  securityContext:\n    runAsUser: 0\n"
                  "    seccompProfile:\n      type: RuntimeDefault\n" APP
                  "    securityContext:\n      allowPrivilegeEscalation: false\n"
                  "      capabilities:\n        drop: [\"ALL\"]\n", NULL},
        /* runAsUser */
        {"runAsUser_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  securityContext:\n    runAsUser: 0\n" APP RSC "      runAsUser: 0\n",
         "runAsUser=0 (pod and container \"app\" must not set runAsUser=0)"},
        {"runAsUser_pass", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  securityContext:\n    runAsUser: 1000\n" APP RSC, NULL},
        /* seccompProfile restricted: implicit and explicit */
        {"seccomp_restricted_implicit_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  securityContext:\n    runAsNonRoot: true\n" APP
                  "    securityContext:\n      allowPrivilegeEscalation: false\n"
                  "      capabilities:\n        drop: [\"ALL\"]\n",
         "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to "
         "\"RuntimeDefault\" or \"Localhost\")"},
        {"seccomp_restricted_explicit_fail", PODLIFE_PSS_RESTRICTED,
         HDR SPEC APP RSC "  - name: side\n    image: nginx\n"
                          "    securityContext:\n      allowPrivilegeEscalation: false\n"
                          "      runAsNonRoot: true\n      seccompProfile:\n        type: Unconfined\n"
                          "      capabilities:\n        drop: [\"ALL\"]\n",
         "seccompProfile (container \"side\" must not set securityContext.seccompProfile.type to "
         "\"Unconfined\")"},
        /* Windows pods: the restricted Linux-only checks are skipped */
        {"windows_restricted_pass", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  os:\n    name: windows\n  securityContext:\n    runAsNonRoot: true\n" APP, NULL},
        /* the restricted message in PSA's evaluation order */
        {"restricted_all", PODLIFE_PSS_RESTRICTED, HDR SPEC APP,
         "allowPrivilegeEscalation != false (container \"app\" must set "
         "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "
         "\"app\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod "
         "or container \"app\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or "
         "container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or "
         "\"Localhost\")"},
        /* baseline checks run under restricted too (before the restricted ones) */
        {"restricted_with_baseline", PODLIFE_PSS_RESTRICTED,
         HDR SPEC "  hostIPC: true\n" APP "    ports:\n    - containerPort: 80\n      hostPort: 80\n"
                  RSC,
         "host namespaces (hostIPC=true), hostPort (container \"app\" uses hostPort 80)"},
        /* privileged level: nothing is checked */
        {"privileged_level", PODLIFE_PSS_PRIVILEGED,
         HDR SPEC "  hostPID: true\n" APP "    securityContext:\n      privileged: true\n", NULL},
};

static void run_case(const pss_case *c)
{
	env x;
	REQUIRE(env_init_cfg(&x, NULL, c->level, 0) == 0);
	int rc = env_add(&x, c->yaml);
	CHECK_INT(rc, 0);
	if (rc) {
		fprintf(stderr, "  case %s: pod not added\n", c->name);
		env_free(&x);
		return;
	}
	podlife_pod_info i = env_info(&x, "p");
	if (!c->want) {
		if (i.reason && *i.reason)
			fprintf(stderr, "  case %s: %s\n", c->name, i.message ? i.message : "");
		CHECK_STR(i.reason ? i.reason : "", "");
		CHECK(strcmp(i.phase, "Failed") != 0);
	} else {
		CHECK_STR(i.phase, "Failed");
		CHECK_STR(i.reason ? i.reason : "", "PodSecurity");
		char want[2048];
		snprintf(want, sizeof want, "pods \"p\" is forbidden: violates PodSecurity \"%s:latest\": %s",
		         c->level == PODLIFE_PSS_RESTRICTED ? "restricted" : "baseline", c->want);
		if (strcmp(i.message ? i.message : "", want) != 0)
			fprintf(stderr, "  case %s:\n", c->name);
		CHECK_STR(i.message ? i.message : "", want);
		/* the same text as a Warning event */
		const ev_rec *ev = env_last(&x, "PodSecurity");
		CHECK(ev != NULL && strcmp(ev->type, "Warning") == 0);
		/* nothing was started */
		CHECK_INT((long long)env_count(&x, "Started", NULL), 0);
	}
	env_free(&x);
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(&cases[i]);
}

int main(void)
{
	RUN(test_cases);
	DONE();
}
