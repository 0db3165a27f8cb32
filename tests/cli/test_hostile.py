#!/usr/bin/env python3
"""Hostile input: huge articles and queries, broken encodings, damaged or
foreign indexes, a full disk.  Each must end with a clear line and a
documented exit status, never a crash, a hang or lost data.

Run by `meson test`, which sets LOCI_INDEX, LOCI_SEARCH and LOCI_CORPUS.
"""
import glob
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
import unittest

INDEX = os.environ["LOCI_INDEX"]
SEARCH = os.environ["LOCI_SEARCH"]
CORPUS = os.environ["LOCI_CORPUS"]


def run(*args, stdin=None, preexec=None, timeout=120):
    env = dict(os.environ)
    env.pop("LOCI_DB", None)
    return subprocess.run(list(args), capture_output=True, env=env, input=stdin,
                          preexec_fn=preexec, timeout=timeout)


class Hostile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="loci-hostile-")
        self.src = os.path.join(self.tmp, "src")
        self.db = os.path.join(self.tmp, "db")
        os.mkdir(self.src)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, data):
        with open(os.path.join(self.src, name), "wb") as f:
            f.write(data)

    def search(self, *args, db=None):
        return run(SEARCH, "--db", db or self.db, "--format", "json", *args)

    def one_line_error(self, r, code, *needles):
        self.assertEqual(r.returncode, code, r.stderr)
        err = r.stderr.decode()
        self.assertTrue(err.startswith("loci-"), err)
        self.assertEqual(err.count("\n"), 1, err)
        for n in needles:
            self.assertIn(n, err)

    def test_ten_megabyte_single_line(self):
        words = ("tajik moscow attack group Russia the alpha beta " * 220000).encode()
        self.write("big.txt", words[:10 * 1024 * 1024] + b" zebraword\n")
        t0 = time.time()
        r = run(INDEX, "--db", self.db, self.src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(time.time() - t0, 60)
        r = self.search("zebraword")
        self.assertEqual(r.returncode, 0)
        hit = json.loads(r.stdout)["hits"][0]
        self.assertLess(len(hit["text"].split()), 400)  # a passage, not the article

    def test_long_and_wide_queries(self):
        shutil.copytree(CORPUS, os.path.join(self.src, "c"))
        run(INDEX, "--db", self.db, self.src)
        # A megabyte: through --queries, as argv cannot hold it.
        big = os.path.join(self.tmp, "q")
        with open(big, "w") as f:
            f.write("big\t" + ("tajik moscow attack " * 60000)[:1 << 20] + "\n")
        r = run(SEARCH, "--db", self.db, "--queries", big)
        self.one_line_error(r, 2, "query too long 'big'", "the limit is 65536")
        # Ten thousand words: refused at once, not parsed for seconds.
        t0 = time.time()
        r = run(SEARCH, "--db", self.db, " ".join("w%d" % i for i in range(10000)))
        self.one_line_error(r, 2, "query too long", "more than 1000 words")
        self.assertLess(time.time() - t0, 5)
        # A thousand words still run.
        r = run(SEARCH, "--db", self.db, " ".join(["tajik"] + ["w%d" % i for i in range(999)]))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_wildcard_over_too_many_terms(self):
        self.write("many.txt", " ".join("w%05d" % i for i in range(100000)).encode() + b"\n")
        run(INDEX, "--db", self.db, self.src)
        t0 = time.time()
        r = self.search("w*")
        self.one_line_error(r, 2, "w*", "expands to more than 10000 terms")
        self.assertLess(time.time() - t0, 10)
        r = self.search("w0000*")
        self.assertEqual(r.returncode, 0)

    def test_broken_bytes(self):
        # NUL after the first 8 KiB, overlong '/', a lone surrogate, a code
        # point past U+10FFFF: not UTF-8, read as Windows-1252, indexed.
        self.write("nul.txt", b"x" * 9000 + b" \x00 nulword\n")
        self.write("overlong.txt", b"overlong \xc0\xaf here\n")
        self.write("surrogate.txt", b"surrogate \xed\xa0\x80 here\n")
        self.write("big-cp.txt", b"toobig \xf4\x90\x80\x80 here\n")
        r = run(INDEX, "--db", self.db, self.src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.decode().count("read as Windows-1252"), 3)
        for word in ("overlong", "surrogate", "toobig"):
            r = self.search(word)
            self.assertEqual(r.returncode, 0, word)
            json.loads(r.stdout)  # still valid JSON
        # A NUL byte past 8 KiB is not binary by the rule: indexed.
        self.assertEqual(self.search("nulword").returncode, 0)
        # Invalid UTF-8 in a query: a clear error.
        r = run(SEARCH, "--db", self.db, b"bad\xffquery")
        self.one_line_error(r, 2, "not valid UTF-8")

    def test_index_that_is_not_one(self):
        empty = os.path.join(self.tmp, "empty")
        os.mkdir(empty)
        r = run(SEARCH, "--db", empty, "attack")
        self.assertEqual(r.returncode, 3)
        self.assertIn(b"no index at", r.stderr)
        afile = os.path.join(self.tmp, "afile")
        with open(afile, "w") as f:
            f.write("x\n")
        for prog in (SEARCH, INDEX):
            r = run(prog, "--db", afile, "attack" if prog == SEARCH else self.src)
            self.assertEqual(r.returncode, 3, r.stderr)

    @unittest.skipUnless(shutil.which("xapian-metadata"), "needs xapian-tools")
    def test_index_from_another_analyser(self):
        self.write("a.txt", b"Attack.\n")
        run(INDEX, "--db", self.db, self.src)
        subprocess.run(["xapian-metadata", "set", self.db, "loci.analyzer", "0"], check=True)
        r = self.search("attack")
        self.one_line_error(r, 3, "rebuild it with loci-index --rebuild")
        r = run(INDEX, "--db", self.db, self.src)
        self.one_line_error(r, 3, "loci-index --rebuild")
        r = run(INDEX, "--db", self.db, "--rebuild", self.src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.search("attack").returncode, 0)

    def test_damaged_index(self):
        shutil.copytree(CORPUS, os.path.join(self.src, "c"))
        run(INDEX, "--db", self.db, self.src)
        for table in ("postlist.glass", "termlist.glass", "iamglass"):
            damaged = os.path.join(self.tmp, "damaged-" + table)
            shutil.copytree(self.db, damaged)
            path = os.path.join(damaged, table)
            with open(path, "r+b") as f:
                size = os.path.getsize(path)
                f.write(bytes((i * 37) % 251 for i in range(size)))
            for args in (["attack"], ["--regex", "a", "attack"], ["--like", "x#1"]):
                r = run(SEARCH, "--db", damaged, *args)
                self.assertIn(r.returncode, (2, 3), (table, args, r.stderr))
                self.assertGreater(r.returncode, 0)
                self.assertNotIn(b"Sanitizer", r.stderr)
                self.assertTrue(r.stderr.startswith(b"loci-search: "), r.stderr)
            r = run(INDEX, "--db", damaged, "--info")
            self.assertEqual(r.returncode, 3, (table, r.stderr))

    def test_full_disk_keeps_the_last_commit(self):
        shutil.copytree(CORPUS, os.path.join(self.src, "c"))
        r = run(INDEX, "--db", self.db, self.src)
        self.assertEqual(r.returncode, 0)
        before = run(INDEX, "--db", self.db, "--list").stdout
        more = os.path.join(self.src, "more")
        os.mkdir(more)
        for i in range(400):
            with open(os.path.join(more, "m%03d.txt" % i), "w") as f:
                f.write(("Paragraph %d about extra fillerword things.\n\n" % i) * 200)
        size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(self.db, "*")))

        def small_disk():
            # Files may grow a little, never as much as the new articles need.
            resource.setrlimit(resource.RLIMIT_FSIZE, (size + 64 * 1024, size + 64 * 1024))

        r = run(INDEX, "--db", self.db, "--commit-every", "100000", self.src, preexec=small_disk)
        self.assertEqual(r.returncode, 3, r.stderr)
        err = r.stderr.decode()
        self.assertEqual(err.count("\n"), 1, err)
        self.assertIn("File too large", err)
        # The index still opens, and holds what the last commit held.
        self.assertEqual(run(INDEX, "--db", self.db, "--list").stdout, before)
        self.assertEqual(self.search("Taliban").returncode, 0)
        self.assertEqual(self.search("fillerword").returncode, 1)
        # With room again, the next run completes.
        r = run(INDEX, "--db", self.db, "-q", self.src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.search("fillerword").returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
