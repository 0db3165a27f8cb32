/* An article's optional YAML front matter: a block between "---" lines at
 * the very top, holding title, date, source, url, author and tags.  The
 * format is specified in loci-articles(5). */
#ifndef LOCI_FRONT_MATTER_H
#define LOCI_FRONT_MATTER_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	bool present;		/* the text starts with a front-matter block */
	char *title;		/* NULL when absent */
	char *date;		/* as written */
	char *date_sortable;	/* "YYYY", "YYYY-MM", "YYYY-MM-DD" or with
				 * "THH:MM:SS": compares as text in date order */
	char *source;
	char *url;
	char *author;
	char **tags;
	size_t n_tags;
	size_t body_offset;	/* where the article text starts */
	unsigned body_line;	/* its 1-based line */
} loci_front_matter;

/* Parses the front matter of text[0..len).  Without a block: LOCI_OK and
 * present == false, body at 0.  A block that is not valid YAML, or whose
 * date is not ISO 8601: LOCI_ERR_INVALID with *problem set (malloc'd,
 * caller frees), the body still past the block and the fields that could
 * be read kept.  LOCI_ERR_NOMEM.  Free fields with loci_front_matter_free(). */
loci_status loci_front_matter_parse(const char *text, size_t len, loci_front_matter *out,
				    char **problem);
void loci_front_matter_free(loci_front_matter *fm);

#ifdef __cplusplus
}
#endif

#endif
