//! The offer/answer of a call (RFC 3264): read the caller's SDP offer, pick PCMU/8000 and
//! RFC 4733 `telephone-event/8000`, and write the answer.
//!
//! SDP is parsed and written by `sdp-types` (a small, maintained RFC 8866 model); this module
//! holds only the negotiation: which media line, which address, which payload types.

use std::net::{IpAddr, SocketAddr};

use sdp_types::{Attribute, Connection, Media, Origin, Session, Time};

/// RTP payload type of PCMU (static, RFC 3551).
pub const PCMU: u8 = 0;

/// What the offer and answer agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// Where the caller receives RTP (the offer's `c=` and `m=` port).
    pub remote: SocketAddr,
    /// The payload type of `telephone-event/8000` in the offer, if it offered one.
    pub telephone_event: Option<u8>,
    /// The direction we answer with (the offer's, seen from our side).
    pub direction: Direction,
    /// The `ptime` the caller asked for, in ms (we always send 20 ms).
    pub ptime: Option<u32>,
}

/// Media direction (RFC 3264 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both ways.
    SendRecv,
    /// We only send (the caller offered `recvonly`).
    SendOnly,
    /// We only receive (the caller offered `sendonly`).
    RecvOnly,
    /// Neither (`inactive`).
    Inactive,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Self::SendRecv => "sendrecv",
            Self::SendOnly => "sendonly",
            Self::RecvOnly => "recvonly",
            Self::Inactive => "inactive",
        }
    }
}

/// Why an offer cannot be answered (`488 Not Acceptable Here`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    /// Not SDP at all.
    #[error("the SDP does not parse: {0}")]
    Syntax(String),
    /// No `m=audio` line with a port over RTP/AVP.
    #[error("no usable audio stream (m=audio over RTP/AVP)")]
    NoAudio,
    /// Audio, but not PCMU/8000.
    #[error("PCMU/8000 not offered")]
    NoPcmu,
    /// No connection address, or one that is not an IP address.
    #[error("no usable connection address (c=)")]
    NoAddress,
}

/// Reads `offer` and chooses what to answer.
pub fn negotiate(offer: &[u8]) -> Result<Negotiated, OfferError> {
    let session = Session::parse(offer).map_err(|e| OfferError::Syntax(e.to_string()))?;
    let audio: Vec<&Media> = session
        .medias
        .iter()
        .filter(|m| m.media.eq_ignore_ascii_case("audio") && m.port != 0)
        .filter(|m| {
            let p = m.proto.to_ascii_uppercase();
            p == "RTP/AVP" || p == "RTP/AVPF"
        })
        .collect();
    if audio.is_empty() {
        return Err(OfferError::NoAudio);
    }
    let media = audio
        .iter()
        .find(|m| offers_pcmu(m))
        .ok_or(OfferError::NoPcmu)?;
    let connection = media
        .connections
        .first()
        .or(session.connection.as_ref())
        .ok_or(OfferError::NoAddress)?;
    let ip: IpAddr = connection
        .connection_address
        .split('/')
        .next()
        .unwrap_or_default()
        .parse()
        .map_err(|_| OfferError::NoAddress)?;
    let telephone_event = rtpmaps(media)
        .find(|(_, name, rate)| name.eq_ignore_ascii_case("telephone-event") && *rate == 8000)
        .map(|(pt, _, _)| pt)
        .filter(|pt| formats(media).any(|f| f == *pt));
    let attr = |name: &str| {
        media.has_attribute(name)
            || (session
                .attributes
                .iter()
                .any(|a| a.attribute.eq_ignore_ascii_case(name)))
    };
    let direction = if attr("inactive") {
        Direction::Inactive
    } else if attr("sendonly") {
        Direction::RecvOnly
    } else if attr("recvonly") {
        Direction::SendOnly
    } else {
        Direction::SendRecv
    };
    let ptime = media
        .attributes
        .iter()
        .find(|a| a.attribute.eq_ignore_ascii_case("ptime"))
        .and_then(|a| a.value.as_deref()?.trim().parse().ok());
    Ok(Negotiated {
        remote: SocketAddr::new(ip, media.port),
        telephone_event,
        direction,
        ptime,
    })
}

fn formats(media: &Media) -> impl Iterator<Item = u8> + '_ {
    media.fmt.split_whitespace().filter_map(|f| f.parse().ok())
}

/// `(payload type, encoding name, clock rate)` of each `a=rtpmap`.
fn rtpmaps(media: &Media) -> impl Iterator<Item = (u8, &str, u32)> {
    media
        .attributes
        .iter()
        .filter(|a| a.attribute.eq_ignore_ascii_case("rtpmap"))
        .filter_map(|a| {
            let (pt, enc) = a.value.as_deref()?.trim().split_once(' ')?;
            let mut parts = enc.trim().split('/');
            let name = parts.next()?;
            let rate = parts.next()?.parse().ok()?;
            Some((pt.parse().ok()?, name, rate))
        })
}

/// PCMU is offered as the static type 0 (its rtpmap is optional), or under another number
/// with an rtpmap saying PCMU/8000 (which this UAS does not follow: it answers 0 only when
/// 0 is in the `m=` line).
fn offers_pcmu(media: &Media) -> bool {
    formats(media).any(|f| f == PCMU)
        && !rtpmaps(media).any(|(pt, name, _)| pt == PCMU && !name.eq_ignore_ascii_case("PCMU"))
}

/// The answer: PCMU (and telephone-event with the offer's payload type, if offered) at
/// `local`, 20 ms packets.
pub fn answer(negotiated: &Negotiated, local: SocketAddr, session_id: u64) -> Vec<u8> {
    let ip = local.ip();
    let mut session = Session::new(
        Origin::with_ip_addr(session_id.to_string(), 1, ip),
        "fcstream",
    );
    session.origin.set_username("fcstream");
    session.connection = Some(Connection::from_ip_addr(ip));
    session.times.push(Time::new(0, 0));
    let mut fmt = PCMU.to_string();
    if let Some(pt) = negotiated.telephone_event {
        fmt.push_str(&format!(" {pt}"));
    }
    let mut media = Media::new(
        sdp_types::MediaType::Audio,
        local.port(),
        sdp_types::TransportProto::RtpAvp,
        fmt,
    );
    media.add_attribute(Attribute::with_value("rtpmap", "0 PCMU/8000"));
    if let Some(pt) = negotiated.telephone_event {
        media.add_attribute(Attribute::with_value(
            "rtpmap",
            format!("{pt} telephone-event/8000"),
        ));
        media.add_attribute(Attribute::with_value("fmtp", format!("{pt} 0-16")));
    }
    media.add_attribute(Attribute::with_value("ptime", "20"));
    media.add_attribute(Attribute::new(negotiated.direction.as_str()));
    session.medias.push(media);
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = session.write(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// baresip 1.0's offer (PCMU only, as its account is set up in the interop test).
    pub(crate) const BARESIP: &str =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n\
        t=0 0\r\nm=audio 10000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n\
        a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n";

    #[test]
    fn pcmu_and_telephone_event_are_chosen() {
        let n = negotiate(BARESIP.as_bytes()).unwrap();
        assert_eq!(n.remote, "127.0.0.1:10000".parse().unwrap());
        assert_eq!(n.telephone_event, Some(101));
        assert_eq!(n.direction, Direction::SendRecv);
        assert_eq!(n.ptime, Some(20));
        let a = answer(&n, "127.0.0.1:20000".parse().unwrap(), 7);
        let text = String::from_utf8(a.clone()).unwrap();
        assert!(text.contains("m=audio 20000 RTP/AVP 0 101\r\n"), "{text}");
        assert!(
            text.contains("a=rtpmap:101 telephone-event/8000\r\n"),
            "{text}"
        );
        assert!(text.contains("c=IN IP4 127.0.0.1\r\n"), "{text}");
        // The answer is an offer this module would take.
        let back = negotiate(&a).unwrap();
        assert_eq!(back.telephone_event, Some(101));
    }

    #[test]
    fn no_pcmu_no_audio_no_address_are_refused() {
        let opus = BARESIP
            .replace("RTP/AVP 0 101", "RTP/AVP 96 101")
            .replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:96 opus/48000/2");
        assert_eq!(negotiate(opus.as_bytes()), Err(OfferError::NoPcmu));
        let video = BARESIP.replace("m=audio", "m=video");
        assert_eq!(negotiate(video.as_bytes()), Err(OfferError::NoAudio));
        let held = BARESIP.replace("m=audio 10000", "m=audio 0");
        assert_eq!(negotiate(held.as_bytes()), Err(OfferError::NoAudio));
        let nowhere = BARESIP.replace("c=IN IP4 127.0.0.1\r\n", "");
        assert_eq!(negotiate(nowhere.as_bytes()), Err(OfferError::NoAddress));
        assert!(matches!(negotiate(b"hello"), Err(OfferError::Syntax(_))));
    }

    #[test]
    fn without_telephone_event_the_answer_has_none_and_directions_mirror() {
        let plain = BARESIP
            .replace(" 101\r\n", "\r\n")
            .replace(
                "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n",
                "",
            )
            .replace("sendrecv", "sendonly");
        let n = negotiate(plain.as_bytes()).unwrap();
        assert_eq!(n.telephone_event, None);
        assert_eq!(n.direction, Direction::RecvOnly);
        let text = String::from_utf8(answer(&n, "127.0.0.1:1".parse().unwrap(), 1)).unwrap();
        assert!(text.contains("m=audio 1 RTP/AVP 0\r\n"), "{text}");
        assert!(text.contains("a=recvonly"), "{text}");
    }
}
