/* Status codes shared by every module of libloci.
 *
 * Functions return a loci_status (LOCI_OK == 0) and hand results back
 * through out-parameters, so that errors stay values until main() turns
 * them into one line on stderr and an exit code. */
#ifndef LOCI_STATUS_H
#define LOCI_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	LOCI_OK = 0,
	LOCI_ERR_NOMEM,		/* allocation failed */
	LOCI_ERR_INVALID,	/* bad argument or unsupported setting */
	LOCI_ERR_UTF8,		/* text is not valid UTF-8 */
	LOCI_ERR_NOT_FOUND,	/* no index at the given path */
	LOCI_ERR_LOCKED,	/* another writer holds the index lock */
	LOCI_ERR_MODIFIED,	/* index changed under a reader, retries exhausted */
	LOCI_ERR_CORRUPT,	/* index files are damaged */
	LOCI_ERR_VERSION,	/* index written by an incompatible Xapian or analyser */
	LOCI_ERR_QUERY_SYNTAX,	/* the query could not be parsed */
	LOCI_ERR_IO,		/* read/write failure (disk full, permissions...) */
	LOCI_ERR_XAPIAN,	/* any other Xapian error */
	LOCI_ERR_INTERNAL	/* a bug: an unexpected exception or state */
} loci_status;

/* A short, static, lower-case description: never NULL, never freed. */
const char *loci_status_to_string(loci_status status);

#ifdef __cplusplus
}
#endif

#endif
