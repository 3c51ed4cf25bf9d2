"""What a first visit to a page transfers: its HTML and every static file it references, compressed.

`page_weight(paths)` fetches each page anonymously with Django's test client, finds the stylesheets,
scripts, icons, images and fonts it references (`<link href>`, `<script src>`, `<img src/srcset>`,
`<source srcset>`, and `url(...)` inside the stylesheets, followed recursively), reads each once, and sums
their sizes raw and compressed. Compressed means gzip at level 9, as WhiteNoise compresses static files
at `collectstatic` (brotli is not installed here), skipping the formats WhiteNoise leaves as they are
(images other than SVG, fonts that are compressed already). The HTML is counted gzipped too, as a
compressing front server would send it (nothing compresses it today: `total_raw_bytes` is what is sent
uncompressed, and stays under the limit as well). External addresses and `data:` URIs are not fetched
(a data: URI is counted in the page or stylesheet that holds it).

Used by the page-weight test (every public page ≤ 100 KB) and by the benchmark.
"""

import gzip
import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from whitenoise.compress import Compressor

ENCODING = "gzip"

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")
_SKIP_EXTENSIONS = "|".join(map(re.escape, Compressor.SKIP_COMPRESS_EXTENSIONS))
_SKIP_COMPRESS = re.compile(rf"\.({_SKIP_EXTENSIONS})$", re.IGNORECASE)


class _References(HTMLParser):
    """The addresses of the resources a browser loads with the page (not links to other pages)."""

    LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and self.LINK_RELS & set((attrs.get("rel") or "").lower().split()):
            self._add(attrs.get("href"))
        elif tag == "script":
            self._add(attrs.get("src"))
        elif tag in {"img", "source", "input", "video", "audio", "embed"}:
            self._add(attrs.get("src"))
            self._add(attrs.get("poster"))
            for candidate in (attrs.get("srcset") or "").split(","):
                self._add(candidate.strip().split(" ")[0] if candidate.strip() else None)
        elif tag == "object":
            self._add(attrs.get("data"))
        style = attrs.get("style")
        if style:
            self.urls += [match.group(2) for match in _CSS_URL.finditer(style)]

    def _add(self, url):
        if url:
            self.urls.append(url)


def _compressed_size(name: str, content: bytes) -> int:
    if not content or _SKIP_COMPRESS.search(name):
        return len(content)
    return min(len(content), len(gzip.compress(content, compresslevel=9, mtime=0)))


def _read(client: Client, path: str) -> bytes | None:
    """A same-origin resource by its path: a static file from the storage (hashed names included) or the
    finders, anything else through the application."""
    static_prefix = urlsplit(staticfiles_storage.base_url or settings.STATIC_URL).path
    if path.startswith(static_prefix):
        name = path[len(static_prefix) :]
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as handle:
                return handle.read()
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                return handle.read()
    response = client.get(path, secure=True)
    if response.status_code != 200:
        return None
    return b"".join(response.streaming_content) if response.streaming else response.content


def _host() -> str:
    """A host name the settings accept (the test client's `testserver` is not one in production)."""
    hosts = [host for host in settings.ALLOWED_HOSTS if host not in {"*", ""} and not host.startswith(".")]
    return hosts[0] if hosts else "testserver"


def page_weight(paths: list[str]) -> list[dict]:
    """For each page path: `html_bytes` and `assets_bytes` (compressed), `total_compressed_bytes`,
    `total_raw_bytes` and the number of distinct `assets` it loads. Raises if a page does not answer 200."""
    host = _host()
    client = Client(HTTP_HOST=host)
    rows = []
    for path in paths:
        response = client.get(path, secure=True)
        if response.status_code != 200:
            raise ValueError(f"{path} answered {response.status_code}")
        html = response.content
        parser = _References()
        parser.feed(html.decode(response.charset or "utf-8", errors="replace"))
        queue = [urljoin(path, url) for url in parser.urls]
        seen: set[str] = set()
        raw = compressed = found = 0
        while queue:
            url = queue.pop(0)
            parts = urlsplit(url)
            if parts.scheme not in {"", "http", "https"} or (parts.netloc and parts.netloc != host):
                continue  # data: URIs (counted where they are written) and other sites
            resource = parts.path
            if resource in seen:
                continue
            seen.add(resource)
            content = _read(client, resource)
            if content is None:
                continue
            found += 1
            raw += len(content)
            compressed += _compressed_size(resource, content)
            if posixpath.splitext(resource)[1].lower() == ".css":
                text = content.decode("utf-8", errors="replace")
                for match in (*_CSS_URL.finditer(text), *_CSS_IMPORT.finditer(text)):
                    queue.append(urljoin(resource, match.group(2).strip()))
        html_compressed = _compressed_size(path + ".html", html)
        rows.append(
            {
                "path": path,
                "html_bytes": html_compressed,
                "assets_bytes": compressed,
                "total_compressed_bytes": html_compressed + compressed,
                "total_raw_bytes": len(html) + raw,
                "assets": found,
            }
        )
    return rows
