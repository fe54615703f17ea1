//! The hospital's ends of a notification: a real SMTP server (plain,
//! STARTTLS, SMTPS, with a login) and a webhook receiver.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::ca::HospitalCa;
use crate::ports::wait_for;
use crate::{files_under, kill};

/// A real SMTP server: aiosmtpd (Debian's `python3-aiosmtpd`) writing every
/// mail it receives into a Maildir.
#[derive(Debug)]
pub struct SmtpServer {
    child: Child,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

/// How an [`SmtpServer`] speaks TLS: with the certificate and key of a
/// [`HospitalCa`].
#[derive(Debug, Clone, Copy)]
pub enum SmtpTls<'a> {
    /// Plain SMTP.
    None,
    /// STARTTLS, required before any mail (`--tlscert`).
    StartTls(&'a HospitalCa),
    /// TLS from the first byte, SMTPS (`--smtpscert`).
    Implicit(&'a HospitalCa),
    /// STARTTLS, then a login (`AUTH PLAIN`/`LOGIN`) with this user and
    /// password, both required before any mail.
    StartTlsLogin(&'a HospitalCa, &'a str, &'a str),
}

/// aiosmtpd with STARTTLS and a required login (its command line has no
/// option for a login): `host port maildir cert key user password`.
const SMTP_WITH_LOGIN: &str = r#"
import ssl, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
host, port, maildir, cert, key, user, password = sys.argv[1:]
tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(cert, key)
def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login == user.encode() and data.password == password.encode()
    return AuthResult(success=ok, handled=False)
Controller(Mailbox(maildir), hostname=host, port=int(port), tls_context=tls,
           require_starttls=True, authenticator=check, auth_required=True).start()
threading.Event().wait()
"#;

impl SmtpServer {
    /// Starts it on `port` (which a server may already be configured with).
    pub fn start(port: u16) -> SmtpServer {
        SmtpServer::start_with(port, SmtpTls::None)
    }

    /// Starts it on `port`, speaking TLS as `tls` says.
    pub fn start_with(port: u16, tls: SmtpTls<'_>) -> SmtpServer {
        let dir = tempfile::tempdir().expect("tempdir");
        // aiosmtpd's Mailbox handler creates the Maildir itself.
        let maildir = dir.path().join("maildir");
        let mut cmd = Command::new("/usr/bin/python3");
        if let SmtpTls::StartTlsLogin(ca, user, password) = tls {
            cmd.args(["-c", SMTP_WITH_LOGIN, "127.0.0.1", &port.to_string()])
                .arg(&maildir)
                .args([&ca.server_cert, &ca.server_key])
                .args([user, password]);
        } else {
            cmd.args(["-m", "aiosmtpd", "-n", "-l"])
                .arg(format!("127.0.0.1:{port}"));
        }
        match tls {
            SmtpTls::StartTlsLogin(..) => {}
            SmtpTls::None => {}
            SmtpTls::StartTls(ca) => {
                cmd.arg("--tlscert").arg(&ca.server_cert);
                cmd.arg("--tlskey").arg(&ca.server_key);
            }
            SmtpTls::Implicit(ca) => {
                cmd.arg("--smtpscert").arg(&ca.server_cert);
                cmd.arg("--smtpskey").arg(&ca.server_key);
            }
        }
        if !matches!(tls, SmtpTls::StartTlsLogin(..)) {
            cmd.args(["-c", "aiosmtpd.handlers.Mailbox"]).arg(&maildir);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start aiosmtpd (apt install python3-aiosmtpd)");
        let up = wait_for(Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(up, "aiosmtpd did not come up");
        SmtpServer {
            child,
            maildir,
            _dir: dir,
        }
    }

    /// The mails received so far, as text (headers aiosmtpd adds included:
    /// `X-RcptTo` is the envelope recipient).
    pub fn mails(&self) -> Vec<String> {
        files_under(&self.maildir.join("new"))
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

/// One HTTP request a [`WebhookReceiver`] got.
#[derive(Debug, Clone)]
pub struct Hook {
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Hook {
    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A plain HTTP/1.1 server that answers every request `200 OK` and keeps it.
#[derive(Debug)]
pub struct WebhookReceiver {
    /// Where it listens (`http://127.0.0.1:PORT/hook`).
    pub url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<Hook>>>,
}

impl WebhookReceiver {
    /// Starts it on a free port (its thread ends with the test process).
    pub fn start() -> WebhookReceiver {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/hook",
            listener.local_addr().expect("local address")
        );
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut headers = Vec::new();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    if let Some((k, v)) = line.split_once(':') {
                        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
                    }
                    line.clear();
                }
                let len: usize = headers
                    .iter()
                    .find(|(k, _)| k == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; len.min(1 << 20)];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                keep.lock().expect("lock").push(Hook { headers, body });
                let _ = (&stream).write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        WebhookReceiver { url, received }
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Hook> {
        self.received.lock().expect("lock").clone()
    }
}
