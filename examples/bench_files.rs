//! Writes the files `scripts/bench-pades-pyhanko` times: the test PKI (seed 0; PEM, keys,
//! PKCS#12 with password `qes-testkit`) and one-page PDFs of 100 KB, 10 MB and 100 MB.
//!
//! `cargo run --release --example bench_files -- DIR`
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage: bench_files DIR")?);
    std::fs::create_dir_all(&dir)?;
    let written = qes_testkit::TestPki::shared().write_to(&dir)?;
    for (name, size) in [
        ("100kb", 100 * 1024),
        ("10mb", 10 << 20),
        ("100mb", 100 << 20),
    ] {
        let path = dir.join(format!("doc-{name}.pdf"));
        std::fs::write(&path, qes_testkit::pdf::one_page("qes bench", size))?;
        println!("{}", path.display());
    }
    println!("{} PKI files in {}", written.len(), dir.display());
    Ok(())
}
