#define _GNU_SOURCE	/* memmem */
#include "query_rewrite.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "database.h"
#include "stopwords.h"

/* A word of the query: a plain word, or a hyphenated word as a whole
 * (its parts are folded into it). */
typedef struct {
	char *term;		/* normalised; joined for a hyphenated word */
	char *dashed;		/* hyphenated: the parts joined by '-' */
	size_t start, end;
	bool caps;		/* typed in capitals, two letters or more */
} unit;

typedef struct {
	unit *items;
	size_t count, cap;
	bool nomem;
	const char *q;
} unit_vec;

typedef struct {
	char *buf;
	size_t len, cap;
	bool nomem;
} outbuf;

static int
collect(void *ctx, const loci_token *tok)
{
	unit_vec *v = ctx;

	if (tok->kind == LOCI_TOKEN_PART && v->count &&
	    v->items[v->count - 1].end >= tok->end && v->items[v->count - 1].dashed) {
		/* A part of the compound just seen: add it to the dashed form. */
		unit *u = &v->items[v->count - 1];
		size_t old = strlen(u->dashed);
		char *p = realloc(u->dashed, old + tok->term_len + 2);
		if (!p) {
			v->nomem = true;
			return 1;
		}
		u->dashed = p;
		if (old)
			p[old++] = '-';
		memcpy(p + old, tok->term, tok->term_len);
		p[old + tok->term_len] = '\0';
		return 0;
	}
	if (v->count == v->cap) {
		size_t n = v->cap ? v->cap * 2 : 16;
		unit *p = realloc(v->items, n * sizeof *p);
		if (!p) {
			v->nomem = true;
			return 1;
		}
		v->items = p;
		v->cap = n;
	}
	unit u = { strndup(tok->term, tok->term_len), NULL, tok->start, tok->end, tok->caps };
	if (tok->kind == LOCI_TOKEN_COMPOUND)
		u.dashed = strdup("");
	if (!u.term || (tok->kind == LOCI_TOKEN_COMPOUND && !u.dashed)) {
		free(u.term);
		free(u.dashed);
		v->nomem = true;
		return 1;
	}
	v->items[v->count++] = u;
	return 0;
}

static void
append(outbuf *o, const char *s, size_t n)
{
	if (o->nomem)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t c = o->cap ? o->cap : 64;
		while (c < o->len + n + 1)
			c *= 2;
		char *p = realloc(o->buf, c);
		if (!p) {
			o->nomem = true;
			return;
		}
		o->buf = p;
		o->cap = c;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
append_str(outbuf *o, const char *s)
{
	append(o, s, strlen(s));
}

bool
loci_is_query_operator(const char *s, size_t n)
{
	static const char *const ops[] = { "AND", "OR", "NOT", "XOR", "NEAR", "ADJ", NULL };

	for (const char *const *op = ops; *op; op++)
		if (strlen(*op) == n && memcmp(*op, s, n) == 0)
			return true;
	return false;
}

/* Fields whose value is passed on as typed: a path, a date range. */
static bool
is_raw_field(const char *term)
{
	return strcmp(term, "path") == 0 || strcmp(term, "date") == 0;
}

static bool
is_field(const char *term)
{
	return is_raw_field(term) || strcmp(term, "title") == 0 || strcmp(term, "source") == 0 ||
	       strcmp(term, "author") == 0 || strcmp(term, "tag") == 0 || strcmp(term, "caps") == 0;
}

static bool
add_prefix(loci_rewritten_query *out, const char *s)
{
	char **p = realloc(out->prefixes, (out->n_prefixes + 1) * sizeof *p);
	if (!p)
		return false;
	out->prefixes = p;
	if (!(p[out->n_prefixes] = strdup(s)))
		return false;
	out->n_prefixes++;
	return true;
}

typedef struct rewriter_s {
	const char *q;
	size_t len;
	unit *u;
	size_t n;
	const loci_synonyms *syn;
	const char *language;
	outbuf o;
	loci_rewritten_query *out;
	bool drop_stopwords;	/* false when every word is one */
	bool failed;
} rewriter;

/* Only white space between units a and b (a < b)? */
static bool
adjacent(const rewriter *r, size_t a, size_t b)
{
	for (size_t i = r->u[a].end; i < r->u[b].start; i++)
		if (r->q[i] != ' ' && r->q[i] != '\t')
			return false;
	return true;
}

/* A synonym group goes to the parser as "syn:N", which the database
 * layer turns into one Xapian OP_SYNONYM: the group weighs as one word,
 * so a passage is not ranked up for naming the thing in several ways. */
static void
emit_group(rewriter *r, size_t g)
{
	char buf[32];

	snprintf(buf, sizeof buf, "syn:%zu", g);
	append_str(&r->o, buf);
}

static bool
is_near_word(const char *s, size_t n)
{
	return (n == 4 && memcmp(s, "NEAR", 4) == 0) || (n == 3 && memcmp(s, "ADJ", 3) == 0);
}

/* Does NEAR or ADJ (or NEAR/n, ADJ/n) stand right before byte from
 * (d < 0) or right after byte from (d > 0)?  Those take words: Xapian
 * cannot apply them to a group or a phrase. */
static bool
near_operator(const rewriter *r, size_t from, int d)
{
	const char *q = r->q;
	size_t i = from;

	if (d < 0) {
		while (i > 0 && (q[i - 1] == ' ' || q[i - 1] == '\t'))
			i--;
		size_t e = i;
		while (i > 0 && q[i - 1] >= '0' && q[i - 1] <= '9')
			i--;
		if (i < e && i > 0 && q[i - 1] == '/')
			e = --i;
		else
			i = e;
		while (i > 0 && q[i - 1] >= 'A' && q[i - 1] <= 'Z')
			i--;
		return is_near_word(q + i, e - i);
	}
	while (i < r->len && (q[i] == ' ' || q[i] == '\t'))
		i++;
	size_t b = i;
	while (i < r->len && q[i] >= 'A' && q[i] <= 'Z')
		i++;
	return is_near_word(q + b, i - b) && (i == r->len || !((q[i] >= 'a' && q[i] <= 'z') ||
							       (q[i] >= '0' && q[i] <= '9')));
}

/* Tries a synonym group on the words from unit i: returns how many units
 * it replaced (0 if none matched). */
static size_t
try_synonyms(rewriter *r, size_t i, size_t limit)
{
	const char *terms[8];
	bool caps[8];
	size_t n = 0, g;

	if (!r->syn)
		return 0;
	while (n < 8 && i + n < limit && (n == 0 || adjacent(r, i + n - 1, i + n))) {
		const unit *u = &r->u[i + n];
		if (loci_is_query_operator(r->q + u->start, u->end - u->start))
			break;
		terms[n] = u->term;
		caps[n] = u->caps;
		n++;
	}
	size_t k = n ? loci_synonyms_match(r->syn, terms, caps, n, &g) : 0;
	if (!k)
		return 0;
	if (near_operator(r, r->u[i].start, -1) || near_operator(r, r->u[i + k - 1].end, 1))
		return 0;
	/* A trailing '*' would apply to the group's last member only. */
	if (r->u[i + k - 1].end < r->len && r->q[r->u[i + k - 1].end] == '*')
		return 0;
	emit_group(r, g);
	return k;
}

static size_t closing_quote(const struct rewriter_s *r, size_t from);

/* Is the unit before field name i, or the first one after its value, an
 * operator? */
static bool
next_to_operator(const rewriter *r, size_t i)
{
	size_t colon = r->u[i].end, value_end;

	if (i > 0) {
		const unit *v = &r->u[i - 1];
		if (!v->dashed && loci_is_query_operator(r->q + v->start, v->end - v->start))
			return true;
	}
	if (colon + 1 < r->len && r->q[colon + 1] == '"')
		value_end = closing_quote(r, colon + 2);
	else
		value_end = i + 1 < r->n ? r->u[i + 1].end : r->len;
	for (size_t j = i + 1; j < r->n; j++) {
		const unit *v = &r->u[j];
		if (v->start > value_end)
			return !v->dashed && loci_is_query_operator(r->q + v->start, v->end - v->start);
	}
	return false;
}

/* The value of path: or date:, as typed but for two slips: a folder's
 * trailing slash (the index keys folders without it) and a date without
 * a range ("date:2024" is all of 2024). */
static void
emit_raw_value(rewriter *r, const char *field, size_t from, size_t to)
{
	const char *v = r->q + from;
	size_t n = to - from;

	if (strcmp(field, "path") == 0) {
		while (n > 1 && v[n - 1] == '/')
			n--;
		append(&r->o, v, n);
	} else if (strcmp(field, "date") == 0 && n && !memmem(v, n, "..", 2)) {
		append(&r->o, v, n);
		append(&r->o, "..", 2);
		append(&r->o, v, n);
	} else {
		append(&r->o, v, n);
	}
}

/* Is unit i a stopword to drop?  Not in a phrase, a field, a wildcard, or
 * with + or -, nor next to an operator (which needs its operand), nor in
 * capitals (IS, US: acronyms, see emit_unit). */
static bool
droppable(const rewriter *r, size_t i, bool in_quotes)
{
	const unit *u = &r->u[i];

	if (in_quotes || u->dashed || u->caps ||
	    !loci_is_stopword(r->language, u->term, strlen(u->term)))
		return false;
	if (u->end < r->len && (r->q[u->end] == '*' || r->q[u->end] == ':'))
		return false;
	if (u->start > 0 && (r->q[u->start - 1] == '-' || r->q[u->start - 1] == '+' ||
			     r->q[u->start - 1] == ':'))
		return false;
	for (int d = -1; d <= 1; d += 2) {
		size_t j = i + (size_t)d;
		if ((d < 0 && i == 0) || j >= r->n)
			continue;
		const unit *v = &r->u[j];
		if (!v->dashed && loci_is_query_operator(r->q + v->start, v->end - v->start))
			return false;
	}
	return true;
}

static bool
ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Would Xapian's parser cut the term where the analyser did not?  Both
 * keep letters and digits together, if the parser's Unicode tables know
 * them; both keep "russia's" and "1,500" whole.  The analyser also keeps
 * a number with separators inside a word of letters ("a1.5l" from
 * "a-1.5l"), which the parser cuts by rules of its own: anything but
 * those cases is taken as cut. */
static bool
parser_would_cut(const char *term)
{
	const unsigned char *t = (const unsigned char *)term;
	bool number = ascii_digit(t[0]);

	for (const unsigned char *p = t; *p && number; p++)
		number = ascii_digit(*p) ||
			 ((*p == '.' || *p == ',') && ascii_digit(p[-1]) && ascii_digit(p[1]));
	if (number)
		return false;
	for (const unsigned char *p = t; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || ascii_digit(*p))
			continue;
		if (*p >= 0xC0) {
			/* A code point the parser may not know (terms are valid
			 * UTF-8: the analyser made them). */
			unsigned n = *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : 1;
			unsigned cp = *p & (0x3F >> n);
			for (unsigned k = 1; k <= n; k++)
				cp = cp << 6 | (p[k] & 0x3F);
			if (!loci_parser_word_char(cp))
				return true;
			p += n;
			continue;
		}
		/* An apostrophe between letters, the one other mark allowed. */
		if (*p == '\'' && p > t && p[-1] >= 'a' && p[-1] <= 'z' && p[1] >= 'a' && p[1] <= 'z')
			continue;
		return true;
	}
	return false;
}

/* "lit:HEX": the term spelt in hex digits, which the parser leaves whole,
 * for the database layer to decode and stem (see its LiteralTerm);
 * "litw:HEX", the same term as a wildcard's prefix (the parser's own "*"
 * does not apply to a field). */
static void
emit_literal(rewriter *r, const char *field, const char *term)
{
	static const char hex[] = "0123456789abcdef";

	append_str(&r->o, field);
	for (const unsigned char *p = (const unsigned char *)term; *p; p++) {
		char two[2] = { hex[*p >> 4], hex[*p & 15] };
		append(&r->o, two, 2);
	}
}

/* Writes unit u as the parser should see it.  Returns true if it wrote
 * a wildcard of its own, which takes the '*' after u with it. */
static bool
emit_unit(rewriter *r, const unit *u, bool in_quotes)
{
	const char *raw = r->q + u->start;
	size_t raw_len = u->end - u->start;
	bool wildcard = u->end < r->len && r->q[u->end] == '*';

	if (!u->dashed && loci_is_query_operator(raw, raw_len)) {
		append(&r->o, raw, raw_len);
	} else if (u->dashed && in_quotes) {
		append_str(&r->o, u->dashed);	/* a phrase of the parts */
	} else if (!u->dashed && u->caps && !in_quotes && !wildcard &&
		   loci_is_stopword(r->language, u->term, strlen(u->term))) {
		append_str(&r->o, "caps:");
		append(&r->o, raw, raw_len);
	} else if (!in_quotes && parser_would_cut(u->term) &&
		   !near_operator(r, u->start, -1) && !near_operator(r, u->end, 1)) {
		/* Not next to NEAR or ADJ, which want words with positions;
		 * nor in a phrase, which takes no fields. */
		emit_literal(r, wildcard ? "litw:" : "lit:", u->term);
		return wildcard;
	} else {
		append_str(&r->o, u->term);
	}
	return false;
}

static bool
ends_with_near(const outbuf *o)
{
	return (o->len >= 4 && memcmp(o->buf + o->len - 4, "NEAR", 4) == 0) ||
	       (o->len >= 3 && memcmp(o->buf + o->len - 3, "ADJ", 3) == 0);
}

/* Copies the text between two words, keeping only what is query syntax
 * (white space, quotes, brackets, + - *, the /n of NEAR/n and ADJ/n):
 * anything else ("_", "&", "/", a stray mark) would be read by the parser
 * as part of a word, which the index cut there.  Two words with nothing
 * between them ("1,500th") are kept apart by a space. */
static void
append_gap(rewriter *r, size_t from, size_t to)
{
	if (from == to && from > 0 && to < r->len && r->o.len &&
	    r->o.buf[r->o.len - 1] != ' ' && r->o.buf[r->o.len - 1] != '(') {
		append(&r->o, " ", 1);
		return;
	}
	for (size_t i = from; i < to; i++) {
		char c = r->q[i];
		/* + and - are operators only at the start of a word: the "-"
		 * of "AT&-T" must not become one when the "&" turns into a
		 * space. */
		if ((c == '+' || c == '-') && i > 0 && !strchr(" \t(", r->q[i - 1])) {
			append(&r->o, " ", 1);
			continue;
		}
		if (strchr(" \t\"()+-*", c) ||
		    (c == '/' && i + 1 < r->len && r->q[i + 1] >= '0' && r->q[i + 1] <= '9' &&
		     ends_with_near(&r->o)))
			append(&r->o, &c, 1);
		else if (((unsigned char)c & 0xC0) != 0x80)
			append(&r->o, " ", 1);	/* one space per character */
	}
}

/* Index of the closing quote after position from, or len. */
static size_t
closing_quote(const rewriter *r, size_t from)
{
	const char *p = memchr(r->q + from, '"', r->len - from);
	return p ? (size_t)(p - r->q) : r->len;
}

static void
rewrite(rewriter *r)
{
	size_t at = 0, i = 0;
	bool in_quotes = false;
	/* Right after a field name: its quoted value is taken as typed. */
	bool no_synonyms_here = false;

	while (i < r->n && !r->failed) {
		unit *u = &r->u[i];

		/* The text before the unit, with its quotes. */
		for (size_t k = at; k < u->start; k++) {
			if (r->q[k] != '"')
				continue;
			if (in_quotes) {
				in_quotes = false;
				continue;
			}
			/* A quoted phrase that is a synonym, whole: the group. */
			size_t close = closing_quote(r, k + 1);
			size_t j = i;
			while (j < r->n && r->u[j].end <= close)
				j++;
			size_t g;
			const char *terms[8];
			bool caps[8];
			size_t n = j - i < 8 ? j - i : 8;
			for (size_t m = 0; m < n; m++) {
				terms[m] = r->u[i + m].term;
				caps[m] = r->u[i + m].caps;
			}
			if (r->syn && close < r->len && j > i && j - i <= 8 && !no_synonyms_here &&
			    !near_operator(r, k, -1) && !near_operator(r, close + 1, 1) &&
			    loci_synonyms_match(r->syn, terms, caps, n, &g) == j - i) {
				append_gap(r, at, k);
				emit_group(r, g);
				at = close + 1;
				i = j;
				goto next;
			}
			in_quotes = true;
		}
		no_synonyms_here = false;
		append_gap(r, at, u->start);
		at = u->start;

		if (!in_quotes && u->end < r->len && r->q[u->end] == ':' && is_field(u->term)) {
			/* A field name; path: and date: values go on as typed.  A
			 * field of free text restricts the search, as the boolean
			 * ones do: "+source:reuters attack" is attack among
			 * Reuters' articles (unless an operator says otherwise). */
			if (!is_raw_field(u->term) && strcmp(u->term, "caps") != 0 &&
			    !(u->start > 0 && strchr("+-", r->q[u->start - 1])) &&
			    !next_to_operator(r, i))
				append(&r->o, "+", 1);
			append_str(&r->o, u->term);
			append(&r->o, ":", 1);
			at = u->end + 1;
			i++;
			if (is_raw_field(u->term)) {
				size_t e = at;
				while (e < r->len && r->q[e] != ' ' && r->q[e] != '\t')
					e++;
				emit_raw_value(r, u->term, at, e);
				at = e;
				while (i < r->n && r->u[i].start < e)
					i++;
			} else if (strcmp(u->term, "caps") == 0 && i < r->n && r->u[i].start == at) {
				/* As typed: capitals keep the parser from stemming. */
				append(&r->o, r->q + r->u[i].start, r->u[i].end - r->u[i].start);
				at = r->u[i].end;
				i++;
			} else if (i < r->n && r->u[i].start == at) {
				/* The field's word: no synonyms, no caps. */
				append_str(&r->o, r->u[i].term);
				at = r->u[i].end;
				i++;
			} else {
				no_synonyms_here = true;	/* title:"..." */
			}
			continue;
		}
		if (!in_quotes && !(u->start > 0 && (r->q[u->start - 1] == '-' ||
						     r->q[u->start - 1] == '+'))) {
			size_t k = try_synonyms(r, i, r->n);
			if (k) {
				at = r->u[i + k - 1].end;
				i += k;
				continue;
			}
		}
		if (r->drop_stopwords && droppable(r, i, in_quotes)) {
			at = u->end;
			i++;
			continue;
		}
		size_t before = r->o.len;
		at = u->end;
		if (emit_unit(r, u, in_quotes)) {
			if (!add_prefix(r->out, u->term))
				r->failed = true;
			at++;	/* its '*' */
		} else if (!in_quotes && u->end < r->len && r->q[u->end] == '*' && !r->o.nomem &&
			   !(!u->dashed && loci_is_query_operator(r->q + u->start,
								  u->end - u->start)) &&
			   !add_prefix(r->out, r->o.buf + before)) {
			r->failed = true;
		}
		i++;
next:
		;
	}
	append_gap(r, at, r->len);
}

loci_status
loci_query_rewrite(loci_analyzer *an, const loci_synonyms *syn, const char *q, size_t len,
		   loci_rewritten_query *out)
{
	unit_vec v = { .q = q };
	loci_status st;

	memset(out, 0, sizeof *out);
	st = loci_analyzer_tokenize(an, q, len, collect, &v);
	if (st == LOCI_OK && v.nomem)
		st = LOCI_ERR_NOMEM;
	rewriter r = { q, len, v.items, v.count, syn, loci_analyzer_language(an), { 0 }, out,
		       false, false };
	/* "to be or not to be" is all stopwords: then none is dropped. */
	for (size_t i = 0; i < v.count && !r.drop_stopwords; i++)
		r.drop_stopwords = !loci_is_stopword(r.language, v.items[i].term,
						     strlen(v.items[i].term));
	if (st == LOCI_OK) {
		append(&r.o, "", 0);
		rewrite(&r);
		if (r.failed || r.o.nomem)
			st = LOCI_ERR_NOMEM;
	}
	for (size_t i = 0; i < v.count; i++) {
		free(v.items[i].term);
		free(v.items[i].dashed);
	}
	free(v.items);
	if (st != LOCI_OK) {
		free(r.o.buf);
		loci_rewritten_query_free(out);
		return st;
	}
	out->text = r.o.buf;
	return LOCI_OK;
}

void
loci_rewritten_query_free(loci_rewritten_query *q)
{
	for (size_t i = 0; i < q->n_prefixes; i++)
		free(q->prefixes[i]);
	free(q->prefixes);
	free(q->text);
	memset(q, 0, sizeof *q);
}
