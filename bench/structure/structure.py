"""The article's structure as multisets of texts per kind, and how two of them are matched.

Three readers give, for one page, a dict {kind: [normalised text, ...]} over the same five
kinds (KINDS):

- truth_structure(expected_html): Readability's expected.html, parsed with lxml;
- khabar_structure(record): the `blocks` array of a khabar NDJSON record;
- markdown_structure(md, title): trafilatura's Markdown, parsed with markdown-it-py.

match(truth, pred) pairs them one to one: equal texts first, then the remaining pairs whose
word-set F1 is at least MATCH_F1, best first.
"""
from __future__ import annotations

import re
from collections import Counter

KINDS = ("heading", "list_item", "quote", "table_cell", "code")
MATCH_F1 = 0.8

_WORD = re.compile(r"\w+")
_TABLE_RULE = re.compile(r"^:?-{3,}:?$")


def norm(text: str | None) -> str:
    """White space folded, stripped, casefolded."""
    return " ".join((text or "").split()).casefold()


def _add(out: dict, key: str, text: str | None) -> None:
    t = norm(text)
    if t:
        out[key].append(t)


def empty() -> dict:
    return {k: [] for k in KINDS}


# --- truth: expected.html -------------------------------------------------------------------

# elements that end a line: their text is kept apart from their neighbours' (`<p>a</p><p>b</p>`
# reads "a b", not "ab")
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})


def _text_without(el, skip: frozenset = frozenset()) -> str:
    """el's text, a space at each block element's edges, leaving out the subtrees of
    descendants whose tag is in skip."""
    parts = [el.text or ""]
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag and tag not in skip:
            block = tag in _BLOCKS
            parts.append(" " if block else "")
            parts.append(_text_without(child, skip))
            parts.append(" " if block else "")
        parts.append(child.tail or "")
    return "".join(parts)


_LISTS = frozenset({"ul", "ol"})


def truth_structure(html: bytes | str) -> dict:
    import lxml.html

    doc = lxml.html.fromstring(html)
    out = empty()
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue  # comments, processing instructions
        tag = el.tag.lower()
        if tag in ("h2", "h3", "h4", "h5", "h6"):
            _add(out, "heading", _text_without(el))
        elif tag == "li":
            _add(out, "list_item", _text_without(el, _LISTS))
        elif tag == "blockquote":
            # a quote inside a quote is part of the outer one's text, not a second quote
            if not any(a.tag == "blockquote" for a in el.iterancestors() if isinstance(a.tag, str)):
                _add(out, "quote", _text_without(el))
        elif tag in ("td", "th"):
            table = next((a for a in el.iterancestors() if a.tag == "table"), None)
            if table is not None and not table.xpath(".//table"):
                _add(out, "table_cell", _text_without(el))
        elif tag == "pre":
            if not any(a.tag == "pre" for a in el.iterancestors() if isinstance(a.tag, str)):
                _add(out, "code", el.text_content())
    return out


# --- khabar: the record's blocks ------------------------------------------------------------

def _list_items(lst: dict, out: dict) -> None:
    for item in lst.get("items") or []:
        _add(out, "list_item", item.get("text"))
        if item.get("list"):
            _list_items(item["list"], out)


def khabar_structure(record: dict) -> dict:
    out = empty()
    quote: list[str] = []  # consecutive quote blocks, joined into one quote
    for block in record.get("blocks") or []:
        kind = block.get("kind")
        if kind != "quote" and quote:
            _add(out, "quote", " ".join(quote))
            quote = []
        if kind == "heading":
            _add(out, "heading", block.get("text"))
        elif kind == "list":
            _list_items(block, out)
        elif kind == "quote":
            quote.append(block.get("text") or "")
        elif kind == "table":
            for row in block.get("rows") or []:
                for cell in row:
                    _add(out, "table_cell", cell.get("text"))
        elif kind == "code":
            _add(out, "code", block.get("text"))
    if quote:
        _add(out, "quote", " ".join(quote))
    return out


def khabar_heading_levels(record: dict) -> Counter:
    return Counter(b.get("level") for b in record.get("blocks") or [] if b.get("kind") == "heading")


# --- trafilatura: its Markdown --------------------------------------------------------------

_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt

        _PARSER = MarkdownIt("commonmark").enable("table")
    return _PARSER


def _inline_text(tok) -> str:
    """The plain text of an inline token: text and code spans; raw HTML tags (<sup>) left out."""
    parts = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return "".join(parts)


def markdown_structure(md: str | None, title: str | None = None) -> tuple[dict, dict]:
    """The multisets, and a few counts of what was set aside (level-1 headings, rule rows)."""
    out = empty()
    info = {"h1_dropped": 0, "h1_kept": 0, "rule_cells": 0, "code_indented": 0, "code_fenced": []}
    if not md:
        return out, info
    tokens = _parser().parse(md)
    title_n = norm(title)
    heading = None       # level of the heading being read
    items: list[list[str]] = []     # one buffer per open list item, innermost last
    quotes: list[str] | None = None  # the outermost blockquote's text
    quote_depth = 0
    cell: list[str] | None = None
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading = int(tok.tag[1])
        elif t == "heading_close":
            heading = None
        elif t == "list_item_open":
            items.append([])
        elif t == "list_item_close":
            _add(out, "list_item", " ".join(items.pop()))
        elif t == "blockquote_open":
            quote_depth += 1
            if quote_depth == 1:
                quotes = []
        elif t == "blockquote_close":
            quote_depth -= 1
            if quote_depth == 0:
                _add(out, "quote", " ".join(quotes or []))
                quotes = None
        elif t in ("th_open", "td_open"):
            cell = []
        elif t in ("th_close", "td_close"):
            text = norm(" ".join(cell or []))
            # trafilatura writes a |---|---| rule under rows other than the first too; the
            # parser reads those as rows of cells holding dashes
            if _TABLE_RULE.match(text):
                info["rule_cells"] += 1
            else:
                _add(out, "table_cell", text)
            cell = None
        elif t in ("fence", "code_block"):
            _add(out, "code", tok.content)
            if t == "fence":
                _add(info, "code_fenced", tok.content)
            else:
                info["code_indented"] += 1
            if items:
                items[-1].append(tok.content)
            if quotes is not None:
                quotes.append(tok.content)
        elif t == "inline":
            text = _inline_text(tok)
            if heading is not None:
                if heading == 1 and title_n and norm(text) == title_n:
                    info["h1_dropped"] += 1
                else:
                    info["h1_kept"] += heading == 1
                    _add(out, "heading", text)
            if cell is not None:
                cell.append(text)
            if items:
                items[-1].append(text)
            if quotes is not None:
                quotes.append(text)
    return out, info


# --- matching -------------------------------------------------------------------------------

def word_f1(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def match(truth: list[str], pred: list[str], threshold: float = MATCH_F1):
    """One-to-one pairs of truth and predicted texts: equal texts first (a multiset
    intersection), then, greedily best first, the remaining pairs whose word-set F1 reaches the
    threshold. Returns (matched count, the unmatched truth texts, the unmatched predictions)."""
    t_left = Counter(truth)
    p_left = Counter(pred)
    exact = t_left & p_left
    t_left -= exact
    p_left -= exact
    matched = sum(exact.values())
    ts = list(t_left.elements())
    ps = list(p_left.elements())
    if ts and ps:
        tw = [frozenset(_WORD.findall(x)) for x in ts]
        pw = [frozenset(_WORD.findall(x)) for x in ps]
        # F1 >= threshold needs the smaller set to be at least threshold / (2 - threshold) of
        # the larger one
        ratio = threshold / (2 - threshold)
        pairs = []
        for i, a in enumerate(tw):
            if not a:
                continue
            for j, b in enumerate(pw):
                if not b or min(len(a), len(b)) < ratio * max(len(a), len(b)):
                    continue
                f = word_f1(a, b)
                if f >= threshold:
                    pairs.append((-f, i, j))
        pairs.sort()
        used_t, used_p = set(), set()
        for _, i, j in pairs:
            if i in used_t or j in used_p:
                continue
            used_t.add(i)
            used_p.add(j)
        matched += len(used_t)
        ts = [x for i, x in enumerate(ts) if i not in used_t]
        ps = [x for j, x in enumerate(ps) if j not in used_p]
    return matched, ts, ps
