use std::path::Path;

use super::*;

fn load(flags: Flags, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::load_from(&flags, |k| {
        env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    })
}

fn env(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    load(Flags::default(), vars)
}

/// A TOML file with `text` in a fresh folder, and flags naming it.
fn file(text: &str) -> (tempfile::TempDir, Flags) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.toml");
    std::fs::write(&path, text).unwrap();
    let flags = Flags {
        config: Some(path),
        ..Flags::default()
    };
    (dir, flags)
}

/// The key and origin of an invalid value.
fn invalid(r: Result<Config, ConfigError>) -> (String, String) {
    match r {
        Err(ConfigError::Invalid { key, origin, .. }) => (key, origin),
        other => panic!("{other:?}"),
    }
}

#[test]
fn defaults_are_valid() {
    let c = env(&[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.forward, Destination::Inbox);
    assert_eq!(c.retention, Duration::from_secs(42 * 86_400));
    assert_eq!(c.session_idle, Duration::from_secs(30 * 60));
}

/// Readiness and metrics belong on their own address: the public one
/// is refused for them, `off` turns them off.
#[test]
fn the_admin_address_is_never_the_public_one() {
    let c = env(&[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.admin_listen.map(|a| a.to_string()).as_deref(),
        Some("127.0.0.1:8081")
    );
    assert_eq!(c.log_format, LogFormat::Text);
    for same in [
        [
            ("MAILSLOT_LISTEN", "127.0.0.1:9000"),
            ("MAILSLOT_ADMIN_LISTEN", "127.0.0.1:9000"),
        ],
        [
            ("MAILSLOT_LISTEN", "0.0.0.0:9000"),
            ("MAILSLOT_ADMIN_LISTEN", "127.0.0.1:9000"),
        ],
    ] {
        let e = env(&same).err().map(|e| e.to_string());
        assert!(
            e.as_deref().is_some_and(|e| e.contains("admin_listen")),
            "{e:?}"
        );
        // Blamed where it was set.
        assert_eq!(
            invalid(env(&same)),
            (
                "admin_listen".into(),
                "environment variable MAILSLOT_ADMIN_LISTEN".into()
            )
        );
    }
    let off = env(&[("MAILSLOT_ADMIN_LISTEN", "off")]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(off.admin_listen, None);
    let json = env(&[("MAILSLOT_LOG_FORMAT", "json")]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json.log_format, LogFormat::Json);
    let e = env(&[("MAILSLOT_LOG_FORMAT", "xml")]).err();
    assert!(e.is_some_and(|e| e.to_string().contains("log_format")));
}

#[test]
fn layers_apply_in_order() {
    let (_dir, mut flags) = file(
        "listen = \"127.0.0.1:9000\"\nretention_days = 7\nstow_batch = 5\n\
         session_idle_minutes = 5\ntls = true\n",
    );
    flags.forward = Some("dimse://ORTHANC@localhost:4242".into());
    let c = load(
        flags,
        &[
            ("MAILSLOT_RETENTION_DAYS", "9"),
            ("MAILSLOT_FORWARD", "inbox"),
            ("MAILSLOT_TLS", "false"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.listen.port(), 9000); // file
    assert_eq!(c.retention, Duration::from_secs(9 * 86_400)); // env over file
    assert_eq!(c.stow_batch, 5);
    assert_eq!(c.session_idle, Duration::from_secs(300)); // in its key's unit
    assert!(!c.tls);
    assert_eq!(
        c.forward,
        Destination::Dimse {
            ae_title: "ORTHANC".into(),
            host: "localhost".into(),
            port: 4242
        }
    ); // flag over env
}

#[test]
fn bad_values_name_the_setting_and_where_it_was_set() {
    assert_eq!(
        invalid(env(&[("MAILSLOT_RETENTION_DAYS", "soon")])),
        (
            "retention_days".into(),
            "environment variable MAILSLOT_RETENTION_DAYS".into()
        )
    );
    let flag = |flags: Flags| invalid(load(flags, &[]));
    assert_eq!(
        flag(Flags {
            forward: Some("ftp://x".into()),
            ..Flags::default()
        }),
        ("forward".into(), "flag --forward".into())
    );
    assert_eq!(
        flag(Flags {
            listen: Some("localhost".into()),
            ..Flags::default()
        }),
        ("listen".into(), "flag --listen".into())
    );
    let (dir, flags) = file("session_max_hours = 0\n");
    let path = dir.path().join("m.toml");
    let e = load(flags, &[])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("session_max_hours") && e.contains(&path.display().to_string()),
        "{e}"
    );
    for (key, value) in [
        ("MAILSLOT_DIMSE_ASSOCIATIONS", "65"),
        ("MAILSLOT_MAX_CHUNK_BYTES", "1000"),
        ("MAILSLOT_MAX_FILE_BYTES", "0"),
        ("MAILSLOT_CALLING_AE_TITLE", "A TITLE LONGER THAN 16"),
        ("MAILSLOT_STOW_AUTHORIZATION", "Bearer a\nb"),
        ("MAILSLOT_DATABASE_URL", "mysql://db"),
        ("MAILSLOT_STOW_CA_FILE", "/nonexistent.pem"),
        ("MAILSLOT_BODY_TIMEOUT_SECS", "-1"),
    ] {
        let (_, origin) = invalid(env(&[(key, value)]));
        assert_eq!(origin, format!("environment variable {key}"));
    }
}

/// `MAILSLOT_TLS=on` used to mean false without a word; a boolean now
/// says true or false (also 1/0, yes/no, as before), or stops the start.
#[test]
fn booleans_accept_only_what_they_say() {
    let e = env(&[("MAILSLOT_TLS", "on")]).err();
    let text = e.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(
        text.contains("MAILSLOT_TLS") && text.contains("`on`"),
        "{text}"
    );
    assert_eq!(e.map(|e| e.code()), Some("config-value-invalid"));
    for (value, meant) in [("true", true), ("1", true), ("yes", true), ("TRUE", true)]
        .into_iter()
        .chain([("false", false), ("0", false), ("no", false)])
    {
        let c = env(&[("MAILSLOT_TLS", value), ("MAILSLOT_COVER_SHEETS", value)]);
        let c = c.unwrap_or_else(|e| panic!("{value}: {e}"));
        assert_eq!((c.tls, c.cover_sheets), (meant, meant), "{value}");
    }
    let (_dir, flags) = file("tls = \"on\"\n");
    assert_eq!(invalid(load(flags, &[])).0, "tls");
}

#[test]
fn the_file_is_read_strictly() {
    let (dir, flags) = file("listen = \"127.0.0.1:9000\"\nretention_dayz = 7\n");
    let e = load(flags, &[]).err();
    let text = e.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(
        text.contains("retention_dayz") && text.contains(&dir.path().display().to_string()),
        "{text}"
    );
    assert_eq!(e.map(|e| e.code()), Some("config-key-unknown"));
    let (_dir, flags) = file("listen = \n");
    assert!(matches!(load(flags, &[]), Err(ConfigError::Parse { .. })));
    let missing = Flags {
        config: Some(dir.path().join("absent.toml")),
        ..Flags::default()
    };
    let e = load(missing, &[]).err();
    assert_eq!(e.map(|e| e.code()), Some("config-unreadable"));
    // The file may also be named by MAILSLOT_CONFIG.
    let (_dir, flags) = file("stow_batch = 3\n");
    let path = flags.config.unwrap_or_default();
    let c = env(&[("MAILSLOT_CONFIG", path.to_str().unwrap_or_default())]);
    assert_eq!(c.map(|c| c.stow_batch).ok(), Some(3));
}

/// The environment's syntaxes: comma lists, `id=address` maps, texts as
/// they stand (a `2` stays text), and variables that name no setting
/// left alone.
#[test]
fn environment_syntaxes() {
    let c = env(&[
        ("MAILSLOT_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,"),
        ("MAILSLOT_PRIVACY_STATEMENT_VERSION", "2"),
        ("MAILSLOT_NOTIFY_WEBHOOK_SECRET", "123"),
        ("MAILSLOT_QUOTA_BYTES", " 1000 "),
        ("MAILSLOT_CORPUS", "/somewhere"),
        ("MAILSLOT_LOG", "debug"),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let proxies: Vec<String> = c.trusted_proxies.iter().map(ToString::to_string).collect();
    assert_eq!(proxies, ["127.0.0.1/32", "10.0.0.0/8"]);
    assert_eq!(c.privacy_statement_version, "2");
    assert_eq!(c.notify_webhook_secret.as_deref(), Some("123"));
    assert_eq!(c.quota_bytes, 1000);
    assert_eq!(
        invalid(env(&[("MAILSLOT_TRUSTED_PROXIES", "127.0.0.1,proxy")])).0,
        "trusted_proxies"
    );
    let (_dir, flags) = file("trusted_proxies = [\"192.0.2.0/24\", \"::1\"]\n");
    let c = load(flags, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.trusted_proxies.len(), 2);
}

#[test]
fn notification_settings_are_checked() {
    let key = |vars: &[(&str, &str)]| match env(vars) {
        Err(ConfigError::Invalid { key, .. }) => Some(key),
        _ => None,
    };
    let smtp = (
        "MAILSLOT_NOTIFY_SMTP_URL",
        "smtp://mail.example:587?tls=required",
    );
    assert_eq!(
        key(&[smtp]).as_deref(),
        Some("notify_to"),
        "mail needs an address"
    );
    assert_eq!(
        key(&[smtp, ("MAILSLOT_NOTIFY_TO", "not an address")]).as_deref(),
        Some("notify_to")
    );
    assert_eq!(
        key(&[
            ("MAILSLOT_NOTIFY_SMTP_URL", "mail.example"),
            ("MAILSLOT_NOTIFY_TO", "a@b.example")
        ])
        .as_deref(),
        Some("notify_smtp_url")
    );
    assert_eq!(
        key(&[smtp, ("MAILSLOT_NOTIFY_DEPARTMENT_TO", "radiology")]).as_deref(),
        Some("notify_department_to")
    );
    assert_eq!(
        key(&[smtp, ("MAILSLOT_NOTIFY_DEPARTMENT_TO", "radiology=nobody")]).as_deref(),
        Some("notify_department_to")
    );
    assert_eq!(
        key(&[("MAILSLOT_NOTIFY_WEBHOOK_URL", "ftp://x")]).as_deref(),
        Some("notify_webhook_url")
    );
    let c = env(&[
        smtp,
        (
            "MAILSLOT_NOTIFY_DEPARTMENT_TO",
            "radiology=r@b.example, oncology=o@b.example",
        ),
    ])
    .unwrap();
    assert_eq!(
        c.notify_department_to.get("oncology").map(String::as_str),
        Some("o@b.example")
    );
    assert_eq!(c.notify_to, None);
}

#[test]
fn destinations_parse() {
    assert_eq!(
        "stow+http://127.0.0.1:8042/dicom-web/".parse::<Destination>(),
        Ok(Destination::Stow {
            base_url: "http://127.0.0.1:8042/dicom-web".into()
        })
    );
    assert!("dimse://@h:1".parse::<Destination>().is_err());
    assert!("dimse://A@h:99999".parse::<Destination>().is_err());
}

/// The documented example must parse and state the embedded defaults.
#[test]
fn example_config_parses_and_states_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mailslot.example.toml");
    let flags = Flags {
        config: Some(path),
        ..Flags::default()
    };
    let from_file = Config::load_from(&flags, |_| None).unwrap();
    let defaults = Config::load_from(&Flags::default(), |_| None).unwrap();
    assert_eq!(format!("{from_file:?}"), format!("{defaults:?}"));
}

/// The desk has an address of its own, never the public or admin one;
/// hold mode and a consult destination are read as written.
#[test]
fn the_desk_address_is_its_own_and_hold_mode_is_read() {
    let c = env(&[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.mode, Mode::Forward);
    assert_eq!(c.consult, None);
    assert_eq!(
        c.desk_listen.map(|a| a.to_string()).as_deref(),
        Some("127.0.0.1:8082")
    );
    let c = env(&[
        ("MAILSLOT_MODE", "hold"),
        ("MAILSLOT_CONSULT", "stow+http://127.0.0.1:8042/dicom-web"),
        ("MAILSLOT_DESK_LISTEN", "off"),
        ("MAILSLOT_PATIENT_ID_ISSUER", "KLINIKUM"),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.mode, Mode::Hold);
    assert!(matches!(c.consult, Some(Destination::Stow { .. })));
    assert_eq!(c.desk_listen, None);
    assert_eq!(c.patient_id_issuer.as_deref(), Some("KLINIKUM"));
    for clash in ["127.0.0.1:8080", "127.0.0.1:8081", "0.0.0.0:8080"] {
        let (key, origin) = invalid(env(&[("MAILSLOT_DESK_LISTEN", clash)]));
        assert_eq!(key, "desk_listen", "{clash}");
        assert!(origin.contains("MAILSLOT_DESK_LISTEN"), "{origin}");
    }
    let (key, _) = invalid(env(&[("MAILSLOT_MODE", "quarantine")]));
    assert_eq!(key, "mode");
    let c = env(&[("MAILSLOT_WORKLIST", "dimse://MWL@ris.example:104")])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        c.worklist,
        Some(Destination::Dimse { port: 104, .. })
    ));
    let (key, _) = invalid(env(&[("MAILSLOT_WORKLIST", "inbox")]));
    assert_eq!(key, "worklist");
}
