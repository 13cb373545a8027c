"""The record's ``blocks`` as DuckDB reads them: one row per block with ``UNNEST``, fields
of every kind reachable by name, links and table cells by ``UNNEST`` again. These are the
queries docs/record.md shows."""

import duckdb

from conftest import records


def test_unnest_blocks_gives_one_row_per_block(structure_ndjson):
    con = duckdb.connect()
    rows = con.execute(
        "SELECT b.kind, count(*) FROM read_json_auto(?), UNNEST(blocks) AS t(b) "
        "GROUP BY ALL ORDER BY ALL",
        [str(structure_ndjson)],
    ).fetchall()
    want: dict[str, int] = {}
    for r in records(structure_ndjson):
        for b in r["blocks"]:
            want[b["kind"]] = want.get(b["kind"], 0) + 1
    assert dict(rows) == want
    assert {"heading", "list", "code", "quote", "table", "paragraph"} <= set(want)


def test_section_headings_by_level(structure_ndjson):
    con = duckdb.connect()
    # a list function keeps the blocks' order (UNNEST rows come in no promised order)
    (got,) = con.execute(
        "SELECT list_transform(list_filter(blocks, lambda b: b.kind = 'heading'), "
        "lambda b: [b.level::VARCHAR, b.text]) FROM read_json_auto(?) WHERE language = 'ar'",
        [str(structure_ndjson)],
    ).fetchone()
    assert got == [
        ["2", "ركن خاص لكتب الأطفال"],
        ["3", "أسعار مخفضة للطلاب"],
        ["2", "برنامج الندوات"],
    ]


def test_links_and_table_cells_unnest_again(structure_ndjson):
    con = duckdb.connect()
    links = con.execute(
        "SELECT l.url FROM read_json_auto(?), UNNEST(blocks) AS t(b), UNNEST(b.links) AS u(l) "
        "ORDER BY 1",
        [str(structure_ndjson)],
    ).fetchall()
    assert [u for (u,) in links] == [
        "https://harbour-times.example/business/port-strike-begins",
        "https://harbour-times.example/documents/night-shift-agreement",
        "https://riverton-ledger.example/documents/2026-roads-survey.pdf",
    ]
    header = con.execute(
        "SELECT list_transform(b.rows[1], lambda c: c.text) FROM read_json_auto(?), "
        "UNNEST(blocks) AS t(b) WHERE b.kind = 'table'",
        [str(structure_ndjson)],
    ).fetchall()
    assert header == [(["Department", "2025", "2026"],)]
    code = con.execute(
        "SELECT b.language, b.text FROM read_json_auto(?), UNNEST(blocks) AS t(b) "
        "WHERE b.kind = 'code' ORDER BY len(b.text) DESC LIMIT 1",
        [str(structure_ndjson)],
    ).fetchone()
    assert code[0] == "python"
    assert code[1].startswith("def records(stream):\n    while True:")


def test_markdown_field_reads_as_one_column(cli, tmp_path):
    out = tmp_path / "with-markdown.ndjson"
    out.write_text(
        cli(
            "extract",
            "--manifest",
            "fixtures/structure/manifest.ndjson",
            "fixtures/structure",
            "--include",
            "markdown",
        ),
        encoding="utf-8",
    )
    con = duckdb.connect()
    (md,) = con.execute(
        "SELECT markdown FROM read_json_auto(?) WHERE url LIKE '%winter-storm%'", [str(out)]
    ).fetchone()
    assert "1. Check the heating" in md
    assert "\n   - drinking water" in md
