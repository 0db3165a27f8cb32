/* Fuzz target: the passage splitter over any bytes.
 *
 * Checked: LOCI_OK (or LOCI_ERR_NOMEM) only; no array exactly when no
 * passage; passages non-empty, inside the text, in text order and
 * non-overlapping; ordinals 1, 2, 3...; each passage's line is the line
 * its first byte is on; passages trimmed of white space and no-break
 * spaces; nothing but white space left between them (no text lost); no
 * passage over 2 * LOCI_PASSAGE_MAX_WORDS words, the splitter's hard cut;
 * and in UTF-8 text, cuts on character boundaries, so that every passage
 * is valid UTF-8 for the indexer. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "passages.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_nbsp(const char *s, size_t len, size_t i)
{
	return i + 1 < len && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0;
}

static unsigned
count_words(const char *s, size_t start, size_t end)
{
	unsigned n = 0;
	bool in_word = false;

	for (size_t i = start; i < end; i++) {
		bool sp = is_space(s[i]);
		if (!sp && !in_word)
			n++;
		in_word = !sp;
	}
	return n;
}

/* Checks that s[from..to) is only white space and no-break spaces. */
static void
check_gap(const char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to;) {
		if (is_space(s[i])) {
			i++;
		} else {
			FUZZ_CHECK(i + 1 < to && is_nbsp(s, to, i));
			i += 2;
		}
	}
}

int
loci_fuzz_passages(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);
	bool valid = fuzz_utf8_valid(text, size);
	loci_passage *ps = (loci_passage *)&ps;	/* must be overwritten */
	size_t n = (size_t)-1;

	loci_status st = loci_split_passages(text, size, &ps, &n);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_NOMEM);
	if (st != LOCI_OK) {
		FUZZ_CHECK(ps == NULL && n == 0);
		free(text);
		return 0;
	}
	FUZZ_CHECK((n == 0) == (ps == NULL));

	size_t prev_end = 0;
	unsigned line = 1;
	for (size_t i = 0; i < n; i++) {
		const loci_passage *p = &ps[i];
		FUZZ_CHECK(p->start < p->end);
		FUZZ_CHECK(p->end <= size);
		FUZZ_CHECK(p->start >= prev_end);
		FUZZ_CHECK(p->ordinal == i + 1);

		/* Nothing lost between passages. */
		check_gap(text, prev_end, p->start);

		/* The line of the first byte. */
		for (size_t k = prev_end; k < p->start; k++)
			line += text[k] == '\n';
		FUZZ_CHECK(p->line == line);
		for (size_t k = p->start; k < p->end; k++)
			line += text[k] == '\n';

		/* Trimmed. */
		FUZZ_CHECK(!is_space(text[p->start]) && !is_nbsp(text, p->end, p->start));
		FUZZ_CHECK(!is_space(text[p->end - 1]));
		FUZZ_CHECK(!(p->end - p->start >= 2 && is_nbsp(text, p->end, p->end - 2)));

		FUZZ_CHECK(count_words(text, p->start, p->end) <= 2 * LOCI_PASSAGE_MAX_WORDS);

		if (valid) {
			FUZZ_CHECK(fuzz_char_boundary(text, size, p->start));
			FUZZ_CHECK(fuzz_char_boundary(text, size, p->end));
			FUZZ_CHECK(fuzz_utf8_valid(text + p->start, p->end - p->start));
		}
		prev_end = p->end;
	}
	check_gap(text, prev_end, size);

	free(ps);
	free(text);
	return 0;
}

FUZZ_TARGET(loci_fuzz_passages)
