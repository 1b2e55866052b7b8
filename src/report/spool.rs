//! Records of a report kept on disk rather than in memory: every ticket's verdict and every
//! unusable row, read back group by group (one group per objective) when the report is written.
//! Memory holds one partly filled block per group, so it does not grow with the number of rows.

use std::fmt;
use std::fs::File;
use std::io;
use std::marker::PhantomData;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// A group's records are written to the file in blocks of about this many bytes.
const BLOCK: usize = 64 * 1024;

/// A record that can be spooled: written compactly (postcard), and read back from the front
/// of a block.
pub trait Record: Sized {
    fn write(&self, out: &mut Vec<u8>) -> io::Result<()>;
    /// The record at the front of `bytes`, and the bytes after it.
    fn read(bytes: &[u8]) -> io::Result<(Self, &[u8])>;
}

/// Writes `stored` as postcard does; for `Record::write`.
pub fn store<T: Serialize>(stored: &T, out: &mut Vec<u8>) -> io::Result<()> {
    let bytes = std::mem::take(out);
    *out = postcard::to_extend(stored, bytes).map_err(io::Error::other)?;
    Ok(())
}

/// Reads what `store` wrote; for `Record::read`.
pub fn load<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> io::Result<(T, &'a [u8])> {
    postcard::take_from_bytes(bytes).map_err(io::Error::other)
}

/// The file that groups write their full blocks to, created on the first full block: a report
/// over a few thousand rows never touches the disk.
#[derive(Default)]
pub struct Spool {
    file: Option<Arc<File>>,
    end: u64,
}

/// Records of one kind, in the order they were added: full blocks in the spool's file, the
/// rest in memory.
pub struct Spooled<T> {
    file: Option<Arc<File>>,
    blocks: Vec<(u64, usize)>,
    tail: Vec<u8>,
    count: usize,
    kind: PhantomData<fn() -> T>,
}

impl<T> Default for Spooled<T> {
    fn default() -> Self {
        Spooled {
            file: None,
            blocks: Vec::new(),
            tail: Vec::new(),
            count: 0,
            kind: PhantomData,
        }
    }
}

impl<T> Clone for Spooled<T> {
    fn clone(&self) -> Self {
        Spooled {
            file: self.file.clone(),
            blocks: self.blocks.clone(),
            tail: self.tail.clone(),
            count: self.count,
            kind: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Spooled<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Spooled({} records)", self.count)
    }
}

impl Spool {
    /// Adds `record` to `group`, writing the group's block to the file when it is full.
    pub fn push<T: Record>(&mut self, group: &mut Spooled<T>, record: &T) -> io::Result<()> {
        record.write(&mut group.tail)?;
        group.count += 1;
        if group.tail.len() >= BLOCK {
            let file = match &self.file {
                Some(file) => file.clone(),
                None => self.file.insert(Arc::new(tempfile::tempfile()?)).clone(),
            };
            file.write_all_at(&group.tail, self.end)?;
            group.blocks.push((self.end, group.tail.len()));
            self.end += group.tail.len() as u64;
            group.tail.clear();
            group.file = Some(file);
        }
        Ok(())
    }
}

impl<T> Spooled<T> {
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

impl<T: Record> Spooled<T> {
    /// The records in the order they were added; an error if the spool's file cannot be read.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<T>> + '_ {
        let blocks = self.blocks.iter().map(|&(at, length)| {
            let mut block = vec![0; length];
            match &self.file {
                Some(file) => file.read_exact_at(&mut block, at).map(|()| block),
                None => Err(io::Error::other("a spooled block has no file")),
            }
        });
        blocks.chain(std::iter::once(Ok(self.tail.clone()))).flat_map(
            |block| -> Box<dyn Iterator<Item = io::Result<T>>> {
                match block {
                    Ok(block) => Box::new(records(block)),
                    Err(error) => Box::new(std::iter::once(Err(error))),
                }
            },
        )
    }
}

/// The records of one block, front to back; a record that cannot be read ends the block.
fn records<T: Record>(block: Vec<u8>) -> impl Iterator<Item = io::Result<T>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = block.get(at..).filter(|rest| !rest.is_empty())?;
        match T::read(rest) {
            Ok((record, after)) => {
                at = block.len() - after.len();
                Some(Ok(record))
            }
            Err(error) => {
                at = block.len();
                Some(Err(error))
            }
        }
    })
}

impl<T: Record + Serialize> Serialize for Spooled<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.count))?;
        for record in self.iter() {
            seq.serialize_element(&record.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Record for (u32, String) {
        fn write(&self, out: &mut Vec<u8>) -> io::Result<()> {
            store(self, out)
        }

        fn read(bytes: &[u8]) -> io::Result<(Self, &[u8])> {
            load(bytes)
        }
    }

    #[test]
    fn groups_read_back_in_order_across_blocks() -> io::Result<()> {
        let mut spool = Spool::default();
        let (mut odd, mut even) = (Spooled::<(u32, String)>::default(), Spooled::default());
        let long = "x".repeat(1000);
        for i in 0..1000u32 {
            let group = if i % 2 == 0 { &mut even } else { &mut odd };
            spool.push(group, &(i, long.clone()))?;
        }
        assert!(
            !even.blocks.is_empty() && !even.tail.is_empty(),
            "some blocks on disk, some not"
        );
        let read: Vec<u32> = even
            .iter()
            .map(|r| r.map(|(i, _)| i))
            .collect::<io::Result<_>>()?;
        assert_eq!(read, (0..1000).step_by(2).collect::<Vec<_>>());
        assert_eq!(odd.len(), 500);
        assert_eq!(odd.iter().count(), 500);
        Ok(())
    }

    #[test]
    fn a_small_group_stays_in_memory() -> io::Result<()> {
        let mut spool = Spool::default();
        let mut group = Spooled::default();
        spool.push(&mut group, &(7, "a\nb".to_string()))?;
        assert!(spool.file.is_none());
        assert_eq!(
            group.iter().collect::<io::Result<Vec<_>>>()?,
            [(7, "a\nb".to_string())]
        );
        Ok(())
    }
}
