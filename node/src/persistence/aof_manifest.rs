//! The multi-part AOF manifest of Redis 7.0 (`appendonly.aof.manifest`): one line per file,
//! `file <name> seq <n> type <b|h|i>`, the base file first, then history files, then the
//! incremental files in order.

/// A file's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Base,
    History,
    Incr,
}

impl FileKind {
    fn letter(self) -> char {
        match self {
            FileKind::Base => 'b',
            FileKind::History => 'h',
            FileKind::Incr => 'i',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofFile {
    pub name: String,
    pub seq: u64,
    pub kind: FileKind,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofFile>,
    pub incrs: Vec<AofFile>,
    pub history: Vec<AofFile>,
    /// Highest sequence numbers used so far (new files continue from them).
    pub base_seq: u64,
    pub incr_seq: u64,
}

/// Longest manifest line Redis accepts (AOF_MANIFEST_MAX_LINE).
const MAX_LINE: usize = 1024;

impl Manifest {
    /// Parses a manifest; errors read like Redis's.
    pub fn parse(text: &[u8]) -> Result<Manifest, String> {
        let mut m = Manifest::default();
        let mut any = false;
        for raw in text.split(|&c| c == b'\n') {
            if raw.len() > MAX_LINE {
                return Err("The AOF manifest file contains too long line".into());
            }
            let line = raw.strip_suffix(b"\r").unwrap_or(raw);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let args = crate::resp::request::split_args(line).ok_or("Invalid AOF manifest file format")?;
            if args.len() < 6 || args.len() % 2 != 0 {
                return Err("Invalid AOF manifest file format".into());
            }
            let (mut name, mut seq, mut kind) = (None, None, None);
            for pair in args.chunks(2) {
                let key = String::from_utf8_lossy(&pair[0]).to_ascii_lowercase();
                let val = &pair[1];
                match key.as_str() {
                    "file" => name = Some(String::from_utf8_lossy(val).into_owned()),
                    "seq" => seq = std::str::from_utf8(val).ok().and_then(|v| v.parse::<u64>().ok()),
                    "type" => {
                        kind = match &val[..] {
                            b"b" => Some(FileKind::Base),
                            b"h" => Some(FileKind::History),
                            b"i" => Some(FileKind::Incr),
                            _ => None,
                        }
                    }
                    // Unknown keys are ignored, for forward compatibility (as Redis does).
                    _ => {}
                }
            }
            let (Some(name), Some(seq), Some(kind)) = (name, seq, kind) else {
                return Err("Invalid AOF manifest file format".into());
            };
            if name.contains('/') {
                return Err("File can't be a path, just a filename".into());
            }
            any = true;
            let f = AofFile { name, seq, kind };
            match kind {
                FileKind::Base => {
                    if m.base.is_some() {
                        return Err("Found duplicate base file information".into());
                    }
                    m.base_seq = seq;
                    m.base = Some(f);
                }
                FileKind::History => m.history.push(f),
                FileKind::Incr => {
                    if seq <= m.incr_seq && !m.incrs.is_empty() {
                        return Err("Found a non-monotonic sequence number".into());
                    }
                    m.incr_seq = seq;
                    m.incrs.push(f);
                }
            }
        }
        if !any {
            return Err("Found an empty AOF manifest".into());
        }
        Ok(m)
    }

    /// The manifest's text, as Redis writes it.
    pub fn format(&self) -> String {
        let mut s = String::new();
        let line = |s: &mut String, f: &AofFile| {
            let name = if needs_quoting(&f.name) { crate::util::repr(f.name.as_bytes()) } else { f.name.clone() };
            s.push_str(&format!("file {} seq {} type {}\n", name, f.seq, f.kind.letter()));
        };
        if let Some(b) = &self.base {
            line(&mut s, b);
        }
        for f in &self.history {
            line(&mut s, f);
        }
        for f in &self.incrs {
            line(&mut s, f);
        }
        s
    }

    /// Every file the AOF is made of, in load order (base, then incrementals).
    pub fn load_order(&self) -> impl Iterator<Item = &AofFile> {
        self.base.iter().chain(self.incrs.iter())
    }

    /// A new base file name with the next sequence number (`<basename>.<seq>.base.rdb|aof`).
    pub fn next_base(&mut self, basename: &str, rdb: bool) -> AofFile {
        self.base_seq += 1;
        let ext = if rdb { "rdb" } else { "aof" };
        AofFile { name: format!("{basename}.{}.base.{ext}", self.base_seq), seq: self.base_seq, kind: FileKind::Base }
    }

    /// A new incremental file name with the next sequence number (`<basename>.<seq>.incr.aof`).
    pub fn next_incr(&mut self, basename: &str) -> AofFile {
        self.incr_seq += 1;
        AofFile { name: format!("{basename}.{}.incr.aof", self.incr_seq), seq: self.incr_seq, kind: FileKind::Incr }
    }
}

/// Redis's `sdsneedsrepr`: names with spaces, quotes or control characters are written quoted.
/// Unlike Redis, a single quote and an empty name are quoted too: written bare, `'` opens a quote
/// and an empty name vanishes, so the manifest would not parse back (Redis 7.0 has that bug).
fn needs_quoting(name: &str) -> bool {
    name.is_empty()
        || name.bytes().any(|c| {
            c == b'\\'
                || c == b'"'
                || c == b'\''
                || c == b'\n'
                || c == b'\r'
                || c == b'\t'
                || c == b'\x07'
                || c == b'\x08'
                || !(0x21..0x7f).contains(&c)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_redis_manifest() {
        let text = b"file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n";
        let m = Manifest::parse(text).unwrap();
        assert_eq!(m.base.as_ref().unwrap().name, "appendonly.aof.1.base.rdb");
        assert_eq!(m.incrs.len(), 1);
        assert_eq!(m.format().as_bytes(), text);
    }

    #[test]
    fn history_and_sequences() {
        let text =
            b"file a.2.base.rdb seq 2 type b\nfile a.1.base.rdb seq 1 type h\nfile a.2.incr.aof seq 2 type i\nfile a.3.incr.aof seq 3 type i\n";
        let mut m = Manifest::parse(text).unwrap();
        assert_eq!(m.history.len(), 1);
        assert_eq!(m.format().as_bytes(), text);
        assert_eq!(m.next_incr("a").name, "a.4.incr.aof");
        assert_eq!(m.next_base("a", true).name, "a.3.base.rdb");
    }

    #[test]
    fn rejects_bad_manifests() {
        assert!(Manifest::parse(b"").is_err());
        assert!(Manifest::parse(b"file x seq 1\n").is_err());
        assert!(Manifest::parse(b"file x seq one type b\n").is_err());
        assert!(Manifest::parse(b"file ../x seq 1 type b\n").is_err());
        assert!(Manifest::parse(b"file x seq 1 type b\nfile y seq 2 type b\n").is_err());
        assert!(Manifest::parse(b"file x seq 2 type i\nfile y seq 1 type i\n").is_err());
        assert!(Manifest::parse(b"# comment only\n").is_err());
    }

    #[test]
    fn quotes_odd_names() {
        let m = Manifest { base: Some(AofFile { name: "a b".into(), seq: 1, kind: FileKind::Base }), ..Default::default() };
        assert_eq!(m.format(), "file \"a b\" seq 1 type b\n");
        assert_eq!(Manifest::parse(m.format().as_bytes()).unwrap(), Manifest { base_seq: 1, ..m });
    }

    /// Found by `tests/loader_fuzz.rs`: a name with a single quote (or an empty one) was written
    /// bare and the manifest we wrote did not parse back.
    #[test]
    fn names_with_single_quotes_or_empty_round_trip() {
        for name in ["'.1appendonly", "it's", ""] {
            let m = Manifest { base: Some(AofFile { name: name.into(), seq: 1, kind: FileKind::Base }), base_seq: 1, ..Default::default() };
            assert_eq!(Manifest::parse(m.format().as_bytes()), Ok(m.clone()), "{:?}", m.format());
        }
    }
}
