//! A hospital's own certificate authority, for the TLS the server speaks
//! to the PACS and the mail server.

use std::path::PathBuf;
use std::process::Command;

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
