//! Drawing the page. Every control has a visible label that is also its
//! accessible name; the step heading takes focus when a step opens; errors
//! are summarised at the top (focused, each linking to its field); one
//! polite live region carries milestones, not every file.

use std::collections::HashMap;

use mailslot_shared::dicom::Lang;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::files::{dropped_entries, from_input, is_pdf, walk};
use super::{App, Field, Msg, Step};
use crate::i18n::{self, t, ta};
use crate::tree::{self, format_bytes, format_date};

fn click(id: &'static str) -> Callback<MouseEvent> {
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

fn paragraphs(text: &str) -> Html {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| html! { <p>{ p }</p> })
        .collect()
}

impl App {
    pub(super) fn render(&self, ctx: &Context<Self>) -> Html {
        let l = self.lang;
        let link = ctx.link();
        let hospital_name = self
            .hospital
            .as_ref()
            .map(|h| self.pick(&h.name).to_owned())
            .unwrap_or_default();
        let body = match (&self.hospital, &self.load_error) {
            (Some(_), _) => self.step_body(ctx),
            (None, Some(e)) => html! {
                <div class="error-summary" role="alert">
                    <p>{ i18n::error(l, e.code()) }</p>
                    <p>{ t(l, "load-failed") }</p>
                </div>
            },
            (None, None) => html! { <p>{ t(l, "loading") }</p> },
        };
        html! {
            <div class="page">
                <header class="top">
                    <p class="brand">
                        <span class="hospital">{ hospital_name }</span>
                        <span class="service">{ t(l, "app-name") }</span>
                    </p>
                    <nav class="langs" aria-label={ t(l, "language-nav") }>
                        <button type="button" lang="de" aria-pressed={ (l == Lang::De).to_string() }
                            onclick={ link.callback(|_| Msg::Lang(Lang::De)) }>{ "Deutsch" }</button>
                        <button type="button" lang="en" aria-pressed={ (l == Lang::En).to_string() }
                            onclick={ link.callback(|_| Msg::Lang(Lang::En)) }>{ "English" }</button>
                    </nav>
                </header>
                <main>
                    <p class="step-count">{ ta(l, "step-count", &[("step", self.step.number().into()), ("steps", 7.into())]) }</p>
                    <h1 id="step-heading" tabindex="-1">{ t(l, self.step.heading_id()) }</h1>
                    { self.error_summary() }
                    { for self.notice.as_ref().map(|n| html! { <p class="notice">{ n.text(l) }</p> }) }
                    { body }
                </main>
                { self.footer() }
                <div class="visually-hidden" aria-live="polite" aria-atomic="true">{ &self.announce }</div>
            </div>
        }
    }

    fn error_summary(&self) -> Html {
        let l = self.lang;
        let mut lines: Vec<(String, String)> = self
            .problems
            .iter()
            .map(|(id, said)| (id.to_string(), said.text(l)))
            .collect();
        if let Some(s) = &self.sending {
            if let Some(e) = &s.fatal {
                lines.push((String::new(), i18n::error(l, e.code())));
            }
            if let Some(e) = &s.submit_error {
                lines.push((String::new(), i18n::error(l, e.code())));
            }
        }
        if lines.is_empty() {
            return html! {};
        }
        html! {
            <div id="error-summary" class="error-summary" role="alert" tabindex="-1">
                <h2>{ t(l, "error-summary-heading") }</h2>
                <ul>
                    { for lines.into_iter().map(|(id, text)| if id.is_empty() {
                        html! { <li>{ text }</li> }
                    } else {
                        html! { <li><a href={ format!("#{id}") }>{ text }</a></li> }
                    }) }
                </ul>
            </div>
        }
    }

    fn footer(&self) -> Html {
        let l = self.lang;
        let Some(h) = &self.hospital else {
            return html! {};
        };
        html! {
            <footer class="help">
                <h2>{ t(l, "help-heading") }</h2>
                <p>{ self.pick(&h.help) }</p>
                <ul class="phones">
                    { for h.phones.iter().map(|p| html! {
                        <li>{ self.pick(&p.label) }{ ": " }
                            <a href={ format!("tel:{}", p.number.replace(' ', "")) }>{ &p.number }</a></li>
                    }) }
                </ul>
                <p>{ self.pick(&h.hours) }</p>
            </footer>
        }
    }

    fn invalid(&self, id: &str) -> Option<&'static str> {
        self.problems.iter().any(|p| p.0 == id).then_some("true")
    }

    fn step_body(&self, ctx: &Context<Self>) -> Html {
        match self.step {
            Step::Welcome => self.welcome(ctx),
            Step::Password => self.password_step(ctx),
            Step::Choose => self.choose(ctx),
            Step::Check => self.check(ctx),
            Step::About => self.about(ctx),
            Step::Send => self.send(ctx),
            Step::Receipt => self.receipt_step(),
        }
    }

    fn welcome(&self, ctx: &Context<Self>) -> Html {
        let l = self.lang;
        let link = ctx.link();
        let Some(h) = &self.hospital else {
            return html! {};
        };
        let weeks = h.retention_days.div_ceil(7);
        let onsubmit = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::WelcomeNext
        });
        html! {
            <>
                <p>{ ta(l, "welcome-intro", &[("hospital", self.pick(&h.name).to_owned().into())]) }</p>
                <ul class="facts">
                    <li>{ t(l, "welcome-one-way") }</li>
                    <li>{ t(l, "welcome-not-looked-at") }</li>
                    <li>{ ta(l, "welcome-deleted", &[("weeks", weeks.into())]) }</li>
                    <li>{ t(l, "welcome-encrypted") }</li>
                </ul>
                <section class="privacy" aria-labelledby="privacy-heading" tabindex="0">
                    <h2 id="privacy-heading">{ t(l, "privacy-heading") }</h2>
                    { paragraphs(self.pick(&h.privacy.text)) }
                    <p class="version">{ ta(l, "privacy-version", &[("version", h.privacy.version.clone().into())]) }</p>
                </section>
                <form {onsubmit} novalidate=true>
                    <div class="check">
                        <input type="checkbox" id="consent-agree" checked={ self.agree }
                            aria-invalid={ self.invalid("consent-agree") }
                            onchange={ link.callback(|e: Event| Msg::Agree(e.target_unchecked_into::<HtmlInputElement>().checked())) }/>
                        <label for="consent-agree">{ t(l, "welcome-agree") }</label>
                    </div>
                    <div class="check">
                        <input type="checkbox" id="consent-may-send" checked={ self.may_send }
                            aria-invalid={ self.invalid("consent-may-send") }
                            onchange={ link.callback(|e: Event| Msg::MaySend(e.target_unchecked_into::<HtmlInputElement>().checked())) }/>
                        <label for="consent-may-send">{ t(l, "welcome-may-send") }</label>
                    </div>
                    <div class="actions">
                        <button type="submit" class="primary">{ t(l, "continue") }</button>
                    </div>
                </form>
            </>
        }
    }

    fn password_step(&self, ctx: &Context<Self>) -> Html {
        let l = self.lang;
        let link = ctx.link();
        let onsubmit = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::PasswordSubmit
        });
        html! {
            <form {onsubmit} novalidate=true>
                <p>{ t(l, "password-intro") }</p>
                <div class="field">
                    <label for="field-password">{ t(l, "password-label") }</label>
                    <p class="hint" id="password-hint">{ t(l, "password-hint") }</p>
                    <input type="password" id="field-password" name="password" autocomplete="current-password"
                        aria-describedby="password-hint" aria-invalid={ self.invalid("field-password") }
                        spellcheck="false" autocapitalize="off"
                        value={ self.password.clone() }
                        oninput={ link.callback(|e: InputEvent| Msg::Password(e.target_unchecked_into::<HtmlInputElement>().value())) }/>
                </div>
                <div class="actions">
                    <button type="button" onclick={ link.callback(|_| Msg::Go(Step::Welcome)) }>{ t(l, "back") }</button>
                    <button type="submit" class="primary" disabled={ self.busy }>
                        { if self.busy { t(l, "password-checking") } else { t(l, "continue") } }
                    </button>
                </div>
            </form>
        }
    }

    fn choose(&self, ctx: &Context<Self>) -> Html {
        let l = self.lang;
        let link = ctx.link().clone();
        let on_pick = {
            let link = link.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                link.send_message(Msg::Chosen(from_input(&input)));
            })
        };
        let ondrop = {
            let link = link.clone();
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                let (entries, loose) = dropped_entries(&e);
                link.send_future(async move { Msg::Chosen(walk(entries, loose).await) });
            })
        };
        let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
        let scanning = self.scanning.map(|(done, total)| html! {
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
                        <button type="button" class="primary" onclick={ click("pick-folder") } disabled={ self.scanning.is_some() }>{ t(l, "choose-folder") }</button>
                        <button type="button" onclick={ click("pick-files") } disabled={ self.scanning.is_some() }>{ t(l, "choose-files") }</button>
                        <button type="button" onclick={ click("pick-zip") } disabled={ self.scanning.is_some() }>{ t(l, "choose-zip") }</button>
                    </div>
                </div>
                <input type="file" id="pick-folder" class="visually-hidden" tabindex="-1" aria-hidden="true"
                    webkitdirectory=true multiple=true onchange={ on_pick.clone() }/>
                <input type="file" id="pick-files" class="visually-hidden" tabindex="-1" aria-hidden="true"
                    multiple=true onchange={ on_pick.clone() }/>
                <input type="file" id="pick-zip" class="visually-hidden" tabindex="-1" aria-hidden="true"
                    accept=".zip,application/zip" onchange={ on_pick }/>
                <p class="hint">{ t(l, "choose-cd-hint") }</p>
                { for scanning }
                if !self.scanned.items.is_empty() && self.scanning.is_none() {
                    <div class="actions">
                        <button type="button" class="primary" onclick={ link.callback(|_| Msg::Go(Step::Check)) }>{ t(l, "choose-to-check") }</button>
                    </div>
                }
            </>
        }
    }

    fn check(&self, ctx: &Context<Self>) -> Html {
        let l = self.lang;
        let link = ctx.link();
        let patients = tree::group(&self.scanned.items);
        let selected = self.selected();
        let selected_bytes: u64 = selected.iter().map(|i| self.scanned.items[*i].size).sum();
        let mut study_no = 0usize;
        let patients_html = patients.iter().map(|p| {
            let born = p.birth_date.as_deref().map(|d| ta(l, "check-born", &[("date", format_date(d, l).into())])).unwrap_or_default();
            let name = if p.name.is_empty() { t(l, "check-no-name") } else { p.name.clone() };
            html! {
                <section class="patient">
                    <h2>{ name }{ " " }<span class="born">{ born }</span></h2>
                    { for p.studies.iter().map(|s| {
                        study_no += 1;
                        let id = format!("study-{study_no}");
                        let uid = s.uid.clone();
                        let on = !self.excluded.contains(&s.uid);
                        let date = s.date.as_deref().map(|d| format_date(d, l)).unwrap_or_else(|| t(l, "check-no-date"));
                        let desc = s.description.clone().unwrap_or_default();
                        let label = ta(l, "check-study", &[
                            ("date", date.into()),
                            ("description", desc.into()),
                            ("modalities", s.modalities().join(", ").into()),
                            ("images", s.files().into()),
                            ("size", format_bytes(s.bytes(), l).into()),
                        ]);
                        html! {
                            <div class="study">
                                <div class="check">
                                    <input type="checkbox" id={ id.clone() } checked={ on }
                                        onchange={ link.callback(move |e: Event| Msg::Study(uid.clone(), e.target_unchecked_into::<HtmlInputElement>().checked())) }/>
                                    <label for={ id }>{ label }</label>
                                </div>
                                <table class="series">
                                    <caption class="visually-hidden">{ t(l, "check-series-caption") }</caption>
                                    <thead><tr>
                                        <th scope="col">{ t(l, "check-col-number") }</th>
                                        <th scope="col">{ t(l, "check-col-modality") }</th>
                                        <th scope="col">{ t(l, "check-col-description") }</th>
                                        <th scope="col">{ t(l, "check-col-images") }</th>
                                        <th scope="col">{ t(l, "check-col-size") }</th>
                                    </tr></thead>
                                    <tbody>
                                    { for s.series.iter().map(|se| html! {
                                        <tr>
                                            <td>{ se.number.clone().unwrap_or_default() }</td>
                                            <td>{ se.modality.clone().unwrap_or_default() }</td>
                                            <td>{ se.description.clone().unwrap_or_default() }</td>
                                            <td>{ se.items.len() }</td>
                                            <td>{ format_bytes(se.bytes, l) }</td>
                                        </tr>
                                    }) }
                                    </tbody>
                                </table>
                            </div>
                        }
                    }) }
                </section>
            }
        });
        let dicomdir = self.scanned.dicomdir_check().into_iter().map(|(_, listed, missing)| {
            if missing == 0 {
                html! { <p class="ok">{ ta(l, "check-dicomdir-ok", &[("listed", listed.into())]) }</p> }
            } else {
                html! { <p class="warning">{ ta(l, "check-dicomdir-missing", &[("listed", listed.into()), ("missing", missing.into())]) }</p> }
            }
        });
        let ignored = &self.scanned.ignored;
        html! {
            <>
                if self.scanned.items.is_empty() {
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
                            { for ignored.iter().take(500).map(|i| html! {
                                <tr><td class="path">{ &i.path }</td><td>{ i18n::ignored(l, i.reason) }</td></tr>
                            }) }
                            </tbody>
                        </table>
                        if ignored.len() > 500 {
                            <p>{ ta(l, "check-ignored-more", &[("count", (ignored.len() - 500).into())]) }</p>
                        }
                    </details>
                }
                <div class="actions">
                    <button type="button" onclick={ link.callback(|_| Msg::Go(Step::Choose)) }>{ t(l, "check-add-more") }</button>
                    if !self.scanned.items.is_empty() {
                        <button type="button" class="primary" onclick={ link.callback(|_| Msg::CheckNext) }>{ t(l, "continue") }</button>
                    }
                </div>
            </>
        }
    }

    /// A one-line text field of the About step.
    fn text_field(&self, ctx: &Context<Self>, field: Field) -> Html {
        let f = &self.form;
        let (id, label, kind, autocomplete, value) = match field {
            Field::Name => ("field-name", "about-name", "text", "name", &f.name),
            Field::Phone => ("field-phone", "about-phone", "tel", "tel", &f.phone),
            Field::Email => ("field-email", "about-email", "email", "email", &f.email),
            _ => (
                "field-contact",
                "about-contact-person",
                "text",
                "off",
                &f.contact,
            ),
        };
        html! {
            <div class="field">
                <label for={ id }>{ t(self.lang, label) }</label>
                <input type={ kind } id={ id } autocomplete={ autocomplete } value={ value.clone() }
                    aria-invalid={ self.invalid(id) }
                    oninput={ ctx.link().callback(move |e: InputEvent| Msg::Field(field, e.target_unchecked_into::<HtmlInputElement>().value())) }/>
            </div>
        }
    }

    fn about(&self, ctx: &Context<Self>) -> Html {
        let l = self.lang;
        let link = ctx.link().clone();
        let Some(h) = &self.hospital else {
            return html! {};
        };
        let f = &self.form;
        let onsubmit = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::Send
        });
        let role = |value: &'static str, id: &'static str, label: String| {
            html! {
                <div class="check">
                    <input type="radio" name="role" id={ id } value={ value } checked={ f.role == value }
                        onchange={ link.callback(move |_| Msg::Field(Field::Role, value.to_owned())) }/>
                    <label for={ id }>{ label }</label>
                </div>
            }
        };
        let on_letters = {
            let link = link.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let chosen = from_input(&input);
                link.send_future(async move {
                    let (mut pdfs, mut others) = (Vec::new(), Vec::new());
                    for (file, _) in chosen.files {
                        if is_pdf(&file).await {
                            pdfs.push(file);
                        } else {
                            others.push(file.name());
                        }
                    }
                    Msg::Letters(pdfs, others)
                })
            })
        };
        html! {
            <form {onsubmit} novalidate=true>
                <p>{ t(l, "about-intro") }</p>
                <fieldset>
                    <legend>{ t(l, "about-contact") }</legend>
                    { self.text_field(ctx, Field::Name) }
                    { self.text_field(ctx, Field::Phone) }
                    { self.text_field(ctx, Field::Email) }
                </fieldset>
                <fieldset>
                    <legend>{ t(l, "about-role") }</legend>
                    { role("patient", "role-patient", t(l, "about-role-patient")) }
                    { role("doctor", "role-doctor", t(l, "about-role-doctor")) }
                    { role("other", "role-other", t(l, "about-role-other")) }
                </fieldset>
                <div class="field">
                    <label for="field-department">{ t(l, "about-department") }</label>
                    <select id="field-department"
                        onchange={ link.callback(|e: Event| Msg::Field(Field::Department, e.target_unchecked_into::<HtmlSelectElement>().value())) }>
                        <option value="" selected={ self.department.is_empty() }>{ t(l, "about-department-unknown") }</option>
                        { for h.departments.iter().map(|d| html! {
                            <option value={ d.id.clone() } selected={ self.department == d.id }>{ self.pick(&d.name) }</option>
                        }) }
                    </select>
                </div>
                { self.text_field(ctx, Field::Contact) }
                <div class="field">
                    <label for="field-request">{ t(l, "about-request") }</label>
                    <p class="hint" id="request-hint">{ t(l, "about-request-hint") }</p>
                    <textarea id="field-request" rows="5" aria-describedby="request-hint"
                        aria-invalid={ self.invalid("field-request") }
                        value={ f.request.clone() }
                        oninput={ link.callback(|e: InputEvent| Msg::Field(Field::Request, e.target_unchecked_into::<HtmlTextAreaElement>().value())) }/>
                </div>
                <div class="field" id="field-letters" tabindex="-1">
                    <h2>{ t(l, "about-letters") }</h2>
                    <p class="hint">{ t(l, "about-letters-hint") }</p>
                    <button type="button" onclick={ click("pick-letters") }>{ t(l, "about-add-letters") }</button>
                    <input type="file" id="pick-letters" class="visually-hidden" tabindex="-1" aria-hidden="true"
                        accept=".pdf,application/pdf" multiple=true onchange={ on_letters }/>
                    <ul class="letters">
                        { for self.letters.iter().enumerate().map(|(i, file)| html! {
                            <li>{ file.name() }{ " (" }{ format_bytes(crate::blob::size(file), l) }{ ") " }
                                <button type="button" aria-label={ ta(l, "about-remove-letter", &[("name", file.name().into())]) }
                                    onclick={ link.callback(move |_| Msg::RemoveLetter(i)) }>{ t(l, "remove") }</button></li>
                        }) }
                    </ul>
                </div>
                <div class="actions">
                    <button type="button" onclick={ link.callback(|_| Msg::Go(Step::Check)) }>{ t(l, "back") }</button>
                    <button type="submit" class="primary" disabled={ self.busy }>{ t(l, "send") }</button>
                </div>
            </form>
        }
    }

    fn send(&self, ctx: &Context<Self>) -> Html {
        let l = self.lang;
        let link = ctx.link();
        let Some(s) = &self.sending else {
            return html! {};
        };
        let (sent, total, done, count) = s.totals();
        let speed = s.speed();
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
        if let Some(bps) = speed.filter(|b| *b > 0.0) {
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
        // Per study (and letters), in the order first seen.
        let mut order: Vec<Option<String>> = Vec::new();
        let mut groups: HashMap<Option<String>, (u64, u64, usize, usize)> = HashMap::new();
        for j in &s.jobs {
            if !groups.contains_key(&j.study) {
                order.push(j.study.clone());
            }
            let g = groups.entry(j.study.clone()).or_default();
            g.0 += j.sent;
            g.1 += j.size;
            g.2 += usize::from(j.verdict.is_some());
            g.3 += 1;
        }
        let study_label = |uid: &Option<String>| -> String {
            match uid {
                None => t(l, "send-letters"),
                Some(uid) => {
                    let item = self
                        .scanned
                        .items
                        .iter()
                        .find(|i| &i.study_instance_uid == uid);
                    let date = item
                        .and_then(|i| i.study_date.as_deref())
                        .map(|d| format_date(d, l))
                        .unwrap_or_default();
                    let desc = item
                        .and_then(|i| i.study_description.clone())
                        .unwrap_or_default();
                    ta(
                        l,
                        "send-study",
                        &[("date", date.into()), ("description", desc.into())],
                    )
                }
            }
        };
        let refused: Vec<_> = s
            .jobs
            .iter()
            .filter(|j| {
                matches!(
                    j.verdict.as_ref().map(|v| v.0.as_str()),
                    Some("rejected" | "failed")
                )
            })
            .collect();
        let paused = self.control.paused.get();
        html! {
            <>
                <div class="overall">
                    <label for="overall-progress">{ status }</label>
                    <progress id="overall-progress" max={ total.max(1).to_string() } value={ sent.to_string() }></progress>
                </div>
                if let Some(secs) = s.waiting.values().map(|w| w.0).max() {
                    <p class="warning">{ ta(l, "send-waiting", &[("seconds", secs.into())]) }</p>
                }
                if paused {
                    <p class="notice">{ t(l, "send-paused") }</p>
                }
                <ul class="studies">
                    { for order.iter().enumerate().map(|(k, key)| {
                        let (gs, gt, gd, gc) = groups.get(key).copied().unwrap_or_default();
                        let id = format!("study-progress-{k}");
                        html! {
                            <li>
                                <label for={ id.clone() }>{ study_label(key) }{ ": " }{ ta(l, "send-study-files", &[("done", gd.into()), ("files", gc.into())]) }</label>
                                <progress id={ id } max={ gt.max(1).to_string() } value={ gs.to_string() }></progress>
                            </li>
                        }
                    }) }
                </ul>
                if !s.finished && s.fatal.is_none() {
                    <div class="actions">
                        if paused {
                            <button type="button" class="primary" onclick={ link.callback(|_| Msg::Pause(false)) }>{ t(l, "send-resume") }</button>
                        } else {
                            <button type="button" onclick={ link.callback(|_| Msg::Pause(true)) }>{ t(l, "send-pause") }</button>
                        }
                    </div>
                    <p class="hint">{ t(l, "send-keep-open") }</p>
                }
                if s.finished && s.fatal.is_none() && s.submit_error.is_none() {
                    <p>{ t(l, "send-finishing") }</p>
                }
                if s.fatal.as_ref().is_some_and(|e| e.code() == "session-expired") {
                    <div class="actions">
                        <button type="button" class="primary" onclick={ link.callback(|_| Msg::Reauthenticate) }>{ t(l, "send-reauthenticate") }</button>
                    </div>
                }
                if s.submit_error.is_some() {
                    <div class="actions">
                        <button type="button" class="primary" onclick={ link.callback(|_| Msg::UploadsFinished) }>{ t(l, "try-again") }</button>
                    </div>
                }
                if !refused.is_empty() {
                    <section class="refused" aria-labelledby="refused-heading">
                        <h2 id="refused-heading">{ t(l, "send-refused-heading") }</h2>
                        <table>
                            <thead><tr>
                                <th scope="col">{ t(l, "check-col-file") }</th>
                                <th scope="col">{ t(l, "check-col-reason") }</th>
                            </tr></thead>
                            <tbody>
                            { for refused.iter().map(|j| html! {
                                <tr><td class="path">{ &j.label }</td>
                                    <td>{ j.verdict.as_ref().and_then(|v| v.1.as_deref()).map(|r| i18n::rule(l, r)).unwrap_or_default() }</td></tr>
                            }) }
                            </tbody>
                        </table>
                    </section>
                }
            </>
        }
    }

    fn receipt_step(&self) -> Html {
        let l = self.lang;
        let (Some(r), Some(h)) = (&self.receipt, &self.hospital) else {
            return html! {};
        };
        let phone = h
            .phones
            .first()
            .map(|p| p.number.clone())
            .unwrap_or_default();
        let when = js_sys::Date::new(&((r.received_at as f64) * 1000.0).into());
        let when =
            String::from(when.to_locale_string(i18n::tag(l), &wasm_bindgen::JsValue::UNDEFINED));
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
                    ("hospital", self.pick(&h.name).to_owned().into()),
                    ("phone", phone.into()),
                    ("hours", self.pick(&h.hours).to_owned().into()),
                ]) }</p>
                <p>{ ta(l, "receipt-deleted", &[("weeks", h.retention_days.div_ceil(7).into())]) }</p>
                <div class="actions no-print">
                    <button type="button" class="primary" onclick={ print }>{ t(l, "receipt-print") }</button>
                </div>
            </>
        }
    }
}
