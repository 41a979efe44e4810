//! A picker: one item of a list, chosen with the arrow keys (or j/k, Tab) and Enter, a page at a time when the
//! list is longer than the terminal.

use console::Key;
use scaffold::Result;

use super::{Frame, Look, Reply, read_key, terminal, themed};

/// Asks for one of `items`, starting at `start`; `report` leaves `✔ prompt · item` on screen after. Esc goes
/// back; Ctrl-C and Ctrl-D end the wizard.
pub fn select(
    theme: &Look,
    prompt: &str,
    items: &[String],
    start: usize,
    report: bool,
) -> Result<Reply<usize>> {
    let term = terminal()?;
    let mut frame = Frame::new(&term, true)?;
    let mut chosen = start.min(items.len().saturating_sub(1));
    loop {
        // The prompt's row and one to spare, as dialoguer pages.
        let page = usize::from(term.size().0).saturating_sub(2).max(1);
        let pages = items.len().div_ceil(page).max(1);
        let first = chosen / page * page;
        let mut head = themed(|f| theme.format_select_prompt(f, prompt));
        if pages > 1 {
            head.push_str(&format!(" [Page {}/{pages}] ", first / page + 1));
        }
        let mut lines = vec![head];
        for (i, item) in items.iter().enumerate().skip(first).take(page) {
            lines.push(themed(|f| {
                theme.format_select_prompt_item(f, item, i == chosen)
            }));
        }
        frame.draw(&lines)?;
        let last = items.len().saturating_sub(1);
        match read_key(&term)? {
            Key::Escape => {
                frame.clear()?;
                return Ok(Reply::Back);
            }
            Key::Enter | Key::Char(' ') if !items.is_empty() => {
                let line = report.then(|| {
                    themed(|f| theme.format_select_prompt_selection(f, prompt, &items[chosen]))
                });
                frame.settle(line)?;
                return Ok(Reply::Answer(chosen));
            }
            Key::ArrowDown | Key::Tab | Key::Char('j') => {
                chosen = if chosen >= last { 0 } else { chosen + 1 };
            }
            Key::ArrowUp | Key::BackTab | Key::Char('k') => {
                chosen = if chosen == 0 { last } else { chosen - 1 };
            }
            Key::ArrowRight | Key::Char('l') if pages > 1 => {
                chosen = if first + page > last { 0 } else { first + page };
            }
            Key::ArrowLeft | Key::Char('h') if pages > 1 => {
                chosen = if first == 0 {
                    (pages - 1) * page
                } else {
                    first - page
                };
            }
            Key::Home => chosen = 0,
            Key::End => chosen = last,
            _ => {}
        }
    }
}
