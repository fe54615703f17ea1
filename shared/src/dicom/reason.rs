//! Stable reason codes for rejected files and warnings on accepted ones,
//! each with a plain sentence in German and English.
//!
//! Codes are part of the API (kebab-case, never renamed); sentences name no
//! patient data, so they are safe for logs and error messages.

use serde::{Deserialize, Serialize};

/// A language the sentences exist in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// German.
    De,
    /// English.
    #[default]
    En,
}

macro_rules! codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $en:literal, $de:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )*
        }

        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable kebab-case code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            /// A plain sentence for the sender, naming no patient data.
            pub fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( ($name::$variant, Lang::En) => $en, ($name::$variant, Lang::De) => $de, )*
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

codes! {
    /// Why a file is not an image the hospital can receive.
    pub enum RejectCode {
        /// The file has no bytes.
        Empty = "empty",
            "The file is empty.",
            "Die Datei ist leer.";
        /// Larger than the configured maximum.
        TooLarge = "too-large",
            "The file is larger than the maximum size this service accepts.",
            "Die Datei ist größer, als dieser Dienst annimmt.";
        /// A program (Windows .exe, ELF …), such as the viewer on a CD.
        Program = "program",
            "This is a program (for example the image viewer on the CD), not an image. It is not needed.",
            "Dies ist ein Programm (zum Beispiel das Bildbetrachtungsprogramm der CD), kein Bild. Es wird nicht benötigt.";
        /// A DICOM file whose preamble starts like a program (Windows PE,
        /// ELF, Mach-O): a file that is both an image and an executable
        /// (the CVE-2019-11687 class).
        ExecutablePreamble = "executable-preamble",
            "This image is joined to a program (its first bytes would run on a computer). For safety such files are refused; please ask for a copy of the images without it.",
            "Dieses Bild ist mit einem Programm verbunden (seine ersten Bytes könnten auf einem Computer ausgeführt werden). Aus Sicherheitsgründen werden solche Dateien abgelehnt; bitte fragen Sie nach einer Kopie der Bilder ohne Programm.";
        /// A ZIP, gzip, 7-Zip or RAR archive.
        Archive = "archive",
            "This is a compressed archive. Choose it with “Choose ZIP file” so its contents can be checked.",
            "Dies ist ein komprimiertes Archiv. Wählen Sie es über „ZIP-Datei wählen“, damit sein Inhalt geprüft werden kann.";
        /// A PDF document.
        Pdf = "pdf",
            "This is a PDF document, not an image. Attach doctor's letters in the letters step.",
            "Dies ist ein PDF-Dokument, kein Bild. Arztbriefe können Sie im Schritt „Briefe“ anhängen.";
        /// Anything else that is not DICOM (HTML, text, AUTORUN.INF, JPEG …).
        NotDicom = "not-dicom",
            "This file is not a DICOM image.",
            "Diese Datei ist kein DICOM-Bild.";
        /// A DICOM data set without the 128-byte preamble and file meta group.
        MissingFileMeta = "missing-file-meta",
            "This is an old-style DICOM file without the standard file header. It cannot be accepted; please ask the sender for a standard DICOM CD.",
            "Dies ist eine DICOM-Datei im alten Format ohne Standard-Dateikopf. Sie kann nicht angenommen werden; bitte fordern Sie eine Standard-DICOM-CD an.";
        /// The file meta group does not parse or lacks a required element.
        BadFileMeta = "bad-file-meta",
            "The DICOM file header is damaged.",
            "Der DICOM-Dateikopf ist beschädigt.";
        /// The transfer syntax UID is not a known one.
        UnknownTransferSyntax = "unknown-transfer-syntax",
            "The image uses an unknown encoding (transfer syntax).",
            "Das Bild verwendet eine unbekannte Kodierung (Transfersyntax).";
        /// A known transfer syntax whose data set this build cannot read.
        UnsupportedTransferSyntax = "unsupported-transfer-syntax",
            "The image uses an encoding (transfer syntax) this service cannot read.",
            "Das Bild verwendet eine Kodierung (Transfersyntax), die dieser Dienst nicht lesen kann.";
        /// The data set does not parse.
        Malformed = "malformed",
            "The DICOM file is damaged and cannot be read.",
            "Die DICOM-Datei ist beschädigt und kann nicht gelesen werden.";
        /// The file ends before the data set does (cut short).
        Truncated = "truncated",
            "The file is incomplete (cut short), for example because copying it failed.",
            "Die Datei ist unvollständig (abgeschnitten), zum Beispiel weil das Kopieren fehlgeschlagen ist.";
        /// Bytes other than zeros after the end of the data set (PS3.5
        /// 7.1: its top-level elements ascend; a tag of zeros or one that
        /// does not ascend, after which nothing can be read, ends it).
        TrailingData = "trailing-data",
            "After the end of the image, the file holds other data that does not belong to it; the file was probably damaged when it was written or copied.",
            "Nach dem Ende des Bildes enthält die Datei weitere Daten, die nicht dazugehören; die Datei wurde vermutlich beim Schreiben oder Kopieren beschädigt.";
        /// A DICOMDIR: the CD's table of contents.
        Dicomdir = "dicomdir",
            "This is the CD's table of contents (DICOMDIR), not an image. It is used only to cross-check.",
            "Dies ist das Inhaltsverzeichnis der CD (DICOMDIR), kein Bild. Es dient nur zur Kontrolle.";
        /// A SOP class that is not a storage class (e.g. a query or print object).
        NotStorage = "not-storage",
            "This DICOM file is not an image or document that can be stored.",
            "Diese DICOM-Datei ist kein speicherbares Bild oder Dokument.";
        /// (0008,0016) SOP Class UID absent.
        MissingSopClassUid = "missing-sop-class-uid",
            "The image lacks its type identifier (SOP Class UID).",
            "Dem Bild fehlt seine Typkennung (SOP Class UID).";
        /// (0008,0018) SOP Instance UID absent.
        MissingSopInstanceUid = "missing-sop-instance-uid",
            "The image lacks its unique identifier (SOP Instance UID).",
            "Dem Bild fehlt seine eindeutige Kennung (SOP Instance UID).";
        /// (0020,000D) Study Instance UID absent.
        MissingStudyInstanceUid = "missing-study-instance-uid",
            "The image lacks the identifier of its study (Study Instance UID).",
            "Dem Bild fehlt die Kennung seiner Untersuchung (Study Instance UID).";
        /// (0020,000E) Series Instance UID absent.
        MissingSeriesInstanceUid = "missing-series-instance-uid",
            "The image lacks the identifier of its series (Series Instance UID).",
            "Dem Bild fehlt die Kennung seiner Serie (Series Instance UID).";
        /// (0008,0016) present but not a valid UID.
        InvalidSopClassUid = "invalid-sop-class-uid",
            "The image's type identifier (SOP Class UID) is invalid.",
            "Die Typkennung des Bildes (SOP Class UID) ist ungültig.";
        /// (0008,0018) present but not a valid UID.
        InvalidSopInstanceUid = "invalid-sop-instance-uid",
            "The image's unique identifier (SOP Instance UID) is invalid.",
            "Die eindeutige Kennung des Bildes (SOP Instance UID) ist ungültig.";
        /// (0020,000D) present but not a valid UID.
        InvalidStudyInstanceUid = "invalid-study-instance-uid",
            "The identifier of the image's study (Study Instance UID) is invalid.",
            "Die Kennung der Untersuchung (Study Instance UID) ist ungültig.";
        /// (0020,000E) present but not a valid UID.
        InvalidSeriesInstanceUid = "invalid-series-instance-uid",
            "The identifier of the image's series (Series Instance UID) is invalid.",
            "Die Kennung der Serie (Series Instance UID) ist ungültig.";
    }
}

codes! {
    /// Something unusual about a file that is accepted all the same.
    pub enum WarningCode {
        /// The file meta SOP UIDs differ from the data set's; the data set's win.
        MetaUidMismatch = "meta-uid-mismatch",
            "The file header and the image disagree about the image's identifiers; the image's own identifiers are used.",
            "Dateikopf und Bild nennen verschiedene Kennungen; die Kennungen des Bildes werden verwendet.";
        /// A SOP class outside the DICOM standard (a vendor's private class).
        PrivateSopClass = "private-sop-class",
            "The image uses a manufacturer-specific type; the receiving archive may not accept it.",
            "Das Bild verwendet einen herstellerspezifischen Typ; das Archiv nimmt ihn möglicherweise nicht an.";
        /// The file meta group has no group length (0002,0000); read
        /// element by element, as dcmtk and Orthanc do.
        NoMetaGroupLength = "no-meta-group-length",
            "The file's header lacks its length field; the image was read all the same.",
            "Im Dateikopf fehlt die Längenangabe; das Bild wurde trotzdem gelesen.";
        /// Zero bytes after the end of the data set (as some viewers
        /// write files); dcmtk reads such files, and the data set is whole.
        TrailingPadding = "trailing-padding",
            "The file ends with empty padding after the image; the image was read all the same.",
            "Die Datei endet nach dem Bild mit leeren Füllbytes; das Bild wurde trotzdem gelesen.";
        /// The Specific Character Set is unknown; text may display wrongly.
        UnknownCharacterSet = "unknown-character-set",
            "The image's text uses an unknown character set; names may display incorrectly.",
            "Der Text des Bildes verwendet einen unbekannten Zeichensatz; Namen werden eventuell falsch angezeigt.";
    }
}
