//! The upload page: a short shell over a pure model.
//!
//! - `model/` — the page as data: [`model::Model`], [`model::Action`],
//!   [`model::Effect`] and `reduce`, tested natively;
//! - `effects.rs` — carries effects out (network, storage, worker, upload
//!   engine) and turns their results into actions;
//! - `steps/` — the seven steps, one function component each;
//! - `widgets.rs` — header, footer, error summary, text field;
//! - `files.rs` — choosing and dropping files and folders;
//! - `instructions.rs` — the printable guide (`?view=instructions`);
//! - `views.rs` — which page `?view=` asks for; easy language and the
//!   accessibility statement;
//! - `text.rs` — sentences kept as what to say, rendered per language.
//!
//! [`App`] holds the model and the effects: a message becomes an action
//! (file handles are kept by the effects first), the model reduces it, the
//! effects run, and the page draws the model. Focus moves after drawing.

mod effects;
mod files;
pub(crate) mod instructions;
pub mod model;
pub(crate) mod route;
mod steps;
pub mod text;
pub(crate) mod views;
mod widgets;

use wasm_bindgen::JsCast;
use web_sys::{File, HtmlElement};
use yew::prelude::*;

pub use files::{dropped_entries, walk, Picked};

use crate::i18n::{self, t, ta};
use crate::upload;
use crate::worker::client::WorkerEvent;
use effects::Effects;
use model::{Action, Effect, Model, Problem, RefusedLetters, Step};
use route::View;
use steps::*;
use text::Text;
use widgets::{pick, ErrorSummary, Footer, Header};

/// What reaches the page.
#[derive(Debug)]
pub enum Msg {
    /// Something for the model.
    Act(Action),
    /// Files chosen or dropped (their handles are kept first).
    Picked(Picked),
    /// Letters chosen: the letters, and the names of files that are not.
    Letters(Vec<File>, RefusedLetters),
    /// The scan worker said something.
    Worker(WorkerEvent),
    /// Draw progress held back by [`REDRAW_MS`].
    Redraw,
}

/// Progress (of a scan, of sending) redraws the page at most this often,
/// in milliseconds: drawing after every file took about a quarter of the
/// page's thread while a CD of small images was sent.
const REDRAW_MS: f64 = 100.0;

/// The page.
#[derive(Debug)]
pub struct App {
    model: Model,
    effects: Effects,
    focus: Option<&'static str>,
    /// Opened as the printable instructions instead of the steps.
    view: View,
    /// When the page was last drawn (`Date.now()`).
    drawn_at: f64,
    /// A [`Msg::Redraw`] is on its way.
    redraw_due: bool,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Moves keyboard focus to the element with `id`, if it exists.
fn focus(id: &str) {
    let el = document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

impl App {
    /// Keeps `<html lang>` and the title in step with the model.
    fn sync_document(&self) {
        if let Some(doc) = document() {
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("lang", i18n::tag(self.model.lang));
                let _ =
                    root.set_attribute("dir", if self.model.lang.rtl() { "rtl" } else { "ltr" });
            }
            if self.view != View::Upload {
                doc.set_title(&t(self.model.lang, self.view.heading_id()));
            } else {
                doc.set_title(&self.model.title());
            }
        }
    }

    /// The error summary's lines: the model's problems, and why sending
    /// stopped or could not be completed.
    fn problems(&self) -> Vec<Problem> {
        let mut out = self.model.problems.clone();
        if let Some(s) = &self.model.sending {
            for e in [&s.fatal, &s.submit_error].into_iter().flatten() {
                out.push(Problem {
                    field: "",
                    text: Text::error(e.code()),
                });
            }
        }
        out
    }

    fn invalid(&self) -> Vec<&'static str> {
        self.model.problems.iter().map(|p| p.field).collect()
    }

    fn step_body(&self, ctx: &Context<Self>) -> Html {
        let m = &self.model;
        let l = m.lang;
        let dispatch = ctx.link().callback(Msg::Act);
        let Some(hospital) = m.hospital.clone() else {
            return match &m.load_error {
                Some(e) => html! {
                    <div class="error-summary" role="alert">
                        <p>{ i18n::error(l, e.code()) }</p>
                        <p>{ t(l, "load-failed") }</p>
                    </div>
                },
                None => html! { <p>{ t(l, "loading") }</p> },
            };
        };
        match m.step {
            Step::Welcome => html! {
                <Welcome lang={ l } { hospital } agree={ m.agree } may_send={ m.may_send }
                    invalid={ self.invalid() } { dispatch }/>
            },
            Step::Password => html! {
                <Password lang={ l } password={ m.password.clone() } busy={ m.busy }
                    invalid={ self.invalid() } { dispatch }/>
            },
            Step::Choose => html! {
                <Choose lang={ l } scanning={ m.scanning } found_any={ !m.scanned.found.is_empty() }
                    { dispatch } on_pick={ ctx.link().callback(Msg::Picked) }/>
            },
            Step::Check => html! {
                <Check lang={ l } scanned={ m.scanned.clone() } excluded={ m.excluded.clone() } { dispatch }/>
            },
            Step::About => html! {
                <About lang={ l } { hospital } form={ m.form.clone() } department={ m.department.clone() }
                    letters={ m.letters.clone() } studies={ m.picked_studies() } busy={ m.busy } invalid={ self.invalid() } { dispatch }
                    on_letters={ ctx.link().callback(|(letters, others)| Msg::Letters(letters, others)) }/>
            },
            Step::Send => match &m.sending {
                Some(s) => html! {
                    <Send lang={ l } totals={ s.totals() } speed={ s.speed() }
                        groups={ s.groups().into_iter().map(|(k, g)| (k.cloned(), g)).collect::<Vec<_>>() }
                        waiting={ s.waiting.values().map(|w| w.0).max() } paused={ m.paused }
                        finished={ s.finished } fatal={ s.fatal.clone() }
                        submit_failed={ s.submit_error.is_some() }
                        refused={ s.jobs.iter().filter(|j| j.refused()).map(|j| (j.label.clone(), j.verdict.as_ref().and_then(|v| v.1.clone()))).collect::<Vec<_>>() }
                        { dispatch }/>
                },
                None => html! {},
            },
            Step::Receipt => match &m.receipt {
                Some(r) => html! { <ReceiptStep lang={ l } receipt={ r.clone() } { hospital }/> },
                None => html! {},
            },
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let mut effects = Effects::new(ctx.link().clone());
        effects.start();
        let app = App {
            model: Model::new(i18n::initial_lang()),
            effects,
            focus: None,
            view: View::requested(),
            drawn_at: 0.0,
            redraw_due: false,
        };
        app.sync_document();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let action = match msg {
            Msg::Redraw => {
                self.redraw_due = false;
                self.drawn_at = js_sys::Date::now();
                return true;
            }
            Msg::Act(action) => action,
            Msg::Picked(picked) => self.effects.picked(picked),
            Msg::Letters(letters, others) => self.effects.letters(letters, others),
            Msg::Worker(event) => match self.effects.worker(event) {
                Some(action) => action,
                None => return false,
            },
        };
        let progress = matches!(
            action,
            Action::ScanProgress(..)
                | Action::Upload(
                    upload::Event::Progress { .. }
                        | upload::Event::Created { .. }
                        | upload::Event::Done { .. },
                    _
                )
        );
        let mut moves_focus = false;
        for effect in self.model.reduce(action) {
            match effect {
                Effect::Focus(id) => {
                    self.focus = Some(id);
                    moves_focus = true;
                }
                other => self.effects.run(other),
            }
        }
        let now = js_sys::Date::now();
        let wait = self.drawn_at + REDRAW_MS - now;
        if progress && !moves_focus && wait > 0.0 {
            if !self.redraw_due {
                self.redraw_due = true;
                let link = ctx.link().clone();
                gloo_timers::callback::Timeout::new(wait.ceil() as u32, move || {
                    link.send_message(Msg::Redraw)
                })
                .forget();
            }
            return false;
        }
        self.sync_document();
        self.drawn_at = now;
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let m = &self.model;
        let l = m.lang;
        let hospital_name = m
            .hospital
            .as_ref()
            .map(|h| pick(l, &h.name).to_owned())
            .unwrap_or_default();
        html! {
            <div class="page">
                <Header lang={ l } hospital={ hospital_name }
                    on_lang={ ctx.link().callback(|lang| Msg::Act(Action::Language(lang))) }/>
                <main>
                    if self.view != View::Upload {
                        <h1 id="step-heading" tabindex="-1">{ t(l, self.view.heading_id()) }</h1>
                        { match (m.hospital.clone(), self.view) {
                            (Some(h), View::Instructions) => html! { <instructions::Instructions lang={ l } hospital={ h }/> },
                            (Some(h), View::Easy) => html! { <views::Easy lang={ l } hospital={ h }/> },
                            (Some(h), _) => html! { <views::AccessibilityStatement lang={ l } hospital={ h }/> },
                            (None, _) => self.step_body(ctx),
                        } }
                    } else {
                    <p class="step-count">{ ta(l, "step-count", &[("step", m.step.number().into()), ("steps", Step::COUNT.into())]) }</p>
                    <h1 id="step-heading" tabindex="-1">{ t(l, m.step.heading_id()) }</h1>
                    if let Some(warning) = &m.idle.warning {
                        <section class="session-warning" aria-labelledby="session-warning-text">
                            <p id="session-warning-text">{ warning.render(l) }</p>
                            <button type="button" class="primary"
                                onclick={ ctx.link().callback(|_| Msg::Act(Action::KeepAlive)) }>{ t(l, "session-keep") }</button>
                        </section>
                    }
                    <ErrorSummary lang={ l } problems={ self.problems() }/>
                    { for m.notice.as_ref().map(|n| html! { <p class="notice">{ n.render(l) }</p> }) }
                    { self.step_body(ctx) }
                    }
                </main>
                { for m.hospital.clone().map(|h| html! { <Footer lang={ l } hospital={ h }/> }) }
                <div class="visually-hidden" aria-live="polite" aria-atomic="true">
                    { m.announce.as_ref().map(|a| a.render(l)).unwrap_or_default() }
                </div>
            </div>
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        if let Some(id) = self.focus.take() {
            focus(id);
            // While the page is still loading (a reload resumes within
            // milliseconds), the browser may move focus back to the body
            // after we set it: put it back, unless the sender has since
            // focused something else.
            for ms in [100, 400, 1500] {
                gloo_timers::callback::Timeout::new(ms, move || {
                    let on_body = document()
                        .and_then(|d| d.active_element())
                        .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"));
                    if on_body {
                        focus(id);
                    }
                })
                .forget();
            }
        }
    }
}

const PANIC_HTML: &str = r#"<main class="page"><div class="error-summary" role="alert">
<h1 lang="de">Ein Fehler ist aufgetreten</h1>
<p lang="de">Bitte laden Sie die Seite neu. Was schon gesendet wurde, wird nicht noch einmal gesendet. Hilft das nicht, rufen Sie uns bitte an.</p>
<h1 lang="en">Something went wrong</h1>
<p lang="en">Please reload the page. What was already sent is not sent again. If that does not help, please call us.</p>
</div></main>"#;

/// Mounts the page into `#app` (the static page's fallback text is
/// replaced).
pub fn start() {
    // A bug must not leave a frozen page: say so in both languages, with
    // what to do, instead (nothing about the files is shown or sent).
    std::panic::set_hook(Box::new(|_| {
        if let Some(root) = document().and_then(|d| d.get_element_by_id("app")) {
            root.set_inner_html(PANIC_HTML);
        }
    }));
    if let Some(root) = document().and_then(|d| d.get_element_by_id("app")) {
        root.set_inner_html("");
        yew::Renderer::<App>::with_root(root).render();
    }
}
