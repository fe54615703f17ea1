//! HTTP from the tests' side, below the peers that answer it.

use std::time::Duration;

fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET `url`, returning (status, body).
pub fn get(url: &str) -> Option<(u16, Vec<u8>)> {
    let mut resp = http().get(url).call().ok()?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(1 << 32)
        .read_to_vec()
        .ok()?;
    Some((status, body))
}
