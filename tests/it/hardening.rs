//! Defects found when the server was attacked and run for months
//! (issue 9): each test failed on the code before its fix.

use std::process::Command;
use std::time::Duration;

use mailslot_backend::client::{Client, ClientError};
use mailslot_shared::wire::Consent;
use mailslot_tests::fixtures::{wait_for, Server, PASSWORD};
use mailslot_tests::{corpus, mailslot_bin, Failures};

fn consent() -> Consent {
    Consent {
        statement_version: "1".into(),
        accepted: true,
        may_send: true,
    }
}

/// A fresh session's preflight for `bytes`: `Ok` or the refusal's code.
fn preflight(server: &Server, bytes: u64) -> Result<(), String> {
    let mut client = Client::new(&server.url);
    client.fetch_key().map_err(|e| e.to_string())?;
    client
        .start_session(PASSWORD, consent())
        .map_err(|e| e.to_string())?;
    match client.preflight(1, bytes) {
        Ok(()) => Ok(()),
        Err(ClientError::Api { code, .. }) => Err(code),
        Err(e) => Err(e.to_string()),
    }
}

/// The quota counts what occupies the disk now: an object delivered into
/// the inbox once (not once as an accepted upload and again in the inbox),
/// and nothing once a purge removed it.
#[test]
fn the_mailbox_counts_each_byte_once_and_is_free_again_after_a_purge() {
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let size = std::fs::metadata(&file).unwrap().len();
    let quota = size * 5 / 2;
    let server = Server::start("inbox", &[("MAILSLOT_QUOTA_BYTES", &quota.to_string())]);
    let (code, out, err) = server.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    assert!(
        wait_for(Duration::from_secs(30), || server.queue("done") == 1),
        "not delivered into the inbox"
    );
    let mut f = Failures::default();
    f.context(server.log());
    // One object of `size` in the inbox: another one fits.
    let second = preflight(&server, size);
    f.check(second.is_ok(), || {
        format!("a second file of the same size is refused: {second:?}")
    });
    // Purge the inbox (as housekeeping does when over quota).
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .env("MAILSLOT_QUOTA_BYTES", "1")
        .output()
        .unwrap();
    f.check(purge.status.success(), || {
        format!("purge failed: {}", String::from_utf8_lossy(&purge.stderr))
    });
    // The mailbox is empty again: twice the size fits.
    let after = preflight(&server, 2 * size);
    f.check(after.is_ok(), || {
        format!("after the purge the mailbox is still full: {after:?}")
    });
    f.finish();
}

/// A stand-in DICOMweb server on a free port that reads each request whole
/// and answers with `reply(method, path)`; it counts the requests.
struct StandIn {
    port: u16,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl StandIn {
    fn start(reply: fn(&str, &str) -> String) -> StandIn {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap_or(0);
                let mut parts = line.split_whitespace();
                let (method, path) = (
                    parts.next().unwrap_or("").to_owned(),
                    parts.next().unwrap_or("").to_owned(),
                );
                let (mut length, mut chunked) = (0usize, false);
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                    let lower = h.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                        chunked = true;
                    }
                }
                // Read the body whole, so the sender sees an answer, not a reset.
                if chunked {
                    loop {
                        let mut size = String::new();
                        reader.read_line(&mut size).unwrap_or(0);
                        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
                        let mut chunk = vec![0u8; n + 2];
                        if reader.read_exact(&mut chunk).is_err() || n == 0 {
                            break;
                        }
                    }
                } else {
                    let mut body = vec![0u8; length];
                    let _ = reader.read_exact(&mut body);
                }
                let mut stream = stream;
                let _ = stream.write_all(reply(&method, &path).as_bytes());
            }
        });
        StandIn { port, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Sends one file to a server forwarding over STOW-RS to `pacs`; returns
/// what is left in its spool once the PACS answered and the server
/// recorded the outcome.
fn stow_to_stand_in(pacs: &StandIn) -> (Server, Vec<std::path::PathBuf>) {
    let dest = format!("stow+http://127.0.0.1:{}/dicom-web", pacs.port);
    let server = Server::start(&dest, &[]);
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let (code, out, err) = server.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    assert!(
        wait_for(Duration::from_secs(30), || pacs.requests() >= 1
            && server.queue("sending") == 0),
        "the stand-in PACS was not asked"
    );
    let spool = mailslot_tests::fixtures::files_under(&server.data.join("spool"));
    (server, spool)
}

fn http(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A redirect (http → https, an SSO) turned the POST into a GET, whose
/// QIDO-like 200 counted as stored and the spool file was removed.
#[test]
fn a_stow_redirect_stores_nothing_and_loses_nothing() {
    let pacs = StandIn::start(|method, _| match method {
        "POST" => http(
            "301 Moved Permanently",
            "Location: /elsewhere/studies\r\n",
            "",
        ),
        _ => http("200 OK", "Content-Type: application/dicom+json\r\n", "[]"),
    });
    let (server, spool) = stow_to_stand_in(&pacs);
    let mut f = Failures::default();
    f.context(server.log());
    f.check(spool.len() == 1, || {
        format!("the spool lost the object: {spool:?}")
    });
    f.check(server.queue("done") == 0, || {
        "a redirect counted as stored".into()
    });
    f.finish();
}

/// A login page or proxy error page answering 200 is no proof of storage.
#[test]
fn a_stow_reply_without_the_instance_is_not_stored() {
    let pacs = StandIn::start(|_, _| {
        http(
            "200 OK",
            "Content-Type: text/html\r\n",
            "<html><body>Please sign in</body></html>",
        )
    });
    let (server, spool) = stow_to_stand_in(&pacs);
    let mut f = Failures::default();
    f.context(server.log());
    f.check(spool.len() == 1, || {
        format!("the spool lost the object: {spool:?}")
    });
    f.check(server.queue("done") == 0, || {
        "an HTML page counted as stored".into()
    });
    f.finish();
}
