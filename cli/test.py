"""kaohe test RULESET"""
from __future__ import annotations

import click

from kaohe.engine import KaoheError, load_ruleset
from kaohe.engine.cases import case_files, load_cases, run_case

from .options import ruleset_argument


@click.command(name="test")
@ruleset_argument
def test_command(ruleset) -> None:
    """运行细则旁 cases/ 文件夹中的用例（材料 → 期望的逐项得分、总分、等次），逐项列出期望与实际。

    有用例不通过时退出码 1。pytest 也会收集这些用例。

    \b
    示例：
      kaohe test rulesets/hubei-2015
    """
    loaded = load_ruleset(ruleset)
    files = case_files(ruleset)
    if not files:
        raise click.ClickException(f"{ruleset} 旁没有 cases/*.yaml 用例文件")
    cases, problems = [], []
    for path in files:  # every case file checked before any case runs, all problems reported at once
        try:
            cases += load_cases(path)
        except KaoheError as error:
            problems += error.problems
    if problems:
        raise KaoheError(problems)
    passed = failed = 0
    for case in cases:
        outcome = run_case(loaded, case)
        if outcome.passed:
            passed += 1
            click.echo(f"✓ {case.name}")
        else:
            failed += 1
            click.echo(f"✗ {case.name}（{case.location.file}:{case.location.line}）")
            for line in outcome.failures:
                click.echo(f"    {line}")
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise click.exceptions.Exit(1)
