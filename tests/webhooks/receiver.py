"""A webhook receiver on loopback, as an app backend would write one (standalone: no Django, no webhooks import).

It checks each POST's signature the way docs/webhooks.md tells receivers to
(HMAC-SHA256 of ``"<t>.<body>"`` with the endpoint's secret, ``t`` within five
minutes), records what came, and answers ``status`` (200 unless a test says
otherwise). ``stop()`` takes it off the network (connections refused) and
``start()`` brings it back on the same port.
"""

import contextlib
import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WINDOW = 300


def verify(header: str, body: bytes, secret: str, now: float | None = None) -> bool:
    """The receiver's check: one ``t``, recent, and a ``v1`` equal to our own HMAC of ``"<t>.<body>"``."""
    pairs = [item.split("=", 1) for item in header.split(",") if "=" in item]
    stamps = [value for key, value in pairs if key == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit() or abs((now or time.time()) - int(stamps[0])) > WINDOW:
        return False
    expected = hmac.new(secret.encode(), stamps[0].encode() + b"." + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, value) for key, value in pairs if key == "v1")


@dataclass
class Received:
    at: float
    path: str
    headers: dict
    body: bytes
    verified: bool
    answered: int

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format, *args):
        pass

    def setup(self):
        super().setup()
        self.server.connections.add(self.connection)

    def finish(self):
        super().finish()
        self.server.connections.discard(self.connection)

    def do_POST(self):
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        verified = verify(self.headers.get("Newsroom-Signature", ""), body, receiver.secret)
        status = receiver.status if verified else 401
        receiver.received.append(Received(time.time(), self.path, dict(self.headers), body, verified, status))
        answer = b"ok" if status < 300 else f"status {status}".encode()
        self.send_response(status)
        for key, value in receiver.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *args):
        super().__init__(*args)
        self.connections: set[socket.socket] = set()


class Receiver:
    def __init__(self, secret: str = ""):
        self.secret = secret
        self.status = 200
        self.headers: dict[str, str] = {}
        self.received: list[Received] = []
        self.port = 0
        self._server: _Server | None = None

    def start(self) -> "Receiver":
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.receiver = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), name="webhook-receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            for connection in list(self._server.connections):  # kept-alive connections go down too
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._server = None

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def accepted(self) -> list[dict]:
        """The events answered with a 2xx, in arrival order."""
        return [r.event for r in self.received if 200 <= r.answered < 300]
