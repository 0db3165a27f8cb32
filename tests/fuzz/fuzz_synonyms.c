/* Fuzz target: the synonyms file parser (loci-index --synonyms).
 *
 * Input: a synonyms file, any bytes; parsed with the english analyser.
 *
 * Checked: only LOCI_OK, LOCI_ERR_INVALID (with a problem "line N: ...")
 * and LOCI_ERR_NOMEM; a result exactly with LOCI_OK; no more groups than
 * lines; every group of two members or more, every member of one term or
 * more, each non-empty, valid UTF-8 and at most LOCI_MAX_TERM bytes; and
 * every member, looked up with loci_synonyms_match(), found whole in a
 * group that holds it. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "synonyms.h"

int
loci_fuzz_synonyms(const uint8_t *data, size_t size)
{
	loci_analyzer *an = fuzz_analyzer("english");
	char *text = fuzz_copy(data, size);
	loci_synonyms *syn = (loci_synonyms *)&syn;	/* must be overwritten */
	char *problem = (char *)&problem;

	loci_status st = loci_synonyms_parse(an, text, size, &syn, &problem);
	FUZZ_STATUS(st, LOCI_OK, LOCI_ERR_INVALID, LOCI_ERR_NOMEM);
	FUZZ_CHECK((syn != NULL) == (st == LOCI_OK));
	FUZZ_CHECK((problem != NULL) == (st == LOCI_ERR_INVALID));
	if (problem)
		FUZZ_CHECK(strncmp(problem, "line ", 5) == 0);
	free(problem);
	if (st != LOCI_OK) {
		free(text);
		return 0;
	}

	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	size_t n_groups = loci_synonyms_groups(syn);
	FUZZ_CHECK(n_groups <= lines);
	for (size_t g = 0; g < n_groups; g++) {
		size_t n_members = loci_synonyms_members(syn, g);
		FUZZ_CHECK(n_members >= 2);
		for (size_t m = 0; m < n_members; m++) {
			const char *const *terms = NULL;
			bool caps = false;
			size_t n = loci_synonyms_member(syn, g, m, &terms, &caps);
			FUZZ_CHECK(n >= 1 && terms != NULL);
			for (size_t i = 0; i < n; i++) {
				size_t len = strlen(terms[i]);
				FUZZ_CHECK(len > 0 && len <= LOCI_MAX_TERM);
				FUZZ_CHECK(fuzz_utf8_valid(terms[i], len));
			}
			/* Typed as written (in capitals), the member is found. */
			bool *all_caps = malloc(n * sizeof *all_caps);
			if (!all_caps)
				abort();
			for (size_t i = 0; i < n; i++)
				all_caps[i] = true;
			size_t found = (size_t)-1;
			size_t k = loci_synonyms_match(syn, terms, all_caps, n, &found);
			free(all_caps);
			FUZZ_CHECK(k == n);
			FUZZ_CHECK(found < n_groups);
			bool holds = false;
			for (size_t o = 0; o < loci_synonyms_members(syn, found) && !holds; o++) {
				const char *const *t2;
				bool c2;
				size_t n2 = loci_synonyms_member(syn, found, o, &t2, &c2);
				holds = n2 == n;
				for (size_t i = 0; i < n && holds; i++)
					holds = strcmp(t2[i], terms[i]) == 0;
			}
			FUZZ_CHECK(holds);
		}
	}
	loci_synonyms_free(syn);
	free(text);
	return 0;
}

FUZZ_TARGET(loci_fuzz_synonyms)
