#include "parallel_build.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paths.h"

/* What the updater needs of a file's stat, kept for every listed file
 * (a whole struct stat is three times the size). */
typedef struct {
	char *path;
	long long size;
	struct timespec mtime;
	dev_t dev;
	ino_t ino;
} listed_file;

typedef struct {
	parallel_build *pb;
	char *dir;		/* TARGET.partK */
	loci_writer *w;
	loci_analyzer *an;
	updater *u;
	size_t first, end;	/* its run of pb->files */
	pthread_t thread;
	bool started;
} worker;

struct parallel_build {
	worker *workers;
	unsigned jobs;
	char **dirs;		/* the workers' dirs, for parallel_build_parts */
	listed_file *files;
	size_t count, cap;
	unsigned long long bytes;	/* sum of the listed sizes */
	bool list_failed;	/* out of memory while listing */
	update_progress progress;
	atomic_uint running;
};

static loci_status
open_part(worker *wk, const char *target, unsigned k, loci_writer *settings, const char *language,
	  const update_options *opts, char **err)
{
	size_t n = strlen(target) + 32;
	loci_status st;

	if (!(wk->dir = malloc(n)))
		return LOCI_ERR_NOMEM;
	snprintf(wk->dir, n, "%s.part%u", target, k);
	if (loci_remove_tree(wk->dir) != LOCI_OK)
		return LOCI_ERR_IO;
	if ((st = loci_writer_open(wk->dir, true, &wk->w, err)) != LOCI_OK)
		return st;
	if ((st = loci_writer_copy_meta(settings, wk->w, err)) != LOCI_OK ||
	    (st = loci_writer_commit(wk->w, err)) != LOCI_OK)
		return st;
	if ((st = loci_analyzer_new(language, &wk->an)) != LOCI_OK)
		return st;
	return updater_new(wk->w, wk->an, opts, &wk->u);
}

void
parallel_build_clean(const char *target)
{
	char *copy1 = strdup(target), *copy2 = strdup(target);
	DIR *d = NULL;

	if (!copy1 || !copy2)
		goto out;
	const char *dir = dirname(copy1), *base = basename(copy2);
	size_t base_len = strlen(base);
	if (!(d = opendir(dir)))
		goto out;
	for (struct dirent *e; (e = readdir(d));) {
		const char *num = e->d_name + base_len + sizeof ".part" - 1;
		if (strncmp(e->d_name, base, base_len) != 0 ||
		    strncmp(e->d_name + base_len, ".part", 5) != 0 || !*num ||
		    strspn(num, "0123456789") != strlen(num))
			continue;
		size_t n = strlen(dir) + strlen(e->d_name) + 2;
		char *path = malloc(n);
		if (path) {
			snprintf(path, n, "%s/%s", dir, e->d_name);
			loci_remove_tree(path);
			free(path);
		}
	}
out:
	if (d)
		closedir(d);
	free(copy1);
	free(copy2);
}

loci_status
parallel_build_new(const char *target, loci_writer *settings, const char *language, unsigned jobs,
		   const update_options *opts, parallel_build **out, char **err)
{
	parallel_build *pb = calloc(1, sizeof *pb);
	loci_status st = LOCI_OK;

	*out = pb;
	if (!pb)
		return LOCI_ERR_NOMEM;
	pb->workers = calloc(jobs, sizeof *pb->workers);
	pb->dirs = calloc(jobs, sizeof *pb->dirs);
	if (!pb->workers || !pb->dirs)
		return LOCI_ERR_NOMEM;
	pb->jobs = jobs;

	update_options wo = *opts;
	/* The memory a writer holds before committing is the build's peak:
	 * shared out, so that N workers use what one would. */
	wo.commit_articles = opts->commit_articles / jobs ? opts->commit_articles / jobs : 1;
	wo.commit_bytes = opts->commit_bytes / jobs ? opts->commit_bytes / jobs : 1;
	wo.progress_total = 0;
	wo.shared = &pb->progress;
	for (unsigned k = 0; k < jobs && st == LOCI_OK; k++) {
		pb->workers[k].pb = pb;
		st = open_part(&pb->workers[k], target, k + 1, settings, language, &wo, err);
		pb->dirs[k] = pb->workers[k].dir;
	}
	return st;
}

void
parallel_build_free(parallel_build *pb)
{
	if (!pb)
		return;
	for (unsigned k = 0; pb->workers && k < pb->jobs; k++) {
		worker *wk = &pb->workers[k];
		updater_free(wk->u);
		loci_writer_close(wk->w);
		loci_analyzer_free(wk->an);
		if (wk->dir)
			loci_remove_tree(wk->dir);
		free(wk->dir);
	}
	for (size_t i = 0; i < pb->count; i++)
		free(pb->files[i].path);
	free(pb->files);
	free(pb->workers);
	free(pb->dirs);
	free(pb);
}

static int
list_file(void *ctx, const char *path, const struct stat *st)
{
	parallel_build *pb = ctx;

	if (pb->count == pb->cap) {
		size_t n = pb->cap ? pb->cap * 2 : 1024;
		listed_file *f = realloc(pb->files, n * sizeof *f);
		if (!f) {
			pb->list_failed = true;
			return 1;
		}
		pb->files = f;
		pb->cap = n;
	}
	listed_file *f = &pb->files[pb->count];
	if (!(f->path = strdup(path))) {
		pb->list_failed = true;
		return 1;
	}
	f->size = (long long)st->st_size;
	f->mtime = st->st_mtim;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	pb->bytes += (unsigned long long)st->st_size;
	pb->count++;
	return 0;
}

/* Walk warnings happen before any worker runs: the first one's updater
 * counts them, as a single run would. */
static void
list_warning(void *ctx, const char *path, int errnum)
{
	parallel_build *pb = ctx;

	updater_warn(pb->workers[0].u, path, errnum);
}

walk_callbacks
parallel_build_walk_callbacks(parallel_build *pb, bool follow)
{
	return (walk_callbacks){ .file = list_file, .warn = list_warning, .ctx = pb,
				 .follow = follow };
}

static void *
work(void *arg)
{
	worker *wk = arg;
	bool wrote;

	for (size_t i = wk->first; i < wk->end; i++) {
		const listed_file *f = &wk->pb->files[i];
		struct stat st = { 0 };
		st.st_size = (off_t)f->size;
		st.st_mtim = f->mtime;
		st.st_dev = f->dev;
		st.st_ino = f->ino;
		if (updater_file(wk->u, f->path, &st))
			break;	/* an error (kept in the updater), or stopped */
	}
	/* Stopped or not, what was read is committed: a stopped first build
	 * is merged and resumed by the next run. */
	updater_commit(wk->u, &wrote);
	atomic_fetch_sub(&wk->pb->running, 1);
	return NULL;
}

/* Cuts the list into runs of about equal bytes, in the walk's order. */
static void
share_out(parallel_build *pb)
{
	size_t i = 0;
	unsigned long long sum = 0;

	for (unsigned k = 0; k < pb->jobs; k++) {
		unsigned long long until = pb->bytes / pb->jobs * (k + 1);
		pb->workers[k].first = i;
		while (i < pb->count && (k == pb->jobs - 1 || sum < until))
			sum += (unsigned long long)pb->files[i++].size;
		pb->workers[k].end = i;
	}
}

static void
draw_progress(parallel_build *pb, const struct timespec *t0)
{
	struct timespec now;
	unsigned long done = atomic_load(&pb->progress.files);
	unsigned long long bytes = atomic_load(&pb->progress.bytes);

	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
	double rate = secs > 0 ? (double)bytes / 1e6 / secs : 0;
	double eta = bytes ? secs * (double)(pb->bytes > bytes ? pb->bytes - bytes : 0) /
			     (double)bytes : 0;
	flockfile(stderr);
	fprintf(stderr, "\r\033[Kloci-index: %lu/%zu files, %.1f MB/s, ETA %d:%02d",
		done, pb->count, rate, (int)eta / 60, (int)eta % 60);
	pb->progress.line_shown = true;
	fflush(stderr);
	funlockfile(stderr);
}

void
parallel_build_run(parallel_build *pb, bool show_progress)
{
	struct timespec t0;

	if (pb->list_failed)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	share_out(pb);
	for (unsigned k = 0; k < pb->jobs; k++) {
		worker *wk = &pb->workers[k];
		atomic_fetch_add(&pb->running, 1);
		if (pthread_create(&wk->thread, NULL, work, wk) != 0) {
			work(wk);	/* no thread to be had: do its share here */
			continue;
		}
		wk->started = true;
	}
	while (show_progress && atomic_load(&pb->running)) {
		draw_progress(pb, &t0);
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	for (unsigned k = 0; k < pb->jobs; k++)
		if (pb->workers[k].started)
			pthread_join(pb->workers[k].thread, NULL);
	flockfile(stderr);
	if (pb->progress.line_shown)
		fputs("\r\033[K", stderr);
	pb->progress.line_shown = false;
	funlockfile(stderr);
}

loci_status
parallel_build_error(const parallel_build *pb, const char **msg)
{
	*msg = NULL;
	if (pb->list_failed)
		return LOCI_ERR_NOMEM;
	for (unsigned k = 0; k < pb->jobs; k++) {
		loci_status st = updater_error(pb->workers[k].u, msg);
		if (st != LOCI_OK)
			return st;
	}
	return LOCI_OK;
}

update_counts
parallel_build_counts(const parallel_build *pb)
{
	update_counts sum = { 0 };

	for (unsigned k = 0; k < pb->jobs; k++) {
		const update_counts *c = updater_counts(pb->workers[k].u);
		sum.added += c->added;
		sum.updated += c->updated;
		sum.removed += c->removed;
		sum.unchanged += c->unchanged;
		sum.skipped += c->skipped;
		sum.passages += c->passages;
		sum.bytes += c->bytes;
	}
	return sum;
}

const char *const *
parallel_build_parts(const parallel_build *pb, size_t *n)
{
	*n = pb->jobs;
	return (const char *const *)pb->dirs;
}
