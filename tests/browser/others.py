"""The rest of a round around the one unit a browser test walks through: every other unit of 温州 2014 has
submitted its sample and been scored by its inspection group and by 市质监局, through the round's Python API.

Run as `python -m tests.browser.others DB UNIT`, in a process of its own: the browser tests' thread runs
Playwright's event loop, under which Django refuses database work."""
from __future__ import annotations

import sys
from decimal import Decimal

from tests.round_helpers import (
    DEPARTMENT,
    DEPARTMENT_ITEMS,
    GROUP_OF,
    JUDGED,
    SAMPLES,
    UNITS,
    department_value,
    judged,
    open_db,
)

CODE = "wz"


def others_done(db: str, walked: str) -> None:
    open_db(db)
    from kaohe.round import actions
    for unit in UNITS:
        if unit == walked:
            continue
        actions.submit(CODE, SAMPLES[unit], f"{unit}联络员")
        for item in JUDGED:
            score, reason = judged(unit, item)
            actions.judge(CODE, unit, item, Decimal(score), reason, GROUP_OF[unit], f"{GROUP_OF[unit]}组长")
        for item in DEPARTMENT_ITEMS:
            actions.judge(CODE, unit, item, Decimal(department_value(unit, item)), "", DEPARTMENT, "市质监局赵六")


if __name__ == "__main__":
    others_done(sys.argv[1], sys.argv[2])
