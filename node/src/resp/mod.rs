//! The Redis serialization protocol: requests in, replies out.

pub mod frame;
pub mod reply;
pub mod request;
