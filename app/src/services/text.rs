//! The search's SQL side: prefix ranges an index can scan. Folding text is a shared rule
//! (`model::search`).

/// The smallest string greater than every string that starts with `prefix` (ASCII only):
/// `term >= prefix AND term < upper` is a prefix match that uses a B-tree index.
pub fn prefix_upper_bound(prefix: &str) -> String {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < 0x7f {
            bytes.push(last + 1);
            return String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    "\u{7f}".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_bounds_cover_exactly_the_prefix() {
        assert_eq!(prefix_upper_bound("du"), "dv");
        assert_eq!(prefix_upper_bound("06"), "07");
        assert!("dupont" >= "du" && "dupont" < prefix_upper_bound("du").as_str());
        assert!("dv" >= prefix_upper_bound("du").as_str());
    }
}
