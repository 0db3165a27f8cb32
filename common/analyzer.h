/* The analyser: the one piece of code that turns text into terms.
 *
 * The indexer, the query rewriter and the highlighter all go through it,
 * so a word found in a document is always findable by typing it.
 *
 *   text --(PCRE2 word pattern)--> tokens --(NFKC, case fold, strip
 *   diacritics, one apostrophe)--> terms --(Snowball)--> stems
 *
 * A hyphenated word ("al-Qaeda") yields one COMPOUND token, whose term
 * joins the parts ("alqaeda"), and one PART token per part ("al",
 * "qaeda"); the compound shares the position of its first part, so both
 * phrases of parts and the joined form match. */
#ifndef LOCI_ANALYZER_H
#define LOCI_ANALYZER_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* Bumped whenever the terms produced for the same text, or the layout of
 * the index, change: an index written by another version must be rebuilt. */
#define LOCI_ANALYZER_VERSION "5"

/* Terms longer than this (in bytes, after normalisation) are not indexed:
 * they are almost always junk (base64, URLs) and Xapian caps terms. */
#define LOCI_MAX_TERM 64

typedef struct loci_analyzer loci_analyzer;

typedef enum {
	LOCI_TOKEN_WORD,	/* a word with no hyphen */
	LOCI_TOKEN_COMPOUND,	/* a hyphenated word as a whole */
	LOCI_TOKEN_PART		/* one part of a hyphenated word */
} loci_token_kind;

typedef struct {
	const char *term;	/* normalised form, NUL-terminated; valid only
				 * during the callback */
	size_t term_len;
	size_t start, end;	/* byte range of the token in the input */
	unsigned position;	/* 1-based word position */
	loci_token_kind kind;
	bool caps;		/* written in ASCII capitals only, two or more
				 * ("IS", "US"): an acronym, not a stopword */
} loci_token;

/* Called once per token, in text order.  A nonzero return stops the
 * tokenizer, which then returns LOCI_OK. */
typedef int (*loci_token_fn)(void *ctx, const loci_token *token);

/* Creates an analyser stemming with the Snowball algorithm `language`
 * ("english", "french", ... or "none").  Returns LOCI_ERR_INVALID for an
 * unknown language, LOCI_ERR_NOMEM.  Free with loci_analyzer_free(). */
loci_status loci_analyzer_new(const char *language, loci_analyzer **out);

void loci_analyzer_free(loci_analyzer *an);

/* The language given to loci_analyzer_new (owned by the analyser). */
const char *loci_analyzer_language(const loci_analyzer *an);

/* Tokenizes text[0..len).  Returns LOCI_ERR_UTF8 if the text is not valid
 * UTF-8 (no token is reported then), LOCI_ERR_NOMEM, or LOCI_OK. */
loci_status loci_analyzer_tokenize(loci_analyzer *an, const char *text, size_t len,
				   loci_token_fn fn, void *ctx);

/* Stems a normalised term.  The result is owned by the analyser and valid
 * until its next call; NULL only when out of memory. */
const char *loci_analyzer_stem(loci_analyzer *an, const char *term, size_t len,
			       size_t *out_len);

/* The Snowball languages this build can stem, NULL-terminated (static). */
const char **loci_analyzer_languages(void);

#ifdef __cplusplus
}
#endif

#endif
