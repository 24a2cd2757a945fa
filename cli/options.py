"""Options that mean the same in every verb, defined once."""
from __future__ import annotations

from pathlib import Path

import click

json_option = click.option("--json", "as_json", is_flag=True, help="输出稳定的 JSON 文档（格式见 README）。")
out_option = click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path),
                          help="把结果写入此文件夹（原子写入，不会留下半个文件）。")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="只输出结果，不输出提示信息。")
ruleset_argument = click.argument("ruleset", type=click.Path(path_type=Path))
unit_option = click.option("--unit", help="只看这一个单位（逐项得分、理由与依据）。")
