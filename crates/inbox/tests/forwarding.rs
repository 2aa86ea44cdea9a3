//! Forwarding through the durable outbox, on both backends, to a real local HTTP receiver and a
//! minimal local SMTP server: a webhook that fails gets the message later, one that is down
//! across a restart of the inbox still gets it once it is back, and a busy mail server gets the
//! e-mail on a retry.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{config, each_backend, id, sample, temp_dir, Server};

/// A webhook receiver on 127.0.0.1: answers 503 while `failing` is set, then 200; keeps every
/// request body it saw.
struct Receiver {
    url: String,
    failing: Arc<Mutex<bool>>,
    received: Arc<Mutex<Vec<(u16, Value)>>>,
}

impl Receiver {
    fn start(failing: bool) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let failing = Arc::new(Mutex::new(failing));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (f, r) = (Arc::clone(&failing), Arc::clone(&received));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream);
                let mut length = 0;
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let status = if *f.lock().expect("lock") { 503 } else { 200 };
                r.lock().expect("lock").push((status, serde_json::from_slice(&body).unwrap_or(Value::Null)));
                let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                let _ = reader.get_mut().write_all(answer.as_bytes());
            }
        });
        Receiver { url, failing, received }
    }

    fn statuses(&self) -> Vec<u16> {
        self.received.lock().expect("lock").iter().map(|(s, _)| *s).collect()
    }

    /// Waits until a delivery was answered 200; the bodies received so far.
    fn wait_for_success(&self) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !self.statuses().contains(&200) {
            assert!(Instant::now() < deadline, "no successful delivery; statuses so far {:?}", self.statuses());
            std::thread::sleep(Duration::from_millis(50));
        }
        self.received.lock().expect("lock").iter().map(|(_, b)| b.clone()).collect()
    }
}

fn forwarding_config(url: &str, format: &str) -> inbox::Config {
    config(&format!("[forward]\nretry_base_ms = 200\n[[forward.webhooks]]\nurl = \"{url}\"\nformat = \"{format}\""))
}

#[test]
fn a_failing_webhook_gets_the_message_on_a_retry() {
    each_backend(a_failing_webhook_gets_the_message_on_a_retry_on);
}

fn a_failing_webhook_gets_the_message_on_a_retry_on() {
    let receiver = Receiver::start(true);
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), forwarding_config(&receiver.url, "json"));
    assert_eq!(server.post_json(&sample(&id(1))).status, 201);
    // Let it fail twice, then come back.
    let deadline = Instant::now() + Duration::from_secs(15);
    while receiver.statuses().len() < 2 {
        assert!(Instant::now() < deadline, "no retries: {:?}", receiver.statuses());
        std::thread::sleep(Duration::from_millis(20));
    }
    *receiver.failing.lock().expect("lock") = false;
    let bodies = receiver.wait_for_success();
    assert!(bodies.len() >= 3, "two failures and a success: {:?}", receiver.statuses());
    for body in &bodies {
        assert_eq!(body["event"], json!("feedback.created"));
        assert_eq!(body["feedback"]["id"], json!(id(1)));
        assert_eq!(body["feedback"]["message"], sample(&id(1))["message"]);
    }
    // A retry of the submission queues nothing new.
    assert_eq!(server.post_json(&sample(&id(1))).header("idempotent-replayed"), Some("true"));
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(receiver.statuses().iter().filter(|s| **s == 200).count(), 1, "delivered once");
}

#[test]
fn a_webhook_down_across_a_restart_still_gets_the_message() {
    each_backend(a_webhook_down_across_a_restart_still_gets_the_message_on);
}

fn a_webhook_down_across_a_restart_still_gets_the_message_on() {
    let receiver = Receiver::start(true);
    let dir = temp_dir();
    {
        let server = Server::start_with(dir.path(), forwarding_config(&receiver.url, "slack"));
        let mut body = sample(&id(2));
        body["message"] = json!("Where is my parcel?");
        assert_eq!(server.post_json(&body).status, 201);
        let deadline = Instant::now() + Duration::from_secs(15);
        while receiver.statuses().is_empty() {
            assert!(Instant::now() < deadline, "no attempt before the restart");
            std::thread::sleep(Duration::from_millis(20));
        }
    } // the inbox stops while the webhook is still failing
    *receiver.failing.lock().expect("lock") = false;
    let _server = Server::start_with(dir.path(), forwarding_config(&receiver.url, "slack"));
    let bodies = receiver.wait_for_success();
    let text = bodies.last().and_then(|b| b["text"].as_str()).unwrap_or_default().to_string();
    assert!(text.starts_with("New message (4/5):\nWhere is my parcel?"), "{text:?}");
}

/// A minimal SMTP server on 127.0.0.1: refuses `MAIL FROM` with 451 while `busy` is set, else
/// accepts; keeps every message's DATA.
struct SmtpReceiver {
    port: u16,
    busy: Arc<Mutex<bool>>,
    refused: Arc<Mutex<u32>>,
    mails: Arc<Mutex<Vec<String>>>,
}

impl SmtpReceiver {
    fn start(busy: bool) -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (busy, refused, mails) = (Arc::new(Mutex::new(busy)), Arc::new(Mutex::new(0)), Arc::new(Mutex::new(Vec::new())));
        let (b, r, m) = (Arc::clone(&busy), Arc::clone(&refused), Arc::clone(&mails));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let _ = stream.write_all(b"220 localhost ESMTP test\r\n");
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    let command = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                        b"250 localhost\r\n"
                    } else if command.starts_with("MAIL FROM") {
                        if *b.lock().expect("lock") {
                            *r.lock().expect("lock") += 1;
                            b"451 4.3.0 busy, try again later\r\n"
                        } else {
                            b"250 OK\r\n"
                        }
                    } else if command.starts_with("RCPT TO") || command.starts_with("RSET") || command.starts_with("NOOP") {
                        b"250 OK\r\n"
                    } else if command == "DATA" {
                        let _ = stream.write_all(b"354 go ahead\r\n");
                        let mut data = String::new();
                        let mut part = String::new();
                        while reader.read_line(&mut part).is_ok_and(|n| n > 0) && part != ".\r\n" {
                            data.push_str(&part);
                            part.clear();
                        }
                        m.lock().expect("lock").push(data);
                        b"250 OK queued\r\n"
                    } else if command == "QUIT" {
                        let _ = stream.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"502 not implemented\r\n"
                    };
                    let _ = stream.write_all(reply);
                    line.clear();
                }
            }
        });
        SmtpReceiver { port, busy, refused, mails }
    }
}

#[test]
fn an_email_is_sent_once_the_mail_server_takes_it() {
    each_backend(an_email_is_sent_once_the_mail_server_takes_it_on);
}

fn an_email_is_sent_once_the_mail_server_takes_it_on() {
    let smtp = SmtpReceiver::start(true);
    let dir = temp_dir();
    let toml = format!(
        "[forward]\nretry_base_ms = 200\n[[forward.emails]]\nto = \"owner@shop.example\"\n\
         from = \"Inbox <inbox@shop.example>\"\nsmtp_url = \"smtp://127.0.0.1:{}\"",
        smtp.port
    );
    let server = Server::start_with(dir.path(), config(&toml));
    let mut body = sample(&id(3));
    body["message"] = json!("Please call me back about order 1234.");
    assert_eq!(server.post_json(&body).status, 201);
    let deadline = Instant::now() + Duration::from_secs(15);
    while *smtp.refused.lock().expect("lock") < 1 {
        assert!(Instant::now() < deadline, "no attempt while the mail server was busy");
        std::thread::sleep(Duration::from_millis(20));
    }
    *smtp.busy.lock().expect("lock") = false;
    while smtp.mails.lock().expect("lock").is_empty() {
        assert!(Instant::now() < deadline, "no e-mail delivered after the mail server came back");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(600));
    let mails = smtp.mails.lock().expect("lock").clone();
    assert_eq!(mails.len(), 1, "sent once");
    let mail = &mails[0];
    for expected in [
        "From: Inbox <inbox@shop.example>",
        "To: owner@shop.example",
        "Reply-To: ana@example.org",
        "Subject: New message: Please call me back about order 1234.",
        "Please call me back about order 1234.",
        "Page: https://shop.example/checkout",
    ] {
        assert!(mail.contains(expected), "{expected:?} missing in:\n{mail}");
    }
}
