//! CNAM records: the caller-ID names your numbers present on outbound calls,
//! their approval by Flowroute, and which number presents which name.

use crate::IntoChecked;
use crate::{
    Client, CnamId, Error, PhoneNumber,
    pagination::{ListRequest, list_query},
    transport::call,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use flowroute_raw::types;
use serde::{Deserialize, Serialize};

/// Longest caller-ID name Flowroute accepts.
pub const MAX_CNAM_CHARS: usize = 15;

/// Characters allowed in a caller-ID name besides letters, digits and space.
const CNAM_SPECIALS: &str = "-_.,@+&'/\"";

/// A caller-ID name record.
///
/// Timestamps are kept as Flowroute sends them (`2018-04-16 16:20:32.939166+00:00`,
/// which is not RFC 3339); [`created_at`](Self::created_at) and
/// [`approved_at`](Self::approved_at) read them as UTC times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cnam {
    /// The record's id.
    pub id: CnamId,
    /// The caller-ID name, such as `REGENCE INC`.
    pub value: String,
    /// Whether Flowroute approved the name; only approved records can be
    /// assigned to numbers. Review takes up to 48 hours.
    pub is_approved: bool,
    /// Why the name was rejected; `None` when it was not (Flowroute sends null
    /// or an empty string).
    pub rejection_reason: Option<String>,
    /// When the record was created, as sent.
    pub creation_datetime: Option<String>,
    /// When the record was approved, as sent; `None` while pending.
    pub approval_datetime: Option<String>,
    /// The numbers presenting this name. Flowroute lists them only when
    /// fetching one approved record ([`Cnams::get`]); empty otherwise.
    pub numbers: Vec<PhoneNumber>,
}

impl Cnam {
    pub(crate) fn from_raw(cnam: types::Cnam, included: Vec<types::CnamIncludedNumber>) -> Cnam {
        let a = cnam.attributes.unwrap_or_default();
        let mut numbers: Vec<PhoneNumber> = Vec::new();
        let related = cnam
            .relationships
            .and_then(|r| r.numbers)
            .map(|n| n.data)
            .unwrap_or_default();
        let listed = related.into_iter().map(|r| r.id);
        // `included` repeats the related numbers as resources; it adds any the
        // relationship left out, reading the number from `value` when present.
        let included = included
            .into_iter()
            .filter(|i| i.type_ == "number")
            .map(|i| match i.attributes.get("value") {
                Some(serde_json::Value::String(v)) if !v.is_empty() => v.clone(),
                _ => i.id,
            });
        for number in listed.chain(included).map(PhoneNumber::from_server) {
            if !numbers.contains(&number) {
                numbers.push(number);
            }
        }
        Cnam {
            id: CnamId::from_server(cnam.id),
            value: a.value.unwrap_or_default(),
            is_approved: a.is_approved.unwrap_or(false),
            rejection_reason: a.rejection_reason.filter(|r| !r.is_empty()),
            creation_datetime: a.creation_datetime,
            approval_datetime: a.approval_datetime,
            numbers,
        }
    }

    /// [`creation_datetime`](Self::creation_datetime) as a time; `None` when
    /// absent or in a format this SDK cannot read.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.creation_datetime
            .as_deref()
            .and_then(parse_flowroute_datetime)
    }

    /// [`approval_datetime`](Self::approval_datetime) as a time; `None` while
    /// pending, or when in a format this SDK cannot read.
    pub fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.approval_datetime
            .as_deref()
            .and_then(parse_flowroute_datetime)
    }
}

/// Reads `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00` and, in case Flowroute moves to
/// it, RFC 3339 or the same without an offset (taken as UTC).
fn parse_flowroute_datetime(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    DateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S%.f%:z")
        .or_else(|_| DateTime::parse_from_rfc3339(value))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

/// Flowroute's answer to assigning a CNAM record to a number or removing it:
/// the change was accepted and reaches the carriers in 5–7 business days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CnamAssociation {
    /// Flowroute's id of the request (an integer here, unlike other ids);
    /// `None` for a removal.
    pub id: Option<i64>,
    /// When the request was taken, as sent: an RFC 1123 date such as
    /// `Fri, 01 Jun 2018 00:17:52 GMT`. See [`created_at`](Self::created_at).
    pub date_created: Option<String>,
}

impl CnamAssociation {
    pub(crate) fn from_raw(doc: types::CnamAssociationDocument) -> CnamAssociation {
        CnamAssociation {
            id: doc.data.id,
            date_created: doc.data.attributes.and_then(|a| a.date_created),
        }
    }

    /// [`date_created`](Self::date_created) as a time; `None` when absent or unreadable.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        let value = self.date_created.as_deref()?;
        DateTime::parse_from_rfc2822(value)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// Checks a caller-ID name against Flowroute's documented rules. It cannot
/// check the editorial ones (no profanity, no phone numbers, nothing
/// misleading): Flowroute's review does.
fn check_value(value: &str) -> Result<(), Error> {
    let invalid = |why: String| Err(Error::invalid_input("CNAM value", why));
    let length = value.chars().count();
    if length == 0 {
        return invalid("is empty; a caller-ID name has 1 to 15 characters".into());
    }
    if length > MAX_CNAM_CHARS {
        return invalid(format!(
            "`{value}` has {length} characters; at most {MAX_CNAM_CHARS} are allowed"
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == ' ' || CNAM_SPECIALS.contains(*c)))
    {
        return invalid(format!(
            "`{value}` contains `{c}`; only letters, digits, spaces and - _ . , @ + & ' / \" are allowed"
        ));
    }
    if !value.chars().any(|c| c.is_ascii_alphabetic()) {
        return invalid(format!("`{value}` has no letter; at least one is required"));
    }
    Ok(())
}

list_query! {
    /// Filters for [`Cnams::list`].
    CnamQuery for list_cnam_records -> Cnam = |c| Cnam::from_raw(c, Vec::new());
    /// `true` for approved records only, `false` for those pending or rejected.
    is_approved(is_approved: bool) -> bool = Ok(is_approved);
    /// Only records whose name contains this text (any letter case).
    value(value: &str) -> String = Ok(value.to_string());
}

/// CNAM records, from [`Client::cnams`].
///
/// # Example
///
/// ```no_run
/// # async fn run(client: flowroute::Client, number: flowroute::PhoneNumber) -> Result<(), flowroute::Error> {
/// let record = client.cnams().create("ACME CORP").await?;
/// // Flowroute reviews it within 48 hours; only approved records can be assigned.
/// if client.cnams().get(&record.id).await?.is_approved {
///     client.cnams().assign(&number, &record.id).await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Cnams {
    client: Client,
}

impl Client {
    /// Caller-ID name (CNAM) records and their assignment to numbers.
    pub fn cnams(&self) -> Cnams {
        Cnams {
            client: self.clone(),
        }
    }
}

impl Cnams {
    /// The CNAM records on the account, optionally filtered. Flowroute
    /// enforces no maximum page size.
    ///
    /// Example: [`Cnams`](Cnams#example).
    pub fn list(&self) -> ListRequest<CnamQuery> {
        ListRequest::new(&self.client, CnamQuery::default())
    }

    /// One CNAM record, with the numbers presenting it when it is approved
    /// and assigned.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when there is no record with this id.
    ///
    /// Example: [`Cnams`](Cnams#example).
    pub async fn get(&self, id: impl IntoChecked<CnamId>) -> Result<Cnam, Error> {
        let id = id.into_checked()?;
        let doc = call(
            self.client
                .raw()
                .get_cnam_record_details()
                .cnam_id(id.as_str())
                .send(),
        )
        .await?;
        Ok(Cnam::from_raw(doc.data, doc.included))
    }

    /// Submits a caller-ID name for approval, which takes up to 48 hours.
    ///
    /// The name is checked first: 1 to 15 characters, at least one letter, and
    /// only letters, digits, spaces and `- _ . , @ + & ' / "`.
    ///
    /// # Errors
    ///
    /// A 422 [`Error::Api`] when the name already exists on the account; a 403
    /// when the account lacks the funds; [`Error::InvalidInput`] for a name
    /// checked before sending (empty, over 15 characters, no letter).
    ///
    /// Example: [`Cnams`](Cnams#example).
    pub async fn create(&self, value: impl Into<String>) -> Result<Cnam, Error> {
        let value = value.into();
        check_value(&value)?;
        let value = types::NewCnamValue::try_from(value)
            .map_err(|e| Error::invalid_input("CNAM value", e.to_string()))?;
        let doc = call(
            self.client
                .raw()
                .create_cnam_record()
                .body(types::NewCnam { value })
                .send(),
        )
        .await?;
        Ok(Cnam::from_raw(doc.data, doc.included))
    }

    /// Replaces the name of a record still awaiting approval (checked like
    /// [`create`](Self::create)'s).
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when there is no record with this id; a 422 when
    /// the name is refused (only records still awaiting approval change);
    /// [`Error::InvalidInput`] as for [`create`](Cnams::create).
    ///
    /// Example: [`Cnams`](Cnams#example).
    pub async fn update(
        &self,
        id: impl IntoChecked<CnamId>,
        value: impl Into<String>,
    ) -> Result<Cnam, Error> {
        let id = id.into_checked()?;
        let value = value.into();
        check_value(&value)?;
        let value = types::CnamUpdateAttributesValue::try_from(value)
            .map_err(|e| Error::invalid_input("CNAM value", e.to_string()))?;
        let body = types::CnamUpdateDocument {
            data: types::CnamUpdateData {
                type_: types::CnamResourceType::Cnam,
                attributes: types::CnamUpdateAttributes { value },
            },
        };
        let doc = call(
            self.client
                .raw()
                .update_cnam_record()
                .cnam_id(id.as_str())
                .body(body)
                .send(),
        )
        .await?;
        Ok(Cnam::from_raw(doc.data, doc.included))
    }

    /// Deletes a record; Flowroute removes it from every number using it.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when there is no record with this id ("CNAM record
    /// not found. Nothing to delete.").
    ///
    /// Example: [`Cnams`](Cnams#example).
    pub async fn delete(&self, id: impl IntoChecked<CnamId>) -> Result<(), Error> {
        let id = id.into_checked()?;
        call(
            self.client
                .raw()
                .delete_cnam_record()
                .cnam_id(id.as_str())
                .send(),
        )
        .await
    }

    /// Asks Flowroute to present an approved record as the number's outbound
    /// caller-ID name (long-code numbers only). Flowroute accepts the request
    /// at once; carriers see the name 5–7 business days later.
    ///
    /// # Errors
    ///
    /// An [`Error::Api`] (4xx, with Flowroute's `detail`) when the record is not
    /// approved yet or the number is not a long-code number; a 404 when either
    /// does not exist.
    ///
    /// Example: [`Cnams`](Cnams#example).
    pub async fn assign(
        &self,
        number: impl IntoChecked<PhoneNumber>,
        id: impl IntoChecked<CnamId>,
    ) -> Result<CnamAssociation, Error> {
        let (number, id) = (number.into_checked()?, id.into_checked()?);
        let doc = call(
            self.client
                .raw()
                .assign_cnam_record_to_number()
                .number_id(number.as_str())
                .cnam_id(id.as_str())
                .send(),
        )
        .await?;
        Ok(CnamAssociation::from_raw(doc))
    }

    /// Stops presenting a caller-ID name for the number; the record stays on
    /// the account.
    ///
    /// # Errors
    ///
    /// A 404 [`Error::Api`] when the number is not on the account.
    ///
    /// Example: [`Cnams`](Cnams#example).
    pub async fn unassign(
        &self,
        number: impl IntoChecked<PhoneNumber>,
    ) -> Result<CnamAssociation, Error> {
        let number = number.into_checked()?;
        let doc = call(
            self.client
                .raw()
                .unassign_cnam_record_from_number()
                .number_id(number.as_str())
                .send(),
        )
        .await?;
        Ok(CnamAssociation::from_raw(doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_flowroutes_rules_and_errors_say_which() {
        for ok in [
            "REGENCE INC",
            "Bob Law",
            "A",
            "O'Neil & Sons",
            "a-b_c.d,e@f+g/\"",
            "7 ELEVEN",
        ] {
            assert!(check_value(ok).is_ok(), "{ok}");
        }
        let bad = [
            ("", "is empty"),
            ("SIXTEEN CHARS XX", "has 16 characters"),
            ("12065551234", "no letter"),
            ("  ", "no letter"),
            ("BOB#LAW", "contains `#`"),
            ("CAFÉ", "contains `É`"),
        ];
        for (value, why) in bad {
            let e = check_value(value).unwrap_err().to_string();
            assert!(
                e.starts_with("invalid CNAM value") && e.contains(why),
                "{value}: {e}"
            );
        }
    }

    #[test]
    fn flowroute_timestamps_read_as_utc() {
        let t = parse_flowroute_datetime("2018-04-16 16:20:32.939166+00:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2018-04-16T16:20:32.939166+00:00");
        assert!(parse_flowroute_datetime("2018-04-16T16:20:32Z").is_some());
        assert!(parse_flowroute_datetime("2018-04-16 16:20:32").is_some());
        assert_eq!(parse_flowroute_datetime("yesterday"), None);
    }
}
