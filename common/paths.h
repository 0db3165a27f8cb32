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

#endif
