//! The catalogue as both sides see it: sites with their residency profile and
//! GPU inventory, at one catalogue revision and one policy version.

use serde::{Deserialize, Serialize};

use super::residency::{Operator, PolicyLists, SiteProfile};

/// Installed GPUs of one model at one site, less a reserve that is never promised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpuPool {
    pub model: String,
    pub installed: u32,
    pub reserve: u32,
}

impl GpuPool {
    /// GPUs that quotas may use.
    pub fn available(&self) -> u32 {
        self.installed.saturating_sub(self.reserve)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueSite {
    pub id: i64,
    pub profile: SiteProfile,
    pub gpus: Vec<GpuPool>,
}

impl CatalogueSite {
    pub fn pool(&self, model: &str) -> Option<&GpuPool> {
        self.gpus.iter().find(|g| g.model == model)
    }
}

/// An operator of the catalogue, whether or not it runs a site yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueOperator {
    pub id: i64,
    pub operator: Operator,
}

/// Everything the residency evaluator needs, as of one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueSnapshot {
    pub revision: i64,
    pub policy: PolicyLists,
    pub sites: Vec<CatalogueSite>,
    /// Every operator, sorted by name (each site also carries its own).
    pub operators: Vec<CatalogueOperator>,
}

impl CatalogueSnapshot {
    pub fn site(&self, slug: &str) -> Option<&CatalogueSite> {
        self.sites.iter().find(|s| s.profile.slug == slug)
    }

    pub fn operator(&self, id: i64) -> Option<&CatalogueOperator> {
        self.operators.iter().find(|o| o.id == id)
    }

    /// The sites an operator runs, by name.
    pub fn sites_of(&self, operator: &str) -> Vec<&CatalogueSite> {
        self.sites
            .iter()
            .filter(|s| s.profile.operator.name == operator)
            .collect()
    }

    /// Every GPU model offered somewhere, sorted.
    pub fn gpu_models(&self) -> Vec<String> {
        let mut models: Vec<String> = self
            .sites
            .iter()
            .flat_map(|s| s.gpus.iter().map(|g| g.model.clone()))
            .collect();
        models.sort();
        models.dedup();
        models
    }
}
