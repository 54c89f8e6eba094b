#!/usr/bin/env python3
"""Edit-to-served latency of `dossier serve`, and of `hugo server` on equivalent content.

usage: bench/serve-latency.py [--runs 20] [--skip-hugo] [--big-only]

For each site (the shipped dossier, and a generated 10,000-page dossier from
bench/gen-dossier.py), starts the server, then repeatedly edits one file (an
article paragraph; a source's body) and polls the page that must change until
the new text is served. Reports the median and 90th percentile in ms. Hugo
(Debian package `hugo`) runs on the generated Hugo twin of the same content in
the same run, so the ratio holds on a noisy machine.
"""
import argparse
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


def wait_for(url, needle, timeout=60):
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in fetch(url):
            return time.perf_counter()
        time.sleep(0.002)
    raise SystemExit(f"timed out waiting for {needle!r} at {url}")


def measure(url, path, make_edit, runs, warmup=2):
    """Edits `path` `runs` times; returns latencies (ms) until `url` serves the edit."""
    original = open(path, encoding="utf-8").read()
    samples = []
    try:
        for i in range(runs + warmup):
            token = f"edit{time.time_ns()}x{i}"
            edited = make_edit(original, token)
            time.sleep(0.15)  # let the previous rebuild settle
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(edited)
            t1 = wait_for(url, token)
            if i >= warmup:
                samples.append((t1 - t0) * 1e3)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
    return samples


def report(name, samples):
    samples = sorted(samples)
    p90 = samples[int(len(samples) * 0.9) - 1]
    print(f"  {name:<44} median {statistics.median(samples):7.1f} ms   p90 {p90:7.1f} ms   (n={len(samples)})")
    return statistics.median(samples)


def start(cmd, url, cwd=None):
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.perf_counter()
    while not fetch(url):
        if proc.poll() is not None or time.perf_counter() - start > 300:
            raise SystemExit(f"server did not start: {' '.join(cmd)}")
        time.sleep(0.05)
    return proc


def dossier_cases(binary, project, runs, article, source):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start([binary, "serve", "--quiet", "--port", str(port), "--root", project], base + "/")
    try:
        a = measure(f"{base}/articles/{article}/", os.path.join(project, f"content/articles/{article}.md"),
                    lambda text, tok: text.rstrip("\n") + f"\n\nA new paragraph {tok}.\n", runs)
        s = measure(f"{base}/sources/{source}/", os.path.join(project, f"content/sources/{source}.md"),
                    lambda text, tok: text.rstrip("\n") + f" Edited {tok}.\n", runs)
    finally:
        proc.terminate()
        proc.wait()
    return a, s


def hugo_cases(project, runs):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(["hugo", "server", "--port", str(port), "--bind", "127.0.0.1", "--disableLiveReload",
                  "--baseURL", base + "/", "--appendPort=false", "--quiet"], base + "/", cwd=project)
    try:
        a = measure(f"{base}/articles/article-7/", os.path.join(project, "content/articles/article-7.md"),
                    lambda text, tok: text.rstrip("\n") + f"\n\nA new paragraph {tok}.\n", runs)
        s = measure(f"{base}/sources/src-7/", os.path.join(project, "content/sources/src-7.md"),
                    lambda text, tok: text.rstrip("\n") + f" Edited {tok}.\n", runs)
    finally:
        proc.terminate()
        proc.wait()
    return a, s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--skip-hugo", action="store_true")
    ap.add_argument("--big-only", action="store_true")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target/release/dossier")
    work = tempfile.mkdtemp(prefix="dossier-bench-")
    try:
        if not args.big_only:
            shipped = os.path.join(work, "shipped")
            shutil.copytree(os.path.join(ROOT, "content"), os.path.join(shipped, "content"))
            shutil.copy(os.path.join(ROOT, "dossier.yaml"), shipped)
            print("shipped dossier (dossier serve):")
            a, s = dossier_cases(binary, shipped, args.runs, "defectors", "phil-robertson")
            report("edit an article paragraph", a)
            report("edit a source's body", s)
        subprocess.run([sys.executable, os.path.join(HERE, "gen-dossier.py"), work], check=True)
        print("generated dossier, 10,007 pages (dossier serve):")
        da, ds = dossier_cases(binary, os.path.join(work, "dossier"), args.runs, "article-7", "src-7")
        ma, ms = report("edit an article paragraph", da), report("edit a source's body", ds)
        if not args.skip_hugo and shutil.which("hugo"):
            version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()
            print(f"same content, {version.split()[0]} {version.split()[1]} (hugo server):")
            ha, hs = hugo_cases(os.path.join(work, "hugo"), args.runs)
            ra, rs = report("edit an article paragraph", ha), report("edit a source's body", hs)
            print(f"ratio hugo/dossier (median): article {ra / ma:.1f}x, source {rs / ms:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
