//! Arbitrary arrangements of files, links and folders, then one output written to one of
//! them as `-o` does: a regular file gets the contents and keeps its mode, links stay links
//! and share the contents, a folder is refused, and no temporary file is left behind.
#![no_main]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Node {
    File { mode: u16 },
    Symlink { to: u8 },
    HardLink { to: u8 },
    Folder,
    Missing,
}

#[derive(Arbitrary, Debug)]
struct Case {
    nodes: Vec<Node>,
    target: u8,
    contents: Vec<u8>,
}

fn name(index: usize) -> String {
    format!("n{index}")
}

fn build(folder: &Path, nodes: &[Node]) {
    for (index, node) in nodes.iter().enumerate() {
        let path = folder.join(name(index));
        let _ = match node {
            Node::File { mode } => fs::write(&path, b"old")
                .and_then(|()| fs::set_permissions(&path, fs::Permissions::from_mode(u32::from(*mode) & 0o777 | 0o600))),
            Node::Symlink { to } => std::os::unix::fs::symlink(name(usize::from(*to) % nodes.len()), &path),
            Node::HardLink { to } => fs::hard_link(folder.join(name(usize::from(*to) % nodes.len())), &path),
            Node::Folder => fs::create_dir(&path),
            Node::Missing => Ok(()),
        };
    }
}

fuzz_target!(|case: Case| {
    if case.nodes.is_empty() || case.nodes.len() > 8 {
        return;
    }
    let Ok(folder) = tempfile::tempdir() else { return };
    build(folder.path(), &case.nodes);
    let target = folder.path().join(name(usize::from(case.target) % case.nodes.len()));
    let before = fs::symlink_metadata(&target).ok();
    let resolved = fs::metadata(&target).ok();
    let result = slac::output::write(&target, &case.contents);
    match &resolved {
        Some(meta) if meta.is_dir() => assert!(result.is_err(), "a folder was written"),
        _ => {}
    }
    if result.is_ok() {
        assert_eq!(fs::read(&target).ok().as_deref(), Some(case.contents.as_slice()));
        if let Some(before) = &before {
            let after = fs::symlink_metadata(&target).ok();
            assert_eq!(
                before.file_type().is_symlink(),
                after.as_ref().is_some_and(|a| a.file_type().is_symlink()),
                "a link became a file, or a file a link"
            );
        }
        if let (Some(meta), Ok(now)) = (&resolved, fs::metadata(&target)) {
            assert_eq!(meta.mode() & 0o7777, now.mode() & 0o7777, "the mode changed");
            if meta.nlink() > 1 {
                assert_eq!(meta.ino(), now.ino(), "a hard link was split");
            }
        }
    }
    let Ok(entries) = fs::read_dir(folder.path()) else { return };
    for entry in entries.flatten() {
        assert!(!entry.file_name().to_string_lossy().starts_with(".slac-"), "a temporary file was left");
    }
});
