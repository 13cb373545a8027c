//! Writing archives and reading them back.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use khabar_warc::{
    Exchange, RecordType, RequestHead, WarcReader, WarcRecord, WarcWriter, WriterOptions,
    sha1_base32,
};

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn read_file(path: &Path) -> Vec<WarcRecord> {
    let f = std::fs::File::open(path).unwrap();
    WarcReader::new(f).map(|r| r.unwrap()).collect()
}

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_796_295_378) // 2026-12-03T10:56:18Z
}

fn round_trip(gzip: bool) {
    let dir = tempfile::tempdir().unwrap();
    let options = WriterOptions {
        prefix: "test".into(),
        gzip,
        warcinfo: headers(&[("operator", "khabar tests")]),
        ..WriterOptions::default()
    };
    let mut w = WarcWriter::new(dir.path().join("warcs"), options).unwrap();
    let html = "<html><head><title>Ein Artikel</title></head><body>Grüße</body></html>";
    let html_headers = headers(&[
        ("Content-Type", "text/html; charset=UTF-8"),
        ("Content-Encoding", "gzip"),
        ("Transfer-Encoding", "chunked"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ]);
    let mut ex = Exchange::new(
        "https://news.example/a?x=1#frag",
        200,
        &html_headers,
        html.as_bytes(),
        t0(),
    );
    ex.ip_address = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)));
    let req_headers = headers(&[("User-Agent", "khabar/0.1"), ("Accept", "text/html")]);
    ex.request = RequestHead::Parts {
        method: "GET",
        headers: &req_headers,
    };
    let first = w.write_exchange(&ex).unwrap();

    let json_headers = headers(&[("Content-Type", "application/json")]);
    let ex2 = Exchange {
        request: RequestHead::Raw(b"GET /feed HTTP/1.1\r\nHost: news.example\r\n\r\n"),
        ..Exchange::new(
            "https://news.example/feed",
            404,
            &json_headers,
            b"{\"a\":1}",
            t0(),
        )
    };
    let second = w.write_exchange(&ex2).unwrap();
    let files = w.finish().unwrap();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.starts_with("test-")
            && name.ends_with(if gzip {
                "-00000.warc.gz"
            } else {
                "-00000.warc"
            }),
        "{name}"
    );
    assert_eq!(
        name.len(),
        "test-".len() + 14 + "-00000".len() + if gzip { 8 } else { 5 }
    );
    assert_eq!(first.response.file, files[0]);

    let records = read_file(&files[0]);
    let types: Vec<_> = records.iter().map(|r| r.record_type()).collect();
    assert_eq!(
        types,
        [
            RecordType::Warcinfo,
            RecordType::Request,
            RecordType::Response,
            RecordType::Request,
            RecordType::Response
        ]
    );
    let info = &records[0];
    assert_eq!(info.offset, 0);
    assert_eq!(info.header("WARC-Filename"), Some(name.as_str()));
    let info_text = String::from_utf8(info.block.clone()).unwrap();
    assert!(info_text.contains("software: khabar-warc/"));
    assert!(info_text.contains("operator: khabar tests\r\n"));

    let (req, resp) = (&records[1], &records[2]);
    assert_eq!(req.offset, first.request.offset);
    assert_eq!(req.length, first.request.length);
    assert_eq!(resp.offset, first.response.offset);
    assert_eq!(resp.length, first.response.length);
    assert_eq!(resp.record_id(), Some(first.response.record_id.as_str()));
    assert_eq!(req.record_id(), Some(first.request.record_id.as_str()));
    assert_eq!(req.concurrent_to(), resp.record_id());
    assert_eq!(resp.concurrent_to(), req.record_id());
    for r in &records[1..] {
        assert_eq!(r.header("WARC-Warcinfo-ID"), info.record_id());
    }
    for r in [req, resp] {
        assert_eq!(r.version, "WARC/1.0");
        assert_eq!(r.target_uri(), Some("https://news.example/a?x=1#frag"));
        assert_eq!(r.date(), Some("2026-12-03T10:56:18Z"));
        assert_eq!(r.ip_address(), Some("192.0.2.7"));
        assert_eq!(r.verify_block_digest(), Some(true));
        let id = r.record_id().unwrap();
        assert!(
            id.starts_with("<urn:uuid:") && id.ends_with('>') && id.len() == 47,
            "{id}"
        );
    }
    assert_eq!(
        req.content_type(),
        Some("application/http; msgtype=request")
    );
    assert_eq!(
        resp.content_type(),
        Some("application/http; msgtype=response")
    );
    let req_text = String::from_utf8(req.block.clone()).unwrap();
    assert_eq!(
        req_text,
        "GET /a?x=1 HTTP/1.1\r\nHost: news.example\r\nUser-Agent: khabar/0.1\r\nAccept: text/html\r\n\r\n"
    );
    assert_eq!(
        resp.payload_digest(),
        Some(sha1_base32(html.as_bytes()).as_str())
    );

    let http = resp.http_response().unwrap().unwrap();
    assert_eq!(http.status, 200);
    assert_eq!(http.reason, "OK");
    assert_eq!(http.body, html.as_bytes());
    assert!(http.is_html());
    assert_eq!(http.charset(), Some("UTF-8"));
    assert_eq!(http.header("Content-Encoding"), None);
    assert_eq!(http.header("Transfer-Encoding"), None);
    assert_eq!(http.header("X-Crawler-Content-Encoding"), Some("gzip"));
    assert_eq!(http.header("X-Crawler-Transfer-Encoding"), Some("chunked"));
    assert_eq!(
        http.header("Content-Length"),
        Some(html.len().to_string().as_str())
    );
    assert_eq!(
        http.headers.get_all("set-cookie").collect::<Vec<_>>(),
        ["a=1", "b=2"]
    );

    let (req2, resp2) = (&records[3], &records[4]);
    assert_eq!(
        req2.block,
        b"GET /feed HTTP/1.1\r\nHost: news.example\r\n\r\n"
    );
    assert_eq!(resp2.offset, second.response.offset);
    assert_eq!(resp2.ip_address(), None);
    let http2 = resp2.http_response().unwrap().unwrap();
    assert_eq!((http2.status, http2.reason.as_str()), (404, "Not Found"));
    assert!(!http2.is_html());
    assert_eq!(http2.body, b"{\"a\":1}");
}

#[test]
fn round_trip_gzip() {
    round_trip(true);
}

#[test]
fn round_trip_plain() {
    round_trip(false);
}

#[test]
fn rotation_starts_new_files_each_with_warcinfo() {
    let dir = tempfile::tempdir().unwrap();
    let options = WriterOptions {
        max_file_size: 4_000,
        compression_level: 1,
        ..WriterOptions::default()
    };
    let mut w = WarcWriter::new(dir.path(), options).unwrap();
    let hs = headers(&[("Content-Type", "text/html")]);
    let mut written = Vec::new();
    for i in 0..20 {
        // poorly compressible bodies so files fill up
        let body: String = (0..600)
            .map(|j| char::from(b'a' + ((i * 7 + j * j * 13) % 26) as u8))
            .collect();
        let uri = format!("https://news.example/{i}");
        let ex = Exchange::new(&uri, 200, &hs, body.as_bytes(), t0());
        written.push((w.write_exchange(&ex).unwrap(), body));
    }
    let files = w.finish().unwrap();
    assert!(files.len() >= 3, "{} files", files.len());
    let mut names: Vec<_> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    for (i, n) in names.iter().enumerate() {
        assert!(
            n.starts_with("khabar-2") && n.ends_with(&format!("-{i:05}.warc.gz")),
            "{n}"
        );
    }
    names.sort();
    assert_eq!(names.len(), files.len());
    let mut responses = Vec::new();
    for f in &files {
        let records = read_file(f);
        assert_eq!(records[0].record_type(), RecordType::Warcinfo);
        assert_eq!(
            records
                .iter()
                .filter(|r| r.record_type() == RecordType::Warcinfo)
                .count(),
            1
        );
        // each file's records name its own warcinfo record
        assert!(
            records[1..]
                .iter()
                .all(|r| r.header("WARC-Warcinfo-ID") == records[0].record_id())
        );
        // a file passes the size only with its last exchange, which starts below it
        let size = std::fs::metadata(f).unwrap().len();
        let last_request = &records[records.len() - 2];
        assert_eq!(last_request.record_type(), RecordType::Request);
        assert!(last_request.offset < 4_000);
        if f != files.last().unwrap() {
            assert!(size >= 4_000, "{size}");
        }
        for r in records
            .into_iter()
            .filter(|r| r.record_type() == RecordType::Response)
        {
            responses.push((f.clone(), r));
        }
    }
    assert_eq!(responses.len(), 20);
    for ((file, r), (w, body)) in responses.iter().zip(&written) {
        assert_eq!(&w.response.file, file);
        assert_eq!(w.response.offset, r.offset);
        assert_eq!(r.http_response().unwrap().unwrap().body, body.as_bytes());
    }
}

#[test]
fn revisit_records_are_surfaced_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = WarcWriter::new(dir.path(), WriterOptions::default()).unwrap();
    let digest = sha1_base32(b"<html>same</html>");
    let fields = headers(&[
        ("WARC-Target-URI", "https://news.example/b"),
        ("WARC-Refers-To-Target-URI", "https://news.example/a"),
        (
            "WARC-Refers-To",
            "<urn:uuid:00000000-0000-4000-8000-000000000001>",
        ),
        (
            "WARC-Profile",
            "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
        ),
        ("WARC-Payload-Digest", &digest),
        ("Content-Type", "application/http; msgtype=response"),
        ("WARC-Record-ID", "<ignored>"),
    ]);
    let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
    let written = w.write_record("revisit", &fields, head, t0()).unwrap();
    let files = w.finish().unwrap();
    let records = read_file(&files[0]);
    assert_eq!(records.len(), 2);
    let r = &records[1];
    assert_eq!(r.offset, written.offset);
    assert_eq!(r.record_id(), Some(written.record_id.as_str()));
    assert!(r.is_revisit());
    assert_eq!(r.record_type(), RecordType::Revisit);
    assert_eq!(r.refers_to_target_uri(), Some("https://news.example/a"));
    assert_eq!(
        r.refers_to(),
        Some("<urn:uuid:00000000-0000-4000-8000-000000000001>")
    );
    assert_eq!(r.payload_digest(), Some(digest.as_str()));
    assert!(r.profile().unwrap().ends_with("identical-payload-digest"));
    let http = r.http_response().unwrap().unwrap();
    assert!(http.body.is_empty());
    assert_eq!(r.headers.get_all("WARC-Record-ID").count(), 1);
    assert_eq!(r.header("WARC-Warcinfo-ID"), records[0].record_id());
}
