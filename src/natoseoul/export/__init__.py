"""Exporting a package's tables to the formats users' tools read: one module per format."""

FORMATS = ("csv", "parquet", "json", "jsonl", "sqlite", "xlsx", "annotations", "plover")
DERIVED = ("annotations", "plover")  # built from several tables (and the seeds), not one file per table
