/* Dates as loci stores them: ISO 8601 turned into text that sorts in
 * date order.  Apart from the front-matter parser, so that the searcher
 * (date: ranges) does not link the YAML library. */
#ifndef LOCI_DATES_H
#define LOCI_DATES_H

#ifdef __cplusplus
extern "C" {
#endif

/* Turns an ISO 8601 date or date-time into its sortable form ("YYYY",
 * "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS", the precision
 * written), malloc'd; NULL if s is not such a date. */
char *loci_date_sortable(const char *s);

#ifdef __cplusplus
}
#endif

#endif
