//! Step 4: what the scan found — patients, studies (each with a checkbox)
//! and their series — the DICOMDIR cross-check and every ignored file with
//! its reason.

use std::collections::HashSet;
use std::rc::Rc;

use crate::i18n::Language;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::model::{Action, Step};
use crate::i18n::{self, t, ta};
use crate::tree::{self, format_bytes, format_date, Scanned, Study};

/// Ignored files listed at most (the rest are counted).
const IGNORED_SHOWN: usize = 500;

/// The Check step's properties.
#[derive(Properties, PartialEq)]
pub struct CheckProps {
    /// The page's language.
    pub lang: Language,
    /// Everything scanned.
    pub scanned: Rc<Scanned>,
    /// Studies the sender unticked.
    pub excluded: HashSet<String>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

fn study(l: Language, s: &Study, number: usize, on: bool, dispatch: &Callback<Action>) -> Html {
    let id = format!("study-{number}");
    let uid = s.uid.clone();
    let date = s
        .date
        .as_deref()
        .map(|d| format_date(d, l))
        .unwrap_or_else(|| t(l, "check-no-date"));
    let label = ta(
        l,
        "check-study",
        &[
            ("date", date.into()),
            (
                "description",
                s.description.clone().unwrap_or_default().into(),
            ),
            ("modalities", s.modalities().join(", ").into()),
            ("images", s.files().into()),
            ("size", format_bytes(s.bytes(), l).into()),
        ],
    );
    let onchange = dispatch.reform(move |e: Event| {
        Action::Study(
            uid.clone(),
            e.target_unchecked_into::<HtmlInputElement>().checked(),
        )
    });
    let cols = [
        t(l, "check-col-number"),
        t(l, "check-col-modality"),
        t(l, "check-col-description"),
        t(l, "check-col-images"),
        t(l, "check-col-size"),
    ];
    html! {
        <div class="study">
            <div class="check">
                <input type="checkbox" id={ id.clone() } checked={ on } {onchange}/>
                <label for={ id }>{ label }</label>
            </div>
            // Explicit roles: at narrow widths the rows are stacked (CSS),
            // which would otherwise cost the table its semantics.
            <table class="series" role="table">
                <caption class="visually-hidden">{ t(l, "check-series-caption") }</caption>
                <thead role="rowgroup"><tr role="row">
                    { for cols.iter().map(|c| html! { <th scope="col" role="columnheader">{ c.clone() }</th> }) }
                </tr></thead>
                <tbody role="rowgroup">
                { for s.series.iter().map(|se| {
                    let cells = [
                        se.number.clone().unwrap_or_default(),
                        se.modality.clone().unwrap_or_default(),
                        se.description.clone().unwrap_or_default(),
                        se.items.len().to_string(),
                        format_bytes(se.bytes, l),
                    ];
                    html! {
                        <tr role="row">
                            { for cells.into_iter().zip(cols.iter()).map(|(v, c)| html! {
                                <td role="cell" data-label={ c.clone() }>{ v }</td>
                            }) }
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </div>
    }
}

/// Patients → studies → series, the cross-check and the ignored files.
#[function_component]
pub fn Check(p: &CheckProps) -> Html {
    let l = p.lang;
    let scanned = &p.scanned;
    let patients = tree::group(scanned.summaries());
    let selected: Vec<&mailslot_shared::dicom::Summary> = scanned
        .summaries()
        .filter(|s| !p.excluded.contains(&s.study_instance_uid))
        .collect();
    let selected_bytes: u64 = selected.iter().map(|s| s.size).sum();
    let mut study_no = 0usize;
    let patients_html = patients.iter().map(|pt| {
        let born = pt
            .birth_date
            .as_deref()
            .map(|d| ta(l, "check-born", &[("date", format_date(d, l).into())]))
            .unwrap_or_default();
        let name = if pt.name.is_empty() {
            t(l, "check-no-name")
        } else {
            pt.name.clone()
        };
        html! {
            <section class="patient">
                <h2>{ name }{ " " }<span class="born">{ born }</span></h2>
                { for pt.studies.iter().map(|s| {
                    study_no += 1;
                    study(l, s, study_no, !p.excluded.contains(&s.uid), &p.dispatch)
                }) }
            </section>
        }
    });
    let dicomdir = scanned.dicomdir_check().into_iter().map(|(_, listed, missing)| {
        if missing == 0 {
            html! { <p class="ok">{ ta(l, "check-dicomdir-ok", &[("listed", listed.into())]) }</p> }
        } else {
            html! { <p class="warning">{ ta(l, "check-dicomdir-missing", &[("listed", listed.into()), ("missing", missing.into())]) }</p> }
        }
    });
    let ignored = &scanned.ignored;
    html! {
        <>
            if scanned.found.is_empty() {
                <p class="warning">{ t(l, "check-none-found") }</p>
            } else {
                <p>{ t(l, "check-intro") }</p>
            }
            if patients.len() > 1 {
                <div class="warning" role="note">
                    <h2>{ t(l, "check-many-patients-heading") }</h2>
                    <p>{ ta(l, "check-many-patients", &[("count", patients.len().into())]) }</p>
                </div>
            }
            { for patients_html }
            { for dicomdir }
            <p class="selected-total">{ ta(l, "check-selected", &[("images", selected.len().into()), ("size", format_bytes(selected_bytes, l).into())]) }</p>
            if !ignored.is_empty() {
                <details class="ignored" open={ ignored.len() <= 50 }>
                    <summary>{ ta(l, "check-ignored-summary", &[("count", ignored.len().into())]) }</summary>
                    <p>{ t(l, "check-ignored-intro") }</p>
                    <table>
                        <caption class="visually-hidden">{ t(l, "check-ignored-caption") }</caption>
                        <thead><tr>
                            <th scope="col">{ t(l, "check-col-file") }</th>
                            <th scope="col">{ t(l, "check-col-reason") }</th>
                        </tr></thead>
                        <tbody>
                        { for ignored.iter().take(IGNORED_SHOWN).map(|i| html! {
                            <tr><td class="path">{ &i.path }</td><td>{ i18n::ignored(l, i.reason) }</td></tr>
                        }) }
                        </tbody>
                    </table>
                    if ignored.len() > IGNORED_SHOWN {
                        <p>{ ta(l, "check-ignored-more", &[("count", (ignored.len() - IGNORED_SHOWN).into())]) }</p>
                    }
                </details>
            }
            <div class="actions">
                <button type="button" onclick={ p.dispatch.reform(|_| Action::Go(Step::Choose)) }>{ t(l, "check-add-more") }</button>
                if !scanned.found.is_empty() {
                    <button type="button" class="primary" onclick={ p.dispatch.reform(|_| Action::CheckNext) }>{ t(l, "continue") }</button>
                }
            </div>
        </>
    }
}
