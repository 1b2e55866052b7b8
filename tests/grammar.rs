//! The grammar's shape, on which the parser's safety rests: pest runs without a stack probe
//! (pest 2.8, see Cargo.toml), which is sound because no rule refers to itself, directly or
//! through others, so the parse's depth is bounded by the grammar whatever the input.
//!
//! And the tree grammar, `grammar/sla-tree.pest`, which this file generates from
//! `grammar/sla.pest`: the same rules with the choices and the punctuation silent, so that pest
//! records no token for them when it parses a file to build its syntax tree.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

mod common;

use pest_meta::ast::{Expr, RuleType};
use pest_meta::parser::{consume_rules, parse, Rule};

/// The rules that the tree grammar makes silent. The syntax-tree builder reads what they
/// contain, never the rules themselves: each is a choice between statements or kinds, or
/// punctuation. They stay rules in `grammar/sla.pest`, whose parser reports syntax errors, so
/// that an error says "expected a service line" rather than listing every kind of line.
const SILENT_IN_TREE: &[&str] = &[
    "agreement_item",
    "party_item",
    "calendar_item",
    "maintenance_item",
    "service_item",
    "site_item",
    "objective",
    "objective_item",
    "outcome_item",
    "window_length",
    "credit_item",
    "penalty_item",
    "tier_item",
    "lbrace",
    "rbrace",
    "comma",
    "colon",
];

/// The atomic rules that only atomic rules use: the parts of a quantity, which the builder
/// reads from the quantity's text. Inside an atomic rule pest records no token for a rule, but
/// it still runs its bookkeeping for each rule it tries (five for `99.9%`); silent, they are
/// plain functions. A silent rule is not atomic itself, which changes nothing where every
/// caller is atomic (`inlined_rules_are_used_only_inside_atomic_rules`).
const INLINED_IN_TREE: &[&str] = &[
    "quantity",
    "number",
    "unit",
    "percent_sign",
    "compact_unit",
    "word_unit",
    "currency",
];

const TREE_GRAMMAR: &str = "grammar/sla-tree.pest";

/// The text of the tree grammar, made from the grammar's.
fn tree_grammar(grammar: &str) -> String {
    let mut out = String::from(
        "// GENERATED from grammar/sla.pest by `cargo test --test grammar`; do not edit.\n\
         //\n\
         // The same grammar with the choices, the punctuation and the parts of a quantity silent\n\
         // (SILENT_IN_TREE and INLINED_IN_TREE in tests/grammar.rs): slac parses files with it to\n\
         // build their syntax trees, and with grammar/sla.pest only to explain a syntax error.\n\n",
    );
    for line in grammar.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        let rest = line.get(name.len()..).unwrap_or("");
        let definition = rest.trim_start();
        let body = definition.strip_prefix("= {").or_else(|| {
            definition
                .strip_prefix("= @{")
                .filter(|_| INLINED_IN_TREE.contains(&name))
        });
        match body {
            Some(body) if SILENT_IN_TREE.contains(&name) || INLINED_IN_TREE.contains(&name) => {
                let space = &rest[..rest.len() - rest.trim_start().len()];
                out.push_str(&format!("{name}{space}= _{{{body}\n"));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Each rule's type and expression, by name.
fn rules(grammar: &str) -> BTreeMap<String, (RuleType, Expr)> {
    let pairs = parse(Rule::grammar_rules, grammar).unwrap();
    consume_rules(pairs)
        .unwrap()
        .into_iter()
        .map(|rule| (rule.name, (rule.ty, rule.expr)))
        .collect()
}

/// Each rule with the rules its expression names.
fn references(grammar: &str) -> BTreeMap<String, Vec<String>> {
    let pairs = parse(Rule::grammar_rules, grammar).unwrap();
    let rules = consume_rules(pairs).unwrap();
    rules
        .into_iter()
        .map(|rule| {
            let named = rule
                .expr
                .iter_top_down()
                .filter_map(|expr| match expr {
                    Expr::Ident(name) => Some(name),
                    _ => None,
                })
                .collect();
            (rule.name, named)
        })
        .collect()
}

/// A chain of rules that leads back to its first, if there is one.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(
        rule: &str,
        graph: &BTreeMap<String, Vec<String>>,
        finished: &mut Vec<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|r| r == rule) {
            let mut cycle = path[at..].to_vec();
            cycle.push(rule.to_string());
            return Some(cycle);
        }
        if finished.iter().any(|r| r == rule) {
            return None;
        }
        path.push(rule.to_string());
        for next in graph.get(rule).into_iter().flatten() {
            // Built-ins such as ASCII_DIGIT are not rules of the grammar.
            if graph.contains_key(next) {
                if let Some(cycle) = visit(next, graph, finished, path) {
                    return Some(cycle);
                }
            }
        }
        path.pop();
        finished.push(rule.to_string());
        None
    }
    let mut finished = Vec::new();
    graph
        .keys()
        .find_map(|rule| visit(rule, graph, &mut finished, &mut Vec::new()))
}

#[test]
fn no_rule_of_the_grammar_is_recursive() {
    let grammar = std::fs::read_to_string("grammar/sla.pest").unwrap();
    let graph = references(&grammar);
    assert!(
        graph.len() > 100,
        "the grammar was not read: {} rules",
        graph.len()
    );
    assert_eq!(find_cycle(&graph), None);
}

#[test]
fn the_check_finds_recursion_when_there_is_some() {
    let direct = references(r#"group = { "(" ~ group? ~ ")" }"#);
    assert_eq!(find_cycle(&direct).unwrap(), ["group", "group"]);
    let indirect = references(
        r#"
        value = { number | list }
        list = { "[" ~ value* ~ "]" }
        number = @{ ASCII_DIGIT+ }
        "#,
    );
    assert_eq!(find_cycle(&indirect).unwrap(), ["list", "value", "list"]);
}

/// The tree grammar is up to date: if not, the test writes it and fails, so that a change to
/// the grammar cannot reach a build whose trees come from the old one.
#[test]
fn the_tree_grammar_is_generated_from_the_grammar() {
    let grammar = std::fs::read_to_string("grammar/sla.pest").unwrap();
    let expected = tree_grammar(&grammar);
    let current = std::fs::read_to_string(TREE_GRAMMAR).unwrap_or_default();
    if current != expected {
        std::fs::write(TREE_GRAMMAR, &expected).unwrap();
        panic!("{TREE_GRAMMAR} was out of date and has been written again: build again and commit it");
    }
}

/// The two grammars define the same language: the same rules with the same expressions, and
/// only the listed rules, each a normal rule in the grammar, are silent in the tree grammar.
#[test]
fn the_tree_grammar_differs_only_in_the_silent_rules() {
    let grammar = rules(&std::fs::read_to_string("grammar/sla.pest").unwrap());
    let tree = rules(&tree_grammar(
        &std::fs::read_to_string("grammar/sla.pest").unwrap(),
    ));
    assert_eq!(
        grammar.keys().collect::<Vec<_>>(),
        tree.keys().collect::<Vec<_>>()
    );
    for (name, (ty, expr)) in &grammar {
        let (tree_ty, tree_expr) = &tree[name];
        assert_eq!(expr, tree_expr, "{name}");
        if SILENT_IN_TREE.contains(&name.as_str()) {
            assert_eq!(
                *ty,
                RuleType::Normal,
                "{name} is not a normal rule in the grammar"
            );
            assert_eq!(*tree_ty, RuleType::Silent, "{name}");
        } else if INLINED_IN_TREE.contains(&name.as_str()) {
            assert_eq!(*tree_ty, RuleType::Silent, "{name}");
        } else {
            assert_eq!(ty, tree_ty, "{name}");
        }
    }
}

/// Every rule that the tree grammar inlines is used only by atomic rules of the grammar, or by
/// other inlined rules: so pest never skips whitespace inside them, and, as pest records no
/// pair inside an atomic rule, no pair of theirs was ever in a syntax tree.
#[test]
fn inlined_rules_are_used_only_inside_atomic_rules() {
    let grammar_text = std::fs::read_to_string("grammar/sla.pest").unwrap();
    let grammar = rules(&grammar_text);
    let mut checked = 0;
    for (user, used) in references(&grammar_text) {
        for name in used.iter().filter(|n| INLINED_IN_TREE.contains(&n.as_str())) {
            let (ty, _) = &grammar[&user];
            assert!(
                *ty == RuleType::Atomic || INLINED_IN_TREE.contains(&user.as_str()),
                "{user} ({ty:?}) uses the inlined rule {name}"
            );
            checked += 1;
        }
    }
    assert!(checked >= INLINED_IN_TREE.len(), "{checked} uses");
    for name in INLINED_IN_TREE {
        assert!(grammar.contains_key(*name), "{name} is not a rule");
    }
}

/// The two parsers agree on every fixture and example, and on each cut short at many places
/// (most of which do not parse): the tree parser's success is the error parser's.
#[test]
fn both_parsers_accept_and_refuse_the_same_files() {
    let files = slac::workspace::sla_files(&["tests".into(), "examples".into()]).unwrap();
    assert!(files.len() > 50, "{} files", files.len());
    let (mut accepted, mut refused) = (0, 0);
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let cuts = (0..text.len()).step_by(37).filter(|&i| text.is_char_boundary(i));
        for end in cuts.chain([text.len()]) {
            let prefix = &text[..end];
            assert!(
                slac::syntax::parsers_agree(prefix),
                "{} cut at byte {end}",
                file.display()
            );
            if slac::syntax::pest_parse_only(prefix) {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 100 && refused > 1000,
        "{accepted} accepted, {refused} refused"
    );
}

/// A file parsed piece by piece (as files longer than 64 KiB are) gives the syntax tree and
/// the diagnostics of its whole parse, or is refused as the whole parse refuses it: every
/// fixture and example, in pieces of many sizes, each also cut short at many places.
#[test]
fn a_file_parsed_piece_by_piece_is_the_file_parsed_whole() {
    let files = slac::workspace::sla_files(&["tests".into(), "examples".into()]).unwrap();
    let (mut whole, mut prefixes) = (0, 0);
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for piece_bytes in [1, 300, 1 << 20] {
            assert!(
                slac::syntax::pieces_agree(&text, piece_bytes),
                "{} in pieces of {piece_bytes} bytes",
                file.display()
            );
        }
        whole += 1;
        let cuts = (0..text.len()).step_by(101).filter(|&i| text.is_char_boundary(i));
        for end in cuts {
            assert!(
                slac::syntax::pieces_agree(&text[..end], 1),
                "{} cut at byte {end}",
                file.display()
            );
            prefixes += 1;
        }
    }
    assert!(whole > 50 && prefixes > 500, "{whole} files, {prefixes} prefixes");
}

/// A generated spec of about 280 KB is parsed in pieces by `parse`, whose tree leaves its 300
/// services and their credit policies in deferred pieces: read again, the pieces give every
/// service, and the items the tree keeps are the whole parse's other items.
#[test]
fn a_large_spec_is_parsed_in_pieces() {
    use slac::syntax::ast::AgreementItem;
    let text = slac_corpus::spec(3, 300);
    assert!(text.len() > 3 * 64 * 1024, "{} bytes", text.len());
    assert!(slac::syntax::pieces_agree(&text, 64 * 1024));
    let (tree, diagnostics) = slac::syntax::parse(0, &text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let agreement = &tree.agreements[0];
    assert!(!agreement.items.iter().any(AgreementItem::is_deferred_kind));
    assert_eq!(agreement.deferred.services, 300);
    assert!(agreement.deferred.pieces.len() > 3, "{:?}", agreement.deferred);
    let mut read = Vec::new();
    let mut remedies = 0;
    for piece in &agreement.deferred.pieces {
        let again = slac::syntax::deferred_items(0, &text, *piece).expect("the piece parses again");
        assert!(again.diagnostics.is_empty(), "{:?}", again.diagnostics);
        read.extend(again.services);
        for span in again.credits.iter().chain(&again.penalties) {
            let (item, found) = slac::syntax::remedy(0, &text, *span).expect("the remedy parses again");
            assert!(found.is_empty(), "{found:?}");
            read.push(item);
            remedies += 1;
        }
    }
    // Each piece's services, then its credit policies and penalties: in the order of the text.
    read.sort_by_key(|item| item.span().start());
    assert_eq!(remedies, 300);
    let (whole, _) = slac::syntax::parse_in_pieces(0, &text, 1).expect("the spec parses");
    let (deferred, others): (Vec<AgreementItem>, Vec<AgreementItem>) = whole.agreements[0]
        .items
        .iter()
        .cloned()
        .partition(AgreementItem::is_deferred_kind);
    assert_eq!(read, deferred);
    assert_eq!(agreement.items, others);
    let services = read
        .iter()
        .filter(|item| matches!(item, AgreementItem::Service(_)))
        .count();
    assert_eq!(services, 300);
}

/// A large file's services are built only when analysis reads their pieces again: a bad
/// escape in one of them is still reported, once, where it is, and the file's IR is whole.
#[test]
fn a_large_specs_deferred_services_report_their_own_problems() {
    let spec = slac_corpus::spec(3, 300);
    let good = slac::check_source(std::path::Path::new("large.sla"), &spec);
    assert!(!good.has_errors(), "{:?}", good.diagnostics);
    let services: usize = good.agreements().map(|a| a.services.len()).sum();
    assert_eq!(services, 300);

    let text = spec.replacen("\"Service 7\"", "\"Service \\q7\"", 1);
    let at = text.find("\\q7").expect("the escape is in the text");
    assert!(at > 64 * 1024 || text.len() > 64 * 1024);
    let checked = slac::check_source(std::path::Path::new("large.sla"), &text);
    let escapes: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == slac::diagnostics::Code::E104)
        .collect();
    assert_eq!(escapes.len(), 1, "{:?}", checked.diagnostics);
    assert_eq!(escapes[0].primary.span.start(), at);
}

/// A large file's credit policies and penalties are built only when analysis lowers them,
/// from where the pieces read again found them: their problems are reported where they are
/// written, a second policy for one objective pointing at the first.
#[test]
fn a_large_specs_credits_and_penalties_report_their_own_problems() {
    let spec = slac_corpus::spec(3, 300);
    let penalty = "  penalty for svc-3.availability {\n    1% of monthly fee per breach\n  }\n";
    let unknown = "  penalty for nosuch.availability {\n    1% of monthly fee per breach\n  }\n";
    let end = spec.rfind('}').expect("the agreement's closing brace");
    let text = [&spec[..end], penalty, penalty, unknown, &spec[end..]]
        .concat()
        .replacen(
            "credits for svc-5.availability",
            "credits for svc-4.availability",
            1,
        );
    assert!(text.len() > 64 * 1024, "{} bytes", text.len());
    let first_credits = text.find("svc-4.availability").expect("svc-4's credits");
    let second_credits = text.rfind("svc-4.availability").expect("the second policy");
    let first_penalty = text.find("svc-3.availability").expect("svc-3's credits");
    let first_penalty = text[first_penalty + 1..]
        .find("svc-3.availability")
        .map(|at| at + first_penalty + 1)
        .expect("the first penalty");
    let second_penalty = text.rfind("svc-3.availability").expect("the second penalty");
    let unknown_at = text.find("nosuch").expect("the unknown service");

    let checked = slac::check_source(std::path::Path::new("large.sla"), &text);
    let found: Vec<(&str, usize, Vec<usize>)> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let secondary = d.secondary.iter().map(|l| l.span.start()).collect();
            (d.code.as_str(), d.primary.span.start(), secondary)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("E203", second_credits, vec![first_credits]),
            ("E203", second_penalty, vec![first_penalty]),
            ("E201", unknown_at, vec![]),
        ],
        "{:?}",
        checked.diagnostics
    );
    let policies: usize = checked.agreements().map(|a| a.credit_policies.len()).sum();
    let penalties: usize = checked.agreements().map(|a| a.penalties.len()).sum();
    assert_eq!((policies, penalties), (299, 1));
}

/// A large file refused for too many objectives in one service (E106) still reports what
/// building its services finds, as the whole parse does, though its first parse builds none.
#[test]
fn a_refused_large_spec_reports_its_services_problems() {
    let spec = slac_corpus::spec(3, 100);
    let crowded = format!(
        "  service crowded \"Crowded\" {{\n{}  }}\n\n",
        "    response P1 within 1h\n".repeat(slac::syntax::MAX_OBJECTIVES + 1)
    );
    let at = spec.find("  service svc-1 ").expect("a second service");
    let text = [&spec[..at], &crowded, &spec[at..]]
        .concat()
        .replacen("\"Service 7\"", "\"Service \\q7\"", 1);
    assert!(text.len() > 64 * 1024, "{} bytes", text.len());
    let (tree, diagnostics) = slac::syntax::parse(0, &text);
    assert!(tree.agreements.is_empty());
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E104", "E106"], "{diagnostics:?}");
    assert!(slac::syntax::pieces_agree(&text, 64 * 1024));
}

/// The generated specs that the benchmarks and the tests above parse are valid, and the same
/// for the same seed.
#[test]
fn generated_specs_are_valid_and_deterministic() {
    for seed in 0..20 {
        let text = slac_corpus::spec(seed, 3);
        assert_eq!(text, slac_corpus::spec(seed, 3));
        let checked = slac::check_source(std::path::Path::new("generated.sla"), &text);
        assert!(
            checked.diagnostics.is_empty(),
            "seed {seed}: {:?}",
            checked.diagnostics
        );
    }
}

/// The imports read without parsing (which group the files of `slac check`) are those of the
/// syntax tree, for every file of the tests and examples that parses.
#[test]
fn imports_read_without_parsing_are_those_of_the_syntax_tree() {
    let mut files = common::sla_files_below("tests/fixtures");
    files.extend(common::sla_files_below("examples"));
    let mut compared = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (tree, diagnostics) = slac::syntax::parse(0, &text);
        if diagnostics.iter().any(|d| d.code.as_str().starts_with("E1")) {
            continue;
        }
        let parsed: Vec<&str> = tree.imports.iter().map(|i| i.path.value.as_str()).collect();
        assert_eq!(
            slac::syntax::import_paths(text.as_bytes()),
            parsed,
            "{}",
            path.display()
        );
        compared += 1;
    }
    assert!(compared > 50, "only {compared} files parsed");
}
