//! Request builders finish the way every other call does: with `.await`.
//!
//! A call whose inputs are all required is an `async fn`; one with optional
//! inputs returns a builder, and awaiting the builder checks what was set and
//! sends it. There is no `send()` to remember, and a builder that is dropped
//! without `.await` sends nothing (each is `#[must_use]`).

/// Implements `IntoFuture` for a builder from its private `async fn send(self)`.
/// The impl carries the docs a public `send` would have had (what it does,
/// `# Errors`), which rustdoc shows on the builder's page.
macro_rules! send_on_await {
    ($(#[$doc:meta])* $builder:ty => $output:ty) => {
        $(#[$doc])*
        impl ::std::future::IntoFuture for $builder {
            type Output = Result<$output, crate::Error>;
            type IntoFuture = ::futures_util::future::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

pub(crate) use send_on_await;
