/* Variant spellings: groups of names that mean the same thing ("ISKP,
 * ISIS-K, IS-K, Islamic State Khorasan").  The file format is in
 * loci-articles(5): one group per line, members separated by commas,
 * '#' starts a comment.  The indexer stores the file in the index; the
 * query rewriter replaces a member typed in a query by the whole group. */
#ifndef LOCI_SYNONYMS_H
#define LOCI_SYNONYMS_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct loci_synonyms loci_synonyms;

/* Parses a synonyms file.  Members are analysed with an (so they match
 * what the query rewriter sees): a member is a sequence of terms, a
 * hyphenated word one joined term.  A member typed in capitals that is a
 * stopword ("IS") only matches when typed so.  A line with fewer than two
 * members is an error: LOCI_ERR_INVALID with *problem ("line N: ...",
 * malloc'd).  LOCI_ERR_NOMEM. */
loci_status loci_synonyms_parse(loci_analyzer *an, const char *text, size_t len,
				loci_synonyms **out, char **problem);
void loci_synonyms_free(loci_synonyms *syn);

size_t loci_synonyms_groups(const loci_synonyms *syn);

/* The longest member that the sequence terms[0..n) starts with: returns
 * how many terms it spans (0 if none) and sets *group.  caps[i] tells
 * whether the i-th query word was typed in capitals. */
size_t loci_synonyms_match(const loci_synonyms *syn, const char *const *terms,
			   const bool *caps, size_t n, size_t *group);

/* The members of a group: how many, and each one's terms (owned by syn)
 * and whether it is a capitals-only stopword ("IS"). */
size_t loci_synonyms_members(const loci_synonyms *syn, size_t group);
size_t loci_synonyms_member(const loci_synonyms *syn, size_t group, size_t member,
			    const char *const **terms, bool *caps);

#ifdef __cplusplus
}
#endif

#endif
