//! Pieces every step uses: the header with the language switch, the help
//! footer, the error summary (focused, each line linking to its field),
//! a labelled text field, and small helpers. Every control has a visible
//! label that is also its accessible name.

use std::rc::Rc;

use crate::i18n::Language;
use mailslot_shared::wire::HospitalInfo;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::model::{Problem, StudyLabel};
pub use crate::i18n::pick;
use crate::i18n::{t, ta};
use crate::tree::format_date;

/// A study as the sender sees it: its date and description.
pub fn study_name(l: Language, s: &StudyLabel) -> String {
    let date = s
        .date
        .as_deref()
        .map(|d| format_date(d, l))
        .unwrap_or_default();
    let desc = s.description.clone().unwrap_or_default();
    ta(
        l,
        "send-study",
        &[("date", date.into()), ("description", desc.into())],
    )
}

/// `aria-invalid` for field `id`.
pub fn aria_invalid(invalid: &[&'static str], id: &str) -> Option<&'static str> {
    invalid.contains(&id).then_some("true")
}

/// A button's click that opens the hidden file input `id`.
pub fn click(id: &'static str) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        if let Some(input) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        {
            input.click();
        }
    })
}

/// The hospital's sentence on costs, if it gives one, as a `tag` (`li`,
/// `p`) marked with the language it is in (English where the hospital's
/// texts are not in the page's language).
pub fn costs(l: Language, h: &HospitalInfo, tag: &'static str) -> Html {
    match &h.costs {
        Some(text) => html! {
            <@{tag} class="costs" lang={ l.base_tag() } dir="ltr">{ pick(l, text) }</@>
        },
        None => Html::default(),
    }
}

/// Paragraphs separated by blank lines.
pub fn paragraphs(text: &str) -> Html {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| html! { <p>{ p }</p> })
        .collect()
}

/// The header's properties.
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The page's language.
    pub lang: Language,
    /// The hospital's name ("" while loading).
    pub hospital: AttrValue,
    /// Switch language.
    pub on_lang: Callback<Language>,
}

/// The hospital's name, the service's, and the language switch.
#[function_component]
pub fn Header(p: &HeaderProps) -> Html {
    let l = p.lang;
    let to = |lang: Language| p.on_lang.reform(move |_: MouseEvent| lang);
    html! {
        <header class="top">
            <p class="brand">
                <span class="hospital">{ p.hospital.clone() }</span>
                <span class="service">{ t(l, "app-name") }</span>
            </p>
            <nav class="langs" aria-label={ t(l, "language-nav") }>
                { for Language::ALL.into_iter().map(|lang| html! {
                    <button type="button" lang={ lang.as_str() } dir={ if lang.rtl() { "rtl" } else { "ltr" } }
                        aria-pressed={ (l == lang).to_string() }
                        onclick={ to(lang) }>{ lang.native_name() }</button>
                }) }
            </nav>
        </header>
    }
}

/// The footer's properties.
#[derive(Properties, PartialEq)]
pub struct FooterProps {
    /// The page's language.
    pub lang: Language,
    /// The hospital's texts.
    pub hospital: Rc<HospitalInfo>,
}

/// Help: whom to call, and when.
#[function_component]
pub fn Footer(p: &FooterProps) -> Html {
    html! {
        <footer class="help">
            <h2>{ t(p.lang, "help-heading") }</h2>
            <Contacts lang={ p.lang } hospital={ p.hospital.clone() }/>
            { crate::app::route::more_links(p.lang, &p.hospital) }
        </footer>
    }
}

/// The hospital's ways in: help text, phones and hours, e-mail, fax and
/// postal address (the footer, and the printable instructions).
#[function_component]
pub fn Contacts(p: &FooterProps) -> Html {
    let (l, h) = (p.lang, &p.hospital);
    html! {
        <>
            if let Some(note) = crate::i18n::hospital_note(l) {
                <p class="note">{ note }</p>
            }
            <p lang={ l.base_tag() } dir="ltr">{ pick(l, &h.help) }</p>
            <ul class="phones">{ phone_items(l, h) }</ul>
            <p lang={ l.base_tag() } dir="ltr">{ pick(l, &h.hours) }</p>
            <ul class="contact">
                if let Some(email) = &h.email {
                    <li>{ t(l, "help-email") }{ ": " }<a href={ format!("mailto:{email}") }>{ email }</a></li>
                }
                if let Some(fax) = &h.fax {
                    <li>{ t(l, "help-fax") }{ ": " }{ fax }</li>
                }
            </ul>
            if let Some(address) = &h.address {
                <address lang={ l.base_tag() } dir="ltr">
                    { for pick(l, address).lines().map(|line| html! { <>{ line }<br/></> }) }
                </address>
            }
        </>
    }
}

/// The hospital's phones as list items: label and a number to call.
pub fn phone_items(l: Language, h: &HospitalInfo) -> Html {
    h.phones
        .iter()
        .map(|ph| {
            html! {
                <li><span lang={ l.base_tag() }>{ pick(l, &ph.label) }</span>{ ": " }
                    <a href={ format!("tel:{}", ph.number.replace(' ', "")) } dir="ltr">{ &ph.number }</a></li>
            }
        })
        .collect()
}

/// The error summary's properties.
#[derive(Properties, PartialEq)]
pub struct ErrorSummaryProps {
    /// The page's language.
    pub lang: Language,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

/// Errors at the top of the step, each linking to its field; nothing when
/// there are none. Takes focus when errors appear (the model says so).
#[function_component]
pub fn ErrorSummary(p: &ErrorSummaryProps) -> Html {
    let l = p.lang;
    if p.problems.is_empty() {
        return html! {};
    }
    html! {
        <div id="error-summary" class="error-summary" role="alert" tabindex="-1">
            <h2>{ t(l, "error-summary-heading") }</h2>
            <ul>
                { for p.problems.iter().map(|pr| if pr.field.is_empty() {
                    html! { <li>{ pr.text.render(l) }</li> }
                } else {
                    html! { <li><a href={ format!("#{}", pr.field) }>{ pr.text.render(l) }</a></li> }
                }) }
            </ul>
        </div>
    }
}

/// A text field's properties.
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The page's language.
    pub lang: Language,
    /// Element id (errors link to it).
    pub id: &'static str,
    /// Fluent id of the label.
    pub label: &'static str,
    /// `type` attribute.
    pub kind: &'static str,
    /// `autocomplete` attribute.
    pub autocomplete: &'static str,
    /// Its value.
    pub value: AttrValue,
    /// Whether it has a problem.
    pub invalid: bool,
    /// The new value on every keystroke.
    pub oninput: Callback<String>,
}

/// A one-line text field with its label.
#[function_component]
pub fn TextField(p: &TextFieldProps) -> Html {
    let oninput = p
        .oninput
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    html! {
        <div class="field">
            <label for={ p.id }>{ t(p.lang, p.label) }</label>
            <input type={ p.kind } id={ p.id } autocomplete={ p.autocomplete } value={ p.value.clone() }
                aria-invalid={ p.invalid.then_some("true") }
                {oninput}/>
        </div>
    }
}
