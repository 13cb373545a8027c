"""The readers and the matching of structure.py on small inputs:
python3 -m pytest bench/structure"""
from structure import khabar_structure, markdown_structure, match, truth_structure


def test_truth_reads_each_kind():
    html = """<div>
      <h1>Renamed away</h1><h2>Section  One</h2>
      <ul><li>first <b>item</b><ul><li>nested</li></ul></li><li> </li></ul>
      <blockquote><p>Said it.</p><blockquote>inner</blockquote></blockquote>
      <table><tr><th>A</th><td>1</td></tr></table>
      <table><tr><td><table><tr><td>in</td></tr></table></td></tr></table>
      <pre>x = 1
y = 2</pre></div>"""
    s = truth_structure(html)
    assert s["heading"] == ["section one"]
    assert s["list_item"] == ["first item", "nested"]
    assert s["quote"] == ["said it. inner"]
    assert s["table_cell"] == ["a", "1", "in"]  # the outer table nests one: left out
    assert s["code"] == ["x = 1 y = 2"]


def test_khabar_joins_quotes_and_walks_nested_items():
    rec = {"blocks": [
        {"kind": "heading", "level": 2, "text": "Head"},
        {"kind": "quote", "text": "One."}, {"kind": "quote", "text": "Two."},
        {"kind": "paragraph", "text": "p"},
        {"kind": "quote", "text": "Three."},
        {"kind": "list", "ordered": False, "text": "a\nb", "items": [
            {"text": "a", "list": {"ordered": True, "items": [{"text": "b"}]}}, {"text": ""}]},
        {"kind": "table", "text": "x y", "rows": [[{"text": "x", "header": True}, {"text": "y"}]]},
        {"kind": "code", "text": "f()", "language": None},
    ]}
    s = khabar_structure(rec)
    assert s == {"heading": ["head"], "list_item": ["a", "b"], "quote": ["one. two.", "three."],
                 "table_cell": ["x", "y"], "code": ["f()"]}


def test_markdown_reader():
    md = """# The Title

## Part **one**

- item <sup>1</sup>
  - sub
- `code` item

> quoted
> more

| A | B |
|---|---|
| 1 | 2 |
|---|---|
| 3 | 4 |

```
fenced
```

        indented
"""
    s, info = markdown_structure(md, title="The title")
    assert s["heading"] == ["part one"]
    assert info["h1_dropped"] == 1
    assert s["list_item"] == ["sub", "item 1", "code item"]
    assert s["quote"] == ["quoted more"]
    assert s["table_cell"] == ["a", "b", "1", "2", "3", "4"]
    assert info["rule_cells"] == 2
    assert s["code"] == ["fenced", "indented"]
    assert info["code_indented"] == 1 and info["code_fenced"] == ["fenced"]


def test_match_is_one_to_one_exact_then_fuzzy():
    truth = ["alpha beta gamma delta epsilon", "same", "same", "unrelated words here"]
    pred = ["same", "alpha beta gamma delta epsilon zeta", "other"]
    matched, t_left, p_left = match(truth, pred)
    assert matched == 2
    assert sorted(t_left) == ["same", "unrelated words here"]
    assert p_left == ["other"]
    # below the threshold: no pair
    assert match(["a b c d"], ["a b x y"])[0] == 0
