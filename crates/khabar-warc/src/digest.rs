//! SHA-1 digests in the form WARC tools write them: `sha1:` and RFC 4648 base32.

use sha1::{Digest, Sha1};

/// RFC 4648 base32 (upper case, `=` padded), the encoding WARC digests use.
pub(crate) fn base32_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = u64::from_be_bytes([0, 0, 0, block[0], block[1], block[2], block[3], block[4]]);
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < symbols {
                let idx = (bits >> (35 - 5 * i)) & 31;
                out.push(ALPHABET[idx as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `sha1:` followed by the base32 SHA-1 of `data`, as in `WARC-Block-Digest` and
/// `WARC-Payload-Digest`.
pub fn sha1_base32(data: &[u8]) -> String {
    format!("sha1:{}", base32_encode(&Sha1::digest(data)))
}

/// Whether `declared` (a `WARC-*-Digest` value) matches `data`: `Some(true/false)` for
/// `sha1:` digests in base32 (any case) or hex, `None` for other algorithms.
pub(crate) fn check_sha1(declared: &str, data: &[u8]) -> Option<bool> {
    let (algo, value) = declared.trim().split_once(':')?;
    if !algo.eq_ignore_ascii_case("sha1") && !algo.eq_ignore_ascii_case("sha-1") {
        return None;
    }
    let digest = Sha1::digest(data);
    let value = value.trim();
    if value.len() == 40 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        return Some(hex.eq_ignore_ascii_case(value));
    }
    let b32 = base32_encode(&digest);
    Some(
        b32.trim_end_matches('=')
            .eq_ignore_ascii_case(value.trim_end_matches('=')),
    )
}

#[cfg(test)]
mod tests {
    use super::base32_encode;

    #[test]
    fn base32_rfc4648_vectors() {
        // RFC 4648 section 10 test vectors
        let vectors = [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ];
        for (input, out) in vectors {
            assert_eq!(base32_encode(input.as_bytes()), out);
        }
    }
}
