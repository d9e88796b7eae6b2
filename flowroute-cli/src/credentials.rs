//! Where the access and secret keys come from: the environment, or a named
//! profile of the credentials file. The secret is read, handed to the SDK's
//! client, and never printed.
//!
//! The file is TOML, one table per profile:
//!
//! ```toml
//! [default]
//! access_key = "12345678"
//! secret_key = "…"
//!
//! [staging]
//! access_key = "87654321"
//! secret_key = "…"
//! base_url = "http://127.0.0.1:8080"   # optional
//! ```
//!
//! Like ssh with a private key, the tool refuses a file that anyone but its
//! owner may read or write.

use crate::exit::CliError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Names the credentials file instead of the default path.
pub const ENV_CREDENTIALS_FILE: &str = "FLOWROUTE_CREDENTIALS";
/// Names the profile to use, like `--profile`.
pub const ENV_PROFILE: &str = "FLOWROUTE_PROFILE";
/// The profile used when none is named and the environment has no keys.
const DEFAULT_PROFILE: &str = "default";

/// The keys and where requests go.
pub struct Credentials {
    pub access_key: String,
    pub secret_key: String,
    pub base_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    access_key: String,
    secret_key: String,
    base_url: Option<String>,
}

/// The credentials to use: those of `profile` when one is named (by
/// `--profile` or `FLOWROUTE_PROFILE`), else `FR_ACCESS_KEY` and
/// `FR_SECRET_KEY`, else the file's `default` profile. `FLOWROUTE_BASE_URL`
/// overrides any profile's `base_url`.
pub fn resolve(
    profile: Option<&str>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Credentials, CliError> {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let base_url = set(flowroute::ENV_BASE_URL);
    let file = path(&var);
    let mut credentials = match profile {
        Some(name) => read_profile(file.as_deref(), name)?,
        None => match (
            set(flowroute::ENV_ACCESS_KEY),
            set(flowroute::ENV_SECRET_KEY),
        ) {
            (Some(access_key), Some(secret_key)) => Credentials {
                access_key,
                secret_key,
                base_url: None,
            },
            (Some(_), None) | (None, Some(_)) => {
                return Err(CliError::other(format!(
                    "only one of {} and {} is set; set both, or neither to use a profile",
                    flowroute::ENV_ACCESS_KEY,
                    flowroute::ENV_SECRET_KEY
                )));
            }
            (None, None) => match &file {
                Some(path) if path.exists() => read_profile(Some(path), DEFAULT_PROFILE)?,
                _ => {
                    return Err(CliError::other(format!(
                        "no credentials: set {} and {}, or write a profile to {} (see `flowroute --help`); or try the simulator with --sim",
                        flowroute::ENV_ACCESS_KEY,
                        flowroute::ENV_SECRET_KEY,
                        shown(file.as_deref())
                    )));
                }
            },
        },
    };
    if base_url.is_some() {
        credentials.base_url = base_url;
    }
    Ok(credentials)
}

/// `FLOWROUTE_CREDENTIALS`, else `$XDG_CONFIG_HOME/flowroute/credentials`,
/// else `~/.config/flowroute/credentials`; `None` without a home.
pub fn path(var: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let non_empty = |name: &str| var(name).filter(|v| !v.is_empty());
    if let Some(file) = non_empty(ENV_CREDENTIALS_FILE) {
        return Some(PathBuf::from(file));
    }
    let config = non_empty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some(config.join("flowroute").join("credentials"))
}

fn shown(path: Option<&Path>) -> String {
    path.map_or_else(
        || "~/.config/flowroute/credentials".to_string(),
        |p| p.display().to_string(),
    )
}

fn read_profile(file: Option<&Path>, name: &str) -> Result<Credentials, CliError> {
    let Some(path) = file else {
        return Err(CliError::other(format!(
            "profile `{name}`: no credentials file (set {ENV_CREDENTIALS_FILE} or HOME)"
        )));
    };
    check_private(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::other(format!(
            "profile `{name}`: cannot read {}: {e}",
            path.display()
        ))
    })?;
    let mut profiles: BTreeMap<String, Profile> = toml::from_str(&text).map_err(|e| {
        CliError::other(format!(
            "{}{}: {}; see `flowroute --help` for the format",
            path.display(),
            line_of(&text, e.span()),
            redact_values(e.message())
        ))
    })?;
    let Some(profile) = profiles.remove(name) else {
        let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
        return Err(CliError::other(format!(
            "profile `{name}` is not in {} (it has: {})",
            path.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    Ok(Credentials {
        access_key: profile.access_key,
        secret_key: profile.secret_key,
        base_url: profile.base_url,
    })
}

/// Refuses a file others may read (they would have the keys) or write (they
/// could point `base_url` elsewhere and collect them), as ssh does.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)
        .map_err(|e| CliError::other(format!("cannot read {}: {e}", path.display())))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(CliError::other(format!(
            "{} is accessible by other users (mode {mode:03o}), so its keys are not private; run `chmod 600 {}`",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

/// Elsewhere the file's ACLs are the user's business.
#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), CliError> {
    Ok(())
}

fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map(|s| {
        let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
        format!(", line {line}")
    })
    .unwrap_or_default()
}

/// A TOML error quotes values in backticks (``invalid type: integer `123`…``),
/// and the value at fault may be the secret: only field names stay.
fn redact_values(message: &str) -> String {
    const FIELDS: [&str; 3] = ["access_key", "secret_key", "base_url"];
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 if !FIELDS.contains(&part) => "…",
            _ => part,
        })
        .collect::<Vec<_>>()
        .join("`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(set: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            set.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_environment_is_used_when_no_profile_is_named() {
        let c = resolve(
            None,
            vars(&[
                ("FR_ACCESS_KEY", "a"),
                ("FR_SECRET_KEY", "s"),
                ("HOME", "/nonexistent"),
            ]),
        )
        .unwrap();
        assert_eq!((c.access_key.as_str(), c.secret_key.as_str()), ("a", "s"));
        let e = resolve(
            None,
            vars(&[("FR_ACCESS_KEY", "a"), ("HOME", "/nonexistent")]),
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("only one of"), "{e}");
        let e = resolve(None, vars(&[("HOME", "/nonexistent")]))
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .contains("/nonexistent/.config/flowroute/credentials"),
            "{e}"
        );
    }

    #[test]
    fn toml_errors_never_quote_values() {
        let shown =
            redact_values("invalid type: integer `12345`, expected a string for key `secret_key`");
        assert_eq!(
            shown,
            "invalid type: integer `…`, expected a string for key `secret_key`"
        );
    }
}
