#!/usr/bin/env python3
"""Writes the WCXB development pages as a web archive for the WARC bench: one HTTP
`response` record per page (and its `request`), gzip member per record, as CC-NEWS ships
them; also the same pages as plain files with a manifest, for the side-by-side run.

Written with warcio (an independent WARC library), so the bench also checks that khabar
reads archives it did not write. Usage: make_warc.py DATA OUTDIR
"""
import gzip
import io
import json
import os
import sys

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def main():
    data, out = sys.argv[1], sys.argv[2]
    truth = json.load(open(os.path.join(data, "ground-truth.json"), encoding="utf-8"))
    pages = os.path.join(out, "pages")
    os.makedirs(pages, exist_ok=True)
    with open(os.path.join(out, "wcxb.warc.gz"), "wb") as f, \
            open(os.path.join(out, "manifest.ndjson"), "w", encoding="utf-8") as m:
        w = WARCWriter(f, gzip=True)
        for doc_id in sorted(truth):
            url = truth[doc_id].get("url") or f"https://example.invalid/{doc_id}"
            html = gzip.open(os.path.join(data, "html", doc_id + ".html.gz")).read()
            with open(os.path.join(pages, doc_id + ".html"), "wb") as p:
                p.write(html)
            m.write(json.dumps({"file": doc_id + ".html", "url": url}) + "\n")
            head = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(html)))],
                                    protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(html),
                                                http_headers=head))
    print(len(truth))


if __name__ == "__main__":
    main()
