"""``nrtd users ...``: accounts from the shell (the first admin, for one), through the API's services."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from app.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    Group,
    database,
    os_user,
    say,
    settings_or_exit,
    write_session,
)
from app.core.counts import count_of

users_cli = typer.Typer(
    cls=Group, help="Manage user accounts from the shell (the first admin, for one).", rich_markup_mode=None
)


@users_cli.command("create")
def users_create_cmd(
    email: Annotated[str, typer.Argument(help="The new user's email (their login name)")],
    role: Annotated[str, typer.Option("--role", help="admin, coordinator, focal_point or reader")],
    entity: Annotated[
        int | None, typer.Option("--entity", help="Id of the user's entity (required for focal_point)")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The user's full name")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input (one line)"),
    ] = False,
) -> None:
    """Create a user and print their id. The password comes on standard input, never as an argument."""
    from pydantic import ValidationError
    from sqlalchemy.exc import IntegrityError

    from app.core.actor import Actor
    from app.core.errors import Conflict, DomainError
    from app.users.schemas import UserCreate
    from app.users.service import create_user

    # "$EMAIL" with the variable unset: refused as `users unlock` refuses it, before the password is asked
    _given("EMAIL", email, "give the account's e-mail address")
    _given("--role", role, "give admin, coordinator, focal_point or reader")
    if name is not None:
        _given("--name", name, "give the user's full name, or leave the option out")
    settings_or_exit()  # bad settings exit 2 with the reason
    if not password_stdin:
        say("give the password on standard input with --password-stdin", "red")
        raise typer.Exit(EXIT_USAGE)
    password = _decoded(_password_line(email)).removesuffix("\n").removesuffix("\r")
    if not password:  # not a password too short: none came (an unset variable, nothing piped in)
        say(
            "password: standard input held none (an empty line, or nothing): pipe it in, e.g. "
            "printf '%s\\n' \"$PASSWORD\" | nrtd users create ... --password-stdin",
            "red",
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        data = UserCreate(email=email, role=role, entity_id=entity, full_name=name, password=password)
    except ValidationError as exc:
        option = {"email": "EMAIL", "role": "--role", "entity_id": "--entity", "full_name": "--name"}
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "input"
            reason = error["msg"].removeprefix("Value error, ")
            say(f"{option.get(field, field)}: {reason}", "red")
        raise typer.Exit(EXIT_USAGE) from None
    actor = Actor(role="admin", label=f"cli:{os_user()}")
    engine = database()
    try:
        with write_session(engine) as session:
            user, _etag = create_user(session, actor, data, must_change_password=False)
    except Conflict as exc:
        say(exc.detail, "red")
        raise typer.Exit(EXIT_FAILED) from None
    except IntegrityError:  # created meanwhile by someone else
        say(f"a user with the email {data.email} already exists", "red")
        raise typer.Exit(EXIT_FAILED) from None
    except DomainError as exc:
        reasons = "; ".join(f"{e['field']}: {e['reason']}" for e in exc.errors) or exc.detail
        if any(e["field"] == "entity_id" for e in exc.errors):
            # At a shell, on a new instance: nothing here lists the entities, or makes the first one.
            reasons += (
                "; an entity's id is on the staff workspace's page /staff/entities (an admin or a "
                "coordinator creates the entities there, or with POST /api/v1/entities) and in "
                "GET /api/v1/entities"
            )
        say(reasons.replace("entity_id", "--entity"), "red")
        raise typer.Exit(EXIT_USAGE) from None
    say(f"created {user.role} {user.email}")
    print(user.id)


@users_cli.command("unlock", short_help="Forget an account's failed logins (audited).")
def users_unlock_cmd(
    email: Annotated[str, typer.Argument(help="The email of the account to unlock")],
) -> None:
    """Forget an account's failed logins, so no address has to wait to log in to it (audited)."""
    from app.core.actor import Actor
    from app.core.errors import NotFound
    from app.users.service import unlock_user

    _given("EMAIL", email, "give the account's e-mail address")  # no account was looked for
    engine = database()
    actor = Actor(role="admin", label=f"cli:{os_user()}")
    try:
        with write_session(engine) as session:
            cleared = unlock_user(session, actor, email)
    except NotFound as exc:
        say(exc.detail, "red")
        raise typer.Exit(EXIT_FAILED) from None
    say(f"unlocked {email.strip().lower()}: forgot {count_of(cleared, 'failed login')}")


def _given(label: str, value: str, hint: str) -> None:
    """An argument given empty (``"$EMAIL"`` with the variable unset) exits 2 naming it so, rather than
    as an address without an @-sign or an account not found."""
    if not value.strip():
        say(f"{label}: empty: {hint} (is a shell variable unset?)", "red")
        raise typer.Exit(EXIT_USAGE)


def _decoded(line: bytes | str) -> str:
    """The line read as UTF-8; bytes that are not (a password file a Windows editor saved in its own
    encoding) exit 2 naming the first, rather than a traceback when the password is hashed."""
    if isinstance(line, str):  # typed at a terminal: its bytes that were not UTF-8 are surrogates
        try:
            line.encode("utf-8")
            return line
        except UnicodeEncodeError:
            line = line.encode("utf-8", "surrogateescape")
    try:
        return line.decode("utf-8-sig")  # without the byte-order mark Notepad starts its "UTF-8" with
    except UnicodeDecodeError as exc:
        say(  # nothing of the password itself is shown
            f"password: standard input is not UTF-8 (at its byte {exc.start + 1}): "
            "save the password's file as UTF-8, or pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | "
            "nrtd users create ... --password-stdin",
            "red",
        )
        raise typer.Exit(EXIT_USAGE) from None


def _password_line(email: str) -> bytes | str:
    """The first line of standard input; typed at a terminal, with a prompt and without its echo (the
    password stayed on the screen and in the scrollback), as ``passwd`` reads one. Piped in, its
    bytes (decoded by ``_decoded``)."""
    if not sys.stdin.isatty():
        buffer = getattr(sys.stdin, "buffer", None)
        return buffer.readline() if buffer is not None else sys.stdin.readline()
    try:
        import termios
    except ImportError:  # no terminal control (Windows): read it as given
        return sys.stdin.readline()
    fd = sys.stdin.fileno()
    before = termios.tcgetattr(fd)
    hidden = termios.tcgetattr(fd)
    hidden[3] &= ~termios.ECHO
    # Echo off before the prompt shows: a password typed at once is not echoed either.
    termios.tcsetattr(fd, termios.TCSADRAIN, hidden)
    try:
        sys.stderr.write(f"password for {email} (not shown): ")
        sys.stderr.flush()
        return sys.stdin.readline()
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, before)
        sys.stderr.write("\n")
