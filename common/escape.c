#include "escape.h"

#include <stdbool.h>
#include <utf8proc.h>

/* Decodes one character; returns its length, or 0 if s does not start a
 * valid UTF-8 sequence. */
static size_t
decode(const char *s, size_t left, utf8proc_int32_t *cp)
{
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s,
					      left < 4 ? (utf8proc_ssize_t)left : 4, cp);
	return n > 0 ? (size_t)n : 0;
}

static bool
is_bidi_control(utf8proc_int32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

size_t
loci_escape_needed(const char *s, size_t left, size_t *char_len)
{
	unsigned char c = (unsigned char)s[0];
	utf8proc_int32_t cp;

	if (c < 0x80) {
		*char_len = 1;
		return (c < 0x20 || c == 0x7F) ? 4 : 0;	/* \xHH */
	}
	size_t n = decode(s, left, &cp);
	if (n == 0) {
		*char_len = 1;
		return 4;
	}
	*char_len = n;
	if (cp >= 0x80 && cp <= 0x9F)
		return 4 + 2;	/* \u{HH} */
	if (is_bidi_control(cp))
		return cp > 0xFFF ? 4 + 4 : 4 + 3;
	return 0;
}

size_t
loci_char_width(const char *s, size_t left, size_t *char_len)
{
	size_t esc = loci_escape_needed(s, left, char_len);
	utf8proc_int32_t cp;

	if (esc)
		return esc;
	if (*char_len == 1)
		return 1;
	decode(s, left, &cp);
	int w = utf8proc_charwidth(cp);
	return w < 0 ? 1 : (size_t)w;
}

size_t
loci_fputs_escaped(FILE *f, const char *s, size_t len)
{
	size_t cols = 0;

	for (size_t i = 0; i < len;) {
		size_t n;
		size_t w = loci_char_width(s + i, len - i, &n);
		if (loci_escape_needed(s + i, len - i, &n)) {
			utf8proc_int32_t cp;
			if (n == 1)
				fprintf(f, "\\x%02X", (unsigned char)s[i]);
			else if (decode(s + i, len - i, &cp))
				fprintf(f, "\\u{%X}", (unsigned)cp);
		} else {
			fwrite(s + i, 1, n, f);
		}
		cols += w;
		i += n;
	}
	return cols;
}
