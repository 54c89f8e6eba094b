#!/usr/bin/env python3
"""Edit-to-served and edit-to-visible latency of `dossier serve`, beside `hugo server`.

usage: bench/serve-visible.py [--runs 20] [--settle 300] [--skip-hugo] [--big-only]
                              [--dir /dev/shm/dossier-bench/10k] [--bin target/release/dossier]

For the shipped dossier (the repository's content/ and dossier.yaml) and the generated
10,000-page dossier (bench/gen-dossier.py; reused from --dir when it holds one, copied so
that the cache is never edited), starts the server, then edits one file RUNS times (a
paragraph appended to an article; a sentence appended to a source's body) and measures:

  edit-to-served   from the write until an HTTP GET of the page (polled every 2 ms)
                   returns the new text;
  edit-to-visible  from the write until an open Chromium tab of the page (playwright,
                   polled every 5 ms) shows the new text, whatever the server does to get
                   it there: dossier patches the page in place, Hugo reloads it.

Each edit waits --settle ms after the previous one; the first two of each series are
warm-up and dropped. Hugo (Debian package `hugo`) runs on the generated Hugo twin of the
same content in the same run, live reload on, so the ratio holds on a noisy machine.
Needs `npm install --prefix tests/browser` and Chromium (CHROMIUM, default /usr/bin/chromium).
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WARMUP = 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""


def edit(text, token, kind):
    if kind == "paragraph":
        return text.rstrip("\n") + f"\n\nA new paragraph {token}.\n"
    return text.rstrip("\n") + f" Edited {token}.\n"


def served(url, path, kind, runs, settle):
    """Edit-to-served samples (ms): write `path`, poll `url` until it holds the edit."""
    original = open(path, encoding="utf-8").read()
    samples = []
    try:
        for i in range(runs + WARMUP):
            time.sleep(settle / 1000)
            token = f"served{time.time_ns()}x{i}"
            text = edit(original, token, kind)
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            while token not in fetch(url):
                if time.perf_counter() - t0 > 60:
                    raise SystemExit(f"timed out waiting for {token} at {url}")
                time.sleep(0.002)
            samples.append((time.perf_counter() - t0) * 1e3)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
    return samples[WARMUP:]


def visible(url, path, kind, runs, settle):
    """Edit-to-visible samples (ms) and page loads, measured by serve-visible.cjs in Chromium;
    (None, the error) if the tab never showed an edit."""
    out = subprocess.run(["node", os.path.join(HERE, "serve-visible.cjs"), url, path, kind, str(runs + WARMUP),
                          str(settle)], capture_output=True, text=True)
    if out.returncode != 0:
        # One server missing an edit (Hugo has, once in a while) is a row of its own,
        # not the end of the run.
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return None, last
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["samples"][WARMUP:], result["reloads"]


def start(cmd, url, cwd=None):
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    while not fetch(url):
        if proc.poll() is not None or time.perf_counter() - started > 300:
            raise SystemExit(f"server did not start: {' '.join(cmd)}")
        time.sleep(0.05)
    time.sleep(1)  # let a search index still being made settle
    return proc


def row(site, server, edited, measure, samples, note=""):
    samples = sorted(samples)
    p90 = samples[max(0, int(len(samples) * 0.9 + 0.5) - 1)]
    print(f"| {site} | {server} | {edited} | {measure} | {statistics.median(samples):7.1f} ms "
          f"| {p90:7.1f} ms | {len(samples)} | {note} |", flush=True)


def cases(base, project, article, source):
    """(what, page URL, file, kind) of the two edits."""
    return [
        ("article paragraph", f"{base}/articles/{article}/", os.path.join(project, f"content/articles/{article}.md"),
         "paragraph"),
        ("source sentence", f"{base}/sources/{source}/", os.path.join(project, f"content/sources/{source}.md"),
         "sentence"),
    ]


def measure(site, server, proc_cmd, base, cwd, edits, args):
    proc = start(proc_cmd, base + "/", cwd=cwd)
    try:
        for what, url, path, kind in edits:
            row(site, server, what, "edit-to-served", served(url, path, kind, args.runs, args.settle))
            # (samples, page loads), or (None, why it failed)
            samples, detail = visible(url, path, kind, args.runs, args.settle)
            if samples is None:
                print(f"| {site} | {server} | {what} | edit-to-visible | — | — | 0 | failed: {detail} |", flush=True)
            else:
                row(site, server, what, "edit-to-visible", samples, f"{detail} page loads")
    finally:
        proc.terminate()
        proc.wait()


def dossier(site, binary, project, article, source, args):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [binary, "serve", "--quiet", "--port", str(port), "--root", project]
    measure(site, "dossier serve", cmd, base, None, cases(base, project, article, source), args)


def hugo(site, project, args):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = ["hugo", "server", "--port", str(port), "--bind", "127.0.0.1", "--baseURL", base + "/",
           "--appendPort=false", "--quiet"]
    measure(site, "hugo server", cmd, base, project, cases(base, project, "article-7", "src-7"), args)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--settle", type=int, default=300, help="ms between edits")
    ap.add_argument("--skip-hugo", action="store_true")
    ap.add_argument("--big-only", action="store_true")
    ap.add_argument("--dir", default="/dev/shm/dossier-bench/10k", help="a cached 10k dossier and Hugo twin")
    ap.add_argument("--bin", help="a dossier binary to measure (default: build this checkout with cargo)")
    args = ap.parse_args()
    binary = args.bin
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target/release/dossier")
    work = tempfile.mkdtemp(prefix="dossier-visible-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    print("| site | server | edit | measure | median | p90 | runs | |")
    print("|---|---|---|---|---|---|---|---|")
    try:
        if not args.big_only:
            shipped = os.path.join(work, "shipped")
            shutil.copytree(os.path.join(ROOT, "content"), os.path.join(shipped, "content"))
            shutil.copy(os.path.join(ROOT, "dossier.yaml"), shipped)
            dossier("shipped", binary, shipped, "defectors", "phil-robertson", args)
        big = os.path.join(work, "10k")
        if os.path.exists(os.path.join(args.dir, "done")):
            shutil.copytree(args.dir, big, ignore=shutil.ignore_patterns("out", "hugo-out", ".out.dossier-spare"))
        else:
            subprocess.run([sys.executable, os.path.join(HERE, "gen-dossier.py"), big], check=True)
        dossier("10k", binary, os.path.join(big, "dossier"), "article-7", "src-7", args)
        if not args.skip_hugo and shutil.which("hugo"):
            hugo("10k", os.path.join(big, "hugo"), args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
