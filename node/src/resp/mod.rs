//! The Redis serialization protocol: requests in (`request.rs`, which also encodes the commands
//! this process sends), replies out (`reply.rs`), whole frames read from a peer (`frame.rs`), the
//! one client this process talks to its peers with (`peer.rs`), and Redis's shared error texts
//! (`errors.rs`). Imports nothing of the server but `util` (number formats, clocks).

pub mod errors;
pub mod frame;
pub mod peer;
pub mod reply;
pub mod request;
