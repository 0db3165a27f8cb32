#!/usr/bin/env python3
"""Measure loci's ranking on judged test collections, beside the peers.

Usage:
  tests/eval/run.py [options] COLLECTION [COLLECTION...]

COLLECTION is `cisi` or `cranfield` (a directory of the shared evaluation
area, ../shared/eval/ beside the repository) or the path of any directory
laid out the same way: docs/*.txt, queries.tsv (`qid<TAB>text`) and
qrels.txt (`qid 0 docid rel`).

For each collection: indexes docs/ with loci-index into a temporary
directory, runs queries.tsv through `loci-search --queries - --format
trec` (articles ranked by their best passage, 1000 per query), scores the
run with the shared tools/eval.py (trec_eval conventions) and prints
nDCG@10, MAP, P@10 and R@100 beside the peers' figures measured in the
shared README.md, and the issue 6 target (5% above the best peer).

Options:
  --index PATH       loci-index (default: $LOCI_INDEX, else
                     build/indexer/loci-index in the repository)
  --search PATH      loci-search (default: $LOCI_SEARCH, else
                     build/searcher/loci-search)
  --shared DIR       the shared evaluation area (default: $LOCI_EVAL_DIR,
                     else ../shared/eval beside the repository)
  --slice N          run only the first N queries of queries.tsv and score
                     only them (a check that the harness works: the peers'
                     figures, which are over all queries, are then not
                     comparable and not shown)
  --search-arg ARG   pass ARG on to loci-search (repeatable), e.g.
                     --search-arg=--no-feedback
  --min-ndcg X       exit 1 unless every collection's nDCG@10 is at least X
                     (what `meson test --suite eval` checks)
  --require-targets  exit 1 unless nDCG@10 and MAP reach the targets
  --run-dir DIR      keep the run files there (COLLECTION.loci.run)
  --work DIR         build the indexes under DIR (kept) instead of a new
                     temporary directory (removed at the end)
  --per-query        also print the metrics of every query
  --json FILE        also write the figures as JSON to FILE
  -h, --help         show this text

Exit status: 0 on success, 1 if a --min-ndcg or --require-targets check
failed, 2 on a usage error or when a program fails, 77 (meson's "skipped")
when the shared evaluation area is missing.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
METRICS = ('ndcg@10', 'map@1000', 'P@10', 'R@100')
HEADS = ('nDCG@10', 'MAP', 'P@10', 'R@100')
SKIP = 77

# Issue 6: nDCG@10 and MAP at least 5% above the best peer.
TARGET_MARGIN = 1.05

# Fallback when the shared README cannot be read or parsed: the peers'
# figures of ../shared/eval/README.md, "Measured baselines (tuning
# collections)" (Xapian 1.4.22 and SQLite 3.40.1 FTS5, on these files).
PEERS_FALLBACK = {
    'cisi': [
        ('xapian (k1=1, b=0.5)', (0.3472, 0.1930, 0.3224, 0.4016)),
        ('xapian --raw-query', (0.3422, 0.1912, 0.3079, 0.4010)),
        ('xapian k1=1.2 b=0.75', (0.3494, 0.2032, 0.3158, 0.4168)),
        ('xapian k1=0.9 b=0.4', (0.3307, 0.1878, 0.3039, 0.4002)),
        ('fts5', (0.3610, 0.2073, 0.3355, 0.4369)),
    ],
    'cranfield': [
        ('xapian (k1=1, b=0.5)', (0.3502, 0.2847, 0.2244, 0.7168)),
        ('xapian k1=1.2 b=0.75', (0.3576, 0.2944, 0.2298, 0.7250)),
        ('xapian k1=0.9 b=0.4', (0.3489, 0.2829, 0.2218, 0.7092)),
        ('fts5', (0.3623, 0.3013, 0.2316, 0.7313)),
    ],
}


class Failure(Exception):
    pass


def usage(msg):
    print('run.py: %s' % msg, file=sys.stderr)
    print(__doc__.split('\n\n')[1], file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    o = {
        'index': os.environ.get('LOCI_INDEX') or os.path.join(REPO, 'build', 'indexer',
                                                               'loci-index'),
        'search': os.environ.get('LOCI_SEARCH') or os.path.join(REPO, 'build', 'searcher',
                                                                 'loci-search'),
        'shared': os.environ.get('LOCI_EVAL_DIR') or os.path.join(os.path.dirname(REPO),
                                                                  'shared', 'eval'),
        'slice': None, 'search_args': [], 'min_ndcg': None, 'require_targets': False,
        'run_dir': None, 'work': None, 'per_query': False, 'json': None,
        'collections': [],
    }
    valued = {'--index': 'index', '--search': 'search', '--shared': 'shared',
              '--slice': 'slice', '--search-arg': 'search_args', '--min-ndcg': 'min_ndcg',
              '--run-dir': 'run_dir', '--work': 'work', '--json': 'json'}
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a in ('-h', '--help'):
            print(__doc__)
            sys.exit(0)
        if a == '--per-query':
            o['per_query'] = True
            continue
        if a == '--require-targets':
            o['require_targets'] = True
            continue
        name, eq, value = a.partition('=')
        if name in valued:
            if not eq:
                if i >= len(argv):
                    usage('%s needs a value' % name)
                value = argv[i]
                i += 1
            key = valued[name]
            if key == 'search_args':
                o[key].append(value)
            elif key == 'slice':
                if not value.isdigit() or int(value) < 1:
                    usage('--slice needs a positive number, not %r' % value)
                o[key] = int(value)
            elif key == 'min_ndcg':
                try:
                    o[key] = float(value)
                except ValueError:
                    usage('--min-ndcg needs a number, not %r' % value)
            else:
                o[key] = value
            continue
        if a.startswith('-') and a != '-':
            usage('unknown option %s' % a)
        o['collections'].append(a)
    if not o['collections']:
        usage('no collection given')
    return o


def read_peers(readme):
    """The peers' rows of the shared README's baseline table, by collection:
    {collection: [(system, (ndcg, map, p10, r100)), ...]}.  Rows scored
    against another qrels file ("cranfield [binary, ...]") are left out."""
    peers = {}
    try:
        with open(readme, encoding='utf-8') as f:
            text = f.read()
    except OSError:
        return None
    row = re.compile(r'^\|\s*([a-z0-9_-]+)\s*\|\s*([^|]+?)\s*\|\s*([0-9.]+)\s*\|\s*([0-9.]+)'
                     r'\s*\|\s*([0-9.]+)\s*\|\s*([0-9.]+)\s*\|\s*\d+\s*\|\s*$')
    for line in text.splitlines():
        m = row.match(line)
        if m:
            peers.setdefault(m.group(1), []).append(
                (m.group(2), tuple(float(m.group(k)) for k in range(3, 7))))
    return peers or None


def collection_dir(shared, name):
    if os.sep in name or name in ('.', '..'):
        return os.path.abspath(name)
    return os.path.join(shared, name)


def run_checked(args, **kw):
    try:
        return subprocess.run(args, capture_output=True, **kw)
    except OSError as e:
        raise Failure('cannot run %s: %s' % (args[0], e))


def read_queries(path, limit):
    queries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if not line.strip():
                continue
            qid, tab, text = line.partition('\t')
            if not tab:
                raise Failure('%s: line without a tab: %r' % (path, line[:60]))
            queries.append((qid, text))
            if limit and len(queries) == limit:
                break
    return queries


def evaluate(o, name, work):
    cdir = collection_dir(o['shared'], name)
    label = os.path.basename(os.path.normpath(cdir))
    docs = os.path.join(cdir, 'docs')
    for p in (docs, os.path.join(cdir, 'queries.tsv'), os.path.join(cdir, 'qrels.txt')):
        if not os.path.exists(p):
            raise Failure('missing %s' % p)
    db = os.path.join(work, label + '.db')
    t0 = time.monotonic()
    r = run_checked([o['index'], '--quiet', '--db', db, docs])
    if r.returncode != 0:
        raise Failure('loci-index failed (exit %d): %s' % (r.returncode,
                                                           r.stderr.decode(errors='replace')))
    t_index = time.monotonic() - t0

    queries = read_queries(os.path.join(cdir, 'queries.tsv'), o['slice'])
    qids = {q for q, _ in queries}
    stdin = ''.join('%s\t%s\n' % q for q in queries).encode('utf-8')
    t0 = time.monotonic()
    r = run_checked([o['search'], '--db', db, '--format', 'trec'] + o['search_args'] +
                    ['--queries', '-'], input=stdin)
    t_search = time.monotonic() - t0
    # 0: hits; 1: no query had a hit; 2: a query could not be parsed (it
    # is reported and skipped, and scores 0); 3 and up: the index failed.
    if r.returncode > 2:
        raise Failure('loci-search failed (exit %d): %s' % (r.returncode,
                                                            r.stderr.decode(errors='replace')))
    errors = [l for l in r.stderr.decode(errors='replace').splitlines() if l.strip()]

    run_dir = o['run_dir'] or work
    os.makedirs(run_dir, exist_ok=True)
    run_path = os.path.join(run_dir, label + '.loci.run')
    with open(run_path, 'wb') as f:
        f.write(r.stdout)

    qrels = os.path.join(cdir, 'qrels.txt')
    if o['slice']:
        # Score the slice alone: queries outside it would count as 0.
        sliced = os.path.join(work, label + '.qrels')
        with open(qrels, encoding='utf-8') as src, open(sliced, 'w', encoding='utf-8') as dst:
            for line in src:
                t = line.split()
                if t and t[0] in qids:
                    dst.write(line)
        qrels = sliced
    eval_py = os.path.join(o['shared'], 'tools', 'eval.py')
    if not os.path.exists(eval_py):
        raise Failure('missing %s' % eval_py)
    r = run_checked([sys.executable, eval_py, qrels, run_path, '--json'])
    if r.returncode != 0:
        raise Failure('eval.py failed: %s' % r.stderr.decode(errors='replace'))
    try:
        res = json.loads(r.stdout)[run_path]
        mean = res['mean']
        figures = tuple(float(mean[m]) for m in METRICS)
    except (ValueError, KeyError, TypeError) as e:
        raise Failure('cannot read eval.py output: %s' % e)
    return {
        'collection': label, 'figures': figures, 'queries': mean['queries'],
        'queries_in_run': mean['queries_in_run'], 'run': run_path,
        'index_s': t_index, 'search_s': t_search, 'search_errors': errors,
        'per_query': res['per_query'],
    }


def fmt(figures):
    return ' | '.join('%.4f' % x for x in figures)


def report(o, results, peers):
    print('| collection | system | %s | queries |' % ' | '.join(HEADS))
    print('|---|---|---|---|---|---|---|')
    failed = False
    notes = []
    for res in results:
        c = res['collection']
        print('| %s | **loci**%s | %s | %d |' % (
            c, ' (first %d queries)' % o['slice'] if o['slice'] else '',
            fmt(res['figures']), res['queries']))
        rows = [] if o['slice'] else (peers or {}).get(c, [])
        for system, fig in rows:
            print('| %s | %s | %s | |' % (c, system, fmt(fig)))
        if rows:
            best = tuple(max(f[k] for _, f in rows) for k in range(4))
            target = (best[0] * TARGET_MARGIN, best[1] * TARGET_MARGIN)
            met = res['figures'][0] >= target[0] and res['figures'][1] >= target[1]
            print('| %s | target (best peer +5%%) | %.4f | %.4f | | | |' % (c, *target))
            notes.append('%s: target nDCG@10 %.4f / MAP %.4f %s' % (
                c, target[0], target[1], 'met' if met else 'NOT met'))
            if o['require_targets'] and not met:
                failed = True
        if o['min_ndcg'] is not None and res['figures'][0] < o['min_ndcg']:
            notes.append('%s: nDCG@10 %.4f is below the floor %.4f' % (
                c, res['figures'][0], o['min_ndcg']))
            failed = True
        if res['queries_in_run'] < res['queries']:
            notes.append('%s: %d of %d judged queries got no result (they score 0)' % (
                c, res['queries'] - res['queries_in_run'], res['queries']))
        for e in res['search_errors']:
            notes.append('%s: loci-search: %s' % (c, e))
        notes.append('%s: indexed in %.1f s, searched in %.1f s; run: %s' % (
            c, res['index_s'], res['search_s'], res['run']))
    print()
    for n in notes:
        print(n)
    if o['per_query']:
        for res in results:
            print('\n%s, per query: qid %s' % (res['collection'], ' '.join(HEADS)))
            for qid in sorted(res['per_query'], key=lambda q: (not q.isdigit(),
                                                               int(q) if q.isdigit() else 0, q)):
                s = res['per_query'][qid]
                print('  %-6s %s' % (qid, ' '.join('%.4f' % s[m] for m in METRICS)))
    return failed


def main(argv):
    o = parse_args(argv)
    if not os.path.isdir(o['shared']):
        for c in o['collections']:
            if not os.path.isdir(collection_dir(o['shared'], c)):
                print('run.py: no shared evaluation area at %s: skipped' % o['shared'],
                      file=sys.stderr)
                return SKIP
    for prog in (o['index'], o['search']):
        if not os.access(prog, os.X_OK):
            print('run.py: cannot run %s (build loci first, or use --index/--search)' % prog,
                  file=sys.stderr)
            return 2
    peers = read_peers(os.path.join(o['shared'], 'README.md')) or PEERS_FALLBACK
    work = o['work'] or tempfile.mkdtemp(prefix='loci-eval-')
    if o['work']:
        os.makedirs(work, exist_ok=True)
    results = []
    try:
        for c in o['collections']:
            results.append(evaluate(o, c, work))
    except Failure as e:
        print('run.py: %s' % e, file=sys.stderr)
        return 2
    finally:
        if not o['work']:
            if o['run_dir'] is None:
                # The run files lived in work: say they are gone.
                for res in results:
                    res['run'] = '(removed; keep it with --run-dir)'
            shutil.rmtree(work, ignore_errors=True)
    failed = report(o, results, peers)
    if o['json']:
        with open(o['json'], 'w', encoding='utf-8') as f:
            json.dump([{k: v for k, v in r.items()} for r in results], f, indent=1,
                      sort_keys=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
