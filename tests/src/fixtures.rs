//! Real peers for the tests: the `mailslot` server, Orthanc (with the
//! DICOMweb plugin), dcmtk's `storescp`, nginx (in front of Orthanc for
//! TLS, or serving a server block of the deployment guide), aiosmtpd as the hospital's mail server and a plain HTTP webhook
//! receiver. Each runs as a child process (or thread) in its own temporary
//! directory and is killed (SIGKILL) when dropped. One file because each
//! peer is a short start/inspect/drop triple sharing `wait_for` and `kill`;
//! the checks of the documents the server makes are in `documents.rs`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::mailslot_bin;
pub use crate::ports::{free_port, wait_for};

fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET `url`, returning (status, body).
pub fn get(url: &str) -> Option<(u16, Vec<u8>)> {
    let mut resp = http().get(url).call().ok()?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(1 << 32)
        .read_to_vec()
        .ok()?;
    Some((status, body))
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

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

/// A running Orthanc with DICOMweb, on ports chosen by the test.
#[derive(Debug)]
pub struct Orthanc {
    child: Option<Child>,
    /// HTTP port (REST and `/dicom-web`).
    pub http_port: u16,
    /// DICOM port (AE title `ORTHANC`).
    pub dicom_port: u16,
    dir: tempfile::TempDir,
}

impl Orthanc {
    /// Chooses ports without starting (for "the PACS comes up later").
    pub fn prepare() -> Orthanc {
        Orthanc {
            child: None,
            http_port: free_port(),
            dicom_port: free_port(),
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// Prepares and starts.
    pub fn start() -> Orthanc {
        let mut o = Orthanc::prepare();
        o.run();
        o
    }

    /// Starts Orthanc (from Debian's `orthanc` and `orthanc-dicomweb`).
    pub fn run(&mut self) {
        let storage = self.dir.path().join("storage");
        let config = serde_json::json!({
            "Name": "mailslot-test",
            "StorageDirectory": storage,
            "IndexDirectory": storage,
            "HttpPort": self.http_port,
            "DicomPort": self.dicom_port,
            "DicomAet": "ORTHANC",
            "DicomCheckCalledAet": true,
            "RemoteAccessAllowed": false,
            "AuthenticationEnabled": false,
            "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"],
            "DicomWeb": { "Enable": true, "Root": "/dicom-web/" },
        });
        let path = self.dir.path().join("orthanc.json");
        std::fs::write(&path, config.to_string()).expect("orthanc config");
        let log = std::fs::File::create(self.dir.path().join("orthanc.log")).expect("log");
        let child = Command::new("/usr/sbin/Orthanc")
            .arg(&path)
            .current_dir(self.dir.path())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("cannot start Orthanc (Debian packages orthanc, orthanc-dicomweb)");
        self.child = Some(child);
        let system = format!("{}/system", self.rest());
        assert!(
            wait_for(Duration::from_secs(30), || get(&system)
                .is_some_and(|(s, _)| s == 200)),
            "Orthanc did not come up"
        );
    }

    /// Kills Orthanc (the PACS goes down); [`Orthanc::run`] starts it again.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill(&mut c);
        }
    }

    /// The REST base URL.
    pub fn rest(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// Orthanc's instance ids.
    pub fn instances(&self) -> Vec<String> {
        get(&format!("{}/instances", self.rest()))
            .and_then(|(_, b)| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// (SOP Instance UID, stored file) of every instance.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        self.instances()
            .iter()
            .filter_map(|id| {
                let (_, tags) = get(&format!("{}/instances/{id}", self.rest()))?;
                let tags: serde_json::Value = serde_json::from_slice(&tags).ok()?;
                let uid = tags["MainDicomTags"]["SOPInstanceUID"].as_str()?.to_owned();
                let (_, file) = get(&format!("{}/instances/{id}/file", self.rest()))?;
                Some((uid, file))
            })
            .collect()
    }

    /// The log, for failure context.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("orthanc.log")).unwrap_or_default()
    }
}

impl Drop for Orthanc {
    fn drop(&mut self) {
        // SIGKILL: Orthanc takes seconds to stop on SIGTERM.
        if let Some(mut c) = self.child.take() {
            kill(&mut c);
        }
    }
}

/// Debian's nginx serving `site` (a server block) inside a minimal main
/// configuration of its own.
#[derive(Debug)]
pub struct Nginx {
    child: std::process::Child,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// Starts nginx with `site` and waits until `port` (one it listens on)
    /// accepts connections.
    pub fn start(site: &str, port: u16) -> Nginx {
        let dir = tempfile::tempdir().expect("nginx files");
        let d = dir.path().display();
        std::fs::write(dir.path().join("site.conf"), site).expect("nginx files");
        let main = format!(
            "user root; worker_processes 1; daemon off; pid {d}/nginx.pid; error_log {d}/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{ access_log {d}/access.log; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
             include {d}/site.conf; }}\n"
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, main).expect("nginx files");
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

    /// nginx's error log, for failure context.
    pub fn log(&self) -> String {
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

/// Debian's nginx terminating TLS in front of a local HTTP port (as a
/// hospital's reverse proxy would in front of its PACS).
#[derive(Debug)]
pub struct TlsProxy {
    child: Child,
    /// The HTTPS port.
    pub port: u16,
    dir: tempfile::TempDir,
}

impl TlsProxy {
    /// Serves HTTPS on a free port with `cert` and `key` (PEM), passing
    /// every request (bodies unbuffered, any size) to `127.0.0.1:upstream`
    /// if it carries `Authorization: {authorization}` (401 otherwise).
    pub fn start(upstream: u16, cert: &Path, key: &Path, authorization: &str) -> TlsProxy {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let d = dir.path().display();
        let conf = format!(
            "user root; worker_processes 1; daemon off; pid {d}/nginx.pid; error_log {d}/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{ access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
             server {{ listen 127.0.0.1:{port} ssl; ssl_certificate {}; ssl_certificate_key {};\n\
             client_max_body_size 0; proxy_request_buffering off;\n\
             location / {{ if ($http_authorization != \"{authorization}\") {{ return 401; }}\n\
             proxy_pass http://127.0.0.1:{upstream}; }} }} }}\n",
            cert.display(),
            key.display()
        );
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf).expect("nginx.conf");
        let child = Command::new("/usr/sbin/nginx")
            .arg("-c")
            .arg(&path)
            .arg("-p")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start nginx (Debian package nginx)");
        assert!(
            wait_for(Duration::from_secs(10), || std::net::TcpStream::connect((
                "127.0.0.1",
                port
            ))
            .is_ok()),
            "nginx did not come up: {}",
            std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
        );
        TlsProxy { child, port, dir }
    }

    /// nginx's error log, for failure context.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

/// dcmtk's `storescp`, writing received objects into a directory.
#[derive(Debug)]
pub struct StoreScp {
    child: Child,
    /// DICOM port (AE title `STORESCP`).
    pub port: u16,
    /// Where received files go.
    pub out: tempfile::TempDir,
}

impl StoreScp {
    /// Starts `storescp`, accepting every transfer syntax.
    pub fn start() -> StoreScp {
        Self::start_with(&[])
    }

    /// Starts `storescp` with extra options (e.g. `+uf`: one file per
    /// object received, so repeats can be counted).
    pub fn start_with(extra: &[&str]) -> StoreScp {
        Self::start_on(free_port(), extra)
    }

    /// Starts `storescp` on `port` (a PACS replaced by another on the
    /// same address) with extra options.
    pub fn start_on(port: u16, extra: &[&str]) -> StoreScp {
        let out = tempfile::tempdir().expect("tempdir");
        let child = Command::new("storescp")
            // +B: write the data set exactly as received (bit-preserving).
            .args(["--aetitle", "STORESCP", "+xa", "+B"])
            .args(extra)
            .arg("--output-directory")
            .arg(out.path())
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start storescp (Debian package dcmtk)");
        assert!(
            wait_for(Duration::from_secs(10), || std::net::TcpStream::connect((
                "127.0.0.1",
                port
            ))
            .is_ok()),
            "storescp did not come up"
        );
        StoreScp { child, port, out }
    }

    /// How many files were received so far.
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.out.path())
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// Files received so far.
    pub fn files(&self) -> Vec<Vec<u8>> {
        std::fs::read_dir(self.out.path())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter_map(|e| std::fs::read(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for StoreScp {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

/// The data set bytes of a PS3.10 file (after preamble and file meta):
/// the file meta group's elements (explicit VR little endian, group 0002)
/// walked one by one, so that a group without its length (0002,0000) is
/// found as well.
pub fn dataset(file: &[u8]) -> &[u8] {
    let mut at = 132;
    while file.get(at..at + 2) == Some(&[0x02, 0x00][..]) {
        let Some((head, len)) = explicit_le_element(file, at) else {
            break;
        };
        at += head + len as usize;
    }
    file.get(at..).unwrap_or(&[])
}

/// The explicit VR little endian element header at `at` in `file`: its own
/// length (8 or 12 bytes) and the value length it declares (0 where the
/// file ends inside the length field); `None` where it ends before the VR.
pub fn explicit_le_element(file: &[u8], at: usize) -> Option<(usize, u32)> {
    let vr = file.get(at + 4..at + 6)?;
    let long = matches!(
        vr,
        b"OB" | b"OW" | b"OF" | b"SQ" | b"UN" | b"UT" | b"UC" | b"UR" | b"OD" | b"OL" | b"OV"
    );
    Some(if long {
        let l = file.get(at + 8..at + 12).unwrap_or(&[0; 4]);
        (12, u32::from_le_bytes([l[0], l[1], l[2], l[3]]))
    } else {
        let l = file.get(at + 6..at + 8).unwrap_or(&[0; 2]);
        (8, u32::from(u16::from_le_bytes([l[0], l[1]])))
    })
}

/// The data set of `file` after a round trip through dcmtk's `dcmconv`
/// (explicit lengths, dcmtk's padding): how Orthanc re-writes what it
/// receives over C-STORE, applied to both sides of a comparison.
pub fn normalized_dataset(file: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let (input, output) = (dir.path().join("in.dcm"), dir.path().join("out.dcm"));
    std::fs::write(&input, file).expect("write");
    let ok = Command::new("dcmconv")
        .arg(&input)
        .arg(&output)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return Vec::new();
    }
    dataset(&std::fs::read(&output).unwrap_or_default()).to_vec()
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

/// `n` extension-less CT images of `pixels` bytes of pixel data in
/// `studies` studies under `cd/DICOM/`, and a DICOMDIR (dcmmkdir) when
/// `dicomdir`. Returns the image files.
pub fn ct_cd(cd: &Path, n: usize, studies: usize, pixels: usize, dicomdir: bool) -> Vec<PathBuf> {
    let mut files = Vec::with_capacity(n);
    for i in 0..n {
        let s = i * studies / n + 1;
        let study = format!("1.2.826.0.1.3680043.9.7.12.{n}.{s}");
        let path = cd.join(format!("DICOM/ST{s:06}/IM{i:06}"));
        if i == 0 || (i * studies / n) != ((i - 1) * studies / n) {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        }
        let image = mailslot_shared::dicom::synth::ct_image(
            &format!("{study}.1.{i}"),
            &study,
            "MUSTER^ERIKA",
            pixels,
            0,
        );
        std::fs::write(&path, image).expect("write image");
        files.push(path);
    }
    if dicomdir {
        let out = Command::new("dcmmkdir")
            .current_dir(cd)
            .args(["+r", "+I", "-Pgp", "DICOM"])
            .output()
            .expect("dcmmkdir (dcmtk)");
        if !cd.join("DICOMDIR").is_file() {
            eprintln!("dcmmkdir: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    files
}

/// A folder laid out like a patient CD from a radiology practice: images
/// without extensions under `DICOM/` (one patient, re-labelled with
/// dcmodify, three studies), a DICOMDIR made by dcmmkdir for the images its
/// default profile takes, `AUTORUN.INF`, a viewer program and an HTML
/// start page. Returns the image files.
pub fn patient_cd(cd: &Path) -> Vec<PathBuf> {
    let real = crate::corpus().join("real/pydicom");
    let layout = [
        ("CT_small.dcm", "DICOM/ST000001/SE000001/IM000001"),
        ("MR_small.dcm", "DICOM/ST000001/SE000002/IM000001"),
        ("JPEG2000.dcm", "DICOM/ST000002/SE000001/IM000001"),
        ("JPGExtended.dcm", "DICOM/ST000002/SE000001/IM000002"),
    ];
    let mut images = Vec::new();
    for (src, dst) in layout {
        let to = cd.join(dst);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(real.join(src), &to).expect("copy corpus file");
        relabel(&to);
        images.push(to);
    }
    // The default profile (uncompressed CD-R) takes the two uncompressed
    // images and warns about the others: real CDs are often like that.
    let out = Command::new("dcmmkdir")
        .current_dir(cd)
        .args(["+r", "+I", "DICOM"])
        .output()
        .expect("dcmmkdir (dcmtk)");
    assert!(
        cd.join("DICOMDIR").is_file(),
        "dcmmkdir: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(
        cd.join("AUTORUN.INF"),
        "[autorun]\r\nopen=VIEWER\\VIEWER.EXE\r\nicon=VIEWER\\VIEWER.EXE\r\n",
    )
    .expect("autorun");
    std::fs::create_dir_all(cd.join("VIEWER")).expect("mkdir");
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(cd.join("VIEWER/VIEWER.EXE"), exe).expect("exe");
    std::fs::write(
        cd.join("INDEX.HTM"),
        "<html><body>Start VIEWER.EXE</body></html>\n",
    )
    .expect("html");
    images
}

/// Gives a copy of a corpus file the CD's patient (dcmodify).
fn relabel(file: &Path) {
    let out = Command::new("dcmodify")
        .args([
            "-nb",
            "-m",
            "(0010,0010)=MUSTERMANN^ERIKA",
            "-m",
            "(0010,0020)=PID-4711",
        ])
        .args(["-m", "(0010,0030)=19400312"])
        .arg(file)
        .output()
        .expect("dcmodify (dcmtk)");
    assert!(
        out.status.success(),
        "dcmodify: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A ZIP file as a practice might e-mail it, in `dir`: one more image of
/// the same patient (deflated) and a copy of `duplicate` (an image also on
/// the CD). Returns the archive and the new image's original file.
pub fn patient_zip(dir: &Path, duplicate: &Path) -> (PathBuf, PathBuf) {
    use std::io::Write;
    let image = dir.join("LEBER");
    std::fs::copy(
        crate::corpus().join("real/pydicom/liver_1frame.dcm"),
        &image,
    )
    .expect("copy");
    relabel(&image);
    let archive = dir.join("Bilder.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&archive).expect("create zip"));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("Bilder/LEBER", deflated).expect("zip");
    zip.write_all(&std::fs::read(&image).expect("read"))
        .expect("zip");
    zip.start_file("Bilder/KOPIE/IM000001", stored)
        .expect("zip");
    zip.write_all(&std::fs::read(duplicate).expect("read"))
        .expect("zip");
    zip.finish().expect("zip");
    (archive, image)
}

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

/// A hospital's own certificate authority (made with `openssl`) and a
/// server certificate for 127.0.0.1 it signed.
#[derive(Debug)]
pub struct HospitalCa {
    /// The CA's certificate (PEM): what the server is told to trust.
    pub ca_cert: PathBuf,
    /// The server's certificate (PEM).
    pub server_cert: PathBuf,
    /// The server's key (PEM).
    pub server_key: PathBuf,
    _dir: tempfile::TempDir,
}

impl HospitalCa {
    /// Makes a new CA and server certificate.
    pub fn new() -> HospitalCa {
        let dir = tempfile::tempdir().expect("tempdir");
        let sh = |script: &str| {
            let out = Command::new("sh")
                .arg("-c")
                .arg(script)
                .current_dir(dir.path())
                .output()
                .expect("sh");
            assert!(
                out.status.success(),
                "{script}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=Hospital-CA");
        sh("openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1");
        sh("printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && \
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf");
        HospitalCa {
            ca_cert: dir.path().join("ca.pem"),
            server_cert: dir.path().join("server.pem"),
            server_key: dir.path().join("server.key"),
            _dir: dir,
        }
    }
}

impl Default for HospitalCa {
    fn default() -> Self {
        HospitalCa::new()
    }
}
