/* loci-search: finds the passages that answer a query. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "analyzer.h"
#include "database.h"
#include "escape.h"
#include "highlight.h"
#include "paths.h"
#include "printer.h"
#include "query_rewrite.h"
#include "regex_filter.h"
#include "suggest.h"

enum {
	EXIT_NO_HITS = 1,
	EXIT_USAGE = 2,		/* bad option or query syntax */
	EXIT_INDEX = 3,		/* index missing, unreadable or unusable */
};

#define MAX_CONTEXT 20

static const char usage_text[] =
	"usage: loci-search [-n N | --limit N] [--offset N] [--db DIR]...\n"
	"                   [--format text|json|ndjson|tsv|trec|vimgrep]\n"
	"                   [--color auto|always|never] [--explain]\n"
	"                   [--per-article N | --articles] [-C N | --context N]\n"
	"                   [--sort relevance|date|-date] [--no-synonyms] [--no-feedback]\n"
	"                   [--regex PATTERN] (QUERY... | --like PATH#N | --queries FILE)\n"
	"       loci-search -h | --help | --version\n";

typedef struct {
	const char *db;		/* the first --db */
	const char **shards;	/* the further ones */
	size_t n_shards;
	unsigned limit;
	bool limit_given;
	unsigned offset;
	unsigned per_article;
	bool articles;
	unsigned context;
	loci_sort sort;
	output_format format;
	bool color;
	bool explain;
	const char *like;
	const char *queries;
	bool no_synonyms;
	bool no_feedback;
	const char *regex;
	char *query;
} options;

typedef struct {
	const options *o;
	loci_db *db;
	loci_analyzer *an;
	loci_synonyms *syn;	/* NULL: none, or --no-synonyms */
	regex_filter *rf;	/* --regex, or NULL */
	printer p;
	bool any_hits;
	bool any_error;
} session;

/* One error line: "loci-search: WHAT 'SUBJECT': DETAIL", escaped. */
static void
err_line(const char *what, const char *subject, const char *detail)
{
	fprintf(stderr, "loci-search: %s", what);
	if (subject) {
		fputs(" '", stderr);
		loci_fputs_escaped(stderr, subject, strlen(subject));
		fputc('\'', stderr);
	}
	if (detail) {
		fputs(": ", stderr);
		loci_fputs_escaped(stderr, detail, strlen(detail));
	}
	fputc('\n', stderr);
}

static int
usage_error(const char *what, const char *arg)
{
	err_line(what, arg, NULL);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

static bool
want_color(const char *when)
{
	if (strcmp(when, "always") == 0)
		return true;
	if (strcmp(when, "never") == 0)
		return false;
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	return isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
	       !(term && strcmp(term, "dumb") == 0);
}

static unsigned
terminal_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	return 80;
}

static char *
join_words(int argc, char **argv)
{
	size_t n = 1;
	char *q, *p;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	if (!(q = p = malloc(n)))
		return NULL;
	*p = '\0';
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);
		if (i)
			*p++ = ' ';
		memcpy(p, argv[i], l + 1);
		p += l;
	}
	return q;
}

static bool
parse_count(const char *s, unsigned max, unsigned *out)
{
	char *end;

	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || s[0] == '-' || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Returns -1 to go on, or the exit code. */
static int
parse_options(int argc, char **argv, options *o)
{
	static const struct option long_opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "offset", required_argument, NULL, 'O' },
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "color", required_argument, NULL, 'c' },
		{ "colour", required_argument, NULL, 'c' },
		{ "explain", no_argument, NULL, 'e' },
		{ "per-article", required_argument, NULL, 'P' },
		{ "articles", no_argument, NULL, 'A' },
		{ "context", required_argument, NULL, 'C' },
		{ "sort", required_argument, NULL, 'S' },
		{ "like", required_argument, NULL, 'L' },
		{ "queries", required_argument, NULL, 'Q' },
		{ "no-synonyms", no_argument, NULL, 'N' },
		{ "no-feedback", no_argument, NULL, 'F' },
		{ "regex", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { const char *name; output_format f; } formats[] = {
		{ "text", FORMAT_TEXT }, { "json", FORMAT_JSON }, { "ndjson", FORMAT_NDJSON },
		{ "tsv", FORMAT_TSV }, { "trec", FORMAT_TREC }, { "vimgrep", FORMAT_VIMGREP },
	};
	const char *color_when = "auto";
	bool found;
	int opt;

	*o = (options){ .limit = 10, .per_article = 2, .format = FORMAT_TEXT };
	/* "+": options end at the first word, so a query may start "-word". */
	while ((opt = getopt_long(argc, argv, "+n:C:h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (!parse_count(optarg, 100000, &o->limit))
				return usage_error("--limit needs a number from 0 to 100000, not", optarg);
			o->limit_given = true;
			break;
		case 'O':
			if (!parse_count(optarg, 1000000, &o->offset))
				return usage_error("--offset needs a number, not", optarg);
			break;
		case 'P':
			if (!parse_count(optarg, 100000, &o->per_article))
				return usage_error("--per-article needs a number (0 for all), not", optarg);
			break;
		case 'A': o->articles = true; break;
		case 'C':
			if (!parse_count(optarg, MAX_CONTEXT, &o->context))
				return usage_error("--context needs a number from 0 to 20, not", optarg);
			break;
		case 'S':
			if (strcmp(optarg, "relevance") == 0)
				o->sort = LOCI_SORT_RELEVANCE;
			else if (strcmp(optarg, "date") == 0)
				o->sort = LOCI_SORT_DATE;
			else if (strcmp(optarg, "-date") == 0)
				o->sort = LOCI_SORT_DATE_DESC;
			else
				return usage_error("unknown --sort (relevance, date or -date)", optarg);
			break;
		case 'd':
			if (!o->db) {
				o->db = optarg;
			} else {
				const char **p = realloc(o->shards, (o->n_shards + 1) * sizeof *p);
				if (!p) {
					fputs("loci-search: out of memory\n", stderr);
					return EXIT_INDEX;
				}
				o->shards = p;
				o->shards[o->n_shards++] = optarg;
			}
			break;
		case 'f':
			found = false;
			for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
				if (strcmp(optarg, formats[i].name) == 0) {
					o->format = formats[i].f;
					found = true;
				}
			}
			if (!found)
				return usage_error("unknown --format (text, json, ndjson, tsv, trec "
						   "or vimgrep)", optarg);
			break;
		case 'c':
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
				return usage_error("unknown --color (auto, always or never)", optarg);
			color_when = optarg;
			break;
		case 'e': o->explain = true; break;
		case 'L': o->like = optarg; break;
		case 'Q': o->queries = optarg; break;
		case 'N': o->no_synonyms = true; break;
		case 'F': o->no_feedback = true; break;
		case 'R': o->regex = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("loci-search %s\n", LOCI_VERSION); return 0;
		default: fputs(usage_text, stderr); return EXIT_USAGE;
		}
	}
	int sources = (optind < argc) + (o->like != NULL) + (o->queries != NULL);
	if (sources == 0 && !o->regex)
		return usage_error("no query given", NULL);
	if (sources > 1)
		return usage_error("give query words, --like or --queries, not several of them", NULL);
	/* Evaluation tools rank articles, and look deeper than a person. */
	if (o->format == FORMAT_TREC) {
		o->articles = true;
		if (!o->limit_given)
			o->limit = 1000;
	}
	if (o->articles)
		o->per_article = 1;
	/* Alone, --regex is grep: every match, in index order. */
	if (o->regex && sources == 0 && !o->limit_given)
		o->limit = 100000;
	o->color = want_color(color_when);
	if (optind < argc && !(o->query = join_words(argc - optind, argv + optind))) {
		fputs("loci-search: out of memory\n", stderr);
		return EXIT_INDEX;
	}
	return -1;
}

/* Loads the synonyms the indexer stored, if any. */
static int
load_synonyms(const char *db_path, loci_db *db, loci_analyzer *an, loci_synonyms **syn)
{
	char *text = NULL, *msg = NULL, *problem = NULL;
	loci_status st = loci_db_get_meta(db, LOCI_META_SYNONYMS, &text, &msg);
	int rc = 0;

	if (st == LOCI_OK && *text)
		st = loci_synonyms_parse(an, text, strlen(text), syn, &problem);
	if (st != LOCI_OK) {
		err_line("cannot read the synonyms of index", db_path,
			 problem ? problem : msg ? msg : loci_status_to_string(st));
		rc = EXIT_INDEX;
	}
	free(text);
	free(msg);
	free(problem);
	return rc;
}

/* Adds the indexes of the second and later --db to the first. */
static int
add_shards(const options *o, loci_db *db)
{
	for (size_t i = 0; i < o->n_shards; i++) {
		char *msg = NULL;
		loci_status st = loci_db_add_shard(db, o->shards[i], &msg);
		if (st != LOCI_OK) {
			err_line(st == LOCI_ERR_NOT_FOUND ? "no index at" : "cannot open index",
				 o->shards[i], msg ? msg : loci_status_to_string(st));
			free(msg);
			return EXIT_INDEX;
		}
	}
	return 0;
}

/* Opens the index and the analyser it was built with. */
static int
open_index(const char *db_path, loci_db **db, loci_analyzer **an)
{
	char *msg = NULL, *lang = NULL, *version = NULL;
	loci_status st = loci_db_open(db_path, db, &msg);
	int rc = 0;

	if (st == LOCI_ERR_NOT_FOUND) {
		err_line("no index at", db_path, NULL);
		fputs("loci-search: hint: create it with 'loci-index --db DIR FOLDER', "
		      "or point --db or LOCI_DB at an existing one\n", stderr);
		free(msg);
		return EXIT_INDEX;
	}
	if (st == LOCI_OK)
		st = loci_db_get_meta(*db, LOCI_META_LANGUAGE, &lang, &msg);
	if (st == LOCI_OK)
		st = loci_db_get_meta(*db, LOCI_META_ANALYZER, &version, &msg);
	if (st != LOCI_OK) {
		err_line("cannot read index", db_path, msg ? msg : loci_status_to_string(st));
		rc = EXIT_INDEX;
	} else if (!*lang) {
		err_line("not a loci index:", db_path, "index it with loci-index first");
		rc = EXIT_INDEX;
	} else if (strcmp(version, LOCI_ANALYZER_VERSION) != 0) {
		err_line("index", db_path,
			 "built by another analyser version; rebuild it with loci-index --rebuild");
		rc = EXIT_INDEX;
	} else if (loci_analyzer_new(lang, an) != LOCI_OK) {
		err_line("index", db_path, "unknown stemming language; rebuild it with loci-index --rebuild");
		rc = EXIT_INDEX;
	}
	free(msg);
	free(lang);
	free(version);
	return rc;
}

/* Splits "path#N" into its parts; false if it is not a reference. */
static bool
parse_reference(const char *ref, char **path, unsigned *ordinal)
{
	const char *hash = strrchr(ref, '#');

	if (!hash || hash == ref || !parse_count(hash + 1, UINT_MAX, ordinal) || *ordinal == 0)
		return false;
	*path = strndup(ref, (size_t)(hash - ref));
	return *path != NULL;
}

/* Fetches the -C neighbours of h: passages ordinal-n .. ordinal+n of its
 * article.  The results are kept in keep[] for the hits to point into. */
static void
fetch_context(session *s, const loci_hit *h, loci_results **keep, size_t *n_keep,
	      loci_hit *before, size_t *n_before, loci_hit *after, size_t *n_after)
{
	unsigned n = s->o->context;

	*n_before = *n_after = 0;
	for (unsigned k = n; k >= 1; k--) {
		if (h->ordinal <= k)
			continue;
		loci_results *r = NULL;
		if (loci_db_get_passage(s->db, h->path, h->ordinal - k, &r, NULL) == LOCI_OK &&
		    loci_results_count(r)) {
			loci_results_get(r, 0, &before[(*n_before)++]);
			keep[(*n_keep)++] = r;
		} else {
			loci_results_free(r);
		}
	}
	for (unsigned k = 1; k <= n; k++) {
		loci_results *r = NULL;
		if (loci_db_get_passage(s->db, h->path, h->ordinal + k, &r, NULL) == LOCI_OK &&
		    loci_results_count(r)) {
			loci_results_get(r, 0, &after[(*n_after)++]);
			keep[(*n_keep)++] = r;
		} else {
			loci_results_free(r);
			break;	/* past the article's last passage */
		}
	}
}

/* A list of hits to print: copies of loci_hit pointing into results
 * that the list keeps alive. */
typedef struct {
	loci_hit *hits;
	size_t n, cap;
	loci_results **keep;
	size_t n_keep, cap_keep;
	span **regex_spans;	/* per hit, with --regex */
	size_t *n_regex_spans;
} hit_list;

static void
hit_list_free(hit_list *l)
{
	for (size_t i = 0; i < l->n_keep; i++)
		loci_results_free(l->keep[i]);
	for (size_t i = 0; l->regex_spans && i < l->n; i++)
		free(l->regex_spans[i]);
	free(l->regex_spans);
	free(l->n_regex_spans);
	free(l->keep);
	free(l->hits);
	memset(l, 0, sizeof *l);
}

static bool
hit_list_keep(hit_list *l, loci_results *r)
{
	if (l->n_keep == l->cap_keep) {
		size_t c = l->cap_keep ? l->cap_keep * 2 : 8;
		loci_results **p = realloc(l->keep, c * sizeof *p);
		if (!p)
			return false;
		l->keep = p;
		l->cap_keep = c;
	}
	l->keep[l->n_keep++] = r;
	return true;
}

static bool
hit_list_add(hit_list *l, const loci_hit *h, span *rs, size_t n_rs)
{
	if (l->n == l->cap) {
		size_t c = l->cap ? l->cap * 2 : 16;
		loci_hit *p = realloc(l->hits, c * sizeof *p);
		span **q = realloc(l->regex_spans, c * sizeof *q);
		if (q)
			l->regex_spans = q;
		size_t *m = realloc(l->n_regex_spans, c * sizeof *m);
		if (m)
			l->n_regex_spans = m;
		if (!p || !q || !m) {
			if (p)
				l->hits = p;
			return false;
		}
		l->hits = p;
		l->cap = c;
	}
	l->regex_spans[l->n] = rs;
	l->n_regex_spans[l->n] = n_rs;
	l->hits[l->n++] = *h;
	return true;
}

static void
print_results(session *s, const print_query *pq, const hit_list *l, highlighter *hl)
{
	loci_hit before[MAX_CONTEXT], after[MAX_CONTEXT];
	loci_results *keep[2 * MAX_CONTEXT];

	s->p.begin(&s->p, pq);
	for (size_t i = 0; i < l->n; i++) {
		const loci_hit *hit = &l->hits[i];
		span *spans = NULL, *merged = NULL;
		size_t n = 0, n_keep = 0;
		print_hit ph = { .rank = s->o->offset + (unsigned)i + 1, .hit = hit };

		/* Without spans the hit is still worth printing. */
		if (!hl || highlighter_spans(hl, hit->text, hit->text_len, &spans, &n) != LOCI_OK)
			n = 0;
		if (l->regex_spans && l->n_regex_spans[i]) {
			merged = spans_merge(spans, n, l->regex_spans[i], l->n_regex_spans[i], &n);
			free(spans);
			spans = merged;
			if (!spans)
				n = 0;
		}
		ph.spans = spans;
		ph.n_spans = n;
		if (s->o->context && !s->o->articles) {
			fetch_context(s, hit, keep, &n_keep, before, &ph.n_before, after,
				      &ph.n_after);
			ph.before = before;
			ph.after = after;
		}
		s->p.hit(&s->p, pq, &ph);
		for (size_t k = 0; k < n_keep; k++)
			loci_results_free(keep[k]);
		free(spans);
	}
	s->p.end(&s->p, pq);
}

/* Adds the hits of r that --regex matches (all of them without one),
 * skipping the first *skip matches, until l holds limit.  Returns 0, or
 * an exit code after printing why. */
static int
take_hits(session *s, loci_results *r, hit_list *l, unsigned *skip, const char *id)
{
	if (!hit_list_keep(l, r)) {
		loci_results_free(r);
		err_line("out of memory", NULL, NULL);
		return EXIT_INDEX;
	}
	for (size_t i = 0; i < loci_results_count(r) && l->n < s->o->limit; i++) {
		loci_hit h;
		span *rs = NULL;
		size_t n = 0;
		loci_results_get(r, i, &h);
		if (s->rf) {
			int m = regex_filter_spans(s->rf, h.text, h.text_len, &rs, &n);
			if (m < 0) {
				char ref[4096];
				hit_reference(&h, ref, sizeof ref);
				err_line(m == -1 ? "--regex is too costly on passage"
						 : "out of memory matching --regex on passage",
					 ref, m == -1 ? "PCRE2's match limit was reached; simplify "
							"the pattern (nested repeats such as (a+)+ "
							"backtrack without end)" : NULL);
				(void)id;
				return EXIT_USAGE;
			}
			if (m == 0)
				continue;
		}
		if (*skip) {
			(*skip)--;
			free(rs);
			continue;
		}
		if (!hit_list_add(l, &h, rs, n)) {
			free(rs);
			err_line("out of memory", NULL, NULL);
			return EXIT_INDEX;
		}
	}
	return 0;
}

/* With --regex, pages through the ranked hits of q (or, without q, every
 * passage in index order), keeping the ones the pattern matches. */
static int
collect_hits(session *s, const loci_query *q, loci_results *first, hit_list *l,
	     unsigned long *total, const char *id)
{
	unsigned skip = s->o->offset;
	char *msg = NULL;
	int rc = 0;

	if (!s->rf) {
		*total = loci_results_total(first);
		skip = 0;	/* the search applied the offset */
		return take_hits(s, first, l, &skip, id);
	}
	loci_results_free(first);
	const unsigned page = 500;
	unsigned long cursor = 0;
	unsigned offset = 0;
	for (;;) {
		loci_results *r = NULL;
		loci_status st;
		if (q) {
			/* As run_text ranks; a --like query is an expand
			 * set already. */
			loci_search_options so = { .offset = offset, .limit = page,
						   .per_article = s->o->per_article,
						   .sort = s->o->sort,
						   .feedback = !s->o->no_feedback && !s->o->like };
			st = loci_db_search(s->db, q, &so, &r, &msg);
		} else {
			st = loci_db_scan(s->db, &cursor, page, &r, &msg);
		}
		if (st != LOCI_OK) {
			err_line("search failed", id, msg ? msg : loci_status_to_string(st));
			free(msg);
			return EXIT_INDEX;
		}
		size_t got = loci_results_count(r);
		if ((rc = take_hits(s, r, l, &skip, id)) != 0)
			return rc;
		offset += page;
		if (got < page || l->n >= s->o->limit)
			break;
	}
	*total = l->n;
	return 0;
}

/* Parses and runs text (already typed by a person), printing its hits.
 * Returns LOCI_OK, or the status with the message printed. */
static loci_status
run_text(session *s, const char *text, loci_rewritten_query *rq, loci_query **q,
	 loci_results **res, char **msg)
{
	loci_search_options so = {
		.offset = s->o->offset, .limit = s->o->limit,
		.per_article = s->o->per_article, .sort = s->o->sort,
		.feedback = !s->o->no_feedback,
	};
	loci_status st = loci_query_rewrite(s->an, s->syn, text, strlen(text), rq);

	if (st == LOCI_OK)
		st = loci_db_parse_query(s->db, s->an, s->syn, rq->text, q, msg);
	if (st == LOCI_OK)
		st = loci_db_search(s->db, *q, &so, res, msg);
	return st;
}

/* Queries are typed, or written by programs; past these sizes they are
 * text pasted by mistake, and Xapian's parser slows down (10,000 words
 * take seconds).  Refused with a clear line rather than run for long. */
#define MAX_QUERY_BYTES (64 * 1024)
#define MAX_QUERY_WORDS 1000

static int
count_token(void *ctx, const loci_token *tok)
{
	size_t *n = ctx;

	if (tok->kind != LOCI_TOKEN_PART)
		++*n;
	return *n > MAX_QUERY_WORDS;
}

static int
check_query_size(session *s, const char *id, const char *query)
{
	size_t len = strlen(query), words = 0;
	char detail[128];

	if (len > MAX_QUERY_BYTES) {
		snprintf(detail, sizeof detail, "%zu bytes long; the limit is %d", len,
			 MAX_QUERY_BYTES);
		err_line("query too long", id, detail);
		return EXIT_USAGE;
	}
	/* Invalid UTF-8 is reported by the rewriter. */
	if (loci_analyzer_tokenize(s->an, query, len, count_token, &words) == LOCI_OK &&
	    words > MAX_QUERY_WORDS) {
		snprintf(detail, sizeof detail, "more than %d words", MAX_QUERY_WORDS);
		err_line("query too long", id, detail);
		return EXIT_USAGE;
	}
	return 0;
}

/* Runs one query (id is NULL unless from --queries); prints its hits or
 * one error line.  Returns the exit code for this query alone. */
static int
search_one(session *s, const char *id, const char *query)
{
	loci_rewritten_query rq = { 0 }, rq2 = { 0 };
	loci_query *q = NULL, *q2 = NULL;
	loci_results *res = NULL, *res2 = NULL;
	highlighter *hl = NULL;
	char *msg = NULL, *suggestion = NULL, *ref_path = NULL;
	print_query pq = { .id = id, .query = query };
	hit_list hits = { 0 };
	int rc = 0;
	loci_status st;

	if (!query) {
		/* --regex alone: every passage is a candidate. */
		pq.query = "";
		rc = collect_hits(s, NULL, NULL, &hits, &pq.total, id);
		if (rc == 0) {
			pq.parsed = "";
			print_results(s, &pq, &hits, NULL);
			rc = hits.n ? 0 : EXIT_NO_HITS;
		}
		hit_list_free(&hits);
		return rc;
	}

	if (s->o->like) {
		unsigned ordinal;
		loci_search_options so = {
			.offset = s->o->offset, .limit = s->o->limit,
			.per_article = s->o->per_article, .sort = s->o->sort,
		};
		if (!parse_reference(s->o->like, &ref_path, &ordinal)) {
			err_line("--like needs a reference PATH#N as loci-search shows it, not",
				 s->o->like, NULL);
			return EXIT_USAGE;
		}
		st = loci_db_like_query(s->db, s->an, ref_path, ordinal, &q, &msg);
		if (st == LOCI_ERR_INVALID) {
			err_line("cannot find", s->o->like, "no such passage in the index");
			rc = EXIT_USAGE;
			goto out;
		}
		if (st == LOCI_OK)
			st = loci_db_search(s->db, q, &so, &res, &msg);
	} else {
		if ((rc = check_query_size(s, id, query)) != 0)
			goto out;
		st = run_text(s, query, &rq, &q, &res, &msg);
		if (st == LOCI_ERR_UTF8) {
			err_line("the query is not valid UTF-8", id, NULL);
			rc = EXIT_USAGE;
			goto out;
		}
		if (st == LOCI_ERR_QUERY_SYNTAX) {
			err_line(id ? "cannot run query" : "cannot run query", id ? id : query, msg);
			rc = EXIT_USAGE;
			goto out;
		}
		if (st == LOCI_OK &&
		    (st = suggest_query(s->db, s->an, query, &suggestion, NULL)) != LOCI_OK)
			st = LOCI_OK;	/* a suggestion is a courtesy, not a must */
		pq.suggestion = suggestion;
		if (st == LOCI_OK && suggestion && loci_results_count(res) == 0 &&
		    run_text(s, suggestion, &rq2, &q2, &res2, NULL) == LOCI_OK &&
		    loci_results_count(res2)) {
			/* Nothing matched as typed: show what the correction finds. */
			pq.ran_suggestion = true;
		}
		if (suggestion && s->o->format == FORMAT_TEXT) {
			fputs("loci-search: ", stderr);
			if (pq.ran_suggestion) {
				fputs("nothing matches as typed; showing results for '", stderr);
				loci_fputs_escaped(stderr, suggestion, strlen(suggestion));
				fputs("'\n", stderr);
			} else {
				fputs("did you mean '", stderr);
				loci_fputs_escaped(stderr, suggestion, strlen(suggestion));
				fputs("'?\n", stderr);
			}
		}
	}
	if (st != LOCI_OK)
		goto fail;

	loci_query *shown_q = pq.ran_suggestion ? q2 : q;
	loci_results *shown = pq.ran_suggestion ? res2 : res;
	if (pq.ran_suggestion)
		res2 = NULL;
	else
		res = NULL;
	/* collect_hits owns shown from here. */
	if ((rc = collect_hits(s, shown_q, shown, &hits, &pq.total, id)) != 0)
		goto out;
	if (shown_q &&
	    (st = highlighter_new(s->an, shown_q, pq.ran_suggestion ? &rq2 : &rq, &hl)) != LOCI_OK)
		goto fail;
	pq.parsed = shown_q ? loci_query_describe(shown_q) : "";
	print_results(s, &pq, &hits, hl);
	rc = hits.n ? 0 : EXIT_NO_HITS;
	goto out;
fail:
	err_line("search failed", id, msg ? msg : loci_status_to_string(st));
	rc = EXIT_INDEX;
out:
	hit_list_free(&hits);
	highlighter_free(hl);
	loci_results_free(res);
	loci_results_free(res2);
	loci_query_free(q);
	loci_query_free(q2);
	loci_rewritten_query_free(&rq);
	loci_rewritten_query_free(&rq2);
	free(suggestion);
	free(ref_path);
	free(msg);
	return rc;
}

/* --queries: one query per line, "id<TAB>query" or just the query (its
 * line number is then its id).  A bad query is reported and skipped. */
static int
search_many(session *s, const char *file)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char *line = NULL, id[32];
	size_t cap = 0;
	ssize_t n;
	unsigned long no = 0;
	int worst = EXIT_NO_HITS;

	if (!f) {
		err_line("cannot read --queries", file, strerror(errno));
		return EXIT_USAGE;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		no++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (strspn(line, " \t") == (size_t)n)
			continue;	/* blank */
		char *tab = strchr(line, '\t');
		const char *qid = id, *text = line;
		if (tab) {
			*tab = '\0';
			qid = line;
			text = tab + 1;
		} else {
			snprintf(id, sizeof id, "%lu", no);
		}
		int rc = search_one(s, qid, text);
		if (rc == 0 && worst == EXIT_NO_HITS)
			worst = 0;
		else if (rc > 1 && rc > worst)
			worst = rc;
	}
	if (ferror(f)) {
		err_line("cannot read --queries", file, strerror(errno));
		worst = EXIT_USAGE;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return worst;
}

int
main(int argc, char **argv)
{
	options o;
	session s = { .o = &o };
	char *db_path = NULL;
	int rc = parse_options(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (o.db) {
		db_path = strdup(o.db);
	} else if (loci_default_db_path(&db_path) == LOCI_ERR_NOT_FOUND) {
		fputs("loci-search: no index location: use --db DIR or set LOCI_DB\n", stderr);
		free(o.query);
		return EXIT_USAGE;
	}
	if (!db_path) {
		rc = EXIT_INDEX;
	} else if ((rc = open_index(db_path, &s.db, &s.an)) == 0 &&
		   (rc = add_shards(&o, s.db)) == 0 &&
		   (o.no_synonyms || (rc = load_synonyms(db_path, s.db, s.an, &s.syn)) == 0)) {
		if (o.format == FORMAT_TEXT)
			printer_text_init(&s.p, stdout, terminal_width(), o.color, o.explain,
					  o.articles);
		else if (o.format == FORMAT_JSON || o.format == FORMAT_NDJSON)
			printer_json_init(&s.p, stdout, o.format == FORMAT_NDJSON);
		else
			printer_lines_init(&s.p, stdout, o.format);
		char *problem = NULL;
		if (o.regex && regex_filter_new(o.regex, &s.rf, &problem) != LOCI_OK) {
			err_line("bad --regex", o.regex, problem ? problem : "out of memory");
			free(problem);
			rc = EXIT_USAGE;
		} else if (o.queries) {
			rc = search_many(&s, o.queries);
		} else {
			rc = search_one(&s, NULL, o.like ? o.like : o.query);
		}
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "loci-search: cannot write results: %s\n", strerror(errno));
			rc = EXIT_INDEX;
		}
	}
	regex_filter_free(s.rf);
	loci_synonyms_free(s.syn);
	loci_analyzer_free(s.an);
	loci_db_close(s.db);
	free(db_path);
	free(o.query);
	free(o.shards);
	return rc;
}
