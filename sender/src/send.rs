//! `mailslot send`: scan folders with the shared rules, send every
//! accepted file (and letters) through [`Client`] a few at a time with a
//! progress bar, then complete the submission and print the receipt.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mailslot_shared::dicom::{
    inspect_seekable, listed_instances, Lang, Limits, RejectCode, Verdict,
};
use mailslot_shared::letter::{self, LetterRefusal};
use mailslot_shared::wire::{
    Consent, DicomdirCheck, Language, Purpose, Role, SenderDetails, UnknownWord, UploadKind,
};

use crate::client::{retry, Client, ClientError, Sent};

type Result<T, E = ClientError> = std::result::Result<T, E>;

/// `mailslot send` options.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The server's base URL, e.g. `https://upload.hospital.example`
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// Read the upload password from standard input (one line).
    #[arg(long)]
    pub password_stdin: bool,
    /// Confirm that you agree to the privacy statement and may send these images.
    #[arg(long)]
    pub accept_privacy_statement: bool,
    /// Version of the privacy statement agreed to.
    #[arg(long, default_value = "2")]
    pub statement_version: String,
    /// Your name.
    #[arg(long, default_value = "")]
    pub name: String,
    /// Your phone number.
    #[arg(long, default_value = "")]
    pub phone: String,
    /// Your e-mail address.
    #[arg(long, default_value = "")]
    pub email: String,
    /// patient, doctor or other.
    #[arg(long, default_value = "doctor", value_parser = words::<Role>(Role::ALL.map(Role::as_str)))]
    pub role: Role,
    /// Department id at the hospital (one of those the upload page lists;
    /// the hospital's `GET /api/hospital` names them).
    #[arg(long, default_value = "")]
    pub department: String,
    /// What the images are for: treatment, second-opinion or other.
    #[arg(long, default_value = "other", value_parser = words::<Purpose>(Purpose::ALL.map(Purpose::as_str)))]
    pub purpose: Purpose,
    /// Contact person at the hospital (sent sealed, like all your details).
    #[arg(long, default_value = "")]
    pub contact: String,
    /// Language of the cover sheet staff see in the PACS: de or en.
    #[arg(long, default_value = "de", value_parser = words::<Language>([Language::De.as_str(), Language::En.as_str()]))]
    pub lang: Language,
    /// Who should look, and what the question is.
    #[arg(long, default_value = "")]
    pub request: String,
    /// Doctor's letters to attach: PDF, or photos of them (JPEG, PNG). They
    /// go into the study `--letter-study` names; without it, into the
    /// first study when the images are of one patient (with several, staff
    /// file them from the mailbox).
    #[arg(long = "letter", value_name = "FILE")]
    pub letters: Vec<PathBuf>,
    /// The Study Instance UID the letters belong to.
    #[arg(long, value_name = "UID", default_value = "")]
    pub letter_study: String,
    /// PEM file of the CA certificates the server's `https://` address is
    /// verified against instead of the public roots (a hospital's own CA).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Concurrent uploads.
    #[arg(long, default_value_t = 3)]
    pub parallel: usize,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Write how long each file took to FILE: one line per file,
    /// milliseconds and outcome, tab-separated (no names: a file's path
    /// may name the patient). For measuring the line to the hospital.
    #[arg(long, value_name = "FILE")]
    pub timings: Option<PathBuf>,
    /// Files or folders to send.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// A file found by the scan.
#[derive(Debug, Clone)]
pub struct Found {
    /// Where it is.
    pub path: PathBuf,
    /// Its size.
    pub len: u64,
    /// Its study (for the details' study list).
    pub study: String,
}

/// What a scan found: the accepted files, and each DICOMDIR checked
/// against them (as the page reports it).
#[derive(Debug, Default)]
pub struct Scanned {
    /// The accepted files.
    pub found: Vec<Found>,
    /// Each readable DICOMDIR among the files.
    pub dicomdirs: Vec<DicomdirCheck>,
}

/// Scans paths with the shared rules; returns what it found and prints
/// every ignored file with its reason to standard error.
pub fn scan(paths: &[PathBuf]) -> Result<Scanned> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            crate::verify::collect(p, &mut files);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            return Err(ClientError::File(
                p.clone(),
                std::io::ErrorKind::NotFound.into(),
            ));
        }
    }
    let mut found = Vec::new();
    let mut listings: Vec<Vec<String>> = Vec::new();
    let mut sops = std::collections::HashSet::new();
    for path in files {
        let file = File::open(&path).map_err(|e| ClientError::File(path.clone(), e))?;
        let len = file
            .metadata()
            .map_err(|e| ClientError::File(path.clone(), e))?
            .len();
        // The rules over the whole file, passing over the pixel data by
        // seeking (the same verdict as reading it; the upload reads it).
        match inspect_seekable(
            BufReader::with_capacity(64 * 1024, file),
            len,
            &Limits::default(),
        ) {
            Verdict::Accepted(s) => {
                sops.insert(s.sop_instance_uid.clone());
                found.push(Found {
                    path,
                    len,
                    study: s.study_instance_uid.clone(),
                });
            }
            Verdict::Rejected(r) if r.code == RejectCode::Dicomdir => {
                let listed = File::open(&path)
                    .ok()
                    .and_then(|f| listed_instances(BufReader::new(f), len));
                listings.extend(listed);
            }
            Verdict::Rejected(r) => eprintln!(
                "ignored  {}  {}: {}",
                path.display(),
                r.code,
                r.code.message(Lang::En)
            ),
        }
    }
    let dicomdirs = listings
        .iter()
        .map(|listed| DicomdirCheck {
            listed: listed.len() as u64,
            missing: listed.iter().filter(|uid| !sops.contains(*uid)).count() as u64,
        })
        .collect();
    Ok(Scanned { found, dicomdirs })
}

/// An argument that is one of `words` (listed in `--help`), read as its
/// vocabulary's word.
fn words<W>(
    words: impl IntoIterator<Item = &'static str>,
) -> impl clap::builder::TypedValueParser<Value = W>
where
    W: std::str::FromStr<Err = UnknownWord> + Clone + Send + Sync + 'static,
{
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(words).try_map(|word| word.parse::<W>())
}

/// `mailslot send`.
pub fn send_command(args: &SendArgs) -> Result<()> {
    if !args.accept_privacy_statement {
        return Err(ClientError::ConsentRequired);
    }
    let password = read_password(args.password_stdin)?;
    let Scanned { found, dicomdirs } = scan(&args.paths)?;
    if found.is_empty() {
        return Err(ClientError::NothingToSend);
    }
    for path in &args.letters {
        let mut head = Vec::with_capacity(letter::SNIFF_LEN);
        File::open(path)
            .and_then(|f| f.take(letter::SNIFF_LEN as u64).read_to_end(&mut head))
            .map_err(|e| ClientError::File(path.clone(), e))?;
        let len = std::fs::metadata(path)
            .map_err(|e| ClientError::File(path.clone(), e))?
            .len();
        if let Err(why) = letter::check(&head, len) {
            let problem = match why {
                LetterRefusal::NotALetter => "not a PDF document or a photo (JPEG, PNG)".to_owned(),
                LetterRefusal::TooLarge => {
                    format!("a photo larger than {} MB", letter::MAX_PHOTO_BYTES >> 20)
                }
            };
            return Err(ClientError::File(
                path.clone(),
                std::io::Error::other(problem),
            ));
        }
    }
    let bytes: u64 = found.iter().map(|f| f.len).sum();
    let tls = match &args.ca_file {
        None => None,
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| ClientError::File(path.clone(), e))?;
            Some(crate::tls::trusting(&pem).ok_or_else(|| {
                ClientError::File(
                    path.clone(),
                    std::io::Error::other("no certificate in it (PEM expected)"),
                )
            })?)
        }
    };
    let mut client = Client::with_tls(&args.server, tls);
    if !args.department.is_empty() {
        let hospital = retry(|| client.hospital())?;
        let ids: Vec<String> = hospital.departments.into_iter().map(|d| d.id).collect();
        if !ids.contains(&args.department) {
            return Err(ClientError::UnknownDepartment(ids.join(", ")));
        }
    }
    retry(|| client.fetch_key())?;
    // The server checks a few passwords at a time and answers the rest
    // `rate-limited` (transient): many senders starting at once wait their
    // turn rather than give up (a wrong password is not retried).
    retry(|| {
        client.start_session(
            &password,
            Consent {
                statement_version: args.statement_version.clone(),
                accepted: true,
                may_send: true,
            },
        )
    })?;
    retry(|| client.preflight(found.len() as u64, bytes))?;

    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(bytes)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut jobs: Vec<(PathBuf, UploadKind)> = found
        .iter()
        .map(|f| (f.path.clone(), UploadKind::Dicom))
        .collect();
    jobs.extend(args.letters.iter().map(|l| (l.clone(), UploadKind::Letter)));
    let queue = Mutex::new(jobs.into_iter());
    let results: Mutex<Vec<(PathBuf, Result<Sent>, Duration)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..args.parallel.clamp(1, 8) {
            s.spawn(|| loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some((path, kind)) = next else { break };
                let started = Instant::now();
                let r = client.upload_file(&path, kind, &|n| bar.inc(n));
                if let Ok(mut all) = results.lock() {
                    all.push((path, r, started.elapsed()));
                }
            });
        }
    });
    bar.finish_and_clear();
    let results = results.into_inner().unwrap_or_default();
    if let Some(file) = &args.timings {
        write_timings(file, &results)?;
    }
    for (path, r, _) in &results {
        match r {
            Ok(Sent {
                verdict, reason, ..
            }) if !verdict.arrived() => eprintln!(
                "refused  {}  {}",
                path.display(),
                reason.as_deref().unwrap_or(verdict.as_str())
            ),
            Err(e) => eprintln!("failed   {}  {e}", path.display()),
            _ => {}
        }
    }
    if results
        .iter()
        .any(|(_, r, _)| matches!(r, Err(e) if e.ends_session()))
    {
        return Err(ClientError::Protocol(
            "the upload was stopped by the server",
        ));
    }
    let mut studies: Vec<String> = found.iter().map(|f| f.study.clone()).collect();
    studies.sort();
    studies.dedup();
    let receipt = client.submit(
        &SenderDetails {
            name: args.name.clone(),
            phone: args.phone.clone(),
            email: args.email.clone(),
            role: Some(args.role),
            purpose: Some(args.purpose),
            contact: args.contact.clone(),
            request: args.request.clone(),
            studies,
            lang: Some(args.lang),
            dicomdir: Some(dicomdirs),
            letters: results
                .iter()
                .filter(|(path, r, _)| {
                    args.letters.contains(path) && r.as_ref().is_ok_and(|s| s.verdict.arrived())
                })
                .filter_map(|(path, r, _)| {
                    Some(mailslot_shared::wire::LetterName {
                        upload: r.as_ref().ok()?.upload.clone(),
                        name: path.file_name()?.to_string_lossy().into_owned(),
                        study: args.letter_study.clone(),
                    })
                })
                .collect(),
        },
        &args.department,
    )?;
    println!("Upload complete.");
    println!("Reference number: {}", receipt.reference);
    println!(
        "Files received: {} ({} bytes), letters: {}",
        receipt.files, receipt.bytes, receipt.letters
    );
    for (code, n) in &receipt.refused {
        println!("Refused: {n} × {code}");
    }
    let undelivered = results
        .iter()
        .filter(|(_, r, _)| !matches!(r, Ok(Sent { verdict, .. }) if verdict.arrived()))
        .count();
    if undelivered > 0 {
        return Err(ClientError::Undelivered(undelivered));
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> Result<String> {
    if !from_stdin && !std::io::stdin().is_terminal() {
        return Err(ClientError::NoPassword);
    }
    if !from_stdin {
        eprintln!("Upload password:");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|_| ClientError::NoPassword)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(ClientError::NoPassword);
    }
    Ok(password)
}

/// `--timings`: one line per file, milliseconds and outcome (the verdict,
/// or the error's code), in the order they finished.
fn write_timings(
    file: &std::path::Path,
    results: &[(PathBuf, Result<Sent>, Duration)],
) -> Result<()> {
    let lines: String = results
        .iter()
        .map(|(_, r, took)| {
            let outcome = match r {
                Ok(sent) => sent.verdict.as_str().to_owned(),
                Err(ClientError::Api { code, .. }) => code.clone(),
                Err(e) => e.code().to_owned(),
            };
            format!("{:.3}\t{outcome}\n", took.as_secs_f64() * 1000.0)
        })
        .collect();
    std::fs::write(file, lines)
        .map_err(|e| ClientError::Usage(format!("cannot write {}: {e}", file.display())))
}
