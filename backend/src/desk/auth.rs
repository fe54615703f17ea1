//! Who is asking, and may they: the session cookie, the CSRF check of
//! every POST, the language preference.

use actix_web::{web, HttpRequest};

use super::failure::{DeskError, Fail};
use super::pages::Lang;
use super::Desk;
use crate::staff::sessions::{self, Signed};
use crate::staff::Right;

/// The session cookie.
pub const SESSION: &str = "mailslot-desk";
/// Before sign-in: the value the sign-in form must carry back (a
/// double-submit token against login CSRF).
pub const PRE: &str = "mailslot-desk-pre";
/// The language the person chose.
pub const LANG: &str = "mailslot-desk-lang";

/// A cookie's value from the request.
pub fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all("Cookie")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure
/// when requests arrive over TLS; `None` clears it.
pub fn set_cookie(name: &str, value: Option<&str>, tls: bool) -> String {
    let secure = if tls { "; Secure" } else { "" };
    match value {
        Some(v) => format!("{name}={v}; Path=/; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"),
    }
}

/// The language: the person's choice, else German.
pub fn lang(req: &HttpRequest) -> Lang {
    match cookie(req, LANG).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::De,
    }
}

/// The person the request's session names, if it has a right to
/// `right`; the request counts as activity.
pub async fn signed_in(
    req: &HttpRequest,
    desk: &web::Data<Desk>,
    right: Right,
) -> Result<Signed, Fail> {
    let l = lang(req);
    let token = cookie(req, SESSION).ok_or(Fail(DeskError::SignInRequired, l))?;
    let d = desk.clone();
    let signed = web::block(move || sessions::authenticate(&d.store, &token, crate::clock::now()))
        .await
        .map_err(|_| Fail(DeskError::Internal, l))?
        .map_err(|_| Fail(DeskError::Internal, l))?
        .ok_or(Fail(DeskError::SignInRequired, l))?;
    if !signed.role.may(right) {
        let (d, name) = (desk.clone(), signed.name.clone());
        let _ = web::block(move || {
            d.store.audit(
                "desk-refused",
                &format!("staff={name} code=role-lacks-right"),
            )
        })
        .await;
        return Err(Fail(DeskError::Forbidden, l));
    }
    Ok(signed)
}

/// A request about one case: its language, the signed-in person (with
/// `right`) and the case's reference from the path, normalised (not a
/// reference: `404`). Every case page and action starts here.
pub async fn on_case(
    req: &HttpRequest,
    desk: &web::Data<Desk>,
    right: Right,
    path: &str,
) -> Result<(Lang, Signed, String), Fail> {
    let l = lang(req);
    let signed = signed_in(req, desk, right).await?;
    Ok((l, signed, reference_in(path, l)?))
}

/// A POST that acts on one case: [`on_case`] with the right to work
/// cases, and the form's CSRF token checked.
pub async fn acting_on_case(
    req: &HttpRequest,
    desk: &web::Data<Desk>,
    form: &std::collections::HashMap<String, String>,
    path: &str,
) -> Result<(Lang, Signed, String), Fail> {
    let (l, signed) = posted(req, desk, form, Right::WorkCases).await?;
    Ok((l, signed, reference_in(path, l)?))
}

/// A POST from a signed-in person with `right`: its language and the
/// person, the form's CSRF token checked.
pub async fn posted(
    req: &HttpRequest,
    desk: &web::Data<Desk>,
    form: &std::collections::HashMap<String, String>,
    right: Right,
) -> Result<(Lang, Signed), Fail> {
    let l = lang(req);
    let signed = signed_in(req, desk, right).await?;
    csrf(form, &signed.csrf, l)?;
    Ok((l, signed))
}

/// The case reference in a path, normalised (not a reference: `404`).
fn reference_in(path: &str, l: Lang) -> Result<String, Fail> {
    let reference = path.trim().to_ascii_uppercase();
    match super::pages::is_reference(&reference) {
        true => Ok(reference),
        false => Err(Fail(DeskError::NotFound, l)),
    }
}

/// The form's CSRF token checked against `expected`.
pub fn csrf(
    form: &std::collections::HashMap<String, String>,
    expected: &str,
    l: Lang,
) -> Result<(), Fail> {
    match form.get("csrf").filter(|t| !t.is_empty()) {
        None => Err(Fail(DeskError::CsrfMissing, l)),
        Some(t) if sessions::same_token(t, expected) => Ok(()),
        Some(_) => Err(Fail(DeskError::CsrfInvalid, l)),
    }
}

/// The client's address (the peer, or behind a trusted proxy what it
/// reports), for the lockout.
pub fn client_ip(req: &HttpRequest, desk: &Desk) -> std::net::IpAddr {
    let lines: Vec<&str> = req
        .headers()
        .get_all("X-Forwarded-For")
        .filter_map(|v| v.to_str().ok())
        .collect();
    crate::proxy::client_ip(
        req.peer_addr().map(|a| a.ip()),
        &lines,
        &desk.config.trusted_proxies,
    )
}

/// A path on this desk to return to: local, no scheme or host.
pub fn local_path(back: Option<&String>) -> String {
    back.filter(|b| {
        b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') && !b.contains("://")
    })
    .cloned()
    .unwrap_or_else(|| "/cases".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        let p = |s: &str| local_path(Some(&s.to_owned()));
        assert_eq!(p("/cases?state=new"), "/cases?state=new");
        assert_eq!(p("//evil.example/"), "/cases");
        assert_eq!(p("https://evil.example/"), "/cases");
        assert_eq!(p("/\\evil"), "/cases");
        assert_eq!(local_path(None), "/cases");
    }

    #[test]
    fn cookies_are_strict_and_http_only() {
        let c = set_cookie(SESSION, Some("abc"), true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!set_cookie(SESSION, Some("abc"), false).contains("Secure"));
        assert!(set_cookie(SESSION, None, false).contains("Max-Age=0"));
    }
}
