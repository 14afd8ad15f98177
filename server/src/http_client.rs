//! A small HTTP/1.1 client that calls Comptoir as the browser does, over one kept-alive
//! connection: the load command, the crash test and the multi-server test use it.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::http::{HeaderValue, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("HTTP: {0}")]
    Http(#[from] hyper::Error),
    #[error("request: {0}")]
    Request(#[from] axum::http::Error),
    #[error("login refused with {0}")]
    LoginRefused(StatusCode),
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
    pub set_cookie: Option<String>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub struct HttpClient {
    address: SocketAddr,
    sender: SendRequest<Full<Bytes>>,
    /// `comptoir_session=…` once logged in.
    pub cookie: Option<String>,
    /// Sent as `X-Forwarded-For`, to play clients behind a trusted proxy.
    pub forwarded_for: Option<String>,
    /// An API key (`cpt_…`), sent as `Authorization: Bearer`, for `/api/v1`.
    pub api_key: Option<String>,
}

impl HttpClient {
    pub async fn connect(address: SocketAddr) -> Result<Self, ClientError> {
        let stream = tokio::net::TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            // Ends when the server closes the connection; the next request then reports it.
            let _ = connection.await;
        });
        Ok(Self {
            address,
            sender,
            cookie: None,
            forwarded_for: None,
            api_key: None,
        })
    }

    async fn post(
        &mut self,
        path: &str,
        content_type: &'static str,
        body: String,
    ) -> Result<Answer, ClientError> {
        self.post_with(path, content_type, body, None).await
    }

    async fn post_with(
        &mut self,
        path: &str,
        content_type: &'static str,
        body: String,
        idempotency_key: Option<&str>,
    ) -> Result<Answer, ClientError> {
        let mut request = Request::post(path)
            .header(header::HOST, self.address.to_string())
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ACCEPT, "application/json")
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(address) = &self.forwarded_for {
            request = request.header("x-forwarded-for", address);
        }
        if let Some(key) = &self.api_key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        if let Some(idempotency_key) = idempotency_key {
            request = request.header("idempotency-key", idempotency_key);
        }
        self.sender.ready().await?;
        let response = self
            .sender
            .send_request(request.body(Full::new(Bytes::from(body)))?)
            .await?;
        let status = response.status();
        let set_cookie = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value: &HeaderValue| value.to_str().ok())
            .find(|value| value.starts_with("comptoir_session="))
            .and_then(|value| value.split(';').next())
            .map(str::to_owned);
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            body,
            set_cookie,
        })
    }

    /// A server function with JSON arguments.
    pub async fn call_json(
        &mut self,
        endpoint: &str,
        arguments: &serde_json::Value,
    ) -> Result<Answer, ClientError> {
        self.post(
            &format!("/api/{endpoint}"),
            "application/json",
            arguments.to_string(),
        )
        .await
    }

    /// A REST API operation (`/api/v1/…`) with a JSON body and an `Idempotency-Key`, with the
    /// client's `api_key`.
    pub async fn call_api(
        &mut self,
        path: &str,
        idempotency_key: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, ClientError> {
        self.post_with(
            path,
            "application/json",
            body.to_string(),
            Some(idempotency_key),
        )
        .await
    }

    /// A server function with form-encoded arguments, as the login form sends them.
    pub async fn call_form(
        &mut self,
        endpoint: &str,
        pairs: &[(&str, &str)],
    ) -> Result<Answer, ClientError> {
        self.post(
            &format!("/api/{endpoint}"),
            "application/x-www-form-urlencoded",
            form_body(pairs),
        )
        .await
    }

    /// Logs in and keeps the session cookie for the next calls.
    pub async fn login(&mut self, email: &str, password: &str) -> Result<(), ClientError> {
        let answer = self
            .call_form("login", &[("email", email), ("password", password)])
            .await?;
        match (answer.status, answer.set_cookie) {
            (StatusCode::OK, Some(cookie)) => {
                self.cookie = Some(cookie);
                Ok(())
            }
            (status, _) => Err(ClientError::LoginRefused(status)),
        }
    }
}

/// `application/x-www-form-urlencoded` from key/value pairs.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", url_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
