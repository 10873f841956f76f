//! The two sorts Redis's replies depend on, ported so that ties and inconsistent comparisons come
//! out in the same order as in C: glibc's `qsort` (a stable top-down merge sort) and Redis's
//! `pqsort` (a partial quicksort over a range of ranks). GEO searches and SORT use them.

/// glibc 2.x `qsort()` = `msort_with_tmp()` (top-down merge sort, left run
/// wins on `cmp <= 0`, i.e. stable), written out so that even inconsistent
/// comparisons (NaN) give the same permutation as in C.
pub fn glibc_msort<T>(v: &mut Vec<T>, cmp: &dyn Fn(&T, &T) -> i32) {
    fn rec<T>(v: &mut [Option<T>], tmp: &mut Vec<Option<T>>, cmp: &dyn Fn(&T, &T) -> i32) {
        let n = v.len();
        if n <= 1 {
            return;
        }
        let n1 = n / 2;
        {
            let (b1, b2) = v.split_at_mut(n1);
            rec(b1, tmp, cmp);
            rec(b2, tmp, cmp);
        }
        tmp.clear();
        let (mut i, mut j) = (0usize, n1);
        while i < n1 && j < n {
            if cmp(v[i].as_ref().unwrap(), v[j].as_ref().unwrap()) <= 0 {
                tmp.push(v[i].take());
                i += 1;
            } else {
                tmp.push(v[j].take());
                j += 1;
            }
        }
        while i < n1 {
            tmp.push(v[i].take());
            i += 1;
        }
        // The remaining right run is already in place.
        for (k, item) in tmp.drain(..).enumerate() {
            v[k] = item;
        }
    }
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    let mut tmp = Vec::with_capacity(slots.len());
    rec(&mut slots, &mut tmp, cmp);
    v.extend(slots.into_iter().map(|x| x.unwrap()));
}

/// Redis `pqsort()` (pqsort.c): partially sort `v` so that positions
/// `lrange..=rrange` hold what a full sort would put there. Element-exact
/// port (pointer comparisons are done on doubled indices so that the C
/// "last byte of the element" addresses map to odd numbers).
///
/// The 7.0 server does *not* have the NetBSD "no swaps -> switch to
/// insertion sort" shortcut (`swap_cnt`), which some copies of pqsort.c
/// carry: with it, ties come out in input order; without it (as here, and as
/// observed on 7.0.15: `COUNT 10` over six equal distances gives
/// B,E,A,F,C,D) they are permuted.
pub fn pqsort<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> i32, lrange: usize, rrange: usize) {
    let l = (lrange * 2) as isize;
    let r = ((rrange + 1) * 2) as isize - 1;
    pqsort_inner(v, 0, v.len(), cmp, l, r);
}

fn pqsort_med3<T>(v: &[T], a: usize, b: usize, c: usize, cmp: &dyn Fn(&T, &T) -> i32) -> usize {
    if cmp(&v[a], &v[b]) < 0 {
        if cmp(&v[b], &v[c]) < 0 {
            b
        } else if cmp(&v[a], &v[c]) < 0 {
            c
        } else {
            a
        }
    } else if cmp(&v[b], &v[c]) > 0 {
        b
    } else if cmp(&v[a], &v[c]) < 0 {
        a
    } else {
        c
    }
}

fn pqsort_insertion<T>(v: &mut [T], a: usize, n: usize, cmp: &dyn Fn(&T, &T) -> i32) {
    for pm in a + 1..a + n {
        let mut pl = pm;
        while pl > a && cmp(&v[pl - 1], &v[pl]) > 0 {
            v.swap(pl, pl - 1);
            pl -= 1;
        }
    }
}

fn pqsort_inner<T>(v: &mut [T], mut a: usize, mut n: usize, cmp: &dyn Fn(&T, &T) -> i32, lrange: isize, rrange: isize) {
    let outside = |start: usize, len: usize| {
        let l_ = (start * 2) as isize;
        let r_ = ((start + len) * 2) as isize - 1;
        (lrange < l_ && rrange < l_) || (lrange > r_ && rrange > r_)
    };
    loop {
        if n < 7 {
            pqsort_insertion(v, a, n, cmp);
            return;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = pqsort_med3(v, pl, pl + d, pl + 2 * d, cmp);
                pm = pqsort_med3(v, pm - d, pm, pm + d, cmp);
                pn = pqsort_med3(v, pn - 2 * d, pn - d, pn, cmp);
            }
            pm = pqsort_med3(v, pl, pm, pn, cmp);
        }
        v.swap(a, pm);
        let mut pa = a + 1;
        let mut pb = a + 1;
        let mut pc = a + n - 1;
        let mut pd = a + n - 1;
        loop {
            while pb <= pc {
                let c = cmp(&v[pb], &v[a]);
                if c > 0 {
                    break;
                }
                if c == 0 {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let c = cmp(&v[pc], &v[a]);
                if c < 0 {
                    break;
                }
                if c == 0 {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let r = std::cmp::min(pa - a, pb - pa);
        for i in 0..r {
            v.swap(a + i, pb - r + i);
        }
        let r = std::cmp::min(pd - pc, pn - pd - 1);
        for i in 0..r {
            v.swap(pb + i, pn - r + i);
        }
        let r = pb - pa;
        if r > 1 && !outside(a, r) {
            pqsort_inner(v, a, r, cmp, lrange, rrange);
        }
        let r = pd - pc;
        if r > 1 {
            a = pn - r;
            n = r;
            if !outside(a, n) {
                continue;
            }
        }
        return;
    }
}
