//! Runs: executions of an assistant.

use crate::Client;

/// The runs of a deployment: `client.runs()`.
#[derive(Debug, Clone)]
pub struct Runs {
    #[allow(dead_code)]
    client: Client,
}

impl Runs {
    pub(crate) fn new(client: Client) -> Self {
        Runs { client }
    }
}
