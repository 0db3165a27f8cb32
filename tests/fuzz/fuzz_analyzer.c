/* Fuzz target: the analyser (normalise, tokenise, stem) over any bytes.
 *
 * Input: byte 0 picks the language (see fuzz_language()), byte 1 tells
 * after how many tokens the callback asks to stop (low 4 bits, 0: never),
 * the rest is the text.  Text that is not UTF-8 must be refused as a
 * whole; it is then decoded as Windows-1252, as the indexer does, and
 * that text analysed instead.
 *
 * Checked for every token: a non-empty, NUL-free, valid UTF-8 term of at
 * most LOCI_MAX_TERM bytes; a byte range inside the text, on character
 * boundaries, after the previous token's (parts inside their compound);
 * positions from 1, increasing, a compound at its first part's; hyphens
 * only in compounds; a stem that Xapian can store (Z + stem <= 245
 * bytes), non-empty and valid UTF-8.  And: no token after the callback
 * asked to stop, and the encoding checks agree with an independent one. */
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "fuzz.h"

/* Xapian refuses terms longer than this. */
#define XAPIAN_MAX_TERM 245

typedef struct {
	loci_analyzer *an;
	const char *text;
	size_t len;
	unsigned stop_after;	/* 0: never */
	unsigned count;
	bool stopped;
	unsigned last_pos;	/* of the last word or part */
	size_t last_end;	/* of the last word, compound or lone part */
	bool in_compound;
	size_t comp_start, comp_end;
	unsigned comp_pos;
	size_t last_part_end;
} tok_ctx;

static bool
has_hyphen(const char *s, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++) {
		if (s[i] == '-')
			return true;
		if (i + 2 < end && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0x90 || (unsigned char)s[i + 2] == 0x91))
			return true;
	}
	return false;
}

static int
check_token(void *ctx, const loci_token *t)
{
	tok_ctx *c = ctx;

	FUZZ_CHECK(!c->stopped);
	c->count++;

	/* The term. */
	FUZZ_CHECK(t->term != NULL);
	FUZZ_CHECK(t->term_len > 0);
	FUZZ_CHECK(t->term_len <= LOCI_MAX_TERM);
	FUZZ_CHECK(strlen(t->term) == t->term_len);
	FUZZ_CHECK(fuzz_utf8_valid(t->term, t->term_len));

	/* The byte range. */
	FUZZ_CHECK(t->start < t->end);
	FUZZ_CHECK(t->end <= c->len);
	FUZZ_CHECK(fuzz_char_boundary(c->text, c->len, t->start));
	FUZZ_CHECK(fuzz_char_boundary(c->text, c->len, t->end));
	FUZZ_CHECK(t->position >= 1);

	switch (t->kind) {
	case LOCI_TOKEN_WORD:
		FUZZ_CHECK(!has_hyphen(c->text, t->start, t->end));
		FUZZ_CHECK(t->start >= c->last_end);
		FUZZ_CHECK(t->position > c->last_pos);
		c->last_end = t->end;
		c->last_pos = t->position;
		c->in_compound = false;
		break;
	case LOCI_TOKEN_COMPOUND:
		FUZZ_CHECK(has_hyphen(c->text, t->start, t->end));
		FUZZ_CHECK(t->start >= c->last_end);
		FUZZ_CHECK(t->position > c->last_pos);
		c->last_end = t->end;
		c->in_compound = true;
		c->comp_start = t->start;
		c->comp_end = t->end;
		c->comp_pos = t->position;
		c->last_part_end = t->start;
		break;
	case LOCI_TOKEN_PART:
		FUZZ_CHECK(!has_hyphen(c->text, t->start, t->end));
		FUZZ_CHECK(t->position > c->last_pos);
		if (c->in_compound && t->start < c->comp_end) {
			FUZZ_CHECK(t->start >= c->comp_start && t->end <= c->comp_end);
			FUZZ_CHECK(t->start >= c->last_part_end);
			FUZZ_CHECK(t->position >= c->comp_pos);
			/* The compound shares its first part's position. */
			FUZZ_CHECK(t->start != c->comp_start || t->position == c->comp_pos);
			c->last_part_end = t->end;
		} else {
			/* A part of a compound too long to be a term. */
			c->in_compound = false;
			FUZZ_CHECK(t->start >= c->last_end);
			c->last_end = t->end;
		}
		c->last_pos = t->position;
		break;
	default:
		FUZZ_CHECK(!"unknown token kind");
	}

	/* The stem, as the indexer and the query parser take it. */
	size_t stem_len = 0;
	const char *stem = loci_analyzer_stem(c->an, t->term, t->term_len, &stem_len);
	FUZZ_CHECK(stem != NULL);
	FUZZ_CHECK(stem_len > 0);
	FUZZ_CHECK(1 + stem_len <= XAPIAN_MAX_TERM);
	FUZZ_CHECK(fuzz_utf8_valid(stem, stem_len));

	if (c->stop_after && c->count == c->stop_after) {
		c->stopped = true;
		return 1;
	}
	return 0;
}

static void
check_tokenize(loci_analyzer *an, const char *text, size_t len, unsigned stop_after)
{
	tok_ctx c = { .an = an, .text = text, .len = len, .stop_after = stop_after };
	bool valid = fuzz_utf8_valid(text, len);

	FUZZ_CHECK(loci_utf8_valid(text, len) == valid);
	loci_status st = loci_analyzer_tokenize(an, text, len, check_token, &c);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_UTF8, LOCI_ERR_NOMEM);
	FUZZ_CHECK((st == LOCI_ERR_UTF8) == !valid);
	if (!valid)
		FUZZ_CHECK(c.count == 0);
	if (stop_after && st == LOCI_OK)
		FUZZ_CHECK(c.count <= stop_after);
}

int
loci_fuzz_analyzer(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;

	loci_analyzer *an = fuzz_analyzer(fuzz_language(data[0]));
	unsigned stop_after = data[1] & 0x0F;
	size_t len = size - 2;
	char *text = fuzz_copy(data + 2, len);

	check_tokenize(an, text, len, stop_after);

	if (!fuzz_utf8_valid(text, len)) {
		/* What the indexer does with a file that is not UTF-8. */
		char *dec = NULL;
		size_t dec_len = 0;
		loci_status st = loci_cp1252_to_utf8(text, len, &dec, &dec_len);
		FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_NOMEM);
		if (st == LOCI_OK) {
			FUZZ_CHECK(dec != NULL && dec[dec_len] == '\0');
			FUZZ_CHECK(dec_len >= len);
			FUZZ_CHECK(fuzz_utf8_valid(dec, dec_len));
			check_tokenize(an, dec, dec_len, stop_after);
		}
		free(dec);
	}
	free(text);
	return 0;
}

FUZZ_TARGET(loci_fuzz_analyzer)
