"""Types of khabar's Rust extension (khabar._khabar); see the package's docstring."""

import os
from typing import Any, Iterable, Iterator, Literal, Optional, Tuple, TypedDict, Union

__version__: str

Html = Union[bytes, bytearray, memoryview, str]
"""A page: bytes (its charset decided as the command line does) or already-decoded str."""

class Source(TypedDict):
    kind: Literal["http", "file", "stdin", "warc", "memory"]
    file: Optional[str]
    fetched_at: Optional[str]
    status: Optional[int]

class Link(TypedDict):
    text: str
    url: str
    start: int

class Block(TypedDict, total=False):
    kind: Literal["paragraph", "heading", "list", "quote", "code", "table", "figure"]
    text: str
    level: int
    links: list[Link]
    ordered: bool
    items: list[dict[str, Any]]
    rows: list[list[dict[str, Any]]]
    language: str
    credit: str
    image_url: str

class Caption(TypedDict):
    text: str
    credit: Optional[str]
    image_url: Optional[str]

class Dateline(TypedDict):
    place: Optional[str]
    source: Optional[str]
    raw: str

class Record(TypedDict):
    """One article: the fields of docs/record.md."""

    schema: str
    id: str
    revision: int
    url: str
    page_url: Optional[str]
    source: Source
    site: str
    language: Optional[str]
    headline: Optional[str]
    title: Optional[str]
    subtitle: Optional[str]
    body: list[str]
    blocks: list[Block]
    captions: list[Caption]
    dateline: Optional[Dateline]
    published_at: Optional[str]
    modified_at: Optional[str]
    authors: list[str]
    section: Optional[str]
    tags: list[str]
    image_url: Optional[str]
    related: list[dict[str, Any]]
    word_count: int
    extraction: dict[str, Any]

class KhabarError(Exception):
    """Base class of khabar's errors."""

class ConfigError(KhabarError):
    """A configuration that cannot be used; the message names the file and line."""

    path: Optional[str]
    line: Optional[int]

def extract(
    html: Html,
    url: Optional[str] = None,
    *,
    profile: Optional[str] = None,
    charset: Optional[str] = None,
) -> list[Record]:
    """The records of one page's articles, with the configuration built into khabar."""

class Extractor:
    """Site profiles compiled once; picklable."""

    def __init__(
        self,
        config: Union[str, os.PathLike[str], None] = None,
        *,
        profile: Optional[str] = None,
    ) -> None: ...
    @property
    def config(self) -> str:
        """Where the configuration came from: a path, `<string>` or `<built-in config.toml>`."""
    @property
    def profiles(self) -> list[str]:
        """The names of the configuration's site profiles."""
    def extract(
        self, html: Html, url: Optional[str] = None, *, charset: Optional[str] = None
    ) -> list[Record]:
        """The records of one page's articles."""
    def extract_many(
        self,
        pages: Iterable[Union[Tuple[Html, Optional[str]], Html]],
        threads: Optional[int] = None,
    ) -> PageStream:
        """One list of records per page, in input order, extracted on `threads` threads."""
    def extract_warc(
        self, path: Union[str, os.PathLike[str]], threads: Optional[int] = None
    ) -> ArchiveRecords:
        """The records of an archive's HTML pages, one at a time, in file order."""

class PageStream(Iterator[list[Record]]):
    def __iter__(self) -> PageStream: ...
    def __next__(self) -> list[Record]: ...

class ArchiveRecords(Iterator[Record]):
    passed: dict[str, int]
    """Records that are not HTML pages, by kind, so far."""
    errors: list[str]
    """Damaged records skipped so far."""
    def __iter__(self) -> ArchiveRecords: ...
    def __next__(self) -> Record: ...

class WarcPage:
    """One HTML page of a web archive."""

    url: Optional[str]
    date: Optional[str]
    record_id: Optional[str]
    offset: int
    status: int
    headers: list[Tuple[str, str]]
    charset: Optional[str]
    html: bytes

class WarcPages(Iterator[WarcPage]):
    passed: dict[str, int]
    errors: list[str]
    def __iter__(self) -> WarcPages: ...
    def __next__(self) -> WarcPage: ...

def read_warc(path: Union[str, os.PathLike[str]]) -> WarcPages:
    """The HTML pages of a `.warc` or `.warc.gz`, in file order."""

def to_markdown(record: Record, *, metadata: bool = True) -> str:
    """The record as Markdown (front matter and headline with `metadata`)."""

def to_text(record: Record, *, metadata: bool = True) -> str:
    """The record as plain text."""

def to_html(record: Record, *, metadata: bool = True) -> str:
    """The record as minimal, safe HTML."""
