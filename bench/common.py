"""What every benchmark script shares: the database, waiting for a server, driving wrk."""

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def ensure_database(db_url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    import psycopg

    name = db_url.rsplit("/", 1)[1]
    admin_url = db_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered at {url}")


def wrk(url: str, *, seconds: int, header: str | None = None, script: Path | None = None) -> dict:
    """req/s, p50/p99 latency (ms) and error responses of a wrk run, after a 2 s warm-up."""
    connections = os.environ.get("BENCH_CONNECTIONS", "4")
    args = ["wrk", "-t1", f"-c{connections}", "--latency"]
    args += ["-H", header] if header else []
    args += ["-s", str(script)] if script else []
    subprocess.run([*args, "-d2s", url], check=True, capture_output=True)  # warm-up
    out = subprocess.run([*args, f"-d{seconds}s", url], check=True, capture_output=True, text=True).stdout

    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * _UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }
