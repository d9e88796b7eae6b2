//! Tables for people: plain aligned columns (no borders, so `grep` and
//! `cut` still work on them), fitted to the terminal's width when there is one.

use comfy_table::{ContentArrangement, Table, presets};

/// Rows under a header of `columns`, upper-cased as `ls`-style tools do.
pub fn rows(columns: &[&str], rows: Vec<Vec<String>>, width: Option<u16>) -> String {
    let mut table = table(width);
    table.set_header(columns.iter().map(|c| c.to_ascii_uppercase()));
    for row in rows {
        table.add_row(row);
    }
    trimmed(&table)
}

/// One record as `field  value` lines.
pub fn vertical(fields: &[(String, String)], width: Option<u16>) -> String {
    let mut table = table(width);
    for (field, value) in fields {
        table.add_row(vec![field.as_str(), value.as_str()]);
    }
    trimmed(&table)
}

fn table(width: Option<u16>) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    match width {
        Some(width) => {
            table
                .set_width(width)
                .set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table
}

/// The preset pads every cell with a space on each side; the first column's
/// leading one and every line's trailing ones only get in the way.
fn trimmed(table: &Table) -> String {
    table
        .lines()
        .map(|line| {
            let line = line.strip_prefix(' ').unwrap_or(&line);
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_without_borders() {
        let text = rows(
            &["id", "alias"],
            vec![
                vec!["1".into(), "office".into()],
                vec!["22".into(), "".into()],
            ],
            None,
        );
        assert_eq!(text, "ID  ALIAS\n1   office\n22");
    }
}
