//! Platform admins made from the operator's command line.

use serde_json::json;

use super::repo;
use crate::domain::password::Password;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    error::ServiceResult,
    state::AppState,
};

/// Creates a platform admin, or grants the role to an existing account (whose
/// password is then left as it is). Returns what was done, for the operator.
pub async fn create_platform_admin(
    state: &AppState,
    email: &str,
    name: Option<&str>,
    password: &str,
) -> ServiceResult<String> {
    let email = email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 254 {
        return Err(AppError::validation("email", "That is not an e-mail address.").into());
    }
    // Platform scope: the operator's command line acts for the platform.
    let mut tx = state.db.platform_write_tx().await?;
    let mut ended_sessions_of = None;
    let outcome = match repo::find_user_by_email(&mut tx, &email).await? {
        Some(user) => {
            repo::grant_platform_admin(&mut tx, user.id).await?;
            ended_sessions_of = Some(user.id);
            format!("{email} is now a platform admin (existing account; its sessions were ended)")
        }
        None => {
            // The same policy as every new password: length, and not easily guessed.
            let personal = [email.as_str(), name.unwrap_or("")];
            let password = Password::parse(password, &personal)
                .map_err(|message| AppError::validation("password", message))?;
            let hash = state.hashing.hash(password.expose_secret()).await?;
            let display = name.unwrap_or("Platform admin");
            repo::insert_user(&mut tx, &email, display, &hash, true).await?;
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
