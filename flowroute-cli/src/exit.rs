//! The tool's failures: one line for stderr saying what went wrong and what
//! to do, and the documented exit code that goes with it.

use flowroute::Error;
use flowroute::prelude::StatusCode;
use flowroute_raw::RetryClass;
use std::fmt;
use std::process::ExitCode;

/// The exit codes, as documented in the README and `flowroute --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Whoever read stdout stopped reading (`| head`): not a failure.
    ReaderGone = 0,
    /// Anything else: credentials missing or unsafe, a file not readable, an
    /// answer not understood, a declined confirmation.
    Other = 1,
    /// The command line is wrong, or a change needs `--yes` to run unattended.
    Usage = 2,
    /// Flowroute refused the request (a 4xx status).
    Refused = 3,
    /// Flowroute or the network failed (a 5xx status, a broken connection, a timeout).
    Unavailable = 4,
    /// The SDK refused an argument before sending anything.
    Invalid = 5,
}

/// A failure of a command, ready to print.
#[derive(Debug)]
pub struct CliError {
    code: Code,
    message: String,
}

impl CliError {
    pub fn new(code: Code, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::new(Code::Usage, message)
    }

    pub fn other(message: impl Into<String>) -> CliError {
        CliError::new(Code::Other, message)
    }

    pub fn code(&self) -> Code {
        self.code
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code as u8)
    }
}

impl fmt::Display for CliError {
    /// One line: a message from a server or a library may hold line breaks.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line: Vec<&str> = self.message.split_whitespace().collect();
        f.write_str(&line.join(" "))
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        match e.kind() {
            std::io::ErrorKind::BrokenPipe => CliError::new(Code::ReaderGone, ""),
            _ => CliError::other(e.to_string()),
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> CliError {
        let (code, mut hint) = classify(&e);
        // Whether a failed change may still have happened is what an operator
        // needs to know before running the command again.
        if code == Code::Unavailable && !e.is_safe_to_retry() {
            match flowroute_raw::operation(e.operation()).map(|op| op.retry) {
                Some(RetryClass::Idempotent) => {
                    hint = "it may have gone through, and running it again is safe";
                }
                Some(RetryClass::NotIdempotent | RetryClass::Never) => {
                    hint = "it may have gone through anyway: check (with `get` or `list`) before running it again";
                }
                _ => {}
            }
        }
        CliError::new(code, format!("{e}; {hint}"))
    }
}

fn classify(e: &Error) -> (Code, &'static str) {
    match e {
        Error::InvalidInput { .. } => (
            Code::Invalid,
            "nothing was sent; fix the value and run again",
        ),
        Error::Api(api) => match api.status {
            StatusCode::UNAUTHORIZED => (
                Code::Refused,
                "check the access and secret keys (FR_ACCESS_KEY and FR_SECRET_KEY, or the profile)",
            ),
            StatusCode::FORBIDDEN => (
                Code::Refused,
                "the account may not do this (Flowroute also answers 403 for insufficient funds or a duplicate)",
            ),
            StatusCode::NOT_FOUND => (
                Code::Refused,
                "check the number or id (the `list` commands show what the account has)",
            ),
            StatusCode::TOO_MANY_REQUESTS => (
                Code::Refused,
                "Flowroute's rate limit: wait a moment and run it again",
            ),
            s if s.is_client_error() => {
                (Code::Refused, "fix what Flowroute names and run it again")
            }
            _ => (
                Code::Unavailable,
                "Flowroute had a problem: run it again later",
            ),
        },
        Error::Transport { .. } => (
            Code::Unavailable,
            "check the network, and FLOWROUTE_BASE_URL or the profile's base_url",
        ),
        Error::Timeout { .. } => (Code::Unavailable, "run it again later"),
        Error::RateLimited { .. } => (Code::Unavailable, "nothing was sent; run it again"),
        Error::Config { .. } => (
            Code::Other,
            "check the credentials and FLOWROUTE_BASE_URL (or the profile's base_url)",
        ),
        _ => (
            Code::Other,
            "Flowroute's answer was not what the SDK expects; run with `--output json` to see what it did read, or report it",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        let e = CliError::other("first line\n  second\tline ");
        assert_eq!(e.to_string(), "first line second line");
    }

    #[test]
    fn invalid_input_is_code_5_and_says_nothing_was_sent() {
        let e = CliError::from(flowroute::PhoneNumber::parse("12").unwrap_err());
        assert_eq!(e.code(), Code::Invalid);
        assert!(e.to_string().contains("nothing was sent"), "{e}");
    }
}
