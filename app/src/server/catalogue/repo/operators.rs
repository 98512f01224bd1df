//! Operators and their shareholders.

use sqlx::{AnyConnection, FromRow};

use super::{country, flag, percent};
use crate::domain::{
    catalogue::CatalogueOperator,
    residency::{Operator, Shareholder},
};
use crate::server::{db::now_unix, search};

/// An operator as stored (countries as ISO codes, flags as 0 or 1).
#[derive(FromRow)]
pub(super) struct OperatorRow {
    id: i64,
    name: String,
    registered_office: String,
    central_administration: String,
    main_establishment: String,
    dpf_certified: i64,
    commercial_organisation: i64,
}

pub(super) const OPERATOR_COLUMNS: &str = "id, name, registered_office, central_administration, \
     main_establishment, dpf_certified, commercial_organisation";

impl OperatorRow {
    pub(super) fn id(&self) -> i64 {
        self.id
    }

    /// The operator, with the shareholders read apart.
    pub(super) fn into_operator(
        self,
        shareholders: Vec<Shareholder>,
    ) -> Result<CatalogueOperator, sqlx::Error> {
        Ok(CatalogueOperator {
            id: self.id,
            operator: Operator {
                name: self.name,
                registered_office: country(&self.registered_office)?,
                central_administration: country(&self.central_administration)?,
                main_establishment: country(&self.main_establishment)?,
                shareholders,
                dpf_certified: flag(self.dpf_certified),
                commercial_organisation: flag(self.commercial_organisation),
            },
        })
    }
}

/// A shareholder as stored (percentages in basis points, flags as 0 or 1).
#[derive(FromRow)]
pub(super) struct ShareholderRow {
    pub(super) operator_id: i64,
    id: i64,
    name: String,
    country: String,
    capital_bp: i64,
    voting_bp: i64,
    control_rights: i64,
    veto_rights: i64,
}

pub(super) const SHAREHOLDER_COLUMNS: &str =
    "operator_id, id, name, country, capital_bp, voting_bp, control_rights, veto_rights";

impl ShareholderRow {
    pub(super) fn into_shareholder(self) -> Result<Shareholder, sqlx::Error> {
        Ok(Shareholder {
            name: self.name,
            country: country(&self.country)?,
            capital: percent(self.capital_bp)?,
            voting: percent(self.voting_bp)?,
            control_rights: flag(self.control_rights),
            veto_rights: flag(self.veto_rights),
        })
    }
}

/// The operator of that exact name, without its shareholders.
pub async fn find_operator(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Option<CatalogueOperator>, sqlx::Error> {
    let row: Option<OperatorRow> = sqlx::query_as(&format!(
        "SELECT {OPERATOR_COLUMNS} FROM operators WHERE name = $1"
    ))
    .bind(name)
    .fetch_optional(conn)
    .await?;
    row.map(|row| row.into_operator(Vec::new())).transpose()
}

/// Inserts an operator's own row (offices, DPF, commercial), not its shareholders; returns its
/// id. A name already taken is a unique violation.
pub async fn insert_operator(conn: &mut AnyConnection, op: &Operator) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO operators (name, registered_office, central_administration, main_establishment, \
         dpf_certified, commercial_organisation, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&op.name)
    .bind(op.registered_office.as_str())
    .bind(op.central_administration.as_str())
    .bind(op.main_establishment.as_str())
    .bind(i64::from(op.dpf_certified))
    .bind(i64::from(op.commercial_organisation))
    .bind(now_unix())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Changes an operator's own row (its shareholders stay). A name already taken is a unique
/// violation.
pub async fn update_operator(
    conn: &mut AnyConnection,
    id: i64,
    op: &Operator,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE operators SET name = $1, registered_office = $2, central_administration = $3, \
         main_establishment = $4, dpf_certified = $5, commercial_organisation = $6 WHERE id = $7",
    )
    .bind(&op.name)
    .bind(op.registered_office.as_str())
    .bind(op.central_administration.as_str())
    .bind(op.main_establishment.as_str())
    .bind(i64::from(op.dpf_certified))
    .bind(i64::from(op.commercial_organisation))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes an operator with its shareholders.
pub async fn delete_operator(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM operator_shareholders WHERE operator_id = $1",
        "DELETE FROM operators WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// How many sites the operator runs.
pub async fn sites_run_by(conn: &mut AnyConnection, operator_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sites WHERE operator_id = $1")
        .bind(operator_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// The catalogue tables whose names are unique whatever their case and accents.
#[derive(Clone, Copy)]
pub enum Named {
    Operators,
    Sites,
}

/// Whether another row of `table` (any but `except`) has this name, whatever its case and
/// accents ("Ile-de-France" is "Île-de-France" typed without its accent).
pub async fn name_taken(
    conn: &mut AnyConnection,
    table: Named,
    name: &str,
    except: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let table = match table {
        Named::Operators => "operators",
        Named::Sites => "sites",
    };
    let postgres = search::is_postgres(conn);
    let sql = format!(
        "SELECT COUNT(*) FROM {table} WHERE {} = $1 AND id <> $2",
        search::folded("name", postgres)
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(search::fold(name.trim()))
        .bind(except.unwrap_or(-1))
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// A shareholder of an operator, with its row's id.
pub struct StoredShareholder {
    pub id: i64,
    pub holder: Shareholder,
}

/// The operator's shareholder of that exact name.
pub async fn find_shareholder(
    conn: &mut AnyConnection,
    operator_id: i64,
    name: &str,
) -> Result<Option<StoredShareholder>, sqlx::Error> {
    let row: Option<ShareholderRow> = sqlx::query_as(&format!(
        "SELECT {SHAREHOLDER_COLUMNS} FROM operator_shareholders WHERE operator_id = $1 AND name = $2"
    ))
    .bind(operator_id)
    .bind(name)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(StoredShareholder {
            id: row.id,
            holder: row.into_shareholder()?,
        })
    })
    .transpose()
}

/// The capital and the voting rights, in basis points, that the operator's shareholders other
/// than `name` hold together.
pub async fn other_shares(
    conn: &mut AnyConnection,
    operator_id: i64,
    name: &str,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(capital_bp), 0) AS BIGINT), CAST(COALESCE(SUM(voting_bp), 0) AS BIGINT) \
         FROM operator_shareholders WHERE operator_id = $1 AND name <> $2",
    )
    .bind(operator_id)
    .bind(name)
    .fetch_one(conn)
    .await
}

pub async fn insert_shareholder(
    conn: &mut AnyConnection,
    operator_id: i64,
    h: &Shareholder,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO operator_shareholders (operator_id, name, country, capital_bp, voting_bp, \
         control_rights, veto_rights) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(operator_id)
    .bind(&h.name)
    .bind(h.country.as_str())
    .bind(i64::from(h.capital.basis_points()))
    .bind(i64::from(h.voting.basis_points()))
    .bind(i64::from(h.control_rights))
    .bind(i64::from(h.veto_rights))
    .execute(conn)
    .await?;
    Ok(())
}

/// Changes a shareholder's row (its name stays).
pub async fn update_shareholder(
    conn: &mut AnyConnection,
    id: i64,
    h: &Shareholder,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE operator_shareholders SET country = $1, capital_bp = $2, voting_bp = $3, \
         control_rights = $4, veto_rights = $5 WHERE id = $6",
    )
    .bind(h.country.as_str())
    .bind(i64::from(h.capital.basis_points()))
    .bind(i64::from(h.voting.basis_points()))
    .bind(i64::from(h.control_rights))
    .bind(i64::from(h.veto_rights))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the operator's shareholders of that exact name.
pub async fn delete_shareholder(
    conn: &mut AnyConnection,
    operator_id: i64,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM operator_shareholders WHERE operator_id = $1 AND name = $2")
        .bind(operator_id)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}
