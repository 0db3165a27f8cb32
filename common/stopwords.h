/* Stopwords: words too common to help rank (English only for now; other
 * languages have none).  Shared by the query parser, which drops them from
 * free text, and the indexer, which marks the capitalised ones (IS, US, IT)
 * so that an acronym typed in capitals can be found. */
#ifndef LOCI_STOPWORDS_H
#define LOCI_STOPWORDS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* True if the normalised term is a stopword of language. */
bool loci_is_stopword(const char *language, const char *term, size_t len);

/* The stopwords of language, NULL-terminated (static); empty if none. */
const char *const *loci_stopwords(const char *language);

#ifdef __cplusplus
}
#endif

#endif
