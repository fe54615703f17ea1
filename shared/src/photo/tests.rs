#![allow(clippy::unwrap_used, clippy::panic)]

use super::*;

/// SOI, an APP1 Exif segment with `orientation` in byte order `order`,
/// and SOS.
fn exif_jpeg(order: &[u8; 2], orientation: u16) -> Vec<u8> {
    let big = order == b"MM";
    let w16 = |v: u16| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w32 = |v: u32| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut tiff = order.to_vec();
    tiff.extend(w16(42));
    tiff.extend(w32(8));
    tiff.extend(w16(2));
    // An unrelated tag first (ImageWidth, LONG).
    tiff.extend(w16(0x0100));
    tiff.extend(w16(4));
    tiff.extend(w32(1));
    tiff.extend(w32(640));
    tiff.extend(w16(0x0112));
    tiff.extend(w16(3));
    tiff.extend(w32(1));
    tiff.extend(w16(orientation));
    tiff.extend([0, 0]);
    let mut body = b"Exif\0\0".to_vec();
    body.extend(tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xE1];
    out.extend(((body.len() + 2) as u16).to_be_bytes());
    out.extend(body);
    out.extend([0xFF, 0xDA, 0, 2]);
    out
}

/// Grey pixels, `w`×`h`: black left of the middle, white right of it.
fn halves(w: u16, h: u16) -> Vec<u8> {
    (0..h)
        .flat_map(|_| (0..w).map(move |x| if x < w / 2 { 0 } else { 255 }))
        .collect()
}

/// A grey JPEG, progressive with `scans` scans if given, with an EXIF
/// segment (a GPS tag's bytes inside) and a comment.
fn jpeg(w: u16, h: u16, progressive: Option<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    if let Some(scans) = progressive {
        enc.set_progressive(true);
        enc.set_progressive_scans(scans);
    }
    enc.add_app_segment(
        1,
        b"Exif\0\0MM\0\x2a\0\0\0\x08GPSLatitude 52.5N serial 0815",
    )
    .unwrap();
    enc.add_app_segment(13, b"Photoshop 3.0\0IPTC by-line: Dr. X")
        .unwrap();
    enc.encode(&halves(w, h), w, h, jpeg_encoder::ColorType::Luma)
        .unwrap();
    out
}

/// Where each segment with `marker` starts.
fn segments(jpeg: &[u8], marker: u8) -> Vec<usize> {
    (0..jpeg.len().saturating_sub(1))
        .filter(|&i| jpeg[i] == 0xFF && jpeg[i + 1] == marker)
        .collect()
}

/// A progressive JPEG whose last scan is repeated until it has `scans`.
fn scan_bomb(scans: usize) -> Vec<u8> {
    let base = jpeg(64, 64, Some(2));
    let sos = segments(&base, 0xDA);
    let last = *sos.last().unwrap();
    let eoi = base.len() - 2;
    let mut out = base[..eoi].to_vec();
    for _ in sos.len()..scans {
        out.extend_from_slice(&base[last..eoi]);
    }
    out.extend_from_slice(&base[eoi..]);
    out
}

/// A grey PNG of `w`×`h` pixels, all white: a few kilobytes at most.
fn white_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Best);
    let mut header = enc.write_header().unwrap();
    let mut writer = header.stream_writer().unwrap();
    let row = vec![255u8; w as usize];
    for _ in 0..h {
        std::io::Write::write_all(&mut writer, &row).unwrap();
    }
    writer.finish().unwrap();
    drop(header);
    out
}

#[test]
fn exif_orientation_in_either_byte_order() {
    for order in [b"II", b"MM"] {
        assert_eq!(exif_quarter_turns(&exif_jpeg(order, 1)), 0);
        assert_eq!(exif_quarter_turns(&exif_jpeg(order, 6)), 1);
        assert_eq!(exif_quarter_turns(&exif_jpeg(order, 3)), 2);
        assert_eq!(exif_quarter_turns(&exif_jpeg(order, 8)), 3);
    }
}

#[test]
fn a_cut_exif_segment_means_no_orientation() {
    let whole = exif_jpeg(b"II", 6);
    for cut in 0..whole.len() - 4 {
        assert_eq!(exif_quarter_turns(&whole[..cut]), 0, "cut at {cut}");
    }
    // A segment length that points past the end.
    let mut long = whole.clone();
    long[13] = 0xFF;
    assert_eq!(exif_quarter_turns(&long), 0);
}

#[test]
fn garbage_is_unreadable_not_a_panic() {
    for kind in [LetterKind::Jpeg, LetterKind::Png] {
        assert_eq!(decode(kind, b""), Err(PhotoError::Unreadable));
        assert_eq!(decode(kind, &[0xFF; 64]), Err(PhotoError::Unreadable));
        assert_eq!(cost(kind, &[0xFF; 64]), Err(PhotoError::Unreadable));
    }
    assert_eq!(
        decode(LetterKind::Pdf, b"%PDF-1.7"),
        Err(PhotoError::Unreadable)
    );
}

/// Regression (issue 26, H2): a progressive JPEG of a thousand scans
/// took 12 s of CPU to decode; its structure now refuses it unread.
#[test]
fn a_jpeg_of_too_many_scans_is_refused_before_decoding() {
    let fine = scan_bomb(MAX_SCANS as usize);
    assert_eq!(jpeg_structure(&fine).unwrap().scans, MAX_SCANS);
    assert!(cost(LetterKind::Jpeg, &fine).is_ok());
    let bomb = scan_bomb(1000);
    assert_eq!(cost(LetterKind::Jpeg, &bomb), Err(PhotoError::Unreadable));
    let started = std::time::Instant::now();
    assert_eq!(decode(LetterKind::Jpeg, &bomb), Err(PhotoError::Unreadable));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

#[test]
fn a_large_progressive_jpeg_is_refused_by_its_header() {
    // SOI, SOF2 of 5000 × 4000 with one component, no scan needed.
    let mut header = vec![0xFF, 0xD8, 0xFF, 0xC2, 0, 11, 8];
    header.extend(4000u16.to_be_bytes());
    header.extend(5000u16.to_be_bytes());
    header.extend([1, 1, 0x11, 0]);
    assert_eq!(cost(LetterKind::Jpeg, &header), Err(PhotoError::TooLarge));
    // The same as a baseline frame is within bounds, but has no scan.
    header[3] = 0xC0;
    assert_eq!(cost(LetterKind::Jpeg, &header), Err(PhotoError::Unreadable));
}

/// Regression (issue 26, H1 and M5): a PNG of 50 megapixels that
/// compresses to a few kilobytes became a PDF page of 150 MB, decoded
/// whole; it is now read a row at a time and reduced to the page.
#[test]
fn a_compressible_png_of_many_pixels_becomes_a_page_sized_picture() {
    let png = white_png(10_000, 5_000);
    assert!(png.len() < 200_000, "{}", png.len());
    let cost = cost(LetterKind::Png, &png).unwrap();
    assert!(cost < 200 * 1024 * 1024, "{cost}");
    let photo = decode(LetterKind::Png, &png).unwrap();
    assert_eq!((photo.width, photo.height), (10_000 / 4, 5_000 / 4));
    assert!(photo.width.max(photo.height) <= PAGE_LONG);
    assert!(photo.width.min(photo.height) <= PAGE_SHORT);
    let Pixels::Raw(raw) = &photo.pixels else {
        panic!("a PNG is decoded");
    };
    assert_eq!(raw.len(), 2500 * 1250);
    assert!(raw.iter().all(|&v| v == 255));
}

#[test]
fn a_jpeg_larger_than_the_page_is_reduced_and_one_that_fits_is_kept_without_metadata() {
    let large = jpeg(4000, 200, None);
    let photo = decode(LetterKind::Jpeg, &large).unwrap();
    assert!(photo.width <= PAGE_LONG && photo.height <= PAGE_SHORT);
    let Pixels::Raw(raw) = &photo.pixels else {
        panic!("reduced pixels");
    };
    // Black on the left, white on the right, as in the original.
    let w = photo.width as usize;
    assert!(raw[..w / 4].iter().all(|&v| v < 40), "{:?}", &raw[..8]);
    assert!(raw[3 * w / 4..w].iter().all(|&v| v > 215));

    let fits = jpeg(300, 200, Some(4));
    let photo = decode(LetterKind::Jpeg, &fits).unwrap();
    assert_eq!((photo.width, photo.height), (300, 200));
    let Pixels::Jpeg(kept) = &photo.pixels else {
        panic!("kept as it is");
    };
    let has = |b: &[u8], s: &[u8]| b.windows(s.len()).any(|w| w == s);
    assert!(has(&fits, b"GPSLatitude") && has(&fits, b"IPTC"));
    assert!(!has(kept, b"GPSLatitude") && !has(kept, b"Exif") && !has(kept, b"IPTC"));
    // Every scan is still there, and the result decodes to the same.
    assert_eq!(segments(kept, 0xDA).len(), segments(&fits, 0xDA).len());
    let mut d = jpeg_decoder::Decoder::new(&kept[..]);
    let pixels = d.decode().unwrap();
    let mut o = jpeg_decoder::Decoder::new(&fits[..]);
    assert_eq!(pixels, o.decode().unwrap());
}

#[test]
fn stripping_keeps_jfif_and_drops_what_follows_the_image() {
    let mut j = jpeg(16, 16, None);
    assert!(j.starts_with(&[0xFF, 0xD8, 0xFF, 0xE0]));
    j.extend_from_slice(b"hidden after the end");
    let kept = strip_jpeg_metadata(&j).unwrap();
    assert!(kept.starts_with(&[0xFF, 0xD8, 0xFF, 0xE0]));
    assert!(kept.ends_with(&[0xFF, 0xD9]));
    assert_eq!(strip_jpeg_metadata(b"\xFF\xD8\xFF"), None);
}

#[test]
fn shrinking_averages_each_box_and_the_edges() {
    // 5 × 3 grey, factor 2 → 3 × 2.
    let mut s = Shrink {
        width: 5,
        height: 3,
        per: 1,
        factor: 2,
        out_width: 3,
        sums: vec![0; 3],
        rows_in: 0,
        out: Vec::new(),
    };
    s.push(&[0, 100, 200, 200, 50]);
    s.push(&[100, 200, 0, 0, 150]);
    s.push(&[10, 30, 90, 90, 7]);
    let photo = s.finish(PhotoColor::Gray, 0).unwrap();
    assert_eq!((photo.width, photo.height), (3, 2));
    assert_eq!(photo.pixels, Pixels::Raw(vec![100, 100, 100, 20, 90, 7]));
}

/// A PNG cut after its last row (its checksums and IEND missing) was
/// taken whole once rows were read one at a time.
#[test]
fn a_png_cut_after_its_rows_is_unreadable() {
    let whole = white_png(40, 60);
    for cut in [whole.len() - 12, whole.len() - 20] {
        assert_eq!(
            decode(LetterKind::Png, &whole[..cut]),
            Err(PhotoError::Unreadable),
            "cut at {cut}"
        );
    }
    assert!(decode(LetterKind::Png, &whole).is_ok());
}
