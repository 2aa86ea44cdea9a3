//! Carries submissions to their endpoint until each is confirmed or given up, across failures,
//! reloads and tabs. The decisions are the core's (`widget_core::outbox`); this module does the IO:
//! the outbox in localStorage, one flush at a time across tabs (Web Locks), timers for retries,
//! flushing on `online` and on page load, and a `keepalive` resend on `pagehide`.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use widget_core::outbox::{Entry, Outbox, Verdict, POLICY};
use widget_core::submission::Submission;

use crate::boundary::{self, Timer};
use crate::{env, send, storage};

/// What happened to a submission, for the UI: the verdict and whether a copy is kept on the device.
pub type Report = Box<dyn Fn(&Submission, &Verdict, bool)>;

pub struct Courier {
    /// Submissions this tab could not keep in storage (unavailable or full): sent from memory.
    memory: RefCell<Outbox>,
    /// Attempts under way in this tab, resent with `keepalive` if the page goes away.
    in_flight: RefCell<Vec<Entry>>,
    timer: RefCell<Option<Timer>>,
    report: Report,
}

impl Courier {
    pub fn new(report: Report) -> Rc<Courier> {
        Rc::new(Courier {
            memory: RefCell::default(),
            in_flight: RefCell::default(),
            timer: RefCell::default(),
            report,
        })
    }

    /// Whether the device holds anything unconfirmed (from this page or an earlier one).
    pub fn pending(&self) -> Vec<Entry> {
        let mut all = self.load();
        all.entries
            .extend(self.memory.borrow().entries.iter().cloned());
        all.entries
    }

    /// Keeps `entry` (on the device when possible) and sends it now.
    pub fn submit(self: &Rc<Self>, entry: Entry) {
        let id = entry.submission.id.clone();
        self.memory
            .borrow_mut()
            .entries
            .retain(|e| e.submission.id != id);
        let mut outbox = self.load();
        let kept = outbox.add(entry.clone(), &POLICY).is_ok() && store(&outbox);
        if !kept {
            outbox.entries.retain(|e| e.submission.id != id);
            store(&outbox);
            self.memory.borrow_mut().entries.push(entry);
        }
        self.flush(false, Some(id));
    }

    /// Sends whatever is due (`online_again`: also what waited for the network; `now`: this id
    /// whatever its schedule), one tab at a time.
    pub fn flush(self: &Rc<Self>, online_again: bool, now_id: Option<String>) {
        let this = self.clone();
        exclusively(async move {
            let now = js_sys::Date::now();
            let mut outbox = this.load();
            let expired = outbox.expire(now, &POLICY);
            for old in &expired {
                env::warn(&format!(
                    "a message queued on {} could not be delivered within 7 days and was dropped",
                    old.submission.created_at
                ));
            }
            if !expired.is_empty() {
                store(&outbox);
            }
            let mut due = outbox.due(now, online_again);
            due.extend(this.memory.borrow().due(now, online_again));
            if let Some(id) = now_id {
                if !due.contains(&id) {
                    due.push(id);
                }
            }
            for id in due {
                if this
                    .in_flight
                    .borrow()
                    .iter()
                    .any(|e| e.submission.id == id)
                {
                    continue;
                }
                // Read again: another tab may have delivered it meanwhile.
                let entry = this
                    .load()
                    .get(&id)
                    .cloned()
                    .or_else(|| this.memory.borrow().get(&id).cloned());
                if let Some(entry) = entry {
                    this.attempt(entry).await;
                }
            }
            this.schedule();
        });
    }

    async fn attempt(self: &Rc<Self>, entry: Entry) {
        self.in_flight.borrow_mut().push(entry.clone());
        let attempt = send::post(&entry, false).await;
        self.in_flight
            .borrow_mut()
            .retain(|e| e.submission.id != entry.submission.id);
        let (now, random) = (js_sys::Date::now(), js_sys::Math::random());
        let id = &entry.submission.id;
        let in_memory = self.memory.borrow().get(id).is_some();
        let (verdict, kept) = if in_memory {
            (
                self.memory
                    .borrow_mut()
                    .record(id, &attempt, now, random, &POLICY),
                false,
            )
        } else {
            let mut outbox = self.load();
            let verdict = outbox.record(id, &attempt, now, random, &POLICY);
            (verdict, store(&outbox))
        };
        (self.report)(&entry.submission, &verdict, kept);
    }

    /// One timer for the earliest retry.
    fn schedule(self: &Rc<Self>) {
        let next = [self.load().next_wake(), self.memory.borrow().next_wake()]
            .into_iter()
            .flatten()
            .reduce(f64::min);
        let timer = next.map(|at| {
            let this = Rc::downgrade(self);
            let delay = (at - js_sys::Date::now()).clamp(0.0, POLICY.max_backoff_ms) as u32;
            boundary::after(delay, move || {
                if let Some(this) = this.upgrade() {
                    this.flush(false, None);
                }
            })
        });
        *self.timer.borrow_mut() = timer;
    }

    /// The page is going away: whatever is in flight may be cut off, so send it again with
    /// `keepalive` (same id, so the endpoint stores it once).
    pub fn page_hidden(&self) {
        let sending = self.in_flight.borrow().clone();
        for entry in sending {
            wasm_bindgen_futures::spawn_local(async move {
                send::post(&entry, true).await;
            });
        }
    }

    fn load(&self) -> Outbox {
        storage::read(storage::OUTBOX)
            .ok()
            .flatten()
            .map(|v| Outbox::from_value(&v))
            .unwrap_or_default()
    }
}

/// Runs `work` while holding the Web Lock `contact-widget-outbox`, so two tabs never flush at once
/// (they queue instead). Without Web Locks (insecure context, old browser) it just runs: the
/// endpoint's idempotency still stores each message once.
fn exclusively(work: impl Future<Output = ()> + 'static) {
    let locks = Reflect::get(&env::window().navigator(), &"locks".into())
        .ok()
        .filter(|l| l.is_object());
    let request = locks
        .as_ref()
        .and_then(|l| Reflect::get(l, &"request".into()).ok())
        .and_then(|r| r.dyn_into::<Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        wasm_bindgen_futures::spawn_local(work);
        return;
    };
    let work = RefCell::new(Some(work));
    let callback = boundary::once(move |_lock: JsValue| -> JsValue {
        let work = work.borrow_mut().take();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(work) = work {
                work.await;
            }
            Ok(JsValue::UNDEFINED)
        })
        .into()
    });
    if request
        .call3(
            &locks,
            &"contact-widget-outbox".into(),
            &Object::new(),
            &callback,
        )
        .is_err()
    {
        env::warn("Web Locks refused the request; sending without it");
    }
}

/// Writes the outbox to the device; an empty one is removed, so that the loader can tell at a
/// glance (without the wasm) whether a message from an earlier visit still waits.
fn store(outbox: &Outbox) -> bool {
    if outbox.entries.is_empty() {
        storage::remove(storage::OUTBOX);
        true
    } else {
        storage::write(storage::OUTBOX, &outbox.to_value())
    }
}
