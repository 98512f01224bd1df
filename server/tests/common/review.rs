//! Helpers of the review conversation's tests (`review.rs`, the authorization matrix): a PDF, and
//! a browser's multipart upload of a document to a request.

use axum::{
    body::Body,
    http::{header, Method},
};

use super::*;

/// The smallest file that passes for a PDF: its signature, a page, an end.
pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// One part of an upload: the file's name, its declared type and its bytes.
pub struct FilePart<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

impl FilePart<'static> {
    /// The test PDF, as `dpia.pdf`.
    pub fn pdf() -> Self {
        Self {
            name: "dpia.pdf",
            content_type: "application/pdf",
            bytes: PDF,
        }
    }
}

const BOUNDARY: &str = "----guichet-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body of `kind` and `file` (either may be left out).
pub fn multipart_body(kind: Option<&str>, file: Option<&FilePart<'_>>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(kind) = kind {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some(file) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                file.name, file.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Client {
    /// Posts `body` (from [`multipart_body`]) to `path` as a script would
    /// (`Accept: application/json`), or as a browser's plain form with `browser`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        body: Vec<u8>,
        browser: bool,
    ) -> TestResponse {
        let accept = if browser {
            "text/html,application/xhtml+xml"
        } else {
            "application/json"
        };
        let req = self
            .request(Method::POST, path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::ACCEPT, accept)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Posts `body` to `path` as a script would, with `headers` replacing the client's own (an
    /// `Origin` of another site, for example).
    pub async fn post_multipart_with(
        &mut self,
        path: &str,
        body: Vec<u8>,
        headers: &[(&'static str, &'static str)],
    ) -> TestResponse {
        let mut req = self
            .request(Method::POST, path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body))
            .unwrap();
        for (name, value) in headers {
            req.headers_mut()
                .insert(*name, axum::http::HeaderValue::from_static(value));
        }
        self.send(req).await
    }

    /// Uploads `file` as a document of `kind` to request `request`, as a script would.
    pub async fn upload(&mut self, request: i64, kind: &str, file: &FilePart<'_>) -> TestResponse {
        let body = multipart_body(Some(kind), Some(file));
        self.post_multipart(&format!("/requests/{request}/attachments"), body, false)
            .await
    }
}
