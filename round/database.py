"""Open a round database: a SQLite file (the default) or a PostgreSQL server named by URL.

A file that is not a kaohe round database (another program's SQLite file, a damaged file, a spreadsheet) is
refused before Django touches it, so nothing is ever written into it.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Callable

from kaohe.engine import KaoheError, Location, Problem

SQLITE_HEADER = b"SQLite format 3\x00"
URL_SCHEMES = ("postgres://", "postgresql://", "sqlite://")
OUR_TABLE = "round_round"


def is_url(target: str) -> bool:
    return target.startswith(URL_SCHEMES)


def database_settings(target: str, parse_url: Callable[[str], dict]) -> dict:
    """Django's DATABASES["default"] for a path or a URL."""
    if is_url(target):
        settings = parse_url(target)
        if settings["ENGINE"].endswith("postgresql"):
            settings.setdefault("OPTIONS", {})
            settings["CONN_MAX_AGE"] = 0
        return settings
    # IMMEDIATE: a writer takes the lock when its transaction starts, so two clerks are serialised rather
    # than one failing half-way with "database is locked"; timeout: how long the second one waits.
    # WAL: a commit is one fsync, not several, and readers (round status) never wait for a writer; the write-ahead
    # file is folded back into the database when the last connection closes, so the round stays one file.
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(target)),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30,
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL"}}


def _problem(target: str, message: str, hint: str = "") -> KaoheError:
    return KaoheError([Problem(Location(target), message, hint)])


def check_file(target: str, creating: bool) -> None:
    """Refuse a path that is not (or cannot become) a round database, without writing to it."""
    if is_url(target):
        return
    path = Path(target)
    if not path.exists():
        if creating:
            if not path.parent.is_dir():
                raise _problem(target, f"文件夹不存在：{path.parent}")
            return
        raise _problem(target, "考核轮次数据库不存在", "先用 kaohe round new 建立轮次，或用 --db 指定数据库文件")
    if not path.is_file():
        raise _problem(target, "不是文件", "--db 应为考核轮次数据库文件（.sqlite3）或数据库地址")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        if not header and path.stat().st_size == 0 and creating:
            return
        raise _problem(target, "不是考核轮次数据库（不是 SQLite 数据库文件，或文件已损坏）",
                       "请确认 --db 指向的是 kaohe round new 建立的数据库文件")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise _problem(target, "考核轮次数据库已损坏（SQLite 完整性检查未通过）", "请用备份的数据库文件")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        raise _problem(target, f"考核轮次数据库已损坏，无法读取（{error}）", "请用备份的数据库文件") from None
    if tables and OUR_TABLE not in tables:
        raise _problem(target, "这是另一个程序的 SQLite 数据库，不是考核轮次数据库",
                       "请用 --db 指定 kaohe round new 建立的数据库文件")


_opened: str | None = None


def open_database(target: str, creating: bool = False) -> None:
    """Configure Django for this database and bring its schema up to date.

    One process may open several databases one after another (the tests do): the default connection is
    then closed and replaced, as Django's own test runner does when it switches to a test database.
    """
    global _opened
    check_file(target, creating)
    if _opened is None:
        os.environ["KAOHE_DATABASE"] = target
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.server.settings")
        import django
        django.setup()
    elif _opened != target:
        import dj_database_url
        from django.db import connections
        connections.close_all()
        connections.settings["default"] = connections.configure_settings(
            {"default": database_settings(target, dj_database_url.parse)})["default"]
        del connections["default"]
        from . import frozen
        frozen.forget()
    _opened = target
    _migrate(target, creating)


def _migrate(target: str, creating: bool) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import DatabaseError, OperationalError

    try:
        executor = MigrationExecutor(connection)
        tables = connection.introspection.table_names()
        if tables and OUR_TABLE not in tables:
            raise _problem(target, "这个数据库里有别的程序的表，不是考核轮次数据库",
                           "请为考核轮次单独建一个数据库")
        if not tables and not creating:
            raise _problem(target, "数据库中还没有考核轮次", "先用 kaohe round new 建立轮次")
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", verbosity=0, interactive=False)
    except OperationalError as error:
        raise _problem(_shown(target), "无法连接考核轮次数据库", f"请确认数据库服务器已启动、地址和用户名正确"
                       f"（数据库的原话：{' '.join(str(error).split())}）") from None
    except DatabaseError as error:
        raise _problem(_shown(target), f"无法打开考核轮次数据库：{' '.join(str(error).split())}") from None


def _shown(target: str) -> str:
    """A database URL as it may be printed: without its password."""
    if not is_url(target):
        return target
    import urllib.parse
    parts = urllib.parse.urlsplit(target)
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return target
