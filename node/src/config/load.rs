//! Loading configuration: redis-server's argv (`[file] [--directive args...]`), config text line
//! by line with Redis's tokenizer and messages, and `include` (with glob patterns).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::directives::{self, MULTI_ARG};
use super::error::ConfigError;
use super::store::Origin;
use super::value::strerror;
use super::Config;
use crate::resp::request::split_args;
use crate::util::glob_match;
use crate::util::repr;

/// redis-sentinel's default port (REDIS_SENTINEL_PORT).
pub const SENTINEL_DEFAULT_PORT: u16 = 26379;

/// Directives Redis 7.0 still accepts (with exactly one argument) and ignores.
const DEPRECATED: [&str; 3] = ["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"];
/// Redis follows includes without limit; a loop would exhaust the stack, so stop here instead.
const MAX_INCLUDE_DEPTH: usize = 16;
const INLINE_COMMENT: &str = "Bad directive or wrong number of arguments: inline comments after a value are not \
                              allowed (use a line of its own starting with '#')";

/// Names the origin of each part of a config text: (first byte offset, source name).
type Sources = [(usize, String)];

fn source_at(sources: &Sources, offset: usize) -> &str {
    sources.iter().rev().find(|(start, _)| *start <= offset).map(|(_, s)| s.as_str()).unwrap_or("")
}

impl Config {
    /// Parses redis-server's argv after the program name: `[configfile] [--directive arg ...]`; a
    /// file of "-" reads stdin; options after the file are appended as config lines exactly as
    /// redis-server does (e.g. `--save "" --port 7000`, `--replicaof 127.0.0.1 6379`, multiple args
    /// per directive; an argument not starting with `--` continues the previous directive's args).
    /// Does not handle --version/--help/--test-config/--sentinel (main does).
    pub fn from_args(args: &[String]) -> Result<Config, ConfigError> {
        Config::from_args_in_mode(args, false)
    }

    /// [`Config::from_args`] for redis-server or, with `sentinel`, for redis-sentinel: the default
    /// port is 26379, protected-mode defaults to off, and `sentinel ...` lines (from the file and
    /// from `--sentinel <directive> ...` options) are queued with their source and line for
    /// the sentinel's own config reader instead of being refused.
    pub(crate) fn from_args_in_mode(args: &[String], sentinel: bool) -> Result<Config, ConfigError> {
        let mut cfg = Config::default();
        if sentinel {
            cfg.sentinel_mode = true;
            cfg.port = SENTINEL_DEFAULT_PORT;
            // Sentinel must be reachable from the other sentinels (a file may still turn it on).
            cfg.protected_mode = false;
        }
        let mut j = 0;
        if let Some(first) = args.first().filter(|a| !a.starts_with('-')) {
            let path = PathBuf::from(first);
            cfg.file_abs = Some(cfg.resolve_path(first));
            cfg.file = Some(path);
            j = 1;
        }
        let (options, from_stdin) = options_text(args, j);

        let mut text = Vec::new();
        let mut sources = Vec::new();
        if let (Some(name), Some(abs)) = (args.first().filter(|_| j == 1), cfg.file_abs.clone()) {
            sources.push((0, name.clone()));
            text = read_config_file(&abs)?;
        }
        if from_stdin {
            sources.push((text.len(), "stdin".to_string()));
            // A read error leaves what was read, as fgets() would.
            let _ = std::io::stdin().read_to_end(&mut text);
        }
        text.push(b'\n');
        sources.push((text.len(), "command line".to_string()));
        text.extend_from_slice(&options);

        cfg.load_text(&text, &sources, 0)?;
        cfg.check_loaded()?;
        Ok(cfg)
    }

    /// The `sentinel ...` lines read in sentinel mode, in order (taken: a second call returns none).
    pub(crate) fn take_sentinel_lines(&mut self) -> Vec<SentinelLine> {
        std::mem::take(&mut self.sentinel_lines)
    }

    /// (source, line, read as spaces) of each line with non-breaking spaces (sentinel mode): it
    /// loaded only once they were read as spaces, or it loaded as written.
    pub(crate) fn nbsp_lines(&self) -> &[(String, usize, bool)] {
        &self.nbsp_lines
    }

    /// Loads config text (used by from_args; `source` names the file for messages).
    pub fn load_str(&mut self, text: &str, source: &str) -> Result<(), ConfigError> {
        self.load_bytes(text.as_bytes(), source)
    }

    /// Like [`Config::load_str`] for text that may not be UTF-8.
    pub fn load_bytes(&mut self, text: &[u8], source: &str) -> Result<(), ConfigError> {
        self.load_text(text, &[(0, source.to_string())], 0)
    }

    /// Redis's `loadServerConfigFromString`: one directive per line.
    fn load_text(&mut self, text: &[u8], sources: &Sources, depth: usize) -> Result<(), ConfigError> {
        let mut offset = 0;
        for (i, raw) in text.split(|c| *c == b'\n').enumerate() {
            let line_no = i + 1;
            let source = source_at(sources, offset);
            offset += raw.len() + 1;
            let line = trim(raw);
            if let Err(e) = self.load_line(line, source, line_no, depth) {
                // A sentinel.conf copied from a web page may carry non-breaking spaces where
                // spaces belong (seed002): a line redis-sentinel refuses for them is read again
                // with plain spaces. Lines that load as written keep their bytes.
                if !self.sentinel_mode || !has_nbsp(line) {
                    return Err(e);
                }
                let plain = without_nbsp(line);
                self.load_line(trim(&plain), source, line_no, depth).map_err(|_| e)?;
                self.nbsp_lines.push((source.to_string(), line_no, true));
            }
        }
        Ok(())
    }

    /// One trimmed line of config text.
    fn load_line(&mut self, line: &[u8], source: &str, line_no: usize, depth: usize) -> Result<(), ConfigError> {
        if line.is_empty() || line[0] == b'#' {
            return Ok(());
        }
        let fail = |reason: &str| ConfigError::at_line(source, line_no, line, reason);
        let Some(argv) = split_args(line) else {
            // A quote inside a trailing comment ("# don't") unbalances the line: say so when
            // the line is fine up to its first " #".
            let comment_at = line.windows(2).position(|w| matches!(w, [b' ' | b'\t', b'#']));
            let commented = comment_at.is_some_and(|pos| split_args(&line[..pos]).is_some());
            return Err(if commented { fail(&inline_comment_reason(source, line_no)) } else { fail("Unbalanced quotes in configuration line") });
        };
        if argv.is_empty() {
            return Ok(());
        }
        let starts = token_starts(line);
        let name = argv[0].to_ascii_lowercase();
        if comment_token_from(&name, &starts, 2) {
            return Err(fail(&inline_comment_reason(source, line_no)));
        }
        if self.sentinel_mode && name == b"sentinel" && argv.len() > 1 {
            // Applied once everything is read, in Redis's order (sentinel.c queueSentinelConfig).
            self.sentinel_lines.push(SentinelLine { source: source.to_string(), line: line_no, text: line.to_vec(), args: argv[1..].to_vec() });
            return Ok(());
        }
        match self.load_directive(&name, &argv, depth) {
            Ok(()) => {
                if self.sentinel_mode && has_nbsp(line) {
                    self.nbsp_lines.push((source.to_string(), line_no, false));
                }
                Ok(())
            }
            Err(LineError::Fatal(e)) => Err(e),
            Err(LineError::Reason(_)) if comment_token_from(&name, &starts, 1) => Err(fail(&inline_comment_reason(source, line_no))),
            Err(LineError::Reason(r)) => Err(fail(&r)),
        }
    }

    /// Applies one tokenized line (`name` is argv[0] lowercased).
    fn load_directive(&mut self, name: &[u8], argv: &[Vec<u8>], depth: usize) -> Result<(), LineError> {
        if let Some(entry) = directives::lookup(name) {
            let d = entry.directive();
            if !d.has(MULTI_ARG) && argv.len() != 2 {
                return Err(LineError::Reason("wrong number of arguments".into()));
            }
            // Like Redis, a multi-argument directive given as one (quoted) argument is split on
            // spaces: `--save "900 1"` on the command line reaches here as `save "900 1"`.
            let args: Vec<&[u8]> = if d.has(MULTI_ARG) && argv.len() == 2 && !argv[1].is_empty() {
                argv[1].split(|&c| c == b' ').collect()
            } else {
                argv[1..].iter().map(|a| a.as_slice()).collect()
            };
            self.apply(entry.idx, &args, Origin::File).map_err(LineError::Reason)?;
            return Ok(());
        }
        if argv.len() == 2 && DEPRECATED.iter().any(|d| d.as_bytes() == name) {
            return Ok(());
        }
        let bad = || LineError::Reason("Bad directive or wrong number of arguments".into());
        match name {
            b"include" if argv.len() == 2 => self.include(&argv[1], depth),
            b"rename-command" if argv.len() == 3 => {
                self.check_rename(&argv[1], &argv[2]).map_err(|r| LineError::Reason(r.into()))?;
                self.rename_commands.push((argv[1].clone(), argv[2].clone()));
                Ok(())
            }
            b"user" if argv.len() >= 2 => {
                self.users.push(argv[1..].to_vec());
                Ok(())
            }
            b"loadmodule" if argv.len() >= 2 => {
                Err(LineError::Reason("loadmodule: this server does not support Redis modules; remove the loadmodule line".into()))
            }
            _ if name.contains(&b'.') => Err(LineError::Reason(if argv.len() != 2 {
                "Module config specified without value".into()
            } else {
                "Module config specified, but this server does not support Redis modules".into()
            })),
            // A lone `sentinel` switches to sentinel mode, which main handles before loading.
            b"sentinel" if argv.len() == 1 => Ok(()),
            b"sentinel" => Err(LineError::Reason("sentinel directive while not in sentinel mode".into())),
            _ => Err(bad()),
        }
    }

    /// `include <file>`: relative paths are found from `dir` (redis-server's working directory);
    /// a pattern with `*`, `?` or `[` includes every match, in order, and nothing if none matches.
    fn include(&mut self, arg: &[u8], depth: usize) -> Result<(), LineError> {
        if depth >= MAX_INCLUDE_DEPTH {
            return Err(LineError::Reason(format!("include nested more than {MAX_INCLUDE_DEPTH} levels deep (include loop?)")));
        }
        let pattern = String::from_utf8_lossy(arg).into_owned();
        let mut text = Vec::new();
        let mut sources = Vec::new();
        if pattern.contains(['*', '?', '[']) {
            // Like glob(3): all matches concatenated, so line numbers run across the files.
            for path in glob_paths(Path::new(&self.dir), &pattern) {
                sources.push((text.len(), path.to_string_lossy().into_owned()));
                text.extend(read_config_file(&path).map_err(LineError::Fatal)?);
            }
        } else {
            sources.push((0, pattern.clone()));
            let path = self.resolve_path(&pattern);
            text = std::fs::read(&path).map_err(|e| LineError::Fatal(ConfigError::open(&pattern, &strerror(&e))))?;
        }
        self.load_text(&text, &sources, depth + 1).map_err(LineError::Fatal)
    }

    /// The checks Redis runs once the whole configuration is read.
    fn check_loaded(&self) -> Result<(), ConfigError> {
        if !self.logfile.is_empty() {
            // Like Redis, make sure the log file can be opened now: the server could not report it later.
            let path = self.resolve_path(&self.logfile);
            if let Err(e) = std::fs::OpenOptions::new().append(true).create(true).open(path) {
                return Err(ConfigError::general(format!("Can't open the log file: {}", strerror(&e))));
            }
        }
        if self.get_bool("cluster-enabled") == Some(true) && self.replicaof.is_some() {
            return Err(ConfigError::general("replicaof directive not allowed in cluster mode"));
        }
        Ok(())
    }
}

/// A `sentinel <directive> ...` line read in sentinel mode, kept for the sentinel's config reader,
/// which applies the queued lines once the whole configuration is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SentinelLine {
    /// The file (as named), "stdin" or "command line".
    pub source: String,
    /// 1-based line number, counted like Redis.
    pub line: usize,
    /// The whole line, trimmed, as errors show it.
    pub text: Vec<u8>,
    /// The arguments after `sentinel`.
    pub args: Vec<Vec<u8>>,
}

/// U+00A0 NO-BREAK SPACE in UTF-8.
const NBSP: [u8; 2] = [0xc2, 0xa0];

/// True when `line` holds a non-breaking space.
pub(crate) fn has_nbsp(line: &[u8]) -> bool {
    line.windows(2).any(|w| w == NBSP)
}

/// `line` with each non-breaking space outside quotes replaced by a plain space.
pub(crate) fn without_nbsp(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    let (mut dq, mut sq) = (false, false);
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        if !dq && !sq && line[i..].starts_with(&NBSP) {
            out.push(b' ');
            i += 2;
            continue;
        }
        match c {
            b'\\' if dq || sq => {
                out.push(c);
                if let Some(&next) = line.get(i + 1) {
                    out.push(next);
                }
                i += 2;
                continue;
            }
            b'"' if !sq => dq = !dq,
            b'\'' if !dq => sq = !sq,
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Why a line was refused: a reason to show with the line, or a complete error (from an
/// included file) to pass on unchanged.
enum LineError {
    Reason(String),
    Fatal(ConfigError),
}

/// The reason given for a line with a comment after its value, naming where it is.
pub(crate) fn inline_comment_reason(source: &str, line: usize) -> String {
    format!("{INLINE_COMMENT} - in '{source}' at line {line}")
}

/// Reads a whole config file; the error is Redis's "can't open config file" message. A directory
/// reads as empty, as fopen()+fgets() do.
fn read_config_file(path: &Path) -> Result<Vec<u8>, ConfigError> {
    if path.is_dir() {
        return Ok(Vec::new());
    }
    std::fs::read(path).map_err(|e| ConfigError::open(&path.to_string_lossy(), &strerror(&e)))
}

/// Builds the config text redis-server appends after the file from `args[j..]`, and whether a
/// `-` asks for stdin. Mirrors main() in server.c, including its `--save` special cases.
fn options_text(args: &[String], mut j: usize) -> (Vec<u8>, bool) {
    let mut options = Vec::new();
    let mut stdin = false;
    let mut handled_last = true;
    let last = args.len().saturating_sub(1);
    while j < args.len() {
        let arg = &args[j];
        let next_is_option = j < last && args[j + 1].starts_with("--");
        if arg == "-" && (j == 0 || j == last) {
            stdin = true;
        } else if handled_last && arg.starts_with("--") {
            if !options.is_empty() {
                options.push(b'\n');
            }
            options.extend_from_slice(&arg.as_bytes()[2..]);
            options.push(b' ');
            let words = split_args(arg.as_bytes()).map(|v| v.len()).unwrap_or(0);
            if words == 1 {
                // A bare `--name`: the following arguments are its values.
                handled_last = false;
                let is_save = arg.eq_ignore_ascii_case("--save");
                if is_save && next_is_option {
                    // `--save --port 1` means `save ""` (pre-7.0 compatibility).
                    options.extend_from_slice(b"\"\"");
                    handled_last = true;
                } else if is_save && j == last {
                    options.extend_from_slice(b"\"\"");
                } else if arg.eq_ignore_ascii_case("--sentinel") && next_is_option {
                    handled_last = true;
                }
            } else {
                // "--port 6380" as one argument carries its own value.
                handled_last = true;
            }
        } else {
            options.extend_from_slice(repr(arg.as_bytes()).as_bytes());
            options.push(b' ');
            handled_last = true;
        }
        j += 1;
    }
    (options, stdin)
}

/// Trims what Redis trims around a config line.
fn trim(line: &[u8]) -> &[u8] {
    let is_trim = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = line.iter().position(|c| !is_trim(c)).unwrap_or(line.len());
    let end = line.iter().rposition(|c| !is_trim(c)).map_or(start, |p| p + 1);
    &line[start..end]
}

/// The first raw byte of each token of a line already accepted by `split_args`, which tells an
/// unquoted `#x` (a comment) from a quoted `"#x"` (a value).
fn token_starts(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let n = line.len();
    let mut i = 0;
    loop {
        while i < n && matches!(line[i], b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c) {
            i += 1;
        }
        if i >= n {
            return out;
        }
        out.push(line[i]);
        let (mut dq, mut sq) = (false, false);
        while i < n {
            let c = line[i];
            if dq {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    i += 1;
                    break;
                }
            } else if sq {
                if c == b'\\' && line.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else if c == b'\'' {
                    i += 1;
                    break;
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break,
                    b'"' => dq = true,
                    b'\'' => sq = true,
                    _ => {}
                }
            }
            i += 1;
        }
    }
}

/// True when a token at `from` or later starts with an unquoted `#`: a comment after the value,
/// which Redis does not support. `user` lines are exempt (`#<hash>` is an ACL password rule).
fn comment_token_from(name: &[u8], starts: &[u8], from: usize) -> bool {
    if matches!(name, b"user" | b"loadmodule" | b"sentinel") {
        return false;
    }
    starts.iter().skip(from).any(|c| *c == b'#')
}

/// True when a token of `line` at index `from` or later starts with an unquoted `#`.
pub(crate) fn has_comment_token(line: &[u8], from: usize) -> bool {
    token_starts(line).iter().skip(from).any(|c| *c == b'#')
}

/// glob(3) for `include`: expands `*`, `?` and `[...]` in each path component, skips hidden
/// files unless the pattern starts with a dot, and returns the matches sorted.
fn glob_paths(base: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut current = vec![if pattern.starts_with('/') { PathBuf::from("/") } else { base.to_path_buf() }];
    for comp in pattern.split('/').filter(|c| !c.is_empty()) {
        let mut next = Vec::new();
        for dir in &current {
            if !comp.contains(['*', '?', '[']) {
                let p = dir.join(comp);
                if p.symlink_metadata().is_ok() {
                    next.push(p);
                }
                continue;
            }
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            let mut names: Vec<String> = entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
            names.sort();
            for name in names {
                if name.starts_with('.') && !comp.starts_with('.') {
                    continue;
                }
                if glob_match(comp.as_bytes(), name.as_bytes(), false) {
                    next.push(dir.join(name));
                }
            }
        }
        current = next;
    }
    current.sort();
    current
}

impl Config {
    /// Redis's checks of a `rename-command` line, against the commands as the earlier lines left
    /// them: the name must exist, and a non-empty new name must not (after the old one is gone).
    fn check_rename(&self, from: &[u8], to: &[u8]) -> Result<(), &'static str> {
        if !self.command_exists(from) {
            return Err("No such command in rename-command");
        }
        if !to.is_empty() && !to.eq_ignore_ascii_case(from) && self.command_exists(to) {
            return Err("Target command name already exists");
        }
        Ok(())
    }

    fn command_exists(&self, name: &[u8]) -> bool {
        let mut exists = !name.contains(&b'|') && super::COMMAND_CATALOG.get().is_none_or(|known| known(name));
        for (from, to) in &self.rename_commands {
            if name.eq_ignore_ascii_case(from) {
                exists = false;
            }
            if !to.is_empty() && name.eq_ignore_ascii_case(to) {
                exists = true;
            }
        }
        exists
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        String::from_utf8_lossy(&options_text(&args, 0).0).into_owned()
    }

    #[test]
    fn argv_becomes_config_lines_like_redis() {
        assert_eq!(opts(&["--port", "7000", "--save", ""]), "port \"7000\" \nsave \"\" ");
        assert_eq!(opts(&["--replicaof", "127.0.0.1", "6379"]), "replicaof \"127.0.0.1\" \"6379\" ");
        assert_eq!(opts(&["--save", "--port", "1"]), "save \"\"\nport \"1\" ");
        assert_eq!(opts(&["--port", "1", "--save"]), "port \"1\" \nsave \"\"");
        assert_eq!(opts(&["--port 6380", "--save 10 20", "30", "40"]), "port 6380 \nsave 10 20 \"30\" \"40\" ");
        // A bare option takes the next argument as its value even when it starts with "--".
        assert_eq!(opts(&["--requirepass", "--foo"]), "requirepass \"--foo\" ");
        assert_eq!(opts(&["--requirepass", "a b#c"]), "requirepass \"a b#c\" ");
    }

    #[test]
    fn token_starts_see_quotes() {
        assert_eq!(token_starts(b"a \"#b\" #c 'd' e\"f g\""), b"a\"#'e".to_vec());
        assert_eq!(token_starts(br#"x "a\"b" y"#), b"x\"y".to_vec());
    }

    #[test]
    fn trims_like_sdstrim() {
        assert_eq!(trim(b" \t port 1 \r\n"), b"port 1");
        assert_eq!(trim(b"   "), b"");
    }
}
