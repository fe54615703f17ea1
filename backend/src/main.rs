//! The `mailslot` binary: a thin shell over [`mailslot_backend`].

use std::process::ExitCode;

fn main() -> ExitCode {
    mailslot_backend::cli::main()
}
