#include "stopwords.h"

#include <stdlib.h>
#include <string.h>

/* Snowball's English list plus "us" (so that "US" typed in capitals is
 * treated as the acronym it is), sorted for bsearch; the apostrophe forms
 * are as the analyser normalises them (’ becomes '). */
static const char *const english[] = {
	"a", "about", "above", "after", "again", "against", "all", "am", "an", "and",
	"any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being",
	"below", "between", "both", "but", "by", "can't", "cannot", "could", "couldn't",
	"did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during",
	"each", "few", "for", "from", "further", "had", "hadn't", "has", "hasn't", "have",
	"haven't", "having", "he", "he'd", "he'll", "he's", "her", "here", "here's", "hers",
	"herself", "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm",
	"i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "let's",
	"me", "more", "most", "mustn't", "my", "myself", "no", "nor", "not", "of", "off",
	"on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out",
	"over", "own", "same", "shan't", "she", "she'd", "she'll", "she's", "should",
	"shouldn't", "so", "some", "such", "than", "that", "that's", "the", "their",
	"theirs", "them", "themselves", "then", "there", "there's", "these", "they",
	"they'd", "they'll", "they're", "they've", "this", "those", "through", "to", "too",
	"under", "until", "up", "us", "very", "was", "wasn't", "we", "we'd", "we'll", "we're",
	"we've", "were", "weren't", "what", "what's", "when", "when's", "where", "where's",
	"which", "while", "who", "who's", "whom", "why", "why's", "with", "won't", "would",
	"wouldn't", "you", "you'd", "you'll", "you're", "you've", "your", "yours",
	"yourself", "yourselves", NULL
};

static const char *const none[] = { NULL };

const char *const *
loci_stopwords(const char *language)
{
	return strcmp(language, "english") == 0 ? english : none;
}

typedef struct {
	const char *s;
	size_t n;
} key;

static int
cmp_key(const void *k, const void *elem)
{
	const key *a = k;
	const char *b = *(const char *const *)elem;
	int c = strncmp(a->s, b, a->n);
	return c ? c : (b[a->n] ? -1 : 0);
}

bool
loci_is_stopword(const char *language, const char *term, size_t len)
{
	const char *const *list = loci_stopwords(language);
	size_t n = 0;
	key k = { term, len };

	while (list[n])
		n++;
	return n && bsearch(&k, list, n, sizeof *list, cmp_key) != NULL;
}
