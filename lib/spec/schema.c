/*
 * lib/spec/schema.c - the field tables of the Pod model, in the Go struct
 * order of k8s.io/api/core/v1 (which is also the order of JSON output).
 * Decoding, export, path look-ups and unknown-field detection all read
 * these tables.
 */
#include <string.h>

#include "model.h"

/*
 * Each schema's fields are listed once, as FIELDS_<name>(X, S) with one
 * X(S, struct, member, id, "json", type, flags, sub-schema) per field, and
 * expanded three times: an enum of field indexes, the field table, and a
 * table from member offset to index + 1 for O(1) look-ups by offset.
 */
#define FIELD_ENUM(S, T, m, id, json, ft, fl, sub) S##__##id,
#define FIELD_ENTRY(S, T, m, id, json, ft, fl, sub) {json, ft, fl, (uint16_t)offsetof(T, m), sub},
#define FIELD_INDEX(S, T, m, id, json, ft, fl, sub) [offsetof(T, m)] = S##__##id + 1,
#define SCHEMA_DEFINE(storage, S, gotype, T, FIELDS)                                         \
	enum { FIELDS(FIELD_ENUM, S) S##__count };                                           \
	static const pl_field S##_fields[] = {FIELDS(FIELD_ENTRY, S)};                       \
	static const uint8_t S##_index[sizeof(T)] = {FIELDS(FIELD_INDEX, S)};               \
	storage const pl_schema S = {gotype, sizeof(T), S##_fields, S##__count, S##_index}
#define SCHEMA_STATIC(S, gotype, T, FIELDS) SCHEMA_DEFINE(static, S, gotype, T, FIELDS)
#define SCHEMA_PUBLIC(S, gotype, T, FIELDS) SCHEMA_DEFINE(, S, gotype, T, FIELDS)

/* Forward declarations (tentative definitions with internal linkage). */
static const pl_schema s_keysel, s_envref, s_localref, s_field_ref, s_resfield_ref, s_env_source,
	s_env, s_env_from, s_port, s_resources, s_mount, s_exec, s_header, s_http_get, s_tcp,
	s_grpc, s_sleep, s_handler, s_lifecycle, s_caps, s_selinux, s_windows, s_profile,
	s_secctx, s_sysctl, s_exit_codes, s_restart_rule, s_host_path,
	s_cm_vol, s_secret_vol, s_readiness_gate, s_pod_os, s_spec;

#define FIELDS_keysel(X, S) \
	X(S, pl_keyref, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_keyref, key, key, "key", PL_F_STR, 0, NULL) \
	X(S, pl_keyref, optional, optional, "optional", PL_F_BOOL, 0, NULL)
SCHEMA_STATIC(s_keysel, "KeySelector", pl_keyref, FIELDS_keysel);

#define FIELDS_envref(X, S) \
	X(S, pl_keyref, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_keyref, optional, optional, "optional", PL_F_BOOL, 0, NULL)
SCHEMA_STATIC(s_envref, "EnvSource", pl_keyref, FIELDS_envref);

#define FIELDS_localref(X, S) \
	X(S, pl_keyref, name, name, "name", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_localref, "LocalObjectReference", pl_keyref, FIELDS_localref);

#define FIELDS_field_ref(X, S) \
	X(S, pl_field_ref, api_version, api_version, "apiVersion", PL_F_STR, 0, NULL) \
	X(S, pl_field_ref, field_path, field_path, "fieldPath", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_field_ref, "ObjectFieldSelector", pl_field_ref, FIELDS_field_ref);

#define FIELDS_resfield_ref(X, S) \
	X(S, pl_resource_field_ref, container_name, container_name, "containerName", PL_F_STR, 0, NULL) \
	X(S, pl_resource_field_ref, resource, resource, "resource", PL_F_STR, 0, NULL) \
	X(S, pl_resource_field_ref, divisor, divisor, "divisor", PL_F_QTY, 0, NULL)
SCHEMA_STATIC(s_resfield_ref, "ResourceFieldSelector", pl_resource_field_ref, FIELDS_resfield_ref);

#define FIELDS_env_source(X, S) \
	X(S, pl_env_source, field_ref, field_ref, "fieldRef", PL_F_OBJ, 0, &s_field_ref) \
	X(S, pl_env_source, resource_field_ref, resource_field_ref, "resourceFieldRef", PL_F_OBJ, 0, &s_resfield_ref) \
	X(S, pl_env_source, config_map_key_ref, config_map_key_ref, "configMapKeyRef", PL_F_OBJ, 0, &s_keysel) \
	X(S, pl_env_source, secret_key_ref, secret_key_ref, "secretKeyRef", PL_F_OBJ, 0, &s_keysel) \
	X(S, pl_env_source, file_key_ref, file_key_ref, "fileKeyRef", PL_F_RAW, 0, NULL)
SCHEMA_STATIC(s_env_source, "EnvVarSource", pl_env_source, FIELDS_env_source);

#define FIELDS_env(X, S) \
	X(S, pl_env, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_env, value, value, "value", PL_F_STR, 0, NULL) \
	X(S, pl_env, value_from, value_from, "valueFrom", PL_F_OBJ, 0, &s_env_source)
SCHEMA_STATIC(s_env, "EnvVar", pl_env, FIELDS_env);

#define FIELDS_env_from(X, S) \
	X(S, pl_env_from, prefix, prefix, "prefix", PL_F_STR, 0, NULL) \
	X(S, pl_env_from, config_map_ref, config_map_ref, "configMapRef", PL_F_OBJ, 0, &s_envref) \
	X(S, pl_env_from, secret_ref, secret_ref, "secretRef", PL_F_OBJ, 0, &s_envref)
SCHEMA_STATIC(s_env_from, "EnvFromSource", pl_env_from, FIELDS_env_from);

#define FIELDS_port(X, S) \
	X(S, pl_port, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_port, host_port, host_port, "hostPort", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_port, container_port, container_port, "containerPort", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_port, protocol, protocol, "protocol", PL_F_STR, 0, NULL) \
	X(S, pl_port, host_ip, host_ip, "hostIP", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_port, "ContainerPort", pl_port, FIELDS_port);

#define FIELDS_resources(X, S) \
	X(S, pl_resources, limits, limits, "limits", PL_F_QTYMAP, 0, NULL) \
	X(S, pl_resources, requests, requests, "requests", PL_F_QTYMAP, 0, NULL) \
	X(S, pl_resources, claims, claims, "claims", PL_F_RAW, 0, NULL)
SCHEMA_STATIC(s_resources, "ResourceRequirements", pl_resources, FIELDS_resources);

#define FIELDS_mount(X, S) \
	X(S, pl_volume_mount, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_volume_mount, read_only, read_only, "readOnly", PL_F_BOOL, 0, NULL) \
	X(S, pl_volume_mount, recursive_read_only, recursive_read_only, "recursiveReadOnly", PL_F_STR, 0, NULL) \
	X(S, pl_volume_mount, mount_path, mount_path, "mountPath", PL_F_STR, 0, NULL) \
	X(S, pl_volume_mount, sub_path, sub_path, "subPath", PL_F_STR, 0, NULL) \
	X(S, pl_volume_mount, mount_propagation, mount_propagation, "mountPropagation", PL_F_STR, 0, NULL) \
	X(S, pl_volume_mount, sub_path_expr, sub_path_expr, "subPathExpr", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_mount, "VolumeMount", pl_volume_mount, FIELDS_mount);

#define FIELDS_exec(X, S) \
	X(S, pl_exec_action, command, command, "command", PL_F_STRV, 0, NULL)
SCHEMA_STATIC(s_exec, "ExecAction", pl_exec_action, FIELDS_exec);

#define FIELDS_header(X, S) \
	X(S, pl_http_header, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_http_header, value, value, "value", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_header, "HTTPHeader", pl_http_header, FIELDS_header);

#define FIELDS_http_get(X, S) \
	X(S, pl_http_get, path, path, "path", PL_F_STR, 0, NULL) \
	X(S, pl_http_get, port, port, "port", PL_F_INTSTR, 0, NULL) \
	X(S, pl_http_get, host, host, "host", PL_F_STR, 0, NULL) \
	X(S, pl_http_get, scheme, scheme, "scheme", PL_F_STR, 0, NULL) \
	X(S, pl_http_get, http_headers, http_headers, "httpHeaders", PL_F_LIST, 0, &s_header)
SCHEMA_STATIC(s_http_get, "HTTPGetAction", pl_http_get, FIELDS_http_get);

#define FIELDS_tcp(X, S) \
	X(S, pl_tcp_socket, port, port, "port", PL_F_INTSTR, 0, NULL) \
	X(S, pl_tcp_socket, host, host, "host", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_tcp, "TCPSocketAction", pl_tcp_socket, FIELDS_tcp);

#define FIELDS_grpc(X, S) \
	X(S, pl_grpc_action, port, port, "port", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_grpc_action, service, service, "service", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_grpc, "GRPCAction", pl_grpc_action, FIELDS_grpc);

#define FIELDS_sleep(X, S) \
	X(S, pl_sleep_action, seconds, seconds, "seconds", PL_F_INT, 0, NULL)
SCHEMA_STATIC(s_sleep, "SleepAction", pl_sleep_action, FIELDS_sleep);

#define FIELDS_probe(X, S) \
	X(S, pl_probe, exec, exec, "exec", PL_F_OBJ, 0, &s_exec) \
	X(S, pl_probe, http_get, http_get, "httpGet", PL_F_OBJ, 0, &s_http_get) \
	X(S, pl_probe, tcp_socket, tcp_socket, "tcpSocket", PL_F_OBJ, 0, &s_tcp) \
	X(S, pl_probe, grpc, grpc, "grpc", PL_F_OBJ, 0, &s_grpc) \
	X(S, pl_probe, initial_delay_seconds, initial_delay_seconds, "initialDelaySeconds", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_probe, timeout_seconds, timeout_seconds, "timeoutSeconds", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_probe, period_seconds, period_seconds, "periodSeconds", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_probe, success_threshold, success_threshold, "successThreshold", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_probe, failure_threshold, failure_threshold, "failureThreshold", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_probe, termination_grace_period_seconds, termination_grace_period_seconds, "terminationGracePeriodSeconds", PL_F_INT, 0, NULL)
SCHEMA_PUBLIC(pl_schema_probe, "Probe", pl_probe, FIELDS_probe);

#define FIELDS_handler(X, S) \
	X(S, pl_handler, exec, exec, "exec", PL_F_OBJ, 0, &s_exec) \
	X(S, pl_handler, http_get, http_get, "httpGet", PL_F_OBJ, 0, &s_http_get) \
	X(S, pl_handler, tcp_socket, tcp_socket, "tcpSocket", PL_F_OBJ, 0, &s_tcp) \
	X(S, pl_handler, sleep, sleep, "sleep", PL_F_OBJ, 0, &s_sleep)
SCHEMA_STATIC(s_handler, "LifecycleHandler", pl_handler, FIELDS_handler);

#define FIELDS_lifecycle(X, S) \
	X(S, pl_lifecycle, post_start, post_start, "postStart", PL_F_OBJ, 0, &s_handler) \
	X(S, pl_lifecycle, pre_stop, pre_stop, "preStop", PL_F_OBJ, 0, &s_handler) \
	X(S, pl_lifecycle, stop_signal, stop_signal, "stopSignal", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_lifecycle, "Lifecycle", pl_lifecycle, FIELDS_lifecycle);

#define FIELDS_caps(X, S) \
	X(S, pl_capabilities, add, add, "add", PL_F_STRV, 0, NULL) \
	X(S, pl_capabilities, drop, drop, "drop", PL_F_STRV, 0, NULL)
SCHEMA_STATIC(s_caps, "Capabilities", pl_capabilities, FIELDS_caps);

#define FIELDS_selinux(X, S) \
	X(S, pl_se_linux, user, user, "user", PL_F_STR, 0, NULL) \
	X(S, pl_se_linux, role, role, "role", PL_F_STR, 0, NULL) \
	X(S, pl_se_linux, type, type, "type", PL_F_STR, 0, NULL) \
	X(S, pl_se_linux, level, level, "level", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_selinux, "SELinuxOptions", pl_se_linux, FIELDS_selinux);

#define FIELDS_windows(X, S) \
	X(S, pl_windows_opts, gmsa_credential_spec_name, gmsa_credential_spec_name, "gmsaCredentialSpecName", PL_F_STR, 0, NULL) \
	X(S, pl_windows_opts, gmsa_credential_spec, gmsa_credential_spec, "gmsaCredentialSpec", PL_F_STR, 0, NULL) \
	X(S, pl_windows_opts, run_as_user_name, run_as_user_name, "runAsUserName", PL_F_STR, 0, NULL) \
	X(S, pl_windows_opts, host_process, host_process, "hostProcess", PL_F_BOOL, 0, NULL)
SCHEMA_STATIC(s_windows, "WindowsSecurityContextOptions", pl_windows_opts, FIELDS_windows);

#define FIELDS_profile(X, S) \
	X(S, pl_profile, type, type, "type", PL_F_STR, 0, NULL) \
	X(S, pl_profile, localhost_profile, localhost_profile, "localhostProfile", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_profile, "Profile", pl_profile, FIELDS_profile);

#define FIELDS_secctx(X, S) \
	X(S, pl_security_context, capabilities, capabilities, "capabilities", PL_F_OBJ, 0, &s_caps) \
	X(S, pl_security_context, privileged, privileged, "privileged", PL_F_BOOL, 0, NULL) \
	X(S, pl_security_context, se_linux_options, se_linux_options, "seLinuxOptions", PL_F_OBJ, 0, &s_selinux) \
	X(S, pl_security_context, windows_options, windows_options, "windowsOptions", PL_F_OBJ, 0, &s_windows) \
	X(S, pl_security_context, run_as_user, run_as_user, "runAsUser", PL_F_INT, 0, NULL) \
	X(S, pl_security_context, run_as_group, run_as_group, "runAsGroup", PL_F_INT, 0, NULL) \
	X(S, pl_security_context, run_as_non_root, run_as_non_root, "runAsNonRoot", PL_F_BOOL, 0, NULL) \
	X(S, pl_security_context, read_only_root_filesystem, read_only_root_filesystem, "readOnlyRootFilesystem", PL_F_BOOL, 0, NULL) \
	X(S, pl_security_context, allow_privilege_escalation, allow_privilege_escalation, "allowPrivilegeEscalation", PL_F_BOOL, 0, NULL) \
	X(S, pl_security_context, proc_mount, proc_mount, "procMount", PL_F_STR, 0, NULL) \
	X(S, pl_security_context, seccomp_profile, seccomp_profile, "seccompProfile", PL_F_OBJ, 0, &s_profile) \
	X(S, pl_security_context, app_armor_profile, app_armor_profile, "appArmorProfile", PL_F_OBJ, 0, &s_profile) \
	X(S, pl_security_context, cgroup_options, cgroup_options, "cgroupOptions", PL_F_RAW, 0, NULL)
SCHEMA_STATIC(s_secctx, "SecurityContext", pl_security_context, FIELDS_secctx);

#define FIELDS_sysctl(X, S) \
	X(S, pl_sysctl, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_sysctl, value, value, "value", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_sysctl, "Sysctl", pl_sysctl, FIELDS_sysctl);

#define FIELDS_pod_secctx(X, S) \
	X(S, pl_pod_security_context, se_linux_options, se_linux_options, "seLinuxOptions", PL_F_OBJ, 0, &s_selinux) \
	X(S, pl_pod_security_context, windows_options, windows_options, "windowsOptions", PL_F_OBJ, 0, &s_windows) \
	X(S, pl_pod_security_context, run_as_user, run_as_user, "runAsUser", PL_F_INT, 0, NULL) \
	X(S, pl_pod_security_context, run_as_group, run_as_group, "runAsGroup", PL_F_INT, 0, NULL) \
	X(S, pl_pod_security_context, run_as_non_root, run_as_non_root, "runAsNonRoot", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_security_context, supplemental_groups, supplemental_groups, "supplementalGroups", PL_F_INTV, 0, NULL) \
	X(S, pl_pod_security_context, supplemental_groups_policy, supplemental_groups_policy, "supplementalGroupsPolicy", PL_F_STR, 0, NULL) \
	X(S, pl_pod_security_context, fs_group, fs_group, "fsGroup", PL_F_INT, 0, NULL) \
	X(S, pl_pod_security_context, sysctls, sysctls, "sysctls", PL_F_LIST, 0, &s_sysctl) \
	X(S, pl_pod_security_context, fs_group_change_policy, fs_group_change_policy, "fsGroupChangePolicy", PL_F_STR, 0, NULL) \
	X(S, pl_pod_security_context, seccomp_profile, seccomp_profile, "seccompProfile", PL_F_OBJ, 0, &s_profile) \
	X(S, pl_pod_security_context, app_armor_profile, app_armor_profile, "appArmorProfile", PL_F_OBJ, 0, &s_profile) \
	X(S, pl_pod_security_context, se_linux_change_policy, se_linux_change_policy, "seLinuxChangePolicy", PL_F_STR, 0, NULL)
SCHEMA_PUBLIC(pl_schema_pod_secctx, "PodSecurityContext", pl_pod_security_context, FIELDS_pod_secctx);

#define FIELDS_exit_codes(X, S) \
	X(S, pl_exit_codes, operator_, operator_, "operator", PL_F_STR, 0, NULL) \
	X(S, pl_exit_codes, values, values, "values", PL_F_INTV, 0, NULL)
SCHEMA_STATIC(s_exit_codes, "ContainerRestartRuleOnExitCodes", pl_exit_codes, FIELDS_exit_codes);

#define FIELDS_restart_rule(X, S) \
	X(S, pl_restart_rule, action, action, "action", PL_F_STR, 0, NULL) \
	X(S, pl_restart_rule, exit_codes, exit_codes, "exitCodes", PL_F_OBJ, 0, &s_exit_codes)
SCHEMA_STATIC(s_restart_rule, "ContainerRestartRule", pl_restart_rule, FIELDS_restart_rule);

#define FIELDS_container(X, S) \
	X(S, pl_container, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_container, image, image, "image", PL_F_STR, 0, NULL) \
	X(S, pl_container, command, command, "command", PL_F_STRV, 0, NULL) \
	X(S, pl_container, args, args, "args", PL_F_STRV, 0, NULL) \
	X(S, pl_container, working_dir, working_dir, "workingDir", PL_F_STR, 0, NULL) \
	X(S, pl_container, ports, ports, "ports", PL_F_LIST, 0, &s_port) \
	X(S, pl_container, env_from, env_from, "envFrom", PL_F_LIST, 0, &s_env_from) \
	X(S, pl_container, env, env, "env", PL_F_LIST, 0, &s_env) \
	X(S, pl_container, resources, resources, "resources", PL_F_OBJ, 0, &s_resources) \
	X(S, pl_container, resize_policy, resize_policy, "resizePolicy", PL_F_RAW, 0, NULL) \
	X(S, pl_container, restart_policy, restart_policy, "restartPolicy", PL_F_STR, 0, NULL) \
	X(S, pl_container, restart_policy_rules, restart_policy_rules, "restartPolicyRules", PL_F_LIST, 0, &s_restart_rule) \
	X(S, pl_container, volume_mounts, volume_mounts, "volumeMounts", PL_F_LIST, 0, &s_mount) \
	X(S, pl_container, volume_devices, volume_devices, "volumeDevices", PL_F_RAW, 0, NULL) \
	X(S, pl_container, liveness_probe, liveness_probe, "livenessProbe", PL_F_OBJ, 0, &pl_schema_probe) \
	X(S, pl_container, readiness_probe, readiness_probe, "readinessProbe", PL_F_OBJ, 0, &pl_schema_probe) \
	X(S, pl_container, startup_probe, startup_probe, "startupProbe", PL_F_OBJ, 0, &pl_schema_probe) \
	X(S, pl_container, lifecycle, lifecycle, "lifecycle", PL_F_OBJ, 0, &s_lifecycle) \
	X(S, pl_container, termination_message_path, termination_message_path, "terminationMessagePath", PL_F_STR, 0, NULL) \
	X(S, pl_container, termination_message_policy, termination_message_policy, "terminationMessagePolicy", PL_F_STR, 0, NULL) \
	X(S, pl_container, image_pull_policy, image_pull_policy, "imagePullPolicy", PL_F_STR, 0, NULL) \
	X(S, pl_container, security_context, security_context, "securityContext", PL_F_OBJ, 0, &s_secctx) \
	X(S, pl_container, stdin_, stdin_, "stdin", PL_F_BOOL, 0, NULL) \
	X(S, pl_container, stdin_once, stdin_once, "stdinOnce", PL_F_BOOL, 0, NULL) \
	X(S, pl_container, tty, tty, "tty", PL_F_BOOL, 0, NULL)
SCHEMA_PUBLIC(pl_schema_container, "Container", pl_container, FIELDS_container);

#define FIELDS_empty_dir(X, S) \
	X(S, pl_empty_dir, medium, medium, "medium", PL_F_STR, 0, NULL) \
	X(S, pl_empty_dir, size_limit, size_limit, "sizeLimit", PL_F_QTY, 0, NULL) \
	X(S, pl_empty_dir, mode, mode, "mode", PL_F_INT, PL_FF_INT32, NULL)
SCHEMA_PUBLIC(pl_schema_empty_dir, "EmptyDirVolumeSource", pl_empty_dir, FIELDS_empty_dir);

#define FIELDS_host_path(X, S) \
	X(S, pl_host_path, path, path, "path", PL_F_STR, 0, NULL) \
	X(S, pl_host_path, type, type, "type", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_host_path, "HostPathVolumeSource", pl_host_path, FIELDS_host_path);

#define FIELDS_cm_vol(X, S) \
	X(S, pl_config_map_vol, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_config_map_vol, items, items, "items", PL_F_RAW, 0, NULL) \
	X(S, pl_config_map_vol, default_mode, default_mode, "defaultMode", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_config_map_vol, optional, optional, "optional", PL_F_BOOL, 0, NULL)
SCHEMA_STATIC(s_cm_vol, "ConfigMapVolumeSource", pl_config_map_vol, FIELDS_cm_vol);

#define FIELDS_secret_vol(X, S) \
	X(S, pl_secret_vol, secret_name, secret_name, "secretName", PL_F_STR, 0, NULL) \
	X(S, pl_secret_vol, items, items, "items", PL_F_RAW, 0, NULL) \
	X(S, pl_secret_vol, default_mode, default_mode, "defaultMode", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_secret_vol, optional, optional, "optional", PL_F_BOOL, 0, NULL)
SCHEMA_STATIC(s_secret_vol, "SecretVolumeSource", pl_secret_vol, FIELDS_secret_vol);

/* VolumeSource members in Go order; the four typed ones in place. */
#define FIELDS_volume(X, S) \
	X(S, pl_volume, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_volume, host_path, host_path, "hostPath", PL_F_OBJ, 0, &s_host_path) \
	X(S, pl_volume, empty_dir, empty_dir, "emptyDir", PL_F_OBJ, 0, &pl_schema_empty_dir) \
	X(S, pl_volume, other[0], other_0, "gcePersistentDisk", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[1], other_1, "awsElasticBlockStore", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[2], other_2, "gitRepo", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, secret, secret, "secret", PL_F_OBJ, 0, &s_secret_vol) \
	X(S, pl_volume, other[3], other_3, "nfs", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[4], other_4, "iscsi", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[5], other_5, "glusterfs", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[6], other_6, "persistentVolumeClaim", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[7], other_7, "rbd", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[8], other_8, "flexVolume", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[9], other_9, "cinder", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[10], other_10, "cephfs", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[11], other_11, "flocker", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[12], other_12, "downwardAPI", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[13], other_13, "fc", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[14], other_14, "azureFile", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, config_map, config_map, "configMap", PL_F_OBJ, 0, &s_cm_vol) \
	X(S, pl_volume, other[15], other_15, "vsphereVolume", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[16], other_16, "quobyte", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[17], other_17, "azureDisk", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[18], other_18, "photonPersistentDisk", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[19], other_19, "projected", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[20], other_20, "portworxVolume", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[21], other_21, "scaleIO", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[22], other_22, "storageos", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[23], other_23, "csi", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[24], other_24, "ephemeral", PL_F_RAW, 0, NULL) \
	X(S, pl_volume, other[25], other_25, "image", PL_F_RAW, 0, NULL)
SCHEMA_PUBLIC(pl_schema_volume, "Volume", pl_volume, FIELDS_volume);

#define FIELDS_readiness_gate(X, S) \
	X(S, pl_readiness_gate, condition_type, condition_type, "conditionType", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_readiness_gate, "PodReadinessGate", pl_readiness_gate, FIELDS_readiness_gate);

#define FIELDS_pod_os(X, S) \
	X(S, pl_pod_os, name, name, "name", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_pod_os, "PodOS", pl_pod_os, FIELDS_pod_os);

#define FIELDS_spec(X, S) \
	X(S, pl_pod_spec, volumes, volumes, "volumes", PL_F_LIST, 0, &pl_schema_volume) \
	X(S, pl_pod_spec, init_containers, init_containers, "initContainers", PL_F_LIST, 0, &pl_schema_container) \
	X(S, pl_pod_spec, containers, containers, "containers", PL_F_LIST, 0, &pl_schema_container) \
	X(S, pl_pod_spec, ephemeral_containers, ephemeral_containers, "ephemeralContainers", PL_F_RAW, 0, NULL) \
	X(S, pl_pod_spec, restart_policy, restart_policy, "restartPolicy", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, termination_grace_period_seconds, termination_grace_period_seconds, "terminationGracePeriodSeconds", PL_F_INT, 0, NULL) \
	X(S, pl_pod_spec, active_deadline_seconds, active_deadline_seconds, "activeDeadlineSeconds", PL_F_INT, 0, NULL) \
	X(S, pl_pod_spec, dns_policy, dns_policy, "dnsPolicy", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, node_selector, node_selector, "nodeSelector", PL_F_MAP, 0, NULL) \
	X(S, pl_pod_spec, service_account_name, service_account_name, "serviceAccountName", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, service_account, service_account, "serviceAccount", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, automount_service_account_token, automount_service_account_token, "automountServiceAccountToken", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_spec, node_name, node_name, "nodeName", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, host_network, host_network, "hostNetwork", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_spec, host_pid, host_pid, "hostPID", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_spec, host_ipc, host_ipc, "hostIPC", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_spec, share_process_namespace, share_process_namespace, "shareProcessNamespace", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_spec, security_context, security_context, "securityContext", PL_F_OBJ, 0, &pl_schema_pod_secctx) \
	X(S, pl_pod_spec, image_pull_secrets, image_pull_secrets, "imagePullSecrets", PL_F_LIST, 0, &s_localref) \
	X(S, pl_pod_spec, hostname, hostname, "hostname", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, subdomain, subdomain, "subdomain", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, affinity, affinity, "affinity", PL_F_RAW, 0, NULL) \
	X(S, pl_pod_spec, scheduler_name, scheduler_name, "schedulerName", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, tolerations, tolerations, "tolerations", PL_F_RAW, 0, NULL) \
	X(S, pl_pod_spec, host_aliases, host_aliases, "hostAliases", PL_F_RAW, 0, NULL) \
	X(S, pl_pod_spec, priority_class_name, priority_class_name, "priorityClassName", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, priority, priority, "priority", PL_F_INT, PL_FF_INT32, NULL) \
	X(S, pl_pod_spec, dns_config, dns_config, "dnsConfig", PL_F_RAW, 0, NULL) \
	X(S, pl_pod_spec, readiness_gates, readiness_gates, "readinessGates", PL_F_LIST, 0, &s_readiness_gate) \
	X(S, pl_pod_spec, runtime_class_name, runtime_class_name, "runtimeClassName", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, enable_service_links, enable_service_links, "enableServiceLinks", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_spec, preemption_policy, preemption_policy, "preemptionPolicy", PL_F_STR, 0, NULL) \
	X(S, pl_pod_spec, overhead, overhead, "overhead", PL_F_QTYMAP, 0, NULL) \
	X(S, pl_pod_spec, topology_spread_constraints, topology_spread_constraints, "topologySpreadConstraints", PL_F_RAW, 0, NULL) \
	X(S, pl_pod_spec, set_hostname_as_fqdn, set_hostname_as_fqdn, "setHostnameAsFQDN", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_spec, os, os, "os", PL_F_OBJ, 0, &s_pod_os) \
	X(S, pl_pod_spec, host_users, host_users, "hostUsers", PL_F_BOOL, 0, NULL) \
	X(S, pl_pod_spec, scheduling_gates, scheduling_gates, "schedulingGates", PL_F_RAW, 0, NULL) \
	X(S, pl_pod_spec, resource_claims, resource_claims, "resourceClaims", PL_F_RAW, 0, NULL) \
	X(S, pl_pod_spec, resources, resources, "resources", PL_F_OBJ, 0, &s_resources) \
	X(S, pl_pod_spec, hostname_override, hostname_override, "hostnameOverride", PL_F_STR, 0, NULL)
SCHEMA_STATIC(s_spec, "PodSpec", pl_pod_spec, FIELDS_spec);

#define FIELDS_meta(X, S) \
	X(S, pl_meta, name, name, "name", PL_F_STR, 0, NULL) \
	X(S, pl_meta, generate_name, generate_name, "generateName", PL_F_STR, 0, NULL) \
	X(S, pl_meta, namespace_, namespace_, "namespace", PL_F_STR, 0, NULL) \
	X(S, pl_meta, self_link, self_link, "selfLink", PL_F_STR, 0, NULL) \
	X(S, pl_meta, uid, uid, "uid", PL_F_STR, 0, NULL) \
	X(S, pl_meta, resource_version, resource_version, "resourceVersion", PL_F_STR, 0, NULL) \
	X(S, pl_meta, generation, generation, "generation", PL_F_INT, 0, NULL) \
	X(S, pl_meta, creation_timestamp, creation_timestamp, "creationTimestamp", PL_F_RAW, 0, NULL) \
	X(S, pl_meta, deletion_timestamp, deletion_timestamp, "deletionTimestamp", PL_F_RAW, 0, NULL) \
	X(S, pl_meta, deletion_grace_period_seconds, deletion_grace_period_seconds, "deletionGracePeriodSeconds", PL_F_INT, 0, NULL) \
	X(S, pl_meta, labels, labels, "labels", PL_F_MAP, 0, NULL) \
	X(S, pl_meta, annotations, annotations, "annotations", PL_F_MAP, 0, NULL) \
	X(S, pl_meta, owner_references, owner_references, "ownerReferences", PL_F_RAW, 0, NULL) \
	X(S, pl_meta, finalizers, finalizers, "finalizers", PL_F_STRV, 0, NULL) \
	X(S, pl_meta, managed_fields, managed_fields, "managedFields", PL_F_RAW, 0, NULL)
SCHEMA_PUBLIC(pl_schema_meta, "ObjectMeta", pl_meta, FIELDS_meta);

#define FIELDS_pod(X, S) \
	X(S, pl_pod_model, kind, kind, "kind", PL_F_STR, 0, NULL) \
	X(S, pl_pod_model, api_version, api_version, "apiVersion", PL_F_STR, 0, NULL) \
	X(S, pl_pod_model, metadata, metadata, "metadata", PL_F_OBJ, 0, &pl_schema_meta) \
	X(S, pl_pod_model, spec, spec, "spec", PL_F_OBJ, 0, &s_spec) \
	X(S, pl_pod_model, status, status, "status", PL_F_RAW, 0, NULL)
SCHEMA_PUBLIC(pl_schema_pod, "Pod", pl_pod_model, FIELDS_pod);

/* ---- helpers ------------------------------------------------------------------ */

int pl_schema_field_index(const pl_schema *s, size_t offset)
{
	if (offset >= s->size)
		return -1;
	return (int)s->index[offset] - 1;
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
	/* the object and its field positions in one piece */
	size_t head = (s->size + _Alignof(pl_pos) - 1) & ~(size_t)(_Alignof(pl_pos) - 1);
	char *mem = pl_arena_alloc(ar, head + s->nfields * sizeof(pl_pos));
	if (!mem)
		return NULL;
	pl_obj *h = (pl_obj *)(void *)mem;
	h->schema = s;
	h->fpos = (pl_pos *)(void *)(mem + head);
	return h;
}

static const size_t volume_source_first = 1; /* fields after "name" */

size_t pl_volume_source_count(const pl_volume *v)
{
	size_t n = 0;
	for (size_t i = volume_source_first; i < pl_schema_volume.nfields; i++)
		if ((v->obj.present >> i) & 1u)
			n++;
	return n;
}

const char *pl_volume_source_kind(const pl_volume *v)
{
	for (size_t i = volume_source_first; i < pl_schema_volume.nfields; i++)
		if ((v->obj.present >> i) & 1u)
			return pl_schema_volume.fields[i].name;
	return NULL;
}

/*
 * Checks the tables the look-ups rely on: each field's offset maps back to
 * its index and nothing else maps, every index fits the 64-bit presence
 * masks, every OBJ or LIST field has a sub-schema.  Walks the sub-schemas;
 * returns the number of problems (0 when sound).
 */
int pl_schema_check(const pl_schema *s, int depth)
{
	int bad = 0;
	if (depth > 16)
		return 0;
	if (s->nfields > 64)
		bad++;
	size_t mapped = 0;
	for (size_t off = 0; off < s->size; off++)
		mapped += s->index[off] != 0;
	if (mapped != s->nfields)
		bad++;
	for (size_t i = 0; i < s->nfields; i++) {
		const pl_field *f = &s->fields[i];
		if (pl_schema_field_index(s, f->offset) != (int)i)
			bad++;
		if ((f->type == PL_F_OBJ || f->type == PL_F_LIST) != (f->sub != NULL))
			bad++;
		if (f->sub && f->sub != s)
			bad += pl_schema_check(f->sub, depth + 1);
	}
	return bad;
}
