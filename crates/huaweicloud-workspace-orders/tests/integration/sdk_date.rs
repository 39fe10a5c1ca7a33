//! `X-Sdk-Date` is written and checked by hand (no date library in the client):
//! both agree with the `time` crate, which the client used before, on instants
//! across four centuries (leap days, century years) and on strings that are almost
//! valid dates.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huaweicloud_workspace_orders::signer::{self, SignError};
use time::OffsetDateTime;
use time::macros::format_description;

const FORMAT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

fn request() -> reqwest::Request {
    reqwest::Request::new(
        reqwest::Method::GET,
        "https://workspace.example.com/v2/p".parse().unwrap(),
    )
}

/// The `X-Sdk-Date` the signer writes for `now`.
fn written(now: SystemTime) -> String {
    signer::sign(&mut request(), "AK", b"SK", now)
        .unwrap()
        .sdk_date
}

#[test]
fn the_written_date_is_the_utc_time_in_the_documented_layout() {
    // Every 7 days and 13 hours, 17 minutes, 23 seconds from 1970 to 2400: every
    // month, weekday and leap-day neighbourhood, with varying times of day.
    let step = 7 * 86_400 + 13 * 3600 + 17 * 60 + 23;
    let mut seconds = 0u64;
    let mut checked = 0;
    while seconds < 13_569_465_600 {
        let now = UNIX_EPOCH + Duration::from_secs(seconds);
        let expected = OffsetDateTime::from(now).format(FORMAT).unwrap();
        assert_eq!(written(now), expected, "at {seconds} s");
        seconds += step;
        checked += 1;
    }
    assert!(checked > 20_000);
    for (date, seconds) in [
        ("19700101T000000Z", 0),
        ("20000229T235959Z", 951_868_799),
        ("21000301T000000Z", 4_107_542_400),
        ("99991231T235959Z", 253_402_300_799),
    ] {
        assert_eq!(written(UNIX_EPOCH + Duration::from_secs(seconds)), date);
    }
    // Sub-second parts are dropped, not rounded.
    assert_eq!(
        written(UNIX_EPOCH + Duration::from_millis(59_999)),
        "19700101T000059Z"
    );
}

#[test]
fn a_callers_date_is_accepted_exactly_when_it_is_a_real_utc_time() {
    let mut candidates = vec![
        "20240229T120000Z".to_owned(),
        "20230229T120000Z".to_owned(),
        "21000229T120000Z".to_owned(),
        "20000229T120000Z".to_owned(),
        "20240431T000000Z".to_owned(),
        "20241301T000000Z".to_owned(),
        "20240001T000000Z".to_owned(),
        "20240100T000000Z".to_owned(),
        "20240101T240000Z".to_owned(),
        "20240101T236000Z".to_owned(),
        "20240101T235960Z".to_owned(),
        "20240101T235959".to_owned(),
        "20240101 235959Z".to_owned(),
        "2024010lT000000Z".to_owned(),
        "+2024010T000000Z".to_owned(),
        "20240101T000000z".to_owned(),
        "20240101T000000ZZ".to_owned(),
        String::new(),
    ];
    // Every day number 00–32 of every month 00–13 of a leap and a common year.
    for year in [2023, 2024] {
        for month in 0..=13 {
            for day in 0..=32 {
                candidates.push(format!("{year}{month:02}{day:02}T010203Z"));
            }
        }
    }
    for candidate in candidates {
        let expected = time::PrimitiveDateTime::parse(&candidate, FORMAT).is_ok();
        let mut request = request();
        request
            .headers_mut()
            .insert("x-sdk-date", candidate.parse().unwrap());
        let result = signer::sign(&mut request, "AK", b"SK", SystemTime::now());
        match result {
            Ok(signed) => {
                assert!(expected, "{candidate:?} was accepted");
                assert_eq!(signed.sdk_date, candidate);
            }
            Err(SignError::MalformedSdkDate) => assert!(!expected, "{candidate:?} was refused"),
            Err(other) => panic!("{candidate:?}: {other}"),
        }
    }
}
