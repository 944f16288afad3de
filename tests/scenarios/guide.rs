// The guide scenarios of `live_scenarios.rs`, included once per client: `send!`, `next!`,
// `all!`, `eventually!` and `scenario!` are defined by the including module.

scenario! {
    fn create_wait_stream_and_join(client) {
        let tag = common::tag();
        let thread = send!(client.threads().create().metadata(json!({"tag": tag}))).unwrap();
        assert_eq!(thread.metadata["tag"], json!(tag));

        // Wait for a run's output.
        let out: Value =
            send!(client.runs().wait(thread.thread_id, "echo").input(json!({"text": "one"})))
                .unwrap();
        assert_eq!((&out["echo"], &out["count"]), (&json!("one"), &json!(1)));

        // Stream a run: the metadata first, the state after each step, each node's update.
        let mut stream = send!(client
            .runs()
            .stream(thread.thread_id, "echo")
            .input(json!({"text": "two"}))
            .stream_mode([StreamMode::Values, StreamMode::Updates])
            .stream_resumable(true))
        .unwrap();
        let mut modes = Vec::new();
        let mut last = None;
        while let Some(event) = next!(stream).unwrap() {
            modes.push(event.mode().to_string());
            match event.part {
                StreamPart::Values { values, .. } => last = Some(values),
                StreamPart::Updates { updates, .. } => {
                    assert_eq!(updates["echo"]["echo"], json!("two"))
                }
                _ => {}
            }
        }
        assert_eq!(modes.first().map(String::as_str), Some("metadata"), "{modes:?}");
        assert!(modes.iter().any(|m| m == "updates"), "{modes:?}");
        let last = last.expect("values");
        assert_eq!((&last["echo"], &last["count"]), (&json!("two"), &json!(2)));
        assert!(stream.run_id().is_some());
        assert_eq!(stream.thread_id(), Some(thread.thread_id));

        // A background run: join it for its output, and join its stream for its events.
        let run = send!(client
            .runs()
            .create(thread.thread_id, "echo")
            .input(json!({"text": "three"}))
            .stream_mode(StreamMode::Values)
            .stream_resumable(true))
        .unwrap();
        let joined: Value = send!(client.runs().join(thread.thread_id, run.run_id)).unwrap();
        assert_eq!((&joined["echo"], &joined["count"]), (&json!("three"), &json!(3)));
        let mut replay = send!(client
            .runs()
            .join_stream(thread.thread_id, run.run_id)
            .last_event_id("0"))
        .unwrap();
        let mut replayed = None;
        while let Some(event) = next!(replay).unwrap() {
            if let StreamPart::Values { values, .. } = event.part {
                replayed = Some(values);
            }
        }
        assert_eq!(replayed.expect("values replayed")["echo"], json!("three"));
        let status = send!(client.runs().get(thread.thread_id, run.run_id)).unwrap().status;
        assert!(matches!(status, RunStatus::Success), "{status:?}");
        let runs = send!(client.runs().list(thread.thread_id)).unwrap();
        assert_eq!(runs.len(), 3);
        let state = send!(client.threads().get_state(thread.thread_id)).unwrap();
        assert_eq!(state.values["count"], json!(3));
    }
}

scenario! {
    fn human_in_the_loop_answers_an_interrupt(client) {
        let thread = send!(client.threads().create()).unwrap();
        let mut stream = send!(client
            .runs()
            .stream(thread.thread_id, "interrupt")
            .input(json!({"question": "Ship it?"}))
            .stream_mode(StreamMode::Updates))
        .unwrap();
        let mut asked = Vec::new();
        while let Some(event) = next!(stream).unwrap() {
            asked.extend(event.interrupts().iter().map(|i| i.value.clone()));
        }
        assert_eq!(asked, [json!({"question": "Ship it?"})]);
        let state = send!(client.threads().get_state(thread.thread_id)).unwrap();
        assert!(!state.next.is_empty(), "the thread waits for an answer");

        let done: Value = send!(client
            .runs()
            .wait(thread.thread_id, "interrupt")
            .command(Command::resume("yes")))
        .unwrap();
        assert_eq!((&done["answer"], &done["done"]), (&json!("yes"), &json!(true)));
    }
}

scenario! {
    fn double_texting_rejects_a_second_run(client) {
        let thread = send!(client.threads().create()).unwrap();
        let first = send!(client
            .runs()
            .create(thread.thread_id, "slow")
            .input(json!({"steps": 2, "delay": 1.0})))
        .unwrap();
        eventually!(
            "the first run is running",
            matches!(
                send!(client.runs().get(thread.thread_id, first.run_id)).unwrap().status,
                RunStatus::Running
            )
        );
        let err = send!(client
            .runs()
            .create(thread.thread_id, "slow")
            .input(json!({"steps": 1, "delay": 0.0}))
            .multitask_strategy(MultitaskStrategy::Reject))
        .unwrap_err();
        assert!(err.is_conflict(), "{err}");
        let _: Value = send!(client.runs().join(thread.thread_id, first.run_id)).unwrap();
        let runs = send!(client.runs().list(thread.thread_id)).unwrap();
        assert_eq!(runs.len(), 1, "the rejected run was never created");
    }
}

scenario! {
    fn the_store_keeps_searches_and_forgets(client) {
        let store = client.store();
        let tag = common::tag();
        let root = ["rs-scenario", tag.as_str()];
        let prefs = ["rs-scenario", tag.as_str(), "prefs"];
        send!(store.put_item(prefs, "theme", json!({"value": "dark"}))).unwrap();
        send!(store.put_item(prefs, "lang", json!({"value": "en"}))).unwrap();
        send!(store.put_item(["rs-scenario", tag.as_str(), "notes"], "n1", json!({"text": "hi"})))
            .unwrap();

        let item = send!(store.get_item(prefs, "theme")).unwrap().expect("the item");
        assert_eq!(json!(item.value), json!({"value": "dark"}));
        let found = send!(store.search_items(root).filter(json!({"value": "en"}))).unwrap();
        let keys: Vec<&str> = found.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["lang"]);
        let namespaces = send!(store.list_namespaces().prefix(root)).unwrap();
        let mut namespaces = namespaces.into_items();
        namespaces.sort();
        assert_eq!(
            namespaces,
            [
                vec!["rs-scenario".to_string(), tag.clone(), "notes".into()],
                vec!["rs-scenario".to_string(), tag.clone(), "prefs".into()],
            ]
        );

        send!(store.delete_item(prefs, "theme")).unwrap();
        assert!(send!(store.get_item(prefs, "theme")).unwrap().is_none());
    }
}

scenario! {
    fn a_cron_is_scheduled_found_paused_and_deleted(client) {
        let tag = common::tag();
        let assistants = send!(client
            .assistants()
            .search()
            .graph_id("echo")
            .metadata(json!({"created_by": "system"})))
        .unwrap();
        let echo = assistants.first().expect("the echo assistant").assistant_id;
        let thread = send!(client.threads().create()).unwrap();
        // New Year only: nothing fires while the test runs.
        let cron = send!(client
            .crons()
            .create_for_thread(thread.thread_id, echo, "0 0 1 1 *")
            .input(json!({"text": "tick"}))
            .metadata(json!({"tag": tag})))
        .unwrap();
        assert_eq!(cron.thread_id, Some(thread.thread_id));

        let found = send!(client.crons().search().metadata(json!({"tag": tag}))).unwrap();
        assert_eq!(found.iter().map(|c| c.cron_id).collect::<Vec<_>>(), [cron.cron_id]);
        let count = send!(client.crons().count().metadata(json!({"tag": tag}))).unwrap();
        assert_eq!(count, 1);
        let paused = send!(client.crons().update(cron.cron_id).enabled(false)).unwrap();
        assert!(!paused.enabled);

        send!(client.crons().delete(cron.cron_id)).unwrap();
        let err = send!(client.crons().get(cron.cron_id)).unwrap_err();
        assert!(err.is_not_found(), "{err}");
    }
}

scenario! {
    fn a_search_is_walked_page_by_page(client) {
        let tag = common::tag();
        let mut made = Vec::new();
        for i in 0..7 {
            let thread =
                send!(client.threads().create().metadata(json!({"tag": tag, "i": i}))).unwrap();
            made.push(thread.thread_id);
        }
        let first = send!(client.threads().search().metadata(json!({"tag": tag})).limit(3))
            .unwrap();
        assert_eq!(first.len(), 3);
        assert_eq!(first.next_offset(), Some(3));

        let every = all!(client.threads().search().metadata(json!({"tag": tag})).limit(3).all())
            .unwrap();
        let mut seen: Vec<_> = every.iter().map(|t| t.thread_id).collect();
        seen.sort();
        made.sort();
        assert_eq!(seen, made, "every thread once, over three pages");
        let count = send!(client.threads().count().metadata(json!({"tag": tag}))).unwrap();
        assert_eq!(count, 7);
    }
}

scenario! {
    fn message_chunks_fold_into_the_answer(client) {
        let thread = send!(client.threads().create()).unwrap();
        let mut stream = send!(client
            .runs()
            .stream(thread.thread_id, "chat")
            .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
            .stream_mode(StreamMode::MessagesTuple))
        .unwrap();
        let mut messages = MessageAccumulator::new();
        let mut printed = String::new();
        while let Some(event) = next!(stream).unwrap() {
            for delta in messages.push(&event) {
                printed.push_str(&delta.text);
            }
        }
        messages.finish();
        assert_eq!(printed, CHAT_TEXT, "the tokens, as they came");
        let answer = messages.messages().iter().rfind(|m| m.kind == "ai").expect("an answer");
        assert_eq!(answer.text(), CHAT_TEXT);
    }
}
