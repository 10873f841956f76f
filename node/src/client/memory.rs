//! A client's buffers as redis-server 7.0 accounts them: the `qbuf-free`, `argv-mem`, `rbs`,
//! `rbp`, `omem` and `tot-mem` fields of CLIENT LIST.
//!
//! Monitoring reads these fields (a client's memory, a query buffer that grew for a large argument
//! and gave the room back when idle), so they follow Redis's own arithmetic rather than this
//! process's allocations: the query buffer is an sds string grown and shrunk by networking.c's and
//! clientsCron's rules, every block is rounded up to jemalloc 5.3's size classes, and the client
//! struct counts 768 bytes, as in Debian's redis-server 7.0.15. The connection reports its events
//! (a read, the end of a batch, a large argument's header and completion) and the server's cron
//! visits each client as Redis's clientsCron does; nothing here touches a socket.

/// `zmalloc_size` of Redis 7.0.15's `client` struct.
const CLIENT_STRUCT: usize = 768;
/// PROTO_IOBUF_LEN: a normal read.
const IOBUF_LEN: usize = 16 * 1024;
/// PROTO_MBULK_BIG_ARG: from this length an argument gets a query buffer of its own size.
const BIG_ARG: usize = 32 * 1024;
/// PROTO_RESIZE_THRESHOLD: a larger, mostly unused query buffer is trimmed by the cron.
const RESIZE_THRESHOLD: usize = 32 * 1024;
/// PROTO_REPLY_CHUNK_BYTES / PROTO_REPLY_MIN_BYTES: the reply buffer's largest and smallest size.
const REPLY_CHUNK: usize = 16 * 1024;
const REPLY_MIN: usize = 1024;
/// sds's SDS_MAX_PREALLOC: greedy growth doubles up to this, then adds it.
const MAX_PREALLOC: usize = 1024 * 1024;
/// A reply-list node's header (`clientReplyBlock`) and its list node.
const REPLY_BLOCK_HEADER: usize = 16;
const LIST_NODE: usize = 24;
/// A pub/sub dict entry, a MULTI queue entry (`multiCmd`), a watched key (list node + `watchedKey`).
const DICT_ENTRY: usize = 24;
const MULTI_CMD: usize = 24;
const WATCHED_KEY: usize = 56;

/// jemalloc 5.3's size class for `n` bytes: 8, then multiples of 16 to 128, then four classes per
/// doubling (160, 192, 224, 256, 320, ...).
fn size_class(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    let lg = usize::BITS - 1 - (n - 1).leading_zeros();
    let delta = 1usize << (lg - 2);
    n.div_ceil(delta) * delta
}

/// The header of the smallest sds type that holds `size` bytes (type 5 is never used for a
/// buffer that grows: it cannot record free space).
fn header_for(size: usize) -> usize {
    if size < 1 << 8 {
        3
    } else if size < 1 << 16 {
        5
    } else if (size as u64) < 1 << 32 {
        9
    } else {
        17
    }
}

/// The largest `alloc` an sds header can record.
fn type_max(header: usize) -> usize {
    match header {
        3 => 255,
        5 => 65535,
        9 => u32::MAX as usize,
        _ => usize::MAX,
    }
}

/// An sds string's bookkeeping, without its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sds {
    len: usize,
    alloc: usize,
    header: usize,
    /// The allocation behind it (header, string, NUL), rounded to its size class.
    block: usize,
}

impl Sds {
    /// `sdsempty()`, as Redis creates a client's query buffer: type 8, alloc 4 in an 8-byte block.
    fn empty() -> Sds {
        Sds { len: 0, alloc: 4, header: 3, block: size_class(4) }
    }

    /// `sdsnewlen(len)` cleared: a buffer sized for `len` bytes with nothing in it.
    fn with_room(len: usize) -> Sds {
        let header = header_for(len);
        let block = size_class(header + len + 1);
        Sds { len: 0, alloc: (block - header - 1).min(type_max(header)), header, block }
    }

    /// `sdsMakeRoomFor` (greedy) / `sdsMakeRoomForNonGreedy`.
    fn make_room(&mut self, add: usize, greedy: bool) {
        if self.alloc - self.len >= add {
            return;
        }
        let mut wanted = self.len + add;
        if greedy {
            wanted = if wanted < MAX_PREALLOC { wanted * 2 } else { wanted + MAX_PREALLOC };
        }
        let header = header_for(wanted);
        self.header = header;
        self.block = size_class(header + wanted + 1);
        self.alloc = (self.block - header - 1).min(type_max(header));
    }

    /// `sdsRemoveFreeSpace`: alloc down to the length; a type that still needs more than 8 bits
    /// keeps its header (realloc in place).
    fn remove_free_space(&mut self) {
        let header = header_for(self.len);
        if header == self.header || header > 3 {
            self.block = size_class(self.header + self.len + 1);
        } else {
            self.header = header;
            self.block = size_class(header + self.len + 1);
        }
        self.alloc = self.len;
    }

    /// `sdsResize` to `size` bytes of alloc (never below the length here).
    fn resize(&mut self, size: usize) {
        if self.alloc == size {
            return;
        }
        let header = header_for(size);
        if header == self.header || (header < self.header && header > 3) {
            self.block = size_class(self.header + size + 1);
        } else {
            self.header = header;
            self.block = size_class(header + size + 1);
        }
        self.alloc = size;
    }
}

/// One client's buffers, as Redis would hold them.
#[derive(Debug, Clone)]
pub struct BufferAccount {
    query: Sds,
    /// The longest the query buffer was since the cron's last visit (`querybuf_peak`).
    query_peak: usize,
    /// The bulk argument being read, if any (`bulklen`): the cron never trims below it.
    bulk: Option<usize>,
    /// The arguments of a request read so far (`argc`, `argv_len_sum`), and how many it has.
    partial_args: (usize, usize),
    request_argc: usize,
    /// `tot-mem` at the cron's last visit, and whether it counted as a replica's
    /// (`last_memory_usage`, `last_memory_type`): what INFO's mem_clients_* add up.
    last_usage: usize,
    last_as_replica: bool,
    /// A batch ended inside a request (`bulk` and `partial_args` are set).
    in_request: bool,
    /// The reply buffer's size (`buf_usable_size`) and the most it held (`buf_peak`).
    reply_size: usize,
    reply_peak: usize,
    /// When the peak was last reset (ms); 0 makes the first visit reset it, as Redis's
    /// seconds-against-milliseconds comparison does.
    peak_reset_ms: i64,
}

impl Default for BufferAccount {
    fn default() -> Self {
        BufferAccount {
            query: Sds::empty(),
            query_peak: 0,
            bulk: None,
            partial_args: (0, 0),
            request_argc: 0,
            last_usage: 0,
            last_as_replica: false,
            in_request: false,
            reply_size: REPLY_CHUNK,
            reply_peak: REPLY_CHUNK,
            peak_reset_ms: 0,
        }
    }
}

/// What a CLIENT LIST line shows of a client's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub qbuf_free: usize,
    pub argv_mem: usize,
    pub multi_mem: usize,
    pub rbs: usize,
    pub rbp: usize,
    pub obl: usize,
    pub oll: usize,
    pub omem: usize,
    pub tot_mem: usize,
}

/// The parts of a client that count in `tot-mem` besides its buffers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Holdings<'a> {
    /// The command it is running, when it describes itself.
    pub running: Option<&'a [bytes::Bytes]>,
    /// Commands queued by MULTI.
    pub queued: &'a [Vec<bytes::Bytes>],
    pub watched: usize,
    pub channels: usize,
    pub patterns: usize,
    pub shard_channels: usize,
    /// Bytes waiting to be written to it.
    pub pending: usize,
}

impl BufferAccount {
    /// How much the next read may take (`readlen` in `readQueryFromClient`): a normal read is
    /// 16 KiB, or all the room a grown buffer has; a large argument is read up to its end only.
    #[inline]
    pub fn read_len(&self) -> usize {
        let len = self.query.len;
        match self.bulk {
            Some(bulk) if bulk >= BIG_ARG => (bulk + 2).saturating_sub(len).max(1),
            _ if self.query.alloc < IOBUF_LEN => IOBUF_LEN,
            _ => (self.query.alloc - len).max(IOBUF_LEN),
        }
    }

    /// The connection holds `total` unparsed bytes: what is more than it held at the end of its last
    /// batch was read since.
    #[inline]
    pub fn on_input(&mut self, total: usize) {
        let held = self.query.len;
        if total > held {
            self.on_read(held, total - held);
        }
    }

    /// `n` bytes were read into a buffer that held `held` unparsed bytes.
    #[inline]
    fn on_read(&mut self, held: usize, n: usize) {
        // The common case: a grown buffer with room for a normal read and for what came, between
        // requests (so no large argument is being read).
        if !self.in_request && self.query.alloc >= held + n.max(IOBUF_LEN) {
            self.query.len = held + n;
        } else {
            let big = matches!(self.bulk, Some(b) if b >= BIG_ARG);
            self.grow_for_read(held, n, big);
        }
        if self.query.len > self.query_peak {
            self.query_peak = self.query.len;
        }
    }

    fn grow_for_read(&mut self, held: usize, n: usize, big: bool) {
        self.query.len = held;
        let wanted = if big { (self.bulk.unwrap_or(0) + 2).saturating_sub(held).max(1) } else { IOBUF_LEN };
        self.query.make_room(wanted, !(big || self.query.alloc < IOBUF_LEN));
        // The socket may deliver more than Redis's one read takes; the rest counts as read too.
        if self.query.alloc - self.query.len < n {
            self.query.make_room(n, true);
        }
        self.query.len += n;
    }

    /// A large argument's `$<len>` line was read with only that argument's `unparsed` bytes
    /// behind it: the buffer keeps just those, with room for the whole argument.
    pub fn on_big_arg(&mut self, need: usize, unparsed: usize) {
        self.query.len = unparsed;
        self.query.make_room(need.saturating_sub(unparsed), false);
    }

    /// That argument filled the buffer exactly: the buffer became the argument, and a new one of
    /// the argument's size (empty) replaces it.
    pub fn on_big_arg_taken(&mut self, need: usize) {
        self.query = Sds::with_room(need);
    }

    /// A batch ended between requests with `unparsed` bytes left (an inline request's start, or
    /// nothing); `pending` reply bytes were queued for the client.
    #[inline]
    pub fn on_batch_end(&mut self, unparsed: usize, pending: usize) {
        self.query.len = unparsed;
        if self.in_request {
            self.in_request = false;
            self.partial_args = (0, 0);
            self.bulk = None;
        }
        self.note_replies(pending);
    }

    /// A batch ended inside a request whose `args` (count, bytes) are read and whose next bulk is
    /// `bulk` bytes long (if its length is known).
    pub fn on_batch_end_in_request(&mut self, unparsed: usize, args: (usize, usize, usize), bulk: Option<usize>, pending: usize) {
        self.query.len = unparsed;
        self.in_request = true;
        self.partial_args = (args.0, args.1);
        self.request_argc = args.2;
        self.bulk = bulk;
        self.note_replies(pending);
    }

    /// Replies placed in the reply buffer: its peak is what it held (`bufpos`), up to its size.
    #[inline]
    fn note_replies(&mut self, pending: usize) {
        if pending > self.reply_peak {
            self.reply_peak = pending.min(self.reply_size);
        }
    }

    /// One visit of Redis's `clientsCron`: the query buffer shrinks when idle for more than 2 s
    /// (`idle_s`, in whole seconds as Redis's cached clock counts them) or when far larger than its
    /// recent peak; the reply buffer shrinks or grows towards its peak, and the peak resets every
    /// `peak_reset_ms` (negative: never). `resizing` is DEBUG REPLYBUFFER RESIZING.
    pub fn cron_visit(&mut self, now_ms: i64, idle_s: i64, resizing: bool, peak_reset_ms: i64, pending: usize) {
        let q = &mut self.query;
        if q.alloc - q.len > 4 * 1024 {
            if idle_s > 2 {
                q.remove_free_space();
            } else if q.alloc > RESIZE_THRESHOLD && q.alloc / 2 > self.query_peak {
                let target = q.len.max(self.query_peak).max(self.bulk.unwrap_or(0));
                q.resize(target);
            }
        }
        self.query_peak = q.len.max(self.bulk.unwrap_or(0));

        if !resizing {
            return;
        }
        let mut new_size = 0;
        if self.reply_size / 2 >= REPLY_MIN && self.reply_peak < self.reply_size / 2 {
            new_size = REPLY_MIN.max(self.reply_peak + 1);
        } else if self.reply_size * 2 < REPLY_CHUNK * 2 && self.reply_peak == self.reply_size {
            new_size = REPLY_CHUNK.min(self.reply_size * 2);
        }
        if peak_reset_ms >= 0 && now_ms - self.peak_reset_ms >= peak_reset_ms {
            self.reply_peak = pending.min(self.reply_size);
            self.peak_reset_ms = now_ms;
        }
        if new_size != 0 {
            self.reply_size = size_class(new_size);
        }
    }

    /// What `client_recent_max_input_buffer` samples (`clientsCronTrackExpansiveClients`): the
    /// query buffer's block, and the arguments of an unfinished request with their array.
    pub fn input_usage(&self) -> usize {
        let argv = if self.in_request { size_class(8 * self.request_argc.clamp(1, 1024)) } else { 0 };
        self.query.block + self.partial_args.1 + argv
    }

    /// The fields of a CLIENT LIST line, for a client holding `qbuf` unparsed bytes.
    pub fn shown(&self, qbuf: usize, h: &Holdings) -> Shown {
        let (argc, argv_mem) = match h.running {
            Some(argv) => (argv.len(), argv.iter().map(|a| a.len()).sum()),
            None => self.partial_args,
        };
        let multi_mem: usize = h.queued.iter().map(|argv| argv.iter().map(|a| a.len()).sum::<usize>() + 8 * argv.len()).sum();
        let multi_slots = if h.queued.is_empty() { 0 } else { h.queued.len().max(2).next_power_of_two() };
        let obl = h.pending.min(self.reply_size);
        let listed = h.pending - obl;
        // The rest waits in reply blocks of at least 16 KiB each (a larger reply gets one of its size).
        let (oll, blocks) = if listed == 0 { (0, 0) } else { (1, size_class(listed.max(REPLY_CHUNK) + REPLY_BLOCK_HEADER) - REPLY_BLOCK_HEADER) };
        let omem = blocks + oll * (REPLY_BLOCK_HEADER + LIST_NODE);
        let dict = |n: usize| if n == 0 { 0 } else { n * DICT_ENTRY + 8 * n.max(4).next_power_of_two() };
        let tot_mem = omem
            + self.query.block
            + CLIENT_STRUCT
            + self.reply_size
            + argv_mem
            + 8 * argc
            + multi_mem
            + MULTI_CMD * multi_slots
            + WATCHED_KEY * h.watched
            + dict(h.channels)
            + LIST_NODE * h.patterns
            + dict(h.shard_channels);
        Shown {
            qbuf_free: self.query.alloc.saturating_sub(qbuf),
            argv_mem,
            multi_mem,
            rbs: self.reply_size,
            rbp: self.reply_peak,
            obl,
            oll,
            omem,
            tot_mem,
        }
    }
}

/// What INFO reports of all clients' memory, kept as Redis keeps it: each client's `tot-mem` as of
/// the cron's last visit, summed by kind (`stat_clients_type_memory`), and the largest input and
/// output buffers seen in each of the last 8 seconds (`ClientsPeakMemInput`/`Output`).
#[derive(Debug, Default)]
pub struct ClientsMemory {
    normal: usize,
    replicas: usize,
    peak_in: [usize; PEAK_SLOTS],
    peak_out: [usize; PEAK_SLOTS],
}

/// CLIENTS_PEAK_MEM_USAGE_SLOTS: one sample slot a second.
const PEAK_SLOTS: usize = 8;

impl ClientsMemory {
    /// The start of a cron tick at Unix second `now_s`: the slot of the next second starts empty.
    pub fn start_tick(&mut self, now_s: i64) {
        let next = (now_s.rem_euclid(PEAK_SLOTS as i64) as usize + 1) % PEAK_SLOTS;
        self.peak_in[next] = 0;
        self.peak_out[next] = 0;
    }

    /// A client visited by the cron: its buffers' sizes sampled, its memory counted anew.
    pub fn visit(&mut self, now_s: i64, account: &mut BufferAccount, shown: &Shown, replica: bool) {
        let slot = now_s.rem_euclid(PEAK_SLOTS as i64) as usize;
        self.peak_in[slot] = self.peak_in[slot].max(account.input_usage());
        self.peak_out[slot] = self.peak_out[slot].max(shown.omem);
        self.forget(account);
        if replica {
            self.replicas += shown.tot_mem;
        } else {
            self.normal += shown.tot_mem;
        }
        account.last_usage = shown.tot_mem;
        account.last_as_replica = replica;
    }

    /// A client left (or is counted anew): what it was counted as goes.
    pub fn forget(&mut self, account: &BufferAccount) {
        if account.last_as_replica {
            self.replicas -= account.last_usage.min(self.replicas);
        } else {
            self.normal -= account.last_usage.min(self.normal);
        }
    }

    /// INFO's mem_clients_normal and mem_clients_slaves.
    pub fn by_kind(&self) -> (usize, usize) {
        (self.normal, self.replicas)
    }

    /// INFO's client_recent_max_input_buffer and client_recent_max_output_buffer.
    pub fn recent_max(&self) -> (usize, usize) {
        (self.peak_in.iter().copied().max().unwrap_or(0), self.peak_out.iter().copied().max().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_classes_are_jemallocs() {
        for (n, z) in
            [(4, 8), (17, 32), (1024, 1024), (16384, 16384), (16390, 20480), (39960, 40960), (50010, 57344), (65486, 65536), (100012, 114688)]
        {
            assert_eq!(size_class(n), z, "{n}");
        }
    }

    #[test]
    fn a_fresh_client_shrinks_its_reply_buffer_on_the_second_visit() {
        let t = 1_700_000_000_000;
        let mut a = BufferAccount::default();
        a.on_read(0, 26);
        let h = Holdings::default();
        assert_eq!(a.shown(26, &h).qbuf_free, 20448);
        a.on_batch_end(0, 5);
        assert_eq!(a.shown(0, &h).tot_mem, 37632);
        a.cron_visit(t, 0, true, 5000, 0);
        assert_eq!((a.reply_size, a.reply_peak), (16384, 0));
        a.cron_visit(t + 100, 0, true, 5000, 0);
        assert_eq!(a.shown(0, &h).tot_mem, 20480 + 768 + 1024);
        a.cron_visit(t + 3100, 3, true, 5000, 0);
        assert_eq!(a.shown(0, &h), Shown { qbuf_free: 0, argv_mem: 0, multi_mem: 0, rbs: 1024, rbp: 0, obl: 0, oll: 0, omem: 0, tot_mem: 1800 });
    }

    #[test]
    fn a_large_argument_gets_a_buffer_of_its_size_and_gives_it_back() {
        let mut a = BufferAccount::default();
        // Header and the first bytes of a 100,000-byte argument, then the rest in two reads.
        a.on_read(0, 16384);
        a.on_big_arg(100_002, 16384 - 29);
        a.on_batch_end_in_request(16384 - 29, (2, 4, 3), Some(100_000), 0);
        assert_eq!(a.shown(16355, &Holdings::default()).qbuf_free, 114678 - 16355);
        a.on_read(16355, 33645);
        a.on_batch_end_in_request(50000, (2, 4, 3), Some(100_000), 0);
        let mid = a.shown(50000, &Holdings::default());
        assert_eq!((mid.qbuf_free, mid.argv_mem, mid.tot_mem), (64678, 4, 114688 + 768 + 16384 + 4 + 16));
        a.on_read(50000, 50002);
        a.on_big_arg_taken(100_002);
        a.on_batch_end(0, 5);
        assert_eq!(a.shown(0, &Holdings::default()).qbuf_free, 114678);
        a.cron_visit(100, 0, true, 5000, 0);
        a.cron_visit(200, 0, true, 5000, 0);
        assert_eq!(a.shown(0, &Holdings::default()).qbuf_free, 0);
    }
}
