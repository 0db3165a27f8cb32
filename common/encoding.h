/* Byte-level text checks and repairs done before analysis. */
#ifndef LOCI_ENCODING_H
#define LOCI_ENCODING_H

#ifdef __cplusplus
extern "C" {
#endif

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* True if s[0..len) is well-formed UTF-8 (no overlong forms, surrogates
 * or code points above U+10FFFF), the same rules PCRE2 applies. */
bool loci_utf8_valid(const char *s, size_t len);

/* Decodes Windows-1252 (the usual encoding of old news files that are not
 * UTF-8) into newly allocated UTF-8, NUL-terminated.  Bytes that code page
 * leaves undefined become U+FFFD.  *out is owned by the caller (free()).
 * Returns LOCI_OK or LOCI_ERR_NOMEM. */
loci_status loci_cp1252_to_utf8(const char *s, size_t len, char **out, size_t *out_len);

/* True if the first 8 KiB of s hold a NUL byte: the test git and grep use
 * to call a file binary. */
bool loci_looks_binary(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
