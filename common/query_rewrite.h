/* The query path's first step: puts what a person typed through the same
 * analyser as the documents before Xapian's QueryParser sees it.
 *
 * Each word is replaced by its normalised term ("Guantánamo" ->
 * "guantanamo", "Russia’s" -> "russia's"), operators typed in capitals
 * (AND OR NOT XOR NEAR ADJ) are kept, and so is every other character
 * (quotes, brackets, + - *).  A hyphenated word outside quotes becomes
 * its joined term ("al-Qaeda" -> "alqaeda"), which the index holds at the
 * word's position, so it works with NEAR and wildcards; inside quotes it
 * stays a phrase of its parts.  A stopword typed in capitals ("IS", "US")
 * becomes "caps:IS", which finds it only where the text has it in
 * capitals.  The values of path: and date: are passed on as typed.  With
 * synonyms, a name of a group (or a quoted phrase that is one) becomes
 * "syn:N", the group's number, which loci_db_parse_query() expands. */
#ifndef LOCI_QUERY_REWRITE_H
#define LOCI_QUERY_REWRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer.h"
#include "status.h"
#include "synonyms.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	char *text;		/* the query for Xapian's QueryParser */
	char **prefixes;	/* normalised words before a trailing '*' ("tajik*") */
	size_t n_prefixes;
} loci_rewritten_query;

/* Rewrites query[0..len); syn may be NULL (no synonyms).  LOCI_ERR_UTF8 if
 * the query is not valid UTF-8, LOCI_ERR_NOMEM.  On success free *out with
 * loci_rewritten_query_free(). */
loci_status loci_query_rewrite(loci_analyzer *an, const loci_synonyms *syn, const char *query,
			       size_t len, loci_rewritten_query *out);

void loci_rewritten_query_free(loci_rewritten_query *q);

/* Is s[0..n) a query operator as typed: AND OR NOT XOR NEAR ADJ, in
 * capitals? */
bool loci_is_query_operator(const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif
