//! The page's own words for what the server writes itself — the
//! instructions PDF and the privacy statement's paragraph on keeping — in
//! German and English, formatted with Fluent from the same files the page
//! shows (`frontend/locales/{de,en}.ftl`), so the server's texts and the
//! page's never disagree. A leaf: imports nothing of the crate.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use mailslot_shared::wire::{retention_period, HospitalInfo, WhenFull};

const DE: &str = include_str!("../../frontend/locales/de.ftl");
const EN: &str = include_str!("../../frontend/locales/en.ftl");

/// The page's messages in German or English.
pub struct Words {
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words").finish_non_exhaustive()
    }
}

impl Words {
    /// The English (`english`) or German messages.
    pub fn new(english: bool) -> Words {
        let (tag, text) = if english { ("en", EN) } else { ("de", DE) };
        let mut bundle = FluentBundle::new(vec![tag.parse().unwrap_or_default()]);
        // No Unicode isolation marks: they end up in the PDF's text.
        bundle.set_use_isolating(false);
        // The files are part of the build; the page's tests parse them.
        let res = FluentResource::try_new(text.to_owned()).unwrap_or_else(|(res, _)| res);
        let _ = bundle.add_resource(res);
        Words { bundle }
    }

    /// Whether message `id` exists.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Message `id` with `args`, or `id` itself when it is missing (a test
    /// checks none the server uses is).
    pub fn message(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fa), &mut errors)
            .into_owned()
    }

    /// The sentences about keeping and deleting, as the page says them
    /// (`i18n::keeping` in the frontend): where the images go, what is
    /// deleted when, and (with `full`) what happens when the mailbox is
    /// full — from the facts `h` carries.
    pub fn keeping(&self, h: &HospitalInfo, full: bool) -> Vec<String> {
        let (unit, count) = retention_period(h.retention_days);
        let args = [
            ("keeping", h.keeping.as_str().into()),
            ("unit", unit.into()),
            ("count", count.into()),
        ];
        let mut out = vec![
            self.message("keeping-images", &args),
            self.message("keeping-deleted", &args),
        ];
        if full {
            out.push(match h.when_full {
                WhenFull::RefuseNew => self.message("keeping-full", &[]),
            });
        }
        out
    }
}
