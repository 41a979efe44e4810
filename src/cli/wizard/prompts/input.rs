//! A line of text: typed with the usual editing keys, checked when Enter is pressed, and asked again under the
//! message when the check fails.

use console::{Key, measure_text_width};
use scaffold::Result;

use super::{Frame, Look, Reply, read_key, terminal, themed};

/// What a text prompt shows and accepts.
pub struct Input<'a> {
    pub prompt: &'a str,
    /// What Enter on an empty line gives.
    pub default: Option<&'a str>,
    /// Whether the prompt line shows the default (else the caller's prompt text already says it).
    pub show_default: bool,
    /// Text already typed when the prompt opens (the earlier answer, when the person came back to it).
    pub initial: &'a str,
    /// Whether an empty answer (with no default) is accepted.
    pub allow_empty: bool,
    /// Whether the answer is left on screen after the prompt (`✔ prompt · answer`).
    pub report: bool,
}

/// Asks `spec` until `check` accepts what is typed; a refused answer shows `check`'s message above the prompt,
/// asked again empty. Esc goes back; Ctrl-C and Ctrl-D end the wizard.
pub fn input(
    theme: &Look,
    spec: &Input<'_>,
    check: &dyn Fn(&str) -> std::result::Result<(), String>,
) -> Result<Reply<String>> {
    let term = terminal()?;
    let mut frame = Frame::new(&term, false)?;
    let shown_default = spec.default.filter(|_| spec.show_default);
    let prompt = themed(|f| theme.format_input_prompt(f, spec.prompt, shown_default));
    let mut chars: Vec<char> = spec.initial.chars().collect();
    let mut position = chars.len();
    let mut error: Option<String> = None;
    loop {
        let mut lines = Vec::new();
        if let Some(message) = &error {
            lines.push(themed(|f| theme.format_error(f, message)));
        }
        let typed: String = chars.iter().collect();
        lines.push(format!("{prompt}{typed}"));
        let start = frame.draw(&lines)?;
        if position < chars.len() {
            let before: String = chars[..position].iter().collect();
            let offset = measure_text_width(&prompt) + measure_text_width(&before);
            let columns = frame.columns();
            frame.place(start + offset / columns, offset % columns)?;
        }
        match read_key(&term)? {
            Key::Escape => {
                frame.clear()?;
                return Ok(Reply::Back);
            }
            Key::Enter => {
                let value = match (typed.is_empty(), spec.default) {
                    (true, Some(d)) => d.to_string(),
                    _ => typed,
                };
                if value.is_empty() && !spec.allow_empty {
                    continue;
                }
                match check(&value) {
                    Ok(()) => {
                        let report = spec.report.then(|| {
                            themed(|f| theme.format_input_prompt_selection(f, spec.prompt, &value))
                        });
                        frame.settle(report)?;
                        return Ok(Reply::Answer(value));
                    }
                    Err(message) => {
                        error = Some(message);
                        chars.clear();
                        position = 0;
                    }
                }
            }
            Key::Char(c) if !c.is_control() => {
                chars.insert(position, c);
                position += 1;
            }
            Key::Backspace if position > 0 => {
                position -= 1;
                chars.remove(position);
            }
            Key::Del if position < chars.len() => {
                chars.remove(position);
            }
            Key::ArrowLeft if position > 0 => position -= 1,
            Key::ArrowRight if position < chars.len() => position += 1,
            Key::Home => position = 0,
            Key::End => position = chars.len(),
            // Ctrl-U, as in a shell: the line is typed again from nothing.
            Key::Char('\u{15}') => {
                chars.clear();
                position = 0;
            }
            _ => {}
        }
    }
}
