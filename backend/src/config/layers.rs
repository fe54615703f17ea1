//! The layers that are not figment's own, and what figment's errors say.
//!
//! The environment is read here rather than by figment's `Env`: `Env`
//! reads values in figment's own syntax, where `2` is a number, `"x"`
//! loses its quotes and `[a]` is a list, which changed what string
//! settings (`MAILSLOT_PRIVACY_STATEMENT_VERSION=2`) had meant; and it
//! reads only the process's environment, while tests hand one in. A
//! variable is read as its setting's default is shaped: a number, a
//! boolean (`true`/`false`, also `1`/`0`, `yes`/`no`, as before; anything
//! else is refused), a comma list (`a,b`), an `id=address,id=address`
//! map, or else the text as it stands.

use std::path::PathBuf;

use figment::error::Kind;
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider, Source};

use super::{Config, ConfigError};

/// Overrides from the command line (`None` = not given).
#[derive(Debug, Default, Clone)]
pub struct Flags {
    /// `--config FILE`
    pub config: Option<PathBuf>,
    /// `--data-dir DIR`
    pub data_dir: Option<PathBuf>,
    /// `--listen ADDR`
    pub listen: Option<String>,
    /// `--forward DEST`
    pub forward: Option<String>,
}

impl Provider for Flags {
    fn metadata(&self) -> Metadata {
        Metadata::named("flag")
            .interpolater(|_: &Profile, k: &[&str]| format!("--{}", k.join(".").replace('_', "-")))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let data_dir = match &self.data_dir {
            Some(d) => Some(
                d.to_str()
                    .ok_or_else(|| at("data_dir", format!("{} is not UTF-8", d.display())))?,
            ),
            None => None,
        };
        let dict = [
            ("data_dir", data_dir),
            ("listen", self.listen.as_deref()),
            ("forward", self.forward.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_owned(), Value::from(v?))))
        .collect();
        Ok(Profile::Default.collect(dict))
    }
}

/// The `MAILSLOT_*` variables that name a setting, as values of their
/// settings' shapes (module docs); a variable of another name is left
/// alone (`MAILSLOT_LOG`, `MAILSLOT_CONFIG`, a test's own).
pub struct Environment(Result<Dict, figment::Error>);

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Environment") // values may be secrets
    }
}

/// The environment variable of setting `key`.
fn variable(key: &str) -> String {
    format!("MAILSLOT_{}", key.to_ascii_uppercase())
}

/// An error about setting `key`.
fn at(key: &str, message: String) -> figment::Error {
    let mut e = figment::Error::from(message);
    e.path = vec![key.to_owned()];
    e
}

impl Environment {
    /// Reads each setting's variable through `var`.
    pub fn read(var: impl Fn(&str) -> Option<String>) -> Self {
        let shapes = match Value::serialize(Config::default()) {
            Ok(Value::Dict(_, shapes)) => shapes,
            Ok(_) => return Environment(Err("the defaults are not a table".into())),
            Err(e) => return Environment(Err(e)),
        };
        let values = shapes.iter().filter_map(|(key, shape)| {
            let raw = var(&variable(key))?;
            Some(
                typed(shape, &raw)
                    .map(|v| (key.clone(), v))
                    .map_err(|m| at(key, m)),
            )
        });
        Environment(values.collect())
    }
}

/// `raw` read as `shape` is shaped.
fn typed(shape: &Value, raw: &str) -> Result<Value, String> {
    let text = raw.trim();
    Ok(match shape {
        Value::Num(..) => text
            .parse::<u64>()
            .map_err(|_| format!("`{raw}` is not a whole number"))?
            .into(),
        Value::Bool(..) => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => true.into(),
            "false" | "0" | "no" => false.into(),
            _ => return Err(format!("`{raw}` is neither `true` nor `false`")),
        },
        Value::Array(..) => Value::from(items(text).map(Value::from).collect::<Vec<_>>()),
        Value::Dict(..) => {
            let pairs = items(text).map(|pair| match pair.split_once('=') {
                Some((id, address)) => Ok((id.trim().to_owned(), Value::from(address.trim()))),
                None => Err(format!("`{pair}` is not `id=address`")),
            });
            Value::from(pairs.collect::<Result<Dict, _>>()?)
        }
        _ => raw.into(),
    })
}

/// The items of a comma list, without blanks.
fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

impl Provider for Environment {
    fn metadata(&self) -> Metadata {
        Metadata::named("environment variable").interpolater(|_: &Profile, k: &[&str]| {
            variable(k.first().copied().unwrap_or_default())
        })
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        self.0.clone().map(|dict| Profile::Default.collect(dict))
    }
}

/// Where `md`'s value of `key` came from.
fn origin(md: Option<&Metadata>, key: &str) -> String {
    match md {
        None => "unset".into(),
        Some(md) => match &md.source {
            Some(Source::File(path)) => format!("file {}", path.display()),
            _ => format!("{} {}", md.name, md.interpolate(&Profile::Default, &[key])),
        },
    }
}

/// A figment error as a [`ConfigError`] naming the key and its origin.
pub fn explain(e: figment::Error) -> ConfigError {
    let md = e.metadata.as_ref();
    let key = e.path.first().cloned().unwrap_or_default();
    match (&e.kind, md.and_then(|m| m.source.as_ref())) {
        (Kind::UnknownField(key, _), _) => ConfigError::Unknown {
            key: key.clone(),
            origin: origin(md, key),
        },
        (Kind::Message(message), Some(Source::File(path))) if e.path.is_empty() => {
            ConfigError::Parse {
                path: path.clone(),
                message: message.clone(),
            }
        }
        (kind, _) => ConfigError::Invalid {
            origin: origin(md, &key),
            key,
            message: kind.to_string(),
        },
    }
}

/// A rule across settings broken: blames `key` where it was set.
pub fn invalid(figment: &Figment, key: &str, message: &str) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        origin: origin(figment.find_metadata(key), key),
        message: message.to_owned(),
    }
}
