//! Writes a corpus of generated specs for measuring slac by hand:
//! `cargo run -p slac-corpus -- FOLDER [FILES] [SERVICES]`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(folder) = args.next().map(PathBuf::from) else {
        eprintln!("usage: slac-corpus FOLDER [FILES (10000)] [SERVICES (5)]");
        return ExitCode::from(2);
    };
    let number = |given: Option<String>, default: usize| match given {
        None => Ok(default),
        Some(text) => text.parse::<usize>().map_err(|e| format!("`{text}`: {e}")),
    };
    let counts = number(args.next(), 10_000).and_then(|files| Ok((files, number(args.next(), 5)?)));
    let (files, services) = match counts {
        Ok(counts) => counts,
        Err(error) => {
            eprintln!("slac-corpus: {error}");
            return ExitCode::from(2);
        }
    };
    match slac_corpus::write_corpus(&folder, files, services) {
        Ok(written) => {
            eprintln!("wrote {} specs under {}", written.len(), folder.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("slac-corpus: cannot write under {}: {error}", folder.display());
            ExitCode::from(1)
        }
    }
}
