//! The pages besides the upload itself, chosen by `?view=`: the printable
//! instructions, the service in easy language (Leichte Sprache, BITV 2.0
//! § 4) and the accessibility statement. Each opens in its own tab from
//! the footer, so an upload in progress is never left.

use std::rc::Rc;

use crate::i18n::Language;
use mailslot_shared::wire::HospitalInfo;
use yew::prelude::*;

use crate::app::route::View;
use crate::app::widgets::{paragraphs, phone_items, pick};
use crate::i18n::{keeping_args, t, ta};

/// The pages' properties.
#[derive(Properties, PartialEq)]
pub struct InfoProps {
    /// The page's language.
    pub lang: Language,
    /// The hospital's texts.
    pub hospital: Rc<HospitalInfo>,
}

/// The service in easy language: what it is, what is needed, how it goes,
/// what happens after, what becomes of the pictures (from the server's
/// configuration, like every page's sentences on keeping). Short sentences, one statement each.
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
            { section("easy-keep-heading", ta(l, "easy-keep", &keeping_args(h))) }
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
