//! The pseudo-random generator behind a script's `math.random` (Redis's `rand.c`): the 48-bit
//! linear congruential generator of `drand48`, reseeded with 0 before every script so a script
//! draws the same numbers on every call and on every server, as Redis 7.0 does.

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
    pub fn next(&mut self) -> i32 {
        self.x = (A.wrapping_mul(self.x).wrapping_add(C)) & MASK;
        (self.x >> 17) as i32
    }
}

impl Default for Rand48 {
    fn default() -> Self {
        Rand48::new(0)
    }
}
