#define _POSIX_C_SOURCE 200809L

#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
