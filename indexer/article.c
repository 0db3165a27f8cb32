#include "article.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "encoding.h"

/* Titles are shown on one line; anything longer is not a title. */
#define TITLE_MAX 200

static char *
first_line(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t a = i, b = end;

		while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
			a++;
		/* A Markdown heading's marks are not part of its title. */
		while (a < b && s[a] == '#')
			a++;
		while (a < b && (s[a] == ' ' || s[a] == '\t'))
			a++;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
			b--;
		if (a < b) {
			if (b - a > TITLE_MAX) {
				b = a + TITLE_MAX;
				/* Do not cut a UTF-8 sequence in two. */
				while (b > a && ((unsigned char)s[b] & 0xC0) == 0x80)
					b--;
			}
			return strndup(s + a, b - a);
		}
		i = end + 1;
	}
	return strdup("");
}

/* FNV-1a, 64 bits: enough to tell a changed file from an unchanged one
 * (it guards no secret), and fast. */
static void
content_hash(const char *s, size_t len, char out[17])
{
	unsigned long long h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 17, "%016llx", h);
}

article_status
article_read(const char *path, size_t max_size, article *a)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	char *buf;
	size_t len = 0, cap;

	memset(a, 0, sizeof *a);
	if (!f)
		return ARTICLE_UNREADABLE;
	if (fstat(fileno(f), &sb) != 0) {
		int e = errno;
		fclose(f);
		errno = e;
		return ARTICLE_UNREADABLE;
	}
	if ((unsigned long long)sb.st_size > max_size) {
		fclose(f);
		return ARTICLE_TOO_LARGE;
	}
	cap = (size_t)sb.st_size + 1;
	if (!(buf = malloc(cap))) {
		fclose(f);
		return ARTICLE_NOMEM;
	}
	/* The file may grow while we read it: read to EOF, within max_size. */
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (len + 1 == cap) {
			if (len >= max_size) {
				free(buf);
				fclose(f);
				return ARTICLE_TOO_LARGE;
			}
			char *p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				fclose(f);
				return ARTICLE_NOMEM;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		int e = errno;
		free(buf);
		fclose(f);
		errno = e ? e : EIO;
		return ARTICLE_UNREADABLE;
	}
	fclose(f);
	buf[len] = '\0';
	content_hash(buf, len, a->hash);

	if (loci_looks_binary(buf, len)) {
		free(buf);
		return ARTICLE_BINARY;
	}
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		memmove(buf, buf + 3, len - 2);
		len -= 3;
	}
	if (!loci_utf8_valid(buf, len)) {
		char *utf8;
		size_t ulen;
		if (loci_cp1252_to_utf8(buf, len, &utf8, &ulen) != LOCI_OK) {
			free(buf);
			return ARTICLE_NOMEM;
		}
		free(buf);
		buf = utf8;
		len = ulen;
		a->was_cp1252 = true;
	}
	a->text = buf;
	a->len = len;
	loci_status st = loci_front_matter_parse(buf, len, &a->meta, &a->meta_problem);
	if (st == LOCI_ERR_NOMEM) {
		article_free(a);
		return ARTICLE_NOMEM;
	}
	size_t body = a->meta.body_offset;
	a->title = a->meta.title && *a->meta.title ? first_line(a->meta.title, strlen(a->meta.title))
						   : first_line(buf + body, len - body);
	if (!a->title) {
		article_free(a);
		return ARTICLE_NOMEM;
	}
	return ARTICLE_OK;
}

void
article_free(article *a)
{
	free(a->text);
	free(a->title);
	free(a->meta_problem);
	loci_front_matter_free(&a->meta);
	memset(a, 0, sizeof *a);
}
