//! Defects found when the server was attacked and run for months
//! (issue 9): each test failed on the code before its fix.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use mailslot_backend::client::{Client, ClientError};
use mailslot_tests::http::{raw_request, reply};
use mailslot_tests::ports::wait_for;
use mailslot_tests::sender::{preflight, session};
use mailslot_tests::server::{Server, PASSWORD};
use mailslot_tests::{consent, corpus, mailslot_bin, Failures};

/// The quota counts what occupies the disk now: an object delivered into
/// the inbox once (not once as an accepted upload and again in the inbox),
/// and nothing once a purge removed it.
#[test]
fn the_mailbox_counts_each_byte_once_and_is_free_again_after_a_purge() {
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let size = std::fs::metadata(&file).unwrap().len();
    let quota = size * 5 / 2;
    let server = Server::start("inbox", &[("MAILSLOT_QUOTA_BYTES", &quota.to_string())]);
    let (code, out, err) = server.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    assert!(
        wait_for(Duration::from_secs(30), || server.queue("done") == 1),
        "not delivered into the inbox"
    );
    let mut f = Failures::default();
    f.context(server.log());
    // One object of `size` in the inbox: another one fits.
    let second = preflight(&server, size);
    f.check(second.is_ok(), || {
        format!("a second file of the same size is refused: {second:?}")
    });
    // Purge the inbox (as housekeeping does when over quota).
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .env("MAILSLOT_QUOTA_BYTES", "1")
        .output()
        .unwrap();
    f.check(purge.status.success(), || {
        format!("purge failed: {}", String::from_utf8_lossy(&purge.stderr))
    });
    // The mailbox is empty again: twice the size fits.
    let after = preflight(&server, 2 * size);
    f.check(after.is_ok(), || {
        format!("after the purge the mailbox is still full: {after:?}")
    });
    f.finish();
}

/// `levels` nested sequences, each holding one item (explicit VR little
/// endian, undefined lengths), never closed: what a crafted file inflates
/// to, produced as it is read (never held whole).
struct Nesting {
    pos: usize,
    end: usize,
}

impl Nesting {
    /// (0008,1115) SQ, undefined length; (FFFE,E000) item, undefined length.
    const LEVEL: [u8; 20] = [
        0x08, 0x00, 0x15, 0x11, b'S', b'Q', 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0,
        0xff, 0xff, 0xff, 0xff,
    ];

    fn new(levels: usize) -> Self {
        Nesting {
            pos: 0,
            end: levels * Self::LEVEL.len(),
        }
    }
}

impl std::io::Read for Nesting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.end - self.pos);
        for b in &mut buf[..n] {
            *b = Self::LEVEL[self.pos % Self::LEVEL.len()];
            self.pos += 1;
        }
        Ok(n)
    }
}

/// A deflated DICOM file (the file meta group of the corpus's deflated CT)
/// whose data set inflates to `levels` levels of nesting.
fn deflated_nesting(levels: usize, out: &std::path::Path) {
    use std::io::Write;
    let ct = std::fs::read(corpus().join("generated/ct_deflated.dcm")).unwrap();
    // Preamble, DICM, then (0002,0000) UL 4 with the group's length.
    let group = u32::from_le_bytes(ct[140..144].try_into().unwrap()) as usize;
    let meta_end = 144 + group;
    let mut file = std::fs::File::create(out).unwrap();
    file.write_all(&ct[..meta_end]).unwrap();
    let mut deflate = flate2::write::DeflateEncoder::new(file, flate2::Compression::best());
    std::io::copy(&mut Nesting::new(levels), &mut deflate).unwrap();
    deflate.finish().unwrap().sync_all().unwrap();
}

/// A small deflated file of nested sequences inflated into gigabytes of
/// the parser's nesting state; now the walk refuses deep nesting first.
#[test]
fn a_deeply_nested_file_is_refused_without_taking_the_servers_memory() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("nested.dcm");
    // 15 M levels: 300 MB inflated, well under a megabyte deflated.
    deflated_nesting(15_000_000, &bomb);
    let packed = std::fs::metadata(&bomb).unwrap().len();
    assert!(packed < 4 << 20, "the crafted file is {packed} bytes");
    let server = Server::start("inbox", &[]);
    let client = session(&server);
    let sent = client
        .upload_file(&bomb, mailslot_shared::wire::UploadKind::Dicom, &|_| {})
        .unwrap();
    let peak = server.peak_rss().expect("the server's VmHWM");
    let mut f = Failures::default();
    f.context(server.log());
    f.check(
        sent.verdict == mailslot_shared::wire::UploadState::Rejected
            && sent.reason.as_deref() == Some("malformed"),
        || format!("verdict {sent:?}"),
    );
    f.check(peak < 100 << 20, || {
        format!("server peak RSS {} MiB", peak >> 20)
    });
    f.finish();
}

/// A deflated data set may inflate to no more than the largest file the
/// server accepts: a real deflated CT plus a private element of zeros that
/// inflates to 64 MiB, checked with a 16 MiB limit.
#[test]
fn a_deflated_data_set_may_not_inflate_beyond_the_file_limit() {
    use std::io::{Read, Write};
    let ct = std::fs::read(corpus().join("generated/ct_deflated.dcm")).unwrap();
    let group = u32::from_le_bytes(ct[140..144].try_into().unwrap()) as usize;
    let meta_end = 144 + group;
    let mut dataset = Vec::new();
    flate2::read::DeflateDecoder::new(&ct[meta_end..])
        .read_to_end(&mut dataset)
        .unwrap();
    let mut bomb = ct[..meta_end].to_vec();
    let mut deflate = flate2::write::DeflateEncoder::new(&mut bomb, flate2::Compression::best());
    deflate.write_all(&dataset).unwrap();
    // (7FE1,1010) OB, 64 MiB of zeros, after Pixel Data.
    let zeros = 64u32 << 20;
    deflate
        .write_all(&[0xe1, 0x7f, 0x10, 0x10, b'O', b'B', 0, 0])
        .unwrap();
    deflate.write_all(&zeros.to_le_bytes()).unwrap();
    std::io::copy(&mut std::io::repeat(0).take(zeros.into()), &mut deflate).unwrap();
    deflate.finish().unwrap();
    let limits = mailslot_shared::dicom::Limits {
        max_file_size: 16 << 20,
    };
    let len = bomb.len() as u64;
    assert!(len < 1 << 20, "the crafted file is {len} bytes");
    let verdict = mailslot_shared::dicom::inspect(&bomb, len, &limits);
    assert_eq!(
        verdict.rejected().map(|r| r.code),
        Some(mailslot_shared::dicom::RejectCode::TooLarge),
        "{verdict:?}"
    );
    // The same file within a larger limit is accepted: only the size counts.
    let roomy = mailslot_shared::dicom::Limits {
        max_file_size: 128 << 20,
    };
    assert!(mailslot_shared::dicom::inspect(&bomb, len, &roomy)
        .accepted()
        .is_some());
}

/// Forty `PATCH`es of 32 MiB without a session token: refused before a
/// byte of body is read, so the server's memory stays small.
#[test]
fn unauthenticated_bodies_are_refused_before_they_are_read() {
    use std::io::Write;
    let server = Server::start("inbox", &[]);
    let body = 32usize << 20;
    let senders: Vec<_> = (0..40)
        .map(|_| {
            let head = format!(
                "PATCH /api/uploads/00000000000000000000000000000000 HTTP/1.1\r\nHost: x\r\n\
                 Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n\
                 Upload-Offset: 0\r\nContent-Length: {body}\r\n\r\n"
            );
            let mut stream = raw_request(&server.url, &head);
            std::thread::spawn(move || {
                let chunk = vec![0x5a_u8; 1 << 20];
                for _ in 0..32 {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
                reply(stream, 10)
            })
        })
        .collect();
    let replies: Vec<String> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    let peak = server.peak_rss().expect("the server's VmHWM");
    let mut f = Failures::default();
    f.context(server.log());
    let refused = replies
        .iter()
        .filter(|r| r.starts_with("HTTP/1.1 401"))
        .count();
    f.check(refused == 40, || {
        format!("{refused} of 40 refused with 401: {:?}", replies.first())
    });
    f.check(peak < 100 << 20, || {
        format!("server peak RSS {} MiB", peak >> 20)
    });
    f.finish();
}

/// A body that stalls is given up after `body_timeout_secs` with
/// `request-timeout`, instead of holding the request open for good.
#[test]
fn a_stalled_body_times_out() {
    let server = Server::start("inbox", &[("MAILSLOT_BODY_TIMEOUT_SECS", "2")]);
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    let created = client.start_session(PASSWORD, consent()).unwrap();
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let up = client
        .begin_upload(&file, mailslot_shared::wire::UploadKind::Dicom)
        .unwrap();
    let head = format!(
        "PATCH {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n\
         Upload-Offset: 0\r\nContent-Length: 65000\r\n\r\n",
        up.location, created.token
    );
    let stream = raw_request(&server.url, &head);
    let started = std::time::Instant::now();
    let answer = reply(stream, 20);
    let mut f = Failures::default();
    f.context(server.log());
    f.check(answer.starts_with("HTTP/1.1 408"), || {
        format!("after {:?}: {answer:?}", started.elapsed())
    });
    f.check(started.elapsed() < Duration::from_secs(10), || {
        format!("answered after {:?}", started.elapsed())
    });
    f.finish();
}

/// With the page folder above the data folder, `GET /data/keys/<kid>.key`
/// served the private key. The server now refuses to start so.
#[test]
fn the_page_folder_may_not_hold_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("site");
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(page.join("index.html"), "<!doctype html>").unwrap();
    for (static_dir, data_dir) in [
        (page.clone(), page.join("data")),
        (page.join("data").join("dist"), page.join("data")),
    ] {
        let port = mailslot_tests::ports::free_port();
        let mut child = Command::new(mailslot_bin())
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(&data_dir)
            .env("MAILSLOT_STATIC_DIR", &static_dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let exited = wait_for(Duration::from_secs(10), || {
            child.try_wait().ok().flatten().is_some()
        });
        if !exited {
            let _ = child.kill();
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            exited && !out.status.success() && stderr.contains("static_dir"),
            "started with static_dir {static_dir:?} and data_dir {data_dir:?}: {stderr}"
        );
    }
}

/// A "letter" that is not a PDF was decrypted and left in `uploads/`
/// forever. Now it is removed at once, and housekeeping sweeps any part,
/// spool or inbox file that no database row owns.
#[test]
fn refused_letters_and_orphans_leave_no_file_behind() {
    let server = Server::start("inbox", &[]);
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("letter.pdf");
    std::fs::write(&fake, vec![b'x'; 200_000]).unwrap();
    let client = session(&server);
    let sent = client
        .upload_file(&fake, mailslot_shared::wire::UploadKind::Letter, &|_| {})
        .unwrap();
    let mut f = Failures::default();
    f.context(server.log());
    f.check(
        sent.verdict == mailslot_shared::wire::UploadState::Rejected,
        || format!("verdict {sent:?}"),
    );
    let left = mailslot_tests::files_under(&server.data.join("uploads"));
    f.check(left.is_empty(), || {
        format!("the refused letter is still on disk: {left:?}")
    });
    // Files no row owns, older than any write in progress.
    let orphans = [
        server
            .data
            .join("uploads/0123456789abcdef0123456789abcdef.part"),
        server
            .data
            .join("spool/0123456789abcdef0123456789abcdef.dcm"),
        server.data.join("inbox/ZZZ-ZZZ-ZZZ/x.dcm"),
    ];
    for o in &orphans {
        std::fs::create_dir_all(o.parent().unwrap()).unwrap();
        std::fs::write(o, b"orphan").unwrap();
    }
    let touched = Command::new("touch")
        .args(["-d", "3 hours ago"])
        .args(&orphans)
        .arg(server.data.join("inbox/ZZZ-ZZZ-ZZZ"))
        .status()
        .unwrap();
    assert!(touched.success());
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .output()
        .unwrap();
    f.check(purge.status.success(), || {
        format!("purge failed: {}", String::from_utf8_lossy(&purge.stderr))
    });
    for o in &orphans {
        f.check(!o.exists(), || format!("{} was not swept", o.display()));
    }
    f.check(!server.data.join("inbox/ZZZ-ZZZ-ZZZ").exists(), || {
        "the orphaned inbox folder was not swept".into()
    });
    f.finish();
}

/// Photos of letters are decoded on the server: a cut one is refused as
/// `letter-unreadable`, one whose header claims more pixels than allowed
/// (a decompression bomb: 60,000 × 60,000 in a few hundred bytes) as
/// `letter-too-large` without the server allocating for it, and a whole
/// one is kept as a PDF page; nothing of the refused ones stays on disk.
#[test]
fn photo_letters_are_decoded_within_bounds() {
    use mailslot_backend::photopage::pictures;
    use mailslot_shared::wire::{UploadKind, UploadState};
    let server = Server::start("inbox", &[]);
    let dir = tempfile::tempdir().unwrap();
    let good = pictures::png(40, 60);
    let mut bomb = pictures::png(40, 60);
    // IHDR's width and height (bytes 16..24), with its CRC recomputed.
    bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    let cases = [
        (
            "cut.png",
            good[..good.len() - 20].to_vec(),
            Some("letter-unreadable"),
        ),
        ("bomb.png", bomb, Some("letter-too-large")),
        ("good.png", good, None),
    ];
    let client = session(&server);
    let mut f = Failures::default();
    f.context(server.log());
    for (name, bytes, code) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let sent = client
            .upload_file(&path, UploadKind::Letter, &|_| {})
            .unwrap();
        let want = if code.is_some() {
            UploadState::Rejected
        } else {
            UploadState::Accepted
        };
        f.check(
            sent.verdict == want && sent.reason.as_deref() == code,
            || format!("{name}: {sent:?}"),
        );
    }
    let left = mailslot_tests::files_under(&server.data.join("uploads"));
    f.check(left.is_empty(), || format!("left in uploads: {left:?}"));
    let kept = mailslot_tests::files_under(&server.data.join("inbox"));
    f.check(
        kept.len() == 1 && std::fs::read(&kept[0]).is_ok_and(|b| b.starts_with(b"%PDF-")),
        || format!("kept: {kept:?}"),
    );
    f.finish();
}

/// What a session sent counts against its limit even when it was refused:
/// refused files cannot make the server open and check without end.
#[test]
fn refused_bytes_count_against_the_session() {
    let server = Server::start("inbox", &[("MAILSLOT_MAX_SESSION_BYTES", "300000")]);
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("letter.pdf");
    std::fs::write(&fake, vec![b'x'; 200_000]).unwrap();
    let client = session(&server);
    let kind = mailslot_shared::wire::UploadKind::Letter;
    let first = client.upload_file(&fake, kind, &|_| {}).unwrap();
    assert_eq!(first.verdict, mailslot_shared::wire::UploadState::Rejected);
    match client.begin_upload(&fake, kind) {
        Err(ClientError::Api { code, .. }) => assert_eq!(code, "session-too-large"),
        other => panic!("a second 200 kB upload in a 300 kB session: {other:?}"),
    }
}

/// The CSP names base-uri, form-action and object-src; the token reply is
/// never cached; the page is isolated from other origins' windows and
/// resources.
#[test]
fn security_headers_are_complete() {
    let server = Server::start("inbox", &[]);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let body = serde_json::json!({"password": PASSWORD, "consent": {"statement_version": "2", "accepted": true, "may_send": true}});
    let resp = agent
        .post(format!("{}/api/session", server.url))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let mut f = Failures::default();
    f.check(resp.status() == 201, || format!("status {}", resp.status()));
    let csp = header("content-security-policy");
    for directive in ["base-uri 'none'", "form-action 'self'", "object-src 'none'"] {
        f.check(csp.contains(directive), || {
            format!("CSP lacks {directive}: {csp}")
        });
    }
    f.check(header("cache-control") == "no-store", || {
        format!("token reply Cache-Control: {:?}", header("cache-control"))
    });
    f.check(
        header("cross-origin-opener-policy") == "same-origin",
        || "no Cross-Origin-Opener-Policy".into(),
    );
    f.check(
        header("cross-origin-resource-policy") == "same-origin",
        || "no Cross-Origin-Resource-Policy".into(),
    );
    f.finish();
}

/// Patient data lives under the data directory: every folder there is
/// 0700 and every file 0600, whatever the umask.
#[test]
fn the_data_directory_is_private_to_the_service() {
    use std::os::unix::fs::PermissionsExt;
    let server = Server::start("inbox", &[]);
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let (code, out, err) = server.send(&[&file], &[]);
    assert_eq!(code, 0, "send failed:\n{out}\n{err}");
    assert!(wait_for(Duration::from_secs(30), || server.queue("done") == 1));
    let mut open = Vec::new();
    let mut stack = vec![server.data.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let mode = meta.permissions().mode() & 0o777;
            let want = if meta.is_dir() { 0o700 } else { 0o600 };
            if mode != want {
                open.push(format!("{:o} {}", mode, path.display()));
            }
            if meta.is_dir() {
                stack.push(path);
            }
        }
    }
    assert!(open.is_empty(), "readable by others:\n{}", open.join("\n"));
}

/// A real image whose preamble starts like a Windows program was accepted
/// and delivered: a file that is an image and an executable at once.
#[test]
fn an_image_with_a_program_in_its_preamble_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(corpus().join("real/pydicom/CT_small.dcm")).unwrap();
    bytes[..4].copy_from_slice(b"MZ\x90\x00");
    let polyglot = dir.path().join("IM0001");
    std::fs::write(&polyglot, &bytes).unwrap();
    let server = Server::start("inbox", &[]);
    let client = session(&server);
    let sent = client
        .upload_file(&polyglot, mailslot_shared::wire::UploadKind::Dicom, &|_| {})
        .unwrap();
    assert_eq!(
        (sent.verdict, sent.reason.as_deref()),
        (
            mailslot_shared::wire::UploadState::Rejected,
            Some("executable-preamble")
        )
    );
    assert!(mailslot_tests::files_under(&server.data.join("spool")).is_empty());
}

/// `department` travels unsealed so staff can route: only the hospital's
/// own ids are taken, never free text (which could carry patient data).
#[test]
fn only_configured_departments_are_accepted() {
    let server = Server::start("inbox", &[]);
    let submit = |department: &str| {
        let client = session(&server);
        client
            .submit(&mailslot_shared::wire::SenderDetails::default(), department)
            .map(|r| r.reference)
            .map_err(|e| match e {
                ClientError::Api { code, .. } => code,
                other => other.to_string(),
            })
    };
    let mut f = Failures::default();
    let free = submit("Dr. Müller, Knie Erika Mustermann");
    f.check(free == Err("bad-request".into()), || {
        format!("free text as department: {free:?}")
    });
    let known = submit("radiology");
    f.check(known.is_ok(), || format!("a configured id: {known:?}"));
    let none = submit("");
    f.check(none.is_ok(), || format!("no department: {none:?}"));
    f.finish();
}

/// `mailslot password add --generate` makes a passphrase a secretary can
/// read out on the phone, and it opens a session.
#[test]
fn a_generated_password_is_speakable_and_works() {
    let server = Server::start("inbox", &[]);
    let out = Command::new(mailslot_bin())
        .args(["password", "add", "--generate", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let phrase = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("the generated password is printed")
        .trim()
        .to_owned();
    let words: Vec<&str> = phrase.split('-').collect();
    assert!(
        words.len() >= 3 && phrase.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
        "not speakable: {phrase}"
    );
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    assert!(client.start_session(&phrase, consent()).is_ok());
}

/// An announced upload reserves its length against the quota only while
/// it makes progress: one password holder announcing huge uploads cannot
/// block the mailbox for 48 hours.
#[test]
fn reservations_without_progress_are_released() {
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_QUOTA_BYTES", "200000000"),
            ("MAILSLOT_RESERVATION_IDLE_SECS", "2"),
        ],
    );
    let hog = session(&server);
    let id = mailslot_shared::envelope::Id16([7; 16]);
    hog.create_upload(id, mailslot_shared::wire::UploadKind::Dicom, 190_000_000)
        .unwrap();
    // Right after the announcement the room is taken …
    assert_eq!(preflight(&server, 50_000_000), Err("mailbox-full".into()));
    // … but not for longer than the reservation is idle.
    std::thread::sleep(Duration::from_secs(3));
    let after = preflight(&server, 50_000_000);
    assert!(after.is_ok(), "after the idle reservation: {after:?}");
}

/// One session may not hold more than `max_uploads_in_flight` unfinished
/// uploads, nor one client more than `max_sessions_per_client` open
/// sessions an hour.
#[test]
fn uploads_in_flight_and_sessions_per_client_are_capped() {
    let server = Server::start(
        "inbox",
        &[
            ("MAILSLOT_MAX_UPLOADS_IN_FLIGHT", "8"),
            ("MAILSLOT_MAX_SESSIONS_PER_CLIENT", "3"),
        ],
    );
    let client = session(&server);
    let created: Vec<Result<String, String>> = (0..10u8)
        .map(|n| {
            client
                .create_upload(
                    mailslot_shared::envelope::Id16([n; 16]),
                    mailslot_shared::wire::UploadKind::Dicom,
                    1_000_000,
                )
                .map_err(|e| match e {
                    ClientError::Api { code, .. } => code,
                    other => other.to_string(),
                })
        })
        .collect();
    let mut f = Failures::default();
    f.check(
        created[..8].iter().all(Result::is_ok)
            && created[8..]
                .iter()
                .all(|r| r == &Err("rate-limited".to_owned())),
        || format!("uploads created: {created:?}"),
    );
    // Two more sessions make three; the fourth is refused.
    let more: Vec<bool> = (0..3)
        .map(|_| {
            let mut c = Client::new(&server.url);
            c.fetch_key().unwrap();
            c.start_session(PASSWORD, consent()).is_ok()
        })
        .collect();
    f.check(more == [true, true, false], || {
        format!("sessions 2-4 opened: {more:?}")
    });
    f.finish();
}

/// The database kept SHA-256(session id ‖ SOP Instance UID), with the
/// session id beside it: anyone with the database could confirm a guessed
/// UID. The hash is now keyed with a secret that is not in the database.
#[test]
fn instance_hashes_cannot_be_recomputed_from_the_database() {
    if mailslot_tests::postgres::skip_sqlite_only() {
        return;
    }
    use sha2::{Digest, Sha256};
    let server = Server::start("inbox", &[]);
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let mut client = Client::new(&server.url);
    client.fetch_key().unwrap();
    let created = client.start_session(PASSWORD, consent()).unwrap();
    let sent = client
        .upload_file(&file, mailslot_shared::wire::UploadKind::Dicom, &|_| {})
        .unwrap();
    assert_eq!(sent.verdict, mailslot_shared::wire::UploadState::Accepted);
    let uid = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
    let guessable = hex::encode(
        Sha256::new()
            .chain_update(created.session_id.as_bytes())
            .chain_update(uid.as_bytes())
            .finalize(),
    );
    let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).unwrap();
    let stored: String = db
        .query_row(
            "SELECT instance_hash FROM uploads WHERE session_id = ?1",
            [&created.session_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored.len(), 64);
    assert_ne!(stored, guessable, "the hash is the unkeyed one");
}

/// A retired key's grace period was measured from its file's creation: a
/// key in use for days was destroyed by the first housekeeping pass after
/// `mailslot key rotate`, and open sessions got `unknown-key`. Now the
/// grace runs from the retirement.
#[test]
fn a_rotated_key_lives_on_for_the_sessions_that_fetched_it() {
    let server = Server::start("inbox", &[]);
    let early = session(&server);
    // The key has been in use for two days.
    let keys = server.data.join("keys");
    let old: Vec<_> = std::fs::read_dir(&keys)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "key"))
        .collect();
    assert_eq!(old.len(), 1);
    assert!(Command::new("touch")
        .args(["-d", "2 days ago"])
        .arg(&old[0])
        .status()
        .unwrap()
        .success());
    server.admin(&["key", "rotate"]);
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .output()
        .unwrap();
    assert!(purge.status.success());
    let file = corpus().join("real/pydicom/CT_small.dcm");
    let sent = early.upload_file(&file, mailslot_shared::wire::UploadKind::Dicom, &|_| {});
    assert!(
        matches!(&sent, Ok(s) if s.verdict == mailslot_shared::wire::UploadState::Accepted),
        "an upload sealed for the key fetched before the rotation: {sent:?}"
    );
    assert!(old[0].exists(), "the retired key was destroyed at once");
}

/// Sessions, uploads, submissions, the audit log and objects the PACS
/// refused for good grew forever. Each now has a retention, and what is
/// removed is written to the audit log.
#[test]
fn old_records_and_refused_objects_are_purged() {
    if mailslot_tests::postgres::skip_sqlite_only() {
        return;
    }
    let server = Server::start("inbox", &[("MAILSLOT_RETENTION_DAYS", "7")]);
    let long_ago = mailslot_backend::store::now() - 400 * 86_400;
    let recent = mailslot_backend::store::now() - 60;
    let spooled = server
        .data
        .join("spool/0123456789abcdef0123456789abcdef.dcm");
    std::fs::write(&spooled, b"refused by the PACS long ago").unwrap();
    {
        let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).unwrap();
        db.busy_timeout(Duration::from_secs(10)).unwrap();
        for (sid, at) in [("old", long_ago), ("new", recent)] {
            db.execute(
                "INSERT INTO sessions (id, token_hash, reference, created_at, last_seen, consent_version, consent_at, finalized_at)
                 VALUES (?1, randomblob(32), ?1 || '-REF', ?2, ?2, '1', ?2, ?2)",
                rusqlite::params![sid, at],
            )
            .unwrap();
            db.execute(
                "INSERT INTO uploads (id, session_id, file_id, kind, length, state, created_at, expires_at)
                 VALUES (?1 || '-up', ?1, ?1, 'dicom', 10, 'accepted', ?2, ?2)",
                rusqlite::params![sid, at],
            )
            .unwrap();
            db.execute(
                "INSERT INTO forward_queue (upload_id, session_id, state, next_attempt, updated_at)
                 VALUES (?1 || '-up', ?1, 'done', ?2, ?2)",
                rusqlite::params![sid, at],
            )
            .unwrap();
            db.execute(
                "INSERT INTO submissions (reference, session_id, created_at, files, bytes) VALUES (?1 || '-REF', ?1, ?2, 1, 10)",
                rusqlite::params![sid, at],
            )
            .unwrap();
        }
        db.execute(
            "INSERT INTO uploads (id, session_id, file_id, kind, length, state, created_at, expires_at)
             VALUES ('0123456789abcdef0123456789abcdef', 'new', 'x', 'dicom', 10, 'accepted', ?1, ?1)",
            [long_ago],
        )
        .unwrap();
        db.execute(
            "INSERT INTO forward_queue (upload_id, session_id, state, next_attempt, updated_at)
             VALUES ('0123456789abcdef0123456789abcdef', 'new', 'failed', ?1, ?1)",
            [long_ago],
        )
        .unwrap();
        db.execute(
            "INSERT INTO audit (at, event, detail) VALUES (?1, 'ancient', 'x')",
            [long_ago],
        )
        .unwrap();
    }
    let purge = Command::new(mailslot_bin())
        .args(["purge", "--data-dir"])
        .arg(&server.data)
        .envs(server.env_vars())
        .env("MAILSLOT_RETENTION_DAYS", "7")
        .output()
        .unwrap();
    assert!(
        purge.status.success(),
        "{}",
        String::from_utf8_lossy(&purge.stderr)
    );
    let db = rusqlite::Connection::open(server.data.join("mailslot.sqlite3")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    let mut f = Failures::default();
    f.check(
        count("SELECT COUNT(*) FROM sessions WHERE id = 'old'") == 0,
        || "the old session is still there".into(),
    );
    f.check(
        count("SELECT COUNT(*) FROM uploads WHERE session_id = 'old'") == 0
            && count("SELECT COUNT(*) FROM submissions WHERE session_id = 'old'") == 0,
        || "the old session's uploads or submission are still there".into(),
    );
    f.check(
        count("SELECT COUNT(*) FROM sessions WHERE id = 'new'") == 1,
        || "a recent session was purged".into(),
    );
    f.check(!spooled.exists(), || {
        "the long-refused object is still spooled".into()
    });
    f.check(
        count("SELECT COUNT(*) FROM audit WHERE event = 'ancient'") == 0,
        || "the year-old audit row is still there".into(),
    );
    f.check(
        count("SELECT COUNT(*) FROM audit WHERE event = 'records-purged'") == 1
            && count("SELECT COUNT(*) FROM audit WHERE event = 'spool-purged'") == 1,
        || "the purges were not audited".into(),
    );
    f.finish();
}
