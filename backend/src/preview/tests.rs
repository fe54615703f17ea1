//! Previews of images made here (the corpus's real files are in
//! `tests/it/preview.rs`).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mailslot_shared::dicom::synth::{element, EXPLICIT_VR_LITTLE_ENDIAN};

use super::*;

const SC: &str = "1.2.840.10008.5.1.4.1.1.7";
const JPEG_LS: &str = "1.2.840.10008.1.2.4.80";

/// An image: the elements between the UIDs and the pixel data.
struct Image {
    ts: &'static str,
    rows: u16,
    columns: u16,
    samples: u16,
    photometric: &'static str,
    planar: Option<u16>,
    bits: u16,
    signed: bool,
    window: Option<(&'static str, &'static str)>,
    rescale: Option<(&'static str, &'static str)>,
    pixels: Option<Vec<u8>>,
}

impl Image {
    fn grey16(rows: u16, columns: u16, value: impl Fn(u16, u16) -> u16) -> Image {
        let pixels = (0..rows)
            .flat_map(|y| (0..columns).map(move |x| (x, y)))
            .flat_map(|(x, y)| value(x, y).to_le_bytes())
            .collect();
        Image {
            ts: EXPLICIT_VR_LITTLE_ENDIAN,
            rows,
            columns,
            samples: 1,
            photometric: "MONOCHROME2",
            planar: None,
            bits: 16,
            signed: false,
            window: None,
            rescale: None,
            pixels: Some(pixels),
        }
    }

    fn file(&self) -> Vec<u8> {
        let mut meta = Vec::new();
        element(&mut meta, 0x0002, 0x0001, b"OB", &[0, 1]);
        element(&mut meta, 0x0002, 0x0002, b"UI", SC.as_bytes());
        element(&mut meta, 0x0002, 0x0003, b"UI", b"1.2.3.4");
        element(&mut meta, 0x0002, 0x0010, b"UI", self.ts.as_bytes());
        let mut out = vec![0u8; 128];
        out.extend_from_slice(b"DICM");
        element(
            &mut out,
            0x0002,
            0x0000,
            b"UL",
            &(meta.len() as u32).to_le_bytes(),
        );
        out.extend_from_slice(&meta);
        let us = |v: u16| v.to_le_bytes();
        element(&mut out, 0x0008, 0x0016, b"UI", SC.as_bytes());
        element(&mut out, 0x0008, 0x0018, b"UI", b"1.2.3.4");
        element(&mut out, 0x0020, 0x000D, b"UI", b"1.2.3");
        element(&mut out, 0x0020, 0x000E, b"UI", b"1.2.3.1");
        element(&mut out, 0x0028, 0x0002, b"US", &us(self.samples));
        element(&mut out, 0x0028, 0x0004, b"CS", self.photometric.as_bytes());
        if let Some(p) = self.planar {
            element(&mut out, 0x0028, 0x0006, b"US", &us(p));
        }
        element(&mut out, 0x0028, 0x0010, b"US", &us(self.rows));
        element(&mut out, 0x0028, 0x0011, b"US", &us(self.columns));
        element(&mut out, 0x0028, 0x0100, b"US", &us(self.bits));
        element(&mut out, 0x0028, 0x0101, b"US", &us(self.bits));
        element(&mut out, 0x0028, 0x0102, b"US", &us(self.bits - 1));
        element(&mut out, 0x0028, 0x0103, b"US", &us(u16::from(self.signed)));
        if let Some((center, width)) = self.window {
            element(&mut out, 0x0028, 0x1050, b"DS", center.as_bytes());
            element(&mut out, 0x0028, 0x1051, b"DS", width.as_bytes());
        }
        if let Some((intercept, slope)) = self.rescale {
            element(&mut out, 0x0028, 0x1052, b"DS", intercept.as_bytes());
            element(&mut out, 0x0028, 0x1053, b"DS", slope.as_bytes());
        }
        if let Some(pixels) = &self.pixels {
            let vr = if self.bits > 8 { b"OW" } else { b"OB" };
            element(&mut out, 0x7FE0, 0x0010, vr, pixels);
        }
        out
    }

    fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, self.file()).unwrap();
        path
    }
}

/// The PNG's size, colour type and pixels.
fn decode(preview: &Preview) -> (u32, u32, png::ColorType, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(&preview.png))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    assert_eq!((info.width, info.height), (preview.width, preview.height));
    (info.width, info.height, info.color_type, buf)
}

#[test]
fn a_native_image_is_reduced_to_the_long_side_and_shows_its_grey_levels() {
    let dir = tempfile::tempdir().unwrap();
    let path = Image::grey16(300, 512, |x, y| x * 4 + y).write(dir.path(), "a.dcm");
    let preview = render(&path, 256).unwrap();
    let (w, h, color, pixels) = decode(&preview);
    assert_eq!((w, h, color), (256, 150, png::ColorType::Grayscale));
    assert_eq!(pixels.iter().min(), Some(&0));
    assert_eq!(pixels.iter().max(), Some(&255));
    // Min–max over a left-to-right ramp: brighter to the right.
    assert!(pixels[10] < pixels[200]);
}

#[test]
fn a_small_image_is_not_enlarged() {
    let dir = tempfile::tempdir().unwrap();
    let path = Image::grey16(20, 30, |x, _| x).write(dir.path(), "a.dcm");
    let (w, h, ..) = decode(&render(&path, 256).unwrap());
    assert_eq!((w, h), (30, 20));
}

#[test]
fn the_first_window_is_applied_after_the_rescale() {
    let dir = tempfile::tempdir().unwrap();
    // Left third 0, middle 1040, right 2000; rescaled by -1024: -1024, 16,
    // 976; a window of 40 at 16 shows the middle mid-grey, the rest black
    // or white.
    let mut image = Image::grey16(6, 6, |x, _| [0, 0, 1040, 1040, 2000, 2000][x as usize]);
    image.rescale = Some(("-1024", "1"));
    image.window = Some(("16\\500", "40\\2000"));
    let path = image.write(dir.path(), "w.dcm");
    let (.., pixels) = decode(&render(&path, 256).unwrap());
    assert_eq!(pixels[0], 0);
    assert!((120..=135).contains(&pixels[2]), "{}", pixels[2]);
    assert_eq!(pixels[5], 255);
}

#[test]
fn monochrome1_is_inverted() {
    let dir = tempfile::tempdir().unwrap();
    let mut image = Image::grey16(4, 4, |x, _| if x < 2 { 0 } else { 1000 });
    let (.., normal) = decode(&render(&image.write(dir.path(), "2.dcm"), 256).unwrap());
    image.photometric = "MONOCHROME1";
    let (.., inverted) = decode(&render(&image.write(dir.path(), "1.dcm"), 256).unwrap());
    assert_eq!((normal[0], normal[3]), (0, 255));
    assert_eq!((inverted[0], inverted[3]), (255, 0));
}

#[test]
fn signed_pixels_are_read_with_their_sign() {
    let dir = tempfile::tempdir().unwrap();
    // -1 (0xFFFF) is the darkest, not the brightest.
    let mut image = Image::grey16(2, 3, |x, _| [0xFFFF, 0, 1][x as usize]);
    image.signed = true;
    let (.., pixels) = decode(&render(&image.write(dir.path(), "s.dcm"), 256).unwrap());
    assert_eq!(&pixels[..3], &[0, 128, 255]);
}

#[test]
fn colour_planes_become_rgb() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, columns) = (4u16, 4u16);
    let n = usize::from(rows * columns);
    // Planar: all red, then all green, then all blue samples.
    let mut pixels = vec![200u8; n];
    pixels.extend(vec![10u8; n]);
    pixels.extend(vec![60u8; n]);
    let image = Image {
        samples: 3,
        photometric: "RGB",
        planar: Some(1),
        bits: 8,
        pixels: Some(pixels),
        ..Image::grey16(rows, columns, |_, _| 0)
    };
    let (.., color, pixels) = decode(&render(&image.write(dir.path(), "c.dcm"), 256).unwrap());
    assert_eq!(color, png::ColorType::Rgb);
    assert_eq!(&pixels[..3], &[200, 10, 60]);
}

#[test]
fn an_undecodable_transfer_syntax_is_named_and_has_a_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    // Encapsulated: an empty offset table and one fragment.
    let mut pixels = Vec::new();
    for (tag, len) in [(0xE000u16, 0u32), (0xE000, 4)] {
        pixels.extend(0xFFFEu16.to_le_bytes());
        pixels.extend(tag.to_le_bytes());
        pixels.extend(len.to_le_bytes());
    }
    pixels.extend([0xFF, 0xD8, 0xFF, 0xD9]);
    pixels.extend([0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
    let image = Image {
        ts: JPEG_LS,
        pixels: None,
        ..Image::grey16(8, 8, |_, _| 0)
    };
    let mut file = image.file();
    file.extend([0xE0, 0x7F, 0x10, 0x00]);
    file.extend(b"OB\0\0");
    file.extend(0xFFFF_FFFFu32.to_le_bytes());
    file.extend(pixels);
    let path = dir.path().join("ls.dcm");
    std::fs::write(&path, file).unwrap();
    let err = render(&path, 256).unwrap_err();
    assert_eq!(err.code(), "preview-undecodable");
    assert!(err.transfer_syntax().unwrap().contains("JPEG-LS"), "{err}");
    let (w, h, _, pixels) = decode(&placeholder(64));
    assert_eq!((w, h), (64, 64));
    assert!(pixels.iter().any(|&p| p != pixels[0]));
}

#[test]
fn a_huge_header_is_refused_before_anything_is_allocated() {
    let dir = tempfile::tempdir().unwrap();
    // 65535 × 65535 × 16 bits claimed (8 GiB a frame), 8 bytes present.
    let image = Image {
        pixels: Some(vec![0; 8]),
        ..Image::grey16(1, 1, |_, _| 0)
    };
    let image = Image {
        rows: u16::MAX,
        columns: u16::MAX,
        ..image
    };
    let path = image.write(dir.path(), "huge.dcm");
    let header = Header::read(&path).unwrap();
    assert_eq!(header.cost(100, 256), Err(PreviewError::TooLarge));
    assert_eq!(render(&path, 256), Err(PreviewError::TooLarge));
}

#[test]
fn short_pixel_data_and_no_image_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let mut image = Image::grey16(8, 8, |x, y| x + y);
    image.pixels = Some(vec![1; 10]);
    let err = render(&image.write(dir.path(), "short.dcm"), 256).unwrap_err();
    assert_eq!(err.code(), "preview-broken");
    image.pixels = None;
    let path = dir.path().join("none.dcm");
    let mut file = image.file();
    // No Rows/Columns either: a file without an image.
    file.truncate(file.len() / 2);
    std::fs::write(&path, &file).unwrap();
    assert!(render(&path, 256).is_err());
    std::fs::write(&path, b"not dicom at all").unwrap();
    assert_eq!(render(&path, 256).unwrap_err().code(), "preview-broken");
}

#[test]
fn the_middle_instance_stands_for_its_series() {
    let m = |series, upload, instance| Member {
        series,
        upload,
        instance,
    };
    let chosen = series_previews([
        m("s1", "u3", Some(3)),
        m("s2", "v1", None),
        m("s1", "u1", Some(1)),
        m("s2", "v2", None),
        m("s1", "u2", Some(2)),
        m("s1", "u4", Some(4)),
        m("s3", "w1", None),
        m("s3", "w2", Some(7)),
    ]);
    let pairs: Vec<(&str, &str)> = chosen
        .iter()
        .map(|(s, u)| (s.as_str(), u.as_str()))
        .collect();
    assert_eq!(pairs, [("s1", "u2"), ("s2", "v1"), ("s3", "w2")]);
    assert!(series_previews([]).is_empty());
}

#[actix_web::test]
async fn previews_are_cached_privately_and_forgotten_with_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let object = Image::grey16(64, 64, |x, y| x * y).write(dir.path(), "o.dcm");
    let cache = cache_dir(dir.path());
    let previews =
        Previews::start(1, 64 * MIB, Duration::from_secs(5), Some(cache.clone())).unwrap();
    let first = previews
        .preview("abc123", object.clone(), 32)
        .await
        .unwrap();
    let file = cache.join("abc123").join("32.png");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    std::fs::remove_file(&object).unwrap();
    // The object is gone: the preview comes from the cache.
    assert_eq!(previews.preview("abc123", object, 32).await.unwrap(), first);
    forget(&cache, ["abc123", "never-rendered", "../x"]).unwrap();
    assert!(!cache.join("abc123").exists());
}

#[actix_web::test]
async fn a_render_larger_than_the_budget_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // 2048 × 2048 × 16 bits: 8 MiB a copy, more than a 4 MiB budget.
    let object = Image::grey16(2048, 2048, |x, _| x).write(dir.path(), "big.dcm");
    let previews = Previews::start(1, 4 * MIB, Duration::from_millis(100), None).unwrap();
    let err = previews.preview("big", object, 64).await.unwrap_err();
    assert_eq!(err, PreviewError::TooLarge);
}

#[actix_web::test]
async fn a_render_waits_for_the_budget_only_so_long() {
    let dir = tempfile::tempdir().unwrap();
    let object = Image::grey16(16, 16, |x, _| x).write(dir.path(), "o.dcm");
    let previews = Previews::start(2, 8 * MIB, Duration::from_millis(200), None).unwrap();
    let held = previews.budget.try_acquire_many(8).unwrap();
    let err = previews.preview("o", object.clone(), 64).await.unwrap_err();
    assert_eq!(err, PreviewError::Busy);
    drop(held);
    previews.preview("o", object, 64).await.unwrap();
    assert_eq!(previews.budget.available_permits(), 8);
}
