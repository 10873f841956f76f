//! Test support: a kube `Client` over `tower_test::mock`, and an `ApiServerVerifier` that answers the
//! reconciler's requests one by one, asserting each method, path and body (the kube-rs controller-rs
//! pattern). No cluster needed.

use http::{Request, Response};
use kube::client::Body;
use kube::runtime::events::Reporter;
use kube::Client;
use serde_json::Value;

use crate::controller::Context;
use crate::metrics::Metrics;
use crate::resources::RenderOptions;
use crate::watchers::Watchers;

pub type ApiServerHandle = tower_test::mock::Handle<Request<Body>, Response<Body>>;

/// One request as the verifier saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: Value,
}

pub struct ApiServerVerifier(pub ApiServerHandle);

impl ApiServerVerifier {
    /// Answers the next request: PATCH/POST/PUT echo their body (as an API server returns the stored
    /// object), GET answers `get` (or 404 when None).
    pub async fn next(&mut self, get: Option<Value>) -> Seen {
        let (request, send) = self.0.next_request().await.expect("the reconciler made another request");
        let method = request.method().to_string();
        let path = request.uri().path().to_string();
        let query = request.uri().query().unwrap_or("").to_string();
        let bytes = request.into_body().collect_bytes().await.expect("request body");
        let body: Value = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON body") };
        let response = if method == "GET" {
            match get {
                Some(v) => Response::builder().status(200).body(Body::from(serde_json::to_vec(&v).expect("json"))),
                None => Response::builder().status(404).body(Body::from(
                    serde_json::to_vec(&serde_json::json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404, "message": "not found"}))
                        .expect("json"),
                )),
            }
        } else {
            let mut echo = body.clone();
            // Event POSTs and applies come back as stored objects; metadata must exist for kube to parse them.
            if echo.get("metadata").is_none() {
                echo["metadata"] = serde_json::json!({"name": "x"});
            }
            // A status patch returns the whole stored object, spec included.
            if path.ends_with("/status") && echo.get("spec").is_none() {
                echo["spec"] = serde_json::json!({});
            }
            Response::builder().status(200).body(Body::from(serde_json::to_vec(&echo).expect("json")))
        };
        send.send_response(response.expect("response"));
        Seen { method, path, query, body }
    }

    /// True when no request arrives within `ms` milliseconds (or the client is gone, so none can).
    pub async fn idle(&mut self, ms: u64) -> bool {
        match tokio::time::timeout(std::time::Duration::from_millis(ms), self.0.next_request()).await {
            Err(_) | Ok(None) => true,
            Ok(Some((req, _))) => {
                eprintln!("unexpected request: {} {}", req.method(), req.uri());
                false
            }
        }
    }
}

/// A Context whose client talks to the returned verifier.
pub fn context() -> (Context, ApiServerVerifier) {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let client = Client::new(service, "default");
    let ctx = Context {
        client,
        reporter: Reporter { controller: "redis-ha-operator".into(), instance: Some("test".into()) },
        metrics: Metrics::new().expect("metrics"),
        opts: RenderOptions::default(),
        watchers: Watchers::default(),
    };
    (ctx, ApiServerVerifier(handle))
}
