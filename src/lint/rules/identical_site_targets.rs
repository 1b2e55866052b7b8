//! W302: a service whose sites or regions all have the service's targets unchanged.

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::key;
use crate::lint::{finding, LintInput, Rule};

pub(super) const RULE: Rule = Rule {
    code: Code::W302,
    docs: CodeDocs {
        what: "A service lists two or more sites or regions, and none of them changes any target or calendar.",
        why: "Sites exist because places differ: a rural branch an hour's drive away cannot get the city's 4-hour on-site response. The same SLA for every site is usually a promise that cannot be kept somewhere.",
        example: "service printing {\n  response P1 within 4h during office\n  site city \"Hanoi\"\n  site rural \"Rural branches\"\n}",
        instead: "service printing {\n  response P1 within 4h during office\n  site city \"Hanoi\"\n  site rural \"Rural branches\" { response P1 within 8h during office }\n}",
    },
    check: Some(check),
};

fn check(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    for agreement in &input.agreements {
        for service in &agreement.services {
            if service.sites.len() < 2 || service.sites.iter().any(|s| !s.overridden.is_empty()) {
                continue;
            }
            let Some(location) = input.service_location(agreement, service) else {
                continue;
            };
            let names: Vec<String> = service.sites.iter().map(|s| format!("`{}`", s.id)).collect();
            let mut diagnostic = finding(
                Code::W302,
                location,
                format!(
                    "every site of the service `{}` ({}) has the same targets",
                    service.id,
                    names.join(", ")
                ),
                "one set of targets for every site",
            );
            for site in &service.sites {
                if let Some(site_location) = input.locate(&[key::site(&agreement.id, &service.id, &site.id)])
                {
                    diagnostic =
                        diagnostic.secondary(site_location.file, site_location.span, "no target of its own");
                }
            }
            out.push(diagnostic.help(
                "give each site the targets its place allows (for example a longer response in remote branches), or drop the sites",
            ));
        }
    }
}
