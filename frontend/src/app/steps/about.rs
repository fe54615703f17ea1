//! Step 5: who is sending, how to reach them, to whom and why, and the
//! letters they attach.

use std::rc::Rc;

use crate::i18n::Language;
use mailslot_shared::wire::{HospitalInfo, Purpose, Role, SenderDetails};
use web_sys::{File, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::app::files::{from_input, letter_problem};
use crate::app::model::{Action, Field, Letter, RefusedLetters, Step, StudyLabel};
use crate::app::widgets::{aria_invalid, click, pick, study_name, TextField};
use crate::i18n::{t, ta};
use crate::tree::format_bytes;

/// The About step's properties.
#[derive(Properties, PartialEq)]
pub struct AboutProps {
    /// The page's language.
    pub lang: Language,
    /// The hospital's texts (departments).
    pub hospital: Rc<HospitalInfo>,
    /// The form as filled in.
    pub form: SenderDetails,
    /// The chosen department id.
    pub department: AttrValue,
    /// Letters attached.
    pub letters: Vec<Letter>,
    /// The studies picked (a letter may be put into one of them).
    pub studies: Vec<StudyLabel>,
    /// Waiting for the server.
    pub busy: bool,
    /// Fields with problems.
    pub invalid: Vec<&'static str>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
    /// Letters chosen: the files that are letters, and the names of those
    /// that are not, with why.
    pub on_letters: Callback<(Vec<File>, RefusedLetters)>,
}

/// The contact form, the request and the letters.
#[function_component]
pub fn About(p: &AboutProps) -> Html {
    let (l, f) = (p.lang, &p.form);
    let dispatch = &p.dispatch;
    let onsubmit = dispatch.reform(|e: SubmitEvent| {
        e.prevent_default();
        Action::Send
    });
    let text_field = |field: Field, id, label, kind, autocomplete, value: &String| {
        let oninput = dispatch.reform(move |value: String| Action::Field(field, value));
        html! {
            <TextField lang={ l } { id } { label } { kind } { autocomplete } value={ value.clone() }
                invalid={ p.invalid.contains(&id) } {oninput}/>
        }
    };
    let choice = |name: &'static str,
                  value: &'static str,
                  checked: bool,
                  onchange: Callback<Event>,
                  label: String| {
        let id = format!("{name}-{value}");
        html! {
            <div class="check">
                <input type="radio" name={ name } id={ id.clone() } value={ value } { checked } {onchange}/>
                <label for={ id }>{ label }</label>
            </div>
        }
    };
    let role = |role: Role, label: String| {
        let onchange = dispatch.reform(move |_| Action::Role(role));
        choice("role", role.as_str(), f.role == Some(role), onchange, label)
    };
    let purpose = |purpose: Purpose, label: String| {
        let onchange = dispatch.reform(move |_| Action::Purpose(purpose));
        choice(
            "purpose",
            purpose.as_str(),
            f.purpose == Some(purpose),
            onchange,
            label,
        )
    };
    let on_letters = {
        let on_letters = p.on_letters.clone();
        Callback::from(move |e: Event| {
            let chosen = from_input(&e.target_unchecked_into::<HtmlInputElement>());
            let on_letters = on_letters.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let (mut letters, mut others) = (Vec::new(), Vec::new());
                for (file, _) in chosen.files {
                    match letter_problem(&file).await {
                        None => letters.push(file),
                        Some(why) => others.push((file.name(), why)),
                    }
                }
                on_letters.emit((letters, others));
            });
        })
    };
    html! {
        <form {onsubmit} novalidate=true>
            <p>{ t(l, "about-intro") }</p>
            <fieldset>
                <legend>{ t(l, "about-contact") }</legend>
                { text_field(Field::Name, "field-name", "about-name", "text", "name", &f.name) }
                { text_field(Field::Phone, "field-phone", "about-phone", "tel", "tel", &f.phone) }
                { text_field(Field::Email, "field-email", "about-email", "email", "email", &f.email) }
            </fieldset>
            <fieldset>
                <legend>{ t(l, "about-role") }</legend>
                { role(Role::Patient, t(l, "about-role-patient")) }
                { role(Role::Doctor, t(l, "about-role-doctor")) }
                { role(Role::Other, t(l, "about-role-other")) }
            </fieldset>
            <fieldset>
                <legend>{ t(l, "about-purpose") }</legend>
                { purpose(Purpose::Treatment, t(l, "about-purpose-treatment")) }
                { purpose(Purpose::SecondOpinion, t(l, "about-purpose-second-opinion")) }
                { purpose(Purpose::Other, t(l, "about-purpose-other")) }
            </fieldset>
            <div class="field">
                <label for="field-department">{ t(l, "about-department") }</label>
                <select id="field-department"
                    onchange={ dispatch.reform(|e: Event| Action::Field(Field::Department, e.target_unchecked_into::<HtmlSelectElement>().value())) }>
                    <option value="" selected={ p.department.is_empty() }>{ t(l, "about-department-unknown") }</option>
                    { for p.hospital.departments.iter().map(|d| html! {
                        <option value={ d.id.clone() } selected={ p.department == d.id.as_str() }>{ pick(l, &d.name) }</option>
                    }) }
                </select>
            </div>
            { text_field(Field::Contact, "field-contact", "about-contact-person", "text", "off", &f.contact) }
            <div class="field">
                <label for="field-request">{ t(l, "about-request") }</label>
                <p class="hint" id="request-hint">{ t(l, "about-request-hint") }</p>
                <textarea id="field-request" rows="5" aria-describedby="request-hint"
                    aria-invalid={ aria_invalid(&p.invalid, "field-request") }
                    value={ f.request.clone() }
                    oninput={ dispatch.reform(|e: InputEvent| Action::Field(Field::Request, e.target_unchecked_into::<HtmlTextAreaElement>().value())) }/>
            </div>
            <div class="field" id="field-letters" tabindex="-1">
                <h2>{ t(l, "about-letters") }</h2>
                <p class="hint">{ t(l, "about-letters-hint") }</p>
                <button type="button" onclick={ click("pick-letters") }>{ t(l, "about-add-letters") }</button>
                <input type="file" id="pick-letters" class="visually-hidden" tabindex="-1" aria-hidden="true"
                    accept=".pdf,application/pdf,.jpg,.jpeg,image/jpeg,.png,image/png" multiple=true onchange={ on_letters }/>
                <ul class="letters">
                    { for p.letters.iter().enumerate().map(|(i, letter)| html! {
                        <li>{ &letter.name }{ " (" }{ format_bytes(letter.size, l) }{ ") " }
                            { letter_study(l, &p.studies, letter, i, dispatch) }
                            <button type="button" aria-label={ ta(l, "about-remove-letter", &[("name", letter.name.clone().into())]) }
                                onclick={ dispatch.reform(move |_| Action::RemoveLetter(i)) }>{ t(l, "remove") }</button></li>
                    }) }
                </ul>
            </div>
            <div class="actions">
                <button type="button" onclick={ dispatch.reform(|_| Action::Go(Step::Check)) }>{ t(l, "back") }</button>
                <button type="submit" class="primary" disabled={ p.busy }>{ t(l, "send") }</button>
            </div>
        </form>
    }
}

/// Which study letter `i` belongs to, when there is more than one to
/// choose from (else nothing: it goes with the one study).
fn letter_study(
    l: Language,
    studies: &[StudyLabel],
    letter: &Letter,
    i: usize,
    dispatch: &Callback<Action>,
) -> Html {
    if studies.len() < 2 {
        return html! {};
    }
    let id = format!("letter-study-{i}");
    let current = letter
        .study
        .as_deref()
        .filter(|uid| studies.iter().any(|s| s.uid == *uid))
        .unwrap_or(&studies[0].uid);
    html! {
        <span class="letter-study">
            <label for={ id.clone() }>{ ta(l, "about-letter-study", &[("name", letter.name.clone().into())]) }</label>
            <select { id } onchange={ dispatch.reform(move |e: Event| Action::LetterStudy(i, e.target_unchecked_into::<HtmlSelectElement>().value())) }>
                { for studies.iter().map(|s| html! {
                    <option value={ s.uid.clone() } selected={ s.uid == current }>{ study_name(l, s) }</option>
                }) }
            </select>
        </span>
    }
}
