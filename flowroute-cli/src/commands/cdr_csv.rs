//! A CDR export's calls written back out as CSV, in the columns and formats
//! of Flowroute's own file, whatever the SDK read them from.

use flowroute::cdrs::{COLUMNS, CdrRecord};
use flowroute::chrono::{DateTime, Utc};
use std::time::Duration;

/// The header: the documented columns, then those the first record had
/// that this version does not know.
pub fn header(first: &CdrRecord) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(first.extra.keys().cloned())
        .collect()
}

/// One record under `header`.
pub fn row(record: &CdrRecord, header: &[String]) -> Vec<String> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let time = |t: &Option<DateTime<Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M:%S+00").to_string())
            .unwrap_or_default()
    };
    let seconds = |d: &Option<Duration>| d.map(format_seconds).unwrap_or_default();
    let known = [
        record
            .direction
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        time(&record.start_time),
        time(&record.end_time),
        text(&record.destination),
        text(&record.number_alias),
        text(&record.callerid),
        text(&record.total_cost),
        text(&record.destination_name),
        text(&record.callerid_country),
        text(&record.line_information),
        text(&record.result),
        record
            .call_fail_sip_code
            .map(|c| c.to_string())
            .unwrap_or_default(),
        text(&record.call_fail_reason),
        seconds(&record.duration),
        seconds(&record.billed_duration),
        text(&record.rate),
        seconds(&record.first_increment),
        seconds(&record.subsequent_increment),
        text(&record.cost_subtotal),
        text(&record.connect_fee),
        text(&record.usf_fee),
        text(&record.ccrf),
        text(&record.cnam_lookup_fee),
        text(&record.custom_x_tag),
        text(&record.customer_ip),
    ];
    let extra = header[COLUMNS.len()..]
        .iter()
        .map(|name| record.extra.get(name).cloned().unwrap_or_default());
    known.into_iter().chain(extra).collect()
}

/// Whole seconds as the file writes them; a fraction only when there is one.
fn format_seconds(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        d.as_secs().to_string()
    } else {
        d.as_secs_f64().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_to_the_files_formats() {
        let mut record = CdrRecord::default();
        record.start_time = Some("2019-06-25T18:18:54Z".parse().unwrap());
        record.duration = Some(Duration::from_secs(245));
        record.first_increment = Some(Duration::from_millis(1500));
        record.call_fail_sip_code = Some(200);
        record.extra.insert("new_column".into(), "x".into());
        let header = header(&record);
        assert_eq!(header.len(), 26);
        let row = row(&record, &header);
        assert_eq!(row[1], "2019-06-25 18:18:54+00");
        assert_eq!(row[11], "200");
        assert_eq!(row[13], "245");
        assert_eq!(row[16], "1.5");
        assert_eq!(row[25], "x");
    }
}
