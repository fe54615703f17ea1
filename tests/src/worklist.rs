//! A real Modality Worklist provider: dcmtk's `wlmscpfs` over a folder of
//! worklist files made with `dump2dcm` from the entries a test gives,
//! killed (SIGKILL) when dropped.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::kill;
use crate::ports::{free_port, wait_for};

/// The worklist's AE title.
pub const AE_TITLE: &str = "MWL";

/// One scheduled procedure, as the hospital's systems would list it.
#[derive(Debug, Clone)]
pub struct Scheduled<'a> {
    /// Patient's Name, DICOM form.
    pub name: &'a str,
    /// Patient ID.
    pub id: &'a str,
    /// Issuer of Patient ID.
    pub issuer: &'a str,
    /// Birth date, YYYYMMDD.
    pub birth_date: &'a str,
    /// Sex.
    pub sex: &'a str,
    /// Accession number.
    pub accession: &'a str,
}

/// `wlmscpfs` on a free port.
#[derive(Debug)]
pub struct WorklistScp {
    child: Child,
    /// DICOM port (AE title [`AE_TITLE`]).
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl WorklistScp {
    /// Writes one worklist file per entry (Latin-1, `ISO_IR 100`, as
    /// many hospital systems still do) and starts `wlmscpfs`.
    pub fn start(entries: &[Scheduled<'_>]) -> WorklistScp {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join(AE_TITLE);
        std::fs::create_dir_all(&db).expect("worklist folder");
        std::fs::write(db.join("lockfile"), b"").expect("lockfile");
        for (n, e) in entries.iter().enumerate() {
            let dump = format!(
                "(0008,0005) CS [ISO_IR 100]\n(0008,0050) SH [{acc}]\n(0010,0010) PN [{name}]\n\
                 (0010,0020) LO [{id}]\n(0010,0021) LO [{issuer}]\n(0010,0030) DA [{birth}]\n\
                 (0010,0040) CS [{sex}]\n(0020,000d) UI [1.2.826.0.1.3680043.10.543.77.{n}]\n\
                 (0032,1060) LO [CT Thorax]\n(0040,0100) SQ\n(fffe,e000) -\n(0008,0060) CS [CT]\n\
                 (0040,0001) AE [CT1]\n(0040,0002) DA [20261208]\n(0040,0003) TM [0900]\n\
                 (0040,0007) LO [CT Thorax]\n(0040,0009) SH [SPS{n}]\n(fffe,e00d) -\n(fffe,e0dd) -\n\
                 (0040,1001) SH [RP{n}]\n",
                acc = e.accession,
                name = e.name,
                id = e.id,
                issuer = e.issuer,
                birth = e.birth_date,
                sex = e.sex,
            );
            // Latin-1: one byte per character of the dump.
            let latin1: Vec<u8> = dump
                .chars()
                .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
                .collect();
            let text = dir.path().join(format!("e{n}.dump"));
            std::fs::write(&text, latin1).expect("dump");
            let made = Command::new("dump2dcm")
                .arg("--write-xfer-little")
                .arg(&text)
                .arg(db.join(format!("e{n}.wl")))
                .status()
                .expect("cannot run dump2dcm (Debian package dcmtk)");
            assert!(made.success(), "dump2dcm failed for entry {n}");
        }
        let port = free_port();
        let child = Command::new("wlmscpfs")
            .args(["--single-process", "--keep-char-set", "-dfp"])
            .arg(dir.path())
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start wlmscpfs (Debian package dcmtk)");
        assert!(
            wait_for(Duration::from_secs(10), || std::net::TcpStream::connect((
                "127.0.0.1",
                port
            ))
            .is_ok()),
            "wlmscpfs did not come up"
        );
        WorklistScp {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for WorklistScp {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}
