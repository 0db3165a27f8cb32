#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static bool
is_article_name(const char *name)
{
	size_t n = strlen(name);

	/* A folder's README describes the folder; it is not an article. */
	if (strcasecmp(name, "README.md") == 0 || strcasecmp(name, "README.txt") == 0)
		return false;

	return (n > 4 && strcmp(name + n - 4, ".txt") == 0) ||
	       (n > 3 && strcmp(name + n - 3, ".md") == 0);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directories being walked, from the root down: a symlink that leads
 * back to one of them is a loop. */
typedef struct ancestor {
	dev_t dev;
	ino_t ino;
	const struct ancestor *up;
} ancestor;

static int walk_dir(const char *dir, const struct stat *st, const ancestor *up,
		    const walk_callbacks *cb);

static char *
join_path(const char *dir, const char *name)
{
	if (strcmp(dir, ".") == 0)
		return strdup(name);	/* "x.txt", as a user would type it */
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

static int
walk_entry(const char *path, const char *name, const ancestor *up, const walk_callbacks *cb)
{
	struct stat sb;

	if (lstat(path, &sb) != 0) {
		cb->warn(cb->ctx, path, errno);
		return 0;
	}
	if (S_ISLNK(sb.st_mode)) {
		if (!cb->follow)
			return 0;
		if (stat(path, &sb) != 0) {
			cb->warn(cb->ctx, path, errno);
			return 0;
		}
	}
	if (S_ISDIR(sb.st_mode)) {
		for (const ancestor *a = up; a; a = a->up) {
			if (a->dev == sb.st_dev && a->ino == sb.st_ino) {
				cb->warn(cb->ctx, path, ELOOP);
				return 0;
			}
		}
		return walk_dir(path, &sb, up, cb);
	}
	if (S_ISREG(sb.st_mode) && is_article_name(name))
		return cb->file(cb->ctx, path, &sb);
	return 0;
}

static int
walk_dir(const char *dir, const struct stat *st, const ancestor *up, const walk_callbacks *cb)
{
	DIR *d = opendir(dir);
	ancestor self = { st->st_dev, st->st_ino, up };
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int stop = 0;

	if (!d) {
		cb->warn(cb->ctx, dir, errno);
		return 0;
	}
	/* Sorted, so that runs and ordinals do not depend on the file system. */
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;	/* hidden, and . and .. */
		if (n == cap) {
			size_t c = cap ? cap * 2 : 64;
			char **p = realloc(names, c * sizeof *p);
			if (!p) {
				cb->warn(cb->ctx, dir, ENOMEM);
				break;
			}
			names = p;
			cap = c;
		}
		if (!(names[n] = strdup(e->d_name))) {
			cb->warn(cb->ctx, dir, ENOMEM);
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (!stop) {
			char *path = join_path(dir, names[i]);
			if (!path) {
				cb->warn(cb->ctx, dir, ENOMEM);
				stop = 1;
			} else {
				stop = walk_entry(path, names[i], &self, cb);
				free(path);
			}
		}
		free(names[i]);
	}
	free(names);
	return stop;
}

int
walk_path(const char *root, const walk_callbacks *cb)
{
	struct stat sb;

	if (stat(root, &sb) != 0) {
		cb->warn(cb->ctx, root, errno);
		return 0;
	}
	if (S_ISDIR(sb.st_mode))
		return walk_dir(root, &sb, NULL, cb);
	if (!S_ISREG(sb.st_mode)) {
		cb->warn(cb->ctx, root, EINVAL);
		return 0;
	}
	return cb->file(cb->ctx, root, &sb);
}
