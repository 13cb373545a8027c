//! `-i FILE`: addresses one per line, from a file or standard input.

use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Lines longer than this are not addresses (a binary file given by mistake).
const MAX_LINE_BYTES: usize = 64 * 1024;

/// Why a list of addresses cannot be used; nothing is fetched.
#[derive(Debug, thiserror::Error)]
pub enum UrlListError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A line that is not an http or https address.
    #[error(
        "{path}:{line}: `{text}` is not an http(s) address; write one absolute address per line (# starts a comment)"
    )]
    BadLine {
        /// The file.
        path: PathBuf,
        /// Its number, from 1.
        line: usize,
        /// The line, shortened.
        text: String,
    },
}

/// Reads addresses, one per line, from `path` (`-`: standard input). Blank lines and
/// lines starting with `#` are skipped; every other line must be an absolute http(s)
/// address, or the whole list is refused naming the first line that is not.
pub fn read_url_list(path: &Path) -> Result<Vec<String>, UrlListError> {
    let read_err = |source| UrlListError::Read {
        path: path.to_path_buf(),
        source,
    };
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).map_err(read_err)?)
    };
    parse(BufReader::new(reader), path)
}

fn parse(mut reader: impl BufRead, path: &Path) -> Result<Vec<String>, UrlListError> {
    let mut urls = Vec::new();
    let mut buf = Vec::new();
    let mut number = 0;
    loop {
        buf.clear();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|source| UrlListError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        if n == 0 {
            return Ok(urls);
        }
        number += 1;
        let text = String::from_utf8_lossy(&buf);
        let line = text.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let ok = buf.len() <= MAX_LINE_BYTES
            && url::Url::parse(line)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if !ok {
            return Err(UrlListError::BadLine {
                path: path.to_path_buf(),
                line: number,
                text: line.chars().take(80).collect(),
            });
        }
        urls.push(line.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_comments_and_blank_lines() {
        let text = "\u{feff}# seeds\nhttps://a.example/\n\n  http://b.example/x  \r\n#x\n";
        let got = parse(text.as_bytes(), Path::new("s.txt")).unwrap();
        assert_eq!(got, ["https://a.example/", "http://b.example/x"]);
    }

    #[test]
    fn a_bad_line_is_named() {
        let e = parse(
            "https://a.example/\nftp://b.example/\n".as_bytes(),
            Path::new("s.txt"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("s.txt:2: `ftp://b.example/`"), "{e}");
        let long = format!("https://a.example/{}\n", "x".repeat(MAX_LINE_BYTES));
        assert!(parse(long.as_bytes(), Path::new("s.txt")).is_err());
    }
}
