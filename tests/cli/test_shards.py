#!/usr/bin/env python3
"""Scale-out on Xapian's remote backend: two shards built apart, one
served by xapian-tcpsrv on 127.0.0.1, searched together, must answer
exactly as one index merged with xapian-compact.

Run by `meson test`, which sets LOCI_INDEX, LOCI_SEARCH and LOCI_CORPUS.
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

INDEX = os.environ["LOCI_INDEX"]
SEARCH = os.environ["LOCI_SEARCH"]
CORPUS = os.environ["LOCI_CORPUS"]
QUERIES = ["Tajik migrants recruitment", "Taliban", '"Islamic State"', "ISKP",
           "al-Qaeda NEAR rival", "Crocus City Hall", "IS leaders",
           "attack -Moscow", "remittances OR Guantanamo"]


def run(*args):
    env = dict(os.environ)
    env.pop("LOCI_DB", None)
    return subprocess.run(list(args), capture_output=True, env=env, timeout=120)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(shutil.which("xapian-tcpsrv") and shutil.which("xapian-compact"),
                     "needs xapian-tools")
class Shards(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="loci-shards-")
        syn = os.path.join(CORPUS, "synonyms.txt")
        cls.shard = [os.path.join(cls.tmp, "shard%d" % k) for k in (1, 2)]
        for k, db in enumerate(cls.shard, 1):
            r = run(INDEX, "--db", db, "--shard", "%d/2" % k, "--synonyms", syn, CORPUS)
            assert r.returncode == 0, r.stderr
        cls.merged = os.path.join(cls.tmp, "merged")
        subprocess.run(["xapian-compact", "--quiet", cls.shard[0], cls.shard[1], cls.merged],
                       check=True, capture_output=True)
        cls.port = free_port()
        cls.server = subprocess.Popen(["xapian-tcpsrv", "--interface", "127.0.0.1",
                                       "--port", str(cls.port), cls.shard[1]],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)  # it signals its group
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or cls.server.poll() is not None:
                    raise
                time.sleep(0.1)
        cls.stub = os.path.join(cls.tmp, "remote.stub")
        with open(cls.stub, "w") as f:
            f.write("remote 127.0.0.1:%d\n" % cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(10)
        shutil.rmtree(cls.tmp)

    def results(self, dbs, *query, more=False):
        args = [SEARCH, "--format", "json", "-n", "20", "--color", "never"]
        for db in dbs:
            args += ["--db", db]
        r = run(*args, *query)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        hits = json.loads(r.stdout)["hits"]
        # "more" is a lower bound, which Xapian's remote backend leaves at
        # 0: compared for local shards only.
        return [(h["ref"], round(h["score"], 3)) + ((h["more"],) if more else ())
                for h in hits]

    def test_shards_split_the_articles(self):
        lists = [set(run(INDEX, "--db", db, "--list").stdout.decode().splitlines())
                 for db in self.shard]
        self.assertTrue(lists[0] and lists[1])
        self.assertFalse(lists[0] & lists[1])
        self.assertEqual(len(lists[0] | lists[1]), 5)

    def test_local_and_remote_equal_merged(self):
        for q in QUERIES:
            merged = self.results([self.merged], q)
            self.assertTrue(merged, q)
            self.assertEqual(self.results([self.shard[0], self.stub], q), merged, q)
            self.assertEqual(self.results([self.shard[0], self.shard[1]], q, more=True),
                             self.results([self.merged], q, more=True), q)

    def test_wildcards_match_the_same_passages(self):
        # Xapian 1.4 expands and weighs a wildcard in each shard apart, so
        # its scores differ from a merged index's; what matches does not.
        def refs(dbs):
            return sorted(r for r, _ in self.results(dbs, "-n", "1000", "--per-article", "0",
                                                     "tajik*"))
        merged = refs([self.merged])
        self.assertTrue(merged)
        self.assertEqual(refs([self.shard[0], self.stub]), merged)

    def test_context_and_like_across_shards(self):
        ref = self.results([self.merged], "1.3 million labor migrants")[0][0]
        # Xapian weighs the expand set shard by shard, so the terms (and
        # scores) differ from a merged index's; the passage is found in
        # the other shard and left out all the same.
        for dbs in ([self.merged], [self.shard[0], self.shard[1]], [self.shard[0], self.stub]):
            like = self.results(dbs, "--like", ref)
            self.assertTrue(like)
            self.assertNotIn(ref, [r for r, _ in like])
        r = run(SEARCH, "--db", self.shard[0], "--db", self.stub, "--format", "json",
                "-C", "1", "-n", "1", "1.3 million labor migrants")
        hit = json.loads(r.stdout)["hits"][0]
        self.assertEqual(len(hit["before"]), 1)

    def test_mixing_shard_settings_is_refused(self):
        r = run(INDEX, "--db", self.shard[0], "--shard", "2/2", CORPUS)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"is shard 1/2, not shard 2/2", r.stderr)
        r = run(INDEX, "--db", self.shard[0], "--shard", "3/2", CORPUS)
        self.assertEqual(r.returncode, 2)

    def test_unreachable_remote_shard(self):
        stub = os.path.join(self.tmp, "dead.stub")
        with open(stub, "w") as f:
            f.write("remote 127.0.0.1:%d\n" % free_port())
        r = run(SEARCH, "--db", self.shard[0], "--db", stub, "Taliban")
        self.assertEqual(r.returncode, 3)
        self.assertIn(b"dead.stub", r.stderr)
        self.assertEqual(r.stderr.count(b"\n"), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
