//! The error that stops the server at startup, printed exactly as redis-server prints it.

use std::fmt;

use crate::REDIS_VERSION;

/// A fatal configuration error. `Display` gives the text redis-server writes to stderr before
/// exiting with status 1, e.g.
/// `"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments\n"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Where the offending line came from: the config file as named on the command line or in
    /// `include`, `"stdin"`, or `"command line"` for `--option` arguments.
    pub source: Option<String>,
    /// 1-based line number, counted like Redis (command-line options follow the file's lines).
    pub line: Option<usize>,
    /// The offending line, trimmed.
    pub text: Option<String>,
    /// Why it was refused (Redis's wording).
    pub reason: String,
    /// Redis prints most errors in the FATAL CONFIG FILE ERROR block, but a file it cannot open
    /// as a plain log line.
    block: bool,
}

impl ConfigError {
    /// An error about one line of configuration.
    pub(crate) fn at_line(source: &str, line: usize, text: &[u8], reason: impl Into<String>) -> Self {
        ConfigError {
            source: Some(source.to_string()),
            line: Some(line),
            text: Some(String::from_utf8_lossy(text).into_owned()),
            reason: reason.into(),
            block: true,
        }
    }

    /// An error found after all lines were read (no line to show).
    pub(crate) fn general(reason: impl Into<String>) -> Self {
        ConfigError { source: None, line: None, text: None, reason: reason.into(), block: true }
    }

    /// A config file (or included file) that cannot be read.
    pub(crate) fn open(path: &str, err: &str) -> Self {
        ConfigError {
            source: Some(path.to_string()),
            line: None,
            text: None,
            reason: format!("Fatal error, can't open config file '{path}': {err}"),
            block: false,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.block {
            return f.write_str(&self.reason);
        }
        write!(f, "\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION}) ***\n")?;
        if let (Some(line), Some(text)) = (self.line, &self.text) {
            write!(f, "Reading the configuration file, at line {line}\n>>> '{text}'\n")?;
        }
        writeln!(f, "{}", self.reason)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_redis() {
        let e = ConfigError::at_line("x.conf", 2, b"foo bar", "Bad directive or wrong number of arguments");
        assert_eq!(
            e.to_string(),
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments\n"
        );
        let e = ConfigError::general("replicaof directive not allowed in cluster mode");
        assert_eq!(e.to_string(), "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nreplicaof directive not allowed in cluster mode\n");
        let e = ConfigError::open("/tmp/nonexist.conf", "No such file or directory");
        assert_eq!(e.to_string(), "Fatal error, can't open config file '/tmp/nonexist.conf': No such file or directory");
    }
}
