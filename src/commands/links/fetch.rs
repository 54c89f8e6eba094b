//! Checks one address: follows its redirects one hop at a time (so the chain
//! can be reported), waits as a `429 Too Many Requests` answer's `Retry-After`
//! asks (within a limit), and gives up after the timeout.
//!
//! A `GET` whose body is never read, not a `HEAD`: many servers answer `HEAD`
//! wrongly (405, 404), and dropping the response closes the connection
//! before the page is downloaded.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ureq::Agent;

/// Hops followed before a chain of redirects is called a loop.
const MAX_REDIRECTS: usize = 10;
/// Times a `429` is retried before the address is reported as unchecked.
const MAX_RETRIES: usize = 2;

/// What checking an address found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Outcome {
    /// It answered with a success (2xx) without redirecting.
    Alive,
    /// It redirects, in the end to a page that answers: each hop's status and the final address.
    Redirected { hops: Vec<u16>, to: String },
    /// No page there: an error status, or no answer at all.
    Dead { why: String },
    /// The server would not answer now (`429`, or `Retry-After` longer than dossier waits).
    Unchecked { why: String },
}

/// How long to wait, and how long `Retry-After` may ask for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub(crate) timeout: Duration,
    pub(crate) max_retry_after: Duration,
}

/// The client every check shares (connections to a host are reused).
pub(crate) fn agent(limits: Limits) -> Agent {
    Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .timeout_connect(Some(limits.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("Mozilla/5.0 (compatible; dossier-link-check/", env!("CARGO_PKG_VERSION"), ")"))
        .build()
        .into()
}

/// Checks `url`, following redirects and honouring `Retry-After`.
pub(crate) fn check(agent: &Agent, url: &str, limits: Limits) -> Outcome {
    let mut current = url.to_string();
    let mut hops = Vec::new();
    let mut retries = 0;
    loop {
        let response = match agent.get(&current).call() {
            Ok(response) => response,
            Err(e) => return Outcome::Dead { why: failure(&e, limits, &hops, &current) },
        };
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        match status {
            200..=299 if hops.is_empty() => return Outcome::Alive,
            200..=299 => return Outcome::Redirected { hops, to: current },
            300..=399 => {
                let Some(location) = header("location") else {
                    return Outcome::Dead { why: format!("{status} redirect without a `Location`") };
                };
                if hops.len() == MAX_REDIRECTS {
                    return Outcome::Dead { why: format!("more than {MAX_REDIRECTS} redirects (a loop?)") };
                }
                hops.push(status);
                current = join(&current, &location);
            }
            429 => {
                let wait = header("retry-after").and_then(|v| retry_after(&v)).unwrap_or(Duration::from_secs(1));
                if retries == MAX_RETRIES || wait > limits.max_retry_after {
                    let why = format!("429 Too Many Requests (asks to wait {} s)", wait.as_secs());
                    return Outcome::Unchecked { why };
                }
                retries += 1;
                drop(response);
                std::thread::sleep(wait);
            }
            _ => {
                let reason = response.status().canonical_reason().unwrap_or("");
                let after = if hops.is_empty() { String::new() } else { format!(" at {current}, after redirects") };
                return Outcome::Dead { why: format!("{status} {reason}{after}") };
            }
        }
    }
}

/// Why a request got no answer, in the author's words.
fn failure(error: &ureq::Error, limits: Limits, hops: &[u16], current: &str) -> String {
    let why = match error {
        ureq::Error::Timeout(_) => format!("no answer within {} s", limits.timeout.as_secs()),
        ureq::Error::HostNotFound => "the host does not exist (no DNS record)".to_string(),
        ureq::Error::ConnectionFailed => "the connection was refused".to_string(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused".to_string()
        }
        other => format!("cannot connect: {other}"),
    };
    if hops.is_empty() { why } else { format!("{why} at {current}, after redirects") }
}

/// `Retry-After`: a number of seconds, or an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?;
    let seconds = when.timestamp().as_second() - jiff::Timestamp::now().as_second();
    Some(Duration::from_secs(seconds.max(0) as u64))
}

/// `location` (absolute, scheme-relative, absolute-path or relative) read against `base`.
pub(crate) fn join(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{}{rest}", &base[..scheme_end]);
    }
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    if location.starts_with('/') {
        return format!("{}{location}", &base[..path_start]);
    }
    let path = &base[path_start..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{}{dir}{location}", &base[..path_start])
}

#[cfg(test)]
mod tests {
    use super::{join, retry_after};
    use std::time::Duration;

    #[test]
    fn redirect_locations_are_read_against_the_address_that_gave_them() {
        for (base, location, joined) in [
            ("https://a.org/x/y", "https://b.org/z", "https://b.org/z"),
            ("https://a.org/x/y", "//c.org/z", "https://c.org/z"),
            ("https://a.org/x/y?q=1", "/z", "https://a.org/z"),
            ("https://a.org/x/y?q=/1", "z", "https://a.org/x/z"),
            ("https://a.org", "z", "https://a.org/z"),
        ] {
            assert_eq!(join(base, location), joined);
        }
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        assert_eq!(retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        assert_eq!(retry_after("soon"), None);
    }
}
