"""A web server evaluates from several threads at once: durable-rules is not thread-safe, and the engine's
lock must cover registering a ruleset and handing it to durable-rules' host, or a ruleset is lost
("Ruleset with name … not found") when one thread registers while another fetches the host."""
from __future__ import annotations

import threading
from decimal import Decimal

from kaohe.engine import evaluate, evidence_from_data
from tests.helpers import one_item_ruleset

ITEM = "method: threshold\ntarget: 90\nunit: '%'"


def test_many_threads_evaluating_new_rulesets_at_once(tmp_path):
    rulesets = [one_item_ruleset(tmp_path / f"r{i}", ITEM + f"\nstandard: 版本{i}", "10") for i in range(24)]
    start = threading.Barrier(len(rulesets))
    failures, totals = [], []

    def score(ruleset) -> None:
        evidence = evidence_from_data({"unit": "甲县", "ruleset": ruleset.id, "values": {"X": Decimal(95)}},
                                      ruleset, "甲县.yaml", "")
        start.wait()
        try:
            totals.append(evaluate(ruleset, [evidence])[0].total)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            failures.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=score, args=(r,)) for r in rulesets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert totals == [Decimal(10)] * len(rulesets)
