"""``python -m natoseoul``: the command line."""

from .cli import run

run()
