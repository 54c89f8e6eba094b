#!/usr/bin/env python3
"""Issue 24's table: dossier's build against Hugo + the Pagefind CLI, and Hugo alone, at scale.

usage: bench/build-scale.py [--sizes 10k,100k] [--runs 5] [--big-runs 1] [--shipped-runs 30]
                            [--words 12000] [--dir /dev/shm/dossier-bench] [--bin target/release/dossier]
                            [--pagefind BIN] [--no-hugo]

The generated dossier is text-heavy by default: bench/gen-dossier.py with --words 12000 per
article, 500 articles, 7,000 sources and 2,500 figures at 10k pages (~48 MB of Markdown); the
counts ×10 at 100k (~466 MB). Each size is generated once with its Hugo twin and cached in
--dir (put it on tmpfs; `SIZE-wWORDS/`), with a copy of the dossier that has `search: false`.
For each size, in pairs run one after the other (A B A B, so noise hits both alike):
  dossier (search on)   against Hugo then `pagefind --site` on Hugo's output (the way a Hugo
                        site gets the same search; wall: the sum, RSS: the larger; the CLI
                        as npm installs it, a Node wrapper that waits for Pagefind's binary,
                        so its RSS is the larger of the two);
  dossier, search: false against Hugo alone;
each cold (output, spare folder and .dossier-cache/ removed first), warm (built again into
the previous output, cache kept), and, for dossier, warm after one edit (a sentence appended
to one article before the build). Then the shipped dossier (the repository itself) built warm
into a tmpfs output, --shipped-runs times, with search and with a `search: false` copy.
Prints the median wall time and the peak RSS (wait4's ru_maxrss) of each, the ratios
(speed-up: peer time / dossier's; RSS ratio: dossier's / peer's), then a summary shaped like
issue 24's table with its goals marked met or missed. Sizes of 100k pages and more run
--big-runs times. `--sizes 10k` is the quick run (~15 min on 2 busy cores).

Needs `hugo` (apt-get install hugo) and the Pagefind 1.6.0 CLI (npm install --prefix /tmp/pf
pagefind@1.6.0; found on PATH or at /tmp/pf/node_modules/.bin/pagefind, or give --pagefind);
without them their columns are left out and the script says so. Builds dossier with
`cargo build --release` first.
"""
import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# pages = articles + sources + figures + the landing page, at 10k; scaled with the size.
SHAPE = {"articles": 500, "sources": 7000, "figures": 2500}
DEFAULT_PAGEFIND = "/tmp/pf/node_modules/.bin/pagefind"
EDITED = "content/articles/article-0.md"
# The goals of issue 24: (speed-up at least, RSS ratio at most) or absolute (seconds, MiB).
GOALS = {
    ("10k", True): ("≥ 6× faster, RSS ≤ 0.35", lambda r: r["speedup"] >= 6 and r["rss_ratio"] <= 0.35),
    ("10k", False): ("≥ 5×, RSS ≤ 0.3", lambda r: r["speedup"] >= 5 and r["rss_ratio"] <= 0.3),
    ("100k", True): ("< 25 s, ≤ 2.5 GiB", lambda r: r["time"] < 25 and r["rss"] <= 2.5 * 1024),
    ("100k", False): ("< 7 s", lambda r: r["time"] < 7),
}


def pages(size):
    return int(size[:-1]) * 1000 if size.endswith("k") else int(size)


def generate(folder, size, words):
    """The dossier, its `search: false` copy and its Hugo twin, in `folder` (cached)."""
    if os.path.exists(os.path.join(folder, "done")):
        return
    shutil.rmtree(folder, ignore_errors=True)
    scale = pages(size) / 10000
    args = [f"--{k}={max(1, round(v * scale))}" for k, v in SHAPE.items()] + [f"--words={words}"]
    print(f"generating {folder} ({' '.join(args)})", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, os.path.join(HERE, "gen-dossier.py"), folder, *args], check=True)
    nosearch = os.path.join(folder, "dossier-nosearch")
    shutil.copytree(os.path.join(folder, "dossier"), nosearch)
    with open(os.path.join(nosearch, "dossier.yaml"), "a", encoding="utf-8") as f:
        f.write("search: false\n")
    open(os.path.join(folder, "done"), "w").close()


def run(cmd):
    """(wall seconds, peak RSS in MiB) of one run of `cmd` (its waited-for children included)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def run_all(cmds):
    """(summed wall seconds, largest peak RSS in MiB) of `cmds` run one after the other."""
    done = [run(cmd) for cmd in cmds]
    return sum(w for w, _ in done), max(m for _, m in done)


def remove(*paths):
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)


class Dossier:
    """`dossier build` of one project into one output folder, cold, warm or after an edit."""

    def __init__(self, binary, root, out):
        self.root, self.out = root, out
        self.cmd = [binary, "build", "--quiet", "--root", root, "--output", out]
        self.edits = 0

    def cold(self):
        parent = os.path.dirname(self.out)
        remove(self.out, os.path.join(parent, f".{os.path.basename(self.out)}.dossier-spare"),
               os.path.join(self.root, ".dossier-cache"), os.path.join(parent, ".dossier-cache"))
        return run(self.cmd)

    def warm(self):
        return run(self.cmd)

    def edited(self):
        self.edits += 1
        with open(os.path.join(self.root, EDITED), "a", encoding="utf-8") as f:
            f.write(f"\nAn added sentence, edit {self.edits}, about the border village.\n")
        return run(self.cmd)

    def restore(self, text):
        with open(os.path.join(self.root, EDITED), "w", encoding="utf-8") as f:
            f.write(text)


class Peer:
    """Hugo, maybe followed by the Pagefind CLI on its output."""

    def __init__(self, source, out, pagefind):
        self.out = out
        self.cmds = [["hugo", "--quiet", "--source", source, "--destination", out]]
        if pagefind:
            self.cmds.append([pagefind, "--site", out, "--silent"])

    def cold(self):
        remove(self.out)
        return run_all(self.cmds)

    def warm(self):
        return run_all(self.cmds)


def measure_size(folder, runs, binary, hugo, pagefind):
    """{(search, mode, tool): [(wall, rss)]} for one generated size, interleaved."""
    work = os.path.join(folder, "runs")
    pairs = {}
    for search in (True, False):
        name = "dossier" if search else "dossier-nosearch"
        d = Dossier(binary, os.path.join(folder, name), os.path.join(work, f"{name}-out"))
        peer = Peer(os.path.join(folder, "hugo"), os.path.join(work, f"hugo-{search}-out"),
                    pagefind if search else None) if hugo else None
        pairs[search] = (d, peer)
    originals = {s: open(os.path.join(d.root, EDITED), encoding="utf-8").read() for s, (d, _) in pairs.items()}
    results = {}
    add = lambda key, value: results.setdefault(key, []).append(value)
    try:
        for i in range(runs):
            print(f"  run {i + 1}/{runs}", file=sys.stderr, flush=True)
            for search, (d, peer) in pairs.items():
                for mode in ("cold", "warm"):
                    add((search, mode, "dossier"), getattr(d, mode)())
                    if peer:
                        add((search, mode, "peer"), getattr(peer, mode)())
                add((search, "edit", "dossier"), d.edited())
    finally:
        for search, (d, _) in pairs.items():
            d.restore(originals[search])
        remove(work)
    return results


def shipped_project(scratch):
    """A copy of the repository's own dossier with `search: false`, in `scratch`."""
    copy = os.path.join(scratch, "shipped-nosearch")
    remove(copy)
    os.makedirs(copy)
    for name in os.listdir(ROOT):
        src = os.path.join(ROOT, name)
        if name in ("content", "themes", "static", "data") and os.path.isdir(src):
            shutil.copytree(src, os.path.join(copy, name))
    with open(os.path.join(ROOT, "dossier.yaml"), encoding="utf-8") as f:
        config = f.read()
    with open(os.path.join(copy, "dossier.yaml"), "w", encoding="utf-8") as f:
        f.write(config.rstrip("\n") + "\nsearch: false\n")
    return copy


def measure_shipped(scratch, runs, binary):
    """{search: [(wall, rss)]}: warm builds of the shipped dossier, with and without search, alternating."""
    projects = {True: Dossier(binary, ROOT, os.path.join(scratch, "shipped-out")),
                False: Dossier(binary, shipped_project(scratch), os.path.join(scratch, "shipped-nosearch-out"))}
    for d in projects.values():  # a first build, not measured: the next ones are warm
        remove(d.out)
        d.warm()
    results = {True: [], False: []}
    for _ in range(runs):
        for search, d in projects.items():
            results[search].append(d.warm())
    return results


def stats(samples):
    """(median wall, largest peak RSS)."""
    return statistics.median(w for w, _ in samples), max(m for _, m in samples)


def fmt_time(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_rss(mib):
    return f"{mib / 1024:.2f} GiB" if mib >= 1024 else f"{mib:,.0f} MiB"


def detail_rows(size, runs, results):
    """Rows of the detailed table for one size, and {(search, mode): summary} for the summary."""
    rows, summary = [], {}
    for search in (True, False):
        for mode in ("cold", "warm", "edit"):
            t, m = stats(results[(search, mode, "dossier")])
            r = {"time": t, "rss": m}
            row = (f"| {size} | {'with search' if search else '`search: false`'} | "
                   f"{ {'edit': 'warm, one edit'}.get(mode, mode)} | {runs} | {fmt_time(t)} | {fmt_rss(m)} |")
            peer = results.get((search, mode, "peer"))
            if peer:
                pt, pm = stats(peer)
                r.update(peer_time=pt, peer_rss=pm, speedup=pt / t, rss_ratio=m / pm)
                row += f" {fmt_time(pt)} | {fmt_rss(pm)} | {pt / t:.1f}× | {m / pm:.2f} |"
            else:
                row += " | | | |"
            rows.append(row)
            summary[(search, mode)] = r
    return rows, summary


def mark(ok):
    return "met" if ok else "**missed**"


def summary_row(size, search, r, peer_name):
    """The issue's row for one size and search setting."""
    label = f"{size}, with search" if search else f"{size}, `search: false`"
    peer = f"{fmt_time(r['peer_time'])}, {fmt_rss(r['peer_rss'])}" if "peer_time" in r else "not measured"
    ours = f"{fmt_time(r['time'])}, {fmt_rss(r['rss'])}"
    if "speedup" in r:
        ours += f" ({r['speedup']:.1f}×, RSS {r['rss_ratio']:.2f})"
    goal, test = GOALS.get((size, search), ("", None))
    needs_peer = size == "10k"
    ok = "" if test is None else ("n/a (no peer)" if needs_peer and "speedup" not in r else mark(test(r)))
    return f"| {label} | {peer_name if search else 'Hugo'}: {peer} | {ours} | {goal} | {ok} |"


def summary_table(summaries, shipped, peer_name):
    lines = ["| | peer (cold) | dossier (cold) | goal | |", "|---|---|---|---|---|"]
    for size, s in summaries.items():
        for search in (True, False):
            lines.append(summary_row(size, search, s[(search, "cold")], peer_name))
    if shipped:
        on, off = stats(shipped[True]), stats(shipped[False])
        lines.append(f"| shipped dossier, warm | — | {fmt_time(on[0])}, {fmt_rss(on[1])} "
                     f"({fmt_time(off[0])}, {fmt_rss(off[1])} without search) | < 25 ms | {mark(on[0] < 0.025)} |")
    for size, s in summaries.items():
        edit, cold = s[(True, "edit")]["time"], s[(True, "cold")]["time"]
        lines.append(f"| warm rebuild of {size} after one edit | — | {fmt_time(edit)} = {edit / cold:.0%} of cold "
                     f"({fmt_rss(s[(True, 'edit')]['rss'])}) | ≤ 20% of cold | {mark(edit <= 0.2 * cold)} |")
    return lines


def tools(args):
    """(hugo available, the Pagefind CLI or None), saying what is missing and how to install it."""
    hugo = not args.no_hugo and shutil.which("hugo") is not None
    if not hugo and not args.no_hugo:
        print("hugo not found (apt-get install hugo): the peer columns are left out", file=sys.stderr)
    if args.pagefind and not shutil.which(args.pagefind):
        sys.exit(f"--pagefind {args.pagefind}: no such program (npm install --prefix /tmp/pf pagefind@1.6.0 "
                 f"installs it as {DEFAULT_PAGEFIND})")
    pagefind = args.pagefind or shutil.which("pagefind") or (DEFAULT_PAGEFIND if os.path.exists(DEFAULT_PAGEFIND) else None)
    if hugo and not pagefind:
        print("the Pagefind CLI was not found (npm install --prefix /tmp/pf pagefind@1.6.0, then "
              f"--pagefind {DEFAULT_PAGEFIND}): the peer of a build with search is Hugo alone", file=sys.stderr)
    if hugo and pagefind and "1.6.0" not in version([pagefind, "--version"]):
        print(f"{pagefind} is not Pagefind 1.6.0, the version issue 24 measured against", file=sys.stderr)
    return hugo, pagefind if hugo else None


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "?"


def header(args, hugo, pagefind):
    commit = version(["git", "-C", ROOT, "log", "-1", "--format=%h %cd", "--date=short"])
    line = (f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; dossier {commit}; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; --dir {args.dir}")
    if hugo:
        line += f"; {version(['hugo', 'version']).split('+')[0]}"
    if pagefind:
        line += f"; Pagefind CLI {version([pagefind, '--version'])}"
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big-runs", type=int, default=1)
    ap.add_argument("--shipped-runs", type=int, default=30, help="0 leaves the shipped dossier out")
    ap.add_argument("--words", type=int, default=12000, help="words per generated article")
    ap.add_argument("--dir", default="/dev/shm/dossier-bench")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/dossier"))
    ap.add_argument("--pagefind", help=f"the Pagefind CLI (default: on PATH, or {DEFAULT_PAGEFIND})")
    ap.add_argument("--no-hugo", action="store_true")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo, pagefind = tools(a)
    peer_name = "Hugo + Pagefind CLI" if pagefind else ("Hugo" if hugo else "no peer")
    print(header(a, hugo, pagefind), flush=True)
    rows, summaries = [], {}
    for size in a.sizes.split(","):
        folder = os.path.join(a.dir, f"{size}-w{a.words}")
        generate(folder, size, a.words)
        runs = a.big_runs if pages(size) >= 100000 else a.runs
        print(f"{size}: {runs} runs", file=sys.stderr, flush=True)
        size_rows, summaries[size] = detail_rows(size, runs, measure_size(folder, runs, a.bin, hugo, pagefind))
        rows += size_rows
    shipped = None
    if a.shipped_runs:
        scratch = os.path.join(a.dir, "shipped")
        shipped = measure_shipped(scratch, a.shipped_runs, a.bin)
        remove(scratch)
    print()
    print(f"| pages | dossier | build | runs | dossier wall (median) | dossier peak RSS | "
          f"{peer_name} (Hugo for `search: false`) wall | peak RSS | speed-up | RSS ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print("\n".join(summary_table(summaries, shipped, peer_name)))
    print(f"\nload average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1 / 5 / 15 min)")


if __name__ == "__main__":
    main()
