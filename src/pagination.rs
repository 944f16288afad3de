//! Pages of search results, and streams that walk every page.

use std::{future::Future, ops::Deref};

use futures_util::stream::{self, BoxStream, StreamExt};
use reqwest::header::HeaderMap;

use crate::Result;

/// One page of results, and where the next one starts.
///
/// A page dereferences to a slice of its items and iterates over them. The searches also offer
/// `.all()`, a stream that fetches page after page until the results run out.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    next_offset: Option<u64>,
    total: Option<u64>,
}

impl<T> Page<T> {
    #[cfg(test)]
    pub(crate) fn new(items: Vec<T>, next_offset: Option<u64>) -> Self {
        Page {
            items,
            next_offset,
            total: None,
        }
    }

    /// A page of `items` fetched at `offset` with `limit`: the server's `X-Pagination-Next`
    /// when it sends one, else a full page means there may be more.
    pub(crate) fn from_response(
        items: Vec<T>,
        headers: &HeaderMap,
        offset: u64,
        limit: u64,
    ) -> Self {
        let number = |name: &str| -> Option<u64> {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
        };
        let from_header = number("x-pagination-next");
        let total = number("x-pagination-total");
        let has_total = headers.contains_key("x-pagination-total");
        let guessed =
            (items.len() as u64 >= limit && limit > 0).then(|| offset + items.len() as u64);
        // A server that sends X-Pagination-Total but no X-Pagination-Next says "no more".
        let next_offset = if has_total {
            from_header
        } else {
            from_header.or(guessed)
        };
        Page {
            items,
            next_offset,
            total,
        }
    }

    /// The items.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The offset of the next page, if there may be one.
    pub fn next_offset(&self) -> Option<u64> {
        self.next_offset
    }

    /// How many items match in all, when the server says (`X-Pagination-Total`: the searches
    /// of assistants, threads and crons do).
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}

impl<T> Deref for Page<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Sends the request for one page (fetched at `offset` with `limit`) and reads it: the body
/// decodes as `W` (a list, or an object that holds one), `items` takes the list out of it.
pub(crate) async fn fetch<W, T>(
    transport: &crate::transport::Transport,
    op: &crate::operations::Operation,
    builder: reqwest::RequestBuilder,
    (offset, limit): (u64, u64),
    items: impl FnOnce(W) -> Vec<T>,
) -> Result<Page<T>>
where
    W: serde::de::DeserializeOwned,
{
    let response = transport.send(op, builder).await?;
    let headers = response.headers().clone();
    let body: W = crate::transport::decode(op.id, response).await?;
    Ok(Page::from_response(items(body), &headers, offset, limit))
}

/// Every item of every page from `offset` on: `fetch(offset)` returns the page there. An
/// error ends the stream after it is yielded.
pub(crate) fn all<T, F, Fut>(offset: u64, fetch: F) -> BoxStream<'static, Result<T>>
where
    T: Send + 'static,
    F: FnMut(u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    stream::try_unfold((Some(offset), fetch), |(offset, mut fetch)| async move {
        let Some(offset) = offset else {
            return Ok(None);
        };
        let page = fetch(offset).await?;
        let next = page
            .next_offset
            .filter(|next| *next > offset && !page.items.is_empty());
        Ok(Some((
            stream::iter(page.items.into_iter().map(Ok)),
            (next, fetch),
        )))
    })
    .map(|page: Result<_>| match page {
        Ok(items) => items.left_stream(),
        Err(e) => stream::once(async { Err(e) }).right_stream(),
    })
    .flatten()
    .boxed()
}

/// The paging half of a search builder `$builder<T>` (fields `client`, `body` — a generated
/// body builder with `limit` and `offset` —, `offset`, `limit`, `invalid`, `request`, `item`): the
/// `limit`/`offset` setters, `all()`, and `.await` for one page.
macro_rules! paged_search {
    ($builder:ident, $request:ty, $op:expr, $what:literal) => {
        #[cfg_attr(feature = "blocking", $crate::blocking::mirror)]
        impl<T: ::serde::de::DeserializeOwned + Send + 'static> $builder<T> {
            /// Page size (default 10).
            pub fn limit(mut self, limit: u64) -> Self {
                self.limit = limit;
                self
            }

            /// Skips this many matches.
            pub fn offset(mut self, offset: u64) -> Self {
                self.offset = offset;
                self
            }

            /// Every match, page after page, as a stream.
            pub fn all(self) -> ::futures_util::stream::BoxStream<'static, $crate::Result<T>> {
                let $builder {
                    client,
                    body,
                    offset,
                    limit,
                    invalid,
                    request,
                    item,
                } = self;
                let mut invalid = Some(invalid);
                $crate::pagination::all(offset, move |offset| {
                    let page = $builder {
                        client: client.clone(),
                        body: body.clone(),
                        offset,
                        limit,
                        invalid: invalid.take().unwrap_or_default(),
                        request: request.clone(),
                        item,
                    };
                    page.send()
                })
            }

            /// Sends the request for one page (what `.await` does).
            pub async fn send(self) -> $crate::Result<$crate::Page<T>> {
                self.invalid.into_result()?;
                let body: $request = $crate::request::build(
                    $what,
                    self.body
                        .limit(Some($crate::request::limit(self.limit)?))
                        .offset(Some(self.offset)),
                )?;
                let transport = self.client.transport();
                let op = &$op;
                let builder = transport.request(op, &[], &self.request)?.json(&body);
                $crate::pagination::fetch(
                    transport,
                    op,
                    builder,
                    (self.offset, self.limit),
                    |items| items,
                )
                .await
            }
        }

        impl<T: ::serde::de::DeserializeOwned + Send + 'static> ::std::future::IntoFuture
            for $builder<T>
        {
            type Output = $crate::Result<$crate::Page<T>>;
            type IntoFuture = ::futures_util::future::BoxFuture<'static, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        #[cfg(feature = "blocking")]
        impl<T> $crate::blocking::Handle for $builder<T> {}
    };
}
pub(crate) use paged_search;

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn next_offset_from_header_or_full_page() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            Page::from_response(vec![1, 2], &headers, 0, 2).next_offset(),
            Some(2)
        );
        assert_eq!(
            Page::from_response(vec![1], &headers, 0, 2).next_offset(),
            None
        );
        headers.insert("x-pagination-total", HeaderValue::from_static("5"));
        assert_eq!(
            Page::from_response(vec![1, 2], &headers, 3, 2).next_offset(),
            None
        );
        headers.insert("x-pagination-next", HeaderValue::from_static("5"));
        let page = Page::from_response(vec![1, 2], &headers, 3, 2);
        assert_eq!(page.next_offset(), Some(5));
        assert_eq!(page.total(), Some(5));
        assert_eq!(
            Page::from_response(vec![1], &HeaderMap::new(), 0, 2).total(),
            None
        );
    }

    #[tokio::test]
    async fn all_walks_pages_until_the_end() {
        let data: Vec<u32> = (0..7).collect();
        let stream = all(0, move |offset| {
            let data = data.clone();
            async move {
                let start = offset as usize;
                let items: Vec<u32> = data.iter().skip(start).take(3).copied().collect();
                let next = (start + 3 < data.len()).then_some(offset + 3);
                Ok(Page::new(items, next))
            }
        });
        let items: Vec<u32> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(items, (0..7).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn an_error_is_yielded_and_ends_the_stream() {
        let stream = all(0, |offset| async move {
            if offset == 0 {
                Ok(Page::new(vec![1u32], Some(1)))
            } else {
                Err(crate::Error::InvalidInput("boom".into()))
            }
        });
        let items: Vec<Result<u32>> = stream.collect().await;
        assert_eq!(items.len(), 2);
        assert!(items[1].is_err());
    }
}
