/* The passage splitter: cuts an article into paragraph-sized passages,
 * the unit loci indexes, ranks and prints.
 *
 * Paragraphs end at a blank line, or at every line break in files that
 * put one paragraph per line; a block of short lines is hard-wrapped
 * prose and stays one paragraph, even under a long first line (a title on
 * one line), which is a paragraph of its own.  A heading or question line
 * is joined to the paragraph after it, so an answer carries its question.
 * Paragraphs over LOCI_PASSAGE_MAX_WORDS are cut at sentence ends into
 * near-equal pieces. */
#ifndef LOCI_PASSAGES_H
#define LOCI_PASSAGES_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stddef.h>

#include "status.h"

#define LOCI_PASSAGE_MAX_WORDS 150

typedef struct {
	size_t start, end;	/* byte range in the article, whitespace trimmed */
	unsigned line;		/* 1-based line where the passage starts */
	unsigned ordinal;	/* 1-based position among the article's passages */
} loci_passage;

/* Splits text[0..len) (UTF-8; other bytes are treated as letters).
 * *out is a new array of *count passages in text order, owned by the
 * caller (free()); NULL when there are none.  Returns LOCI_OK or
 * LOCI_ERR_NOMEM. */
loci_status loci_split_passages(const char *text, size_t len,
				loci_passage **out, size_t *count);

#ifdef __cplusplus
}
#endif

#endif
