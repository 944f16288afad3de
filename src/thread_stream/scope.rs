//! Which events belong where: namespace prefixes (the server's matching rules, mirrored on
//! the client) and the union of channels one shared connection subscribes to.

use std::collections::BTreeSet;

use super::wire::{Channel, Event};

/// Whether namespace segment `prefix` matches `segment`: equal, or, when `prefix` has no
/// `:`, equal to `segment` without its `:<task id>` suffix (`child` matches `child:1234`,
/// `child:1` does not match `child:2`).
pub(crate) fn segment_matches(prefix: &str, segment: &str) -> bool {
    prefix == segment
        || (!prefix.contains(':')
            && segment
                .split_once(':')
                .is_some_and(|(name, _)| name == prefix))
}

/// A namespace prefix and how deep below it to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prefix {
    pub(crate) segments: Vec<String>,
    /// Levels below the prefix; `None`: any.
    pub(crate) depth: Option<usize>,
}

impl Prefix {
    /// Exactly this namespace.
    pub(crate) fn exact(segments: Vec<String>) -> Prefix {
        Prefix {
            segments,
            depth: Some(0),
        }
    }

    /// This namespace and everything below it.
    pub(crate) fn below(segments: Vec<String>) -> Prefix {
        Prefix {
            segments,
            depth: None,
        }
    }

    pub(crate) fn matches(&self, namespace: &[String]) -> bool {
        namespace.len() >= self.segments.len()
            && self
                .depth
                .is_none_or(|d| namespace.len() - self.segments.len() <= d)
            && self
                .segments
                .iter()
                .zip(namespace)
                .all(|(p, s)| segment_matches(p, s))
    }
}

/// Whether `event` is on one of `channels` (a named custom event is on `custom` and on
/// `custom:<name>`).
pub(crate) fn on_channels(channels: &BTreeSet<Channel>, event: &Event) -> bool {
    match event.method.channel() {
        Some(Channel::Custom) => {
            channels.contains(&Channel::Custom)
                || event
                    .named_channel()
                    .is_some_and(|name| channels.contains(&Channel::Named(name.to_string())))
        }
        Some(channel) => channels.contains(&channel),
        None => false,
    }
}

/// The channels one connection subscribes to, for everything the session reads: the union of
/// its projections' channels, and always `lifecycle` and `input` (the session follows runs
/// and interrupts whatever is read). `custom` makes the named custom channels redundant.
///
/// Namespaces are not narrowed on the wire: `lifecycle` and `input` are needed at every
/// depth (subgraphs, their interrupts), so the union would be every namespace anyway; the
/// projections filter by namespace on the client.
pub(crate) fn union<'a>(channels: impl IntoIterator<Item = &'a Channel>) -> BTreeSet<Channel> {
    let mut all: BTreeSet<Channel> = [Channel::Lifecycle, Channel::Input].into();
    all.extend(channels.into_iter().cloned());
    if all.contains(&Channel::Custom) {
        all.retain(|c| !matches!(c, Channel::Named(_)));
    }
    all
}

/// Whether a connection subscribed to `have` carries every event on `want`.
pub(crate) fn covers(have: &BTreeSet<Channel>, want: &BTreeSet<Channel>) -> bool {
    want.iter().all(|c| {
        have.contains(c) || (matches!(c, Channel::Named(_)) && have.contains(&Channel::Custom))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(segments: &[&str]) -> Vec<String> {
        segments.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prefixes_match_as_the_server_does() {
        let agent = Prefix::below(ns(&["agent"]));
        assert!(agent.matches(&ns(&["agent:1234"])));
        assert!(agent.matches(&ns(&["agent:1234", "tools:9"])));
        assert!(!agent.matches(&ns(&[])));
        assert!(!agent.matches(&ns(&["agentx:1"])));
        assert!(!Prefix::below(ns(&["agent:1"])).matches(&ns(&["agent:2"])));
        assert!(Prefix::below(ns(&["agent:1"])).matches(&ns(&["agent:1"])));
        let root = Prefix::exact(vec![]);
        assert!(root.matches(&ns(&[])));
        assert!(!root.matches(&ns(&["child:1"])));
        assert!(Prefix::below(vec![]).matches(&ns(&["child:1", "x"])));
        let one_level = Prefix {
            segments: ns(&["a"]),
            depth: Some(1),
        };
        assert!(one_level.matches(&ns(&["a:1", "b:2"])));
        assert!(!one_level.matches(&ns(&["a:1", "b:2", "c:3"])));
    }

    #[test]
    fn the_union_always_follows_runs_and_interrupts() {
        let u = union(&[Channel::Messages]);
        assert_eq!(
            u.into_iter().collect::<Vec<_>>(),
            vec![Channel::Messages, Channel::Lifecycle, Channel::Input]
        );
        let named = Channel::Named("progress".into());
        let u = union([&named, &Channel::Custom]);
        assert!(!u.contains(&named), "`custom` covers the named channels");
        assert!(covers(&u, &[named.clone()].into()));
        assert!(!covers(&union(&[]), &[Channel::Values].into()));
        assert!(covers(
            &union(std::slice::from_ref(&named)),
            &[named].into()
        ));
    }
}
