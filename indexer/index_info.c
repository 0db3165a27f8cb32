#include "index_info.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "database.h"
#include "escape.h"

static unsigned long long
dir_size(const char *dir)
{
	unsigned long long total = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			total += (unsigned long long)sb.st_size;
	}
	closedir(d);
	return total;
}

int
index_info_print(const char *db_path, FILE *out)
{
	loci_db *db = NULL;
	loci_db_stats s;
	char *msg = NULL, *lang = NULL, *version = NULL, *updated = NULL, *synonyms = NULL;
	loci_status st = loci_db_open(db_path, &db, &msg);

	if (st == LOCI_OK)
		st = loci_db_get_stats(db, &s, &msg);
	if (st == LOCI_OK)
		st = loci_db_get_meta(db, LOCI_META_LANGUAGE, &lang, &msg);
	if (st == LOCI_OK)
		st = loci_db_get_meta(db, LOCI_META_ANALYZER, &version, &msg);
	if (st == LOCI_OK)
		st = loci_db_get_meta(db, LOCI_META_UPDATED, &updated, &msg);
	if (st == LOCI_OK)
		st = loci_db_get_meta(db, LOCI_META_SYNONYMS_PATH, &synonyms, &msg);
	if (st == LOCI_OK && !*lang) {
		fputs("loci-index: '", stderr);
		loci_fputs_escaped(stderr, db_path, strlen(db_path));
		fputs("' is not a loci index\n", stderr);
		st = LOCI_ERR_INVALID;
	} else if (st != LOCI_OK) {
		fputs("loci-index: cannot read index '", stderr);
		loci_fputs_escaped(stderr, db_path, strlen(db_path));
		fprintf(stderr, "': %s%s%s\n", loci_status_to_string(st), msg ? ": " : "",
			msg ? msg : "");
	} else {
		unsigned long long bytes = dir_size(db_path);
		fputs("index:     ", out);
		loci_fputs_escaped(out, db_path, strlen(db_path));
		fprintf(out, "\narticles:  %lu\npassages:  %lu\nterms:     %lu\n"
			"size:      %.1f MB (%llu bytes)\nupdated:   %s\n"
			"language:  %s\nanalyser:  %s\nrevision:  %llu\nsynonyms:  ",
			s.articles, s.passages, s.terms, (double)bytes / 1e6, bytes,
			*updated ? updated : "never", lang,
			*version ? version : "-", s.revision);
		if (*synonyms)
			loci_fputs_escaped(out, synonyms, strlen(synonyms));
		else
			fputs("none", out);
		fputc('\n', out);
	}
	free(msg);
	free(lang);
	free(version);
	free(updated);
	free(synonyms);
	loci_db_close(db);
	return st == LOCI_OK ? 0 : 3;
}

static int
print_article(void *ctx, const char *path, const loci_article_info *info)
{
	FILE *out = ctx;

	loci_fputs_escaped(out, path, strlen(path));
	fprintf(out, "\t%u\t%s\t%llu\n", info->passages, info->hash, info->size);
	return 0;
}

int
index_list_print(const char *db_path, FILE *out)
{
	loci_db *db = NULL;
	char *msg = NULL;
	loci_status st = loci_db_open(db_path, &db, &msg);

	if (st == LOCI_OK)
		st = loci_db_list_articles(db, print_article, out, &msg);
	if (st != LOCI_OK) {
		fputs("loci-index: cannot read index '", stderr);
		loci_fputs_escaped(stderr, db_path, strlen(db_path));
		fprintf(stderr, "': %s%s%s\n", loci_status_to_string(st), msg ? ": " : "",
			msg ? msg : "");
	}
	free(msg);
	loci_db_close(db);
	return st == LOCI_OK ? 0 : 3;
}
