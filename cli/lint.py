"""kaohe lint RULESET"""
from __future__ import annotations

import textwrap

import click

from kaohe.engine.lint import lint_path

from .options import ruleset_argument


@click.command()
@ruleset_argument
def lint(ruleset) -> None:
    """检查细则草案是否自洽：分值合计、依据、档次覆盖与取舍、各评分方法的参数、结果规则读取的事实。

    错误和警告分开列出。有错误时退出码 1；只有警告时退出码 0。

    \b
    示例：
      kaohe lint rulesets/hubei-2015
    """
    findings = lint_path(ruleset)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    for heading, listed in (("错误", errors), ("警告", warnings)):
        if listed:
            click.echo(f"{heading}（{len(listed)}）：")
            for finding in listed:
                click.echo(textwrap.indent(str(finding), "  "))
    click.echo(f"{ruleset}：{len(errors)} 个错误，{len(warnings)} 个警告。")
    if errors:
        raise click.exceptions.Exit(1)
