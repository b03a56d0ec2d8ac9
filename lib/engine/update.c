/*
 * lib/engine/update.c - pod updates under the API server's rules
 * (ValidatePodUpdate, pkg/apis/core/validation/validation.go): only
 * container and init container images, activeDeadlineSeconds (set or
 * lowered), added tolerations and terminationGracePeriodSeconds (to 1
 * from a negative value) may change.  An accepted update swaps the
 * engine's spec: a changed regular container image restarts that
 * container, a changed init container image restarts the pod.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "../spec/export.h"

static const char forbidden_msg[] =
        "spec: Forbidden: pod updates may not change fields other than "
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
        "`spec.tolerations` (only additions to existing tolerations),"
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

static int reject(podlife_engine *e, podlife_error **err, const char *name, const char *detail)
{
	if (err)
		*err = pl_error_new(pl_alloc_default(), PODLIFE_EINVALID, "Pod \"%s\" is invalid: %s",
		                    name, detail);
	PL_UNUSED(e);
	return PODLIFE_EINVALID;
}

/* Copies old's images into new's list so the lists compare equal on
 * everything else; false when the lists differ in length. */
static bool mask_images(json_t *olds, json_t *news)
{
	if (!olds && !news)
		return true;
	if (!json_is_array(olds) || !json_is_array(news) || json_array_size(olds) != json_array_size(news))
		return false;
	for (size_t i = 0; i < json_array_size(olds); i++) {
		json_t *o = json_array_get(olds, i), *n = json_array_get(news, i);
		json_t *img = json_object_get(o, "image");
		if (img)
			json_object_set(n, "image", img);
		else
			json_object_del(n, "image");
	}
	return true;
}

static int do_update(podlife_engine *e, podlife_pod *pod, podlife_error **err)
{
	const pl_pod_model *nm = pl_pod_model_of(pod);
	if (!nm || !nm->metadata || !nm->metadata->name || !nm->spec)
		return PODLIFE_EINVAL;
	pl_pod *p = pl_eng_find(e, nm->metadata->namespace_, nm->metadata->name);
	if (!p)
		return PODLIFE_ENOTFOUND;
	const pl_pod_spec *os = p->m->spec, *ns = nm->spec;
	const char *ouid = p->m->metadata->uid;
	if (nm->metadata->uid && ouid && strcmp(nm->metadata->uid, ouid) != 0)
		return reject(e, err, p->name, "metadata.uid: Invalid value: field is immutable");

	/* activeDeadlineSeconds */
	bool oads = PL_HAS(os, active_deadline_seconds), nads = PL_HAS(ns, active_deadline_seconds);
	if (nads && oads && ns->active_deadline_seconds > os->active_deadline_seconds) {
		char d[160];
		snprintf(d, sizeof d,
		         "spec.activeDeadlineSeconds: Invalid value: %lld: must be less than or equal to previous value",
		         (long long)ns->active_deadline_seconds);
		return reject(e, err, p->name, d);
	}
	if (!nads && oads)
		return reject(e, err, p->name,
		              "spec.activeDeadlineSeconds: Invalid value: \"null\": must not update from a "
		              "positive integer to nil value");

	json_t *jo = pl_obj_to_json(os), *jn = pl_obj_to_json(ns);
	int rc = PODLIFE_OK;
	if (!jo || !jn) {
		rc = PODLIFE_ENOMEM;
		goto out;
	}
	if (!mask_images(json_object_get(jo, "containers"), json_object_get(jn, "containers")) ||
	    !mask_images(json_object_get(jo, "initContainers"), json_object_get(jn, "initContainers"))) {
		rc = reject(e, err, p->name, forbidden_msg);
		goto out;
	}
	json_object_del(jo, "activeDeadlineSeconds");
	json_object_del(jn, "activeDeadlineSeconds");
	/* tolerations: every old one must still be there */
	json_t *ot = json_object_get(jo, "tolerations"), *nt = json_object_get(jn, "tolerations");
	for (size_t i = 0; json_is_array(ot) && i < json_array_size(ot); i++) {
		bool found = false;
		for (size_t k = 0; json_is_array(nt) && k < json_array_size(nt); k++)
			found = found || json_equal(json_array_get(ot, i), json_array_get(nt, k));
		if (!found) {
			rc = reject(e, err, p->name, forbidden_msg);
			goto out;
		}
	}
	json_object_del(jo, "tolerations");
	json_object_del(jn, "tolerations");
	/* terminationGracePeriodSeconds: negative -> 1 is allowed */
	json_t *og = json_object_get(jo, "terminationGracePeriodSeconds");
	json_t *ng = json_object_get(jn, "terminationGracePeriodSeconds");
	if (json_is_integer(og) && json_integer_value(og) < 0 && json_is_integer(ng) &&
	    json_integer_value(ng) == 1) {
		json_object_del(jo, "terminationGracePeriodSeconds");
		json_object_del(jn, "terminationGracePeriodSeconds");
	}
	if (!json_equal(jo, jn)) {
		rc = reject(e, err, p->name, forbidden_msg);
		goto out;
	}

	/* Accepted: swap the spec. */
	bool init_changed = false;
	for (size_t i = 0; i < p->st.n_init; i++) {
		const pl_container *a = PL_ITEM(os->init_containers, pl_container, i);
		const pl_container *b = PL_ITEM(ns->init_containers, pl_container, i);
		init_changed = init_changed || !pl_streq(a->image, b->image);
	}
	podlife_pod *old = p->pod;
	p->pod = podlife_pod_retain(pod);
	p->m = nm;
	pl_pod_bind_spec(p);
	podlife_pod_release(old);
	if (init_changed && p->state == PL_POD_ACTIVE)
		p->flags |= PL_PF_RESTART_SB;
	pl_eng_now(e);
	pl_eng_sync(e, p);
out:
	json_decref(jo);
	json_decref(jn);
	return rc;
}

int podlife_engine_update_pod(podlife_engine *e, podlife_pod *pod, podlife_error **err)
{
	if (err)
		*err = NULL;
	if (!e || !pod)
		return PODLIFE_EINVAL;
	/* Presets merged at creation are merged again, so that a pod sent
	 * back as written compares equal (merging is idempotent). */
	podlife_pod *use = NULL;
	char conflict[1024];
	int rc = pl_apply_presets(e, pod, NULL, &use, conflict, sizeof conflict);
	if (rc)
		return rc;
	rc = do_update(e, use, err);
	podlife_pod_release(use);
	return rc;
}
