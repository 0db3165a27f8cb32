/* Unit tests of the query rewriter. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "query_rewrite.h"

static loci_analyzer *an;

/* Rewrites query and checks the text and the wildcard prefixes (a
 * NULL-terminated list, NULL for none). */
#define CHECK_REWRITE(query, want_text, ...) \
	check_rewrite((query), (want_text), (const char *const[]){ __VA_ARGS__ }, __LINE__)

static void
check_rewrite(const char *query, const char *want_text, const char *const *want_prefixes,
	      int line)
{
	loci_rewritten_query q;
	size_t n_want = 0;
	bool ok = true;

	while (want_prefixes[n_want])
		n_want++;
	if (!CHECK_STATUS(loci_query_rewrite(an, query, strlen(query), &q), LOCI_OK)) {
		NOTE("query at line %d", line);
		return;
	}
	ok &= CHECK_STR_EQ(q.text, want_text);
	ok &= CHECK_UINT_EQ(q.n_prefixes, n_want);
	for (size_t i = 0; i < q.n_prefixes && i < n_want; i++)
		ok &= CHECK_STR_EQ(q.prefixes[i], want_prefixes[i]);
	if (!ok)
		NOTE("query at line %d", line);
	loci_rewritten_query_free(&q);
	CHECK(q.text == NULL && q.prefixes == NULL && q.n_prefixes == 0);
}

static void
test_words(void)
{
	CHECK_REWRITE("Guantánamo", "guantanamo", NULL);
	CHECK_REWRITE("Straße", "strasse", NULL);
	CHECK_REWRITE("Russia’s attack", "russia's attack", NULL);
	CHECK_REWRITE("Russia's", "russia's", NULL);
	CHECK_REWRITE("ＩＳＩＳ", "isis", NULL);
	CHECK_REWRITE("1,500 fighters", "1,500 fighters", NULL);
	CHECK_REWRITE("", "", NULL);
	CHECK_REWRITE("   ", "   ", NULL);
	/* Spacing and punctuation are kept as typed. */
	CHECK_REWRITE("  Crocus   City Hall ", "  crocus   city hall ", NULL);
}

static void
test_operators(void)
{
	CHECK_REWRITE("Taliban AND Russia", "taliban AND russia", NULL);
	CHECK_REWRITE("Taliban OR Russia NOT Ukraine", "taliban OR russia NOT ukraine", NULL);
	CHECK_REWRITE("a XOR b", "a XOR b", NULL);
	CHECK_REWRITE("Moscow ADJ attack", "moscow ADJ attack", NULL);
	/* Only operators typed in capitals are operators. */
	CHECK_REWRITE("Taliban and Russia", "taliban and russia", NULL);
	CHECK_REWRITE("Taliban And Russia", "taliban and russia", NULL);
	CHECK_REWRITE("ANDROID NEARBY", "android nearby", NULL);
	/* Brackets. */
	CHECK_REWRITE("(Taliban OR ISIS-K) AND Moscow", "(taliban OR isisk) AND moscow", NULL);
	/* Love and hate. */
	CHECK_REWRITE("-Ukraine +Crocus", "-ukraine +crocus", NULL);
	CHECK_REWRITE("attack -Ukraine", "attack -ukraine", NULL);
}

static void
test_compounds(void)
{
	CHECK_REWRITE("al-Qaeda NEAR rival", "alqaeda NEAR rival", NULL);
	CHECK_REWRITE("ISIS-K", "isisk", NULL);
	CHECK_REWRITE("30-page pamphlet", "30page pamphlet", NULL);
	/* Inside quotes, a phrase of the parts. */
	CHECK_REWRITE("\"al-Qaeda leader\"", "\"al-qaeda leader\"", NULL);
	CHECK_REWRITE("\"Jaish-e-Mohammed\" OR al-Qaeda",
		      "\"jaish-e-mohammed\" OR alqaeda", NULL);
	/* After the closing quote, compounds are joined again. */
	CHECK_REWRITE("\"the al-Qaeda\" al-Qaeda", "\"the al-qaeda\" alqaeda", NULL);
	/* The Unicode hyphen is joined the same way. */
	CHECK_REWRITE("al\xE2\x80\x90Qaeda", "alqaeda", NULL);
	CHECK_REWRITE("\"al\xE2\x80\x90Qaeda\"", "\"al-qaeda\"", NULL);
}

static void
test_wildcards(void)
{
	CHECK_REWRITE("tajik*", "tajik*", "tajik", NULL);
	CHECK_REWRITE("Tajik* OR Uzbek*", "tajik* OR uzbek*", "tajik", "uzbek", NULL);
	CHECK_REWRITE("Guantá*", "guanta*", "guanta", NULL);
	CHECK_REWRITE("ISIS-K*", "isisk*", "isisk", NULL);
	/* No wildcard inside a phrase, nor on a word not followed by '*'. */
	CHECK_REWRITE("\"tajik* fighters\"", "\"tajik* fighters\"", NULL);
	CHECK_REWRITE("tajik *", "tajik *", NULL);
}

static void
test_errors(void)
{
	loci_rewritten_query q;

	memset(&q, 0x55, sizeof q);
	CHECK_STATUS(loci_query_rewrite(an, "bad \xFF query", 11, &q), LOCI_ERR_UTF8);
	CHECK(q.text == NULL && q.prefixes == NULL && q.n_prefixes == 0);
	loci_rewritten_query_free(&q);	/* safe on a failed rewrite */

	CHECK_STATUS(loci_query_rewrite(an, "\xED\xA0\x80", 3, &q), LOCI_ERR_UTF8);
	CHECK(q.text == NULL);

	/* len is honoured: the bytes after it are not read. */
	CHECK_STATUS(loci_query_rewrite(an, "Moscow\xFF", 6, &q), LOCI_OK);
	CHECK_STR_EQ(q.text, "moscow");
	loci_rewritten_query_free(&q);
}

int
main(void)
{
	if (!CHECK_STATUS(loci_analyzer_new("english", &an), LOCI_OK))
		return check_done();
	test_words();
	test_operators();
	test_compounds();
	test_wildcards();
	test_errors();
	loci_analyzer_free(an);
	return check_done();
}
