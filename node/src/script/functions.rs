//! FUNCTION libraries (Redis 7.0's `functions.c` with its Lua engine): loading a library's code
//! (`#!lua name=<lib>` and its `redis.register_function` calls), the registry of libraries and
//! functions, and the payload FUNCTION DUMP / RESTORE carry.
//!
//! Functions run in their own interpreter, as in Redis: SCRIPT FLUSH does not touch them. While
//! a library's code runs at load time it sees only `redis.register_function`, `redis.log` and
//! the version constants (Redis's library API); its functions see the full API when called.

use hashbrown::HashMap;
use std::cell::RefCell;

use bytes::Bytes;
use mlua::{Function, Lua, MultiValue, Table, Value};

use super::engine::Engine;
use super::shebang;

/// One function of a library.
#[derive(Debug, Clone)]
pub struct FunctionDef {
    pub name: String,
    pub description: Option<Vec<u8>>,
    pub flags: u32,
    pub func: Function,
}

/// A loaded library.
#[derive(Debug, Clone)]
pub struct Library {
    pub name: String,
    pub code: Bytes,
    /// In registration order.
    pub functions: Vec<FunctionDef>,
}

#[derive(Default)]
pub struct Functions {
    engine: super::engine::Slot,
    /// Libraries in load order (FUNCTION LIST, DUMP and the RDB keep it).
    libraries: Vec<Library>,
    /// Function name → library index.
    by_name: HashMap<String, usize>,
}

impl std::fmt::Debug for Functions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Functions").field("libraries", &self.libraries.len()).finish()
    }
}

thread_local! {
    /// The functions a library registers while its code runs at load time.
    static REGISTERING: RefCell<Option<Vec<FunctionDef>>> = const { RefCell::new(None) };
}

/// How FUNCTION RESTORE treats libraries that exist already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestorePolicy {
    Append,
    Replace,
    Flush,
}

impl Functions {
    pub fn engine(&mut self) -> Result<&Engine, String> {
        self.engine.get(install_library_api)
    }

    /// Takes the interpreter out for a run; give it back with [`Self::put_engine`].
    pub fn take_engine(&mut self) -> Result<Engine, String> {
        self.engine.take(install_library_api)
    }

    pub fn put_engine(&mut self, engine: Engine) {
        self.engine.put(engine);
    }

    pub fn libraries(&self) -> &[Library] {
        &self.libraries
    }

    pub fn function_count(&self) -> usize {
        self.by_name.len()
    }

    /// A function by name, with its library's index.
    pub fn get(&self, name: &str) -> Option<&FunctionDef> {
        let lib = *self.by_name.get(name)?;
        self.libraries[lib].functions.iter().find(|f| f.name == name)
    }

    /// FUNCTION LOAD: compiles `code`, runs it to register its functions, and adds the library
    /// (replacing one of the same name with `replace`). The library's name, or Redis's error.
    pub fn load(&mut self, code: &[u8], replace: bool) -> Result<String, String> {
        let lib = self.compile(code)?;
        let name = lib.name.clone();
        self.add(lib, replace)?;
        Ok(name)
    }

    /// Compiles a library without adding it.
    fn compile(&mut self, code: &[u8]) -> Result<Library, String> {
        let name = parse_metadata(code)?;
        let engine = self.engine()?;
        // The metadata line becomes a comment, so line numbers stay those of the code.
        let mut body = code.to_vec();
        body[..2].copy_from_slice(b"--");
        let func =
            engine.lua().load(&body[..]).set_name("@user_function").set_environment(engine.env().clone()).into_function().map_err(|e| match e {
                mlua::Error::SyntaxError { message, .. } => format!("ERR Error compiling function: {message}"),
                other => format!("ERR Error compiling function: {other}"),
            })?;
        REGISTERING.with(|r| *r.borrow_mut() = Some(Vec::new()));
        let result = engine.load_library(&func);
        let registered = REGISTERING.with(|r| r.borrow_mut().take()).unwrap_or_default();
        if let Err(info) = result {
            return Err(format!("ERR Error registering functions: {}", info.msg));
        }
        if registered.is_empty() {
            return Err("ERR No functions registered".into());
        }
        Ok(Library { name, code: Bytes::copy_from_slice(code), functions: registered })
    }

    /// Adds a compiled library: its name must be new (or replaced) and its functions' names
    /// unused by other libraries.
    fn add(&mut self, lib: Library, replace: bool) -> Result<(), String> {
        let existing = self.libraries.iter().position(|l| l.name == lib.name);
        if existing.is_some() && !replace {
            return Err(format!("ERR Library '{}' already exists", lib.name));
        }
        for f in &lib.functions {
            if let Some(&owner) = self.by_name.get(&f.name) {
                if Some(owner) != existing {
                    return Err(format!("ERR Function {} already exists", f.name));
                }
            }
        }
        match existing {
            Some(i) => self.libraries[i] = lib,
            None => self.libraries.push(lib),
        }
        self.reindex();
        Ok(())
    }

    fn reindex(&mut self) {
        self.by_name.clear();
        for (i, l) in self.libraries.iter().enumerate() {
            for f in &l.functions {
                self.by_name.insert(f.name.clone(), i);
            }
        }
    }

    /// FUNCTION DELETE.
    pub fn delete(&mut self, name: &str) -> bool {
        let Some(i) = self.libraries.iter().position(|l| l.name == name) else { return false };
        self.libraries.remove(i);
        self.reindex();
        true
    }

    /// FUNCTION FLUSH (and a full resync or load that replaces everything).
    pub fn flush(&mut self) {
        self.libraries.clear();
        self.by_name.clear();
        self.engine.reset();
    }

    /// The library sources, for the RDB, the AOF preamble and FUNCTION DUMP.
    pub fn sources(&self) -> Vec<Vec<u8>> {
        self.libraries.iter().map(|l| l.code.to_vec()).collect()
    }

    /// Loads libraries from an RDB or a RESTORE payload under `policy`: all or nothing.
    pub fn restore(&mut self, sources: &[Vec<u8>], policy: RestorePolicy) -> Result<(), String> {
        let mut compiled = Vec::new();
        for code in sources {
            compiled.push(self.compile(code)?);
        }
        let backup = (self.libraries.clone(), self.by_name.clone());
        if policy == RestorePolicy::Flush {
            self.libraries.clear();
            self.by_name.clear();
        }
        for lib in compiled {
            let replace = policy == RestorePolicy::Replace;
            if !replace && self.libraries.iter().any(|l| l.name == lib.name) {
                (self.libraries, self.by_name) = backup;
                return Err(format!("ERR Library {} already exists", lib.name));
            }
            if let Err(e) = self.add(lib, replace) {
                (self.libraries, self.by_name) = backup;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Bytes the functions' interpreter holds (INFO `used_memory_vm_functions`).
    pub fn vm_memory(&self) -> usize {
        self.engine.memory()
    }

    /// Bytes of library code (INFO memory's function figures).
    pub fn code_bytes(&self) -> usize {
        self.libraries.iter().map(|l| l.code.len()).sum()
    }
}

/// The library name from the first line, `#!lua name=<lib>` (Redis's `functionExtractLibMetaData`).
fn parse_metadata(code: &[u8]) -> Result<String, String> {
    if !code.starts_with(b"#!") {
        return Err("ERR Missing library metadata".into());
    }
    let end = code.iter().position(|&c| c == b'\n').unwrap_or(code.len());
    let mut parts = code[2..end].split(|&c| c == b' ').filter(|p| !p.is_empty());
    let engine = parts.next().unwrap_or_default();
    let mut name = None;
    for part in parts {
        match part.strip_prefix(b"name=") {
            Some(n) => name = Some(n),
            None => return Err(format!("ERR Invalid metadata value given: {}", String::from_utf8_lossy(part))),
        }
    }
    let Some(name) = name else { return Err("ERR Library name was not given".into()) };
    if !valid_name(name) {
        return Err(NAME_RULE.into());
    }
    if !engine.eq_ignore_ascii_case(b"lua") {
        return Err(format!("ERR Engine '{}' not found", String::from_utf8_lossy(engine)));
    }
    Ok(String::from_utf8_lossy(name).into_owned())
}

const NAME_RULE: &str = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

/// The `redis` table a library's code sees at load time.
fn install_library_api(engine: &mut Engine) -> mlua::Result<()> {
    let lua = engine.lua();
    let api = lua.create_table()?;
    api.set("register_function", lua.create_function(register_function)?)?;
    // `redis` in the globals is the read-only proxy: read through it.
    let full: Table = lua.globals().raw_get("redis")?;
    for k in ["log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"] {
        api.set(k, full.get::<Value>(k)?)?;
    }
    // A missing field reads as a missing global, as Redis's error metatable makes it.
    let _ = api.set_metatable(lua.globals().metatable());
    engine.set_library_api(api)
}

/// `redis.register_function(name, callback)` or `redis.register_function{function_name=...,
/// callback=..., flags={...}, description=...}`.
fn register_function(lua: &Lua, args: MultiValue) -> mlua::Result<()> {
    let raise = |msg: &str| Err(super::engine::table_error(msg));
    let def = match args.len() {
        1 => {
            let Value::Table(t) = &args[0] else {
                return raise(
                    "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
                );
            };
            let (mut name, mut desc, mut func, mut flags) = (None, None, None, 0);
            for pair in t.pairs::<Value, Value>() {
                let (k, v) = pair?;
                let Value::String(k) = k else { return raise("named argument key given to redis.register_function is not a string") };
                let key = k.to_string_lossy().to_ascii_lowercase();
                match key.as_str() {
                    "function_name" => match v {
                        Value::String(s) => name = Some(s.to_string_lossy().to_string()),
                        _ => return raise("function_name argument given to redis.register_function must be a string"),
                    },
                    "description" => match v {
                        Value::String(s) => desc = Some(s.as_bytes().to_vec()),
                        _ => return raise("description argument given to redis.register_function must be a string"),
                    },
                    "callback" => match v {
                        Value::Function(f) => func = Some(f),
                        _ => return raise("callback argument given to redis.register_function must be a function"),
                    },
                    "flags" => {
                        let Value::Table(ft) = v else {
                            return raise("flags argument to redis.register_function must be a table representing function flags");
                        };
                        for i in 1.. {
                            match ft.raw_get::<Value>(i)? {
                                Value::Nil => break,
                                Value::String(s) => match shebang::flag(s.to_string_lossy().to_ascii_lowercase().as_bytes()) {
                                    Some(f) => flags |= f,
                                    None => return raise("unknown flag given"),
                                },
                                _ => return raise("unknown flag given"),
                            }
                        }
                    }
                    _ => return raise("unknown argument given to redis.register_function"),
                }
            }
            let Some(name) = name else { return raise("redis.register_function must get a function name argument") };
            let Some(func) = func else { return raise("redis.register_function must get a callback argument") };
            FunctionDef { name, description: desc, flags, func }
        }
        2 => {
            let name = match &args[0] {
                Value::String(s) => s.to_string_lossy().to_string(),
                Value::Integer(_) | Value::Number(_) => args[0].to_string()?,
                _ => return raise("first argument to redis.register_function must be a string"),
            };
            let Value::Function(f) = &args[1] else { return raise("second argument to redis.register_function must be a function") };
            FunctionDef { name, description: None, flags: 0, func: f.clone() }
        }
        _ => return raise("wrong number of arguments to redis.register_function"),
    };
    let _ = lua;
    if !valid_name(def.name.as_bytes()) {
        return raise("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
    }
    REGISTERING.with(|r| match r.borrow_mut().as_mut() {
        None => raise("redis.register_function can only be called on FUNCTION LOAD command"),
        Some(list) => {
            if list.iter().any(|f| f.name == def.name) {
                return raise("Function already exists in the library");
            }
            list.push(def);
            Ok(())
        }
    })
}

/// FUNCTION DUMP's payload: one FUNCTION2 record per library, the RDB version and a CRC64.
pub fn dump_payload(sources: &[Vec<u8>], compression: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for code in sources {
        out.push(crate::persistence::rdb::opcodes::FUNCTION2);
        crate::persistence::rdb::encode::write_string(&mut out, code, compression);
    }
    out.extend_from_slice(&crate::persistence::rdb::RDB_VERSION.to_le_bytes());
    let crc = crate::persistence::crc64::crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The library sources in a FUNCTION RESTORE payload, or Redis's error.
pub fn parse_payload(p: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if !crate::persistence::rdb::verify_dump_payload(p) {
        return Err("ERR DUMP payload version or checksum are wrong".into());
    }
    let body = &p[..p.len() - 10];
    let mut rd = crate::persistence::rdb::decode::Reader::new(body);
    let mut sources = Vec::new();
    while rd.pos() < body.len() as u64 {
        let op = rd.u8().map_err(|_| "ERR payload contains an invalid function".to_string())?;
        if op != crate::persistence::rdb::opcodes::FUNCTION2 {
            return Err("ERR given type is not a function".into());
        }
        sources.push(rd.string().map_err(|_| "ERR payload contains an invalid function".to_string())?);
    }
    Ok(sources)
}
