/*
 * examples/runtime/store_int.h - what the image store's files share:
 * SHA-256 and digest checks and the layer unpacker (unpack.c), and the
 * registry client (registry.c) that store.c drives.  Private to the
 * store; tests/runtime/test_store.c uses it to test the parts alone.
 */
#ifndef PODLIFE_EXAMPLE_STORE_INT_H
#define PODLIFE_EXAMPLE_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* ---- unpack.c: SHA-256 ------------------------------------------------------------ */

typedef struct st_sha256 {
	uint32_t h[8];
	uint64_t len;           /* bytes hashed */
	uint8_t buf[64];
	size_t n;               /* bytes in buf */
} st_sha256;

void st_sha256_init(st_sha256 *c);
void st_sha256_update(st_sha256 *c, const void *data, size_t len);
/* Writes the 64 lowercase hex digits and a NUL. */
void st_sha256_hex(st_sha256 *c, char out[65]);
/* "sha256:<hex>" of a buffer into out (at least 72 bytes). */
void st_sha256_digest(const void *data, size_t len, char out[72]);

/* 1 when `d` is "sha256:" followed by 64 lowercase hex digits. */
int st_digest_valid(const char *d);

/* 0 when the file's size and sha256 are `size` and `digest`; -1 with err. */
int st_verify_file(const char *path, const char *digest, int64_t size, char *err, size_t len);

/*
 * Applies one layer (tar, plain or gzip) on top of `rootfs` (an existing
 * directory): whiteouts of the layer first (".wh.NAME" removes NAME,
 * ".wh..wh..opq" empties its directory), then its entries.  Absolute
 * paths, ".." components and writes through symbolic links are refused
 * (-1 with err); device nodes are skipped unless running as root.
 */
int st_unpack_layer(const char *rootfs, const char *layer, char *err, size_t len);

/* Removes a tree without following symbolic links; 0 when gone. */
int st_rm_tree(const char *path);

/* ---- registry.c: the distribution API client ------------------------------------- */

typedef struct st_reg st_reg;

typedef struct st_reg_target {
	const char *domain;       /* as in the reference: "docker.io", "127.0.0.1:5000" */
	const char *repo;         /* "library/busybox" */
	const char *const *insecure;
	size_t n_insecure;
	const podlife_auth *auth;
	size_t n_auth;
	/* progress of blob downloads: bytes of the current transfer */
	void (*xfer)(void *ud, uint64_t now_bytes);
	void *xfer_ud;
} st_reg_target;

/* An answer in memory (manifests, configs) or written to a file (layers). */
typedef struct st_reg_resp {
	long status;
	char content_type[128];
	char digest[80];          /* Docker-Content-Digest, "" when absent */
	char *body;               /* memory answers: NUL-terminated, owned */
	size_t len;
} st_reg_resp;

void st_reg_resp_clear(st_reg_resp *r);

int st_reg_new(const st_reg_target *t, st_reg **out, char *err, size_t len);
void st_reg_free(st_reg *r);
/* "registry-1.docker.io" for docker.io, else the domain. */
const char *st_reg_host(const st_reg *r);

/*
 * kind "manifests" or "blobs", ref a tag or digest.  head: HEAD instead
 * of GET.  Memory answers are capped at `cap` bytes (larger: -1).  With
 * `path` set, a 2xx body goes to that file instead, hashed; its size must
 * not exceed `cap` either; *sha receives "sha256:<hex>" of what was
 * written.  Answers 401 with the WWW-Authenticate challenge and
 * authenticates (Basic or Bearer) with the credentials in order.
 * Returns 0 when a status was received (any status, in resp->status), -1
 * on a transport error or an oversized answer, with err (never holding a
 * credential or token).
 */
int st_reg_fetch(st_reg *r, const char *kind, const char *ref, int head, size_t cap,
                 const char *path, char sha[72], st_reg_resp *resp, char *err, size_t len);

/* "401 Unauthorized", "404 Not Found", ... */
const char *st_http_status_text(long status, char *buf, size_t len);

/* 1 when the registry is spoken to over plain HTTP (loopback or insecure list). */
int st_reg_plain_http(const char *domain, const char *const *insecure, size_t n);

#endif
