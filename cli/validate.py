"""kaohe validate RULESET"""
from __future__ import annotations

import click

from kaohe.engine import format_points, load_ruleset

from .options import ruleset_argument


@click.command()
@ruleset_argument
def validate(ruleset) -> None:
    """检查细则：结构、字段类型、评分方法与参数、分值合计、依据来源。

    有问题时一次列出全部问题，每条注明 文件:行:列 与期望的内容，退出码 1。

    \b
    示例：
      kaohe validate rulesets/wenzhou-2014
    """
    loaded = load_ruleset(ruleset)
    leaves = loaded.leaves()
    click.echo(f"{loaded.file}：细则 {loaded.id}（版本 {loaded.version}）检查通过，"
               f"{len(list(loaded.all_items()))} 个指标（{len(leaves)} 个评分项），"
               f"{len(loaded.outcomes)} 条结果规则，满分 {format_points(loaded.scale)} 分。")
