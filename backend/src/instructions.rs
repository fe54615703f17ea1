//! The printable instructions as a PDF (`GET /api/instructions/{de,en}`),
//! made once at start from the page's own texts (`frontend/locales/*.ftl`,
//! the same messages the page's instructions view shows, through
//! [`crate::wording`]) and the hospital's configuration, so the two never
//! disagree.

use mailslot_shared::wire::{HospitalInfo, Localized};

use crate::coversheet::{text_pdf, CoverError};
use crate::wording::Words;

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

/// The instructions as lines (text, is a heading).
pub fn lines(h: &HospitalInfo, english: bool) -> Vec<(String, bool)> {
    let words = Words::new(english);
    let m = |key: &str| words.message(key, &[]);
    let pick = |l: &Localized| if english { l.en.clone() } else { l.de.clone() };
    let heading = |key: &str| (m(key), true);
    let text = |s: String| (s, false);
    let mut out = vec![
        heading("instructions-heading"),
        text(words.message("instructions-intro", &[("hospital", pick(&h.name).into())])),
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
    out.push(text(words.keeping(h, true).join(" ")));
    if let Some(costs) = &h.costs {
        out.push(text(pick(costs)));
    }
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
            "keeping-images",
            "keeping-deleted",
            "keeping-full",
            "instructions-call-heading",
            "help-email",
            "help-fax",
        ];
        keys.extend(STEPS.iter().flat_map(|(a, b)| [*a, *b]));
        for english in [false, true] {
            let words = Words::new(english);
            for key in &keys {
                assert!(words.has(key), "{key} is missing");
            }
        }
    }

    /// The instructions say what the page says of keeping and deleting, for
    /// the configured facts, and the hospital's sentence on costs.
    #[test]
    fn the_instructions_speak_of_the_configured_keeping_and_costs(
    ) -> Result<(), crate::hospital::HospitalError> {
        let facts = crate::hospital::Facts {
            retention_days: 10,
            keeping: mailslot_shared::wire::Keeping::Mailbox,
            when_full: mailslot_shared::wire::WhenFull::RefuseNew,
        };
        let h = crate::hospital::load(None, "1", facts)?;
        let text = |english| {
            lines(&h, english)
                .into_iter()
                .map(|(t, _)| t)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (de, en) = (text(false), text(true));
        assert!(en.contains("after 10 days at the latest"), "{en}");
        assert!(en.contains("Costs may arise for medical services."), "{en}");
        assert!(en.contains("Instructions") && !en.contains('{'), "{en}");
        assert!(de.contains("spätestens nach 10 Tagen"), "{de}");
        assert!(de.contains("können Kosten entstehen"), "{de}");
        Ok(())
    }
}
