//! The header's search: one section per kind of thing, each read through the service or the
//! tenant filter its own list uses, so a search never shows what the person's lists would not.
//! A new kind (a new section) is one more function here and one more field of `SearchResults`.

use super::{fold, like_pattern, repo};
use crate::domain::tenancy::TenantRole;
use crate::server::{
    auth::{AdminActor, TenantActor},
    catalogue,
    context::RequestContext,
    error::ServiceResult,
    projects,
    requests::{self, RequestFilter},
};
use crate::wire::requests::RequestSummary;
use crate::wire::search::{
    FoundPerson, FoundProject, FoundRequest, FoundSite, SearchResults, SearchWords, Section,
    SECTION_ROWS,
};

/// Who searches: a platform admin sees every tenant's requests and everyone; someone acting in
/// a tenant sees what their lists show.
pub enum Searcher {
    Admin(AdminActor),
    Tenant(TenantActor),
}

/// One row more than a section shows, to know whether more matched.
const READ_ROWS: i64 = SECTION_ROWS as i64 + 1;

/// Everything `words` finds that `searcher` may see.
pub async fn find(
    ctx: &RequestContext,
    searcher: &Searcher,
    words: &SearchWords,
) -> ServiceResult<SearchResults> {
    Ok(SearchResults {
        query: words.as_str().to_owned(),
        requests: requests_found(ctx, searcher, words).await?,
        all_tenants: matches!(searcher, Searcher::Admin(_)),
        projects: projects_found(ctx, searcher, words).await?,
        sites: sites_found(ctx, words).await?,
        people: people_found(ctx, searcher, words).await?,
    })
}

/// Requests whose project title, site or GPU model holds the words: the first page of the
/// request list (the tenant's, or every tenant's for an admin) filtered by them.
async fn requests_found(
    ctx: &RequestContext,
    searcher: &Searcher,
    words: &SearchWords,
) -> ServiceResult<Section<FoundRequest>> {
    let filter = RequestFilter {
        search: Some(words.as_str().to_owned()),
        ..RequestFilter::ordered(None, None)
    };
    let (page, with_tenant) = match searcher {
        Searcher::Admin(admin) => (
            requests::list_for_admin(&ctx.state, admin, &filter, 0).await?,
            true,
        ),
        Searcher::Tenant(actor) => (
            requests::list_for_tenant(&ctx.state, actor, &filter, 0).await?,
            false,
        ),
    };
    let found = |r: RequestSummary| FoundRequest {
        id: r.id,
        tenant_name: with_tenant.then_some(r.tenant_name),
        project_title: r.project_title,
        status: r.status,
        site_name: r.site_name,
        gpu_model: r.gpu_model,
        gpus: r.gpus,
    };
    let mut section = Section::of(page.rows.into_iter().map(found).collect());
    section.more |= page.has_more;
    Ok(section)
}

/// Projects whose title or code holds the words, among those the projects page lists for the
/// person; none for a platform admin, who acts outside tenants.
async fn projects_found(
    ctx: &RequestContext,
    searcher: &Searcher,
    words: &SearchWords,
) -> ServiceResult<Option<Section<FoundProject>>> {
    let Searcher::Tenant(actor) = searcher else {
        return Ok(None);
    };
    let wanted = fold(words.as_str());
    let listed = projects::list(&ctx.state, actor).await?;
    let found = listed
        .projects
        .into_iter()
        .filter(|p| fold(&p.title).contains(&wanted) || fold(&p.code).contains(&wanted))
        .map(|p| FoundProject {
            id: p.id,
            code: p.code,
            title: p.title,
            lead_name: p.lead_name,
        })
        .collect();
    Ok(Some(Section::of(found)))
}

/// Sites of the catalogue (which every signed-in person reads) whose name, short name, country
/// or operator holds the words.
async fn sites_found(
    ctx: &RequestContext,
    words: &SearchWords,
) -> ServiceResult<Section<FoundSite>> {
    let wanted = fold(words.as_str());
    let snapshot = catalogue::snapshot(&ctx.call()).await?;
    let found = snapshot
        .sites
        .into_iter()
        .map(|s| s.profile)
        .filter(|p| {
            [
                p.name.as_str(),
                p.slug.as_str(),
                p.country.name(),
                p.operator.name.as_str(),
            ]
            .iter()
            .any(|text| fold(text).contains(&wanted))
        })
        .map(|p| FoundSite {
            country: p.country.name().to_owned(),
            operator: p.operator.name.clone(),
            slug: p.slug,
            name: p.name,
        })
        .collect();
    Ok(Section::of(found))
}

/// People whose name or address holds the words: the active tenant's members (as the
/// organisation page lists them), or everyone for a platform admin.
async fn people_found(
    ctx: &RequestContext,
    searcher: &Searcher,
    words: &SearchWords,
) -> ServiceResult<Section<FoundPerson>> {
    let pattern = like_pattern(words.as_str());
    let rows = match searcher {
        Searcher::Tenant(actor) => {
            let mut tx = ctx.state.db.tenant_tx(&actor.scope()).await?;
            let rows =
                repo::members_matching(&mut tx, actor.tenant_id(), &pattern, READ_ROWS).await?;
            tx.commit().await?;
            rows.into_iter()
                .map(|mut r| {
                    r.detail = r
                        .detail
                        .as_deref()
                        .and_then(|role| TenantRole::parse(role).ok())
                        .map(|role| role.label().to_owned());
                    r
                })
                .collect::<Vec<_>>()
        }
        Searcher::Admin(_) => {
            // Platform scope: an admin finds anyone, with their organisations.
            let mut tx = ctx.state.db.platform_tx().await?;
            let rows = repo::people_matching(&mut tx, &pattern, READ_ROWS).await?;
            tx.commit().await?;
            rows
        }
    };
    Ok(Section::of(
        rows.into_iter()
            .map(|r| FoundPerson {
                name: r.name,
                email: r.email,
                detail: r.detail.unwrap_or_default(),
            })
            .collect(),
    ))
}
