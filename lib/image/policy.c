/*
 * lib/image/policy.c - imagePullPolicy names, the API server's default
 * (SetDefaults_Container with parsers.ParseImageName) and the kubelet's
 * pull decision (pkg/kubelet/images/image_manager.go shouldPullImage and
 * the ErrImageNeverPull message).
 *
 * Thread-safety: pure functions.
 */
#include <string.h>

#include "image_internal.h"

const char *podlife_pull_policy_name(podlife_pull_policy p)
{
	switch (p) {
	case PODLIFE_PULL_ALWAYS: return "Always";
	case PODLIFE_PULL_IF_NOT_PRESENT: return "IfNotPresent";
	case PODLIFE_PULL_NEVER: return "Never";
	case PODLIFE_PULL_UNSET:
	default: return "";
	}
}

podlife_pull_policy podlife_pull_policy_from_name(const char *name)
{
	if (!name)
		return PODLIFE_PULL_UNSET;
	if (strcmp(name, "Always") == 0)
		return PODLIFE_PULL_ALWAYS;
	if (strcmp(name, "IfNotPresent") == 0)
		return PODLIFE_PULL_IF_NOT_PRESENT;
	if (strcmp(name, "Never") == 0)
		return PODLIFE_PULL_NEVER;
	return PODLIFE_PULL_UNSET;
}

podlife_pull_policy podlife_image_default_pull_policy(const char *image)
{
	if (!image)
		return PODLIFE_PULL_IF_NOT_PRESENT;
	const pl_alloc *a = pl_alloc_default();
	pl_ref_parts p;
	if (pl_ref_parse_normalized(a, image, strlen(image), &p, NULL) != PODLIFE_OK)
		return PODLIFE_PULL_IF_NOT_PRESENT; /* ParseImageName error ignored: tag "" */
	/* ParseImageName: "latest" only when there is neither tag nor digest. */
	bool latest = p.tag ? strcmp(p.tag, "latest") == 0 : p.digest == NULL;
	pl_ref_parts_free(a, &p);
	return latest ? PODLIFE_PULL_ALWAYS : PODLIFE_PULL_IF_NOT_PRESENT;
}

podlife_pull_action podlife_image_pull_decision(podlife_pull_policy policy, int present)
{
	/* shouldPullImage: Never -> no; Always -> yes; IfNotPresent -> yes iff absent.
	 * Any other value (UNSET) does not pull either. */
	bool pull = policy == PODLIFE_PULL_ALWAYS ||
	            (policy == PODLIFE_PULL_IF_NOT_PRESENT && !present);
	if (pull)
		return PODLIFE_PULL_ACTION_PULL;
	return present ? PODLIFE_PULL_ACTION_USE_LOCAL : PODLIFE_PULL_ACTION_NEVER_PULL;
}

char *podlife_image_never_pull_message(const char *image)
{
	pl_buf b;
	pl_buf_init(&b, pl_alloc_default());
	pl_buf_puts(&b, "Container image ");
	pl_buf_quote(&b, image ? image : "");
	pl_buf_puts(&b, " is not present with pull policy of Never");
	return pl_buf_take(&b);
}
