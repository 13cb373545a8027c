"""The Scrapy side of the crawl benchmark (bench/crawl/run.sh): a spider doing what
`khabar crawl` does with bench/crawl/khabar-bench.toml on the synthetic aawsat site.

    BENCH_BASE=http://127.0.0.1:PORT scrapy runspider bench/crawl/scrapy_spider.py -O out.jsonl

Same discovery as khabar: robots.txt (obeyed, and its Sitemap: line read), the sitemap index
and its children, and the links of every fetched page, kept when they match the profile's
`article_urls` (extracted) or `follow` (fetched for more links) patterns. Same extraction,
field by field, with the profile's CSS selectors: one record per `.node--type-article`
with its headline, subtitle, body paragraphs (embeds and read-also boxes left out), byline,
dates, image, captions and related cards, plus the page's canonical URL, JSON-LD and
Open Graph metadata, an id (SHA-256 of the URL) and a word count.

Settings are the ones a user would write for an unthrottled crawl (32 requests at once,
on one host too; no delay; no AutoThrottle; robots.txt obeyed); run.sh overrides them on
the command line (-s) for the throttled run.
"""

import hashlib
import html
import json
import os
import re

import scrapy
from scrapy.spiders import SitemapSpider
from w3lib.html import remove_tags

BASE = os.environ.get("BENCH_BASE", "http://127.0.0.1:8080").rstrip("/")

# The shipped aawsat profile's patterns (config.toml), with the host swapped for 127.0.0.1.
ARTICLE = re.compile(r"^https?://127\.0\.0\.1(:\d+)?/([^/?#]+/)*\d+-[^/?#]+$")
FOLLOW = re.compile(r"^https?://127\.0\.0\.1(:\d+)?/[^?#]*(\?page=\d+)?$")

DROP_CLASSES = ["twitter-tweet", "instagram-media", "tiktok-embed", "read-also", "ad", "advertisement"]
DROP_XPATH = " or ".join(
    [f'contains(concat(" ", normalize-space(@class), " "), " {c} ")' for c in DROP_CLASSES]
    + ["self::iframe", "self::script", "self::style", "self::noscript", "self::form"]
)
WS = re.compile(r"\s+")
WORD = re.compile(r"\w")
BR = re.compile(r"<br\s*/?>", re.I)


def clean(s):
    if s is None:
        return None
    s = WS.sub(" ", s.replace("\u200f", "").replace("\u200e", "").replace("\u061c", "")).strip()
    return s or None


def text_of(sel):
    return clean(" ".join(sel.css("::text").getall()))


def first(node, *selectors):
    """The first selector giving a non-empty value, like a profile's field list. A selector
    ending in `@attr` reads that attribute."""
    for s in selectors:
        if "@" in s:
            css, attr = s.rsplit("@", 1)
            v = node.css(f"{css}::attr({attr})").get() if css else node.attrib.get(attr)
            v = clean(v)
        else:
            found = node.css(s)
            v = text_of(found[0]) if found else None
        if v:
            return v
    return None


class BenchSpider(SitemapSpider):
    name = "aawsat_bench"
    sitemap_urls = [BASE + "/robots.txt"]
    sitemap_rules = [(ARTICLE, "parse_article"), (FOLLOW, "parse_page")]
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "DEPTH_LIMIT": 10,
        "USER_AGENT": "scrapy-bench (loopback benchmark)",
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "FEED_EXPORT_ENCODING": "utf-8",
    }

    async def start(self):
        async for r in super().start():
            yield r
        yield scrapy.Request(BASE + "/", callback=self.parse_page)

    # discovery ---------------------------------------------------------------------------

    def follow_links(self, response):
        if not hasattr(response, "css"):
            return
        for href in response.css("a[href]:not([rel~=nofollow])::attr(href)").getall():
            url = response.urljoin(href.strip()).split("#", 1)[0]
            if ARTICLE.match(url):
                yield scrapy.Request(url, callback=self.parse_article)
            elif FOLLOW.match(url):
                yield scrapy.Request(url, callback=self.parse_page)

    def parse_page(self, response):
        # a followed URL may be the RSS feed: its items are articles
        ctype = response.headers.get("Content-Type", b"").decode("latin-1")
        if "xml" in ctype or "rss" in ctype:
            for link in response.xpath("//item/link/text()").getall():
                url = link.strip()
                if ARTICLE.match(url):
                    yield scrapy.Request(url, callback=self.parse_article)
            return
        yield from self.follow_links(response)

    # extraction --------------------------------------------------------------------------

    def parse_article(self, response):
        meta = self.page_metadata(response)
        for k, node in enumerate(response.css(".node--type-article")):
            yield self.record(response, node, meta if k == 0 else {})
        yield from self.follow_links(response)

    def page_metadata(self, response):
        m = {"canonical": response.css('link[rel="canonical"]::attr(href)').get()}
        for prop in ("og:title", "og:image", "og:url", "article:published_time", "article:section"):
            m[prop] = response.css(f'meta[property="{prop}"]::attr(content)').get()
        for raw in response.css('script[type="application/ld+json"]::text').getall():
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            for item in data.get("@graph", [data]) if isinstance(data, dict) else data:
                if isinstance(item, dict) and item.get("@type") in ("NewsArticle", "Article"):
                    m["ld"] = item
        return m

    def record(self, response, node, meta):
        ld = meta.get("ld", {})
        url = meta.get("canonical") or response.urljoin(node.attrib.get("data-url", "")) or response.url
        body = []
        content = node.css(".printable-area .entry-content")
        for el in content.css("p, h2, h3, h4"):
            if el.xpath(f"ancestor-or-self::*[{DROP_XPATH}]"):
                continue
            # a <p> holding <br>-separated paragraphs gives one paragraph per part
            for part in BR.split(el.get()):
                part = clean(html.unescape(remove_tags(part)))
                if part:
                    body.append(part)
        captions, seen = [], set()
        for item in node.css(".entry-media"):
            text = first(item, ".img-caption", "figcaption", "img@alt")
            if text and text not in seen:
                seen.add(text)
                captions.append({"text": text, "image": first(item, "img@src")})
        related = []
        for card in node.css(".related-articles .article-item"):
            href = first(card, ".article-item-title a@href", ".article-item-img a@href")
            if not href:
                continue
            related.append({
                "url": response.urljoin(href),
                "title": first(card, ".article-item-title a", ".article-item-title"),
                "section": first(card, ".article-item-section"),
                "summary": first(card, ".article-item-summary"),
                "dateline": first(card, ".article-item-dateline"),
                "caption": first(card, ".article-item-img .img-caption", ".article-item-img img@alt"),
                "image": first(card, ".article-item-img img@src"),
            })
        text = " ".join(body)
        return {
            "id": hashlib.sha256(url.encode()).hexdigest(),
            "url": url,
            "site": "bench",
            "headline": first(node, ".entry-title h1", ".printable-area .print-title") or meta.get("og:title"),
            "subtitle": first(node, ".entry-subtitle"),
            "body": body,
            "byline": first(node, ".entry-byline"),
            "published_at": first(node, ".entry-date time@datetime", ".entry-date")
            or ld.get("datePublished") or meta.get("article:published_time"),
            "modified_at": ld.get("dateModified"),
            "section": ld.get("articleSection") or meta.get("article:section"),
            "image_url": first(node, ".entry-media img@src") or meta.get("og:image"),
            "captions": captions,
            "related": related,
            "word_count": sum(1 for w in text.split() if WORD.search(w)),
            "source": {"status": response.status},
        }
