"""Concurrent clerks on one round, as real OS processes (the 'spawn' start method), on SQLite and PostgreSQL.

Each worker opens the database, then waits at a barrier before every command, so the commands really run
at the same moment. Nothing may be lost: every submission gets its own version, the audit chain stays one
chain, and of two clerks changing the same value from the same starting point exactly one succeeds.
"""
from __future__ import annotations

import multiprocessing
import queue
import re

import pytest

from tests.round_helpers import (
    OFFICE,
    SAMPLES,
    WENZHOU,
    backend_database,
    cli_worker,
    close_connections,
    kaohe,
    ok,
    open_db,
)

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    yield backend_database(request.param, request, tmp_path)
    close_connections()


CLERKS = ("甲", "乙")


@pytest.fixture(scope="module")
def clerks():
    """Two worker processes started with 'spawn', one per clerk, kept for the module (starting one costs
    seconds); a barrier they share puts the k-th command of every clerk at the same moment."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(len(CLERKS))
    results = context.Queue()
    jobs = {clerk: context.Queue() for clerk in CLERKS}
    processes = [context.Process(target=cli_worker, args=(clerk, jobs[clerk], ready, results), daemon=True)
                 for clerk in CLERKS]
    for process in processes:
        process.start()

    def run_together(db: str, plans: dict[str, list[tuple[str, list[str]]]]) -> dict[str, list[tuple[int, str, str]]]:
        """Each clerk's plan (a list of (by, args)) in its own process, command k of every plan at once."""
        assert set(plans) == set(CLERKS) and len({len(plan) for plan in plans.values()}) == 1
        for clerk, plan in plans.items():
            jobs[clerk].put((db, plan))
        outcomes = {}
        waited = 0.0
        while len(outcomes) < len(CLERKS):
            try:
                name, result = results.get(timeout=0.5)
            except queue.Empty:
                waited += 0.5
                assert all(p.is_alive() for p in processes), "a clerk's process died"
                assert waited < 300, "the clerks did not finish in 5 minutes"
                continue
            outcomes[name] = result
        return outcomes

    yield run_together
    for clerk in CLERKS:
        jobs[clerk].put(None)
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    assert [p.exitcode for p in processes] == [0] * len(processes)


def test_twenty_submissions_of_one_unit_at_once_are_all_kept(db, clerks, tmp_path):
    ok(kaohe(db, "new", WENZHOU, "--code", "wz", "--deadline", "2099-01-31"))
    close_connections()  # the workers are the only writers
    changed = tmp_path / "01-鹿城区.yaml"
    changed.write_text(SAMPLES["鹿城区"].read_text(encoding="utf-8").replace("  二.9: 0\n", "  二.9: 1\n", 1),
                       encoding="utf-8")
    files = {"甲": SAMPLES["鹿城区"], "乙": changed}
    outcomes = clerks(db, {clerk: [(f"鹿城区联络员{clerk}", ["submit", "wz", str(path)])] * 10
                                 for clerk, path in files.items()})
    versions = {}
    for clerk, results in outcomes.items():
        assert len(results) == 10
        for exit_code, stdout, stderr in results:
            assert (exit_code, stderr) == (0, ""), (clerk, exit_code, stdout, stderr)
            found = re.fullmatch(r"鹿城区 第(\d+)版（01-鹿城区\.yaml，摘要 [0-9a-f]{12}）：通过校验", stdout.splitlines()[0])
            assert found, stdout
            versions.setdefault(clerk, []).append(int(found[1]))
    assert sorted(versions["甲"] + versions["乙"]) == list(range(1, 21))
    assert versions["甲"] == sorted(versions["甲"]) and versions["乙"] == sorted(versions["乙"])

    open_db(db)
    from kaohe.round.models import AuditEntry, Submission
    rows = list(Submission.objects.filter(unit="鹿城区").order_by("version"))
    assert [r.version for r in rows] == list(range(1, 21))
    by_clerk = {clerk: sorted(r.version for r in rows if bytes(r.content) == path.read_bytes())
                for clerk, path in files.items()}
    assert by_clerk == {clerk: sorted(v) for clerk, v in versions.items()}
    assert {r.actor for r in rows if r.version in versions["乙"]} == {"鹿城区联络员乙"}
    submitted = AuditEntry.objects.filter(action="submit").order_by("seq")
    assert [int(re.search(r"第(\d+)版", e.summary)[1]) for e in submitted] == list(range(1, 21))
    assert ok(kaohe(db, "verify")).startswith(f"核验通过：日志 {AuditEntry.objects.count()} 条")


def test_two_clerks_adjusting_the_same_value_at_once_one_gets_a_conflict(db, clerks):
    ok(kaohe(db, "new", WENZHOU, "--code", "wz"))
    ok(kaohe(db, "submit", "wz", SAMPLES["鹿城区"], by="鹿城区联络员"))
    close_connections()
    # Both saw 一.1 at 93.6 (the unit's own figure) and correct it after 实地核查, each to a different figure.
    plans = {clerk: [(f"考核办{clerk}", ["adjust", "wz", "鹿城区", "一.1", "--value", value, "--expect", "93.6",
                                        "--reason", f"{clerk}实地核查抽查统计表"])]
             for clerk, value in (("甲", "95"), ("乙", "94"))}
    outcomes = {clerk: results[0] for clerk, results in clerks(db, plans).items()}
    winners = [clerk for clerk, (exit_code, _, _) in outcomes.items() if exit_code == 0]
    assert len(winners) == 1, outcomes
    winner = winners[0]
    loser = "乙" if winner == "甲" else "甲"
    value = {"甲": "95", "乙": "94"}[winner]
    assert outcomes[winner][1:] == (
        f"已调整 鹿城区 一.1：填报值 93.6 → {value}（理由：{winner}实地核查抽查统计表）\n", "")
    exit_code, stdout, stderr = outcomes[loser]
    assert (exit_code, stdout) == (1, "")
    assert stderr.splitlines() == [
        f"轮次 wz › 鹿城区 › 一.1: 冲突：一.1 制造业产品质量合格率 的当前值已是 {value}，不是您看到的 93.6；本次调整没有写入",
        "  提示：请用 kaohe round status / log 查看是谁改的，再决定是否重新调整",
        "共 1 个问题。",
    ]

    open_db(db)
    from kaohe.round.models import Adjustment, AuditEntry
    adjustments = list(Adjustment.objects.all())
    assert [(a.actor, a.unit, a.item_id) for a in adjustments] == [(f"考核办{winner}", "鹿城区", "一.1")]
    assert '"value":' + value in adjustments[0].after
    assert AuditEntry.objects.filter(action="adjust").count() == 1
    # The loser, seeing the new value, can now make a change on top of it: nothing was lost.
    ok(kaohe(db, "adjust", "wz", "鹿城区", "一.1", "--value", "94.5", "--expect", value, "--reason", "两人核对后确定",
             by=OFFICE))
    assert [a.actor for a in Adjustment.objects.order_by("pk")] == [f"考核办{winner}", OFFICE]
    assert ok(kaohe(db, "verify")).startswith("核验通过")
