/* Shared by the libFuzzer targets of loci and by replay.c.
 *
 * Each target is a function loci_fuzz_NAME(data, size) in fuzz_NAME.c;
 * built as a fuzzer, the file also defines LLVMFuzzerTestOneInput calling
 * it, and built into replay.c (LOCI_FUZZ_REPLAY defined) it does not, so
 * that one plain program can run every target.
 *
 * A target returns 0 and checks invariants with FUZZ_CHECK, which prints
 * what broke and calls abort(): libFuzzer then saves the input as a
 * crash, and the replay test fails. */
#ifndef LOCI_FUZZ_H
#define LOCI_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "database.h"
#include "highlight.h"
#include "query_rewrite.h"
#include "status.h"
#include "synonyms.h"

/* Defines libFuzzer's entry point as a call to the target function fn,
 * except in replay.c's build, which calls the targets itself. */
#ifdef LOCI_FUZZ_REPLAY
#define FUZZ_TARGET(fn)
#else
#define FUZZ_TARGET(fn) \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fn(data, size); }
#endif

#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/* True if the check named name is listed in $LOCI_FUZZ_SKIP (names
 * separated by commas): a way to fuzz on past a known bug until it is
 * fixed.  Names: "findability" (fuzz-highlight), "marked-hits"
 * (fuzz-query), "prefix-shape" (both). */
bool fuzz_skip(const char *name);

/* Written independently of common/encoding.c, to check it: true if
 * s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
bool fuzz_utf8_valid(const char *s, size_t len);

/* True if off (0..len) does not fall inside a UTF-8 sequence. */
bool fuzz_char_boundary(const char *s, size_t len, size_t off);

/* The statuses a function documents; anything else is a violation. */
bool fuzz_status_in(loci_status st, const loci_status *allowed, size_t n);
#define FUZZ_STATUS(st, ...) \
	FUZZ_CHECK(fuzz_status_in((st), (const loci_status[]){ __VA_ARGS__ }, \
				  sizeof((const loci_status[]){ __VA_ARGS__ }) / sizeof(loci_status)))

/* A copy of data[0..size) in a buffer of exactly that size, so that
 * AddressSanitizer catches any read past the end (libFuzzer's buffer is
 * exact too, but the replay program's may not be).  free() it. */
char *fuzz_copy(const uint8_t *data, size_t size);

/* Analysers are created once per process and kept.  fuzz_language(i)
 * names the language to fuzz with for any i (taken modulo a fixed list
 * in fuzz_common.c: 0 "english", 1 "none", then the other Snowball
 * languages), so that saved inputs keep their meaning. */
size_t fuzz_n_languages(void);
const char *fuzz_language(size_t i);
loci_analyzer *fuzz_analyzer(const char *language);

/* A read-only index of corpus/ (english), built once per process in a
 * new directory under $TMPDIR (removed at exit).  The corpus folder is
 * $LOCI_CORPUS, else the one compiled in (LOCI_CORPUS_DIR); its
 * synonyms.txt is not indexed but stored as loci-index --synonyms does.  Exits the
 * process if it cannot be built: that is a set-up problem, not a bug. */
loci_db *fuzz_corpus_db(void);
/* The synonyms of that index (corpus/synonyms.txt), or NULL. */
const loci_synonyms *fuzz_corpus_synonyms(void);

/* The query path shared by the query and the highlighter targets:
 * loci_query_rewrite, then loci_db_parse_query, each checked against what
 * its header documents.  Returns false (owning nothing) when the query
 * is rightly refused: not UTF-8, or a syntax error.  On true, free with
 * fuzz_query_free(). */
typedef struct {
	loci_rewritten_query rq;
	loci_query *q;
} fuzz_query;

bool fuzz_parse(loci_analyzer *an, loci_db *db, const loci_synonyms *syn, const char *query,
		size_t len, fuzz_query *out);
void fuzz_query_free(fuzz_query *fq);

/* Checks spans as highlighter_spans() documents them for text[0..len):
 * sorted, disjoint, non-empty, within the text, on character boundaries. */
void fuzz_check_spans(const char *text, size_t len, const span *spans, size_t n);

/* The targets. */
int loci_fuzz_analyzer(const uint8_t *data, size_t size);
int loci_fuzz_passages(const uint8_t *data, size_t size);
int loci_fuzz_front_matter(const uint8_t *data, size_t size);
int loci_fuzz_query(const uint8_t *data, size_t size);
int loci_fuzz_highlight(const uint8_t *data, size_t size);
int loci_fuzz_synonyms(const uint8_t *data, size_t size);

#endif
