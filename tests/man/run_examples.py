#!/usr/bin/env python3
"""Runs every example of the manual pages and checks it does what the page says.

Usage: run_examples.py PAGE...

Run by `meson test`, which sets LOCI_INDEX, LOCI_SEARCH and LOCI_CORPUS
(and LOCI_WRAPPER under `meson test --setup valgrind`).

How the pages mark their examples (all of it plain mdoc, so the reader sees
ordinary examples):

  * An example is a display, `.Bd -literal ... .Ed`, that holds lines
    starting with `$ ` (commands), or a `.Dl $ ...` line (one command).
    Displays without such a line are not examples.  A command line ending
    in `\\`, `|`, `&&` or `||` goes on on the next line, as in the shell.
  * The lines of a display after a command, up to the next command, are
    what the command prints.  Each of them must be a line of its standard
    output or of its standard error, and those of standard output must come
    in the order shown.  Blank lines and lines `...` (elisions) are not
    checked.
  * A command exits with status 0 unless it ends with the shell comment
    `# exit status N`.
  * A roff comment `.\\" file: PATH` right before a display makes the
    display the content of the file PATH (relative to the working
    directory), created before each example of that page runs; such a
    display is not an example itself.

Each example (a display or a `.Dl` line; the commands of a display run in
order, in one shell each, sharing their files) runs in a scratch folder of
its own:

  * the working directory holds `corpus/`, a copy of the shipped articles,
    and the page's files;
  * LOCI_DB is a copy of an index of `corpus` built with
    `loci-index --synonyms corpus/synonyms.txt corpus` in that directory,
    so that examples need no --db;
  * HOME holds `articles/`, another copy of the shipped articles (without
    the synonyms file), for the examples that use `~/articles`;
  * `loci-index` and `loci-search` on PATH are the ones under test.

Commands run with bash's pipefail, so that a failing loci command is seen
through a pipe.  Examples that need a program that is missing (jq) are
skipped and counted as such.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

INDEX = os.environ["LOCI_INDEX"]
SEARCH = os.environ["LOCI_SEARCH"]
CORPUS = os.environ["LOCI_CORPUS"]
WRAPPER = os.environ.get("LOCI_WRAPPER", "")
TIMEOUT = 120

EXIT_RE = re.compile(r"\s#\s*exit status (\d+)\s*$")
CONTINUED = ("\\", "|", "&&", "||")

# The roff escapes the pages use inside examples.
ESCAPES = [
    ("\\&", ""),
    ("\\(dq", '"'),
    ("\\(aq", "'"),
    ("\\(cq", "\u2019"),
    ("\\(oq", "\u2018"),
    ("\\(lq", "\u201c"),
    ("\\(rq", "\u201d"),
    ("\\(em", "\u2014"),
    ("\\(en", "\u2013"),
    ("\\(ti", "~"),
    ("\\(ha", "^"),
    ("\\-", "-"),
    ("\\e", "\\"),
]


def unescape(line):
    out, i = [], 0
    while i < len(line):
        for esc, rep in ESCAPES:
            if line.startswith(esc, i):
                out.append(rep)
                i += len(esc)
                break
        else:
            if line.startswith("\\", i):
                raise ValueError("unknown roff escape in example: " + line[i:i + 4])
            out.append(line[i])
            i += 1
    return "".join(out)


class Command:
    def __init__(self, text, lineno):
        self.text = text
        self.lineno = lineno
        self.expected = []      # lines it must print
        m = EXIT_RE.search(text)
        self.status = int(m.group(1)) if m else 0


class Example:
    def __init__(self, page, lineno):
        self.page = page
        self.lineno = lineno
        self.commands = []


def parse_display(lines, first_lineno, example):
    """Fills example with the commands of a display's (unescaped) lines."""
    cmd = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            text = line[2:]
            lineno = first_lineno + i
            while text.rstrip().endswith(CONTINUED) and i + 1 < len(lines):
                i += 1
                text += "\n" + lines[i]
            cmd = Command(text, lineno)
            example.commands.append(cmd)
        elif cmd is not None:
            stripped = line.rstrip()
            if stripped and stripped != "...":
                cmd.expected.append(stripped)
        i += 1


def parse_page(path):
    """Returns the page's examples and the files it defines."""
    with open(path, encoding="utf-8") as f:
        src = f.read().split("\n")
    examples, files = [], {}
    pending_file = None
    i = 0
    while i < len(src):
        line = src[i]
        m = re.match(r'^\.\\"\s*file:\s*(\S+)\s*$', line)
        if m:
            pending_file = m.group(1)
        elif line.startswith(".Bd") and "-literal" in line.split():
            start = i + 1
            i += 1
            while i < len(src) and not src[i].startswith(".Ed"):
                i += 1
            body = [unescape(l) for l in src[start:i]]
            if pending_file:
                files[pending_file] = "\n".join(body) + "\n"
                pending_file = None
            else:
                ex = Example(path, start)
                parse_display(body, start + 1, ex)
                if ex.commands:
                    examples.append(ex)
        elif line.startswith(".Dl $ "):
            ex = Example(path, i + 1)
            parse_display([unescape(line[len(".Dl "):])], i + 1, ex)
            examples.append(ex)
        i += 1
    return examples, files


def write_wrapper(bindir, name, target):
    p = os.path.join(bindir, name)
    with open(p, "w") as f:
        f.write("#!/bin/sh\nexec %s '%s' \"$@\"\n" % (WRAPPER, target))
    os.chmod(p, 0o755)


def copy_articles(dst):
    """The shipped articles, without the synonyms file and the README."""
    os.makedirs(dst)
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".txt") and name != "synonyms.txt":
            shutil.copy2(os.path.join(CORPUS, name), dst)


def check_output(cmd, out, err):
    """Returns a list of problems with what cmd printed."""
    problems = []
    out_lines = [l.rstrip() for l in out.split("\n")]
    err_lines = [l.rstrip() for l in err.split("\n")]
    pos = 0
    for want in cmd.expected:
        try:
            pos = out_lines.index(want, pos) + 1
            continue
        except ValueError:
            pass
        if want in err_lines:
            continue
        where = "standard output or error"
        if want in out_lines:
            where = "standard output, in the order shown"
        problems.append("expected in %s: %s" % (where, want))
    return problems


def run_example(ex, files, tmp, base_index, n):
    root = os.path.join(tmp, "ex%d" % n)
    work = os.path.join(root, "work")
    home = os.path.join(root, "home")
    bindir = os.path.join(root, "bin")
    db = os.path.join(root, "index")
    os.makedirs(work)
    os.makedirs(bindir)
    shutil.copytree(CORPUS, os.path.join(work, "corpus"))
    copy_articles(os.path.join(home, "articles"))
    shutil.copytree(base_index, db)
    write_wrapper(bindir, "loci-index", INDEX)
    write_wrapper(bindir, "loci-search", SEARCH)
    for rel, content in files.items():
        p = os.path.join(work, rel)
        os.makedirs(os.path.dirname(p) or ".", exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(content)
    env = {k: v for k, v in os.environ.items()
           if k not in ("LOCI_DB", "XDG_DATA_HOME", "NO_COLOR", "CDPATH")}
    env.update(HOME=home, LOCI_DB=db, PATH=bindir + os.pathsep + env.get("PATH", ""),
               TERM="dumb", LC_ALL="C.UTF-8")
    failures = []
    for cmd in ex.commands:
        try:
            r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd.text], cwd=work, env=env,
                               capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            failures.append((cmd, ["timed out after %d s" % TIMEOUT], "", ""))
            break
        out = r.stdout.decode("utf-8", "replace")
        err = r.stderr.decode("utf-8", "replace")
        problems = []
        if r.returncode != cmd.status:
            problems.append("exit status %d, the page says %d" % (r.returncode, cmd.status))
        problems += check_output(cmd, out, err)
        if problems:
            failures.append((cmd, problems, out, err))
            break   # later commands of the example depend on this one
    shutil.rmtree(root)
    return failures


def clip(s, n=3000):
    return s if len(s) <= n else s[:n] + "\n[... %d more characters]" % (len(s) - n)


def main(pages):
    tmp = tempfile.mkdtemp(prefix="loci-man-")
    try:
        base_work = os.path.join(tmp, "base")
        os.makedirs(base_work)
        shutil.copytree(CORPUS, os.path.join(base_work, "corpus"))
        base_index = os.path.join(tmp, "base-index")
        r = subprocess.run(WRAPPER.split() + [INDEX, "--db", base_index, "--quiet", "--synonyms",
                            "corpus/synonyms.txt", "corpus"], cwd=base_work,
                           capture_output=True, timeout=TIMEOUT)
        if r.returncode != 0:
            print("cannot build the index of corpus:", r.stderr.decode(), file=sys.stderr)
            return 1
        have_jq = shutil.which("jq") is not None
        total = passed = skipped = 0
        failed = []
        n = 0
        for page in pages:
            examples, files = parse_page(page)
            count = 0
            for ex in examples:
                total += 1
                count += 1
                n += 1
                name = "%s:%d" % (os.path.basename(page), ex.lineno)
                if not have_jq and any(re.search(r"\bjq\b", c.text) for c in ex.commands):
                    skipped += 1
                    print("SKIP %s (jq is not installed)" % name)
                    continue
                failures = run_example(ex, files, tmp, base_index, n)
                if failures:
                    failed.append(name)
                    for cmd, problems, out, err in failures:
                        print("FAIL %s (line %d): $ %s" % (name, cmd.lineno, cmd.text))
                        for p in problems:
                            print("  " + p)
                        print("  --- standard output:\n" + clip(out))
                        print("  --- standard error:\n" + clip(err))
                else:
                    passed += 1
                    print("ok   %s: %s" % (name, " ; ".join(c.text.split("\n")[0]
                                                          for c in ex.commands)))
            if count == 0:
                print("note: %s has no examples" % os.path.basename(page))
        print("%d examples: %d passed, %d failed, %d skipped" % (total, passed, len(failed),
                                                                 skipped))
        return 1 if failed or total == 0 else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
