//! `tls-auto-reload-interval <seconds>` (Valkey 9.1's directive; Redis 7.0 reloads only on CONFIG SET,
//! and a sentinel, which serves no CONFIG, only on restart): every interval the TLS files are read,
//! and when any changed since the last look the settings are built anew, so certificates that
//! cert-manager renews and the kubelet swaps into a mounted Secret take effect without a restart.
//! New connections get them; open ones keep theirs. Files that do not load (a key swapped in before
//! its certificate) change nothing, and the next look tries again. 0, the default, is off.

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::log;
use crate::state::Shared;

/// The settings that name TLS files.
const FILES: [&str; 5] = ["tls-cert-file", "tls-key-file", "tls-ca-cert-file", "tls-client-cert-file", "tls-client-key-file"];

/// What the files hold now, when reloading is on: taken before the listeners accept, so a change
/// made right after start-up is one.
pub fn baseline(shared: &Shared) -> Option<Vec<u8>> {
    let config = {
        let st = shared.lock();
        if st.config.get_int("tls-auto-reload-interval").unwrap_or(0) <= 0 || st.tls.is_none() {
            return None;
        }
        st.config.clone()
    };
    Some(contents(&config))
}

pub async fn watch(shared: Arc<Shared>, mut seen: Option<Vec<u8>>) {
    let mut since_look = Duration::ZERO;
    let tick = Duration::from_secs(1);
    loop {
        tokio::time::sleep(tick).await;
        since_look += tick;
        let (interval, config) = {
            let st = shared.lock();
            let interval = st.config.get_int("tls-auto-reload-interval").unwrap_or(0);
            if interval <= 0 || st.tls.is_none() {
                seen = None;
                continue;
            }
            (Duration::from_secs(interval as u64), st.config.clone())
        };
        if seen.is_some() && since_look < interval {
            continue;
        }
        since_look = Duration::ZERO;
        let now = contents(&config);
        let Some(before) = seen.replace(now.clone()) else { continue };
        if before == now {
            continue;
        }
        match crate::tls::load(&config) {
            Ok(t) => {
                let mut st = shared.lock();
                // A CONFIG SET meanwhile has built its own settings from its own files.
                if FILES.iter().chain(&["tls-ca-cert-dir"]).all(|n| st.config.get(n) == config.get(n)) {
                    st.tls = Some(Arc::new(t));
                    log::notice("TLS materials reloaded (tls-auto-reload-interval)");
                }
            }
            Err(e) => {
                log::warning(&format!("TLS materials changed on disk but do not load, keeping the current ones: {e}"));
                // Look again next time even if nothing else changes: the rest of a pair may follow.
                seen = Some(Vec::new());
            }
        }
    }
}

/// Everything the TLS settings are read from: each named file and each file of tls-ca-cert-dir.
/// A missing file reads as empty (it is then a change, and the load reports it).
fn contents(config: &Config) -> Vec<u8> {
    let mut all = Vec::new();
    let mut add = |path: &std::path::Path| {
        all.extend_from_slice(path.as_os_str().as_encoded_bytes());
        all.push(0);
        all.extend(std::fs::read(path).unwrap_or_default());
        all.push(0);
    };
    for name in FILES {
        if let Some(p) = config.get(name).filter(|p| !p.is_empty()) {
            add(std::path::Path::new(&p));
        }
    }
    if let Some(dir) = config.get("tls-ca-cert-dir").filter(|p| !p.is_empty()) {
        let mut files: Vec<_> = std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            add(&f);
        }
    }
    all
}
