//! Repository tasks, in Rust rather than shell (`cargo xtask <task>`).
//!
//! * `deps`   — install what the tests need: Debian packages (as root, when
//!   missing), the wasm32 target, `wasm-bindgen-cli` at the locked version,
//!   `cargo-fuzz`.
//! * `corpus` — build the cached test corpus under `target/corpus`: real
//!   files from the `pydicom` and `pydicom-data` wheels (PyPI), variants made
//!   with dcmtk and gdcm, and broken files.
//! * `page`   — build the upload page with Trunk into `dist/` (installs
//!   Trunk at the pinned version when missing).
//! * `run`    — build the page, then start the server with its embedded
//!   defaults (`mailslot serve`; extra arguments are passed on).
//! * `bench-page` — the page's criterion benchmarks in headless Chromium
//!   (scan vs. plain reading, WebCrypto vs. aes-gcm), each with its ratio.
//! * `test`   — everything CI runs: deps, corpus, the page, workspace tests
//!   (including the browser end-to-end test), the wasm32 tests (Node and
//!   headless Chromium), clippy, and a short fuzz run of every fuzz target.
//! * `fuzz`   — build the fuzz targets and run each for `--seconds N`.
//! * `cycles` — fail when a module of a crate imports, through any chain,
//!   one that imports it back (`cycles.rs`); `test` runs it first.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod cycles;

type Result<T = ()> = std::result::Result<T, String>;

/// Bump when the corpus recipe changes, so cached corpora are rebuilt.
const CORPUS_VERSION: &str = "7";
/// The API fuzzer the API test runs.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
const PYDICOM: &str = "pydicom==3.0.2";
const PYDICOM_DATA: &str = "pydicom-data==1.0.0";
/// Debian packages the tests call, each with a file that shows it is
/// installed: dcmtk and gdcm make corpus variants, dcmtk's storescp and
/// Orthanc with its DICOMweb plugin are the PACS the server forwards to,
/// nginx terminates TLS in front of Orthanc for `stow+https://`, aiosmtpd
/// is the hospital's mail server that notifications go to, dicom3tools'
/// dciodvfy checks the objects the server makes, poppler's pdftotext
/// reads the cover sheets.
const APT_PACKAGES: &[(&str, &str)] = &[
    ("dcmconv", "dcmtk"),
    ("gdcmconv", "libgdcm-tools"),
    ("/usr/sbin/Orthanc", "orthanc"),
    (
        "/usr/share/orthanc/plugins/libOrthancDicomWeb.so",
        "orthanc-dicomweb",
    ),
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/firefox-esr", "firefox-esr"),
    ("/usr/sbin/nginx", "nginx"),
    ("/usr/bin/chromedriver", "chromium-driver"),
    ("node", "nodejs"),
    ("npm", "npm"),
    (
        "/usr/lib/python3/dist-packages/aiosmtpd/__init__.py",
        "python3-aiosmtpd",
    ),
    ("/usr/bin/dciodvfy", "dicom3tools"),
    ("/usr/bin/pdftotext", "poppler-utils"),
    // `systemd-analyze verify` checks deploy/mailslot.service.
    ("/usr/bin/systemd-analyze", "systemd"),
    // The state of several nodes (`database_url`): the tests start a
    // cluster of their own. (Debian 12's server; elsewhere `postgresql`
    // is asked for again, which apt answers at once.)
    ("/usr/lib/postgresql/15/bin/postgres", "postgresql"),
];
/// Trunk builds the page; 0.22 needs a newer rustc than the pinned one.
const TRUNK_VERSION: &str = "0.21.14";
const FUZZ_TARGETS: &[&str] = &[
    "envelope_header",
    "envelope_open",
    "dicom_inspect",
    "dicomdir",
    "letter_photo",
    "reconcile",
];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("deps") => deps(true),
        Some("corpus") => corpus().map(|_| ()),
        Some("test") => test(),
        Some("page") => page_deps().and_then(|()| page()),
        Some("bench-page") => page_deps().and_then(|()| bench_page()),
        Some("run") => page_deps()
            .and_then(|()| page())
            .and_then(|()| serve(&args[1..])),
        Some("fuzz") => fuzz(seconds_arg(&args).unwrap_or(30)),
        Some("cycles") => no_import_loops(),
        _ => Err(
            "usage: cargo xtask <deps|corpus|page|run [serve args…]|bench-page|test|fuzz [--seconds N]|cycles>"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn seconds_arg(args: &[String]) -> Option<u64> {
    let i = args.iter().position(|a| a == "--seconds")?;
    args.get(i + 1)?.parse().ok()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command, failing with its description when it fails.
fn run(cmd: &mut Command) -> Result {
    eprintln!("xtask: $ {cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed with {status}"))
    }
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn have(program: &str) -> bool {
    if program.starts_with('/') {
        return Path::new(program).exists();
    }
    env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

fn cargo() -> Command {
    let mut cmd = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

// ---- deps ---------------------------------------------------------------

fn deps(with_fuzz: bool) -> Result {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .filter(|(bin, _)| !have(bin))
        .map(|(_, pkg)| *pkg)
        .collect();
    if !missing.is_empty() {
        let is_root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
        if !is_root {
            return Err(format!(
                "missing Debian packages; run: sudo apt-get install -y {}",
                missing.join(" ")
            ));
        }
        run(Command::new("apt-get").args(["update", "-qq"]))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    page_deps()?;
    // The browser end-to-end test's npm packages, from the lockfile.
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(root().join("tests/e2e")))?;
    schemathesis()?;
    if with_fuzz && output(cargo().args(["fuzz", "--version"])).is_none() {
        run(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

/// `schemathesis` (PyPI) at [`SCHEMATHESIS`], in its own environment
/// under `target/py` (the API test runs it against `/api/openapi.json`).
fn schemathesis() -> Result {
    let py = root().join("target").join("py");
    let bin = py.join("bin");
    let version = SCHEMATHESIS.trim_start_matches("schemathesis==");
    let installed = output(Command::new(bin.join("schemathesis")).arg("--version"));
    if installed.is_some_and(|v| v.ends_with(version)) {
        return Ok(());
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&py))?;
    run(Command::new(bin.join("python3"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg(SCHEMATHESIS))
}

/// What building the page needs: the wasm32 target, `wasm-bindgen-cli` at
/// the locked crate's version (Trunk runs offline and uses it), Trunk.
fn page_deps() -> Result {
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    let wanted = locked_version("wasm-bindgen")?;
    let installed = output(Command::new("wasm-bindgen-test-runner").arg("--version"));
    if !installed.is_some_and(|v| v.ends_with(&wanted)) {
        // wasm-bindgen-cli must equal the crate; it builds without --locked.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    }
    let trunk = output(Command::new("trunk").arg("--version"));
    if !trunk.is_some_and(|v| v.ends_with(TRUNK_VERSION)) {
        // No TLS stack or update check: Trunk runs offline here (Trunk.toml).
        // Its release profile (fat LTO, one codegen unit) is overridden: a
        // build tool's speed does not matter, CI time does (624 s → 363 s
        // on two cores).
        run(cargo()
            .args([
                "install",
                "trunk",
                "--version",
                TRUNK_VERSION,
                "--locked",
                "--no-default-features",
            ])
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1"))?;
    }
    Ok(())
}

// ---- page and run ---------------------------------------------------------

/// `trunk build --release` from the top-level Trunk.toml into `dist/`.
fn page() -> Result {
    run(Command::new("trunk")
        .args(["build", "--release"])
        .current_dir(root()))
}

/// The page's browser benchmarks (criterion under wasm-bindgen-test, in a
/// dedicated worker of headless Chromium). Criterion's sampling takes a
/// few minutes, longer than the runner's default timeout.
fn bench_page() -> Result {
    run(cargo()
        .args([
            "bench",
            "--locked",
            "-p",
            "mailslot-frontend",
            "--target",
            "wasm32-unknown-unknown",
            "--bench",
            "page",
        ])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "900"))
}

/// `mailslot serve` with the embedded defaults, from the repository root
/// (where `dist/` is); in hold mode (what arrives waits for staff) unless
/// `MAILSLOT_MODE` says otherwise.
fn serve(extra: &[String]) -> Result {
    let mode = env::var("MAILSLOT_MODE").unwrap_or_else(|_| "hold".into());
    eprintln!(
        "xtask: mode = {mode} (MAILSLOT_MODE=forward forwards at once); staff act on held cases with `mailslot case list|show|take-over|consult|close`"
    );
    run(cargo()
        .env("MAILSLOT_MODE", &mode)
        .args([
            "run",
            "--release",
            "--locked",
            "-p",
            "mailslot-backend",
            "--bin",
            "mailslot",
            "--",
        ])
        .arg("serve")
        .args(extra))
}

/// The version of `name` recorded in Cargo.lock.
fn locked_version(name: &str) -> Result<String> {
    let lock =
        fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{name} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').ok_or("malformed Cargo.lock")?;
    Ok(lock[start..start + end].to_owned())
}

// ---- corpus -------------------------------------------------------------

/// Builds (or reuses) the corpus and returns its directory.
fn corpus() -> Result<PathBuf> {
    let dir = root().join("target").join("corpus");
    let done = dir.join(".complete");
    if fs::read_to_string(&done).is_ok_and(|v| v == CORPUS_VERSION) {
        return Ok(dir);
    }
    let _ = fs::remove_dir_all(&dir);
    for sub in ["wheels", "unpacked", "real", "generated", "broken"] {
        fs::create_dir_all(dir.join(sub)).map_err(|e| format!("{}: {e}", dir.display()))?;
    }

    // Real files from the pydicom wheels.
    run(Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--quiet", "-d"])
        .arg(dir.join("wheels"))
        .args([PYDICOM, PYDICOM_DATA]))?;
    let wheels = fs::read_dir(dir.join("wheels")).map_err(|e| e.to_string())?;
    for wheel in wheels.filter_map(|e| e.ok()).map(|e| e.path()) {
        run(Command::new("python3")
            .args(["-m", "zipfile", "-e"])
            .arg(&wheel)
            .arg(dir.join("unpacked")))?;
    }
    let unpacked = dir.join("unpacked");
    copy_tree(
        &unpacked.join("pydicom/data/test_files"),
        &dir.join("real/pydicom"),
    )?;
    copy_tree(
        &unpacked.join("data_store/data"),
        &dir.join("real/pydicom-data"),
    )?;
    copy_tree(
        &unpacked.join("pydicom/data/charset_files"),
        &dir.join("real/pydicom-charsets"),
    )?;

    generate_variants(&dir)?;
    make_broken(&dir)?;
    fs::write(&done, CORPUS_VERSION).map_err(|e| e.to_string())?;
    eprintln!("xtask: corpus ready in {}", dir.display());
    Ok(dir)
}

fn copy_tree(from: &Path, to: &Path) -> Result {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            fs::copy(&path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Encodings and objects real CDs carry, made from real files with dcmtk
/// and gdcm. The file name says what the variant is.
fn generate_variants(dir: &Path) -> Result {
    let ct = dir.join("real/pydicom/CT_small.dcm");
    let mr = dir.join("real/pydicom/MR_small.dcm");
    let gen = dir.join("generated");
    let out = |name: &str| gen.join(name);
    run(Command::new("dcmconv")
        .arg("+td")
        .arg(&ct)
        .arg(out("ct_deflated.dcm")))?;
    run(Command::new("dcmconv")
        .arg("+tb")
        .arg(&ct)
        .arg(out("ct_big_endian.dcm")))?;
    run(Command::new("dcmconv")
        .arg("+ti")
        .arg(&mr)
        .arg(out("mr_implicit.dcm")))?;
    run(Command::new("dcmcjpeg")
        .arg(&ct)
        .arg(out("ct_jpeg_lossless.dcm")))?;
    run(Command::new("dcmcjpls").arg(&ct).arg(out("ct_jpeg_ls.dcm")))?;
    run(Command::new("dcmcrle").arg(&mr).arg(out("mr_rle.dcm")))?;
    run(Command::new("gdcmconv")
        .arg("--j2k")
        .arg(&ct)
        .arg(out("ct_j2k.dcm")))?;
    let pdf = gen.join("letter.pdf");
    fs::write(&pdf, MINIMAL_PDF).map_err(|e| e.to_string())?;
    run(Command::new("pdf2dcm")
        .arg(&pdf)
        .arg(out("encapsulated_pdf.dcm")))?;
    fs::remove_file(&pdf).map_err(|e| e.to_string())?;
    // File meta SOP Instance UID differs from the data set's (seen on real
    // CDs). dcmtk rewrites the meta group on save, so patch the bytes: the
    // first occurrence of the UID is in the meta group; keep its length.
    let mut bytes = fs::read(&ct).map_err(|e| e.to_string())?;
    let uid = CT_SMALL_SOP_INSTANCE_UID.as_bytes();
    let at = bytes
        .windows(uid.len())
        .position(|w| w == uid)
        .filter(|&at| at < 400)
        .ok_or("CT_small.dcm: SOP Instance UID not in the meta group")?;
    bytes[at + uid.len() - 1] = b'9';
    fs::write(out("ct_meta_mismatch.dcm"), bytes).map_err(|e| e.to_string())?;
    // No file meta group length (0002,0000), as some tools write: dcmtk and
    // Orthanc read such files (issue 14). dcmtk always writes the element,
    // so cut its 12 bytes out.
    let bytes = fs::read(&mr).map_err(|e| e.to_string())?;
    if bytes.get(132..140) != Some(&[0x02, 0x00, 0x00, 0x00, b'U', b'L', 4, 0][..]) {
        return Err("MR_small.dcm: no (0002,0000) UL after DICM".into());
    }
    let mut bare = bytes[..132].to_vec();
    bare.extend_from_slice(&bytes[144..]);
    fs::write(out("mr_no_meta_group_length.dcm"), bare).map_err(|e| e.to_string())?;
    // Zero bytes after the data set, as a real viewer's test volume has
    // them (~2.4 MB after Pixel Data): dcmtk and Orthanc read such files
    // (issue 14). An instance UID of its own, so that the PACS holds it as
    // an object of its own.
    let padded = out("mr_trailing_padding.dcm");
    fs::copy(&mr, &padded).map_err(|e| e.to_string())?;
    run(Command::new("dcmodify")
        .args(["-nb", "-m", "(0008,0018)=1.2.826.0.1.3680043.9.7.14.1"])
        .arg(&padded))?;
    let mut bytes = fs::read(&padded).map_err(|e| e.to_string())?;
    bytes.resize(bytes.len() + 2_400_000, 0);
    fs::write(&padded, bytes).map_err(|e| e.to_string())?;
    un_sequences(&mr, &out("mr_un_sequences.dcm"))?;
    // A Japanese name with a kanji of JIS X 0212 (ISO 2022 IR 159): 鷗 in
    // 森鷗外. The bytes are Python's "森^鷗外".encode("iso2022_jp_2").
    let jis = out("mr_jis_x_0212.dcm");
    fs::copy(&mr, &jis).map_err(|e| e.to_string())?;
    run(Command::new("dcmodify")
        .arg("-nb")
        .args([
            "-i",
            "(0008,0018)=1.2.826.0.1.3680043.9.7.14.3",
            "-i",
            "(0008,0005)=\\ISO 2022 IR 87\\ISO 2022 IR 159",
            "-i",
            "(0010,0010)=Mori^Ougai=\x1b$B?9\x1b(B^\x1b$(Dl?\x1b$B30\x1b(B",
        ])
        .arg(&jis))
}

/// A real MR slice with private sequences of VR UN and undefined length
/// (CP-246: their content is implicit VR little endian), one nested in an
/// item of an explicit SQ and one at the top level, before Pixel Data, and
/// an instance UID of its own. dicom-rs 0.10 cannot walk them; dcmtk reads
/// them (issue 14).
fn un_sequences(mr: &Path, out: &Path) -> Result {
    fs::copy(mr, out).map_err(|e| e.to_string())?;
    run(Command::new("dcmodify")
        .args(["-nb", "-m", "(0008,0018)=1.2.826.0.1.3680043.9.7.14.2"])
        .arg(out))?;
    let bytes = fs::read(out).map_err(|e| e.to_string())?;
    let pixel_data = [0xe0, 0x7f, 0x10, 0x00, b'O', b'W'];
    let at = bytes
        .windows(pixel_data.len())
        .rposition(|w| w == pixel_data)
        .ok_or("MR_small.dcm: no Pixel Data")?;
    // Implicit VR little endian: tag, 4-byte length, value.
    let implicit = |out: &mut Vec<u8>, g: u16, e: u16, value: &[u8]| {
        out.extend_from_slice(&g.to_le_bytes());
        out.extend_from_slice(&e.to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
    };
    const UNDEFINED: [u8; 4] = [0xff; 4];
    const ITEM: [u8; 4] = [0xfe, 0xff, 0x00, 0xe0];
    const ITEM_END: [u8; 8] = [0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0];
    const SEQ_END: [u8; 8] = [0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0];
    // The UN sequence's content: an item of undefined length holding a
    // UID and a nested sequence, then an item of defined length.
    let mut content = [&ITEM[..], &UNDEFINED].concat();
    implicit(&mut content, 0x0008, 0x1150, b"1.2.840.10008.5.1.4.1.1.4\0");
    content.extend_from_slice(&[0x29, 0x00, 0x40, 0x10]);
    content.extend_from_slice(&UNDEFINED);
    content.extend_from_slice(&[&ITEM[..], &UNDEFINED].concat());
    implicit(&mut content, 0x0029, 0x1041, b"nested  ");
    content.extend_from_slice(&ITEM_END);
    content.extend_from_slice(&SEQ_END);
    content.extend_from_slice(&ITEM_END);
    let mut small = Vec::new();
    implicit(&mut small, 0x0029, 0x1042, b"12");
    content.extend_from_slice(&ITEM);
    content.extend_from_slice(&(small.len() as u32).to_le_bytes());
    content.extend_from_slice(&small);
    content.extend_from_slice(&SEQ_END);
    let un = |tag: [u8; 4]| [&tag[..], b"UN\0\0", &UNDEFINED, &content].concat();
    // (0029,0010) LO creator; (0029,1010) SQ { item { (0029,1020) UN } };
    // (0029,1030) UN at the top level.
    let mut block = vec![0x29, 0x00, 0x10, 0x00, b'L', b'O', 14, 0];
    block.extend_from_slice(b"MAILSLOT TEST ");
    block.extend_from_slice(&[0x29, 0x00, 0x10, 0x10, b'S', b'Q', 0, 0]);
    block.extend_from_slice(&UNDEFINED);
    block.extend_from_slice(&[&ITEM[..], &UNDEFINED].concat());
    block.extend_from_slice(&un([0x29, 0x00, 0x20, 0x10]));
    block.extend_from_slice(&ITEM_END);
    block.extend_from_slice(&SEQ_END);
    block.extend_from_slice(&un([0x29, 0x00, 0x30, 0x10]));
    let file = [&bytes[..at], &block, &bytes[at..]].concat();
    fs::write(out, file).map_err(|e| e.to_string())
}

/// Files a sender's folder contains that are not images, and broken images.
fn make_broken(dir: &Path) -> Result {
    let ct_path = dir.join("real/pydicom/CT_small.dcm");
    let ct = fs::read(&ct_path).map_err(|e| e.to_string())?;
    let b = dir.join("broken");
    let write =
        |name: &str, bytes: &[u8]| fs::write(b.join(name), bytes).map_err(|e| e.to_string());
    write("truncated.dcm", &ct[..ct.len() * 6 / 10])?;
    // Other bytes after the data set (issue 14): refused as such, not as
    // `truncated`; Orthanc refuses the file too.
    write(
        "trailing_data.dcm",
        &[&ct[..], &[0u8; 64], b"not part of the image"].concat(),
    )?;
    let mut x: u32 = 0x1234_5678;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    write("random.bin", &random)?;
    write(
        "AUTORUN.INF",
        b"[autorun]\r\nopen=viewer\\viewer.exe\r\nicon=viewer\\cd.ico\r\n",
    )?;
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.resize(512, 0);
    write("VIEWER.EXE", &exe)?;
    write(
        "index.htm",
        b"<!DOCTYPE html><html><body>Viewer</body></html>",
    )?;
    let gz = Command::new("gzip")
        .args(["-c", "-n"])
        .arg(&ct_path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    write("ct_small.dcm.gz", &gz.stdout)?;
    for (name, tag) in [
        ("no_sop_instance_uid.dcm", "(0008,0018)"),
        ("no_study_uid.dcm", "(0020,000d)"),
    ] {
        write(name, &ct)?;
        run(Command::new("dcmodify")
            .args(["-nb", "-e", tag])
            .arg(b.join(name)))?;
    }
    let dicomdir = dir.join("real/pydicom/dicomdirtests/TINY_ALPHA/DICOMDIR");
    fs::copy(dicomdir, b.join("DICOMDIR")).map_err(|e| e.to_string())?;
    Ok(())
}

/// (0008,0018) of pydicom's CT_small.dcm.
const CT_SMALL_SOP_INSTANCE_UID: &str = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";

const MINIMAL_PDF: &[u8] = b"%PDF-1.1\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n\
2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n\
3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>> endobj\n\
trailer <</Root 1 0 R>>\n%%EOF\n";

// ---- test ---------------------------------------------------------------

/// The crates whose modules may not import each other in a loop.
const CRATES: &[&str] = &["shared", "sender", "backend", "frontend", "tests", "xtask"];

/// Fails naming every import loop of every crate (`cycles.rs`).
fn no_import_loops() -> Result {
    let mut found = Vec::new();
    for krate in CRATES {
        for lp in cycles::loops(&root().join(krate).join("src"))? {
            found.push(format!("{krate}: {}", lp.join(" -> ")));
        }
    }
    if found.is_empty() {
        eprintln!("xtask: no import loops in {}", CRATES.join(", "));
        return Ok(());
    }
    Err(format!(
        "import loops (a module imports, through these, one that imports it back):\n  {}",
        found.join("\n  ")
    ))
}

/// The modules of `tests/it` run a second time on PostgreSQL (test name
/// filters; why these in `test`).
const ON_POSTGRES: &[&str] = &[
    "api::",
    "cases::",
    "console::",
    "crafted::",
    "data_dir::",
    "desk::the_desk_",
    "forwarding::",
    "intake::",
    "keys::",
    "large_files::",
    "limits::",
    "lockout::",
    "made::",
    "notification::",
    "operations::",
    "recovery::",
    "retention::",
    "stow::",
];

fn test() -> Result {
    no_import_loops()?;
    let fuzz_seconds: u64 = env::var("MAILSLOT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    deps(fuzz_seconds > 0)?;
    let corpus = corpus()?;
    page()?;
    run(cargo()
        .args(["test", "--workspace", "--locked"])
        .env("MAILSLOT_CORPUS", &corpus))?;
    // The suite's servers on PostgreSQL instead of SQLite: the parts that
    // touch the state (the two-node test runs on it in the suite above).
    // Not `faults::`: the line, the PACS and the data disk failing do not
    // involve the database, and its full-disk test alone waits out five
    // minutes of `Retry-After` there.
    run(cargo()
        .args(["test", "--locked", "-p", "mailslot-tests", "--test", "it"])
        .arg("--")
        .args(ON_POSTGRES)
        .env("MAILSLOT_CORPUS", &corpus)
        .env("MAILSLOT_TEST_DATABASE", "postgres"))?;
    // The load test alone: it takes both cores for minutes.
    run(cargo()
        .args(["test", "--locked", "-p", "mailslot-tests", "--test", "it"])
        .args(["--", "--ignored", "load::"])
        .env("MAILSLOT_CORPUS", &corpus))?;
    // `shared`'s rules and envelope under wasm32 (Node), then the page's
    // scan, ZIP and WebCrypto code in headless Chromium.
    run(cargo().args([
        "test",
        "--locked",
        "-p",
        "mailslot-shared",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    run(cargo()
        .args([
            "test",
            "--locked",
            "-p",
            "mailslot-frontend",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "browser",
        ])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver"))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args([
        "clippy",
        "-p",
        "mailslot-frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args(["fmt", "--all", "--check"]))?;
    if fuzz_seconds > 0 {
        fuzz(fuzz_seconds)?;
    }
    Ok(())
}

// ---- fuzz ---------------------------------------------------------------

/// Small real DICOM files make far better fuzz seeds than anything we could
/// commit; they come from the test corpus (built on demand): files of
/// `folder` under `real/pydicom` up to `max_len` bytes.
fn seed_from_test_corpus(into: &Path, folder: &str, max_len: u64) -> Result {
    let real = corpus()?.join("real").join("pydicom").join(folder);
    let entries = fs::read_dir(&real).map_err(|e| format!("{}: {e}", real.display()))?;
    for entry in entries.filter_map(|e| e.ok()) {
        let small = entry
            .metadata()
            .is_ok_and(|m| m.is_file() && m.len() <= max_len);
        if small {
            fs::copy(entry.path(), into.join(entry.file_name())).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Builds every fuzz target and runs each for `seconds`. Uses the nightly
/// toolchain (with AddressSanitizer) when one is installed, else stable with
/// RUSTC_BOOTSTRAP and no sanitizer.
/// A target's own bounds on one input, beyond the run's: decoding a photo
/// (its seeds hold a JPEG of 200 scans and a PNG of 50 megapixels that
/// compresses to 55 KB) must stay within five seconds and the memory its
/// budget allows; a crash the fuzzer finds there is a real bug.
fn target_bounds(target: &str) -> &'static [&'static str] {
    match target {
        "letter_photo" => &["-timeout=5", "-malloc_limit_mb=768"],
        _ => &[],
    }
}

fn fuzz(seconds: u64) -> Result {
    let nightly =
        output(Command::new("rustup").args(["run", "nightly", "rustc", "--version"])).is_some();
    let fuzz_dir = root().join("fuzz");
    for target in FUZZ_TARGETS {
        let mut cmd = if nightly {
            let mut c = Command::new("rustup");
            c.args(["run", "nightly", "cargo", "fuzz", "run"]);
            c
        } else {
            // No nightly: stable with unstable flags allowed, and without
            // AddressSanitizer, whose runtime only nightly is sure to ship.
            let mut c = cargo();
            c.env("RUSTC_BOOTSTRAP", "1")
                .args(["fuzz", "run", "--sanitizer", "none"]);
            c
        };
        let corpus_dir = fuzz_dir.join("corpus").join(target);
        fs::create_dir_all(&corpus_dir).map_err(|e| e.to_string())?;
        match *target {
            "dicom_inspect" | "reconcile" => seed_from_test_corpus(&corpus_dir, "", 16 * 1024)?,
            "dicomdir" => seed_from_test_corpus(&corpus_dir, "dicomdirtests", 16 * 1024)?,
            _ => {}
        }
        run(cmd
            .current_dir(&fuzz_dir)
            .arg(target)
            .arg(&corpus_dir)
            .arg(fuzz_dir.join("seeds").join(target))
            .args([
                "--",
                &format!("-max_total_time={seconds}"),
                "-rss_limit_mb=2048",
            ])
            .args(target_bounds(target)))?;
    }
    Ok(())
}
