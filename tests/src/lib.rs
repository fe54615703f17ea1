//! Test harness: finds the corpus, builds and runs the `mailslot` binary,
//! and collects failures so a failing test shows all of them with context.
//!
//! The real peers, each a child process (or thread) on free ports in a
//! temporary directory, killed when dropped: `server` (`mailslot serve`),
//! `pacs` (Orthanc, dcmtk's `storescp`), `nginx` (a deployment guide's
//! block, TLS in front of a PACS), `notify` (a mail server, a webhook
//! receiver), `postgres` (a temporary cluster), `proxy` (a line that
//! cuts); `ca` a hospital's own CA for their TLS. Below them `ports` (a
//! free port, waiting for a condition) and `http` (requests from the
//! tests' side). What is sent and checked: `sender` (what a sender does:
//! a session, a case sent, a file found in the inbox), `cd` (CDs and ZIPs
//! to send), `dicom` (what byte-identical means, data set bytes),
//! `documents` (what the server makes).

#![allow(clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::sync::OnceLock;

pub mod ca;
pub mod cd;
pub mod dicom;
pub mod documents;
pub mod http;
pub mod nginx;
pub mod notify;
pub mod pacs;
pub mod ports;
pub mod postgres;
pub mod proxy;
pub mod sender;
pub mod server;
pub mod worklist;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// The corpus built by `cargo xtask corpus` (`MAILSLOT_CORPUS` overrides).
/// Panics with the command to run when it is missing: a test must not pass
/// by finding nothing to check.
pub fn corpus() -> PathBuf {
    let dir = std::env::var_os("MAILSLOT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/corpus"));
    if !dir.join(".complete").exists() {
        panic!(
            "the test corpus is missing at {}; run `cargo xtask corpus` (or `cargo xtask test`)",
            dir.display()
        );
    }
    dir
}

/// Path of a freshly built `mailslot` binary.
pub fn mailslot_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(root())
            .args([
                "build",
                "--quiet",
                "-p",
                "mailslot-backend",
                "--bin",
                "mailslot",
            ])
            // The benchmarks (`--release` examples) measure a release build.
            .args((!cfg!(debug_assertions)).then_some("--release"))
            .status()
            .expect("cannot run cargo build");
        assert!(status.success(), "building mailslot failed");
        let exe = std::env::current_exe().expect("current_exe");
        // target/<profile>/{deps,examples}/x → target/<profile>/mailslot
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test binary lives in target/<profile>/deps");
        let bin = profile_dir.join("mailslot");
        assert!(bin.exists(), "no binary at {}", bin.display());
        bin
    })
}

/// Runs `mailslot` with `args`.
pub fn mailslot(args: &[&str]) -> Output {
    Command::new(mailslot_bin())
        .args(args)
        .output()
        .expect("cannot run mailslot")
}

/// Lower-case hex SHA-256.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Files under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Kills a peer's process (SIGKILL) and reaps it.
pub(crate) fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The consent a test sender gives: the privacy statement the test
/// servers name (version 2), accepted, and may send.
pub fn consent() -> mailslot_shared::wire::Consent {
    mailslot_shared::wire::Consent {
        statement_version: "2".into(),
        accepted: true,
        may_send: true,
    }
}

/// The reference number `mailslot send` printed in `stdout`.
pub fn reference(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("Reference number: "))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no reference number in:\n{stdout}"))
}

/// Collects failures; panics once at the end with all of them and the
/// context (command output) that explains them.
#[derive(Debug, Default)]
pub struct Failures {
    items: Vec<String>,
    context: Vec<String>,
}

impl Failures {
    /// Records a failure when `ok` is false.
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.items.push(what());
        }
    }

    /// Adds context shown only on failure.
    pub fn context(&mut self, text: impl Into<String>) {
        self.context.push(text.into());
    }

    /// Panics listing every failure, then the context.
    pub fn finish(self) {
        if !self.items.is_empty() {
            panic!(
                "{} failure(s):\n  {}\n\n--- context ---\n{}",
                self.items.len(),
                self.items.join("\n  "),
                self.context.join("\n")
            );
        }
    }
}
