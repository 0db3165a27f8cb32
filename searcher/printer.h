/* How loci-search writes its results: one interface, one implementation
 * per --format, so that no format leaks into the search logic. */
#ifndef LOCI_PRINTER_H
#define LOCI_PRINTER_H

#include <stdbool.h>
#include <stdio.h>

#include "database.h"
#include "highlight.h"

typedef enum {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_NDJSON,
	FORMAT_TSV,
	FORMAT_TREC,
	FORMAT_VIMGREP
} output_format;

/* One hit, with what the printer may show around it. */
typedef struct {
	unsigned rank;			/* 1-based, offset included */
	const loci_hit *hit;
	const span *spans;		/* words to mark in hit->text */
	size_t n_spans;
	const loci_hit *before;		/* -C context, in text order */
	size_t n_before;
	const loci_hit *after;
	size_t n_after;
} print_hit;

/* What a query was and what became of it. */
typedef struct {
	const char *id;			/* --queries: the query's id; else NULL */
	const char *query;		/* as typed */
	const char *parsed;		/* Xapian's description of what ran */
	const char *suggestion;		/* "did you mean", or NULL */
	bool ran_suggestion;		/* the hits are the suggestion's */
	unsigned long total;		/* estimated matching passages */
} print_query;

typedef struct printer printer;

struct printer {
	void (*begin)(printer *p, const print_query *q);
	void (*hit)(printer *p, const print_query *q, const print_hit *h);
	void (*end)(printer *p, const print_query *q);
	FILE *out;
	unsigned width;		/* text: columns to wrap to */
	bool color;		/* text: ANSI colours */
	bool explain;		/* text: print the parsed query */
	bool articles;		/* one line per article, not passages */
	bool ndjson;
	unsigned hits_written;
};

/* For a person: a header line per hit, the passage wrapped to width
 * columns, matches in colour when color is set. */
void printer_text_init(printer *p, FILE *out, unsigned width, bool color, bool explain,
		       bool articles);

/* For programs: one JSON document per query, or with ndjson one object
 * per hit per line.  The shape is documented in loci-search(1). */
void printer_json_init(printer *p, FILE *out, bool ndjson);

/* Line formats for other tools: tsv (query id, rank, score, path, line,
 * passage, title, text), trec ("qid Q0 docid rank score loci", for
 * trec_eval), vimgrep ("path:line:col:text", for quickfix lists). */
void printer_lines_init(printer *p, FILE *out, output_format format);

/* The reference of a passage, "path#ordinal", that --like and -C accept
 * (written into buf, truncated to size). */
void hit_reference(const loci_hit *h, char *buf, size_t size);

#endif
