/*
 * lib/spec/model.h - the typed Pod model.
 *
 * Every object struct starts with a pl_obj header and is described by a
 * pl_schema (schema.c) listing its fields in the Go struct order of
 * k8s.io/api/core/v1.  The schema drives decoding, JSON export, path
 * look-ups and unknown-field detection; defaulting (defaults.c) and
 * validation (validate.c) are written against the typed fields.
 *
 * Presence: strings are NULL when unset; ints and bools have a bit in
 * pl_obj.present; lists and maps are empty.  Everything lives in the
 * pod's arena.
 */
#ifndef PL_MODEL_H
#define PL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node.h"

typedef struct pl_pos {
	uint32_t line, col;
} pl_pos;

typedef struct pl_schema pl_schema;

/* Header of every model object. */
typedef struct pl_obj {
	const pl_schema *schema;
	pl_pos pos;       /* of the object's map node */
	pl_pos *fpos;     /* per field (schema index), of the value node */
	uint64_t present; /* bit i: field i was given or defaulted */
	uint64_t defaulted; /* bit i: field i was filled by defaulting */
} pl_obj;

typedef struct pl_strv {
	size_t n;
	char **v;
	pl_pos *pos;
} pl_strv;

typedef struct pl_intv {
	size_t n;
	int64_t *v;
} pl_intv;

typedef struct pl_kv {
	char *key;
	char *value;
	pl_pos pos; /* of the key */
	pl_pos vpos; /* of the value */
} pl_kv;

/* string -> string map (labels, annotations, nodeSelector, quantities). */
typedef struct pl_map {
	size_t n;
	pl_kv *v;
} pl_map;

/* List of model objects (items point to structs starting with pl_obj). */
typedef struct pl_list {
	size_t n;
	void **v;
} pl_list;

#define PL_ITEM(list, type, i) ((type *)(list).v[(i)])

/* intstr.IntOrString */
typedef struct pl_intstr {
	bool is_str;
	int64_t i;
	char *s;
} pl_intstr;

/* ---- objects -------------------------------------------------------------- */

typedef struct pl_keyref { /* LocalObjectReference, ConfigMapKeySelector, ... */
	pl_obj obj;
	char *name;
	char *key;
	bool optional;
} pl_keyref;

typedef struct pl_field_ref {
	pl_obj obj;
	char *api_version;
	char *field_path;
} pl_field_ref;

typedef struct pl_resource_field_ref {
	pl_obj obj;
	char *container_name;
	char *resource;
	char *divisor;
} pl_resource_field_ref;

typedef struct pl_env_source {
	pl_obj obj;
	pl_field_ref *field_ref;
	pl_resource_field_ref *resource_field_ref;
	pl_keyref *config_map_key_ref;
	pl_keyref *secret_key_ref;
	pl_node *file_key_ref;
} pl_env_source;

typedef struct pl_env {
	pl_obj obj;
	char *name;
	char *value;
	pl_env_source *value_from;
} pl_env;

typedef struct pl_env_from {
	pl_obj obj;
	char *prefix;
	pl_keyref *config_map_ref;
	pl_keyref *secret_ref;
} pl_env_from;

typedef struct pl_port {
	pl_obj obj;
	char *name;
	int64_t host_port;
	int64_t container_port;
	char *protocol;
	char *host_ip;
} pl_port;

typedef struct pl_resources {
	pl_obj obj;
	pl_map limits;
	pl_map requests;
	pl_node *claims;
} pl_resources;

typedef struct pl_volume_mount {
	pl_obj obj;
	char *name;
	bool read_only;
	char *recursive_read_only;
	char *mount_path;
	char *sub_path;
	char *mount_propagation;
	char *sub_path_expr;
} pl_volume_mount;

typedef struct pl_exec_action {
	pl_obj obj;
	pl_strv command;
} pl_exec_action;

typedef struct pl_http_header {
	pl_obj obj;
	char *name;
	char *value;
} pl_http_header;

typedef struct pl_http_get {
	pl_obj obj;
	char *path;
	pl_intstr port;
	char *host;
	char *scheme;
	pl_list http_headers; /* pl_http_header */
} pl_http_get;

typedef struct pl_tcp_socket {
	pl_obj obj;
	pl_intstr port;
	char *host;
} pl_tcp_socket;

typedef struct pl_grpc_action {
	pl_obj obj;
	int64_t port;
	char *service;
} pl_grpc_action;

typedef struct pl_sleep_action {
	pl_obj obj;
	int64_t seconds;
} pl_sleep_action;

/* Probe and LifecycleHandler share the handler members (ProbeHandler). */
typedef struct pl_probe {
	pl_obj obj;
	pl_exec_action *exec;
	pl_http_get *http_get;
	pl_tcp_socket *tcp_socket;
	pl_grpc_action *grpc;
	int64_t initial_delay_seconds;
	int64_t timeout_seconds;
	int64_t period_seconds;
	int64_t success_threshold;
	int64_t failure_threshold;
	int64_t termination_grace_period_seconds;
} pl_probe;

typedef struct pl_handler {
	pl_obj obj;
	pl_exec_action *exec;
	pl_http_get *http_get;
	pl_tcp_socket *tcp_socket;
	pl_sleep_action *sleep;
} pl_handler;

typedef struct pl_lifecycle {
	pl_obj obj;
	pl_handler *post_start;
	pl_handler *pre_stop;
	char *stop_signal;
} pl_lifecycle;

typedef struct pl_capabilities {
	pl_obj obj;
	pl_strv add;
	pl_strv drop;
} pl_capabilities;

typedef struct pl_se_linux {
	pl_obj obj;
	char *user;
	char *role;
	char *type;
	char *level;
} pl_se_linux;

typedef struct pl_windows_opts {
	pl_obj obj;
	char *gmsa_credential_spec_name;
	char *gmsa_credential_spec;
	char *run_as_user_name;
	bool host_process;
} pl_windows_opts;

typedef struct pl_profile { /* SeccompProfile, AppArmorProfile */
	pl_obj obj;
	char *type;
	char *localhost_profile;
} pl_profile;

typedef struct pl_security_context {
	pl_obj obj;
	pl_capabilities *capabilities;
	bool privileged;
	pl_se_linux *se_linux_options;
	pl_windows_opts *windows_options;
	int64_t run_as_user;
	int64_t run_as_group;
	bool run_as_non_root;
	bool read_only_root_filesystem;
	bool allow_privilege_escalation;
	char *proc_mount;
	pl_profile *seccomp_profile;
	pl_profile *app_armor_profile;
	pl_node *cgroup_options;
} pl_security_context;

typedef struct pl_sysctl {
	pl_obj obj;
	char *name;
	char *value;
} pl_sysctl;

typedef struct pl_pod_security_context {
	pl_obj obj;
	pl_se_linux *se_linux_options;
	pl_windows_opts *windows_options;
	int64_t run_as_user;
	int64_t run_as_group;
	bool run_as_non_root;
	pl_intv supplemental_groups;
	char *supplemental_groups_policy;
	int64_t fs_group;
	pl_list sysctls; /* pl_sysctl */
	char *fs_group_change_policy;
	pl_profile *seccomp_profile;
	pl_profile *app_armor_profile;
	char *se_linux_change_policy;
} pl_pod_security_context;

typedef struct pl_exit_codes {
	pl_obj obj;
	char *operator_;
	pl_intv values;
} pl_exit_codes;

typedef struct pl_restart_rule { /* ContainerRestartRule (KEP-5307) */
	pl_obj obj;
	char *action;
	pl_exit_codes *exit_codes;
} pl_restart_rule;

typedef struct pl_container {
	pl_obj obj;
	char *name;
	char *image;
	pl_strv command;
	pl_strv args;
	char *working_dir;
	pl_list ports;     /* pl_port */
	pl_list env_from;  /* pl_env_from */
	pl_list env;       /* pl_env */
	pl_resources *resources;
	pl_node *resize_policy;
	char *restart_policy;
	pl_list restart_policy_rules; /* pl_restart_rule */
	pl_list volume_mounts; /* pl_volume_mount */
	pl_node *volume_devices;
	pl_probe *liveness_probe;
	pl_probe *readiness_probe;
	pl_probe *startup_probe;
	pl_lifecycle *lifecycle;
	char *termination_message_path;
	char *termination_message_policy;
	char *image_pull_policy;
	pl_security_context *security_context;
	bool stdin_;
	bool stdin_once;
	bool tty;
} pl_container;

typedef struct pl_empty_dir {
	pl_obj obj;
	char *medium;
	char *size_limit;
	int64_t mode;
} pl_empty_dir;

typedef struct pl_host_path {
	pl_obj obj;
	char *path;
	char *type;
} pl_host_path;

typedef struct pl_config_map_vol {
	pl_obj obj;
	char *name;       /* configMap.name; secret uses secretName */
	pl_node *items;
	int64_t default_mode;
	bool optional;
} pl_config_map_vol;

typedef struct pl_secret_vol {
	pl_obj obj;
	char *secret_name;
	pl_node *items;
	int64_t default_mode;
	bool optional;
} pl_secret_vol;

typedef struct pl_volume {
	pl_obj obj;
	char *name;
	pl_host_path *host_path;
	pl_empty_dir *empty_dir;
	pl_secret_vol *secret;
	pl_config_map_vol *config_map;
	/* Other sources are kept verbatim; other_kind names the one given. */
	pl_node *other[26];
} pl_volume;

/* JSON name of the first volume source that is set, or NULL. */
const char *pl_volume_source_kind(const pl_volume *v);
/* Number of volume sources set. */
size_t pl_volume_source_count(const pl_volume *v);

typedef struct pl_readiness_gate {
	pl_obj obj;
	char *condition_type;
} pl_readiness_gate;

typedef struct pl_pod_os {
	pl_obj obj;
	char *name;
} pl_pod_os;

typedef struct pl_pod_spec {
	pl_obj obj;
	pl_list volumes;         /* pl_volume */
	pl_list init_containers; /* pl_container */
	pl_list containers;      /* pl_container */
	pl_node *ephemeral_containers;
	char *restart_policy;
	int64_t termination_grace_period_seconds;
	int64_t active_deadline_seconds;
	char *dns_policy;
	pl_map node_selector;
	char *service_account_name;
	char *service_account;
	bool automount_service_account_token;
	char *node_name;
	bool host_network;
	bool host_pid;
	bool host_ipc;
	bool share_process_namespace;
	pl_pod_security_context *security_context;
	pl_list image_pull_secrets; /* pl_keyref */
	char *hostname;
	char *subdomain;
	pl_node *affinity;
	char *scheduler_name;
	pl_node *tolerations;
	pl_node *host_aliases;
	char *priority_class_name;
	int64_t priority;
	pl_node *dns_config;
	pl_list readiness_gates; /* pl_readiness_gate */
	char *runtime_class_name;
	bool enable_service_links;
	char *preemption_policy;
	pl_map overhead;
	pl_node *topology_spread_constraints;
	bool set_hostname_as_fqdn;
	pl_pod_os *os;
	bool host_users;
	pl_node *scheduling_gates;
	pl_node *resource_claims;
	pl_resources *resources;
	char *hostname_override;
} pl_pod_spec;

typedef struct pl_meta {
	pl_obj obj;
	char *name;
	char *generate_name;
	char *namespace_;
	char *self_link;
	char *uid;
	char *resource_version;
	int64_t generation;
	pl_node *creation_timestamp;
	pl_node *deletion_timestamp;
	int64_t deletion_grace_period_seconds;
	pl_map labels;
	pl_map annotations;
	pl_node *owner_references;
	pl_strv finalizers;
	pl_node *managed_fields;
} pl_meta;

typedef struct pl_pod_model {
	pl_obj obj;
	char *kind;
	char *api_version;
	pl_meta *metadata;
	pl_pod_spec *spec;
	pl_node *status;
} pl_pod_model;

/* ---- schema --------------------------------------------------------------- */

typedef enum pl_ftype {
	PL_F_STR,    /* char * */
	PL_F_INT,    /* int64_t, presence bit */
	PL_F_BOOL,   /* bool, presence bit */
	PL_F_STRV,   /* pl_strv */
	PL_F_INTV,   /* pl_intv */
	PL_F_MAP,    /* pl_map of strings */
	PL_F_QTYMAP, /* pl_map whose values are resource quantities */
	PL_F_QTY,    /* char *, a resource quantity (number or string) */
	PL_F_OBJ,    /* pointer to a model object */
	PL_F_LIST,   /* pl_list of model objects */
	PL_F_INTSTR, /* pl_intstr */
	PL_F_RAW     /* pl_node *, kept verbatim */
} pl_ftype;

enum {
	PL_FF_INT32 = 1u << 0 /* an int32 in the Go type: range checked */
};

typedef struct pl_field {
	const char *name; /* JSON name */
	uint8_t type;     /* pl_ftype */
	uint8_t flags;    /* PL_FF_* */
	uint16_t offset;
	const pl_schema *sub; /* OBJ and LIST */
} pl_field;

struct pl_schema {
	const char *name; /* Go type name, for messages */
	size_t size;
	const pl_field *fields;
	size_t nfields;
	const uint8_t *index; /* size entries: member offset -> field index + 1, 0 none */
};

extern const pl_schema pl_schema_pod;
extern const pl_schema pl_schema_container;
extern const pl_schema pl_schema_volume;
extern const pl_schema pl_schema_probe;
extern const pl_schema pl_schema_meta;
extern const pl_schema pl_schema_pod_secctx;
extern const pl_schema pl_schema_empty_dir;

/* Index of the field at `offset` in schema s (abort-free: -1 if none). */
int pl_schema_field_index(const pl_schema *s, size_t offset);
/* Problems in the schema tables reachable from s (0: sound); for tests. */
int pl_schema_check(const pl_schema *s, int depth);
/* Index of the field called name, or -1. */
int pl_schema_field_by_name(const pl_schema *s, const char *name);

/* Presence helpers, by member offset. */
bool pl_has(const void *obj, size_t offset);
void pl_set_present(void *obj, size_t offset);
/* Marks a field as given by defaulting (and present). */
void pl_set_defaulted(void *obj, size_t offset);
pl_pos pl_field_pos(const void *obj, size_t offset);

#define PL_HAS(o, member) pl_has((o), offsetof(__typeof__(*(o)), member))
#define PL_DEFAULTED(o, member) pl_set_defaulted((o), offsetof(__typeof__(*(o)), member))
#define PL_POS(o, member) pl_field_pos((o), offsetof(__typeof__(*(o)), member))

/* Allocates an object of schema s in the arena with its header ready. */
void *pl_obj_new(pl_arena *ar, const pl_schema *s);

#endif
