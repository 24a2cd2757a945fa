"""Benchmark: a whole round of N synthetic units in the round database — submit every unit from its file, the
inspection groups' scores from their workbooks, score, publish the 公示 — and `round status`.

    python benchmarks/round_bench.py                          # 3,000 units on a SQLite file
    python benchmarks/round_bench.py --db postgresql://kaohe@127.0.0.1:5432/bench
    python benchmarks/round_bench.py --units 300              # a quick look

Targets on the 2-core reference machine (issue 9): submit all + score + publish in under 2 minutes on SQLite;
`round status` under 1 s. Exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import random_evidence_data, write_ruleset  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--db", default="", help="a database URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--target", type=float, default=120.0, help="seconds for submit + enter + score + publish")
    parser.add_argument("--status-target", type=float, default=1.0, help="seconds for round status")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ruleset = write_ruleset(root / "ruleset", units=args.units)
        from kaohe.round import jsondata  # no Django needed for the files
        files = []
        for index in range(args.units):
            data = random_evidence_data(ruleset, index)
            path = root / "evidence" / f"{index:05d}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(jsondata.dump(data), encoding="utf-8")
            files.append((path, data))
        judged = [leaf for leaf in ruleset.leaves() if leaf.provider == "inspection"]

        from kaohe.round.database import open_database
        target = args.db or str(root / "round.sqlite3")
        open_database(target, creating=True)
        from kaohe.round import actions
        from kaohe.round.state import find_round
        from kaohe.round.status import round_status

        timings: dict[str, float] = {}
        start = time.perf_counter()
        actions.new_round(root / "ruleset", "bench", "", "基准")
        timings["new"] = time.perf_counter() - start

        start = time.perf_counter()
        outcomes = actions.submit_many("bench", [path for path, _ in files], "基准")  # kaohe round submit bench FILE…
        assert all(o.submission.accepted for o in outcomes)
        timings["submit"] = time.perf_counter() - start

        start = time.perf_counter()
        values = [actions.PartyValue(data["unit"], leaf.id, {"value": data["values"][leaf.id]})
                  for _, data in files for leaf in judged]
        actions.enter_values("bench", "第一组", "inspection", values, "基准", source="基准")
        timings["enter"] = time.perf_counter() - start

        start = time.perf_counter()
        report = round_status(find_round("bench"))
        timings["status"] = time.perf_counter() - start
        assert report.count("已报送") + report.count("材料不全") == args.units

        start = time.perf_counter()
        until = datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)
        publication = actions.publish("bench", "notice", "基准", appeal_until=until, note="")
        timings["publish"] = time.perf_counter() - start
        assert publication.run.provisional is False

    whole = timings["submit"] + timings["enter"] + timings["publish"]
    engine = "PostgreSQL" if args.db.startswith("postgres") else "SQLite"
    print(f"round of {args.units} units on {engine}, {len(ruleset.leaves())} scored items "
          f"({len(judged)} by inspection groups)")
    for name, seconds in timings.items():
        print(f"  {name:<8} {seconds:7.2f} s")
    print(f"submit + enter + score + publish: {whole:.1f} s "
          f"({'meets' if whole < args.target else 'ABOVE'} the target of {args.target:.0f} s)")
    print(f"status: {timings['status']:.2f} s "
          f"({'meets' if timings['status'] < args.status_target else 'ABOVE'} the target of {args.status_target} s)")
    return 0 if whole < args.target and timings["status"] < args.status_target else 1


if __name__ == "__main__":
    sys.exit(main())
