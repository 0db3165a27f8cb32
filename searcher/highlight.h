/* Finds the words of a passage that a query matched, through the same
 * analyser as the index: a search for "recruit" marks "recruiting" and
 * "recruitment" because they share its stem. */
#ifndef LOCI_HIGHLIGHT_H
#define LOCI_HIGHLIGHT_H

#include <stddef.h>

#include "analyzer.h"
#include "database.h"
#include "query_rewrite.h"

typedef struct highlighter highlighter;

typedef struct {
	size_t start, end;	/* byte range in the passage */
} span;

/* Collects the terms of q (and the wildcard prefixes of rq).  an must
 * outlive the highlighter.  Returns LOCI_OK or LOCI_ERR_NOMEM. */
loci_status highlighter_new(loci_analyzer *an, const loci_query *q,
			    const loci_rewritten_query *rq, highlighter **out);
void highlighter_free(highlighter *h);

/* *out: new array of *n sorted, disjoint spans to mark in text (free()).
 * Errors as loci_analyzer_tokenize(). */
loci_status highlighter_spans(highlighter *h, const char *text, size_t len,
			      span **out, size_t *n);

#endif
