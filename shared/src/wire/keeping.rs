//! What becomes of what a sender sends, as the sender is told it: the
//! facts (`GET /api/hospital`) every sentence about keeping and deleting is
//! written from — the page, the easy-language page, the privacy statement,
//! the instructions (page and PDF) and the receipt — so they can never
//! contradict each other or the server's configuration. The sentences
//! themselves are the `keeping-*` messages in `frontend/locales/*.ftl`,
//! whose variables are [`Keeping::as_str`] (`$keeping`) and
//! [`retention_period`] (`$unit`, `$count`).

use serde::{Deserialize, Serialize};

/// Where a sender's images go once accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Keeping {
    /// On at once to the hospital's image archive (a PACS, by C-STORE or
    /// STOW-RS), where the hospital's rules for patient records decide how
    /// long they stay; the mailbox deletes what it still holds (letters,
    /// contact details) at the retention.
    Archive,
    /// Kept in the mailbox until staff take what serves the care into the
    /// patient's record; the rest is deleted at the retention at the
    /// latest.
    #[default]
    Mailbox,
}

impl Keeping {
    /// The word on the wire and in the messages' selectors.
    pub fn as_str(self) -> &'static str {
        match self {
            Keeping::Archive => "archive",
            Keeping::Mailbox => "mailbox",
        }
    }
}

/// What the mailbox does when it is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhenFull {
    /// New sendings are refused (`mailbox-full`) until there is room; no
    /// other sender's images are deleted to make room.
    #[default]
    RefuseNew,
}

/// `retention_days` as the sentences say it: `("weeks", n)` when it is a
/// whole number of weeks, else `("days", n)`. Never rounded: "after 2
/// weeks at the latest" for 10 days would be untrue.
pub fn retention_period(days: u64) -> (&'static str, u64) {
    if days > 0 && days.is_multiple_of(7) {
        ("weeks", days / 7)
    } else {
        ("days", days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_weeks_else_days() {
        assert_eq!(retention_period(42), ("weeks", 6));
        assert_eq!(retention_period(7), ("weeks", 1));
        assert_eq!(retention_period(14), ("weeks", 2));
        assert_eq!(retention_period(10), ("days", 10));
        assert_eq!(retention_period(1), ("days", 1));
        assert_eq!(retention_period(0), ("days", 0));
    }

    #[test]
    fn words_on_the_wire() {
        for k in [Keeping::Archive, Keeping::Mailbox] {
            assert_eq!(
                serde_json::to_string(&k).ok(),
                Some(format!("\"{}\"", k.as_str()))
            );
        }
        assert_eq!(
            serde_json::to_string(&WhenFull::RefuseNew).ok().as_deref(),
            Some("\"refuse-new\"")
        );
    }
}
