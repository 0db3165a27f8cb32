/* Line formats for other programs: tsv, trec, vimgrep. */
#include <string.h>

#include "escape.h"
#include "printer.h"

void
hit_reference(const loci_hit *h, char *buf, size_t size)
{
	snprintf(buf, size, "%s#%u", h->path, h->ordinal);
}

/* A TSV field: tabs, newlines and backslashes escaped, so one record is
 * one line. */
static void
tsv_field(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\\': fputs("\\\\", f); break;
		default: fputc(s[i], f);
		}
	}
}

static void
lines_begin(printer *p, const print_query *q)
{
	(void)p;
	(void)q;
}

static void
lines_end(printer *p, const print_query *q)
{
	(void)p;
	(void)q;
}

static void
tsv_hit(printer *p, const print_query *q, const print_hit *ph)
{
	const loci_hit *h = ph->hit;
	const char *id = q->id ? q->id : "1";

	tsv_field(p->out, id, strlen(id));
	fprintf(p->out, "\t%u\t%.4f\t", ph->rank, h->score);
	tsv_field(p->out, h->path, strlen(h->path));
	fprintf(p->out, "\t%u\t%u\t", h->line, h->ordinal);
	tsv_field(p->out, h->title, strlen(h->title));
	fputc('\t', p->out);
	tsv_field(p->out, h->text, h->text_len);
	fputc('\n', p->out);
}

/* trec_eval's run format; the document id is the article's file name
 * without its directory and extension. */
static void
trec_hit(printer *p, const print_query *q, const print_hit *ph)
{
	const loci_hit *h = ph->hit;
	const char *base = strrchr(h->path, '/');
	base = base ? base + 1 : h->path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);

	fprintf(p->out, "%s Q0 %.*s %u %.6f loci\n", q->id ? q->id : "1", (int)n, base,
		ph->rank, h->score);
}

/* "path:line:col:text" of the first match, as grep -n --column and
 * vim's quickfix list read it. */
static void
vimgrep_hit(printer *p, const print_query *q, const print_hit *ph)
{
	const loci_hit *h = ph->hit;
	size_t at = ph->n_spans ? ph->spans[0].start : 0;
	size_t line_start = at;
	unsigned line = h->line;

	(void)q;
	while (line_start > 0 && h->text[line_start - 1] != '\n')
		line_start--;
	for (size_t i = 0; i < line_start; i++)
		line += h->text[i] == '\n';
	const char *nl = memchr(h->text + line_start, '\n', h->text_len - line_start);
	size_t line_end = nl ? (size_t)(nl - h->text) : h->text_len;

	loci_fputs_escaped(p->out, h->path, strlen(h->path));
	fprintf(p->out, ":%u:%zu:", line, at - line_start + 1);
	loci_fputs_escaped(p->out, h->text + line_start, line_end - line_start);
	fputc('\n', p->out);
}

void
printer_lines_init(printer *p, FILE *out, output_format format)
{
	*p = (printer){ .begin = lines_begin, .end = lines_end, .out = out };
	p->hit = format == FORMAT_TSV ? tsv_hit : format == FORMAT_TREC ? trec_hit : vimgrep_hit;
}
