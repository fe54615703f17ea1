//! The two helpers every peer needs: a free port, and waiting for a
//! condition. Below the peers (`server`, `pacs`, `postgres` …), which
//! share them.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Ports this test process has handed out already.
static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);

/// A TCP port that was free a moment ago (Orthanc cannot bind port 0) and
/// that this process has not handed out before: the kernel may give the
/// same ephemeral port to two binds in a row once the first is closed, and
/// a test asking for two ports (nginx's TLS and plain listeners) then had
/// both on one port.
pub fn free_port() -> u16 {
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
    let handed_out = handed_out.get_or_insert_with(HashSet::new);
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("no free port");
        if handed_out.insert(port) {
            return port;
        }
    }
}

/// Polls `check` until it is true or `timeout` passes.
pub fn wait_for(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    check()
}

#[cfg(test)]
mod tests {
    /// Regression: two ports asked for one after the other were sometimes
    /// the same (CI run of 45a47d0: nginx's TLS and HTTP listeners on one
    /// port). Among 2,000 ports from the kernel's ephemeral range repeats
    /// are all but certain without the record of handed-out ports.
    #[test]
    fn ports_handed_out_are_never_handed_out_again() {
        let ports: Vec<u16> = (0..2000).map(|_| super::free_port()).collect();
        let distinct: std::collections::HashSet<_> = ports.iter().collect();
        assert_eq!(distinct.len(), ports.len());
    }
}
