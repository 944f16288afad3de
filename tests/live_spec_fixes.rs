//! Every entry of the normalizer's spec-fix table, proven against the real server.
//!
//! Each probe sends raw HTTP (no generated types) and asserts what the server really does,
//! which is what the published `openapi.json` gets wrong. If a future server agrees with its
//! spec again, the probe fails and the entry can go. A fix without a probe fails the test.

use std::{collections::BTreeSet, io::Write as _, time::Duration};

use langgraph_sdk_codegen::passes::SPEC_FIXES;
use serde_json::{Value, json};

struct Server {
    http: reqwest::Client,
    url: String,
}

impl Server {
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
    async fn json(&self, req: (u16, String)) -> Value {
        assert!((200..300).contains(&req.0), "{} {}", req.0, req.1);
        serde_json::from_str(&req.1).unwrap_or_else(|e| panic!("{e}: {}", req.1))
    }
    async fn thread(&self) -> String {
        let t = self.json(self.post("/threads", json!({})).await).await;
        t["thread_id"].as_str().unwrap().to_string()
    }
}

/// Which probe proves the fix at `pointer`.
fn probe_for(pointer: &str) -> &'static str {
    match pointer {
        p if p.starts_with("/components/schemas/Thread/") => "thread_values_null",
        p if p.starts_with("/paths/~1info/") => "info_without_metadata",
        p if p.starts_with("/paths/~1store~1items/get/parameters") => "store_namespace_dot_joined",
        p if p.starts_with("/paths/~1store~1items/get/responses") => "store_missing_item_null",
        p if p.starts_with("/paths/~1runs/post/") => "stateless_create_returns_run",
        p if p.starts_with("/paths/~1runs~1batch/") => "batch_returns_runs",
        p if p.ends_with("/delete/responses/200") || p.ends_with("/delete/responses/204") => {
            "deletes_answer_204"
        }
        p if p.contains("~1cancel/post/responses") => "cancel_202_or_200",
        "/components/schemas/Interrupt/properties/value" => "interrupt_value_any",
        p if p.starts_with("/components/schemas/Cron/") => "cron_fields",
        p if p.contains("ThreadState/properties/tasks") => "task_result",
        "/components/schemas/ListNamespaceResponse" => "namespaces_object",
        p if p.starts_with("/components/schemas/AssistantVersion")
            || p.contains("~1versions/post/responses") =>
        {
            "versions_without_updated_at"
        }
        p if p.contains("~1versions/post/requestBody") => "versions_filters_in_body",
        p if p.contains("~1latest/post/") => "latest_version_in_body",
        p if p.starts_with("/paths/~1threads~1{thread_id}~1stream/get/parameters") => {
            "thread_stream_modes_comma_joined"
        }
        "/components/schemas/RunCreateStateful/properties/checkpoint_id" => {
            "run_from_checkpoint_id"
        }
        p if p.starts_with("/components/schemas/ThreadState/properties/") => "thread_state_nulls",
        _ => "",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spec_fix_is_what_the_server_does() {
    let missing: Vec<_> = SPEC_FIXES
        .iter()
        .filter(|f| probe_for(f.pointer).is_empty())
        .map(|f| f.pointer)
        .collect();
    assert!(
        missing.is_empty(),
        "spec fixes without a live probe: {missing:?}"
    );
    let probes: BTreeSet<&str> = SPEC_FIXES.iter().map(|f| probe_for(f.pointer)).collect();

    let s = Server {
        http: reqwest::Client::new(),
        url: langgraph_testbed::shared_url().expect("a running test server"),
    };
    for probe in &probes {
        println!("spec fix probe: {probe}");
        match *probe {
            "thread_values_null" => {
                let t = s.json(s.post("/threads", json!({})).await).await;
                assert_eq!(t["values"], Value::Null, "{t}");
            }
            "info_without_metadata" => {
                let info = s.json(s.get("/info").await).await;
                assert!(info.get("metadata").is_none(), "{info}");
            }
            "store_namespace_dot_joined" => {
                let ns = ["fixprobe", "deep"];
                let put = s
                    .send(
                        s.http
                            .put(format!("{}/store/items", s.url))
                            .json(&json!({"namespace": ns, "key": "k", "value": {"v": 1}})),
                    )
                    .await;
                assert_eq!(put.0, 204);
                let exploded = s
                    .get("/store/items?namespace=fixprobe&namespace=deep&key=k")
                    .await;
                assert!(
                    exploded.0 != 200 || exploded.1 == "null",
                    "an exploded array finds nothing: {exploded:?}"
                );
                let joined = s
                    .json(s.get("/store/items?namespace=fixprobe.deep&key=k").await)
                    .await;
                assert_eq!(joined["value"], json!({"v": 1}));
            }
            "store_missing_item_null" => {
                assert_eq!(
                    s.get("/store/items?namespace=fixprobe.none&key=missing")
                        .await,
                    (200, "null".to_string())
                );
            }
            "stateless_create_returns_run" => {
                let run = s
                    .json(
                        s.post(
                            "/runs",
                            json!({"assistant_id": "echo", "input": {"text": "x"}}),
                        )
                        .await,
                    )
                    .await;
                assert!(
                    run["run_id"].is_string() && run["status"].is_string(),
                    "{run}"
                );
            }
            "batch_returns_runs" => {
                let runs = s
                    .json(
                        s.post(
                            "/runs/batch",
                            json!([{"assistant_id": "echo", "input": {"text": "x"}}]),
                        )
                        .await,
                    )
                    .await;
                assert!(
                    runs.as_array()
                        .is_some_and(|r| r.len() == 1 && r[0]["run_id"].is_string()),
                    "{runs}"
                );
            }
            "deletes_answer_204" => {
                let a = s
                    .json(s.post("/assistants", json!({"graph_id": "echo"})).await)
                    .await;
                let t = s.thread().await;
                let run = s
                    .json(
                        s.post(
                            &format!("/threads/{t}/runs/wait"),
                            json!({"assistant_id": "echo", "input": {"text": "x"}}),
                        )
                        .await,
                    )
                    .await;
                assert!(run.is_object());
                let runs = s.json(s.get(&format!("/threads/{t}/runs")).await).await;
                let run_id = runs[0]["run_id"].as_str().unwrap().to_string();
                let cron = s
                    .json(
                        s.post(
                            "/runs/crons",
                            json!({"assistant_id": a["assistant_id"], "schedule": "0 0 1 1 *"}),
                        )
                        .await,
                    )
                    .await;
                for path in [
                    format!("/threads/{t}/runs/{run_id}"),
                    format!("/threads/{t}"),
                    format!("/runs/crons/{}", cron["cron_id"].as_str().unwrap()),
                    format!("/assistants/{}", a["assistant_id"].as_str().unwrap()),
                ] {
                    let (status, body) = s.send(s.http.delete(format!("{}{path}", s.url))).await;
                    assert_eq!((status, body.as_str()), (204, ""), "DELETE {path}");
                }
            }
            "cancel_202_or_200" => {
                let t = s.thread().await;
                let slow = json!({"assistant_id": "slow", "input": {"steps": 20, "delay": 0.2}});
                let run = s
                    .json(s.post(&format!("/threads/{t}/runs"), slow.clone()).await)
                    .await;
                let (status, body) = s
                    .post(
                        &format!(
                            "/threads/{t}/runs/{}/cancel",
                            run["run_id"].as_str().unwrap()
                        ),
                        json!(null),
                    )
                    .await;
                assert_eq!((status, body.as_str()), (202, ""));
                let run = s
                    .json(s.post(&format!("/threads/{t}/runs"), slow).await)
                    .await;
                let (status, body) = s
                    .post(
                        &format!(
                            "/threads/{t}/runs/{}/cancel?wait=true",
                            run["run_id"].as_str().unwrap()
                        ),
                        json!(null),
                    )
                    .await;
                assert_eq!(status, 200);
                assert!(
                    serde_json::from_str::<Value>(&body).is_ok_and(|v| v.is_object()),
                    "{body}"
                );
            }
            "interrupt_value_any" => {
                let t = s.thread().await;
                let out = s.json(s.post(&format!("/threads/{t}/runs/wait"), json!({"assistant_id": "interrupt", "input": {"question": "Proceed?", "plain": true}})).await).await;
                assert_eq!(out["__interrupt__"][0]["value"], json!("Proceed?"), "{out}");
            }
            "cron_fields" => {
                let a = s
                    .json(s.post("/assistants", json!({"graph_id": "echo"})).await)
                    .await;
                let cron = s
                    .json(
                        s.post(
                            "/runs/crons",
                            json!({"assistant_id": a["assistant_id"], "schedule": "0 0 1 1 *"}),
                        )
                        .await,
                    )
                    .await;
                assert_eq!(cron["end_time"], Value::Null, "{cron}");
                assert_eq!(cron["thread_id"], Value::Null, "{cron}");
                assert!(
                    cron.get("timezone").is_some() && cron.get("on_run_completed").is_some(),
                    "{cron}"
                );
            }
            "task_result" => {
                let t = s.thread().await;
                s.json(
                    s.post(
                        &format!("/threads/{t}/runs/wait"),
                        json!({"assistant_id": "echo", "input": {"text": "x"}}),
                    )
                    .await,
                )
                .await;
                let history = s
                    .json(s.get(&format!("/threads/{t}/history?limit=10")).await)
                    .await;
                let with_task = history
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|h| h["tasks"].as_array().is_some_and(|t| !t.is_empty()))
                    .expect("a state with a task");
                assert!(with_task["tasks"][0].get("result").is_some(), "{with_task}");
            }
            "namespaces_object" => {
                let ns = s.json(s.post("/store/namespaces", json!({})).await).await;
                assert!(ns["namespaces"].is_array(), "{ns}");
            }
            "versions_without_updated_at" => {
                let a = s
                    .json(s.post("/assistants", json!({"graph_id": "echo"})).await)
                    .await;
                let versions = s
                    .json(
                        s.post(
                            &format!(
                                "/assistants/{}/versions",
                                a["assistant_id"].as_str().unwrap()
                            ),
                            json!({}),
                        )
                        .await,
                    )
                    .await;
                assert!(
                    versions[0]["version"].is_i64() && versions[0].get("updated_at").is_none(),
                    "{versions}"
                );
            }
            "versions_filters_in_body" => {
                let a = s
                    .json(
                        s.post(
                            "/assistants",
                            json!({"graph_id": "echo", "metadata": {"m": 1}}),
                        )
                        .await,
                    )
                    .await;
                let path = format!(
                    "/assistants/{}/versions",
                    a["assistant_id"].as_str().unwrap()
                );
                let (status, _) = s.post(&path, json!({"metadata": {"m": 2}})).await;
                assert_eq!(status, 404, "a body filter that matches no version");
            }
            "latest_version_in_body" => {
                let a = s
                    .json(s.post("/assistants", json!({"graph_id": "echo"})).await)
                    .await;
                let id = a["assistant_id"].as_str().unwrap();
                s.json(
                    s.send(
                        s.http
                            .patch(format!("{}/assistants/{id}", s.url))
                            .json(&json!({"metadata": {"v": 2}})),
                    )
                    .await,
                )
                .await;
                let (status, _) = s
                    .send(
                        s.http
                            .post(format!("{}/assistants/{id}/latest?version=1", s.url)),
                    )
                    .await;
                assert!(
                    status >= 400,
                    "the query parameter alone is not enough: {status}"
                );
                let latest = s
                    .json(
                        s.post(&format!("/assistants/{id}/latest"), json!({"version": 1}))
                            .await,
                    )
                    .await;
                assert_eq!(latest["version"], json!(1));
            }
            "thread_stream_modes_comma_joined" => {
                let events = |query: &'static str| {
                    let s = &s;
                    async move {
                        let t = s.thread().await;
                        let resp = s
                            .http
                            .get(format!("{}/threads/{t}/stream?{query}", s.url))
                            .send()
                            .await
                            .unwrap();
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        s.json(
                            s.post(
                                &format!("/threads/{t}/runs/wait"),
                                json!({"assistant_id": "echo", "input": {"text": "x"}}),
                            )
                            .await,
                        )
                        .await;
                        let mut text = String::new();
                        let mut resp = resp;
                        while !text.contains("run_done") {
                            match tokio::time::timeout(Duration::from_secs(3), resp.chunk()).await {
                                Ok(Ok(Some(c))) => text.push_str(&String::from_utf8_lossy(&c)),
                                _ => break,
                            }
                        }
                        text
                    }
                };
                let repeated = events("stream_modes=run_modes&stream_modes=lifecycle").await;
                assert!(
                    !repeated.contains("event: values"),
                    "repeated keys keep one mode: {repeated}"
                );
                let joined = events("stream_modes=run_modes,lifecycle").await;
                assert!(
                    joined.contains("event: values"),
                    "comma-joined keeps both: {joined}"
                );
            }
            "run_from_checkpoint_id" => {
                let t = s.thread().await;
                let wait = format!("/threads/{t}/runs/wait");
                let first = s
                    .json(
                        s.post(
                            &wait,
                            json!({"assistant_id": "echo", "input": {"text": "a"}}),
                        )
                        .await,
                    )
                    .await;
                assert_eq!(first["count"], json!(1));
                let state = s.json(s.get(&format!("/threads/{t}/state")).await).await;
                let after_first = state["checkpoint"]["checkpoint_id"]
                    .as_str()
                    .unwrap()
                    .to_string();
                s.json(
                    s.post(
                        &wait,
                        json!({"assistant_id": "echo", "input": {"text": "b"}}),
                    )
                    .await,
                )
                .await;
                let forked = s.json(s.post(&wait, json!({"assistant_id": "echo", "input": {"text": "c"}, "checkpoint_id": after_first})).await).await;
                assert_eq!(
                    forked["count"],
                    json!(2),
                    "the run started from the first run's checkpoint: {forked}"
                );
            }
            "thread_state_nulls" => {
                let t = s.thread().await;
                let empty = s.json(s.get(&format!("/threads/{t}/state")).await).await;
                for key in ["checkpoint", "metadata", "created_at", "parent_checkpoint"] {
                    assert_eq!(empty[key], Value::Null, "{key}: {empty}");
                }
                s.json(
                    s.post(
                        &format!("/threads/{t}/runs/wait"),
                        json!({"assistant_id": "echo", "input": {"text": "x"}}),
                    )
                    .await,
                )
                .await;
                let state = s.json(s.get(&format!("/threads/{t}/state")).await).await;
                let parent = &state["parent_checkpoint"];
                assert!(
                    parent["checkpoint_id"].is_string() && parent["thread_id"].is_string(),
                    "a CheckpointConfig: {state}"
                );
            }
            other => panic!("unknown probe {other}"),
        }
    }
    // Straight to stderr so that the figure shows when the test passes (libtest captures
    // `println!`).
    let _ = writeln!(
        std::io::stderr(),
        "spec fixes proven live: {}/{}",
        SPEC_FIXES.len(),
        SPEC_FIXES.len()
    );
}
