//! A running `mailslot serve`: started on free ports with the test
//! password, in a temporary data directory (on PostgreSQL when the suite
//! runs there), killed (SIGKILL) when dropped; its log, queue and console
//! for the checks.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::get;
use crate::ports::{free_port, wait_for};
use crate::{kill, mailslot_bin};

/// A running `mailslot serve`.
#[derive(Debug)]
pub struct Server {
    child: Option<Child>,
    /// Its data directory.
    pub data: PathBuf,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// The admin address (readiness, metrics): `http://127.0.0.1:PORT`
    pub admin_url: String,
    /// The staff desk's address: `http://127.0.0.1:PORT`
    pub desk_url: String,
    port: u16,
    forward: String,
    env: Vec<(String, String)>,
    /// This server's own log files (one per start).
    logs: Vec<PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

/// The password every test server accepts.
pub const PASSWORD: &str = "correct horse battery";

impl Server {
    /// Starts a server forwarding to `forward`, with [`PASSWORD`] set and
    /// `env` (e.g. `MAILSLOT_QUOTA_BYTES`) applied.
    pub fn start(forward: &str, env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        Self::start_at(data, Some(dir), forward, env)
    }

    /// As [`Server::start`], with the data directory at `data` (its log
    /// beside it), e.g. on a small file system of the test's own.
    pub fn start_in(data: PathBuf, forward: &str, env: &[(&str, &str)]) -> Server {
        Self::start_at(data, None, forward, env)
    }

    fn start_at(
        data: PathBuf,
        dir: Option<tempfile::TempDir>,
        forward: &str,
        env: &[(&str, &str)],
    ) -> Server {
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // The suite on PostgreSQL: a database of its own for each server
        // (unless the test shares one between servers itself).
        if crate::postgres::selected() && !env.iter().any(|(k, _)| k == "MAILSLOT_DATABASE_URL") {
            env.push((
                "MAILSLOT_DATABASE_URL".into(),
                crate::postgres::cluster().database(),
            ));
        }
        let out = Command::new(mailslot_bin())
            .args(["password", "add", "--data-dir"])
            .arg(&data)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin
                    .take()
                    .expect("stdin")
                    .write_all(format!("{PASSWORD}\n").as_bytes())?;
                c.wait()
            })
            .expect("password add");
        assert!(out.success(), "password add failed");
        let port = free_port();
        let mut server = Server {
            child: None,
            data,
            url: format!("http://127.0.0.1:{port}"),
            admin_url: format!("http://127.0.0.1:{}", free_port()),
            desk_url: format!("http://127.0.0.1:{}", free_port()),
            port,
            forward: forward.to_owned(),
            env,
            logs: Vec::new(),
            _dir: dir,
        };
        server.start_first();
        server
    }

    /// Starts the server and waits for it; kills nothing on failure.
    fn spawn(&mut self) {
        if let Err(why) = self.try_spawn() {
            self.did_not_come_up(why);
        }
    }

    fn did_not_come_up(&self, why: &str) -> ! {
        panic!(
            "mailslot serve did not come up ({why}); its log:\n{}",
            self.own_log()
        )
    }

    /// One start: `Err` with why it did not come up (this start's log is
    /// the last of `self.logs`).
    fn try_spawn(&mut self) -> Result<(), &'static str> {
        let path = self.data.with_file_name(format!(
            "serve-{}-{}.log",
            self.port,
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let log = std::fs::File::create(&path).expect("log file");
        self.logs.push(path);
        let child = Command::new(mailslot_bin())
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", self.port),
                "--forward",
                &self.forward,
                "--data-dir",
            ])
            .arg(&self.data)
            // Cover sheets add an object per study, which tests of other
            // concerns do not count: off unless a test asks for them.
            .env("MAILSLOT_COVER_SHEETS", "false")
            .env(
                "MAILSLOT_ADMIN_LISTEN",
                self.admin_url.trim_start_matches("http://"),
            )
            .env(
                "MAILSLOT_DESK_LISTEN",
                self.desk_url.trim_start_matches("http://"),
            )
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("MAILSLOT_RETRY_BASE_SECS", "1")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("cannot start mailslot serve");
        self.child = Some(child);
        self.came_up()
    }

    /// Waits for the server's health check, or for the server to exit.
    fn came_up(&mut self) -> Result<(), &'static str> {
        let health = format!("{}/api/health", self.url);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if get(&health).is_some_and(|(s, _)| s == 200) {
                return Ok(());
            }
            if let Some(Ok(Some(_))) = self.child.as_mut().map(Child::try_wait) {
                return Err("it exited");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("no answer within 20 s")
    }

    /// Starts the server; a port chosen free that another process took
    /// meanwhile (the ports are bound by the server, after the test chose
    /// them) is chosen again, up to three times.
    fn start_first(&mut self) {
        for _ in 0..3 {
            let Err(why) = self.try_spawn() else {
                return;
            };
            let port_taken = self
                .logs
                .last()
                .and_then(|p| std::fs::read_to_string(p).ok())
                .is_some_and(|l| l.contains("in use"));
            if !port_taken {
                self.did_not_come_up(why);
            }
            self.port = free_port();
            self.url = format!("http://127.0.0.1:{}", self.port);
            self.admin_url = format!("http://127.0.0.1:{}", free_port());
            self.desk_url = format!("http://127.0.0.1:{}", free_port());
        }
        self.spawn();
    }

    /// The public port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything the server's database holds, as bytes to search: the
    /// SQLite file with its log, or a dump of the PostgreSQL database.
    pub fn database_bytes(&self) -> Vec<u8> {
        match self.database_url() {
            Some(url) => crate::postgres::cluster().dump(url),
            None => {
                let mut b = std::fs::read(self.data.join("mailslot.sqlite3")).expect("database");
                b.extend(std::fs::read(self.data.join("mailslot.sqlite3-wal")).unwrap_or_default());
                b
            }
        }
    }

    /// The environment the server runs with (beside its data directory):
    /// for `mailslot` commands on the same state.
    pub fn env_vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.env.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The PostgreSQL database this server keeps its state in, if any.
    pub fn database_url(&self) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == "MAILSLOT_DATABASE_URL")
            .map(|(_, v)| v.as_str())
    }

    /// Kills the server (as a crash would); [`Server::restart`] starts it
    /// again.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill(&mut c);
        }
    }

    /// Kills the server (as a crash would) and starts it again on the same
    /// data directory and port.
    pub fn restart(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill(&mut c);
        }
        self.spawn();
    }

    /// Runs `mailslot` with this server's data directory appended.
    pub fn admin(&self, args: &[&str]) -> String {
        let out = Command::new(mailslot_bin())
            .args(args)
            .arg("--data-dir")
            .arg(&self.data)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .expect("mailslot");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Adds a staff account for the desk (`mailslot staff add`, the
    /// password on standard input); panics when it is refused.
    pub fn add_staff(&self, name: &str, role: &str, password: &str) {
        let out = Command::new(mailslot_bin())
            .args(["staff", "add", name, "--role", role, "--data-dir"])
            .arg(&self.data)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin
                    .take()
                    .expect("stdin")
                    .write_all(format!("{password}\n").as_bytes())?;
                c.wait()
            })
            .expect("staff add");
        assert!(out.success(), "staff add {name} failed");
    }

    /// Peak resident memory of the server process in bytes (Linux `VmHWM`).
    pub fn peak_rss(&self) -> Option<u64> {
        self.status_bytes("VmHWM:")
    }

    /// CPU time the server process has used so far (user + system), in
    /// seconds.
    pub fn cpu_seconds(&self) -> Option<f64> {
        let pid = self.child.as_ref()?.id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command name in parentheses: state is field 3, utime
        // and stime fields 14 and 15 (in clock ticks, 100 a second).
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
        Some((ticks(11)? + ticks(12)?) / 100.0)
    }

    /// Resident memory of the server process now, in bytes (`VmRSS`).
    pub fn rss(&self) -> Option<u64> {
        self.status_bytes("VmRSS:")
    }

    fn status_bytes(&self, key: &str) -> Option<u64> {
        let pid = self.child.as_ref()?.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with(key))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    /// What this server (not another node on the same data directory)
    /// logged, over all its starts.
    pub fn own_log(&self) -> String {
        self.logs
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect()
    }

    /// The server's log so far (all runs, and every node's on a shared
    /// data directory), for failure context.
    pub fn log(&self) -> String {
        let dir = self
            .data
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect()
    }

    /// Count of forward-queue items in `state` (via `mailslot queue`).
    pub fn queue(&self, state: &str) -> usize {
        self.admin(&["queue"])
            .lines()
            .find_map(|l| {
                l.strip_prefix(&format!("{state}: "))
                    .and_then(|n| n.trim().parse().ok())
            })
            .unwrap_or(0)
    }

    /// Waits until the forward queue holds nothing pending or in flight
    /// and at least `expected` items are done or failed (90 s at most).
    pub fn drained(&self, expected: usize) -> bool {
        wait_for(Duration::from_secs(90), || {
            self.queue("pending") == 0
                && self.queue("sending") == 0
                && self.queue("done") + self.queue("failed") >= expected
        })
    }

    /// Runs `mailslot send` against this server; returns (exit, stdout, stderr).
    pub fn send(&self, paths: &[&Path], extra: &[&str]) -> (i32, String, String) {
        self.send_to(&self.url, paths, extra)
    }

    /// Runs `mailslot send` against `url` (this server behind a proxy).
    pub fn send_to(&self, url: &str, paths: &[&Path], extra: &[&str]) -> (i32, String, String) {
        let mut cmd = Command::new(mailslot_bin());
        cmd.args([
            "send",
            "--server",
            url,
            "--password-stdin",
            "--accept-privacy-statement",
            "--quiet",
        ])
        .args(extra)
        .args(paths)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("mailslot send");
        {
            use std::io::Write;
            let _ = child
                .stdin
                .take()
                .expect("stdin")
                .write_all(format!("{PASSWORD}\n").as_bytes());
        }
        let out = child.wait_with_output().expect("mailslot send");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill(&mut c);
        }
    }
}
