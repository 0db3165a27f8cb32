/* Unit tests of the query rewriter. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "query_rewrite.h"
#include "synonyms.h"

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
	if (!CHECK_STATUS(loci_query_rewrite(an, NULL, query, strlen(query), &q), LOCI_OK)) {
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

static loci_synonyms *syn;

static void
check_syn(const char *query, const char *want_text, int line)
{
	loci_rewritten_query q;

	if (!CHECK_STATUS(loci_query_rewrite(an, syn, query, strlen(query), &q), LOCI_OK))
		return;
	if (!CHECK_STR_EQ(q.text, want_text))
		NOTE("query at line %d", line);
	loci_rewritten_query_free(&q);
}

/* Stopwords go, unless typed in capitals (acronyms), in a phrase, next
 * to an operator, or when the query has nothing else. */
static void
test_stopwords_and_capitals(void)
{
	CHECK_REWRITE("the war in Syria", " war  syria", NULL);
	CHECK_REWRITE("IS leaders", "caps:IS leaders", NULL);
	CHECK_REWRITE("US officials", "caps:US officials", NULL);
	CHECK_REWRITE("Is it", "is it", NULL);
	CHECK_REWRITE("\"the war\"", "\"the war\"", NULL);
	CHECK_REWRITE("war AND the", "war AND the", NULL);
	CHECK_REWRITE("-the war", "-the war", NULL);
	CHECK_REWRITE("ISKP leaders", "iskp leaders", NULL);
}

static void
test_fields(void)
{
	/* A field of free text restricts the search (+), unless an
	 * operator joins it to the rest. */
	CHECK_REWRITE("title:Crocus attack", "+title:crocus attack", NULL);
	CHECK_REWRITE("Source:Reuters", "+source:reuters", NULL);
	CHECK_REWRITE("title:Crocus OR title:Moscow", "title:crocus OR title:moscow", NULL);
	CHECK_REWRITE("tag:\"Central Asia\" AND attack", "tag:\"central asia\" AND attack", NULL);
	CHECK_REWRITE("-source:Reuters attack", "-source:reuters attack", NULL);
	CHECK_REWRITE("path:Corpus/A-B.txt ISKP", "path:Corpus/A-B.txt iskp", NULL);
	CHECK_REWRITE("date:2024-03-01..2024-03-31 attack", "date:2024-03-01..2024-03-31 attack",
		      NULL);
	CHECK_REWRITE("tag:the", "+tag:the", NULL);
	/* Typed slips: a folder's trailing slash, a date without a range. */
	CHECK_REWRITE("path:corpus/ ISKP", "path:corpus iskp", NULL);
	CHECK_REWRITE("date:2024 attack", "date:2024..2024 attack", NULL);
	/* caps: keeps the capitals that stop the parser from stemming. */
	CHECK_REWRITE("caps:US", "caps:US", NULL);
	/* Not a field name: an ordinary word before a colon. */
	CHECK_REWRITE("Note: attack", "note  attack", NULL);
	/* What is not query syntax never glues to a word (found by fuzzing:
	 * the parser would read "foo_bar", "AT&t" or "1,500th" as one). */
	CHECK_REWRITE("foo_bar", "foo bar", NULL);
	CHECK_REWRITE("AT&T", "caps:AT t", NULL);
	CHECK_REWRITE("1,500th", "1,500 th", NULL);
	CHECK_REWRITE("al-Qaeda NEAR/3 rival", "alqaeda NEAR/3 rival", NULL);
	CHECK_REWRITE("x/y", "x y", NULL);
	CHECK_REWRITE("IS*", "is*", "is", NULL);
}

static void
test_synonyms(void)
{
	static const char file[] =
		"# groups\n"
		"ISKP, ISIS-K, IS-K, Islamic State Khorasan\n"
		"\n"
		"ISIS, IS, Daesh  # IS typed in capitals only\n";
	char *problem = NULL;

	if (!CHECK_STATUS(loci_synonyms_parse(an, file, strlen(file), &syn, &problem), LOCI_OK))
		return;
	CHECK_UINT_EQ(loci_synonyms_groups(syn), 2);
	check_syn("ISKP attack", "syn:0 attack", __LINE__);
	check_syn("ISIS-K attack", "syn:0 attack", __LINE__);
	check_syn("is-k", "syn:0", __LINE__);
	check_syn("Islamic State Khorasan Province", "syn:0 province", __LINE__);
	check_syn("\"Islamic State Khorasan\"", "syn:0", __LINE__);
	check_syn("\"Islamic State Khorasan fighters\"", "\"islamic state khorasan fighters\"",
		  __LINE__);
	check_syn("IS leaders", "syn:1 leaders", __LINE__);
	check_syn("is leaders", " leaders", __LINE__);
	check_syn("Daesh*", "daesh*", __LINE__);
	check_syn("-ISKP attack", "-iskp attack", __LINE__);
	check_syn("ISKP/Taliban", "syn:0 taliban", __LINE__);
	check_syn("IS_(x", "syn:1 (x", __LINE__);
	check_syn("syn:x(y", "syn x(y", __LINE__);
	check_syn("title:ISKP", "+title:iskp", __LINE__);
	check_syn("title:\"Islamic State Khorasan\"", "+title:\"islamic state khorasan\"", __LINE__);
	/* NEAR and ADJ take words: no group next to them, with /n or not. */
	check_syn("Taliban NEAR ISKP", "taliban NEAR iskp", __LINE__);
	check_syn("Taliban NEAR/5 ISIS-K", "taliban NEAR/5 isisk", __LINE__);
	check_syn("ISKP ADJ/2 Taliban", "iskp ADJ/2 taliban", __LINE__);
	check_syn("Taliban NEAR \"Islamic State Khorasan\"",
		  "taliban NEAR \"islamic state khorasan\"", __LINE__);
	loci_synonyms_free(syn);
	syn = NULL;

	/* A group of one name is a mistake worth reporting, with its line. */
	CHECK_STATUS(loci_synonyms_parse(an, "a, b\nlonely\n", 14, &syn, &problem),
		     LOCI_ERR_INVALID);
	CHECK_STR_EQ(problem, "line 2: a group needs two names or more, separated by commas");
	free(problem);
	CHECK(syn == NULL);
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
	/* A word the parser would cut elsewhere than the analyser goes in
	 * hex; not in a phrase, a wildcard or next to NEAR, which take no
	 * fields. */
	CHECK_REWRITE("a-1.5 b", "lit:61312e35 b", NULL);
	CHECK_REWRITE("x1.5y", "x1 5y", NULL);
	/* A letter newer than Xapian's Unicode tables (Nushu, U+1B2D9). */
	CHECK_REWRITE("\xF0\x9B\x8B\x99n2", "lit:f09b8b996e32", NULL);
	CHECK_REWRITE("\"a-1.5 b\"", "\"a-1.5 b\"", NULL);
	CHECK_REWRITE("a-1.5 NEAR b", "a1.5 NEAR b", NULL);
	/* A "-" glued to other marks is no NOT. */
	CHECK_REWRITE("XY&-Z", "xy  z", NULL);
	CHECK_REWRITE("x -y (-z)", "x -y (-z)", NULL);
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
	/* Only operators typed in capitals are operators; in lower case
	 * they are stopwords, and dropped. */
	CHECK_REWRITE("Taliban and Russia", "taliban  russia", NULL);
	CHECK_REWRITE("Taliban And Russia", "taliban  russia", NULL);
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
	/* A prefix the parser would cut: a wildcard field of its own. */
	CHECK_REWRITE("a-1.5* b", "litw:61312e35 b", "a1.5", NULL);
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
	CHECK_STATUS(loci_query_rewrite(an, NULL, "bad \xFF query", 11, &q), LOCI_ERR_UTF8);
	CHECK(q.text == NULL && q.prefixes == NULL && q.n_prefixes == 0);
	loci_rewritten_query_free(&q);	/* safe on a failed rewrite */

	CHECK_STATUS(loci_query_rewrite(an, NULL, "\xED\xA0\x80", 3, &q), LOCI_ERR_UTF8);
	CHECK(q.text == NULL);

	/* len is honoured: the bytes after it are not read. */
	CHECK_STATUS(loci_query_rewrite(an, NULL, "Moscow\xFF", 6, &q), LOCI_OK);
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
	test_stopwords_and_capitals();
	test_fields();
	test_synonyms();
	test_compounds();
	test_wildcards();
	test_errors();
	loci_analyzer_free(an);
	return check_done();
}
