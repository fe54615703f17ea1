//! A photo of a letter on arbitrary bytes, as JPEG and as PNG: never
//! panics; what the header check ([`cost`]) lets through is bounded, and
//! what [`decode`] returns is consistent (raw pixels exactly width ×
//! height × components and no larger than the page, a kept JPEG only for
//! a JPEG, a quarter turn count below four). The run's `-timeout` and
//! `-rss_limit_mb` (see `cargo xtask fuzz`) hold decoding to its bounds in
//! time and memory; the seeds include a scan bomb and a compressible PNG.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailslot_shared::letter::LetterKind;
use mailslot_shared::photo::{
    cost, decode, exif_quarter_turns, strip_jpeg_metadata, Pixels, PAGE_LONG, PAGE_SHORT,
};

fuzz_target!(|data: &[u8]| {
    assert!(exif_quarter_turns(data) < 4);
    if let Some(stripped) = strip_jpeg_metadata(data) {
        assert!(stripped.len() <= data.len());
    }
    for kind in [LetterKind::Jpeg, LetterKind::Png] {
        let estimate = cost(kind, data);
        if let Ok(bytes) = estimate {
            assert!(bytes < 1 << 30, "{bytes}");
        }
        let Ok(photo) = decode(kind, data) else {
            continue;
        };
        assert!(estimate.is_ok(), "decoded what the header check refused");
        assert!(photo.width > 0 && photo.height > 0);
        assert!(photo.quarter_turns < 4);
        match photo.pixels {
            Pixels::Raw(raw) => {
                assert!(photo.width.max(photo.height) <= PAGE_LONG);
                assert!(photo.width.min(photo.height) <= PAGE_SHORT);
                let n = u64::from(photo.width) * u64::from(photo.height);
                assert_eq!(raw.len() as u64, n * photo.color.components() as u64);
            }
            Pixels::Jpeg(j) => {
                assert_eq!(kind, LetterKind::Jpeg);
                assert!(j.starts_with(&[0xFF, 0xD8]) && j.len() <= data.len());
            }
        }
    }
});
