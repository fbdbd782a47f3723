"""A real local HTTP server that serves the fixture feeds and the bad cases.

Standalone (no Django import), so tests start it in a thread and the
benchmark runs it as a subprocess: ``python tests/feed_server.py --port 8765``.

Paths:
  /feeds/<file>                  a file from tests/data/feeds (ETag, 304 on If-None-Match)
  /charset/<charset>/<file>      the file with ``; charset=<charset>`` in Content-Type
  /type/<type>/<sub>/<file>      the file with that Content-Type and no charset
  /redirect/<n>/<file>           n redirects, then the file
  /loop                          redirects to itself
  /status/<code>                 that status
  /slow/<seconds>/<file>         waits before answering
  /delay/<seconds>/<path>        waits, then answers as <path> (a remote feed's latency: /delay/0.5/bench/a/50)
  /huge/<megabytes>              an endless-looking RSS body, no Content-Length
  /bench/<feed>/<items>          generated RSS of <items> entries (ETag, 304)
  /news/<feed>/<items>/<day>     generated news-like RSS (wire copies, shared stories, own stories; news_items)
  /set/...                       bodies set by a test with ``server.set(path, body, ...)``
Every request is logged in ``server.requests`` as (path, headers).
"""

import argparse
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS_DIR = Path(__file__).resolve().parent / "data" / "feeds"
TYPES = {
    ".xml": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".rdf": "application/rdf+xml",
    ".txt": "text/plain",
}


def bench_feed(name: str, items: int) -> bytes:
    """A plausible RSS 2.0 feed of ``items`` entries, the same bytes every time."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Bench {name}</title><link>https://bench.example.com/{name}/</link><language>en</language>"
    ]
    for i in range(items):
        parts.append(
            f"<item><title>Report {i} from {name}: talks on trade &amp; security resume</title>"
            f"<link>https://bench.example.com/{name}/articles/{i}?utm_source=rss&amp;utm_medium=feed</link>"
            f'<guid isPermaLink="false">{name}-{i}</guid>'
            f"<pubDate>Tue, 10 Jun 2025 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate>"
            f"<description>&lt;p&gt;Ministers from Peru and Mexico met on day {i} to discuss the asylum row "
            f"and the diplomatic ties between the two countries.&lt;/p&gt;</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


_SYLLABLES = (
    "ka lo mi ra tu sen dor vel mar qui zan pel ost rin bal tor fen gal hu ix "
    "bre cas dun eth fro gim har jul kes lum nor pas ros sul tam ud vin wes yor zel"
).split()
NEWS_START = 1_780_272_000  # 2026-06-01 00:00 UTC: day 0 of /news/ feeds


def _word(k: int) -> str:
    """The k-th made-up word (2–4 syllables, scrambled so that neighbours share no prefix), the same every time."""
    k = (k * 2_654_435_761) % 4_294_967_296
    parts = [_SYLLABLES[k % 40], _SYLLABLES[(k // 40) % 40]]
    k //= 1600
    for _ in range(k % 3):
        k //= 3
        parts.append(_SYLLABLES[k % 40])
        k //= 40
    return "".join(parts)


def news_items(name: str, items: int, day: int) -> list[dict]:
    """``items`` plausible articles of feed ``name`` on ``day`` (0 = NEWS_START; negative: earlier), deterministic.

    About 30% are wire copies (the same text in every feed that carries them),
    35% other outlets' reports of a shared story (its names and key words, their
    own wording), 35% stories of their own; the rest of each text is drawn from a
    Zipf-like general vocabulary, so common words are common and names rare.
    """
    import random

    out = []
    wires, stories = max(1, items // 3), max(1, items // 2)
    for i in range(items):
        rng = random.Random(f"{name}/{day}/{i}")
        kind = rng.random()
        if kind < 0.30:
            seed, story = f"wire/{day}/{rng.randrange(wires)}", None
        elif kind < 0.65:
            story = f"story/{day}/{rng.randrange(stories)}"
            seed = f"{name}/{day}/{i}"
        else:
            story = seed = f"own/{name}/{day}/{i}"
        text = random.Random(seed)
        keys = random.Random(story or seed)
        names = [_word(60_000 + keys.randrange(200_000)).title() for _ in range(2)]
        key_words = [_word(3_000 + keys.randrange(50_000)) for _ in range(6)]

        title_words = [*names[:1], *key_words[:2], *(_word(int(3000 ** text.random()) - 1) for _ in range(4))]
        text.shuffle(title_words)
        summary_words = [*names, *key_words, *(_word(int(3000 ** text.random()) - 1) for _ in range(22))]
        text.shuffle(summary_words)
        title = " ".join(title_words).capitalize()
        summary = (" ".join(summary_words).capitalize() + f" {text.randrange(2, 500)} said.").replace(" ka ", ", ka ")
        published = NEWS_START + day * 86400 + (i * 86400) // items + rng.randrange(60)
        out.append({"guid": f"{name}-{day}-{i}", "title": title, "summary": summary, "published": published})
    return out


def news_feed(name: str, items: int, day: int) -> bytes:
    """``news_items`` as an RSS 2.0 feed."""
    from email.utils import formatdate

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>News {name}</title><link>https://news.example.com/{name}/</link><language>en</language>"
    ]
    for item in news_items(name, items, day):
        parts.append(
            f"<item><title>{item['title']}</title><link>https://news.example.com/{name}/{item['guid']}</link>"
            f'<guid isPermaLink="false">{item["guid"]}</guid><pubDate>{formatdate(item["published"], usegmt=True)}</pubDate>'
            f"<description>{item['summary']}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


class FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write (flushed after each request), with
    # Nagle off: no 40 ms delayed-ACK stall per keep-alive response.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: "FeedServer"

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self.server.requests.append((self.path, dict(self.headers)))
        path = self.path.split("?", 1)[0]
        try:
            self._route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, body: bytes = b"", content_type: str = "text/plain", headers: dict | None = None):
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and status != 304:
            self.wfile.write(body)

    def _send_feed(self, body: bytes, content_type: str, headers: dict | None = None):
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, headers={"ETag": etag})
        self._send(200, body, content_type, {"ETag": etag, **(headers or {})})

    def _file(self, name: str) -> bytes | None:
        path = (FEEDS_DIR / name).resolve()
        if FEEDS_DIR not in path.parents or not path.is_file():
            return None
        return path.read_bytes()

    def _route(self, path: str):
        parts = [p for p in path.split("/") if p]
        if path in self.server.dynamic:
            status, body, content_type, headers = self.server.dynamic[path]
            return self._send_feed(body, content_type, headers) if status == 200 else self._send(status, body, headers=headers)
        head = parts[0] if parts else ""
        if head == "feeds" and len(parts) == 2:
            body = self._file(parts[1])
            if body is None:
                return self._send(404, b"no such feed")
            return self._send_feed(body, TYPES.get(Path(parts[1]).suffix, "application/octet-stream"))
        if head == "charset" and len(parts) == 3:
            body = self._file(parts[2])
            kind = TYPES.get(Path(parts[2]).suffix, "application/xml").split(";")[0]
            return self._send_feed(body or b"", f"{kind}; charset={parts[1]}")
        if head == "type" and len(parts) == 4:
            return self._send_feed(self._file(parts[3]) or b"", f"{parts[1]}/{parts[2]}")
        if head == "redirect" and len(parts) == 3:
            hops = int(parts[1])
            target = f"/feeds/{parts[2]}" if hops <= 0 else f"/redirect/{hops - 1}/{parts[2]}"
            return self._send(302, headers={"Location": target})
        if head == "loop":
            return self._send(302, headers={"Location": "/loop"})
        if head == "status" and len(parts) == 2:
            return self._send(int(parts[1]), f"status {parts[1]}".encode())
        if head == "slow" and len(parts) == 3:
            time.sleep(float(parts[1]))
            body = self._file(parts[2]) or b""
            return self._send_feed(body, "application/rss+xml")
        if head == "delay" and len(parts) > 2:
            time.sleep(float(parts[1]))
            return self._route("/" + "/".join(parts[2:]))
        if head == "huge" and len(parts) == 2:
            return self._huge(int(parts[1]))
        if head == "bench" and len(parts) == 3:
            key = (parts[1], int(parts[2]))
            body = self.server.bench_cache.get(key)
            if body is None:
                body = self.server.bench_cache[key] = bench_feed(*key)
            return self._send_feed(body, "application/rss+xml; charset=utf-8")
        if head == "news" and len(parts) == 4:
            key = (f"news/{parts[1]}/{parts[3]}", int(parts[2]))
            body = self.server.bench_cache.get(key)
            if body is None:
                body = self.server.bench_cache[key] = news_feed(parts[1], int(parts[2]), int(parts[3]))
            return self._send_feed(body, "application/rss+xml; charset=utf-8")
        return self._send(404, b"not found")

    def _huge(self, megabytes: int):
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>')
        chunk = b"<item><title>" + b"x" * 1000 + b"</title><link>https://huge.example.com/</link></item>"
        for _ in range(megabytes * 1024 * 1024 // len(chunk)):
            self.wfile.write(chunk)
            self.wfile.flush()


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address=("127.0.0.1", 0)):
        super().__init__(address, FeedHandler)
        self.requests: list[tuple[str, dict]] = []
        self.dynamic: dict[str, tuple[int, bytes, str, dict]] = {}
        self.bench_cache: dict[tuple[str, int], bytes] = {}

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def set(
        self, path: str, body: bytes, *, status: int = 200, content_type: str = "application/rss+xml", headers: dict | None = None
    ) -> str:
        """Serve ``body`` at ``path`` (from now on); returns its URL."""
        self.dynamic[path] = (status, body, content_type, headers or {})
        return self.url(path)

    def start(self) -> "FeedServer":
        threading.Thread(target=self.serve_forever, name="feed-server", daemon=True).start()
        return self


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = FeedServer(("127.0.0.1", args.port))
    print(f"serving on {server.base_url}", flush=True)
    server.serve_forever()
