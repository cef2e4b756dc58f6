//! The peak resident memory of the binary: its own high-water mark (`VmHWM`), read from
//! /proc while it runs or at the moment it exits.
//!
//! Not `wait4`: the `ru_maxrss` it gives also counts the memory of the process that forked
//! the child (a forked child starts with a copy of its parent's address space and
//! high-water mark, and exec keeps the larger figure), so under one large test process it
//! measures the test process. `VmHWM` belongs to the address space exec made, so it is
//! the binary's alone. A run that ends in milliseconds (a refused key file) leaves no time
//! to read it from outside, so `run_measured` stops the child on its way out and reads it
//! there. Neither `/usr/bin/time -f %M` (one more tool for every machine that runs the
//! tests) nor an `RLIMIT_AS` (address space, not resident memory: a bound of another
//! figure) would do as well.

#[cfg(target_os = "linux")]
use std::process::Command;
#[cfg(target_os = "linux")]
use std::time::Duration;

/// The peak resident memory of a running process, in KiB (Linux).
pub fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

/// A run of the binary to its end.
#[cfg(target_os = "linux")]
pub struct Measured {
    /// The exit code; -1 when a signal ended it.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Its peak resident memory in KiB, read as it exited.
    pub peak_kib: u64,
}

/// How long a measured run may take before it is killed (the test then fails).
#[cfg(target_os = "linux")]
const LIMIT: Duration = Duration::from_secs(20);

/// Run `cmd` (stdin closed, stdout and stderr read) to its end and read its peak memory
/// as it exits: the child is traced (`PTRACE_TRACEME` before exec), asked to stop on its
/// way out (`PTRACE_O_TRACEEXIT`), and read there, while its memory is still its own. A
/// run that takes longer than 20 s is killed.
#[cfg(target_os = "linux")]
#[allow(clippy::zombie_processes)] // reaped below by waitpid, which also sees the tracing stops
pub fn run_measured(mut cmd: Command) -> Measured {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    use std::ptr::null_mut;
    use std::time::Instant;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec the child makes only the ptrace system call.
    unsafe {
        cmd.pre_exec(|| {
            let traced = libc::ptrace(
                libc::PTRACE_TRACEME,
                0,
                null_mut::<libc::c_void>(),
                null_mut::<libc::c_void>(),
            );
            if traced == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // The tracer is this thread: every ptrace request below must come from it.
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!("spawning the binary traced (PTRACE_TRACEME; needs kernel.yama.ptrace_scope 0 or 1): {e}")
    });
    let pid = child.id() as libc::pid_t;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let mut killed = false;
    let mut peak = None;
    let mut first = true;
    let status = loop {
        let mut status = 0;
        // SAFETY: the child is ours and not yet reaped.
        let waited = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG | libc::__WALL) };
        assert!(waited >= 0, "waitpid: {}", std::io::Error::last_os_error());
        if waited == 0 {
            if started.elapsed() > LIMIT && !killed {
                // Not reaped yet, so the pid is still this child's.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                killed = true;
            }
            std::thread::sleep(Duration::from_millis(1));
            continue;
        }
        if !libc::WIFSTOPPED(status) {
            break status;
        }
        let signal = libc::WSTOPSIG(status);
        let event = status >> 16;
        let resume = if first {
            // The stop that follows exec: from here on, stop it again on its way out (and
            // at a further exec rather than send it SIGTRAP), and kill it should this test
            // process end first.
            first = false;
            assert_eq!(signal, libc::SIGTRAP, "the first stop after exec");
            let options =
                libc::PTRACE_O_TRACEEXIT | libc::PTRACE_O_TRACEEXEC | libc::PTRACE_O_EXITKILL;
            let set = unsafe {
                libc::ptrace(
                    libc::PTRACE_SETOPTIONS,
                    pid,
                    null_mut::<libc::c_void>(),
                    options as usize as *mut libc::c_void,
                )
            };
            assert_eq!(
                set,
                0,
                "PTRACE_SETOPTIONS: {}",
                std::io::Error::last_os_error()
            );
            0
        } else if signal == libc::SIGTRAP && event == libc::PTRACE_EVENT_EXIT {
            peak = Some(vm_hwm_kib(pid as u32));
            0
        } else if signal == libc::SIGTRAP && event != 0 {
            // Another exec (an event, not a signal to pass on): the figure read at the
            // exit is that of the last program.
            0
        } else {
            // A signal on its way to the child: pass it on.
            signal
        };
        let resumed = unsafe {
            libc::ptrace(
                libc::PTRACE_CONT,
                pid,
                null_mut::<libc::c_void>(),
                resume as usize as *mut libc::c_void,
            )
        };
        assert_eq!(
            resumed,
            0,
            "PTRACE_CONT: {}",
            std::io::Error::last_os_error()
        );
    };
    let stdout = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    assert!(!killed, "the run did not end within {LIMIT:?}: {stderr}");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let Some(peak_kib) = peak else {
        panic!("the run ended (status {status:#x}) without the stop at its exit: {stderr}");
    };
    Measured {
        code,
        stdout,
        stderr,
        peak_kib,
    }
}
