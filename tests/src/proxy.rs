//! A TCP proxy between a sender and the server (or servers): each new
//! connection goes to the next upstream in turn (skipping one that does
//! not answer), and a connection is cut, both ways at once, after
//! `cut_after` bytes from the client: a line that drops every few
//! megabytes, and a load balancer in front of several nodes.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The running proxy; stops accepting when dropped.
#[derive(Debug)]
pub struct CuttingProxy {
    /// Where senders connect.
    pub port: u16,
    cuts: Arc<AtomicUsize>,
    /// Connections made to each upstream, in `upstreams` order.
    per_upstream: Arc<Vec<AtomicUsize>>,
    stop: Arc<AtomicBool>,
}

impl CuttingProxy {
    /// A proxy to one upstream port.
    pub fn start(upstream: u16, cut_after: usize) -> CuttingProxy {
        Self::round_robin(&[upstream], cut_after)
    }

    /// A proxy sending each connection to the next of `upstreams`.
    pub fn round_robin(upstreams: &[u16], cut_after: usize) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let cuts = Arc::new(AtomicUsize::new(0));
        let per_upstream: Arc<Vec<AtomicUsize>> =
            Arc::new(upstreams.iter().map(|_| AtomicUsize::new(0)).collect());
        let stop = Arc::new(AtomicBool::new(false));
        let (c, counts, s) = (cuts.clone(), Arc::clone(&per_upstream), stop.clone());
        let upstreams = upstreams.to_vec();
        std::thread::spawn(move || {
            let mut next = 0usize;
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let _ = client.set_nonblocking(false);
                        // The next upstream that takes the connection.
                        let server = (0..upstreams.len()).find_map(|_| {
                            let i = next % upstreams.len();
                            next += 1;
                            TcpStream::connect(("127.0.0.1", upstreams[i]))
                                .ok()
                                .map(|s| (i, s))
                        });
                        let Some((i, server)) = server else { continue };
                        counts[i].fetch_add(1, Ordering::Relaxed);
                        let cuts = c.clone();
                        let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
                            continue;
                        };
                        // Server → client: as is.
                        std::thread::spawn(move || pump(s2, c2, usize::MAX, None));
                        // Client → server: cut after `cut_after` bytes.
                        std::thread::spawn(move || pump(client, server, cut_after, Some(cuts)));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        CuttingProxy {
            port,
            cuts,
            per_upstream,
            stop,
        }
    }

    /// Connections cut so far.
    pub fn cuts(&self) -> usize {
        self.cuts.load(Ordering::Relaxed)
    }

    /// Connections made to upstream `i` so far.
    pub fn connections_to(&self, i: usize) -> usize {
        self.per_upstream
            .get(i)
            .map_or(0, |n| n.load(Ordering::Relaxed))
    }
}

impl Drop for CuttingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Copies `from` → `to`; after `limit` bytes shuts both down (counting a
/// cut).
fn pump(mut from: TcpStream, mut to: TcpStream, limit: usize, cuts: Option<Arc<AtomicUsize>>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut passed = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let allowed = n.min(limit - passed);
        if to.write_all(&buf[..allowed]).is_err() {
            break;
        }
        passed += allowed;
        if passed >= limit {
            if let Some(c) = &cuts {
                c.fetch_add(1, Ordering::Relaxed);
            }
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
