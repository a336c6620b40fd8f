/* embed.h — files compiled into the binary by scripts/embed.sh. */
#ifndef YC_EMBED_H
#define YC_EMBED_H

#include <stddef.h>

struct yc_embedded {
	const char *name; /* the file's base name */
	const char *text;
};

#endif
