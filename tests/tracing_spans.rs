//! Every request runs in a `langgraph.request` span with its operation, method, path, status,
//! request id and duration, and the API key appears in no span or event.

mod common;

use std::sync::{Arc, Mutex};

use common::mock::{Mock, Reply};
use langgraph_sdk::Client;
use tracing::{
    Event, Metadata, Subscriber,
    field::{Field, Visit},
    span::{Attributes, Id, Record},
};

#[derive(Default, Clone)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Fields(&mut line));
        let mut all = self.0.lock().unwrap();
        all.push(line);
        Id::from_u64(all.len() as u64)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = "record".to_string();
        values.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = "event".to_string();
        event.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn requests_are_traced_without_the_key() {
    let secret = "lsv2_never_in_logs";
    let mock = Mock::start(vec![Reply::Respond(
        404,
        vec![("x-request-id", "req-7".into())],
        r#"{"detail": "Thread not found"}"#.into(),
    )])
    .await;
    let client = Client::builder()
        .url(&mock.url)
        .api_key(secret)
        .build()
        .unwrap();
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let err = client.threads().get("t-1").await.unwrap_err();
    assert!(err.is_not_found());
    assert!(!format!("{err:?} {err}").contains(secret));

    let lines = capture.0.lock().unwrap().join("\n");
    assert!(
        lines.contains(
            "span langgraph.request operation=\"get_thread\" method=GET path=\"/threads/t-1\""
        ),
        "{lines}"
    );
    assert!(lines.contains("status=404"), "{lines}");
    assert!(lines.contains("request_id=\"req-7\""), "{lines}");
    assert!(lines.contains("duration_ms="), "{lines}");
    assert!(!lines.contains(secret), "{lines}");
    assert!(!format!("{client:?}").contains(secret));
}
