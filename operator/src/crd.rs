//! The `RedisHA` custom resource (`redisha.io/v1alpha1`): spec, status and the validation the API
//! server applies (OpenAPI schema + CEL rules).
//!
//! Doc comments on fields become the CRD's descriptions, which is what `kubectl explain redisha.spec`
//! prints, so they are written for users. Defaults live in `#[serde(default = ...)]` functions so that the
//! schema (API-server defaulting) and deserialisation (objects stored before a default existed) agree.
//!
//! What the API server cannot check (an image that will not pull, a Secret that does not exist) is checked
//! by the operator and reported as a Warning Event and a condition; [`RedisHASpec::problems`] holds the
//! checks that must hold even if the CRD in the cluster lacks its CEL rules.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Affinity, ResourceRequirements, Toleration, TopologySpreadConstraint};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// API group of every resource this operator defines.
pub const GROUP: &str = "redisha.io";

/// Longest RedisHA name. Every name and label derived from it must fit Kubernetes' 63-character limit, and
/// the longest is a label: the sentinel StatefulSet `<name>-sentinel` stamps its pods with
/// `controller-revision-hash: <name>-sentinel-<hash>`, the hash being up to 10 characters, so
/// 43 + "-sentinel-".len() + 10 = 63. (`<name>-sentinel-headless`, 18 more, fits with room to spare.)
/// The chart's `fail` and its values schema use the same number.
pub const MAX_NAME_LEN: usize = 43;

/// The root CEL rule that refuses a longer name; `metadata.name` is visible to root-level rules.
fn name_length_rule() -> kube::core::Rule {
    kube::core::Rule::new(format!("size(self.metadata.name) <= {MAX_NAME_LEN}")).message(kube::core::Message::Message(format!(
        "metadata.name must be at most {MAX_NAME_LEN} characters: the sentinel pods' controller-revision-hash label, \
         <name>-sentinel-<hash of up to 10 characters>, must fit in 63 like every name and label derived from it"
    )))
}

/// redis.conf directives the operator writes itself. A user value for one of them would break
/// replication, failover, persistence or auth, so `spec.config` refuses them (CEL rule and operator check).
/// Compared in lower case: Redis accepts directives in any case.
pub const OWNED_DIRECTIVES: &[&str] = &[
    "port",
    "bind",
    "protected-mode",
    "daemonize",
    "supervised",
    "pidfile",
    "logfile",
    "dir",
    "dbfilename",
    "appendonly",
    "appendfilename",
    "appenddirname",
    "save",
    "include",
    "requirepass",
    "masterauth",
    "masteruser",
    "aclfile",
    "user",
    "replicaof",
    "slaveof",
    "replica-announce-ip",
    "replica-announce-port",
    "slave-announce-ip",
    "slave-announce-port",
    "replica-read-only",
    "slave-read-only",
    "min-replicas-to-write",
    "min-slaves-to-write",
    "min-replicas-max-lag",
    "min-slaves-max-lag",
    "rename-command",
    "unixsocket",
    "tls-port",
    "tls-cert-file",
    "tls-key-file",
    "tls-key-file-pass",
    "tls-client-cert-file",
    "tls-client-key-file",
    "tls-client-key-file-pass",
    "tls-ca-cert-file",
    "tls-ca-cert-dir",
    "tls-auth-clients",
    "tls-replication",
    "tls-cluster",
    "tls-auto-reload-interval",
    "sentinel",
    "ha-write-fence-ms",
    "ha-write-fence-sentinels",
    "ha-sync-replicas",
    "ha-sync-timeout-ms",
    "ha-replica-prompt-ack",
];

/// Specification of a highly available Redis: data pods (one master, the rest replicas) watched by a
/// quorum of sentinels, with a `<name>-master` Service that follows the master.
// NB: clippy reads the repeated `type_ = "integer"` of the printer columns as duplicated attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[kube(
    group = "redisha.io",
    version = "v1alpha1",
    kind = "RedisHA",
    plural = "redishas",
    singular = "redisha",
    shortname = "rha",
    namespaced,
    status = "RedisHAStatus",
    derive = "PartialEq",
    validation = name_length_rule(),
    doc = "A highly available Redis: replicated data pods, a sentinel quorum, and a master Service that follows failovers.",
    printcolumn(name = "Master", type_ = "string", json_path = ".status.master.pod", description = "Pod currently serving as master"),
    printcolumn(name = "Ready", type_ = "integer", json_path = ".status.readyReplicas", description = "Data pods ready"),
    printcolumn(name = "Sentinels", type_ = "integer", json_path = ".status.readySentinels", description = "Sentinel pods ready"),
    printcolumn(name = "Failovers", type_ = "integer", json_path = ".status.failovers", description = "Master switches observed"),
    printcolumn(name = "Age", type_ = "date", json_path = ".metadata.creationTimestamp")
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {
        "rule": "!has(self.quorum) || self.quorum <= self.sentinels",
        "message": "spec.quorum must not be greater than spec.sentinels",
        "fieldPath": ".quorum",
        "reason": "FieldValueInvalid"
    },
    {
        "rule": "!has(self.minReplicasToWrite) || self.minReplicasToWrite < self.replicas",
        "message": "spec.minReplicasToWrite must be less than spec.replicas (the master is one of the replicas)",
        "fieldPath": ".minReplicasToWrite",
        "reason": "FieldValueInvalid"
    },
    {
        "rule": "!has(self.writeSafety) || !has(self.writeSafety.mode) || self.writeSafety.mode != 'sync' || (has(self.writeSafety.syncReplicas) ? self.writeSafety.syncReplicas : 1) < self.replicas",
        "message": "spec.writeSafety.syncReplicas must be less than spec.replicas: sync mode needs that many replicas besides the master",
        "fieldPath": ".writeSafety.syncReplicas",
        "reason": "FieldValueInvalid"
    },
    {
        "rule": "!has(self.writeSafety) || !has(self.writeSafety.fenceMilliseconds) || self.writeSafety.fenceMilliseconds * 2 <= self.downAfterMilliseconds",
        "message": "spec.writeSafety.fenceMilliseconds must be at most half of spec.downAfterMilliseconds: the master must fence itself well before the sentinels may fail over",
        "fieldPath": ".writeSafety.fenceMilliseconds",
        "reason": "FieldValueInvalid"
    }
]))]
pub struct RedisHASpec {
    /// Number of data pods (one master, the rest replicas). At least 1; 3 or more for real availability.
    #[serde(default = "default_replicas")]
    #[schemars(range(min = 1, max = 100))]
    pub replicas: i32,

    /// Number of sentinel pods. An odd number (3, 5) tolerates the most failures for its size.
    #[serde(default = "default_sentinels")]
    #[schemars(range(min = 1, max = 15))]
    pub sentinels: i32,

    /// Sentinels that must agree the master is down before a failover starts. Defaults to a majority of
    /// `sentinels` (sentinels/2 + 1). Must not exceed `sentinels`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub quorum: Option<i32>,

    /// Container image running `redis-ha-node` (data pods) and `redis-ha-node --sentinel` (sentinel pods).
    /// Defaults to the node image of the operator's own version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,

    /// Image pull policy for both pod kinds: Always, IfNotPresent or Never. Kubernetes' default when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<PullPolicy>,

    /// Milliseconds a node must be unreachable before a sentinel considers it down (`down-after-milliseconds`).
    #[serde(default = "default_down_after")]
    #[schemars(range(min = 100, max = 600000))]
    pub down_after_milliseconds: i64,

    /// Sentinel `failover-timeout` in milliseconds: how long a failover may take before another is tried.
    #[serde(default = "default_failover_timeout")]
    #[schemars(range(min = 1000, max = 3600000))]
    pub failover_timeout_milliseconds: i64,

    /// Replicas resynchronised with a new master at the same time after a failover (`parallel-syncs`).
    #[serde(default = "default_parallel_syncs")]
    #[schemars(range(min = 1))]
    pub parallel_syncs: i32,

    /// The master refuses writes unless at least this many replicas are connected with a lag of at most
    /// `minReplicasMaxLagSeconds` (`min-replicas-to-write`). Bounds the writes a failover can lose. Unset: off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub min_replicas_to_write: Option<i32>,

    /// Lag, in seconds, under which a replica counts for `minReplicasToWrite` (`min-replicas-max-lag`, default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min_replicas_max_lag_seconds: Option<i32>,

    /// How acknowledged writes are protected against failovers and network partitions (see the README's
    /// "Write safety"). Default: fenced.
    #[serde(default)]
    pub write_safety: WriteSafetySpec,

    /// Password authentication. The password is read from a Secret in the same namespace and never copied
    /// into a ConfigMap, the status, Events or logs. Unset: no password (not recommended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthSpec>,

    /// ACL users of the data pods, each with Redis 7.0 ACL rules and a password from a Secret (read
    /// by the pods from a mounted file, never copied into the ConfigMap). `spec.auth` stays the
    /// default user's password.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 32))]
    pub users: Vec<UserSpec>,

    /// TLS on every link: clients, replication, sentinels, and the operator's own connections. The
    /// ports stay 6379 and 26379, TLS only. Certificates rotate without restarts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsSpec>,

    /// Data persistence. Changing it after creation is refused (StatefulSet volume claims are immutable).
    #[serde(default)]
    #[schemars(extend("x-kubernetes-validations" = [
        { "rule": "self == oldSelf", "message": "spec.persistence is immutable after creation" }
    ]))]
    pub persistence: PersistenceSpec,

    /// Extra redis.conf directives for the data pods, in order (for example `{name: maxmemory, value: 1gb}`).
    /// Directives the operator owns (port, dir, replicaof, requirepass, save, appendonly, ...) are refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 64))]
    pub config: Vec<ConfigDirective>,

    /// Compute resources of the data container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,

    /// Compute resources of the sentinel container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentinel_resources: Option<ResourceRequirements>,

    /// Node labels both pod kinds must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,

    /// Tolerations for both pod kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,

    /// Full affinity for both pod kinds. When set, it replaces the affinity that `antiAffinity` generates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,

    /// Spread pods of the same kind over nodes: soft (preferred, the default), hard (required: pods stay
    /// Pending rather than share a node) or none. Ignored when `affinity` is set.
    #[serde(default)]
    pub anti_affinity: AntiAffinity,

    /// Topology spread constraints for both pod kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,

    /// PriorityClass of both pod kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,

    /// PodDisruptionBudgets for the data and sentinel pods.
    #[serde(default)]
    pub pod_disruption_budget: PodDisruptionBudgetSpec,

    /// The client-facing `<name>-master` and `<name>-replicas` Services.
    #[serde(default)]
    pub service: ServiceSpec,

    /// Prometheus metrics.
    #[serde(default)]
    pub metrics: MetricsSpec,
}

/// One redis.conf line: `name value`.
// NB: a list of bounded items, not a map: the API server estimates a CEL rule's cost from the largest
// string it could see, and map keys cannot carry a maxLength, so a rule over map keys risks being refused.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {
        "rule": "!(self.name.lowerAscii() in ['port', 'bind', 'protected-mode', 'daemonize', 'supervised', 'pidfile', 'logfile', 'dir', 'dbfilename', 'appendonly', 'appendfilename', 'appenddirname', 'save', 'include', 'requirepass', 'masterauth', 'masteruser', 'aclfile', 'user', 'replicaof', 'slaveof', 'replica-announce-ip', 'replica-announce-port', 'slave-announce-ip', 'slave-announce-port', 'replica-read-only', 'slave-read-only', 'min-replicas-to-write', 'min-slaves-to-write', 'min-replicas-max-lag', 'min-slaves-max-lag', 'rename-command', 'unixsocket', 'tls-port', 'tls-cert-file', 'tls-key-file', 'tls-key-file-pass', 'tls-client-cert-file', 'tls-client-key-file', 'tls-client-key-file-pass', 'tls-ca-cert-file', 'tls-ca-cert-dir', 'tls-auth-clients', 'tls-replication', 'tls-cluster', 'tls-auto-reload-interval', 'sentinel', 'ha-write-fence-ms', 'ha-write-fence-sentinels', 'ha-sync-replicas', 'ha-sync-timeout-ms', 'ha-replica-prompt-ack'])",
        "message": "spec.config: this directive is managed by the operator (port, bind, dir, save, appendonly, replicaof, requirepass, masterauth, min-replicas-*, ...); use the matching spec field",
        "fieldPath": ".name",
        "reason": "FieldValueForbidden"
    }
]))]
pub struct ConfigDirective {
    /// Directive name, as in redis.conf (for example `maxmemory-policy`).
    #[schemars(length(min = 1, max = 64), regex(pattern = r"^[A-Za-z][A-Za-z0-9_-]*$"))]
    pub name: String,
    /// Directive arguments on one line, as in redis.conf (for example `allkeys-lru`).
    #[schemars(length(max = 1024), regex(pattern = r"^[^\r\n\x00]*$"))]
    pub value: String,
}

/// Image pull policy.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum PullPolicy {
    Always,
    IfNotPresent,
    Never,
}

impl PullPolicy {
    /// The value the Kubernetes API expects.
    pub fn as_str(self) -> &'static str {
        match self {
            PullPolicy::Always => "Always",
            PullPolicy::IfNotPresent => "IfNotPresent",
            PullPolicy::Never => "Never",
        }
    }
}

/// Where the password comes from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthSpec {
    /// Name of a Secret in the RedisHA's namespace.
    #[schemars(length(min = 1, max = 253))]
    pub secret_name: String,
    /// Key in that Secret whose value is the password.
    #[serde(default = "default_auth_key")]
    #[schemars(length(min = 1))]
    pub key: String,
}

/// One ACL user of the data pods.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserSpec {
    /// User name: letters, digits, `-`, `_`, `.`; not `default` (that is `spec.auth`).
    #[schemars(length(min = 1, max = 64), regex(pattern = r"^[A-Za-z0-9_.-]+$"))]
    pub name: String,
    /// ACL rules as in `ACL SETUSER`, without passwords, e.g. `~app:* &app:* +@all -@dangerous`.
    #[schemars(length(max = 4096))]
    pub rules: String,
    /// The Secret key holding the user's password.
    pub password_secret: AuthSpec,
}

/// TLS settings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsSpec {
    /// A Secret in the RedisHA's namespace with `tls.crt`, `tls.key` and `ca.crt`, as cert-manager writes
    /// it. The certificate must be valid for the pods' DNS names (`*.<name>-headless.<namespace>.svc`,
    /// `*.<name>-sentinel-headless.<namespace>.svc`) and the Services', for both server and client auth:
    /// the pods present it to each other and the operator presents it to the sentinels. Updates to it
    /// are picked up without restarts.
    #[schemars(length(min = 1, max = 253))]
    pub secret_name: String,
    /// Whether clients must present a certificate signed by `ca.crt` (`tls-auth-clients`): Required
    /// (Redis's default, `yes`), Optional, or None (`no`).
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// Have cert-manager issue the Secret: the operator creates a Certificate named `secretName`
    /// with every name above, from this issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_manager: Option<CertManagerSpec>,
}

/// `tls-auth-clients`. (Not yes/no: YAML 1.1 reads those as booleans.)
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema, Default)]
pub enum ClientAuth {
    /// Every client presents a certificate signed by `ca.crt` (`tls-auth-clients yes`).
    #[default]
    Required,
    /// A client may present one; one that does must be valid (`optional`).
    Optional,
    /// Clients are not asked for a certificate (`no`).
    None,
}

impl ClientAuth {
    /// The `tls-auth-clients` value.
    pub fn directive(self) -> &'static str {
        match self {
            ClientAuth::Required => "yes",
            ClientAuth::Optional => "optional",
            ClientAuth::None => "no",
        }
    }
}

/// The cert-manager Certificate the operator renders.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertManagerSpec {
    /// The issuer, as in a Certificate's `spec.issuerRef`.
    pub issuer_ref: IssuerRef,
    /// The certificate's lifetime, e.g. `2160h` (cert-manager's default when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"))]
    pub duration: Option<String>,
    /// How long before expiry it is renewed, e.g. `360h` (cert-manager's default when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"))]
    pub renew_before: Option<String>,
}

/// A cert-manager issuer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuerRef {
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// `Issuer` (the default, in the RedisHA's namespace) or `ClusterIssuer`.
    #[serde(default = "default_issuer_kind")]
    #[schemars(length(min = 1, max = 63))]
    pub kind: String,
    /// The issuer's API group.
    #[serde(default = "default_issuer_group")]
    #[schemars(length(min = 1, max = 253))]
    pub group: String,
}

fn default_issuer_kind() -> String {
    "Issuer".into()
}
fn default_issuer_group() -> String {
    "cert-manager.io".into()
}

/// Write safety: what a client's acknowledged write survives.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct WriteSafetySpec {
    /// async: Redis's own behaviour; a master cut off from the sentinels keeps acknowledging writes that
    /// the failover on the other side throws away, and a kill of the master loses what its replicas had
    /// not received. fenced (default): a master that has not heard from a majority of the sentinels for
    /// fenceMilliseconds refuses writes, so at most the writes of that interval can be lost in a
    /// partition. sync: fenced, and every write is acknowledged to the client only once syncReplicas
    /// replicas have it, so no acknowledged write is lost when a single node or link fails.
    #[serde(default)]
    pub mode: WriteSafetyMode,
    /// sync: how many replicas must have a write before its reply (default 1). Must be less than
    /// spec.replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub sync_replicas: Option<i32>,
    /// sync: how long a write's reply waits for the replicas, in milliseconds (default 1000); after it the
    /// client gets an UNCONFIRMED error (the write was applied on the master, not confirmed). 0: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub timeout_ms: Option<i64>,
    /// fenced and sync: milliseconds without hearing from a majority of the sentinels before the master
    /// refuses writes. Default: half of spec.downAfterMilliseconds; at most half of it, so the master
    /// fences itself before the sentinels may fail over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 200))]
    pub fence_milliseconds: Option<i64>,
}

/// Write safety mode.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum WriteSafetyMode {
    Async,
    #[default]
    Fenced,
    Sync,
}

/// How the data pods keep their dataset.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct PersistenceSpec {
    /// none: memory only (an emptyDir; a restarted pod resyncs from the master). rdb: periodic snapshots.
    /// aof: append-only file (fsync every second) plus snapshots. rdb and aof use a PersistentVolumeClaim per pod.
    #[serde(default)]
    pub mode: PersistenceMode,
    /// Size of each data pod's volume (rdb, aof). Default 1Gi.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Quantity>,
    /// StorageClass of the volumes. The cluster's default class when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
}

/// Persistence mode.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum PersistenceMode {
    #[default]
    None,
    Rdb,
    Aof,
}

/// Pod anti-affinity preset.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum AntiAffinity {
    #[default]
    Soft,
    Hard,
    None,
}

/// PodDisruptionBudget settings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodDisruptionBudgetSpec {
    /// Create PodDisruptionBudgets (maxUnavailable 1 for data pods; sentinels keep their quorum).
    #[serde(default = "default_true")]
    pub enabled: bool,
}

impl Default for PodDisruptionBudgetSpec {
    fn default() -> Self {
        PodDisruptionBudgetSpec { enabled: true }
    }
}

/// Client-facing Service settings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    /// Service type of `<name>-master` and `<name>-replicas`: ClusterIP (default), NodePort or LoadBalancer.
    #[serde(default, rename = "type")]
    pub type_: ServiceType,
    /// Annotations for `<name>-master` and `<name>-replicas` (for example a cloud load balancer's settings).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Kubernetes Service type.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema, Default)]
pub enum ServiceType {
    #[default]
    ClusterIP,
    NodePort,
    LoadBalancer,
}

impl ServiceType {
    /// The value the Kubernetes API expects.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
        }
    }
}

/// Metrics settings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct MetricsSpec {
    /// Serve Prometheus metrics (redis_exporter's names) on port 9121 of every data and sentinel pod,
    /// and annotate the pods for scraping (`prometheus.io/*`).
    #[serde(default)]
    pub enabled: bool,
}

/// Observed state, written by the operator.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct RedisHAStatus {
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Pending (being created), Ready, Updating (data pods being restarted one by one for a new template),
    /// Degraded (serving, but something needs attention) or Invalid (spec refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// The master the sentinels agree on, and since when the operator has seen it as master.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<MasterStatus>,
    /// Data pods ready (serving as master, or replica with a synced link).
    #[serde(default)]
    pub ready_replicas: i32,
    /// Sentinel pods ready.
    #[serde(default)]
    pub ready_sentinels: i32,
    /// Master switches observed by the operator.
    #[serde(default)]
    pub failovers: i64,
    /// The most recent master switch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failover: Option<FailoverStatus>,
    /// Ready, MasterAvailable, SentinelQuorum, Degraded and Updating.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Vec<Condition>,
}

/// The current master.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct MasterStatus {
    /// Pod name.
    pub pod: String,
    /// host:port the sentinels report.
    pub address: String,
    /// When the operator first saw this pod as master.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Time>,
}

/// One master switch.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct FailoverStatus {
    /// Previous master pod ("" when unknown).
    pub from: String,
    /// New master pod.
    pub to: String,
    /// When the operator saw the switch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Time>,
    /// Milliseconds from the sentinels' +odown to +switch-master, when the operator saw both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_milliseconds: Option<i64>,
}

fn default_replicas() -> i32 {
    3
}
fn default_sentinels() -> i32 {
    3
}
fn default_down_after() -> i64 {
    5000
}
fn default_failover_timeout() -> i64 {
    10000
}
fn default_parallel_syncs() -> i32 {
    1
}
/// What is wrong with a user definition, if anything: a name the node would refuse, a password
/// written into the rules (it would land in the ConfigMap), or rules that could break out of the
/// one `user` line the pod writes.
pub fn user_problem(u: &UserSpec) -> Option<String> {
    if u.name.is_empty() || !u.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Some("the name must be letters, digits, '-', '_' or '.'".into());
    }
    if u.name == "default" {
        return Some("the default user's password is spec.auth".into());
    }
    if u.rules.contains(['\n', '\r', '\0', '"', '\'', '\\']) {
        return Some("rules must be one line without quotes or backslashes".into());
    }
    for rule in u.rules.split_whitespace() {
        let lower = rule.to_ascii_lowercase();
        if rule.starts_with(['>', '<', '#', '!']) || matches!(lower.as_str(), "nopass" | "resetpass" | "reset" | "on" | "off") {
            return Some(format!("rule {rule:?} is not allowed: passwords come from passwordSecret, and the user is always on"));
        }
    }
    if u.password_secret.secret_name.is_empty() || u.password_secret.key.is_empty() {
        return Some("passwordSecret needs a secretName and a key".into());
    }
    None
}

fn default_auth_key() -> String {
    "password".to_string()
}
fn default_true() -> bool {
    true
}

/// A spec problem the operator refuses to act on; `field` is the JSON path users see in `kubectl explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecProblem {
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for SpecProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl RedisHASpec {
    /// Effective quorum: the spec's, or a majority of sentinels.
    pub fn effective_quorum(&self) -> i32 {
        self.quorum.unwrap_or(self.sentinels / 2 + 1)
    }

    /// The same rules the CRD's schema and CEL enforce, checked again by the operator: a CRD installed
    /// without them (or an older one) must not lead the operator into rendering a broken set.
    pub fn problems(&self) -> Vec<SpecProblem> {
        let mut out = Vec::new();
        if self.replicas < 1 {
            out.push(SpecProblem { field: "spec.replicas", message: format!("must be at least 1, got {}", self.replicas) });
        }
        if self.sentinels < 1 {
            out.push(SpecProblem { field: "spec.sentinels", message: format!("must be at least 1, got {}", self.sentinels) });
        }
        if let Some(q) = self.quorum {
            if q < 1 || q > self.sentinels {
                out.push(SpecProblem {
                    field: "spec.quorum",
                    message: format!("must be between 1 and spec.sentinels ({}), got {q}", self.sentinels),
                });
            }
        }
        if let Some(m) = self.min_replicas_to_write {
            if m < 0 || m >= self.replicas {
                out.push(SpecProblem {
                    field: "spec.minReplicasToWrite",
                    message: format!("must be between 0 and spec.replicas - 1 ({}), got {m}", self.replicas - 1),
                });
            }
        }
        if self.down_after_milliseconds < 100 {
            out.push(SpecProblem { field: "spec.downAfterMilliseconds", message: "must be at least 100".into() });
        }
        let ws = &self.write_safety;
        if ws.mode == WriteSafetyMode::Sync {
            let n = ws.sync_replicas.unwrap_or(1);
            if n < 1 || n >= self.replicas {
                out.push(SpecProblem {
                    field: "spec.writeSafety.syncReplicas",
                    message: format!(
                        "must be between 1 and spec.replicas - 1 ({}): sync mode needs that many replicas besides the master, got {n}",
                        self.replicas - 1
                    ),
                });
            }
        }
        if let Some(f) = ws.fence_milliseconds {
            if f < 200 || f * 2 > self.down_after_milliseconds {
                out.push(SpecProblem {
                    field: "spec.writeSafety.fenceMilliseconds",
                    message: format!(
                        "must be between 200 and half of spec.downAfterMilliseconds ({}), so the master fences itself before the sentinels may fail over; got {f}",
                        self.down_after_milliseconds / 2
                    ),
                });
            }
        }
        if ws.mode != WriteSafetyMode::Async && ws.fence_milliseconds.is_none() && self.down_after_milliseconds < 400 {
            out.push(SpecProblem {
                field: "spec.downAfterMilliseconds",
                message: "must be at least 400 with writeSafety fenced or sync (the fence is half of it, at least 200 ms)".into(),
            });
        }
        if self.failover_timeout_milliseconds < 1000 {
            out.push(SpecProblem { field: "spec.failoverTimeoutMilliseconds", message: "must be at least 1000".into() });
        }
        if self.config.len() > 64 {
            out.push(SpecProblem { field: "spec.config", message: format!("at most 64 directives, got {}", self.config.len()) });
        }
        for d in &self.config {
            let lower = d.name.to_ascii_lowercase();
            if OWNED_DIRECTIVES.contains(&lower.as_str()) {
                out.push(SpecProblem {
                    field: "spec.config",
                    message: format!("directive {:?} is managed by the operator; use the matching spec field", d.name),
                });
            } else if !is_directive_name(&d.name) {
                out.push(SpecProblem { field: "spec.config", message: format!("{:?} is not a redis.conf directive name", d.name) });
            }
            // NB: a newline in a value would let a user smuggle an owned directive into redis.conf.
            if d.value.contains(['\n', '\r', '\0']) || d.value.len() > 1024 {
                out.push(SpecProblem { field: "spec.config", message: format!("value of {:?} must be one line of at most 1024 bytes", d.name) });
            }
        }
        for (i, u) in self.users.iter().enumerate() {
            if let Some(why) = user_problem(u) {
                out.push(SpecProblem { field: "spec.users", message: format!("user {i} ({:?}): {why}", u.name) });
            }
            if self.users[..i].iter().any(|o| o.name == u.name) {
                out.push(SpecProblem { field: "spec.users", message: format!("user {:?} is defined twice", u.name) });
            }
        }
        if let Some(tls) = &self.tls {
            if tls.secret_name.is_empty() {
                out.push(SpecProblem { field: "spec.tls.secretName", message: "must not be empty".into() });
            }
            if let Some(cm) = &tls.cert_manager {
                if cm.issuer_ref.name.is_empty() {
                    out.push(SpecProblem { field: "spec.tls.certManager.issuerRef.name", message: "must not be empty".into() });
                }
            }
        }
        if let Some(auth) = &self.auth {
            if auth.secret_name.is_empty() {
                out.push(SpecProblem { field: "spec.auth.secretName", message: "must not be empty".into() });
            }
            if auth.key.is_empty() {
                out.push(SpecProblem { field: "spec.auth.key", message: "must not be empty".into() });
            }
        }
        out
    }

    /// Whether the spec asks for something that works but is risky; reported as a Warning, not refused.
    pub fn advisories(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.sentinels % 2 == 0 {
            out.push(format!("spec.sentinels is {}: an even number tolerates no more failures than one fewer", self.sentinels));
        }
        if self.effective_quorum() <= self.sentinels / 2 {
            out.push(format!(
                "spec.quorum {} is not a majority of {} sentinels: a partitioned minority can declare the master down",
                self.effective_quorum(),
                self.sentinels
            ));
        }
        if self.auth.is_none() {
            out.push("spec.auth is not set: the data and sentinel pods accept unauthenticated clients".into());
        }
        if self.write_safety.mode == WriteSafetyMode::Async {
            out.push("spec.writeSafety.mode is async: a partitioned master keeps acknowledging writes that the failover throws away".into());
        }

        out
    }
}

/// redis.conf directive names are lower-case words joined by dashes; anything else cannot be a directive
/// and would only make the generated file fail to load.
fn is_directive_name(key: &str) -> bool {
    key.len() <= 64
        && key.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Default for RedisHASpec {
    fn default() -> Self {
        // Same as deserialising `{}`: one place for every default.
        RedisHASpec {
            replicas: default_replicas(),
            sentinels: default_sentinels(),
            quorum: None,
            image: None,
            image_pull_policy: None,
            down_after_milliseconds: default_down_after(),
            failover_timeout_milliseconds: default_failover_timeout(),
            parallel_syncs: default_parallel_syncs(),
            min_replicas_to_write: None,
            min_replicas_max_lag_seconds: None,
            write_safety: WriteSafetySpec::default(),
            auth: None,
            users: Vec::new(),
            tls: None,
            persistence: PersistenceSpec::default(),
            config: Vec::new(),
            resources: None,
            sentinel_resources: None,
            node_selector: None,
            tolerations: None,
            affinity: None,
            anti_affinity: AntiAffinity::default(),
            topology_spread_constraints: None,
            priority_class_name: None,
            pod_disruption_budget: PodDisruptionBudgetSpec::default(),
            service: ServiceSpec::default(),
            metrics: MetricsSpec::default(),
        }
    }
}

/// The CRD as the YAML committed in `crds/redisha.yaml`, with a header saying how it is made.
pub fn crd_yaml() -> Result<String, serde_yaml::Error> {
    use kube::CustomResourceExt;
    let body = serde_yaml::to_string(&RedisHA::crd())?;
    Ok(format!("# Generated by `cargo run -p redis-ha-operator --bin crdgen`; do not edit.\n{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::CustomResourceExt;

    #[test]
    fn empty_spec_takes_every_default() {
        let spec: RedisHASpec = serde_json::from_str("{}").expect("empty spec parses");
        assert_eq!(spec, RedisHASpec::default());
        assert_eq!(spec.replicas, 3);
        assert_eq!(spec.sentinels, 3);
        assert_eq!(spec.effective_quorum(), 2);
        assert_eq!(spec.down_after_milliseconds, 5000);
        assert_eq!(spec.failover_timeout_milliseconds, 10000);
        assert_eq!(spec.parallel_syncs, 1);
        assert_eq!(spec.anti_affinity, AntiAffinity::Soft);
        assert_eq!(spec.persistence.mode, PersistenceMode::None);
        assert!(spec.pod_disruption_budget.enabled);
        assert_eq!(spec.write_safety.mode, WriteSafetyMode::Fenced);
        assert!(spec.problems().is_empty());
    }

    #[test]
    fn write_safety_problems_name_their_fields() {
        let with = |replicas, ws: serde_json::Value| {
            let spec: RedisHASpec = serde_json::from_value(serde_json::json!({"replicas": replicas, "writeSafety": ws})).expect("spec parses");
            spec.problems().into_iter().map(|p| p.field).collect::<Vec<_>>()
        };
        assert_eq!(with(1, serde_json::json!({"mode": "sync"})), ["spec.writeSafety.syncReplicas"]);
        assert!(with(2, serde_json::json!({"mode": "sync"})).is_empty());
        assert_eq!(with(3, serde_json::json!({"fenceMilliseconds": 4000})), ["spec.writeSafety.fenceMilliseconds"]);
        assert_eq!(with(3, serde_json::json!({"fenceMilliseconds": 100})), ["spec.writeSafety.fenceMilliseconds"]);
        assert!(with(1, serde_json::json!({"mode": "async"})).is_empty());
        let async_spec: RedisHASpec = serde_json::from_value(serde_json::json!({"writeSafety": {"mode": "async"}})).expect("parses");
        assert!(async_spec.advisories().iter().any(|a| a.contains("writeSafety.mode is async")));
    }

    #[test]
    fn fields_are_camel_case_and_enums_lower_case() {
        let spec: RedisHASpec = serde_json::from_value(serde_json::json!({
            "downAfterMilliseconds": 1000,
            "failoverTimeoutMilliseconds": 3000,
            "antiAffinity": "hard",
            "persistence": {"mode": "aof", "size": "2Gi", "storageClassName": "fast"},
            "auth": {"secretName": "pw"},
            "service": {"type": "LoadBalancer"},
            "imagePullPolicy": "IfNotPresent",
        }))
        .expect("spec parses");
        assert_eq!(spec.down_after_milliseconds, 1000);
        assert_eq!(spec.anti_affinity, AntiAffinity::Hard);
        assert_eq!(spec.persistence.mode, PersistenceMode::Aof);
        assert_eq!(spec.auth.as_ref().map(|a| a.key.as_str()), Some("password"));
        assert_eq!(spec.service.type_, ServiceType::LoadBalancer);
        assert!(serde_json::from_value::<RedisHASpec>(serde_json::json!({"antiAffinity": "Hard"})).is_err());
    }

    #[test]
    fn users_may_not_carry_passwords_or_break_their_line() {
        let user = |name: &str, rules: &str| UserSpec {
            name: name.into(),
            rules: rules.into(),
            password_secret: AuthSpec { secret_name: "s".into(), key: "k".into() },
        };
        assert_eq!(user_problem(&user("app", "~app:* +@all -@dangerous")), None);
        for (name, rules) in [
            ("default", "+@all"),
            ("a b", "+@all"),
            ("app", ">secret +@all"),
            ("app", "#abc"),
            ("app", "nopass +@all"),
            ("app", "off"),
            ("app", "+@all\nuser evil on nopass +@all"),
            ("app", "\"~x y\""),
        ] {
            assert!(user_problem(&user(name, rules)).is_some(), "{name:?} {rules:?} must be refused");
        }
        let spec = RedisHASpec { users: vec![user("app", "+get"), user("app", "+set")], ..Default::default() };
        assert!(spec.problems().iter().any(|p| p.field == "spec.users" && p.message.contains("twice")));
    }

    #[test]
    fn operator_refuses_what_the_api_server_should_have_refused() {
        let spec = RedisHASpec { replicas: 0, sentinels: 3, quorum: Some(4), ..Default::default() };
        let fields: Vec<_> = spec.problems().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["spec.replicas", "spec.quorum" /* minReplicasToWrite unset */,]);

        let d = |n: &str, v: &str| ConfigDirective { name: n.into(), value: v.into() };
        let mut spec = RedisHASpec::default();
        spec.config.push(d("maxmemory", "1gb"));
        assert!(spec.problems().is_empty());
        spec.config.push(d("SlaveOf", "evil 6379"));
        let problems = spec.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "spec.config");
        assert!(problems[0].message.contains("SlaveOf"), "{}", problems[0]);

        let mut spec = RedisHASpec::default();
        spec.config.push(d("maxmemory", "1gb\nreplicaof evil 6379"));
        assert_eq!(spec.problems().len(), 1);
        spec.config = vec![d("max memory", "1")];
        assert_eq!(spec.problems().len(), 1);
    }

    #[test]
    fn advisories_name_even_sentinels_and_minority_quorum() {
        let spec = RedisHASpec { sentinels: 4, quorum: Some(2), ..Default::default() };
        let adv = spec.advisories();
        assert!(adv.iter().any(|a| a.contains("even")), "{adv:?}");
        assert!(adv.iter().any(|a| a.contains("not a majority")), "{adv:?}");
        let spec = RedisHASpec { auth: Some(AuthSpec { secret_name: "s".into(), key: "k".into() }), ..Default::default() };
        assert!(spec.advisories().is_empty());
    }

    /// The API server reads the CRD as YAML 1.1, where an unquoted yes/no/on/off is a boolean: a
    /// string default or enum value spelt so would be refused (it was, for tls-auth-clients' values).
    #[test]
    fn no_string_in_the_crd_reads_as_a_yaml_1_1_boolean() {
        let yaml = crd_yaml().expect("crd");
        for line in yaml.lines() {
            let t = line.trim_start().trim_start_matches("- ");
            let value = t.split_once(": ").map_or(t, |(_, v)| v).trim();
            let lower = value.to_ascii_lowercase();
            assert!(!matches!(lower.as_str(), "yes" | "no" | "on" | "off" | "y" | "n"), "YAML 1.1 boolean in the CRD: {line}");
        }
    }

    #[test]
    fn crd_has_names_columns_status_and_rules() {
        let crd = RedisHA::crd();
        assert_eq!(crd.spec.group, GROUP);
        assert_eq!(crd.spec.scope, "Namespaced");
        assert_eq!(crd.spec.names.short_names.as_deref(), Some(&["rha".to_string()][..]));
        let v = &crd.spec.versions[0];
        assert_eq!(v.name, "v1alpha1");
        assert!(v.subresources.as_ref().and_then(|s| s.status.as_ref()).is_some());
        let cols: Vec<_> = v.additional_printer_columns.iter().flatten().map(|c| c.name.as_str()).collect();
        assert_eq!(cols, ["Master", "Ready", "Sentinels", "Failovers", "Age"]);
        let json = serde_json::to_string(&crd).expect("crd serialises");
        assert!(json.contains("self.quorum <= self.sentinels"));
        assert!(json.contains("\"fieldPath\":\".quorum\""));
        assert!(json.contains("lowerAscii()"));
        // kubectl explain shows these.
        assert!(json.contains("Number of data pods"));
    }

    #[test]
    fn cel_owned_list_matches_the_rust_list() {
        let json = serde_json::to_value(RedisHA::crd()).expect("crd serialises");
        let rule = json
            .pointer("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/config/items/x-kubernetes-validations/0/rule")
            .and_then(|r| r.as_str())
            .expect("config items carry the owned-directive rule");
        let list = rule.split_once('[').and_then(|(_, rest)| rest.split_once(']')).map(|(l, _)| l).expect("rule has a list");
        let in_rule: Vec<&str> = list.split(", ").map(|s| s.trim_matches('\'')).collect();
        assert_eq!(in_rule, OWNED_DIRECTIVES, "the CEL list and OWNED_DIRECTIVES must be the same list");
    }
}
