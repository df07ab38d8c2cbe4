//! `FreeClimb-Signature`: the signer against independent HMAC implementations, every failure
//! its own error, a parser that never panics; and the webhook bodies.

use std::time::Duration;

use fcstream::webhook::request::CallIds;
use fcstream::webhook::{
    sign, CallDirection, CallEndedReason, CallStatus, RequestType, SignatureError, SignatureHeader,
    Verifier, WebhookRequest,
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const SECRET: &str = "whsec_fcstream_test";
const BODY: &[u8] = br#"{"accountId":"AC1","callId":"CA123","requestType":"inboundCall"}"#;
const T: u64 = 1_700_000_000;

/// HMAC-SHA256(key = "whsec_fcstream_test", msg = "1700000000." + BODY), produced outside Rust,
/// once, by two independent implementations that agreed:
///
/// ```text
/// python3 -c "import hmac,hashlib;print(hmac.new(b'whsec_fcstream_test',b'1700000000.'+b'{\"accountId\":\"AC1\",\"callId\":\"CA123\",\"requestType\":\"inboundCall\"}',hashlib.sha256).hexdigest())"
/// echo -n '1700000000.{"accountId":"AC1","callId":"CA123","requestType":"inboundCall"}' | openssl dgst -sha256 -hmac whsec_fcstream_test
/// ```
const EXPECTED_V1: &str = "f0cdd26f6fe485461537584b3f7400f36d03071e346013c2ba1bb69accb143a8";

/// HMAC-SHA256 written out from RFC 2104 over the bare hash, sharing no code with the `hmac`
/// crate the library uses.
fn rfc2104_hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(&opad)
        .chain_update(inner)
        .finalize()
        .into()
}

fn verifier() -> Verifier {
    Verifier::new(SECRET)
}

#[test]
fn hand_written_hmac_passes_rfc4231() {
    // RFC 4231, test case 2.
    assert_eq!(
        hex::encode(rfc2104_hmac_sha256(
            b"Jefe",
            b"what do ya want for nothing?"
        )),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    // RFC 4231, test case 6 (a key longer than the block).
    assert_eq!(
        hex::encode(rfc2104_hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        )),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

#[test]
fn signer_matches_independent_implementations() {
    let header = sign(SECRET, BODY, T);
    assert_eq!(header, format!("t={T},v1={EXPECTED_V1}"));
    let mut msg = format!("{T}.").into_bytes();
    msg.extend_from_slice(BODY);
    assert_eq!(
        hex::encode(rfc2104_hmac_sha256(SECRET.as_bytes(), &msg)),
        EXPECTED_V1
    );
}

#[test]
fn valid_signature_verifies() {
    let header = format!("t={T},v1={EXPECTED_V1}");
    assert_eq!(verifier().verify_at(Some(&header), BODY, T), Ok(()));
    assert_eq!(verifier().verify_at(Some(&header), BODY, T + 299), Ok(()));
    // Uppercase hex and spaces are accepted.
    let loose = format!(" t={T} , v1={} ", EXPECTED_V1.to_uppercase());
    assert_eq!(verifier().verify_at(Some(&loose), BODY, T), Ok(()));
}

#[test]
fn any_of_two_v1_may_match() {
    let wrong = sign("old-secret", BODY, T);
    let wrong_v1 = wrong.split("v1=").nth(1).expect("a v1");
    for header in [
        format!("t={T},v1={wrong_v1},v1={EXPECTED_V1}"),
        format!("t={T},v1={EXPECTED_V1},v1={wrong_v1}"),
    ] {
        assert_eq!(
            verifier().verify_at(Some(&header), BODY, T),
            Ok(()),
            "{header}"
        );
    }
    let both_wrong = format!("t={T},v1={wrong_v1},v1={}", "0".repeat(64));
    assert_eq!(
        verifier().verify_at(Some(&both_wrong), BODY, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn wrong_secret_is_a_mismatch() {
    let header = sign("not-the-secret", BODY, T);
    assert_eq!(
        verifier().verify_at(Some(&header), BODY, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn tampered_body_is_a_mismatch() {
    let header = sign(SECRET, BODY, T);
    let tampered = br#"{"accountId":"AC1","callId":"CA124","requestType":"inboundCall"}"#;
    assert_eq!(
        verifier().verify_at(Some(&header), tampered, T),
        Err(SignatureError::Mismatch)
    );
    // Moving the signature to another time is tampering too (t is signed).
    let moved = format!("t={},v1={EXPECTED_V1}", T + 1);
    assert_eq!(
        verifier().verify_at(Some(&moved), BODY, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn stale_timestamp_is_stale() {
    let header = sign(SECRET, BODY, T);
    assert_eq!(
        verifier().verify_at(Some(&header), BODY, T + 301),
        Err(SignatureError::Stale {
            age: Duration::from_secs(301)
        })
    );
    // A days-old signature: what FreeClimb's SDK verifiers would accept.
    assert!(matches!(
        verifier().verify_at(Some(&header), BODY, T + 3 * 86_400),
        Err(SignatureError::Stale { .. })
    ));
    // The tolerance is configurable.
    let lenient = verifier().tolerance(Duration::from_secs(600));
    assert_eq!(lenient.verify_at(Some(&header), BODY, T + 301), Ok(()));
}

#[test]
fn future_timestamp_beyond_tolerance_is_refused() {
    let header = sign(SECRET, BODY, T + 301);
    assert_eq!(
        verifier().verify_at(Some(&header), BODY, T),
        Err(SignatureError::FromFuture {
            skew: Duration::from_secs(301)
        })
    );
    let near = sign(SECRET, BODY, T + 300);
    assert_eq!(verifier().verify_at(Some(&near), BODY, T), Ok(()));
}

#[test]
fn missing_header_is_missing() {
    assert_eq!(
        verifier().verify_at(None, BODY, T),
        Err(SignatureError::MissingHeader)
    );
}

#[test]
fn garbled_headers_are_malformed() {
    let headers: Vec<String> = vec![
        String::new(),
        "garbage".into(),
        format!("v1={EXPECTED_V1}"),
        format!("t=,v1={EXPECTED_V1}"),
        format!("t=yesterday,v1={EXPECTED_V1}"),
        format!("t=-5,v1={EXPECTED_V1}"),
        format!("t={T}"),
        format!("t={T},v1="),
        format!("t={T},v1={}", &EXPECTED_V1[..62]),
        format!("t={T};v1={EXPECTED_V1}"),
    ];
    for header in &headers {
        let got = verifier().verify_at(Some(header), BODY, T);
        assert!(
            matches!(got, Err(SignatureError::Malformed(_))),
            "{header:?} gave {got:?}"
        );
    }
}

#[test]
fn non_hex_signature_is_non_hex() {
    for v1 in [
        "zz".repeat(32),
        format!("{}g", &EXPECTED_V1[..63]),
        "abc".into(),
    ] {
        let header = format!("t={T},v1={v1}");
        assert_eq!(
            verifier().verify_at(Some(&header), BODY, T),
            Err(SignatureError::NonHexSignature),
            "{header}"
        );
    }
}

#[test]
fn each_failure_has_its_own_error() {
    let errors = [
        verifier().verify_at(None, BODY, T),
        verifier().verify_at(Some("garbage"), BODY, T),
        verifier().verify_at(Some(&format!("t={T},v1={}", "x".repeat(64))), BODY, T),
        verifier().verify_at(Some(&sign(SECRET, BODY, T)), BODY, T + 1000),
        verifier().verify_at(Some(&sign(SECRET, BODY, T + 1000)), BODY, T),
        verifier().verify_at(Some(&sign("other", BODY, T)), BODY, T),
    ];
    let kinds: Vec<std::mem::Discriminant<SignatureError>> = errors
        .iter()
        .map(|e| std::mem::discriminant(e.as_ref().expect_err("must fail")))
        .collect();
    for (i, a) in kinds.iter().enumerate() {
        for b in &kinds[i + 1..] {
            assert_ne!(a, b, "{errors:?}");
        }
    }
    // And each says what happened.
    let messages: Vec<String> = errors
        .iter()
        .map(|e| e.as_ref().expect_err("must fail").to_string())
        .collect();
    assert!(messages[0].contains("missing"));
    assert!(messages[1].contains("malformed"));
    assert!(messages[2].contains("not hex"));
    assert!(messages[3].contains("old"));
    assert!(messages[4].contains("future"));
    assert!(messages[5].contains("no signature matches"));
}

proptest! {
    #[test]
    fn header_parser_never_panics(s in ".{0,200}") {
        let _ = SignatureHeader::parse(&s);
        let _ = verifier().verify_at(Some(&s), BODY, T);
    }

    #[test]
    fn header_parser_never_panics_on_near_misses(
        parts in prop::collection::vec(
            prop_oneof![
                "t=[0-9]{0,25}",
                "v1=[0-9a-fA-F]{0,70}",
                "v1=[0-9a-z]{64}",
                "[tv01]{0,3}=?[ ,=]{0,2}",
            ],
            0..6,
        ),
        sep in "[, ]{1,2}",
    ) {
        let header = parts.join(&sep);
        let _ = SignatureHeader::parse(&header);
        let _ = verifier().verify_at(Some(&header), BODY, T);
    }

    #[test]
    fn signed_bodies_verify(body in prop::collection::vec(any::<u8>(), 0..512), t in 0u64..4_000_000_000) {
        let header = sign(SECRET, &body, t);
        prop_assert_eq!(verifier().verify_at(Some(&header), &body, t), Ok(()));
    }
}

#[test]
fn webhook_bodies_parse_leniently() {
    let inbound = WebhookRequest::parse(
        br#"{"accountId":"AC1","callId":"CA1","callStatus":"ringing","conferenceId":null,
            "direction":"inbound","from":"+15550001","to":"+15550002","parentCallId":null,
            "queueId":null,"requestType":"inboundCall","applicationId":"AP1","callerName":null}"#,
    )
    .expect("inbound parses");
    assert_eq!(inbound.request_type, Some(RequestType::InboundCall));
    assert_eq!(inbound.call_status, Some(CallStatus::Ringing));
    assert_eq!(inbound.direction, Some(CallDirection::Inbound));
    assert_eq!(inbound.parent_call_id, None);
    assert_eq!(inbound.extra["applicationId"], "AP1");

    let ended = WebhookRequest::parse(
        br#"{"requestType":"audioStream","callId":"CA1","accountId":"AC1","from":null,
            "to":"+15550002","callStatus":"inProgress","conferenceId":null,"queueId":null}"#,
    )
    .expect("audioStream parses");
    assert_eq!(ended.request_type, Some(RequestType::AudioStream));
    assert_eq!(ended.from, "");

    let status = WebhookRequest::parse(
        br#"{"requestType":"callStatus","callId":"CA1","callStatus":"noAnswer",
            "callEndedReason":"someNewReason","direction":"outboundAPI"}"#,
    )
    .expect("callStatus parses");
    assert_eq!(status.call_status, Some(CallStatus::NoAnswer));
    assert_eq!(
        status.call_ended_reason,
        Some(CallEndedReason::Other("someNewReason".into()))
    );
    assert_eq!(status.direction, Some(CallDirection::OutboundApi));

    assert!(WebhookRequest::parse(b"[1,2]").is_err());
    assert!(WebhookRequest::parse(b"{\"callId\": {}}").is_err());
}

#[test]
fn built_bodies_round_trip_and_sign() {
    let ids = CallIds {
        account_id: "AC1".into(),
        call_id: "CA9".into(),
        from: "+15550001".into(),
        to: "+15550002".into(),
    };
    for (req, kind) in [
        (WebhookRequest::inbound_call(ids.clone()), "inboundCall"),
        (WebhookRequest::stream_ended(ids.clone()), "audioStream"),
        (
            WebhookRequest::call_status(
                ids.clone(),
                CallStatus::Completed,
                Some(CallEndedReason::FarEndHangup),
            ),
            "callStatus",
        ),
    ] {
        let body = req.to_json();
        let value: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(value["requestType"], kind);
        assert_eq!(value["callId"], "CA9");
        assert!(value["conferenceId"].is_null() && value["queueId"].is_null());
        assert_eq!(WebhookRequest::parse(&body).expect("parses"), req);
        let header = sign(SECRET, &body, T);
        assert_eq!(verifier().verify_at(Some(&header), &body, T), Ok(()));
    }
}
