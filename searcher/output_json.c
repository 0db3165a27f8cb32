#include <stdio.h>
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

/* Optional fields are null when absent. */
static void
json_field_or_null(FILE *f, const char *name, const char *value)
{
	fprintf(f, ", \"%s\": ", name);
	if (value && *value)
		json_cstring(f, value);
	else
		fputs("null", f);
}

static void
json_ref(FILE *f, const loci_hit *h)
{
	char ref[4096];

	hit_reference(h, ref, sizeof ref);
	fputs(", \"ref\": ", f);
	json_cstring(f, ref);
}

static void
json_context(FILE *f, const char *name, const loci_hit *hs, size_t n)
{
	fprintf(f, ", \"%s\": [", name);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s{\"passage\": %u, \"line\": %u", i ? ", " : "", hs[i].ordinal,
			hs[i].line);
		json_ref(f, &hs[i]);
		fputs(", \"text\": ", f);
		json_string(f, hs[i].text, hs[i].text_len);
		fputc('}', f);
	}
	fputc(']', f);
}

static void
json_begin(printer *p, const print_query *q)
{
	p->hits_written = 0;
	if (p->ndjson)
		return;
	fputs("{\"query\": ", p->out);
	json_cstring(p->out, q->query);
	fputs(", \"parsed\": ", p->out);
	json_cstring(p->out, q->parsed);
	fprintf(p->out, ", \"total\": %lu, \"hits\": [", q->total);
}

static void
json_hit(printer *p, const print_query *q, const print_hit *ph)
{
	const loci_hit *h = ph->hit;

	if (!p->ndjson && p->hits_written)
		fputs(", ", p->out);
	p->hits_written++;
	fprintf(p->out, "{\"rank\": %u, \"score\": %.4f, \"path\": ", ph->rank, h->score);
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
	fputc(']', p->out);
	json_ref(p->out, h);
	fprintf(p->out, ", \"more\": %lu", h->more);
	if (ph->n_before || ph->n_after) {
		json_context(p->out, "before", ph->before, ph->n_before);
		json_context(p->out, "after", ph->after, ph->n_after);
	}
	if (p->ndjson && q->id) {
		fputs(", \"query_id\": ", p->out);
		json_cstring(p->out, q->id);
	}
	fputc('}', p->out);
	if (p->ndjson)
		fputc('\n', p->out);
}

static void
json_end(printer *p, const print_query *q)
{
	if (p->ndjson)
		return;
	fputc(']', p->out);
	json_field_or_null(p->out, "suggestion", q->suggestion);
	/* true: nothing matched as typed, the hits are the suggestion's. */
	fprintf(p->out, ", \"corrected\": %s", q->ran_suggestion ? "true" : "false");
	if (q->id) {
		fputs(", \"id\": ", p->out);
		json_cstring(p->out, q->id);
	}
	fputs("}\n", p->out);
}

void
printer_json_init(printer *p, FILE *out, bool ndjson)
{
	*p = (printer){ .begin = json_begin, .hit = json_hit, .end = json_end,
			.out = out, .ndjson = ndjson };
}
