/*
 * podlife/image.h - image references, pull policies and the credential
 * keyring.
 *
 * References are parsed and normalised as distribution/reference's
 * ParseNormalizedNamed does ("busybox" -> "docker.io/library/busybox").
 * The keyring holds registry credentials from docker config files and
 * kubernetes.io/dockerconfigjson Secrets and looks them up with the
 * kubelet's rules (pkg/credentialprovider/keyring.go).  Passwords are
 * readable only through podlife_credential_password(); no message, error
 * or debug text of the library ever contains one.
 */
#ifndef PODLIFE_IMAGE_H
#define PODLIFE_IMAGE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- references ---------------------------------------------------------- */

typedef struct podlife_image_ref podlife_image_ref;

/*
 * Parses and normalises `text`.  On failure returns EINVAL and, when `err`
 * is not NULL, an error whose message is the parser's text ("invalid
 * reference format", "repository name must be lowercase", ...); free it
 * with podlife_error_free.  *out is freed with podlife_image_ref_free.
 */
PODLIFE_EXTERN int podlife_image_ref_parse(const char *text, podlife_image_ref **out,
                                           podlife_error **err);
PODLIFE_EXTERN void podlife_image_ref_free(podlife_image_ref *ref);

/* Borrowed strings, valid as long as the reference. */
/* "docker.io", "localhost:5000", ... */
PODLIFE_EXTERN const char *podlife_image_ref_domain(const podlife_image_ref *ref);
/* "library/busybox" */
PODLIFE_EXTERN const char *podlife_image_ref_path(const podlife_image_ref *ref);
/* The tag as written, or NULL when none (no implicit "latest"). */
PODLIFE_EXTERN const char *podlife_image_ref_tag(const podlife_image_ref *ref);
/* "sha256:...", or NULL when none. */
PODLIFE_EXTERN const char *podlife_image_ref_digest(const podlife_image_ref *ref);
/* FamiliarString: "busybox:1.36", "quay.io/x/y@sha256:..." */
PODLIFE_EXTERN const char *podlife_image_ref_familiar(const podlife_image_ref *ref);
/* String of the normalised reference: "docker.io/library/busybox:1.36" */
PODLIFE_EXTERN const char *podlife_image_ref_canonical(const podlife_image_ref *ref);
/* Name without tag or digest: "docker.io/library/busybox" */
PODLIFE_EXTERN const char *podlife_image_ref_name(const podlife_image_ref *ref);

/* ---- pull policy ------------------------------------------------------------ */

typedef enum podlife_pull_policy {
	PODLIFE_PULL_UNSET = 0,
	PODLIFE_PULL_ALWAYS,
	PODLIFE_PULL_IF_NOT_PRESENT,
	PODLIFE_PULL_NEVER
} podlife_pull_policy;

/* "Always", "IfNotPresent", "Never"; "" for UNSET.  Static. */
PODLIFE_EXTERN const char *podlife_pull_policy_name(podlife_pull_policy p);
/* Parses the name above; PODLIFE_PULL_UNSET when unknown. */
PODLIFE_EXTERN podlife_pull_policy podlife_pull_policy_from_name(const char *name);

/*
 * The API server's default for a container whose imagePullPolicy is empty
 * (SetDefaults_Container): Always when the tag is exactly "latest" or the
 * image has neither tag nor digest, otherwise IfNotPresent; an unparseable
 * image gets IfNotPresent.
 */
PODLIFE_EXTERN podlife_pull_policy podlife_image_default_pull_policy(const char *image);

typedef enum podlife_pull_action {
	PODLIFE_PULL_ACTION_PULL = 0,    /* pull the image */
	PODLIFE_PULL_ACTION_USE_LOCAL,   /* use the present image */
	PODLIFE_PULL_ACTION_NEVER_PULL   /* fail with ErrImageNeverPull */
} podlife_pull_action;

/*
 * The kubelet's decision (pkg/kubelet/images/image_manager.go
 * shouldPullImage): Never + missing -> NEVER_PULL, Always -> PULL,
 * IfNotPresent -> PULL only when missing.
 */
PODLIFE_EXTERN podlife_pull_action podlife_image_pull_decision(podlife_pull_policy policy,
                                                               int present);
/*
 * PODLIFE_PULL_UNSET (or any other value) is treated as shouldPullImage
 * treats a policy it does not know: no pull, so USE_LOCAL when present
 * and NEVER_PULL when missing.  Default the policy first.
 */

/*
 * The kubelet's message for ErrImageNeverPull:
 * Container image "<image>" is not present with pull policy of Never
 * Owned; free with podlife_free.  NULL on allocation failure.
 */
PODLIFE_EXTERN char *podlife_image_never_pull_message(const char *image);

/* ---- keyring -------------------------------------------------------------- */

typedef struct podlife_keyring podlife_keyring;
typedef struct podlife_credentials podlife_credentials;

/* A new empty keyring.  `allocator` may be NULL and must outlive it. */
PODLIFE_EXTERN int podlife_keyring_new(const podlife_allocator *allocator,
                                       podlife_keyring **out);
PODLIFE_EXTERN void podlife_keyring_free(podlife_keyring *kr);

/*
 * Adds the entries of docker config content: either ~/.docker/config.json
 * form ({"auths": {...}}) or the old .dockercfg form ({"registry": {...}}).
 * "auth" is base64 "user:password" and wins over "username"/"password".
 * Entries whose key cannot be parsed are skipped with a warning in
 * *diag (optional).  Errors never quote secret values.
 */
PODLIFE_EXTERN int podlife_keyring_add_config(podlife_keyring *kr, const char *data,
                                              size_t len, podlife_diag **diag);
PODLIFE_EXTERN int podlife_keyring_add_config_file(podlife_keyring *kr, const char *path,
                                                   podlife_diag **diag);
/*
 * Adds the credentials of a Secret manifest (YAML or JSON) of type
 * kubernetes.io/dockerconfigjson (data[.dockerconfigjson], base64) or
 * kubernetes.io/dockercfg (data[.dockercfg]); stringData is read too.
 * ENOTFOUND when the object is not such a Secret.  When `name_out` is not
 * NULL it receives the Secret's metadata.name (owned, podlife_free).
 */
PODLIFE_EXTERN int podlife_keyring_add_secret(podlife_keyring *kr, const char *data,
                                              size_t len, char **name_out, podlife_diag **diag);

/* Number of distinct registry keys. */
PODLIFE_EXTERN size_t podlife_keyring_count(const podlife_keyring *kr);

/*
 * Credentials for `image` in lookup order (reverse-lexicographic keys,
 * all matches, Docker Hub fallback).  *out is a new list, possibly empty;
 * free with podlife_credentials_free.
 */
PODLIFE_EXTERN int podlife_keyring_lookup(const podlife_keyring *kr, const char *image,
                                          podlife_credentials **out);

/*
 * Matching (credentialprovider URLsMatch): ports must be equal strings,
 * the host must have as many dot-separated labels as the key and each
 * label matches as a glob (filepath.Match: '*', '[...]'), and the key's
 * path must be a plain prefix of the image's ("/pong" matches "/pongz").
 * So "*.my-registry.io" matches "a.my-registry.io" but NOT
 * "a.sub.my-registry.io", as in the kubelet.  Keys are normalised on add
 * ("https://quay.io/v1/" -> "quay.io"); a key "index.docker.io" serves
 * Docker Hub images when nothing else matched.  Entries of one config
 * are added in document order.  Thread-safety: lookups do not modify the
 * keyring; adding to it needs exclusive access.
 *
 * podlife_keyring_lookup takes `image` as BasicDockerKeyring.Lookup does:
 * a repository name as written, matched without normalisation.  The
 * kubelet looks up the normalised repository of a container's image
 * (kuberuntime PullImage: parsers.ParseImageName, tag and digest dropped);
 * podlife_keyring_lookup_image does that: "busybox:1.36" is looked up as
 * "docker.io/library/busybox".  EINVAL when `image` is not a valid
 * reference.  *out as for podlife_keyring_lookup.
 */
PODLIFE_EXTERN int podlife_keyring_lookup_image(const podlife_keyring *kr, const char *image,
                                                podlife_credentials **out);

PODLIFE_EXTERN size_t podlife_credentials_count(const podlife_credentials *c);
/* Borrowed strings; NULL when i is out of range. */
PODLIFE_EXTERN const char *podlife_credential_registry(const podlife_credentials *c, size_t i);
PODLIFE_EXTERN const char *podlife_credential_username(const podlife_credentials *c, size_t i);
PODLIFE_EXTERN const char *podlife_credential_password(const podlife_credentials *c, size_t i);
PODLIFE_EXTERN void podlife_credentials_free(podlife_credentials *c);

#ifdef __cplusplus
}
#endif
#endif
