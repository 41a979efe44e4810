//! Interrupts. What Ctrl-C does depends on the phase: before writing it ends the process at once (nothing is on
//! disk); while writing it asks the writer to undo its work.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use scaffold::error::exit;
use scaffold::write::{self, WriteOptions};
use scaffold::{Plan, Result};

/// What an interrupt does depends on the phase: before writing it ends the process at once (nothing is on
/// disk); while writing it asks the writer to undo its work. The phase changes with compare-and-swap so that an
/// interrupt can never end the process just as writing starts.
static PHASE: AtomicU8 = AtomicU8::new(IDLE);
const IDLE: u8 = 0;
const WRITING: u8 = 1;
const EXITING: u8 = 2;
/// Set by Ctrl-C while writing; the writer polls it and undoes its work.
static CANCEL: AtomicBool = AtomicBool::new(false);

pub fn install_handler() {
    // Before writing starts nothing is on disk, so an interrupt can end the process at once; while writing, the
    // writer is told to stop and clean up.
    let _ = ctrlc::set_handler(|| {
        match PHASE.compare_exchange(IDLE, EXITING, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => {
                let _ = console::Term::stderr().show_cursor();
                eprintln!("\ninterrupted; nothing was written");
                std::process::exit(exit::INTERRUPTED);
            }
            Err(_) => CANCEL.store(true, Ordering::SeqCst),
        }
    });
}

pub fn write_plan(plan: &Plan, output: &Path, force: bool) -> Result<()> {
    if PHASE
        .compare_exchange(IDLE, WRITING, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        // The interrupt handler is already ending the process; start nothing.
        loop {
            std::thread::park();
        }
    }
    let result = write::write(plan, output, WriteOptions { force }, &CANCEL);
    PHASE.store(IDLE, Ordering::SeqCst);
    result.map(|_| ())
}

/// Runs `f` (git after the project is written, an update) with Ctrl-C deferred: the process does not end in the
/// middle, so it cannot claim that nothing was written. The child processes see the interrupt themselves and
/// stop in their own safe way; `f` then reports what happened.
pub fn deferred<T>(f: impl FnOnce() -> T) -> T {
    if PHASE
        .compare_exchange(IDLE, WRITING, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        loop {
            std::thread::park();
        }
    }
    let out = f();
    CANCEL.store(false, Ordering::SeqCst);
    PHASE.store(IDLE, Ordering::SeqCst);
    out
}
