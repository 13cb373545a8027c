use super::*;
use scraper::{Html, Selector};

fn blocks(html: &str) -> Vec<Block> {
    let doc = Html::parse_document(html);
    let base = Url::parse("https://news.example/a/story.html").unwrap();
    let mut builder = BlockBuilder::new(Some(&base));
    let article = Selector::parse("article").unwrap();
    let el = doc.select(&article).next().expect("an <article>");
    let dropped = Selector::parse(".ad").unwrap();
    builder.read(el, &|e| dropped.matches(&e));
    builder.finish()
}

fn kinds(bs: &[Block]) -> Vec<&'static str> {
    bs.iter().map(Block::kind).collect()
}

fn texts(bs: &[Block]) -> Vec<&str> {
    bs.iter().map(Block::text).collect()
}

#[test]
fn paragraphs_headings_and_breaks() {
    let bs = blocks(
        "<article><h1>Inside  title</h1><p>One\n two.<br>Three.</p><div>Four <span>five</span>\
         <div>Six.</div></div><h4>Sub <em>head</em></h4><p>Seven.<script>x()</script> Eight.\
         <span class=ad>AD</span></p></article>",
    );
    assert_eq!(
        kinds(&bs),
        [
            "heading",
            "paragraph",
            "paragraph",
            "paragraph",
            "paragraph",
            "heading",
            "paragraph"
        ]
    );
    assert_eq!(
        texts(&bs),
        [
            "Inside title",
            "One two.",
            "Three.",
            "Four five",
            "Six.",
            "Sub head",
            "Seven. Eight."
        ]
    );
    assert!(matches!(bs[0], Block::Heading { level: 2, .. }));
    assert!(matches!(bs[5], Block::Heading { level: 4, .. }));
}

#[test]
fn a_bold_line_is_a_heading_a_bold_sentence_is_not() {
    let bs = blocks(
        "<article><p><strong>الأسواق العربية</strong><br>ارتفعت المؤشرات اليوم.</p>\
         <p><b>He said it was over.</b></p><p><strong>Read also: <a href=/x>more</a></strong></p>\
         <p><b>Half</b> bold</p></article>",
    );
    assert_eq!(
        kinds(&bs),
        [
            "heading",
            "paragraph",
            "paragraph",
            "paragraph",
            "paragraph"
        ]
    );
    assert!(matches!(&bs[0], Block::Heading { level: 3, text, .. } if text == "الأسواق العربية"));
}

#[test]
fn links_keep_their_absolute_targets_and_places() {
    let bs = blocks(
        "<article><p>Read <a href='../b/other.html'>the  other\nstory</a> and \
         <a href='#top'>top</a> or <a href='mailto:x@y'>mail</a>.</p>\
         <p>عن <a href='https://x.example/ر'>الخبر</a></p></article>",
    );
    let Block::Paragraph { text, links } = &bs[0] else {
        panic!("{bs:?}")
    };
    assert_eq!(text, "Read the other story and top or mail.");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].text, "the other story");
    assert_eq!(links[0].url, "https://news.example/b/other.html");
    assert_eq!(links[0].start, 5);
    let Block::Paragraph { text, links } = &bs[1] else {
        panic!("{bs:?}")
    };
    let at: String = text.chars().skip(links[0].start).take(5).collect();
    assert_eq!(at, "الخبر", "offsets count characters, not bytes");
}

#[test]
fn nested_lists_and_items_with_paragraphs() {
    let bs = blocks(
        "<article><p>Before.</p><ol><li><p>First</p><p>part two</p></li>\
         <li>Second<ul><li>a</li><li><a href=/l>b</a></li></ul>after</li></ol><p>After.</p></article>",
    );
    assert_eq!(kinds(&bs), ["paragraph", "list", "paragraph"]);
    let Block::List {
        ordered,
        items,
        text,
    } = &bs[1]
    else {
        panic!()
    };
    assert!(ordered);
    assert_eq!(text, "First part two\nSecond after\na\nb");
    assert_eq!(items[0].text, "First part two");
    assert_eq!(items[1].text, "Second after");
    let sub = items[1].list.as_ref().unwrap();
    assert!(!sub.ordered);
    assert_eq!(sub.items[1].links[0].url, "https://news.example/l");
}

#[test]
fn code_keeps_its_lines_and_indentation() {
    let bs = blocks(
        "<article><p>Run:</p><pre class='language-Rust'><code>fn main() {\n    \
         println!(\"&lt;hi&gt;\");  \n}\n\n</code></pre><p>Done.</p></article>",
    );
    assert_eq!(kinds(&bs), ["paragraph", "code", "paragraph"]);
    assert_eq!(
        bs[1],
        Block::Code {
            text: "fn main() {\n    println!(\"<hi>\");\n}".into(),
            language: Some("rust".into()),
        }
    );
}

#[test]
fn data_tables_keep_rows_and_header_cells_layout_tables_are_read_as_text() {
    let bs = blocks(
        "<article><table><thead><tr><td>Team</td><td>Points</td></tr></thead>\
         <tbody><tr><td>Ahli</td><td>30</td></tr><tr><td></td><td></td></tr>\
         <tr><td><a href=/z>Zamalek</a></td><td></td></tr></tbody></table>\
         <table role=presentation><tr><td><p>Layout one.</p></td><td>Layout two.</td></tr></table>\
         </article>",
    );
    assert_eq!(kinds(&bs), ["table", "paragraph", "paragraph"]);
    let Block::Table { rows, text } = &bs[0] else {
        panic!()
    };
    assert_eq!(rows.len(), 3, "the empty row is left out");
    assert!(rows[0].iter().all(|c| c.header));
    assert!(!rows[1][0].header);
    assert_eq!(rows[2][1].text, "", "empty cells keep their column");
    assert_eq!(rows[2][0].links[0].url, "https://news.example/z");
    assert_eq!(text, "Team Points\nAhli 30\nZamalek");
    assert_eq!(texts(&bs[1..]), ["Layout one.", "Layout two."]);
}

#[test]
fn quotes_and_figures_in_their_places() {
    let bs = blocks(
        "<article><p>He said:</p><blockquote><p>One.</p><p>Two.</p></blockquote>\
         <figure><img data-src='/p.jpg'><figcaption>The port at dawn (AFP)</figcaption></figure>\
         <p>End.</p></article>",
    );
    assert_eq!(
        kinds(&bs),
        ["paragraph", "quote", "quote", "figure", "paragraph"]
    );
    assert_eq!(
        bs[3],
        Block::Figure {
            text: "The port at dawn".into(),
            credit: Some("AFP".into()),
            image_url: Some("https://news.example/p.jpg".into()),
        }
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let html = format!(
        "<article>{}deep{}</article>",
        "<ul><li>x ".repeat(50),
        "</li></ul>".repeat(50)
    );
    let bs = blocks(&html);
    assert_eq!(kinds(&bs), ["list"]);
    let mut depth = 0;
    let Block::List { items, .. } = &bs[0] else {
        panic!()
    };
    let mut level = items;
    while let Some(sub) = level.last().and_then(|i| i.list.as_ref()) {
        depth += 1;
        level = &sub.items;
    }
    assert_eq!(depth, MAX_LIST_DEPTH - 1);
    assert!(level[0].text.ends_with("x x deep"), "{:?}", level[0].text);
}

#[test]
fn inside_a_heading_or_an_item_text_runs_on() {
    let bs = blocks(
        "<article><h2>A<br>B</h2><ul><li>Run<pre>a\n  b</pre><blockquote>c</blockquote></li></ul>\
         <p>End.</p></article>",
    );
    assert_eq!(kinds(&bs), ["heading", "list", "paragraph"]);
    assert_eq!(bs[0].text(), "A B");
    assert_eq!(bs[1].text(), "Run a b c");
}

#[test]
fn a_bold_line_with_nothing_after_it_a_label_or_a_layout_cell_is_no_heading() {
    let bs = blocks(
        "<article><p><b>القاهرة: حمدي عابدين</b></p><p>نص الخبر.</p>\
         <table role=presentation><tr><td><b>Entity status</b></td><td>Text of the cell.</td></tr></table>\
         <p><b>Ends in bold</b></p><p><b>Another bold line</b></p></article>",
    );
    assert_eq!(
        kinds(&bs),
        [
            "paragraph",
            "paragraph",
            "paragraph",
            "paragraph",
            "paragraph",
            "paragraph"
        ]
    );
}

#[test]
fn a_list_without_items_is_indented_text() {
    let bs = blocks(
        "<article><blockquote><ul>First line of the quote.<br>Second line.</ul></blockquote>\
         <ul><li>real item</li></ul></article>",
    );
    assert_eq!(kinds(&bs), ["quote", "quote", "list"]);
}
