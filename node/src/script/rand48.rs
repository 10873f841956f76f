//! The pseudo-random generator behind a script's `math.random` (Redis's `rand.c`): the 48-bit
//! linear congruential generator of `drand48`. As in Redis 7.0 it is not reseeded per script: it
//! starts from `drand48`'s own initial state when the server starts (so a fresh server draws
//! the same numbers as a fresh redis-server) and `math.randomseed` resets it.

const A: u64 = 0x5_DEEC_E66D;
const C: u64 = 0xB;
const MASK: u64 = (1 << 48) - 1;

/// Largest value [`Rand48::next`] returns (Redis's `REDIS_LRAND48_MAX`, `INT32_MAX`).
pub const MAX: i32 = i32::MAX;

#[derive(Debug, Clone)]
pub struct Rand48 {
    x: u64,
}

impl Rand48 {
    /// `srand48(seed)`: the high 32 bits of the state are the seed, the low 16 are 0x330E.
    pub fn new(seed: i32) -> Rand48 {
        Rand48 { x: (((seed as u32) as u64) << 16 | 0x330E) & MASK }
    }

    /// `lrand48()`: the next 31-bit value.
    pub fn next_value(&mut self) -> i32 {
        self.x = (A.wrapping_mul(self.x).wrapping_add(C)) & MASK;
        (self.x >> 17) as i32
    }
}

impl Default for Rand48 {
    /// The state before any `srand48` call (X0..X2 = 0x330E, 0xABCD, 0x1234).
    fn default() -> Self {
        Rand48 { x: 0x1234_ABCD_330E }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(r: &mut Rand48) -> String {
        format!("{:.14}", (r.next_value() % MAX) as f64 / MAX as f64)
    }

    #[test]
    fn sequences_match_redis() {
        // A fresh redis-server 7.0.15: EVAL "return tostring(math.random())" twice.
        let mut r = Rand48::default();
        assert_eq!(unit(&mut r), "0.39646477363839");
        assert_eq!(unit(&mut r), "0.84048536971234");
        // After math.randomseed(0).
        let mut r = Rand48::new(0);
        assert_eq!(unit(&mut r), "0.17082803611217");
    }
}
