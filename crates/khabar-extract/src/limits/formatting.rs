//! The parser's list of active formatting elements, as the bounds follow it. A formatting
//! element (`<b>`, `<font>`, `<a>`…) that a closing block leaves open stays on this list,
//! and before the next text or inline element the parser opens a copy of every one of
//! them again. A page that leaves thousands open makes the parser build thousands of
//! copies for every paragraph: the list is followed here so that such a page can be
//! caught before it is parsed.

/// One place in the list: a formatting element, or a marker (a table cell, `<object>`…)
/// that hides what came before it.
#[derive(Debug, Clone)]
enum Item {
    Marker,
    Entry(Entry),
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// Stable while the entry is on the list (elements on the stack refer to it by this).
    pub(super) id: u32,
    pub(super) name: Vec<u8>,
    /// A hash of the tag's attributes as written: the parser keeps at most three entries
    /// with the same name and attributes.
    attrs: u64,
    /// Whether an element for it is open (on the stack of open elements).
    open: bool,
}

/// The list of active formatting elements.
#[derive(Debug, Default)]
pub(super) struct ActiveFormatting {
    items: Vec<Item>,
    next_id: u32,
}

/// The parser keeps no more than this many entries of one name and attributes after the
/// last marker (the standard's "Noah's Ark" clause).
const SAME_ENTRIES: usize = 3;

impl ActiveFormatting {
    /// Where the entries after the last marker begin.
    fn scope_start(&self) -> usize {
        self.items
            .iter()
            .rposition(|i| matches!(i, Item::Marker))
            .map_or(0, |m| m + 1)
    }

    /// Adds an open element's entry (dropping the earliest of more than three alike);
    /// returns its id.
    pub(super) fn push(&mut self, name: &[u8], attrs: u64) -> u32 {
        let start = self.scope_start();
        let alike: Vec<usize> = self.items[start..]
            .iter()
            .enumerate()
            .filter(|(_, i)| matches!(i, Item::Entry(e) if e.name == name && e.attrs == attrs))
            .map(|(k, _)| start + k)
            .collect();
        if alike.len() >= SAME_ENTRIES {
            self.items.remove(alike[0]);
        }
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.items.push(Item::Entry(Entry {
            id,
            name: name.to_vec(),
            attrs,
            open: true,
        }));
        id
    }

    /// A marker (a cell, a caption, an `<object>`… opened).
    pub(super) fn push_marker(&mut self) {
        self.items.push(Item::Marker);
    }

    /// Removes everything up to and including the last marker (its element closed).
    pub(super) fn clear_to_marker(&mut self) {
        let start = self.scope_start();
        self.items.truncate(start.saturating_sub(1));
    }

    /// The last entry named `name` after the last marker: its id and whether it is open.
    pub(super) fn find_last(&self, name: &[u8]) -> Option<(u32, bool)> {
        let start = self.scope_start();
        self.items[start..].iter().rev().find_map(|i| match i {
            Item::Entry(e) if e.name == name => Some((e.id, e.open)),
            _ => None,
        })
    }

    /// Takes an entry off the list.
    pub(super) fn remove(&mut self, id: u32) {
        if let Some(at) = self.position(id) {
            self.items.remove(at);
        }
    }

    /// Marks an entry's element as open or closed (left open: it will be re-opened).
    pub(super) fn set_open(&mut self, id: u32, open: bool) {
        if let Some(at) = self.position(id)
            && let Item::Entry(e) = &mut self.items[at]
        {
            e.open = open;
        }
    }

    fn position(&self, id: u32) -> Option<usize> {
        self.items
            .iter()
            .rposition(|i| matches!(i, Item::Entry(e) if e.id == id))
    }

    /// How many entries the parser would open again now: those at the end of the list whose
    /// elements are closed, back to the last marker or open one.
    pub(super) fn to_reopen(&self) -> usize {
        self.items
            .iter()
            .rev()
            .take_while(|i| matches!(i, Item::Entry(e) if !e.open))
            .count()
    }

    /// Marks the entries [`ActiveFormatting::to_reopen`] gives as open, returning them.
    pub(super) fn reopen(&mut self) -> Vec<Entry> {
        let n = self.to_reopen();
        let start = self.items.len() - n;
        self.items[start..]
            .iter_mut()
            .filter_map(|i| match i {
                Item::Entry(e) => {
                    e.open = true;
                    Some(e.clone())
                }
                Item::Marker => None,
            })
            .collect()
    }

    /// Takes the entries [`ActiveFormatting::to_reopen`] gives off the list, returning
    /// their names, last first (the order their end tags close them in).
    pub(super) fn drop_closed_tail(&mut self) -> Vec<Vec<u8>> {
        let n = self.to_reopen();
        let start = self.items.len() - n;
        self.items
            .drain(start..)
            .rev()
            .filter_map(|i| match i {
                Item::Entry(e) => Some(e.name),
                Item::Marker => None,
            })
            .collect()
    }

    /// Entries on the list.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_three_alike_keep_the_last_three() {
        let mut list = ActiveFormatting::default();
        let ids: Vec<u32> = (0..5).map(|_| list.push(b"b", 7)).collect();
        assert_eq!(list.len(), 3);
        assert_eq!(list.find_last(b"b"), Some((ids[4], true)));
        // other attributes are other entries
        list.push(b"b", 8);
        assert_eq!(list.len(), 4);
    }

    #[test]
    fn closed_entries_at_the_end_are_reopened_back_to_an_open_one_or_a_marker() {
        let mut list = ActiveFormatting::default();
        let a = list.push(b"i", 1);
        list.push_marker();
        let b = list.push(b"b", 2);
        let c = list.push(b"u", 3);
        list.set_open(b, false);
        list.set_open(c, false);
        list.set_open(a, false);
        // the marker hides the <i>
        assert_eq!(list.to_reopen(), 2);
        let names: Vec<Vec<u8>> = list.reopen().into_iter().map(|e| e.name).collect();
        assert_eq!(names, vec![b"b".to_vec(), b"u".to_vec()]);
        assert_eq!(list.to_reopen(), 0);
        list.set_open(c, false);
        assert_eq!(list.drop_closed_tail(), vec![b"u".to_vec()]);
        list.clear_to_marker();
        assert_eq!(list.find_last(b"i"), Some((a, false)));
        assert_eq!(list.len(), 1);
    }
}
