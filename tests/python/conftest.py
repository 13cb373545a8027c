"""Shared setup of the Python-side tests: the khabar binary under test (``KHABAR_BIN``,
set by ``tests/it/python.rs``, which runs this suite) and the repository root."""

import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    """Runs the khabar binary from the repository root; returns its stdout."""
    binary = os.environ.get("KHABAR_BIN")
    if not binary:
        pytest.fail("KHABAR_BIN is not set: run these tests with `cargo test --test it python`")

    def run(*args: str) -> str:
        done = subprocess.run(
            [binary, "-q", *args], cwd=REPO, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


@pytest.fixture(scope="session")
def structure_ndjson(cli, tmp_path_factory) -> pathlib.Path:
    """The records of the structure fixtures, in an NDJSON file."""
    out = tmp_path_factory.mktemp("records") / "structure.ndjson"
    out.write_text(
        cli("extract", "--manifest", "fixtures/structure/manifest.ndjson", "fixtures/structure"),
        encoding="utf-8",
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    return out


def records(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
