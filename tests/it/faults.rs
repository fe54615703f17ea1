//! Faults on purpose (issue 13): the network between sender and server
//! breaking again and again. Figures: `docs/reliability.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mailslot_tests::fixtures::{sha256, wait_for, Orthanc, Server};
use mailslot_tests::Failures;

/// A TCP proxy that passes bytes both ways and cuts a connection (both
/// directions, at once) after `cut_after` bytes from the client on it:
/// a line that drops every few megabytes.
struct CuttingProxy {
    port: u16,
    cuts: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl CuttingProxy {
    fn start(upstream: u16, cut_after: usize) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let cuts = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, s) = (cuts.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let _ = client.set_nonblocking(false);
                        let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                            continue;
                        };
                        let cuts = c.clone();
                        let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                        // Server → client: as is.
                        std::thread::spawn(move || pump(s2, c2, usize::MAX, None));
                        // Client → server: cut after `cut_after` bytes.
                        std::thread::spawn(move || pump(client, server, cut_after, Some(cuts)));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        CuttingProxy { port, cuts, stop }
    }
}

impl Drop for CuttingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Copies `from` → `to`; after `limit` bytes shuts both down (counting a
/// cut).
fn pump(mut from: TcpStream, mut to: TcpStream, limit: usize, cuts: Option<Arc<AtomicUsize>>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut passed = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let allowed = n.min(limit - passed);
        if to.write_all(&buf[..allowed]).is_err() {
            break;
        }
        passed += allowed;
        if passed >= limit {
            if let Some(c) = &cuts {
                c.fetch_add(1, Ordering::Relaxed);
            }
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

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
    let cuts = proxy.cuts.load(Ordering::Relaxed);
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
    mailslot_tests::fixtures::get(&format!("{}/metrics", server.admin_url))
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
    use mailslot_tests::fixtures::{free_port, StoreScp};
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
