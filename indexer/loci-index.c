/* loci-index: splits articles into passages and keeps the index in line
 * with them. */
#define _XOPEN_SOURCE 700	/* realpath */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "database.h"
#include "escape.h"
#include "index_info.h"
#include "parallel_build.h"
#include "paths.h"
#include "synonyms.h"
#include "update.h"
#include "walk.h"

enum {
	EXIT_SKIPPED = 1,	/* some files were skipped, the rest indexed */
	EXIT_USAGE = 2,
	EXIT_INDEX = 3,		/* the index cannot be opened or written */
	EXIT_LOCKED = 4,	/* another loci-index holds the index */
};

static const char usage_text[] =
	"usage: loci-index [--db DIR] [--language LANG] [--synonyms FILE] [--rebuild]\n"
	"                  [--no-delete] [--follow] [--shard K/N]\n"
	"                  [--files-from FILE [-0 | --null]] [--max-size MB]\n"
	"                  [--commit-every N] [--commit-mb MB] [--wait SECONDS] [-j N]\n"
	"                  [--compact] [-v | --verbose] [-q | --quiet] [--json] [PATH...]\n"
	"       loci-index [--db DIR] --info | --list\n"
	"       loci-index -h | --help | --version\n";

typedef struct {
	const char *db;
	const char *language;
	bool language_given;
	bool rebuild, quiet, json, info, list, null_sep, compact;
	const char *files_from;
	const char *synonyms;
	double wait_seconds;
	unsigned jobs;		/* workers for a build from nothing */
	walk_callbacks walk;
	update_options update;
} options;

/* The one piece of process-wide state: a signal handler can reach
 * nothing else.  The run stops between two articles when it is set. */
static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* "loci-index: WHAT 'SUBJECT'REST", the subject escaped. */
static void
err_subject(const char *what, const char *subject, const char *rest)
{
	fprintf(stderr, "loci-index: %s '", what);
	loci_fputs_escaped(stderr, subject, strlen(subject));
	fprintf(stderr, "'%s\n", rest);
}

static int
usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "loci-index: %s", what);
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
parse_number(const char *s, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return !errno && end != s && !*end && *out >= 0 && *out <= max;
}

static int
index_error(const char *db_path, loci_status st, const char *msg)
{
	fputs("loci-index: ", stderr);
	if (st == LOCI_ERR_LOCKED) {
		fputs("index '", stderr);
		loci_fputs_escaped(stderr, db_path, strlen(db_path));
		fputs("' is locked by another loci-index (try again later, or use --wait SECONDS)\n",
		      stderr);
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

/* Returns -1 to go on, or the exit code. */
static int
parse_options(int argc, char **argv, options *o)
{
	static const struct option long_opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "language", required_argument, NULL, 'L' },
		{ "rebuild", no_argument, NULL, 'R' },
		{ "no-delete", no_argument, NULL, 'K' },
		{ "follow", no_argument, NULL, 'F' },
		{ "files-from", required_argument, NULL, 'f' },
		{ "synonyms", required_argument, NULL, 'Y' },
		{ "shard", required_argument, NULL, 'H' },
		{ "null", no_argument, NULL, '0' },
		{ "max-size", required_argument, NULL, 'M' },
		{ "commit-every", required_argument, NULL, 'C' },
		{ "commit-mb", required_argument, NULL, 'B' },
		{ "wait", required_argument, NULL, 'W' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
		{ "info", no_argument, NULL, 'I' },
		{ "list", no_argument, NULL, 'l' },
		{ "compact", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	double v;

	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*o = (options){
		.language = "english",
		/* Two writers when there are two cores: each holds about
		 * 100 MB before it commits, and two keep a first build
		 * under 300 MB (more with --jobs). */
		.jobs = cpus < 2 ? 1 : 2,
		.update = {
			.max_size = 64UL << 20,
			.commit_articles = 1000,
			.commit_bytes = 64UL << 20,
			.stop = &stop_signal,
		},
	};
	while ((opt = getopt_long(argc, argv, "0vqhj:", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'd': o->db = optarg; break;
		case 'L': o->language = optarg; o->language_given = true; break;
		case 'R': o->rebuild = true; break;
		case 'K': o->update.keep_missing = true; break;
		case 'F': o->walk.follow = true; break;
		case 'f': o->files_from = optarg; break;
		case 'Y': o->synonyms = optarg; break;
		case 'H': {
			unsigned k, n;
			char end;
			if (sscanf(optarg, "%u/%u%c", &k, &n, &end) != 2 || n == 0 || k == 0 || k > n ||
			    n > 1024)
				return usage_error("--shard needs K/N with 1 <= K <= N, not", optarg);
			o->update.shard = k;
			o->update.shards = n;
			break;
		}
		case '0': o->null_sep = true; break;
		case 'M':
			if (!parse_number(optarg, 1 << 20, &v) || v == 0)
				return usage_error("--max-size needs a size in MiB, not", optarg);
			o->update.max_size = (size_t)(v * (1 << 20));
			break;
		case 'C':
			if (!parse_number(optarg, 1e9, &v) || v < 1 || v != (double)(unsigned)v)
				return usage_error("--commit-every needs a whole number of articles, not",
						   optarg);
			o->update.commit_articles = (unsigned)v;
			break;
		case 'B':
			if (!parse_number(optarg, 1 << 20, &v) || v == 0)
				return usage_error("--commit-mb needs a size in MiB, not", optarg);
			o->update.commit_bytes = (size_t)(v * (1 << 20));
			break;
		case 'W':
			if (!parse_number(optarg, 1e6, &v))
				return usage_error("--wait needs a number of seconds, not", optarg);
			o->wait_seconds = v;
			break;
		case 'j':
			if (!parse_number(optarg, 64, &v) || v < 1 || v != (double)(unsigned)v)
				return usage_error("--jobs needs a whole number from 1 to 64, not",
						   optarg);
			o->jobs = (unsigned)v;
			break;
		case 'v': o->update.verbose = true; break;
		case 'q': o->quiet = true; break;
		case 'J': o->json = true; break;
		case 'I': o->info = true; break;
		case 'l': o->list = true; break;
		case 'c': o->compact = true; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("loci-index %s\n", LOCI_VERSION); return 0;
		default: fputs(usage_text, stderr); return EXIT_USAGE;
		}
	}
	if (!o->info && !o->list && optind == argc && !o->files_from)
		return usage_error("no PATH given: name the folders or files to index", NULL);
	if (o->null_sep && !o->files_from)
		return usage_error("-0 only applies to --files-from", NULL);
	return -1;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Opens the writer, waiting up to o->wait_seconds for another writer to
 * finish. */
static loci_status
open_writer(const char *db_path, const options *o, loci_writer **w, char **msg)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		loci_status st = loci_writer_open(db_path, o->rebuild, w, msg);
		if (st != LOCI_ERR_LOCKED || seconds_since(&t0) >= o->wait_seconds || stop_signal)
			return st;
		free(*msg);
		*msg = NULL;
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
}

/* Records the analyser settings in a new index, or checks that an existing
 * index was built with the same ones: mixing them would make documents
 * and queries disagree. */
static int
check_settings(loci_writer *w, const char *db_path, const options *o, char **language_out,
	       bool *created)
{
	char *lang = NULL, *version = NULL, *shard = NULL, *msg = NULL;
	char want_shard[32] = "";
	loci_status st = loci_writer_get_meta(w, LOCI_META_LANGUAGE, &lang, &msg);
	int rc = 0;

	if (o->update.shards)
		snprintf(want_shard, sizeof want_shard, "%u/%u", o->update.shard, o->update.shards);
	if (st == LOCI_OK)
		st = loci_writer_get_meta(w, LOCI_META_ANALYZER, &version, &msg);
	if (st == LOCI_OK)
		st = loci_writer_get_meta(w, LOCI_META_SHARD, &shard, &msg);
	if (st != LOCI_OK) {
		rc = index_error(db_path, st, msg);
	} else if (!*lang) {
		*created = true;
		st = loci_writer_set_meta(w, LOCI_META_LANGUAGE, o->language, &msg);
		if (st == LOCI_OK)
			st = loci_writer_set_meta(w, LOCI_META_ANALYZER, LOCI_ANALYZER_VERSION, &msg);
		if (st == LOCI_OK)
			st = loci_writer_set_meta(w, LOCI_META_SHARD, want_shard, &msg);
		/* At once: a run killed before its first commit must still
		 * leave an index that searches (empty) rather than a bare
		 * Xapian database. */
		if (st == LOCI_OK)
			st = loci_writer_commit(w, &msg);
		if (st != LOCI_OK)
			rc = index_error(db_path, st, msg);
		else if (!(*language_out = strdup(o->language)))
			rc = index_error(db_path, LOCI_ERR_NOMEM, NULL);
	} else if (strcmp(version, LOCI_ANALYZER_VERSION) != 0) {
		err_subject("index", db_path, " was built by another version of the analyser "
			    "(rebuild it with loci-index --rebuild)");
		rc = EXIT_INDEX;
	} else if (o->language_given && strcmp(lang, o->language) != 0) {
		char rest[256];
		snprintf(rest, sizeof rest, " is in language '%s', not '%s' (use --rebuild to "
			 "change it)", lang, o->language);
		err_subject("index", db_path, rest);
		rc = EXIT_USAGE;
	} else if (strcmp(shard, want_shard) != 0) {
		/* One shard's articles in another would be found twice. */
		char rest[160];
		snprintf(rest, sizeof rest, " is %s%s, not %s%s (use the same --shard, or --rebuild)",
			 *shard ? "shard " : "", *shard ? shard : "not a shard",
			 *want_shard ? "shard " : "", *want_shard ? want_shard : "a whole index");
		err_subject("index", db_path, rest);
		rc = EXIT_USAGE;
	} else {
		*language_out = lang;
		lang = NULL;
	}
	free(lang);
	free(version);
	free(shard);
	free(msg);
	return rc;
}

/* Spells a path the one way the index keys it, so that "corpus",
 * "./corpus/" and "corpus//" name the same articles: repeated slashes and
 * "." components go, trailing slashes too.  ".." is kept (it may cross a
 * symlink).  Works in place: the result is never longer. */
static void
normalize_path(char *p)
{
	char *out = p;
	const char *in = p;
	bool absolute = *p == '/';

	if (absolute)
		*out++ = *in++;
	while (*in) {
		while (*in == '/')
			in++;
		if (in[0] == '.' && (in[1] == '/' || in[1] == '\0')) {
			in++;
			continue;
		}
		if (!*in)
			break;
		if (out > p + absolute)
			*out++ = '/';
		while (*in && *in != '/')
			*out++ = *in++;
	}
	if (out == p)
		*out++ = '.';
	*out = '\0';
}

/* Feeds each name of --files-from to the walk.  Returns nonzero if the
 * walk was stopped or the list could not be read. */
static int
walk_files_from(const options *o, const walk_callbacks *cb)
{
	FILE *f = strcmp(o->files_from, "-") == 0 ? stdin : fopen(o->files_from, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int stop = 0;

	if (!f) {
		char rest[256];
		snprintf(rest, sizeof rest, ": %s", strerror(errno));
		err_subject("cannot read --files-from", o->files_from, rest);
		return -1;
	}
	while (!stop && (n = getdelim(&line, &cap, o->null_sep ? '\0' : '\n', f)) > 0) {
		if (line[n - 1] == (o->null_sep ? '\0' : '\n'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		normalize_path(line);
		stop = walk_path(line, cb);
	}
	if (!stop && ferror(f)) {
		char rest[256];
		snprintf(rest, sizeof rest, ": %s", strerror(errno));
		err_subject("cannot read --files-from", o->files_from, rest);
		stop = -1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return stop;
}

static void
print_summary(const options *o, const update_counts *c, bool wrote, double secs)
{
	if (o->json)
		printf("{\"added\": %lu, \"updated\": %lu, \"removed\": %lu, \"unchanged\": %lu, "
		       "\"skipped\": %lu, \"passages\": %lu, \"seconds\": %.3f}\n",
		       c->added, c->updated, c->removed, c->unchanged, c->skipped, c->passages, secs);
	if (o->quiet)
		return;
	if (!wrote) {
		fprintf(stderr, "loci-index: nothing changed (%lu articles unchanged, %lu skipped) "
			"in %.2f s\n", c->unchanged, c->skipped, secs);
		return;
	}
	fprintf(stderr, "loci-index: %lu added, %lu updated, %lu removed, %lu unchanged, "
		"%lu skipped; %lu passages written in %.2f s\n",
		c->added, c->updated, c->removed, c->unchanged, c->skipped, c->passages, secs);
}

static int
count_file(void *ctx, const char *path, const struct stat *st)
{
	(void)path;
	(void)st;
	++*(unsigned long *)ctx;
	return 0;
}

static void
ignore_warning(void *ctx, const char *path, int errnum)
{
	(void)ctx;
	(void)path;
	(void)errnum;
}

/* Counts the files the walk will meet, for the progress line.  Only done
 * when a person watches: it costs a second pass over the directories. */
static unsigned long
count_files(const options *o, int argc, char **argv)
{
	unsigned long n = 0;
	walk_callbacks cb = o->walk;

	cb.file = count_file;
	cb.warn = ignore_warning;
	cb.ctx = &n;
	for (int i = 0; i < argc && !stop_signal; i++)
		walk_path(argv[i], &cb);
	return n;
}

/* Reads, checks and stores the synonyms file in the index, where
 * loci-search finds it.  Returns an exit code. */
static int
store_synonyms(loci_writer *w, loci_analyzer *an, const char *db_path, const char *file)
{
	FILE *f = fopen(file, "rb");
	char *text = NULL, *problem = NULL, *msg = NULL;
	size_t len = 0;
	loci_synonyms *syn = NULL;
	int rc = 0;
	/* Absolute, so that a run from another directory still knows the
	 * file is not an article. */
	char *where = realpath(file, NULL);

	if (!f) {
		char rest[256];
		snprintf(rest, sizeof rest, ": %s", strerror(errno));
		err_subject("cannot read --synonyms", file, rest);
		return EXIT_USAGE;
	}
	FILE *mem = open_memstream(&text, &len);
	char buf[8192];
	size_t n;
	while (mem && (n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, mem);
	if (mem)
		fclose(mem);
	fclose(f);
	if (!text)
		return index_error(db_path, LOCI_ERR_NOMEM, NULL);
	loci_status st = loci_synonyms_parse(an, text, len, &syn, &problem);
	if (st == LOCI_ERR_INVALID) {
		char rest[512];
		snprintf(rest, sizeof rest, ": %s", problem);
		err_subject("bad --synonyms file", file, rest);
		rc = EXIT_USAGE;
	} else if (st != LOCI_OK) {
		rc = index_error(db_path, st, NULL);
	} else if (strlen(text) != len) {
		err_subject("bad --synonyms file", file, ": holds a NUL byte");
		rc = EXIT_USAGE;
	} else if ((st = loci_writer_set_meta(w, LOCI_META_SYNONYMS, text, &msg)) != LOCI_OK ||
		   (st = loci_writer_set_meta(w, LOCI_META_SYNONYMS_PATH, where ? where : file,
					      &msg)) != LOCI_OK ||
		   (st = loci_writer_commit(w, &msg)) != LOCI_OK) {
		/* Committed at once, even when no article changes. */
		rc = index_error(db_path, st, msg);
	}
	loci_synonyms_free(syn);
	free(where);
	free(problem);
	free(msg);
	free(text);
	return rc;
}

static int
copy_synonyms(loci_writer *from, loci_writer *to, const char *db_path)
{
	char *text = NULL, *msg = NULL;
	loci_status st = loci_writer_get_meta(from, LOCI_META_SYNONYMS, &text, &msg);
	int rc = 0;

	if (st == LOCI_OK && *text)
		st = loci_writer_set_meta(to, LOCI_META_SYNONYMS, text, &msg);
	free(text);
	text = NULL;
	if (st == LOCI_OK)
		st = loci_writer_get_meta(from, LOCI_META_SYNONYMS_PATH, &text, &msg);
	if (st == LOCI_OK && *text)
		st = loci_writer_set_meta(to, LOCI_META_SYNONYMS_PATH, text, &msg);
	if (st == LOCI_OK)
		st = loci_writer_commit(to, &msg);
	if (st != LOCI_OK)
		rc = index_error(db_path, st, msg);
	free(text);
	free(msg);
	return rc;
}

/* For --rebuild: the language of the index being replaced, unless one
 * is given, so that a rebuild does not switch languages behind the
 * user's back. */
static loci_status
rebuild_language(loci_writer *old, const options *o, options *changed, char **msg)
{
	char *lang = NULL;
	loci_status st;

	*changed = *o;
	if (o->language_given)
		return LOCI_OK;
	if ((st = loci_writer_get_meta(old, LOCI_META_LANGUAGE, &lang, msg)) != LOCI_OK)
		return st;
	if (*lang) {
		changed->language = lang;	/* freed by the caller via changed */
		changed->language_given = true;
	} else {
		free(lang);
	}
	return LOCI_OK;
}

/* Compacts srcs into DB.compact and swaps that in at db_path in one step
 * (srcs is db_path itself, a rebuild beside it, or a parallel build's
 * parts); the index that was at db_path is removed. */
static int
compact_into_place(const char *const *srcs, size_t n_srcs, const char *db_path)
{
	size_t n = strlen(db_path) + sizeof ".compact";
	char *dst = malloc(n), *msg = NULL;
	int rc = 0;

	if (!dst)
		return index_error(db_path, LOCI_ERR_NOMEM, NULL);
	snprintf(dst, n, "%s.compact", db_path);
	/* One left by a run killed while compacting: ours, we hold the lock. */
	loci_remove_tree(dst);
	loci_status st = loci_db_compact(srcs, n_srcs, dst, &msg);
	if (st != LOCI_OK) {
		rc = index_error(db_path, st, msg);
	} else if (loci_exchange_dirs(dst, db_path) != LOCI_OK) {
		char rest[256];
		snprintf(rest, sizeof rest, ": %s", strerror(errno));
		err_subject("cannot move the compacted index into place at", db_path, rest);
		rc = EXIT_INDEX;
	}
	loci_remove_tree(dst);	/* the index replaced, or a failed copy */
	free(dst);
	free(msg);
	return rc;
}

static int
found_article(void *ctx, const char *path, const loci_article_info *info)
{
	(void)path;
	(void)info;
	*(bool *)ctx = true;
	return 1;
}

/* No article recorded: a first build, a rebuild, or a first build that
 * was killed before its parts were merged. */
static bool
holds_no_articles(loci_writer *w)
{
	bool any = false;
	char *msg = NULL;
	loci_status st = loci_writer_list_articles(w, found_article, &any, &msg);

	free(msg);
	return st == LOCI_OK && !any;
}

static const char *
signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : "SIGTERM";
}

/* Builds the index at db_path from nothing with o->jobs workers, in parts
 * beside target (db_path, or the rebuild beside it) whose writer w holds
 * the settings.  Returns the exit code. */
static int
build_in_parallel(const options *o, const update_options *uo, const char *db_path,
		  const char *target, loci_writer *w, const char *lang, bool rebuild, int argc,
		  char **argv, const struct timespec *t0)
{
	parallel_build *pb = NULL;
	char *msg = NULL;
	const char *pmsg;
	int rc = 0, walk_rc = 0;
	loci_status st = parallel_build_new(target, w, lang, o->jobs, uo, &pb, &msg);

	if (st != LOCI_OK) {
		rc = index_error(db_path, st, msg);
		goto out;
	}
	walk_callbacks cb = parallel_build_walk_callbacks(pb, o->walk.follow);
	for (int i = 0; i < argc && !walk_rc; i++)
		walk_rc = walk_path(argv[i], &cb);
	if (!walk_rc && o->files_from && walk_files_from(o, &cb) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (!stop_signal)
		parallel_build_run(pb, !o->quiet && !uo->verbose && isatty(STDERR_FILENO));
	if ((st = parallel_build_error(pb, &pmsg)) != LOCI_OK) {
		rc = index_error(db_path, st, pmsg);
		goto out;
	}
	update_counts c = parallel_build_counts(pb);
	if (stop_signal && rebuild) {
		fprintf(stderr, "loci-index: stopped by %s: the rebuild was abandoned, the index "
			"is as it was\n", signal_name(stop_signal));
		rc = 128 + stop_signal;
		goto out;
	}
	/* Merged even when stopped: every part is committed, and the next run
	 * carries on from the merged index. */
	size_t n;
	const char *const *parts = parallel_build_parts(pb, &n);
	if ((rc = compact_into_place(parts, n, db_path)) != 0)
		goto out;
	if (stop_signal) {
		fprintf(stderr, "loci-index: stopped by %s after %lu articles (%lu added, "
			"%lu unchanged), all committed; run again to finish\n",
			signal_name(stop_signal), c.added + c.unchanged, c.added, c.unchanged);
		rc = 128 + stop_signal;
		goto out;
	}
	print_summary(o, &c, c.added || c.updated || c.removed, seconds_since(t0));
	if (c.skipped)
		rc = EXIT_SKIPPED;
out:
	parallel_build_free(pb);
	free(msg);
	return rc;
}

static int
run(const options *opts, const char *db_path, int argc, char **argv)
{
	loci_writer *w = NULL, *guard = NULL;
	loci_analyzer *an = NULL;
	updater *u = NULL;
	char *lang = NULL, *msg = NULL, *build_path = NULL;
	const char *umsg;
	struct timespec t0;
	bool wrote = false, swapped = false, created = false;
	int rc = 0, walk_rc = 0;
	loci_status st;
	options o = *opts;
	char *owned_language = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (opts->rebuild) {
		/* Build beside the index and swap it in at the end: searches
		 * see the old index until the new one is whole.  Holding the
		 * old index's lock keeps other writers out meanwhile. */
		options plain = *opts;
		plain.rebuild = false;
		if ((st = open_writer(db_path, &plain, &guard, &msg)) != LOCI_OK) {
			rc = index_error(db_path, st, msg);
			goto out;
		}
		if ((st = rebuild_language(guard, opts, &o, &msg)) != LOCI_OK) {
			rc = index_error(db_path, st, msg);
			goto out;
		}
		if (o.language != opts->language)
			owned_language = (char *)o.language;
		size_t n = strlen(db_path) + sizeof ".rebuild";
		if (!(build_path = malloc(n))) {
			rc = index_error(db_path, LOCI_ERR_NOMEM, NULL);
			goto out;
		}
		snprintf(build_path, n, "%s.rebuild", db_path);
		/* Left over by a rebuild that was killed: ours to remove, as we
		 * hold the lock. */
		if (loci_remove_tree(build_path) != LOCI_OK) {
			err_subject("cannot remove", build_path, "");
			rc = EXIT_INDEX;
			goto out;
		}
		st = loci_writer_open(build_path, true, &w, &msg);
	} else {
		st = open_writer(db_path, &o, &w, &msg);
	}
	if (st != LOCI_OK) {
		rc = index_error(db_path, st, msg);
		goto out;
	}
	if ((rc = check_settings(w, db_path, &o, &lang, &created)) != 0)
		goto out;
	/* The lock is ours: what a killed parallel build left is too. */
	parallel_build_clean(db_path);
	if (build_path)
		parallel_build_clean(build_path);
	if (loci_analyzer_new(lang, &an) != LOCI_OK) {
		err_subject("index", db_path, " names an unknown language "
			    "(rebuild it with loci-index --rebuild)");
		rc = EXIT_INDEX;
		goto out;
	}
	if (o.synonyms && (rc = store_synonyms(w, an, db_path, o.synonyms)) != 0)
		goto out;
	/* A rebuild keeps the synonyms of the index it replaces. */
	if (guard && !o.synonyms && (rc = copy_synonyms(guard, w, db_path)) != 0)
		goto out;
	update_options uo = o.update;
	/* The synonyms file is the index's configuration, not an article,
	 * even when it sits in the folder being indexed. */
	char *syn_path = NULL;
	if (loci_writer_get_meta(w, LOCI_META_SYNONYMS_PATH, &syn_path, NULL) == LOCI_OK) {
		struct stat sb;
		if (*syn_path && stat(syn_path, &sb) == 0) {
			uo.skip_dev = sb.st_dev;
			uo.skip_ino = sb.st_ino;
		}
		free(syn_path);
	}
	for (int i = 0; i < argc; i++)
		normalize_path(argv[i]);
	if (o.jobs > 1 && (build_path || holds_no_articles(w))) {
		rc = build_in_parallel(&o, &uo, db_path, build_path ? build_path : db_path, w, lang,
				       build_path != NULL, argc, argv, &t0);
		swapped = true;	/* a rebuild's own directory is not needed */
		goto out;
	}
	if (!o.quiet && !uo.verbose && isatty(STDERR_FILENO) && !o.files_from)
		uo.progress_total = count_files(&o, argc, argv);
	if ((st = updater_new(w, an, &uo, &u)) != LOCI_OK) {
		rc = index_error(db_path, st, NULL);
		goto out;
	}

	walk_callbacks cb = o.walk;
	cb.file = updater_file;
	cb.warn = updater_warn;
	cb.ctx = u;
	for (int i = 0; i < argc && !walk_rc; i++) {
		walk_rc = walk_path(argv[i], &cb);
		struct stat sb;
		if (!walk_rc && stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			updater_remove_missing(u, argv[i]);
	}
	if (!walk_rc && o.files_from && walk_files_from(&o, &cb) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if ((st = updater_error(u, &umsg)) != LOCI_OK) {
		/* What was committed stays; changes since are dropped. */
		rc = index_error(db_path, st, umsg);
		goto out;
	}
	const update_counts *c = updater_counts(u);
	if (stop_signal && build_path) {
		fprintf(stderr, "loci-index: stopped by %s: the rebuild was abandoned, the index "
			"is as it was\n", signal_name(stop_signal));
		rc = 128 + stop_signal;
		goto out;
	}
	if ((st = updater_commit(u, &wrote)) != LOCI_OK) {
		updater_error(u, &umsg);
		rc = index_error(db_path, st, umsg);
		goto out;
	}
	if (stop_signal) {
		fprintf(stderr, "loci-index: stopped by %s after %lu articles (%lu added, "
			"%lu updated, %lu unchanged), all committed; run again to finish\n",
			signal_name(stop_signal),
			c->added + c->updated + c->unchanged, c->added, c->updated, c->unchanged);
		rc = 128 + stop_signal;
		goto out;
	}
	if (build_path || o.compact || (wrote && created)) {
		/* A whole new index is compacted on the way into place: with
		 * the free space of its many commits gone it is about half the
		 * size.  The lock (w, or guard for a rebuild) is still held. */
		const char *src = build_path ? build_path : db_path;
		if ((rc = compact_into_place(&src, 1, db_path)) != 0)
			goto out;
		swapped = build_path != NULL;
	}
	print_summary(&o, c, wrote, seconds_since(&t0));
	if (!rc && c->skipped)
		rc = EXIT_SKIPPED;
out:
	updater_free(u);
	loci_writer_close(w);
	/* After a swap build_path holds the old index; otherwise an
	 * abandoned rebuild.  Either way it goes, before the lock does. */
	if (build_path && (swapped || rc))
		loci_remove_tree(build_path);
	loci_writer_close(guard);
	loci_analyzer_free(an);
	free(owned_language);
	free(build_path);
	free(lang);
	free(msg);
	return rc;
}

int
main(int argc, char **argv)
{
	options o;
	char *db_path = NULL;
	loci_analyzer *probe = NULL;
	int rc = parse_options(argc, argv, &o);
	loci_status st;

	if (rc >= 0)
		return rc;
	if (o.db) {
		db_path = strdup(o.db);
	} else if (loci_default_db_path(&db_path) == LOCI_ERR_NOT_FOUND) {
		fputs("loci-index: no index location: use --db DIR or set LOCI_DB\n", stderr);
		return EXIT_USAGE;
	}
	if (!db_path) {
		fputs("loci-index: out of memory\n", stderr);
		return EXIT_INDEX;
	}
	if (o.info || o.list) {
		rc = o.info ? index_info_print(db_path, stdout) : index_list_print(db_path, stdout);
		free(db_path);
		return rc;
	}
	/* Check the language before anything touches the disk. */
	if ((st = loci_analyzer_new(o.language, &probe)) != LOCI_OK) {
		fprintf(stderr, "loci-index: unknown language '%s' (see loci-index(1) for the list)\n",
			o.language);
		free(db_path);
		return EXIT_USAGE;
	}
	loci_analyzer_free(probe);
	if (loci_mkdir_p(db_path) != LOCI_OK) {
		err_subject("cannot create index directory", db_path, "");
		free(db_path);
		return EXIT_INDEX;
	}

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Past a file size limit, a write should fail (EFBIG, reported like
	 * a full disk) rather than kill us mid-commit. */
	signal(SIGXFSZ, SIG_IGN);

	rc = run(&o, db_path, argc - optind, argv + optind);
	free(db_path);
	return rc;
}
