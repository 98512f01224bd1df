//! `/capacity`: committed versus available GPUs, week by week over the next 26 weeks, for every
//! site and GPU model, as server-rendered SVG charts. Totals only, no tenant data: platform admins
//! and any signed-in tenant member may see it.

pub mod chart;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

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

/// Committed versus available GPUs per site and model for the next 26 weeks. For platform admins
/// and members of any tenant (totals only).
#[server(prefix = "/api", endpoint = "capacity_overview")]
pub async fn capacity_overview() -> Result<CapacityLoads, AppError> {
    use crate::server::{error::respond, request_context, requests::capacity};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let viewer = match user.as_platform_admin() {
        Ok(admin) => capacity::Viewer::Admin(admin),
        Err(_) => capacity::Viewer::Tenant(respond(user.in_tenant())?),
    };
    respond(capacity::overview(&ctx.state, &viewer).await)
}

/// A sentence for screen readers and for anyone without the chart.
pub fn summary(pool: &PoolLoad, weeks: &[String]) -> String {
    use chart::LoadLevel;
    let Some((i, peak)) = pool
        .peaks
        .iter()
        .copied()
        .enumerate()
        .max_by_key(|(i, p)| (*p, std::cmp::Reverse(*i)))
    else {
        return "No weeks to show.".to_owned();
    };
    let busy = pool
        .peaks
        .iter()
        .filter(|&&p| LoadLevel::of(p, pool.available) != LoadLevel::Normal)
        .count();
    if peak == 0 {
        return format!(
            "Nothing committed over the next {} weeks; {} GPUs available.",
            pool.peaks.len(),
            pool.available
        );
    }
    format!(
        "Busiest week: {}, with {peak} of {} GPUs committed; {busy} of {} weeks above 80 %.",
        weeks.get(i).map(String::as_str).unwrap_or("?"),
        pool.available,
        pool.peaks.len()
    )
}

#[component]
pub fn CapacityPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| capacity_overview());
    view! {
        <Title text="Capacity"/>
        <section class="page">
            <h1>"Capacity, next 26 weeks"</h1>
            <p>"Peak GPUs committed by approved quotas each week, against the GPUs available (installed less the reserve, dashed line). Weeks above 80 % are orange; above 100 % would be red."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(o) => {
                            let weeks = o.weeks.clone();
                            o.pools.into_iter().map(|p| {
                                let title = format!("{} — {}", p.site_name, p.gpu_model);
                                let id = format!("cap-{}-{}", p.site_slug, p.gpu_model.to_lowercase());
                                let svg = chart::svg(&id, &title, p.available, &weeks, &p.peaks);
                                let text = summary(&p, &weeks);
                                view! {
                                    <article class="card">
                                        <h2>{title}</h2>
                                        <div class="chart-wrap" inner_html=svg></div>
                                        <p>{text}</p>
                                    </article>
                                }
                            }).collect_view().into_any()
                        }
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
