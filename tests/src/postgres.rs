//! A PostgreSQL server for the tests: Debian's `postgresql`, a temporary
//! cluster started once per test process on a free port, as the
//! `postgres` user (PostgreSQL refuses to run as root). Each test server
//! gets a database of its own. The cluster is killed when the test process
//! ends: it runs under a shell that waits on a pipe from this process.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::ports::{free_port, wait_for};

/// Whether the suite runs its servers on PostgreSQL
/// (`MAILSLOT_TEST_DATABASE=postgres`) rather than SQLite.
pub fn selected() -> bool {
    std::env::var("MAILSLOT_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

/// For a test that reads or writes the SQLite file itself: true (and says
/// so) when the suite runs on PostgreSQL, where the test does not apply;
/// its SQLite run covers the server's logic.
pub fn skip_sqlite_only() -> bool {
    let skip = selected();
    if skip {
        eprintln!("skipped on PostgreSQL: the test works on the SQLite file itself");
    }
    skip
}

/// The running cluster.
#[derive(Debug)]
pub struct Cluster {
    port: u16,
    bin: PathBuf,
    _dir: tempfile::TempDir,
    /// Its stdin is the watchdog's pipe: closed when this process ends.
    _watchdog: Mutex<Child>,
}

/// The cluster of this test process, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(start)
}

fn bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .filter(|p| p.join("postgres").exists())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
        .pop()
        .expect("PostgreSQL is not installed (Debian package postgresql; `cargo xtask deps`)")
}

fn as_postgres(bin: &std::path::Path, tool: &str) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
    c
}

fn start() -> Cluster {
    let bin = bin_dir();
    let dir = tempfile::tempdir().expect("tempdir");
    // The postgres user must reach its folder, and own the one below
    // (the cluster and its log).
    let own = dir.path().join("run");
    let data = own.join("pg");
    Command::new("chmod")
        .args(["755"])
        .arg(dir.path())
        .status()
        .expect("chmod");
    std::fs::create_dir(&own).expect("mkdir");
    Command::new("chown")
        .arg("postgres:postgres")
        .arg(&own)
        .status()
        .expect("chown");
    stdout_of(
        as_postgres(&bin, "initdb")
            .args(["--auth=trust", "--no-sync", "-U", "postgres", "-D"])
            .arg(&data),
        "initdb",
    );
    let port = free_port();
    // fsync off: the tests' machine, not a hospital's; the server's
    // durability with PostgreSQL is PostgreSQL's.
    let postgres = format!(
        "{} -D {} -p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=200",
        bin.join("postgres").display(),
        data.display()
    );
    let mut watchdog = Command::new("runuser")
        .args(["-u", "postgres", "--", "sh", "-c"])
        .arg(format!(
            "{postgres} >{log} 2>&1 & pid=$!; cat >/dev/null; kill -9 $pid; sleep 1; rm -rf {data}",
            log = own.join("postgres.log").display(),
            data = data.display()
        ))
        .stdin(Stdio::piped())
        .spawn()
        .expect("start postgres");
    // Keep the write end open for the life of the process.
    let _ = watchdog.stdin.as_mut().map(|s| s.flush());
    let ready = wait_for(Duration::from_secs(30), || {
        as_postgres(&bin, "pg_isready")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(ready, "PostgreSQL did not start");
    Cluster {
        port,
        bin,
        _dir: dir,
        _watchdog: Mutex::new(watchdog),
    }
}

impl Cluster {
    /// A new, empty database; its URL.
    pub fn database(&self) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "t{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        stdout_of(
            as_postgres(&self.bin, "createdb").args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                &name,
            ]),
            "createdb",
        );
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// The database at `url` as pg_dump writes it (plain SQL).
    pub fn dump(&self, url: &str) -> Vec<u8> {
        stdout_of(
            Command::new(self.bin.join("pg_dump")).args(["--data-only", url]),
            "pg_dump",
        )
    }

    /// Runs `sql` in the database at `url` with psql; its output
    /// (unaligned, tuples only).
    pub fn psql(&self, url: &str, sql: &str) -> String {
        let out = stdout_of(
            Command::new(self.bin.join("psql")).args([
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                url,
                "-c",
                sql,
            ]),
            "psql",
        );
        String::from_utf8_lossy(&out).trim().to_owned()
    }
}

/// Runs `cmd` (PostgreSQL's tool `what`); its standard output, or a panic
/// with what it wrote to standard error.
fn stdout_of(cmd: &mut Command, what: &str) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
