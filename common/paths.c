#define _GNU_SOURCE	/* renameat2, nftw's FTW_ACTIONRETVAL-free flags */

#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static loci_status
join(const char *a, const char *b, char **out)
{
	size_t n = strlen(a) + strlen(b) + 1;

	if (!(*out = malloc(n)))
		return LOCI_ERR_NOMEM;
	snprintf(*out, n, "%s%s", a, b);
	return LOCI_OK;
}

loci_status
loci_default_db_path(char **out)
{
	const char *env;

	*out = NULL;
	if ((env = getenv("LOCI_DB")) && *env)
		return join(env, "", out);
	if ((env = getenv("XDG_DATA_HOME")) && *env)
		return join(env, "/loci", out);
	if ((env = getenv("HOME")) && *env)
		return join(env, "/.local/share/loci", out);
	return LOCI_ERR_NOT_FOUND;
}

loci_status
loci_mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	struct stat sb;

	if (!p)
		return LOCI_ERR_NOMEM;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			free(p);
			return LOCI_ERR_IO;
		}
		*s = saved;
		if (saved == '\0')
			break;
	}
	free(p);
	if (stat(dir, &sb) != 0)
		return LOCI_ERR_IO;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return LOCI_ERR_IO;
	}
	return LOCI_OK;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

loci_status
loci_remove_tree(const char *dir)
{
	struct stat sb;

	if (lstat(dir, &sb) != 0)
		return errno == ENOENT ? LOCI_OK : LOCI_ERR_IO;
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? LOCI_OK : LOCI_ERR_IO;
}

loci_status
loci_exchange_dirs(const char *a, const char *b)
{
	return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0 ? LOCI_OK : LOCI_ERR_IO;
}
