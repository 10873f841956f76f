//! The OS calls std does not offer, each a plain libc call with no pointer kept: fork/setsid for
//! `daemonize`, fork and wait for the children (BGSAVE, AOF rewrite, diskless sync, forked Lua
//! debugging sessions), signals, rlimits and resource usage for INFO, keepalive, and the
//! descriptor-level socket calls the busy-script loop and the Lua debugger need. The crate's
//! other unsafe code is `alloc.rs` (the counting allocator) and `script/` (Lua's C API for hooks).
#![allow(unsafe_code)]

/// Detaches like redis-server's `daemonize()`: fork (the parent exits 0), setsid, and point
/// stdin/stdout/stderr at /dev/null. Must run before any thread is started.
pub fn daemonize() -> std::io::Result<()> {
    // SAFETY: called from main before the tokio runtime or any other thread exists.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if pid > 0 {
        std::process::exit(0);
    }
    // SAFETY: plain syscalls on our own process and file descriptors.
    unsafe {
        libc::setsid();
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR, 0);
        if fd >= 0 {
            libc::dup2(fd, 0);
            libc::dup2(fd, 1);
            libc::dup2(fd, 2);
            if fd > 2 {
                libc::close(fd);
            }
        }
    }
    Ok(())
}

/// (user, system) CPU seconds of this process, or of its children.
pub fn cpu_times(children: bool) -> (f64, f64) {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let who = if children { libc::RUSAGE_CHILDREN } else { libc::RUSAGE_SELF };
    // SAFETY: `ru` is a valid, writable rusage struct.
    let rc = unsafe { libc::getrusage(who, &mut ru) };
    if rc != 0 {
        return (0.0, 0.0);
    }
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    (t(ru.ru_utime), t(ru.ru_stime))
}

/// Resident set size in bytes, from /proc/self/statm.
pub fn rss_bytes() -> u64 {
    let page = 4096u64;
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()))
        .map(|p| p * page)
        .unwrap_or(0)
}

/// The open-file limit (RLIMIT_NOFILE): soft and hard.
pub fn nofile_limit() -> std::io::Result<(u64, u64)> {
    let mut l = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes into the struct we pass.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) } == -1 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((l.rlim_cur, l.rlim_max))
}

/// Sets the open-file limit, soft and hard.
pub fn set_nofile_limit(soft: u64, hard: u64) -> std::io::Result<()> {
    let l = libc::rlimit { rlim_cur: soft, rlim_max: hard };
    // SAFETY: setrlimit reads the struct we pass.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &l) } == -1 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Enables TCP keepalive with Redis's interval (`tcp-keepalive` seconds) on a socket.
pub fn set_keepalive(fd: i32, interval: u64) {
    if interval == 0 {
        return;
    }
    let on: libc::c_int = 1;
    let idle = interval as libc::c_int;
    let intvl = ((interval / 3).max(1)) as libc::c_int;
    let cnt: libc::c_int = 3;
    let size = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: setsockopt on a socket we own, with pointers to live ints of the stated size.
    unsafe {
        libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, &on as *const _ as *const libc::c_void, size);
        libc::setsockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, &idle as *const _ as *const libc::c_void, size);
        libc::setsockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, &intvl as *const _ as *const libc::c_void, size);
        libc::setsockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, &cnt as *const _ as *const libc::c_void, size);
    }
}

/// Wall-clock microseconds since the Unix epoch, straight from clock_gettime (this runs several
/// times per command; std's SystemTime arithmetic costs more than the vDSO call itself).
pub fn realtime_us() -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    if rc != 0 {
        return 0;
    }
    ts.tv_sec * 1_000_000 + ts.tv_nsec / 1_000
}

/// Forks a child process that runs `work` and exits with the status it returns (Redis's
/// `redisFork` for BGSAVE and BGREWRITEAOF: the child sees a copy-on-write snapshot of the whole
/// dataset as it was at the fork). Returns the child's pid in the parent.
///
/// The child must only compute and write files: it runs on a copy of the one thread that forked,
/// so locks other threads held at the fork stay locked in it. glibc's allocator is fork-safe;
/// the child never touches the runtime, the state's mutex or the log sink, and leaves with
/// `_exit` so no destructor or atexit handler of the parent's runs twice.
pub fn fork_child(work: impl FnOnce() -> i32) -> std::io::Result<i32> {
    // SAFETY: see above; the child only runs `work` and `_exit`s.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or(1);
        // SAFETY: terminating the child without running the parent's exit handlers.
        unsafe { libc::_exit(code) };
    }
    Ok(pid)
}

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildExit {
    Code(i32),
    Signal(i32),
}

/// Reaps the child `pid` if it has finished, without waiting (Redis's `checkChildrenDone`; each
/// kind of child is reaped by its owner, so one never takes another's exit status).
pub fn reap(pid: i32) -> Option<ChildExit> {
    let mut status: libc::c_int = 0;
    // SAFETY: waitpid with a valid pointer to an int.
    let got = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    if got <= 0 {
        return None;
    }
    Some(if libc::WIFSIGNALED(status) { ChildExit::Signal(libc::WTERMSIG(status)) } else { ChildExit::Code(libc::WEXITSTATUS(status)) })
}

/// Waits until `fd` can be written (`write`) or read, for `timeout_ms` at most (negative: no
/// limit); false when the time ran out.
pub fn wait_fd(fd: i32, write: bool, timeout_ms: i32) -> std::io::Result<bool> {
    let mut p = libc::pollfd { fd, events: if write { libc::POLLOUT } else { libc::POLLIN }, revents: 0 };
    loop {
        // SAFETY: poll on one valid pollfd.
        let rc = unsafe { libc::poll(&mut p, 1, timeout_ms) };
        if rc >= 0 {
            return Ok(rc > 0);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Ignores SIGTERM and SIGINT (a forked Lua debugging session leaves them to the server).
pub fn ignore_termination_signals() {
    // SAFETY: setting a signal's disposition to SIG_IGN.
    unsafe {
        libc::signal(libc::SIGTERM, libc::SIG_IGN);
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
}

/// Waits for a given child to end (used when killing one at shutdown).
pub fn wait_child(pid: i32) {
    let mut status: libc::c_int = 0;
    // SAFETY: waitpid with a valid pointer to an int.
    unsafe { libc::waitpid(pid, &mut status, 0) };
}

/// Sends a signal to a process.
pub fn kill(pid: i32, signal: i32) {
    // SAFETY: plain syscall.
    unsafe { libc::kill(pid, signal) };
}

pub const SIGUSR1: i32 = libc::SIGUSR1;
pub const SIGKILL: i32 = libc::SIGKILL;

/// This process's pid (in a forked child, the child's).
pub fn getpid() -> i32 {
    // SAFETY: plain syscall.
    unsafe { libc::getpid() }
}

/// A pipe: (read end, write end).
pub fn pipe() -> std::io::Result<(i32, i32)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe writes two descriptors into the array.
    let rc = unsafe { libc::pipe(fds.as_mut_ptr()) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((fds[0], fds[1]))
}

/// Stops a listening socket listening without closing its descriptor (its owner still holds it).
pub fn shutdown_listener(fd: i32) {
    // SAFETY: shutdown takes a descriptor by value and touches no memory; a stale one is EBADF.
    unsafe {
        libc::shutdown(fd, libc::SHUT_RDWR);
    }
}

pub fn close(fd: i32) {
    // SAFETY: closing a descriptor this process owns and no longer uses.
    unsafe { libc::close(fd) };
}

/// Takes ownership of a raw descriptor (from `pipe`) as a File.
pub fn file_from_fd(fd: i32) -> std::fs::File {
    use std::os::fd::FromRawFd;
    // SAFETY: the caller hands over a descriptor it owns and does not use again.
    unsafe { std::fs::File::from_raw_fd(fd) }
}

/// `access(2)` modes.
pub const W_OK: i32 = libc::W_OK;
pub const X_OK: i32 = libc::X_OK;

/// `access(2)`: whether this process (by its real uid, as Redis checks) may use `path` as `mode`
/// says (`W_OK`, `X_OK`); the error is the reason, e.g. "Permission denied".
pub fn access(path: &std::path::Path, mode: i32) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    // SAFETY: a valid NUL-terminated path that outlives the call.
    let rc = unsafe { libc::access(c_path.as_ptr(), mode) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// `recv(2)` without waiting: the bytes read (0 at the end of the stream), or `WouldBlock`.
/// For serving clients outside their connection tasks while a script keeps the server busy.
pub fn recv_now(fd: i32, buf: &mut [u8]) -> std::io::Result<usize> {
    // SAFETY: `buf` is valid for `buf.len()` bytes; the descriptor is a client socket.
    let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
    if n < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// `send(2)` without waiting and without SIGPIPE: the bytes written, or `WouldBlock`.
pub fn send_now(fd: i32, buf: &[u8]) -> std::io::Result<usize> {
    // SAFETY: `buf` is valid for `buf.len()` bytes; the descriptor is a client socket.
    let n = unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL) };
    if n < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// `accept4(2)` without waiting: a new non-blocking, close-on-exec socket, or `WouldBlock`.
pub fn accept_now(fd: i32) -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: plain syscall on a listening socket; no peer address is asked for.
    let c = unsafe { libc::accept4(fd, std::ptr::null_mut(), std::ptr::null_mut(), libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC) };
    if c < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `c` is a descriptor accept4 just created and nothing else owns.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(c) })
}
