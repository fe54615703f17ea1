//! HTTP from the tests' side: a GET, a request with any method and
//! headers, a raw request head. Below the peers, which use `get`.

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

/// `method` `url` with `headers` and `body`, whatever the status:
/// (status, headers with lower-case names, body as text).
pub fn call(
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let req = ureq::http::Request::builder().method(method).uri(url);
    let req = headers
        .iter()
        .fold(req, |r, (k, v)| r.header(*k, v.as_str()));
    let mut resp = agent
        .run(req.body(body.to_vec()).expect("a request"))
        .expect("an answer");
    let hs = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (resp.status().as_u16(), hs, text)
}

/// The `code` of an error reply's JSON body (empty when there is none).
pub fn code_of(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Writes a raw HTTP/1.1 request head to a new connection to `url`
/// (`http://HOST:PORT`): for what a client library will not send.
pub fn raw_request(url: &str, head: &str) -> std::net::TcpStream {
    use std::io::Write;
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.write_all(head.as_bytes()).expect("the request head");
    stream
}

/// Reads what the server answered (until it closes or `secs` pass).
pub fn reply(mut stream: std::net::TcpStream, secs: u64) -> String {
    use std::io::Read;
    stream
        .set_read_timeout(Some(Duration::from_secs(secs)))
        .expect("a read timeout");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
