//! C-STORE with dicom-ul's synchronous API (its async writer panics on
//! actix's current-thread runtime; these run on the forwarder's own
//! threads); the data set's P-DATA PDUs are laid out by
//! [`super::pdata`]. One association per batch, with one presentation
//! context per (SOP class, transfer syntax) actually present; the command
//! carries the data set's SOP UIDs; the data set's bytes are sent exactly
//! as received (plus the one NUL byte PS3.5 A.5 requires after an
//! odd-length deflated stream, which some writers omit).

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::net::TcpStream;
use std::time::Duration;

use dicom_ul::association::Error as UlError;
use dicom_ul::pdu::{PDataValue, PDataValueType, PresentationContextResultReason};
use dicom_ul::{ClientAssociationOptions, Pdu};

use super::{classify, Delivery, Item};

/// The remote application entity.
#[derive(Debug)]
pub struct Peer<'a> {
    /// Our AE title.
    pub calling: &'a str,
    /// The PACS's AE title.
    pub called: &'a str,
    /// Host.
    pub host: &'a str,
    /// Port.
    pub port: u16,
    /// Connect, read and write timeout.
    pub timeout: Duration,
}

impl Peer<'_> {
    /// Association options with our and its AE titles and the timeout;
    /// the caller adds its presentation contexts.
    fn options(&self) -> ClientAssociationOptions<'static> {
        ClientAssociationOptions::new()
            .calling_ae_title(self.calling.to_owned())
            .called_ae_title(self.called.to_owned())
            .connection_timeout(self.timeout)
            .read_timeout(self.timeout)
            .write_timeout(self.timeout)
    }

    /// `AET@HOST:PORT`, as dicom-ul takes it.
    fn address(&self) -> String {
        format!("{}@{}:{}", self.called, self.host, self.port)
    }
}

/// What C-STORE needs of a spooled file.
#[derive(Debug)]
struct Prepared {
    sop_class: String,
    sop_instance: String,
    transfer_syntax: String,
    dataset_offset: u64,
    /// Where the data set ends: the file's end, or where zero padding
    /// after it starts (not part of the data set, so not sent).
    dataset_end: u64,
}

/// Reads the identifiers from the data set (authoritative over the meta
/// group) and finds where the data set starts.
fn prepare(item: &Item) -> Result<Prepared, Delivery> {
    let unreadable = Delivery::Permanent {
        code: "spool-unreadable",
        status: None,
    };
    let super::Spooled { summary, len } = super::identify(&item.path)?;
    // Where the data set starts, as the rules found it (after a file meta
    // group with or without its group length).
    let end = summary.dataset_end.unwrap_or(len);
    if summary.dataset_offset < 132 || summary.dataset_offset > end || end > len {
        return Err(unreadable);
    }
    Ok(Prepared {
        sop_class: summary.sop_class_uid,
        sop_instance: summary.sop_instance_uid,
        transfer_syntax: summary.transfer_syntax_uid,
        dataset_offset: summary.dataset_offset,
        dataset_end: end,
    })
}

fn put(out: &mut Vec<u8>, element: u16, value: &[u8]) {
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&element.to_le_bytes());
    out.extend_from_slice(&(value.len() as u32).to_le_bytes());
    out.extend_from_slice(value);
}

fn uid_value(uid: &str) -> Vec<u8> {
    let mut v = uid.as_bytes().to_vec();
    if v.len() % 2 == 1 {
        v.push(0);
    }
    v
}

/// A C-STORE-RQ command set, implicit VR little endian.
pub fn store_command(sop_class: &str, sop_instance: &str, message_id: u16) -> Vec<u8> {
    let mut body = Vec::with_capacity(160);
    put(&mut body, 0x0002, &uid_value(sop_class));
    put(&mut body, 0x0100, &0x0001u16.to_le_bytes()); // C-STORE-RQ
    put(&mut body, 0x0110, &message_id.to_le_bytes());
    put(&mut body, 0x0700, &0u16.to_le_bytes()); // medium priority
    put(&mut body, 0x0800, &0x0000u16.to_le_bytes()); // a data set follows
    put(&mut body, 0x1000, &uid_value(sop_instance));
    let mut cmd = Vec::with_capacity(body.len() + 12);
    put(&mut cmd, 0x0000, &(body.len() as u32).to_le_bytes());
    cmd.extend_from_slice(&body);
    cmd
}

/// The Verification SOP Class (C-ECHO).
pub const VERIFICATION: &str = "1.2.840.10008.1.1";
/// Implicit VR Little Endian, which every DICOM peer accepts.
const IMPLICIT_LE: &str = "1.2.840.10008.1.2";

/// A C-ECHO-RQ command set, implicit VR little endian.
pub fn echo_command(message_id: u16) -> Vec<u8> {
    let mut body = Vec::with_capacity(64);
    put(&mut body, 0x0002, &uid_value(VERIFICATION));
    put(&mut body, 0x0100, &0x0030u16.to_le_bytes()); // C-ECHO-RQ
    put(&mut body, 0x0110, &message_id.to_le_bytes());
    put(&mut body, 0x0800, &0x0101u16.to_le_bytes()); // no data set
    let mut cmd = Vec::with_capacity(body.len() + 12);
    put(&mut cmd, 0x0000, &(body.len() as u32).to_le_bytes());
    cmd.extend_from_slice(&body);
    cmd
}

/// Asks the PACS whether it answers (C-ECHO): `Ok` on status Success,
/// else why not, in a sentence for the administrator (readiness).
pub fn echo(peer: &Peer<'_>) -> Result<(), String> {
    let address = peer.address();
    let mut scu = peer
        .options()
        .with_presentation_context(VERIFICATION, vec![IMPLICIT_LE])
        .establish_with(&address)
        .map_err(|e| format!("no association with {address}: {e}"))?;
    let pc = scu
        .presentation_contexts()
        .iter()
        .find(|pc| pc.reason == PresentationContextResultReason::Acceptance)
        .map(|pc| pc.id)
        .ok_or_else(|| format!("{address} does not accept C-ECHO"))?;
    let asked = scu.send(&Pdu::PData {
        data: vec![PDataValue {
            presentation_context_id: pc,
            value_type: PDataValueType::Command,
            is_last: true,
            data: echo_command(1),
        }],
    });
    let answer = match asked {
        Err(e) => Err(format!("C-ECHO to {address} not sent: {e}")),
        Ok(()) => match scu.receive() {
            Ok(Pdu::PData { data }) => match data.first().and_then(|v| status_of(&v.data)) {
                Some(0) => Ok(()),
                Some(status) => Err(format!("C-ECHO to {address} answered {status:#06x}")),
                None => Err(format!("C-ECHO to {address}: no status")),
            },
            Ok(_) => Err(format!("C-ECHO to {address}: unexpected answer")),
            Err(e) => Err(format!("C-ECHO to {address}: {e}")),
        },
    };
    if answer.is_ok() {
        let _ = scu.release();
    } else {
        let _ = scu.abort();
    }
    answer
}

/// The Status (0000,0900) of a response command set, if present.
pub fn status_of(command: &[u8]) -> Option<u16> {
    let mut rest = command;
    while rest.len() >= 8 {
        let group = u16::from_le_bytes([rest[0], rest[1]]);
        let element = u16::from_le_bytes([rest[2], rest[3]]);
        let len = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let value = rest.get(8..8 + len)?;
        if group == 0 && element == 0x0900 && len == 2 {
            return Some(u16::from_le_bytes([value[0], value[1]]));
        }
        rest = &rest[8 + len..];
    }
    None
}

fn transient(code: &'static str) -> Delivery {
    Delivery::Transient { code, status: None }
}

/// Sends a batch over one association. `outcome(i, …)` is called once
/// per item, as soon as its outcome is known (its C-STORE response came,
/// or it will not be sent): the caller records it at once, so a crash
/// repeats at most the object in flight.
pub fn send(peer: &Peer<'_>, items: &[Item], outcome: &mut dyn FnMut(usize, Delivery)) {
    let mut reported = vec![false; items.len()];
    let mut report = |i: usize, o: Delivery| {
        reported[i] = true;
        outcome(i, o);
    };
    send_batch(peer, items, &mut report);
    for (i, done) in reported.iter().enumerate() {
        if !done {
            outcome(i, transient("internal"));
        }
    }
}

fn send_batch(peer: &Peer<'_>, items: &[Item], report: &mut dyn FnMut(usize, Delivery)) {
    let mut prepared = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match prepare(item) {
            Ok(p) => prepared.push((i, p)),
            Err(o) => report(i, o),
        }
    }
    if !prepared.is_empty() {
        let mut pairs: Vec<(String, String)> = prepared
            .iter()
            .map(|(_, p)| (p.sop_class.clone(), p.transfer_syntax.clone()))
            .collect();
        pairs.sort();
        pairs.dedup();
        let mut options = peer.options();
        for (class, ts) in &pairs {
            options = options.with_presentation_context(class.clone(), vec![ts.clone()]);
        }
        let address = peer.address();
        match options.establish_with(&address) {
            Ok(mut scu) => {
                // Each object's last PDU is smaller than a loopback or
                // jumbo segment: with Nagle's algorithm it would wait for
                // the PACS's delayed ACK.
                if let Err(e) = scu.inner_stream().set_nodelay(true) {
                    tracing::debug!(error = %e, "TCP_NODELAY not set");
                }
                let mut broken = false;
                for (n, (i, p)) in prepared.iter().enumerate() {
                    if broken {
                        report(*i, transient("association-aborted"));
                        continue;
                    }
                    let result = store_one(&mut scu, p, (n + 1) as u16, &items[*i]);
                    if matches!(
                        result,
                        Delivery::Transient {
                            code: "association-aborted",
                            ..
                        }
                    ) {
                        broken = true;
                    }
                    report(*i, result);
                }
                if broken {
                    let _ = scu.abort();
                } else if let Err(e) = scu.release() {
                    tracing::warn!(error = %e, "C-STORE association release failed");
                }
            }
            Err(e) => {
                let outcome = match e {
                    UlError::NoAcceptedPresentationContexts { .. } => Delivery::Permanent {
                        code: "presentation-context-rejected",
                        status: None,
                    },
                    UlError::Rejected { .. } => transient("association-rejected"),
                    _ => transient("pacs-unreachable"),
                };
                tracing::warn!(error = %e, "C-STORE association not established");
                for (i, _) in &prepared {
                    report(*i, outcome.clone());
                }
            }
        }
    }
}

fn store_one(
    scu: &mut dicom_ul::ClientAssociation<TcpStream>,
    p: &Prepared,
    message_id: u16,
    item: &Item,
) -> Delivery {
    let Some(pc) = scu
        .presentation_contexts()
        .iter()
        .find(|pc| {
            pc.reason == PresentationContextResultReason::Acceptance
                && pc.abstract_syntax == p.sop_class
                && pc.transfer_syntax == p.transfer_syntax
        })
        .map(|pc| pc.id)
    else {
        return Delivery::Permanent {
            code: "presentation-context-rejected",
            status: None,
        };
    };
    let command = Pdu::PData {
        data: vec![PDataValue {
            presentation_context_id: pc,
            value_type: PDataValueType::Command,
            is_last: true,
            data: store_command(&p.sop_class, &p.sop_instance, message_id),
        }],
    };
    let sent = (|| -> std::io::Result<()> {
        scu.send(&command).map_err(std::io::Error::other)?;
        let mut file = File::open(&item.path)?;
        file.seek(SeekFrom::Start(p.dataset_offset))?;
        let max = scu.acceptor_max_pdu_length();
        let len = p.dataset_end - p.dataset_offset;
        super::pdata::send_dataset(scu.inner_stream(), pc, max, &mut file, len)
    })();
    if let Err(e) = sent {
        tracing::warn!(error = %e, upload = %item.upload_id, "C-STORE send failed");
        return transient("association-aborted");
    }
    ack_at_once(scu.inner_stream());
    match scu.receive() {
        Ok(Pdu::PData { data }) => match data.first().and_then(|v| status_of(&v.data)) {
            Some(status) => {
                let outcome = classify(status);
                if outcome == Delivery::Done && status != 0 {
                    tracing::warn!(upload = %item.upload_id, status = format!("{status:#06x}"), "stored with a warning");
                }
                outcome
            }
            None => transient("association-aborted"),
        },
        Ok(_) | Err(_) => transient("association-aborted"),
    }
}

/// Acknowledges what arrives next at once instead of after the delayed-ACK
/// timer (40 ms on Linux).
///
/// A PACS built on DCMTK (Orthanc, dcmqrscp, storescp) writes a C-STORE
/// response as two writes — the P-DATA PDU's header, then its value — with
/// Nagle's algorithm on, so the second waits until the first is
/// acknowledged. After sending a whole object this socket is in Linux's
/// "ping-pong" mode and delays that ACK, hoping to piggyback it on its next
/// request, which cannot come before the response: every object cost 40 ms
/// more than the PACS took to store it (measured against Orthanc 1.10: a
/// response's two writes 0.06 ms apart, the next command 41 ms later).
/// `TCP_QUICKACK` leaves ping-pong mode until the socket next sends, so it
/// is set again before each response. Elsewhere than Linux nothing is done.
fn ack_at_once(stream: &TcpStream) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Err(e) = rustix::net::sockopt::set_tcp_quickack(stream, true) {
        tracing::debug!(error = %e, "TCP_QUICKACK not set");
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = stream;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_round_trip_and_status() {
        let cmd = store_command("1.2.840.10008.5.1.4.1.1.2", "1.2.3", 7);
        // Group length equals the bytes after it.
        let gl = u32::from_le_bytes([cmd[8], cmd[9], cmd[10], cmd[11]]) as usize;
        assert_eq!(gl, cmd.len() - 12);
        assert_eq!(status_of(&cmd), None);
        let mut rsp = Vec::new();
        put(&mut rsp, 0x0100, &0x8001u16.to_le_bytes());
        put(&mut rsp, 0x0900, &0xA700u16.to_le_bytes());
        assert_eq!(status_of(&rsp), Some(0xA700));
        assert!(status_of(&rsp[..rsp.len() - 1]).is_none());
        let echo = echo_command(1);
        let gl = u32::from_le_bytes([echo[8], echo[9], echo[10], echo[11]]) as usize;
        assert_eq!(gl, echo.len() - 12);
    }

    #[test]
    fn statuses() {
        assert_eq!(classify(0), Delivery::Done);
        assert_eq!(classify(0xB007), Delivery::Done);
        assert!(matches!(classify(0xA701), Delivery::Transient { .. }));
        assert!(matches!(classify(0xA900), Delivery::Permanent { .. }));
        assert!(matches!(classify(0xC123), Delivery::Permanent { .. }));
        assert!(matches!(classify(0x0110), Delivery::Permanent { .. }));
    }
}
