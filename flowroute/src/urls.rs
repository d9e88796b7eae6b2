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
                "`{url}` has scheme `{}`; use http or https",
                parsed.scheme()
            ),
        )),
        Err(e) => Err(Error::invalid_input(
            field,
            format!("`{url}` is not an absolute http(s) URL: {e}"),
        )),
    }
}

/// Whether the URL's host is this machine, where plain http exposes nothing.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || ip.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
