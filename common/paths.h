/* Where the index lives when --db is not given. */
#ifndef LOCI_PATHS_H
#define LOCI_PATHS_H

#include "status.h"

/* $LOCI_DB, else $XDG_DATA_HOME/loci, else $HOME/.local/share/loci.
 * *out is new (free()).  LOCI_ERR_NOT_FOUND if none of them is set. */
loci_status loci_default_db_path(char **out);

/* Creates dir and its missing parents (mode 0777 & ~umask), like
 * mkdir -p.  LOCI_ERR_IO with errno set on failure. */
loci_status loci_mkdir_p(const char *dir);

/* Removes dir and everything under it, without following symlinks.
 * LOCI_OK if it did not exist.  LOCI_ERR_IO with errno set on failure. */
loci_status loci_remove_tree(const char *dir);

/* Swaps the directories a and b in one atomic step (renameat2 with
 * RENAME_EXCHANGE): a reader opening either path sees one or the other,
 * never nothing.  LOCI_ERR_IO with errno set on failure. */
loci_status loci_exchange_dirs(const char *a, const char *b);

#endif
