//! Roster benchmark: 100,000 rows × 5 columns, parse + validate, as a release build.
//! Run: `cargo bench -p invite-desk-roster --bench roster` (figures go to docs/benchmarks.md).
//! Prints the best and median of several runs and the process's peak resident memory.

use std::time::{Duration, Instant};

use invite_desk_roster::{self as roster, ReadOptions};

const ROWS: usize = 100_000;
const RUNS: usize = 7;

fn input() -> Vec<u8> {
    let mut text = String::with_capacity(ROWS * 80);
    text.push_str("Email Address,First Name,Last Name,Roles,app_metadata.department\r\n");
    for i in 0..ROWS {
        text.push_str(&format!(
            "Person.{i}@Example-{}.com,Given{i},\"Family, {i}\",\"admin,viewer\",Dept {}\r\n",
            i % 97,
            i % 13
        ));
    }
    text.into_bytes()
}

/// Peak resident set size in MiB (Linux: VmHWM), or None elsewhere.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let bytes = input();
    let rss_input = peak_rss_mib();
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let report = roster::read_bytes(&bytes, &ReadOptions::default())
            .expect("the benchmark input is valid");
        times.push(start.elapsed());
        assert_eq!(
            report.summary.valid as usize, ROWS,
            "every generated row is valid"
        );
        drop(report);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "roster: {ROWS} rows x 5 columns, {:.1} MiB of CSV",
        bytes.len() as f64 / 1048576.0
    );
    println!(
        "  parse + validate: best {:.1} ms, median {:.1} ms ({RUNS} runs)",
        ms(times[0]),
        ms(times[RUNS / 2])
    );
    match (rss_input, peak_rss_mib()) {
        (Some(before), Some(peak)) => {
            println!(
                "  peak RSS: {peak:.1} MiB (of which {before:.1} MiB before the first parse: the input)"
            )
        }
        _ => println!("  peak RSS: not measured on this OS"),
    }
}
