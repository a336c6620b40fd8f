/*
 * material — the type sniffer every uploaded material passes (PDF, JPEG,
 * PNG, OFD's ZIP): any bytes give one of the four names or none, and the
 * answer depends on the bytes only.
 */
#include "core/common/material.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = material_sniff(data, size);
	if (t)
		FUZZ_ASSERT(!strcmp(t, "pdf") || !strcmp(t, "jpeg") || !strcmp(t, "png") ||
			    !strcmp(t, "ofd"));
	FUZZ_ASSERT(material_sniff(data, size) == t);
	return 0;
}
