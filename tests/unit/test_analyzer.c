/* Unit tests of the analyser: normalisation, tokenisation, stemming. */
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "check.h"

#define MAX_TOKENS 64

typedef struct {
	char term[LOCI_MAX_TERM * 4 + 1];
	size_t term_len;
	size_t start, end;
	unsigned position;
	loci_token_kind kind;
	bool caps;
} saved_token;

typedef struct {
	saved_token tok[MAX_TOKENS];
	size_t n;
	size_t stop_after;	/* return nonzero after this many calls; 0: never */
	size_t calls;
	bool term_nul_ok;	/* every term was NUL-terminated at term_len */
} token_list;

static int
save_token(void *ctx, const loci_token *t)
{
	token_list *l = ctx;

	l->calls++;
	if (t->term[t->term_len] != '\0' || strlen(t->term) != t->term_len)
		l->term_nul_ok = false;
	if (l->n < MAX_TOKENS && t->term_len < sizeof l->tok[0].term) {
		saved_token *s = &l->tok[l->n++];
		memcpy(s->term, t->term, t->term_len);
		s->term[t->term_len] = '\0';
		s->term_len = t->term_len;
		s->start = t->start;
		s->end = t->end;
		s->position = t->position;
		s->kind = t->kind;
		s->caps = t->caps;
	}
	return l->stop_after && l->calls >= l->stop_after;
}

static loci_status
tokenize(loci_analyzer *an, const char *text, token_list *l)
{
	memset(l, 0, sizeof *l);
	l->term_nul_ok = true;
	return loci_analyzer_tokenize(an, text, strlen(text), save_token, l);
}

/* Checks one token completely. */
#define CHECK_TOKEN(l, i, want_term, want_kind, want_pos, want_start, want_end) do { \
	if (CHECK((i) < (l)->n)) { \
		CHECK_STR_EQ((l)->tok[i].term, want_term); \
		CHECK_INT_EQ((l)->tok[i].kind, want_kind); \
		CHECK_UINT_EQ((l)->tok[i].position, want_pos); \
		CHECK_UINT_EQ((l)->tok[i].start, want_start); \
		CHECK_UINT_EQ((l)->tok[i].end, want_end); \
	} \
} while (0)

/* The term of the only WORD token of text. */
static const char *
single_term(loci_analyzer *an, const char *text, token_list *l)
{
	if (!CHECK_STATUS(tokenize(an, text, l), LOCI_OK) || !CHECK_UINT_EQ(l->n, 1))
		return "";
	CHECK_INT_EQ(l->tok[0].kind, LOCI_TOKEN_WORD);
	return l->tok[0].term;
}

/* Stems a NUL-terminated term into a static buffer. */
static const char *
stem(loci_analyzer *an, const char *term)
{
	static char buf[256];
	size_t n = 0;
	const char *s = loci_analyzer_stem(an, term, strlen(term), &n);

	if (!CHECK(s != NULL) || !CHECK(n < sizeof buf))
		return "";
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

static void
test_new_and_languages(void)
{
	loci_analyzer *an = (loci_analyzer *)&an;	/* must be reset to NULL */
	bool english = false;

	CHECK_STATUS(loci_analyzer_new("klingon", &an), LOCI_ERR_INVALID);
	CHECK(an == NULL);
	CHECK_STATUS(loci_analyzer_new("", &an), LOCI_ERR_INVALID);
	CHECK(an == NULL);

	CHECK_STATUS(loci_analyzer_new("none", &an), LOCI_OK);
	if (CHECK(an != NULL))
		CHECK_STR_EQ(loci_analyzer_language(an), "none");
	loci_analyzer_free(an);
	loci_analyzer_free(NULL);	/* allowed, like free() */

	const char **langs = loci_analyzer_languages();
	CHECK(langs != NULL);
	for (size_t i = 0; langs && langs[i]; i++)
		if (strcmp(langs[i], "english") == 0)
			english = true;
	CHECK(english);
}

static void
test_normalisation(loci_analyzer *an)
{
	token_list l;

	CHECK_STR_EQ(single_term(an, "Guantánamo", &l), "guantanamo");
	CHECK_UINT_EQ(l.tok[0].start, 0);
	CHECK_UINT_EQ(l.tok[0].end, strlen("Guantánamo"));	/* 11 bytes */
	/* The same word with a combining acute accent (NFD). */
	CHECK_STR_EQ(single_term(an, "Guanta\xCC\x81namo", &l), "guantanamo");
	CHECK_STR_EQ(single_term(an, "Straße", &l), "strasse");
	CHECK_STR_EQ(single_term(an, "STRASSE", &l), "strasse");
	CHECK_STR_EQ(single_term(an, "Ελλάδα", &l), "ελλαδα");

	/* Typographic and ASCII apostrophes give one term. */
	CHECK_STR_EQ(single_term(an, "Russia\xE2\x80\x99s", &l), "russia's");
	CHECK_UINT_EQ(l.tok[0].end, strlen("Russia\xE2\x80\x99s"));
	CHECK_STR_EQ(single_term(an, "Russia's", &l), "russia's");
	CHECK_STR_EQ(single_term(an, "RUSSIA'S", &l), "russia's");

	/* NFKC: fullwidth letters, the fi ligature, superscript digits. */
	CHECK_STR_EQ(single_term(an, "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", &l), "abc");
	CHECK_STR_EQ(single_term(an, "\xEF\xAC\x81nd", &l), "find");
	CHECK_UINT_EQ(l.tok[0].end, 5);	/* the ligature is 3 bytes */
	CHECK_STR_EQ(single_term(an, "\xEF\xBC\x91\xEF\xBC\x92", &l), "12");	/* fullwidth 12 */

	/* A soft hyphen (U+00AD, invisible, common in text taken from the
	 * web) does not split a word: the term is the word without it. */
	CHECK_STR_EQ(single_term(an, "inter\xC2\xADnational", &l), "international");

	/* Stripping diacritics must not strip the vowel signs of Indic
	 * scripts, which are letters' parts, not accents: "काम" (work) and
	 * "कम" (less) are different words. */
	token_list l2;
	const char *kaam = single_term(an, "काम", &l);
	const char *kam = single_term(an, "कम", &l2);
	if (!CHECK(strcmp(kaam, kam) != 0))
		NOTE("both words give the term \"%s\"", kam);

	/* Terms are NUL-terminated at term_len. */
	CHECK_STATUS(tokenize(an, "Guantánamo Bay, al-Qaeda’s Straße", &l), LOCI_OK);
	CHECK(l.term_nul_ok);
}

static void
test_compounds(loci_analyzer *an)
{
	token_list l;

	CHECK_STATUS(tokenize(an, "ISIS-K struck", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 4);
	CHECK_TOKEN(&l, 0, "isisk", LOCI_TOKEN_COMPOUND, 1, 0, 6);
	CHECK_TOKEN(&l, 1, "isis", LOCI_TOKEN_PART, 1, 0, 4);
	CHECK_TOKEN(&l, 2, "k", LOCI_TOKEN_PART, 2, 5, 6);
	CHECK_TOKEN(&l, 3, "struck", LOCI_TOKEN_WORD, 3, 7, 13);

	CHECK_STATUS(tokenize(an, "the al-Qaeda leader", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 5);
	CHECK_TOKEN(&l, 0, "the", LOCI_TOKEN_WORD, 1, 0, 3);
	CHECK_TOKEN(&l, 1, "alqaeda", LOCI_TOKEN_COMPOUND, 2, 4, 12);
	CHECK_TOKEN(&l, 2, "al", LOCI_TOKEN_PART, 2, 4, 6);
	CHECK_TOKEN(&l, 3, "qaeda", LOCI_TOKEN_PART, 3, 7, 12);
	CHECK_TOKEN(&l, 4, "leader", LOCI_TOKEN_WORD, 4, 13, 19);

	CHECK_STATUS(tokenize(an, "a 30-page pamphlet", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 5);
	CHECK_TOKEN(&l, 1, "30page", LOCI_TOKEN_COMPOUND, 2, 2, 9);
	CHECK_TOKEN(&l, 2, "30", LOCI_TOKEN_PART, 2, 2, 4);
	CHECK_TOKEN(&l, 3, "page", LOCI_TOKEN_PART, 3, 5, 9);
	CHECK_TOKEN(&l, 4, "pamphlet", LOCI_TOKEN_WORD, 4, 10, 18);

	/* "U.S.-Taliban": the dots end the parts, so no compound. */
	CHECK_STATUS(tokenize(an, "U.S.-Taliban", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 3);
	CHECK_TOKEN(&l, 0, "u", LOCI_TOKEN_WORD, 1, 0, 1);
	CHECK_TOKEN(&l, 1, "s", LOCI_TOKEN_WORD, 2, 2, 3);
	CHECK_TOKEN(&l, 2, "taliban", LOCI_TOKEN_WORD, 3, 5, 12);
	/* Three parts. */
	CHECK_STATUS(tokenize(an, "Jaish-e-Mohammed", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 4);
	CHECK_TOKEN(&l, 0, "jaishemohammed", LOCI_TOKEN_COMPOUND, 1, 0, 16);
	CHECK_TOKEN(&l, 1, "jaish", LOCI_TOKEN_PART, 1, 0, 5);
	CHECK_TOKEN(&l, 2, "e", LOCI_TOKEN_PART, 2, 6, 7);
	CHECK_TOKEN(&l, 3, "mohammed", LOCI_TOKEN_PART, 3, 8, 16);

	/* The Unicode hyphen U+2010 and the non-breaking hyphen U+2011
	 * join parts as '-' does. */
	CHECK_STATUS(tokenize(an, "al\xE2\x80\x90Qaeda al\xE2\x80\x91Qaeda", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 6);
	CHECK_TOKEN(&l, 0, "alqaeda", LOCI_TOKEN_COMPOUND, 1, 0, 10);
	CHECK_TOKEN(&l, 2, "qaeda", LOCI_TOKEN_PART, 2, 5, 10);
	CHECK_TOKEN(&l, 3, "alqaeda", LOCI_TOKEN_COMPOUND, 3, 11, 21);

	/* A hyphen not between two parts is not part of a token. */
	CHECK_STATUS(tokenize(an, "-well- - done--now", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 3);
	CHECK_TOKEN(&l, 0, "well", LOCI_TOKEN_WORD, 1, 1, 5);
	CHECK_TOKEN(&l, 1, "done", LOCI_TOKEN_WORD, 2, 9, 13);
	CHECK_TOKEN(&l, 2, "now", LOCI_TOKEN_WORD, 3, 15, 18);

	/* Normalisation applies to each part. */
	CHECK_STATUS(tokenize(an, "Ülkü-Straße", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 3);
	CHECK_TOKEN(&l, 0, "ulkustrasse", LOCI_TOKEN_COMPOUND, 1, 0, strlen("Ülkü-Straße"));
	CHECK_TOKEN(&l, 1, "ulku", LOCI_TOKEN_PART, 1, 0, strlen("Ülkü"));
	CHECK_TOKEN(&l, 2, "strasse", LOCI_TOKEN_PART, 2, strlen("Ülkü-"), strlen("Ülkü-Straße"));
}

static void
test_numbers_and_positions(loci_analyzer *an)
{
	token_list l;

	CHECK_STATUS(tokenize(an, "1,500 fighters, 1.3 million.", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 4);
	CHECK_TOKEN(&l, 0, "1,500", LOCI_TOKEN_WORD, 1, 0, 5);
	CHECK_TOKEN(&l, 1, "fighters", LOCI_TOKEN_WORD, 2, 6, 14);
	CHECK_TOKEN(&l, 2, "1.3", LOCI_TOKEN_WORD, 3, 16, 19);
	CHECK_TOKEN(&l, 3, "million", LOCI_TOKEN_WORD, 4, 20, 27);

	/* A trailing separator is not part of the number. */
	CHECK_STATUS(tokenize(an, "In 2020, 5.", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 3);
	CHECK_TOKEN(&l, 1, "2020", LOCI_TOKEN_WORD, 2, 3, 7);
	CHECK_TOKEN(&l, 2, "5", LOCI_TOKEN_WORD, 3, 9, 10);

	/* Positions increase by one per word, whatever lies between. */
	CHECK_STATUS(tokenize(an, "  The   quick (brown) \"fox\" -- jumps!\n\nOver ... it", &l),
		     LOCI_OK);
	CHECK_UINT_EQ(l.n, 7);
	for (size_t i = 0; i < l.n; i++) {
		CHECK_UINT_EQ(l.tok[i].position, i + 1);
		CHECK_INT_EQ(l.tok[i].kind, LOCI_TOKEN_WORD);
	}
	CHECK_TOKEN(&l, 0, "the", LOCI_TOKEN_WORD, 1, 2, 5);
	CHECK_TOKEN(&l, 3, "fox", LOCI_TOKEN_WORD, 4, 23, 26);
	CHECK_TOKEN(&l, 5, "over", LOCI_TOKEN_WORD, 6, 39, 43);

	/* Byte ranges of a text with multi-byte characters: the range of
	 * each token is exactly its word. */
	const char *text = "Москва — Крокус: “Guantánamo” 漢字";
	CHECK_STATUS(tokenize(an, text, &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 4);
	static const char *const words[] = { "Москва", "Крокус", "Guantánamo", "漢字" };
	for (size_t i = 0; i < l.n && i < 4; i++) {
		CHECK_MEM_EQ(text + l.tok[i].start, l.tok[i].end - l.tok[i].start, words[i]);
		CHECK_UINT_EQ(l.tok[i].position, i + 1);
	}
	CHECK_STR_EQ(l.tok[0].term, "москва");

	CHECK_STATUS(tokenize(an, "", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 0);
	CHECK_STATUS(tokenize(an, " \t\n.,;!? -- ", &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 0);
}

static void
test_invalid_utf8(loci_analyzer *an)
{
	token_list l;

	/* No token at all, even those before the bad byte. */
	CHECK_STATUS(tokenize(an, "valid words \xFF then more", &l), LOCI_ERR_UTF8);
	CHECK_UINT_EQ(l.calls, 0);
	CHECK_STATUS(tokenize(an, "surrogate \xED\xA0\x80", &l), LOCI_ERR_UTF8);
	CHECK_UINT_EQ(l.calls, 0);
	CHECK_STATUS(tokenize(an, "truncated \xE6\xBC", &l), LOCI_ERR_UTF8);
	CHECK_UINT_EQ(l.calls, 0);
	CHECK_STATUS(tokenize(an, "overlong \xC0\xAF", &l), LOCI_ERR_UTF8);
	CHECK_UINT_EQ(l.calls, 0);
}

static void
test_stems(void)
{
	loci_analyzer *en = NULL, *none = NULL;
	token_list l;

	if (!CHECK_STATUS(loci_analyzer_new("english", &en), LOCI_OK))
		return;
	CHECK_STR_EQ(loci_analyzer_language(en), "english");

	/* Snowball english: all four share the stem "recruit". */
	CHECK_STR_EQ(stem(en, "recruiting"), "recruit");
	CHECK_STR_EQ(stem(en, "recruitment"), "recruit");
	CHECK_STR_EQ(stem(en, "recruits"), "recruit");
	CHECK_STR_EQ(stem(en, "recruit"), "recruit");
	CHECK_STR_EQ(stem(en, "russia's"), "russia");
	CHECK_STR_EQ(stem(en, "attacks"), "attack");
	/* Numbers stem to themselves. */
	CHECK_STR_EQ(stem(en, "1,500"), "1,500");
	CHECK_STR_EQ(stem(en, "30page"), "30page");

	/* The stem of a token's term, both apostrophes. */
	CHECK_STR_EQ(stem(en, single_term(en, "Russia’s", &l)), "russia");
	CHECK_STR_EQ(stem(en, single_term(en, "Russia's", &l)), "russia");

	CHECK_STATUS(loci_analyzer_new("none", &none), LOCI_OK);
	if (none) {
		CHECK_STR_EQ(stem(none, "recruiting"), "recruiting");
		CHECK_STR_EQ(stem(none, "russia's"), "russia's");
		/* Tokenizing does not depend on the language. */
		CHECK_STR_EQ(single_term(none, "Guantánamo", &l), "guantanamo");
	}
	loci_analyzer_free(none);

	/* Another Snowball language. */
	loci_analyzer *de = NULL;
	CHECK_STATUS(loci_analyzer_new("german", &de), LOCI_OK);
	if (de)
		CHECK_STR_EQ(stem(de, "anschlagen"), "anschlag");
	loci_analyzer_free(de);
	loci_analyzer_free(en);
}

static void
test_stop(loci_analyzer *an)
{
	token_list l;
	const char *text = "one two three four";

	memset(&l, 0, sizeof l);
	l.stop_after = 2;
	CHECK_STATUS(loci_analyzer_tokenize(an, text, strlen(text), save_token, &l), LOCI_OK);
	CHECK_UINT_EQ(l.calls, 2);

	/* Stopping on the compound: its parts are not reported. */
	text = "al-Qaeda leader";
	memset(&l, 0, sizeof l);
	l.stop_after = 1;
	CHECK_STATUS(loci_analyzer_tokenize(an, text, strlen(text), save_token, &l), LOCI_OK);
	CHECK_UINT_EQ(l.calls, 1);
	CHECK_INT_EQ(l.tok[0].kind, LOCI_TOKEN_COMPOUND);

	/* Stopping on a part. */
	memset(&l, 0, sizeof l);
	l.stop_after = 2;
	CHECK_STATUS(loci_analyzer_tokenize(an, text, strlen(text), save_token, &l), LOCI_OK);
	CHECK_UINT_EQ(l.calls, 2);
}

static void
test_long_terms(loci_analyzer *an)
{
	char text[512];
	char word64[LOCI_MAX_TERM + 1], word65[LOCI_MAX_TERM + 2];
	token_list l;

	memset(word64, 'a', LOCI_MAX_TERM);
	word64[LOCI_MAX_TERM] = '\0';
	memset(word65, 'b', LOCI_MAX_TERM + 1);
	word65[LOCI_MAX_TERM + 1] = '\0';

	/* Exactly LOCI_MAX_TERM bytes is kept. */
	CHECK_STR_EQ(single_term(an, word64, &l), word64);

	/* One more is dropped; the words around it are kept, and the
	 * dropped word still takes a position, so no phrase matches
	 * across it. */
	snprintf(text, sizeof text, "before %s after", word65);
	CHECK_STATUS(tokenize(an, text, &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 2);
	CHECK_TOKEN(&l, 0, "before", LOCI_TOKEN_WORD, 1, 0, 6);
	CHECK_STR_EQ(l.tok[1].term, "after");
	CHECK_UINT_EQ(l.tok[1].position, 3);
	for (size_t i = 0; i < l.n; i++)
		CHECK(l.tok[i].term_len <= LOCI_MAX_TERM);

	/* The limit applies to the normalised term, in bytes: 33 "é" are 66
	 * bytes as typed but 33 once the accent is stripped, so the word is
	 * kept; 33 "ж" stay 66 bytes and the word is dropped. */
	char accented[256] = "", cyrillic[256] = "";
	for (int i = 0; i < 33; i++) {
		strcat(accented, "é");
		strcat(cyrillic, "ж");
	}
	CHECK_STATUS(tokenize(an, accented, &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 1);
	CHECK_UINT_EQ(l.tok[0].term_len, 33);
	CHECK_STATUS(tokenize(an, cyrillic, &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 0);

	/* A compound whose joined term is too long: no COMPOUND token,
	 * but the parts are reported. */
	char part40a[41], part40b[41];
	memset(part40a, 'c', 40);
	part40a[40] = '\0';
	memset(part40b, 'd', 40);
	part40b[40] = '\0';
	snprintf(text, sizeof text, "%s-%s", part40a, part40b);
	CHECK_STATUS(tokenize(an, text, &l), LOCI_OK);
	CHECK_UINT_EQ(l.n, 2);
	CHECK_TOKEN(&l, 0, part40a, LOCI_TOKEN_PART, 1, 0, 40);
	CHECK_TOKEN(&l, 1, part40b, LOCI_TOKEN_PART, 2, 41, 81);
}

/* Capitals, the mark of an acronym that is also a stopword (IS, US). */
static void
test_caps(loci_analyzer *an)
{
	token_list l;
	const bool want[] = { true, false, false, true, false, true, true, false };

	/* IS, us, I, USA, Us, then IS-K: the compound, its parts IS and K. */
	CHECK_STATUS(tokenize(an, "IS us I USA Us IS-K", &l), LOCI_OK);
	if (CHECK_UINT_EQ(l.n, 8)) {
		CHECK_INT_EQ(l.tok[5].kind, LOCI_TOKEN_COMPOUND);
		for (size_t i = 0; i < 8; i++)
			if (i != 5 && i != 7)
				CHECK(l.tok[i].caps == want[i]);
		CHECK(!l.tok[5].caps);	/* "IS-K" holds a hyphen */
		CHECK(l.tok[6].caps);	/* its part "IS" */
		CHECK(!l.tok[7].caps);	/* "K": one letter */
	}
}

int
main(void)
{
	loci_analyzer *an = NULL;

	test_new_and_languages();
	if (CHECK_STATUS(loci_analyzer_new("english", &an), LOCI_OK)) {
		test_normalisation(an);
		test_compounds(an);
		test_numbers_and_positions(an);
		test_invalid_utf8(an);
		test_stop(an);
		test_long_terms(an);
		test_caps(an);
	}
	loci_analyzer_free(an);
	test_stems();
	return check_done();
}
