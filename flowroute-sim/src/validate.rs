//! Value rules shared by several operations: phone numbers, URLs and the
//! destination formats of inbound routes, as the description of
//! `NewRouteAttributes` in `openapi/flowroute.yaml` lists them.

use std::net::IpAddr;

/// An 11-digit North American number without `+` (`12065551234`).
pub(crate) fn is_nanp(value: &str) -> bool {
    value.len() == 11 && value.starts_with('1') && value.bytes().all(|b| b.is_ascii_digit())
}

/// An absolute `http(s)` URL with a host, as callback and media URLs must be.
pub(crate) fn is_http_url(value: &str) -> bool {
    reqwest::Url::parse(value)
        .map(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
        .unwrap_or(false)
}

/// Checks a route `value` against its `route_type`; the error says why.
pub(crate) fn route_value(route_type: &str, value: &str) -> Result<(), String> {
    let mut parts = value.split(';');
    let target = parts.next().unwrap_or("");
    for param in parts {
        route_param(param)?;
    }
    match route_type {
        "host" => host_port(target).map_err(|why| {
            format!("`{value}` is not a valid host route ({why}); expected an IP address or host name with an optional :port, such as 24.239.23.40:5060")
        }),
        "number" if is_nanp(target) => Ok(()),
        "number" => Err(format!(
            "`{value}` is not a valid number route; expected an 11-digit E.164 number such as 16476998778"
        )),
        "uri" => sip_uri(target).map_err(|why| {
            format!("`{value}` is not a valid uri route ({why}); expected sip:user@domain[:port], such as sip:alice@atlanta.com")
        }),
        other => Err(format!(
            "route_type `{other}` cannot be created; use host, number or uri"
        )),
    }
}

/// `;transport=tcp|udp|tls` and `;weight=0..1000` are the documented suffixes.
fn route_param(param: &str) -> Result<(), String> {
    match param.split_once('=') {
        Some(("transport", "tcp" | "udp" | "tls")) => Ok(()),
        Some(("weight", w)) if w.parse::<u16>().is_ok_and(|w| w <= 1000) => Ok(()),
        _ => Err(format!(
            "`;{param}` is not a supported parameter (transport=tcp|udp|tls or weight=0..1000)"
        )),
    }
}

fn host_port(target: &str) -> Result<(), &'static str> {
    let (host, port) = match target.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host, Some(port)),
        _ => (target, None),
    };
    if let Some(port) = port
        && !port.parse::<u16>().is_ok_and(|p| p > 0)
    {
        return Err("bad port");
    }
    if host.parse::<IpAddr>().is_ok() || is_hostname(host) {
        Ok(())
    } else {
        Err("bad host")
    }
}

fn is_hostname(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn sip_uri(target: &str) -> Result<(), &'static str> {
    let rest = target
        .strip_prefix("sip:")
        .or_else(|| target.strip_prefix("sips:"))
        .ok_or("must start with sip: or sips:")?;
    let (user, domain) = rest.split_once('@').ok_or("missing user@")?;
    if user.is_empty() || user.bytes().any(|b| b.is_ascii_whitespace()) {
        return Err("bad user");
    }
    host_port(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_values_by_type() {
        for ok in [
            "24.239.23.40:5060",
            "myphone.com",
            "il775u.sonsofodin.com;transport=tls",
            "a.b;weight=10",
        ] {
            assert!(route_value("host", ok).is_ok(), "{ok}");
        }
        for bad in ["", "bad host", "x.com:99999", "x.com;color=red", "-a.com"] {
            assert!(route_value("host", bad).is_err(), "{bad}");
        }
        assert!(route_value("number", "16476998778").is_ok());
        assert!(route_value("number", "6476998778").is_err());
        for ok in [
            "sip:alice@atlanta.com",
            "sip:16476998778@215.122.69.152:5060;transport=tcp",
            "sips:securecall@securedserver.com",
        ] {
            assert!(route_value("uri", ok).is_ok(), "{ok}");
        }
        for bad in ["alice@atlanta.com", "sip:atlanta.com", "http://x.com"] {
            assert!(route_value("uri", bad).is_err(), "{bad}");
        }
        assert!(route_value("sip-reg", "x").is_err());
    }

    #[test]
    fn numbers_and_urls() {
        assert!(is_nanp("12065551234"));
        assert!(!is_nanp("+12065551234"));
        assert!(!is_nanp("22065551234"));
        assert!(is_http_url("http://127.0.0.1:9/x"));
        assert!(!is_http_url("ftp://x.com/a"));
        assert!(!is_http_url("not a url"));
    }
}
