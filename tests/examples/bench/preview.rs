//! The desk's previews (issue 28): the server's render of one image's
//! first frame to a PNG of at most 256 px (`mailslot_backend::preview::render`,
//! on this thread, as a preview thread runs it) vs dcmtk's `dcmj2pnm`
//! making the same PNG from the same file (`+on +Sxv 256`: PNG, 256 px
//! wide; for the CT `+Wi 1`, its first window). Two files made here: a 512×512 CT
//! (16 bits signed, rescale and window, explicit VR little endian) and the
//! same picture as an 8-bit 512×512 RGB JPEG baseline (`dcmcjpeg +eb`).
//! Medians of `MAILSLOT_BENCH_PREVIEW_RUNS` runs (default 31) each, the
//! file cache warm. `dcmj2pnm` is a process per image, so its figure
//! includes starting it: its start alone (`dcmj2pnm --version`) is
//! reported too.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use mailslot_shared::dicom::synth::{element, file_head};
use serde_json::{json, Value};

use super::{machine, median};

const SIDE: u16 = 512;
const SC: &str = "1.2.840.10008.5.1.4.1.1.7";

/// Hounsfield units of a round phantom: air, a body of soft tissue with a
/// fine texture, a ring of bone.
fn hu(x: u16, y: u16) -> i16 {
    let (dx, dy) = (f32::from(x) - 256.0, f32::from(y) - 256.0);
    let r = (dx * dx + dy * dy).sqrt();
    let texture = ((x.wrapping_mul(31) ^ y.wrapping_mul(17)) % 40) as i16 - 20;
    match r {
        r if r > 220.0 => -1000,
        r if r > 200.0 => 1200 + texture,
        _ if (dx + 60.0).hypot(dy) < 40.0 => -800 + texture,
        _ => 40 + texture,
    }
}

fn ct(path: &Path) {
    let mut out = file_head("1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.9.7.28.1");
    let us = |v: u16| v.to_le_bytes();
    element(
        &mut out,
        0x0008,
        0x0016,
        b"UI",
        b"1.2.840.10008.5.1.4.1.1.2",
    );
    element(
        &mut out,
        0x0008,
        0x0018,
        b"UI",
        b"1.2.826.0.1.3680043.9.7.28.1",
    );
    element(&mut out, 0x0008, 0x0060, b"CS", b"CT");
    element(
        &mut out,
        0x0020,
        0x000D,
        b"UI",
        b"1.2.826.0.1.3680043.9.7.28",
    );
    element(
        &mut out,
        0x0020,
        0x000E,
        b"UI",
        b"1.2.826.0.1.3680043.9.7.28.2",
    );
    element(&mut out, 0x0028, 0x0002, b"US", &us(1));
    element(&mut out, 0x0028, 0x0004, b"CS", b"MONOCHROME2");
    element(&mut out, 0x0028, 0x0010, b"US", &us(SIDE));
    element(&mut out, 0x0028, 0x0011, b"US", &us(SIDE));
    element(&mut out, 0x0028, 0x0100, b"US", &us(16));
    element(&mut out, 0x0028, 0x0101, b"US", &us(16));
    element(&mut out, 0x0028, 0x0102, b"US", &us(15));
    element(&mut out, 0x0028, 0x0103, b"US", &us(1));
    element(&mut out, 0x0028, 0x1050, b"DS", b"40");
    element(&mut out, 0x0028, 0x1051, b"DS", b"400");
    element(&mut out, 0x0028, 0x1052, b"DS", b"-1024");
    element(&mut out, 0x0028, 0x1053, b"DS", b"1");
    let pixels: Vec<u8> = (0..SIDE)
        .flat_map(|y| (0..SIDE).map(move |x| (hu(x, y) + 1024).to_le_bytes()))
        .flatten()
        .collect();
    element(&mut out, 0x7FE0, 0x0010, b"OW", &pixels);
    std::fs::write(path, out).expect("write the CT");
}

/// The CT's picture, windowed, as 8-bit RGB, compressed by dcmcjpeg.
fn jpeg(dir: &Path) -> std::path::PathBuf {
    let raw = dir.join("rgb.dcm");
    let mut out = file_head(SC, "1.2.826.0.1.3680043.9.7.28.3");
    let us = |v: u16| v.to_le_bytes();
    element(&mut out, 0x0008, 0x0016, b"UI", SC.as_bytes());
    element(
        &mut out,
        0x0008,
        0x0018,
        b"UI",
        b"1.2.826.0.1.3680043.9.7.28.3",
    );
    element(
        &mut out,
        0x0020,
        0x000D,
        b"UI",
        b"1.2.826.0.1.3680043.9.7.28",
    );
    element(
        &mut out,
        0x0020,
        0x000E,
        b"UI",
        b"1.2.826.0.1.3680043.9.7.28.4",
    );
    element(&mut out, 0x0028, 0x0002, b"US", &us(3));
    element(&mut out, 0x0028, 0x0004, b"CS", b"RGB");
    element(&mut out, 0x0028, 0x0006, b"US", &us(0));
    element(&mut out, 0x0028, 0x0010, b"US", &us(SIDE));
    element(&mut out, 0x0028, 0x0011, b"US", &us(SIDE));
    element(&mut out, 0x0028, 0x0100, b"US", &us(8));
    element(&mut out, 0x0028, 0x0101, b"US", &us(8));
    element(&mut out, 0x0028, 0x0102, b"US", &us(7));
    element(&mut out, 0x0028, 0x0103, b"US", &us(0));
    let pixels: Vec<u8> = (0..SIDE)
        .flat_map(|y| (0..SIDE).map(move |x| (x, y)))
        .flat_map(|(x, y)| {
            let g = ((f32::from(hu(x, y)) + 160.0) * 255.0 / 400.0).clamp(0.0, 255.0) as u8;
            [g, g / 2 + (x % 128) as u8, 255 - g]
        })
        .collect();
    element(&mut out, 0x7FE0, 0x0010, b"OB", &pixels);
    std::fs::write(&raw, out).expect("write the RGB image");
    let jpeg = dir.join("jpeg.dcm");
    let status = Command::new("dcmcjpeg")
        .arg("+eb")
        .arg(&raw)
        .arg(&jpeg)
        .status()
        .expect("dcmcjpeg (dcmtk) is needed");
    assert!(status.success(), "dcmcjpeg failed");
    jpeg
}

/// Milliseconds of `f`, the median of `runs` runs after one warm-up.
fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    )
}

fn one(file: &Path, window: bool, dir: &Path, runs: usize) -> Value {
    let ours = time(runs, || {
        let p = mailslot_backend::preview::render(file, 256).expect("our preview");
        assert!(p.width == 256 && p.png.len() > 1000);
    });
    let png = dir.join("dcmtk.png");
    let dcmtk = time(runs, || {
        let out = Command::new("dcmj2pnm")
            .args(["+on", "+Sxv", "256"])
            .args(if window { &["+Wi", "1"][..] } else { &[] })
            .arg(file)
            .arg(&png)
            .output()
            .expect("dcmj2pnm (dcmtk) is needed");
        assert!(
            out.status.success(),
            "dcmj2pnm failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    json!({
        "ours_ms": ours,
        "dcmj2pnm_ms": dcmtk,
        "dcmj2pnm_over_ours": dcmtk / ours,
        "bytes": std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
    })
}

pub fn preview() -> Value {
    let runs = std::env::var("MAILSLOT_BENCH_PREVIEW_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(31);
    let dir = tempfile::tempdir().expect("tempdir");
    let ct_file = dir.path().join("ct.dcm");
    ct(&ct_file);
    let jpeg_file = jpeg(dir.path());
    let start = time(runs, || {
        Command::new("dcmj2pnm")
            .arg("--version")
            .output()
            .expect("dcmj2pnm");
    });
    json!({
        "machine": machine(),
        "runs": runs,
        "ct_512": one(&ct_file, true, dir.path(), runs),
        "jpeg_baseline_512": one(&jpeg_file, false, dir.path(), runs),
        "dcmj2pnm_start_ms": start,
        "targets_ms": { "ct_512": 100, "jpeg_baseline_512": 150 },
    })
}
