//! Identity reconciliation on arbitrary bytes: never panics; where the
//! input is a file the acceptance rules take and reconciliation succeeds,
//! the acceptance rules take the result too, and it names the hospital's
//! patient.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailslot_shared::dicom::{inspect, Limits};
use mailslot_shared::reconcile::{reconcile, Identity};

fuzz_target!(|data: &[u8]| {
    let identity = Identity {
        patient_id: "H-0042".into(),
        issuer: "KLINIKUM".into(),
        name: "Müller^Jürgen".into(),
        birth_date: "19500102".into(),
        sex: "M".into(),
        accession: String::new(),
    };
    let mut out = Vec::new();
    if reconcile(&mut &data[..], &mut out, &identity).is_err() {
        return;
    }
    let limits = Limits {
        max_file_size: 1 << 30,
    };
    if inspect(data, data.len() as u64, &limits).accepted().is_none() {
        return;
    }
    let verdict = inspect(&out, out.len() as u64, &limits);
    let summary = verdict.accepted().expect("a reconciled accepted file is accepted");
    assert_eq!(summary.patient_id.as_deref().map(str::trim), Some("H-0042"));
});
