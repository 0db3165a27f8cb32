#define PCRE2_CODE_UNIT_WIDTH 8

#include "regex_filter.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough for any sane pattern over a passage (a few KiB), small enough
 * that '(a+)+$' over a long line fails in milliseconds. */
#define MATCH_LIMIT 1000000
#define DEPTH_LIMIT 10000
#define HEAP_LIMIT_KIB (64 * 1024)

struct regex_filter {
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

loci_status
regex_filter_new(const char *pattern, regex_filter **out, char **problem)
{
	regex_filter *rf = calloc(1, sizeof *rf);
	int errcode;
	PCRE2_SIZE erroff;

	*out = NULL;
	*problem = NULL;
	if (!rf)
		return LOCI_ERR_NOMEM;
	rf->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
			       &errcode, &erroff, NULL);
	if (!rf->re) {
		char msg[256], buf[320];
		pcre2_get_error_message(errcode, (PCRE2_UCHAR *)msg, sizeof msg);
		snprintf(buf, sizeof buf, "%s at offset %zu", msg, (size_t)erroff);
		*problem = strdup(buf);
		regex_filter_free(rf);
		return *problem ? LOCI_ERR_INVALID : LOCI_ERR_NOMEM;
	}
	/* No JIT: its vector loads read up to 15 bytes past the end of the
	 * subject (harmless, but memcheck cannot tell), and the interpreter's
	 * match and depth limits are the ones documented. */
	rf->md = pcre2_match_data_create_from_pattern(rf->re, NULL);
	rf->mc = pcre2_match_context_create(NULL);
	if (!rf->md || !rf->mc) {
		regex_filter_free(rf);
		return LOCI_ERR_NOMEM;
	}
	pcre2_set_match_limit(rf->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(rf->mc, DEPTH_LIMIT);
	pcre2_set_heap_limit(rf->mc, HEAP_LIMIT_KIB);
	*out = rf;
	return LOCI_OK;
}

void
regex_filter_free(regex_filter *rf)
{
	if (!rf)
		return;
	pcre2_match_context_free(rf->mc);
	pcre2_match_data_free(rf->md);
	pcre2_code_free(rf->re);
	free(rf);
}

int
regex_filter_spans(regex_filter *rf, const char *text, size_t len, span **spans, size_t *n)
{
	size_t off = 0, cap = 0;
	/* Stored passages are valid UTF-8: the check is done once, here. */
	uint32_t opts = 0;
	int matched = 0;

	*spans = NULL;
	*n = 0;
	while (off <= len) {
		int rc = pcre2_match(rf->re, (PCRE2_SPTR)text, len, off, opts, rf->md, rf->mc);
		opts = PCRE2_NO_UTF_CHECK;
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			free(*spans);
			*spans = NULL;
			*n = 0;
			return rc == PCRE2_ERROR_NOMEMORY ? -2 : -1;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rf->md);
		matched = 1;
		if (ov[1] > ov[0]) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 8;
				span *p = realloc(*spans, cap * sizeof *p);
				if (!p) {
					free(*spans);
					*spans = NULL;
					*n = 0;
					return -2;
				}
				*spans = p;
			}
			(*spans)[(*n)++] = (span){ ov[0], ov[1] };
			off = ov[1];
		} else {
			/* An empty match matches, but marks nothing: step over
			 * one character to look for more. */
			off = ov[0] + 1;
			while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
				off++;
			if (ov[0] >= len)
				break;
		}
	}
	return matched;
}

span *
spans_merge(const span *a, size_t na, const span *b, size_t nb, size_t *n)
{
	span *out = malloc((na + nb + 1) * sizeof *out);
	size_t i = 0, j = 0;

	*n = 0;
	if (!out)
		return NULL;
	while (i < na || j < nb) {
		span s = (j >= nb || (i < na && a[i].start <= b[j].start)) ? a[i++] : b[j++];
		if (*n && s.start <= out[*n - 1].end) {
			if (s.end > out[*n - 1].end)
				out[*n - 1].end = s.end;
		} else {
			out[(*n)++] = s;
		}
	}
	return out;
}
