#!/usr/bin/env python3
"""Generate a large synthetic dossier (and the equivalent Hugo site) for benchmarks.

usage: gen-dossier.py OUT [--articles 500] [--sources 7000] [--figures 2500] [--words 2000]

OUT/dossier/  a dossier project: articles with citations, figure references and
              source mentions; sources; stat and chart figures.
OUT/hugo/     the same pages as a Hugo site with minimal layouts, for comparison.
Deterministic: the same arguments give the same files.
"""
import argparse
import os
import random

WORDS = ("the army soldiers defected since february according to resistance figures said "
         "report border village fighting troops government camp leaders civilians killed "
         "month after before people country military junta spokesman group officers").split()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--sources", type=int, default=7000)
    ap.add_argument("--figures", type=int, default=2500)
    ap.add_argument("--words", type=int, default=2000)
    a = ap.parse_args()
    rng = random.Random(42)
    d = os.path.join(a.out, "dossier")
    h = os.path.join(a.out, "hugo")
    write(os.path.join(d, "dossier.yaml"),
          'title: "Synthetic dossier"\ndescription: "Benchmark"\nbase_url: "http://127.0.0.1:1111/"\n')
    write(os.path.join(d, "content/_index.md"), "---\ntitle: Synthetic dossier\n---\nA benchmark dossier.\n")
    write(os.path.join(h, "hugo.toml"),
          'baseURL = "http://127.0.0.1:1313/"\ntitle = "Synthetic dossier"\ndisableKinds = ["taxonomy", "term"]\n')
    write(os.path.join(h, "layouts/_default/baseof.html"),
          '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
          '<body><main>{{ block "main" . }}{{ end }}</main></body></html>\n')
    write(os.path.join(h, "layouts/_default/single.html"),
          '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n')
    write(os.path.join(h, "layouts/_default/list.html"),
          '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n')
    write(os.path.join(h, "content/_index.md"), "---\ntitle: Synthetic dossier\n---\nA benchmark dossier.\n")
    for i in range(a.sources):
        fm = f'---\ntitle: "Source Person{i}"\nkind: person\nrole: "Witness {i}"\n---\n'
        body = f"Source number {i}, who appears in several articles.\n"
        write(os.path.join(d, f"content/sources/src-{i}.md"), fm + body)
        write(os.path.join(h, f"content/sources/src-{i}.md"), f'---\ntitle: "Source Person{i}"\n---\n' + body)
    for i in range(a.figures):
        claimant = rng.randrange(a.sources)
        if i % 10 == 0:
            fm = (f'---\ntitle: "Chart {i}"\nkind: chart\nclaimed_by: src-{claimant}\n'
                  f'chart:\n  type: bar\n  series:\n    - {{ label: "A", value: {i + 1} }}\n    - {{ label: "B", value: {2 * i + 3} }}\n---\n')
        else:
            fm = (f'---\ntitle: "Figure {i}"\nkind: stat\nvalue: {i * 10}\nunit: soldiers\n'
                  f'claimed_by: src-{claimant}\ncites: [src-{claimant}]\n---\n')
        body = f"Figure {i} as claimed by its source.\n"
        write(os.path.join(d, f"content/figures/fig-{i}.md"), fm + body)
        write(os.path.join(h, f"content/figures/fig-{i}.md"), f'---\ntitle: "Figure {i}"\n---\n' + body)
    for i in range(a.articles):
        paragraphs = []
        words_left = a.words
        while words_left > 0:
            n = min(80, words_left)
            words = [rng.choice(WORDS) for _ in range(n)]
            s = rng.randrange(a.sources)
            words.insert(n // 2, f"Source Person{s}")
            sentence = " ".join(words)
            paragraphs.append(f"{sentence[0].upper()}{sentence[1:]} [@src-{rng.randrange(a.sources)}]. See @fig-fig-{rng.randrange(a.figures)}.")
            words_left -= n
        body = "\n\n".join(paragraphs) + "\n"
        fm = f'---\ntitle: "Article {i}"\ndate: 2021-12-20\nsummary: "Synthetic article {i}"\n---\n'
        write(os.path.join(d, f"content/articles/article-{i}.md"), fm + body)
        write(os.path.join(h, f"content/articles/article-{i}.md"), fm.replace("summary", "description") + body)


if __name__ == "__main__":
    main()
