//! Account and membership queries. Rows stay here: they are not wire types.

use sqlx::{AnyConnection, FromRow};

use crate::server::auth::actor::ActiveTenant;
use crate::server::db::now_unix;
use crate::server::{members::repo::stored_role, tenants::stored_status};

/// A user row. Holds the password hash, so it never leaves the backend and
/// its `Debug` hides the hash.
#[derive(FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub platform_admin: i64,
    /// When a platform admin disabled the account, if they did.
    pub disabled_at: Option<i64>,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("platform_admin", &self.platform_admin)
            .finish_non_exhaustive()
    }
}

pub async fn find_user_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, name, password_hash, platform_admin, disabled_at FROM users \
         WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await
}

/// The user with this id, if any.
pub async fn find_user_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, name, password_hash, platform_admin, disabled_at FROM users WHERE id = $1",
    )
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn insert_user(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    password_hash: &str,
    platform_admin: bool,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (email, name, password_hash, platform_admin, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(i64::from(platform_admin))
    .bind(now_unix())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The language to write to the person of `users` row `u` in, as a SQL expression: the one they
/// chose, else the one they last signed in with (NULL when neither: French). Every notice, e-mail
/// and reminder reads it through this expression.
pub const WRITING_LANGUAGE: &str = "COALESCE(u.language, u.seen_language)";

/// Remembers the language of the pages person `user_id` signs in with (`fr`, `en`).
pub async fn set_seen_language(
    conn: &mut AnyConnection,
    user_id: i64,
    language: crate::i18n::Locale,
) -> Result<(), sqlx::Error> {
    use leptos_i18n::Locale as _;
    sqlx::query("UPDATE users SET seen_language = $1 WHERE id = $2")
        .bind(language.as_str())
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Makes an existing account a platform admin.
pub async fn grant_platform_admin(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET platform_admin = 1 WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update_password_hash(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One of a person's memberships, with its tenant's current standing.
#[derive(Debug, Clone)]
pub struct Membership {
    pub tenant: ActiveTenant,
    /// Why the campus rejected the tenant, when it did.
    pub rejection_reason: Option<String>,
    /// Why the campus suspended the tenant, while it is suspended.
    pub suspension_reason: Option<String>,
}

#[derive(FromRow)]
struct MembershipRow {
    id: i64,
    slug: String,
    name: String,
    role: String,
    status: String,
    rejection_reason: Option<String>,
    suspended_at: Option<i64>,
    suspension_reason: Option<String>,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = sqlx::Error;

    fn try_from(r: MembershipRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            tenant: ActiveTenant {
                id: r.id,
                slug: r.slug,
                name: r.name,
                role: stored_role(&r.role)?,
                status: stored_status(&r.status)?,
            },
            rejection_reason: r.rejection_reason,
            suspension_reason: r
                .suspended_at
                .map(|_| r.suspension_reason.unwrap_or_default()),
        })
    }
}

const MEMBERSHIP_QUERY: &str =
    "SELECT t.id, t.slug, t.name, m.role, t.status, t.rejection_reason, t.suspended_at, \
     t.suspension_reason FROM memberships m \
     JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = $1";

/// A person's memberships, oldest first (platform scope: they span tenants).
pub async fn memberships(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<Membership>, sqlx::Error> {
    let rows: Vec<MembershipRow> =
        sqlx::query_as(&format!("{MEMBERSHIP_QUERY} ORDER BY m.created_at, t.id"))
            .bind(user_id)
            .fetch_all(conn)
            .await?;
    rows.into_iter().map(Membership::try_from).collect()
}

/// The tenants a person belongs to, oldest membership first.
pub async fn memberships_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<ActiveTenant>, sqlx::Error> {
    Ok(memberships(conn, user_id)
        .await?
        .into_iter()
        .map(|m| m.tenant)
        .collect())
}

/// A person's membership of the tenant with this id, if any.
pub async fn membership_by_tenant_id(
    conn: &mut AnyConnection,
    user_id: i64,
    tenant_id: i64,
) -> Result<Option<Membership>, sqlx::Error> {
    let row: Option<MembershipRow> = sqlx::query_as(&format!("{MEMBERSHIP_QUERY} AND t.id = $2"))
        .bind(user_id)
        .bind(tenant_id)
        .fetch_optional(conn)
        .await?;
    row.map(Membership::try_from).transpose()
}

/// A person's membership of the tenant with this slug, if any.
pub async fn membership_by_slug(
    conn: &mut AnyConnection,
    user_id: i64,
    slug: &str,
) -> Result<Option<Membership>, sqlx::Error> {
    let row: Option<MembershipRow> = sqlx::query_as(&format!("{MEMBERSHIP_QUERY} AND t.slug = $2"))
        .bind(user_id)
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    row.map(Membership::try_from).transpose()
}

/// Keeps a password reset link for `user_id` (its token's SHA-256), replacing their earlier ones.
pub async fn insert_password_reset(
    conn: &mut AnyConnection,
    user_id: i64,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM password_resets WHERE user_id = $1 OR expires_at <= $2")
        .bind(user_id)
        .bind(now_unix())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now_unix())
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The person a reset link that still works names (`None` for an unknown, used or expired one).
pub async fn password_reset_user(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.password_hash, u.platform_admin, u.disabled_at \
         FROM password_resets r JOIN users u ON u.id = r.user_id \
         WHERE r.token_hash = $1 AND r.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now_unix())
    .fetch_optional(conn)
    .await
}

/// Spends a reset link: deletes it (and the person's other links) and answers whether it was
/// still there, so that of two uses racing only one goes through.
pub async fn spend_password_reset(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let spent =
        sqlx::query("DELETE FROM password_resets WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now_unix())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    sqlx::query("DELETE FROM password_resets WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(spent == 1)
}

/// Where a sign-in from an address stands among the person's addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInAddress {
    /// Seen before.
    Known,
    /// Not seen before, while others were: worth a notice.
    New,
    /// The person's first address on record (their first sign-in, or the first since this was
    /// kept): nothing to compare with.
    First,
}

/// Records that `user_id` signed in from the address whose hash is `address_hash`.
pub async fn remember_sign_in_address(
    conn: &mut AnyConnection,
    user_id: i64,
    address_hash: &str,
) -> Result<SignInAddress, sqlx::Error> {
    let (known, this): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN address_hash = $2 THEN 1 ELSE 0 END), 0) \
         FROM sign_in_addresses WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(address_hash)
    .fetch_one(&mut *conn)
    .await?;
    let now = now_unix();
    sqlx::query(
        "INSERT INTO sign_in_addresses (user_id, address_hash, first_seen_at, last_seen_at) \
         VALUES ($1, $2, $3, $3) \
         ON CONFLICT (user_id, address_hash) DO UPDATE SET last_seen_at = $3",
    )
    .bind(user_id)
    .bind(address_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(match (known, this) {
        (_, 1..) => SignInAddress::Known,
        (0, _) => SignInAddress::First,
        _ => SignInAddress::New,
    })
}

/// Keeps a change of `user_id`'s address to `new_email` waiting for its link (the token's
/// SHA-256), replacing their earlier ones.
pub async fn insert_email_change(
    conn: &mut AnyConnection,
    user_id: i64,
    new_email: &str,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM email_changes WHERE user_id = $1 OR expires_at <= $2")
        .bind(user_id)
        .bind(now_unix())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO email_changes (token_hash, user_id, new_email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(new_email)
    .bind(now_unix())
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A change of address whose link still works: the person and the new address.
#[derive(Debug, FromRow)]
pub struct PendingEmailChange {
    pub user_id: i64,
    pub old_email: String,
    pub name: String,
    pub new_email: String,
}

/// The change a link that still works names (`None` for an unknown, used or expired one).
pub async fn email_change(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<PendingEmailChange>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.email AS old_email, u.name, c.new_email \
         FROM email_changes c JOIN users u ON u.id = c.user_id \
         WHERE c.token_hash = $1 AND c.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now_unix())
    .fetch_optional(conn)
    .await
}

/// Spends a change-of-address link (and the person's others): whether it was still there, so that
/// of two uses racing only one goes through.
pub async fn spend_email_change(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query("DELETE FROM email_changes WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash)
        .bind(now_unix())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM email_changes WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(spent == 1)
}

/// Sets `user_id`'s address (the sign-in name). A unique violation when another account has it.
pub async fn update_email(
    conn: &mut AnyConnection,
    user_id: i64,
    email: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
        .bind(email)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
