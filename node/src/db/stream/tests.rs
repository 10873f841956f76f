use super::*;
use crate::db::listpack;

fn add(s: &mut Stream, ms: u64, seq: u64, fv: &[&[u8]], lim: NodeLimits) {
    s.append(StreamId::new(ms, seq), fv, lim);
}

#[test]
fn nodes_have_redis_layout() {
    let mut s = Stream::new();
    let lim = NodeLimits::default();
    add(&mut s, 1, 0, &[b"f", b"v"], lim);
    add(&mut s, 1, 1, &[b"f", b"w"], lim);
    add(&mut s, 2, 0, &[b"g", b"7"], lim);
    let (k, node) = s.nodes().next().unwrap();
    assert_eq!(*k, StreamId::new(1, 0));
    let items: Vec<Vec<u8>> = listpack::decode(node).unwrap().iter().map(|i| i.to_vec()).collect();
    let want: Vec<&[u8]> = vec![
        b"3", b"0", b"1", b"f", b"0", // master: count, deleted, 1 field, "f", terminator
        b"2", b"0", b"0", b"v", b"4", // SAMEFIELDS entry
        b"2", b"0", b"1", b"w", b"4", //
        b"0", b"1", b"0", b"1", b"g", b"7", b"6", // own fields
    ];
    assert_eq!(items, want.iter().map(|x| x.to_vec()).collect::<Vec<_>>());
    assert_eq!(
        s.entries(StreamId::ZERO, StreamId::MAX, true, 0).iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![StreamId::new(2, 0), StreamId::new(1, 1), StreamId::new(1, 0)]
    );
}

#[test]
fn delete_and_trim_keep_counts() {
    let mut s = Stream::new();
    let lim = NodeLimits { max_bytes: 4096, max_entries: 3 };
    for i in 1..=10 {
        add(&mut s, i, 0, &[b"a", b"1"], lim);
    }
    assert_eq!(s.node_count(), 4);
    assert!(s.delete(StreamId::new(2, 0)));
    assert!(!s.delete(StreamId::new(2, 0)));
    s.after_deletes(&[StreamId::new(2, 0)]);
    assert_eq!(s.length, 9);
    assert_eq!(s.trim(Trim::MaxLen(5), true, 0), 2); // the first node: 2 live entries
    assert_eq!(s.length, 7);
    assert_eq!(s.trim(Trim::MaxLen(5), false, 0), 2);
    assert_eq!(s.first_id, StreamId::new(6, 0));
    let ids: Vec<u64> = s.entries(StreamId::ZERO, StreamId::MAX, false, 0).iter().map(|e| e.0.ms).collect();
    assert_eq!(ids, vec![6, 7, 8, 9, 10]);
    assert_eq!(s.trim(Trim::MinId(StreamId::new(9, 0)), false, 0), 3);
    assert_eq!(s.edge_id(false), Some(StreamId::new(10, 0)));
}
