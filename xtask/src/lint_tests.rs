//! The spec lint, fed malformed specs: each problem is one line naming the
//! operation or schema at fault.

use crate::lint;

const GOOD: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v2/routes/{route_id}:
    patch:
      operationId: update_a_voice_route
      tags: [routes]
      x-retry-class: idempotent
      parameters:
        - {name: route_id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/vnd.api+json:
            schema: {$ref: '#/components/schemas/RouteUpdate'}
      responses:
        '200':
          description: ok
          content:
            application/vnd.api+json:
              schema: {$ref: '#/components/schemas/Route'}
        '404':
          description: missing
          content:
            application/vnd.api+json:
              schema: {$ref: '#/components/schemas/ErrorDocument'}
components:
  schemas:
    RouteType: {type: string, enum: [host, sip-reg]}
    RouteUpdate: {type: object, additionalProperties: false, properties: {alias: {type: string}}}
    Route: {type: object, properties: {route_type: {$ref: '#/components/schemas/RouteType'}}}
    ErrorDocument: {type: object}
"##;

fn problems(spec: &str) -> Vec<String> {
    lint::lint(&crate::parse_yaml(spec).expect("valid YAML"))
}

fn one_problem(spec: &str) -> String {
    let p = problems(spec);
    assert_eq!(p.len(), 1, "expected exactly one problem, got {p:#?}");
    p.into_iter().next().unwrap()
}

#[test]
fn the_reference_spec_is_clean() {
    assert_eq!(problems(GOOD), Vec::<String>::new());
}

#[test]
fn the_projects_spec_is_clean() {
    let text = std::fs::read_to_string(crate::workspace_root().join(crate::regen::SPEC)).unwrap();
    assert_eq!(problems(&text), Vec::<String>::new());
}

#[test]
fn a_missing_operation_id_names_method_and_path() {
    let p = one_problem(&GOOD.replace("      operationId: update_a_voice_route\n", ""));
    assert!(
        p.contains("PATCH /v2/routes/{route_id} has no operationId"),
        "{p}"
    );
}

#[test]
fn an_unknown_media_type_names_the_operation_and_the_type() {
    let p = one_problem(&GOOD.replacen("application/vnd.api+json:", "text/csv:", 1));
    assert!(
        p.contains("`update_a_voice_route`") && p.contains("unknown media type `text/csv`"),
        "{p}"
    );
}

#[test]
fn a_duplicate_schema_name_is_a_yaml_error_naming_the_key() {
    let spec = GOOD.replace(
        "    ErrorDocument: {type: object}\n",
        "    ErrorDocument: {type: object}\n    Route: {type: object}\n",
    );
    let err = crate::parse_yaml(&spec).unwrap_err();
    assert!(err.contains("duplicate") && err.contains("Route"), "{err}");
}

#[test]
fn schema_names_differing_only_in_case_are_rejected() {
    let spec = GOOD.replace(
        "    ErrorDocument: {type: object}\n",
        "    ErrorDocument: {type: object}\n    route: {type: object}\n",
    );
    let p = one_problem(&spec);
    assert!(p.contains("`route`") && p.contains("`Route`"), "{p}");
}

#[test]
fn a_default_response_is_rejected() {
    let p = one_problem(&GOOD.replace("'404':", "default:"));
    assert!(
        p.contains("`update_a_voice_route`") && p.contains("`default` response"),
        "{p}"
    );
}

#[test]
fn two_success_shapes_are_rejected() {
    let spec = GOOD.replace(
        "        '404':",
        "        '201':\n          description: c\n          content:\n            application/vnd.api+json:\n              schema: {$ref: '#/components/schemas/ErrorDocument'}\n        '404':",
    );
    let p = one_problem(&spec);
    assert!(
        p.contains("success responses have 2 different schemas"),
        "{p}"
    );
}

#[test]
fn two_request_media_types_are_rejected() {
    let spec = GOOD.replacen(
        "            schema: {$ref: '#/components/schemas/RouteUpdate'}\n",
        "            schema: {$ref: '#/components/schemas/RouteUpdate'}\n          application/json:\n            schema: {$ref: '#/components/schemas/RouteUpdate'}\n",
        1,
    );
    let p = one_problem(&spec);
    assert!(p.contains("request body declares 2 media types"), "{p}");
}

#[test]
fn an_inline_enum_without_title_is_rejected() {
    let spec = GOOD.replace(
        "{alias: {type: string}}",
        "{alias: {type: string, enum: [a, b]}}",
    );
    let p = one_problem(&spec);
    assert!(
        p.contains("schema `RouteUpdate`") && p.contains("inline enum"),
        "{p}"
    );
}

#[test]
fn closed_objects_are_rejected_on_responses_only() {
    let spec = GOOD.replace(
        "Route: {type: object, properties",
        "Route: {type: object, additionalProperties: false, properties",
    );
    let p = one_problem(&spec);
    assert!(
        p.contains("schema `Route`") && p.contains("additionalProperties: false"),
        "{p}"
    );
}

#[test]
fn a_dangling_ref_is_rejected() {
    let p = one_problem(&GOOD.replace("schemas/Route'}", "schemas/Rout'}"));
    assert!(
        p.contains("#/components/schemas/Rout") && p.contains("points nowhere"),
        "{p}"
    );
}

#[test]
fn an_undeclared_path_parameter_is_rejected() {
    let p = problems(&GOOD.replace("{name: route_id, in: path", "{name: id, in: path"));
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(
        p[0].contains("path parameter `route_id` is not declared"),
        "{p:#?}"
    );
    assert!(
        p[1].contains("declares path parameter `id` that is not in the path"),
        "{p:#?}"
    );
}

#[test]
fn openapi_31_is_rejected() {
    let p = one_problem(&GOOD.replace("openapi: 3.0.3", "openapi: 3.1.0"));
    assert!(p.contains("3.0.x"), "{p}");
}

#[test]
fn enum_values_that_collide_as_variants_are_rejected() {
    let p = one_problem(&GOOD.replace("enum: [host, sip-reg]", "enum: [sip-reg, sip_reg]"));
    assert!(
        p.contains("`sip-reg` and `sip_reg` both become variant `SipReg`"),
        "{p}"
    );
}

#[test]
fn wire_values_become_rust_variant_names() {
    assert_eq!(lint::variant_ident("sip-reg"), "SipReg");
    assert_eq!(lint::variant_ident("toll-free"), "TollFree");
    assert_eq!(lint::variant_ident("US"), "Us");
    assert_eq!(lint::variant_ident("sms_dlr_callback"), "SmsDlrCallback");
}

#[test]
fn operations_are_listed_with_their_wire_media_types() {
    let doc = crate::parse_yaml(GOOD).unwrap();
    let ops = lint::operations(&doc).unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].id, "update_a_voice_route");
    assert_eq!(ops[0].method, "PATCH");
    assert_eq!(
        ops[0].request_media_type.as_deref(),
        Some("application/vnd.api+json")
    );
    assert_eq!(ops[0].response_media_type, "application/vnd.api+json");
    assert_eq!(ops[0].retry_class, "idempotent");
    assert!(!ops[0].paged);
}

const CLASS: &str = "      x-retry-class: idempotent\n";

#[test]
fn an_operation_without_a_retry_class_is_rejected() {
    let p = one_problem(&GOOD.replace(CLASS, ""));
    assert!(
        p.contains("`update_a_voice_route`") && p.contains("has no `x-retry-class`"),
        "{p}"
    );
}

#[test]
fn an_unknown_retry_class_is_rejected() {
    let p = one_problem(&GOOD.replace(CLASS, "      x-retry-class: safe\n"));
    assert!(
        p.contains("`x-retry-class: safe` is not one of")
            && p.contains(r#"["read", "idempotent", "not-idempotent", "never"]"#),
        "{p}"
    );
    let p = one_problem(&GOOD.replace(CLASS, "      x-retry-class: [read]\n"));
    assert!(p.contains("is not one of"), "{p}");
}

#[test]
fn read_on_a_method_other_than_get_needs_a_reason() {
    let read = GOOD.replace(CLASS, "      x-retry-class: read\n");
    let p = one_problem(&read);
    assert!(
        p.contains("`x-retry-class: read` on a PATCH") && p.contains("x-read-only-because"),
        "{p}"
    );
    let empty = read.replace(
        "      x-retry-class: read\n",
        "      x-retry-class: read\n      x-read-only-because: ' '\n",
    );
    assert!(one_problem(&empty).contains("confirm it with"));
    let confirmed = read.replace(
        "      x-retry-class: read\n",
        "      x-retry-class: read\n      x-read-only-because: it only checks the route\n",
    );
    assert_eq!(problems(&confirmed), Vec::<String>::new());
    let ops = lint::operations(&crate::parse_yaml(&confirmed).unwrap()).unwrap();
    assert_eq!(ops[0].retry_class, "read");
}

#[test]
fn a_read_only_reason_on_anything_but_a_non_get_read_is_rejected() {
    let p = one_problem(&GOOD.replace(
        CLASS,
        "      x-retry-class: idempotent\n      x-read-only-because: it is harmless\n",
    ));
    assert!(
        p.contains("`x-read-only-because` only confirms `x-retry-class: read`"),
        "{p}"
    );
}

#[test]
fn a_get_is_always_read() {
    let get = GOOD.replace("    patch:\n", "    get:\n");
    let p = one_problem(&get);
    assert!(
        p.contains("`x-retry-class: idempotent` on a GET") && p.contains("`read`"),
        "{p}"
    );
    let read = get.replace(CLASS, "      x-retry-class: read\n");
    assert_eq!(problems(&read), Vec::<String>::new());
}

const PAGED: &str = "        - {name: route_id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 400}}
        - {name: offset, in: query, schema: {type: integer, minimum: 0}}
";

#[test]
fn a_list_is_an_operation_with_limit_and_offset_and_its_maximum_is_the_limits() {
    let list = GOOD.replace(
        "        - {name: route_id, in: path, required: true, schema: {type: string}}\n",
        PAGED,
    );
    assert_eq!(problems(&list), Vec::<String>::new());
    let ops = lint::operations(&crate::parse_yaml(&list).unwrap()).unwrap();
    assert!(ops[0].paged);
    assert_eq!(ops[0].page_size_max, Some(400));

    let unbounded = list.replace(", maximum: 400", "");
    let ops = lint::operations(&crate::parse_yaml(&unbounded).unwrap()).unwrap();
    assert!(ops[0].paged);
    assert_eq!(ops[0].page_size_max, None);
}

#[test]
fn a_limit_without_offset_or_a_maximum_that_is_no_page_size_is_rejected() {
    let list = GOOD.replace(
        "        - {name: route_id, in: path, required: true, schema: {type: string}}\n",
        PAGED,
    );
    let p = one_problem(&list.replace(
        "        - {name: offset, in: query, schema: {type: integer, minimum: 0}}\n",
        "",
    ));
    assert!(
        p.contains("`update_a_voice_route`") && p.contains("both `limit` and `offset`"),
        "{p}"
    );
    for bad in ["0", "-5", "2.5", "5000000000"] {
        let p = one_problem(&list.replace("maximum: 400", &format!("maximum: {bad}")));
        assert!(
            p.contains(&format!("`maximum: {bad}`")) && p.contains("not a page size"),
            "{p}"
        );
    }
}

#[test]
fn a_pattern_is_rejected() {
    let p = one_problem(&GOOD.replace(
        "{alias: {type: string}}",
        "{alias: {type: string, pattern: '^a$'}}",
    ));
    assert!(
        p.contains("schema `RouteUpdate`") && p.contains("`pattern`"),
        "{p}"
    );
}
