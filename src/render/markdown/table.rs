//! The state of the GFM table being written: its columns' alignments, whether
//! the head is open, and which cell comes next.

use pulldown_cmark::Alignment;

#[derive(Default)]
pub(super) struct Table {
    alignments: Vec<Alignment>,
    cell: usize,
    in_head: bool,
}

impl Table {
    pub(super) fn start(&mut self, alignments: &[Alignment]) {
        self.alignments = alignments.to_vec();
    }

    /// A row begins (`head`: the header row).
    pub(super) fn row(&mut self, head: bool) {
        if head {
            self.in_head = true;
        }
        self.cell = 0;
    }

    pub(super) fn end_head(&mut self) {
        self.in_head = false;
    }

    /// The next cell's element and its alignment class attribute.
    pub(super) fn open_cell(&self) -> (&'static str, &'static str) {
        let align = match self.alignments.get(self.cell) {
            Some(Alignment::Left) => " class=\"align-left\"",
            Some(Alignment::Center) => " class=\"align-center\"",
            Some(Alignment::Right) => " class=\"align-right\"",
            _ => "",
        };
        (self.element(), align)
    }

    /// The cell's element, to close it; the next cell follows.
    pub(super) fn close_cell(&mut self) -> &'static str {
        self.cell += 1;
        self.element()
    }

    fn element(&self) -> &'static str {
        if self.in_head { "th" } else { "td" }
    }
}
