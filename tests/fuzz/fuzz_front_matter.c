/* Fuzz target: the YAML front-matter parser and loci_date_sortable().
 *
 * Input: the start of an article, any bytes.
 *
 * Checked: only LOCI_OK, LOCI_ERR_INVALID (with a problem) and
 * LOCI_ERR_NOMEM; a problem exactly with LOCI_ERR_INVALID; without a
 * block, nothing read and the body at byte 0, line 1; with one, the text
 * starting with "---", the body inside the text and its line the line of
 * body_offset; a date only with its sortable form, which has one of the
 * documented shapes and is its own sortable form; tags non-empty and
 * trimmed; in UTF-8 input, every field valid UTF-8.  The whole input is
 * then given to loci_date_sortable() (up to a NUL) with the same checks. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "front_matter.h"
#include "fuzz.h"

/* "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS", in range. */
static bool
sortable_shape(const char *s)
{
	static const char *const shapes[] = {
		"dddd", "dddd-dd", "dddd-dd-dd", "dddd-dd-ddTdd:dd:dd", NULL
	};
	size_t n = strlen(s);

	for (const char *const *sh = shapes; *sh; sh++) {
		if (strlen(*sh) != n)
			continue;
		bool ok = true;
		for (size_t i = 0; i < n && ok; i++)
			ok = (*sh)[i] == 'd' ? isdigit((unsigned char)s[i]) != 0 : (*sh)[i] == s[i];
		if (!ok)
			continue;
		int m = n >= 7 ? (s[5] - '0') * 10 + (s[6] - '0') : 1;
		int d = n >= 10 ? (s[8] - '0') * 10 + (s[9] - '0') : 1;
		int hh = n >= 13 ? (s[11] - '0') * 10 + (s[12] - '0') : 0;
		int mm = n >= 16 ? (s[14] - '0') * 10 + (s[15] - '0') : 0;
		int ss = n >= 19 ? (s[17] - '0') * 10 + (s[18] - '0') : 0;
		return m >= 1 && m <= 12 && d >= 1 && d <= 31 && hh <= 23 && mm <= 59 && ss <= 60;
	}
	return false;
}

static void
check_sortable(const char *date)
{
	char *s = loci_date_sortable(date);

	if (!s)
		return;
	FUZZ_CHECK(sortable_shape(s));
	/* The year, month and day are the ones written. */
	FUZZ_CHECK(strncmp(s, date, strlen(s) < 10 ? strlen(s) : 10) == 0);
	char *again = loci_date_sortable(s);
	FUZZ_CHECK(again != NULL && strcmp(again, s) == 0);
	free(again);
	free(s);
}

static void
check_field(const char *f, bool valid)
{
	if (!f)
		return;
	if (valid)
		FUZZ_CHECK(fuzz_utf8_valid(f, strlen(f)));
}

int
loci_fuzz_front_matter(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);
	bool valid = fuzz_utf8_valid(text, size);
	loci_front_matter fm;
	char *problem = (char *)&fm;	/* must be overwritten */

	loci_status st = loci_front_matter_parse(text, size, &fm, &problem);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_INVALID, LOCI_ERR_NOMEM);
	FUZZ_CHECK((problem != NULL) == (st == LOCI_ERR_INVALID));
	if (problem)
		FUZZ_CHECK(*problem != '\0');

	if (!fm.present) {
		FUZZ_CHECK(st == LOCI_OK);
		FUZZ_CHECK(fm.body_offset == 0 && fm.body_line == 1);
		FUZZ_CHECK(!fm.title && !fm.date && !fm.date_sortable && !fm.source && !fm.url &&
			   !fm.author && !fm.tags && fm.n_tags == 0);
	} else {
		FUZZ_CHECK(size >= 4 && memcmp(text, "---", 3) == 0);
		FUZZ_CHECK(fm.body_offset > 3 && fm.body_offset <= size);
		FUZZ_CHECK(fm.body_line >= 2);
		if (fm.body_offset < size) {
			unsigned line = 1;
			for (size_t i = 0; i < fm.body_offset; i++)
				line += text[i] == '\n';
			FUZZ_CHECK(fm.body_line == line);
			FUZZ_CHECK(text[fm.body_offset - 1] == '\n');
		}
	}

	FUZZ_CHECK((fm.date != NULL) == (fm.date_sortable != NULL));
	if (fm.date_sortable) {
		FUZZ_CHECK(sortable_shape(fm.date_sortable));
		char *again = loci_date_sortable(fm.date);
		FUZZ_CHECK(again != NULL && strcmp(again, fm.date_sortable) == 0);
		free(again);
	}
	check_field(fm.title, valid);
	check_field(fm.date, valid);
	check_field(fm.source, valid);
	check_field(fm.url, valid);
	check_field(fm.author, valid);
	FUZZ_CHECK((fm.n_tags == 0) == (fm.tags == NULL));
	for (size_t i = 0; i < fm.n_tags; i++) {
		const char *t = fm.tags[i];
		size_t n = strlen(t);
		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(!isspace((unsigned char)t[0]) && !isspace((unsigned char)t[n - 1]));
		check_field(t, valid);
	}
	loci_front_matter_free(&fm);
	free(problem);

	/* The date parser alone, over the whole input as a string. */
	char *date = malloc(size + 1);
	if (!date)
		abort();
	memcpy(date, data, size);
	date[size] = '\0';
	check_sortable(date);
	free(date);
	free(text);
	return 0;
}

FUZZ_TARGET(loci_fuzz_front_matter)
