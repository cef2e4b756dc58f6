//! The keys one run (or one server's life) has accepted, in memory that does not grow
//! with each: the latest exactly, in two generations of a bounded map, and every one of
//! them in a Bloom filter, whose rare "maybe" the caller settles from the journal.

use std::collections::HashMap;

use super::key_filter::KeyFilter;

/// Keys per generation: a retry or a double send comes within this many acceptances.
const GENERATION: usize = 2048;

/// What is known of a key.
pub enum Lookup<V> {
    /// Accepted lately, with what it left.
    Known(V),
    /// Perhaps accepted before the last two generations: the journal tells.
    Maybe,
    /// Not accepted by this run.
    No,
}

#[derive(Debug)]
pub struct RunKeys<V> {
    recent: HashMap<u64, V>,
    older: HashMap<u64, V>,
    all: KeyFilter,
}

impl<V: Copy> Default for RunKeys<V> {
    fn default() -> Self {
        RunKeys {
            recent: HashMap::new(),
            older: HashMap::new(),
            all: KeyFilter::default(),
        }
    }
}

impl<V: Copy> RunKeys<V> {
    pub fn get(&self, hash: u64) -> Lookup<V> {
        if let Some(v) = self.recent.get(&hash).or_else(|| self.older.get(&hash)) {
            return Lookup::Known(*v);
        }
        if self.all.contains(hash) {
            Lookup::Maybe
        } else {
            Lookup::No
        }
    }

    pub fn insert(&mut self, hash: u64, value: V) {
        if self.recent.len() >= GENERATION {
            self.older = std::mem::take(&mut self.recent);
        }
        self.recent.insert(hash, value);
        self.all.insert(hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_keys_are_known_and_older_ones_are_maybe() {
        let mut keys = RunKeys::default();
        let n = 3 * GENERATION as u64;
        for i in 0..n {
            keys.insert(i.wrapping_mul(0x9e37_79b9_7f4a_7c15), i);
        }
        let at = |i: u64| keys.get(i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        assert!(matches!(at(n - 1), Lookup::Known(v) if v == n - 1));
        assert!(matches!(
            at(n - 2 * GENERATION as u64 + 1),
            Lookup::Known(_)
        ));
        assert!(matches!(at(0), Lookup::Maybe));
        assert!(matches!(keys.get(12345), Lookup::No));
    }
}
