/* A tiny assertion helper for the unit tests.
 *
 * Each CHECK* macro counts one check; a failed check prints file:line,
 * the expression and the values involved, and the test goes on.  main()
 * ends with `return check_done();`, which prints a summary and returns
 * nonzero if any check failed, so meson reports the test as failed.
 *
 * Strings are printed quoted, with control characters, DEL, invalid
 * UTF-8 and invisible characters escaped, so that a failing check shows
 * every byte and never drives the terminal. */
#ifndef LOCI_TEST_CHECK_H
#define LOCI_TEST_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

static unsigned check_count;
static unsigned check_failures;

/* Decodes the UTF-8 character at s[0..left): its length, or 0. */
static inline size_t
check_decode(const unsigned char *s, size_t left, unsigned long *cp)
{
	size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;

	if (n == 0 || n > left || s[0] > 0xF4)
		return 0;
	*cp = s[0] & (0x7F >> n);
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[k] & 0x3F);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) || *cp > 0x10FFFF ||
	    (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return n;
}

/* Prints s[0..len) quoted: control characters, DEL, bytes that are not
 * UTF-8 as \xHH; C1 controls, invisible spaces and format characters as
 * \u{HHHH}; other characters as they are. */
static inline void
check_print_bytes(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;

	if (!s) {
		fputs("(null)", stderr);
		return;
	}
	fputc('"', stderr);
	for (size_t i = 0; i < len;) {
		unsigned long cp = 0;
		size_t n = s[i] < 0x80 ? 1 : check_decode(s + i, len - i, &cp);

		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7F || s[i] == '"' || s[i] == '\\')) {
			fprintf(stderr, "\\x%02X", s[i]);
		} else if (n == 0) {
			fprintf(stderr, "\\x%02X", s[i]);
			n = 1;
		} else if (n > 1 && (cp <= 0xA0 || cp == 0xAD || (cp >= 0x2000 && cp <= 0x200F) ||
				     (cp >= 0x2028 && cp <= 0x202F) || cp == 0x205F ||
				     (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3000 ||
				     cp == 0xFEFF || cp == 0x061C)) {
			fprintf(stderr, "\\u{%lX}", cp);
		} else {
			fwrite(s + i, 1, n, stderr);
		}
		i += n;
	}
	fputc('"', stderr);
}

static inline void
check_print_str(const char *s)
{
	check_print_bytes(s, s ? strlen(s) : 0);
}

static inline bool
check_fail_header(const char *file, int line, const char *expr)
{
	check_failures++;
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
	return false;
}

static inline bool
check_true(bool ok, const char *expr, const char *file, int line)
{
	check_count++;
	if (ok)
		return true;
	return check_fail_header(file, line, expr);
}

static inline bool
check_int_eq(long long got, long long want, const char *expr, const char *file, int line)
{
	check_count++;
	if (got == want)
		return true;
	check_fail_header(file, line, expr);
	fprintf(stderr, "    got:  %lld\n    want: %lld\n", got, want);
	return false;
}

static inline bool
check_uint_eq(unsigned long long got, unsigned long long want, const char *expr,
	      const char *file, int line)
{
	check_count++;
	if (got == want)
		return true;
	check_fail_header(file, line, expr);
	fprintf(stderr, "    got:  %llu\n    want: %llu\n", got, want);
	return false;
}

static inline bool
check_mem_eq(const char *got, size_t got_len, const char *want, size_t want_len,
	     const char *expr, const char *file, int line)
{
	check_count++;
	if (got && want && got_len == want_len && memcmp(got, want, got_len) == 0)
		return true;
	if (!got && !want)
		return true;
	check_fail_header(file, line, expr);
	fputs("    got:  ", stderr);
	check_print_bytes(got, got_len);
	fputs("\n    want: ", stderr);
	check_print_bytes(want, want_len);
	fputc('\n', stderr);
	return false;
}

static inline bool
check_str_eq(const char *got, const char *want, const char *expr, const char *file, int line)
{
	return check_mem_eq(got, got ? strlen(got) : 0, want, want ? strlen(want) : 0, expr,
			    file, line);
}

static inline bool
check_status_eq(loci_status got, loci_status want, const char *expr, const char *file,
		int line)
{
	check_count++;
	if (got == want)
		return true;
	check_fail_header(file, line, expr);
	fprintf(stderr, "    got:  %d (%s)\n    want: %d (%s)\n", (int)got,
		loci_status_to_string(got), (int)want, loci_status_to_string(want));
	return false;
}

/* Prints a note (not a failure) to stderr, e.g. to record what was seen. */
#define NOTE(...) (fputs("note: ", stderr), fprintf(stderr, __VA_ARGS__), fputc('\n', stderr))

#define CHECK(cond) check_true((cond), #cond, __FILE__, __LINE__)
#define CHECK_INT_EQ(got, want) \
	check_int_eq((long long)(got), (long long)(want), #got " == " #want, __FILE__, __LINE__)
#define CHECK_UINT_EQ(got, want) \
	check_uint_eq((unsigned long long)(got), (unsigned long long)(want), \
		      #got " == " #want, __FILE__, __LINE__)
/* Both NUL-terminated (or both NULL). */
#define CHECK_STR_EQ(got, want) \
	check_str_eq((got), (want), #got " == " #want, __FILE__, __LINE__)
/* got has got_len bytes; want is NUL-terminated. */
#define CHECK_MEM_EQ(got, got_len, want) \
	check_mem_eq((got), (got_len), (want), strlen(want), #got " == " #want, \
		     __FILE__, __LINE__)
#define CHECK_STATUS(got, want) \
	check_status_eq((got), (want), #got " == " #want, __FILE__, __LINE__)

static inline int
check_done(void)
{
	fprintf(stderr, "%u checks, %u failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
