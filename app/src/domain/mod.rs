//! Pure domain rules, compiled for the server and for the browser: no I/O, no
//! clock (callers pass the date). The browser uses them to explain a decision
//! at once; the server evaluates them again and never trusts the client.

pub mod capacity;
pub mod catalogue;
pub mod country;
pub mod dates;
pub mod email;
pub mod identity;
pub mod lifecycle;
pub mod password;
pub mod request_fields;
pub mod residency;
pub mod slug;
pub mod tenancy;
