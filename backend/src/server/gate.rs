//! Server-wide limits on expensive work held at once (request bodies in
//! memory, Argon2 password checks): a request either gets a permit at
//! once or is refused (`rate-limited`, `Retry-After: 1`) — it never
//! queues, so waiting requests cannot pile up memory either.

use std::sync::atomic::{AtomicUsize, Ordering};

/// At most `max` holders at a time.
#[derive(Debug)]
pub struct Gate {
    in_use: AtomicUsize,
    max: usize,
}

/// One holder's place; given back when dropped.
#[derive(Debug)]
pub struct Permit<'a>(&'a Gate);

impl Gate {
    /// A gate for `max` holders.
    pub fn new(max: usize) -> Self {
        Gate {
            in_use: AtomicUsize::new(0),
            max,
        }
    }

    /// A place, if one is free now.
    pub fn try_enter(&self) -> Option<Permit<'_>> {
        self.in_use
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Permit(self))
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.in_use.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
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
}
