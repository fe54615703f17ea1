//! STOW-RS's last hop: only a reply that names the instance counts as
//! stored (not a redirect, not a login page), and over HTTPS the PACS is
//! verified with the hospital's own CA.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mailslot_tests::ca::HospitalCa;
use mailslot_tests::http::get;
use mailslot_tests::nginx::TlsProxy;
use mailslot_tests::pacs::Orthanc;
use mailslot_tests::ports::wait_for;
use mailslot_tests::server::Server;
use mailslot_tests::{corpus, files_under, Failures};

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
    let spool = files_under(&server.data.join("spool"));
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
    kept_and_not_counted_as_stored(&pacs, "a redirect");
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
    kept_and_not_counted_as_stored(&pacs, "an HTML page");
}

/// Forwards one object to `pacs`, whose reply is `reply`, and checks it is
/// kept in the spool and not counted as stored.
fn kept_and_not_counted_as_stored(pacs: &StandIn, reply: &str) {
    let (server, spool) = stow_to_stand_in(pacs);
    let mut f = Failures::default();
    f.context(server.log());
    f.check(spool.len() == 1, || {
        format!("the spool lost the object: {spool:?}")
    });
    f.check(server.queue("done") == 0, || {
        format!("{reply} counted as stored")
    });
    f.finish();
}

/// The last hop may be TLS: `stow+https://` to a real Orthanc behind
/// Debian's nginx serving HTTPS with a certificate from the hospital's own
/// CA (`stow_ca_file`) and asking for a token (`stow_authorization`);
/// without that CA the PACS is not trusted and nothing leaves the spool,
/// without the token it refuses. (Debian's Orthanc 1.10 itself stops at its
/// first HTTPS request, so a reverse proxy terminates TLS, as in most
/// hospitals.)
#[test]
fn stow_over_https_verifies_the_pacs_with_the_hospitals_ca() {
    // A hospital CA and a certificate for 127.0.0.1 signed by it.
    let hospital = HospitalCa::new();
    let orthanc = Orthanc::start();
    let token = "Bearer mailslot-test-token";
    let proxy = TlsProxy::start(
        orthanc.http_port,
        &hospital.server_cert,
        &hospital.server_key,
        token,
    );
    let dest = format!("stow+https://127.0.0.1:{}/dicom-web", proxy.port);
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let mut f = Failures::default();

    // Without the CA: not trusted, kept in the spool.
    let untrusted = Server::start(&dest, &[]);
    let (code, out, err) = untrusted.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    f.check(
        wait_for(Duration::from_secs(30), || {
            untrusted.queue("pending") == 1 && untrusted.queue("sending") == 0
        }),
        || "the untrusted attempt did not end".into(),
    );
    f.check(untrusted.queue("done") == 0, || {
        "an untrusted PACS was sent to".into()
    });
    f.check(orthanc.instances().is_empty(), || {
        "Orthanc got the file".into()
    });

    // With the hospital's CA but without the PACS's token: refused, kept.
    let ca = hospital.ca_cert.to_str().unwrap();
    let anonymous = Server::start(&dest, &[("MAILSLOT_STOW_CA_FILE", ca)]);
    let (code, out, err) = anonymous.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    f.check(
        wait_for(Duration::from_secs(30), || anonymous.queue("failed") == 1),
        || format!("without the token: {}", anonymous.admin(&["queue"])),
    );

    // With the CA and the token: stored.
    let server = Server::start(
        &dest,
        &[
            ("MAILSLOT_STOW_CA_FILE", ca),
            ("MAILSLOT_STOW_AUTHORIZATION", token),
        ],
    );
    let (code, out, err) = server.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    f.context(server.log());
    f.context(proxy.log());
    f.check(
        wait_for(Duration::from_secs(30), || server.queue("done") == 1),
        || {
            format!(
                "not stored over https: {}",
                server.admin(&["queue", "--failed"])
            )
        },
    );
    f.check(orthanc.instances().len() == 1, || {
        format!("Orthanc holds {}", orthanc.instances().len())
    });
    // Readiness probes the PACS as forwarding reaches it: through the
    // hospital's CA (the probe once used the public roots and called this
    // PACS silent); without the CA it does not answer.
    let ready = |s: &Server| {
        get(&format!("{}/ready", s.admin_url))
            .map(|(st, b)| (st, String::from_utf8_lossy(&b).into_owned()))
            .unwrap_or_default()
    };
    let (status, body) = ready(&server);
    f.check(status == 200, || {
        format!("ready with the CA: {status} {body}")
    });
    let (status, body) = ready(&untrusted);
    f.check(
        status == 503 && body.contains("\"pacs\",\"ok\":false"),
        || format!("ready without the CA: {status} {body}"),
    );
    f.finish();
}
