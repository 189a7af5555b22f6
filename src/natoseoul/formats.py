"""The output formats of ``export`` and ``show``, apart from their writers so that the command line
can offer them as choices without importing the writers (and what they import) on every run."""

EXPORT_FORMATS = ("csv", "parquet", "json", "jsonl", "sqlite", "xlsx")
SHOW_FORMATS = ("table", "csv", "json")
