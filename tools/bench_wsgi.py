"""The app as `make bench` serves it with gunicorn: the bench database, plus the floor route.

`/_bench/hello` is a hello-world route on the same server, through the same middleware, so each
page's requests per second can be divided by what Flask itself manages on this machine.
Rate limits are off: one address plays fifty technicians.
"""
from __future__ import annotations

import os

from fieldapp import create_app
from fieldapp.web.auth import public

app = create_app({
    "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DB_URI"],
    "SECRET_KEY": os.environ["BENCH_SECRET"],
    "RATELIMIT_ENABLED": False,
    "PUBLIC_BASE_URL": "http://127.0.0.1",
}, instance_path=os.environ["BENCH_INSTANCE"])


@app.get("/_bench/hello")
@public
def hello() -> str:
    return "Hello, world!"
