//! The Redis serialization protocol: requests in (`request.rs`, which also encodes the commands
//! this process sends), replies out (`reply.rs`), whole frames read from a peer (`frame.rs`), and
//! Redis's shared error texts (`errors.rs`). Imports nothing of the server.

pub mod errors;
pub mod frame;
pub mod reply;
pub mod request;
