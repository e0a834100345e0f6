"""Accounts, roles, logins (rate-limited), bearer tokens and rights checks.

Passwords are hashed with Argon2id (argon2-cffi); bearer tokens are random 32-byte strings of
which only the SHA-256 digest is stored. A login is refused with 429 once
``Settings.login_failures_allowed`` failures for the same username from the same address fall
within ``Settings.login_window_s`` seconds.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cooplan.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from cooplan.services.errors import NotAuthenticatedError, TooManyAttemptsError
from cooplan.services.settings import Settings
from cooplan.store.db import Database
from cooplan.store.enums import Role
from cooplan.store.models import (
    Account,
    AccountRole,
    ApiToken,
    Coop,
    Event,
    LoginFailure,
    utcnow,
)

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class Actor:
    """The person acting: account id, username, coop and roles (detached from any session)."""

    id: int
    username: str
    display_name: str
    coop_id: str | None
    roles: frozenset[Role]

    def has(self, role: Role) -> bool:
        """Whether the actor holds ``role``."""
        return role in self.roles

    @classmethod
    def of(cls, account: Account) -> Actor:
        """The actor for a loaded account."""
        return cls(
            account.id,
            account.username,
            account.display_name,
            account.coop_id,
            account.role_set(),
        )


def require(actor: Actor | None, *roles: Role, what: str) -> Actor:
    """``actor`` when it holds one of ``roles``; else 401 (nobody logged in) or 403."""
    if actor is None:
        raise NotAuthenticatedError(f"log in to {what}")
    if roles and not any(actor.has(r) for r in roles):
        names = " or ".join(r.value for r in roles)
        raise PermissionDeniedError(f"only a {names} may {what}")
    return actor


def _field_error(field_name: str, message: str, value: object, fix: str) -> InputError:
    return InputError.single("account", message, column=field_name, value=value, fix=fix)


def create_account(
    session: Session,
    hasher: PasswordHasher,
    *,
    username: str,
    password: str,
    display_name: str = "",
    coop_id: str | None = None,
    roles: Iterable[Role] = (Role.MEMBER,),
    actor: Actor | None = None,
    bootstrap: bool = False,
) -> Account:
    """Create an account. Only an administrator may, unless ``bootstrap`` (CLI and demo).

    A member must belong to a coop. Raises 409 when the username is taken.
    """
    if not bootstrap:
        require(actor, Role.ADMIN, what="create accounts")
    role_set = frozenset(Role(r) for r in roles)
    if not USERNAME_PATTERN.match(username):
        raise _field_error(
            "username",
            "invalid username",
            username,
            "use 2–64 lower-case letters, digits, '.', '_' or '-'",
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise _field_error(
            "password", "password too short", None, f"use at least {MIN_PASSWORD_LENGTH} characters"
        )
    if coop_id is not None and session.get(Coop, coop_id) is None:
        raise _field_error("coop_id", "unknown coop", coop_id, "give the id of an existing coop")
    if Role.MEMBER in role_set and coop_id is None:
        raise _field_error("coop_id", "a member must belong to a coop", None, "give coop_id")
    if session.scalar(select(Account.id).where(Account.username == username)) is not None:
        raise ConflictError(f"username {username!r} is taken")
    account = Account(
        username=username,
        display_name=display_name or username,
        password_hash=hasher.hash(password),
        coop_id=coop_id,
        active=True,
    )
    account.roles = [AccountRole(role=r) for r in sorted(role_set)]
    session.add(account)
    session.flush()
    session.add(
        Event(
            kind="account.created",
            actor_id=actor.id if actor else None,
            subject=username,
            data={"roles": sorted(r.value for r in role_set), "coop_id": coop_id},
        )
    )
    return account


def _recent_failures(session: Session, username: str, ip: str, settings: Settings) -> int:
    since = utcnow() - timedelta(seconds=settings.login_window_s)
    count = session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.username == username, LoginFailure.ip == ip, LoginFailure.at >= since
        )
    )
    return int(count or 0)


def login(db: Database, settings: Settings, username: str, password: str, ip: str) -> Actor:
    """The actor with these credentials; 401 when wrong (the failure is recorded), 429 when
    ``settings.login_failures_allowed`` failures already fell within the window."""
    key = username.strip().lower()[:64]
    with db.session() as session:
        if _recent_failures(session, key, ip, settings) >= settings.login_failures_allowed:
            raise TooManyAttemptsError(
                f"too many failed logins for {key!r}; wait {settings.login_window_s} s",
                settings.login_window_s,
            )
        account = session.scalar(select(Account).where(Account.username == key))
        ok = False
        if account is not None and account.active:
            try:
                ok = settings.password_hasher.verify(account.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            # Spend the effort of a real check so that timing does not reveal usernames.
            settings.password_hasher.hash(password or "-")
        if not ok or account is None:
            session.add(LoginFailure(username=key, ip=ip))
        else:
            session.execute(
                delete(LoginFailure).where(LoginFailure.username == key, LoginFailure.ip == ip)
            )
            if settings.password_hasher.check_needs_rehash(account.password_hash):
                account.password_hash = settings.password_hasher.hash(password)
            return Actor.of(account)
    raise NotAuthenticatedError("wrong username or password")


def token_digest(token: str) -> str:
    """The stored form of a bearer token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, account: Account) -> str:
    """A new bearer token for ``account`` (returned once; only its digest is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(account_id=account.id, token_hash=token_digest(token)))
    return token


def account_for_token(session: Session, token: str) -> Account:
    """The active account holding ``token``; 401 otherwise."""
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None)
        )
    )
    account = session.get(Account, row.account_id) if row is not None else None
    if account is None or not account.active:
        raise NotAuthenticatedError("invalid or revoked token")
    return account


def revoke_token(session: Session, token: str) -> None:
    """Revoke ``token`` (kept, marked revoked)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None:
        raise NotAuthenticatedError("invalid token")
    row.revoked_at = utcnow()


def get_account(session: Session, account_id: int) -> Account:
    """The account with this id (404 if none)."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"no account {account_id}")
    return account


def list_accounts(session: Session, actor: Actor | None) -> list[Account]:
    """Every account (administrators only)."""
    require(actor, Role.ADMIN, what="list accounts")
    return list(session.scalars(select(Account).order_by(Account.id)))


def coop_members(session: Session, coop_id: str) -> list[Account]:
    """Active accounts of members of ``coop_id`` (the voters of its General Assembly)."""
    return list(
        session.scalars(
            select(Account)
            .join(AccountRole)
            .where(
                Account.coop_id == coop_id,
                Account.active.is_(True),
                AccountRole.role == Role.MEMBER,
            )
            .order_by(Account.username)
        )
    )


def delegates(session: Session) -> list[Account]:
    """Active delegates to the Congress."""
    return list(
        session.scalars(
            select(Account)
            .join(AccountRole)
            .where(Account.active.is_(True), AccountRole.role == Role.DELEGATE)
            .order_by(Account.username)
        )
    )
