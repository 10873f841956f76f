//! CONFIG GET / SET / RESETSTAT / REWRITE / HELP.

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::CmdResult;

pub const COMMANDS: &[(&str, Handler)] =
    &[("config|get", get), ("config|set", set), ("config|resetstat", resetstat), ("config|rewrite", rewrite), ("config|help", help)];

/// The server's way to re-listen after CONFIG SET port / bind (the server layer sits above the
/// commands and hands it in at start-up). Err: the new addresses could not be bound.
static LISTENER_HOOK: std::sync::OnceLock<fn(&mut crate::state::State) -> Result<(), String>> = std::sync::OnceLock::new();

pub fn set_listener_hook(f: fn(&mut crate::state::State) -> Result<(), String>) {
    let _ = LISTENER_HOOK.set(f);
}

fn get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let patterns: Vec<&[u8]> = argv[2..].iter().map(|a| &a[..]).collect();
    let pairs = ctx.st.config.get_matching(&patterns);
    ctx.out.map(pairs.len());
    for (k, v) in pairs {
        ctx.out.bulk(k.as_bytes());
        ctx.out.bulk(v.as_bytes());
    }
    Ok(())
}

fn set(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // parameter/value pairs: an odd count is a syntax error (arity already wants at least one pair)
    if argv.len() % 2 != 0 {
        return Err(super::handler::SYNTAX.into());
    }
    let pairs: Vec<(&[u8], &[u8])> = argv[2..].chunks(2).map(|p| (&p[0][..], &p[1][..])).collect();
    let mentions = |n: &str| pairs.iter().any(|(name, _)| name.eq_ignore_ascii_case(n.as_bytes()));
    // Settings whose side effect can fail: on failure everything this call set is undone, as
    // Redis restores its backup of the config.
    let tls_named = pairs.iter().any(|(name, _)| name.len() > 4 && name[..4].eq_ignore_ascii_case(b"tls-"));
    let before = (mentions("maxclients") || mentions("port") || mentions("bind") || tls_named).then(|| ctx.st.config.clone());
    let changed = ctx.st.config.set_pairs(&pairs)?;
    if let (Some(before), Some(name)) = (&before, changed.iter().find(|n| n.starts_with("tls-")).copied()) {
        // `applyTlsCfg`: new connections get the new settings (certificates rotate without a
        // restart); settings that do not load change nothing.
        if crate::tls::wanted(&ctx.st.config) {
            match crate::tls::load(&ctx.st.config) {
                Ok(t) => ctx.st.tls = Some(std::sync::Arc::new(t)),
                Err(e) => {
                    crate::log::warning(&e);
                    ctx.st.config = before.clone();
                    return Err(format!(
                        "ERR CONFIG SET failed (possibly related to argument '{name}') - Unable to update TLS configuration. Check server logs."
                    )
                    .into());
                }
            }
        }
    }
    if let Some(before) = before {
        if mentions("maxclients") {
            // Redis's updateMaxclients: the open-file limit must hold the new value.
            let wanted = ctx.st.config.maxclients;
            let fits = crate::fdlimit::adjust_open_files_limit(wanted).unwrap_or(0);
            if fits != wanted {
                ctx.st.config = before;
                return Err(format!(
                    "ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with {fits}"
                )
                .into());
            }
        }
        let listen_changed = changed.iter().find(|n| matches!(**n, "bind" | "port" | "tls-port")).copied();
        if let (Some(name), Some(rebind)) = (listen_changed, LISTENER_HOOK.get()) {
            if let Err(e) = rebind(ctx.st) {
                crate::log::warning(&format!("Failed to listen after CONFIG SET {name}: {e}"));
                // The old settings come back, and so do their listeners.
                ctx.st.config = before;
                if let Err(e) = rebind(ctx.st) {
                    crate::log::warning(&format!("Failed to listen again on the previous addresses: {e}"));
                }
                let why = if name == "port" { "Unable to listen on this port. Check server logs." } else { "Failed to bind to specified addresses." };
                return Err(format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {why}").into());
            }
        }
    }
    let maxmemory_changed = changed.contains(&"maxmemory");
    for name in changed {
        apply_change(ctx, name);
    }
    ctx.st.refresh_from_config();
    if maxmemory_changed {
        update_maxmemory(ctx);
    }
    ctx.out.ok();
    Ok(())
}

/// Redis's `updateMaxmemory`: a limit below the current usage is warned about and evicts at once.
fn update_maxmemory(ctx: &mut Ctx) {
    let max = ctx.st.config.maxmemory;
    if max == 0 {
        return;
    }
    let used = crate::alloc::used_memory().saturating_sub(crate::evict::not_counted(ctx.st));
    if max < used {
        crate::log::warning(&format!(
            "WARNING: the new maxmemory value set via CONFIG SET ({max}) is smaller than the current memory usage ({used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy."
        ));
    }
    crate::evict::perform(ctx.st, Some(&mut *ctx.me), Some(&mut *ctx.out));
}

/// Side effects of a changed directive beyond the stored value.
fn apply_change(ctx: &mut Ctx, name: &str) {
    match name {
        "loglevel" => crate::log::set_level(ctx.st.config.loglevel),
        "logfile" => {
            let _ = crate::log::set_file(&ctx.st.config.logfile);
        }
        "appendonly" => {
            let on = ctx.st.config.appendonly;
            let _ = crate::persistence::aof::set_enabled(ctx.st, on);
        }
        "requirepass" => {
            // Like Redis, changing the default user's password does not log anyone out.
            let pass = ctx.st.config.requirepass.clone();
            ctx.st.acl.set_default_password(pass.as_deref());
        }
        "acl-pubsub-default" => {
            let all = ctx.st.config.get("acl-pubsub-default").as_deref() == Some("allchannels");
            ctx.st.acl.set_pubsub_default(all);
        }
        _ => {}
    }
}

fn resetstat(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.st.stats.reset();
    ctx.st.evict.reset_stats();
    crate::lazyfree::reset_stats();
    ctx.st.slowlog.clear();
    ctx.st.latency.clear();
    ctx.out.ok();
    Ok(())
}

fn rewrite(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let users = ctx.st.acl.lines();
    match ctx.st.config.rewrite_with_users(Some(&users)) {
        Ok(()) => {
            crate::log::notice("CONFIG REWRITE executed with success.");
            ctx.out.ok();
            Ok(())
        }
        Err(e) => {
            crate::log::warning(&format!("CONFIG REWRITE failed: {e}"));
            Err(e.into())
        }
    }
}

fn help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::introspect::help_reply(
        ctx,
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    );
    Ok(())
}
