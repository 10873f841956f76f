//! Propagation's part of `State`: the operations a running command collected, the nesting of
//! calls that decides when they go out, and the capture tests read.

use bytes::Bytes;

/// Where an operation goes.
pub const AOF: u8 = 1;
pub const REPL: u8 = 2;
pub const ALL: u8 = AOF | REPL;

/// One propagated command. `db` is the database it ran in; `None` for MULTI/EXEC, which belong to
/// no database (no SELECT is emitted for them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub db: Option<usize>,
    pub argv: Vec<Bytes>,
    pub targets: u8,
}

/// What a command asked for about its own propagation (set through `Ctx`).
#[derive(Debug, Default)]
pub struct CommandProp {
    /// Propagate this instead of the command's argv (Redis's `rewriteClientCommandVector`).
    pub rewrite: Option<Vec<Bytes>>,
    /// Do not propagate the command's own argv (Redis's `preventCommandPropagation`), typically
    /// because it propagated other operations instead.
    pub prevent: bool,
    /// Propagate to replicas even without a change to the dataset (PUBLISH).
    pub force_repl: bool,
}

#[derive(Debug, Default)]
pub struct Propagation {
    /// Operations of the command being run, sent when the outermost command ends.
    pub(super) pending: Vec<Op>,
    /// Nesting of `cmd::call` (EXEC runs its queue as nested calls).
    pub(super) depth: u32,
    /// Everything propagated, for tests.
    pub(super) capture: Option<Vec<Op>>,
    /// Set while a replica applies its master's stream: that stream reaches our own replicas
    /// verbatim (proxied), so commands it runs do not feed the replication stream again.
    pub(super) from_master: bool,
    /// Set while a script runs after `redis.set_repl`: where its writes may go (`AOF`/`REPL`
    /// bits); `None` is everywhere.
    pub(super) script_targets: Option<u8>,
}

impl Propagation {
    /// A command starts (EXEC's queued commands nest inside it).
    pub fn enter(&mut self) {
        self.depth += 1;
    }

    /// A command ends.
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    /// No command is running: the collected operations are due.
    pub fn outermost(&self) -> bool {
        self.depth == 0
    }

    /// While set, commands run are a replica applying its master's stream (proxied verbatim to our
    /// own replicas, so not fed to the stream again).
    pub fn set_from_master(&mut self, on: bool) {
        self.from_master = on;
    }

    /// `redis.set_repl`: limits where the running script's next writes propagate (`None` when
    /// the script ends).
    pub fn set_script_targets(&mut self, targets: Option<u8>) {
        self.script_targets = targets;
    }

    /// Records every propagated operation from now on (tests).
    pub fn start_capture(&mut self) {
        self.capture = Some(Vec::new());
    }

    /// The operations captured since the last call.
    pub fn take_captured(&mut self) -> Vec<Op> {
        self.capture.as_mut().map(std::mem::take).unwrap_or_default()
    }
}
