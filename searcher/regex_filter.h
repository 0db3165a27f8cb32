/* --regex: a PCRE2 pattern that hits must match, with limits that turn a
 * pathological pattern into an error instead of a hang. */
#ifndef LOCI_REGEX_FILTER_H
#define LOCI_REGEX_FILTER_H

#include <stddef.h>

#include "highlight.h"
#include "status.h"

typedef struct regex_filter regex_filter;

/* Compiles pattern (UTF-8, Unicode properties).  LOCI_ERR_INVALID with
 * *problem ("missing closing parenthesis at offset 3", malloc'd) for a
 * bad pattern; LOCI_ERR_NOMEM. */
loci_status regex_filter_new(const char *pattern, regex_filter **out, char **problem);
void regex_filter_free(regex_filter *rf);

/* Finds every match in text: 1 and *spans (new array, free()) if there
 * is one, 0 if none, -1 if the match or depth limit was hit (the pattern
 * backtracks too much on this text), -2 when out of memory. */
int regex_filter_spans(regex_filter *rf, const char *text, size_t len, span **spans, size_t *n);

/* Merges two sorted lists of spans into one sorted, disjoint list
 * (new array, free()); NULL on failure. */
span *spans_merge(const span *a, size_t na, const span *b, size_t nb, size_t *n);

#endif
