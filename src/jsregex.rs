//! Is a pattern a valid JavaScript regular expression? Rust's regex syntax is close to
//! JavaScript's but not equal: JavaScript also has look-arounds and back-references (valid
//! there, unsupported here) and is lenient with identity escapes such as `\k`. So only the
//! structural errors that JavaScript rejects as well count as invalid.

use regex_syntax::ast::{parse::Parser, ErrorKind};

/// `Ok` when JavaScript would accept `pattern` (without the `u` flag); otherwise why not.
pub fn check(pattern: &str) -> Result<(), String> {
    match Parser::new().parse(pattern) {
        Ok(_) => Ok(()),
        Err(error) => match error.kind() {
            ErrorKind::ClassUnclosed
            | ErrorKind::GroupUnclosed
            | ErrorKind::GroupUnopened
            | ErrorKind::GroupNameDuplicate { .. }
            | ErrorKind::RepetitionCountInvalid
            | ErrorKind::RepetitionMissing
            | ErrorKind::ClassRangeInvalid => Err(error.kind().to_string()),
            _ => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn structural_errors_only() {
        assert!(super::check("a+(b|c)").is_ok());
        assert!(super::check("(?=a)b\\1").is_ok());
        assert!(super::check("\\k").is_ok());
        assert!(super::check("[").is_err());
        assert!(super::check("(").is_err());
        assert!(super::check("a{2,1}").is_err());
    }
}
