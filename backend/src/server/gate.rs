//! Server-wide limits on expensive work held at once (request bodies in
//! memory, Argon2 password checks). A request waits in line for a place
//! for a bounded time, then is refused (`rate-limited`, `Retry-After: 1`).
//! Waiting costs no memory of ours: a body is read, and a password hashed,
//! only once the request has its place. Without the wait, 50 senders at
//! once were refused again and again, and the refusals and retries cost
//! more than the uploads (`load::fifty_senders_at_once_all_arrive`).

use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

/// How long a request waits in line for a place before it is refused as
/// busy.
pub const WAIT: Duration = Duration::from_secs(5);

/// At most `max` holders at a time; the others in line, first come first
/// served.
#[derive(Debug)]
pub struct Gate {
    places: Semaphore,
}

/// One holder's place; given back when dropped.
#[derive(Debug)]
pub struct Permit<'a> {
    _place: SemaphorePermit<'a>,
}

impl Gate {
    /// A gate for `max` holders.
    pub fn new(max: usize) -> Self {
        Gate {
            places: Semaphore::new(max),
        }
    }

    /// A place, if one is free now.
    pub fn try_enter(&self) -> Option<Permit<'_>> {
        let place = self.places.try_acquire().ok()?;
        Some(Permit { _place: place })
    }

    /// A place, if one comes free within `wait`.
    pub async fn enter_within(&self, wait: Duration) -> Option<Permit<'_>> {
        match tokio::time::timeout(wait, self.places.acquire()).await {
            Ok(Ok(place)) => Some(Permit { _place: place }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Gate;

    #[test]
    fn at_most_max_holders_and_places_come_back() {
        let gate = Gate::new(2);
        let a = gate.try_enter();
        let b = gate.try_enter();
        assert!(a.is_some() && b.is_some());
        assert!(gate.try_enter().is_none());
        drop(a);
        assert!(gate.try_enter().is_some());
    }

    #[actix_web::test]
    async fn a_place_is_waited_for_only_so_long() {
        let gate = Gate::new(1);
        let held = gate.try_enter();
        assert!(held.is_some());
        assert!(gate.enter_within(Duration::from_millis(50)).await.is_none());
        let (waiting, ()) =
            futures_util::future::join(gate.enter_within(Duration::from_secs(5)), async {
                actix_web::rt::time::sleep(Duration::from_millis(50)).await;
                drop(held);
            })
            .await;
        assert!(
            waiting.is_some(),
            "the place given back went to the one in line"
        );
    }
}
