//! The request forms' parsers: every field's error at once, in a person's words.

use time::macros::date;

use super::*;

const TODAY: Date = date!(2027 - 01 - 10);

fn good_form() -> RequestForm {
    RequestForm {
        idempotency_key: "k-1".into(),
        project_title: "Protein folding at scale".into(),
        justification: "Training a folding model on public structure data.".into(),
        sector: "research".into(),
        classification: "public".into(),
        site: "dugny".into(),
        gpu_model: "H100".into(),
        gpus: "16".into(),
        start_date: "2027-01-20".into(),
        end_date: "2027-02-19".into(),
        ..RequestForm::default()
    }
}

#[test]
fn a_good_form_parses_into_typed_values() {
    let input = good_form().parse(TODAY, 12).unwrap();
    assert_eq!(input.sector, Sector::Research);
    assert_eq!(input.gpus.get(), 16);
    assert_eq!(input.window.start(), date!(2027 - 01 - 20));
    assert_eq!(input.site, "dugny");
}

#[test]
fn a_form_without_a_site_names_the_site_in_words() {
    let form = RequestForm {
        site: String::new(),
        ..good_form()
    };
    let e = form.parse(TODAY, 12).unwrap_err();
    assert_eq!(
        e.field_message("site").as_deref(),
        Some("Please choose a site from the list.")
    );
}

#[test]
fn every_bad_field_is_named_at_once_in_form_order() {
    let form = RequestForm {
        project_title: "x".into(),
        sector: "space".into(),
        gpus: "many".into(),
        start_date: "2027-01-01".into(),
        ..good_form()
    };
    let e = form.parse(TODAY, 12).unwrap_err();
    let fields: Vec<String> = e.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["project_title", "sector", "gpus", "start_date"]);
}

#[test]
fn a_partial_approval_without_a_reason_asks_for_one() {
    let form = DecisionForm {
        decision: "partially_approve".into(),
        approved_gpus: "8".into(),
        ..DecisionForm::default()
    };
    assert_eq!(form.parse().unwrap_err().field_errors()[0].field, "note");
    let approve = DecisionForm {
        decision: "approve".into(),
        approved_gpus: "junk".into(),
        ..DecisionForm::default()
    };
    assert!(approve.parse().unwrap().approved_gpus.is_none());
}

#[test]
fn a_renewal_needs_an_end_and_a_change_does_not() {
    let renewal = AmendForm {
        kind: "renewal".into(),
        idempotency_key: "k".into(),
        ..AmendForm::default()
    };
    assert_eq!(
        renewal
            .parse()
            .unwrap_err()
            .field_message("end_date")
            .as_deref(),
        Some("Please enter the end date.")
    );
    let change = AmendForm {
        kind: "change".into(),
        ..renewal
    };
    assert!(change.parse().unwrap().end.is_none());
}

#[test]
fn the_sites_query_reads_what_is_being_typed_leniently() {
    let q = SiteQuery::parse("", "", "", false, TODAY).unwrap();
    assert_eq!(q.classification, Classification::Public);
    assert_eq!((q.start, q.end), (TODAY, TODAY + time::Duration::days(30)));
    assert!(!q.window_entered);
    assert!(SiteQuery::parse("secret", "", "", false, TODAY).is_err());
    let half = SiteQuery::parse("", "2027-01-04", "", false, TODAY).unwrap();
    assert!(!half.window_entered);
    let both = SiteQuery::parse("", "2027-01-04", "2027-02-01", false, TODAY).unwrap();
    assert!(both.window_entered);
}
