//! Step 3: choose a folder, files or a ZIP, or drop them; the scan's
//! progress.

use crate::i18n::Language;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::files::{dropped_entries, from_input, walk, Picked};
use crate::app::model::{Action, Step};
use crate::app::widgets::click;
use crate::i18n::{t, ta};

/// The Choose step's properties.
#[derive(Properties, PartialEq)]
pub struct ChooseProps {
    /// The page's language.
    pub lang: Language,
    /// Files scanned so far, of how many, while a scan runs.
    pub scanning: Option<(u32, u32)>,
    /// Whether something was found already (offer to go on).
    pub found_any: bool,
    /// Where actions go.
    pub dispatch: Callback<Action>,
    /// Files chosen or dropped (the page keeps their handles).
    pub on_pick: Callback<Picked>,
}

/// The drop zone, the three choose buttons and the scan's progress.
#[function_component]
pub fn Choose(p: &ChooseProps) -> Html {
    let l = p.lang;
    let on_change = p.on_pick.reform(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        from_input(&input)
    });
    let ondrop = {
        let on_pick = p.on_pick.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            // Entries are valid only during the event: take them now.
            let (entries, loose) = dropped_entries(&e);
            let on_pick = on_pick.clone();
            wasm_bindgen_futures::spawn_local(async move {
                on_pick.emit(walk(entries, loose).await);
            });
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let busy = p.scanning.is_some();
    let scanning = p.scanning.map(|(done, total)| html! {
        <div class="scanning">
            <label for="scan-progress">{ ta(l, "choose-scanning", &[("done", done.into()), ("total", total.into())]) }</label>
            <progress id="scan-progress" max={ total.max(1).to_string() } value={ done.to_string() }></progress>
        </div>
    });
    html! {
        <>
            <p>{ t(l, "choose-intro") }</p>
            <div class="dropzone" {ondrop} {ondragover}>
                <p>{ t(l, "choose-drop") }</p>
                <p>{ t(l, "choose-or") }</p>
                <div class="actions">
                    <button type="button" class="primary" onclick={ click("pick-folder") } disabled={ busy }>{ t(l, "choose-folder") }</button>
                    <button type="button" onclick={ click("pick-files") } disabled={ busy }>{ t(l, "choose-files") }</button>
                    <button type="button" onclick={ click("pick-zip") } disabled={ busy }>{ t(l, "choose-zip") }</button>
                </div>
            </div>
            <input type="file" id="pick-folder" class="visually-hidden" tabindex="-1" aria-hidden="true"
                webkitdirectory=true multiple=true onchange={ on_change.clone() }/>
            <input type="file" id="pick-files" class="visually-hidden" tabindex="-1" aria-hidden="true"
                multiple=true onchange={ on_change.clone() }/>
            <input type="file" id="pick-zip" class="visually-hidden" tabindex="-1" aria-hidden="true"
                accept=".zip,application/zip" onchange={ on_change }/>
            <p class="hint">{ t(l, "choose-cd-hint") }</p>
            { for scanning }
            if p.found_any && !busy {
                <div class="actions">
                    <button type="button" class="primary" onclick={ p.dispatch.reform(|_| Action::Go(Step::Check)) }>{ t(l, "choose-to-check") }</button>
                </div>
            }
        </>
    }
}
