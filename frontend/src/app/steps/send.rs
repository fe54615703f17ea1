//! Step 6: sending — overall and per-study progress, speed and time left,
//! pause/resume, retries, refused files, and what to do when the session
//! ended or the submission failed.

use crate::i18n::Language;
use mailslot_shared::wire::ErrorCode;
use yew::prelude::*;

use crate::app::model::{Action, GroupProgress, StudyLabel};
use crate::app::widgets::study_name;
use crate::i18n::{self, t, ta};
use crate::net::NetError;
use crate::tree::format_bytes;

/// The Send step's properties: what it shows, derived from the model's
/// sending state (small, so a progress event redraws cheaply).
#[derive(Properties, PartialEq)]
pub struct SendProps {
    /// The page's language.
    pub lang: Language,
    /// (bytes sent, bytes total, files done, files total).
    pub totals: (u64, u64, usize, usize),
    /// Bytes per second, once known.
    pub speed: Option<f64>,
    /// Progress per study (`None`: the letters).
    pub groups: Vec<(Option<StudyLabel>, GroupProgress)>,
    /// Longest wait before a retry, in seconds, while any file waits.
    pub waiting: Option<u32>,
    /// The sender paused.
    pub paused: bool,
    /// Every file is done.
    pub finished: bool,
    /// The error that stopped sending for good, if any.
    pub fatal: Option<NetError>,
    /// Whether completing the submission failed (it can be retried).
    pub submit_failed: bool,
    /// Refused files: label and reason code.
    pub refused: Vec<(String, Option<String>)>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

fn status(l: Language, p: &SendProps) -> String {
    let (sent, total, done, count) = p.totals;
    let mut status = ta(
        l,
        "send-status",
        &[
            ("done", done.into()),
            ("files", count.into()),
            ("sent", format_bytes(sent, l).into()),
            ("total", format_bytes(total, l).into()),
        ],
    );
    if let Some(bps) = p.speed.filter(|b| *b > 0.0) {
        let left = ((total - sent.min(total)) as f64 / bps).ceil() as u64;
        status.push_str(" · ");
        status.push_str(&ta(
            l,
            "send-speed",
            &[("speed", format_bytes(bps as u64, l).into())],
        ));
        status.push_str(" · ");
        status.push_str(&if left >= 90 {
            ta(
                l,
                "send-left-minutes",
                &[("minutes", left.div_ceil(60).into())],
            )
        } else {
            ta(l, "send-left-seconds", &[("seconds", left.into())])
        });
    }
    status
}

fn group_label(l: Language, study: Option<&StudyLabel>) -> String {
    match study {
        None => t(l, "send-letters"),
        Some(s) => study_name(l, s),
    }
}

/// Progress, controls and refusals while sending.
#[function_component]
pub fn Send(p: &SendProps) -> Html {
    let l = p.lang;
    let (sent, total, _, _) = p.totals;
    let dispatch = &p.dispatch;
    let running = !p.finished && p.fatal.is_none();
    html! {
        <>
            <div class="overall">
                <label for="overall-progress">{ status(l, p) }</label>
                <progress id="overall-progress" max={ total.max(1).to_string() } value={ sent.to_string() }></progress>
            </div>
            if let Some(secs) = p.waiting {
                <p class="warning">{ ta(l, "send-waiting", &[("seconds", secs.into())]) }</p>
            }
            if p.paused {
                <p class="notice">{ t(l, "send-paused") }</p>
            }
            <ul class="studies">
                { for p.groups.iter().enumerate().map(|(k, (study, g))| {
                    let id = format!("study-progress-{k}");
                    html! {
                        <li>
                            <label for={ id.clone() }>{ group_label(l, study.as_ref()) }{ ": " }{ ta(l, "send-study-files", &[("done", g.done.into()), ("files", g.files.into())]) }</label>
                            <progress id={ id } max={ g.total.max(1).to_string() } value={ g.sent.to_string() }></progress>
                        </li>
                    }
                }) }
            </ul>
            if running {
                <div class="actions">
                    if p.paused {
                        <button type="button" class="primary" onclick={ dispatch.reform(|_| Action::Pause(false)) }>{ t(l, "send-resume") }</button>
                    } else {
                        <button type="button" onclick={ dispatch.reform(|_| Action::Pause(true)) }>{ t(l, "send-pause") }</button>
                    }
                </div>
                <p class="hint">{ t(l, "send-keep-open") }</p>
            }
            if p.finished && p.fatal.is_none() && !p.submit_failed {
                <p>{ t(l, "send-finishing") }</p>
            }
            if p.fatal.as_ref().is_some_and(|e| e.is(ErrorCode::SessionExpired)) {
                <div class="actions">
                    <button type="button" class="primary" onclick={ dispatch.reform(|_| Action::Reauthenticate) }>{ t(l, "send-reauthenticate") }</button>
                </div>
            }
            if p.submit_failed {
                <div class="actions">
                    <button type="button" class="primary" onclick={ dispatch.reform(|_| Action::UploadsFinished) }>{ t(l, "try-again") }</button>
                </div>
            }
            if !p.refused.is_empty() {
                <section class="refused" aria-labelledby="refused-heading">
                    <h2 id="refused-heading">{ t(l, "send-refused-heading") }</h2>
                    <table>
                        <thead><tr>
                            <th scope="col">{ t(l, "check-col-file") }</th>
                            <th scope="col">{ t(l, "check-col-reason") }</th>
                        </tr></thead>
                        <tbody>
                        { for p.refused.iter().map(|(label, reason)| html! {
                            <tr><td class="path">{ label }</td>
                                <td>{ reason.as_deref().map(|r| i18n::rule(l, r)).unwrap_or_default() }</td></tr>
                        }) }
                        </tbody>
                    </table>
                </section>
            }
        </>
    }
}
