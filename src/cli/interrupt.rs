//! Terminating signals: SIGINT (Ctrl-C), SIGTERM (`timeout`, `docker stop`, a cancelled CI job) and SIGHUP (a
//! closed terminal) all leave the whole project or nothing, and the run exits with 128 + the signal's number
//! (130, 143, 129). What a signal does depends on the phase: before writing it ends the process at once
//! (nothing is on disk); while writing it asks the writer to undo its work; once the project is complete it
//! ends the process with 0, because the project is whole (only the summary may be cut short).
//!
//! Before writing, a wizard that holds answers registers a rescue ([`keep_on_interrupt`]): whichever signal
//! ends the run, and from whichever prompt, the answers so far are saved first and the line that resumes is
//! printed.
//!
//! `signal-hook` delivers the signals to a thread of ours as ordinary values, with their number (`ctrlc`'s
//! `termination` feature covers the same signals but does not say which one came, and the exit code needs it),
//! and so nothing here runs inside a signal handler.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};
use std::sync::{Mutex, PoisonError};

use scaffold::error::exit;
use scaffold::write::{self, WriteOptions};
use scaffold::{Error, Plan, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The phase changes with compare-and-swap so that a signal can never end the process just as writing starts.
static PHASE: AtomicU8 = AtomicU8::new(IDLE);
const IDLE: u8 = 0;
const WRITING: u8 = 1;
const WRITTEN: u8 = 2;
const EXITING: u8 = 3;
/// Set by a signal while writing; the writer polls it and undoes its work.
static CANCEL: AtomicBool = AtomicBool::new(false);
/// The first signal that arrived, for the exit code.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Saves what a run ending before its write would lose, and returns what to tell the user about it.
pub type Rescue = Box<dyn FnOnce() -> String + Send>;
/// The rescue [`stop`] runs, if any: the wizard's answers so far.
static RESCUE: Mutex<Option<Rescue>> = Mutex::new(None);

/// Registers what to save if a signal ends the run before anything is written (replacing the one before).
pub fn keep_on_interrupt(rescue: Rescue) {
    *RESCUE.lock().unwrap_or_else(PoisonError::into_inner) = Some(rescue);
}

pub fn install_handler() {
    reserve_std_fds();
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        loop {
            let mut batch: Vec<i32> = signals.wait().collect();
            // A prompt whose wait a signal cuts short raises SIGINT itself; delivered together with another
            // signal (in number order), the other is the one that was sent, and it goes first.
            batch.sort_by_key(|&sig| sig == SIGINT);
            for sig in batch {
                on_signal(sig);
            }
        }
    });
}

/// A closed stdin, stdout or stderr (`2>&-`) gets `/dev/null`, so that the next file opened cannot take its
/// number: otherwise an error message, or the signal thread's, would be written into a project file.
fn reserve_std_fds() {
    use std::os::fd::AsFd;
    let open = |fd: std::os::fd::BorrowedFd<'_>| {
        rustix::io::fcntl_getfd(fd) != Err(rustix::io::Errno::BADF)
    };
    let states = [
        open(std::io::stdin().as_fd()),
        open(std::io::stdout().as_fd()),
        open(std::io::stderr().as_fd()),
    ];
    for (fd, is_open) in states.into_iter().enumerate() {
        if !is_open {
            let mode = if fd == 0 {
                rustix::fs::OFlags::RDONLY
            } else {
                rustix::fs::OFlags::WRONLY
            };
            // Opened in order, /dev/null takes the lowest free number: this one. It stays open for good.
            if let Ok(null) = rustix::fs::open("/dev/null", mode, rustix::fs::Mode::empty()) {
                std::mem::forget(null);
            }
        }
    }
}

fn on_signal(sig: i32) {
    let _ = SIGNAL.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst);
    loop {
        let phase = PHASE.load(Ordering::SeqCst);
        match phase {
            IDLE | WRITTEN => {
                if PHASE
                    .compare_exchange(phase, EXITING, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    if phase == IDLE {
                        stop(sig);
                    }
                    note("interrupted after the project was written in full; it is complete");
                    std::process::exit(exit::OK);
                }
            }
            WRITING => {
                CANCEL.store(true, Ordering::SeqCst);
                return;
            }
            // Already ending: a second Ctrl-C prints nothing more.
            _ => return,
        }
    }
}

/// Ends a run whose prompt was interrupted (a prompt reads Ctrl-C as a key and raises SIGINT as well; a signal
/// from elsewhere cuts its wait short): whichever of this thread and the signal thread comes first prints the
/// message, once, and exits 128 + the first signal that came (130 for Ctrl-C).
pub fn end_interrupted() -> ! {
    loop {
        let phase = PHASE.load(Ordering::SeqCst);
        if phase == EXITING {
            // The signal thread is ending the process.
            loop {
                std::thread::park();
            }
        }
        if PHASE
            .compare_exchange(phase, EXITING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            stop(match SIGNAL.load(Ordering::SeqCst) {
                0 => SIGINT,
                sig => sig,
            });
        }
    }
}

/// A prompt's wait was cut short by a signal: waits (a little, at most) for the signal thread to take it, so
/// that the run ends with that signal's code rather than Ctrl-C's.
pub fn await_signal() {
    for _ in 0..100 {
        if SIGNAL.load(Ordering::SeqCst) != 0 {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Says once that nothing was written, saves what the registered rescue keeps, and ends the process with
/// 128 + `sig`.
fn stop(sig: i32) -> ! {
    let stderr = std::io::stderr();
    if stderr.is_terminal() {
        // A prompt may have hidden the cursor; the escape code goes only to a terminal.
        let _ = console::Term::stderr().show_cursor();
        let _ = writeln!(stderr.lock());
    }
    note("interrupted; nothing was written");
    let rescue = RESCUE.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(rescue) = rescue {
        note(&rescue());
    }
    std::process::exit(exit_code(sig));
}

fn exit_code(sig: i32) -> i32 {
    128 + sig
}

/// A line on standard error that cannot fail the run (stderr may be closed).
fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Checks the target before anything is rendered: a dry run and a real run refuse the same targets.
pub fn check_target(output: &Path, force: bool) -> Result<()> {
    write::check_target(output, force).map(|_| ())
}

/// Every check the real run makes before writing, for a dry run: the target, and the conflicts `force` finds.
pub fn check_plan(plan: &Plan, output: &Path, force: bool) -> Result<()> {
    write::check(plan, output, WriteOptions { force }).map(|_| ())
}

/// Writes the plan, after removing staging folders that runs killed earlier left where this one stages.
pub fn write_plan(plan: &Plan, output: &Path, force: bool) -> Result<()> {
    let found = write::sweep(output);
    for path in &found.removed {
        note(&format!(
            "note: removed {}, left by an earlier run that was killed",
            path.display()
        ));
    }
    for (path, pid) in &found.in_use {
        note(&format!(
            "note: {} belongs to another scaffold run that is still going (process {pid}); left alone",
            path.display()
        ));
    }
    for path in &found.left {
        note(&format!(
            "note: {} looks left by an earlier run but could not be removed or checked; delete it once no \
             scaffold run is going",
            path.display()
        ));
    }
    if PHASE
        .compare_exchange(IDLE, WRITING, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        // The signal thread is already ending the process; start nothing.
        loop {
            std::thread::park();
        }
    }
    let result = write::write(plan, output, WriteOptions { force }, &CANCEL);
    match result {
        Ok(_) => {
            PHASE.store(WRITTEN, Ordering::SeqCst);
            if CANCEL.load(Ordering::SeqCst) {
                // The signal came as the last step completed the project: it is whole, so end as a signal in
                // the written phase does, rather than go on to a summary that might block.
                on_signal(SIGNAL.load(Ordering::SeqCst));
            }
            Ok(())
        }
        Err(Error::Interrupted) => {
            PHASE.store(EXITING, Ordering::SeqCst);
            stop(match SIGNAL.load(Ordering::SeqCst) {
                0 => SIGINT,
                sig => sig,
            })
        }
        Err(e) => {
            PHASE.store(IDLE, Ordering::SeqCst);
            Err(e)
        }
    }
}

/// Runs `f` (git after the project is written, an update) with signals deferred: the process does not end in
/// the middle, so it can neither claim that nothing was written nor leave git half done. The child processes see
/// the signal themselves and stop in their own safe way; `f` then reports what happened. After a write, a signal
/// that came meanwhile ends the run as one in the written phase does (exit 0, the project is complete).
pub fn deferred<T>(f: impl FnOnce() -> T) -> T {
    let before = loop {
        let phase = PHASE.load(Ordering::SeqCst);
        if !matches!(phase, IDLE | WRITTEN) {
            // The signal thread is already ending the process; start nothing.
            loop {
                std::thread::park();
            }
        }
        if PHASE
            .compare_exchange(phase, WRITING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            break phase;
        }
    };
    let out = f();
    PHASE.store(before, Ordering::SeqCst);
    if CANCEL.swap(false, Ordering::SeqCst) && before == WRITTEN {
        on_signal(SIGNAL.load(Ordering::SeqCst));
    }
    out
}

/// Runs an update with signals turned into a request to stop: `f` gets the flag a signal sets, and the update
/// reads it before it changes anything (and stops there) but not once it has begun changing the work tree (it
/// finishes, merged or stopped at conflicts). Returns what `f` returned and the signal that came, if one did.
/// Signals stay requests until the process ends, so the report and the message that says what state the
/// project is in are always printed; the caller exits with 128 + the signal.
pub fn updating<T>(f: impl FnOnce(&AtomicBool) -> T) -> (T, Option<i32>) {
    loop {
        let phase = PHASE.load(Ordering::SeqCst);
        if phase != IDLE {
            // The signal thread is already ending the process; start nothing.
            loop {
                std::thread::park();
            }
        }
        if PHASE
            .compare_exchange(IDLE, WRITING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            break;
        }
    }
    let out = f(&CANCEL);
    let signal = CANCEL
        .load(Ordering::SeqCst)
        .then(|| match SIGNAL.load(Ordering::SeqCst) {
            0 => SIGINT,
            sig => sig,
        });
    (out, signal)
}

/// The name a signal is known by, for messages.
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        SIGINT => "SIGINT (Ctrl-C)",
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn exit_codes_are_128_plus_the_signal() {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        assert_eq!(super::exit_code(SIGINT), 130);
        assert_eq!(super::exit_code(SIGTERM), 143);
        assert_eq!(super::exit_code(SIGHUP), 129);
    }
}
