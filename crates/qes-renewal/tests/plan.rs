//! The renewal policy engine at every boundary: each rule is checked one second before, at,
//! and one second after the instant it flips.

use chrono::{DateTime, Duration, TimeZone, Utc};
use qes_renewal::cloud::{AccountState, Quota, Usage};
use qes_renewal::{
    plan, Action, Event, Kept, Product, Reason, ReminderKind, ReminderState, RenewalFacts,
    RenewalPolicy, RenewalStatus, Term,
};

fn expiry() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 31, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn facts(product: Product) -> RenewalFacts {
    RenewalFacts::new(expiry() - Duration::days(365), expiry(), product)
}

fn sec(n: i64) -> Duration {
    Duration::seconds(n)
}

fn status_name(s: &RenewalStatus) -> &'static str {
    match s {
        RenewalStatus::NotYetValid { .. } => "not-yet-valid",
        RenewalStatus::Open { .. } => "open",
        RenewalStatus::Placed { .. } => "placed",
        RenewalStatus::Closed { .. } => "closed",
        RenewalStatus::Expired { .. } => "expired",
    }
}

#[test]
fn status_flips_at_validity_deadline_and_expiry() {
    let policy = RenewalPolicy::romanian_qtsp();
    let f = facts(Product::Token);
    let deadline = expiry() - Duration::days(3);
    let table = [
        (f.not_before - sec(1), "not-yet-valid"),
        (f.not_before, "open"),
        (deadline - sec(1), "open"),
        (deadline, "open"),
        (deadline + sec(1), "closed"),
        (expiry(), "closed"),
        (expiry() + sec(1), "expired"),
    ];
    for (at, want) in table {
        let p = plan(&f, &[], at, &policy);
        assert_eq!(status_name(&p.status), want, "at {at}");
        assert_eq!(p.order_deadline, deadline);
        let buys_new = p.actions.contains(&Action::BuyNewCertificate);
        assert_eq!(buys_new, want == "closed" || want == "expired", "at {at}");
    }
}

#[test]
fn order_and_csr_count_up_to_the_deadline_second() {
    let policy = RenewalPolicy::romanian_qtsp();
    let f = facts(Product::Token);
    let deadline = expiry() - Duration::days(3);
    for (when, counts) in [
        (deadline - sec(1), true),
        (deadline, true),
        (deadline + sec(1), false),
    ] {
        let events = [
            Event::RenewalOrdered {
                at: when,
                term: Term::years(2),
            },
            Event::CsrSubmitted { at: when },
        ];
        let p = plan(&f, &events, expiry(), &policy);
        assert_eq!(
            matches!(p.status, RenewalStatus::Placed { .. }),
            counts,
            "order at {when}"
        );
        if !counts {
            assert!(p.reasons.contains(&Reason::OrderTooLate { at: when }));
            assert!(p.reasons.contains(&Reason::CsrTooLate { at: when }));
        }
    }
}

#[test]
fn new_validity_starts_three_days_before_expiry_whatever_the_order_date() {
    let policy = RenewalPolicy::romanian_qtsp();
    let f = facts(Product::Cloud);
    let start = expiry() - Duration::days(3);
    for (order_day, years) in [(300, 1), (100, 2), (4, 3)] {
        let ordered = expiry() - Duration::days(order_day);
        let events = [
            Event::RenewalOrdered {
                at: ordered,
                term: Term::years(years),
            },
            Event::CsrSubmitted { at: ordered },
        ];
        let p = plan(&f, &events, ordered, &policy);
        let RenewalStatus::Placed { new_validity, .. } = p.status else {
            panic!("not placed: {:?}", p.status);
        };
        assert_eq!(new_validity.start, start);
        let end = Utc
            .with_ymd_and_hms(2027 + i32::from(years), 3, 28, 12, 0, 0)
            .single();
        assert_eq!(Some(new_validity.end), end, "{years} years");
    }
    let p = plan(&f, &[], expiry() - Duration::days(50), &policy);
    assert_eq!(p.options.len(), 3);
    assert!(p.options.iter().all(|v| v.start == start));
}

#[test]
fn incomplete_renewal_names_what_is_missing() {
    let policy = RenewalPolicy::romanian_qtsp();
    let f = facts(Product::Token);
    let at = expiry() - Duration::days(20);
    let only_order = [Event::RenewalOrdered {
        at,
        term: Term::years(1),
    }];
    let p = plan(&f, &only_order, at, &policy);
    assert!(p.reasons.contains(&Reason::CsrMissing));
    assert!(p
        .actions
        .iter()
        .any(|a| matches!(a, Action::SubmitCsr { .. })));
    assert!(!p
        .actions
        .iter()
        .any(|a| matches!(a, Action::PlaceOrder { .. })));
    let only_csr = [Event::CsrSubmitted { at }];
    let p = plan(&f, &only_csr, at, &policy);
    assert!(p.reasons.contains(&Reason::OrderMissing));
    // An order for a term not on sale does not count.
    let bad = [
        Event::RenewalOrdered {
            at,
            term: Term::years(5),
        },
        Event::CsrSubmitted { at },
    ];
    let p = plan(&f, &bad, at, &policy);
    assert!(p.reasons.contains(&Reason::UnknownTerm { years: 5 }));
    assert!(matches!(p.status, RenewalStatus::Open { .. }));
    // Events after the plan's time are ignored.
    let future = [
        Event::RenewalOrdered {
            at: at + sec(1),
            term: Term::years(1),
        },
        Event::CsrSubmitted { at: at + sec(1) },
    ];
    let p = plan(&f, &future, at, &policy);
    assert!(matches!(p.status, RenewalStatus::Open { .. }));
}

fn reminder(p: &qes_renewal::RenewalPlan, kind: ReminderKind) -> ReminderState {
    p.reminders
        .iter()
        .find(|r| r.kind == kind)
        .map(|r| r.state)
        .unwrap_or(ReminderState::Lapsed)
}

#[test]
fn reminders_at_45_and_15_days_second_only_without_renewal() {
    let policy = RenewalPolicy::romanian_qtsp();
    let f = facts(Product::Token);
    let first = expiry() - Duration::days(45);
    let second = expiry() - Duration::days(15);
    for (at, want_first, want_second) in [
        (
            first - sec(1),
            ReminderState::Upcoming,
            ReminderState::Upcoming,
        ),
        (first, ReminderState::Due, ReminderState::Upcoming),
        (second - sec(1), ReminderState::Due, ReminderState::Upcoming),
        (second, ReminderState::Due, ReminderState::Due),
        (expiry(), ReminderState::Due, ReminderState::Due),
        (
            expiry() + sec(1),
            ReminderState::Lapsed,
            ReminderState::Lapsed,
        ),
    ] {
        let p = plan(&f, &[], at, &policy);
        assert_eq!(reminder(&p, ReminderKind::First), want_first, "at {at}");
        assert_eq!(reminder(&p, ReminderKind::Second), want_second, "at {at}");
    }
    // Sent reminders are reported as sent; a placed renewal cancels the second only.
    let placed_at = first + Duration::days(1);
    let events = [
        Event::ReminderSent {
            at: first,
            kind: ReminderKind::First,
        },
        Event::RenewalOrdered {
            at: placed_at,
            term: Term::years(1),
        },
        Event::CsrSubmitted { at: placed_at },
    ];
    let p = plan(&f, &events, second, &policy);
    assert_eq!(
        reminder(&p, ReminderKind::First),
        ReminderState::Sent { at: first }
    );
    assert_eq!(reminder(&p, ReminderKind::Second), ReminderState::NotNeeded);
    assert!(!p
        .actions
        .iter()
        .any(|a| matches!(a, Action::SendReminder { .. })));
}

#[test]
fn cloud_banner_for_the_last_45_days_only() {
    let policy = RenewalPolicy::romanian_qtsp();
    let from = expiry() - Duration::days(45);
    for (at, want) in [
        (from - sec(1), false),
        (from, true),
        (expiry(), true),
        (expiry() + sec(1), false),
    ] {
        assert_eq!(
            plan(&facts(Product::Cloud), &[], at, &policy).banner,
            want,
            "at {at}"
        );
        assert!(!plan(&facts(Product::Token), &[], at, &policy).banner);
    }
}

#[test]
fn what_a_renewal_keeps_and_what_follows_it() {
    let policy = RenewalPolicy::romanian_qtsp();
    let at = expiry() - Duration::days(10);
    let received = at + Duration::days(2);
    let events = [
        Event::RenewalOrdered {
            at,
            term: Term::years(1),
        },
        Event::CsrSubmitted { at },
        Event::NewCertificateReceived { at: received },
    ];
    let mut token = facts(Product::Token);
    token.serial = Some("0A1B".into());
    let p = plan(&token, &events, received, &policy);
    assert_eq!(p.kept, vec![Kept::Token, Kept::TokenPin]);
    assert!(p.actions.contains(&Action::InstallReplacingOld {
        old_serial: Some("0A1B".into())
    }));
    assert!(p.actions.contains(&Action::ReportDataErrors {
        by: received + Duration::hours(72)
    }));
    let reenroll = p.actions.iter().find_map(|a| match a {
        Action::Reenroll { institutions } => Some(institutions.clone()),
        _ => None,
    });
    let codes: Vec<String> = reenroll
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.code)
        .collect();
    assert_eq!(codes, ["ANAF", "CNAS", "UNNPR"]);
    let p = plan(&facts(Product::Cloud), &events, received, &policy);
    assert_eq!(p.kept, vec![Kept::CloudAccount, Kept::AuthorizationMethod]);
    assert!(!p
        .actions
        .iter()
        .any(|a| matches!(a, Action::InstallReplacingOld { .. })));
}

#[test]
fn every_number_is_configurable() {
    let mut policy = RenewalPolicy::romanian_qtsp();
    policy.order_lead = Duration::days(7);
    policy.new_validity_lead = Duration::days(1);
    policy.terms = vec![Term::years(5)];
    let f = facts(Product::Token);
    let p = plan(&f, &[], expiry() - Duration::days(7) + sec(1), &policy);
    assert!(matches!(p.status, RenewalStatus::Closed { .. }));
    assert_eq!(p.new_validity_start, expiry() - Duration::days(1));
    assert_eq!(p.options.len(), 1);
}

#[test]
fn cloud_packages_and_activation_window() {
    let policy = RenewalPolicy::romanian_qtsp();
    for (years, n) in [(1, 200), (2, 400), (3, 600)] {
        let package = policy.cloud.package(Term::years(years)).ok();
        assert_eq!(package.map(|p| p.transactions), Some(n));
    }
    assert!(policy.cloud.package(Term::years(4)).is_err());
    let package = policy
        .cloud
        .package(Term::years(1))
        .ok()
        .unwrap_or_else(|| qes_renewal::cloud::CloudPackage::new(Term::years(1), 0));
    let usage = Usage {
        signatures: 150,
        timestamps: 199,
    };
    let quota = Quota::of(package, usage);
    assert_eq!((quota.used, quota.remaining), (199, 1));
    assert!(quota.allows(1) && !quota.allows(2));
    let invited = expiry();
    let deadline = invited + Duration::days(60);
    let rules = &policy.cloud;
    assert_eq!(
        rules.account_state(invited, None, deadline),
        AccountState::AwaitingActivation { deadline }
    );
    assert_eq!(
        rules.account_state(invited, None, deadline + sec(1)),
        AccountState::Deleted { at: deadline }
    );
    assert_eq!(
        rules.account_state(invited, Some(deadline), deadline + sec(1)),
        AccountState::Active { since: deadline }
    );
    assert_eq!(
        rules.account_state(invited, Some(deadline + sec(1)), deadline + sec(2)),
        AccountState::Deleted { at: deadline }
    );
}

#[test]
fn plan_serializes_for_json_output() {
    let p = plan(
        &facts(Product::Cloud),
        &[],
        expiry() - Duration::days(20),
        &RenewalPolicy::romanian_qtsp(),
    );
    let json = serde_json::to_value(&p).unwrap_or_default();
    assert_eq!(json["status"]["status"], "open");
    assert_eq!(json["banner"], true);
}

proptest::proptest! {
    /// For any certificate and time, the plan is consistent: exactly one status, and the
    /// deadline and new validity start are at their fixed offsets.
    #[test]
    fn plan_is_total_and_consistent(offset in -500i64..500, life in 1i64..2000, ev in 0i64..600) {
        let policy = RenewalPolicy::romanian_qtsp();
        let f = RenewalFacts::new(expiry() - Duration::days(life), expiry(), Product::Cloud);
        let at = expiry() + Duration::days(offset);
        let events = [Event::RenewalOrdered { at: expiry() - Duration::days(ev), term: Term::years(1) },
                      Event::CsrSubmitted { at: expiry() - Duration::days(ev) }];
        let p = plan(&f, &events, at, &policy);
        proptest::prop_assert_eq!(p.order_deadline, expiry() - Duration::days(3));
        proptest::prop_assert_eq!(p.new_validity_start, expiry() - Duration::days(3));
        let placed = matches!(p.status, RenewalStatus::Placed { .. });
        let counts = ev >= 3 && ev <= life && expiry() - Duration::days(ev) <= at;
        proptest::prop_assert_eq!(placed, counts);
    }
}
