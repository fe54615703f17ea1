//! The DIMSE messages of a worklist search: the C-FIND and C-CANCEL
//! command sets (implicit VR little endian, as every peer takes them) and
//! one response read whole, within [`MAX_RESPONSE`].

use dicom_ul::pdu::PDataValueType;
use dicom_ul::Pdu;

use super::{Scu, WorklistError, MAX_RESPONSE, MWL_FIND};

/// A command set, implicit VR little endian: `(element, value)` pairs of
/// group 0000 in ascending order, behind their group length.
fn command(fields: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let put = |out: &mut Vec<u8>, element: u16, value: &[u8]| {
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&element.to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
    };
    let mut body = Vec::new();
    for (element, value) in fields {
        put(&mut body, *element, value);
    }
    let mut cmd = Vec::new();
    put(&mut cmd, 0x0000, &(body.len() as u32).to_le_bytes());
    cmd.extend_from_slice(&body);
    cmd
}

fn uid(u: &str) -> Vec<u8> {
    let mut v = u.as_bytes().to_vec();
    if v.len() % 2 == 1 {
        v.push(0);
    }
    v
}

pub(super) fn find_command(message_id: u16) -> Vec<u8> {
    command(&[
        (0x0002, uid(MWL_FIND)),
        (0x0100, 0x0020u16.to_le_bytes().to_vec()), // C-FIND-RQ
        (0x0110, message_id.to_le_bytes().to_vec()),
        (0x0700, 0u16.to_le_bytes().to_vec()), // medium priority
        (0x0800, 0x0000u16.to_le_bytes().to_vec()), // an identifier follows
    ])
}

pub(super) fn cancel_command(message_id: u16) -> Vec<u8> {
    command(&[
        (0x0100, 0x0FFFu16.to_le_bytes().to_vec()), // C-CANCEL-RQ
        (0x0120, message_id.to_le_bytes().to_vec()),
        (0x0800, 0x0101u16.to_le_bytes().to_vec()), // no data set
    ])
}

/// One DIMSE message as received: its command, and its data set if any.
pub(super) struct Message {
    pub(super) command: Vec<u8>,
    pub(super) data: Option<Vec<u8>>,
}

/// Reads one message: its command, then (if the command says one
/// follows) its data set, each possibly in several fragments.
pub(super) fn receive(scu: &mut Scu) -> Result<Message, WorklistError> {
    let mut command = Vec::new();
    let mut data: Option<Vec<u8>> = None;
    let mut command_done = false;
    loop {
        let pdu = scu
            .receive()
            .map_err(|e| WorklistError::Unreachable(e.to_string()))?;
        let Pdu::PData { data: values } = pdu else {
            return Err(WorklistError::Protocol("not a data transfer"));
        };
        for v in values {
            let into = match v.value_type {
                PDataValueType::Command => &mut command,
                PDataValueType::Data => data.get_or_insert_with(Vec::new),
            };
            if into.len() + v.data.len() > MAX_RESPONSE {
                return Err(WorklistError::Protocol("a response is too large"));
            }
            into.extend_from_slice(&v.data);
            match v.value_type {
                PDataValueType::Command if v.is_last => command_done = true,
                PDataValueType::Data if v.is_last => {
                    return Ok(Message { command, data });
                }
                _ => {}
            }
        }
        // A command whose Command Data Set Type says no data set follows.
        if command_done && data.is_none() && !has_data_set(&command) {
            return Ok(Message { command, data });
        }
    }
}

/// Whether Command Data Set Type (0000,0800) announces a data set.
pub(super) fn has_data_set(command: &[u8]) -> bool {
    let mut rest = command;
    while rest.len() >= 8 {
        let element = u16::from_le_bytes([rest[2], rest[3]]);
        let len = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let Some(value) = rest.get(8..8 + len) else {
            return false;
        };
        if element == 0x0800 && len == 2 {
            return u16::from_le_bytes([value[0], value[1]]) != 0x0101;
        }
        rest = &rest[8 + len..];
    }
    false
}
