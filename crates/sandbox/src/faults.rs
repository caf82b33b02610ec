//! Seeded, reproducible faults: `503=0.05,drop=0.02,slow=0.05@800ms,expire=0.01`.
//!
//! - `503`: answer 503 before doing anything (nothing changes);
//! - `drop`: do the work, then drop the connection before the answer (the client cannot know);
//! - `slow`: wait before answering (default 1 s, or `@DURATION` in `ms` or `s`);
//! - `expire`: refuse the token as expired (401), as if it ran out mid-run.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultSpec {
    pub unavailable: f64,
    pub drop: f64,
    pub slow: f64,
    pub slow_for: Duration,
    pub expire: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Unavailable,
    Drop,
    Slow(Duration),
    Expire,
}

impl FaultSpec {
    pub fn none() -> Self {
        FaultSpec {
            slow_for: Duration::from_secs(1),
            ..FaultSpec::default()
        }
    }

    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut out = FaultSpec::none();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (kind, value) = item
                .split_once('=')
                .ok_or_else(|| format!("fault \"{item}\" needs a probability, like 503=0.05"))?;
            let (probability, duration) = match value.split_once('@') {
                Some((p, d)) => (p, Some(parse_duration(d)?)),
                None => (value, None),
            };
            let probability: f64 = probability
                .trim()
                .parse()
                .map_err(|_| format!("fault \"{item}\": \"{probability}\" is not a probability"))?;
            if !(0.0..=1.0).contains(&probability) {
                return Err(format!(
                    "fault \"{item}\": the probability must be between 0 and 1"
                ));
            }
            match kind.trim() {
                "503" => out.unavailable = probability,
                "drop" => out.drop = probability,
                "slow" => {
                    out.slow = probability;
                    if let Some(d) = duration {
                        out.slow_for = d;
                    }
                }
                "expire" => out.expire = probability,
                other => {
                    return Err(format!(
                        "unknown fault \"{other}\"; use 503, drop, slow or expire"
                    ));
                }
            }
        }
        if out.unavailable + out.drop + out.slow + out.expire > 1.0 {
            return Err("the fault probabilities add up to more than 1".into());
        }
        Ok(out)
    }

    pub fn is_none(&self) -> bool {
        self.unavailable + self.drop + self.slow + self.expire == 0.0
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, "ms"), |i| (&text[..i], &text[i..]));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("\"{text}\" is not a duration like 800ms or 2s"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        _ => Err(format!("\"{text}\" is not a duration like 800ms or 2s")),
    }
}

/// Draws faults from one seeded generator, so a seed replays the same sequence of decisions.
#[derive(Debug)]
pub struct FaultDice {
    spec: FaultSpec,
    rng: StdRng,
}

impl FaultDice {
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        FaultDice {
            spec,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub fn roll(&mut self) -> Option<Fault> {
        if self.spec.is_none() {
            return None;
        }
        let x: f64 = self.rng.random();
        let s = self.spec;
        let mut edge = s.unavailable;
        if x < edge {
            return Some(Fault::Unavailable);
        }
        edge += s.drop;
        if x < edge {
            return Some(Fault::Drop);
        }
        edge += s.slow;
        if x < edge {
            return Some(Fault::Slow(s.slow_for));
        }
        edge += s.expire;
        (x < edge).then_some(Fault::Expire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form() {
        let spec = FaultSpec::parse("503=0.05, drop=0.02,slow=0.1@800ms,expire=0.01").unwrap();
        assert_eq!(spec.unavailable, 0.05);
        assert_eq!(spec.drop, 0.02);
        assert_eq!(
            (spec.slow, spec.slow_for),
            (0.1, Duration::from_millis(800))
        );
        assert_eq!(spec.expire, 0.01);
        assert!(FaultSpec::parse("").unwrap().is_none());
        assert!(FaultSpec::parse("boom=0.1").is_err());
        assert!(FaultSpec::parse("503=2").is_err());
        assert!(FaultSpec::parse("503=0.6,drop=0.6").is_err());
        assert!(FaultSpec::parse("slow=0.1@fast").is_err());
    }

    #[test]
    fn the_same_seed_rolls_the_same_faults() {
        let spec = FaultSpec::parse("503=0.2,drop=0.2").unwrap();
        let roll = |seed| {
            let mut dice = FaultDice::new(spec, seed);
            (0..200).map(|_| dice.roll()).collect::<Vec<_>>()
        };
        assert_eq!(roll(7), roll(7));
        assert_ne!(roll(7), roll(8));
        let faults = roll(7).into_iter().flatten().count();
        assert!((50..110).contains(&faults), "about 40% of 200: {faults}");
    }
}
