//! "Where can my data go?": a tenant picks a data classification and a window
//! and sees every site, eligible or not, with each rule's reason.
//!
//! The evaluation runs in the browser (`domain::residency::evaluate_all` on the
//! catalogue snapshot) for instant feedback, and again on the server
//! (`evaluate_placement`), which never trusts the client. The page is first
//! rendered with the server's result, so it works before the wasm loads: the
//! form is a plain GET form whose query parameters the server reads.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use time::{Date, Duration, Month};

use crate::domain::residency::{Classification, TenantProfile};
use crate::error::AppError;
use crate::features::catalogue::is_ticked;
use crate::i18n::{td_string, use_i18n};

mod outcome;
pub use crate::wire::placement as types;
use outcome::OutcomeView;
pub use types::{evaluate_every_site, PlacementForm, PlacementOutcome, SiteVerdict};

/// Today (UTC), in the browser or on the server.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// The same day `months` later, or the month's last day when it is shorter.
pub fn add_months(d: Date, months: u32) -> Date {
    let zero_based = u32::from(u8::from(d.month()) - 1) + months;
    let year = d.year() + i32::try_from(zero_based / 12).unwrap_or(0);
    let month =
        Month::try_from(u8::try_from(zero_based % 12 + 1).unwrap_or(1)).unwrap_or(Month::January);
    (1..=d.day())
        .rev()
        .find_map(|day| Date::from_calendar_date(year, month, day).ok())
        .unwrap_or(d)
}

/// The default window: from a week from today, for three months.
pub fn default_window() -> (Date, Date) {
    let start = today().saturating_add(Duration::days(7));
    (start, add_months(start, 3))
}

// ---------------------------------------------------------------------------------------------------------
// Server functions
// ---------------------------------------------------------------------------------------------------------

/// The active tenant as the residency rules see it (name, country); a platform
/// admin with no active tenant evaluates as a French tenant. Any signed-in person.
#[server(prefix = "/api", endpoint = "my_tenant_profile")]
pub async fn my_tenant_profile() -> Result<TenantProfile, AppError> {
    use crate::server::catalogue::placement_request;
    let (_ctx, tenant) = placement_request().await?;
    Ok(tenant)
}

/// Evaluates every site for the caller's tenant, on the server, with the
/// catalogue and policy in force. Any signed-in person (a tenant, or a platform
/// admin evaluating as a French tenant).
#[server(prefix = "/api", endpoint = "evaluate_placement")]
pub async fn evaluate_placement(
    classification: String,
    start: String,
    end: String,
    waiver: Option<String>,
    administers: Option<String>,
    backs_up: Option<String>,
) -> Result<PlacementOutcome, AppError> {
    use crate::server::{
        catalogue::{placement_request, snapshot},
        error::respond,
    };
    let (ctx, tenant) = placement_request().await?;
    let form = PlacementForm {
        classification,
        start,
        end,
        waiver: is_ticked(&waiver),
        administers: is_ticked(&administers),
        backs_up: is_ticked(&backs_up),
    };
    let request = respond(form.to_request())?;
    let snapshot = respond(snapshot(&ctx.call()).await)?;
    Ok(evaluate_every_site(&request, &tenant, &snapshot))
}

// ---------------------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------------------

fn flag(value: bool) -> Option<String> {
    value.then(|| "true".to_string())
}

#[component]
pub fn PlacementPage() -> impl IntoView {
    let query = use_query_map();
    let first = untrack(move || {
        let q = query.read();
        let (start, end) = default_window();
        PlacementForm {
            classification: q
                .get("classification")
                .filter(|c| Classification::parse(c).is_ok())
                .unwrap_or_else(|| Classification::Public.as_str().to_string()),
            start: q
                .get("start")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| start.to_string()),
            end: q
                .get("end")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| end.to_string()),
            waiver: is_ticked(&q.get("waiver")),
            administers: is_ticked(&q.get("administers")),
            backs_up: is_ticked(&q.get("backs_up")),
        }
    });
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, placement.title))/>
        <section class="page">
            <h1>{tr(i18n, |l| td_string!(l, placement.title))}</h1>
            <p class="hero__lead">
                {tr(i18n, |l| td_string!(l, placement.lead_1))}
                {tr(i18n, |l| td_string!(l, placement.lead_2))}
            </p>
            <PlacementChecker first/>
        </section>
    }
}

/// The form and the sites' verdicts, for the address's values (the form is a GET form). In the
/// browser the form is sent again at each change (`FollowChanges`), so the verdicts follow it; the
/// rules run on the server only, one path for the page, the request form and the API.
#[component]
fn PlacementChecker(first: PlacementForm) -> impl IntoView {
    let i18n = use_i18n();
    let classification =
        Classification::parse(&first.classification).unwrap_or(Classification::Public);
    let form = first.clone();
    let outcome = Resource::new(
        || (),
        move |_| {
            let f = first.clone();
            evaluate_placement(
                f.classification,
                f.start,
                f.end,
                flag(f.waiver),
                flag(f.administers),
                flag(f.backs_up),
            )
        },
    );
    view! {
        <PlacementFormView form classification/>
        <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, placement.checking))}</p> }>
            {move || Suspend::new(async move {
                let outcome = outcome.await;
                view! { <OutcomeView outcome/> }
            })}
        </Transition>
    }
}

#[component]
fn PlacementFormView(form: PlacementForm, classification: Classification) -> impl IntoView {
    let class_is = move |c: Classification| classification == c;
    let i18n = use_i18n();
    view! {
        <form method="get" action="/placement" class="form placement-form" id="placement-form">
            <fieldset class="field">
                <legend>{tr(i18n, |l| td_string!(l, placement.data_classification))}</legend>
                {Classification::ALL
                    .into_iter()
                    .map(|c| {
                        let id = format!("classification-{}", c.as_str());
                        view! {
                            <div class="choice">
                                <input
                                    type="radio"
                                    id=id.clone()
                                    name="classification"
                                    value=c.as_str()
                                    checked=class_is(c)
                                />
                                " "
                                <label for=id>{move || c.label_in(i18n.get_locale())}</label>
                                <span class="field__hint">" — " {move || c.description_in(i18n.get_locale())}</span>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <label for="placement-start">{tr(i18n, |l| td_string!(l, placement.first_day))}</label>
                <input
                    id="placement-start"
                    type="date"
                    name="start"
                    value=form.start.clone()
                />
            </div>
            <div class="field">
                <label for="placement-end">{tr(i18n, |l| td_string!(l, placement.end_day))}</label>
                <input
                    id="placement-end"
                    type="date"
                    name="end"
                    value=form.end.clone()
                />
            </div>
            <Show when=move || class_is(Classification::Confidential)>
                <div class="field">
                    <div class="choice">
                        <input
                            id="placement-waiver"
                            type="checkbox"
                            name="waiver"
                            value="true"
                            checked=form.waiver
                        />
                        " "
                        <label for="placement-waiver">
                            {tr(i18n, |l| td_string!(l, placement.waiver_label))}
                        </label>
                    </div>
                    <span class="field__hint">
                        {tr(i18n, |l| td_string!(l, placement.waiver_hint))}
                    </span>
                </div>
            </Show>
            <Show when=move || class_is(Classification::Health)>
                <div class="field">
                    <div class="choice">
                        <input
                            id="placement-administers"
                            type="checkbox"
                            name="administers"
                            value="true"
                            checked=form.administers
                        />
                        " "
                        <label for="placement-administers">
                            {tr(i18n, |l| td_string!(l, placement.administers_label))}
                        </label>
                    </div>
                    <div class="choice">
                        <input
                            id="placement-backs-up"
                            type="checkbox"
                            name="backs_up"
                            value="true"
                            checked=form.backs_up
                        />
                        " "
                        <label for="placement-backs-up">
                            {tr(i18n, |l| td_string!(l, placement.backs_up_label))}
                        </label>
                    </div>
                </div>
            </Show>
            <p>
                <button type="submit" class="button">{tr(i18n, |l| td_string!(l, placement.check_sites))}</button>
                <span class="field__hint">
                    " " {tr(i18n, |l| td_string!(l, placement.follows_changes))}
                </span>
                <crate::ui::form::FollowChanges form="placement-form".to_string()/>
            </p>
        </form>
    }
}
