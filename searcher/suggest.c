#include "suggest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "query_rewrite.h"

typedef struct {
	size_t start, end;
	char *replacement;
} fix;

typedef struct {
	loci_db *db;
	loci_analyzer *an;
	const char *query;
	fix *fixes;
	size_t n, cap;
	loci_status st;
	char **err;
} suggest_ctx;

static int
check_word(void *ctx, const loci_token *tok)
{
	suggest_ctx *c = ctx;
	const char *q = c->query;
	unsigned long freq = 0;
	char *best = NULL;

	/* Parts of a hyphenated word are checked as the whole. */
	if (tok->kind == LOCI_TOKEN_PART)
		return 0;
	if (tok->kind == LOCI_TOKEN_WORD && loci_is_query_operator(q + tok->start, tok->end - tok->start))
		return 0;
	if (q[tok->end] == '*' || q[tok->end] == ':')
		return 0;	/* a wildcard or a field name */
	/* A field's value (path:corpus, date:2024): not a word to spell. */
	for (size_t i = tok->start; i > 0 && q[i - 1] != ' ' && q[i - 1] != '\t'; i--)
		if (q[i - 1] == ':')
			return 0;
	if ((c->st = loci_db_word_frequency(c->db, c->an, tok->term, &freq, c->err)) != LOCI_OK)
		return 1;
	if (freq)
		return 0;
	if ((c->st = loci_db_suggest(c->db, tok->term, &best, c->err)) != LOCI_OK)
		return 1;
	if (!best)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		fix *p = realloc(c->fixes, cap * sizeof *p);
		if (!p) {
			free(best);
			c->st = LOCI_ERR_NOMEM;
			return 1;
		}
		c->fixes = p;
		c->cap = cap;
	}
	c->fixes[c->n++] = (fix){ tok->start, tok->end, best };
	return 0;
}

/* A person misspells a few words; a query longer than this is pasted
 * text or a program's, and checking each word would cost a scan of the
 * vocabulary per word. */
#define MAX_CHECKED_WORDS 32

static int
count_word(void *ctx, const loci_token *tok)
{
	size_t *n = ctx;

	if (tok->kind != LOCI_TOKEN_PART)
		++*n;
	return *n > MAX_CHECKED_WORDS;
}

loci_status
suggest_query(loci_db *db, loci_analyzer *an, const char *query, char **out, char **err)
{
	suggest_ctx c = { db, an, query, NULL, 0, 0, LOCI_OK, err };
	size_t words = 0;
	loci_status st;

	*out = NULL;
	st = loci_analyzer_tokenize(an, query, strlen(query), count_word, &words);
	if (st != LOCI_OK || words > MAX_CHECKED_WORDS)
		return st;
	st = loci_analyzer_tokenize(an, query, strlen(query), check_word, &c);
	if (st == LOCI_OK)
		st = c.st;
	if (st == LOCI_OK && c.n) {
		size_t len = strlen(query) + 1;
		for (size_t i = 0; i < c.n; i++)
			len += strlen(c.fixes[i].replacement);
		char *s = malloc(len), *o = s;
		size_t at = 0;
		if (!s) {
			st = LOCI_ERR_NOMEM;
		} else {
			for (size_t i = 0; i < c.n; i++) {
				memcpy(o, query + at, c.fixes[i].start - at);
				o += c.fixes[i].start - at;
				strcpy(o, c.fixes[i].replacement);
				o += strlen(c.fixes[i].replacement);
				at = c.fixes[i].end;
			}
			strcpy(o, query + at);
			*out = s;
		}
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.fixes[i].replacement);
	free(c.fixes);
	return st;
}
