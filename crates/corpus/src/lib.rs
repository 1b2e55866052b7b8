//! A deterministic generator of realistic, valid `.sla` specs, for benchmarks and stress tests.
//! The same arguments always give byte-identical files.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// One spec with `services` services, each with availability, latency, support targets, an
/// outcome, a site override and a credit policy. `seed` varies names and numbers.
pub fn spec(seed: u64, services: usize) -> String {
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |modulo: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % modulo
    };
    let mut out = String::with_capacity(1200 + services * 1100);
    let _ = write!(
        out,
        r#"# Generated spec {seed}: {services} services.
agreement gen-{seed} "Generated agreement {seed}" {{
  kind customer
  version 1.{minor}.0
  status signed 2026-0{month}-1{day}
  provider "Provider {seed} GmbH" {{
    contact "Service desk" <desk-{seed}@provider.example> role "Service manager"
    signatory "Managing Director" title "MD" signed 2026-0{month}-1{day}
  }}
  customer "Customer {seed} AG" {{
    contact "Head of IT" <it-{seed}@customer.example>
    signatory "CIO" title "CIO" signed 2026-0{month}-1{day}
  }}
  term 2026-01-01 to 2027-12-31, notice 90 days
  review every 3 months
  revision "Targets are reviewed every quarter against the previous quarter's reports."
  clause scope "Hosting and operation of the services listed below."
  obligation provider "Publish a monthly service report."

  calendar office "Office hours" {{
    timezone Europe/Berlin
    mon-fri 08:00-12:00, 13:00-18:00
    holiday 2026-12-24 to 2026-12-26 "Christmas"
    holiday 2027-01-01 "New Year's Day"
  }}
  priority P1 "Critical"
  priority P2 "High"
  maintenance weekly "Weekly maintenance" {{
    timezone Europe/Berlin
    sun 02:00-04:00
    notice 72h
  }}
"#,
        minor = next(10),
        month = 1 + next(9),
        day = next(10),
    );
    for index in 0..services {
        let target = ["99.5", "99.9", "99.95", "99.99"][next(4) as usize];
        let latency = 100 + next(900);
        let response = 1 + next(4);
        let _ = write!(
            out,
            r#"
  service svc-{index} "Service {index}" {{
    availability {target}% per calendar month {{
      indicator prometheus {{
        good "http_requests_total{{service='svc-{index}',code!~'5..'}}"
        total "http_requests_total{{service='svc-{index}'}}"
      }}
    }}
    latency p99 under {latency}ms per rolling 28 days
    response P1 within {response}h
    resolution P1 within {resolution}h
    response P2 within 4h during office
    resolution P2 within 2 business days during office
    outcome orders-{index} "Orders of service {index} are processed the same day" {{
      target 99% per calendar month
      measured by "Orders confirmed before 18:00 that are processed by midnight."
    }}
    site rural "Rural branches" {{
      response P1 within {rural}h
    }}
    warn when 75% of error budget spent
  }}
  credits for svc-{index}.availability {{
    from 99.0% below {target}%: 10% of monthly fee
    below 99.0%: 25% of monthly fee
    cap 25% of monthly fee
    claim within 30 days
  }}
"#,
            resolution = response + 4 + next(8),
            rural = response + 1,
        );
    }
    out.push_str("}\n");
    out
}

/// Writes `files` specs of `services` services each under `folder`; returns their paths.
pub fn write_corpus(folder: &Path, files: usize, services: usize) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(folder)?;
    (0..files)
        .map(|i| {
            let path = folder.join(format!("spec-{i:05}.sla"));
            std::fs::write(&path, spec(i as u64, services))?;
            Ok(path)
        })
        .collect()
}
