#define PCRE2_CODE_UNIT_WIDTH 8

#include "analyzer.h"

#include <libstemmer.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "encoding.h"

/* A part is a number with inner separators ("1,500", "1.3") or a run of
 * letters, digits and combining marks with inner apostrophes ("Russia’s")
 * and soft hyphens (U+00AD, invisible, left by web pages in long words);
 * a token is parts joined by hyphens.  Numbers come first so that "1,500"
 * is not cut at the comma. */
#define PART "(?:\\p{N}+(?:[.,]\\p{N}+)+" \
	     "|[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}\\x{AD}]*" \
	     "(?:['\\x{2019}]\\p{L}[\\p{L}\\p{N}\\p{M}\\x{AD}]*)*)"
#define HYPHEN "[-\\x{2010}\\x{2011}]"
#define TOKEN_PATTERN PART "(?:" HYPHEN PART ")*"

struct loci_analyzer {
	char *language;
	struct sb_stemmer *stemmer;	/* NULL for "none" */
	pcre2_code *re;
	pcre2_match_data *md;
	char *buf;			/* normalised term of the current token */
	size_t buf_cap;
	char *joined;			/* term of the current compound */
	size_t joined_cap;
	size_t tokenized;		/* bytes so far, until JIT-compiled */
	bool jit_tried;
};

/* PCRE2's JIT compiler costs about as much as matching a few hundred
 * kilobytes: worth it for the indexer, not for a search that tokenizes a
 * query and a page of passages. */
#define JIT_AFTER_BYTES (256 * 1024)

static bool
reserve(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	char *p = realloc(*buf, n);
	if (!p)
		return false;
	*buf = p;
	*cap = n;
	return true;
}

loci_status
loci_analyzer_new(const char *language, loci_analyzer **out)
{
	loci_analyzer *an = calloc(1, sizeof *an);
	int errcode;
	PCRE2_SIZE erroff;

	*out = NULL;
	if (!an)
		return LOCI_ERR_NOMEM;
	an->language = strdup(language);
	if (!an->language)
		goto nomem;
	if (strcmp(language, "none") != 0) {
		/* Only the canonical names: an alias ("en") recorded in an
		 * index would not compare equal to its name later. */
		bool known = false;
		for (const char **l = sb_stemmer_list(); *l; l++)
			if (strcmp(*l, language) == 0)
				known = true;
		if (!known) {
			loci_analyzer_free(an);
			return LOCI_ERR_INVALID;
		}
		an->stemmer = sb_stemmer_new(language, "UTF_8");
		if (!an->stemmer) {
			loci_analyzer_free(an);
			return LOCI_ERR_INVALID;
		}
	}
	an->re = pcre2_compile((PCRE2_SPTR)TOKEN_PATTERN, PCRE2_ZERO_TERMINATED,
			       PCRE2_UTF | PCRE2_UCP, &errcode, &erroff, NULL);
	if (!an->re) {
		/* The pattern is a constant: failing to compile it is a bug. */
		loci_analyzer_free(an);
		return LOCI_ERR_INTERNAL;
	}
	an->md = pcre2_match_data_create_from_pattern(an->re, NULL);
	if (!an->md)
		goto nomem;
	*out = an;
	return LOCI_OK;
nomem:
	loci_analyzer_free(an);
	return LOCI_ERR_NOMEM;
}

void
loci_analyzer_free(loci_analyzer *an)
{
	if (!an)
		return;
	if (an->stemmer)
		sb_stemmer_delete(an->stemmer);
	pcre2_match_data_free(an->md);
	pcre2_code_free(an->re);
	free(an->language);
	free(an->buf);
	free(an->joined);
	free(an);
}

const char *
loci_analyzer_language(const loci_analyzer *an)
{
	return an->language;
}

const char **
loci_analyzer_languages(void)
{
	return sb_stemmer_list();
}

/* Combining marks that are accents: removed so that "Guantánamo" is
 * found by "guantanamo".  Marks that are letters' parts (Indic vowel
 * signs, viramas) are kept. */
static bool
is_diacritic(utf8proc_int32_t c)
{
	return (c >= 0x0300 && c <= 0x036F) ||	/* combining diacritical marks */
	       (c >= 0x0591 && c <= 0x05C7) ||	/* Hebrew points and accents */
	       (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||	/* Arabic harakat */
	       (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
	       (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F);
}

/* Decomposes s into a new array of code points (NFKD with case folding
 * and default ignorables removed); returns its length or a utf8proc error. */
static utf8proc_ssize_t
decompose(const char *s, size_t len, utf8proc_int32_t **out)
{
	const int opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
			 UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
	utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)s,
						(utf8proc_ssize_t)len, NULL, 0, opts);
	*out = NULL;
	if (n < 0)
		return n;
	/* reencode writes up to 4 bytes per code point into the same buffer. */
	*out = malloc(((size_t)n + 1) * sizeof **out);
	if (!*out)
		return UTF8PROC_ERROR_NOMEM;
	n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, *out, n, opts);
	if (n < 0) {
		free(*out);
		*out = NULL;
	}
	return n;
}

/* Normalises s[0..len) (valid UTF-8) into an->buf: NFKC, full case
 * folding, diacritics removed, and the typographic apostrophe made ASCII
 * so that "Russia’s" and "Russia's" are one term. */
static loci_status
normalize(loci_analyzer *an, const char *s, size_t len, size_t *out_len)
{
	bool ascii = true;

	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80) {
			ascii = false;
			break;
		}
	}
	if (ascii) {
		/* Most words: no need for utf8proc and its allocation. */
		if (!reserve(&an->buf, &an->buf_cap, len + 1))
			return LOCI_ERR_NOMEM;
		for (size_t i = 0; i < len; i++) {
			char c = s[i];
			an->buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		an->buf[len] = '\0';
		*out_len = len;
		return LOCI_OK;
	}

	/* Decompose (compatibility forms too), fold case, drop default
	 * ignorables such as the soft hyphen; then remove the diacritics and
	 * compose again.  utf8proc's STRIPMARK would remove every combining
	 * mark, Indic vowel signs included, and merge different words. */
	utf8proc_int32_t *cps = NULL;
	utf8proc_ssize_t n = decompose(s, len, &cps);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? LOCI_ERR_NOMEM : LOCI_ERR_UTF8;
	utf8proc_ssize_t kept = 0;
	for (utf8proc_ssize_t i = 0; i < n; i++)
		if (!is_diacritic(cps[i]))
			/* Case folding maps Cherokee to capitals; Xapian's parser
			 * lowercases what it reads: both must agree. */
			cps[kept++] = utf8proc_tolower(cps[i]);
	n = utf8proc_reencode(cps, kept, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0) {
		free(cps);
		return LOCI_ERR_UTF8;
	}
	/* utf8proc_reencode leaves UTF-8 in the code point buffer. */
	utf8proc_uint8_t *mapped = (utf8proc_uint8_t *)cps;
	if (!reserve(&an->buf, &an->buf_cap, (size_t)n + 1)) {
		free(mapped);
		return LOCI_ERR_NOMEM;
	}
	size_t o = 0;
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		if (i + 2 < n && mapped[i] == 0xE2 && mapped[i + 1] == 0x80 && mapped[i + 2] == 0x99) {
			an->buf[o++] = '\'';
			i += 2;
		} else {
			an->buf[o++] = (char)mapped[i];
		}
	}
	/* Compatibility forms can bring ASCII punctuation ("⒐" is "9."),
	 * which the query parser would cut off: keep only what a typed
	 * word holds. */
	size_t k = 0;
	for (size_t i = 0; i < o; i++) {
		unsigned char c = (unsigned char)an->buf[i];
		if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    ((c == '\'' || c == '.' || c == ',') && k > 0 && i + 1 < o))
			an->buf[k++] = (char)c;
	}
	an->buf[k] = '\0';
	free(mapped);
	*out_len = k;
	return LOCI_OK;
}

/* Length of the hyphen (one of HYPHEN) at s, or 0. */
static size_t
hyphen_at(const char *s, size_t left)
{
	if (left >= 1 && s[0] == '-')
		return 1;
	/* U+2010 and U+2011 are E2 80 90 and E2 80 91. */
	if (left >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] == 0x90 || (unsigned char)s[2] == 0x91))
		return 3;
	return 0;
}

static bool
in_capitals(const char *s, size_t n)
{
	if (n < 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z'))
			return false;
	return true;
}

/* Reports a hyphenated token: first the joined form, then each part. */
static loci_status
emit_compound(loci_analyzer *an, const char *text, size_t start, size_t end,
	      unsigned *pos, loci_token_fn fn, void *ctx, bool *stop)
{
	size_t joined_len = 0;
	loci_status st;
	size_t len;

	/* Pass 1: the joined term. */
	for (size_t p = start; p < end;) {
		size_t q = p, h = 0;
		while (q < end && (h = hyphen_at(text + q, end - q)) == 0)
			q++;
		if ((st = normalize(an, text + p, q - p, &len)) != LOCI_OK)
			return st;
		if (!reserve(&an->joined, &an->joined_cap, joined_len + len + 1))
			return LOCI_ERR_NOMEM;
		memcpy(an->joined + joined_len, an->buf, len);
		joined_len += len;
		p = q + h;
	}
	an->joined[joined_len] = '\0';
	unsigned first = *pos;
	if (joined_len > 0 && joined_len <= LOCI_MAX_TERM) {
		loci_token tok = { an->joined, joined_len, start, end, first, LOCI_TOKEN_COMPOUND,
				   false };
		if (fn(ctx, &tok)) {
			*stop = true;
			return LOCI_OK;
		}
	}
	/* Pass 2: the parts, at consecutive positions. */
	for (size_t p = start; p < end;) {
		size_t q = p, h = 0;
		while (q < end && (h = hyphen_at(text + q, end - q)) == 0)
			q++;
		if ((st = normalize(an, text + p, q - p, &len)) != LOCI_OK)
			return st;
		unsigned at = (*pos)++;
		if (len > 0 && len <= LOCI_MAX_TERM) {
			loci_token tok = { an->buf, len, p, q, at, LOCI_TOKEN_PART,
					   in_capitals(text + p, q - p) };
			if (fn(ctx, &tok)) {
				*stop = true;
				return LOCI_OK;
			}
		}
		p = q + h;
	}
	return LOCI_OK;
}

loci_status
loci_analyzer_tokenize(loci_analyzer *an, const char *text, size_t len,
		       loci_token_fn fn, void *ctx)
{
	unsigned pos = 1;
	size_t off = 0;
	bool stop = false;

	/* Validate once, then let PCRE2 skip its own check on every match,
	 * which would otherwise rescan the rest of the text each time. */
	if (!loci_utf8_valid(text, len))
		return LOCI_ERR_UTF8;
	if (!an->jit_tried && (an->tokenized += len) >= JIT_AFTER_BYTES) {
		/* An optimisation only: without it matching still works. */
		(void)pcre2_jit_compile(an->re, PCRE2_JIT_COMPLETE);
		an->jit_tried = true;
	}
	while (off < len && !stop) {
		int rc = pcre2_match(an->re, (PCRE2_SPTR)text, len, off,
				     PCRE2_NO_UTF_CHECK, an->md, NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0)
			return rc == PCRE2_ERROR_NOMEMORY ? LOCI_ERR_NOMEM : LOCI_ERR_INTERNAL;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(an->md);
		size_t s = ov[0], e = ov[1];
		bool compound = false;
		loci_status st;

		for (size_t i = s; i < e; i++) {
			if (hyphen_at(text + i, e - i)) {
				compound = true;
				break;
			}
		}
		if (compound) {
			st = emit_compound(an, text, s, e, &pos, fn, ctx, &stop);
		} else {
			size_t tlen;
			st = normalize(an, text + s, e - s, &tlen);
			unsigned at = pos++;
			/* Empty after normalising: a default-ignorable "letter"
			 * such as U+3164.  Not a word. */
			if (st == LOCI_OK && tlen > 0 && tlen <= LOCI_MAX_TERM) {
				loci_token tok = { an->buf, tlen, s, e, at, LOCI_TOKEN_WORD,
						   in_capitals(text + s, e - s) };
				stop = fn(ctx, &tok) != 0;
			}
		}
		if (st != LOCI_OK)
			return st;
		off = e > s ? e : e + 1;
	}
	return LOCI_OK;
}

const char *
loci_analyzer_stem(loci_analyzer *an, const char *term, size_t len, size_t *out_len)
{
	/* Numbers and the "none" language stem to themselves. */
	if (!an->stemmer || len == 0 || (term[0] >= '0' && term[0] <= '9')) {
		*out_len = len;
		return term;
	}
	const sb_symbol *r = sb_stemmer_stem(an->stemmer, (const sb_symbol *)term, (int)len);
	if (!r)
		return NULL;
	*out_len = (size_t)sb_stemmer_length(an->stemmer);
	if (*out_len == 0) {
		/* Some stemmers (porter: "s") stem a word away: keep it. */
		*out_len = len;
		return term;
	}
	return (const char *)r;
}
