#include "passages.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Lines of hard-wrapped prose are rarely longer than this; a file with
 * longer lines puts one paragraph on each. */
#define WRAPPED_LINE_MAX 100
/* A line this short that does not end a sentence is a heading. */
#define HEADING_MAX_WORDS 12
/* A question up to this long introduces the paragraph that answers it. */
#define QUESTION_MAX_WORDS 60
/* A sentence longer than this is cut between words. */
#define SENTENCE_MAX_WORDS (2 * LOCI_PASSAGE_MAX_WORDS)

typedef struct {
	size_t start, end;	/* end excludes the line break */
	unsigned line;
	size_t chars;		/* code points, for the hard-wrap test */
	bool blank;
} line_info;

typedef struct {
	size_t start, end;
	unsigned line;
	unsigned words;
} para;

typedef struct {
	loci_passage *items;
	size_t count, cap;
} passage_vec;

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static unsigned
count_words(const char *s, size_t start, size_t end)
{
	unsigned n = 0;
	bool in_word = false;

	for (size_t i = start; i < end; i++) {
		bool sp = is_space(s[i]);
		if (!sp && !in_word)
			n++;
		in_word = !sp;
	}
	return n;
}

static bool
is_nbsp_at(const char *s, size_t i, size_t end)
{
	return i + 1 < end && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0;
}

/* Trims ASCII white space and no-break spaces (U+00A0), which web pages
 * leave at the ends of lines. */
static void
trim(const char *s, size_t *start, size_t *end)
{
	for (;;) {
		if (*start < *end && is_space(s[*start]))
			(*start)++;
		else if (is_nbsp_at(s, *start, *end))
			*start += 2;
		else
			break;
	}
	for (;;) {
		if (*end > *start && is_space(s[*end - 1]))
			(*end)--;
		else if (*end >= *start + 2 && is_nbsp_at(s, *end - 2, *end))
			*end -= 2;
		else
			break;
	}
}

static bool
push(passage_vec *v, size_t start, size_t end, unsigned line)
{
	if (v->count == v->cap) {
		size_t n = v->cap ? v->cap * 2 : 16;
		loci_passage *p = realloc(v->items, n * sizeof *p);
		if (!p)
			return false;
		v->items = p;
		v->cap = n;
	}
	v->items[v->count] = (loci_passage){ start, end, line, (unsigned)v->count + 1 };
	v->count++;
	return true;
}

/* A position in the text and the number of its line, moved forward only,
 * so that numbering the pieces of a long paragraph stays linear. */
typedef struct {
	size_t at;
	unsigned line;
} line_cursor;

static unsigned
line_at(const char *s, line_cursor *c, size_t off)
{
	for (; c->at < off; c->at++)
		if (s[c->at] == '\n')
			c->line++;
	return c->line;
}

static bool
is_abbreviation(const char *s, size_t word_start, size_t dot)
{
	static const char *const abbr[] = {
		"Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Gen", "Col", "Lt", "Sgt",
		"Capt", "Sen", "Rep", "Gov", "Jr", "Sr", "No", "vs", "etc", "e.g", "i.e",
		"approx", "Inc", "Ltd", "Co", "Jan", "Feb", "Mar", "Apr", "Aug",
		"Sept", "Sep", "Oct", "Nov", "Dec", NULL
	};
	/* Opening brackets and quotes are not part of the word: "(Dr." */
	for (;;) {
		char c = s[word_start];
		if (word_start < dot && (c == '(' || c == '[' || c == '"' || c == '\''))
			word_start++;
		else if (word_start + 3 <= dot && (unsigned char)c == 0xE2 &&
			 (unsigned char)s[word_start + 1] == 0x80 &&
			 ((unsigned char)s[word_start + 2] == 0x9C ||
			  (unsigned char)s[word_start + 2] == 0x98))
			word_start += 3;	/* “ or ‘ */
		else
			break;
	}
	size_t n = dot - word_start;

	/* Initials and dotted acronyms: "J.", "U.S." */
	if (n == 1 || (n >= 2 && s[dot - 2] == '.'))
		return true;
	for (const char *const *a = abbr; *a; a++)
		if (strlen(*a) == n && memcmp(*a, s + word_start, n) == 0)
			return true;
	return false;
}

/* If a sentence ends at s[i] (one of . ! ?), returns the offset where the
 * next sentence starts; otherwise 0. */
static size_t
sentence_break(const char *s, size_t start, size_t end, size_t i)
{
	size_t j = i + 1;

	if (s[i] == '.') {
		size_t w = i;
		while (w > start && !is_space(s[w - 1]))
			w--;
		if (is_abbreviation(s, w, i))
			return 0;
	}
	/* Closing quotes and brackets belong to the sentence they end. */
	while (j < end) {
		unsigned char c = (unsigned char)s[j];
		if (c == '"' || c == '\'' || c == ')' || c == ']') {
			j++;
		} else if (c == 0xE2 && j + 2 < end && (unsigned char)s[j + 1] == 0x80 &&
			   ((unsigned char)s[j + 2] == 0x9D || (unsigned char)s[j + 2] == 0x99)) {
			j += 3;	/* ” or ’ */
		} else {
			break;
		}
	}
	if (j >= end || !is_space(s[j]))
		return 0;
	while (j < end && is_space(s[j]))
		j++;
	if (j >= end)
		return 0;
	unsigned char c = (unsigned char)s[j];
	/* The next sentence starts with a capital, a digit, a quote, or any
	 * non-ASCII letter (we cannot tell its case cheaply). */
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '"' || c == '\'' || c >= 0x80)
		return j;
	return 0;
}

/* Cuts a long paragraph into pieces of about equal length at sentence
 * ends, falling back to word boundaries inside a very long sentence. */
static bool
split_long(const char *s, const para *p, passage_vec *v)
{
	unsigned pieces = (p->words + LOCI_PASSAGE_MAX_WORDS - 1) / LOCI_PASSAGE_MAX_WORDS;
	unsigned target = (p->words + pieces - 1) / pieces;
	size_t piece_start = p->start;
	unsigned piece_words = 0;
	line_cursor lines = { p->start, p->line };
	bool in_word = false;

	for (size_t i = p->start; i < p->end; i++) {
		bool sp = is_space(s[i]);
		if (!sp && !in_word)
			piece_words++;
		in_word = !sp;

		size_t next = 0;
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') {
			if (piece_words >= target)
				next = sentence_break(s, p->start, p->end, i);
		} else if (sp && piece_words >= SENTENCE_MAX_WORDS) {
			next = i + 1;
		}
		if (next) {
			size_t a = piece_start, b = next;
			trim(s, &a, &b);
			if (a < b && !push(v, a, b, line_at(s, &lines, a)))
				return false;
			piece_start = next;
			piece_words = 0;
			in_word = false;
			i = next - 1;
		}
	}
	size_t a = piece_start, b = p->end;
	trim(s, &a, &b);
	if (a < b && !push(v, a, b, line_at(s, &lines, a)))
		return false;
	return true;
}

static bool
ends_sentence(const char *s, size_t start, size_t end)
{
	while (end > start) {
		unsigned char c = (unsigned char)s[end - 1];
		if (c == '"' || c == '\'' || c == ')' || c == ']') {
			end--;
		} else if (end - start >= 3 && (unsigned char)s[end - 3] == 0xE2 &&
			   (unsigned char)s[end - 2] == 0x80 &&
			   (c == 0x9D || c == 0x99)) {
			end -= 3;
		} else {
			break;
		}
	}
	if (end == start)
		return false;
	char c = s[end - 1];
	return c == '.' || c == '!' || c == '?';
}

static bool
introduces_next(const char *s, const para *p)
{
	bool question = s[p->end - 1] == '?';

	if (question)
		return p->words <= QUESTION_MAX_WORDS;
	return p->words <= HEADING_MAX_WORDS && !ends_sentence(s, p->start, p->end);
}

/* Scans the lines of the text. */
static line_info *
scan_lines(const char *s, size_t len, size_t *n_out)
{
	size_t cap = 64, n = 0;
	line_info *lines = malloc(cap * sizeof *lines);
	size_t start = 0;
	unsigned no = 1;

	if (!lines)
		return NULL;
	while (start < len) {
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t a = start, b = end, chars = 0;

		if (n == cap) {
			line_info *p = realloc(lines, cap * 2 * sizeof *lines);
			if (!p) {
				free(lines);
				return NULL;
			}
			lines = p;
			cap *= 2;
		}
		trim(s, &a, &b);
		for (size_t i = a; i < b; i++)
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		lines[n++] = (line_info){ a, b, no, chars, a == b };
		no++;
		start = end + 1;
	}
	*n_out = n;
	return lines;
}

loci_status
loci_split_passages(const char *s, size_t len, loci_passage **out, size_t *count)
{
	size_t n_lines = 0, n_paras = 0;
	line_info *lines = scan_lines(s, len, &n_lines);
	para *paras = NULL;
	passage_vec v = { 0 };

	*out = NULL;
	*count = 0;
	if (!lines)
		return LOCI_ERR_NOMEM;
	paras = malloc((n_lines + 1) * sizeof *paras);
	if (!paras)
		goto nomem;

	/* Blocks of non-blank lines become one paragraph (hard-wrapped prose)
	 * or one paragraph per line. */
	for (size_t i = 0; i < n_lines;) {
		if (lines[i].blank) {
			i++;
			continue;
		}
		size_t j = i;
		bool wrapped = true;
		while (j < n_lines && !lines[j].blank)
			j++;
		/* A long first line (a title or heading written on one line) is
		 * a paragraph of its own, and the lines below it are judged
		 * alone: else it would cut hard-wrapped text below it into one
		 * passage per line. */
		if (j - i > 2 && lines[i].chars > WRAPPED_LINE_MAX) {
			paras[n_paras++] = (para){ lines[i].start, lines[i].end, lines[i].line, 0 };
			i++;
		}
		for (size_t k = i; k + 1 < j; k++)
			if (lines[k].chars > WRAPPED_LINE_MAX)
				wrapped = false;
		if (wrapped) {
			paras[n_paras++] = (para){ lines[i].start, lines[j - 1].end, lines[i].line, 0 };
		} else {
			for (size_t k = i; k < j; k++)
				paras[n_paras++] = (para){ lines[k].start, lines[k].end, lines[k].line, 0 };
		}
		i = j;
	}
	for (size_t i = 0; i < n_paras; i++)
		paras[i].words = count_words(s, paras[i].start, paras[i].end);

	for (size_t i = 0; i < n_paras;) {
		para p = paras[i++];
		/* Headings and questions run on into the paragraph that follows. */
		while (i < n_paras && introduces_next(s, &p)) {
			p.end = paras[i].end;
			p.words += paras[i].words;
			i++;
		}
		if (p.words > LOCI_PASSAGE_MAX_WORDS) {
			if (!split_long(s, &p, &v))
				goto nomem;
		} else if (!push(&v, p.start, p.end, p.line)) {
			goto nomem;
		}
	}
	free(lines);
	free(paras);
	*out = v.items;
	*count = v.count;
	return LOCI_OK;
nomem:
	free(lines);
	free(paras);
	free(v.items);
	return LOCI_ERR_NOMEM;
}
