#include "highlight.h"

#include "stopwords.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char **items;
	size_t count, cap;
} strset;

struct highlighter {
	loci_analyzer *an;
	strset plain, stems, caps;
	const loci_rewritten_query *rq;
	bool nomem;
};

typedef struct {
	highlighter *h;
	span *spans;
	size_t count, cap;
	bool nomem;
} span_ctx;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
strset_add(strset *s, const char *term, size_t len)
{
	if (s->count == s->cap) {
		size_t n = s->cap ? s->cap * 2 : 16;
		char **p = realloc(s->items, n * sizeof *p);
		if (!p)
			return false;
		s->items = p;
		s->cap = n;
	}
	if (!(s->items[s->count] = strndup(term, len)))
		return false;
	s->count++;
	return true;
}

static void
strset_sort(strset *s)
{
	if (s->count)	/* qsort's array may not be NULL, even empty */
		qsort(s->items, s->count, sizeof *s->items, cmp_str);
}

static bool
strset_has(const strset *s, const char *term)
{
	return s->count &&
	       bsearch(&term, s->items, s->count, sizeof *s->items, cmp_str) != NULL;
}

static void
strset_free(strset *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->items[i]);
	free(s->items);
}

static void
add_query_term(void *ctx, const char *term, size_t len, loci_term_kind kind)
{
	highlighter *h = ctx;
	strset *set = kind == LOCI_TERM_STEM ? &h->stems : kind == LOCI_TERM_CAPS ? &h->caps
										    : &h->plain;

	/* A stopword inside a phrase ("is" of a synonym's "IS Khorasan
	 * Province") would mark every "is" of the passage. */
	if (kind == LOCI_TERM_PLAIN && loci_is_stopword(loci_analyzer_language(h->an), term, len))
		return;
	if (!strset_add(set, term, len))
		h->nomem = true;
}

loci_status
highlighter_new(loci_analyzer *an, const loci_query *q, const loci_rewritten_query *rq,
		highlighter **out)
{
	highlighter *h = calloc(1, sizeof *h);
	loci_status st;

	*out = NULL;
	if (!h)
		return LOCI_ERR_NOMEM;
	h->an = an;
	h->rq = rq;
	st = loci_query_terms(q, add_query_term, h);
	if (st == LOCI_OK && h->nomem)
		st = LOCI_ERR_NOMEM;
	if (st != LOCI_OK) {
		highlighter_free(h);
		return st;
	}
	strset_sort(&h->plain);
	strset_sort(&h->stems);
	strset_sort(&h->caps);
	*out = h;
	return LOCI_OK;
}

void
highlighter_free(highlighter *h)
{
	if (!h)
		return;
	strset_free(&h->plain);
	strset_free(&h->stems);
	strset_free(&h->caps);
	free(h);
}

static bool
matches(highlighter *h, const loci_token *tok)
{
	if (strset_has(&h->plain, tok->term))
		return true;
	if (h->caps.count && tok->caps && strset_has(&h->caps, tok->term))
		return true;
	for (size_t i = 0; i < h->rq->n_prefixes; i++) {
		const char *p = h->rq->prefixes[i];
		if (strncmp(tok->term, p, strlen(p)) == 0)
			return true;
	}
	if (h->stems.count) {
		size_t len;
		const char *stem = loci_analyzer_stem(h->an, tok->term, tok->term_len, &len);
		/* The stemmer's buffer is not NUL-terminated. */
		char buf[4 * LOCI_MAX_TERM + 1];
		if (stem && len < sizeof buf) {
			memcpy(buf, stem, len);
			buf[len] = '\0';
			return strset_has(&h->stems, buf);
		}
	}
	return false;
}

static int
mark_token(void *ctx, const loci_token *tok)
{
	span_ctx *c = ctx;

	if (!matches(c->h, tok))
		return 0;
	/* Tokens come in text order; a compound comes before its parts and
	 * covers them, so overlapping spans merge into the last one. */
	if (c->count && tok->start < c->spans[c->count - 1].end) {
		if (tok->end > c->spans[c->count - 1].end)
			c->spans[c->count - 1].end = tok->end;
		return 0;
	}
	if (c->count == c->cap) {
		size_t n = c->cap ? c->cap * 2 : 16;
		span *p = realloc(c->spans, n * sizeof *p);
		if (!p) {
			c->nomem = true;
			return 1;
		}
		c->spans = p;
		c->cap = n;
	}
	c->spans[c->count++] = (span){ tok->start, tok->end };
	return 0;
}

loci_status
highlighter_spans(highlighter *h, const char *text, size_t len, span **out, size_t *n)
{
	span_ctx c = { h, NULL, 0, 0, false };
	loci_status st = loci_analyzer_tokenize(h->an, text, len, mark_token, &c);

	if (st == LOCI_OK && c.nomem)
		st = LOCI_ERR_NOMEM;
	if (st != LOCI_OK) {
		free(c.spans);
		*out = NULL;
		*n = 0;
		return st;
	}
	*out = c.spans;
	*n = c.count;
	return LOCI_OK;
}
