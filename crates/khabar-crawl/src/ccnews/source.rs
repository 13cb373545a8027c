//! Where the listings and archives come from: a base address (Common Crawl's, a mirror, a
//! server of the tests) or a local folder laid out the same way
//! (`ROOT/crawl-data/CC-NEWS/YYYY/MM/…`). Archives are opened at an offset (a record
//! boundary a run reached before) and, with `--keep DIR`, copied as they are read.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use url::Url;

use super::CcNewsError;
use super::http::{Http, HttpOptions, OpenError, is_remote};
use super::listing::Month;

/// The biggest listing read (a real one is a few tens of KB).
const MAX_LISTING: u64 = 64 * 1024 * 1024;

/// Where CC-NEWS is read from.
pub(crate) enum Source {
    /// Over HTTP(S), below this address (it ends with `/`).
    Http { base: Url, http: Http },
    /// A folder laid out as the bucket is.
    Dir { root: PathBuf },
}

/// What a month's listing gave.
pub(crate) enum Listing {
    /// The archives' paths, as listed.
    Found(Vec<String>),
    /// There is no listing (404, or no file): where it was looked for.
    Missing(String),
    /// It could not be read (where, and why).
    Failed(String),
}

/// An archive opened at an offset.
pub(crate) struct OpenedArchive {
    /// The bytes from the offset on.
    pub reader: Box<dyn Read + Send>,
    /// The whole file's size, when known.
    pub size: Option<u64>,
}

impl Source {
    /// `spec`: an `http(s)://` address, a `file://` address or a folder.
    pub(crate) fn new(spec: &str, http: HttpOptions) -> Result<Self, CcNewsError> {
        let bad = |message: String| CcNewsError::BadSource {
            address: spec.to_string(),
            message,
        };
        if is_remote(spec) {
            let mut base = Url::parse(spec).map_err(|e| bad(e.to_string()))?;
            if !base.path().ends_with('/') {
                let path = format!("{}/", base.path());
                base.set_path(&path);
            }
            base.set_query(None);
            base.set_fragment(None);
            let http = Http::new(http).map_err(bad)?;
            return Ok(Source::Http { base, http });
        }
        let root = match spec.strip_prefix("file://") {
            Some(_) => Url::parse(spec)
                .ok()
                .and_then(|u| u.to_file_path().ok())
                .ok_or_else(|| bad("not a file address".into()))?,
            None => PathBuf::from(spec),
        };
        if !root.is_dir() {
            return Err(bad(
                "neither an http(s):// address nor a folder (a local copy laid out as crawl-data/CC-NEWS/YYYY/MM/)".into(),
            ));
        }
        Ok(Source::Dir { root })
    }

    /// The source, as messages name it.
    pub(crate) fn describe(&self) -> String {
        match self {
            Source::Http { base, .. } => base.to_string(),
            Source::Dir { root } => root.display().to_string(),
        }
    }

    /// The address of an archive listed as `path`: its URL, or its file's path. It is the
    /// records' `source.file`.
    pub(crate) fn address(&self, path: &str) -> String {
        match self {
            Source::Http { base, .. } => self.url(base, path).map_or_else(
                || format!("{base}{}", path.trim_start_matches('/')),
                |u| u.to_string(),
            ),
            Source::Dir { root } => root.join(relative(path)).display().to_string(),
        }
    }

    fn url(&self, base: &Url, path: &str) -> Option<Url> {
        if is_remote(path) {
            Url::parse(path).ok()
        } else {
            base.join(path.trim_start_matches('/')).ok()
        }
    }

    /// The listing of `month`.
    pub(crate) fn listing(&self, month: Month, stop: &Arc<AtomicBool>) -> Listing {
        let path = month.listing_path();
        match self {
            Source::Http { base, http } => {
                let Some(url) = self.url(base, &path) else {
                    return Listing::Failed(format!("{base}{path}: not an address"));
                };
                match http.get_small(&url, MAX_LISTING, stop) {
                    Ok(Some(bytes)) => match super::listing::parse_listing(&bytes) {
                        Ok(lines) => Listing::Found(lines),
                        Err(e) => Listing::Failed(format!("{url}: not a listing ({e})")),
                    },
                    Ok(None) => Listing::Missing(url.to_string()),
                    Err(OpenError::Failed(m)) => Listing::Failed(format!("{url}: {m}")),
                    Err(OpenError::Stopped) => Listing::Failed(format!("{url}: stopped")),
                    Err(OpenError::NotFound) => Listing::Missing(url.to_string()),
                }
            }
            Source::Dir { root } => {
                let file = root.join(&path);
                match fs::read(&file) {
                    Ok(bytes) => match super::listing::parse_listing(&bytes) {
                        Ok(lines) => Listing::Found(lines),
                        Err(e) => {
                            Listing::Failed(format!("{}: not a listing ({e})", file.display()))
                        }
                    },
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        // a copy without its listings: the month's folder says what is there
                        match list_folder(root, &month.folder()) {
                            Some(paths) if !paths.is_empty() => {
                                tracing::info!(
                                    "{}: no listing; taking the {} archives in its folder",
                                    file.display(),
                                    paths.len()
                                );
                                Listing::Found(paths)
                            }
                            _ => Listing::Missing(file.display().to_string()),
                        }
                    }
                    Err(e) => Listing::Failed(format!("{}: cannot read: {e}", file.display())),
                }
            }
        }
    }

    /// Opens the archive listed as `path` at byte `offset`; the bytes read are added to
    /// `counter`.
    pub(crate) fn open(
        &self,
        path: &str,
        offset: u64,
        stop: &Arc<AtomicBool>,
        counter: Arc<AtomicU64>,
    ) -> Result<OpenedArchive, OpenError> {
        match self {
            Source::Http { base, http } => {
                let url = self
                    .url(base, path)
                    .ok_or_else(|| OpenError::Failed("not an address".into()))?;
                let mut body = http.open(url, offset, stop.clone())?;
                body.count_into(counter);
                Ok(OpenedArchive {
                    size: body.size(),
                    reader: Box::new(body),
                })
            }
            Source::Dir { root } => {
                let file_path = root.join(relative(path));
                let mut file = match File::open(&file_path) {
                    Ok(f) => f,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        return Err(OpenError::NotFound);
                    }
                    Err(e) => return Err(OpenError::Failed(format!("cannot read: {e}"))),
                };
                let size = file.metadata().ok().map(|m| m.len());
                if offset > 0 {
                    if size.is_some_and(|s| s < offset) {
                        return Err(OpenError::Failed(format!(
                            "the file has fewer bytes than the {offset} already read: it changed"
                        )));
                    }
                    file.seek(SeekFrom::Start(offset))
                        .map_err(|e| OpenError::Failed(format!("cannot seek: {e}")))?;
                }
                Ok(OpenedArchive {
                    reader: Box::new(Counted {
                        inner: io::BufReader::with_capacity(256 * 1024, file),
                        counter,
                        stop: stop.clone(),
                    }),
                    size,
                })
            }
        }
    }

    /// Whether archives are read from a local folder (nothing to keep a copy of).
    pub(crate) fn is_local(&self) -> bool {
        matches!(self, Source::Dir { .. })
    }
}

/// A listed path as a relative path: an address's path, without leading `/`.
fn relative(path: &str) -> PathBuf {
    let p = if is_remote(path) {
        Url::parse(path)
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    } else {
        path.to_string()
    };
    PathBuf::from(p.trim_start_matches('/'))
}

/// The `.warc.gz` and `.warc` files in `root/folder`, as paths below `root`, by name.
fn list_folder(root: &Path, folder: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = fs::read_dir(root.join(folder))
        .ok()?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            (name.ends_with(".warc.gz") || name.ends_with(".warc"))
                .then(|| format!("{folder}{name}"))
        })
        .collect();
    out.sort();
    Some(out)
}

/// A local file read with its bytes counted, stopping when asked to.
struct Counted<R> {
    inner: R,
    counter: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::other("stopped"));
        }
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A copy of an archive written as it is read (`--keep DIR`): to `DIR/PATH.part`, renamed
/// to `DIR/PATH` once the archive is read to its end. Taken up at the offset a run reached
/// before when the part file holds that much; a copy that cannot be written is given up
/// with a warning, and the reading goes on.
pub(crate) struct KeepCopy<R> {
    inner: R,
    file: Option<File>,
    part: PathBuf,
    dest: PathBuf,
}

impl<R: Read> KeepCopy<R> {
    /// Copies what `inner` gives (the archive from byte `offset` on) below `dir`.
    pub(crate) fn new(inner: R, dir: &Path, path: &str, offset: u64) -> Self {
        let dest = dir.join(relative(path));
        let mut part = dest.clone().into_os_string();
        part.push(".part");
        let part = PathBuf::from(part);
        let file = match open_part(&part, offset) {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::warn!("{}: no copy kept: {e}", dest.display());
                None
            }
        };
        Self {
            inner,
            file,
            part,
            dest,
        }
    }

    fn give_up(&mut self, e: &io::Error) {
        tracing::warn!(
            "{}: cannot write the copy ({e}); it is given up, the reading goes on",
            self.part.display()
        );
        self.file = None;
        let _ = fs::remove_file(&self.part);
    }
}

fn open_part(part: &Path, offset: u64) -> io::Result<File> {
    if let Some(dir) = part.parent() {
        fs::create_dir_all(dir)?;
    }
    if offset == 0 {
        return File::create(part);
    }
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(part)
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "the run is taken up at byte {offset}, but the partial copy is not there ({e})"
                ),
            )
        })?;
    let len = f.metadata()?.len();
    if len < offset {
        return Err(io::Error::other(format!(
            "the partial copy has {len} bytes, fewer than the {offset} already read"
        )));
    }
    f.set_len(offset)?;
    f.seek(SeekFrom::End(0))?;
    Ok(f)
}

impl<R: Read> Read for KeepCopy<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(f) = self.file.as_mut() {
            if n == 0 && !buf.is_empty() {
                let done = f
                    .sync_all()
                    .and_then(|()| fs::rename(&self.part, &self.dest));
                match done {
                    Ok(()) => tracing::info!("kept {}", self.dest.display()),
                    Err(e) => self.give_up(&e),
                }
                self.file = None;
            } else if let Err(e) = f.write_all(&buf[..n]) {
                self.give_up(&e);
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_below_the_base() {
        let s = Source::new("http://127.0.0.1:9/mirror", HttpOptions::default()).unwrap();
        assert_eq!(s.describe(), "http://127.0.0.1:9/mirror/");
        assert_eq!(
            s.address("crawl-data/CC-NEWS/2024/03/a.warc.gz"),
            "http://127.0.0.1:9/mirror/crawl-data/CC-NEWS/2024/03/a.warc.gz"
        );
        assert_eq!(
            s.address("https://x.org/a.warc.gz"),
            "https://x.org/a.warc.gz"
        );
        let err = Source::new("/no/such/folder", HttpOptions::default())
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("/no/such/folder"), "{err}");
    }

    #[test]
    fn a_kept_copy_is_taken_up_at_the_offset_and_renamed_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let data = b"0123456789".to_vec();
        let mut first = KeepCopy::new(&data[..7], dir.path(), "a/b.warc.gz", 0);
        let mut sink = Vec::new();
        // a run that stops after 7 bytes (before the end: no rename)
        let mut buf = [0u8; 7];
        first.read_exact(&mut buf).unwrap();
        sink.extend_from_slice(&buf);
        drop(first);
        assert!(dir.path().join("a/b.warc.gz.part").is_file());
        // the next run reached byte 5 for sure (a record boundary), and reads on from there
        let mut again = KeepCopy::new(&data[5..], dir.path(), "a/b.warc.gz", 5);
        io::copy(&mut again, &mut io::sink()).unwrap();
        assert_eq!(fs::read(dir.path().join("a/b.warc.gz")).unwrap(), data);
        assert!(!dir.path().join("a/b.warc.gz.part").exists());
    }
}
