/*
 * lib/spec/schema.c - the field tables of the Pod model, in the Go struct
 * order of k8s.io/api/core/v1 (which is also the order of JSON output).
 * Decoding, export, path look-ups and unknown-field detection all read
 * these tables.
 */
#include <string.h>

#include "model.h"

#define F(T, m, json, ft, sub) {json, ft, 0, (uint16_t)offsetof(T, m), sub}
#define F32(T, m, json) {json, PL_F_INT, PL_FF_INT32, (uint16_t)offsetof(T, m), NULL}
#define SCHEMA(var, gotype, T, fields)                                                    \
	const pl_schema var = {gotype, sizeof(T), fields, PL_ARRAY_LEN(fields), true}

/* Forward declarations (tentative definitions with internal linkage). */
static const pl_schema s_keysel, s_envref, s_localref, s_field_ref, s_resfield_ref, s_env_source,
	s_env, s_env_from, s_port, s_resources, s_mount, s_exec, s_header, s_http_get, s_tcp,
	s_grpc, s_sleep, s_handler, s_lifecycle, s_caps, s_selinux, s_windows, s_profile,
	s_secctx, s_sysctl, s_exit_codes, s_restart_rule, s_host_path,
	s_cm_vol, s_secret_vol, s_readiness_gate, s_pod_os, s_spec;

static const pl_field f_keysel[] = {
	F(pl_keyref, name, "name", PL_F_STR, NULL),
	F(pl_keyref, key, "key", PL_F_STR, NULL),
	F(pl_keyref, optional, "optional", PL_F_BOOL, NULL),
};
static SCHEMA(s_keysel, "KeySelector", pl_keyref, f_keysel);

static const pl_field f_envref[] = {
	F(pl_keyref, name, "name", PL_F_STR, NULL),
	F(pl_keyref, optional, "optional", PL_F_BOOL, NULL),
};
static SCHEMA(s_envref, "EnvSource", pl_keyref, f_envref);

static const pl_field f_localref[] = {
	F(pl_keyref, name, "name", PL_F_STR, NULL),
};
static SCHEMA(s_localref, "LocalObjectReference", pl_keyref, f_localref);

static const pl_field f_field_ref[] = {
	F(pl_field_ref, api_version, "apiVersion", PL_F_STR, NULL),
	F(pl_field_ref, field_path, "fieldPath", PL_F_STR, NULL),
};
static SCHEMA(s_field_ref, "ObjectFieldSelector", pl_field_ref, f_field_ref);

static const pl_field f_resfield_ref[] = {
	F(pl_resource_field_ref, container_name, "containerName", PL_F_STR, NULL),
	F(pl_resource_field_ref, resource, "resource", PL_F_STR, NULL),
	F(pl_resource_field_ref, divisor, "divisor", PL_F_QTY, NULL),
};
static SCHEMA(s_resfield_ref, "ResourceFieldSelector", pl_resource_field_ref, f_resfield_ref);

static const pl_field f_env_source[] = {
	F(pl_env_source, field_ref, "fieldRef", PL_F_OBJ, &s_field_ref),
	F(pl_env_source, resource_field_ref, "resourceFieldRef", PL_F_OBJ, &s_resfield_ref),
	F(pl_env_source, config_map_key_ref, "configMapKeyRef", PL_F_OBJ, &s_keysel),
	F(pl_env_source, secret_key_ref, "secretKeyRef", PL_F_OBJ, &s_keysel),
	F(pl_env_source, file_key_ref, "fileKeyRef", PL_F_RAW, NULL),
};
static SCHEMA(s_env_source, "EnvVarSource", pl_env_source, f_env_source);

static const pl_field f_env[] = {
	F(pl_env, name, "name", PL_F_STR, NULL),
	F(pl_env, value, "value", PL_F_STR, NULL),
	F(pl_env, value_from, "valueFrom", PL_F_OBJ, &s_env_source),
};
static SCHEMA(s_env, "EnvVar", pl_env, f_env);

static const pl_field f_env_from[] = {
	F(pl_env_from, prefix, "prefix", PL_F_STR, NULL),
	F(pl_env_from, config_map_ref, "configMapRef", PL_F_OBJ, &s_envref),
	F(pl_env_from, secret_ref, "secretRef", PL_F_OBJ, &s_envref),
};
static SCHEMA(s_env_from, "EnvFromSource", pl_env_from, f_env_from);

static const pl_field f_port[] = {
	F(pl_port, name, "name", PL_F_STR, NULL),
	F32(pl_port, host_port, "hostPort"),
	F32(pl_port, container_port, "containerPort"),
	F(pl_port, protocol, "protocol", PL_F_STR, NULL),
	F(pl_port, host_ip, "hostIP", PL_F_STR, NULL),
};
static SCHEMA(s_port, "ContainerPort", pl_port, f_port);

static const pl_field f_resources[] = {
	F(pl_resources, limits, "limits", PL_F_QTYMAP, NULL),
	F(pl_resources, requests, "requests", PL_F_QTYMAP, NULL),
	F(pl_resources, claims, "claims", PL_F_RAW, NULL),
};
static SCHEMA(s_resources, "ResourceRequirements", pl_resources, f_resources);

static const pl_field f_mount[] = {
	F(pl_volume_mount, name, "name", PL_F_STR, NULL),
	F(pl_volume_mount, read_only, "readOnly", PL_F_BOOL, NULL),
	F(pl_volume_mount, recursive_read_only, "recursiveReadOnly", PL_F_STR, NULL),
	F(pl_volume_mount, mount_path, "mountPath", PL_F_STR, NULL),
	F(pl_volume_mount, sub_path, "subPath", PL_F_STR, NULL),
	F(pl_volume_mount, mount_propagation, "mountPropagation", PL_F_STR, NULL),
	F(pl_volume_mount, sub_path_expr, "subPathExpr", PL_F_STR, NULL),
};
static SCHEMA(s_mount, "VolumeMount", pl_volume_mount, f_mount);

static const pl_field f_exec[] = {
	F(pl_exec_action, command, "command", PL_F_STRV, NULL),
};
static SCHEMA(s_exec, "ExecAction", pl_exec_action, f_exec);

static const pl_field f_header[] = {
	F(pl_http_header, name, "name", PL_F_STR, NULL),
	F(pl_http_header, value, "value", PL_F_STR, NULL),
};
static SCHEMA(s_header, "HTTPHeader", pl_http_header, f_header);

static const pl_field f_http_get[] = {
	F(pl_http_get, path, "path", PL_F_STR, NULL),
	F(pl_http_get, port, "port", PL_F_INTSTR, NULL),
	F(pl_http_get, host, "host", PL_F_STR, NULL),
	F(pl_http_get, scheme, "scheme", PL_F_STR, NULL),
	F(pl_http_get, http_headers, "httpHeaders", PL_F_LIST, &s_header),
};
static SCHEMA(s_http_get, "HTTPGetAction", pl_http_get, f_http_get);

static const pl_field f_tcp[] = {
	F(pl_tcp_socket, port, "port", PL_F_INTSTR, NULL),
	F(pl_tcp_socket, host, "host", PL_F_STR, NULL),
};
static SCHEMA(s_tcp, "TCPSocketAction", pl_tcp_socket, f_tcp);

static const pl_field f_grpc[] = {
	F32(pl_grpc_action, port, "port"),
	F(pl_grpc_action, service, "service", PL_F_STR, NULL),
};
static SCHEMA(s_grpc, "GRPCAction", pl_grpc_action, f_grpc);

static const pl_field f_sleep[] = {
	{"seconds", PL_F_INT, 0, (uint16_t)offsetof(pl_sleep_action, seconds), NULL},
};
static SCHEMA(s_sleep, "SleepAction", pl_sleep_action, f_sleep);

static const pl_field f_probe[] = {
	F(pl_probe, exec, "exec", PL_F_OBJ, &s_exec),
	F(pl_probe, http_get, "httpGet", PL_F_OBJ, &s_http_get),
	F(pl_probe, tcp_socket, "tcpSocket", PL_F_OBJ, &s_tcp),
	F(pl_probe, grpc, "grpc", PL_F_OBJ, &s_grpc),
	F32(pl_probe, initial_delay_seconds, "initialDelaySeconds"),
	F32(pl_probe, timeout_seconds, "timeoutSeconds"),
	F32(pl_probe, period_seconds, "periodSeconds"),
	F32(pl_probe, success_threshold, "successThreshold"),
	F32(pl_probe, failure_threshold, "failureThreshold"),
	{"terminationGracePeriodSeconds", PL_F_INT, 0,
	 (uint16_t)offsetof(pl_probe, termination_grace_period_seconds), NULL},
};
SCHEMA(pl_schema_probe, "Probe", pl_probe, f_probe);

static const pl_field f_handler[] = {
	F(pl_handler, exec, "exec", PL_F_OBJ, &s_exec),
	F(pl_handler, http_get, "httpGet", PL_F_OBJ, &s_http_get),
	F(pl_handler, tcp_socket, "tcpSocket", PL_F_OBJ, &s_tcp),
	F(pl_handler, sleep, "sleep", PL_F_OBJ, &s_sleep),
};
static SCHEMA(s_handler, "LifecycleHandler", pl_handler, f_handler);

static const pl_field f_lifecycle[] = {
	F(pl_lifecycle, post_start, "postStart", PL_F_OBJ, &s_handler),
	F(pl_lifecycle, pre_stop, "preStop", PL_F_OBJ, &s_handler),
	F(pl_lifecycle, stop_signal, "stopSignal", PL_F_STR, NULL),
};
static SCHEMA(s_lifecycle, "Lifecycle", pl_lifecycle, f_lifecycle);

static const pl_field f_caps[] = {
	F(pl_capabilities, add, "add", PL_F_STRV, NULL),
	F(pl_capabilities, drop, "drop", PL_F_STRV, NULL),
};
static SCHEMA(s_caps, "Capabilities", pl_capabilities, f_caps);

static const pl_field f_selinux[] = {
	F(pl_se_linux, user, "user", PL_F_STR, NULL),
	F(pl_se_linux, role, "role", PL_F_STR, NULL),
	F(pl_se_linux, type, "type", PL_F_STR, NULL),
	F(pl_se_linux, level, "level", PL_F_STR, NULL),
};
static SCHEMA(s_selinux, "SELinuxOptions", pl_se_linux, f_selinux);

static const pl_field f_windows[] = {
	F(pl_windows_opts, gmsa_credential_spec_name, "gmsaCredentialSpecName", PL_F_STR, NULL),
	F(pl_windows_opts, gmsa_credential_spec, "gmsaCredentialSpec", PL_F_STR, NULL),
	F(pl_windows_opts, run_as_user_name, "runAsUserName", PL_F_STR, NULL),
	F(pl_windows_opts, host_process, "hostProcess", PL_F_BOOL, NULL),
};
static SCHEMA(s_windows, "WindowsSecurityContextOptions", pl_windows_opts, f_windows);

static const pl_field f_profile[] = {
	F(pl_profile, type, "type", PL_F_STR, NULL),
	F(pl_profile, localhost_profile, "localhostProfile", PL_F_STR, NULL),
};
static SCHEMA(s_profile, "Profile", pl_profile, f_profile);

static const pl_field f_secctx[] = {
	F(pl_security_context, capabilities, "capabilities", PL_F_OBJ, &s_caps),
	F(pl_security_context, privileged, "privileged", PL_F_BOOL, NULL),
	F(pl_security_context, se_linux_options, "seLinuxOptions", PL_F_OBJ, &s_selinux),
	F(pl_security_context, windows_options, "windowsOptions", PL_F_OBJ, &s_windows),
	F(pl_security_context, run_as_user, "runAsUser", PL_F_INT, NULL),
	F(pl_security_context, run_as_group, "runAsGroup", PL_F_INT, NULL),
	F(pl_security_context, run_as_non_root, "runAsNonRoot", PL_F_BOOL, NULL),
	F(pl_security_context, read_only_root_filesystem, "readOnlyRootFilesystem", PL_F_BOOL, NULL),
	F(pl_security_context, allow_privilege_escalation, "allowPrivilegeEscalation", PL_F_BOOL, NULL),
	F(pl_security_context, proc_mount, "procMount", PL_F_STR, NULL),
	F(pl_security_context, seccomp_profile, "seccompProfile", PL_F_OBJ, &s_profile),
	F(pl_security_context, app_armor_profile, "appArmorProfile", PL_F_OBJ, &s_profile),
	F(pl_security_context, cgroup_options, "cgroupOptions", PL_F_RAW, NULL),
};
static SCHEMA(s_secctx, "SecurityContext", pl_security_context, f_secctx);

static const pl_field f_sysctl[] = {
	F(pl_sysctl, name, "name", PL_F_STR, NULL),
	F(pl_sysctl, value, "value", PL_F_STR, NULL),
};
static SCHEMA(s_sysctl, "Sysctl", pl_sysctl, f_sysctl);

static const pl_field f_pod_secctx[] = {
	F(pl_pod_security_context, se_linux_options, "seLinuxOptions", PL_F_OBJ, &s_selinux),
	F(pl_pod_security_context, windows_options, "windowsOptions", PL_F_OBJ, &s_windows),
	F(pl_pod_security_context, run_as_user, "runAsUser", PL_F_INT, NULL),
	F(pl_pod_security_context, run_as_group, "runAsGroup", PL_F_INT, NULL),
	F(pl_pod_security_context, run_as_non_root, "runAsNonRoot", PL_F_BOOL, NULL),
	F(pl_pod_security_context, supplemental_groups, "supplementalGroups", PL_F_INTV, NULL),
	F(pl_pod_security_context, supplemental_groups_policy, "supplementalGroupsPolicy", PL_F_STR, NULL),
	F(pl_pod_security_context, fs_group, "fsGroup", PL_F_INT, NULL),
	F(pl_pod_security_context, sysctls, "sysctls", PL_F_LIST, &s_sysctl),
	F(pl_pod_security_context, fs_group_change_policy, "fsGroupChangePolicy", PL_F_STR, NULL),
	F(pl_pod_security_context, seccomp_profile, "seccompProfile", PL_F_OBJ, &s_profile),
	F(pl_pod_security_context, app_armor_profile, "appArmorProfile", PL_F_OBJ, &s_profile),
	F(pl_pod_security_context, se_linux_change_policy, "seLinuxChangePolicy", PL_F_STR, NULL),
};
SCHEMA(pl_schema_pod_secctx, "PodSecurityContext", pl_pod_security_context, f_pod_secctx);

static const pl_field f_exit_codes[] = {
	F(pl_exit_codes, operator_, "operator", PL_F_STR, NULL),
	F(pl_exit_codes, values, "values", PL_F_INTV, NULL),
};
static SCHEMA(s_exit_codes, "ContainerRestartRuleOnExitCodes", pl_exit_codes, f_exit_codes);

static const pl_field f_restart_rule[] = {
	F(pl_restart_rule, action, "action", PL_F_STR, NULL),
	F(pl_restart_rule, exit_codes, "exitCodes", PL_F_OBJ, &s_exit_codes),
};
static SCHEMA(s_restart_rule, "ContainerRestartRule", pl_restart_rule, f_restart_rule);

static const pl_field f_container[] = {
	F(pl_container, name, "name", PL_F_STR, NULL),
	F(pl_container, image, "image", PL_F_STR, NULL),
	F(pl_container, command, "command", PL_F_STRV, NULL),
	F(pl_container, args, "args", PL_F_STRV, NULL),
	F(pl_container, working_dir, "workingDir", PL_F_STR, NULL),
	F(pl_container, ports, "ports", PL_F_LIST, &s_port),
	F(pl_container, env_from, "envFrom", PL_F_LIST, &s_env_from),
	F(pl_container, env, "env", PL_F_LIST, &s_env),
	F(pl_container, resources, "resources", PL_F_OBJ, &s_resources),
	F(pl_container, resize_policy, "resizePolicy", PL_F_RAW, NULL),
	F(pl_container, restart_policy, "restartPolicy", PL_F_STR, NULL),
	F(pl_container, restart_policy_rules, "restartPolicyRules", PL_F_LIST, &s_restart_rule),
	F(pl_container, volume_mounts, "volumeMounts", PL_F_LIST, &s_mount),
	F(pl_container, volume_devices, "volumeDevices", PL_F_RAW, NULL),
	F(pl_container, liveness_probe, "livenessProbe", PL_F_OBJ, &pl_schema_probe),
	F(pl_container, readiness_probe, "readinessProbe", PL_F_OBJ, &pl_schema_probe),
	F(pl_container, startup_probe, "startupProbe", PL_F_OBJ, &pl_schema_probe),
	F(pl_container, lifecycle, "lifecycle", PL_F_OBJ, &s_lifecycle),
	F(pl_container, termination_message_path, "terminationMessagePath", PL_F_STR, NULL),
	F(pl_container, termination_message_policy, "terminationMessagePolicy", PL_F_STR, NULL),
	F(pl_container, image_pull_policy, "imagePullPolicy", PL_F_STR, NULL),
	F(pl_container, security_context, "securityContext", PL_F_OBJ, &s_secctx),
	F(pl_container, stdin_, "stdin", PL_F_BOOL, NULL),
	F(pl_container, stdin_once, "stdinOnce", PL_F_BOOL, NULL),
	F(pl_container, tty, "tty", PL_F_BOOL, NULL),
};
SCHEMA(pl_schema_container, "Container", pl_container, f_container);

static const pl_field f_empty_dir[] = {
	F(pl_empty_dir, medium, "medium", PL_F_STR, NULL),
	F(pl_empty_dir, size_limit, "sizeLimit", PL_F_QTY, NULL),
	F32(pl_empty_dir, mode, "mode"),
};
SCHEMA(pl_schema_empty_dir, "EmptyDirVolumeSource", pl_empty_dir, f_empty_dir);

static const pl_field f_host_path[] = {
	F(pl_host_path, path, "path", PL_F_STR, NULL),
	F(pl_host_path, type, "type", PL_F_STR, NULL),
};
static SCHEMA(s_host_path, "HostPathVolumeSource", pl_host_path, f_host_path);

static const pl_field f_cm_vol[] = {
	F(pl_config_map_vol, name, "name", PL_F_STR, NULL),
	F(pl_config_map_vol, items, "items", PL_F_RAW, NULL),
	F32(pl_config_map_vol, default_mode, "defaultMode"),
	F(pl_config_map_vol, optional, "optional", PL_F_BOOL, NULL),
};
static SCHEMA(s_cm_vol, "ConfigMapVolumeSource", pl_config_map_vol, f_cm_vol);

static const pl_field f_secret_vol[] = {
	F(pl_secret_vol, secret_name, "secretName", PL_F_STR, NULL),
	F(pl_secret_vol, items, "items", PL_F_RAW, NULL),
	F32(pl_secret_vol, default_mode, "defaultMode"),
	F(pl_secret_vol, optional, "optional", PL_F_BOOL, NULL),
};
static SCHEMA(s_secret_vol, "SecretVolumeSource", pl_secret_vol, f_secret_vol);

#define OTHER(i, json) F(pl_volume, other[i], json, PL_F_RAW, NULL)
/* VolumeSource members in Go order; the four typed ones in place. */
static const pl_field f_volume[] = {
	F(pl_volume, name, "name", PL_F_STR, NULL),
	F(pl_volume, host_path, "hostPath", PL_F_OBJ, &s_host_path),
	F(pl_volume, empty_dir, "emptyDir", PL_F_OBJ, &pl_schema_empty_dir),
	OTHER(0, "gcePersistentDisk"),
	OTHER(1, "awsElasticBlockStore"),
	OTHER(2, "gitRepo"),
	F(pl_volume, secret, "secret", PL_F_OBJ, &s_secret_vol),
	OTHER(3, "nfs"),
	OTHER(4, "iscsi"),
	OTHER(5, "glusterfs"),
	OTHER(6, "persistentVolumeClaim"),
	OTHER(7, "rbd"),
	OTHER(8, "flexVolume"),
	OTHER(9, "cinder"),
	OTHER(10, "cephfs"),
	OTHER(11, "flocker"),
	OTHER(12, "downwardAPI"),
	OTHER(13, "fc"),
	OTHER(14, "azureFile"),
	F(pl_volume, config_map, "configMap", PL_F_OBJ, &s_cm_vol),
	OTHER(15, "vsphereVolume"),
	OTHER(16, "quobyte"),
	OTHER(17, "azureDisk"),
	OTHER(18, "photonPersistentDisk"),
	OTHER(19, "projected"),
	OTHER(20, "portworxVolume"),
	OTHER(21, "scaleIO"),
	OTHER(22, "storageos"),
	OTHER(23, "csi"),
	OTHER(24, "ephemeral"),
	OTHER(25, "image"),
};
/* The typed sources sit before the others in the struct: no offset order. */
const pl_schema pl_schema_volume = {"Volume", sizeof(pl_volume), f_volume, PL_ARRAY_LEN(f_volume),
                                    false};

static const pl_field f_readiness_gate[] = {
	F(pl_readiness_gate, condition_type, "conditionType", PL_F_STR, NULL),
};
static SCHEMA(s_readiness_gate, "PodReadinessGate", pl_readiness_gate, f_readiness_gate);

static const pl_field f_pod_os[] = {
	F(pl_pod_os, name, "name", PL_F_STR, NULL),
};
static SCHEMA(s_pod_os, "PodOS", pl_pod_os, f_pod_os);

static const pl_field f_spec[] = {
	F(pl_pod_spec, volumes, "volumes", PL_F_LIST, &pl_schema_volume),
	F(pl_pod_spec, init_containers, "initContainers", PL_F_LIST, &pl_schema_container),
	F(pl_pod_spec, containers, "containers", PL_F_LIST, &pl_schema_container),
	F(pl_pod_spec, ephemeral_containers, "ephemeralContainers", PL_F_RAW, NULL),
	F(pl_pod_spec, restart_policy, "restartPolicy", PL_F_STR, NULL),
	F(pl_pod_spec, termination_grace_period_seconds, "terminationGracePeriodSeconds", PL_F_INT, NULL),
	F(pl_pod_spec, active_deadline_seconds, "activeDeadlineSeconds", PL_F_INT, NULL),
	F(pl_pod_spec, dns_policy, "dnsPolicy", PL_F_STR, NULL),
	F(pl_pod_spec, node_selector, "nodeSelector", PL_F_MAP, NULL),
	F(pl_pod_spec, service_account_name, "serviceAccountName", PL_F_STR, NULL),
	F(pl_pod_spec, service_account, "serviceAccount", PL_F_STR, NULL),
	F(pl_pod_spec, automount_service_account_token, "automountServiceAccountToken", PL_F_BOOL, NULL),
	F(pl_pod_spec, node_name, "nodeName", PL_F_STR, NULL),
	F(pl_pod_spec, host_network, "hostNetwork", PL_F_BOOL, NULL),
	F(pl_pod_spec, host_pid, "hostPID", PL_F_BOOL, NULL),
	F(pl_pod_spec, host_ipc, "hostIPC", PL_F_BOOL, NULL),
	F(pl_pod_spec, share_process_namespace, "shareProcessNamespace", PL_F_BOOL, NULL),
	F(pl_pod_spec, security_context, "securityContext", PL_F_OBJ, &pl_schema_pod_secctx),
	F(pl_pod_spec, image_pull_secrets, "imagePullSecrets", PL_F_LIST, &s_localref),
	F(pl_pod_spec, hostname, "hostname", PL_F_STR, NULL),
	F(pl_pod_spec, subdomain, "subdomain", PL_F_STR, NULL),
	F(pl_pod_spec, affinity, "affinity", PL_F_RAW, NULL),
	F(pl_pod_spec, scheduler_name, "schedulerName", PL_F_STR, NULL),
	F(pl_pod_spec, tolerations, "tolerations", PL_F_RAW, NULL),
	F(pl_pod_spec, host_aliases, "hostAliases", PL_F_RAW, NULL),
	F(pl_pod_spec, priority_class_name, "priorityClassName", PL_F_STR, NULL),
	F32(pl_pod_spec, priority, "priority"),
	F(pl_pod_spec, dns_config, "dnsConfig", PL_F_RAW, NULL),
	F(pl_pod_spec, readiness_gates, "readinessGates", PL_F_LIST, &s_readiness_gate),
	F(pl_pod_spec, runtime_class_name, "runtimeClassName", PL_F_STR, NULL),
	F(pl_pod_spec, enable_service_links, "enableServiceLinks", PL_F_BOOL, NULL),
	F(pl_pod_spec, preemption_policy, "preemptionPolicy", PL_F_STR, NULL),
	F(pl_pod_spec, overhead, "overhead", PL_F_QTYMAP, NULL),
	F(pl_pod_spec, topology_spread_constraints, "topologySpreadConstraints", PL_F_RAW, NULL),
	F(pl_pod_spec, set_hostname_as_fqdn, "setHostnameAsFQDN", PL_F_BOOL, NULL),
	F(pl_pod_spec, os, "os", PL_F_OBJ, &s_pod_os),
	F(pl_pod_spec, host_users, "hostUsers", PL_F_BOOL, NULL),
	F(pl_pod_spec, scheduling_gates, "schedulingGates", PL_F_RAW, NULL),
	F(pl_pod_spec, resource_claims, "resourceClaims", PL_F_RAW, NULL),
	F(pl_pod_spec, resources, "resources", PL_F_OBJ, &s_resources),
	F(pl_pod_spec, hostname_override, "hostnameOverride", PL_F_STR, NULL),
};
static SCHEMA(s_spec, "PodSpec", pl_pod_spec, f_spec);

static const pl_field f_meta[] = {
	F(pl_meta, name, "name", PL_F_STR, NULL),
	F(pl_meta, generate_name, "generateName", PL_F_STR, NULL),
	F(pl_meta, namespace_, "namespace", PL_F_STR, NULL),
	F(pl_meta, self_link, "selfLink", PL_F_STR, NULL),
	F(pl_meta, uid, "uid", PL_F_STR, NULL),
	F(pl_meta, resource_version, "resourceVersion", PL_F_STR, NULL),
	F(pl_meta, generation, "generation", PL_F_INT, NULL),
	F(pl_meta, creation_timestamp, "creationTimestamp", PL_F_RAW, NULL),
	F(pl_meta, deletion_timestamp, "deletionTimestamp", PL_F_RAW, NULL),
	F(pl_meta, deletion_grace_period_seconds, "deletionGracePeriodSeconds", PL_F_INT, NULL),
	F(pl_meta, labels, "labels", PL_F_MAP, NULL),
	F(pl_meta, annotations, "annotations", PL_F_MAP, NULL),
	F(pl_meta, owner_references, "ownerReferences", PL_F_RAW, NULL),
	F(pl_meta, finalizers, "finalizers", PL_F_STRV, NULL),
	F(pl_meta, managed_fields, "managedFields", PL_F_RAW, NULL),
};
SCHEMA(pl_schema_meta, "ObjectMeta", pl_meta, f_meta);

static const pl_field f_pod[] = {
	F(pl_pod_model, kind, "kind", PL_F_STR, NULL),
	F(pl_pod_model, api_version, "apiVersion", PL_F_STR, NULL),
	F(pl_pod_model, metadata, "metadata", PL_F_OBJ, &pl_schema_meta),
	F(pl_pod_model, spec, "spec", PL_F_OBJ, &s_spec),
	F(pl_pod_model, status, "status", PL_F_RAW, NULL),
};
SCHEMA(pl_schema_pod, "Pod", pl_pod_model, f_pod);

/* ---- helpers ------------------------------------------------------------------ */

int pl_schema_field_index(const pl_schema *s, size_t offset)
{
	if (s->by_offset) {
		size_t lo = 0, hi = s->nfields;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->fields[mid].offset < offset)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < s->nfields && s->fields[lo].offset == offset ? (int)lo : -1;
	}
	for (size_t i = 0; i < s->nfields; i++)
		if (s->fields[i].offset == offset)
			return (int)i;
	return -1;
}

int pl_schema_field_by_name(const pl_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool pl_has(const void *o, size_t offset)
{
	const pl_obj *h = o;
	if (!h)
		return false;
	int i = pl_schema_field_index(h->schema, offset);
	return i >= 0 && (h->present >> i) & 1u;
}

void pl_set_present(void *o, size_t offset)
{
	pl_obj *h = o;
	int i = pl_schema_field_index(h->schema, offset);
	if (i >= 0)
		h->present |= (uint64_t)1 << i;
}

void pl_set_defaulted(void *o, size_t offset)
{
	pl_obj *h = o;
	int i = pl_schema_field_index(h->schema, offset);
	if (i >= 0) {
		h->present |= (uint64_t)1 << i;
		h->defaulted |= (uint64_t)1 << i;
	}
}

pl_pos pl_field_pos(const void *o, size_t offset)
{
	const pl_obj *h = o;
	pl_pos none = {0, 0};
	if (!h)
		return none;
	int i = pl_schema_field_index(h->schema, offset);
	if (i < 0 || !h->fpos)
		return h->pos;
	if (h->fpos[i].line == 0)
		return h->pos;
	return h->fpos[i];
}

void *pl_obj_new(pl_arena *ar, const pl_schema *s)
{
	pl_obj *h = pl_arena_alloc(ar, s->size);
	if (!h)
		return NULL;
	h->schema = s;
	h->fpos = pl_arena_alloc(ar, s->nfields * sizeof(pl_pos));
	if (!h->fpos)
		return NULL;
	return h;
}

static const size_t volume_source_first = 1; /* fields after "name" */

size_t pl_volume_source_count(const pl_volume *v)
{
	size_t n = 0;
	for (size_t i = volume_source_first; i < PL_ARRAY_LEN(f_volume); i++)
		if ((v->obj.present >> i) & 1u)
			n++;
	return n;
}

const char *pl_volume_source_kind(const pl_volume *v)
{
	for (size_t i = volume_source_first; i < PL_ARRAY_LEN(f_volume); i++)
		if ((v->obj.present >> i) & 1u)
			return f_volume[i].name;
	return NULL;
}

/*
 * Checks the tables the look-ups rely on: every schema marked by_offset
 * really is in increasing offset order, every field index fits the 64-bit
 * presence masks, every OBJ or LIST field has a sub-schema.  Walks the
 * sub-schemas; returns the number of problems (0 when sound).
 */
int pl_schema_check(const pl_schema *s, int depth)
{
	int bad = 0;
	if (depth > 16)
		return 0;
	if (s->nfields > 64)
		bad++;
	for (size_t i = 0; i < s->nfields; i++) {
		const pl_field *f = &s->fields[i];
		if (s->by_offset && i > 0 && s->fields[i - 1].offset >= f->offset)
			bad++;
		if ((f->type == PL_F_OBJ || f->type == PL_F_LIST) != (f->sub != NULL))
			bad++;
		if (f->sub && f->sub != s)
			bad += pl_schema_check(f->sub, depth + 1);
	}
	return bad;
}
