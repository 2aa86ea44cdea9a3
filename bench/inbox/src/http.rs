//! Plain HTTP/1.1 over loopback with `std`: the requests are few fixed shapes and the answers
//! are read as they come, so each timing is the server's and the socket's, not a client
//! library's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One HTTP/1.1 message, a request or an answer.
pub struct Message {
    /// The request or status line.
    pub first: String,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    /// As long as `content-length` says.
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one [`Message`] with a `content-length` body (or none).
pub fn read_message(reader: &mut impl BufRead) -> std::io::Result<Message> {
    let mut first = String::new();
    if reader.read_line(&mut first)? == 0 {
        return Err(std::io::Error::other("connection closed before a message"));
    }
    let mut headers = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("connection closed mid-message"));
        }
        match line.trim_end().split_once(':') {
            Some((name, value)) => {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()))
            }
            None if line.trim_end().is_empty() => break,
            None => {}
        }
    }
    let mut message = Message {
        first: first.trim_end().to_string(),
        headers,
        body: Vec::new(),
    };
    let length = message
        .header("content-length")
        .and_then(|v| v.parse().ok());
    message.body = vec![0; length.unwrap_or(0)];
    reader.read_exact(&mut message.body)?;
    Ok(message)
}

/// One POST of a submission with `id` on the kept-alive connection (opened on demand); the
/// answer's status.
pub fn post(
    connection: &mut Option<BufReader<TcpStream>>,
    addr: &str,
    id: &str,
) -> std::io::Result<u16> {
    if connection.is_none() {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        *connection = Some(BufReader::new(stream));
    }
    let reader = connection.as_mut().expect("connected");
    let body = format!(
        r#"{{"id":"{id}","message":"Load test message {id}","rating":4,"email":"load@example.org","name":null,"consent":null,"page":{{"url":"https://shop.example/checkout","title":"Checkout","referrer":""}},"locale":"en","timeZone":"UTC","createdAt":"2026-11-24T12:00:00.000Z","widget":{{"version":"0.1.0"}}}}"#
    );
    let request = format!(
        "POST /api/feedback HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\nidempotency-key: {id}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    reader.get_mut().write_all(request.as_bytes())?;
    let line = read_message(reader)?.first;
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))
}

/// One GET on a new connection, which must answer 200: its headers (names in lower case), with
/// the body handed to `each` as it arrives (chunked or not).
pub fn get(
    addr: &str,
    path: &str,
    mut each: impl FnMut(&[u8]),
) -> Result<Vec<(String, String)>, String> {
    let io = |e: std::io::Error| format!("GET {path}: {e}");
    let stream = TcpStream::connect(addr).map_err(io)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .map_err(io)?;
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    reader.get_mut().write_all(request.as_bytes()).map_err(io)?;
    let mut line = String::new();
    reader.read_line(&mut line).map_err(io)?;
    if !line.starts_with("HTTP/1.1 200") {
        return Err(format!("GET {path}: {}", line.trim()));
    }
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).map_err(io)?;
        match line.trim_end().split_once(':') {
            Some((name, value)) => {
                headers.push((name.to_ascii_lowercase(), value.trim().to_string()))
            }
            None => break,
        }
    }
    let chunked =
        |(name, value): &(String, String)| name == "transfer-encoding" && value == "chunked";
    if !headers.iter().any(chunked) {
        let mut buffer = vec![0; 1 << 16];
        loop {
            match reader.read(&mut buffer).map_err(io)? {
                0 => return Ok(headers),
                n => each(&buffer[..n]),
            }
        }
    }
    let mut chunk = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).map_err(io)?;
        let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
            .map_err(|_| format!("GET {path}: bad chunk size {line:?}"))?;
        if size == 0 {
            return Ok(headers);
        }
        chunk.resize(size + 2, 0);
        reader.read_exact(&mut chunk).map_err(io)?;
        each(&chunk[..size]);
    }
}
