//! An ordered list of header fields with case-insensitive lookup, used for WARC record
//! headers and HTTP headers alike.

/// Header fields in their original order; names compare ASCII case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<(String, String)>,
}

impl Headers {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first value of `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// All fields as `(name, value)`, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Appends a field.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.fields.push((name.into(), value.into()));
    }

    pub(crate) fn last_value_mut(&mut self) -> Option<&mut String> {
        self.fields.last_mut().map(|(_, v)| v)
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Headers {
            fields: iter
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        }
    }
}

/// Parses `Name: value` lines (bare LF or CRLF, folded continuation lines joined with a
/// space) up to the first empty line or the end of `bytes`. Values are decoded as UTF-8,
/// lossily.
pub(crate) fn parse_fields(bytes: &[u8]) -> Result<Headers, String> {
    let mut headers = Headers::new();
    for raw in bytes.split(|b| *b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            let Some(prev) = headers.last_value_mut() else {
                return Err(format!("continuation line first: {}", show(line)));
            };
            let more = String::from_utf8_lossy(line);
            if !prev.is_empty() {
                prev.push(' ');
            }
            prev.push_str(more.trim());
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            return Err(format!("line without a colon: {}", show(line)));
        };
        let name = &line[..colon];
        let name_ok = !name.is_empty() && name.iter().all(|b| b.is_ascii_graphic() && *b != b':');
        if !name_ok {
            return Err(format!("bad field name: {}", show(line)));
        }
        let value = String::from_utf8_lossy(&line[colon + 1..]);
        headers.push(
            String::from_utf8_lossy(name).into_owned(),
            value.trim().to_string(),
        );
    }
    Ok(headers)
}

/// A line for an error message: lossy, at most 80 characters.
pub(crate) fn show(line: &[u8]) -> String {
    let s = String::from_utf8_lossy(&line[..line.len().min(80)]);
    format!("{:?}", s)
}
