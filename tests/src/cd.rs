//! What senders send, built on disk: a CD of synthetic CT slices, a
//! patient CD as a practice burns it, a ZIP as a practice mails it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `n` extension-less CT images of `pixels` bytes of pixel data in
/// `studies` studies under `cd/DICOM/`, and a DICOMDIR (dcmmkdir) when
/// `dicomdir`. Returns the image files.
pub fn ct_cd(cd: &Path, n: usize, studies: usize, pixels: usize, dicomdir: bool) -> Vec<PathBuf> {
    let mut files = Vec::with_capacity(n);
    for i in 0..n {
        let s = i * studies / n + 1;
        let study = format!("1.2.826.0.1.3680043.9.7.12.{n}.{s}");
        let path = cd.join(format!("DICOM/ST{s:06}/IM{i:06}"));
        if i == 0 || (i * studies / n) != ((i - 1) * studies / n) {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        }
        let image = mailslot_shared::dicom::synth::ct_image(
            &format!("{study}.1.{i}"),
            &study,
            "MUSTER^ERIKA",
            pixels,
            0,
        );
        std::fs::write(&path, image).expect("write image");
        files.push(path);
    }
    if dicomdir {
        let out = Command::new("dcmmkdir")
            .current_dir(cd)
            .args(["+r", "+I", "-Pgp", "DICOM"])
            .output()
            .expect("dcmmkdir (dcmtk)");
        if !cd.join("DICOMDIR").is_file() {
            eprintln!("dcmmkdir: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    files
}

/// A folder laid out like a patient CD from a radiology practice: images
/// without extensions under `DICOM/` (one patient, re-labelled with
/// dcmodify, three studies), a DICOMDIR made by dcmmkdir for the images its
/// default profile takes, `AUTORUN.INF`, a viewer program and an HTML
/// start page. Returns the image files.
pub fn patient_cd(cd: &Path) -> Vec<PathBuf> {
    let real = crate::corpus().join("real/pydicom");
    let layout = [
        ("CT_small.dcm", "DICOM/ST000001/SE000001/IM000001"),
        ("MR_small.dcm", "DICOM/ST000001/SE000002/IM000001"),
        ("JPEG2000.dcm", "DICOM/ST000002/SE000001/IM000001"),
        ("JPGExtended.dcm", "DICOM/ST000002/SE000001/IM000002"),
    ];
    let mut images = Vec::new();
    for (src, dst) in layout {
        let to = cd.join(dst);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(real.join(src), &to).expect("copy corpus file");
        relabel(&to);
        images.push(to);
    }
    // The default profile (uncompressed CD-R) takes the two uncompressed
    // images and warns about the others: real CDs are often like that.
    let out = Command::new("dcmmkdir")
        .current_dir(cd)
        .args(["+r", "+I", "DICOM"])
        .output()
        .expect("dcmmkdir (dcmtk)");
    assert!(
        cd.join("DICOMDIR").is_file(),
        "dcmmkdir: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(
        cd.join("AUTORUN.INF"),
        "[autorun]\r\nopen=VIEWER\\VIEWER.EXE\r\nicon=VIEWER\\VIEWER.EXE\r\n",
    )
    .expect("autorun");
    std::fs::create_dir_all(cd.join("VIEWER")).expect("mkdir");
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(cd.join("VIEWER/VIEWER.EXE"), exe).expect("exe");
    std::fs::write(
        cd.join("INDEX.HTM"),
        "<html><body>Start VIEWER.EXE</body></html>\n",
    )
    .expect("html");
    images
}

/// Gives a copy of a corpus file the CD's patient (dcmodify).
fn relabel(file: &Path) {
    let out = Command::new("dcmodify")
        .args([
            "-nb",
            "-m",
            "(0010,0010)=MUSTERMANN^ERIKA",
            "-m",
            "(0010,0020)=PID-4711",
        ])
        .args(["-m", "(0010,0030)=19400312"])
        .arg(file)
        .output()
        .expect("dcmodify (dcmtk)");
    assert!(
        out.status.success(),
        "dcmodify: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A ZIP file as a practice might e-mail it, in `dir`: one more image of
/// the same patient (deflated) and a copy of `duplicate` (an image also on
/// the CD). Returns the archive and the new image's original file.
pub fn patient_zip(dir: &Path, duplicate: &Path) -> (PathBuf, PathBuf) {
    use std::io::Write;
    let image = dir.join("LEBER");
    std::fs::copy(
        crate::corpus().join("real/pydicom/liver_1frame.dcm"),
        &image,
    )
    .expect("copy");
    relabel(&image);
    let archive = dir.join("Bilder.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&archive).expect("create zip"));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("Bilder/LEBER", deflated).expect("zip");
    zip.write_all(&std::fs::read(&image).expect("read"))
        .expect("zip");
    zip.start_file("Bilder/KOPIE/IM000001", stored)
        .expect("zip");
    zip.write_all(&std::fs::read(duplicate).expect("read"))
        .expect("zip");
    zip.finish().expect("zip");
    (archive, image)
}
