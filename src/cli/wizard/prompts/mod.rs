//! The wizard's prompts: a line of text, a picker and a yes/no question, drawn with dialoguer's colourful
//! theme (they look as dialoguer's own do) on `console`'s terminal, but reading the keys themselves. dialoguer
//! drops the keys the wizard needs: Ctrl-D ends the wizard as Ctrl-C does (the answers so far are saved) and Esc
//! goes back to the previous question ([`Reply::Back`]).
//!
//! Each prompt redraws whole what it shows ([`Frame`]), counting the rows every line takes at the terminal's
//! width, so that a validation message wrapped over several rows is cleared and shown whole, never half
//! overwritten by the prompt asked again.

use console::{Key, Term, measure_text_width};
use dialoguer::theme::Theme;
use scaffold::{Error, Result};

mod confirm;
mod input;
mod select;

pub use confirm::confirm;
pub use input::{Input, input};
pub use select::select;

/// What a prompt returns: the answer, or the person asked to go back (Esc).
#[derive(Debug, PartialEq, Eq)]
pub enum Reply<T> {
    Answer(T),
    Back,
}

/// Ctrl-D: the end of input at a terminal.
const END_OF_INPUT: char = '\u{4}';

/// The terminal the prompts use, or an error when standard error is not one: a prompt that cannot be answered
/// must not wait.
fn terminal() -> Result<Term> {
    let term = Term::stderr();
    if term.is_term() {
        Ok(term)
    } else {
        Err(Error::Io {
            context: "reading an answer".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotConnected, "not a terminal"),
        })
    }
}

/// The next key. Ctrl-C (which `console` also raises as SIGINT, for the signal thread) and Ctrl-D both end the
/// wizard: [`Error::Interrupted`], so the answers so far are saved.
fn read_key(term: &Term) -> Result<Key> {
    match term.read_key() {
        Ok(Key::Char(END_OF_INPUT)) => Err(Error::Interrupted),
        Ok(key) => Ok(key),
        Err(e) => Err(read_error(e)),
    }
}

/// A failed read: Ctrl-C typed is a message without an OS error; a signal that cut the wait short is EINTR, and
/// the run ends with that signal's code once the signal thread has taken it.
fn read_error(io: std::io::Error) -> Error {
    if io.kind() == std::io::ErrorKind::Interrupted {
        if io.raw_os_error().is_some() {
            crate::cli::interrupt::await_signal();
        }
        return Error::Interrupted;
    }
    Error::Io {
        context: "reading an answer from the terminal".into(),
        source: io,
    }
}

/// A line drawn by one of the theme's formatters.
fn themed(draw: impl FnOnce(&mut String) -> std::fmt::Result) -> String {
    let mut line = String::new();
    let _ = draw(&mut line);
    line
}

/// What a prompt has drawn below its start, to clear and draw again whole.
struct Frame<'a> {
    term: &'a Term,
    /// Rows from the first row drawn down to the cursor's.
    cursor_row: usize,
    /// The cursor is hidden while the frame is up (pickers), and shown again when it is dropped.
    hidden: bool,
}

impl<'a> Frame<'a> {
    fn new(term: &'a Term, hide_cursor: bool) -> Result<Self> {
        if hide_cursor {
            term.hide_cursor().map_err(read_error)?;
        }
        Ok(Frame {
            term,
            cursor_row: 0,
            hidden: hide_cursor,
        })
    }

    fn columns(&self) -> usize {
        usize::from(self.term.size().1).max(1)
    }

    /// Clears `lines` drawn before and draws these, the cursor left at the end of the last one. Returns the row
    /// the last line starts on (counted from the first row drawn).
    fn draw(&mut self, lines: &[String]) -> Result<usize> {
        let columns = self.columns();
        let mut out = self.clearing();
        let mut row = 0;
        let mut last_start = 0;
        for (i, line) in lines.iter().enumerate() {
            last_start = row;
            out.push_str(line);
            let (rows, wrapped) = rows_of(measure_text_width(line), columns);
            if i + 1 < lines.len() {
                out.push_str("\r\n");
                row += rows;
            } else {
                // A line that fills its last row exactly leaves the cursor waiting at that row's end; move it
                // to the next row, where the next character would go, so that rows are counted the same way.
                if wrapped {
                    out.push_str("\r\n");
                }
                row += rows - 1 + usize::from(wrapped);
            }
        }
        self.write(&out)?;
        self.cursor_row = row;
        Ok(last_start)
    }

    /// Moves the cursor to `column` of `row` (counted from the first row drawn).
    fn place(&mut self, row: usize, column: usize) -> Result<()> {
        let mut out = String::new();
        if self.cursor_row > row {
            out.push_str(&format!("\x1b[{}A", self.cursor_row - row));
        } else if row > self.cursor_row {
            out.push_str(&format!("\x1b[{}B", row - self.cursor_row));
        }
        out.push('\r');
        if column > 0 {
            out.push_str(&format!("\x1b[{column}C"));
        }
        self.write(&out)?;
        self.cursor_row = row;
        Ok(())
    }

    /// Clears everything drawn, leaving the cursor where the frame started.
    fn clear(&mut self) -> Result<()> {
        let out = self.clearing();
        self.cursor_row = 0;
        self.write(&out)
    }

    /// Clears the frame and writes `line` (a prompt's answer) where it was, for good.
    fn settle(mut self, line: Option<String>) -> Result<()> {
        self.clear()?;
        if let Some(line) = line {
            self.term.write_line(&line).map_err(read_error)?;
        }
        Ok(())
    }

    fn clearing(&self) -> String {
        let mut out = String::new();
        if self.cursor_row > 0 {
            out.push_str(&format!("\x1b[{}A", self.cursor_row));
        }
        out.push_str("\r\x1b[J");
        out
    }

    fn write(&self, text: &str) -> Result<()> {
        self.term.write_str(text).map_err(read_error)?;
        self.term.flush().map_err(read_error)
    }
}

impl Drop for Frame<'_> {
    fn drop(&mut self) {
        if self.hidden {
            let _ = self.term.show_cursor();
        }
    }
}

/// The rows a line `width` columns wide takes on a terminal `columns` wide, and whether it fills its last row
/// exactly.
fn rows_of(width: usize, columns: usize) -> (usize, bool) {
    if width == 0 {
        return (1, false);
    }
    (width.div_ceil(columns), width.is_multiple_of(columns))
}

/// The theme the wizard draws with.
pub type Look = dyn Theme;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_count_wrapped_lines_and_exact_fits() {
        assert_eq!(rows_of(0, 40), (1, false));
        assert_eq!(rows_of(39, 40), (1, false));
        assert_eq!(rows_of(40, 40), (1, true));
        assert_eq!(rows_of(41, 40), (2, false));
        assert_eq!(rows_of(120, 40), (3, true));
    }
}
