#!/usr/bin/env python3
"""Soak test: searches in a loop while the indexer re-indexes a folder that
keeps changing, for a set time.  Not part of `meson test` (it runs for
minutes); see tests/soak/README.md.

Prints the searches run, the failures (must be 0: a search may find
nothing, exit 1, but never fail) and the peak memory of each program.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default="build/indexer/loci-index")
    ap.add_argument("--search", default="build/searcher/loci-search")
    ap.add_argument("--corpus", default="corpus", help="articles to start from")
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--copies", type=int, default=200,
                    help="copies of the corpus articles in the working folder")
    ap.add_argument("--searchers", type=int, default=2)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="loci-soak-")
    src, db = os.path.join(tmp, "articles"), os.path.join(tmp, "db")
    os.mkdir(src)
    originals = [os.path.join(args.corpus, n) for n in sorted(os.listdir(args.corpus))
                 if n.endswith(".txt") and n != "synonyms.txt"]
    texts = [open(p, encoding="utf-8").read() for p in originals]
    rng = random.Random(1)
    for i in range(args.copies):
        with open(os.path.join(src, "a%04d.txt" % i), "w") as f:
            f.write(texts[i % len(texts)])
    subprocess.run([args.index, "--db", db, "-q", src], check=True)

    stop = time.time() + args.seconds
    lock = threading.Lock()
    stats = {"searches": 0, "failures": 0, "index_runs": 0, "index_failures": 0,
             "search_rss": 0, "index_rss": 0}
    failures = []
    words = ["Taliban", "Tajik migrants", '"Islamic State"', "tajik*", "ISKP OR Moscow",
             "attack -Russia", "recruitment", "al-Qaeda NEAR rival", "Crocus City Hall"]

    def timed(cmd):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        err = p.stderr.read()
        p.stderr.close()
        return os.waitstatus_to_exitcode(status), usage.ru_maxrss, err

    def searcher():
        while time.time() < stop:
            code, rss, err = timed([args.search, "--db", db, "--format", "json",
                                    rng.choice(words)])
            with lock:
                stats["searches"] += 1
                stats["search_rss"] = max(stats["search_rss"], rss)
                if code not in (0, 1):
                    stats["failures"] += 1
                    failures.append(err.decode(errors="replace").strip())

    def indexer():
        k = 0
        while time.time() < stop:
            # Change the folder: edit, add and remove some articles.
            for _ in range(20):
                i = rng.randrange(args.copies + 50)
                path = os.path.join(src, "a%04d.txt" % i)
                if rng.random() < 0.2 and os.path.exists(path):
                    os.unlink(path)
                else:
                    with open(path, "w") as f:
                        f.write(texts[rng.randrange(len(texts))] + "\nEdit %d.\n" % k)
            k += 1
            cmd = [args.index, "--db", db, "-q", "--commit-every", "25", src]
            if k % 10 == 0:
                cmd.insert(3, "--rebuild")
            code, rss, err = timed(cmd)
            with lock:
                stats["index_runs"] += 1
                stats["index_rss"] = max(stats["index_rss"], rss)
                if code != 0:
                    stats["index_failures"] += 1
                    failures.append(err.decode(errors="replace").strip())

    threads = [threading.Thread(target=indexer)]
    threads += [threading.Thread(target=searcher) for _ in range(args.searchers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shutil.rmtree(tmp)
    print("seconds:            %.0f" % args.seconds)
    print("searches run:       %d" % stats["searches"])
    print("search failures:    %d" % stats["failures"])
    print("index runs:         %d (%d with --rebuild)" % (stats["index_runs"],
                                                         stats["index_runs"] // 10))
    print("index failures:     %d" % stats["index_failures"])
    print("peak RSS search:    %.1f MB" % (stats["search_rss"] / 1024))
    print("peak RSS index:     %.1f MB" % (stats["index_rss"] / 1024))
    for f in failures[:10]:
        print("failure: " + f)
    return 1 if stats["failures"] or stats["index_failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
