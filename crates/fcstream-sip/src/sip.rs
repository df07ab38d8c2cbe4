//! SIP messages on the wire: one UDP datagram in, a [`Message`] (or a [`Malformed`] that
//! says whether a `400`/`501` can still be sent), and responses and requests out.
//!
//! Parsing and generation are `rsip`'s (0.4: the maintained SIP message crate; the
//! transaction and dialog layers of `rsipstack` own their sockets and tasks, which the sans-I/O
//! UAS of this crate does not want). Around it, by hand, only what rsip leaves out:
//! compact header names (`i:`, `v:`, ...), folded header lines and `Name : value` spacing are
//! normalised before rsip sees the message; the body is cut at `Content-Length`; the
//! headers every request must carry are checked; and when rsip refuses a message, a lenient
//! scan still finds the headers a `400 Bad Request` (or `501 Not Implemented`) needs.

use std::fmt::Write as _;

use rsip::headers::UntypedHeader;
use rsip::prelude::HasHeaders;

/// Largest datagram read (the largest UDP payload).
pub const MAX_DATAGRAM: usize = 65_535;

/// The methods this UAS knows (the others are answered `501 Not Implemented`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Starts a call (or, inside one, a re-INVITE).
    Invite,
    /// Confirms a final response to an INVITE.
    Ack,
    /// Ends a call.
    Bye,
    /// Withdraws a pending INVITE.
    Cancel,
    /// Capabilities.
    Options,
    /// Known to SIP but not served here: answered `405 Method Not Allowed`.
    Other(KnownMethod),
}

/// SIP methods a UAS may receive that this one refuses with `405`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KnownMethod {
    /// RFC 3261 `REGISTER`.
    Register,
    /// RFC 6086 `INFO`.
    Info,
    /// RFC 3428 `MESSAGE`.
    Message,
    /// RFC 6665 `NOTIFY`.
    Notify,
    /// RFC 6665 `SUBSCRIBE`.
    Subscribe,
    /// RFC 3262 `PRACK`.
    Prack,
    /// RFC 3903 `PUBLISH`.
    Publish,
    /// RFC 3515 `REFER`.
    Refer,
    /// RFC 3311 `UPDATE`.
    Update,
}

impl Method {
    fn from_rsip(m: rsip::Method) -> Self {
        use rsip::Method as M;
        match m {
            M::Invite => Self::Invite,
            M::Ack => Self::Ack,
            M::Bye => Self::Bye,
            M::Cancel => Self::Cancel,
            M::Options => Self::Options,
            M::Register => Self::Other(KnownMethod::Register),
            M::Info => Self::Other(KnownMethod::Info),
            M::Message => Self::Other(KnownMethod::Message),
            M::Notify => Self::Other(KnownMethod::Notify),
            M::Subscribe => Self::Other(KnownMethod::Subscribe),
            M::PRack => Self::Other(KnownMethod::Prack),
            M::Publish => Self::Other(KnownMethod::Publish),
            M::Refer => Self::Other(KnownMethod::Refer),
            M::Update => Self::Other(KnownMethod::Update),
        }
    }

    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invite => "INVITE",
            Self::Ack => "ACK",
            Self::Bye => "BYE",
            Self::Cancel => "CANCEL",
            Self::Options => "OPTIONS",
            Self::Other(KnownMethod::Register) => "REGISTER",
            Self::Other(KnownMethod::Info) => "INFO",
            Self::Other(KnownMethod::Message) => "MESSAGE",
            Self::Other(KnownMethod::Notify) => "NOTIFY",
            Self::Other(KnownMethod::Subscribe) => "SUBSCRIBE",
            Self::Other(KnownMethod::Prack) => "PRACK",
            Self::Other(KnownMethod::Publish) => "PUBLISH",
            Self::Other(KnownMethod::Refer) => "REFER",
            Self::Other(KnownMethod::Update) => "UPDATE",
        }
    }
}

/// The headers every request and response carries, copied as they came (the values, not
/// re-serialised), which is what a response must echo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Common {
    /// Every `Via` value, in order (one entry per header line; a line may list several).
    pub via: Vec<String>,
    /// `From`.
    pub from: String,
    /// `To`.
    pub to: String,
    /// `Call-ID`.
    pub call_id: String,
    /// The `CSeq` number.
    pub cseq: u32,
    /// The `CSeq` method, as written.
    pub cseq_method: String,
}

impl Common {
    /// The `branch` of the topmost `Via` (the transaction's id), if any.
    pub fn branch(&self) -> Option<&str> {
        let top = self.via.first()?;
        let top = top.split(',').next()?;
        param(top, "branch")
    }

    /// The `tag` of `From`.
    pub fn from_tag(&self) -> Option<&str> {
        param(after_uri(&self.from), "tag")
    }

    /// The `tag` of `To`.
    pub fn to_tag(&self) -> Option<&str> {
        param(after_uri(&self.to), "tag")
    }
}

/// A request, with what the UAS reads from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The Request-URI, as written.
    pub uri: String,
    /// Via, From, To, Call-ID, CSeq.
    pub common: Common,
    /// The `Contact` URI (inside `<>` if any), where in-dialog requests go.
    pub contact: Option<String>,
    /// Every `Record-Route` value, in order.
    pub record_route: Vec<String>,
    /// `Content-Type`, lower-cased, parameters dropped.
    pub content_type: Option<String>,
    /// `Require` option tags.
    pub require: Vec<String>,
    /// `Max-Forwards`, if present and a number.
    pub max_forwards: Option<u32>,
    /// The body, cut at `Content-Length`.
    pub body: Vec<u8>,
}

/// A response, with what a UAC transaction reads from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Via, From, To, Call-ID, CSeq.
    pub common: Common,
}

/// One parsed datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A request.
    Request(Box<Request>),
    /// A response.
    Response(Box<Response>),
}

/// A datagram that is not a usable SIP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Why, for the log and the `400`'s reason phrase.
    pub reason: String,
    /// How it can still be answered; `None`: drop it (a response, an ACK, or a request
    /// without the headers a response needs).
    pub reply: Option<Box<MalformedReply>>,
}

/// The answer a malformed request can still get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedReply {
    /// `400` (bad syntax) or `501` (a method this UAS does not know).
    pub status: u16,
    /// What the response echoes.
    pub common: Common,
}

/// Compact header forms (RFC 3261 §7.3.3 and the registry) and their full names.
const COMPACT: &[(&str, &str)] = &[
    ("i", "Call-ID"),
    ("m", "Contact"),
    ("e", "Content-Encoding"),
    ("l", "Content-Length"),
    ("c", "Content-Type"),
    ("f", "From"),
    ("s", "Subject"),
    ("k", "Supported"),
    ("t", "To"),
    ("v", "Via"),
];

/// Parses one datagram.
pub fn parse(data: &[u8]) -> Result<Message, Malformed> {
    let drop = |reason: &str| Malformed {
        reason: reason.to_string(),
        reply: None,
    };
    if data.len() > MAX_DATAGRAM {
        return Err(drop("datagram too large"));
    }
    // Keep-alives (RFC 5626: CRLF) and stray bytes.
    let data = trim_leading_crlf(data);
    if data.is_empty() {
        return Err(drop("empty datagram"));
    }
    let (head, body) = split_head(data).ok_or_else(|| drop("no end of headers"))?;
    let head = std::str::from_utf8(head).map_err(|_| drop("headers are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default().to_string();
    let headers = unfold(lines);
    let common = lenient_common(&headers);
    let is_request = !start.starts_with("SIP/");
    let method_token = start.split(' ').next().unwrap_or_default().to_string();
    let fail = |reason: String| {
        let reply = if is_request && method_token != "ACK" {
            common.clone().map(|common| {
                Box::new(MalformedReply {
                    status: if is_request
                        && known_method(&method_token).is_none()
                        && is_token(&method_token)
                    {
                        501
                    } else {
                        400
                    },
                    common,
                })
            })
        } else {
            None
        };
        Malformed { reason, reply }
    };
    // The body ends at Content-Length (UDP: a missing one means the rest of the datagram).
    let body = match header_value(&headers, "Content-Length") {
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n <= body.len() => &body[..n],
            Ok(_) => return Err(fail("Content-Length larger than the body".into())),
            Err(_) => return Err(fail("Content-Length is not a number".into())),
        },
        None => body,
    };
    if is_request && known_method(&method_token).is_none() {
        return Err(fail(format!("method {method_token:?} not implemented")));
    }
    // What rsip parses: the start line, normalised headers, the body.
    let mut text = String::with_capacity(head.len() + 4);
    text.push_str(&start);
    text.push_str("\r\n");
    for (name, value) in &headers {
        let _ = write!(text, "{name}: {value}\r\n");
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    let parsed = rsip::SipMessage::try_from(bytes.as_slice())
        .map_err(|e| fail(format!("unparsable: {e}")))?;
    let Some(common) = common.clone() else {
        return Err(fail("a mandatory header is missing or invalid".into()));
    };
    match parsed {
        rsip::SipMessage::Request(req) => {
            let method = Method::from_rsip(req.method);
            if !common.cseq_method.eq_ignore_ascii_case(method.as_str()) {
                return Err(fail("CSeq method differs from the request's".into()));
            }
            let mut contact = None;
            let mut record_route = Vec::new();
            let mut content_type = None;
            let mut require = Vec::new();
            let mut max_forwards = None;
            for h in req.headers().iter() {
                match h {
                    rsip::Header::Contact(c) if contact.is_none() => {
                        contact = Some(uri_of(c.value()).to_string())
                    }
                    rsip::Header::RecordRoute(r) => record_route.push(r.value().to_string()),
                    rsip::Header::ContentType(c) => {
                        content_type = Some(
                            c.value()
                                .split(';')
                                .next()
                                .unwrap_or_default()
                                .trim()
                                .to_ascii_lowercase(),
                        )
                    }
                    rsip::Header::Require(r) => require.extend(
                        r.value()
                            .split(',')
                            .map(|s| s.trim().to_ascii_lowercase())
                            .filter(|s| !s.is_empty()),
                    ),
                    rsip::Header::MaxForwards(m) => max_forwards = m.value().trim().parse().ok(),
                    _ => {}
                }
            }
            Ok(Message::Request(Box::new(Request {
                method,
                uri: req.uri.to_string(),
                common,
                contact,
                record_route,
                content_type,
                require,
                max_forwards,
                body: req.body,
            })))
        }
        rsip::SipMessage::Response(res) => Ok(Message::Response(Box::new(Response {
            status: res.status_code.code(),
            common,
        }))),
    }
}

fn trim_leading_crlf(mut data: &[u8]) -> &[u8] {
    while let [b'\r' | b'\n', rest @ ..] = data {
        data = rest;
    }
    data
}

/// Splits at the blank line ending the headers (CRLF CRLF; a bare LF LF too).
fn split_head(data: &[u8]) -> Option<(&[u8], &[u8])> {
    if let Some(i) = find(data, b"\r\n\r\n") {
        return Some((&data[..i], &data[i + 4..]));
    }
    // A datagram that is only headers, ending in one CRLF.
    if data.ends_with(b"\r\n") {
        return Some((&data[..data.len() - 2], &[]));
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Header lines as (full name, value): folded lines joined, names expanded, spaces trimmed.
fn unfold<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            // A line with no colon: keep it so rsip refuses the message.
            out.push((line.to_string(), String::new()));
            continue;
        };
        let name = name.trim();
        let full = COMPACT
            .iter()
            .find(|(short, _)| short.eq_ignore_ascii_case(name))
            .map_or(name, |(_, full)| full);
        out.push((full.to_string(), value.trim().to_string()));
    }
    out
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Via, From, To, Call-ID and CSeq, if all are there and CSeq reads.
fn lenient_common(headers: &[(String, String)]) -> Option<Common> {
    let via: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Via"))
        .map(|(_, v)| v.clone())
        .collect();
    if via.is_empty() {
        return None;
    }
    let (num, method) = header_value(headers, "CSeq")?.trim().split_once(' ')?;
    let method = method.trim();
    if !is_token(method) {
        return None;
    }
    let call_id = header_value(headers, "Call-ID")?;
    if call_id.is_empty() {
        return None;
    }
    Some(Common {
        via,
        from: header_value(headers, "From")?.to_string(),
        to: header_value(headers, "To")?.to_string(),
        call_id: call_id.to_string(),
        cseq: num.trim().parse().ok()?,
        cseq_method: method.to_string(),
    })
}

fn known_method(token: &str) -> Option<rsip::Method> {
    rsip::Method::all()
        .into_iter()
        .find(|m| m.to_string() == token)
}

/// An RFC 3261 `token`.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
}

/// The part of a name-addr after the URI (where its header parameters are).
fn after_uri(v: &str) -> &str {
    match v.find('>') {
        Some(i) => &v[i + 1..],
        None => v,
    }
}

/// The URI of a name-addr or addr-spec (`"Bob" <sip:b@h>;tag=1` → `sip:b@h`).
pub fn uri_of(v: &str) -> &str {
    match (v.find('<'), v.find('>')) {
        (Some(a), Some(b)) if a < b => &v[a + 1..b],
        _ => v.split(';').next().unwrap_or(v).trim(),
    }
}

/// The user part of a SIP URI (`sip:+1555@h` → `+1555`), or the whole URI if it has none.
pub fn user_of(uri: &str) -> &str {
    let rest = uri
        .strip_prefix("sips:")
        .or_else(|| uri.strip_prefix("sip:"))
        .or_else(|| uri.strip_prefix("tel:"))
        .unwrap_or(uri);
    match rest.split_once('@') {
        Some((user, _)) => user.split(';').next().unwrap_or(user),
        None if uri.starts_with("tel:") => rest.split(';').next().unwrap_or(rest),
        None => uri,
    }
}

/// The value of `;name=value` among `params` (case-insensitive name).
fn param<'a>(params: &'a str, name: &str) -> Option<&'a str> {
    params.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The reason phrase sent with `status` (RFC 3261 §21 and friends).
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Trying",
        180 => "Ringing",
        200 => "OK",
        400 => "Bad Request",
        405 => "Method Not Allowed",
        415 => "Unsupported Media Type",
        420 => "Bad Extension",
        481 => "Call/Transaction Does Not Exist",
        483 => "Too Many Hops",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        491 => "Request Pending",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        603 => "Decline",
        _ => "Unknown",
    }
}

/// A response about to be sent: the common headers echoed, plus what this one adds.
#[derive(Debug, Clone)]
pub struct ResponseBuilder {
    status: u16,
    common: Common,
    to_tag: Option<String>,
    extra: Vec<rsip::Header>,
    body: Option<(String, Vec<u8>)>,
}

impl ResponseBuilder {
    /// A `status` response echoing `common`.
    pub fn new(status: u16, common: &Common) -> Self {
        Self {
            status,
            common: common.clone(),
            to_tag: None,
            extra: Vec::new(),
            body: None,
        }
    }

    /// Adds `;tag=tag` to `To` unless it has one.
    pub fn to_tag(mut self, tag: &str) -> Self {
        if self.common.to_tag().is_none() {
            self.to_tag = Some(tag.to_string());
        }
        self
    }

    /// One more header (`Contact`, `Allow`, `Warning`, ...), written as `name: value`.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.extra.push(other(name, value.into()));
        self
    }

    /// The body and its content type.
    pub fn body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.body = Some((content_type.to_string(), body));
        self
    }

    /// The datagram.
    pub fn build(self) -> Vec<u8> {
        let mut headers = rsip::Headers::default();
        for v in &self.common.via {
            headers.push(rsip::headers::Via::new(v.clone()).into());
        }
        headers.push(rsip::headers::From::new(self.common.from.clone()).into());
        let to = match &self.to_tag {
            Some(tag) => format!("{};tag={tag}", self.common.to),
            None => self.common.to.clone(),
        };
        headers.push(rsip::headers::To::new(to).into());
        headers.push(rsip::headers::CallId::new(self.common.call_id.clone()).into());
        headers.push(
            rsip::headers::CSeq::new(format!("{} {}", self.common.cseq, self.common.cseq_method))
                .into(),
        );
        for h in self.extra {
            headers.push(h);
        }
        headers.push(rsip::headers::Server::new(crate::USER_AGENT).into());
        let body = match self.body {
            Some((ct, body)) => {
                headers.push(rsip::headers::ContentType::new(ct).into());
                body
            }
            None => Vec::new(),
        };
        headers.push(rsip::headers::ContentLength::new(body.len().to_string()).into());
        let response = rsip::Response {
            status_code: rsip::StatusCode::Other(self.status, reason(self.status).to_string()),
            version: rsip::Version::V2,
            headers,
            body,
        };
        rsip::SipMessage::Response(response).into()
    }
}

fn other(name: &str, value: String) -> rsip::Header {
    rsip::Header::Other(name.to_string(), value)
}

/// A request this UAS sends inside a dialog (BYE).
#[derive(Debug, Clone)]
pub struct RequestSpec<'a> {
    /// The method.
    pub method: &'a str,
    /// The Request-URI (the peer's Contact).
    pub uri: &'a str,
    /// `sent-by` of our Via (`host:port`).
    pub sent_by: &'a str,
    /// The new transaction's branch (starts with the RFC 3261 magic cookie).
    pub branch: &'a str,
    /// `From`: our end of the dialog, with our tag.
    pub from: &'a str,
    /// `To`: their end, with their tag.
    pub to: &'a str,
    /// `Call-ID`.
    pub call_id: &'a str,
    /// Our CSeq number.
    pub cseq: u32,
    /// The route set (`Route` values, in order).
    pub route: &'a [String],
}

impl RequestSpec<'_> {
    /// The datagram.
    pub fn build(&self) -> Vec<u8> {
        // The Request-URI is written as text: rsip's `Uri` would re-serialise (and could
        // refuse) a Contact the peer wrote and expects back byte for byte.
        let mut text = format!("{} {} SIP/2.0\r\n", self.method, self.uri);
        let _ = write!(
            text,
            "Via: SIP/2.0/UDP {};branch={};rport\r\nMax-Forwards: 70\r\n",
            self.sent_by, self.branch
        );
        for r in self.route {
            let _ = write!(text, "Route: {r}\r\n");
        }
        let _ = write!(
            text,
            "From: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {} {}\r\nUser-Agent: {}\r\nContent-Length: 0\r\n\r\n",
            self.from,
            self.to,
            self.call_id,
            self.cseq,
            self.method,
            crate::USER_AGENT
        );
        text.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "INVITE sip:app@127.0.0.1:5060 SIP/2.0\r\n\
        Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1;rport\r\n\
        Max-Forwards: 70\r\n\
        From: \"Tester\" <sip:+15550100@127.0.0.1>;tag=abc\r\n\
        To: <sip:app@127.0.0.1>\r\n\
        Call-ID: call-1@127.0.0.1\r\n\
        CSeq: 1 INVITE\r\n\
        Contact: <sip:tester@127.0.0.1:5070>\r\n\
        Content-Type: application/sdp\r\n\
        Content-Length: 4\r\n\r\nv=0\nJUNK";

    fn request(text: &str) -> Request {
        match parse(text.as_bytes()) {
            Ok(Message::Request(r)) => *r,
            other => panic!("not a request: {other:?}"),
        }
    }

    #[test]
    fn an_invite_reads() {
        let r = request(INVITE);
        assert_eq!(r.method, Method::Invite);
        assert_eq!(r.common.call_id, "call-1@127.0.0.1");
        assert_eq!(r.common.cseq, 1);
        assert_eq!(r.common.branch(), Some("z9hG4bK-1"));
        assert_eq!(r.common.from_tag(), Some("abc"));
        assert_eq!(r.common.to_tag(), None);
        assert_eq!(r.contact.as_deref(), Some("sip:tester@127.0.0.1:5070"));
        assert_eq!(r.content_type.as_deref(), Some("application/sdp"));
        assert_eq!(r.max_forwards, Some(70));
        // Cut at Content-Length.
        assert_eq!(r.body, b"v=0\n");
        assert_eq!(user_of(uri_of(&r.common.from)), "+15550100");
    }

    #[test]
    fn compact_names_and_folding_are_normalised() {
        let text = "OPTIONS sip:app@h SIP/2.0\r\nv: SIP/2.0/UDP h:1;branch=z9hG4bKx\r\n\
            f: <sip:a@h>;tag=1\r\nt : <sip:b@h>\r\ni: cid\r\nCSeq: 7\r\n OPTIONS\r\nl: 0\r\n\r\n";
        let r = request(text);
        assert_eq!(r.method, Method::Options);
        assert_eq!(r.common.call_id, "cid");
        assert_eq!(r.common.cseq, 7);
        assert_eq!(r.common.to, "<sip:b@h>");
    }

    #[test]
    fn malformed_requests_get_400_when_they_can() {
        // CSeq method mismatch.
        let bad = INVITE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE");
        let e = parse(bad.as_bytes()).unwrap_err();
        assert_eq!(e.reply.as_ref().map(|r| r.status), Some(400));
        // Content-Length beyond the body.
        let bad = INVITE.replace("Content-Length: 4", "Content-Length: 400");
        assert_eq!(
            parse(bad.as_bytes()).unwrap_err().reply.map(|r| r.status),
            Some(400)
        );
        // A garbage start line but the headers are there.
        let bad = INVITE.replace("INVITE sip:app@127.0.0.1:5060 SIP/2.0", "INVITE");
        assert_eq!(
            parse(bad.as_bytes()).unwrap_err().reply.map(|r| r.status),
            Some(400)
        );
        // No Call-ID: nothing to answer with.
        let bad = INVITE.replace("Call-ID: call-1@127.0.0.1\r\n", "");
        assert_eq!(parse(bad.as_bytes()).unwrap_err().reply, None);
        // An unknown method: 501.
        let bad = INVITE
            .replace("INVITE sip", "FROBNICATE sip")
            .replace("1 INVITE", "1 FROBNICATE");
        assert_eq!(
            parse(bad.as_bytes()).unwrap_err().reply.map(|r| r.status),
            Some(501)
        );
        // A malformed ACK is never answered.
        let bad = INVITE
            .replace("INVITE sip", "ACK sip")
            .replace("CSeq: 1 INVITE", "CSeq: x ACK");
        assert_eq!(parse(bad.as_bytes()).unwrap_err().reply, None);
        // Binary junk.
        assert_eq!(parse(&[0xff, 0, 1, 2]).unwrap_err().reply, None);
    }

    #[test]
    fn responses_echo_the_common_headers_and_parse_back() {
        let r = request(INVITE);
        let bytes = ResponseBuilder::new(487, &r.common)
            .to_tag("xyz")
            .header("Allow", "INVITE, ACK")
            .build();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with("SIP/2.0 487 Request Terminated\r\n"),
            "{text}"
        );
        assert!(
            text.contains("To: <sip:app@127.0.0.1>;tag=xyz\r\n"),
            "{text}"
        );
        assert!(text.contains("Content-Length: 0\r\n\r\n"), "{text}");
        match parse(&bytes) {
            Ok(Message::Response(res)) => {
                assert_eq!(res.status, 487);
                assert_eq!(res.common.to_tag(), Some("xyz"));
                assert_eq!(res.common.branch(), Some("z9hG4bK-1"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bye_parses_back() {
        let route = vec!["<sip:proxy;lr>".to_string()];
        let bye = RequestSpec {
            method: "BYE",
            uri: "sip:tester@127.0.0.1:5070",
            sent_by: "127.0.0.1:5060",
            branch: "z9hG4bKabc",
            from: "<sip:app@127.0.0.1>;tag=xyz",
            to: "\"Tester\" <sip:+15550100@127.0.0.1>;tag=abc",
            call_id: "call-1",
            cseq: 2,
            route: &route,
        }
        .build();
        let r = match parse(&bye) {
            Ok(Message::Request(r)) => r,
            other => panic!("{other:?}"),
        };
        assert_eq!(r.method, Method::Bye);
        assert_eq!(r.common.branch(), Some("z9hG4bKabc"));
        assert_eq!(r.common.to_tag(), Some("abc"));
    }
}
