//! The preview web server: the current site from memory, and a live-reload event stream.
//!
//! Paths are looked up in the in-memory [`Site`], so nothing on disk is
//! served: no traversal out of the site and no symlinks to follow. Pretty
//! URLs work as on static hosts (`/a/` → `a/index.html`, `/a` → redirect to
//! `/a/`), unknown paths get `404.html` with status 404, and Ctrl-C stops the
//! server gracefully.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::{Live, Notice};

#[derive(Clone)]
struct AppState {
    live: Arc<RwLock<Live>>,
    notices: broadcast::Sender<Notice>,
}

/// The running server; dropping it leaves the thread to finish its shutdown.
pub struct Server {
    _thread: std::thread::JoinHandle<()>,
}

/// How long a client may take to send a request's headers, and how long a kept-alive
/// connection may sit idle before its next request (hyper times both from the same point).
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// File descriptors kept free for rebuilds (reading content and templates) and the watcher.
#[cfg(unix)]
const RESERVED_DESCRIPTORS: u64 = 256;

/// The open connections, so that one more can push out a client that has sent nothing
/// useful yet when the cap is reached (a thousand slow clients cannot lock readers out).
#[derive(Default)]
struct Connections {
    next: u64,
    open: HashMap<u64, Connection>,
}

struct Connection {
    since: Instant,
    /// Set once a request's headers have arrived: a real client, not a slow one.
    served: Arc<AtomicBool>,
    evict: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Connections {
    /// Makes room for one more connection under `cap`: evicts the oldest that never completed
    /// a request's headers. `false` if every connection is busy with real requests.
    fn make_room(&mut self, cap: usize) -> bool {
        if self.open.len() < cap {
            return true;
        }
        let oldest = self.open.iter().filter(|(_, c)| !c.served.load(Ordering::Relaxed)).min_by_key(|(_, c)| c.since);
        let Some((&id, _)) = oldest else {
            return false;
        };
        if let Some(evict) = self.open.get_mut(&id).and_then(|c| c.evict.take()) {
            let _ = evict.send(());
        }
        self.open.remove(&id);
        true
    }
}

/// How many connections to keep open at most: well under the process's descriptor limit
/// (raised to its hard maximum first, as servers commonly do).
#[cfg(unix)]
fn connection_cap() -> usize {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max.min(65_536), rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    let available = limit.rlim_cur.saturating_sub(RESERVED_DESCRIPTORS);
    available.clamp(16, 8_192) as usize
}

/// Elsewhere (Windows: handles, not a small descriptor table) a fixed cap.
#[cfg(not(unix))]
fn connection_cap() -> usize {
    1_024
}

/// The URL a browser opens for a listening address: `0.0.0.0` shown as `127.0.0.1`, `::` as
/// `[::1]`, IPv6 in brackets, the port the system chose for `--port 0`.
pub fn address_url(address: SocketAddr) -> String {
    let mut shown = address;
    if address.ip().is_unspecified() {
        shown.set_ip(if address.is_ipv6() { Ipv6Addr::LOCALHOST.into() } else { Ipv4Addr::LOCALHOST.into() });
    }
    format!("http://{shown}/")
}

/// Starts serving on `listener` in a thread of its own; Ctrl-C sets `stop`.
pub fn start(
    listener: std::net::TcpListener,
    live: Arc<RwLock<Live>>,
    notices: broadcast::Sender<Notice>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<Server> {
    listener.set_nonblocking(true)?;
    let cap = connection_cap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let thread = std::thread::Builder::new().name("http".into()).spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let state = AppState { live, notices };
            let app = Router::new().route("/__dossier/events", get(events)).fallback(get(page)).with_state(state);
            let connections = Arc::new(Mutex::new(Connections::default()));
            let ctrl_c = tokio::signal::ctrl_c();
            tokio::pin!(ctrl_c);
            loop {
                let stream = tokio::select! {
                    _ = &mut ctrl_c => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => stream,
                        Err(_) => {
                            // Out of descriptors or similar: wait for connections to close.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                };
                serve_connection(stream, app.clone(), &connections, cap);
            }
            stop.store(true, Ordering::SeqCst);
        });
    })?;
    Ok(Server { _thread: thread })
}

/// Serves one connection on its own task, with the header/idle timeout, registered in
/// `connections` so it can be evicted while it has not sent a request.
fn serve_connection(stream: tokio::net::TcpStream, app: Router, connections: &Arc<Mutex<Connections>>, cap: usize) {
    let served = Arc::new(AtomicBool::new(false));
    let (evict, evicted) = tokio::sync::oneshot::channel();
    let id = {
        let mut all = connections.lock().unwrap_or_else(|p| p.into_inner());
        if !all.make_room(cap) {
            return; // every connection is busy with real requests: this one is closed
        }
        all.next += 1;
        let id = all.next;
        all.open.insert(id, Connection { since: Instant::now(), served: served.clone(), evict: Some(evict) });
        id
    };
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        served.store(true, Ordering::Relaxed);
        let mut app = app.clone();
        async move { tower_service::Service::call(&mut app, request).await }
    });
    let connections = connections.clone();
    tokio::spawn(async move {
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        tokio::select! {
            _ = connection => {}
            _ = evicted => {}
        }
        connections.lock().unwrap_or_else(|p| p.into_inner()).open.remove(&id);
    });
}

/// The query of a tab's event stream: the address of the page it shows.
#[derive(serde::Deserialize)]
struct Tab {
    page: Option<String>,
}

/// A tab's event stream. An update of the page the tab shows carries the page's new HTML,
/// so the tab can patch itself at once; an update of other pages carries only its version.
async fn events(State(state): State<AppState>, Query(tab): Query<Tab>) -> impl IntoResponse {
    let (version, error) = {
        let live = state.live.read().unwrap_or_else(|p| p.into_inner());
        (live.version, live.error.clone())
    };
    let hello = Event::default()
        .event("hello")
        .retry(Duration::from_millis(500))
        .data(json!({ "version": version, "error": error }).to_string());
    let shown = tab.page.as_deref().and_then(site_path);
    let live = state.live.clone();
    let updates = BroadcastStream::new(state.notices.subscribe()).filter_map(move |notice| {
        let event = match notice.ok()? {
            Notice::Update { version, pages } => {
                let data = match &shown {
                    Some(path) if pages.as_ref().is_none_or(|pages| pages.iter().any(|p| p[1..] == *path)) => {
                        // The page as served now (a later update may already be in: newer is fine),
                        // encoded once the lock is released.
                        let html = {
                            let live = live.read().unwrap_or_else(|p| p.into_inner());
                            [path.clone(), format!("{path}index.html")].iter().find_map(|p| live.file(p).cloned())
                        };
                        match html {
                            Some(html) => {
                                let html = with_live_reload(&html);
                                json!({ "version": version, "html": String::from_utf8_lossy(&html) })
                            }
                            None => json!({ "version": version, "gone": true }),
                        }
                    }
                    _ => json!({ "version": version }),
                };
                Event::default().event("update").data(data.to_string())
            }
            Notice::Reload(v) => Event::default().event("reload").data(json!({ "version": v }).to_string()),
            Notice::Css(v) => Event::default().event("css").data(json!({ "version": v }).to_string()),
            Notice::Error(text) => Event::default().event("failed").data(json!({ "error": text }).to_string()),
        };
        Some(Ok::<Event, Infallible>(event))
    });
    let stream = tokio_stream::once(Ok::<Event, Infallible>(hello)).chain(updates);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let Some(path) = site_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let live = state.live.read().unwrap_or_else(|p| p.into_inner());
    if live.site.files.is_empty() {
        // Broken since the start: no last good site, so every page is the error, with the
        // live-reload script that replaces it once an edit fixes the project.
        return broken_page(live.error.as_deref().unwrap_or("the site is being built"));
    }
    let candidates = [path.clone(), format!("{path}index.html")];
    let found = candidates.iter().find_map(|p| Some((p, live.file(p)?)));
    let site = &live.site;
    match found {
        Some((p, bytes)) => file_response(StatusCode::OK, p, bytes.clone()),
        None if !path.is_empty() && !path.ends_with('/') && site.files.contains_key(&format!("{path}/index.html")) => {
            // Built from the cleaned path: `//sources` must not become `//sources/`, which a
            // browser reads as another host.
            let target = format!("/{path}/");
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, target)]).into_response()
        }
        None => match site.files.get("404.html") {
            Some(bytes) => file_response(StatusCode::NOT_FOUND, "404.html", bytes.clone()),
            None => (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    }
}

fn broken_page(error: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed — dossier</title></head>\n<body><h1>The site could not be built</h1>\n<pre>{}</pre>\n{}</body></html>\n",
        crate::text::html::escape(error),
        super::LIVE_RELOAD
    );
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The site-relative path of a request path, or `None` if it tries to leave the site.
fn site_path(request: &str) -> Option<String> {
    let decoded = percent_decode(request)?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') || p.contains('\0') => return None,
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if decoded.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn file_response(status: StatusCode, path: &str, bytes: Arc<[u8]>) -> Response {
    let body = if path.ends_with(".html") { with_live_reload(&bytes) } else { bytes.to_vec() };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A page as `serve` sends it: the live-reload script just before its `</body>` (at its
/// end if it has none), so that every page updates as its files are saved, whatever its
/// templates print. Built pages never hold it.
fn with_live_reload(html: &[u8]) -> Vec<u8> {
    let at = memchr::memmem::rfind(html, b"</body>").unwrap_or(html.len());
    let script = super::LIVE_RELOAD.as_bytes();
    let mut page = Vec::with_capacity(html.len() + script.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(script);
    page.extend_from_slice(&html[at..]);
    page
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "jsonld" => "application/ld+json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::site_path;

    #[test]
    fn request_paths_cannot_leave_the_site() {
        let cases = [
            ("/", Some("")),
            ("/sources/x/", Some("sources/x/")),
            ("/style.css", Some("style.css")),
            ("/a/%2e%2e/b", None),
            ("/../etc/passwd", None),
            ("/%2e%2e%2fetc/passwd", None),
            ("/a%5cb", None),
            ("/caf%C3%A9/", Some("café/")),
        ];
        for (request, expected) in cases {
            assert_eq!(site_path(request).as_deref(), expected, "{request}");
        }
    }
}
