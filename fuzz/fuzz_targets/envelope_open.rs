//! Opening: arbitrary envelopes under a fixed server key never panic, and
//! a streaming opener never yields more plaintext than the header declares.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailslot_shared::envelope::{open_all, Header, Opener, PrivateKey, HEADER_LEN};

fuzz_target!(|data: &[u8]| {
    // The key of the fuzz seeds (the "three-records" golden vector).
    let key = PrivateKey::derive(&[4; 32]);
    if let Ok(plain) = open_all(data, &key) {
        let header = Header::decode(&data[..HEADER_LEN]).unwrap();
        assert_eq!(plain.len() as u64, header.plaintext_len);
    }
    let Some(head) = data.get(..HEADER_LEN) else { return };
    let Ok(header) = Header::decode(head) else { return };
    let Ok(mut opener) = Opener::new(header.clone(), &key) else { return };
    let _ = opener.open_metadata(&data[HEADER_LEN..]);
    let mut rest = &data[HEADER_LEN..];
    let mut total = 0u64;
    while let Some(n) = opener.next_record_len() {
        let take = n.min(rest.len());
        let Ok(p) = opener.open_next(&rest[..take]) else { break };
        total += p.len() as u64;
        rest = &rest[take..];
    }
    assert!(total <= header.plaintext_len);
});
