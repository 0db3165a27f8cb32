/* Unit tests of the C wrapper over Xapian: writing, reading, searching,
 * and the mapping of Xapian's errors to loci_status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "database.h"
#include "query_rewrite.h"

static char scratch[64];	/* the test's directory under /tmp */
static loci_analyzer *an;

/* ---- helpers ---- */

/* Removes path and, if it is a directory, everything under it. */
static void
rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char sub[4096];
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
			rm_rf(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* A fresh path under the scratch directory (static, overwritten by the
 * next call). */
static const char *
db_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof path, "%s/%s", scratch, name);
	return path;
}

/* Checks that a failure came with a message, and frees it. */
#define CHECK_ERR_MSG(err) do { \
	if (CHECK((err) != NULL)) \
		CHECK(strlen(err) > 0); \
	free(err); \
	(err) = NULL; \
} while (0)

typedef struct {
	const char *text;
	unsigned line;
} test_passage;

static const char PATH_A[] = "corpus/a.txt";
static const char PATH_B[] = "corpus/b.txt";

static const test_passage ARTICLE_A[] = {
	{ "Islamic State-Khorasan is recruiting fighters in Tajikistan.", 1 },
	{ "The al-Qaeda leader was a rival of ISIS-K for years.", 3 },
	{ "Guantánamo detainees and Russia’s recruitment drive.", 5 },
	{ NULL, 0 }
};

static const test_passage ARTICLE_B[] = {
	{ "The Taliban signed an agreement in Doha with the United States.", 1 },
	{ "Tajik migrants in Russia face raids after the attack.", 2 },
	{ "Recruits from Uzbekistan number 1,500 of 1.3 million migrants.", 4 },
	{ NULL, 0 }
};

/* Replaces the article at path by the given passages. */
static bool
index_article(loci_writer *w, const char *path, const char *title, const test_passage *ps)
{
	char *err = NULL;
	bool ok = CHECK_STATUS(loci_writer_delete_article(w, path, &err), LOCI_OK);

	for (unsigned i = 0; ps[i].text; i++) {
		loci_passage_doc d = {
			.path = path,
			.title = title,
			.ordinal = i + 1,
			.line = ps[i].line,
			.text = ps[i].text,
			.text_len = strlen(ps[i].text),
		};
		ok &= CHECK_STATUS(loci_writer_add_passage(w, an, &d, &err), LOCI_OK);
	}
	if (err)
		NOTE("xapian: %s", err);
	free(err);
	return ok;
}

/* Creates the index at path with articles A and B, committed. */
static bool
build_index(const char *path)
{
	loci_writer *w = NULL;
	char *err = NULL;

	if (!CHECK_STATUS(loci_writer_open(path, true, &w, &err), LOCI_OK)) {
		free(err);
		return false;
	}
	bool ok = index_article(w, PATH_A, "Article A", ARTICLE_A);
	ok &= index_article(w, PATH_B, "Article B", ARTICLE_B);
	ok &= CHECK_STATUS(loci_writer_set_meta(w, LOCI_META_LANGUAGE, "english", &err), LOCI_OK);
	ok &= CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
	loci_writer_close(w);
	free(err);
	return ok;
}

static unsigned long
passage_count(const char *path)
{
	loci_db *db = NULL;
	unsigned long n = ~0ul;
	char *err = NULL;

	if (CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK))
		CHECK_STATUS(loci_db_passage_count(db, &n, &err), LOCI_OK);
	loci_db_close(db);
	free(err);
	return n;
}

/* Rewrites, parses and runs query as loci-search does.  On success *out
 * holds the results (free with loci_results_free()). */
static loci_status
run_query(loci_db *db, const char *query, unsigned offset, unsigned limit,
	  loci_results **out, char **err)
{
	loci_rewritten_query rq;
	loci_query *q = NULL;
	loci_status st;

	*out = NULL;
	if ((st = loci_query_rewrite(an, NULL, query, strlen(query), &rq)) != LOCI_OK)
		return st;
	st = loci_db_parse_query(db, an, NULL, rq.text, &q, err);
	if (st == LOCI_OK) {
		loci_search_options so = { .offset = offset, .limit = limit };
		st = loci_db_search(db, q, &so, out, err);
	}
	loci_query_free(q);
	loci_rewritten_query_free(&rq);
	return st;
}

/* Runs query and returns how many passages match (the hit count for up
 * to 100 hits), or -1 on an error, reported as a failed check. */
#define HITS(db, query) hits((db), (query), __LINE__)

static long
hits(loci_db *db, const char *query, int line)
{
	loci_results *r = NULL;
	char *err = NULL;
	long n = -1;

	if (CHECK_STATUS(run_query(db, query, 0, 100, &r, &err), LOCI_OK))
		n = (long)loci_results_count(r);
	else
		NOTE("query '%s' at line %d: %s", query, line, err ? err : "(no message)");
	loci_results_free(r);
	free(err);
	return n;
}

/* True if some hit of r has this path and ordinal. */
static bool
has_hit(const loci_results *r, const char *path, unsigned ordinal)
{
	for (size_t i = 0; r && i < loci_results_count(r); i++) {
		loci_hit h;
		loci_results_get(r, i, &h);
		if (strcmp(h.path, path) == 0 && h.ordinal == ordinal)
			return true;
	}
	return false;
}

/* Runs query and checks that the only hit is the passage path#ordinal. */
#define CHECK_ONLY_HIT(db, query, path, ordinal) \
	check_only_hit((db), (query), (path), (ordinal), __LINE__)

static void
check_only_hit(loci_db *db, const char *query, const char *path, unsigned ordinal, int line)
{
	loci_results *r = NULL;
	char *err = NULL;

	if (CHECK_STATUS(run_query(db, query, 0, 100, &r, &err), LOCI_OK)) {
		if (!CHECK_UINT_EQ(loci_results_count(r), 1) || !CHECK(has_hit(r, path, ordinal)))
			NOTE("query '%s' at line %d", query, line);
	} else {
		NOTE("query '%s' at line %d: %s", query, line, err ? err : "(no message)");
	}
	loci_results_free(r);
	free(err);
}

/* ---- tests ---- */

static void
test_status_strings(void)
{
	const char *seen[LOCI_ERR_INTERNAL + 1];

	for (int s = LOCI_OK; s <= LOCI_ERR_INTERNAL; s++) {
		const char *str = loci_status_to_string((loci_status)s);
		seen[s] = str;
		if (!CHECK(str != NULL && *str != '\0'))
			continue;
		CHECK(strcmp(str, "unknown status") != 0);
		for (int t = LOCI_OK; t < s; t++)
			if (!CHECK(strcmp(seen[t], str) != 0))
				NOTE("statuses %d and %d are both \"%s\"", t, s, str);
	}
	CHECK_STR_EQ(loci_status_to_string(LOCI_OK), "success");
	CHECK_STR_EQ(loci_status_to_string((loci_status)(LOCI_ERR_INTERNAL + 1)),
		     "unknown status");
}

static void
test_open_missing(void)
{
	loci_db *db = (loci_db *)&db;
	loci_writer *w = (loci_writer *)&w;
	char *err = NULL;

	CHECK_STATUS(loci_db_open(db_path("missing"), &db, &err), LOCI_ERR_NOT_FOUND);
	CHECK(db == NULL);
	CHECK_ERR_MSG(err);

	/* An empty directory is no index either. */
	CHECK(mkdir(db_path("empty-dir"), 0700) == 0);
	CHECK_STATUS(loci_db_open(db_path("empty-dir"), &db, &err), LOCI_ERR_NOT_FOUND);
	CHECK(db == NULL);
	CHECK_ERR_MSG(err);

	/* A regular file that is not a Xapian stub is no index either; as a
	 * stub could be one, Xapian reads it, and reports it damaged. */
	FILE *f = fopen(db_path("a-file"), "w");
	if (CHECK(f != NULL)) {
		fputs("not an index\n", f);
		fclose(f);
	}
	CHECK_STATUS(loci_db_open(db_path("a-file"), &db, &err), LOCI_ERR_CORRUPT);
	CHECK(db == NULL);
	CHECK_ERR_MSG(err);

	/* Writing needs the parent directory: an I/O error. */
	CHECK_STATUS(loci_writer_open(db_path("no/such/parent"), false, &w, &err), LOCI_ERR_IO);
	CHECK(w == NULL);
	CHECK_ERR_MSG(err);

	/* A NULL err is allowed. */
	CHECK_STATUS(loci_db_open(db_path("missing"), &db, NULL), LOCI_ERR_NOT_FOUND);
}

static void
test_roundtrip(void)
{
	const char *path = db_path("roundtrip");
	loci_db *db = NULL;
	loci_results *r = NULL;
	char *err = NULL, *value = NULL;
	unsigned long count = 0;

	if (!build_index(path))
		return;
	if (!CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK))
		return;
	CHECK_STATUS(loci_db_passage_count(db, &count, &err), LOCI_OK);
	CHECK_UINT_EQ(count, 6);
	CHECK_STATUS(loci_db_get_meta(db, LOCI_META_LANGUAGE, &value, &err), LOCI_OK);
	CHECK_STR_EQ(value, "english");
	free(value);
	value = NULL;
	CHECK_STATUS(loci_db_get_meta(db, "no.such.key", &value, &err), LOCI_OK);
	CHECK_STR_EQ(value, "");
	free(value);

	/* Every field of a hit. */
	if (CHECK_STATUS(run_query(db, "Doha", 0, 10, &r, &err), LOCI_OK)) {
		CHECK_UINT_EQ(loci_results_count(r), 1);
		CHECK_UINT_EQ(loci_results_total(r), 1);
		if (loci_results_count(r) == 1) {
			loci_hit h;
			loci_results_get(r, 0, &h);
			CHECK_STR_EQ(h.path, PATH_B);
			CHECK_STR_EQ(h.title, "Article B");
			CHECK_UINT_EQ(h.ordinal, 1);
			CHECK_UINT_EQ(h.line, 1);
			CHECK_MEM_EQ(h.text, h.text_len, ARTICLE_B[0].text);
			CHECK(h.score > 0);
			/* No front matter: empty strings, not NULL. */
			CHECK_STR_EQ(h.date, "");
			CHECK_STR_EQ(h.source, "");
			CHECK_STR_EQ(h.url, "");
			CHECK_STR_EQ(h.author, "");
			CHECK_STR_EQ(h.tags, "");
		}
	}
	loci_results_free(r);
	r = NULL;

	CHECK_ONLY_HIT(db, "Guantánamo", PATH_A, 3);
	CHECK_ONLY_HIT(db, "GUANTANAMO", PATH_A, 3);
	CHECK_ONLY_HIT(db, "Uzbekistan", PATH_B, 3);
	CHECK_INT_EQ(HITS(db, "nowhere"), 0);

	/* Stems: recruiting, recruitment, recruits. */
	if (CHECK_STATUS(run_query(db, "recruiting", 0, 10, &r, &err), LOCI_OK)) {
		CHECK_UINT_EQ(loci_results_count(r), 3);
		CHECK(has_hit(r, PATH_A, 1));
		CHECK(has_hit(r, PATH_A, 3));
		CHECK(has_hit(r, PATH_B, 3));
		/* Best first. */
		for (size_t i = 1; i < loci_results_count(r); i++) {
			loci_hit a, b;
			loci_results_get(r, i - 1, &a);
			loci_results_get(r, i, &b);
			CHECK(a.score >= b.score);
		}
	}
	loci_results_free(r);
	r = NULL;

	/* Offset and limit. */
	if (CHECK_STATUS(run_query(db, "recruiting", 0, 1, &r, &err), LOCI_OK)) {
		CHECK_UINT_EQ(loci_results_count(r), 1);
		CHECK_UINT_EQ(loci_results_total(r), 3);
	}
	loci_results_free(r);
	if (CHECK_STATUS(run_query(db, "recruiting", 1, 10, &r, &err), LOCI_OK))
		CHECK_UINT_EQ(loci_results_count(r), 2);
	loci_results_free(r);
	if (CHECK_STATUS(run_query(db, "recruiting", 5, 10, &r, &err), LOCI_OK))
		CHECK_UINT_EQ(loci_results_count(r), 0);
	loci_results_free(r);
	r = NULL;

	/* Both apostrophes find "Russia’s"; the stem finds "Russia" too. */
	if (CHECK_STATUS(run_query(db, "Russia's", 0, 10, &r, &err), LOCI_OK)) {
		CHECK(has_hit(r, PATH_A, 3));
		CHECK(has_hit(r, PATH_B, 2));
	}
	loci_results_free(r);
	if (CHECK_STATUS(run_query(db, "\"Russia’s recruitment\"", 0, 10, &r, &err), LOCI_OK)) {
		CHECK_UINT_EQ(loci_results_count(r), 1);
		CHECK(has_hit(r, PATH_A, 3));
	}
	loci_results_free(r);
	r = NULL;

	/* Compounds: joined, as parts, as a phrase of parts. */
	CHECK_ONLY_HIT(db, "ISIS-K", PATH_A, 2);
	CHECK_ONLY_HIT(db, "isisk", PATH_A, 2);
	CHECK_ONLY_HIT(db, "\"ISIS-K\"", PATH_A, 2);
	CHECK_ONLY_HIT(db, "al-Qaeda", PATH_A, 2);
	CHECK_ONLY_HIT(db, "qaeda", PATH_A, 2);
	CHECK_ONLY_HIT(db, "State-Khorasan", PATH_A, 1);

	/* Phrases. */
	CHECK_ONLY_HIT(db, "\"al-Qaeda leader\"", PATH_A, 2);
	CHECK_ONLY_HIT(db, "\"the al-Qaeda leader was\"", PATH_A, 2);
	CHECK_ONLY_HIT(db, "\"signed an agreement\"", PATH_B, 1);
	CHECK_INT_EQ(HITS(db, "\"leader al-Qaeda\""), 0);
	CHECK_INT_EQ(HITS(db, "\"agreement signed\""), 0);

	/* NEAR and ADJ. */
	CHECK_ONLY_HIT(db, "al-Qaeda NEAR rival", PATH_A, 2);
	CHECK_ONLY_HIT(db, "rival NEAR al-Qaeda", PATH_A, 2);
	CHECK_ONLY_HIT(db, "Tajik NEAR Russia", PATH_B, 2);
	CHECK_INT_EQ(HITS(db, "Doha NEAR Tajik"), 0);
	CHECK_INT_EQ(HITS(db, "Taliban NEAR/2 States"), 0);
	CHECK_ONLY_HIT(db, "Taliban NEAR/9 States", PATH_B, 1);
	CHECK_ONLY_HIT(db, "Taliban ADJ signed", PATH_B, 1);
	CHECK_INT_EQ(HITS(db, "signed ADJ Taliban"), 0);

	/* Wildcards. */
	if (CHECK_STATUS(run_query(db, "tajik*", 0, 10, &r, &err), LOCI_OK)) {
		CHECK_UINT_EQ(loci_results_count(r), 2);
		CHECK(has_hit(r, PATH_A, 1));	/* Tajikistan */
		CHECK(has_hit(r, PATH_B, 2));	/* Tajik */
	}
	loci_results_free(r);
	r = NULL;
	CHECK_ONLY_HIT(db, "Guantá*", PATH_A, 3);
	CHECK_ONLY_HIT(db, "uzbek* AND recruit*", PATH_B, 3);
	CHECK_INT_EQ(HITS(db, "zzz*"), 0);

	/* Boolean operators, love and hate. */
	CHECK_ONLY_HIT(db, "Taliban AND Doha", PATH_B, 1);
	CHECK_INT_EQ(HITS(db, "Taliban AND Tajik"), 0);
	CHECK_ONLY_HIT(db, "Russia NOT Tajik", PATH_A, 3);
	CHECK_ONLY_HIT(db, "Russia -Tajik", PATH_A, 3);
	CHECK_ONLY_HIT(db, "+Doha Tajik", PATH_B, 1);
	CHECK_INT_EQ(HITS(db, "Doha OR Tajik OR Guantánamo"), 3);
	CHECK_INT_EQ(HITS(db, "NOT Tajik"), 5);	/* a pure NOT: all but one */

	/* Numbers with separators are one term, in the index and in the
	 * query. */
	CHECK_ONLY_HIT(db, "1,500", PATH_B, 3);
	CHECK_ONLY_HIT(db, "1.3", PATH_B, 3);
	CHECK_ONLY_HIT(db, "\"1.3 million\"", PATH_B, 3);

	loci_db_close(db);
	free(err);
}

static void
test_reindex(void)
{
	const char *path = db_path("reindex");
	loci_writer *w = NULL;
	loci_db *db = NULL;
	char *err = NULL;

	if (!build_index(path))
		return;
	/* Deleting and adding the same article again: no duplicates. */
	if (!CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK))
		return;
	index_article(w, PATH_A, "Article A", ARTICLE_A);
	CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
	index_article(w, PATH_A, "Article A, again", ARTICLE_A);
	CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
	loci_writer_close(w);
	w = NULL;
	CHECK_UINT_EQ(passage_count(path), 6);
	if (CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK)) {
		loci_results *r = NULL;
		CHECK_ONLY_HIT(db, "Guantánamo", PATH_A, 3);
		if (CHECK_STATUS(run_query(db, "Guantánamo", 0, 10, &r, &err), LOCI_OK) &&
		    loci_results_count(r) == 1) {
			loci_hit h;
			loci_results_get(r, 0, &h);
			CHECK_STR_EQ(h.title, "Article A, again");
		}
		loci_results_free(r);
		loci_db_close(db);
		db = NULL;
	}

	/* An article that shrinks loses its old passages. */
	static const test_passage shorter[] = {
		{ "Only one passage is left of article A.", 1 },
		{ NULL, 0 }
	};
	if (!CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK))
		return;
	index_article(w, PATH_A, "Article A", shorter);
	CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
	loci_writer_close(w);
	w = NULL;
	CHECK_UINT_EQ(passage_count(path), 4);
	if (CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK)) {
		CHECK_INT_EQ(HITS(db, "Guantánamo"), 0);
		CHECK_ONLY_HIT(db, "left", PATH_A, 1);
		CHECK_ONLY_HIT(db, "Doha", PATH_B, 1);	/* B untouched */
		loci_db_close(db);
		db = NULL;
	}

	/* Deleting an article that is not there is fine. */
	if (CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK)) {
		CHECK_STATUS(loci_writer_delete_article(w, "no/such/article.txt", &err), LOCI_OK);
		CHECK_STATUS(loci_writer_delete_article(w, PATH_B, &err), LOCI_OK);
		CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
		loci_writer_close(w);
		w = NULL;
	}
	CHECK_UINT_EQ(passage_count(path), 1);

	/* Paths longer than a Xapian term: two that share a long prefix are
	 * two articles, and re-adding one replaces it. */
	char long1[400], long2[400];
	memset(long1, 'x', 300);
	long1[300] = '\0';
	strcat(long1, "/one.txt");
	memset(long2, 'x', 300);
	long2[300] = '\0';
	strcat(long2, "/two.txt");
	if (CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK)) {
		index_article(w, long1, "Long one", ARTICLE_A);
		index_article(w, long2, "Long two", ARTICLE_B);
		CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
		index_article(w, long1, "Long one", ARTICLE_A);
		CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
		loci_writer_close(w);
		w = NULL;
	}
	CHECK_UINT_EQ(passage_count(path), 7);
	if (CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK)) {
		CHECK_ONLY_HIT(db, "Guantánamo", long1, 3);
		CHECK_ONLY_HIT(db, "Doha", long2, 1);
		loci_db_close(db);
	}

	/* Text that is not UTF-8 is refused and nothing is added. */
	if (CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK)) {
		loci_passage_doc d = {
			.path = "bad.txt", .title = "Bad", .ordinal = 1, .line = 1,
			.text = "caf\xE9", .text_len = 4,
		};
		CHECK_STATUS(loci_writer_add_passage(w, an, &d, &err), LOCI_ERR_UTF8);
		CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
		loci_writer_close(w);
	}
	CHECK_UINT_EQ(passage_count(path), 7);
	free(err);
}

/* What a hit prints comes back as written: every front-matter field, a
 * title long enough to need a two-byte length, a line number. */
static void
test_printed_fields(void)
{
	const char *path = db_path("fields");
	loci_writer *w = NULL;
	loci_db *db = NULL;
	loci_results *r = NULL;
	char *err = NULL;
	char title[301];
	char *tags[] = { "Central Asia", "ISKP" };
	loci_front_matter fm = {
		.present = true, .date = "25 March 2024", .date_sortable = "2024-03-25",
		.source = "USIP", .url = "https://example.org/a", .author = "A. Writer",
		.tags = tags, .n_tags = 2,
	};

	memset(title, 'T', sizeof title - 1);
	title[sizeof title - 1] = '\0';
	if (!CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK))
		return;
	loci_passage_doc d = {
		.path = "fields.md", .title = title, .meta = &fm, .ordinal = 3, .line = 42,
		.text = "Remittances reach Dushanbe.", .text_len = 27,
	};
	CHECK_STATUS(loci_writer_add_passage(w, an, &d, &err), LOCI_OK);
	CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
	loci_writer_close(w);
	if (!CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK))
		return;
	if (CHECK_STATUS(run_query(db, "Dushanbe", 0, 10, &r, &err), LOCI_OK) &&
	    CHECK_UINT_EQ(loci_results_count(r), 1)) {
		loci_hit h;
		loci_results_get(r, 0, &h);
		CHECK_STR_EQ(h.path, "fields.md");
		CHECK_STR_EQ(h.title, title);
		CHECK_UINT_EQ(h.ordinal, 3);
		CHECK_UINT_EQ(h.line, 42);
		CHECK_STR_EQ(h.date, "25 March 2024");
		CHECK_STR_EQ(h.source, "USIP");
		CHECK_STR_EQ(h.url, "https://example.org/a");
		CHECK_STR_EQ(h.author, "A. Writer");
		CHECK_STR_EQ(h.tags, "Central Asia\nISKP");
		CHECK_MEM_EQ(h.text, h.text_len, "Remittances reach Dushanbe.");
	}
	loci_results_free(r);
	loci_db_close(db);
	free(err);
}

typedef struct {
	char terms[16][32];
	bool stemmed[16];
	size_t n;
} term_list;

static void
save_term(void *ctx, const char *term, size_t len, loci_term_kind kind)
{
	term_list *l = ctx;

	if (l->n < 16 && len < sizeof l->terms[0]) {
		memcpy(l->terms[l->n], term, len);
		l->terms[l->n][len] = '\0';
		l->stemmed[l->n] = kind == LOCI_TERM_STEM;
		l->n++;
	}
}

/* Parses the (rewritten) query and collects its terms. */
static bool
query_terms(loci_db *db, const char *query, term_list *l)
{
	loci_rewritten_query rq;
	loci_query *q = NULL;
	char *err = NULL;
	bool ok = false;

	memset(l, 0, sizeof *l);
	if (!CHECK_STATUS(loci_query_rewrite(an, NULL, query, strlen(query), &rq), LOCI_OK))
		return false;
	if (CHECK_STATUS(loci_db_parse_query(db, an, NULL, rq.text, &q, &err), LOCI_OK)) {
		ok = CHECK_STATUS(loci_query_terms(q, save_term, l), LOCI_OK);
		CHECK(strlen(loci_query_describe(q)) > 0);
	}
	loci_query_free(q);
	loci_rewritten_query_free(&rq);
	free(err);
	return ok;
}

/* True if l has term with this stemmed flag. */
static bool
has_term(const term_list *l, const char *term, bool stemmed)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->terms[i], term) == 0 && l->stemmed[i] == stemmed)
			return true;
	return false;
}

static void
test_query_terms(void)
{
	const char *path = db_path("terms");
	loci_db *db = NULL;
	char *err = NULL;
	term_list l;

	if (!build_index(path) || !CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK))
		return;

	if (query_terms(db, "Recruiting", &l)) {
		CHECK_UINT_EQ(l.n, 1);
		CHECK(has_term(&l, "recruit", true));
	}
	/* Excluded terms are left out, whatever the syntax. */
	if (query_terms(db, "recruiting -Taliban", &l)) {
		CHECK_UINT_EQ(l.n, 1);
		CHECK(has_term(&l, "recruit", true));
	}
	if (query_terms(db, "recruiting NOT Taliban", &l)) {
		CHECK_UINT_EQ(l.n, 1);
		CHECK(has_term(&l, "recruit", true));
	}
	if (query_terms(db, "recruiting AND Russia NOT (Taliban OR Doha)", &l)) {
		CHECK_UINT_EQ(l.n, 2);
		CHECK(has_term(&l, "recruit", true));
		CHECK(has_term(&l, "russia", true));
	}
	if (query_terms(db, "NOT Taliban", &l))
		CHECK_UINT_EQ(l.n, 0);
	/* Phrase terms are not stemmed. */
	if (query_terms(db, "\"al-Qaeda leaders\"", &l)) {
		CHECK_UINT_EQ(l.n, 3);
		CHECK(has_term(&l, "al", false));
		CHECK(has_term(&l, "qaeda", false));
		CHECK(has_term(&l, "leaders", false));
	}
	if (query_terms(db, "Guantánamo Russia’s", &l)) {
		CHECK(has_term(&l, "guantanamo", true));
		CHECK(has_term(&l, "russia", true));
	}
	loci_db_close(db);
	free(err);
}

/* Parses text, expecting a syntax error with a message. */
#define CHECK_SYNTAX_ERROR(db, text) check_syntax_error((db), (text), __LINE__)

static void
check_syntax_error(loci_db *db, const char *text, int line)
{
	loci_query *q = (loci_query *)&q;
	char *err = NULL;
	loci_status st = loci_db_parse_query(db, an, NULL, text, &q, &err);

	if (!CHECK_STATUS(st, LOCI_ERR_QUERY_SYNTAX))
		NOTE("query '%s' at line %d", text, line);
	if (st == LOCI_OK)
		loci_query_free(q);
	else
		CHECK(q == NULL);
	CHECK_ERR_MSG(err);
}

static void
test_query_syntax(void)
{
	const char *path = db_path("syntax");
	loci_db *db = NULL;
	loci_query *q = (loci_query *)&q;
	char *err = NULL;

	if (!build_index(path) || !CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK))
		return;
	CHECK_SYNTAX_ERROR(db, "taliban AND");
	CHECK_SYNTAX_ERROR(db, "AND taliban");
	CHECK_SYNTAX_ERROR(db, "taliban OR");
	CHECK_SYNTAX_ERROR(db, "taliban NOT");
	CHECK_SYNTAX_ERROR(db, "a OR OR b");
	/* A NULL err is allowed. */
	CHECK_STATUS(loci_db_parse_query(db, an, NULL, "taliban AND", &q, NULL), LOCI_ERR_QUERY_SYNTAX);

	/* A well-formed query still parses after the errors. */
	if (CHECK_STATUS(loci_db_parse_query(db, an, NULL, "taliban AND doha", &q, &err), LOCI_OK))
		loci_query_free(q);
	loci_db_close(db);
	free(err);
}

static void
test_lock(void)
{
	const char *path = db_path("lock");
	loci_writer *w1 = NULL, *w2 = (loci_writer *)&w2;
	char *err = NULL;

	if (!CHECK_STATUS(loci_writer_open(path, false, &w1, &err), LOCI_OK))
		return;
	CHECK_STATUS(loci_writer_open(path, false, &w2, &err), LOCI_ERR_LOCKED);
	CHECK(w2 == NULL);
	CHECK_ERR_MSG(err);
	CHECK_STATUS(loci_writer_open(path, true, &w2, &err), LOCI_ERR_LOCKED);
	CHECK_ERR_MSG(err);

	/* A reader is not blocked by the writer. */
	loci_db *db = NULL;
	if (CHECK_STATUS(loci_writer_commit(w1, &err), LOCI_OK) &&
	    CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK))
		loci_db_close(db);

	/* Once the first writer is closed, the lock is free. */
	loci_writer_close(w1);
	if (CHECK_STATUS(loci_writer_open(path, false, &w2, &err), LOCI_OK))
		loci_writer_close(w2);
	free(err);
}

/* Changes not committed are lost when the writer is closed. */
static void
test_close_discards(void)
{
	const char *path = db_path("discard-add");
	loci_writer *w = NULL;
	char *err = NULL, *value = NULL;

	if (!build_index(path))
		return;
	if (CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK)) {
		static const test_passage extra[] = { { "An uncommitted passage.", 1 }, { NULL, 0 } };
		index_article(w, "corpus/c.txt", "Article C", extra);
		CHECK_STATUS(loci_writer_set_meta(w, LOCI_META_LANGUAGE, "french", &err), LOCI_OK);
		loci_writer_close(w);
		w = NULL;
	}
	if (!CHECK_UINT_EQ(passage_count(path), 6))
		NOTE("loci_writer_close committed an added passage");
	if (CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK)) {
		CHECK_STATUS(loci_writer_get_meta(w, LOCI_META_LANGUAGE, &value, &err), LOCI_OK);
		CHECK_STR_EQ(value, "english");
		free(value);
		loci_writer_close(w);
		w = NULL;
	}

	path = db_path("discard-delete");
	if (!build_index(path))
		return;
	if (CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK)) {
		CHECK_STATUS(loci_writer_delete_article(w, PATH_A, &err), LOCI_OK);
		loci_writer_close(w);
	}
	if (!CHECK_UINT_EQ(passage_count(path), 6))
		NOTE("loci_writer_close committed a deletion");
	free(err);
}

/* A writer opened with empty=true empties the index at once (database.h:
 * loci-index --rebuild therefore builds in a new directory). */
static void
test_open_empty(void)
{
	const char *path = db_path("empty-keep");
	loci_writer *w = NULL;
	char *err = NULL, *value = NULL;

	if (!build_index(path))
		return;
	if (CHECK_STATUS(loci_writer_open(path, true, &w, &err), LOCI_OK)) {
		CHECK_STATUS(loci_writer_get_meta(w, LOCI_META_LANGUAGE, &value, &err), LOCI_OK);
		CHECK_STR_EQ(value, "");	/* the writer sees an empty index */
		free(value);
		value = NULL;
		CHECK_UINT_EQ(passage_count(path), 0);
		loci_writer_close(w);
		w = NULL;
	}
	CHECK_UINT_EQ(passage_count(path), 0);

	/* With a commit, what was added replaces the old content. */
	path = db_path("empty-commit");
	if (!build_index(path))
		return;
	if (CHECK_STATUS(loci_writer_open(path, true, &w, &err), LOCI_OK)) {
		static const test_passage fresh[] = { { "A fresh start.", 1 }, { NULL, 0 } };
		index_article(w, "corpus/fresh.txt", "Fresh", fresh);
		CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
		loci_writer_close(w);
		w = NULL;
	}
	CHECK_UINT_EQ(passage_count(path), 1);
	loci_db *db = NULL;
	if (CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK)) {
		CHECK_INT_EQ(HITS(db, "Doha"), 0);
		CHECK_ONLY_HIT(db, "fresh", "corpus/fresh.txt", 1);
		CHECK_STATUS(loci_db_get_meta(db, LOCI_META_LANGUAGE, &value, &err), LOCI_OK);
		CHECK_STR_EQ(value, "");
		free(value);
		loci_db_close(db);
	}

	/* A new index with empty=true and a commit of nothing. */
	if (CHECK_STATUS(loci_writer_open(db_path("new-empty"), true, &w, &err), LOCI_OK)) {
		CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
		loci_writer_close(w);
	}
	CHECK_UINT_EQ(passage_count(db_path("new-empty")), 0);
	free(err);
}

typedef struct {
	char paths[8][400];
	loci_article_info info[8];
	size_t n;
} article_list;

static int
save_article(void *ctx, const char *path, const loci_article_info *info)
{
	article_list *l = ctx;

	if (l->n < 8 && strlen(path) < sizeof l->paths[0]) {
		strcpy(l->paths[l->n], path);
		l->info[l->n] = *info;
		l->n++;
	}
	return 0;
}

/* The article records, and changes visible at commits only. */
static void
test_articles(void)
{
	const char *path = db_path("articles");
	loci_writer *w = NULL;
	char *err = NULL;
	static const test_passage c[] = { { "Kandahar is mentioned only here.", 1 }, { NULL, 0 } };

	if (!build_index(path) || !CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK))
		return;

	/* Readers see changes at a commit only, however many there are:
	 * Xapian's own flush (every 10000 changed documents) must not cut
	 * the changes between two commits. */
	for (int i = 0; i < 10050; i++) {
		char name[64];
		snprintf(name, sizeof name, "corpus/bulk-%d.txt", i);
		index_article(w, name, "Bulk", c);
	}
	CHECK_UINT_EQ(passage_count(path), 6);
	CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
	CHECK_UINT_EQ(passage_count(path), 6 + 10050);
	for (int i = 0; i < 10050; i++) {
		char name[64];
		snprintf(name, sizeof name, "corpus/bulk-%d.txt", i);
		CHECK_STATUS(loci_writer_delete_article(w, name, &err), LOCI_OK);
	}
	index_article(w, "corpus/c.txt", "C", c);
	CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
	CHECK_UINT_EQ(passage_count(path), 7);

	/* Records: set, get, list, remove. */
	loci_article_info a = { 1234, 1700000000123456789LL, "0123456789abcdef", 3 };
	loci_article_info b = { 0, -5, "fedcba9876543210", 0 };
	loci_article_info got;
	bool found = true;
	char long_path[400];
	memset(long_path, 'y', 300);
	strcpy(long_path + 300, "/long name.txt");

	CHECK_STATUS(loci_writer_get_article(w, PATH_A, &got, &found, &err), LOCI_OK);
	CHECK(!found);
	CHECK_STATUS(loci_writer_set_article(w, PATH_A, &a, &err), LOCI_OK);
	CHECK_STATUS(loci_writer_set_article(w, long_path, &b, &err), LOCI_OK);
	/* The path is stored last "since it may hold any byte". */
	CHECK_STATUS(loci_writer_set_article(w, " leading space.txt", &b, &err), LOCI_OK);
	CHECK_STATUS(loci_writer_get_article(w, PATH_A, &got, &found, &err), LOCI_OK);
	if (CHECK(found)) {
		CHECK_UINT_EQ(got.size, a.size);
		CHECK_INT_EQ(got.mtime_ns, a.mtime_ns);
		CHECK_STR_EQ(got.hash, a.hash);
		CHECK_UINT_EQ(got.passages, a.passages);
	}
	CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);

	article_list l;
	memset(&l, 0, sizeof l);
	CHECK_STATUS(loci_writer_list_articles(w, save_article, &l, &err), LOCI_OK);
	CHECK_UINT_EQ(l.n, 3);
	bool saw_long = false, saw_space = false;
	for (size_t i = 0; i < l.n; i++) {
		if (strcmp(l.paths[i], long_path) == 0) {
			saw_long = true;
			CHECK_INT_EQ(l.info[i].mtime_ns, -5);
		}
		if (strcmp(l.paths[i], " leading space.txt") == 0)
			saw_space = true;
	}
	CHECK(saw_long);
	if (!CHECK(saw_space))
		NOTE("the path \" leading space.txt\" does not come back from its record");

	/* Removing an article drops its record and its passages. */
	CHECK_STATUS(loci_writer_remove_article(w, PATH_A, &err), LOCI_OK);
	CHECK_STATUS(loci_writer_get_article(w, PATH_A, &got, &found, &err), LOCI_OK);
	CHECK(!found);
	CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
	loci_writer_close(w);
	CHECK_UINT_EQ(passage_count(path), 4);

	loci_db *db = NULL;
	if (CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK)) {
		memset(&l, 0, sizeof l);
		CHECK_STATUS(loci_db_list_articles(db, save_article, &l, &err), LOCI_OK);
		CHECK_UINT_EQ(l.n, 2);
		loci_db_stats stats;
		CHECK_STATUS(loci_db_get_stats(db, &stats, &err), LOCI_OK);
		CHECK_UINT_EQ(stats.passages, 4);
		CHECK_UINT_EQ(stats.articles, 2);
		CHECK(stats.terms > 10);
		CHECK(stats.revision > 0);
		CHECK_INT_EQ(HITS(db, "Guantánamo"), 0);
		CHECK_ONLY_HIT(db, "Kandahar", "corpus/c.txt", 1);
		loci_db_close(db);
	}
	free(err);
}

/* Commits `rounds` times, each time replacing article B by `n` new
 * passages holding the word `word`. */
static void
churn(const char *path, const char *word, unsigned rounds, unsigned n)
{
	loci_writer *w = NULL;
	char *err = NULL;

	if (!CHECK_STATUS(loci_writer_open(path, false, &w, &err), LOCI_OK))
		return;
	test_passage *ps = calloc(n + 1, sizeof *ps);
	char (*texts)[200] = calloc(n, sizeof *texts);
	if (CHECK(ps && texts)) {
		for (unsigned round = 0; round < rounds; round++) {
			for (unsigned i = 0; i < n; i++) {
				snprintf(texts[i], sizeof texts[i],
					 "%s passage %u of round %u with filler%u words%u",
					 word, i, round, i * 7 + round, i + round * 1000);
				ps[i] = (test_passage){ texts[i], i + 1 };
			}
			ps[n] = (test_passage){ NULL, 0 };
			index_article(w, PATH_B, "Churn", ps);
			CHECK_STATUS(loci_writer_commit(w, &err), LOCI_OK);
		}
	}
	free(ps);
	free(texts);
	loci_writer_close(w);
	free(err);
}

static void
test_modified(void)
{
	const char *path = db_path("modified");
	loci_db *db = NULL;
	loci_results *r = NULL;
	char *err = NULL;

	if (!build_index(path))
		return;
	churn(path, "before", 1, 2000);
	if (!CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK))
		return;
	/* The reader holds the revision with "before"; a writer commits
	 * five more, rewriting every block it used. */
	churn(path, "after", 5, 2000);
	if (CHECK_STATUS(run_query(db, "after", 0, 10, &r, &err), LOCI_OK)) {
		/* Hits for "after" mean the reader moved on to a newer
		 * revision, which it only does on DatabaseModifiedError. */
		if (loci_results_total(r) == 0)
			NOTE("DatabaseModifiedError was not triggered: the old revision was still readable");
		else
			NOTE("DatabaseModifiedError triggered; loci_db_search reopened and retried");
		CHECK(loci_results_total(r) == 0 || loci_results_total(r) == 2000);
	} else {
		NOTE("%s", err ? err : "(no message)");
	}
	loci_results_free(r);
	r = NULL;
	free(err);
	err = NULL;
	/* Whatever happened, a reopened reader sees the last revision. */
	loci_db_close(db);
	if (CHECK_STATUS(loci_db_open(path, &db, &err), LOCI_OK)) {
		CHECK_INT_EQ(HITS(db, "before"), 0);
		CHECK_INT_EQ(HITS(db, "after"), 100);	/* HITS() asks for 100 */
		loci_db_close(db);
	}
	free(err);
}

/* Runs fn in a child process, so that a crash is a failed check and not
 * the end of the test; the child's check counts are added to ours. */
static void
run_isolated(void (*fn)(void), const char *what)
{
	int fds[2];

	if (!CHECK(pipe(fds) == 0))
		return;
	fflush(stderr);
	pid_t pid = fork();
	if (!CHECK(pid >= 0))
		return;
	if (pid == 0) {
		close(fds[0]);
		check_count = check_failures = 0;
		fn();
		unsigned counts[2] = { check_count, check_failures };
		ssize_t wr = write(fds[1], counts, sizeof counts);
		_exit(wr == (ssize_t)sizeof counts ? 0 : 1);
	}
	close(fds[1]);
	unsigned counts[2] = { 0, 0 };
	ssize_t got = read(fds[0], counts, sizeof counts);
	close(fds[0]);
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		if (WIFSIGNALED(status))
			NOTE("%s crashed with signal %d", what, WTERMSIG(status));
		else
			NOTE("%s exited with status %d", what, WEXITSTATUS(status));
	}
	if (got == (ssize_t)sizeof counts) {
		check_count += counts[0];
		check_failures += counts[1];
	}
}

/* Overwrites the whole file with bytes from fill(i), keeping its size;
 * with no fill, truncates it to nothing. */
static bool
damage_file(const char *file, unsigned char (*fill)(size_t))
{
	struct stat st;
	int fd = open(file, O_WRONLY | (fill ? 0 : O_TRUNC));

	if (!CHECK(fd >= 0) || !CHECK(fstat(fd, &st) == 0)) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (!fill)
		return CHECK(close(fd) == 0);
	unsigned char *buf = malloc((size_t)st.st_size + 1);
	for (size_t i = 0; buf && i < (size_t)st.st_size; i++)
		buf[i] = fill(i);
	bool ok = buf && CHECK(write(fd, buf, (size_t)st.st_size) == st.st_size);
	free(buf);
	CHECK(close(fd) == 0);
	return ok;
}

static unsigned char fill_zero(size_t i) { (void)i; return 0x00; }
static unsigned char fill_ff(size_t i) { (void)i; return 0xFF; }
static unsigned char fill_random(size_t i) { return (unsigned char)((i * 2654435761u) >> 13); }
static unsigned char fill_text(size_t i) { return (unsigned char)"garbage "[i % 8]; }

enum damage_kind { FILL, TRUNCATE, REMOVE };

static const struct {
	const char *file;
	enum damage_kind kind;
	unsigned char (*fill)(size_t);
	const char *what;
} damages[] = {
	{ "postlist.glass", FILL, fill_zero, "postlist.glass filled with zeros" },
	{ "postlist.glass", FILL, fill_ff, "postlist.glass filled with 0xFF" },
	{ "postlist.glass", FILL, fill_random, "postlist.glass filled with random bytes" },
	{ "postlist.glass", FILL, fill_text, "postlist.glass filled with text" },
	{ "termlist.glass", FILL, fill_random, "termlist.glass filled with random bytes" },
	{ "docdata.glass", FILL, fill_text, "docdata.glass filled with text" },
	{ "iamglass", FILL, fill_text, "iamglass filled with text" },
	{ "iamglass", TRUNCATE, NULL, "iamglass truncated" },
	{ "postlist.glass", TRUNCATE, NULL, "postlist.glass truncated" },
	{ "postlist.glass", REMOVE, NULL, "postlist.glass removed" },
};
static size_t damage_index;

/* In a child: damages one file of a fresh index, then opens and
 * searches it. */
static void
search_damaged(void)
{
	char path[256], file[300];
	loci_db *db = NULL;
	loci_results *r = NULL;
	char *err = NULL;

	snprintf(path, sizeof path, "%s/damaged-%zu", scratch, damage_index);
	snprintf(file, sizeof file, "%s/%s", path, damages[damage_index].file);
	if (!build_index(path))
		return;
	if (damages[damage_index].kind == REMOVE) {
		if (!CHECK(unlink(file) == 0))
			return;
	} else if (!damage_file(file, damages[damage_index].fill)) {
		return;
	}

	loci_status st = loci_db_open(path, &db, &err);
	if (st == LOCI_OK) {
		st = run_query(db, "recruiting", 0, 10, &r, &err);
		loci_results_free(r);
	}
	if (!CHECK_STATUS(st, LOCI_ERR_CORRUPT))
		NOTE("%s: %s%s%s", damages[damage_index].what, loci_status_to_string(st),
		     err ? ": " : "", err ? err : "");
	CHECK(st != LOCI_OK);
	loci_db_close(db);
	free(err);
}

static void
test_damaged(void)
{
	for (damage_index = 0; damage_index < sizeof damages / sizeof damages[0]; damage_index++)
		run_isolated(search_damaged, damages[damage_index].what);
}

int
main(void)
{
	const char *tmp = "/tmp";

	snprintf(scratch, sizeof scratch, "%s/loci-unit-XXXXXX", tmp);
	if (!CHECK(mkdtemp(scratch) != NULL))
		return check_done();
	if (!CHECK_STATUS(loci_analyzer_new("english", &an), LOCI_OK)) {
		rm_rf(scratch);
		return check_done();
	}
	test_status_strings();
	test_open_missing();
	test_roundtrip();
	test_reindex();
	test_printed_fields();
	test_query_terms();
	test_query_syntax();
	test_lock();
	test_articles();
	test_close_discards();
	test_open_empty();
	test_modified();
	test_damaged();
	loci_analyzer_free(an);
	rm_rf(scratch);
	return check_done();
}
