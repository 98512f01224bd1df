//! Shared helpers of the benchmark binaries in `src/bin/`: percentiles and a
//! fresh database.

use std::time::Duration;

/// The `p`-th percentile (0–100) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_three_is_the_middle_one() {
        let d = [1, 2, 3].map(Duration::from_millis);
        assert_eq!(percentile(&d, 50.0), Duration::from_millis(2));
        assert_eq!(percentile(&d, 100.0), Duration::from_millis(3));
    }
}
