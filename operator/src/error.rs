//! The operator's one error type. `metric_label` names the kind for the failure counter.

use crate::resources::RenderError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Kubernetes API: {0}")]
    Kube(#[source] kube::Error),
    #[error("cannot render: {0}")]
    Render(#[from] RenderError),
    #[error("invalid spec: {0}")]
    InvalidSpec(String),
    /// The auth Secret or its key is missing. Never carries the value.
    #[error("auth secret: {0}")]
    Secret(String),
    #[error("serialisation: {0}")]
    Serde(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn metric_label(&self) -> &'static str {
        match self {
            Error::Kube(_) => "kube",
            Error::Render(_) => "render",
            Error::InvalidSpec(_) => "invalid_spec",
            Error::Secret(_) => "secret",
            Error::Serde(_) => "serde",
        }
    }
}
