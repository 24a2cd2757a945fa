"""The closed set of scoring methods: name → module.

Each module holds NAME, VALUE_KIND (what evidence it reads), a frozen Params
dataclass, read_params(fields, points) and score(item, value, ctx) → ItemScore.
The reference for each is rulesets/REFERENCE.md, section 评分方法.
"""
from . import (
    add_per,
    all_or_nothing,
    awards,
    base_step,
    brackets,
    checklist,
    deduct_below_target,
    deduct_per,
    judged,
    levels,
    parts,
    rank,
    ratio,
    threshold,
)

METHODS = {module.NAME: module for module in (
    all_or_nothing, levels, parts, deduct_per, add_per, threshold, deduct_below_target, base_step,
    brackets, rank, judged, checklist, awards, ratio,
)}


_TARGET = {name for name, module in METHODS.items() if getattr(module, "NEEDS_TARGET", False)}
_COHORT = {name for name, module in METHODS.items() if getattr(module, "NEEDS_COHORT", False)}


def needs_target(name: str) -> bool:
    """Methods that compare the value with the item's target (or the unit's filed one)."""
    return name in _TARGET


def needs_cohort(name: str) -> bool:
    """Methods that need the whole batch: places in the cohort."""
    return name in _COHORT


def deducts(name: str) -> bool:
    """Methods that can stand in a penalty section (扣分项): they word a deduction of their own."""
    return name in METHODS and hasattr(METHODS[name], "deduct")
