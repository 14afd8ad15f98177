//! A minimal SMTP listener: accepts any message and hands it to the test, so the real e-mail the
//! app sends can be read.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

pub struct ReceivedMail {
    pub recipients: Vec<String>,
    pub data: String,
}

/// Starts listening on a free local port; returns the port and the stream of received mails.
pub async fn start() -> (u16, mpsc::UnboundedReceiver<ReceivedMail>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind SMTP listener");
    let port = listener.local_addr().expect("address").port();
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let sender = sender.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 test.localhost ESMTP\r\n").await;
                let mut recipients = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO")
                    {
                        b"250-test.localhost\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("RCPT TO:") {
                        recipients.push(
                            line[8..]
                                .trim()
                                .trim_matches(|c| c == '<' || c == '>')
                                .to_owned(),
                        );
                        b"250 OK\r\n"
                    } else if command.starts_with("DATA") {
                        let _ = write
                            .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                            .await;
                        let mut data = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            data.push_str(&line);
                            data.push('\n');
                        }
                        let _ = sender.send(ReceivedMail {
                            recipients: std::mem::take(&mut recipients),
                            data,
                        });
                        b"250 OK queued\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = write.write_all(b"221 Bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, receiver)
}

/// The message body with quoted-printable soft breaks and escapes undone.
pub fn decoded_body(data: &str) -> String {
    let body = data.split_once("\n\n").map_or(data, |(_, body)| body);
    let joined = body.replace("=\n", "");
    let mut decoded = Vec::new();
    let bytes = joined.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'='
            && index + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[index + 1..index + 3], 16)
        {
            decoded.push(byte);
            index += 3;
            continue;
        }
        decoded.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}
