/* Fuzz target: the query path, as loci-search runs it, against an index
 * of corpus/ built once at start-up: loci_query_rewrite, then
 * loci_db_parse_query, loci_query_terms, loci_db_search, and the
 * highlighter over every hit's text.
 *
 * Input: the query, any bytes.
 *
 * Checked (see also fuzz_parse() in fuzz_common.c): only documented
 * statuses at each step (a wildcard expanding too far is
 * LOCI_ERR_QUERY_SYNTAX); a rewritten query and prefixes that are valid
 * UTF-8; query terms non-empty and valid UTF-8; at most `limit` hits,
 * best first, with finite scores, an estimated total no smaller than the
 * hits, and valid UTF-8 text; highlight spans sorted, disjoint and inside
 * the hit's text; with one passage per article, no article twice; and
 * every hit of a query with terms to look for (not only stopwords in
 * phrases, which the highlighter leaves alone, and neither "NOT
 * something" alone, which matches every passage, nor a field) has at
 * least one word marked, since it matched one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stopwords.h"

#define LIMIT 10

typedef struct {
	size_t marked;		/* terms the highlighter marks */
	bool stopword;		/* a plain stopword, which it does not */
} term_count;

static void
check_term(void *ctx, const char *term, size_t len, loci_term_kind kind)
{
	term_count *count = ctx;

	FUZZ_CHECK(kind == LOCI_TERM_PLAIN || kind == LOCI_TERM_STEM || kind == LOCI_TERM_CAPS);
	FUZZ_CHECK(term != NULL);
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(fuzz_utf8_valid(term, len));
	/* The highlighter leaves plain stopwords unmarked, on purpose (the
	 * "is" of a synonym's phrase would mark every "is"). */
	if (kind == LOCI_TERM_PLAIN && loci_is_stopword("english", term, len))
		count->stopword = true;
	else
		count->marked++;
}

/* Does the query name a field, whose terms are not in the text? */
static bool
has_field(const char *q)
{
	static const char *const fields[] = {
		"title:", "source:", "author:", "tag:", "path:", "date:", NULL
	};

	for (const char *const *f = fields; *f; f++)
		if (strstr(q, *f))
			return true;
	return false;
}

static void
check_hit_text(const loci_hit *hit)
{
	FUZZ_CHECK(hit->path && *hit->path && hit->title && hit->text);
	FUZZ_CHECK(hit->text_len > 0 && strlen(hit->text) == hit->text_len);
	FUZZ_CHECK(fuzz_utf8_valid(hit->text, hit->text_len));
	FUZZ_CHECK(hit->ordinal >= 1 && hit->line >= 1);
}

int
loci_fuzz_query(const uint8_t *data, size_t size)
{
	loci_db *db = fuzz_corpus_db();
	loci_analyzer *an = fuzz_analyzer("english");
	char *query = fuzz_copy(data, size);
	fuzz_query fq;

	if (!fuzz_parse(an, db, fuzz_corpus_synonyms(), query, size, &fq)) {
		free(query);
		return 0;
	}

	term_count terms = { 0, false };
	FUZZ_STATUS(loci_query_terms(fq.q, check_term, &terms), LOCI_OK, LOCI_ERR_NOMEM);

	loci_results *res = NULL;
	char *err = NULL;
	loci_search_options opt = { .offset = 0, .limit = LIMIT, .per_article = 0,
				    .sort = LOCI_SORT_RELEVANCE };
	loci_status st = loci_db_search(db, fq.q, &opt, &res, &err);
	/* Too wide a wildcard is the one error a parsed query may still
	 * meet (Xapian expands wildcards when matching). */
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_QUERY_SYNTAX, LOCI_ERR_NOMEM);
	if (st != LOCI_OK) {
		FUZZ_CHECK(res == NULL);
		free(err);
		fuzz_query_free(&fq);
		free(query);
		return 0;
	}
	FUZZ_CHECK(err == NULL);
	FUZZ_CHECK(res != NULL);

	size_t n = loci_results_count(res);
	FUZZ_CHECK(n <= LIMIT);
	FUZZ_CHECK(loci_results_total(res) >= n);

	highlighter *h = NULL;
	st = highlighter_new(an, fq.q, &fq.rq, &h);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_NOMEM);
	if (st != LOCI_OK) {
		loci_results_free(res);
		fuzz_query_free(&fq);
		free(query);
		return 0;
	}

	double prev = INFINITY;
	for (size_t i = 0; i < n; i++) {
		loci_hit hit;
		loci_results_get(res, i, &hit);
		FUZZ_CHECK(isfinite(hit.score) && hit.score >= 0);
		FUZZ_CHECK(hit.score <= prev);
		prev = hit.score;
		check_hit_text(&hit);

		span *spans = NULL;
		size_t n_spans = 0;
		st = highlighter_spans(h, hit.text, hit.text_len, &spans, &n_spans);
		FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_NOMEM);
		if (st == LOCI_OK) {
			fuzz_check_spans(hit.text, hit.text_len, spans, n_spans);
			/* A hit matched a term it contains: it shows it.  Not
			 * so when the query can match every passage ("a OR
			 * NOT b") or match by a field (title:a OR b), nor for
			 * wildcards alone, which Xapian expands at search time
			 * (and which may be under NOT). */
			if (terms.marked > 0 && !terms.stopword && !fuzz_skip("marked-hits") &&
			    !strstr(loci_query_describe(fq.q), "<alldocuments>") &&
			    !has_field(fq.rq.text))
				FUZZ_CHECK(n_spans > 0);
		}
		free(spans);
	}
	loci_results_free(res);

	/* One passage per article: no article twice, no more hits. */
	res = NULL;
	opt.per_article = 1;
	st = loci_db_search(db, fq.q, &opt, &res, &err);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_NOMEM);
	if (st == LOCI_OK) {
		size_t m = loci_results_count(res);
		FUZZ_CHECK(m <= n);
		for (size_t i = 0; i < m; i++) {
			loci_hit a;
			loci_results_get(res, i, &a);
			check_hit_text(&a);
			for (size_t j = 0; j < i; j++) {
				loci_hit b;
				loci_results_get(res, j, &b);
				FUZZ_CHECK(strcmp(a.path, b.path) != 0);
			}
		}
	}
	free(err);
	loci_results_free(res);

	highlighter_free(h);
	fuzz_query_free(&fq);
	free(query);
	return 0;
}

FUZZ_TARGET(loci_fuzz_query)
