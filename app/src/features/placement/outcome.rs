//! The answer of "Where can my data go?": the decision first (how many sites may host the data,
//! and which), then one card a site. A refused site lists the rules that refuse it, each once
//! with its reasons (a rule met for one country and broken for another is one refusal); the
//! rules a site meets are one click away.

use crate::ui::language::tr;
use leptos::prelude::*;

use super::{PlacementOutcome, SiteVerdict};
use crate::domain::format::{date, fill};
use crate::domain::residency::{Classification, Finding, RuleId};
use crate::error::AppError;
use crate::i18n::{td_string, use_i18n, Locale};

/// One rule's findings on one site, grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleGroup {
    pub rule: RuleId,
    /// Every finding of the rule passed.
    pub passed: bool,
    /// The reasons to show: the failing ones for a refusal, else every passing one.
    pub reasons: Vec<String>,
}

/// A site's findings by rule, refusals first, each rule in the order it was first met.
pub fn group_by_rule(findings: &[Finding]) -> Vec<RuleGroup> {
    let mut rules: Vec<RuleId> = Vec::new();
    for f in findings {
        if !rules.contains(&f.rule) {
            rules.push(f.rule);
        }
    }
    let mut groups: Vec<RuleGroup> = rules
        .into_iter()
        .map(|rule| {
            let of_rule = findings.iter().filter(|f| f.rule == rule);
            let passed = of_rule.clone().all(|f| f.passed);
            let mut reasons: Vec<String> = Vec::new();
            for f in of_rule.filter(|f| f.passed == passed) {
                if !reasons.contains(&f.reason) {
                    reasons.push(f.reason.clone());
                }
            }
            RuleGroup {
                rule,
                passed,
                reasons,
            }
        })
        .collect();
    groups.sort_by_key(|g| g.passed);
    groups
}

/// "health data", for a sentence.
fn data_words(locale: Locale, c: Classification) -> &'static str {
    match c {
        Classification::Public => td_string!(locale, placement.data_public),
        Classification::Confidential => td_string!(locale, placement.data_confidential),
        Classification::Personal => td_string!(locale, placement.data_personal),
        Classification::Health => td_string!(locale, placement.data_health),
        Classification::Sensitive => td_string!(locale, placement.data_sensitive),
    }
}

/// "Dugny, Campus IA and Marseille" (`and` is the language's word).
fn names_in_sentence(names: &[String], and: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// The decision in a sentence: how many sites may host the data, and which.
fn decision(
    locale: Locale,
    classification: Classification,
    eligible: &[String],
    total: usize,
) -> String {
    let data = data_words(locale, classification);
    match eligible.len() {
        0 => fill(
            td_string!(locale, placement.decision_none),
            &[("data", &data)],
        ),
        n if n == total => fill(
            td_string!(locale, placement.decision_every),
            &[("data", &data)],
        ),
        1 => fill(
            td_string!(locale, placement.decision_only),
            &[("site", &eligible[0]), ("data", &data)],
        ),
        n => fill(
            td_string!(locale, placement.decision_some),
            &[
                ("n", &n),
                ("total", &total),
                ("data", &data),
                (
                    "names",
                    &names_in_sentence(eligible, td_string!(locale, placement.and)),
                ),
            ],
        ),
    }
}

#[component]
pub fn OutcomeView(outcome: Result<PlacementOutcome, AppError>) -> impl IntoView {
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
    };
    let classification = outcome.request.classification;
    let window = outcome.request.window;
    let mut sites = outcome.sites;
    // Where the data may go first, then sites in the EEA; the catalogue's order otherwise.
    sites.sort_by_key(|s| (!s.evaluation.eligible, !s.in_eea));
    let eligible: Vec<String> = sites
        .iter()
        .filter(|s| s.evaluation.eligible)
        .map(|s| s.name.clone())
        .collect();
    let total = sites.len();
    let i18n = use_i18n();
    let tenant = outcome.tenant.name.clone();
    let country = outcome.tenant.country.name();
    view! {
        <div class="placement-summary" aria-live="polite">
            <p class="placement-decision">
                {move || decision(i18n.get_locale(), classification, &eligible, total)}
            </p>
            <p>
                {move || {
                    let locale = i18n.get_locale();
                    fill(
                        td_string!(locale, placement.window_for),
                        &[
                            ("start", &date(locale, window.start)),
                            ("last", &date(locale, window.last_day())),
                            ("tenant", &tenant),
                            ("country", &country),
                        ],
                    )
                }}
            </p>
            <p class="field__hint">
                {tr(i18n, |l| td_string!(l, placement.decided_with))} <span data-testid="policy-version">{outcome.policy_version}</span>
                {tr(i18n, |l| td_string!(l, placement.decided_and))} <span data-testid="catalogue-revision">{outcome.catalogue_revision}</span> {tr(i18n, |l| td_string!(l, placement.decided_end))}
            </p>
        </div>
        <div class="features placement-sites">
            {sites.into_iter().map(|site| view! { <SiteCard site classification/> }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn SiteCard(site: SiteVerdict, classification: Classification) -> impl IntoView {
    let heading = format!("site-{}", site.slug);
    let labelled_by = heading.clone();
    let eligible = site.evaluation.eligible;
    let i18n = use_i18n();
    let c1_note = (classification == Classification::Confidential && !site.in_eea).then(|| {
        let waived = site.evaluation.waiver_applied;
        let text = move || {
            if waived {
                td_string!(i18n.get_locale(), placement.c1_waived)
            } else {
                td_string!(i18n.get_locale(), placement.c1_not_waived)
            }
        };
        view! { <p class="field__hint c1-note">{text}</p> }
    });
    let groups = group_by_rule(&site.evaluation.findings);
    let (refusals, met): (Vec<RuleGroup>, Vec<RuleGroup>) =
        groups.into_iter().partition(|g| !g.passed);
    let met_count = met.len();
    let rule_item = |g: RuleGroup| {
        let outcome = if g.passed { "passed" } else { "failed" };
        let badge = if g.passed {
            "badge badge--ok"
        } else {
            "badge badge--bad"
        };
        view! {
            <li class="finding" data-rule=g.rule.as_str() data-outcome=outcome>
                <span class=badge>{g.rule.as_str()}</span> " "
                <strong>{let rule = g.rule; move || rule.title_in(i18n.get_locale())}</strong>
                <span class="visually-hidden">" " {if g.passed { tr(i18n, |l| td_string!(l, placement.rule_met)).into_any() } else { tr(i18n, |l| td_string!(l, placement.rule_refuses)).into_any() }}</span>
                {if g.reasons.len() == 1 {
                    view! { <p class="finding__reason">{g.reasons[0].clone()}</p> }.into_any()
                } else {
                    view! {
                        <ul class="finding__reasons">
                            {g.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </li>
        }
    };
    view! {
        <article class="card site-verdict" data-site=site.slug.clone() aria-labelledby=labelled_by>
            <h2 id=heading>{site.name.clone()}</h2>
            <p>
                {if eligible {
                    view! { <span class="badge badge--ok verdict">{tr(i18n, |l| td_string!(l, placement.eligible))}</span> }.into_any()
                } else {
                    view! { <span class="badge badge--bad verdict">{tr(i18n, |l| td_string!(l, placement.not_eligible))}</span> }.into_any()
                }}
                " " {site.country.clone()} {(!site.in_eea).then(|| view! { " " {tr(i18n, |l| td_string!(l, placement.outside_eea))} })} " · " {site.operator.clone()}
            </p>
            {c1_note}
            {(!refusals.is_empty()).then(|| view! {
                <p class="site-verdict__why">{if refusals.len() == 1 { tr(i18n, |l| td_string!(l, placement.refused_by_one_form)).into_any() } else { tr(i18n, |l| td_string!(l, placement.refused_by_these)).into_any() }}</p>
                <ul class="findings">{refusals.into_iter().map(rule_item).collect_view()}</ul>
            })}
            {(met_count > 0).then(|| view! {
                <details class="rules-met">
                    <summary>{move || if met_count == 1 { td_string!(i18n.get_locale(), placement.rules_met_one_form).to_owned() } else { fill(td_string!(i18n.get_locale(), placement.rules_met_other_form), &[("n", &met_count)]) }}</summary>
                    <ul class="rules-met__list">{met.into_iter().map(rule_item).collect_view()}</ul>
                </details>
            })}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: RuleId, passed: bool, reason: &str) -> Finding {
        Finding {
            rule,
            passed,
            reason: reason.to_owned(),
        }
    }

    #[test]
    fn a_rule_met_for_one_country_and_broken_for_another_is_one_refusal() {
        let groups = group_by_rule(&[
            finding(RuleId::E1, true, "Not sanctioned."),
            finding(RuleId::S3, true, "Fund A is in the EU."),
            finding(RuleId::S3, false, "MGX holds 40 % from the UAE."),
            finding(RuleId::S1, true, "Qualified."),
        ]);
        assert_eq!(
            groups,
            vec![
                RuleGroup {
                    rule: RuleId::S3,
                    passed: false,
                    reasons: vec!["MGX holds 40 % from the UAE.".to_owned()],
                },
                RuleGroup {
                    rule: RuleId::E1,
                    passed: true,
                    reasons: vec!["Not sanctioned.".to_owned()],
                },
                RuleGroup {
                    rule: RuleId::S1,
                    passed: true,
                    reasons: vec!["Qualified.".to_owned()],
                },
            ]
        );
    }

    #[test]
    fn the_same_reason_is_said_once() {
        let groups = group_by_rule(&[
            finding(RuleId::G4, false, "Administered from the US."),
            finding(RuleId::G4, false, "Administered from the US."),
        ]);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].reasons.len(), 1);
    }

    #[test]
    fn names_read_as_a_sentence() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(names_in_sentence(&names(&["A"]), "and"), "A");
        assert_eq!(
            names_in_sentence(&names(&["A", "B", "C"]), "and"),
            "A, B and C"
        );
    }
}
