/* Writing untrusted text (article text, titles, file names) to a
 * terminal without letting it drive the terminal. */
#ifndef LOCI_ESCAPE_H
#define LOCI_ESCAPE_H

#include <stdio.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Length of the escape that replaces the character at s[0..left), or 0
 * if the character is safe to print as is.  Unsafe: C0 and C1 controls,
 * DEL, bytes that are not UTF-8, and the Unicode bidirectional controls
 * (which can make a terminal show text in another order than it is).
 * *char_len receives the length of the character or bad byte. */
size_t loci_escape_needed(const char *s, size_t left, size_t *char_len);

/* Writes s[0..len) to f with every unsafe character shown as \xHH or
 * \u{HHHH} (see loci_escape_needed).  Returns the columns written,
 * counting each safe character's display width. */
size_t loci_fputs_escaped(FILE *f, const char *s, size_t len);

/* Display width in columns of the character at s[0..left): 0 for marks,
 * 2 for wide East Asian characters, the escape's length for unsafe
 * characters.  *char_len receives the character's length in bytes. */
size_t loci_char_width(const char *s, size_t left, size_t *char_len);

#ifdef __cplusplus
}
#endif

#endif
