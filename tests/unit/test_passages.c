/* Unit tests of the passage splitter, on small made-up texts and on the
 * articles shipped in corpus/. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "encoding.h"
#include "passages.h"

#ifndef LOCI_CORPUS_DIR
#error "LOCI_CORPUS_DIR must name the corpus directory"
#endif

typedef struct {
	const char *text;
	size_t len;
	loci_passage *p;
	size_t n;
} split_result;

static bool
is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of the Unicode white space character at s[0..left), or 0:
 * ASCII space, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
 * U+202F, U+205F, U+3000. */
static size_t
space_len(const char *str, size_t left)
{
	const unsigned char *s = (const unsigned char *)str;

	if (left >= 1 && is_ascii_space((char)s[0]))
		return 1;
	if (left >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
		return 2;
	if (left >= 3 && s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
		return 3;
	if (left >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
		return 3;
	if (left >= 3 && s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
		return 3;
	if (left >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

/* True if s[start..end) ends with a Unicode white space character. */
static bool
ends_with_space(const char *s, size_t start, size_t end)
{
	for (size_t k = 1; k <= 3 && k <= end - start; k++)
		if (space_len(s + end - k, k) == k)
			return true;
	return false;
}

/* The offset of the first character of s[from..to) that is not white
 * space, or to. */
static size_t
only_space(const char *s, size_t from, size_t to)
{
	size_t k = from, n;

	while (k < to && (n = space_len(s + k, to - k)) > 0)
		k += n;
	return k;
}

static unsigned
count_words(const char *s, size_t start, size_t end)
{
	unsigned n = 0;
	bool in_word = false;

	for (size_t i = start; i < end; i++) {
		bool sp = is_ascii_space(s[i]);
		if (!sp && !in_word)
			n++;
		in_word = !sp;
	}
	return n;
}

static unsigned
line_of(const char *s, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* Checks what must hold for any text: passages in order, not
 * overlapping, trimmed, within bounds, numbered 1..n, with the right
 * line, covering every non-space byte.  what names the text in failure
 * messages (NULL: show its start).  Returns false on a failure. */
static bool
check_invariants(const split_result *r, const char *what)
{
	bool ok = true;
	size_t covered_to = 0;

	for (size_t i = 0; i < r->n; i++) {
		const loci_passage *p = &r->p[i];

		ok &= CHECK(p->start < p->end);
		ok &= CHECK(p->end <= r->len);
		ok &= CHECK_UINT_EQ(p->ordinal, i + 1);
		if (i > 0)
			ok &= CHECK(r->p[i - 1].end < p->start);
		if (p->start >= p->end || p->end > r->len)
			break;
		ok &= CHECK_UINT_EQ(p->line, line_of(r->text, p->start));
		if (!CHECK(space_len(r->text + p->start, p->end - p->start) == 0)) {
			NOTE("passage %zu starts with white space", i + 1);
			ok = false;
		}
		if (!CHECK(!ends_with_space(r->text, p->start, p->end))) {
			NOTE("passage %zu (line %u) ends with white space", i + 1, p->line);
			ok = false;
		}
		/* Cuts fall between characters. */
		ok &= CHECK(loci_utf8_valid(r->text + p->start, p->end - p->start) ||
			    !loci_utf8_valid(r->text, r->len));
		/* Nothing but white space between passages. */
		size_t k = only_space(r->text, covered_to, p->start);
		if (!CHECK_UINT_EQ(k, p->start)) {
			NOTE("non-space text before passage %zu, at byte %zu", i + 1, k);
			ok = false;
		}
		covered_to = p->end;
	}
	size_t k = only_space(r->text, covered_to, r->len);
	if (!CHECK_UINT_EQ(k, r->len)) {
		NOTE("non-space text after the last passage, at byte %zu", k);
		ok = false;
	}
	if (!ok) {
		fputs("note: in ", stderr);
		if (what)
			fputs(what, stderr);
		else
			check_print_bytes(r->text, r->len < 60 ? r->len : 60);
		fputc('\n', stderr);
	}
	return ok;
}

static split_result
split_n(const char *text, size_t len)
{
	split_result r = { text, len, NULL, 0 };

	r.n = 12345;
	CHECK_STATUS(loci_split_passages(text, len, &r.p, &r.n), LOCI_OK);
	check_invariants(&r, NULL);
	return r;
}

static split_result
split(const char *text)
{
	return split_n(text, strlen(text));
}

/* Checks passage i: its text and starting line. */
#define CHECK_PASSAGE(r, i, want_line, want_text) do { \
	if (CHECK((i) < (r)->n)) { \
		CHECK_MEM_EQ((r)->text + (r)->p[i].start, (r)->p[i].end - (r)->p[i].start, \
			     want_text); \
		CHECK_UINT_EQ((r)->p[i].line, want_line); \
	} \
} while (0)

/* A line of more than 100 characters: one paragraph per line. */
#define LONG1 "Islamic State has claimed responsibility for the attack, praising the fighters " \
	      "who carried it out in the suburb."
#define LONG2 "Many commentators and officials believe the attackers came from a branch of " \
	      "the group based in Afghanistan."
#define LONG3 "The group was formed at the peak of the expansion of the organisation in 2015 " \
	      "when it was seen as a threat."

static void
test_empty(void)
{
	split_result r = split("");
	CHECK_UINT_EQ(r.n, 0);
	CHECK(r.p == NULL);
	free(r.p);

	r = split(" \n\n\t \r\n  \n");
	CHECK_UINT_EQ(r.n, 0);
	CHECK(r.p == NULL);
	free(r.p);

	r = split_n("anything", 0);
	CHECK_UINT_EQ(r.n, 0);
	free(r.p);

	r = split("x");
	CHECK_UINT_EQ(r.n, 1);
	CHECK_PASSAGE(&r, 0, 1, "x");
	free(r.p);
}

static void
test_one_per_line(void)
{
	CHECK(strlen(LONG1) > 100 && strlen(LONG2) > 100 && strlen(LONG3) > 100);

	split_result r = split(LONG1 "\n" LONG2 "\n" LONG3 "\n");
	CHECK_UINT_EQ(r.n, 3);
	CHECK_PASSAGE(&r, 0, 1, LONG1);
	CHECK_PASSAGE(&r, 1, 2, LONG2);
	CHECK_PASSAGE(&r, 2, 3, LONG3);
	free(r.p);

	/* A short last line does not make the block hard-wrapped. */
	r = split(LONG1 "\n" LONG2 "\nShort last line.");
	CHECK_UINT_EQ(r.n, 3);
	CHECK_PASSAGE(&r, 2, 3, "Short last line.");
	free(r.p);

	/* Neither do short lines among long ones. */
	r = split("Short first line.\n" LONG1 "\nAnother short one.\n" LONG2);
	CHECK_UINT_EQ(r.n, 4);
	CHECK_PASSAGE(&r, 0, 1, "Short first line.");
	CHECK_PASSAGE(&r, 1, 2, LONG1);
	CHECK_PASSAGE(&r, 2, 3, "Another short one.");
	CHECK_PASSAGE(&r, 3, 4, LONG2);
	free(r.p);
}

static void
test_blank_lines(void)
{
	split_result r = split("The first paragraph.\n\nThe second paragraph.\n\n\n\nThe third.\n");
	CHECK_UINT_EQ(r.n, 3);
	CHECK_PASSAGE(&r, 0, 1, "The first paragraph.");
	CHECK_PASSAGE(&r, 1, 3, "The second paragraph.");
	CHECK_PASSAGE(&r, 2, 7, "The third.");
	free(r.p);

	/* White space around paragraphs is trimmed from the ranges; lines
	 * holding only white space are blank. */
	r = split("\n\n   Indented paragraph one.   \n \t \n\t Second one.\t \n\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 0, 3, "Indented paragraph one.");
	CHECK_PASSAGE(&r, 1, 5, "Second one.");
	if (r.n == 2) {
		CHECK_UINT_EQ(r.p[0].start, 5);
		CHECK_UINT_EQ(r.p[0].end, 28);
	}
	free(r.p);

	/* No final newline. */
	r = split("One.\n\nTwo.");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 1, 3, "Two.");
	free(r.p);
}

static void
test_hard_wrapped(void)
{
	const char *text =
		"Even three weeks after the attack on the concert hall near Moscow, the\n"
		"background is still unclear. The headquarters of the group assumed\n"
		"responsibility on March 22, the day of the attack.\n"
		"\n"
		"Between 2017 and 2019, the headquarters lost the territory it\n"
		"controlled in Syria and Iraq.\n";
	split_result r = split(text);
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 0, 1,
		      "Even three weeks after the attack on the concert hall near Moscow, the\n"
		      "background is still unclear. The headquarters of the group assumed\n"
		      "responsibility on March 22, the day of the attack.");
	CHECK_PASSAGE(&r, 1, 5,
		      "Between 2017 and 2019, the headquarters lost the territory it\n"
		      "controlled in Syria and Iraq.");
	free(r.p);

	/* A long first line (a title on one line) is a paragraph of its
	 * own; the hard-wrapped lines below it stay one paragraph. */
	r = split(LONG1 "\nThe lines below it are\nhard-wrapped prose of one\nparagraph.\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 0, 1, LONG1);
	CHECK_PASSAGE(&r, 1, 2, "The lines below it are\nhard-wrapped prose of one\nparagraph.");
	free(r.p);

	/* Line length counts characters, not bytes: Cyrillic lines of 90
	 * characters (about 170 bytes) are hard-wrapped too. */
	char cyr[1024] = "";
	for (int line = 0; line < 3; line++) {
		for (int w = 0; w < 9; w++)
			strcat(cyr, w ? " Крокусхол" : "Крокусхол");	/* 9 letters */
		strcat(cyr, line < 2 ? "\n" : ".\n");
	}
	r = split(cyr);
	CHECK_UINT_EQ(r.n, 1);
	if (r.n == 1)
		CHECK_UINT_EQ(r.p[0].end, strlen(cyr) - 1);
	free(r.p);
}

static void
test_questions_and_headings(void)
{
	/* A question is joined to the paragraph that answers it. */
	split_result r = split("Who is responsible for the attack?\n\n"
			       "Islamic State has claimed it. Experts agree.\n\n"
			       "A second paragraph follows here.\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 0, 1, "Who is responsible for the attack?\n\n"
			  "Islamic State has claimed it. Experts agree.");
	CHECK_PASSAGE(&r, 1, 5, "A second paragraph follows here.");
	free(r.p);

	/* The same in a file with one paragraph per line. */
	r = split("Who is responsible for the attack?\n" LONG1 "\n" LONG2 "\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 0, 1, "Who is responsible for the attack?\n" LONG1);
	CHECK_PASSAGE(&r, 1, 3, LONG2);
	free(r.p);

	/* A short heading without a final period is joined; so are several
	 * in a row. */
	r = split("Background\n\nThe attack happened on March 22 near Moscow.\n\n"
		  "Deep hatred for Putin\n\nSubtitle\n\nThe group has long opposed him.\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 0, 1, "Background\n\nThe attack happened on March 22 near Moscow.");
	CHECK_PASSAGE(&r, 1, 5, "Deep hatred for Putin\n\nSubtitle\n\n"
			  "The group has long opposed him.");
	free(r.p);

	/* A short line that ends a sentence is a paragraph of its own. */
	r = split("It happened.\n\nThe next paragraph.\n");
	CHECK_UINT_EQ(r.n, 2);
	free(r.p);

	/* A line of more than 12 words without a period is no heading. */
	r = split("This line has thirteen words and no final full stop at its end\n\n"
		  "Body text.\n");
	CHECK_UINT_EQ(r.n, 2);
	free(r.p);

	/* A question of more than 60 words does not introduce the next. */
	char q[1024] = "Why";
	for (int i = 0; i < 60; i++)
		strcat(q, " words");
	strcat(q, "?\n\nAnswer.\n");
	r = split(q);
	CHECK_UINT_EQ(r.n, 2);
	free(r.p);

	/* A heading at the very end stays a passage of its own. */
	r = split("Body text.\n\nRelated articles\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 1, 3, "Related articles");
	free(r.p);

	/* A question followed by a no-break space (U+00A0), as web pages
	 * often end lines, is still a question (too long for a heading),
	 * and the space is not part of the passage. */
	r = split("What does the Moscow attack tell us about the terrorism landscape "
		  "in Afghanistan? \xC2\xA0\n\nIt tells us a lot.\xC2\xA0\n");
	CHECK_UINT_EQ(r.n, 1);
	CHECK_PASSAGE(&r, 0, 1, "What does the Moscow attack tell us about the terrorism "
			  "landscape in Afghanistan? \xC2\xA0\n\nIt tells us a lot.");
	free(r.p);
}

static void
test_crlf(void)
{
	split_result r = split("The first paragraph.\r\n\r\nThe second paragraph.\r\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 0, 1, "The first paragraph.");
	CHECK_PASSAGE(&r, 1, 3, "The second paragraph.");
	free(r.p);

	r = split("Who did it?\r\n\r\nThey did.\r\n\r\nHeading\r\n\r\nBody.\r\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 0, 1, "Who did it?\r\n\r\nThey did.");
	CHECK_PASSAGE(&r, 1, 5, "Heading\r\n\r\nBody.");
	free(r.p);

	r = split(LONG1 "\r\n" LONG2 "\r\n");
	CHECK_UINT_EQ(r.n, 2);
	CHECK_PASSAGE(&r, 1, 2, LONG2);
	free(r.p);

	/* Hard-wrapped prose with CRLF: the CR does not count. */
	r = split("short line one\r\nshort line two.\r\n");
	CHECK_UINT_EQ(r.n, 1);
	CHECK_PASSAGE(&r, 0, 1, "short line one\r\nshort line two.");
	free(r.p);
}

/* Appends a sentence of n words ("Wk word word ... end.") to buf. */
static void
add_sentence(char *buf, size_t cap, unsigned n, unsigned k, const char *sep)
{
	size_t len = strlen(buf);

	len += (size_t)snprintf(buf + len, cap - len, "%sSentence%u", len ? sep : "", k);
	for (unsigned i = 1; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len, i + 1 == n ? " end." : " word");
}

/* True if a sentence ends at the end of s[start..end). */
static bool
ends_at_sentence(const char *s, size_t start, size_t end)
{
	return end > start && (s[end - 1] == '.' || s[end - 1] == '!' || s[end - 1] == '?');
}

static void
test_long_paragraph(void)
{
	static char buf[16384];
	unsigned total = 0;

	/* About 400 words in sentences of 7 to 13 words, on one line. */
	buf[0] = '\0';
	for (unsigned k = 0; total < 400; k++) {
		unsigned n = 7 + (k * 5) % 7;
		add_sentence(buf, sizeof buf, n, k, " ");
		total += n;
	}
	split_result r = split(buf);
	CHECK_UINT_EQ(r.n, (total + LOCI_PASSAGE_MAX_WORDS - 1) / LOCI_PASSAGE_MAX_WORDS);
	unsigned sum = 0, min = ~0u, max = 0;
	for (size_t i = 0; i < r.n; i++) {
		unsigned w = count_words(buf, r.p[i].start, r.p[i].end);
		sum += w;
		min = w < min ? w : min;
		max = w > max ? w : max;
		CHECK(ends_at_sentence(buf, r.p[i].start, r.p[i].end));
		CHECK(strncmp(buf + r.p[i].start, "Sentence", 8) == 0);
		CHECK(w <= LOCI_PASSAGE_MAX_WORDS);
		CHECK_UINT_EQ(r.p[i].line, 1);
	}
	CHECK_UINT_EQ(sum, total);
	/* Near-equal: no piece differs from another by more than two
	 * sentences. */
	CHECK(max - min <= 2 * 13);
	free(r.p);

	/* The same hard-wrapped over lines of about 70 characters: pieces
	 * start on the right lines. */
	size_t col = 0;
	for (size_t i = 0; buf[i]; i++) {
		if (buf[i] == ' ' && col > 60) {
			buf[i] = '\n';
			col = 0;
		} else {
			col++;
		}
	}
	r = split(buf);
	CHECK_UINT_EQ(r.n, 3);
	for (size_t i = 0; i < r.n; i++) {
		CHECK(ends_at_sentence(buf, r.p[i].start, r.p[i].end));
		CHECK(count_words(buf, r.p[i].start, r.p[i].end) <= LOCI_PASSAGE_MAX_WORDS);
	}
	if (r.n == 3)
		CHECK(r.p[2].line > r.p[1].line && r.p[1].line > r.p[0].line);
	free(r.p);

	/* Exactly LOCI_PASSAGE_MAX_WORDS words: not cut. */
	buf[0] = '\0';
	for (unsigned k = 0; k < LOCI_PASSAGE_MAX_WORDS / 10; k++)
		add_sentence(buf, sizeof buf, 10, k, " ");
	r = split(buf);
	CHECK_UINT_EQ(r.n, 1);
	free(r.p);

	/* One more word: cut in two. */
	strcat(buf, " More.");
	r = split(buf);
	CHECK_UINT_EQ(r.n, 2);
	free(r.p);

	/* No sentence end at all: cut between words, never inside one,
	 * into pieces of at most twice the limit (passages.c). */
	buf[0] = '\0';
	for (unsigned i = 0; i < 700; i++)
		strcat(buf, i ? " word" : "word");
	r = split(buf);
	CHECK(r.n >= 3);
	unsigned words = 0;
	for (size_t i = 0; i < r.n; i++) {
		unsigned w = count_words(buf, r.p[i].start, r.p[i].end);
		words += w;
		CHECK(w <= 2 * LOCI_PASSAGE_MAX_WORDS);
		CHECK(strncmp(buf + r.p[i].start, "word", 4) == 0);
		CHECK(buf[r.p[i].end - 1] == 'd');
	}
	CHECK_UINT_EQ(words, 700);
	free(r.p);
}

/* Builds a paragraph of `filler` words without a sentence end, then
 * `middle`, then sentences up to about 300 words in all, and splits it.
 * Returns the text of the first passage in first (static). */
static const char *
first_piece(const char *middle, unsigned filler, size_t *n_pieces)
{
	static char buf[16384];
	static char first[16384];

	buf[0] = '\0';
	for (unsigned i = 0; i < filler; i++)
		strcat(buf, i ? " filler" : "filler");
	strcat(buf, " ");
	strcat(buf, middle);
	for (unsigned k = 0; k < 8; k++)
		add_sentence(buf, sizeof buf, 10, k, " ");
	split_result r = split(buf);
	*n_pieces = r.n;
	first[0] = '\0';
	if (r.n > 0) {
		size_t n = r.p[0].end - r.p[0].start;
		memcpy(first, buf + r.p[0].start, n);
		first[n] = '\0';
	}
	free(r.p);
	return first;
}

/* True if s ends with suffix. */
static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void
test_abbreviations(void)
{
	size_t n = 0;
	const char *first;

	/* The filler brings the piece past its target (about 150 words of
	 * 300), so the first sentence end after it is where the cut falls:
	 * abbreviations and initials are not sentence ends. */
	first = first_piece("met the U.S. Army, Dr. Smith, Mr. Jones and J. R. Smith "
			    "in St. Petersburg in Jan. Then it ended.", 150, &n);
	CHECK_UINT_EQ(n, 2);
	if (!CHECK(ends_with(first, " Then it ended.")))
		NOTE("first piece ends: ...%s", first + (strlen(first) > 40 ? strlen(first) - 40 : 0));

	/* A real end is a cut. */
	first = first_piece("met them. Then it ended.", 150, &n);
	CHECK_UINT_EQ(n, 2);
	CHECK(ends_with(first, " met them."));

	/* A lower-case word after a period does not start a sentence. */
	first = first_piece("met the approx. number of 40 and more. Then it ended.", 150, &n);
	CHECK(ends_with(first, " and more."));
	first = first_piece("saw 1.3 million people. Then it ended.", 150, &n);
	CHECK(ends_with(first, " million people."));

	/* Closing quotes and brackets belong to the sentence they end. */
	first = first_piece("said \"it is over.\" Then it ended.", 150, &n);
	CHECK(ends_with(first, "over.\""));
	first = first_piece("said “it is over.” Then it ended.", 150, &n);
	CHECK(ends_with(first, "over.”"));
	first = first_piece("said (it is over.) Then it ended.", 150, &n);
	CHECK(ends_with(first, "over.)"));

	/* An abbreviation right after an opening bracket or quote is still
	 * an abbreviation. */
	first = first_piece("met (Dr. Smith was there) and then it ended.", 150, &n);
	if (!CHECK(ends_with(first, "and then it ended.")))
		NOTE("cut after \"(Dr.\": first piece ends: ...%s",
		     first + (strlen(first) > 40 ? strlen(first) - 40 : 0));
	first = first_piece("said “Mr. Putin is wrong” and then it ended.", 150, &n);
	if (!CHECK(ends_with(first, "and then it ended.")))
		NOTE("cut after \"“Mr.\": first piece ends: ...%s",
		     first + (strlen(first) > 40 ? strlen(first) - 40 : 0));
}

/* Reads a whole file; NULL on failure. */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			char *p = realloc(buf, cap + 1);
			if (!p)
				break;
			buf = p;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void
test_corpus(void)
{
	DIR *d = opendir(LOCI_CORPUS_DIR);
	struct dirent *e;
	unsigned files = 0;

	if (!CHECK(d != NULL))
		return;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		char path[4096];
		size_t len = 0;

		if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", LOCI_CORPUS_DIR, e->d_name);
		char *text = read_file(path, &len);
		if (!CHECK(text != NULL))
			continue;
		files++;
		CHECK(loci_utf8_valid(text, len));

		split_result r = { text, len, NULL, 0 };
		CHECK_STATUS(loci_split_passages(text, len, &r.p, &r.n), LOCI_OK);
		CHECK(r.n >= 5);
		check_invariants(&r, path);
		for (size_t i = 0; i < r.n; i++) {
			unsigned w = count_words(text, r.p[i].start, r.p[i].end);
			if (!CHECK(w >= 1 && w <= LOCI_PASSAGE_MAX_WORDS))
				NOTE("%s: passage %zu has %u words", path, i + 1, w);
		}
		free(r.p);
		free(text);
	}
	closedir(d);
	CHECK(files >= 5);
}

/* The question lines of one shipped article, each expected at the start
 * of the passage that holds its answer. */
static void
test_corpus_questions(void)
{
	static const struct {
		const char *file;
		const char *question;
	} cases[] = {
		{ "iskp-moscow-attack-explainer.txt", "Who is responsible for the attack?" },
		{ "iskp-moscow-attack-explainer.txt", "Why might ISKP launch this kind of attack?" },
		{ "usip-why-isis-k-struck-russia.txt", "How does the Moscow attack impact the Taliban?" },
		{ "stimson-jadoon-iskp-implications.txt",
		  "What does ISKP’s Moscow attack tell us about the terrorism landscape in Afghanistan?" },
		{ "stimson-jadoon-iskp-implications.txt",
		  "How has Russia approached engagement with the Taliban to date, and how might "
		  "this attack change its approach?" },
	};

	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char path[4096];
		size_t len = 0;

		snprintf(path, sizeof path, "%s/%s", LOCI_CORPUS_DIR, cases[c].file);
		char *text = read_file(path, &len);
		if (!CHECK(text != NULL))
			continue;
		text[len] = '\0';
		const char *q = strstr(text, cases[c].question);
		if (CHECK(q != NULL)) {
			size_t qs = (size_t)(q - text), qe = qs + strlen(cases[c].question);
			split_result r = { text, len, NULL, 0 };
			CHECK_STATUS(loci_split_passages(text, len, &r.p, &r.n), LOCI_OK);
			bool found = false;
			for (size_t i = 0; i < r.n; i++) {
				if (r.p[i].start != qs)
					continue;
				found = true;
				/* The passage goes on past the question. */
				if (!CHECK(r.p[i].end > qe + 20))
					NOTE("%s: question \"%s\" is a passage of its own",
					     cases[c].file, cases[c].question);
			}
			CHECK(found);
			free(r.p);
		}
		free(text);
	}
}

int
main(void)
{
	test_empty();
	test_one_per_line();
	test_blank_lines();
	test_hard_wrapped();
	test_questions_and_headings();
	test_crlf();
	test_long_paragraph();
	test_abbreviations();
	test_corpus();
	test_corpus_questions();
	return check_done();
}
