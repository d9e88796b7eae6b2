//! Checks on URLs: the ones users hand us for Flowroute to call or fetch, and
//! the hosts the client may talk to in the clear.

use crate::Error;
use reqwest::Url;
use std::net::IpAddr;

/// Checks that `url` is an absolute `http` or `https` URL, which is all
/// Flowroute can fetch from or POST to, and returns it trimmed.
pub(crate) fn http_url(field: &'static str, url: &str) -> Result<String, Error> {
    let url = url.trim();
    match Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(url.to_string()),
        Ok(parsed) => Err(Error::invalid_input(
            field,
            format!(
                "`{}` has scheme `{}`; use http or https",
                redacted(url),
                parsed.scheme()
            ),
        )),
        Err(e) => Err(Error::invalid_input(
            field,
            format!("`{}` is not an absolute http(s) URL: {e}", redacted(url)),
        )),
    }
}

/// A URL as errors may quote it: credentials before an `@` and the query
/// and fragment (a pre-signed link's signature, a webhook token) replaced by
/// `…`. Works on text that does not parse too.
pub(crate) fn redacted(url: &str) -> String {
    let url = url.trim();
    let (kept, hidden) = match url.find(['?', '#']) {
        Some(i) => (&url[..i], "?…"),
        None => (url, ""),
    };
    let (scheme, rest) = kept.split_once("://").unwrap_or(("", kept));
    let separator = if scheme.is_empty() { "" } else { "://" };
    // A password may hold `/`, so anything up to the last `@` goes.
    match rest.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}{separator}…@{host}{hidden}"),
        None => format!("{scheme}{separator}{rest}{hidden}"),
    }
}

/// Whether the URL's host is this machine, where plain http exposes nothing.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || ip.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_credentials_queries_and_fragments() {
        for (input, shown) in [
            (
                "https://api.flowroute.com/v2",
                "https://api.flowroute.com/v2",
            ),
            ("https://h/x?X-Amz-Signature=abc", "https://h/x?…"),
            ("https://h?token=abc", "https://h?…"),
            ("https://h/x#token=abc", "https://h/x?…"),
            ("https://user:pa/ss@h/p", "https://…@h/p"),
            ("not a url ?secret", "not a url ?…"),
        ] {
            assert_eq!(redacted(input), shown, "{input}");
        }
    }
}
