#include <string.h>

#include "escape.h"
#include "printer.h"

#define INDENT 3
#define SHORT_LINE 60

/* The colours ripgrep users know: path magenta, line green, match red. */
#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_PATH "\033[35m"
#define C_LINE "\033[32m"
#define C_MATCH "\033[1;31m"
#define C_DIM "\033[2m"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_nbsp(const char *s, size_t i, size_t len)
{
	return i + 1 < len && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0;
}

static void
color(printer *p, const char *code)
{
	if (p->color)
		fputs(code, p->out);
}

static void
text_begin(printer *p, const print_query *q)
{
	if (q->id) {
		/* --queries: say which query the hits below answer. */
		color(p, C_BOLD);
		fputs("# ", p->out);
		loci_fputs_escaped(p->out, q->id, strlen(q->id));
		fputs(": ", p->out);
		loci_fputs_escaped(p->out, q->query, strlen(q->query));
		color(p, C_RESET);
		fputc('\n', p->out);
	}
	if (p->explain) {
		fputs("parsed: ", p->out);
		loci_fputs_escaped(p->out, q->parsed, strlen(q->parsed));
		fputs("\n\n", p->out);
	}
	p->hits_written = 0;
}

static size_t
word_width(const char *s, size_t len)
{
	size_t w = 0, n;

	for (size_t i = 0; i < len; i += n)
		w += loci_char_width(s + i, len - i, &n);
	return w;
}

/* Writes the passage with runs of white space made single spaces,
 * wrapped to the printer's width, spans in the match colour. */
static void
write_wrapped(printer *p, const char *prefix, const char *s, size_t len, const span *spans,
	      size_t n_spans)
{
	size_t col = INDENT, sp = 0, line_start = 0;
	bool in_match = false;

	fputs(prefix, p->out);
	for (size_t i = 0; i < len;) {
		if (is_space(s[i])) {
			/* A short line is a heading or question the splitter
			 * joined to its paragraph: keep it on a line of its own.
			 * Hard-wrapped prose has long lines, which run on. */
			if (s[i] == '\n') {
				if (i - line_start < SHORT_LINE && col > INDENT) {
					fprintf(p->out, "\n%s", prefix);
					col = INDENT;
				}
				line_start = i + 1;
			}
			i++;
			continue;
		}
		if (is_nbsp(s, i, len)) {
			i += 2;	/* web pages pad with no-break spaces */
			continue;
		}
		size_t end = i;
		while (end < len && !is_space(s[end]) && !is_nbsp(s, end, len))
			end++;
		size_t w = word_width(s + i, end - i);
		if (col > INDENT) {
			if (col + 1 + w > p->width) {
				fprintf(p->out, "\n%s", prefix);
				col = INDENT;
			} else {
				fputc(' ', p->out);
				col++;
			}
		}
		for (size_t k = i, n; k < end; k += n) {
			while (sp < n_spans && spans[sp].end <= k)
				sp++;
			bool want = sp < n_spans && spans[sp].start <= k;
			if (want != in_match) {
				color(p, want ? C_MATCH : C_RESET);
				in_match = want;
			}
			loci_escape_needed(s + k, end - k, &n);
			loci_fputs_escaped(p->out, s + k, n);
		}
		if (in_match) {
			color(p, C_RESET);
			in_match = false;
		}
		col += w;
		i = end;
	}
	fputc('\n', p->out);
}

static void
text_header(printer *p, const print_hit *ph)
{
	const loci_hit *h = ph->hit;

	color(p, C_BOLD);
	fprintf(p->out, "%u.", ph->rank);
	color(p, C_RESET);
	fputc(' ', p->out);
	color(p, C_PATH);
	loci_fputs_escaped(p->out, h->path, strlen(h->path));
	color(p, C_RESET);
	if (!p->articles) {
		fputc(':', p->out);
		color(p, C_LINE);
		fprintf(p->out, "%u", h->line);
		color(p, C_RESET);
		/* The passage's reference is path#N: what --like and -C take. */
		fprintf(p->out, " #%u", h->ordinal);
	}
	fputs("  ", p->out);
	color(p, C_BOLD);
	loci_fputs_escaped(p->out, h->title, strlen(h->title));
	color(p, C_RESET);
	fputc(' ', p->out);
	if (*h->date || *h->source) {
		/* Where and when, for citing: "[Reuters, 2024-03-25]". */
		color(p, C_DIM);
		fputc('[', p->out);
		loci_fputs_escaped(p->out, h->source, strlen(h->source));
		if (*h->date && *h->source)
			fputs(", ", p->out);
		loci_fputs_escaped(p->out, h->date, strlen(h->date));
		fputs("] ", p->out);
		color(p, C_RESET);
	}
	color(p, C_DIM);
	fprintf(p->out, "(%.2f)", h->score);
	color(p, C_RESET);
	if (p->articles)
		fprintf(p->out, "  %lu matching passage%s", h->more + 1, h->more ? "s" : "");
	fputc('\n', p->out);
}

/* Context passages (-C): marked with a bar, as grep marks context lines
 * apart from matches. */
static void
text_context(printer *p, const loci_hit *hs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		color(p, C_DIM);
		write_wrapped(p, "   | ", hs[i].text, hs[i].text_len, NULL, 0);
		color(p, C_RESET);
	}
}

static void
text_hit(printer *p, const print_query *q, const print_hit *ph)
{
	(void)q;
	if (p->hits_written++ && !p->articles)
		fputc('\n', p->out);
	text_header(p, ph);
	if (p->articles)
		return;
	text_context(p, ph->before, ph->n_before);
	write_wrapped(p, "   ", ph->hit->text, ph->hit->text_len, ph->spans, ph->n_spans);
	text_context(p, ph->after, ph->n_after);
	if (ph->hit->more) {
		color(p, C_DIM);
		fprintf(p->out, "   (+%lu more in this article)\n", ph->hit->more);
		color(p, C_RESET);
	}
}

static void
text_end(printer *p, const print_query *q)
{
	if (q->id)
		fputc('\n', p->out);
}

void
printer_text_init(printer *p, FILE *out, unsigned width, bool color_on, bool explain,
		  bool articles)
{
	*p = (printer){ .begin = text_begin, .hit = text_hit, .end = text_end, .out = out,
			.width = width < INDENT + 20 ? INDENT + 20 : width,
			.color = color_on, .explain = explain, .articles = articles };
}
