//! The route table: every operation of `openapi/flowroute.yaml` plus the
//! `/__sim/` control plane, and the checks that run once a route matched.

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};

use crate::api::{
    available, callbacks, cdrs, cnam, control, e911, messages, numbers, porting, routes,
};
use crate::body::{FORM, announces_body, media_type};
use crate::compat;
use crate::ctx::Ctx;
use crate::error::ApiError;

pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/v2/numbers", get(numbers::list))
        .route("/v2/numbers/available", get(available::search))
        .route("/v2/numbers/available/areacodes", get(available::areacodes))
        .route("/v2/numbers/available/exchanges", get(available::exchanges))
        .route("/v2/numbers/available/tiers", get(available::tiers))
        .route(
            "/v2/numbers/{number_id}",
            get(numbers::details)
                .post(numbers::purchase)
                .patch(numbers::update)
                .delete(numbers::release),
        )
        .route(
            "/v2/numbers/{number_id}/relationships/primary_route",
            patch(routes::set_primary).delete(routes::remove_primary),
        )
        .route(
            "/v2/numbers/{number_id}/relationships/failover_route",
            patch(routes::set_failover).delete(routes::remove_failover),
        )
        .route(
            "/v2/numbers/{number_id}/relationships/{callback_type}",
            post(callbacks::set_for_number)
                .get(callbacks::get_for_number)
                .delete(callbacks::remove_for_number),
        )
        .route(
            "/v2/numbers/{number_id}/relationships/e911s/{e911_id}",
            patch(e911::assign),
        )
        .route(
            "/v2/numbers/{number_id}/relationships/e911s",
            axum::routing::delete(e911::unassign),
        )
        .route(
            "/v2/numbers/{number_id}/relationships/cnams/{cnam_id}",
            patch(cnam::assign),
        )
        .route(
            "/v2/numbers/{number_id}/relationships/cnams",
            axum::routing::delete(cnam::unassign),
        )
        // The singular paths of the Python, PHP, .NET and Ruby SDKs (see `compat`).
        .route(
            "/v2/numbers/{number_id}/relationships/cnam/{cnam_id}",
            patch(cnam::assign_singular),
        )
        .route(
            "/v2/numbers/{number_id}/relationships/cnam",
            axum::routing::delete(cnam::unassign_singular),
        )
        .route("/v2/routes", get(routes::list).post(routes::create))
        .route("/v2/routes/edge_strategies", get(routes::edge_strategies))
        .route(
            "/v2/routes/{route_id}",
            patch(routes::update).delete(routes::delete),
        )
        .route("/v2.1/messages", post(messages::send).get(messages::list))
        // One template serves MDR lookups and account callbacks: Flowroute
        // tells `mdr2-…` ids and callback names apart by value.
        .route(
            "/v2.1/messages/{key}",
            get(messages::get_by_key)
                .put(callbacks::set_for_account)
                .delete(callbacks::remove_for_account),
        )
        .route(
            "/v2.2/messages",
            post(messages::send_v2_2).get(messages::list_v2_2),
        )
        .route(
            "/v2.2/messages/{key}",
            get(messages::get_by_key_v2_2)
                .put(callbacks::set_for_account)
                .delete(callbacks::remove_for_account),
        )
        .route("/v2/e911s", get(e911::list).post(e911::create))
        .route("/v2/e911s/validate", post(e911::validate))
        .route(
            "/v2/e911s/{e911_id}",
            get(e911::get).patch(e911::update).delete(e911::delete),
        )
        .route(
            "/v2/e911s/{e911_id}/relationships/numbers",
            get(e911::numbers),
        )
        .route("/v2/cnams", get(cnam::list).post(cnam::create))
        .route(
            "/v2/cnams/{cnam_id}",
            get(cnam::get).patch(cnam::update).delete(cnam::delete),
        )
        .route("/v2/portorders/portability", post(porting::portability))
        .route("/v2/portorders", get(porting::list))
        .route("/v2/cdrs/exports", get(cdrs::list).post(cdrs::create))
        .route("/v2/cdrs/exports/{cdrexport_id}", get(cdrs::get))
        .route_layer(middleware::from_fn_with_state(ctx.clone(), require_json))
        // Added after the layer: the control plane reads any body as JSON,
        // whatever it is labelled (handy with curl -d).
        .merge(control::router())
        .fallback(not_found)
        .with_state(ctx)
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// 415 for a body of another media type than JSON, save the form bodies
/// `compat` accepts on two operations. A body without any Content-Type is
/// read as JSON unless the simulator is strict (see `compat`).
async fn require_json(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    if announces_body(request.headers()) {
        let strict = ctx.strict();
        let accepted = match media_type(request.headers()).as_deref() {
            None => compat::untyped_body_accepted(strict),
            Some("application/json" | "application/vnd.api+json") => true,
            Some(FORM) => compat::form_accepted(request.method(), request.uri().path(), strict),
            Some(_) => false,
        };
        if !accepted {
            return ApiError::unsupported_media_type().into_response();
        }
    }
    next.run(request).await
}
