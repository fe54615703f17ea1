//! The page's words, from Fluent files (`frontend/locales/*.ftl`), in the
//! languages of the hospital's patients: German and English, and Turkish,
//! Arabic (right to left), Russian, Ukrainian and Polish (machine-made
//! translations, marked so in their files, for a hospital to have
//! reviewed). The acceptance rules' sentences come from `shared` in German
//! and English (the words `mailslot verify` prints) and from the files'
//! `rule-<code>` messages in the other languages; every API error code has
//! a sentence here (a test checks the list in `docs/api.md`). The
//! hospital's own texts exist in German and English only: the other
//! languages show the English text with a note ([`hospital_note`]).

use std::cell::RefCell;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use mailslot_shared::dicom::RejectCode;

use crate::worker::protocol::IgnoreReason;

/// A language of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// German.
    #[default]
    De,
    /// English.
    En,
    /// Turkish.
    Tr,
    /// Arabic (right to left).
    Ar,
    /// Russian.
    Ru,
    /// Ukrainian.
    Uk,
    /// Polish.
    Pl,
}

impl Lang {
    /// Every language, in the order the switch lists them.
    pub const ALL: [Lang; 7] = [
        Lang::De,
        Lang::En,
        Lang::Tr,
        Lang::Ar,
        Lang::Ru,
        Lang::Uk,
        Lang::Pl,
    ];

    /// The BCP 47 tag (`<html lang>`, `?lang=`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
            Lang::Tr => "tr",
            Lang::Ar => "ar",
            Lang::Ru => "ru",
            Lang::Uk => "uk",
            Lang::Pl => "pl",
        }
    }

    /// The language by its tag (`de`, `de-AT`, `ar-SY` …).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// Its own name for itself (the language switch).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::De => "Deutsch",
            Lang::En => "English",
            Lang::Tr => "Türkçe",
            Lang::Ar => "العربية",
            Lang::Ru => "Русский",
            Lang::Uk => "Українська",
            Lang::Pl => "Polski",
        }
    }

    /// The tag of [`Lang::base`]: the language the hospital's texts are
    /// shown in (for their `lang` attribute).
    pub fn base_tag(self) -> &'static str {
        match self.base() {
            mailslot_shared::dicom::Lang::De => "de",
            mailslot_shared::dicom::Lang::En => "en",
        }
    }

    /// Written right to left.
    pub fn rtl(self) -> bool {
        self == Lang::Ar
    }

    /// The language of texts that exist only in German and English (the
    /// rules' sentences in `shared`, the hospital's own texts): German for
    /// German, English for every other.
    pub fn base(self) -> mailslot_shared::dicom::Lang {
        match self {
            Lang::De => mailslot_shared::dicom::Lang::De,
            _ => mailslot_shared::dicom::Lang::En,
        }
    }
}

/// The messages per language, in [`Lang::ALL`]'s order.
pub const FTL: [(Lang, &str); 7] = [
    (Lang::De, include_str!("../locales/de.ftl")),
    (Lang::En, include_str!("../locales/en.ftl")),
    (Lang::Tr, include_str!("../locales/tr.ftl")),
    (Lang::Ar, include_str!("../locales/ar.ftl")),
    (Lang::Ru, include_str!("../locales/ru.ftl")),
    (Lang::Uk, include_str!("../locales/uk.ftl")),
    (Lang::Pl, include_str!("../locales/pl.ftl")),
];

/// The English messages.
pub const EN_FTL: &str = FTL[1].1;
/// The German messages.
pub const DE_FTL: &str = FTL[0].1;

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
    static BUNDLES: RefCell<Vec<FluentBundle<FluentResource>>> = const { RefCell::new(Vec::new()) };
}

fn with<R>(lang: Lang, f: impl FnOnce(&FluentBundle<FluentResource>) -> R) -> R {
    BUNDLES.with(|cell| {
        let mut all = cell.borrow_mut();
        if all.is_empty() {
            *all = FTL.iter().map(|(l, text)| bundle(l.tag(), text)).collect();
        }
        let at = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(1);
        f(&all[at])
    })
}

/// Whether a message exists.
pub fn has(lang: Lang, id: &str) -> bool {
    with(lang, |b| b.has_message(id))
}

/// The message `id` with arguments; English if the language lacks it, the
/// id itself if English does too (tests keep both from happening).
pub fn ta(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let lang = if lang != Lang::En && !has(lang, id) {
        Lang::En
    } else {
        lang
    };
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
    if has(lang, &id) || has(Lang::En, &id) {
        t(lang, &id)
    } else {
        ta(lang, "error-other", &[("code", code.to_owned().into())])
    }
}

/// The sentence for an acceptance-rule code in `lang`.
fn rule_sentence(lang: Lang, c: RejectCode) -> String {
    let id = format!("rule-{}", c.code());
    if has(lang, &id) {
        t(lang, &id)
    } else {
        c.message(lang.base()).to_owned()
    }
}

/// The sentence for an acceptance-rule code sent by the server.
pub fn rule(lang: Lang, code: &str) -> String {
    match RejectCode::ALL.iter().find(|c| c.code() == code) {
        Some(c) => rule_sentence(lang, *c),
        None => error(lang, code),
    }
}

/// Why a file was left out, as a sentence.
pub fn ignored(lang: Lang, reason: IgnoreReason) -> String {
    match reason {
        IgnoreReason::Rule(c) => rule_sentence(lang, c),
        other => t(lang, &format!("ignored-{}", other.code())),
    }
}

/// The language to start in: `?lang=` if given, else the first of the
/// browser's languages the page has, else German.
pub fn initial_lang() -> Lang {
    let Some(window) = web_sys::window() else {
        return Lang::De;
    };
    let query = window.location().search().unwrap_or_default();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&query) {
        if let Some(lang) = params.get("lang").as_deref().and_then(Lang::from_tag) {
            return lang;
        }
    }
    let navigator = window.navigator();
    navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .chain(navigator.language())
        .find_map(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::De)
}

/// The hospital's `text` in `lang` (English for the languages the
/// hospital's texts do not come in).
pub fn pick(lang: Lang, text: &mailslot_shared::wire::Localized) -> &str {
    match lang.base() {
        mailslot_shared::dicom::Lang::De => &text.de,
        mailslot_shared::dicom::Lang::En => &text.en,
    }
}

/// The note beside the hospital's own texts when they are not in `lang`.
pub fn hospital_note(lang: Lang) -> Option<String> {
    (!matches!(lang, Lang::De | Lang::En)).then(|| t(lang, "hospital-text-english-only"))
}

/// The BCP 47 tag for `<html lang>`.
pub fn tag(lang: Lang) -> &'static str {
    lang.tag()
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
    fn every_language_has_every_message() {
        let en = ids(EN_FTL);
        assert!(en.len() > 50);
        let rules: BTreeSet<String> = RejectCode::ALL
            .iter()
            .map(|c| format!("rule-{}", c.code()))
            .collect();
        for (lang, text) in FTL {
            let mut want = en.clone();
            // German and English take the rules' sentences from `shared`;
            // the others have their own.
            if !matches!(lang, Lang::De | Lang::En) {
                want.extend(rules.iter().cloned());
            }
            let have = ids(text);
            assert_eq!(
                have.symmetric_difference(&want).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "{lang:?}: messages missing or extra"
            );
        }
    }

    #[test]
    fn machine_made_translations_say_so() {
        for (lang, text) in FTL {
            let marked = text
                .lines()
                .take(5)
                .any(|l| l.starts_with("# MACHINE TRANSLATION"));
            assert_eq!(
                marked,
                !matches!(lang, Lang::De | Lang::En),
                "{lang:?}: the first lines must say whether a person still has to review it"
            );
        }
    }

    #[test]
    fn languages_by_tag_and_direction() {
        assert_eq!(Lang::from_tag("ar-SY"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag("de_AT"), Some(Lang::De));
        assert_eq!(Lang::from_tag("UK"), Some(Lang::Uk));
        assert_eq!(Lang::from_tag("fr"), None);
        assert!(Lang::Ar.rtl() && !Lang::Tr.rtl());
        for l in Lang::ALL {
            assert_eq!(Lang::from_tag(l.tag()), Some(l));
        }
        // The hospital's texts: English with a note where they are not in
        // the page's language.
        assert!(hospital_note(Lang::De).is_none() && hospital_note(Lang::En).is_none());
        assert!(hospital_note(Lang::Tr).is_some_and(|n| !n.is_empty()));
        // A rule's sentence in Turkish is Turkish, not the English one.
        assert_ne!(
            rule(Lang::Tr, "truncated"),
            RejectCode::Truncated.message(Lang::En.base())
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
            RejectCode::Dicomdir.message(Lang::En.base())
        );
    }

    #[test]
    fn arguments_are_filled_in() {
        let s = ta(Lang::En, "error-other", &[("code", "teapot".into())]);
        assert!(s.contains("teapot"), "{s}");
        assert_eq!(
            rule(Lang::De, "truncated"),
            RejectCode::Truncated.message(Lang::De.base())
        );
    }
}
