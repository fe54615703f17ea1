//! What a sender typed (or a file carried), made safe for staff's
//! console: one line, nothing a terminal acts on or that reorders it. The
//! cover sheet leaves out the same characters ([`hidden`]).

/// Whether `c` may change how a console shows a line other than as one
/// visible character: a control character (a terminal's escape sequences,
/// CR, LF, NEL among them), a format character (Unicode category Cf: the
/// bidi embeddings, overrides and isolates such as U+202E, zero-width
/// spaces and joiners, the BOM, tags) or a line or paragraph separator
/// (U+2028, U+2029).
pub(crate) fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}')
}

/// `text` as one line for staff's console: what a sender typed or a file
/// carried cannot start a line of its own, reorder what follows it or
/// send the terminal an escape. Every hidden character (see [`hidden`])
/// shows as U+FFFD, so that tampering is seen rather than silently
/// undone; a tab is a space.
pub(super) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if hidden(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `label: text` for a value the sender may have written on several lines
/// (the request): one line stays on the label's line; several go under
/// it, each on its own line behind `  | `, so that no line of the sender's
/// starts at the margin where the labels are.
pub(super) fn block(label: &str, text: &str) -> String {
    let text = text.trim_end().replace("\r\n", "\n");
    let lines: Vec<&str> = text
        .split([
            '\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}',
        ])
        .collect();
    match lines.as_slice() {
        [one] => format!("{label}: {}\n", one_line(one)),
        many => {
            let mut out = format!("{label}:\n");
            for l in many {
                out.push_str(&format!("  | {}\n", one_line(l)));
            }
            out
        }
    }
}
