//! The session's fan-out: one task that owns the shared event connection and every
//! projection's decoders.
//!
//! - **One connection** carries the union of the projections' channels (plus `lifecycle`
//!   and `input`, always). A projection that needs more opens a wider connection; the old
//!   one is closed only once the new one has answered (open-new-before-close-old), and only
//!   events of the newest answered connection are taken.
//! - **No event lost or repeated**: events are taken once by `event_id` (the server's stable
//!   id); a dropped connection reopens with `since` = the highest `seq` seen (or lower, for
//!   a projection still catching up), after a backoff from the client's
//!   [`RetryPolicy`](crate::RetryPolicy), and gives up on an error status other than 408
//!   and 429.
//! - **Runs**: a projection follows one run of the thread (through its interrupts and
//!   resumptions, which the server runs under new run ids) and ends with it: the run this
//!   session started last (known by the id `run.start` returned, which the server's
//!   lifecycle event ids carry), else the run in progress, else the next one. A projection
//!   made after its run began gets the run's earlier events from the session's record of
//!   the run, or, when the connection did not carry its channels, from the server's replay
//!   of the run (`since` = where the run began), taken in order before it joins the live
//!   events. Runs that had ended before the session opened on an existing thread are
//!   replayed by the server but not followed.
//! - **Back-pressure**: the fan-out never waits for a consumer. Each projection has a
//!   bounded queue; one that fills up ends that projection with
//!   [`Error::Lagged`](crate::Error::Lagged) and nothing else.

use std::{
    collections::{BTreeSet, HashMap, HashSet, VecDeque},
    future::poll_fn,
    sync::{Arc, Mutex},
    task::Poll,
    time::Duration,
};

use tokio::{sync::mpsc, task::JoinHandle};

use super::{
    Interrupt,
    connection::{self, ConnEnd, FromConn},
    decoders::{Decoder, Item},
    queue::{Fault, Queue},
    scope::{covers, union},
    wire::{Channel, Event, EventData, LifecycleStatus, Method},
};

/// How many event ids are remembered to drop repeats (a replay overlaps at most the current
/// run, which the server itself buffers only 10,000 events of).
const DEDUP_WINDOW: usize = 100_000;

/// Which run a projection follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Follow {
    /// The run this session started last (by id), else the run in progress, else the next.
    Latest(Option<String>),
    /// This run (a subgraph's projections follow the run the subgraph belongs to).
    Epoch(u64),
    /// A run not seen yet: the one with this id.
    Run(String),
    /// The next run to begin.
    Next,
}

/// A projection, as the fan-out holds it.
pub(crate) struct Sub {
    pub(crate) id: u64,
    pub(crate) name: &'static str,
    pub(crate) decoders: Vec<Decoder>,
    pub(crate) queue: Arc<Queue<Item>>,
    follows: Follow,
    catch_up: Option<CatchUp>,
}

impl Sub {
    pub(crate) fn new(
        id: u64,
        name: &'static str,
        decoders: Vec<Decoder>,
        queue: Arc<Queue<Item>>,
        follows: Follow,
    ) -> Sub {
        Sub {
            id,
            name,
            decoders,
            queue,
            follows,
            catch_up: None,
        }
    }

    fn channels(&self) -> BTreeSet<Channel> {
        self.decoders.iter().flat_map(Decoder::channels).collect()
    }

    fn epoch(&self) -> Option<u64> {
        match self.follows {
            Follow::Epoch(k) => Some(k),
            _ => None,
        }
    }
}

/// A projection that is taking the replay of its run from a newer connection, in order,
/// before it joins the live events.
#[derive(Debug, Clone, Copy)]
struct CatchUp {
    /// Events of connections older than this are not for it.
    conn: u64,
    /// The last `seq` it has taken.
    last_seq: u64,
}

/// Sent to the fan-out by the session and its projections.
pub(crate) enum Control {
    Subscribe(Box<Sub>),
    Unsubscribe(u64),
    /// A run was started (or resumed) by a command: a minted thread exists now.
    RunStarted,
    /// These interrupts were answered.
    Responded(Vec<String>),
    Close,
}

/// What the session can see of the fan-out.
#[derive(Debug, Default)]
pub(crate) struct Status {
    /// Interrupts waiting for an answer.
    pub(crate) interrupts: Vec<Interrupt>,
    /// Runs seen (counted by their first event).
    pub(crate) runs_seen: u64,
    /// Why the session cannot go on, once it cannot.
    pub(crate) dead: Option<Fault>,
    /// Reconnects of the shared connection after it dropped.
    pub(crate) reconnects: u64,
    /// Connections opened (the first, rotations and reconnects).
    pub(crate) connections: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No run in progress; the last one (if any) ended.
    Idle,
    /// A run is in progress (it may be interrupted).
    Active,
    /// A run that ended before the session opened is being replayed: it is not followed.
    History,
}

struct Conn {
    id: u64,
    channels: BTreeSet<Channel>,
    since: Option<u64>,
    task: JoinHandle<()>,
    opened: bool,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Event ids already taken, the oldest forgotten first.
#[derive(Default)]
struct Dedup {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Dedup {
    /// True the first time `id` is seen.
    fn insert(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() >= DEDUP_WINDOW
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        self.ids.insert(id.to_string());
        self.order.push_back(id.to_string());
        true
    }
}

/// The latest run of a thread when the session opened on it: the runs up to it that had
/// ended are its history, replayed by the server but not followed.
#[derive(Debug, Clone)]
struct History {
    latest: String,
    latest_ended: bool,
}

impl History {
    fn contains(&self, run: &str) -> bool {
        // Run ids are UUIDv7: their text sorts by creation time.
        run < self.latest.as_str() || (run == self.latest && self.latest_ended)
    }
}

/// The run a root lifecycle event is about: its id is `synth:<run id>:lc|<ns>|<status>`.
fn run_of(event: &Event) -> Option<&str> {
    let rest = event.event_id.as_deref()?.strip_prefix("synth:")?;
    let (run, _) = rest.split_once(":lc|")?;
    Some(run)
}

pub(crate) struct Driver {
    ctx: Arc<connection::Ctx>,
    status: Arc<Mutex<Status>>,
    control: mpsc::UnboundedReceiver<Control>,
    from_conn: mpsc::Receiver<FromConn>,
    to_driver: mpsc::Sender<FromConn>,
    subs: Vec<Sub>,
    /// Whether a connection is wanted yet (a minted thread exists only after its first run).
    connect: bool,
    current: Option<Conn>,
    pending: Option<Conn>,
    next_conn_id: u64,
    /// The highest `seq` taken.
    cursor: u64,
    seen: Dedup,
    phase: Phase,
    history: Option<History>,
    /// The run executing now (the latest root `running`): only its end ends the run
    /// followed. The server makes up the lifecycle events of earlier runs anew on a replay,
    /// with the thread's present status.
    executing: Option<String>,
    /// The current (or last) run followed: 1 for the first run the session follows.
    epoch: u64,
    /// The run ids seen and the run each belongs to (a resumption continues its run).
    run_epochs: HashMap<String, u64>,
    /// Where recent runs (and replayed history, as run 0) begin: the `seq` before their
    /// first event.
    starts: VecDeque<(u64, u64)>,
    /// Where runs ended: the `seq` of their terminal event.
    ends: HashMap<u64, u64>,
    /// Why runs failed.
    failed: HashMap<u64, Fault>,
    /// The current (or last) run's events, in `seq` order, for projections made later.
    run_log: Vec<Arc<Event>>,
    /// Whether `run_log` holds every event the connection carried for the run.
    run_log_complete: bool,
    /// Connection failures since the last event.
    attempts: u32,
    dead: Option<Fault>,
}

impl Driver {
    pub(crate) fn spawn(
        ctx: Arc<connection::Ctx>,
        status: Arc<Mutex<Status>>,
        control: mpsc::UnboundedReceiver<Control>,
        explicit_thread: bool,
    ) -> JoinHandle<()> {
        let (to_driver, from_conn) = mpsc::channel(256);
        let driver = Driver {
            ctx,
            status,
            control,
            from_conn,
            to_driver,
            subs: Vec::new(),
            connect: explicit_thread,
            current: None,
            pending: None,
            next_conn_id: 1,
            cursor: 0,
            seen: Dedup::default(),
            phase: Phase::Idle,
            history: None,
            executing: None,
            epoch: 0,
            run_epochs: HashMap::new(),
            starts: VecDeque::new(),
            ends: HashMap::new(),
            failed: HashMap::new(),
            run_log: Vec::new(),
            run_log_complete: true,
            attempts: 0,
            dead: None,
        };
        tokio::spawn(driver.run())
    }

    async fn run(mut self) {
        if self.connect {
            self.history = self.history().await;
            self.open_current(None, Duration::ZERO);
        }
        enum Next {
            Control(Option<Control>),
            Conn(Option<FromConn>),
        }
        loop {
            let next = poll_fn(|cx| {
                if let Poll::Ready(c) = self.control.poll_recv(cx) {
                    return Poll::Ready(Next::Control(c));
                }
                if let Poll::Ready(c) = self.from_conn.poll_recv(cx) {
                    return Poll::Ready(Next::Conn(c));
                }
                Poll::Pending
            })
            .await;
            match next {
                Next::Control(None | Some(Control::Close)) => break,
                Next::Control(Some(c)) => self.control(c),
                Next::Conn(Some(c)) => self.connection(c),
                Next::Conn(None) => break,
            }
        }
        self.shutdown();
    }

    /// The thread's latest run, when the session opens on an existing thread.
    async fn history(&self) -> Option<History> {
        let get = |op: &'static crate::operations::Operation, query: &'static [(&str, &str)]| async move {
            let transport = self.ctx.client.transport();
            let builder = transport
                .request(op, &[&self.ctx.thread_id], &self.ctx.request)
                .ok()?
                .query(query);
            let response = transport.send(op, builder).await.ok()?;
            crate::transport::decode::<serde_json::Value>(op.id, response)
                .await
                .ok()
        };
        let runs = get(&crate::operations::LIST_RUNS, &[("limit", "1")]).await?;
        let latest = runs.get(0)?.get("run_id")?.as_str()?.to_ascii_lowercase();
        // A run that stopped at an interrupt has the status `success`: the thread says
        // whether its latest run still waits (or runs).
        let thread = get(&crate::operations::GET_THREAD, &[]).await?;
        let status = thread.get("status").and_then(serde_json::Value::as_str);
        Some(History {
            latest,
            latest_ended: !matches!(status, Some("busy" | "interrupted")),
        })
    }

    /// Ends everything: no projection is left waiting.
    fn shutdown(&mut self) {
        self.pending = None;
        self.current = None;
        for mut sub in self.subs.drain(..) {
            end_sub(&mut sub, Some(&Fault::Closed));
        }
        // Subscriptions sent after the close are ended too.
        self.control.close();
        while let Ok(c) = self.control.try_recv() {
            if let Control::Subscribe(mut sub) = c {
                end_sub(&mut sub, Some(&Fault::Closed));
            }
        }
        if let Ok(mut s) = self.status.lock() {
            s.dead.get_or_insert(Fault::Closed);
        }
    }

    fn control(&mut self, control: Control) {
        match control {
            Control::Subscribe(sub) => self.subscribe(*sub),
            Control::Unsubscribe(id) => self.subs.retain(|s| s.id != id),
            Control::RunStarted => {
                if !self.connect && self.dead.is_none() {
                    self.connect = true;
                    self.open_current(None, Duration::ZERO);
                }
            }
            Control::Responded(ids) => {
                if let Ok(mut s) = self.status.lock() {
                    s.interrupts.retain(|i| !ids.contains(&i.id));
                }
            }
            Control::Close => {}
        }
    }

    fn wanted_channels(&self, extra: Option<&BTreeSet<Channel>>) -> BTreeSet<Channel> {
        let mut all: Vec<Channel> = self.subs.iter().flat_map(Sub::channels).collect();
        if let Some(extra) = extra {
            all.extend(extra.iter().cloned());
        }
        union(&all)
    }

    fn subscribe(&mut self, mut sub: Sub) {
        if let Some(fault) = &self.dead {
            end_sub(&mut sub, Some(fault));
            return;
        }
        sub.follows = match std::mem::replace(&mut sub.follows, Follow::Next) {
            Follow::Latest(Some(run)) | Follow::Run(run) => match self.run_epochs.get(&run) {
                Some(k) => Follow::Epoch(*k),
                None => Follow::Run(run),
            },
            Follow::Latest(None) if self.phase == Phase::Active => Follow::Epoch(self.epoch),
            Follow::Latest(None) | Follow::Next => Follow::Next,
            Follow::Epoch(k) => Follow::Epoch(k),
        };
        let want = sub.channels();
        match sub.follows {
            Follow::Epoch(k) if k == self.epoch && k > 0 => self.join_run(sub, &want),
            // An older run: its events are gone.
            Follow::Epoch(_) => end_sub(&mut sub, None),
            Follow::Run(_) | Follow::Next | Follow::Latest(_) => {
                let newest = self.pending.as_ref().or(self.current.as_ref());
                if newest.is_some_and(|c| !covers(&c.channels, &want)) {
                    self.rotate(Some(&want), self.cursor_floor(self.cursor));
                }
                // Without a connection yet, the first one opens with every projection's
                // channels.
                self.subs.push(sub);
            }
        }
    }

    /// Registers a projection of the current (or last) run, giving it the run so far.
    fn join_run(&mut self, mut sub: Sub, want: &BTreeSet<Channel>) {
        let run_start = self.run_start();
        let current_covers = self
            .current
            .as_ref()
            .is_some_and(|c| c.opened && covers(&c.channels, want));
        if current_covers && self.pending.is_none() && self.run_log_complete {
            // The record of the run has everything this projection would have had.
            let log = std::mem::take(&mut self.run_log);
            let mut last = None;
            for event in &log {
                deliver(&mut sub, event, self.epoch);
                last = event.seq;
            }
            self.run_log = log;
            let ended = self
                .ends
                .get(&self.epoch)
                .is_some_and(|end| last.is_some_and(|l| l >= *end));
            if ended || sub.queue.is_closed() {
                let fault = self.failed.get(&self.epoch).cloned();
                end_sub(&mut sub, fault.as_ref());
            } else {
                self.subs.push(sub);
            }
            return;
        }
        if self.current.is_none() && self.pending.is_none() {
            self.subs.push(sub);
            return;
        }
        // Take the run again from the server, in order.
        let reuse = self
            .pending
            .as_ref()
            .filter(|p| covers(&p.channels, want) && p.since.unwrap_or(0) <= run_start)
            .map(|p| p.id);
        let conn = match reuse {
            Some(id) => id,
            None => self.rotate(Some(want), self.cursor_floor(run_start)),
        };
        sub.catch_up = Some(CatchUp {
            conn,
            last_seq: run_start,
        });
        self.subs.push(sub);
    }

    /// The `seq` before the current run's first event.
    fn run_start(&self) -> u64 {
        self.starts
            .iter()
            .rev()
            .find(|(epoch, _)| *epoch == self.epoch)
            .map(|(_, start)| *start)
            .unwrap_or(0)
    }

    /// `since` for a new connection: `at`, or lower for a projection still catching up.
    fn cursor_floor(&self, at: u64) -> u64 {
        self.subs
            .iter()
            .filter_map(|s| s.catch_up.map(|c| c.last_seq))
            .fold(at, u64::min)
    }

    /// The run an event belongs to, by its `seq` (0: none followed).
    fn epoch_of(&self, seq: Option<u64>) -> u64 {
        let Some(seq) = seq else {
            return if self.phase == Phase::History {
                0
            } else {
                self.epoch
            };
        };
        self.starts
            .iter()
            .rev()
            .find(|(_, start)| seq > *start)
            .map(|(epoch, _)| *epoch)
            .unwrap_or(0)
    }

    /// Opens a connection with the channels of every projection (and `extra`) that replaces
    /// the current one once it answers. Returns its id.
    fn rotate(&mut self, extra: Option<&BTreeSet<Channel>>, since: u64) -> u64 {
        let channels = self.wanted_channels(extra);
        let conn = self.spawn_conn(channels, Some(since), Duration::ZERO);
        let id = conn.id;
        if let Some(old) = self.pending.replace(conn) {
            self.moved(old.id, id);
        }
        id
    }

    /// Projections catching up on connection `old` catch up on `new` (which replays from no
    /// later than where they are).
    fn moved(&mut self, old: u64, new: u64) {
        for s in &mut self.subs {
            if let Some(c) = &mut s.catch_up
                && c.conn == old
            {
                c.conn = new;
            }
        }
    }

    fn open_current(&mut self, since: Option<u64>, delay: Duration) {
        let channels = self.wanted_channels(None);
        let conn = self.spawn_conn(channels, since, delay);
        self.current = Some(conn);
    }

    fn spawn_conn(
        &mut self,
        channels: BTreeSet<Channel>,
        since: Option<u64>,
        delay: Duration,
    ) -> Conn {
        let id = self.next_conn_id;
        self.next_conn_id += 1;
        if let Ok(mut s) = self.status.lock() {
            s.connections += 1;
        }
        let task = connection::spawn(
            self.ctx.clone(),
            connection::Open {
                conn_id: id,
                channels: channels.clone(),
                since: since.filter(|s| *s > 0),
                delay,
            },
            self.to_driver.clone(),
        );
        Conn {
            id,
            channels,
            since,
            task,
            opened: false,
        }
    }

    fn connection(&mut self, message: FromConn) {
        match message {
            FromConn::Opened { conn_id } => {
                if self.pending.as_ref().is_some_and(|p| p.id == conn_id) {
                    let mut new = self.pending.take();
                    if let Some(c) = &mut new {
                        c.opened = true;
                    }
                    // Replacing the old connection closes it.
                    self.current = new;
                } else if let Some(c) = self.current.as_mut().filter(|c| c.id == conn_id) {
                    c.opened = true;
                }
            }
            FromConn::Event { conn_id, event } => {
                if self
                    .current
                    .as_ref()
                    .is_some_and(|c| c.id == conn_id && c.opened)
                {
                    self.attempts = 0;
                    self.event(conn_id, event);
                }
            }
            FromConn::Ended { conn_id, end } => self.ended(conn_id, end),
        }
    }

    fn ended(&mut self, conn_id: u64, end: ConnEnd) {
        let is_current = self.current.as_ref().is_some_and(|c| c.id == conn_id);
        let is_pending = self.pending.as_ref().is_some_and(|c| c.id == conn_id);
        if !is_current && !is_pending {
            return;
        }
        match end {
            ConnEnd::Fatal(fault) => self.fail(fault),
            ConnEnd::Retry(reason) => {
                let retry = &self.ctx.client.transport().retry;
                if self.attempts >= retry.max_retries {
                    self.fail(Fault::Lost {
                        reason: format!("{reason}; gave up after {} reconnects", self.attempts),
                        last_seq: Some(self.cursor),
                    });
                    return;
                }
                let delay = retry.backoff(self.attempts);
                self.attempts += 1;
                tracing::debug!(%reason, attempt = self.attempts, ?delay, since = self.cursor, "thread stream: reconnecting");
                if let Ok(mut s) = self.status.lock() {
                    s.reconnects += 1;
                }
                let channels = self.wanted_channels(None);
                if is_pending {
                    let since = self.pending.as_ref().and_then(|p| p.since);
                    let conn = self.spawn_conn(channels, since, delay);
                    let new = conn.id;
                    self.pending = Some(conn);
                    self.moved(conn_id, new);
                } else {
                    let since = self.cursor_floor(self.cursor);
                    let conn = self.spawn_conn(channels, Some(since), delay);
                    let new = conn.id;
                    self.current = Some(conn);
                    self.moved(conn_id, new);
                }
            }
        }
    }

    /// The session cannot go on: every projection ends with `fault`.
    fn fail(&mut self, fault: Fault) {
        tracing::debug!(?fault, "thread stream: giving up");
        self.current = None;
        self.pending = None;
        for mut sub in self.subs.drain(..) {
            end_sub(&mut sub, Some(&fault));
        }
        if let Ok(mut s) = self.status.lock() {
            s.dead = Some(fault.clone());
        }
        self.dead = Some(fault);
    }

    fn event(&mut self, conn_id: u64, event: Arc<Event>) {
        let new = match &event.event_id {
            Some(id) => self.seen.insert(id),
            None => true,
        };
        if new {
            if let Some(seq) = event.seq {
                self.cursor = self.cursor.max(seq);
            }
            self.track(&event);
        }
        let epoch = self.epoch_of(event.seq);
        let cursor = self.cursor;
        let mut i = 0;
        while i < self.subs.len() {
            let sub = &mut self.subs[i];
            let take = match &mut sub.catch_up {
                Some(c) if conn_id >= c.conn => match event.seq {
                    Some(seq) if seq > c.last_seq => {
                        c.last_seq = seq;
                        true
                    }
                    Some(_) => false,
                    None => new,
                },
                Some(_) => false,
                None => new,
            };
            if take && sub.epoch() == Some(epoch) {
                deliver(sub, &event, epoch);
            }
            if let Some(c) = sub.catch_up
                && c.last_seq >= cursor
            {
                sub.catch_up = None;
            }
            let end = sub.epoch().and_then(|k| self.ends.get(&k));
            let done = sub.queue.is_closed()
                || end.is_some_and(|end| {
                    sub.catch_up.is_none() || (take && event.seq.is_some_and(|s| s >= *end))
                });
            if done {
                let mut sub = self.subs.swap_remove(i);
                let fault = sub.epoch().and_then(|k| self.failed.get(&k)).cloned();
                end_sub(&mut sub, fault.as_ref());
            } else {
                i += 1;
            }
        }
    }

    /// A run (or a resumption of the current one) begins with root lifecycle `event`.
    fn run_begins(&mut self, event: &Arc<Event>) {
        let run = run_of(event).map(str::to_ascii_lowercase);
        if run.is_some() {
            self.executing.clone_from(&run);
        }
        let start = event.seq.map_or(self.cursor, |s| s.saturating_sub(1));
        if self.phase == Phase::Active {
            // A resumption: the interrupts it answers are gone (those still open are asked
            // again). Projections waiting for this run id join the run.
            if let Some(run) = run {
                self.run_epochs.insert(run.clone(), self.epoch);
                let waiting: Vec<usize> = (0..self.subs.len())
                    .filter(|i| self.subs[*i].follows == Follow::Run(run.clone()))
                    .collect();
                for i in waiting.into_iter().rev() {
                    let mut sub = self.subs.swap_remove(i);
                    sub.follows = Follow::Epoch(self.epoch);
                    // Up to this event, which is delivered with the others.
                    let log: Vec<Arc<Event>> = self
                        .run_log
                        .iter()
                        .filter(|e| e.seq < event.seq)
                        .cloned()
                        .collect();
                    for e in &log {
                        deliver(&mut sub, e, self.epoch);
                    }
                    self.subs.push(sub);
                }
            }
            self.set_interrupts(|i| i.clear());
            return;
        }
        if run
            .as_deref()
            .is_some_and(|r| self.history.as_ref().is_some_and(|h| h.contains(r)))
        {
            self.phase = Phase::History;
            self.starts.push_back((0, start));
            return;
        }
        self.epoch += 1;
        self.phase = Phase::Active;
        self.starts.push_back((self.epoch, start));
        if self.starts.len() > 64 {
            self.starts.pop_front();
        }
        if let Some(run) = &run {
            self.run_epochs.insert(run.clone(), self.epoch);
        }
        for sub in &mut self.subs {
            let joins = match &sub.follows {
                Follow::Next | Follow::Latest(_) => true,
                // A run without an id in its events is taken to be the one waited for.
                Follow::Run(r) => run.as_ref().is_none_or(|run| run == r),
                Follow::Epoch(_) => false,
            };
            if joins {
                sub.follows = Follow::Epoch(self.epoch);
            }
        }
        self.run_log.clear();
        self.run_log_complete = true;
        if let Ok(mut s) = self.status.lock() {
            s.runs_seen += 1;
            s.interrupts.clear();
        }
    }

    fn set_interrupts(&self, change: impl FnOnce(&mut Vec<Interrupt>)) {
        if let Ok(mut s) = self.status.lock() {
            change(&mut s.interrupts);
        }
    }

    /// Follows runs, interrupts and the record of the current run.
    fn track(&mut self, event: &Arc<Event>) {
        let root = event.namespace.is_empty();
        match &event.method {
            Method::Lifecycle if root => {
                if let EventData::Lifecycle(l) = event.data() {
                    match l.status {
                        LifecycleStatus::Running | LifecycleStatus::Started => {
                            self.run_begins(event)
                        }
                        LifecycleStatus::Completed | LifecycleStatus::Failed
                            if run_of(event).is_none_or(|run| {
                                self.executing
                                    .as_deref()
                                    .is_none_or(|e| e.eq_ignore_ascii_case(run))
                            }) =>
                        {
                            match self.phase {
                                Phase::Active => {
                                    self.ends
                                        .insert(self.epoch, event.seq.unwrap_or(self.cursor));
                                    if l.status == LifecycleStatus::Failed {
                                        let message = l
                                            .error
                                            .clone()
                                            .unwrap_or_else(|| "the run failed".into());
                                        self.failed.insert(
                                            self.epoch,
                                            Fault::Run(crate::RunError::new("RunFailed", message)),
                                        );
                                    }
                                    self.set_interrupts(|i| i.clear());
                                }
                                Phase::History => self.set_interrupts(|i| i.clear()),
                                Phase::Idle => {}
                            }
                            if self.phase == Phase::Active {
                                self.record(event);
                            }
                            self.phase = Phase::Idle;
                            return;
                        }
                        _ => {}
                    }
                }
            }
            Method::InputRequested => {
                if let EventData::InputRequested(request) = event.data() {
                    let namespace = event.namespace.clone();
                    self.set_interrupts(|all| {
                        if !all.iter().any(|i| i.id == request.interrupt_id) {
                            all.push(Interrupt {
                                id: request.interrupt_id,
                                namespace,
                                payload: request.payload,
                            });
                        }
                    });
                }
            }
            _ => {}
        }
        if self.phase == Phase::Active && self.epoch_of(event.seq) == self.epoch {
            self.record(event);
        }
    }

    /// Adds an event of the current run to its record, in `seq` order.
    fn record(&mut self, event: &Arc<Event>) {
        let at = match event.seq {
            Some(seq) => self
                .run_log
                .partition_point(|e| e.seq.is_some_and(|s| s < seq)),
            None => self.run_log.len(),
        };
        self.run_log.insert(at, event.clone());
        let limit = self.ctx.capacity;
        if self.run_log.len() > limit {
            let excess = self.run_log.len() - limit;
            self.run_log.drain(..excess);
            self.run_log_complete = false;
        }
    }
}

/// Gives `event` to a projection's decoders; a full queue ends the projection.
fn deliver(sub: &mut Sub, event: &Arc<Event>, epoch: u64) {
    if sub.queue.is_closed() {
        return;
    }
    let mut out = Vec::new();
    for d in &mut sub.decoders {
        d.decode(event, epoch, &mut out);
    }
    for item in out {
        if sub.queue.push(item).is_err() {
            let fault = Fault::Lagged {
                projection: sub.name,
                capacity: sub.queue.capacity(),
            };
            for d in &mut sub.decoders {
                d.end(Some(&fault));
            }
            sub.queue.close(Some(fault));
            return;
        }
    }
}

fn end_sub(sub: &mut Sub, fault: Option<&Fault>) {
    for d in &mut sub.decoders {
        d.end(fault);
    }
    sub.queue.close(match fault {
        // A failed run is reported by its handles and `output`, a closed session by nothing
        // more coming: the projections just end.
        Some(Fault::Run(_) | Fault::Closed) | None => None,
        Some(f) => Some(f.clone()),
    });
}
