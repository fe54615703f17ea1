//! Debian's nginx: serving a server block of the deployment guide, or
//! terminating TLS in front of a PACS.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::kill;
use crate::ports::{free_port, wait_for};

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
