"""The federation's coops and groups, and economies imported from folders.

An imported economy is stored verbatim (every file's text) with the SHA-256 digest of its
files, so a plan run can always be recomputed from exactly what was imported. Importing also
brings the federation's groups and coops up to date with the economy's tables.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cooplan.errors import ConflictError, InputError, NotFoundError
from cooplan.io import load_economy
from cooplan.io.folder import META_FILE
from cooplan.model.economy import Economy
from cooplan.model.schema import TABLES
from cooplan.services.accounts import Actor, require
from cooplan.store.enums import Role
from cooplan.store.models import Account, Coop, Event, Group, StoredEconomy

ALLOWED_SUFFIXES = (".csv", ".toml")
MAX_FILES = 40
MAX_FILE_BYTES = 20_000_000


def files_digest(files: Mapping[str, str]) -> str:
    """SHA-256 over the files' names and UTF-8 contents, in name order (hex)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name].encode("utf-8")
        digest.update(name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def read_folder(folder: str | Path) -> dict[str, str]:
    """The economy files of ``folder`` by name: ``economy.toml`` and the tables of the schema.

    Other files that may sit beside an economy (members, capital coefficients, production
    reports) are not part of it and are left out.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError.single(str(root), "economy folder not found", fix="give a folder")
    wanted = {META_FILE} | {f"{table.name}.csv" for table in TABLES}
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(root.iterdir())
        if path.is_file() and path.suffix in ALLOWED_SUFFIXES and path.name in wanted
    }


def _check_files(files: Mapping[str, str]) -> None:
    problems: list[tuple[str, str, Any]] = []
    if "economy.toml" not in files:
        problems.append(("economy.toml", "economy.toml is missing", None))
    if len(files) > MAX_FILES:
        problems.append(("files", f"more than {MAX_FILES} files", len(files)))
    for name, text in files.items():
        if (
            "/" in name
            or "\\" in name
            or name.startswith(".")
            or not name.endswith(ALLOWED_SUFFIXES)
        ):
            problems.append((name, "not an economy file name", name))
        elif len(text) > MAX_FILE_BYTES:
            problems.append((name, "file too large", len(text)))
    if problems:
        from cooplan.errors import Problem

        raise InputError(
            [
                Problem(
                    file,
                    message,
                    column="files",
                    value=value,
                    fix="send economy.toml and the tables as <table>.csv",
                )
                for file, message, value in problems
            ],
            summary="invalid economy files",
        )


_CACHE: OrderedDict[str, Economy] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 8


def economy_from_files(files: Mapping[str, str]) -> Economy:
    """Validate and load an economy from its files (cached by digest; raises InputError)."""
    _check_files(files)
    key = files_digest(files)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    with tempfile.TemporaryDirectory(prefix="cooplan-economy-") as tmp:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        economy = load_economy(tmp)
    with _CACHE_LOCK:
        _CACHE[key] = economy
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return economy


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    return text or None


def _sync_federation(session: Session, economy: Economy) -> None:
    """Insert or update the groups and coops named by the economy."""
    for row in economy.groups.to_dict("records"):
        group = session.get(Group, str(row["id"])) or Group(id=str(row["id"]))
        group.name = str(row.get("name") or row["id"])
        group.parent = _text(row.get("parent"))
        group.axis = str(row.get("axis") or "sector")
        session.add(group)
    session.flush()
    known_groups = set(session.scalars(select(Group.id)))
    for row in economy.coops.to_dict("records"):
        coop = session.get(Coop, str(row["id"])) or Coop(id=str(row["id"]))
        coop.name = str(row.get("name") or row["id"])
        coop.region = _text(row.get("region")) or ""
        group_id = _text(row.get("group"))
        coop.group_id = group_id if group_id in known_groups else None
        coop.members = int(row.get("members") or 0)
        coop.hours_per_member = float(row.get("hours_per_member") or 0.0)
        coop.non_members = int(row.get("non_members") or 0)
        session.add(coop)
    session.flush()


def import_economy(
    session: Session,
    files: Mapping[str, str],
    *,
    actor: Actor | None,
    source: str = "",
    bootstrap: bool = False,
) -> StoredEconomy:
    """Validate ``files`` (name → text), store them and sync the federation's coops.

    Planners and administrators may import (``bootstrap`` for the CLI and the demo).
    """
    if not bootstrap:
        require(actor, Role.PLANNER, Role.ADMIN, what="import economies")
    economy = economy_from_files(files)
    record = StoredEconomy(
        name=economy.meta.name,
        source=source[:500],
        digest=files_digest(files),
        files=dict(files),
        summary=economy.summary(),
        imported_by=actor.id if actor else None,
    )
    session.add(record)
    _sync_federation(session, economy)
    session.flush()
    session.add(
        Event(
            kind="economy.imported",
            actor_id=actor.id if actor else None,
            subject=f"economy:{record.id}",
            data={"name": record.name, "digest": record.digest, "source": record.source},
        )
    )
    return record


def get_economy(session: Session, economy_id: int) -> StoredEconomy:
    """The stored economy with this id (404 if none)."""
    record = session.get(StoredEconomy, economy_id)
    if record is None:
        raise NotFoundError(f"no economy {economy_id}")
    return record


def list_economies(session: Session) -> list[StoredEconomy]:
    """Every stored economy, newest first."""
    return list(session.scalars(select(StoredEconomy).order_by(StoredEconomy.id.desc())))


def latest_economy(session: Session) -> StoredEconomy | None:
    """The most recently imported economy, if any."""
    return session.scalar(select(StoredEconomy).order_by(StoredEconomy.id.desc()).limit(1))


def list_coops(session: Session) -> list[Coop]:
    """Every coop, by group then name."""
    return list(session.scalars(select(Coop).order_by(Coop.group_id, Coop.name)))


def list_groups(session: Session) -> list[Group]:
    """Every group."""
    return list(session.scalars(select(Group).order_by(Group.id)))


def get_coop(session: Session, coop_id: str) -> Coop:
    """The coop with this id (404 if none)."""
    coop = session.get(Coop, coop_id)
    if coop is None:
        raise NotFoundError(f"no coop {coop_id!r}")
    return coop


def create_coop(
    session: Session,
    *,
    actor: Actor | None,
    id: str,
    name: str,
    region: str = "",
    group_id: str | None = None,
    members: int = 0,
    hours_per_member: float = 0.0,
    non_members: int = 0,
) -> Coop:
    """Create a coop (administrators only); 409 when the id is taken, 422 for an unknown group."""
    require(actor, Role.ADMIN, what="create coops")
    if session.get(Coop, id) is not None:
        raise ConflictError(f"coop {id!r} exists")
    if group_id is not None and session.get(Group, group_id) is None:
        raise InputError.single(
            "coop", "unknown group", column="group_id", value=group_id, fix="give a group's id"
        )
    coop = Coop(
        id=id,
        name=name,
        region=region,
        group_id=group_id,
        members=members,
        hours_per_member=hours_per_member,
        non_members=non_members,
    )
    session.add(coop)
    session.flush()
    session.add(
        Event(kind="coop.created", actor_id=actor.id if actor else None, subject=id, data={})
    )
    return coop


def member_counts(session: Session) -> dict[str, int]:
    """Registered accounts per coop."""
    rows = session.execute(
        select(Account.coop_id, func.count(Account.id))
        .where(Account.coop_id.is_not(None))
        .group_by(Account.coop_id)
    )
    return {str(coop): int(n) for coop, n in rows}
