/*
 * tests/fuzz/fuzz_json.c - libFuzzer target: podlife_pod_parse on JSON
 * input (PODLIFE_PARSE_JSON) with small limits.  Seeds live in
 * tests/fuzz/corpus/json; tests/run fuzzes a copy of them.
 */
#include "fuzz_pod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_pod_input(data, size, PODLIFE_PARSE_JSON);
}
