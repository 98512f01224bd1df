//! The state as Kueue objects: a `ResourceFlavor` per GPU model of the site (selecting the nodes
//! labelled `guichet.eu/gpu-model: <model>`), a `ClusterQueue` per project account with the
//! `nominalQuota` of `nvidia.com/gpu` its active quotas grant in each flavour (0 where none),
//! and a `LocalQueue` named `gpus` in the project's namespace (`<tenant>-<project>`, cut to 63
//! characters) that points at it. Strings are written as YAML double-quoted scalars (the JSON
//! string syntax), so no value can break the document.

use std::fmt::Write as _;

use super::{gres_type, ProjectAccount, SiteState};

/// Kueue's API version.
pub const KUEUE_API: &str = "kueue.x-k8s.io/v1beta1";

/// The node label a site puts on its GPU nodes, valued with the catalogue's model name.
pub const MODEL_LABEL: &str = "guichet.eu/gpu-model";

/// The namespace of a project's jobs: a DNS label of at most 63 characters.
pub fn namespace(account: &ProjectAccount) -> String {
    let full = format!("{}-{}", account.tenant, account.project);
    if full.len() <= 63 {
        return full;
    }
    full[..63].trim_end_matches('-').to_owned()
}

/// The `ClusterQueue` name of a project (dots are allowed in Kubernetes object names, and
/// neither a tenant slug nor a project code holds one).
pub fn cluster_queue(account: &ProjectAccount) -> String {
    format!("{}.{}", account.tenant, account.project)
}

fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The YAML documents for `state`, separated by `---`.
pub fn kueue_yaml(state: &SiteState) -> String {
    let mut y = String::with_capacity(2048);
    let _ = writeln!(
        y,
        "# Guichet: the Kueue objects of site {}, revision {}.",
        state.site, state.revision
    );
    for model in &state.models {
        let _ = write!(
            y,
            "---\napiVersion: {KUEUE_API}\nkind: ResourceFlavor\nmetadata:\n  name: {}\nspec:\n  nodeLabels:\n    {MODEL_LABEL}: {}\n",
            q(&gres_type(model)),
            q(model)
        );
    }
    for a in &state.accounts {
        let _ = write!(
            y,
            "---\napiVersion: {KUEUE_API}\nkind: ClusterQueue\nmetadata:\n  name: {name}\n  labels:\n    guichet.eu/tenant: {tenant}\n    guichet.eu/project: {project}\nspec:\n  namespaceSelector:\n    matchLabels:\n      kubernetes.io/metadata.name: {ns}\n  resourceGroups:\n  - coveredResources: [\"nvidia.com/gpu\"]\n    flavors:\n",
            name = q(&cluster_queue(a)),
            tenant = q(&a.tenant),
            project = q(&a.project),
            ns = q(&namespace(a)),
        );
        for (model, gpus) in &a.gpus {
            let _ = write!(
                y,
                "    - name: {}\n      resources:\n      - name: \"nvidia.com/gpu\"\n        nominalQuota: {gpus}\n",
                q(&gres_type(model))
            );
        }
        let _ = write!(
            y,
            "---\napiVersion: {KUEUE_API}\nkind: LocalQueue\nmetadata:\n  name: \"gpus\"\n  namespace: {}\nspec:\n  clusterQueue: {}\n",
            q(&namespace(a)),
            q(&cluster_queue(a))
        );
    }
    y
}
