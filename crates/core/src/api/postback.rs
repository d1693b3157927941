//! Requests of the Postbacks screen (the records it shows are `crate::postback::types`).
use super::{PostbackSecretsInput, PostbackSourceConfig};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A postback source's settings and the secrets to store for it (absent secrets keep the stored ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostbackSourceRequest {
    pub config: PostbackSourceConfig,
    pub secrets: PostbackSecretsInput,
}
