//! Running the server as a hospital's IT would: readiness and Prometheus
//! metrics on the admin address (never the public one), structured logs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::time::Duration;

use mailslot_tests::fixtures::{files_under, get, wait_for, Orthanc, Server};
use mailslot_tests::{corpus, Failures};

/// `GET url` as (status, body text).
fn fetch(url: &str) -> (u16, String) {
    get(url)
        .map(|(s, b)| (s, String::from_utf8_lossy(&b).into_owned()))
        .unwrap_or((0, String::new()))
}

/// The readiness document: ready, and each check's (ok, detail).
fn readiness(server: &Server) -> (u16, bool, BTreeMap<String, (bool, String)>) {
    let (status, body) = fetch(&format!("{}/ready", server.admin_url));
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let checks = doc["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_owned(),
                (
                    c["ok"].as_bool().unwrap_or(false),
                    c["detail"].as_str().unwrap_or("").to_owned(),
                ),
            )
        })
        .collect();
    (status, doc["ready"].as_bool().unwrap_or(false), checks)
}

/// Samples of the Prometheus text: `name{labels}` → value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_owned(), v.parse().ok()?))
        })
        .collect()
}

/// Posts a session request with a wrong password (the API's refusal).
fn wrong_password(server: &Server) -> u16 {
    let body = serde_json::json!({"password": "not the password", "consent": {"statement_version": "2", "accepted": true, "may_send": true}});
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .post(&format!("{}/api/session", server.url))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[test]
fn readiness_and_metrics_tell_it_what_the_server_and_the_pacs_are_doing() {
    let mut orthanc = Orthanc::start();
    let server = Server::start(
        &format!("dimse://ORTHANC@127.0.0.1:{}", orthanc.dicom_port),
        &[],
    );
    let mut f = Failures::default();
    f.context(format!("server log:\n{}", server.log()));

    let (status, ready, checks) = readiness(&server);
    f.check(status == 200 && ready, || {
        format!("ready with Orthanc up: {status} {checks:?}")
    });
    f.check(
        checks
            .get("pacs")
            .is_some_and(|(ok, d)| *ok && d.contains("C-ECHO")),
        || format!("the PACS check is a C-ECHO: {checks:?}"),
    );
    for name in ["database", "disk"] {
        f.check(checks.get(name).is_some_and(|(ok, _)| *ok), || {
            format!("{name}: {checks:?}")
        });
    }
    // Neither is on the public port.
    for path in ["/ready", "/metrics"] {
        let (status, _) = fetch(&format!("{}{path}", server.url));
        f.check(status == 404, || format!("public {path}: {status}"));
    }

    f.check(wrong_password(&server) == 401, || "wrong password".into());
    let dir = corpus().join("generated");
    let (code, stdout, stderr) = server.send(&[&dir], &[]);
    f.check(code == 0, || format!("send: {stdout}\n{stderr}"));
    f.context(format!("send stdout:\n{stdout}"));
    let metrics = |f: &mut Failures| {
        let (status, text) = fetch(&format!("{}/metrics", server.admin_url));
        f.check(status == 200, || format!("metrics: {status}"));
        (text.clone(), samples(&text))
    };
    let forwarded = wait_for(Duration::from_secs(90), || {
        let (_, m) = metrics(&mut Failures::default());
        m.get("mailslot_forward_queue{state=\"pending\"}") == Some(&0.0)
            && m.get("mailslot_forward_queue{state=\"sending\"}") == Some(&0.0)
            && m.get("mailslot_forwarded_total").copied().unwrap_or(0.0) > 0.0
    });
    f.check(forwarded, || "the queue drained".into());
    let (text, m) = metrics(&mut f);
    f.context(format!("metrics:\n{text}"));
    let value = |k: &str| m.get(k).copied().unwrap_or(-1.0);
    let uploads = value("mailslot_uploads_total{verdict=\"accepted\"}");
    f.check(uploads > 0.0, || format!("accepted uploads: {uploads}"));
    let done = server.queue("done") as f64;
    f.check(uploads == done, || {
        format!("{uploads} accepted, the queue has {done} forwarded")
    });
    f.check(value("mailslot_forwarded_total") == done, || {
        "every forwarded object counted".into()
    });
    f.check(value("mailslot_sessions_total") == 1.0, || {
        "one session".into()
    });
    f.check(value("mailslot_password_refusals_total") == 1.0, || {
        "one password refused".into()
    });
    f.check(
        value("mailslot_refusals_total{code=\"wrong-password\"}") == 1.0,
        || "refusals by code".into(),
    );
    let bytes: u64 = files_under(&dir)
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    let received = value("mailslot_received_bytes_total");
    f.check(received > 0.0 && received <= bytes as f64, || {
        format!("received {received} of at most {bytes}")
    });
    f.check(
        value("mailslot_forward_queue_oldest_age_seconds") == 0.0,
        || "nothing waits".into(),
    );
    f.check(value("mailslot_mailbox_quota_bytes") > 0.0, || {
        "quota".into()
    });
    // Labels are codes and verdicts, never data.
    let labels_are_codes = m.keys().all(|k| {
        k.split_once('{').is_none_or(|(_, labels)| {
            labels.trim_end_matches('}').split(',').all(|kv| {
                kv.split_once('=').is_some_and(|(_, v)| {
                    v.trim_matches('"')
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                })
            })
        })
    });
    f.check(labels_are_codes, || "a label holds more than a code".into());
    // The audit log on the console: one line per event, times in UTC.
    let audit = server.admin(&["audit"]);
    let finished = audit
        .lines()
        .filter(|l| l.contains("  upload-finished  "))
        .count();
    f.check(
        finished as f64 >= uploads && audit.lines().all(|l| l.get(19..21) == Some("Z ")),
        || format!("mailslot audit:\n{audit}"),
    );

    // The PACS goes down: not ready, and why.
    orthanc.stop();
    let (status, ready, checks) = readiness(&server);
    f.check(status == 503 && !ready, || {
        format!("ready with Orthanc down: {status} {checks:?}")
    });
    f.check(
        checks
            .get("pacs")
            .is_some_and(|(ok, d)| !ok && d.contains(&orthanc.dicom_port.to_string())),
        || format!("the PACS check says which PACS: {checks:?}"),
    );
    f.finish();
}

#[test]
fn a_nearly_full_disk_makes_the_server_not_ready_and_logs_can_be_json() {
    let server = Server::start(
        "inbox",
        &[
            // More than any disk here has free.
            ("MAILSLOT_MIN_FREE_DISK_BYTES", "1000000000000000000"),
            ("MAILSLOT_LOG_FORMAT", "json"),
        ],
    );
    let mut f = Failures::default();
    let (status, ready, checks) = readiness(&server);
    f.check(status == 503 && !ready, || format!("{status} {checks:?}"));
    f.check(
        checks
            .get("disk")
            .is_some_and(|(ok, d)| !ok && d.contains("nearly full")),
        || format!("the disk check: {checks:?}"),
    );
    f.check(
        checks.get("pacs").is_some_and(|(ok, _)| *ok)
            && checks.get("database").is_some_and(|(ok, _)| *ok),
        || format!("only the disk is red: {checks:?}"),
    );

    let dir = corpus().join("generated");
    let (code, stdout, stderr) = server.send(&[&dir], &[]);
    f.check(code == 0, || format!("send: {stdout}\n{stderr}"));
    let log = server.log();
    f.context(format!("server log:\n{log}"));
    let mut audits = 0;
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => {
                f.check(v["level"].is_string() && v["timestamp"].is_string(), || {
                    format!("a JSON line without level or time: {line}")
                });
                if v["message"] == "audit" && v["event"] == "upload-finished" {
                    audits += 1;
                }
            }
            // What the binary prints itself before logging starts.
            Err(_) => f.check(line.starts_with("mailslot: "), || {
                format!("not JSON: {line}")
            }),
        }
    }
    f.check(audits > 0, || "upload verdicts are logged as JSON".into());
    f.finish();
}

/// Debian's nginx serving `site` (a server block) inside a minimal main
/// configuration of its own.
struct Nginx {
    child: std::process::Child,
    dir: tempfile::TempDir,
}

impl Nginx {
    fn start(site: &str, port: u16) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        std::fs::write(dir.path().join("site.conf"), site).unwrap();
        let main = format!(
            "user root; worker_processes 1; daemon off; pid {d}/nginx.pid; error_log {d}/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{ access_log {d}/access.log; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
             include {d}/site.conf; }}\n"
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, main).unwrap();
        let child = std::process::Command::new("/usr/sbin/nginx")
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nginx (Debian package nginx)");
        let up = wait_for(Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        let nginx = Nginx { child, dir };
        assert!(up, "nginx did not come up: {}", nginx.log());
        nginx
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    /// Stops master and workers (SIGKILL to the master alone would leave
    /// its worker holding the port).
    fn drop(&mut self) {
        let conf = self.dir.path().join("nginx.conf");
        let stopped = std::process::Command::new("/usr/sbin/nginx")
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .arg(self.dir.path())
            .args(["-s", "stop"])
            .status();
        if !stopped.is_ok_and(|s| s.success()) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// `text` with `from` replaced by `to`, which must occur exactly once: the
/// test fails when the documented example changes shape.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "deploy/nginx.conf should hold `{from}` once"
    );
    text.replace(from, to)
}

/// The reverse-proxy example of `docs/deploy.md` (deploy/nginx.conf), in
/// a real nginx terminating TLS with a hospital CA's certificate: a file
/// larger than nginx's default body limit arrives through it, plain HTTP
/// is redirected, and the same block without its body limit refuses the
/// upload (so this test would notice the line going missing).
#[test]
fn the_nginx_example_of_the_deployment_guide_carries_an_upload() {
    use mailslot_tests::fixtures::{sha256, HospitalCa};
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf"),
    )
    .unwrap();
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_TLS", "true"),
            ("MAILSLOT_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    );
    let ca = HospitalCa::new();
    let (tls_port, http_port) = (
        mailslot_tests::fixtures::free_port(),
        mailslot_tests::fixtures::free_port(),
    );
    let mut site = replace_once(
        &example,
        "listen 443 ssl http2;",
        &format!("listen 127.0.0.1:{tls_port} ssl http2;"),
    );
    site = replace_once(
        &site,
        "listen 80;",
        &format!("listen 127.0.0.1:{http_port};"),
    );
    site = replace_once(
        &site,
        "/etc/ssl/certs/upload.example-hospital.de.pem",
        &ca.server_cert.display().to_string(),
    );
    site = replace_once(
        &site,
        "/etc/ssl/private/upload.example-hospital.de.key",
        &ca.server_key.display().to_string(),
    );
    site = replace_once(
        &site,
        "proxy_pass http://127.0.0.1:8080;",
        &format!("proxy_pass {};", server.url),
    );

    // One CT image of 3 MB: its one upload request is beyond 1 MiB.
    let cd = tempfile::tempdir().unwrap();
    let image = mailslot_shared::dicom::synth::ct_image(
        "1.2.826.0.1.3680043.10.543.88.1",
        "1.2.826.0.1.3680043.10.543.88",
        "PROXY^PATIENT",
        3_000_000,
        0,
    );
    std::fs::write(cd.path().join("IM0001"), &image).unwrap();
    let https = format!("https://127.0.0.1:{tls_port}");
    let ca_file = ca.ca_cert.display().to_string();

    let mut f = Failures::default();
    {
        let nginx = Nginx::start(&site, tls_port);
        let (code, stdout, stderr) = server.send_to(&https, &[cd.path()], &["--ca-file", &ca_file]);
        f.context(format!(
            "send:\n{stdout}\n{stderr}\nnginx:\n{}\nserver:\n{}",
            nginx.log(),
            server.log()
        ));
        f.check(code == 0 && stdout.contains("Files received: 1"), || {
            "the upload through nginx".into()
        });
        let arrived = files_under(&server.data.join("inbox"))
            .iter()
            .any(|p| std::fs::read(p).is_ok_and(|b| sha256(&b) == sha256(&image)));
        f.check(arrived, || "the image in the inbox, byte-identical".into());
        // HTTP is redirected to HTTPS.
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let redirect = agent
            .get(&format!("http://127.0.0.1:{http_port}/"))
            .call()
            .map(|r| {
                (
                    r.status().as_u16(),
                    r.headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned(),
                )
            });
        f.check(
            redirect
                .as_ref()
                .is_ok_and(|(s, l)| *s == 301 && l.starts_with("https://")),
            || format!("http redirects: {redirect:?}"),
        );
    }
    // Without its body limit, nginx refuses the same upload.
    let without = replace_once(&site, "client_max_body_size 8m;", "");
    let nginx = Nginx::start(&without, tls_port);
    f.check(nginx.log().is_empty(), || {
        format!("nginx again: {}", nginx.log())
    });
    let (code, stdout, stderr) = server.send_to(&https, &[cd.path()], &["--ca-file", &ca_file]);
    f.check(code != 0, || {
        format!(
            "sent without client_max_body_size:\n{stdout}\n{stderr}\n{}",
            nginx.log()
        )
    });
    f.finish();
}

/// `deploy/mailslot.service`, as `systemd-analyze verify` reads it: every
/// key known, every value parsed (systemd ignores a bad line with a
/// warning and would run the service without that protection).
#[test]
fn the_systemd_unit_of_the_deployment_guide_is_valid() {
    let analyze = std::path::Path::new("/usr/bin/systemd-analyze");
    if !analyze.exists() {
        eprintln!("skipped: systemd-analyze is not installed (Debian package systemd)");
        return;
    }
    let unit = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/mailslot.service"),
    )
    .unwrap();
    for key in [
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "User=mailslot",
        "ReadWritePaths=/var/lib/mailslot",
    ] {
        assert!(unit.lines().any(|l| l == key), "the unit sets {key}");
    }
    // verify wants the program to exist.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mailslot.service");
    let bin = mailslot_tests::mailslot_bin();
    std::fs::write(
        &path,
        replace_once(
            &unit,
            "ExecStart=/usr/local/bin/mailslot",
            &format!("ExecStart={}", bin.display()),
        ),
    )
    .unwrap();
    let out = std::process::Command::new(analyze)
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    let about_unit: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("mailslot.service"))
        .collect();
    assert!(
        out.status.success() && about_unit.is_empty(),
        "systemd-analyze verify: {said}"
    );
}
