//! Test support: a kube `Client` over `tower_test::mock`, and an `ApiServerVerifier` that answers the
//! reconciler's requests one by one, asserting each method, path and body (the kube-rs controller-rs
//! pattern). No cluster needed.

use std::sync::{Arc, Mutex};

use http::{Request, Response};
use kube::client::Body;
use kube::runtime::events::Reporter;
use kube::Client;
use serde_json::Value;

use crate::controller::Context;
use crate::master::events::Addr;
use crate::master::registry::Watchers;
use crate::metrics::Metrics;
use crate::resources::RenderOptions;
use crate::rollout::apply::{FailoverOutcome, FailoverRequest, Rollouts};

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
    /// Answers the next request with `reply` when given (a `Status` object with its `code`); otherwise PATCH/POST/PUT echo their body (as
    /// an API server returns the stored object) and GET gets a 404.
    pub async fn next(&mut self, reply: Option<Value>) -> Seen {
        self.next_with(|_| reply).await
    }

    /// Like [`Self::next`], with the reply chosen after seeing the request.
    pub async fn next_with(&mut self, reply: impl FnOnce(&Seen) -> Option<Value>) -> Seen {
        let (request, send) = self.0.next_request().await.expect("the reconciler made another request");
        let method = request.method().to_string();
        let path = request.uri().path().to_string();
        let query = request.uri().query().unwrap_or("").to_string();
        let bytes = request.into_body().collect_bytes().await.expect("request body");
        let body: Value = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON body") };
        let seen = Seen { method, path, query, body };
        let (method, path, body) = (&seen.method, &seen.path, &seen.body);
        let response = if let Some(v) = reply(&seen) {
            // A `Status` reply carries its own HTTP code (a 409 for a failed precondition, ...).
            let code = if v["kind"] == "Status" { v["code"].as_u64().and_then(|c| u16::try_from(c).ok()).unwrap_or(200) } else { 200 };
            Response::builder().status(code).body(Body::from(serde_json::to_vec(&v).expect("json")))
        } else if method == "GET" {
            let not_found = serde_json::json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404, "message": "not found"});
            Response::builder().status(404).body(Body::from(serde_json::to_vec(&not_found).expect("json")))
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
        seen
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

/// Stands in for the sentinels: records each switchover request and answers `outcome`.
#[derive(Clone)]
pub struct FakeSentinels {
    pub requests: Arc<Mutex<Vec<FailoverRequest>>>,
    pub outcome: Arc<Mutex<FailoverOutcome>>,
}

impl FakeSentinels {
    pub fn new(outcome: FailoverOutcome) -> Self {
        FakeSentinels { requests: Arc::default(), outcome: Arc::new(Mutex::new(outcome)) }
    }

    pub fn rollouts(&self) -> Rollouts {
        let me = self.clone();
        Rollouts::with_failover(Arc::new(move |req| {
            me.requests.lock().expect("lock").push(req);
            let outcome = me.outcome.lock().expect("lock").clone();
            Box::pin(async move { outcome })
        }))
        // The former master answers that the new one took over at its offset.
        .with_handover(Arc::new(|_, _| {
            Box::pin(async { crate::rollout::handover::Handover::Continued { offset: 42, new_master: Addr::new("10.0.0.1", 6379) } })
        }))
    }

    pub fn requests(&self) -> Vec<FailoverRequest> {
        self.requests.lock().expect("lock").clone()
    }
}

/// A client whose requests the returned verifier answers.
pub fn client() -> (Client, ApiServerVerifier) {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    (Client::new(service, "default"), ApiServerVerifier(handle))
}

/// A Context whose client talks to the returned verifier; switchovers are refused (no sentinels).
pub fn context() -> (Context, ApiServerVerifier) {
    let (client, verifier) = client();
    let ctx = Context {
        client,
        reporter: Reporter { controller: "redis-ha-operator".into(), instance: Some("test".into()) },
        metrics: Metrics::new().expect("metrics"),
        opts: RenderOptions::default(),
        watchers: Watchers::default(),
        rollouts: FakeSentinels::new(FailoverOutcome::Failed("no sentinels in this test".into())).rollouts(),
    };
    (ctx, verifier)
}
