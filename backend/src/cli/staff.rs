//! `mailslot staff`: the desk's accounts from the server's console.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use crate::staff::Role;
use crate::store::Store;
use crate::Error;

/// `mailslot staff …`
#[derive(Debug, Subcommand)]
pub enum StaffCmd {
    /// Add a staff account for the desk; its password is read as one line
    /// from standard input.
    Add {
        /// Sign-in name: 1 to 64 of a-z, 0-9, '.', '_', '-'.
        name: String,
        /// desk: works cases; admin: also manages staff accounts.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List staff accounts (names, roles, dates; never passwords).
    List,
    /// Remove a staff account; its sessions end at once.
    Remove {
        /// The account's name.
        name: String,
    },
}

/// `--role`
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// Works cases.
    Desk,
    /// Works cases and manages staff accounts.
    Admin,
}

/// Runs a `staff` command.
pub fn run(cmd: StaffCmd, store: &Store) -> Result<ExitCode, Error> {
    match cmd {
        StaffCmd::Add { name, role } => {
            let role = match role {
                RoleArg::Desk => Role::Desk,
                RoleArg::Admin => Role::Admin,
            };
            if std::io::stdin().is_terminal() {
                eprintln!("Type the new staff password and press Enter:");
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Error::Usage(format!("cannot read the password: {e}")))?;
            let password = line.trim_end_matches(['\r', '\n']);
            let id = crate::staff::add(store, &name, role, password)?;
            store.audit(
                "staff-added",
                &format!("staff={name} id={id} role={}", role.as_str()),
            )?;
            println!("staff account {name} ({}) added", role.as_str());
        }
        StaffCmd::List => {
            let zone = crate::clock::local_zone();
            for a in crate::staff::list(store)? {
                println!(
                    "{}  {}  created {}",
                    a.name,
                    a.role.as_str(),
                    crate::clock::readable_in(a.created_at, &zone)
                );
            }
        }
        StaffCmd::Remove { name } => {
            crate::staff::remove(store, &name)?;
            store.audit("staff-removed", &format!("staff={name}"))?;
            println!("staff account {name} removed");
        }
    }
    Ok(ExitCode::SUCCESS)
}
