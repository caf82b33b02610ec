//! The preview frame's pages: `invite-preview://localhost/<page>` answers with a preview the engine
//! rendered and kept, under the page's own content policy (inline styles, no scripts, nothing remote).

use invite_desk_engine::service::{PREVIEW_PAGE_POLICY, Service};
use tauri::http::{Response, StatusCode, header};

/// The answer for a request of `path` (`/<page id>`).
pub fn respond(service: &Service, path: &str) -> Response<Vec<u8>> {
    page_response(service.preview_page(path.trim_start_matches('/')))
}

fn page_response(page: Option<String>) -> Response<Vec<u8>> {
    let (status, body) = match page {
        Some(html) => (StatusCode::OK, html),
        // An old page: the frame is about to load a newer one.
        None => (StatusCode::NOT_FOUND, String::new()),
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CONTENT_SECURITY_POLICY, PREVIEW_PAGE_POLICY)
        .header(header::CACHE_CONTROL, "no-store")
        .header("X-Content-Type-Options", "nosniff")
        .body(body.into_bytes())
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_page_is_served_under_its_own_policy() {
        let answer = page_response(Some("<p style=\"color:red\">Hi</p>".into()));
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(
            answer.headers()[header::CONTENT_SECURITY_POLICY],
            PREVIEW_PAGE_POLICY
        );
        assert_eq!(
            answer.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert_eq!(answer.body().as_slice(), b"<p style=\"color:red\">Hi</p>");
    }

    #[test]
    fn a_page_no_longer_kept_is_not_found_and_still_under_the_policy() {
        let answer = page_response(None);
        assert_eq!(answer.status(), StatusCode::NOT_FOUND);
        assert!(answer.body().is_empty());
        assert_eq!(
            answer.headers()[header::CONTENT_SECURITY_POLICY],
            PREVIEW_PAGE_POLICY
        );
    }
}
