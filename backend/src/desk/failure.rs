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
    /// A case action refused by the case lifecycle: its stable code
    /// (`case::CaseError::code`) and the status it answers with.
    Case(&'static str, StatusCode),
}

impl DeskError {
    /// The desk's refusal for the case lifecycle's `e`.
    pub fn case(e: &crate::case::CaseError) -> DeskError {
        use crate::case::CaseError as E;
        let status = match e {
            E::Unknown(_) => return DeskError::NotFound,
            E::Closed(_) | E::Busy => StatusCode::CONFLICT,
            E::NothingSelected | E::NotHeld | E::By | E::Identity(_) | E::Refused(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(code = e.code(), "desk: case action");
        }
        DeskError::Case(e.code(), status)
    }
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
            DeskError::Case(code, _) => code,
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
            DeskError::Case(_, status) => status,
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
        DeskError::Case(code, _) => (
            t(l, "Nicht möglich", "Not possible"),
            match code {
                "case-closed" => t(l, "Dieser Fall ist geschlossen; mit ihm ist nichts mehr zu tun.",
                    "This case is closed; nothing more can be done with it."),
                "case-busy" => t(l, "Gerade bearbeitet jemand anderes diesen Fall. Bitte versuchen Sie es gleich noch einmal.",
                    "Someone else is acting on this case right now. Please try again in a moment."),
                "note-invalid" => t(l, "Die Notiz ist leer oder zu lang (höchstens 4000 Zeichen).",
                    "The note is empty or too long (4000 characters at most)."),
                "study-not-held" | "nothing-selected" => t(l, "Diese Studie liegt nicht mehr hier (schon übernommen, gesendet oder gelöscht). Laden Sie den Fall neu.",
                    "This study is no longer held here (already taken over, sent or deleted). Reload the case."),
                "reconciled-object-refused" => t(l, "Ein Bild ließ sich unter den Angaben des Hauses nicht sicher umschreiben; es wurde nicht gesendet. Was schon gesendet war, bleibt gesendet. Bitte wenden Sie sich mit dem Code an die IT.",
                    "An image could not be safely rewritten under the hospital's details; it was not sent. What was already sent stays sent. Please give IT the code."),
                c if c.starts_with("reconcile") || c.starts_with("identity") => t(l, "Die Angaben zur Person lassen sich so nicht in die Bilder schreiben (zu lang oder unerlaubte Zeichen). Bitte prüfen Sie sie.",
                    "The patient's details cannot be written into the images like this (too long or characters not allowed). Please check them."),
                "worklist-query-invalid" => t(l, "Suchen Sie nach einem Namen (mit Geburtsdatum als TT.MM.JJJJ oder JJJJ-MM-TT) oder nach der Patienten-ID.",
                    "Search by a name (with the birth date as YYYY-MM-DD or DD.MM.YYYY) or by the patient ID."),
                c if c.starts_with("worklist") => t(l, "Die Arbeitsliste des Hauses ließ sich nicht befragen. Bitte versuchen Sie es noch einmal oder geben Sie der IT den Code.",
                    "The hospital's worklist could not be searched. Please try again or give IT the code."),
                _ => t(l, "Die Aktion ließ sich nicht ausführen. Bitte versuchen Sie es noch einmal oder geben Sie der IT den Code.",
                    "The action could not be done. Please try again or give IT the code."),
            },
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
