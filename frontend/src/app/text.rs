//! A sentence the page will show, kept as what to say rather than as the
//! words: errors and announcements made in German read in English after a
//! language switch (and back), and the model stays plain data that tests
//! can compare.

use crate::i18n::Language;
use fluent_bundle::FluentValue;

use crate::i18n::{self, ta};

/// An argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A number.
    Num(u64),
    /// A text.
    Str(String),
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Num(n as u64)
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Num(n)
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Num(u64::from(n))
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}

/// Something to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// One of the page's messages (`locales/*.ftl`), with arguments.
    Message(&'static str, Vec<(&'static str, Arg)>),
    /// The sentence for an API error code, and for how many minutes the
    /// server asked to wait, if it did.
    Error {
        /// The code.
        code: String,
        /// Minutes to wait.
        wait_minutes: Option<u64>,
    },
}

impl Text {
    /// The message `id`.
    pub fn id(id: &'static str) -> Self {
        Text::Message(id, Vec::new())
    }

    /// The message `id` with arguments.
    pub fn with(id: &'static str, args: Vec<(&'static str, Arg)>) -> Self {
        Text::Message(id, args)
    }

    /// The sentence for an error code.
    pub fn error(code: &str) -> Self {
        Text::Error {
            code: code.to_owned(),
            wait_minutes: None,
        }
    }

    /// The words in `lang`.
    pub fn render(&self, lang: Language) -> String {
        match self {
            Text::Message(id, args) => {
                let args: Vec<(&str, FluentValue<'_>)> = args
                    .iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Arg::Num(n) => FluentValue::from(*n),
                            Arg::Str(s) => FluentValue::from(s.as_str()),
                        };
                        (*k, v)
                    })
                    .collect();
                ta(lang, id, &args)
            }
            Text::Error { code, wait_minutes } => {
                let mut text = i18n::error(lang, code);
                if let Some(minutes) = wait_minutes {
                    text.push(' ');
                    text.push_str(&ta(
                        lang,
                        "error-wait-minutes",
                        &[("minutes", (*minutes).into())],
                    ));
                }
                text
            }
        }
    }
}
