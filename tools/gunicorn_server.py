"""gunicorn on a free port of 127.0.0.1, for the measuring tools (`make bench`, `make lighthouse`):
started, polled until it answers, signed in to like a browser, stopped by its pid."""
from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" name="csrf_token"')


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1) or match.group(2)


class GunicornServer:
    """`app` (a WSGI spec like "wsgi:app") with 2 sync workers; `ready` is the path polled."""

    def __init__(self, app: str, env: dict, ready: str, pythonpath: Path | None = None) -> None:
        self.app, self.env, self.ready, self.pythonpath = app, env, ready, pythonpath

    def __enter__(self) -> "GunicornServer":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                   "--log-level", "warning"]
        if self.pythonpath:
            command += ["--pythonpath", str(self.pythonpath)]
        self.process = subprocess.Popen([*command, self.app], env={**self.env, "PUBLIC_BASE_URL": self.url},
                                        cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + self.ready, timeout=2).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def sign_in(self, email: str, password: str) -> str:
        """Sign in through the login form; the session's Cookie header."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = csrf_token(opener.open(self.url + "/login").read().decode())
        data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
        opener.open(self.url + "/login", data.encode()).read()
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)

    def get(self, path: str, cookie: str) -> str:
        request = urllib.request.Request(self.url + path, headers={"Cookie": cookie})
        return urllib.request.urlopen(request).read().decode()
