//! Whom to believe about who the client is: the trusted proxies
//! (`trusted_proxies`, [`Cidr`] ranges) and the client's address behind
//! them ([`client_ip`]): the TCP peer, or — when the peer is a trusted
//! proxy — the right-most `X-Forwarded-For` entry that is not itself a
//! trusted proxy, reading *every* header line (a proxy such as HAProxy
//! appends a line of its own; entries further left are the client's word
//! and prove nothing). The lockout, the session count and the rate limit
//! key by it; the warnings where senders may share one address are here
//! too.

use std::net::IpAddr;

/// An address range: `192.0.2.0/24`, `2001:db8::/32`.
pub type Cidr = ipnet::IpNet;

/// A range as `trusted_proxies` writes it: `192.0.2.0/24`,
/// `2001:db8::/32`, or one address.
pub fn range(s: &str) -> Option<Cidr> {
    let s = s.trim();
    s.parse()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(Cidr::from))
}

/// The client's address (see the module docs). `forwarded` holds every
/// `X-Forwarded-For` line in order.
pub fn client_ip(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[Cidr]) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(&ip));
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
        && !peer.is_some_and(|p| trusted.iter().any(|c| c.contains(&p)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn cidr(s: &str) -> Cidr {
        range(s).unwrap()
    }

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

    #[test]
    fn ranges() {
        assert!(cidr("10.0.0.0/8").contains(&ip("10.200.1.2")));
        assert!(!cidr("10.0.0.0/8").contains(&ip("11.0.0.1")));
        assert!(cidr("192.0.2.0/25").contains(&ip("192.0.2.127")));
        assert!(!cidr("192.0.2.0/25").contains(&ip("192.0.2.128")));
        assert!(cidr("127.0.0.1").contains(&ip("127.0.0.1")));
        assert!(!cidr("127.0.0.1").contains(&ip("127.0.0.2")));
        assert!(cidr("2001:db8::/32").contains(&ip("2001:db8:ffff::1")));
        assert!(!cidr("2001:db8::/32").contains(&ip("10.0.0.1")));
        assert!(range("10.0.0.0/33").is_none());
        assert!(range("nonsense").is_none());
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
}
