"""Who is asking, and what they may do: sign-in, roles, API tokens (issue 19, point 3).

Two modes (``AUTH_MODE``, from ``SHARING_AUTH``; ``web.serve`` sets ``required`` for any
address other than loopback and refuses to start otherwise):

- ``local``: the app is reachable from this machine only; everyone is the user ``local``
  (admin), nobody signs in, and every page says so in its header.
- ``required``: every page but ``/login`` needs a signed-in user (else a redirect to
  ``/login``); ``/api/*`` needs ``Authorization: Bearer <token>`` or a session (else 401 JSON).

Sessions are Flask-Login's, in the signed session cookie, for ``PERMANENT_SESSION_LIFETIME``
(8 hours); a password reset ends them (the session carries a stamp of the password hash).
Failed sign-ins are counted per address and user name by Flask-Limiter (``LOGIN_RATE_LIMIT``,
5 per minute; in-memory storage, so each gunicorn worker counts on its own) and logged.

Rights on saved scenarios: the owner and, when it is shared, every signed-in user read it;
only the owner changes, renames, shares or deletes it; an auditor reads everything and
changes nothing (any POST that would change something is refused with 403); an admin may
do everything. Negotiators and finance officers have the same rights.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user, logout_user

from . import users
from .security import safe_next

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


def _login_key() -> str:
    name = (request.form.get("name") or "").strip().lower()[:64]
    return f"{request.remote_addr or '-'}|{name}"


#: Counts failed sign-ins only (``deduct_when``); the storage comes from the app's config.
limiter = Limiter(key_func=_login_key, default_limits=[])

#: POSTs that change nothing stored: an auditor may use them (everything else is refused).
READ_ONLY_POSTS = {"auth.login_post", "auth.logout", "audit.verify_checkpoint",
                   "scenarios.audit_feature", "main.download_yaml", "main.upload",
                   "api.validate"}
READ_ONLY_PREFIXES = ("negotiate.",)  # the negotiation pages compute and store nothing
OPEN_ENDPOINTS = {"static", "auth.login", "auth.login_post"}


class SignedIn:
    """A user as Flask-Login sees them."""

    is_active = True
    is_anonymous = False

    def __init__(self, user: users.User, via_token: bool = False):
        self.user = user
        self.via_token = via_token

    @property
    def is_authenticated(self) -> bool:
        return True

    def get_id(self) -> str:
        return f"{self.user.id}.{self.user.stamp}"


class Anonymous(AnonymousUserMixin):
    user = None


def required() -> bool:
    return current_app.config.get("AUTH_MODE") == "required"


def user() -> users.User | None:
    """The user of this request: the signed-in one, or ``local`` in local mode."""
    if not required():
        return current_app.extensions["sharing_local_user"]
    return current_user.user if current_user.is_authenticated else None


def user_name() -> str | None:
    u = user()
    return u.name if u is not None else None


# ---- rights ------------------------------------------------------------------------------

def reader_filter() -> int | None:
    """The user id to filter scenario lists by; None when the user reads everything."""
    u = user()
    if u is None or u.is_admin or u.is_auditor:
        return None
    return u.id


def can_read(sc: Any) -> bool:
    u = user()
    return u is not None and (u.is_admin or u.is_auditor or sc.owner_id == u.id or sc.shared)


def can_change(sc: Any) -> bool:
    u = user()
    return u is not None and (u.is_admin or (sc.owner_id == u.id and not u.is_auditor))


def refuse(message: str | None = None):
    abort(403, message or _("You may not change this."))


def check_read(sc: Any) -> None:
    if not can_read(sc):
        abort(403, _("This saved scenario belongs to another user and is not shared with you."))


def check_change(sc: Any) -> None:
    check_read(sc)
    if not can_change(sc):
        abort(403, _("Only the user who saved this scenario (or an administrator) may change, "
                     "rename, share or delete it."))


# ---- the guard ---------------------------------------------------------------------------

def _unauthorised():
    if request.path.startswith("/api/"):
        msg = (_("The API token is not valid.") if request.headers.get("Authorization")
               else _("Sign in first: send the header “Authorization: Bearer <token>” (made "
                      "with “sharing users token NAME”)."))
        return ({"error": _("Not signed in"), "message": msg, "status": 401}, 401,
                {"WWW-Authenticate": "Bearer"})
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


def _guard():
    endpoint = request.endpoint or ""
    if required() and endpoint not in OPEN_ENDPOINTS and not current_user.is_authenticated:
        return _unauthorised()
    u = user()
    if (u is not None and u.is_auditor and request.method not in ("GET", "HEAD", "OPTIONS")
            and endpoint not in READ_ONLY_POSTS and not endpoint.startswith(READ_ONLY_PREFIXES)):
        abort(403, _("An auditor reads every scenario and the audit log but changes nothing."))
    return None


def _load_session_user(ident: str) -> SignedIn | None:
    uid, _sep, stamp = ident.partition(".")
    if not uid.isdigit():
        return None
    found = users.get_by_id(current_app.extensions["sharing_db"], int(uid))
    if found is None or not found.active or found.stamp != stamp or not found.has_password:
        return None
    return SignedIn(found)


def _load_token_user(req: Any) -> SignedIn | None:
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.lower().startswith("bearer "):
        return None
    found = users.user_for_token(current_app.extensions["sharing_db"], header[7:].strip())
    return SignedIn(found, via_token=True) if found is not None else None


# ---- /login, /logout ---------------------------------------------------------------------

def _failed(response: Any) -> bool:
    return response.status_code == 401


@bp.get("/login")
def login():
    if required() and current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("login.html", name="", next=request.args.get("next", ""),
                           error=None)


@bp.post("/login")
@limiter.limit(lambda: current_app.config.get("LOGIN_RATE_LIMIT", "5 per minute"),
               key_func=_login_key, deduct_when=_failed, methods=["POST"])
def login_post():
    name = (request.form.get("name") or "").strip()[:64]
    target = safe_next(request.form.get("next")) or url_for("main.home")
    if not required():
        return redirect(target, code=303)
    found = users.authenticate(current_app.extensions["sharing_db"], name,
                               request.form.get("password") or "")
    if found is None:
        current_app.logger.warning("sign-in failed for user %r from %s", name,
                                   request.remote_addr)
        return render_template("login.html", name=name, next=request.form.get("next", ""),
                               error=_("The user name or the password is wrong.")), 401
    session.clear()  # a new session for the new user (no fixation)
    session.permanent = True  # PERMANENT_SESSION_LIFETIME
    login_user(SignedIn(found))
    current_app.logger.info("user %r signed in from %s", found.name, request.remote_addr)
    return redirect(target, code=303)


@bp.get("/logout")
def logout_page():
    return render_template("logout.html")


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        current_app.logger.info("user %r signed out", current_user.user.name)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "ok")
    return redirect(url_for("auth.login"), code=303)


def _too_many(e: RateLimitExceeded):
    name = (request.form.get("name") or "").strip()[:64]
    current_app.logger.warning("sign-in refused for user %r from %s: too many failures",
                               name, request.remote_addr)
    return render_template(
        "login.html", name=name, next=request.form.get("next", ""),
        error=_("Too many failed sign-ins for this user name from this address: wait a "
                "minute, then try again.")), 429


def _context() -> dict[str, Any]:
    u = user()
    return {"auth_required": required(), "auth_user": u, "can_change": can_change,
            "auth_role": users.role_label(u.role, _) if u is not None else ""}


def init_app(app: Flask) -> None:
    """After storage.init_app: the local user is read from the database."""
    mode = app.config.get("AUTH_MODE", "local")
    if mode not in ("local", "required"):
        raise ValueError(f"AUTH_MODE (SHARING_AUTH) must be local or required, not {mode!r}")
    local = users.get_by_name(app.extensions["sharing_db"], users.LOCAL)
    if local is None:  # pragma: no cover - the migration makes it
        raise RuntimeError("the database has no user 'local': run the migrations")
    app.extensions["sharing_local_user"] = local
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.user_loader(_load_session_user)
    login_manager.request_loader(_load_token_user)
    limiter.init_app(app)
    app.register_blueprint(bp)
    app.before_request(_guard)
    app.register_error_handler(RateLimitExceeded, _too_many)
    app.context_processor(_context)
