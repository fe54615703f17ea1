//! The deployment guide's examples (`docs/deploy.md`, `deploy/`), run as
//! they stand: the nginx server block in a real nginx, the systemd unit
//! through `systemd-analyze verify`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mailslot_tests::fixtures::{files_under, wait_for, Server};
use mailslot_tests::Failures;

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
