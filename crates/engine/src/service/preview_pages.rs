//! Rendered HTML previews, kept for the preview frame to load by address.
//!
//! The frame cannot show a preview inline: a `srcdoc` frame inherits the app's own content policy,
//! which allows no inline styles, and invitation mail is styled almost entirely inline. Served from
//! its own address, the page gets its own policy ([`PREVIEW_PAGE_POLICY`]): the message's styles and
//! embedded images apply, and nothing else (no scripts, nothing fetched from the network).

use std::collections::VecDeque;
use std::sync::Mutex;

/// The URI scheme the desktop shell serves preview pages under.
pub const PREVIEW_SCHEME: &str = "invite-preview";

/// The content policy a preview page is served with.
pub const PREVIEW_PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     img-src data:; font-src data:; base-uri 'none'; form-action 'none'";

/// How many recent pages stay loadable: the frame may ask for a page after the admin has already
/// typed the next edit, and a page it asks for must still be there.
const KEPT: usize = 8;

#[derive(Default)]
pub struct PreviewPages {
    pages: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    next: u64,
    kept: VecDeque<(String, String)>,
}

impl PreviewPages {
    /// Keeps `html` and returns the page's id (a path segment: `p` and a number).
    pub fn keep(&self, html: String) -> String {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages.next += 1;
        let id = format!("p{}", pages.next);
        if pages.kept.len() == KEPT {
            pages.kept.pop_front();
        }
        pages.kept.push_back((id.clone(), html));
        id
    }

    /// The page kept under `id`, if it is still kept.
    pub fn page(&self, id: &str) -> Option<String> {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages
            .kept
            .iter()
            .find(|(kept, _)| kept == id)
            .map(|(_, html)| html.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_found_by_id_until_newer_ones_push_them_out() {
        let pages = PreviewPages::default();
        let first = pages.keep("<p>first</p>".into());
        let second = pages.keep("<p>second</p>".into());
        assert_ne!(first, second);
        assert_eq!(pages.page(&first).as_deref(), Some("<p>first</p>"));
        assert_eq!(pages.page(&second).as_deref(), Some("<p>second</p>"));
        assert_eq!(pages.page("p999"), None);
        for n in 0..KEPT - 1 {
            pages.keep(format!("<p>{n}</p>"));
        }
        assert_eq!(pages.page(&first), None, "the oldest page is dropped");
        assert_eq!(pages.page(&second).as_deref(), Some("<p>second</p>"));
    }

    #[test]
    fn the_page_policy_allows_inline_styles_and_nothing_remote() {
        assert!(PREVIEW_PAGE_POLICY.contains("style-src 'unsafe-inline'"));
        assert!(PREVIEW_PAGE_POLICY.starts_with("default-src 'none'"));
        assert!(!PREVIEW_PAGE_POLICY.contains("http"));
        assert!(!PREVIEW_PAGE_POLICY.contains("script-src"));
    }
}
