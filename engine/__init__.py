"""Kaohe's public API: load a ruleset, load evidence, evaluate, render.

    from kaohe.engine import load_ruleset, load_evidence, evaluate
    ruleset = load_ruleset("rulesets/wenzhou-2014")
    batch = [load_evidence(p, ruleset) for p in paths]
    for result in evaluate(ruleset, batch):
        print(result.unit, result.total, result.grade)
"""
from .entrysheet import PartyEntry, PartySheet, read_party_workbook
from .errors import KaoheError, Location, Problem
from .evaluate import InternalError, evaluate
from .evidence import evidence_from_data, evidence_from_text, load_evidence
from .model import PROVIDERS, Evidence, ItemResult, Ruleset, UnitResult, format_points
from .render.json import result_document, results_document
from .render.summary import summary_text
from .ruleset import load_ruleset

__all__ = [
    "KaoheError", "Location", "Problem", "InternalError", "Ruleset", "Evidence", "ItemResult", "UnitResult",
    "load_ruleset", "load_evidence", "evidence_from_text", "evidence_from_data", "evaluate",
    "result_document", "results_document", "summary_text", "format_points",
    "PROVIDERS", "read_party_workbook", "PartySheet", "PartyEntry",
]
