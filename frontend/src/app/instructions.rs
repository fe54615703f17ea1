//! The printable instructions ("Anleitung", `?view=instructions`): what to
//! have ready, each step of the page, what the receipt means, whom to call.
//! Built from the page's own texts (the steps' headings are the headings
//! the page shows) and the hospital's configuration, so the two never
//! disagree; the browser prints it or saves it as a PDF.

use std::rc::Rc;

use crate::i18n::Language;
use mailslot_shared::wire::HospitalInfo;
use yew::prelude::*;

use crate::app::model::Step;
use crate::app::widgets::{costs, pick, Contacts};
use crate::i18n::{keeping, t, ta};

/// The instructions' properties.
#[derive(Properties, PartialEq)]
pub struct InstructionsProps {
    /// The page's language.
    pub lang: Language,
    /// The hospital's texts.
    pub hospital: Rc<HospitalInfo>,
}

/// The instructions as a PDF (made by the server from the same texts).
pub fn pdf_href(lang: Language) -> String {
    // The server makes it in German and English.
    format!("/api/instructions/{}", lang.base_tag())
}

/// The printable guide for senders.
#[function_component]
pub fn Instructions(p: &InstructionsProps) -> Html {
    let (l, h) = (p.lang, &p.hospital);
    let hospital = pick(l, &h.name).to_owned();
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    html! {
        <>
            <p>{ ta(l, "instructions-intro", &[("hospital", hospital.clone().into())]) }</p>
            <div class="actions no-print">
                <button type="button" class="primary" onclick={ print }>{ t(l, "instructions-print") }</button>
                <a href={ pdf_href(l) } download="">{ t(l, "instructions-pdf") }</a>
                <a href={ format!("?lang={}", crate::i18n::tag(l)) }>{ t(l, "instructions-back") }</a>
            </div>
            <h2>{ t(l, "instructions-need-heading") }</h2>
            <ul>
                <li>{ t(l, "instructions-need-images") }</li>
                <li>{ t(l, "welcome-password") }</li>
                <li>{ t(l, "instructions-need-computer") }</li>
            </ul>
            <h2>{ t(l, "instructions-steps-heading") }</h2>
            <ol class="instructions-steps">
                { for Step::ALL.iter().map(|s| html! {
                    <li><strong>{ t(l, s.heading_id()) }</strong>{ ": " }{ t(l, s.instructions_id()) }</li>
                }) }
            </ol>
            <h2>{ t(l, "instructions-receipt-heading") }</h2>
            <p>{ t(l, "instructions-receipt") }</p>
            <p class="keeping">{ keeping(l, h, true).join(" ") }</p>
            { costs(l, h, "p") }
            <h2>{ t(l, "instructions-call-heading") }</h2>
            <Contacts lang={ l } hospital={ h.clone() }/>
        </>
    }
}
