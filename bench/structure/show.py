#!/usr/bin/env python3
"""One page's structure, truth vs khabar vs trafilatura, from the last run's outputs.

    python3 bench/structure/show.py CASE [KIND ...] [--width 70]

Reads bench/structure/out/{khabar.ndjson, trafilatura.jsonl} and the case's expected.html,
and prints, per kind, the three lists of normalised texts (as scored), each text marked
`=` when it is matched (equal or word-set F1 >= 0.8) and `-` when not.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # no __pycache__ in bench/generic or here
sys.path.insert(0, str(HERE))

from structure import KINDS, khabar_structure, markdown_structure, match, truth_structure  # noqa: E402


def marked(texts, left, width):
    left = list(left)
    out = []
    for t in texts:
        if t in left:
            left.remove(t)
            out.append(f"  - {t[:width]}")
        else:
            out.append(f"  = {t[:width]}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("kinds", nargs="*", default=list(KINDS))
    ap.add_argument("--src", type=Path, default=HERE.parent.parent.parent / "shared" / "bench" / "readability-pages")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--width", type=int, default=70)
    args = ap.parse_args(argv)
    rec = next((json.loads(line) for line in (args.out / "khabar.ndjson").open(encoding="utf-8")
                if Path(json.loads(line)["source"]["file"]).name == f"{args.case}.html"), {})
    traf = next((json.loads(line) for line in (args.out / "trafilatura.jsonl").open(encoding="utf-8")
                 if json.loads(line)["id"] == args.case), {})
    truth = truth_structure((args.src / args.case / "expected.html").read_bytes().decode("utf-8"))
    tools = {"khabar": khabar_structure(rec),
             "trafilatura": markdown_structure(traf.get("markdown"), traf.get("title"))[0]}
    for kind in args.kinds:
        print(f"### {kind}")
        print(f"truth ({len(truth[kind])})")
        for tool, s in tools.items():
            m, t_left, p_left = match(truth[kind], s[kind])
            if tool == "khabar":
                print("\n".join(marked(truth[kind], t_left, args.width)) or "  (none)")
            else:
                # the truth's marks are per tool: show which truth texts trafilatura missed
                print(f"truth texts trafilatura missed: {len(t_left)}")
                for t in t_left:
                    print(f"  - {t[:args.width]}")
            print(f"{tool} ({len(s[kind])}, matched {m})")
            print("\n".join(marked(s[kind], p_left, args.width)) or "  (none)")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
