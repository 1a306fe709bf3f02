"""Scale-out: two gunicorn servers share one database and one Redis, and a rate limit holds
across them. A client alternating between the servers is stopped at the same count as on one
server; with each server counting in its own memory (the control) the same client is not.

The limit is the public web request form's (`web.FORM_LIMIT`, 5 per minute per client): it is
Flask-Limiter's, so it lives in RATELIMIT_STORAGE_URI. Sign-in throttling is kept in the
database instead and needs no Redis. The shared database is a SQLite file here on every run
(CI's PostgreSQL run too): what is under test is where the limiter counts.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing, contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import gunicorn
import pytest
import redis

from fieldapp import create_app
from fieldapp.extensions import db
from fieldapp.views.public.web_request import FORM_LIMIT
from tests.conftest import app_config, csrf_token_from

REDIS_SERVER = "/usr/bin/redis-server"
PER_MINUTE = int(re.match(r"(\d+) per minute", FORM_LIMIT).group(1))
START_TIMEOUT = 30.0  # an upper bound only: servers are polled until they answer
# gunicorn 25.1+ opens a control socket at one fixed path per user: two servers would fight over it.
NO_CONTROL_SOCKET = ["--no-control-socket"] if gunicorn.version_info >= (25, 1) else []


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(ready, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited ({process.returncode}):\n{log.read_text()}"
        if ready():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} not ready after {START_TIMEOUT} s:\n{log.read_text()}")


def stop(*processes: subprocess.Popen) -> None:
    """SIGTERM to them all, then wait for each; SIGKILL for one that hangs."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of our own on a free port: nothing saved, gone with the test."""
    assert Path(REDIS_SERVER).exists(), f"{REDIS_SERVER} is missing: run `make redis` (or `make test`)"
    folder = tmp_path / "redis"
    folder.mkdir()
    port = free_port()
    log = folder / "redis.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(folder)], stdout=out, stderr=subprocess.STDOUT)
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)

    def answers() -> bool:
        try:
            return client.ping()
        except (redis.ConnectionError, redis.TimeoutError):
            return False

    try:
        wait_until(answers, "redis-server", process, log)
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        stop(process)


@pytest.fixture
def database_url(tmp_path):
    """One database file for both servers, with the current schema."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    app = create_app(app_config(url), instance_path=str(tmp_path / "setup-instance"))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


@contextmanager
def two_servers(tmp_path: Path, database_url: str, storage_uri: str):
    """Two gunicorn processes on their own ports: one SECRET_KEY, one database, one storage URI."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "scale-out-test-secret",
        "RATELIMIT_STORAGE_URI": storage_uri,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MAIL_BACKEND": "console",
    }
    started = []
    try:
        for name in ("a", "b"):
            port = free_port()
            env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
            log = tmp_path / f"server-{name}.log"
            with open(log, "w") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                     *NO_CONTROL_SOCKET, "wsgi:app"],
                    cwd=Path(__file__).resolve().parents[2], env=env, stdout=out, stderr=subprocess.STDOUT)
            started.append((process, f"http://127.0.0.1:{port}", log))
        for process, url, log in started:
            wait_until(lambda: _answers(url + "/healthz"), f"gunicorn at {url}", process, log)
        yield [url for _, url, _ in started]
    finally:
        stop(*(process for process, _, _ in started))


def _answers(url: str) -> bool:
    """gunicorn listens before its worker has loaded the app: a connection may wait a while."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:  # refused, reset or timed out: not yet
        return False


class Customer:
    """One browser: one cookie jar (the session cookie is valid on both servers, same key)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.token = None

    def open_form(self, server: str) -> None:
        with self.opener.open(server + "/request/", timeout=5) as response:
            self.token = csrf_token_from(response.read().decode())

    def submit_empty_form(self, server: str) -> int:
        """A request that leaves out the required fields: 422 while within the limit, then 429."""
        data = urllib.parse.urlencode({"csrf_token": self.token}).encode()
        try:
            with self.opener.open(server + "/request/", data=data, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            with refused:
                return refused.code


def alternate(servers: list[str], times: int) -> list[tuple[str, int]]:
    customer = Customer()
    customer.open_form(servers[0])
    answers = []
    for n in range(times):
        server = servers[n % 2]
        answers.append(("ab"[n % 2], customer.submit_empty_form(server)))
    return answers


def test_a_limit_holds_across_two_servers_sharing_redis(tmp_path, database_url, redis_url):
    with two_servers(tmp_path, database_url, redis_url) as servers:
        answers = alternate(servers, PER_MINUTE + 2)

    # The first PER_MINUTE attempts, spread over both servers, are answered; then both refuse.
    assert answers[:PER_MINUTE] == [("ab"[n % 2], 422) for n in range(PER_MINUTE)]
    assert answers[PER_MINUTE:] == [("ab"[PER_MINUTE % 2], 429), ("ab"[(PER_MINUTE + 1) % 2], 429)]
    with closing(redis.Redis.from_url(redis_url)) as client:
        assert client.keys("*web.request_service*"), "the form's counts are not in Redis"


def test_control_servers_counting_in_memory_do_not_stop_the_alternating_client(tmp_path, database_url):
    """Proves the test above can fail: counted apart, the alternating client is not stopped."""
    with two_servers(tmp_path, database_url, "memory://") as servers:
        answers = alternate(servers, PER_MINUTE + 2)

    assert [status for _, status in answers] == [422] * (PER_MINUTE + 2)


def test_a_limit_store_that_is_down_loosens_the_limits_instead_of_failing_requests(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'down.sqlite'}", RATELIMIT_ENABLED=True,
                                RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0"),
                     instance_path=str(tmp_path))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    statuses = [client.post("/request/", data={}).status_code for _ in range(PER_MINUTE + 2)]
    # Counted in this process meanwhile: the form's own answer, then the limit, never a 500.
    assert statuses == [422] * PER_MINUTE + [429, 429]
