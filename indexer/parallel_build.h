/* Building an index from nothing on several cores.
 *
 * Xapian's writer is one thread and most of the cost of a first build, so
 * the articles are shared out between workers, each with its own analyser
 * and its own Xapian database (a "part" beside the index), and the parts
 * are then compacted into one index.  The articles are cut into runs of
 * the walk's order, balanced by bytes, and the parts are merged in that
 * order: the index gets the document ids, and so the order of equal
 * scores, that one worker would have given it. */
#ifndef LOCI_PARALLEL_BUILD_H
#define LOCI_PARALLEL_BUILD_H

#include <stdbool.h>

#include "database.h"
#include "update.h"
#include "walk.h"

typedef struct parallel_build parallel_build;

/* Removes the parts (TARGET.partN) a build killed before it could remove
 * them left behind.  Only for the holder of the index's lock. */
void parallel_build_clean(const char *target);

/* Creates jobs empty parts at TARGET.part1 ... TARGET.partN (removing
 * any a killed run left there), each holding the metadata of settings
 * (language, analyser version, synonyms).  The caller holds the index's
 * lock, so the parts beside it are its own. */
loci_status parallel_build_new(const char *target, loci_writer *settings, const char *language,
			       unsigned jobs, const update_options *opts, parallel_build **out,
			       char **err);

/* Removes the parts (whatever happened) and frees pb. */
void parallel_build_free(parallel_build *pb);

/* Callbacks for walk_path: they list the articles; nothing is read yet. */
walk_callbacks parallel_build_walk_callbacks(parallel_build *pb, bool follow);

/* Reads and indexes the listed articles on the workers, each committing
 * its part as it goes and at the end (also when stopped by opts->stop).
 * With show_progress, draws the progress line on stderr. */
void parallel_build_run(parallel_build *pb, bool show_progress);

/* The first error a worker met (message owned by pb), or LOCI_OK. */
loci_status parallel_build_error(const parallel_build *pb, const char **msg);
/* The workers' counts added up, with the walk's skipped paths. */
update_counts parallel_build_counts(const parallel_build *pb);

/* The parts' directories, in merge order, for loci_db_compact. */
const char *const *parallel_build_parts(const parallel_build *pb, size_t *n);

#endif
