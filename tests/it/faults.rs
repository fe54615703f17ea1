//! Faults on purpose (issue 13): the network between sender and server
//! breaking again and again. Figures: `docs/reliability.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use mailslot_tests::pacs::Orthanc;
use mailslot_tests::ports::wait_for;
use mailslot_tests::proxy::CuttingProxy;
use mailslot_tests::server::Server;
use mailslot_tests::{sha256, Failures};

/// Three 10 MB images through a connection cut after every 5 MB: `mailslot
/// send` resumes each file from the server's offset and every image
/// arrives in Orthanc (over STOW-RS, where the whole file is kept)
/// byte-identical.
#[test]
fn an_upload_through_a_line_that_drops_every_few_megabytes_arrives_whole() {
    let orthanc = Orthanc::start();
    let server = Server::start(
        &format!("stow+http://127.0.0.1:{}/dicom-web", orthanc.http_port),
        &[],
    );
    let cd = tempfile::tempdir().unwrap();
    let images: Vec<Vec<u8>> = (1..=3)
        .map(|i| {
            mailslot_shared::dicom::synth::ct_image(
                &format!("1.2.826.0.1.3680043.10.543.99.{i}"),
                "1.2.826.0.1.3680043.10.543.99",
                "CUT^LINE",
                10_000_000,
                0,
            )
        })
        .collect();
    for (i, image) in images.iter().enumerate() {
        std::fs::write(cd.path().join(format!("IM{i}")), image).unwrap();
    }
    let proxy = CuttingProxy::start(server.port(), 5_000_000);
    let started = Instant::now();
    let (code, stdout, stderr) = server.send_to(
        &format!("http://127.0.0.1:{}", proxy.port),
        &[cd.path()],
        &[],
    );
    let took = started.elapsed();
    let mut f = Failures::default();
    f.context(format!(
        "send:\n{stdout}\n{stderr}\nserver:\n{}",
        server.log()
    ));
    let cuts = proxy.cuts();
    eprintln!(
        "cutting proxy: {cuts} cuts, upload {:.1} s",
        took.as_secs_f64()
    );
    f.check(cuts >= 4, || {
        format!("only {cuts} cuts: the test did not test")
    });
    f.check(code == 0 && stdout.contains("Files received: 3"), || {
        "the upload completed".into()
    });
    let arrived = wait_for(Duration::from_secs(60), || orthanc.instances().len() == 3);
    f.check(arrived, || "three instances in Orthanc".into());
    let stored: Vec<String> = orthanc.files().iter().map(|(_, b)| sha256(b)).collect();
    for (i, image) in images.iter().enumerate() {
        f.check(stored.contains(&sha256(image)), || {
            format!("image {i} byte-identical in Orthanc")
        });
    }
    f.finish();
}

/// Every transient forwarding failure the server counted so far
/// (`/metrics` on the admin address).
fn transient_failures(server: &Server) -> f64 {
    mailslot_tests::http::get(&format!("{}/metrics", server.admin_url))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
        .lines()
        .filter(|l| {
            l.starts_with("mailslot_forward_failures_total{") && l.contains("kind=\"transient\"")
        })
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

/// A PACS that aborts every association in the middle of a C-STORE
/// (dcmtk's `storescp --abort-after`: after the request, before the
/// answer; `--abort-during`: while the data set arrives), then is replaced
/// by a working one on the same address: the aborted objects are retried,
/// none is given up, and the working PACS receives every object exactly
/// once.
#[test]
fn a_pacs_that_aborts_associations_loses_nothing_and_gets_no_repeats() {
    use mailslot_tests::pacs::StoreScp;
    use mailslot_tests::ports::free_port;
    for abort in ["--abort-after", "--abort-during"] {
        let port = free_port();
        let flaky = StoreScp::start_on(port, &[abort]);
        let server = Server::start(&format!("dimse://STORESCP@127.0.0.1:{port}"), &[]);
        let mut f = Failures::default();
        let dir = mailslot_tests::corpus().join("generated");
        let (code, stdout, stderr) = server.send(&[&dir], &[]);
        f.context(format!("{abort}\nsend:\n{stdout}\n{stderr}"));
        f.check(code == 0, || "sent".into());
        let aborted = wait_for(Duration::from_secs(60), || {
            transient_failures(&server) >= 2.0
        });
        f.check(aborted, || format!("{abort}: no aborted attempts counted"));
        drop(flaky);
        // +uf: one file per object received, so a repeat would show.
        let good = StoreScp::start_on(port, &["+uf"]);
        let drained = wait_for(Duration::from_secs(120), || {
            server.queue("pending") == 0 && server.queue("sending") == 0
        });
        f.check(drained, || format!("{abort}: {}", server.admin(&["queue"])));
        let done = server.queue("done");
        f.check(server.queue("failed") == 0, || {
            format!(
                "{abort}: given up: {}",
                server.admin(&["queue", "--failed"])
            )
        });
        let uids: std::collections::BTreeSet<String> = good
            .files()
            .iter()
            .filter_map(|b| {
                mailslot_shared::dicom::inspect(
                    b,
                    b.len() as u64,
                    &mailslot_shared::dicom::Limits::default(),
                )
                .accepted()
                .map(|s| s.sop_instance_uid.clone())
            })
            .collect();
        f.check(
            done > 0 && good.count() == done && uids.len() == done,
            || {
                format!(
                    "{abort}: {done} forwarded, the working PACS got {} files of {} objects",
                    good.count(),
                    uids.len()
                )
            },
        );
        f.context(format!("server log:\n{}", server.log()));
        f.finish();
    }
}

/// A small file system of the test's own (tmpfs), unmounted on drop.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` where this machine does not let the test mount (not root).
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// The data directory runs full: requests are refused with `disk-full`
/// (507) — readable by the client even when the server answered before
/// reading the request's body — nothing reaches the inbox, the server
/// keeps answering, and once room is made the same upload continues from
/// where the server had it and arrives whole.
#[test]
fn a_full_disk_refuses_with_its_own_code_and_the_upload_goes_on_when_room_returns() {
    use mailslot_sender::client::{Client, ClientError};
    use mailslot_shared::wire::{Consent, UploadKind, UploadState};
    let Some(disk) = SmallDisk::mount(48) else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root); the full disk is not tested");
        return;
    };
    let server = Server::start_in(disk.dir.path().join("data"), "inbox", &[]);
    let cd = tempfile::tempdir().unwrap();
    let image = mailslot_shared::dicom::synth::ct_image(
        "1.2.826.0.1.3680043.10.543.98.1",
        "1.2.826.0.1.3680043.10.543.98",
        "FULL^DISK",
        12_000_000,
        0,
    );
    let path = cd.path().join("IM0");
    std::fs::write(&path, &image).unwrap();
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    client
        .start_session(
            mailslot_tests::server::PASSWORD,
            Consent {
                statement_version: "2".into(),
                accepted: true,
                may_send: true,
            },
        )
        .unwrap();
    let mut up = client.begin_upload(&path, UploadKind::Dicom).unwrap();
    // Leave about 4 MB free.
    let free = mailslot_backend::health::free_bytes(disk.dir.path()).unwrap();
    let filler = disk.dir.path().join("filler");
    std::fs::write(&filler, vec![0u8; (free - 4_000_000) as usize]).unwrap();

    let mut f = Failures::default();
    f.context(format!("server log:\n{}", server.log()));
    // Its requests until one is refused (the first ~4 MB may fit); a
    // refusal the client retries itself comes back as `Ok(None)`.
    let mut refused = None;
    for _ in 0..4 {
        match client.continue_upload(&mut up, Some(1), &|_| {}) {
            Err(ClientError::Api { code, status, .. }) => {
                refused = Some((status, code));
                break;
            }
            Ok(Some(v)) => panic!("finished on a full disk: {v:?}"),
            _ => {}
        }
    }
    let metrics = mailslot_tests::http::get(&format!("{}/metrics", server.admin_url))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let counted = metrics
        .lines()
        .any(|l| l.starts_with("mailslot_refusals_total{code=\"disk-full\"}"));
    f.check(counted, || {
        format!("no disk-full refusal counted:\n{metrics}")
    });
    f.check(
        refused
            .as_ref()
            .is_none_or(|(s, c)| *s == 507 && c == "disk-full"),
        || format!("refused with {refused:?}"),
    );
    let (health, _) =
        mailslot_tests::http::get(&format!("{}/api/health", server.url)).unwrap_or((0, Vec::new()));
    f.check(health == 200, || format!("health {health} on a full disk"));
    let inbox = mailslot_tests::files_under(&server.data.join("inbox"));
    f.check(inbox.is_empty(), || format!("in the inbox: {inbox:?}"));

    // Room again: the same upload goes on and arrives whole.
    std::fs::remove_file(&filler).unwrap();
    let sent = client.continue_upload(&mut up, None, &|_| {});
    f.check(
        matches!(&sent, Ok(Some(s)) if s.verdict == UploadState::Accepted),
        || format!("after room returned: {sent:?}"),
    );
    let arrived = wait_for(Duration::from_secs(30), || {
        mailslot_tests::files_under(&server.data.join("inbox"))
            .iter()
            .any(|p| std::fs::read(p).is_ok_and(|b| sha256(&b) == sha256(&image)))
    });
    f.check(arrived, || "the image in the inbox, byte-identical".into());
    drop(server);
    f.finish();
}
