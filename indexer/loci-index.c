/* loci-index: splits articles into passages and stores them in the index. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "article.h"
#include "database.h"
#include "escape.h"
#include "passages.h"
#include "paths.h"
#include "walk.h"

enum {
	EXIT_SKIPPED = 1,	/* some files were skipped, the rest indexed */
	EXIT_USAGE = 2,
	EXIT_INDEX = 3,		/* the index cannot be opened or written */
	EXIT_LOCKED = 4,	/* another loci-index holds the index */
};

#define DEFAULT_MAX_SIZE (64UL << 20)

static const char usage_text[] =
	"usage: loci-index [--db DIR] [--language LANG] [--rebuild] [-q | --quiet] PATH...\n"
	"       loci-index -h | --help | --version\n";

typedef struct {
	loci_writer *w;
	loci_analyzer *an;
	size_t max_size;
	unsigned long articles, passages, skipped;
	loci_status fatal;	/* an index error that ends the run */
	char *fatal_msg;
} indexer;

static void
warn_path(const char *path, const char *what)
{
	fputs("loci-index: warning: '", stderr);
	loci_fputs_escaped(stderr, path, strlen(path));
	fprintf(stderr, "': %s\n", what);
}

static void
on_walk_error(void *ctx, const char *path, int errnum)
{
	indexer *ix = ctx;

	ix->skipped++;
	warn_path(path, errnum == EINVAL ? "not a regular file or directory, skipped"
					 : strerror(errnum));
}

static int
index_article(void *ctx, const char *path)
{
	indexer *ix = ctx;
	article a;
	loci_passage *ps = NULL;
	size_t n = 0;
	loci_status st;

	switch (article_read(path, ix->max_size, &a)) {
	case ARTICLE_OK:
		break;
	case ARTICLE_UNREADABLE:
		ix->skipped++;
		warn_path(path, strerror(errno));
		return 0;
	case ARTICLE_TOO_LARGE:
		ix->skipped++;
		warn_path(path, "larger than the size limit, skipped");
		return 0;
	case ARTICLE_BINARY:
		ix->skipped++;
		warn_path(path, "binary file (holds NUL bytes), skipped");
		return 0;
	case ARTICLE_NOMEM:
		ix->fatal = LOCI_ERR_NOMEM;
		return 1;
	}
	if (a.was_cp1252)
		warn_path(path, "not valid UTF-8, read as Windows-1252");

	st = loci_split_passages(a.text, a.len, &ps, &n);
	if (st == LOCI_OK)
		st = loci_writer_delete_article(ix->w, path, &ix->fatal_msg);
	for (size_t i = 0; st == LOCI_OK && i < n; i++) {
		loci_passage_doc d = {
			.path = path,
			.title = a.title,
			.ordinal = ps[i].ordinal,
			.line = ps[i].line,
			.start = ps[i].start,
			.end = ps[i].end,
			.text = a.text + ps[i].start,
			.text_len = ps[i].end - ps[i].start,
		};
		st = loci_writer_add_passage(ix->w, ix->an, &d, &ix->fatal_msg);
	}
	free(ps);
	article_free(&a);
	if (st != LOCI_OK) {
		ix->fatal = st;
		return 1;
	}
	ix->articles++;
	ix->passages += n;
	return 0;
}

static int
index_error(const char *db_path, loci_status st, const char *msg)
{
	fputs("loci-index: ", stderr);
	if (st == LOCI_ERR_LOCKED) {
		fputs("index '", stderr);
		loci_fputs_escaped(stderr, db_path, strlen(db_path));
		fputs("' is locked by another loci-index (try again when it has finished)\n", stderr);
		return EXIT_LOCKED;
	}
	fputs("cannot update index '", stderr);
	loci_fputs_escaped(stderr, db_path, strlen(db_path));
	fprintf(stderr, "': %s", loci_status_to_string(st));
	if (msg && *msg) {
		fputs(": ", stderr);
		loci_fputs_escaped(stderr, msg, strlen(msg));
	}
	fputc('\n', stderr);
	return EXIT_INDEX;
}

/* Records the analyser settings in a new index, or checks that an existing
 * index was built with the same ones: mixing them would make documents
 * and queries disagree. */
static int
check_settings(loci_writer *w, const char *db_path, const char *language,
	       bool language_given, char **language_out)
{
	char *lang = NULL, *version = NULL, *msg = NULL;
	loci_status st = loci_writer_get_meta(w, LOCI_META_LANGUAGE, &lang, &msg);
	int rc = 0;

	if (st == LOCI_OK)
		st = loci_writer_get_meta(w, LOCI_META_ANALYZER, &version, &msg);
	if (st != LOCI_OK) {
		rc = index_error(db_path, st, msg);
	} else if (!*lang) {
		st = loci_writer_set_meta(w, LOCI_META_LANGUAGE, language, &msg);
		if (st == LOCI_OK)
			st = loci_writer_set_meta(w, LOCI_META_ANALYZER, LOCI_ANALYZER_VERSION, &msg);
		if (st != LOCI_OK)
			rc = index_error(db_path, st, msg);
		else
			*language_out = strdup(language);
	} else if (strcmp(version, LOCI_ANALYZER_VERSION) != 0) {
		fprintf(stderr, "loci-index: index '%s' was built by another version of the "
			"analyser (rebuild it with loci-index --rebuild)\n", db_path);
		rc = EXIT_INDEX;
	} else if (language_given && strcmp(lang, language) != 0) {
		fprintf(stderr, "loci-index: index '%s' is in language '%s', not '%s' "
			"(use --rebuild to change it)\n", db_path, lang, language);
		rc = EXIT_USAGE;
	} else {
		*language_out = lang;
		lang = NULL;
	}
	free(lang);
	free(version);
	free(msg);
	return rc;
}

static void
strip_trailing_slashes(char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
}

int
main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "language", required_argument, NULL, 'L' },
		{ "rebuild", no_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_opt = NULL, *language = "english";
	bool language_given = false, rebuild = false, quiet = false;
	char *db_path = NULL, *lang = NULL, *msg = NULL;
	indexer ix = { .max_size = DEFAULT_MAX_SIZE };
	struct timespec t0, t1;
	int opt, rc = 0;
	loci_status st;

	while ((opt = getopt_long(argc, argv, "qh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db_opt = optarg; break;
		case 'L': language = optarg; language_given = true; break;
		case 'R': rebuild = true; break;
		case 'q': quiet = true; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("loci-index %s\n", LOCI_VERSION); return 0;
		default: fputs(usage_text, stderr); return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		fputs("loci-index: no PATH given: name the folders or files to index\n", stderr);
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((st = loci_analyzer_new(language, &ix.an)) != LOCI_OK) {
		if (st == LOCI_ERR_INVALID)
			fprintf(stderr, "loci-index: unknown language '%s' (see loci-index(1) "
				"for the list)\n", language);
		else
			fprintf(stderr, "loci-index: %s\n", loci_status_to_string(st));
		return EXIT_USAGE;
	}
	loci_analyzer_free(ix.an);
	ix.an = NULL;

	if (db_opt) {
		db_path = strdup(db_opt);
	} else if (loci_default_db_path(&db_path) == LOCI_ERR_NOT_FOUND) {
		fputs("loci-index: no index location: use --db DIR or set LOCI_DB\n", stderr);
		return EXIT_USAGE;
	}
	if (!db_path) {
		fputs("loci-index: out of memory\n", stderr);
		return EXIT_INDEX;
	}
	if (loci_mkdir_p(db_path) != LOCI_OK) {
		fprintf(stderr, "loci-index: cannot create index directory '%s': %s\n",
			db_path, strerror(errno));
		free(db_path);
		return EXIT_INDEX;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = loci_writer_open(db_path, rebuild, &ix.w, &msg);
	if (st != LOCI_OK) {
		rc = index_error(db_path, st, msg);
		goto out;
	}
	if ((rc = check_settings(ix.w, db_path, language, language_given, &lang)) != 0)
		goto out;
	if (!lang || loci_analyzer_new(lang, &ix.an) != LOCI_OK) {
		fprintf(stderr, "loci-index: index '%s' names an unknown language "
			"(rebuild it with loci-index --rebuild)\n", db_path);
		rc = EXIT_INDEX;
		goto out;
	}

	walk_callbacks cb = { index_article, on_walk_error, &ix };
	for (int i = optind; i < argc && !ix.fatal; i++) {
		strip_trailing_slashes(argv[i]);
		walk_path(argv[i], &cb);
	}
	if (ix.fatal) {
		/* Nothing is committed: the index keeps its previous state. */
		rc = index_error(db_path, ix.fatal, ix.fatal_msg);
		goto out;
	}
	if ((st = loci_writer_commit(ix.w, &msg)) != LOCI_OK) {
		rc = index_error(db_path, st, msg);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!quiet)
		fprintf(stderr, "loci-index: %lu articles, %lu passages in %.2f s%s\n",
			ix.articles, ix.passages,
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			ix.skipped ? " (some files skipped, see above)" : "");
	rc = ix.skipped ? EXIT_SKIPPED : 0;
out:
	loci_writer_close(ix.w);
	loci_analyzer_free(ix.an);
	free(ix.fatal_msg);
	free(msg);
	free(lang);
	free(db_path);
	return rc;
}
