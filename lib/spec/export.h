/*
 * lib/spec/export.h - typed model and document nodes to jansson values.
 */
#ifndef PL_EXPORT_H
#define PL_EXPORT_H

#include <jansson.h>

#include "model.h"

/* New references; NULL on allocation failure. */
json_t *pl_obj_to_json(const void *obj);
json_t *pl_field_to_json(const void *obj, const pl_field *f);
json_t *pl_node_to_json(const pl_node *n);
/* Writes v as a YAML document; *out is malloc'ed. */
int pl_json_to_yaml(json_t *v, bool explicit_start, char **out);

#endif
