"""pytest collects the ruleset cases in rulesets/<id>/cases/*.yaml: one test item per case."""
from __future__ import annotations

from pathlib import Path

import pytest

from kaohe.engine import load_ruleset
from kaohe.engine.cases import load_cases, run_case


def pytest_collect_file(parent, file_path: Path):
    in_cases = file_path.parent.name == "cases" and file_path.parent.parent.parent.name == "rulesets"
    if file_path.suffix == ".yaml" and in_cases:
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):
        ruleset = load_ruleset(self.path.parent.parent)
        for case in load_cases(self.path):
            yield CaseItem.from_parent(self, name=case.name, ruleset=ruleset, case=case)


class CaseItem(pytest.Item):
    def __init__(self, *, ruleset, case, **kwargs):
        super().__init__(**kwargs)
        self.ruleset, self.case = ruleset, case

    def runtest(self):
        outcome = run_case(self.ruleset, self.case)
        if not outcome.passed:
            raise CaseFailed(outcome.failures)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseFailed):
            return "\n".join(excinfo.value.args[0])
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.case.location.line, f"用例：{self.case.name}"


class CaseFailed(Exception):
    pass
