/* Helpers shared by the fuzz targets: see fuzz.h. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front_matter.h"
#include "passages.h"
#include "paths.h"
#include "synonyms.h"

#ifndef LOCI_CORPUS_DIR
#define LOCI_CORPUS_DIR "corpus"
#endif


static void remove_db_dir(void);

_Noreturn void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
	fflush(stderr);
	remove_db_dir();	/* abort() skips the atexit handlers */
	abort();
}

bool
fuzz_skip(const char *name)
{
	const char *list = getenv("LOCI_FUZZ_SKIP");
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t k = comma ? (size_t)(comma - p) : strlen(p);
		if (k == n && memcmp(p, name, n) == 0)
			return true;
		p = comma ? comma + 1 : p + k;
	}
	return false;
}

/* Length of the well-formed UTF-8 sequence at s[0..left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

bool
fuzz_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

bool
fuzz_char_boundary(const char *s, size_t len, size_t off)
{
	return off == 0 || off >= len || ((unsigned char)s[off] & 0xC0) != 0x80;
}

bool
fuzz_status_in(loci_status st, const loci_status *allowed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (st == allowed[i])
			return true;
	fprintf(stderr, "unexpected status %d (%s)\n", (int)st, loci_status_to_string(st));
	return false;
}

char *
fuzz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

/* ---- analysers ---- */

/* A fixed list, so that a saved input picks the same language whatever
 * the libstemmer version: the Snowball languages of libstemmer 2.2
 * (Debian 12).  One this libstemmer lacks is replaced by "english". */
static const char *const language_names[] = {
	"english", "none", "arabic", "armenian", "basque", "catalan", "danish", "dutch",
	"finnish", "french", "german", "greek", "hindi", "hungarian", "indonesian", "irish",
	"italian", "lithuanian", "nepali", "norwegian", "porter", "portuguese", "romanian",
	"russian", "serbian", "spanish", "swedish", "tamil", "turkish", "yiddish",
};
#define N_LANGUAGES (sizeof language_names / sizeof *language_names)

static const char *languages[N_LANGUAGES];
static const size_t n_languages = N_LANGUAGES;
static loci_analyzer *analyzers[N_LANGUAGES];

static void
init_languages(void)
{
	if (languages[0])
		return;
	const char **sb = loci_analyzer_languages();
	for (size_t i = 0; i < N_LANGUAGES; i++) {
		languages[i] = "english";
		if (strcmp(language_names[i], "none") == 0)
			languages[i] = "none";
		for (size_t k = 0; sb[k]; k++)
			if (strcmp(sb[k], language_names[i]) == 0)
				languages[i] = language_names[i];
	}
}

size_t
fuzz_n_languages(void)
{
	return n_languages;
}

const char *
fuzz_language(size_t i)
{
	init_languages();
	return languages[i % n_languages];
}

static void
free_analyzers(void)
{
	for (size_t i = 0; i < n_languages; i++) {
		loci_analyzer_free(analyzers[i]);
		analyzers[i] = NULL;
	}
}

loci_analyzer *
fuzz_analyzer(const char *language)
{
	static bool registered;

	init_languages();
	if (!registered) {
		atexit(free_analyzers);
		registered = true;
	}
	for (size_t i = 0; i < n_languages; i++) {
		/* Languages replaced by english share its analyser. */
		if (strcmp(languages[i], language) != 0)
			continue;
		if (!analyzers[i]) {
			loci_status st = loci_analyzer_new(language, &analyzers[i]);
			if (st != LOCI_OK) {
				fprintf(stderr, "fuzz: cannot create the %s analyser: %s\n", language,
					loci_status_to_string(st));
				abort();
			}
		}
		return analyzers[i];
	}
	fprintf(stderr, "fuzz: no analyser for %s\n", language);
	abort();
}

/* ---- the corpus index ---- */

static char *db_dir;
static loci_db *corpus_db;
static loci_synonyms *corpus_syn;

/* Only the files: what a dying process can still do. */
static void
remove_db_dir(void)
{
	if (db_dir)
		loci_remove_tree(db_dir);
}

static void
remove_db(void)
{
	loci_db_close(corpus_db);
	corpus_db = NULL;
	loci_synonyms_free(corpus_syn);
	corpus_syn = NULL;
	if (db_dir) {
		loci_remove_tree(db_dir);
		free(db_dir);
		db_dir = NULL;
	}
}

_Noreturn static void
setup_failed(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz: cannot build the corpus index: %s%s%s\n", what,
		detail ? ": " : "", detail ? detail : "");
	exit(2);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			char *p = realloc(buf, cap + 1);
			if (!p)
				abort();
			buf = p;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
index_article(loci_writer *w, loci_analyzer *an, const char *path, const char *name)
{
	size_t len;
	char *text = read_file(path, &len);
	loci_front_matter fm;
	char *problem = NULL, *err = NULL;
	loci_passage *ps = NULL;
	size_t n = 0;

	if (!text)
		setup_failed("cannot read", path);
	if (!fuzz_utf8_valid(text, len))
		setup_failed("not UTF-8", path);
	(void)loci_front_matter_parse(text, len, &fm, &problem);
	free(problem);
	const char *body = text + fm.body_offset;
	if (loci_split_passages(body, len - fm.body_offset, &ps, &n) != LOCI_OK)
		setup_failed("out of memory", NULL);
	for (size_t i = 0; i < n; i++) {
		loci_passage_doc d = {
			.path = name,
			.title = fm.title ? fm.title : name,
			.meta = &fm,
			.ordinal = ps[i].ordinal,
			.line = ps[i].line,
			.text = body + ps[i].start,
			.text_len = ps[i].end - ps[i].start,
		};
		loci_status st = loci_writer_add_passage(w, an, &d, &err);
		if (st != LOCI_OK)
			setup_failed(loci_status_to_string(st), err);
	}
	free(ps);
	loci_front_matter_free(&fm);
	free(text);
}

/* corpus/synonyms.txt, if there is one, as loci-index --synonyms stores
 * it and loci-search reads it. */
static void
load_synonyms(loci_writer *w, loci_analyzer *an, const char *corpus)
{
	char *path = malloc(strlen(corpus) + 16), *text, *problem = NULL, *err = NULL;
	size_t len;
	loci_status st;

	if (!path)
		abort();
	sprintf(path, "%s/synonyms.txt", corpus);
	text = read_file(path, &len);
	free(path);
	if (!text)
		return;
	if ((st = loci_synonyms_parse(an, text, len, &corpus_syn, &problem)) != LOCI_OK)
		setup_failed("bad synonyms.txt", problem);
	if ((st = loci_writer_set_meta(w, LOCI_META_SYNONYMS, text, &err)) != LOCI_OK)
		setup_failed(loci_status_to_string(st), err);
	free(text);
}

const loci_synonyms *
fuzz_corpus_synonyms(void)
{
	fuzz_corpus_db();
	return corpus_syn;
}

loci_db *
fuzz_corpus_db(void)
{
	if (corpus_db)
		return corpus_db;

	const char *corpus = getenv("LOCI_CORPUS");
	const char *tmp = getenv("TMPDIR");
	loci_analyzer *an = fuzz_analyzer("english");
	loci_writer *w = NULL;
	char *err = NULL, **names = NULL;
	size_t n_names = 0, cap = 0;
	loci_status st;

	if (!corpus || !*corpus)
		corpus = LOCI_CORPUS_DIR;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	db_dir = malloc(strlen(tmp) + 32);
	if (!db_dir)
		abort();
	sprintf(db_dir, "%s/loci-fuzz-XXXXXX", tmp);
	if (!mkdtemp(db_dir)) {
		free(db_dir);
		db_dir = NULL;
		setup_failed("mkdtemp failed in", tmp);
	}
	atexit(remove_db);
	/* A sanitizer report ends the process without the atexit handlers,
	 * and leaves the index behind: no death callback of ours, which
	 * would replace the one by which libFuzzer saves the input. */

	DIR *d = opendir(corpus);
	struct dirent *e;
	if (!d)
		setup_failed("cannot open the corpus folder", corpus);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		/* synonyms.txt is not an article but loci-index --synonyms. */
		if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0 ||
		    strcmp(e->d_name, "synonyms.txt") == 0)
			continue;
		if (n_names == cap) {
			cap = cap ? cap * 2 : 16;
			char **p = realloc(names, cap * sizeof *p);
			if (!p)
				abort();
			names = p;
		}
		if (!(names[n_names++] = strdup(e->d_name)))
			abort();
	}
	closedir(d);
	if (!n_names)
		setup_failed("no .txt file in", corpus);
	qsort(names, n_names, sizeof *names, by_name);

	char *path = malloc(strlen(db_dir) + 8);
	if (!path)
		abort();
	sprintf(path, "%s/index", db_dir);
	if ((st = loci_writer_open(path, true, &w, &err)) != LOCI_OK)
		setup_failed(loci_status_to_string(st), err);
	for (size_t i = 0; i < n_names; i++) {
		char *file = malloc(strlen(corpus) + strlen(names[i]) + 2);
		if (!file)
			abort();
		sprintf(file, "%s/%s", corpus, names[i]);
		index_article(w, an, file, names[i]);
		free(file);
		free(names[i]);
	}
	free(names);
	load_synonyms(w, an, corpus);
	if ((st = loci_writer_set_meta(w, LOCI_META_LANGUAGE, "english", &err)) != LOCI_OK ||
	    (st = loci_writer_set_meta(w, LOCI_META_ANALYZER, LOCI_ANALYZER_VERSION, &err)) != LOCI_OK ||
	    (st = loci_writer_commit(w, &err)) != LOCI_OK)
		setup_failed(loci_status_to_string(st), err);
	loci_writer_close(w);
	if ((st = loci_db_open(path, &corpus_db, &err)) != LOCI_OK)
		setup_failed(loci_status_to_string(st), err);
	free(path);
	return corpus_db;
}

/* ---- the query path ---- */

bool
fuzz_parse(loci_analyzer *an, loci_db *db, const loci_synonyms *syn, const char *query,
	   size_t len, fuzz_query *out)
{
	char *err = NULL;
	loci_status st;

	/* Queries reach loci as C strings (argv, lines of --queries); the
	 * rewritten query is one too: stop at a NUL as they do. */
	const char *nul = memchr(query, '\0', len);
	if (nul)
		len = (size_t)(nul - query);
	bool valid = fuzz_utf8_valid(query, len);
	memset(out, 0, sizeof *out);
	st = loci_query_rewrite(an, syn, query, len, &out->rq);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_UTF8, LOCI_ERR_NOMEM);
	FUZZ_CHECK((st == LOCI_ERR_UTF8) == !valid);
	if (st != LOCI_OK) {
		/* Nothing to free on failure. */
		FUZZ_CHECK(out->rq.text == NULL && out->rq.prefixes == NULL);
		return false;
	}
	const char *text = out->rq.text;
	FUZZ_CHECK(text != NULL);
	size_t text_len = strlen(text);
	FUZZ_CHECK(fuzz_utf8_valid(text, text_len));
	FUZZ_CHECK((out->rq.n_prefixes == 0) == (out->rq.prefixes == NULL));
	for (size_t i = 0; i < out->rq.n_prefixes; i++) {
		const char *p = out->rq.prefixes[i];
		FUZZ_CHECK(p != NULL);
		size_t pl = strlen(p);
		FUZZ_CHECK(pl > 0);
		FUZZ_CHECK(fuzz_utf8_valid(p, pl));
		/* "normalised words": no field, no capitals, as the
		 * highlighter compares them with the passage's terms. */
		if (!fuzz_skip("prefix-shape")) {
			FUZZ_CHECK(strchr(p, ':') == NULL);
			for (size_t k = 0; k < pl; k++)
				FUZZ_CHECK(!(p[k] >= 'A' && p[k] <= 'Z'));
		}
		/* A prefix is the rewritten word before a '*', or that word
		 * in hex after "litw:". */
		bool found = fuzz_skip("prefix-shape");
		for (const char *at = strstr(text, p); at && !found; at = strstr(at + 1, p))
			found = at[pl] == '*';
		char *hex = malloc(2 * pl + sizeof "litw:");
		if (!hex)
			abort();
		strcpy(hex, "litw:");
		for (size_t k = 0; k < pl; k++)
			sprintf(hex + 5 + 2 * k, "%02x", (unsigned char)p[k]);
		for (const char *at = strstr(text, hex); at && !found; at = strstr(at + 1, hex))
			found = !((at[2 * pl + 5] >= '0' && at[2 * pl + 5] <= '9') ||
				  (at[2 * pl + 5] >= 'a' && at[2 * pl + 5] <= 'f'));
		free(hex);
		FUZZ_CHECK(found);
	}

	st = loci_db_parse_query(db, an, syn, text, &out->q, &err);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_QUERY_SYNTAX, LOCI_ERR_NOMEM);
	if (st != LOCI_OK) {
		FUZZ_CHECK(out->q == NULL);
		/* "with Xapian's message" */
		FUZZ_CHECK(st != LOCI_ERR_QUERY_SYNTAX || (err != NULL && *err != '\0'));
		free(err);
		loci_rewritten_query_free(&out->rq);
		return false;
	}
	FUZZ_CHECK(err == NULL);
	FUZZ_CHECK(out->q != NULL);
	FUZZ_CHECK(loci_query_describe(out->q) != NULL);
	return true;
}

void
fuzz_query_free(fuzz_query *fq)
{
	loci_query_free(fq->q);
	loci_rewritten_query_free(&fq->rq);
	memset(fq, 0, sizeof *fq);
}

void
fuzz_check_spans(const char *text, size_t len, const span *spans, size_t n)
{
	FUZZ_CHECK((n == 0) || spans != NULL);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(spans[i].start < spans[i].end);
		FUZZ_CHECK(spans[i].end <= len);
		FUZZ_CHECK(i == 0 || spans[i].start >= spans[i - 1].end);
		FUZZ_CHECK(fuzz_char_boundary(text, len, spans[i].start));
		FUZZ_CHECK(fuzz_char_boundary(text, len, spans[i].end));
	}
}
