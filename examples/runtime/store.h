/*
 * examples/runtime/store.h - the mini-runtime's image store: images pulled
 * from registries with the OCI distribution API over libcurl and kept
 * under a directory, each image's layers unpacked (libarchive) into a
 * root filesystem the OCI backend uses read-only.
 *
 * Layout under the store's directory:
 *   blobs/sha256/<hex>                 manifests, configs and layers, verified
 *   refs/<registry>/<repository>/<tag or digest>   the manifest digest ("sha256:...")
 *   rootfs/<manifest hex>/             the unpacked root filesystem (complete
 *                                      once rootfs/<manifest hex>.done exists)
 *
 * One store may be used by one thread at a time (the runtime's pull
 * thread); lookups from other threads read only finished files.
 */
#ifndef PODLIFE_EXAMPLE_STORE_H
#define PODLIFE_EXAMPLE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <podlife.h>

typedef struct store store;

/* What the OCI backend needs of an image. */
typedef struct store_image {
	char digest[80];        /* manifest digest "sha256:<hex>" (the image id) */
	char rootfs[1024];      /* unpacked root filesystem (absolute path) */
	uint64_t size;          /* compressed size of the layers */
	/* from the image config (owned: free with store_image_clear) */
	char **entrypoint;      /* NULL-terminated, NULL when unset */
	char **cmd;
	char **env;             /* "K=V" */
	char *working_dir;      /* NULL when unset */
	char *user;             /* NULL when unset */
} store_image;

void store_image_clear(store_image *im);

typedef struct store_options {
	const char *dir;                      /* required, created when missing */
	const char *const *insecure;          /* "HOST:PORT" spoken to over plain HTTP */
	size_t n_insecure;
	/* Progress of pulls that take longer than a second: called about once
	 * a second with bytes done and expected (0 when unknown). */
	void (*progress)(void *ud, const char *ref, uint64_t done, uint64_t total);
	void *progress_ud;
} store_options;

int store_open(const store_options *o, store **out, char *err, size_t errlen);
void store_close(store *s);

/* The image as written in a spec ("busybox", "127.0.0.1:5000/x:1"), when
 * present: 1 with *out filled, 0 when missing, -1 on error (err). */
int store_lookup(store *s, const char *image, store_image *out, char *err, size_t errlen);

/*
 * Pulls `image`: resolves the reference (docker.io defaults), fetches the
 * manifest with the Accept types for OCI and Docker manifests and
 * indexes, picks linux/amd64 from an index or list, fetches config and
 * layers verifying every digest, unpacks the layers in order (gzip or
 * plain tar; whiteouts; nothing escapes the root filesystem) and records
 * the tag.  Credentials are tried in order (n_auth may be 0): Basic auth,
 * or Bearer tokens from the WWW-Authenticate realm.  HTTPS with
 * certificate verification, except plain HTTP for loopback registries
 * (127.0.0.0/8, ::1, localhost) and the insecure list.
 *
 * always: imagePullPolicy Always semantics - the registry is asked for
 * the tag's digest (HEAD) and nothing is downloaded when that manifest is
 * already stored (*downloaded = 0).  Returns 0 with *out filled, or -1
 * with a message in err in the style of the kubelet's ErrImagePull texts
 * ("failed to pull and unpack image \"...\": ... 401 Unauthorized"); the
 * message never contains a password or token.  Blocking; call it from a
 * worker thread.
 */
int store_pull(store *s, const char *image, const podlife_auth *auth, size_t n_auth, int always,
               store_image *out, int *downloaded, char *err, size_t errlen);

#endif
