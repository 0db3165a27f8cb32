/* Fuzz target: the highlighter, with a query and a passage of its own.
 *
 * Input: the query up to the first newline, the passage after it (any
 * bytes; no newline: an empty passage).  The query is parsed against the
 * corpus index (for its wildcards), as loci-search does.
 *
 * Checked: highlighter_new succeeds; highlighter_spans returns
 * LOCI_ERR_UTF8 exactly for a passage that is not UTF-8, else spans that
 * are sorted, disjoint, inside the passage, each starting where a token
 * starts and ending where one ends.  Then findability, the analyser's
 * promise ("a word found in a document is always findable by typing
 * it"): the first word of the passage, typed as a query on its own, must
 * be marked where it stands; and so must it when typed with the
 * characters it is written with ("foo_bar", "AT&T"), as someone copying
 * it from the text would. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stopwords.h"

typedef struct {
	size_t *starts, *ends;
	size_t count, cap;
	/* The first word token that is neither a query operator nor a
	 * stopword. */
	bool have_word;
	size_t word_start, word_end;
	const char *text;
} tok_list;

static int
collect(void *ctx, const loci_token *t)
{
	tok_list *l = ctx;

	if (l->count == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->starts = realloc(l->starts, l->cap * sizeof *l->starts);
		l->ends = realloc(l->ends, l->cap * sizeof *l->ends);
		if (!l->starts || !l->ends)
			abort();
	}
	l->starts[l->count] = t->start;
	l->ends[l->count] = t->end;
	l->count++;
	/* Not a stopword: the highlighter leaves those unmarked when the
	 * query parser keeps them as plain terms (in phrases, "a/"). */
	if (!l->have_word && t->kind == LOCI_TOKEN_WORD &&
	    !loci_is_query_operator(l->text + t->start, t->end - t->start) &&
	    !loci_is_stopword("english", t->term, t->term_len)) {
		l->have_word = true;
		l->word_start = t->start;
		l->word_end = t->end;
	}
	return 0;
}

static bool
in_list(const size_t *a, size_t n, size_t v)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

/* Can c be part of a word as someone types it ("foo_bar", "AT&T", "a@b",
 * "TCP/IP", "e-mail", "1,500th", any non-ASCII)?  Not white space, controls, quotes
 * or other query syntax.  Nor '+' and '#': Xapian's parser keeps "C++"
 * and "C#" whole only when the index lacks "c", which is never so when
 * a passage holds them, but is here, where the passage is not indexed. */
static bool
chunk_char(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c != '\0' && strchr("_&@/-.,", c) != NULL);
}

/* Does s[0..n) hold a query operator word (2 to 4 letters)? */
static bool
holds_operator(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 2; k <= 4 && i + k <= n; k++)
			if (loci_is_query_operator(s + i, k))
				return true;
	return false;
}

/* Highlights text with query; returns the spans (caller frees) or NULL
 * with *n = 0 when the query is refused. */
static span *
highlight(loci_analyzer *an, loci_db *db, const char *query, size_t qlen, const char *text,
	  size_t len, bool *parsed, size_t *n)
{
	fuzz_query fq;
	highlighter *h = NULL;
	span *spans = NULL;

	*n = 0;
	*parsed = fuzz_parse(an, db, fuzz_corpus_synonyms(), query, qlen, &fq);
	if (!*parsed)
		return NULL;
	loci_status st = highlighter_new(an, fq.q, &fq.rq, &h);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_NOMEM);
	if (st == LOCI_OK) {
		st = highlighter_spans(h, text, len, &spans, n);
		FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_UTF8, LOCI_ERR_NOMEM);
		FUZZ_CHECK((st == LOCI_ERR_UTF8) == !fuzz_utf8_valid(text, len));
		if (st != LOCI_OK)
			FUZZ_CHECK(spans == NULL && *n == 0);
		else
			fuzz_check_spans(text, len, spans, *n);
	}
	highlighter_free(h);
	fuzz_query_free(&fq);
	return spans;
}

int
loci_fuzz_highlight(const uint8_t *data, size_t size)
{
	loci_db *db = fuzz_corpus_db();
	loci_analyzer *an = fuzz_analyzer("english");
	const uint8_t *nl = memchr(data, '\n', size);
	size_t qlen = nl ? (size_t)(nl - data) : size;
	size_t len = nl ? size - qlen - 1 : 0;
	char *query = fuzz_copy(data, qlen);
	char *text = fuzz_copy(nl ? nl + 1 : data, len);
	bool parsed;
	size_t n;

	span *spans = highlight(an, db, query, qlen, text, len, &parsed, &n);
	if (n) {
		/* Spans are whole tokens. */
		tok_list l = { .text = text };
		FUZZ_CHECK(loci_analyzer_tokenize(an, text, len, collect, &l) == LOCI_OK);
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(in_list(l.starts, l.count, spans[i].start));
			FUZZ_CHECK(in_list(l.ends, l.count, spans[i].end));
		}
		free(l.starts);
		free(l.ends);
	}
	free(spans);

	/* Findability: the passage's first word, typed alone. */
	tok_list l = { .text = text };
	if (!fuzz_skip("findability") && fuzz_utf8_valid(text, len) &&
	    loci_analyzer_tokenize(an, text, len, collect, &l) == LOCI_OK && l.have_word) {
		const char *word = text + l.word_start;
		size_t wlen = l.word_end - l.word_start;
		spans = highlight(an, db, word, wlen, text, len, &parsed, &n);
		FUZZ_CHECK(parsed);
		bool marked = false;
		for (size_t i = 0; i < n; i++)
			if (spans[i].start <= l.word_start && l.word_end <= spans[i].end)
				marked = true;
		FUZZ_CHECK(marked);
		free(spans);

		/* The same word with what it is written with ("foo_bar",
		 * "AT&T"), as someone copying it would type it. */
		size_t cs = l.word_start, ce = l.word_end;
		while (cs > 0 && chunk_char(text[cs - 1]))
			cs--;
		while (ce < len && chunk_char(text[ce]))
			ce++;
		while (cs < l.word_start && text[cs] == '-')
			cs++;
		/* Whole tokens only: nobody copies the "5" of "1.5" with the
		 * word after it. */
		for (size_t i = 0; i < l.count; i++) {
			if (l.starts[i] < cs && cs < l.ends[i])
				cs = l.ends[i] < l.word_start ? l.ends[i] : l.word_start;
			if (l.starts[i] < ce && ce < l.ends[i])
				ce = l.starts[i] > l.word_end ? l.starts[i] : l.word_end;
		}
		if ((cs != l.word_start || ce != l.word_end) && !holds_operator(text + cs, ce - cs)) {
			spans = highlight(an, db, text + cs, ce - cs, text, len, &parsed, &n);
			marked = !parsed;	/* a syntax error is not this check's business */
			for (size_t i = 0; i < n; i++)
				if (spans[i].start <= l.word_start && l.word_end <= spans[i].end)
					marked = true;
			FUZZ_CHECK(marked);
			free(spans);
		}
	}
	free(l.starts);
	free(l.ends);
	free(query);
	free(text);
	return 0;
}

FUZZ_TARGET(loci_fuzz_highlight)
