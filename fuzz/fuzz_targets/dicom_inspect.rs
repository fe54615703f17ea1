//! The acceptance rules on arbitrary bytes: never panic, and a file accepted
//! whole is judged on a prefix without panicking and with the same identity
//! when the prefix reaches the identifying attributes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailslot_shared::dicom::{inspect, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let full = inspect(data, data.len() as u64, &limits);
    let half = inspect(&data[..data.len() / 2], data.len() as u64, &limits);
    if let (Some(f), Some(h)) = (full.accepted(), half.accepted()) {
        assert_eq!(f.transfer_syntax_uid, h.transfer_syntax_uid);
    }
});
