//! A photo of a letter on arbitrary bytes, decoded as JPEG and as PNG:
//! never panics, never allocates beyond the pixel bound, and what it
//! returns is consistent (raw pixels exactly width × height × components,
//! within `MAX_PIXELS`, a quarter turn count below four).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailslot_shared::letter::LetterKind;
use mailslot_shared::photo::{decode, exif_quarter_turns, PhotoColor, Pixels, MAX_PIXELS};

fuzz_target!(|data: &[u8]| {
    assert!(exif_quarter_turns(data) < 4);
    for kind in [LetterKind::Jpeg, LetterKind::Png] {
        let Ok(photo) = decode(kind, data) else {
            continue;
        };
        let pixels = u64::from(photo.width) * u64::from(photo.height);
        assert!(pixels > 0 && pixels <= MAX_PIXELS);
        assert!(photo.quarter_turns < 4);
        let per = match photo.color {
            PhotoColor::Gray => 1,
            PhotoColor::Rgb => 3,
        };
        match photo.pixels {
            Pixels::Raw(raw) => assert_eq!(raw.len() as u64, pixels * per),
            Pixels::Original => assert_eq!(kind, LetterKind::Jpeg),
        }
    }
});
