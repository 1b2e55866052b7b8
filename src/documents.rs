//! Contract documents: the Markdown and HTML of one agreement, with the agreements of other
//! files that underpin it.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::source::FileId;
use crate::{check, emit, ir, workspace, Checked};

/// The agreements of the specs under `folder` that underpin one of `supported` (OLAs and UCs
/// whose `supports` names it), for its contract document. Such a spec imports the supported
/// one, so it is found by a search of the text and then checked on its own: a spec that does
/// not mention `supports` and one of the ids is never analysed, and one with errors is left
/// out and named in the second list.
pub fn underpinning(folder: &Path, supported: &[&str]) -> (Vec<ir::Agreement>, Vec<PathBuf>) {
    let Ok(files) = workspace::sla_files(&[folder.to_path_buf()]) else {
        return (Vec::new(), Vec::new());
    };
    let mentions = |path: &PathBuf| {
        std::fs::read(path).is_ok_and(|bytes| {
            let text = String::from_utf8_lossy(&bytes);
            text.contains("supports") && supported.iter().any(|id| text.contains(id))
        })
    };
    let candidates: Vec<PathBuf> = files.into_par_iter().filter(mentions).collect();
    let (mut found, mut broken) = (Vec::new(), Vec::new());
    for candidate in candidates {
        match check(std::slice::from_ref(&candidate)) {
            Ok(checked) if !checked.has_errors() => {
                let root = checked.roots.first().and_then(|root| checked.program(*root));
                let supporting = root
                    .into_iter()
                    .flat_map(|p| &p.agreements)
                    .filter(|a| a.supports.as_deref().is_some_and(|s| supported.contains(&s)));
                found.extend(supporting.cloned());
            }
            _ => broken.push(candidate),
        }
    }
    (found, broken)
}

/// The contract document (Markdown) of one agreement defined in `file`, from the IR of a run
/// without errors; `underpinning` are agreements of other files that support it (see
/// [`underpinning`]). `today`, when given, is printed as the generation date.
pub fn markdown_document(
    checked: &Checked,
    file: FileId,
    agreement: &ir::Agreement,
    underpinning: &[ir::Agreement],
    today: Option<chrono::NaiveDate>,
) -> String {
    use sha2::{Digest, Sha256};
    let mut all: Vec<&ir::Agreement> = checked.agreements().collect();
    all.extend(
        underpinning
            .iter()
            .filter(|u| !all.iter().any(|a| a.id == u.id))
            .collect::<Vec<_>>(),
    );
    let digest = Sha256::digest(checked.sources.text(file).as_bytes());
    let context = emit::DocumentContext {
        agreements: &all,
        source_sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        today,
    };
    emit::markdown(agreement, &context)
}

/// The contract document of one agreement as a self-contained HTML page with print CSS.
pub fn html_document(
    checked: &Checked,
    file: FileId,
    agreement: &ir::Agreement,
    underpinning: &[ir::Agreement],
    today: Option<chrono::NaiveDate>,
) -> String {
    emit::html(
        &markdown_document(checked, file, agreement, underpinning, today),
        &agreement.title,
    )
}
