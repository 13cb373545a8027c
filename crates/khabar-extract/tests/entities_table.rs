//! khabar's character reference decoder against the HTML Standard's table of named
//! references, `tests/data/entities/entities.json` (2,231 names; see the README there), an
//! independent copy of the table the decoder uses (html5ever's): every name, in every
//! position, and the table itself compared entry by entry.

use std::collections::BTreeMap;

use khabar_extract::internals::entities::decode_entities;

/// Name (with its `&`) to characters.
fn standard() -> BTreeMap<String, String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/entities/entities.json"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let table: BTreeMap<String, String> = json
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, v)| {
            let chars = v["characters"].as_str().unwrap().to_string();
            let from_points: String = v["codepoints"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| char::from_u32(c.as_u64().unwrap() as u32).unwrap())
                .collect();
            assert_eq!(chars, from_points, "{name}");
            (name.clone(), chars)
        })
        .collect();
    assert_eq!(table.len(), 2231);
    assert_eq!(table.keys().filter(|n| !n.ends_with(';')).count(), 106);
    table
}

#[test]
fn every_name_of_the_standard_decodes() {
    let table = standard();
    let mut wrong = Vec::new();
    for (name, chars) in &table {
        for (input, want) in [
            (name.clone(), chars.clone()),
            (format!("a{name} b"), format!("a{chars} b")),
            (format!("{name}{name}"), format!("{chars}{chars}")),
        ] {
            let got = decode_entities(&input);
            if got != want {
                wrong.push(format!("{input:?}: {got:?}, not {want:?}"));
            }
        }
    }
    println!(
        "named references decoded right: {} of {}",
        table.len() - wrong.len(),
        table.len()
    );
    assert!(wrong.is_empty(), "{} wrong: {wrong:#?}", wrong.len());
}

/// A legacy name without its semicolon followed by `=`, a letter or a digit stays as it is
/// (the standard's rule for attribute values); with the semicolon, it is decoded anyway.
#[test]
fn legacy_names_before_a_letter_digit_or_equals_stay() {
    for (name, chars) in standard().iter().filter(|(n, _)| !n.ends_with(';')) {
        for next in ["=", "1", "Z"] {
            let input = format!("{name}{next}");
            // `&not` + `in;` would be another name; no legacy name + one of these is
            assert_eq!(decode_entities(&input), input, "{input}");
        }
        assert_eq!(decode_entities(&format!("{name};x")), format!("{chars}x"));
    }
}

/// html5ever's table (every prefix of every name is in it too, mapped to (0, 0)) holds the
/// standard's names and nothing else.
#[test]
fn the_table_used_is_the_standards() {
    let table = standard();
    let mut names = 0;
    for (key, &(first, second)) in markup5ever::data::NAMED_ENTITIES.entries() {
        if first == 0 {
            continue;
        }
        names += 1;
        let name = format!("&{key}");
        let chars: String = [first, second]
            .into_iter()
            .filter(|c| *c != 0)
            .map(|c| char::from_u32(c).unwrap())
            .collect();
        assert_eq!(table.get(&name), Some(&chars), "{name}");
    }
    assert_eq!(names, table.len());
}

#[test]
fn numeric_references_to_every_special_code_point() {
    // 0x80–0x9F: as windows-1252 reads those bytes (the five it leaves alone stay)
    for n in 0x80u8..=0x9F {
        let byte = [n];
        let (want, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
        assert_eq!(decode_entities(&format!("&#{n};")), want, "&#{n};");
        assert_eq!(decode_entities(&format!("&#x{n:X}")), want, "&#x{n:X}");
    }
    for n in (0xD800u64..=0xDFFF).chain([0, 0x11_0000, 0xFFFF_FFFF, u64::MAX]) {
        assert_eq!(decode_entities(&format!("&#x{n:x};")), "\u{FFFD}", "{n:x}");
    }
    // everything else is the code point itself, noncharacters and controls included
    for n in (1..0x80)
        .chain(0xA0..0xD800)
        .chain((0xE000..=0x10_FFFF).step_by(97))
    {
        let c = char::from_u32(n).unwrap().to_string();
        assert_eq!(decode_entities(&format!("&#{n};")), c, "{n}");
        assert_eq!(decode_entities(&format!("&#x{n:x};")), c, "{n:x}");
    }
}
