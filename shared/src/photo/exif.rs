//! A JPEG's segments before its first scan, and the EXIF orientation
//! among them.

/// Clockwise quarter turns from a JPEG's EXIF orientation (tag 0x0112 in
/// IFD0 of the first `APP1` "Exif" segment); 0 when there is none or it
/// cannot be read. Mirrored orientations are shown turned, not mirrored.
pub fn exif_quarter_turns(jpeg: &[u8]) -> u8 {
    match exif_orientation(jpeg) {
        Some(3 | 4) => 2,
        Some(5 | 6) => 1,
        Some(7 | 8) => 3,
        _ => 0,
    }
}

fn exif_orientation(jpeg: &[u8]) -> Option<u16> {
    let mut tiff = None;
    walk_segments(jpeg, |marker, segment| {
        if marker == 0xE1 {
            tiff = segment.get(4..).and_then(|b| b.strip_prefix(b"Exif\0\0"));
        }
        tiff.is_none()
    });
    tiff_orientation(tiff?)
}

/// Walks a JPEG's segments before its first scan, handing `visit` each
/// one's marker and whole bytes (marker and length included) for as long
/// as it answers `true`. Returns where the first scan starts; `None` if
/// `visit` stopped the walk, a segment runs past the end, or no marker
/// stands where one must.
pub(super) fn walk_segments<'a>(
    jpeg: &'a [u8],
    mut visit: impl FnMut(u8, &'a [u8]) -> bool,
) -> Option<usize> {
    if jpeg.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut at = 2;
    loop {
        let marker = jpeg.get(at..at + 4)?;
        if marker[0] != 0xFF {
            return None;
        }
        // Start of scan: no more metadata before the image data.
        if marker[1] == 0xDA {
            return Some(at);
        }
        let len = usize::from(u16::from_be_bytes([marker[2], marker[3]]));
        let segment = jpeg.get(at..(at + 2).checked_add(len)?)?;
        if !visit(marker[1], segment) {
            return None;
        }
        at += 2 + len;
    }
}

fn tiff_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    if u16_at(2)? != 42 {
        return None;
    }
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(ifd)?;
    for n in 0..usize::from(entries) {
        let entry = ifd.checked_add(2 + n * 12)?;
        // Tag 0x0112, type SHORT (3), count 1: the value in the first two
        // bytes of the value field.
        if u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3 {
            return u16_at(entry + 8);
        }
    }
    None
}
