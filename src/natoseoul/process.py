"""Setting up a process the ``natoseoul`` program owns, for the commands that read tables.

Two of pyarrow's defaults cost these short runs more than their work, so the program changes them in
its own process (``cli.run``), before pyarrow is imported. A user's Python calling the library keeps
pyarrow's defaults, and a user's own ``MIMALLOC_ARENA_EAGER_COMMIT`` is kept.

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
"""

from __future__ import annotations

import os
import sys

TABLE_COMMANDS = ("validate", "verify", "info", "export")


def prepare(args: list[str]) -> None:
    """Set up this process for the command line ``args`` (without the program name)."""
    if not args or args[0] not in TABLE_COMMANDS:
        return
    if "--frictionless" not in args:
        sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]  # None: "not installed"
    os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")  # read when mimalloc starts, with pyarrow
