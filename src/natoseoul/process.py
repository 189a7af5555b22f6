"""The ``natoseoul`` program's own process, set up for the commands that read tables.

Some of Python's and pyarrow's defaults cost these short runs more than their work, so the program
(``run``, the console script and ``python -m natoseoul``) changes them in its own process, before
click and pyarrow are imported. A user's Python calling the library keeps the defaults, and a
user's own ``MIMALLOC_ARENA_EAGER_COMMIT`` is kept.

- numpy: pyarrow imports it at its own import whenever it is installed (about 70 ms), though these
  commands never use it. pyarrow 18 and later run without numpy; ``None`` in ``sys.modules`` makes
  ``import numpy`` fail as if it were not installed. ``validate --frictionless`` keeps numpy, as
  frictionless may use it.
- Memory: pyarrow's Linux wheels allocate with mimalloc, which by default commits each arena it
  maps at once; where the kernel backs such regions with transparent huge pages, every first touch
  zeroes 2 MiB. Validating 100k rows took 135 MB of them (peak RSS 220 MB), and the system time this
  cost was as long as the checking. Committing on demand (mimalloc's documented
  ``MIMALLOC_ARENA_EAGER_COMMIT=0``) keeps to what is used: peak RSS 126 MB at 100k rows, and about
  50 MB less at 1M. The setting does nothing where pyarrow allocates otherwise.
- The cyclic garbage collector: importing pyarrow and click creates tens of thousands of objects,
  and the collector walks them again and again while the command runs (about 10 ms of validating
  100k rows, 4%). These commands make next to no reference cycles (Arrow data is reference-counted
  and freed as it goes), so it is switched off for them; peak memory at 1M rows is unchanged.
  ``validate --frictionless`` keeps it, as frictionless may make cycles.
- Exit: once the command has finished and its output is flushed, the process ends at once
  (``os._exit``, as mypy does by default) instead of tearing the interpreter down object by object:
  about 10 ms of every command, more after a large run. Every file the commands write is complete,
  synced and renamed before they return. When the output cannot be flushed (a closed pipe) or the
  exit carries a message, Python's own exit runs and reports it as usual.
"""

from __future__ import annotations

import gc
import os
import sys

TABLE_COMMANDS = ("validate", "verify", "info", "export")


def run() -> None:
    """The ``natoseoul`` program: the command line (``cli.main``) in a process set up for it."""
    prepare(sys.argv[1:])
    from .cli import main

    try:
        main()
    except SystemExit as done:
        exit_now(done.code)
        raise


def exit_now(code: object) -> None:
    """End the process with ``code`` without tearing the interpreter down, once stdout and stderr
    are flushed; returns (to let Python exit as usual) when they cannot be or ``code`` is a message."""
    if code is not None and not isinstance(code, int):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code or 0)


def prepare(args: list[str]) -> None:
    """Set up this process for the command line ``args`` (without the program name)."""
    if not args or args[0] not in TABLE_COMMANDS:
        return
    if "--frictionless" not in args:
        sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]  # None: "not installed"
        gc.disable()
    os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")  # read when mimalloc starts, with pyarrow
