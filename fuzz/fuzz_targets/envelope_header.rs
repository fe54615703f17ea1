//! Header codec: decode → encode → decode round-trips exactly, and the
//! codec never accepts anything but exactly HEADER_LEN bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailslot_shared::envelope::{Header, HEADER_LEN};

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = Header::decode(data) {
        assert_eq!(data.len(), HEADER_LEN);
        let encoded = header.encode();
        assert_eq!(&encoded[..], data, "encode(decode(x)) != x");
        assert!(header.envelope_len() >= HEADER_LEN as u64);
        assert_eq!(Header::decode(&encoded), Ok(header));
    }
});
