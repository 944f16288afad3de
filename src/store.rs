//! Store: long-term memory.

use crate::Client;

/// The store of a deployment: `client.store()`.
#[derive(Debug, Clone)]
pub struct Store {
    #[allow(dead_code)]
    client: Client,
}

impl Store {
    pub(crate) fn new(client: Client) -> Self {
        Store { client }
    }
}
