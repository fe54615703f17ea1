//! Defects found when the server was attacked and run for months
//! (issue 9): each test failed on the code before its fix.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mailslot_backend::client::ClientError;
use mailslot_tests::sender::session;
use mailslot_tests::server::Server;
use mailslot_tests::Failures;

/// `department` travels unsealed so staff can route: only the hospital's
/// own ids are taken, never free text (which could carry patient data).
#[test]
fn only_configured_departments_are_accepted() {
    let server = Server::start("inbox", &[]);
    let submit = |department: &str| {
        let client = session(&server);
        client
            .submit(&mailslot_shared::wire::SenderDetails::default(), department)
            .map(|r| r.reference)
            .map_err(|e| match e {
                ClientError::Api { code, .. } => code,
                other => other.to_string(),
            })
    };
    let mut f = Failures::default();
    let free = submit("Dr. Müller, Knie Erika Mustermann");
    f.check(free == Err("bad-request".into()), || {
        format!("free text as department: {free:?}")
    });
    let known = submit("radiology");
    f.check(known.is_ok(), || format!("a configured id: {known:?}"));
    let none = submit("");
    f.check(none.is_ok(), || format!("no department: {none:?}"));
    f.finish();
}
