"""Shared by the round tests (test_round.py, test_round_concurrency.py): the two database backends, the
`kaohe round` command run in-process, and the 温州 2014 round played through the Python API.

Django is configured by kaohe.round.database.open_database; the round modules are imported only after it.
The workers at the bottom run in processes started with the 'spawn' method, so they live in a module the
child can import.
"""
from __future__ import annotations

import functools
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

import yaml
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
WENZHOU = ROOT / "rulesets" / "wenzhou-2014"
NATIONAL = ROOT / "rulesets" / "national-2013"
SAMPLES = {path.stem.split("-", 1)[1]: path for path in sorted((WENZHOU / "samples").glob("*.yaml"))}
UNITS = ["鹿城区", "龙湾区", "瓯海区", "洞头县", "瑞安市", "乐清市", "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县"]
GROUPS = {"第一组": UNITS[:6], "第二组": UNITS[6:]}
GROUP_OF = {unit: group for group, units in GROUPS.items() for unit in units}
JUDGED = ("二.7", "二.14", "二.15")  # method: judged → provider inspection
DEPARTMENT_ITEMS = ("一.10", "一.11")  # provider: department (市质监局)
DEPARTMENT = "市质监局"
OFFICE = "考核办王五"
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")


def backend_database(backend: str, request, tmp_path: Path) -> str:
    """A new, empty round database: a SQLite file path, or the URL of a fresh PostgreSQL database."""
    if backend == "sqlite":
        return str(tmp_path / "round.sqlite3")
    return request.getfixturevalue("postgres_database")


def close_connections() -> None:
    """Before a PostgreSQL test database is dropped (and after each test): no connection of ours is left."""
    try:
        from django.db import connections
    except ImportError:
        return
    from django.conf import settings
    if settings.configured:
        connections.close_all()


# --- the command line --------------------------------------------------------------------------------------


def kaohe(db: str, *args, by: str = OFFICE) -> Result:
    """`kaohe round --db DB --by BY ARGS…`, in this process."""
    from kaohe.cli.main import cli
    return CliRunner().invoke(cli, ["round", "--db", db, "--by", by, *map(str, args)])


def ok(result: Result) -> str:
    """The command succeeded: its stdout."""
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert result.stderr == ""
    return result.stdout


def refused(result: Result) -> str:
    """The command refused its input (exit 1) with a message, not a traceback or an internal error: its stderr."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    assert result.stderr.strip(), result.output
    return result.stderr


def timeless(text: str) -> list[str]:
    """Output lines with each time stamped by the clock written as <时间>. The tests' own dates (deadlines,
    appeal windows) are in 2015 or 2099, never now, and are kept."""
    def clock(match: re.Match) -> str:
        return match[0] if match[0].startswith(("2015-", "2099-")) else "<时间>"
    return [TIME.sub(clock, line) for line in text.splitlines()]


# --- the database, directly ---------------------------------------------------------------------------------


def open_db(db: str, creating: bool = False) -> None:
    from kaohe.round.database import open_database
    open_database(db, creating)


def audit_count() -> int:
    from kaohe.round.models import AuditEntry
    return AuditEntry.objects.count()


def table_counts() -> dict[str, int]:
    """Rows in every table of the round app: the whole record, to show nothing was written."""
    from django.apps import apps
    return {m.__name__: m.objects.count() for m in apps.get_app_config("round").get_models()}


def execute(sql: str, params=()) -> int:
    """Raw SQL behind the models' back (they refuse updates): the number of rows it touched."""
    from django.db import connection, transaction
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


# --- the 温州 2014 samples ----------------------------------------------------------------------------------


@functools.cache
def sample(unit: str) -> dict:
    """A bundled sample as data (read once: the callers only look)."""
    return yaml.safe_load(SAMPLES[unit].read_text(encoding="utf-8"))


def judged(unit: str, item: str) -> tuple[str, str]:
    """The inspection group's score and reason for a judged item, as the bundled sample holds them."""
    value = sample(unit)["values"][item]["value"]
    return str(value["score"]), value["reason"]


def department_value(unit: str, item: str) -> str:
    return str(sample(unit)["values"][item])


def play_round(db: str, code: str = "wz", ruleset: Path = WENZHOU, until: str = "notice+final") -> None:
    """A whole round through the Python API: all 11 units, every judged and department row, an adjustment,
    then (`until`) a 公示, two appeals (one upheld, one rejected) and the final result. Leaves the database open."""
    import datetime as dt
    from decimal import Decimal

    open_db(db, creating=True)
    from kaohe.round import actions

    future = dt.datetime(2099, 1, 31, tzinfo=dt.timezone.utc)
    actions.new_round(ruleset, code, "", OFFICE, future, groups=GROUP_OF)
    for unit in UNITS:
        actions.submit(code, SAMPLES[unit], f"{unit}联络员")
        for item in JUDGED:
            score, reason = judged(unit, item)
            actions.judge(code, unit, item, Decimal(score), reason, GROUP_OF[unit], f"{GROUP_OF[unit]}组长")
        for item in DEPARTMENT_ITEMS:
            actions.judge(code, unit, item, Decimal(department_value(unit, item)), "", DEPARTMENT, "市质监局赵六")
    actions.adjust(code, "苍南县", "一.6", "实地核查取得测评报告", OFFICE, value=Decimal(76))
    if until != "entries":
        publish_round(code)


def publish_round(code: str = "wz") -> None:
    """The rest of `play_round`: the 公示, appeal 1 (龙湾区 一.7, a PDF attached) upheld, appeal 2 (平阳县 二.12) rejected, the final."""
    import datetime as dt
    from decimal import Decimal

    from kaohe.round import actions
    from kaohe.round.attachments import Attachment
    from kaohe.round.models import Publication

    future = dt.datetime(2099, 1, 31, tzinfo=dt.timezone.utc)
    actions.publish(code, Publication.NOTICE, OFFICE, appeal_until=future)
    actions.appeal(code, "龙湾区", ["一.7"], "水质监测数据有误", "龙湾区联络员",
                   [Attachment("水质监测报告.pdf", b"%PDF-1.4\n% monitoring report\n%%EOF\n")])
    actions.appeal(code, "平阳县", ["二.12"], "已制定考核办法", "平阳县联络员")
    actions.decide(code, 1, True, "复核属实", OFFICE, value=Decimal(64))
    actions.decide(code, 2, False, "未能提供县政府文件", OFFICE)
    actions.publish(code, Publication.FINAL, OFFICE)


@contextmanager
def postgres_copy(postgres_url: str, template: str):
    """A new PostgreSQL database made from `template` (a URL on the same server; nobody may be connected to it)."""
    import psycopg

    name = f"kaohe_c_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template.rsplit('/', 1)[1]}")
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        close_connections()
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- workers for the concurrency tests (run in spawned processes) -------------------------------------------


def cli_worker(name: str, jobs, ready, results) -> None:
    """A clerk in a process of its own: for each job (db, [(by, args), …]) from `jobs`, open that database,
    then for each command wait at the barrier until every worker is ready, and run `kaohe round --db DB
    --by BY ARGS…` in this process. None ends the worker.

    Puts (name, [(exit code, stdout, stderr), …]) on `results` per job; an exception is reported, not raised.
    """
    from kaohe.cli.main import cli  # imported before any barrier: the race is the database's, not import's
    while (job := jobs.get()) is not None:
        db, runs = job
        outcomes = []
        try:
            open_db(db)
            for by, args in runs:
                ready.wait(timeout=120)
                result = CliRunner().invoke(cli, ["round", "--db", db, "--by", by, *args])
                outcomes.append((result.exit_code, result.stdout, result.stderr))
            close_connections()
        except BaseException as error:  # noqa: BLE001 - the parent asserts on it
            outcomes.append((-1, "", f"{type(error).__name__}: {error}"))
        results.put((name, outcomes))
