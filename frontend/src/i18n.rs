//! The page's words, in German and English, from Fluent files
//! (`frontend/locales/*.ftl`). The acceptance rules' sentences come from
//! `shared` (the same words `mailslot verify` prints); every API error code
//! has a sentence here (a test checks the list in `docs/api.md`).

use std::cell::RefCell;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use mailslot_shared::dicom::{Lang, RejectCode};

use crate::worker::protocol::IgnoreReason;

/// The English messages.
pub const EN_FTL: &str = include_str!("../locales/en.ftl");
/// The German messages.
pub const DE_FTL: &str = include_str!("../locales/de.ftl");

struct Bundles {
    de: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: &str, text: &str) -> FluentBundle<FluentResource> {
    let id = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new(vec![id]);
    // No Unicode isolation marks around values: they show up when copied.
    b.set_use_isolating(false);
    // The files are part of the build and tested to parse.
    let res = FluentResource::try_new(text.to_owned()).unwrap_or_else(|(res, _)| res);
    let _ = b.add_resource(res);
    b
}

thread_local! {
    static BUNDLES: RefCell<Option<Bundles>> = const { RefCell::new(None) };
}

fn with<R>(lang: Lang, f: impl FnOnce(&FluentBundle<FluentResource>) -> R) -> R {
    BUNDLES.with(|cell| {
        let mut slot = cell.borrow_mut();
        let b = slot.get_or_insert_with(|| Bundles {
            de: bundle("de", DE_FTL),
            en: bundle("en", EN_FTL),
        });
        f(match lang {
            Lang::De => &b.de,
            Lang::En => &b.en,
        })
    })
}

/// Whether a message exists.
pub fn has(lang: Lang, id: &str) -> bool {
    with(lang, |b| b.has_message(id))
}

/// The message `id` with arguments; the id itself if missing (a test keeps
/// that from happening).
pub fn ta(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    with(lang, |b| {
        let Some(pattern) = b.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        b.format_pattern(pattern, Some(&fa), &mut errors)
            .into_owned()
    })
}

/// The message `id`.
pub fn t(lang: Lang, id: &str) -> String {
    ta(lang, id, &[])
}

/// The sentence for an API error code (or `network-error`, …).
pub fn error(lang: Lang, code: &str) -> String {
    let id = format!("error-{code}");
    if has(lang, &id) {
        t(lang, &id)
    } else {
        ta(lang, "error-other", &[("code", code.to_owned().into())])
    }
}

/// The sentence for an acceptance-rule code sent by the server.
pub fn rule(lang: Lang, code: &str) -> String {
    match RejectCode::ALL.iter().find(|c| c.code() == code) {
        Some(c) => c.message(lang).to_owned(),
        None => error(lang, code),
    }
}

/// Why a file was left out, as a sentence.
pub fn ignored(lang: Lang, reason: IgnoreReason) -> String {
    match reason {
        IgnoreReason::Rule(c) => c.message(lang).to_owned(),
        other => t(lang, &format!("ignored-{}", other.code())),
    }
}

/// The language to start in: `?lang=` if given, else the browser's.
pub fn initial_lang() -> Lang {
    let Some(window) = web_sys::window() else {
        return Lang::De;
    };
    let query = window.location().search().unwrap_or_default();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&query) {
        match params.get("lang").as_deref() {
            Some("en") => return Lang::En,
            Some("de") => return Lang::De,
            _ => {}
        }
    }
    let browser = window.navigator().language().unwrap_or_default();
    if browser.to_lowercase().starts_with("de") {
        Lang::De
    } else {
        Lang::En
    }
}

/// The hospital's `text` in `lang`.
pub fn pick(lang: Lang, text: &mailslot_shared::wire::Localized) -> &str {
    match lang {
        Lang::De => &text.de,
        Lang::En => &text.en,
    }
}

/// The BCP 47 tag for `<html lang>`.
pub fn tag(lang: Lang) -> &'static str {
    match lang {
        Lang::De => "de",
        Lang::En => "en",
    }
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(text: &str) -> BTreeSet<String> {
        let res = match FluentResource::try_new(text.to_owned()) {
            Ok(r) => r,
            Err((_, errors)) => panic!("an .ftl file does not parse: {errors:?}"),
        };
        res.entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let (de, en) = (ids(DE_FTL), ids(EN_FTL));
        assert!(en.len() > 50);
        assert_eq!(
            de.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new()
        );
    }

    #[test]
    fn every_api_error_code_has_a_sentence() {
        let api = include_str!("../../docs/api.md");
        let mut codes = BTreeSet::new();
        // The error table: `| 401 | `wrong-password` | meaning |`.
        let rows = api.lines().filter(|l| {
            l.split('|')
                .nth(1)
                .is_some_and(|c| c.trim().len() == 3 && c.trim().parse::<u16>().is_ok())
        });
        for line in rows {
            let code_cell = line.split('|').nth(2).unwrap_or_default();
            for part in code_cell.split('`').skip(1).step_by(2) {
                codes.insert(part.to_owned());
            }
        }
        assert!(codes.contains("wrong-password") && codes.contains("mailbox-full"));
        for code in codes {
            for lang in [Lang::De, Lang::En] {
                assert!(
                    has(lang, &format!("error-{code}")),
                    "no {lang:?} sentence for `{code}`"
                );
            }
        }
        for code in ["network-error", "protocol-error", "file-unreadable"] {
            assert!(has(Lang::De, &format!("error-{code}")));
        }
        // The letters' reasons: `| `not-pdf` | meaning |`.
        let letters = api
            .lines()
            .skip_while(|l| !l.starts_with("A letter (`kind` `letter`)"))
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .collect::<Vec<_>>();
        assert_eq!(
            letters,
            ["not-pdf", "letter-unreadable", "letter-too-large"]
        );
        for code in letters {
            for lang in [Lang::De, Lang::En] {
                assert!(has(lang, &format!("error-{code}")), "{lang:?} `{code}`");
            }
        }
    }

    #[test]
    fn every_ignore_reason_has_a_sentence() {
        for r in IgnoreReason::OWN.iter().copied() {
            for lang in [Lang::De, Lang::En] {
                let s = ignored(lang, r);
                assert!(!s.starts_with("ignored-"), "no sentence for {r:?}");
            }
        }
        assert_eq!(
            ignored(Lang::En, IgnoreReason::Rule(RejectCode::Dicomdir)),
            RejectCode::Dicomdir.message(Lang::En)
        );
    }

    #[test]
    fn arguments_are_filled_in() {
        let s = ta(Lang::En, "error-other", &[("code", "teapot".into())]);
        assert!(s.contains("teapot"), "{s}");
        assert_eq!(
            rule(Lang::De, "truncated"),
            RejectCode::Truncated.message(Lang::De)
        );
    }
}
