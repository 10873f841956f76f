//! Logging in redis-server's format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`.
//!
//! Level marks are Redis's: `.` debug, `-` verbose, `*` notice, `#` warning. The role letter is `M`
//! (master), `S` (replica), `X` (sentinel) or `C` (before the role is known).

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

use crate::config::LogLevel;

static LEVEL: AtomicU8 = AtomicU8::new(2);
static ROLE: AtomicU8 = AtomicU8::new(b'C');
static SINK: Mutex<Option<std::fs::File>> = Mutex::new(None);
/// Set when logs go nowhere (daemonized with no logfile).
static SILENT: AtomicU8 = AtomicU8::new(0);

fn level_num(l: LogLevel) -> u8 {
    match l {
        LogLevel::Debug => 0,
        LogLevel::Verbose => 1,
        LogLevel::Notice => 2,
        LogLevel::Warning => 3,
        LogLevel::Nothing => 4,
    }
}

pub fn set_level(l: LogLevel) {
    LEVEL.store(level_num(l), Ordering::Relaxed);
}

pub fn set_role(c: u8) {
    ROLE.store(c, Ordering::Relaxed);
}

/// Sends logs to `path` (appending), or stdout when empty. Returns an error text if the file
/// cannot be opened.
pub fn set_file(path: &str) -> Result<(), String> {
    let mut sink = SINK.lock().unwrap_or_else(|p| p.into_inner());
    if path.is_empty() {
        *sink = None;
        return Ok(());
    }
    match std::fs::OpenOptions::new().create(true).append(true).open(path) {
        Ok(f) => {
            *sink = Some(f);
            Ok(())
        }
        Err(e) => Err(format!("Can't open the log file: {e}")),
    }
}

pub fn set_silent(s: bool) {
    SILENT.store(s as u8, Ordering::Relaxed);
}

fn log_at(level: u8, msg: &str) {
    if level < LEVEL.load(Ordering::Relaxed) {
        return;
    }
    let mark = [b'.', b'-', b'*', b'#'][level.min(3) as usize] as char;
    let role = ROLE.load(Ordering::Relaxed) as char;
    let line = format!("{}:{} {} {} {}\n", std::process::id(), role, timestamp(), mark, msg);
    let mut sink = SINK.lock().unwrap_or_else(|p| p.into_inner());
    match sink.as_mut() {
        Some(f) => {
            let _ = f.write_all(line.as_bytes());
        }
        None => {
            if SILENT.load(Ordering::Relaxed) == 0 {
                let _ = std::io::stdout().write_all(line.as_bytes());
                let _ = std::io::stdout().flush();
            }
        }
    }
}

pub fn debug(msg: &str) {
    log_at(0, msg)
}
pub fn verbose(msg: &str) {
    log_at(1, msg)
}
pub fn notice(msg: &str) {
    log_at(2, msg)
}
pub fn warning(msg: &str) {
    log_at(3, msg)
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `22 Nov 2026 00:37:36.123` (UTC).
pub fn timestamp() -> String {
    let ms = crate::util::now_ms();
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86400));
    let sod = secs.rem_euclid(86400);
    format!("{:02} {} {} {:02}:{:02}:{:02}.{:03}", d, MONTHS[(m - 1) as usize], y, sod / 3600, (sod / 60) % 60, sod % 60, ms.rem_euclid(1000))
}

/// Days since 1970-01-01 → (year, month 1-12, day 1-31), Howard Hinnant's algorithm.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_414), (2025, 11, 22));
    }
}
