//! How a builder keeps a refused input: its setters note the first refusal,
//! and its terminal call (`.await`, `page()`, `items()`) returns it before any
//! request, so a chain of setters never needs a `?` in the middle.

use crate::Error;

/// The first input a builder refused, as `Error::InvalidInput`'s field and reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FirstRefusal(Option<(&'static str, String)>);

impl FirstRefusal {
    /// Notes a refusal, unless an earlier one is already noted.
    pub(crate) fn note(&mut self, field: &'static str, reason: impl Into<String>) {
        if self.0.is_none() {
            self.0 = Some((field, reason.into()));
        }
    }

    /// Notes a refusal that came as an error (from `IntoChecked`, a check).
    pub(crate) fn note_error(&mut self, error: Error) {
        match error {
            Error::InvalidInput { field, reason } => self.note(field, reason),
            other => self.note("argument", other.to_string()),
        }
    }

    /// The noted refusal as the error the terminal call returns.
    pub(crate) fn check(&self) -> Result<(), Error> {
        match &self.0 {
            Some((field, reason)) => Err(Error::invalid_input(field, reason.clone())),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_refusal_is_kept_and_returned_as_invalid_input() {
        let mut refusal = FirstRefusal::default();
        assert!(refusal.check().is_ok());
        refusal.note_error(Error::invalid_input("number", "has 9 digits"));
        refusal.note("alias", "is too long");
        let e = refusal.check().unwrap_err().to_string();
        assert_eq!(e, "invalid number: has 9 digits");
    }
}
