"""The scrapy-redis side of the shared-frontier benchmark (bench/shared/run.sh): the crawl
benchmark's Scrapy spider (bench/crawl/scrapy_spider.py: the same discovery and the same
extraction as khabar's profile) with its scheduler and duplicate filter in Redis, as
scrapy-redis sets up many Scrapy processes to share one crawl.

    BENCH_BASE=http://127.0.0.1:PORT BENCH_REDIS=redis://127.0.0.1:PORT/0 \
        scrapy runspider bench/shared/scrapy_redis_spider.py -O out.jsonl

The start addresses (robots.txt, for its Sitemap: line, and the home page) are pushed to
the Redis list `bench:start` by run.sh before the workers start; a worker ends after
MAX_IDLE_TIME_BEFORE_CLOSE seconds with nothing to do (scrapy-redis's own way to end;
it does not know what the other workers still have in flight).
"""

import os
import sys

import scrapy
from scrapy_redis.spiders import RedisMixin

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crawl"))
from scrapy_spider import BenchSpider  # noqa: E402


class SharedBenchSpider(RedisMixin, BenchSpider):
    name = "aawsat_bench_shared"
    redis_key = "bench:start"
    custom_settings = {
        **BenchSpider.custom_settings,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0"),
        "MAX_IDLE_TIME_BEFORE_CLOSE": int(os.environ.get("BENCH_IDLE", "3")),
    }

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        return spider

    async def start(self):
        for request in self.next_requests():
            yield request

    def make_request_from_data(self, data):
        url = data.decode("utf-8")
        if url.endswith("/robots.txt"):
            return scrapy.Request(url, callback=self._parse_sitemap, dont_filter=True)
        return scrapy.Request(url, callback=self.parse_page, dont_filter=True)
