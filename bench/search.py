#!/usr/bin/env python3
"""Search and list pages at scale, on the generated 10,000-page dossier (bench/gen-dossier.py).

usage: bench/search.py [--runs 3] [--keep DIR] [--words 2000] [--bytes-only]
       bench/search.py --site DIR     (only the bytes to the first results, of a site built already,
                                       e.g. one whose pagefind/ was changed by hand, served at its root)
       (needs chromium and `npm install --prefix tests/browser`; builds the release binary)

Reports:
- bytes transferred in Chromium (empty cache) until the first results show, for a
  one-word and a two-word query, pasted and typed a key every 250 ms (all requests
  since opening the search page, by kind of file: bench/search-bytes.cjs), and the time
  from the query to the first results;
- the search index's build time as a share of the full build: what it adds to a cold
  build (the same dossier built with `search: false` in `dossier.yaml`, runs interleaved,
  medians of --runs), and, from `dossier --verbose build`, the indexing thread's own time
  and the time the build waits for it at the end (it runs beside the template rendering,
  so the wait alone understates its cost);
- the largest HTML page;
- in `dossier serve`, after a one-article edit: the rebuild, and how long after the pages
  the search index is current (shipped dossier and 10,000 pages).
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import gzip
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, "target", "release", "dossier")
QUERIES = ["defected", "border village"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GzipHandler(SimpleHTTPRequestHandler):
    """A static host that gzips text (HTML, CSS, JS, JSON), as most do; Pagefind's own
    files are compressed already and are sent as they are."""
    TEXT = (".html", ".css", ".js", ".json", "/")

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if ("gzip" not in self.headers.get("Accept-Encoding", "") or not os.path.isfile(path)
                or not self.path.split("?")[0].endswith(self.TEXT)):
            return super().send_head()
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io
        return io.BytesIO(body)


def measure_queries(www, gzip_text, typed=None, under="dossier/"):
    """Runs search-bytes.cjs against `www` served with or without gzip (the query pasted,
    or typed a key every `typed` ms), the site under `under`; its JSON lines."""
    handler = GzipHandler if gzip_text else SimpleHTTPRequestHandler
    if not gzip_text:
        handler = type("Quiet", (SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=www))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{under}search/"
        typing = ["--type", str(typed)] if typed else []
        p = subprocess.run(["node", os.path.join(HERE, "search-bytes.cjs"), *typing, url, *QUERIES],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(p.stderr)
        return [json.loads(line) for line in p.stdout.splitlines()]
    finally:
        server.shutdown()


def build(root, out, verbose=True):
    """One cold full build (into an empty `out`); (wall ms, {phase: ms})."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    p = subprocess.run([BIN, "--verbose" if verbose else "--quiet", "build", "--root", root, "--output", out],
                       capture_output=True, text=True)
    wall = (time.monotonic() - started) * 1e3
    if p.returncode != 0:
        sys.exit(p.stderr)
    phases = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\s+(\w[\w:(), ]*?)\s+([\d.]+) ms$", p.stderr, re.M)}
    return wall, phases


def largest_html(out):
    best = (0, "")
    for folder, _, files in os.walk(out):
        for f in files:
            if f.endswith(".html"):
                path = os.path.join(folder, f)
                best = max(best, (os.path.getsize(path), os.path.relpath(path, out)))
    return best


def serve_reindex(root, article):
    """Starts `dossier serve`, edits `article`; returns what it says about the rebuild."""
    port = free_port()
    p = subprocess.Popen([BIN, "serve", "--root", root, "--port", str(port)],
                         stderr=subprocess.PIPE, text=True)
    try:
        for line in p.stderr:
            if line.startswith("Serving on"):
                break
        path = os.path.join(root, article)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\nA zanzibarite paragraph added by the benchmark.\n")
        # The pages are served first ("Rebuilt ..."); the index catches up after them.
        rebuilt, searched = "", ""
        for line in p.stderr:
            if line.startswith("Search index updated"):
                searched = line.strip()
            if line.startswith("Rebuilt"):
                rebuilt = line.strip()
            if rebuilt and searched:
                break
        return rebuilt, searched
    finally:
        p.terminate()
        p.wait()


KINDS = ["HTML", "CSS", "JS (theme)", "pagefind.js", "pagefind-worker.js", "wasm", "pf_meta",
         "pagefind (other)", "index chunks", "filters", "fragments", "other"]


def report_bytes(www, under="dossier/"):
    """Bytes to the first results, by host and typing, with each kind of file's share."""
    for gzip_text, host, typed in [(False, "a host that sends files as they are", None),
                                   (True, "a host that gzips text", None),
                                   (True, "a host that gzips text", 250)]:
        how = f"typed a key every {typed} ms" if typed else "pasted"
        print(f"served by {host} (python3 http.server{' + gzip' if gzip_text else ''}), empty cache, query {how}:")
        for r in measure_queries(www, gzip_text, typed, under):
            print(f"  query {r['query']!r}: {r['status']}, {r['results_shown']} shown; first results {r['ms_to_first_results']} ms "
                  f"after the last key; {r['bytes_total'] / 1e3:.0f} KB transferred since opening the search page "
                  f"({r['bytes_before_typing'] / 1e3:.0f} KB before the first key) (target < 300 KB)")
            kinds = r["by_kind"]
            print("      by kind:", "; ".join(
                f"{k} {kinds[k]['bytes'] / 1e3:.1f} KB" + (f" ({kinds[k]['files']} files)" if kinds[k]["files"] > 1 else "")
                for k in KINDS if k in kinds))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="work in this folder and keep it")
    ap.add_argument("--words", type=int, default=2000, help="words per article (gen-dossier.py --words)")
    ap.add_argument("--bytes-only", action="store_true", help="one build, then only the bytes to the first results")
    ap.add_argument("--site", help="only measure the bytes of this built site (served at its root)")
    a = ap.parse_args()
    if a.site:
        report_bytes(os.path.abspath(a.site), under="")
        return
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    # A tmpfs, where there is one: on a disk, writing 20,000 files can take longer than the build.
    work = a.keep or tempfile.mkdtemp(prefix="dossier-search-bench.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.makedirs(work, exist_ok=True)
    try:
        gen = os.path.join(work, "gen")
        if not os.path.isdir(os.path.join(gen, "dossier")):
            subprocess.run([sys.executable, os.path.join(HERE, "gen-dossier.py"), gen, "--words", str(a.words)], check=True,
                           stdout=subprocess.DEVNULL)
        root = os.path.join(gen, "dossier")
        www = os.path.join(work, "www")
        out = os.path.join(www, "dossier")  # served under /dossier/, as on a project site
        if a.bytes_only:
            build(root, out, verbose=False)
            report_bytes(www)
            return
        # The same dossier without a search index, to measure what the index adds.
        plain = os.path.join(work, "plain")
        if not os.path.isdir(plain):
            shutil.copytree(root, plain, ignore=shutil.ignore_patterns("public"))
            with open(os.path.join(plain, "dossier.yaml"), "a") as f:
                f.write("\nsearch: false\n")
        with_index, without = [], []
        for _ in range(a.runs):
            with_index.append(build(root, out, verbose=False)[0])
            without.append(build(plain, out, verbose=False)[0])
        wall, bare = statistics.median(with_index), statistics.median(without)
        runs = [build(root, out) for _ in range(a.runs)]
        # The index builds on its own thread while pages render: its own time, and what the
        # build waits for it (preparing its records, then waiting for the thread).
        own = statistics.median(r[1].get("search (thread)", 0.0) for r in runs)
        adding = statistics.median(r[1].get("of it, records", 0.0) for r in runs)
        waits = statistics.median(r[1].get("search: records", 0.0) + r[1].get("search: wait", 0.0) for r in runs)
        pages = sum(1 for _, _, fs in os.walk(out) for f in fs if f.endswith(".html"))
        size, biggest = largest_html(out)
        index_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(out, "pagefind")) for f in fs)
        print(f"generated dossier: {pages} HTML pages, search index {index_bytes / 1e6:.1f} MB on disk")
        print(f"full build, cold (median of {a.runs}): {wall:.0f} ms; with `search: false`: {bare:.0f} ms")
        print(f"  search index, what it adds to the build: {wall - bare:.0f} ms = {100 * (wall - bare) / wall:.1f}% "
              f"of the full build (target < 15%)")
        verbose_wall = statistics.median(r[0] for r in runs)
        print(f"  search index, its own thread: {own:.0f} ms ({adding:.0f} ms adding records, the rest making "
              f"the index files), beside the pages")
        print(f"  search index, what the build waits for at its end: {waits:.0f} ms = "
              f"{100 * waits / verbose_wall:.1f}% of a --verbose build ({verbose_wall:.0f} ms)")
        print(f"largest HTML page: {biggest}, {size / 1e3:.0f} KB (target < 200 KB)")

        report_bytes(www)
        shipped = os.path.join(work, "shipped")
        if not os.path.isdir(shipped):
            os.makedirs(shipped)
            shutil.copytree(os.path.join(ROOT, "content"), os.path.join(shipped, "content"))
            shutil.copy(os.path.join(ROOT, "dossier.yaml"), shipped)
        for name, site, article in [("shipped dossier", shipped, "content/articles/defectors.md"),
                                    ("10,000 pages", root, "content/articles/article-0.md")]:
            rebuilt, searched = serve_reindex(site, article)
            print(f"serve, one article edited ({name}): {rebuilt}; {searched}")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
