"""Options that mean the same in every verb, defined once."""
from __future__ import annotations

from pathlib import Path

import click

json_option = click.option("--json", "as_json", is_flag=True, help="输出稳定的 JSON 文档（格式见 README）。")
out_option = click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path),
                          metavar="文件夹",
                          help="把结果作为完整的一套写入此文件夹（整体替换；出错或中断时保持原样）。")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="只输出结果，不输出提示信息。")
ruleset_argument = click.argument("ruleset", type=click.Path(path_type=Path))
unit_option = click.option("--unit", metavar="单位", help="只看这一个单位（逐项得分、理由与依据）。")
