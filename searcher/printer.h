/* How loci-search writes its results: one interface, one implementation
 * per --format, so that no format leaks into the search logic. */
#ifndef LOCI_PRINTER_H
#define LOCI_PRINTER_H

#include <stdbool.h>
#include <stdio.h>

#include "database.h"
#include "highlight.h"

typedef struct printer printer;

struct printer {
	void (*begin)(printer *p, const char *query, const char *parsed, unsigned long total);
	/* rank is 1-based; spans are the words to mark in hit->text. */
	void (*hit)(printer *p, unsigned rank, const loci_hit *hit,
		    const span *spans, size_t n_spans);
	void (*end)(printer *p);
	FILE *out;
	/* text */
	unsigned width;
	bool color;
	bool explain;
	/* json */
	bool ndjson;
	unsigned hits_written;
};

/* For a person: a header line per hit, the passage wrapped to width
 * columns, matches in colour when color is set. */
void printer_text_init(printer *p, FILE *out, unsigned width, bool color, bool explain);

/* For programs: one JSON document, or with ndjson one object per hit per
 * line.  The shape is documented in loci-search(1). */
void printer_json_init(printer *p, FILE *out, bool ndjson);

#endif
