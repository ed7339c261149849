//! Mutations of component binaries that reach the planner's edge cases: bit flips, truncations,
//! section splicing and tweaks of the LEB128 sizes that delimit sections and nested binaries.

/// SplitMix64: a seeded generator with no dependency, so that a seed replays its input exactly.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Where a section lies: its id byte, its size's LEB128 bytes, its content, and where the binary it
/// is in ends.
#[derive(Debug, Clone, Copy)]
struct Section {
    start: usize,
    size_at: usize,
    content: usize,
    end: usize,
    parent_end: usize,
}

fn read_leb(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
    }
    None
}

fn write_leb(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The sections of the binary at `start..end` and, recursively, of its nested modules and components.
fn sections(bytes: &[u8], start: usize, end: usize, out: &mut Vec<Section>) {
    // Only a component nests binaries (in its sections 1 and 4); a core module's 1 is its type section.
    let component = bytes.get(start + 4..start + 8) == Some(&[0x0d, 0, 1, 0]);
    let mut at = start + 8;
    while at < end {
        let Some((size, content)) = read_leb(bytes, at + 1) else { return };
        let section_end = content.saturating_add(size as usize);
        if section_end > end {
            return;
        }
        out.push(Section { start: at, size_at: at + 1, content, end: section_end, parent_end: end });
        if component && matches!(bytes[at], 1 | 4) && size >= 8 {
            sections(bytes, content, section_end, out);
        }
        at = section_end;
    }
}

/// One mutation of `input` (with `donor`, another input, for splicing), and what it did.
pub fn mutate(rng: &mut Rng, input: &[u8], donor: &[u8]) -> (Vec<u8>, String) {
    let mut bytes = input.to_vec();
    if bytes.is_empty() {
        return (bytes, "unchanged".into());
    }
    let mut found = Vec::new();
    sections(input, 0, input.len(), &mut found);
    let mut donor_sections = Vec::new();
    sections(donor, 0, donor.len(), &mut donor_sections);
    let pick = |rng: &mut Rng, list: &[Section]| list.get(rng.below(list.len().max(1))).copied();
    match rng.below(7) {
        0 => {
            let at = rng.below(bytes.len());
            let bit = rng.below(8);
            bytes[at] ^= 1 << bit;
            (bytes, format!("flip bit {bit} at {at}"))
        }
        1 => {
            let at = rng.below(bytes.len());
            let value = [0x00, 0x7f, 0x80, 0xff, rng.next() as u8][rng.below(5)];
            bytes[at] = value;
            (bytes, format!("set byte {at} to {value:#x}"))
        }
        2 => {
            let len = rng.below(bytes.len());
            bytes.truncate(len);
            (bytes, format!("truncate to {len}"))
        }
        3 => match (pick(rng, &found), pick(rng, &donor_sections)) {
            (Some(at), Some(from)) => {
                // A whole section of the donor before a section of the input, or instead of it.
                let replace = rng.below(2) == 0;
                let end = if replace { at.end } else { at.start };
                let what = format!("splice donor {}..{} at {} (replace: {replace})", from.start, from.end, at.start);
                edit(rng, input, &found, at.start..end, donor[from.start..from.end].to_vec(), what)
            }
            _ => (bytes, "unchanged".into()),
        },
        4 => match pick(rng, &found) {
            Some(at) => {
                // A section's size, off by a little or a lot, or just past its binary's end.
                let size = (at.end - at.content) as u64;
                let past_parent = (at.parent_end - at.content + 1 + rng.below(64)) as u64;
                let new =
                    [size + 1, size.saturating_sub(1), size + 100, u64::from(u32::MAX), 0, past_parent][rng.below(6)];
                // As many LEB bytes as before when the number fits, or one redundant byte more.
                let leb = leb_of_width(new, at.content - at.size_at + rng.below(2));
                let what = format!("size of section at {} from {size} to {new}", at.start);
                edit(rng, input, &found, at.size_at..at.content, leb, what)
            }
            None => (bytes, "unchanged".into()),
        },
        5 => match pick(rng, &found) {
            Some(at) => {
                edit(rng, input, &found, at.start..at.end, Vec::new(), format!("remove section at {}", at.start))
            }
            None => (bytes, "unchanged".into()),
        },
        _ => {
            // A LEB128 anywhere inside a section's content (an index, a count, a length), changed.
            let at = pick(rng, &found).map_or(8, |s| s.content + rng.below((s.end - s.content).max(1)));
            match read_leb(input, at) {
                Some((value, end)) => {
                    let new = [value + 1, value.saturating_sub(1), value << 7, 0xffff_ffff][rng.below(4)];
                    let leb = leb_of_width(new, end - at);
                    edit(rng, input, &found, at..end, leb, format!("LEB at {at} from {value} to {new}"))
                }
                None => (bytes, "unchanged".into()),
            }
        }
    }
}

/// `value` as a LEB128 of at least `width` bytes (padded with redundant continuation bytes).
fn leb_of_width(value: u64, width: usize) -> Vec<u8> {
    let mut leb = Vec::new();
    write_leb(value, &mut leb);
    while leb.len() < width {
        let last = leb.len() - 1;
        leb[last] |= 0x80;
        leb.push(0);
    }
    leb
}

/// `input` with `range` replaced by `with`; half the time, the sizes of the sections around the
/// edit are fixed up, so that the change reaches the planner instead of breaking the outer parse.
fn edit(
    rng: &mut Rng,
    input: &[u8],
    found: &[Section],
    range: std::ops::Range<usize>,
    with: Vec<u8>,
    what: String,
) -> (Vec<u8>, String) {
    let mut delta = with.len() as i64 - range.len() as i64;
    let mut bytes = input.to_vec();
    bytes.splice(range.clone(), with);
    if rng.below(2) == 0 {
        return (bytes, what);
    }
    let mut around: Vec<_> = found.iter().filter(|s| s.content <= range.start && range.end <= s.end).collect();
    // Innermost first: rewriting a size moves only what follows it, and outer sizes come before.
    around.sort_by_key(|s| std::cmp::Reverse(s.start));
    for s in around {
        let Ok(size) = u64::try_from((s.end - s.content) as i64 + delta) else { break };
        let leb = leb_of_width(size, s.content - s.size_at);
        delta += leb.len() as i64 - (s.content - s.size_at) as i64;
        bytes.splice(s.size_at..s.content, leb);
    }
    (bytes, what + " (sizes around fixed)")
}
