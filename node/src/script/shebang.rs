//! The `#!lua flags=...` line of an EVAL script and the flags of scripts and functions (Redis
//! 7.0's `evalExtractShebangFlags` and `scriptFlagsToCmdFlags`).

/// The script may not write.
pub const NO_WRITES: u32 = 1 << 0;
/// It may run when memory is over `maxmemory`.
pub const ALLOW_OOM: u32 = 1 << 1;
/// It may run on a replica whose link is down with `replica-serve-stale-data no`.
pub const ALLOW_STALE: u32 = 1 << 2;
/// It refuses to run in cluster mode.
pub const NO_CLUSTER: u32 = 1 << 3;
/// It may touch keys of several slots (cluster mode only).
pub const ALLOW_CROSS_SLOT: u32 = 1 << 4;
/// An EVAL script without a shebang: Redis 6's rules (checks per command, not up front).
pub const EVAL_COMPAT: u32 = 1 << 5;

/// The flag names as scripts and FUNCTION LIST spell them.
pub const NAMES: [(&str, u32); 5] = [
    ("no-writes", NO_WRITES),
    ("allow-oom", ALLOW_OOM),
    ("allow-stale", ALLOW_STALE),
    ("no-cluster", NO_CLUSTER),
    ("allow-cross-slot-keys", ALLOW_CROSS_SLOT),
];

/// A flag by name.
pub fn flag(name: &[u8]) -> Option<u32> {
    NAMES.iter().find(|(n, _)| n.as_bytes() == name).map(|(_, f)| *f)
}

/// The flags an EVAL body declares, and the body to compile (the shebang line turned into a
/// comment, so line numbers stay). Errors are Redis's replies.
pub fn parse(body: &[u8]) -> Result<(u32, Option<Vec<u8>>), String> {
    if !body.starts_with(b"#!") {
        return Ok((EVAL_COMPAT, None));
    }
    let end = body.iter().position(|&c| c == b'\n').unwrap_or(body.len());
    let line = &body[..end];
    let mut parts = line.split(|&c| c == b' ').filter(|p| !p.is_empty());
    let engine = parts.next().unwrap_or_default();
    if engine != b"#!lua" {
        return Err(format!("ERR Unexpected engine in script shebang: {}", String::from_utf8_lossy(engine)));
    }
    let mut flags = 0;
    for part in parts {
        let Some(list) = part.strip_prefix(b"flags=") else {
            return Err(format!("ERR Unknown lua shebang option: {}", String::from_utf8_lossy(part)));
        };
        for name in list.split(|&c| c == b',').filter(|n| !n.is_empty()) {
            match flag(name) {
                Some(f) => flags |= f,
                None => return Err(format!("ERR Unexpected flag in script shebang: {}", String::from_utf8_lossy(name))),
            }
        }
    }
    let mut code = body.to_vec();
    code[0] = b'-';
    code[1] = b'-';
    Ok((flags, Some(code)))
}
