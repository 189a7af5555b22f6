"""The build: fresh, deterministic, and failing clearly (file, record, field) on bad curation,
without writing anything."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from build import build
from cli_helpers import ROOT, run_build

INPUTS = ("curation", "seeds")  # read by the build, never written


@pytest.fixture
def project(tmp_path: Path, copy_build_inputs: Callable[[Path], Path]) -> Path:
    """A copy of the build's inputs, built once."""
    build(copy_build_inputs(tmp_path))
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(INPUTS)
    }


def test_committed_outputs_are_fresh() -> None:
    result = build(ROOT, check=True)
    assert result.changed == [], "run `python tools/build.py` and commit the result"


def test_build_check_command_passes_on_the_repository() -> None:
    done = run_build("--check", "--root", str(ROOT))
    assert done.code == 0, done.err
    assert "up to date" in done.out


def test_build_is_deterministic(project: Path) -> None:
    first = snapshot(project)
    for rel in list(first):
        if rel.startswith(("dist/", "schemas/")):
            (project / rel).unlink()
    build(project)
    assert snapshot(project) == first
    committed = {rel: (ROOT / rel).read_bytes() for rel in first if (ROOT / rel).is_file()}
    assert committed == {rel: blob for rel, blob in first.items() if rel in committed}


def test_build_removes_stray_outputs(project: Path) -> None:
    stray = project / "dist" / "csv" / "old_table.csv"
    stray.write_text("x\n", encoding="utf-8")
    assert "dist/csv/old_table.csv" in build(project, check=True).changed
    build(project)
    assert not stray.exists()


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


BAD_CURATION = [
    pytest.param(
        "events.toml",
        'text = "It is a great pleasure to be in Seoul today."',
        'text = "It is a great pleasure to be in Busan today."',
        ["curation/events.toml", "event '2017-11-rok-visit'", "evidence[0].text", "not in nato-press-point-2017-11-02"],
        id="span-not-in-seed",
    ),
    pytest.param(
        "participants.toml",
        'text = "NATO Secretary General", type = "title", at = 1286',
        'text = "NATO Secretary General", type = "title", at = 1287',
        [
            "curation/participants.toml",
            "participant 'stoltenberg-jens'",
            "aliases[15].text",
            "does not match menafn-2023-01-30 at 1287",
        ],
        id="span-at-wrong-offset",
    ),
    pytest.param(
        "events.toml",
        'parent = "2017-east-asia-visit"',
        'parent = "2017-asia-visit"',
        [
            "curation/events.toml",
            "event '2017-10-japan-visit'",
            "parent_event_id",
            "'2017-asia-visit' is not an event_id in events",
        ],
        id="dangling-reference",
    ),
    pytest.param(
        "topics.toml",
        'id = "china"',
        'id = "indo-pacific"',
        ["curation/topics.toml", "topic 'indo-pacific'", "topic_id", "duplicate"],
        id="duplicate-id",
    ),
    pytest.param(
        "events.toml",
        'type = "ceremony"',
        'type = "festival"',
        [
            "curation/events.toml",
            "event '2023-01-29-seoul-national-cemetery'",
            "event_type",
            "'festival' is not one of",
        ],
        id="unknown-vocabulary-term",
    ),
    pytest.param(
        "events.toml",
        "start = 2023-07-11",
        'start = "2023-07-32"',
        ["curation/events.toml", "event '2023-07-vilnius-summit'", "start", "2023-07-32"],
        id="unparsable-date",
    ),
    pytest.param(
        "documents.toml",
        'sha256 = "8c8551baf70f2c376db398dc5b98e2025b186c377e9b0853d773a096cc53fdee"',
        'sha256 = "0c8551baf70f2c376db398dc5b98e2025b186c377e9b0853d773a096cc53fdee"',
        ["curation/documents.toml", "document 'menafn-2023-01-30'", "sha256", "has changed"],
        id="seed-hash-mismatch",
    ),
    pytest.param(
        "participants.toml",
        'id = "park-jin"',
        'id = " park-jin"',
        ["curation/participants.toml", "id", "leading or trailing spaces"],
        id="stray-spaces-around-an-id",
    ),
    pytest.param(
        "events.toml",
        'title = "Wreath-laying at the Seoul National Cemetery"',
        'title = ""',
        ["curation/events.toml", "event '2023-01-29-seoul-national-cemetery'", "title", "required value is missing"],
        id="empty-required-field",
    ),
    pytest.param(
        "events.toml",
        'precision = "year"\nbasis = "seed"',
        'precision = "year"\nbasis = "seed"\nevidance = []',
        ["curation/events.toml", "event '1949-nato-founded'", "evidance", "unknown key"],
        id="misspelt-key",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), BAD_CURATION)
def test_bad_curation_fails_clearly_and_writes_nothing(
    project: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    before = snapshot(project)
    edit(project / "curation" / file, old, new)
    done = run_build("--root", str(project))
    assert done.code == 1
    assert "Traceback" not in done.err
    for words in expected:
        assert words in done.err, (words, done.err)
    assert snapshot(project) == before


def test_a_changed_seed_is_refused(project: Path) -> None:
    seed = next((project / "seeds").glob("004_*.txt"))
    seed.write_bytes(seed.read_bytes().replace(b"Friday", b"Monday"))
    done = run_build("--root", str(project))
    assert done.code == 1 and "Traceback" not in done.err
    assert "menafn-2023-01-30" in done.err and "has changed" in done.err


@pytest.mark.parametrize(
    ("mangle", "words"),
    [(lambda b: b"\xef\xbb\xbf" + b, "byte-order mark"), (lambda b: b.replace(b"\n", b"\r\n"), "CR line end")],
    ids=["bom", "crlf"],
)
def test_curation_files_must_be_plain_utf8_with_lf(project: Path, mangle, words: str) -> None:  # type: ignore[no-untyped-def]
    path = project / "curation" / "topics.toml"
    path.write_bytes(mangle(path.read_bytes()))
    done = run_build("--root", str(project))
    assert done.code == 1 and "Traceback" not in done.err
    assert "curation/topics.toml" in done.err and words in done.err


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_built_files_get_the_mode_the_umask_gives_new_files(project: Path, umask: int, mode: int) -> None:
    """As ``open`` would create them (temporary files are created 0600, then given this mode)."""
    old = os.umask(umask)
    try:
        (project / "dist" / "csv" / "topics.csv").unlink()
        build(project)
    finally:
        os.umask(old)
    assert (project / "dist" / "csv" / "topics.csv").stat().st_mode & 0o777 == mode
