//! The configuration as the real `mailslot` reads it: a setting it cannot
//! take stops the start, with a message naming the setting and where it
//! was written.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};
use std::time::Duration;

use mailslot_tests::ports::wait_for;

/// `mailslot serve` in a clean environment with `vars`: its exit code
/// and what it wrote to standard error. It must stop within 20 s (one
/// that serves instead is ended, and the exit code is `None`).
fn serve(args: &[&str], vars: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr");
    let mut child = Command::new(mailslot_tests::mailslot_bin())
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("MAILSLOT_ADMIN_LISTEN", "off")
        .env("MAILSLOT_DESK_LISTEN", "off")
        .envs(vars.iter().copied())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let stopped = wait_for(Duration::from_secs(20), || {
        child.try_wait().ok().flatten().is_some()
    });
    if !stopped {
        child.kill().unwrap();
    }
    let code = child.wait().unwrap().code().filter(|_| stopped);
    (code, std::fs::read_to_string(&log).unwrap())
}

/// `MAILSLOT_TLS=on` once meant false without a word (the server sent no
/// HSTS though the operator asked for TLS); now the server refuses it.
#[test]
fn a_boolean_that_says_neither_true_nor_false_stops_the_start() {
    let (code, stderr) = serve(&[], &[("MAILSLOT_TLS", "on")]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("MAILSLOT_TLS") && stderr.contains("`tls`") && stderr.contains("`on`"),
        "{stderr}"
    );
    assert!(stderr.contains("[config-value-invalid]"), "{stderr}");
}

/// A misspelt key in the file was an error before and stays one: named
/// with the file it is in.
#[test]
fn an_unknown_key_in_the_file_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mailslot.toml");
    std::fs::write(&file, "retention_days = 7\nretention_dayz = 9\n").unwrap();
    for (args, vars) in [
        (vec!["--config", file.to_str().unwrap()], vec![]),
        (vec![], vec![("MAILSLOT_CONFIG", file.to_str().unwrap())]),
    ] {
        let (code, stderr) = serve(&args, &vars);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("`retention_dayz`")
                && stderr.contains(&file.display().to_string())
                && stderr.contains("[config-key-unknown]"),
            "{stderr}"
        );
    }
}
