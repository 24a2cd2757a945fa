"""The reference page and the help texts: every method is documented, and its example runs as written."""
import re
from pathlib import Path

import pytest
import yaml

from kaohe.cli.main import cli
from kaohe.engine import load_ruleset
from kaohe.engine.methods import METHODS
from tests.helpers import D, one_item_ruleset, score_values

REFERENCE = (Path(__file__).parent.parent / "rulesets" / "REFERENCE.md").read_text(encoding="utf-8")
SECTIONS = dict(re.findall(r"^### (\w+)\n(.*?)(?=^##)", REFERENCE + "\n## ", flags=re.M | re.S))


def test_every_method_has_a_reference_section():
    assert sorted(SECTIONS) == sorted(METHODS)


def to_decimals(value):
    if isinstance(value, float | int) and not isinstance(value, bool):
        return D(value)
    if isinstance(value, dict):
        return {k: to_decimals(v) for k, v in value.items()}
    return value


EXAMPLE = re.compile(r"```yaml\n# 细则\n(.*?)```\n```yaml\n# 填报[^\n]*\n(.*?)```\n> 结果：(\S+) 分 —— ([^\n]+)$",
                     flags=re.M | re.S)
EXAMPLES = [(method, number, *found) for method in sorted(SECTIONS)
            for number, found in enumerate(EXAMPLE.findall(SECTIONS[method]), start=1)]


def test_every_method_section_has_an_example():
    assert {method for method, *_ in EXAMPLES} == set(METHODS)


@pytest.mark.parametrize(("method", "number", "rule", "filled", "score", "reason"), EXAMPLES,
                         ids=[f"{method}-{number}" for method, number, *_ in EXAMPLES])
def test_reference_example_runs_as_written(tmp_path, method, number, rule, filled, score, reason):
    """Every example of every method's section: the 细则 and 填报 blocks give the 结果 line beneath them."""
    rule, filled = yaml.safe_load(rule), yaml.safe_load(filled)
    points = str(rule.pop("points"))
    item = yaml.safe_dump(rule, allow_unicode=True)
    ruleset = one_item_ruleset(tmp_path, item, points)
    if "batch" in filled:
        result = score_values(ruleset, [to_decimals(v) for v in filled["batch"]])[1]
    else:
        result = score_values(ruleset, [to_decimals(filled["value"])])[0]
    assert (result.score, result.reason) == (D(score), reason)


@pytest.mark.parametrize("verb", sorted(cli.commands))
def test_every_verb_has_help_with_an_example(verb):
    from click.testing import CliRunner
    result = CliRunner().invoke(cli, [verb, "--help"])
    assert result.exit_code == 0
    assert "示例：" in result.stdout


def test_readme_names_every_verb_and_exit_code():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for verb in cli.commands:
        assert f"kaohe {verb}" in readme
    for code in ("0", "1", "2", "3"):
        assert f"| {code} |" in readme


def test_the_provider_example_loads_as_documented(tmp_path):
    from tests.helpers import ruleset_text, write
    section = REFERENCE.split("## 谁给值：provider\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, flags=re.S).group(1).replace("source: wzb-2014-98", "source: s")
    ruleset = load_ruleset(write(tmp_path, ruleset_text(block)))
    said = re.search(r"^> 结果：(.+)$", section, flags=re.M).group(1)
    assert "，".join(f"{leaf.id} " + ("由单位自填" if leaf.provider == "unit" else f"由{leaf.provider_label}评定")
                    for leaf in ruleset.leaves()) == said
