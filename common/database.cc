// The only C++ file of loci: Xapian behind a C interface.  The functions
// of database.h get C linkage from their declarations there.  Every entry
// point catches everything and turns it into a loci_status through
// status_from_exception(), so no exception crosses into C.

#include "database.h"
#include "dates.h"
#include "stopwords.h"

#include <xapian.h>

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

// Values are what the matcher reads: the article (collapsing, path:
// filters), the ordinal (one passage of an article) and the date (date:
// ranges, sorting).  What is only printed lives in the document data
// (below), where one read fetches it with the text; slot 0 (the
// article key) and slots 2, 4, 5, 7-11 (title, line, byte range, date as
// written, source, url, author, tags) held it up to analyser version 4.
enum : Xapian::valueno {
	VALUE_PATH = 1,
	VALUE_ORDINAL = 3,
	VALUE_DATE = 6,		// sortable ISO 8601
};

// A passage's document data: its printed fields, each a length (7 bits a
// byte, low first, the high bit set on all but the last byte) and its
// bytes, in this order, then the passage text to the end.
enum PassageField { F_TITLE, F_LINE, F_DATE, F_SOURCE, F_URL, F_AUTHOR, F_TAGS, N_FIELDS };

void
put_field(std::string &out, const std::string &v)
{
	size_t n = v.size();
	while (n >= 0x80) {
		out += (char)(0x80 | (n & 0x7f));
		n >>= 7;
	}
	out += (char)n;
	out += v;
}

// Splits data into fields[] and the text; false if it is not in this
// layout (a damaged index), in which case it is all text.
bool
split_passage_data(const std::string &data, std::string fields[N_FIELDS], std::string &text)
{
	size_t at = 0;
	for (int f = 0; f < N_FIELDS; f++) {
		size_t n = 0;
		for (unsigned shift = 0;; shift += 7) {
			if (at == data.size() || shift > 28)
				return false;
			unsigned char c = (unsigned char)data[at++];
			n |= (size_t)(c & 0x7f) << shift;
			if (!(c & 0x80))
				break;
		}
		if (n > data.size() - at)
			return false;
		fields[f] = data.substr(at, n);
		at += n;
	}
	text = data.substr(at);
	return true;
}

// A passage id term ("Q" path "#" ordinal) was on every passage of
// indexes built before 2026-11-26; the article term and the ordinal value
// serve instead.  Kept to leave such terms out of the vocabulary count.
const char PREFIX_PASSAGE[] = "Q";
const char PREFIX_ARTICLE[] = "XA";
const char PREFIX_STEM[] = "Z";
// Fields, searchable as title:, source:, author:, tag: (free text) and
// path: (a folder or file, exact).
const char PREFIX_TITLE[] = "S";
const char PREFIX_SOURCE[] = "XS";
const char PREFIX_AUTHOR[] = "XW";
const char PREFIX_TAG[] = "K";
// A stopword written in capitals in the text (IS, US, IT): an acronym
// more often than not, found by typing it in capitals (caps:IS).
const char PREFIX_CAPS[] = "XU";
// Article records live in the metadata table, which commits atomically
// with the documents: a record never disagrees with the passages.
const char META_ARTICLE[] = "loci.article:";

// Reopening after DatabaseModifiedError almost always succeeds at once;
// more attempts only cover a writer committing in a tight loop.
const int MAX_REOPEN = 5;

// Ranking, beyond BM25 over passages.  tests/eval/README.md has the
// measurements behind each choice and number.
//
// An article's title says what all of its passages are about, and every
// passage carries it as a field: the query's words found there add to a
// passage's score, at this fraction of their weight in the text.
const double TITLE_WEIGHT = 0.5;
// Pseudo-relevance feedback (loci_search_options.feedback), RM3-style:
// the FEEDBACK_TERMS words that best tell apart the best passages of the
// FEEDBACK_ARTICLES best articles (an expand set), among those found in
// two of them at least, are added to the query.
// Together they weigh FEEDBACK_WEIGHT times as much as the query's own
// words, shared in proportion to their expand weights: a one-word query
// gets little from them, and so cannot drift far from what was typed.
const Xapian::doccount FEEDBACK_ARTICLES = 5;
const size_t FEEDBACK_TERMS = 10;
const double FEEDBACK_WEIGHT = 0.3;
// Feedback's words only reorder the passages that match the query (they
// join it by AND_MAYBE), and for a page within the first RERANK_DEPTH
// results only those of the articles of the first pass's best
// RERANK_DEPTH passages: a second search of every match cost more than
// the first.  tests/eval/README.md: nDCG@10 within 0.002 of the full
// search from a depth of 20; each candidate article costs a lookup.
const Xapian::doccount RERANK_DEPTH = 20;

// Xapian terms are limited to 245 bytes; long paths are shortened to a
// prefix plus a hash, which keeps keys unique and readable.
std::string
article_key(const char *path)
{
	std::string p(path);
	if (p.size() <= 160)
		return p;
	unsigned long long h = 1469598103934665603ULL;	// FNV-1a
	for (unsigned char c : p) {
		h ^= c;
		h *= 1099511628211ULL;
	}
	char hex[20];
	snprintf(hex, sizeof hex, "%016llx", h);
	return p.substr(0, 120) + "#" + hex;
}

void
set_err(char **err, const std::string &msg)
{
	if (err)
		*err = strdup(msg.c_str());
}

// Must be called from inside a catch block: maps the exception being
// handled to a status, keeping Xapian's message.
loci_status
status_from_exception(char **err)
{
	try {
		throw;
	} catch (const Xapian::DatabaseLockError &e) {
		set_err(err, e.get_msg());
		return LOCI_ERR_LOCKED;
	} catch (const Xapian::DatabaseModifiedError &e) {
		set_err(err, e.get_msg());
		return LOCI_ERR_MODIFIED;
	} catch (const Xapian::DatabaseCorruptError &e) {
		set_err(err, e.get_msg());
		return LOCI_ERR_CORRUPT;
	} catch (const Xapian::DatabaseVersionError &e) {
		set_err(err, e.get_msg());
		return LOCI_ERR_VERSION;
	} catch (const Xapian::DatabaseNotFoundError &e) {
		set_err(err, e.get_msg());
		return LOCI_ERR_NOT_FOUND;
	} catch (const Xapian::DatabaseOpeningError &e) {
		// Some of the index is there but not all of it (a missing
		// table), or a file that is not a stub: damaged either way.
		set_err(err, e.get_msg());
		return LOCI_ERR_CORRUPT;
	} catch (const Xapian::QueryParserError &e) {
		set_err(err, e.get_msg());
		return LOCI_ERR_QUERY_SYNTAX;
	} catch (const Xapian::WildcardError &e) {
		set_err(err, e.get_msg());
		return LOCI_ERR_QUERY_SYNTAX;
	} catch (const Xapian::UnimplementedError &e) {
		// A query Xapian cannot run, such as NEAR around a phrase.
		set_err(err, "not supported: " + e.get_msg());
		return LOCI_ERR_QUERY_SYNTAX;
	} catch (const Xapian::DatabaseError &e) {
		// A failed system call (read, write, fsync, rename) carries
		// errno: I/O.  Without one, Xapian read something it could not
		// make sense of, such as a truncated table: damage.
		std::string msg = e.get_msg();
		if (e.get_error_string()) {
			set_err(err, msg + " (" + e.get_error_string() + ")");
			return LOCI_ERR_IO;
		}
		set_err(err, msg);
		return LOCI_ERR_CORRUPT;
	} catch (const Xapian::NetworkError &e) {
		// A remote shard that cannot be reached, or went away.
		set_err(err, e.get_msg() + (e.get_error_string() ?
					    std::string(" (") + e.get_error_string() + ")" : ""));
		return LOCI_ERR_IO;
	} catch (const Xapian::Error &e) {
		set_err(err, e.get_description());
		return LOCI_ERR_XAPIAN;
	} catch (const std::bad_alloc &) {
		return LOCI_ERR_NOMEM;
	} catch (const std::exception &e) {
		set_err(err, e.what());
		return LOCI_ERR_INTERNAL;
	} catch (...) {
		return LOCI_ERR_INTERNAL;
	}
}

// Hands the analyser's Snowball stemmer to the QueryParser, so that query
// stems and document stems come from the same code.
class AnalyzerStem : public Xapian::StemImplementation {
	loci_analyzer *an;
public:
	explicit AnalyzerStem(loci_analyzer *a) : an(a) {}
	std::string operator()(const std::string &word) override {
		size_t len;
		const char *s = loci_analyzer_stem(an, word.data(), word.size(), &len);
		if (!s)
			throw std::bad_alloc();
		return std::string(s, len);
	}
	std::string get_description() const override {
		return std::string("loci:") + loci_analyzer_language(an);
	}
};

struct IndexContext {
	Xapian::Document *doc;
	loci_analyzer *an;
	std::string prefix;	// "" for the passage, a field's prefix else
	bool nomem;
};

int
index_token(void *ctx, const loci_token *tok)
{
	IndexContext *ic = static_cast<IndexContext *>(ctx);
	size_t len;
	const char *stem = loci_analyzer_stem(ic->an, tok->term, tok->term_len, &len);

	if (!stem) {
		ic->nomem = true;
		return 1;
	}
	// This runs under C frames (the tokenizer): nothing may escape it.
	try {
		std::string term(tok->term, tok->term_len);
		// Plain terms carry positions (phrases, NEAR, wildcards); stems
		// only frequencies, as TermGenerator does with STEM_SOME.
		ic->doc->add_posting(ic->prefix + term, tok->position);
		ic->doc->add_term(PREFIX_STEM + ic->prefix + std::string(stem, len));
		if (ic->prefix.empty() && tok->kind == LOCI_TOKEN_WORD && tok->caps &&
		    loci_is_stopword(loci_analyzer_language(ic->an), tok->term, tok->term_len))
			ic->doc->add_posting(PREFIX_CAPS + term, tok->position);
	} catch (...) {
		ic->nomem = true;
		return 1;
	}
	return 0;
}

// Indexes a field's text under its prefix.
loci_status
index_field(Xapian::Document &doc, loci_analyzer *an, const char *prefix, const char *text)
{
	if (!text || !*text)
		return LOCI_OK;
	IndexContext ic{ &doc, an, prefix, false };
	loci_status st = loci_analyzer_tokenize(an, text, strlen(text), index_token, &ic);
	// A field that is not UTF-8 is skipped, not fatal: the passage stays.
	if (st == LOCI_ERR_UTF8)
		return LOCI_OK;
	return st == LOCI_OK && ic.nomem ? LOCI_ERR_NOMEM : st;
}


// Record format: "size mtime_ns hash passages path"; the path comes last
// since it may hold any byte.
std::string
encode_article(const char *path, const loci_article_info *info)
{
	char head[96];
	snprintf(head, sizeof head, "%llu %lld %.16s %u ", info->size, info->mtime_ns,
		 info->hash, info->passages);
	return head + std::string(path);
}

bool
decode_article(const std::string &v, loci_article_info *info, std::string *path)
{
	int used = 0;
	char hash[17] = "";
	// "%n" right after the last number: exactly one space follows, and
	// the path after it may itself start with white space.
	if (sscanf(v.c_str(), "%llu %lld %16s %u%n", &info->size, &info->mtime_ns, hash,
		   &info->passages, &used) < 4 || used == 0 || (size_t)used >= v.size() ||
	    v[(size_t)used] != ' ')
		return false;
	memcpy(info->hash, hash, sizeof hash);
	*path = v.substr((size_t)used + 1);
	return true;
}

template <class DB>
loci_status
list_articles(DB &db, loci_article_fn fn, void *ctx)
{
	for (Xapian::TermIterator k = db.metadata_keys_begin(META_ARTICLE);
	     k != db.metadata_keys_end(META_ARTICLE); ++k) {
		loci_article_info info;
		std::string path;
		if (!decode_article(db.get_metadata(*k), &info, &path))
			return LOCI_ERR_CORRUPT;
		if (fn(ctx, path.c_str(), &info))
			break;
	}
	return LOCI_OK;
}

// Everything a writer changes between two commits is one Xapian
// transaction: Xapian then never commits on its own (its flush threshold
// would cut an article in two), and closing without a commit drops it all.
void
begin_changes(Xapian::WritableDatabase &db)
{
	db.begin_transaction(false);
}

// path:DIR or path:FILE, over the stored path value: the folder's
// articles are the paths that start with "DIR/".  A value range costs no
// terms in the index, where a term per folder per passage cost many.
class PathFilter : public Xapian::FieldProcessor {
public:
	Xapian::Query operator()(const std::string &p) override {
		std::string dir = p + "/";
		return Xapian::Query(Xapian::Query::OP_OR,
				     Xapian::Query(Xapian::Query::OP_VALUE_RANGE, VALUE_PATH, p, p),
				     Xapian::Query(Xapian::Query::OP_VALUE_RANGE, VALUE_PATH, dir,
						   dir + "\xff"));
	}
};

// The sort key for --sort date and -date: the sortable date, with
// undated passages last either way (ties keep relevance order).
class DateKey : public Xapian::KeyMaker {
	bool ascending;
public:
	explicit DateKey(bool asc) : ascending(asc) {}
	std::string operator()(const Xapian::Document &doc) const override {
		std::string v = doc.get_value(VALUE_DATE);
		if (v.empty() && ascending)
			return std::string(1, '\xff');
		return v;
	}
};

// date:FROM..TO over the sortable dates: either end may be open, and a
// partial date stands for its whole period (date:2023..2024 takes in all
// of 2024), so the upper end is extended to sort after its subdivisions.
class DateRange : public Xapian::RangeProcessor {
public:
	DateRange() : Xapian::RangeProcessor(VALUE_DATE, "date:") {}
	Xapian::Query operator()(const std::string &b, const std::string &e) override {
		std::string lo, hi;
		if (!b.empty() && !sortable(b, lo))
			throw Xapian::QueryParserError("date:" + b + ".." + e +
						       ": dates are YYYY, YYYY-MM or YYYY-MM-DD");
		if (!e.empty() && !sortable(e, hi))
			throw Xapian::QueryParserError("date:" + b + ".." + e +
						       ": dates are YYYY, YYYY-MM or YYYY-MM-DD");
		if (e.empty())
			return Xapian::Query(Xapian::Query::OP_VALUE_GE, VALUE_DATE, lo);
		hi += "\xff";
		if (b.empty())
			return Xapian::Query(Xapian::Query::OP_VALUE_LE, VALUE_DATE, hi);
		return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, VALUE_DATE, lo, hi);
	}
private:
	static bool sortable(const std::string &s, std::string &out) {
		char *d = loci_date_sortable(s.c_str());
		if (!d)
			return false;
		out = d;
		free(d);
		return true;
	}
};

// syn:N, written by the query rewriter for a name of synonym group N: the
// group as one OP_SYNONYM, each member as the parser would have made it
// (a stem, a phrase of plain terms, or a capitals-only term).
class SynonymGroup : public Xapian::FieldProcessor {
	loci_analyzer *an;
	const loci_synonyms *syn;
public:
	SynonymGroup(loci_analyzer *a, const loci_synonyms *s) : an(a), syn(s) {}
	Xapian::Query operator()(const std::string &str) override {
		char *end;
		unsigned long g = strtoul(str.c_str(), &end, 10);
		if (!syn || *end || str.empty() || g >= loci_synonyms_groups(syn))
			throw Xapian::QueryParserError("syn:" + str + ": no such synonym group");
		std::vector<Xapian::Query> members;
		for (size_t k = 0; k < loci_synonyms_members(syn, g); k++) {
			const char *const *terms;
			bool caps;
			size_t n = loci_synonyms_member(syn, g, k, &terms, &caps);
			if (caps) {
				members.emplace_back(PREFIX_CAPS + std::string(terms[0]));
			} else if (n == 1) {
				size_t len;
				const char *stem = loci_analyzer_stem(an, terms[0], strlen(terms[0]), &len);
				if (!stem)
					throw std::bad_alloc();
				members.emplace_back(PREFIX_STEM + std::string(stem, len));
			} else {
				std::vector<Xapian::Query> words(terms, terms + n);
				members.emplace_back(Xapian::Query::OP_PHRASE, words.begin(), words.end(),
						     (Xapian::termcount)n);
			}
		}
		return Xapian::Query(Xapian::Query::OP_SYNONYM, members.begin(), members.end());
	}
};

// lit:HEX, written by the query rewriter for a word the parser would cut
// in pieces the index does not hold: the word in hex digits, made here
// into the stem term the parser makes of a plain word; litw:HEX, the
// wildcard the parser makes of "word*".
class LiteralTerm : public Xapian::FieldProcessor {
	loci_analyzer *an;
public:
	LiteralTerm(loci_analyzer *a, bool w) : an(a), wildcard(w) {}
	Xapian::Query operator()(const std::string &str) override {
		std::string term = decode(str);
		if (wildcard)	// as the parser makes one: unstemmed terms
			return Xapian::Query(Xapian::Query::OP_WILDCARD, term,
					     LOCI_MAX_WILDCARD_TERMS,
					     Xapian::Query::WILDCARD_LIMIT_ERROR);
		size_t len;
		const char *stem = loci_analyzer_stem(an, term.data(), term.size(), &len);
		if (!stem)
			throw std::bad_alloc();
		return Xapian::Query(PREFIX_STEM + std::string(stem, len));
	}
private:
	bool wildcard;
	static std::string decode(const std::string &str) {
		std::string term;
		for (size_t i = 0; i + 1 < str.size(); i += 2) {
			int hi = hex_digit(str[i]), lo = hex_digit(str[i + 1]);
			if (hi < 0 || lo < 0)
				break;
			term += (char)(hi << 4 | lo);
		}
		if (term.empty() || term.size() * 2 != str.size())
			throw Xapian::QueryParserError("lit:" + str + ": not a word in hex");
		return term;
	}
	static int hex_digit(char c) {
		return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
	}
};

bool
holds_xor(const Xapian::Query &q)
{
	if (q.get_type() == Xapian::Query::OP_XOR)
		return true;
	for (size_t i = 0; i < q.get_num_subqueries(); i++)
		if (holds_xor(q.get_subquery(i)))
			return true;
	return false;
}

// XOR of kids[from, to): exactly one side of each split, so the passages
// that hold an odd number of them, as OP_XOR has it (the weight differs:
// that of the operands matched at the last split only).  Each level
// doubles its sides, so n operands cost about n^2 leaves (bounded below).
Xapian::Query
xor_of(const std::vector<Xapian::Query> &kids, size_t from, size_t to)
{
	if (to - from == 1)
		return kids[from];
	size_t mid = from + (to - from) / 2;
	Xapian::Query a = xor_of(kids, from, mid), b = xor_of(kids, mid, to);
	return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_OR, a, b),
			     Xapian::Query(Xapian::Query::OP_AND, a, b));
}

// The terms q matches with, counted as the matcher opens them: once per
// place (a part repeated is counted again); stops counting past limit.
size_t
leaves(const Xapian::Query &q, size_t limit)
{
	size_t n = q.get_num_subqueries();
	if (n == 0)
		return 1;
	size_t sum = 0;
	for (size_t i = 0; i < n && sum <= limit; i++)
		sum += leaves(q.get_subquery(i), limit);
	return sum;
}

// A spelt-out XOR repeats each operand once per split it sits under:
// bounded, so that a query cannot make the matcher open millions of
// posting lists.
const size_t MAX_XOR_LEAVES = 2000;

// Xapian 1.4's matcher reads freed memory on some queries with OP_XOR:
// (a XOR "b c" XOR d) AND_MAYBE e, or a wildcard in place of the phrase;
// loci puts every query under AND_MAYBE (title, feedback), and the
// matcher turns an OR into one of its own accord.  Found by the query
// fuzz target, shown with Xapian alone under valgrind.  So no OP_XOR
// reaches it: each is spelt with OR, AND and AND_NOT.  The query parser
// puts an XOR under the boolean operators only, which are rebuilt here.
Xapian::Query
without_xor(const Xapian::Query &q)
{
	if (!holds_xor(q))
		return q;
	std::vector<Xapian::Query> kids;
	for (size_t i = 0; i < q.get_num_subqueries(); i++)
		kids.push_back(without_xor(q.get_subquery(i)));
	switch (q.get_type()) {
	case Xapian::Query::OP_XOR: {
		Xapian::Query x = xor_of(kids, 0, kids.size());
		if (leaves(x, MAX_XOR_LEAVES) > MAX_XOR_LEAVES)
			throw Xapian::QueryParserError("too many words under XOR (at most " +
						       std::to_string(MAX_XOR_LEAVES) +
						       " once spelt out; use fewer words or "
						       "synonyms, or --no-synonyms)");
		return x;
	}
	case Xapian::Query::OP_AND:
	case Xapian::Query::OP_OR:
	case Xapian::Query::OP_AND_NOT:
	case Xapian::Query::OP_AND_MAYBE:
	case Xapian::Query::OP_FILTER:
		return Xapian::Query(q.get_type(), kids.begin(), kids.end());
	default:
		throw Xapian::QueryParserError("XOR cannot be used inside this query");
	}
}

} // namespace

struct loci_writer {
	Xapian::WritableDatabase db;
};

struct loci_db {
	Xapian::Database db;
};

struct loci_query {
	Xapian::Query query;
	std::string description;
	loci_analyzer *an = nullptr;	// what parsed it, if a text query
};

struct Hit {
	double score;
	unsigned long more;
	std::string path, title, text, date, source, url, author, tags;
	unsigned ordinal, line;
};

struct loci_results {
	std::vector<Hit> hits;
	unsigned long total;
};

loci_status
loci_writer_open(const char *path, bool empty, loci_writer **out, char **err)
{
	*out = nullptr;
	try {
		int flags = empty ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
		loci_writer *w = new loci_writer{ Xapian::WritableDatabase(path, flags) };
		try {
			begin_changes(w->db);
		} catch (...) {
			delete w;
			throw;
		}
		*out = w;
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

void
loci_writer_close(loci_writer *w)
{
	if (!w)
		return;
	try {
		// Xapian's close() commits what is pending: drop it first.
		w->db.cancel_transaction();
	} catch (...) {
	}
	try {
		w->db.close();
	} catch (...) {
	}
	delete w;
}

loci_status
loci_writer_get_meta(loci_writer *w, const char *key, char **value, char **err)
{
	try {
		std::string v = w->db.get_metadata(key);
		*value = strdup(v.c_str());
		return *value ? LOCI_OK : LOCI_ERR_NOMEM;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_set_meta(loci_writer *w, const char *key, const char *value, char **err)
{
	try {
		w->db.set_metadata(key, value);
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_delete_article(loci_writer *w, const char *path, char **err)
{
	try {
		w->db.delete_document(PREFIX_ARTICLE + article_key(path));
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_add_passage(loci_writer *w, loci_analyzer *an, const loci_passage_doc *d,
			char **err)
{
	try {
		Xapian::Document doc;
		std::string key = article_key(d->path);
		IndexContext ic{ &doc, an, std::string(), false };

		loci_status st = loci_analyzer_tokenize(an, d->text, d->text_len, index_token, &ic);
		if (st != LOCI_OK)
			return st;
		if (ic.nomem)
			return LOCI_ERR_NOMEM;
		st = index_field(doc, an, PREFIX_TITLE, d->title);
		if (st == LOCI_OK && d->meta) {
			st = index_field(doc, an, PREFIX_SOURCE, d->meta->source);
			if (st == LOCI_OK)
				st = index_field(doc, an, PREFIX_AUTHOR, d->meta->author);
			for (size_t i = 0; st == LOCI_OK && i < d->meta->n_tags; i++)
				st = index_field(doc, an, PREFIX_TAG, d->meta->tags[i]);
		}
		if (st != LOCI_OK)
			return st;
		std::string fields[N_FIELDS];
		fields[F_TITLE] = d->title ? d->title : "";
		fields[F_LINE] = std::to_string(d->line);
		if (const loci_front_matter *m = d->meta) {
			if (m->date_sortable) {
				doc.add_value(VALUE_DATE, m->date_sortable);
				fields[F_DATE] = m->date;
			}
			fields[F_SOURCE] = m->source ? m->source : "";
			fields[F_URL] = m->url ? m->url : "";
			fields[F_AUTHOR] = m->author ? m->author : "";
			for (size_t i = 0; i < m->n_tags; i++)
				fields[F_TAGS] += (i ? "\n" : "") + std::string(m->tags[i]);
		}
		std::string data;
		for (const std::string &f : fields)
			put_field(data, f);
		data.append(d->text, d->text_len);
		doc.set_data(data);
		doc.add_value(VALUE_PATH, d->path);
		doc.add_value(VALUE_ORDINAL, std::to_string(d->ordinal));
		doc.add_boolean_term(PREFIX_ARTICLE + key);
		// The article's passages were deleted first (by its article
		// term): add, without the lookup of replace_document.
		w->db.add_document(doc);
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_commit(loci_writer *w, char **err)
{
	try {
		w->db.commit_transaction();
		w->db.commit();
		begin_changes(w->db);
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_get_article(loci_writer *w, const char *path, loci_article_info *info, bool *found,
			char **err)
{
	try {
		std::string v = w->db.get_metadata(META_ARTICLE + article_key(path));
		std::string stored;
		*found = !v.empty();
		if (*found && !decode_article(v, info, &stored)) {
			set_err(err, "bad article record for " + std::string(path));
			return LOCI_ERR_CORRUPT;
		}
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_set_article(loci_writer *w, const char *path, const loci_article_info *info,
			char **err)
{
	try {
		w->db.set_metadata(META_ARTICLE + article_key(path), encode_article(path, info));
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_remove_article(loci_writer *w, const char *path, char **err)
{
	try {
		std::string key = article_key(path);
		w->db.delete_document(PREFIX_ARTICLE + key);
		w->db.set_metadata(META_ARTICLE + key, std::string());
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_list_articles(loci_writer *w, loci_article_fn fn, void *ctx, char **err)
{
	try {
		loci_status st = list_articles(w->db, fn, ctx);
		if (st != LOCI_OK)
			set_err(err, "bad article record");
		return st;
	} catch (...) {
		return status_from_exception(err);
	}
}

bool
loci_parser_word_char(unsigned cp)
{
	return Xapian::Unicode::is_wordchar(cp);
}

loci_status
loci_db_compact(const char *const *srcs, size_t n, const char *dst, char **err)
{
	try {
		Xapian::Database all;
		for (size_t i = 0; i < n; i++)
			all.add_database(Xapian::Database(srcs[i]));
		// Renumbered one source after the other: the document ids, and so
		// the order of equal scores, are those of one build in that order.
		all.compact(dst);
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_writer_copy_meta(loci_writer *from, loci_writer *to, char **err)
{
	try {
		for (Xapian::TermIterator k = from->db.metadata_keys_begin();
		     k != from->db.metadata_keys_end(); ++k)
			to->db.set_metadata(*k, from->db.get_metadata(*k));
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_db_open(const char *path, loci_db **out, char **err)
{
	*out = nullptr;
	try {
		*out = new loci_db{ Xapian::Database(path) };
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

void
loci_db_close(loci_db *db)
{
	delete db;
}

loci_status
loci_db_add_shard(loci_db *db, const char *path, char **err)
{
	try {
		db->db.add_database(Xapian::Database(path));
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

unsigned
loci_article_shard(const char *path, unsigned n)
{
	unsigned long long h = 1469598103934665603ULL;	// FNV-1a
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	// FNV's low bits mix poorly (the lowest is a parity of the bytes):
	// stir the high bits down before taking the remainder (MurmurHash3's
	// 64-bit finaliser).
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return n ? (unsigned)(h % n) + 1 : 1;
}

loci_status
loci_db_get_meta(loci_db *db, const char *key, char **value, char **err)
{
	for (int attempt = 0;; attempt++) {
		try {
			std::string v = db->db.get_metadata(key);
			*value = strdup(v.c_str());
			return *value ? LOCI_OK : LOCI_ERR_NOMEM;
		} catch (const Xapian::DatabaseModifiedError &) {
			if (attempt == MAX_REOPEN)
				return status_from_exception(err);
			try {
				db->db.reopen();
			} catch (...) {
				return status_from_exception(err);
			}
		} catch (...) {
			return status_from_exception(err);
		}
	}
}

loci_status
loci_db_passage_count(loci_db *db, unsigned long *count, char **err)
{
	try {
		*count = db->db.get_doccount();
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_db_list_articles(loci_db *db, loci_article_fn fn, void *ctx, char **err)
{
	try {
		loci_status st = list_articles(db->db, fn, ctx);
		if (st != LOCI_OK)
			set_err(err, "bad article record");
		return st;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_db_get_stats(loci_db *db, loci_db_stats *stats, char **err)
{
	try {
		*stats = loci_db_stats();
		stats->passages = db->db.get_doccount();
		stats->revision = db->db.get_revision();
		for (Xapian::TermIterator k = db->db.metadata_keys_begin(META_ARTICLE);
		     k != db->db.metadata_keys_end(META_ARTICLE); ++k)
			stats->articles++;
		for (Xapian::TermIterator t = db->db.allterms_begin(); t != db->db.allterms_end(); ++t) {
			// Id terms are bookkeeping, not vocabulary.
			const std::string &term = *t;
			if (term[0] != PREFIX_PASSAGE[0] && term.compare(0, 2, PREFIX_ARTICLE) != 0)
				stats->terms++;
		}
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

loci_status
loci_db_parse_query(loci_db *db, loci_analyzer *an, const loci_synonyms *syn, const char *text,
		    loci_query **out, char **err)
{
	*out = nullptr;
	try {
		Xapian::QueryParser qp;
		qp.set_database(db->db);
		qp.set_stemmer(Xapian::Stem(new AnalyzerStem(an)));
		qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
		qp.set_default_op(Xapian::Query::OP_OR);
		qp.set_max_expansion(LOCI_MAX_WILDCARD_TERMS,
				     Xapian::Query::WILDCARD_LIMIT_ERROR);
		qp.add_prefix("title", PREFIX_TITLE);
		qp.add_prefix("source", PREFIX_SOURCE);
		qp.add_prefix("author", PREFIX_AUTHOR);
		qp.add_prefix("tag", PREFIX_TAG);
		qp.add_prefix("caps", PREFIX_CAPS);
		qp.add_boolean_prefix("path", (new PathFilter())->release());
		qp.add_rangeprocessor((new DateRange())->release());
		qp.add_prefix("syn", (new SynonymGroup(an, syn))->release());
		qp.add_prefix("lit", (new LiteralTerm(an, false))->release());
		qp.add_prefix("litw", (new LiteralTerm(an, true))->release());
		// Stopwords are dropped by the query rewriter, which knows
		// whether a word was typed in capitals.
		unsigned flags = Xapian::QueryParser::FLAG_DEFAULT |
				 Xapian::QueryParser::FLAG_WILDCARD |
				 Xapian::QueryParser::FLAG_PURE_NOT;
		Xapian::Query q = qp.parse_query(text, flags);
		q = without_xor(q);
		*out = new loci_query{ q, q.get_description(), an };
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(err);
	}
}

void
loci_query_free(loci_query *q)
{
	delete q;
}

const char *
loci_query_describe(const loci_query *q)
{
	return q->description.c_str();
}

static void
collect_terms(const Xapian::Query &q, loci_query_term_fn fn, void *ctx)
{
	switch (q.get_type()) {
	case Xapian::Query::LEAF_TERM:
		for (Xapian::TermIterator t = q.get_terms_begin(); t != q.get_terms_end(); ++t) {
			const std::string &term = *t;
			size_t caps = sizeof PREFIX_CAPS - 1;
			// Body terms are lower case (or digits); a capital starts
			// a prefix: fields are not in the passage text.
			if (term.compare(0, caps, PREFIX_CAPS) == 0)
				fn(ctx, term.data() + caps, term.size() - caps, LOCI_TERM_CAPS);
			else if (term[0] == PREFIX_STEM[0] && term.size() > 1 &&
				 !(term[1] >= 'A' && term[1] <= 'Z'))
				fn(ctx, term.data() + 1, term.size() - 1, LOCI_TERM_STEM);
			else if (!(term[0] >= 'A' && term[0] <= 'Z'))
				fn(ctx, term.data(), term.size(), LOCI_TERM_PLAIN);
		}
		break;
	case Xapian::Query::OP_AND_NOT:
		// What is excluded never appears in a hit.
		if (q.get_num_subqueries() > 0)
			collect_terms(q.get_subquery(0), fn, ctx);
		break;
	default:
		for (size_t i = 0; i < q.get_num_subqueries(); i++)
			collect_terms(q.get_subquery(i), fn, ctx);
		break;
	}
}

loci_status
loci_query_terms(const loci_query *q, loci_query_term_fn fn, void *ctx)
{
	try {
		collect_terms(q->query, fn, ctx);
		return LOCI_OK;
	} catch (...) {
		return status_from_exception(nullptr);
	}
}

// Runs fn, reopening the database and running it again when a writer
// has committed twice since we opened it (our revision is gone).
template <class Fn>
loci_status
with_reopen(loci_db *db, char **err, Fn fn)
{
	for (int attempt = 0;; attempt++) {
		try {
			return fn();
		} catch (const Xapian::DatabaseModifiedError &) {
			if (attempt == MAX_REOPEN)
				return status_from_exception(err);
			try {
				db->db.reopen();
			} catch (...) {
				return status_from_exception(err);
			}
		} catch (...) {
			return status_from_exception(err);
		}
	}
}

static Hit
make_hit(const Xapian::Document &doc, double score, unsigned long more)
{
	Hit h;
	h.score = score;
	h.more = more;
	h.path = doc.get_value(VALUE_PATH);
	h.ordinal = (unsigned)strtoul(doc.get_value(VALUE_ORDINAL).c_str(), nullptr, 10);
	std::string data = doc.get_data(), fields[N_FIELDS];
	if (!split_passage_data(data, fields, h.text))
		h.text = data;
	h.title = fields[F_TITLE];
	h.line = (unsigned)strtoul(fields[F_LINE].c_str(), nullptr, 10);
	h.date = fields[F_DATE];
	h.source = fields[F_SOURCE];
	h.url = fields[F_URL];
	h.author = fields[F_AUTHOR];
	h.tags = fields[F_TAGS];
	return h;
}

// The distinct terms of q that a matching passage may hold (not those
// under NOT), in query order.
static void
positive_terms(const Xapian::Query &q, std::vector<std::string> &out)
{
	switch (q.get_type()) {
	case Xapian::Query::LEAF_TERM:
		for (Xapian::TermIterator t = q.get_terms_begin(); t != q.get_terms_end(); ++t)
			if (!(*t).empty() && std::find(out.begin(), out.end(), *t) == out.end())
				out.push_back(*t);
		break;
	case Xapian::Query::OP_AND_NOT:
		if (q.get_num_subqueries() > 0)
			positive_terms(q.get_subquery(0), out);
		break;
	default:
		for (size_t i = 0; i < q.get_num_subqueries(); i++)
			positive_terms(q.get_subquery(i), out);
		break;
	}
}

// Body terms are lower case or digits, their stems after "Z"; a capital
// starts a field's prefix.
static bool
is_body_term(const std::string &t)
{
	if (t[0] == PREFIX_STEM[0])
		return t.size() > 1 && !(t[1] >= 'A' && t[1] <= 'Z');
	return !(t[0] >= 'A' && t[0] <= 'Z');
}

// The units of q that a matching passage may hold (not those under NOT),
// each as its body terms: a word, or a group of words that rank as one (a
// synonym group, a phrase, words NEAR each other).
static void
query_units(const Xapian::Query &q, std::vector<std::vector<std::string>> &units)
{
	switch (q.get_type()) {
	case Xapian::Query::OP_AND_NOT:
		if (q.get_num_subqueries() > 0)
			query_units(q.get_subquery(0), units);
		return;
	case Xapian::Query::LEAF_TERM:
	case Xapian::Query::OP_SYNONYM:
	case Xapian::Query::OP_PHRASE:
	case Xapian::Query::OP_NEAR: {
		std::vector<std::string> terms, body;
		positive_terms(q, terms);
		for (const std::string &t : terms)
			if (is_body_term(t))
				body.push_back(t);
		if (!body.empty())
			units.push_back(body);
		return;
	}
	default:
		for (size_t i = 0; i < q.get_num_subqueries(); i++)
			query_units(q.get_subquery(i), units);
		return;
	}
}

// q, with its words in the article's title adding to the score
// (TITLE_WEIGHT), each unit of q as one word.  AND_MAYBE: the title ranks
// the passages that match q, it never makes one match.
static Xapian::Query
with_title(const Xapian::Query &q)
{
	std::vector<std::vector<std::string>> units;
	std::vector<Xapian::Query> title;

	query_units(q, units);
	for (const std::vector<std::string> &unit : units) {
		std::vector<Xapian::Query> terms;
		for (const std::string &t : unit) {
			if (t[0] == PREFIX_STEM[0])
				terms.emplace_back(PREFIX_STEM + std::string(PREFIX_TITLE) + t.substr(1));
			else
				terms.emplace_back(PREFIX_TITLE + t);
		}
		title.emplace_back(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
	}
	if (title.empty())
		return q;
	Xapian::Query boost(Xapian::Query::OP_SCALE_WEIGHT,
			    Xapian::Query(Xapian::Query::OP_OR, title.begin(), title.end()),
			    TITLE_WEIGHT);
	return Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, boost);
}

// Words worth adding to a query by feedback: stems of passage text, but
// not of stopwords (which the query parser drops too), numbers or words
// of one or two letters.
class FeedbackDecider {
	std::vector<std::string> stop;	// stopword stems as terms, sorted
public:
	explicit FeedbackDecider(loci_analyzer *an) {
		if (!an)
			return;
		for (const char *const *w = loci_stopwords(loci_analyzer_language(an)); *w; w++) {
			size_t len;
			const char *stem = loci_analyzer_stem(an, *w, strlen(*w), &len);
			if (!stem)
				throw std::bad_alloc();
			stop.push_back(PREFIX_STEM + std::string(stem, len));
		}
		std::sort(stop.begin(), stop.end());
	}
	bool operator()(const std::string &term) const {
		if (term.size() <= 3 || term[0] != PREFIX_STEM[0] || !is_body_term(term) ||
		    (term[1] >= '0' && term[1] <= '9'))
			return false;
		return !std::binary_search(stop.begin(), stop.end(), term);
	}
};

// q with pseudo-relevance feedback (see FEEDBACK_ARTICLES).  Like the
// title, the added words only rank the passages that match q: every hit
// still holds a word of the query as typed.
//
// The words are chosen here rather than by Enquire::get_eset(), which
// weighs them shard by shard: from the statistics of the whole of a
// sharded index, a search ranks as on one merged index.  Each word's
// weight is Xapian's default expand weight (TradEWeight): the mean of its
// BM25-saturated frequency in the feedback passages, times its
// Robertson-Sparck Jones relevance weight.
static Xapian::Query
add_feedback(Xapian::Database &db, const Xapian::Query &q, const std::vector<Xapian::docid> &top,
	     loci_analyzer *an)
{
	if (top.empty())
		return q;

	std::vector<std::vector<std::string>> units;
	query_units(q, units);
	if (units.empty())
		return q;	// fields only: nothing to weigh the words against
	double n_query = (double)units.size();
	FeedbackDecider decider(an);
	std::vector<std::string> query_terms;
	positive_terms(q, query_terms);
	std::sort(query_terms.begin(), query_terms.end());
	struct Stat {
		double rel = 0;		// feedback passages holding the word
		double tf = 0;		// sum of their saturated frequencies
	};
	std::map<std::string, Stat> stats;
	double avlen = db.get_avlength();
	for (Xapian::docid d : top) {
		double len = db.get_doclength(d);
		double norm = avlen > 0 ? len / avlen : 1;
		for (Xapian::TermIterator t = db.termlist_begin(d); t != db.termlist_end(d); ++t) {
			const std::string &term = *t;
			if (!decider(term) ||
			    std::binary_search(query_terms.begin(), query_terms.end(), term))
				continue;
			double wdf = t.get_wdf();
			Stat &st = stats[term];
			st.rel++;
			st.tf += 2 * wdf / (norm + wdf);	// BM25 with k = 1
		}
	}
	double n_docs = db.get_doccount(), n_rel = top.size();
	std::vector<std::pair<double, std::string>> ranked;
	for (const auto &e : stats) {
		// A word of one feedback passage only is as likely its own
		// subject as the query's; needing two also spares most of the
		// frequency lookups (tests/eval/README.md).
		if (e.second.rel < 2)
			continue;
		double r = e.second.rel, n = db.get_termfreq(e.first);
		double rsj = ((r + 0.5) * (n_docs - n_rel - n + r + 0.5)) /
			     ((n_rel - r + 0.5) * (n - r + 0.5));
		if (rsj < 2)	// as Xapian: never negative, still ordered
			rsj = rsj * 0.5 + 1;
		double w = e.second.tf / n_rel * std::log(rsj);
		if (w > 0)
			ranked.emplace_back(w, e.first);
	}
	if (ranked.empty())
		return q;
	// Best first; ties by term, so that the choice is stable.
	size_t n_words = std::min<size_t>(FEEDBACK_TERMS, ranked.size());
	std::partial_sort(ranked.begin(), ranked.begin() + (std::ptrdiff_t)n_words, ranked.end(),
			  [](const std::pair<double, std::string> &a,
			     const std::pair<double, std::string> &b) {
				  return a.first != b.first ? a.first > b.first : a.second < b.second;
			  });
	double sum = 0;
	for (size_t i = 0; i < n_words; i++)
		sum += ranked[i].first;
	std::vector<Xapian::Query> words;
	for (size_t i = 0; i < n_words; i++)
		words.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(ranked[i].second),
				   FEEDBACK_WEIGHT * n_query * ranked[i].first / sum);
	Xapian::Query added(Xapian::Query::OP_OR, words.begin(), words.end());
	return Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, added);
}

// The article of each passage of a ranking: its collapse key when the
// ranking kept per_article passages of an article (known without reading
// the passage's values), else read.
static std::vector<std::string>
ranked_articles(const Xapian::MSet &ranked, unsigned per_article)
{
	std::vector<std::string> paths;
	for (Xapian::MSetIterator m = ranked.begin(); m != ranked.end(); ++m)
		paths.push_back(per_article ? m.get_collapse_key()
					    : m.get_document().get_value(VALUE_PATH));
	return paths;
}

// The passages feedback learns from: the best passage of each of the
// FEEDBACK_ARTICLES best articles (words from several articles rather
// than from the neighbours of one passage), from a ranking and the
// articles of its passages.
static std::vector<Xapian::docid>
feedback_passages(const Xapian::MSet &ranked, const std::vector<std::string> &paths)
{
	std::vector<Xapian::docid> top;
	std::set<std::string> seen;
	size_t i = 0;
	for (Xapian::MSetIterator m = ranked.begin();
	     m != ranked.end() && top.size() < FEEDBACK_ARTICLES; ++m, ++i)
		if (seen.insert(paths[i]).second)
			top.push_back(*m);
	return top;
}

static Xapian::Query
with_feedback(Xapian::Enquire &enquire, Xapian::Database &db, const Xapian::Query &q,
	      loci_analyzer *an)
{
	enquire.set_query(q);
	enquire.set_collapse_key(VALUE_PATH, 1);
	Xapian::MSet top = enquire.get_mset(0, FEEDBACK_ARTICLES);
	enquire.set_collapse_key(Xapian::BAD_VALUENO);
	return add_feedback(db, q, feedback_passages(top, ranked_articles(top, 1)), an);
}

// How many passages of each article on the page match query, for "+N
// more in this article".  Xapian's collapse count is exact only when
// every match is looked at, which costs more than the search itself on a
// large index; the page's articles' own passages are few, and counted
// here in one pass over them.
static std::map<std::string, Xapian::doccount>
matches_per_article(Xapian::Database &db, const Xapian::Query &query, const Xapian::MSet &page)
{
	std::vector<Xapian::Query> articles;
	std::map<std::string, Xapian::doccount> counts;
	for (Xapian::MSetIterator m = page.begin(); m != page.end(); ++m) {
		std::string path = m.get_document().get_value(VALUE_PATH);
		if (counts.emplace(path, 0).second)
			articles.emplace_back(PREFIX_ARTICLE + article_key(path.c_str()));
	}
	if (articles.empty())
		return counts;
	Xapian::Enquire counter(db);
	counter.set_weighting_scheme(Xapian::BoolWeight());
	counter.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query,
					Xapian::Query(Xapian::Query::OP_OR, articles.begin(),
						      articles.end())));
	Xapian::ValueCountMatchSpy spy(VALUE_PATH);
	counter.add_matchspy(&spy);
	counter.get_mset(0, 0, db.get_doccount());
	for (Xapian::TermIterator v = spy.values_begin(); v != spy.values_end(); ++v)
		counts[*v] = v.get_termfreq();
	return counts;
}

loci_status
loci_db_search(loci_db *db, const loci_query *q, const loci_search_options *o,
	       loci_results **out, char **err)
{
	*out = nullptr;
	return with_reopen(db, err, [&]() {
		DateKey key(o->sort == LOCI_SORT_DATE);	// outlives enquire, which points to it
		Xapian::Enquire enquire(db->db);
		enquire.set_weighting_scheme(Xapian::BM25Weight());
		Xapian::Query query = with_title(q->query);
		Xapian::Query searched = query;
		Xapian::doccount estimate = 0;
		bool reranked = false;
		if (o->per_article)
			enquire.set_collapse_key(VALUE_PATH, o->per_article);
		if (o->feedback && o->sort == LOCI_SORT_RELEVANCE && o->limit &&
		    o->offset + o->limit <= RERANK_DEPTH) {
			// Feedback reorders the passages of the first pass's best
			// articles rather than searching the whole index again.
			// The depth does not follow the page, so that pages
			// agree with each other.
			enquire.set_query(query);
			Xapian::MSet first = enquire.get_mset(0, RERANK_DEPTH);
			std::vector<std::string> paths = ranked_articles(first, o->per_article);
			std::set<std::string> seen;
			std::vector<Xapian::Query> articles;
			for (const std::string &path : paths)
				if (seen.insert(path).second)
					articles.emplace_back(PREFIX_ARTICLE + article_key(path.c_str()));
			query = add_feedback(db->db, query, feedback_passages(first, paths), q->an);
			searched = Xapian::Query(Xapian::Query::OP_FILTER, query,
						 Xapian::Query(Xapian::Query::OP_OR, articles.begin(),
							       articles.end()));
			estimate = first.get_matches_estimated();
			reranked = true;
		} else if (o->feedback && o->sort == LOCI_SORT_RELEVANCE) {
			query = with_feedback(enquire, db->db, query, q->an);
			searched = query;
			if (o->per_article)
				enquire.set_collapse_key(VALUE_PATH, o->per_article);
		}
		enquire.set_query(searched);
		if (o->sort != LOCI_SORT_RELEVANCE)
			enquire.set_sort_by_key_then_relevance(&key, o->sort == LOCI_SORT_DATE_DESC);
		// A re-ranking looks at every match of its few articles anyway:
		// it counts them for "+N more" as it goes.
		Xapian::ValueCountMatchSpy spy(VALUE_PATH);
		bool spying = reranked && o->per_article;
		if (spying)
			enquire.add_matchspy(&spy);
		Xapian::MSet mset = enquire.get_mset(o->offset, o->limit,
						     spying ? db->db.get_doccount() : o->limit ? 0 : 1);
		enquire.clear_matchspies();
		std::unique_ptr<loci_results> r(new loci_results);
		r->total = reranked ? estimate : mset.get_matches_estimated();
		std::map<std::string, Xapian::doccount> counts;
		if (spying) {
			for (Xapian::TermIterator v = spy.values_begin(); v != spy.values_end(); ++v)
				counts[*v] = v.get_termfreq();
		} else if (o->per_article) {
			counts = matches_per_article(db->db, query, mset);
		}
		for (Xapian::MSetIterator m = mset.begin(); m != mset.end(); ++m) {
			Xapian::Document doc = m.get_document();
			unsigned long more = 0;
			if (o->per_article) {
				Xapian::doccount n = counts[doc.get_value(VALUE_PATH)];
				more = n > o->per_article ? n - o->per_article : 0;
			}
			r->hits.push_back(make_hit(doc, m.get_weight(), more));
		}
		*out = r.release();
		return LOCI_OK;
	});
}

loci_status
loci_db_scan(loci_db *db, unsigned long *cursor, unsigned max, loci_results **out, char **err)
{
	*out = nullptr;
	return with_reopen(db, err, [&]() {
		std::unique_ptr<loci_results> r(new loci_results);
		unsigned long last = *cursor;
		Xapian::PostingIterator p = db->db.postlist_begin(std::string());
		p.skip_to((Xapian::docid)(*cursor + 1));
		for (; p != db->db.postlist_end(std::string()) && r->hits.size() < max; ++p) {
			r->hits.push_back(make_hit(db->db.get_document(*p), 0, 0));
			last = *p;
		}
		r->total = r->hits.size();
		*cursor = last;
		*out = r.release();
		return LOCI_OK;
	});
}

// One passage: its article's passages (tens, not thousands) filtered by
// ordinal, rather than a unique term on each of 700,000 passages.
static Xapian::Query
passage_query(const char *path, unsigned ordinal)
{
	std::string n = std::to_string(ordinal);
	return Xapian::Query(Xapian::Query::OP_FILTER,
			     Xapian::Query(PREFIX_ARTICLE + article_key(path)),
			     Xapian::Query(Xapian::Query::OP_VALUE_RANGE, VALUE_ORDINAL, n, n));
}

loci_status
loci_db_get_passage(loci_db *db, const char *path, unsigned ordinal, loci_results **out,
		    char **err)
{
	*out = nullptr;
	return with_reopen(db, err, [&]() {
		std::unique_ptr<loci_results> r(new loci_results);
		Xapian::Enquire enquire(db->db);
		enquire.set_weighting_scheme(Xapian::BoolWeight());
		enquire.set_query(passage_query(path, ordinal));
		Xapian::MSet m = enquire.get_mset(0, 1);
		if (!m.empty())
			r->hits.push_back(make_hit(m.begin().get_document(), 0, 0));
		r->total = r->hits.size();
		*out = r.release();
		return LOCI_OK;
	});
}

// Only words worth telling passages apart: no id terms, no stems of a
// single letter or of numbers.
class LikeDecider : public Xapian::ExpandDecider {
public:
	bool operator()(const std::string &term) const override {
		if (term.compare(0, sizeof PREFIX_STEM - 1, PREFIX_STEM) != 0)
			return false;
		return term.size() > 2 && !(term[1] >= '0' && term[1] <= '9');
	}
};

loci_status
loci_db_like_query(loci_db *db, loci_analyzer *an, const char *path, unsigned ordinal,
		   loci_query **out, char **err)
{
	(void)an;
	*out = nullptr;
	return with_reopen(db, err, [&]() {
		Xapian::Query self = passage_query(path, ordinal);
		Xapian::Enquire enquire(db->db);
		enquire.set_weighting_scheme(Xapian::BoolWeight());
		enquire.set_query(self);
		Xapian::MSet found = enquire.get_mset(0, 1);
		if (found.empty()) {
			set_err(err, "no passage " + std::string(path) + "#" + std::to_string(ordinal) +
				" in the index");
			return LOCI_ERR_INVALID;
		}
		Xapian::RSet rset;
		rset.add_document(*found.begin());
		LikeDecider decider;
		// 25 terms: enough to describe a paragraph, few enough to stay
		// on its topic.
		Xapian::ESet eset = enquire.get_eset(25, rset, &decider);
		std::vector<Xapian::Query> terms;
		for (Xapian::ESetIterator t = eset.begin(); t != eset.end(); ++t)
			terms.emplace_back(*t);
		Xapian::Query like(Xapian::Query::OP_OR, terms.begin(), terms.end());
		Xapian::Query q(Xapian::Query::OP_AND_NOT, like, self);
		*out = new loci_query{ q, q.get_description() };
		return LOCI_OK;
	});
}

loci_status
loci_db_word_frequency(loci_db *db, loci_analyzer *an, const char *term, unsigned long *freq,
		       char **err)
{
	return with_reopen(db, err, [&]() {
		*freq = db->db.get_termfreq(term);
		if (!*freq) {
			size_t len;
			const char *stem = loci_analyzer_stem(an, term, strlen(term), &len);
			if (!stem)
				return LOCI_ERR_NOMEM;
			*freq = db->db.get_termfreq(PREFIX_STEM + std::string(stem, len));
		}
		return LOCI_OK;
	});
}

// Edit distance with a ceiling: returns limit + 1 as soon as it is
// certain to exceed limit.
static size_t
edit_distance(const std::string &a, const std::string &b, size_t limit)
{
	size_t n = a.size(), m = b.size();
	if ((n > m ? n - m : m - n) > limit)
		return limit + 1;
	std::vector<size_t> prev(m + 1), cur(m + 1);
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		size_t best = cur[0];
		for (size_t j = 1; j <= m; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = std::min({ prev[j] + 1, cur[j - 1] + 1, sub });
			best = std::min(best, cur[j]);
		}
		if (best > limit)
			return limit + 1;
		std::swap(prev, cur);
	}
	return prev[m];
}

loci_status
loci_db_suggest(loci_db *db, const char *term, char **out, char **err)
{
	*out = nullptr;
	return with_reopen(db, err, [&]() {
		std::string t(term);
		size_t limit = t.size() < 7 ? 1 : 2;
		if (t.size() < 4 || (t[0] >= '0' && t[0] <= '9'))
			return LOCI_OK;	// too short to guess at, or a number
		// Misspellings rarely get the first letter wrong; scanning
		// only the terms that share it keeps this fast.
		std::string prefix = t.substr(0, 1);
		std::string best;
		size_t best_dist = limit + 1;
		Xapian::doccount best_freq = 0;
		for (Xapian::TermIterator i = db->db.allterms_begin(prefix);
		     i != db->db.allterms_end(prefix); ++i) {
			const std::string &cand = *i;
			size_t d = edit_distance(t, cand, limit);
			if (d == 0 || d > limit || d > best_dist)
				continue;
			Xapian::doccount f = i.get_termfreq();
			if (d < best_dist || f > best_freq) {
				best = cand;
				best_dist = d;
				best_freq = f;
			}
		}
		if (!best.empty() && !(*out = strdup(best.c_str())))
			return LOCI_ERR_NOMEM;
		return LOCI_OK;
	});
}

size_t
loci_results_count(const loci_results *r)
{
	return r->hits.size();
}

unsigned long
loci_results_total(const loci_results *r)
{
	return r->total;
}

void
loci_results_get(const loci_results *r, size_t i, loci_hit *hit)
{
	const Hit &h = r->hits[i];
	hit->score = h.score;
	hit->path = h.path.c_str();
	hit->title = h.title.c_str();
	hit->date = h.date.c_str();
	hit->source = h.source.c_str();
	hit->url = h.url.c_str();
	hit->author = h.author.c_str();
	hit->tags = h.tags.c_str();
	hit->ordinal = h.ordinal;
	hit->line = h.line;
	hit->text = h.text.c_str();
	hit->text_len = h.text.size();
	hit->more = h.more;
}

void
loci_results_free(loci_results *r)
{
	delete r;
}

