#include "synonyms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stopwords.h"

typedef struct {
	char **terms;
	size_t n;
	bool caps;	/* a capitalised stopword: matches only typed in capitals */
} member;

typedef struct {
	member *members;
	size_t n;
} group;

struct loci_synonyms {
	group *groups;
	size_t n;
};

typedef struct {
	member *m;
	bool nomem;
	const char *text;
	bool all_caps;
	loci_analyzer *an;
} member_ctx;

static bool
push_term(member *m, const char *t, size_t n)
{
	char **p = realloc(m->terms, (m->n + 1) * sizeof *p);
	if (!p)
		return false;
	m->terms = p;
	if (!(p[m->n] = strndup(t, n)))
		return false;
	m->n++;
	return true;
}

static int
member_token(void *ctx, const loci_token *tok)
{
	member_ctx *c = ctx;

	if (tok->kind == LOCI_TOKEN_PART)
		return 0;	/* the compound stands for its parts */
	for (size_t i = tok->start; i < tok->end; i++)
		if (!(c->text[i] >= 'A' && c->text[i] <= 'Z'))
			c->all_caps = false;
	if (tok->end - tok->start < 2)
		c->all_caps = false;
	if (!push_term(c->m, tok->term, tok->term_len)) {
		c->nomem = true;
		return 1;
	}
	return 0;
}

static void
free_member(member *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->terms[i]);
	free(m->terms);
}

static void
free_group(group *g)
{
	for (size_t i = 0; i < g->n; i++)
		free_member(&g->members[i]);
	free(g->members);
}

void
loci_synonyms_free(loci_synonyms *syn)
{
	if (!syn)
		return;
	for (size_t i = 0; i < syn->n; i++)
		free_group(&syn->groups[i]);
	free(syn->groups);
	free(syn);
}

size_t
loci_synonyms_groups(const loci_synonyms *syn)
{
	return syn ? syn->n : 0;
}

static loci_status
fail_line(char **problem, unsigned line, const char *what)
{
	size_t n = strlen(what) + 32;

	if (!(*problem = malloc(n)))
		return LOCI_ERR_NOMEM;
	snprintf(*problem, n, "line %u: %s", line, what);
	return LOCI_ERR_INVALID;
}

/* Parses one line's members into g. */
static loci_status
parse_line(loci_analyzer *an, const char *s, size_t len, group *g, unsigned line,
	   char **problem)
{
	size_t at = 0;

	while (at <= len) {
		const char *comma = memchr(s + at, ',', len - at);
		size_t end = comma ? (size_t)(comma - s) : len;
		member m = { 0 };
		member_ctx c = { &m, false, s + at, true, an };
		loci_status st = loci_analyzer_tokenize(an, s + at, end - at, member_token, &c);

		if (st == LOCI_ERR_UTF8)
			return fail_line(problem, line, "not valid UTF-8");
		if (st == LOCI_OK && c.nomem)
			st = LOCI_ERR_NOMEM;
		if (st != LOCI_OK) {
			free_member(&m);
			return st;
		}
		if (m.n) {
			m.caps = c.all_caps && m.n == 1 &&
				 loci_is_stopword(loci_analyzer_language(an), m.terms[0],
						  strlen(m.terms[0]));
			member *p = realloc(g->members, (g->n + 1) * sizeof *p);
			if (!p) {
				free_member(&m);
				return LOCI_ERR_NOMEM;
			}
			g->members = p;
			g->members[g->n++] = m;
		}
		if (!comma)
			break;
		at = end + 1;
	}
	if (g->n == 1)
		return fail_line(problem, line, "a group needs two names or more, "
				 "separated by commas");
	return LOCI_OK;
}

loci_status
loci_synonyms_parse(loci_analyzer *an, const char *text, size_t len, loci_synonyms **out,
		    char **problem)
{
	loci_synonyms *syn = calloc(1, sizeof *syn);
	unsigned line = 0;
	size_t at = 0;
	loci_status st = LOCI_OK;

	*out = NULL;
	*problem = NULL;
	if (!syn)
		return LOCI_ERR_NOMEM;
	while (at < len && st == LOCI_OK) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *hash = memchr(text + at, '#', end - at);
		size_t content_end = hash ? (size_t)(hash - text) : end;
		group g = { 0 };

		line++;
		st = parse_line(an, text + at, content_end - at, &g, line, problem);
		if (st == LOCI_OK && g.n) {
			group *p = realloc(syn->groups, (syn->n + 1) * sizeof *p);
			if (!p) {
				st = LOCI_ERR_NOMEM;
			} else {
				syn->groups = p;
				syn->groups[syn->n++] = g;
				g = (group){ 0 };
			}
		}
		free_group(&g);
		at = end + 1;
	}
	if (st != LOCI_OK) {
		loci_synonyms_free(syn);
		return st;
	}
	*out = syn;
	return LOCI_OK;
}

size_t
loci_synonyms_match(const loci_synonyms *syn, const char *const *terms, const bool *caps,
		    size_t n, size_t *group_out)
{
	size_t best = 0;

	for (size_t g = 0; syn && g < syn->n; g++) {
		for (size_t k = 0; k < syn->groups[g].n; k++) {
			const member *m = &syn->groups[g].members[k];
			if (m->n > n || m->n <= best)
				continue;
			if (m->caps && !caps[0])
				continue;
			size_t i = 0;
			while (i < m->n && strcmp(m->terms[i], terms[i]) == 0)
				i++;
			if (i == m->n) {
				best = m->n;
				*group_out = g;
			}
		}
	}
	return best;
}

size_t
loci_synonyms_members(const loci_synonyms *syn, size_t g)
{
	return syn->groups[g].n;
}

size_t
loci_synonyms_member(const loci_synonyms *syn, size_t g, size_t k, const char *const **terms,
		     bool *caps)
{
	const member *m = &syn->groups[g].members[k];

	*terms = (const char *const *)m->terms;
	*caps = m->caps;
	return m->n;
}
