//! Step 7: the receipt — the reference number to quote, what arrived,
//! what was refused, what happens next; printable.

use std::rc::Rc;

use crate::i18n::Language;
use mailslot_shared::wire::{HospitalInfo, Receipt};
use yew::prelude::*;

use crate::app::widgets::{costs, pick};
use crate::i18n::{self, t, ta};
use crate::tree::format_bytes;

/// The Receipt step's properties.
#[derive(Properties, PartialEq)]
pub struct ReceiptProps {
    /// The page's language.
    pub lang: Language,
    /// The receipt.
    pub receipt: Receipt,
    /// The hospital's texts.
    pub hospital: Rc<HospitalInfo>,
}

/// The receipt, printable.
#[function_component]
pub fn ReceiptStep(p: &ReceiptProps) -> Html {
    let (l, r, h) = (p.lang, &p.receipt, &p.hospital);
    let phone = h
        .phones
        .first()
        .map(|ph| ph.number.clone())
        .unwrap_or_default();
    let when = js_sys::Date::new(&((r.received_at as f64) * 1000.0).into());
    let when = String::from(when.to_locale_string(i18n::tag(l), &wasm_bindgen::JsValue::UNDEFINED));
    let print = Callback::from(|_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    html! {
        <>
            <p class="reference">
                <span class="label" id="reference-label">{ t(l, "receipt-reference") }</span>{ " " }
                <strong aria-labelledby="reference-label" class="number">{ &r.reference }</strong>
            </p>
            <p>{ ta(l, "receipt-sent", &[
                ("images", r.files.into()),
                ("letters", r.letters.into()),
                ("size", format_bytes(r.bytes, l).into()),
                ("when", when.into()),
            ]) }</p>
            if !r.refused.is_empty() {
                <section aria-labelledby="receipt-refused">
                    <h2 id="receipt-refused">{ t(l, "receipt-refused-heading") }</h2>
                    <ul>
                    { for r.refused.iter().map(|(code, n)| html! {
                        <li>{ ta(l, "receipt-refused-line", &[("count", (*n).into()), ("reason", i18n::rule(l, code).into())]) }</li>
                    }) }
                    </ul>
                </section>
            }
            <h2>{ t(l, "receipt-next-heading") }</h2>
            <p>{ ta(l, "receipt-next", &[
                ("hospital", pick(l, &h.name).to_owned().into()),
                ("phone", phone.into()),
                ("hours", pick(l, &h.hours).to_owned().into()),
            ]) }</p>
            <p class="keeping">{ i18n::keeping(l, h, false).join(" ") }</p>
            { costs(l, h, "p") }
            <div class="actions no-print">
                <button type="button" class="primary" onclick={ print }>{ t(l, "receipt-print") }</button>
            </div>
        </>
    }
}
