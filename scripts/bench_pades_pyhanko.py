"""The pyHanko side of `scripts/bench-pades-pyhanko`, and the one table of the run.

Run by that script inside the interop venv, after `cargo bench --bench pades` has timed qes on
the same files (QES_BENCH_PDF_DIR). For each of doc-100kb.pdf, doc-10mb.pdf, doc-100mb.pdf:

- in process, no interpreter or binary start on either side: pyHanko's `sign_pdf` (B-B, the
  same key and chain) and `validate_pdf_signature` (no revocation fetching), median of RUNS
  calls after one warm-up, next to qes's criterion medians (`sign_file`, `verify_file`:
  from the page cache, the way the CLI reads) and `sha256_file` (SHA-256 of the same file in
  1 MiB chunks);
- as command lines, process start included: `qes sign pdf` / `pyhanko sign addsig`,
  `qes verify` / `pyhanko sign validate`, next to `sha256sum` of the same file, with each
  command's peak resident set size (GNU time).

Prints markdown tables; every figure comes from this run.
"""

import io
import json
import os
import statistics
import subprocess
import tempfile
import time

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

DIR = os.environ["DIR"]
QES = os.environ["QES_BIN"]
PYHANKO = os.environ["PYHANKO"]
CRITERION = os.environ["CRITERION"]
SIZES = ["100kb", "10mb", "100mb"]
ENV = dict(os.environ, QES_KEY_PASSWORD="qes-testkit")


def ms(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def criterion_median(group, bench):
    """The median (seconds) criterion measured for `group/bench` in this run."""
    path = os.path.join(CRITERION, group, bench, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"] / 1e9


def median_call(fn, runs):
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


signer = signers.SimpleSigner.load(
    f"{DIR}/natural-person.key.pem",
    f"{DIR}/natural-person.pem",
    ca_chain_files=(f"{DIR}/qualified-ca.pem",),
)
root = load_cert_from_pemder(f"{DIR}/root-ca.pem")


def pyhanko_sign(src):
    out = io.BytesIO()
    with open(src, "rb") as f:
        signers.sign_pdf(
            IncrementalPdfFileWriter(f),
            signers.PdfSignatureMetadata(field_name="Sig1"),
            signer=signer,
            output=out,
        )
    return out


def pyhanko_validate(path):
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    with open(path, "rb") as f:
        status = validate_pdf_signature(PdfFileReader(f).embedded_signatures[0], context)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()


peaks = {}


def median_command(cmd, runs=3):
    """Median wall time of `runs` runs of `cmd`; its peak RSS (MiB) over the runs into peaks."""
    times, peak = [], 0.0
    with tempfile.NamedTemporaryFile(mode="r") as rss:
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name] + cmd, check=True,
                           env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
            rss.seek(0)
            peak = max(peak, int(rss.read().split()[-1]) / 1024)
    peaks[cmd[0]] = peak
    return statistics.median(times)


in_process, command_line, memory = [], [], []
for name in SIZES:
    src = f"{DIR}/doc-{name}.pdf"
    size = os.path.getsize(src)
    theirs = f"{DIR}/pyhanko-{name}.pdf"
    with open(theirs, "wb") as f:
        f.write(pyhanko_sign(src).getbuffer())
    runs = 3 if size > 50 << 20 else 7

    group = f"pades_{name}"
    sha = criterion_median(group, "sha256_file")
    qs, qv = criterion_median(group, "sign_file"), criterion_median(group, "verify_file")
    ps = median_call(lambda: pyhanko_sign(src), runs)
    pv = median_call(lambda: pyhanko_validate(theirs), runs)
    in_process.append(
        f"| {name} | {ms(sha)} | {ms(qs)} | {qs / sha:.2f}× | {ms(qv)} | {qv / sha:.2f}× "
        f"| {ms(ps)} | **{ps / qs:.0f}×** | {ms(pv)} | **{pv / qv:.0f}×** |")

    ours = f"{DIR}/qes-{name}.pdf"
    peaks.clear()
    sha_cmd = median_command(["sha256sum", src])
    qs = median_command([QES, "sign", "pdf", src, "--key", f"{DIR}/natural-person.p12", "-o", ours])
    ps = median_command([PYHANKO, "sign", "addsig", "--field", "Sig1", "pemder", "--key",
                         f"{DIR}/natural-person.key.pem", "--cert", f"{DIR}/natural-person.pem",
                         "--chain", f"{DIR}/qualified-ca.pem", "--no-pass", src,
                         f"{DIR}/pyhanko-cli-{name}.pdf"])
    qes_sign_peak, pyhanko_sign_peak = peaks[QES], peaks[PYHANKO]
    qv = median_command([QES, "verify", theirs, "--trust", f"{DIR}/root-ca.pem"])
    pv = median_command([PYHANKO, "sign", "validate", "--no-revocation-check", "--trust",
                         f"{DIR}/root-ca.pem", "--trust-replace", theirs])
    command_line.append(
        f"| {name} | {ms(sha_cmd)} | {ms(qs)} | {qs / sha_cmd:.1f}× | {ms(qv)} | {qv / sha_cmd:.1f}× "
        f"| {ms(ps)} | **{ps / qs:.0f}×** | {ms(pv)} | **{pv / qv:.0f}×** |")
    memory.append(
        f"| {name} ({size / 2**20:.1f} MiB) | {qes_sign_peak:.1f} MiB | {pyhanko_sign_peak:.1f} MiB "
        f"| {peaks[QES]:.1f} MiB | {peaks[PYHANKO]:.1f} MiB |")

print("In process (criterion medians for qes; pyHanko median of 3-7 calls after a warm-up):")
print()
print("| file | sha256 | qes sign | ×sha256 | qes verify | ×sha256 "
      "| pyHanko sign | qes faster | pyHanko validate | qes faster |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
print("\n".join(in_process))
print()
print("Command lines (median of 3 runs, process start included):")
print()
print("| file | sha256sum | qes sign pdf | ×sha256sum | qes verify | ×sha256sum "
      "| pyhanko sign addsig | qes faster | pyhanko sign validate | qes faster |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
print("\n".join(command_line))
print()
print("Peak RSS (GNU time, largest of the runs):")
print()
print("| file | qes sign pdf | pyhanko sign addsig | qes verify | pyhanko sign validate |")
print("|---|---:|---:|---:|---:|")
print("\n".join(memory))
