"""``python -m natoseoul``: the same command line as ``natoseoul``."""

from .process import run

run()
