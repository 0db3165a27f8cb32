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

enum {
	EXIT_NO_HITS = 1,
	EXIT_USAGE = 2,		/* bad option or query syntax */
	EXIT_INDEX = 3,		/* index missing, unreadable or unusable */
};

static const char usage_text[] =
	"usage: loci-search [-n N | --limit N] [--db DIR] [--format text|json|ndjson]\n"
	"                   [--color auto|always|never] [--explain] QUERY...\n"
	"       loci-search -h | --help | --version\n";

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_NDJSON } output_format;

typedef struct {
	const char *db;
	unsigned limit;
	output_format format;
	bool color;
	bool explain;
	char *query;
} options;

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
	fprintf(stderr, "loci-search: %s", what);
	if (arg) {
		fputs(" '", stderr);
		loci_fputs_escaped(stderr, arg, strlen(arg));
		fputc('\'', stderr);
	}
	fputc('\n', stderr);
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

/* Returns -1 to go on, or the exit code. */
static int
parse_options(int argc, char **argv, options *o)
{
	static const struct option long_opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "color", required_argument, NULL, 'c' },
		{ "colour", required_argument, NULL, 'c' },
		{ "explain", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *color_when = "auto";
	int opt;

	*o = (options){ .limit = 10, .format = FORMAT_TEXT };
	/* "+": options end at the first word, so a query may start "-word". */
	while ((opt = getopt_long(argc, argv, "+n:h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'n': {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-' || v > 100000)
				return usage_error("--limit needs a number from 0 to 100000, not", optarg);
			o->limit = (unsigned)v;
			break;
		}
		case 'd': o->db = optarg; break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				o->format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = FORMAT_JSON;
			else if (strcmp(optarg, "ndjson") == 0)
				o->format = FORMAT_NDJSON;
			else
				return usage_error("unknown --format (text, json or ndjson)", optarg);
			break;
		case 'c':
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
				return usage_error("unknown --color (auto, always or never)", optarg);
			color_when = optarg;
			break;
		case 'e': o->explain = true; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("loci-search %s\n", LOCI_VERSION); return 0;
		default: fputs(usage_text, stderr); return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return usage_error("no query given", NULL);
	o->color = want_color(color_when);
	if (!(o->query = join_words(argc - optind, argv + optind))) {
		fputs("loci-search: out of memory\n", stderr);
		return EXIT_INDEX;
	}
	return -1;
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

static int
run_query(const options *o, loci_db *db, loci_analyzer *an)
{
	loci_rewritten_query rq;
	loci_query *q = NULL;
	loci_results *res = NULL;
	highlighter *hl = NULL;
	printer p;
	char *msg = NULL;
	int rc = 0;
	loci_status st = loci_query_rewrite(an, o->query, strlen(o->query), &rq);

	if (st == LOCI_ERR_UTF8) {
		fputs("loci-search: the query is not valid UTF-8\n", stderr);
		return EXIT_USAGE;
	}
	if (st != LOCI_OK)
		goto fail;
	st = loci_db_parse_query(db, an, rq.text, &q, &msg);
	if (st == LOCI_ERR_QUERY_SYNTAX) {
		err_line("cannot parse query", o->query, msg);
		rc = EXIT_USAGE;
		goto out;
	}
	if (st == LOCI_OK)
		st = loci_db_search(db, q, 0, o->limit, &res, &msg);
	if (st == LOCI_ERR_QUERY_SYNTAX) {
		err_line("cannot run query", o->query, msg);
		rc = EXIT_USAGE;
		goto out;
	}
	if (st == LOCI_OK)
		st = highlighter_new(an, q, &rq, &hl);
	if (st != LOCI_OK)
		goto fail;

	if (o->format == FORMAT_TEXT)
		printer_text_init(&p, stdout, terminal_width(), o->color, o->explain);
	else
		printer_json_init(&p, stdout, o->format == FORMAT_NDJSON);
	p.begin(&p, o->query, loci_query_describe(q), loci_results_total(res));
	for (size_t i = 0; i < loci_results_count(res); i++) {
		loci_hit hit;
		span *spans = NULL;
		size_t n = 0;
		loci_results_get(res, i, &hit);
		/* Without spans the hit is still worth printing. */
		if (highlighter_spans(hl, hit.text, hit.text_len, &spans, &n) != LOCI_OK)
			n = 0;
		p.hit(&p, (unsigned)i + 1, &hit, spans, n);
		free(spans);
	}
	p.end(&p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "loci-search: cannot write results: %s\n", strerror(errno));
		rc = EXIT_INDEX;
	} else {
		rc = loci_results_count(res) ? 0 : EXIT_NO_HITS;
	}
	goto out;
fail:
	fputs("loci-search: search failed: ", stderr);
	fputs(loci_status_to_string(st), stderr);
	if (msg) {
		fputs(": ", stderr);
		loci_fputs_escaped(stderr, msg, strlen(msg));
	}
	fputc('\n', stderr);
	rc = EXIT_INDEX;
out:
	highlighter_free(hl);
	loci_results_free(res);
	loci_query_free(q);
	loci_rewritten_query_free(&rq);
	free(msg);
	return rc;
}

int
main(int argc, char **argv)
{
	options o;
	loci_db *db = NULL;
	loci_analyzer *an = NULL;
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
	if (!db_path)
		rc = EXIT_INDEX;
	else if ((rc = open_index(db_path, &db, &an)) == 0)
		rc = run_query(&o, db, an);
	loci_analyzer_free(an);
	loci_db_close(db);
	free(db_path);
	free(o.query);
	return rc;
}
