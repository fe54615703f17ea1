//! The two helpers every peer needs: a free port, and waiting for a
//! condition. Below the peers (`fixtures`, `postgres`), which share them.

use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A TCP port that was free a moment ago (Orthanc cannot bind port 0).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
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
