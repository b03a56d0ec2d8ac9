/*
 * examples/runtime/oci_spec.c - the OCI runtime-spec config.json of the
 * mini-runtime's containers (jansson), and the Kubernetes rules for a
 * container's process: command/args against the image's Entrypoint/Cmd
 * and $(VAR) expansion.  See oci_spec.h.
 */
#include "oci_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "rt_int.h"

/* The capabilities containerd and Docker give a container by default. */
static const char *const default_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL};

static const char *const masked_paths[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", NULL};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};

static json_t *strv_json(const char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void add_mount(json_t *mounts, const char *dst, const char *type, const char *src,
                      const char *const *opts)
{
	json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:o}", "destination", dst, "type",
	                                        type, "source", src, "options", strv_json(opts)));
}

static json_t *namespaces(const oci_spec_in *in)
{
	json_t *ns = json_array();
	json_array_append_new(ns, json_pack("{s:s}", "type", "pid"));
	json_array_append_new(ns, json_pack("{s:s}", "type", "mount"));
	const char *joined[][2] = {{"network", "net"}, {"ipc", "ipc"}, {"uts", "uts"}};
	for (size_t i = 0; i < 3; i++) {
		/* hostNetwork pods keep the host's network and UTS namespaces */
		if (in->host_network && strcmp(joined[i][1], "ipc") != 0)
			continue;
		if (in->join_pid > 0) {
			char p[64];
			snprintf(p, sizeof(p), "/proc/%ld/ns/%s", (long)in->join_pid, joined[i][1]);
			json_array_append_new(ns, json_pack("{s:s, s:s}", "type", joined[i][0], "path", p));
		} else {
			json_array_append_new(ns, json_pack("{s:s}", "type", joined[i][0]));
		}
	}
	return ns;
}

static json_t *build(const oci_spec_in *in)
{
	json_t *caps = strv_json(default_caps);
	json_t *process = json_pack(
		"{s:b, s:{s:I, s:I}, s:o, s:o, s:s, s:{s:O, s:O, s:O}, s:b}", "terminal", 0, "user",
		"uid", (json_int_t)in->uid, "gid", (json_int_t)in->gid, "args",
		strv_json((const char *const *)in->args), "env",
		strv_json((const char *const *)in->env), "cwd", in->cwd, "capabilities", "bounding",
		caps, "effective", caps, "permitted", caps, "noNewPrivileges", 0);
	json_decref(caps);
	if (!process)
		return NULL;
	if (in->nofile) {
		json_object_set_new(process, "rlimits",
		                    json_pack("[{s:s, s:I, s:I}]", "type", "RLIMIT_NOFILE", "hard",
		                              (json_int_t)in->nofile, "soft",
		                              (json_int_t)in->nofile));
	}

	json_t *mounts = json_array();
	add_mount(mounts, "/proc", "proc", "proc", (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	add_mount(mounts, "/dev", "tmpfs", "tmpfs",
	          (const char *const[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL});
	add_mount(mounts, "/dev/pts", "devpts", "devpts",
	          (const char *const[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666",
	                                "mode=0620", "gid=5", NULL});
	add_mount(mounts, "/dev/shm", "tmpfs", "shm",
	          (const char *const[]){"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL});
	add_mount(mounts, "/dev/mqueue", "mqueue", "mqueue",
	          (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	add_mount(mounts, "/sys", "sysfs", "sysfs",
	          (const char *const[]){"nosuid", "noexec", "nodev", "ro", NULL});
	if (in->tmpfs_tmp) {
		add_mount(mounts, "/tmp", "tmpfs", "tmpfs",
		          (const char *const[]){"nosuid", "nodev", "mode=1777", NULL});
		add_mount(mounts, "/run", "tmpfs", "tmpfs",
		          (const char *const[]){"nosuid", "nodev", "mode=755", NULL});
	}
	for (size_t i = 0; i < in->n_mounts; i++) {
		const oci_mount *m = &in->mounts[i];
		if (m->src)
			add_mount(mounts, m->dst, "bind", m->src,
			          (const char *const[]){"rbind", m->readonly ? "ro" : "rw", NULL});
		else
			add_mount(mounts, m->dst, "tmpfs", "tmpfs",
			          (const char *const[]){"nosuid", "nodev", "mode=1777", NULL});
	}

	json_t *res = json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm");
	if (in->memory_limit > 0)
		json_object_set_new(res, "memory",
		                    json_pack("{s:I}", "limit", (json_int_t)in->memory_limit));
	if (in->cpu_quota > 0 || in->cpu_shares > 0) {
		json_t *cpu = json_object();
		if (in->cpu_quota > 0) {
			json_object_set_new(cpu, "quota", json_integer(in->cpu_quota));
			json_object_set_new(cpu, "period", json_integer(in->cpu_period));
		}
		if (in->cpu_shares > 0)
			json_object_set_new(cpu, "shares", json_integer((json_int_t)in->cpu_shares));
		json_object_set_new(res, "cpu", cpu);
	}

	json_t *linux_ = json_pack("{s:o, s:s, s:o, s:o, s:o}", "namespaces", namespaces(in),
	                           "cgroupsPath", in->cgroups_path, "resources", res, "maskedPaths",
	                           strv_json(masked_paths), "readonlyPaths",
	                           strv_json(readonly_paths));
	json_t *root = json_pack("{s:s, s:o, s:{s:s, s:b}, s:o, s:o}", "ociVersion", "1.0.2",
	                         "process", process, "root", "path", in->rootfs, "readonly",
	                         in->rootfs_readonly, "mounts", mounts, "linux", linux_);
	if (root && in->hostname)
		json_object_set_new(root, "hostname", json_string(in->hostname));
	return root;
}

int oci_spec_write(const oci_spec_in *in, const char *path, char *err, size_t len)
{
	json_t *root = build(in);
	if (!root) {
		snprintf(err, len, "cannot build the OCI spec");
		return -1;
	}
	char *txt = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	int rc = txt ? rt_write_file(path, txt, strlen(txt)) : -1;
	free(txt);
	if (rc != 0) {
		snprintf(err, len, "cannot write %s", path);
		return -1;
	}
	return 0;
}

/* ---- Kubernetes process rules ------------------------------------------------ */

static const char *env_lookup(char *const *env, const char *name, size_t n)
{
	for (size_t i = 0; env && env[i]; i++) {
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	}
	return NULL;
}

char *oci_expand(const char *s, char *const *env)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *p = s; *p;) {
		const char *piece = p;
		size_t plen = 1;
		if (p[0] == '$' && p[1] == '$') {
			plen = 1; /* $$ is an escaped $ */
			p += 2;
		} else if (p[0] == '$' && p[1] == '(') {
			const char *close = strchr(p + 2, ')');
			const char *val = close ? env_lookup(env, p + 2, (size_t)(close - p - 2)) : NULL;
			if (val) {
				piece = val;
				plen = strlen(val);
				p = close + 1;
			} else if (close) {
				plen = (size_t)(close - p) + 1;
				p = close + 1;
			} else {
				plen = strlen(p);
				p += plen;
			}
		} else {
			p++;
		}
		if (n + plen + 1 > cap) {
			cap = (n + plen + 1) * 2;
			char *t = realloc(out, cap);
			if (!t) {
				free(out);
				return NULL;
			}
			out = t;
		}
		memcpy(out + n, piece, plen);
		n += plen;
	}
	out[n] = '\0';
	return out;
}

static size_t vlen(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

char **oci_process_args(char *const *entrypoint, char *const *cmd, char *const *command,
                        char *const *args, char *const *env)
{
	char *const *first = entrypoint, *const *second = cmd;
	int expand1 = 0, expand2 = 0;
	if (command && command[0]) {
		first = command;
		expand1 = 1;
		second = NULL; /* command alone: no Cmd */
	}
	if (args && args[0]) {
		second = args;
		expand2 = 1;
	}
	size_t n1 = vlen(first), n2 = vlen(second);
	if (n1 + n2 == 0)
		return NULL;
	char **out = calloc(n1 + n2 + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n1 + n2; i++) {
		const char *s = i < n1 ? first[i] : second[i - n1];
		int ex = i < n1 ? expand1 : expand2;
		out[i] = ex ? oci_expand(s, env) : strdup(s);
		if (!out[i]) {
			for (size_t j = 0; j < i; j++)
				free(out[j]);
			free(out);
			return NULL;
		}
	}
	return out;
}

int oci_env_set(char ***env, size_t *n, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	char *copy = strdup(kv);
	if (!copy)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		if (strncmp((*env)[i], kv, klen) == 0 && (*env)[i][klen] == '=') {
			free((*env)[i]);
			(*env)[i] = copy;
			return 0;
		}
	}
	char **t = realloc(*env, (*n + 2) * sizeof(**env));
	if (!t) {
		free(copy);
		return -1;
	}
	*env = t;
	t[(*n)++] = copy;
	t[*n] = NULL;
	return 0;
}
