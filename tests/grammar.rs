//! The grammar's shape, on which the parser's safety rests: pest runs without a stack probe
//! (pest 2.8, see Cargo.toml), which is sound because no rule refers to itself, directly or
//! through others, so the parse's depth is bounded by the grammar whatever the input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use pest_meta::ast::Expr;
use pest_meta::parser::{consume_rules, parse, Rule};

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
