//! A stable-Rust fuzz of the request parser (the cargo-fuzz target in `node/fuzz` needs nightly):
//! about 200k random and mutated-valid inputs, each fed in randomly split chunks. Properties:
//! - it never panics, never loops (every call consumes input, asks for more, or fails), and the
//!   memory it holds stays bounded by its input;
//! - the outcome does not depend on how the input was split into reads;
//! - valid pipelines (multibulk and inline) round-trip exactly.
//!
//! The PRNG is a fixed-seed xorshift, so a failure reproduces; the failing input is printed.

use bytes::{Bytes, BytesMut};
use redis_ha_node::resp::request::{Limits, ProtocolError, Request, RequestParser, INLINE_MAX_SIZE};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Unix ms of the last input any test finished; the watchdog aborts when it stops moving.
static LAST_PROGRESS: AtomicU64 = AtomicU64::new(0);
static GUARD: Once = Once::new();
/// No single input may take this long: the parser would be looping.
const STALL: Duration = Duration::from_secs(20);

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Bounds the whole test process: a parser stuck inside one call (which no assertion can see)
/// is reported by a watchdog, and one that allocates without bound hits an address-space cap
/// instead of exhausting the machine's memory.
fn guard() {
    GUARD.call_once(|| {
        // Best effort: prlimit(1) from util-linux caps this process's address space at 8 GiB.
        let _ = std::process::Command::new("prlimit").args(["--pid", &std::process::id().to_string(), "--as=8589934592"]).status();
        LAST_PROGRESS.store(now_ms(), Ordering::Relaxed);
        std::thread::spawn(|| loop {
            std::thread::sleep(Duration::from_secs(1));
            if now_ms().saturating_sub(LAST_PROGRESS.load(Ordering::Relaxed)) > STALL.as_millis() as u64 {
                eprintln!("parser_fuzz: no input finished for {STALL:?}: the request parser is looping");
                std::process::abort();
            }
        });
    });
    LAST_PROGRESS.store(now_ms(), Ordering::Relaxed);
}

/// xorshift64*: small, deterministic, good enough to pick bytes and split points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const OPEN: Limits = Limits { max_bulk_len: 512 * 1024 * 1024, authenticated: true, from_master: false };

/// What parsing a whole input produced: the requests, then how it stopped.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    requests: Vec<Request>,
    error: Option<ProtocolError>,
    /// Bytes left unconsumed in the buffer when input ran out (without an error).
    leftover: usize,
}

/// Feeds `input` to a fresh parser in chunks ending at `cuts`, parsing after each chunk until it
/// wants more input, like the connection loop does. Panics if the parser stops making progress.
fn run(input: &[u8], cuts: &[usize], limits: Limits) -> Outcome {
    let mut p = RequestParser::new();
    let mut buf = BytesMut::new();
    let mut requests = Vec::new();
    let mut from = 0;
    let ends = cuts.iter().copied().chain(std::iter::once(input.len()));
    for end in ends {
        if end <= from {
            continue;
        }
        buf.extend_from_slice(&input[from..end]);
        from = end;
        // Each successful parse consumes at least one byte, so this bounds the calls per chunk.
        let mut budget = buf.len() + 2;
        loop {
            assert!(budget > 0, "parser loops without progress on {:?}", show(input));
            budget -= 1;
            let before = buf.len();
            match p.parse(&mut buf, limits) {
                Ok(Some(r)) => {
                    assert!(buf.len() < before, "a request was returned without consuming input: {:?}", show(input));
                    if let Request::Command(args) = &r {
                        assert!(!args.is_empty(), "empty command returned for {:?}", show(input));
                    }
                    requests.push(r);
                }
                Ok(None) => break,
                Err(e) => {
                    LAST_PROGRESS.store(now_ms(), Ordering::Relaxed);
                    return Outcome { requests, error: Some(e), leftover: 0 };
                }
            }
        }
        // What the parser keeps may not outgrow what it was given (plus Redis's 64 KiB line cap).
        assert!(buf.len() <= input.len(), "buffer grew beyond its input");
    }
    LAST_PROGRESS.store(now_ms(), Ordering::Relaxed);
    Outcome { requests, error: None, leftover: buf.len() }
}

fn show(b: &[u8]) -> String {
    let s = b.escape_ascii().to_string();
    if s.len() > 400 {
        format!("{}... ({} bytes)", &s[..400], b.len())
    } else {
        s
    }
}

fn random_cuts(rng: &mut Rng, len: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = match rng.below(4) {
        0 => Vec::new(),
        1 => (1..len).collect(), // one byte at a time
        _ => (0..rng.below(8)).map(|_| rng.below(len + 1)).collect(),
    };
    cuts.sort_unstable();
    cuts
}

/// A random argument; one in `big_one_in` is large enough for the 32 KiB big-argument path.
fn random_arg(rng: &mut Rng, big_one_in: usize) -> Vec<u8> {
    let len = if rng.chance(big_one_in) {
        rng.below(40_000)
    } else if rng.chance(8) {
        0
    } else {
        rng.below(20)
    };
    (0..len).map(|_| rng.next() as u8).collect()
}

fn encode(args: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// An inline-safe word: no spaces, quotes, control bytes, and not starting with `*`.
fn inline_word(rng: &mut Rng) -> Vec<u8> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.{}[]@!?*$";
    let len = 1 + rng.below(12);
    let mut w: Vec<u8> = (0..len).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect();
    if w[0] == b'*' {
        w[0] = b'x';
    }
    w
}

/// A random pipeline of valid requests and the commands it must parse to.
fn valid_pipeline(rng: &mut Rng, big_one_in: usize) -> (Vec<u8>, Vec<Vec<Vec<u8>>>) {
    let mut input = Vec::new();
    let mut want = Vec::new();
    for _ in 0..1 + rng.below(6) {
        if rng.chance(3) {
            let words: Vec<Vec<u8>> = (0..1 + rng.below(5)).map(|_| inline_word(rng)).collect();
            // The first word must not start with `*` (that would make it multibulk).
            let sep: &[u8] = if rng.chance(2) { b" " } else { b"  \t" };
            input.extend(words.join(sep));
            input.extend_from_slice(if rng.chance(2) { b"\r\n" } else { b"\n" });
            want.push(words);
        } else {
            let args: Vec<Vec<u8>> = (0..1 + rng.below(6)).map(|_| random_arg(rng, big_one_in)).collect();
            input.extend(encode(&args));
            want.push(args);
        }
    }
    (input, want)
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    const INTERESTING: &[&[u8]] = &[
        b"*",
        b"$",
        b"\r\n",
        b"\r",
        b"\n",
        b"-1",
        b"0",
        b"2147483647",
        b"2147483648",
        b"9223372036854775807",
        b"99999999999999999999",
        b"+",
        b"\"",
        b"'",
        b"\\x",
        b"\\",
        b"\x00",
        b" ",
        b"*-1\r\n",
        b"*0\r\n",
        b"$-1\r\n",
        b"*1\r\n$",
        b"01",
        b"-0",
    ];
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            1 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(8));
                input.drain(i..i + n);
            }
            3 => {
                let i = rng.below(len + 1);
                let s = INTERESTING[rng.below(INTERESTING.len())];
                input.splice(i..i, s.iter().copied());
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                let seg = input[i..i + n].to_vec();
                input.splice(i..i, seg);
            }
            5 if len > 0 => input.truncate(rng.below(len)),
            _ => {
                // Replace a number with an interesting one.
                if let Some(i) = input.iter().position(|b| b.is_ascii_digit()) {
                    let mut j = i;
                    while j < input.len() && input[j].is_ascii_digit() {
                        j += 1;
                    }
                    let s = INTERESTING[6 + rng.below(4)];
                    input.splice(i..j, s.iter().copied());
                }
            }
        }
    }
}

fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    let len = rng.below(300);
    // Bias towards protocol bytes so the interesting paths are reached.
    const BIASED: &[u8] = b"*$\r\n0123456789-\"' \\x";
    (0..len).map(|_| if rng.chance(2) { BIASED[rng.below(BIASED.len())] } else { rng.next() as u8 }).collect()
}

/// Client-side limits only: the master link (`from_master`) has no bulk limit by design (a
/// trusted peer, as in Redis), so hostile lengths there are out of scope.
fn limits_for(rng: &mut Rng) -> Limits {
    match rng.below(6) {
        0 => Limits { authenticated: false, ..OPEN },
        1 | 2 => Limits { max_bulk_len: 1024 * 1024, ..OPEN },
        _ => OPEN,
    }
}

#[test]
fn valid_pipelines_round_trip() {
    guard();
    let mut rng = Rng(0x5eed_0001);
    for _ in 0..20_000 {
        let (input, want) = valid_pipeline(&mut rng, 10);
        let cuts = random_cuts(&mut rng, input.len());
        let out = run(&input, &cuts, OPEN);
        assert_eq!(out.error, None, "valid input rejected: {:?}", show(&input));
        assert_eq!(out.leftover, 0, "unconsumed bytes after {:?}", show(&input));
        let got: Vec<Vec<Vec<u8>>> = out
            .requests
            .into_iter()
            .map(|r| match r {
                Request::Command(args) => args.into_iter().map(|a: Bytes| a.to_vec()).collect(),
                Request::Empty => panic!("valid command parsed as empty: {:?}", show(&input)),
            })
            .collect();
        assert_eq!(got, want, "round trip of {:?}", show(&input));
    }
}

#[test]
fn random_and_mutated_inputs_never_panic_loop_or_depend_on_splits() {
    guard();
    let mut rng = Rng(0x5eed_0002);
    let mut errors = 0usize;
    let mut requests = 0usize;
    for n in 0..180_000 {
        let input = if n % 3 == 0 {
            random_bytes(&mut rng)
        } else {
            let (mut input, _) = valid_pipeline(&mut rng, 500);
            mutate(&mut rng, &mut input);
            input
        };
        let limits = limits_for(&mut rng);
        let whole = run(&input, &[], limits);
        let cuts = random_cuts(&mut rng, input.len());
        let split = run(&input, &cuts, limits);
        // Past 64 KiB without a newline the outcome legitimately depends on the reads (Redis's
        // "too big inline request" fires on what is buffered), so compare only below that.
        if input.len() <= INLINE_MAX_SIZE {
            assert_eq!(whole, split, "outcome depends on read boundaries {cuts:?} for {:?}", show(&input));
        }
        errors += whole.error.is_some() as usize;
        requests += whole.requests.len();
    }
    // The generator must reach both the error paths and the success paths, or it tests nothing.
    assert!(errors > 10_000, "only {errors} inputs hit a protocol error");
    assert!(requests > 50_000, "only {requests} requests parsed");
}

#[test]
fn protocol_errors_are_redis_texts() {
    guard();
    const KNOWN: &[&str] = &[
        "ERR Protocol error: invalid multibulk length",
        "ERR Protocol error: expected '$', got '",
        "ERR Protocol error: invalid bulk length",
        "ERR Protocol error: unbalanced quotes in request",
        "ERR Protocol error: too big inline request",
        "ERR Protocol error: too big mbulk count string",
        "ERR Protocol error: too big bulk count string",
        "ERR Protocol error: unauthenticated multibulk length",
        "ERR Protocol error: unauthenticated bulk length",
    ];
    let mut rng = Rng(0x5eed_0003);
    for _ in 0..20_000 {
        let (mut input, _) = valid_pipeline(&mut rng, 500);
        mutate(&mut rng, &mut input);
        let limits = limits_for(&mut rng);
        if let Some(e) = run(&input, &[], limits).error {
            assert!(KNOWN.iter().any(|k| e.0.starts_with(k)), "unexpected error text {:?} for {:?}", e.0, show(&input));
        }
    }
}

#[test]
fn nul_before_the_line_end_waits_like_redis() {
    guard();
    // redis-server finds line ends with strchr, which stops at a NUL: such a request never completes
    // (until the 64 KiB limit turns it into "too big inline request"). It must not loop or run.
    for input in [&b"\x00\x01garbage\r\nPING\r\n"[..], b"SET a\x00b c\r\n", b"*1\x00\r\n$4\r\nPING\r\n"] {
        let out = run(input, &[], OPEN);
        assert_eq!((out.requests.len(), out.error), (0, None), "{:?}", show(input));
    }
    let mut long = b"PING\x00".to_vec();
    long.extend(vec![b'a'; INLINE_MAX_SIZE]);
    long.extend_from_slice(b"\r\n");
    let out = run(&long, &[], OPEN);
    assert_eq!(out.error.map(|e| e.0), Some("ERR Protocol error: too big inline request".to_string()));
}

#[test]
fn header_lines_end_at_the_first_cr_like_redis() {
    guard();
    // Redis takes the count/length line up to the first '\r' and skips one more byte unchecked.
    let ping = || vec![Request::Command(vec![Bytes::from_static(b"PING")])];
    assert_eq!(run(b"*1\rX$4\r\nPING\r\n", &[], OPEN).requests, ping());
    assert_eq!(run(b"*1\r\n$4\rXPING\r\n", &[], OPEN).requests, ping());
}

#[test]
fn huge_declared_counts_wait_for_input() {
    guard();
    // A client may declare 2^31-1 arguments and send nothing more: the parser just waits.
    for input in [&b"*2147483647\r\n"[..], b"*1000000\r\n$3\r\nabc\r\n", b"*1\r\n$536870912\r\nabc"] {
        let mut p = RequestParser::new();
        let mut buf = BytesMut::from(input);
        assert_eq!(p.parse(&mut buf, OPEN), Ok(None), "{:?}", show(input));
        assert!(p.in_request());
    }
}
