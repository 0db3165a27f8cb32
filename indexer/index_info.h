/* loci-index --info: what an index holds. */
#ifndef LOCI_INDEX_INFO_H
#define LOCI_INDEX_INFO_H

#include <stdio.h>

/* Key of the time of the last commit that changed the index (ISO 8601). */
#define LOCI_META_UPDATED "loci.updated"

/* Prints the figures of the index at db_path to out; returns the exit
 * code (0, or 3 with a line on stderr). */
int index_info_print(const char *db_path, FILE *out);

/* Prints one line per indexed article: path, passages, content hash,
 * size, tab-separated, in key order.  Returns the exit code as above. */
int index_list_print(const char *db_path, FILE *out);

#endif
