//! Crons: scheduled runs.

use crate::Client;

/// The crons of a deployment: `client.crons()`.
#[derive(Debug, Clone)]
pub struct Crons {
    #[allow(dead_code)]
    client: Client,
}

impl Crons {
    pub(crate) fn new(client: Client) -> Self {
        Crons { client }
    }
}
