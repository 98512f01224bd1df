//! The organisation's people, for its owners: members and invitations, through the services of
//! the organisation page. An owner reads them with any token of the tenant; changing them needs a
//! write token (an owner's).

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    body::{JsonBody, PathParam, QueryParams},
    caller::Caller,
    paging::{Page, PageParams},
    problem::{ApiResult, Problem},
};
use crate::domain::tenancy::TenantRole;
use crate::error::{AppError, FieldErrors};
use crate::server::{auth::actor::TenantActor, members, state::AppState, Call, TenantAccess};
use crate::wire::members::{parse_role, Invitee};

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiMember {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    /// `owner`, `member` or `auditor`.
    pub role: String,
    /// When they joined (Unix seconds).
    pub since: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiInvitation {
    pub id: i64,
    pub email: String,
    pub role: String,
    /// Unix seconds.
    pub sent_at: i64,
    pub expires_at: i64,
}

/// An invitation just sent: its link is e-mailed to the invitee, not shown here.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiInvitationSent {
    pub email: String,
    pub role: String,
}

/// The caller as an owner of the token's tenant: `write` to change things (an owner's write
/// token), else reading (an owner's token of any scope). Others get 403.
async fn owner(state: &AppState, caller: &Caller, write: bool) -> ApiResult<TenantActor> {
    if write {
        return Ok(caller.0.in_tenant(state, TenantAccess::Own).await?);
    }
    let actor = caller.0.in_tenant(state, TenantAccess::Read).await?;
    if actor.role() != TenantRole::Owner {
        return Err(AppError::Forbidden.into());
    }
    Ok(actor)
}

/// Paging of the members.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MembersQuery {
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The members, oldest membership first (owners).
#[utoipa::path(get, path = "/members", tag = "members",
    params(MembersQuery),
    responses((status = 200, description = "One page", body = Page<ApiMember>)),
    security(("bearer" = [])))]
pub async fn list_members(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<MembersQuery>,
) -> ApiResult<Json<Page<ApiMember>>> {
    let actor = owner(&state, &caller, false).await?;
    let window = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .window()?;
    let call = Call::sessionless(&state, None);
    let view = members::overview_slice(&call, &actor, window.offset, window.limit).await?;
    let items = view
        .members
        .into_iter()
        .map(|m| ApiMember {
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            role: m.role.as_str().to_owned(),
            since: m.since,
        })
        .collect();
    Ok(Json(Page::new(items, window, view.has_more)))
}

/// The open invitations (owners).
#[utoipa::path(get, path = "/invitations", tag = "members",
    responses((status = 200, description = "Every open invitation", body = [ApiInvitation])),
    security(("bearer" = [])))]
pub async fn list_invitations(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ApiInvitation>>> {
    let actor = owner(&state, &caller, false).await?;
    let call = Call::sessionless(&state, None);
    let open = members::invitations(&call, &actor).await?;
    Ok(Json(
        open.into_iter()
            .map(|i| ApiInvitation {
                id: i.id,
                email: i.email,
                role: i.role.as_str().to_owned(),
                sent_at: i.sent_at,
                expires_at: i.expires_at,
            })
            .collect(),
    ))
}

/// A role, as the API names it.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // Describes the strings the API reads; `parse_role` reads them.
pub enum ApiRole {
    Owner,
    Member,
    Auditor,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationBody {
    #[schema(format = Email)]
    pub email: String,
    #[schema(value_type = ApiRole)]
    pub role: String,
}

/// Invites a person by e-mail (owners, write token); the link goes by e-mail only.
#[utoipa::path(post, path = "/invitations", tag = "members",
    request_body = InvitationBody,
    responses(
        (status = 201, description = "Sent", body = ApiInvitationSent),
        (status = 409, description = "Already a member, or already invited", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<InvitationBody>,
) -> ApiResult<(StatusCode, Json<ApiInvitationSent>)> {
    let actor = owner(&state, &caller, true).await?;
    let invitee = Invitee::parse(&body.email, &body.role)?;
    let sent = members::invite(&Call::sessionless(&state, None), &actor, &invitee).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiInvitationSent {
            email: sent.email,
            role: sent.role.as_str().to_owned(),
        }),
    ))
}

/// Withdraws an open invitation (owners, write token).
#[utoipa::path(delete, path = "/invitations/{id}", tag = "members",
    params(("id" = i64, Path, description = "The invitation's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 404, description = "No such open invitation", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<StatusCode> {
    let actor = owner(&state, &caller, true).await?;
    members::revoke(&Call::sessionless(&state, None), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    #[schema(value_type = ApiRole)]
    pub role: String,
}

/// Changes a member's role (owners, write token); the last owner stays an owner. Their sessions
/// end, and their tokens then act with the new role.
#[utoipa::path(patch, path = "/members/{user_id}", tag = "members",
    request_body = RoleBody,
    params(("user_id" = i64, Path, description = "The member's user id")),
    responses(
        (status = 204, description = "Changed"),
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last owner", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn change_role(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(user_id): PathParam<i64>,
    JsonBody(body): JsonBody<RoleBody>,
) -> ApiResult<StatusCode> {
    let actor = owner(&state, &caller, true).await?;
    let mut errors = FieldErrors::default();
    let role = errors.check("role", parse_role(&body.role));
    let role = errors.into_result(|| role)?;
    members::change_role(&Call::sessionless(&state, None), &actor, user_id, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member (owners, write token); the last owner stays.
#[utoipa::path(delete, path = "/members/{user_id}", tag = "members",
    params(("user_id" = i64, Path, description = "The member's user id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last owner", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(user_id): PathParam<i64>,
) -> ApiResult<StatusCode> {
    let actor = owner(&state, &caller, true).await?;
    members::remove(&Call::sessionless(&state, None), &actor, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
