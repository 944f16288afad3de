//! Threads: conversations with state and history.

use crate::Client;

/// The threads of a deployment: `client.threads()`.
#[derive(Debug, Clone)]
pub struct Threads {
    #[allow(dead_code)]
    client: Client,
}

impl Threads {
    pub(crate) fn new(client: Client) -> Self {
        Threads { client }
    }
}
