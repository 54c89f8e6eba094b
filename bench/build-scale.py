#!/usr/bin/env python3
"""Cold and warm full builds of generated 1k/10k/100k-page dossiers, paired with Hugo.

usage: bench/build-scale.py [--sizes 1k,10k,100k] [--runs 5] [--big-runs 1] [--dir /dev/shm/dossier-bench]
                            [--bin target/release/dossier] [--no-hugo] [--pagefind BIN]

Generates each dossier and its Hugo twin with bench/gen-dossier.py (cached in --dir and
reused; put it on tmpfs), then builds them in pairs, A B A B:
  cold: the output folder (and dossier's spare folder) removed before every run;
  warm: built again into the output of the previous run;
  check: `dossier check` (everything but writing), dossier alone.
Prints the median wall time and the peak RSS (getrusage of the child) of each, and the
ratios dossier / Hugo. Sizes of 100k pages and more run --big-runs times (Hugo takes ~1 min).
dossier's build includes a search index and Hugo's does not: with --pagefind (the Pagefind
CLI, e.g. `npm install --prefix /tmp/pf pagefind@1.6.0` then
--pagefind /tmp/pf/node_modules/.bin/pagefind; found on PATH by default), it also times Hugo
followed by `pagefind --site` on Hugo's output, the way a Hugo site gets the same search
(wall: the sum; RSS: the larger of the two).
Needs `hugo` (apt-get install hugo); builds dossier with `cargo build --release` first.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# pages = articles + sources + figures + the landing page; the 10k shape is gen-dossier's default.
SHAPE = {"articles": 500, "sources": 7000, "figures": 2500}


def pages(size):
    return int(size[:-1]) * 1000 if size.endswith("k") else int(size)


def generate(folder, size):
    if os.path.exists(os.path.join(folder, "done")):
        return
    shutil.rmtree(folder, ignore_errors=True)
    scale = pages(size) / 10000
    args = [f"--{k}={max(1, round(v * scale))}" for k, v in SHAPE.items()]
    subprocess.run([sys.executable, os.path.join(HERE, "gen-dossier.py"), folder, *args], check=True)
    open(os.path.join(folder, "done"), "w").close()


def run(cmd):
    """(wall seconds, peak RSS in MiB) of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def run_all(cmds):
    """(summed wall seconds, largest peak RSS in MiB) of `cmds` run one after the other."""
    done = [run(cmd) for cmd in cmds]
    return sum(w for w, _ in done), max(m for _, m in done)


def measure(folder, runs, binary, hugo, pagefind):
    out, spare, hout = (os.path.join(folder, n) for n in ("out", ".out.dossier-spare", "hugo-out"))
    tools = {"dossier": ([[binary, "build", "--quiet", "--root", os.path.join(folder, "dossier"), "--output", out]],
                         [out, spare])}
    hugo_cmd = ["hugo", "--quiet", "--source", os.path.join(folder, "hugo"), "--destination", hout]
    if hugo:
        tools["hugo"] = ([hugo_cmd], [hout])
    if hugo and pagefind:
        tools["hugo+pagefind"] = ([hugo_cmd, [pagefind, "--site", hout, "--silent"]], [hout])
    results = {(t, m): [] for t in tools for m in ("cold", "warm")}
    results[("dossier", "check")] = []
    for _ in range(runs):
        results[("dossier", "check")].append(run([binary, "check", "--quiet", "--root", os.path.join(folder, "dossier")]))
        for name, (cmd, outputs) in tools.items():  # A B A B: noise hits both alike
            for o in outputs:
                shutil.rmtree(o, ignore_errors=True)
            results[(name, "cold")].append(run_all(cmd))
            results[(name, "warm")].append(run_all(cmd))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1k,10k,100k")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big-runs", type=int, default=1)
    ap.add_argument("--dir", default="/dev/shm/dossier-bench")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/dossier"))
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--pagefind", default=shutil.which("pagefind"))
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo = not a.no_hugo and shutil.which("hugo") is not None
    pagefind = hugo and a.pagefind is not None
    rows = []
    for size in a.sizes.split(","):
        folder = os.path.join(a.dir, size)
        generate(folder, size)
        runs = a.big_runs if pages(size) >= 100000 else a.runs
        res = measure(folder, runs, a.bin, hugo, a.pagefind if pagefind else None)
        for mode in ("cold", "warm", "check"):
            if mode == "check":
                d = res[("dossier", mode)]
                rows.append(f"| {size:>4} | `check` | {runs} | {statistics.median(w for w, _ in d):6.2f} s | "
                            f"{max(m for _, m in d):6.0f} MiB |" + (" | | | |" if hugo else "")
                            + (" | |" if pagefind else ""))
                print(rows[-1], flush=True)
                continue
            d = res[("dossier", mode)]
            dt, dm = statistics.median(w for w, _ in d), max(m for _, m in d)
            row = f"| {size:>4} | {mode} | {runs} | {dt:6.2f} s | {dm:6.0f} MiB |"
            if hugo:
                h = res[("hugo", mode)]
                ht, hm = statistics.median(w for w, _ in h), max(m for _, m in h)
                row += f" {ht:6.2f} s | {hm:6.0f} MiB | {ht / dt:5.1f}× | {dm / hm:5.2f} |"
            if pagefind:
                p = res[("hugo+pagefind", mode)]
                pt = statistics.median(w for w, _ in p)
                row += f" {pt:6.2f} s | {pt / dt:5.1f}× |"
            rows.append(row)
            print(row, flush=True)
    print()
    head = "| pages | build | runs | dossier wall (median) | dossier peak RSS |"
    sep = "|---|---|---|---|---|"
    if hugo:
        head += " Hugo wall | Hugo peak RSS | speed-up | RSS ratio |"
        sep += "---|---|---|---|"
    if pagefind:
        head += " Hugo + Pagefind wall | speed-up |"
        sep += "---|---|"
    print(head)
    print(sep)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
