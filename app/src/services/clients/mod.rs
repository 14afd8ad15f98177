//! The shop's clients: finding a file (`lookup`, a leaf every other module may use), creating and
//! editing it (`edit`), the list and its search (`search`), a file's page (`detail`, and `file`
//! for notes, consents and the timeline; `sheets`, a salon's technical sheets; `terms`, the
//! client's acceptance of the programme's terms), tags and groups (`labels`), joining two files
//! (`merge`), the member card (`card`), the client's data report (`report`), erasing an identity
//! (`erase`, for support and for `retention`: clients gone for years). There is no delete.

pub mod card;
pub mod changes;
pub mod detail;
pub mod edit;
pub mod erase;
pub mod file;
pub mod labels;
pub mod lookup;
pub mod merge;
pub mod report;
pub mod retention;
pub mod search;
pub mod sheets;
pub mod terms;

#[cfg(test)]
mod tests;
