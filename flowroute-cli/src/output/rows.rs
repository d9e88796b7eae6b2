//! The table columns of each record type: what fits a terminal and answers
//! the usual question about the record. JSON and CSV show every field.

use super::cells::Row;
use flowroute::cdrs::CdrExport;
use flowroute::cnam::Cnam;
use flowroute::e911::{E911Address, E911AssignedNumber};
use flowroute::messages::Mdr;
use flowroute::numbers::{AccountNumber, AreaCode, AvailableNumber, Exchange, Tier};
use flowroute::porting::PortOrder;
use flowroute::routes::{EdgeStrategy, Route};

macro_rules! rows {
    ($($ty:ty => [$($column:literal),+ $(,)?];)+) => {
        $(impl Row for $ty {
            const COLUMNS: &'static [&'static str] = &[$($column),+];
        })+
    };
}

rows! {
    AccountNumber => ["number", "alias", "number_type", "rate_center", "state", "messaging_enabled", "cnam_lookups_enabled"];
    AvailableNumber => ["number", "number_type", "rate_center", "state", "tier", "monthly_cost", "setup_cost"];
    AreaCode => ["code"];
    Exchange => ["code"];
    Tier => ["name"];
    Route => ["id", "route_type", "value", "alias", "edge_strategy_id"];
    EdgeStrategy => ["id", "name", "description"];
    Mdr => ["id", "timestamp", "direction", "from", "to", "status", "is_mms", "body"];
    E911Address => ["id", "label", "street_number", "street_name", "city", "state", "zip", "country"];
    E911AssignedNumber => ["number", "alias"];
    Cnam => ["id", "value", "is_approved", "rejection_reason", "numbers"];
    PortOrder => ["id", "attributes"];
    CdrExport => ["id", "status", "requested_at", "num_calls", "billed_minutes", "total_cost"];
}
