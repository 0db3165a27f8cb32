/* One loci-index run: brings the index in line with the articles it is
 * shown, touching only what changed, committing whole articles only. */
#ifndef LOCI_UPDATE_H
#define LOCI_UPDATE_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "analyzer.h"
#include "database.h"

/* What several updaters working at once report to the one thread that
 * draws the progress line (see parallel_build.h). */
typedef struct {
	atomic_ulong files;		/* files looked at */
	atomic_ullong bytes;		/* bytes of articles read */
	bool line_shown;		/* guarded by stderr's lock */
} update_progress;

typedef struct {
	size_t max_size;		/* larger files are skipped */
	unsigned commit_articles;	/* commit after this many changed articles */
	size_t commit_bytes;		/* ... or this many bytes of changed text */
	bool verbose;			/* a line per file on stderr */
	bool keep_missing;		/* --no-delete */
	const volatile sig_atomic_t *stop;	/* nonzero: stop after this article */
	unsigned long progress_total;	/* files expected; 0: no progress line */
	update_progress *shared;	/* counted here too, if not NULL */
	unsigned shard, shards;		/* --shard K/N: index only shard K of N */
	dev_t skip_dev;			/* a file not to index (the synonyms */
	ino_t skip_ino;			/* file); 0 if none */
} update_options;

typedef struct {
	unsigned long added, updated, removed, unchanged, skipped;
	unsigned long passages;		/* passages written */
	unsigned long long bytes;	/* bytes of articles read */
} update_counts;

typedef struct updater updater;

loci_status updater_new(loci_writer *w, loci_analyzer *an, const update_options *opts,
			updater **out);
void updater_free(updater *u);

/* Walk callbacks: an article found, a path that could not be read. */
int updater_file(void *u, const char *path, const struct stat *st);
void updater_warn(void *u, const char *path, int errnum);

/* Removes the articles recorded under directory root (as given to the
 * walk) that the walk did not see, unless keep_missing. */
loci_status updater_remove_missing(updater *u, const char *root);

/* Commits what is pending.  *wrote tells whether the run changed the index. */
loci_status updater_commit(updater *u, bool *wrote);

/* The index error that stopped the run, if any (message owned by u). */
loci_status updater_error(const updater *u, const char **msg);
bool updater_stopped(const updater *u);
const update_counts *updater_counts(const updater *u);

#endif
