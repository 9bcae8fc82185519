//! Rendering: templated values and step inputs (the engine crate's `render`, re-exported here
//! whole), and whole skeletons (`skeleton`, which needs fetch:template's rules from this crate).

pub use trellis_engine::render::*;

pub mod skeleton;
