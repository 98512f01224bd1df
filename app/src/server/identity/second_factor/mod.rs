//! A second factor: TOTP codes (RFC 6238, through `totp-rs`) from an authenticator app, and
//! single-use recovery codes for the day the phone is lost.
//!
//! - Setting up: [`begin_setup`] keeps a new secret (sealed with the server's key, bound to the
//!   person) and shows it as a QR code; [`confirm_setup`] turns it on once a code from the app
//!   matches, and gives the person their [`RECOVERY_CODES`] recovery codes, shown once (their
//!   SHA-256 only is kept).
//! - Checking: [`check_code`] is the one place a code is judged, for sign-in
//!   ([`super::login::complete_with_code`]), turning the factor off and renewing the recovery
//!   codes. It is throttled per account as passwords are (counted before the check, taken back on
//!   success), and a TOTP code is accepted once: the newest accepted step is kept and only a later
//!   one passes (RFC 6238 §5.2), inside one `UPDATE`, so two uses of one code cannot both pass.
//!   The clock is the throttle's, which tests freeze and move.
//! - Platform admins must have one: a session remembers when it last checked a code
//!   (`SessionIdentity::second_factor_at`, set at sign-in, at set-up and by
//!   [`confirm_with_code`]); `CurrentUser::as_platform_admin` refuses a session that never did,
//!   and `CurrentUser::as_recently_confirmed_admin` one whose code is older than five minutes
//!   (step-up), for the changes that need it.

pub mod repo;

use rand::Rng as _;
use serde::{Deserialize, Serialize};
use serde_json::json;
use totp_rs::{Algorithm, Builder, Totp};

use crate::domain::second_factor::{
    SecondFactorCode, SecondFactorOffer, SecondFactorStatus, RECOVERY_ALPHABET, RECOVERY_CHARS,
};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{throttle::CounterKey, CurrentUser},
    context::RequestContext,
    error::ServiceResult,
    outbox,
    state::AppState,
    token::hash_token,
};

/// Seconds a TOTP code stands for.
pub const STEP_SECS: u64 = 30;
/// Steps either side of now whose codes are accepted (a phone's clock a little off).
pub const SKEW_STEPS: u8 = 1;
/// Recovery codes given at a time.
pub const RECOVERY_CODES: usize = 10;
/// How long a sign-in waits for its code after the password was right.
pub const PENDING_LIFETIME_SECS: i64 = 5 * 60;
/// The name shown in the authenticator app beside the account.
const ISSUER: &str = "Guichet";

/// A sign-in whose password was right, waiting for the second factor (kept in the session under
/// [`crate::server::session_store::PENDING_KEY`]; the session is not signed in meanwhile).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub user_id: i64,
    /// When the password was accepted (Unix seconds, the throttle's clock).
    pub since: i64,
    /// Whether the browser showed a device cookie of the account (for the audit).
    pub known_browser: bool,
}

/// Which kind of code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spent {
    App,
    RecoveryCode,
}

impl Spent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::RecoveryCode => "recovery_code",
        }
    }
}

/// Now, in Unix seconds, on the throttle's clock.
pub fn now_secs(state: &AppState) -> i64 {
    state.throttle.clock().now_ms().div_euclid(1_000)
}

fn sealing_context(user_id: i64) -> Vec<u8> {
    format!("second-factor:{user_id}").into_bytes()
}

fn totp(secret: Vec<u8>, email: &str) -> Result<Totp, AppError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(u16::from(SKEW_STEPS))
        .with_step_duration(STEP_SECS)
        .with_secret(secret)
        .with_account_name(email.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| {
            tracing::error!(error = %e, "a second factor could not be built");
            AppError::Internal
        })
}

/// The person's TOTP, opened from its sealed secret.
fn open_totp(state: &AppState, user_id: i64, email: &str, sealed: &str) -> Result<Totp, AppError> {
    let base32 = state
        .outbox_key
        .open(&sealing_context(user_id), sealed)
        .map_err(|e| {
            tracing::error!(user_id, error = ?e, "a second factor's secret cannot be opened");
            AppError::Internal
        })?;
    let secret = totp_rs::Secret::try_from_base32(&base32).map_err(|_| AppError::Internal)?;
    totp(secret.as_ref().to_vec(), email)
}

/// The code an authenticator app holding `secret` (base32) shows now: for the benchmarks, which
/// sign the demo admin in as a person does (`GUICHET_DEMO_ADMIN_TOTP`).
pub fn code_now(secret: &str) -> Result<String, AppError> {
    let secret = totp_rs::Secret::try_from_base32(secret).map_err(|_| AppError::Internal)?;
    Ok(totp(secret.as_ref().to_vec(), "benchmark")?
        .generate_current()
        .to_string())
}

/// Whether `user_id` has a second factor on, and how many recovery codes they have left.
pub async fn status(state: &AppState, user_id: i64) -> ServiceResult<SecondFactorStatus> {
    // Accounts are not tenant-owned.
    let mut tx = state.db.platform_tx().await?;
    let on = repo::is_on(&mut tx, user_id).await?;
    let recovery_codes_left = if on {
        repo::recovery_codes_left(&mut tx, user_id).await?
    } else {
        0
    };
    tx.commit().await?;
    Ok(SecondFactorStatus {
        on,
        required: false,
        recovery_codes_left,
    })
}

/// Whether `user_id` has a second factor on.
pub async fn is_on(state: &AppState, user_id: i64) -> ServiceResult<bool> {
    let mut conn = state.db.acquire().await?;
    Ok(repo::is_on(&mut conn, user_id).await?)
}

/// Starts setting a second factor up: a new secret, to scan or type into an app. Asking again
/// replaces a secret not yet confirmed; a factor already on is left alone (409).
pub async fn begin_setup(
    ctx: &RequestContext,
    user: &CurrentUser,
) -> ServiceResult<SecondFactorOffer> {
    let state = &ctx.state;
    let mut secret = vec![0_u8; 20];
    rand::rng().fill(&mut secret[..]);
    let totp = totp(secret, &user.identity.email)?;
    let base32 = totp.secret().to_base32();
    let sealed = state
        .outbox_key
        .seal(&sealing_context(user.user_id()), &base32);
    let mut tx = state.db.platform_write_tx().await?;
    if !repo::offer(&mut tx, user.user_id(), &sealed, now_secs(state)).await? {
        return Err(already_on().into());
    }
    tx.commit().await?;
    offer_of(&totp)
}

/// The second factor being set up and not yet confirmed, offered again: a page that comes back
/// after a refused first code (a plain form) shows the same QR code and key, not a new secret.
/// `None` when the person has no factor waiting for its first code.
pub async fn pending_setup(
    ctx: &RequestContext,
    user: &CurrentUser,
) -> ServiceResult<Option<SecondFactorOffer>> {
    let state = &ctx.state;
    let mut tx = state.db.platform_tx().await?;
    match being_set_up(state, &mut tx, user).await? {
        SetUp::Waiting(totp) => offer_of(&totp).map(Some),
        SetUp::Absent | SetUp::On => Ok(None),
    }
}

/// Where a person's second factor stands.
enum SetUp {
    Absent,
    On,
    /// Set up, waiting for its first code: the secret, opened.
    Waiting(Totp),
}

async fn being_set_up(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    user: &CurrentUser,
) -> ServiceResult<SetUp> {
    let Some(row) = repo::factor(conn, user.user_id()).await? else {
        return Ok(SetUp::Absent);
    };
    if row.confirmed_at.is_some() {
        return Ok(SetUp::On);
    }
    let totp = open_totp(
        state,
        user.user_id(),
        &user.identity.email,
        &row.secret_sealed,
    )?;
    Ok(SetUp::Waiting(totp))
}

/// What the account page shows of a secret: its QR code and the key to type.
fn offer_of(totp: &Totp) -> ServiceResult<SecondFactorOffer> {
    let base32 = totp.secret().to_base32();
    let uri = totp.to_url().map_err(|_| AppError::Internal)?;
    let qr = qr_path(&uri)?;
    Ok(SecondFactorOffer {
        // Grouped by four, as apps that ask for the key by hand show it.
        secret: base32
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        uri,
        qr_size: qr.0,
        qr_path: qr.1,
    })
}

fn already_on() -> AppError {
    AppError::Conflict {
        message: td_string!(crate::locale::current(), account.second_factor_already_on).to_owned(),
    }
}

/// The QR code of `text` as an SVG path of unit squares, and its size in modules (with a quiet
/// zone of 4), drawn by the page: no image library, and nothing to fetch.
fn qr_path(text: &str) -> Result<(i32, String), AppError> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| AppError::Internal)?;
    let border = 4;
    let mut path = String::new();
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Ok((code.size() + 2 * border, path))
}

/// Turns the second factor being set up on, with a code from the app, and returns the recovery
/// codes (shown once). Throttled as every code check is.
pub async fn confirm_setup(
    ctx: &RequestContext,
    user: &CurrentUser,
    app_code: &str,
) -> ServiceResult<Vec<String>> {
    let state = &ctx.state;
    let keys = [CounterKey::second_factor(user.user_id())];
    state.throttle.admit(&state.db, &keys).await?;
    let now = now_secs(state);
    let mut tx = state.db.platform_write_tx().await?;
    let totp = match being_set_up(state, &mut tx, user).await? {
        SetUp::Waiting(totp) => totp,
        SetUp::Absent => return Err(AppError::NotFound.into()),
        SetUp::On => return Err(already_on().into()),
    };
    let step = totp
        .check(app_code, u64::try_from(now).unwrap_or(0))
        .and_then(|s| i64::try_from(s).ok());
    let accepted = match step {
        Some(step) => repo::spend_step(&mut tx, user.user_id(), step, now).await?,
        None => false,
    };
    if !accepted {
        drop(tx);
        return Err(wrong_code(ctx, user.user_id(), &user.identity.email, "setup").await);
    }
    let codes = new_recovery_codes(&mut tx, user.user_id(), now).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("second_factor_enabled")
            .actor(user.user_id(), &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({})),
    )
    .await?;
    tell(&mut tx, user, Notice::On).await?;
    tx.commit().await?;
    state.throttle.release(&state.db, &keys).await?;
    // This session just checked a code: a platform admin may administer from now on.
    confirmed_now(ctx, user).await?;
    Ok(codes)
}

/// Marks the session as having checked a code of the person's second factor now (under a fresh
/// session id, as every change of what a session may do).
async fn confirmed_now(ctx: &RequestContext, user: &CurrentUser) -> ServiceResult<()> {
    let mut identity = user.identity.clone();
    identity.second_factor_at = Some(now_secs(&ctx.state));
    super::sign_in_as(ctx, identity).await
}

/// Confirms a sensitive change with a code (step-up): the session counts as confirmed for
/// [`crate::server::auth::actor::STEP_UP_SECS`] (see `CurrentUser::as_recently_confirmed_admin`).
pub async fn confirm_with_code(
    ctx: &RequestContext,
    user: &CurrentUser,
    code: &SecondFactorCode,
) -> ServiceResult<()> {
    check_code(ctx, user.user_id(), &user.identity.email, code, "step_up").await?;
    confirmed_now(ctx, user).await
}

/// Turns a confirmed second factor on for `user_id` with a secret chosen by the operator (base32):
/// the demo data's platform admin, when `GUICHET_DEMO_ADMIN_TOTP` gives one, so that tests and
/// demonstrations can sign in with codes they compute.
pub async fn seed_confirmed(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    user_id: i64,
    base32: &str,
) -> ServiceResult<()> {
    let sealed = state.outbox_key.seal(&sealing_context(user_id), base32);
    let now = now_secs(state);
    repo::offer(conn, user_id, &sealed, now).await?;
    repo::confirm(conn, user_id, now).await?;
    Ok(())
}

/// Checks a code of `user_id`'s second factor, spending it: a TOTP code of a step after the last
/// accepted one, or an unused recovery code. `purpose` names the check in the audit.
pub async fn check_code(
    ctx: &RequestContext,
    user_id: i64,
    email: &str,
    code: &SecondFactorCode,
    purpose: &str,
) -> ServiceResult<Spent> {
    let state = &ctx.state;
    let keys = [CounterKey::second_factor(user_id)];
    state.throttle.admit(&state.db, &keys).await?;
    let now = now_secs(state);
    let mut tx = state.db.platform_write_tx().await?;
    let row = repo::factor(&mut tx, user_id)
        .await?
        .filter(|r| r.confirmed_at.is_some())
        .ok_or(AppError::NotFound)?;
    let spent = match code {
        SecondFactorCode::Totp(digits) => {
            let totp = open_totp(state, user_id, email, &row.secret_sealed)?;
            let step = totp
                .check(digits, u64::try_from(now).unwrap_or(0))
                .and_then(|s| i64::try_from(s).ok());
            match step {
                Some(step) if repo::spend_step(&mut tx, user_id, step, now).await? => {
                    Some(Spent::App)
                }
                _ => None,
            }
        }
        SecondFactorCode::Recovery(text) => {
            repo::spend_recovery_code(&mut tx, user_id, &hash_token(text), now)
                .await?
                .then_some(Spent::RecoveryCode)
        }
    };
    let Some(spent) = spent else {
        drop(tx);
        return Err(wrong_code(ctx, user_id, email, purpose).await);
    };
    tx.commit().await?;
    state.throttle.release(&state.db, &keys).await?;
    Ok(spent)
}

/// A refused code: audited, and told in one sentence whatever was wrong with it (a wrong code, one
/// already used, a recovery code already spent), beside the code's field.
async fn wrong_code(
    ctx: &RequestContext,
    user_id: i64,
    email: &str,
    purpose: &str,
) -> crate::server::error::ServiceError {
    let event = AuditEvent::new("second_factor_checked")
        .failed()
        .actor(user_id, email)
        .ip(ctx.client_ip.as_deref())
        .detail(json!({ "purpose": purpose }));
    if let Err(e) = audit::append_alone(&ctx.state.db, &event).await {
        return e.into();
    }
    AppError::validation(
        "code",
        td_string!(crate::locale::current(), account.second_factor_wrong_code),
    )
    .into()
}

/// Turns the person's second factor off, a current code (or a recovery code) checked first.
pub async fn turn_off(
    ctx: &RequestContext,
    user: &CurrentUser,
    code: &SecondFactorCode,
) -> ServiceResult<()> {
    if user.identity.platform_admin {
        return Err(AppError::Conflict {
            message: td_string!(crate::locale::current(), account.second_factor_admins_keep)
                .to_owned(),
        }
        .into());
    }
    check_code(ctx, user.user_id(), &user.identity.email, code, "turn_off").await?;
    let mut tx = ctx.state.db.platform_write_tx().await?;
    repo::remove(&mut tx, user.user_id()).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("second_factor_disabled")
            .actor(user.user_id(), &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({})),
    )
    .await?;
    tell(&mut tx, user, Notice::Off).await?;
    tx.commit().await?;
    Ok(())
}

/// New recovery codes in place of the old ones, a current code checked first.
pub async fn renew_recovery_codes(
    ctx: &RequestContext,
    user: &CurrentUser,
    code: &SecondFactorCode,
) -> ServiceResult<Vec<String>> {
    check_code(
        ctx,
        user.user_id(),
        &user.identity.email,
        code,
        "renew_recovery_codes",
    )
    .await?;
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let codes = new_recovery_codes(&mut tx, user.user_id(), now_secs(&ctx.state)).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("recovery_codes_renewed")
            .actor(user.user_id(), &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({})),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Draws [`RECOVERY_CODES`] codes, keeps their SHA-256 in place of the person's earlier ones, and
/// returns them as shown (`abcde-fghjk`).
async fn new_recovery_codes(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    now: i64,
) -> ServiceResult<Vec<String>> {
    // The generator is not `Send`: drawn from before the first `await`.
    let codes: Vec<String> = {
        let mut rng = rand::rng();
        (0..RECOVERY_CODES)
            .map(|_| {
                (0..RECOVERY_CHARS)
                    .map(|_| {
                        char::from(RECOVERY_ALPHABET[rng.random_range(0..RECOVERY_ALPHABET.len())])
                    })
                    .collect()
            })
            .collect()
    };
    let hashes: Vec<String> = codes.iter().map(|c| hash_token(c)).collect();
    repo::replace_recovery_codes(conn, user_id, &hashes, now).await?;
    Ok(codes
        .iter()
        .map(|c| crate::domain::second_factor::display_recovery_code(c))
        .collect())
}

enum Notice {
    On,
    Off,
}

/// E-mails the person that their second factor was turned on or off (security mail: always sent,
/// so a change they did not make is seen).
async fn tell(
    tx: &mut sqlx::AnyConnection,
    user: &CurrentUser,
    notice: Notice,
) -> ServiceResult<()> {
    let locale = outbox::recipient_locale(tx, &user.identity.email).await?;
    let (subject, body) = match notice {
        Notice::On => (
            td_string!(locale, mail.second_factor_on_subject),
            td_string!(locale, mail.second_factor_on_body),
        ),
        Notice::Off => (
            td_string!(locale, mail.second_factor_off_subject),
            td_string!(locale, mail.second_factor_off_body),
        ),
    };
    let body = crate::domain::format::fill(body, &[("name", &user.identity.name)]);
    outbox::queue(
        tx,
        crate::domain::mail::MailCategory::Security,
        &user.identity.email,
        subject,
        &body,
    )
    .await?;
    Ok(())
}
