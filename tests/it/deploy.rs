//! The deployment guide's examples (`docs/deploy.md`, `deploy/`), run as
//! they stand: the nginx server block in a real nginx, the systemd unit
//! through `systemd-analyze verify`; the container files' settings.
//!
//! Over 400 lines: one test per deployment example, each with the small
//! parser its file needs; they share the nginx and image helpers here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mailslot_tests::nginx::Nginx;
use mailslot_tests::ports::wait_for;
use mailslot_tests::server::Server;
use mailslot_tests::{files_under, Failures};

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
    use mailslot_tests::ca::HospitalCa;
    use mailslot_tests::sha256;
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
        mailslot_tests::ports::free_port(),
        mailslot_tests::ports::free_port(),
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

/// The `ENV` settings of the `Dockerfile`'s final stage, in order.
fn image_env(dockerfile: &str) -> Vec<(String, String)> {
    let last = dockerfile.rsplit("\nFROM ").next().unwrap_or_default();
    // `ENV A=1 \` continuation lines joined.
    let joined = last.replace("\\\n", " ");
    joined
        .lines()
        .filter_map(|l| l.strip_prefix("ENV "))
        .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .filter_map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// The `Dockerfile` and `compose.yaml` name only settings the server reads
/// (a misspelt variable would be ignored in silence), and the image's own
/// settings start the server as they stand — its two listen addresses
/// apart, its page and data folders accepted — here with free ports and
/// folders of the test's own.
#[test]
fn the_container_settings_are_ones_the_server_reads() {
    let root = mailslot_tests::root();
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    // A setting's variable is `MAILSLOT_` and its key in capitals; the key
    // is a field of `Config`, or the `rename` beside one.
    let config = read("backend/src/config/mod.rs");
    let known = |name: &str| {
        let key = name
            .strip_prefix("MAILSLOT_")
            .unwrap_or(name)
            .to_ascii_lowercase();
        config.contains(&format!("    pub {key}: "))
            || config.contains(&format!("rename = \"{key}\""))
    };
    let (dockerfile, compose) = (read("Dockerfile"), read("compose.yaml"));
    let named: Vec<&str> = [dockerfile.as_str(), compose.as_str()]
        .iter()
        .flat_map(|text| {
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.starts_with("MAILSLOT_"))
        })
        .collect();
    assert!(named.len() >= 6, "settings named: {named:?}");
    for name in &named {
        assert!(
            known(name),
            "{name} is not a setting the server reads (backend/src/config/mod.rs)"
        );
    }
    let env = image_env(&dockerfile);
    let value = |k: &str| {
        env.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the image sets {k}"))
    };
    assert_eq!(value("MAILSLOT_DATA_DIR"), "/var/lib/mailslot");
    assert!(dockerfile.contains("VOLUME [\"/var/lib/mailslot\"]"));
    assert!(
        dockerfile.contains("\nUSER mailslot:mailslot\n"),
        "not root"
    );
    for (k, _) in &env {
        assert!(known(k), "{k}");
    }
    // The image's settings, with this machine's ports and folders.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page");
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(
        page.join("index.html"),
        "<!doctype html><title>page</title>",
    )
    .unwrap();
    let (public, admin) = (
        mailslot_tests::ports::free_port(),
        mailslot_tests::ports::free_port(),
    );
    let local = |addr: String, port: u16| {
        let (host, _) = addr.rsplit_once(':').unwrap();
        assert_eq!(
            host, "0.0.0.0",
            "the container listens on all its interfaces"
        );
        format!("127.0.0.1:{port}")
    };
    let mut cmd = std::process::Command::new(mailslot_tests::mailslot_bin());
    cmd.arg("serve").env_clear().env("PATH", "/usr/bin:/bin");
    // The image leaves the desk at its loopback default, which tests
    // running at once would share: not what this test is about.
    cmd.env("MAILSLOT_DESK_LISTEN", "off");
    for (k, v) in &env {
        let v = match k.as_str() {
            "MAILSLOT_DATA_DIR" => dir.path().join("data").display().to_string(),
            "MAILSLOT_STATIC_DIR" => page.display().to_string(),
            "MAILSLOT_LISTEN" => local(v.clone(), public),
            "MAILSLOT_ADMIN_LISTEN" => local(v.clone(), admin),
            _ => v.clone(),
        };
        cmd.env(k, v);
    }
    let log = std::fs::File::create(dir.path().join("serve.log")).unwrap();
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let up = wait_for(Duration::from_secs(20), || {
        mailslot_tests::http::get(&format!("http://127.0.0.1:{public}/"))
            .is_some_and(|(s, b)| s == 200 && b.starts_with(b"<!doctype html>"))
            && mailslot_tests::http::get(&format!("http://127.0.0.1:{admin}/health"))
                .is_some_and(|(s, _)| s == 200)
    });
    let _ = child.kill();
    let _ = child.wait();
    let said = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
    assert!(up, "the image's settings did not start the server: {said}");
    // log_format = json, as the image sets it.
    assert!(
        said.lines()
            .filter(|l| !l.trim().is_empty())
            .all(|l| l.starts_with('{')),
        "not JSON lines: {said}"
    );
}

/// The admin address (readiness, metrics: no authentication) is never
/// published beyond the host. The image `EXPOSE`d it beside the public
/// port, so `docker run -P` (and tools that publish what an image
/// exposes) put it on every interface of the host, past its firewall.
/// Now the image exposes the public port only, and every `-p` of the
/// Dockerfile's examples and every `ports` entry of `compose.yaml` that
/// reaches the admin port binds to loopback.
#[test]
fn the_admin_port_is_published_to_the_host_alone() {
    let root = mailslot_tests::root();
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let (dockerfile, compose) = (read("Dockerfile"), read("compose.yaml"));
    let env = image_env(&dockerfile);
    let port_of = |k: &str| -> String {
        let v = &env.iter().find(|(n, _)| n == k).unwrap().1;
        v.rsplit_once(':').unwrap().1.to_owned()
    };
    let (public, admin) = (port_of("MAILSLOT_LISTEN"), port_of("MAILSLOT_ADMIN_LISTEN"));
    assert_ne!(public, admin);
    let last = dockerfile.rsplit("\nFROM ").next().unwrap_or_default();
    let exposed: Vec<&str> = last
        .lines()
        .filter_map(|l| l.strip_prefix("EXPOSE "))
        .flat_map(str::split_whitespace)
        .map(|p| p.split('/').next().unwrap_or(p))
        .collect();
    let mut f = Failures::default();
    f.check(exposed == [public.as_str()], || {
        format!("the image exposes {exposed:?}: only the public port {public}")
    });
    // A publication `[address:]host:container` (or `container` alone)
    // that reaches the admin port must name a loopback address.
    let mut published = Vec::new();
    let words: Vec<&str> = dockerfile.split_whitespace().collect();
    for pair in words.windows(2) {
        if matches!(pair[0], "-p" | "--publish") {
            published.push(("Dockerfile", pair[1].to_owned()));
        }
    }
    let mut in_ports = None;
    for line in compose.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let item = line.trim_start().strip_prefix("- ");
        match (in_ports, item) {
            (Some(at), Some(entry)) if indent > at => {
                published.push(("compose.yaml", entry.trim().trim_matches('"').to_owned()));
                continue;
            }
            _ => in_ports = None,
        }
        if line.trim() == "ports:" {
            in_ports = Some(indent);
        }
    }
    f.check(!compose.contains("network_mode: host"), || {
        "compose.yaml puts a service on the host's network".into()
    });
    f.check(
        published
            .iter()
            .any(|(_, p)| p.ends_with(&format!(":{public}"))),
        || format!("the public port is not published: {published:?}"),
    );
    for (file, p) in &published {
        let parts: Vec<&str> = p.rsplitn(3, ':').collect();
        let container = parts[0].split('/').next().unwrap_or_default();
        if container != admin {
            continue;
        }
        let address = parts.get(2).copied().unwrap_or("");
        f.check(matches!(address, "127.0.0.1" | "[::1]"), || {
            format!("{file} publishes the admin port beyond the host: {p}")
        });
    }
    f.finish();
}

/// Where a Docker engine runs: the image builds, starts read-only as a
/// user other than root, serves the page and the API, and keeps its data
/// only in the volume. Skipped, saying why, where there is no engine (the
/// machines this project's CI runs on have the client only, and no
/// registry to pull base images from).
#[test]
fn the_container_image_builds_and_starts() {
    let docker = |args: &[&str]| {
        std::process::Command::new("docker")
            .args(args)
            .output()
            .map_err(|e| e.to_string())
            .and_then(|o| {
                if o.status.success() {
                    Ok(String::from_utf8_lossy(&o.stdout).trim().to_owned())
                } else {
                    Err(String::from_utf8_lossy(&o.stderr).trim().to_owned())
                }
            })
    };
    if let Err(why) = docker(&["info", "--format", "{{.ServerVersion}}"]) {
        eprintln!("skipped: no Docker engine here ({why})");
        return;
    }
    let root = mailslot_tests::root();
    let tag = "mailslot-test:latest";
    docker(&["build", "-t", tag, &root.display().to_string()]).expect("docker build");
    let port = mailslot_tests::ports::free_port();
    let name = format!("mailslot-test-{port}");
    let volume = format!("{name}-data");
    let publish = format!("127.0.0.1:{port}:8080");
    let mount = format!("{volume}:/var/lib/mailslot");
    let run = docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "--read-only",
        "--tmpfs",
        "/tmp",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "-p",
        &publish,
        "-v",
        &mount,
        tag,
    ]);
    let outcome = run.and_then(|_| {
        let up = wait_for(Duration::from_secs(30), || {
            mailslot_tests::http::get(&format!("http://127.0.0.1:{port}/api/health"))
                .is_some_and(|(s, _)| s == 200)
        });
        let page = mailslot_tests::http::get(&format!("http://127.0.0.1:{port}/"))
            .is_some_and(|(s, b)| s == 200 && String::from_utf8_lossy(&b).contains("wasm"));
        let uid = docker(&["exec", &name, "id", "-u"])?;
        let logs = docker(&["logs", &name]).unwrap_or_default();
        Ok((up, page, uid, logs))
    });
    let _ = docker(&["rm", "-f", &name]);
    let _ = docker(&["volume", "rm", "-f", &volume]);
    let (up, page, uid, logs) = outcome.expect("docker run");
    assert!(up && page, "the container did not serve: {logs}");
    assert_ne!(uid, "0", "the container runs as root");
}
