#!/usr/bin/python3
"""Benchmark loci-index and loci-search, with the peers side by side.

Usage:
  tests/bench/run.py [options] CORPUS_DIR [CORPUS_DIR...]

Copies the corpus (one or more directories of .txt articles) into a work
directory, then for loci and for every installed peer (omindex + quest,
recollindex + recollq, SQLite FTS5, ripgrep) measures:

  - a full build: wall time, CPU time (user + sys), peak RSS, index size
    (du -sb) and throughput (corpus bytes / wall);
  - a re-run with nothing changed;
  - a re-run after appending a sentence to 1% of the articles;
  - query latency, p50 and p95 over 50 queries of 2-4 mid-frequency words
    and 10 two-word phrases drawn (seeded) from the corpus: one process per
    query, as a person runs it (median of --reps runs per query), and all
    queries in one process where the tool allows it.

and prints one table, with loci's ratio to each peer. See README.md beside
this file. Python 3 standard library only; the in-process Xapian figure for
quest's index uses python3-xapian when /usr/bin/python3 has it.

Options:
  --index PATH       loci-index binary (default: $LOCI_INDEX, else
                     build/indexer/loci-index in the repository)
  --search PATH      loci-search binary (default: $LOCI_SEARCH, else
                     build/searcher/loci-search)
  --work DIR         work directory (default: a new /tmp/loci-bench-XXXX,
                     removed at the end unless --keep); must not exist or
                     be empty
  --keep             keep the work directory
  --peers LIST       comma-separated peers to run: omega, recoll, fts5, rg,
                     all (default) or none; missing programs are skipped
  --queries N        word queries (default 50; --quick: 10)
  --phrases N        two-word phrase queries (default 10; --quick: 3)
  --reps N           timed runs per query, the median is kept (default 3;
                     --quick: 2)
  --change-pct P     percentage of articles changed (default 1)
  --sample N         copy only N articles, drawn with the seed (default: all;
                     --quick: 2000)
  --seed N           seed for the sample, the queries and the changes
                     (default 7)
  --loci-op and|or   how loci gets the word queries: 'and' joins the words
                     with AND, as the peers are run (default); 'or' passes
                     them as typed (loci's default: any word, ranked)
  --quick            --sample 2000 --queries 10 --phrases 3 --reps 2: a
                     check that the script works, in well under a minute
  --json FILE        also write every measured figure as JSON to FILE
  -h, --help         show this text
"""
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

STOPWORDS = set("""
a about above after again against all also although am among an and any are
aren as at be because been before being below between both but by can cannot
could did do does doing down during each either else even ever every few for
from further had has have having he her here hers herself him himself his how
however i if in into is it its itself just last least less let like made make
many may me might more most much must my myself near neither new no nor not
now of off often on once one only or other others our ours ourselves out over
own per perhaps put rather same say said says she should since so some such
than that the their theirs them themselves then there these they this those
though through thus to too two under until up upon us very was we well were
what when where whether which while who whom whose why will with within
without would yet you your yours yourself yourselves
adj xor mr mrs ms
""".split())

WORD = re.compile(r'[a-z]{3,20}')
PURE = re.compile(r'[A-Za-z]{3,20}\Z')
EDGE_PUNCT = ',.;:!?()[]{}"\''
WINDOW = 30  # tokens: queries come from a span this long


# ---------------------------------------------------------------- helpers

def die(msg):
    print('run.py: ' + msg, file=sys.stderr)
    sys.exit(2)


def note(msg):
    print('[bench %s] %s' % (time.strftime('%H:%M:%S'), msg), file=sys.stderr,
          flush=True)


def which(prog):
    return shutil.which(prog)


TIME = '/usr/bin/time'


def run_timed(cmd, log, env=None, cwd=None):
    """Run cmd to completion; return wall, CPU and peak RSS.

    CPU and peak RSS come from the rusage of wait4(), which covers the
    process and every descendant it waited for (ru_maxrss: the largest
    peak RSS among them). A child forked from this Python process keeps
    Python's RSS (about 17 MB) as its high-water mark across exec, so when
    GNU time is there the command runs under `/usr/bin/time -f %M`, whose
    child starts from a small process, and its figure is used."""
    rss_file = log + '.rss'
    use_time = os.access(TIME, os.X_OK)
    full = [TIME, '-o', rss_file, '-f', '%M'] + cmd if use_time else cmd
    with open(log, 'ab') as out:
        out.write(('$ ' + ' '.join(cmd) + '\n').encode())
        out.flush()
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=out, env=env, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        note('warning: %s exited %d (see %s)' % (cmd[0], p.returncode, log))
    rss_kb = ru.ru_maxrss
    if use_time:
        try:
            with open(rss_file) as f:
                rss_kb = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    return {'wall': wall, 'cpu': ru.ru_utime + ru.ru_stime,
            'rss_mb': rss_kb / 1024.0, 'rc': p.returncode}


def du_bytes(path):
    out = subprocess.run(['du', '-sb', path], capture_output=True, text=True,
                         check=True).stdout
    return int(out.split()[0])


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    v = sorted(values)
    k = max(1, -(-len(v) * p // 100))  # ceil(n * p / 100)
    return v[int(k) - 1]


def list_articles(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith('.txt') and not fn.startswith('.'):
                out.append(os.path.join(dirpath, fn))
    return out


# ------------------------------------------------------------- the corpus

def copy_corpus(roots, dest, sample, seed):
    """Copy the articles under each root to dest/<basename of root>/...

    Returns the list of copied files (absolute) and their total size."""
    pairs = []
    names = set()
    for root in roots:
        root = os.path.abspath(root)
        if not os.path.isdir(root):
            die('not a directory: ' + root)
        name = os.path.basename(root.rstrip('/')) or 'corpus'
        while name in names:
            name += '_'
        names.add(name)
        for f in list_articles(root):
            pairs.append((f, os.path.join(dest, name, os.path.relpath(f, root))))
    if not pairs:
        die('no .txt articles under ' + ' '.join(roots))
    sampled = bool(sample and sample < len(pairs))
    if sampled:
        pairs = sorted(random.Random(seed).sample(pairs, sample))
    total = 0
    made = set()
    for src, dst in pairs:
        d = os.path.dirname(dst)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        shutil.copy2(src, dst)  # keeps the mtime: the copy looks old
        total += os.path.getsize(dst)
    return [dst for _, dst in pairs], total, sampled


def read_text(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read()


def paragraph_candidates(text):
    """Paragraphs (blank-line separated) as lists of whitespace tokens."""
    paras = []
    for para in re.split(r'\n\s*\n', text):
        toks = para.split()
        if len(toks) >= 8:
            paras.append(toks)
    return paras


def make_queries(files, n_words, n_phrases, seed):
    """Draw word queries and phrases from the corpus, deterministically.

    Document frequencies come from up to 4,000 articles. A word query is
    2-4 distinct words of mid frequency (in 0.1% to 3% of the articles,
    no stopwords, 3-20 ASCII letters) from a span of at most 30 words of
    one paragraph of one randomly chosen article, so every tool has that
    article to find and loci nearly always has a passage (a passage can
    still end inside the span). A phrase is two adjacent such words (each
    in 0.1% to 10% of the articles) with only a space between them."""
    rnd = random.Random(seed)
    df_files = files if len(files) <= 4000 else rnd.sample(files, 4000)
    df = {}
    for f in df_files:
        for w in set(WORD.findall(read_text(f).lower())):
            df[w] = df.get(w, 0) + 1
    n = len(df_files)
    # a tiny corpus (tests) has no mid-frequency band: take rare words
    lo = max(2, int(0.001 * n)) if n >= 1000 else 1

    def mid(w, hi):
        c = df.get(w, 0)
        return w not in STOPWORDS and lo <= c <= max(lo, hi * n)

    def clean(tok):
        t = tok.strip(EDGE_PUNCT)
        return t.lower() if PURE.match(t) else None

    words, phrases = [], []
    seen = set()
    order = list(files)
    rnd.shuffle(order)
    texts = {}  # a small corpus is gone through more than once
    for attempt in range(max(len(order), 100 * (n_words + n_phrases))):
        if len(words) >= n_words and len(phrases) >= n_phrases:
            break
        f = order[attempt % len(order)]
        if len(order) <= 1000:
            if f not in texts:
                texts[f] = paragraph_candidates(read_text(f))
            paras = texts[f]
        else:
            paras = paragraph_candidates(read_text(f))
        if not paras:
            continue
        para = rnd.choice(paras)
        if len(para) > WINDOW:  # long paragraphs span several passages
            at = rnd.randrange(len(para) - WINDOW + 1)
            para = para[at:at + WINDOW]
        if len(words) < n_words:
            cands = []
            for t in para:
                w = clean(t)
                if w and mid(w, 0.03) and w not in cands:
                    cands.append(w)
            k = rnd.choice((2, 3, 4))
            if len(cands) >= k:
                q = tuple(rnd.sample(cands, k))
                if q not in seen:
                    seen.add(q)
                    words.append({'kind': 'words', 'terms': list(q)})
                    continue
        if len(phrases) < n_phrases:
            pairs = []
            for a, b in zip(para, para[1:]):
                if a != a.rstrip(EDGE_PUNCT) or b != b.lstrip(EDGE_PUNCT):
                    continue  # punctuation between the words
                wa, wb = clean(a), clean(b)
                if wa and wb and wa != wb and mid(wa, 0.10) and mid(wb, 0.10):
                    pairs.append((wa, wb))
            if pairs:
                q = rnd.choice(pairs)
                if q not in seen:
                    seen.add(q)
                    phrases.append({'kind': 'phrase', 'terms': list(q)})
    if len(words) < n_words or len(phrases) < n_phrases:
        note('warning: drew only %d word queries and %d phrases'
             % (len(words), len(phrases)))
    return words + phrases


def change_articles(files, pct, seed, stamp):
    """Append a sentence to pct% of the articles (at least one)."""
    k = max(1, round(len(files) * pct / 100.0))
    chosen = random.Random(seed + 1).sample(sorted(files), k)
    for f in chosen:
        with open(f, 'a', encoding='utf-8') as out:
            out.write('\n\nA benchmark note appended on %s says the lighthouse'
                      ' keeper counted %d gulls.\n' % (stamp, len(f)))
    return k


# ------------------------------------------------------------------ tools

class Tool:
    name = ''
    label = ''
    indexed = True
    rc1_is_no_match = False  # exit status 1 means "found nothing"

    def available(self):
        return True

    def versions(self):
        return ''

    def build(self, log):
        raise NotImplementedError

    def update(self, log):
        return self.build_cmd_timed(log, update=True)

    def index_size(self):
        return du_bytes(self.db)

    def query_cmds(self, q):
        """Commands run (in a chain) for one query as a person would."""
        raise NotImplementedError

    def count_hits(self, outputs):
        return 0

    def in_process(self, queries, reps):
        """{'p50':..,'p95':..} in ms, or a string saying why not."""
        return 'n/a'


def version_line(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        line = (r.stdout or r.stderr).strip().splitlines()
        return line[0] if line else ''
    except (OSError, subprocess.SubprocessError):
        return ''


class Loci(Tool):
    name = 'loci'
    label = 'loci'
    rc1_is_no_match = True

    def __init__(self, w, index_bin, search_bin, op):
        self.w, self.index_bin, self.search_bin, self.op = w, index_bin, search_bin, op
        self.db = os.path.join(w.dir, 'loci-db')
        self.info = {}

    def versions(self):
        return version_line([self.index_bin, '--version'])

    def _index(self, log):
        r = run_timed([self.index_bin, '--db', self.db, '-q', '--json',
                       self.w.corpus], log)
        # the --json summary is the last line of the log
        with open(log, encoding='utf-8', errors='replace') as f:
            for line in f:
                if line.startswith('{'):
                    try:
                        self.info = json.loads(line)
                    except ValueError:
                        pass
        return r

    def build(self, log):
        return self._index(log)

    def update(self, log):
        return self._index(log)

    def qtext(self, q):
        if q['kind'] == 'phrase':
            return '"%s"' % ' '.join(q['terms'])
        return (' AND ' if self.op == 'and' else ' ').join(q['terms'])

    def query_cmds(self, q):
        return [[self.search_bin, '--db', self.db, '--color', 'never', '-n', '10',
                 self.qtext(q)]]

    def count_hits(self, outputs):
        return sum(1 for line in outputs[-1].splitlines()
                   if re.match(r'\d+\. ', line))

    def has_queries_option(self):
        try:
            r = subprocess.run([self.search_bin, '--help'], capture_output=True,
                               text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return False
        return '--queries' in (r.stdout + r.stderr)

    def _batch(self, lines):
        path = os.path.join(self.w.dir, 'loci-batch.txt')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(''.join(line + '\n' for line in lines))
        cmd = [self.search_bin, '--db', self.db, '-n', '10', '--queries', path,
               '--format', 'tsv']
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        return time.perf_counter() - t0, r

    def in_process(self, queries, reps):
        """loci-search --queries FILE --format tsv, one query per line.

        If the TSV has a header with a per-query time column (ms, time_ms,
        elapsed_ms, millis, or seconds/time/elapsed in seconds) and a query
        column (qid, query_id, query, n or the first column), those times
        are used. Otherwise each query's in-process cost is measured as the
        difference between a batch of 1 + K copies of it and a batch of one
        copy, divided by K (so process start-up and index opening drop
        out)."""
        if not self.has_queries_option():
            return 'n/a (no --queries)'
        lines = [self.qtext(q) for q in queries]
        elapsed, r = self._batch(lines)
        if r.returncode not in (0, 1):
            return 'failed (exit %d: %s)' % (r.returncode,
                                              r.stderr.strip()[:80])
        per = self._times_from_tsv(r.stdout, len(lines))
        if per is None:
            K = 10
            per = []
            for line in lines:
                samples = []
                for _ in range(reps):
                    t1, r1 = self._batch([line])
                    tk, rk = self._batch([line] * (K + 1))
                    bad = [c for c in (r1.returncode, rk.returncode) if c not in (0, 1)]
                    if bad:
                        return 'failed (exit %d)' % bad[0]
                    samples.append(max(0.0, (tk - t1) / K))
                per.append(statistics.median(samples))
            how = 'marginal'
        else:
            how = 'reported'
        ms = [1000 * t for t in per]
        return {'p50': percentile(ms, 50), 'p95': percentile(ms, 95),
                'batch_wall': elapsed, 'how': how}

    @staticmethod
    def _times_from_tsv(text, n):
        rows = [line.split('\t') for line in text.splitlines() if line]
        if not rows:
            return None
        head = [h.strip().lower() for h in rows[0]]
        tcol, scale = None, 1.0
        for name, sc in (('ms', 1e-3), ('time_ms', 1e-3), ('elapsed_ms', 1e-3),
                         ('millis', 1e-3), ('seconds', 1.0), ('time', 1.0),
                         ('elapsed', 1.0)):
            if name in head:
                tcol, scale = head.index(name), sc
                break
        if tcol is None:
            return None
        qcol = 0
        for name in ('qid', 'query_id', 'query', 'n'):
            if name in head:
                qcol = head.index(name)
                break
        times = {}
        for row in rows[1:]:
            try:
                times[row[qcol]] = float(row[tcol]) * scale
            except (IndexError, ValueError):
                continue
        if len(times) != n:
            return None
        return list(times.values())


class Omega(Tool):
    name = 'omega'
    label = 'omindex+quest'

    def __init__(self, w):
        self.w = w
        self.db = os.path.join(w.dir, 'omega-db')

    def available(self):
        return bool(which('omindex') and which('quest'))

    def versions(self):
        return version_line(['omindex', '--version'])

    def build(self, log):
        return run_timed(['omindex', '-e', 'skip', '--overwrite', '--db', self.db,
                          '--url', '/', self.w.corpus], log)

    def update(self, log):
        return run_timed(['omindex', '-e', 'skip', '--db', self.db, '--url', '/',
                          self.w.corpus], log)

    def qtext(self, q):
        if q['kind'] == 'phrase':
            return '"%s"' % ' '.join(q['terms'])
        return ' '.join(q['terms'])

    def query_cmds(self, q):
        return [['quest', '-d', self.db, '-m', '10', '-o', 'and', self.qtext(q)]]

    def count_hits(self, outputs):
        return sum(1 for line in outputs[-1].splitlines()
                   if re.match(r'\d+: \[', line))

    def in_process(self, queries, reps):
        py = '/usr/bin/python3'
        if not os.access(py, os.X_OK):
            py = sys.executable
        chk = subprocess.run([py, '-c', 'import xapian'], capture_output=True)
        if chk.returncode != 0:
            return 'n/a (no python3-xapian)'
        return helper_in_process(py, 'xapian', self.db, queries, reps,
                                 [self.qtext(q) for q in queries])


class Recoll(Tool):
    name = 'recoll'
    label = 'recollindex+recollq'

    def __init__(self, w):
        self.w = w
        self.conf = os.path.join(w.dir, 'recoll-conf')
        self.db = os.path.join(w.dir, 'recoll-db')

    def available(self):
        return bool(which('recollindex') and which('recollq'))

    def versions(self):
        return version_line(['recollq', '-v']) or 'recoll'

    def env(self):
        e = dict(os.environ)
        e['RECOLL_CONFDIR'] = self.conf
        return e

    def build(self, log):
        shutil.rmtree(self.conf, ignore_errors=True)
        shutil.rmtree(self.db, ignore_errors=True)
        os.makedirs(self.conf)
        with open(os.path.join(self.conf, 'recoll.conf'), 'w') as f:
            f.write('topdirs = %s\n' % self.w.corpus)
            f.write('dbdir = %s\n' % self.db)
            f.write('indexstemminglanguages = english\n')
            f.write('indexedmimetypes = text/plain\n')
            f.write('noaspell = 1\n')
            f.write('loglevel = 1\n')
        return run_timed(['recollindex', '-c', self.conf], log, env=self.env())

    def update(self, log):
        return run_timed(['recollindex', '-c', self.conf], log, env=self.env())

    def qtext(self, q):
        if q['kind'] == 'phrase':
            return '"%s"' % ' '.join(q['terms'])
        return ' '.join(q['terms'])

    def query_cmds(self, q):
        return [['recollq', '-c', self.conf, '-n', '10', '-b', self.qtext(q)]]

    def count_hits(self, outputs):
        return sum(1 for line in outputs[-1].splitlines()
                   if line.startswith('file://'))


class Fts5(Tool):
    name = 'fts5'
    label = 'sqlite-fts5'

    def __init__(self, w):
        self.w = w
        self.db = os.path.join(w.dir, 'fts5.db')
        self.cli = which('sqlite3')

    def versions(self):
        return 'SQLite %s (%s)' % (sqlite3.sqlite_version,
                                   'sqlite3 CLI' if self.cli else 'python3')

    def available(self):
        try:
            con = sqlite3.connect(':memory:')
            con.execute('CREATE VIRTUAL TABLE t USING fts5(a)')
            con.close()
            return True
        except sqlite3.Error:
            return False

    def build(self, log):
        for suffix in ('', '-journal', '-wal', '-shm'):
            if os.path.exists(self.db + suffix):
                os.remove(self.db + suffix)
        return run_timed([sys.executable, os.path.abspath(__file__), '--_helper',
                          'fts5-index', self.db, self.w.corpus], log)

    def update(self, log):
        return run_timed([sys.executable, os.path.abspath(__file__), '--_helper',
                          'fts5-index', self.db, self.w.corpus], log)

    def index_size(self):
        return sum(os.path.getsize(self.db + s) for s in ('', '-wal')
                   if os.path.exists(self.db + s))

    def match(self, q):
        if q['kind'] == 'phrase':
            return '"%s"' % ' '.join(q['terms'])
        return ' '.join('"%s"' % t for t in q['terms'])

    def sql(self, q):
        return ("SELECT path FROM docs WHERE docs MATCH '%s' "
                "ORDER BY bm25(docs) LIMIT 10" % self.match(q).replace("'", "''"))

    def query_cmds(self, q):
        if self.cli:
            return [[self.cli, self.db, self.sql(q)]]
        return [[sys.executable, os.path.abspath(__file__), '--_helper',
                 'fts5-query', self.db, self.match(q)]]

    def count_hits(self, outputs):
        return len([line for line in outputs[-1].splitlines() if line.strip()])

    def in_process(self, queries, reps):
        return helper_in_process(sys.executable, 'fts5', self.db, queries, reps,
                                 [self.match(q) for q in queries])


class Ripgrep(Tool):
    name = 'rg'
    label = 'ripgrep'
    indexed = False
    rc1_is_no_match = True

    def __init__(self, w):
        self.w = w
        self.db = None

    def available(self):
        return bool(which('rg'))

    def versions(self):
        return version_line(['rg', '--version'])

    def query_cmds(self, q):
        # Built lazily: the AND of several words chains `rg -l` over the
        # previous step's files (see run_query_chain).
        if q['kind'] == 'phrase':
            return [['rg', '-i', '-l', '-w', '-F', ' '.join(q['terms']),
                     self.w.corpus]]
        return [['rg', '-i', '-l', '-w', '-F', t] for t in q['terms']]

    def count_hits(self, outputs):
        return len([line for line in outputs[-1].splitlines() if line.strip()])


def run_query_chain(tool, q):
    """Run one query as a person would; return (seconds, outputs, rc)."""
    cmds = tool.query_cmds(q)
    outputs = []
    t0 = time.perf_counter()
    if isinstance(tool, Ripgrep) and q['kind'] != 'phrase':
        files = None
        for cmd in cmds:
            if files is None:
                r = subprocess.run(cmd + [tool.w.corpus], capture_output=True,
                                   text=True)
            elif not files:
                break
            else:
                r = subprocess.run(cmd + ['--'] + files, capture_output=True,
                                   text=True)
            if r.returncode not in (0, 1):
                return time.perf_counter() - t0, [r.stdout], r.returncode
            outputs.append(r.stdout)
            files = r.stdout.split('\n')[:-1]
        return time.perf_counter() - t0, outputs or [''], 0
    rc = 0
    for cmd in cmds:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           env=tool.env() if isinstance(tool, Recoll) else None)
        outputs.append(r.stdout)
        if r.returncode != 0 and not (r.returncode == 1 and tool.rc1_is_no_match):
            rc = r.returncode
    return time.perf_counter() - t0, outputs, rc


def helper_in_process(python, kind, db, queries, reps, texts):
    path = os.path.join(os.path.dirname(db), '%s-inproc.json' % kind)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(texts, f)
    r = subprocess.run([python, os.path.abspath(__file__), '--_helper',
                        kind + '-inproc', db, path, str(reps)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return 'failed (%s)' % r.stderr.strip().splitlines()[-1:]
    ms = json.loads(r.stdout)
    return {'p50': percentile(ms, 50), 'p95': percentile(ms, 95)}


# ------------------------------------------------- helpers run as children

def helper(argv):
    kind = argv[0]
    if kind == 'fts5-index':
        fts5_index(argv[1], argv[2])
    elif kind == 'fts5-query':
        con = sqlite3.connect(argv[1])
        for (path,) in con.execute('SELECT path FROM docs WHERE docs MATCH ? '
                                   'ORDER BY bm25(docs) LIMIT 10', (argv[2],)):
            print(path)
    elif kind in ('fts5-inproc', 'xapian-inproc'):
        db, qfile, reps = argv[1], argv[2], int(argv[3])
        with open(qfile, encoding='utf-8') as f:
            texts = json.load(f)
        run = fts5_runner(db) if kind == 'fts5-inproc' else xapian_runner(db)
        run(texts[0])  # warm up
        per = [[] for _ in texts]
        for _ in range(reps):
            for i, t in enumerate(texts):
                t0 = time.perf_counter()
                run(t)
                per[i].append(1000 * (time.perf_counter() - t0))
        print(json.dumps([statistics.median(p) for p in per]))
    else:
        die('unknown helper ' + kind)


def fts5_index(db, root):
    """Index (or update) every .txt under root, one row per file.

    A side table keeps each file's mtime and size, so a second run only
    replaces the rows of changed files and deletes those of removed ones:
    the update a user of FTS5 would write."""
    con = sqlite3.connect(db)
    con.execute('CREATE VIRTUAL TABLE IF NOT EXISTS docs USING '
                "fts5(path UNINDEXED, body, tokenize='porter unicode61')")
    con.execute('CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, '
                'rid INTEGER, mtime INTEGER, size INTEGER)')
    known = {p: (rid, m, s) for p, rid, m, s in
             con.execute('SELECT path, rid, mtime, size FROM files')}
    seen = set()
    with con:
        for path in list_articles(root):
            st = os.stat(path)
            seen.add(path)
            old = known.get(path)
            if old and old[1] == st.st_mtime_ns and old[2] == st.st_size:
                continue
            if old:
                con.execute('DELETE FROM docs WHERE rowid = ?', (old[0],))
            with open(path, encoding='utf-8', errors='replace') as f:
                body = f.read()
            rid = con.execute('INSERT INTO docs(path, body) VALUES (?, ?)',
                              (path, body)).lastrowid
            con.execute('INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)',
                        (path, rid, st.st_mtime_ns, st.st_size))
        for path, (rid, _, _) in known.items():
            if path not in seen:
                con.execute('DELETE FROM docs WHERE rowid = ?', (rid,))
                con.execute('DELETE FROM files WHERE path = ?', (path,))
    con.close()


def fts5_runner(db):
    con = sqlite3.connect(db)

    def run(match):
        return con.execute('SELECT path FROM docs WHERE docs MATCH ? '
                           'ORDER BY bm25(docs) LIMIT 10', (match,)).fetchall()
    return run


def xapian_runner(db):
    """What quest -o and -m 10 does, inside one process."""
    import xapian
    d = xapian.Database(db)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem('english'))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(d)
    qp.set_default_op(xapian.Query.OP_AND)
    enq = xapian.Enquire(d)

    def run(text):
        enq.set_query(qp.parse_query(text))
        return [m.document.get_data() for m in enq.get_mset(0, 10)]
    return run


# ------------------------------------------------------------------ table

def fmt(v, unit=''):
    if v is None:
        return '-'
    if isinstance(v, str):
        return v
    if abs(v) >= 100:
        s = '%.0f' % v
    elif abs(v) >= 10:
        s = '%.1f' % v
    else:
        s = '%.2f' % v
    return s + unit


def ratio(a, b):
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return None
    return a / b


def metrics_of(res):
    """The rows of the table: (label, value) per tool."""
    rows = []

    def get(*keys):
        v = res
        for k in keys:
            if not isinstance(v, dict) or k not in v:
                return None
            v = v[k]
        return v
    rows.append(('full build, wall s', get('build', 'wall')))
    rows.append(('full build, CPU s (user+sys)', get('build', 'cpu')))
    rows.append(('full build, peak RSS MB', get('build', 'rss_mb')))
    size = get('size')
    rows.append(('index size MB (du -sb)', size / 1e6 if size is not None else None))
    rows.append(('index size / corpus', get('size_ratio')))
    rows.append(('build MB/s (corpus / wall)', get('mbps')))
    rows.append(('no-change re-run, wall s', get('nochange', 'wall')))
    rows.append(('no-change re-run, % of build', get('nochange_pct')))
    rows.append(('1%-changed re-run, wall s', get('changed', 'wall')))
    rows.append(('CLI query p50 ms (process/query)', get('cli', 'p50')))
    rows.append(('CLI query p95 ms', get('cli', 'p95')))
    inproc = res.get('inproc')
    if isinstance(inproc, dict):
        rows.append(('in-process query p50 ms', inproc['p50']))
        rows.append(('in-process query p95 ms', inproc['p95']))
    else:
        rows.append(('in-process query p50 ms', inproc if inproc else None))
        rows.append(('in-process query p95 ms', None))
    rows.append(('queries with a hit', get('hits_text')))
    return rows


def print_table(results, order, out=sys.stdout):
    cols = [('metric', None)]
    for name in order:
        cols.append((results[name]['label'], name))
        if name != 'loci':
            cols.append(('loci/' + name, '~' + name))
    loci_rows = metrics_of(results['loci'])
    table = []
    for i, (label, lv) in enumerate(loci_rows):
        row = [label]
        for _, key in cols[1:]:
            if key.startswith('~'):
                pv = metrics_of(results[key[1:]])[i][1]
                if label == 'queries with a hit':
                    row.append('')
                else:
                    r = ratio(lv, pv)
                    row.append('-' if r is None else '%.2fx' % r)
            else:
                row.append(fmt(metrics_of(results[key])[i][1]))
        table.append(row)
    heads = [c[0] for c in cols]
    widths = [max(len(str(r[j])) for r in table + [heads]) for j in range(len(heads))]
    line = lambda r: '  '.join(str(c).ljust(widths[0]) if j == 0 else str(c).rjust(widths[j])
                               for j, c in enumerate(r))
    print(line(heads), file=out)
    print('  '.join('-' * w for w in widths), file=out)
    for r in table:
        print(line(r), file=out)


def targets(results):
    """Issue 7's targets, checked on loci against the peers of this run."""
    lo = results['loci']
    out = []

    def verdict(ok):
        return 'MET' if ok else 'NOT MET'
    om, rc = results.get('omega'), results.get('recoll')
    if om and om.get('mbps') and lo.get('mbps'):
        r = lo['mbps'] / om['mbps']
        out.append('build throughput >= 2x omindex: %.2fx -> %s'
                   % (r, verdict(r >= 2)))
    if rc and rc.get('mbps') and lo.get('mbps'):
        r = lo['mbps'] / rc['mbps']
        out.append('build throughput > recollindex: %.2fx -> %s'
                   % (r, verdict(r > 1)))
    fts = results.get('fts5')
    if fts and fts.get('mbps') and lo.get('mbps'):
        out.append('(record) build throughput vs FTS5: %.2fx'
                   % (lo['mbps'] / fts['mbps']))
    if lo.get('build'):
        out.append('peak RSS < 300 MB: %.0f MB -> %s'
                   % (lo['build']['rss_mb'], verdict(lo['build']['rss_mb'] < 300)))
    if lo.get('nochange_pct') is not None:
        out.append('no-change re-run < 5%% of full build: %.2f%% -> %s'
                   % (lo['nochange_pct'], verdict(lo['nochange_pct'] < 5)))
    if om and om.get('cli') and lo.get('cli'):
        out.append('CLI p50 <= quest p50: %.1f vs %.1f ms -> %s'
                   % (lo['cli']['p50'], om['cli']['p50'],
                      verdict(lo['cli']['p50'] <= om['cli']['p50'])))
        out.append('CLI p95 <= 2x quest p50: %.1f vs %.1f ms -> %s'
                   % (lo['cli']['p95'], 2 * om['cli']['p50'],
                      verdict(lo['cli']['p95'] <= 2 * om['cli']['p50'])))
    if lo.get('size_ratio') is not None:
        out.append('index size <= 3x corpus: %.2fx -> %s'
                   % (lo['size_ratio'], verdict(lo['size_ratio'] <= 3)))
    return out


# ------------------------------------------------------------------- main

class Work:
    pass


def parse_args(argv):
    o = {'index': None, 'search': None, 'work': None, 'keep': False,
         'peers': 'all', 'queries': None, 'phrases': None, 'reps': None,
         'change_pct': 1.0, 'sample': None, 'seed': 7, 'loci_op': 'and',
         'quick': False, 'json': None}
    pos = []
    i = 0
    valued = {'--index', '--search', '--work', '--peers', '--queries',
              '--phrases', '--reps', '--change-pct', '--sample', '--seed',
              '--loci-op', '--json'}
    while i < len(argv):
        a = argv[i]
        if a in ('-h', '--help'):
            print(__doc__)
            sys.exit(0)
        elif a in valued:
            if i + 1 >= len(argv):
                die(a + ' needs a value')
            o[a[2:].replace('-', '_')] = argv[i + 1]
            i += 1
        elif a == '--keep':
            o['keep'] = True
        elif a == '--quick':
            o['quick'] = True
        elif a.startswith('-'):
            die('unknown option %s (see --help)' % a)
        else:
            pos.append(a)
        i += 1
    if not pos:
        die('give at least one corpus directory (see --help)')
    o['corpora'] = pos
    quick = o['quick']
    try:
        for key, full, q in (('queries', 50, 10), ('phrases', 10, 3), ('reps', 3, 2),
                             ('sample', 0, 2000)):
            o[key] = int(o[key]) if o[key] is not None else (q if quick else full)
        o['seed'] = int(o['seed'])
        o['change_pct'] = float(o['change_pct'])
    except ValueError as e:
        die('bad number: %s' % e)
    if o['loci_op'] not in ('and', 'or'):
        die('--loci-op must be and or or')
    o['index'] = o['index'] or os.environ.get('LOCI_INDEX') or \
        os.path.join(REPO, 'build', 'indexer', 'loci-index')
    o['search'] = o['search'] or os.environ.get('LOCI_SEARCH') or \
        os.path.join(REPO, 'build', 'searcher', 'loci-search')
    for k in ('index', 'search'):
        o[k] = os.path.abspath(o[k])
        if not os.access(o[k], os.X_OK):
            die('not an executable: %s (build it, or use --%s)' % (o[k], k))
    return o


def loadavg():
    try:
        with open('/proc/loadavg') as f:
            return f.read().split()[0]
    except OSError:
        return '?'


def machine():
    cpu = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
        with open('/proc/meminfo') as f:
            mem = int(f.readline().split()[1]) / 1024 / 1024
    except OSError:
        mem = 0
    return '%d cores (%s), %.0f GiB RAM, %s %s' % (
        os.cpu_count() or 0, cpu or platform.machine(), mem, platform.system(),
        platform.release())


def main(argv):
    if argv[:1] == ['--_helper']:
        return helper(argv[1:])
    o = parse_args(argv)
    t_start = time.perf_counter()
    load_start = loadavg()
    w = Work()
    made_work = False
    if o['work']:
        w.dir = os.path.abspath(o['work'])
        if os.path.exists(w.dir) and os.listdir(w.dir):
            die('work directory not empty: ' + w.dir)
        os.makedirs(w.dir, exist_ok=True)
    else:
        w.dir = tempfile.mkdtemp(prefix='loci-bench-', dir='/tmp')
        made_work = True
    w.corpus = os.path.join(w.dir, 'corpus')
    logs = os.path.join(w.dir, 'logs')
    os.makedirs(logs)
    status = 0
    try:
        note('copying the corpus to ' + w.corpus)
        files, corpus_bytes, w.sampled = copy_corpus(o['corpora'], w.corpus, o['sample'],
                                          o['seed'])
        note('%d articles, %.1f MB; drawing queries' % (len(files), corpus_bytes / 1e6))
        queries = make_queries(files, o['queries'], o['phrases'], o['seed'])
        with open(os.path.join(w.dir, 'queries.txt'), 'w', encoding='utf-8') as f:
            for q in queries:
                f.write('%s\t%s\n' % (q['kind'], ' '.join(q['terms'])))

        loci = Loci(w, o['index'], o['search'], o['loci_op'])
        peers = {'omega': Omega(w), 'recoll': Recoll(w), 'fts5': Fts5(w),
                 'rg': Ripgrep(w)}
        wanted = o['peers'].split(',') if o['peers'] not in ('all', '') else list(peers)
        if o['peers'] == 'none':
            wanted = []
        for p in wanted:
            if p not in peers:
                die('unknown peer %s (omega, recoll, fts5, rg)' % p)
        tools = [loci]
        for name in ('omega', 'recoll', 'fts5', 'rg'):
            if name in wanted:
                if peers[name].available():
                    tools.append(peers[name])
                else:
                    note('%s is not installed: skipped' % name)
        results = {t.name: {'label': t.label, 'version': t.versions()} for t in tools}

        # 1. full builds
        for t in tools:
            if not t.indexed:
                continue
            note('%s: full build' % t.label)
            r = t.build(os.path.join(logs, t.name + '-build.log'))
            res = results[t.name]
            res['build'] = r
            res['size'] = t.index_size()
            res['size_ratio'] = res['size'] / corpus_bytes
            res['mbps'] = corpus_bytes / 1e6 / r['wall']
            if r['rc'] != 0 and t is loci:
                status = 1
        if loci.info:
            results['loci']['index_info'] = loci.info

        # 2. nothing changed
        for t in tools:
            if not t.indexed:
                continue
            note('%s: re-run, nothing changed' % t.label)
            r = t.update(os.path.join(logs, t.name + '-nochange.log'))
            results[t.name]['nochange'] = r
            results[t.name]['nochange_pct'] = 100 * r['wall'] / results[t.name]['build']['wall']
            if r['rc'] != 0 and t is loci:
                status = 1
        if loci.info:
            results['loci']['nochange_info'] = loci.info

        # 3. 1% changed
        time.sleep(1.1)  # tools that compare mtimes in whole seconds
        k = change_articles(files, o['change_pct'], o['seed'],
                            time.strftime('%Y-%m-%d %H:%M:%S'))
        note('appended a sentence to %d articles' % k)
        for t in tools:
            if not t.indexed:
                continue
            note('%s: re-run, %g%% changed' % (t.label, o['change_pct']))
            r = t.update(os.path.join(logs, t.name + '-changed.log'))
            results[t.name]['changed'] = r
            if r['rc'] != 0 and t is loci:
                status = 1
        if loci.info:
            results['loci']['changed_info'] = loci.info

        # 4. queries, one process each; tools interleaved so that noise on
        # the machine hits all of them alike
        note('%d queries x %d reps, one process per query' % (len(queries), o['reps']))
        times = {t.name: [[] for _ in queries] for t in tools}
        hits = {t.name: [0] * len(queries) for t in tools}
        fails = {t.name: 0 for t in tools}
        for t in tools:  # warm-up, untimed
            run_query_chain(t, queries[0])
        for rep in range(o['reps']):
            for i, q in enumerate(queries):
                for t in tools:
                    sec, outs, rc = run_query_chain(t, q)
                    times[t.name][i].append(1000 * sec)
                    if rc != 0:
                        fails[t.name] += 1
                    if rep == 0:
                        hits[t.name][i] = t.count_hits(outs)
        for t in tools:
            med = [statistics.median(v) for v in times[t.name]]
            results[t.name]['cli'] = {'p50': percentile(med, 50),
                                      'p95': percentile(med, 95),
                                      'per_query_ms': med}
            with_hit = sum(1 for h in hits[t.name] if h > 0)
            results[t.name]['hits'] = hits[t.name]
            results[t.name]['hits_text'] = '%d/%d' % (with_hit, len(queries))
            if fails[t.name]:
                results[t.name]['hits_text'] += ' (%d failed)' % fails[t.name]
                note('warning: %s failed %d query runs' % (t.label, fails[t.name]))
                if t is loci:
                    status = 1

        # 5. in one process
        for t in tools:
            note('%s: queries in one process' % t.label)
            results[t.name]['inproc'] = t.in_process(queries, o['reps'])

        order = [t.name for t in tools]
        print('loci benchmark, %s' % time.strftime('%Y-%m-%d %H:%M %Z'))
        print('machine: %s' % machine())
        print('corpus: %s: %d articles, %.1f MB%s; %d%% changed = %d articles'
              % (' '.join(o['corpora']), len(files), corpus_bytes / 1e6,
                 ' (sample, seed %d)' % o['seed'] if w.sampled else '',
                 o['change_pct'], k))
        print('queries: %d word queries (loci: %s) + %d phrases, seed %d, '
              'median of %d runs each' % (
                  sum(q['kind'] == 'words' for q in queries),
                  'AND' if o['loci_op'] == 'and' else 'OR, as typed',
                  sum(q['kind'] == 'phrase' for q in queries), o['seed'], o['reps']))
        for t in tools:
            if results[t.name]['version']:
                print('  %s: %s' % (t.label, results[t.name]['version']))
        if loci.info:
            print('  loci passages: %s' % results['loci'].get('index_info', {}).get('passages'))
        print()
        print_table(results, order)
        print()
        print('ratios are loci / peer: below 1 is better for loci in times, RSS '
              'and size, above 1 is better in MB/s.')
        inproc = results['loci'].get('inproc')
        if isinstance(inproc, dict):
            if inproc['how'] == 'marginal':
                print('loci in one process: per query, (batch of 11 copies - batch '
                      'of 1) / 10 with --queries; the whole batch of %d queries '
                      'took %.0f ms' % (len(queries), 1000 * inproc['batch_wall']))
            else:
                print('loci in one process: the times --queries reported; the '
                      'whole batch took %.0f ms' % (1000 * inproc['batch_wall']))
        print('load average (1 min) at start %s, at end %s: other work on the '
              'machine slows every tool; compare within a run'
              % (load_start, loadavg()))
        print('targets (issue 7):')
        for line in targets(results):
            print('  ' + line)
        print('total benchmark time: %.0f s' % (time.perf_counter() - t_start))
        if o['json']:
            with open(o['json'], 'w', encoding='utf-8') as f:
                json.dump({'date': time.strftime('%Y-%m-%dT%H:%M:%S%z'),
                           'machine': machine(), 'corpora': o['corpora'],
                           'articles': len(files), 'corpus_bytes': corpus_bytes,
                           'changed': k, 'queries': queries,
                           'results': results}, f, indent=1)
        zero = [queries[i] for i, h in enumerate(results['loci']['hits']) if h == 0]
        if zero:
            note('loci found nothing for %d queries, e.g. %s'
                 % (len(zero), ' '.join(zero[0]['terms'])))
    finally:
        if made_work and not o['keep']:
            shutil.rmtree(w.dir, ignore_errors=True)
        else:
            note('work directory kept: ' + w.dir)
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
