//! The open-file limit and `maxclients`: a server must be able to open a descriptor for every
//! client it admits, or the clients past the limit hang unanswered while accept fails in a loop.
//! At start-up and on CONFIG SET maxclients the limit is raised to fit, as Redis does.

use crate::log;

/// File descriptors kept for everything but clients (Redis's CONFIG_MIN_RESERVED_FDS).
const RESERVED_FDS: u64 = 32;

/// Redis's `adjustOpenFilesLimit`: raises the open-file limit to what `maxclients` needs
/// (maxclients + 32), or as close to it as the hard limit allows, and returns the `maxclients`
/// that fits (the requested one when it does), logging as Redis logs. Err: too few descriptors
/// to start at all.
pub fn adjust_open_files_limit(maxclients: usize) -> Result<usize, String> {
    let wanted = maxclients as u64 + RESERVED_FDS;
    let old = match crate::sys::nofile_limit() {
        Ok((soft, _)) => soft,
        Err(e) => {
            log::warning(&format!(
                "Unable to obtain the current NOFILE limit ({e}), assuming 1024 and setting the max clients configuration accordingly."
            ));
            return Ok((1024 - RESERVED_FDS) as usize);
        }
    };
    if old >= wanted {
        return Ok(maxclients);
    }
    // Try the whole need, then 16 fewer at a time, down to what we have.
    let mut best = wanted;
    let mut error = None;
    while best > old {
        match crate::sys::set_nofile_limit(best, best) {
            Ok(()) => break,
            Err(e) => error = Some(e),
        }
        if best < 16 {
            best = old;
            break;
        }
        best -= 16;
    }
    best = best.max(old);
    if best >= wanted {
        log::notice(&format!("Increased maximum number of open files to {wanted} (it was originally set to {old})."));
        return Ok(maxclients);
    }
    if best <= RESERVED_FDS {
        return Err(format!(
            "Your current 'ulimit -n' of {old} is not enough for the server to start. Please increase your open file limit to at least {wanted}. Exiting."
        ));
    }
    let fitted = (best - RESERVED_FDS) as usize;
    log::warning(&format!("You requested maxclients of {maxclients} requiring at least {wanted} max file descriptors."));
    let why = error.map(|e| e.to_string()).unwrap_or_default();
    let why = why.split(" (os error").next().unwrap_or_default();
    log::warning(&format!("Server can't set maximum open files to {wanted} because of OS error: {why}."));
    log::warning(&format!(
        "Current maximum open files is {best}. maxclients has been reduced to {fitted} to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'."
    ));
    Ok(fitted)
}
