//! Offset/limit pagination as lazy streams.
//!
//! Every list operation returns a [`ListRequest`]: set filters, then take one
//! [`page`](ListRequest::page), a stream of [`pages`](ListRequest::pages), a
//! stream of [`items`](ListRequest::items), or [`all`](ListRequest::all) of them.
//! Page size ([`limit`](ListRequest::limit)) and the cap on how many items you
//! want ([`max_items`](ListRequest::max_items)) are separate knobs.
//!
//! Streams send nothing until polled and stop at the last page (no `links.next`),
//! at an empty page, at the cap (asking the last page for only what is still
//! wanted), or when the server repeats itself (an error, never a loop). When a
//! page fails, the items already delivered stay delivered and the error comes next.

use crate::refusal::FirstRefusal;
use crate::{client::Client, error::Error};
use futures_core::Stream;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, stream};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in server order.
    pub items: Vec<T>,
    /// The offset this page starts at.
    pub offset: u32,
    /// The offset of the next page, `None` on the last page.
    pub next_offset: Option<u32>,
}

impl<T> Page<T> {
    /// Whether the server says there is more.
    pub fn has_next(&self) -> bool {
        self.next_offset.is_some()
    }

    /// A page from a generated list document: its items converted, and the next
    /// offset taken from `links.next`.
    pub(crate) fn from_raw<R>(
        items: Vec<R>,
        links: Option<flowroute_raw::types::PageLinks>,
        offset: u32,
        convert: impl FnMut(R) -> T,
    ) -> Page<T> {
        let count = items.len();
        let next = links.and_then(|l| l.next);
        Page {
            items: items.into_iter().map(convert).collect(),
            offset,
            next_offset: next_offset(next.as_deref(), offset, count),
        }
    }
}

/// `offset` as the generated client types it (int32, at least 0).
pub(crate) fn offset_i32(offset: u32) -> Result<i32, Error> {
    i32::try_from(offset).map_err(|_| {
        Error::invalid_input(
            "offset",
            format!("{offset} is above the API's maximum of {}", i32::MAX),
        )
    })
}

/// What a list operation needs to fetch one page. Implemented by each
/// resource module's query type, declared with `list_query!`; not
/// implementable outside the crate.
pub trait Query: Clone + Send + Sync + 'static + sealed::Sealed {
    /// The item type of the list.
    type Item: Clone + PartialEq + Send + 'static;
    /// The `operationId`: for error messages, and to find the operation's
    /// page-size maximum in [`flowroute_raw::OPERATIONS`].
    const OPERATION: &'static str;
    /// Checks the filters together, before any request; each filter was
    /// checked on its own when it was set.
    #[doc(hidden)]
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
    /// Fetches the page at `offset`, asking for `limit` items (`None`: the server's default).
    #[doc(hidden)]
    fn fetch<'a>(
        &'a self,
        client: &'a Client,
        offset: u32,
        limit: Option<u32>,
    ) -> impl Future<Output = Result<Page<Self::Item>, Error>> + Send + 'a;
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// The largest page size the spec documents for `Q`'s operation, `None`
/// where Flowroute documents none.
fn page_size_max<Q: Query>() -> Option<u32> {
    flowroute_raw::operation(Q::OPERATION)
        .and_then(|op| op.paging)
        .and_then(|paging| paging.page_size_max)
}

/// The reason of a filter check that reports an [`Error`]: the setter names the field.
pub(crate) fn reason(e: Error) -> String {
    match e {
        Error::InvalidInput { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// Declares a list operation: its query type holding the filters, the
/// [`Query`] impl forwarding them to the generated builder, and a setter on
/// `ListRequest` for each filter. `cargo xtask check-wrapper` matches these
/// declarations with the spec's lists.
///
/// ```text
/// list_query! {
///     /// Filters for [`Exchanges::list`].
///     ExchangeQuery for list_available_exchange_codes
///         -> Exchange = |code| Exchange { code: code.id };
///     /// Only exchanges in this area code.
///     area_code(area_code: &str) -> String = check_area_code(area_code) => areacode;
/// }
/// ```
///
/// The header names the query type, the operation (the generated method, so
/// an operation missing from the spec does not compile; `for v2_1_op | v2_2_op`
/// for a Messages list, sent by the client's
/// [`MessagingVersion`](crate::messages::MessagingVersion)), the item type and
/// the conversion of a generated item. Parameters every request carries are
/// set when the list is made, and follow the type in parentheses:
/// `MdrQuery(start: DateTime<Utc> => start_date(*start))`; such a query has no
/// `Default` but a `new` taking them. `, checked by path` names a [`Query::validate`].
///
/// A filter is one line: `setter(argument: Type) -> Stored = check => method;`
/// where `check` is a `Result<Stored, String>`: an `Err` is the reason the
/// value is refused, returned (with the setter's name as the field) before any
/// request. `=> method` is only needed when the generated builder's method has
/// another name than the setter.
macro_rules! list_query {
    (@struct [] $($item:tt)*) => {
        #[derive(Debug, Clone, Default)]
        $($item)*
    };
    (@struct [$($required:tt)+] $($item:tt)*) => {
        #[derive(Debug, Clone)]
        $($item)*
    };
    (@new $name:ident [] [$($setter:ident)*]) => {};
    (@new $name:ident [$($req:ident: $req_ty:ty),+] [$($setter:ident)*]) => {
        impl $name {
            /// The query with its required parameters, and no filter set.
            pub(crate) fn new($($req: $req_ty),+) -> Self {
                $name {
                    $($req,)+
                    $($setter: None,)*
                }
            }
        }
    };
    (@dispatch $query:ident $client:ident $offset:ident $limit:ident [$op:ident]
        $required:tt $filters:tt $convert:expr) => {
        $crate::pagination::list_query!(
            @fetch $query $client $offset $limit $op $required $filters $convert
        )
    };
    (@dispatch $query:ident $client:ident $offset:ident $limit:ident [$op:ident, $op_v2_2:ident]
        $required:tt $filters:tt $convert:expr) => {
        match $client.settings().messaging_version {
            $crate::messages::MessagingVersion::V2_1 => $crate::pagination::list_query!(
                @fetch $query $client $offset $limit $op $required $filters $convert
            ),
            $crate::messages::MessagingVersion::V2_2 => $crate::pagination::list_query!(
                @fetch $query $client $offset $limit $op_v2_2 $required $filters $convert
            ),
        }
    };
    (@fetch $query:ident $client:ident $offset:ident $limit:ident $op:ident
        [$($req:ident => $req_method:ident($req_value:expr)),*]
        [$($setter:ident $(=> $method:ident)?),*] $convert:expr) => {{
        // A list without filters reads nothing of its query.
        let _ = $query;
        let mut request = $client
            .raw()
            .$op()
            .offset($crate::pagination::offset_i32($offset)?);
        if let Some(limit) = $limit {
            request = request.limit(limit);
        }
        $(
            let $req = &$query.$req;
            request = request.$req_method($req_value);
        )*
        $(
            if let Some(value) = &$query.$setter {
                request = $crate::pagination::list_query!(
                    @forward request, value, $setter $(, $method)?
                );
            }
        )*
        let list = $crate::transport::call(request.send()).await?;
        Ok($crate::pagination::Page::from_raw(
            list.data, list.links, $offset, $convert,
        ))
    }};
    (@forward $request:ident, $value:ident, $setter:ident) => {
        $request.$setter($value.clone())
    };
    (@forward $request:ident, $value:ident, $setter:ident, $method:ident) => {
        $request.$method($value.clone())
    };
    (
        $(#[$meta:meta])*
        $name:ident $(($($req:ident: $req_ty:ty => $req_method:ident($req_value:expr)),+ $(,)?))?
            for $op:ident $(| $op_v2_2:ident)? -> $item:ty = $convert:expr $(, checked by $validate:path)?;
        $(
            $(#[$filter_meta:meta])*
            $setter:ident($arg:ident: $arg_ty:ty) -> $stored:ty = $check:expr $(=> $method:ident)?;
        )*
    ) => {
        $crate::pagination::list_query! {
            @struct [$($($req)+)?]
            $(#[$meta])*
            pub struct $name {
                $($($req: $req_ty,)+)?
                $($setter: Option<$stored>,)*
            }
        }

        $crate::pagination::list_query! {
            @new $name [$($($req: $req_ty),+)?] [$($setter)*]
        }

        impl $crate::pagination::sealed::Sealed for $name {}

        impl $crate::pagination::Query for $name {
            type Item = $item;
            const OPERATION: &'static str = stringify!($op);

            $(
                fn validate(&self) -> Result<(), $crate::Error> {
                    $validate(self)
                }
            )?

            fn fetch<'a>(
                &'a self,
                client: &'a $crate::Client,
                offset: u32,
                limit: Option<u32>,
            ) -> impl ::std::future::Future<
                Output = Result<$crate::pagination::Page<$item>, $crate::Error>,
            > + Send + 'a {
                // Not boxed: the future is some 8 KiB, and a page is awaited
                // where it is asked for.
                async move {
                    let query = self;
                    $crate::pagination::list_query!(
                        @dispatch query client offset limit [$op $(, $op_v2_2)?]
                        [$($($req => $req_method($req_value)),+)?]
                        [$($setter $(=> $method)?),*] $convert
                    )
                }
            }
        }

        impl $crate::pagination::ListRequest<$name> {
            $(
                $(#[$filter_meta])*
                pub fn $setter(self, $arg: $arg_ty) -> Self {
                    let checked: Result<$stored, String> = $check;
                    match checked {
                        Ok(value) => {
                            let mut request = self;
                            request.query.$setter = Some(value);
                            request
                        }
                        Err(reason) => self.reject(stringify!($setter), reason),
                    }
                }
            )*
        }
    };
}
pub(crate) use list_query;

/// Declares a named, boxed stream type, so that streams need no `pin!` before
/// `next()` or `try_next()` and can be stored in a struct.
macro_rules! boxed_stream {
    ($(#[$doc:meta])* $name:ident => $item:ty) => {
        $(#[$doc])*
        #[must_use = "streams do nothing unless polled"]
        pub struct $name<T>(BoxStream<'static, Result<$item, Error>>);

        impl<T> Stream for $name<T> {
            type Item = Result<$item, Error>;

            fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                self.0.poll_next_unpin(cx)
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.0.size_hint()
            }
        }

        impl<T> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    };
}

boxed_stream!(
    /// The lazy stream of pages of [`ListRequest::pages`]. It is `Unpin`:
    /// `next()` and `try_next()` (from `futures`' `StreamExt`/`TryStreamExt`,
    /// also in the [prelude](crate::prelude)) work on it directly.
    Pages => Page<T>
);

boxed_stream!(
    /// The lazy stream of items of [`ListRequest::items`]. It is `Unpin`:
    /// `next()` and `try_next()` (from `futures`' `StreamExt`/`TryStreamExt`,
    /// also in the [prelude](crate::prelude)) work on it directly.
    Items => T
);

/// The most items [`ListRequest::all`] collects when
/// [`max_items`](ListRequest::max_items) is not set: 100,000, some tens of
/// megabytes of records.
pub const ALL_ITEMS_CAP: usize = 100_000;

/// Page size used by streams when [`ListRequest::limit`] is not set, for
/// endpoints without a documented maximum.
const STREAM_PAGE_SIZE: u32 = 200;

/// A list operation being configured. See the [module docs](self).
#[derive(Debug, Clone)]
#[must_use = "a list request does nothing until you call page(), pages(), items() or all()"]
pub struct ListRequest<Q> {
    client: Client,
    pub(crate) query: Q,
    limit: Option<u32>,
    offset: u32,
    max_items: Option<u64>,
    invalid: FirstRefusal,
}

impl<Q: Query> ListRequest<Q> {
    pub(crate) fn new(client: &Client, query: Q) -> Self {
        ListRequest {
            client: client.clone(),
            query,
            limit: None,
            offset: 0,
            max_items: None,
            invalid: FirstRefusal::default(),
        }
    }

    /// Records the first invalid argument; it is returned before any request.
    pub(crate) fn reject(mut self, field: &'static str, reason: impl Into<String>) -> Self {
        self.invalid.note(field, reason);
        self
    }

    /// Records an argument already refused as an [`Error`].
    pub(crate) fn reject_error(mut self, error: Error) -> Self {
        self.invalid.note_error(error);
        self
    }

    /// Page size (`limit`): 1 up to the endpoint's documented maximum.
    /// Without it, [`page`](Self::page) gets Flowroute's default (10) and the
    /// streams ask for the maximum (or 200 where there is none).
    pub fn limit(mut self, page_size: u32) -> Self {
        self.limit = Some(page_size);
        self
    }

    /// Items to skip before the first one returned.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = offset;
        self
    }

    /// Stop after this many items in total, across pages.
    pub fn max_items(mut self, max_items: u64) -> Self {
        self.max_items = Some(max_items);
        self
    }

    fn check(&self) -> Result<(), Error> {
        self.invalid.check()?;
        self.query.validate()?;
        match (self.limit, page_size_max::<Q>()) {
            (Some(0), _) => Err(Error::invalid_input(
                "limit",
                format!("0 is not a page size; {} needs at least 1", Q::OPERATION),
            )),
            (Some(l), Some(max)) if l > max => Err(Error::invalid_input(
                "limit",
                format!("{l} is above the maximum of {max} for {}", Q::OPERATION),
            )),
            _ => Ok(()),
        }
    }

    /// Fetches one page: at [`offset`](Self::offset), of [`limit`](Self::limit) items.
    pub async fn page(self) -> Result<Page<Q::Item>, Error> {
        self.check()?;
        let limit = match (self.limit, self.max_items) {
            (Some(l), Some(m)) => Some(l.min(u32::try_from(m).unwrap_or(u32::MAX))),
            (None, Some(m)) => Some(
                u32::try_from(m)
                    .unwrap_or(u32::MAX)
                    .min(page_size_max::<Q>().unwrap_or(STREAM_PAGE_SIZE)),
            ),
            (l, None) => l,
        };
        if limit == Some(0) {
            return Ok(Page {
                items: Vec::new(),
                offset: self.offset,
                next_offset: None,
            });
        }
        self.query.fetch(&self.client, self.offset, limit).await
    }

    /// A lazy stream of pages.
    pub fn pages(self) -> Pages<Q::Item> {
        let state = match self.check() {
            Err(e) => State::Failed(e),
            Ok(()) => State::Next {
                offset: self.offset,
                remaining: self.max_items,
                previous: None,
            },
        };
        let page_size = self
            .limit
            .unwrap_or(page_size_max::<Q>().unwrap_or(STREAM_PAGE_SIZE));
        let (client, query) = (self.client, self.query);
        Pages(Box::pin(stream::unfold(state, move |state| {
            let (client, query) = (client.clone(), query.clone());
            async move { next_page(state, &client, &query, page_size).await }
        })))
    }

    /// A lazy stream of items, page after page.
    pub fn items(self) -> Items<Q::Item> {
        Items(Box::pin(self.pages().flat_map(|page| match page {
            Ok(page) => stream::iter(page.items.into_iter().map(Ok).collect::<Vec<_>>()),
            Err(e) => stream::iter(vec![Err(e)]),
        })))
    }

    /// Every item, collected: up to [`max_items`](Self::max_items) when it is
    /// set, otherwise up to [`ALL_ITEMS_CAP`]. A list longer than the cap is
    /// [`Error::TooManyItems`], never a silently shortened one: a server that
    /// never stops returning full pages would otherwise fill memory. For
    /// longer lists, stream them with [`items`](Self::items), or set
    /// `max_items` to the most you are ready to hold.
    pub async fn all(self) -> Result<Vec<Q::Item>, Error> {
        let capped = self.max_items.is_none();
        let request = if capped {
            self.max_items(ALL_ITEMS_CAP as u64 + 1)
        } else {
            self
        };
        let mut out = Vec::new();
        let mut pages = request.pages();
        while let Some(page) = pages.next().await {
            out.extend(page?.items);
        }
        if capped && out.len() > ALL_ITEMS_CAP {
            return Err(Error::TooManyItems {
                operation: Q::OPERATION,
                cap: ALL_ITEMS_CAP,
            });
        }
        Ok(out)
    }
}

enum State<T> {
    /// `previous` is the first and last item of the page before, enough to
    /// recognise a server that ignores `offset` without keeping whole pages.
    Next {
        offset: u32,
        remaining: Option<u64>,
        previous: Option<(T, T)>,
    },
    Failed(Error),
    Done,
}

async fn next_page<Q: Query>(
    state: State<Q::Item>,
    client: &Client,
    query: &Q,
    page_size: u32,
) -> Option<(Result<Page<Q::Item>, Error>, State<Q::Item>)> {
    let (offset, remaining, previous) = match state {
        State::Done => return None,
        State::Failed(e) => return Some((Err(e), State::Done)),
        State::Next {
            offset,
            remaining,
            previous,
        } => (offset, remaining, previous),
    };
    let limit = match remaining {
        Some(0) => return None,
        Some(r) => page_size.min(u32::try_from(r).unwrap_or(u32::MAX)),
        None => page_size,
    };
    let mut page = match query.fetch(client, offset, Some(limit)).await {
        Ok(page) => page,
        Err(e) => return Some((Err(e), State::Done)),
    };
    if page.items.is_empty() {
        return None;
    }
    let ends = (
        page.items[0].clone(),
        page.items[page.items.len() - 1].clone(),
    );
    if previous.as_ref() == Some(&ends) {
        let reason = format!(
            "the page at offset {offset} repeats the previous page; stopping instead of looping"
        );
        return Some((
            Err(Error::Protocol {
                operation: Q::OPERATION,
                reason,
            }),
            State::Done,
        ));
    }
    let remaining = remaining.map(|r| {
        let keep = usize::try_from(r)
            .unwrap_or(usize::MAX)
            .min(page.items.len());
        page.items.truncate(keep);
        r - keep as u64
    });
    let next = match page.next_offset {
        Some(next) if next <= offset => {
            let reason = format!(
                "the page at offset {offset} points back to offset {next}; stopping instead of looping"
            );
            return Some((
                Err(Error::Protocol {
                    operation: Q::OPERATION,
                    reason,
                }),
                State::Done,
            ));
        }
        Some(next) if remaining != Some(0) => State::Next {
            offset: next,
            remaining,
            previous: Some(ends),
        },
        _ => State::Done,
    };
    if matches!(next, State::Done) {
        page.next_offset = None;
    }
    Some((Ok(page), next))
}

/// The offset of the next page from `links.next`: its `offset` parameter when
/// present (the server's own arithmetic), else `offset + count`. The link itself
/// is not followed: documented `next` links point at internal hosts
/// (`http://cdr-api/…` in the CDR export examples) or other paths.
fn next_offset(next_link: Option<&str>, offset: u32, count: usize) -> Option<u32> {
    let link = next_link?;
    let from_link = link
        .split_once('?')
        .map(|(_, q)| q)
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| {
            pair.strip_prefix("offset=")
                .and_then(|v| v.parse::<u32>().ok())
        });
    Some(
        from_link
            .unwrap_or_else(|| offset.saturating_add(u32::try_from(count).unwrap_or(u32::MAX))),
    )
}

#[cfg(test)]
mod tests {
    use super::next_offset;

    #[test]
    fn next_offset_prefers_the_links_offset() {
        assert_eq!(
            next_offset(
                Some("https://api.flowroute.com/v2/routes?limit=2&offset=2"),
                0,
                2
            ),
            Some(2)
        );
        assert_eq!(
            next_offset(
                Some("http://cdr-api/cdrs/exports?offset=20&limit=10"),
                10,
                10
            ),
            Some(20)
        );
        assert_eq!(
            next_offset(Some("https://x/v2/numbers?limit=3"), 3, 3),
            Some(6)
        );
        assert_eq!(next_offset(None, 0, 10), None);
    }
}
