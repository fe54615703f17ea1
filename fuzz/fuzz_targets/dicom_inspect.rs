//! The acceptance rules on arbitrary bytes: never panic; the page's check
//! (the file read out of order, values passed over) and the server's (the
//! whole file streamed) give the same verdict; a file accepted whole is
//! judged on a prefix without panicking and with the same transfer syntax.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailslot_shared::dicom::{inspect, inspect_seekable, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let len = data.len() as u64;
    let full = inspect(data, len, &limits);
    let page = inspect_seekable(std::io::Cursor::new(data), len, &limits);
    assert_eq!(page, full);
    let half = inspect(&data[..data.len() / 2], len, &limits);
    if let (Some(f), Some(h)) = (full.accepted(), half.accepted()) {
        assert_eq!(f.transfer_syntax_uid, h.transfer_syntax_uid);
    }
});
