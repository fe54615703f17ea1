//! Wrong-password lockout, per client, that a client cannot dodge.
//!
//! - **Who is the client**: the TCP peer, or — when the peer is a trusted
//!   proxy ([`Cidr`] ranges from `trusted_proxies`) — the right-most
//!   `X-Forwarded-For` entry that is not itself a trusted proxy, reading
//!   *every* header line (a proxy such as HAProxy appends a line of its
//!   own; entries further left are the client's word and prove nothing).
//! - **Keyed per network**: an IPv4 address as it is, an IPv6 address by
//!   its /64 (one household or phone gets a whole /64).
//! - **Counted before checking**: [`Lockout::reserve`] books an attempt
//!   before the password is hashed; attempts in flight count against the
//!   free ones, so many guesses at once are not all checked.
//! - **Durable and anonymous**: counters live in the database under a
//!   keyed hash of the client (server secret), so a restart does not reset
//!   them and neither the database nor the audit log holds an address
//!   (the key is [`ServerSecret`]).
//!
//! After [`FREE_FAILURES`] wrong passwords a client waits 30 s, doubling
//! with every further one up to an hour; a right password clears it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::params;
use crate::store::{OptionalExtension, Sql};

use crate::secret::ServerSecret;
use crate::store::{now, Store, StoreError};

/// Wrong passwords before a client is locked out.
pub const FREE_FAILURES: u32 = 5;
/// First lockout in seconds; doubles with every further failure.
const FIRST_LOCKOUT: i64 = 30;
/// Longest lockout in seconds.
const MAX_LOCKOUT: i64 = 3600;

/// An address range: `192.0.2.0/24`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Cidr {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| ())?)),
            None => (s.trim(), None),
        };
        let net: IpAddr = addr.parse().map_err(|_| ())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(());
        }
        Ok(Cidr { net, prefix })
    }
}

impl Cidr {
    /// Whether `ip` lies in the range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            _ => false,
        }
    }
}

/// Whether the first `bits` bits of `a` and `b` are equal.
fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = (usize::from(bits / 8), bits % 8);
    if a.get(..whole) != b.get(..whole) {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    matches!((a.get(whole), b.get(whole)), (Some(x), Some(y)) if x & mask == y & mask)
}

/// The client's address (see the module docs). `forwarded` holds every
/// `X-Forwarded-For` line in order.
pub fn client_ip(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[Cidr]) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    forwarded
        .iter()
        .rev()
        .flat_map(|line| line.rsplit(','))
        .map(|entry| entry.trim().parse::<IpAddr>())
        .find(|ip| ip.as_ref().map_or(true, |ip| !is_trusted(*ip)))
        .and_then(Result::ok)
        .unwrap_or(peer)
}

/// Whether senders may reach a server listening on `listen` through a
/// NAT or a proxy, all under one address: it listens on every interface
/// (`0.0.0.0`, `::`) or on a private one (RFC 1918, the shared space of
/// RFC 6598, link-local, IPv6 unique-local). Loopback is not (the
/// default, for development; a proxy on the same machine is the case
/// [`forwarded_from_untrusted`] notices when requests arrive).
pub fn reachable_behind_nat(listen: IpAddr) -> bool {
    let listen = match listen {
        IpAddr::V6(a) => a.to_ipv4_mapped().map_or(listen, IpAddr::V4),
        v4 => v4,
    };
    match listen {
        IpAddr::V4(a) => {
            let [x, y, ..] = a.octets();
            a.is_unspecified()
                || a.is_private()
                || a.is_link_local()
                || (x == 100 && (64..128).contains(&y))
        }
        IpAddr::V6(a) => {
            let first = a.segments()[0];
            a.is_unspecified() || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80
        }
    }
}

/// The warning at start for a server on `listen` with no trusted proxy
/// that senders may reach from behind a NAT or proxy
/// ([`reachable_behind_nat`]); `None` when none is due.
pub fn shared_address_warning(listen: IpAddr, trusted: &[Cidr]) -> Option<&'static str> {
    (trusted.is_empty() && reachable_behind_nat(listen)).then_some(
        "the server listens on a private address or on every interface and trusted_proxies is \
         empty: senders behind one NAT or reverse proxy share one address, and 5 wrong passwords \
         or max_sessions_per_client open sessions from it block all of them; behind a proxy, \
         set trusted_proxies to its address (mailslot.example.toml)",
    )
}

/// Whether a request carries `X-Forwarded-For` from a peer that is not a
/// trusted proxy: the header is ignored then (rightly, if the sender
/// wrote it), but a proxy left out of `trusted_proxies` makes every
/// sender look like the proxy.
pub fn forwarded_from_untrusted(
    peer: Option<IpAddr>,
    forwarded: &[&str],
    trusted: &[Cidr],
) -> bool {
    !forwarded.iter().all(|l| l.trim().is_empty())
        && !peer.is_some_and(|p| trusted.iter().any(|c| c.contains(p)))
}

/// The network a client is counted by: an IPv4 address, or an IPv6 /64.
fn network_of(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => a.octets()[..8].to_vec(),
        },
    }
}

/// The lockout counters and the attempts in flight.
#[derive(Debug)]
pub struct Lockout {
    store: Arc<Store>,
    secret: ServerSecret,
    in_flight: Mutex<HashMap<String, u32>>,
}

/// One booked attempt; dropped without a verdict it is simply given back.
#[derive(Debug)]
pub struct Attempt {
    lockout: Arc<Lockout>,
    client: String,
}

impl Lockout {
    /// Counters in `store`, clients hashed with the server's secret.
    pub fn new(store: Arc<Store>, secret: ServerSecret) -> Self {
        Lockout {
            store,
            secret,
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// The client's key: a keyed hash of its network (no address kept).
    pub fn client_key(&self, ip: IpAddr) -> String {
        self.secret.keyed("mailslot client v1", &[&network_of(ip)])[..32].to_owned()
    }

    /// Books an attempt for `ip`, or `Err(seconds)` while it must wait —
    /// also when the attempts in flight would use up its free ones.
    /// Blocking (it reads the database): call it from `web::block`.
    pub fn reserve(self: &Arc<Self>, ip: IpAddr) -> Result<Attempt, u64> {
        let client = self.client_key(ip);
        let t = now();
        // The count is read with the attempts in flight held still: an
        // attempt that fails meanwhile is recorded before it leaves the
        // flight (`failed`, then drop), so it is counted in one or the
        // other, never in neither. (Read first and locked after, as before
        // reservations ran on several threads, 6 of 20 concurrent guesses
        // were checked.)
        let mut flight = self.in_flight.lock().map_err(|_| 1u64)?;
        let (failures, until) = self.row(&client).map_err(|_| 1u64)?.unwrap_or((0, None));
        if let Some(until) = until.filter(|u| *u > t) {
            return Err((until - t).max(1) as u64);
        }
        let pending = flight.entry(client.clone()).or_insert(0);
        if failures + *pending >= FREE_FAILURES {
            return Err(FIRST_LOCKOUT as u64);
        }
        *pending += 1;
        Ok(Attempt {
            lockout: Arc::clone(self),
            client,
        })
    }

    fn row(&self, client: &str) -> Result<Option<(u32, Option<i64>)>, StoreError> {
        self.store
            .conn()?
            .query_row(
                "SELECT failures, locked_until FROM lockouts WHERE client = ?1",
                params![client],
                |r| Ok((r.get::<u32>(0)?, r.get(1)?)),
            )
            .optional()
    }

    /// Forgets counters not touched for a day (housekeeping).
    pub fn forget_old(store: &Store, at: i64) -> Result<usize, StoreError> {
        store.conn()?.execute(
            "DELETE FROM lockouts WHERE updated_at < ?1 AND COALESCE(locked_until, 0) < ?2",
            params![at - 86_400, at],
        )
    }
}

impl Attempt {
    /// The client's keyed hash (for the audit log).
    pub fn client(&self) -> &str {
        &self.client
    }

    /// A wrong password: counted, and the lockout set once past the free ones.
    pub fn failed(self) -> Result<(), StoreError> {
        let t = now();
        let conn = self.lockout.store.conn()?;
        // Counted in the database in one statement: nodes sharing it
        // cannot lose a failure between reading and writing the count.
        let failures: u32 = conn.query_row(
            "INSERT INTO lockouts (client, failures, locked_until, updated_at) VALUES (?1, 1, NULL, ?2)
             ON CONFLICT(client) DO UPDATE SET failures = lockouts.failures + 1, updated_at = ?2
             RETURNING failures",
            params![self.client, t],
            |r| r.get(0),
        )?;
        if failures >= FREE_FAILURES {
            let exp = (failures - FREE_FAILURES).min(10);
            let until = t + (FIRST_LOCKOUT << exp).min(MAX_LOCKOUT);
            conn.execute(
                "UPDATE lockouts SET locked_until = ?2 WHERE client = ?1",
                params![self.client, until],
            )?;
        }
        Ok(())
    }

    /// The right password: the client starts afresh.
    pub fn succeeded(self) -> Result<(), StoreError> {
        self.lockout.store.conn()?.execute(
            "DELETE FROM lockouts WHERE client = ?1",
            params![self.client],
        )?;
        Ok(())
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if let Ok(mut flight) = self.lockout.in_flight.lock() {
            if let Some(n) = flight.get_mut(&self.client) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    flight.remove(&self.client);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server on a private address or every interface, with no trusted
    /// proxy, is told at start that senders behind one NAT or proxy
    /// share one address (and its lockout); loopback, a public address or
    /// a configured proxy are not.
    #[test]
    fn a_private_listen_address_without_a_trusted_proxy_is_warned_about() {
        let private = "0.0.0.0 :: 10.1.2.3 172.16.0.1 172.31.255.1 192.168.1.10 100.64.0.1 \
                       169.254.1.1 fd00::1 fe80::1 ::ffff:192.168.1.10";
        for a in private.split_whitespace() {
            assert!(shared_address_warning(ip(a), &[]).is_some(), "{a}");
            assert!(shared_address_warning(ip(a), &[cidr("10.0.0.1")]).is_none());
        }
        let public = "127.0.0.1 ::1 192.0.2.1 172.32.0.1 100.128.0.1 2001:db8::1";
        for a in public.split_whitespace() {
            assert!(shared_address_warning(ip(a), &[]).is_none(), "{a}");
        }
        let proxy = [cidr("127.0.0.1")];
        let local = Some(ip("127.0.0.1"));
        assert!(forwarded_from_untrusted(local, &["192.0.2.7"], &[]));
        assert!(!forwarded_from_untrusted(local, &["192.0.2.7"], &proxy));
        assert!(!forwarded_from_untrusted(local, &[], &[]));
        assert!(!forwarded_from_untrusted(local, &[" "], &[]));
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn cidr(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges() {
        assert!(cidr("10.0.0.0/8").contains(ip("10.200.1.2")));
        assert!(!cidr("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(cidr("192.0.2.0/25").contains(ip("192.0.2.127")));
        assert!(!cidr("192.0.2.0/25").contains(ip("192.0.2.128")));
        assert!(cidr("127.0.0.1").contains(ip("127.0.0.1")));
        assert!(!cidr("127.0.0.1").contains(ip("127.0.0.2")));
        assert!(cidr("2001:db8::/32").contains(ip("2001:db8:ffff::1")));
        assert!(!cidr("2001:db8::/32").contains(ip("10.0.0.1")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("nonsense".parse::<Cidr>().is_err());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy = [cidr("127.0.0.0/8")];
        // No proxy configured: the peer, whatever the header says.
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), &["192.0.2.7"], &[]),
            ip("127.0.0.1")
        );
        // From the proxy: the right-most address it added.
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), &["198.51.100.1, 192.0.2.7"], &proxy),
            ip("192.0.2.7")
        );
        // A second header line (HAProxy's own) is read too, from the right.
        assert_eq!(
            client_ip(
                Some(ip("127.0.0.1")),
                &["198.51.100.1", "192.0.2.7"],
                &proxy
            ),
            ip("192.0.2.7")
        );
        // A client cannot claim another address past the proxy.
        assert_eq!(
            client_ip(Some(ip("192.0.2.9")), &["192.0.2.7"], &proxy),
            ip("192.0.2.9")
        );
        // Chains of trusted proxies are skipped; garbage stops the search.
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), &["192.0.2.7, 127.0.0.5"], &proxy),
            ip("192.0.2.7")
        );
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), &["nonsense"], &proxy),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), &[], &proxy),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn ipv6_is_counted_per_64() {
        assert_eq!(
            network_of(ip("2001:db8:1:2::1")),
            network_of(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            network_of(ip("2001:db8:1:2::1")),
            network_of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            network_of(ip("::ffff:192.0.2.1")),
            network_of(ip("192.0.2.1"))
        );
    }
}
