#include "encoding.h"

#include <stdlib.h>
#include <string.h>

bool
loci_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

/* Code points of bytes 0x80..0x9F in Windows-1252; 0 marks the five
 * bytes the code page leaves undefined.  0xA0..0xFF equal Latin-1. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

loci_status
loci_cp1252_to_utf8(const char *str, size_t len, char **out, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)str;
	/* Every byte becomes at most 3 bytes of UTF-8. */
	char *buf = malloc(len * 3 + 1);
	size_t o = 0;

	if (!buf)
		return LOCI_ERR_NOMEM;
	for (size_t i = 0; i < len; i++) {
		unsigned cp = s[i];

		if (cp >= 0x80 && cp <= 0x9F)
			cp = cp1252_high[cp - 0x80] ? cp1252_high[cp - 0x80] : 0xFFFD;
		if (cp < 0x80) {
			buf[o++] = (char)cp;
		} else if (cp < 0x800) {
			buf[o++] = (char)(0xC0 | (cp >> 6));
			buf[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			buf[o++] = (char)(0xE0 | (cp >> 12));
			buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			buf[o++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	buf[o] = '\0';
	*out = buf;
	*out_len = o;
	return LOCI_OK;
}

bool
loci_looks_binary(const char *s, size_t len)
{
	return memchr(s, '\0', len < 8192 ? len : 8192) != NULL;
}
