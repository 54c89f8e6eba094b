//! The preview web server: the current site from memory, and a live-reload event stream.
//!
//! Paths are looked up in the in-memory [`Site`], so nothing on disk is
//! served: no traversal out of the site and no symlinks to follow. Pretty
//! URLs work as on static hosts (`/a/` → `a/index.html`, `/a` → redirect to
//! `/a/`), unknown paths get `404.html` with status 404, and Ctrl-C stops the
//! server gracefully.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
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

/// Starts serving on `listener` in a thread of its own; Ctrl-C sets `stop`.
pub fn start(
    listener: std::net::TcpListener,
    live: Arc<RwLock<Live>>,
    notices: broadcast::Sender<Notice>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<Server> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let thread = std::thread::Builder::new().name("http".into()).spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let state = AppState { live, notices };
            let app = Router::new().route("/__dossier/events", get(events)).fallback(get(page)).with_state(state);
            let shutdown = async move {
                let _ = tokio::signal::ctrl_c().await;
                stop.store(true, Ordering::SeqCst);
            };
            let _ = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
        });
    })?;
    Ok(Server { _thread: thread })
}

async fn events(State(state): State<AppState>) -> impl IntoResponse {
    let (version, error) = {
        let live = state.live.read().unwrap_or_else(|p| p.into_inner());
        (live.version, live.error.clone())
    };
    let hello = Event::default()
        .event("hello")
        .retry(Duration::from_millis(500))
        .data(json!({ "version": version, "error": error }).to_string());
    let updates = BroadcastStream::new(state.notices.subscribe()).filter_map(|notice| {
        let event = match notice.ok()? {
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
    let site = state.live.read().unwrap_or_else(|p| p.into_inner()).site.clone();
    let Some(path) = site_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let candidates = [path.clone(), format!("{path}index.html")];
    let found = candidates.iter().find(|p| site.files.contains_key(p.as_str()));
    match found {
        Some(p) => file_response(StatusCode::OK, p, site.files[p.as_str()].clone()),
        None if !path.is_empty() && !path.ends_with('/') && site.files.contains_key(&format!("{path}/index.html")) => {
            let target = format!("{}/", uri.path());
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, target)]).into_response()
        }
        None => match site.files.get("404.html") {
            Some(bytes) => file_response(StatusCode::NOT_FOUND, "404.html", bytes.clone()),
            None => (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    }
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
    let mut response = (status, bytes.to_vec()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
