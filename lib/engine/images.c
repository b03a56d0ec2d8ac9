/*
 * lib/engine/images.c - EnsureImageExists (pkg/kubelet/images/
 * image_manager.go): reference check (InvalidImageName), pull policy
 * decision, ErrImageNeverPull, pulls with credentials picked from the
 * pod's imagePullSecrets and the node keyring, and the image pull
 * back-off keyed by pod and image (ErrImagePull -> ImagePullBackOff).
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"

uint32_t pl_image_hash(const char *image)
{
	uint32_t h = 2166136261u;
	for (const char *s = image ? image : ""; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

pl_img_backoff *pl_img_backoff_get(podlife_engine *e, pl_pod *p, uint32_t hash, bool create)
{
	for (size_t i = 0; i < p->n_imgb; i++)
		if (p->imgb[i].hash == hash)
			return &p->imgb[i];
	if (!create)
		return NULL;
	pl_img_backoff *v = pl_realloc(&e->a, p->imgb, (p->n_imgb + 1) * sizeof *v);
	if (!v)
		return NULL;
	p->imgb = v;
	memset(&v[p->n_imgb], 0, sizeof *v);
	v[p->n_imgb].hash = hash;
	return &v[p->n_imgb++];
}

static podlife_pull_policy policy_of(const pl_ctr *c)
{
	podlife_pull_policy pp = podlife_pull_policy_from_name(c->spec->image_pull_policy);
	return pp != PODLIFE_PULL_UNSET ? pp : podlife_image_default_pull_policy(c->spec->image);
}

/* Go's Duration String truncated to milliseconds ("1.234s", "393ms"). */
static void go_ms(char *buf, size_t n, pl_ms ms)
{
	if (ms == 0)
		snprintf(buf, n, "0s"); /* time.Duration(0).String() */
	else if (ms < 1000)
		snprintf(buf, n, "%lldms", (long long)ms);
	else if (ms % 1000 == 0)
		snprintf(buf, n, "%llds", (long long)(ms / 1000));
	else {
		char frac[8];
		snprintf(frac, sizeof frac, "%03lld", (long long)(ms % 1000));
		for (int i = 2; i > 0 && frac[i] == '0'; i--)
			frac[i] = 0;
		snprintf(buf, n, "%lld.%ss", (long long)(ms / 1000), frac);
	}
}

static void waiting(podlife_engine *e, pl_ctr *c, const char *reason, const char *msg)
{
	pl_cstatus *st = c->st;
	if (st->state.kind == PL_CSTATE_TERMINATED) {
		pl_cstate_clear(&e->a, &st->last_state);
		st->last_state = st->state;
		st->last_restart_at = st->state.finished_at;
		memset(&st->state, 0, sizeof st->state);
	}
	pl_cstate_waiting(&e->a, &st->state, reason, msg);
}

static void pulled(podlife_engine *e, pl_pod *p, pl_ctr *c, const podlife_result *r)
{
	char d[32];
	go_ms(d, sizeof d, e->now > c->pull_start ? e->now - c->pull_start : 0);
	pl_emit(e, p, c, false, "Pulled",
	        "Successfully pulled image \"%s\" in %s (%s including waiting). Image size: %llu bytes.",
	        c->spec->image, d, d, (unsigned long long)r->size);
	if (r->id[0])
		pl_set_msg(&e->a, &c->st->image_id, r->id);
}

static void pull_failed(podlife_engine *e, pl_pod *p, pl_ctr *c, const char *err)
{
	pl_ms now = e->now;
	pl_emit(e, p, c, true, "Failed", "Failed to pull image \"%s\": %s", c->spec->image, err);
	pl_img_backoff *b = pl_img_backoff_get(e, p, pl_image_hash(c->spec->image), true);
	pl_ms retry = now + e->img_initial;
	if (b) {
		pl_backoff_next(&b->b, now, now, e->img_initial, e->img_max);
		retry = now + b->b.delay;
	}
	waiting(e, c, "ErrImagePull", err);
	pl_emit(e, p, c, true, "Failed", "Error: ErrImagePull");
	c->pull_failed = 1;
	/* The worker re-syncs a failed pod after 10 s; the back-off window
	 * decides whether that sync pulls or reports ImagePullBackOff. */
	c->wake = retry < now + 10000 ? retry : now + 10000;
}

/* Collects credentials: pod imagePullSecrets first, then the node's. */
static size_t collect_auth(podlife_engine *e, const pl_pod *p, const char *image,
                           podlife_credentials **held, size_t max_held, size_t *nh_out,
                           podlife_auth *auth, size_t max_auth)
{
	size_t nh = 0, na = 0;
	const pl_list *ips = &p->m->spec->image_pull_secrets;
	for (size_t i = 0; i <= ips->n && nh < max_held; i++) {
		const podlife_keyring *kr = NULL;
		if (i < ips->n) {
			const pl_keyref *ref = PL_ITEM(*ips, pl_keyref, i);
			for (size_t k = 0; ref->name && k < e->n_secrets; k++)
				if (strcmp(e->secrets[k].name, ref->name) == 0)
					kr = e->secrets[k].kr;
		} else {
			kr = e->node_keyring;
		}
		if (!kr)
			continue;
		podlife_credentials *cr = NULL;
		if (podlife_keyring_lookup(kr, image, &cr) != PODLIFE_OK || !cr)
			continue;
		held[nh++] = cr;
		for (size_t k = 0; k < podlife_credentials_count(cr) && na < max_auth; k++) {
			auth[na].registry = podlife_credential_registry(cr, k);
			auth[na].username = podlife_credential_username(cr, k);
			auth[na].password = podlife_credential_password(cr, k);
			na++;
		}
	}
	*nh_out = nh;
	return na;
}

int pl_ensure_image(podlife_engine *e, pl_pod *p, pl_ctr *c)
{
	const char *image = c->spec->image ? c->spec->image : "";
	pl_ms now = e->now;
	podlife_image_ref *ref = NULL;
	podlife_error *perr = NULL;
	if (podlife_image_ref_parse(image, &ref, &perr) != PODLIFE_OK) {
		char msg[600];
		snprintf(msg, sizeof msg, "Failed to apply default image tag \"%s\": %s", image,
		         perr ? podlife_error_message(perr) : "invalid reference format");
		podlife_error_free(perr);
		pl_emit(e, p, c, true, "InspectFailed", "%s", msg);
		waiting(e, c, "InvalidImageName", msg);
		pl_emit(e, p, c, true, "Failed", "Error: InvalidImageName");
		c->wake = now + 10000;
		return PL_IMG_ERROR;
	}
	podlife_image_ref_free(ref);
	if ((e->be.caps & PODLIFE_CAP_NO_IMAGES) || !e->be.image_status)
		return PL_IMG_READY;

	podlife_result r;
	memset(&r, 0, sizeof r);
	int rc = e->be.image_status(e->be.ud, image, &r);
	if (rc != PODLIFE_OK) {
		char msg[600];
		snprintf(msg, sizeof msg, "Failed to inspect image \"\": %s",
		         r.message[0] ? r.message : podlife_strerror(rc));
		pl_emit(e, p, c, true, "InspectFailed", "%s", msg);
		waiting(e, c, "ImageInspectError", msg);
		pl_emit(e, p, c, true, "Failed", "Error: ImageInspectError");
		c->wake = now + 10000;
		return PL_IMG_ERROR;
	}
	podlife_pull_action act = podlife_image_pull_decision(policy_of(c), r.present);
	if (act == PODLIFE_PULL_ACTION_USE_LOCAL) {
		pl_emit(e, p, c, false, "Pulled", "Container image \"%s\" already present on machine",
		        image);
		if (r.id[0])
			pl_set_msg(&e->a, &c->st->image_id, r.id);
		c->pull_failed = 0;
		return PL_IMG_READY;
	}
	if (act == PODLIFE_PULL_ACTION_NEVER_PULL) {
		char msg[600];
		snprintf(msg, sizeof msg, "Container image \"%s\" is not present with pull policy of Never",
		         image);
		pl_emit(e, p, c, true, "ErrImageNeverPull", "%s", msg);
		waiting(e, c, "ErrImageNeverPull", msg);
		pl_emit(e, p, c, true, "Failed", "Error: ErrImageNeverPull");
		c->wake = now + 10000;
		return PL_IMG_ERROR;
	}
	pl_img_backoff *b = pl_img_backoff_get(e, p, pl_image_hash(image), false);
	if (b && pl_backoff_in_since_update(&b->b, now)) {
		char msg[600];
		snprintf(msg, sizeof msg, "Back-off pulling image \"%s\"", image);
		pl_emit(e, p, c, false, "BackOff", "%s", msg);
		waiting(e, c, "ImagePullBackOff", msg);
		pl_emit(e, p, c, true, "Failed", "Error: ImagePullBackOff");
		c->wake = b->b.last_update + b->b.delay;
		return PL_IMG_ERROR;
	}
	if (!e->be.image_pull) {
		pull_failed(e, p, c, "the backend cannot pull images");
		return PL_IMG_ERROR;
	}
	pl_emit(e, p, c, false, "Pulling", "Pulling image \"%s\"", image);
	c->pull_start = e->now;
	podlife_credentials *held[8];
	podlife_auth auth[16];
	size_t nh = 0;
	size_t na = collect_auth(e, p, image, held, PL_ARRAY_LEN(held), &nh, auth,
	                         PL_ARRAY_LEN(auth));
	memset(&r, 0, sizeof r);
	c->op = PL_OP_PULL;
	c->op_tok = pl_eng_seq(e);
	rc = e->be.image_pull(e->be.ud, image, na ? auth : NULL, na,
	                      pl_token(p, (unsigned int)(c - p->c), c->op_tok), &r);
	for (size_t i = 0; i < nh; i++)
		podlife_credentials_free(held[i]);
	if (rc == PODLIFE_PENDING)
		return PL_IMG_WAIT;
	c->op = PL_OP_NONE;
	if (rc != PODLIFE_OK) {
		pull_failed(e, p, c, r.message[0] ? r.message : podlife_strerror(rc));
		return PL_IMG_ERROR;
	}
	c->pull_failed = 0;
	pulled(e, p, c, &r);
	return PL_IMG_READY;
}

void pl_pull_done(podlife_engine *e, pl_pod *p, pl_ctr *c, int rc, const podlife_result *r)
{
	c->op = PL_OP_NONE;
	if (rc != PODLIFE_OK || !r) {
		pull_failed(e, p, c, r && r->message[0] ? r->message : podlife_strerror(rc));
		return;
	}
	c->pull_failed = 0;
	pulled(e, p, c, r);
	c->flags |= PL_CF_IMAGE_OK; /* the next start skips the image step */
}
