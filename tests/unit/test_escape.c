/* Unit tests of terminal-safe printing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "escape.h"

/* Runs loci_fputs_escaped on s[0..len) into a new string (free()). */
static char *
escaped(const char *s, size_t len, size_t *cols)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!CHECK(f != NULL))
		return NULL;
	*cols = loci_fputs_escaped(f, s, len);
	CHECK(fclose(f) == 0);
	return buf;
}

/* Checks that the one character in lit is escaped as want, that
 * loci_escape_needed and loci_char_width agree with the escape's
 * length, and that the whole character or bad byte is consumed. */
#define CHECK_ESCAPE(lit, want_char_len, want) \
	check_escape((lit), sizeof(lit) - 1, (want_char_len), (want), __LINE__)

static void
check_escape(const char *s, size_t len, size_t want_char_len, const char *want, int line)
{
	size_t char_len = 0, cols = 0;
	size_t needed = loci_escape_needed(s, len, &char_len);
	char *out = escaped(s, len, &cols);

	if (!CHECK_UINT_EQ(needed, strlen(want)) || !CHECK_UINT_EQ(char_len, want_char_len) ||
	    !CHECK_STR_EQ(out, want) || !CHECK_UINT_EQ(cols, strlen(want)))
		NOTE("in the CHECK_ESCAPE at line %d", line);
	CHECK_UINT_EQ(loci_char_width(s, len, &char_len), strlen(want));
	free(out);
}

static void
test_unsafe(void)
{
	CHECK_ESCAPE("\x1B", 1, "\\x1B");		/* ESC */
	CHECK_ESCAPE("\x07", 1, "\\x07");		/* BEL */
	CHECK_ESCAPE("\x7F", 1, "\\x7F");		/* DEL */
	CHECK_ESCAPE("\x01", 1, "\\x01");
	CHECK_ESCAPE("\t", 1, "\\x09");
	CHECK_ESCAPE("\n", 1, "\\x0A");
	CHECK_ESCAPE("\r", 1, "\\x0D");
	CHECK_ESCAPE("\x1F", 1, "\\x1F");
	/* C1 controls, as UTF-8: CSI (U+009B) starts a terminal command. */
	CHECK_ESCAPE("\xC2\x9B", 2, "\\u{9B}");
	CHECK_ESCAPE("\xC2\x80", 2, "\\u{80}");
	CHECK_ESCAPE("\xC2\x85", 2, "\\u{85}");	/* NEL */
	CHECK_ESCAPE("\xC2\x9F", 2, "\\u{9F}");
	/* Bidirectional controls. */
	CHECK_ESCAPE("\xE2\x80\xAE", 3, "\\u{202E}");	/* RLO */
	CHECK_ESCAPE("\xE2\x80\xAA", 3, "\\u{202A}");
	CHECK_ESCAPE("\xE2\x81\xA6", 3, "\\u{2066}");	/* LRI */
	CHECK_ESCAPE("\xE2\x81\xA9", 3, "\\u{2069}");	/* PDI */
	CHECK_ESCAPE("\xE2\x80\x8F", 3, "\\u{200F}");	/* RLM */
	CHECK_ESCAPE("\xD8\x9C", 2, "\\u{61C}");	/* ALM */
	/* Bytes that are not UTF-8: one escape per byte. */
	CHECK_ESCAPE("\xFF", 1, "\\xFF");
	CHECK_ESCAPE("\x80", 1, "\\x80");
	CHECK_ESCAPE("\xE9", 1, "\\xE9");
	CHECK_ESCAPE("\xC0", 1, "\\xC0");
}

static void
test_sequences(void)
{
	size_t cols = 0;
	char *out;

	/* A terminal attack: colour, title change, bell, all neutralised. */
	static const char attack[] = "red\x1B[31m title\x1B]0;pwned\x07 end";
	out = escaped(attack, sizeof attack - 1, &cols);
	CHECK_STR_EQ(out, "red\\x1B[31m title\\x1B]0;pwned\\x07 end");
	CHECK(out && !strchr(out, '\x1B') && !strchr(out, '\x07'));
	CHECK_UINT_EQ(cols, out ? strlen(out) : 0);
	free(out);

	/* Invalid sequences: a surrogate, an overlong form, a truncated
	 * character at the end; each byte is escaped, nothing is lost. */
	static const char bad[] = "a\xED\xA0\x80" "b\xC0\xAF" "c\xE6\xBC";
	out = escaped(bad, sizeof bad - 1, &cols);
	CHECK_STR_EQ(out, "a\\xED\\xA0\\x80b\\xC0\\xAFc\\xE6\\xBC");
	CHECK_UINT_EQ(cols, 3 + 7 * 4);
	free(out);

	/* A character cut by len is escaped even if the bytes after it
	 * would complete it. */
	out = escaped("\xE6\xBC\xA2", 2, &cols);
	CHECK_STR_EQ(out, "\\xE6\\xBC");
	free(out);

	/* The right-to-left override inside a file name. */
	static const char rlo[] = "invoice\xE2\x80\xAEgpj.exe";
	out = escaped(rlo, sizeof rlo - 1, &cols);
	CHECK_STR_EQ(out, "invoice\\u{202E}gpj.exe");
	CHECK_UINT_EQ(cols, strlen("invoice\\u{202E}gpj.exe"));
	free(out);

	/* Stops at len: a NUL inside is escaped, not an end. */
	out = escaped("a\0b", 3, &cols);
	CHECK_STR_EQ(out, "a\\x00b");
	free(out);

	out = escaped("", 0, &cols);
	CHECK_STR_EQ(out, "");
	CHECK_UINT_EQ(cols, 0);
	free(out);
}

static void
test_safe(void)
{
	size_t cols = 0, n = 0;
	char *out;

	/* Ordinary text passes unchanged; columns count characters. */
	static const char text[] = "Guantánamo, “Russia’s” Straße — Москва – ok!";
	out = escaped(text, sizeof text - 1, &cols);
	CHECK_STR_EQ(out, text);
	CHECK_UINT_EQ(cols, 44);
	free(out);

	/* Each printable ASCII character is safe and one column wide. */
	unsigned unsafe = 0;
	for (int c = 0x20; c < 0x7F; c++) {
		char ch = (char)c;
		if (loci_escape_needed(&ch, 1, &n) != 0 || n != 1 ||
		    loci_char_width(&ch, 1, &n) != 1)
			unsafe++;
	}
	CHECK_UINT_EQ(unsafe, 0);

	/* U+00A0 (the first character after C1) is safe. */
	CHECK_UINT_EQ(loci_escape_needed("\xC2\xA0", 2, &n), 0);
	CHECK_UINT_EQ(n, 2);

	/* Wide characters: two columns each. */
	CHECK_UINT_EQ(loci_escape_needed("漢", 3, &n), 0);
	CHECK_UINT_EQ(loci_char_width("漢", 3, &n), 2);
	CHECK_UINT_EQ(n, 3);
	CHECK_UINT_EQ(loci_char_width("\xF0\x9F\x98\x80", 4, &n), 2);	/* 😀 */
	CHECK_UINT_EQ(n, 4);
	out = escaped("漢字 ok", strlen("漢字 ok"), &cols);
	CHECK_STR_EQ(out, "漢字 ok");
	CHECK_UINT_EQ(cols, 2 + 2 + 3);
	free(out);

	/* A combining mark takes no column; "é" as e + U+0301 is one. */
	CHECK_UINT_EQ(loci_char_width("\xCC\x81", 2, &n), 0);
	CHECK_UINT_EQ(n, 2);
	out = escaped("e\xCC\x81", 3, &cols);
	CHECK_STR_EQ(out, "e\xCC\x81");
	CHECK_UINT_EQ(cols, 1);
	free(out);

	/* Latin and Cyrillic letters: one column. */
	CHECK_UINT_EQ(loci_char_width("é", 2, &n), 1);
	CHECK_UINT_EQ(loci_char_width("ж", 2, &n), 1);
	CHECK_UINT_EQ(loci_char_width("a", 1, &n), 1);
	CHECK_UINT_EQ(n, 1);
}

int
main(void)
{
	test_unsafe();
	test_sequences();
	test_safe();
	return check_done();
}
