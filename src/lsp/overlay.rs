//! The reader the language server's checks go through: open documents' text (unsaved edits
//! included) first, then the disk reader, only inside the workspace roots. It remembers what one
//! check pass asked for, so a skeleton fetched by several steps is read once per pass, and which
//! paths each template's check looked at (its dependencies: a change to one re-checks it).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::check::skeleton::{parent, EntryKind, ReadError};
use crate::check::SkeletonSource;

/// Whether `path` is `root` or below it (lexically: the paths are normalised, absolute, `/`).
pub fn inside(roots: &[String], path: &str) -> bool {
    roots.iter().any(|root| {
        let root = root.trim_end_matches('/');
        path == root || path.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'))
    })
}

/// What the disk answered, kept for one pass.
#[derive(Default)]
struct Memo {
    kinds: HashMap<String, Result<Option<EntryKind>, String>>,
    listings: HashMap<String, Result<Vec<(String, EntryKind)>, String>>,
    files: HashMap<String, Result<Vec<u8>, ReadError>>,
}

pub struct Overlay<'a> {
    documents: &'a BTreeMap<String, String>,
    roots: &'a [String],
    disk: &'a dyn SkeletonSource,
    memo: RefCell<Memo>,
    /// Paths asked about since the last [`Overlay::take_touched`].
    touched: RefCell<BTreeSet<String>>,
}

impl<'a> Overlay<'a> {
    pub fn new(documents: &'a BTreeMap<String, String>, roots: &'a [String], disk: &'a dyn SkeletonSource) -> Self {
        Overlay { documents, roots, disk, memo: RefCell::default(), touched: RefCell::default() }
    }

    /// The paths asked about since the last call.
    pub fn take_touched(&self) -> BTreeSet<String> {
        std::mem::take(&mut self.touched.borrow_mut())
    }

    fn touch(&self, path: &str) {
        self.touched.borrow_mut().insert(path.to_string());
    }

    fn open(&self, path: &str) -> Option<&'a String> {
        self.documents.get(path)
    }

    /// Paths outside the roots are refused (the disk reader refuses them too, symlinks included).
    fn confine(&self, path: &str) -> Result<(), String> {
        match inside(self.roots, path) {
            true => Ok(()),
            false => Err(format!("{path} is outside the workspace")),
        }
    }

    /// The text of `path`: the open document, else the file (lossy UTF-8, as skeletons are read).
    pub fn text(&self, path: &str, max: u64) -> Result<String, ReadError> {
        self.read(path, max).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl SkeletonSource for Overlay<'_> {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        self.touch(path);
        self.confine(path)?;
        if self.open(path).is_some() {
            return Ok(Some(EntryKind::File));
        }
        let mut memo = self.memo.borrow_mut();
        memo.kinds.entry(path.to_string()).or_insert_with(|| self.disk.kind(path)).clone()
    }

    fn list(&self, path: &str) -> Result<Vec<(String, EntryKind)>, String> {
        self.touch(path);
        self.confine(path)?;
        let listed = {
            let mut memo = self.memo.borrow_mut();
            memo.listings.entry(path.to_string()).or_insert_with(|| self.disk.list(path)).clone()
        };
        // Documents open in this directory but not saved yet are listed too.
        let unsaved: Vec<(String, EntryKind)> = self
            .documents
            .keys()
            .filter(|doc| parent(doc) == path)
            .filter_map(|doc| doc.rsplit('/').next().map(|name| (name.to_string(), EntryKind::File)))
            .collect();
        match listed {
            Ok(mut entries) => {
                for entry in unsaved {
                    if !entries.iter().any(|(name, _)| *name == entry.0) {
                        entries.push(entry);
                    }
                }
                Ok(entries)
            }
            Err(_) if !unsaved.is_empty() => Ok(unsaved),
            Err(error) => Err(error),
        }
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        self.touch(path);
        self.confine(path).map_err(ReadError::Failed)?;
        if let Some(text) = self.open(path) {
            return match text.len() as u64 {
                size if size > max => Err(ReadError::TooLarge(size)),
                _ => Ok(text.as_bytes().to_vec()),
            };
        }
        let mut memo = self.memo.borrow_mut();
        match memo.files.get(path) {
            Some(Ok(bytes)) if bytes.len() as u64 <= max => return Ok(bytes.clone()),
            Some(Err(ReadError::TooLarge(size))) if *size > max => return Err(ReadError::TooLarge(*size)),
            Some(Err(ReadError::Failed(error))) => return Err(ReadError::Failed(error.clone())),
            _ => {}
        }
        let result = self.disk.read(path, max);
        memo.files.insert(path.to_string(), result.clone());
        result
    }

    fn mode(&self, path: &str) -> u32 {
        self.disk.mode(path)
    }

    fn link_target(&self, path: &str) -> Option<String> {
        self.disk.link_target(path)
    }
}
