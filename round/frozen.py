"""The round's ruleset, frozen: every file of its extends chain stored with its digest, loaded back from there.

A publication is re-scored from these bytes, never from the ruleset folder on disk, which may have changed.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kaohe.engine import KaoheError, Location, Problem, Ruleset, load_ruleset
from kaohe.engine.extends import chain_files
from kaohe.engine.loading import read_bytes

MAX_RULESET_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FrozenFile:
    path: str  # relative to the folder the chain's files share
    content: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def freeze(ruleset_path: Path) -> tuple[FrozenFile, ...]:
    files = [f.resolve() for f in chain_files(Path(ruleset_path))]
    base = Path(os.path.commonpath([f.parent for f in files]))
    return tuple(FrozenFile(f.relative_to(base).as_posix(), read_bytes(f, MAX_RULESET_BYTES)) for f in files)


_loaded: dict[str, Ruleset] = {}


def forget() -> None:
    """Another database was opened: its rulesets are its own."""
    _loaded.clear()


def loaded(digest: str) -> Ruleset | None:
    return _loaded.get(digest)


def thaw(files: tuple[FrozenFile, ...], expected_digest: str) -> Ruleset:
    """Load the ruleset from its frozen files (once per process per digest)."""
    if expected_digest in _loaded:
        return _loaded[expected_digest]
    with tempfile.TemporaryDirectory(prefix="kaohe-ruleset-") as folder:
        for frozen in files:
            target = Path(folder, frozen.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(frozen.content)
        ruleset = load_ruleset(Path(folder, files[0].path))
    if ruleset.digest != expected_digest:
        raise KaoheError([Problem(Location(files[0].path), "轮次中保存的细则文件与建立轮次时的摘要不符（已被改动）",
                                  f"建立时 {expected_digest[:12]}，现在 {ruleset.digest[:12]}")])
    _loaded[expected_digest] = ruleset
    return ruleset
