//! Live conformance: every generated operation is called against the real server
//! (`langgraph dev` with the graphs in `tests/server/`) and its typed response must decode.
//!
//! Coverage comes from the generated client itself: [`raw::Hooks::on_response`] reports the
//! operation id and status of every request, and the operation list comes from the generated
//! surface. The test prints `live operations: N/M` and fails unless every operation answered
//! 2xx at least once. Each entry of the normalizer's spec-fix table is exercised here too
//! (see the `spec fix:` comments): without the fix, the typed decode fails.
//!
//! Every call is compiled only when the spec has the operation (`build.rs` sets the cfg
//! `lg_op = "<id>"` per generated operation; see [`with_ops!`]): a spec without one of them
//! still compiles, and the test prints what it skipped, next to the coverage figure.

use std::{
    collections::BTreeSet,
    io::Write as _,
    sync::{Arc, Mutex},
    time::Duration,
};

use futures_util::StreamExt;
use langgraph_sdk::raw::{self, types};
use langgraph_sdk_codegen::surface::Surface;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/raw.rs"));
const NORMALIZED: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.normalized.json"));

/// A typed request body from JSON, so that the test reads like the wire.
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("request body matches its generated type")
}

/// Reads an SSE byte stream until `needle` appears (or `limit` passes) and returns the text.
async fn read_until(stream: raw::ByteStream, needle: &str, limit: Duration) -> String {
    let mut stream = stream.into_inner();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + limit;
    while !text.contains(needle) {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(chunk)) => {
                text.push_str(&String::from_utf8_lossy(&chunk.expect("stream chunk")))
            }
            Ok(None) | Err(_) => break,
        }
    }
    text
}

/// Operations a [`with_ops!`] block needed that the spec does not have, or that were skipped
/// with them.
static SKIPPED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// Compiles and runs `$body` only when the spec has every operation listed; otherwise
/// records them as skipped. The body may use what the operations return; code after the
/// block may not.
macro_rules! with_ops {
    ([$($op:literal),+], $body:block) => {
        #[cfg(all($(lg_op = $op),+))]
        $body
        #[cfg(not(all($(lg_op = $op),+)))]
        SKIPPED.lock().unwrap().extend([$($op),+]);
    };
}

/// Unwraps a raw call, naming the operation when it fails.
macro_rules! ok {
    ($call:expr) => {
        match $call.send().await {
            Ok(response) => response.into_inner(),
            Err(e) => panic!("{} failed: {e:?}", stringify!($call)),
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_the_real_server() {
    let url = langgraph_testbed::shared_url().expect("a running test server");
    let seen: Arc<Mutex<BTreeSet<&'static str>>> = Arc::default();
    let hooks = raw::Hooks::default().on_response({
        let seen = seen.clone();
        move |operation, status| {
            if status.is_some_and(|s| s.is_success()) {
                seen.lock().unwrap().insert(operation);
            }
        }
    });
    let client = raw::Client::new_with_client(&url, reqwest::Client::new(), hooks);
    let tag = Uuid::new_v4().to_string();

    server(&client).await;
    with_ops!(["create_assistant"], {
        assistants(&client, &tag).await;
    });
    with_ops!(["create_thread"], {
        threads(&client, &tag).await;
    });
    with_ops!(["create_thread", "create_run"], {
        runs(&client, &tag).await;
    });
    stateless_runs(&client).await;
    with_ops!(["create_assistant", "create_thread"], {
        crons(&client, &tag).await;
    });
    with_ops!(["put_item"], {
        store(&client, &tag).await;
    });

    let normalized = serde_json::from_str(NORMALIZED).unwrap();
    let all: BTreeSet<String> = Surface::parse(GENERATED, &normalized)
        .unwrap()
        .operations
        .into_iter()
        .map(|o| o.name)
        .collect();
    let seen: BTreeSet<String> = seen.lock().unwrap().iter().map(|s| s.to_string()).collect();
    // Straight to stderr so that the figure shows when the test passes (libtest captures
    // `println!`).
    let _ = writeln!(
        std::io::stderr(),
        "live operations: {}/{}",
        seen.intersection(&all).count(),
        all.len()
    );
    let skipped = SKIPPED.lock().unwrap().clone();
    let (absent, held_back): (Vec<&str>, Vec<&str>) =
        skipped.into_iter().partition(|op| !all.contains(*op));
    if !absent.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "not in this spec, not called: {}",
            absent.join(", ")
        );
    }
    if !held_back.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "skipped because an operation they need is not in this spec: {}",
            held_back.join(", ")
        );
    }
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "operations never called successfully: {missing:?}"
    );
}

async fn server(client: &raw::Client) {
    with_ops!(["get_health"], {
        let health = ok!(client.get_health());
        assert!(health.ok);
    });
    // spec fix: `/info` has no `metadata` under `langgraph dev`.
    with_ops!(["get_info"], {
        let info = ok!(client.get_info());
        assert!(!info.version.is_empty());
    });
}

#[cfg(lg_op = "create_assistant")]
async fn assistants(client: &raw::Client, tag: &str) {
    let created = ok!(client
        .create_assistant()
        .body(body::<types::AssistantCreate>(json!({
            "graph_id": "echo",
            "name": format!("conformance-{tag}"),
            "metadata": {"tag": tag},
            "config": {"configurable": {"user_id": "u1"}},
        }))));
    assert_eq!(created.graph_id, "echo");
    let id = created.assistant_id;

    with_ops!(["search_assistants"], {
        let found = ok!(client
            .search_assistants()
            .body(body::<types::AssistantSearchRequest>(
                json!({"metadata": {"tag": tag}, "limit": 10})
            )));
        assert_eq!(
            found.iter().map(|a| a.assistant_id).collect::<Vec<_>>(),
            vec![id]
        );
    });
    with_ops!(["count_assistants"], {
        let count = ok!(client
            .count_assistants()
            .body(body::<types::AssistantCountRequest>(
                json!({"metadata": {"tag": tag}})
            )));
        assert_eq!(count, 1);
    });
    with_ops!(["get_assistant"], {
        assert_eq!(
            ok!(client.get_assistant().assistant_id(id)).assistant_id,
            id
        );
    });

    with_ops!(["update_assistant"], {
        let updated = ok!(client.update_assistant().assistant_id(id).body(body::<
            types::AssistantPatch,
        >(
            json!({"metadata": {"tag": tag, "v": 2}})
        )));
        assert_eq!(updated.version, Some(2));
        // spec fix: the versions filters travel in a JSON body.
        with_ops!(["search_assistant_versions"], {
            let versions = ok!(client
                .search_assistant_versions()
                .assistant_id(id)
                .body(body::<types::AssistantVersionsSearchRequest>(
                    json!({"metadata": {"v": 2}})
                )));
            assert_eq!(versions.len(), 1, "only version 2 has v=2: {versions:?}");
        });
        // spec fix: the version to make latest travels in a JSON body, not the query.
        with_ops!(["set_latest_assistant_version"], {
            let latest = ok!(client
                .set_latest_assistant_version()
                .assistant_id(id)
                .body(body::<types::AssistantVersionChange>(json!({"version": 1}))));
            assert_eq!(latest.version, Some(1));
        });
    });

    with_ops!(["get_assistant_graph"], {
        let graph = ok!(client.get_assistant_graph().assistant_id(id.to_string()));
        assert!(graph.contains_key("nodes"), "{graph:?}");
    });
    with_ops!(["get_assistant_schemas"], {
        let schemas = ok!(client.get_assistant_schemas().assistant_id(id));
        assert_eq!(schemas.graph_id, "echo");
    });

    let sub = ok!(client
        .create_assistant()
        .body(body::<types::AssistantCreate>(
            json!({"graph_id": "subgraph", "metadata": {"tag": tag}})
        )));
    with_ops!(["get_assistant_subgraphs"], {
        let subgraphs = ok!(client
            .get_assistant_subgraphs()
            .assistant_id(sub.assistant_id)
            .recurse(true));
        assert!(
            !subgraphs.is_empty(),
            "the subgraph graph has a child graph"
        );
        let namespace = subgraphs.keys().next().unwrap().clone();
        with_ops!(["get_assistant_subgraphs_by_namespace"], {
            let one = ok!(client
                .get_assistant_subgraphs_by_namespace()
                .assistant_id(sub.assistant_id)
                .namespace(namespace.clone()));
            assert!(one.contains_key(&namespace), "{one:?}");
        });
    });

    with_ops!(["delete_assistant"], {
        ok!(client.delete_assistant().assistant_id(sub.assistant_id));
        ok!(client.delete_assistant().assistant_id(id));
        with_ops!(["get_assistant"], {
            let gone = client
                .get_assistant()
                .assistant_id(id)
                .send()
                .await
                .unwrap_err();
            assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
        });
    });
}

#[cfg(lg_op = "create_thread")]
async fn threads(client: &raw::Client, tag: &str) {
    // spec fix: a new thread has `values: null`.
    let thread = ok!(client.create_thread().body(body::<types::ThreadCreate>(
        json!({"metadata": {"tag": tag, "kind": "threads"}})
    )));
    let id = thread.thread_id;
    with_ops!(["get_thread"], {
        assert_eq!(ok!(client.get_thread().thread_id(id)).thread_id, id);
    });

    with_ops!(["search_threads"], {
        let found = ok!(client
            .search_threads()
            .body(body::<types::ThreadSearchRequest>(
                json!({"metadata": {"tag": tag, "kind": "threads"}, "status": "idle"})
            )));
        assert_eq!(found.len(), 1);
    });
    with_ops!(["count_threads"], {
        let count = ok!(client
            .count_threads()
            .body(body::<types::ThreadCountRequest>(
                json!({"metadata": {"tag": tag, "kind": "threads"}})
            )));
        assert_eq!(count, 1);
    });
    with_ops!(["update_thread"], {
        let patched = ok!(client
            .update_thread()
            .thread_id(id)
            .body(body::<types::ThreadPatch>(
                json!({"metadata": {"extra": "yes"}})
            )));
        assert_eq!(patched.metadata.get("extra"), Some(&json!("yes")));
    });

    with_ops!(["wait_run", "get_thread_state"], {
        let values = ok!(client.wait_run().thread_id(id).body(body::<
            types::RunCreateStreamingStateful,
        >(
            json!({"assistant_id": "echo", "input": {"text": "hello"}})
        )));
        assert_eq!(values["echo"], json!("hello"));

        let state = ok!(client.get_thread_state().thread_id(id));
        let checkpoint_id = state
            .checkpoint
            .and_then(|c| c.checkpoint_id)
            .expect("a checkpoint id");
        with_ops!(["get_thread_state_at_checkpoint"], {
            let at = ok!(client
                .get_thread_state_at_checkpoint()
                .thread_id(id)
                .checkpoint_id(
                    checkpoint_id
                        .parse::<Uuid>()
                        .expect("checkpoint ids are uuids")
                ));
            assert_eq!(
                at.checkpoint.and_then(|c| c.checkpoint_id),
                Some(checkpoint_id.clone())
            );
        });
        with_ops!(["get_thread_state_for_checkpoint"], {
            let via_post =
                ok!(client
                    .get_thread_state_for_checkpoint()
                    .thread_id(id)
                    .body(body::<types::ThreadStateCheckpointRequest>(
                        json!({"checkpoint": {"checkpoint_id": checkpoint_id}})
                    )));
            assert_eq!(
                via_post.checkpoint.and_then(|c| c.checkpoint_id),
                Some(checkpoint_id.clone())
            );
        });

        with_ops!(["update_thread_state"], {
            let update = ok!(client.update_thread_state().thread_id(id).body(body::<
                types::ThreadStateUpdate,
            >(
                json!({"values": {"text": "edited"}, "as_node": "echo"})
            )));
            let new_checkpoint = update
                .checkpoint
                .as_ref()
                .and_then(|c| c.get("checkpoint_id"))
                .and_then(Value::as_str);
            assert!(
                new_checkpoint.is_some_and(|c| c != checkpoint_id),
                "{update:?}"
            );
            with_ops!(["get_thread_history"], {
                let history = ok!(client.get_thread_history().thread_id(id).limit(10));
                assert!(
                    history.len() >= 3,
                    "input, echo and the update: {}",
                    history.len()
                );
            });
        });
        with_ops!(["search_thread_history"], {
            let searched = ok!(client.search_thread_history().thread_id(id).body(body::<
                types::ThreadStateSearch,
            >(
                json!({"limit": 1})
            )));
            assert_eq!(searched.len(), 1);
        });

        // spec fix: an interrupt's value is any JSON value (here a bare string).
        let asking = ok!(client
            .create_thread()
            .body(body::<types::ThreadCreate>(json!({}))));
        ok!(client.wait_run().thread_id(asking.thread_id).body(body::<
            types::RunCreateStreamingStateful,
        >(
            json!({"assistant_id": "interrupt", "input": {"question": "Proceed?", "plain": true}})
        )));
        let paused = ok!(client.get_thread_state().thread_id(asking.thread_id));
        assert_eq!(
            paused.interrupts.first().map(|i| &i.value),
            Some(&json!("Proceed?")),
            "{paused:?}"
        );
        assert_eq!(paused.next, vec!["ask".to_string()]);

        with_ops!(["get_thread_storage"], {
            let storage = ok!(client.get_thread_storage().thread_id(id));
            assert!(storage.checkpoints.count >= 1, "{storage:?}");
        });
    });

    // The thread stream and the protocol event stream stay open; read what a run sends.
    with_ops!(["join_thread_stream", "protocol_thread_command"], {
        let joined = ok!(client.join_thread_stream().thread_id(id));
        let command = ok!(client.protocol_thread_command().thread_id(id).body(body::<
            types::ProtocolCommand,
        >(json!({
            "id": 1, "method": "run.start",
            "params": {"assistant_id": "echo", "input": {"text": "via protocol"}}
        }))));
        assert!(
            matches!(command, types::ProtocolThreadCommandResponse::Success(_)),
            "{command:?}"
        );
        let text = read_until(joined, "run_done", Duration::from_secs(20)).await;
        assert!(text.contains("event: values"), "{text}");
        with_ops!(["protocol_thread_events"], {
            let events = ok!(client.protocol_thread_events().thread_id(id).body(body::<
                types::ProtocolEventStreamRequest,
            >(
                json!({"channels": ["values"]})
            )));
            let text = read_until(events, "via protocol", Duration::from_secs(5)).await;
            assert!(text.contains("\"method\":\"values\""), "{text}");
        });
    });

    with_ops!(["copy_thread"], {
        let copy = ok!(client.copy_thread().thread_id(id));
        assert_ne!(copy.thread_id, id);
        with_ops!(["prune_threads"], {
            let pruned = ok!(client
                .prune_threads()
                .body(body::<types::ThreadPruneRequest>(
                    json!({"thread_ids": [copy.thread_id.to_string()]})
                )));
            assert_eq!(pruned.pruned_count, 1);
        });
    });
    with_ops!(["delete_thread", "get_thread"], {
        ok!(client.delete_thread().thread_id(id));
        let gone = client.get_thread().thread_id(id).send().await.unwrap_err();
        assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    });
}

#[cfg(all(lg_op = "create_thread", lg_op = "create_run"))]
async fn runs(client: &raw::Client, tag: &str) {
    let thread = ok!(client.create_thread().body(body::<types::ThreadCreate>(
        json!({"metadata": {"tag": tag, "kind": "runs"}})
    )));
    let id = thread.thread_id;

    let run = ok!(client
        .create_run()
        .thread_id(id)
        .body(body::<types::RunCreateStateful>(
            json!({"assistant_id": "echo", "input": {"text": "background"}})
        )));
    with_ops!(["join_run"], {
        let joined = ok!(client.join_run().thread_id(id).run_id(run.run_id));
        assert_eq!(joined["echo"], json!("background"));
    });
    with_ops!(["get_run"], {
        assert_eq!(
            ok!(client.get_run().thread_id(id).run_id(run.run_id)).run_id,
            run.run_id
        );
    });
    with_ops!(["list_runs"], {
        let listed = ok!(client.list_runs().thread_id(id).limit(10));
        assert_eq!(listed.len(), 1);
    });

    with_ops!(["stream_run"], {
        let streamed = ok!(client.stream_run().thread_id(id).body(body::<
            types::RunCreateStreamingStateful,
        >(json!({
            "assistant_id": "echo", "input": {"text": "streamed"}, "stream_mode": ["values", "updates"]
        }))));
        let text = read_until(streamed, "event: end", Duration::from_secs(20)).await;
        assert!(text.contains("\"echo\":\"streamed\""), "{text}");
    });

    with_ops!(["join_run_stream"], {
        let resumable = ok!(client.create_run().thread_id(id).body(body::<types::RunCreateStateful>(
            json!({"assistant_id": "slow", "input": {"steps": 2, "delay": 0.2}, "stream_resumable": true, "stream_mode": ["custom"]})
        )));
        let joined = ok!(client
            .join_run_stream()
            .thread_id(id)
            .run_id(resumable.run_id)
            .stream_mode("custom"));
        let text = read_until(joined, "\"tick\":2", Duration::from_secs(20)).await;
        assert!(text.contains("\"tick\":1"), "{text}");
    });

    // spec fix: cancel answers 202 without a body, or 200 with the run's values (wait=true).
    with_ops!(["cancel_run", "join_run", "get_run"], {
        let slow = ok!(client
            .create_run()
            .thread_id(id)
            .body(body::<types::RunCreateStateful>(
                json!({"assistant_id": "slow", "input": {"steps": 20, "delay": 0.2}})
            )));
        let accepted = client
            .cancel_run()
            .thread_id(id)
            .run_id(slow.run_id)
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status().as_u16(), 202);
        ok!(client.join_run().thread_id(id).run_id(slow.run_id));
        let cancelled = ok!(client.get_run().thread_id(id).run_id(slow.run_id));
        assert!(
            matches!(cancelled.status, types::RunStatus::Interrupted),
            "{:?}",
            cancelled.status
        );
        let slow = ok!(client
            .create_run()
            .thread_id(id)
            .body(body::<types::RunCreateStateful>(
                json!({"assistant_id": "slow", "input": {"steps": 20, "delay": 0.2}})
            )));
        let result = ok!(client
            .cancel_run()
            .thread_id(id)
            .run_id(slow.run_id)
            .wait(true));
        let result = read_until(result, "\u{0}", Duration::from_secs(30)).await;
        let result: Value =
            serde_json::from_str(&result).expect("wait=true answers the run's values as JSON");
        assert!(result.is_object(), "{result}");
    });

    with_ops!(["cancel_runs", "join_run", "get_run"], {
        let slow = ok!(client
            .create_run()
            .thread_id(id)
            .body(body::<types::RunCreateStateful>(
                json!({"assistant_id": "slow", "input": {"steps": 20, "delay": 0.2}})
            )));
        ok!(client.cancel_runs().body(body::<types::RunsCancel>(
            json!({"thread_id": id, "run_ids": [slow.run_id]})
        )));
        ok!(client.join_run().thread_id(id).run_id(slow.run_id));
        let cancelled = ok!(client.get_run().thread_id(id).run_id(slow.run_id));
        assert!(
            matches!(cancelled.status, types::RunStatus::Interrupted),
            "{:?}",
            cancelled.status
        );
    });

    with_ops!(["delete_run", "get_run"], {
        ok!(client.delete_run().thread_id(id).run_id(run.run_id));
        let gone = client
            .get_run()
            .thread_id(id)
            .run_id(run.run_id)
            .send()
            .await
            .unwrap_err();
        assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    });
}

async fn stateless_runs(client: &raw::Client) {
    with_ops!(["wait_stateless_run"], {
        let values = ok!(client.wait_stateless_run().body(body::<
            types::RunCreateStreamingStateless,
        >(
            json!({"assistant_id": "echo", "input": {"text": "stateless"}})
        )));
        assert_eq!(values["echo"], json!("stateless"));
    });
    with_ops!(["stream_stateless_run"], {
        let streamed = ok!(client.stream_stateless_run().body(body::<types::RunCreateStreamingStateless>(
            json!({"assistant_id": "echo", "input": {"text": "stateless stream"}, "stream_mode": "updates"})
        )));
        let text = read_until(streamed, "event: end", Duration::from_secs(20)).await;
        assert!(text.contains("stateless stream"), "{text}");
    });
    // spec fix: `POST /runs` returns the created Run.
    with_ops!(["create_stateless_run"], {
        let background =
            ok!(client
                .create_stateless_run()
                .body(body::<types::RunCreateStateless>(
                    json!({"assistant_id": "echo", "input": {"text": "bg"}})
                )));
        assert!(matches!(
            background.status,
            types::RunStatus::Pending | types::RunStatus::Running | types::RunStatus::Success
        ));
    });
    // spec fix: `POST /runs/batch` returns the created Runs.
    with_ops!(["create_batch_runs"], {
        let batch = ok!(client
            .create_batch_runs()
            .body(body::<types::RunBatchCreate>(json!([
                {"assistant_id": "echo", "input": {"text": "b1"}},
                {"assistant_id": "echo", "input": {"text": "b2"}}
            ]))));
        assert_eq!(batch.len(), 2, "{batch:?}");
    });
}

#[cfg(all(lg_op = "create_assistant", lg_op = "create_thread"))]
async fn crons(client: &raw::Client, tag: &str) {
    let assistant = ok!(client
        .create_assistant()
        .body(body::<types::AssistantCreate>(
            json!({"graph_id": "echo", "metadata": {"tag": tag, "kind": "crons"}})
        )));
    let thread = ok!(client.create_thread().body(body::<types::ThreadCreate>(
        json!({"metadata": {"tag": tag, "kind": "crons"}})
    )));
    let a = assistant.assistant_id;
    with_ops!(["create_thread_cron", "create_cron", "delete_cron"], {
        let on_thread = ok!(client
            .create_thread_cron()
            .thread_id(thread.thread_id)
            .body(body::<types::ThreadCronCreate>(json!({
                "assistant_id": a, "schedule": "0 0 1 1 *", "input": {"text": "cron"}
            }))));
        let stateless = ok!(client.create_cron().body(body::<types::CronCreate>(json!({
            "assistant_id": a, "schedule": "0 0 1 1 *", "input": {"text": "cron"},
            "metadata": {"tag": tag}
        }))));
        with_ops!(["search_crons"], {
            let found = ok!(client
                .search_crons()
                .body(body::<types::CronSearch>(json!({"assistant_id": a}))));
            assert_eq!(found.len(), 2, "{found:?}");
        });
        with_ops!(["count_crons"], {
            let count = ok!(client
                .count_crons()
                .body(body::<types::CronCountRequest>(json!({"assistant_id": a}))));
            assert_eq!(count, 2);
        });
        with_ops!(["get_cron"], {
            let got = ok!(client.get_cron().cron_id(stateless.cron_id));
            assert_eq!(got.cron_id, stateless.cron_id);
        });
        with_ops!(["update_cron"], {
            let patched =
                ok!(client.update_cron().cron_id(stateless.cron_id).body(
                    body::<types::CronPatch>(json!({"schedule": "0 0 2 1 *", "enabled": false}))
                ));
            assert_eq!(patched.schedule, "0 0 2 1 *");
            assert!(!patched.enabled);
        });
        ok!(client.delete_cron().cron_id(stateless.cron_id));
        ok!(client.delete_cron().cron_id(on_thread.cron_id));
        with_ops!(["count_crons"], {
            let count = ok!(client
                .count_crons()
                .body(body::<types::CronCountRequest>(json!({"assistant_id": a}))));
            assert_eq!(count, 0);
        });
    });
}

#[cfg(lg_op = "put_item")]
async fn store(client: &raw::Client, tag: &str) {
    let namespace = vec!["conformance".to_string(), tag.replace('-', "")];
    ok!(client
        .put_item()
        .body(body::<types::StorePutRequest>(json!({
            "namespace": namespace, "key": "k1", "value": {"n": 1}
        }))));
    // spec fix: GET /store/items takes ONE dot-joined namespace string.
    with_ops!(["get_item"], {
        let item = ok!(client.get_item().namespace(namespace.join(".")).key("k1"));
        let item = item.expect("the item exists");
        assert_eq!(item.namespace, namespace);
        assert_eq!(item.value.get("n"), Some(&json!(1)));
    });
    with_ops!(["search_items"], {
        let found = ok!(client
            .search_items()
            .body(body::<types::StoreSearchRequest>(
                json!({"namespace_prefix": namespace})
            )));
        assert_eq!(found.items.len(), 1);
    });
    with_ops!(["list_namespaces"], {
        let namespaces = ok!(client.list_namespaces().body(body::<
            types::StoreListNamespacesRequest,
        >(
            json!({"prefix": ["conformance"]})
        )));
        assert!(namespaces.namespaces.contains(&namespace), "{namespaces:?}");
    });
    with_ops!(["delete_item", "get_item"], {
        ok!(client.delete_item().body(body::<types::StoreDeleteRequest>(
            json!({"namespace": namespace, "key": "k1"})
        )));
        // spec fix: a missing item is `200 null`.
        let missing = ok!(client.get_item().namespace(namespace.join(".")).key("k1"));
        assert!(missing.is_none());
    });
}
