"""Benchmark: score N synthetic units on a ruleset of 125+ items and report units per second.

    python benchmarks/bench.py                 # 3,000 units, 127 leaves, best of 3 runs
    python benchmarks/bench.py --units 10000 --repeat 1

Targets on the 2-core reference machine:
- evaluation alone (`evaluate()`, the ruleset and evidence loaded and checked before): ≥ 1,000 units/s;
- scoring and rendering (`evaluate()` + every score sheet as .xlsx and .html, the summaries, the JSON): < 60 s
  for 3,000 units. `--no-render` skips this part.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import random_batch, write_ruleset  # noqa: E402
from kaohe.engine import evaluate  # noqa: E402
from kaohe.engine.render.outputs import write_outputs  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--sections", type=int, default=5)
    parser.add_argument("--per-section", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target", type=float, default=1000.0, help="units/s to reach (exit 1 below it)")
    parser.add_argument("--render-target", type=float, default=60.0, help="seconds to score and render all units")
    parser.add_argument("--no-render", action="store_true", help="time the evaluation only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        ruleset = write_ruleset(Path(folder), sections=args.sections, per_section=args.per_section, units=args.units)
        loaded = time.perf_counter()
        batch = random_batch(ruleset, args.units)
        built = time.perf_counter()
    evaluate(ruleset, batch[:10])  # compile the durable-rules ruleset once, outside the timing
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = evaluate(ruleset, batch)
        timings.append(time.perf_counter() - start)
        assert len(results) == args.units and all(r.complete for r in results)
    best = min(timings)
    rate = args.units / best
    print(f"ruleset: {len(ruleset.leaves())} scored items, {len(ruleset.outcomes)} outcome rules, "
          f"loaded in {loaded - started:.2f} s")
    print(f"evidence: {args.units} units checked in {built - loaded:.2f} s")
    print(f"evaluate: {args.units} units in {best:.2f} s (best of {args.repeat}: "
          f"{', '.join(f'{t:.2f}' for t in timings)}) = {rate:,.0f} units/s "
          f"({'meets' if rate >= args.target else 'BELOW'} the target of {args.target:,.0f})")
    ok = rate >= args.target
    if not args.no_render:
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            results = evaluate(ruleset, batch)
            write_outputs(ruleset, results, Path(out))
            spent = time.perf_counter() - start
            files = len(list(Path(out).iterdir()))
        print(f"score + render: {args.units} units in {spent:.1f} s, {files} files "
              f"({'meets' if spent < args.render_target else 'ABOVE'} the target of {args.render_target:.0f} s)")
        ok = ok and spent < args.render_target
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
