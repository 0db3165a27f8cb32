#include "front_matter.h"
#include "dates.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Front matter longer than this is not front matter but a runaway block. */
#define MAX_BLOCK (64 * 1024)

/* Length of the line at s (up to and excluding '\n') if it is a fence:
 * "---" (or "..." to close) with only trailing white space. */
static bool
is_fence(const char *s, size_t left, bool closing, size_t *line_len)
{
	const char *nl = memchr(s, '\n', left);
	size_t n = nl ? (size_t)(nl - s) : left;
	size_t k = n;

	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r'))
		k--;
	*line_len = n;
	return k == 3 && (memcmp(s, "---", 3) == 0 || (closing && memcmp(s, "...", 3) == 0));
}

static char *
scalar(yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	return strndup((const char *)node->data.scalar.value, node->data.scalar.length);
}

static bool
add_tag(loci_front_matter *fm, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return true;
	char **p = realloc(fm->tags, (fm->n_tags + 1) * sizeof *p);
	if (!p)
		return false;
	fm->tags = p;
	if (!(p[fm->n_tags] = strndup(s, n)))
		return false;
	fm->n_tags++;
	return true;
}

static bool
read_tags(loci_front_matter *fm, yaml_document_t *doc, yaml_node_t *v)
{
	if (v->type == YAML_SCALAR_NODE) {
		/* "tags: a, b, c" */
		const char *s = (const char *)v->data.scalar.value;
		size_t n = v->data.scalar.length;
		while (n) {
			const char *c = memchr(s, ',', n);
			size_t k = c ? (size_t)(c - s) : n;
			if (!add_tag(fm, s, k))
				return false;
			if (!c)
				break;
			s += k + 1;
			n -= k + 1;
		}
	} else if (v->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *t = yaml_document_get_node(doc, *it);
			if (t && t->type == YAML_SCALAR_NODE &&
			    !add_tag(fm, (const char *)t->data.scalar.value, t->data.scalar.length))
				return false;
		}
	}
	return true;
}

static char *
format_problem(const yaml_parser_t *p)
{
	char buf[256];

	/* Where the construct that failed began (an unclosed bracket, say)
	 * helps more than where the parser gave up; the block starts on the
	 * file's line 2. */
	const yaml_mark_t *m = p->context ? &p->context_mark : &p->problem_mark;
	snprintf(buf, sizeof buf, "front matter is not valid YAML: line %lu: %s%s%s",
		 (unsigned long)m->line + 2, p->problem ? p->problem : "error",
		 p->context ? " " : "", p->context ? p->context : "");
	return strdup(buf);
}

loci_status
loci_front_matter_parse(const char *text, size_t len, loci_front_matter *fm, char **problem)
{
	size_t n, off, line = 2;
	loci_status st = LOCI_OK;

	memset(fm, 0, sizeof *fm);
	fm->body_line = 1;
	*problem = NULL;
	if (!is_fence(text, len, false, &n) || n >= len)
		return LOCI_OK;
	/* Find the closing fence. */
	off = n + 1;
	size_t block_start = off, block_end = 0;
	while (off < len && off - block_start <= MAX_BLOCK) {
		size_t ln;
		if (is_fence(text + off, len - off, true, &ln)) {
			block_end = off;
			off += ln + (off + ln < len);
			line++;
			break;
		}
		off += ln + 1;
		line++;
	}
	if (!block_end)
		return LOCI_OK;	/* no closing fence: the "---" was a rule */
	fm->present = true;
	fm->body_offset = off > len ? len : off;
	fm->body_line = (unsigned)line;

	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser))
		return LOCI_ERR_NOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text + block_start,
				     block_end - block_start);
	if (!yaml_parser_load(&parser, &doc)) {
		*problem = format_problem(&parser);
		yaml_parser_delete(&parser);
		return *problem ? LOCI_ERR_INVALID : LOCI_ERR_NOMEM;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
		     pr < root->data.mapping.pairs.top && st == LOCI_OK; pr++) {
			yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
			yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
			if (!k || !v || k->type != YAML_SCALAR_NODE)
				continue;
			const char *key = (const char *)k->data.scalar.value;
			char **field = NULL;
			if (strcmp(key, "title") == 0)
				field = &fm->title;
			else if (strcmp(key, "date") == 0)
				field = &fm->date;
			else if (strcmp(key, "source") == 0)
				field = &fm->source;
			else if (strcmp(key, "url") == 0)
				field = &fm->url;
			else if (strcmp(key, "author") == 0)
				field = &fm->author;
			else if (strcmp(key, "tags") == 0 && !read_tags(fm, &doc, v))
				st = LOCI_ERR_NOMEM;
			if (field && v->type == YAML_SCALAR_NODE) {
				free(*field);
				if (!(*field = scalar(v)))
					st = LOCI_ERR_NOMEM;
			}
		}
	} else if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)) {
		*problem = strdup("front matter is not a list of 'key: value' lines");
		st = *problem ? LOCI_ERR_INVALID : LOCI_ERR_NOMEM;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (st == LOCI_OK && fm->date && !(fm->date_sortable = loci_date_sortable(fm->date))) {
		size_t m = strlen(fm->date) + 64;
		if ((*problem = malloc(m)))
			snprintf(*problem, m, "date '%s' is not an ISO 8601 date (YYYY-MM-DD), ignored",
				 fm->date);
		free(fm->date);
		fm->date = NULL;
		st = *problem ? LOCI_ERR_INVALID : LOCI_ERR_NOMEM;
	}
	return st;
}

void
loci_front_matter_free(loci_front_matter *fm)
{
	free(fm->title);
	free(fm->date);
	free(fm->date_sortable);
	free(fm->source);
	free(fm->url);
	free(fm->author);
	for (size_t i = 0; i < fm->n_tags; i++)
		free(fm->tags[i]);
	free(fm->tags);
	memset(fm, 0, sizeof *fm);
}
