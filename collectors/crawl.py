"""Scrapy crawl of one `page` source, run as its own process:

    python -m collectors.crawl SPEC.json OUT.jsonl

so the Twisted reactor never meets the caller's event loop or threads. SPEC is written by
`collectors.platforms.web_page`; OUT gets one JSON object per line: {"type": "article" |
"skip" | "error" | "stats", ...}."""

from __future__ import annotations

import asyncio
import json
import re
import resource
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.response import response_status_message
from twisted.python.failure import Failure

from collectors.extract import extract_article
from collectors.retry import RETRY_STATUSES, backoff_s, retry_after_s
from collectors.text import canonical_url, decode_body, short_hash

_SKIP_EXTENSIONS = re.compile(
    r"\.(pdf|jpe?g|png|gif|webp|svg|mp[34]|mov|zip|docx?|xlsx?|pptx?|ics|css|js)$", re.I
)
_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(urlset|sitemapindex)\b")


def _peak_kb() -> int:
    # VmHWM is this process's own peak; ru_maxrss would include the parent's from the fork.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


class SourceSpider(scrapy.Spider):
    name = "oov_source"

    def __init__(self, spec: dict[str, Any], out: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.out = out
        self.start_url: str = spec["url"]
        self.site = _site(self.start_url)
        self.max_depth: int = spec["max_depth"]
        self.max_pages: int = spec["max_pages"]
        self.pattern = re.compile(spec["follow_pattern"]) if spec.get("follow_pattern") else None
        self.seen: set[str] = set(spec.get("seen", []))
        self.scheduled: set[str] = set()
        self.requested = 0  # pages requested beyond the start page
        self.over_limit = 0  # links not followed because of max_pages
        self.pages = 0

    def emit(self, record: dict[str, Any]) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.scheduled.add(canonical_url(self.start_url))
        yield scrapy.Request(
            self.start_url,
            callback=self.parse_start,
            errback=self.on_error,
            cb_kwargs={"depth": 0},
            meta={"is_start": True},
        )

    def closed(self, reason: str) -> None:
        if self.over_limit:
            self.emit(
                {
                    "type": "skip",
                    "url": None,
                    "reason": f"page limit reached (max_pages={self.max_pages}): "
                    f"{self.over_limit} more links not followed",
                }
            )
        self.emit(
            {"type": "stats", "pages": self.pages, "reason": reason, "peak_rss_kb": _peak_kb()}
        )

    # -- link following ---------------------------------------------------------------

    def follow(self, response: Response, urls: list[str], depth: int) -> Iterator[scrapy.Request]:
        for raw in urls:
            url = urldefrag(urljoin(response.url, raw.strip()))[0]
            if not url.startswith(("http://", "https://")) or _SKIP_EXTENSIONS.search(
                urlsplit(url).path
            ):
                continue
            if _site(url) != self.site:
                continue  # same site only
            key = canonical_url(url)
            # Matched against the canonical form, so tracking parameters do not hide a link.
            if self.pattern and not self.pattern.search(key):
                continue
            if key in self.scheduled:
                continue
            self.scheduled.add(key)
            if short_hash(key, 12) in self.seen:
                continue  # delivered on an earlier run: do not fetch again
            if self.requested >= self.max_pages:
                self.over_limit += 1
                continue
            self.requested += 1
            yield scrapy.Request(
                url, callback=self.parse_page, errback=self.on_error, cb_kwargs={"depth": depth}
            )

    # -- callbacks --------------------------------------------------------------------

    def parse_start(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        self.pages += 1
        if _SITEMAP_ROOT.search(response.body[:2048]):
            yield from self.parse_sitemap(response)
            return
        if not isinstance(response, TextResponse):
            self.emit({"type": "error", "message": f"{response.url} is not an HTML page"})
            return
        if self.max_depth == 0:
            self.emit_article(response)
            return
        yield from self.follow(response, response.css("a::attr(href)").getall(), depth + 1)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        selector = scrapy.Selector(text=response.body.decode("utf-8", "replace"), type="xml")
        selector.remove_namespaces()
        nested = selector.xpath("//sitemapindex/sitemap/loc/text()").getall()
        for url in nested[: self.max_pages]:
            if _site(url) == self.site:
                yield scrapy.Request(
                    url.strip(), callback=self.parse_sitemap, errback=self.on_error
                )
        # A sitemap lists articles directly: they count as depth 1.
        yield from self.follow(response, selector.xpath("//url/loc/text()").getall(), 1)

    def parse_page(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        self.pages += 1
        if not isinstance(response, TextResponse):
            self.emit({"type": "skip", "url": response.url, "reason": "not an HTML page"})
            return
        self.emit_article(response)
        if depth < self.max_depth:
            yield from self.follow(response, response.css("a::attr(href)").getall(), depth + 1)

    def emit_article(self, response: TextResponse) -> None:
        # Our own decoding: a valid UTF-8 body wins over a lying charset label.
        html, _ = decode_body(response.body, response.encoding)
        article = extract_article(html, response.url)
        if article is None:
            self.emit({"type": "skip", "url": response.url, "reason": "no article text found"})
            return
        canonical = article.canonical_url
        if canonical:
            canonical = urljoin(response.url, canonical)
            if _site(canonical) != self.site:
                canonical = None  # a canonical on another site is not this page's id
        url = canonical or response.url
        self.emit(
            {
                "type": "article",
                "url": url,
                "fetched_url": response.url,
                "title": article.title,
                "text": article.text,
                "author": article.author,
                "published_at": article.published_at.isoformat()
                if article.published_at
                else None,
            }
        )

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        is_start = bool(request.meta.get("is_start"))
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            text = str(failure.value) or "request ignored"
            reason = "forbidden by robots.txt" if "robots" in text.lower() else text
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
            if "maxsize" in reason.lower() or "cancelled" in reason.lower():
                reason = f"larger than the size cap ({reason})"
        if is_start:
            self.emit({"type": "error", "message": f"start page {request.url}: {reason}"})
        else:
            self.emit({"type": "skip", "url": request.url, "reason": reason})


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, plus exponential backoff and the server's Retry-After (429/5xx).
    A Retry-After longer than we are willing to wait gives up on the page for this run."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base_s = settings.getfloat("OOV_BACKOFF_BASE_S", 1.0)
        self.max_retry_after_s = settings.getfloat("OOV_MAX_RETRY_AFTER_S", 120.0)

    async def process_response(  # type: ignore[override]
        self, request: scrapy.Request, response: Response, spider: Any = None
    ) -> scrapy.Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retries = int(request.meta.get("retry_times", 0))
        if retries >= self.max_retry_times:
            return response
        wait = backoff_s(self.backoff_base_s, retries)
        header = response.headers.get(b"Retry-After")
        after = retry_after_s(header.decode("latin-1") if header else None)
        if after is not None:
            if after > self.max_retry_after_s:
                return response
            wait = max(wait, after)
        await asyncio.sleep(wait)
        return self._retry(request, response_status_message(response.status)) or response


def crawler_settings(spec: dict[str, Any]) -> dict[str, Any]:
    net = spec["settings"]
    return {
        "USER_AGENT": net["user_agent"],
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "From": net["contact"],
        },
        "ROBOTSTXT_OBEY": net["obey_robots"],
        "CONCURRENT_REQUESTS": 1,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": net["per_domain_delay_s"],
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "DOWNLOAD_TIMEOUT": net["timeout_s"],
        # Also caps the decompressed size (compression bombs) since Scrapy 2.11.
        "DOWNLOAD_MAXSIZE": net["max_bytes"],
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": net["max_redirects"],
        "RETRY_ENABLED": net["retries"] > 0,
        "RETRY_TIMES": net["retries"],
        "RETRY_HTTP_CODES": sorted(RETRY_STATUSES),
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "collectors.crawl.PoliteRetryMiddleware": 550,
        },
        "OOV_BACKOFF_BASE_S": net["backoff_base_s"],
        "OOV_MAX_RETRY_AFTER_S": net["max_retry_after_s"],
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "ERROR",
        "LOG_ENABLED": True,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "CLOSESPIDER_PAGECOUNT": spec["max_pages"] + 5,
        "CLOSESPIDER_TIMEOUT": net["crawl_timeout_s"],
        "DEPTH_LIMIT": spec["max_depth"] + 2,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m collectors.crawl SPEC.json OUT.jsonl", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    with open(argv[1], "w", encoding="utf-8") as out:
        process = CrawlerProcess(settings=crawler_settings(spec))
        process.crawl(SourceSpider, spec=spec, out=out)
        process.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
