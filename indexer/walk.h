/* Finding the articles under the paths given to loci-index. */
#ifndef LOCI_WALK_H
#define LOCI_WALK_H

#include <stdbool.h>
#include <sys/stat.h>

typedef struct {
	/* An article to index, with its stat.  Nonzero return stops the walk. */
	int (*file)(void *ctx, const char *path, const struct stat *st);
	/* path could not be read (errno-style errnum); the walk goes on. */
	void (*warn)(void *ctx, const char *path, int errnum);
	void *ctx;
	bool follow;	/* follow symlinks inside directories too */
} walk_callbacks;

/* Walks root: a file named directly is always an article (symlinks
 * followed); inside directories, in byte order of names, only regular
 * .txt and .md files are, and hidden entries are skipped, as are symlinks
 * unless cb->follow (a directory met twice is a loop: warned, skipped).
 * Returns nonzero if a callback stopped the walk. */
int walk_path(const char *root, const walk_callbacks *cb);

#endif
