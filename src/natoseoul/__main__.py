"""``python -m natoseoul``: the same command line as ``natoseoul``."""

from .cli import run

run()
