"""Extensions, created unbound; create_app() binds them."""
from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from fieldapp.orm import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()


def _limit_key() -> str:
    """Signed-in staff are counted per person, everyone else per client address."""
    from flask_login import current_user

    from fieldapp.web.clients import client_address

    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_address()


def _not_a_staff_write() -> bool:
    from flask_login import current_user

    return request.method in ("GET", "HEAD", "OPTIONS") or not current_user.is_authenticated


# Public pages set their own limits (which staff are exempt from); every other route gets the
# staff write limit, which only counts signed-in staff's POSTs.
limiter = Limiter(key_func=_limit_key, default_limits=[lambda: current_app.config["STAFF_WRITE_LIMIT"]],
                  default_limits_exempt_when=_not_a_staff_write)
