//! Command-line parsing and dispatch. `--config` and `--data-dir` work the
//! same way for every subcommand.
//!
//! Over 400 lines: every command's arguments and dispatch in one place;
//! a new command's own work goes into a file below (`cli/staff.rs`).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mailslot_shared::dicom::Lang;

use crate::config::{Config, Flags, LogFormat};
use crate::Error;

mod case;
mod staff;
use case::{case, CaseCmd};

/// DICOM Mailslot: receive medical images from outside, one way.
#[derive(Debug, Parser)]
#[command(name = "mailslot", version, about)]
pub struct Cli {
    /// Configuration file (TOML); see mailslot.example.toml.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for all state (database, spool, inbox, keys).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the upload server.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// inbox | dimse://AET@HOST:PORT | stow+http://HOST:PORT/PATH
        #[arg(long, value_name = "DEST")]
        forward: Option<String>,
    },
    /// Manage upload passwords.
    #[command(subcommand)]
    Password(PasswordCmd),
    /// Manage staff accounts for the desk.
    #[command(subcommand)]
    Staff(staff::StaffCmd),
    /// Manage the server's encryption keys.
    #[command(subcommand)]
    Key(KeyCmd),
    /// Show the forward and notification queues (counts; `--failed` lists
    /// refused objects and failed notifications).
    Queue {
        /// List permanently failed objects and notifications with their code.
        #[arg(long)]
        failed: bool,
        /// Queue the objects the PACS refused again (once it was fixed).
        #[arg(long, conflicts_with = "failed")]
        retry_failed: bool,
    },
    /// Run one housekeeping pass now (expiry, retention, quota, keys).
    Purge,
    /// List completed submissions (reference, time, department, counts,
    /// forwarding), or show one with the sender's details and the patients.
    Submissions {
        /// Only those completed on or after this day (YYYY-MM-DD, server time zone).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[command(subcommand)]
        show: Option<SubmissionsCmd>,
    },
    /// Held cases (`mode = "hold"`): list, show, take over into the
    /// archive, send as a consult, close.
    #[command(subcommand)]
    Case(CaseCmd),
    /// Print the audit log (no patient data): time (UTC), event, details.
    Audit {
        /// Only events on or after this day (YYYY-MM-DD, server time zone).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// Send files or folders to a Mailslot server (native client).
    Send(Box<mailslot_sender::send::SendArgs>),
    /// Check local files with exactly the rules the upload page and server use.
    ///
    /// Prints one line per file. Exit status: 0 when every file was accepted,
    /// 1 when any was rejected, 2 on a usage error.
    Verify {
        /// Print one JSON object per line.
        #[arg(long)]
        json: bool,
        /// Language of the reasons.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Files or directories (walked recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum PasswordCmd {
    /// Add a password, read as one line from standard input (or made up
    /// with --generate).
    Add {
        /// Last day the password is valid (YYYY-MM-DD, server time zone).
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
        /// Make a speakable passphrase (about 55 bits) and print it,
        /// instead of reading one from standard input.
        #[arg(long)]
        generate: bool,
    },
    /// List passwords (ids and dates, never the passwords).
    List,
    /// Remove a password by id.
    Remove {
        /// The id shown by `password list`.
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum SubmissionsCmd {
    /// Print one submission: the sender's details, request and consent,
    /// the letters, and per study the patient and what arrived.
    Show {
        /// The reference number the sender quotes (e.g. K7M-4QX-9TD).
        reference: String,
    },
}

#[derive(Debug, Subcommand)]
enum KeyCmd {
    /// Make a new key current; old keys go once nothing needs them.
    Rotate,
    /// Show the current key id.
    Show,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    De,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => Lang::En,
            LangArg::De => Lang::De,
        }
    }
}

/// Runs the command line; the exit code follows each subcommand's rules.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` logs as its configuration says, once it is loaded.
    if !matches!(cli.command, Command::Serve { .. }) {
        init_logging(LogFormat::Text);
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mailslot: {e} [{}]", e.code());
            match e {
                Error::Usage(_) | Error::Config(_) | Error::Verify(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// Logs to standard error, as text or (`log_format = "json"`) one JSON
/// object per line. What is logged never holds patient data: ids, codes
/// and counts only.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MAILSLOT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let mut flags = Flags {
        config: cli.config,
        data_dir: cli.data_dir,
        ..Flags::default()
    };
    match cli.command {
        Command::Verify { json, lang, paths } => {
            let options = mailslot_sender::verify::Options {
                json,
                lang: lang.into(),
                limits: Default::default(),
            };
            let stdout = std::io::stdout();
            let report = mailslot_sender::verify::run(&paths, &options, &mut stdout.lock())?;
            Ok(if report.rejected == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Send(args) => mailslot_sender::send::send_command(&args)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Error::from),
        Command::Serve { listen, forward } => {
            flags.listen = listen;
            flags.forward = forward;
            let config = Config::load(&flags)?;
            init_logging(config.log_format);
            serve(config)
        }
        Command::Password(cmd) => {
            let config = Config::load(&flags)?;
            let store = open_store(&config)?;
            password(cmd, &store)
        }
        Command::Staff(cmd) => {
            let config = Config::load(&flags)?;
            staff::run(cmd, &open_store(&config)?)
        }
        Command::Key(cmd) => {
            let config = Config::load(&flags)?;
            crate::durable::create_dir_all(&config.data_dir)
                .map_err(|e| Error::DataDir(config.data_dir.clone(), e))?;
            let keys = crate::keys::Keyring::open(&config.data_dir.join("keys"))?;
            match cmd {
                KeyCmd::Rotate => {
                    let store = open_store(&config)?;
                    let kid = keys.rotate()?;
                    store.audit("key-rotated", &format!("kid={kid}"))?;
                    println!("current key: {kid}");
                }
                KeyCmd::Show => println!("current key: {}", keys.current()?.0),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Queue {
            failed,
            retry_failed,
        } => {
            let config = Config::load(&flags)?;
            let store = open_store(&config)?;
            if retry_failed {
                let layout = crate::mailbox::Layout::of(&config.data_dir);
                let n = crate::forward::retry_failed(&store, &layout)?;
                println!("{n} refused object(s) queued again");
            } else if failed {
                for f in crate::forward::failures(&store)? {
                    let status = f
                        .status
                        .map(|s| format!("{s:#06x}"))
                        .unwrap_or_else(|| "-".into());
                    let code = f.code.unwrap_or_default();
                    println!(
                        "{}  upload={}  code={code}  status={status}",
                        f.reference, f.upload_id
                    );
                }
                for (reference, channel, code) in crate::notify::failures(&store)? {
                    println!(
                        "{reference}  notification={channel}  code={}",
                        code.unwrap_or_default()
                    );
                }
            } else {
                for (state, n) in crate::forward::queue_counts(&store)? {
                    println!("{state}: {n}");
                }
                for (channel, state, n) in crate::notify::queue_counts(&store)? {
                    println!("notify {channel} {state}: {n}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Case(cmd) => {
            let config = Config::load(&flags)?;
            let store = open_store(&config)?;
            case(cmd, &config, &store)
        }
        Command::Audit { since } => {
            let config = Config::load(&flags)?;
            let store = open_store(&config)?;
            let since = since
                .as_deref()
                .map(|d| day(d, "since", false))
                .transpose()?
                .unwrap_or(i64::MIN);
            for (at, event, detail) in store.audit_log()? {
                if at >= since {
                    println!("{}  {event}  {detail}", crate::clock::iso_utc(at));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Submissions { since, show } => {
            let config = Config::load(&flags)?;
            match show {
                Some(SubmissionsCmd::Show { reference }) => {
                    let layout = crate::mailbox::Layout::of(&config.data_dir);
                    print!("{}", crate::casefile::show(&layout, &reference)?);
                }
                None => {
                    let store = open_store(&config)?;
                    let since = since
                        .as_deref()
                        .map(|d| day(d, "since", false))
                        .transpose()?;
                    let zone = crate::clock::local_zone();
                    for s in crate::casefile::list(&store, since.unwrap_or(0))? {
                        let forwarding: Vec<String> = s
                            .forwarding
                            .iter()
                            .map(|(k, n)| format!("{k}={n}"))
                            .collect();
                        println!(
                            "{}  {}  department={}  purpose={}  files={}  bytes={}  forwarding: {}",
                            s.reference,
                            crate::clock::readable_in(s.created_at, &zone),
                            s.department.as_deref().unwrap_or("-"),
                            s.purpose.as_deref().unwrap_or("-"),
                            s.files,
                            s.bytes,
                            if forwarding.is_empty() {
                                "-".into()
                            } else {
                                forwarding.join(" ")
                            }
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Purge => {
            let config = Config::load(&flags)?;
            let store = open_store(&config)?;
            let keys = crate::keys::Keyring::open(&config.data_dir.join("keys"))?;
            let report = crate::retention::run_once(&config, &store, &keys, crate::clock::now())?;
            println!(
                "expired uploads: {}, purged submissions: {}, cases deleted: {}, keys destroyed: {}",
                report.expired_uploads,
                report.purged.len(),
                report.cases_deleted,
                report.keys_destroyed
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn open_store(config: &Config) -> Result<crate::store::Store, Error> {
    crate::durable::create_dir_all(&config.data_dir)
        .map_err(|e| Error::DataDir(config.data_dir.clone(), e))?;
    Ok(crate::store::Store::for_config(config)?)
}

fn serve(config: Config) -> Result<ExitCode, Error> {
    let store = open_store(&config)?;
    if crate::passwords::list(&store)?.is_empty() {
        let dir = config.data_dir.display();
        println!("mailslot: no upload password is set yet. Set one with:");
        println!("    printf '%s\\n' 'the password' | mailslot password add --data-dir {dir}");
    }
    if config.desk_listen.is_some() && crate::staff::list(&store)?.is_empty() {
        let dir = config.data_dir.display();
        println!("mailslot: no staff account for the desk yet. Create the first with:");
        println!(
            "    printf '%s\\n' 'a long password' | mailslot staff add NAME --role admin --data-dir {dir}"
        );
    }
    drop(store);
    match config.mode {
        crate::config::Mode::Forward => println!(
            "mailslot: data in {}, forwarding to {}",
            config.data_dir.display(),
            config.forward
        ),
        crate::config::Mode::Hold => println!(
            "mailslot: data in {}, holding what arrives for staff (mode = hold); taken over to {}{}",
            config.data_dir.display(),
            config.forward,
            config
                .consult
                .as_ref()
                .map(|c| format!(", consults to {c}"))
                .unwrap_or_default()
        ),
    }
    actix_web::rt::System::new().block_on(crate::server::serve(config))?;
    Ok(ExitCode::SUCCESS)
}

fn password(cmd: PasswordCmd, store: &crate::store::Store) -> Result<ExitCode, Error> {
    match cmd {
        PasswordCmd::Add { expires, generate } => {
            let expires_at = expires
                .as_deref()
                .map(|d| day(d, "expires", true))
                .transpose()?;
            let password = if generate {
                crate::passwords::generate()?
            } else {
                if std::io::stdin().is_terminal() {
                    eprintln!("Type the new upload password and press Enter:");
                }
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| Error::Usage(format!("cannot read the password: {e}")))?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            };
            let id = crate::passwords::add(store, &password, expires_at)?;
            store.audit("password-added", &format!("id={id}"))?;
            println!("password {id} added");
            if generate {
                println!("password: {password}");
                println!(
                    "(about {:.0} bits; read it out in its three parts)",
                    crate::passwords::generated_bits()
                );
            }
        }
        PasswordCmd::List => {
            let zone = crate::clock::local_zone();
            for p in crate::passwords::list(store)? {
                let expires = p
                    .expires_at
                    .map(|e| format!("expires {}", crate::clock::readable_in(e, &zone)))
                    .unwrap_or_else(|| "no expiry".into());
                println!(
                    "{}  created {}  {expires}",
                    p.id,
                    crate::clock::readable_in(p.created_at, &zone)
                );
            }
        }
        PasswordCmd::Remove { id } => {
            if !crate::passwords::remove(store, id)? {
                return Err(Error::Usage(format!("no password with id {id}")));
            }
            store.audit("password-removed", &format!("id={id}"))?;
            println!("password {id} removed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The day a console flag names (`--since`, `--expires`): its start or
/// end in the server's time zone; `flag` names the option in the error.
fn day(date: &str, flag: &str, end: bool) -> Result<i64, Error> {
    let zone = crate::clock::local_zone();
    let t = match end {
        true => crate::clock::day_end(date, &zone),
        false => crate::clock::day_start(date, &zone),
    };
    t.map_err(|e| Error::Usage(format!("--{flag}: {e}")))
}
