"""Running Varnish in front of the web processes: ``make serve-edge``, the tests and the load test.

``Varnish(backend=..., port=...)`` writes ``deploy/varnish/newsroom.vcl`` with the backend's address (and
extra purgers) into a working directory of its own and starts ``varnishd`` in the foreground there;
``stop()`` ends it and removes the directory. Debian: ``apt-get install varnish varnish-modules``.

``python deploy/edge.py`` (``make serve-edge``): gunicorn on GUNICORN_BIND (127.0.0.1:8000) and Varnish on
EDGE_BIND (127.0.0.1:6081) in front of it, the application purging that Varnish (EDGE_PURGE_URLS) and
counting the reader's address Varnish saw (API_TRUSTED_PROXIES=1); Ctrl-C stops both.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"


def varnishd_path() -> str | None:
    return shutil.which("varnishd") or next((p for p in ("/usr/sbin/varnishd",) if os.path.exists(p)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vcl_for(*, backend: str | list[str], purgers: list[str] = ()) -> str:
    """The VCL with the backend at ``backend`` (host:port; several: web hosts taken in turn, each probed, a host
    found down left out until it is up again) and ``purgers`` (addresses or networks) allowed."""
    backends = [backend] if isinstance(backend, str) else list(backend)
    text = VCL.read_text()
    block = re.search(r"^backend default \{.*?^\}\n", text, flags=re.S | re.M).group(0)
    written = []
    for i, address in enumerate(backends):
        host, port = address.rsplit(":", 1)
        one = re.sub(r'\.host = "[^"]*";', f'.host = "{host}";', block, count=1)
        one = re.sub(r'\.port = "[^"]*";', f'.port = "{port}";', one, count=1)
        written.append(one if len(backends) == 1 else one.replace("backend default {", f"backend web{i} {{", 1))
    if len(backends) > 1:
        added = "".join(f"    web.add_backend(web{i});\n" for i in range(len(backends)))
        written.append(f"sub vcl_init {{\n    new web = directors.round_robin();\n{added}}}\n")
        text = text.replace("import std;\n", "import directors;\nimport std;\n", 1)
        text = text.replace("sub vcl_recv {\n", "sub vcl_recv {\n    set req.backend_hint = web.backend();\n", 1)
    text = text.replace(block, "\n".join(written), 1)
    acl = "".join(f'    "{p.split("/")[0]}"{"/" + p.split("/")[1] if "/" in p else ""};\n' for p in purgers)
    return text.replace("    # EDGE_PURGERS\n", acl)


class Varnish:
    """One varnishd of our own: a temporary working directory, a port, a backend (or several web hosts)."""

    def __init__(
        self, *, backend: str | list[str], port: int | None = None, purgers: list[str] = (), memory: str = "128m", nice: int = 0
    ):
        self.backend, self.port, self.purgers, self.memory = backend, port or free_port(), list(purgers), memory
        self.nice = nice  # a load test on one machine: the edge yields the CPU to the backend
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 20) -> "Varnish":
        binary = varnishd_path()
        if binary is None:
            raise FileNotFoundError("varnishd is not installed (apt-get install varnish varnish-modules)")
        vcl = self.workdir / "newsroom.vcl"
        vcl.write_text(vcl_for(backend=self.backend, purgers=self.purgers))
        os.chmod(self.workdir, 0o755)  # varnishd's unprivileged workers read their files there
        command = [
            *(["nice", "-n", str(self.nice)] if self.nice else []),
            binary,
            "-F",
            "-a",
            f"127.0.0.1:{self.port}",
            "-f",
            str(vcl),
            "-n",
            str(self.workdir / "n"),
        ]
        command += ["-s", f"malloc,{self.memory}", "-p", "http_gzip_support=off", "-T", "127.0.0.1:0"]
        self.log = open(self.workdir / "varnishd.log", "wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited: {(self.workdir / 'varnishd.log').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"varnishd did not listen on {self.port} within {timeout} s")

    def adm(self, *command: str) -> str:
        """A varnishadm command (``backend.list``, ``ban req.url ~ .``)."""
        varnishadm = shutil.which("varnishadm") or "/usr/bin/varnishadm"
        out = subprocess.run([varnishadm, "-n", str(self.workdir / "n"), *command], capture_output=True, text=True, timeout=10)
        return out.stdout + out.stderr

    def healthy(self) -> bool:
        """Whether Varnish's probe finds the backend up."""
        listing = self.adm("backend.list")
        return bool(re.search(r"\b(healthy|Healthy)\b", listing)) and "sick" not in listing.lower()

    def wait_health(self, healthy: bool, *, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthy() == healthy:
                return
            time.sleep(0.2)
        raise TimeoutError(f"backend not {'healthy' if healthy else 'sick'} after {timeout} s: {self.adm('backend.list')}")

    def stats(self) -> dict[str, int]:
        """Varnish's counters (``MAIN.cache_hit``, ``MAIN.cache_miss`` …)."""
        import json

        varnishstat = shutil.which("varnishstat") or "/usr/bin/varnishstat"
        out = subprocess.run([varnishstat, "-n", str(self.workdir / "n"), "-1", "-j"], capture_output=True, text=True, timeout=10)
        data = json.loads(out.stdout or "{}")
        counters = data.get("counters", data)
        return {name: c["value"] for name, c in counters.items() if isinstance(c, dict) and "value" in c}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def get(url: str, *, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    """A GET without following redirects: status, headers (lower-case names), body."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def main() -> int:
    """``make serve-edge``: gunicorn and Varnish in front of it, until Ctrl-C."""
    backend = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
    edge_port = int(os.environ.get("EDGE_BIND", "127.0.0.1:6081").rsplit(":", 1)[1])
    env = {**os.environ, "GUNICORN_BIND": backend}
    env.setdefault("EDGE_PURGE_URLS", f"http://127.0.0.1:{edge_port}/")
    env.setdefault("API_TRUSTED_PROXIES", "1")  # Varnish appends the reader's address to X-Forwarded-For
    bindir = Path(sys.executable).parent
    web = subprocess.Popen([str(bindir / "gunicorn"), "-c", "newsroom/gunicorn.conf.py", "newsroom.wsgi"], cwd=ROOT, env=env)
    purgers = [p.strip() for p in os.environ.get("EDGE_PURGERS", "").split(",") if p.strip()]
    edge = Varnish(backend=backend, port=edge_port, purgers=purgers).start()
    print(f"Newsroom through the edge: {edge.url}/  (gunicorn at http://{backend}/; purges to {env['EDGE_PURGE_URLS']})")
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        while not stop["now"] and web.poll() is None and edge.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        edge.stop()
        web.terminate()
        web.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
