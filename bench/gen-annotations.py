#!/usr/bin/env python3
"""Generate a dossier with one long article carrying N annotations (default 10,000).

usage: gen-annotations.py OUT [--annotations 10000] [--overlap]

Each paragraph of the article holds a sentence with a unique phrase, and each
annotation quotes one of them (kinds, notes and citations vary), as a heavily
annotated transcript does. With --overlap every annotation also gets an
enclosing one, so highlights nest. Deterministic: the same arguments give the
same files.
"""
import argparse
import os

KINDS = ["context", "verification", "disputed", "translation"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--annotations", type=int, default=10000)
    ap.add_argument("--overlap", action="store_true")
    args = ap.parse_args()
    n = args.annotations
    os.makedirs(os.path.join(args.out, "content", "articles"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "content", "sources"), exist_ok=True)
    with open(os.path.join(args.out, "dossier.yaml"), "w") as f:
        f.write('title: "Annotated transcript"\nbase_url: "https://example.org/"\nlanguage: en\n')
    with open(os.path.join(args.out, "content", "sources", "witness.md"), "w") as f:
        f.write('---\ntitle: "A witness"\nkind: person\n---\nA witness.\n')
    lines = ["---", 'title: "Transcript"', "date: 2024-01-01", "annotations:"]
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        lines.append(f"  - id: n{i}")
        lines.append(f'    quote: "statement number {i} was made"')
        lines.append(f"    kind: {kind}")
        if kind == "disputed":
            lines.append("    cites: [witness]")
        elif kind == "translation":
            lines.append(f'    correction: "declaration {i}"')
        else:
            lines.append(f'    note: "Note {i} on the *statement*."')
        if args.overlap:
            lines.append(f"  - id: o{i}")
            lines.append(f'    quote: "Speaker {i % 7}: statement number {i} was made on the record"')
            lines.append("    kind: context")
            lines.append(f'    note: "Enclosing {i}."')
    lines.append("---")
    for i in range(n):
        lines.append(f"Speaker {i % 7}: statement number {i} was made on the record, and the room was quiet.\n")
    with open(os.path.join(args.out, "content", "articles", "transcript.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
