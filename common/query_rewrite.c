#include "query_rewrite.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *term;
	size_t start, end;
	loci_token_kind kind;
} qtoken;

typedef struct {
	qtoken *items;
	size_t count, cap;
	bool nomem;
} qtoken_vec;

typedef struct {
	char *buf;
	size_t len, cap;
	bool nomem;
} outbuf;

static int
collect(void *ctx, const loci_token *tok)
{
	qtoken_vec *v = ctx;

	if (v->count == v->cap) {
		size_t n = v->cap ? v->cap * 2 : 16;
		qtoken *p = realloc(v->items, n * sizeof *p);
		if (!p) {
			v->nomem = true;
			return 1;
		}
		v->items = p;
		v->cap = n;
	}
	char *term = strndup(tok->term, tok->term_len);
	if (!term) {
		v->nomem = true;
		return 1;
	}
	v->items[v->count++] = (qtoken){ term, tok->start, tok->end, tok->kind };
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

static bool
is_operator(const char *s, size_t n)
{
	static const char *const ops[] = { "AND", "OR", "NOT", "XOR", "NEAR", "ADJ", NULL };

	for (const char *const *op = ops; *op; op++)
		if (strlen(*op) == n && memcmp(*op, s, n) == 0)
			return true;
	return false;
}

/* Copies the text between tokens, keeping track of double quotes. */
static void
copy_gap(outbuf *o, const char *q, size_t from, size_t to, bool *in_quotes)
{
	for (size_t i = from; i < to; i++)
		if (q[i] == '"')
			*in_quotes = !*in_quotes;
	append(o, q + from, to - from);
}

static bool
add_prefix(loci_rewritten_query *out, const char *s, size_t n)
{
	char **p = realloc(out->prefixes, (out->n_prefixes + 1) * sizeof *p);
	if (!p)
		return false;
	out->prefixes = p;
	if (!(p[out->n_prefixes] = strndup(s, n)))
		return false;
	out->n_prefixes++;
	return true;
}

loci_status
loci_query_rewrite(loci_analyzer *an, const char *q, size_t len, loci_rewritten_query *out)
{
	qtoken_vec v = { 0 };
	outbuf o = { 0 };
	bool in_quotes = false;
	size_t at = 0;
	loci_status st;

	memset(out, 0, sizeof *out);
	st = loci_analyzer_tokenize(an, q, len, collect, &v);
	if (st == LOCI_OK && v.nomem)
		st = LOCI_ERR_NOMEM;
	append(&o, "", 0);
	for (size_t i = 0; st == LOCI_OK && i < v.count; i++) {
		qtoken *t = &v.items[i];
		size_t emitted_from;

		copy_gap(&o, q, at, t->start, &in_quotes);
		emitted_from = o.len;
		if (t->kind == LOCI_TOKEN_WORD) {
			if (is_operator(q + t->start, t->end - t->start))
				append(&o, q + t->start, t->end - t->start);
			else
				append(&o, t->term, strlen(t->term));
		} else if (t->kind == LOCI_TOKEN_COMPOUND) {
			size_t j = i + 1;
			if (in_quotes) {
				/* A phrase of the parts, which the parser builds
				 * from words joined by hyphens. */
				for (; j < v.count && v.items[j].kind == LOCI_TOKEN_PART; j++) {
					if (j > i + 1)
						append(&o, "-", 1);
					append(&o, v.items[j].term, strlen(v.items[j].term));
				}
			} else {
				append(&o, t->term, strlen(t->term));
				while (j < v.count && v.items[j].kind == LOCI_TOKEN_PART)
					j++;
			}
			i = j - 1;
		} else {
			/* A part whose compound was too long to be a term. */
			append(&o, t->term, strlen(t->term));
		}
		at = t->end;	/* a compound's span covers its parts */
		if (!in_quotes && at < len && q[at] == '*' &&
		    !add_prefix(out, o.buf + emitted_from, o.len - emitted_from))
			st = LOCI_ERR_NOMEM;
	}
	if (st == LOCI_OK)
		copy_gap(&o, q, at, len, &in_quotes);
	if (st == LOCI_OK && o.nomem)
		st = LOCI_ERR_NOMEM;
	for (size_t i = 0; i < v.count; i++)
		free(v.items[i].term);
	free(v.items);
	if (st != LOCI_OK) {
		free(o.buf);
		loci_rewritten_query_free(out);
		return st;
	}
	out->text = o.buf;
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
