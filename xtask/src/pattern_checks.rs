//! Byte-wise checks for the spec's string patterns, in place of `regress` at run time.
//!
//! typify checks a `pattern` with a `regress::Regex` built on first use; regress is a
//! backtracking engine and was most of the cost of building a request, and five
//! packages of every consumer's build. The spec's patterns are anchored sequences of
//! character classes with `?`, `*`, `+` and bounded repeats, so each is compiled here
//! to a DFA over bytes and emitted as a `match` on (state, byte). A pattern outside
//! that subset fails generation, naming the schema.
//!
//! Subset: `^…$`; literal characters (`\`-escaped punctuation, `\uXXXX`); classes
//! `[…]`/`[^…]` of characters and ranges; groups `(…)`, `(?:…)`; `|`; quantifiers
//! `?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}`. A class stands for the UTF-8 encodings of
//! its code points (a negated class: of every other code point), so the DFA reads
//! whole characters byte by byte, as the regex reads characters.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Expr, ImplItem, Item, Stmt};

/// Bytes a class matches.
type ByteSet = [bool; 256];

#[derive(Clone, Debug)]
enum Node {
    Bytes(Box<ByteSet>),
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

struct Parser<'a> {
    chars: Vec<char>,
    at: usize,
    pattern: &'a str,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> String {
        format!(
            "pattern `{}` at character {}: {message} (supported: anchored sequences of \
             ASCII literals, classes, groups, `|`, and `?` `*` `+` `{{m,n}}`)",
            self.pattern, self.at
        )
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.at += 1;
        c
    }

    fn alternation(&mut self) -> Result<Node, String> {
        let mut branches = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.at += 1;
            branches.push(self.concat()?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Alternation(branches)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if matches!(c, '|' | ')') || (c == '$' && self.at + 1 == self.chars.len()) {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn atom(&mut self) -> Result<Node, String> {
        match self.next() {
            Some('[') => self.class(),
            Some('(') => {
                if self.peek() == Some('?') {
                    self.at += 1;
                    if self.next() != Some(':') {
                        return Err(self.error("only `(?:` groups are supported"));
                    }
                }
                let inner = self.alternation()?;
                if self.next() != Some(')') {
                    return Err(self.error("unclosed group"));
                }
                Ok(inner)
            }
            Some('\\') => {
                let c = self.escaped()?;
                self.class_node(vec![(c, c)])
            }
            Some(c) if !"^$.*+?{}]".contains(c) => {
                self.class_node(vec![(u32::from(c), u32::from(c))])
            }
            Some(c) => Err(self.error(&format!("unsupported `{c}`"))),
            None => Err(self.error("unexpected end")),
        }
    }

    /// The code point of an escape: `\uXXXX` or escaped punctuation.
    fn escaped(&mut self) -> Result<u32, String> {
        match self.next() {
            Some('u') => {
                let digits: String = (0..4).filter_map(|_| self.next()).collect();
                match u32::from_str_radix(&digits, 16) {
                    Ok(code)
                        if digits.len() == 4 && digits.chars().all(|c| c.is_ascii_hexdigit()) =>
                    {
                        Ok(code)
                    }
                    _ => Err(self.error("`\\u` takes four hex digits")),
                }
            }
            Some(c) if c.is_ascii_punctuation() => Ok(u32::from(c)),
            Some(c) => Err(self.error(&format!("unsupported escape `\\{c}`"))),
            None => Err(self.error("unexpected end after `\\`")),
        }
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let start = match self.next() {
                None => return Err(self.error("unclosed class")),
                Some(']') if !first => break,
                Some('\\') => self.escaped()?,
                Some(c) => u32::from(c),
            };
            first = false;
            let is_range = self.peek() == Some('-') && self.chars.get(self.at + 1) != Some(&']');
            let end = if is_range {
                self.at += 1;
                match self.next() {
                    Some('\\') => self.escaped()?,
                    Some(e) => u32::from(e),
                    None => return Err(self.error("unclosed class")),
                }
            } else {
                start
            };
            if end < start {
                return Err(self.error("range out of order"));
            }
            ranges.push((start, end));
        }
        if negated {
            ranges = complement(ranges);
        }
        self.class_node(ranges)
    }

    /// The UTF-8 encodings of the code points in `ranges` (surrogates, which a Rust
    /// string cannot hold, left out) as byte-level alternatives.
    fn class_node(&self, ranges: Vec<(u32, u32)>) -> Result<Node, String> {
        let ranges = without_surrogates(normalize(ranges));
        let mut ascii = [false; 256];
        let mut alternatives = Vec::new();
        for (start, end) in ranges {
            for code in start..=end.min(0x7f) {
                ascii[code as usize] = true;
            }
            if end >= 0x80 {
                for sequence in utf8_sequences(start.max(0x80), end) {
                    let bytes = sequence
                        .into_iter()
                        .map(|(lo, hi)| {
                            let mut set = [false; 256];
                            for b in lo..=hi {
                                set[usize::from(b)] = true;
                            }
                            Node::Bytes(Box::new(set))
                        })
                        .collect();
                    alternatives.push(Node::Concat(bytes));
                }
            }
        }
        if ascii.iter().any(|b| *b) {
            alternatives.insert(0, Node::Bytes(Box::new(ascii)));
        }
        match alternatives.len() {
            0 => Err(self.error("the class matches no character")),
            1 => Ok(alternatives.remove(0)),
            _ => Ok(Node::Alternation(alternatives)),
        }
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') => {
                self.at += 1;
                let min = self.number()?;
                let max = if self.peek() == Some(',') {
                    self.at += 1;
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') || max.is_some_and(|m| m < min) {
                    return Err(self.error("bad `{m,n}`"));
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.at += 1;
        if matches!(self.peek(), Some('?' | '*' | '+' | '{')) {
            return Err(self.error("lazy or stacked quantifiers are not supported"));
        }
        if max.unwrap_or(min) > 64 {
            return Err(self.error("repeat counts above 64 are not supported"));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    fn number(&mut self) -> Result<u32, String> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let digits: String = self.chars[start..self.at].iter().collect();
        digits.parse().map_err(|_| self.error("expected a number"))
    }
}

/// Sorted, overlapping and adjacent ranges merged.
fn normalize(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some((_, last)) if start <= last.saturating_add(1) => *last = (*last).max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The code points (up to U+10FFFF) not in `ranges`.
fn complement(ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    for (start, end) in normalize(ranges) {
        if start > next {
            out.push((next, start - 1));
        }
        next = end.saturating_add(1);
    }
    if next <= 0x10_ffff {
        out.push((next, 0x10_ffff));
    }
    out
}

fn without_surrogates(ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for (start, end) in ranges {
        let end = end.min(0x10_ffff);
        if start > end {
            continue;
        }
        if start < 0xd800 {
            out.push((start, end.min(0xd7ff)));
        }
        if end > 0xdfff {
            out.push((start.max(0xe000), end));
        }
    }
    out
}

/// The byte ranges of the UTF-8 encodings of `start..=end` (non-ASCII, no
/// surrogates): ranges split until every byte position is an independent range
/// (the method of regex-syntax's `Utf8Sequences`).
fn utf8_sequences(start: u32, end: u32) -> Vec<Vec<(u8, u8)>> {
    let mut out = Vec::new();
    let mut stack = vec![(start, end)];
    'ranges: while let Some((start, end)) = stack.pop() {
        // One encoded length per range.
        for boundary in [0x7ff, 0xffff] {
            if start <= boundary && boundary < end {
                stack.push((boundary + 1, end));
                stack.push((start, boundary));
                continue 'ranges;
            }
        }
        // Split where a continuation byte would not cover its whole span.
        for continuation in 1..4 {
            let max = (1u32 << (6 * continuation)) - 1;
            if start & !max != end & !max {
                if start & max != 0 {
                    stack.push(((start | max) + 1, end));
                    stack.push((start, start | max));
                    continue 'ranges;
                }
                if end & max != max {
                    stack.push((end & !max, end));
                    stack.push((start, (end & !max) - 1));
                    continue 'ranges;
                }
            }
        }
        let (mut low, mut high) = ([0u8; 4], [0u8; 4]);
        let (Some(first), Some(last)) = (char::from_u32(start), char::from_u32(end)) else {
            continue;
        };
        let low = first.encode_utf8(&mut low).as_bytes().to_vec();
        let high = last.encode_utf8(&mut high).as_bytes().to_vec();
        out.push(low.into_iter().zip(high).collect());
    }
    out
}

fn parse(pattern: &str) -> Result<Node, String> {
    let mut parser = Parser {
        chars: pattern.chars().collect(),
        at: 0,
        pattern,
    };
    if parser.next() != Some('^') {
        return Err(parser.error("must start with `^`"));
    }
    let node = parser.alternation()?;
    if parser.next() != Some('$') || parser.peek().is_some() {
        return Err(parser.error("must end with `$` (and have balanced groups)"));
    }
    Ok(node)
}

/// A Thompson NFA: state → (byte set → state) edges and ε edges.
#[derive(Default)]
struct Nfa {
    edges: Vec<Vec<(ByteSet, usize)>>,
    epsilon: Vec<Vec<usize>>,
}

impl Nfa {
    fn state(&mut self) -> usize {
        self.edges.push(Vec::new());
        self.epsilon.push(Vec::new());
        self.edges.len() - 1
    }

    /// Adds `node` between `from` and a new state, which it returns.
    fn add(&mut self, node: &Node, from: usize) -> usize {
        match node {
            Node::Bytes(set) => {
                let to = self.state();
                self.edges[from].push((**set, to));
                to
            }
            Node::Concat(items) => items.iter().fold(from, |at, item| self.add(item, at)),
            Node::Alternation(branches) => {
                let to = self.state();
                for branch in branches {
                    let end = self.add(branch, from);
                    self.epsilon[end].push(to);
                }
                to
            }
            Node::Repeat { node, min, max } => {
                let mut at = from;
                for _ in 0..*min {
                    at = self.add(node, at);
                }
                match max {
                    None => {
                        let start = self.state();
                        self.epsilon[at].push(start);
                        let end = self.add(node, start);
                        self.epsilon[end].push(start);
                        start
                    }
                    Some(max) => {
                        let to = self.state();
                        self.epsilon[at].push(to);
                        for _ in *min..*max {
                            at = self.add(node, at);
                            self.epsilon[at].push(to);
                        }
                        to
                    }
                }
            }
        }
    }

    fn closure(&self, states: impl IntoIterator<Item = usize>) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = states.into_iter().collect();
        while let Some(s) = stack.pop() {
            if seen.insert(s) {
                stack.extend(&self.epsilon[s]);
            }
        }
        seen
    }
}

/// A DFA: transitions of each state as (byte, next) for the bytes that do not fail.
struct Dfa {
    transitions: Vec<BTreeMap<u8, usize>>,
    accepting: Vec<bool>,
}

fn compile(pattern: &str) -> Result<Dfa, String> {
    let node = parse(pattern)?;
    let mut nfa = Nfa::default();
    let start = nfa.state();
    let end = nfa.add(&node, start);
    let mut sets = vec![nfa.closure([start])];
    let mut index = BTreeMap::from([(sets[0].clone(), 0)]);
    let mut dfa = Dfa {
        transitions: Vec::new(),
        accepting: Vec::new(),
    };
    let mut next_set = 0;
    while next_set < sets.len() {
        let set = sets[next_set].clone();
        next_set += 1;
        let mut transitions = BTreeMap::new();
        for byte in 0..=255u8 {
            let targets = set.iter().flat_map(|&s| {
                nfa.edges[s]
                    .iter()
                    .filter(move |(bytes, _)| bytes[usize::from(byte)])
                    .map(|&(_, to)| to)
            });
            let target = nfa.closure(targets);
            if target.is_empty() {
                continue;
            }
            let id = match index.get(&target) {
                Some(&id) => id,
                None => {
                    if sets.len() >= 256 {
                        return Err(format!("pattern `{pattern}` needs more than 256 states"));
                    }
                    sets.push(target.clone());
                    index.insert(target, sets.len() - 1);
                    sets.len() - 1
                }
            };
            transitions.insert(byte, id);
        }
        dfa.accepting.push(set.contains(&end));
        dfa.transitions.push(transitions);
    }
    Ok(dfa)
}

/// `b'a'..=b'z' | b'-'`: the bytes of `bytes` as range patterns.
fn byte_patterns(bytes: &[u8]) -> TokenStream {
    let mut ranges: Vec<(u8, u8)> = Vec::new();
    for &b in bytes {
        match ranges.last_mut() {
            Some((_, hi)) if u16::from(*hi) + 1 == u16::from(b) => *hi = b,
            _ => ranges.push((b, b)),
        }
    }
    let literal = |b: u8| -> TokenStream {
        if b.is_ascii_graphic() {
            let b = syn::LitByte::new(b, proc_macro2::Span::call_site());
            quote!(#b)
        } else {
            quote!(#b)
        }
    };
    let alternatives = ranges.iter().map(|&(lo, hi)| {
        let (lo, hi) = (literal(lo), literal(hi));
        if lo.to_string() == hi.to_string() {
            quote!(#lo)
        } else {
            quote!(#lo..=#hi)
        }
    });
    quote!(#(#alternatives)|*)
}

/// The check function for `pattern`, named `name`.
fn emit(name: &syn::Ident, pattern: &str, dfa: &Dfa) -> TokenStream {
    let doc = format!("Whether `value` matches `{pattern}` (a DFA over its bytes).");
    let arms = dfa
        .transitions
        .iter()
        .enumerate()
        .flat_map(|(state, edges)| {
            let mut by_target: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
            for (&byte, &to) in edges {
                by_target.entry(to).or_default().push(byte);
            }
            by_target.into_iter().map(move |(to, bytes)| {
                let (state, to) = (
                    proc_macro2::Literal::u8_unsuffixed(state as u8),
                    proc_macro2::Literal::u8_unsuffixed(to as u8),
                );
                let bytes = byte_patterns(&bytes);
                quote!((#state, #bytes) => #to,)
            })
        });
    let accepting = dfa
        .accepting
        .iter()
        .enumerate()
        .filter(|(_, a)| **a)
        .map(|(s, _)| proc_macro2::Literal::u8_unsuffixed(s as u8));
    quote! {
        #[doc = #doc]
        pub fn #name(value: &str) -> bool {
            let mut state: u8 = 0;
            for &byte in value.as_bytes() {
                state = match (state, byte) {
                    #(#arms)*
                    _ => return false,
                };
            }
            matches!(state, #(#accepting)|*)
        }
    }
}

/// Replaces typify's `regress` pattern checks in the `types` module with calls to
/// byte-wise checks emitted into `types::pattern_checks` (one function per distinct
/// pattern, listed in `ALL` for the tests). Errors name the type whose pattern is
/// unsupported.
pub fn apply(file: &mut syn::File) -> Result<(), Vec<String>> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(());
    };
    let mut patterns: BTreeMap<String, syn::Ident> = BTreeMap::new();
    let mut problems = Vec::new();
    for item in types.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let type_name = quote!(#block.self_ty).to_string();
        let type_name = match &*block.self_ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .map_or(type_name, |s| s.ident.to_string()),
            _ => type_name,
        };
        for impl_item in &mut block.items {
            let ImplItem::Fn(function) = impl_item else {
                continue;
            };
            let stmts = &mut function.block.stmts;
            let Some(at) = stmts.iter().position(is_pattern_static) else {
                continue;
            };
            let Some(pattern) = string_literal(&stmts[at]) else {
                problems.push(format!("{type_name}: no pattern literal in its regex"));
                continue;
            };
            if let Err(e) = compile(&pattern) {
                problems.push(format!("{type_name}: {e}"));
                continue;
            }
            let count = patterns.len();
            let name = patterns
                .entry(pattern.clone())
                .or_insert_with(|| format_ident!("pattern_{}", count))
                .clone();
            stmts.remove(at);
            let replaced = stmts.iter_mut().any(|stmt| {
                let Stmt::Expr(Expr::If(check), _) = stmt else {
                    return false;
                };
                let condition = &check.cond;
                if !quote!(#condition).to_string().contains("PATTERN") {
                    return false;
                }
                *check.cond = syn::parse_quote!(!self::pattern_checks::#name(value));
                true
            });
            if !replaced {
                problems.push(format!("{type_name}: the regex is built but not used"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if patterns.is_empty() {
        return Ok(());
    }
    let mut functions = Vec::new();
    let mut entries = Vec::new();
    // In the order the names were given (first use), for a stable file.
    let mut named: Vec<(&String, &syn::Ident)> = patterns.iter().collect();
    named.sort_by_key(|(_, ident)| ident.to_string()[8..].parse::<usize>().unwrap_or(0));
    for (pattern, name) in named {
        let Ok(dfa) = compile(pattern) else { continue };
        functions.push(emit(name, pattern, &dfa));
        entries.push(quote!((#pattern, #name as fn(&str) -> bool)));
    }
    types.push(syn::parse_quote! {
        /// Checks of the spec's string patterns, compiled by `cargo xtask generate`.
        #[doc(hidden)]
        pub mod pattern_checks {
            /// Every pattern the spec uses, with its check.
            pub const ALL: &[(&str, fn(&str) -> bool)] = &[#(#entries),*];
            #(#functions)*
        }
    });
    Ok(())
}

fn is_pattern_static(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Item(Item::Static(s)) if s.ident == "PATTERN")
}

/// The first string literal in `stmt` (the argument of `Regex::new`).
fn string_literal(stmt: &Stmt) -> Option<String> {
    fn find(tokens: TokenStream) -> Option<String> {
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Literal(literal) => {
                    if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&literal.to_string()) {
                        return Some(s.value());
                    }
                }
                proc_macro2::TokenTree::Group(group) => {
                    if let Some(found) = find(group.stream()) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
        None
    }
    find(quote!(#stmt))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, value: &str) -> bool {
        run(&compile(pattern).unwrap(), value)
    }

    fn run(dfa: &Dfa, value: &str) -> bool {
        let mut state = 0;
        for &byte in value.as_bytes() {
            match dfa.transitions[state].get(&byte) {
                Some(&next) => state = next,
                None => return false,
            }
        }
        dfa.accepting[state]
    }

    #[test]
    fn the_subset_compiles_to_the_expected_language() {
        let p = "^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$";
        assert!(matches(p, "a") && matches(p, "a-b") && matches(p, "ab"));
        assert!(!matches(p, "") && !matches(p, "a-") && !matches(p, "-a"));
        let p = "^[^=*<>,|/]*$";
        assert!(matches(p, "") && matches(p, "日本-x😀") && !matches(p, "a=b"));
        let p = "^[^a]$";
        assert!(matches(p, "é") && matches(p, "😀") && !matches(p, "a") && !matches(p, "éé"));
        let p = "^[A-Z\\u0080-\\uFFFF]{2}$";
        assert!(matches(p, "A\u{80}") && matches(p, "\u{ffff}日") && matches(p, "\u{7ff}\u{800}"));
        assert!(!matches(p, "A😀") && !matches(p, "A\u{7f}") && !matches(p, "A"));
        let p = "^(ab|c){2,3}x?$";
        assert!(
            matches(p, "abc") && matches(p, "cabcx") && !matches(p, "c") && !matches(p, "cccc")
        );
        assert!(matches("^a\\.b+$", "a.bb") && !matches("^a\\.b+$", "axb"));
    }

    #[test]
    fn every_code_point_range_is_encoded_exactly() {
        // Each code point of these ranges is in the class and its neighbours are not.
        for (start, end) in [
            (0x80u32, 0xffffu32),
            (0x7ff, 0x800),
            (0xd7ff, 0xe000),
            (0xe9, 0xe9),
        ] {
            let p = format!("^[\\u{start:04X}-\\u{end:04X}]$");
            let dfa = compile(&p).unwrap();
            for code in start - 1..=end + 1 {
                let Some(c) = char::from_u32(code) else {
                    continue;
                };
                let inside = (start..=end).contains(&code);
                assert_eq!(run(&dfa, &c.to_string()), inside, "{p} on U+{code:04X}");
            }
        }
        let all = utf8_sequences(0x80, 0x10ffff);
        let mut count = 0u32;
        for code in (0x80..=0x10ffff).filter_map(char::from_u32) {
            let mut buffer = [0; 4];
            let bytes = code.encode_utf8(&mut buffer).as_bytes();
            let hits = all
                .iter()
                .filter(|seq| {
                    seq.len() == bytes.len()
                        && seq
                            .iter()
                            .zip(bytes)
                            .all(|((lo, hi), b)| (lo..=hi).contains(&b))
                })
                .count();
            assert_eq!(hits, 1, "U+{:04X}", u32::from(code));
            count += 1;
        }
        assert_eq!(count, 0x10ffff - 0x7f - 0x800);
    }

    #[test]
    fn patterns_outside_the_subset_are_refused_with_the_reason() {
        for (pattern, reason) in [
            ("[a-z]+$", "must start with `^`"),
            ("^[a-z]+", "must end with `$`"),
            ("^a.b$", "unsupported `.`"),
            ("^\\d+$", "unsupported escape `\\d`"),
            ("^\\u12$", "four hex digits"),
            ("^[z-a]$", "range out of order"),
            ("^a+?$", "lazy or stacked"),
            ("^(a$", "unclosed group"),
        ] {
            let error = compile(pattern).err().unwrap_or_default();
            assert!(error.contains(reason), "{pattern}: {error}");
        }
    }
}
