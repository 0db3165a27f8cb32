/* Replays saved fuzz inputs through the fuzz targets, without libFuzzer,
 * so that the default (gcc) build keeps every input a longer fuzz run
 * found: `meson test fuzz-regressions`.
 *
 *   fuzz-replay DIR                 every file under DIR/TARGET/ through
 *                                   TARGET (analyzer, passages, ...)
 *   fuzz-replay TARGET FILE...      the files through TARGET
 *
 * Each input runs in a child process, so that one that breaks an
 * invariant (which aborts, see fuzz.h) or that a sanitizer reports does
 * not hide the others: each is listed as FAILED.  Exit status 0 when
 * every input passes, 1 if any failed, 2 if one could not be read or on
 * a usage error.  LOCI_FUZZ_NOFORK=1 runs them in this process (for a
 * debugger). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

typedef struct {
	const char *name;
	int (*fn)(const uint8_t *data, size_t size);
} target;

static const target targets[] = {
	{ "analyzer", loci_fuzz_analyzer },
	{ "passages", loci_fuzz_passages },
	{ "front_matter", loci_fuzz_front_matter },
	{ "query", loci_fuzz_query },
	{ "highlight", loci_fuzz_highlight },
	{ "synonyms", loci_fuzz_synonyms },
	{ NULL, NULL }
};

static const target *
find_target(const char *name)
{
	for (const target *t = targets; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static unsigned failures;

/* Runs data through t in a child process; false if it failed. */
static bool
run_isolated(const target *t, const uint8_t *data, size_t len)
{
	const char *nofork = getenv("LOCI_FUZZ_NOFORK");

	if (nofork && strcmp(nofork, "1") == 0) {
		t->fn(data, len);
		return true;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fuzz-replay: fork");
		exit(2);
	}
	if (pid == 0) {
		t->fn(data, len);
		/* exit(), not _exit(): the atexit handlers remove the corpus
		 * index and LeakSanitizer looks for leaks. */
		exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFSIGNALED(status))
		fprintf(stderr, "  killed by signal %d\n", WTERMSIG(status));
	else
		fprintf(stderr, "  exit status %d\n", WEXITSTATUS(status));
	return false;
}

/* Runs one file through t; returns 0, or 2 if it cannot be read. */
static int
replay_file(const target *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		perror(path);
		return 2;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			uint8_t *p = realloc(buf, cap);
			if (!p)
				abort();
			buf = p;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		perror(path);
		fclose(f);
		free(buf);
		return 2;
	}
	fclose(f);
	fprintf(stderr, "%s: %s (%zu bytes)\n", t->name, path, len);
	fflush(stderr);
	/* An exact-size copy, so that a read past the end is caught by the
	 * sanitizers or valgrind. */
	uint8_t *exact = (uint8_t *)fuzz_copy(buf, len);
	free(buf);
	if (!run_isolated(t, exact, len)) {
		fprintf(stderr, "FAILED: %s: %s\n", t->name, path);
		failures++;
	}
	free(exact);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the files of dir (not recursive, dot files and README skipped)
 * in name order; *count receives how many. */
static int
replay_dir(const target *t, const char *dir, unsigned *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d) {
		perror(dir);
		return 2;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, "README", 6) == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			char **p = realloc(names, cap * sizeof *p);
			if (!p)
				abort();
			names = p;
		}
		if (!(names[n++] = strdup(e->d_name)))
			abort();
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		char *path = malloc(strlen(dir) + strlen(names[i]) + 2);
		struct stat st;
		if (!path)
			abort();
		sprintf(path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(t, path) != 0)
				rc = 2;
			else
				(*count)++;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0;

	if (argc == 2) {
		/* One folder per target. */
		for (const target *t = targets; t->name; t++) {
			char *sub = malloc(strlen(argv[1]) + strlen(t->name) + 2);
			struct stat st;
			if (!sub)
				abort();
			sprintf(sub, "%s/%s", argv[1], t->name);
			if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && replay_dir(t, sub, &count))
				rc = 2;
			free(sub);
		}
	} else if (argc > 2) {
		const target *t = find_target(argv[1]);
		if (!t) {
			fprintf(stderr, "fuzz-replay: unknown target %s\n", argv[1]);
			return 2;
		}
		for (int i = 2; i < argc; i++) {
			struct stat st;
			if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
				rc |= replay_dir(t, argv[i], &count);
			} else if (replay_file(t, argv[i]) == 0) {
				count++;
			} else {
				rc = 2;
			}
		}
	} else {
		fputs("usage: fuzz-replay DIR | fuzz-replay TARGET FILE...\n", stderr);
		return 2;
	}
	if (failures)
		fprintf(stderr, "%u input(s) replayed, %u FAILED\n", count, failures);
	else
		fprintf(stderr, "%u input(s) replayed, all invariants held\n", count);
	if (rc)
		fputs("fuzz-replay: some inputs could not be read\n", stderr);
	return rc ? rc : failures ? 1 : 0;
}
