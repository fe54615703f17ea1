//! `mailslot case …`: what staff do with held cases, from the console
//! (the desk calls the same `crate::case` functions).

use std::process::ExitCode;

use clap::Subcommand;

use crate::config::Config;
use crate::Error;

#[derive(Debug, Subcommand)]
pub(super) enum CaseCmd {
    /// List cases (reference, arrival, department, purpose, role, counts,
    /// state, deletion date) and the count per state.
    List {
        /// Only cases in this state (new, in-progress, taken-over, consult, closed).
        #[arg(long, value_name = "STATE")]
        state: Option<String>,
        /// Only cases for this department id.
        #[arg(long, value_name = "ID")]
        department: Option<String>,
    },
    /// Show one case: its state, the sender's details, the letters, the
    /// studies and series, and where each object is.
    Show {
        /// The reference number.
        reference: String,
    },
    /// Take studies (or series) into the archive under the hospital's
    /// identity (the sender's ID kept in Other Patient IDs).
    TakeOver {
        /// The reference number.
        reference: String,
        /// A Study (or Series) Instance UID; repeat for more.
        #[arg(long = "study", value_name = "UID", required = true)]
        studies: Vec<String>,
        /// The hospital's Patient ID.
        #[arg(long, value_name = "ID")]
        patient_id: String,
        /// The patient's name as DICOM writes it: Family^Given.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Birth date, YYYYMMDD.
        #[arg(long, value_name = "DATE", default_value = "")]
        birth_date: String,
        /// Sex: M, F or O.
        #[arg(long, value_name = "SEX", default_value = "")]
        sex: String,
        /// An accession number for the archive.
        #[arg(long, value_name = "NUMBER", default_value = "")]
        accession: String,
        /// Who takes it over (for the audit).
        #[arg(long, value_name = "NAME")]
        by: String,
    },
    /// Send studies (or series) unchanged to the consult destination.
    Consult {
        /// The reference number.
        reference: String,
        /// A Study (or Series) Instance UID; repeat for more.
        #[arg(long = "study", value_name = "UID", required = true)]
        studies: Vec<String>,
        /// Who decides (for the audit).
        #[arg(long, value_name = "NAME")]
        by: String,
    },
    /// Close a case: everything not taken over is deleted at once.
    Close {
        /// The reference number.
        reference: String,
        /// Who closes it (for the audit).
        #[arg(long, value_name = "NAME")]
        by: String,
    },
}

/// `mailslot case …`: the desk's actions from the console.
pub(super) fn case(
    cmd: CaseCmd,
    config: &Config,
    store: &crate::store::Store,
) -> Result<ExitCode, Error> {
    use crate::case::{CaseState, Cases, Filter};
    let cases = Cases {
        store,
        config,
        forwarder: None,
    };
    let zone = crate::clock::local_zone();
    match cmd {
        CaseCmd::List { state, department } => {
            let state = state
                .map(|s| {
                    CaseState::parse(&s)
                        .ok_or_else(|| Error::Usage(format!("--state: no state `{s}`")))
                })
                .transpose()?;
            let filter = Filter {
                state,
                department,
                reference: None,
            };
            for c in cases.list(&filter)? {
                println!(
                    "{}  {}  state={}  department={}  purpose={}  role={}  studies={}  images={}  bytes={}  letters={}  deleted {}",
                    c.reference,
                    crate::clock::readable_in(c.arrival, &zone),
                    c.state,
                    c.department.as_deref().unwrap_or("-"),
                    c.purpose.as_deref().unwrap_or("-"),
                    c.role.as_deref().unwrap_or("-"),
                    c.studies,
                    c.images,
                    c.bytes,
                    c.letters,
                    crate::clock::readable_in(c.delete_at, &zone),
                );
            }
            let counts: Vec<String> = cases
                .counts()?
                .iter()
                .map(|(s, n)| format!("{s}={n}"))
                .collect();
            println!(
                "cases: {}",
                if counts.is_empty() {
                    "-".into()
                } else {
                    counts.join(" ")
                }
            );
        }
        CaseCmd::Show { reference } => {
            let shown = cases.show(&reference)?;
            println!(
                "State: {}  deleted {}",
                shown.case.state,
                crate::clock::readable_in(shown.case.delete_at, &zone)
            );
            print!("{}", shown.text);
            println!("\nObjects:");
            for item in &shown.items {
                println!(
                    "  {}  {}  {}",
                    item.upload_id,
                    item.state,
                    item.target.map_or("-", |t| t.as_str())
                );
            }
        }
        CaseCmd::TakeOver {
            reference,
            studies,
            patient_id,
            name,
            birth_date,
            sex,
            accession,
            by,
        } => {
            let identity = mailslot_shared::reconcile::Identity {
                patient_id,
                issuer: String::new(),
                name,
                birth_date,
                sex,
                accession,
            };
            let done = cases.take_over(&reference, &studies, identity, &by)?;
            println!(
                "{} object(s) queued for the archive; case {}",
                done.objects, done.state
            );
        }
        CaseCmd::Consult {
            reference,
            studies,
            by,
        } => {
            let done = cases.consult(&reference, &studies, &by)?;
            match config.consult {
                Some(_) => println!(
                    "{} object(s) queued for the consult destination; case {}",
                    done.objects, done.state
                ),
                None => println!(
                    "no consult destination configured: case marked {}",
                    done.state
                ),
            }
        }
        CaseCmd::Close { reference, by } => {
            let closed = cases.close(&reference, &by)?;
            println!(
                "case closed: {} object(s) deleted, {} still on the way to the archive{}",
                closed.deleted,
                closed.waiting,
                if closed.gone {
                    "; nothing of it is left but its audit record"
                } else {
                    ""
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
