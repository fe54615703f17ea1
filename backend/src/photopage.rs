//! A photo of a letter (JPEG, PNG) on one A4 page of PDF, so that it
//! travels on like every PDF letter (an Encapsulated PDF in the study, a
//! file in the inbox). Decoding and its bounds are in
//! [`mailslot_shared::photo`]; here the picture is only placed: upright
//! (EXIF orientation), as large as fits with 10 mm margins, portrait or
//! landscape as the picture is. A JPEG's own bytes are embedded
//! (`DCTDecode`), so nothing is re-encoded; a PNG's pixels are compressed
//! losslessly.

use std::sync::Mutex;

use mailslot_shared::letter::{LetterKind, MAX_PHOTO_BYTES};
use mailslot_shared::photo::{self, Photo, PhotoColor, PhotoError, Pixels};
use printpdf::{
    ColorBits, ColorSpace, Image, ImageFilter, ImageRotation, ImageTransform, ImageXObject, Mm,
    PdfDocument, Px,
};

/// One photo decoded at a time: a decoded photo may take 200 MB
/// ([`photo::MAX_PIXELS`]), so concurrent uploads queue here instead of
/// adding up.
static DECODING: Mutex<()> = Mutex::new(());

/// Why a photo did not become a page; [`code`](Self::code) is the
/// upload's refusal reason.
#[derive(Debug, thiserror::Error)]
pub enum PhotoPageError {
    /// The picture itself is refused.
    #[error(transparent)]
    Photo(#[from] PhotoError),
    /// The file is larger than [`MAX_PHOTO_BYTES`] (it is read whole).
    #[error("the photo file is larger than accepted")]
    FileTooLarge,
    /// Making the PDF failed (an internal error).
    #[error("cannot make the page: {0}")]
    Pdf(String),
}

impl PhotoPageError {
    /// Stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoPageError::Photo(e) => e.code(),
            PhotoPageError::FileTooLarge => PhotoError::TooLarge.code(),
            PhotoPageError::Pdf(_) => "photo-page-failed",
        }
    }
}

/// A4 in millimetres, and the margin kept free around the picture.
const A4: (f32, f32) = (210.0, 297.0);
const MARGIN: f32 = 10.0;

/// The one-page PDF showing the photo in `bytes` (a `kind` JPEG or PNG).
pub fn photo_pdf(kind: LetterKind, bytes: &[u8]) -> Result<Vec<u8>, PhotoPageError> {
    if bytes.len() as u64 > MAX_PHOTO_BYTES {
        return Err(PhotoPageError::FileTooLarge);
    }
    let photo = {
        let _one_at_a_time = DECODING.lock().unwrap_or_else(|p| p.into_inner());
        photo::decode(kind, bytes)?
    };
    place(&photo, bytes)
}

fn place(photo: &Photo, original: &[u8]) -> Result<Vec<u8>, PhotoPageError> {
    let err = |e: printpdf::Error| PhotoPageError::Pdf(e.to_string());
    let turned = photo.quarter_turns % 2 == 1;
    // Width and height as shown, in pixels.
    let (shown_w, shown_h) = if turned {
        (photo.height, photo.width)
    } else {
        (photo.width, photo.height)
    };
    let (page_w, page_h) = if shown_w > shown_h { (A4.1, A4.0) } else { A4 };
    // Pixels per inch that make the shown picture fit inside the margins.
    let inch = |mm: f32| (mm - 2.0 * MARGIN) / 25.4;
    let dpi = (shown_w as f32 / inch(page_w)).max(shown_h as f32 / inch(page_h));
    let (doc, page, layer) = PdfDocument::new("Brief / Letter", Mm(page_w), Mm(page_h), "photo");
    let layer = doc.get_page(page).get_layer(layer);
    let image = ImageXObject {
        width: Px(photo.width as usize),
        height: Px(photo.height as usize),
        color_space: match photo.color {
            PhotoColor::Gray => ColorSpace::Greyscale,
            PhotoColor::Rgb => ColorSpace::Rgb,
        },
        bits_per_component: ColorBits::Bit8,
        interpolate: true,
        image_data: match &photo.pixels {
            Pixels::Original => original.to_vec(),
            Pixels::Raw(raw) => raw.clone(),
        },
        image_filter: match photo.pixels {
            Pixels::Original => Some(ImageFilter::DCT),
            Pixels::Raw(_) => None,
        },
        smask: None,
        clipping_bbox: None,
    };
    // The stored picture's size on the page; it is turned about its own
    // centre, then that centre is moved to the page's centre.
    let to_mm = |px: u32| px as f32 / dpi * 25.4;
    let (w, h) = (to_mm(photo.width), to_mm(photo.height));
    Image::from(image).add_to_layer(
        layer,
        ImageTransform {
            translate_x: Some(Mm((page_w - w) / 2.0)),
            translate_y: Some(Mm((page_h - h) / 2.0)),
            rotate: (!photo.quarter_turns.is_multiple_of(4)).then(|| ImageRotation {
                angle_ccw_degrees: -90.0 * f32::from(photo.quarter_turns % 4),
                rotation_center_x: Px(photo.width as usize / 2),
                rotation_center_y: Px(photo.height as usize / 2),
            }),
            scale_x: None,
            scale_y: None,
            dpi: Some(dpi),
        },
    );
    doc.save_to_bytes().map_err(err)
}

/// Test pictures: a JPEG or PNG whose left half is black and right half
/// white, optionally with an EXIF orientation.
#[cfg(any(test, feature = "test-pictures"))]
#[allow(clippy::unwrap_used)]
pub mod pictures {
    /// Grey pixels, `w`×`h`, black left of the middle.
    fn halves(w: u16, h: u16) -> Vec<u8> {
        (0..h)
            .flat_map(|_| (0..w).map(move |x| if x < w / 2 { 0 } else { 255 }))
            .collect()
    }

    /// A JPEG, with EXIF orientation `orientation` if given.
    pub fn jpeg(w: u16, h: u16, orientation: Option<u16>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        if let Some(o) = orientation {
            // TIFF, little-endian, IFD0 with one entry: Orientation.
            let mut exif = b"Exif\0\0II\x2a\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
            exif.extend(o.to_le_bytes());
            exif.extend([0, 0, 0, 0, 0, 0]);
            enc.add_app_segment(1, &exif).unwrap();
        }
        enc.encode(&halves(w, h), w, h, jpeg_encoder::ColorType::Luma)
            .unwrap();
        out
    }

    /// A PNG with an alpha channel (fully opaque).
    pub fn png(w: u16, h: u16) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, u32::from(w), u32::from(h));
        enc.set_color(png::ColorType::GrayscaleAlpha);
        enc.set_depth(png::BitDepth::Eight);
        let pixels: Vec<u8> = halves(w, h).into_iter().flat_map(|v| [v, 255]).collect();
        enc.write_header()
            .unwrap()
            .write_image_data(&pixels)
            .unwrap();
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn media_box(pdf: &[u8]) -> String {
        let text = String::from_utf8_lossy(pdf);
        let at = text.find("/MediaBox").unwrap();
        text[at..at + 40].split(']').next().unwrap().to_owned()
    }

    #[test]
    fn a_jpeg_is_embedded_as_it_is_on_a_page_of_its_orientation() {
        let landscape = pictures::jpeg(200, 100, None);
        let pdf = photo_pdf(LetterKind::Jpeg, &landscape).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.windows(9).any(|w| w == b"DCTDecode"));
        assert!(pdf.windows(landscape.len()).any(|w| w == &landscape[..]));
        assert!(media_box(&pdf).contains("841.8"), "{}", media_box(&pdf));
        // Stored sideways, shown upright: a portrait page.
        let turned = pictures::jpeg(200, 100, Some(6));
        let pdf = photo_pdf(LetterKind::Jpeg, &turned).unwrap();
        assert!(media_box(&pdf).contains("595.2"), "{}", media_box(&pdf));
        assert!(!media_box(&pdf).contains("0 841.8"), "{}", media_box(&pdf));
    }

    #[test]
    fn a_png_with_alpha_becomes_a_page() {
        let pdf = photo_pdf(LetterKind::Png, &pictures::png(100, 140)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(!pdf.windows(9).any(|w| w == b"DCTDecode"));
    }

    #[test]
    fn a_cut_photo_is_unreadable() {
        let whole = pictures::png(100, 140);
        let err = photo_pdf(LetterKind::Png, &whole[..whole.len() / 2]).unwrap_err();
        assert_eq!(err.code(), "letter-unreadable");
    }

    #[test]
    fn a_photo_too_large_to_read_whole_is_refused_before_decoding() {
        let big = vec![0u8; MAX_PHOTO_BYTES as usize + 1];
        let err = photo_pdf(LetterKind::Jpeg, &big).unwrap_err();
        assert_eq!(err.code(), "letter-too-large");
    }
}
