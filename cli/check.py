"""kaohe check RULESET EVIDENCE"""
from __future__ import annotations

from pathlib import Path

import click

from kaohe.engine import load_evidence, load_ruleset
from kaohe.engine.render.check import check_document, check_text
from kaohe.engine.render.json import dumps
from kaohe.engine.selfcheck import self_check

from .options import json_option, ruleset_argument


@click.command()
@ruleset_argument
@click.argument("evidence", type=click.Path(path_type=Path))
@json_option
def check(ruleset, evidence, as_json) -> None:
    """报送前自查：暂定得分和等次、缺少的填报值和佐证材料、待评定的项目、自评分与计算分的差异、升档还差多少。

    EVIDENCE 为本单位的填报材料（YAML、JSON 或填好的填报表 .xlsx）。
    由考核组或牵头部门评定的项目没有值时列为“待评定”（注明分值），不算缺报。
    最后一行是结论：“可以报送”，或“还不能报送：”及原因。
    有本单位缺少的填报值、事实或佐证材料时退出码 1（还不能报送），否则 0。

    \b
    示例：
      kaohe check rulesets/wenzhou-2014 rulesets/wenzhou-2014/samples/09-苍南县.yaml
      kaohe check rulesets/wenzhou-2014 鹿城区-填报表.xlsx --json
    """
    loaded = load_ruleset(ruleset)
    report = self_check(loaded, load_evidence(evidence, loaded))
    click.echo(dumps(check_document(loaded, report)) if as_json else check_text(loaded, report), nl=False)
    if not report.ready:
        raise click.exceptions.Exit(1)
