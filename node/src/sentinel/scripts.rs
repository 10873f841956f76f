//! The notification and client-reconfig scripts, run with Redis's rules (sentinel.c
//! `sentinelRunPendingScripts`, `sentinelCollectTerminatedScripts`, `sentinelKillTimedoutScripts`):
//! a queue of at most 256 jobs (the oldest waiting one is dropped beyond that), at most 16 running,
//! each killed after 60 s; a script killed by a signal or exiting with 1 is retried up to 10 runs
//! in all, 30 s after the first failure and twice as long after each further one; any other
//! non-zero exit (2 when it cannot even be executed) is final and reported as `-script-error`.
//!
//! Scripts are child processes polled from the timer, like Redis's waitpid(WNOHANG) in
//! sentinelTimer: nothing waits for them.

use std::collections::VecDeque;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};

use super::state::{Event, Level};
use crate::resp::reply::Out;

const MAX_QUEUE: usize = 256;
const MAX_RUNNING: usize = 16;
const MAX_RETRY: u32 = 10;
/// SENTINEL DEBUG script-max-runtime default.
pub const DEFAULT_MAX_RUNTIME_MS: u64 = 60_000;
/// SENTINEL DEBUG script-retry-delay default.
pub const DEFAULT_RETRY_DELAY_MS: u64 = 30_000;

struct Job {
    /// Path, then arguments.
    argv: Vec<String>,
    retry_num: u32,
    /// Running: when it started. Waiting: not before this (0 = any time).
    start_time: u64,
    child: Option<Child>,
}

impl Job {
    fn running(&self) -> bool {
        self.child.is_some()
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }
}

/// The script queue.
pub struct ScriptQueue {
    jobs: VecDeque<Job>,
    pub max_runtime_ms: u64,
    pub retry_delay_ms: u64,
}

impl Default for ScriptQueue {
    fn default() -> Self {
        ScriptQueue { jobs: VecDeque::new(), max_runtime_ms: DEFAULT_MAX_RUNTIME_MS, retry_delay_ms: DEFAULT_RETRY_DELAY_MS }
    }
}

/// The delay before the run after run number `retry_num`: `base`, doubled for each run after the
/// first (sentinelScriptRetryDelay).
fn retry_delay(base: u64, retry_num: u32) -> u64 {
    let mut delay = base;
    for _ in 1..retry_num {
        delay = delay.saturating_mul(2);
    }
    delay
}

fn event(level: Level, name: &str, payload: String) -> Event {
    Event { level, name: name.to_string(), payload }
}

impl ScriptQueue {
    /// Queues `path args...` (sentinelScheduleScriptExecution).
    pub fn schedule(&mut self, path: String, args: Vec<String>) {
        let mut argv = vec![path];
        argv.extend(args);
        self.jobs.push_back(Job { argv, retry_num: 0, start_time: 0, child: None });
        if self.jobs.len() > MAX_QUEUE {
            if let Some(i) = self.jobs.iter().position(|j| !j.running()) {
                self.jobs.remove(i);
            }
        }
    }

    /// Scripts running now (INFO's sentinel_running_scripts).
    pub fn running(&self) -> usize {
        self.jobs.iter().filter(|j| j.running()).count()
    }

    /// Jobs queued or running (INFO's sentinel_scripts_queue_length).
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// One timer pass: start what may start, collect what ended, kill what ran too long. Returns
    /// the events to publish.
    pub fn tick(&mut self, now: u64) -> Vec<Event> {
        let mut events = Vec::new();
        self.run_pending(now, &mut events);
        self.collect_terminated(now, &mut events);
        self.kill_timed_out(now, &mut events);
        events
    }

    fn run_pending(&mut self, now: u64, events: &mut Vec<Event>) {
        let mut running = self.running();
        let mut i = 0;
        while i < self.jobs.len() && running < MAX_RUNNING {
            let job = &mut self.jobs[i];
            if job.running() || (job.start_time != 0 && job.start_time > now) {
                i += 1;
                continue;
            }
            job.start_time = now;
            job.retry_num += 1;
            let spawned = Command::new(&job.argv[0]).args(&job.argv[1..]).stdin(Stdio::null()).spawn();
            match spawned {
                Ok(child) => {
                    events.push(event(Level::Debug, "+script-child", child.id().to_string()));
                    job.child = Some(child);
                    running += 1;
                    i += 1;
                }
                Err(_) => {
                    // Redis's child exits with 2 when execve fails: not retried.
                    events.push(event(Level::Warning, "-script-error", format!("{} 0 2", job.argv[0])));
                    self.jobs.remove(i);
                }
            }
        }
    }

    fn collect_terminated(&mut self, now: u64, events: &mut Vec<Event>) {
        let mut i = 0;
        while i < self.jobs.len() {
            let job = &mut self.jobs[i];
            let status = match job.child.as_mut().map(Child::try_wait) {
                Some(Ok(Some(status))) => status,
                Some(Err(_)) => {
                    // Cannot be waited for any more: treat as gone with a failure.
                    std::process::ExitStatus::from_raw(2 << 8)
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            let pid = job.pid();
            let exitcode = status.code().unwrap_or(0);
            let bysignal = status.signal().unwrap_or(0);
            events.push(event(Level::Debug, "-script-child", format!("{pid} {exitcode} {bysignal}")));
            job.child = None;
            if (bysignal != 0 || exitcode == 1) && job.retry_num != MAX_RETRY {
                job.start_time = now + retry_delay(self.retry_delay_ms, job.retry_num);
                i += 1;
            } else {
                if bysignal != 0 || exitcode != 0 {
                    events.push(event(Level::Warning, "-script-error", format!("{} {bysignal} {exitcode}", job.argv[0])));
                }
                self.jobs.remove(i);
            }
        }
    }

    fn kill_timed_out(&mut self, now: u64, events: &mut Vec<Event>) {
        for job in self.jobs.iter_mut() {
            let pid = job.pid();
            let (start, limit) = (job.start_time, self.max_runtime_ms);
            if let Some(child) = job.child.as_mut() {
                if now.saturating_sub(start) > limit {
                    events.push(event(Level::Warning, "-script-timeout", format!("{} {pid}", job.argv[0])));
                    let _ = child.kill();
                }
            }
        }
    }

    /// SENTINEL PENDING-SCRIPTS: one map per job.
    pub fn write_pending(&self, out: &mut Out, now: u64) {
        out.array(self.jobs.len());
        for job in &self.jobs {
            out.map(5);
            out.bulk(b"argv");
            out.array(job.argv.len());
            for a in &job.argv {
                out.bulk(a.as_bytes());
            }
            out.bulk(b"flags");
            out.bulk(if job.running() { b"running" as &[u8] } else { b"scheduled" });
            out.bulk(b"pid");
            out.bulk_int(i64::from(job.pid()));
            if job.running() {
                out.bulk(b"run-time");
                out.bulk_int(now.saturating_sub(job.start_time) as i64);
            } else {
                out.bulk(b"run-delay");
                out.bulk_int(if job.start_time == 0 { 0 } else { job.start_time.saturating_sub(now) as i64 });
            }
            out.bulk(b"retry-num");
            out.bulk_int(i64::from(job.retry_num));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    }

    fn run_until_idle(q: &mut ScriptQueue, mut now: u64) -> (Vec<Event>, u64) {
        let mut all = Vec::new();
        for _ in 0..500 {
            all.extend(q.tick(now));
            if q.running() == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            now += 10;
        }
        (all, now)
    }

    #[test]
    fn exit_codes_follow_redis_rules() {
        let dir = std::env::temp_dir().join(format!("rhn-scripts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ok = script(&dir, "ok.sh", "exit 0");
        let retry = script(&dir, "retry.sh", "exit 1");
        let fatal = script(&dir, "fatal.sh", "exit 3");
        let mut q = ScriptQueue::default();
        q.schedule(ok.clone(), vec!["+sdown".into(), "master m 1.2.3.4 1".into()]);
        q.schedule(retry.clone(), vec![]);
        q.schedule(fatal.clone(), vec![]);
        q.schedule(dir.join("missing.sh").display().to_string(), vec![]);
        let (events, now) = run_until_idle(&mut q, 1);
        let errors: Vec<String> = events.iter().filter(|e| e.name == "-script-error").map(|e| e.payload.clone()).collect();
        assert!(errors.contains(&format!("{fatal} 0 3")), "{errors:?}");
        assert!(errors.iter().any(|e| e.ends_with("missing.sh 0 2")), "{errors:?}");
        // Only the exit-1 script stays, waiting 30 s for its second run.
        assert_eq!(q.len(), 1);
        let mut out = Out::with_resp(2);
        q.write_pending(&mut out, now);
        let text = String::from_utf8_lossy(&out.buf).into_owned();
        assert!(text.contains("scheduled") && text.contains("run-delay") && text.contains(&retry), "{text}");
        assert_eq!(retry_delay(q.retry_delay_ms, 1), 30_000);
        assert_eq!(retry_delay(q.retry_delay_ms, 3), 120_000);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn runaway_scripts_are_killed_and_retried() {
        let dir = std::env::temp_dir().join(format!("rhn-scripts-slow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let slow = script(&dir, "slow.sh", "exec sleep 30");
        let mut q = ScriptQueue { max_runtime_ms: 50, ..ScriptQueue::default() };
        q.schedule(slow, vec![]);
        let (events, _) = run_until_idle(&mut q, 1);
        assert!(events.iter().any(|e| e.name == "-script-timeout"));
        // Killed by a signal: retried later, not an error yet.
        assert!(!events.iter().any(|e| e.name == "-script-error"));
        assert_eq!(q.len(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_queue_is_bounded() {
        let mut q = ScriptQueue::default();
        for i in 0..300 {
            q.schedule(format!("/bin/s{i}"), vec![]);
        }
        assert_eq!(q.len(), MAX_QUEUE);
        assert_eq!(q.jobs.front().map(|j| j.argv[0].clone()), Some("/bin/s44".to_string()));
    }
}
