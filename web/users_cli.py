"""``sharing users add|list|remove|reset-password|token``: the web app's users.

Works on the web app's database (``DATABASE_URL``, else the SQLite file in the instance
folder), creating or migrating its schema as the app does. Messages follow LC_ALL/LANG
(zh or English) through the web app's catalog. Exit status: 0 done, 2 refused (an unknown
user, a taken name, a short password, an unknown role).

    sharing users add --role admin alice          # password asked twice (or --password-stdin)
    sharing users token alice                     # an API token, printed once
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

EXIT_OK, EXIT_INVALID = 0, 2


def _translator():
    from sharing.explain_text import gettext, lang_from_env

    lang = lang_from_env()
    return lambda text: gettext(lang, text)


def _error_text(e: Any, _) -> str:
    texts = {
        "bad_name": _("“%(name)s” is not a user name: use 1 to 64 letters, digits, “.”, "
                      "“_”, “-” or “@”"),
        "bad_role": _("“%(role)s” is not a role: choose one of %(roles)s"),
        "short_password": _("the password is too short: at least %(min)s characters"),
        "exists": _("there is already a user “%(name)s”"),
        "unknown": _("there is no user “%(name)s”"),
        "local": _("the user “%(name)s” is the app's own local user and cannot be removed"),
        "mismatch": _("the two passwords differ"),
    }
    return texts.get(e.code, e.code) % e.params


def _engine():
    from web import create_app

    app = create_app()
    return app, app.extensions["sharing_db"]


def _password(args: argparse.Namespace, _) -> str:
    from .users import UserError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Password again: ")) != first:
        raise UserError("mismatch")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    from . import users
    from .users import UserError

    _ = _translator()
    app, engine = _engine()
    try:
        if args.users_command == "list":
            rows = users.list_users(engine)
            width = max(len(u.name) for u in rows)
            for u in rows:
                state = (_("removed") if not u.active else
                         _("no password (local mode only)") if not u.has_password else "")
                print(f"{u.name:<{width}}  {users.role_label(u.role, _)}  {state}".rstrip())
        elif args.users_command == "add":
            u = users.add_user(engine, args.name, args.role, _password(args, _))
            print(_("added user “%(name)s” (%(role)s)") % {
                "name": u.name, "role": users.role_label(u.role, _)})
        elif args.users_command == "remove":
            users.remove_user(engine, args.name)
            print(_("removed user “%(name)s”: they can no longer sign in; their name stays "
                    "in the audit log and their saved scenarios stay") % {"name": args.name})
        elif args.users_command == "reset-password":
            users.set_password(engine, args.name, _password(args, _))
            print(_("new password for “%(name)s”; their sessions have ended") % {
                "name": args.name})
        else:
            token = users.create_token(engine, args.name)
            print(token)
            sys.stderr.write(_("an API token for “%(name)s”: it is shown this once; send it as "
                               "“Authorization: Bearer <token>”") % {"name": args.name} + "\n")
    except UserError as e:
        sys.stderr.write(f"sharing users: {_error_text(e, _)}\n")
        return EXIT_INVALID
    finally:
        engine.dispose()
    return EXIT_OK


def register(sub: Any) -> None:
    from .roles import ROLES

    p = sub.add_parser("users", help="the web app's users: add, list, remove, reset-password, "
                       "token")
    us = p.add_subparsers(dest="users_command", required=True)
    a = us.add_parser("add", help="add a user (the first admin: --role admin)")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, default="finance_officer")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    us.add_parser("list", help="every user, their role and state")
    r = us.add_parser("remove", help="disable a user (kept for the audit log's names)")
    r.add_argument("name")
    rp = us.add_parser("reset-password", help="set a new password; ends the user's sessions")
    rp.add_argument("name")
    rp.add_argument("--password-stdin", action="store_true")
    t = us.add_parser("token", help="make an API token for /api/* (printed once)")
    t.add_argument("name")
    for q in (a, r, rp, t, us.choices["list"]):
        q.set_defaults(func=cmd_users)
