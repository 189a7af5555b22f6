"""Exporting a package's tables to the formats users' tools read: one module per format."""

FORMATS = ("csv", "parquet", "json", "jsonl", "sqlite", "xlsx")
