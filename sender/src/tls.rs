//! TLS trust for the HTTP clients (STOW-RS to the PACS, `mailslot send` to
//! the server): a hospital's own CA instead of the public roots.

/// A TLS configuration trusting exactly the certificates in `pem`; `None`
/// if it holds none.
pub fn trusting(pem: &[u8]) -> Option<ureq::tls::TlsConfig> {
    let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return None;
    }
    Some(
        ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_without_certificates_trusts_nothing() {
        assert!(super::trusting(b"not a certificate").is_none());
    }
}
