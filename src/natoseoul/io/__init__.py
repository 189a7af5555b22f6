"""Packages on disk: opening one safely, reading and writing its table files, digests, descriptors."""
