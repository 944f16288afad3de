//! Every entry of the normalizer's spec-fix table (`SPEC_FIXES`), proven needed against the
//! real server, or shown to be what its table entry says it is.
//!
//! Each entry has its own probe, found by its exact pointer. The probe asks the real server
//! over raw HTTP, and what it shows is checked against the spec normalized without that one
//! entry (`normalize_without_fixes`):
//! - `Need::Decode`: the live answer fails to decode, or loses a value, through the type
//!   generated without the fix (`langgraph-spec-fix-types`), and decodes through ours;
//! - `Need::Status`: the server answers a status the operation lists only with the fix;
//! - `Need::Request`: the request as the unfixed spec shapes it fails or is misread live;
//! - `Need::Typing` / `Need::Ignored`: not needed, and the probe shows that this is all they
//!   are (the unfixed type decodes the live answer without loss; the server ignores what the
//!   fix removes);
//! - `Need::ForEntry`: no probe; without it the spec does not generate.
//!
//! The printed figure counts the entries whose need was shown live.

use std::{io::Write as _, time::Duration};

use futures_util::future::BoxFuture;
use langgraph_sdk_codegen::{
    normalize, normalize_without_fixes,
    passes::{Need, SPEC_FIXES},
};
use serde_json::{Value, json};

struct Server {
    http: reqwest::Client,
    url: String,
    published: Value,
    fixed: Value,
}

impl Server {
    fn new() -> Server {
        let published: Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
        let (fixed, _) = normalize(published.clone()).expect("the spec normalizes");
        Server {
            http: reqwest::Client::new(),
            url: langgraph_testbed::shared_url().expect("a running test server"),
            published,
            fixed,
        }
    }
    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, String) {
        let resp = req.send().await.expect("request reaches the server");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("response body"))
    }
    async fn get(&self, path: &str) -> (u16, String) {
        self.send(self.http.get(format!("{}{path}", self.url)))
            .await
    }
    async fn post(&self, path: &str, body: Value) -> (u16, String) {
        self.send(self.http.post(format!("{}{path}", self.url)).json(&body))
            .await
    }
    async fn delete(&self, path: &str) -> (u16, String) {
        self.send(self.http.delete(format!("{}{path}", self.url)))
            .await
    }
    fn json(&self, answer: (u16, String)) -> Value {
        assert!((200..300).contains(&answer.0), "{} {}", answer.0, answer.1);
        serde_json::from_str(&answer.1).unwrap_or_else(|e| panic!("{e}: {}", answer.1))
    }
    async fn thread(&self) -> String {
        let t = self.json(self.post("/threads", json!({})).await);
        t["thread_id"].as_str().unwrap().to_string()
    }
    async fn assistant(&self) -> String {
        let a = self.json(self.post("/assistants", json!({"graph_id": "echo"})).await);
        a["assistant_id"].as_str().unwrap().to_string()
    }
    /// A thread with one finished `echo` run (resumable, so that its events are kept).
    async fn thread_that_ran(&self) -> String {
        let t = self.thread().await;
        let run = json!({"assistant_id": "echo", "input": {"text": "x"}, "stream_resumable": true});
        self.json(self.post(&format!("/threads/{t}/runs/wait"), run).await);
        t
    }
    /// The spec normalized without the fix at `fix`; the value at `at` in it.
    fn unfixed(&self, fix: &str, at: &str) -> Option<Value> {
        let (spec, _) = normalize_without_fixes(self.published.clone(), &[fix])
            .expect("the spec normalizes without this fix");
        spec.pointer(at).cloned()
    }
    /// The parameter `name` of the operation at `op`, in `spec`.
    fn parameter(spec: &Value, op: &str, name: &str) -> Value {
        spec.pointer(&format!("{op}/parameters"))
            .and_then(Value::as_array)
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no parameter {name} at {op}"))
    }
}

/// What a probe showed.
enum Shown {
    /// The live answer, to decode with and without the fix.
    Body(Value),
    /// The status the server answered.
    Status(u16),
    /// The probe showed the request the unfixed spec describes failing (or misread); what it saw.
    Request(String),
    /// The probe showed the server ignoring what the fix removes; what it saw.
    Ignored(String),
}

type Probe = for<'a> fn(&'a Server) -> BoxFuture<'a, Shown>;

macro_rules! probes {
    ($($pointer:literal => $probe:ident,)*) => {
        /// One probe per entry of the table, by exact pointer.
        const PROBES: &[(&str, Probe)] = &[$(($pointer, |s| Box::pin($probe(s)))),*];
    };
}

probes! {
    "/paths/~1info/get/responses/200/content/application~1json/schema/required" => info,
    "/paths/~1store~1items/get/parameters/1/schema" => store_namespace_dot_joined,
    "/paths/~1store~1items/get/responses/200/content/application~1json/schema" => store_missing_item,
    "/paths/~1runs/post/responses/200/content/application~1json/schema" => stateless_run,
    "/paths/~1runs~1batch/post/responses/200/content/application~1json/schema" => batch_runs,
    "/paths/~1assistants~1{assistant_id}~1versions/post/requestBody" => versions_filter_in_body,
    "/paths/~1assistants~1{assistant_id}/delete/responses/204" => delete_assistant,
    "/paths/~1threads~1{thread_id}/delete/responses/204" => delete_thread,
    "/paths/~1threads~1{thread_id}~1runs~1{run_id}/delete/responses/204" => delete_run,
    "/paths/~1runs~1crons~1{cron_id}/delete/responses/204" => delete_cron,
    "/paths/~1threads~1{thread_id}~1runs~1{run_id}~1cancel/post/responses/202" => cancel_without_wait,
    "/components/schemas/Interrupt/properties/value" => interrupt_with_a_string,
    "/components/schemas/Cron/properties/end_time/type" => stateless_cron,
    "/components/schemas/Cron/properties/thread_id/type" => stateless_cron,
    "/components/schemas/Cron/properties/timezone" => stateless_cron,
    "/components/schemas/Cron/properties/on_run_completed" => stateless_cron,
    "/components/schemas/ThreadState/properties/tasks/items/properties/result" => state_with_a_task_result,
    "/components/schemas/ListNamespaceResponse" => namespaces,
    "/components/schemas/RunCreateStateful/properties/checkpoint_id" => run_from_checkpoint_id,
    "/components/schemas/ThreadState/properties/checkpoint" => state_of_a_new_thread,
    "/components/schemas/ThreadState/properties/metadata/type" => state_of_a_new_thread,
    "/components/schemas/ThreadState/properties/created_at/type" => state_of_a_new_thread,
    "/components/schemas/ThreadState/properties/parent_checkpoint" => state_after_a_run,
    "/paths/~1assistants~1{assistant_id}~1versions/post/responses/200/content/application~1json/schema/items" => versions,
    "/paths/~1assistants~1{assistant_id}~1latest/post/parameters/1" => latest_ignores_the_query,
    "/paths/~1assistants~1{assistant_id}~1latest/post/requestBody" => latest_reads_the_body,
    "/paths/~1threads~1{thread_id}~1stream/get/parameters/2/schema" => thread_stream_modes_comma_joined,
}

async fn info(s: &Server) -> Shown {
    Shown::Body(s.json(s.get("/info").await))
}

async fn store_missing_item(s: &Server) -> Shown {
    let answer = s
        .get("/store/items?namespace=fixprobe.none&key=missing")
        .await;
    Shown::Body(s.json(answer))
}

async fn stateless_run(s: &Server) -> Shown {
    let run = json!({"assistant_id": "echo", "input": {"text": "x"}});
    Shown::Body(s.json(s.post("/runs", run).await))
}

async fn batch_runs(s: &Server) -> Shown {
    let runs = json!([{"assistant_id": "echo", "input": {"text": "x"}}]);
    Shown::Body(s.json(s.post("/runs/batch", runs).await))
}

async fn interrupt_with_a_string(s: &Server) -> Shown {
    let t = s.thread().await;
    let run =
        json!({"assistant_id": "interrupt", "input": {"question": "Proceed?", "plain": true}});
    s.json(s.post(&format!("/threads/{t}/runs/wait"), run).await);
    let state = s.json(s.get(&format!("/threads/{t}/state")).await);
    Shown::Body(state["interrupts"][0].clone())
}

/// A stateless cron (no thread, no end time) in a timezone, keeping the threads it makes.
async fn stateless_cron(s: &Server) -> Shown {
    let a = s.assistant().await;
    let cron = json!({"assistant_id": a, "schedule": "0 0 1 1 *", "timezone": "Europe/Paris", "on_run_completed": "keep"});
    let cron = s.json(s.post("/runs/crons", cron).await);
    let id = cron["cron_id"].as_str().unwrap();
    assert_eq!(s.delete(&format!("/runs/crons/{id}")).await.0, 204);
    Shown::Body(cron)
}

async fn state_with_a_task_result(s: &Server) -> Shown {
    let t = s.thread_that_ran().await;
    let history = s.json(s.get(&format!("/threads/{t}/history?limit=10")).await);
    let with_result = history
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["tasks"][0]["result"].is_object())
        .unwrap_or_else(|| panic!("a state with a finished task: {history}"));
    Shown::Body(with_result.clone())
}

async fn namespaces(s: &Server) -> Shown {
    let put = json!({"namespace": ["fixprobe", "ns"], "key": "k", "value": {"v": 1}});
    let stored = s
        .send(s.http.put(format!("{}/store/items", s.url)).json(&put))
        .await;
    assert_eq!(stored.0, 204);
    Shown::Body(s.json(s.post("/store/namespaces", json!({})).await))
}

async fn state_of_a_new_thread(s: &Server) -> Shown {
    let t = s.thread().await;
    Shown::Body(s.json(s.get(&format!("/threads/{t}/state")).await))
}

async fn state_after_a_run(s: &Server) -> Shown {
    let t = s.thread_that_ran().await;
    Shown::Body(s.json(s.get(&format!("/threads/{t}/state")).await))
}

async fn versions(s: &Server) -> Shown {
    let a = s.assistant().await;
    Shown::Body(
        s.json(
            s.post(&format!("/assistants/{a}/versions"), json!({}))
                .await,
        ),
    )
}

async fn delete_assistant(s: &Server) -> Shown {
    let a = s.assistant().await;
    Shown::Status(deleted(s, &format!("/assistants/{a}")).await)
}

async fn delete_thread(s: &Server) -> Shown {
    let t = s.thread().await;
    Shown::Status(deleted(s, &format!("/threads/{t}")).await)
}

async fn delete_run(s: &Server) -> Shown {
    let t = s.thread_that_ran().await;
    let runs = s.json(s.get(&format!("/threads/{t}/runs")).await);
    let run = runs[0]["run_id"].as_str().unwrap();
    Shown::Status(deleted(s, &format!("/threads/{t}/runs/{run}")).await)
}

async fn delete_cron(s: &Server) -> Shown {
    let a = s.assistant().await;
    let cron = json!({"assistant_id": a, "schedule": "0 0 1 1 *"});
    let cron = s.json(s.post("/runs/crons", cron).await);
    let id = cron["cron_id"].as_str().unwrap();
    Shown::Status(deleted(s, &format!("/runs/crons/{id}")).await)
}

/// The status of a `DELETE`, which has no body.
async fn deleted(s: &Server, path: &str) -> u16 {
    let (status, body) = s.delete(path).await;
    assert_eq!(body, "", "DELETE {path} answers no body");
    status
}

async fn cancel_without_wait(s: &Server) -> Shown {
    let t = s.thread().await;
    let slow = json!({"assistant_id": "slow", "input": {"steps": 20, "delay": 0.2}});
    let run = s.json(s.post(&format!("/threads/{t}/runs"), slow).await);
    let run = run["run_id"].as_str().unwrap();
    let (status, body) = s
        .send(
            s.http
                .post(format!("{}/threads/{t}/runs/{run}/cancel", s.url)),
        )
        .await;
    assert_eq!(body, "", "no body without `wait`");
    Shown::Status(status)
}

async fn store_namespace_dot_joined(s: &Server) -> Shown {
    let fix = "/paths/~1store~1items/get/parameters/1/schema";
    let op = "/paths/~1store~1items/get";
    let unfixed = s
        .unfixed(fix, op)
        .map(|op| Server::parameter(&op, "", "namespace"));
    assert_eq!(
        unfixed.as_ref().map(|p| &p["schema"]["type"]),
        Some(&json!("array")),
        "without the fix, `namespace` is an array (sent exploded, one key per segment)"
    );
    let put = json!({"namespace": ["fixprobe", "deep"], "key": "k", "value": {"v": 1}});
    let stored = s
        .send(s.http.put(format!("{}/store/items", s.url)).json(&put))
        .await;
    assert_eq!(stored.0, 204);
    let exploded = s
        .get("/store/items?namespace=fixprobe&namespace=deep&key=k")
        .await;
    assert!(
        exploded.0 != 200 || exploded.1 == "null",
        "an exploded namespace finds nothing: {exploded:?}"
    );
    let joined = s.json(s.get("/store/items?namespace=fixprobe.deep&key=k").await);
    assert_eq!(joined["value"], json!({"v": 1}));
    Shown::Request(format!(
        "an exploded namespace finds nothing ({} {}); the dot-joined one finds the item",
        exploded.0, exploded.1
    ))
}

async fn versions_filter_in_body(s: &Server) -> Shown {
    let fix = "/paths/~1assistants~1{assistant_id}~1versions/post/requestBody";
    assert_eq!(
        s.unfixed(fix, fix),
        None,
        "without the fix, no request body"
    );
    let a = s.json(
        s.post(
            "/assistants",
            json!({"graph_id": "echo", "metadata": {"m": 1}}),
        )
        .await,
    );
    let path = format!(
        "/assistants/{}/versions",
        a["assistant_id"].as_str().unwrap()
    );
    let all = s.json(s.post(&path, json!({})).await);
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
    let (status, body) = s.post(&path, json!({"metadata": {"m": 2}})).await;
    assert!(
        status == 404 || body == "[]",
        "a filter in the body that matches no version: {status} {body}"
    );
    Shown::Request(format!(
        "the server filters by the body ({status} for a filter matching none), which the \
         unfixed operation cannot send"
    ))
}

async fn latest_reads_the_body(s: &Server) -> Shown {
    let fix = "/paths/~1assistants~1{assistant_id}~1latest/post/requestBody";
    assert_eq!(
        s.unfixed(fix, fix),
        None,
        "without the fix, no request body"
    );
    let id = s.assistant().await;
    // What the operation sends without the fix: no body (the query parameter the server
    // ignores aside).
    let (status, body) = s
        .send(
            s.http
                .post(format!("{}/assistants/{id}/latest?version=1", s.url)),
        )
        .await;
    assert!(status >= 400, "without a body: {status} {body}");
    let latest = s.json(
        s.post(&format!("/assistants/{id}/latest"), json!({"version": 1}))
            .await,
    );
    assert_eq!(latest["version"], json!(1));
    Shown::Request(format!(
        "without a body (as without the fix) it fails: {status}; with one it works"
    ))
}

async fn latest_ignores_the_query(s: &Server) -> Shown {
    let fix = "/paths/~1assistants~1{assistant_id}~1latest/post/parameters/1";
    let op = "/paths/~1assistants~1{assistant_id}~1latest/post";
    let unfixed = s.unfixed(fix, op).unwrap();
    let version = Server::parameter(&unfixed, "", "version");
    assert_eq!(
        (&version["in"], &version["required"]),
        (&json!("query"), &json!(true)),
        "without the fix, a required query parameter"
    );
    let id = s.assistant().await;
    let patch = json!({"metadata": {"v": 2}});
    s.json(
        s.send(
            s.http
                .patch(format!("{}/assistants/{id}", s.url))
                .json(&patch),
        )
        .await,
    );
    let latest = s.json(
        s.send(
            s.http
                .post(format!("{}/assistants/{id}/latest?version=2", s.url))
                .json(&json!({"version": 1})),
        )
        .await,
    );
    assert_eq!(latest["version"], json!(1), "the body decides: {latest}");
    Shown::Ignored("`?version=2` with a body of version 1 sets version 1".into())
}

async fn run_from_checkpoint_id(s: &Server) -> Shown {
    let fix = "/components/schemas/RunCreateStateful/properties/checkpoint_id";
    assert_eq!(
        s.unfixed(fix, fix),
        None,
        "without the fix a run request cannot carry `checkpoint_id`"
    );
    let t = s.thread().await;
    let wait = format!("/threads/{t}/runs/wait");
    let first = s.json(
        s.post(
            &wait,
            json!({"assistant_id": "echo", "input": {"text": "a"}}),
        )
        .await,
    );
    assert_eq!(first["count"], json!(1));
    let state = s.json(s.get(&format!("/threads/{t}/state")).await);
    let after_first = state["checkpoint"]["checkpoint_id"].as_str().unwrap();
    s.json(
        s.post(
            &wait,
            json!({"assistant_id": "echo", "input": {"text": "b"}}),
        )
        .await,
    );
    let forked = s.json(
        s.post(
            &wait,
            json!({"assistant_id": "echo", "input": {"text": "c"}, "checkpoint_id": after_first}),
        )
        .await,
    );
    assert_eq!(
        forked["count"],
        json!(2),
        "the run started from the first run's checkpoint: {forked}"
    );
    let unforked = s.json(
        s.post(
            &wait,
            json!({"assistant_id": "echo", "input": {"text": "d"}}),
        )
        .await,
    );
    assert_eq!(unforked["count"], json!(3), "without it: from the latest");
    Shown::Request(
        "`checkpoint_id` forks the run from that checkpoint (count 2, not 3)".to_string(),
    )
}

async fn thread_stream_modes_comma_joined(s: &Server) -> Shown {
    let fix = "/paths/~1threads~1{thread_id}~1stream/get/parameters/2/schema";
    let op = "/paths/~1threads~1{thread_id}~1stream/get";
    let unfixed = s.unfixed(fix, op).unwrap();
    let schema = Server::parameter(&unfixed, "", "stream_modes")["schema"].to_string();
    assert!(
        schema.contains("array"),
        "without the fix the modes may be an array (repeated keys): {schema}"
    );
    // Replayed from the start (`Last-Event-ID: -`) after the run, so nothing depends on when
    // the stream joined; read until the run's end, within a deadline.
    let t = s.thread_that_ran().await;
    let events = |query: &'static str| {
        let (s, t) = (&s, &t);
        async move {
            let mut resp = s
                .http
                .get(format!("{}/threads/{t}/stream?{query}", s.url))
                .header("Last-Event-ID", "-")
                .send()
                .await
                .unwrap();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            let mut text = String::new();
            while !text.contains("run_done") {
                match tokio::time::timeout_at(deadline, resp.chunk()).await {
                    Ok(Ok(Some(c))) => text.push_str(&String::from_utf8_lossy(&c)),
                    _ => panic!("no end of the run within 10 s: {text}"),
                }
            }
            text
        }
    };
    let repeated = events("stream_modes=run_modes&stream_modes=lifecycle").await;
    assert!(
        !repeated.contains("event: values"),
        "repeated keys keep one mode (lifecycle): {repeated}"
    );
    let joined = events("stream_modes=run_modes,lifecycle").await;
    assert!(
        joined.contains("event: values"),
        "comma-joined keeps both: {joined}"
    );
    Shown::Request("repeated `stream_modes` keys keep one mode; comma-joined keeps both".into())
}

/// JSON paths where `live` has a value (not `null`) that `through` (the live answer decoded
/// and serialized back) has not. Only presence counts: a type may write a value differently
/// (a date, say) without losing it.
fn dropped(live: &Value, through: &Value, at: &str, out: &mut Vec<String>) {
    match (live, through) {
        (Value::Object(l), Value::Object(t)) => {
            for (k, v) in l {
                match t.get(k) {
                    _ if v.is_null() => {}
                    None | Some(Value::Null) => out.push(format!("{at}/{k}")),
                    Some(w) => dropped(v, w, &format!("{at}/{k}"), out),
                }
            }
        }
        (Value::Array(l), Value::Array(t)) => {
            for (i, v) in l.iter().enumerate() {
                match t.get(i) {
                    Some(w) => dropped(v, w, &format!("{at}/{i}"), out),
                    None => out.push(format!("{at}/{i}")),
                }
            }
        }
        _ => {}
    }
}

/// What becomes of the live answer without the fix: `Err` if our type does not decode it,
/// else what fails, or what our type keeps and the unfixed one drops (empty: nothing).
fn without(pointer: &str, json: &Value) -> Result<String, String> {
    let decoded = langgraph_spec_fix_types::decode(pointer, json)
        .ok_or("no types generated for this entry")?;
    let fixed = decoded
        .fixed
        .map_err(|e| format!("our type does not decode what the server sends: {e}: {json}"))?;
    Ok(match decoded.unfixed {
        Err(e) => format!("fails to decode: {e}"),
        Ok(unfixed) => {
            let (mut kept, mut out) = (Vec::new(), Vec::new());
            dropped(json, &fixed, "", &mut kept);
            dropped(json, &unfixed, "", &mut out);
            out.retain(|path| !kept.contains(path));
            if out.is_empty() {
                String::new()
            } else {
                format!("loses {}", out.join(", "))
            }
        }
    })
}

/// How an entry was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Proof {
    NeededLive,
    NeededToGenerate,
    Typing,
    Ignored,
}

async fn prove(
    s: &Server,
    pointer: &str,
    need: Need,
    probe: Option<&Probe>,
) -> Result<(Proof, String), String> {
    let shown = match (need, probe) {
        (Need::ForEntry(other), None) => {
            return match normalize_without_fixes(s.published.clone(), &[pointer]) {
                Err(problems) => Ok((
                    Proof::NeededToGenerate,
                    format!(
                        "without it the spec does not normalize (with {other}): {}",
                        problems
                            .to_string()
                            .lines()
                            .nth(1)
                            .unwrap_or_default()
                            .trim()
                    ),
                )),
                Ok(_) => Err(
                    "declared needed only to generate, but the spec normalizes without it".into(),
                ),
            };
        }
        (Need::ForEntry(_), Some(_)) => {
            return Err("a probe for an entry needed only to generate".into());
        }
        (_, None) => return Err("no probe for this entry".into()),
        (_, Some(probe)) => probe(s).await,
    };
    match (need, shown) {
        (Need::Decode(_), Shown::Body(json)) => match without(pointer, &json)? {
            w if w.is_empty() => Err(format!(
                "declared needed to decode, but the type without it decodes the live answer without loss: {json}"
            )),
            w => Ok((Proof::NeededLive, w)),
        },
        (Need::Typing(_), Shown::Body(json)) => match without(pointer, &json)? {
            w if w.is_empty() => Ok((
                Proof::Typing,
                "decodes into our type; the unfixed one decodes it too, without loss".into(),
            )),
            w => Err(format!(
                "declared typing only, but without it the live answer {w}: declare it needed to decode"
            )),
        },
        (Need::Status, Shown::Status(status)) => {
            let (op, code) = pointer.split_once("/responses/").unwrap();
            let at = format!("{op}/responses/{status}");
            if code != status.to_string() {
                return Err(format!("the server answers {status}, not {code}"));
            }
            match (s.fixed.pointer(&at), s.unfixed(pointer, &at)) {
                (Some(_), None) => Ok((
                    Proof::NeededLive,
                    format!("the server answers {status}, which the operation lists only with it"),
                )),
                (fixed, unfixed) => Err(format!(
                    "{status} listed with the fix: {}, without: {}",
                    fixed.is_some(),
                    unfixed.is_some()
                )),
            }
        }
        (Need::Request, Shown::Request(what)) => Ok((Proof::NeededLive, what)),
        (Need::Ignored, Shown::Ignored(what)) => Ok((Proof::Ignored, what)),
        (need, _) => Err(format!(
            "the probe shows something else than {need:?} calls for"
        )),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spec_fix_is_needed_or_is_what_it_says() {
    let orphans: Vec<&str> = PROBES
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !SPEC_FIXES.iter().any(|f| f.pointer == *p))
        .collect();
    assert!(
        orphans.is_empty(),
        "probes for entries not in SPEC_FIXES: {orphans:?}"
    );

    let s = Server::new();
    let mut proofs = Vec::new();
    let mut failures = Vec::new();
    for fix in SPEC_FIXES {
        let probe = PROBES
            .iter()
            .find(|(p, _)| *p == fix.pointer)
            .map(|(_, probe)| probe);
        match prove(&s, fix.pointer, fix.need, probe).await {
            Ok((proof, what)) => {
                println!("{proof:?} {}: {what}", fix.pointer);
                proofs.push(proof);
            }
            Err(why) => failures.push(format!("{}: {why}", fix.pointer)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let count = |p: Proof| proofs.iter().filter(|q| **q == p).count();
    // Straight to stderr so that the figure shows when the test passes (libtest captures
    // `println!`).
    let _ = writeln!(
        std::io::stderr(),
        "spec fixes proven live: {}/{} needed (a typed decode fails or loses a value, a request \
         fails, or a status is unlisted without them); {} more needed for the spec to generate \
         with the entry they make room for; {} type answers the spec leaves loose and {} remove \
         what the server ignores (both checked live)",
        count(Proof::NeededLive),
        SPEC_FIXES.len(),
        count(Proof::NeededToGenerate),
        count(Proof::Typing),
        count(Proof::Ignored),
    );
}
