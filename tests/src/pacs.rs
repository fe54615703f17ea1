//! The PACS the server forwards to: Orthanc (with the DICOMweb plugin)
//! and dcmtk's `storescp`, each a child process in a temporary directory,
//! killed (SIGKILL) when dropped.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::http::get;
use crate::kill;
use crate::ports::{free_port, wait_for};

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
