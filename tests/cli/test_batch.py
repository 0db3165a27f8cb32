#!/usr/bin/env python3
"""Batch re-indexing: incremental runs, deletions, bad files, file lists,
locking, signals, concurrent searches, and SIGKILL at random points.

Run by `meson test`, which sets LOCI_INDEX, LOCI_SEARCH and LOCI_CORPUS.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

INDEX = os.environ["LOCI_INDEX"]
SEARCH = os.environ["LOCI_SEARCH"]
CORPUS = os.environ["LOCI_CORPUS"]


def env():
    e = dict(os.environ)
    e.pop("LOCI_DB", None)
    return e


def run(*args, stdin=None):
    return subprocess.run(list(args), capture_output=True, env=env(), timeout=300,
                          input=stdin)


def vocabulary():
    words = set()
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".txt"):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                words.update(w for w in f.read().split() if w.isalpha())
    return sorted(words)


WORDS = vocabulary()


def make_article(rng, n):
    title = "Article %d about %s" % (n, rng.choice(WORDS))
    paras = []
    for _ in range(rng.randint(2, 7)):
        sentences = []
        for _ in range(rng.randint(1, 6)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(5, 25))]
            sentences.append(" ".join(words).capitalize() + ".")
        paras.append(" ".join(sentences))
    return title + "\n\n" + "\n\n".join(paras) + "\n"


def make_folder(root, count, seed=1):
    rng = random.Random(seed)
    for i in range(count):
        sub = os.path.join(root, "d%02d" % (i % 20))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "a%05d.txt" % i), "w") as f:
            f.write(make_article(rng, i))


class Batch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="loci-batch-")
        self.src = os.path.join(self.tmp, "articles")
        self.db = os.path.join(self.tmp, "db")
        os.mkdir(self.src)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def index(self, *args, db=None, stdin=None):
        return run(INDEX, "--db", db or self.db, *args, stdin=stdin)

    def summary(self, *args):
        r = self.index("--json", *args)
        self.assertIn(r.returncode, (0, 1), r.stderr.decode())
        return json.loads(r.stdout), r

    def listing(self, db=None):
        r = run(INDEX, "--db", db or self.db, "--list")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r.stdout.decode()

    def info(self):
        r = run(INDEX, "--db", self.db, "--info")
        self.assertEqual(r.returncode, 0)
        return dict(l.split(":", 1) for l in r.stdout.decode().splitlines())

    def found(self, *query):
        r = run(SEARCH, "--db", self.db, "--format", "json", "-n", "1000", *query)
        self.assertIn(r.returncode, (0, 1), r.stderr.decode())
        return json.loads(r.stdout)["hits"]

    def write(self, rel, data):
        path = os.path.join(self.src, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_incremental_runs(self):
        make_folder(self.src, 200)
        s, _ = self.summary(self.src)
        self.assertEqual((s["added"], s["updated"], s["removed"]), (200, 0, 0))
        revision = self.info()["revision"]

        # Nothing changed: nothing read, nothing written.
        s, r = self.summary(self.src)
        self.assertEqual((s["added"], s["updated"], s["unchanged"]), (0, 0, 200))
        self.assertIn(b"nothing changed", r.stderr)
        self.assertEqual(self.info()["revision"], revision)

        # Ten files changed, two only touched, three removed.
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(self.src) for f in fs)
        for p in files[:10]:
            with open(p, "a") as f:
                f.write("\nZanzibar appendix.\n")
        for p in files[10:12]:
            os.utime(p, (1, 1))
        for p in files[12:15]:
            os.unlink(p)
        s, r = self.summary("-v", self.src)
        self.assertEqual((s["added"], s["updated"], s["removed"], s["unchanged"]),
                         (0, 10, 3, 187), r.stderr)
        err = r.stderr.decode()
        self.assertEqual(err.count(": updated\n"), 10)
        self.assertEqual(err.count(": unchanged (touched)\n"), 2)
        self.assertEqual(err.count(": removed\n"), 3)
        self.assertEqual(len(self.found("zanzibar")), 10)
        self.assertEqual(len(self.listing().splitlines()), 197)

        # The index now equals a clean build of the folder.
        clean = os.path.join(self.tmp, "clean")
        self.index(self.src, db=clean)
        self.assertEqual(self.listing(), self.listing(clean))

    def test_new_and_rebuilt_indexes_are_compacted(self):
        make_folder(self.src, 300)
        self.index(self.src)
        compact = self.info()["size"]
        # Growing it by commits leaves free space in its tables...
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(self.src) for f in fs)
        for p in files[:100]:
            with open(p, "a") as f:
                f.write("\nQuokkaword text here.\n")
        self.index("--commit-every", "5", self.src)
        grown = int(self.info()["size"].split("(")[1].split()[0])
        # ...which --compact (and --rebuild) take out, in one atomic swap.
        r = self.index("--compact", self.src)
        self.assertEqual(r.returncode, 0, r.stderr)
        compacted = int(self.info()["size"].split("(")[1].split()[0])
        self.assertLess(compacted, grown)
        self.assertFalse(os.path.exists(self.db + ".compact"))
        self.assertFalse(os.path.exists(self.db + ".rebuild"))
        self.assertEqual(len(self.found("quokkaword")), 100)
        self.index("--rebuild", self.src)
        self.assertFalse(os.path.exists(self.db + ".compact"))
        self.assertEqual(len(self.found("quokkaword")), 100)
        self.assertTrue(compact)

    def test_progress_line_only_on_a_terminal(self):
        import pty
        make_folder(self.src, 1500)
        master, slave = pty.openpty()
        p = subprocess.Popen([INDEX, "--db", self.db, self.src], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=slave, env=env())
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        p.wait(120)
        os.close(master)
        self.assertEqual(p.returncode, 0)
        self.assertRegex(out, rb"\r\x1b\[Kloci-index: \d+/1500 files, [0-9.]+ MB/s, ETA \d+:\d\d")
        self.assertIn(b"1500 added", out)
        # Not when stderr is not a terminal, nor with --quiet.
        r = self.index("--rebuild", self.src)
        self.assertNotIn(b"\r", r.stderr)
        self.assertNotIn(b"ETA", r.stderr)

    def test_no_delete_and_rebuild(self):
        a = self.write("a.txt", b"Aardvark.\n")
        self.write("b.txt", b"Buffalo.\n")
        self.index(self.src)
        os.unlink(a)
        s, _ = self.summary("--no-delete", self.src)
        self.assertEqual(s["removed"], 0)
        self.assertEqual(len(self.found("aardvark")), 1)
        s, _ = self.summary(self.src)
        self.assertEqual(s["removed"], 1)
        self.assertEqual(len(self.found("aardvark")), 0)
        s, _ = self.summary("--rebuild", self.src)
        self.assertEqual(s["added"], 1)

    def test_removal_only_under_the_folder_given(self):
        self.write("x/a.txt", b"Aardvark.\n")
        self.write("y/b.txt", b"Buffalo.\n")
        self.index(self.src)
        s, _ = self.summary(os.path.join(self.src, "x"))
        self.assertEqual(s["removed"], 0)
        self.assertEqual(len(self.found("buffalo")), 1)

    def test_files_from(self):
        self.write("a.txt", b"Aardvark.\n")
        self.write("with space.txt", b"Buffalo.\n")
        self.write("new\nline.txt", b"Camel.\n")
        names = [os.path.join(self.src, n) for n in ("a.txt", "with space.txt")]
        r = self.index("--files-from", "-", stdin="\n".join(names).encode() + b"\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.found("buffalo")), 1)
        self.assertEqual(len(self.found("camel")), 0)
        listfile = os.path.join(self.tmp, "list0")
        with open(listfile, "wb") as f:
            f.write(os.path.join(self.src, "new\nline.txt").encode() + b"\0")
        r = self.index("--files-from", listfile, "-0", "-v")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.found("camel")), 1)
        # The newline in the name is shown escaped, on one line.
        self.assertIn(b"new\\x0Aline.txt: added\n", r.stderr)

    def test_names_that_are_not_utf8(self):
        path = os.path.join(self.src.encode(), b"caf\xe9.txt")
        with open(path, "wb") as f:
            f.write(b"Dromedary.\n")
        r = self.index("-v", self.src)
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"caf\\xE9.txt: added", r.stderr)
        hits = self.found("dromedary")
        self.assertEqual(hits[0]["path"], self.src + "/caf\ufffd.txt")

    def test_hidden_and_symlinks(self):
        self.write(".hidden/a.txt", b"Aardvark.\n")
        self.write("real/b.txt", b"Buffalo.\n")
        os.symlink(os.path.join(self.src, "real"), os.path.join(self.src, "link"))
        os.symlink(self.src, os.path.join(self.src, "real", "loop"))
        r = self.index(self.src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.found("aardvark")), 0)
        self.assertEqual([h["path"] for h in self.found("buffalo")],
                         [self.src + "/real/b.txt"])
        r = self.index("--follow", "--rebuild", self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"symbolic link loop", r.stderr)
        self.assertEqual(sorted(h["path"] for h in self.found("buffalo")),
                         [self.src + "/link/b.txt", self.src + "/real/b.txt"])
        # A symlink named on the command line is followed.
        r = self.index("--rebuild", os.path.join(self.src, "link"))
        self.assertEqual(r.returncode, 0)

    def test_bad_files_never_stop_the_batch(self):
        self.write("good.txt", b"Gazelle grazing.\n")
        self.write("old.txt", "Gazelle caf\xe9.\n".encode("latin-1"))
        self.write("bin.txt", b"\x00\x01gazelle")
        self.write("empty.txt", b"")
        self.write("big.txt", b"Gazelle " * 200000)
        r = self.index("--max-size", "1", self.src)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 1, err)
        self.assertIn("old.txt': not valid UTF-8, read as Windows-1252", err)
        self.assertIn("bin.txt': binary file", err)
        self.assertIn("big.txt': larger than --max-size, skipped", err)
        self.assertNotIn("empty.txt", err)
        self.assertEqual(sorted(os.path.basename(h["path"]) for h in self.found("gazelle")),
                         ["good.txt", "old.txt"])

    @unittest.skipUnless(shutil.which("setpriv"), "needs setpriv (util-linux)")
    def test_unreadable_file_keeps_its_passages(self):
        p = self.write("secret.txt", b"Gazelle.\n")
        self.write("other.txt", b"Ibex.\n")
        os.chmod(self.tmp, 0o777)
        for d, dirs, files in os.walk(self.tmp):
            for n in dirs:
                os.chmod(os.path.join(d, n), 0o777)
        def as_nobody(*args):
            cmd = [INDEX, "--db", self.db] + list(args)
            if os.geteuid() == 0:
                # root reads everything: drop to nobody to see EACCES.
                cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
            return subprocess.run(cmd, capture_output=True, env=env(), timeout=60)
        r = as_nobody(self.src)
        self.assertEqual(r.returncode, 0, r.stderr)
        os.chmod(p, 0)
        os.utime(p, (5, 5))
        r = as_nobody(self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"secret.txt': Permission denied", r.stderr)
        self.assertEqual(len(self.found("gazelle")), 1)

    def test_second_writer_is_refused_with_exit_4(self):
        fifo = os.path.join(self.tmp, "names")
        os.mkfifo(fifo)
        self.write("a.txt", b"Aardvark.\n")
        # The first writer holds the lock while it waits for its file list.
        first = subprocess.Popen([INDEX, "--db", self.db, "--files-from", fifo],
                                 stderr=subprocess.PIPE, env=env())
        try:
            deadline = time.time() + 10
            while not os.path.exists(os.path.join(self.db, "flintlock")) and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(0.2)
            r = self.index(self.src)
            self.assertEqual(r.returncode, 4, r.stderr)
            self.assertIn(b"is locked by another loci-index", r.stderr)
            self.assertEqual(r.stderr.count(b"\n"), 1)
            t0 = time.time()
            r = self.index("--wait", "0.5", self.src)
            self.assertEqual(r.returncode, 4)
            self.assertGreaterEqual(time.time() - t0, 0.5)
            waiter = subprocess.Popen([INDEX, "--db", self.db, "--wait", "30", self.src],
                                      stderr=subprocess.PIPE, env=env())
            with open(fifo, "w") as f:
                f.write(os.path.join(self.src, "a.txt") + "\n")
            self.assertEqual(first.wait(30), 0)
            self.assertEqual(waiter.wait(30), 0)
            waiter.stderr.close()
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
            first.stderr.close()

    def test_parallel_build_equals_one_worker(self):
        make_folder(self.src, 600)
        self.write("d03/empty.txt", b"")
        self.write("d07/binary.txt", b"\0\1\2")
        dbs = {}
        for jobs in ("1", "3"):
            dbs[jobs] = os.path.join(self.tmp, "db-j" + jobs)
            r = self.index("--json", "-j", jobs, self.src, db=dbs[jobs])
            self.assertEqual(r.returncode, 1, r.stderr)     # the binary one skipped
            s = json.loads(r.stdout)
            self.assertEqual((s["added"], s["skipped"]), (601, 1))
            self.assertEqual(sorted(p for p in os.listdir(self.tmp) if ".part" in p), [])
        self.assertEqual(self.listing(dbs["1"]), self.listing(dbs["3"]))
        # The same passages under the same document ids: equal scores (a
        # filter alone scores nothing) come out in the same order too.
        for query in (["attack", "OR", "moscow"], ["path:" + self.src + "/d05"],
                      ['"the attack"'], ["mosc*"]):
            out = [run(SEARCH, "--db", dbs[j], "--format", "tsv", "-n", "200", *query).stdout
                   for j in ("1", "3")]
            self.assertEqual(out[0], out[1], query)
            self.assertTrue(out[0], query)
        # A later run is incremental, one writer, whatever -j says.
        self.write("d01/new.txt", b"Quokkaword arrives.\n")
        r = self.index("--json", "-j", "3", self.src, db=dbs["3"])
        s = json.loads(r.stdout)
        self.assertEqual((s["added"], s["unchanged"]), (1, 601))

    def test_parallel_build_stopped_is_merged_and_resumed(self):
        make_folder(self.src, 3000)
        p = subprocess.Popen([INDEX, "--db", self.db, "-j", "2", "--commit-every", "100",
                              self.src], stderr=subprocess.PIPE, env=env())
        time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        if p.returncode == 0:
            self.skipTest("indexing finished before the signal")
        self.assertEqual(p.returncode, 130, err)
        done = int(err.split(b"after ")[1].split()[0])
        self.assertGreater(done, 0)
        self.assertEqual(len(self.listing().splitlines()), done)
        s, _ = self.summary("-j", "2", self.src)
        self.assertEqual((s["added"], s["unchanged"]), (3000 - done, done))
        self.assertEqual(len(self.listing().splitlines()), 3000)

    def test_sigterm_and_sigint_commit_and_report(self):
        make_folder(self.src, 3000)
        for sig, code, name in ((signal.SIGTERM, 143, b"SIGTERM"), (signal.SIGINT, 130, b"SIGINT")):
            db = os.path.join(self.tmp, "db-%d" % sig)
            p = subprocess.Popen([INDEX, "--db", db, "-j", "1", "--commit-every", "100", self.src],
                                 stderr=subprocess.PIPE, env=env())
            time.sleep(0.3)
            p.send_signal(sig)
            _, err = p.communicate(timeout=60)
            if p.returncode == 0:
                self.skipTest("indexing finished before the signal")
            self.assertEqual(p.returncode, code, err)
            self.assertIn(b"stopped by " + name, err)
            done = int(err.split(b"after ")[1].split()[0])
            self.assertGreater(done, 0)
            self.assertEqual(len(self.listing(db).splitlines()), done)

    def test_searches_never_fail_during_reindexing(self):
        make_folder(self.src, 1500)
        self.index(self.src)
        failures, searches = [], [0]
        stop = threading.Event()

        def searcher():
            while not stop.is_set():
                r = run(SEARCH, "--db", self.db, "--format", "json", "attack", "OR", "Moscow")
                searches[0] += 1
                if r.returncode not in (0, 1):
                    failures.append(r.stderr.decode())

        t = threading.Thread(target=searcher)
        t.start()
        try:
            for i in range(3):
                r = self.index("--rebuild", "--commit-every", "50", self.src)
                self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            stop.set()
            t.join()
        print("searches during re-indexing: %d, failures: %d" % (searches[0], len(failures)))
        self.assertGreater(searches[0], 5)
        self.assertEqual(failures, [])

    def test_sigkill_at_random_points_converges(self):
        count = int(os.environ.get("LOCI_KILL_ARTICLES", "3000"))
        points = int(os.environ.get("LOCI_KILL_POINTS", "20"))
        make_folder(self.src, count, seed=7)
        clean = os.path.join(self.tmp, "clean")
        t0 = time.time()
        r = self.index(self.src, db=clean)
        self.assertEqual(r.returncode, 0)
        full = time.time() - t0
        expected = self.listing(clean)
        rng = random.Random(42)
        for k in range(points):
            db = os.path.join(self.tmp, "killed")
            if k % 2 == 0:
                shutil.rmtree(db, ignore_errors=True)
            # Half the runs with one writer, half with parallel parts.
            jobs = "1" if k % 4 < 2 else "2"
            p = subprocess.Popen([INDEX, "--db", db, "-j", jobs, "--commit-every", "64", "-q",
                                  self.src],
                                 stderr=subprocess.DEVNULL, env=env())
            time.sleep(rng.uniform(0, full))
            p.kill()
            p.wait()
            # What is left opens and answers.
            if os.path.exists(os.path.join(db, "iamglass")):
                r = run(SEARCH, "--db", db, "attack")
                self.assertIn(r.returncode, (0, 1), r.stderr)
            r = self.index("-q", self.src, db=db)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.listing(db), expected, "after kill %d" % k)
            a = self.found_in(db, "attack")
            b = self.found_in(clean, "attack")
            self.assertEqual(len(a), len(b))

    def found_in(self, db, *query):
        r = run(SEARCH, "--db", db, "--format", "json", "-n", "100000", *query)
        return json.loads(r.stdout)["hits"] if r.returncode in (0, 1) else None


if __name__ == "__main__":
    unittest.main(verbosity=2)
