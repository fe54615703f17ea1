//! A DICOMDIR's listing on arbitrary bytes: never panics, and what it
//! lists is non-empty and unique.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use mailslot_shared::dicom::listed_instances;

fuzz_target!(|data: &[u8]| {
    if let Some(listed) = listed_instances(data, data.len() as u64) {
        let unique: HashSet<&String> = listed.iter().collect();
        assert_eq!(unique.len(), listed.len());
        assert!(listed.iter().all(|uid| !uid.is_empty()));
    }
});
