/* Reading one article file into text ready for the splitter. */
#ifndef LOCI_ARTICLE_H
#define LOCI_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

#include "front_matter.h"

typedef enum {
	ARTICLE_OK,
	ARTICLE_UNREADABLE,	/* open/read failed: errno is set */
	ARTICLE_TOO_LARGE,
	ARTICLE_BINARY,
	ARTICLE_NOMEM
} article_status;

typedef struct {
	char *text;		/* UTF-8, NUL-terminated, BOM removed */
	size_t len;
	bool was_cp1252;	/* not UTF-8: decoded as Windows-1252 */
	char *title;		/* front matter's, or the body's first non-empty line */
	char hash[17];		/* of the file's bytes, 16 hex digits */
	loci_front_matter meta;	/* body_offset: where passages start */
	char *meta_problem;	/* why the front matter was (partly) ignored, or NULL */
} article;

/* Reads path (at most max_size bytes).  On ARTICLE_OK fill *a; release
 * it with article_free(). */
article_status article_read(const char *path, size_t max_size, article *a);
void article_free(article *a);

#endif
