//! The checks of single settings, run as each value is deserialized
//! (`#[serde(deserialize_with = …)]` on the field), and the units the
//! duration settings are written in.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// Deserializes a `T` and refuses it with the message `fault` gives.
fn checked<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
    fault: impl FnOnce(&T) -> Option<String>,
) -> Result<T, D::Error> {
    let value = T::deserialize(d)?;
    fault(&value).map_or(Ok(value), |m| Err(D::Error::custom(m)))
}

/// The texts of a text setting: one, maybe none, or a map's values.
pub trait Texts {
    /// Each text.
    fn texts(&self) -> Vec<&str>;
}

impl Texts for String {
    fn texts(&self) -> Vec<&str> {
        vec![self]
    }
}

impl Texts for Option<String> {
    fn texts(&self) -> Vec<&str> {
        self.as_deref().into_iter().collect()
    }
}

impl Texts for BTreeMap<String, String> {
    fn texts(&self) -> Vec<&str> {
        self.values().map(String::as_str).collect()
    }
}

/// Deserializes texts, refusing the first that `fault` finds fault with.
fn each<'de, D: Deserializer<'de>, T: Deserialize<'de> + Texts>(
    d: D,
    fault: impl Fn(&str) -> Option<String>,
) -> Result<T, D::Error> {
    checked(d, |v: &T| v.texts().into_iter().find_map(fault))
}

/// Why `ae` is no AE title, if it is not.
pub fn ae_title_fault(ae: &str) -> Option<String> {
    (ae.is_empty() || ae.len() > 16 || !ae.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| "the AE title must be 1–16 printable ASCII characters".into())
}

pub fn ae_title<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    each(d, ae_title_fault)
}

pub fn positive<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default + PartialEq,
{
    checked(d, |n: &T| {
        (*n == T::default()).then(|| "must be greater than zero".into())
    })
}

pub fn associations<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    checked(d, |n| {
        (!(1..=64).contains(n)).then(|| "must be 1 to 64".into())
    })
}

pub fn file_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let max = mailslot_shared::dicom::DEFAULT_MAX_FILE_SIZE;
    checked(d, |n| {
        (!(1..=max).contains(n)).then(|| "must be 1 to 4 GiB (the largest DICOM element)".into())
    })
}

pub fn chunk_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    checked(d, |n| {
        (*n < 2 * 1024 * 1024).then(|| "at least 2 MiB (a record must fit)".into())
    })
}

/// Duration settings, each written as a whole number (greater than zero)
/// of the unit its key names.
macro_rules! units {
    ($($unit:ident = $secs:literal),*) => {$(
        pub mod $unit {
            use super::*;

            pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u64(d.as_secs() / $secs)
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
                let n: u64 = positive(d)?;
                n.checked_mul($secs)
                    .map(Duration::from_secs)
                    .ok_or_else(|| D::Error::custom("too large"))
            }
        }
    )*};
}

units!(secs = 1, minutes = 60, hours = 3600, days = 86_400);

/// `"off"` (or empty) for none, else an address.
pub mod admin_listen {
    use super::*;

    pub fn serialize<S: Serializer>(a: &Option<SocketAddr>, s: S) -> Result<S::Ok, S::Error> {
        match a {
            Some(a) => s.collect_str(a),
            None => s.serialize_str("off"),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SocketAddr>, D::Error> {
        match String::deserialize(d)?.trim() {
            "" | "off" => Ok(None),
            a => a.parse().map(Some).map_err(|_| {
                D::Error::custom(format!(
                    "`{a}` is not an address like 127.0.0.1:8081 (or `off`)"
                ))
            }),
        }
    }
}

pub fn database_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    // Not echoed: it may carry the database's password.
    each(d, |url| {
        (url.parse::<postgres::Config>().is_err()
            || !(url.starts_with("postgres://") || url.starts_with("postgresql://")))
        .then(|| "must be a URL like postgres://mailslot:password@db.example/mailslot".into())
    })
}

pub fn pem_file<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    checked(d, |f: &Option<PathBuf>| {
        let f = f.as_ref()?;
        let pem = std::fs::read_to_string(f).unwrap_or_default();
        (!pem.contains("-----BEGIN CERTIFICATE-----"))
            .then(|| format!("{} is not a readable PEM file of certificates", f.display()))
    })
}

pub fn one_line<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    each(d, |a| {
        (a.is_empty() || a.chars().any(char::is_control))
            .then(|| "must be one line, such as `Bearer …` or `Basic …`".into())
    })
}

pub fn not_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    each(d, |s| s.is_empty().then(|| "must not be empty".into()))
}

/// Addresses or ranges: `192.0.2.0/24`, `2001:db8::/32`, `127.0.0.1`.
pub fn ranges<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<crate::proxy::Cidr>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|p| {
            crate::proxy::range(p).ok_or_else(|| {
                D::Error::custom(format!(
                    "`{p}` is not an IP address or range (192.0.2.0/24)"
                ))
            })
        })
        .collect()
}

pub fn mailbox<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Texts,
{
    each(d, |a| {
        a.parse::<lettre::message::Mailbox>()
            .is_err()
            .then(|| format!("`{a}` is not an e-mail address"))
    })
}

pub fn smtp_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    each(d, |url| {
        lettre::SmtpTransport::from_url(url).is_err().then(|| {
            "must be a URL like smtp://host:25, smtp://host:587?tls=required or smtps://host:465"
                .into()
        })
    })
}

pub fn http_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    each(d, |url| {
        (!(url.starts_with("http://") || url.starts_with("https://")))
            .then(|| format!("`{url}` is not an http:// or https:// URL"))
    })
}

/// A worklist provider: `dimse://AET@HOST:PORT` only.
pub fn worklist<'de, D: Deserializer<'de>>(d: D) -> Result<Option<super::Destination>, D::Error> {
    checked(d, |w: &Option<super::Destination>| {
        (!matches!(w, None | Some(super::Destination::Dimse { .. })))
            .then(|| "must be the worklist's dimse://AET@HOST:PORT".to_owned())
    })
}
