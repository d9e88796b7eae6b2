//! Every operation of the spec, by its `operationId`, with the command that
//! runs it: the command words, then any flag (`--flag` or `--flag=value`)
//! that picks the operation.
//! `cargo xtask check-cli` fails when the spec has an operation this table
//! lacks (or the table one the spec lacks); the tests below check that each
//! command and flag exists.

/// `(operationId, command)`, in the spec's order.
pub const OPERATIONS: &[(&str, &str)] = &[
    ("list_account_phone_numbers", "numbers list"),
    ("search_for_purchasable_phone_numbers", "numbers search"),
    ("list_available_area_codes", "numbers area-codes"),
    ("list_available_exchange_codes", "numbers exchanges"),
    ("list_available_tiers", "numbers tiers"),
    ("list_phone_number_details", "numbers get"),
    ("purchase_a_phone_number", "numbers buy"),
    ("update_phone_number_details", "numbers update"),
    ("release_a_phone_number", "numbers release"),
    ("list_inbound_routes", "routes list"),
    ("create_an_inbound_route", "routes create"),
    ("list_edge_strategies", "routes edge-strategies"),
    ("update_a_voice_route", "routes update"),
    ("delete_a_voice_route", "routes delete"),
    ("update_primary_voice_route", "routes set-primary"),
    ("remove_primary_voice_route", "routes remove-primary"),
    ("update_failover_voice_route", "routes set-failover"),
    ("remove_failover_voice_route", "routes remove-failover"),
    ("send_a_message", "messages send"),
    ("look_up_a_set_of_messages", "messages list"),
    ("look_up_a_message_detail_record", "messages get"),
    ("set_account_callback_url", "messages callbacks set"),
    ("look_up_account_callback_url", "messages callbacks get"),
    ("remove_account_callback_url", "messages callbacks remove"),
    ("set_number_callback_url", "messages callbacks set --number"),
    (
        "look_up_number_callback_url",
        "messages callbacks get --number",
    ),
    (
        "remove_number_callback_url",
        "messages callbacks remove --number",
    ),
    ("list_cdr_exports", "cdrs list"),
    ("create_cdr_export", "cdrs create"),
    ("get_cdr_export", "cdrs get"),
    ("list_e911_addresses", "e911 list"),
    ("create_e911_address", "e911 create"),
    ("validate_e911_address", "e911 validate"),
    ("get_e911_address_details", "e911 get"),
    ("update_e911_address", "e911 update"),
    ("delete_e911_address", "e911 delete"),
    ("list_numbers_for_e911_address", "e911 numbers"),
    ("assign_e911_address_to_number", "e911 assign"),
    ("remove_e911_address_from_number", "e911 unassign"),
    ("list_cnam_records", "cnam list"),
    ("create_cnam_record", "cnam create"),
    ("get_cnam_record_details", "cnam get"),
    ("update_cnam_record", "cnam update"),
    ("delete_cnam_record", "cnam delete"),
    ("assign_cnam_record_to_number", "cnam assign"),
    ("unassign_cnam_record_from_number", "cnam unassign"),
    ("check_number_portability", "porting check"),
    ("list_port_orders", "porting orders"),
    (
        "send_a_message_v2_2",
        "messages send --messaging-version=2.2",
    ),
    (
        "look_up_a_set_of_messages_v2_2",
        "messages list --messaging-version=2.2",
    ),
    (
        "look_up_a_message_detail_record_v2_2",
        "messages get --messaging-version=2.2",
    ),
    (
        "set_account_callback_url_v2_2",
        "messages callbacks set --messaging-version=2.2",
    ),
    (
        "look_up_account_callback_url_v2_2",
        "messages callbacks get --messaging-version=2.2",
    ),
    (
        "remove_account_callback_url_v2_2",
        "messages callbacks remove --messaging-version=2.2",
    ),
];

#[cfg(test)]
mod tests {
    use super::OPERATIONS;
    use crate::cli::Cli;
    use clap::CommandFactory;
    use std::collections::BTreeSet;

    #[test]
    fn the_table_covers_exactly_the_specs_operations() {
        let spec: BTreeSet<&str> = flowroute_raw::OPERATIONS.iter().map(|op| op.id).collect();
        let table: BTreeSet<&str> = OPERATIONS.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            table.len(),
            OPERATIONS.len(),
            "an operation is listed twice"
        );
        let missing: Vec<_> = spec.difference(&table).collect();
        let unknown: Vec<_> = table.difference(&spec).collect();
        assert!(missing.is_empty(), "no command for {missing:?}");
        assert!(
            unknown.is_empty(),
            "not operations of the spec: {unknown:?}"
        );
    }

    #[test]
    fn every_listed_command_and_flag_exists() {
        // Built, so that the global flags are on every command.
        let mut root = Cli::command();
        root.build();
        for (id, line) in OPERATIONS {
            let mut command = &root;
            for word in line.split_whitespace() {
                match word
                    .strip_prefix("--")
                    .map(|f| f.split('=').next().unwrap_or(f))
                {
                    Some(flag) => assert!(
                        command.get_arguments().any(|a| a.get_long() == Some(flag)),
                        "{id}: `{line}` has no flag --{flag}"
                    ),
                    None => {
                        command = command
                            .find_subcommand(word)
                            .unwrap_or_else(|| panic!("{id}: `{line}` has no command `{word}`"));
                    }
                }
            }
            assert!(
                !command.has_subcommands(),
                "{id}: `{line}` names a group, not a command"
            );
        }
    }

    #[test]
    fn every_command_has_help_with_an_example() {
        fn walk(command: &clap::Command, path: &str) {
            let path = format!("{path} {}", command.get_name());
            if command.has_subcommands() {
                for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
                    walk(sub, &path);
                }
            } else {
                let help = command
                    .get_after_help()
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                assert!(
                    help.contains("Example"),
                    "`{path}` has no example in its help"
                );
                assert!(command.get_about().is_some(), "`{path}` has no description");
            }
        }
        walk(&Cli::command(), "");
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
