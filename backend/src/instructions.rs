//! The printable instructions as a PDF (`GET /api/instructions/{de,en}`),
//! made once at start from the page's own texts (`frontend/locales/*.ftl`,
//! the same messages the page's instructions view shows) and the
//! hospital's configuration, so the two never disagree.

use mailslot_shared::wire::{HospitalInfo, Localized};

use crate::coversheet::{text_pdf, CoverError};

const DE: &str = include_str!("../../frontend/locales/de.ftl");
const EN: &str = include_str!("../../frontend/locales/en.ftl");

/// The steps' headings and what the instructions say of each, in the
/// page's order (`Step::ALL` in the frontend).
const STEPS: [(&str, &str); 7] = [
    ("welcome-heading", "instructions-step-welcome"),
    ("password-heading", "instructions-step-password"),
    ("choose-heading", "instructions-step-choose"),
    ("check-heading", "instructions-step-check"),
    ("about-heading", "instructions-step-about"),
    ("send-heading", "instructions-step-send"),
    ("receipt-heading", "instructions-step-receipt"),
];

/// A one-line message of `ftl` (the instructions use only those), or the
/// key itself if it is missing (a unit test checks none is).
fn message<'a>(ftl: &'a str, key: &'a str) -> &'a str {
    ftl.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(" = "))
        .unwrap_or(key)
}

/// The instructions as lines (text, is a heading).
pub fn lines(h: &HospitalInfo, english: bool) -> Vec<(String, bool)> {
    let ftl = if english { EN } else { DE };
    let m = |key: &str| message(ftl, key).to_owned();
    let pick = |l: &Localized| if english { l.en.clone() } else { l.de.clone() };
    let heading = |key: &str| (m(key), true);
    let text = |s: String| (s, false);
    let mut out = vec![
        heading("instructions-heading"),
        text(m("instructions-intro").replace("{ $hospital }", &pick(&h.name))),
        heading("instructions-need-heading"),
        text(format!("• {}", m("instructions-need-images"))),
        text(format!("• {}", m("welcome-password"))),
        text(format!("• {}", m("instructions-need-computer"))),
        heading("instructions-steps-heading"),
    ];
    for (n, (title, says)) in STEPS.iter().enumerate() {
        out.push(text(format!("{}. {}: {}", n + 1, m(title), m(says))));
    }
    out.push(heading("instructions-receipt-heading"));
    out.push(text(m("instructions-receipt")));
    out.push(text(m("welcome-deleted").replace(
        "{ $weeks }",
        &h.retention_days.div_ceil(7).to_string(),
    )));
    out.push(heading("instructions-call-heading"));
    out.push(text(pick(&h.help)));
    for phone in &h.phones {
        out.push(text(format!("{}: {}", pick(&phone.label), phone.number)));
    }
    out.push(text(pick(&h.hours)));
    if let Some(email) = &h.email {
        out.push(text(format!("{}: {email}", m("help-email"))));
    }
    if let Some(fax) = &h.fax {
        out.push(text(format!("{}: {fax}", m("help-fax"))));
    }
    if let Some(address) = &h.address {
        out.extend(pick(address).lines().map(|l| text(l.to_owned())));
    }
    out
}

/// The instructions PDF in German and in English.
pub fn pdfs(h: &HospitalInfo) -> Result<(Vec<u8>, Vec<u8>), CoverError> {
    let de = lines(h, false);
    let en = lines(h, true);
    Ok((text_pdf(&de[0].0, &de)?, text_pdf(&en[0].0, &en)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_the_pdf_uses_exists_in_both_languages() {
        let mut keys = vec![
            "instructions-heading",
            "instructions-intro",
            "instructions-need-heading",
            "instructions-need-images",
            "welcome-password",
            "instructions-need-computer",
            "instructions-steps-heading",
            "instructions-receipt-heading",
            "instructions-receipt",
            "welcome-deleted",
            "instructions-call-heading",
            "help-email",
            "help-fax",
        ];
        keys.extend(STEPS.iter().flat_map(|(a, b)| [*a, *b]));
        for ftl in [DE, EN] {
            for key in &keys {
                assert_ne!(message(ftl, key), *key, "{key} is missing or not one line");
            }
        }
    }
}
