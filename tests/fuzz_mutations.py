"""Seeded mutations of the bundled rulesets, samples, cases and workbooks, run through every `kaohe` command.

Used by tests/test_fuzz.py. One case = one seed = one mutated input run through one command line:

    case = make_case(42)                 # from random.Random(42): what to mutate, how, and which command
    report = Pipeline([case], folder).report(case)
    report.failures                      # [] when kaohe behaved; report.text() says what, how and why

The inputs: rulesets/*/ruleset.yaml (the 7 bundled rulesets; hubei-2015 extends hubei-2014, gansu-2011 stands
alone, the others extend national-2013), the samples of wenzhou-2014 and hubei-2014, every ruleset's cases/*.yaml,
and fill-in workbooks made by kaohe.engine.render.fillin and filled from a sample. Mutations: on the parsed YAML
tree ("tree": delete or rename a key, swap a value's type, odd numbers, control characters, long strings,
duplicated elements, empty containers, swapped values, harmless edits), on the raw text ("text": truncation,
lines deleted/duplicated/swapped/re-indented, YAML tags, an alias bomb, 1000-level nesting, several documents,
BOM, CR/CRLF, raw control characters, other encodings, odd extends), on workbook cells
("cells", with openpyxl) and on workbook bytes ("bytes": truncated or flipped zips, zip headers, members dropped
or corrupted, an XML entity bomb, a YAML file named .xlsx). Each case works in its own workspace (a copy of
rulesets/, so relative `extends` work; pristine/ for the unmutated originals; workbooks/; out/ for outputs).

A case fails on (`check_run`): exit code 3 or an uncaught exception; "内部错误" or "Traceback" in the output; no
result within BOUND seconds (SIGALRM raises CaseTimeout inside the run; a run stuck where no signal reaches it is
killed by the parent after WORKER_DEADLINE); an input file modified, added or removed; partial output (`-o`
folder, --html/--xlsx reports or the template file neither as before nor complete, staging files left, a user's
own file in the -o folder removed); an exit-1 message line without a location (starting with "<输入>").

Each case runs in a forked worker (CliRunner against kaohe.cli.main:cli inside it), two at a time: a loop in C
code or a memory blow-up costs the case, not the session. Unmutated rulesets and samples are loaded once, before
forking, and served to workers from memos (loading YAML is most of a run's time). KAOHE_FUZZ_FORK=0 runs in the
test process (for a debugger); KAOHE_FUZZ_JOBS sets the number of workers; KAOHE_FUZZ_CASES the number of seeds.

Reproduce a case (prints the mutation, the command line and the result; --keep leaves a failing workspace):

    .venv/bin/python -m tests.fuzz_mutations s0042 [s0043 …] [--keep /tmp/fuzz] [--no-fork]
"""
from __future__ import annotations

import atexit
import base64
import contextlib
import dataclasses
import datetime as dt
import difflib
import faulthandler
import hashlib
import io
import json
import os
import pickle
import random
import re
import resource
import select
import shlex
import shutil
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

REPO = Path(__file__).resolve().parent.parent
RULESETS = REPO / "rulesets"
BOUND = 5.0  # seconds per case, measured inside the run
WORKER_DEADLINE = BOUND + 25.0  # the parent's backstop for a case that SIGALRM cannot interrupt
MEMORY_LIMIT = 6 * 1024 ** 3  # address space of a forked case
CASE_COUNT = int(os.environ.get("KAOHE_FUZZ_CASES", 0)) or 320  # seeds 0…CASE_COUNT-1; more for a longer run

NAMES = ("wenzhou-2014", "hubei-2014", "hubei-2015", "national-2013", "tongling-2014", "gansu-2011", "hainan-2014")
PARENT = {"wenzhou-2014": "national-2013", "hubei-2014": "national-2013", "hubei-2015": "hubei-2014",
          "tongling-2014": "national-2013", "hainan-2014": "national-2013"}
WITH_SAMPLES = ("wenzhou-2014", "hubei-2014")
# Small batches keep a case fast; the second of each has a unit with a missing value (exit 1 unless --provisional).
BATCHES = {
    "wenzhou-2014": (("01-鹿城区", "04-洞头县", "05-瑞安市"), ("02-龙湾区", "04-洞头县", "09-苍南县")),
    "hubei-2014": (("01-武汉市", "04-宜昌市", "09-荆州市"), ("02-黄石市", "09-荆州市", "15-潜江市")),
}
OUTPUT_NAMES = ("results.json", "summary.txt", "汇总.xlsx", "汇总.html")
FOREIGN, FOREIGN_TEXT = "我的笔记.txt", "用户自己的文件，kaohe 不应删除或改动。\n"


def descendants(name: str) -> list[str]:
    """The ruleset and every ruleset that extends it, directly or not."""
    found = [name]
    for child, parent in PARENT.items():
        if parent == name:
            found += descendants(child)
    return found


# --------------------------------------------------------------------------------------------------------------
# Cases


@dataclasses.dataclass(frozen=True)
class Case:
    seed: int
    kind: str  # ruleset-tree, ruleset-text, sample-tree, sample-text, case-tree, case-text, workbook-cells, workbook-bytes
    target: str  # path under rulesets/ (for a workbook: the sample it was filled from)
    mutation: str
    command: str  # the command variant

    @property
    def id(self) -> str:
        short = self.target.replace("/ruleset.yaml", "").replace("/samples/", ".").replace("/cases/", ".cases.")
        return f"s{self.seed:04d}-{self.kind}-{short.removesuffix('.yaml')}-{self.mutation}-{self.command}"


KINDS = ("ruleset-tree", "ruleset-text", "sample-tree", "workbook-cells", "sample-text", "ruleset-tree",
         "case-tree", "ruleset-text", "sample-tree", "workbook-bytes", "workbook-cells", "case-text",
         "ruleset-tree", "sample-text", "ruleset-text", "sample-tree")


def build_cases(count: int = CASE_COUNT) -> list[Case]:
    return [make_case(seed) for seed in range(count)]


def make_case(seed: int) -> Case:
    """Everything about a case but the mutation's details, from its seed alone."""
    rng = random.Random(seed)
    kind = KINDS[seed % len(KINDS)]
    # n: how many cases of this kind come before; operators and targets rotate on it (all combinations recur)
    n = (seed // len(KINDS)) * KINDS.count(kind) + KINDS[:seed % len(KINDS)].count(kind)
    if kind.startswith("ruleset"):
        name = NAMES[n % len(NAMES)]
        target = f"{name}/ruleset.yaml"
        command = pick_command(rng, ruleset_commands(name))
        if command.split(":")[-1] in BATCHES:
            command += f"@b{rng.randrange(2)}"
    elif kind.startswith("case"):
        name = NAMES[n % len(NAMES)]
        target = f"{name}/cases/{case_file(name)}"
        command = "test"
    else:
        name = WITH_SAMPLES[n % len(WITH_SAMPLES)]
        batch = rng.randrange(2)
        sample = rng.choice(BATCHES[name][batch])
        target = f"{name}/samples/{sample}.yaml"
        choices = (sample_commands if kind.startswith("sample") else workbook_commands)(name, sample)
        command = f"{pick_command(rng, choices)}@b{batch}"
    operators = operators_for(kind)
    mutation = op_name(operators[n % len(operators)])
    return Case(seed, kind, target, mutation, command)


def case_file(name: str) -> str:
    return sorted(p.name for p in (RULESETS / name / "cases").glob("*.yaml"))[0]


WEIGHTS = {"score": 3, "check": 2}


def pick_command(rng: random.Random, options: list[str]) -> str:
    """A verb first (score and check weighted up), then one of its variants: every verb gets its share."""
    groups: dict[str, list[str]] = {}
    for option in options:
        groups.setdefault(option.split(":")[0].split("-")[0], []).append(option)
    verbs = sorted(groups)
    verb = rng.choices(verbs, weights=[WEIGHTS.get(v, 1) for v in verbs])[0]
    return rng.choice(groups[verb])


SCORE_VARIANTS = ("score", "score-json", "score-unit", "score-provisional", "score-o", "score-o-prev",
                  "score-o-json-provisional", "score-o-prev-provisional", "score-o-unit", "score-o-foreign")


def ruleset_commands(name: str) -> list[str]:
    out = []
    for subject in descendants(name):
        out += [f"validate:{subject}", f"lint:{subject}", f"test:{subject}", f"template:{subject}",
                f"diff-pristine:{subject}", f"diff-reversed:{subject}", f"diff-self:{subject}"]
        if subject in WITH_SAMPLES:
            out += [f"{v}:{subject}" for v in SCORE_VARIANTS] + [f"check:{subject}", f"impact-pristine:{subject}"]
    if {"hubei-2014", "hubei-2015"} & set(descendants(name)):
        out += ["diff-hubei", "impact-hubei", "impact-hubei-reports"]
    return out


def sample_commands(name: str, sample: str) -> list[str]:
    out = list(SCORE_VARIANTS) + ["score-folder", "check", "check-json", "impact-pristine"]
    if name == "hubei-2014":
        out += ["impact-hubei", "impact-hubei-reports"]
    if sample in (RULESETS / name / "cases" / case_file(name)).read_text(encoding="utf-8"):
        out.append("test")
    return out


def workbook_commands(name: str, sample: str) -> list[str]:
    out = list(SCORE_VARIANTS) + ["check", "check", "check-json"]
    if name == "hubei-2014":
        out.append("impact-hubei")
    return out


# --------------------------------------------------------------------------------------------------------------
# YAML trees: parse the original once, mutate a copy, dump with the same dumper so a diff shows only the change


class RawText(str):
    """A scalar written into the YAML text exactly as given (numbers such as 1.0e+99999999, dates such as 2014-02-30)."""


class _Dumper(yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


class _PythonDumper(yaml.SafeDumper):  # libyaml's emitter cannot write a lone surrogate; this one escapes it
    def ignore_aliases(self, data):
        return True


_override: dict[str, str] = {}  # relative path → the text a case mutates instead of the file (a trimmed cases file)


@lru_cache(maxsize=None)
def _file_text(relative: str) -> str:
    return (RULESETS / relative).read_text(encoding="utf-8")


def original_text(relative: str) -> str:
    return _override.get(relative) or _file_text(relative)


@lru_cache(maxsize=64)
def _parse(text: str):
    return yaml.safe_load(text)


def original_tree(relative: str):
    return clone(_parse(original_text(relative)))


SLOW_CASES = ("wenzhou-2014", "hubei-2014")  # their cases score against the whole samples folder: ~0.1 s per case


def case_blocks(text: str) -> tuple[str, list[str]]:
    """A cases file as (the lines before the first case, one text block per case)."""
    parts = re.split(r"(?m)^(?=- name:)", text)
    return parts[0], parts[1:]


def trimmed_cases(relative: str, rng: random.Random, prefer: str = "", keep: int = 2) -> str:
    """The cases file cut down to `keep` cases (those mentioning `prefer` first), so `kaohe test` stays fast."""
    header, blocks = case_blocks(_file_text(relative))
    preferred = [i for i, block in enumerate(blocks) if prefer and prefer in block]
    others = [i for i in range(len(blocks)) if i not in preferred]
    rng.shuffle(others)
    chosen = sorted((preferred[:keep] + others)[:keep])
    return header + "".join(blocks[i] for i in chosen)


def clone(value):
    """A deep copy that shares nothing (so a mutation changes one place, even where YAML had an alias)."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def dump(tree) -> str:
    raws: dict[str, str] = {}

    def swap(value):
        if isinstance(value, RawText):
            key = f"zzraw{len(raws)}zz"
            raws[key] = str(value)
            return key
        if isinstance(value, dict):
            return {swap(k) if isinstance(k, RawText) else k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    options = dict(allow_unicode=True, sort_keys=False, width=100000)
    try:
        text = yaml.dump(swap(tree), Dumper=_Dumper, **options)
    except UnicodeEncodeError:
        raws.clear()
        text = yaml.dump(swap(tree), Dumper=_PythonDumper, **options)
    for key, raw in raws.items():
        text = text.replace(key, raw)
    return text


def walk(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, path + (index,))


def get_at(tree, path):
    for key in path:
        tree = tree[key]
    return tree


def set_at(tree, path, value):
    get_at(tree, path[:-1])[path[-1]] = value


def show_path(path) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out or "<root>"


def short(value, limit=70) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"…({len(text)} chars)"


def pick_node(rng: random.Random, tree, accept: Callable[[tuple, Any], bool]):
    """A node chosen by depth first (so structure is hit as often as leaves), then among that depth."""
    nodes = [(p, v) for p, v in walk(tree) if p and accept(p, v)]
    if not nodes:
        return None
    depth = rng.choice(sorted({len(p) for p, _ in nodes}))
    return rng.choice([(p, v) for p, v in nodes if len(p) == depth])


def is_scalar(value) -> bool:
    return not isinstance(value, (dict, list))


ODD_NUMBERS = ("0", "-1", "1e+9999", "1.0e+99999999", "0.1234567890123456789", "NaN", ".nan", "-.inf", ".inf",
               '"93.5%"', "93.5%", "0x1F", "0o17", "1:30", "-0", "1.0e+15", "999999999999999.99", "1.0e-13",
               "12345678901234567890123456789", "1_000.5", "-1.0e+99999999", "1.0e-99999999", "+.5")
TYPE_SWAPS: tuple = ("文字", 7, 1.5, [1, "a"], {"a": 1}, None, True, False, dt.date(2014, 6, 1), "",
                     RawText("2014-02-30"), [], {})
CONTROL = ("\x00", "\x07", "\x1b", "\x0b", "\x7f", "\x85", "\u200b", "\ufeff", "\u2028", "\ud800", "\r\n", "\t",
           "\x01\x02\x03")


@lru_cache(maxsize=64)
def _dump_original(text: str) -> str:
    return dump(_parse(text))


def tree_result(relative: str, tree, mutated, description: str):
    after = dump(mutated)
    return after, description, _diff(_dump_original(original_text(relative)), after)


def m_delete_key(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    node = pick_node(rng, mutated, lambda p, v: isinstance(get_at(mutated, p[:-1]), dict))
    if node is None:
        return m_swap_type(rng, relative)
    path, value = node
    del get_at(mutated, path[:-1])[path[-1]]
    return tree_result(relative, tree, mutated, f"deleted key {show_path(path)} (was {short(value)})")


def m_swap_type(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    path, value = pick_node(rng, mutated, lambda p, v: True)
    new = clone(rng.choice([t for t in TYPE_SWAPS if type(t) is not type(value)]))
    set_at(mutated, path, new)
    return tree_result(relative, tree, mutated, f"{show_path(path)}: {short(value)} → {short(new)}")


def m_odd_number(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    numeric = lambda p, v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    node = pick_node(rng, mutated, numeric) or pick_node(rng, mutated, lambda p, v: is_scalar(v))
    path, value = node
    new = RawText(rng.choice(ODD_NUMBERS))
    set_at(mutated, path, new)
    return tree_result(relative, tree, mutated, f"{show_path(path)}: {short(value)} → {new}")


def m_control_chars(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    path, value = pick_node(rng, mutated, lambda p, v: isinstance(v, str))
    char = rng.choice(CONTROL)
    at = rng.randrange(len(value) + 1)
    new = value[:at] + char + value[at:]
    set_at(mutated, path, new)
    return tree_result(relative, tree, mutated, f"{show_path(path)}: inserted {char!r} at {at}: {short(new)}")


def m_long_string(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    path, value = pick_node(rng, mutated, lambda p, v: is_scalar(v))
    new = rng.choice(("长" * 100_000, "x" * 300_000, "单位" + "\u3000" * 5000))
    set_at(mutated, path, new)
    return tree_result(relative, tree, mutated, f"{show_path(path)}: {short(value)} → a string of {len(new)} chars")


def m_duplicate_element(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    node = pick_node(rng, mutated, lambda p, v: isinstance(v, list) and v)
    if node is None:
        return m_empty_container(rng, relative)
    path, value = node
    index = rng.randrange(len(value))
    value.insert(index, clone(value[index]))
    return tree_result(relative, tree, mutated, f"{show_path(path)}: duplicated element [{index}] {short(value[index])}")


def m_empty_container(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    node = pick_node(rng, mutated, lambda p, v: isinstance(v, (list, dict)))
    if node is None:
        return m_swap_type(rng, relative)
    path, value = node
    new = type(value)()
    set_at(mutated, path, new)
    return tree_result(relative, tree, mutated, f"{show_path(path)}: {short(value, 40)} → {new!r}")


def m_harmless_string(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    path, value = pick_node(rng, mutated, lambda p, v: isinstance(v, str) and p[-1] in (
        "title", "standard", "note", "text", "reason", "name", "clause", "files", "document") or
        (isinstance(v, str) and isinstance(p[-1], int)))
    new = value + rng.choice(("（修订）", " ", "　", "<b>&amp;</b>", "=1+1", "'\"", "\\n"))
    set_at(mutated, path, new)
    return tree_result(relative, tree, mutated, f"{show_path(path)}: {short(value)} → {short(new)}")


def m_rename_key(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    node = pick_node(rng, mutated, lambda p, v: isinstance(get_at(mutated, p[:-1]), dict))
    path, value = node
    parent = get_at(mutated, path[:-1])
    key = path[-1]
    new_key = rng.choice((str(key) + "s", str(key).upper(), " " + str(key), str(key) + "\x07", "", "一.99", "<<"))
    items = [(new_key if k == key else k, v) for k, v in parent.items()]
    parent.clear()
    parent.update(items)
    return tree_result(relative, tree, mutated, f"renamed key {show_path(path)} → {new_key!r}")


def m_swap_values(rng, relative):
    tree = original_tree(relative)
    mutated = clone(tree)
    pairs = [(p, v) for p, v in walk(mutated) if p]
    (p1, v1), (p2, v2) = rng.sample(pairs, 2)
    if p1[:len(p2)] == p2 or p2[:len(p1)] == p1:  # one inside the other
        return m_swap_type(rng, relative)
    set_at(mutated, p1, clone(v2))
    set_at(mutated, p2, clone(v1))
    return tree_result(relative, tree, mutated, f"swapped {show_path(p1)} ({short(v1, 40)}) and {show_path(p2)} ({short(v2, 40)})")


def m_unchanged(rng, relative):
    tree = original_tree(relative)
    return tree_result(relative, tree, clone(tree), "no change: re-dumped through PyYAML (comments and anchors gone)")


# --------------------------------------------------------------------------------------------------------------
# Raw text


def _diff(before: str, after: str, limit: int = 14) -> str:
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), "original", "mutated", n=1,
                                      lineterm=""))[2:]
    shown = [line if len(line) <= 160 else line[:160] + f"…({len(line)} chars)" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"… {len(lines) - limit} more diff lines")
    return "\n".join(repr_controls(line) for line in shown)


def repr_controls(line: str) -> str:
    return "".join(c if c.isprintable() or c in "\u3000" else repr(c)[1:-1] for c in line)


def text_result(relative: str, text: str | bytes, description: str):
    before = original_text(relative)
    after = text if isinstance(text, str) else text.decode("utf-8", "replace")
    return text, description, _diff(before, after)


def content_lines(text: str) -> list[int]:
    lines = text.splitlines()
    return [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]


def m_truncate(rng, relative):
    text = original_text(relative)
    at = rng.randrange(1, len(text))
    return text_result(relative, text[:at], f"truncated to {at} of {len(text)} chars, ending {text[max(0, at - 30):at]!r}")


def m_truncate_bytes(rng, relative):
    raw = original_text(relative).encode("utf-8")
    starts = [i for i in range(1, len(raw)) if raw[i] & 0xC0 == 0x80]  # inside a multi-byte character
    at = rng.choice(starts) if starts else rng.randrange(1, len(raw))
    return text_result(relative, raw[:at], f"truncated to {at} of {len(raw)} bytes, inside a UTF-8 character")


def m_delete_line(rng, relative):
    lines = original_text(relative).splitlines(keepends=True)
    index = rng.choice(content_lines(original_text(relative)))
    removed = lines.pop(index)
    return text_result(relative, "".join(lines), f"deleted line {index + 1}: {removed.rstrip()!r}")


def m_duplicate_line(rng, relative):
    lines = original_text(relative).splitlines(keepends=True)
    index = rng.choice(content_lines(original_text(relative)))
    lines.insert(index, lines[index])
    return text_result(relative, "".join(lines), f"duplicated line {index + 1}: {lines[index].rstrip()!r}")


def m_swap_lines(rng, relative):
    lines = original_text(relative).splitlines(keepends=True)
    index = rng.choice(content_lines(original_text(relative))[:-1] or [0])
    lines[index], lines[index + 1] = lines[index + 1], lines[index]
    return text_result(relative, "".join(lines), f"swapped lines {index + 1} and {index + 2}")


def m_reindent(rng, relative):
    lines = original_text(relative).splitlines(keepends=True)
    index = rng.choice(content_lines(original_text(relative)))
    how = rng.choice(("+1", "-1", "+2", "+4", "-2", "tab"))
    line = lines[index]
    if how == "tab":
        stripped = line.lstrip(" ")
        line = "\t" + stripped
    elif how.startswith("+"):
        line = " " * int(how[1:]) + line
    else:
        cut = min(int(how[1:]), len(line) - len(line.lstrip(" ")))
        line = line[cut:] if cut else " " + line
    lines[index] = line
    return text_result(relative, "".join(lines), f"line {index + 1} indentation {how}")


SCALAR_LINE = re.compile(r"^(\s*(?:- )?[^\s#:{}\[\],&*!|>'\"][^:\n{}\[\],]*:[ ]+)([^\s#&*!|>\[{][^\n]*)$", re.M)
TAGS = ("!!python/object/apply:os.system", "!!python/name:os.system", "!!python/object:builtins.dict",
        "!!binary", "!!set", "!!omap", "!!timestamp", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq",
        "!kaohe", "!<tag:example.com,2014:x>", "!!str")


def _scalar_lines(text: str) -> list[re.Match]:
    return list(SCALAR_LINE.finditer(text))


def _replace_value(rng, relative, new_value: str, what: str):
    text = original_text(relative)
    matches = _scalar_lines(text)
    match = rng.choice(matches)
    mutated = text[:match.start(2)] + new_value + text[match.end(2):]
    line = text.count("\n", 0, match.start()) + 1
    return text_result(relative, mutated, f"line {line}: value {match.group(2)[:40]!r} → {what}")


def m_tag(rng, relative):
    tag = rng.choice(TAGS)
    text = original_text(relative)
    match = rng.choice(_scalar_lines(text))
    value = match.group(2)
    if tag == "!!binary" and rng.random() < 0.5:
        value = base64.b64encode(value.encode()).decode()
    if tag.startswith("!!python/object/apply"):
        value = '["echo pwned"]'
    mutated = text[:match.start(2)] + f"{tag} {value}" + text[match.end(2):]
    line = text.count("\n", 0, match.start()) + 1
    return text_result(relative, mutated, f"line {line}: tagged the value {tag}")


def alias_bomb(levels: int = 10, width: int = 10, indent: str = "  ") -> str:
    rows = [f'{indent}l0: &l0 [{", ".join(["lol"] * width)}]']
    for level in range(1, levels):
        rows.append(f"{indent}l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(rows) + "\n"


def is_list_document(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip() and not line.startswith("#")), "")
    return first.startswith("- ")


def m_alias_bomb(rng, relative):
    text = original_text(relative)
    bomb = alias_bomb()
    if is_list_document(text):
        mutated = text.rstrip("\n") + "\n- name: bomb\n  bomb:\n" + alias_bomb(indent="    ")
        return text_result(relative, mutated, f"appended a list entry holding a billion-laughs alias bomb ({len(bomb)} bytes)")
    where = rng.choice(("appended", "referenced"))
    if where == "appended":
        mutated = text.rstrip("\n") + "\nzz_bomb:\n" + bomb
        return text_result(relative, mutated, f"appended a top-level key holding a billion-laughs alias bomb ({len(bomb)} bytes)")
    # anchors first, then one existing value replaced by the biggest alias
    matches = [m for m in _scalar_lines(text) if not m.group(1).startswith(" ") or True]
    match = rng.choice(matches)
    body = text[:match.start(2)] + "*l9" + text[match.end(2):]
    mutated = "aa_bomb:\n" + bomb + body
    line = text.count("\n", 0, match.start()) + 1 + bomb.count("\n") + 1
    return text_result(relative, mutated, f"billion-laughs anchors at the top ({len(bomb)} bytes); value on line {line} "
                                          f"({match.group(2)[:30]!r}) → *l9 (10^10 nodes)")


def m_deep_nesting(rng, relative):
    how = rng.choice(("flow-list", "flow-map", "block-list", "block-map"))
    depth = 1000
    text = original_text(relative)
    match = rng.choice(_scalar_lines(text))
    key_column = len(match.group(1)) - len(match.group(1).lstrip(" -"))
    if how == "flow-list":
        value = "[" * depth + "1" + "]" * depth
    elif how == "flow-map":
        value = "{a: " * depth + "1" + "}" * depth
    elif how == "block-list":
        value = "\n" + " " * (key_column + 2) + "- " * depth + "1"
    else:
        value = "".join("\n" + " " * (key_column + 2 * (i + 1)) + f"k{i}:" for i in range(depth)) + " 1"
    mutated = text[:match.start(2)] + value + text[match.end(2):]
    line = text.count("\n", 0, match.start()) + 1
    return text_result(relative, mutated, f"line {line}: value {match.group(2)[:40]!r} → {depth} levels of {how} nesting")


def m_multi_document(rng, relative):
    text = original_text(relative)
    how = rng.choice(("second-document", "same-twice", "leading-marker", "end-marker-middle"))
    if how == "second-document":
        mutated = text + "---\nid: other\n"
    elif how == "same-twice":
        mutated = text + "---\n" + text
    elif how == "leading-marker":
        mutated = "--- # a document start marker\n" + text
    else:
        lines = text.splitlines(keepends=True)
        at = rng.choice(content_lines(text))
        mutated = "".join(lines[:at]) + "...\n" + "".join(lines[at:])
    return text_result(relative, mutated, f"multiple documents: {how}")


def m_bom(rng, relative):
    text = original_text(relative)
    how = rng.choice(("utf8-bom", "two-boms", "bom-mid-line"))
    if how == "utf8-bom":
        return text_result(relative, "\ufeff".encode() + text.encode(), "UTF-8 BOM at the start")
    if how == "two-boms":
        return text_result(relative, ("\ufeff\ufeff" + text).encode(), "two UTF-8 BOMs at the start")
    lines = text.splitlines(keepends=True)
    at = rng.choice(content_lines(text))
    lines[at] = "\ufeff" + lines[at]
    return text_result(relative, "".join(lines), f"BOM at the start of line {at + 1}")


def m_line_ends(rng, relative):
    text = original_text(relative)
    how = rng.choice(("crlf", "cr", "mixed"))
    if how == "crlf":
        mutated = text.replace("\n", "\r\n")
    elif how == "cr":
        mutated = text.replace("\n", "\r")
    else:
        mutated = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(text.split("\n")))
    return mutated.encode(), f"line ends: {how}", f"(every line end made {how})"


def m_raw_control(rng, relative):
    text = original_text(relative)
    char = rng.choice(("\x00", "\x07", "\x1b", "\x08", "\x7f", "\ud800"))
    at = rng.randrange(len(text))
    mutated = text[:at] + char + text[at:]
    line = text.count("\n", 0, at) + 1
    data = mutated.encode("utf-8", "surrogatepass")
    return data, f"raw {char!r} inserted in the text at line {line}", _diff(text, mutated.encode("utf-8", "replace").decode())


def m_bad_encoding(rng, relative):
    text = original_text(relative)
    how = rng.choice(("utf-16", "gbk", "latin-1-bytes", "ff-bytes"))
    if how == "utf-16":
        return text.encode("utf-16"), "encoded as UTF-16 (with BOM)", "(whole file re-encoded)"
    if how == "gbk":
        return text.encode("gbk", "replace"), "encoded as GBK", "(whole file re-encoded)"
    raw = text.encode()
    at = rng.randrange(len(raw))
    insert = b"\xff\xfe" if how == "ff-bytes" else b"\xe9t\xe9"
    return raw[:at] + insert + raw[at:], f"invalid UTF-8 bytes {insert!r} at byte {at}", "(bytes inserted)"


def m_emptyish(rng, relative):
    content = rng.choice(("", "\n", "   \n\t\n", "# 只有注释\n", "null\n", "~\n", "[]\n", "{}\n", "42\n",
                          '"just a string"\n', "---\n", "--- |\n  text\n", "- 1\n- 2\n", "a: b\n"))
    return content, f"whole file replaced by {content!r}", f"(file is now {content!r})"


def m_number_text(rng, relative):
    text = original_text(relative)
    numbers = list(re.finditer(r"(?<=[:\[,{] )-?\d+(?:\.\d+)?(?=[,\]}\s]|$)", text, re.M))
    odd = rng.choice(ODD_NUMBERS + ("2014-02-30", "2014-13-45", "1e309", "1" * 5000))
    if not numbers:
        return _replace_value(rng, relative, odd, odd)
    match = rng.choice(numbers)
    mutated = text[:match.start()] + odd + text[match.end():]
    line = text.count("\n", 0, match.start()) + 1
    return text_result(relative, mutated, f"line {line}: number {match.group()} → {odd[:40]}")


def m_alias_odd(rng, relative):
    how = rng.choice(("undefined-alias", "merge-number", "merge-list-of-scalars", "complex-key", "flow-key",
                      "recursive-anchor", "null-key", "anchor-on-key"))
    value = {
        "undefined-alias": "*nope",
        "merge-number": "{<<: 5}",
        "merge-list-of-scalars": "{<<: [1, 2]}",
        "complex-key": "{[a, b]: 1}",
        "flow-key": "{? {a: 1} : 2}",
        "recursive-anchor": "&r [*r]",
        "null-key": "{~: 1, null: 2}",
        "anchor-on-key": "{&k a: 1, *k : 2}",
    }[how]
    return _replace_value(rng, relative, value, f"{how} {value}")


def m_json_form(rng, relative):
    tree = original_tree(relative)
    indent = rng.choice((None, 2))
    text = json.dumps(tree, ensure_ascii=rng.random() < 0.5, indent=indent, default=str)
    return text, f"rewritten as JSON (indent={indent}, dates as strings)", "(whole file rewritten as JSON)"


EXTENDS_VALUES = ("../hubei-2015/ruleset.yaml", "../hubei-2014", "./ruleset.yaml", "ruleset.yaml", "../national-2013/",
                  "../wenzhou-2014/samples/01-鹿城区.yaml", "../wenzhou-2014/cases/samples.yaml", "../nonexistent.yaml",
                  "/etc/passwd", "/dev/null", "..", "", "''", "42", "[../national-2013]", "{a: 1}", "null",
                  "http://example.com/ruleset.yaml", "../national-2013/ruleset.yaml\x00", "长" * 300,
                  "../../../../../../../../../../../../../../../tmp", "\"../national-2013/ruleset.yaml\\u0000\"")


def m_extends(rng, relative):
    """The extends line of a ruleset (added where there is none) pointed somewhere odd: itself, a cycle, a folder,
    a sample or cases file, /dev/null, nothing, a long or NUL-bearing name, a non-text value."""
    text = original_text(relative)
    value = rng.choice(EXTENDS_VALUES)
    if value == "../hubei-2015/ruleset.yaml" and "hubei-2014" not in relative:
        value = "../" + relative  # a ruleset that extends itself
    line = f"extends: {value}"
    if re.search(r"(?m)^extends:", text):
        mutated = re.sub(r"(?m)^extends:.*$", lambda m: line, text, count=1)
    else:
        mutated = line + "\n" + text
    return text_result(relative, mutated, f"extends → {value[:60]!r}")


def m_long_line(rng, relative):
    return _replace_value(rng, relative, "长" * 1_000_000, "a 1,000,000-char plain scalar")


# --------------------------------------------------------------------------------------------------------------
# Workbooks


@lru_cache(maxsize=None)
def pristine_ruleset(name: str):
    from kaohe.engine import load_ruleset
    return load_ruleset(RULESETS / name)


@lru_cache(maxsize=None)
def filled_workbook(name: str, sample: str) -> bytes:
    """A fill-in workbook of the unit in `sample`, filled in from it the way a clerk would (cf. tests/test_fillin.py)."""
    from openpyxl import load_workbook

    from kaohe.engine.render.fillin import fillin_xlsx
    data = yaml.safe_load(original_text(f"{name}/samples/{sample}.yaml"))
    wb = load_workbook(io.BytesIO(fillin_xlsx(pristine_ruleset(name), data["unit"])))
    ws, events = wb["填报"], wb["事件"]
    event_row = 2
    values = data.get("values", {})
    for row in range(6, ws.max_row + 1):
        key = ws.cell(row, 1).value
        if key is None:
            continue
        if key.startswith("事实："):
            fact = data.get("facts", {}).get(key.removeprefix("事实："))
            if isinstance(fact, list):
                ws.cell(row, 6).value = "有" if fact else "无"
                for event in fact:
                    for column, value in enumerate((ws.cell(row, 2).value, event["kind"], event["date"], event["title"],
                                                    "；".join(event.get("files", []))), start=1):
                        events.cell(event_row, column).value = value
                    event_row += 1
            elif fact is not None:
                ws.cell(row, 6).value = ("是" if fact else "否") if isinstance(fact, bool) else fact
            continue
        if "｜" in key:
            item_id, part = key.split("｜")
            if item_id in values:
                entry = values[item_id]
                done = entry["value"] if isinstance(entry, dict) and "value" in entry else entry
                ws.cell(row, 6).value = "是" if isinstance(done, list) and part in done else "否"
            continue
        if key not in values:
            continue
        entry = values[key]
        if not isinstance(entry, dict) or "score" in entry:
            entry = {"value": entry}
        value = entry.get("value")
        if isinstance(value, list):
            continue
        if isinstance(value, dict):
            ws.cell(row, 6).value, ws.cell(row, 11).value = value["score"], value["reason"]
        elif value is not None:
            ws.cell(row, 6).value = ("是" if value else "否") if isinstance(value, bool) else value
        if key in data.get("targets", {}):
            ws.cell(row, 8).value = data["targets"][key]
        if "files" in entry:
            ws.cell(row, 9).value = "；".join(entry["files"])
        if "self_score" in entry:
            ws.cell(row, 10).value = entry["self_score"]
        if "note" in entry:
            ws.cell(row, 11).value = entry["note"]
    return _save(wb)


def _open(name, sample):
    from openpyxl import load_workbook
    return load_workbook(io.BytesIO(filled_workbook(name, sample)))


def _save(wb) -> bytes:
    """The workbook's bytes, the same on every run: fixed document times and zip entry times."""
    out = io.BytesIO()
    wb.save(out)
    fixed = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2014-01-01T00:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2014, 1, 1, 0, 0, 0)), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


def _value_rows(ws) -> list[int]:
    return [row for row in range(6, ws.max_row + 1) if ws.cell(row, 1).value]


def _wb_split(relative):
    name, _, sample = relative.split("/")
    return name, sample.removesuffix(".yaml")


def _random_cell(rng, relative, columns):
    """The filled workbook and one of its value rows' cells, in one of `columns`."""
    wb = _open(*_wb_split(relative))
    ws = wb["填报"]
    row = rng.choice(_value_rows(ws))
    return wb, ws.cell(row, rng.choice(columns))


def w_clear_cell(rng, relative):
    wb, cell = _random_cell(rng, relative, (6, 6, 6, 8, 9, 10, 11, 1, 2))
    old, cell.value = cell.value, None
    return _save(wb), f"填报!{cell.coordinate} cleared (was {short(old)})"


def w_swap_cells(rng, relative):
    wb = _open(*_wb_split(relative))
    ws = wb["填报"]
    a, b = rng.sample(_value_rows(ws), 2)
    column = rng.choice((6, 6, 1, 8))
    va, vb = ws.cell(a, column).value, ws.cell(b, column).value
    ws.cell(a, column).value, ws.cell(b, column).value = vb, va
    return _save(wb), (f"填报!{ws.cell(a, column).coordinate} ({short(va, 30)}) and "
                       f"{ws.cell(b, column).coordinate} ({short(vb, 30)}) swapped")


CELL_VALUES = ("九十", "93.5%", "1e+9999", "1.0e+99999999", "NaN", "-", "＝1", "=1/0", "=SUM(F6:F9)", "  ", "是",
               "有", "12,345", "0.1234567890123456789", "'90", "90 分", "true")
CELL_NUMBERS = (1e308, -1.0, 0, 1e15, 1e16, 0.1234567890123456789, float("inf"), float("nan"), 5e-324, 2 ** 63,
                -0.0, 93.5)


def w_text_in_cell(rng, relative):
    wb, cell = _random_cell(rng, relative, (6, 6, 6, 8, 10))
    value = rng.choice(CELL_VALUES)
    old, cell.value = cell.value, value
    return _save(wb), f"填报!{cell.coordinate}: {short(old)} → {value!r}"


def w_odd_number_cell(rng, relative):
    wb, cell = _random_cell(rng, relative, (6, 6, 8, 10, 1, 2))
    value = rng.choice(CELL_NUMBERS + (True, dt.datetime(2014, 6, 1), dt.time(12, 30), dt.timedelta(days=3)))
    old, cell.value = cell.value, value
    return _save(wb), f"填报!{cell.coordinate}: {short(old)} → {value!r}"


def w_percent_format(rng, relative):
    wb = _open(*_wb_split(relative))
    ws = wb["填报"]
    rows = [r for r in _value_rows(ws) if isinstance(ws.cell(r, 6).value, (int, float))] or _value_rows(ws)
    row = rng.choice(rows)
    ws.cell(row, 6).number_format = rng.choice(("0%", "0.00%", '0.0"%"', "@"))
    return _save(wb), f"填报!F{row} ({ws.cell(row, 6).value!r}) number format → {ws.cell(row, 6).number_format!r}"


def w_sheets(rng, relative):
    wb = _open(*_wb_split(relative))
    how = rng.choice(("delete-事件", "rename-事件", "delete-填报", "rename-填报", "empty-事件", "extra-sheet-first",
                      "rename-填报-with-space"))
    if how == "delete-事件":
        del wb["事件"]
    elif how == "rename-事件":
        wb["事件"].title = "事件表"
    elif how == "delete-填报":
        del wb["填报"]
    elif how == "rename-填报":
        wb["填报"].title = "Sheet1"
    elif how == "rename-填报-with-space":
        wb["填报"].title = "填报 "
    elif how == "empty-事件":
        ws = wb["事件"]
        ws.delete_rows(1, ws.max_row)
    else:
        wb.create_sheet("封面", 0)
    return _save(wb), f"sheets: {how} (sheets now {wb.sheetnames})"


def w_header(rng, relative):
    from kaohe.engine.render.fillin import RULESET_CELL, UNIT_CELL
    wb = _open(*_wb_split(relative))
    ws = wb["填报"]
    name = _wb_split(relative)[0]
    cell = rng.choice((UNIT_CELL, UNIT_CELL, RULESET_CELL))
    if cell == UNIT_CELL:
        units = pristine_ruleset(name).units
        value = rng.choice((rng.choice(units), "不存在县", None, 42, " " + units[0] + " ", units[0] + "\n",
                            "鹿城区/../../x", "CON", "x" * 300))
    else:
        value = rng.choice(("hubei-2015", "wenzhou-2014", None, "", 2014, "national-2013"))
    old = ws[cell].value
    ws[cell].value = value
    return _save(wb), f"填报!{cell} (被考核单位/细则): {short(old)} → {value!r}"


def w_facts(rng, relative):
    wb = _open(*_wb_split(relative))
    ws, events = wb["填报"], wb["事件"]
    fact_rows = [r for r in _value_rows(ws) if str(ws.cell(r, 1).value).startswith("事实：")]
    row = rng.choice(fact_rows)
    how = rng.choice(("有-without-events", "无-with-events", "other-text", "event-bad-date", "event-bad-kind",
                      "event-wrong-fact", "event-empty-row", "event-title-number", "events-many"))
    title = ws.cell(row, 2).value
    if how == "有-without-events":
        ws.cell(row, 6).value = "有"
        events.delete_rows(2, max(1, events.max_row))
    elif how == "无-with-events":
        ws.cell(row, 6).value = "无"
        events.append([title, "一般", dt.date(2014, 5, 1), "某事件", "a.pdf"])
    elif how == "other-text":
        ws.cell(row, 6).value = rng.choice(("是", "否", "有的", 1, "无 "))
    else:
        ws.cell(row, 6).value = "有"
        event = [title, "一般", dt.date(2014, 5, 1), "某事件", "a.pdf"]
        if how == "event-bad-date":
            event[2] = rng.choice(("2014-02-30", "去年", 41000, "2099-01-01", dt.date(1900, 1, 1)))
        elif how == "event-bad-kind":
            event[1] = rng.choice(("特大", None, 3))
        elif how == "event-wrong-fact":
            event[0] = "质量事件"
        elif how == "event-empty-row":
            event = [title, None, None, None, None]
        elif how == "event-title-number":
            event[3] = 12345
        if how == "events-many":
            for i in range(500):
                events.append([title, "一般", dt.date(2014, 1, 1) + dt.timedelta(days=i % 365), f"事件{i}", ""])
        else:
            events.append(event)
    return _save(wb), f"fact row {row} ({title}): {how}"


def w_rows(rng, relative):
    wb = _open(*_wb_split(relative))
    ws = wb["填报"]
    rows = _value_rows(ws)
    row = rng.choice(rows)
    how = rng.choice(("delete", "insert-blank", "duplicate-key", "unknown-key", "numeric-key", "part-answer",
                      "clear-all-values", "key-with-spaces"))
    if how == "delete":
        ws.delete_rows(row)
    elif how == "insert-blank":
        ws.insert_rows(row)
    elif how == "duplicate-key":
        other = rng.choice(rows)
        ws.cell(other, 1).value = ws.cell(row, 1).value
    elif how == "unknown-key":
        ws.cell(row, 1).value = rng.choice(("九.9", "一.1｜不存在的部分", "事实：unknown", "｜", "事实："))
    elif how == "numeric-key":
        ws.cell(row, 1).value = rng.choice((1.1, 2, 1.10))
    elif how == "part-answer":
        parts = [r for r in rows if "｜" in str(ws.cell(r, 1).value)] or rows
        row = rng.choice(parts)
        ws.cell(row, 6).value = rng.choice(("可能", 1, True, " 是", "否 "))
    elif how == "clear-all-values":
        for r in rows:
            ws.cell(r, 6).value = None
    else:
        ws.cell(row, 1).value = " " + str(ws.cell(row, 1).value) + " "
    return _save(wb), f"填报 row {row}: {how}"


def w_long_text(rng, relative):
    wb, cell = _random_cell(rng, relative, (6, 9, 11))
    cell.value = "长" * 32767
    return _save(wb), f"填报!{cell.coordinate}: 32767 chars of text"


def w_unchanged(rng, relative):
    return filled_workbook(*_wb_split(relative)), "no change: the filled-in workbook as a clerk would send it"


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(zipfile.ZipInfo(info.filename, date_time=(2014, 1, 1, 0, 0, 0)), content,
                                compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def b_truncate(rng, relative):
    data = filled_workbook(*_wb_split(relative))
    at = rng.randrange(0, len(data))
    return data[:at], f"workbook truncated to {at} of {len(data)} bytes"


def b_flip_bytes(rng, relative):
    data = bytearray(filled_workbook(*_wb_split(relative)))
    count = rng.choice((1, 3, 20))
    places = sorted(rng.randrange(len(data)) for _ in range(count))
    for at in places:
        data[at] ^= rng.randrange(1, 256)
    return bytes(data), f"{count} byte(s) flipped at {places[:5]}{'…' if count > 5 else ''}"


def b_yaml_as_xlsx(rng, relative):
    return original_text(relative).encode(), f"the YAML file {relative} saved under an .xlsx name"


def b_not_a_workbook(rng, relative):
    how = rng.choice(("empty", "zip-of-text", "random-bytes", "html", "old-xls-header"))
    if how == "empty":
        return b"", "an empty .xlsx file"
    if how == "zip-of-text":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr(zipfile.ZipInfo("readme.txt", date_time=(2014, 1, 1, 0, 0, 0)), "不是工作簿")
        return out.getvalue(), "a zip holding only readme.txt"
    if how == "random-bytes":
        return bytes(random.Random(relative).randrange(256) for _ in range(4096)), "4096 random bytes"
    if how == "html":
        return "<html><body><table><tr><td>填报</td></tr></table></body></html>".encode(), "an HTML table saved as .xlsx"
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512, "an OLE2 (.xls) header"


def b_zip_members(rng, relative):
    data = filled_workbook(*_wb_split(relative))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
    how = rng.choice(("drop", "corrupt-xml", "empty-member", "entity-bomb", "garbage-member"))
    member = rng.choice([n for n in names if n.endswith(".xml") or n.endswith(".rels")])
    if how == "entity-bomb":
        member = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else "xl/worksheets/sheet1.xml"
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
            + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            '<si><t>&lol9;</t></si></sst>').encode()

    def change(name, content):
        if name != member:
            return content
        if how == "drop":
            return None
        if how == "corrupt-xml":
            return content[: len(content) // 2]
        if how == "empty-member":
            return b""
        if how == "entity-bomb":
            return bomb
        return b"\x00garbage\xff" * 10
    return _rezip(data, change), f"zip member {member}: {how}"


def b_xlsm(rng, relative):
    return filled_workbook(*_wb_split(relative)), "the filled-in workbook saved as .xlsm"


def b_zip_header(rng, relative):
    """One field of a zip header set to a value zipfile refuses or misreads (a random flip rarely lands there)."""
    data = bytearray(filled_workbook(*_wb_split(relative)))
    central = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    local = [m.start() for m in re.finditer(rb"PK\x03\x04", data)]
    end = data.rindex(b"PK\x05\x06")
    field, offset, size, value = rng.choice((
        ("central: version needed", 6, 1, 0xD6), ("central: flags (encrypted)", 8, 1, 0x01),
        ("central: compression method", 10, 2, 99), ("central: compressed size", 20, 4, 0x7FFFFFFF),
        ("central: file size", 24, 4, 0xFFFFFFF0), ("central: name length", 28, 2, 0xFFFF),
        ("central: local header offset", 42, 4, 0x7FFFFFFF), ("local: compression method", 8, 2, 12),
        ("local: name length", 26, 2, 0), ("end: entry count", 10, 2, 0xFFFF),
        ("end: central directory offset", 16, 4, 0x7FFFFFFF)))
    start = end if field.startswith("end") else rng.choice(central if field.startswith("central") else local)
    data[start + offset:start + offset + size] = value.to_bytes(size, "little")
    return bytes(data), f"zip header at byte {start}: {field} set to {value:#x}"


OPERATORS = {
    "tree": [m_delete_key, m_swap_type, m_odd_number, m_control_chars, m_long_string, m_duplicate_element,
             m_empty_container, m_harmless_string, m_rename_key, m_swap_values, m_unchanged],
    "text": [m_truncate, m_truncate_bytes, m_delete_line, m_duplicate_line, m_swap_lines, m_reindent, m_tag,
             m_alias_bomb, m_deep_nesting, m_multi_document, m_bom, m_line_ends, m_raw_control, m_bad_encoding,
             m_emptyish, m_number_text, m_alias_odd, m_json_form, m_long_line],
    "cells": [w_clear_cell, w_swap_cells, w_text_in_cell, w_odd_number_cell, w_percent_format, w_sheets, w_header,
              w_facts, w_rows, w_long_text, w_unchanged],
    "bytes": [b_truncate, b_flip_bytes, b_yaml_as_xlsx, b_not_a_workbook, b_zip_members, b_xlsm, b_zip_header],
}
RULESET_TEXT = [m_extends]  # text mutations only a ruleset file has a use for, added to "text" for ruleset cases


def operators_for(kind: str) -> list:
    family, relation = kind.split("-", 1)
    return OPERATORS[relation] + (RULESET_TEXT if kind == "ruleset-text" else [])


def op_name(operator) -> str:
    return operator.__name__[2:]  # m_…, w_…, b_…


# --------------------------------------------------------------------------------------------------------------
# A case's workspace and command line


@dataclasses.dataclass
class Prepared:
    root: Path
    argv: list[str]
    description: str
    snippet: str
    mutated_file: str
    inputs: list[str]  # folders under root that are inputs (hashed before and after)
    out_dir: str | None = None  # score -o
    out_files: tuple[str, ...] = ()  # --html/--xlsx/template -o
    previous: tuple | None = None  # (ruleset, batch) whose complete -o folder is there before the run
    foreign: str | None = None  # a file of the user's in the -o folder before the run: it must survive


def prepare(case: Case, root: Path) -> Prepared:
    """Build the workspace: rulesets/ (mutated), pristine/ (the originals), workbooks/; return the command line."""
    rng = random.Random(case.seed)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(RULESETS, root / "rulesets", ignore=shutil.ignore_patterns("*.md"))
    inputs = ["rulesets"]
    family, relation = case.kind.split("-", 1)
    name = case.target.split("/")[0]
    operator = {op_name(f): f for f in operators_for(case.kind)}[case.mutation]
    mutated_file = f"rulesets/{case.target}"
    trimmed = ""
    if family == "case" and name in SLOW_CASES:
        _override[case.target] = trimmed_cases(case.target, rng)
        trimmed = f" (the cases file first cut to {len(case_blocks(_override[case.target])[1])} cases)"
    try:
        if family == "workbook":
            data, description = operator(rng, case.target)
            sample = _wb_split(case.target)[1]
            mutated_file = f"workbooks/{sample}{'.xlsm' if case.mutation == 'xlsm' else '.xlsx'}"
            (root / "workbooks").mkdir()
            (root / mutated_file).write_bytes(data)
            snippet = description
            inputs.append("workbooks")
        else:
            content, description, snippet = operator(rng, case.target)
            data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
            (root / mutated_file).write_bytes(data)
    finally:
        _override.clear()
    prepared = Prepared(root, [], description + trimmed, snippet, mutated_file, inputs)
    command_line(case, prepared, rng)
    if prepared.argv[0] == "test" and family != "case" and Path(prepared.argv[1]).name in SLOW_CASES:
        tested = Path(prepared.argv[1]).name
        relative = f"{tested}/cases/{case_file(tested)}"
        prefer = Path(case.target).name if family in ("sample", "workbook") else ""
        (root / "rulesets" / relative).write_text(trimmed_cases(relative, rng, prefer), encoding="utf-8")
    if "pristine/" in " ".join(prepared.argv):
        shutil.copytree(RULESETS, root / "pristine", ignore=shutil.ignore_patterns("*.md"))
        prepared.inputs.append("pristine")
    (root / "out").mkdir(exist_ok=True)
    if prepared.previous:
        shutil.copytree(previous_output(*prepared.previous), root / prepared.out_dir, dirs_exist_ok=True)
    if prepared.foreign:
        (root / prepared.out_dir).mkdir(parents=True)
        (root / prepared.foreign).write_text(FOREIGN_TEXT, encoding="utf-8")
    return prepared


def command_line(case: Case, prepared: Prepared, rng: random.Random) -> None:
    command, _, batch_tag = case.command.partition("@")
    verb, _, subject = command.partition(":")
    family = case.kind.split("-")[0]
    name = case.target.split("/")[0]
    if family in ("sample", "workbook"):
        subject = name
    batch_files = []
    if family in ("sample", "workbook"):
        batch = BATCHES[name][int(batch_tag[1:])]
        sample = case.target.split("/")[-1].removesuffix(".yaml")
        for member in batch:
            if member == sample:
                batch_files.append(prepared.mutated_file)
            else:
                batch_files.append(f"rulesets/{name}/samples/{member}.yaml")
    elif subject in BATCHES:
        batch = BATCHES[subject][int(batch_tag[1:])]
        batch_files = [f"rulesets/{subject}/samples/{m}.yaml" for m in batch]
    else:
        batch = ()
    r = f"rulesets/{subject}" if subject else ""
    argv: list[str]
    if verb in ("validate", "lint", "test"):
        argv = [verb, r or f"rulesets/{name}"]
    elif verb == "template":
        argv = ["template", r, "-o", "out/填报表.xlsx"]
        if rng.random() < 0.6:
            argv[2:2] = ["--unit", rng.choice(pristine_ruleset(subject).units)]
        prepared.out_files = ("out/填报表.xlsx",)
    elif verb.startswith("diff"):
        if verb == "diff-pristine":
            argv = ["diff", f"pristine/{subject}", r]
        elif verb == "diff-reversed":
            argv = ["diff", r, f"pristine/{subject}"]
        elif verb == "diff-self":
            argv = ["diff", r, r]
        else:
            argv = ["diff", "rulesets/hubei-2014", "rulesets/hubei-2015"]
        if rng.random() < 0.4:
            argv += ["--html", "out/比较.html", "--xlsx", "out/比较.xlsx"]
            prepared.out_files = ("out/比较.html", "out/比较.xlsx")
    elif verb.startswith("impact"):
        if verb == "impact-pristine":
            files = batch_files or [f"rulesets/{subject}/samples/{m}.yaml" for m in BATCHES[subject][0]]
            argv = ["impact", f"pristine/{subject}", f"rulesets/{subject}", *files]
        else:
            files = batch_files if name == "hubei-2014" and batch_files else \
                [f"rulesets/hubei-2014/samples/{m}.yaml" for m in BATCHES["hubei-2014"][rng.randrange(2)]]
            argv = ["impact", "rulesets/hubei-2014", "rulesets/hubei-2015", *files]
        if rng.random() < 0.4:
            argv.append("--json")
        if verb.endswith("reports") or rng.random() < 0.2:
            argv += ["--html", "out/影响.html", "--xlsx", "out/影响.xlsx"]
            prepared.out_files = ("out/影响.html", "out/影响.xlsx")
    elif verb.startswith("check"):
        if family in ("sample", "workbook"):
            evidence = prepared.mutated_file
        else:
            evidence = f"rulesets/{subject}/samples/{rng.choice(BATCHES[subject][0])}.yaml"
        argv = ["check", r, evidence]
        if verb == "check-json" or rng.random() < 0.3:
            argv.append("--json")
    elif verb.startswith("score"):
        files = ["rulesets/" + f"{subject}/samples"] if verb == "score-folder" else batch_files
        argv = ["score", r, *files]
        flags = verb.removeprefix("score").split("-")[1:]
        if "json" in flags:
            argv.append("--json")
        if "provisional" in flags:
            argv.append("--provisional")
        if "unit" in flags:
            argv += ["--unit", rng.choice(batch).split("-", 1)[1]]
        if "o" in flags:
            argv += ["-o", "out/score"]
            prepared.out_dir = "out/score"
            if "prev" in flags:
                prepared.previous = (subject, tuple(batch))
            if "foreign" in flags:
                prepared.foreign = f"{prepared.out_dir}/{FOREIGN}"
    else:
        raise AssertionError(f"unknown command variant {case.command}")
    prepared.argv = argv


_previous: dict = {}
_temporary: list[Path] = []  # session folders made in this process, removed when it exits
_owner = os.getpid()


@atexit.register
def _remove_temporary() -> None:
    if os.getpid() == _owner:
        for folder in _temporary:
            shutil.rmtree(folder, ignore_errors=True)


def previous_output(subject: str, batch: tuple[str, ...]) -> Path:
    """The complete -o folder of the unmutated batch, made once per session in this process."""
    key = (subject, batch)
    if key not in _previous:
        folder = Path(tempfile.mkdtemp(prefix="kaohe-fuzz-previous-"))
        _temporary.append(folder)
        files = [str(RULESETS / subject / "samples" / f"{m}.yaml") for m in batch]
        run = run_command(["score", str(RULESETS / subject), *files, "--provisional", "-q", "-o", str(folder / "out")],
                          folder, BOUND * 4)
        if run.exit_code != 0 or not (folder / "out" / "results.json").exists():
            raise RuntimeError(f"the unmutated batch {subject} {batch} did not score: exit {run.exit_code}\n"
                               f"{run.stderr}{run.exception}")
        _previous[key] = folder / "out"
    return _previous[key]


def warm(case: Case) -> None:
    """Fill, in this process, the caches a forked case would otherwise rebuild every time."""
    import kaohe.cli.main  # noqa: F401
    import kaohe.engine.workbook  # noqa: F401
    family = case.kind.split("-")[0]
    command, _, batch_tag = case.command.partition("@")
    subject = case.target.split("/")[0] if family in ("sample", "workbook") else command.partition(":")[2]
    if family == "workbook":
        filled_workbook(*_wb_split(case.target))
    if "-o-prev" in command:
        previous_output(subject, BATCHES[subject][int(batch_tag[1:])])
    if command.startswith("template"):
        pristine_ruleset(subject)
    _warm_rulesets()
    _warm_evidence()


# --------------------------------------------------------------------------------------------------------------
# Unmutated rulesets are loaded once, in this process: reading a ruleset (PyYAML's pure-Python composer, the whole
# extends chain) is most of a case's time. A worker whose rulesets are byte-identical to the bundled ones sees, in
# every kaohe.cli module, a load_ruleset (and chain_files) that returns the one loaded here for the same argument.

_ruleset_memo: dict[str, Any] = {}
_chain_memo: dict[str, Any] = {}


_layout: Path | None = None  # a workspace with unmutated rulesets/ and pristine/, for loading the memos


def _warm_rulesets() -> None:
    global _layout
    if _ruleset_memo:
        return
    from kaohe.engine.extends import chain_files
    from kaohe.engine.ruleset import load_ruleset
    _layout = Path(tempfile.mkdtemp(prefix="kaohe-fuzz-layout-"))
    _temporary.append(_layout)
    for folder in ("rulesets", "pristine"):
        shutil.copytree(RULESETS, _layout / folder, ignore=shutil.ignore_patterns("*.md"))
    here = os.getcwd()
    try:
        os.chdir(_layout)
        for folder in ("rulesets", "pristine"):
            for name in NAMES:
                key = f"{folder}/{name}"
                _ruleset_memo[key] = load_ruleset(Path(key))
                _chain_memo[key] = chain_files(Path(key))
    finally:
        os.chdir(here)


_evidence_memo: dict[tuple, Any] = {}


def _warm_evidence() -> None:
    """Every bundled sample, read against its unmutated ruleset (and as last year's evidence for impact)."""
    if _evidence_memo:
        return
    from kaohe.engine.evidence import load_evidence
    _warm_rulesets()
    here = os.getcwd()
    try:
        os.chdir(_layout)
        for name in WITH_SAMPLES:
            readers = [(_ruleset_memo[f"rulesets/{name}"], ()), (_ruleset_memo[f"rulesets/{name}"], (name,))]
            if name == "hubei-2014":
                readers.append((_ruleset_memo["rulesets/hubei-2015"], ("hubei-2014",)))
            for path in sorted((RULESETS / name / "samples").glob("*.yaml")):
                shown = f"rulesets/{name}/samples/{path.name}"
                for ruleset, rescoring in readers:
                    _evidence_memo[(shown, ruleset.digest, rescoring)] = load_evidence(Path(shown), ruleset, rescoring)
    finally:
        os.chdir(here)


def _patch(real, replacement, prefixes=("kaohe.",)) -> None:
    """Make every kaohe module that imported `real` by name see `replacement` (in a forked worker only)."""
    for name, module in list(sys.modules.items()):
        if module is not None and name.startswith(prefixes) and name != real.__module__:
            for attribute, value in list(vars(module).items()):
                if value is real:
                    setattr(module, attribute, replacement)


def reuse_unmutated_rulesets() -> None:
    """Serve load_ruleset/chain_files from the memo (a worker whose rulesets are all unmutated)."""
    from kaohe.engine import extends, ruleset

    def memoized(real, memo):
        def lookup(path, *args, **kwargs):
            if not args and not kwargs and str(path) in memo:
                return memo[str(path)]
            return real(path, *args, **kwargs)
        return lookup

    for real, memo in ((ruleset.load_ruleset, _ruleset_memo), (extends.chain_files, _chain_memo)):
        _patch(real, memoized(real, memo), prefixes=("kaohe.cli",))


def reuse_unmutated_evidence(mutated: str) -> None:
    """Serve load_evidence from the memo for the same file name, the same ruleset digest, never the mutated file."""
    from kaohe.engine import evidence
    real = evidence.load_evidence
    memo = {key: value for key, value in _evidence_memo.items() if key[0] != mutated}

    def lookup(path, ruleset, rescoring=()):
        found = memo.get((str(path), getattr(ruleset, "digest", None), tuple(rescoring)))
        return found if found is not None else real(path, ruleset, rescoring)
    _patch(real, lookup)


# --------------------------------------------------------------------------------------------------------------
# Running one command line in this process: CliRunner, bounded by SIGALRM


class CaseTimeout(BaseException):
    """Raised by SIGALRM inside the run; a BaseException so kaohe's `except Exception` cannot turn it into exit 3."""


@dataclasses.dataclass
class Run:
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    exception: str = ""  # an uncaught exception's traceback (CliRunner caught it), or where the alarm found the run
    timed_out: bool = False
    killed: str = ""  # the case did not come back: how it ended, and its last Python stack if known
    seconds: float = 0.0


def run_command(argv: list[str], cwd: Path, bound: float = BOUND) -> Run:
    """`kaohe --debug ARGV` through click's CliRunner in this process, in `cwd`; CaseTimeout after `bound` s."""
    from click.testing import CliRunner

    from kaohe.cli.main import cli

    def alarm(signum, frame):
        raise CaseTimeout(f"no result after {bound} s")

    run = Run()
    previous = signal.signal(signal.SIGALRM, alarm)
    here = os.getcwd()
    start = time.perf_counter()
    try:
        os.chdir(cwd)
        signal.setitimer(signal.ITIMER_REAL, bound)
        try:
            result = CliRunner().invoke(cli, ["--debug", *argv], catch_exceptions=True, prog_name="kaohe")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        run.exit_code = result.exit_code
        run.stdout, run.stderr = result.stdout, result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            run.exception = "".join(traceback.format_exception(*result.exc_info))
    except CaseTimeout:
        run.timed_out = True
        run.exception = traceback.format_exc()
    finally:
        run.seconds = time.perf_counter() - start
        signal.signal(signal.SIGALRM, previous)
        os.chdir(here)
    return run


# --------------------------------------------------------------------------------------------------------------
# Checking a run


def tree_digest(root: Path, folders: list[str]) -> dict[str, str]:
    out = {}
    for folder in folders:
        base = root / folder
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            relative = str(path.relative_to(root))
            out[relative] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


MANIFEST = ".kaohe-manifest.json"  # kaohe's own record of an -o folder it wrote: not a staging file


def _staging_files(folder: Path) -> list[str]:
    """Temporary, staging, backup or lock files left under out/ (hidden files other than an -o folder's manifest)."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if (p.name.startswith(".") and p.name != MANIFEST) or ".tmp" in p.name or ".kaohe-" in p.name
                  and p.name != MANIFEST)


def _complete_set(folder: Path) -> tuple[list[str], list[str]]:
    """(what is missing or broken in a score -o folder that should hold a complete run, files that are not part of
    the run results.json describes)."""
    from kaohe.engine.render.outputs import file_stem
    if not folder.is_dir():
        return ["the folder does not exist"], []
    problems = [f"missing {name}" for name in OUTPUT_NAMES if not (folder / name).is_file()]
    problems += [f"empty {name}" for name in OUTPUT_NAMES if (folder / name).is_file() and not (folder / name).stat().st_size]
    if not (folder / "results.json").is_file():
        return problems, []
    try:
        units = [u["unit"] for u in json.loads((folder / "results.json").read_text(encoding="utf-8"))["units"]]
    except Exception as error:  # noqa: BLE001
        return problems + [f"results.json unreadable: {error!r}"], []
    for unit in units:
        for suffix in (".xlsx", ".html"):
            path = folder / f"{file_stem(unit)}{suffix}"
            if not path.is_file() or not path.stat().st_size:
                problems.append(f"missing or empty {path.name} (unit {unit!r} is in results.json)")
    for name in [f"{file_stem(u)}.xlsx" for u in units] + ["汇总.xlsx"]:
        if (folder / name).is_file() and not zipfile.is_zipfile(folder / name):
            problems.append(f"{name} is not a complete .xlsx (not a zip)")
    expected = set(OUTPUT_NAMES) | {f"{file_stem(u)}{s}" for u in units for s in (".xlsx", ".html")} | {MANIFEST}
    return problems, sorted(p.name for p in folder.iterdir() if p.name not in expected)


def check_run(prepared: Prepared, run: Run, before_inputs: dict, after_inputs: dict,
              before_out: dict, after_out: dict) -> list[str]:
    failures = []
    if run.killed:
        failures.append(f"HANG: {run.killed.splitlines()[0]}")
    elif run.timed_out:
        failures.append(f"HANG: no result within {BOUND} s (SIGALRM raised CaseTimeout inside the run)")
    if run.exit_code == 3:
        failures.append("INTERNAL ERROR: exit code 3")
    if run.exception:
        last = run.exception.strip().splitlines()[-1]
        if not run.timed_out:
            failures.append(f"UNCAUGHT EXCEPTION: {last}")
    output = run.stdout + run.stderr
    if run.exit_code != 3 and "内部错误" in output:
        failures.append("INTERNAL ERROR: 内部错误 in the output")
    if "Traceback" in output and run.exit_code != 3:
        failures.append("TRACEBACK in the output")
    if run.exit_code not in (0, 1, 2, 3, None):
        failures.append(f"UNEXPECTED EXIT CODE {run.exit_code}")
    if run.exit_code == 1:
        bare = [line for line in output.splitlines() if line.startswith("<输入>")]
        if bare:
            failures.append(f"NO LOCATION: {bare[0][:200]}")
    if before_inputs != after_inputs:
        changed = sorted(k for k in set(before_inputs) | set(after_inputs) if before_inputs.get(k) != after_inputs.get(k))
        failures.append(f"MODIFIED INPUT: {', '.join(changed[:5])}")
    if not run.timed_out:
        failures += check_outputs(prepared, run, before_out, after_out)
    return failures


def check_outputs(prepared: Prepared, run: Run, before_out: dict, after_out: dict) -> list[str]:
    """-o folder: after exit 0 the complete set (and nothing new beside it); after exit 1 or 2 as it was before
    (or, when the only problem was unscored items, the complete set); a file of the user's in it always survives.
    --html/--xlsx/template files: written and complete after exit 0, not written otherwise. No staging files."""
    failures = []
    root = prepared.root
    staging = _staging_files(root / "out")
    if staging:
        failures.append(f"PARTIAL OUTPUT: staging files left behind: {', '.join(staging[:5])}")
    if prepared.out_dir:
        folder = root / prepared.out_dir
        problems, strays = _complete_set(folder)
        new = [n for n in strays if before_out.get(f"{prepared.out_dir}/{n}") != after_out.get(f"{prepared.out_dir}/{n}")]
        if new:
            problems.append(f"files written that are not part of this run: {', '.join(new[:5])}")
        unchanged = before_out == after_out
        unscored_only = run.exit_code == 1 and "个单位有未评分的指标" in run.stderr and not problems
        before = ("a previous complete run" if prepared.previous else
                  "a folder holding a file of the user's" if prepared.foreign else "absent")
        if run.exit_code == 0 and problems:
            failures.append(f"PARTIAL OUTPUT: exit 0 but {prepared.out_dir}/ is incomplete: {'; '.join(problems[:4])}")
        elif run.exit_code in (1, 2) and not unchanged and not unscored_only:
            what = "left incomplete: " + "; ".join(problems[:3]) if problems else "changed"
            failures.append(f"PARTIAL OUTPUT: exit {run.exit_code} and {prepared.out_dir}/ {what} (it was {before})")
        foreign = root / prepared.foreign if prepared.foreign else None
        if foreign and (not foreign.is_file() or foreign.read_text(encoding="utf-8") != FOREIGN_TEXT):
            failures.append(f"PARTIAL OUTPUT: exit {run.exit_code} and the user's own file {prepared.foreign}, "
                            f"there before the run, was removed or changed")
    for relative in prepared.out_files:
        path = root / relative
        if run.exit_code == 0:
            if not path.is_file() or not path.stat().st_size:
                failures.append(f"PARTIAL OUTPUT: exit 0 but {relative} is missing or empty")
            elif relative.endswith(".xlsx") and not zipfile.is_zipfile(path):
                failures.append(f"PARTIAL OUTPUT: {relative} is not a complete .xlsx")
        elif run.exit_code in (1, 2) and path.exists():
            failures.append(f"PARTIAL OUTPUT: exit {run.exit_code} but {relative} was written")
    return failures


# --------------------------------------------------------------------------------------------------------------
# One case, end to end


@dataclasses.dataclass
class Report:
    case: Case
    prepared: Prepared
    run: Run
    failures: list[str]

    def command(self) -> str:
        return "kaohe " + " ".join(shlex.quote(a) for a in self.prepared.argv)

    def text(self, limit: int = 3000) -> str:
        run = self.run

        def clip(text: str) -> str:
            text = "\n".join(line if len(line) <= 400 else line[:300] + f"…({len(line)} chars)"
                             for line in text.strip("\n").splitlines())
            return text if len(text) <= limit else text[:limit // 2] + f"\n…({len(text)} chars)…\n" + text[-limit // 2:]
        lines = [
            f"case {self.case.id} (seed {self.case.seed}; reproduce: .venv/bin/python -m tests.fuzz_mutations "
            f"{self.case.id.split('-')[0]} --keep /tmp/fuzz)",
            f"mutated {self.prepared.mutated_file}: {self.prepared.description}",
            "snippet:", *("    " + line for line in (self.prepared.snippet or "").splitlines()),
            f"command (in the workspace; run with --debug): {self.command()}",
            f"exit code {run.exit_code} in {run.seconds:.2f} s",
            *(f"FAILURE: {f}" for f in self.failures),
        ]
        if run.stdout.strip():
            lines += ["stdout:", clip(run.stdout)]
        if run.stderr.strip():
            lines += ["stderr:", clip(run.stderr)]
        if run.exception:
            lines += ["exception:", clip(run.exception)]
        if run.killed:
            lines += ["killed:", clip(run.killed)]
        return "\n".join(lines)


def case_report(case: Case, root: Path, reuse: bool = False) -> Report:
    """One case in this process: build the workspace, run the command line, check everything.
    `reuse` (forked workers only): unmutated rulesets and samples come from the memos loaded before the fork."""
    prepared = prepare(case, root)
    if reuse:
        if not case.kind.startswith("ruleset"):
            reuse_unmutated_rulesets()
        reuse_unmutated_evidence(prepared.mutated_file)
    watched = [prepared.out_dir] if prepared.out_dir else []
    before_inputs, before_out = tree_digest(root, prepared.inputs), tree_digest(root, watched)
    run = run_command(prepared.argv, root)
    after_inputs, after_out = tree_digest(root, prepared.inputs), tree_digest(root, watched)
    return Report(case, prepared, run, check_run(prepared, run, before_inputs, after_inputs, before_out, after_out))


# --------------------------------------------------------------------------------------------------------------
# Cases in forked workers: a loop in C code (Decimal, zlib, expat) that no signal reaches, or a memory blow-up,
# costs the case, not the test session; two workers at a time use both cores.


@dataclasses.dataclass
class Worker:
    case: Case
    root: Path
    pid: int
    done_fd: int  # reaches end-of-file when the worker has exited
    started: float
    deadline: float = WORKER_DEADLINE

    @property
    def report_file(self) -> Path:
        return self.root.parent / f"{self.root.name}.report"

    @property
    def hang_file(self) -> Path:
        return self.root.parent / f"{self.root.name}.stack"


def start_worker(case: Case, root: Path, deadline: float = WORKER_DEADLINE) -> Worker:
    warm(case)
    root.parent.mkdir(parents=True, exist_ok=True)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        worker = Worker(case, root, 0, -1, 0.0, deadline)
        code = 0
        try:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
            with open(worker.hang_file, "w") as stack:
                faulthandler.dump_traceback_later(max(deadline - 2, deadline * 0.75), exit=True, file=stack)
                report = case_report(case, root, reuse=True)
                faulthandler.cancel_dump_traceback_later()
            worker.report_file.write_bytes(pickle.dumps(report))
        except BaseException:  # noqa: BLE001 - the parent reports a worker that sent no report
            code = 70
            with contextlib.suppress(BaseException), open(worker.hang_file, "a") as stack:
                stack.write(traceback.format_exc())
        os._exit(code)
    os.close(write_end)
    return Worker(case, root, pid, read_end, time.perf_counter(), deadline)


def finish_worker(worker: Worker) -> Report:
    killed = ""
    while True:
        remaining = worker.started + worker.deadline - time.perf_counter()
        if remaining <= 0:
            os.kill(worker.pid, signal.SIGKILL)
            killed = f"killed after {worker.deadline} s: SIGALRM never reached Python (stuck in C code?)"
            break
        ready, _, _ = select.select([worker.done_fd], [], [], remaining)
        if ready and not os.read(worker.done_fd, 1024):
            break
    os.close(worker.done_fd)
    _, status = os.waitpid(worker.pid, 0)
    seconds = time.perf_counter() - worker.started
    if not killed and worker.report_file.exists():
        report = pickle.loads(worker.report_file.read_bytes())
        worker.report_file.unlink()
        worker.hang_file.unlink(missing_ok=True)
        return report
    if not killed:
        killed = (f"the case died of signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else
                  f"the case ended with status {os.WEXITSTATUS(status)} after {seconds:.1f} s without a report")
    stack = worker.hang_file.read_text(errors="replace") if worker.hang_file.exists() else ""
    scratch = Path(tempfile.mkdtemp(prefix="kaohe-fuzz-describe-"))
    try:
        prepared = prepare(worker.case, scratch / "workspace")  # again, only to describe the case
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    prepared.root = worker.root
    run = Run(killed=killed + (f"\nlast Python stack:\n{stack}" if stack else ""), seconds=seconds, timed_out=True)
    return Report(worker.case, prepared, run, check_run(prepared, run, {}, {}, {}, {}))


def kill_worker(worker: Worker) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(worker.pid, signal.SIGKILL)
    os.waitpid(worker.pid, 0)
    os.close(worker.done_fd)


class Pipeline:
    """Runs cases in forked workers, `jobs` at a time: when asked for the cases in order, the next ones are
    already running. KAOHE_FUZZ_FORK=0 runs each case in this process instead (for a debugger)."""

    def __init__(self, cases: list[Case], base: Path, jobs: int | None = None, fork: bool | None = None):
        self.cases, self.base = list(cases), Path(base)
        self.position = {case.id: i for i, case in enumerate(self.cases)}
        self.fork = os.environ.get("KAOHE_FUZZ_FORK", "1") != "0" if fork is None else fork
        self.jobs = jobs or int(os.environ.get("KAOHE_FUZZ_JOBS", 0)) or min(2, os.cpu_count() or 1)
        self.workers: dict[str, Worker] = {}
        self.last = -1

    def root(self, case: Case) -> Path:
        return self.base / f"s{case.seed:04d}"

    def report(self, case: Case) -> Report:
        if not self.fork:
            warm(case)
            report = case_report(case, self.root(case))
        else:
            index = self.position[case.id]
            ahead = self.cases[index:index + self.jobs] if self.last == index - 1 else [case]
            self.last = index
            for upcoming in ahead:
                if upcoming.id not in self.workers:
                    self.workers[upcoming.id] = start_worker(upcoming, self.root(upcoming))
            report = finish_worker(self.workers.pop(case.id))
        if not report.failures:
            shutil.rmtree(self.root(case), ignore_errors=True)
        return report

    def close(self) -> None:
        for worker in self.workers.values():
            kill_worker(worker)
        self.workers.clear()


def find_case(key: str) -> Case:
    """A case by its id, its seed prefix (s0042) or its seed number (42)."""
    key = key.strip()
    if re.fullmatch(r"s?\d+", key):
        return make_case(int(key.lstrip("s")))
    seed = int(re.match(r"s(\d+)-", key).group(1))
    case = make_case(seed)
    if case.id != key:
        raise SystemExit(f"seed {seed} is now case {case.id}, not {key}: the case list has changed")
    return case


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description="Run fuzz cases of tests/test_fuzz.py and show them.")
    parser.add_argument("cases", nargs="+", help="case id, s0042 or 42")
    parser.add_argument("--keep", type=Path, help="build the workspace(s) here and leave them")
    parser.add_argument("--no-fork", action="store_true", help="run in this process (for a debugger)")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="kaohe-fuzz-"))
    pipeline = Pipeline([find_case(key) for key in args.cases], base, jobs=1, fork=not args.no_fork)
    failed = 0
    try:
        for case in pipeline.cases:
            root = pipeline.root(case)
            if root.exists():
                shutil.rmtree(root)
            report = pipeline.report(case)
            failed += bool(report.failures)
            print(report.text(limit=20000))
            if args.keep:
                rerun = " ".join(shlex.quote(a) for a in report.prepared.argv)
                print(f"workspace: {root}  (cd {root} && {REPO}/.venv/bin/kaohe --debug {rerun})"
                      if root.exists() else "(passed: workspace removed)")
            print()
    finally:
        pipeline.close()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
