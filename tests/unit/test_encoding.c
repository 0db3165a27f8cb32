/* Unit tests of the byte-level checks: UTF-8 validation, Windows-1252
 * decoding, the binary test. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "encoding.h"

/* loci_utf8_valid on a literal, which may hold NUL bytes. */
#define VALID(lit) loci_utf8_valid((lit), sizeof(lit) - 1)

static void
test_utf8_valid(void)
{
	CHECK(loci_utf8_valid("", 0));
	CHECK(VALID("plain ASCII\t\n"));
	CHECK(VALID("a\0b"));			/* NUL is a character */
	CHECK(VALID("\xC3\xA9"));		/* é, 2 bytes */
	CHECK(VALID("\xC2\x80"));		/* U+0080, smallest 2-byte */
	CHECK(VALID("\xDF\xBF"));		/* U+07FF */
	CHECK(VALID("\xE0\xA0\x80"));		/* U+0800, smallest 3-byte */
	CHECK(VALID("\xE6\xBC\xA2"));		/* 漢 */
	CHECK(VALID("\xED\x9F\xBF"));		/* U+D7FF, just below surrogates */
	CHECK(VALID("\xEE\x80\x80"));		/* U+E000, just above */
	CHECK(VALID("\xEF\xBF\xBF"));		/* U+FFFF */
	CHECK(VALID("\xF0\x90\x80\x80"));	/* U+10000, smallest 4-byte */
	CHECK(VALID("\xF0\x9F\x98\x80"));	/* 😀 */
	CHECK(VALID("\xF4\x8F\xBF\xBF"));	/* U+10FFFF, the last */
	CHECK(VALID("Guantánamo “Russia’s” Straße 漢字 😀"));

	/* Overlong forms. */
	CHECK(!VALID("\xC0\xAF"));
	CHECK(!VALID("\xC1\xBF"));
	CHECK(!VALID("\xC0\x80"));		/* "modified UTF-8" NUL */
	CHECK(!VALID("\xE0\x80\xAF"));
	CHECK(!VALID("\xE0\x9F\xBF"));		/* U+07FF in 3 bytes */
	CHECK(!VALID("\xF0\x80\x80\xAF"));
	CHECK(!VALID("\xF0\x8F\xBF\xBF"));	/* U+FFFF in 4 bytes */
	/* Surrogates. */
	CHECK(!VALID("\xED\xA0\x80"));		/* U+D800 */
	CHECK(!VALID("\xED\xBF\xBF"));		/* U+DFFF */
	CHECK(!VALID("\xED\xA0\xBD\xED\xB8\x80"));	/* CESU-8 pair */
	/* Above U+10FFFF. */
	CHECK(!VALID("\xF4\x90\x80\x80"));	/* U+110000 */
	CHECK(!VALID("\xF5\x80\x80\x80"));
	CHECK(!VALID("\xF7\xBF\xBF\xBF"));
	CHECK(!VALID("\xF8\x88\x80\x80\x80"));	/* old 5-byte form */
	CHECK(!VALID("\xFE"));
	CHECK(!VALID("\xFF"));
	/* Truncated sequences, at the end and before another character. */
	CHECK(!VALID("\xC3"));
	CHECK(!VALID("\xE6\xBC"));
	CHECK(!VALID("\xF0\x9F\x98"));
	CHECK(!VALID("abc\xE6\xBC"));
	CHECK(!VALID("\xE6\xBC" "a"));
	CHECK(!VALID("\xC3 "));
	/* A valid character cut by len. */
	CHECK(!loci_utf8_valid("\xE6\xBC\xA2", 2));
	CHECK(loci_utf8_valid("\xE6\xBC\xA2xyz", 3));
	/* Lone and stray continuation bytes. */
	CHECK(!VALID("\x80"));
	CHECK(!VALID("\xBF"));
	CHECK(!VALID("a\x80z"));
	CHECK(!VALID("\xC3\xA9\xA9"));
	/* A bad byte after a good prefix. */
	CHECK(!VALID("Guantánamo \xE9"));	/* Latin-1 é */

	/* Every single byte: only ASCII is valid alone. */
	unsigned wrong = 0;
	for (unsigned b = 0; b < 256; b++) {
		char c = (char)b;
		if (loci_utf8_valid(&c, 1) != (b < 0x80)) {
			NOTE("wrong validity for the single byte 0x%02X", b);
			wrong++;
		}
	}
	CHECK_UINT_EQ(wrong, 0);
}

static void
test_cp1252(void)
{
	char *out = NULL;
	size_t n = 0;

	/* “quoted” in Windows-1252. */
	CHECK_STATUS(loci_cp1252_to_utf8("\x93quoted\x94", 8, &out, &n), LOCI_OK);
	CHECK_MEM_EQ(out, n, "\xE2\x80\x9Cquoted\xE2\x80\x9D");
	CHECK(out && out[n] == '\0');
	free(out);

	CHECK_STATUS(loci_cp1252_to_utf8("caf\xE9", 4, &out, &n), LOCI_OK);
	CHECK_MEM_EQ(out, n, "caf\xC3\xA9");
	free(out);

	/* The five undefined bytes become U+FFFD. */
	static const unsigned char undefined[] = { 0x81, 0x8D, 0x8F, 0x90, 0x9D };
	for (size_t i = 0; i < sizeof undefined; i++) {
		char in = (char)undefined[i];
		CHECK_STATUS(loci_cp1252_to_utf8(&in, 1, &out, &n), LOCI_OK);
		CHECK_MEM_EQ(out, n, "\xEF\xBF\xBD");
		free(out);
	}

	/* Other bytes of 0x80..0x9F, the Latin-1 half and ASCII. */
	CHECK_STATUS(loci_cp1252_to_utf8("\x80\x85\x91\x92\x96\x97\x99\x9F\xA0\xFF a", 12,
					 &out, &n), LOCI_OK);
	CHECK_MEM_EQ(out, n, "€…‘’–—™Ÿ\xC2\xA0ÿ a");
	free(out);

	/* Empty input gives an empty, allocated string. */
	out = NULL;
	CHECK_STATUS(loci_cp1252_to_utf8("", 0, &out, &n), LOCI_OK);
	CHECK(out != NULL);
	CHECK_UINT_EQ(n, 0);
	if (out)
		CHECK_STR_EQ(out, "");
	free(out);

	/* NUL stays NUL, counted in the length. */
	CHECK_STATUS(loci_cp1252_to_utf8("a\0b", 3, &out, &n), LOCI_OK);
	CHECK_UINT_EQ(n, 3);
	CHECK(out && memcmp(out, "a\0b", 4) == 0);
	free(out);

	/* Every byte decodes to valid UTF-8, ASCII to itself. */
	char all[256];
	for (unsigned b = 0; b < 256; b++)
		all[b] = (char)b;
	CHECK_STATUS(loci_cp1252_to_utf8(all, sizeof all, &out, &n), LOCI_OK);
	CHECK(out && loci_utf8_valid(out, n));
	CHECK(out && memcmp(out, all, 128) == 0);
	/* 128 ASCII + 27 defined 0x80..0x9F (3 bytes each, except ƒ ˆ Š Œ
	 * Ž ˜ š œ ž Ÿ: 2 bytes) + 5 U+FFFD (3 bytes) + 96 Latin-1 (2). */
	CHECK_UINT_EQ(n, 128 + (17 * 3 + 10 * 2) + 5 * 3 + 96 * 2);
	free(out);
}

static void
test_binary(void)
{
	static char buf[20000];

	memset(buf, 'a', sizeof buf);
	CHECK(!loci_looks_binary(buf, sizeof buf));
	CHECK(!loci_looks_binary(buf, 0));
	CHECK(!loci_looks_binary("", 0));
	CHECK(loci_looks_binary("\0", 1));
	CHECK(loci_looks_binary("text\0more", 9));
	CHECK(!loci_looks_binary("text\0more", 4));	/* the NUL is past len */

	buf[0] = '\0';
	CHECK(loci_looks_binary(buf, sizeof buf));
	buf[0] = 'a';
	buf[8191] = '\0';	/* the last byte of the first 8 KiB */
	CHECK(loci_looks_binary(buf, sizeof buf));
	buf[8191] = 'a';
	buf[8192] = '\0';	/* the first byte after */
	CHECK(!loci_looks_binary(buf, sizeof buf));
	buf[8192] = 'a';
	buf[sizeof buf - 1] = '\0';
	CHECK(!loci_looks_binary(buf, sizeof buf));

	/* UTF-8 and Windows-1252 text are not binary. */
	static const char mixed[] = "Guantánamo \x93x\x94";
	CHECK(!loci_looks_binary(mixed, sizeof mixed - 1));
}

int
main(void)
{
	test_utf8_valid();
	test_cp1252();
	test_binary();
	return check_done();
}
