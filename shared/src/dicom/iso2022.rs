//! ISO 2022 code extensions in text values (PS3.5 §6.1.2.5), which
//! dicom-rs 0.10 leaves undecoded: a value such as
//! `Yamada^Tarou=ESC$B;3ED ESC(B^…` keeps its escape sequences, and the
//! bytes after each escape arrive as U+0000–U+00FF characters.
//!
//! [`decode_extensions`] splits a value at its escape sequences and decodes
//! each run with the character set the escape designates. Runs whose set is
//! unknown are kept as they came.

use encoding_rs::{
    Encoding, EUC_JP, EUC_KR, GBK, ISO_2022_JP, ISO_8859_5, ISO_8859_6, ISO_8859_7, ISO_8859_8,
    WINDOWS_1254,
};

const ESC: char = '\u{1b}';

/// What an escape sequence designates.
#[derive(Clone, Copy)]
enum Set {
    /// ASCII or JIS X 0201 Roman: the text is already right.
    Plain,
    /// JIS X 0201 Katakana in G1: bytes 0xA1–0xDF are half-width katakana.
    Katakana,
    /// JIS X 0208 in G0: 7-bit byte pairs, decoded as ISO-2022-JP.
    Jis0208,
    /// JIS X 0212 in G0 (ISO 2022 IR 159, supplementary kanji used in
    /// names such as 鷗): 7-bit byte pairs, decoded as EUC-JP's
    /// three-byte form (0x8F, then each byte with its high bit set).
    Jis0212,
    /// A multi-byte or 8-bit set whose high bytes a WHATWG encoding decodes.
    HighBytes(&'static Encoding),
    /// ISO 8859-1 in G1: bytes are code points.
    Latin1,
}

/// The escape sequences PS3.3 Table C.12-3/C.12-4 define, and their sets.
const ESCAPES: &[(&str, Set)] = &[
    ("(B", Set::Plain),
    ("(J", Set::Plain),
    (")I", Set::Katakana),
    ("$B", Set::Jis0208),
    ("$(D", Set::Jis0212),
    ("$)C", Set::HighBytes(EUC_KR)),
    ("$)A", Set::HighBytes(GBK)),
    ("-A", Set::Latin1),
    ("-F", Set::HighBytes(ISO_8859_7)),
    ("-G", Set::HighBytes(ISO_8859_6)),
    ("-H", Set::HighBytes(ISO_8859_8)),
    ("-L", Set::HighBytes(ISO_8859_5)),
    ("-M", Set::HighBytes(WINDOWS_1254)),
];

/// Decodes the ISO 2022 code extensions in `text`. Text without an escape
/// character is returned unchanged.
pub(crate) fn decode_extensions(text: &str) -> String {
    if !text.contains(ESC) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split(ESC);
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        match ESCAPES.iter().find(|(seq, _)| part.starts_with(seq)) {
            Some((seq, set)) => out.push_str(&decode_run(&part[seq.len()..], *set)),
            None => {
                out.push(ESC);
                out.push_str(part);
            }
        }
    }
    out
}

fn decode_run(run: &str, set: Set) -> String {
    // Characters above U+00FF mean the run was decoded already (for example
    // katakana from a first value of ISO 2022 IR 13); keep such runs.
    let bytes: Option<Vec<u8>> = run
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect();
    let Some(bytes) = bytes else {
        return run.to_owned();
    };
    match set {
        Set::Plain | Set::Latin1 => run.to_owned(),
        Set::Katakana => run
            .chars()
            .map(|c| match u32::from(c) {
                b @ 0xA1..=0xDF => char::from_u32(b - 0xA1 + 0xFF61).unwrap_or(c),
                _ => c,
            })
            .collect(),
        Set::Jis0208 => {
            let mut framed = b"\x1b$B".to_vec();
            framed.extend_from_slice(&bytes);
            framed.extend_from_slice(b"\x1b(B");
            ISO_2022_JP
                .decode_without_bom_handling(&framed)
                .0
                .into_owned()
        }
        Set::Jis0212 => {
            let mut euc = Vec::with_capacity(bytes.len() * 3 / 2 + 1);
            for pair in bytes.chunks(2) {
                match *pair {
                    [a, b] => euc.extend_from_slice(&[0x8f, a | 0x80, b | 0x80]),
                    // An odd byte out is not JIS X 0212: kept as it came.
                    _ => euc.extend_from_slice(pair),
                }
            }
            EUC_JP.decode_without_bom_handling(&euc).0.into_owned()
        }
        Set::HighBytes(encoding) => encoding.decode_without_bom_handling(&bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::decode_extensions;

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(decode_extensions("Buc^Jérôme"), "Buc^Jérôme");
    }

    #[test]
    fn japanese_jis_x_0208() {
        // pydicom's chrH31.dcm as dicom-rs hands it over.
        let raw = "Yamada^Tarou=\u{1b}$B;3ED\u{1b}(B^\u{1b}$BB@O:\u{1b}(B=\u{1b}$B$d$^$@\u{1b}(B^\u{1b}$B$?$m$&\u{1b}(B";
        assert_eq!(
            decode_extensions(raw),
            "Yamada^Tarou=山田^太郎=やまだ^たろう"
        );
    }

    /// Issue 14: JIS X 0212 runs were kept undecoded. 鷗 (as in 森鷗外) is
    /// in JIS X 0212, not in JIS X 0208; the bytes are Python's
    /// `"森^鷗外".encode("iso2022_jp_2")`, as pydicom writes ISO 2022 IR 159.
    #[test]
    fn japanese_jis_x_0212() {
        let raw = "Mori^Ougai=\u{1b}$B?9\u{1b}(B^\u{1b}$(Dl?\u{1b}$B30\u{1b}(B";
        assert_eq!(decode_extensions(raw), "Mori^Ougai=森^鷗外");
        // 草彅 (Kusanagi): 草 in JIS X 0208, 彅 in JIS X 0212.
        let raw = "\u{1b}$BAp\u{1b}$(D<t\u{1b}(B";
        assert_eq!(decode_extensions(raw), "草彅");
    }

    #[test]
    fn korean_ks_x_1001() {
        let raw = "Hong^Gildong=\u{1b}$)C\u{fb}\u{f3}^\u{1b}$)C\u{d1}\u{ce}\u{d4}\u{d7}=\u{1b}$)C\u{c8}\u{ab}^\u{1b}$)C\u{b1}\u{e6}\u{b5}\u{bf}";
        assert_eq!(decode_extensions(raw), "Hong^Gildong=洪^吉洞=홍^길동");
    }

    #[test]
    fn unknown_escape_is_kept() {
        assert_eq!(decode_extensions("a\u{1b}%Gb"), "a\u{1b}%Gb");
    }
}
