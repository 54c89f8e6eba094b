//! Runs the checks concurrently: a fixed pool of threads, at most
//! [`Plan::per_host`] requests to any one host at a time (a dossier citing
//! forty pages of one newspaper must not hammer it), each address once.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};

/// How many checks run at once, overall and per host.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub(crate) workers: usize,
    pub(crate) per_host: usize,
}

struct Queue {
    waiting: VecDeque<String>,
    busy: HashMap<String, usize>,
}

/// The host (and port) of an address, which the per-host limit counts by.
pub(crate) fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    authority.to_ascii_lowercase()
}

/// Calls `check` on every address of `urls` from `plan.workers` threads; the results in `urls`' order.
pub(crate) fn run<T: Send>(urls: &[String], plan: Plan, check: impl Fn(&str) -> T + Sync) -> Vec<T> {
    let queue = Mutex::new(Queue { waiting: urls.iter().cloned().collect(), busy: HashMap::new() });
    let freed = Condvar::new();
    let results: Mutex<HashMap<String, T>> = Mutex::new(HashMap::new());
    std::thread::scope(|scope| {
        for _ in 0..plan.workers.clamp(1, urls.len().max(1)) {
            scope.spawn(|| {
                while let Some(url) = next(&queue, &freed, plan.per_host) {
                    let outcome = check(&url);
                    results.lock().expect("no check panics holding it").insert(url.clone(), outcome);
                    let mut q = queue.lock().expect("no check panics holding it");
                    if let Some(n) = q.busy.get_mut(&host_of(&url)) {
                        *n -= 1;
                    }
                    freed.notify_all();
                }
            });
        }
    });
    let mut results = results.into_inner().expect("every worker has ended");
    urls.iter().map(|u| results.remove(u).expect("every address was checked")).collect()
}

/// The next address whose host has a free slot, waiting for one if need be; `None` when all are taken.
fn next(queue: &Mutex<Queue>, freed: &Condvar, per_host: usize) -> Option<String> {
    let mut q = queue.lock().expect("no check panics holding it");
    loop {
        if q.waiting.is_empty() {
            return None;
        }
        let free = q.waiting.iter().position(|u| q.busy.get(&host_of(u)).copied().unwrap_or(0) < per_host.max(1));
        if let Some(i) = free {
            let url = q.waiting.remove(i).expect("position is in the queue");
            *q.busy.entry(host_of(&url)).or_default() += 1;
            return Some(url);
        }
        q = freed.wait(q).expect("no check panics holding it");
    }
}

#[cfg(test)]
mod tests {
    use super::{Plan, host_of, run};
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::time::Duration;

    #[test]
    fn hosts_are_compared_without_user_path_or_case() {
        assert_eq!(host_of("https://User@Example.ORG:8080/a?b"), "example.org:8080");
        assert_eq!(host_of("http://a.org"), "a.org");
    }

    #[test]
    fn no_host_gets_more_than_its_share_at_once() {
        let urls: Vec<String> = (0..12).map(|i| format!("http://h{}.test/{i}", i % 2)).collect();
        let busy: Mutex<(HashMap<String, usize>, usize)> = Mutex::new((HashMap::new(), 0));
        let plan = Plan { workers: 8, per_host: 2 };
        let out = run(&urls, plan, |url| {
            {
                let mut b = busy.lock().unwrap();
                let n = b.0.entry(host_of(url)).or_default();
                *n += 1;
                let now = *n;
                b.1 = b.1.max(now);
            }
            std::thread::sleep(Duration::from_millis(20));
            *busy.lock().unwrap().0.get_mut(&host_of(url)).unwrap() -= 1;
            url.len()
        });
        assert_eq!(out, urls.iter().map(String::len).collect::<Vec<_>>());
        assert_eq!(busy.lock().unwrap().1, 2, "two at a time per host, and both slots used");
    }
}
