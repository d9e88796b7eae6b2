//! Handlers, one module per resource family.

pub(crate) mod available;
pub(crate) mod callbacks;
pub(crate) mod cdrs;
pub(crate) mod cnam;
pub(crate) mod control;
pub(crate) mod e911;
pub(crate) mod e911_rules;
pub(crate) mod messages;
pub(crate) mod numbers;
pub(crate) mod porting;
pub(crate) mod routes;
