//! Which page the address asks for (`?view=`), its link in a language,
//! and the footer's links between the pages: the routing every page and
//! the footer share, below both (`views.rs` draws the pages).

use crate::i18n::{t, Language};
use mailslot_shared::wire::HospitalInfo;
use yew::prelude::*;

/// Which page the address asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The upload, step by step.
    Upload,
    /// The printable instructions.
    Instructions,
    /// The service explained in easy language.
    Easy,
    /// The accessibility statement.
    Accessibility,
}

impl View {
    /// The page `?view=` names (anything else: the upload).
    pub fn requested() -> View {
        let view = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
            .and_then(|p| p.get("view"));
        match view.as_deref() {
            Some("instructions") => View::Instructions,
            Some("easy") => View::Easy,
            Some("accessibility") => View::Accessibility,
            _ => View::Upload,
        }
    }

    /// The link to this page in `lang`.
    pub fn href(self, lang: Language) -> String {
        let view = match self {
            View::Upload => return format!("?lang={}", crate::i18n::tag(lang)),
            View::Instructions => "instructions",
            View::Easy => "easy",
            View::Accessibility => "accessibility",
        };
        format!("?view={view}&lang={}", crate::i18n::tag(lang))
    }

    /// The message id of the page's heading (and title).
    pub fn heading_id(self) -> &'static str {
        match self {
            View::Upload => "app-name",
            View::Instructions => "instructions-heading",
            View::Easy => "easy-heading",
            View::Accessibility => "accessibility-heading",
        }
    }
}

/// The footer's links to the other pages, each in a new tab.
pub fn more_links(l: Language, h: &HospitalInfo) -> Html {
    let accessibility = h
        .accessibility
        .statement_url
        .clone()
        .unwrap_or_else(|| View::Accessibility.href(l));
    let link = |href: String, text: String| {
        html! {
            <li><a { href } target="_blank" rel="noopener">{ text }
                <span class="visually-hidden">{ " " }{ t(l, "new-tab") }</span></a></li>
        }
    };
    html! {
        <nav class="more" aria-label={ t(l, "more-nav") }>
            <ul>
                { link(View::Easy.href(l), t(l, "more-easy")) }
                { link(accessibility, t(l, "more-accessibility")) }
                { link(View::Instructions.href(l), t(l, "instructions-link")) }
            </ul>
        </nav>
    }
}
