//! The pages besides the upload itself, chosen by `?view=`: the printable
//! instructions, the service in easy language (Leichte Sprache, BITV 2.0
//! § 4) and the accessibility statement. Each opens in its own tab from
//! the footer, so an upload in progress is never left.

use std::rc::Rc;

use crate::i18n::Lang;
use mailslot_shared::wire::HospitalInfo;
use yew::prelude::*;

use crate::app::widgets::{paragraphs, phone_items, pick};
use crate::i18n::{t, ta};

/// Which page the address asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The upload, step by step.
    Upload,
    /// The printable instructions.
    Instructions,
    /// The service explained in easy language.
    Easy,
    /// The accessibility statement.
    Accessibility,
}

impl View {
    /// The page `?view=` names (anything else: the upload).
    pub fn requested() -> View {
        let view = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
            .and_then(|p| p.get("view"));
        match view.as_deref() {
            Some("instructions") => View::Instructions,
            Some("easy") => View::Easy,
            Some("accessibility") => View::Accessibility,
            _ => View::Upload,
        }
    }

    /// The link to this page in `lang`.
    pub fn href(self, lang: Lang) -> String {
        let view = match self {
            View::Upload => return format!("?lang={}", crate::i18n::tag(lang)),
            View::Instructions => "instructions",
            View::Easy => "easy",
            View::Accessibility => "accessibility",
        };
        format!("?view={view}&lang={}", crate::i18n::tag(lang))
    }

    /// The message id of the page's heading (and title).
    pub fn heading_id(self) -> &'static str {
        match self {
            View::Upload => "app-name",
            View::Instructions => "instructions-heading",
            View::Easy => "easy-heading",
            View::Accessibility => "accessibility-heading",
        }
    }
}

/// The pages' properties.
#[derive(Properties, PartialEq)]
pub struct InfoProps {
    /// The page's language.
    pub lang: Lang,
    /// The hospital's texts.
    pub hospital: Rc<HospitalInfo>,
}

/// The service in easy language: what it is, what is needed, how it goes,
/// what happens after. Short sentences, one statement each.
#[function_component]
pub fn Easy(p: &InfoProps) -> Html {
    let (l, h) = (p.lang, &p.hospital);
    let phone = h
        .phones
        .first()
        .map(|p| p.number.clone())
        .unwrap_or_default();
    let hospital = pick(l, &h.name).to_owned();
    let section = |heading: &str, body: String| {
        html! {
            <section class="easy">
                <h2>{ t(l, heading) }</h2>
                { for body.lines().filter(|s| !s.trim().is_empty()).map(|s| html! { <p>{ s.trim() }</p> }) }
            </section>
        }
    };
    html! {
        <>
            { section("easy-what-heading", ta(l, "easy-what", &[("hospital", hospital.into())])) }
            { section("easy-need-heading", t(l, "easy-need")) }
            { section("easy-how-heading", t(l, "easy-how")) }
            { section("easy-after-heading", ta(l, "easy-after", &[("phone", phone.into())])) }
            <p><a href={ View::Upload.href(l) }>{ t(l, "easy-start") }</a></p>
        </>
    }
}

/// The accessibility statement the page comes with (a hospital with its
/// own statement links there instead).
#[function_component]
pub fn AccessibilityStatement(p: &InfoProps) -> Html {
    let (l, h) = (p.lang, &p.hospital);
    let hospital = pick(l, &h.name).to_owned();
    let a = &h.accessibility;
    let feedback = a.feedback_email.clone().or_else(|| h.email.clone());
    html! {
        <>
            { paragraphs(&ta(l, "accessibility-intro", &[("hospital", hospital.into())])) }
            <h2>{ t(l, "accessibility-status-heading") }</h2>
            { paragraphs(&t(l, "accessibility-status")) }
            <h2>{ t(l, "accessibility-limits-heading") }</h2>
            { paragraphs(&t(l, "accessibility-limits")) }
            <h2>{ t(l, "accessibility-feedback-heading") }</h2>
            <p>{ t(l, "accessibility-feedback") }</p>
            <ul class="contact">
                if let Some(email) = feedback {
                    <li>{ t(l, "help-email") }{ ": " }<a href={ format!("mailto:{email}") }>{ email }</a></li>
                }
                { phone_items(l, h) }
            </ul>
            <h2>{ t(l, "accessibility-enforcement-heading") }</h2>
            { paragraphs(&t(l, "accessibility-enforcement")) }
            <p><a href="https://www.schlichtungsstelle-bgg.de">{ "www.schlichtungsstelle-bgg.de" }</a></p>
            if !a.reviewed.is_empty() {
                <p class="hint">{ ta(l, "accessibility-reviewed", &[("date", a.reviewed.clone().into())]) }</p>
            }
        </>
    }
}

/// The footer's links to the other pages, each in a new tab.
pub fn more_links(l: Lang, h: &HospitalInfo) -> Html {
    let accessibility = h
        .accessibility
        .statement_url
        .clone()
        .unwrap_or_else(|| View::Accessibility.href(l));
    let link = |href: String, text: String| {
        html! {
            <li><a { href } target="_blank" rel="noopener">{ text }
                <span class="visually-hidden">{ " " }{ t(l, "new-tab") }</span></a></li>
        }
    };
    html! {
        <nav class="more" aria-label={ t(l, "more-nav") }>
            <ul>
                { link(View::Easy.href(l), t(l, "more-easy")) }
                { link(accessibility, t(l, "more-accessibility")) }
                { link(View::Instructions.href(l), t(l, "instructions-link")) }
            </ul>
        </nav>
    }
}
