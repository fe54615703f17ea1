//! STOW-RS: `POST {base}/studies` with `multipart/related;
//! type="application/dicom"`, one batch per request, files streamed from
//! the spool (never held whole in memory). The reply's Failed SOP Sequence
//! (0008,1198) and Referenced SOP Sequence (0008,1199) decide per instance.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Cursor, Read};
use std::time::Duration;

use serde_json::Value;

use super::{Delivery, Item};

/// Reads a sequence of readers one after the other.
struct Concat(VecDeque<Box<dyn Read + Send>>);

impl Read for Concat {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while let Some(front) = self.0.front_mut() {
            let n = front.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            self.0.pop_front();
        }
        Ok(0)
    }
}

fn sop_instance_uid(item: &Item) -> Option<(String, u64)> {
    super::identify(&item.path)
        .ok()
        .map(|s| (s.summary.sop_instance_uid, s.len))
}

/// The (UID, reason) pairs of a sequence in a DICOM JSON reply.
fn sequence(reply: &Value, tag: &str) -> Vec<(String, Option<u32>)> {
    let items = reply
        .get(tag)
        .and_then(|s| s.get("Value"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .filter_map(|item| {
            let uid = item
                .get("00081155")?
                .get("Value")?
                .get(0)?
                .as_str()?
                .to_owned();
            let reason = item
                .get("00081197")
                .and_then(|r| r.get("Value"))
                .and_then(|v| v.get(0))
                .and_then(Value::as_u64)
                .map(|r| r as u32);
            Some((uid, reason))
        })
        .collect()
}

/// Decides each item's outcome from the HTTP status and the reply body.
///
/// An instance counts as stored only when the reply's Referenced SOP
/// Sequence names its SOP Instance UID — whatever the status: Orthanc 1.10
/// answers a batch with one unreadable instance with 400, an empty Failed
/// SOP Sequence and the stored ones referenced. An instance in the Failed
/// SOP Sequence was refused with its reason. An instance in neither was
/// refused on a 4xx; on anything else — a bare 200, a login or proxy page,
/// a redirect (never followed) — it is unconfirmed and retried, and the
/// spool keeps it, until the PACS gives an answer.
pub fn outcomes(status: u16, body: &str, uids: &[Option<String>]) -> Vec<Delivery> {
    let reply: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let failed = sequence(&reply, "00081198");
    let referenced = sequence(&reply, "00081199");
    let http = Some(u32::from(status));
    uids.iter()
        .map(|uid| {
            let Some(uid) = uid else {
                return Delivery::Permanent {
                    code: "spool-unreadable",
                    status: None,
                };
            };
            if let Some((_, reason)) = failed.iter().find(|(u, _)| u == uid) {
                // The reason is a DICOM status; a listed failure is never a
                // success, whatever status it carries.
                return match reason
                    .and_then(|r| u16::try_from(r).ok())
                    .map(super::classify)
                {
                    Some(Delivery::Done) | None => Delivery::Permanent {
                        code: "stow-instance-refused",
                        status: *reason,
                    },
                    Some(outcome) => outcome,
                };
            }
            if referenced.iter().any(|(u, _)| u == uid) {
                return Delivery::Done;
            }
            match status {
                300..=399 => Delivery::Transient {
                    code: "stow-redirected",
                    status: http,
                },
                400..=499 => Delivery::Permanent {
                    code: "stow-refused",
                    status: http,
                },
                500..=599 => Delivery::Transient {
                    code: "stow-server-error",
                    status: http,
                },
                _ => Delivery::Transient {
                    code: "stow-instance-unconfirmed",
                    status: http,
                },
            }
        })
        .collect()
}

/// A STOW-RS PACS and how to reach it.
#[derive(Debug, Clone)]
pub struct Target {
    /// Base URL (`http://…` or `https://…`), without a trailing slash.
    pub base_url: String,
    /// Seconds per network operation (the whole request: ten times that).
    pub timeout_secs: u64,
    /// `Authorization` header value, if the PACS wants one.
    pub authorization: Option<String>,
    /// CA certificates (PEM) to verify an `https` PACS against, instead of
    /// the public roots.
    pub ca_pem: Option<Vec<u8>>,
}

impl Target {
    /// The STOW-RS target at `base_url` as `config` describes it (its CA
    /// file read now; unreadable counts as holding no certificate).
    pub fn of(base_url: &str, config: &crate::config::Config) -> Target {
        Target {
            base_url: base_url.to_owned(),
            timeout_secs: config.dimse_timeout.as_secs(),
            authorization: config.stow_authorization.clone(),
            ca_pem: config
                .stow_ca_file
                .as_ref()
                .map(|f| std::fs::read(f).unwrap_or_default()),
        }
    }
}

/// Whether the PACS answers HTTP at all within `timeout`, reached as
/// forwarding reaches it (same CA, no redirects, no proxy): any status
/// counts (401 or 404 prove it is there); a refused connection, a TLS
/// failure or silence does not. For readiness.
pub fn answers(target: &Target, timeout: Duration) -> Result<String, String> {
    let base = &target.base_url;
    let agent =
        agent(target, timeout).ok_or_else(|| "stow_ca_file holds no certificate".to_owned())?;
    match agent.get(base).call() {
        Ok(r) => Ok(format!("{base} answered HTTP {}", r.status().as_u16())),
        Err(e) => Err(format!("{base} does not answer: {e}")),
    }
}

/// The HTTP agent for `target`: no redirects, no environment proxy, and
/// for `https` the configured CA (else the public roots); `None` if the
/// CA file holds no certificate.
fn agent(target: &Target, timeout: Duration) -> Option<ureq::Agent> {
    // No redirects: a 301/302 would turn the POST into a GET whose answer
    // proves nothing. No proxy from the environment: the PACS is on the
    // hospital's network, named by the configuration alone.
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(timeout));
    if let Some(pem) = &target.ca_pem {
        config = config.tls_config(mailslot_sender::tls::trusting(pem)?);
    }
    Some(config.build().into())
}

/// Sends a batch in one STOW-RS request.
pub fn send(target: &Target, items: &[Item]) -> Vec<Delivery> {
    let whole_request = Duration::from_secs(target.timeout_secs.max(1) * 10);
    let Some(agent) = agent(target, whole_request) else {
        tracing::error!("stow_ca_file holds no certificate");
        return items
            .iter()
            .map(|_| Delivery::Transient {
                code: "stow-tls-config",
                status: None,
            })
            .collect();
    };
    let boundary = format!(
        "mailslot-{}",
        hex::encode(&crate::random::bytes32().unwrap_or([7; 32])[..12])
    );
    let mut parts: VecDeque<Box<dyn Read + Send>> = VecDeque::new();
    let mut uids = Vec::new();
    for item in items {
        let found = sop_instance_uid(item);
        let file = found.as_ref().and_then(|_| File::open(&item.path).ok());
        match (found, file) {
            (Some((uid, len)), Some(file)) => {
                let head = format!("--{boundary}\r\nContent-Type: application/dicom\r\nContent-Length: {len}\r\n\r\n");
                parts.push_back(Box::new(Cursor::new(head.into_bytes())));
                parts.push_back(Box::new(file));
                parts.push_back(Box::new(Cursor::new(b"\r\n".to_vec())));
                uids.push(Some(uid));
            }
            _ => uids.push(None),
        }
    }
    if uids.iter().all(Option::is_none) {
        return outcomes(400, "", &uids);
    }
    parts.push_back(Box::new(Cursor::new(
        format!("--{boundary}--\r\n").into_bytes(),
    )));
    let url = format!("{}/studies", target.base_url);
    let mut body = Concat(parts);
    let mut request = agent
        .post(&url)
        .header(
            "Content-Type",
            format!("multipart/related; type=\"application/dicom\"; boundary={boundary}"),
        )
        .header("Accept", "application/dicom+json");
    if let Some(auth) = &target.authorization {
        request = request.header("Authorization", auth);
    }
    let sent = request.send(ureq::SendBody::from_reader(&mut body));
    match sent {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let text = resp.body_mut().read_to_string().unwrap_or_default();
            let result = outcomes(status, &text, &uids);
            if result.iter().any(|o| o != &Delivery::Done) {
                tracing::warn!(status, "STOW-RS reply refused some instances");
            }
            result
        }
        Err(e) => {
            tracing::warn!(error = %e, "STOW-RS request failed");
            uids.iter()
                .map(|_| Delivery::Transient {
                    code: "pacs-unreachable",
                    status: None,
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_failure_is_per_instance() {
        let body = r#"{"00081198":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["1.2.3"]},"00081197":{"vr":"US","Value":[49442]}}]},
                      "00081199":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["1.2.4"]}}]}}"#;
        let uids = vec![Some("1.2.3".to_owned()), Some("1.2.4".to_owned())];
        let o = outcomes(202, body, &uids);
        // 49442 = 0xC122: "cannot understand", as C-STORE would say.
        assert_eq!(
            o[0],
            Delivery::Permanent {
                code: "pacs-cannot-understand",
                status: Some(49442)
            }
        );
        assert_eq!(o[1], Delivery::Done);
        assert!(matches!(
            outcomes(503, "", &uids)[0],
            Delivery::Transient { .. }
        ));
        assert!(matches!(
            outcomes(415, "", &uids)[1],
            Delivery::Permanent { .. }
        ));
        // A bare 200 or a page that is not a STOW-RS reply proves nothing.
        for body in ["", "<html>Please sign in</html>", "[]"] {
            assert!(outcomes(200, body, &uids)
                .iter()
                .all(|o| matches!(o, Delivery::Transient { .. })));
        }
        assert!(matches!(
            outcomes(301, "", &uids)[0],
            Delivery::Transient {
                code: "stow-redirected",
                ..
            }
        ));
    }

    /// Orthanc 1.10's reply to a batch where one instance cannot be read:
    /// HTTP 400, an empty Failed SOP Sequence, the stored one referenced.
    #[test]
    fn orthanc_mixed_batch() {
        let body = r#"{"00081198":{"vr":"SQ"},"00081199":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},"00081155":{"vr":"UI","Value":["1.2.4"]}}]}}"#;
        let uids = vec![Some("1.2.3".to_owned()), Some("1.2.4".to_owned())];
        assert_eq!(
            outcomes(400, body, &uids),
            vec![
                Delivery::Permanent {
                    code: "stow-refused",
                    status: Some(400)
                },
                Delivery::Done
            ]
        );
        // 202 without mention: unconfirmed, so retried rather than lost.
        assert!(matches!(
            outcomes(202, body, &uids)[0],
            Delivery::Transient { .. }
        ));
    }
}
