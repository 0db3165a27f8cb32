#!/usr/bin/env python3
"""End-to-end tests: the real loci-index and loci-search on corpus/.

Run by `meson test`, which sets LOCI_INDEX, LOCI_SEARCH and LOCI_CORPUS.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unicodedata
import unittest

INDEX = os.environ["LOCI_INDEX"]
SEARCH = os.environ["LOCI_SEARCH"]
CORPUS = os.environ["LOCI_CORPUS"]
# A command put in front of loci-index and loci-search: `meson test
# --setup valgrind` runs every command of these tests under memcheck.
WRAPPER = os.environ.get("LOCI_WRAPPER", "").split()


def run(*args, env=None):
    if args and args[0] in (INDEX, SEARCH):
        args = tuple(WRAPPER) + args
    e = dict(os.environ)
    e.pop("LOCI_DB", None)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run(list(args), capture_output=True, env=e, timeout=120)


def fold(s):
    """Case- and accent-insensitive form, to check hits without the analyser."""
    s = unicodedata.normalize("NFKD", s.replace("\u2019", "'"))
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


class Corpus(unittest.TestCase):
    """Searches over an index of the shipped corpus, built once."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="loci-cli-")
        cls.db = os.path.join(cls.tmp, "db")
        r = run(INDEX, "--db", cls.db, "--synonyms", os.path.join(CORPUS, "synonyms.txt"), CORPUS)
        assert r.returncode == 0, r.stderr.decode()
        cls.index_stderr = r.stderr.decode()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def search(self, *args, fmt="json"):
        r = run(SEARCH, "--db", self.db, "--format", fmt, *args)
        if fmt == "json" and r.returncode in (0, 1):
            return r, json.loads(r.stdout)
        return r, None

    def hits(self, *args):
        r, doc = self.search(*args)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return doc["hits"]

    def test_feedback_rerank_equals_full_search(self):
        # A page within the first 20 results is reordered from the first
        # pass's best articles; a deeper one (--offset) is searched again
        # in full.  On the five shipped articles the first pass holds every
        # matching article, so the two must agree passage for passage.
        for q in ("Taliban", "migrants OR recruitment", "Russia attack"):
            shallow = self.hits("-n", "4", q)
            deep = self.hits("-n", "30", q)
            self.assertTrue(shallow, q)
            self.assertEqual([(h["path"], h["passage"], h["score"]) for h in shallow],
                             [(h["path"], h["passage"], h["score"]) for h in deep[:4]], q)
            # and a page past the first also agrees with the full search
            page2 = self.hits("-n", "3", "--offset", "1", q)
            self.assertEqual([(h["path"], h["passage"]) for h in page2],
                             [(h["path"], h["passage"]) for h in deep[1:4]], q)

    def test_summary_line(self):
        self.assertRegex(self.index_stderr,
                         r"^loci-index: 5 added, 0 updated, 0 removed, 0 unchanged, 0 skipped; "
                         r"\d+ passages written in [0-9.]+ s\n$")

    def test_tajik_migrants_recruitment(self):
        top = [fold(h["text"]) for h in self.hits("-n", "3", "Tajik", "migrants", "recruitment")]
        self.assertTrue(any("1.3 million central asian labor migrants" in t for t in top), top)
        self.assertTrue(any("remittances" in t and "online jihadist recruitment" in t
                            for t in top), top)

    def test_guantanamo_without_accent(self):
        hits = self.hits("guantanamo")
        self.assertIn("Guantánamo", hits[0]["text"])

    def test_phrase(self):
        hits = self.hits("--no-synonyms", '"Islamic State"')
        self.assertGreater(len(hits), 3)
        for h in hits:
            self.assertIn("islamic state", fold(h["text"]))

    def test_wildcard(self):
        hits = self.hits("-n", "50", "tajik*")
        texts = " ".join(fold(h["text"]) for h in hits)
        for form in ("tajik ", "tajiks", "tajikistan"):
            self.assertIn(form, texts)
        for h in hits:
            self.assertIn("tajik", fold(h["text"]))

    def test_typed_apostrophe_matches_typographic(self):
        # The text has "Russia’s worst" (U+2019); the query an ASCII quote.
        hits = self.hits('"Russia\'s worst"')
        self.assertIn("Russia\u2019s worst", hits[0]["text"])
        self.assertTrue(self.hits("Russia's"))

    def test_possessive_found_by_plain_word(self):
        hits = self.hits("-n", "100", "Khorasan")
        self.assertTrue(any("Khorasan\u2019s" in h["text"] for h in hits))

    def test_hyphenated_word_near(self):
        hits = self.hits("al-Qaeda", "NEAR", "rival")
        self.assertIn("rival, al-Qaeda", hits[0]["text"])

    def test_hyphenated_word_whole_and_parts(self):
        whole = self.hits("-n", "100", "--no-synonyms", "ISIS-K")
        for h in whole:
            self.assertIn("isis-k", fold(h["text"]))
        parts = self.hits("-n", "100", "--no-synonyms", "ISIS")
        self.assertGreaterEqual(len(parts), len(whole))

    def test_number_with_separator(self):
        hits = self.hits("350,000")
        self.assertIn("350,000 from Tajikistan", hits[0]["text"])

    def test_not_phrase(self):
        hits = self.hits("-n", "100", "Taliban", "-\"Islamic State\"")
        self.assertTrue(hits)
        for h in hits:
            self.assertIn("taliban", fold(h["text"]))
            self.assertNotIn("islamic state", fold(h["text"]))

    def test_boolean_and(self):
        for h in self.hits("-n", "100", "Tajik", "AND", "remittances"):
            t = fold(h["text"])
            self.assertIn("tajik", t)
            self.assertIn("remittance", t)

    def test_stemmed_variants_highlighted(self):
        r = run(SEARCH, "--db", self.db, "--color", "always", "-n", "20", "recruit")
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0)
        for word in ("recruit", "recruitment", "recruits"):
            self.assertIn("\033[1;31m" + word + "\033[0m", out)

    def test_no_escape_codes_without_colour(self):
        for args in (["--color", "never"], [], ["--color", "auto"]):
            r = run(SEARCH, "--db", self.db, *args, "Taliban")
            self.assertEqual(r.returncode, 0)
            self.assertNotIn(b"\033", r.stdout)
        r = run(SEARCH, "--db", self.db, "--color", "auto", "Taliban", env={"NO_COLOR": "1"})
        self.assertNotIn(b"\033", r.stdout)

    def test_text_wrapped_to_80_columns(self):
        r = run(SEARCH, "--db", self.db, "--color", "never", "-n", "20", "attack")
        lines = r.stdout.decode().splitlines()
        body = [l for l in lines if l.startswith("   ")]
        self.assertTrue(body)
        self.assertTrue(all(len(l) <= 80 for l in body), max(body, key=len))
        self.assertRegex(lines[0], r"^1\. \S*corpus/[-a-z]+\.txt:\d+ #\d+  .+ \(\d+\.\d\d\)$")

    def test_json_shape(self):
        r, doc = self.search("-n", "5", "--no-synonyms", "Crocus", "City", "Hall")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(list(doc), ["query", "parsed", "total", "hits", "suggestion",
                                     "corrected"])
        self.assertIsNone(doc["suggestion"])
        self.assertIs(doc["corrected"], False)
        self.assertEqual(doc["query"], "Crocus City Hall")
        self.assertIsInstance(doc["parsed"], str)
        self.assertGreaterEqual(doc["total"], len(doc["hits"]))
        self.assertEqual(len(doc["hits"]), 5)
        for i, h in enumerate(doc["hits"], 1):
            self.assertEqual(list(h), ["rank", "score", "path", "title", "passage", "line", "text",
                                       "date", "source", "url", "author", "tags", "ref", "more"])
            self.assertEqual(h["ref"], "%s#%d" % (h["path"], h["passage"]))
            self.assertEqual((h["date"], h["source"], h["tags"]), (None, None, []))
            self.assertEqual(h["rank"], i)
            self.assertIsInstance(h["score"], float)
            self.assertTrue(h["path"].startswith(CORPUS))
            self.assertGreaterEqual(h["passage"], 1)
            # The passage starts on the line it names, and is in the file.
            with open(h["path"], encoding="utf-8") as f:
                content = f.read()
                lines = content.split("\n")
            self.assertTrue(lines[h["line"] - 1].strip().startswith(h["text"].split("\n")[0][:40]))
            self.assertIn(h["text"], content)
        scores = [h["score"] for h in doc["hits"]]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_ndjson(self):
        r = run(SEARCH, "--db", self.db, "--format", "ndjson", "-n", "4", "Moscow")
        lines = r.stdout.decode().splitlines()
        self.assertEqual(len(lines), 4)
        self.assertEqual([json.loads(l)["rank"] for l in lines], [1, 2, 3, 4])

    def test_explain(self):
        r = run(SEARCH, "--db", self.db, "--explain", "--color", "never", "recruitment")
        self.assertIn("Zrecruit", r.stdout.decode().splitlines()[0])

    def test_limit(self):
        self.assertEqual(len(self.hits("-n", "2", "attack")), 2)

    def test_no_hits_exit_1(self):
        r, doc = self.search("xylophonist")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(doc["hits"], [])

    def test_syntax_error_exit_2(self):
        r, _ = self.search("Taliban", "AND")
        self.assertEqual(r.returncode, 2)
        err = r.stderr.decode()
        self.assertEqual(err.count("\n"), 1, err)
        self.assertIn("'Taliban AND'", err)
        self.assertTrue(err.startswith("loci-search: "))

    def test_xor_with_phrases_and_wildcards(self):
        # Xapian 1.4 reads freed memory matching some XORs (found by
        # fuzzing); loci spells XOR with OR, AND and AND NOT: the same
        # passages.
        def ids(*q):
            r, doc = self.search("--per-article", "0", "-n", "1000", *q)
            self.assertEqual(r.returncode, 0, (q, r.stderr))
            return {h["ref"] for h in doc["hits"]}
        for a, b in (("moscow", '"islamic state"'), ("moscow", "isis"), ("russia", "tal*")):
            either = ids("%s OR %s" % (a, b))
            both = ids("%s AND %s" % (a, b))
            self.assertTrue(both, (a, b))
            self.assertEqual(ids("%s XOR %s" % (a, b)), either - both, (a, b))
        # Spelt out, an XOR repeats its operands: a long one is refused.
        r, _ = self.search(" XOR ".join("w%d" % i for i in range(300)))
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"too many words under XOR", r.stderr)
        three = ids("moscow XOR russia XOR attack")
        for p in three:
            n = sum(p in ids(w) for w in ("moscow", "russia", "attack"))
            self.assertIn(n, (1, 3))

    def test_at_most_two_passages_per_article(self):
        hits = self.hits("-n", "100", "Taliban")
        paths = [h["path"] for h in hits]
        self.assertTrue(all(paths.count(p) <= 2 for p in paths))
        self.assertTrue(any(h["more"] > 0 for h in hits))
        every = self.hits("-n", "100", "--per-article", "0", "Taliban")
        self.assertGreater(len(every), len(hits))
        # "+N more": exactly the article's other matching passages.
        for h in hits:
            in_article = sum(1 for e in every if e["path"] == h["path"])
            self.assertEqual(h["more"], in_article - paths.count(h["path"]), h["path"])
        r = run(SEARCH, "--db", self.db, "--color", "never", "Taliban")
        self.assertRegex(r.stdout.decode(), r"\(\+\d+ more in this article\)")

    def test_articles_ranked_by_best_passage(self):
        r = run(SEARCH, "--db", self.db, "--articles", "--color", "never", "Taliban")
        lines = r.stdout.decode().splitlines()
        self.assertEqual(len(lines), 5)
        self.assertRegex(lines[0], r"^1\. \S+\.txt  .+ \(\d+\.\d\d\)  \d+ matching passages?$")
        best = self.hits("-n", "1", "Taliban")[0]["path"]
        self.assertIn(best, lines[0])

    def test_offset_pages(self):
        all10 = self.hits("-n", "10", "attack")
        page2 = self.hits("-n", "5", "--offset", "5", "attack")
        self.assertEqual([h["ref"] for h in page2], [h["ref"] for h in all10[5:]])
        self.assertEqual([h["rank"] for h in page2], [6, 7, 8, 9, 10])

    def test_context(self):
        hit = self.hits("-n", "1", "-C", "1", "1.3 million")[0]
        self.assertEqual([c["passage"] for c in hit["before"]], [hit["passage"] - 1])
        self.assertEqual([c["passage"] for c in hit["after"]], [hit["passage"] + 1])
        self.assertIn("Tajiks have been involved", hit["before"][0]["text"])
        r = run(SEARCH, "--db", self.db, "-C", "1", "-n", "1", "--color", "never", "1.3 million")
        self.assertIn("   | Tajiks have been involved", r.stdout.decode())

    def test_like(self):
        ref = self.hits("-n", "1", "1.3 million labor migrants")[0]["ref"]
        hits = self.hits("-n", "5", "--like", ref)
        self.assertNotIn(ref, [h["ref"] for h in hits])
        text = " ".join(fold(h["text"]) for h in hits[:3])
        self.assertTrue("migrant" in text or "recruit" in text, text)
        r, _ = self.search("--like", "corpus/none.txt#3")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"no such passage", r.stderr)
        r, _ = self.search("--like", "no-ordinal")
        self.assertEqual(r.returncode, 2)

    def test_did_you_mean(self):
        r, doc = self.search("Tajikstan", "remitances")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(doc["suggestion"], "tajikistan remittances")
        self.assertIs(doc["corrected"], True)
        self.assertIn("remittances", doc["hits"][0]["text"])
        r = run(SEARCH, "--db", self.db, "--color", "never", "Tajikstan", "remitances")
        self.assertIn(b"showing results for 'tajikistan remittances'", r.stderr)
        r = run(SEARCH, "--db", self.db, "--color", "never", "Tajik", "remitances")
        self.assertIn(b"did you mean 'Tajik remittances'?", r.stderr)

    def test_batch_queries_and_trec(self):
        queries = "q1\tTajik migrants recruitment\nGuantanamo\nTaliban AND\n"
        r = subprocess.run([SEARCH, "--db", self.db, "--queries", "-", "--format", "trec"],
                           input=queries.encode(), capture_output=True)
        self.assertEqual(r.returncode, 2)      # one query was malformed
        self.assertIn(b"cannot run query '3'", r.stderr)
        rows = [l.split() for l in r.stdout.decode().splitlines()]
        self.assertEqual({row[0] for row in rows}, {"q1", "2"})
        q1 = [row for row in rows if row[0] == "q1"]
        self.assertEqual([row[3] for row in q1], [str(i) for i in range(1, len(q1) + 1)])
        self.assertEqual(len({row[2] for row in q1}), len(q1))  # one line per article
        self.assertTrue(all(row[1] == "Q0" and row[5] == "loci" for row in rows))
        self.assertIn(q1[0][2], ("taz-crocus-attack-experts", "usip-why-isis-k-struck-russia"))

    def test_tsv_and_vimgrep(self):
        r = run(SEARCH, "--db", self.db, "--format", "tsv", "-n", "3", "Guantanamo")
        fields = r.stdout.decode().splitlines()[0].split("\t")
        self.assertEqual(len(fields), 8)
        self.assertIn("Guantánamo", fields[7])
        r = run(SEARCH, "--db", self.db, "--format", "vimgrep", "Guantanamo")
        path, line, col, text = r.stdout.decode().splitlines()[0].split(":", 3)
        with open(path, encoding="utf-8") as f:
            src = f.read().split("\n")[int(line) - 1]
        self.assertEqual(src.encode()[int(col) - 1:].decode()[:10], "Guantánamo")

    def test_synonyms_find_every_name(self):
        names = {"ISKP": "iskp", "ISIS-K": "isis-k", "IS-K": "is-k",
                 '"Islamic State Khorasan"': "islamic state khorasan"}
        for typed in names:
            hits = self.hits("-n", "100", "--per-article", "0", typed)
            texts = " ".join(fold(h["text"]) for h in hits)
            for other in names.values():
                self.assertIn(other, texts, "%s should find %s" % (typed, other))
        plain = self.hits("-n", "100", "--per-article", "0", "--no-synonyms", "ISKP")
        self.assertTrue(all("iskp" in fold(h["text"]) for h in plain))
        qaida = self.hits("-n", "100", "--per-article", "0", "al-Qaeda")
        self.assertTrue(any("al-qaida" in fold(h["text"]) for h in qaida))
        self.assertTrue(any("al-qaeda" in fold(h["text"]) for h in qaida))
        hall = self.hits("-n", "100", "--per-article", "0", "Crocus", "City", "Hall")
        self.assertTrue(any("crocus town hall" in fold(h["text"]) for h in hall))

    def test_synonyms_with_near(self):
        # NEAR takes words: the group is not used next to it.
        self.assertIn("rival, al-Qaeda", self.hits("al-Qaeda", "NEAR", "rival")[0]["text"])

    def test_acronym_in_capitals(self):
        hits = self.hits("IS", "leaders")
        self.assertIn("IS leaders", hits[0]["text"])
        r, doc = self.search("--explain", "--no-synonyms", "IS", "leaders")
        self.assertEqual(doc["parsed"], "Query((XUis@1 OR Zleader@2))")
        r = run(SEARCH, "--db", self.db, "--color", "always", "--no-synonyms", "-n", "1",
                "IS", "leaders")
        out = r.stdout.decode()
        self.assertIn("\033[1;31mIS\033[0m", out)
        self.assertNotIn("\033[1;31mis\033[0m", out)   # the verb is not marked

    def test_stopwords_dropped(self):
        r, doc = self.search("--no-synonyms", "the", "war", "in", "Syria")
        self.assertEqual(doc["parsed"], "Query((Zwar@1 OR Zsyria@2))")
        r, doc = self.search("to", "be", "or", "not", "to", "be")
        self.assertIn("Zbe", doc["parsed"])

    def test_path_field(self):
        hits = self.hits("-n", "100", "path:%s/taz-crocus-attack-experts.txt" % CORPUS, "ISKP")
        self.assertTrue(hits)
        self.assertTrue(all(h["path"].endswith("taz-crocus-attack-experts.txt") for h in hits))
        self.assertEqual(len(self.hits("-n", "100", "path:%s" % CORPUS, "Taliban")),
                         len(self.hits("-n", "100", "Taliban")))

    def test_title_field(self):
        hits = self.hits("-n", "100", "title:Implications")
        self.assertEqual({h["path"] for h in hits},
                         {os.path.join(CORPUS, "stimson-jadoon-iskp-implications.txt")})

    def test_regex_alone_scans_in_index_order(self):
        r, doc = self.search("--regex", r"1\.[35] million")
        self.assertEqual(r.returncode, 0, r.stderr)
        texts = [h["text"] for h in doc["hits"]]
        self.assertEqual(len(texts), 2)
        self.assertTrue(any("1.3 million" in t for t in texts))
        self.assertTrue(any("1.5 million" in t for t in texts))
        r = run(SEARCH, "--db", self.db, "--color", "always", "--regex", "Tajiks?\\b")
        self.assertIn(b"\033[1;31mTajiks\033[0m", r.stdout)

    def test_regex_filters_ranked_hits(self):
        every = self.hits("-n", "100", "--per-article", "0", "Tajik")
        kept = self.hits("-n", "100", "--per-article", "0", "--regex", "remittances?", "Tajik")
        self.assertTrue(kept)
        self.assertLess(len(kept), len(every))
        self.assertTrue(all("remittance" in h["text"] for h in kept))
        order = [h["ref"] for h in every if "remittance" in h["text"]]
        self.assertEqual([h["ref"] for h in kept], order)

    def test_regex_errors(self):
        r, _ = self.search("--regex", "x(", "attack")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"bad --regex 'x(': missing closing parenthesis at offset 2", r.stderr)
        r, _ = self.search("--regex", "zzqx+")
        self.assertEqual(r.returncode, 1)

    def test_reindex_does_not_duplicate(self):
        before = self.hits("-n", "1000", "attack")
        r = run(INDEX, "--db", self.db, "-q", CORPUS)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stderr, b"")
        after = self.hits("-n", "1000", "attack")
        self.assertEqual(len(before), len(after))
        keys = [(h["path"], h["passage"]) for h in after]
        self.assertEqual(len(keys), len(set(keys)))


class Errors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="loci-cli-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_missing_index_exit_3(self):
        missing = os.path.join(self.tmp, "nothing-here")
        r = run(SEARCH, "--db", missing, "Taliban")
        self.assertEqual(r.returncode, 3)
        err = r.stderr.decode()
        self.assertIn("no index at '%s'" % missing, err.splitlines()[0])
        self.assertFalse(os.path.exists(missing))

    def test_default_location_from_environment(self):
        data = os.path.join(self.tmp, "xdg")
        r = run(INDEX, CORPUS, env={"XDG_DATA_HOME": data})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isdir(os.path.join(data, "loci")))
        r = run(SEARCH, "Taliban", env={"XDG_DATA_HOME": data})
        self.assertEqual(r.returncode, 0)
        r = run(SEARCH, "Taliban", env={"LOCI_DB": os.path.join(data, "loci"),
                                         "XDG_DATA_HOME": "/nonexistent"})
        self.assertEqual(r.returncode, 0)

    def test_bad_option_exit_2(self):
        for prog in (INDEX, SEARCH):
            r = run(prog, "--no-such-option", "x")
            self.assertEqual(r.returncode, 2)
            self.assertIn(b"usage:", r.stderr)
            self.assertEqual(r.stdout, b"")
        r = run(SEARCH, "--format", "xml", "x")
        self.assertEqual(r.returncode, 2)
        r = run(SEARCH, "-n", "many", "x")
        self.assertEqual(r.returncode, 2)
        r = run(SEARCH)
        self.assertEqual(r.returncode, 2)
        r = run(INDEX)
        self.assertEqual(r.returncode, 2)

    def test_help_and_version(self):
        for prog in (INDEX, SEARCH):
            r = run(prog, "--help")
            self.assertEqual(r.returncode, 0)
            self.assertTrue(r.stdout.startswith(b"usage: "))
            r = run(prog, "-h")
            self.assertEqual(r.returncode, 0)
            r = run(prog, "--version")
            self.assertEqual(r.returncode, 0)
            self.assertRegex(r.stdout.decode(), r"^loci-(index|search) \d+\.\d+\.\d+\n$")

    def test_unreadable_path_exit_1(self):
        db = os.path.join(self.tmp, "db")
        missing = os.path.join(self.tmp, "no-such-folder")
        r = run(INDEX, "--db", db, CORPUS, missing)
        self.assertEqual(r.returncode, 1)
        err = r.stderr.decode().splitlines()
        self.assertIn("warning: '%s': No such file or directory" % missing, err[0])
        # The good articles were indexed all the same.
        r = run(SEARCH, "--db", db, "Taliban")
        self.assertEqual(r.returncode, 0)

    def test_unknown_language_exit_2(self):
        r = run(INDEX, "--db", os.path.join(self.tmp, "db"), "--language", "klingon", CORPUS)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"unknown language 'klingon'", r.stderr)

    def test_not_an_index_exit_3(self):
        r = run(SEARCH, "--db", self.tmp, "Taliban")
        self.assertEqual(r.returncode, 3)
        self.assertEqual(r.stderr.decode().count("\n"), 2)  # error and hint
        path = os.path.join(self.tmp, "file")
        with open(path, "w") as f:
            f.write("not an index\n")
        r = run(SEARCH, "--db", path, "Taliban")
        self.assertEqual(r.returncode, 3)
        r = run(INDEX, "--db", path, CORPUS)
        self.assertEqual(r.returncode, 3)
        self.assertIn(path.encode(), r.stderr)


class Articles(unittest.TestCase):
    """Articles written by the tests: encodings, binary files, hostile text."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="loci-cli-")
        self.src = os.path.join(self.tmp, "articles")
        self.db = os.path.join(self.tmp, "db")
        os.mkdir(self.src)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, data):
        path = os.path.join(self.src, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def index(self, *args):
        return run(INDEX, "--db", self.db, *args)

    def search(self, *args):
        r = run(SEARCH, "--db", self.db, "--format", "json", *args)
        return r, json.loads(r.stdout) if r.returncode in (0, 1) else None

    def test_windows_1252_and_binary(self):
        self.write("old.txt", "Caf\xe9 society \x93quoted\x94\n".encode("latin-1"))
        self.write("blob.txt", b"PK\x03\x04\x00\x00binary")
        self.write("empty.txt", b"")
        self.write("notes.pdf", b"not an article")
        r = self.index(self.src)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 1, err)
        self.assertIn("old.txt': not valid UTF-8, read as Windows-1252", err)
        self.assertIn("blob.txt': binary file", err)
        self.assertNotIn("empty.txt", err)
        self.assertNotIn("notes.pdf", err)
        r, doc = self.search("cafe")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(doc["hits"][0]["text"], "Caf\u00e9 society \u201cquoted\u201d")
        r, doc = self.search("binary")
        self.assertEqual(r.returncode, 1)

    def test_hidden_files_and_non_articles_skipped(self):
        self.write(".hidden.txt", b"zebra crossing\n")
        self.write("visible.md", b"# Zebra notes\n\nzebra stripes\n")
        self.assertEqual(self.index(self.src).returncode, 0)
        r, doc = self.search("zebra")
        self.assertEqual([h["title"] for h in doc["hits"]], ["Zebra notes"])

    def test_control_characters_never_reach_the_terminal(self):
        self.write("evil.txt",
                   b"Title \x1b[2J here\n\nmalware \x1b]52;c;ZXZpbA==\x07 text \xc2\x9b and "
                   b"\xe2\x80\xae reversed\n")
        self.write("evil\x1b[31mname.txt", b"malware in a name\n")
        self.index(self.src)
        for colour in ("never", "always"):
            r = run(SEARCH, "--db", self.db, "--color", colour, "malware")
            out = r.stdout
            self.assertEqual(r.returncode, 0)
            stripped = out
            for code in (b"\033[0m", b"\033[1m", b"\033[35m", b"\033[32m", b"\033[1;31m", b"\033[2m"):
                stripped = stripped.replace(code, b"")
            self.assertNotIn(b"\x1b", stripped)
            self.assertNotIn(b"\x07", stripped)
            self.assertNotIn("\u202e".encode(), stripped)
            self.assertIn(b"\\x1B]52;c;ZXZpbA==\\x07", stripped)
            self.assertIn(b"\\u{202E}", stripped)
            self.assertIn(b"\\u{9B}", stripped)
            self.assertIn(b"evil\\x1B[31mname.txt", stripped)
        r, doc = self.search("malware")
        self.assertTrue(any("\x1b]52" in h["text"] for h in doc["hits"]))

    def test_front_matter(self):
        self.write("a.md", b"""---
title: "Crocus: what we know"
date: 2024-03-25T10:30:00+03:00
source: Reuters
url: https://example.org/a?x=1
author: Jane Doe
tags: [Russia, "ISKP"]
---
Gunmen opened fire in the concert hall.
""")
        self.write("b.txt", b"---\ntags: one, two ,three\n---\nGunmen again.\n")
        self.write("bad.txt", b"---\ntitle: [unclosed\n---\nGunmen in a bad file.\n")
        self.write("baddate.txt", b"---\ndate: March 2024\n---\nGunmen undated.\n")
        self.write("rule.txt", b"---\nNo closing fence: gunmen in plain text.\n")
        r = self.index(self.src)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 0, err)
        self.assertIn("bad.txt': front matter is not valid YAML: line 2:", err)
        self.assertIn("baddate.txt': date 'March 2024' is not an ISO 8601 date", err)
        r, doc = self.search("-n", "10", "gunmen")
        hits = {os.path.basename(h["path"]): h for h in doc["hits"]}
        self.assertEqual(len(hits), 5)
        a = hits["a.md"]
        self.assertEqual((a["title"], a["date"], a["source"], a["url"], a["author"], a["tags"], a["line"]),
                         ("Crocus: what we know", "2024-03-25T10:30:00+03:00", "Reuters",
                          "https://example.org/a?x=1", "Jane Doe", ["Russia", "ISKP"], 9))
        self.assertEqual(hits["b.txt"]["tags"], ["one", "two", "three"])
        self.assertEqual(hits["b.txt"]["title"], "Gunmen again.")
        self.assertEqual(hits["bad.txt"]["text"], "Gunmen in a bad file.")
        self.assertIsNone(hits["baddate.txt"]["date"])
        self.assertEqual(hits["rule.txt"]["line"], 1)
        # The front matter itself is not searchable text.
        self.assertEqual(self.search("reuters")[0].returncode, 1)
        out = run(SEARCH, "--db", self.db, "--color", "never", "concert").stdout.decode()
        self.assertIn("Crocus: what we know [Reuters, 2024-03-25T10:30:00+03:00]", out)

    def test_fields_and_dates(self):
        def article(name, date, source, author, tags, text):
            self.write(name, ("---\ndate: %s\nsource: %s\nauthor: %s\ntags: [%s]\n---\n%s\n"
                              % (date, source, author, tags, text)).encode())
        article("a.txt", "2023-11-02", "Reuters", "Jane Doe", "Russia, Central Asia",
                "Gunmen seen in Moscow.")
        article("b.txt", "2024-03-25", "The Guardian", "John Roe", "Russia",
                "Gunmen at the concert hall.")
        article("c.txt", "2024-03-30T08:00:00Z", "Reuters", "Ann Poe", "Tajikistan",
                "Gunmen were Tajik.")
        article("d.txt", "2025-01-01", "AP", "Bo Li", "Iran", "Gunmen in Kerman.")
        self.write("e.txt", b"Gunmen without a date.\n")
        self.assertEqual(self.index(self.src).returncode, 0)

        def names(*q):
            r, doc = self.search("-n", "50", *q)
            self.assertIn(r.returncode, (0, 1), r.stderr)
            return [os.path.basename(h["path"]) for h in doc["hits"]] if doc else None

        self.assertEqual(sorted(names("source:reuters", "gunmen")), ["a.txt", "c.txt"])
        self.assertEqual(names("source:guardian"), ["b.txt"])
        self.assertEqual(names("author:roe"), ["b.txt"])
        self.assertEqual(sorted(names('tag:"central asia"')), ["a.txt"])
        self.assertEqual(sorted(names("tag:russia", "gunmen")), ["a.txt", "b.txt"])
        self.assertEqual(sorted(names("gunmen", "date:2024-03-01..2024-03-31")),
                         ["b.txt", "c.txt"])
        self.assertEqual(sorted(names("gunmen", "date:2023..2024")), ["a.txt", "b.txt", "c.txt"])
        self.assertEqual(sorted(names("gunmen", "date:2024..")), ["b.txt", "c.txt", "d.txt"])
        self.assertEqual(sorted(names("gunmen", "date:..2023-12")), ["a.txt"])
        self.assertEqual(names("--sort", "date", "gunmen"),
                         ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"])
        self.assertEqual(names("--sort", "-date", "gunmen")[:4],
                         ["d.txt", "c.txt", "b.txt", "a.txt"])
        r, _ = self.search("gunmen", "date:2024-13..2025")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"dates are YYYY, YYYY-MM or YYYY-MM-DD", r.stderr)

    def test_bad_synonyms_file(self):
        self.write("a.txt", b"Text.\n")
        syn = os.path.join(self.tmp, "syn.txt")
        with open(syn, "w") as f:
            f.write("ISKP, ISIS-K\nlonely\n")
        r = self.index("--synonyms", syn, self.src)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"line 2: a group needs two names or more", r.stderr)
        r = self.index("--synonyms", os.path.join(self.tmp, "missing"), self.src)
        self.assertEqual(r.returncode, 2)

    def test_synonyms_file_is_not_an_article(self):
        self.write("a.txt", b"Tajik migrants.\n")
        syn = self.write("synonyms.txt", b"migrant, Gastarbeiter\n")
        self.assertEqual(self.index("--synonyms", syn, self.src).returncode, 0)
        r, doc = self.search("Gastarbeiter")
        self.assertEqual([os.path.basename(h["path"]) for h in doc["hits"]], ["a.txt"])
        # Later runs remember it, with or without --synonyms.
        os.utime(syn, (9, 9))
        self.assertEqual(self.index(self.src).returncode, 0)
        r, doc = self.search("Gastarbeiter")
        self.assertEqual(len(doc["hits"]), 1)
        r, doc = self.search("--no-synonyms", "Gastarbeiter")
        self.assertEqual(r.returncode, 1)

    def test_pathological_regex_ends_quickly(self):
        self.write("long.txt", b"a" * 200000 + b"b\n")
        self.index(self.src)
        t0 = time.time()
        r, _ = self.search("--regex", "(a+)+$")
        self.assertLess(time.time() - t0, 10)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"match limit", r.stderr)

    def test_language_is_recorded_in_the_index(self):
        self.write("fr.txt", "Les chevaux du village\n".encode())
        self.assertEqual(self.index("--language", "french", self.src).returncode, 0)
        r, doc = self.search("cheval")
        self.assertEqual(r.returncode, 0)
        # Adding to it in another language would mix stems: refused.
        r = self.index("--language", "english", self.src)
        self.assertEqual(r.returncode, 2)
        # Without --language the recorded one is used.
        self.assertEqual(self.index(self.src).returncode, 0)
        # --rebuild starts over in the new language.
        self.assertEqual(self.index("--rebuild", "--language", "english", self.src).returncode, 0)
        r, doc = self.search("cheval")
        self.assertEqual(r.returncode, 1)

    def test_rebuild_drops_removed_articles(self):
        self.write("a.txt", b"aardvark\n")
        b = self.write("b.txt", b"buffalo\n")
        self.index(self.src)
        os.unlink(b)
        self.index("--rebuild", self.src)
        self.assertEqual(self.search("buffalo")[0].returncode, 1)
        self.assertEqual(self.search("aardvark")[0].returncode, 0)

    def test_changed_article_replaced(self):
        self.write("a.txt", b"First one.\n\nSecond paragraph.\n\nThird paragraph.\n")
        self.index(self.src)
        self.write("a.txt", b"First one.\n\nNew text.\n")
        self.index(self.src)
        self.assertEqual(self.search("third")[0].returncode, 1)
        r, doc = self.search("paragraph", "OR", "new", "OR", "first")
        self.assertEqual(sorted(h["passage"] for h in doc["hits"]), [1, 2])


if __name__ == "__main__":
    unittest.main(verbosity=2)
