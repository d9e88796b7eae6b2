//! A small line diff for `regen --check`: enough to show a reviewer what moved.

/// `None` when equal; otherwise a unified-style excerpt around the first change
/// and the number of lines that differ.
pub fn describe(name: &str, committed: &str, fresh: &str) -> Option<String> {
    if committed == fresh {
        return None;
    }
    let old: Vec<&str> = committed.lines().collect();
    let new: Vec<&str> = fresh.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    const CONTEXT: usize = 3;
    const SHOWN: usize = 40;
    let start = prefix.saturating_sub(CONTEXT);
    let mut out = format!(
        "--- {name} (committed)\n+++ {name} (fresh)\n@@ -{},{} +{},{} @@\n",
        start + 1,
        old_end - start,
        start + 1,
        new_end - start
    );
    for line in &old[start..prefix] {
        out.push_str(&format!(" {line}\n"));
    }
    for line in old[prefix..old_end].iter().take(SHOWN) {
        out.push_str(&format!("-{line}\n"));
    }
    for line in new[prefix..new_end].iter().take(SHOWN) {
        out.push_str(&format!("+{line}\n"));
    }
    let hidden =
        (old_end - prefix).saturating_sub(SHOWN) + (new_end - prefix).saturating_sub(SHOWN);
    if hidden > 0 {
        out.push_str(&format!("… {hidden} more changed lines\n"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(describe("f", "a\nb\n", "a\nb\n"), None);
    }

    #[test]
    fn a_changed_line_is_shown_with_context_and_position() {
        let diff = describe("f", "a\nb\nc\nd\n", "a\nb\nX\nd\n").unwrap();
        assert!(diff.contains("@@ -1,3 +1,3 @@"), "{diff}");
        assert!(diff.contains("-c\n+X\n"), "{diff}");
        assert!(diff.contains(" b\n"), "{diff}");
    }

    #[test]
    fn an_appended_line_is_an_addition_only() {
        let diff = describe("f", "a\n", "a\nb\n").unwrap();
        assert!(diff.contains("+b\n") && !diff.contains("-a"), "{diff}");
    }
}
