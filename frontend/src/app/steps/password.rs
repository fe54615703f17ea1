//! Step 2: the upload password the hospital gives out by phone.

use crate::i18n::Language;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::model::{Action, Step};
use crate::app::widgets::aria_invalid;
use crate::i18n::t;

/// The Password step's properties.
#[derive(Properties, PartialEq)]
pub struct PasswordProps {
    /// The page's language.
    pub lang: Language,
    /// The password as typed.
    pub password: AttrValue,
    /// Waiting for the server.
    pub busy: bool,
    /// Fields with problems.
    pub invalid: Vec<&'static str>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// The password field and its two buttons.
#[function_component]
pub fn Password(p: &PasswordProps) -> Html {
    let l = p.lang;
    let onsubmit = p.dispatch.reform(|e: SubmitEvent| {
        e.prevent_default();
        Action::PasswordSubmit
    });
    let oninput = p.dispatch.reform(|e: InputEvent| {
        Action::Password(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    html! {
        <form {onsubmit} novalidate=true>
            <p>{ t(l, "password-intro") }</p>
            <div class="field">
                <label for="field-password">{ t(l, "password-label") }</label>
                <p class="hint" id="password-hint">{ t(l, "password-hint") }</p>
                <input type="password" id="field-password" name="password" autocomplete="current-password"
                    aria-describedby="password-hint" aria-invalid={ aria_invalid(&p.invalid, "field-password") }
                    spellcheck="false" autocapitalize="off"
                    value={ p.password.clone() } {oninput}/>
            </div>
            <div class="actions">
                <button type="button" onclick={ p.dispatch.reform(|_| Action::Go(Step::Welcome)) }>{ t(l, "back") }</button>
                <button type="submit" class="primary" disabled={ p.busy }>
                    { if p.busy { t(l, "password-checking") } else { t(l, "continue") } }
                </button>
            </div>
        </form>
    }
}
