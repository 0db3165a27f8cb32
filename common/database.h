/* The C face of the Xapian index: the only place that knows Xapian.
 *
 * Opaque handles, loci_status results, out-parameters.  Every function
 * that can fail takes `char **err`: on failure it may set *err to a
 * message from Xapian (malloc'd, owned by the caller, free()); on success
 * *err is left untouched.  Passing NULL for err discards the message.
 * No C++ exception ever leaves these functions.
 *
 * Index layout, one Xapian document per passage: the passage text as
 * data; values for the article key, path, title, ordinal, line and byte
 * range; a unique term per passage and one per article, so an article's
 * passages are replaced or removed together. */
#ifndef LOCI_DATABASE_H
#define LOCI_DATABASE_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer.h"
#include "front_matter.h"
#include "status.h"
#include "synonyms.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Metadata keys recorded by the indexer and read by the searcher. */
#define LOCI_META_LANGUAGE "loci.language"
#define LOCI_META_ANALYZER "loci.analyzer"
#define LOCI_META_SYNONYMS "loci.synonyms"	/* the synonyms file's text */
#define LOCI_META_SHARD "loci.shard"	/* "K/N" for loci-index --shard, else "" */
#define LOCI_META_SYNONYMS_PATH "loci.synonyms.path"	/* and where it was */

/* Wildcards expanding to more terms than this are refused. */
#define LOCI_MAX_WILDCARD_TERMS 10000

typedef struct loci_writer loci_writer;
typedef struct loci_db loci_db;
typedef struct loci_query loci_query;
typedef struct loci_results loci_results;

/* ---- writing ---- */

typedef struct {
	const char *path;	/* the article's path as given to the indexer */
	const char *title;
	const loci_front_matter *meta;	/* date, source, ...; may be NULL */
	unsigned ordinal;	/* 1-based */
	unsigned line;		/* 1-based */
	const char *text;	/* the passage, valid UTF-8 */
	size_t text_len;
} loci_passage_doc;

/* Opens the index at path for writing, creating it if missing (its parent
 * directory must exist).  With empty, the index is emptied at once, so
 * readers see it empty: to keep them served, build in a new directory and
 * swap it in (loci_exchange_dirs).  Nothing the writer changes is visible
 * or durable before loci_writer_commit(); Xapian never commits on its own.
 * LOCI_ERR_LOCKED if another writer has it. */
loci_status loci_writer_open(const char *path, bool empty, loci_writer **out, char **err);

/* Closes without committing: changes since the last commit are dropped. */
void loci_writer_close(loci_writer *w);

/* *value is a new string ("" when the key is unset), owned by the caller. */
loci_status loci_writer_get_meta(loci_writer *w, const char *key, char **value, char **err);
loci_status loci_writer_set_meta(loci_writer *w, const char *key, const char *value,
				 char **err);

/* Removes every passage of the article stored under path. */
loci_status loci_writer_delete_article(loci_writer *w, const char *path, char **err);

/* Analyses doc->text with an and adds it as one passage. */
loci_status loci_writer_add_passage(loci_writer *w, loci_analyzer *an,
				    const loci_passage_doc *doc, char **err);

loci_status loci_writer_commit(loci_writer *w, char **err);

/* Writes a compact copy of the committed indexes at srcs[0..n) to the
 * new directory dst, as one index: tables rewritten full, with no free
 * space (often half the size of an index built by many commits).  The
 * passages keep their order, srcs[0]'s first; a metadata key set in
 * several sources takes srcs[0]'s value. */
loci_status loci_db_compact(const char *const *srcs, size_t n, const char *dst, char **err);

/* Copies every metadata entry of from into to (uncommitted). */
loci_status loci_writer_copy_meta(loci_writer *from, loci_writer *to, char **err);

/* What the index records of each article, so that a re-run can tell an
 * unchanged file by a stat and skip it. */
typedef struct {
	unsigned long long size;
	long long mtime_ns;	/* modification time, ns since the epoch */
	char hash[17];		/* content hash, 16 hex digits */
	unsigned passages;
} loci_article_info;

/* *found tells whether path has a record; *info is filled if so. */
loci_status loci_writer_get_article(loci_writer *w, const char *path, loci_article_info *info,
				    bool *found, char **err);
/* Records info for path (replacing any earlier record). */
loci_status loci_writer_set_article(loci_writer *w, const char *path,
				    const loci_article_info *info, char **err);
/* Removes the record of path and all its passages. */
loci_status loci_writer_remove_article(loci_writer *w, const char *path, char **err);

/* Called once per recorded article, in key order; nonzero stops. */
typedef int (*loci_article_fn)(void *ctx, const char *path, const loci_article_info *info);
loci_status loci_writer_list_articles(loci_writer *w, loci_article_fn fn, void *ctx,
				      char **err);

/* Does Xapian's query parser take code point cp as part of a word?  Its
 * Unicode tables are not PCRE2's: a letter of a newer Unicode version may
 * be a separator to it. */
bool loci_parser_word_char(unsigned cp);

/* ---- reading ---- */

/* Opens the index at path for reading.  LOCI_ERR_NOT_FOUND if there is no
 * index there. */
loci_status loci_db_open(const char *path, loci_db **out, char **err);
void loci_db_close(loci_db *db);

/* Adds another index to search with db: a shard built by loci-index
 * --shard, a local path or a Xapian stub file naming remote shards
 * ("remote HOST:PORT", served by xapian-tcpsrv).  Ranking statistics are
 * those of all shards together, so hits rank as in one merged index.
 * Metadata (language, synonyms) is read from the first index. */
loci_status loci_db_add_shard(loci_db *db, const char *path, char **err);

/* Which shard of n (1-based k) an article belongs to: a hash of its
 * path, the same on every machine. */
unsigned loci_article_shard(const char *path, unsigned n);

loci_status loci_db_get_meta(loci_db *db, const char *key, char **value, char **err);

/* Number of passages in the index. */
loci_status loci_db_passage_count(loci_db *db, unsigned long *count, char **err);

loci_status loci_db_list_articles(loci_db *db, loci_article_fn fn, void *ctx, char **err);

/* Figures for loci-index --info. */
typedef struct {
	unsigned long passages;
	unsigned long articles;
	unsigned long terms;	/* distinct terms, stems included */
	unsigned long long revision;
} loci_db_stats;
loci_status loci_db_get_stats(loci_db *db, loci_db_stats *stats, char **err);

/* Parses a query already normalised by the query rewriter (see
 * query_rewrite.h), stemming with an, which must outlive the query; syn
 * (may be NULL) gives the groups that "syn:N" names.
 * LOCI_ERR_QUERY_SYNTAX with Xapian's message for a malformed query. */
loci_status loci_db_parse_query(loci_db *db, loci_analyzer *an, const loci_synonyms *syn,
				const char *text, loci_query **out, char **err);
void loci_query_free(loci_query *q);

/* The parsed query in Xapian's notation (static to the query). */
const char *loci_query_describe(const loci_query *q);

typedef enum {
	LOCI_TERM_PLAIN,	/* a normalised word */
	LOCI_TERM_STEM,		/* matches every word with this stem */
	LOCI_TERM_CAPS		/* the word, where the text has it in capitals */
} loci_term_kind;

/* Reports each term of the passage text a matching passage may contain:
 * terms under NOT and terms of fields (title:...) are left out. */
typedef void (*loci_query_term_fn)(void *ctx, const char *term, size_t len,
				   loci_term_kind kind);
loci_status loci_query_terms(const loci_query *q, loci_query_term_fn fn, void *ctx);

typedef enum {
	LOCI_SORT_RELEVANCE,
	LOCI_SORT_DATE,		/* oldest first; undated last */
	LOCI_SORT_DATE_DESC	/* newest first */
} loci_sort;

typedef struct {
	unsigned offset;	/* hits to skip */
	unsigned limit;		/* hits to return at most */
	unsigned per_article;	/* at most this many passages of one article; 0 = all */
	loci_sort sort;
	bool feedback;		/* pseudo-relevance feedback: words of the best
				 * articles' best passages rank the hits too
				 * (relevance order only) */
} loci_search_options;

/* Runs q, returning hits best first (BM25; the query's words in the
 * article's title count too) or in date order.  Reopens and retries if
 * the index changes under the reader. */
loci_status loci_db_search(loci_db *db, const loci_query *q, const loci_search_options *o,
			   loci_results **out, char **err);

/* Up to max passages in index order, from just after *cursor (0 to
 * start); *cursor moves past the last one returned.  A count below max
 * means the end was reached.  For --regex without query words. */
loci_status loci_db_scan(loci_db *db, unsigned long *cursor, unsigned max, loci_results **out,
			 char **err);

/* The passage ordinal of article path, as one result (count 0 if there is
 * no such passage).  For context around a hit and for references. */
loci_status loci_db_get_passage(loci_db *db, const char *path, unsigned ordinal,
				loci_results **out, char **err);

/* A query for the passages most like passage ordinal of path: the terms
 * that best tell it apart (Xapian's expand set over it), the passage
 * itself excluded.  LOCI_ERR_INVALID if there is no such passage. */
loci_status loci_db_like_query(loci_db *db, loci_analyzer *an, const char *path,
			       unsigned ordinal, loci_query **out, char **err);

/* Number of passages holding the normalised word term, as it is or by
 * its stem (0 if none). */
loci_status loci_db_word_frequency(loci_db *db, loci_analyzer *an, const char *term,
				   unsigned long *freq, char **err);

/* The indexed plain term closest to term by edit distance (at most 1 for
 * words under 7 bytes, 2 otherwise) that shares its first letter, the most
 * frequent on ties; *out is new, or NULL if there is none. */
loci_status loci_db_suggest(loci_db *db, const char *term, char **out, char **err);

typedef struct {
	double score;
	const char *path;
	const char *title;
	const char *date;	/* as written in the front matter, "" if none */
	const char *source;	/* "" if none, as are url and author */
	const char *url;
	const char *author;
	const char *tags;	/* newline-separated, "" if none */
	unsigned ordinal;
	unsigned line;
	const char *text;	/* the passage, valid UTF-8 */
	size_t text_len;
	unsigned long more;	/* further matching passages of the article left
				 * out by per_article (a lower bound) */
} loci_hit;

size_t loci_results_count(const loci_results *r);
/* Estimated number of matching passages in the whole index. */
unsigned long loci_results_total(const loci_results *r);
/* Fills *hit with the i-th hit; its strings are owned by r. */
void loci_results_get(const loci_results *r, size_t i, loci_hit *hit);
void loci_results_free(loci_results *r);

#ifdef __cplusplus
}
#endif

#endif
