//! Command-line parsing and dispatch.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mailslot_shared::dicom::Lang;

/// DICOM Mailslot: receive medical images from outside, one way.
#[derive(Debug, Parser)]
#[command(name = "mailslot", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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

/// Runs the command line; the process exit code follows the subcommand's rules.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Verify { json, lang, paths } => {
            let options = crate::verify::Options {
                json,
                lang: lang.into(),
                limits: Default::default(),
            };
            let stdout = std::io::stdout();
            match crate::verify::run(&paths, &options, &mut stdout.lock()) {
                Ok(report) if report.rejected == 0 => ExitCode::SUCCESS,
                Ok(_) => ExitCode::from(1),
                Err(e) => {
                    let e = crate::Error::from(e);
                    eprintln!("mailslot verify: {e} [{}]", e.code());
                    ExitCode::from(2)
                }
            }
        }
    }
}
