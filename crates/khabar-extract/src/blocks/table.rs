//! Tables of data told apart from tables of layout (old sites set whole articles in table
//! cells): a table is data when its markup says so (`<th>`, `<thead>`, `<caption>`) and
//! no cell holds an article's worth of text, or when it is a grid of short cells without
//! blocks of text in them; never when it nests another table or is marked
//! `role="presentation"`.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

use crate::html::{Kind, kind};

/// Most letters a cell of a data table holds when nothing in the markup says it is one.
const MAX_GRID_CELL_LETTERS: usize = 300;

/// Most letters a cell of a table marked as data holds: more is a page laid out in cells.
const MAX_MARKED_CELL_LETTERS: usize = 1500;

/// Whether `table` holds data (rows of cells to keep as such) rather than layout.
pub(super) fn is_data_table(table: ElementRef<'_>) -> bool {
    let v = table.value();
    if v.attr("role")
        .is_some_and(|r| r.eq_ignore_ascii_case("presentation") || r.eq_ignore_ascii_case("none"))
    {
        return false;
    }
    let mut marked = false;
    let mut rows = 0usize;
    let mut widest = 0usize;
    let mut cells_in_row = 0usize;
    let mut cells = 0usize;
    let mut long_cell = false;
    let mut block_in_cell = false;
    let mut cell_letters = 0usize;
    let mut longest_cell = 0usize;
    let mut in_cell = false;
    for edge in table.traverse() {
        match edge {
            Edge::Open(node) if node.id() != table.id() => match node.value() {
                Node::Element(e) => match kind(e.name()) {
                    Kind::Table => return false,
                    Kind::Row => {
                        rows += 1;
                        cells_in_row = 0;
                    }
                    Kind::Cell { header } => {
                        marked |= header;
                        cells += 1;
                        cells_in_row += 1;
                        widest = widest.max(cells_in_row);
                        in_cell = true;
                        cell_letters = 0;
                    }
                    Kind::TableSection if e.name() == "thead" => marked = true,
                    Kind::Block if e.name() == "caption" => marked = true,
                    Kind::Paragraph
                    | Kind::List { .. }
                    | Kind::Heading(_)
                    | Kind::Quote
                    | Kind::Code
                    | Kind::Figure
                        if in_cell =>
                    {
                        block_in_cell = true
                    }
                    _ => {}
                },
                Node::Text(t) if in_cell => {
                    cell_letters += t.chars().filter(|c| !c.is_whitespace()).count();
                    long_cell |= cell_letters > MAX_GRID_CELL_LETTERS;
                    longest_cell = longest_cell.max(cell_letters);
                }
                _ => {}
            },
            Edge::Close(node)
                if node
                    .value()
                    .as_element()
                    .is_some_and(|e| matches!(kind(e.name()), Kind::Cell { .. })) =>
            {
                in_cell = false;
            }
            _ => {}
        }
    }
    if cells == 0 {
        return false;
    }
    if marked {
        return longest_cell <= MAX_MARKED_CELL_LETTERS;
    }
    !block_in_cell && !long_cell && rows >= 2 && widest >= 2 && cells >= 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn first_table(html: &str) -> bool {
        let doc = Html::parse_document(html);
        let t = doc
            .select(&Selector::parse("table").unwrap())
            .next()
            .unwrap();
        is_data_table(t)
    }

    #[test]
    fn grids_and_marked_tables_are_data_layout_tables_are_not() {
        assert!(first_table(
            "<table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table>"
        ));
        assert!(first_table(
            "<table><tr><th>Year</th></tr><tr><td>2024</td></tr></table>"
        ));
        // the article set in a cell
        assert!(!first_table(
            "<table><tr><td><p>One paragraph.</p><p>Another.</p></td><td>side</td></tr></table>"
        ));
        assert!(!first_table(
            "<table><tr><td>only one cell</td></tr></table>"
        ));
        // marked as data: a paragraph or a long description in one cell does not undo it
        let long = "word ".repeat(80);
        assert!(first_table(&format!(
            "<table><thead><tr><th>Name</th><th>About</th></tr></thead>\
             <tr><td>a</td><td><p>{long}</p></td></tr></table>"
        )));
        // but a whole article in a cell does
        let article = "word ".repeat(500);
        assert!(!first_table(&format!(
            "<table><tr><th>Menu</th><td>{article}</td></tr></table>"
        )));
        assert!(!first_table(
            "<table role=presentation><tr><th>a</th><td>b</td></tr></table>"
        ));
        assert!(!first_table(
            "<table><tr><td><table><tr><td>x</td></tr></table></td><td>y</td></tr></table>"
        ));
    }
}
