//! A yes/no question, answered by one key: y or n, or Enter for the default.

use console::Key;
use scaffold::Result;

use super::{Frame, Look, Reply, read_key, terminal, themed};

/// Asks `prompt`; Enter takes `default`. `✔ prompt · yes` stays on screen after. Esc goes back; Ctrl-C and
/// Ctrl-D end the wizard.
pub fn confirm(theme: &Look, prompt: &str, default: bool) -> Result<Reply<bool>> {
    let term = terminal()?;
    let mut frame = Frame::new(&term, true)?;
    frame.draw(&[themed(|f| {
        theme.format_confirm_prompt(f, prompt, Some(default))
    })])?;
    let answer = loop {
        match read_key(&term)? {
            Key::Escape => {
                frame.clear()?;
                return Ok(Reply::Back);
            }
            Key::Char('y' | 'Y') => break true,
            Key::Char('n' | 'N') => break false,
            Key::Enter => break default,
            _ => {}
        }
    };
    let line = themed(|f| theme.format_confirm_prompt_selection(f, prompt, Some(answer)));
    frame.settle(Some(line))?;
    Ok(Reply::Answer(answer))
}
