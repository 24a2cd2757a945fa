"""A progress bar on the terminal for long runs: on stderr, only when a person is watching it.

Piped or redirected output, `-q`, and batches small enough to finish at once show nothing, so that scripts and
logs see exactly what they saw before.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterator

import click

PROGRESS_FROM = 50  # units; a smaller batch is done before a bar could say anything


@contextlib.contextmanager
def progress(label: str, length: int, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`: n more of `length` done."""
    if quiet or length < PROGRESS_FROM or not sys.stderr.isatty():
        yield lambda done: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True, show_percent=True,
                           show_eta=True, width=30) as bar:
        yield bar.update
