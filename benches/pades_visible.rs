//! The cost of a visible PAdES signature: the same 100 KB PDF signed B-B invisibly and
//! visibly (default text appearance; OUG 140/2020 stamp), and the appearance alone (layout,
//! font subset, content stream), all in one run.
//!
//! Run: `cargo bench --bench pades_visible` (README "Performance"):
//! - `pades_visible_100kb/sign_invisible` — `PadesSigner::sign_update`, no appearance;
//! - `pades_visible_100kb/sign_visible` — the same with `with_visible` and the default
//!   `Appearance` (text in a DejaVu Sans subset);
//! - `pades_visible_100kb/sign_oug140` — the same with `Appearance::oug140`;
//! - `pades_visible_100kb/render_appearance` — `Appearance::render` alone.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use chrono::Duration;
use criterion::{criterion_group, criterion_main, Criterion};
use qes::pades::{Appearance, AppearanceDetails, PadesSigner, Rect};
use qes::signer::SoftwareSigner;
use qes_testkit::{TestPki, PKCS12_PASSWORD};

fn visible(c: &mut Criterion) {
    let pki = TestPki::shared();
    let holder = pki.natural_person();
    let signer =
        SoftwareSigner::from_pkcs12(&holder.pkcs12(PKCS12_PASSWORD).unwrap(), PKCS12_PASSWORD)
            .unwrap();
    let at = pki.epoch() + Duration::days(30);
    let input = qes_testkit::pdf::one_page("qes bench", 100 * 1024);
    let rect = Rect::new(300.0, 40.0, 250.0, 80.0);
    let mut g = c.benchmark_group("pades_visible_100kb");
    g.bench_function("sign_invisible", |b| {
        b.iter(|| {
            PadesSigner::new(&signer)
                .with_signing_time(at)
                .with_reason("Aprobat")
                .sign_update(black_box(&input))
                .unwrap()
        })
    });
    g.bench_function("sign_visible", |b| {
        b.iter(|| {
            PadesSigner::new(&signer)
                .with_signing_time(at)
                .with_reason("Aprobat")
                .with_visible(1, rect)
                .sign_update(black_box(&input))
                .unwrap()
        })
    });
    let stamp = Appearance::oug140("AT-0815/2024", "Ordinul Arhitecților din România");
    g.bench_function("sign_oug140", |b| {
        b.iter(|| {
            PadesSigner::new(&signer)
                .with_signing_time(at)
                .with_visible(1, rect)
                .with_appearance(stamp.clone())
                .sign_update(black_box(&input))
                .unwrap()
        })
    });
    let details = AppearanceDetails {
        name: Some("Ștefan Țăranu".into()),
        date: Some(at),
        reason: Some("Aprobat".into()),
        location: Some("București".into()),
    };
    let look = Appearance::new();
    g.bench_function("render_appearance", |b| {
        b.iter(|| look.render(black_box(&details), 250.0, 80.0).unwrap())
    });
    g.finish();
}

criterion_group!(benches, visible);
criterion_main!(benches);
