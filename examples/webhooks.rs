//! Webhooks: a run that calls a URL of yours when it finishes (a receiver started here).
//!
//! Guide: "Use webhooks". Graph `echo` of `tests/server/graphs.py`. The server must be allowed
//! to call a loopback address over plain HTTP (the test server's `langgraph.json` says
//! `"webhooks": {"url": {"disable_loopback": false, "require_https": false}}`); a deployment
//! calls a public HTTPS URL.
//! Run it with `cargo xtask demo webhooks`.

use std::time::Duration;

use langgraph_sdk::prelude::*;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    // The receiver: one HTTP request on a free loopback port. A token in the URL lets the
    // receiver tell the server's calls from anybody else's.
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let webhook = format!("http://{}/run-done?token=s3cret", listener.local_addr()?);
    let received = tokio::spawn(receive_one(listener));

    let thread = client.threads().create().await?;
    let run = client
        .runs()
        .create(thread.thread_id, "echo")
        .input(json!({"text": "hello"}))
        .webhook(&webhook)
        .await?;
    println!("run {} started, webhook {webhook}", run.run_id);
    client.runs().join(thread.thread_id, run.run_id).await?;

    let (request_line, body) = tokio::time::timeout(Duration::from_secs(30), received).await???;
    println!("received: {request_line}");
    println!("  run {} {}", body["run_id"], body["status"]);
    assert!(request_line.starts_with("POST /run-done?token=s3cret "));
    assert_eq!(body["run_id"], run.run_id.to_string());
    assert_eq!(body["status"], "success");
    Ok(())
}

/// Accepts one HTTP request, answers 200, and returns its request line and JSON body.
async fn receive_one(listener: TcpListener) -> std::io::Result<(String, Value)> {
    let (socket, _) = listener.accept().await?;
    let mut socket = BufReader::new(socket);
    let mut request_line = String::new();
    socket.read_line(&mut request_line).await?;
    let mut length = 0;
    loop {
        let mut header = String::new();
        socket.read_line(&mut header).await?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    socket.read_exact(&mut body).await?;
    socket
        .get_mut()
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .await?;
    let body = serde_json::from_slice(&body).map_err(std::io::Error::other)?;
    Ok((request_line.trim_end().to_string(), body))
}
