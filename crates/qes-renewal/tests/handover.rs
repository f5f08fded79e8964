//! PIN/PUK handover, token blocking, the authenticator link and the data-error window.

use chrono::{Duration, TimeZone, Utc};
use qes_renewal::handover::{
    AuthenticatorLink, HandoverError, HandoverRules, PinPukPage, TokenFate,
};

const CNP: &str = "1800101221144";

#[test]
fn page_locks_after_three_wrong_pairs() {
    let rules = HandoverRules::romanian_qtsp();
    let mut page = PinPukPage::new(rules, "GEN-CODE-77", CNP);
    assert_eq!(
        page.submit("wrong", "221144"),
        Err(HandoverError::WrongPair { attempts_left: 2 })
    );
    assert_eq!(
        page.submit("GEN-CODE-77", "221145"),
        Err(HandoverError::WrongPair { attempts_left: 1 })
    );
    assert_eq!(page.submit("x", "000000"), Err(HandoverError::PageLocked));
    assert!(page.is_locked());
    // Locked means locked, even for the right pair.
    assert_eq!(
        page.submit("GEN-CODE-77", "221144"),
        Err(HandoverError::PageLocked)
    );
}

#[test]
fn page_works_once_and_malformed_digits_do_not_count() {
    let rules = HandoverRules::romanian_qtsp();
    let mut page = PinPukPage::new(rules, "GEN-CODE-77", CNP);
    for bad in ["22114", "2211445", "22a144"] {
        assert_eq!(
            page.submit("GEN-CODE-77", bad),
            Err(HandoverError::CnpDigits { expected: 6 })
        );
    }
    assert_eq!(
        page.submit("wrong", "221144"),
        Err(HandoverError::WrongPair { attempts_left: 2 })
    );
    assert_eq!(page.submit("GEN-CODE-77", "221144"), Ok(()));
    assert_eq!(
        page.submit("GEN-CODE-77", "221144"),
        Err(HandoverError::PageUsed)
    );
    assert!(!format!("{page:?}").contains("GEN-CODE"));
}

#[test]
fn puk_has_fourteen_characters() {
    let rules = HandoverRules::romanian_qtsp();
    assert!(rules.check_puk("A1B2C3D4E5F6G7").is_ok());
    for bad in [
        "A1B2C3D4E5F6G",
        "A1B2C3D4E5F6G78",
        "A1B2C3D4E5F6G!",
        "ĂîB2C3D4E5F6G7",
    ] {
        assert_eq!(
            rules.check_puk(bad),
            Err(HandoverError::PukFormat { expected_len: 14 }),
            "{bad}"
        );
    }
}

#[test]
fn puk_retries_gone_means_revocation_and_a_new_token() {
    assert_eq!(TokenFate::of(false, 10), TokenFate::Usable);
    assert_eq!(
        TokenFate::of(true, 1),
        TokenFate::PinLocked { puk_tries_left: 1 }
    );
    assert_eq!(TokenFate::of(true, 0), TokenFate::BlockedForGood);
    assert!(TokenFate::of(false, 0).requires_revocation());
    assert!(!TokenFate::of(true, 3).requires_revocation());
}

#[test]
fn authenticator_link_locks_after_five_consecutive_wrong_codes() {
    let rules = HandoverRules::romanian_qtsp();
    let mut link = AuthenticatorLink::new(&rules);
    for left in [4, 3, 2, 1] {
        assert_eq!(
            link.record(false),
            Err(HandoverError::WrongCode { tries_left: left })
        );
    }
    // A right code resets the count.
    assert_eq!(link.record(true), Ok(()));
    for left in [4, 3, 2, 1] {
        assert_eq!(
            link.record(false),
            Err(HandoverError::WrongCode { tries_left: left })
        );
    }
    assert_eq!(link.record(false), Err(HandoverError::LinkLocked));
    assert!(link.is_locked());
    assert_eq!(link.record(true), Err(HandoverError::LinkLocked));
}

#[test]
fn data_errors_within_72_hours_of_receipt() {
    let rules = HandoverRules::romanian_qtsp();
    let received = Utc
        .with_ymd_and_hms(2027, 1, 10, 9, 30, 0)
        .single()
        .unwrap_or_default();
    let deadline = received + Duration::hours(72);
    assert_eq!(rules.data_error_deadline(received), deadline);
    assert!(rules.check_data_error_report(received, deadline).is_ok());
    assert_eq!(
        rules.check_data_error_report(received, deadline + Duration::seconds(1)),
        Err(HandoverError::DataErrorReportLate { deadline })
    );
}
