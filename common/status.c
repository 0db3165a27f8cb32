#include "status.h"

const char *
loci_status_to_string(loci_status status)
{
	switch (status) {
	case LOCI_OK: return "success";
	case LOCI_ERR_NOMEM: return "out of memory";
	case LOCI_ERR_INVALID: return "invalid argument";
	case LOCI_ERR_UTF8: return "invalid UTF-8";
	case LOCI_ERR_NOT_FOUND: return "index not found";
	case LOCI_ERR_LOCKED: return "index locked by another writer";
	case LOCI_ERR_MODIFIED: return "index modified while reading";
	case LOCI_ERR_CORRUPT: return "index is damaged";
	case LOCI_ERR_VERSION: return "index format not supported";
	case LOCI_ERR_QUERY_SYNTAX: return "query syntax error";
	case LOCI_ERR_IO: return "input/output error";
	case LOCI_ERR_XAPIAN: return "Xapian error";
	case LOCI_ERR_INTERNAL: return "internal error";
	}
	return "unknown status";
}
