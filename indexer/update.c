#include "update.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "escape.h"
#include "index_info.h"
#include "passages.h"

typedef struct {
	char **items;
	size_t count, cap;
	bool sorted;
} pathset;

struct updater {
	loci_writer *w;
	loci_analyzer *an;
	update_options opts;
	update_counts counts;
	pathset seen;		/* every article path the walk produced */
	pathset protected;	/* paths that could not be read: keep what is under them */
	unsigned pending_articles;
	size_t pending_bytes;
	bool wrote;
	bool stopped;
	unsigned long files_done;
	struct timespec started, last_progress;
	bool progress_shown;
	loci_status error;
	char *error_msg;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
pathset_add(pathset *s, const char *path)
{
	if (s->count == s->cap) {
		size_t n = s->cap ? s->cap * 2 : 256;
		char **p = realloc(s->items, n * sizeof *p);
		if (!p)
			return false;
		s->items = p;
		s->cap = n;
	}
	if (!(s->items[s->count] = strdup(path)))
		return false;
	s->count++;
	s->sorted = false;
	return true;
}

static bool
pathset_has(pathset *s, const char *path)
{
	if (!s->count)
		return false;
	if (!s->sorted) {
		qsort(s->items, s->count, sizeof *s->items, cmp_str);
		s->sorted = true;
	}
	return s->count && bsearch(&path, s->items, s->count, sizeof *s->items, cmp_str);
}

static void
pathset_free(pathset *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->items[i]);
	free(s->items);
}

/* A line of its own on stderr, whole even when other updaters write
 * too, and not glued to the end of a progress line. */
static void
message(const updater *u, const char *head, const char *path, const char *tail,
	const char *what)
{
	flockfile(stderr);
	if (u->opts.shared && u->opts.shared->line_shown) {
		fputs("\r\033[K", stderr);
		u->opts.shared->line_shown = false;
	}
	fputs(head, stderr);
	loci_fputs_escaped(stderr, path, strlen(path));
	fprintf(stderr, "%s%s\n", tail, what);
	funlockfile(stderr);
}

static void
report(const updater *u, const char *path, const char *what)
{
	message(u, "loci-index: ", path, ": ", what);
}

static void
warn(const updater *u, const char *path, const char *what)
{
	message(u, "loci-index: warning: '", path, "': ", what);
}

loci_status
updater_new(loci_writer *w, loci_analyzer *an, const update_options *opts, updater **out)
{
	updater *u = calloc(1, sizeof *u);

	*out = u;
	if (!u)
		return LOCI_ERR_NOMEM;
	u->w = w;
	u->an = an;
	u->opts = *opts;
	clock_gettime(CLOCK_MONOTONIC, &u->started);
	return LOCI_OK;
}

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* The self-updating line a person at a terminal sees, at most ten times a
 * second. */
static void
show_progress(updater *u)
{
	struct timespec now;

	if (!u->opts.progress_total)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (u->progress_shown && elapsed(&u->last_progress, &now) < 0.1)
		return;
	u->last_progress = now;
	u->progress_shown = true;
	double secs = elapsed(&u->started, &now);
	double rate = secs > 0 ? (double)u->counts.bytes / 1e6 / secs : 0;
	unsigned long total = u->opts.progress_total > u->files_done ? u->opts.progress_total
								      : u->files_done;
	double eta = u->files_done ? secs * (double)(total - u->files_done) / (double)u->files_done : 0;
	fprintf(stderr, "\r\033[Kloci-index: %lu/%lu files, %.1f MB/s, ETA %d:%02d",
		u->files_done, total, rate, (int)eta / 60, (int)eta % 60);
	fflush(stderr);
}

static void
clear_progress(updater *u)
{
	if (u->progress_shown) {
		fputs("\r\033[K", stderr);
		u->progress_shown = false;
	}
}

void
updater_free(updater *u)
{
	if (!u)
		return;
	clear_progress(u);
	pathset_free(&u->seen);
	pathset_free(&u->protected);
	free(u->error_msg);
	free(u);
}

static void
fail(updater *u, loci_status st)
{
	if (!u->error)
		u->error = st;
}

void
updater_warn(void *ctx, const char *path, int errnum)
{
	updater *u = ctx;

	clear_progress(u);
	u->counts.skipped++;
	if (!pathset_add(&u->protected, path))
		fail(u, LOCI_ERR_NOMEM);
	warn(u, path, errnum == EINVAL ? "not a regular file or directory, skipped"
		   : errnum == ELOOP ? "symbolic link loop, skipped" : strerror(errnum));
}

static loci_status
commit_if_due(updater *u, bool force)
{
	if (!u->pending_articles)
		return LOCI_OK;
	if (!force && u->pending_articles < u->opts.commit_articles &&
	    u->pending_bytes < u->opts.commit_bytes)
		return LOCI_OK;
	char now[32];
	time_t t = time(NULL);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	loci_status st = loci_writer_set_meta(u->w, LOCI_META_UPDATED, now, &u->error_msg);
	if (st == LOCI_OK)
		st = loci_writer_commit(u->w, &u->error_msg);
	if (st == LOCI_OK) {
		u->pending_articles = 0;
		u->pending_bytes = 0;
	}
	return st;
}

/* Replaces the passages of path with those of a, and its record. */
static loci_status
store_article(updater *u, const char *path, const struct stat *st, const article *a,
	      unsigned *n_out)
{
	loci_passage *ps = NULL;
	size_t n = 0, body = a->meta.body_offset;
	loci_status rc = loci_split_passages(a->text + body, a->len - body, &ps, &n);

	if (rc != LOCI_OK)
		return rc;
	/* Passages know their place in the file, front matter included. */
	for (size_t i = 0; i < n; i++) {
		ps[i].start += body;
		ps[i].end += body;
		ps[i].line += a->meta.body_line - 1;
	}
	/* No commit falls inside these changes (the writer commits only
	 * when asked), so readers and a kill see the article whole or not. */
	rc = loci_writer_delete_article(u->w, path, &u->error_msg);
	for (size_t i = 0; rc == LOCI_OK && i < n; i++) {
		loci_passage_doc d = {
			.path = path,
			.title = a->title,
			.meta = &a->meta,
			.ordinal = ps[i].ordinal,
			.line = ps[i].line,
			.text = a->text + ps[i].start,
			.text_len = ps[i].end - ps[i].start,
		};
		rc = loci_writer_add_passage(u->w, u->an, &d, &u->error_msg);
	}
	if (rc == LOCI_OK) {
		loci_article_info info = {
			.size = (unsigned long long)st->st_size,
			.mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
			.passages = (unsigned)n,
		};
		memcpy(info.hash, a->hash, sizeof info.hash);
		rc = loci_writer_set_article(u->w, path, &info, &u->error_msg);
	}
	free(ps);
	*n_out = (unsigned)n;
	return rc;
}

int
updater_file(void *ctx, const char *path, const struct stat *st)
{
	updater *u = ctx;
	loci_article_info old;
	bool known = false;
	article a;
	loci_status rc;
	long long mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;

	if (u->opts.stop && *u->opts.stop) {
		u->stopped = true;
		return 1;
	}
	if (u->opts.skip_ino && st->st_ino == u->opts.skip_ino && st->st_dev == u->opts.skip_dev)
		return 0;
	if (u->opts.shards && loci_article_shard(path, u->opts.shards) != u->opts.shard)
		return 0;	/* another machine's */
	u->files_done++;
	if (u->opts.shared)
		atomic_fetch_add_explicit(&u->opts.shared->files, 1, memory_order_relaxed);
	show_progress(u);
	if (!pathset_add(&u->seen, path)) {
		fail(u, LOCI_ERR_NOMEM);
		return 1;
	}
	if ((rc = loci_writer_get_article(u->w, path, &old, &known, &u->error_msg)) != LOCI_OK) {
		fail(u, rc);
		return 1;
	}
	/* The common case of a nightly run: one stat and one lookup. */
	if (known && old.size == (unsigned long long)st->st_size && old.mtime_ns == mtime_ns) {
		u->counts.unchanged++;
		if (u->opts.verbose)
			report(u, path, "unchanged");
		return 0;
	}

	switch (article_read(path, u->opts.max_size, &a)) {
	case ARTICLE_OK:
		break;
	case ARTICLE_UNREADABLE:
		updater_warn(u, path, errno);
		return 0;
	case ARTICLE_TOO_LARGE:
		clear_progress(u);
		u->counts.skipped++;
		warn(u, path, "larger than --max-size, skipped");
		return 0;
	case ARTICLE_BINARY:
		clear_progress(u);
		u->counts.skipped++;
		warn(u, path, "binary file (holds NUL bytes), skipped");
		return 0;
	case ARTICLE_NOMEM:
		fail(u, LOCI_ERR_NOMEM);
		return 1;
	}
	if (a.was_cp1252) {
		clear_progress(u);
		warn(u, path, "not valid UTF-8, read as Windows-1252");
	}
	if (a.meta_problem) {
		clear_progress(u);
		warn(u, path, a.meta_problem);
	}
	u->counts.bytes += a.len;
	if (u->opts.shared)
		atomic_fetch_add_explicit(&u->opts.shared->bytes, a.len, memory_order_relaxed);

	if (known && strcmp(old.hash, a.hash) == 0) {
		/* Touched, not changed: remember the new stat, keep the passages. */
		old.size = (unsigned long long)st->st_size;
		old.mtime_ns = mtime_ns;
		rc = loci_writer_set_article(u->w, path, &old, &u->error_msg);
		u->counts.unchanged++;
		if (u->opts.verbose && rc == LOCI_OK)
			report(u, path, "unchanged (touched)");
	} else {
		unsigned n = 0;
		rc = store_article(u, path, st, &a, &n);
		if (rc == LOCI_OK) {
			u->counts.passages += n;
			if (known)
				u->counts.updated++;
			else
				u->counts.added++;
			if (u->opts.verbose)
				report(u, path, known ? "updated" : "added");
		}
	}
	if (rc == LOCI_OK) {
		u->wrote = true;
		u->pending_articles++;
		u->pending_bytes += a.len;
		rc = commit_if_due(u, false);
	}
	article_free(&a);
	if (rc != LOCI_OK) {
		fail(u, rc);
		return 1;
	}
	return 0;
}

typedef struct {
	updater *u;
	const char *root;
	size_t root_len;
	pathset gone;
} missing_ctx;

static bool
under(const char *path, const char *dir, size_t dir_len)
{
	/* "." is spelt away in the paths under it ("x.txt", not "./x.txt"). */
	if (strcmp(dir, ".") == 0)
		return path[0] != '/' && strncmp(path, "../", 3) != 0;
	return strncmp(path, dir, dir_len) == 0 &&
	       (path[dir_len] == '/' || (dir_len && dir[dir_len - 1] == '/'));
}

static int
collect_missing(void *ctx, const char *path, const loci_article_info *info)
{
	missing_ctx *m = ctx;

	(void)info;
	if (!under(path, m->root, m->root_len) || pathset_has(&m->u->seen, path))
		return 0;
	for (size_t i = 0; i < m->u->protected.count; i++) {
		const char *p = m->u->protected.items[i];
		if (strcmp(path, p) == 0 || under(path, p, strlen(p)))
			return 0;
	}
	if (!pathset_add(&m->gone, path)) {
		fail(m->u, LOCI_ERR_NOMEM);
		return 1;
	}
	return 0;
}

loci_status
updater_remove_missing(updater *u, const char *root)
{
	missing_ctx m = { u, root, strlen(root), { 0 } };
	loci_status rc;

	if (u->opts.keep_missing || u->error || u->stopped)
		return u->error;
	rc = loci_writer_list_articles(u->w, collect_missing, &m, &u->error_msg);
	if (rc == LOCI_OK && u->error)
		rc = u->error;
	for (size_t i = 0; rc == LOCI_OK && i < m.gone.count; i++) {
		rc = loci_writer_remove_article(u->w, m.gone.items[i], &u->error_msg);
		if (rc == LOCI_OK) {
			u->counts.removed++;
			u->wrote = true;
			u->pending_articles++;
			if (u->opts.verbose)
				report(u, m.gone.items[i], "removed");
		}
	}
	pathset_free(&m.gone);
	if (rc != LOCI_OK)
		fail(u, rc);
	return rc;
}

loci_status
updater_commit(updater *u, bool *wrote)
{
	loci_status rc;

	clear_progress(u);
	rc = commit_if_due(u, true);

	if (rc != LOCI_OK)
		fail(u, rc);
	*wrote = u->wrote;
	return rc;
}

loci_status
updater_error(const updater *u, const char **msg)
{
	*msg = u->error_msg;
	return u->error;
}

bool
updater_stopped(const updater *u)
{
	return u->stopped;
}

const update_counts *
updater_counts(const updater *u)
{
	return &u->counts;
}
