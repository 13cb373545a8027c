#!/usr/bin/env python3
"""Mozilla Readability's test pages as a ground-truth set in the article_bench layout.

Reads SRC/<case>/{source.html, expected.html, expected-metadata.json} (Mozilla Readability's
test-pages, Apache-2.0, copied to ../shared/bench/readability-pages) and writes

  DEST/html/<case>.html          the page as it is (source.html)
  DEST/ground-truth.json         {case: {"articleBody", "title", "publish_date", "author", "url"}}

- articleBody: the visible text of expected.html (the article as Readability extracts it):
  its text nodes outside script/style/template, a line break at every block element;
- title: expected-metadata.json `title`; author: `byline`; publish_date: the first 10
  characters (YYYY-MM-DD) of `publishedTime`, or null when it has none;
- url: `http://fakehost/test/page.html`, the address Readability's own test runner gives
  every page (relative links in the pages resolve against it).

Only the saved real sites are written (--all writes every case): a case is a real site when
its source.html is at least 10,000 bytes. The synthetic cases (`001`-style numbers aside,
`rtl-1`, `basic-tags-cleaning`, `replace-brs`, ...) are hand-written snippets of 0.2-3.8 KB
testing one cleaning rule each; the smallest saved site (daringfireball-1) is 10.1 KB. The
rule keeps 94 of the 130 cases (the data's README counts 93 real sites; `001`, a saved blog
post of 12.5 KB, and `table-style-attributes`, a saved page of jwz.org, are both kept).

Standard library only.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

REAL_SITE_MIN_BYTES = 10_000
URL = "http://fakehost/test/page.html"

BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}
SKIP = {"script", "style", "template", "noscript", "head", "title"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Text()
    p.feed(html)
    p.close()
    lines = (" ".join(line.split()) for line in "".join(p.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def is_real_site(case: Path) -> bool:
    return (case / "source.html").stat().st_size >= REAL_SITE_MIN_BYTES


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, default=Path("../shared/bench/readability-pages"))
    ap.add_argument("--dest", type=Path, required=True)
    ap.add_argument("--all", action="store_true", help="the synthetic cases too")
    args = ap.parse_args(argv)
    cases = sorted(p for p in args.src.iterdir() if (p / "source.html").is_file())
    if not cases:
        print(f"no cases under {args.src}", file=sys.stderr)
        return 1
    html_dir = args.dest / "html"
    if html_dir.exists():
        shutil.rmtree(html_dir)
    html_dir.mkdir(parents=True)
    truth = {}
    for case in cases:
        if not args.all and not is_real_site(case):
            continue
        meta = json.loads((case / "expected-metadata.json").read_text("utf-8"))
        published = meta.get("publishedTime") or None
        truth[case.name] = {
            "articleBody": visible_text((case / "expected.html").read_text("utf-8")),
            "title": meta.get("title") or None,
            "publish_date": published[:10] if published else None,
            "author": meta.get("byline") or None,
            "url": URL,
        }
        shutil.copyfile(case / "source.html", html_dir / f"{case.name}.html")
    (args.dest / "ground-truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(truth)} of {len(cases)} cases written to {args.dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
