//! The body rules on small pages written for each rule.

use scraper::Html;

use super::choose;
use crate::generic::clean::read;
use crate::generic::tree::Flat;

/// The body's paragraphs and the `--explain` reasons for a whole page.
fn body_of(html: &str) -> (Vec<String>, Vec<String>) {
    let doc = Html::parse_document(html);
    let flat = Flat::build(doc.root_element());
    let choice = choose(&flat).expect("a body block");
    let mut why = choice.why.clone();
    let paragraphs =
        crate::blocks::body_of(&read(&flat, &choice, None, None, &mut why, &mut Vec::new()));
    (paragraphs, why)
}

/// `n` sentences of running text, each different.
fn prose(tag: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "Sentence number {i} of the {tag} goes on about the matter at some length, \
                 as articles do."
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_list_of_references_is_read_with_the_article() {
    // references of two shapes: a long citation, mostly plain text, and a short one,
    // mostly its two links; the list as a whole is under half links
    let refs: String = (0..8)
        .map(|i| {
            if i % 2 == 0 {
                format!(
                    "<li><a href='#r{i}'>^</a> Author, An (2001). <a href='http://example.org/{i}'>\
                     Report {i}</a>. The Publisher of Reports, page {i}. Retrieved 2 May \
                     2020.</li>"
                )
            } else {
                format!(
                    "<li><a href='#r{i}'>^</a> <a href='http://example.org/{i}'>A cited report \
                     number {i}</a>. Publisher.</li>"
                )
            }
        })
        .collect();
    let html = format!(
        "<body><div id=main><p>{}</p><p>{}</p><h2>References</h2><ol>{refs}</ol></div>\
         <ul><li><a href=/a>Home</a></li><li><a href=/b>About us</a></li></ul></body>",
        prose("lead", 4),
        prose("body", 4)
    );
    let (body, _) = body_of(&html);
    assert!(
        body.iter().any(|p| p.contains("A cited report number 3")),
        "{body:?}"
    );
    assert!(!body.iter().any(|p| p == "About us"), "{body:?}");
}

#[test]
fn a_table_chosen_is_read_with_the_paragraphs_around_it() {
    let rows: String = (0..30)
        .map(|i| {
            format!(
                "<tr><td>{}</td><td><a href=/f{i}>Film {i}</a></td><td>A note on the film, \
                 number {i}, and its loop.</td></tr>",
                1990 + i
            )
        })
        .collect();
    // a box of links at the foot of the container, which keeps it from winning on its own
    let links: String = (0..40)
        .map(|i| format!("<li><a href=/topic/{i}>Another topic, number {i}</a></li>"))
        .collect();
    let html = format!(
        "<body><div id=content><p>{}</p><table><tbody>{rows}</tbody></table><ul>{links}</ul>\
         </div></body>",
        prose("introduction", 3)
    );
    let (body, why) = body_of(&html);
    assert!(
        body[0].starts_with("Sentence number 0 of the introduction"),
        "{body:?}"
    );
    assert!(body.iter().any(|p| p.contains("Film 7")), "{body:?}");
    assert!(why.iter().any(|w| w.contains("is a table")), "{why:?}");
}

#[test]
fn a_heading_that_links_is_the_sections_title() {
    let html = format!(
        "<body><article><p>{}</p><h3><a href='#toc'>Example 1: the first case</a>\
         <a href='#ex1'>¶</a></h3><p>{}</p></article></body>",
        prose("opening", 3),
        prose("example", 3)
    );
    let (body, _) = body_of(&html);
    assert!(
        body.iter()
            .any(|p| p.starts_with("Example 1: the first case")),
        "{body:?}"
    );
}

#[test]
fn a_link_is_not_furniture_by_its_class() {
    let html = format!(
        "<body><div><p>{}</p><p>And so he spoke, <a href='javascript:void(0)' \
         class=popup>with a note in the margin</a>, and left the office for the last time \
         that day.</p></div></body>",
        prose("story", 4)
    );
    let (body, _) = body_of(&html);
    assert_eq!(
        body.last().map(String::as_str),
        Some(
            "And so he spoke, with a note in the margin, and left the office for the last \
             time that day."
        )
    );
}

/// A stream of teasers and, over it, a dialog of `dialog_tag` holding an article: the
/// dialog's markup is `wrap_open` … `wrap_close` around the article's paragraphs.
fn page_with_a_dialog(state: &str, wrap_open: &str, wrap_close: &str) -> String {
    let stream: String = (0..40)
        .map(|i| {
            format!(
                "<li><h3><a href=/s{i}>Story {i}</a></h3><p>{}</p></li>",
                prose(&format!("teaser {i}"), 2)
            )
        })
        .collect();
    format!(
        "<html class='{state}'><body><div id=stream><ul>{stream}</ul></div>{wrap_open}\
         <h1>The story in front</h1><p>{}</p><p>{}</p>{wrap_close}</body></html>",
        prose("dialog's article", 6),
        prose("dialog's second paragraph", 6)
    )
}

#[test]
fn a_page_saved_with_a_dialog_open_is_read_in_the_dialog() {
    let shapes = [
        (
            "an article in it",
            "<div class='render-target-modal'><article>",
            "</article></div>",
        ),
        (
            "plain blocks",
            "<div class='render-target-modal'><div>",
            "</div></div>",
        ),
        (
            "Bootstrap's wrappers",
            "<div class='modal show' role=dialog><div class=modal-dialog>\
             <div class=modal-content><div class=modal-body>",
            "<div class=share-box><p>Share this story with everyone you know today.</p></div>\
             </div></div></div></div>",
        ),
    ];
    for (shape, open, close) in shapes {
        let (body, _) = body_of(&page_with_a_dialog("js modal-open", open, close));
        assert!(
            body[0].contains("of the dialog's article"),
            "{shape}: {body:?}"
        );
        assert!(
            body.iter().any(|p| p.contains("dialog's second paragraph")),
            "{shape}: {body:?}"
        );
        assert!(
            !body.iter().any(|p| p.contains("teaser")),
            "{shape}: {body:?}"
        );
        assert!(
            !body.iter().any(|p| p.contains("Share this")),
            "{shape}: {body:?}"
        );
    }
    // without the page's word that the dialog is open, it is furniture like any modal
    let (open, close) = (shapes[0].1, shapes[0].2);
    let (body, _) = body_of(&page_with_a_dialog("js", open, close));
    assert!(
        !body.iter().any(|p| p.contains("dialog's article")),
        "{body:?}"
    );
}

#[test]
fn a_hidden_modal_is_not_the_open_dialog() {
    // the page says a modal is open, but the long one is closed (hidden on its outer
    // element); the short open one is a newsletter box: the article is read
    let html = format!(
        "<html><body class=modal-open><article><p>{}</p><p>{}</p></article>\
         <div class='modal show'><p>Sign up for our letter.</p></div>\
         <div class='modal fade' aria-hidden=true><div class=modal-dialog><p>{}</p></div></div>\
         </body></html>",
        prose("article", 12),
        prose("article's end", 12),
        prose("terms of service", 14)
    );
    let (body, _) = body_of(&html);
    assert!(body[0].contains("of the article goes"), "{body:?}");
    assert!(
        !body.iter().any(|p| p.contains("terms of service")),
        "{body:?}"
    );
}

#[test]
fn an_unclosed_code_element_does_not_silence_the_markup() {
    // `<code>` is a formatting element: the parser reopens it around everything after
    let html = format!(
        "<body><article class=post><p>{}</p><p>Run the command <code>ls -la</p>\
         <div class=share-buttons><p>Share this article with your friends and family.</p>\
         </div><p>{}</p><nav><p>Navigation text for the whole site and its sections.</p>\
         </nav><p>The guide goes on to the next step of the setup<span class=visually-hidden> \
         (opens in a new window)</span>.</p><div id=comments class=comments><p>{}</p></div>\
         </article></body>",
        prose("intro", 3),
        prose("body", 3),
        prose("reader's comment", 3)
    );
    let (body, _) = body_of(&html);
    assert!(
        body.iter().any(|p| p.contains("of the body goes")),
        "{body:?}"
    );
    for furniture in [
        "Share this",
        "Navigation text",
        "reader's comment",
        "new window",
    ] {
        assert!(
            !body.iter().any(|p| p.contains(furniture)),
            "{furniture}: {body:?}"
        );
    }
}

#[test]
fn a_link_around_a_card_keeps_its_class() {
    let html = format!(
        "<body><article><p>{}</p><a class=related-article-card href=/other><div>\
         <h3>Another story entirely</h3><p>A teaser for another story that the site would \
         like read next.</p></div></a><p>{}</p></article></body>",
        prose("story", 3),
        prose("story's end", 3)
    );
    let (body, _) = body_of(&html);
    assert!(
        !body.iter().any(|p| p.contains("Another story")),
        "{body:?}"
    );
}

#[test]
fn a_table_in_a_figure_is_the_articles_own() {
    let rows: String = (0..12)
        .map(|i| format!("<tr><td>{}/1/2013</td><td>+1{i}.1%</td></tr>", i + 1))
        .collect();
    let html = format!(
        "<body><article><p>{}</p><figure class=wp-block-table><table><tbody>{rows}</tbody>\
         </table><figcaption>Source: an analysis of the data</figcaption></figure>\
         <figure><img src=a.png><figcaption>A chart of the prices</figcaption></figure>\
         <p>{}</p></article></body>",
        prose("analysis", 3),
        prose("conclusion", 3)
    );
    let (body, _) = body_of(&html);
    assert!(body.iter().any(|p| p == "5/1/2013 +14.1%"), "{body:?}");
    assert!(
        !body
            .iter()
            .any(|p| p.contains("Source:") || p.contains("chart")),
        "{body:?}"
    );
}

#[test]
fn classes_inside_code_are_the_highlighters() {
    let html = format!(
        "<body><article><p>{}</p><pre><code><span class=hljs-comment># view the state of \
         the repo</span>\ngit status</code></pre><p>{}</p></article></body>",
        prose("guide", 3),
        prose("guide's end", 3)
    );
    let (body, _) = body_of(&html);
    assert!(
        body.iter()
            .any(|p| p.contains("# view the state of the repo")),
        "{body:?}"
    );
}

#[test]
fn a_section_with_sentences_of_its_own_is_not_a_link_list() {
    let items: String = (0..6)
        .map(|i| {
            format!(
                "<li><p><a href=https://example.org/pull/{i}>libgccjit: a patch under review, \
                 number {i}</a></p></li>"
            )
        })
        .collect();
    // an article in sections, one of them two short sentences and a list of links
    let sections: String = (0..5)
        .map(|i| {
            format!(
                "<div class=sect><h2>Part {i}</h2><p>{}</p></div>",
                prose(&format!("part {i}"), 2)
            )
        })
        .collect();
    let html = format!(
        "<body><article>{sections}<div class=sect><h2>Patches</h2><p>There has been some nice \
         progress on this side over the past months.</p><p>Many patches were sent:</p><ul>{items}</ul></div>\
         </article></body>"
    );
    let (body, _) = body_of(&html);
    assert!(
        body.iter()
            .any(|p| p == "There has been some nice progress on this side over the past months."),
        "{body:?}"
    );
    // the list of links itself is still a link list
    assert!(!body.iter().any(|p| p.contains("libgccjit")), "{body:?}");
}

#[test]
fn a_weak_word_drops_a_short_line_not_a_heading_or_a_paragraph() {
    let html = format!(
        "<body><article><div class=byline-meta>By A. Writer, 3 May</div><p>{}</p>\
         <h3 class=header-anchor-post>What the report covers</h3>\
         <div class=elementor-widget><p>This insight matters when it comes to learning a \
         language, and to choosing the app that suits the way that each of us learns best.</p></div>\
         <p>{}</p></article></body>",
        prose("report", 4),
        prose("report's end", 4)
    );
    let (body, _) = body_of(&html);
    assert!(
        body.iter().any(|p| p == "What the report covers"),
        "{body:?}"
    );
    assert!(
        body.iter().any(|p| p.starts_with("This insight matters")),
        "{body:?}"
    );
    assert!(!body.iter().any(|p| p.contains("A. Writer")), "{body:?}");
}

#[test]
fn a_list_item_is_read_whole_and_a_credit_in_a_paragraph_goes() {
    let refs: String = (0..4)
        .map(|i| {
            format!(
                "<li><a href='#c{i}'>^</a> <cite>Writer, Jamie (1996). <a href=/x{i}>\"A \
                 note\"</a><span class=reference-accessdate>. Retrieved 2007-10-1{i}</span>.\
                 </cite></li>"
            )
        })
        .collect();
    let html = format!(
        "<body><article><p>{}</p><p>Guests pick pastries from the cabinets. <span \
         class=photo-credit>Photo by A. Lens</span></p><p>{}</p><ol>{refs}</ol></article>\
         </body>",
        prose("report", 4),
        prose("report's end", 4)
    );
    let (body, _) = body_of(&html);
    assert!(
        body.iter()
            .any(|p| p == "^ Writer, Jamie (1996). \"A note\". Retrieved 2007-10-12."),
        "{body:?}"
    );
    assert!(
        body.iter()
            .any(|p| p == "Guests pick pastries from the cabinets."),
        "{body:?}"
    );
}

#[test]
fn several_h1s_are_the_sections_headings_one_is_the_headline() {
    let one = format!(
        "<body><article><h1>The headline</h1><p>{}</p><p>{}</p></article></body>",
        prose("lead", 4),
        prose("body", 4)
    );
    let (body, _) = body_of(&one);
    assert!(!body.iter().any(|p| p == "The headline"), "{body:?}");
    let sections = format!(
        "<body><article><h1>Definitions</h1><p>{}</p><h1>Why monitor?</h1><p>{}</p>\
         </article></body>",
        prose("lead", 4),
        prose("body", 4)
    );
    let (body, _) = body_of(&sections);
    assert_eq!(body[0], "Definitions");
    assert!(body.iter().any(|p| p == "Why monitor?"), "{body:?}");
}

#[test]
fn an_entry_that_is_one_link_stays_in_a_list_of_text() {
    let html = format!(
        "<body><article><p>{}</p><p>A body may be one of these types:</p><ul>\
         <li><a href=/ab>ArrayBuffer</a></li>\
         <li>ArrayBufferView (Uint8Array and friends), which is a view on a buffer</li>\
         <li><a href=/blob>Blob</a></li>\
         <li>a string, read as UTF-8 text and sent as it is written here</li></ul>\
         <p>{}</p></article><ul><li><a href=/a>Home</a></li><li><a href=/b>About</a></li></ul>\
         </body>",
        prose("lead", 4),
        prose("body", 4)
    );
    let (body, _) = body_of(&html);
    assert!(body.iter().any(|p| p == "ArrayBuffer"), "{body:?}");
    assert!(body.iter().any(|p| p == "Blob"), "{body:?}");
    assert!(!body.iter().any(|p| p == "Home"), "{body:?}");
}

#[test]
fn a_box_around_a_form_goes_with_its_title_and_a_checklist_stays() {
    let html = format!(
        "<html><body><article><h1>Title</h1><p>{}</p><p>{}</p>\
         <div class='box'><h3>Never miss a story</h3><p>Our weekly letter, free.</p>\
         <input type='email' name='e'><input type='submit' value='Go'></div>\
         <ul><li><input type='checkbox'> Book the venue early in the year</li>\
         <li><input type='checkbox'> Send the invitations eight weeks ahead</li></ul>\
         </article></body></html>",
        prose("story", 6),
        prose("article", 6)
    );
    let (paragraphs, _) = body_of(&html);
    let all = paragraphs.join("\n");
    assert!(!all.contains("Never miss a story"), "{all}");
    assert!(!all.contains("weekly letter"), "{all}");
    assert!(all.contains("Book the venue early"), "{all}");
}

#[test]
fn an_article_wrapped_in_an_aside_is_read_rather_than_nothing() {
    // every paragraph sits in an <aside> (a theme's "direct content" wrapper), half of it a
    // teaser repeating the story outside the <article>: the markup and the text-only
    // scorings both leave the aside out, the last resort reads it
    let story = prose("story", 5);
    let html = format!(
        "<html><body><main><aside class='direct-content'><header><p>{story}</p></header>\
         <article><h1>Title</h1><p>{story}</p></article></aside></main></body></html>"
    );
    let (paragraphs, why) = body_of(&html);
    assert_eq!(paragraphs.len(), 2, "{paragraphs:?}");
    assert!(
        why.iter().any(|w| w.contains("marked as furniture")),
        "{why:?}"
    );
}

#[test]
fn a_headed_card_that_is_one_link_goes() {
    let html = format!(
        "<html><body><article><h1>Title</h1><p>{}</p><p>{}</p>\
         <a class='teaser__link' href='/other'><h3>Budget talks stall again</h3>\
         <p>Ministers met for a third night without agreeing on the numbers.</p></a>\
         <p>A <a href='/x'>linked phrase</a> in running text stays with its sentence.</p>\
         </article></body></html>",
        prose("story", 6),
        prose("article", 6)
    );
    let (paragraphs, _) = body_of(&html);
    let all = paragraphs.join("\n");
    assert!(!all.contains("Budget talks stall"), "{all}");
    assert!(!all.contains("third night"), "{all}");
    assert!(all.contains("linked phrase in running text"), "{all}");
}

#[test]
fn a_page_of_short_lines_is_read_from_the_element_named_the_body() {
    // no line reaches a paragraph's length: the named body wins over a copyright scrap
    let lines: String = (0..12)
        .map(|i| format!("<h3>Part {i}</h3><p>Camera {i}: a Widelux.</p>"))
        .collect();
    let html = format!(
        "<html><body><article><h1>Title</h1><div class='entry-content'>{lines}</div>\
         </article><p class='legal'>Copyright © 2018. All Rights Reserved here.</p>\
         </body></html>"
    );
    let (paragraphs, why) = body_of(&html);
    assert!(
        paragraphs
            .iter()
            .any(|p| p.contains("Camera 11: a Widelux.")),
        "{paragraphs:?}"
    );
    assert!(
        !paragraphs.iter().any(|p| p.contains("Copyright")),
        "{paragraphs:?}"
    );
    assert!(why.iter().any(|w| w.contains("names the body")), "{why:?}");
}

#[test]
fn furniture_by_its_class_after_a_short_article_goes_in_the_text_only_reading() {
    // the related box holds more than twice the article's text: the text-only scoring
    // widens the choice to the page's column, and the box the markup names still goes
    let teasers: String = (0..4)
        .map(|i| {
            format!(
                "<div class=teaser-item><p>{}</p></div>",
                prose(&format!("teaser {i}"), 2)
            )
        })
        .collect();
    let html = format!(
        "<body><div id=page><div class=article-text><p>{}</p></div>\
         <div class='block related-content'>{teasers}</div></div>\
         <footer><p>{}</p></footer></body>",
        prose("article", 3),
        prose("footer", 10)
    );
    let (body, why) = body_of(&html);
    assert!(
        why.iter().any(|w| w.contains("widened to its ancestor")),
        "{why:?}"
    );
    assert_eq!(body.len(), 1, "{body:?}");
    assert!(body[0].contains("of the article"), "{body:?}");
}

#[test]
fn a_box_the_markup_says_is_the_author_goes_a_byline_stays() {
    let html = format!(
        "<body><article><p>By <span itemprop=author>Jo Writer</span>, staff reporter</p>\
         <p>{}</p><p>{}</p>\
         <div class=box-wrap itemprop=author itemscope itemtype='https://schema.org/Person'>\
         <div>Jo Writer</div><p>Jo Writer has covered the city's courts for twenty years \
         and teaches reporting at the university; she lives by the river with two dogs \
         and a great many books.</p></div>\
         </article></body>",
        prose("lead", 4),
        prose("body", 4)
    );
    let (body, _) = body_of(&html);
    assert!(body[0].starts_with("By Jo Writer"), "{body:?}");
    assert!(!body.iter().any(|p| p.contains("twenty years")), "{body:?}");
}
