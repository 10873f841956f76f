//! The data StatefulSet `<name>` and the sentinel StatefulSet `<name>-sentinel`.
//!
//! Both run the same image: `redis-ha-node` for data, `redis-ha-node --sentinel` for sentinels, started
//! through the ConfigMap's scripts. Pods run as non-root with a read-only root filesystem and no
//! capabilities; the only writable paths are emptyDirs (live config, /tmp) and the data volume.
//! The data set uses `OnDelete` so the operator, not the StatefulSet controller, decides the order of a
//! roll (replicas first, the master last after a switchover).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy};
use k8s_openapi::api::core::v1::{
    Affinity, Capabilities, ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar, EnvVarSource, ExecAction, KeyToPath,
    Lifecycle, LifecycleHandler, ObjectFieldSelector, PersistentVolumeClaim, PersistentVolumeClaimSpec, PodAffinityTerm, PodAntiAffinity,
    PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ProjectedVolumeSource, SeccompProfile, SecretProjection, SecretVolumeSource,
    SecurityContext, TCPSocketAction, Volume, VolumeMount, VolumeProjection, VolumeResourceRequirements, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::config::{self, DATA_DIR, TLS_DIR};
use super::names::{Names, COMPONENT_DATA, COMPONENT_SENTINEL, DATA_PORT, METRICS_PORT, SENTINEL_PORT};
use super::RenderOptions;
use crate::crd::{AntiAffinity, PersistenceMode, RedisHA};

/// Pod annotation carrying the ConfigMap digest: a config change changes the template, so pods roll.
pub const CONFIG_HASH_ANNOTATION: &str = "redisha.io/config-hash";
/// UID/GID the pods run as; the node image's user (issue 7) must match.
pub const RUN_AS: i64 = 999;
/// Where the ConfigMap is mounted.
const CONFIG_MOUNT: &str = "/etc/redis-ha/config";
/// Where the password file is mounted.
const SECRET_MOUNT: &str = "/etc/redis-ha/secret";
const PASSWORD_FILE_NAME: &str = "password";
/// Where every pod finds the password of the operator's own ACL user (with `spec.auth`).
const OPERATOR_MOUNT: &str = "/etc/redis-ha/operator";
/// Where the data pods find their ACL users' passwords, one file per user (`spec.users`).
const USERS_MOUNT: &str = "/etc/redis-ha/users";
/// Writable emptyDir for the live config files (sentinel rewrites its own).
const RUN_DIR: &str = "/run/redis-ha";
/// Seconds a stopping master waits for its demotion after asking for a failover, beyond the failover timeout.
const PRE_STOP_SLACK_SECONDS: i64 = 10;

/// The data StatefulSet.
pub fn data(rha: &RedisHA, names: &Names, owner: &OwnerReference, opts: &RenderOptions, config_hash: &str) -> StatefulSet {
    let spec = &rha.spec;
    let failover_wait = spec.failover_timeout_milliseconds / 1000 + PRE_STOP_SLACK_SECONDS;
    let mut env = common_env(rha, names);
    env.push(env_var("FAILOVER_WAIT_SECONDS", failover_wait.to_string()));
    // start-node.sh waits for peers with data only when a restarted peer can have any.
    env.push(env_var("PERSISTENCE", persistence_mode(spec.persistence.mode).into()));
    if !spec.users.is_empty() {
        env.push(env_var("USERS_DIR", USERS_MOUNT.into()));
    }

    let container = Container {
        name: "redis".into(),
        image: Some(image(rha, opts)),
        image_pull_policy: spec.image_pull_policy.map(|p| p.as_str().to_string()),
        command: Some(vec!["/bin/sh".into(), format!("{CONFIG_MOUNT}/{}", config::KEY_START_NODE)]),
        ports: Some(ports(rha, "redis", DATA_PORT)),
        env: Some(env),
        resources: spec.resources.clone(),
        readiness_probe: Some(exec_probe(config::KEY_READY_NODE, 5, 5)),
        // Liveness is only "the port accepts connections": a PING-based check would kill a pod that is
        // busy loading a large dataset, which then starts loading again.
        liveness_probe: Some(tcp_probe(DATA_PORT)),
        lifecycle: Some(Lifecycle {
            pre_stop: Some(LifecycleHandler {
                exec: Some(ExecAction { command: Some(vec!["/bin/sh".into(), format!("{CONFIG_MOUNT}/{}", config::KEY_PRE_STOP_NODE)]) }),
                ..LifecycleHandler::default()
            }),
            ..Lifecycle::default()
        }),
        volume_mounts: Some(mounts(rha, true)),
        security_context: Some(container_security()),
        ..Container::default()
    };

    let persistent = spec.persistence.mode != PersistenceMode::None;
    let mut volumes = volumes(rha, names);
    if let Some(v) = users_volume(rha) {
        volumes.push(v);
    }
    if !persistent {
        volumes.push(empty_dir("data"));
    }
    let claims = persistent.then(|| {
        vec![PersistentVolumeClaim {
            metadata: ObjectMeta { name: Some("data".into()), labels: Some(names.selector(Some(COMPONENT_DATA))), ..ObjectMeta::default() },
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                storage_class_name: spec.persistence.storage_class_name.clone(),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([(
                        "storage".to_string(),
                        spec.persistence.size.clone().unwrap_or_else(|| Quantity("1Gi".into())),
                    )])),
                    ..VolumeResourceRequirements::default()
                }),
                ..PersistentVolumeClaimSpec::default()
            }),
            ..PersistentVolumeClaim::default()
        }]
    });

    let pod = pod_spec(rha, names, COMPONENT_DATA, container, volumes, failover_wait + 30);
    StatefulSet {
        metadata: super::child_meta(names, names.data_statefulset(), Some(COMPONENT_DATA), owner),
        spec: Some(StatefulSetSpec {
            replicas: Some(spec.replicas),
            service_name: Some(names.data_headless()),
            selector: LabelSelector { match_labels: Some(names.selector(Some(COMPONENT_DATA))), ..LabelSelector::default() },
            // Parallel: a restarted set must not wait for pod 0 (which may be the one that is gone).
            pod_management_policy: Some("Parallel".into()),
            update_strategy: Some(StatefulSetUpdateStrategy { type_: Some("OnDelete".into()), ..StatefulSetUpdateStrategy::default() }),
            template: template(rha, names, COMPONENT_DATA, config_hash, pod),
            volume_claim_templates: claims,
            ..StatefulSetSpec::default()
        }),
        ..StatefulSet::default()
    }
}

/// The sentinel StatefulSet.
pub fn sentinel(rha: &RedisHA, names: &Names, owner: &OwnerReference, opts: &RenderOptions, config_hash: &str) -> StatefulSet {
    let spec = &rha.spec;
    let container = Container {
        name: "sentinel".into(),
        image: Some(image(rha, opts)),
        image_pull_policy: spec.image_pull_policy.map(|p| p.as_str().to_string()),
        command: Some(vec!["/bin/sh".into(), format!("{CONFIG_MOUNT}/{}", config::KEY_START_SENTINEL)]),
        ports: Some(ports(rha, "sentinel", SENTINEL_PORT)),
        env: Some(common_env(rha, names)),
        resources: spec.sentinel_resources.clone(),
        readiness_probe: Some(exec_probe(config::KEY_READY_SENTINEL, 5, 5)),
        liveness_probe: Some(tcp_probe(SENTINEL_PORT)),
        volume_mounts: Some(mounts(rha, false)),
        security_context: Some(container_security()),
        ..Container::default()
    };
    let pod = pod_spec(rha, names, COMPONENT_SENTINEL, container, volumes(rha, names), 30);
    StatefulSet {
        metadata: super::child_meta(names, names.sentinel_statefulset(), Some(COMPONENT_SENTINEL), owner),
        spec: Some(StatefulSetSpec {
            replicas: Some(spec.sentinels),
            service_name: Some(names.sentinel_headless()),
            selector: LabelSelector { match_labels: Some(names.selector(Some(COMPONENT_SENTINEL))), ..LabelSelector::default() },
            pod_management_policy: Some("Parallel".into()),
            // Sentinels hold no data the set needs: the StatefulSet controller may roll them one at a time.
            update_strategy: Some(StatefulSetUpdateStrategy { type_: Some("RollingUpdate".into()), ..StatefulSetUpdateStrategy::default() }),
            template: template(rha, names, COMPONENT_SENTINEL, config_hash, pod),
            ..StatefulSetSpec::default()
        }),
        ..StatefulSet::default()
    }
}

fn persistence_mode(mode: PersistenceMode) -> &'static str {
    match mode {
        PersistenceMode::None => "none",
        PersistenceMode::Rdb => "rdb",
        PersistenceMode::Aof => "aof",
    }
}

fn image(rha: &RedisHA, opts: &RenderOptions) -> String {
    rha.spec.image.clone().unwrap_or_else(|| opts.default_image.clone())
}

/// The container's ports: its Redis port, and the metrics port when metrics are on.
fn ports(rha: &RedisHA, name: &str, port: i32) -> Vec<ContainerPort> {
    let mut ports = vec![ContainerPort { name: Some(name.into()), container_port: port, ..ContainerPort::default() }];
    if rha.spec.metrics.enabled {
        ports.push(ContainerPort { name: Some("metrics".into()), container_port: METRICS_PORT, ..ContainerPort::default() });
    }
    ports
}

fn template(rha: &RedisHA, names: &Names, component: &str, config_hash: &str, pod: PodSpec) -> PodTemplateSpec {
    let mut annotations = BTreeMap::from([(CONFIG_HASH_ANNOTATION.to_string(), config_hash.to_string())]);
    if rha.spec.metrics.enabled {
        annotations.insert("prometheus.io/scrape".into(), "true".into());
        annotations.insert("prometheus.io/port".into(), METRICS_PORT.to_string());
        annotations.insert("prometheus.io/path".into(), "/metrics".into());
    }
    PodTemplateSpec {
        metadata: Some(ObjectMeta { labels: Some(names.labels(Some(component))), annotations: Some(annotations), ..ObjectMeta::default() }),
        spec: Some(pod),
    }
}

fn pod_spec(rha: &RedisHA, names: &Names, component: &str, container: Container, volumes: Vec<Volume>, grace: i64) -> PodSpec {
    let spec = &rha.spec;
    PodSpec {
        containers: vec![container],
        volumes: Some(volumes),
        // The pods talk only to Redis peers; no API access.
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        termination_grace_period_seconds: Some(grace),
        security_context: Some(PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(RUN_AS),
            run_as_group: Some(RUN_AS),
            fs_group: Some(RUN_AS),
            seccomp_profile: Some(SeccompProfile { type_: "RuntimeDefault".into(), ..SeccompProfile::default() }),
            ..PodSecurityContext::default()
        }),
        node_selector: spec.node_selector.clone(),
        tolerations: spec.tolerations.clone(),
        affinity: spec.affinity.clone().or_else(|| anti_affinity(spec.anti_affinity, names, component)),
        topology_spread_constraints: spec.topology_spread_constraints.clone(),
        priority_class_name: spec.priority_class_name.clone(),
        ..PodSpec::default()
    }
}

/// Keep pods of one component of one RedisHA on different nodes: preferred (soft) or required (hard).
pub fn anti_affinity(mode: AntiAffinity, names: &Names, component: &str) -> Option<Affinity> {
    let term = PodAffinityTerm {
        label_selector: Some(LabelSelector { match_labels: Some(names.selector(Some(component))), ..LabelSelector::default() }),
        topology_key: "kubernetes.io/hostname".into(),
        ..PodAffinityTerm::default()
    };
    let anti = match mode {
        AntiAffinity::None => return None,
        AntiAffinity::Soft => PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![WeightedPodAffinityTerm { weight: 100, pod_affinity_term: term }]),
            ..PodAntiAffinity::default()
        },
        AntiAffinity::Hard => PodAntiAffinity { required_during_scheduling_ignored_during_execution: Some(vec![term]), ..PodAntiAffinity::default() },
    };
    Some(Affinity { pod_anti_affinity: Some(anti), ..Affinity::default() })
}

fn common_env(rha: &RedisHA, names: &Names) -> Vec<EnvVar> {
    let field = |path: &str| EnvVarSource {
        field_ref: Some(ObjectFieldSelector { field_path: path.into(), ..ObjectFieldSelector::default() }),
        ..EnvVarSource::default()
    };
    let mut env = vec![
        EnvVar { name: "POD_NAME".into(), value_from: Some(field("metadata.name")), ..EnvVar::default() },
        env_var("MASTER_SET", names.master_set().to_string()),
        env_var("DATA_DOMAIN", names.data_domain()),
        env_var("SENTINEL_DOMAIN", names.sentinel_domain()),
        env_var("SENTINEL_SERVICE", format!("{}.{}.svc.{}", names.sentinel_service(), names.namespace, names.cluster_domain)),
        env_var("DATA_PORT", DATA_PORT.to_string()),
        env_var("SENTINEL_PORT", SENTINEL_PORT.to_string()),
        env_var("REPLICAS", rha.spec.replicas.to_string()),
        env_var("QUORUM", rha.spec.effective_quorum().to_string()),
    ];
    if rha.spec.auth.is_some() {
        // The path of the mounted Secret file, never the password itself: env is visible in the pod spec.
        env.push(env_var("PASSWORD_FILE", format!("{SECRET_MOUNT}/{PASSWORD_FILE_NAME}")));
        env.push(env_var("OPERATOR_PASSWORD_FILE", format!("{OPERATOR_MOUNT}/{PASSWORD_FILE_NAME}")));
    }
    if rha.spec.tls.is_some() {
        // The scripts' redis-cli calls speak TLS with the pod's own certificate.
        env.push(env_var("TLS_DIR", TLS_DIR.into()));
    }
    env
}

fn env_var(name: &str, value: String) -> EnvVar {
    EnvVar { name: name.into(), value: Some(value), ..EnvVar::default() }
}

fn volumes(rha: &RedisHA, names: &Names) -> Vec<Volume> {
    let mut v = vec![
        Volume {
            name: "config".into(),
            config_map: Some(ConfigMapVolumeSource { name: names.config_map(), default_mode: Some(0o444), ..ConfigMapVolumeSource::default() }),
            ..Volume::default()
        },
        empty_dir("run"),
        empty_dir("tmp"),
    ];
    if let Some(auth) = &rha.spec.auth {
        v.push(Volume {
            name: "secret".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(auth.secret_name.clone()),
                items: Some(vec![KeyToPath { key: auth.key.clone(), path: PASSWORD_FILE_NAME.into(), ..KeyToPath::default() }]),
                // Readable by the pod's group only (fsGroup), not world-readable.
                default_mode: Some(0o440),
                ..SecretVolumeSource::default()
            }),
            ..Volume::default()
        });
        v.push(Volume {
            name: "operator".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(names.operator_secret()),
                items: Some(vec![KeyToPath { key: PASSWORD_FILE_NAME.into(), path: PASSWORD_FILE_NAME.into(), ..KeyToPath::default() }]),
                default_mode: Some(0o440),
                ..SecretVolumeSource::default()
            }),
            ..Volume::default()
        });
    }
    if let Some(tls) = &rha.spec.tls {
        // The whole Secret, not a projection of its keys: the kubelet swaps a Secret volume's files
        // in one step when the Secret changes, so a renewed certificate and its key arrive together.
        let item = |k: &str| KeyToPath { key: k.into(), path: k.into(), ..KeyToPath::default() };
        v.push(Volume {
            name: "tls".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(tls.secret_name.clone()),
                items: Some(vec![item("tls.crt"), item("tls.key"), item("ca.crt")]),
                default_mode: Some(0o440),
                ..SecretVolumeSource::default()
            }),
            ..Volume::default()
        });
    }
    v
}

/// The users' passwords, each Secret key projected to a file named after its user.
fn users_volume(rha: &RedisHA) -> Option<Volume> {
    if rha.spec.users.is_empty() {
        return None;
    }
    let sources = rha
        .spec
        .users
        .iter()
        .map(|u| VolumeProjection {
            secret: Some(SecretProjection {
                name: u.password_secret.secret_name.clone(),
                items: Some(vec![KeyToPath { key: u.password_secret.key.clone(), path: u.name.clone(), ..KeyToPath::default() }]),
                ..SecretProjection::default()
            }),
            ..VolumeProjection::default()
        })
        .collect();
    Some(Volume {
        name: "users".into(),
        projected: Some(ProjectedVolumeSource { sources: Some(sources), default_mode: Some(0o440) }),
        ..Volume::default()
    })
}

fn empty_dir(name: &str) -> Volume {
    Volume { name: name.into(), empty_dir: Some(EmptyDirVolumeSource::default()), ..Volume::default() }
}

fn mounts(rha: &RedisHA, data: bool) -> Vec<VolumeMount> {
    let m = |name: &str, path: &str, read_only: bool| VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: read_only.then_some(true),
        ..VolumeMount::default()
    };
    let mut v = vec![m("config", CONFIG_MOUNT, true), m("run", RUN_DIR, false), m("tmp", "/tmp", false)];
    if data {
        v.push(m("data", DATA_DIR, false));
    }
    if rha.spec.auth.is_some() {
        v.push(m("secret", SECRET_MOUNT, true));
        v.push(m("operator", OPERATOR_MOUNT, true));
    }
    if data && !rha.spec.users.is_empty() {
        v.push(m("users", USERS_MOUNT, true));
    }
    if rha.spec.tls.is_some() {
        v.push(m("tls", TLS_DIR, true));
    }
    v
}

fn container_security() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        capabilities: Some(Capabilities { drop: Some(vec!["ALL".into()]), ..Capabilities::default() }),
        ..SecurityContext::default()
    }
}

fn exec_probe(script: &str, period: i32, timeout: i32) -> Probe {
    Probe {
        exec: Some(ExecAction { command: Some(vec!["/bin/sh".into(), format!("{CONFIG_MOUNT}/{script}")]) }),
        period_seconds: Some(period),
        timeout_seconds: Some(timeout),
        failure_threshold: Some(2),
        ..Probe::default()
    }
}

fn tcp_probe(port: i32) -> Probe {
    Probe {
        tcp_socket: Some(TCPSocketAction { port: IntOrString::Int(port), ..TCPSocketAction::default() }),
        initial_delay_seconds: Some(10),
        period_seconds: Some(10),
        failure_threshold: Some(6),
        ..Probe::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{AuthSpec, ClientAuth, PersistenceSpec, PullPolicy, RedisHASpec, TlsSpec, UserSpec};
    use crate::resources::{fixtures::rha, render, RenderOptions};

    fn both(spec: RedisHASpec) -> (StatefulSet, StatefulSet) {
        let c = render(&rha(spec), &RenderOptions::default()).expect("renders");
        (c.data, c.sentinel)
    }

    fn pod(sts: &StatefulSet) -> &PodSpec {
        sts.spec.as_ref().and_then(|s| s.template.spec.as_ref()).expect("pod spec")
    }

    fn env(sts: &StatefulSet, name: &str) -> Option<String> {
        pod(sts).containers[0].env.iter().flatten().find(|e| e.name == name).and_then(|e| e.value.clone())
    }

    #[test]
    fn names_counts_and_commands() {
        let (data, sentinel) = both(RedisHASpec { replicas: 5, sentinels: 3, ..Default::default() });
        assert_eq!(data.metadata.name.as_deref(), Some("cache"));
        assert_eq!(sentinel.metadata.name.as_deref(), Some("cache-sentinel"));
        let ds = data.spec.as_ref().expect("spec");
        assert_eq!(ds.replicas, Some(5));
        assert_eq!(ds.service_name.as_deref(), Some("cache-headless"));
        assert_eq!(ds.update_strategy.as_ref().and_then(|u| u.type_.as_deref()), Some("OnDelete"));
        assert_eq!(sentinel.spec.as_ref().and_then(|s| s.replicas), Some(3));
        assert_eq!(sentinel.spec.as_ref().and_then(|s| s.service_name.as_deref()), Some("cache-sentinel-headless"));
        assert_eq!(pod(&data).containers[0].command.as_deref(), Some(&["/bin/sh".to_string(), "/etc/redis-ha/config/start-node.sh".into()][..]));
        assert_eq!(
            pod(&sentinel).containers[0].command.as_deref(),
            Some(&["/bin/sh".to_string(), "/etc/redis-ha/config/start-sentinel.sh".into()][..])
        );
        assert_eq!(env(&data, "MASTER_SET").as_deref(), Some("cache"));
        assert_eq!(env(&data, "DATA_DOMAIN").as_deref(), Some("cache-headless.prod.svc.cluster.local"));
        assert_eq!(env(&sentinel, "QUORUM").as_deref(), Some("2"));
        assert_eq!(env(&data, "PERSISTENCE").as_deref(), Some("none"));
        let (aof, _) = both(RedisHASpec { persistence: PersistenceSpec { mode: PersistenceMode::Aof, ..Default::default() }, ..Default::default() });
        assert_eq!(env(&aof, "PERSISTENCE").as_deref(), Some("aof"));
    }

    #[test]
    fn metrics_open_a_port_on_every_pod_and_annotate_it() {
        let (data, sentinel) = both(RedisHASpec::default());
        assert_eq!(pod(&data).containers[0].ports.as_ref().map(Vec::len), Some(1));
        let annotations =
            |sts: &StatefulSet| sts.spec.as_ref().and_then(|s| s.template.metadata.as_ref()).and_then(|m| m.annotations.clone()).unwrap_or_default();
        assert!(!annotations(&sentinel).contains_key("prometheus.io/scrape"));
        let spec = RedisHASpec { metrics: crate::crd::MetricsSpec { enabled: true }, ..Default::default() };
        let (data, sentinel) = both(spec.clone());
        for sts in [&data, &sentinel] {
            let ports = pod(sts).containers[0].ports.clone().unwrap_or_default();
            assert!(ports.iter().any(|p| p.name.as_deref() == Some("metrics") && p.container_port == METRICS_PORT), "{ports:?}");
            let a = annotations(sts);
            assert_eq!(a.get("prometheus.io/scrape").map(String::as_str), Some("true"));
            assert_eq!(a.get("prometheus.io/port").map(String::as_str), Some("9121"));
            assert_eq!(a.get("prometheus.io/path").map(String::as_str), Some("/metrics"));
        }
        // The nodes serve them: the directive is in both configurations.
        let r = rha(spec);
        assert!(crate::resources::config::redis_conf(&r).contains("\nha-metrics-port 9121\n"));
        assert!(crate::resources::config::sentinel_conf(&r).contains("\nha-metrics-port 9121\n"));
        assert!(!crate::resources::config::redis_conf(&rha(RedisHASpec::default())).contains("ha-metrics-port"));
    }

    #[test]
    fn image_defaults_to_the_operators_own_version() {
        let (data, sentinel) = both(RedisHASpec::default());
        let want = format!("ghcr.io/redis-ha/redis-ha-node:{}", env!("CARGO_PKG_VERSION"));
        assert_eq!(pod(&data).containers[0].image.as_deref(), Some(want.as_str()));
        assert_eq!(pod(&sentinel).containers[0].image.as_deref(), Some(want.as_str()));
        let (data, _) = both(RedisHASpec { image: Some("mine:1".into()), image_pull_policy: Some(PullPolicy::Always), ..Default::default() });
        assert_eq!(pod(&data).containers[0].image.as_deref(), Some("mine:1"));
        assert_eq!(pod(&data).containers[0].image_pull_policy.as_deref(), Some("Always"));
    }

    #[test]
    fn pods_are_locked_down() {
        let (data, sentinel) = both(RedisHASpec::default());
        for sts in [&data, &sentinel] {
            let p = pod(sts);
            let psc = p.security_context.as_ref().expect("pod security context");
            assert_eq!(psc.run_as_non_root, Some(true));
            assert_eq!(psc.seccomp_profile.as_ref().map(|s| s.type_.as_str()), Some("RuntimeDefault"));
            assert_eq!(p.automount_service_account_token, Some(false));
            let sc = p.containers[0].security_context.as_ref().expect("container security context");
            assert_eq!(sc.read_only_root_filesystem, Some(true));
            assert_eq!(sc.allow_privilege_escalation, Some(false));
            assert_eq!(sc.capabilities.as_ref().and_then(|c| c.drop.clone()), Some(vec!["ALL".to_string()]));
            // Every writable path is a volume.
            let writable: Vec<_> =
                p.containers[0].volume_mounts.iter().flatten().filter(|m| m.read_only != Some(true)).map(|m| m.name.as_str()).collect();
            for w in writable {
                let v = p.volumes.iter().flatten().find(|v| v.name == w);
                assert!(v.is_some_and(|v| v.empty_dir.is_some()) || w == "data", "{w} must be an emptyDir or the data volume");
            }
        }
    }

    #[test]
    fn password_comes_from_the_secret_file_never_the_env() {
        let spec = RedisHASpec { auth: Some(AuthSpec { secret_name: "redis-pw".into(), key: "pw".into() }), ..Default::default() };
        let (data, sentinel) = both(spec);
        for sts in [&data, &sentinel] {
            let p = pod(sts);
            let secret = p.volumes.iter().flatten().find_map(|v| v.secret.as_ref()).expect("secret volume");
            assert_eq!(secret.secret_name.as_deref(), Some("redis-pw"));
            assert_eq!(secret.items.as_ref().map(|i| i[0].key.as_str()), Some("pw"));
            assert_eq!(env(sts, "PASSWORD_FILE").as_deref(), Some("/etc/redis-ha/secret/password"));
            // The operator's own user's password, from the Secret the operator makes.
            let op = p.volumes.iter().flatten().find(|v| v.name == "operator").and_then(|v| v.secret.as_ref()).expect("operator volume");
            assert_eq!(op.secret_name.as_deref(), Some("cache-operator"));
            assert_eq!(env(sts, "OPERATOR_PASSWORD_FILE").as_deref(), Some("/etc/redis-ha/operator/password"));
            assert!(p.containers[0].env.iter().flatten().all(|e| e.value_from.as_ref().and_then(|v| v.secret_key_ref.as_ref()).is_none()));
        }
        let (data, _) = both(RedisHASpec::default());
        assert_eq!(env(&data, "PASSWORD_FILE"), None);
        assert_eq!(env(&data, "OPERATOR_PASSWORD_FILE"), None);
    }

    #[test]
    fn users_passwords_are_projected_files_in_the_data_pods_only() {
        let user = |name: &str, secret: &str| UserSpec {
            name: name.into(),
            rules: "~app:* +@read".into(),
            password_secret: AuthSpec { secret_name: secret.into(), key: "password".into() },
        };
        let spec = RedisHASpec { users: vec![user("app", "app-pw"), user("reader", "reader-pw")], ..Default::default() };
        let (data, sentinel) = both(spec);
        let p = pod(&data);
        let projected = p.volumes.iter().flatten().find(|v| v.name == "users").and_then(|v| v.projected.as_ref()).expect("users volume");
        let files: Vec<(String, String, String)> = projected
            .sources
            .iter()
            .flatten()
            .filter_map(|s| s.secret.as_ref())
            .map(|s| {
                (
                    s.name.clone(),
                    s.items.as_ref().map(|i| i[0].key.clone()).unwrap_or_default(),
                    s.items.as_ref().map(|i| i[0].path.clone()).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(files, vec![("app-pw".into(), "password".into(), "app".into()), ("reader-pw".into(), "password".into(), "reader".into())]);
        assert_eq!(projected.default_mode, Some(0o440));
        assert!(p.containers[0].volume_mounts.iter().flatten().any(|m| m.name == "users" && m.read_only == Some(true)));
        assert_eq!(env(&data, "USERS_DIR").as_deref(), Some("/etc/redis-ha/users"));
        // Sentinels have no use for them.
        let s = pod(&sentinel);
        assert!(s.volumes.iter().flatten().all(|v| v.name != "users"));
        assert_eq!(env(&sentinel, "USERS_DIR"), None);
    }

    #[test]
    fn the_tls_secret_is_mounted_whole_in_every_pod() {
        let tls = TlsSpec { secret_name: "cache-tls".into(), client_auth: ClientAuth::Required, cert_manager: None };
        let (data, sentinel) = both(RedisHASpec { tls: Some(tls), ..Default::default() });
        for sts in [&data, &sentinel] {
            let p = pod(sts);
            let v = p.volumes.iter().flatten().find(|v| v.name == "tls").and_then(|v| v.secret.as_ref()).expect("tls volume");
            assert_eq!(v.secret_name.as_deref(), Some("cache-tls"));
            let keys: Vec<&str> = v.items.iter().flatten().map(|i| i.key.as_str()).collect();
            assert_eq!(keys, vec!["tls.crt", "tls.key", "ca.crt"]);
            assert_eq!(v.default_mode, Some(0o440));
            assert!(p.containers[0]
                .volume_mounts
                .iter()
                .flatten()
                .any(|m| m.name == "tls" && m.mount_path == "/etc/redis-ha/tls" && m.read_only == Some(true)));
            assert_eq!(env(sts, "TLS_DIR").as_deref(), Some("/etc/redis-ha/tls"));
        }
        let (plain, _) = both(RedisHASpec::default());
        assert!(pod(&plain).volumes.iter().flatten().all(|v| v.name != "tls"));
        assert_eq!(env(&plain, "TLS_DIR"), None);
    }

    #[test]
    fn readiness_means_master_or_synced_replica_and_master_hands_over_on_stop() {
        let (data, sentinel) = both(RedisHASpec { failover_timeout_milliseconds: 20000, ..Default::default() });
        let c = &pod(&data).containers[0];
        let ready = c.readiness_probe.as_ref().and_then(|p| p.exec.as_ref()).and_then(|e| e.command.clone()).expect("exec readiness");
        assert_eq!(ready[1], "/etc/redis-ha/config/ready-node.sh");
        assert!(config::READY_NODE.contains("role:master") && config::READY_NODE.contains("master_link_status:up"));
        let stop = c.lifecycle.as_ref().and_then(|l| l.pre_stop.as_ref()).and_then(|h| h.exec.as_ref()).and_then(|e| e.command.clone());
        assert_eq!(stop.map(|s| s[1].clone()).as_deref(), Some("/etc/redis-ha/config/pre-stop-node.sh"));
        assert!(config::PRE_STOP_NODE.contains("SENTINEL FAILOVER"));
        assert_eq!(env(&data, "FAILOVER_WAIT_SECONDS").as_deref(), Some("30"));
        // The grace period outlasts the preStop wait.
        assert_eq!(pod(&data).termination_grace_period_seconds, Some(60));
        assert!(pod(&sentinel).containers[0].lifecycle.is_none());
    }

    #[test]
    fn anti_affinity_soft_hard_none_and_explicit_affinity_wins() {
        let aa = |mode| {
            let (data, _) = both(RedisHASpec { anti_affinity: mode, ..Default::default() });
            pod(&data).affinity.clone().and_then(|a| a.pod_anti_affinity)
        };
        let soft = aa(AntiAffinity::Soft).expect("soft");
        let term = &soft.preferred_during_scheduling_ignored_during_execution.as_ref().expect("preferred")[0];
        assert_eq!(term.pod_affinity_term.topology_key, "kubernetes.io/hostname");
        assert!(soft.required_during_scheduling_ignored_during_execution.is_none());
        let hard = aa(AntiAffinity::Hard).expect("hard");
        assert!(hard.required_during_scheduling_ignored_during_execution.is_some());
        assert!(hard.preferred_during_scheduling_ignored_during_execution.is_none());
        assert!(aa(AntiAffinity::None).is_none());
        let custom = Affinity { node_affinity: Some(Default::default()), ..Affinity::default() };
        let (data, _) = both(RedisHASpec { affinity: Some(custom.clone()), anti_affinity: AntiAffinity::Hard, ..Default::default() });
        assert_eq!(pod(&data).affinity.as_ref(), Some(&custom));
    }

    #[test]
    fn persistence_none_uses_an_empty_dir_and_rdb_aof_claim_volumes() {
        let (data, _) = both(RedisHASpec::default());
        assert!(data.spec.as_ref().and_then(|s| s.volume_claim_templates.as_ref()).is_none());
        assert!(pod(&data).volumes.iter().flatten().any(|v| v.name == "data" && v.empty_dir.is_some()));
        for mode in [PersistenceMode::Rdb, PersistenceMode::Aof] {
            let persistence = PersistenceSpec { mode, size: Some(Quantity("5Gi".into())), storage_class_name: Some("fast".into()) };
            let (data, _) = both(RedisHASpec { persistence, ..Default::default() });
            let claims = data.spec.as_ref().and_then(|s| s.volume_claim_templates.clone()).expect("claims");
            assert_eq!(claims.len(), 1);
            let cs = claims[0].spec.as_ref().expect("claim spec");
            assert_eq!(claims[0].metadata.name.as_deref(), Some("data"));
            assert_eq!(cs.storage_class_name.as_deref(), Some("fast"));
            assert_eq!(cs.resources.as_ref().and_then(|r| r.requests.as_ref()).and_then(|r| r.get("storage")), Some(&Quantity("5Gi".into())));
            assert!(pod(&data).volumes.iter().flatten().all(|v| v.name != "data"), "the claim, not a pod volume, provides data");
        }
    }

    #[test]
    fn scheduling_fields_pass_through_and_config_changes_roll_pods() {
        let spec = RedisHASpec {
            node_selector: Some(BTreeMap::from([("disk".to_string(), "ssd".to_string())])),
            priority_class_name: Some("high".into()),
            ..Default::default()
        };
        let (data, sentinel) = both(spec.clone());
        for sts in [&data, &sentinel] {
            assert_eq!(pod(sts).node_selector.as_ref().and_then(|n| n.get("disk")).map(String::as_str), Some("ssd"));
            assert_eq!(pod(sts).priority_class_name.as_deref(), Some("high"));
        }
        let hash = |sts: &StatefulSet| {
            sts.spec
                .as_ref()
                .and_then(|s| s.template.metadata.as_ref())
                .and_then(|m| m.annotations.as_ref())
                .and_then(|a| a.get(CONFIG_HASH_ANNOTATION))
                .cloned()
        };
        let (data2, _) = both(RedisHASpec { down_after_milliseconds: 999, ..spec });
        assert!(hash(&data).is_some());
        assert_ne!(hash(&data), hash(&data2));
    }
}
