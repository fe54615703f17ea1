//! The model's vocabulary: the steps, the form's fields, what can happen
//! ([`Action`]) and what the page asks the world to do ([`Effect`]).

use std::rc::Rc;

use crate::i18n::Language;
use mailslot_shared::envelope::Id16;
pub use mailslot_shared::letter::LetterRefusal;
use mailslot_shared::wire::{
    Consent, HospitalInfo, Purpose, Receipt, Role, SenderDetails, SessionCreated, UploadKind,
    UploadLimits,
};

use crate::app::text::Text;
use crate::net::{Key, NetError};
use crate::store::StoredSession;
use crate::tree::FileRef;
use crate::upload::Event;
use crate::worker::protocol::ScanReport;

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
    /// What this is, privacy statement, consent.
    #[default]
    Welcome,
    /// The upload password.
    Password,
    /// Choose a folder, files or a ZIP.
    Choose,
    /// The scan result.
    Check,
    /// Contact details, request, letters.
    About,
    /// Sending.
    Send,
    /// Done.
    Receipt,
}

impl Step {
    /// How many steps there are.
    pub const COUNT: u8 = 7;

    /// All steps, in order.
    pub const ALL: [Step; Step::COUNT as usize] = [
        Step::Welcome,
        Step::Password,
        Step::Choose,
        Step::Check,
        Step::About,
        Step::Send,
        Step::Receipt,
    ];

    /// 1-based position.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Fluent id of its heading.
    pub fn heading_id(self) -> &'static str {
        match self {
            Step::Welcome => "welcome-heading",
            Step::Password => "password-heading",
            Step::Choose => "choose-heading",
            Step::Check => "check-heading",
            Step::About => "about-heading",
            Step::Send => "send-heading",
            Step::Receipt => "receipt-heading",
        }
    }

    /// Fluent id of what the printable instructions say of it.
    pub fn instructions_id(self) -> &'static str {
        match self {
            Step::Welcome => "instructions-step-welcome",
            Step::Password => "instructions-step-password",
            Step::Choose => "instructions-step-choose",
            Step::Check => "instructions-step-check",
            Step::About => "instructions-step-about",
            Step::Send => "instructions-step-send",
            Step::Receipt => "instructions-step-receipt",
        }
    }
}

/// The About-you fields one types into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Name.
    Name,
    /// Phone.
    Phone,
    /// E-mail.
    Email,
    /// Department id.
    Department,
    /// Contact person.
    Contact,
    /// The request.
    Request,
}

/// An error shown in the summary at the top: the element id of the field
/// it belongs to ("" for none) and the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's element id, or "".
    pub field: &'static str,
    /// What is wrong.
    pub text: Text,
}

pub(super) fn problem(field: &'static str, text: Text) -> Problem {
    Problem { field, text }
}

/// A letter the sender attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// Its file.
    pub file: FileRef,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// The study it belongs to (Study Instance UID), if the sender chose
    /// one; else the first study picked.
    pub study: Option<String>,
}

/// Files chosen as letters and not attached: name, and why.
pub type RefusedLetters = Vec<(String, LetterRefusal)>;

/// A session the server opened, with the key to seal for and the
/// session's sealing secret (drawn by the page, never sent).
#[derive(Debug, Clone)]
pub struct Started {
    /// The server's reply.
    pub created: SessionCreated,
    /// The server's key.
    pub key: Key,
    /// Random bytes the page's file secrets are derived from.
    pub seal_secret: [u8; 32],
}

/// The session, once the password was accepted.
#[derive(Debug, Clone)]
pub struct Session {
    /// The bearer token.
    pub token: String,
    /// The session id (in every envelope header).
    pub session_id: Id16,
    /// The server's key.
    pub key: Key,
    /// The server's limits.
    pub limits: UploadLimits,
    /// The session's sealing secret (see `upload::FileIdentity`).
    pub seal_secret: [u8; 32],
    /// Seconds without a request after which the server ends it (0:
    /// unknown, after a reload from an older page).
    pub idle_timeout_secs: u64,
}

/// One file for the upload engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadJob {
    /// Its position (events refer to it).
    pub index: usize,
    /// The file.
    pub file: FileRef,
    /// Its label (for the resume fingerprint).
    pub label: String,
    /// What it is.
    pub kind: UploadKind,
}

/// What can happen to the page.
#[derive(Debug)]
pub enum Action {
    /// The hospital's texts arrived.
    Hospital(Result<Rc<HospitalInfo>, NetError>),
    /// Switch language.
    Language(Language),
    /// The consent checkbox.
    Agree(bool),
    /// The may-send checkbox.
    MaySend(bool),
    /// Go to a step (back buttons).
    Go(Step),
    /// Welcome → Password.
    WelcomeNext,
    /// The password field.
    Password(String),
    /// Submit the password.
    PasswordSubmit,
    /// The server answered the password.
    SessionStarted(Result<Started, NetError>),
    /// A stored session was checked after a reload.
    Resumed(Result<(StoredSession, Key), NetError>),
    /// Files were chosen or dropped (labelled), and what the browser could
    /// not read.
    Chosen {
        /// The files.
        files: Vec<(FileRef, String)>,
        /// Files and folders (ending in `/`) that could not be read.
        unreadable: Vec<String>,
    },
    /// The worker scanned `done` of `total` files.
    ScanProgress(u32, u32),
    /// One scan finished.
    Scanned(ScanReport<FileRef>),
    /// The worker could not start or crashed.
    ScanFailed,
    /// A study's checkbox.
    Study(String, bool),
    /// Check → About.
    CheckNext,
    /// A form field changed.
    Field(Field, String),
    /// Who the sender is (a radio button).
    Role(Role),
    /// What the images are for (a radio button).
    Purpose(Purpose),
    /// Letters chosen: the letters, and the names of files that are not.
    Letters {
        /// Accepted letters.
        letters: Vec<Letter>,
        /// Names of files not attached, and why.
        refused: RefusedLetters,
    },
    /// Remove a letter.
    RemoveLetter(usize),
    /// The sender put letter `.0` into study `.1` (Study Instance UID).
    LetterStudy(usize, String),
    /// The Send button.
    Send,
    /// The preflight answered.
    Preflighted(Result<(), NetError>),
    /// The upload engine reports, at `now` (ms since the epoch).
    Upload(Event, f64),
    /// The engine is done (or the sender asks to submit again).
    UploadsFinished,
    /// Pause (true) or resume.
    Pause(bool),
    /// The submission answered.
    Submitted(Result<Receipt, NetError>),
    /// The session ended (idle too long): ask for the password again,
    /// keeping everything chosen and typed.
    Reauthenticate,
    /// The clock, every few seconds (ms since the epoch): warns before an
    /// idle session ends, and ends it on the page when it has.
    Tick(f64),
    /// The sender answered the warning: keep the session.
    KeepAlive,
    /// The server answered the keep-alive.
    KeptAlive(Result<(), NetError>),
}

/// What the page asks the world to do.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Fetch the key, then exchange the password for a session.
    StartSession {
        /// The password.
        password: String,
        /// The consent given.
        consent: Consent,
    },
    /// Remember the session for a reload.
    SaveSession(StoredSession),
    /// Forget the stored session and every file record.
    ForgetSession,
    /// Scan files in the worker.
    Scan {
        /// The files, labelled.
        files: Vec<(FileRef, String)>,
        /// The server's largest file.
        max_file_bytes: u64,
        /// Bytes ZIP archives may unpack to in all.
        unpack_budget: u64,
    },
    /// Announce what will be sent (and check the session is alive).
    Preflight {
        /// The session.
        session: Session,
        /// Files.
        files: u64,
        /// Bytes.
        bytes: u64,
    },
    /// Start the upload engine.
    Upload {
        /// The session.
        session: Session,
        /// The files.
        jobs: Vec<UploadJob>,
    },
    /// Pause or resume the engine.
    Pause(bool),
    /// Seal the details and complete the submission.
    Submit {
        /// The session.
        session: Session,
        /// The sender's details and chosen studies.
        details: Box<SenderDetails>,
        /// Department id.
        department: String,
    },
    /// Tell the server the sender is still there.
    KeepAlive(Session),
    /// Move keyboard focus to the element with this id after drawing.
    Focus(&'static str),
}
