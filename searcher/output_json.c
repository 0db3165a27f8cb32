#include <string.h>
#include <utf8proc.h>

#include "printer.h"

/* Writes s as a JSON string.  Bytes that are not UTF-8 (possible in file
 * names) become U+FFFD, so the output always parses. */
static void
json_string(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			switch (c) {
			case '"': fputs("\\\"", f); break;
			case '\\': fputs("\\\\", f); break;
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default:
				if (c < 0x20 || c == 0x7F)
					fprintf(f, "\\u%04x", c);
				else
					fputc(c, f);
			}
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			fputs("\\ufffd", f);
			i++;
		} else {
			fwrite(s + i, 1, (size_t)n, f);
			i += (size_t)n;
		}
	}
	fputc('"', f);
}

static void
json_cstring(FILE *f, const char *s)
{
	json_string(f, s, strlen(s));
}

/* Front-matter fields are null when the article does not have them. */
static void
json_field_or_null(FILE *f, const char *name, const char *value)
{
	fprintf(f, ", \"%s\": ", name);
	if (*value)
		json_cstring(f, value);
	else
		fputs("null", f);
}

static void
json_begin(printer *p, const char *query, const char *parsed, unsigned long total)
{
	if (p->ndjson)
		return;
	fputs("{\"query\": ", p->out);
	json_cstring(p->out, query);
	fputs(", \"parsed\": ", p->out);
	json_cstring(p->out, parsed);
	fprintf(p->out, ", \"total\": %lu, \"hits\": [", total);
}

static void
json_hit(printer *p, unsigned rank, const loci_hit *h, const span *spans, size_t n_spans)
{
	(void)spans;
	(void)n_spans;
	if (!p->ndjson && p->hits_written++)
		fputs(", ", p->out);
	fprintf(p->out, "{\"rank\": %u, \"score\": %.4f, \"path\": ", rank, h->score);
	json_cstring(p->out, h->path);
	fputs(", \"title\": ", p->out);
	json_cstring(p->out, h->title);
	fprintf(p->out, ", \"passage\": %u, \"line\": %u, \"text\": ", h->ordinal, h->line);
	json_string(p->out, h->text, h->text_len);
	json_field_or_null(p->out, "date", h->date);
	json_field_or_null(p->out, "source", h->source);
	json_field_or_null(p->out, "url", h->url);
	json_field_or_null(p->out, "author", h->author);
	fputs(", \"tags\": [", p->out);
	for (const char *t = h->tags; *t;) {
		const char *nl = strchr(t, '\n');
		size_t n = nl ? (size_t)(nl - t) : strlen(t);
		if (t != h->tags)
			fputs(", ", p->out);
		json_string(p->out, t, n);
		t += n + (nl != NULL);
	}
	fputs("]}", p->out);
	if (p->ndjson)
		fputc('\n', p->out);
}

static void
json_end(printer *p)
{
	if (!p->ndjson)
		fputs("]}\n", p->out);
}

void
printer_json_init(printer *p, FILE *out, bool ndjson)
{
	*p = (printer){ .begin = json_begin, .hit = json_hit, .end = json_end,
			.out = out, .ndjson = ndjson };
}
