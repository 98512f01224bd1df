//! Wire types of `/capacity`: what the overview returns, shared by the page and the service.

use serde::{Deserialize, Serialize};

/// Weeks shown.
pub const WEEKS: usize = 26;

/// One site and GPU model over the weeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolLoad {
    pub site_slug: String,
    pub site_name: String,
    pub gpu_model: String,
    pub available: u32,
    /// Peak committed GPUs of each week.
    pub peaks: Vec<u32>,
}

/// The chart data of every pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapacityLoads {
    /// ISO start date of each week.
    pub weeks: Vec<String>,
    pub pools: Vec<PoolLoad>,
}
