//! `forward`: where accepted objects go, written `inbox`,
//! `dimse://AET@HOST:PORT` or `stow+http(s)://HOST:PORT/PATH`.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::checks;

/// Where accepted objects go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The embedded folder inbox under the data directory.
    Inbox,
    /// DICOM C-STORE to `ae_title@host:port`.
    Dimse {
        /// Called AE title.
        ae_title: String,
        /// Host name or address.
        host: String,
        /// TCP port.
        port: u16,
    },
    /// STOW-RS to this base URL (`http://pacs:8042/dicom-web`, or `https://…`:
    /// the public roots, or `stow_ca_file`, verify the PACS).
    Stow {
        /// The base URL, without a trailing slash.
        base_url: String,
    },
}

impl FromStr for Destination {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "inbox" {
            return Ok(Destination::Inbox);
        }
        if let Some(rest) = s.strip_prefix("dimse://") {
            let (ae, addr) = rest
                .split_once('@')
                .ok_or("expected dimse://AET@HOST:PORT")?;
            let (host, port) = addr
                .rsplit_once(':')
                .ok_or("expected dimse://AET@HOST:PORT")?;
            let port: u16 = port.parse().map_err(|_| format!("bad port `{port}`"))?;
            checks::ae_title_fault(ae).map_or(Ok(()), Err)?;
            if host.is_empty() {
                return Err("missing host".into());
            }
            return Ok(Destination::Dimse {
                ae_title: ae.to_owned(),
                host: host.to_owned(),
                port,
            });
        }
        for scheme in ["http", "https"] {
            if let Some(rest) = s.strip_prefix(&format!("stow+{scheme}://")) {
                if rest.is_empty() || rest.starts_with('/') {
                    return Err(format!("expected stow+{scheme}://HOST:PORT/PATH"));
                }
                return Ok(Destination::Stow {
                    base_url: format!("{scheme}://{}", rest.trim_end_matches('/')),
                });
            }
        }
        Err("expected `inbox`, `dimse://AET@HOST:PORT` or `stow+http(s)://HOST:PORT/PATH`".into())
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Inbox => f.write_str("inbox"),
            Destination::Dimse {
                ae_title,
                host,
                port,
            } => write!(f, "dimse://{ae_title}@{host}:{port}"),
            Destination::Stow { base_url } => write!(f, "stow+{base_url}"),
        }
    }
}

impl<'de> Deserialize<'de> for Destination {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl Serialize for Destination {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
