"""khabar: news article pages in, clean structured records out.

One record per article, as a dict with the fields of the ``khabar`` command line's NDJSON
records (see docs/record.md): headline, body and its structure (``blocks``), dates,
authors, captions, related articles, and where each field came from. The extractor is
written in Rust; it runs with the GIL released.

    >>> import khabar
    >>> html = open("fixtures/aawsat/seed.html", "rb").read()
    >>> record = khabar.extract(html, "https://aawsat.com/...")[0]
    >>> record["headline"], record["published_at"]

For many pages, compile the configuration once and let khabar use every core::

    >>> extractor = khabar.Extractor()            # or Extractor("config.toml")
    >>> for records in extractor.extract_many((html, url) for html, url in pages):
    ...     ...
    >>> for record in extractor.extract_warc("CC-NEWS-20250101000000-00000.warc.gz"):
    ...     ...
"""

from ._khabar import (
    ConfigError,
    Extractor,
    KhabarError,
    WarcPage,
    __version__,
    extract,
    read_warc,
    to_html,
    to_markdown,
    to_text,
)

__all__ = [
    "ConfigError",
    "Extractor",
    "KhabarError",
    "WarcPage",
    "__version__",
    "extract",
    "read_warc",
    "to_html",
    "to_markdown",
    "to_text",
]
