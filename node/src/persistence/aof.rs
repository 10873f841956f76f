//! The append-only file: Redis 7.0's multi-part AOF (a manifest naming a base file and
//! incremental files in `appenddirname`).

use bytes::Bytes;

/// The AOF writer's state.
#[derive(Debug, Default)]
pub struct Aof {
    on: bool,
    /// Commands not yet written to the incremental file.
    pub buf: Vec<u8>,
    /// The database the incremental file's last SELECT chose (None: none yet in this file).
    selected_db: Option<usize>,
}

impl Aof {
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Appends a propagated command, preceded by a SELECT when it runs in another database than
    /// the previous one.
    pub fn feed(&mut self, db: Option<usize>, argv: &[Bytes]) {
        if let Some(db) = db {
            if self.selected_db != Some(db) {
                let n = db.to_string();
                crate::propagate::encode_command(&mut self.buf, &[Bytes::from_static(b"SELECT"), Bytes::from(n)]);
                self.selected_db = Some(db);
            }
        }
        crate::propagate::encode_command(&mut self.buf, argv);
    }
}
