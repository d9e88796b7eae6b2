//! How a generated request reaches the network: the documented media types are
//! put back on the wire, and sending is delegated to an [`Execute`] chosen by the
//! caller (the `flowroute` crate plugs its retry and timeout policy in here).

use crate::{Client, OPERATIONS, OperationSpec};
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use std::{fmt, future::Future, pin::Pin, sync::Arc};

/// A boxed, sendable future, as [`Execute::execute`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one prepared request. Implement it to add retries, deadlines or tracing
/// around every call of the generated client.
pub trait Execute: Send + Sync {
    /// Sends `request` for `operation` with `client`, however many attempts that takes.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static OperationSpec,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// State the generated [`Client`] carries besides its `reqwest::Client`.
#[derive(Clone, Default)]
pub struct Inner {
    executor: Option<Arc<dyn Execute>>,
}

impl Inner {
    /// Sends every request through `executor` instead of a single `execute`.
    pub fn with_executor(executor: Arc<dyn Execute>) -> Self {
        Inner {
            executor: Some(executor),
        }
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inner")
            .field("custom_executor", &self.executor.is_some())
            .finish()
    }
}

/// Looks an operation up by its `operationId`.
pub fn operation(operation_id: &str) -> Option<&'static OperationSpec> {
    OPERATIONS.iter().find(|op| op.id == operation_id)
}

/// progenitor sends `api-version: <info.version>` on every request; Flowroute
/// versions by path, so the header is noise.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

impl ClientHooks<Inner> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let op = operation(info.operation_id).ok_or_else(|| {
            Error::InvalidRequest(format!("unknown operation {}", info.operation_id))
        })?;
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        // The generated code labels every body `application/json`, the only JSON
        // type progenitor knows; Flowroute documents `application/vnd.api+json`.
        if let Some(content_type) = op.content_type
            && headers.contains_key(CONTENT_TYPE)
        {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        headers.insert(ACCEPT, HeaderValue::from_static(op.accept));
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match (&self.inner().executor, operation(info.operation_id)) {
            (Some(executor), Some(op)) => executor.execute(self.client(), request, op).await,
            _ => self.client().execute(request).await,
        }
    }
}
