"""Checking packages: ``validate`` (the tables against their schemas and sources) and ``verify``
(every byte against the release's records)."""
