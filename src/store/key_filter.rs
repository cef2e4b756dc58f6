//! The keys a run has accepted, in little memory that does not grow with each key: a
//! Bloom filter, which may say "seen" of a key it never took (rarely; the caller then
//! looks in the journal) and never says "not seen" of one it took. When a layer is full,
//! a layer twice as large is added, so the rate of wrong answers stays low for any run.

/// Bits per key of a layer at capacity, and hash probes per key: about one wrong "seen" in
/// 10 000 lookups.
const BITS_PER_KEY: usize = 20;
const PROBES: u64 = 13;

/// Keys the first layer holds (its 2 Mi bits are 256 KiB, touched only as they are set).
const FIRST_CAPACITY: usize = 1 << 17;

#[derive(Debug, Default)]
pub struct KeyFilter {
    layers: Vec<Layer>,
}

#[derive(Debug)]
struct Layer {
    bits: Vec<u64>,
    capacity: usize,
    keys: usize,
}

impl Layer {
    fn new(capacity: usize) -> Layer {
        Layer {
            bits: vec![0; (capacity * BITS_PER_KEY).div_ceil(64)],
            capacity,
            keys: 0,
        }
    }

    fn contains(&self, hash: u64) -> bool {
        positions(self.bits.len(), hash).all(|p| self.bits[p / 64] & (1 << (p % 64)) != 0)
    }

    fn insert(&mut self, hash: u64) {
        for p in positions(self.bits.len(), hash) {
            self.bits[p / 64] |= 1 << (p % 64);
        }
        self.keys += 1;
    }
}

/// The bit positions of a key hash in `words` words of bits (double hashing on its two
/// halves).
fn positions(words: usize, hash: u64) -> impl Iterator<Item = usize> {
    let len = (words * 64) as u64;
    let (a, b) = (hash & 0xffff_ffff, (hash >> 32) | 1);
    (0..PROBES).map(move |i| (a.wrapping_add(i.wrapping_mul(b)) % len) as usize)
}

impl KeyFilter {
    /// Whether `hash` may have been inserted (`false`: it certainly was not).
    pub fn contains(&self, hash: u64) -> bool {
        self.layers.iter().any(|layer| layer.contains(hash))
    }

    pub fn insert(&mut self, hash: u64) {
        let full = self.layers.last().is_none_or(|l| l.keys >= l.capacity);
        if full {
            let capacity = self
                .layers
                .last()
                .map_or(FIRST_CAPACITY, |l| l.capacity * 2);
            self.layers.push(Layer::new(capacity));
        }
        self.layers.last_mut().expect("pushed above").insert(hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(i: u64) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        format!("key-{i}").hash(&mut h);
        h.finish()
    }

    #[test]
    fn every_key_taken_is_seen_and_few_others_are() {
        let mut filter = KeyFilter::default();
        let n = 300_000;
        for i in 0..n {
            filter.insert(hash(i));
        }
        assert!((0..n).all(|i| filter.contains(hash(i))));
        assert_eq!(
            filter.layers.len(),
            2,
            "a second layer once the first was full"
        );
        let wrong = (n..n + 100_000)
            .filter(|&i| filter.contains(hash(i)))
            .count();
        assert!(wrong < 100, "{wrong} of 100 000 keys never taken were seen");
    }
}
