//! Step 1: what this is, the privacy statement, consent.

use std::rc::Rc;

use crate::i18n::Language;
use mailslot_shared::wire::HospitalInfo;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::model::Action;
use crate::app::widgets::{aria_invalid, costs, paragraphs, pick};
use crate::i18n::{keeping, t, ta};

/// The Welcome step's properties.
#[derive(Properties, PartialEq)]
pub struct WelcomeProps {
    /// The page's language.
    pub lang: Language,
    /// The hospital's texts.
    pub hospital: Rc<HospitalInfo>,
    /// "I agree to the privacy statement".
    pub agree: bool,
    /// "I may send these images".
    pub may_send: bool,
    /// Fields with problems.
    pub invalid: Vec<&'static str>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// What this is, the privacy statement and the two consent boxes.
#[function_component]
pub fn Welcome(p: &WelcomeProps) -> Html {
    let (l, h) = (p.lang, &p.hospital);
    let onsubmit = p.dispatch.reform(|e: SubmitEvent| {
        e.prevent_default();
        Action::WelcomeNext
    });
    let checked = |e: Event| e.target_unchecked_into::<HtmlInputElement>().checked();
    html! {
        <>
            <p>{ ta(l, "welcome-intro", &[("hospital", pick(l, &h.name).to_owned().into())]) }</p>
            <ul class="facts">
                <li>{ t(l, "welcome-one-way") }</li>
                <li>{ t(l, "welcome-not-looked-at") }</li>
                { for keeping(l, h, true).into_iter().map(|s| html! { <li>{ s }</li> }) }
                <li>{ t(l, "welcome-encrypted") }</li>
                <li>{ t(l, "welcome-password") }</li>
                <li>{ t(l, "welcome-get-in-touch") }</li>
                { costs(l, h, "li") }
            </ul>
            <p class="no-print">
                <a href={ crate::app::route::View::Instructions.href(l) }>{ t(l, "instructions-link") }</a>
                { " · " }
                <a href={ crate::app::instructions::pdf_href(l) } download="">{ t(l, "instructions-pdf") }</a>
            </p>
            <section class="privacy" aria-labelledby="privacy-heading" tabindex="0">
                <h2 id="privacy-heading">{ t(l, "privacy-heading") }</h2>
                if let Some(note) = crate::i18n::hospital_note(l) {
                    <p class="note">{ note }</p>
                }
                <div lang={ l.base_tag() } dir="ltr">{ paragraphs(pick(l, &h.privacy.text)) }</div>
                <p class="version">{ ta(l, "privacy-version", &[("version", h.privacy.version.clone().into())]) }</p>
            </section>
            <form {onsubmit} novalidate=true>
                <div class="check">
                    <input type="checkbox" id="consent-agree" checked={ p.agree }
                        aria-invalid={ aria_invalid(&p.invalid, "consent-agree") }
                        onchange={ p.dispatch.reform(move |e| Action::Agree(checked(e))) }/>
                    <label for="consent-agree">{ t(l, "welcome-agree") }</label>
                </div>
                <div class="check">
                    <input type="checkbox" id="consent-may-send" checked={ p.may_send }
                        aria-invalid={ aria_invalid(&p.invalid, "consent-may-send") }
                        onchange={ p.dispatch.reform(move |e| Action::MaySend(checked(e))) }/>
                    <label for="consent-may-send">{ t(l, "welcome-may-send") }</label>
                </div>
                <div class="actions">
                    <button type="submit" class="primary">{ t(l, "continue") }</button>
                </div>
            </form>
        </>
    }
}
