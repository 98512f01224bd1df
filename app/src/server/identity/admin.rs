//! Platform admins made from the operator's command line.

use serde_json::json;

use super::repo;
use crate::domain::{email::Email, password::Password};
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    error::ServiceResult,
    state::AppState,
};

/// The operator's command-line arguments as typed values, by the portal's own rules (the same
/// as sign-up's): the address, and the password with the person's address and name as words
/// it must not be built on (its error matters only for a new account).
pub fn parse_operator_args(
    email: &str,
    name: Option<&str>,
    password: &str,
) -> Result<(Email, Result<Password, String>), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::validation("email", m))?;
    let personal = [email.as_str(), name.unwrap_or("")];
    let password = Password::parse(password, &personal);
    Ok((email, password))
}

/// Creates a platform admin, or grants the role to an existing account (whose
/// password is then left as it is). Returns what was done, for the operator. The
/// password is as the command line parsed it: its error matters only for a new account.
pub async fn create_platform_admin(
    state: &AppState,
    email: &Email,
    name: Option<&str>,
    password: Result<Password, String>,
) -> ServiceResult<String> {
    let email = email.as_str();
    // Platform scope: the operator's command line acts for the platform.
    let mut tx = state.db.platform_write_tx().await?;
    let mut ended_sessions_of = None;
    let outcome = match repo::find_user_by_email(&mut tx, email).await? {
        Some(user) => {
            repo::grant_platform_admin(&mut tx, user.id).await?;
            ended_sessions_of = Some(user.id);
            format!("{email} is now a platform admin (existing account; its sessions were ended)")
        }
        None => {
            let password = password.map_err(|message| AppError::validation("password", message))?;
            let hash = state.hashing.hash(password.expose_secret()).await?;
            let display = name.unwrap_or("Platform admin");
            repo::insert_user(&mut tx, email, display, &hash, true).await?;
            format!("created platform admin {email}")
        }
    };
    audit::append(
        &mut tx,
        &AuditEvent::new("platform_admin_granted")
            .detail(json!({ "email": email, "by": "operator-cli" })),
    )
    .await?;
    tx.commit().await?;
    // After the commit: on SQLite the write lock is ours until then.
    if let Some(user_id) = ended_sessions_of {
        state.sessions.delete_user_sessions(user_id, None).await?;
    }
    Ok(outcome)
}
