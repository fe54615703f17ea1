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
use mailslot_shared::wire::{retention_period, HospitalInfo, WhenFull};

use crate::worker::protocol::IgnoreReason;

/// A language of the page: the same words the sender details carry.
pub use mailslot_shared::wire::Language;

/// The messages per language, in [`Language::ALL`]'s order.
pub const FTL: [(Language, &str); 7] = [
    (Language::De, include_str!("../locales/de.ftl")),
    (Language::En, include_str!("../locales/en.ftl")),
    (Language::Tr, include_str!("../locales/tr.ftl")),
    (Language::Ar, include_str!("../locales/ar.ftl")),
    (Language::Ru, include_str!("../locales/ru.ftl")),
    (Language::Uk, include_str!("../locales/uk.ftl")),
    (Language::Pl, include_str!("../locales/pl.ftl")),
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

fn with<R>(lang: Language, f: impl FnOnce(&FluentBundle<FluentResource>) -> R) -> R {
    BUNDLES.with(|cell| {
        let mut all = cell.borrow_mut();
        if all.is_empty() {
            *all = FTL
                .iter()
                .map(|(l, text)| bundle(l.as_str(), text))
                .collect();
        }
        let at = Language::ALL.iter().position(|l| *l == lang).unwrap_or(1);
        f(&all[at])
    })
}

/// Whether a message exists.
pub fn has(lang: Language, id: &str) -> bool {
    with(lang, |b| b.has_message(id))
}

/// The message `id` with arguments; English if the language lacks it, the
/// id itself if English does too (tests keep both from happening).
pub fn ta(lang: Language, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let lang = if lang != Language::En && !has(lang, id) {
        Language::En
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
pub fn t(lang: Language, id: &str) -> String {
    ta(lang, id, &[])
}

/// The variables of the `keeping-*` and `easy-keep` messages, from what
/// the server's configuration says becomes of a sending (`GET
/// /api/hospital`): `$keeping`, `$unit`, `$count`.
pub fn keeping_args(h: &HospitalInfo) -> [(&'static str, FluentValue<'static>); 3] {
    let (unit, count) = retention_period(h.retention_days);
    [
        ("keeping", h.keeping.as_str().into()),
        ("unit", unit.into()),
        ("count", count.into()),
    ]
}

/// The sentences about keeping and deleting, in order: where the images
/// go, what is deleted when, and (with `full`) what happens when the
/// mailbox is full. Every page that speaks of it says these.
pub fn keeping(lang: Language, h: &HospitalInfo, full: bool) -> Vec<String> {
    let args = keeping_args(h);
    let mut out = vec![
        ta(lang, "keeping-images", &args),
        ta(lang, "keeping-deleted", &args),
    ];
    if full {
        out.push(match h.when_full {
            WhenFull::RefuseNew => t(lang, "keeping-full"),
        });
    }
    out
}

/// The sentence for an API error code (or `network-error`, …).
pub fn error(lang: Language, code: &str) -> String {
    let id = format!("error-{code}");
    if has(lang, &id) || has(Language::En, &id) {
        t(lang, &id)
    } else {
        ta(lang, "error-other", &[("code", code.to_owned().into())])
    }
}

/// The sentence for an acceptance-rule code in `lang`.
fn rule_sentence(lang: Language, c: RejectCode) -> String {
    let id = format!("rule-{}", c.code());
    if has(lang, &id) {
        t(lang, &id)
    } else {
        c.message(lang.base()).to_owned()
    }
}

/// The sentence for an acceptance-rule code sent by the server.
pub fn rule(lang: Language, code: &str) -> String {
    match RejectCode::ALL.iter().find(|c| c.code() == code) {
        Some(c) => rule_sentence(lang, *c),
        None => error(lang, code),
    }
}

/// Why a file was left out, as a sentence.
pub fn ignored(lang: Language, reason: IgnoreReason) -> String {
    match reason {
        IgnoreReason::Rule(c) => rule_sentence(lang, c),
        other => t(lang, &format!("ignored-{}", other.code())),
    }
}

/// The language to start in: `?lang=` if given, else the first of the
/// browser's languages the page has, else German.
pub fn initial_lang() -> Language {
    let Some(window) = web_sys::window() else {
        return Language::De;
    };
    let query = window.location().search().unwrap_or_default();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&query) {
        if let Some(lang) = params.get("lang").as_deref().and_then(Language::from_tag) {
            return lang;
        }
    }
    let navigator = window.navigator();
    navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .chain(navigator.language())
        .find_map(|tag| Language::from_tag(&tag))
        .unwrap_or(Language::De)
}

/// The hospital's `text` in `lang` (English for the languages the
/// hospital's texts do not come in).
pub fn pick(lang: Language, text: &mailslot_shared::wire::Localized) -> &str {
    match lang.base() {
        mailslot_shared::dicom::Lang::De => &text.de,
        mailslot_shared::dicom::Lang::En => &text.en,
    }
}

/// The note beside the hospital's own texts when they are not in `lang`.
pub fn hospital_note(lang: Language) -> Option<String> {
    (!matches!(lang, Language::De | Language::En)).then(|| t(lang, "hospital-text-english-only"))
}

/// The BCP 47 tag for `<html lang>`.
pub fn tag(lang: Language) -> &'static str {
    lang.as_str()
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use mailslot_shared::wire::Keeping;
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
            if !matches!(lang, Language::De | Language::En) {
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
                !matches!(lang, Language::De | Language::En),
                "{lang:?}: the first lines must say whether a person still has to review it"
            );
        }
    }

    #[test]
    fn languages_by_tag_and_direction() {
        assert_eq!(Language::from_tag("ar-SY"), Some(Language::Ar));
        assert_eq!(Language::from_tag("de_AT"), Some(Language::De));
        assert_eq!(Language::from_tag("UK"), Some(Language::Uk));
        assert_eq!(Language::from_tag("fr"), None);
        assert!(Language::Ar.rtl() && !Language::Tr.rtl());
        for l in Language::ALL {
            assert_eq!(Language::from_tag(l.as_str()), Some(l));
        }
        // The hospital's texts: English with a note where they are not in
        // the page's language.
        assert!(hospital_note(Language::De).is_none() && hospital_note(Language::En).is_none());
        assert!(hospital_note(Language::Tr).is_some_and(|n| !n.is_empty()));
        // A rule's sentence in Turkish is Turkish, not the English one.
        assert_ne!(
            rule(Language::Tr, "truncated"),
            RejectCode::Truncated.message(Language::En.base())
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
            for lang in [Language::De, Language::En] {
                assert!(
                    has(lang, &format!("error-{code}")),
                    "no {lang:?} sentence for `{code}`"
                );
            }
        }
        for code in ["network-error", "protocol-error", "file-unreadable"] {
            assert!(has(Language::De, &format!("error-{code}")));
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
            for lang in [Language::De, Language::En] {
                assert!(has(lang, &format!("error-{code}")), "{lang:?} `{code}`");
            }
        }
    }

    #[test]
    fn every_ignore_reason_has_a_sentence() {
        for r in IgnoreReason::OWN.iter().copied() {
            for lang in [Language::De, Language::En] {
                let s = ignored(lang, r);
                assert!(!s.starts_with("ignored-"), "no sentence for {r:?}");
            }
        }
        assert_eq!(
            ignored(Language::En, IgnoreReason::Rule(RejectCode::Dicomdir)),
            RejectCode::Dicomdir.message(Language::En.base())
        );
    }

    /// Every language says where the images go and when they are deleted
    /// for both kinds of keeping, in weeks and in days, for one and for
    /// many: every variable and reference resolves, and the number is said.
    #[test]
    fn every_language_says_what_becomes_of_a_sending_from_the_facts() {
        let ids = [
            "keeping-images",
            "keeping-deleted",
            "keeping-full",
            "easy-keep",
        ];
        for (lang, text) in FTL {
            let b = bundle(lang.as_str(), text);
            for days in [42, 10, 23, 7, 1] {
                let (unit, count) = retention_period(days);
                let mut said = Vec::new();
                for keeping in [Keeping::Archive, Keeping::Mailbox] {
                    let mut args = FluentArgs::new();
                    args.set("keeping", keeping.as_str());
                    args.set("unit", unit);
                    args.set("count", count);
                    let mut all = String::new();
                    for id in ids {
                        let Some(pattern) = b.get_message(id).and_then(|m| m.value()) else {
                            panic!("{lang:?}: no {id}");
                        };
                        let mut errors = Vec::new();
                        let s = b.format_pattern(pattern, Some(&args), &mut errors);
                        assert!(errors.is_empty(), "{lang:?} {id} {days} days: {errors:?}");
                        assert!(
                            !s.contains('{') && !s.trim().is_empty(),
                            "{lang:?} {id}: {s}"
                        );
                        all.push_str(&s);
                    }
                    if count > 1 {
                        assert!(
                            all.contains(&count.to_string()),
                            "{lang:?} {keeping:?} {days} days: {all}"
                        );
                    }
                    said.push(all);
                }
                assert_ne!(
                    said[0], said[1],
                    "{lang:?}: archive and mailbox say the same"
                );
            }
        }
    }

    #[test]
    fn the_keeping_sentences_speak_of_the_configured_period() {
        let text = |s: &str| mailslot_shared::wire::Localized {
            de: s.into(),
            en: s.into(),
        };
        let mut h = HospitalInfo {
            name: text("K"),
            phones: Vec::new(),
            hours: text("8-16"),
            email: None,
            fax: None,
            address: None,
            departments: Vec::new(),
            help: text("help"),
            privacy: mailslot_shared::wire::PrivacyStatement {
                version: "1".into(),
                text: text("p"),
            },
            retention_days: 42,
            keeping: Keeping::Mailbox,
            when_full: WhenFull::RefuseNew,
            costs: None,
            accessibility: Default::default(),
        };
        let said = keeping(Language::En, &h, true).join(" ");
        assert!(said.contains("after 6 weeks at the latest"), "{said}");
        assert!(said.contains("mailbox until staff take"), "{said}");
        assert!(said.contains("accepts nothing new"), "{said}");
        assert_eq!(keeping(Language::En, &h, false).len(), 2);
        h.retention_days = 10;
        h.keeping = Keeping::Archive;
        let said = keeping(Language::De, &h, false).join(" ");
        assert!(said.contains("spätestens nach 10 Tagen"), "{said}");
        assert!(said.contains("sofort weiter in das Bildarchiv"), "{said}");
    }

    #[test]
    fn arguments_are_filled_in() {
        let s = ta(Language::En, "error-other", &[("code", "teapot".into())]);
        assert!(s.contains("teapot"), "{s}");
        assert_eq!(
            rule(Language::De, "truncated"),
            RejectCode::Truncated.message(Language::De.base())
        );
    }
}
