/* "Did you mean": a query with each unknown word replaced by the closest
 * word of the index. */
#ifndef LOCI_SUGGEST_H
#define LOCI_SUGGEST_H

#include "analyzer.h"
#include "database.h"

/* *out: the query with words that no passage holds replaced (as typed
 * elsewhere), or NULL if every word is known or none has a close match.
 * Operators, words in a field and wildcards are left alone, and so are
 * queries of more than a few dozen words. */
loci_status suggest_query(loci_db *db, loci_analyzer *an, const char *query, char **out,
			  char **err);

#endif
