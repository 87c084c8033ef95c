"""Shared by the web tests: a free port, a real redis-server, a real `radiology-advisor serve`.

The system programs these tests need (redis-server, chromium) come from Debian packages that
`.ci/run` installs; when one is missing the tests fail with a message saying how to get it,
they do not skip.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("RADIOLOGY_ADVISOR_CHROMIUM", "/usr/bin/chromium")
INSTALL_HINT = ("install it with: apt-get install -y chromium chromium-driver redis-server "
                "(.ci/run does this)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def require_program(path_or_name: str, what: str) -> str:
    """The program's path, or a test failure naming the package to install."""
    found = shutil.which(path_or_name)
    if found is None:
        pytest.fail(f"{what} ({path_or_name}) is not installed; {INSTALL_HINT}", pytrace=False)
    return found


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"the server exited with {proc.returncode}:\n{out}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    pytest.fail(f"nothing answered at {url} within {seconds:.0f} s", pytrace=False)


def stop(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM, as a service manager does; the exit status after a clean shutdown."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    """A private redis-server on a free loopback port; yields its URL (database 0)."""
    program = require_program("redis-server", "redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(tmp)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"redis-server did not start:\n{out}", pytrace=False)
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def serve(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, list[str]]]:
    """`radiology-advisor serve` in a child process on a free port: yields its base URL and,
    once it has stopped, the lines it printed are in the list."""
    port = free_port()
    command = [sys.executable, "-m", "advisor", "serve", "--port", str(port), *args]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("RADIOLOGY_ADVISOR")}
    child_env.update(env or {})
    proc = subprocess.Popen(command, cwd=ROOT, env=child_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines: list[str] = []
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", proc)
        yield base, lines
    finally:
        status = stop(proc)
        out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        lines.extend(out.splitlines())
        lines.append(f"exit status {status}")


def call(method: str, url: str, body: object = None) -> tuple[int, dict[str, Any]]:
    """One JSON request with the standard library (for tests against a real server)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
