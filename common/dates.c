#include "dates.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

char *
loci_date_sortable(const char *s)
{
	char out[32];
	size_t n = strlen(s);
	int y, m = 0, d = 0, hh = -1, mm = 0, ss = 0;

	if (n < 4 || (y = digits(s, 4)) < 0)
		return NULL;
	if (n == 4)
		goto done;
	if (s[4] != '-' || n < 7 || (m = digits(s + 5, 2)) < 1 || m > 12)
		return NULL;
	if (n == 7)
		goto done;
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (s[7] != '-' || n < 10 || (d = digits(s + 8, 2)) < 1 || d > days[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return NULL;
	if (n == 10)
		goto done;
	/* A time, as "T12:30", "T12:30:05" or with a space; a zone suffix
	 * (Z, +02:00) is accepted and the local time kept as written. */
	if ((s[10] != 'T' && s[10] != ' ') || n < 16 || (hh = digits(s + 11, 2)) < 0 ||
	    hh > 23 || s[13] != ':' || (mm = digits(s + 14, 2)) < 0 || mm > 59)
		return NULL;
	size_t i = 16;
	if (n >= 19 && s[16] == ':') {
		if ((ss = digits(s + 17, 2)) < 0 || ss > 60)
			return NULL;
		i = 19;
		if (i < n && s[i] == '.')
			for (i++; i < n && isdigit((unsigned char)s[i]); i++)
				;
	}
	if (i < n && !(s[i] == 'Z' && i + 1 == n) &&
	    !((s[i] == '+' || s[i] == '-') && (n - i == 6 || n - i == 5 || n - i == 3)))
		return NULL;
done:
	if (!m)
		snprintf(out, sizeof out, "%04d", y);
	else if (!d)
		snprintf(out, sizeof out, "%04d-%02d", y, m);
	else if (hh < 0)
		snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
	else
		snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, hh, mm, ss);
	return strdup(out);
}
