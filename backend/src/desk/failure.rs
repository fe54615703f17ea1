//! The desk's refusals: each a page in the person's language with a
//! stable code (also in the `Mailslot-Error` header), except "sign in
//! first", which is a redirect to the sign-in page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use maud::{html, Markup};

use super::pages::{frame, t, Lang};

/// Why the desk refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskError {
    /// No session (or it ended): to the sign-in page.
    SignInRequired,
    /// A POST without its form's CSRF token.
    CsrfMissing,
    /// A POST whose CSRF token is not the session's.
    CsrfInvalid,
    /// The person's role lacks the right the page needs.
    Forbidden,
    /// No such page or case.
    NotFound,
    /// Too many password checks at once.
    Busy,
    /// The database or inbox failed.
    Internal,
}

impl DeskError {
    /// Stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            DeskError::SignInRequired => "sign-in-required",
            DeskError::CsrfMissing => "csrf-missing",
            DeskError::CsrfInvalid => "csrf-invalid",
            DeskError::Forbidden => "role-lacks-right",
            DeskError::NotFound => "not-found",
            DeskError::Busy => "busy",
            DeskError::Internal => "internal",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            DeskError::SignInRequired => StatusCode::SEE_OTHER,
            DeskError::CsrfMissing | DeskError::CsrfInvalid | DeskError::Forbidden => {
                StatusCode::FORBIDDEN
            }
            DeskError::NotFound => StatusCode::NOT_FOUND,
            DeskError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            DeskError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A refusal, shown in the person's language.
#[derive(Debug)]
pub struct Fail(pub DeskError, pub Lang);

impl std::fmt::Display for Fail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.code())
    }
}

impl ResponseError for Fail {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        if self.0 == DeskError::SignInRequired {
            return HttpResponse::SeeOther()
                .insert_header(("Location", "/signin"))
                .insert_header(("Cache-Control", "no-store"))
                .finish();
        }
        HttpResponse::build(self.0.status())
            .insert_header((mailslot_shared::wire::headers::ERROR, self.0.code()))
            .insert_header(("Cache-Control", "no-store"))
            .content_type("text/html; charset=utf-8")
            .body(page(self.1, self.0).into_string())
    }
}

/// A refusal's page: what happened, what to do, the code.
fn page(l: Lang, e: DeskError) -> Markup {
    let (title, what) = match e {
        DeskError::CsrfMissing | DeskError::CsrfInvalid => (
            t(l, "Formular abgelehnt", "Form refused"),
            t(l, "Das Formular kam ohne gültiges Sicherheitsmerkmal an. Laden Sie die Seite neu und versuchen Sie es noch einmal.",
              "The form arrived without a valid security token. Reload the page and try again."),
        ),
        DeskError::Forbidden => (
            t(l, "Nicht erlaubt", "Not allowed"),
            t(l, "Ihre Rolle erlaubt diese Seite nicht.", "Your role does not allow this page."),
        ),
        DeskError::NotFound => (
            t(l, "Nicht gefunden", "Not found"),
            t(l, "Diese Seite oder diesen Fall gibt es nicht (mehr).", "This page or case does not exist (any more)."),
        ),
        DeskError::Busy => (
            t(l, "Gerade belegt", "Busy"),
            t(l, "Bitte versuchen Sie es in einigen Sekunden noch einmal.", "Please try again in a few seconds."),
        ),
        DeskError::SignInRequired | DeskError::Internal => (
            t(l, "Fehler", "Error"),
            t(l, "Etwas ist schiefgegangen. Bitte versuchen Sie es noch einmal.", "Something went wrong. Please try again."),
        ),
    };
    let main = html! {
        h1 { (title) }
        p { (what) }
        p { (t(l, "Code", "Code")) ": " code { (e.code()) } }
        p { a href="/cases" { (t(l, "Zu den Fällen", "To the cases")) } }
    };
    frame(l, title, None, "/cases", main)
}
