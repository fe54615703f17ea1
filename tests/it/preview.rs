//! The desk's previews of the real corpus (no server): images in the
//! transfer syntaxes dicom-rs decodes become non-blank PNGs of the
//! expected size; the others are named, and nothing panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use mailslot_backend::preview::{placeholder, render, Preview, PreviewError};
use mailslot_tests::corpus;

fn real(name: &str) -> PathBuf {
    corpus().join("real/pydicom").join(name)
}

/// Width, height, samples per pixel and the pixels of a PNG.
fn decode(preview: &Preview) -> (u32, u32, usize, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(&preview.png))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG pixels");
    buf.truncate(info.buffer_size());
    (info.width, info.height, info.color_type.samples(), buf)
}

/// Renders `path` at 256 px and checks size, colour and that it shows
/// more than one level.
fn check(path: &Path, size: (u32, u32), samples: usize) {
    let preview = render(path, 256).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (w, h, s, pixels) = decode(&preview);
    assert_eq!((w, h, s), (size.0, size.1, samples), "{}", path.display());
    let mut levels = pixels.clone();
    levels.sort_unstable();
    levels.dedup();
    assert!(levels.len() > 1, "{}: blank", path.display());
}

#[test]
fn uncompressed_rle_and_jpeg_images_render_to_non_blank_previews() {
    // Uncompressed: explicit and implicit VR, big endian, deflated.
    check(&real("CT_small.dcm"), (128, 128), 1);
    check(&real("examples_overlay.dcm"), (256, 159), 1);
    check(&real("MR_small_bigendian.dcm"), (64, 64), 1);
    check(&corpus().join("generated/ct_deflated.dcm"), (128, 128), 1);
    check(&real("SC_ybr_full_422_uncompressed.dcm"), (100, 100), 3);
    // RLE Lossless, grey and colour; the first of two frames.
    check(&real("MR_small_RLE.dcm"), (64, 64), 1);
    check(&real("SC_rgb_rle_2frame.dcm"), (100, 100), 3);
    // JPEG baseline (YCbCr in the JPEG), and lossless.
    check(&real("SC_rgb_jpeg_dcmtk.dcm"), (100, 100), 3);
    check(&real("examples_ybr_color.dcm"), (256, 192), 3);
    check(
        &corpus().join("generated/ct_jpeg_lossless.dcm"),
        (128, 128),
        1,
    );
    // CP-246 sequences of VR UN, which dicom-parser alone reads wrongly.
    check(&corpus().join("generated/mr_un_sequences.dcm"), (64, 64), 1);
}

#[test]
fn the_same_pixels_look_the_same_whatever_the_encoding() {
    let plain = decode(&render(&real("MR_small.dcm"), 256).expect("plain"));
    for other in [
        "MR_small_RLE.dcm",
        "MR_small_bigendian.dcm",
        "MR_small_implicit.dcm",
    ] {
        assert_eq!(
            decode(&render(&real(other), 256).expect(other)),
            plain,
            "{other}"
        );
    }
}

#[test]
fn jpeg_ls_and_jpeg_2000_are_named_for_the_placeholder() {
    for (file, name) in [
        ("MR_small_jpeg_ls_lossless.dcm", "JPEG-LS"),
        ("MR_small_jp2klossless.dcm", "JPEG 2000"),
    ] {
        let err = render(&real(file), 256).expect_err(file);
        assert_eq!(err.code(), "preview-undecodable", "{file}");
        assert!(
            err.transfer_syntax().is_some_and(|n| n.contains(name)),
            "{file}: {err}"
        );
    }
    let (w, h, _, pixels) = decode(&placeholder(256));
    assert_eq!((w, h), (256, 256));
    assert!(pixels.iter().any(|&p| p != pixels[0]));
}

/// Every file of the corpus (broken ones too) gives a preview or a coded
/// error: nothing panics.
#[test]
fn every_corpus_file_renders_or_says_why() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("corpus").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for dir in ["real", "generated", "broken"] {
        walk(&corpus().join(dir), &mut files);
    }
    let (mut shown, mut refused) = (0, 0);
    for file in &files {
        match render(file, 256) {
            Ok(p) => {
                shown += 1;
                assert!(p.width <= 256 && p.height <= 256, "{}", file.display());
            }
            Err(e) => {
                refused += 1;
                assert!(
                    !matches!(e, PreviewError::Busy | PreviewError::Internal(_)),
                    "{}: {e}",
                    file.display()
                );
            }
        }
    }
    assert!(
        shown >= 40 && refused > 0,
        "{shown} shown, {refused} refused"
    );
}
