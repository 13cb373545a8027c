//! Where pages come from for `extract`: a [`PageSource`] hands them over one at a time,
//! in input order. [`FileSource`] reads files, directories of saved pages, standard input
//! and manifests (NDJSON lines `{"file": …, "url": …}`): inputs are listed first and read
//! one at a time, so a large collection never sits in memory whole. A new kind of input
//! (an archive format) is one more [`PageSource`].

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

use khabar_extract::{PageInput, SourceInfo, SourceKind};

mod warc;

use warc::{WarcPages, is_warc_name};

/// File name endings taken when walking a directory.
const PAGE_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "shtml"];

/// A problem with one input; the others are still processed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The input (or a directory named) could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The input's name: a path or `<stdin>`.
        path: String,
        /// The error from reading it.
        source: std::io::Error,
    },
    /// The input holds nothing but white space.
    #[error("{path}: the file is empty; there is nothing to extract")]
    Empty {
        /// The input's name: a path or `<stdin>`.
        path: String,
    },
    /// The input is binary data (NUL bytes near the start), not a page.
    #[error(
        "{path}: not an HTML page (binary data: NUL bytes near the start); give saved .html files"
    )]
    Binary {
        /// The input's name: a path or `<stdin>`.
        path: String,
    },
    /// A damaged record in a web archive (the next ones are still read).
    #[error("{path}: record at offset {offset}: {message}; skipped, reading on")]
    Warc {
        /// The archive.
        path: String,
        /// Where the damaged record starts.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// A manifest line that names no usable page.
    #[error("{path}:{line}: {message}")]
    Manifest {
        /// The manifest's path.
        path: String,
        /// The line's number, counted from 1.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
}

/// A mistake in how the inputs were named: nothing is processed.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// No input was named.
    #[error("no input given: name saved pages or directories, or `-` for standard input")]
    NoInput,
    /// `--url` was given, but the inputs are not one page (how many they are).
    #[error(
        "--url applies to one page only, but {0} inputs were given; use --manifest to give each page its address"
    )]
    UrlWithManyInputs(usize),
    /// `--url` is not an absolute http(s) address (the value given).
    #[error("--url `{0}` is not an absolute http(s) address")]
    BadUrl(String),
    /// `--manifest` was given with `--url` or with more than one input.
    #[error(
        "with --manifest, give at most one directory (the folder its `file` entries are relative to)"
    )]
    ManifestWithInputs,
    /// The manifest could not be read.
    #[error("cannot read manifest {path}: {source}")]
    ManifestUnreadable {
        /// The manifest's path.
        path: String,
        /// The error from reading it.
        source: std::io::Error,
    },
}

/// One page to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputItem {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    /// Its address, from `--url` or the manifest.
    pub url: Option<Url>,
}

impl InputItem {
    /// The name used in messages and in `source.file`.
    pub(crate) fn label(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string())
    }
}

/// A page read into memory, ready for the extractor.
#[derive(Debug)]
pub struct LoadedPage {
    /// The name used in messages: a path, `<stdin>`, an archive's file and offset.
    pub label: String,
    /// The page's address, when the input gives one.
    pub url: Option<Url>,
    /// The page's bytes, as they were served or saved.
    pub bytes: Vec<u8>,
    /// Where the bytes came from, for the record's `source`.
    pub source: SourceInfo,
    /// The address to use when the page names none (a saved file's `file://` URL).
    pub fallback_url: Option<Url>,
    /// The `charset` of the HTTP Content-Type header the page was served with, if known.
    pub http_charset: Option<String>,
}

impl LoadedPage {
    /// The page as the extractor takes it.
    pub(crate) fn input(&self) -> PageInput<'_> {
        PageInput {
            bytes: &self.bytes,
            page_url: self.url.clone(),
            http_charset: self.http_charset.as_deref(),
            source: self.source.clone(),
            fallback_url: self.fallback_url.clone(),
        }
    }
}

/// Pages for `extract`, in input order. `next_page` is called from one thread at a time;
/// the pages are extracted on others.
pub trait PageSource: Send {
    /// The next page; an `Err` is a problem with one input, which is reported and skipped;
    /// `None` at the end.
    fn next_page(&mut self) -> Option<Result<LoadedPage, InputError>>;
    /// How many inputs there are, when known before reading them (for progress lines).
    fn len_hint(&self) -> Option<usize> {
        None
    }
}

/// Saved pages and web archives named on the command line (see [`list_inputs`]), read one
/// at a time: a page file is one page; a `.warc`/`.warc.gz` is every HTML response in it,
/// streamed record by record.
pub struct FileSource {
    items: std::vec::IntoIter<InputItem>,
    /// The number of inputs, when none is an archive (whose pages are not counted before).
    total: Option<usize>,
    archive: Option<WarcPages>,
}

impl FileSource {
    /// The pages of `items`, in order.
    pub fn new(items: Vec<InputItem>) -> Self {
        let archives = items
            .iter()
            .any(|i| i.path.as_deref().is_some_and(is_warc_name));
        Self {
            total: (!archives).then_some(items.len()),
            items: items.into_iter(),
            archive: None,
        }
    }
}

impl PageSource for FileSource {
    fn next_page(&mut self) -> Option<Result<LoadedPage, InputError>> {
        loop {
            if let Some(archive) = self.archive.as_mut() {
                match archive.next() {
                    Some(page) => return Some(page),
                    None => self.archive = None,
                }
            }
            let item = self.items.next()?;
            match item.path.as_deref() {
                Some(p) if is_warc_name(p) => match WarcPages::open(p) {
                    Ok(pages) => self.archive = Some(pages),
                    Err(e) => return Some(Err(e)),
                },
                _ => return Some(load(item)),
            }
        }
    }

    fn len_hint(&self) -> Option<usize> {
        self.total
    }
}

/// Parses `--url`.
pub(crate) fn parse_page_url(s: &str) -> Result<Url, UsageError> {
    Url::parse(s)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| UsageError::BadUrl(s.to_string()))
}

/// Lists the pages named on the command line. Problems with single entries (a manifest
/// line, an unreadable directory) come back beside the list.
pub fn list_inputs(
    inputs: &[String],
    manifest: Option<&Path>,
    url: Option<&str>,
) -> Result<(Vec<InputItem>, Vec<InputError>), UsageError> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    if let Some(m) = manifest {
        if inputs.len() > 1 || url.is_some() {
            return Err(UsageError::ManifestWithInputs);
        }
        let base = match inputs.first() {
            Some(dir) => PathBuf::from(dir),
            None => m.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        read_manifest(m, &base, &mut items, &mut errors)?;
        return Ok((items, errors));
    }
    if inputs.is_empty() {
        return Err(UsageError::NoInput);
    }
    let page_url = url.map(parse_page_url).transpose()?;
    for input in inputs {
        if input == "-" {
            items.push(InputItem {
                path: None,
                url: None,
            });
            continue;
        }
        let path = PathBuf::from(input);
        if path.is_dir() {
            walk_dir(&path, &mut items, &mut errors);
        } else {
            items.push(InputItem {
                path: Some(path),
                url: None,
            });
        }
    }
    if let Some(u) = page_url {
        if items.len() != 1 {
            return Err(UsageError::UrlWithManyInputs(items.len()));
        }
        items[0].url = Some(u);
    }
    Ok((items, errors))
}

/// Saved pages below `dir`, in name order, recursively; links to directories are not
/// followed (no cycles).
fn walk_dir(dir: &Path, items: &mut Vec<InputItem>, errors: &mut Vec<InputError>) {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(source) => {
                errors.push(InputError::Read {
                    path: d.display().to_string(),
                    source,
                });
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                stack.push(path);
            } else if is_page_name(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    items.extend(found.into_iter().map(|p| InputItem {
        path: Some(p),
        url: None,
    }));
}

fn is_page_name(path: &Path) -> bool {
    is_warc_name(path)
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| PAGE_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

#[derive(Deserialize)]
struct ManifestLine {
    file: String,
    #[serde(default)]
    url: Option<String>,
}

fn read_manifest(
    path: &Path,
    base: &Path,
    items: &mut Vec<InputItem>,
    errors: &mut Vec<InputError>,
) -> Result<(), UsageError> {
    let label = path.display().to_string();
    let bytes = fs::read(path).map_err(|source| UsageError::ManifestUnreadable {
        path: label.clone(),
        source,
    })?;
    for (n, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = n + 1;
        let bad = |message: String| InputError::Manifest {
            path: label.clone(),
            line: line_no,
            message,
        };
        let Ok(line) = std::str::from_utf8(raw) else {
            errors.push(bad("the line is not valid UTF-8".into()));
            continue;
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let entry: ManifestLine = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(e) => {
                errors.push(bad(format!(
                    "expected a JSON object {{\"file\": …, \"url\": …}}: {e}"
                )));
                continue;
            }
        };
        let url = match entry.url.as_deref().filter(|u| !u.trim().is_empty()) {
            None => None,
            Some(u) => match parse_page_url(u) {
                Ok(u) => Some(u),
                Err(e) => {
                    errors.push(bad(e.to_string().replacen("--url", "url", 1)));
                    continue;
                }
            },
        };
        items.push(InputItem {
            path: Some(base.join(&entry.file)),
            url,
        });
    }
    Ok(())
}

/// Reads one input and checks that it is a page at all.
pub(crate) fn load(item: InputItem) -> Result<LoadedPage, InputError> {
    let label = item.label();
    let (bytes, source) = match &item.path {
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(|source| InputError::Read {
                    path: label.clone(),
                    source,
                })?;
            (
                buf,
                SourceInfo {
                    kind: SourceKind::Stdin,
                    file: None,
                    fetched_at: None,
                    status: None,
                    record_id: None,
                    offset: None,
                },
            )
        }
        Some(p) => {
            let bytes = fs::read(p).map_err(|source| InputError::Read {
                path: label.clone(),
                source,
            })?;
            (
                bytes,
                SourceInfo {
                    kind: SourceKind::File,
                    file: Some(label.clone()),
                    fetched_at: None,
                    status: None,
                    record_id: None,
                    offset: None,
                },
            )
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty { path: label });
    }
    if khabar_extract::looks_binary(&bytes) {
        return Err(InputError::Binary { path: label });
    }
    let fallback_url = item
        .path
        .as_ref()
        .and_then(|p| fs::canonicalize(p).ok())
        .and_then(|p| Url::from_file_path(p).ok());
    Ok(LoadedPage {
        label,
        url: item.url,
        bytes,
        source,
        fallback_url,
        http_charset: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_directories_in_name_order_and_takes_pages_only() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        for name in ["b.html", "a.HTM", "notes.txt", "sub/c.xhtml"] {
            fs::write(dir.path().join(name), "<p>x</p>").unwrap();
        }
        let (items, errors) = list_inputs(&[dir.path().display().to_string()], None, None).unwrap();
        assert!(errors.is_empty());
        let names: Vec<String> = items
            .iter()
            .map(|i| {
                i.path
                    .as_ref()
                    .unwrap()
                    .strip_prefix(dir.path())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, vec!["a.HTM", "b.html", "sub/c.xhtml"]);
    }

    #[test]
    fn url_needs_exactly_one_page() {
        let err = list_inputs(
            &["a.html".into(), "b.html".into()],
            None,
            Some("https://x.com/a"),
        )
        .unwrap_err();
        assert!(matches!(err, UsageError::UrlWithManyInputs(2)));
        assert!(matches!(
            list_inputs(&["a.html".into()], None, Some("x.com/a")),
            Err(UsageError::BadUrl(_))
        ));
        assert!(matches!(
            list_inputs(&[], None, None),
            Err(UsageError::NoInput)
        ));
    }

    #[test]
    fn manifest_lines_resolve_against_the_directory_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.ndjson");
        fs::write(&m, "{\"file\":\"a.html\",\"url\":\"https://x.com/a\"}\n\nnot json\n{\"file\":\"b.html\",\"url\":\"ftp://x\"}\n{\"file\":\"c.html\"}\n").unwrap();
        let (items, errors) = list_inputs(&["pages".into()], Some(&m), None).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].path.as_deref(), Some(Path::new("pages/a.html")));
        assert_eq!(items[0].url.as_ref().unwrap().as_str(), "https://x.com/a");
        assert_eq!(items[1].url, None);
        let msgs: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 2);
        assert!(msgs[0].contains("m.ndjson:3:"), "{}", msgs[0]);
        assert!(msgs[1].contains("m.ndjson:4:"), "{}", msgs[1]);
    }

    #[test]
    fn empty_and_binary_files_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("e.html");
        fs::write(&empty, " \n").unwrap();
        let bin = dir.path().join("b.html");
        fs::write(&bin, b"\x89PNG\r\n\x1a\n\0\0").unwrap();
        let item = |p: &Path| InputItem {
            path: Some(p.to_path_buf()),
            url: None,
        };
        assert!(matches!(load(item(&empty)), Err(InputError::Empty { .. })));
        let err = load(item(&bin)).unwrap_err().to_string();
        assert!(
            err.contains("b.html") && err.contains("not an HTML page"),
            "{err}"
        );
        let err = load(item(&dir.path().join("missing.html")))
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.html: cannot read"), "{err}");
    }
}
