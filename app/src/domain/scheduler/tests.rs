use time::macros::date;

use super::*;

fn grant(
    id: i64,
    project: &str,
    model: &str,
    gpus: u32,
    start: Date,
    end: Date,
    hours: Option<i64>,
) -> GrantAtSite {
    GrantAtSite {
        request_id: id,
        tenant: "sorbonne".into(),
        project: project.into(),
        model: model.into(),
        gpus,
        start,
        end,
        gpu_hours: hours,
    }
}

fn digest(bytes: &[u8]) -> String {
    format!("{:x}", bytes.iter().map(|b| u64::from(*b)).sum::<u64>())
}

fn state(today: Date, grants: &[GrantAtSite]) -> SiteState {
    let people = vec![
        (
            "sorbonne".to_owned(),
            "climate".to_owned(),
            "alice".to_owned(),
        ),
        (
            "sorbonne".to_owned(),
            "climate".to_owned(),
            "bob".to_owned(),
        ),
        (
            "sorbonne".to_owned(),
            "other".to_owned(),
            "carol".to_owned(),
        ),
    ];
    desired_state(
        "dugny",
        "c1",
        &["B200".to_owned(), "H100".to_owned()],
        today,
        7,
        grants,
        &people,
        digest,
    )
}

#[test]
fn an_active_quota_limits_its_project_account_on_every_model_of_the_site() {
    let s = state(
        date!(2027 - 01 - 10),
        &[
            grant(
                1,
                "climate",
                "H100",
                8,
                date!(2027 - 01 - 01),
                date!(2027 - 02 - 01),
                None,
            ),
            grant(
                2,
                "climate",
                "H100",
                4,
                date!(2027 - 01 - 05),
                date!(2027 - 02 - 01),
                None,
            ),
        ],
    );
    assert_eq!(s.tenants, vec!["sorbonne"]);
    let a = &s.accounts[0];
    assert_eq!(
        (a.name.as_str(), a.parent.as_str()),
        ("sorbonne_climate", "sorbonne")
    );
    assert_eq!(a.gpus.get("H100"), Some(&12));
    assert_eq!(
        a.gpus.get("B200"),
        Some(&0),
        "a model without a quota is closed"
    );
    assert_eq!(a.total_gpus(), 12);
    assert!(a.gpu_minutes.is_empty());
    assert_eq!(a.users, vec!["alice", "bob"]);
}

#[test]
fn gpu_minutes_are_set_only_when_every_active_quota_of_the_model_has_a_budget() {
    let d = date!(2027 - 01 - 10);
    let (s1, e1) = (date!(2027 - 01 - 01), date!(2027 - 02 - 01));
    let budgeted = state(
        d,
        &[
            grant(1, "climate", "H100", 8, s1, e1, Some(100)),
            grant(2, "climate", "H100", 2, s1, e1, Some(50)),
        ],
    );
    assert_eq!(budgeted.accounts[0].gpu_minutes.get("H100"), Some(&9000));
    let mixed = state(
        d,
        &[
            grant(1, "climate", "H100", 8, s1, e1, Some(100)),
            grant(2, "climate", "H100", 2, s1, e1, None),
        ],
    );
    assert_eq!(mixed.accounts[0].gpu_minutes.get("H100"), None);
}

#[test]
fn expired_and_upcoming_quotas_keep_or_prepare_their_account_with_no_gpus() {
    let s = state(
        date!(2027 - 03 - 01),
        &[
            grant(
                1,
                "climate",
                "H100",
                8,
                date!(2027 - 01 - 01),
                date!(2027 - 02 - 01),
                None,
            ),
            grant(
                2,
                "other",
                "B200",
                2,
                date!(2027 - 03 - 05),
                date!(2027 - 04 - 01),
                None,
            ),
            grant(
                3,
                "later",
                "B200",
                2,
                date!(2027 - 05 - 01),
                date!(2027 - 06 - 01),
                None,
            ),
        ],
    );
    let names: Vec<_> = s.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["sorbonne_climate", "sorbonne_other"],
        "beyond the lead time: not yet"
    );
    assert!(s.accounts.iter().all(|a| a.total_gpus() == 0));
    assert_eq!(s.accounts[0].quotas[0].phase, "expired");
    assert_eq!(s.accounts[1].quotas[0].phase, "upcoming");
    assert_eq!(s.accounts[1].users, vec!["carol"]);
}

#[test]
fn the_revision_changes_with_the_limits_and_not_with_the_day_alone() {
    let g = [grant(
        1,
        "climate",
        "H100",
        8,
        date!(2027 - 01 - 01),
        date!(2027 - 02 - 01),
        None,
    )];
    let a = state(date!(2027 - 01 - 10), &g);
    let b = state(date!(2027 - 01 - 11), &g);
    let c = state(date!(2027 - 02 - 01), &g);
    assert_eq!(a.revision, b.revision);
    assert_ne!(a.revision, c.revision, "its limits went to zero");
}

#[test]
fn the_script_ensures_accounts_limits_and_users_and_prunes_only_users() {
    let s = state(
        date!(2027 - 01 - 10),
        &[grant(
            1,
            "climate",
            "H100",
            8,
            date!(2027 - 01 - 01),
            date!(2027 - 02 - 01),
            Some(100),
        )],
    );
    let script = sacctmgr_script(&s);
    assert!(script.starts_with("#!/bin/sh\n"));
    assert!(script.contains("CLUSTER=c1\n"));
    assert!(script.contains("ensure_account guichet root\n"));
    assert!(script.contains("ensure_account sorbonne guichet\n"));
    assert!(script.contains("ensure_account sorbonne_climate sorbonne\n"));
    assert!(script.contains(
        "ensure_limits sorbonne_climate gres/gpu=8,gres/gpu:b200=0,gres/gpu:h100=8 gres/gpu:b200=-1,gres/gpu:h100=6000\n"
    ));
    assert!(script.contains("ensure_user alice sorbonne_climate\n"));
    assert!(script.contains("prune_users sorbonne_climate 'alice bob'\n"));
    assert!(
        !script.contains("remove account"),
        "accounts are never deleted"
    );
}

#[test]
fn the_kueue_objects_name_a_flavour_per_model_and_a_queue_per_project() {
    let s = state(
        date!(2027 - 01 - 10),
        &[grant(
            1,
            "climate",
            "H100",
            8,
            date!(2027 - 01 - 01),
            date!(2027 - 02 - 01),
            None,
        )],
    );
    let yaml = kueue_yaml(&s);
    assert_eq!(yaml.matches("kind: ResourceFlavor").count(), 2);
    assert_eq!(yaml.matches("kind: ClusterQueue").count(), 1);
    assert_eq!(yaml.matches("kind: LocalQueue").count(), 1);
    assert!(yaml.contains("namespace: \"sorbonne-climate\""));
    assert!(yaml.contains("nominalQuota: 8"));
}
