"""Fuzz: seeded mutations of the bundled rulesets, samples, cases and workbooks through every command.

Each case (one seed: one mutated input, one command line; see tests/fuzz_mutations.py) must end without an
internal error or uncaught exception, within its time bound, without touching its inputs, without partial
output, and with a location on every error it reports. Mutations that are legitimately accepted (a BOM,
CRLF, a harmless text change) pass as long as those hold: the test asserts behaviour, not refusal.

Reproduce a failing case from its id:  .venv/bin/python -m tests.fuzz_mutations s0042 --keep /tmp/fuzz
More cases (seeds 0…N-1):              KAOHE_FUZZ_CASES=2000 .venv/bin/python -m pytest tests/test_fuzz.py
"""
from __future__ import annotations

import json
import signal
import time

import pytest

from tests import fuzz_mutations as fuzz
from tests.fuzz_mutations import CASE_COUNT, Pipeline, build_cases

CASES = build_cases()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    runner = Pipeline(CASES, tmp_path_factory.mktemp("fuzz"))
    yield runner
    runner.close()


def test_the_case_list_is_deterministic_and_covers_every_command():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)) == CASE_COUNT >= 300
    assert ids == [case.id for case in build_cases()]
    assert {case.kind for case in CASES} == {"ruleset-tree", "ruleset-text", "sample-tree", "sample-text",
                                             "case-tree", "case-text", "workbook-cells", "workbook-bytes"}
    verbs = {case.command.split("@")[0].split(":")[0].split("-")[0] for case in CASES}
    assert verbs == {"validate", "lint", "test", "diff", "impact", "score", "check", "template"}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fuzz_case(case, pipeline):
    report = pipeline.report(case)
    if report.failures:
        pytest.fail(report.text(), pytrace=False)


# The harness itself: each failure class is recognised.

def _prepared(tmp_path, **fields):
    return fuzz.Prepared(tmp_path, ["score"], "", "", "rulesets/x.yaml", ["rulesets"], **fields)


def test_partial_output_and_staging_files_are_recognised(tmp_path):
    folder = tmp_path / "out" / "score"
    folder.mkdir(parents=True)
    for name in fuzz.OUTPUT_NAMES:
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "results.json").write_text(json.dumps({"units": [{"unit": "鹿城区"}]}), encoding="utf-8")
    (folder / "鹿城区.html").write_text("x", encoding="utf-8")  # 鹿城区.xlsx missing
    prepared = _prepared(tmp_path, out_dir="out/score")
    after = fuzz.tree_digest(tmp_path, ["out/score"])
    done = fuzz.Run(exit_code=0)
    assert any("鹿城区.xlsx" in f for f in fuzz.check_outputs(prepared, done, {}, after))
    refused = fuzz.Run(exit_code=1, stderr="x.yaml:1:1: 错误\n")
    assert any(f.startswith("PARTIAL OUTPUT: exit 1") for f in fuzz.check_outputs(prepared, refused, {}, after))
    (tmp_path / "out" / ".score.kaohe-new-1").mkdir()
    assert any("staging" in f for f in fuzz.check_outputs(prepared, refused, after, after))


def test_modified_inputs_internal_errors_and_bare_locations_are_recognised(tmp_path):
    prepared = _prepared(tmp_path)
    run = fuzz.Run(exit_code=1, stderr="<输入>: 缺少必填字段\n")
    failures = fuzz.check_run(prepared, run, {"rulesets/a.yaml": "1"}, {"rulesets/a.yaml": "2"}, {}, {})
    assert [f.split(":")[0] for f in failures] == ["NO LOCATION", "MODIFIED INPUT"]
    run = fuzz.Run(exit_code=3, stderr="内部错误：KeyError: 'x'\n")
    assert fuzz.check_run(prepared, run, {}, {}, {}, {})[0].startswith("INTERNAL ERROR")


def test_the_time_bound_interrupts_a_run(tmp_path, monkeypatch):
    def forever(path):
        while True:
            pass
    monkeypatch.setattr("kaohe.cli.validate.load_ruleset", forever)
    start = time.perf_counter()
    run = fuzz.run_command(["validate", "rulesets/x"], tmp_path, bound=0.3)
    assert run.timed_out and time.perf_counter() - start < 2
    assert fuzz.check_run(_prepared(tmp_path), run, {}, {}, {}, {})[0].startswith("HANG")


def test_a_run_that_no_signal_reaches_is_killed(tmp_path, monkeypatch):
    def stuck(case, root, reuse=False):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as if inside a C loop
        time.sleep(60)
    monkeypatch.setattr(fuzz, "case_report", stuck)
    start = time.perf_counter()
    report = fuzz.finish_worker(fuzz.start_worker(CASES[0], tmp_path / "workspace", deadline=2.0))
    assert time.perf_counter() - start < 10
    assert report.failures and report.failures[0].startswith("HANG")
