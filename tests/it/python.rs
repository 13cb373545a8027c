//! The Python-side tests (`tests/python`, pytest): the Python module `khabar` (`python/`)
//! against the built binary's records, and what users do with the records from Python
//! (DuckDB over the NDJSON).
//!
//! The interpreter is `KHABAR_TEST_PYTHON` (`.ci/run` makes a virtual environment with
//! `tests/python/requirements.txt` and `pip install ./python`, and sets it), else `python3`
//! from the PATH when it has those packages. With neither the test fails saying what to
//! install; in CI (`CI` set) the variable must be set, so the suite can never be skipped
//! unnoticed. The module tested is the one installed: after changing `python/` or the
//! extractor, `pip install ./python` again.

use std::process::Command;

use crate::common::repo;

fn interpreter() -> String {
    if let Ok(python) = std::env::var("KHABAR_TEST_PYTHON") {
        return python;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "KHABAR_TEST_PYTHON is not set: in CI, .ci/run makes the virtual environment and sets it"
    );
    let ready = Command::new("python3")
        .args(["-c", "import duckdb, pytest, khabar"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ready,
        "the Python-side tests need python3 with duckdb, pytest and khabar: \
         python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt ./python, \
         then KHABAR_TEST_PYTHON=.venv/bin/python cargo test"
    );
    "python3".to_string()
}

#[test]
fn python_suite_passes() {
    let out = Command::new(interpreter())
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/python",
        ])
        .current_dir(repo())
        .env("KHABAR_BIN", env!("CARGO_BIN_EXE_khabar"))
        .output()
        .expect("run pytest");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "pytest failed:\n{report}");
    assert!(
        report.contains(" passed") && !report.contains(" skipped"),
        "{report}"
    );
}
