//! Wrong-password lockout, per client, that a client cannot dodge.
//!
//! - **Who is the client**: as [`crate::proxy::client_ip`] says (the peer,
//!   or behind a trusted proxy the address it reports).
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

use crate::clock::now;
use crate::secret::ServerSecret;
use crate::store::{Store, StoreError};

/// Wrong passwords before a client is locked out.
pub const FREE_FAILURES: u32 = 5;
/// First lockout in seconds; doubles with every further failure.
const FIRST_LOCKOUT: i64 = 30;
/// Longest lockout in seconds.
const MAX_LOCKOUT: i64 = 3600;

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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
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
