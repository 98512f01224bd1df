//! The admin forms' parsing, field by field.

use super::*;
use crate::domain::residency::AdequacyCondition;

#[test]
fn adequacy_lines_read_with_their_conditions() {
    let entries =
        parse_adequacy("JP\nCA: commercial_organisations\nUS: data_privacy_framework_certified")
            .unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries[1].condition,
        AdequacyCondition::CommercialOrganisations
    );
    let form = PolicyForm {
        eu: "FR".into(),
        eea: "FR".into(),
        adequacy: "JP: sometimes".into(),
        ..Default::default()
    };
    let e = form.parse().unwrap_err();
    assert!(e.field_message("adequacy").is_some());
}

#[test]
fn country_lists_name_their_field() {
    assert_eq!(parse_country_list("FR, de").unwrap().len(), 2);
    let form = PolicyForm {
        eu: "FR".into(),
        eea: "FR, XX".into(),
        ..Default::default()
    };
    assert!(form.parse().unwrap_err().field_message("eea").is_some());
}

#[test]
fn certifications_refuse_dates_out_of_order() {
    let input = CertificationForm {
        site: "dugny".into(),
        kind: "iso27001".into(),
        certificate_id: "X-1".into(),
        valid_from: "2026-02-01".into(),
        valid_until: "2026-01-31".into(),
        ..Default::default()
    };
    let e = input.parse().unwrap_err();
    assert!(e.field_message("valid_until").is_some(), "{e:?}");
}

#[test]
fn a_form_with_several_bad_fields_names_every_one_in_form_order() {
    let form = OperatorForm {
        name: " ".into(),
        registered_office: "XX".into(),
        central_administration: "FR".into(),
        main_establishment: "".into(),
        ..Default::default()
    };
    let e = form.parse().unwrap_err();
    let fields: Vec<String> = e.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["name", "registered_office", "main_establishment"]);
}

#[test]
fn an_absent_field_reads_as_empty_and_is_named_in_words() {
    let e = GpuInventoryForm::default().parse().unwrap_err();
    let fields: Vec<String> = e.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["site", "model", "installed"]);
    assert_eq!(e.field_message("site").as_deref(), Some("Choose a site."));
}

#[test]
fn a_reserve_above_the_installed_gpus_is_refused_on_the_reserve() {
    let form = GpuInventoryForm {
        site: "dugny".into(),
        model: "H100".into(),
        installed: "8".into(),
        reserve: "9".into(),
    };
    assert!(form.parse().unwrap_err().field_message("reserve").is_some());
    let ok = GpuInventoryForm {
        reserve: String::new(),
        ..form
    };
    assert_eq!(ok.parse().unwrap().reserve, 0);
}
